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
