"""Matching the entity mentions of many documents at once, with numpy.

:func:`match_batch` matches a batch of documents under every span scheme, the way
:func:`~._entities.match_spans` matches one, for the common document: on each side the spans are
non-empty and none overlaps another (*simple*). There

- the overlap pairs come from two binary searches per gold mention over the whole batch (keys
  ``document * 2**32 + offset``, so a search never leaves its document);
- a same-span pair is always lone (a mention overlapping one of the two overlaps the other,
  and neither side overlaps itself), so it is exact, and strict when the types agree;
- the other lone pairs get half credit under partial and match under type when the types agree;
- a tangled component is a run of consecutive pairs (ordered by gold, then predicted position)
  that share a mention; a star (one mention against several) keeps, under partial and under type,
  the edge :func:`~._matching.max_weight_matching` keeps: the largest ``credit + 0.125 x IoU``,
  ties to the first leaf in text order.

Any other tangled component is listed for the caller to match, and so is every document that
is not simple. The result is per mention: which schemes matched it, so counts, error lists,
per-type counts and the confusion matrix are sums and masks over the batch.

:func:`score_entity_batch` turns that into every document's
:class:`~._entities.EntityScores`, the same as :func:`~._entities.score_entities` gives
(which scores the documents that are not simple); :func:`count_schemes` into the micro counts of
:func:`~._entities.count_entity_schemes`. numpy is imported with this module, so only when a
batch is scored.

Example:
    >>> m = match_batch(Side([0, 10], [5, 15], [0, 1], [2]), Side([0, 11], [5, 15], [1, 1], [2]))
    >>> m.gold["exact"].tolist(), m.gold["half"].tolist(), m.gold["type"].tolist()
    ([True, False], [False, True], [False, True])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, islice
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from .._models import Entity
from ._entities import (
    _GOLD,
    _PRED,
    _TYPE,
    NONE_LABEL,
    SCHEMES,
    EntityKey,
    EntityScores,
    Pair,
    _linked,
    _match_tangled,
    match_spans,
    score_entities,
)
from ._matching import matching_size
from ._results import Counts, JsonItem, MetricResult, Paragraphs, Places

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    BoolArray = npt.NDArray[np.bool_]
    FloatArray = npt.NDArray[np.float64]

STRIDE = 1 << 32
"""Offsets are below 2**31, so ``document * STRIDE + offset`` orders mentions by document first."""

FLAGS: tuple[str, ...] = ("strict", "exact", "half", "type")
"""Per mention: matched under strict, exact (same span), with half credit, under type."""


class Side:
    """One side's mentions of a batch, flattened: starts, ends and type codes (sequences or
    arrays), document by document (``counts[d]`` mentions for document ``d``), and their order
    by ``(document, start, end, index)``.

    Example:
        >>> side = Side([4, 0, 9], [6, 3, 9], [0, 0, 1], [2, 1])
        >>> side.order.tolist(), side.simple.tolist()
        ([1, 0, 2], [True, False])
    """

    def __init__(
        self,
        starts: Sequence[int] | IntArray,
        ends: Sequence[int] | IntArray,
        types: Sequence[int] | IntArray,
        counts: Sequence[int],
    ) -> None:
        self.start: IntArray = np.asarray(starts, dtype=np.int64)
        self.end: IntArray = np.asarray(ends, dtype=np.int64)
        self.type: IntArray = np.asarray(types, dtype=np.int64)
        self.counts: IntArray = np.asarray(counts, dtype=np.int64)
        n_docs = len(self.counts)
        self.offsets: IntArray = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(self.counts, out=self.offsets[1:])
        self.doc: IntArray = np.repeat(np.arange(n_docs, dtype=np.int64), self.counts)
        self.key: IntArray = self.doc * STRIDE + self.start
        """``document * STRIDE + start`` of every mention."""
        if (self.key[1:] > self.key[:-1]).all():  # in text order already, no start twice
            self.order: IntArray = np.arange(len(self.key), dtype=np.int64)
            starts_sorted, ends_sorted, docs_sorted = self.start, self.end, self.doc
        else:
            self.order = np.lexsort((self.end, self.start, self.doc)).astype(np.int64)
            starts_sorted, ends_sorted = self.start[self.order], self.end[self.order]
            docs_sorted = self.doc[self.order]
        bad = np.zeros(n_docs, dtype=bool)
        bad[self.doc[self.start >= self.end]] = True
        overlapping = (docs_sorted[1:] == docs_sorted[:-1]) & (ends_sorted[:-1] > starts_sorted[1:])
        bad[docs_sorted[1:][overlapping]] = True
        self.simple: BoolArray = ~bad
        """Per document: no span of this side is empty and none overlaps another."""

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class BatchMatch:
    """What :func:`match_batch` found: per document whether it was matched here (``simple``);
    per mention of those documents the flags of :data:`FLAGS`; the partial pairs (exact and
    half, global indices); the gold mentions whose type gains a half pair in the per-type
    counts; and the tangled components left to the caller, as ``(document, [(gold, pred)])``
    with indices within the document."""

    simple: BoolArray
    gold: dict[str, BoolArray]
    pred: dict[str, BoolArray]
    partial_gold: list[IntArray] = field(default_factory=list)
    partial_pred: list[IntArray] = field(default_factory=list)
    typed_half: list[IntArray] = field(default_factory=list)
    left: list[tuple[int, list[tuple[int, int]]]] = field(default_factory=list)


def _first_of_runs(run: IntArray, chosen: BoolArray) -> IntArray:
    """The first chosen position of each run (``run`` ascending), for runs that have one."""
    positions = np.flatnonzero(chosen)
    if positions.size == 0:
        return positions
    runs = run[positions]
    keep = np.ones(positions.size, dtype=bool)
    keep[1:] = runs[1:] != runs[:-1]
    return positions[keep]


def _best_per_run(
    run: IntArray, run_starts: IntArray, weight: FloatArray, eligible: BoolArray
) -> IntArray:
    """Per run (``run`` ascending, starting at ``run_starts``), the first eligible position of
    largest weight."""
    if not eligible.any():
        return np.zeros(0, dtype=np.int64)
    masked = np.where(eligible, weight, -np.inf)
    best = np.maximum.reduceat(masked, run_starts)
    return _first_of_runs(run, eligible & (masked == best[run]))


def match_batch(gold: Side, pred: Side) -> BatchMatch:
    """Match every simple document of a batch under every span scheme (see the module)."""
    simple = gold.simple & pred.simple
    flags_gold = {name: np.zeros(len(gold), dtype=bool) for name in FLAGS}
    flags_pred = {name: np.zeros(len(pred), dtype=bool) for name in FLAGS}
    match = BatchMatch(simple, flags_gold, flags_pred)
    golds = gold.order[simple[gold.doc[gold.order]]]
    if golds.size == 0 or len(pred) == 0:
        return match
    preds = pred.order
    pred_docs = pred.doc[preds] * STRIDE
    gold_docs = gold.doc[golds] * STRIDE
    low = np.searchsorted(pred_docs + pred.end[preds], gold.key[golds], "right")
    high = np.searchsorted(pred.key[preds], gold_docs + gold.end[golds], "left")
    degree = np.maximum(high - low, 0)
    total = int(degree.sum())
    if total == 0:
        return match
    pair_gold = np.repeat(golds, degree)
    first = np.cumsum(degree) - degree
    pair_pred = preds[np.repeat(low, degree) + np.arange(total) - np.repeat(first, degree)]
    gold_degree = np.zeros(len(gold), dtype=np.int64)
    gold_degree[golds] = degree
    pred_degree = np.bincount(pair_pred, minlength=len(pred))
    lone = (gold_degree[pair_gold] == 1) & (pred_degree[pair_pred] == 1)
    same_span = (gold.start[pair_gold] == pred.start[pair_pred]) & (
        gold.end[pair_gold] == pred.end[pair_pred]
    )
    same_type = gold.type[pair_gold] == pred.type[pair_pred]
    exact = lone & same_span
    half = lone & ~same_span
    for name, chosen in (
        ("exact", exact),
        ("strict", exact & same_type),
        ("half", half),
        ("type", lone & same_type),
    ):
        flags_gold[name][pair_gold[chosen]] = True
        flags_pred[name][pair_pred[chosen]] = True
    match.partial_gold.append(pair_gold[lone])
    match.partial_pred.append(pair_pred[lone])
    match.typed_half.append(pair_gold[half & same_type])
    tangled = ~lone
    if tangled.any():
        _match_tangled_pairs(gold, pred, pair_gold[tangled], pair_pred[tangled], match)
    return match


def _match_tangled_pairs(
    gold: Side, pred: Side, pair_gold: IntArray, pair_pred: IntArray, match: BatchMatch
) -> None:
    """Split the tangled pairs (ordered by gold, then predicted position) into components,
    match each one that is a star, and leave the others to the caller."""
    docs = gold.doc[pair_gold]
    n = len(pair_gold)
    new_gold = np.ones(n, dtype=bool)
    new_gold[1:] = pair_gold[1:] != pair_gold[:-1]
    new_pred = np.ones(n, dtype=bool)
    new_pred[1:] = pair_pred[1:] != pair_pred[:-1]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (docs[1:] != docs[:-1]) | (new_gold[1:] & new_pred[1:])
    run = np.cumsum(starts) - 1
    new_gold |= starts
    new_pred |= starts
    one_gold = np.bincount(run, weights=new_gold) == 1
    one_pred = np.bincount(run, weights=new_pred) == 1
    star = (one_gold | one_pred)[run]
    gold_start, gold_end = gold.start[pair_gold], gold.end[pair_gold]
    pred_start, pred_end = pred.start[pair_pred], pred.end[pair_pred]
    inter = np.minimum(gold_end, pred_end) - np.maximum(gold_start, pred_start)
    iou = inter / ((gold_end - gold_start) + (pred_end - pred_start) - inter)
    same_type = gold.type[pair_gold] == pred.type[pair_pred]
    run_starts = np.flatnonzero(starts)
    half = _best_per_run(run, run_starts, 0.5 + 0.125 * iou, star)
    typed = _best_per_run(run, run_starts, 1.0 + 0.125 * iou, star & same_type)
    match.gold["half"][pair_gold[half]] = True
    match.pred["half"][pair_pred[half]] = True
    match.gold["type"][pair_gold[typed]] = True
    match.pred["type"][pair_pred[typed]] = True
    match.partial_gold.append(pair_gold[half])
    match.partial_pred.append(pair_pred[half])
    match.typed_half.append(pair_gold[typed])  # a star's same-type pairs share one type
    if star.all():
        return
    others = np.flatnonzero(~star)
    gold_local = (pair_gold - gold.offsets[docs])[others].tolist()
    pred_local = (pair_pred - pred.offsets[docs])[others].tolist()
    left: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    for run_id, doc, g, p in zip(
        run[others].tolist(), docs[others].tolist(), gold_local, pred_local, strict=True
    ):
        entry = left.get(run_id)
        if entry is None:
            entry = left[run_id] = (doc, [])
        entry[1].append((g, p))
    match.left = list(left.values())


# --- scoring a batch ----------------------------------------------------------------------------


COUNT_BATCH = 4096
"""Documents matched at once by :func:`count_schemes` (bounds its memory)."""


def count_schemes(
    documents: Iterable[tuple[Sequence[EntityKey], Sequence[EntityKey]]],
) -> dict[str, Counts]:
    """:func:`~._entities.count_entity_schemes`: :data:`COUNT_BATCH` documents at a time
    through :func:`match_batch`, the others through :func:`~._entities.match_spans`."""
    tps = dict.fromkeys(SCHEMES, 0.0)
    n_gold = n_pred = 0
    iterator = iter(documents)
    while batch := list(islice(iterator, COUNT_BATCH)):
        golds = [gold for gold, _ in batch]
        preds = [pred for _, pred in batch]
        codes: dict[str, int] = {}
        gold, pred = key_side(golds, codes), key_side(preds, codes)
        n_gold += len(gold)
        n_pred += len(pred)
        match = match_entity_batch(gold, pred, golds.__getitem__, preds.__getitem__)
        simple = match.simple
        flags = match.gold
        counted = simple[gold.doc]
        strict, exact, half, typed = (int((flags[name] & counted).sum()) for name in FLAGS)
        tps["strict"] += strict
        tps["exact"] += exact
        tps["partial"] += exact + 0.5 * half
        tps["type"] += typed
        for d in np.flatnonzero(~simple).tolist():
            if golds[d] and preds[d]:
                matches = match_spans(golds[d], preds[d])
                for scheme in SCHEMES:
                    tps[scheme] += matches.tp(scheme)
    return {scheme: Counts(tp, n_pred - tp, n_gold - tp) for scheme, tp in tps.items()}


_START = attrgetter("start")
_END = attrgetter("end")
_ETYPE = attrgetter("type")


def _side(
    flat: list[Any],
    counts: list[int],
    fields: tuple[Callable[[Any], int], Callable[[Any], int], Callable[[Any], str]],
    codes: dict[str, int],
) -> Side:
    """A :class:`Side` of mentions (flattened, ``counts`` a document), read by ``fields``;
    types are numbered in ``codes`` (new ones added)."""
    start, end, etype = fields
    types = list(map(etype, flat))
    for name in set(types).difference(codes):
        codes[name] = len(codes)
    n = len(flat)
    return Side(
        np.fromiter(map(start, flat), np.int64, n),
        np.fromiter(map(end, flat), np.int64, n),
        np.fromiter(map(codes.__getitem__, types), np.int64, n),
        counts,
    )


def key_side(docs: Sequence[Sequence[EntityKey]], codes: dict[str, int]) -> Side:
    """The :class:`Side` of documents' ``(start, end, type)`` mention keys."""
    return _side(
        list(chain.from_iterable(docs)), list(map(len, docs)), (_GOLD, _PRED, _TYPE), codes
    )


