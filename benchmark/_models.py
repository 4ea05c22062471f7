"""Core records of the interchange format (DESIGN §2) as frozen dataclasses.

Every record is immutable and hashable; list fields of the JSON format are tuples here.
Conversion to and from plain JSON-ready dicts lives in :mod:`benchmark._io`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, get_args

SCHEMA_VERSION = "1.0"

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC"]
QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimKind = Literal["fact", "statement", "warning", "plan", "opinion"]

ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
QUOTE_KINDS: tuple[str, ...] = get_args(QuoteKind)
CLAIM_KINDS: tuple[str, ...] = get_args(ClaimKind)

LAYERS: tuple[str, ...] = ("entities", "quotes", "speakers", "claims")
AUTHOR = "author"
"""The claim source id of the article's own voice."""


def sha256_text(text: str) -> str:
    """Return the hex sha256 of the UTF-8 bytes of ``text``.

    Example:
        >>> sha256_text("")[:12]
        'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range of code-point offsets ``[start, end)`` into an article.

    Example:
        >>> Span(0, 4).length
        4
    """

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlap(self, other: Span) -> int:
        """Number of code points both spans cover."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def iou(self, other: Span) -> float:
        """Intersection over union of two spans (0.0 when both are empty).

        Example:
            >>> Span(0, 4).iou(Span(2, 6))
            0.3333333333333333
        """
        inter = self.overlap(other)
        union = self.length + other.length - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Entity:
    """A named mention: span, surface text, type and canonical id (null when unlinked)."""

    start: int
    end: int
    text: str
    type: EntityType
    entity_id: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Speaker:
    """Someone quoted in the article, with every name the article uses for them."""

    name: str
    entity_id: str | None = None
    aliases: tuple[str, ...] = ()
    role: str | None = None


@dataclass(frozen=True)
class Quote:
    """A quotation: content span (marks excluded), kind, speaker and cue.

    In gold, ``speaker`` is a canonical speaker id; in predictions it is a free name string that
    the scorer resolves.
    """

    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_span: Span | None = None
    cue_span: Span | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Claim:
    """A checkable proposition, its evidence spans and its source (speaker id or ``author``)."""

    text: str
    source: str
    kind: ClaimKind
    paraphrases: tuple[str, ...] = ()
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Annotation:
    """All four layers for one document: a gold file or one system's predictions.

    Example:
        >>> ann = Annotation(doc_id="d1", text_sha256=sha256_text("Hi."))
        >>> ann.entities
        ()
    """

    doc_id: str
    text_sha256: str
    entities: tuple[Entity, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    schema_version: str = SCHEMA_VERSION


@dataclass(frozen=True)
class Document:
    """An article: its id (the file stem) and its text exactly as stored.

    Example:
        >>> Document("d1", "Hi.").sha256 == sha256_text("Hi.")
        True
    """

    doc_id: str
    text: str

    @cached_property
    def sha256(self) -> str:
        return sha256_text(self.text)


@dataclass(frozen=True)
class Example:
    """A gold document: the article and its annotation."""

    document: Document
    annotation: Annotation

    @property
    def doc_id(self) -> str:
        return self.document.doc_id


@dataclass(frozen=True)
class Corpus:
    """An ordered collection of gold examples, indexable by doc id.

    Example:
        >>> doc = Document("d1", "Hi.")
        >>> corpus = Corpus((Example(doc, Annotation("d1", doc.sha256)),))
        >>> corpus["d1"].document.text, len(corpus)
        ('Hi.', 1)
    """

    examples: tuple[Example, ...]
    sha256: str = ""
    _index: dict[str, Example] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {ex.doc_id: ex for ex in self.examples})

    def __iter__(self) -> Iterator[Example]:
        return iter(self.examples)

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, doc_id: str) -> Example:
        return self._index[doc_id]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._index

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(ex.doc_id for ex in self.examples)

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(ex.document for ex in self.examples)
