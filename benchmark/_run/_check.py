"""The regression gate: a run's F1 scores against a committed baseline (``bench check``).

Baseline format (``reports/baseline.json``, model :class:`~benchmark._formats.Baseline`)::

    {"format_version": "1.0", "gold_sha256": "...", "default_tolerance": 0.02,
     "systems": {system: {layer: {metric: {"f1": 0.81, "tolerance": 0.02}}}}}

Both the run's results.json and the baseline are decoded strictly before anything is compared
(unknown or duplicated keys, NaN, Infinity, scores outside [0, 1], negative tolerances, metrics
the scorer does not have, F1 that disagrees with its counts: each is a harness error, exit 2), so
the gate never passes by accident. A gated metric fails when its F1 falls more than its tolerance
(else ``default_tolerance``) below the baseline, when the run has no F1 for it, or when the system
is missing from the run. A baseline F1 of ``null`` (nothing to fall from) is not gated.

Example:
    >>> gate = GateMetric("rules", "quotes", "attribution", 0.812, 0.02)
    >>> gate.failure_line(0.729)
    'rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), tolerance 0.02'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._errors import BenchError
from .._formats import BASELINE_FORMAT, Baseline, Gate, MadeFrom, Results
from .._json import convert, decode_untyped, read_bytes
from ._files import results_path

DEFAULT_TOLERANCE = 0.02
_EPSILON = 1e-9


def _harness_error(message: str) -> BenchError:
    return BenchError(message, exit_code=2)


@dataclass(frozen=True)
class GateMetric:
    """One gated metric: a system's layer/metric F1 in the baseline and its tolerance."""

    system: str
    layer: str
    metric: str
    baseline: float
    tolerance: float

    @property
    def name(self) -> str:
        """``system::layer::metric``."""
        return f"{self.system}::{self.layer}::{self.metric}"

    def current(self, results: Results) -> float | None:
        """The run's F1 for this metric (None when absent or null)."""
        totals = results.totals(self.system, self.layer, self.metric)
        return totals.f1 if totals is not None else None

    def failure_line(self, now: float | None) -> str | None:
        """The failure line for the run's F1 ``now``, or None when the metric holds."""
        label = f"{self.system} {self.layer}/{self.metric} f1"
        if now is None:
            return f"{label} is missing or null in the run (baseline {self.baseline:.3f})"
        drop = self.baseline - now
        if drop > self.tolerance + _EPSILON:
            return (
                f"{label} fell {drop:.3f} ({self.baseline:.3f} -> {now:.3f}), "
                f"tolerance {self.tolerance:g}"
            )
        return None

    def failure(self, results: Results) -> str | None:
        """The failure line, or None when the metric holds."""
        if self.system not in results.results:
            reason = results.skipped.get(self.system)
            why = f" (skipped: {reason})" if reason else ""
            label = f"{self.system} {self.layer}/{self.metric} f1"
            return f"{self.system}: missing from the run{why}; baseline {label} {self.baseline:.3f}"
        return self.failure_line(self.current(results))


@dataclass(frozen=True)
class LoadedBaseline:
    """A checked baseline file and the metrics it gates."""

    path: Path
    model: Baseline
    metrics: tuple[GateMetric, ...]

    @property
    def gold_sha256(self) -> str | None:
        return self.model.gold_sha256

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(self.model.systems)


def gated_metrics(baseline: Baseline) -> tuple[GateMetric, ...]:
    """Every metric the baseline gates (those with a non-null F1)."""
    return tuple(
        GateMetric(
            system,
            layer,
            metric,
            gate.f1,
            gate.tolerance if gate.tolerance is not None else baseline.default_tolerance,
        )
        for system, layers in baseline.systems.items()
        for layer, by_metric in layers.items()
        for metric, gate in by_metric.items()
        if gate.f1 is not None
    )


def load_baseline(path: Path) -> LoadedBaseline:
    """Read and check a baseline file.

    Raises:
        BenchError: (exit code 2) naming the file and field that is missing or malformed.
    """
    path = Path(path)
    if not path.exists():
        raise _harness_error(f"{path}: no such baseline file (make one with `bench baseline RUN`)")
    try:
        raw = read_bytes(path)
    except BenchError as exc:
        raise _harness_error(str(exc)) from None
    data, problems = decode_untyped(raw, str(path))
    if not problems and isinstance(data, dict) and data.get("format_version") != BASELINE_FORMAT:
        version = data.get("format_version")
        raise _harness_error(
            f"{path}: $.format_version: expected {BASELINE_FORMAT!r}, got {version!r:.40}"
        )
    model = None
    if not problems:
        model, problems = convert(data, Baseline, str(path))
    if model is None:
        raise _harness_error(str(problems[0]))
    return LoadedBaseline(path, model, gated_metrics(model))


