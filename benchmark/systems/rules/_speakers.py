"""Speakers layer of ``rules``: who a noun phrase next to a reporting verb refers to (a name, a
title seen next to a name, a group, a pronoun carried over from the last named speaker), and
the speaker list of the annotation.
"""

from __future__ import annotations

import re

from ..._models import Quote, Span, Speaker
from .._shared import _lexicon as lex
from .._shared._text import SPACES, trim, words
from .._shared._words import load_words
from ._base import _PUNCT_TRIM, _Attribution, _entity_id, _Mention, _norm, _Person
from ._entities import _EntityLayer


class _SpeakerLayer(_EntityLayer):
    """Resolves speakers from the entity mentions (``self.people``, titles, last speaker)."""

    def _learn_titles(self) -> None:
        """Titles written next to a name: in the same capitalised run, or in apposition."""
        text = self.text
        for person, title in self._pending_titles:
            self._remember(person, text[title.start : title.end])
        for m in self.mentions:
            if m.type != "PERSON" or " " not in text[m.start : m.end]:
                continue
            left = text[max(0, m.start - 80) : m.start]
            match = re.search(
                r"((?:[Tt]he |[Hh]is |[Hh]er |[Ii]ts |[Tt]heir )?[\w’'‘. -]{2,60}?)"
                r"[,\u00a0 ]+$",
                left,
            )
            if match:
                phrase = _trim_title_phrase(match.group(1).split(",")[-1].strip())
                words_ = [w.lower().strip(".") for w in phrase.split()]
                if words_ and any(w in lex.CORE_TITLES for w in words_[-3:]) and len(words_) <= 7:
                    self._remember(m, phrase)
            right = re.match(
                r",[ \u00a0]+((?:the|a|an|its|his|her) [\w’'‘ -]{2,60}?),", text[m.end :]
            )
            if right:
                phrase = right.group(1)
                if any(w.lower() in lex.CORE_TITLES for w in phrase.split()):
                    self._remember(m, phrase)

    def _remember(self, mention: _Mention, title: str) -> None:
        person = self._person_for(mention)
        if title not in person.aliases:
            person.aliases.append(title)
        if person.role is None:
            person.role = re.sub(r"^(?:[Tt]he|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir) ", "", title)
        key = _title_key(title)
        if key:
            self.title_aliases.setdefault(key, person)
        for org in self.mentions:
            if org.type in {"ORG", "GPE"} and org.end <= mention.start:
                org_text = self.text[org.start : org.end]
                if org_text in title:
                    self.title_aliases.setdefault(f"@{org_text}", person)

    def _person_for(self, mention: _Mention) -> _Person:
        entity_id = mention.entity_id or _entity_id(self.text[mention.start : mention.end])
        for person in self.people:
            if person.entity_id == entity_id:
                return person
        full = next(
            (
                m
                for m in self.mentions
                if m.entity_id == entity_id and " " in self.text[m.start : m.end]
            ),
            mention,
        )
        person = _Person(
            self.text[full.start : full.end],
            entity_id,
            Span(mention.start, mention.end),
            is_group=mention.type != "PERSON",
        )
        self.people.append(person)
        return person

    def _person_at(self, span: Span) -> _Mention | None:
        best = None
        for m in self.mentions:
            if (
                m.type in {"PERSON", "ORG", "GPE", "NORP"}
                and span.start <= m.start
                and (m.end <= span.end)
            ) and (best is None or (m.type == "PERSON" and best.type != "PERSON")):
                best = m
        return best

    def _resolve(self, span: Span) -> _Attribution | None:
        """The speaker a noun phrase refers to (a name, a title, a group, a pronoun)."""
        text = self.text
        s, e = trim(text, span.start, span.end, _PUNCT_TRIM)
        lead = re.match(r"(?:but|and|while|as|yet|so|then)[" + SPACES + r"]+", text[s:e], re.I)
        if lead:
            s += lead.end()
        if e <= s:
            return None
        phrase = text[s:e]
        low = phrase.lower()
        if low in lex.PRONOUNS:
            if not self.opt.pronouns:
                return _Attribution(None, None, None)
            target = self.last_speaker
            if low == "they" and target is not None and not target.is_group:
                target = None
            if low != "they":
                recent = self._recent_subject(s)
                if recent is not None:
                    target = self._person_for(recent)
            return _Attribution(target.name if target else phrase, Span(s, e), None)
        if len(phrase.split()) > 9:
            return None
        mention = self._person_at(Span(s, e))
        if mention is not None and mention.type == "PERSON":
            person = self._person_for(mention)
            self._add_alias(person, text[mention.start : mention.end])
            return _Attribution(person.name, Span(mention.start, mention.end), None)
        words_ = [w.strip(".").lower() for w in re.findall(r"[\w.-]+", low)]
        is_title = any(w in lex.CORE_TITLES for w in words_)
        if mention is not None and words_ and words_[-1] in lex.GROUP_SPEAKERS:
            group = self._person_for(mention)
            self._add_alias(group, phrase)
            return _Attribution(group.name, Span(s, e), None)
        if is_title:
            key = _title_key(phrase)
            titled: _Person | None = self.title_aliases.get(key)
            if titled is None and mention is not None:
                titled = self.title_aliases.get(f"@{text[mention.start : mention.end]}")
            if (
                titled is None
                and mention is not None
                and any(w in lex.GROUP_SPEAKERS for w in words_)
            ):
                group = self._person_for(mention)
                self._add_alias(group, phrase)
                return _Attribution(group.name, Span(s, e), None)
            if titled is not None:
                self._add_alias(titled, phrase)
                return _Attribution(titled.name, Span(s, e), None)
            return _Attribution(phrase, Span(s, e), None)
        if words_ and words_[0] in ("the", "a", "an") and words_[-1] in lex.ORG_NOUNS:
            organisation = self._organisation_before(s)
            if organisation is not None:
                group = self._person_for(organisation)
                self._add_alias(group, phrase)
                return _Attribution(group.name, Span(s, e), None)
        if mention is not None and mention.type in {"ORG", "GPE"}:
            group = self._person_for(mention)
            return _Attribution(group.name, Span(mention.start, mention.end), None)
        if words_ and words_[-1] in lex.GROUP_SPEAKERS:
            return _Attribution(phrase, Span(s, e), None)
        if len(words_) == 2 and words_[0] == "the":
            for m in reversed(self.mentions):
                head = self.text[m.start : m.end].lower().split()[-1]
                if m.type == "ORG" and m.end <= s and head == words_[1]:
                    group = self._person_for(m)
                    self._add_alias(group, phrase)
                    return _Attribution(group.name, Span(s, e), None)
        return None

    def _organisation_before(self, offset: int) -> _Mention | None:
        """What ``the company`` stands for: the first organisation named earlier in its
        sentence (the reported clause's subject), else the latest one named before it."""
        text = self.text
        sent = self._sentence_of(offset)
        candidates = [
            m
            for m in self.mentions
            if m.type == "ORG"
            and m.end <= offset
            and not (text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] == ")")
        ]
        in_sentence = [m for m in candidates if m.start >= sent.start]
        if in_sentence:
            return in_sentence[0]
        return candidates[-1] if candidates else None

    def _recent_subject(self, offset: int) -> _Mention | None:
        """The first person named (outside quotations) in the nearest sentence before ``offset``."""
        passages = self._passages
        before = [sent for sent in self.sents if sent.start < offset][-3:]
        for sent in reversed(before):
            for m in self.mentions:
                if (
                    m.type == "PERSON"
                    and sent.start <= m.start < min(sent.end, offset)
                    and not any(p.open_mark < m.start < p.close_mark for p in passages)
                ):
                    return m
        return None

    def _add_alias(self, person: _Person, alias: str) -> None:
        if alias != person.name and alias not in person.aliases:
            person.aliases.append(alias)

    def _set_last(self, attribution: _Attribution) -> None:
        for person in self.people:
            if person.name == attribution.speaker:
                self.last_speaker = person
                return

    def _speaker_and_verb(self, start: int, end: int) -> _Attribution | None:
        """``SPEAKER (adverbs) VERB ...`` or ``VERB SPEAKER ...`` starting at ``start``."""
        text = self.text
        toks = [(s, e) for s, e in words(text, start, end)]
        if not toks:
            return None
        first = text[toks[0][0] : toks[0][1]].lower()
        if first in lex.REPORTING_VERBS:
            cue = Span(*toks[0])
            np_start = toks[1][0] if len(toks) > 1 else toks[0][1]
            np_end = self._np_end(np_start, end)
            resolved = self._resolve_apposition(np_start, np_end)
            if resolved is not None:
                return _Attribution(resolved.speaker, resolved.speaker_span, cue)
            return None
        for k, (s, e) in enumerate(toks[:10]):
            word = text[s:e].lower()
            if word in lex.REPORTING_VERBS and k > 0:
                np_end = toks[k - 1][1]
                # skip auxiliaries and adverbs between subject and verb
                j = k - 1
                while j > 0 and text[toks[j][0] : toks[j][1]].lower() in _AUX_ADVERBS:
                    j -= 1
                np_end = toks[j][1]
                resolved = self._resolve_apposition(start, np_end)
                if resolved is not None:
                    return _Attribution(resolved.speaker, resolved.speaker_span, Span(s, e))
                return None
            if "," in text[start:s] and not self._apposition_ok(start, s):
                return None
        return None

    def _apposition_ok(self, start: int, end: int) -> bool:
        return text_count(self.text[start:end], ",") <= 2

    def _np_end(self, start: int, end: int) -> int:
        """End of a speaker noun phrase after a postposed verb (before `at`, `on`, ...)."""
        text = self.text
        pos = start
        commas = 0
        for s, e in words(text, start, end):
            word = text[s:e]
            if word.lower() in lex.STOP_AFTER_SPEAKER and s > start:
                break
            between = text[pos:s]
            if "," in between:
                commas += 1
                if commas > 2 or not (word[:1].isupper() or word.lower() in {"the", "a", "an"}):
                    break
            pos = e
        return pos

    def _resolve_apposition(self, start: int, end: int) -> _Attribution | None:
        """Resolve ``the minister, Ana Ruiz,`` preferring the name part."""
        text = self.text
        parts = [p for p in re.finditer(r"[^,]+", text[start:end])]
        candidates = [Span(start + p.start(), start + p.end()) for p in parts]
        resolved = [self._resolve(c) for c in candidates]
        best = None
        for c, r in zip(candidates, resolved, strict=False):
            if r is None:
                continue
            mention = self._person_at(c)
            if mention is not None and mention.type == "PERSON":
                best = r
                for other in candidates:
                    if other != c:
                        phrase = text[other.start : other.end].strip()
                        if phrase and _title_key(phrase):
                            self._remember(mention, phrase)
                break
            if best is None:
                best = r
        return best

    def _speakers(self, quotes: list[Quote]) -> list[Speaker]:
        out: list[Speaker] = []
        seen: set[str] = set()
        for quote in sorted(quotes, key=lambda q: q.start):
            if quote.speaker is None or quote.speaker in seen:
                continue
            seen.add(quote.speaker)
            person = next((p for p in self.people if p.name == quote.speaker), None)
            if person is None:
                out.append(Speaker(quote.speaker, _entity_id(quote.speaker), (), None))
                continue
            aliases = tuple(a for a in dict.fromkeys(person.aliases) if a != person.name)
            surname = person.name.split()[-1]
            if " " in person.name and not person.is_group and surname not in aliases:
                aliases = (*aliases, surname)
            out.append(Speaker(person.name, person.entity_id, aliases, person.role))
        return out


_AUX_ADVERBS = load_words("rules_aux_adverbs")


def text_count(text: str, ch: str) -> int:
    return text.count(ch)


def _title_key(phrase: str) -> str:
    """The title words of a phrase, for matching ``the secretary general`` to a name's title."""
    words_ = [w for w in _norm(phrase).split() if w in lex.CORE_TITLES or w in lex.TITLE_MODIFIERS]
    heads = [w for w in words_ if w in lex.CORE_TITLES]
    return " ".join(w for w in words_ if w not in {"of", "the"}) if heads else ""


def _trim_title_phrase(phrase: str) -> str:
    """Start a title phrase at its determiner (``denounced the minister`` -> ``the minister``).

    Example:
        >>> _trim_title_phrase("which its Foreign Minister")
        'its Foreign Minister'
    """
    tokens = phrase.split()
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].lower() in {"the", "his", "her", "its", "their", "a", "an"}:
            return " ".join(tokens[i:])
    for i, token in enumerate(tokens):
        if token[:1].isupper():
            return " ".join(tokens[i:])
    return phrase
