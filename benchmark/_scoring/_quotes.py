"""Quote scoring: ``exact``, ``overlap``, ``attribution`` and ``cue``.

- ``exact``: same content span.
- ``overlap``: IoU >= 0.5; the assignment maximises the number of pairs (ties: total IoU).
- ``attribution``: overlap-matched *and* the predicted speaker resolves to the gold speaker id;
  the assignment maximises the number of such correct pairs (so a right speaker is never lost to
  a wrongly attributed neighbour). A gold quote whose speaker is null is correctly attributed only
  by a prediction with no speaker that resolves.
- ``cue``: the distinct gold cue spans against the distinct predicted cue spans (a cue shared by
  the two halves of an interrupted quotation counts once), IoU >= 0.5.

Error lists are sorted by the items' fields (offsets, text, kind, speaker, then the resolved id
of predictions), so their order never depends on the order of the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from .._models import Quote
from ._matching import Interval, WeightedPair, max_weight_matching, overlap_pairs
from ._resolve import SpeakerResolver
from ._results import (
    JsonItem,
    MetricResult,
    Paragraphs,
    empty_result,
    matched_result,
    matched_sides,
    optional_key,
    span_item,
    unmatched_in_any,
)

QUOTE_METRICS: tuple[str, ...] = ("exact", "overlap", "attribution", "cue")
MIN_IOU = 0.5

_GOLD = itemgetter(0)
_PRED = itemgetter(1)


def _quote_item(quote: Quote, **extra: object) -> JsonItem:
    return span_item(
        quote.start, quote.end, quote.text, kind=quote.kind, speaker=quote.speaker, **extra
    )


def _key(quote: Quote) -> tuple[object, ...]:
    """A sortable identity of a quote, so that ties never depend on input order."""
    return (quote.start, quote.end, quote.speaker or "", quote.kind, repr(quote))


def _order_key(quote: Quote) -> tuple[object, ...]:
    """The error-list order of a quote: its item's fields (``resolved`` follows for predictions)."""
    return (quote.start, quote.end, quote.text, quote.kind, optional_key(quote.speaker))


def _iou_edges(gold: Sequence[Interval], pred: Sequence[Interval]) -> list[WeightedPair]:
    """``(gold, pred, 1.0, IoU)`` for the pairs of spans with IoU >= :data:`MIN_IOU`.

    Example:
        >>> _iou_edges([(0, 4), (10, 12)], [(1, 4), (11, 20)])
        [(0, 0, 1.0, 0.75)]
    """
    edges = []
    for g, p in overlap_pairs(gold, pred):
        (gold_start, gold_end), (pred_start, pred_end) = gold[g], pred[p]
        inter = (gold_end if gold_end < pred_end else pred_end) - (
            gold_start if gold_start > pred_start else pred_start
        )
        iou = inter / ((gold_end - gold_start) + (pred_end - pred_start) - inter)
        if iou >= MIN_IOU:
            edges.append((g, p, 1.0, iou))
    return edges


def score_quotes(
    gold: Sequence[Quote],
    pred: Sequence[Quote],
    resolver: SpeakerResolver,
    paragraphs: Paragraphs,
    text: str,
) -> dict[str, MetricResult]:
    """Every quote metric on one document.

    Error items are shared between the metrics of a document: read them, never change them.

    Example:
        >>> from benchmark._models import Annotation, Speaker
        >>> resolver = SpeakerResolver(Annotation("d", "", speakers=(Speaker("Ann", "ann"),)))
        >>> gold = [Quote(0, 4, "Yes.", "direct", "ann")]
        >>> pred = [Quote(0, 3, "Yes", "direct", "Bob")]
        >>> results = score_quotes(gold, pred, resolver, Paragraphs("Yes."), "Yes.")
        >>> [results[m].counts.tp for m in QUOTE_METRICS]
        [0.0, 1.0, 0.0, 0.0]
        >>> results["attribution"].false_positives[0]["resolved"] is None
        True
    """
    if not gold and not pred:
        return dict.fromkeys(QUOTE_METRICS, empty_result(len(paragraphs)))
    gold_spans = [(q.start, q.end) for q in gold]
    pred_spans = [(q.start, q.end) for q in pred]
    resolved = [resolver.resolve(q.speaker, q.speaker_span) for q in pred]

    def gold_key(g: int) -> tuple[object, ...]:
        return _key(gold[g])

    def pred_key(p: int) -> tuple[object, ...]:
        return _key(pred[p])

    iou_edges = _iou_edges(gold_spans, pred_spans)
    same_span = [e for e in iou_edges if e[3] == 1.0]
    # Only the overlap edges can be attributed: filtering them is linear, unlike all pairs.
    correct = [
        e
        for e in iou_edges
        if _same_speaker(gold[e[0]].speaker, pred[e[1]].speaker, resolved[e[1]])
    ]
    matchings = {
        "exact": max_weight_matching(same_span, gold_key, pred_key),
        "overlap": max_weight_matching(iou_edges, gold_key, pred_key),
        "attribution": max_weight_matching(correct, gold_key, pred_key),
    }
    gold_matched, pred_matched = matched_sides(matchings)
    gold_items = {
        g: _quote_item(gold[g])
        for g in unmatched_in_any(
            len(gold), list(gold_matched.values()), lambda g: _order_key(gold[g])
        )
    }
    pred_items = {
        p: _quote_item(pred[p], resolved=resolved[p])
        for p in unmatched_in_any(
            len(pred),
            list(pred_matched.values()),
            lambda p: (_order_key(pred[p]), optional_key(resolved[p])),
        )
    }
    places = paragraphs.places(gold_spans, pred_spans)
    results: dict[str, MetricResult] = {}
    for metric, chosen in matchings.items():
        found_gold, found_pred = gold_matched[metric], pred_matched[metric]
        results[metric] = matched_result(
            places,
            chosen,
            [item for p, item in pred_items.items() if p not in found_pred],
            [item for g, item in gold_items.items() if g not in found_gold],
        )
    results["cue"] = _score_cues(gold, pred, paragraphs, text)
    return results


def _score_cues(
    gold: Sequence[Quote], pred: Sequence[Quote], paragraphs: Paragraphs, text: str
) -> MetricResult:
    """The ``cue`` metric: distinct gold cue spans against distinct predicted ones."""
    gold_cues = sorted({(q.cue_span.start, q.cue_span.end) for q in gold if q.cue_span is not None})
    pred_cues = sorted({(q.cue_span.start, q.cue_span.end) for q in pred if q.cue_span is not None})
    chosen = max_weight_matching(
        _iou_edges(gold_cues, pred_cues), gold_cues.__getitem__, pred_cues.__getitem__
    )
    gold_matched = set(map(_GOLD, chosen))
    pred_matched = set(map(_PRED, chosen))
    places = paragraphs.places(gold_cues, pred_cues)
    return matched_result(
        places,
        chosen,
        [span_item(s, e, text[s:e]) for p, (s, e) in enumerate(pred_cues) if p not in pred_matched],
        [span_item(s, e, text[s:e]) for g, (s, e) in enumerate(gold_cues) if g not in gold_matched],
    )


def _same_speaker(gold_id: str | None, pred_name: str | None, pred_id: str | None) -> bool:
    if gold_id is None:
        return pred_id is None and not (pred_name or "").strip()
    return pred_id == gold_id
