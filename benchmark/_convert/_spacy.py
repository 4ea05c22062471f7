"""``spacy``: ``DocBin`` files, and :func:`from_spacy`, a spaCy ``Doc`` as an annotation.

Entities are ``doc.ents`` (``kb_id_``: the entity id); quotes the span group ``quotes`` (label:
the kind, ``kb_id_``: the speaker, ``id_``: ``q<n>``), their speaker and cue spans the groups
``quote_speakers`` and ``quote_cues`` (``id_``: the quote's); claims' evidence the group
``claims`` (label: the kind, ``kb_id_``: the source, ``id_``: ``c<n>``). What spans cannot hold
(the doc id, the speakers, the claims' texts and paraphrases) is in ``doc.user_data["bench"]``.
Tokens are those of :func:`~benchmark._convert._common.tokens`, cut at every span boundary,
with whitespace other than one space as tokens of their own, so ``doc.text`` is the article.
spaCy is imported only when a function here is called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from .._errors import BenchError
from .._json import atomic_write_bytes, convert, read_bytes
from .._models import (
    CLAIM_KINDS,
    QUOTE_KINDS,
    Annotation,
    Claim,
    Document,
    Entity,
    EntityType,
    Example,
    Quote,
    QuoteKind,
    Span,
    Speaker,
    sha256_text,
)
from ._common import checked, fail, tokens, unique_ids
from ._conll import non_overlapping

META = "bench"
"""The ``doc.user_data`` key of what spans cannot hold."""


def default_labels() -> dict[str, EntityType]:
    """spaCy's English entity labels (as the ``spacy`` system maps them) and ``MISC``.

    Example:
        >>> default_labels()["FAC"], default_labels()["MISC"]
        ('LOC', 'MISC')
    """
    from ..systems.spacy._entities import LABEL_MAP

    return {**LABEL_MAP, "MISC": "MISC"}


def _words(text: str, cuts: list[int]) -> tuple[list[str], list[bool]]:
    words: list[str] = []
    spaces: list[bool] = []
    previous = 0
    for start, end in [*tokens(text, cuts), (len(text), len(text))]:
        gap = text[previous:start]
        if gap == " " and words:
            spaces[-1] = True
        elif gap:
            words.append(gap)
            spaces.append(False)
        if end > start:
            words.append(text[start:end])
            spaces.append(False)
        previous = end
    return words, spaces


def _char_span(doc: Any, start: int, end: int, label: str, **ids: str) -> Any:
    """A span of ``doc`` (its boundaries are token boundaries: :func:`_cuts` made them so)."""
    return doc.char_span(start, end, label, alignment_mode="strict", **ids)


def _cuts(annotation: Annotation) -> list[int]:
    spans: list[Span | Entity | Quote] = [*annotation.entities, *annotation.quotes]
    for quote in annotation.quotes:
        spans += [s for s in (quote.speaker_span, quote.cue_span) if s is not None]
    spans += [s for claim in annotation.claims for s in claim.evidence]
    return [o for s in spans for o in (s.start, s.end)]


def to_spacy(example: Example, vocab: Any) -> tuple[Any, int]:
    """The spaCy ``Doc`` of one example, and how many overlapping entities ``doc.ents`` lost."""
    from spacy.tokens import Doc

    annotation = example.annotation
    doc = Doc(vocab, *_words(example.document.text, _cuts(annotation)))
    kept = non_overlapping(annotation.entities)
    doc.ents = [_char_span(doc, e.start, e.end, e.type, kb_id=e.entity_id or "") for e in kept]
    doc.spans["quotes"] = [
        _char_span(doc, q.start, q.end, q.kind, kb_id=q.speaker or "", span_id=f"q{i}")
        for i, q in enumerate(annotation.quotes)
    ]
    for group, name in (("quote_speakers", "speaker_span"), ("quote_cues", "cue_span")):
        doc.spans[group] = [
            _char_span(doc, s.start, s.end, group, span_id=f"q{i}")
            for i, q in enumerate(annotation.quotes)
            if (s := getattr(q, name)) is not None
        ]
    doc.spans["claims"] = [
        _char_span(doc, s.start, s.end, c.kind, kb_id=c.source, span_id=f"c{i}")
        for i, c in enumerate(annotation.claims)
        for s in c.evidence
    ]
    doc.user_data[META] = {
        "doc_id": example.doc_id,
        "speakers": msgspec.to_builtins(annotation.speakers),
        "claims": [{"text": c.text, "paraphrases": list(c.paraphrases)} for c in annotation.claims],
    }
    return doc, len(annotation.entities) - len(kept)


def write_spacy(examples: Sequence[Example], path: Path) -> dict[str, int]:
    """Write every example as a ``Doc`` of one ``DocBin`` file (user data stored)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    lost = 0
    for example in examples:
        doc, overlapping = to_spacy(example, vocab)
        docbin.add(doc)
        lost += overlapping
    atomic_write_bytes(path, docbin.to_bytes())
    return {"overlapping entities": lost}


# --- reading ----------------------------------------------------------------------------------


def _label(label: str, allowed: Sequence[str] | Mapping[str, str], what: str, strict: bool) -> Any:
    if label in allowed:
        return allowed[label] if isinstance(allowed, Mapping) else label
    if strict:
        raise BenchError(f"unknown {what} label {label!r:.40}: use one of {', '.join(allowed)}")
    return None


