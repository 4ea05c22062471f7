"""Quotes and speakers of the ``spacy`` system: quotation marks and the dependency parse (the
reporting verb, its subject, carry-over of pronouns, titles and roles), indirect and mixed quotes
from clausal complements, one speaker per quoted source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..._models import Speaker
from .._shared._lexicon import COMMON_WORDS
from .._shared._text import SPACES, kebab, trim
from ._entities import _is_person_noun, _Mention, _words
from ._lexicon import (
    COMPANY_NOUNS,
    CUE_NOUNS,
    DOCUMENT_NOUNS,
    GROUP_PRONOUNS,
    HEARER_VERBS,
    INSTITUTION_SYNONYMS,
    LEADING_DROP,
    NAME_TITLES,
    NOT_AGENTS,
    ORG_NOUNS,
    PERSON_PRONOUNS,
    REPORTING_VERBS,
    ROLE_NOUNS,
    SILENT_HEADS,
    SPEAKER_PRONOUNS,
    SPOKESPEOPLE,
)
from ._quotes import ALL_MARKS, MarkedQuote, find_marked_quotes


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
        self.described: dict[str, tuple[str, str]] = {}  # role noun -> a described speaker
        self.last_person: tuple[str, str] | None = None
        self.last_group: tuple[str, str] | None = None
        self.last_organisation: tuple[str, str] | None = None
        self.last_speaker: tuple[str, str] | None = None
        self.pronouns: dict[str, str] = {}  # speaker id -> ``he``/``she``, once text tells it
        self.person_subjects: list[tuple[int, str, str]] = []
        for m in mentions:  # ``Mrs Lee``: ``she``, before anything is quoted
            if m.type == "PERSON" and m.entity_id and (pronoun := self.honorific_pronoun(m)):
                self.pronouns.setdefault(m.entity_id, pronoun)
        families = {
            found[1]
            for found in _NAMED_FAMILY.finditer(self.text)
            if found[1].lower() not in COMMON_WORDS
        }
        self.family: tuple[str, str] | None = None  # ``her family`` after ``the Lee family``
        if len(families) == 1:  # one family named: the Lees
            surname = next(iter(families))
            self.family = f"{surname} family", kebab(surname)
        self.introduced: dict[str, tuple[int, tuple[str, str]]] = {}  # ``A doctor … described``
        for token in doc:
            if token.dep_ not in ("nsubj", "nsubjpass", "appos") or self.quoted(token):
                continue
            if token.dep_ == "appos" and token.head.dep_ not in ("nsubj", "nsubjpass"):
                continue
            clause = token.head if token.dep_ != "appos" else token.head.head
            if clause.dep_ == "ccomp" and _is_reporting(clause.head):
                continue  # the subject of a reported clause is not who speaks next
            subject = self.by_char.get(token.idx)
            if subject is not None and subject.type == "PERSON" and subject.entity_id:
                self.person_subjects.append((token.idx, self.name_of(subject), subject.entity_id))
                if (pronoun := self._own_pronoun(token)) is not None:
                    self.pronouns.setdefault(subject.entity_id, pronoun)
            elif _described_only(token) and _represented(self, token) is None:
                described = _described_speaker(token)
                self.introduced.setdefault(token.lemma_.lower(), (token.idx, described))
                if _is_reporting(token.head):
                    self.person_subjects.append((token.idx, *described))

    def _own_pronoun(self, subject: Any) -> str | None:
        """``he`` or ``she`` when the first personal pronoun after a person who is a clause's
        subject, in the same sentence, outside quotes and before any other person, is gendered
        (``Ann Lee, 41, admitted that her car …``)."""
        for token in subject.doc[subject.i + 1 : subject.sent.end]:
            if self.quoted(token):
                continue
            m = self.by_char.get(token.idx)
            if m is not None and m.type == "PERSON" and m is not self.by_char.get(subject.idx):
                return None
            if token.lower_ in _PRONOUN_GENDER:
                return _PRONOUN_GENDER[token.lower_]
            if token.pos_ == "PRON" and token.lower_ in ("they", "them", "their"):
                return None
        return None

    def mention_at(self, token: Any) -> _Mention | None:
        return self.by_char.get(token.idx)

    def quoted(self, token: Any) -> bool:
        return bool(self.in_quote[token.idx])

    def tokens(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def same_paragraph(self, a: Any, b: Any) -> bool:
        low, high = sorted((a.idx, b.idx))
        return _same_paragraph(self.text, low, high)

    def person_subject_before(self, offset: int, pronoun: str | None) -> tuple[str, str] | None:
        """The latest named person that is the subject of a clause before ``offset`` and whom
        ``pronoun`` can stand for."""
        best: tuple[str, str] | None = None
        for position, name, entity_id in self.person_subjects:
            if position >= offset:
                break
            if self.agrees(entity_id, pronoun):
                best = (name, entity_id)
        return best

    def honorific_pronoun(self, m: _Mention) -> str | None:
        """``he`` or ``she`` when an honorific comes right before the name (``Mrs Lee``)."""
        honorific = _HONORIFIC_PRONOUN.search(self.text[max(0, m.start - 6) : m.start])
        return None if honorific is None else "he" if honorific["he"] else "she"

    def agrees(self, speaker_id: str, pronoun: str | None) -> bool:
        """Whether ``he``/``she`` can stand for the speaker (unknown: yes)."""
        return pronoun is None or self.pronouns.get(speaker_id, pronoun) == pronoun

    def name_of(self, m: _Mention) -> str:
        return self.canonical.get(m.text, m.text)


def _is_reporting(token: Any) -> bool:
    """A reporting verb used as a verb (not ``a written submission``, ``in writing``)."""
    return bool(
        token.pos_ in ("VERB", "AUX")
        and token.dep_ not in ("amod", "compound", "pcomp")  # ``told us in writing that``
        and (token.lemma_.lower() in REPORTING_VERBS or _puts_it(token))
    )


def _puts_it(token: Any) -> bool:
    """``put it`` as a way of saying (``One member put it more simply: "…"``)."""
    return token.lemma_.lower() == "put" and any(
        child.dep_ == "dobj" and child.lower_ == "it" for child in token.children
    )


def _np_bounds(head: Any) -> tuple[int, int]:
    """Char range of a noun phrase: its left dependents and the head (no relative clauses)."""
    left = head.head if _one_before(head) else head
    for child in head.lefts:
        if child.dep_ in ("det", "poss", "compound", "amod", "nmod", "case", "punct", "nummod"):
            left = min(left, child.left_edge, key=lambda t: t.i)
    return left.idx, head.idx + len(head.text)


def _subject_of(ctx: _Context, verb: Any) -> Any:
    if verb.lower_ == "according":
        for to in verb.children:
            for pobj in to.children:
                if pobj.dep_ == "pobj":
                    return _named_after(ctx, pobj) or _agent_of(pobj) or pobj
        return None
    subject = _agent(verb) or _dependency_subject(verb)  # ``Ann was asked by a reporter``
    if subject is not None and not ctx.quoted(subject):
        return subject
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if before is not None and before.text == "," and verb.i > 1:
        before = verb.doc[verb.i - 2]  # ``the minister, Dr Ann Lee, said`` left without a subject
    if before is not None and (m := ctx.mention_at(before)) and m.type == "PERSON":
        return before  # ``…, his daughter Ann said`` parsed as an apposition
    if subject is None and (misattached := _misattached_subject(ctx, verb)) is not None:
        return misattached
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


def _misattached_subject(ctx: _Context, verb: Any) -> Any:
    """The subject of a cue the parser left without one, hung elsewhere in the clause before it
    (``In Tarnley, a neighbour who asked not to be named said``, ``Chief Ann Lee of the Tarn
    Nation, 40 km north of town, said``): the first person named, or the first role described,
    outside a prepositional phrase, before any other reporting verb."""
    for token in verb.sent:
        if token.i >= verb.i or _is_reporting(token):
            return None
        if ctx.quoted(token) or token.head.pos_ == "ADP":
            continue
        if (m := ctx.mention_at(token)) is not None and m.type == "PERSON":
            return token
        if token.pos_ == "NOUN" and token.dep_ == "appos" and _described_only(token):
            return token
    return None


def _agent_of(noun: Any) -> Any:
    """Who a document noun comes from: ``figures cited by the ministry`` -> ``ministry``."""
    for token in noun.subtree:
        if token.dep_ == "agent" or (token.dep_ == "prep" and token.lower_ == "from"):
            for pobj in token.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                    return pobj
    return None


def _named_after(ctx: _Context, noun: Any) -> Any:
    """The name right after a title noun (``according to the judge Ann Lee``), or None."""
    for token in noun.doc[noun.i + 1 : noun.i + 3]:
        m = ctx.mention_at(token)
        if m is not None and m.type == "PERSON":
            return token
        if not token.is_title:
            break
    return None


def _noun_after_one(token: Any) -> Any:
    """The noun the parser hung under ``One``/``Another`` as the subject (``One rancher … said``
    parsed with ``One`` as the subject), or None."""
    if token.lower_ not in _ONE or token.i + 1 >= len(token.doc):
        return None
    noun = token.doc[token.i + 1]
    return noun if noun.head.i == token.i and noun.pos_ == "NOUN" else None


def _one_before(noun: Any) -> bool:
    """Whether ``noun`` is the role after a ``One``/``Another`` the parser took as the subject."""
    head = noun.head
    return head.i == noun.i - 1 and head.lower_ in _ONE and head.dep_ in ("nsubj", "nsubjpass")


def _agent(verb: Any) -> Any:
    """The agent of a passive verb (``asked by a reporter`` -> ``reporter``), or None."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _dependency_subject(verb: Any) -> Any:
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:  # a timestamp parsed as a second subject (``11:15 - Ann confirmed``) loses
            named = [c for c in subjects if c.pos_ != "NUM" or _noun_after_one(c)] or subjects
            subject = min(named, key=lambda c: abs(c.i - verb.i))
            if subject.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return verb.head  # ``her son, Ann Lee, who said``: the relative's antecedent
            return _noun_after_one(subject) or subject
        if (agent := _agent(verb)) is not None:
            return agent
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and _is_reporting(verb):
            reporting = [t for t in verb.ancestors if _is_reporting(t)]  # ``said …, stressing``
            if reporting:
                verb = reporting[0]
                continue
        if verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and _is_reporting(verb.head.head):
            verb = verb.head.head  # ``said the water was safe but urged calm``: the sayer urged
            continue
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
    if (
        subject.dep_ == "nsubjpass"
        and subject.head == verb
        and verb.lemma_.lower() in HEARER_VERBS
        and (subject.tag_ in ("NNS", "NNPS") or _is_person_noun(subject.lemma_))
    ):
        teller = _organisation_in(ctx, subject)  # ``Workers at Acme were told that``: Acme
        if teller is not None:
            found.speaker, found.speaker_id = _as_speaker(ctx, teller)
            found.organisation = True
        return
    if subject.i > verb.i and (titled_person := _person_titled_after(ctx, subject)) is not None:
        _set_person(ctx, found, titled_person)  # ``said Acme chief executive Ann Lee``
        return
    if subject.pos_ == "NOUN" and (named := _person_conjunct(ctx, subject)) is not None:
        _set_person(ctx, found, named)  # ``Sheep and beef farmer Ann Lee`` parsed as a coordination
        return
    appositions = [child for child in subject.children if child.dep_ == "appos"]
    appositions.sort(key=lambda child: not _names_a_person(ctx, child))
    for child in appositions:  # ``Member (MMC) for water, Cllr Ann Lee,``: the person first
        m = ctx.mention_at(child)
        if m is not None and m.type == "PERSON":
            _set_person(ctx, found, m)
            return
        if m is not None and m.type == "ORG" and m.entity_id and subject.pos_ == "NOUN":
            found.speaker, found.speaker_id = ctx.name_of(m), m.entity_id
            found.speaker_span = (m.start, m.end)
            found.organisation = True
            ctx.last_group = ctx.last_organisation = (found.speaker, found.speaker_id)
            return
    if subject.lemma_.lower() in DOCUMENT_NOUNS and (issuer := _issuer(ctx, verb, subject)):
        found.speaker, found.speaker_id = issuer  # ``The report states`` -> who issued it
        found.organisation = True
        return
    if subject.lemma_.lower() in CUE_NOUNS and ctx.last_speaker is not None:
        found.speaker, found.speaker_id = ctx.last_speaker  # ``"…," the statement said``
        return
    titled = subject.pos_ == "NOUN" or subject.lower_ in NAME_TITLES  # ``Chair of the bench``
    if titled and (named := _name_between(ctx, subject, verb)) is not None:
        _set_person(ctx, found, named)  # ``A spokeswoman for the force, Ann Lee, said``
        return
    m = ctx.mention_at(subject)
    for token in subject.lefts:
        cm = ctx.mention_at(token)
        if cm is None or cm.type != "PERSON":
            continue
        if m is None and token.dep_ == "compound":
            m = cm
        elif m is not None and m.type == "ORG" and text[cm.end : m.start] == " of ":
            m = cm  # ``solicitor Ann Lee of Tarn Law said``: the person, not her firm
    if m is not None and m.type == "PERSON":
        _set_person(ctx, found, m)
        return
    lower = subject.lower_
    if lower in PERSON_PRONOUNS:
        found.speaker_span = (subject.idx, subject.idx + len(subject.text))
        pronoun = _PRONOUN_GENDER.get(lower)
        resumed = ctx.last_person if verb.lemma_.lower() in _RESUMING_VERBS else None
        if resumed is not None and not ctx.agrees(resumed[1], pronoun):
            resumed = None
        candidates = [
            c
            for c in (
                resumed,  # ``he added``: the person who spoke last, not the one named last
                _role_subject_before(ctx, verb),
                _person_in_previous_sentence(ctx, verb, pronoun),
                ctx.person_subject_before(found.start, pronoun),
                ctx.last_person,
            )
            if c is not None
        ]
        antecedent = next(  # the first the pronoun can stand for, else the first found
            (c for c in candidates if ctx.agrees(c[1], pronoun)),
            candidates[0] if candidates else None,
        )
        if antecedent is not None:
            found.speaker, found.speaker_id = ctx.last_person = antecedent
            if pronoun is not None:
                ctx.pronouns.setdefault(antecedent[1], pronoun)
        return
    if lower in GROUP_PRONOUNS:
        found.speaker_span = (subject.idx, subject.idx + len(subject.text))
        if ctx.last_group is not None:
            found.speaker, found.speaker_id = ctx.last_group
        return
    if lower == "it":  # ``The ministry said … It said``: the organisation that spoke last
        found.speaker_span = (subject.idx, subject.idx + len(subject.text))
        if (organisation := _organisation_last(ctx, verb)) is not None:
            found.speaker, found.speaker_id = organisation
            found.organisation = True
        return
    if m is not None and m.start <= subject.idx < m.end and m.type != "DATE":
        found.speaker, found.speaker_id = ctx.name_of(m), m.entity_id
        found.speaker_span = (m.start, m.end)
        ctx.last_group = (found.speaker, found.speaker_id or kebab(found.speaker))
        if m.type == "ORG":
            ctx.last_organisation = ctx.last_group
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
    if subject.tag_ == "NN" and (named_org := _organisation_holding(ctx, subject, verb)):
        found.speaker, found.speaker_id = named_org  # ``the directorate`` after ``… Directorate``
        found.organisation = True
        ctx.last_group = ctx.last_organisation = named_org
        return
    organisation_noun = _institution_noun(subject.lemma_.lower()) and (
        subject.tag_ == "NN" or subject.lower_ == "police"  # ``police said``: the force
    )
    named_in = [  # ``The Tarn Members' Voice group``, not ``the Tarn Football League club``
        m
        for m in np_mentions
        if m.type == "ORG" and m.end <= subject.idx and m.text.split()[-1].lower() not in ORG_NOUNS
    ]
    if organisation_noun and subject.tag_ == "NN" and named_in and named_in[-1].entity_id:
        found.speaker, found.speaker_id = ctx.name_of(named_in[-1]), named_in[-1].entity_id
        found.organisation = True
        ctx.last_group = ctx.last_organisation = (found.speaker, found.speaker_id)
        return
    if (represented := _represented(ctx, subject)) is not None:
        found.speaker, found.speaker_id = represented  # ``A spokesperson for the GHP``
        found.organisation = True
        if subject.tag_ != "NNS":  # its staff (``Engineers from …``) leave ``the company`` be
            ctx.last_group = ctx.last_organisation = represented
        return
    if _described_only(subject) and not organisation_noun:
        described = _described_speaker(subject)
        if subject.lemma_.lower() == "family" and ctx.family is not None:
            described = ctx.family
        found.speaker, found.speaker_id = described
        ctx.described[subject.lemma_.lower()] = described
        if subject.tag_ == "NN" and subject.dep_ != "pobj":  # not who asked the question
            ctx.last_person = described  # ``She added:`` after ``A ferry captain … said``
        return
    if any(child.lower_ == "the" for child in subject.children) and (
        taken_up := ctx.described.get(subject.lower_) or _introduced_before(ctx, subject)
    ):
        found.speaker, found.speaker_id = taken_up  # ``the ferry captain``
        return
    if organisation_noun:
        found.organisation = True
        organisation = _organisation_for(ctx, verb, subject)
        if organisation is not None:
            found.speaker, found.speaker_id = organisation
            ctx.last_group = ctx.last_organisation = organisation
        return
    words = {t.lower_ for t in ctx.tokens(start, end) if t.pos_ in ("NOUN", "PROPN", "ADJ")}
    person = _person_by_title(ctx, words) if _is_person_noun(subject.lower_) else None
    if person is not None:
        found.speaker, found.speaker_id = person
    else:
        found.speaker = None  # resolved later to the nearest named person


