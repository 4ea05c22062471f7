"""Loading the gold corpus: articles and their annotations, checked before use."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ._errors import BenchError, Problem
from ._models import Corpus, Example
from ._validate import check_annotation_folder, load_articles

GOLD_ENV = "BENCH_GOLD"


def default_gold_dir() -> Path:
    """The built-in gold folder: ``$BENCH_GOLD``, else the checkout's ``gold/``, else ``./gold``."""
    if os.environ.get(GOLD_ENV):
        return Path(os.environ[GOLD_ENV])
    checkout = Path(__file__).resolve().parent.parent / "gold"
    return checkout if checkout.is_dir() else Path.cwd() / "gold"


def check_gold(gold_dir: Path | None = None) -> tuple[Corpus | None, list[Problem]]:
    """Read and check a gold folder (``articles/*.txt``, ``annotations/*.json``).

    Returns the corpus when there is no problem, else None and every problem.
    """
    root = Path(gold_dir) if gold_dir is not None else default_gold_dir()
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
        digest.update(f"articles/{doc_id}.txt".encode())
        digest.update(bytes.fromhex(documents[doc_id].sha256))  # the article's bytes, as read
        digest.update(f"annotations/{doc_id}.json".encode())
        digest.update(checked.digests[annotation_file])
    return Corpus(examples, sha256=digest.hexdigest()), []


def load_gold(gold_dir: str | Path | None = None) -> Corpus:
    """Load the gold corpus (the built-in one by default), checked against its articles.

    Raises:
        BenchError: naming the file and field of the first problem.

    Example:
        >>> corpus = load_gold()
        >>> len(corpus) >= 2
        True
    """
    corpus, problems = check_gold(Path(gold_dir) if gold_dir is not None else None)
    if corpus is None:
        raise BenchError.from_problems(problems)
    return corpus
