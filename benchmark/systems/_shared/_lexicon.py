"""The shared word lists of the built-in systems, by name (no names of people, places or
organisations).

The words themselves are data: each list is a text file in ``benchmark/systems/lexicon/``, read
by :mod:`._words`. Only closed classes of English news vocabulary: reporting verbs, titles,
organisation suffixes, calendar words, continents and oceans, function words.
"""

from __future__ import annotations

from ._words import load_phrases, load_words

SAY_VERBS = load_words("say_verbs")
"""Verbs whose bare complement can be a reported clause: ``X said the talks failed``."""

THAT_VERBS = load_words("that_verbs")
"""Verbs that report a clause only with ``that``: ``X warned (Y) that ...``."""

QUOTE_ONLY_VERBS = load_words("quote_only_verbs")
"""Verbs that attribute a direct quotation but rarely introduce a bare clause."""

REPORTING_VERBS = SAY_VERBS | THAT_VERBS | QUOTE_ONLY_VERBS


PRONOUNS = load_words("pronouns")

CORE_TITLES = load_words("core_titles")
"""Head nouns of titles and functions (lowercase)."""

TITLE_MODIFIERS = load_words("title_modifiers")
"""Words that may precede or follow a title head inside a title (``Foreign Minister``)."""

GROUP_SPEAKERS = load_words("group_speakers")

ORG_SUFFIXES = load_words("org_suffixes")

ORG_HEADS = load_words("org_heads")

PLACE_PREFIXES = load_words("place_prefixes")

LOC_WORDS = load_words("loc_words")
"""Continents, oceans and geographic feature words (type LOC)."""

GPE_ACRONYMS = load_words("gpe_acronyms")

PLACE_PREPOSITIONS = load_words("place_prepositions")

CONNECTORS = load_words("connectors")

MONTHS = load_words("months")
WEEKDAYS = load_words("weekdays")

COMMON_WORDS = load_words("common_words")
"""Capitalised only because they begin a sentence (lowercase compared)."""

CLAUSE_STARTERS_TO_SKIP = load_words("clause_starters_to_skip")
"""Author connectors left out of an indirect quote's span."""

STOP_AFTER_SPEAKER = load_words("stop_after_speaker")
"""Words that end a speaker noun phrase after a postposed reporting verb."""

NOT_CLAUSE_START = load_words("not_clause_start")

WEB_BOILERPLATE = load_phrases("web_boilerplate")

ORG_NOUNS = load_words("org_nouns")
"""Singular common nouns that name an organisation when they head a subject (``the company``)."""
