"""Entity scoring: ``strict``, ``exact``, ``partial``, ``type`` (SemEval-2013 9.1), ``linked``.

Scheme by scheme, one-to-one and order-independent:

- ``strict``: same span and type (1 per pair);
- ``exact``: same span, any type (1 per pair);
- ``partial``: same span counts 1, any other overlap 0.5 (nervaluate's ``partial`` formula:
  ``(correct + 0.5 * partial) / actual``); exact-span pairs are taken first (provably optimal),
  the rest by maximum-weight assignment;
- ``type``: any overlap with the same type counts 1 (nervaluate's ``ent_type``);
- ``linked``: the document's distinct gold entity ids against the ids the system found, where a
  prediction's id is the id of the gold mention it matched under ``partial``.

With fractional credit, ``fp = predicted - tp`` and ``fn = gold - tp`` so that P = tp / predicted
and R = tp / gold, exactly nervaluate's figures.

One engine, :func:`match_spans`, matches a document under every scheme at once. It finds the
overlap pairs once and splits them once into lone pairs (a component of their own: the two keys
decide every scheme) and tangled components (matched per scheme by
:func:`~._matching.max_weight_matching`); same-span pairs outside lone pairs (duplicated or
empty spans) come from a dictionary lookup. :func:`score_entities` (results, error lists,
per-type counts, confusion), :func:`count_entity_schemes` (micro counts) and
:func:`match_entities` (one scheme's pairs) all read its result. Per-type counts need no
matching of their own: restricted to one type, ``strict`` and ``exact`` both count that type's
strict pairs, ``type`` components are type-homogeneous, and ``partial`` is the type's strict
pairs plus 0.5 x a maximum matching of its leftover same-type overlaps.

Error lists are sorted by the items' fields (offsets, text, type, then credit and id), so their
order never depends on the order of the input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from operator import itemgetter

from .._models import ENTITY_TYPES, Entity
from ._matching import (
    Edge,
    SortedSpans,
    components,
    lone_and_tangled,
    matching_size,
    max_weight_matching,
    sorted_overlaps,
)
from ._results import (
    Counts,
    JsonItem,
    MetricResult,
    Paragraphs,
    Places,
    counted_result,
    matched_result,
    optional_key,
)

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
ENTITY_METRICS: tuple[str, ...] = (*SCHEMES, "linked")
NONE_LABEL = "(none)"
CONFUSION_LABELS: tuple[str, ...] = (*ENTITY_TYPES, NONE_LABEL)

EntityKey = tuple[int, int, str]
"""``(start, end, type)`` of a mention: all the span schemes look at."""
Pair = tuple[int, int]
"""A (gold index, predicted index) pair."""

_GOLD = itemgetter(0)
_PRED = itemgetter(1)
_TYPE = itemgetter(2)


@dataclass(frozen=True)
class EntityMatches:
    """The matched (gold, pred) index pairs of every span scheme on one document.

    ``partial`` credits the ``exact`` pairs 1 and the ``half`` pairs 0.5. ``typed_half`` are
    the half pairs of one type that are a component of the overlap graph on their own, and
    ``tangled`` the components of more than one overlap pair; ``gold_spans``/``pred_spans``
    each side's spans (with their order). :func:`match_spans` fills the lists.
    """

    strict: list[Pair]
    exact: list[Pair]
    half: list[Pair]
    type: list[Pair]
    typed_half: list[Pair]
    tangled: list[list[Pair]]
    gold_spans: SortedSpans
    pred_spans: SortedSpans

    def tp(self, scheme: str) -> float:
        """The true-positive credit of one scheme.

        Example:
            >>> m = match_spans([(0, 5, "ORG"), (9, 12, "GPE")], [(0, 5, "GPE"), (9, 11, "GPE")])
            >>> [m.tp(scheme) for scheme in SCHEMES]
            [0.0, 1.0, 1.5, 1.0]
        """
        if scheme == "partial":
            return len(self.exact) + 0.5 * len(self.half)
        return float(len(self.pairs(scheme)))

    def pairs(self, scheme: str) -> list[Pair]:
        """The pairs matched under ``strict``, ``exact``, ``type``, or ``partial`` (any credit)."""
        if scheme == "partial":
            return self.exact + self.half
        if scheme in ("strict", "exact", "type"):
            pairs: list[Pair] = getattr(self, scheme)
            return pairs
        raise ValueError(f"unknown entity scheme {scheme!r}")


def match_spans(gold: Sequence[EntityKey], pred: Sequence[EntityKey]) -> EntityMatches:
    """Match one document's mentions under every span scheme at once.

    Example:
        >>> m = match_spans([(0, 5, "PERSON"), (10, 15, "ORG")], [(0, 5, "ORG"), (11, 15, "ORG")])
        >>> m.strict, m.exact, m.half, m.type
        ([], [(0, 0)], [(1, 1)], [(1, 1)])
    """
    gold_spans = SortedSpans([(s, e) for s, e, _ in gold])
    pred_spans = SortedSpans([(s, e) for s, e, _ in pred])
    lone, rest = lone_and_tangled(sorted_overlaps(gold_spans, pred_spans))
    matches = EntityMatches([], [], [], [], [], components(rest), gold_spans, pred_spans)
    _add_lone(matches, gold, pred, lone)
    # Other same-span pairs can only be among the mentions of tangled components (a span
    # twice on a side) and among empty spans (which overlap nothing).
    gold_rest = {g for g, _ in rest}.union(gold_spans.empty())
    pred_rest = {p for _, p in rest}.union(pred_spans.empty())
    if gold_rest and pred_rest:
        matches.exact.extend(
            _equal_pairs(gold_spans.spans, pred_spans.spans, gold, pred, gold_rest, pred_rest)
        )
        matches.strict.extend(_equal_pairs(gold, pred, gold, pred, gold_rest, pred_rest))
    if matches.tangled:
        _add_tangled(matches, gold, pred)
    return matches


def _add_lone(
    matches: EntityMatches, gold: Sequence[EntityKey], pred: Sequence[EntityKey], lone: list[Pair]
) -> None:
    """File the lone overlap pairs: their two mentions overlap nothing else, so a same-span pair
    is an exact (maybe strict) pair, any other gets half credit under partial, and under type
    they match when the types agree."""
    for pair in lone:
        gold_start, gold_end, gold_type = gold[pair[0]]
        pred_start, pred_end, pred_type = pred[pair[1]]
        same_type = gold_type == pred_type
        if gold_start == pred_start and gold_end == pred_end:
            matches.exact.append(pair)
            if same_type:
                matches.strict.append(pair)
        else:
            matches.half.append(pair)
            if same_type:
                matches.typed_half.append(pair)
        if same_type:
            matches.type.append(pair)


def _add_tangled(
    matches: EntityMatches, gold: Sequence[EntityKey], pred: Sequence[EntityKey]
) -> None:
    """Match each tangled component under partial (the overlaps its exact pairs leave) and
    under type (its same-type overlaps)."""
    exact_gold, exact_pred = set(map(_GOLD, matches.exact)), set(map(_PRED, matches.exact))
    for component in matches.tangled:
        leftover = [(g, p) for g, p in component if g not in exact_gold and p not in exact_pred]
        matches.half.extend(_match_tangled(gold, pred, leftover, 0.5))
        same_type = [(g, p) for g, p in component if gold[g][2] == pred[p][2]]
        matches.type.extend(_match_tangled(gold, pred, same_type, 1.0))


def _equal_pairs(
    gold_keys: Sequence[tuple[object, ...]],
    pred_keys: Sequence[tuple[object, ...]],
    gold_full: Sequence[EntityKey],
    pred_full: Sequence[EntityKey],
    golds: Iterable[int],
    preds: Iterable[int],
) -> list[Pair]:
    """Pairs of the given gold and predicted mentions whose keys are equal.

    In a group of equal keys, the mentions pair up in ``(full key, index)`` order (so under
    ``exact`` the same types pair up first) and the surplus is left over.
    """
    gold_groups: dict[tuple[object, ...], list[int]] = {}
    for g in golds:
        gold_groups.setdefault(gold_keys[g], []).append(g)
    pred_groups: dict[tuple[object, ...], list[int]] = {}
    for p in preds:
        pred_groups.setdefault(pred_keys[p], []).append(p)
    pairs: list[Pair] = []
    for key, group in pred_groups.items():
        gold_group = gold_groups.get(key)
        if gold_group is None:
            continue
        if len(gold_group) == len(group) == 1:
            pairs.append((gold_group[0], group[0]))
        else:
            gold_group.sort(key=lambda i: (gold_full[i], i))
            group.sort(key=lambda j: (pred_full[j], j))
            pairs.extend(zip(gold_group, group, strict=False))
    return pairs


def _match_tangled(
    gold: Sequence[EntityKey], pred: Sequence[EntityKey], pairs: Sequence[Pair], credit: float
) -> list[Pair]:
    """Maximum-weight matching of some tangled overlap pairs, ties to the larger total IoU."""
    if len(pairs) <= 1:
        return list(pairs)
    edges = [(g, p, credit, _iou(gold[g], pred[p])) for g, p in pairs]
    return [(e[0], e[1]) for e in max_weight_matching(edges, gold.__getitem__, pred.__getitem__)]


def _iou(a: EntityKey, b: EntityKey) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def match_entities(gold: Sequence[EntityKey], pred: Sequence[EntityKey], scheme: str) -> list[Edge]:
    """The matched (gold, pred) pairs of one document under one scheme, with their credit.

    Example:
        >>> gold = [(0, 5, "PERSON"), (10, 15, "ORG")]
        >>> pred = [(0, 5, "ORG"), (11, 15, "ORG")]
        >>> [(e.gold, e.pred, e.primary) for e in match_entities(gold, pred, "partial")]
        [(0, 0, 1.0), (1, 1, 0.5)]
        >>> len(match_entities(gold, pred, "strict")), len(match_entities(gold, pred, "type"))
        (0, 1)
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown entity scheme {scheme!r}")
    matches = match_spans(gold, pred)
    if scheme in ("strict", "exact"):
        return [Edge(g, p, 1.0, 1.0) for g, p in sorted(matches.pairs(scheme))]
    if scheme == "type":
        return [Edge(g, p, 1.0, _iou(gold[g], pred[p])) for g, p in sorted(matches.type)]
    edges = [Edge(g, p, 1.0, 1.0) for g, p in matches.exact]
    edges += [Edge(g, p, 0.5, _iou(gold[g], pred[p])) for g, p in matches.half]
    return sorted(edges)