def _person_conjunct(ctx: _Context, subject: Any) -> _Mention | None:
    """The person a common-noun subject is coordinated with when the parser splits a title from
    its name (``Sheep and beef farmer Ann Lee``): the one conjunct that names a person, right
    after a role noun."""
    people = [
        m
        for conjunct in subject.conjuncts
        if (m := ctx.mention_at(conjunct)) is not None and m.type == "PERSON"
    ]
    if len(people) != 1:
        return None
    first = ctx.tokens(people[0].start, people[0].end)[0]
    return people[0] if first.i > 0 and _is_person_noun(first.nbor(-1).lower_) else None


def _institution_noun(lemma: str) -> bool:
    """A common noun for an institution (``council``, ``bench``)."""
    return lemma in ORG_NOUNS or lemma in INSTITUTION_SYNONYMS


def _organisation_in(ctx: _Context, noun: Any) -> _Mention | None:
    """The first linked organisation named in a noun phrase (``Workers at Acme Ltd``)."""
    for token in noun.subtree:
        m = ctx.mention_at(token)
        if m is not None and m.type == "ORG" and m.entity_id:
            return m
    return None


def _names_a_person(ctx: _Context, token: Any) -> bool:
    """Whether a token is in a person's name (an all-capital acronym is likelier a title)."""
    m = ctx.mention_at(token)
    return m is not None and m.type == "PERSON" and not m.text.isupper()


