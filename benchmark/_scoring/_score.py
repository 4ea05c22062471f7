"""Scoring one document, one system and many systems (DESIGN §3): the entry points."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._models import Annotation, Corpus
from ._bootstrap import bootstrap_unit, f1_interval, resample_weights
from ._claims import CLAIM_METRICS, score_claims
from ._entities import CONFUSION_LABELS, ENTITY_METRICS, SCHEMES, score_entities
from ._quotes import QUOTE_METRICS, score_quotes
from ._resolve import SpeakerResolver
from ._results import Counts, MetricResult, Paragraphs, sum_counts
from ._speakers import score_speakers

METRICS: dict[str, tuple[str, ...]] = {
    "entities": ENTITY_METRICS,
    "quotes": QUOTE_METRICS,
    "speakers": ("set",),
    "claims": CLAIM_METRICS,
}
"""Every layer's metric names, in report order (the keys of results.json)."""


@dataclass(frozen=True)
class DocumentScores:
    """Every metric of one system on one document, plus the entity breakdown counts."""

    doc_id: str
    metrics: dict[str, dict[str, MetricResult]]
    entity_per_type: dict[str, dict[str, Counts]] = field(default_factory=dict)
    entity_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def counts(self, layer: str, metric: str) -> Counts:
        """The counts of one metric on this document."""
        return self.metrics[layer][metric].counts


def score_document(gold: Annotation, pred: Annotation | None, text: str) -> DocumentScores:
    """Score one document's predictions (None: nothing predicted) against its gold.

    Example:
        >>> from benchmark._models import Entity
        >>> gold = Annotation("d", "", entities=(Entity(0, 3, "Ann", "PERSON", "ann"),))
        >>> scores = score_document(gold, None, "Ann left.")
        >>> c = scores.counts("entities", "strict")
        >>> c.recall, c.precision
        (0.0, None)
    """
    pred = pred if pred is not None else Annotation(gold.doc_id, gold.text_sha256)
    paragraphs = Paragraphs(text)
    resolver = SpeakerResolver(gold)
    entities = score_entities(gold.entities, pred.entities, paragraphs)
    metrics = {
        "entities": entities.metrics,
        "quotes": score_quotes(gold.quotes, pred.quotes, resolver, paragraphs, text),
        "speakers": score_speakers(gold, pred, resolver, paragraphs),
        "claims": score_claims(gold.claims, pred.claims, resolver, paragraphs),
    }
    return DocumentScores(gold.doc_id, metrics, entities.per_type, entities.confusion)


