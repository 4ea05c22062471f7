"""``bench perf``: how fast the commands users run are, as whole processes, against peer tools.

:func:`run_perf` computes a :class:`PerfReport`; :func:`render_report` prints it. The sections:

- whole processes on one seeded synthetic corpus written to disk: ``bench score --json``, a
  nervaluate script, a seqeval strict script and the read-and-decode floor, alternated round
  after round (:mod:`._compare`), with their scores checked equal;
- scoring alone, in this process: the engine's ``count_entity_schemes`` against nervaluate
  (:mod:`._scorers`);
- ``bench score`` at growing corpus sizes: time per 1,000 documents and peak memory
  (:mod:`._growth`);
- ``bench --help`` start-up;
- on request, ``bench run --no-cache`` per offline system (:mod:`._systems`).

Targets are judged on ratios of medians, with a noise rule (:mod:`._judge`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from .._cores import usable_cores
from ._report import PerfReport, Target, judge_targets, render_report

__all__ = [
    "QUICK",
    "PerfOptions",
    "PerfReport",
    "Target",
    "judge_targets",
    "render_report",
    "run_perf",
]


@dataclass(frozen=True)
class PerfOptions:
    """What to measure (see ``bench perf --help``); an empty ``growth`` skips that section."""

    seed: int = 0
    documents: int = 2_000
    mentions_per_doc: int = 50
    rounds: int = 5
    layers: bool = False
    compare: bool = True
    in_process: bool = True
    growth: tuple[int, ...] = (1_000, 10_000)
    growth_jsonl: bool = False
    startup: bool = True
    runs: bool = False
    runs_docs: int = 40


QUICK = PerfOptions(documents=200, rounds=2, growth=(100, 400), runs_docs=10)
"""``bench perf --quick``: a few hundred documents, two rounds (well under a minute)."""


def _cores() -> tuple[int, int]:
    """Cores of the machine and cores this process may use."""
    return os.cpu_count() or 1, usable_cores()


def _load() -> tuple[float, float, float] | None:
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def run_perf(options: PerfOptions, progress: Callable[[str], None] = lambda _: None) -> PerfReport:
    """Measure every section ``options`` asks for."""
    from ._compare import compare_processes
    from ._growth import measure_growth
    from ._scorers import compare_in_process
    from ._systems import measure_runs
    from ._timing import measure_startup

    o = options
    cores, usable = _cores()
    report = PerfReport(
        o.seed, o.documents, o.mentions_per_doc, o.rounds, o.layers, cores, usable, _load()
    )
    if o.startup:
        report.help_startup, report.python_startup = measure_startup(o.rounds, progress)
    if o.compare:
        report.comparison = compare_processes(
            o.seed, o.documents, o.mentions_per_doc, o.rounds, layers=o.layers, progress=progress
        )
    if o.in_process:
        report.in_process = compare_in_process(
            o.seed, o.documents, o.mentions_per_doc, o.rounds, progress
        )
    if o.growth:
        report.growth = measure_growth(
            o.seed,
            o.growth,
            o.mentions_per_doc,
            o.rounds,
            layers=o.layers,
            jsonl=o.growth_jsonl,
            progress=progress,
        )
    if o.runs:
        report.runs = measure_runs(o.runs_docs, o.rounds, progress=progress)
    report.load_after = _load()
    return report