def count_entity_schemes(
    documents: Iterable[tuple[Sequence[EntityKey], Sequence[EntityKey]]],
) -> dict[str, Counts]:
    """Micro counts of every span scheme over (gold, pred) mention lists.

    The sum of :meth:`EntityMatches.tp` of :func:`match_spans` over the documents: the same
    matching :func:`score_entities` and :func:`~._batch.score_entity_batch` run (a batch of
    documents at a time, :func:`~._batch.match_batch`), without error lists.

    Example:
        >>> docs = [([(0, 3, "GPE")], [(0, 3, "GPE"), (5, 6, "ORG")]), ([(1, 4, "ORG")], [])]
        >>> count_entity_schemes(docs)["strict"]
        Counts(tp=1.0, fp=1.0, fn=1.0)
    """
    from ._batch import count_schemes

    return count_schemes(documents)


@dataclass(frozen=True)
class EntityScores:
    """Entity results of one document: each metric, per-type counts and confusion counts.

    Error items, and in a batch (:func:`~._batch.score_entity_batch`) equal per-type dicts, are
    shared: read them, never change them.
    """

    metrics: dict[str, MetricResult]
    per_type: dict[str, dict[str, Counts]]
    confusion: Counter[tuple[str, str]]


def score_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], paragraphs: Paragraphs
) -> EntityScores:
    """Every entity metric on one document, with per-paragraph counts and error items.

    Error items are shared between the metrics of a document (the same mention missed under two
    schemes is one dict): read them, never change them.

    Example:
        >>> gold = [Entity(0, 3, "Ann", "PERSON", "ann")]
        >>> pred = [Entity(0, 3, "Ann", "ORG"), Entity(5, 9, "left", "ORG")]
        >>> scores = score_entities(gold, pred, Paragraphs("Ann left."))
        >>> scores.metrics["exact"].counts, scores.metrics["strict"].false_negatives
        (Counts(tp=1.0, fp=1.0, fn=0.0), ({'start': 0, 'end': 3, 'text': 'Ann', 'type': 'PERSON'},))
        >>> scores.per_type["ORG"]["type"], scores.confusion[("PERSON", "ORG")]
        (Counts(tp=0.0, fp=2.0, fn=0.0), 1)
    """
    gold_keys = [(e.start, e.end, e.type) for e in gold]
    pred_keys = [(e.start, e.end, e.type) for e in pred]
    matches = match_spans(gold_keys, pred_keys)
    places = paragraphs.places(gold_keys, pred_keys)
    gold_side = _Side(gold, matches, _GOLD, matches.gold_spans)
    pred_side = _Side(pred, matches, _PRED, matches.pred_spans)
    metrics: dict[str, MetricResult] = {}
    for scheme in SCHEMES:
        full, half = (
            (matches.exact, matches.half) if scheme == "partial" else (matches.pairs(scheme), [])
        )
        metrics[scheme] = matched_result(
            places, full, pred_side.errors(scheme), gold_side.errors(scheme), half=half
        )
    unmatched = pred_side.unmatched()
    metrics["linked"] = _linked(
        gold,
        set(gold_side.unmatched()),
        pred,
        unmatched,
        [pred_side.base[p] for p in unmatched],
        pred_side.tied,
        places,
    )
    gold_types = list(map(_TYPE, gold_keys))
    pred_types = list(map(_TYPE, pred_keys))
    return EntityScores(
        metrics,
        _per_type(gold_types, pred_types, matches),
        _confusion(gold_types, pred_types, matches, gold_side, pred_side),
    )