def _quotes(doc: Any, strict: bool) -> tuple[Quote, ...]:
    roles = {
        (group, span.id_): Span(span.start_char, span.end_char)
        for group in ("quote_speakers", "quote_cues")
        for span in doc.spans.get(group, ())
    }
    if strict:
        ids = {span.id_ for span in doc.spans.get("quotes", ())}
        for group, span_id in roles:
            if span_id not in ids:
                raise BenchError(f"broken link: {group} span id {span_id!r:.40} names no quote")
    quotes = []
    for span in doc.spans.get("quotes", ()):
        kind: QuoteKind = _label(span.label_, QUOTE_KINDS, "quote", strict) or "direct"
        speaker_span = roles.get(("quote_speakers", span.id_)) if span.id_ else None
        cue_span = roles.get(("quote_cues", span.id_)) if span.id_ else None
        quote = Quote(span.start_char, span.end_char, span.text, kind, span.kb_id_ or None)
        quotes.append(msgspec.structs.replace(quote, speaker_span=speaker_span, cue_span=cue_span))
    return tuple(quotes)


def _claims(doc: Any, meta: Mapping[str, Any], strict: bool) -> tuple[Claim, ...]:
    by_id: dict[str, list[Any]] = {}
    for n, span in enumerate(doc.spans.get("claims", ())):
        by_id.setdefault(span.id_ or f"#{n}", []).append(span)
    texts = list(meta.get("claims", ()))
    claims = []
    for n, (cid, spans) in enumerate(by_id.items()):
        first = spans[0]
        extra = texts[int(cid[1:])] if cid[1:].isdigit() and int(cid[1:]) < len(texts) else {}
        claim, problems = convert(
            {
                "text": extra.get("text", first.text),
                "paraphrases": list(extra.get("paraphrases", ())),
                "source": first.kb_id_ or "author",
                "kind": _label(first.label_, CLAIM_KINDS, "claim", strict) or "statement",
                "evidence": [{"start": s.start_char, "end": s.end_char} for s in spans],
            },
            Claim,
            f"claims[{n}]",
        )
        if claim is None:
            raise BenchError(str(problems[0]))
        claims.append(claim)
    return tuple(claims)


def from_spacy(
    doc: Any,
    doc_id: str | None = None,
    *,
    labels: Mapping[str, EntityType] | None = None,
    strict: bool = False,
) -> Annotation:
    """The annotation of a spaCy ``Doc``: a system built on any spaCy pipeline in one line.

    Entities come from ``doc.ents`` (labels mapped by ``labels``, spaCy's English labels by
    default; others left out unless ``strict``), quotes and claims from the span groups
    described in this module (labels outside the kinds default to ``direct`` and
    ``statement``).

    Args:
        doc: a spaCy ``Doc``.
        doc_id: the document id (default: the one ``bench convert`` stored, else ``"doc"``).
        labels: spaCy entity label -> entity type (default: :func:`default_labels`).
        strict: refuse an unknown label instead of leaving the span out.

    Raises:
        BenchError: with ``strict``, on an unknown label.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("ACME met in Zenda.")
        >>> doc.ents = [doc.char_span(0, 4, "ORG"), doc.char_span(12, 17, "GPE")]
        >>> [(e.text, e.type) for e in from_spacy(doc, "d1").entities]
        [('ACME', 'ORG'), ('Zenda', 'GPE')]
    """
    meta = doc.user_data.get(META) or {}
    labels = default_labels() if labels is None else labels
    entities = []
    for ent in doc.ents:
        kind = _label(ent.label_, labels, "entity", strict)
        if kind is not None:
            entities.append(
                Entity(ent.start_char, ent.end_char, ent.text, kind, ent.kb_id_ or None)
            )
    speakers = []
    for n, data in enumerate(meta.get("speakers", ())):
        speaker, problems = convert(dict(data), Speaker, f"speakers[{n}]")
        if speaker is None:
            raise BenchError(str(problems[0]))
        speakers.append(speaker)
    return Annotation(
        doc_id or str(meta.get("doc_id") or "doc"),
        sha256_text(doc.text),
        entities=tuple(entities),
        speakers=tuple(speakers),
        quotes=_quotes(doc, strict),
        claims=_claims(doc, meta, strict),
    )


def read_spacy(path: Path) -> list[Example]:
    """Read a ``DocBin`` file: each ``Doc`` an example (strict labels).

    Raises:
        BenchError: ``file: doc[n]: reason`` for the first problem.
    """
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    raw = read_bytes(path)
    try:
        docs = list(DocBin().from_bytes(raw).get_docs(Vocab()))
    except Exception as exc:  # a damaged file fails in zlib, msgpack or spaCy
        raise fail(str(path), f"not a spaCy DocBin file ({type(exc).__name__})") from None
    examples = []
    for n, doc in enumerate(docs):
        where = f"{path}: doc[{n}]"
        try:
            annotation = from_spacy(doc, strict=True)
        except BenchError as exc:
            raise fail(where, str(exc)) from None
        if annotation.doc_id == "doc":
            annotation = msgspec.structs.replace(annotation, doc_id=f"doc{n + 1}")
        examples.append(checked(annotation, Document(annotation.doc_id, doc.text), where))
    return unique_ids(examples, str(path))
