"""Claims layer of ``rules``: sentences outside web boilerplate and questions; quoted sentences
belong to the quote's speaker, the rest to ``author``.
"""

from __future__ import annotations

from ..._models import AUTHOR, Claim, ClaimKind, Quote, Span
from .._shared import _lexicon as lex
from .._shared._text import QUOTE_CHARS, SPACES, paragraphs, sentences, trim
from .._shared._words import load_pattern
from ._base import _norm
from ._quotes import _QuoteLayer


class _ClaimLayer(_QuoteLayer):
    """Turns sentences and quotes into claims."""

    def _claims(self, quotes: list[Quote]) -> list[Claim]:
        text = self.text
        claims: dict[str, Claim] = {}
        boiler = self._boilerplate()
        for sent in self.sents:
            if any(b.start <= sent.start < b.end for b in boiler):
                continue
            sentence = text[sent.start : sent.end]
            if sentence.rstrip(QUOTE_CHARS + SPACES).endswith("?"):
                continue
            inside = [q for q in quotes if q.start < sent.end and q.end > sent.start]
            if inside:
                for quote in inside:
                    source = quote.speaker or AUTHOR
                    pieces = sentences(text, quote.span) if quote.kind == "direct" else [quote.span]
                    for piece in pieces:
                        outside = piece.start < sent.start or piece.start >= sent.end
                        if outside and quote.start < sent.start:
                            continue
                        self._add_claim(claims, piece, source)
                continue
            self._add_claim(claims, sent, AUTHOR)
        return list(claims.values())

    def _add_claim(self, claims: dict[str, Claim], span: Span, source: str) -> None:
        text = self.text
        s, e = trim(text, span.start, span.end, SPACES + QUOTE_CHARS)
        words_ = text[s:e].split()
        if len(words_) < self.opt.min_claim_words:
            return
        claim_text = text[s:e].rstrip(".,;: ")
        key = _norm(claim_text)
        if key in claims:
            old = claims[key]
            if all(ev != Span(s, e) for ev in old.evidence):
                claims[key] = Claim(
                    old.text, old.source, old.kind, old.paraphrases, (*old.evidence, Span(s, e))
                )
            return
        claims[key] = Claim(claim_text, source, _claim_kind(claim_text, source), (), (Span(s, e),))

    def _boilerplate(self) -> list[Span]:
        out = []
        for para in paragraphs(self.text):
            chunk = self.text[para.start : para.end]
            low = chunk.lower()
            if (
                len(chunk.split()) < 4
                or any(low.startswith(b) for b in lex.WEB_BOILERPLATE)
                or any(p.start == para.start for p in self._title_case_paragraphs())
            ):
                out.append(para)
        return out


_KIND_WORDS = {kind: load_pattern(f"rules_{kind}_cues") for kind in ("plan", "warning", "opinion")}


def _claim_kind(text: str, source: str) -> ClaimKind:
    kinds: tuple[ClaimKind, ...] = ("warning", "plan", "opinion")
    for kind in kinds:
        if _KIND_WORDS[kind].search(text):
            return kind
    return "fact" if source == AUTHOR else "statement"
