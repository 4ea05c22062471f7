"""A run folder on disk: ``results.json``, ``details.jsonl`` and ``predictions/``.

``results.json`` (:class:`~benchmark._formats.Results`) holds the totals, intervals and
provenance, so it stays small; ``details.jsonl`` holds one line
(:class:`~benchmark._formats.DocumentDetail`) per system and document: per-document and
per-paragraph counts, which ``compare`` and the bootstrap resample, and the false positives and
negatives, which the report shows. Both are written atomically and read strictly.

Example:
    >>> results_path(Path("runs/x")), results_path(Path("runs/x/results.json"))
    (PosixPath('runs/x/results.json'), PosixPath('runs/x/results.json'))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

from .._errors import BenchError
from .._formats import DETAILS_FILE, RESULTS_FORMAT, DocumentDetail, Results
from .._json import (
    MAX_FILE_BYTES,
    atomic_write_bytes,
    convert,
    decode_untyped,
    encode,
    read_bytes,
)

RESULTS_FILE = "results.json"
MAX_DETAILS_BYTES = 8 * 1024**3
"""details.jsonl grows with the corpus; it is read line by line, each line bounded."""


def results_path(run: Path) -> Path:
    """The results.json of a run folder (or the file itself when given one)."""
    run = Path(run)
    return run if run.suffix == ".json" else run / RESULTS_FILE


def load_results(run: Path, *, exit_code: int = 1) -> Results:
    """Read and check a run's results.json.

    Raises:
        BenchError: one line naming the file and the field that is missing or malformed
            (``exit_code`` lets the gate report a harness error as 2).
    """
    path = results_path(run)
    try:
        raw = read_bytes(path)
    except BenchError as exc:
        hint = f" (is {run} a run folder?)" if not path.exists() else ""
        raise BenchError(f"{exc}{hint}", exit_code=exit_code) from None
    data, problems = decode_untyped(raw, str(path))
    if not problems:
        version = data.get("format_version") if isinstance(data, dict) else None
        if isinstance(data, dict) and version != RESULTS_FORMAT:
            raise BenchError(
                f"{path}: $.format_version: {version!r} is not a results format this version "
                f"reads ({RESULTS_FORMAT!r}); run or score again to write it",
                exit_code=exit_code,
            )
        results, problems = convert(data, Results, str(path))
        if results is not None:
            return results
    raise BenchError(str(problems[0]), exit_code=exit_code)


def details_path(run: Path) -> Path:
    """The details.jsonl beside a run's results.json."""
    return results_path(run).parent / DETAILS_FILE


def iter_details(run: Path, *, exit_code: int = 1) -> Iterator[DocumentDetail]:
    """Every line of a run's details.jsonl, decoded strictly (a missing file yields nothing).

    Raises:
        BenchError: ``<file>:<line>: <path>: <reason>`` for the first bad line.
    """
    path = details_path(run)
    if not path.exists():
        return
    try:
        if not path.is_file():
            raise BenchError(f"{path}: not a regular file")
        if path.stat().st_size > MAX_DETAILS_BYTES:
            raise BenchError(f"{path}: file is more than {MAX_DETAILS_BYTES} bytes")
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                if len(line) > MAX_FILE_BYTES:
                    raise BenchError(f"{path}:{number}: line is more than {MAX_FILE_BYTES} bytes")
                where = f"{path}:{number}"
                data, problems = decode_untyped(line, where)
                detail = None
                if not problems:
                    detail, problems = convert(data, DocumentDetail, where)
                if detail is None:
                    raise BenchError(str(problems[0]))
                yield detail
    except OSError as exc:
        raise BenchError(
            f"{path}: cannot read: {exc.strerror or exc}", exit_code=exit_code
        ) from None
    except BenchError as exc:
        raise BenchError(str(exc), exit_code=exit_code) from None


def load_details(run: Path, *, exit_code: int = 1) -> dict[str, dict[str, DocumentDetail]]:
    """details.jsonl as system -> doc id -> detail."""
    out: dict[str, dict[str, DocumentDetail]] = {}
    for detail in iter_details(run, exit_code=exit_code):
        out.setdefault(detail.system, {})[detail.doc_id] = detail
    return out


@dataclass(frozen=True)
class RunFiles:
    """A run folder read back: its results and its per-document details."""

    folder: Path
    results: Results
    details: dict[str, dict[str, DocumentDetail]]


def load_run(run: Path, *, exit_code: int = 1) -> RunFiles:
    """Read a run folder's results.json and details.jsonl.

    Raises:
        BenchError: naming the file (and line) and field of the first problem.
    """
    results = load_results(run, exit_code=exit_code)
    return RunFiles(results_path(run).parent, results, load_details(run, exit_code=exit_code))


_LINE_ENCODER = msgspec.json.Encoder()


def encode_details(details: Iterable[DocumentDetail]) -> bytes:
    """details.jsonl's bytes: one compact JSON object per line."""
    buffer = bytearray()
    for detail in details:
        _LINE_ENCODER.encode_into(detail, buffer, -1)
        buffer += b"\n"
    return bytes(buffer)


def write_results(run: Path, results: Results, details: Iterable[DocumentDetail]) -> None:
    """Write details.jsonl, then results.json (each atomically; results.json last, so a reader
    that finds it finds its details too)."""
    folder = Path(run)
    atomic_write_bytes(folder / DETAILS_FILE, encode_details(details))
    atomic_write_bytes(folder / RESULTS_FILE, encode(results))
