"""Systems never special-case the seed articles and never read gold/ (DESIGN §7).

(a) No file under ``benchmark/`` (systems and harness alike) or ``systems/`` contains a proper
name, a five-word run or a doc id of the seed articles. Names are the capitalised words of the
articles that the articles never write in lowercase, minus a short allowlist of generic
vocabulary (calendar words, titles, continents and oceans, which a generic lexicon may hold).
(b) Running every offline system except the oracle (which the runner hands the gold) on a copy of
an article opens no path under ``gold/`` (checked with an audit hook on "open" events).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmark._gold import default_gold_dir, load_gold
from benchmark._io import read_document
from benchmark._systems import discover_systems, load_system
from benchmark.systems._shared._words import load_words

ROOT = Path(__file__).resolve().parent.parent
CHECKED_DIRS = [ROOT / "benchmark", ROOT / "systems"]
ARTICLES = sorted((default_gold_dir() / "articles").glob("*.txt"))

_GENERIC_WORDS = """
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday president minister secretary general
foreign state council alliance university north south east west new united states pacific
atlantic europe european africa asia asian the this that what while still instead meanwhile
joint allies subscribe sign now daily headlines author picture based does there they he she forest
we it if as for with but and our any just so head therefore
facebook whatsapp instagram linkedin gazette courier telegraph english
"""
# calendar, titles, function words that start sentences, generic geography and institutions,
# the platforms of a web page's share bar and a newspaper's head noun (web and press vocabulary),
# the language of the pipelines
GENERIC = frozenset(re.findall(r"\w+", _GENERIC_WORDS))

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _checked_files() -> list[Path]:
    files = []
    for folder in CHECKED_DIRS:
        if folder.is_dir():
            files += [
                p
                for p in folder.rglob("*")
                if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".md", ".json", ".txt"}
            ]
    return files


def _seed_names(text: str) -> set[str]:
    lowercase = {w for w in WORD.findall(text) if w[:1].islower()}
    names = set()
    for word in WORD.findall(text):
        low = word.lower()
        if word[:1].isupper() and len(word) >= 4 and low not in lowercase and low not in GENERIC:
            names.add(word)
    return names


def _ngrams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = [w.lower() for w in WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not ARTICLES, reason="no seed articles")
def test_no_seed_names_strings_or_ids_in_code() -> None:
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    names = set().union(*(_seed_names(t) for t in texts))
    grams = set().union(*(_ngrams(t) for t in texts))
    doc_ids = {p.stem for p in ARTICLES} | {p.stem.split("_", 1)[-1] for p in ARTICLES}
    assert len(names) > 10 and "Stoltenberg" in names  # the detector itself works
    problems = []
    for path in _checked_files():
        content = path.read_text(encoding="utf-8", errors="replace")
        words = {w.lower() for w in WORD.findall(content)}
        for name in sorted(names):
            if name.lower() in words:
                problems.append(f"{path.relative_to(ROOT)}: seed name {name!r}")
        for gram in sorted(_ngrams(content) & grams):
            problems.append(f"{path.relative_to(ROOT)}: seed text {' '.join(gram)!r}")
        for doc_id in doc_ids:
            if doc_id in content:
                problems.append(f"{path.relative_to(ROOT)}: doc id {doc_id!r}")
    assert problems == [], "\n".join(problems)


HELDOUT = ROOT / "tests" / "data" / "heldout"
SYSTEM_DIRS = [ROOT / "benchmark" / "systems", ROOT / "systems"]


def _heldout_names() -> set[str]:
    """The names the held-out gold annotates: every word of a person's name, the full text of
    every other multi-word name, and every one-word name the articles never write in lowercase
    (closed-class vocabulary such as ``Council`` or ``Street`` is in no name list here)."""
    lowercase = {
        w.lower()
        for path in HELDOUT.glob("*/articles/*.txt")
        for w in WORD.findall(path.read_text(encoding="utf-8"))
        if w[:1].islower()
    }
    names: set[str] = set()
    for example in [*load_gold(HELDOUT / "dev"), *load_gold(HELDOUT / "test")]:
        for entity in example.annotation.entities:
            if entity.type == "DATE":
                continue
            words = entity.text.split()
            if entity.type == "PERSON":
                names |= {w for w in words if len(w) >= 4 and w.lower() not in lowercase}
            elif len(words) > 1 or (
                len(entity.text) >= 4 and entity.text.lower() not in lowercase | GENERIC
            ):
                names.add(entity.text)
    return names


def test_no_heldout_name_in_the_systems() -> None:
    """The held-out news stays unseen by the systems' code and word lists (dev included: its
    articles guide the development of mechanisms, never of name lists)."""
    names = _heldout_names() - load_words("gpe_acronyms")  # ``U.S.`` is vocabulary
    assert {"Sandhu", "Worcester Riverside Mutual"} <= names  # the detector itself works
    problems = []
    for folder in SYSTEM_DIRS:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix not in {".py", ".yaml", ".md", ".txt"}:
                continue
            content = path.read_text(encoding="utf-8", errors="replace")
            found = sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", content))
            problems += [f"{path.relative_to(ROOT)}: held-out name {n!r}" for n in found]
    assert problems == [], "\n".join(problems)


_OPENED: list[str] = []
_RECORDING: list[bool] = [False]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDING[0] and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _OPENED.append(str(args[0] if not isinstance(args[0], bytes) else args[0].decode()))


sys.addaudithook(_audit)


@pytest.mark.skipif(not ARTICLES, reason="no seed articles")
def test_no_system_reads_gold(tmp_path: Path) -> None:
    copy = tmp_path / ARTICLES[0].name
    shutil.copyfile(ARTICLES[0], copy)
    document = read_document(copy)
    gold_root = default_gold_dir().resolve()
    infos = [i for i in discover_systems() if i.runs_by_default and i.adapter != "oracle"]
    assert {i.adapter for i in infos} >= {"empty", "rules"}
    for info in infos:
        _OPENED.clear()
        _RECORDING[0] = True
        try:
            system = load_system(info)
            system.extract(document)
        finally:
            _RECORDING[0] = False
        read_gold = [p for p in _OPENED if Path(p).resolve().is_relative_to(gold_root)]
        assert read_gold == [], f"{info.name} opened {read_gold}"
    # the hook does see opens (so an empty list above means something)
    _RECORDING[0] = True
    try:
        copy.read_text(encoding="utf-8")
    finally:
        _RECORDING[0] = False
    assert str(copy) in _OPENED
