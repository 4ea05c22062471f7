"""Timing whole processes: one run, rounds of alternated runs, and their medians and spread.

Every measurement of ``bench perf`` is a list of samples, one per round. Commands measured
together run alternated (A, B, C, A, B, C, ...) so that a change of machine load during the
measurement reaches every command alike; figures are medians and ratios of medians.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .._errors import BenchError

STDERR_TAIL = 300
"""Most characters of a failed command's last stderr line quoted in the error."""


@dataclass(frozen=True)
class Command:
    """A command to time as a whole process.

    With ``capture`` its standard output goes to an anonymous temporary file, read back once it
    has exited (else to the null device); ``env`` adds variables to this process's environment;
    ``cpus`` pins the process to those cores (what ``taskset -c`` does; Linux only, see
    :func:`benchmark._cores.one_core`).
    """

    label: str
    argv: tuple[str, ...]
    capture: bool = False
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    cpus: tuple[int, ...] = ()


@dataclass(frozen=True)
class Run:
    """One run of a command: wall and CPU seconds, peak resident memory, exit code, output.

    ``stderr_tail`` is the last line of a failed run's stderr.
    """

    wall: float
    cpu: float | None = None
    max_rss_mib: float | None = None
    returncode: int = 0
    stderr_tail: str = ""
    stdout: bytes = b""


@dataclass(frozen=True)
class Samples:
    """The runs of one command over the rounds (or of one in-process call)."""

    label: str
    wall: tuple[float, ...]
    cpu: tuple[float, ...] = ()
    max_rss_mib: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        """Median wall seconds."""
        return statistics.median(self.wall)

    @property
    def spread(self) -> float:
        """``(max - min) / median`` of the wall times (0 for one sample).

        Example:
            >>> Samples("x", (1.0, 1.5, 0.5)).spread
            1.0
        """
        return (max(self.wall) - min(self.wall)) / self.median if self.median else 0.0

    @property
    def median_cpu(self) -> float | None:
        """Median CPU seconds (user + system), None where not measured."""
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def peak_rss_mib(self) -> float | None:
        """The largest peak resident memory of any run (MiB), None where not measured."""
        return max(self.max_rss_mib) if self.max_rss_mib else None


def python() -> str:
    """This interpreter: every child runs with it."""
    return sys.executable


def bench_argv(*args: str) -> tuple[str, ...]:
    """The ``bench`` entry point installed next to this interpreter, with ``args``.

    Falls back to ``python -c "from benchmark._cli import main; main()"`` (what the entry point
    runs) when no ``bench`` script sits in the interpreter's folder.
    """
    script = shutil.which("bench", path=str(Path(sys.executable).parent))
    if script:
        return (script, *args)
    return (python(), "-c", "from benchmark._cli import main; main()", *args)


def _rss_mib(max_rss: int) -> float:
    """``ru_maxrss`` in MiB (kibibytes on Linux, bytes on macOS)."""
    return max_rss / (1024 * 1024) if sys.platform == "darwin" else max_rss / 1024


def run_process(command: Command) -> Run:
    """Run ``command`` once and time it, from just before the start to just after the exit.

    Where ``os.wait4`` exists the child's own resource usage gives its CPU time and peak RSS.
    """
    env = {**os.environ, **command.env} if command.env else None
    cpus = command.cpus

    def pin() -> None:  # in the child, before it runs the command
        os.sched_setaffinity(0, cpus)

    with tempfile.TemporaryFile() as stderr, _output(command.capture) as stdout:
        start = time.perf_counter()
        child = subprocess.Popen(
            command.argv,
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=command.cwd,
            env=env,
            preexec_fn=pin if cpus else None,
        )
        cpu = rss = None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            cpu, rss = usage.ru_utime + usage.ru_stime, _rss_mib(usage.ru_maxrss)
        else:  # pragma: no cover - Windows
            child.wait()
            wall = time.perf_counter() - start
        stderr.seek(0)
        tail = _last_line(stderr.read()) if child.returncode else ""
        output = b""
        if not isinstance(stdout, int):
            stdout.seek(0)
            output = stdout.read()
    return Run(wall, cpu, rss, child.returncode, tail, output)


