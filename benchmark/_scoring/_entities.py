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

One engine, :func:`match_spans`, matches a document under every scheme at once: same-span and
same-key pairs by dictionary lookup, the overlap pairs once, split once into lone pairs (a
component of their own, decided by comparing the two keys) and tangled ones (matched per
component by :func:`~._matching.max_weight_matching`). :func:`score_entities` (results, error
lists, per-type counts, confusion), :func:`count_entity_schemes` (micro counts) and
:func:`match_entities` (one scheme's pairs) all read its result. Per-type counts need no
matching of their own: restricted to one type, ``strict`` and ``exact`` both count that type's
strict pairs, ``type`` components are type-homogeneous, and ``partial`` is the type's strict
pairs plus 0.5 x a maximum matching of its leftover same-type overlaps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from operator import itemgetter

from .._models import ENTITY_TYPES, Entity
from ._matching import Edge, lone_and_tangled, matching_size, max_weight_matching, overlap_pairs
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


@dataclass(frozen=True)
class EntityMatches:
    """The matched (gold, pred) index pairs of every span scheme on one document.

    ``partial`` credits the ``exact`` pairs 1 and the ``half`` pairs 0.5. ``lone`` and
    ``tangled`` are the overlap pairs, split by whether they are a component on their own.
    """

    strict: list[Pair]
    exact: list[Pair]
    half: list[Pair]
    type: list[Pair]
    lone: list[Pair]
    tangled: list[Pair]

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

    def credits(self, scheme: str) -> tuple[dict[int, float], dict[int, float]]:
        """The credit of every matched gold and predicted index under one scheme."""
        full = self.exact if scheme == "partial" else self.pairs(scheme)
        gold = dict.fromkeys(map(_GOLD, full), 1.0)
        pred = dict.fromkeys(map(_PRED, full), 1.0)
        if scheme == "partial":
            gold.update(dict.fromkeys(map(_GOLD, self.half), 0.5))
            pred.update(dict.fromkeys(map(_PRED, self.half), 0.5))
        return gold, pred

    def fully_credited(self, side: itemgetter[int]) -> set[int]:
        """The gold (``side`` picks item 0) or predicted indices every scheme credits fully."""
        return set(map(side, self.strict)).intersection(map(side, self.exact), map(side, self.type))


def match_spans(gold: Sequence[EntityKey], pred: Sequence[EntityKey]) -> EntityMatches:
    """Match one document's mentions under every span scheme at once.

    Example:
        >>> m = match_spans([(0, 5, "PERSON"), (10, 15, "ORG")], [(0, 5, "ORG"), (11, 15, "ORG")])
        >>> m.strict, m.exact, m.half, sorted(m.type)
        ([], [(0, 0)], [(1, 1)], [(1, 1)])
    """
    gold_spans = [(s, e) for s, e, _ in gold]
    pred_spans = [(s, e) for s, e, _ in pred]
    exact, unique = _equal_pairs(gold_spans, pred_spans, gold, pred)
    if unique:  # no span twice on a side, so no key twice: the strict pairs are exact pairs
        strict = [(g, p) for g, p in exact if gold[g][2] == pred[p][2]]
    else:
        strict = _equal_pairs(gold, pred, gold, pred)[0]
    lone, tangled = lone_and_tangled(overlap_pairs(gold_spans, pred_spans, ordered=False))
    # A lone pair's two mentions overlap nothing else: a same-span lone pair is an exact pair,
    # any other gets half credit under partial; under type it matches when the types agree.
    half = [(g, p) for g, p in lone if gold_spans[g] != pred_spans[p]]
    same_type = [(g, p) for g, p in lone if gold[g][2] == pred[p][2]]
    if tangled:
        half += _match_tangled(gold, pred, tangled, exact, 0.5)
        same_type += _match_tangled(gold, pred, tangled, None, 1.0)
    return EntityMatches(strict, exact, half, same_type, lone, tangled)


def _equal_pairs(
    gold_keys: Sequence[tuple[object, ...]],
    pred_keys: Sequence[tuple[object, ...]],
    gold_full: Sequence[EntityKey],
    pred_full: Sequence[EntityKey],
) -> tuple[list[Pair], bool]:
    """Pairs with equal keys, and whether no key occurs twice on a side.

    With duplicates, the items of a group of equal keys are paired in ``(full key, index)``
    order (so under ``exact`` the same types pair up first) and the surplus is left over.
    """
    gold_at = dict(zip(gold_keys, range(len(gold_keys)), strict=True))
    if len(gold_at) == len(gold_keys) and len(set(pred_keys)) == len(pred_keys):
        return [(gold_at[k], p) for p, k in enumerate(pred_keys) if k in gold_at], True
    gold_groups: dict[tuple[object, ...], list[int]] = {}
    for g, key in enumerate(gold_keys):
        gold_groups.setdefault(key, []).append(g)
    pred_groups: dict[tuple[object, ...], list[int]] = {}
    for p, key in enumerate(pred_keys):
        pred_groups.setdefault(key, []).append(p)
    pairs: list[Pair] = []
    for key, preds in pred_groups.items():
        golds = gold_groups.get(key)
        if golds is None:
            continue
        golds.sort(key=lambda i: (gold_full[i], i))
        preds.sort(key=lambda j: (pred_full[j], j))
        pairs.extend(zip(golds, preds, strict=False))
    return pairs, False


def _match_tangled(
    gold: Sequence[EntityKey],
    pred: Sequence[EntityKey],
    tangled: Sequence[Pair],
    taken: Sequence[Pair] | None,
    credit: float,
) -> list[Pair]:
    """Maximum-weight matching of tangled overlap pairs, ties to the larger total IoU.

    ``taken`` given (partial): the pairs between mentions it leaves unmatched, any types.
    ``taken`` None (type): the pairs of the same type.
    """
    if taken is None:
        candidates = [(g, p) for g, p in tangled if gold[g][2] == pred[p][2]]
    else:
        gold_taken, pred_taken = set(map(_GOLD, taken)), set(map(_PRED, taken))
        candidates = [(g, p) for g, p in tangled if g not in gold_taken and p not in pred_taken]
    edges = [Edge(g, p, credit, _iou(gold[g], pred[p])) for g, p in candidates]
    return [
        (e.gold, e.pred) for e in max_weight_matching(edges, gold.__getitem__, pred.__getitem__)
    ]


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
    matching :func:`score_entities` runs, without error lists.

    Example:
        >>> docs = [([(0, 3, "GPE")], [(0, 3, "GPE"), (5, 6, "ORG")]), ([(1, 4, "ORG")], [])]
        >>> count_entity_schemes(docs)["strict"]
        Counts(tp=1.0, fp=1.0, fn=1.0)
    """
    tps = dict.fromkeys(SCHEMES, 0.0)
    n_gold = n_pred = 0
    for gold, pred in documents:
        n_gold += len(gold)
        n_pred += len(pred)
        if gold and pred:
            matches = match_spans(gold, pred)
            for scheme in SCHEMES:
                tps[scheme] += matches.tp(scheme)
    return {scheme: Counts(tp, n_pred - tp, n_gold - tp) for scheme, tp in tps.items()}


@dataclass(frozen=True)
class EntityScores:
    """Entity results of one document: each metric, per-type counts and confusion counts."""

    metrics: dict[str, MetricResult]
    per_type: dict[str, dict[str, Counts]]
    confusion: Counter[tuple[str, str]]


def score_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], paragraphs: Paragraphs
) -> EntityScores:
    """Every entity metric on one document, with per-paragraph counts and error items.

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
    places = Places(
        paragraphs.indices([k[0] for k in gold_keys]),
        paragraphs.indices([k[0] for k in pred_keys]),
        len(paragraphs),
    )
    credits = {scheme: matches.credits(scheme) for scheme in SCHEMES}
    gold_errors = _ErrorOrder(gold, matches.fully_credited(_GOLD))
    pred_errors = _ErrorOrder(pred, matches.fully_credited(_PRED))
    metrics: dict[str, MetricResult] = {}
    for scheme, (gold_credit, pred_credit) in credits.items():
        metrics[scheme] = matched_result(
            places,
            gold_credit,
            pred_credit,
            pred_errors.items(pred_credit),
            gold_errors.items(gold_credit),
        )
    metrics["linked"] = _linked(gold, credits["partial"], places, pred_errors)
    return EntityScores(
        metrics,
        _per_type(gold_keys, pred_keys, matches),
        _confusion(gold_keys, pred_keys, matches, credits["partial"]),
    )


class _ErrorOrder:
    """The mentions of one side that some scheme does not fully credit, in error-list order.

    The order is by ``(start, end, text, type)``; it only needs the credit or id to break ties
    when two such mentions share all four (duplicates), and then :meth:`items` sorts by them.
    """

    def __init__(self, entities: Sequence[Entity], fully_credited: set[int]) -> None:
        self.entities = entities
        keyed = sorted(
            (e.start, e.end, e.text, e.type, i)
            for i, e in enumerate(entities)
            if i not in fully_credited
        )
        self.order = [key[4] for key in keyed]
        self.tied = any(a[:4] == b[:4] for a, b in pairwise(keyed))

    def items(self, credit: dict[int, float], *, with_id: bool = False) -> list[JsonItem]:
        """The error items of the mentions credited less than 1 (partial credit marked)."""
        items = []
        for i in self.order:
            value = credit.get(i, 0.0)
            if value < 1:
                items.append(_item(self.entities[i], value, with_id))
        if self.tied:
            items.sort(key=_item_key)
        return items


def _item(entity: Entity, credit: float, with_id: bool) -> JsonItem:
    item: JsonItem = {
        "start": entity.start,
        "end": entity.end,
        "text": entity.text,
        "type": entity.type,
    }
    if credit:
        item["credit"] = credit
    if with_id:
        item["id"] = entity.entity_id
    return item


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
    partial: tuple[dict[int, float], dict[int, float]],
    places: Places,
    pred_errors: _ErrorOrder,
) -> MetricResult:
    """Distinct gold ids found (through a partial match) vs all gold ids; misses are unique FPs.

    Gold mentions without an id are ignored on both sides (a prediction matched to one counts
    neither way); every prediction that matched no gold mention is its own false positive id.
    An id sits in the paragraph of its first mention.
    """
    gold_credit, pred_credit = partial
    first: dict[str, int] = {}  # id -> its first gold mention
    for g, entity in enumerate(gold):
        eid = entity.entity_id
        if eid is not None and (eid not in first or entity.start < gold[first[eid]].start):
            first[eid] = g
    found = {gold[g].entity_id for g in gold_credit}
    tp: list[int] = []
    fn: list[int] = []
    false_negatives: list[JsonItem] = []
    for eid, g in sorted(first.items()):
        if eid in found:
            tp.append(places.gold[g])
        else:
            fn.append(places.gold[g])
            false_negatives.append({"id": eid})
    fp = [paragraph for p, paragraph in enumerate(places.pred) if p not in pred_credit]
    no_credit: dict[int, float] = dict.fromkeys(pred_credit, 1.0)
    false_positives = pred_errors.items(no_credit, with_id=True)
    return counted_result(places.paragraphs, tp, fp, fn, false_positives, false_negatives)


