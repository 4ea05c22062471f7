"""Core records of the interchange format: one article's entities, speakers, quotes and claims.

The records that files hold (:class:`Span`, :class:`Entity`, :class:`Speaker`, :class:`Quote`,
:class:`Claim`, :class:`Annotation`) are frozen, hashable ``msgspec`` structs: the same classes
decode annotation files strictly (unknown fields, wrong types and out-of-range offsets are
refused), encode them, and generate the JSON Schema (:mod:`benchmark._schema`). List fields of
the JSON format are tuples here. :class:`Document`, :class:`Example` and :class:`Corpus` are
in-memory records (frozen dataclasses), never files of their own.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal, get_args

import msgspec

SCHEMA_VERSION: Literal["1.0"] = "1.0"

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC"]
QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimKind = Literal["fact", "statement", "warning", "plan", "opinion"]

ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
QUOTE_KINDS: tuple[str, ...] = get_args(QuoteKind)
CLAIM_KINDS: tuple[str, ...] = get_args(ClaimKind)

LAYERS: tuple[str, ...] = ("entities", "quotes", "speakers", "claims")
AUTHOR = "author"
"""The claim source id of the article's own voice."""

MAX_OFFSET = 2**31 - 1
"""The largest offset a file may hold (articles are far smaller: see ``MAX_FILE_BYTES``)."""

Offset = Annotated[int, msgspec.Meta(ge=0, le=MAX_OFFSET)]
"""A code-point offset into an article: an integer in ``[0, 2**31)``, never a float or bool."""


def sha256_text(text: str) -> str:
    """Return the hex sha256 of the UTF-8 bytes of ``text``.

    Example:
        >>> sha256_text("")[:12]
        'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Base of every record a file holds: immutable, hashable, unknown fields refused."""


class Span(Record, frozen=True, order=True):
    """A half-open code-point range [start, end).

    Example:
        >>> Span(0, 4).length
        4
    """

    start: Offset
    end: Offset

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


class Entity(Record, frozen=True):
    """A named mention. Offsets are code-point indices, end exclusive; entity_id is the
    kebab-case canonical id shared by every mention of one real-world entity (null: unlinked)."""

    start: Offset
    end: Offset
    text: str
    type: EntityType
    entity_id: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


class Speaker(Record, frozen=True):
    """Someone quoted, with the names and titles the article uses for them."""

    name: str
    entity_id: str | None = None
    aliases: tuple[str, ...] = ()
    role: str | None = None


class Quote(Record, frozen=True):
    """A quotation's content span (quotation marks excluded), kind, speaker and cue.

    In gold, ``speaker`` is a canonical speaker id; in predictions it is a free name string that
    the scorer resolves.
    """

    start: Offset
    end: Offset
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_span: Span | None = None
    cue_span: Span | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


class Claim(Record, frozen=True):
    """A checkable proposition with evidence spans and a source (speaker id or ``author``)."""

    text: str
    source: str
    kind: ClaimKind
    paraphrases: tuple[str, ...] = ()
    evidence: tuple[Span, ...] = ()


class _Versioned(msgspec.Struct, frozen=True, kw_only=True):
    schema_version: Literal["1.0"] = SCHEMA_VERSION


class Annotation(_Versioned, Record, frozen=True):
    """One document's annotations (gold) or predictions, in all four layers.

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

    @cached_property
    def inner_offsets(self) -> frozenset[int]:
        """Offsets inside a character: before a combining mark or a low surrogate (no span may
        start or end there).

        Example:
            >>> sorted(Document("d", "cafe\u0301 ok").inner_offsets)
            [4]
        """
        if self.text.isascii():
            return frozenset()
        return frozenset(
            i
            for i, char in enumerate(self.text)
            if i > 0
            and not char.isascii()
            and (unicodedata.combining(char) or "\udc00" <= char <= "\udfff")
        )


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