def entity_side(docs: Sequence[Sequence[Entity]], codes: dict[str, int]) -> Side:
    """The :class:`Side` of documents' entity mentions."""
    flat = list(chain.from_iterable(docs))
    return _side(flat, list(map(len, docs)), (_START, _END, _ETYPE), codes)


def key_lists(docs: Sequence[Sequence[Entity]]) -> Callable[[int], list[EntityKey]]:
    """A function giving a document's ``(start, end, type)`` mention keys."""
    return lambda doc: [(e.start, e.end, e.type) for e in docs[doc]]


def match_entity_batch(
    gold: Side,
    pred: Side,
    gold_keys: Callable[[int], Sequence[EntityKey]],
    pred_keys: Callable[[int], Sequence[EntityKey]],
) -> BatchMatch:
    """:func:`~._batch.match_batch`, with the tangled components it leaves matched here as
    :func:`match_spans` matches them (``gold_keys``/``pred_keys``: a document's mentions)."""
    match = match_batch(gold, pred)
    for doc, component in match.left:
        golds, preds = gold_keys(doc), pred_keys(doc)
        gold_offset, pred_offset = int(gold.offsets[doc]), int(pred.offsets[doc])
        same_type = [(g, p) for g, p in component if golds[g][2] == preds[p][2]]
        half = _match_tangled(golds, preds, component, 0.5)
        for name, pairs in (("half", half), ("type", _match_tangled(golds, preds, same_type, 1.0))):
            for g, p in pairs:
                match.gold[name][gold_offset + g] = True
                match.pred[name][pred_offset + p] = True
        match.partial_gold.append(np.array([gold_offset + g for g, _ in half], dtype=np.int64))
        match.partial_pred.append(np.array([pred_offset + p for _, p in half], dtype=np.int64))
        by_type: dict[str, list[Pair]] = {}
        for g, p in same_type:
            by_type.setdefault(golds[g][2], []).append((g, p))
        for pairs in by_type.values():
            size = matching_size(pairs)
            match.typed_half.append(np.full(size, gold_offset + pairs[0][0], dtype=np.int64))
    return match


