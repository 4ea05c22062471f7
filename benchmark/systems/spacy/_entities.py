"""Entities of the ``spacy`` system: the NER's mentions, cleaned, completed by patterns,
typed by their context, one type per surface form, linked within the document."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..._models import EntityType
from .._shared._lexicon import COMMON_WORDS, CONNECTORS, GPE_ACRONYMS, MONTHS, WEEKDAYS
from .._shared._text import DATELINE_LABELS, SPACES, kebab, trim
from .._shared._words import load_words
from ._gazetteer import place_names
from ._lexicon import (
    COMPETITION_ENDS,
    CREDIT_LABELS,
    DATELINE,
    EVENT_HEADS,
    EVENT_TAILS,
    INSTITUTION_HEADS,
    KIN_NOUNS,
    LEADING_DROP,
    NAME_TITLES,
    NEWSPAPER_HEADS,
    ORG_HEAD_JOINED,
    ORG_HEAD_LAST,
    ORG_NOUNS,
    ORG_OF,
    ORG_SUFFIX,
    PERSON_HONORIFICS,
    PERSON_NOUNS,
    PLACE_HEADS,
    PLACE_QUALIFIERS,
    POSSESSIVE_ENDINGS,
    REPORTING_VERBS,
    SHARE_PLATFORMS,
    SITE_SECTIONS,
)

LABEL_MAP: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "DATE": "DATE",
    "EVENT": "EVENT",
    "LAW": "MISC",
    "WORK_OF_ART": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "MISC",
}


_TITLE_WORDS = frozenset({t.strip(".") for t in NAME_TITLES} | PERSON_HONORIFICS)
"""Words of a title or an honorific, without their final period (``dr``, ``minister``)."""
_EDGE_OPEN = "\"“”‘’'«»„([{</|"


_EDGE_CLOSE = "\"“”‘’'«»,;:!?)]}>/|"


_DATE_KEEP = re.compile(
    r"\b(1[0-9]|20)\d\d(s|\b)|\b\d{1,2}(st|nd|rd|th)\b|today|yesterday|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|fall|winter|week|month|year|decade|century|day",
    re.IGNORECASE,
)


_DATE_PREFIX = re.compile(
    r"^((the )?(end|beginning|start|middle|course|rest) of (the )?|(later|earlier) |"
    r"(just|only|about|around|nearly|almost|some|over|within|since|until|during|on|in|at|by) |"
    r"\d{1,2}[:.]\d\d(?: ?[ap]\.?m\.?)?,? |(no )?(more|less|fewer) than |(at )?least |every |"
    r"between |ending |(the )?(year|period|quarter|half[- ]year) ended )",
    re.IGNORECASE,
)


_NOT_DATE = re.compile(r"^(multi|long|short|mid|year|day|month|week)[-\w]*$|^\w+ly$", re.I)


_AGE = re.compile(r"\w+-year-old|\d+ years? old\b|\baged\b|\bbetween \d+ and \d+\b", re.IGNORECASE)


"""Ages the model tags DATE (``a 23-year-old man``, ``aged between 40 and 70``): not dates."""


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass
class _Mention:
    start: int
    end: int
    type: EntityType
    text: str
    entity_id: str | None = None
    decided: bool = False  # typed by the context (a ticker, an apposition), which overrules NER


def _clean_edges(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Strip a leading article, possessive endings, outer punctuation and unbalanced brackets."""
    for _ in range(4):
        before = (start, end)
        start, end = trim(text, start, end)
        first_word = re.match(r"\w+", text[start:end])
        dropped = LEADING_DROP if label != "DATE" else {"the"}
        if first_word and first_word.group().lower() in dropped and end - start > 4:
            rest = start + first_word.end()
            if rest < end and text[rest] in SPACES:
                start = rest
        for ending in POSSESSIVE_ENDINGS:
            if text[start:end].endswith(ending) and end - start > len(ending) + 1:
                if ending in ("’", "'") and not text[start:end].endswith(("s’", "s'")):
                    continue
                end -= len(ending)
                break
        while start < end and text[start] in _EDGE_OPEN:
            if text[start] == "(" and ")" in text[start:end]:
                break
            start += 1
        while end > start and text[end - 1] in _EDGE_CLOSE:
            if text[end - 1] == ")" and "(" in text[start : end - 1]:
                break
            end -= 1
        if end > start and text[end - 1] == "." and label != "DATE":
            last_word = text[start:end].split()[-1]
            if not (last_word.count(".") > 1 or len(last_word) <= 4):
                end -= 1
        trailing = re.search(r"\s(?:and|&|of|for|the)$", text[start:end])
        if trailing and label != "DATE":
            end = start + trailing.start()  # ``Ann Lee and`` before a name the model missed
        if label == "DATE":
            prefix = _DATE_PREFIX.match(text[start:end])
            if prefix and prefix.end() < end - start:
                start += prefix.end()
        if (start, end) == before:
            break
    return start, end


def _person_tokens(span: Any) -> tuple[int, int] | None:
    """Char range of a PERSON span without leading titles and trailing non-name words."""
    tokens = list(span)
    while len(tokens) > 1 and tokens[0].lower_.strip(".") in _TITLE_WORDS:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1].pos_ not in ("PROPN", "PUNCT") and tokens[-1].is_lower:
        tokens = tokens[:-1]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _raw_mentions(doc: Any) -> list[_Mention]:
    text: str = doc.text
    mentions: list[_Mention] = []
    for ent in doc.ents:
        label = LABEL_MAP.get(ent.label_)
        if ent.label_ == "TIME" and (day := _WEEKDAY_IN.search(ent.text)):
            start = ent.start_char + day.start()  # ``Monday night``: the day is a date
            mentions.append(_Mention(start, start + len(day.group()), "DATE", day.group()))
            continue
        if label is None:
            continue
        start, end = ent.start_char, ent.end_char
        if (
            ent.end + 1 < len(doc)
            and doc[ent.end].lower_ in _PERSON_PARTICLES
            and doc[ent.end + 1].text[:1].isupper()
        ):
            label = "PERSON"  # ``Owain ap Gruffydd``: a particle only names take
        if label == "PERSON":
            while ent.end < len(doc) and doc[ent.end].idx == ent.end_char + 1:
                following = doc[ent.end]
                if (
                    following.lower_ in CONNECTORS  # ``Owain ap Gruffydd``, ``Ana de Souza``
                    and following.is_lower
                    and following.lower_ != "of"
                    and ent.end + 1 < len(doc)
                    and doc[ent.end + 1].text[:1].isupper()
                    and doc[ent.end + 1].pos_ == "PROPN"
                ):
                    ent = doc[ent.start : ent.end + 2]
                elif (
                    following.pos_ == "PROPN"
                    and following.text[:1].isupper()
                    and following.ent_iob_ == "O"
                ):
                    ent = doc[ent.start : ent.end + 1]
                else:
                    break
            bounds = _person_tokens(ent)
            if bounds is None:
                continue
            start, end = bounds
        if "\n" in text[start:end]:  # a byline name joined with the next line's word
            end = start + text[start:end].index("\n")
        if "|" in text[start:end]:  # ``Tarnley | Courts``: a menu item and the next
            end = start + text[start:end].index("|")
            if text[start:end].strip().lower() in SITE_SECTIONS:
                continue  # ``Sport | Community``: the site's sections
        if label != "DATE" and (dash := re.search(r" [-–—] ", text[start:end])):
            end = start + dash.start()  # ``Tarn Rangers - Lee (27)``: a team, then its scorer
        score = _TRAILING_FIGURES.search(text, start, end) if label != "DATE" else None
        if score and (
            label == "PERSON" or "-" in score.group() or text[end : end + 2] == " ("
        ):  # ``Lee 3-6 2-2 9``, ``Tarn Hawks 68-57``, ``Tarnley 27 (Lee 9)``: scores
            end = score.start()
        if "]" in text[start:end] and "[" not in text[start:end]:  # ``Photo] Floodwater``
            start += text[start:end].index("]") + 1
        if "(" in text[start:end] and ")" not in text[start:end]:  # ``Acme (AC``: cut the bracket
            end = start + text[start:end].index("(")
        start, end = _clean_edges(text, start, end, label)
        surface = text[start:end]
        if end <= start or not (
            any(c.isalpha() for c in surface) or (label == "DATE" and _YEAR_ONLY.match(surface))
        ):
            continue
        if label == "DATE" and (
            not _DATE_KEEP.search(surface)
            or _NOT_DATE.match(surface)
            or _AGE.search(text[max(0, start - 6) : end])  # ``aged one year and older``
            or _frequency(ent)
        ):
            continue
        if surface == "State" and text[:start].endswith(("Secretary of ", "secretary of ")):
            continue
        if label != "DATE" and not surface[0].isupper() and surface[0] != "(":
            continue
        owner = _OWNER_AND_BODY.fullmatch(surface) if label == "ORG" else None
        if owner and INSTITUTION_HEADS & set(owner["body"].split()):
            mentions.append(_Mention(start, start + owner.end("owner"), "GPE", owner["owner"]))
            body = owner.start("body")  # ``Tarnia's Ministry of Water``: a country and its body
            mentions.append(_Mention(start + body, end, "ORG", owner["body"]))
            continue
        if label == "DATE" and (pair := _TWO_DATES.fullmatch(surface)):
            for part in ("first", "second"):  # ``4 and 5 February``: two dates
                mentions.append(
                    _Mention(start + pair.start(part), start + pair.end(part), "DATE", pair[part])
                )
            continue
        mentions.append(_Mention(start, end, label, surface))
    mentions = _join_name_parts(doc, _merge_bracketed(text, _split_glued(text, mentions)))
    mentions += _acronym_speakers(doc, mentions)
    mentions += _people_by_who(doc, mentions)
    mentions += _full_names_of_people(doc, mentions)
    mentions += _bare_durations(doc, mentions)
    mentions = [_with_portfolio_list(text, m) for m in mentions]
    return _share_bar(text, _add_pattern_mentions(text, mentions))


def _frequency(ent: Any) -> bool:
    """A rate, not a date (``every week``, ``born each year``, ``1.1 points a year``).

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("She drove it every week.")
        >>> _frequency(doc[4:5])
        True
    """
    words = [t.lower_ for t in ent]
    if len(words) == 1 and ent.start > 0:
        words.insert(0, ent.doc[ent.start - 1].lower_)  # the model tagged ``week`` alone
    if len(words) > 2 and words[-2] in _RATE_WORDS:
        words = words[-2:]  # ``swim at Tarnley every week``: the model's span starts too early
    if len(words) != 2 or words[1] not in _CALENDAR_UNITS:
        return False
    return words[0] in _RATE_WORDS or (words[0] in ("a", "an") and ent.root.dep_ == "npadvmod")


_CALENDAR_UNITS = frozenset({"day", "night", "week", "month", "year"})
_RATE_WORDS = frozenset({"each", "every", "per"})
"""Words that make a calendar unit a rate (``every week``), not a date."""


def _acronym_speakers(doc: Any, mentions: list[_Mention]) -> list[_Mention]:
    """Acronyms the model left untagged as the subject of a reporting verb (``TRC FRS says``,
    ``the RSPCA said``): an organisation speaking (a country's, ``UK``, is a place).

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("TRC FRS says roads are shut.")
        >>> for token, head, dep in ((0, 1, "compound"), (1, 2, "nsubj")):
        ...     doc[token].head, doc[token].dep_ = doc[head], dep
        >>> doc[2].lemma_ = "say"
        >>> [(m.text, m.type) for m in _acronym_speakers(doc, [])]
        [('TRC FRS', 'ORG')]
    """
    found: list[_Mention] = []
    for token in doc:
        if not (
            token.dep_ in ("nsubj", "nsubjpass")
            and token.head.lemma_.lower() in REPORTING_VERBS
            and _ACRONYM_WORD.fullmatch(token.text)
        ):
            continue
        first = token
        while (
            first.i > 0
            and doc[first.i - 1].head == token
            and _ACRONYM_WORD.fullmatch(doc[first.i - 1].text)
        ):
            first = doc[first.i - 1]
        start, end = first.idx, token.idx + len(token.text)
        if any(m.start < end and start < m.end for m in mentions):
            continue
        words = doc.text[start:end].split()
        label: EntityType = "GPE" if words[0] in GPE_ACRONYMS and len(words) == 1 else "ORG"
        found.append(_Mention(start, end, label, doc.text[start:end]))
    return found


_ACRONYM_WORD = re.compile(r"[A-Z][A-Z&]{1,5}")


