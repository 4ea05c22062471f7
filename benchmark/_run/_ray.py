"""Running systems on documents as Ray tasks, on this machine or on a Ray cluster.

:class:`RayExecutor` has the local executors' interface and semantics (see
:mod:`benchmark._run._executor`): each task is one system on one document (or a batch through
``extract_batch``); whatever the system does wrong becomes that document's one-line error;
``SystemUnavailable`` skips the system. Outcomes come back to the driver, which alone writes the
result cache and the run folder.

- **Timeout.** A task overdue by ``timeout`` seconds per document is cancelled (``ray.cancel``
  with ``force=True`` stops its worker process) and its documents get the error ``timed out
  after S s``; a batch that times out is run again one document at a time. A system's first
  tasks also get :data:`~benchmark._run._executor.START_SECONDS` to build it; once one of its
  tasks has finished, the tasks still running get ``timeout`` per document from then on.
- **Retries.** A task whose worker dies (a crash, not a timeout) is retried by Ray up to
  ``retries`` times, then its documents get the error ``worker died``.
- **One build per worker.** A worker builds a system the first time it runs one of its tasks and
  keeps it for the next (a process-wide cache keyed by the system's name), as the local
  executor's workers do.

``ray`` is imported only when a :class:`RayExecutor` runs. With ``address`` it joins that cluster
(``ray start --head`` prints one); without, it joins the cluster Ray finds (``RAY_ADDRESS``) or
starts one on this machine, and leaves it running only if it did not start it.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Container, Sequence
from typing import Any

from .._errors import BenchError, one_line
from ._executor import (
    START_SECONDS,
    OnOutcome,
    Outcome,
    SystemRecipe,
    Task,
    _failed,
    _Rebatch,
    _singles,
    build_system,
    run_task,
)

DEFAULT_RETRIES = 2
"""How often Ray runs a task again when its worker dies."""

_BUILT: dict[str, tuple[Any, str | None, str | None]] = {}
"""The systems built in this (worker) process, by name."""


def run_in_worker(task: Task) -> list[Outcome] | None:
    """Run one task in a Ray worker, building its system once per worker; None asks the driver
    to run a failed batch one document at a time.

    Example:
        >>> from benchmark._models import Document
        >>> from benchmark.systems.sanity import EmptySystem
        >>> task = Task(0, SystemRecipe("empty", EmptySystem), (Document("d", "Hi."),))
        >>> [(o.system, o.doc_id, o.error) for o in run_in_worker(task) or []]
        [('empty', 'd', None)]
    """
    recipe: SystemRecipe = task.recipe
    if recipe.name not in _BUILT:
        _BUILT[recipe.name] = build_system(recipe)
    system, unavailable, error = _BUILT[recipe.name]
    if system is None:
        return _failed(task, unavailable or error or "", unavailable=bool(unavailable))
    try:
        return run_task(task, system)
    except _Rebatch:
        return None


class RayExecutor:
    """Runs tasks as Ray tasks, at most ``jobs`` at a time, each document within ``timeout`` s.

    Example:
        >>> RayExecutor(4, 10.0, address="127.0.0.1:6379").jobs
        4
    """

    def __init__(
        self,
        jobs: int,
        timeout: float | None,
        *,
        address: str | None = None,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.address = address
        self.retries = retries

    def _connect(self) -> bool:
        """Join (or start) Ray; True when this call started it.

        Raises:
            BenchError: (exit code 2) when Ray is not installed or the cluster cannot be joined.
        """
        try:
            import ray
        except ImportError:
            raise BenchError(
                "--executor ray needs Ray: pip install 'fact-extraction-bench[ray]'", exit_code=2
            ) from None
        if ray.is_initialized():
            return False
        try:
            ray.init(
                address=self.address,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local Ray"
            raise BenchError(
                f"cannot join {where}: {one_line(str(exc), 200)}", exit_code=2
            ) from None
        return True

    def run(
        self, tasks: Sequence[Task], on_outcome: OnOutcome, cancelled: Container[str] = ()
    ) -> None:
        """Run every task; tasks of a system in ``cancelled`` are dropped.

        Raises:
            KeyboardInterrupt: on Ctrl-C (every running task is cancelled first).
        """
        started_here = self._connect()
        import ray

        remote = ray.remote(num_cpus=1, max_retries=self.retries)(run_in_worker)
        queue = deque(tasks)
        counter = itertools.count(10**9)
        running: dict[Any, tuple[Task, float, float]] = {}  # ref -> task, submitted, deadline
        finished: dict[str, float] = {}  # system -> when one of its tasks first finished
        try:
            while queue or running:
                while queue and len(running) < self.jobs:
                    task = queue.popleft()
                    if task.recipe.name in cancelled:
                        continue
                    now = time.monotonic()
                    running[remote.remote(task)] = (task, now, self._deadline(task, now, finished))
                if not running:
                    continue
                ready, _ = ray.wait(list(running), num_returns=1, timeout=self._wait(running))
                for ref in ready:
                    task, _, _ = running.pop(ref)
                    finished.setdefault(task.recipe.name, time.monotonic())
                    outcomes = self._result(ref, task)
                    if outcomes is None:
                        queue.extendleft(reversed(_singles(task, lambda: next(counter))))
                        continue
                    for outcome in outcomes:
                        on_outcome(outcome)
                self._refresh(running, finished)
                self._expire(running, queue, counter, on_outcome)
        except BaseException:
            for ref in running:
                ray.cancel(ref, force=True)
            raise
        finally:
            if started_here:
                ray.shutdown()

    def _deadline(self, task: Task, submitted: float, finished: dict[str, float]) -> float:
        if not self.timeout:
            return float("inf")
        extra = 0.0 if task.recipe.name in finished else START_SECONDS
        return submitted + self.timeout * len(task.documents) + extra

    def _refresh(
        self, running: dict[Any, tuple[Task, float, float]], finished: dict[str, float]
    ) -> None:
        """Once a system has finished a task it is built: its running tasks lose the allowance."""
        if not self.timeout:
            return
        for ref, (task, submitted, deadline) in running.items():
            built = finished.get(task.recipe.name)
            if built is not None:
                start = max(submitted, built)
                tighter = start + self.timeout * len(task.documents)
                running[ref] = (task, submitted, min(deadline, tighter))

    @staticmethod
    def _wait(running: dict[Any, tuple[Task, float, float]]) -> float | None:
        soonest = min(deadline for _, _, deadline in running.values())
        if soonest == float("inf"):
            return None
        return max(0.0, min(soonest - time.monotonic(), 1.0))

    def _result(self, ref: Any, task: Task) -> list[Outcome] | None:
        import ray

        try:
            value: list[Outcome] | None = ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            return _failed(task, self._timed_out())
        except ray.exceptions.RayError as exc:
            reason = type(exc).__name__
            return _failed(task, f"worker died ({reason}) after {self.retries + 1} attempt(s)")
        return value

    def _timed_out(self) -> str:
        return f"timed out after {self.timeout:g} s"

    def _expire(
        self,
        running: dict[Any, tuple[Task, float, float]],
        queue: deque[Task],
        counter: itertools.count[int],
        on_outcome: OnOutcome,
    ) -> None:
        """Cancel the overdue tasks: a batch is run again singly, a document gets an error."""
        import ray

        now = time.monotonic()
        for ref in [ref for ref, (_, _, deadline) in running.items() if deadline <= now]:
            task, _, _ = running.pop(ref)
            ray.cancel(ref, force=True)
            if task.batch and len(task.documents) > 1:
                queue.extendleft(reversed(_singles(task, lambda: next(counter))))
                continue
            for outcome in _failed(task, self._timed_out()):
                on_outcome(outcome)
