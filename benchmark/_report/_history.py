"""``bench history``: the gated metrics of many runs, in order, as a table and an HTML page.

It reads only each run's ``results.json`` (strictly, through
:func:`~benchmark._run._files.load_results`), so CI can keep just those files as artifacts and
build the page from them. Runs are ordered by ``provenance.timestamp`` (then by folder): without
git the commit order is unknown, so the time a run was made stands for it;
``provenance.git_commit`` is shown beside each point.

Computing is separate from rendering: :func:`collect_runs` and :func:`build_history` read and
judge the runs (each run against the baseline's gates, as ``bench check`` would);
:func:`render_history_table` and :func:`render_history_html` only format the result.

Example:
    >>> from benchmark._report._format import minimal_results
    >>> from benchmark._run._check import GateMetric
    >>> run = HistoryRun(Path("runs/a"), minimal_results(timestamp="2026-01-01T00:00:00Z"))
    >>> history = build_history([run], [GateMetric("rules", "speakers", "set", 0.9, 0.02)])
    >>> [(p.value, p.failure is not None) for p in history.series[0].points]
    [(None, True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .._errors import BenchError, one_line
from .._formats import Results
from .._run._check import GateMetric, LoadedBaseline
from .._run._files import RESULTS_FILE, load_results, results_path
from .._run._runner import resolve_run
from ._format import NULL, fmt_ci, fmt_score, short_sha
from ._html import _note, _section, _table, esc, html_page

# --- computing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRun:
    """One run read back: where its results.json is and what it holds."""

    folder: Path
    results: Results

    @property
    def timestamp(self) -> str:
        return self.results.provenance.timestamp

    @property
    def commit(self) -> str | None:
        return self.results.provenance.git_commit


@dataclass(frozen=True)
class HistoryPoint:
    """A gated metric in one run: its F1, interval, and the gate's verdict.

    Attributes:
        run: the run's index in :attr:`History.runs`.
        value: the run's F1 (None when missing or null).
        interval: its 95% interval, when the run has one.
        failure: the ``bench check`` failure line, or None when the gate holds.
        other_gold: the run scored another gold than the baseline's (the gate is not judged).
    """

    run: int
    value: float | None
    interval: tuple[float, float] | None
    failure: str | None
    other_gold: bool = False

    @property
    def status(self) -> str:
        """``ok``, ``FAIL`` or ``other gold``."""
        if self.other_gold:
            return "other gold"
        return "ok" if self.failure is None else "FAIL"


@dataclass(frozen=True)
class HistorySeries:
    """One gated metric across the runs, in run order."""

    gate: GateMetric
    points: tuple[HistoryPoint, ...]


@dataclass(frozen=True)
class History:
    """Runs in order and one series per gated metric."""

    runs: tuple[HistoryRun, ...]
    series: tuple[HistorySeries, ...]
    baseline: Path | None = None


def _run_folders(path: Path) -> list[Path]:
    """A run (folder, results.json or ``latest`` pointer), or a folder of run folders."""
    path = resolve_run(Path(path))
    if path.suffix == ".json" or (path / RESULTS_FILE).exists():
        return [path]
    if not path.is_dir():
        raise BenchError(f"{path}: no such run folder or folder of runs", exit_code=2)
    found = sorted(
        child
        for child in path.iterdir()
        if not child.name.startswith(".")
        and child.is_dir()
        and not child.is_symlink()
        and (child / RESULTS_FILE).is_file()
    )
    if not found:
        raise BenchError(f"{path}: holds no run (no */{RESULTS_FILE})", exit_code=2)
    return found


def _order_key(run: HistoryRun) -> tuple[float, str, str]:
    try:
        moment = datetime.fromisoformat(run.timestamp.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        seconds = moment.timestamp()
    except ValueError:  # not ISO 8601: after every dated run, by its text
        seconds = float("inf")
    return seconds, run.timestamp, str(run.folder)


def collect_runs(paths: Iterable[Path]) -> tuple[HistoryRun, ...]:
    """Read the runs named (each a run folder, a results.json, a ``latest`` pointer or a folder
    of run folders), each once, ordered by ``provenance.timestamp`` then folder.

    Raises:
        BenchError: (exit code 2) for a path holding no run, or a results.json that does not
            read cleanly (naming the file and field).

    Example:
        >>> collect_runs([Path("no/such/run")])
        Traceback (most recent call last):
        ...
        benchmark._errors.BenchError: no/such/run: no such run folder or folder of runs
    """
    seen: set[Path] = set()
    runs: list[HistoryRun] = []
    for given in paths:
        for folder in _run_folders(given):
            key = results_path(folder).resolve()
            if key in seen:
                continue
            seen.add(key)
            runs.append(HistoryRun(results_path(folder).parent, load_results(folder, exit_code=2)))
    if not runs:
        raise BenchError("no runs given", exit_code=2)
    return tuple(sorted(runs, key=_order_key))


def build_history(
    runs: Sequence[HistoryRun],
    gates: Sequence[GateMetric],
    *,
    gold_sha256: str | None = None,
    baseline: Path | None = None,
) -> History:
    """Judge every run against every gate (as ``bench check`` does, one series per gate).

    A run made on another gold than ``gold_sha256`` (when given) is shown but not judged.
    """
    series = []
    for gate in gates:
        points = []
        for index, run in enumerate(runs):
            totals = run.results.totals(gate.system, gate.layer, gate.metric)
            value = totals.f1 if totals is not None else None
            interval = totals.ci if totals is not None and value is not None else None
            other = gold_sha256 is not None and run.results.provenance.gold_sha256 != gold_sha256
            failure = None if other else gate.failure(run.results)
            points.append(HistoryPoint(index, value, interval, failure, other))
        series.append(HistorySeries(gate, tuple(points)))
    return History(tuple(runs), tuple(series), baseline)


def history_of(paths: Iterable[Path], baseline: LoadedBaseline) -> History:
    """:func:`collect_runs` then :func:`build_history` against a loaded baseline."""
    return build_history(
        collect_runs(paths),
        baseline.metrics,
        gold_sha256=baseline.gold_sha256,
        baseline=baseline.path,
    )


# --- rendering: text ---------------------------------------------------------------------------


def _label(gate: GateMetric) -> str:
    return f"{gate.system} {gate.layer}/{gate.metric} f1"


def _gate_caption(gate: GateMetric) -> str:
    return f"baseline {gate.baseline:.3f}, tolerance {gate.tolerance:g}"


def render_history_table(history: History) -> str:
    """A plain-text table: per gated metric, one line per run (date, commit, F1, interval, gate).

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> run = HistoryRun(Path("runs/a"), minimal_results(timestamp="2026-01-01T00:00:00Z"))
        >>> gate = GateMetric("rules", "speakers", "set", 0.9, 0.02)
        >>> print(render_history_table(build_history([run], [gate])))
        rules speakers/set f1 (baseline 0.900, tolerance 0.02)
          2026-01-01T00:00:00Z  —           —      FAIL  runs/a
        1 run, 1 gated metric, 1 gate failure in the newest run
    """
    lines: list[str] = []
    for series in history.series:
        lines.append(f"{_label(series.gate)} ({_gate_caption(series.gate)})")
        for point in series.points:
            run = history.runs[point.run]
            cells = [
                one_line(run.timestamp, 25).ljust(20),
                short_sha(run.commit, 10).ljust(10),
                fmt_score(point.value).ljust(5),
            ]
            interval = fmt_ci(point.interval)
            if interval:
                cells.append(interval)
            cells += [point.status, one_line(str(run.folder), 200)]
            lines.append("  " + "  ".join(cells))
    newest = [s.points[-1] for s in history.series if s.points]
    failing = sum(1 for p in newest if p.failure is not None)
    runs, gates = len(history.runs), len(history.series)
    lines.append(
        f"{runs} run{'s' if runs != 1 else ''}, {gates} gated metric{'s' if gates != 1 else ''}, "
        f"{failing} gate failure{'s' if failing != 1 else ''} in the newest run"
    )
    return "\n".join(lines)


# --- rendering: HTML ---------------------------------------------------------------------------

_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 560, 220, 44, 14, 14, 30
_FAIL, _OK, _LINE, _BASE = "#c53030", "#2f5f98", "#2f5f98", "#616e7c"


def _y_range(series: HistorySeries) -> tuple[float, float]:
    values = [series.gate.baseline, series.gate.baseline - series.gate.tolerance]
    for point in series.points:
        if point.value is not None:
            values.append(point.value)
        if point.interval is not None:
            values.extend(point.interval)
    lo, hi = max(0.0, min(values)), min(1.0, max(values))
    if hi - lo < 0.1:
        middle = (hi + lo) / 2
        lo, hi = max(0.0, middle - 0.05), min(1.0, middle + 0.05)
        if hi - lo < 0.1:
            lo, hi = (0.9, 1.0) if hi >= 1.0 else (0.0, 0.1)
    return lo, hi


def _point_title(history: History, series: HistorySeries, point: HistoryPoint) -> str:
    run = history.runs[point.run]
    parts = [
        f"commit {short_sha(run.commit, 10)}",
        run.timestamp,
        f"f1 {fmt_score(point.value)} {fmt_ci(point.interval)}".rstrip(),
        point.status if point.failure is None else f"FAIL: {point.failure}",
    ]
    return one_line(" · ".join(parts), 400)


def _line_chart(history: History, series: HistorySeries) -> str:
    """One SVG line chart: F1 per run in order, 95% intervals as whiskers, the baseline and the
    failing threshold as horizontal lines, failed gates as red squares."""
    gate = series.gate
    lo, hi = _y_range(series)
    count = len(history.runs)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(index: int) -> float:
        return round(_LEFT + (plot_w * (index + 0.5) / count), 1)

    def y(value: float) -> float:
        return round(_TOP + plot_h * (1 - (value - lo) / (hi - lo)), 1)

    label = f"{_label(gate)} across {count} runs ({_gate_caption(gate)})"
    parts = [
        f'<svg width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{esc(label)}" data-metric="{esc(gate.name)}">'
    ]
    for tick in (lo, (lo + hi) / 2, hi):
        parts.append(
            f'<line class="axis" x1="{_LEFT}" y1="{y(tick)}" x2="{_W - _RIGHT}" y2="{y(tick)}"/>'
            f'<text class="muted" x="{_LEFT - 4}" y="{y(tick) + 4}" text-anchor="end">'
            f"{tick:.2f}</text>"
        )
    for value, dash, what in (
        (gate.baseline, "", f"baseline {gate.baseline:.3f}"),
        (
            gate.baseline - gate.tolerance,
            ' stroke-dasharray="4 3"',
            f"fails below {gate.baseline - gate.tolerance:.3f}",
        ),
    ):
        if lo <= value <= hi:
            parts.append(
                f'<line x1="{_LEFT}" y1="{y(value)}" x2="{_W - _RIGHT}" y2="{y(value)}" '
                f'stroke="{_BASE}"{dash}><title>{esc(what)}</title></line>'
            )
    path: list[str] = []
    for point in series.points:
        if point.value is None:
            continue
        path.append(f"{'L' if path else 'M'}{x(point.run)} {y(point.value)}")
    if len(path) > 1:
        parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{_LINE}" stroke-width="1.5"/>')
    for point in series.points:
        run = history.runs[point.run]
        cx = x(point.run)
        title = f"<title>{esc(_point_title(history, series, point))}</title>"
        if point.interval is not None:
            top, bottom = y(point.interval[1]), y(point.interval[0])
            parts.append(
                f'<path class="whisker" d="M{cx} {top}V{bottom}M{cx - 3} {top}H{cx + 3}'
                f'M{cx - 3} {bottom}H{cx + 3}">{title}</path>'
            )
        failed = point.failure is not None
        gate_attr = f'data-gate="{"fail" if failed else "ok"}"'
        if point.value is None:
            parts.append(
                f'<text x="{cx}" y="{_TOP + plot_h / 2}" text-anchor="middle" fill="{_FAIL}" '
                f"{gate_attr}>{title}×</text>"
            )
        elif failed:
            cy = y(point.value)
            parts.append(
                f'<rect x="{cx - 4}" y="{cy - 4}" width="8" height="8" fill="{_FAIL}" '
                f"{gate_attr}>{title}</rect>"
            )
        else:
            fill = "#fff" if point.other_gold else _OK
            parts.append(
                f'<circle cx="{cx}" cy="{y(point.value)}" r="3.5" fill="{fill}" stroke="{_OK}" '
                f"{gate_attr}>{title}</circle>"
            )
        parts.append(
            f'<text class="muted" x="{cx}" y="{_H - _BOTTOM + 14}" text-anchor="middle">'
            f"{esc(short_sha(run.commit, 7))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _series_table(history: History, series: HistorySeries) -> str:
    rows = []
    for point in reversed(series.points):  # newest first
        run = history.runs[point.run]
        status = esc(point.status)
        if point.failure is not None:
            status = f'<span title="{esc(point.failure)}">{status}</span>'
        rows.append(
            f'<tr data-gate="{"fail" if point.failure is not None else "ok"}">'
            f'<td><code title="{esc(run.commit or NULL)}">{esc(short_sha(run.commit, 10))}</code>'
            "</td>"
            f"<td>{esc(run.timestamp)}</td>"
            f'<td class="num">{esc(fmt_score(point.value))}</td>'
            f'<td class="num">{esc(fmt_ci(point.interval) or NULL)}</td>'
            f"<td>{status}</td><td><code>{esc(run.folder)}</code></td></tr>"
        )
    return _table(["Commit", "Date", "F1", "95% CI", "Gate", "Run"], rows, 2)


def render_history_html(history: History) -> str:
    """One self-contained page: a line chart and a table per gated metric (same shell, CSP and
    escaping as report.html).

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> run = HistoryRun(Path("runs/a"), minimal_results(git_commit="<b>"))
        >>> page = render_history_html(build_history([run], []))
        >>> "Content-Security-Policy" in page, "<b>" in page, "&lt;b&gt;" in page
        (True, False, True)
    """
    runs = history.runs
    first, last = runs[0], runs[-1]
    facts = [
        f"{len(runs)} runs",
        f"{esc(first.timestamp)} → {esc(last.timestamp)}",
        f"newest commit <code>{esc(short_sha(last.commit, 10))}</code>",
    ]
    if history.baseline is not None:
        facts.append(f"gates of <code>{esc(history.baseline)}</code>")
    cards = []
    for series in history.series:
        failing = series.points[-1].failure if series.points else None
        state = " · FAIL in the newest run" if failing else ""
        cards.append(
            f'<div id="{esc("metric-" + series.gate.name)}">'
            f"<h3>{esc(_label(series.gate))}{esc(state)}</h3>"
            f'<p class="note">{esc(_gate_caption(series.gate))}</p>'
            f"{_line_chart(history, series)}{_series_table(history, series)}</div>"
        )
    explain = _note(
        "One chart per gated metric, runs in order of provenance.timestamp (the commit order is "
        "not known without git); the label under each point is its commit. Whiskers: 95% "
        "interval. Solid line: the baseline; dashed: the lowest F1 the gate accepts. Red square "
        "(or × when the run has no F1): the gate failed. Hollow circle: a run on another gold "
        "than the baseline's, not judged."
    )
    body = (
        '<header class="top"><h1>Fact-extraction benchmark · history</h1>'
        f'<div class="facts">{" · ".join(facts)}</div></header><main>'
        + _section(
            "history",
            "Gated metrics across runs",
            explain + ("".join(cards) if cards else _note("The baseline gates no metric.")),
        )
        + "</main><footer>Self-contained: no external resources.</footer>"
    )
    return html_page(f"Fact-extraction benchmark · history of {len(runs)} runs", body)