def _people_by_who(doc: Any, mentions: list[_Mention]) -> list[_Mention]:
    """Names of two or three capitalised words the model left untagged that a ``who`` clause
    describes (``Ann Lee, who farms near Ardley, said``): a person.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("Ann Lee, who farms, said so.")
        >>> for token, head, dep in ((0, 1, "compound"), (3, 4, "nsubj"), (4, 1, "relcl")):
        ...     doc[token].head, doc[token].dep_ = doc[head], dep
        >>> [(m.text, m.type) for m in _people_by_who(doc, [])]
        [('Ann Lee', 'PERSON')]
    """
    found: list[_Mention] = []
    for token in doc:
        if not (
            token.dep_ == "relcl"
            and any(c.lower_ == "who" and c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
        ):
            continue
        name = token.head
        words = [t for t in doc[max(0, name.i - 2) : name.i + 1] if t.head == name or t == name]
        while words and not (words[0].dep_ == "compound" or words[0] == name):
            words.pop(0)
        if not 2 <= len(words) <= 3 or not all(
            _CAPITALISED_NAME_WORD.fullmatch(t.text) for t in words
        ):
            continue
        start, end = words[0].idx, name.idx + len(name.text)
        if doc.text[end : end + 1] != "," or any(m.start < end and start < m.end for m in mentions):
            continue
        found.append(_Mention(start, end, "PERSON", doc.text[start:end]))
    return found


_PORTFOLIO_LIST = re.compile(r"(?:, [A-Z][\w’'-]*)+,? and [A-Z][\w’'-]*(?![\w’'-])")
_LAST_PORTFOLIO = re.compile(r",? and [A-Z][\w’'-]*(?![\w’'-])")


def _with_portfolio_list(text: str, m: _Mention) -> _Mention:
    """An organisation ``X of A`` cut at the comma of its list of portfolios made whole
    (``Ministry of Roads, Ports and Parks``).

    Example:
        >>> text = "the Ministry of Roads, Ports and Parks said"
        >>> _with_portfolio_list(text, _Mention(4, 21, "ORG", "Ministry of Roads")).text
        'Ministry of Roads, Ports and Parks'
    """
    if m.type != "ORG" or " of " not in m.text:
        return m
    listed = _PORTFOLIO_LIST.match(text, m.end)
    if listed is None and ", " in m.text.split(" of ", 1)[1]:  # ``Ministry of A, B`` + `` and C``
        listed = _LAST_PORTFOLIO.match(text, m.end)
    if listed is None:
        return m
    return _Mention(m.start, listed.end(), "ORG", text[m.start : listed.end()], decided=m.decided)


_DURATION_PLURALS = frozenset({"days", "weeks", "months", "years", "decades"})


def _bare_durations(doc: Any, mentions: list[_Mention]) -> list[_Mention]:
    """A plural of a calendar unit with no number or modifier (``ending weeks of talks``,
    ``announced weeks in advance``): a duration, so a DATE (as ``three weeks`` is).

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("It ended weeks of talks.")
        >>> doc[2].tag_ = "NNS"
        >>> [(m.text, m.type) for m in _bare_durations(doc, [])]
        [('weeks', 'DATE')]
    """
    found: list[_Mention] = []
    for token in doc:
        if (
            token.text in _DURATION_PLURALS
            and token.tag_ == "NNS"
            and not any(child.dep_ != "prep" for child in token.lefts)
            and not any(m.start <= token.idx < m.end for m in mentions)
        ):
            found.append(_Mention(token.idx, token.idx + len(token.text), "DATE", token.text))
    return found


def _full_names_of_people(doc: Any, mentions: list[_Mention]) -> list[_Mention]:
    """An untagged given name and surname (``beat Tarnland's Aki Ito``) whose surname the model
    tags as a person elsewhere in the article: a person.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("Aki Ito won. Ito said Ito won.")
        >>> doc[0].pos_ = doc[1].pos_ = "PROPN"
        >>> doc[0].head, doc[0].dep_ = doc[1], "compound"
        >>> tagged = [_Mention(13, 16, "PERSON", "Ito"), _Mention(22, 25, "PERSON", "Ito")]
        >>> [(m.text, m.type) for m in _full_names_of_people(doc, tagged)]
        [('Aki Ito', 'PERSON')]
    """
    surnames = Counter(m.text for m in mentions if m.type == "PERSON" and " " not in m.text)
    found: list[_Mention] = []
    for token in doc:
        surname = token.head
        if not (
            token.dep_ == "compound"
            and surname.i == token.i + 1
            and token.pos_ == surname.pos_ == "PROPN"
            and _CAPITALISED_NAME_WORD.fullmatch(token.text)
            and token.lower_ not in _TITLE_WORDS
            and surnames[surname.text] >= 2
        ):
            continue
        start, end = token.idx, surname.idx + len(surname.text)
        if not any(m.start < end and start < m.end for m in mentions):
            found.append(_Mention(start, end, "PERSON", doc.text[start:end]))
    return found


_LATIN_LETTERS = [chr(code) for code in range(0xC0, 0x250)]  # accented Latin letters
_UPPER = "A-Z" + "".join(c for c in _LATIN_LETTERS if c.isupper())
_LOWER = "a-z" + "".join(c for c in _LATIN_LETTERS if c.islower())
_CAPITALISED_NAME_WORD = re.compile(
    rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:-[{_UPPER}][{_LOWER}]+)?"
)
"""A name word in title case (``Lee``, ``MacLeish``, ``Price-Jones``, ``Ánna``)."""


def _share_bar(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """A web page's share bar (``Share: Facebook | X | Email``, or a line naming two platforms
    or more): its platforms are organisations, and nothing else in it is a name.

    Example:
        >>> bar = "Share: Facebook | X | Email"
        >>> [(m.text, m.type) for m in _share_bar(bar, [_Mention(21, 26, "GPE", "Email")])]
        [('Facebook', 'ORG'), ('X', 'ORG')]
    """
    for line in re.finditer(r"(?m)^.*\|.*$", text):
        items = [
            trim(text, line.start() + item.start(), line.start() + item.end())
            for item in re.finditer(r"[^|:]+", line.group())
        ]
        names = [text[start:end].removeprefix("Share on ").strip() for start, end in items]
        platforms = [name in SHARE_PLATFORMS for name in names]
        if not re.search(r"\bShare\b", line.group()) and sum(platforms) < 2:
            continue  # a menu, not a share bar (``Share this article`` may be the line before)
        mentions = [m for m in mentions if not line.start() <= m.start < line.end()]
        for (_, end), name, platform in zip(items, names, platforms, strict=True):
            if platform:
                mentions.append(_Mention(end - len(name), end, "ORG", name, decided=True))
    return sorted(mentions, key=lambda m: (m.start, -m.end))


_PERSON_PARTICLES = load_words("spacy_person_particles")
"""Particles between a given name and a family name that place names do not take."""

_YEAR_ONLY = re.compile(r"^(1[89]\d\d|20\d\d)s?$")
"""A year alone (``1979``), a date although it has no letter."""

_YEAR = re.compile(
    r"\b(?:in|since|until|by|from|before|after|of|through|to) "
    r"(?P<year>1[89]\d\d|20\d\d)\b(?![,.]?\d)"
)


_CALENDAR = re.compile(
    r"(?i:\b(?:for|since|over|before|after|during|until|by|in|every|each|of|the) )"
    r"(?P<date>(?:(?i:this|last|next|another|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"\d{1,2}) )?(?i:" + "|".join(load_words("spacy_calendar_nouns")) + r"))\b(?![-'’]\w)"
)
"""A calendar noun after a temporal word (``over the weekend``, ``for three years``)."""

_ORDINAL_PERIOD = re.compile(
    r"(?<![\w-])(?P<date>(?i:first|second|third|fourth|this|last|next|previous)[- ]"
    r"(?:quarter|season))(?![\w-])"
)
"""A quarter or a season by its place in the year or the competition (``third-quarter profit``,
``its fourth season``)."""


_SHORT_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
    r"|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)(?:\.(?= \d))?"
)
_MONTH = "(?:" + "|".join(sorted(month.capitalize() for month in MONTHS)) + ")"
_WEEKDAY = "(?:" + "|".join(sorted(day.capitalize() for day in WEEKDAYS)) + ")"
_SHORT_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
_SHORT_MONTH_DATE = re.compile(
    rf"\b(?:{_SHORT_WEEKDAY},? )?"
    rf"(?:{_SHORT_MONTH} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {_SHORT_MONTH}(?: \d{{4}})?)(?![\w])"
    rf"|\b{_WEEKDAY},? (?:\d{{1,2}} {_MONTH}(?: \d{{4}})?|{_MONTH} \d{{1,2}}(?:, \d{{4}})?)\b"
)
"""A date the model tends to miss or cut: the month abbreviated (``Aug 11, 2024``, ``Tue 4 Mar
2025``), or a weekday before the date (``Tuesday, 14 January 2025``)."""

_OWNER_AND_BODY = re.compile(r"(?P<owner>[A-Z][\w-]+)['’]s (?P<body>[A-Z].*)")
"""An organisation the model tagged with its country's possessive before it (when the rest
names an institution)."""

_WEEKDAY_IN = re.compile(rf"\b{_WEEKDAY}\b")

_TWO_DATES = re.compile(
    rf"(?P<first>(?:{_WEEKDAY} )?\d{{1,2}}|{_WEEKDAY}(?: \d{{1,2}})?|{_MONTH}(?: \d{{1,2}})?)"
    rf"(?: and | to |-)(?P<second>(?:{_WEEKDAY} )?\d{{1,2}} {_MONTH}(?: \d{{4}})?|{_MONTH}"
    rf"(?: \d{{1,2}})?(?:,? \d{{4}})?|{_WEEKDAY})"
)
"""Two dates the model tagged as one (``4 and 5 February``, ``October to January``)."""


_ARTICLE = re.compile(r"(?:" + "|".join(sorted(w.capitalize() for w in LEADING_DROP)) + r")\s+")


def _after_article(text: str, start: int, end: int) -> int:
    """Where a name a pattern matched starts once a capitalised article is left out (``The
    Guild of Pilots`` -> ``Guild of Pilots``).

    Example:
        >>> _after_article("The Guild of Pilots", 0, 19)
        4
    """
    lead = _ARTICLE.match(text, start, end)
    return lead.end() if lead else start


