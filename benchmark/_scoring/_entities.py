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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from .._models import ENTITY_TYPES, Entity
from ._matching import Edge, matching_size, max_weight_matching, overlap_pairs
from ._results import Counts, MetricResult, Paragraphs, Tally, sorted_items, span_item

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
ENTITY_METRICS: tuple[str, ...] = (*SCHEMES, "linked")
NONE_LABEL = "(none)"
CONFUSION_LABELS: tuple[str, ...] = (*ENTITY_TYPES, NONE_LABEL)

EntityKey = tuple[int, int, str]
"""``(start, end, type)`` of a mention: all the span schemes look at."""


def match_entities(
    gold: Sequence[EntityKey],
    pred: Sequence[EntityKey],
    scheme: str,
    overlaps: Sequence[tuple[int, int]] | None = None,
) -> list[Edge]:
    """The matched (gold, pred) pairs of one document under one scheme, with their credit.

    ``overlaps`` may pass precomputed :func:`overlap_pairs` of the spans (it is shared by schemes).

    Example:
        >>> gold = [(0, 5, "PERSON"), (10, 15, "ORG")]
        >>> pred = [(0, 5, "ORG"), (11, 15, "ORG")]
        >>> [(e.gold, e.pred, e.primary) for e in match_entities(gold, pred, "partial")]
        [(0, 0, 1.0), (1, 1, 0.5)]
        >>> len(match_entities(gold, pred, "strict")), len(match_entities(gold, pred, "type"))
        (0, 1)
    """
    if scheme == "strict":
        return _exact_pairs(gold, pred, with_type=True)[0]
    if scheme == "exact":
        return _exact_pairs(gold, pred, with_type=False)[0]
    if overlaps is None:
        overlaps = overlap_pairs([(s, e) for s, e, _ in gold], [(s, e) for s, e, _ in pred])
    if scheme == "partial":
        chosen, gold_left, pred_left = _exact_pairs(gold, pred, with_type=False)
        edges = [
            Edge(g, p, 0.5, _iou(gold[g], pred[p]))
            for g, p in overlaps
            if g in gold_left and p in pred_left
        ]
        return chosen + max_weight_matching(edges, gold, pred)
    if scheme == "type":
        edges = [
            Edge(g, p, 1.0, _iou(gold[g], pred[p])) for g, p in overlaps if gold[g][2] == pred[p][2]
        ]
        return max_weight_matching(edges, gold, pred)
    raise ValueError(f"unknown entity scheme {scheme!r}")


def _exact_pairs(
    gold: Sequence[EntityKey], pred: Sequence[EntityKey], *, with_type: bool
) -> tuple[list[Edge], set[int], set[int]]:
    """Pairs with the same span (and type): dictionary lookups, duplicates left over.

    Within a group of equal spans, items are paired in sorted order so that the choice (which
    matters for the error lists under ``exact``) never depends on input order.
    """
    gold_keys: Sequence[tuple[object, ...]] = gold if with_type else [k[:2] for k in gold]
    pred_keys: Sequence[tuple[object, ...]] = pred if with_type else [k[:2] for k in pred]
    gold_at = dict(zip(gold_keys, range(len(gold_keys)), strict=False))
    if len(gold_at) == len(gold_keys) and len(set(pred_keys)) == len(pred_keys):
        # No duplicate on either side (the common case): one lookup per prediction.
        found = [Edge(gold_at[k], p, 1.0, 1.0) for p, k in enumerate(pred_keys) if k in gold_at]
        matched_gold = {e.gold for e in found}
        matched_pred = {e.pred for e in found}
        return (
            found,
            {g for g in range(len(gold)) if g not in matched_gold},
            {p for p in range(len(pred)) if p not in matched_pred},
        )
    gold_groups: dict[tuple[object, ...], list[int]] = {}
    for g, key in enumerate(gold_keys):
        gold_groups.setdefault(key, []).append(g)
    pred_groups: dict[tuple[object, ...], list[int]] = {}
    for p, key in enumerate(pred_keys):
        pred_groups.setdefault(key, []).append(p)
    chosen: list[Edge] = []
    pred_left: set[int] = set()
    gold_left: set[int] = set()
    for key, preds in pred_groups.items():
        golds = gold_groups.pop(key, None)
        if golds is None:
            pred_left.update(preds)
            continue
        if len(golds) == 1 and len(preds) == 1:
            chosen.append(Edge(golds[0], preds[0], 1.0, 1.0))
            continue
        golds.sort(key=lambda i: (gold[i], i))
        preds.sort(key=lambda j: (pred[j], j))
        n = min(len(golds), len(preds))
        chosen.extend(Edge(g, p, 1.0, 1.0) for g, p in zip(golds[:n], preds[:n], strict=False))
        gold_left.update(golds[n:])
        pred_left.update(preds[n:])
    for golds in gold_groups.values():
        gold_left.update(golds)
    return chosen, gold_left, pred_left


