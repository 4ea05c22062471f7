"""Running systems on documents: in this process, or in worker processes with timeouts.

A :class:`Task` is one system on one document, or on a batch of documents for systems with
``extract_batch``. Each finished document becomes an :class:`Outcome`, handed to a callback as
soon as it is known (so the runner can cache it before the next one starts).

:class:`ProcessExecutor` runs tasks in ``jobs`` spawned worker processes. Each worker builds a
system once from its picklable :class:`SystemRecipe` and keeps it. A task that runs past its
deadline (``timeout`` seconds per document) gets its worker terminated and replaced: a hung
thread cannot be stopped, a process can. A worker that dies takes only its current task with it.
Workers ignore SIGINT; the parent stops them all on Ctrl-C, and a system that raises
``KeyboardInterrupt`` interrupts the whole run the same way.

:class:`InlineExecutor` runs tasks here, one after another, with no timeout: for system
instances that cannot be sent to another process (the pytest ``bench`` fixture).

Whatever a system does wrong on a document (raises, returns something that is not an
:class:`~benchmark._models.Annotation`, writes to stdout, hangs, kills its process) becomes that
document's one-line error; ``SystemUnavailable`` marks the system unavailable instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import msgspec

from .._errors import one_line
from .._io import parse_annotation
from .._json import encode
from .._models import Annotation, Document
from .._system import SystemUnavailable

OnOutcome = Callable[["Outcome"], None]


@dataclass(frozen=True)
class SystemRecipe:
    """How to build a system anywhere: a picklable top-level ``factory`` and its arguments.

    Example:
        >>> SystemRecipe("s", dict, ()).build()
        {}
    """

    name: str
    factory: Callable[..., Any]
    args: tuple[Any, ...] = ()

    def build(self) -> Any:
        return self.factory(*self.args)


@dataclass(frozen=True)
class Task:
    """One system on one document (``batch=False``) or on several through ``extract_batch``."""

    task_id: int
    recipe: SystemRecipe
    documents: tuple[Document, ...]
    batch: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one document: a prediction (interchange JSON bytes) or a one-line error.

    ``unavailable`` is set instead when the system raised ``SystemUnavailable``.
    """

    system: str
    doc_id: str
    prediction: bytes | None = None
    error: str | None = None
    unavailable: str | None = None
    seconds: float = 0.0
    usage: dict[str, float] | None = None


def _describe(exc: BaseException) -> str:
    message = one_line(exc, 200)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- running one task (shared by both executors) ---------------------------------------------


class _Rebatch(Exception):
    """A batch call failed as a whole: run its documents one by one instead."""


