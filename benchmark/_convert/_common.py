"""What every format module shares: the format record, checks of imported annotations, the
tokenisation of CoNLL and spaCy files, and the output rule (new, empty, or a previous output).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import BenchError, Problem
from .._io import check_doc_id
from .._json import atomic_write_text, replace_folder
from .._models import Annotation, Document, Example
from .._validate import check_annotation

MARKER = ".bench-convert"
"""The file naming the format of a folder that ``bench convert`` wrote."""

_TOKEN = re.compile(r"\w+|[^\w\s]")

Reader = Callable[[Path], list[Example]]
Writer = Callable[[Sequence[Example], Path], dict[str, int]]


@dataclass(frozen=True)
class Format:
    """A file format: how to read and write it, and which layers it carries.

    ``folder`` formats write a folder (staged, then swapped in whole); the others one file.
    A writer returns counts of what it dropped beyond whole layers (e.g. entity ids).
    """

    name: str
    read: Reader
    write: Writer
    carries: tuple[str, ...]
    folder: bool


def fail(where: str, reason: str) -> BenchError:
    """The one-line error of an importer: ``file:line: reason`` (or ``file: $.path: reason``).

    Example:
        >>> str(fail("a.ann:3", "unknown label 'FOO'"))
        "a.ann:3: unknown label 'FOO'"
    """
    return BenchError(str(Problem(where, "", reason)))


def checked(annotation: Annotation, document: Document, where: str) -> Example:
    """The example of an imported annotation, after the format checks against its article.

    Raises:
        BenchError: ``where: $.path: reason`` for the first problem (offsets off the text, a
            span text that is not the article's, an unsafe doc id).
    """
    reason = check_doc_id(document.doc_id)
    if reason:
        raise fail(where, reason)
    problems = check_annotation(annotation, document, where, gold=False)
    if problems:
        raise BenchError(str(problems[0]))
    return Example(document, annotation)


def unique_ids(examples: Iterable[Example], where: str) -> list[Example]:
    """The examples, refusing two documents with one id (they would overwrite each other)."""
    seen: set[str] = set()
    out = list(examples)
    for example in out:
        if example.doc_id in seen:
            raise fail(where, f"doc id {example.doc_id!r} appears twice")
        seen.add(example.doc_id)
    return out


def tokens(text: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Token spans of ``text``: runs of word characters and single other non-space characters,
    split again at every offset of ``cuts`` (span boundaries, so that every span is whole tokens).

    Example:
        >>> text = "RuritaniaBorduria's ties."
        >>> [text[s:e] for s, e in tokens(text, [9])]
        ['Ruritania', 'Borduria', "'", 's', 'ties', '.']
    """
    cut = sorted(set(cuts))
    out: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        i = bisect_right(cut, start)
        while i < len(cut) and cut[i] < end:
            out.append((start, cut[i]))
            start = cut[i]
            i += 1
        out.append((start, end))
    return out


def dropped_line(dropped: dict[str, int], fmt: Format) -> str | None:
    """The stderr line reporting what a conversion dropped (None when nothing was).

    Example:
        >>> fmt = Format("conll", lambda p: [], lambda e, p: {}, ("entities",), True)
        >>> dropped_line({"quotes": 12, "claims": 40}, fmt)
        'dropped: 12 quotes, 40 claims (conll carries entities only)'
    """
    parts = [f"{count} {what}" for what, count in dropped.items() if count]
    if not parts:
        return None
    carries = " and ".join(fmt.carries) if fmt.carries else "nothing"
    only = " only" if len(fmt.carries) < 4 else ""
    return f"dropped: {', '.join(parts)} ({fmt.name} carries {carries}{only})"


# --- output: new, empty, or a previous output of the same format ------------------------------


def _previous_output(out: Path, fmt: Format) -> bool:
    if fmt.folder:
        marker = out / MARKER
        return marker.is_file() and marker.read_text(encoding="utf-8").strip() == fmt.name
    try:
        fmt.read(out)
    except BenchError:
        return False
    return True


def check_out(out: Path, fmt: Format) -> None:
    """Refuse an output that exists and is neither empty nor a previous output of ``fmt``.

    Raises:
        BenchError: naming the output and the rule.
    """
    if not os.path.lexists(out):
        return
    if out.is_symlink():
        raise BenchError(f"{out}: is a symbolic link; give a new path")
    if fmt.folder and out.is_dir() and (not any(out.iterdir()) or _previous_output(out, fmt)):
        return
    if not fmt.folder and out.is_file() and (out.stat().st_size == 0 or _previous_output(out, fmt)):
        return
    kind = "folder" if fmt.folder else "file"
    raise BenchError(
        f"{out}: exists and is not an empty {kind} or a previous {fmt.name} output; give a new path"
    )


def write_output(examples: Sequence[Example], out: Path, fmt: Format) -> dict[str, int]:
    """Write ``examples`` to ``out`` in ``fmt`` so that no reader sees half an output.

    A file is written through a temporary file and a rename; a folder is written whole beside
    ``out`` and then swapped in (the previous output is removed only after the swap).
    """
    check_out(out, fmt)
    if not fmt.folder:
        return fmt.write(examples, out)
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise BenchError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        dropped = fmt.write(examples, staging)
        atomic_write_text(staging / MARKER, fmt.name + "\n")
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dropped


def _swap(staging: Path, out: Path) -> None:
    try:
        replace_folder(staging, out)
    except OSError as exc:
        raise BenchError(f"cannot write {out}: {exc.strerror or exc}") from None
