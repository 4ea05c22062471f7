"""Word lists of the ``spacy`` system: reporting verbs, titles, claim-kind cues, boilerplate.

Generic English news vocabulary only; nothing here comes from any particular article.
"""

from __future__ import annotations

import re

from .._shared._lexicon import ORG_NOUNS
from .._shared._text import DATELINE

__all__ = ["DATELINE", "ORG_NOUNS"]


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


REPORTING_VERBS = _lexicon(
    """
    say tell warn stress add argue reply respond conclude denounce insist note claim explain
    state declare announce assure affirm assert confirm deny admit acknowledge emphasize
    emphasise underline underscore suggest report write ask urge comment remark observe predict
    promise pledge vow threaten caution recall reiterate repeat maintain contend complain
    criticize criticise accuse lament concede testify allege answer retort counter continue
    describe disclose reveal point highlight indicate mention tweet post estimate forecast
    propose recommend demand agree signal hint exclaim whisper shout joke quip muse call
    """
)
"""Lemmas of verbs that report speech (clausal complements of these are indirect quotes)."""

CUE_NOUNS = _lexicon("notice statement warning message announcement remarks words")

NAME_TITLES = _lexicon(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady president vice
    prime minister secretary general secretary-general chancellor premier king queen prince
    princess pope senator sen. rep. representative governor gov. mayor judge justice chief
    ambassador envoy spokesman spokeswoman spokesperson director commissioner chairman chairwoman
    chair ceo general gen. colonel col. captain capt. lieutenant lt. sergeant admiral commander
    foreign defence defense interior finance deputy former acting speaker leader head minister
    official officer spokesman analyst expert manager coach boss executive founder owner agent
    lawyer attorney prosecutor councilor councillor negotiator economist treasurer inspector
    superintendent sheriff administrator principal dean rector professor editor chairperson
    president-elect secretary-general commander-in-chief
    """
)
"""Lower-cased words that make a title when they precede a name (``Foreign Minister X``)."""

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
LEADING_DROP = frozenset({"the", "a", "an"})
POSSESSIVE_ENDINGS = ("’s", "'s", "‘s", "’", "'")

PLAN_CUES = re.compile(
    r"\b(will|shall|plans?|planned|planning|agreed? to|agrees to|intends?|intended|promised?|"
    r"pledged?|aims? to|going to|is set to|are set to|decided? to|committed to|schedule[sd]?|"
    r"to start|to launch|to develop)\b",
    re.IGNORECASE,
)
WARNING_CUES = re.compile(
    r"\b(warn\w*|risks?|consequences?|threat\w*|danger\w*|mistake|caution\w*|"
    r"catastroph\w*|disaster|crisis)\b",
    re.IGNORECASE,
)
OPINION_CUES = re.compile(
    r"\b(think|thinks|believe[sd]?|should|must|ought|hopes?|hoped|wish\w*|critical|important|"
    r"essential|need to|needs to|concern\w*|clearly|unacceptable|welcome[sd]?|regret\w*)\b",
    re.IGNORECASE,
)

BOILERPLATE = re.compile(
    r"^\s*(subscribe|sign up|sign in|log in|newsletter|advertisement|cookie|read more|"
    r"click here|follow us|share (this|on)|all rights reserved|copyright|©|related:|"
    r"photo:|image:|credit:|watch:|listen:)",
    re.IGNORECASE,
)
"""Lines that are site furniture rather than news text."""

ORG_SUFFIX = re.compile(
    r"\b((?:[A-Z][\w&’'-]*\s){1,3}(?:Technologies|Technology|Inc\.?|Corp\.?|Corporation|Ltd\.?|"
    r"Holdings|Group|Systems|Labs|Pharmaceuticals|Airlines|Motors|Capital|Partners|Industries|"
    r"Enterprises|Solutions|Software|Networks|Ventures|Bancorp|Plc|PLC|LLC|AG|SA|GmbH))\b"
)
"""A company name ending in a corporate suffix (``Acme Widgets Inc``)."""

ORG_OF = re.compile(
    r"\b(?:[A-Z][\w’'-]*\s){0,2}(?:Coalition|Council|Union|Association|Federation|Alliance|"
    r"League|Organi[sz]ation|Ministry|Department|Institute|Bank|Court|Party|Committee|Club|"
    r"Society|Agency|Commission|Office|Board|Academy|University|College|Museum|Church|Order)"
    r"(?: of(?: the)?(?: [A-Z][\w’'-]*)+| (?:[A-Z][\w’'-]*)(?: [A-Z][\w’'-]*)*)"
)
"""An institution named by a head noun and a proper complement (``Council of Island States``)."""

SILENT_HEADS = frozenset({"decline", "refuse", "fail", "not"})
"""Lemmas governing a reporting verb that withhold its content (``declined to say whether``)."""
