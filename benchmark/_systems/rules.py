"""``rules``: a deterministic regex-and-lexicon baseline (no model, no gazetteer of names).

- **entities**: runs of capitalised tokens (with connectors such as ``of``/``de``/``van``),
  titles split off (``Foreign Minister Ana Ruiz`` -> PERSON ``Ana Ruiz``), typed by generic cues
  (titles -> PERSON, organisation suffixes and acronyms -> ORG, ``in/from/to X`` -> GPE,
  nationality suffixes -> NORP, continents/oceans -> LOC, calendar words -> DATE), linked across
  mentions (a surname joins its full name) with kebab-case ids.
- **quotes**: quotation marks of every convention (see :mod:`._text`), attributed through a
  reporting verb next to the quote (``“…,” X said``, ``said X``, ``X said: “…”``,
  ``according to X``), else the subject of a reporting verb in the same sentence, else the speaker
  of the quote just before (a quote split by its cue, a multi-paragraph quote). Indirect quotes
  (``X said (that) S``, ``S, X said``, ``…, saying S``, ``according to X, S``) and mixed ones
  (the same with a quoted fragment inside).
- **speakers**: names, titles (resolved through titles seen next to a name) and pronouns carried
  over from the last named speaker.
- **claims**: sentences outside web boilerplate and questions; quoted sentences belong to the
  quote's speaker, the rest to ``author``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._models import (
    AUTHOR,
    Annotation,
    Claim,
    ClaimKind,
    Document,
    Entity,
    Quote,
    QuoteKind,
    Span,
    Speaker,
)
from . import _lexicon as lex
from ._text import (
    CLOSE_DOUBLE,
    CLOSE_SINGLE,
    DATELINE,
    OPEN_DOUBLE,
    OPEN_SINGLE,
    QUOTE_CHARS,
    SPACES,
    QuotedPassage,
    find_quoted_passages,
    kebab,
    paragraphs,
    sentences,
    trim,
    words,
)

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


class RulesSystem:
    """The regex-and-lexicon baseline.

    Args:
        pronouns: resolve ``he``/``she``/``they`` to the last named speaker (else no speaker).
        indirect: also extract indirect and mixed quotes.
        claims: extract sentence claims.
        min_claim_words: the shortest sentence kept as a claim.

    Example:
        >>> doc = Document("d", "“We will win,” Ana Ruiz said in Lisbon on Monday.")
        >>> ann = RulesSystem().extract(doc)
        >>> [(q.text, q.speaker) for q in ann.quotes]
        [('We will win,', 'Ana Ruiz')]
        >>> sorted((e.text, e.type) for e in ann.entities)
        [('Ana Ruiz', 'PERSON'), ('Lisbon', 'GPE'), ('Monday', 'DATE')]
    """

    name = "rules"
    version = "2"
    offline = True

    def __init__(
        self,
        pronouns: bool = True,
        indirect: bool = True,
        claims: bool = True,
        min_claim_words: int = 5,
    ) -> None:
        self.pronouns = bool(pronouns)
        self.indirect = bool(indirect)
        self.claims = bool(claims)
        self.min_claim_words = int(min_claim_words)
        self.config: Mapping[str, Any] = {
            "pronouns": self.pronouns,
            "indirect": self.indirect,
            "claims": self.claims,
            "min_claim_words": self.min_claim_words,
        }

    def extract(self, document: Document) -> Annotation:
        """Entities, speakers, quotes and claims of one article."""
        return _Extractor(document, self).run()


class _Extractor:
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

    # --- pipeline ------------------------------------------------------------------------------

    def run(self) -> Annotation:
        self._entities()
        quotes = self._quotes()
        speakers = self._speakers(quotes)
        claims = self._claims(quotes) if self.opt.claims else []
        entities = tuple(
            Entity(m.start, m.end, self.text[m.start : m.end], m.type, m.entity_id)  # type: ignore[arg-type]
            for m in sorted(self.mentions, key=lambda m: (m.start, m.end))
        )
        return Annotation(
            doc_id=self.doc.doc_id,
            text_sha256=self.doc.sha256,
            entities=entities,
            speakers=tuple(speakers),
            quotes=tuple(sorted(quotes, key=lambda q: (q.start, q.end))),
            claims=tuple(claims),
        )

    # --- sentences and context -------------------------------------------------------------------

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

    # --- entities --------------------------------------------------------------------------------

    def _entities(self) -> None:
        dates = list(_find_dates(self.text))
        taken = [Span(s, e) for s, e in dates]
        self.mentions = [_Mention(s, e, "DATE", True) for s, e in dates]
        title_case_lines = self._title_case_paragraphs()
        capitalised_elsewhere = Counter(
            self.text[s:e]
            for s, e in self.tokens
            if self.text[s][:1].isupper()
            and not self._is_initial(s)
            and not any(p.start <= s < p.end for p in title_case_lines)
        )
        for run in self._runs():
            if any(Span(run[0][0], run[-1][1]).overlap(t) for t in taken):
                continue
            in_title_line = any(p.start <= run[0][0] < p.end for p in title_case_lines)
            for mention in self._type_run(run, capitalised_elsewhere, in_title_line):
                self.mentions.append(mention)
        self._link()

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

    def _runs(self) -> list[list[tuple[int, int]]]:
        """Maximal runs of capitalised tokens joined by single spaces and connectors."""
        runs: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        pending: list[tuple[int, int]] = []  # connectors waiting for a capitalised token
        text = self.text
        for s, e in self.tokens:
            tok = text[s:e]
            capital = tok[:1].isupper()
            last = (pending or current)[-1] if (pending or current) else None
            gap = text[last[1] : s] if last else ""
            joined = last is not None and (
                (gap in (" ", "\u00a0"))
                or (gap == ") " and len(current) == 1 and text[current[0][0] - 1] == "(")
                or (gap in (". ", ".\u00a0") and _is_title_abbrev(text[last[0] : last[1]]))
            )
            if capital and current and joined:
                current.extend(pending)
                current.append((s, e))
                pending = []
            elif not capital and current and joined and tok in lex.CONNECTORS and not pending:
                pending = [(s, e)]
            else:
                if current:
                    runs.append(current)
                current = [(s, e)] if capital and not tok.isdigit() else []
                pending = []
        if current:
            runs.append(current)
        return runs

    def _type_run(
        self,
        run: list[tuple[int, int]],
        elsewhere: Counter[str],
        in_title_line: bool,
    ) -> list[_Mention]:
        text = self.text
        toks = [text[s:e] for s, e in run]
        # leading sentence-initial function words ("The", "But") and titles are not names
        while run and (
            toks[0].lower() in _DETERMINERS
            or toks[0].lower() in lex.CONNECTORS
            or (
                toks[0].lower() in lex.COMMON_WORDS
                and toks[0].lower() not in lex.PLACE_PREFIXES
                and self._is_initial(run[0][0])
            )
        ):
            run, toks = run[1:], toks[1:]
        while run and toks[-1].lower() in lex.CONNECTORS:
            run, toks = run[:-1], toks[:-1]
        if not run:
            return []
        lowered = [t.lower().rstrip(".") for t in toks]
        title_at = [i for i, t in enumerate(lowered) if t in lex.CORE_TITLES]
        if title_at:
            first, last = title_at[0], title_at[-1]
            while first > 0 and lowered[first - 1] in lex.TITLE_MODIFIERS:
                first -= 1
            after = last + 1
            while after < len(toks) and (
                lowered[after] in lex.TITLE_MODIFIERS or lowered[after] in lex.CONNECTORS
            ):
                after += 1
            out: list[_Mention] = []
            if first > 0:
                out += self._type_run(run[:first], elsewhere, in_title_line)
            if after < len(toks):
                name = run[after:]
                mention = _Mention(name[0][0], name[-1][1], "PERSON", True)
                out.append(mention)
                self._note_title(mention, Span(run[0][0], run[after - 1][1]))
            return out
        start, end = run[0][0], run[-1][1]
        if ")" in text[start:end] and text[start - 1 : start] == "(":
            start -= 1  # an editorial bracket inside a name: "(Ana) Ruiz"
        surface = text[start:end]
        single = len(run) == 1
        if single and self._is_initial(start):
            word = toks[0]
            if (
                word.lower() in lex.COMMON_WORDS
                or word.lower() in self.lower_words
                or (
                    not elsewhere[word]
                    and not _is_acronym(word)
                    and not self._followed_by_verb(end)
                )
            ):
                return []
        if single and toks[0].lower() in lex.COMMON_WORDS and not _is_acronym(toks[0]):
            return []
        if in_title_line and not all(elsewhere[t] or _is_acronym(t) for t in toks):
            return []
        kind, strong = self._type_of(run, toks, lowered, surface, start, end)
        return [_Mention(start, end, kind, strong)]

    def _dateline_type(self, start: int, end: int) -> str | None:
        """GPE for the place and ORG for the agency of a paragraph-opening dateline."""
        for para in paragraphs(self.text):
            if para.start > start:
                break
            match = DATELINE.match(self.text, para.start)
            if match is None or match.end() <= start:
                continue
            for group, label in (("city", "GPE"), ("region", "GPE"), ("agency", "ORG")):
                if match.group(group) and match.start(group) <= start and end <= match.end(group):
                    return label
        return None

    def _followed_by_verb(self, end: int) -> bool:
        return self._next_word(end).lower() in lex.REPORTING_VERBS

    def _type_of(
        self,
        run: list[tuple[int, int]],
        toks: list[str],
        lowered: list[str],
        surface: str,
        start: int,
        end: int,
    ) -> tuple[str, bool]:
        prev = self._prev_word(start).lower()
        nxt = self._next_word(end)
        dateline = self._dateline_type(start, end)
        if dateline is not None:
            return dateline, True
        if len(toks) > 1 and re.search(
            r"\baccording to\s*$", self.text[max(0, start - 20) : start]
        ):
            return "PERSON", True
        if prev in lex.CORE_TITLES or prev in {"mr", "mrs", "ms", "dr"}:
            return "PERSON", True
        if lowered[-1] in lex.ORG_SUFFIXES or (len(toks) > 1 and lowered[0] in lex.ORG_HEADS):
            return "ORG", True
        if len(toks) == 1 and _is_acronym(toks[0]):
            return ("GPE" if toks[0] in lex.GPE_ACRONYMS else "ORG"), True
        if lowered[-1] in lex.LOC_WORDS or lowered[0] in lex.LOC_WORDS:
            return "LOC", True
        if len(toks) == 1:
            word = toks[0]
            if "-" in word and all(p[:1].isupper() for p in word.split("-")) and nxt.islower():
                return "MISC", True
            if _looks_nationality(word) and (
                (nxt.islower() and nxt.lower() not in _FUNCTION_AFTER) or word.endswith("s")
            ):
                return "NORP", True
        if len(toks) > 1 and lowered[0] in lex.PLACE_PREFIXES:
            return "GPE", True
        if prev in lex.PLACE_PREPOSITIONS:
            return "GPE", True
        if re.match(r"[" + SPACES + r"]*,[" + SPACES + r"]*\w+", self.text[end : end + 3]) and (
            prev in lex.PLACE_PREPOSITIONS or self._prev_word(start).lower() == "based"
        ):
            return "GPE", True
        if nxt.lower() in lex.REPORTING_VERBS and len(toks) <= 3:
            return "PERSON", len(toks) > 1
        if len(toks) > 1:
            return "PERSON", False
        return "GPE", False

    def _note_title(self, person: _Mention, title: Span) -> None:
        self._pending_titles.append((person, title))

    def _link(self) -> None:
        """Give mentions ids: a surname joins its full name, equal strings share one id/type."""
        text = self.text
        self.mentions = _drop_overlaps(self.mentions)
        full_names: dict[str, _Mention] = {}
        for m in self.mentions:
            if m.type == "PERSON" and " " in text[m.start : m.end].strip():
                surname = text[m.start : m.end].split()[-1]
                full_names.setdefault(surname, m)
        votes: dict[str, Counter[str]] = {}
        for m in self.mentions:
            if m.strong and m.type != "DATE":
                votes.setdefault(text[m.start : m.end], Counter())[m.type] += 1
        org_short = {
            text[m.start : m.end].split()[0]: m
            for m in self.mentions
            if m.type == "ORG"
            and m.strong
            and " " in text[m.start : m.end].strip()
            and text[m.start : m.end].split()[-1].lower() in lex.ORG_SUFFIXES
        }
        for m in self.mentions:
            surface = text[m.start : m.end]
            if m.type == "DATE":
                continue
            short = org_short.get(surface)
            if short is not None and short is not m and m.type in ("GPE", "PERSON"):
                m.type, m.strong = "ORG", True
                m.entity_id = _entity_id(text[short.start : short.end])
                continue
            full = full_names.get(surface)
            if full is not None and full is not m:
                m.type, m.strong = "PERSON", True
                m.entity_id = _entity_id(text[full.start : full.end])
                continue
            if not m.strong and surface in votes:
                m.type = votes[surface].most_common(1)[0][0]
            m.entity_id = _entity_id(surface)

    # --- quotes ----------------------------------------------------------------------------------

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

    def _set_last(self, attribution: _Attribution) -> None:
        for person in self.people:
            if person.name == attribution.speaker:
                self.last_speaker = person
                return

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
            clause_start = _clause_start(text, sent.start, verb_start)
            j_end = verb_start
            toks = words(text, clause_start, verb_start)
            while toks and text[toks[-1][0] : toks[-1][1]].lower() in _AUX_ADVERBS:
                j_end = toks[-1][0]
                toks = toks[:-1]
            resolved = self._resolve_apposition(clause_start, j_end)
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
                clause_start = _clause_start(text, sent.start, s)
                toks = words(text, clause_start, s)
                end = s
                while toks and text[toks[-1][0] : toks[-1][1]].lower() in _AUX_ADVERBS:
                    end = toks[-1][0]
                    toks = toks[:-1]
                resolved = self._resolve_apposition(clause_start, end)
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
                subject_start = _clause_start(text, sent.start, s)
                j_end = s
                before = words(text, subject_start, s)
                while before and text[before[-1][0] : before[-1][1]].lower() in _AUX_ADVERBS:
                    j_end = before[-1][0]
                    before = before[:-1]
                resolved = self._resolve_apposition(subject_start, j_end)
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

    # --- speakers and claims -------------------------------------------------------------------

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


# --- module helpers ----------------------------------------------------------------------------

_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "still",
        "meanwhile",
        "instead",
        "however",
    ]
)

_AUX_ADVERBS = frozenset(
    [
        "has",
        "have",
        "had",
        "also",
        "already",
        "again",
        "then",
        "later",
        "further",
        "repeatedly",
        "once",
        "is",
        "was",
        "will",
        "would",
        "has",
        "also",
        "just",
        "recently",
        "previously",
        "on",
        "wednesday",
    ]
)

_FUNCTION_AFTER = frozenset(
    [
        "and",
        "or",
        "but",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "said",
        "says",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "that",
        "which",
        "who",
        "as",
        "than",
    ]
)


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


def text_count(text: str, ch: str) -> int:
    return text.count(ch)


def _is_title_abbrev(token: str) -> bool:
    return token.lower() in {"mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "prof", "st"} or (
        len(token) == 1 and token.isupper()
    )


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def _looks_nationality(word: str) -> bool:
    low = word.lower()
    return bool(re.search(r"(?:ians?|eans?|ese|ish|ans?|ic|i|ch)$", low)) and not _is_acronym(word)


def _is_date_word(word: str) -> bool:
    return word.lower() in lex.WEEKDAYS or word.lower() in lex.MONTHS


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


def _drop_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    kept: list[_Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER_WORD = r"(?:a few|a couple of|several|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_DATE_PATTERNS = [
    rf"\b{_WEEKDAY}(?:,? {_MONTH} \d{{1,2}}(?:,? \d{{4}})?)?\b",
    rf"\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?(?!\w)",
    rf"\b\d{{1,2}} {_MONTH}(?: \d{{4}})?(?!\w)",
    rf"\b(?:in|In|of|since|Since|until|by|from|early|late|mid|last|next|this) "
    rf"(?P<d>{_MONTH}(?: \d{{4}})?)(?!\w)",
    rf"\b(?!May\b){_MONTH}(?: \d{{4}})?(?!\w)",
    r"\b(?:in|In|since|Since|until|by|of|from|to|early|late|mid|before|after) "
    r"(?P<d>(?:the )?(?:1[89]|20)\d\d(?:s)?)\b",
    r"\b(?:last|this|next|past|coming) "
    r"(?:week|month|year|weekend|decade|century|spring|summer|autumn|winter)\b",
    r"\b(?:yesterday|today|tomorrow|tonight|Yesterday|Today|Tomorrow)\b",
    rf"\b{_NUMBER_WORD} (?:days|weeks|months|years|decades)\b",
    r"\bthe (?P<d>spring|summer|autumn|winter)\b",
]
_DATE_RES = [re.compile(p) for p in _DATE_PATTERNS]


def _find_dates(text: str) -> list[tuple[int, int]]:
    """DATE spans: weekdays, months with day/year, years after a preposition, relative dates.

    Example:
        >>> text = "On Monday, April 5, 2023, and last week, two days later, in 1999."
        >>> [text[s:e] for s, e in _find_dates(text)]
        ['Monday, April 5, 2023', 'last week', 'two days', '1999']
    """
    found: list[tuple[int, int]] = []
    for pattern in _DATE_RES:
        for match in pattern.finditer(text):
            found.append(match.span("d") if match.groupdict().get("d") else match.span())
    spans: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda se: (se[0], -se[1])):
        if spans and s < spans[-1][1]:
            continue
        spans.append((s, e))
    return spans


_KIND_WORDS = {
    "plan": re.compile(
        r"\b(?:will|plans?|planned|agreed to|promised?|intends?|aims? to|to start|pledged?)\b", re.I
    ),
    "warning": re.compile(
        r"\b(?:warn\w*|mistake|consequences?|threat\w*|danger\w*|risk\w*|concern)\b", re.I
    ),
    "opinion": re.compile(
        r"\b(?:must|should|hope|believe|critical|important|need to|think|wish)\b", re.I
    ),
}


def _claim_kind(text: str, source: str) -> ClaimKind:
    kinds: tuple[ClaimKind, ...] = ("warning", "plan", "opinion")
    for kind in kinds:
        if _KIND_WORDS[kind].search(text):
            return kind
    return "fact" if source == AUTHOR else "statement"
