"""Loading the gold corpus: articles and their annotations, checked before use."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import _resources
from ._errors import BenchError, Problem
from ._models import Corpus, Example
from ._resources import GOLD_ENV as GOLD_ENV
from ._validate import check_annotation_folder, load_articles


def default_gold_dir() -> Path:
    """``$BENCH_GOLD``, else the checkout's ``gold/``, else the copy installed with the package."""
    return _resources.default_gold_dir()


def check_gold(gold_dir: Path | None = None) -> tuple[Corpus | None, list[Problem]]:
    """Read and check a gold folder (``articles/*.txt``, ``annotations/*.json``), or a gold
    ``.jsonl`` or ``.parquet`` file or saved dataset (:mod:`benchmark._sources`).

    Returns the corpus when there is no problem, else None and every problem.
    """
    from ._sources import check_gold_source, source_kind

    root = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    if source_kind(root) != "folder":
        return check_gold_source(root)
    if not root.is_dir():
        return None, [Problem(str(root), "", "no such gold folder")]
    documents, problems = load_articles(root / "articles")
    checked = check_annotation_folder(root / "annotations", documents, gold=True)
    problems += checked.problems
    if problems:
        return None, problems
    by_doc = {ann.doc_id: ann for ann in checked.annotations.values()}
    doc_ids = sorted(documents)
    examples = tuple(Example(documents[d], by_doc[d]) for d in doc_ids)
    digest = hashlib.sha256()
    for doc_id in doc_ids:
        annotation_file = str(root / "annotations" / f"{doc_id}.json")
        update_digest(digest, doc_id, documents[doc_id].sha256, checked.digests[annotation_file])
    return Corpus(examples, sha256=digest.hexdigest()), []


def update_digest(digest: Any, doc_id: str, article_sha256: str, annotation_digest: bytes) -> None:
    """Add one document of a gold folder to the gold digest (its file names and contents)."""
    digest.update(f"articles/{doc_id}.txt".encode())
    digest.update(bytes.fromhex(article_sha256))  # the article's bytes, as read
    digest.update(f"annotations/{doc_id}.json".encode())
    digest.update(annotation_digest)


def load_gold(gold_dir: str | Path | None = None) -> Corpus:
    """Load the gold corpus (the built-in one by default), checked against its articles.

    Args:
        gold_dir: a gold folder, or the name of a built-in gold set as a string: ``"seed"``,
            ``"heldout-dev"`` or ``"heldout-test"`` (None: the default gold, ``$BENCH_GOLD`` or
            ``seed``).

    Raises:
        BenchError: naming the file and field of the first problem.

    Example:
        >>> corpus = load_gold()
        >>> len(corpus) >= 2
        True
    """
    corpus, problems = check_gold(_resources.resolve_gold(gold_dir))
    if corpus is None:
        raise BenchError.from_problems(problems)
    return corpus