class _Side:
    """One side's mentions (gold or predicted): who each scheme matched, and the error items.

    Error lists hold the mentions a scheme does not fully credit, by ``(start, end, text,
    type)``; when two share all four (duplicates), the credit and id break the tie. Each
    mention's item is made once and shared by the lists.
    """

    def __init__(
        self,
        entities: Sequence[Entity],
        matches: EntityMatches,
        side: itemgetter[int],
        spans: SortedSpans,
    ) -> None:
        self.entities = entities
        self.matched = {
            scheme: set(map(side, getattr(matches, scheme)))
            for scheme in ("strict", "exact", "half", "type")
        }
        everywhere = self.matched["strict"] & self.matched["exact"] & self.matched["type"]
        self.candidates = [i for i in spans.order if i not in everywhere]
        self.tied = False
        if len({spans.spans[i] for i in self.candidates}) < len(self.candidates):
            keyed = sorted(
                (entities[i].start, entities[i].end, entities[i].text, entities[i].type, i)
                for i in self.candidates
            )
            self.candidates = [key[4] for key in keyed]
            self.tied = any(a[:4] == b[:4] for a, b in pairwise(keyed))
        self.base: dict[int, JsonItem] = {
            i: {"start": e.start, "end": e.end, "text": e.text, "type": e.type}
            for i in self.candidates
            for e in (entities[i],)
        }

    def errors(self, scheme: str) -> list[JsonItem]:
        """The error items of one scheme (partial credit marked with ``"credit": 0.5``)."""
        if scheme != "partial":
            matched = self.matched[scheme]
            return [self.base[i] for i in self.candidates if i not in matched]
        exact, half = self.matched["exact"], self.matched["half"]
        items = [
            {**self.base[i], "credit": 0.5} if i in half else self.base[i]
            for i in self.candidates
            if i not in exact
        ]
        if self.tied:
            items.sort(key=_item_key)
        return items

    def unmatched(self) -> list[int]:
        """The mentions partial matches with nothing, in error-list order."""
        exact, half = self.matched["exact"], self.matched["half"]
        return [i for i in self.candidates if i not in exact and i not in half]


