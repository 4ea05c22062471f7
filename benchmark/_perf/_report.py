"""What ``bench perf`` measured, the targets judged on it, and its text and JSON renderings."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._compare import (
    FLOOR,
    FLOOR_MSGSPEC,
    NERVALUATE,
    SCORE,
    SCORE_ONE_CORE,
    SCORE_OUT,
    SEQEVAL,
    ProcessComparison,
)
from ._growth import GrowthRow
from ._judge import MET, NOT_MEASURED, NOT_MET, Estimate, estimate, ratio, verdict
from ._scorers import PRF, SCHEMES, TOLERANCE, InProcessComparison
from ._systems import RunRow
from ._timing import Samples

TARGET_PEER_SPEEDUP = 5.0
"""``bench score`` at least this many times faster than nervaluate and than seqeval."""
TARGET_FLOOR_RATIO = 2.0
"""``bench score`` at most this many times the read-and-decode floor."""
TARGET_DOCS_PER_MINUTE = 100_000
TARGET_IN_PROCESS_SPEEDUP = 20.0
"""``count_entity_schemes`` at least this many times faster than nervaluate, in process."""
TARGET_RSS_MIB = 1024.0
LINEAR_TOLERANCE = 1.5
"""Largest over smallest corpus: time per 1,000 documents at most this ratio to be linear."""
TARGET_HELP_SECONDS = 0.3


@dataclass
class PerfReport:
    """Everything one ``bench perf`` measured (sections not asked for stay empty)."""

    seed: int
    documents: int
    mentions_per_doc: int
    rounds: int
    layers: bool
    cores: int
    usable_cores: int
    load_before: tuple[float, float, float] | None = None
    load_after: tuple[float, float, float] | None = None
    comparison: ProcessComparison | None = None
    in_process: InProcessComparison | None = None
    growth: list[GrowthRow] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)
    help_startup: Samples | None = None
    python_startup: Samples | None = None

    @property
    def mismatches(self) -> list[str]:
        """Every disagreement with a peer tool, prefixed by where it was found."""
        found = []
        if self.comparison is not None:
            found += [f"whole processes: {m}" for m in self.comparison.mismatches]
        if self.in_process is not None:
            found += [f"in process: {m}" for m in self.in_process.mismatches]
        return found

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: every sample, with medians and spreads, and the targets."""
        data: dict[str, Any] = dataclasses.asdict(self, dict_factory=_with_medians)
        data["targets"] = [dataclasses.asdict(t) for t in judge_targets(self)]
        return data


_SAMPLES_FIELDS = [f.name for f in dataclasses.fields(Samples)]


