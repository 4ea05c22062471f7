"""From one parsed spaCy ``Doc`` to an :class:`~benchmark._models.Annotation` (``spacy`` system).

Layers are built in order, each using the previous ones: entities (NER, cleaned, relabelled
consistently, linked within the document), quotes (quotation marks plus the dependency parse:
the reporting verb, its subject, pronoun and title carry-over; clausal complements of
reporting verbs as indirect or mixed quotes), speakers (one per quoted entity) and claims
(one per clause-bearing sentence or quoted sentence). spaCy objects are typed ``Any``: spaCy
is an optional dependency imported only by the adapter.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..._models import Annotation, Claim, Document, Entity, EntityType, Quote, Span, Speaker
from .._shared._text import SPACES, kebab, trim
from ._lexicon import (
    BOILERPLATE,
    DATELINE,
    GROUP_PRONOUNS,
    LEADING_DROP,
    NAME_TITLES,
    OPINION_CUES,
    ORG_NOUNS,
    ORG_OF,
    ORG_SUFFIX,
    PERSON_PRONOUNS,
    PLAN_CUES,
    POSSESSIVE_ENDINGS,
    REPORTING_VERBS,
    SILENT_HEADS,
    WARNING_CUES,
)
from ._quotes import ALL_MARKS, MarkedQuote, find_marked_quotes

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
_EDGE_OPEN = "\"“”‘’'«»„([{<"
_EDGE_CLOSE = "\"“”‘’'«»,;:!?)]}>"
_DATE_KEEP = re.compile(
    r"\d|today|yesterday|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|fall|winter|week|month|year|decade|century|day",
    re.IGNORECASE,
)
_DATE_PREFIX = re.compile(
    r"^((the )?(end|beginning|start|middle|course|rest) of (the )?|(just|only|about|around|"
    r"nearly|almost|some|over|within|since|until|during|on|in|at|by) )",
    re.IGNORECASE,
)
_NOT_DATE = re.compile(r"^(multi|long|short|mid|year|day|month|week)[-\w]*$|^\w+ly$", re.I)
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass
class _Mention:
    start: int
    end: int
    type: EntityType
    text: str
    entity_id: str | None = None


@dataclass
class _Found:
    """A quote under construction."""

    start: int
    end: int
    kind: str
    verb: Any = None
    mark: MarkedQuote | None = None
    speaker: str | None = None
    speaker_id: str | None = None
    speaker_span: tuple[int, int] | None = None
    cue_span: tuple[int, int] | None = None
    members: list[MarkedQuote] = field(default_factory=list)
    organisation: bool = False


# --- entities ------------------------------------------------------------------------------


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
    while len(tokens) > 1 and tokens[0].lower_.strip(".") in {t.strip(".") for t in NAME_TITLES}:
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
        if label is None:
            continue
        start, end = ent.start_char, ent.end_char
        if label == "PERSON":
            while (
                ent.end < len(doc)
                and doc[ent.end].pos_ == "PROPN"
                and doc[ent.end].text[:1].isupper()
                and doc[ent.end].ent_iob_ == "O"
                and doc[ent.end].idx == ent.end_char + 1
            ):
                ent = doc[ent.start : ent.end + 1]
            bounds = _person_tokens(ent)
            if bounds is None:
                continue
            start, end = bounds
        start, end = _clean_edges(text, start, end, label)
        surface = text[start:end]
        if end <= start or not any(c.isalpha() for c in surface):
            continue
        if label == "DATE" and (not _DATE_KEEP.search(surface) or _NOT_DATE.match(surface)):
            continue
        if surface == "State" and text[:start].endswith(("Secretary of ", "secretary of ")):
            continue
        if label != "DATE" and not surface[0].isupper() and surface[0] != "(":
            continue
        mentions.append(_Mention(start, end, label, surface))
    mentions = _merge_bracketed(text, _split_glued(mentions))
    return _add_pattern_mentions(text, mentions)


_YEAR = re.compile(
    r"\b(?:in|since|until|by|from|before|after|of|through|to) "
    r"(?P<year>1[89]\d\d|20\d\d)\b(?![,.]?\d)"
)


def _pattern_mentions(text: str) -> list[_Mention]:
    """Mentions spaCy's small model tends to miss: datelines, company and institution names, years.

    Example:
        >>> text = "OSLO (Wire) - The Council of Fjords met in 2031."
        >>> [(m.text, m.type) for m in _pattern_mentions(text)]
        [('OSLO', 'GPE'), ('Wire', 'ORG'), ('Council of Fjords', 'ORG'), ('2031', 'DATE')]
    """
    found: list[_Mention] = []
    for para in re.finditer(r"(?:^|\n)\s*", text):
        match = DATELINE.match(text, para.end())
        if match is None:
            continue
        for group, label in (("city", "GPE"), ("region", "GPE"), ("agency", "ORG")):
            if match.group(group):
                start, end = trim(text, match.start(group), match.end(group))
                found.append(_Mention(start, end, label, text[start:end]))  # type: ignore[arg-type]
    for pattern in (ORG_SUFFIX, ORG_OF):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            lead = re.match(r"(?:The|A|An)\s+", text[start:end])
            if lead:
                start += lead.end()
            start, end = _clean_edges(text, start, end, "ORG")
            if len(text[start:end].split()) > 1:
                found.append(_Mention(start, end, "ORG", text[start:end]))
    for match in _YEAR.finditer(text):
        found.append(_Mention(match.start("year"), match.end("year"), "DATE", match["year"]))
    return found


def _add_pattern_mentions(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Pattern mentions replace the NER mentions they contain or cross; others are kept."""
    extra = _pattern_mentions(text)
    result = list(mentions)
    for m in extra:
        clashing = [o for o in result if o.start < m.end and m.start < o.end]
        if any(o.start <= m.start and m.end <= o.end and o.type == m.type for o in clashing):
            continue
        if m.type == "DATE" and clashing:
            continue
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