def score_entity_batch(
    golds: Sequence[Sequence[Entity]],
    preds: Sequence[Sequence[Entity]],
    paragraphs: Sequence[Paragraphs],
    *,
    errors: bool = True,
) -> list[EntityScores]:
    """:func:`score_entities` of many documents at once: the documents that
    :func:`~._batch.match_batch` matches are scored from its flags, with sums and masks over the
    batch; any other through :func:`match_spans`. Without ``errors`` the matched documents'
    error lists are left empty (their counts are the same).

    Example:
        >>> gold = [Entity(0, 3, "Ann", "PERSON", "ann")]
        >>> pred = [Entity(0, 3, "Ann", "ORG")]
        >>> one, two = score_entity_batch([gold, gold], [pred, []], [Paragraphs("Ann.")] * 2)
        >>> one.metrics["exact"].counts, two.metrics["exact"].counts
        (Counts(tp=1.0, fp=0.0, fn=0.0), Counts(tp=0.0, fp=0.0, fn=1.0))
    """
    codes: dict[str, int] = {}
    gold, pred = entity_side(golds, codes), entity_side(preds, codes)

    match = match_entity_batch(gold, pred, key_lists(golds), key_lists(preds))
    simple = match.simple.tolist()
    batch = _BatchScores(match, gold, pred, codes, paragraphs) if any(simple) else None
    return [
        batch.scores(d, golds[d], preds[d], errors)
        if batch is not None and is_simple
        else score_entities(golds[d], preds[d], paragraphs[d])
        for d, is_simple in enumerate(simple)
    ]