def _pattern_mentions(text: str) -> list[_Mention]:
    """Mentions spaCy's small model tends to miss: datelines, company and institution names
    (also by their stock ticker), years, names after a title or before a role in apposition,
    named storms, and the name and agency of a photo credit.

    Example:
        >>> text = "LIMA (Wire) - The Council of Fjords met in 2031."
        >>> [(m.text, m.type) for m in _pattern_mentions(text)]
        [('LIMA', 'GPE'), ('Wire', 'ORG'), ('Council of Fjords', 'ORG'), ('2031', 'DATE')]
    """
    found: list[_Mention] = []
    for para in re.finditer(r"(?:^|\n)\s*", text):
        match = DATELINE.match(text, para.end())
        if match is None:
            continue
        for group, label in DATELINE_LABELS:
            if match.group(group):
                start, end = trim(text, match.start(group), match.end(group))
                found.append(_Mention(start, end, label, text[start:end]))  # type: ignore[arg-type]
    for pattern in (ORG_SUFFIX, ORG_OF):
        for match in pattern.finditer(text):
            start, end = _after_article(text, match.start(), match.end()), match.end()
            start, end = _clean_edges(text, start, end, "ORG")
            if len(text[start:end].split()) > 1:
                found.append(_Mention(start, end, "ORG", text[start:end]))
    for match in _YEAR.finditer(text):
        found.append(_Mention(match.start("year"), match.end("year"), "DATE", match["year"]))
    for match in _SHORT_MONTH_DATE.finditer(text):  # ``Aug 11, 2024``, ``4 Mar 2025``
        found.append(_Mention(match.start(), match.end(), "DATE", match.group()))
    for pattern in (_CALENDAR, _ORDINAL_PERIOD):  # ``for three years``, ``third-quarter``
        for match in pattern.finditer(text):
            rate = match.group().split()[0].lower() in _RATE_WORDS
            if rate and match["date"].lower() in _CALENDAR_UNITS:
                continue  # ``every week``: a rate (``every winter`` is a date)
            found.append(_Mention(match.start("date"), match.end("date"), "DATE", match["date"]))
    found += _titled_names(text)
    for match in _TICKER_NAME.finditer(text):
        start, end = _after_article(text, *match.span("name")), match.end("name")
        found.append(_Mention(start, end, "ORG", text[start:end], decided=True))
    for match in _INDEX_NAME.finditer(text):  # ``the FTSE 100``, which the model cuts
        found.append(_Mention(match.start(), match.end(), "MISC", match.group(), decided=True))
    for match in _TICKER_LISTING.finditer(text):  # the exchange and the company's symbol
        for group in ("exchange", "symbol"):
            start, end = match.span(group)
            found.append(_Mention(start, end, "ORG", text[start:end], decided=True))
    for pattern in (_PERSON_FROM_PLACE, _HYPHENATED_PLACE):
        for match in pattern.finditer(text):  # ``a man from Ardley``, ``Ardley-on-Tarn``
            start, end = _clean_edges(text, match.start("place"), match.end("place"), "GPE")
            found.append(_Mention(start, end, "GPE", text[start:end], decided=True))
    for match in ORG_HEAD_LAST.finditer(text):  # ``Tarn Valley District Council``
        start, end = _after_article(text, match.start(), match.end()), match.end()
        if len(text[start:end].split()) > 1:
            found.append(_Mention(start, end, "ORG", text[start:end]))
    for match in ORG_HEAD_JOINED.finditer(text):  # ``Tarn and Ardley Police``
        start = _after_article(text, match.start(), match.end())
        if not _inside_longer_name(text, start):
            found.append(
                _Mention(start, match.end(), "ORG", text[start : match.end()], decided=True)
            )
    for pattern in (_ROAD, _PLACE_MODIFIER, _ADDRESS_PLACE):  # ``B1234``, ``a Tarnley man``
        for match in pattern.finditer(text):
            start, end = match.span("place" if match["place"] else "place2")
            if pattern is _PLACE_MODIFIER and not _could_be_a_place(text, text[start:end]):
                continue
            place: EntityType = "LOC" if pattern is _ROAD else "GPE"
            found.append(_Mention(start, end, place, text[start:end], decided=True))
    for match in _LINE_UP.finditer(text):  # ``Tarn: Lee; Ames, Roe …``: a team's players
        players = list(re.finditer(_PLAYER, match["players"]))
        substitutes = match["team"].lower() in _SUBSTITUTES
        if len(players) < 4 and not substitutes:
            continue
        if not substitutes:
            found.append(_Mention(*match.span("team"), "ORG", match["team"], decided=True))
        for player in players:
            start, end = (match.start("players") + offset for offset in player.span())
            found.append(_Mention(start, end, "PERSON", player.group(), decided=True))
    for match in _PLACE_NAME.finditer(text):  # ``River Tarn``, which the model may miss
        found.append(_Mention(match.start(), match.end(), "LOC", match.group(), decided=True))
    for match in _RESULT_LINE.finditer(text):  # ``Tarnley Town 3 Ardley 2``: two teams
        for team in ("home", "away"):
            found.append(_Mention(*match.span(team), "ORG", match[team], decided=True))
    for match in _COUNTY.finditer(text):  # ``Tarnshire`` alone: a county the model missed
        found.append(_Mention(match.start(), match.end(), "GPE", match.group(), decided=True))
    for match in _NOUN_THEN_NAME.finditer(text):
        start, end = match.start("name"), match.end("name")
        if match.group("noun") in ORG_NOUNS:  # ``payments startup Acme``, ``the insurer Acme``
            found.append(_Mention(start, end, "ORG", text[start:end], decided=True))
        elif (
            match.group("noun") in PERSON_NOUNS
            and " " in match.group("name")
            and not ORG_SUFFIX.fullmatch(match.group("name"))  # ``partner Acme Systems``
        ):
            found += _untitled(text, start, end)  # ``Tarn keeper Ann Lee``
    for match in _ROLE_THEN_NAME.finditer(text):
        if _is_person_noun(match.group("role")):
            found += _untitled(text, match.start("name"), match.end("name"))
    for match in _NAME_WITH_ROLE.finditer(text):
        words = match.group("words").lower().split()
        if _PLACE_BEFORE.search(text[max(0, match.start() - 10) : match.start()]) or (
            match.group("name").split()[0].lower() in COMMON_WORDS  # ``In Lisbon, a neighbour``
        ):
            continue  # ``in Lisbon, the minister …``: a place before a new phrase
        if _names_a_body(match.group("name")):
            continue  # ``At Tarnley District Hospital, the medical director``: a place first
        determined = match.start("words") > match.end("name") + 2  # ``, an analyst``
        if set(words) & PERSON_NOUNS or (determined and _is_person_noun(words[0])):
            found += _untitled(text, match.start("name"), match.end("name"))  # not ``, closer``
    for credits in _WIRE_CREDITS.finditer(text):  # ``Reporting by Ann Lee; Editing by Bo Chen``
        for name in re.finditer(_CREDITED_NAME, credits["names"]):
            start, end = credits.start("names") + name.start(), credits.start("names") + name.end()
            found.append(_Mention(start, end, "PERSON", text[start:end], decided=True))
    for match in _BYLINE.finditer(text):
        for group in ("name", "other"):
            if match.group(group):
                start, end = match.start(group), match.end(group)
                found.append(_Mention(start, end, "PERSON", text[start:end], decided=True))
    found += _speaker_labels(text)
    for match in _EVENT_NAME.finditer(text):  # not ``National Hurricane Center``
        if not _inside_longer_name(text, match.start()) and match["name"] not in _PLACE_WORDS:
            start, end = _clean_edges(text, match.start(), match.end(), "EVENT")  # ``Ada's``
            found.append(_Mention(start, end, "EVENT", text[start:end]))
    for match in _CREDIT_LINE.finditer(text):
        if match.group("label").lower() not in CREDIT_LABELS:
            continue
        for group, label in (("name", "PERSON"), ("agency", "ORG")):
            if match.group(group):
                start, end = trim(text, match.start(group), match.end(group))
                found.append(_Mention(start, end, label, text[start:end]))  # type: ignore[arg-type]
    found.extend(_defined_names(text))  # ``Transport for Tarnshire (TfT)``
    return found


_NAME_WORD = rf"[{_UPPER}][\w’'-]*[\w]"


_LISTING = (
    r"\((?P<exchange>[A-Z][A-Za-z&/]*(?: [A-Z][A-Za-z&/]*){0,2}):"
    r"\s?(?P<symbol>[A-Z][A-Z.\d]{0,6})\)"
)
_TICKER_LISTING = re.compile(_LISTING)
"""``(TSX: ACM)``: an exchange and a listed company's symbol, both organisations."""

_TICKER_TAIL = " " + _LISTING
"""`` (EXCHANGE: TICKER)`` after a company's name."""

_TICKER_NAME = re.compile(r"(?P<name>[A-Z][\w&’'.-]*(?: [A-Z][\w&’'.-]*){0,3})" + _TICKER_TAIL)
"""A company named with its stock ticker: ``Acme Mining (ASX: ACM)``."""


_NAME_WITH_ROLE = re.compile(
    rf"(?<![\w’'-])(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{0,2}}), (?:an? |the |his |her )?"
    r"(?P<words>[a-z][\w’'-]*(?: [a-z][\w’'-]*){0,2})"
)


"""A name followed by a role in apposition: ``Ann Lee, an analyst at Acme,`` (a PERSON when
one of the three words after the comma is a person noun)."""


_CREDITED_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}"
_WIRE_CREDITS = re.compile(
    r"(?:(?<=[(;\n])|^)\s*(?:Additional )?(?i:reporting|writing|editing|compiled) by "
    rf"(?P<names>{_CREDITED_NAME}(?:(?:, | and ){_CREDITED_NAME})*)",
    re.M,
)
"""A wire story's credits (``(Reporting by Ann Lee and Bo Chen; Editing by Cy Dee)``): people."""

_BYLINE = re.compile(
    rf"(?m)^[ \t]*By (?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,3}})"
    rf"(?: and (?P<other>{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}))?[ \t]*(?:,[^\n]*)?$"
)


"""A byline: ``By Ann Lee`` (``and Bo Chen``), alone on its line or before ``, Agency``."""


_LABEL = re.compile(r"(?m)^(?P<label>[^\W\d_a-z][^\W\d_a-z'’-]+(?:[ -][^\W\d_a-z'’-]+)?):[ \t]")


def _speaker_labels(text: str) -> list[_Mention]:
    r"""The turn labels of a transcript (``KOVAC: …`` opening lines) and the name they stand for
    elsewhere in the article (``Ana Kovac``, with the word before it when that is a name too):
    a label is a name only when the article also writes it in ordinary case.

    Example:
        >>> text = "Ana Kovac farms here.\nQ: Why?\nKOVAC: Because."
        >>> [(m.text, m.type) for m in _speaker_labels(text)]
        [('KOVAC', 'PERSON'), ('Ana Kovac', 'PERSON')]
    """
    found: list[_Mention] = []
    labels = {match.group("label") for match in _LABEL.finditer(text)}
    for label in sorted(labels):
        written = [
            w
            for w in re.finditer(rf"(?<![\w’'-]){re.escape(label)}(?![\w’'-])", text, re.I)
            if w.group() != label and w.group()[:1].isupper()
        ]
        if not written or len(label) < 3:
            continue
        for match in _LABEL.finditer(text):
            if match.group("label") == label:
                found.append(
                    _Mention(
                        match.start("label"), match.end("label"), "PERSON", label, decided=True
                    )
                )
        for w in written:
            start = w.start()
            first = re.search(rf"({_NAME_WORD}) $", text[max(0, start - 30) : start])
            given = first.group(1).lower() if first else ""
            if first and given not in NAME_TITLES and given not in COMMON_WORDS:  # not ``In``
                start -= len(first.group(0))
            found.append(_Mention(start, w.end(), "PERSON", text[start : w.end()], decided=True))
    return found


_ROLE_THEN_NAME = re.compile(
    rf"(?:\b(?:a|an|the|its|his|her|their)|{_NAME_WORD}['’]s)\s+(?:[a-z-]+\s){{0,3}}"
    r"(?P<role>[a-z-]+),\s"
    rf"(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}),"
)


"""A role, then a name of two or three words in apposition: ``a spokeswoman, Ann Lee,``."""


_PERSON_FROM_PLACE = re.compile(
    r"\b(?:(?:man|woman|men|women|boy|girl|people|person|resident|residents|family|couple|"
    r"teenager|pensioner|mother|father) from|(?:[Rr]esidents|[Vv]illagers|[Hh]omeowners) (?:of|in))"
    rf" (?P<place>{_NAME_WORD}(?: {_NAME_WORD})?)\b(?! [A-Z])"
)
"""Where people are from or live: ``a 31-year-old man from Ardley``, ``residents of Ardley``
(a place, not the first words of a longer name)."""


_HYPHENATED_PLACE = re.compile(
    r"(?<![\w-])(?P<place>[A-Z][a-z]+-(?:on|upon|under|le|la|en|sur|am|by)-[A-Z][a-z]+)(?![\w-])"
)


"""Place names built with a linking word: ``Ardley-on-Tarn``, ``Stratford-upon-Avon``."""


_NOUN_THEN_NAME = re.compile(
    rf"(?<![\w’'-])(?P<noun>[a-z]+) (?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{0,2}})(?![\w’'-])"
)


"""A common noun, then a name: an organisation when the noun names one (``startup Acme``)."""


_AGENT_NOUN = re.compile(r"[a-z]{3,}(?:ologist|ist|ian|er|or|man|woman|person)$")


def _untitled(text: str, start: int, end: int) -> list[_Mention]:
    """A PERSON mention of a name without the titles before it (``Professor Ann Lee`` ->
    ``Ann Lee``); none when only titles are left."""
    while (word := re.match(r"\S+ ", text[start:end])) and word.group().strip(
        " ."
    ).lower() in _TITLE_WORDS:
        start += word.end()
    if start >= end or (" " not in text[start:end] and text[start:end].lower() in _TITLE_WORDS):
        return []
    return [_Mention(start, end, "PERSON", text[start:end], decided=True)]


def _is_person_noun(word: str) -> bool:
    """A noun for a person: a title, role or kin noun, or an agent noun (``hydrologist``,
    ``historian``, ``researcher``, ``craftsman``) that names no kind of organisation
    (``manufacturer``)."""
    word = word.lower()
    return word in PERSON_NOUNS or bool(_AGENT_NOUN.fullmatch(word) and word not in ORG_NOUNS)


_CAPITALISED_RUN = re.compile(r"(?<![\w’'-])[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)+")


