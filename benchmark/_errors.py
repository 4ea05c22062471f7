"""Errors and problems that the harness reports to users as one line each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which file, where in it (a JSON path), and why.

    Example:
        >>> str(Problem("gold/annotations/a.json", "$.entities[0].end", "out of range"))
        'gold/annotations/a.json: $.entities[0].end: out of range'
    """

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        file, path, reason = (
            one_line(part, fold=False) for part in (self.file, self.path, self.reason)
        )
        where = f"{file}: {path}" if path else file
        return f"{where}: {reason}"


def one_line(value: object, limit: int | None = None, *, fold: bool = True) -> str:
    """``value`` as one printable line: whitespace runs folded to a space (with ``fold``; else
    escaped, for names that must stay exact), other control characters and lone surrogates
    escaped, cut to ``limit`` characters with "…".

    The one helper for every message, report cell and recorded error that must fit a line.

    Example:
        >>> one_line("a\\n  b"), one_line("x\\x00y"), one_line("x" * 10, limit=5)
        ('a b', 'x\\\\x00y', 'xxxx…')
        >>> one_line("a\\nb.json", fold=False)
        'a\\\\nb.json'
    """
    text = " ".join(str(value).split()) if fold else str(value)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class BenchError(Exception):
    """An error the user can act on, shown as one line without a traceback.

    Example:
        >>> str(BenchError("cannot read x.json: not JSON"))
        'cannot read x.json: not JSON'
    """

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> BenchError:
        """One error for a non-empty list of problems: the first, and how many more there are."""
        first = str(problems[0])
        more = len(problems) - 1
        return cls(first if more == 0 else f"{first} (and {more} more; see `bench validate`)")