def _split_glued(mentions: list[_Mention]) -> list[_Mention]:
    """``NameName`` glued by a lost space: two mentions when both halves are known names."""
    known = {m.text: m.type for m in mentions}
    result: list[_Mention] = []
    for m in mentions:
        glued = re.fullmatch(r"([A-Z][a-z]+)([A-Z][a-z]+)", m.text)
        if glued and glued.group(1) in known and glued.group(2) in known:
            cut = m.start + len(glued.group(1))
            result.append(_Mention(m.start, cut, known[glued.group(1)], glued.group(1)))
            result.append(_Mention(cut, m.end, known[glued.group(2)], glued.group(2)))
        else:
            result.append(m)
    return result


def _last_word(surface: str) -> str:
    return re.sub(r"[()]", "", surface).split()[-1]


_PLACE_WORDS = frozenset(
    [
        "Hill",
        "Hills",
        "Street",
        "Avenue",
        "Road",
        "Park",
        "River",
        "Lake",
        "Mountain",
        "Mountains",
        "Bridge",
        "Square",
        "Valley",
        "Island",
        "Islands",
        "Bay",
        "Beach",
        "Heights",
        "Forest",
        "Canyon",
        "Creek",
        "Harbour",
        "Harbor",
        "Peninsula",
        "Coast",
    ]
)


def _corporate_short_forms(mentions: list[_Mention]) -> dict[str, str]:
    """First words of company names with a corporate suffix, mapped to the full name.

    Example:
        >>> _corporate_short_forms([_Mention(0, 10, "ORG", "Acme Widgets Inc")])
        {'Acme': 'Acme Widgets Inc'}
    """
    return {
        m.text.split()[0]: m.text
        for m in mentions
        if m.type == "ORG" and ORG_SUFFIX.fullmatch(m.text) and len(m.text.split()) > 1
    }


