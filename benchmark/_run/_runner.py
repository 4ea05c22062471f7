"""A run: systems x documents, cached per result, scored, written to a run folder (``bench run``).

The work is split in three steps that can be used alone:

1. :func:`plan_systems` (or :func:`plan_instance` for a system object) says how to build each
   system and what identifies its results (name, adapter version, config hash);
2. :func:`extract_all` gets every (system, document) prediction, from the cache or from the
   executor, caching each as soon as it is done; it never raises for a system's failure;
3. :func:`score_run` turns predictions into the results.json dict, and :func:`write_run` writes
   the run folder (predictions, results.json, summary.md, report.html), every file atomically.

:class:`RunOutput` decides where the folder goes and moves it there whole: the run is written to a
hidden folder beside its target and renamed into place at the end (swapped with a run folder
already there), under a lock, so two runs never mix and a reader never sees half a run.

A document a system failed on is scored as an empty prediction (it extracted nothing) and listed
under ``errors``; a system that is unavailable is listed under ``skipped`` and not scored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import BenchError, one_line
from .._formats import CacheIdentity, DocumentDetail, Results
from .._io import DOC_ID_PATTERN, decode_annotation, write_annotation
from .._json import atomic_write_text, decode_untyped, read_bytes, replace_folder
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
from ._files import RESULTS_FILE, RunFiles, write_results
from ._ray import RayExecutor

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
    names: Sequence[str],
    corpus: Corpus,
    systems_dir: Path | None = None,
    *,
    on_broken: Callable[[str], None] | None = None,
) -> tuple[list[PlannedSystem], dict[str, str]]:
    """Plan the named systems (default: every ready offline one); also return the skipped ones.

    Every system name is checked against the safe-name pattern before it can become a path
    (``predictions/<system>/``): one that does not match is never run.

    Args:
        on_broken: told, one line each, about the systems left out of a default run (no
            ``names``) because they are broken: a malformed configuration or an unsafe name.

    Raises:
        BenchError: (exit code 2) for an unknown name, a malformed system configuration, an
            unsafe name, or two systems whose names differ only in case.
    """
    from .._systems import discover_systems
    from .._systems._registry import check_system_name

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
        if on_broken is not None:  # the others are listed under skipped, with their reason
            for info in infos:
                if info.status.startswith("error") and check_system_name(info.name) is not None:
                    on_broken(f"{info.status.removeprefix('error: ')} (not run)")
    for info in chosen:  # discovery refuses unsafe names already; a path is at stake, so again
        unsafe = check_system_name(info.name)
        if unsafe is not None:
            raise BenchError(f"{info.source}: name: {unsafe}", exit_code=2)
    folded: dict[str, str] = {}
    for info in chosen:
        other = folded.setdefault(info.name.casefold(), info.name)
        if other != info.name:
            raise BenchError(
                f"systems {other!r} and {info.name!r} differ only in case: their predictions "
                "folders would be one folder on a case-insensitive file system; rename one",
                exit_code=2,
            )
    planned: list[PlannedSystem] = []
    skipped: dict[str, str] = {}
    if not names:  # a broken system is skipped with its reason, never silently left out
        running = {info.name for info in chosen}
        for info in infos:
            broken = info.status.startswith("error") and info.name not in running
            if broken and check_system_name(info.name) is None:  # results.json keys are names
                skipped.setdefault(info.name, info.status)
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
        BenchError: when the object lacks ``name``, ``version`` or ``extract``, or (exit code 2)
            when its name is not a safe system name (it becomes a folder name).
    """
    from .._systems import config_hash
    from .._systems._registry import check_system_name

    for attribute in ("name", "version", "extract"):
        if not hasattr(system, attribute):
            raise BenchError(f"{type(system).__name__} is not a System: no {attribute!r}")
    name, version = str(system.name), str(system.version)
    unsafe = check_system_name(name)
    if unsafe is not None:
        raise BenchError(f"{type(system).__qualname__}.name: {unsafe}", exit_code=2)
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
    executor: str = "local",
    address: str | None = None,
) -> Extraction:
    """Predictions of every system on every document, from the cache or freshly extracted.

    Args:
        jobs: worker processes (default: one per core; never more than there are tasks).
        timeout: seconds per document before the worker is stopped (None: no limit).
        inline: run in this process (no timeouts; for system objects that cannot be pickled).
        executor: ``"local"`` (worker processes here) or ``"ray"`` (Ray tasks, at most ``jobs``
            at a time: :class:`benchmark._run._ray.RayExecutor`).
        address: the Ray cluster to join (with ``executor="ray"``).

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
            runner: InlineExecutor | ProcessExecutor | RayExecutor
            if inline:
                runner = InlineExecutor()
            elif executor == "ray":
                runner = RayExecutor(workers, timeout, address=address)
            else:
                runner = ProcessExecutor(workers, timeout)
            runner.run(tasks, record, run.skipped)
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

    results, details = score_to_results(
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
    return results, list(details)


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
    while os.path.lexists(out):
        out, n = root / f"{stamp}-{n}", n + 1
    return out


def write_run(
    out_dir: Path,
    results: Results,
    details: Sequence[DocumentDetail],
    run: Extraction,
    corpus: Corpus | None = None,
) -> None:
    """Write a run folder: predictions/, details.jsonl, results.json, summary.md, report.html
    (each file atomically).

    Raises:
        BenchError: (exit code 2) when a system name is not a safe folder name (nothing is
            written then), or when a file cannot be written.
    """
    from .._systems._registry import check_system_name

    out_dir = Path(out_dir)
    for system in run.predictions:
        unsafe = check_system_name(system)
        if unsafe is not None:
            raise BenchError(f"not written: system name {unsafe}", exit_code=2)
    for system, found in run.predictions.items():
        for doc_id, annotation in sorted(found.items()):
            write_annotation(out_dir / "predictions" / system / f"{doc_id}.json", annotation)
    write_results(out_dir, results, details)
    from .._report import write_reports

    details_by_system: dict[str, dict[str, DocumentDetail]] = {}
    for detail in details:
        details_by_system.setdefault(detail.system, {})[detail.doc_id] = detail
    write_reports(
        out_dir,
        RunFiles(out_dir, results, details_by_system),
        predictions=run.predictions,
        corpus=corpus,
    )


LATEST = "latest"
"""The pointer file beside the default run folders, naming the newest complete run."""


def point_latest(out_dir: Path) -> None:
    """Make ``<parent>/latest`` a text file naming the newest run folder."""
    atomic_write_text(out_dir.parent / LATEST, out_dir.name + "\n")


def _safe_folder_name(name: str) -> bool:
    return bool(DOC_ID_PATTERN.fullmatch(name)) and ".." not in name


def resolve_run(path: Path) -> Path:
    """A run folder, following a ``latest`` pointer file.

    Raises:
        BenchError: (exit code 2) when a pointer names something other than a sibling folder
            (a path, ``..``, a name outside the safe-name pattern).

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
        if not target:
            return path
        if not _safe_folder_name(target):
            raise BenchError(
                f"{path}: names {one_line(target, 80)!r}, which is not the name of a run folder "
                "beside it",
                exit_code=2,
            )
        return path.parent / target
    return path