def _with_medians(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``asdict``'s dict factory: :class:`Samples` also get their median and spread."""
    data = dict(pairs)
    if list(data) == _SAMPLES_FIELDS:
        samples = Samples(**data)
        data.update(median=samples.median, spread=samples.spread)
    return data


@dataclass(frozen=True)
class Target:
    """One target, its verdict (met, NOT MET, too noisy to judge, not measured) and the figure."""

    name: str
    status: str
    measured: str


def _times(value: float) -> str:
    """A ratio: two decimals below 10, one above.

    Example:
        >>> _times(0.3456), _times(12.34)
        ('0.35x', '12.3x')
    """
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _x(figure: Estimate) -> str:
    return f"{_times(figure.value)} (range {_times(figure.low)}-{_times(figure.high)})"


def _speedup(name: str, slow: Samples | None, fast: Samples | None, threshold: float) -> Target:
    if slow is None or fast is None:
        return Target(name, NOT_MEASURED, "")
    figure = ratio(slow.wall, fast.wall)
    return Target(name, verdict(figure, threshold, at_least=True), _x(figure))


def _process_targets(c: ProcessComparison | None) -> list[Target]:
    get = (lambda label: None) if c is None else c.samples.get
    score, floor = get(SCORE), get(FLOOR)
    out = [
        _speedup(f"bench score >= {TARGET_PEER_SPEEDUP:g}x faster than nervaluate",
                 get(NERVALUATE), score, TARGET_PEER_SPEEDUP),
        _speedup(f"bench score >= {TARGET_PEER_SPEEDUP:g}x faster than seqeval strict",
                 get(SEQEVAL), score, TARGET_PEER_SPEEDUP),
    ]  # fmt: skip
    name = f"bench score within {TARGET_FLOOR_RATIO:g}x of the read-and-decode floor"
    if score is None or floor is None:
        out.append(Target(name, NOT_MEASURED, ""))
    else:
        figure = ratio(score.wall, floor.wall)
        out.append(Target(name, verdict(figure, TARGET_FLOOR_RATIO, at_least=False), _x(figure)))
    name = f">= {TARGET_DOCS_PER_MINUTE:,} documents a minute on one core (bench score, end to end)"
    one_core = get(SCORE_ONE_CORE)
    basis = one_core or score
    if c is None or basis is None:
        out.append(Target(name, NOT_MEASURED, ""))
    else:
        rate = estimate(basis.wall).into(60 * c.documents)
        measured = f"{rate.value:,.0f} (range {rate.low:,.0f}-{rate.high:,.0f})"
        if one_core is None:
            measured += ", not pinned (no process can be pinned to a core here)"
        out.append(Target(name, verdict(rate, TARGET_DOCS_PER_MINUTE, at_least=True), measured))
    return out


def _agreement_target(report: PerfReport) -> Target:
    name = f"same P/R/F1 as nervaluate and seqeval (within {TOLERANCE:g})"
    if report.comparison is None and report.in_process is None:
        return Target(name, NOT_MEASURED, "")
    wrong = len(report.mismatches)
    return Target(name, NOT_MET if wrong else MET, f"{wrong} differ" if wrong else "identical")


def _memory_target(report: PerfReport) -> Target:
    name = f"bench score peak RSS < {TARGET_RSS_MIB / 1024:g} GiB"
    peaks = [(row.documents, row.samples.peak_rss_mib) for row in report.growth]
    if report.comparison is not None:
        peaks.append((report.comparison.documents, report.comparison.samples[SCORE].peak_rss_mib))
    known = sorted((n, mib) for n, mib in peaks if mib is not None)
    if not known:
        return Target(name, NOT_MEASURED, "")
    status = MET if max(mib for _, mib in known) < TARGET_RSS_MIB else NOT_MET
    shown = sorted(dict(known).items())
    return Target(name, status, ", ".join(f"{mib:,.0f} MiB at {n:,} docs" for n, mib in shown))


def _linear_target(growth: Sequence[GrowthRow]) -> Target:
    name = "bench score time grows linearly with documents"
    if len(growth) < 2:
        return Target(name, NOT_MEASURED, "give two sizes to --docs")
    first, last = growth[0], growth[-1]
    figure = ratio(last.samples.wall, first.samples.wall).times(first.documents / last.documents)
    measured = (
        f"{first.seconds_per_1k:.3f} -> {last.seconds_per_1k:.3f} s per 1,000 docs from "
        f"{first.documents:,} to {last.documents:,} docs: {_x(figure)}"
    )
    return Target(name, verdict(figure, LINEAR_TOLERANCE, at_least=False), measured)


def _help_target(help_startup: Samples | None) -> Target:
    name = f"bench --help < {TARGET_HELP_SECONDS:g} s"
    if help_startup is None:
        return Target(name, NOT_MEASURED, "")
    figure = estimate(help_startup.wall)
    measured = f"{figure.value:.3f} s (range {figure.low:.3f}-{figure.high:.3f})"
    return Target(name, verdict(figure, TARGET_HELP_SECONDS, at_least=False), measured)


def judge_targets(report: PerfReport) -> list[Target]:
    """Every target with its verdict and the figure it was judged on."""
    inner = report.in_process
    return [
        *_process_targets(report.comparison),
        _agreement_target(report),
        _speedup(
            f"count_entity_schemes >= {TARGET_IN_PROCESS_SPEEDUP:g}x faster than nervaluate "
            "(in process)",
            None if inner is None else inner.nervaluate,
            None if inner is None else inner.ours,
            TARGET_IN_PROCESS_SPEEDUP,
        ),
        _memory_target(report),
        _linear_target(report.growth),
        _help_target(report.help_startup),
    ]


# --- rendering ---------------------------------------------------------------------------------


_NUMERIC = re.compile(r"^(?:[-+]?[\d,]*\.?\d+(?:x|%| s)?|—|-+)$")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: numeric columns right-aligned, the others left-aligned.

    Example:
        >>> print(table(["name", "n"], [["x", "1"], ["yy", "10"]]))
        name   n
        ----  --
        x      1
        yy    10
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = [
        bool(rows) and all(_NUMERIC.match(str(r[i]) or "—") for r in rows)
        for i in range(len(header))
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).rjust(w) if right else str(c).ljust(w)
            for c, w, right in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100)


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _timing_cells(s: Samples) -> list[str]:
    """Median, min, max, spread, median CPU and peak RSS of one command."""
    return [
        _num(s.median),
        _num(min(s.wall)),
        _num(max(s.wall)),
        f"{s.spread * 100:.0f}%",
        _num(s.median_cpu),
        _num(s.peak_rss_mib, 0),
    ]