class _Candidates:
    """One side's error candidates in a batch (mentions some scheme leaves out), per document
    in text order, with what each scheme did with them (lists, sliced per document)."""

    def __init__(self, side: Side, flags: dict[str, BoolArray], n_docs: int) -> None:
        every = flags["strict"] & flags["exact"] & flags["type"]
        chosen = side.order[~every[side.order]]
        docs = side.doc[chosen]
        self.bounds: list[int] = np.searchsorted(docs, np.arange(n_docs + 1)).tolist()
        self.local: list[int] = (chosen - side.offsets[docs]).tolist()
        self.missed = {
            name: (~flags[name][chosen]).tolist() for name in ("strict", "exact", "type")
        }
        self.half: list[bool] = flags["half"][chosen].tolist()
        self.unmatched: list[bool] = (~flags["exact"][chosen] & ~flags["half"][chosen]).tolist()

    def chosen(self, doc: int) -> list[int]:
        """A document's candidates (their positions among its mentions)."""
        return self.local[self.bounds[doc] : self.bounds[doc + 1]]

    def errors(
        self, doc: int, entities: Sequence[Entity]
    ) -> tuple[list[int], list[JsonItem], dict[str, list[JsonItem]]]:
        """A document's candidates, their items, and the error list of every scheme."""
        low, high = self.bounds[doc], self.bounds[doc + 1]
        chosen = self.local[low:high]
        items: list[JsonItem] = [
            {"start": e.start, "end": e.end, "text": e.text, "type": e.type}
            for e in map(entities.__getitem__, chosen)
        ]
        exact = self.missed["exact"][low:high]
        errors = {
            "strict": list(compress(items, self.missed["strict"][low:high])),
            "exact": list(compress(items, exact)),
            "partial": [
                {**item, "credit": 0.5} if half else item
                for item, half in compress(zip(items, self.half[low:high], strict=True), exact)
            ],
            "type": list(compress(items, self.missed["type"][low:high])),
        }
        return chosen, items, errors