# --- the run folder: what may be replaced, the lock, the move into place ----------------------

RUN_FILES = frozenset({RESULTS_FILE, "details.jsonl", "summary.md", "report.html"})
"""The files a run folder holds beside ``predictions/`` (``bench run`` and ``bench score``)."""
PREDICTIONS = "predictions"
LOCK_SUFFIX = ".lock"
_WRITING = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9_]+\.tmp")
"""A file being written atomically (``.<name>.<random>.tmp``), or left by a killed writer."""
_STAGED = re.compile(r"\.([A-Za-z0-9][A-Za-z0-9._-]*)\.[0-9a-f]{16}\.(partial|old)")
"""A run being written (``.<name>.<token>.partial``) or a replaced one being removed (``.old``)."""


def _predictions_problem(folder: Path) -> str | None:
    """Why ``predictions/`` holds something a run does not write, or None."""
    if folder.is_symlink() or not folder.is_dir():
        return f"{PREDICTIONS} is not a folder"
    for system in sorted(os.scandir(folder), key=lambda entry: entry.name):
        where = f"{PREDICTIONS}/{system.name}"
        if not system.is_dir(follow_symlinks=False) or not _safe_folder_name(system.name):
            return f"holds {where}, which a run does not write"
        for file in sorted(os.scandir(system.path), key=lambda entry: entry.name):
            ours = file.name.endswith(".json") and _safe_folder_name(file.name[:-5])
            if not file.is_file(follow_symlinks=False) or not (
                ours or _WRITING.fullmatch(file.name)
            ):
                return f"holds {where}/{file.name}, which a run does not write"
    return None


