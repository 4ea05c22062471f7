"""Quotes layer of ``rules``: direct quotes from quotation marks, attributed through a reporting
verb next to the quote, in its sentence or by the quote before; indirect and mixed quotes from
``X said (that) S``, ``S, X said``, ``…, saying S`` and ``according to X``.
"""

from __future__ import annotations

import re
from typing import Any

from ..._models import Quote, QuoteKind, Span
from .._shared import _lexicon as lex
from .._shared._text import (
    CLOSE_DOUBLE,
    CLOSE_SINGLE,
    OPEN_DOUBLE,
    OPEN_SINGLE,
    QUOTE_CHARS,
    SPACES,
    QuotedPassage,
    find_quoted_passages,
    paragraphs,
    trim,
    words,
)
from ._base import _Attribution
from ._entities import _is_date_word
from ._speakers import _AUX_ADVERBS, _SpeakerLayer


class _QuoteLayer(_SpeakerLayer):
    """Finds the quotes and attributes them through the speakers layer."""

    def _quotes(self) -> list[Quote]:
        self._learn_titles()
        passages = find_quoted_passages(self.text)
        self._passages = passages
        quotes: list[Quote] = []
        consumed: set[int] = set()
        events: list[tuple[int, str, Any]] = [(p.open_mark, "passage", p) for p in passages]
        if self.opt.indirect:
            for sent in self.sents:
                events.append((sent.start, "sentence", sent))
        events.sort(key=lambda ev: (ev[0], ev[1] != "sentence"))
        previous: tuple[QuotedPassage, _Attribution] | None = None
        for _, kind, item in events:
            if kind == "sentence":
                found = self._indirect(item, passages)
                if found is not None:
                    quote, inside = found
                    quotes.append(quote)
                    consumed.update(inside)
                continue
            passage: QuotedPassage = item
            if passage.open_mark in consumed:
                continue
            attribution = self._attribute(passage, previous)
            quotes.append(
                Quote(
                    passage.start,
                    passage.end,
                    self.text[passage.start : passage.end],
                    "direct",
                    attribution.speaker,
                    attribution.speaker_span,
                    attribution.cue_span,
                )
            )
            previous = (passage, attribution)
        return _continue_attribution(quotes, passages)

    def _attribute(
        self, passage: QuotedPassage, previous: tuple[QuotedPassage, _Attribution] | None
    ) -> _Attribution:
        text = self.text
        found = self._cue_after(passage) or self._cue_before(passage)
        if found is None:
            found = self._cue_in_sentence(passage)
        if found is None and previous is not None:
            prev_passage, prev_attr = previous
            between = text[prev_passage.close_mark + 1 : passage.open_mark]
            same_paragraph = "\n" not in between
            if prev_attr.speaker is not None and (
                prev_passage.continues
                or (same_paragraph and prev_attr.cue_span is not None)
                or (self._paragraph_is_quote(passage) and self._quote_ended_paragraph(prev_passage))
            ):
                found = prev_attr
        if found is None:
            return _Attribution(None, None, None)
        if found.speaker is not None:
            self._set_last(found)
        return found

    def _paragraph_is_quote(self, passage: QuotedPassage) -> bool:
        for para in paragraphs(self.text):
            if para.start <= passage.open_mark < para.end:
                return passage.open_mark == para.start
        return False

    def _quote_ended_paragraph(self, passage: QuotedPassage) -> bool:
        rest = self.text[passage.close_mark + 1 :].split("\n", 1)[0]
        return len(rest.split()) <= 8

    def _cue_after(self, passage: QuotedPassage) -> _Attribution | None:
        """``“…,” X said`` / ``“…,” said X`` right after the closing mark."""
        text = self.text
        if passage.continues:
            return None
        start = passage.close_mark + 1
        limit = text.find("\n", start)
        limit = len(text) if limit < 0 else limit
        nxt_open = _next_open_mark(text, start, limit)
        segment_end = min(limit, nxt_open)
        stop = re.search(r"[.!?;](?=[" + SPACES + r"]|$)|[.!?;]$", text[start:segment_end])
        if stop:
            segment_end = start + stop.start()
        seg = text[start:segment_end]
        lead = re.match(r"[" + SPACES + r",:—–-]*", seg)
        offset = start + (lead.end() if lead else 0)
        return self._speaker_and_verb(offset, segment_end)

    def _cue_before(self, passage: QuotedPassage) -> _Attribution | None:
        """``X said: “…”``, ``X said, “…”``, ``According to X, “…”``."""
        text = self.text
        sent = self._sentence_of(passage.open_mark)
        before = text[sent.start : passage.open_mark]
        match = re.search(r"(\w+)[" + SPACES + r"]*[:,]?[" + SPACES + r"]*$", before)
        if match is None:
            return None
        verb = match.group(1)
        verb_start = sent.start + match.start(1)
        if verb.lower() in lex.REPORTING_VERBS:
            resolved = self._subject_before(sent.start, verb_start)
            if resolved is not None:
                cue = Span(verb_start, verb_start + len(verb))
                return _Attribution(resolved.speaker, resolved.speaker_span, cue)
        according = re.search(r"[Aa]ccording to ([^,]+),[" + SPACES + r"]*$", before)
        if according:
            s = sent.start + according.start(1)
            resolved = self._resolve_apposition(s, sent.start + according.end(1))
            if resolved is not None:
                cue_start = sent.start + according.start()
                return _Attribution(
                    resolved.speaker, resolved.speaker_span, Span(cue_start, cue_start + 9)
                )
        return None

    def _cue_in_sentence(self, passage: QuotedPassage) -> _Attribution | None:
        """A fragment inside a sentence whose subject reports it (``X warned of “…”``)."""
        text = self.text
        sent = self._sentence_of(passage.open_mark)
        for s, e in words(text, sent.start, passage.open_mark):
            if text[s:e].lower() in lex.REPORTING_VERBS and not _inside_quote(text, sent.start, s):
                resolved = self._subject_before(sent.start, s)
                if resolved is not None:
                    return _Attribution(resolved.speaker, resolved.speaker_span, Span(s, e))
                return None
        return None

    # --- indirect and mixed quotes ------------------------------------------------------------

    def _indirect(
        self, sent: Span, passages: list[QuotedPassage]
    ) -> tuple[Quote, list[int]] | None:
        text = self.text
        body_end = sent.end
        while body_end > sent.start and text[body_end - 1] in ".!?" + SPACES:
            body_end -= 1
        if text[sent.end - 1] == "?":
            return None
        if any(p.open_mark < sent.start <= p.close_mark for p in passages):
            return None  # a sentence inside a direct quotation
        inside = [p for p in passages if sent.start <= p.open_mark < sent.end]
        found = self._postposed(sent, body_end) or self._preposed(sent, body_end)
        if found is None:
            return None
        clause, attribution = found
        s, e = clause.start, clause.end
        # skip an author connector at the start ("Instead, ...")
        lead = re.match(r"(\w+),[" + SPACES + r"]+", text[s:e])
        if lead and lead.group(1).lower() in lex.CLAUSE_STARTERS_TO_SKIP:
            s += lead.end()
        s, e = trim(text, s, e, SPACES + ",;:")
        quoted = [p for p in inside if s <= p.open_mark and p.close_mark <= e + 1]
        if quoted and len(quoted) == 1:
            p = quoted[0]
            whole = text[s:e].strip(QUOTE_CHARS + SPACES + ",.") == text[p.start : p.end].strip(
                ",. "
            )
            if whole:
                return None  # the clause is one direct quote: handled as a passage
        if any(p.open_mark < s < p.close_mark or p.open_mark < e < p.close_mark for p in inside):
            return None  # the "clause" is inside a direct quotation
        if e > s and text[e - 1] in CLOSE_DOUBLE + CLOSE_SINGLE + '"' and quoted:
            e -= 1
        s, e = trim(text, s, e, SPACES + ",;")
        if e - s < 8 or len(text[s:e].split()) < 3:
            return None
        if text[s] in OPEN_DOUBLE + OPEN_SINGLE:
            return None
        kind: QuoteKind = "mixed" if quoted else "indirect"
        if attribution.speaker is not None:
            self._set_last(attribution)
        quote = Quote(
            s,
            e,
            text[s:e],
            kind,
            attribution.speaker,
            attribution.speaker_span,
            attribution.cue_span,
        )
        return quote, [p.open_mark for p in quoted]

    def _postposed(self, sent: Span, body_end: int) -> tuple[Span, _Attribution] | None:
        """``S, X said`` / ``S, said X`` / ``S, according to X`` (``S`` may end in a quote)."""
        text = self.text
        cuts: list[tuple[int, int]] = []  # (clause end, tail start)
        for i in range(sent.start, body_end):
            ch = text[i]
            if ch == "," and text[i - 1 : i] not in CLOSE_DOUBLE + CLOSE_SINGLE + '"':
                if not _inside_quote(text, sent.start, i):
                    cuts.append((i, i + 1))
            elif (
                ch in CLOSE_DOUBLE + CLOSE_SINGLE + '"'
                and text[i + 1 : i + 2] in (" ", ",")
                and not _inside_quote(text, sent.start, i + 1)
            ):
                cuts.append((i + 1, i + 2 if text[i + 1] == "," else i + 1))
        for clause_end, tail_start in reversed(cuts):
            tail = text[tail_start:body_end]
            according = re.match(r"[" + SPACES + r"]*according to (.+)$", tail)
            if according:
                resolved = self._resolve_apposition(tail_start + according.start(1), body_end)
                if resolved is None:
                    return None
                at = tail_start + tail.index("according")
                cue = Span(at, at + 9)
                return Span(sent.start, clause_end), _Attribution(
                    resolved.speaker, resolved.speaker_span, cue
                )
            lead = re.match(r"[" + SPACES + r"]*", tail)
            offset = tail_start + (lead.end() if lead else 0)
            attribution = self._speaker_and_verb(offset, body_end)
            if attribution is None or attribution.cue_span is None:
                continue
            cue_word = text[attribution.cue_span.start : attribution.cue_span.end].lower()
            if cue_word not in lex.SAY_VERBS | lex.THAT_VERBS:
                return None
            after = attribution.cue_span.end
            if attribution.speaker_span is not None:
                after = max(after, attribution.speaker_span.end)
            rest = words(text, after, body_end)
            if rest and not (
                text[rest[0][0] : rest[0][1]].lower() in lex.STOP_AFTER_SPEAKER
                or "," in text[after : rest[0][0]]
                or _is_date_word(text[rest[0][0] : rest[0][1]])
            ):
                return None
            return Span(sent.start, clause_end), attribution
        return None

    def _preposed(self, sent: Span, body_end: int) -> tuple[Span, _Attribution] | None:
        """``X said (that) S``, ``X told Y (that) S``, ``…, saying S``, ``According to X, S``."""
        text = self.text
        according = re.match(
            r"[Aa]ccording to ([^,]{2,80}),[" + SPACES + r"]+", text[sent.start : body_end]
        )
        if according:
            resolved = self._resolve_apposition(
                sent.start + according.start(1), sent.start + according.end(1)
            )
            if resolved is not None:
                cue = Span(sent.start, sent.start + 9)
                return Span(sent.start + according.end(), body_end), _Attribution(
                    resolved.speaker, resolved.speaker_span, cue
                )
        toks = words(text, sent.start, body_end)
        for k, (s, e) in enumerate(toks):
            word = text[s:e].lower()
            if word not in lex.SAY_VERBS | lex.THAT_VERBS or _inside_quote(text, sent.start, s):
                continue
            rest = toks[k + 1 :]
            if not rest:
                return None
            nxt = text[rest[0][0] : rest[0][1]].lower()
            clause_tok = None
            if nxt == "that":
                clause_tok = 1
            else:
                that_at = next(
                    (
                        i
                        for i, (a, b) in enumerate(rest[:4])
                        if text[a:b].lower() == "that" and "," not in text[e:a]
                    ),
                    None,
                )
                if word in {"told", "tells", "tell", "telling"} and that_at is None:
                    if nxt in {"reporters", "journalists"}:
                        clause_tok = 1
                elif that_at is not None and word not in lex.SAY_VERBS:
                    clause_tok = that_at + 1
                elif word in lex.SAY_VERBS and nxt not in lex.NOT_CLAUSE_START:
                    between = text[e : rest[0][0]]
                    if between.strip(SPACES) == "":
                        clause_tok = 0
            if clause_tok is None or clause_tok >= len(rest):
                continue
            clause_start = rest[clause_tok][0]
            if text[clause_start - 1 : clause_start] in OPEN_DOUBLE + OPEN_SINGLE + '"':
                return None  # a direct quotation follows the cue
            if word == "saying":
                subject_end = self._main_verb_start(sent, s)
                resolved = (
                    self._resolve_apposition(sent.start, subject_end) if subject_end else None
                )
            else:
                resolved = self._subject_before(sent.start, s)
            if resolved is None:
                continue
            clause_end = body_end
            author_tail = re.search(
                r",[" + SPACES + r"]+but[" + SPACES + r"]+(?:he|she|they|it)\b",
                text[clause_start:body_end],
            )
            if author_tail:
                clause_end = clause_start + author_tail.start()
            return Span(clause_start, clause_end), _Attribution(
                resolved.speaker, resolved.speaker_span, Span(s, e)
            )
        return None

    def _subject_before(self, sentence_start: int, verb_start: int) -> _Attribution | None:
        """The speaker named by the clause before a reporting verb, auxiliaries and adverbs
        (``has``, ``also``) between them skipped."""
        text = self.text
        clause_start = _clause_start(text, sentence_start, verb_start)
        end = verb_start
        toks = words(text, clause_start, verb_start)
        while toks and text[toks[-1][0] : toks[-1][1]].lower() in _AUX_ADVERBS:
            end = toks[-1][0]
            toks = toks[:-1]
        return self._resolve_apposition(clause_start, end)

    def _main_verb_start(self, sent: Span, before: int) -> int | None:
        """Where the subject of the sentence ends: the first reporting verb before ``before``."""
        text = self.text
        for s, e in words(text, sent.start, before):
            if text[s:e].lower() in lex.REPORTING_VERBS:
                subject = words(text, sent.start, s)
                end = s
                while subject and (
                    text[subject[-1][0] : subject[-1][1]].lower() in _AUX_ADVERBS
                    or _is_date_word(text[subject[-1][0] : subject[-1][1]])
                ):
                    end = subject[-1][0]
                    subject = subject[:-1]
                return end
        return None


