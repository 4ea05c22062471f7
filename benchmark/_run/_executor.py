"""Running systems on documents: in this process, or in worker processes with timeouts.

A :class:`Task` is one system on one document, or on a batch of documents for systems with
``extract_batch``. Each finished document becomes an :class:`Outcome`, handed to a callback as
soon as it is known (so the runner can cache it before the next one starts).

:class:`ProcessExecutor` runs tasks in ``jobs`` spawned worker processes. Each worker builds a
system once from its picklable :class:`SystemRecipe` and keeps it. Building a system may take
``timeout`` seconds and a task ``timeout`` seconds per document; past that its worker is stopped
and replaced: a hung thread cannot be stopped, a process can. A worker that dies takes only its
current task with it. A batch that hangs or kills its worker is run again one document at a time.
A system that cannot be built in time, or kills its worker while being built, fails its remaining
documents at once with that reason.

Each worker leads its own session: it ignores SIGINT (the parent stops every worker on Ctrl-C),
its file descriptor 1 is its standard error (what a system writes there never reaches ``bench``'s
output), exceptions left in threads or finalizers are one line, not a traceback, and when a worker
is stopped every process a system started in it is stopped too.

:class:`InlineExecutor` runs tasks here, one after another, with no timeout: for system
instances that cannot be sent to another process (the pytest ``bench`` fixture).

Whatever a system does wrong on a document (raises anything, ``KeyboardInterrupt`` and
``SystemExit`` included, even with a ``__str__`` that raises; returns something that is not an
:class:`~benchmark._models.Annotation` or cannot be serialised; prints; forks; hangs; kills its
process or closes its file descriptors) becomes that document's one-line error;
``SystemUnavailable`` marks the system unavailable instead. Only the user's own Ctrl-C (SIGINT
reaching ``bench``) stops a run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

import msgspec

from .._cores import usable_cores
from .._errors import one_line
from .._guard import (
    describe,
    exit_if_forked,
    safe_text,
    stdout_to_stderr,
    type_name,
    watch_sigint,
)
from .._io import parse_annotation
from .._json import encode
from .._models import Annotation, Document
from .._system import SystemUnavailable

OnOutcome = Callable[["Outcome"], None]

START_SECONDS = 30.0
"""How long a new worker process may take to start, on top of the timeout."""

_LOST_EXIT = 86
"""A worker's exit code when its connection to the harness is gone (a system closed it)."""


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

    ``unavailable`` is set instead when the system raised ``SystemUnavailable``. Every field is
    plain data made by the harness (never an object of the system's), so it always pickles.
    """

    system: str
    doc_id: str
    prediction: bytes | None = None
    error: str | None = None
    unavailable: str | None = None
    seconds: float = 0.0
    usage: dict[str, float] | None = None


# --- running one task (shared by both executors) ---------------------------------------------


class _Rebatch(Exception):
    """A batch call failed as a whole: run its documents one by one instead."""


class _Capture(io.StringIO):
    """What a system prints during a call; a system closing ``sys.stdout`` cannot lose it."""

    def close(self) -> None:
        """Stay open: the harness reads the capture after the call."""


def _call_captured(call: Callable[[], Any]) -> tuple[Any, str]:
    buffer = _Capture()
    with contextlib.redirect_stdout(buffer):
        value = call()
    return value, buffer.getvalue()


def _check_prediction(value: Any, document: Document) -> tuple[bytes | None, str | None]:
    """The interchange JSON of a returned value, or why it is not a usable Annotation."""
    try:
        if not issubclass(type(value), Annotation):  # type(): a lying __class__ cannot pass
            return None, f"returned {type_name(value)}, not an Annotation"
        return bytes(encode(value, indent=0)), None
    except BaseException as exc:  # garbage inside a well-typed record: say where, if we can
        try:
            _, problems = parse_annotation(msgspec.to_builtins(value), document.doc_id)
        except BaseException:
            problems = []
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return None, one_line(f"invalid output: {problems[0].path}: {problems[0].reason}{more}")
        return None, f"returned an Annotation that cannot be serialised: {describe(exc)}"


def _usage(system: Any) -> dict[str, float] | None:
    """A system's running usage counters (``usage()``, as the llm adapter has), or None.

    Only string keys and numbers are kept, as exact ``str`` and ``float``: the counters cross a
    process boundary.
    """
    try:
        usage = getattr(system, "usage", None)
        if not callable(usage):
            return None
        totals: dict[str, float] = {}
        for key, value in dict(usage()).items():
            if isinstance(key, str) and isinstance(value, (int, float)):
                totals[str.__str__(key)] = float(value)
        return totals
    except BaseException:
        return None


def run_task(task: Task, system: Any) -> list[Outcome]:
    """Run one task; the first outcome carries what the task cost (the change in ``usage()``).

    Never raises for anything the system does (``KeyboardInterrupt`` and ``SystemExit`` raised by
    the system included): that becomes the documents' errors.

    Raises:
        _Rebatch: when a batch call fails as a whole (its documents are then run singly).
    """
    try:
        before = _usage(system)
        outcomes = _run_task(task, system)
        after = _usage(system)
    except _Rebatch:
        raise
    except BaseException as exc:  # what the system returned defeated the harness: still one line
        return _failed(task, f"could not be handled: {describe(exc)}")
    if before is not None and after is not None and outcomes:
        delta = {key: after[key] - before.get(key, 0.0) for key in after}
        outcomes[0] = dataclasses.replace(outcomes[0], usage=delta)
    return outcomes


def _unavailable(task: Task, exc: BaseException) -> list[Outcome]:
    return _failed(task, safe_text(exc) or "unavailable", unavailable=True)


def _run_task(task: Task, system: Any) -> list[Outcome]:
    name = task.recipe.name
    started = time.perf_counter()
    if task.batch:
        documents = list(task.documents)
        try:
            values, printed = _call_captured(lambda: system.extract_batch(documents))
        except SystemUnavailable as exc:
            return _unavailable(task, exc)
        except BaseException:  # anything, KeyboardInterrupt included: try one by one
            raise _Rebatch() from None
        try:
            found = list(values) if issubclass(type(values), list) else None
        except BaseException:
            raise _Rebatch() from None
        if printed or found is None or len(found) != len(task.documents):
            raise _Rebatch()
        seconds = (time.perf_counter() - started) / max(1, len(task.documents))
        outcomes = []
        for document, value in zip(task.documents, found, strict=True):
            prediction, error = _check_prediction(value, document)
            outcomes.append(Outcome(name, document.doc_id, prediction, error, seconds=seconds))
        return outcomes
    (document,) = task.documents
    try:
        value, printed = _call_captured(lambda: system.extract(document))
    except SystemUnavailable as exc:
        return _unavailable(task, exc)
    except BaseException as exc:  # KeyboardInterrupt, SystemExit...: the system's failure
        return [Outcome(name, document.doc_id, error=f"raised {describe(exc)}")]
    seconds = time.perf_counter() - started
    if printed:
        error = f"wrote to stdout (systems must not): {one_line(printed, 80)!r}"
        return [Outcome(name, document.doc_id, error=error, seconds=seconds)]
    prediction, error = _check_prediction(value, document)
    return [Outcome(name, document.doc_id, prediction, error, seconds=seconds)]


def build_system(recipe: SystemRecipe) -> tuple[Any, str | None, str | None]:
    """Build a system: (system, None, None), or (None, unavailable reason, error).

    Whatever the constructor raises (``SystemExit`` and ``KeyboardInterrupt`` included) becomes
    the error; what it prints is dropped (model loading may chat).
    """
    try:
        system, printed = _call_captured(recipe.build)
    except SystemUnavailable as exc:
        return None, safe_text(exc) or "unavailable", None
    except BaseException as exc:
        return None, None, f"could not be built: {describe(exc)}"
    del printed
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
    """Runs tasks in this process, in order, without timeouts.

    While a system runs, standard output goes to standard error, a ``KeyboardInterrupt`` it
    raises is its failure (only SIGINT stops the run), and a process it forks ends when it comes
    back into the harness.
    """

    def __init__(self) -> None:
        self._systems: dict[str, tuple[Any, str | None, str | None]] = {}

    def run(
        self, tasks: Sequence[Task], on_outcome: OnOutcome, cancelled: Container[str] = ()
    ) -> None:
        """Run every task; tasks of a system in ``cancelled`` are dropped.

        Raises:
            KeyboardInterrupt: when the user pressed Ctrl-C.
        """
        queue = deque(tasks)
        counter = itertools.count(10**9)
        pid = os.getpid()
        while queue:
            task = queue.popleft()
            name = task.recipe.name
            if name in cancelled:
                continue
            outcomes: list[Outcome] | None
            with watch_sigint() as watch, stdout_to_stderr():
                if name not in self._systems:
                    self._systems[name] = build_system(task.recipe)
                    exit_if_forked(pid)
                system, unavailable, error = self._systems[name]
                if system is None:
                    reason = unavailable or error or ""
                    outcomes = _failed(task, reason, unavailable=bool(unavailable))
                else:
                    try:
                        outcomes = run_task(task, system)
                    except _Rebatch:
                        outcomes = None
                    exit_if_forked(pid)
            watch.check()
            if outcomes is None:
                queue.extendleft(reversed(_singles(task, lambda: next(counter))))
                continue
            for outcome in outcomes:
                on_outcome(outcome)


def _note(line: str) -> None:
    """One line on the worker's standard error, through the file descriptor (never raises)."""
    with contextlib.suppress(BaseException):
        os.write(2, (one_line(line, 300) + "\n").encode("utf-8", "replace"))


def _quiet_unraisable(unraisable: Any) -> None:
    """``sys.unraisablehook`` in workers: a system's failing ``__del__`` is one line."""
    with contextlib.suppress(BaseException):
        _note(f"bench: worker: ignored {describe(unraisable.exc_value)}")


def _quiet_thread_exception(args: Any) -> None:
    """``threading.excepthook`` in workers: a system's dying thread is one line."""
    with contextlib.suppress(BaseException):
        if not issubclass(args.exc_type, SystemExit):
            _note(f"bench: worker: a system's thread ended with {describe(args.exc_value)}")


def _send(conn: Connection, message: tuple[str, int, Any], task: Task) -> None:
    """Send a message to the parent; a connection that is gone ends this worker."""
    try:
        data = ForkingPickler.dumps(message)
    except BaseException as exc:  # outcomes hold plain data; should it fail anyway, say so
        reason = f"could not be passed on: {describe(exc)}"
        data = ForkingPickler.dumps(("outcomes", task.task_id, _failed(task, reason)))
    try:
        conn.send_bytes(data)
    except BaseException:
        os._exit(_LOST_EXIT)


def _worker_main(conn: Connection) -> None:
    """Worker process loop: receive tasks, send back outcomes (spawn-safe, top level).

    Messages to the parent, each ``(kind, task_id, payload)``: ``building`` (before building the
    task's system), ``begin`` (before running the task), then ``outcomes`` or ``rebatch``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # stopped with all it started
        os.setsid()
    with contextlib.suppress(OSError):  # C-level writes to stdout go to stderr instead
        os.dup2(2, 1)
    sys.unraisablehook = _quiet_unraisable
    threading.excepthook = _quiet_thread_exception
    pid = os.getpid()
    systems: dict[str, tuple[Any, str | None, str | None]] = {}
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        except BaseException:  # a system closed or garbled the connection
            os._exit(_LOST_EXIT)
        if task is None:
            return
        name = task.recipe.name
        if name not in systems:
            _send(conn, ("building", task.task_id, None), task)
            systems[name] = build_system(task.recipe)
            exit_if_forked(pid)
        system, unavailable, error = systems[name]
        if system is None:
            reason = unavailable or error or ""
            outcomes = _failed(task, reason, unavailable=bool(unavailable))
            _send(conn, ("outcomes", task.task_id, outcomes), task)
            continue
        _send(conn, ("begin", task.task_id, None), task)
        reply: tuple[str, int, Any]
        try:
            reply = ("outcomes", task.task_id, run_task(task, system))
        except _Rebatch:
            reply = ("rebatch", task.task_id, None)
        exit_if_forked(pid)
        _send(conn, reply, task)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: Task | None = None
    deadline: float = 0.0
    phase: str = "idle"  # "sent": waiting for the worker; "building" its system; "running"


def _waitable(pid: int) -> bool:
    """True when process ``pid`` (a child) has ended; it is not reaped (its pid stays ours)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True
    except (AttributeError, OSError):  # no waitid here: go by the sentinel alone
        return True


def _ended(worker: _Worker, seconds: float) -> bool:
    """Whether the worker process ended (within ``seconds``), rather than only cut its pipes."""
    deadline = time.monotonic() + seconds
    while not _waitable(worker.process.pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def _kill_group(process: Any) -> None:
    """SIGKILL the worker's session: the worker (if still running) and what a system started.

    Called before the worker is reaped, so its pid (the session's id) cannot belong to anyone
    else.
    """
    killpg = getattr(os, "killpg", None)
    if killpg is not None and process.pid is not None:
        try:
            killpg(process.pid, signal.SIGKILL)
            return
        except OSError:  # no such group: the worker never got to start its session
            pass
    with contextlib.suppress(Exception):
        process.kill()


class ProcessExecutor:
    """Runs tasks in ``jobs`` spawned worker processes, each document within ``timeout`` s."""

    def __init__(self, jobs: int, timeout: float | None) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")

    def start_worker(self) -> _Worker:
        """A new worker process, waiting for tasks."""
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_worker_main, args=(child_end,), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def deadline(self, documents: int, extra: float = 0.0) -> float:
        """When ``documents`` documents started now are overdue."""
        if not self.timeout:
            return float("inf")
        return time.monotonic() + self.timeout * documents + extra

    @staticmethod
    def stop(worker: _Worker, *, kill: bool) -> int | None:
        """Stop a worker (asking first unless ``kill``) and what it started; its exit code."""
        process = worker.process
        if not kill:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
            with contextlib.suppress(Exception):
                wait([process.sentinel], timeout=2)
        _kill_group(process)
        process.join(timeout=5)
        if process.exitcode is None:
            with contextlib.suppress(Exception):
                process.kill()
            process.join(timeout=5)
        code: int | None = process.exitcode
        worker.conn.close()
        with contextlib.suppress(ValueError):  # still running: leave the object to the gc
            process.close()
        return code

    def run(
        self, tasks: Sequence[Task], on_outcome: OnOutcome, cancelled: Container[str] = ()
    ) -> None:
        """Run every task; tasks of a system in ``cancelled`` are dropped.

        Raises:
            KeyboardInterrupt: on Ctrl-C (every worker is stopped first).
        """
        dispatch = _Dispatch(self, tasks, on_outcome, cancelled)
        clean = False
        try:
            dispatch.loop()
            clean = True
        finally:
            for worker in dispatch.workers:
                self.stop(worker, kill=not clean)


class _Dispatch:
    """One :meth:`ProcessExecutor.run`: the queue, the workers, the systems that cannot be built."""

    def __init__(
        self,
        executor: ProcessExecutor,
        tasks: Sequence[Task],
        on_outcome: OnOutcome,
        cancelled: Container[str],
    ) -> None:
        self.executor = executor
        self.queue = deque(tasks)
        self.on_outcome = on_outcome
        self.cancelled = cancelled
        self.workers: list[_Worker] = []
        self.broken: dict[str, str] = {}
        self._ids = itertools.count(10**9)

    def loop(self) -> None:
        """Hand out tasks and collect outcomes until every task is done."""
        while self.queue or self._busy():
            self._hand_out()
            busy = self._busy()
            if not busy:
                continue
            next_deadline = min(w.deadline for w in busy)
            wait_for = max(0.0, min(1.0, next_deadline - time.monotonic()))
            handles: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = wait(handles, timeout=wait_for)
            for worker in busy:
                if worker.conn in ready:
                    self._receive(worker)
                elif worker.process.sentinel in ready:
                    self._lost(worker)
                elif worker.task and time.monotonic() > worker.deadline:
                    self._timed_out(worker)

    def _busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.task]

    def _emit(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            self.on_outcome(outcome)

    def _hand_out(self) -> None:
        jobs = self.executor.jobs
        while self.queue and (len(self.workers) < jobs or any(not w.task for w in self.workers)):
            task = self.queue.popleft()
            name = task.recipe.name
            if name in self.cancelled:
                continue
            if name in self.broken:
                self._emit(_failed(task, self.broken[name]))
                continue
            with watch_sigint() as watch:  # pickling a system object runs its __reduce__
                try:
                    data = ForkingPickler.dumps(task)
                except BaseException as exc:
                    data = None
                    self.broken[name] = f"cannot be sent to a worker process: {describe(exc)}"
            watch.check()
            if data is None:
                self._emit(_failed(task, self.broken[name]))
                continue
            worker = self._idle_worker()
            worker.task, worker.phase = task, "sent"
            worker.deadline = self.executor.deadline(1, START_SECONDS)
            try:
                worker.conn.send_bytes(data)
            except (OSError, ValueError):
                self._lost(worker)

    def _idle_worker(self) -> _Worker:
        for worker in [w for w in self.workers if not w.task]:
            if wait([worker.process.sentinel], timeout=0):  # it died after its last task
                self._discard(worker)
                continue
            return worker
        worker = self.executor.start_worker()
        self.workers.append(worker)
        return worker

    def _receive(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        try:
            kind, task_id, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return
        except Exception as exc:  # something else wrote on the pipe
            self._abandon(worker, f"garbled its worker's messages ({type_name(exc)})")
            return
        if task_id != task.task_id:
            return  # not about this task (a forked process answering late): ignore it
        if kind == "building":
            worker.phase, worker.deadline = "building", self.executor.deadline(1)
        elif kind == "begin":
            worker.phase = "running"
            worker.deadline = self.executor.deadline(len(task.documents))
        elif kind == "rebatch":
            worker.task, worker.phase = None, "idle"
            self._rebatch(task)
        elif kind == "outcomes" and self._expected(task, payload):
            worker.task, worker.phase = None, "idle"
            self._emit(payload)
        else:
            self._abandon(worker, f"garbled its worker's messages (got {safe_text(kind, 40)!r})")

    @staticmethod
    def _expected(task: Task, payload: Any) -> bool:
        """Outcomes for exactly the task's documents."""
        if not isinstance(payload, list) or not all(isinstance(o, Outcome) for o in payload):
            return False
        names = {o.system for o in payload}
        return names <= {task.recipe.name} and sorted(o.doc_id for o in payload) == sorted(
            d.doc_id for d in task.documents
        )

    def _lost(self, worker: _Worker) -> None:
        """The worker died, or its connection was cut (a system closed file descriptors)."""
        ended = _ended(worker, 1.0)
        phase = worker.phase
        code = self._discard(worker)
        if not ended or code == _LOST_EXIT:
            reason = "cut its worker process off from the harness (closed its file descriptors?)"
        else:
            reason = f"worker process died (exit code {code})"
        self._failure(worker, phase, reason)

    def _timed_out(self, worker: _Worker) -> None:
        phase = worker.phase
        self._discard(worker)
        self._failure(worker, phase, f"timed out after {self.executor.timeout:g} s")

    def _failure(self, worker: _Worker, phase: str, reason: str) -> None:
        """Account for the task of a worker that was stopped ``reason`` while in ``phase``."""
        task = worker.task
        worker.task = None
        if task is None:
            return
        if phase == "building":
            reason = f"could not be built: {reason}"
            self.broken[task.recipe.name] = reason
        elif phase == "running" and task.batch:
            self._rebatch(task)  # extract_batch failed: each document alone, with extract
            return
        self._emit(_failed(task, reason))

    def _abandon(self, worker: _Worker, reason: str) -> None:
        task = worker.task
        worker.task = None
        self._discard(worker)
        if task is not None:
            self._emit(_failed(task, reason))

    def _discard(self, worker: _Worker) -> int | None:
        if worker in self.workers:
            self.workers.remove(worker)
        return self.executor.stop(worker, kill=True)

    def _rebatch(self, task: Task) -> None:
        self.queue.extendleft(reversed(_singles(task, lambda: next(self._ids))))


def default_jobs() -> int:
    """One worker per core this process may use."""
    return usable_cores()


__all__ = [
    "START_SECONDS",
    "InlineExecutor",
    "Outcome",
    "ProcessExecutor",
    "SystemRecipe",
    "Task",
    "default_jobs",
    "run_task",
]