def _person_titled_after(ctx: _Context, subject: Any) -> _Mention | None:
    """In an inverted cue, a person named right after an organisation subject and a title
    (``said Acme chief executive Ann Lee``, which the parser may hang on ``Acme``)."""
    m = ctx.mention_at(subject)
    if m is None or m.type != "ORG":
        return None
    for token in subject.doc[subject.i + 1 : subject.i + 6]:
        if (found := ctx.mention_at(token)) is not None and found.type == "PERSON":
            return found
        if not (token.is_lower or ctx.mention_at(token) is m) or token.is_punct:
            return None
    return None


def _organisations_before(ctx: _Context, verb: Any) -> list[_Mention]:
    """The linked organisation mentions before ``verb``, outside brackets (not a ticker's
    exchange, not an acronym's expansion)."""
    found = []
    for m in ctx.mentions:
        if m.start >= verb.idx:
            break
        opened = ctx.text.rfind("(", 0, m.start)
        bracketed = opened >= 0 and ctx.text.find(")", opened) >= m.end > opened
        bracketed = bracketed and "\n" not in ctx.text[opened : m.start]
        if m.type == "ORG" and m.entity_id and not bracketed:
            found.append(m)
    return found


def _as_speaker(ctx: _Context, m: _Mention) -> tuple[str, str]:
    """A mention as a speaker: its canonical name and id."""
    return ctx.name_of(m), m.entity_id or kebab(m.text)


