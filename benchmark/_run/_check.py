"""The regression gate: a run's F1 scores against a committed baseline (``bench check``).

Baseline format (``reports/baseline.json``)::

    {"format_version": "1.0", "gold_sha256": "...", "default_tolerance": 0.02,
     "systems": {system: {layer: {metric: {"f1": 0.81, "tolerance": 0.02}}}}}

A gated metric fails when its F1 falls more than its tolerance (else ``default_tolerance``,
else 0.02) below the baseline, or when the run has no F1 for it, or when the system is missing
from the run. A baseline F1 of ``null`` (nothing to fall from) is not gated. Harness problems
(missing or malformed run or baseline, a baseline made on another gold) raise
:class:`~benchmark._errors.BenchError` with exit code 2.

Example:
    >>> results = {"results": {"rules": {"quotes": {"attribution": {"f1": 0.729}}}}}
    >>> gate = GateMetric("rules", "quotes", "attribution", 0.812, 0.02)
    >>> gate.failure(results)
    'rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), tolerance 0.02'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import BenchError
from .._io import read_json
from .._models import LAYERS

BASELINE_FORMAT = "1.0"
DEFAULT_TOLERANCE = 0.02
_EPSILON = 1e-9


def _harness_error(message: str) -> BenchError:
    return BenchError(message, exit_code=2)


def results_path(run: Path) -> Path:
    """The results.json of a run folder (or the file itself when given one)."""
    run = Path(run)
    return run if run.suffix == ".json" else run / "results.json"


def load_results(run: Path) -> dict[str, Any]:
    """Read a run's results.json, checking the fields the gate and compare rely on.

    Raises:
        BenchError: (exit code 2) naming the file and the field that is missing or malformed.
    """
    path = results_path(run)
    if not path.exists():
        raise _harness_error(f"{path}: no such file (is {run} a run folder?)")
    data, problems = read_json(path)
    if problems:
        raise _harness_error(str(problems[0]))
    if not isinstance(data, dict):
        raise _harness_error(f"{path}: $: expected a JSON object")
    if not isinstance(data.get("results"), dict):
        raise _harness_error(f"{path}: $.results: missing or not an object")
    provenance = data.get("provenance")
    if not isinstance(provenance, dict):
        raise _harness_error(f"{path}: $.provenance: missing or not an object")
    for system, layers in data["results"].items():
        if not isinstance(layers, dict):
            raise _harness_error(f"{path}: $.results.{system}: expected an object")
        for layer, metrics in layers.items():
            if not isinstance(metrics, dict):
                raise _harness_error(f"{path}: $.results.{system}.{layer}: expected an object")
    return data


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

    def current(self, results: Mapping[str, Any]) -> float | None:
        """The run's F1 for this metric (None when absent or null)."""
        entry = results.get("results", {}).get(self.system, {}).get(self.layer, {})
        value = entry.get(self.metric, {}).get("f1") if isinstance(entry, dict) else None
        return float(value) if isinstance(value, (int, float)) else None

    def failure(self, results: Mapping[str, Any]) -> str | None:
        """The failure line, or None when the metric holds."""
        label = f"{self.system} {self.layer}/{self.metric} f1"
        if self.system not in results.get("results", {}):
            reason = results.get("skipped", {}).get(self.system)
            why = f" (skipped: {reason})" if reason else ""
            return f"{self.system}: missing from the run{why}; baseline {label} {self.baseline:.3f}"
        now = self.current(results)
        if now is None:
            return f"{label} is missing or null in the run (baseline {self.baseline:.3f})"
        drop = self.baseline - now
        if drop > self.tolerance + _EPSILON:
            return (
                f"{label} fell {drop:.3f} ({self.baseline:.3f} -> {now:.3f}), "
                f"tolerance {self.tolerance:g}"
            )
        return None


@dataclass(frozen=True)
class Baseline:
    """A parsed baseline file."""

    path: Path
    gold_sha256: str | None
    default_tolerance: float
    metrics: tuple[GateMetric, ...]
    systems: tuple[str, ...] = field(default=())


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _harness_error(f"{where}: expected a number, got {value!r:.40}")
    return float(value)


