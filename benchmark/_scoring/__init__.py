"""The scoring engine: per-document counts, micro totals, bootstrap intervals.

It reads no file and writes none: it takes annotations and returns typed scores
(:class:`~benchmark._formats.MetricTotals`, :class:`~benchmark._formats.DocumentDetail`);
the run layer (:mod:`benchmark._run`) reads and writes them.

Example:
    >>> from benchmark._models import Annotation, Corpus, Document, Entity, Example
    >>> doc = Document("d", "Ann met Bob.")
    >>> gold = Annotation("d", doc.sha256, entities=(
    ...     Entity(0, 3, "Ann", "PERSON", "ann"), Entity(8, 11, "Bob", "PERSON", "bob")))
    >>> pred = Annotation("d", doc.sha256, entities=(Entity(0, 3, "Ann", "PERSON"),))
    >>> scores = score_system(Corpus((Example(doc, gold),)), {"d": pred}, bootstrap_samples=50)
    >>> scores.overall("entities", "strict").recall
    0.5
"""

from __future__ import annotations

from ._bootstrap import compare_scores
from ._entities import count_entity_schemes, match_entities
from ._resolve import SpeakerResolver, normalize_name
from ._results import Counts, MetricResult
from ._score import (
    METRICS,
    DocumentScores,
    ScoredSystems,
    SystemScores,
    score_document,
    score_documents,
    score_results,
    score_system,
)

__all__ = [
    "METRICS",
    "Counts",
    "DocumentScores",
    "MetricResult",
    "ScoredSystems",
    "SpeakerResolver",
    "SystemScores",
    "compare_scores",
    "count_entity_schemes",
    "match_entities",
    "normalize_name",
    "score_document",
    "score_documents",
    "score_results",
    "score_system",
]