def _titled_names(text: str) -> list[_Mention]:
    """Names after a title in a run of capitalised words: ``Cllr Ann Lee``, ``Det Insp Ann Lee``,
    ``Chief Executive Ann Lee``, ``Acme Chief Financial Officer Ann Lee`` -> PERSON ``Ann Lee``.

    The name is what follows the last title word: one to three words, or a single word after an
    honorific (``Dr Lee``) or a title of two words or more (``Senior Coroner Lee``), so that
    ``General Electric`` stays a name.

    Example:
        >>> names = _titled_names("Chief Executive Ann Lee met Cllr Obi and General Motors.")
        >>> [m.text for m in names]
        ['Ann Lee', 'Obi']
    """
    found: list[_Mention] = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", run.group())]
        is_title = [w.lower().rstrip(".") in _TITLE_WORDS for _, _, w in words]
        if True not in is_title:
            continue
        last = len(is_title) - 1 - is_title[::-1].index(True)
        name = words[last + 1 :]
        first = last
        while first > 0 and is_title[first - 1]:
            first -= 1
        block = [w.lower().rstrip(".") for _, _, w in words[first : last + 1]]
        honorific = block[-1] in PERSON_HONORIFICS
        if not 1 <= len(name) <= 3 or (len(name) == 1 and not honorific and len(block) < 2):
            continue
        if ORG_SUFFIX.fullmatch("Name " + name[-1][2]) or any(w[2].endswith(".") for w in name):
            continue
        start, end = run.start() + name[0][0], run.start() + name[-1][1]
        found.append(_Mention(start, end, "PERSON", text[start:end], decided=True))
    return found


_EVENT_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(head) for head in EVENT_HEADS) + rf")\s+(?P<name>{_NAME_WORD})\b"
)


def _inside_longer_name(text: str, start: int) -> bool:
    """Whether a capitalised word comes right before ``start`` (a pattern that matched the end
    of a longer name: ``Ann Lee and Tarn Police``, ``National Hurricane Center``)."""
    return bool(re.search(r"[A-Z][\w’'-]*\s$", text[max(0, start - 30) : start]))


_PLACE_NAME = re.compile(
    r"\b(?:" + "|".join(sorted(PLACE_HEADS)) + rf") {_NAME_WORD}(?: {_NAME_WORD})?(?![\w’'-])"
)
"""A named river, lake or mountain by its first word (``River Tarn``, ``Loch Ard``)."""

_ROAD = re.compile(
    r"(?<![\w’'-])(?P<place>[ABM]\d{1,4}(?:\(M\))?|(?:State |US |U\.S\. )?"
    r"(?:Highway|Route|Interstate|Motorway) \d{1,4}|I-\d{1,3}|SH\d{1,3})(?![\w’'-])(?P<place2>)"
)
"""A road by its number (``the B1234``, ``Highway 99``, ``I-99``): a place."""

_PLACE_MODIFIER = re.compile(
    rf"(?:\b(?:[Aa]n?|[Tt]wo|[Tt]hree) |(?m:^)(?:\d{{1,2}}\. |[-•*] )?)"
    rf"(?P<place>{_NAME_WORD}(?: {_NAME_WORD})?) "
    r"(?:man|woman|men|women|teenager|"
    r"teenagers|boy|girl|pensioner|mother|father|couple|family|motorist|driver|firm|company|"
    r"charity|school|pub|farmer)\b"
    rf"|\b(?P<place2>{_NAME_WORD}(?: {_NAME_WORD})?)-(?:based|headquartered|born|registered)\b"
)
"""A place used as a modifier: ``a Tarnley man``, ``Tarnley man jailed`` (a headline), ``the
Tarnley-based firm``."""


def _could_be_a_place(text: str, words: str) -> bool:
    """Whether a modifier (``a Tarnley man``) can be a place's name: no nationality
    (``a Tarnish firm``) and no word the text also writes in lower case (``Local man jailed``).

    Example:
        >>> _could_be_a_place("Local man jailed, a local court said", "Local")
        False
    """
    return not (
        _DEMONYM.search(words)
        or words.lower() in COMMON_WORDS  # ``One woman, who asked not to be named``
        or re.search(rf"\b{re.escape(words.lower())}\b", text)
    )


_ADDRESS_PLACE = re.compile(
    r"\b(?:Street|Road|Lane|Avenue|Drive|Close|Crescent|Terrace|Square|Place|Way), "
    rf"(?P<place>{_NAME_WORD}(?: {_NAME_WORD})?)(?=[,.;)]| (?:on|at|in|was|has|had|is)\b)"
    r"(?P<place2>)"
)
"""The town after a street in an address (``Mill Lane, Tarnley,``)."""

_PLAYER = r"[A-Z](?:[\w’'-]+|\.?(?= [A-Z]))(?: [A-Z][\w’'-]+){0,2}"
"""A player in a line-up: a surname, perhaps after an initial or first name (``J Lee``)."""

_TRAILING_FIGURES = re.compile(r"(?: \d+(?:[-–]\d+)*)+$")
"""Figures after a name (a score or a player's statistics)."""

_PLAYER_NOTE = rf"(?: \((?:capt|c|gk|wk|{_PLAYER} \d{{1,3}})\))"
"""A note after a player: captain, keeper, or the substitute who came on and when (``(Lee 57)``)."""

_LINE_UP = re.compile(
    r"(?m)(?:^|(?<=\. ))(?P<team>[A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,3}): "
    rf"(?P<players>{_PLAYER}{_PLAYER_NOTE}?(?:[;,] {_PLAYER}{_PLAYER_NOTE}?)*)"
)
"""A team's line-up (``Tarn: Lee; Ames (Hart 57), Roe, Ward (capt), Tarr``, ``Subs: J Lee``): the
players' names; four at least, unless the label names the substitutes."""

_SUBSTITUTES = frozenset({"reps", "replacements", "subs", "substitutes"})

_COUNTY = re.compile(r"(?<![\w’'-])[A-Z][a-z]{2,}shire(?![\w’'-])(?! [A-Z])")
"""A county by its ending (``Tarnshire``), not the first word of a longer name."""

_CREDIT_LINE = re.compile(
    r"(?m)(?:^|(?<=[.!?] ))\s*(?P<label>[A-Za-z]+(?: [a-z]+)?)(?: by)?\s*:\s*"
    rf"(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{0,3}})"
    r"(?:\s*[/|]\s*(?P<agency>[A-Z][^\n/|)\]]{1,60}?))?[)\]]*\s*$"
)


def _add_pattern_mentions(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Pattern mentions replace the NER mentions they contain or cross; others are kept."""
    extra = _pattern_mentions(text)
    result = list(mentions)
    for m in extra:
        clashing = [o for o in result if o.start < m.end and m.start < o.end]
        same = [  # not ``Tarn Rangers 3``, the model's with the score
            o
            for o in clashing
            if o.start <= m.start
            and m.end <= o.end
            and o.type == m.type
            and any(c.isalpha() for c in text[o.start : m.start] + text[m.end : o.end])
        ]
        if same:
            for o in same:  # the model's mention, as sure as the pattern's when they agree
                o.decided = o.decided or (m.decided and (o.start, o.end) == (m.start, m.end))
            continue
        if m.type == "DATE" and any(o.start < m.start or m.end < o.end for o in clashing):
            continue  # a date pattern only replaces what it contains
        result = [o for o in result if o not in clashing]
        result.append(m)
    return sorted(result, key=lambda m: (m.start, -m.end))


def _merge_bracketed(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """``(First) Last``: an editorial bracket inside a name makes one mention."""
    merged: list[_Mention] = []
    for m in mentions:
        if (
            merged
            and merged[-1].type == m.type == "PERSON"
            and text[merged[-1].end : m.start] in (") ", ")\u00a0")
            and merged[-1].start > 0
            and text[merged[-1].start - 1] == "("
        ):
            start = merged[-1].start - 1
            merged[-1] = _Mention(start, m.end, "PERSON", text[start : m.end])
            continue
        merged.append(m)
    return merged


def _join_name_parts(doc: Any, mentions: list[_Mention]) -> list[_Mention]:
    """One name the model cut in two (``[Ana] [Ruiz]``, or ``Ana [Ruiz]`` with the first word
    untagged) made whole. A plural last word makes it an organisation's (``Free Democrats``);
    a last word that recurs alone in the article a person's (news repeats a surname, not the last
    word of an organisation's name); otherwise it keeps the type of its last part. A place is
    never joined to the word before it (``Police Tarnia`` is an organisation's name). A name
    ending in an institution's head joins the name before it (``[Tarnley] [District
    Hospital]``), an organisation."""
    text: str = doc.text
    alone = Counter(
        found.group() for found in re.finditer(r"(?<![\w-])[A-Z][^\W\d_]+(?![\w-])", text)
    )
    lowercase = {t.lower_ for t in doc if t.is_lower}
    by_start = {t.idx: t for t in doc}
    result: list[_Mention] = []
    places = ("GPE", "LOC", "NORP")  # ``Police Tarnia``: a place names an organisation
    for m in mentions:
        previous = result[-1] if result else None
        if (
            m.type != "DATE"
            and " " in m.text
            and _names_a_body(m.text)
            and previous is not None
            and previous.type != "DATE"
            and text[previous.end : m.start] == " "
        ):  # ``[Tarnley] [District Hospital]``: one body's name
            result[-1] = _Mention(previous.start, m.end, "ORG", text[previous.start : m.end])
            continue
        if m.type == "DATE" or " " in m.text:
            result.append(m)
            continue
        start = m.start
        if (
            previous is not None
            and previous.type != "DATE"
            and " " not in previous.text
            and text[previous.end : m.start] == " "
        ):
            result.pop()
            start = previous.start
        else:
            token = by_start.get(m.start)
            before = doc[token.i - 1] if token is not None and token.i > 0 else None
            if (
                m.type not in places
                and before is not None
                and before.pos_ == "PROPN"
                and before.is_title
                and before.lower_ not in lowercase
                and before.idx + len(before.text) + 1 == m.start
                and before.lower_.strip(".") not in _TITLE_WORDS
                and before.lower_ not in WEEKDAYS
            ):
                start = before.idx
        if start == m.start:
            result.append(_with_name_after(doc, m, by_start, lowercase))
            continue
        name = text[start : m.end]
        label: EntityType = m.type
        last = by_start.get(m.start)
        if last is not None and last.tag_ == "NNPS":
            label = "ORG"  # ``Free Democrats``: a party or a team, not a person
        elif alone[m.text] >= 3 and m.type not in places:
            label = "PERSON"
        result.append(_Mention(start, m.end, label, name))
    return result


def _with_name_after(
    doc: Any, m: _Mention, by_start: dict[int, Any], lowercase: set[str]
) -> _Mention:
    """A nationality the model tagged alone before the rest of an organisation's name, made
    the whole name (``[Tarnish] Rail``); any other mention unchanged."""
    token = by_start.get(m.start)
    if m.type != "NORP" or token is None or token.i + 1 >= len(doc):
        return m
    after = doc[token.i + 1]
    if (
        after.pos_ == "PROPN"
        and after.is_title
        and after.idx == m.end + 1
        and after.lower_ not in lowercase
        and after.lower_.strip(".") not in _TITLE_WORDS
        and after.ent_type_ == ""
        and not (  # ``Tarnish Water Minister``: a title
            after.i + 1 < len(doc) and doc[after.i + 1].lower_.strip(".") in _TITLE_WORDS
        )
    ):
        end = after.idx + len(after.text)
        return _Mention(m.start, end, "ORG", doc.text[m.start : end])
    return m


_RESULT_LINE = re.compile(
    r"(?m)^[ \t]*(?P<home>[A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,3}) \d{1,3} "
    r"(?P<away>[A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,3}) \d{1,3}(?: ?\([a-zA-Z. ]{1,12}\))?[ \t]*$"
)
"""A line that is a result alone (``Tarnley Town 3 Ardley 2 (aet)``): the two teams' names
around their scores."""


def _split_glued(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """``NameName`` glued by a lost space: two mentions when both halves are known names;
    ``Name/Agency`` (a photo credit): one mention per side of the slash; ``Ardley and Tarn
    Bridge`` or ``Ardley, Co Tarn``, two places the model tagged as one: one place each, when the
    gazetteer knows one or the second is a county.

    Example:
        >>> text = "between Kettering and Tarn Bridge"
        >>> found = _split_glued(text, [_Mention(8, 33, "LOC", "Kettering and Tarn Bridge")])
        >>> [(m.start, m.text, m.type) for m in found]
        [(8, 'Kettering', 'GPE'), (22, 'Tarn Bridge', 'GPE')]
    """
    known = {m.text: m.type for m in mentions}
    places = place_names()
    result: list[_Mention] = []
    for m in mentions:
        glued = re.fullmatch(r"([A-Z][a-z]+)([A-Z][a-z]+)", m.text)
        pair = _TWO_PLACES.fullmatch(m.text) if m.type != "DATE" else None
        pair = pair or (_PLACE_AND_COUNTY.fullmatch(m.text) if m.type != "DATE" else None)
        if (
            pair
            and m.text not in places  # ``Trinidad and Tobago``: one country
            and text[max(0, m.start - 4) : m.start] != "the "  # ``the Bell and Anchor``: a pub
            and (
                pair["first"] in places
                or pair["second"] in places
                or pair["second"].startswith(("Co ", "County "))
            )
        ):
            for side in ("first", "second"):
                start, end = m.start + pair.start(side), m.start + pair.end(side)
                result.append(_Mention(start, end, "GPE", pair[side]))
            continue
        if (
            m.type != "DATE"
            and re.search(r"[^\W\d]\s?/\s?[^\W\d]", m.text)
            and not re.search(r"\d", m.text)  # ``S&P/TSE 300``: one index
        ):
            for part in re.finditer(r"[^/]+", m.text):
                start, end = trim(m.text, part.start(), part.end())
                if end > start:
                    surface = m.text[start:end]
                    result.append(_Mention(m.start + start, m.start + end, m.type, surface))
        elif glued and glued.group(1) in known and glued.group(2) in known:
            cut = m.start + len(glued.group(1))
            result.append(_Mention(m.start, cut, known[glued.group(1)], glued.group(1)))
            result.append(_Mention(cut, m.end, known[glued.group(2)], glued.group(2)))
        else:
            result.append(m)
    return result


_PLACE_PAIR_SIDE = r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,2}"
_PLACE_AND_COUNTY = re.compile(
    rf"(?P<first>{_PLACE_PAIR_SIDE}), (?P<second>(?:Co\.? |County )?{_PLACE_PAIR_SIDE})"
)
_TWO_PLACES = re.compile(rf"(?P<first>{_PLACE_PAIR_SIDE}) and (?P<second>{_PLACE_PAIR_SIDE})")


def _names_a_body(surface: str) -> bool:
    """Whether a name ends in an institution's head noun (``Tarnley District Hospital``)."""
    return surface.split()[-1] in INSTITUTION_HEADS