def _iou(a: EntityKey, b: EntityKey) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def count_entity_schemes(
    documents: Iterable[tuple[Sequence[EntityKey], Sequence[EntityKey]]],
) -> dict[str, Counts]:
    """Micro counts of every span scheme over (gold, pred) mention lists: the fast path.

    Counts only, the same as summing the credit of :func:`match_entities` (tested on random
    documents), without choosing which pairs match:

    - ``strict``/``exact``: a multiset intersection of the ``(start, end, type)`` or
      ``(start, end)`` keys;
    - ``partial``: ``exact`` plus 0.5 x a maximum-cardinality matching of the overlap pairs left
      between unmatched mentions. Taking every same-span pair first loses nothing (exchange
      argument: if g and p share a span and neither is paired with a same-span partner, pairing
      them instead of their 0.5 partners never lowers the total), mentions with one span have the
      same overlaps (so which of them pair up does not matter), and every leftover pair weighs 0.5;
    - ``type``: a maximum-cardinality matching of the same-type overlap pairs (all weigh 1).

    Example:
        >>> docs = [([(0, 3, "GPE")], [(0, 3, "GPE"), (5, 6, "ORG")]), ([(1, 4, "ORG")], [])]
        >>> count_entity_schemes(docs)["strict"]
        Counts(tp=1.0, fp=1.0, fn=1.0)
    """
    strict = exact = partial = type_ = 0.0
    n_gold = n_pred = 0
    for gold, pred in documents:
        n_gold += len(gold)
        n_pred += len(pred)
        if not gold or not pred:
            continue
        strict += _multiset_overlap(gold, pred)
        gold_spans = [(s, e) for s, e, _ in gold]
        pred_spans = [(s, e) for s, e, _ in pred]
        same_span, gold_left, pred_left = _same_span_leftovers(gold_spans, pred_spans)
        exact += same_span
        pairs = overlap_pairs(gold_spans, pred_spans, ordered=False)
        leftover = [(g, p) for g, p in pairs if g in gold_left and p in pred_left]
        partial += same_span + 0.5 * matching_size(leftover)
        type_ += matching_size([(g, p) for g, p in pairs if gold[g][2] == pred[p][2]])
    tps = {"strict": strict, "exact": exact, "partial": partial, "type": type_}
    return {scheme: Counts(tp, n_pred - tp, n_gold - tp) for scheme, tp in tps.items()}


def _multiset_overlap(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> int:
    """How many items the two lists share, duplicates counted as often as both hold them."""
    gold_set, pred_set = set(gold), set(pred)
    if len(gold_set) == len(gold) and len(pred_set) == len(pred):
        return len(gold_set & pred_set)
    pred_count = Counter(pred)
    return sum(min(n, pred_count[k]) for k, n in Counter(gold).items() if k in pred_count)


def _same_span_leftovers(
    gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]
) -> tuple[int, set[int] | range, set[int] | range]:
    """How many same-span pairs there are, and the gold and pred indices left unpaired."""
    gold_at = dict(zip(gold, range(len(gold)), strict=True))
    if len(gold_at) == len(gold) and len(set(pred)) == len(pred):
        found = [(gold_at[k], p) for p, k in enumerate(pred) if k in gold_at]
        if not found:
            return 0, range(len(gold)), range(len(pred))
        used_gold = {g for g, _ in found}
        used_pred = {p for _, p in found}
        return (
            len(found),
            {g for g in range(len(gold)) if g not in used_gold},
            {p for p in range(len(pred)) if p not in used_pred},
        )
    gold_groups: dict[tuple[int, int], list[int]] = {}
    for g, key in enumerate(gold):
        gold_groups.setdefault(key, []).append(g)
    count = 0
    pred_left: set[int] = set()
    for p, key in enumerate(pred):
        group = gold_groups.get(key)
        if group:
            group.pop()
            count += 1
        else:
            pred_left.add(p)
    return count, {g for group in gold_groups.values() for g in group}, pred_left


@dataclass(frozen=True)
class EntityScores:
    """Entity results of one document: each metric, per-type counts and confusion counts."""

    metrics: dict[str, MetricResult]
    per_type: dict[str, dict[str, Counts]]
    confusion: Counter[tuple[str, str]]


def _item(entity: Entity, **extra: object) -> dict[str, object]:
    return span_item(entity.start, entity.end, entity.text, type=entity.type, **extra)


