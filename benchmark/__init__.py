"""fact-extraction-bench: a benchmark and test harness for fact extraction from news.

The public API is what ``__all__`` lists; every other module is private.

Example:
    >>> import benchmark
    >>> corpus = benchmark.load_gold()
    >>> sorted(corpus.doc_ids) == list(corpus.doc_ids)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import BenchError, Problem
from ._gold import load_gold
from ._io import read_annotation, write_annotation
from ._models import (
    Annotation,
    Claim,
    Corpus,
    Document,
    Entity,
    Example,
    Quote,
    Span,
    Speaker,
)
from ._scoring import SystemScores, compare_scores, score_document, score_results, score_system
from ._system import System, SystemUnavailable

__version__ = "0.1.0"

__all__ = [
    "Annotation",
    "BenchError",
    "Claim",
    "Corpus",
    "Document",
    "Entity",
    "Example",
    "Problem",
    "Quote",
    "Span",
    "Speaker",
    "System",
    "SystemScores",
    "SystemUnavailable",
    "__version__",
    "compare_scores",
    "from_spacy",
    "load_gold",
    "read_annotation",
    "score_document",
    "score_results",
    "score_system",
    "write_annotation",
]

if TYPE_CHECKING:
    from ._convert._spacy import from_spacy


def __getattr__(name: str) -> Any:
    """``from_spacy`` is imported on first use: the converters stay out of ``import benchmark``."""
    if name == "from_spacy":
        from ._convert._spacy import from_spacy

        return from_spacy
    raise AttributeError(f"module 'benchmark' has no attribute {name!r}")
