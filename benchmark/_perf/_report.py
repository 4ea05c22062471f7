"""What ``bench perf`` measured, the DESIGN §8 targets judged on it, and its text rendering."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._scorers import EntityComparison, LayerTiming, ScalingRow
from ._systems import RunTiming, SpacyTiming
from ._timing import Timing

TARGET_MENTIONS = 100_000
TARGET_SECONDS = 0.5
TARGET_SPEEDUP = 10.0
TARGET_HELP_SECONDS = 0.3
LINEAR_TOLERANCE = 1.5
"""Largest over smallest time per 1,000 mentions still called linear."""
FLAT_MIB = 1.0
"""Streaming peak-memory growth allowed between the smallest and the largest document count."""


@dataclass
class PerfReport:
    """Everything one ``bench perf`` measured (sections not asked for stay empty)."""

    seed: int
    mentions_per_doc: int
    repeat: int
    cpu: str
    comparisons: list[EntityComparison] = field(default_factory=list)
    scaling: list[ScalingRow] = field(default_factory=list)
    layers: list[LayerTiming] = field(default_factory=list)
    help_startup: Timing | None = None
    python_startup: Timing | None = None
    runs: list[RunTiming] = field(default_factory=list)
    spacy: SpacyTiming | str | None = None
    llm: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mismatches(self) -> list[str]:
        """Every disagreement with nervaluate or seqeval, prefixed by the corpus size."""
        return [f"{c.gold_mentions} mentions: {m}" for c in self.comparisons for m in c.mismatches]

    load: tuple[float, float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every measurement and the targets."""
        data = dataclasses.asdict(self)
        for row, comparison in zip(data["comparisons"], self.comparisons, strict=True):
            row["ms_per_1k_mentions"] = comparison.ms_per_1k_mentions
        for row, scaled in zip(data["scaling"], self.scaling, strict=True):
            row["ms_per_1k_mentions"] = scaled.ms_per_1k_mentions
        data["targets"] = [dataclasses.asdict(t) for t in judge_targets(self)]
        return data


@dataclass(frozen=True)
class Target:
    """One DESIGN §8 target: ``met`` is None when this invocation did not measure it."""

    name: str
    met: bool | None
    measured: str


def _cpu(timing: Timing) -> float:
    return timing.cpu if timing.cpu is not None else timing.best


def _at_target_size(report: PerfReport) -> EntityComparison | None:
    sized = [c for c in report.comparisons if c.gold_mentions >= TARGET_MENTIONS]
    return min(sized, key=lambda c: c.gold_mentions) if sized else None


def judge_targets(report: PerfReport) -> list[Target]:
    """Each target, met or not, with the measured figure it was judged on."""
    targets = []
    at = _at_target_size(report)
    name = f"entity schemes, {TARGET_MENTIONS:,} mentions, one core < {TARGET_SECONDS} s"
    if at is None:
        targets.append(Target(name, None, "not measured (add 100000 to --sizes)"))
    else:
        cpu = _cpu(at.ours)
        targets.append(
            Target(
                name,
                cpu < TARGET_SECONDS,
                f"{cpu:.3f} s CPU, {at.ours.best:.3f} s wall (fast path)",
            )
        )
    name = f">= {TARGET_SPEEDUP:g}x faster than nervaluate, same numbers"
    if at is None or at.nervaluate is None:
        targets.append(Target(name, None, "not measured"))
    else:
        speedup = _cpu(at.nervaluate) / _cpu(at.ours)
        same = not report.mismatches
        targets.append(
            Target(
                name,
                speedup >= TARGET_SPEEDUP and same,
                f"{speedup:.1f}x; numbers {'identical' if same else 'DIFFER'}",
            )
        )
    name = "cost grows linearly with documents"
    if len(report.scaling) < 2:
        targets.append(Target(name, None, "not measured (give two --docs)"))
    else:
        first, last = report.scaling[0], report.scaling[-1]
        ratio = last.ms_per_1k_mentions / first.ms_per_1k_mentions
        targets.append(
            Target(
                name,
                ratio <= LINEAR_TOLERANCE,
                f"{first.ms_per_1k_mentions:.2f} -> {last.ms_per_1k_mentions:.2f} ms per 1k "
                f"mentions from {first.documents:,} to {last.documents:,} docs ({ratio:.2f}x)",
            )
        )
    name = "memory flat when scoring streamed predictions"
    if len(report.scaling) < 2:
        targets.append(Target(name, None, "not measured (give two --docs)"))
    else:
        first, last = report.scaling[0], report.scaling[-1]
        growth = last.stream_rss_growth_mib - first.stream_rss_growth_mib
        targets.append(
            Target(
                name,
                growth <= FLAT_MIB,
                f"peak RSS growth {first.stream_rss_growth_mib:.1f} MiB at {first.documents:,} "
                f"docs, {last.stream_rss_growth_mib:.1f} MiB at {last.documents:,} docs",
            )
        )
    name = f"bench --help < {TARGET_HELP_SECONDS} s"
    if report.help_startup is None:
        targets.append(Target(name, None, "not measured"))
    else:
        targets.append(
            Target(
                name,
                report.help_startup.best < TARGET_HELP_SECONDS,
                f"{report.help_startup.best:.3f} s",
            )
        )
    return targets


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