def _per_type(
    gold: Sequence[EntityKey], pred: Sequence[EntityKey], matches: EntityMatches
) -> dict[str, dict[str, Counts]]:
    """Every scheme's counts restricted to each type, read off the global matchings."""
    n_gold = Counter(map(itemgetter(2), gold))
    n_pred = Counter(map(itemgetter(2), pred))
    strict = Counter(gold[g][2] for g, _ in matches.strict)
    same_type = Counter(gold[g][2] for g, _ in matches.type)
    half = _per_type_half(gold, pred, matches)
    per_type: dict[str, dict[str, Counts]] = {}
    for etype in sorted(n_gold.keys() | n_pred.keys()):
        n_g, n_p = n_gold[etype], n_pred[etype]
        exact = float(strict[etype])
        partial = exact + 0.5 * half[etype]
        typed = float(same_type[etype])
        same_span = Counts(exact, n_p - exact, n_g - exact)
        per_type[etype] = {
            "strict": same_span,
            "exact": same_span,
            "partial": Counts(partial, n_p - partial, n_g - partial),
            "type": Counts(typed, n_p - typed, n_g - typed),
        }
    return per_type


def _per_type_half(
    gold: Sequence[EntityKey], pred: Sequence[EntityKey], matches: EntityMatches
) -> Counter[str]:
    """Per type, the size of a maximum matching of same-type overlaps left by the strict pairs.

    A lone pair of one type and two spans counts 1 (neither mention can have a strict partner);
    tangled pairs need a matching per type.
    """
    half = Counter(
        gold[g][2]
        for g, p in matches.lone
        if gold[g][2] == pred[p][2] and gold[g][:2] != pred[p][:2]
    )
    if matches.tangled:
        gold_taken = set(map(_GOLD, matches.strict))
        pred_taken = set(map(_PRED, matches.strict))
        by_type: dict[str, list[Pair]] = {}
        for g, p in matches.tangled:
            if gold[g][2] == pred[p][2] and g not in gold_taken and p not in pred_taken:
                by_type.setdefault(gold[g][2], []).append((g, p))
        for etype, pairs in by_type.items():
            half[etype] += matching_size(pairs)
    return half


def _confusion(
    gold: Sequence[EntityKey],
    pred: Sequence[EntityKey],
    matches: EntityMatches,
    partial: tuple[dict[int, float], dict[int, float]],
) -> Counter[tuple[str, str]]:
    """(gold type, predicted type) counts of the partial matching; unmatched pair with none."""
    confusion = Counter((gold[g][2], pred[p][2]) for g, p in chain(matches.exact, matches.half))
    gold_credit, pred_credit = partial
    for g, key in enumerate(gold):
        if g not in gold_credit:
            confusion[(key[2], NONE_LABEL)] += 1
    for p, key in enumerate(pred):
        if p not in pred_credit:
            confusion[(NONE_LABEL, key[2])] += 1
    return confusion
