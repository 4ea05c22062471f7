"""Word lists of the ``spacy`` system: reporting verbs, titles, claim-kind cues, boilerplate.

Generic English news vocabulary only; nothing here comes from any particular article.
"""

from __future__ import annotations

import re

from .._shared._lexicon import ORG_NOUNS
from .._shared._text import DATELINE
from .._shared._words import load_pattern, load_phrases, load_words

__all__ = ["DATELINE", "ORG_NOUNS"]


REPORTING_VERBS = load_words("spacy_reporting_verbs")
"""Lemmas of verbs that report speech (clausal complements of these are indirect quotes)."""

CUE_NOUNS = load_words("spacy_cue_nouns")
DOCUMENT_NOUNS = load_words("spacy_document_nouns")
"""Documents as the subject of a cue: the organisation that issued one speaks."""

NAME_TITLES = load_words("spacy_name_titles")
"""Lower-cased words that make a title when they precede a name (``Foreign Minister X``)."""

PERSON_PRONOUNS = load_words("spacy_person_pronouns")
GROUP_PRONOUNS = load_words("spacy_group_pronouns")
SPEAKER_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS
LEADING_DROP = load_words("spacy_leading_drop")
POSSESSIVE_ENDINGS = ("’s", "'s", "‘s", "’", "'")

PLAN_CUES = load_pattern("spacy_plan_cues")

WARNING_CUES = load_pattern("spacy_warning_cues")
OPINION_CUES = load_pattern("spacy_opinion_cues")

BOILERPLATE = re.compile(
    r"^\s*(?:" + "|".join(load_phrases("spacy_boilerplate_starts")) + ")", re.IGNORECASE
)
"""Lines that are site furniture rather than news text."""

_ORG_WORD = r"[A-Z](?:[\w&-]|['’](?!s\s))*"
"""A capitalised word of an organisation's name; not a possessive (``Tarnia's Ministry``)."""

SITE_SECTIONS = load_words("spacy_site_sections")
"""Sections of a news site in its navigation line (``Home``, ``Sport``, ``What's On``)."""

NEWSPAPER_HEADS = load_words("spacy_newspaper_heads")
"""Last words of newspapers' names (``Gazette``)."""

_SUFFIXES = (*load_phrases("spacy_company_suffixes"), *sorted(NEWSPAPER_HEADS))
ORG_SUFFIX = re.compile(
    r"\b((?:(?:" + _ORG_WORD + r"|&)\s){1,3}(?:" + "|".join(map(re.escape, _SUFFIXES)) + r"))(?!\w)"
)
"""A company name ending in a corporate suffix (``Acme Widgets Inc``)."""

PLACE_QUALIFIERS = load_words("spacy_place_qualifiers")
"""Words that make a bigger or smaller place of a place (``Rural Tarnland``)."""

HEARER_VERBS = load_words("spacy_hearer_verbs")
"""Reporting verbs whose passive subject hears, not speaks (``staff were told that``)."""

INSTITUTION_SYNONYMS = dict(
    pair.split(" ", 1) for pair in load_phrases("spacy_institution_synonyms")
)
"""A common noun for an institution -> the head noun of its name (``bench`` -> ``court``)."""

INSTITUTION_HEADS = load_words("spacy_institution_heads")
"""Head nouns of institutions' names (``Council``, ``Ministry``)."""
_INSTITUTION_HEADS = "|".join(map(re.escape, load_phrases("spacy_institution_heads")))

ORG_OF = re.compile(
    r"\b(?:"
    + _ORG_WORD
    + r"\s){0,2}(?:"
    + _INSTITUTION_HEADS
    + r")(?: of(?: the)?(?: [A-Z][\w’'-]*)+| (?:[A-Z][\w’'-]*)(?: [A-Z][\w’'-]*)*)"
)
"""An institution named by a head noun and a proper complement (``Council of Island States``)."""

_HEAD_END = r"(?![\w-])(?!['’](?!s\b))"
"""The end of a head noun, which may take a possessive (``Tarn Council's``)."""

ORG_HEAD_LAST = re.compile(
    r"\b(?:" + _ORG_WORD + r"\s){1,3}(?:" + _INSTITUTION_HEADS + r")" + _HEAD_END
)
"""An institution named by proper words before its head noun (``Tarn Valley District Council``)."""

ORG_HEAD_JOINED = re.compile(
    r"\b(?:[A-Z][\w’'-]* ){1,3}(?:and|&) [A-Z][\w’'-]* (?:" + _INSTITUTION_HEADS + r")" + _HEAD_END
)
"""An institution of two names joined by ``and`` (``Tarn and Ardley Police``, ``North Tarn Fire
and Rescue Service``)."""

PLACE_HEADS = load_words("spacy_place_heads")
"""First words of place names (``River Tarn``): the whole name is a LOC."""

SILENT_HEADS = load_words("spacy_silent_heads")
"""Lemmas governing a reporting verb that withhold its content (``declined to say whether``)."""

PERSON_HONORIFICS = load_words("spacy_person_honorifics")
"""Honorifics and ranks before a name (``Cllr``, ``Det Insp``): what follows is a PERSON name."""

EVENT_HEADS = load_phrases("spacy_event_heads")
"""Words that make a named event with the name after them (``Storm Ada``)."""

EVENT_TAILS = load_words("spacy_event_tails")
"""Last words of a named event written after ``the`` (``the Lark Hill Fire``)."""

COMPETITION_ENDS = load_words("spacy_competition_ends")
"""Last words of a named competition or festival (``Tarn Valley Cup``): an EVENT."""

CREDIT_LABELS = load_phrases("spacy_credit_labels")
"""Labels opening a photo-credit line (``Photo: Ann Lee/Agency``)."""

ROLE_NOUNS = load_words("spacy_role_nouns")
"""Nouns of a person described only by a role (``a volunteer who asked not to be named``)."""

SPOKESPEOPLE = load_words("spacy_spokespeople")
"""Nouns for someone who speaks for an organisation: with the organisation named in the same
noun phrase and no name, the organisation is the speaker."""

KIN_NOUNS = load_words("spacy_kin_nouns")
PERSON_NOUNS = NAME_TITLES | ROLE_NOUNS | KIN_NOUNS
"""Nouns that describe a person: a name in apposition to one is a PERSON (``an analyst``)."""


SHARE_PLATFORMS = load_words("spacy_share_platforms")
"""Platforms named in a web page's share bar: organisations."""

NOT_AGENTS = load_words("spacy_not_agents")
"""Nouns shaped like agent nouns that name no person (``a letter said``)."""

COMPANY_NOUNS = load_words("spacy_company_nouns")
"""Common nouns for a company (``the firm said``): they stand for the company last quoted."""
