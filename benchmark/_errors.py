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
        file, path, reason = (_one_line(part) for part in (self.file, self.path, self.reason))
        where = f"{file}: {path}" if path else file
        return f"{where}: {reason}"


def _one_line(text: str) -> str:
    """``text`` with control characters and lone surrogates escaped, so it prints on one line.

    Example:
        >>> _one_line("a\\nb.json"), _one_line("café.json")
        ('a\\\\nb.json', 'café.json')
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


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
