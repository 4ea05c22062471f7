"""Reports of a run: ``summary.md`` (Markdown for a pull request) and ``report.html``.

Rendering is separate from scoring: the renderers read the typed run files
(:class:`~benchmark._formats.Results` from ``results.json``, per-document
:class:`~benchmark._formats.DocumentDetail` from ``details.jsonl``), the gold corpus and the run's
predictions, and never compute a score.

Example:
    >>> from benchmark._report._format import minimal_results
    >>> "### Leaderboard" in render_summary_md(minimal_results())
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._errors import BenchError
from .._models import Annotation, Corpus
from .._run._files import RunFiles
from ._html import render_html
from ._load import PREDICTIONS_DIR, load_corpus, load_predictions
from ._markdown import render_summary_md

__all__ = [
    "HTML_FILE",
    "SUMMARY_FILE",
    "load_corpus",
    "load_predictions",
    "render_html",
    "render_summary_md",
    "write_reports",
]

SUMMARY_FILE = "summary.md"
HTML_FILE = "report.html"


def write_reports(
    run_dir: Path,
    run: RunFiles | None = None,
    *,
    command: str | None = None,
    predictions: Mapping[str, Mapping[str, Annotation]] | None = None,
    corpus: Corpus | None = None,
) -> None:
    """(Re)write ``summary.md`` and ``report.html`` in a run folder, each atomically.

    Args:
        run_dir: the run folder (holding ``results.json``, ``details.jsonl`` and
            ``predictions/``); the reports are written there.
        run: the run's files when the caller has them; else read with
            :func:`~benchmark._run._files.load_run`.
        command: the command writing the reports (e.g. ``bench report runs/x``), credited with
            the run's own ``provenance.command``; with neither known, no command is credited.
        predictions: the run's predictions when the caller holds them; else read from
            ``predictions/``.
        corpus: the gold the run scored, when the caller holds it; else read again from the
            folder the run's provenance names.

    Raises:
        BenchError: when the run's files are missing or malformed (nothing is written then), or
            a report cannot be written.
    """
    from .._json import atomic_write_text
    from .._run._files import load_run

    run_dir = Path(run_dir)
    if run is None:
        if not run_dir.is_dir():
            raise BenchError(f"{run_dir}: no such run folder")
        run = load_run(run_dir)
    gold_notes: list[str] = []
    if corpus is None:  # bench report: the gold the run names; bench run hands its own over
        corpus, gold_notes = load_corpus(run.results)
    prediction_notes: list[str] = []
    if predictions is None:
        predictions, prediction_notes = load_predictions(run_dir / PREDICTIONS_DIR, corpus)
    atomic_write_text(run_dir / SUMMARY_FILE, render_summary_md(run.results, command=command))
    page = render_html(
        run.results,
        run.details,
        corpus,
        predictions,
        notes=[*gold_notes, *prediction_notes],
        command=command,
    )
    atomic_write_text(run_dir / HTML_FILE, page)
