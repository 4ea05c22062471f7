"""Timing helpers: best-of-N wall time, pinning to one core, ``bench --help`` start-up."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """The best wall time and best CPU time (seconds) of ``runs`` runs of something.

    CPU time (``time.process_time``) is what a single-threaded scorer costs on one core even when
    other processes compete for it; wall time is what a user waits.
    """

    best: float
    runs: int
    cpu: float | None = None


def best_of(call: Callable[[], T], repeat: int, budget: float = float("inf")) -> tuple[Timing, T]:
    """Run ``call`` up to ``repeat`` times (fewer once ``budget`` seconds are spent; at least once).

    Returns the best wall time and the last result. A full garbage collection runs before each
    run so that one run's garbage is not collected on the next one's clock.

    Example:
        >>> timing, value = best_of(lambda: sum(range(10)), repeat=3)
        >>> value, timing.runs, timing.best >= 0
        (45, 3, True)
    """
    best = best_cpu = float("inf")
    spent = 0.0
    runs = 0
    result: T
    while True:
        gc.collect()
        cpu_start = time.process_time()
        start = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - start
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
        runs += 1
        spent += elapsed
        best = min(best, elapsed)
        if runs >= max(1, repeat) or spent >= budget:
            return Timing(best, runs, best_cpu), result


@contextmanager
def one_core() -> Iterator[str]:
    """Pin this process (and children started inside) to one CPU; yields a description.

    Where CPU affinity is not supported the process is left alone and the description says so.
    """
    getter = getattr(os, "sched_getaffinity", None)
    setter = getattr(os, "sched_setaffinity", None)
    if getter is None or setter is None:
        yield "not pinned (no CPU affinity on this platform)"
        return
    before = getter(0)
    cpu = max(before)
    setter(0, {cpu})
    try:
        yield f"pinned to CPU {cpu} of {len(before)}"
    finally:
        setter(0, before)


def help_startup(repeat: int) -> Timing:
    """Best wall time of ``bench --help`` in a fresh interpreter (``python -m`` style entry).

    The command is run as ``python -c "from benchmark._cli import main; main()" --help``, which is
    what the ``bench`` console script does, without depending on where the script is installed.
    """
    command = [sys.executable, "-c", "from benchmark._cli import main; main()", "--help"]
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return Timing(best, max(1, repeat))
