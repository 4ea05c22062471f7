"""Shared fixtures: small gold corpora that tests build themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benchmark._io import write_annotation
from benchmark._models import Annotation, Document
from tests.factories import TINY_TEXT, tiny_annotation

pytest_plugins = ["pytester"]


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