TIMING_HEADER = ["median s", "min s", "max s", "spread", "CPU s", "peak MiB"]


def _load(load: tuple[float, float, float] | None) -> str:
    return "unknown" if load is None else f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def _header(report: PerfReport) -> list[str]:
    layers = "entities, speakers, quotes and claims" if report.layers else "entity mentions only"
    return [
        f"bench perf: seed {report.seed}, {report.documents:,} documents x "
        f"{report.mentions_per_doc} entity mentions a side ({layers}), {report.rounds} rounds "
        "alternated",
        f"{report.cores} cores ({report.usable_cores} usable); load average (1, 5, 15 min) "
        f"{_load(report.load_before)} at start, {_load(report.load_after)} at end",
    ]


def _comparison(c: ProcessComparison) -> list[str]:
    score = c.samples[SCORE]
    rows = [
        [label, *_timing_cells(s), _times(s.median / score.median)]
        for label, s in c.samples.items()
    ]
    per_minute = 60 * c.documents / score.median
    out = [
        "",
        f"Whole processes on the same files: {c.documents:,} documents, {c.gold_mentions:,} gold "
        f"and {c.pred_mentions:,} predicted mentions (seconds; median of {len(score.wall)} rounds)",
        table(["command", *TIMING_HEADER, "/ bench score"], rows),
        _wrap(
            "bench score = `bench score --gold G --predictions P --json`, stdout to a temporary "
            f"file; {NERVALUATE} = a script reading the same JSON files and running "
            f'Evaluator(..., loader="dict").evaluate(); {SEQEVAL} = a script reading the articles '
            "and JSON files, tagging words in IOB2 and computing P/R/F1 in the one pass that "
            f'f1_score(..., mode="strict", scheme=IOB2) makes; {FLOOR} = reading every article '
            "and JSON file and decoding each, nothing else"
            + (f" ({FLOOR_MSGSPEC}: decoding with msgspec)" if FLOOR_MSGSPEC in c.samples else "")
            + ". Each is a fresh interpreter, start-up and imports included"
            + (
                f"; {SCORE_ONE_CORE} = the same bench score pinned to one core (as `taskset -c` "
                "pins it)"
                if SCORE_ONE_CORE in c.samples
                else ""
            )
            + ". spread = (max - min) / median; CPU s = user + system; peak MiB = the child's "
            "max RSS."
        ),
        f"bench score: {per_minute:,.0f} documents a minute end to end (median)"
        + (
            f"; pinned to one core: {60 * c.documents / c.samples[SCORE_ONE_CORE].median:,.0f}."
            if SCORE_ONE_CORE in c.samples
            else "."
        ),
        *(
            [
                f"{SCORE_OUT} wrote "
                + ", ".join(f"{name} {size / 1e6:,.2f} MB" for name, size in c.sizes.items())
                + f" ({c.documents:,} documents, one system)."
            ]
            if c.sizes
            else []
        ),
    ]
    return [*out, "", "Scores (bench score | nervaluate | seqeval strict)", _scores_table(c)]