def _item_key(item: JsonItem) -> tuple[object, ...]:
    """A total order of entity error items: offsets, text, type, credited first, then id."""
    return (
        item["start"],
        item["end"],
        item["text"],
        item["type"],
        -item.get("credit", 0.0),
        optional_key(item.get("id")),
    )


def _linked(
    gold: Sequence[Entity],
    gold_unmatched: Collection[int],
    pred: Sequence[Entity],
    unmatched: Sequence[int],
    items: Sequence[JsonItem] | None,
    tied: bool,
    places: Places,
) -> MetricResult:
    """Distinct gold ids found (through a partial match) vs all gold ids; misses are unique FPs.

    Gold mentions without an id are ignored on both sides (a prediction matched to one counts
    neither way); every prediction that matched no gold mention is its own false positive id.
    An id sits in the paragraph of its first mention. ``gold_unmatched`` are the gold mentions
    partial matches with nothing; ``unmatched`` the predicted ones, with their error ``items``
    (None: no error lists, only counts).
    """
    ids = [e.entity_id for e in gold]
    first: dict[str, int] = {}  # id -> its first gold mention
    if ids.count(None) < len(ids):
        for g, eid in enumerate(ids):
            if eid is not None and (eid not in first or gold[g].start < gold[first[eid]].start):
                first[eid] = g
    tp: list[int] = []
    fn: list[int] = []
    false_negatives: list[JsonItem] = []
    if first:
        found = {ids[g] for g in range(len(ids)) if g not in gold_unmatched}
        for eid, g in sorted(first.items()):
            if eid in found:
                tp.append(places.gold[g])
            else:
                fn.append(places.gold[g])
                if items is not None:
                    false_negatives.append({"id": eid})
    false_positives = (
        []
        if items is None
        else [{**item, "id": pred[p].entity_id} for p, item in zip(unmatched, items, strict=True)]
    )
    if tied:
        false_positives.sort(key=_item_key)
    fp = [places.pred[p] for p in unmatched]
    return counted_result(places.paragraphs, tp, fp, fn, false_positives, false_negatives)


