"""Scoring one document, one system and many systems: the entry points."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .._formats import (
    BootstrapSettings,
    Breakdown,
    Confusion,
    DocumentDetail,
    EntityBreakdown,
    Macro,
    MetricDetail,
    MetricTotals,
    Scores,
)
from .._models import Annotation, Corpus
from ._bootstrap import bootstrap_unit, system_intervals
from ._claims import CLAIM_METRICS, score_claims
from ._entities import CONFUSION_LABELS, ENTITY_METRICS, SCHEMES, score_entities
from ._quotes import QUOTE_METRICS, score_quotes
from ._resolve import SpeakerResolver
from ._results import Counts, MetricResult, Paragraphs, json_number, sum_counts
from ._speakers import score_speakers

METRICS: dict[str, tuple[str, ...]] = {
    "entities": ENTITY_METRICS,
    "quotes": QUOTE_METRICS,
    "speakers": ("set",),
    "claims": CLAIM_METRICS,
}
"""Every layer's metric names, in report order (the keys of results.json)."""

BATCH = 512
"""Documents read and scored together, by :func:`score_system` and by ``bench score`` (bounds
the memory of the matching)."""
SMALL_BATCH = 4
"""Fewer documents than this are matched one by one (numpy costs more than it saves there)."""


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

    def detail(self, system: str) -> DocumentDetail:
        """This document's line of ``details.jsonl``."""
        return DocumentDetail(
            system=system,
            doc_id=self.doc_id,
            metrics={
                layer: {metric: _metric_detail(result) for metric, result in metrics.items()}
                for layer, metrics in self.metrics.items()
            },
        )


def _metric_detail(result: MetricResult) -> MetricDetail:
    paragraphs = result.by_paragraph
    return MetricDetail(
        counts=(result.counts.tp, result.counts.fp, result.counts.fn),
        paragraphs=[(c.tp, c.fp, c.fn) for c in paragraphs] if len(paragraphs) > 1 else [],
        false_positives=list(result.false_positives),
        false_negatives=list(result.false_negatives),
    )


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
    return score_documents([(gold, pred, text)])[0]


Task = tuple[Annotation, "Annotation | None", str]
"""``(gold, predictions or None, article text)`` of one document."""


def score_documents(documents: Sequence[Task], *, errors: bool = True) -> list[DocumentScores]:
    """:func:`score_document` of many documents at once (the entities of all of them are
    matched together, see :func:`~._batch.score_entity_batch`). ``errors=False`` is for callers
    that write no error lists (``bench score`` without ``--out``): the counts are the same, and
    the batch-matched documents' entity error lists are left empty.

    Example:
        >>> from benchmark._models import Entity
        >>> gold = Annotation("d", "", entities=(Entity(0, 3, "Ann", "PERSON", "ann"),))
        >>> [s.counts("entities", "exact").tp for s in score_documents([(gold, gold, "Ann.")] * 2)]
        [1.0, 1.0]
    """
    preds = [
        pred if pred is not None else Annotation(gold.doc_id, gold.text_sha256)
        for gold, pred, _ in documents
    ]
    paragraphs = [Paragraphs(text) for _, _, text in documents]
    golds = [gold.entities for gold, _, _ in documents]
    predicted = [pred.entities for pred in preds]
    if len(documents) < SMALL_BATCH:
        entities = list(map(score_entities, golds, predicted, paragraphs))
    else:
        from ._batch import score_entity_batch

        entities = score_entity_batch(golds, predicted, paragraphs, errors=errors)
    scored: list[DocumentScores] = []
    for (gold, _, text), pred, paras, found in zip(
        documents, preds, paragraphs, entities, strict=True
    ):
        resolver = SpeakerResolver(gold)
        metrics = {
            "entities": found.metrics,
            "quotes": score_quotes(gold.quotes, pred.quotes, resolver, paras, text),
            "speakers": score_speakers(gold, pred, resolver, paras),
            "claims": score_claims(gold.claims, pred.claims, resolver, paras),
        }
        scored.append(DocumentScores(gold.doc_id, metrics, found.per_type, found.confusion))
    return scored


def _whole(counts: Counts) -> tuple[float, float, float]:
    """Counts as results.json shows them: whole numbers as ints, partial credit as floats."""
    return (json_number(counts.tp), json_number(counts.fp), json_number(counts.fn))


def totals_of(counts: Counts, interval: Sequence[float] | None = None) -> MetricTotals:
    """The results.json entry of one metric: scores, counts and the F1 interval."""
    tp, fp, fn = _whole(counts)
    ci = (interval[0], interval[1]) if interval is not None else None
    return MetricTotals(counts.precision, counts.recall, counts.f1, tp, fp, fn, ci)