def _results_data(path: Path) -> dict[str, Any] | None:
    """The JSON object of a results.json of this tool (any format version), else None."""
    try:
        data, problems = decode_untyped(read_bytes(path), str(path))
    except BenchError:
        return None
    if problems or not isinstance(data, dict):
        return None
    if "format_version" not in data or not isinstance(data.get("provenance"), dict):
        return None
    return data


def run_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` may not be replaced by a run, or None when it may.

    A run may go where nothing is, into an empty folder, or over a **run folder**: a folder
    holding a ``results.json`` of this tool (an object with ``format_version`` and
    ``provenance``) and nothing but what a run writes (``details.jsonl``, ``summary.md``,
    ``report.html``, ``predictions/<system>/<doc_id>.json``, and the hidden ``.*.tmp`` files of
    an interrupted atomic write). A file, a symbolic link, or a folder holding anything else is
    not replaced.

    Example:
        >>> run_folder_problem(Path("no/such/folder")) is None
        True
    """
    try:
        info = os.lstat(folder)
    except (FileNotFoundError, NotADirectoryError):  # not there (creating it may fail: later)
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link, not a run folder"
    if stat.S_ISREG(info.st_mode):
        return "is a file, not a run folder"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    try:
        entries = {entry.name: entry for entry in os.scandir(folder)}
        if not entries:
            return None
        if RESULTS_FILE not in entries:
            return f"holds {sorted(entries)[0]!r} and no results.json: it is not a run folder"
        for name in sorted(entries):
            entry = entries[name]
            if name in RUN_FILES:
                if not entry.is_file(follow_symlinks=False):
                    return f"its {name} is not a regular file"
            elif name == PREDICTIONS:
                problem = _predictions_problem(Path(entry.path))
                if problem is not None:
                    return problem
            elif not _WRITING.fullmatch(name):
                return f"holds {name!r}, which a run does not write"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if _results_data(folder / RESULTS_FILE) is None:
        return "its results.json is not a results file of this tool"
    return None


def describe_run_folder(folder: Path) -> str:
    """A few words on what a run folder holds (for the line saying it is replaced).

    Example:
        >>> describe_run_folder(Path("no/such/folder"))
        'nothing'
    """
    if not folder.is_dir():
        return "nothing"
    data = _results_data(folder / RESULTS_FILE)
    if data is None:
        return "an empty folder"
    provenance = data["provenance"]
    stamp = provenance.get("timestamp")
    results = data.get("results")
    systems = ", ".join(map(str, results)) if isinstance(results, dict) else ""
    made = f"made {stamp}" if isinstance(stamp, str) else "made at an unknown time"
    return one_line(f"the run {made}" + (f" ({systems})" if systems else ""), 200)


def _flock(fd: int, *, wait: bool) -> bool:
    """An exclusive ``flock`` on ``fd``; False when another holds it and ``wait`` is False."""
    if sys.platform == "win32":  # no flock: runs are not locked there
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            return True  # a file system without locks: go on unlocked
        raise
    return True


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (short: a rename and a pointer update)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # cannot open it: the rename that follows reports the real problem
        return
    try:
        _flock(fd, wait=True)
        yield
    finally:
        os.close(fd)


def _real(path: Path) -> Path:
    """``path`` with every link resolved as far as they resolve (never raises on a loop)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class RunOutput:
    """Where a run goes, and how it gets there whole.

    - ``--out DIR`` (``target``) must be absent, an empty folder or a run folder
      (:func:`run_folder_problem`); anything else is refused before any work, and again at the
      end. A lock file ``.<name>.lock`` beside it (``flock``) is held for the whole run, so a
      second run into the same folder fails at once; the file is removed at the end.
    - The run is written to a hidden folder beside the target, ``.<name>.<token>.partial``, and
      moved into place at the end by one rename; a run folder already there is swapped out (in
      one step where the system can, else by two renames) and removed. A reader sees the old run
      or the new one, never a mix and never half a run.
    - Without ``target`` the run goes to ``<root>/<UTC timestamp>`` (a suffix when taken), named
      when it is moved into place; ``<root>/latest`` then names it when ``point_latest``.
    - A run killed on the way leaves at most hidden entries (the ``.partial`` folder and the
      lock file); the next run into the same parent folder removes the ``.partial`` folders no
      live run holds.

    Use it as a context manager: leaving it removes whatever the run did not finish (its hidden
    folder, the lock file, and the parent folders it created for a run that was never moved
    into place).
    """

    def __init__(self, target: Path | None = None, *, root: Path = Path("runs")) -> None:
        self.shown = Path(target) if target is not None else None
        self.target = Path(os.path.abspath(target)) if target is not None else None
        self.parent = self.target.parent if self.target is not None else Path(root)
        self.published: Path | None = None
        self._created: list[Path] = []
        self._lock: tuple[Path, int] | None = None
        self._staging: tuple[Path, int] | None = None

    def __enter__(self) -> RunOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- before the run ----------------------------------------------------------------------

    def prepare(self, avoid: Mapping[str, Path | None] | None = None) -> None:
        """Check ``--out`` and take its lock (nothing to do without ``--out``).

        Args:
            avoid: folders the run folder must neither be, lie in, nor hold, by what they are
                (``{"gold folder": ...}``).

        Raises:
            BenchError: (exit code 2) when the target is not a place for a run, overlaps a folder
                of ``avoid``, or another run holds its lock; (exit code 1) when its folder
                cannot be created or written.
        """
        if self.target is None or self.shown is None:
            return
        shown, target = self.shown, self.target

        def refuse(reason: str) -> BenchError:
            return BenchError(f"--out {shown}: {reason}", exit_code=2)

        if target.name == LATEST:
            raise refuse(f"{LATEST!r} is the name of the pointer to the newest run; choose another")
        mine = _real(target)
        if _real(Path.cwd()).is_relative_to(mine):
            raise refuse("holds the current folder; choose a folder of its own")
        for what, folder in (avoid or {}).items():
            if folder is None:
                continue
            other = _real(Path(folder))
            if mine.is_relative_to(other) or other.is_relative_to(mine):
                raise refuse(f"overlaps the {what} {folder}; choose a folder of its own")
        problem = run_folder_problem(target)
        if problem is not None:
            raise refuse(f"{problem}; refusing to replace it (choose another --out)")
        self._make_parent()
        self._take_lock()
        problem = run_folder_problem(target)  # again, now that no other run can change it
        if problem is not None:
            raise refuse(f"{problem}; refusing to replace it (choose another --out)")

    def _make_parent(self) -> None:
        missing: list[Path] = []
        folder = self.parent
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        shown = self.shown if self.shown is not None else self.parent
        try:
            for folder in reversed(missing):
                folder.mkdir()
                self._created.append(folder)
            if not self.parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{self.parent} is not a folder")
        except OSError as exc:
            raise BenchError(f"cannot write {shown}: {exc.strerror or exc}") from None
        if not os.access(self.parent, os.W_OK | os.X_OK):
            raise BenchError(f"cannot write {shown}: {self.parent} is not writable")

    def _take_lock(self) -> None:
        assert self.target is not None
        path = self.parent / f".{self.target.name}{LOCK_SUFFIX}"
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        for _attempt in range(20):
            try:
                fd = os.open(path, flags, 0o644)
            except OSError as exc:
                raise BenchError(
                    f"cannot lock --out {self.shown}: {path}: {exc.strerror or exc}"
                ) from None
            if not _flock(fd, wait=False):
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                pid = f" (pid {holder})" if holder.isdigit() else ""
                raise BenchError(
                    f"--out {self.shown}: another bench run{pid} is writing it; wait for it to "
                    "finish or choose another --out",
                    exit_code=2,
                )
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
            except FileNotFoundError:
                same = False
            if same:  # not a lock file its last holder removed in the meantime
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._lock = (path, fd)
                return
            os.close(fd)
        raise BenchError(f"cannot lock --out {self.shown}: {path} keeps changing", exit_code=2)

    # -- writing -----------------------------------------------------------------------------

    def staging(self) -> Path:
        """A new hidden folder beside the target to write the run into (locked while in use).

        Raises:
            BenchError: when it cannot be created.
        """
        if self._staging is not None:
            return self._staging[0]
        name = self.target.name if self.target is not None else "run"
        if self.target is None:
            self._make_parent()
        with _folder_locked(self.parent):  # no cleaner sees it before it is locked
            for _attempt in range(100):
                path = self.parent / f".{name}.{secrets.token_hex(8)}.partial"
                try:
                    path.mkdir()
                    break
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise BenchError(f"cannot write {path}: {exc.strerror or exc}") from None
            else:
                raise BenchError(f"cannot write a run folder in {self.parent}")
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:  # a system that cannot open a folder: no cleaner can lock it either
                fd = -1
            else:
                _flock(fd, wait=False)
        self._staging = (path, fd)
        return path

    def publish(self, *, latest: bool = False, err: Callable[[str], None] = print) -> Path:
        """Move the written run into place; with ``latest`` (default target only), point
        ``<root>/latest`` at it. Says on ``err`` what it replaced.

        Raises:
            BenchError: (exit code 2) when the target stopped being a place for a run while it
                ran (the run is not moved there), or when it cannot be moved.
        """
        assert self._staging is not None, "nothing was written"
        staging = self._staging[0]
        with _folder_locked(self.parent):
            self._clean_leftovers()
            if self.target is None:
                final = default_out_dir(self.parent)
                self._rename(staging, final)
                if latest:
                    point_latest(final)
            else:
                final = self.target
                self._replace(staging, final, err)
        self.published = final
        return self.shown if self.shown is not None else final

    def _rename(self, source: Path, final: Path) -> None:
        try:
            os.rename(source, final)
        except OSError as exc:
            raise BenchError(f"cannot move the run to {final}: {exc.strerror or exc}") from None

    def _replace(self, staging: Path, final: Path, err: Callable[[str], None]) -> None:
        problem = run_folder_problem(final)
        if problem is not None:
            raise BenchError(
                f"--out {self.shown}: {problem} (it changed during the run); the run was not "
                "moved there (its results are in the cache)",
                exit_code=2,
            )
        if not os.path.lexists(final):
            self._rename(staging, final)
            return
        replaced = describe_run_folder(final)
        try:
            replace_folder(staging, final)
        except OSError as exc:
            raise BenchError(f"cannot move the run to {final}: {exc.strerror or exc}") from None
        err(f"bench: replaced {replaced} in {self.shown}")

    def _clean_leftovers(self) -> None:
        """Remove hidden run folders of killed runs in the parent folder (those no run holds)."""
        mine = self._staging[0] if self._staging is not None else None
        try:
            entries = list(os.scandir(self.parent))
        except OSError:
            return
        for entry in entries:
            match = _STAGED.fullmatch(entry.name)
            path = Path(entry.path)
            if match is None or path == mine or not entry.is_dir(follow_symlinks=False):
                continue
            if match.group(2) == "old":  # a run killed while it swapped runs (under this lock)
                target = self.parent / match.group(1)
                if os.path.lexists(target):
                    _remove_tree(path)
                else:  # killed between its two renames: the previous run goes back in place
                    with contextlib.suppress(OSError):
                        os.rename(path, target)
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                if _flock(fd, wait=False):
                    _remove_tree(path)
            finally:
                os.close(fd)

    # -- afterwards --------------------------------------------------------------------------

    def close(self) -> None:
        """Release the lock; remove an unpublished run and the folders made for it."""
        if self._staging is not None:
            path, fd = self._staging
            if self.published is None:
                _remove_tree(path)
            if fd >= 0:
                os.close(fd)
            self._staging = None
        if self._lock is not None:
            path, fd = self._lock
            with contextlib.suppress(OSError):  # remove it only while it is still ours
                if os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False)):
                    path.unlink()
            os.close(fd)
            self._lock = None
        if self.published is None:
            for folder in reversed(self._created):
                with contextlib.suppress(OSError):
                    folder.rmdir()
        self._created = []
