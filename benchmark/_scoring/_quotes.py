"""Quote scoring: ``exact``, ``overlap``, ``attribution`` and ``cue``.

- ``exact``: same content span.
- ``overlap``: IoU >= 0.5; the assignment maximises the number of pairs (ties: total IoU).
- ``attribution``: overlap-matched *and* the predicted speaker resolves to the gold speaker id;
  the assignment maximises the number of such correct pairs (so a right speaker is never lost to
  a wrongly attributed neighbour). A gold quote whose speaker is null is correctly attributed only
  by a prediction with no speaker that resolves.
- ``cue``: the distinct gold cue spans against the distinct predicted cue spans (a cue shared by
  the two halves of an interrupted quotation counts once), IoU >= 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._models import Quote, Span
from ._matching import Edge, max_weight_matching, overlap_pairs
from ._resolve import SpeakerResolver
from ._results import JsonItem, MetricResult, Paragraphs, Tally, sorted_items, span_item

QUOTE_METRICS: tuple[str, ...] = ("exact", "overlap", "attribution", "cue")
MIN_IOU = 0.5


def _quote_item(quote: Quote, **extra: object) -> JsonItem:
    return span_item(
        quote.start, quote.end, quote.text, kind=quote.kind, speaker=quote.speaker, **extra
    )


def _key(quote: Quote) -> tuple[object, ...]:
    """A sortable identity of a quote, so that ties never depend on input order."""
    return (quote.start, quote.end, quote.speaker or "", quote.kind, repr(quote))


def _iou_edges(gold: Sequence[Span], pred: Sequence[Span]) -> list[Edge]:
    edges = []
    for g, p in overlap_pairs([(s.start, s.end) for s in gold], [(s.start, s.end) for s in pred]):
        iou = gold[g].iou(pred[p])
        if iou >= MIN_IOU:
            edges.append(Edge(g, p, 1.0, iou))
    return edges


def _tally(
    edges: Sequence[Edge],
    gold_items: Sequence[JsonItem],
    pred_items: Sequence[JsonItem],
    gold_par: Sequence[int],
    pred_par: Sequence[int],
    n_paragraphs: int,
) -> MetricResult:
    tally = Tally(n_paragraphs)
    matched_gold = {e.gold for e in edges}
    matched_pred = {e.pred for e in edges}
    for g, item in enumerate(gold_items):
        if g in matched_gold:
            tally.add(gold_par[g], tp=1)
        else:
            tally.add(gold_par[g], fn=1)
            tally.false_negatives.append(item)
    for p, item in enumerate(pred_items):
        if p not in matched_pred:
            tally.add(pred_par[p], fp=1)
            tally.false_positives.append(item)
    tally.false_positives = sorted_items(tally.false_positives)
    tally.false_negatives = sorted_items(tally.false_negatives)
    return tally.result()


def score_quotes(
    gold: Sequence[Quote],
    pred: Sequence[Quote],
    resolver: SpeakerResolver,
    paragraphs: Paragraphs,
    text: str,
) -> dict[str, MetricResult]:
    """Every quote metric on one document."""
    n = len(paragraphs)
    gold_spans = [q.span for q in gold]
    pred_spans = [q.span for q in pred]
    gold_keys = [_key(q) for q in gold]
    pred_keys = [_key(q) for q in pred]
    resolved = [resolver.resolve(q.speaker, q.speaker_span) for q in pred]
    gold_items = [_quote_item(q) for q in gold]
    pred_items = [{**_quote_item(q), "resolved": r} for q, r in zip(pred, resolved, strict=True)]
    gold_par = [paragraphs.index(q.start) for q in gold]
    pred_par = [paragraphs.index(q.start) for q in pred]
    results: dict[str, MetricResult] = {}
    iou_edges = _iou_edges(gold_spans, pred_spans)
    same_span = [e for e in iou_edges if e.secondary == 1.0]
    exact = max_weight_matching(same_span, gold_keys, pred_keys)
    results["exact"] = _tally(exact, gold_items, pred_items, gold_par, pred_par, n)
    overlap = max_weight_matching(iou_edges, gold_keys, pred_keys)
    results["overlap"] = _tally(overlap, gold_items, pred_items, gold_par, pred_par, n)
    # Only the overlap edges can be attributed: filtering them is linear, unlike all pairs.
    correct = [
        e
        for e in iou_edges
        if _same_speaker(gold[e.gold].speaker, pred[e.pred].speaker, resolved[e.pred])
    ]
    attributed = max_weight_matching(correct, gold_keys, pred_keys)
    results["attribution"] = _tally(attributed, gold_items, pred_items, gold_par, pred_par, n)
    gold_cues = sorted({q.cue_span for q in gold if q.cue_span is not None})
    pred_cues = sorted({q.cue_span for q in pred if q.cue_span is not None})
    cue_edges = max_weight_matching(_iou_edges(gold_cues, pred_cues), gold_cues, pred_cues)
    results["cue"] = _tally(
        cue_edges,
        [span_item(c.start, c.end, text[c.start : c.end]) for c in gold_cues],
        [span_item(c.start, c.end, text[c.start : c.end]) for c in pred_cues],
        [paragraphs.index(c.start) for c in gold_cues],
        [paragraphs.index(c.start) for c in pred_cues],
        n,
    )
    return results


def _same_speaker(gold_id: str | None, pred_name: str | None, pred_id: str | None) -> bool:
    if gold_id is None:
        return pred_id is None and not (pred_name or "").strip()
    return pred_id == gold_id