def _organisation_last(ctx: _Context, verb: Any) -> tuple[str, str] | None:
    """The organisation that spoke last, else the latest one named before ``verb``."""
    if ctx.last_organisation is not None:
        return ctx.last_organisation
    before = _organisations_before(ctx, verb)
    return _as_speaker(ctx, before[-1]) if before else None


def _organisation_holding(ctx: _Context, subject: Any, verb: Any) -> tuple[str, str] | None:
    """The latest organisation named before the verb whose name ends in the subject's noun
    (``The directorate noted`` after ``the Public Health Directorate``)."""
    if _owned_by_person(subject):
        return None
    held = [
        m for m in _organisations_before(ctx, verb) if m.text.lower().split()[-1] == subject.lower_
    ]
    return _as_speaker(ctx, held[-1]) if held else None


def _name_between(ctx: _Context, subject: Any, verb: Any) -> _Mention | None:
    """A person's name set off by commas between a role subject and its verb, in apposition to
    it (``Her neighbour, retired teacher Ann Lee, said``) or right before the verb (``Chair of the
    bench Ann Lee said``)."""
    if not subject.i < verb.i <= subject.i + 12:
        return None
    for child in subject.children:
        m = ctx.mention_at(child) if child.dep_ == "appos" and child.i < verb.i else None
        if m is not None and m.type == "PERSON":
            return m
    last = ctx.mention_at(verb.doc[verb.i - 1])  # ``Chair of the bench Ann Lee said``
    if last is not None and last.type == "PERSON" and ctx.text[last.end : verb.idx] == " ":
        return last
    for token in subject.doc[subject.i + 1 : verb.i]:
        m = ctx.mention_at(token)
        if m is not None and m.type == "PERSON":
            before = ctx.text[: m.start].rstrip()
            after = ctx.text[m.end :].lstrip()
            return m if before.endswith(",") and after.startswith(",") else None
    return None


