"""``bench``: this project's gold folder layout (``articles/*.txt``, ``annotations/*.json``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._errors import BenchError
from .._io import write_annotation
from .._json import atomic_write_bytes
from .._models import Annotation, Example
from .._validate import check_annotation_folder, load_articles


def read_bench(folder: Path) -> list[Example]:
    """Every article of a gold-layout folder with its annotation (empty where it has none).

    Annotations get the format checks of predictions (speaker names need not be ids), so a
    predictions folder laid out like gold converts too.

    Raises:
        BenchError: the first problem, ``file: $.path: reason``.
    """
    documents, problems = load_articles(folder / "articles")
    check = check_annotation_folder(folder / "annotations", documents, gold=False)
    problems += check.problems
    if problems:
        raise BenchError.from_problems(problems)
    by_doc = {ann.doc_id: ann for ann in check.annotations.values()}
    return [
        Example(documents[d], by_doc.get(d) or Annotation(d, documents[d].sha256))
        for d in sorted(documents)
    ]


def write_bench(examples: Sequence[Example], folder: Path) -> dict[str, int]:
    """Write articles (their exact bytes) and annotations in the gold layout."""
    for example in examples:
        doc_id = example.doc_id
        atomic_write_bytes(folder / "articles" / f"{doc_id}.txt", example.document.text.encode())
        write_annotation(folder / "annotations" / f"{doc_id}.json", example.annotation)
    return {}