def _call_captured(call: Callable[[], Any]) -> tuple[Any, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        value = call()
    return value, buffer.getvalue()


def _check_prediction(value: Any, document: Document) -> tuple[bytes | None, str | None]:
    if not isinstance(value, Annotation):
        return None, f"returned {type(value).__name__}, not an Annotation"
    try:
        return encode(value, indent=0), None
    except Exception as exc:  # garbage inside a well-typed record: say where, if we can
        try:
            _, problems = parse_annotation(msgspec.to_builtins(value), document.doc_id)
        except Exception:
            problems = []
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return None, one_line(f"invalid output: {problems[0].path}: {problems[0].reason}{more}")
        return None, f"returned an Annotation that cannot be serialised: {_describe(exc)}"


def _usage(system: Any) -> dict[str, float] | None:
    """A system's running usage counters (``usage()``, as the llm adapter has), or None."""
    usage = getattr(system, "usage", None)
    if not callable(usage):
        return None
    try:
        return {k: float(v) for k, v in dict(usage()).items() if isinstance(v, (int, float))}
    except Exception:
        return None


def run_task(task: Task, system: Any) -> list[Outcome]:
    """Run one task; the first outcome carries what the task cost (the change in ``usage()``).

    Raises:
        _Rebatch: when a batch call fails as a whole (its documents are then run singly).
    """
    before = _usage(system)
    outcomes = _run_task(task, system)
    after = _usage(system)
    if before is not None and after is not None and outcomes:
        delta = {key: after[key] - before.get(key, 0.0) for key in after}
        outcomes[0] = dataclasses.replace(outcomes[0], usage=delta)
    return outcomes


def _run_task(task: Task, system: Any) -> list[Outcome]:
    name = task.recipe.name
    started = time.perf_counter()
    if task.batch:
        try:
            values, printed = _call_captured(lambda: system.extract_batch(list(task.documents)))
        except SystemUnavailable as exc:
            return [Outcome(name, d.doc_id, unavailable=one_line(exc, 200)) for d in task.documents]
        except Exception:
            raise _Rebatch() from None
        if printed or not isinstance(values, list) or len(values) != len(task.documents):
            raise _Rebatch()
        seconds = (time.perf_counter() - started) / max(1, len(task.documents))
        outcomes = []
        for document, value in zip(task.documents, values, strict=True):
            prediction, error = _check_prediction(value, document)
            outcomes.append(Outcome(name, document.doc_id, prediction, error, seconds=seconds))
        return outcomes
    (document,) = task.documents
    try:
        value, printed = _call_captured(lambda: system.extract(document))
    except SystemUnavailable as exc:
        return [Outcome(name, document.doc_id, unavailable=one_line(exc, 200))]
    except Exception as exc:
        return [Outcome(name, document.doc_id, error=f"raised {_describe(exc)}")]
    seconds = time.perf_counter() - started
    if printed:
        error = f"wrote to stdout (systems must not): {one_line(printed, 80)!r}"
        return [Outcome(name, document.doc_id, error=error, seconds=seconds)]
    prediction, error = _check_prediction(value, document)
    return [Outcome(name, document.doc_id, prediction, error, seconds=seconds)]


def build_system(recipe: SystemRecipe) -> tuple[Any, str | None, str | None]:
    """Build a system: (system, None, None), or (None, unavailable reason, error)."""
    try:
        system, printed = _call_captured(recipe.build)
    except SystemUnavailable as exc:
        return None, one_line(exc, 200) or "unavailable", None
    except Exception as exc:
        return None, None, f"could not be built: {_describe(exc)}"
    del printed  # construction may chat (model loading); only extraction output is policed
    return system, None, None


def _failed(task: Task, reason: str, *, unavailable: bool = False) -> list[Outcome]:
    name = task.recipe.name
    if unavailable:
        return [Outcome(name, d.doc_id, unavailable=reason) for d in task.documents]
    return [Outcome(name, d.doc_id, error=reason) for d in task.documents]


def _singles(task: Task, next_id: Callable[[], int]) -> list[Task]:
    return [Task(next_id(), task.recipe, (d,), batch=False) for d in task.documents]


# --- executors --------------------------------------------------------------------------------


class InlineExecutor:
    """Runs tasks in this process, in order, without timeouts."""

    def __init__(self) -> None:
        self._systems: dict[str, tuple[Any, str | None, str | None]] = {}

    def run(
        self, tasks: Sequence[Task], on_outcome: OnOutcome, cancelled: Container[str] = ()
    ) -> None:
        """Run every task; tasks of a system in ``cancelled`` are dropped."""
        queue = deque(tasks)
        counter = iter(range(10**9, 2 * 10**9))
        while queue:
            task = queue.popleft()
            name = task.recipe.name
            if name in cancelled:
                continue
            if name not in self._systems:
                self._systems[name] = build_system(task.recipe)
            system, unavailable, error = self._systems[name]
            if system is None:
                outcomes = _failed(task, unavailable or error or "", unavailable=bool(unavailable))
            else:
                try:
                    outcomes = run_task(task, system)
                except _Rebatch:
                    queue.extendleft(reversed(_singles(task, lambda: next(counter))))
                    continue
            for outcome in outcomes:
                on_outcome(outcome)


def _worker_main(conn: Connection) -> None:
    """Worker process loop: receive tasks, send back outcomes (spawn-safe, top level)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):  # C-level writes to stdout go to stderr instead
        os.dup2(2, 1)
    systems: dict[str, tuple[Any, str | None, str | None]] = {}
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        name = task.recipe.name
        if name not in systems:
            systems[name] = build_system(task.recipe)
        system, unavailable, error = systems[name]
        if system is None:
            reason = unavailable or error or ""
            conn.send(
                ("outcomes", task.task_id, _failed(task, reason, unavailable=bool(unavailable)))
            )
            continue
        conn.send(("begin", task.task_id, None))
        try:
            conn.send(("outcomes", task.task_id, run_task(task, system)))
        except _Rebatch:
            conn.send(("rebatch", task.task_id, None))
        except KeyboardInterrupt:
            conn.send(("interrupted", task.task_id, None))
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: Task | None = None
    deadline: float = 0.0


class ProcessExecutor:
    """Runs tasks in ``jobs`` spawned worker processes, each document within ``timeout`` s."""

    def __init__(self, jobs: int, timeout: float | None) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_worker_main, args=(child_end,), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _deadline(self, documents: int) -> float:
        return time.monotonic() + (self.timeout * documents if self.timeout else float("inf"))

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
            worker.process.join(timeout=2)
        if worker.process.is_alive():
            worker.process.terminate()
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        worker.conn.close()
        worker.process.close()

    def run(
        self, tasks: Sequence[Task], on_outcome: OnOutcome, cancelled: Container[str] = ()
    ) -> None:
        """Run every task; tasks of a system in ``cancelled`` are dropped."""
        queue = deque(tasks)
        workers: list[_Worker] = []
        ids = iter(range(10**9, 2 * 10**9))
        clean = False
        try:
            while queue or any(w.task for w in workers):
                while queue and (len(workers) < self.jobs or any(not w.task for w in workers)):
                    task = queue.popleft()
                    if task.recipe.name in cancelled:
                        continue
                    idle = next((w for w in workers if not w.task), None)
                    if idle is None:
                        idle = self._start()
                        workers.append(idle)
                    idle.task = task
                    idle.deadline = self._deadline(len(task.documents) + 1)  # + building it
                    idle.conn.send(task)
                busy = [w for w in workers if w.task]
                if not busy:
                    continue
                next_deadline = min(w.deadline for w in busy)
                wait_for = max(0.0, min(1.0, next_deadline - time.monotonic()))
                ready = wait([w.conn for w in busy], timeout=wait_for)
                for worker in busy:
                    if worker.conn in ready:
                        self._receive(worker, queue, ids, on_outcome, workers)
                    elif worker.task and time.monotonic() > worker.deadline:
                        reason = f"timed out after {self.timeout:g} s"
                        self._abandon(worker, reason, on_outcome, workers)
            clean = True
        finally:
            for worker in workers:
                self._stop(worker, kill=not clean)

    def _receive(
        self,
        worker: _Worker,
        queue: deque[Task],
        ids: Any,
        on_outcome: OnOutcome,
        workers: list[_Worker],
    ) -> None:
        task = worker.task
        assert task is not None
        try:
            kind, _task_id, payload = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=2)
            code = worker.process.exitcode
            self._abandon(worker, f"worker process died (exit code {code})", on_outcome, workers)
            return
        if kind == "begin":
            worker.deadline = self._deadline(len(task.documents))
        elif kind == "outcomes":
            worker.task = None
            for outcome in payload:
                on_outcome(outcome)
        elif kind == "rebatch":
            worker.task = None
            queue.extendleft(reversed(_singles(task, lambda: next(ids))))
        elif kind == "interrupted":
            raise KeyboardInterrupt

    def _abandon(
        self, worker: _Worker, reason: str, on_outcome: OnOutcome, workers: list[_Worker]
    ) -> None:
        task = worker.task
        workers.remove(worker)
        self._stop(worker, kill=True)
        if task is not None:
            for outcome in _failed(task, reason):
                on_outcome(outcome)


def default_jobs() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


__all__ = [
    "InlineExecutor",
    "Outcome",
    "ProcessExecutor",
    "SystemRecipe",
    "Task",
    "default_jobs",
    "run_task",
]