_NO_ERRORS: dict[str, list[JsonItem]] = {scheme: [] for scheme in SCHEMES}
"""Every scheme's error list when a batch is scored without errors (read, never changed)."""


class _BatchScores:
    """The sums and masks of a matched batch that every simple document's scores read."""

    def __init__(
        self,
        match: BatchMatch,
        gold: Side,
        pred: Side,
        codes: dict[str, int],
        paragraphs: Sequence[Paragraphs],
    ) -> None:
        n_docs = len(paragraphs)
        self.n_gold: list[int] = gold.counts.tolist()
        self.n_pred: list[int] = pred.counts.tolist()
        self.tp = {
            name: np.bincount(gold.doc[match.gold[name]], minlength=n_docs).tolist()
            for name in FLAGS
        }
        self.gold = _Candidates(gold, match.gold, n_docs)
        self.pred = _Candidates(pred, match.pred, n_docs)
        self.paragraphs = [len(p) for p in paragraphs]
        self.by_paragraph: dict[str, tuple[list[float], ...]] = {}
        self.places: tuple[list[int], list[int], list[int]] | None = None
        self.gold_offsets: list[int] = []  # where each document's mentions start (paragraphs)
        self.pred_offsets: list[int] = []
        if max(self.paragraphs, default=1) > 1:
            self._count_paragraphs(match, gold, pred, paragraphs)
        self._count_types(match, gold, pred, codes)

    def _count_paragraphs(
        self, match: BatchMatch, gold: Side, pred: Side, paragraphs: Sequence[Paragraphs]
    ) -> None:
        """Per paragraph of the batch, every scheme's counts (for articles of several)."""
        starts = np.array([s for p in paragraphs for s in p.starts], dtype=np.int64)
        docs = np.repeat(np.arange(len(paragraphs), dtype=np.int64), self.paragraphs)
        keys = docs * STRIDE + starts
        offsets = np.zeros(len(paragraphs) + 1, dtype=np.int64)
        np.cumsum(self.paragraphs, out=offsets[1:])
        gold_place = np.searchsorted(keys, gold.doc * STRIDE + gold.start, "right") - 1
        pred_place = np.searchsorted(keys, pred.doc * STRIDE + pred.start, "right") - 1
        total = len(keys)
        gold_count = np.bincount(gold_place, minlength=total).astype(float)
        pred_count = np.bincount(pred_place, minlength=total).astype(float)
        for scheme in SCHEMES:
            if scheme == "partial":
                gold_credit = match.gold["exact"] + 0.5 * match.gold["half"]
                pred_credit = match.pred["exact"] + 0.5 * match.pred["half"]
            else:
                gold_credit = match.gold[scheme].astype(float)
                pred_credit = match.pred[scheme].astype(float)
            tps = np.bincount(gold_place, weights=gold_credit, minlength=total)
            fps = pred_count - np.bincount(pred_place, weights=pred_credit, minlength=total)
            self.by_paragraph[scheme] = (tps.tolist(), fps.tolist(), (gold_count - tps).tolist())
        self.places = (
            offsets.tolist(),
            (gold_place - offsets[gold.doc]).tolist(),
            (pred_place - offsets[pred.doc]).tolist(),
        )
        self.gold_offsets = gold.offsets.tolist()
        self.pred_offsets = pred.offsets.tolist()

    def _count_types(
        self, match: BatchMatch, gold: Side, pred: Side, codes: dict[str, int]
    ) -> None:
        """Per document, the per-type counts and the confusion counts."""
        n_docs = len(self.paragraphs)
        names = sorted(codes, key=codes.__getitem__)
        n_types = len(names)
        by_name = np.array(sorted(range(n_types), key=names.__getitem__), dtype=np.int64)

        def table(side: Side, chosen: IntArray | BoolArray | None = None) -> IntArray:
            docs, types = side.doc, side.type
            if chosen is not None:
                docs, types = docs[chosen], types[chosen]
            found = np.bincount(docs * n_types + types, minlength=n_docs * n_types)
            return found.reshape(n_docs, n_types)[:, by_name]

        typed_half = np.concatenate(match.typed_half) if match.typed_half else np.zeros(0, int)
        columns = (
            table(gold),
            table(pred),
            table(gold, match.gold["strict"]),
            table(gold, typed_half.astype(np.int64)),
            table(gold, match.gold["type"]),
        )
        rows, cols = np.nonzero(columns[0] + columns[1])
        self.type_bounds: list[int] = np.searchsorted(rows, np.arange(n_docs + 1)).tolist()
        type_names = [names[c] for c in by_name[cols].tolist()]
        self.type_rows: list[tuple[str, int, int, int, int, int]] = list(
            zip(type_names, *(column[rows, cols].tolist() for column in columns), strict=True)
        )
        self.type_cache: dict[tuple[str, int, int, int, int, int], dict[str, Counts]] = {}
        self._count_confusion(match, gold, pred, names, n_docs)

    def _count_confusion(
        self, match: BatchMatch, gold: Side, pred: Side, names: list[str], n_docs: int
    ) -> None:
        labels = [*names, NONE_LABEL]
        size = len(labels)
        none = size - 1
        pairs_gold = np.concatenate(match.partial_gold) if match.partial_gold else np.zeros(0, int)
        pairs_pred = np.concatenate(match.partial_pred) if match.partial_pred else np.zeros(0, int)
        simple = match.simple
        missed = np.flatnonzero(~match.gold["exact"] & ~match.gold["half"] & simple[gold.doc])
        spurious = np.flatnonzero(~match.pred["exact"] & ~match.pred["half"] & simple[pred.doc])
        keys = np.concatenate(
            (
                (gold.doc[pairs_gold] * size + gold.type[pairs_gold]) * size
                + pred.type[pairs_pred],
                (gold.doc[missed] * size + gold.type[missed]) * size + none,
                (pred.doc[spurious] * size + none) * size + pred.type[spurious],
            )
        )
        counts = np.bincount(keys, minlength=n_docs * size * size)
        found = np.flatnonzero(counts)
        cells = found % (size * size)
        self.confusion_bounds: list[int] = np.searchsorted(
            found // (size * size), np.arange(n_docs + 1)
        ).tolist()
        self.confusion_keys = [
            (labels[g], labels[p])
            for g, p in zip((cells // size).tolist(), (cells % size).tolist(), strict=True)
        ]
        self.confusion_counts: list[int] = counts[found].tolist()

    def scores(
        self, doc: int, gold: Sequence[Entity], pred: Sequence[Entity], errors: bool = True
    ) -> EntityScores:
        """The :class:`EntityScores` of one simple document of the batch (without ``errors``,
        with empty error lists)."""
        n_gold, n_pred = self.n_gold[doc], self.n_pred[doc]
        pred_items: list[JsonItem] | None = None
        if errors:
            gold_chosen, _, gold_errors = self.gold.errors(doc, gold)
            pred_chosen, pred_items, pred_errors = self.pred.errors(doc, pred)
        else:
            gold_chosen, pred_chosen = self.gold.chosen(doc), self.pred.chosen(doc)
            gold_errors = pred_errors = _NO_ERRORS
        n_paragraphs = self.paragraphs[doc]
        tp = self.tp
        metrics: dict[str, MetricResult] = {}
        for scheme in SCHEMES:
            if scheme == "partial":
                credit = tp["exact"][doc] + 0.5 * tp["half"][doc]
            else:
                credit = tp[scheme][doc] + 0.0
            total = Counts(credit, n_pred - credit, n_gold - credit)
            if n_paragraphs > 1:
                low = self._paragraph_offset(doc)
                tps, fps, fns = (
                    counts[low : low + n_paragraphs] for counts in self.by_paragraph[scheme]
                )
                by_paragraph = tuple(map(Counts, tps, fps, fns))
            else:
                by_paragraph = (total,)
            metrics[scheme] = MetricResult(
                total, by_paragraph, tuple(pred_errors[scheme]), tuple(gold_errors[scheme])
            )
        missed = self.gold.unmatched[self.gold.bounds[doc] : self.gold.bounds[doc + 1]]
        spurious = self.pred.unmatched[self.pred.bounds[doc] : self.pred.bounds[doc + 1]]
        metrics["linked"] = _linked(
            gold,
            set(compress(gold_chosen, missed)),
            pred,
            list(compress(pred_chosen, spurious)),
            None if pred_items is None else list(compress(pred_items, spurious)),
            False,
            self._places(doc, n_gold, n_pred, n_paragraphs),
        )
        return EntityScores(metrics, self._per_type(doc), self._confusion(doc))

    def _paragraph_offset(self, doc: int) -> int:
        assert self.places is not None
        return self.places[0][doc]

    def _places(self, doc: int, n_gold: int, n_pred: int, n_paragraphs: int) -> Places:
        if n_paragraphs <= 1 or self.places is None:
            return Places([0] * n_gold, [0] * n_pred, 1)
        _, gold_places, pred_places = self.places
        gold_low, pred_low = self.gold_offsets[doc], self.pred_offsets[doc]
        return Places(
            gold_places[gold_low : gold_low + n_gold],
            pred_places[pred_low : pred_low + n_pred],
            n_paragraphs,
        )

    def _per_type(self, doc: int) -> dict[str, dict[str, Counts]]:
        """A document's per-type counts; equal ones are one shared dict (read, never change)."""
        per_type: dict[str, dict[str, Counts]] = {}
        cache = self.type_cache
        for row in self.type_rows[self.type_bounds[doc] : self.type_bounds[doc + 1]]:
            schemes = cache.get(row)
            if schemes is None:
                _, n_g, n_p, matched, halves, typed = row
                exact = float(matched)
                partial = exact + 0.5 * halves
                same_span = Counts(exact, n_p - exact, n_g - exact)
                schemes = cache[row] = {
                    "strict": same_span,
                    "exact": same_span,
                    "partial": Counts(partial, n_p - partial, n_g - partial),
                    "type": Counts(typed + 0.0, n_p - typed - 0.0, n_g - typed - 0.0),
                }
            per_type[row[0]] = schemes
        return per_type

    def _confusion(self, doc: int) -> Counter[tuple[str, str]]:
        low, high = self.confusion_bounds[doc], self.confusion_bounds[doc + 1]
        keys, counts = self.confusion_keys[low:high], self.confusion_counts[low:high]
        return Counter(dict(zip(keys, counts, strict=True)))
