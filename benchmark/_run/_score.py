"""Scoring saved predictions against a gold folder (the work behind ``bench score``).

File I/O lives here, not in the scoring engine: predictions are read strictly, scored, and
returned as the typed results (and, with ``--out``, written as a run folder that ``bench
compare``, ``bench check`` and ``bench report`` read).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._formats import RESULTS_FORMAT, DocumentDetail, Results
from .._models import Annotation, Corpus
from ._provenance import run_provenance

if TYPE_CHECKING:
    from .._scoring import ScoredSystems


@contextmanager
def paused_gc() -> Iterator[None]:
    """Bulk decoding and scoring make millions of small objects and no reference cycles; the
    cyclic collector would walk them again and again (about a tenth of ``bench score``), so it
    pauses for the duration and resumes as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def score_to_results(
    corpus: Corpus,
    predictions: Mapping[str, Mapping[str, Annotation]],
    system_provenance: Mapping[str, Mapping[str, Any]],
    *,
    gold_dir: Path | None,
    samples: int,
    seed: int,
    command: str | None = None,
    errors: Mapping[str, Mapping[str, str]] | None = None,
    skipped: Mapping[str, str] | None = None,
    usage: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[Results, Iterator[DocumentDetail]]:
    """Score systems' predictions (system -> doc id -> annotation) on a corpus: the results.json
    and details.jsonl of a run or of ``bench score`` (the one place both are made)."""
    from .._scoring import score_results

    scored = score_results(corpus, predictions, bootstrap_samples=samples, seed=seed)
    results = results_of(
        scored,
        system_provenance,
        gold_sha256=corpus.sha256,
        gold_dir=gold_dir,
        command=command,
        errors=errors,
        skipped=skipped,
        usage=usage,
    )
    return results, scored.details()


def results_of(
    scored: ScoredSystems,
    system_provenance: Mapping[str, Mapping[str, Any]],
    *,
    gold_sha256: str,
    gold_dir: Path | None,
    command: str | None = None,
    errors: Mapping[str, Mapping[str, str]] | None = None,
    skipped: Mapping[str, str] | None = None,
    usage: Mapping[str, Mapping[str, float]] | None = None,
) -> Results:
    """The results.json of scored systems (whole, or accumulated batch by batch)."""
    provenance = run_provenance(
        gold_sha256=gold_sha256,
        gold_dir=gold_dir,
        systems={name: system_provenance.get(name, {}) for name in scored.systems},
        bootstrap=scored.bootstrap,
        command=command,
    )
    results = Results(
        format_version=RESULTS_FORMAT,
        provenance=provenance,
        documents=scored.documents,
        results=scored.results,
        breakdown=scored.breakdown,
        errors={name: dict(sorted(found.items())) for name, found in (errors or {}).items()},
        skipped=dict(skipped or {}),
        usage={name: dict(figures) for name, figures in sorted((usage or {}).items())},
    )
    return results


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_table(results: Results) -> str:
    """A readable table of results: one row per system, layer and metric.

    Example:
        >>> from benchmark._formats import MetricTotals
        >>> totals = MetricTotals(None, 0.0, 0.0, 0, 0, 2)
        >>> print(_rows({"s": {"quotes": {"exact": totals}}})[-1])
        ('s', 'quotes', 'exact', '-', '0.000', '0.000', '0', '0', '2', '-')
    """
    rows = _rows(results.results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _rows(table: Any) -> list[tuple[str, ...]]:
    header = ("system", "layer", "metric", "P", "R", "F1", "tp", "fp", "fn", "95% CI (F1)")
    rows: list[tuple[str, ...]] = [header]
    for system, layers in table.items():
        for layer, metrics in layers.items():
            for metric, m in metrics.items():
                rows.append(
                    (
                        system,
                        layer,
                        metric,
                        _fmt(m.precision),
                        _fmt(m.recall),
                        _fmt(m.f1),
                        f"{m.tp:g}",
                        f"{m.fp:g}",
                        f"{m.fn:g}",
                        f"[{m.ci[0]:.3f}, {m.ci[1]:.3f}]" if m.ci else "-",
                    )
                )
    return rows