def _whole_word(surface: str) -> re.Pattern[str]:
    """A pattern for ``surface`` standing alone, not inside a longer word."""
    return re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")


def _last_word(surface: str) -> str:
    return re.sub(r"[()]", "", surface).split()[-1]


_PLACE_WORDS = load_words("spacy_place_words")
_BUILT_PLACE_WORDS = load_words("spacy_built_place_words")
_GEO_NOUNS: dict[str, EntityType] = {
    **dict.fromkeys(load_words("spacy_area_nouns"), "GPE"),
    **dict.fromkeys(load_words("spacy_feature_nouns"), "LOC"),
}
"""Common nouns after a place's name (``the Ardley area``, ``the Tarn catchment``) and the type
they give it."""
_PLACE_NAMED_HEADS = load_words("spacy_place_named_heads")
_DIVISION_WORDS = load_words("spacy_division_words")
_PRODUCT_NOUNS = load_words("spacy_product_nouns")


def _corporate_short_forms(mentions: list[_Mention]) -> dict[str, str]:
    """First words of organisation names, mapped to the full name: of a company name (with a
    corporate suffix or a ticker, or typed by an apposition), and of any other organisation whose
    first word alone the model never took for a place; and the last word of a newspaper's name.

    Example:
        >>> _corporate_short_forms([_Mention(0, 10, "ORG", "Acme Widgets Inc")])
        {'Acme': 'Acme Widgets Inc'}
    """
    alone: dict[str, set[str]] = {}
    for m in mentions:
        alone.setdefault(m.text, set()).add(m.type)
    forms: dict[str, str] = {}
    for m in mentions:
        words = m.text.split()
        if m.type != "ORG" or len(words) < 2:
            continue
        if words[-1] in NEWSPAPER_HEADS:
            forms.setdefault(words[-1], m.text)  # ``told the Gazette``
            continue  # ``Tarnley`` of the ``Tarnley Courier``: the town it is named for
        if ORG_SUFFIX.fullmatch(m.text) or m.decided:
            for size in range(1, max(2, len(words) - 1)):  # ``Tarn``, ``Tarn Harbour`` of
                forms.setdefault(" ".join(words[:size]), m.text)  # ``Tarn Harbour Foods Ltd``
        elif words[0] not in forms and alone.get(words[0], {"GPE"}) <= {"PERSON", "ORG", "MISC"}:
            forms[words[0]] = m.text  # ``Tarn`` for ``Tarn Valley Hawks``, never a place
    return forms


def _short_forms(mentions: list[_Mention]) -> dict[str, _Mention]:
    """The name alone of a named storm or of a river or lake the gazetteer does not list as a
    town, mapped to the full mention (``Ada`` -> ``Storm Ada``, ``Tarn`` -> ``Tarn River``).

    Example:
        >>> found = [_Mention(0, 9, "EVENT", "Storm Ada"), _Mention(11, 21, "LOC", "Tarn River")]
        >>> {short: m.text for short, m in _short_forms(found).items()}
        {'Ada': 'Storm Ada', 'Tarn': 'Tarn River'}
    """
    forms: dict[str, _Mention] = {}
    heads = sorted(EVENT_HEADS, key=len, reverse=True)
    for m in mentions:
        head = next((h for h in heads if m.type == "EVENT" and m.text.startswith(h + " ")), None)
        if head is not None:
            forms.setdefault(m.text[len(head) + 1 :], m)
        words = m.text.split()
        if m.type == "LOC" and len(words) == 2 and (water := set(words) & PLACE_HEADS):
            short = words[1] if words[0] in water else words[0]
            if short not in place_names() and short not in PLACE_HEADS:
                forms.setdefault(short, m)  # ``the Tarn`` after ``River Tarn``
    return forms


_TITLE_THEN_WORD = re.compile(
    r"\b(?i:" + "|".join(sorted(map(re.escape, _TITLE_WORDS))) + r")\.? (?P<name>[A-Z][\w’'-]+)"
)
"""A title or honorific and the word after it (``Ms Marsh``, ``Sgt Hill``): a person's name."""


def _relabel_and_propagate(
    text: str, mentions: list[_Mention], lowercase: set[str]
) -> list[_Mention]:
    """Give each surface form one type (surnames of people become PERSON), then tag its misses."""
    context = _context_votes(text, mentions)
    titled = {match["name"] for match in _TITLE_THEN_WORD.finditer(text)}
    place_firsts = {
        words[0]
        for m in mentions
        if m.type == "ORG"
        and len(words := m.text.split()) > 1
        and (
            words[-1] in _PLACE_NAMED_HEADS
            or (words[-1] in NEWSPAPER_HEADS and words[0] in place_names())
        )
        and words[0][0].isupper()
    }
    corporate = {
        short: full
        for short, full in _corporate_short_forms(mentions).items()
        if (short, "GPE") not in context  # ``in Ardley``: a place, whatever ``Ardley Group`` is
        and short not in place_firsts
    }
    for m in mentions:
        words = m.text.split()
        if len(words) > 1 and m.text in corporate:
            m.type = "ORG"  # ``Tarn Harbour`` after ``Tarn Harbour Foods Ltd``: the company
        elif (
            m.type in ("PERSON", "ORG", "MISC")
            and len(words) > 1
            and words[-1] in _PLACE_WORDS
            and not (m.decided or words[-1] in titled)  # ``Sgt Ann Marsh``: a person
        ):
            m.type = "LOC"
        elif (
            m.type == "GPE"
            and len(words) > 1
            and words[-1] in _BUILT_PLACE_WORDS
            and m.text not in place_names()
        ):
            m.type = "LOC"  # ``Tarn Road``, ``Tarnley Station``: a street or a building
        elif m.type != "DATE" and len(words) > 1 and words[0] in PLACE_HEADS:
            m.type, m.decided = "LOC", True  # ``River Tarn``
        elif m.text in corporate or (m.type == "PERSON" and words[0] in corporate):
            m.type = "ORG"  # ``Acme``, ``Acme Tarn``: a company's short name, not a person
    person_surnames = {
        _last_word(m.text) for m in mentions if m.type == "PERSON" and len(m.text.split()) > 1
    }
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        votes.setdefault(m.text, Counter())[m.type] += 1
    for (surface, label), count in context.items():
        votes[surface][label] += count
    for place in place_firsts:  # ``Tarnley`` alone after ``Tarnley Borough Council``: the town
        votes.setdefault(place, Counter())["GPE"] += 3
    decided: dict[str, Counter[str]] = {}
    for m in mentions:
        if m.decided:
            decided.setdefault(m.text, Counter())[m.type] += 1
    for m in mentions:  # ``TARN MILLS, Tarnshire —``: the dateline's town, in any case
        if m.type == "GPE" and m.text.isupper() and len(m.text) > 3 and m.text.title() in votes:
            decided.setdefault(m.text.title(), Counter())["GPE"] += 1
    first_names = {
        m.text.split()[0] for m in mentions if m.type == "PERSON" and len(m.text.split()) > 1
    }
    introduced = person_surnames | first_names
    chosen: dict[str, EntityType] = {}
    for surface, counter in votes.items():
        counter = decided.get(surface, counter)  # what the context decided outweighs the model
        if " " not in surface and surface not in introduced and len(counter) > 1:
            counter = counter - Counter({"PERSON": counter["PERSON"]})  # no one's name here
        best: EntityType = counter.most_common(1)[0][0]  # type: ignore[assignment]
        if surface in person_surnames and not decided.get(surface, Counter())["GPE"]:
            best = "PERSON"  # unless a pattern placed it (``residents in Tarnia's west``)
        chosen[surface] = best
    for short in corporate:
        chosen.setdefault(short, "ORG")
    known_places = place_names()
    not_places = lowercase | SITE_SECTIONS  # ``Council`` written ``council``, ``Sport``
    people = introduced | titled
    for surface, label in chosen.items():
        if (
            label in ("ORG", "PERSON", "MISC")
            and surface in known_places
            and surface.lower() not in not_places
            and surface not in people
            and surface not in corporate
            and surface not in decided
            and not context[(surface, "ORG")]
        ):
            chosen[surface] = "GPE"  # ``Tarnley`` the model took for a company: a town
    for short, full in _short_forms(mentions).items():
        chosen[short] = full.type  # ``Ada`` after ``Storm Ada``, ``Tarn`` after ``River Tarn``
    for surname in person_surnames:  # ``Okoro`` alone after ``Ada Okoro``, also in capitals
        if surname.lower() not in lowercase:
            for form in (surname, surname.upper()):
                chosen.setdefault(form, "PERSON")
    for first in first_names - person_surnames:  # ``Ada`` alone after ``Ada Okoro``
        if first.lower() not in lowercase and first.lower() not in NAME_TITLES and len(first) > 2:
            if first in known_places or first in decided or first in corporate:
                chosen.setdefault(first, "PERSON")
            else:  # whatever the model took ``“Ada stopped thinking …`` for
                chosen[first] = "PERSON"
    for m in mentions:
        m.type = chosen[m.text]
    taken = sorted((m.start, m.end) for m in mentions)
    covered = [False] * (len(text) + 1)
    for start, end in taken:
        for i in range(start, end):
            covered[i] = True
    extra: list[_Mention] = []
    for surface, label in chosen.items():
        if label == "DATE" or len(surface) < 3 or not surface[0].isupper():
            continue
        pattern = _whole_word(surface)
        for match in pattern.finditer(text):
            if any(covered[match.start() : match.end()]):
                continue
            following = re.match(r" ([A-Z][\w’'-]*)", text[match.end() : match.end() + 30])
            if (
                label == "GPE"
                and following
                and _body_acronym(following[1])
                and following[1].lower() not in PERSON_NOUNS  # ``Tarnley GP surgery``
                and not re.match(r" [A-Z]", text[match.end() + len(following[0]) :])
                and not any(covered[match.start() : match.end() + len(following[0])])
            ):  # ``Tarnley RCMP``: the town's branch of a body (not ``Tarnley TD Ann Lee``)
                end = match.end() + len(following[0])
                extra.append(_Mention(match.start(), end, "ORG", text[match.start() : end]))
                for i in range(match.start(), end):
                    covered[i] = True
                continue
            if " " not in surface and following and following[1].lower() not in _TITLE_WORDS:
                continue  # ``Tarn`` in ``Tarn West``: the start of another name
            window = max(0, match.start() - 8)
            body = _BODY_BEFORE.search(text[window : match.start()])
            if label in ("GPE", "LOC") and body and _body_acronym(body[1]):
                start = window + body.start(1)  # ``(NHS Tarnshire)``: a body, not the place
                if not any(covered[start : match.end()]):
                    name = text[start : match.end()]
                    extra.append(_Mention(start, match.end(), "ORG", name))
                    for i in range(start, match.end()):
                        covered[i] = True
                continue
            extra.append(_Mention(match.start(), match.end(), label, surface))
            for i in range(match.start(), match.end()):
                covered[i] = True
    for m in mentions:  # ``Kent and Sussex``: a place coordinated with a place
        if m.type not in ("GPE", "LOC"):
            continue
        joined = _COORDINATED.match(text, m.end)
        if joined and not any(covered[joined.start("name") : joined.end("name")]):
            name = joined.group("name")
            if name.lower() not in lowercase:
                extra.append(_Mention(joined.start("name"), joined.end("name"), m.type, name))
                for i in range(joined.start("name"), joined.end("name")):
                    covered[i] = True
    for found in _KNOWN_PLACE.finditer(text):  # ``in Tarnley``, untagged by the model
        name, start, end = found["name"], found.start("name"), found.end("name")
        before = text[max(0, start - 16) : start]
        if (
            name in known_places
            and not any(covered[start:end])
            and name.lower() not in lowercase
            and (
                _PLACE_BEFORE.search(before)
                or _ROUTE_BEFORE.search(before)
                or before.endswith(" at ")  # ``the River Tarn at Ardley``
                or (re.search(r"\s[a-z]{3,} of\s$", before) and name not in people)
            )  # ``the hard courts of Tarnley``
            and not _HOLDING_IN.search(before)
        ):
            extra.append(_Mention(start, end, "GPE", name))
            for i in range(start, end):
                covered[i] = True
    result = sorted(mentions + extra, key=lambda m: (m.start, -m.end))
    kept: list[_Mention] = []
    for m in result:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


