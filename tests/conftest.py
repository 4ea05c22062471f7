"""Shared fixtures: small gold corpora that tests build themselves."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmark._io import write_annotation
from benchmark._models import Annotation, Document
from tests.factories import TINY_TEXT, tiny_annotation

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Give Ctrl-C back its handler when the test run was started in the background, where the
    shell leaves SIGINT ignored: the tests that press Ctrl-C on a run need it live, as it is in a
    terminal or a CI job."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def make_gold_dir(tmp_path: Path) -> Callable[..., Path]:
    """Build a gold folder from (Document, Annotation) pairs; by default one tiny document."""

    def make(pairs: list[tuple[Document, Annotation]] | None = None, name: str = "gold") -> Path:
        if pairs is None:
            pairs = [(Document("tiny", TINY_TEXT), tiny_annotation())]
        root = tmp_path / name
        (root / "articles").mkdir(parents=True)
        for document, annotation in pairs:
            (root / "articles" / f"{document.doc_id}.txt").write_bytes(
                document.text.encode("utf-8")
            )
            write_annotation(root / "annotations" / f"{document.doc_id}.json", annotation)
        return root

    return make
