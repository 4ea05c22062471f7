"""Reports of a run: ``summary.md`` (Markdown for a pull request) and ``report.html``.

Rendering is separate from scoring: the renderers read the results dict (``results.json``), the
gold corpus and the run's predictions, and never compute a score.

Example:
    >>> md = render_summary_md({"results": {}, "documents": []})
    >>> "### Leaderboard" in md
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._errors import BenchError
from ._html import render_html
from ._load import RESULTS_FILE, load_corpus, load_predictions, load_results
from ._markdown import render_summary_md

__all__ = [
    "RESULTS_FILE",
    "load_corpus",
    "load_predictions",
    "load_results",
    "render_html",
    "render_summary_md",
    "write_reports",
]

SUMMARY_FILE = "summary.md"
HTML_FILE = "report.html"


def write_reports(
    run_dir: Path, results: Mapping[str, Any] | None = None, *, command: str | None = None
) -> None:
    """(Re)write ``summary.md`` and ``report.html`` in a run folder, each atomically.

    Args:
        run_dir: the run folder (holding ``results.json`` and ``predictions/``).
        results: the results dict when the caller has it; else read from ``results.json``.
        command: the command line to credit in the reports (e.g. ``bench run --system rules``);
            default: provenance ``command``, else ``bench report RUN_DIR``.

    Raises:
        BenchError: when results.json is missing or malformed, or a report cannot be written.
    """
    from .._io import atomic_write_text

    run_dir = Path(run_dir)
    if results is None:
        if not run_dir.is_dir():
            raise BenchError(f"{run_dir}: no such run folder")
        results = load_results(run_dir)
    provenance = results.get("provenance")
    recorded = provenance.get("command") if isinstance(provenance, dict) else None
    shown = (
        command or (recorded if isinstance(recorded, str) else None) or f"bench report {run_dir}"
    )
    corpus, notes = load_corpus(results)
    predictions, prediction_notes = load_predictions(run_dir / "predictions")
    atomic_write_text(run_dir / SUMMARY_FILE, render_summary_md(results, command=shown))
    page = render_html(
        results, corpus, predictions, notes=[*notes, *prediction_notes], command=shown
    )
    atomic_write_text(run_dir / HTML_FILE, page)