_BODY_BEFORE = re.compile(r"(?<![\w-])([A-Z]{2,6}) \Z")
"""An acronym just before a name (``NHS `` in ``NHS Tarnshire``)."""

_KNOWN_PLACE = re.compile(
    rf"(?<![\w’'-])(?P<name>[{_UPPER}][\w’'-]*(?: [{_UPPER}][\w’'-]*){{0,2}})(?![\w’'-])"
    rf"(?! [{_UPPER}])"
)
"""A run of capitalised words not followed by another: a place's name if the gazetteer knows it."""

_COORDINATED = re.compile(
    rf",? (?:and|or) (?P<name>[{_UPPER}][^\W\d_]+(?:(?: |-(?:[a-z]{{1,5}}-)?)[{_UPPER}][^\W\d_]+)?)"
    r"(?![\w-])"
)
"""A name coordinated after another (``and Tarnley``, ``and Ardley-on-Tarn``)."""


def _acronym(surface: str) -> str | None:
    letters = surface.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper():
        return letters
    return None


def _initials(surface: str) -> str:
    """The initials of a name's capitalised words (``Guild of Harbour Pilots`` ->
    ``GHP``), "" for a one-word name."""
    words = [w for w in re.findall(r"[^\W\d_]+", surface) if w[0].isupper()]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def _acronym_letters(acronym: str) -> str:
    """The letters that abbreviate words: the capitals of a mixed-case acronym (``TfT`` ->
    ``TT``), else all of them."""
    capitals = "".join(c for c in acronym if c.isupper())
    return capitals if len(capitals) >= 2 and not acronym.isupper() else acronym.upper()


_NAME_JOINERS = frozenset({"for", "and", "&", "the", "on", "in"})
"""Lowercase words inside an organisation's name (``Department for the Economy``)."""


def _abbreviates_common_words(text: str, m: _Mention) -> bool:
    """Whether a bracketed acronym stands for the common words before it (``Mayoral committee
    member (MMC)``, ``a mutual aid agreement (MAA)``), not for a name.

    Example:
        >>> text = "The mayoral committee member (MCM) said"
        >>> _abbreviates_common_words(text, _Mention(30, 33, "PERSON", "MCM"))
        True
    """
    if not (
        _acronym(m.text) and text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] == ")"
    ):
        return False
    words = re.findall(r"[^\W\d_][\w’'-]*", text[max(0, m.start - 80) : m.start - 1])
    letters = m.text.upper()
    long_form = words[-len(letters) :]
    return (
        len(long_form) == len(letters)
        and "".join(w[0] for w in long_form).upper() == letters
        and sum(w[0].islower() for w in long_form) >= len(long_form) - 1
    )


def _byline_role(text: str, m: _Mention) -> bool:
    """Whether a mention is the job after the name in a byline (``By Ann Lee, Court Reporter``).

    Example:
        >>> text = "By Ann Lee, Court Reporter\\nA man was jailed."
        >>> _byline_role(text, _Mention(12, 26, "ORG", "Court Reporter"))
        True
    """
    line_start = text.rfind("\n", 0, m.start) + 1
    role = _line_of(text, m.start)[m.start - line_start :].split()  # ``Tarn county reporter``
    return bool(
        _BYLINE.match(text, line_start)
        and text[line_start : m.start].rstrip().endswith(",")
        and role
        and _is_person_noun(role[-1])
    )


def _defined_names(text: str) -> list[_Mention]:
    """Names defined by the acronym after them (``Transport for Tarnshire (TfT)``): the shortest run
    of capitalised words and connectors before the bracket whose initials the acronym
    abbreviates, an organisation (the model often tags only its last word, a place).

    Example:
        >>> [m.text for m in _defined_names("Flood maps from Natural Resources Tarnia (NRT).")]
        ['Natural Resources Tarnia']
    """
    found: list[_Mention] = []
    for bracket in re.finditer(r" \((?P<acronym>[A-Z][A-Za-z&]{1,7})\)", text):
        letters = _acronym_letters(bracket["acronym"])
        line_start = text.rfind("\n", 0, bracket.start()) + 1
        words = list(re.finditer(r"\S+", text[line_start : bracket.start()]))
        for word in words[::-1][: len(letters) + 2]:
            if not (word[0][0].isupper() or word[0] in CONNECTORS or word[0] in _NAME_JOINERS):
                break
            start = line_start + word.start()
            if word[0][0].isupper() and _abbreviates(
                letters, _initials(text[start : bracket.start()])
            ):
                end = bracket.start()
                found.append(_Mention(start, end, "ORG", text[start:end]))
                break
    return found


def _abbreviates(acronym: str, initials: str) -> bool:
    """Whether ``acronym`` abbreviates a name with these initials: all of them, or some of them
    in order from the first (``THT`` for ``Tarn Hospitals NHS Trust``, initials ``THNT``).

    Example:
        >>> _abbreviates("THT", "THNT"), _abbreviates("HT", "THNT")
        (True, False)
    """
    if len(acronym) < 2 or not initials or acronym[0] != initials[0]:
        return False
    rest = iter(initials[1:])
    return all(letter in rest for letter in acronym[1:])


def _with_suffix(surface: str, mentions: list[_Mention]) -> str | None:
    """The longer ORG mention that is ``surface`` and a company suffix (``Acme`` -> ``Acme Ltd``).

    Example:
        >>> _with_suffix("Acme Works", [_Mention(0, 13, "ORG", "Acme Works AS")])
        'Acme Works AS'
    """
    for m in mentions:
        if m.type == "ORG" and m.text.startswith(surface + " "):
            rest = m.text[len(surface) + 1 :]
            if ORG_SUFFIX.fullmatch("Name " + rest):
                return m.text
    return None


def _link(mentions: list[_Mention]) -> dict[str, str]:
    """Canonical form per surface: surnames to full names, acronyms to their expansions."""
    canonical: dict[str, str] = {}
    full_people: dict[str, Counter[str]] = {}
    first_seen: dict[str, int] = {}
    for m in mentions:
        if m.type == "PERSON" and len(m.text.split()) > 1:
            full_people.setdefault(_last_word(m.text), Counter())[m.text] += 1
            first_seen.setdefault(m.text, m.start)
    expansions = {
        _initials(m.text): m.text
        for m in mentions
        if m.type in ("ORG", "GPE", "LOC", "EVENT", "MISC") and _initials(m.text)
    }
    corporate = _corporate_short_forms(mentions)
    short_forms = _short_forms(mentions)
    for m in mentions:
        if m.text in canonical:
            continue
        form = m.text
        if m.text in short_forms and m.type == short_forms[m.text].type:
            canonical[m.text] = short_forms[m.text].text
            continue
        if m.type == "ORG" and m.text in corporate:
            canonical[m.text] = corporate[m.text]
            continue
        if m.type == "ORG" and (longer := _with_suffix(m.text, mentions)):
            canonical[m.text] = longer
            continue
        if m.type == "PERSON":
            initial = m.text[0] if " " in m.text else ""  # ``R Lee`` is not ``Ann Lee``
            fulls = Counter(
                {
                    full: count
                    for full, count in full_people.get(_last_word(m.text), Counter()).items()
                    if full.startswith(initial)
                }
            )
            if fulls:
                form = max(  # ``Ann Lee`` over ``A Lee``, then the most named, the first named
                    fulls,
                    key=lambda f: (
                        len(f.split()),
                        len(f.split()[0].rstrip(".")) > 1,
                        fulls[f],
                        -first_seen[f],
                    ),
                )
        elif (acronym := _acronym(m.text)) and (
            expanded := [
                full for initials, full in expansions.items() if _abbreviates(acronym, initials)
            ]
        ):
            form = expansions.get(acronym, expanded[0])
        canonical[m.text] = form
    return canonical


_DEMONYM = re.compile(r"(?:an|ans|ese|ish|i|is|ic|ics|ch|sh|ss|ek|eks|er|ers|ite|ites|ots?|ine)$")


_INDEX_NAME = re.compile(r"(?<![\w&/])[A-Z][A-Z&/]+ (?!(?:19|20)\d\d\b)\d{2,4}(?![\w,.]\d)")
"""A stock market index by its letters and number (``FTSE 100``, ``S&P/TSE 300``)."""

_LANGUAGE_ENDING = re.compile(r"(?:ic|ish|ese|ian)$")
"""How a language's name ends (``Tarnic``, ``Tarnish``, ``Tarnese``, ``Tarnian``)."""

_AGE_AFTER = re.compile(r",\s\d{1,3},")


_LOCATIVE = frozenset({"in", "near", "outside", "across", "around"})
"""Prepositions whose object is a place when it is a name (``in Tarnley``)."""

_PLACE_BEFORE = re.compile(
    r"(?:^|\s)(?:" + "|".join(sorted(_LOCATIVE)) + r"|(?:north|south|east|west)(?:-?(?:east|west))?"
    r" of)\s$|,\sof\s$"
)

_PLACE_AFTER = re.compile(r"(?:['’]s)? (?:town centre|city centre|high street|seafront)\b")
"""Words after a town's name: ``Tarnley town centre``, ``Tarnley's high street``."""


_LOWERCASE_AFTER = re.compile(r" [a-z]")

_LIST_GAP = re.compile(r", |,? and |,? or ")


_HOLDING_IN = re.compile(r"(?:shares|stake|stakes|investment|invested|interest) in\s$", re.I)
"""``Shares in X``: a company, not a place."""

_ROUTE_BEFORE = re.compile(r"(?:^|\s)(?:from|to|between|via|towards|through)\s$")


"""Prepositions of a route: evidence of a place only against the model's PERSON."""


_NOT_SECTOR_WORDS = PLACE_QUALIFIERS | COMMON_WORDS | _TITLE_WORDS
"""Capitalised words before a place that do not make it a body's name (``Rural``, ``In``)."""


def _body_acronym(word: str) -> bool:
    """An acronym that is no country's (``NHS``, not ``UK``)."""
    return bool(_ACRONYM_WORD.fullmatch(word)) and word not in GPE_ACRONYMS


def _bodies_named_for_places(
    doc: Any, mentions: list[_Mention], lowercase: set[str]
) -> list[_Mention]:
    """A place the model tagged alone after an acronym or a common noun in capitals: the name of
    a public body that serves it (``NHS Tarnshire``, ``Transport Tarnland``, ``Education
    Tarnland``), an organisation.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("Transport Tarnland said transport was free.")
        >>> doc[0].pos_, doc[0].is_sent_start = "PROPN", True
        >>> found = _bodies_named_for_places(doc, [_Mention(10, 18, "GPE", "Tarnland")], set())
        >>> [(m.text, m.type) for m in found]
        [('Transport Tarnland', 'ORG')]
    """
    by_end = {t.idx + len(t.text): t for t in doc}
    starts = {m.start for m in mentions}
    result: list[_Mention] = []
    for m in mentions:
        words = m.text.split()
        if (
            m.type in ("GPE", "LOC", "PERSON")
            and len(words) > 1
            and _body_acronym(words[0])
            and not any(w.isupper() for w in words[1:])  # not a dateline ``SAN JOSE``
        ):
            m.type = "ORG"  # the model tagged ``NHS Tarnshire`` whole, as a place
        token = by_end.get(m.start - 1)
        if (
            m.type in ("GPE", "LOC")
            and " " not in m.text
            and token is not None
            and doc.text[m.start - 1] == " "
            and token.idx not in starts
            and not token.ent_type_
        ):
            word = token.text
            sector = (
                token.pos_ in ("NOUN", "PROPN")
                and word.istitle()
                and (word.lower() in lowercase or token.is_sent_start)
                and word.lower() not in _NOT_SECTOR_WORDS
            )
            if _body_acronym(word) or sector:
                name = doc.text[token.idx : m.end]
                result.append(_Mention(token.idx, m.end, "ORG", name))
                continue
        result.append(m)
    return result


