"""The work behind ``bench run``, ``bench check`` and ``bench baseline``, apart from click."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .._errors import BenchError
from .._formats import Baseline
from .._json import write
from ._cache import ResultCache, default_cache_dir
from ._check import check_gold_matches, check_run, load_baseline, make_baseline
from ._files import load_results
from ._runner import (
    DEFAULT_TIMEOUT,
    default_out_dir,
    extract_all,
    plan_systems,
    point_latest,
    resolve_run,
    score_run,
    write_run,
)

Echo = Callable[[str], None]


def run_command(
    *,
    systems: Sequence[str] = (),
    gold_dir: Path | None = None,
    out_dir: Path | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
    strict: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    systems_dir: Path | None = None,
    command: str | None = None,
    out: Echo = print,
    err: Echo = print,
) -> int:
    """Run systems on the gold, write the run folder; return the exit code.

    Exit code 1 when nothing could be scored, or with ``strict`` when any document failed or a
    system was skipped.
    """
    from .._gold import default_gold_dir, load_gold

    gold_root = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    corpus = load_gold(gold_root)
    planned, skipped = plan_systems(systems, corpus, systems_dir)
    cache = ResultCache(default_cache_dir() if use_cache else None)
    extraction = extract_all(corpus, planned, cache=cache, jobs=jobs, timeout=timeout)
    extraction.skipped = {**skipped, **extraction.skipped}
    target = Path(out_dir) if out_dir is not None else default_out_dir()
    results, details = score_run(
        corpus,
        extraction,
        {p.name: p.provenance for p in planned},
        gold_dir=gold_root,
        command=command,
    )
    write_run(target, results, details, extraction)
    if out_dir is None:
        point_latest(target)
    n = len(corpus)
    for name in extraction.predictions:
        failed = extraction.errors.get(name, {})
        out(
            f"{name}: {n - len(failed)}/{n} documents ok"
            + (f", {len(failed)} failed" if failed else "")
        )
        for doc_id, reason in sorted(failed.items()):
            err(f"bench: {name} on {doc_id}: {reason}")
    for name, reason in sorted(extraction.skipped.items()):
        out(f"{name}: skipped ({reason})")
    out(
        f"{extraction.extracted} extracted, {extraction.cached} from the cache "
        f"in {extraction.seconds:.1f} s; run written to {target}"
    )
    scored_any = any(len(found) > 0 for found in extraction.predictions.values())
    if not scored_any:
        err("bench: error: nothing could be scored (every system failed or was skipped)")
        return 1
    if strict and (any(extraction.errors.values()) or extraction.skipped):
        err("bench: --strict: some documents failed or systems were skipped")
        return 1
    return 0


def check_command(run: Path, baseline_path: Path, *, out: Echo = print) -> int:
    """Gate a run against a baseline; return 0 (holds) or 1 (regressed).

    Raises:
        BenchError: (exit code 2) on a missing or malformed run or baseline.
    """
    run = resolve_run(run)
    results = load_results(run, exit_code=2)
    baseline = load_baseline(baseline_path)
    check_gold_matches(baseline, results, run)
    report = check_run(results, baseline)
    for line in report.failures:
        out(f"FAIL {line}")
    for note in report.notes:
        out(f"note {note}")
    if report.ok:
        out(f"ok: {report.checked} gated metrics within tolerance of {baseline_path}")
        return 0
    out(f"{len(report.failures)} regression(s) against {baseline_path}")
    return 1


def baseline_command(
    run: Path,
    out_path: Path,
    *,
    systems: Sequence[str] = (),
    tolerance: float = 0.02,
    out: Echo = print,
) -> int:
    """Write a baseline gating every metric of a run's systems at their current F1."""
    run = resolve_run(run)
    results = load_results(run, exit_code=2)
    if not 0 <= tolerance <= 1:
        raise BenchError("--tolerance: must be a number from 0 to 1", exit_code=2)
    baseline = make_baseline(results, systems=systems or None, tolerance=tolerance)
    write(out_path, baseline, model=Baseline)
    gated = sum(len(m) for layers in baseline.systems.values() for m in layers.values())
    out(f"wrote {out_path}: {len(baseline.systems)} systems, {gated} gated metrics")
    return 0
