"""A run: systems x documents, cached per result, scored, written to a run folder (``bench run``).

The work is split in three steps that can be used alone:

1. :func:`plan_systems` (or :func:`plan_instance` for a system object) says how to build each
   system and what identifies its results (name, adapter version, config hash);
2. :func:`extract_all` gets every (system, document) prediction, from the cache or from the
   executor, caching each as soon as it is done; it never raises for a system's failure;
3. :func:`score_run` turns predictions into the results.json dict, and :func:`write_run` writes
   the run folder (predictions, results.json, summary.md, report.html), every file atomically.

A document a system failed on is scored as an empty prediction (it extracted nothing) and listed
under ``errors``; a system that is unavailable is listed under ``skipped`` and not scored.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import BenchError, one_line
from .._formats import CacheIdentity, DocumentDetail, Results
from .._io import decode_annotation, write_annotation
from .._json import atomic_write_text
from .._models import Annotation, Corpus, Document
from .._validate import check_annotation
from ._cache import ResultCache, code_fingerprint, result_key
from ._executor import (
    InlineExecutor,
    Outcome,
    ProcessExecutor,
    SystemRecipe,
    Task,
    default_jobs,
)
from ._files import RunFiles, write_results

DEFAULT_TIMEOUT = 120.0
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 0


# --- planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedSystem:
    """A system ready to run: how to build it, and what identifies its results in the cache."""

    name: str
    recipe: SystemRecipe
    version: str
    config_hash: str
    code_hash: str
    batch: bool
    provenance: Mapping[str, Any]


def build_registered(
    name: str, systems_dir: Path | None, answers: Mapping[str, Annotation] | None
) -> Any:
    """Build a registered system (top level, so a worker process can call it)."""
    from .._systems import load_system

    return load_system(name, systems_dir=systems_dir, answers=answers)


def _same(system: Any) -> Any:
    return system


def plan_systems(
    names: Sequence[str], corpus: Corpus, systems_dir: Path | None = None
) -> tuple[list[PlannedSystem], dict[str, str]]:
    """Plan the named systems (default: every ready offline one); also return the skipped ones.

    Raises:
        BenchError: (exit code 2) for an unknown name or a malformed system configuration.
    """
    from .._systems import discover_systems

    infos = discover_systems(systems_dir)
    if names:
        chosen = []
        for name in dict.fromkeys(names):
            matches = [i for i in infos if i.name == name]
            usable = [i for i in matches if not i.status.startswith("error")]
            if usable:
                chosen.append(usable[0])
            elif matches:
                raise BenchError(f"system {name!r}: {matches[0].status}", exit_code=2)
            else:
                known = ", ".join(sorted({i.name for i in infos}))
                raise BenchError(f"unknown system {name!r} (known: {known})", exit_code=2)
    else:
        chosen = [info for info in infos if info.runs_by_default]
    planned: list[PlannedSystem] = []
    skipped: dict[str, str] = {}
    answers = {ex.doc_id: ex.annotation for ex in corpus}
    for info in chosen:
        if not info.ready:
            skipped[info.name] = info.status.removeprefix("unavailable: ")
            continue
        cls = info.adapter_class
        needs = bool(getattr(cls, "needs_answers", False))
        args = (info.name, systems_dir, answers if needs else None)
        planned.append(
            PlannedSystem(
                name=info.name,
                recipe=SystemRecipe(info.name, build_registered, args),
                version=info.version or "",
                config_hash=info.config_hash,
                code_hash=code_fingerprint(cls),
                batch=callable(getattr(cls, "extract_batch", None)),
                provenance=info.provenance(),
            )
        )
    return planned, skipped


def plan_instance(system: Any) -> PlannedSystem:
    """Plan a system object (the pytest ``bench`` fixture): identified by name, version, config.

    Raises:
        BenchError: when the object lacks ``name``, ``version`` or ``extract``.
    """
    from .._systems import config_hash

    for attribute in ("name", "version", "extract"):
        if not hasattr(system, attribute):
            raise BenchError(f"{type(system).__name__} is not a System: no {attribute!r}")
    name, version = str(system.name), str(system.version)
    config = dict(getattr(system, "config", {}) or {})
    adapter = f"{type(system).__module__}.{type(system).__qualname__}"
    digest = config_hash(adapter, config, version)
    return PlannedSystem(
        name=name,
        recipe=SystemRecipe(name, _same, (system,)),
        version=version,
        config_hash=digest,
        code_hash=code_fingerprint(type(system)),
        batch=callable(getattr(system, "extract_batch", None)),
        provenance={
            "adapter": adapter,
            "version": version,
            "config": config,
            "config_hash": digest,
            "source": "instance",
            "display_name": name,
        },
    )


# --- extraction -------------------------------------------------------------------------------


@dataclass
class Extraction:
    """Every prediction of a run, with the errors, the skipped systems and what it cost."""

    predictions: dict[str, dict[str, Annotation]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    cached: int = 0
    extracted: int = 0
    seconds: float = 0.0
    usage: dict[str, dict[str, float]] = field(default_factory=dict)


class _Progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and total and sys.stderr.isatty():
            import click

            self._bar = click.progressbar(length=total, label="extracting", file=sys.stderr)
            self._bar.__enter__()

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _chunks(documents: Sequence[Document], parts: int) -> list[tuple[Document, ...]]:
    size = -(-len(documents) // max(1, parts))
    return [tuple(documents[i : i + size]) for i in range(0, len(documents), size)]


def extract_all(
    corpus: Corpus,
    systems: Sequence[PlannedSystem],
    *,
    cache: ResultCache,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    inline: bool = False,
    progress: bool = True,
) -> Extraction:
    """Predictions of every system on every document, from the cache or freshly extracted.

    Args:
        jobs: worker processes (default: one per core; never more than there are tasks).
        timeout: seconds per document before the worker is stopped (None: no limit).
        inline: run in this process (no timeouts; for system objects that cannot be pickled).

    Raises:
        KeyboardInterrupt: when interrupted; every result finished so far is in the cache.
    """
    started = time.perf_counter()
    run = Extraction()
    documents = {ex.doc_id: ex.document for ex in corpus}
    keys: dict[tuple[str, str], str] = {}
    by_name = {planned.name: planned for planned in systems}
    tasks: list[Task] = []
    bar = _Progress(len(systems) * len(documents), progress)
    for planned in systems:
        run.predictions[planned.name] = {}
        run.errors[planned.name] = {}
        pending: list[Document] = []
        for doc_id, document in documents.items():
            key = result_key(
                planned.name,
                planned.version,
                planned.config_hash,
                document.sha256,
                code=planned.code_hash,
            )
            keys[planned.name, doc_id] = key
            hit = cache.get(key, doc_id)
            if hit is not None and not check_annotation(hit, document, doc_id, gold=False):
                run.predictions[planned.name][doc_id] = hit
                run.cached += 1
                bar.advance()
            else:
                pending.append(document)
        if planned.batch and pending:
            parts = 1 if inline else min(jobs or default_jobs(), len(pending))
            tasks += [
                Task(len(tasks), planned.recipe, c, batch=True) for c in _chunks(pending, parts)
            ]
        else:
            tasks += [Task(len(tasks), planned.recipe, (d,)) for d in pending]

    def record(outcome: Outcome) -> None:
        bar.advance()
        name, doc_id = outcome.system, outcome.doc_id
        if outcome.usage:
            totals = run.usage.setdefault(name, {})
            for key, value in outcome.usage.items():
                totals[key] = totals.get(key, 0.0) + value
        if name in run.skipped:
            return
        if outcome.unavailable is not None:
            run.skipped[name] = outcome.unavailable
            return
        run.extracted += 1
        if outcome.error is not None:
            run.errors[name][doc_id] = outcome.error
            return
        annotation, error = _checked(outcome.prediction, documents[doc_id], name)
        if annotation is None:
            run.errors[name][doc_id] = error
            return
        run.predictions[name][doc_id] = annotation
        planned = by_name[name]
        identity = CacheIdentity(
            system=name,
            version=planned.version,
            config_hash=planned.config_hash,
            article_sha256=documents[doc_id].sha256,
            code_hash=planned.code_hash,
        )
        cache.put(keys[name, doc_id], annotation, identity)

    try:
        if tasks:
            workers = min(jobs or default_jobs(), len(tasks))
            executor: InlineExecutor | ProcessExecutor = (
                InlineExecutor() if inline else ProcessExecutor(workers, timeout)
            )
            executor.run(tasks, record, run.skipped)
    finally:
        bar.close()
    for name in run.skipped:
        run.predictions.pop(name, None)
        run.errors.pop(name, None)
    run.seconds = time.perf_counter() - started
    return run


def _checked(
    prediction: bytes | None, document: Document, system: str
) -> tuple[Annotation | None, str]:
    file = f"{system}/{document.doc_id}"
    annotation, problems = decode_annotation(prediction or b"", file)
    if annotation is not None:
        problems = check_annotation(annotation, document, file, gold=False)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        first = problems[0]
        return None, one_line(f"invalid output: {first.path}: {first.reason}{more}", 200)
    assert annotation is not None
    return annotation, ""


# --- scoring and writing ----------------------------------------------------------------------


def complete_predictions(corpus: Corpus, found: Mapping[str, Annotation]) -> dict[str, Annotation]:
    """One prediction per gold document: a missing one (the system failed) counts as empty."""
    return {
        ex.doc_id: found.get(ex.doc_id) or Annotation(ex.doc_id, ex.document.sha256)
        for ex in corpus
    }


def score_run(
    corpus: Corpus,
    run: Extraction,
    system_provenance: Mapping[str, Mapping[str, Any]],
    *,
    gold_dir: Path | None,
    command: str | None = None,
) -> tuple[Results, list[DocumentDetail]]:
    """A run's results.json and its details.jsonl lines."""
    from ._score import score_to_results

    return score_to_results(
        corpus,
        {name: complete_predictions(corpus, found) for name, found in run.predictions.items()},
        system_provenance,
        gold_dir=gold_dir,
        samples=BOOTSTRAP_SAMPLES,
        seed=BOOTSTRAP_SEED,
        command=command,
        errors={name: found for name, found in run.errors.items() if found},
        skipped=run.skipped,
        usage={name: _usage_json(totals) for name, totals in run.usage.items()},
    )