def _scores_of(counts: Counts) -> Scores:
    tp, fp, fn = _whole(counts)
    return Scores(counts.precision, counts.recall, counts.f1, tp, fp, fn)


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

    name: str
    documents: tuple[DocumentScores, ...]
    unit: str
    samples: int
    seed: int
    intervals: dict[tuple[str, str], list[float] | None] = field(default_factory=dict)

    def overall(self, layer: str, metric: str) -> Counts:
        """Micro counts of one metric over every document."""
        return sum_counts(doc.counts(layer, metric) for doc in self.documents)

    def details(self) -> Iterator[DocumentDetail]:
        """The system's ``details.jsonl`` lines, made as they are read (only runs and
        ``bench score --out`` write them)."""
        return (doc.detail(self.name) for doc in self.documents)

    def totals(self) -> dict[str, dict[str, MetricTotals]]:
        """The ``results[system]`` part of results.json: every layer's metrics over the corpus."""
        return {
            layer: {
                metric: totals_of(self.overall(layer, metric), self.intervals.get((layer, metric)))
                for metric in metrics
            }
            for layer, metrics in METRICS.items()
        }

    def breakdown(self) -> Breakdown:
        """The ``breakdown[system]`` part of results.json (entity types, macro, confusion)."""
        per_type: dict[str, dict[str, Counts]] = {}
        confusion: Counter[tuple[str, str]] = Counter()
        for doc in self.documents:
            confusion.update(doc.entity_confusion)
            for etype, schemes in doc.entity_per_type.items():
                slot = per_type.setdefault(etype, {})
                for scheme, counts in schemes.items():
                    slot[scheme] = slot.get(scheme, Counts()) + counts
        macro: dict[str, Macro] = {}
        for scheme in SCHEMES:
            values = [per_type[t][scheme] for t in per_type]
            macro[scheme] = Macro(
                precision=_mean([c.precision for c in values]),
                recall=_mean([c.recall for c in values]),
                f1=_mean([c.f1 for c in values]),
            )
        labels = list(CONFUSION_LABELS)
        return Breakdown(
            entities=EntityBreakdown(
                per_type={
                    etype: {scheme: _scores_of(counts) for scheme, counts in schemes.items()}
                    for etype, schemes in sorted(per_type.items())
                },
                macro=macro,
                confusion=Confusion(
                    labels=labels,
                    matrix=[[confusion.get((g, p), 0) for p in labels] for g in labels],
                ),
            )
        )


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def score_system(
    corpus: Corpus,
    predictions: Mapping[str, Annotation],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    name: str = "system",
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
    tasks = [(ex.annotation, predictions.get(ex.doc_id), ex.document.text) for ex in corpus]
    documents = tuple(
        doc
        for start in range(0, len(tasks), BATCH)
        for doc in score_documents(tasks[start : start + BATCH])
    )
    unit = bootstrap_unit(len(documents))
    rows = (
        (layer, metric, result.counts, result.by_paragraph)
        for doc in documents
        for layer, metrics in doc.metrics.items()
        for metric, result in metrics.items()
    )
    intervals = system_intervals(rows, unit, bootstrap_samples, seed)
    return SystemScores(name, documents, unit, bootstrap_samples, seed, intervals)


@dataclass(frozen=True)
class ScoredSystems:
    """Many systems scored on one corpus: what results.json and details.jsonl are made of."""

    documents: list[str]
    results: dict[str, dict[str, dict[str, MetricTotals]]]
    breakdown: dict[str, Breakdown]
    systems: dict[str, SystemScores]
    bootstrap: BootstrapSettings

    def details(self) -> Iterator[DocumentDetail]:
        """Every system's ``details.jsonl`` lines, system by system, made as they are read."""
        for scores in self.systems.values():
            yield from scores.details()


def score_results(
    corpus: Corpus,
    systems: Mapping[str, Mapping[str, Annotation]],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> ScoredSystems:
    """Score many systems' predictions (system -> doc id -> annotation) on one corpus."""
    results: dict[str, dict[str, dict[str, MetricTotals]]] = {}
    breakdown: dict[str, Breakdown] = {}
    scored: dict[str, SystemScores] = {}
    for name, predictions in systems.items():
        scores = score_system(
            corpus, predictions, bootstrap_samples=bootstrap_samples, seed=seed, name=name
        )
        results[name] = scores.totals()
        breakdown[name] = scores.breakdown()
        scored[name] = scores
    unit = bootstrap_unit(len(corpus))
    return ScoredSystems(
        documents=list(corpus.doc_ids),
        results=results,
        breakdown=breakdown,
        systems=scored,
        bootstrap=BootstrapSettings(samples=bootstrap_samples, seed=seed, unit=unit),
    )
