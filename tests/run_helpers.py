"""A small invented corpus and a systems folder of misbehaving systems, for the run tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmark._io import write_annotation
from tests.factories import TINY_TEXT, tiny_annotation

DOC_IDS = ("a1", "b2", "c3")


def make_corpus(root: Path) -> Path:
    """A gold folder of three variants of the tiny article (ids a1, b2, c3)."""
    for i, doc_id in enumerate(DOC_IDS):
        text = TINY_TEXT + "\n\nMore news." * i
        (root / "articles").mkdir(parents=True, exist_ok=True)
        (root / "articles" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        write_annotation(root / "annotations" / f"{doc_id}.json", tiny_annotation(text, doc_id))
    return root


def make_systems_dir(root: Path, *, worse_finder: bool = False) -> Path:
    """A ``systems/`` folder holding the test systems (``finder`` made worse if asked)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).with_name("run_systems_plugin.py"), root / "testsys.py")
    if worse_finder:
        (root / "finder.yaml").write_text("name: finder\nadapter: finder\nparams: {worse: true}\n")
    return root


def calls(log: Path) -> list[str]:
    """The extract calls logged so far."""
    return log.read_text().splitlines() if log.exists() else []
