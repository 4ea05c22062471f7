"""``bench perf``: speed and memory as measured properties (DESIGN §8).

:func:`run_perf` computes a :class:`PerfReport`; :func:`render_report` prints it. The sections:
entity scoring against nervaluate and seqeval on one seeded synthetic corpus (asserting the same
numbers), growth with the number of documents and memory when predictions are streamed from
disk, quote and claim scoring, ``bench --help`` start-up, and, on request, ``bench run --jobs``,
spaCy batching and LLM request concurrency.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._models import Document
from ._report import PerfReport, Target, judge_targets, render_report
from ._systems import RunTiming, SpacyTiming
from ._timing import Timing, help_startup, one_core

__all__ = ["PerfOptions", "PerfReport", "Target", "judge_targets", "render_report", "run_perf"]

QUICK_SIZES: tuple[int, ...] = (1_000, 10_000)
QUICK_DOCS: tuple[int, ...] = (20, 200)


@dataclass(frozen=True)
class PerfOptions:
    """What to measure (see ``bench perf --help``)."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    docs: tuple[int, ...] = (100, 1_000)
    seed: int = 0
    repeat: int = 3
    mentions_per_doc: int = 50
    compare: bool = True
    layers: bool = True
    startup: bool = True
    runs: bool = False
    runs_docs: int = 40
    jobs: tuple[int, ...] = (1, 2)
    spacy: bool = False
    spacy_docs: int = 40
    llm: bool = False
    llm_docs: int = 20
    llm_latency: float = 0.2
    llm_concurrency: tuple[int, ...] = (1, 4, 8)
    max_seconds: float = 20.0


def run_perf(options: PerfOptions, progress: Callable[[str], None] = lambda _: None) -> PerfReport:
    """Measure every section ``options`` asks for; scoring sections run pinned to one core."""
    from ._scorers import compare_entity_scorers, measure_scaling, time_quotes_and_claims

    with one_core() as cpu:
        report = PerfReport(options.seed, options.mentions_per_doc, options.repeat, cpu)
        if hasattr(os, "getloadavg"):
            report.load = os.getloadavg()
        if options.compare:
            for size in options.sizes:
                progress(f"entity scoring at {size:,} mentions")
                report.comparisons.append(
                    compare_entity_scorers(
                        options.seed, size, options.mentions_per_doc, options.repeat
                    )
                )
        if options.docs:
            progress(f"growth and streaming at {', '.join(map(str, options.docs))} documents")
            with tempfile.TemporaryDirectory(prefix="bench-perf-") as scratch:
                report.scaling = measure_scaling(
                    options.seed, options.docs, options.mentions_per_doc, Path(scratch)
                )
        if options.layers:
            per_doc: dict[str, float] = {}
            for size in options.sizes:
                progress(f"quote and claim scoring at {size:,} items")
                row = time_quotes_and_claims(
                    options.seed,
                    size,
                    options.mentions_per_doc,
                    options.repeat,
                    projected=per_doc,
                    max_seconds=options.max_seconds,
                )
                report.layers.append(row)
                for name in ("quotes", "claims"):
                    timing = getattr(row, name)
                    if timing is not None:
                        per_doc[name] = timing.best / row.documents
        if options.startup:
            progress("bench --help start-up")
            report.help_startup, report.python_startup = _startup(options.repeat)
    if options.runs:
        progress(f"bench run --jobs {', '.join(map(str, options.jobs))}")
        report.runs = _runs(options)
    if options.spacy:
        progress("spaCy batching")
        report.spacy = _spacy(options)
    if options.llm:
        progress("LLM concurrency")
        from ._systems import time_llm

        report.llm = time_llm(options.llm_docs, options.llm_latency, options.llm_concurrency)
    return report


def _startup(repeat: int) -> tuple[Timing, Timing]:
    """``bench --help`` and, for scale, a bare interpreter (``python -c pass``), best of N."""
    runs = max(5, repeat)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return help_startup(runs), Timing(best, runs)


def _gold_documents(count: int) -> list[Document]:
    """``count`` documents cycling through the built-in gold articles (new doc ids)."""
    from .._gold import load_gold

    documents = [ex.document for ex in load_gold()]
    return [
        Document(
            f"{documents[k % len(documents)].doc_id}-c{k:04d}", documents[k % len(documents)].text
        )
        for k in range(count)
    ]


def _spacy(options: PerfOptions) -> SpacyTiming | str:
    from ._systems import time_spacy

    return time_spacy(_gold_documents(options.spacy_docs), options.repeat)


def _runs(options: PerfOptions) -> list[RunTiming]:
    from .._gold import default_gold_dir
    from ._systems import replicate_gold, time_runs

    with tempfile.TemporaryDirectory(prefix="bench-perf-gold-") as scratch:
        gold = Path(scratch) / "gold"
        replicate_gold(default_gold_dir(), gold, options.runs_docs)
        return time_runs(gold, options.jobs)