def _continue_attribution(quotes: list[Quote], passages: list[QuotedPassage]) -> list[Quote]:
    """Give each part of a multi-paragraph quote the attribution of its last part."""
    by_start = {p.start: p for p in passages}
    ordered = sorted(quotes, key=lambda q: q.start)
    for i in range(len(ordered) - 2, -1, -1):
        passage = by_start.get(ordered[i].start)
        following = ordered[i + 1]
        if passage is not None and passage.continues and following.kind == "direct":
            ordered[i] = Quote(
                ordered[i].start,
                ordered[i].end,
                ordered[i].text,
                "direct",
                following.speaker,
                following.speaker_span,
                following.cue_span,
            )
    return ordered


def _clause_start(text: str, sent_start: int, verb_start: int) -> int:
    """Start of the subject before a verb: after the last ``,``/``;``/``:``/``but`` before it,
    reaching back over an apposition (``the minister, Ana Ruiz, said``)."""
    segment = text[sent_start:verb_start]
    cut = 0
    for match in re.finditer(r"[;:()]|\b(?:but|and|while|yet) ", segment):
        cut = match.end()
    parts = [m.start() for m in re.finditer(",", segment[cut:])]
    if not parts:
        return sent_start + cut
    starts = [cut] + [cut + p + 1 for p in parts]
    chosen = len(starts) - 1
    while chosen > 0 and not segment[starts[chosen] :].strip(SPACES + ","):
        chosen -= 1
    # "X, the minister, said": the last part is an apposition of the one before
    if chosen > 0 and len(segment[starts[chosen] :].split()) <= 6:
        previous = segment[starts[chosen - 1] : starts[chosen]].strip(SPACES + ",")
        if previous and previous[:1].isupper() and len(previous.split()) <= 4:
            chosen -= 1
    return sent_start + starts[chosen]


def _inside_quote(text: str, start: int, offset: int) -> bool:
    """True when ``offset`` sits inside a quotation opened after ``start``."""
    segment = text[start:offset]
    opens = sum(segment.count(c) for c in OPEN_DOUBLE)
    closes = sum(segment.count(c) for c in CLOSE_DOUBLE)
    return opens > closes or segment.count('"') % 2 == 1


def _next_open_mark(text: str, start: int, limit: int) -> int:
    for i in range(start, limit):
        if text[i] in OPEN_DOUBLE or (
            text[i] in OPEN_SINGLE + '"' and i > 0 and text[i - 1] in SPACES
        ):
            return i
    return limit
