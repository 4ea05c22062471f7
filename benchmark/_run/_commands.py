"""The work behind ``bench run``, ``bench check`` and ``bench baseline``, apart from click."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .._errors import BenchError
from .._formats import Baseline
from .._json import decode_untyped, read_bytes, write
from .._resources import checkout_root
from ._cache import ResultCache, default_cache_dir
from ._check import (
    check_gold_matches,
    check_run,
    load_baseline,
    make_baseline,
    other_gold_folder,
)
from ._files import load_results
from ._runner import (
    DEFAULT_TIMEOUT,
    RunOutput,
    extract_all,
    plan_systems,
    resolve_run,
    score_run,
    write_run,
)

Echo = Callable[[str], None]

MAX_TIMEOUT = 1e6
"""The longest ``--timeout`` (seconds; about 11 days): beyond it, waits overflow."""
BASELINE_ENV = "BENCH_BASELINE"
BASELINE_FILE = Path("reports") / "baseline.json"


def check_timeout(timeout: float | None) -> None:
    """Refuse a per-document timeout that is not a finite number of seconds above 0.

    Raises:
        BenchError: (exit code 2) naming the value.

    Example:
        >>> check_timeout(float("nan"))
        Traceback (most recent call last):
        ...
        benchmark._errors.BenchError: --timeout: expected seconds above 0 and at most 1e+06, got nan
    """
    if timeout is None:
        return
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise BenchError(
            f"--timeout: expected seconds above 0 and at most {MAX_TIMEOUT:g}, got {timeout:g}",
            exit_code=2,
        )


def check_systems_dir(systems_dir: Path | None) -> None:
    """Refuse a ``--systems`` folder that does not exist or is not a folder.

    Raises:
        BenchError: (exit code 2) naming the path.
    """
    if systems_dir is None or Path(systems_dir).is_dir():
        return
    what = "is not a folder" if os.path.lexists(systems_dir) else "no such folder"
    raise BenchError(f"--systems {systems_dir}: {what}", exit_code=2)


def default_baseline_path() -> Path:
    """The baseline ``bench check`` and ``bench baseline`` use without ``--baseline``/``--out``.

    ``$BENCH_BASELINE`` when set; else ``reports/baseline.json`` in the current folder when it
    is there; else the one in the checkout holding the package when that is there; else
    ``reports/baseline.json`` in the current folder (to be written).
    """
    configured = os.environ.get(BASELINE_ENV)
    if configured:
        return Path(configured)
    if os.path.lexists(BASELINE_FILE):
        return BASELINE_FILE
    root = checkout_root()
    if root is not None and (root / BASELINE_FILE).is_file():
        return root / BASELINE_FILE
    return BASELINE_FILE


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
    executor: str = "local",
    address: str | None = None,
) -> int:
    """Run systems on the gold, write the run folder; return the exit code.

    ``executor`` is ``"local"`` (worker processes here) or ``"ray"`` (Ray tasks; ``address`` the
    cluster to join): see :func:`~benchmark._run._runner.extract_all`.

    Exit code 1 when nothing could be scored, or with ``strict`` when any document failed or a
    system was skipped or left out as broken. ``runs/latest`` moves only after a run that exits
    0 without ``out_dir``.

    Raises:
        BenchError: (exit code 2) for a bad argument (``timeout``, ``systems_dir``,
            ``out_dir``: see :class:`~benchmark._run._runner.RunOutput`) or system name.
    """
    from .._gold import default_gold_dir, load_gold

    check_timeout(timeout)
    check_systems_dir(systems_dir)
    gold_root = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    corpus = load_gold(gold_root)
    broken: list[str] = []
    planned, skipped = plan_systems(systems, corpus, systems_dir, on_broken=broken.append)
    for line in broken:
        err(f"bench: {line}")
    cache_dir = default_cache_dir()
    with RunOutput(out_dir) as output:
        output.prepare(
            {"gold folder": gold_root, "systems folder": systems_dir, "cache folder": cache_dir}
        )
        cache = ResultCache(cache_dir, read=use_cache)  # --no-cache: extract again, refresh
        extraction = extract_all(
            corpus,
            planned,
            cache=cache,
            jobs=jobs,
            timeout=timeout,
            executor=executor,
            address=address,
        )
        extraction.skipped = {**skipped, **extraction.skipped}
        results, details = score_run(
            corpus,
            extraction,
            {p.name: p.provenance for p in planned},
            gold_dir=gold_root,
            command=command,
        )
        scored_any = any(len(found) > 0 for found in extraction.predictions.values())
        failed_any = any(extraction.errors.values()) or bool(extraction.skipped or broken)
        code = 1 if not scored_any or (strict and failed_any) else 0
        write_run(output.staging(), results, details, extraction, corpus)
        target = output.publish(latest=out_dir is None and code == 0, err=err)
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
    if not scored_any:
        err("bench: error: nothing could be scored (every system failed or was skipped)")
    elif code:
        err("bench: --strict: some documents failed or systems were skipped")
    return code


def check_command(
    run: Path,
    baseline_path: Path | None = None,
    *,
    out: Echo = print,
    junit: Path | None = None,
    output_format: str = "text",
    environ: Mapping[str, str] | None = None,
) -> int:
    """Gate a run against a baseline (None: :func:`default_baseline_path`); return 0 (holds) or
    1 (regressed).

    Args:
        junit: also write a JUnit XML report there (atomically); on a harness error it holds one
            error case (see :mod:`benchmark._run._ci`).
        output_format: ``text`` (``FAIL``/``note`` lines) or ``github`` (workflow commands, and
            the verdict and the run's summary.md appended to ``$GITHUB_STEP_SUMMARY`` when set).
        environ: the environment to read ``$GITHUB_STEP_SUMMARY`` from (default ``os.environ``).

    Raises:
        BenchError: (exit code 2) on a missing or malformed run or baseline.
    """
    from . import _ci

    baseline_path = baseline_path if baseline_path is not None else default_baseline_path()
    try:
        run = resolve_run(run)
        results = load_results(run, exit_code=2)
        baseline = load_baseline(baseline_path)
        check_gold_matches(baseline, results, run)
    except BenchError as exc:
        if junit is not None:
            _ci.write_junit(junit, _ci.render_junit_error(str(exc)))
        if output_format == "github":
            out(_ci.workflow_command("error", str(exc), title=_ci.SUITE_NAME))
        raise
    report = check_run(results, baseline)
    if junit is not None:
        outcomes = _ci.gate_outcomes(results, baseline)
        _ci.write_junit(junit, _ci.render_junit(outcomes, baseline=baseline_path))
    if output_format == "github":
        for line in _ci.github_lines(report, baseline=baseline_path):
            out(line)
        _ci.append_step_summary(
            _ci.step_summary(report, _ci.run_summary_md(run, results), baseline=baseline_path),
            environ,
        )
        return 0 if report.ok else 1
    for line in report.failures:
        out(f"FAIL {line}")
    for note in report.notes:
        out(f"note {note}")
    if report.ok:
        out(f"ok: {report.checked} gated metrics within tolerance of {baseline_path}")
        return 0
    out(f"{len(report.failures)} regression(s) against {baseline_path}")
    return 1


def baseline_file_problem(path: Path) -> str | None:
    """Why ``path`` may not be overwritten with a baseline, or None (absent, or a baseline).

    A baseline is a JSON object with ``format_version`` and ``systems``; its values are not
    judged here (a broken baseline may be rewritten), but a file that is something else is never
    overwritten.

    Example:
        >>> baseline_file_problem(Path("no/such/baseline.json")) is None
        True
    """
    path = Path(path)
    if not os.path.lexists(path):
        return None
    if path.is_dir():
        return "is a folder, not a baseline file"
    try:
        data, problems = decode_untyped(read_bytes(path), str(path))
    except BenchError as exc:
        return f"cannot be read ({str(exc).removeprefix(f'{path}: ')})"
    if problems:
        return f"is not a baseline file ({problems[0].reason})"
    if not isinstance(data, dict) or not {"format_version", "systems"} <= set(data):
        return "is not a baseline file (a JSON object with format_version and systems)"
    return None


def baseline_command(
    run: Path,
    out_path: Path | None = None,
    *,
    systems: Sequence[str] = (),
    tolerance: float = 0.02,
    out: Echo = print,
) -> int:
    """Write a baseline gating every metric of a run's systems at their current F1.

    Args:
        out_path: where to write it (None: :func:`default_baseline_path`, and then only from a run
            of the default gold).

    Raises:
        BenchError: (exit code 2) on a missing or malformed run, a bad tolerance, an ``out_path``
            that holds something other than a baseline, or a default ``out_path`` with a run that
            scored another gold folder.
    """
    run = resolve_run(run)
    results = load_results(run, exit_code=2)
    if not 0 <= tolerance <= 1:
        raise BenchError("--tolerance: must be a number from 0 to 1", exit_code=2)
    target = out_path if out_path is not None else default_baseline_path()
    if out_path is None:
        other = other_gold_folder(results)
        if other is not None:
            raise BenchError(
                f"{run} scored the gold folder {other}, not the default gold; the default "
                f"baseline {target} gates the default gold (give --out to write a baseline for "
                "that gold elsewhere)",
                exit_code=2,
            )
    problem = baseline_file_problem(target)
    if problem is not None:
        raise BenchError(f"{target}: {problem}; refusing to overwrite it", exit_code=2)
    baseline = make_baseline(results, systems=systems or None, tolerance=tolerance)
    write(target, baseline, model=Baseline)
    gated = sum(len(m) for layers in baseline.systems.values() for m in layers.values())
    out(f"wrote {target}: {len(baseline.systems)} systems, {gated} gated metrics")
    return 0