def _organisation_for(ctx: _Context, verb: Any, subject: Any) -> tuple[str, str] | None:
    """The organisation a common-noun subject (``the company said``) stands for.

    First the proper-noun subject of the reported clause (``Acme will cut jobs, the company
    said``), else the latest organisation named before the verb (outside brackets) whose name
    holds the noun (``the council`` -> ``Ardley Borough Council``). A company noun (``the
    firm``, ``the operator``) then stands for the last organisation quoted or else the latest one
    named; any other institution named nowhere speaks as itself (``the ministry``).
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
                name = _ARTICLE.sub("", ctx.text[start:end], count=1)
                return name, kebab(name)
    return _organisation_named_by(ctx, verb, subject)


def _organisation_named_by(ctx: _Context, verb: Any, subject: Any) -> tuple[str, str] | None:
    """The organisation a common noun phrase before ``verb`` names (the steps after the first
    of :func:`_organisation_for`)."""
    start, end = _np_bounds(subject)
    nouns = {t.lower_ for t in ctx.tokens(start, end) if t.pos_ in ("NOUN", "PROPN")}
    nouns |= {INSTITUTION_SYNONYMS[n] for n in nouns if n in INSTITUTION_SYNONYMS}  # ``the bench``

    def holds_noun(m: _Mention) -> bool:
        return bool(nouns & set(re.findall(r"\w+", m.text.lower())))

    owned = _owned_by_person(subject)
    before = [] if owned else _organisations_before(ctx, verb)  # ``her office``: hers
    named = [m for m in before if holds_noun(m)]  # ``the council`` after ``Ardley … Council``
    if not named and not owned:  # ``…, police said`` before ``Ardley Police`` is named
        named = [
            m
            for m in ctx.mentions
            if m.start > verb.idx and m.type == "ORG" and m.entity_id and holds_noun(m)
        ][:1]
    if named:
        return _as_speaker(ctx, named[-1])
    if subject.lemma_.lower() in COMPANY_NOUNS:
        return _organisation_last(ctx, verb)  # ``the operator said``: the company before
    # An institution named nowhere (``The ministry replied``) speaks as itself.
    name = _ARTICLE.sub("", ctx.text[start:end], count=1)
    return name, kebab(name)


def _owned_by_person(subject: Any) -> bool:
    """An institution noun that a person's possessive makes theirs (``her office``), not a body
    named in the article.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("her office said")
        >>> doc[0].head, doc[0].dep_ = doc[1], "poss"
        >>> _owned_by_person(doc[1]), _owned_by_person(doc[0])
        (True, False)
    """
    return any(c.dep_ == "poss" and c.lower_ in _PERSONAL_POSSESSIVES for c in subject.children)


def _sentence_before(token: Any) -> Any:
    """The sentence before the one holding ``token`` (None for the first)."""
    start = token.sent.start
    return token.doc[start - 1].sent if start > 0 else None


def _person_in_previous_sentence(
    ctx: _Context, verb: Any, pronoun: str | None
) -> tuple[str, str] | None:
    """For ``he``/``she`` opening a sentence: the person named last in the sentence before whom
    the pronoun can stand for, when that sentence has no person as its subject (``Acme said
    through a spokeswoman, Ann Lee, that … She said …``); its subject otherwise goes through the
    usual subject search."""
    previous = _sentence_before(verb)
    if previous is None:
        return None
    subject = _dependency_subject(previous.root)
    if subject is not None and (m := ctx.mention_at(subject)) and m.type == "PERSON":
        return None
    people = [
        m
        for m in ctx.mentions
        if previous.start_char <= m.start < previous.end_char
        and m.type == "PERSON"
        and m.entity_id
        and not ctx.in_quote[m.start]
        and ctx.agrees(m.entity_id, pronoun)
    ]
    return (ctx.name_of(people[-1]), people[-1].entity_id or "") if people else None


def _role_subject_before(ctx: _Context, verb: Any) -> tuple[str, str] | None:
    """For ``he``/``she``: the person a title subject of the sentence before stands for
    (``the union leader was optimistic. "…", he said``), or the person it describes
    (``A nurse …``), when that sentence has one."""
    previous = _sentence_before(verb)
    if previous is None:
        return None
    subject = _dependency_subject(previous.root)
    if (
        subject is not None
        and subject.tag_ == "NN"
        and subject.lower_ in SPOKESPEOPLE
        and _name_between(ctx, subject, previous.root) is None  # ``…, Ann Lee, said``: hers
        and (represented := _represented(ctx, subject)) is not None
    ):
        return represented  # ``A Tarn Police spokeswoman said … "…," she said``
    if (
        subject is not None
        and _described_only(subject)
        and subject.tag_ == "NN"
        and _name_between(ctx, subject, previous.root) is None
        and _represented(ctx, subject) is None
    ):
        return _described_speaker(subject)  # ``A ferry captain … said … She added:``
    if subject is not None and subject.lower_ in NAME_TITLES:
        named = _name_between(ctx, subject, previous.root)  # ``The chair, Ann Lee, said …``
        if named is not None and named.entity_id:
            return ctx.name_of(named), named.entity_id
    if subject is None or subject.pos_ != "NOUN" or subject.lower_ not in NAME_TITLES:
        return None
    start, end = _np_bounds(subject)
    words = {t.lower_ for t in ctx.tokens(start, end) if t.pos_ in ("NOUN", "PROPN", "ADJ")}
    return _person_by_title(ctx, words, fallback=False)


def _person_by_title(
    ctx: _Context, words: set[str], *, fallback: bool = True
) -> tuple[str, str] | None:
    """The person whose title or role shares the most words with a description (``the union
    leader`` -> the person introduced as ``the president of the union``), latest first; else
    (with ``fallback``) the last named person."""
    stems = {_stem(w) for w in words}
    best: tuple[int, str] | None = None
    for person_id, role in ctx.roles.items():
        shared = len(stems & {_stem(w) for w in role.lower().replace("-", " ").split()})
        if shared and (best is None or shared >= best[0]):
            best = (shared, person_id)
    if best is not None:
        for m in ctx.mentions:
            if m.entity_id == best[1]:
                return ctx.name_of(m), best[1]
    return ctx.last_person if fallback else None


def _stem(word: str) -> str:
    """A crude stem for matching a description to a role (``chairman`` ~ ``chairs``)."""
    return word[:5] if len(word) > 5 else word


def _issuer(ctx: _Context, verb: Any, document: Any) -> tuple[str, str] | None:
    """Who issued a document that is a cue's subject: its possessive owner (``the Council's
    report``, ``its report``), else the organisation named last before the verb."""
    for child in document.children:
        if child.dep_ == "poss":
            m = ctx.mention_at(child)
            if m is not None and m.type in ("ORG", "GPE") and m.entity_id:
                return ctx.name_of(m), m.entity_id
            if child.lower_ in ("its", "their"):
                return ctx.last_organisation
    before = _organisations_before(ctx, verb)
    return _as_speaker(ctx, before[-1]) if before else None


def _introduced_before(ctx: _Context, subject: Any) -> tuple[str, str] | None:
    """The speaker a ``the`` + role noun takes up, when an earlier sentence's subject described
    one with that noun (``A nurse at the clinic … described …`` then ``the nurse said``)."""
    introduced = ctx.introduced.get(subject.lemma_.lower())
    return introduced[1] if introduced is not None and introduced[0] < subject.idx else None


def _represented(ctx: _Context, subject: Any) -> tuple[str, str] | None:
    """The organisation an unnamed spokesperson or official, or a group of its staff, speaks for
    (``A spokesperson for the GHP``, ``A Ministry of Ports spokesperson``, ``Engineers from
    Tarn Rail``): quoted as that organisation. None when a name follows in apposition (``A
    spokeswoman for the force, Ann Lee,``)."""
    lemma = subject.lemma_.lower()
    speaks_for = lemma in SPOKESPEOPLE or (subject.tag_ == "NNS" and lemma in ROLE_NOUNS)
    if not speaks_for or any(child.dep_ == "appos" for child in subject.children):
        return None
    places = [child for child in subject.children if child.dep_ in ("compound", "nmod")]
    for child in subject.children:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
            places += [t for t in child.children if t.dep_ == "pobj"]
    for place in places:
        for token in place.subtree:
            m = ctx.mention_at(token)
            if m is not None and m.type in ("ORG", "GPE") and m.entity_id:
                return ctx.name_of(m), m.entity_id
    for place in places:  # ``A spokesperson for the authority``, ``A force spokesperson``
        if _institution_noun(place.lemma_.lower()):
            return _organisation_named_by(ctx, subject.head, place)
    owned = any(c.dep_ == "poss" for c in subject.children)  # ``the agency's top official``: one
    bare = not any(c.dep_ in ("det", "poss", "nummod", "amod") for c in subject.children)
    if not places and lemma in SPOKESPEOPLE and not owned and (subject.tag_ == "NN" or bare):
        return ctx.last_organisation  # ``Acme said … A spokeswoman said``, ``officials said``
    return None


_NAMED_FAMILY = re.compile(r"\b([A-Z][a-z-]+)(?:['’]s)? family\b")
"""A family the text names by its surname (``the Lee family``, ``Picture: Lee family``)."""

UNNAMED = "unnamed-"
"""The id prefix of a speaker described only by a role (``unnamed-volunteer``)."""

_DESCRIBING = frozenset({"a", "an", "one", "another", "some", "their", "his", "her", "its", "our"})
"""Determiners of a role noun that describe someone without naming them."""

_ONE = frozenset({"one", "another"})

_ARTICLE = re.compile(r"^(?:" + "|".join(sorted(LEADING_DROP)) + r")\s+", re.IGNORECASE)
"""An article opening a noun phrase used as a name (``the ministry`` -> ``ministry``)."""


def _described_speaker(role: Any) -> tuple[str, str]:
    """Name and id of a speaker described by the role noun ``role``: the noun phrase as written,
    and the role noun with the nouns and adjectives before it, except a place's or person's name
    (``A Tarnley shop owner`` -> ``unnamed-shop-owner``, ``A Labour activist`` ->
    ``unnamed-labour-activist``)."""
    start, end = _np_bounds(role)
    nouns = [role]
    for token in reversed(role.doc[: role.i]):
        if token.dep_ not in ("compound", "amod") or token.head.i != role.i or "-" in token.text:
            break
        if token.i > 0 and role.doc[token.i - 1].text == "-":
            break  # ``long-serving``: a description, not part of the role
        common = token.is_sent_start and not token.ent_type_  # ``Commuter groups``: a noun
        if token.pos_ == "PROPN" and token.ent_type_ not in ("ORG", "NORP") and not common:
            break  # a place or a person, not part of the role
        nouns.insert(0, token)
    return role.doc.text[start:end], UNNAMED + kebab(" ".join(t.text for t in nouns))


def _described_only(subject: Any) -> bool:
    """A subject that describes people without naming them: a role noun after an indefinite
    article or a possessive (``a volunteer who asked not to be named``, ``their assessor``) or a
    bare plural common noun (``Medical teams report that``)."""
    one_before = _one_before(subject)
    subject_like = (
        subject.dep_ in ("nsubj", "nsubjpass")
        or (subject.dep_ == "appos" and subject.head.dep_ == "pobj")  # ``In Tarnley, a neighbour``
        or (subject.dep_ == "pobj" and subject.head.dep_ == "agent")  # ``asked by a reporter``
    )
    if subject.pos_ != "NOUN" or (not subject_like and not one_before):
        return False
    determiners = {
        child.lower_
        for child in subject.children
        if child.dep_ in ("det", "poss") or (child.dep_ == "nummod" and child.lower_ == "one")
    }
    if one_before:
        determiners.add(subject.head.lower_)
    if determiners == {"the"} and _of_someone(subject):
        determiners = {"a"}  # ``the owner of a café``: as indefinite as ``a café owner``
    if determiners & _DESCRIBING:
        lemma = subject.lemma_.lower()  # ``a volunteer``, ``one mother``, ``one shop owner``
        return _is_person_noun(lemma) and lemma not in NOT_AGENTS
    return subject.tag_ == "NNS" and not determiners


def _of_someone(noun: Any) -> bool:
    """Whether a noun is completed by ``of`` and an indefinite noun phrase (``of a café``)."""
    return any(
        prep.dep_ == "prep"
        and prep.lower_ == "of"
        and any(
            pobj.dep_ == "pobj" and any(d.lower_ in ("a", "an", "one") for d in pobj.children)
            for pobj in prep.children
        )
        for prep in noun.children
    )


_RESUMING_VERBS = frozenset({"add", "continue"})
"""Lemmas of cues that resume a speaker's words (``he added``)."""

