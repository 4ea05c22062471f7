"""The rules baseline on short invented articles (never the seed articles)."""

from __future__ import annotations

import pytest

from benchmark._models import Annotation, Document
from benchmark._validate import check_annotation
from benchmark.systems._shared._text import find_quoted_passages, sentences
from benchmark.systems.rules import RulesSystem

FERRY = "\n\n".join(
    [
        ("Harbour council approves new ferry plan"),
        (
            "The Velmora Port Authority on Tuesday approved a plan to double ferry services "
            "to Ostrik Island."
        ),
        (
            "“This is the most important decision we have taken in a decade,” Marta "
            "Kellingsen told reporters in Calveston. “The island has waited long enough.”"
        ),
        (
            "Kellingsen, the authority’s chairwoman, said the first new vessel would arrive "
            "in March 2026."
        ),
        (
            "‘We are not against ferries,’ said Dorian Pell, a spokesman for the fishermen. "
            "‘We are against losing our harbour.’"
        ),
        ("He added that the fishermen would meet on Friday."),
        ('Transport Minister Lena Ashgrove said: "The state will cover half of the cost."'),
        ("According to Ashgrove, the project will create 300 jobs."),
        ("«Nous verrons,» replied the mayor of Calveston, Jules Arnaud."),
        (
            "“When I was a boy, my father told me ‘never trust the tide,’ and I still believe "
            "it,” Pell said."
        ),
        (
            "“The first paragraph of a long statement goes here, explaining the background in "
            "detail."
        ),
        ("“The second paragraph continues the same statement and ends it,” the authority said."),
    ]
)

SUMMIT = "\n\n".join(
    [
        ("Ministers meet in Dravik"),
        ("Foreign Minister Oskar Brandtvold warned on Monday that the talks could collapse."),
        ("“We will not accept any delay,” Brandtvold said. “The deadline is firm.”"),
        ("The minister also met Nadia Folau, the head of the Serovian delegation."),
        (
            "“We came here in good faith,’ Folau said, adding that her team would stay until "
            "Thursday."
        ),
        ("Serovian officials said the proposal was “a step in the right direction.”"),
        ("Brandtvold said the two sides were “closer than ever” to a deal."),
    ]
)


def _extract(text: str, **params: object) -> tuple[Document, Annotation]:
    doc = Document("invented", text)
    return doc, RulesSystem(**params).extract(doc)  # type: ignore[arg-type]


def _quotes(text: str, ann: Annotation) -> dict[str, tuple[str, str | None]]:
    return {q.text: (q.kind, q.speaker) for q in ann.quotes}


@pytest.mark.parametrize("text", [FERRY, SUMMIT])
def test_output_is_valid(text: str) -> None:
    doc, ann = _extract(text)
    assert check_annotation(ann, doc, "invented.json", gold=False) == []
    assert ann.quotes and ann.entities and ann.claims


def test_quote_conventions_and_attribution() -> None:
    _, ann = _extract(FERRY)
    quotes = _quotes(FERRY, ann)
    # curly quotes split by their cue: two quotes, one speaker
    assert quotes["This is the most important decision we have taken in a decade,"] == (
        "direct",
        "Marta Kellingsen",
    )
    assert quotes["The island has waited long enough."] == ("direct", "Marta Kellingsen")
    # British single quotes, cue before the speaker
    assert quotes["We are not against ferries,"] == ("direct", "Dorian Pell")
    assert quotes["We are against losing our harbour."] == ("direct", "Dorian Pell")
    # colon quote with straight marks, title split from the name
    assert quotes["The state will cover half of the cost."] == ("direct", "Lena Ashgrove")
    # guillemets
    assert quotes["Nous verrons,"] == ("direct", "Jules Arnaud")
    # nested quote: only the outer passage, attributed by surname to the full name
    nested = "When I was a boy, my father told me ‘never trust the tide,’ and I still believe it,"
    assert quotes[nested] == ("direct", "Dorian Pell")
    assert "never trust the tide," not in quotes