def _last_line(data: bytes) -> str:
    """The last non-blank line of ``data`` (a traceback's message), shortened.

    Example:
        >>> _last_line(b"Traceback ...\\n  line 1\\nValueError: bad\\n\\n")
        'ValueError: bad'
    """
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip()[:STDERR_TAIL] if lines else ""


@contextmanager
def _output(capture: bool) -> Iterator[IO[bytes] | int]:
    """An anonymous temporary file to capture a child's output, or DEVNULL."""
    if not capture:
        yield subprocess.DEVNULL
        return
    with tempfile.TemporaryFile() as handle:
        yield handle


def alternate(
    commands: Sequence[Command],
    rounds: int,
    *,
    run: Callable[[Command], Run] = run_process,
    progress: Callable[[str], None] = lambda _: None,
    outputs: dict[str, bytes] | None = None,
    warm_up: bool = False,
) -> list[Samples]:
    """Run every command once per round, in the given order, for ``rounds`` rounds.

    With ``warm_up``, every command first runs once untimed (compiling bytecode, filling the
    file cache), so that the first round is not an outlier.

    Returns one :class:`Samples` per command, in the order of ``commands``; ``outputs`` receives
    each capturing command's standard output of the last round, by label.

    Raises:
        BenchError: when a command exits non-zero (its stderr's last line is quoted).
    """
    for command in commands if warm_up else ():
        progress(f"warm-up: {command.label}")
        _checked(command, run(command))
    runs: dict[str, list[Run]] = {c.label: [] for c in commands}
    for round_ in range(1, rounds + 1):
        for command in commands:
            progress(f"round {round_}/{rounds}: {command.label}")
            done = _checked(command, run(command))
            runs[command.label].append(done)
            if outputs is not None and command.capture:
                outputs[command.label] = done.stdout
    return [samples_of(c.label, runs[c.label]) for c in commands]


def _checked(command: Command, done: Run) -> Run:
    """``done``, unless the command exited non-zero.

    Raises:
        BenchError: quoting the last line of its stderr.
    """
    if done.returncode:
        raise BenchError(
            f"perf: {command.label} exited with {done.returncode}: "
            f"{done.stderr_tail.strip() or '(no stderr)'}"
        )
    return done


def samples_of(label: str, runs: Sequence[Run]) -> Samples:
    """The :class:`Samples` of ``runs`` (CPU and memory kept only when every run has them)."""
    cpu = tuple(r.cpu for r in runs if r.cpu is not None)
    rss = tuple(r.max_rss_mib for r in runs if r.max_rss_mib is not None)
    return Samples(
        label,
        tuple(r.wall for r in runs),
        cpu if len(cpu) == len(runs) else (),
        rss if len(rss) == len(runs) else (),
    )


def time_call(call: Callable[[], object]) -> Run:
    """Wall and CPU seconds of one in-process call (a full garbage collection first)."""
    import gc

    gc.collect()
    cpu_start = time.process_time()
    start = time.perf_counter()
    call()
    return Run(time.perf_counter() - start, time.process_time() - cpu_start)


HELP_ROUNDS = 5
"""At least this many rounds for ``bench --help``: it takes a tenth of a second."""


def measure_startup(
    rounds: int, progress: Callable[[str], None] = lambda _: None
) -> tuple[Samples, Samples]:
    """``bench --help`` and, for scale, a bare ``python -c pass``, alternated."""
    commands = [
        Command("bench --help", bench_argv("--help")),
        Command("python -c pass", (python(), "-c", "pass")),
    ]
    help_, bare = alternate(commands, max(HELP_ROUNDS, rounds), progress=progress)
    return help_, bare