_PRONOUN_GENDER = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she"}
_PERSONAL_POSSESSIVES = frozenset({"my", "your", *_PRONOUN_GENDER})
"""Words that make a noun a person's own (``her office``)."""

_HONORIFIC_PRONOUN = re.compile(r"\b(?:(?P<he>Mr|Sir|Lord)|(?P<she>Mrs|Ms|Miss|Dame|Lady))\.?\s$")
"""An honorific right before a name, which tells the pronoun that stands for the person."""


def _set_person(ctx: _Context, found: _Found, m: _Mention) -> None:
    found.speaker = ctx.name_of(m)
    found.speaker_id = m.entity_id or kebab(found.speaker)
    found.speaker_span = (m.start, m.end)
    ctx.last_person = (found.speaker, found.speaker_id)
    if pronoun := ctx.honorific_pronoun(m):
        ctx.pronouns.setdefault(found.speaker_id, pronoun)


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
                continue
        for child in head.children:  # ``Ann Lee, an epidemiologist at …, who chairs the board``
            if child.dep_ == "appos" and child.pos_ == "NOUN" and _is_person_noun(child.lower_):
                ctx.roles[m.entity_id] = child.lower_
                break
            if child.dep_ == "relcl" and child.pos_ == "VERB":
                objects = [c.lower_ for c in child.children if c.dep_ in ("dobj", "attr")]
                ctx.roles[m.entity_id] = " ".join([child.lemma_.lower(), *objects])
                break