def _s(timing: Timing | None) -> str:
    return "—" if timing is None else f"{timing.best:.3f}"


def _x(slow: Timing | None, fast: Timing) -> str:
    """The CPU-time ratio (wall when CPU time is missing)."""
    return "—" if slow is None or _cpu(fast) <= 0 else f"{_cpu(slow) / _cpu(fast):.1f}x"


def render_report(report: PerfReport) -> str:
    """The tables ``bench perf`` prints."""
    out: list[str] = [
        f"bench perf: seed {report.seed}, {report.mentions_per_doc} mentions per document, "
        f"best of {report.repeat} (slow tools: fewer when over budget), {report.cpu}"
        + (f", load average {report.load[0]:.2f}" if report.load else "")
    ]
    if report.comparisons:
        out += ["", "Entity scoring: ours vs nervaluate vs seqeval on the same input (seconds)"]
        rows = [
            [
                f"{c.documents:,}",
                f"{c.gold_mentions:,}",
                f"{c.pred_mentions:,}",
                _s(c.ours),
                "—" if c.ours.cpu is None else f"{c.ours.cpu:.3f}",
                f"{c.ms_per_1k_mentions:.2f}",
                _s(c.ours_full),
                _s(c.nervaluate),
                _x(c.nervaluate, c.ours),
                _s(c.seqeval),
                _x(c.seqeval, c.ours),
                "yes" if not c.mismatches else "NO",
            ]
            for c in report.comparisons
        ]
        header = [
            "docs",
            "gold",
            "pred",
            "ours",
            "ours CPU",
            "ms/1k",
            "ours full",
            "nervaluate",
            "speed-up",
            "seqeval",
            "speed-up",
            "same",
        ]
        out.append(table(header, rows))
        out.append(
            _wrap(
                "ours = count_entity_schemes (strict, exact, partial, type); "
                "ours full = score_entities per document (all five metrics, per-type, confusion, "
                "error lists); nervaluate = "
                "Evaluator(...).evaluate() (4 schemes overall and per type); seqeval = strict IOB2 "
                "f1_score. Times are wall seconds, best of N; speed-ups are CPU-time ratios. "
                "same = P/R/F1 of the 4 schemes equal nervaluate's and strict F1 equal "
                f"seqeval's within {1e-9:g}."
            )
        )
        last = report.comparisons[-1]
        score_rows = [
            [
                scheme,
                *(f"{v:.6f}" for v in last.ours_scores[scheme]),
                *(f"{v:.6f}" for v in last.nervaluate_scores.get(scheme, ())),
            ]
            for scheme in last.ours_scores
        ]
        out += ["", f"Scores at {last.gold_mentions:,} mentions (ours | nervaluate)"]
        score_header = ["scheme", "P", "R", "F1"]
        if last.nervaluate_scores:
            score_header += ["P", "R", "F1"]
        out.append(table(score_header, score_rows))
        if last.seqeval_f1 is not None:
            out.append(f"seqeval strict F1: {last.seqeval_f1:.6f}")
    if report.scaling:
        out += [
            "",
            "Growth and memory (each pass in a fresh process; +MiB = peak RSS minus RSS after "
            "imports)",
        ]
        rows = [
            [
                f"{r.documents:,}",
                f"{r.gold_mentions:,}",
                f"{r.in_memory_seconds:.3f}",
                f"{r.ms_per_1k_mentions:.2f}",
                f"{r.in_memory_rss_growth_mib:.1f}",
                f"{r.stream_read_seconds:.3f}",
                f"{r.stream_score_seconds:.3f}",
                f"{r.stream_rss_growth_mib:.1f}",
            ]
            for r in report.scaling
        ]
        header = [
            "docs",
            "gold",
            "in memory s",
            "ms/1k",
            "+MiB",
            "stream read s",
            "stream score s",
            "+MiB",
        ]
        out.append(table(header, rows))
        out.append(
            _wrap(
                "stream read = read_annotation (JSON + schema check) of one prediction file per "
                "document; gold generated document by document."
            )
        )
    if report.layers:
        out += ["", "Quote and claim scoring (seconds; same spans and noise as the entities)"]
        rows = [
            [
                f"{r.documents:,}",
                f"{r.items:,}",
                _s(r.quotes),
                "—" if r.quotes is None else f"{r.quotes.best * 1e6 / r.items:.0f}",
                _s(r.claims),
                "—" if r.claims is None else f"{r.claims.best * 1e6 / r.items:.0f}",
                r.note,
            ]
            for r in report.layers
        ]
        header = ["docs", "gold items", "quotes", "µs/item", "claims", "µs/item", "note"]
        out.append(table(header, rows))
    if report.help_startup is not None:
        out += ["", "Start-up"]
        rows = [["bench --help", _s(report.help_startup), str(report.help_startup.runs)]]
        if report.python_startup is not None:
            rows.append(
                ["python -c pass", _s(report.python_startup), str(report.python_startup.runs)]
            )
        out.append(table(["command", "best s", "runs"], rows))
    if report.runs:
        out += ["", "bench run --no-cache (fresh process, start-up included)"]
        base = report.runs[0].seconds
        rows = [
            [
                f"--jobs {r.jobs}",
                f"{r.documents:,}",
                f"{r.seconds:.2f}",
                f"{base / r.seconds:.2f}x",
                ", ".join(r.systems) or "—",
                "; ".join(f"{k}: {v}" for k, v in r.skipped.items()) or "",
            ]
            for r in report.runs
        ]
        out.append(table(["run", "docs", "seconds", "speed-up", "systems", "skipped"], rows))
    if report.spacy is not None:
        out += ["", "spaCy system: one document at a time vs extract_batch (nlp.pipe)"]
        if isinstance(report.spacy, str):
            out.append(report.spacy)
        else:
            sp = report.spacy
            out.append(
                table(
                    ["docs", "one by one s", "batched s", "speed-up", "batch_size", "same output"],
                    [
                        [
                            str(sp.documents),
                            f"{sp.one_by_one:.3f}",
                            f"{sp.batched:.3f}",
                            f"{sp.one_by_one / sp.batched:.2f}x",
                            str(sp.batch_size),
                            "yes" if sp.same_output else "no",
                        ]
                    ],
                )
            )
    if report.llm:
        out += ["", "LLM adapter against the local fake server (127.0.0.1) with fixed latency"]
        rows = [
            [
                str(r["max_concurrency"]),
                str(r["documents"]),
                f"{r['latency']:.2f}",
                f"{r['seconds']:.2f}",
                f"{r['docs_per_second']:.1f}",
                f"{r['ideal_docs_per_second']:.1f}",
                str(r["max_in_flight"]),
            ]
            for r in report.llm
        ]
        header = [
            "concurrency",
            "docs",
            "latency s",
            "seconds",
            "docs/s",
            "ideal docs/s",
            "max in flight",
        ]
        out.append(table(header, rows))
    out += ["", "Targets (DESIGN §8)"]
    rows = [
        [t.name, {True: "met", False: "NOT MET", None: "—"}[t.met], t.measured]
        for t in judge_targets(report)
    ]
    out.append(table(["target", "status", "measured"], rows))
    if report.mismatches:
        out += ["", "MISMATCHES:", *report.mismatches]
    return "\n".join(out)
