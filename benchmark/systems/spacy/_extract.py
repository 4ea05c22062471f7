"""From one parsed spaCy ``Doc`` to an :class:`~benchmark._models.Annotation` (``spacy`` system).

Layers are built in order, each using the previous ones:

- entities: the NER's mentions, cleaned, with patterns for what the small model misses
  (datelines, company names by suffix or stock ticker, names after a title or honorific, names
  before a role in apposition, bylines, transcript labels, named storms, photo credits); types
  the context decides outvote the model (an apposition to ``the company``/``an analyst``, an age,
  a ticker, ``in X``), one type per surface form, then linked within the document;
- quotes: quotation marks plus the dependency parse: the reporting verb, its subject, pronoun
  and title carry-over (``the union leader`` -> the person introduced by that role), speakers
  described only by a role (``a volunteer who asked not to be named``), ``the statement said``,
  an organisation named by a common noun; clausal complements of reporting verbs as indirect or
  mixed quotes; scare quotes and the author's own ``I say`` are not quotes;
- speakers: one per quoted source;
- claims: one per proposition: narrative sentences split at relative, coordinated and
  adverbial clauses, quoted sentences for their speaker; site furniture gives none.

One module per step: :mod:`._entities`, :mod:`._speech` (quotes and speakers, over the quotation
marks that :mod:`._quotes` finds) and :mod:`._claims`; this one puts the layers together. Word
lists are data files (``benchmark/systems/lexicon/``). spaCy objects are typed ``Any``:
spaCy is an optional dependency imported only by the adapter.
"""

from __future__ import annotations

from typing import Any

from ..._models import Annotation, Document, Entity, Quote, Span
from .._shared._text import trim
from ._claims import build_claims
from ._entities import build_entities
from ._speech import UNNAMED, _Context, _Found, build_quotes, build_speakers, is_label


def _speaker_of(q: _Found) -> str | None:
    """What a quote names as its speaker: the name, or for a speaker described only by a role
    (``A ferry captain``, no name to give) its id (``unnamed-ferry-captain``)."""
    if q.speaker_id is not None and q.speaker_id.startswith(UNNAMED):
        return q.speaker_id
    return q.speaker


def annotate(doc: Any, document: Document) -> Annotation:
    """All four layers of one parsed document."""
    mentions, canonical = build_entities(doc)
    ctx = _Context(doc, mentions, canonical)
    found = build_quotes(ctx)
    text = ctx.text
    quotes = []
    for q in found:
        start, end = trim(text, q.start, q.end)
        if end <= start or is_label(q, text[start:end]):
            continue
        quotes.append(
            Quote(
                start,
                end,
                text[start:end],
                q.kind,  # type: ignore[arg-type]
                _speaker_of(q),
                Span(*q.speaker_span) if q.speaker_span else None,
                Span(*q.cue_span) if q.cue_span else None,
            )
        )
    entities = tuple(Entity(m.start, m.end, m.text, m.type, m.entity_id) for m in mentions)
    return Annotation(
        doc_id=document.doc_id,
        text_sha256=document.sha256,
        entities=entities,
        speakers=tuple(build_speakers(ctx, found)),
        quotes=tuple(quotes),
        claims=tuple(build_claims(ctx, found)),
    )