def _per_type(
    gold_types: Sequence[str], pred_types: Sequence[str], matches: EntityMatches
) -> dict[str, dict[str, Counts]]:
    """Every scheme's counts restricted to each type, read off the global matchings."""
    n_gold, n_pred = Counter(gold_types), Counter(pred_types)
    strict = Counter(map(gold_types.__getitem__, map(_GOLD, matches.strict)))
    same_type = Counter(map(gold_types.__getitem__, map(_GOLD, matches.type)))
    half = _per_type_half(gold_types, pred_types, matches)
    per_type: dict[str, dict[str, Counts]] = {}
    for etype in sorted(n_gold.keys() | n_pred.keys()):
        n_g, n_p = n_gold.get(etype, 0), n_pred.get(etype, 0)
        exact = float(strict.get(etype, 0))
        partial = exact + 0.5 * half.get(etype, 0)
        typed = float(same_type.get(etype, 0))
        same_span = Counts(exact, n_p - exact, n_g - exact)
        per_type[etype] = {
            "strict": same_span,
            "exact": same_span,
            "partial": Counts(partial, n_p - partial, n_g - partial),
            "type": Counts(typed, n_p - typed, n_g - typed),
        }
    return per_type


def _per_type_half(
    gold_types: Sequence[str], pred_types: Sequence[str], matches: EntityMatches
) -> Counter[str]:
    """Per type, the size of a maximum matching of same-type overlaps left by the strict pairs.

    A lone pair of one type and two spans counts 1 (neither mention can have a strict partner);
    tangled components need a matching per type.
    """
    half = Counter(map(gold_types.__getitem__, map(_GOLD, matches.typed_half)))
    if matches.tangled:
        gold_taken = set(map(_GOLD, matches.strict))
        pred_taken = set(map(_PRED, matches.strict))
        for component in matches.tangled:
            free = [
                (g, p)
                for g, p in component
                if gold_types[g] == pred_types[p] and g not in gold_taken and p not in pred_taken
            ]
            by_type: dict[str, list[Pair]] = {}
            for g, p in free:
                by_type.setdefault(gold_types[g], []).append((g, p))
            for etype, pairs in by_type.items():
                half[etype] += matching_size(pairs)
    return half


def _confusion(
    gold_types: Sequence[str],
    pred_types: Sequence[str],
    matches: EntityMatches,
    gold_side: _Side,
    pred_side: _Side,
) -> Counter[tuple[str, str]]:
    """(gold type, predicted type) counts of the partial matching; unmatched pair with none."""
    pairs = matches.exact + matches.half
    confusion = Counter(
        zip(
            map(gold_types.__getitem__, map(_GOLD, pairs)),
            map(pred_types.__getitem__, map(_PRED, pairs)),
            strict=True,
        )
    )
    missed = map(gold_types.__getitem__, gold_side.unmatched())
    spurious = map(pred_types.__getitem__, pred_side.unmatched())
    confusion.update(zip(missed, repeat(NONE_LABEL), strict=False))
    confusion.update(zip(repeat(NONE_LABEL), spurious, strict=False))
    return confusion
