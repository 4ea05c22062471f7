"""The cores this process may use, the one count that ``bench score``, ``bench run`` and
``bench perf`` share (CPU affinity respected, so ``taskset -c 0 bench …`` means one core).

Example:
    >>> usable_cores() >= 1
    True
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one)."""
    getter = getattr(os, "sched_getaffinity", None)
    return len(getter(0)) if getter is not None else os.cpu_count() or 1


def one_core() -> tuple[int, ...]:
    """The first core this process may run on, to pin a command to (empty where a process
    cannot be pinned)."""
    getter = getattr(os, "sched_getaffinity", None)
    if getter is None or not hasattr(os, "sched_setaffinity"):
        return ()
    return (min(getter(0)),)