def _fix_types(doc: Any, mentions: list[_Mention], lowercase: set[str]) -> list[_Mention]:
    """Types the context decides, whatever the model said; mentions that are common words dropped.

    - ``Name (ACR)`` with ACR the initials of the name's capitalised words: an organisation, and
      so is ACR;
    - ``Name, 67,``: a person (an age in apposition);
    - a NORP that is no nationality word (``the Ardle``): a place (LOC after ``the``, else GPE);
    - one word in lowercase elsewhere in the article (``Floodwater`` opening a sentence) or
      tagged as a common noun: not a name.
    """
    text: str = doc.text
    proper_tags = {t.idx: t.tag_ for t in doc}
    sentence_starts = {t.idx for t in doc if t.is_sent_start}
    kept: list[_Mention] = []
    bracketed: list[_Mention] = []  # ``(GHP)`` after its expansion, ``(Lab)`` after a name
    mentions = _bodies_named_for_places(doc, mentions, lowercase)
    heads = _mention_heads(doc, mentions)
    for m in mentions:
        after = text[m.end : m.end + 40]
        if (
            _NOT_A_NAME.match(m.text)
            and (m.type != "DATE" or m.text.startswith("Year"))
            and not m.decided  # ``the A6``: a road, found by its pattern
        ):
            continue
        if m.text.lower().rstrip(".") in _TITLE_WORDS:
            continue  # ``Ald.`` alone: a title, not a name
        if m.type == "PERSON" and m.text.lower() in KIN_NOUNS:
            continue  # ``Mum was careful``: a kin word, not a name
        if _abbreviates_common_words(text, m):
            continue  # ``committee member (CM)``: the short form of no name
        if _byline_role(text, m):
            continue  # ``By Ann Lee, Court Reporter``: her job, not an organisation
        if _site_section(text, m) or _cookie_banner(_line_of(text, m.start)):
            continue
        if _headline_words(text, m, lowercase):
            continue
        if (
            m.start in sentence_starts
            and proper_tags.get(m.start) == "NNPS"
            and m.text.istitle()
            and " " not in m.text
            and m.text not in place_names()
            and text.count(m.text) == 1
        ):
            continue  # ``Tributes have been paid``: a plural noun opening a headline
        if m.text.lower() in WEEKDAYS:
            m.type, m.decided = "DATE", True  # ``on Saturday``, whatever the model said
        elif (
            m.type != "DATE"
            and text[max(0, m.start - 9) : m.start].lower().startswith(("the ", "the 1", "the 2"))
            and m.text.split()[-1].lower() in EVENT_TAILS
            and " " in m.text
        ):
            m.type, m.decided = "EVENT", True  # ``the 2019 Lark Hill Fire``
        elif (
            m.type in ("MISC", "ORG", "PERSON")
            and " " in m.text
            and m.text.split()[-1].lower() in COMPETITION_ENDS
        ):
            m.type, m.decided = "EVENT", True  # ``the Tarn Valley Cup``
        if m.type != "DATE" and " " not in m.text:
            if _menu_label(text, m):
                continue
            if re.fullmatch(r"[A-Z][a-z]+ing", m.text) and after.startswith(","):
                continue  # ``Defending, solicitor Ann Lee said``: a participle
            if m.text.lower() in lowercase and not m.text.isupper():
                continue
            if (
                proper_tags.get(m.start) in ("NN", "NNS")
                and m.type != "NORP"
                and not m.decided
                and not m.text.isupper()
            ):
                continue
        acronym = re.match(r" \(([^\W\d_]{2,8})\)", after)
        decided = _apposition_type(heads.get(m.start)) if m.type != "DATE" else None
        if decided == "PERSON" and _names_a_body(m.text):
            decided = None  # ``At Tarnley Hospital, the medical director``: no one's name
        party = _PARTY_LABEL.match(after) if m.type == "PERSON" else None
        if party:  # ``Cllr Ann Lee (Lab)``: her party, by its short name
            start = m.end + 2
            bracketed.append(_Mention(start, start + len(party[1]), "ORG", party[1]))
        if acronym and _abbreviates(_acronym_letters(acronym[1]), _initials(m.text)):
            m.type = "ORG"
            start = m.end + 2
            bracketed.append(
                _Mention(start, start + len(acronym.group(1)), "ORG", acronym.group(1))
            )
        elif _TICKER.match(after) and m.type != "DATE":
            m.type, m.decided = "ORG", True
        elif decided is not None:
            m.type, m.decided = decided, True
        elif m.type in ("GPE", "LOC", "NORP") and _names_a_body(m.text):
            m.type = "ORG"  # ``Tarn County Coroner's Office``: a body, not its county
        elif (
            m.type == "PERSON"
            and " " in m.text
            and proper_tags.get(_last_start(m)) == "NNPS"
            and not m.decided  # ``By Ann Watkeys``: a byline's name
        ):
            m.type, m.decided = "ORG", True  # ``Tarn Hawks``: a team, not a person
        elif _AGE_AFTER.match(after) and m.type in ("ORG", "GPE", "NORP", "MISC", "LOC"):
            m.type = "PERSON"
        elif " " not in m.text and m.text.endswith("shire") and m.type != "GPE":
            m.type, m.decided = "GPE", True  # ``Tarnshire``: a county
        elif m.type in ("ORG", "GPE") and (
            _INDEX_NAME.fullmatch(m.text) or m.text.endswith(" Index")
        ):
            m.type, m.decided = "MISC", True  # ``the FTSE 100``: an index, not its exchange
        elif " " in m.text and m.text.split()[-1] in _DIVISION_WORDS and m.type != "GPE":
            m.type, m.decided = "GPE", True  # ``Warra Shire``, ``Tarn County``
        elif (
            m.type in ("PERSON", "MISC")
            and m.text not in place_names()
            and _role_of_body_after(doc, m)
        ):
            m.type, m.decided = "ORG", True  # ``Tarn Meadow captain Ann Lee``: her club
        elif (
            m.type in ("GPE", "NORP")
            and " " not in m.text
            and text[max(0, m.start - 3) : m.start] == "in "
            and _LANGUAGE_ENDING.search(m.text)
            and m.text not in place_names()
        ):
            m.type, m.decided = "MISC", True  # ``Tarnog in Tarnic``: a language
        elif m.type == "NORP" and not _DEMONYM.search(m.text.split()[-1]):
            if proper_tags.get(_last_start(m)) == "NNPS" or m.text.endswith("Democrat"):
                m.type = "ORG"  # ``the Free Democrats``, ``Social Democrat members``: a party
            else:
                m.type = "LOC" if text[max(0, m.start - 4) : m.start].lower() == "the " else "GPE"
        kept.append(m)
    for found in bracketed:
        same = [m for m in kept if m.start < found.end and found.start < m.end]
        if not same:
            kept.append(found)
        elif len(same) == 1 and (same[0].start, same[0].end) == (found.start, found.end):
            same[0].type, same[0].decided = "ORG", True
        elif all(found.start <= m.start and m.end <= found.end for m in same):
            kept = [m for m in kept if m not in same] + [found]
    return sorted(kept, key=lambda m: (m.start, -m.end))


_PARTY_LABEL = re.compile(r" \(((?:[A-Z][a-z]{1,5}|[A-Z]{2,4})(?: [A-Z][a-z]{1,5})?)\)")
"""A short capitalised label in brackets after a person's name: a party (``(Lab)``, ``(Lib
Dem)``, ``(SNP)``)."""

_NOT_A_NAME = re.compile(
    r"^[A-Z]{0,3}[$€£¥₦]?\d|^[A-Z][A-Za-z]{1,2}\d[\d,.]*(?: ?(?:bn|m|million|billion|crore|lakh))?$"
    r"|^Year \d{1,2}$|^(?:GMT|BST|UTC|CES?T|[ECMP][SD]?T|AE[SD]T|NZ[SD]T)$"
)
"""Amounts of money (``N11.9 billion``, ``R$18 million``, ``KSh52``, ``Rs25 lakh``), school years
(``Year 2``) and time zones (``GMT``)."""

_TICKER = re.compile(_TICKER_TAIL)


"""A stock ticker after a name: ``Acme Mining (ASX: ACM)`` is a company."""


def _last_start(m: _Mention) -> int:
    """Offset of the last word of a mention."""
    return m.start + m.text.rfind(" ") + 1


def _mention_heads(doc: Any, mentions: list[_Mention]) -> dict[int, Any]:
    """Each mention's head token (the token whose head lies outside the mention), by start."""
    heads: dict[int, Any] = {}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            heads[m.start] = span.root
    return heads


_OTHER = frozenset({"PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "LANGUAGE"})
"""The pipeline's labels for names that are no person, organisation or place."""


def _apposition_type(head: Any) -> EntityType | None:
    """The type an apposition decides: a name next to ``the company``/``the housing
    association`` is an organisation, next to ``an analyst``/``the family's solicitor``/
    ``my neighbour`` a person."""
    if head is None:
        return None
    located = head.dep_ == "pobj" and head.head.lower_ in _LOCATIVE
    nouns = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    nouns += [c for c in head.lefts if c.dep_ in ("compound", "amod", "nmod") and c.is_lower]
    if head.dep_ == "appos" and head.head.pos_ == "NOUN":
        nouns.append(head.head)
    if head.dep_ in ("compound", "nmod") and head.head.pos_ == "NOUN" and head.ent_type_ in _OTHER:
        nouns.append(head.head)  # ``the Tarn Members' Voice group``, not ``the Tarn police``
    for noun in nouns:
        lemma = noun.lemma_.lower()
        if lemma in ORG_NOUNS:
            return "ORG"
        if lemma in _PRODUCT_NOUNS or noun.lower_ in _PRODUCT_NOUNS:
            return "MISC"  # ``the Tarn X, a tablet``: a product
        if lemma in PERSON_NOUNS and not located:  # ``in Tarnley, the minister said``
            return "PERSON"
    return None


def _role_of_body_after(doc: Any, m: _Mention) -> bool:
    """A role and a person's name right after a name (``Tarn Meadow captain Ann Lee``, ``Tarn
    Fire battalion chief Ann Lee``): the name is the body she holds the role in."""
    following = doc.char_span(m.end + 1, min(len(doc.text), m.end + 40), alignment_mode="contract")
    if following is None or doc.text[m.end : m.end + 1] != " ":
        return False
    for token in following[:3]:
        if token.pos_ != "NOUN" or not token.is_lower:
            return False
        if token.lower_ in PERSON_NOUNS:
            after = token.nbor() if token.i + 1 < len(doc) else None
            return after is not None and after.pos_ == "PROPN" and after.is_title
    return False


def _headline_words(text: str, m: _Mention, lowercase: set[str]) -> bool:
    """Common words a headline in title case capitalises (``Acme Opens Battery Assembly and
    Training Center``): a mention there that the article never repeats, that the gazetteer does
    not list and that holds a word the article writes in lower case is no name.

    Example:
        >>> text = "Acme Opens Battery Assembly Plant in Tarnley\\nAcme said battery sales rose."
        >>> _headline_words(text, _Mention(11, 27, "ORG", "Battery Assembly"), {"battery"})
        True
    """
    line = _line_of(text, m.start)
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) > 3]
    title_case = (
        len(words) >= 4
        and not line.isupper()
        and not re.search(r"[.:!?] ", line)  # a caption or a sentence, not a headline
        and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
    )
    return (
        title_case
        and m.type not in ("PERSON", "DATE")
        and m.text not in place_names()
        and len(_whole_word(m.text).findall(text)) == 1
        and any(w.lower() in lowercase for w in m.text.split())
    )


def _cookie_banner(line: str) -> bool:
    """A cookie banner (``We use cookies … you agree to our Privacy Policy. Accept | Manage``):
    site furniture, none of it names; a footer with the copyright keeps its names.

    Example:
        >>> _cookie_banner("We use cookies. See our Privacy Policy. Accept | Manage preferences")
        True
        >>> _cookie_banner("© 2025 Tarnley Courier | Privacy | Cookies")
        False
    """
    return "cookie" in line.lower() and "©" not in line