def test_indirect_pronoun_and_according_to() -> None:
    _, ann = _extract(FERRY)
    quotes = _quotes(FERRY, ann)
    assert quotes["the first new vessel would arrive in March 2026"] == (
        "indirect",
        "Marta Kellingsen",
    )
    # pronoun carried over from the last named speaker
    assert quotes["the fishermen would meet on Friday"] == ("indirect", "Dorian Pell")
    assert quotes["the project will create 300 jobs"] == ("indirect", "Lena Ashgrove")


def test_multi_paragraph_quote_takes_the_final_attribution() -> None:
    _, ann = _extract(FERRY)
    parts = [q for q in ann.quotes if "paragraph" in q.text]
    assert len(parts) == 2
    assert {q.speaker for q in parts} == {"Velmora Port Authority"}
    assert parts[0].text.endswith("in detail.")


def test_pronouns_can_be_switched_off() -> None:
    _, ann = _extract(FERRY, pronouns=False)
    quotes = _quotes(FERRY, ann)
    assert quotes["the fishermen would meet on Friday"] == ("indirect", None)


def test_mismatched_marks_mixed_quotes_and_title_aliases() -> None:
    _, ann = _extract(SUMMIT)
    quotes = _quotes(SUMMIT, ann)
    # opened with “ and closed with ’
    assert quotes["We came here in good faith,"] == ("direct", "Nadia Folau")
    assert quotes["We will not accept any delay,"] == ("direct", "Oskar Brandtvold")
    assert quotes["The deadline is firm."] == ("direct", "Oskar Brandtvold")
    mixed = [q for q in ann.quotes if q.kind == "mixed"]
    assert any(q.text.startswith("the two sides were “closer than ever") for q in mixed)
    assert any(q.speaker == "Oskar Brandtvold" for q in mixed)
    warned = next(q for q in ann.quotes if q.text.startswith("the talks could collapse"))
    assert (warned.kind, warned.speaker) == ("indirect", "Oskar Brandtvold")
    speaker = next(s for s in ann.speakers if s.name == "Oskar Brandtvold")
    assert "Brandtvold" in speaker.aliases and speaker.role == "Foreign Minister"


def test_entities_types_and_links() -> None:
    _, ann = _extract(SUMMIT + "\n" + FERRY)
    types = {(e.text, e.type) for e in ann.entities}
    assert ("Oskar Brandtvold", "PERSON") in types
    assert ("Brandtvold", "PERSON") in types
    assert ("Serovian", "NORP") in types
    assert ("Dravik", "GPE") in types
    assert ("Monday", "DATE") in types
    assert ("March 2026", "DATE") in types
    assert ("Velmora Port Authority", "ORG") in types
    assert ("Transport Minister Lena Ashgrove", "PERSON") not in types
    ids = {e.text: e.entity_id for e in ann.entities}
    assert ids["Brandtvold"] == ids["Oskar Brandtvold"] == "oskar-brandtvold"
    assert all(e.entity_id is None for e in ann.entities if e.type == "DATE")
    # sentence-initial common words are not entities
    assert not any(e.text in {"The", "He", "According"} for e in ann.entities)


def test_claims_have_sources_and_evidence() -> None:
    doc, ann = _extract(SUMMIT)
    sources = {c.source for c in ann.claims}
    assert "author" in sources and "Oskar Brandtvold" in sources
    for claim in ann.claims:
        assert claim.evidence
        for span in claim.evidence:
            assert doc.text[span.start : span.end].strip() == doc.text[span.start : span.end]


def test_text_helpers() -> None:
    text = 'He said: “One. Two.” Then ‘three’ and "four".'
    found = [text[p.start : p.end] for p in find_quoted_passages(text)]
    assert found == ["One. Two.", "three", "four"]
    assert len(sentences("Dr. Who left. U.S. troops came. Fine!")) == 3


def test_same_input_same_output() -> None:
    assert _extract(SUMMIT)[1] == _extract(SUMMIT)[1]