def load_baseline(path: Path) -> Baseline:
    """Read and check a baseline file.

    Raises:
        BenchError: (exit code 2) naming the file and field that is missing or malformed.
    """
    path = Path(path)
    if not path.exists():
        raise _harness_error(f"{path}: no such baseline file (make one with `bench baseline RUN`)")
    data, problems = read_json(path)
    if problems:
        raise _harness_error(str(problems[0]))
    if not isinstance(data, dict):
        raise _harness_error(f"{path}: $: expected a JSON object")
    version = data.get("format_version")
    if version != BASELINE_FORMAT:
        raise _harness_error(
            f"{path}: $.format_version: expected {BASELINE_FORMAT!r}, got {version!r}"
        )
    gold = data.get("gold_sha256")
    if gold is not None and not isinstance(gold, str):
        raise _harness_error(f"{path}: $.gold_sha256: expected a string")
    default = data.get("default_tolerance", DEFAULT_TOLERANCE)
    default = _number(default, f"{path}: $.default_tolerance")
    systems = data.get("systems")
    if not isinstance(systems, dict):
        raise _harness_error(f"{path}: $.systems: missing or not an object")
    metrics: list[GateMetric] = []
    for system, layers in systems.items():
        if not isinstance(layers, dict):
            raise _harness_error(f"{path}: $.systems.{system}: expected an object")
        for layer, by_metric in layers.items():
            where = f"{path}: $.systems.{system}.{layer}"
            if layer not in LAYERS:
                raise _harness_error(f"{where}: unknown layer (one of {', '.join(LAYERS)})")
            if not isinstance(by_metric, dict):
                raise _harness_error(f"{where}: expected an object")
            for metric, gate in by_metric.items():
                at = f"{where}.{metric}"
                if not isinstance(gate, dict) or "f1" not in gate:
                    raise _harness_error(f"{at}: expected an object with an f1")
                if gate["f1"] is None:
                    continue  # nothing to fall from
                f1 = _number(gate["f1"], f"{at}.f1")
                tolerance = _number(gate.get("tolerance", default), f"{at}.tolerance")
                metrics.append(GateMetric(system, layer, metric, f1, tolerance))
    return Baseline(path, gold, default, tuple(metrics), tuple(systems))


@dataclass(frozen=True)
class CheckReport:
    """What ``bench check`` found: failure lines, notes (improvements) and how many it checked."""

    failures: tuple[str, ...]
    notes: tuple[str, ...]
    checked: int

    @property
    def ok(self) -> bool:
        return not self.failures


def check_gold_matches(baseline: Baseline, results: Mapping[str, Any], run: Path) -> None:
    """Refuse to compare a run with a baseline made on another gold.

    Raises:
        BenchError: (exit code 2) naming both sha256 values.
    """
    run_gold = results.get("provenance", {}).get("gold_sha256")
    if baseline.gold_sha256 and run_gold and baseline.gold_sha256 != run_gold:
        raise _harness_error(
            f"{baseline.path}: $.gold_sha256: {baseline.gold_sha256[:12]}… differs from "
            f"{results_path(run)}'s gold {run_gold[:12]}… (the gold changed: refresh the "
            "baseline with `bench baseline RUN`)"
        )


def check_run(results: Mapping[str, Any], baseline: Baseline) -> CheckReport:
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
        if gate.system not in results.get("results", {}):
            if gate.system in missing_reported:
                continue
            missing_reported.add(gate.system)
            line = line.split("; baseline")[0]
        failures.append(line)
    return CheckReport(tuple(failures), tuple(notes), len(baseline.metrics))


def make_baseline(
    results: Mapping[str, Any],
    *,
    systems: Iterable[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> dict[str, Any]:
    """A baseline gating every metric of the chosen systems (default: all) at its current F1.

    Raises:
        BenchError: (exit code 2) when a chosen system is not in the run.
    """
    scored = results.get("results", {})
    chosen = list(systems) if systems else sorted(scored)
    out: dict[str, Any] = {}
    for system in chosen:
        if system not in scored:
            raise _harness_error(f"system {system!r} is not in the run (has: {', '.join(scored)})")
        out[system] = {
            layer: {
                metric: {"f1": _rounded(values.get("f1")), "tolerance": tolerance}
                for metric, values in metrics.items()
            }
            for layer, metrics in scored[system].items()
        }
    provenance = results.get("provenance", {})
    return {
        "format_version": BASELINE_FORMAT,
        "gold_sha256": provenance.get("gold_sha256"),
        "default_tolerance": tolerance,
        "made_from": {
            "git_commit": provenance.get("git_commit"),
            "package_version": provenance.get("package_version"),
            "timestamp": provenance.get("timestamp"),
        },
        "systems": out,
    }


def _rounded(value: Any) -> float | None:
    return round(float(value), 4) if isinstance(value, (int, float)) else None
