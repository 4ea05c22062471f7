"""Entities layer of ``rules``: capitalised runs and dates, typed by generic cues and linked
across mentions (a surname joins its full name) with kebab-case ids.
"""

from __future__ import annotations

import re
from collections import Counter

from ..._models import Span
from .._shared import _lexicon as lex
from .._shared._text import DATELINE, DATELINE_LABELS, SPACES, paragraphs
from .._shared._words import load_words
from ._base import _entity_id, _ExtractorBase, _Mention


class _EntityLayer(_ExtractorBase):
    """Finds and links the entity mentions (``self.mentions``)."""

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
            for group, label in DATELINE_LABELS:
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


_DETERMINERS = load_words("rules_determiners")


_FUNCTION_AFTER = load_words("rules_function_after")


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