def _scores_table(c: ProcessComparison) -> str:
    rows = []
    for scheme in SCHEMES:
        row = [scheme]
        for tool in (SCORE, NERVALUATE, SEQEVAL):
            values = c.scores.get(tool, {}).get(scheme)
            row += [_num(values[n], 6) if values else "—" for n in PRF]
        rows.append(row)
    return table(["scheme", *(["P", "R", "F1"] * 3)], rows)


def _in_process(inner: InProcessComparison) -> list[str]:
    rows = [
        [s.label, *_timing_cells(s)[:5], _times(s.median / inner.ours.median)]
        for s in (inner.ours, inner.nervaluate)
    ]
    return [
        "",
        f"Scoring alone, in this process: {inner.gold_mentions:,} gold and "
        f"{inner.pred_mentions:,} predicted mentions (seconds)",
        table(["scorer", *TIMING_HEADER[:5], "/ ours"], rows),
        _wrap(
            "count_entity_schemes = the scoring engine's counting of the strict, exact, partial "
            'and type schemes; nervaluate = Evaluator(..., loader="dict").evaluate() on the same '
            "mentions. Input conversion happens before the clocks start."
        ),
    ]


def _growth(growth: Sequence[GrowthRow]) -> list[str]:
    rows = []
    for row in growth:
        peak = row.samples.peak_rss_mib
        rows.append(
            [
                f"{row.documents:,}",
                *_timing_cells(row.samples)[:4],
                _num(row.seconds_per_1k),
                _num(peak, 0),
                _num(None if peak is None else peak * 1000 / row.documents, 1),
            ]
        )
    header = ["docs", *TIMING_HEADER[:4], "s / 1k docs", "peak MiB", "MiB / 1k docs"]
    form = growth[0].form if growth else "folders"
    title = f"bench score by corpus size ({form}; whole process, seconds)"
    return ["", title, table(header, rows)]


def _runs(runs: Sequence[RunRow]) -> list[str]:
    rows = [
        [
            r.system,
            "1" if r.jobs else "default",
            f"{r.documents:,}",
            *(_timing_cells(r.samples)[:4] if r.samples else ["—"] * 4),
            _num(r.seconds_per_doc),
            r.skipped,
        ]
        for r in runs
    ]
    header = ["system", "--jobs", "docs", *TIMING_HEADER[:4], "s / doc", "skipped"]
    return [
        "",
        "bench run --no-cache on copies of the built-in gold (whole process, seconds)",
        table(header, rows),
    ]


def _startup(report: PerfReport) -> list[str]:
    rows = [
        [s.label, *_timing_cells(s)[:4]]
        for s in (report.help_startup, report.python_startup)
        if s is not None
    ]
    return ["", "Start-up (seconds)", table(["command", *TIMING_HEADER[:4]], rows)]


def render_report(report: PerfReport) -> str:
    """The text ``bench perf`` prints."""
    out = _header(report)
    if report.comparison is not None:
        out += _comparison(report.comparison)
    if report.in_process is not None:
        out += _in_process(report.in_process)
    if report.growth:
        out += _growth(report.growth)
    if report.runs:
        out += _runs(report.runs)
    if report.help_startup is not None:
        out += _startup(report)
    rows = [[t.name, t.status, t.measured] for t in judge_targets(report)]
    out += [
        "",
        "Targets (ratios of medians; a verdict only when the middle half of the rounds agrees, "
        "else too noisy to judge)",
        table(["target", "status", "measured"], rows),
    ]
    if report.mismatches:
        out += ["", "MISMATCHES:", *report.mismatches]
    return "\n".join(out)