def _cue_for_mark(ctx: _Context, mark: MarkedQuote) -> Any:
    """The reporting verb of a direct quote: right after it, governing it, or right before it
    (or closing the paragraph before with a colon: ``her family said:``)."""
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
    if ctx.text[mark.start : mark.end].rstrip()[-1:] in (".", "!", "?"):
        after_tokens = [t for t in after_tokens if not _reports_own_clause(t)]
    for token in after_tokens[:4]:
        if _is_reporting(token):
            return token
    inside = ctx.tokens(mark.start, mark.end)
    inside_ids = {t.i for t in inside}
    for token in inside:
        head = token.head
        for _ in range(3):
            if head.i in inside_ids or head.i == token.i or not ctx.same_paragraph(head, token):
                break
            if _is_reporting(head) and not ctx.quoted(head):
                return head
            if head.head.i == head.i:
                break
            head = head.head
    before = ctx.tokens(max(0, mark.open_at - 80), mark.open_at)
    before = [t for t in before if t.idx + len(t.text) <= mark.open_at]
    last_line = [t for t in before if not t.is_space]
    ends_line = any("\n" in t.text for t in before[-1:])
    if last_line and (not ends_line or last_line[-1].text == ":"):  # ``her family said:``
        reach = 6 if last_line[-1].text == ":" else 4  # ``put it more simply:``
        window = [t for t in last_line[-reach:] if not ctx.quoted(t)]
        for token in reversed(window):
            if _is_reporting(token):
                return token
    for token in after_tokens[4:]:
        if _is_reporting(token):
            return token
    return None


def _reports_own_clause(verb: Any) -> bool:
    """A verb after a finished quoted sentence that reports a clause of its own (``"…gates."
    Ann Lee said the club would …``): the next statement's cue, not the quote's."""
    return any(child.dep_ == "ccomp" and child.i > verb.i for child in verb.children)


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
        if token.pos_ not in ("NOUN", "PROPN", "PRON", "DET", "ADP", "ADJ", "NUM", "CCONJ") and (
            token.dep_ != "amod"  # ``said in a written submission that``
        ):
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
    pobj = next(c for c in to.children if c.dep_ == "pobj")
    if (named := _named_after(ctx, pobj)) is not None and (m := ctx.mention_at(named)):
        phrase_end = max(phrase_end, m.end)
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
        subject = _dependency_subject(verb)
        if subject is not None and subject.lower_ in ("i", "we") and not ctx.quoted(subject):
            continue  # the author's own voice (an opinion column's ``I say``)
        complements = [
            child
            for child in verb.children
            if child.dep_ == "ccomp" and not (child.i < verb.i and _reduced_relative(child))
        ]
        if any(_mandative(child) for child in complements):
            continue  # ``asked that his name not be used``: a request, not a report
        clauses = _joined_adjacent(
            [[t for t in clause_head.subtree if not t.is_space] for clause_head in complements]
        )
        if not clauses:
            clauses = [_that_clause(verb)]
        for tokens in clauses:
            tokens = _before_next_report(tokens)
            while tokens and (tokens[0].is_punct or tokens[0].lower_ == "that"):
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
            if re.search(r"\d[a-z]\.$", text[start:end]):
                end -= 1  # ``£40m.`` ending the sentence: the period is the sentence's
            if end <= start or "\n" in text[min(start, verb.idx) : max(end, verb.idx)]:
                continue
            found.append(_Found(start, end, "indirect", verb=verb))
    return found


def _reduced_relative(clause_head: Any) -> bool:
    """A participle with no subject or auxiliary that the parser took for a reported clause
    before the verb (``In a statement read to the court by her lawyer, she said: …``): no
    clause of its own."""
    return clause_head.tag_ == "VBN" and _bare_verb(clause_head)


def _mandative(clause_head: Any) -> bool:
    """A clause in the subjunctive of a request (``asked that his name not be used``): what the
    speaker wants done, not what anyone says is so."""
    forms = [clause_head] + [c for c in clause_head.children if c.dep_ in ("aux", "auxpass")]
    finite = any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in forms)
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in clause_head.children)
    return has_subject and not finite and any(t.tag_ == "VB" for t in forms)


def _before_next_report(tokens: list[Any]) -> list[Any]:
    """A clause up to the next act of reporting inside it: a participle that reports a clause of
    its own (``the plan was fair, stressing that no decision had been taken``: that report is the
    next quote), or a second verb of the speaker's that reports or withholds, coordinated with no
    subject of its own (``said the water was safe but urged calm``, ``… and estimated that …``,
    ``… but declined to name them``). A second verb that fits the reported clause (``… and
    welcomed the ruling``) continues it."""
    inside = {t.i for t in tokens}
    for k, token in enumerate(tokens[1:], start=1):
        participle = (
            token.dep_ == "advcl"
            and token.tag_ == "VBG"
            and tokens[k - 1].text == ","
            and _is_reporting(token)
            and any(child.dep_ == "ccomp" for child in token.children)
        )
        second_act = (
            token.dep_ == "conj"
            and token.head.i in inside
            and token.tag_ in ("VBD", "VBZ")
            and tokens[k - 1].pos_ == "CCONJ"
            and token.lemma_.lower() in _SECOND_ACTS
            and _bare_verb(token)
        )
        if participle or second_act:
            head = tokens[:k]
            while head and (head[-1].is_punct or head[-1].pos_ == "CCONJ"):
                head = head[:-1]
            return head
    return tokens


