"""Keeping what a system's code does away from the harness.

Systems (and the ``systems/*.py`` modules defining them) are code the harness does not control.
Whatever they raise, print or do must end as one line naming the system, never as a traceback, a
corrupted output or a stopped run:

- :func:`describe` and :func:`safe_text` name an exception, or any value, in one line even when
  its ``__str__`` and ``__repr__`` raise;
- :func:`watch_sigint` tells the user's Ctrl-C apart from a ``KeyboardInterrupt`` that a system
  raises itself (only the first stops a run) and puts back a SIGINT handler a system replaced;
- :func:`stdout_to_stderr` sends what a system writes to standard output, with ``print`` or
  straight to file descriptor 1, to standard error: ``bench``'s own output stays clean;
- :func:`exit_if_forked` ends a process that a system forked when it comes back into harness
  code, which must run once.

These helpers catch ``BaseException`` on purpose: call them inside :func:`watch_sigint` when a
real Ctrl-C can reach the process, and check the watch afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

from ._errors import one_line


def type_name(value: object) -> str:
    """The name of ``value``'s class, or ``"?"`` when even that cannot be read.

    Example:
        >>> type_name(ValueError("x")), type_name(3)
        ('ValueError', 'int')
    """
    try:
        name = type(value).__name__
        return one_line(str.__str__(name), 100, fold=False) if isinstance(name, str) else "?"
    except BaseException:
        return "?"


def _render(value: object, render: Any, limit: int) -> str:
    """``render(value)`` as one exact ``str`` line (a ``str`` subclass could lie in ``split``)."""
    text = render(value)
    return one_line(str.__str__(text), limit)


def safe_text(value: object, limit: int = 200) -> str:
    """``str(value)`` as one line, else ``repr(value)``, else a placeholder; never raises.

    Example:
        >>> class Odd:
        ...     def __str__(self) -> str:
        ...         raise ValueError("no")
        ...     def __repr__(self) -> str:
        ...         return "Odd()"
        >>> safe_text("a\\nb"), safe_text(Odd())
        ('a b', 'Odd()')
    """
    for render in (str, repr):
        try:
            return _render(value, render, limit)
        except BaseException:
            continue
    return f"<{type_name(value)} that cannot be shown>"


def describe(exc: BaseException, limit: int = 200) -> str:
    """``"Type: message"`` of an exception a system raised, whatever its ``__str__`` does.

    Example:
        >>> describe(ValueError("bad\\nvalue")), describe(KeyboardInterrupt())
        ('ValueError: bad value', 'KeyboardInterrupt')
        >>> class Broken(Exception):
        ...     def __str__(self) -> str:
        ...         raise RuntimeError
        >>> describe(Broken("x"))
        "Broken: Broken('x') (its __str__ raised RuntimeError)"
    """
    name = type_name(exc)
    try:
        message = _render(exc, str, limit)
    except BaseException as str_error:
        try:
            shown = _render(exc, repr, limit)
        except BaseException as repr_error:
            return (
                f"{name} (its __str__ raised {type_name(str_error)}, "
                f"its __repr__ raised {type_name(repr_error)})"
            )
        return f"{name}: {shown} (its __str__ raised {type_name(str_error)})"
    return f"{name}: {message}" if message else name


class SigintWatch:
    """Whether SIGINT (the user's Ctrl-C) reached this process while the watch was on."""

    def __init__(self) -> None:
        self.pressed = False

    def check(self) -> None:
        """Stop here, as Ctrl-C would have, when the user pressed Ctrl-C during the watch.

        Raises:
            KeyboardInterrupt: when SIGINT arrived, even if the code watched swallowed it.
        """
        if self.pressed:
            raise KeyboardInterrupt


@contextlib.contextmanager
def watch_sigint() -> Iterator[SigintWatch]:
    """Note every SIGINT while the block runs, then put the SIGINT handler back as it was.

    A ``KeyboardInterrupt`` raised while ``pressed`` is false came from the code itself, not from
    the user. Outside the main thread (where no SIGINT raises) nothing is installed and
    ``pressed`` stays false.

    Example:
        >>> with watch_sigint() as watch:
        ...     pass
        >>> watch.pressed
        False
    """
    watch = SigintWatch()
    previous: Any = None
    installed = False
    with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
        previous = signal.getsignal(signal.SIGINT)
        if callable(previous):
            handler = previous

            def on_sigint(signum: int, frame: FrameType | None) -> Any:
                watch.pressed = True
                return handler(signum, frame)

            signal.signal(signal.SIGINT, on_sigint)
            installed = True
    try:
        yield watch
    finally:
        if installed:
            signal.signal(signal.SIGINT, previous)


def _flush(*streams: Any) -> None:
    for stream in streams:
        with contextlib.suppress(BaseException):
            stream.flush()


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send standard output (``sys.stdout`` and file descriptor 1) to standard error meanwhile.

    For code that must not write to ``bench``'s output: a ``systems/*.py`` module being imported,
    a system being built or run in this process.

    Example:
        >>> with stdout_to_stderr():
        ...     print("to stderr")
    """
    _flush(sys.stdout, sys.__stdout__)
    saved: int | None = None
    try:
        saved = os.dup(1)
        os.dup2(2, 1)
    except OSError:  # no file descriptor 1 or 2 here: sys.stdout is redirected all the same
        if saved is not None:
            os.close(saved)
            saved = None
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        _flush(sys.__stdout__)  # what was written through Python's own stdout goes to stderr too
        if saved is not None:
            with contextlib.suppress(OSError):
                os.dup2(saved, 1)
            with contextlib.suppress(OSError):
                os.close(saved)


def exit_if_forked(pid: int) -> None:
    """End this process at once, flushing nothing, unless it is process ``pid``.

    A system that forks and whose child returns from the system's code would otherwise run the
    harness twice (and answer twice on its pipe).
    """
    if os.getpid() != pid:
        os._exit(0)


__all__ = [
    "SigintWatch",
    "describe",
    "exit_if_forked",
    "safe_text",
    "stdout_to_stderr",
    "type_name",
    "watch_sigint",
]