def _usage_json(totals: Mapping[str, float]) -> dict[str, float | int]:
    """Counts as integers, money rounded to a millionth of a dollar."""
    return {
        key: round(value, 6) if key == "cost_usd" else round(value)
        for key, value in sorted(totals.items())
    }


def default_out_dir(root: Path = Path("runs")) -> Path:
    """``runs/<UTC timestamp>`` (with a suffix when that folder exists)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = root / stamp
    n = 2
    while out.exists():
        out, n = root / f"{stamp}-{n}", n + 1
    return out


def write_run(
    out_dir: Path,
    results: Results,
    details: Sequence[DocumentDetail],
    run: Extraction,
) -> None:
    """Write a run folder: predictions/, details.jsonl, results.json, summary.md, report.html
    (each file atomically)."""
    out_dir = Path(out_dir)
    for system, found in run.predictions.items():
        for doc_id, annotation in sorted(found.items()):
            write_annotation(out_dir / "predictions" / system / f"{doc_id}.json", annotation)
    write_results(out_dir, results, details)
    from .._report import write_reports

    details_by_system: dict[str, dict[str, DocumentDetail]] = {}
    for detail in details:
        details_by_system.setdefault(detail.system, {})[detail.doc_id] = detail
    write_reports(
        out_dir, RunFiles(out_dir, results, details_by_system), predictions=run.predictions
    )


def point_latest(out_dir: Path) -> None:
    """Make ``<parent>/latest`` a text file naming the newest run folder."""
    atomic_write_text(out_dir.parent / "latest", out_dir.name + "\n")


def resolve_run(path: Path) -> Path:
    """A run folder, following a ``latest`` pointer file.

    Example:
        >>> resolve_run(Path("runs/2024"))
        PosixPath('runs/2024')
    """
    path = Path(path)
    if path.is_file() and path.suffix != ".json":
        try:
            target = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return path
        if target and "/" not in target and "\\" not in target:
            return path.parent / target
    return path