@dataclass(frozen=True)
class SystemScores:
    """One system's scores over a corpus: per document, micro totals and bootstrap intervals.

    Example:
        >>> from benchmark._models import Document, Example
        >>> doc = Document("d", "Ann left.")
        >>> corpus = Corpus((Example(doc, Annotation("d", doc.sha256)),))
        >>> scores = score_system(corpus, {}, bootstrap_samples=10)
        >>> scores.overall("entities", "strict")
        Counts(tp=0.0, fp=0.0, fn=0.0)
    """

    documents: tuple[DocumentScores, ...]
    unit: str
    samples: int
    seed: int
    intervals: dict[tuple[str, str], list[float] | None] = field(default_factory=dict)

    def overall(self, layer: str, metric: str) -> Counts:
        """Micro counts of one metric over every document."""
        return sum_counts(doc.counts(layer, metric) for doc in self.documents)

    def to_json(self) -> dict[str, Any]:
        """The ``results[system]`` part of results.json."""
        with_paragraphs = self.unit == "paragraph"
        out: dict[str, Any] = {}
        for layer, metrics in METRICS.items():
            out[layer] = {}
            for metric in metrics:
                data = self.overall(layer, metric).to_json()
                data["ci"] = self.intervals.get((layer, metric))
                data["per_document"] = {
                    doc.doc_id: doc.metrics[layer][metric].to_json(with_paragraphs=with_paragraphs)
                    for doc in self.documents
                }
                out[layer][metric] = data
        return out

    def breakdown_json(self) -> dict[str, Any]:
        """The ``breakdown[system]`` part of results.json (entity types, macro, confusion)."""
        per_type: dict[str, dict[str, Counts]] = {}
        confusion: Counter[tuple[str, str]] = Counter()
        for doc in self.documents:
            confusion.update(doc.entity_confusion)
            for etype, schemes in doc.entity_per_type.items():
                slot = per_type.setdefault(etype, {})
                for scheme, counts in schemes.items():
                    slot[scheme] = slot.get(scheme, Counts()) + counts
        macro: dict[str, dict[str, float | None]] = {}
        for scheme in SCHEMES:
            values = [per_type[t][scheme] for t in per_type]
            macro[scheme] = {
                "precision": _mean([c.precision for c in values]),
                "recall": _mean([c.recall for c in values]),
                "f1": _mean([c.f1 for c in values]),
            }
        labels = list(CONFUSION_LABELS)
        return {
            "entities": {
                "per_type": {
                    etype: {scheme: counts.to_json() for scheme, counts in schemes.items()}
                    for etype, schemes in sorted(per_type.items())
                },
                "macro": macro,
                "confusion": {
                    "labels": labels,
                    "matrix": [[confusion.get((g, p), 0) for p in labels] for g in labels],
                },
            }
        }


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def score_system(
    corpus: Corpus,
    predictions: Mapping[str, Annotation],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> SystemScores:
    """Score one system's predictions (by doc id; a missing document = nothing predicted).

    Predictions for documents outside the corpus are ignored.

    Example:
        >>> import benchmark
        >>> corpus = benchmark.load_gold()
        >>> oracle = {ex.doc_id: ex.annotation for ex in corpus}
        >>> scores = benchmark.score_system(corpus, oracle, bootstrap_samples=100)
        >>> scores.overall("quotes", "attribution").f1
        1.0
    """
    import numpy as np

    documents = tuple(
        score_document(ex.annotation, predictions.get(ex.doc_id), ex.document.text) for ex in corpus
    )
    unit = bootstrap_unit(len(documents))
    intervals: dict[tuple[str, str], list[float] | None] = {}
    weights = None
    for layer, metrics in METRICS.items():
        for metric in metrics:
            if unit == "paragraph":
                rows = [
                    (c.tp, c.fp, c.fn)
                    for doc in documents
                    for c in doc.metrics[layer][metric].by_paragraph
                ]
            else:
                rows = [
                    (c.tp, c.fp, c.fn) for c in (doc.counts(layer, metric) for doc in documents)
                ]
            unit_counts = np.array(rows, dtype=float).reshape(-1, 3)
            if weights is None:
                weights = resample_weights(unit_counts.shape[0], bootstrap_samples, seed)
            intervals[(layer, metric)] = (
                f1_interval(unit_counts, weights) if bootstrap_samples > 0 else None
            )
    return SystemScores(documents, unit, bootstrap_samples, seed, intervals)


def score_results(
    corpus: Corpus,
    systems: Mapping[str, Mapping[str, Annotation]],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The ``documents``, ``results`` and ``breakdown`` parts of results.json for many systems.

    Also returns ``bootstrap`` (``samples``, ``seed``, ``unit``) for ``provenance.bootstrap``.
    """
    results: dict[str, Any] = {}
    breakdown: dict[str, Any] = {}
    for name, predictions in systems.items():
        scores = score_system(corpus, predictions, bootstrap_samples=bootstrap_samples, seed=seed)
        results[name] = scores.to_json()
        breakdown[name] = scores.breakdown_json()
    return {
        "documents": list(corpus.doc_ids),
        "results": results,
        "breakdown": breakdown,
        "bootstrap": {
            "samples": bootstrap_samples,
            "seed": seed,
            "unit": bootstrap_unit(len(corpus)),
        },
    }
