"""Builders of small, valid annotations that tests share."""

from __future__ import annotations

from benchmark._models import Annotation, Claim, Entity, Quote, Span, Speaker, sha256_text

TINY_TEXT = "Ann Smith said “prices will rise” in Paris on Monday.\n\nSmith later left Paris."


def tiny_annotation(text: str = TINY_TEXT, doc_id: str = "tiny") -> Annotation:
    """A small, valid gold annotation of ``TINY_TEXT`` touching every layer."""

    def span_of(needle: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        return Span(start, start + len(needle))

    def entity(needle: str, etype: str, eid: str | None, nth: int = 0) -> Entity:
        s = span_of(needle, nth)
        return Entity(s.start, s.end, needle, etype, eid)  # type: ignore[arg-type]

    quote = span_of("prices will rise")
    return Annotation(
        doc_id=doc_id,
        text_sha256=sha256_text(text),
        entities=(
            entity("Ann Smith", "PERSON", "ann-smith"),
            entity("Paris", "GPE", "paris"),
            entity("Monday", "DATE", None),
            entity("Smith", "PERSON", "ann-smith", nth=1),
            entity("Paris", "GPE", "paris", nth=1),
        ),
        speakers=(Speaker("Ann Smith", "ann-smith", ("Smith",), "economist"),),
        quotes=(
            Quote(
                quote.start,
                quote.end,
                "prices will rise",
                "direct",
                "ann-smith",
                span_of("Ann Smith"),
                span_of("said"),
            ),
        ),
        claims=(
            Claim(
                "Prices will rise",
                "ann-smith",
                "warning",
                ("Prices are going to go up",),
                (quote,),
            ),
        ),
    )


def metric_json(f1: float | None, n: int = 1000) -> dict[str, object]:
    """A results.json metric whose counts give exactly ``f1`` (equal precision and recall)."""
    if f1 is None:
        return {"precision": None, "recall": None, "f1": None, "tp": 0, "fp": 0, "fn": 0}
    tp, miss = f1 * n, (1 - f1) * n
    ratio = tp / (tp + miss) if tp + miss else None
    return {"precision": ratio, "recall": ratio, "f1": f1, "tp": tp, "fp": miss, "fn": miss}


def results_json(
    scores: dict[str, dict[str, dict[str, float | None]]],
    *,
    gold: str = "ab" * 32,
    skipped: dict[str, str] | None = None,
) -> dict[str, object]:
    """A valid results.json (format 2.0) with the given F1 per system, layer and metric."""
    return {
        "format_version": "2.0",
        "provenance": {
            "package_version": "0",
            "git_commit": None,
            "gold_sha256": gold,
            "gold_dir": None,
            "timestamp": "2026-01-01T00:00:00Z",
            "python": "3",
            "platform": "test",
            "bootstrap": {"samples": 0, "seed": 0, "unit": "document"},
            "systems": {},
        },
        "documents": ["d"],
        "results": {
            system: {
                layer: {metric: metric_json(f1) for metric, f1 in metrics.items()}
                for layer, metrics in layers.items()
            }
            for system, layers in scores.items()
        },
        "errors": {},
        "skipped": skipped or {},
    }