_SECOND_ACTS = REPORTING_VERBS | SILENT_HEADS
"""Verbs that make a second act of the speaker's, not more of what was reported."""


def _bare_verb(verb: Any) -> bool:
    """A verb with no subject or auxiliary of its own."""
    return not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") for c in verb.children
    )


def _joined_adjacent(clauses: list[list[Any]]) -> list[list[Any]]:
    """Complements with no space between them are one word the parser broke into clauses
    (``that it had co-operated`` as ``co``, ``-``, ``operated``)."""
    joined: list[list[Any]] = []
    for clause in sorted((c for c in clauses if c), key=lambda c: c[0].i):
        previous = joined[-1][-1] if joined else None
        if previous is not None and clause[0].i == previous.i + 1 and not previous.whitespace_:
            joined[-1] = joined[-1] + clause
        else:
            joined.append(clause)
    return joined


def _merge_indirect(ctx: _Context, direct: list[_Found], indirect: list[_Found]) -> list[_Found]:
    """Turn clauses around quoted fragments into mixed quotes; give clause cues to direct ones."""
    text = ctx.text
    accepted: list[_Found] = []
    for cand in sorted(indirect, key=lambda f: -(f.end - f.start)):
        if any(a.start <= cand.verb.idx < a.end for a in accepted):
            continue
        if any(a.start < cand.end and cand.start < a.end for a in accepted):
            continue  # two readings of one clause: the longer stands
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
    direct = [d for d in direct if d.verb is not None or not _scare_quoted(ctx.text, d, direct)]
    indirect = _merge_indirect(ctx, direct, _indirect_candidates(ctx))
    quotes = sorted(
        [d for d in direct if d.kind == "direct"] + indirect, key=lambda f: (f.start, f.end)
    )
    _collect_roles(ctx)
    previous: _Found | None = None
    for q in quotes:
        if q.verb is not None:
            _resolve_speaker(ctx, q.verb, q)
        elif previous is not None and (
            _same_paragraph(ctx.text, previous.end, q.start)
            or (previous.mark is not None and previous.mark.close_at is None)  # runs on to here
        ):
            q.speaker, q.speaker_id = previous.speaker, previous.speaker_id
            q.speaker_span, q.cue_span = previous.speaker_span, previous.cue_span
        elif (named := _person_after(ctx, q)) is not None:
            _set_person(ctx, q, named)
        elif _words(ctx.text[q.start : q.end]) >= 6 and previous is not None:
            q.speaker, q.speaker_id = previous.speaker, previous.speaker_id
        if q.speaker is not None:
            ctx.last_speaker = (q.speaker, q.speaker_id or kebab(q.speaker))
        previous = q
    _continue_paragraphs(quotes)
    _resolve_titles_forward(ctx, quotes)
    return quotes


def is_label(quote: _Found, quoted: str) -> bool:
    """A few quoted words (``quoted``, the quote's trimmed text) that no one is said to say, a
    name or a label in quotation marks: no quote to output, though its sentence may still give a
    claim."""
    return quote.speaker is None and len(quoted.split()) <= SCARE_WORDS


def _person_after(ctx: _Context, quote: _Found) -> _Mention | None:
    """The person named in the sentence after an uncued quotation, in its paragraph
    (``"…" That was Ann Lee, speaking after the race.``)."""
    if quote.mark is None or quote.mark.close_at is None:
        return None
    after = quote.mark.close_at + 1
    stop = ctx.text.find("\n", after)
    stop = len(ctx.text) if stop < 0 else stop
    sentence_end = re.search(r"[.!?](?:\s|$)", ctx.text[after:stop])
    if sentence_end is not None and sentence_end.start() < 2:  # the quote ended its sentence
        rest = after + sentence_end.end()
        sentence_end = re.search(r"[.!?](?:\s|$)", ctx.text[rest:stop])
        stop = rest + sentence_end.end() if sentence_end else stop
    elif sentence_end is not None:
        stop = after + sentence_end.end()
    for m in ctx.mentions:
        if after <= m.start < stop and m.type == "PERSON" and not ctx.in_quote[m.start]:
            head = ctx.tokens(m.start, m.end)[-1:]
            if head and head[0].dep_ in ("nsubj", "nsubjpass", "attr", "ROOT"):
                return m
    return None


SCARE_WORDS = 3
"""At most this many words in quotation marks, uncued or with no speaker: set off, not said."""


def _scare_quoted(text: str, quote: _Found, quotes: list[_Found]) -> bool:
    """A short uncued quotation inside a sentence (``its "modernisation"``): a word set off in
    quotation marks, not words someone is reported to have said. An echo of words quoted
    elsewhere in the article (``the "profound consequences" that…``) stays a quote."""
    words = text[quote.start : quote.end]
    if _words(words) > SCARE_WORDS or quote.mark is None:
        return False
    if any(o is not quote and words.lower() in text[o.start : o.end].lower() for o in quotes):
        return False
    before = text[: quote.mark.open_at].rstrip(" ")
    return bool(before) and before[-1] not in "\n:"


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
        if any(p in span_text.split() for p in SPEAKER_PRONOUNS):
            continue
        for later in quotes[i + 1 :]:
            if later.speaker is not None and later.speaker_id in ctx.roles:
                q.speaker, q.speaker_id = later.speaker, later.speaker_id
                break


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
            if form.lower() not in SPEAKER_PRONOUNS:
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
