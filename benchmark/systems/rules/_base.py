"""The state the layers of the ``rules`` extractor share: the document, its sentences and
tokens, the entity mentions and the people found so far, and small context helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..._models import Document, Span
from .._shared import _lexicon as lex
from .._shared._text import QUOTE_CHARS, SPACES, QuotedPassage, kebab, paragraphs, sentences, words

if TYPE_CHECKING:
    from ._system import RulesSystem


_PUNCT_TRIM = SPACES + ",.;:!?" + QUOTE_CHARS


def _entity_id(name: str) -> str:
    """The kebab-case id of a name, never empty."""
    return kebab(name) or "x"


def _norm(phrase: str) -> str:
    """Lowercase words of a phrase without determiners, possessives and hyphens."""
    phrase = re.sub(r"['’‘]s\b", "", phrase.lower()).replace("-", " ")
    kept = [w for w in re.findall(r"\w+", phrase) if w not in {"the", "a", "an", "his", "her"}]
    return " ".join(kept)


@dataclass
class _Mention:
    start: int
    end: int
    type: str
    strong: bool  # typed by a local cue (not a default)
    entity_id: str | None = None


@dataclass
class _Person:
    """A person or group as the document names it, for speaker resolution."""

    name: str
    entity_id: str
    span: Span
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    is_group: bool = False


@dataclass
class _Attribution:
    speaker: str | None
    speaker_span: Span | None
    cue_span: Span | None


def _split_glued(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split tokens glued by a lost space (``PortoLisbon``) at the inner capital."""
    out = []
    for s, e in tokens:
        tok = text[s:e]
        match = re.fullmatch(r"([A-Z][a-z]{3,})([A-Z][a-z]{3,})", tok)
        if match and not tok.startswith(("Mc", "Mac")):
            out += [(s, s + match.end(1)), (s + match.end(1), e)]
        else:
            out.append((s, e))
    return out


class _ExtractorBase:
    """The document being read and what the layers found so far."""

    def __init__(self, document: Document, options: RulesSystem) -> None:
        self.doc = document
        self.text = document.text
        self.opt = options
        self.sents = sentences(self.text)
        self.tokens = _split_glued(self.text, words(self.text))
        self.lower_words = {self.text[s:e] for s, e in self.tokens if self.text[s:e][:1].islower()}
        self.mentions: list[_Mention] = []
        self.people: list[_Person] = []
        self.title_aliases: dict[str, _Person] = {}
        self._pending_titles: list[tuple[_Mention, Span]] = []
        self._passages: list[QuotedPassage] = []
        self.last_speaker: _Person | None = None

    def _sentence_of(self, offset: int) -> Span:
        for sent in self.sents:
            if sent.start <= offset < sent.end:
                return sent
        return Span(offset, offset)

    def _is_initial(self, offset: int) -> bool:
        sent = self._sentence_of(offset)
        prefix = self.text[sent.start : offset]
        return all(ch in SPACES + QUOTE_CHARS + "([-—–" for ch in prefix)

    def _prev_word(self, offset: int) -> str:
        match = re.search(r"(\w+)[" + SPACES + r"(\[]+$", self.text[max(0, offset - 40) : offset])
        return match.group(1) if match else ""

    def _next_word(self, offset: int) -> str:
        match = re.match(r"[" + SPACES + r"]+([\w-]+)", self.text[offset : offset + 40])
        return match.group(1) if match else ""

    def _title_case_paragraphs(self) -> list[Span]:
        out = []
        for para in paragraphs(self.text):
            toks = [self.text[s:e] for s, e in words(self.text, para.start, para.end)]
            if not toks:
                continue
            caps = sum(1 for t in toks if t[:1].isupper() or t.lower() in lex.CONNECTORS)
            ends_sentence = self.text[para.end - 1] in '.!?”"’'
            if len(toks) <= 12 and caps / len(toks) > 0.6 and not ends_sentence:
                out.append(para)
        return out