def _site_section(text: str, m: _Mention) -> bool:
    """An item of a site's menu (a line of three or more items between bars) that names a
    section or a button (``Sport``, ``Contests``, ``Reject``), or that the article names nowhere
    else and that sits between such items: site furniture, not a name.

    Example:
        >>> line = "Home | Local News | Weather | Road Trips | Obituaries"
        >>> _site_section(line, _Mention(29, 39, "ORG", "Road Trips"))
        True
        >>> _site_section("Tarnley | Ardley | Sport", _Mention(0, 7, "GPE", "Tarnley"))
        False
    """
    line = _line_of(text, m.start)
    if line.count("|") < 2 or m.type == "DATE":
        return False
    if m.text.lower() in SITE_SECTIONS:
        return True
    items = [item.strip() for item in line.split("|")]
    if m.text not in items:
        return False
    at = items.index(m.text)
    neighbours = items[max(0, at - 1) : at] + items[at + 1 : at + 2]
    return (
        all(item.lower() in SITE_SECTIONS for item in neighbours)
        and m.text not in place_names()
        and len(_whole_word(m.text).findall(text)) == 1
    )


def _menu_label(text: str, m: _Mention) -> bool:
    """A one-word button or menu label in a line of site furniture (``Accept all | Manage
    preferences | Reject non-essential``): a capitalised verb, not a name."""
    line = _line_of(text, m.start)
    if line.count("|") < 2:
        return False
    return bool(re.match(r" [a-z]", text[m.end : m.end + 2]))


def _context_votes(text: str, mentions: list[_Mention]) -> Counter[tuple[str, str]]:
    """Extra type votes from the words around a mention: ``in X`` votes GPE for a one-word name;
    a name listed with towns (``Lima, Quito and Cusco``) votes GPE, one after a fronted place
    (``In Kettering, Acme said``) does not.

    Example:
        >>> text = "In Kettering, Acme said so."
        >>> found = [_Mention(3, 12, "GPE", "Kettering"), _Mention(14, 18, "PERSON", "Acme")]
        >>> _context_votes(text, found)[("Acme", "GPE")]
        0
    """
    votes: Counter[tuple[str, str]] = Counter()
    known_places = place_names()
    decided_places = {m.text for m in mentions if m.type == "GPE" and m.decided}
    for m, listed in pairwise(mentions):  # ``Lima, Quito and Cusco``: a list of places
        gap = text[m.end : listed.start]  # shares their type
        if gap == ", " and m.type == "ORG" and listed.type == "GPE" and " " not in m.text:
            votes[(m.text, "GPE")] += 2  # ``Ardley, Tarnshire``: a town and its county
        route = gap == " to " and text[max(0, m.start - 5) : m.start].lower() == "from "
        if not (_LIST_GAP.fullmatch(gap) or route):  # ``from Tarnley to Ardley``: a route too
            continue
        if gap == ", " and not _LIST_GAP.match(text, listed.end):
            continue  # ``In Tarnley, Acme said``: a fronted phrase, not a list
        for town, other in ((m, listed), (listed, m)):
            if (
                (town.type == "GPE" or town.text in decided_places or town.text in known_places)
                and other.type in ("PERSON", "ORG")
                and " " not in other.text
            ):
                votes[(other.text, "GPE")] += 2
    for m in mentions:  # ``the Tarn catchment``, ``the Ardley area``
        noun = re.match(r" ([a-z]+)\b", text[m.end : m.end + 20])
        if m.type in ("PERSON", "ORG") and " " not in m.text and noun and noun[1] in _GEO_NOUNS:
            votes[(m.text, _GEO_NOUNS[noun[1]])] += 3
    typed = {m.text: m.type for m in mentions if m.type not in ("DATE", "LOC")}
    for surface, label in typed.items():
        if " " in surface:  # one-word names only; ``in`` tells no LOC from GPE
            continue
        for found in _whole_word(surface).finditer(text):
            start, end = found.span()  # every occurrence, tagged by the model or not
            following = text[end : end + 2]
            before = text[max(0, start - 16) : start]
            inside = (
                _PLACE_BEFORE.search(before) and not _HOLDING_IN.search(before)
            ) or _PLACE_AFTER.match(text, end)
            place = inside or (label == "PERSON" and _ROUTE_BEFORE.search(before))
            if place and not (following[:1] == " " and following[1:2].isupper()):
                votes[(surface, "GPE")] += 3 if inside else 2  # ``in X`` outvotes one label
            elif (
                label == "PERSON"
                and before.endswith(("the ", "The "))
                and not (following[:1] == " " and following[1:2].isupper())
                and not (surface in known_places and _LOWERCASE_AFTER.match(text, end))
            ):  # ``told the Clarion``: people take no article; ``the Tarnley showground``: a town
                votes[(surface, "ORG")] += 2
    return votes


def build_entities(doc: Any) -> tuple[list[_Mention], dict[str, str]]:
    """Cleaned, consistently typed, linked entity mentions, and each surface's canonical form."""
    lowercase = {w for w in re.findall(r"[^\W\d_]+", doc.text) if w.islower()}  # common words
    mentions = _fix_types(doc, _possessive_names(doc.text, _raw_mentions(doc)), lowercase)
    mentions = _relabel_and_propagate(doc.text, mentions, lowercase)
    mentions = _type_menu_lists(doc.text, mentions, lowercase)
    _rivers_and_regions(doc, mentions)
    canonical = _link(mentions)
    for m in mentions:
        if m.type != "DATE":
            m.entity_id = kebab(canonical[m.text]) or None
    return mentions, canonical


def _rivers_and_regions(doc: Any, mentions: list[_Mention]) -> None:
    """A one-word town's name after ``the`` names a river or a region, not the town (``levels
    on the Tarn peaked``, ``the Tarn valley``): LOC for that mention; a name used as a modifier
    (``the Tarnley showground``) and a plural country (``the Tarnlands``) keep their type.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("Levels on the Wye peaked near Hay.")
        >>> doc[4].pos_ = "VERB"
        >>> found = [_Mention(14, 17, "GPE", "Wye"), _Mention(30, 33, "GPE", "Hay")]
        >>> _rivers_and_regions(doc, found)
        >>> [(m.text, m.type) for m in found]
        [('Wye', 'LOC'), ('Hay', 'GPE')]
    """
    text: str = doc.text
    by_start = {t.idx: t for t in doc}
    for m in mentions:
        if m.type != "GPE" or not m.text.istitle() or " " in m.text or m.text.endswith("s"):
            continue
        if m.decided or text[max(0, m.start - 4) : m.start] != "the ":
            continue
        following = by_start.get(m.end + (text[m.end : m.end + 1] == " "))
        if following is None:
            continue
        if following.pos_ in ("VERB", "AUX", "ADP") or following.text in (".", ";", "!", "?"):
            m.type = "LOC"  # ``on the Tarn peaked``, ``along the Tarn.``
        elif _GEO_NOUNS.get(following.lower_) == "LOC":
            m.type = "LOC"  # ``the Tarn valley``


def _possessive_names(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Names with a possessive inside (``Bishop's Tarnley``, ``the Tarn's Arms``, ``Tarners' Rest``)
    that the model cut at the apostrophe: one mention, when the gazetteer knows the whole name or
    the first part never occurs without the same second part (``Tarn's Elbow``, but not
    ``Tarnia's Labour Party``). A place when the gazetteer or the last word says so.

    Example:
        >>> text = "Floods closed Tarn's Elbow. The road at Tarn's Elbow reopened."
        >>> found = [_Mention(14, 18, "ORG", "Tarn"), _Mention(21, 26, "ORG", "Elbow"),
        ...          _Mention(40, 44, "ORG", "Tarn")]
        >>> [(m.text, m.type) for m in _possessive_names(text, found)]
        [("Tarn's Elbow", 'ORG'), ("Tarn's Elbow", 'ORG')]
    """
    known = place_names()
    joined: list[_Mention] = []
    for m in mentions:
        whole = None
        after = _POSSESSIVE_NAME.match(text, m.end) if m.type != "DATE" else None
        if (
            after is not None
            and (m.type != "PERSON" or after["last"] in _PLACE_WORDS)
            and after["last"] not in INSTITUTION_HEADS  # ``Tarnia's Ministry of …``
            and not re.match(r" [A-Z]", text[after.end() : after.end() + 2])  # ``Tarnia's Ann Lee``
        ):
            name = text[m.start : after.end()]
            forms = re.findall(rf"(?<!\w){re.escape(m.text)}(?!\w)(?:['’]s?)? ?[\w’'-]*", text)
            if name in known or (m.text not in known and all(form == name for form in forms)):
                whole = (m.start, after.end(), after["last"])
        before = _POSSESSIVE_FIRST.search(text[max(0, m.start - 30) : m.start])
        if whole is None and before is not None and " " not in m.text and m.type != "DATE":
            start = m.start - len(before.group())
            if text[start : m.end] in known:  # ``Bishop's Tarnley``, the model's ``Tarnley`` alone
                whole = (start, m.end, m.text)
        if whole is None:
            joined.append(m)
            continue
        start, end, last = whole
        label: EntityType = m.type
        if text[start:end] in known:
            label = "GPE"
        elif last in _PLACE_WORDS:
            label = "LOC"
        joined = [o for o in joined if o.end <= start]
        joined.append(_Mention(start, end, label, text[start:end]))
    kept: list[_Mention] = []
    for m in joined:  # the model's second part (``Elbow``) is inside the whole name
        if not any(o is not m and o.start <= m.start and m.end <= o.end for o in joined):
            kept.append(m)
    return kept


_POSSESSIVE_NAME = re.compile(r"['’]s? (?P<last>[A-Z][\w’'-]+)")
_POSSESSIVE_FIRST = re.compile(r"(?<![\w’'-])[A-Z][\w-]*['’]s? $")


def _type_menu_lists(text: str, mentions: list[_Mention], lowercase: set[str]) -> list[_Mention]:
    """A site-navigation line of names (``Tarnshire | Tarnley | Ardley | Sport``): every tagged
    name in it takes the type most of them have, and an untagged item the gazetteer lists as a
    town is added with that type (a site section such as ``Sport`` is not); a menu item the model
    took for a person's one-word name (``Jobs``) is no name.

    Example:
        >>> line = "Kettering | Wantage | Thame | Ledbury | Sport"
        >>> found = [_Mention(0, 9, "GPE", "Kettering"), _Mention(12, 19, "GPE", "Wantage"),
        ...          _Mention(22, 27, "ORG", "Thame")]
        >>> [(m.text, m.type) for m in _type_menu_lists(line, found, set())]
        [('Kettering', 'GPE'), ('Wantage', 'GPE'), ('Thame', 'GPE'), ('Ledbury', 'GPE')]
        >>> line = "Tarn Courier | Kettering | Wantage | Thame"  # the masthead keeps its type
        >>> found = [_Mention(0, 12, "ORG", "Tarn Courier"), _Mention(15, 24, "GPE", "Kettering"),
        ...          _Mention(27, 34, "GPE", "Wantage"), _Mention(37, 42, "ORG", "Thame")]
        >>> [(m.text, m.type) for m in _type_menu_lists(line, found, set())]
        [('Tarn Courier', 'ORG'), ('Kettering', 'GPE'), ('Wantage', 'GPE'), ('Thame', 'GPE')]
    """
    by_span = {(m.start, m.end): m for m in mentions}
    known_places = place_names()  # ``Sport`` or ``Jobs`` untagged in the line: no place
    added: list[_Mention] = []
    dropped: set[int] = set()
    for line in re.finditer(r"[^\n]+", text):
        if line.group().count("|") < 2:
            continue
        items = [
            (line.start() + item.start(), line.start() + item.end())
            for item in re.finditer(r"[^|\s][^|]*[^|\s]|[^|\s]", line.group())
        ]
        for span in items:
            if span in by_span and by_span[span].type == "PERSON" and " " not in by_span[span].text:
                dropped.add(id(by_span.pop(span)))
        types = Counter(  # not the masthead (``Tarnley Courier | News | …``)
            by_span[span].type
            for span in items
            if span in by_span and by_span[span].text.split()[-1] not in NEWSPAPER_HEADS
        )
        if not types:
            continue
        label, count = types.most_common(1)[0]
        if count < 2 or count * 2 <= sum(types.values()) or label not in ("GPE", "LOC"):
            continue
        for start, end in items:
            name = text[start:end]
            if not re.fullmatch(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,2}", name):
                continue
            if name.lower() in lowercase:
                continue
            if (start, end) in by_span:
                if name.split()[-1] not in NEWSPAPER_HEADS:
                    by_span[(start, end)].type = label
            elif (
                name in known_places
                and name.lower() not in SITE_SECTIONS
                and not any(m.start < end and start < m.end for m in mentions)
            ):
                added.append(_Mention(start, end, label, name))
    kept = [m for m in mentions if id(m) not in dropped]
    return sorted(kept + added, key=lambda m: (m.start, -m.end))


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]