def _relabel_and_propagate(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Give each surface form one type (surnames of people become PERSON), then tag its misses."""
    person_surnames = {
        _last_word(m.text) for m in mentions if m.type == "PERSON" and len(m.text.split()) > 1
    }
    corporate = _corporate_short_forms(mentions)
    for m in mentions:
        if m.type == "PERSON" and _last_word(m.text) in _PLACE_WORDS:
            m.type = "LOC"
        elif m.text in corporate:
            m.type = "ORG"
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        votes.setdefault(m.text, Counter())[m.type] += 1
    chosen: dict[str, EntityType] = {}
    for surface, counter in votes.items():
        best: EntityType = counter.most_common(1)[0][0]  # type: ignore[assignment]
        if surface in person_surnames:
            best = "PERSON"
        chosen[surface] = best
    for short in corporate:
        chosen.setdefault(short, "ORG")
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
        pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
        for match in pattern.finditer(text):
            if any(covered[match.start() : match.end()]):
                continue
            extra.append(_Mention(match.start(), match.end(), label, surface))
            for i in range(match.start(), match.end()):
                covered[i] = True
    result = sorted(mentions + extra, key=lambda m: (m.start, -m.end))
    kept: list[_Mention] = []
    for m in result:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def _acronym(surface: str) -> str | None:
    letters = surface.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper():
        return letters
    return None


def _initials(surface: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", surface) if w.lower() not in ("of", "and", "the")]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def _link(mentions: list[_Mention]) -> dict[str, str]:
    """Canonical form per surface: surnames to full names, acronyms to their expansions."""
    canonical: dict[str, str] = {}
    full_people: dict[str, Counter[str]] = {}
    for m in mentions:
        if m.type == "PERSON" and len(m.text.split()) > 1:
            full_people.setdefault(_last_word(m.text), Counter())[m.text] += 1
    expansions = {
        _initials(m.text): m.text
        for m in mentions
        if m.type in ("ORG", "GPE", "LOC", "EVENT", "MISC") and _initials(m.text)
    }
    corporate = _corporate_short_forms(mentions)
    for m in mentions:
        if m.text in canonical:
            continue
        form = m.text
        if m.type == "ORG" and m.text in corporate:
            canonical[m.text] = corporate[m.text]
            continue
        if m.type == "PERSON":
            fulls = full_people.get(_last_word(m.text))
            if fulls:
                form = max(fulls, key=lambda f: (len(f.split()), fulls[f], f))
        elif (acronym := _acronym(m.text)) and acronym in expansions:
            form = expansions[acronym]
        canonical[m.text] = form
    return canonical


def build_entities(doc: Any) -> tuple[list[_Mention], dict[str, str]]:
    """Cleaned, consistently typed, linked entity mentions, and each surface's canonical form."""
    mentions = _relabel_and_propagate(doc.text, _raw_mentions(doc))
    canonical = _link(mentions)
    for m in mentions:
        if m.type != "DATE":
            m.entity_id = kebab(canonical[m.text]) or None
    return mentions, canonical


# --- quotes --------------------------------------------------------------------------------


class _Context:
    """Lookup tables over one parsed document."""

    def __init__(self, doc: Any, mentions: list[_Mention], canonical: dict[str, str]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.mentions = mentions
        self.canonical = canonical
        self.by_char: dict[int, _Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self.by_char[i] = m
        self.marks = find_marked_quotes(self.text)
        self.in_quote = [False] * (len(self.text) + 1)
        for q in self.marks:
            stop = q.close_at + 1 if q.close_at is not None else q.end
            for i in range(q.open_at, stop):
                self.in_quote[i] = True
        self.roles: dict[str, str] = {}
        self.person_subjects: list[tuple[int, str, str]] = []
        for token in doc:
            if token.dep_ not in ("nsubj", "nsubjpass", "appos") or self.quoted(token):
                continue
            if token.dep_ == "appos" and token.head.dep_ not in ("nsubj", "nsubjpass"):
                continue
            subject = self.by_char.get(token.idx)
            if subject is not None and subject.type == "PERSON" and subject.entity_id:
                self.person_subjects.append((token.idx, self.name_of(subject), subject.entity_id))
        self.last_person: tuple[str, str] | None = None
        self.last_group: tuple[str, str] | None = None

    def mention_at(self, token: Any) -> _Mention | None:
        return self.by_char.get(token.idx)

    def quoted(self, token: Any) -> bool:
        return bool(self.in_quote[token.idx])

    def tokens(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def same_paragraph(self, a: Any, b: Any) -> bool:
        low, high = sorted((a.idx, b.idx))
        return "\n" not in self.text[low:high]

    def person_subject_before(self, offset: int) -> tuple[str, str] | None:
        """The latest named person that is the subject of a clause before ``offset``."""
        best: tuple[str, str] | None = None
        for position, name, entity_id in self.person_subjects:
            if position >= offset:
                break
            best = (name, entity_id)
        return best

    def name_of(self, m: _Mention) -> str:
        return self.canonical.get(m.text, m.text)


def _is_reporting(token: Any) -> bool:
    return bool(token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in REPORTING_VERBS)


def _np_bounds(head: Any) -> tuple[int, int]:
    """Char range of a noun phrase: its left dependents and the head (no relative clauses)."""
    left = head
    for child in head.lefts:
        if child.dep_ in ("det", "poss", "compound", "amod", "nmod", "case", "punct", "nummod"):
            left = min(left, child.left_edge, key=lambda t: t.i)
    return left.idx, head.idx + len(head.text)


def _subject_of(ctx: _Context, verb: Any) -> Any:
    if verb.lower_ == "according":
        for to in verb.children:
            for pobj in to.children:
                if pobj.dep_ == "pobj":
                    return pobj
        return None
    subject = _dependency_subject(verb)
    if subject is not None and not ctx.quoted(subject):
        return subject
    for token in verb.doc[verb.i + 1 : verb.i + 8]:
        if ctx.quoted(token) or "\n" in token.text or token.text in ".;:!?":
            break
        if token.pos_ in ("NOUN", "PROPN", "PRON"):
            head = token
            while (
                head.head.i > head.i
                and head.head.pos_ in ("NOUN", "PROPN")
                and (head.dep_ in ("compound", "amod", "poss", "det", "nmod"))
            ):
                head = head.head
            return head
        if token.pos_ in ("ADP", "VERB", "AUX"):
            break
    return None


def _dependency_subject(verb: Any) -> Any:
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        for child in verb.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def _resolve_speaker(ctx: _Context, verb: Any, found: _Found) -> None:
    """Fill speaker, speaker span and cue of ``found`` from the subject of ``verb``."""
    found.cue_span = (verb.idx, verb.idx + len(verb.text))
    subject = _subject_of(ctx, verb)
    if subject is None:
        return
    text = ctx.text
    for child in subject.children:
        if child.dep_ == "appos":
            m = ctx.mention_at(child)
            if m is not None and m.type == "PERSON":
                _set_person(ctx, found, m)
                return
    m = ctx.mention_at(subject)
    if m is None:
        for token in subject.lefts:
            if token.dep_ == "compound" and (cm := ctx.mention_at(token)) and cm.type == "PERSON":
                m = cm
    if m is not None and m.type == "PERSON":
        _set_person(ctx, found, m)
        return
    lower = subject.lower_
    if lower in PERSON_PRONOUNS:
        found.speaker_span = (subject.idx, subject.idx + len(subject.text))
        antecedent = ctx.person_subject_before(found.start) or ctx.last_person
        if antecedent is not None:
            found.speaker, found.speaker_id = antecedent
        return
    if lower in GROUP_PRONOUNS:
        found.speaker_span = (subject.idx, subject.idx + len(subject.text))
        if ctx.last_group is not None:
            found.speaker, found.speaker_id = ctx.last_group
        return
    if m is not None and m.start <= subject.idx < m.end and m.type != "DATE":
        found.speaker, found.speaker_id = ctx.name_of(m), m.entity_id
        found.speaker_span = (m.start, m.end)
        ctx.last_group = (found.speaker, found.speaker_id or kebab(found.speaker))
        return
    if subject.pos_ not in ("NOUN", "PROPN"):
        return
    start, end = _np_bounds(subject)
    found.speaker_span = trim(text, start, end)
    np_mentions = [
        ctx.by_char[t.idx]
        for t in ctx.tokens(start, end)
        if t.idx in ctx.by_char and ctx.by_char[t.idx].type in ("ORG", "GPE", "NORP")
    ]
    if subject.tag_ in ("NNS", "NNPS") and np_mentions:
        group = np_mentions[0]
        found.speaker, found.speaker_id = ctx.name_of(group), group.entity_id
        ctx.last_group = (found.speaker, found.speaker_id or kebab(found.speaker))
        return
    if subject.pos_ == "PROPN" and subject.is_title and subject.lower_ not in NAME_TITLES:
        found.speaker = text[subject.idx : end]
        found.speaker_id = kebab(found.speaker)
        return
    if subject.lemma_.lower() in ORG_NOUNS and subject.tag_ == "NN":
        found.organisation = True
        organisation = _organisation_for(ctx, verb, subject)
        if organisation is not None:
            found.speaker, found.speaker_id = organisation
            ctx.last_group = organisation
        return
    person = _person_by_title(ctx, subject.lower_) if subject.lower_ in NAME_TITLES else None
    if person is not None:
        found.speaker, found.speaker_id = person
    else:
        found.speaker = None  # resolved later to the nearest named person


def _organisation_for(ctx: _Context, verb: Any, subject: Any) -> tuple[str, str] | None:
    """The organisation a common-noun subject (``the company said``) stands for.

    First the proper-noun subject of the reported clause (``Acme will cut jobs, the company
    said``), else the latest organisation named before the verb outside brackets.
    """
    for clause_head in verb.children:
        if clause_head.dep_ != "ccomp":
            continue
        for child in clause_head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ == "PROPN":
                m = ctx.mention_at(child)
                if m is not None and m.type in ("ORG", "GPE", "NORP") and m.entity_id:
                    return ctx.name_of(m), m.entity_id
                start, end = _np_bounds(child)
                name = re.sub(r"^(the|a|an)\s+", "", ctx.text[start:end], flags=re.I)
                return name, kebab(name)
    best: _Mention | None = None
    for m in ctx.mentions:
        if m.start >= verb.idx:
            break
        bracketed = (
            m.start > 0 and ctx.text[m.start - 1] == "(" and ctx.text[m.end : m.end + 1] == ")"
        )
        if m.type == "ORG" and m.entity_id and not bracketed:
            best = m
    if best is None:
        return None
    return ctx.name_of(best), best.entity_id or kebab(best.text)


def _person_by_title(ctx: _Context, head_word: str) -> tuple[str, str] | None:
    head = head_word.replace("-", " ").split()[-1] if head_word else ""
    for person_id, role in reversed(list(ctx.roles.items())):
        if head and head in role.lower().replace("-", " ").split():
            for m in ctx.mentions:
                if m.entity_id == person_id:
                    return ctx.name_of(m), person_id
    return ctx.last_person


def _set_person(ctx: _Context, found: _Found, m: _Mention) -> None:
    found.speaker = ctx.name_of(m)
    found.speaker_id = m.entity_id or kebab(found.speaker)
    found.speaker_span = (m.start, m.end)
    ctx.last_person = (found.speaker, found.speaker_id)


def _collect_roles(ctx: _Context) -> None:
    """Titles written before a person's name or in apposition to it (for roles and aliases)."""
    text = ctx.text
    for m in ctx.mentions:
        if m.type != "PERSON" or m.entity_id is None:
            continue
        tokens = ctx.tokens(m.start, m.end)
        if not tokens:
            continue
        first = tokens[0]
        role_start = None
        i = first.i - 1
        while i >= 0 and first.sent.start <= i:
            token = ctx.doc[i]
            word = token.lower_
            if (word in NAME_TITLES or word in ("-", "of") or ctx.by_char.get(token.idx)) and (
                token.is_title or token.is_upper or word in ("-", "of")
            ):
                role_start = token.idx
                i -= 1
                continue
            break
        role: str | None = None
        if role_start is not None:
            candidate = text[role_start : m.start].strip(SPACES + ",")
            words = {w.lower() for w in re.split(r"[\s-]+", candidate)}
            if words & NAME_TITLES and not candidate.lower().endswith(" of"):
                role = candidate
        head = tokens[-1]
        if role is not None:
            ctx.roles[m.entity_id] = role
            continue
        if m.entity_id in ctx.roles:
            continue
        title = head.head
        if head.dep_ == "appos" and title.pos_ in ("NOUN", "PROPN") and title.i < head.i:
            start = _np_bounds(title)[0]
            end = title.idx + len(title.text)
            for token in title.rights:
                if token.dep_ == "prep" and token.i < head.i:
                    end = max(end, token.right_edge.idx + len(token.right_edge.text))
            candidate = text[start:end]
            candidate = re.sub(r"^(the|a|an|his|her|its|their)\s+", "", candidate, flags=re.I)
            if candidate and set(candidate.lower().split()) & NAME_TITLES:
                ctx.roles[m.entity_id] = candidate


def _cue_for_mark(ctx: _Context, mark: MarkedQuote) -> Any:
    """The reporting verb of a direct quote: right after it, governing it, or right before it."""
    doc = ctx.doc
    after_tokens: list[Any] = []
    if mark.close_at is not None:
        span = doc.char_span(mark.close_at, len(ctx.text), alignment_mode="expand")
        if span is not None:
            for token in span:
                if token.idx <= mark.close_at or token.is_punct or token.is_space:
                    if "\n" in token.text:
                        break
                    continue
                if ctx.quoted(token):
                    break
                after_tokens.append(token)
                if len(after_tokens) >= 8:
                    break
    for token in after_tokens[:4]:
        if _is_reporting(token):
            return token
    inside = ctx.tokens(mark.start, mark.end)
    inside_ids = {t.i for t in inside}
    for token in inside:
        head = token.head
        for _ in range(3):
            if head.i in inside_ids or head is token or not ctx.same_paragraph(head, token):
                break
            if _is_reporting(head) and not ctx.quoted(head):
                return head
            if head.head is head:
                break
            head = head.head
    before = ctx.tokens(max(0, mark.open_at - 80), mark.open_at)
    before = [t for t in before if t.idx + len(t.text) <= mark.open_at]
    last_line = [t for t in before if not t.is_space]
    if last_line and not any("\n" in t.text for t in before[-1:]):
        window = [t for t in last_line[-4:] if not ctx.quoted(t)]
        for token in reversed(window):
            if _is_reporting(token):
                return token
    for token in after_tokens[4:]:
        if _is_reporting(token):
            return token
    return None


def _withheld(verb: Any) -> bool:
    """Whether a reporting verb is negated or withheld (``declined to say whether``)."""
    if any(child.dep_ == "neg" for child in verb.children):
        return True
    return bool(verb.dep_ == "xcomp" and verb.head.lemma_.lower() in SILENT_HEADS)


def _that_clause(verb: Any) -> list[Any]:
    """The clause after ``that`` when the parser missed the complement (``told X in Y that S``)."""
    sent_end = verb.sent.end
    for token in verb.doc[verb.i + 1 : min(sent_end, verb.i + 10)]:
        if token.lower_ == "that":
            rest = [t for t in verb.doc[token.i + 1 : sent_end] if not t.is_space]
            if rest and rest[0].pos_ in ("DET", "PRON", "PROPN", "NOUN", "ADJ", "NUM"):
                return rest
            return []
        if token.pos_ not in ("NOUN", "PROPN", "PRON", "DET", "ADP", "ADJ", "NUM", "CCONJ"):
            return []
    return []


def _according_clause(ctx: _Context, according: Any) -> _Found | None:
    """``S, according to X`` or ``According to X, S``: S as an indirect quote of X."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    if to is None or not any(c.dep_ == "pobj" for c in to.children):
        return None
    text = ctx.text
    sent = according.sent
    phrase = list(according.subtree)
    phrase_start, phrase_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    sent_start, sent_end = trim(text, sent.start_char, sent.end_char)
    if phrase_start - sent_start > sent_end - phrase_end:
        start, end = sent_start, phrase_start
    else:
        start, end = phrase_end, sent_end
    start, end = trim(text, start, end)
    while start < end and (text[start] in ",;:" + ALL_MARKS or text[start] in SPACES):
        start += 1
    while end > start and (text[end - 1] in ",;:.!?" + ALL_MARKS or text[end - 1] in SPACES):
        end -= 1
    if _words(text[start:end]) < 3 or "\n" in text[start:end]:
        return None
    return _Found(start, end, "indirect", verb=according)


def _indirect_candidates(ctx: _Context) -> list[_Found]:
    """Clausal complements of reporting verbs outside quotation marks."""
    text = ctx.text
    found: list[_Found] = []
    for verb in ctx.doc:
        if verb.lower_ == "according" and not ctx.quoted(verb):
            according = _according_clause(ctx, verb)
            if according is not None:
                found.append(according)
            continue
        if not _is_reporting(verb) or ctx.quoted(verb) or _withheld(verb):
            continue
        clauses = [
            [t for t in clause_head.subtree if not t.is_space]
            for clause_head in verb.children
            if clause_head.dep_ == "ccomp"
        ]
        if not clauses:
            clauses = [_that_clause(verb)]
        for tokens in clauses:
            while tokens and (
                tokens[0].is_punct or tokens[0].lower_ in ("that", "whether") or tokens[0].i == 0
            ):
                if tokens[0].lower_ not in ("that", "whether") and not tokens[0].is_punct:
                    break
                tokens = tokens[1:]
            if len(tokens) > 2 and tokens[0].pos_ in ("ADV", "CCONJ") and tokens[1].text == ",":
                tokens = tokens[2:]
            while tokens and tokens[-1].is_punct:
                tokens = tokens[:-1]
            if len(tokens) < 3:
                continue
            start, end = trim(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))
            while start < end and text[start] in ALL_MARKS:
                start += 1
            if end <= start or "\n" in text[min(start, verb.idx) : max(end, verb.idx)]:
                continue
            found.append(_Found(start, end, "indirect", verb=verb))
    return found


def _merge_indirect(ctx: _Context, direct: list[_Found], indirect: list[_Found]) -> list[_Found]:
    """Turn clauses around quoted fragments into mixed quotes; give clause cues to direct ones."""
    text = ctx.text
    accepted: list[_Found] = []
    for cand in sorted(indirect, key=lambda f: -(f.end - f.start)):
        if any(a.start <= cand.verb.idx < a.end for a in accepted):
            continue
        inner = [
            d
            for d in direct
            if d.mark is not None
            and d.mark.open_at < cand.end
            and (d.mark.close_at or d.end) >= cand.start
        ]
        outside = text[cand.start : cand.end]
        for d in inner:
            stop = d.mark.close_at + 1 if d.mark and d.mark.close_at is not None else d.end
            left = max(cand.start, d.mark.open_at if d.mark else d.start)
            outside = outside.replace(text[left : min(cand.end, stop)], " ", 1)
        if inner and _words(outside) < 2:
            for d in inner:
                if d.verb is None:
                    d.verb = cand.verb
            continue
        if inner:
            cand.kind = "mixed"
            last = max(inner, key=lambda d: d.end)
            inside_last = last.mark is not None and (
                last.mark.open_at < cand.end <= (last.mark.close_at or 0)
            )
            if inside_last or last.end < cand.end <= last.end + 2:
                cand.end = last.end
            for d in inner:
                d.kind = "absorbed"
        accepted.append(cand)
    return accepted


def build_quotes(ctx: _Context) -> list[_Found]:
    """Direct, indirect and mixed quotes, attributed in text order with carry-over."""
    direct = [_Found(m.start, m.end, "direct", mark=m) for m in ctx.marks]
    for d in direct:
        assert d.mark is not None
        d.verb = _cue_for_mark(ctx, d.mark)
    indirect = _merge_indirect(ctx, direct, _indirect_candidates(ctx))
    quotes = sorted(
        [d for d in direct if d.kind == "direct"] + indirect, key=lambda f: (f.start, f.end)
    )
    _collect_roles(ctx)
    previous: _Found | None = None
    for q in quotes:
        if q.verb is not None:
            _resolve_speaker(ctx, q.verb, q)
        elif previous is not None and _same_paragraph(ctx.text, previous.end, q.start):
            q.speaker, q.speaker_id = previous.speaker, previous.speaker_id
            q.speaker_span, q.cue_span = previous.speaker_span, previous.cue_span
        elif _words(ctx.text[q.start : q.end]) >= 6 and previous is not None:
            q.speaker, q.speaker_id = previous.speaker, previous.speaker_id
        previous = q
    _continue_paragraphs(quotes)
    _resolve_titles_forward(ctx, quotes)
    return quotes


def _same_paragraph(text: str, start: int, end: int) -> bool:
    return "\n" not in text[start:end]


def _continue_paragraphs(quotes: list[_Found]) -> None:
    """A quote running over paragraphs takes the speaker of its closing part."""
    for i in range(len(quotes) - 2, -1, -1):
        q = quotes[i]
        if q.mark is not None and q.mark.close_at is None and q.verb is None:
            following = quotes[i + 1]
            q.speaker, q.speaker_id = following.speaker, following.speaker_id
            q.speaker_span, q.cue_span = following.speaker_span, following.cue_span


def _resolve_titles_forward(ctx: _Context, quotes: list[_Found]) -> None:
    """A title subject met before any name goes to the nearest person quoted later."""
    for i, q in enumerate(quotes):
        if q.speaker is not None or q.speaker_span is None or q.organisation:
            continue
        span_text = ctx.text[q.speaker_span[0] : q.speaker_span[1]].lower()
        if any(p in span_text.split() for p in PERSON_PRONOUNS | GROUP_PRONOUNS):
            continue
        for later in quotes[i + 1 :]:
            if later.speaker is not None and later.speaker_id in ctx.roles:
                q.speaker, q.speaker_id = later.speaker, later.speaker_id
                break


# --- speakers and claims -------------------------------------------------------------------


def build_speakers(ctx: _Context, quotes: list[_Found]) -> list[Speaker]:
    """One speaker per quoted source, with the other forms the article uses for it."""
    order: list[str] = []
    names: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    for q in quotes:
        if q.speaker is None:
            continue
        key = q.speaker_id or kebab(q.speaker)
        if key not in names:
            order.append(key)
            names[key] = q.speaker
            aliases[key] = []
        if q.speaker_span is not None:
            form = ctx.text[q.speaker_span[0] : q.speaker_span[1]]
            if form.lower() not in PERSON_PRONOUNS | GROUP_PRONOUNS:
                aliases[key].append(form)
    for m in ctx.mentions:
        if m.entity_id in aliases:
            aliases[m.entity_id].append(m.text)
    speakers = []
    for key in order:
        role = ctx.roles.get(key)
        forms = aliases[key] + ([role] if role else [])
        unique = sorted({f for f in forms if f and f != names[key]}, key=forms.index)
        speakers.append(Speaker(names[key], key or None, tuple(unique), role))
    return speakers


def _claim_kind(text: str, attributed: bool) -> str:
    if PLAN_CUES.search(text):
        return "plan"
    if WARNING_CUES.search(text):
        return "warning"
    if OPINION_CUES.search(text):
        return "opinion"
    return "statement" if attributed else "fact"


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def build_claims(ctx: _Context, quotes: list[_Found]) -> list[Claim]:
    """Claims from quoted sentences (their speaker) and factual narrative sentences (author)."""
    text = ctx.text
    claims: dict[str, tuple[str, str, list[Span]]] = {}
    order: list[str] = []

    def add(claim_text: str, source: str, start: int, end: int) -> None:
        key = " ".join(re.findall(r"\w+", claim_text.lower()))
        if not key:
            return
        if key not in claims:
            order.append(key)
            kind = _claim_kind(claim_text, source != "author")
            claims[key] = (claim_text, source, [])
            claims[key] = (claim_text, source + "\x00" + kind, [])
        claims[key][2].append(Span(start, end))

    spans = [(q.start, q.end, q) for q in quotes]
    pieces = []
    for sent in ctx.doc.sents:
        offset = sent.start_char
        for part in text[sent.start_char : sent.end_char].split("\n"):
            pieces.append((sent, offset, offset + len(part)))
            offset += len(part) + 1
    for sent, piece_from, piece_to in pieces:
        start, end = trim(text, piece_from, piece_to)
        while start < end and text[start] in ALL_MARKS:
            start += 1
        while end > start and text[end - 1] in ALL_MARKS:
            end -= 1
        start, end = trim(text, start, end)
        if end <= start:
            continue
        line = _line_of(text, start)
        has_verb = any(t.tag_ in _FINITE_TAGS for t in ctx.tokens(start, end))
        if BOILERPLATE.match(line) or (_words(line) < 5 and not has_verb):
            continue
        sentence = text[start:end]
        if sentence.rstrip(ALL_MARKS + " ").endswith("?"):
            continue
        overlapping = [q for s, e, q in spans if s < end and e > start]
        if overlapping:
            for q in overlapping:
                piece_start, piece_end = max(start, q.start), min(end, q.end)
                if q.kind != "direct":
                    piece_start, piece_end = q.start, q.end
                piece_start, piece_end = trim(text, piece_start, piece_end)
                piece = text[piece_start:piece_end]
                if _words(piece) >= 3 and not piece.rstrip().endswith("?"):
                    add(piece, q.speaker or "author", piece_start, piece_end)
            continue
        if not has_verb or _words(sentence) < 4:
            continue
        source = "author"
        root = sent.root
        if _is_reporting(root) and start <= root.idx < end:
            found = _Found(start, end, "indirect")
            _resolve_speaker(ctx, root, found)
            source = found.speaker or "author"
        add(sentence, source, start, end)
    result = []
    for key in order:
        claim_text, source_kind, evidence = claims[key]
        source, kind = source_kind.split("\x00")
        result.append(Claim(claim_text, source, kind, (), tuple(sorted(set(evidence)))))  # type: ignore[arg-type]
    return result


def annotate(doc: Any, document: Document) -> Annotation:
    """All four layers of one parsed document."""
    mentions, canonical = build_entities(doc)
    ctx = _Context(doc, mentions, canonical)
    found = build_quotes(ctx)
    text = ctx.text
    quotes = []
    for q in found:
        start, end = trim(text, q.start, q.end)
        if end <= start:
            continue
        quotes.append(
            Quote(
                start,
                end,
                text[start:end],
                q.kind,  # type: ignore[arg-type]
                q.speaker,
                Span(*q.speaker_span) if q.speaker_span else None,
                Span(*q.cue_span) if q.cue_span else None,
            )
        )
    entities = tuple(Entity(m.start, m.end, m.text, m.type, m.entity_id) for m in mentions)
    return Annotation(
        doc_id=document.doc_id,
        text_sha256=document.sha256,
        entities=entities,
        speakers=tuple(build_speakers(ctx, found)),
        quotes=tuple(quotes),
        claims=tuple(build_claims(ctx, found)),
    )