def score_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], paragraphs: Paragraphs
) -> EntityScores:
    """Every entity metric on one document, with per-paragraph counts and error items."""
    gold_keys = [(e.start, e.end, e.type) for e in gold]
    pred_keys = [(e.start, e.end, e.type) for e in pred]
    overlaps = overlap_pairs([(s, e) for s, e, _ in gold_keys], [(s, e) for s, e, _ in pred_keys])
    gold_par = [paragraphs.index(e.start) for e in gold]
    pred_par = [paragraphs.index(e.start) for e in pred]
    metrics: dict[str, MetricResult] = {}
    partial_edges: list[Edge] = []
    for scheme in SCHEMES:
        edges = match_entities(gold_keys, pred_keys, scheme, overlaps)
        if scheme == "partial":
            partial_edges = edges
        tally = Tally(len(paragraphs))
        gold_credit = [0.0] * len(gold)
        pred_credit = [0.0] * len(pred)
        for edge in edges:
            gold_credit[edge.gold] = pred_credit[edge.pred] = edge.primary
        for g, entity in enumerate(gold):
            tally.add(gold_par[g], tp=gold_credit[g], fn=1 - gold_credit[g])
            if gold_credit[g] < 1:
                extra = {"credit": gold_credit[g]} if gold_credit[g] else {}
                tally.false_negatives.append(_item(entity, **extra))
        for p, entity in enumerate(pred):
            tally.add(pred_par[p], fp=1 - pred_credit[p])
            if pred_credit[p] < 1:
                extra = {"credit": pred_credit[p]} if pred_credit[p] else {}
                tally.false_positives.append(_item(entity, **extra))
        tally.false_positives = sorted_items(tally.false_positives)
        tally.false_negatives = sorted_items(tally.false_negatives)
        metrics[scheme] = tally.result()
    metrics["linked"] = _linked(gold, pred, partial_edges, gold_par, pred_par, len(paragraphs))
    per_type: dict[str, dict[str, Counts]] = {}
    for etype in sorted({k[2] for k in gold_keys} | {k[2] for k in pred_keys}):
        g_sub = [k for k in gold_keys if k[2] == etype]
        p_sub = [k for k in pred_keys if k[2] == etype]
        sub_overlaps = overlap_pairs([(s, e) for s, e, _ in g_sub], [(s, e) for s, e, _ in p_sub])
        per_type[etype] = {}
        for scheme in SCHEMES:
            tp = sum(e.primary for e in match_entities(g_sub, p_sub, scheme, sub_overlaps))
            per_type[etype][scheme] = Counts(tp, len(p_sub) - tp, len(g_sub) - tp)
    confusion: Counter[tuple[str, str]] = Counter()
    matched_gold = {e.gold for e in partial_edges}
    matched_pred = {e.pred for e in partial_edges}
    for edge in partial_edges:
        confusion[(gold[edge.gold].type, pred[edge.pred].type)] += 1
    for g in set(range(len(gold))) - matched_gold:
        confusion[(gold[g].type, NONE_LABEL)] += 1
    for p in set(range(len(pred))) - matched_pred:
        confusion[(NONE_LABEL, pred[p].type)] += 1
    return EntityScores(metrics, per_type, confusion)


def _linked(
    gold: Sequence[Entity],
    pred: Sequence[Entity],
    partial_edges: Sequence[Edge],
    gold_par: Sequence[int],
    pred_par: Sequence[int],
    n_paragraphs: int,
) -> MetricResult:
    """Distinct gold ids found (through a partial match) vs all gold ids; misses are unique FPs.

    Gold mentions without an id are ignored on both sides (a prediction matched to one counts
    neither way); every prediction that matched no gold mention is its own false positive id.
    """
    tally = Tally(n_paragraphs)
    first_par: dict[str, int] = {}
    for g in sorted(range(len(gold)), key=lambda i: gold[i].start):
        eid = gold[g].entity_id
        if eid is not None:
            first_par.setdefault(eid, gold_par[g])
    found = {gold[e.gold].entity_id for e in partial_edges} - {None}
    for eid, par in sorted(first_par.items()):
        if eid in found:
            tally.add(par, tp=1)
        else:
            tally.add(par, fn=1)
            tally.false_negatives.append({"id": eid})
    matched_pred = {e.pred for e in partial_edges}
    for p, entity in enumerate(pred):
        if p not in matched_pred:
            tally.add(pred_par[p], fp=1)
            tally.false_positives.append(_item(entity, id=entity.entity_id))
    tally.false_positives = sorted_items(tally.false_positives)
    return tally.result()