@dataclass(frozen=True)
class CheckReport:
    """What ``bench check`` found: failure lines, notes (improvements) and how many it checked."""

    failures: tuple[str, ...]
    notes: tuple[str, ...]
    checked: int

    @property
    def ok(self) -> bool:
        return not self.failures


def check_gold_matches(baseline: LoadedBaseline, results: Results, run: Path) -> None:
    """Refuse to compare a run with a baseline made on another gold.

    Raises:
        BenchError: (exit code 2) naming both sha256 values.
    """
    run_gold = results.provenance.gold_sha256
    if baseline.gold_sha256 and baseline.gold_sha256 != run_gold:
        raise _harness_error(
            f"{baseline.path}: $.gold_sha256: {baseline.gold_sha256[:12]}… differs from "
            f"{results_path(run)}'s gold {run_gold[:12]}… ({_gold_hint(results, baseline)})"
        )


def other_gold_folder(results: Results) -> str | None:
    """The gold folder a run scored when it is not the default gold (else None).

    A run that recorded no folder (the pytest fixture's) counts as one of the default gold.
    """
    from .._gold import default_gold_dir

    recorded = results.provenance.gold_dir
    if not recorded:
        return None
    default = default_gold_dir()
    try:
        if Path(recorded).samefile(default):
            return None
    except OSError:  # one of them is gone: compare the paths
        if os.path.abspath(recorded) == os.path.abspath(default):
            return None
    return recorded


def _gold_hint(results: Results, baseline: LoadedBaseline) -> str:
    """What a gold mismatch means, without inviting a baseline made from the wrong gold."""
    from .._gold import default_gold_dir, load_gold

    other = other_gold_folder(results)
    if other is not None:
        return (
            f"the run scored another gold folder, {other}, not the default gold "
            f"{default_gold_dir()}: run again on the default gold, or gate it against a baseline "
            "made on that gold; do not refresh the baseline from this run"
        )
    try:
        now = load_gold().sha256
    except BenchError:
        now = None
    if now == baseline.gold_sha256:
        return "the run was made on an older version of the default gold: run again"
    return (
        "the default gold changed since the baseline was made: if that change is intended, "
        "refresh the baseline with `bench baseline RUN`"
    )


def check_run(results: Results, baseline: LoadedBaseline) -> CheckReport:
    """Compare a run's results with the baseline (the gold match is checked separately)."""
    failures: list[str] = []
    notes: list[str] = []
    missing_reported: set[str] = set()
    for gate in baseline.metrics:
        line = gate.failure(results)
        if line is None:
            now = gate.current(results)
            if now is not None and now - gate.baseline > gate.tolerance + _EPSILON:
                notes.append(
                    f"{gate.system} {gate.layer}/{gate.metric} f1 rose {now - gate.baseline:.3f} "
                    f"({gate.baseline:.3f} -> {now:.3f}): consider refreshing the baseline"
                )
            continue
        if gate.system not in results.results:
            if gate.system in missing_reported:
                continue
            missing_reported.add(gate.system)
            line = line.split("; baseline")[0]
        failures.append(line)
    return CheckReport(tuple(failures), tuple(notes), len(baseline.metrics))


def make_baseline(
    results: Results,
    *,
    systems: Iterable[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Baseline:
    """A baseline gating every metric of the chosen systems (default: all) at its current F1.

    Raises:
        BenchError: (exit code 2) when a chosen system is not in the run.
    """
    scored = results.results
    chosen = list(systems) if systems else sorted(scored)
    out: dict[str, dict[str, dict[str, Gate]]] = {}
    for system in chosen:
        if system not in scored:
            raise _harness_error(f"system {system!r} is not in the run (has: {', '.join(scored)})")
        out[system] = {
            layer: {
                metric: Gate(f1=None if t.f1 is None else round(t.f1, 4), tolerance=tolerance)
                for metric, t in metrics.items()
            }
            for layer, metrics in scored[system].items()
        }
    provenance = results.provenance
    return Baseline(
        format_version=BASELINE_FORMAT,
        gold_sha256=provenance.gold_sha256,
        default_tolerance=tolerance,
        made_from=MadeFrom(
            git_commit=provenance.git_commit,
            package_version=provenance.package_version,
            timestamp=provenance.timestamp,
        ),
        systems=out,
    )
