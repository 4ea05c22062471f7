"""The word lists of the built-in systems, read from text files in ``benchmark/systems/lexicon/``.

Each list is one file, ``<name>.txt``: one entry per line (an entry may hold spaces, such as
``sign up``), blank lines ignored, ``#`` starting a comment line. The lists are closed classes of
English news vocabulary (reporting verbs, titles, organisation suffixes, calendar words); no names
of people, places or organisations. Editing a file changes the systems' fingerprints, so cached
results of the old lists are not served.

Example:
    >>> "said" in load_words("say_verbs")
    True
    >>> load_phrases("web_boilerplate")[0]
    'subscribe'
"""

from __future__ import annotations

import functools
import re
from importlib import resources

LEXICON_PACKAGE = "benchmark.systems"
LEXICON_FOLDER = "lexicon"


@functools.cache
def load_phrases(name: str) -> tuple[str, ...]:
    """The entries of ``lexicon/<name>.txt`` in file order."""
    path = resources.files(LEXICON_PACKAGE).joinpath(LEXICON_FOLDER, f"{name}.txt")
    entries: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return tuple(entries)


@functools.cache
def load_words(name: str) -> frozenset[str]:
    """The entries of ``lexicon/<name>.txt`` as a set."""
    return frozenset(load_phrases(name))


def load_pattern(name: str) -> re.Pattern[str]:
    """The entries of ``lexicon/<name>.txt`` as alternatives of one case-insensitive pattern of
    whole words (each entry is a regular expression: ``warn\\w*``).

    Example:
        >>> bool(load_pattern("spacy_warning_cues").search("They warned of a crisis"))
        True
    """
    return re.compile(r"\b(?:" + "|".join(load_phrases(name)) + r")\b", re.IGNORECASE)
