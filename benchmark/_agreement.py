"""Inter-annotator agreement, measured with the project's own scorer.

Two annotation folders of the same articles are scored against each other in both directions
(A as reference with B as predictions, and the reverse). For one-to-one matching metrics F1 is
symmetric, so both directions agree; the claim metrics use the reference side's paraphrases, so
they can differ, and the table reports both and their mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import BenchError
from ._models import Annotation, Corpus, Document, Example
from ._validate import check_annotation_folder, load_articles

if TYPE_CHECKING:
    from ._scoring import SystemScores


@dataclass(frozen=True)
class AgreementRow:
    """Agreement on one layer and metric: F1 with A as reference, with B, and their mean."""

    layer: str
    metric: str
    f1_a_ref: float | None
    f1_b_ref: float | None

    @property
    def mean(self) -> float | None:
        values = [v for v in (self.f1_a_ref, self.f1_b_ref) if v is not None]
        return sum(values) / len(values) if values else None


def _load_side(folder: Path, documents: dict[str, Document]) -> dict[str, Annotation]:
    check = check_annotation_folder(folder, documents, gold=True)
    if check.problems:
        raise BenchError.from_problems(check.problems)
    return {annotation.doc_id: annotation for annotation in check.annotations.values()}


def measure_agreement(articles_dir: Path, a_dir: Path, b_dir: Path) -> list[AgreementRow]:
    """Pairwise F1 per layer and metric between two annotation folders of the same articles.

    Raises:
        BenchError: when either folder has a problem (the first is named).
    """
    from ._scoring import METRICS, score_system

    documents, problems = load_articles(articles_dir)
    if problems:
        raise BenchError.from_problems(problems)
    side_a = _load_side(a_dir, documents)
    side_b = _load_side(b_dir, documents)

    def scored(reference: dict[str, Annotation], other: dict[str, Annotation]) -> SystemScores:
        corpus = Corpus(tuple(Example(documents[d], reference[d]) for d in sorted(reference)))
        return score_system(corpus, other, bootstrap_samples=0)

    a_ref = scored(side_a, side_b)
    b_ref = scored(side_b, side_a)
    return [
        AgreementRow(
            layer,
            metric,
            a_ref.overall(layer, metric).f1,
            b_ref.overall(layer, metric).f1,
        )
        for layer, metrics in METRICS.items()
        for metric in metrics
    ]


def render_agreement(rows: list[AgreementRow]) -> str:
    """A Markdown table of agreement rows (``—`` where F1 is undefined)."""

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    lines = [
        "| layer | metric | F1 (A as reference) | F1 (B as reference) | mean |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r.layer} | {r.metric} | {fmt(r.f1_a_ref)} | {fmt(r.f1_b_ref)} | {fmt(r.mean)} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
