"""``jsonl``: one document per line, the annotation's fields plus ``"text"`` (the article)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._errors import Problem
from .._io import annotation_to_json, check_doc_id, parse_annotation
from .._json import atomic_write_bytes, decode_untyped, encode, read_bytes
from .._models import Document, Example
from .._validate import check_annotation
from ._common import fail, unique_ids


def parse_record(data: Any, where: str, *, gold: bool) -> tuple[Example | None, list[Problem]]:
    """Check one decoded record (the annotation's fields plus ``"text"``) against its own text.

    The one parser of a document-per-record corpus: ``jsonl`` lines, Parquet rows and rows of a
    saved dataset. ``gold`` adds the gold id checks (:func:`benchmark._validate.check_annotation`).

    Example:
        >>> record = {"doc_id": "d", "text_sha256": "0"}
        >>> ex, problems = parse_record(record, "c.jsonl:1", gold=False)
        >>> ex is None, str(problems[0])
        (True, "c.jsonl:1: missing field 'text' (the article, a string)")
    """
    if not isinstance(data, dict):
        return None, [Problem(where, "", f"expected a JSON object, got {type(data).__name__}")]
    data = dict(data)
    text = data.pop("text", None)
    if not isinstance(text, str):
        return None, [Problem(where, "", "missing field 'text' (the article, a string)")]
    annotation, problems = parse_annotation(data, where)
    if annotation is None:
        return None, problems
    reason = check_doc_id(annotation.doc_id)
    if reason:
        return None, [Problem(where, "", reason)]
    document = Document(annotation.doc_id, text)
    problems = check_annotation(annotation, document, where, gold=gold)
    if problems:
        return None, problems
    return Example(document, annotation), []


def _line(raw: bytes, where: str) -> Example:
    data, problems = decode_untyped(raw, where)
    if not problems:
        example, problems = parse_record(data, where, gold=False)
        if example is not None:
            return example
    raise fail(where, str(problems[0]).removeprefix(f"{where}: "))


def read_jsonl(path: Path) -> list[Example]:
    """Read a corpus of one JSON document per line (blank lines are skipped).

    Raises:
        BenchError: ``file:line: reason`` for the first bad line.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "c.jsonl"
        >>> _ = path.write_text('{"doc_id": "d", "text_sha256": "0", "text": "Hi"}\\n')
        >>> read_jsonl(path)
        Traceback (most recent call last):
        ...
        benchmark._errors.BenchError: ...c.jsonl:1: $.text_sha256: does not match the article (...)
    """
    raw = read_bytes(path)
    examples = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            examples.append(_line(line, f"{path}:{number}"))
    return unique_ids(examples, str(path))


def jsonl_line(example: Example) -> bytes:
    """One document's line: the annotation's fields, then ``"text"``, compact, ``\\n``-ended.

    Example:
        >>> from benchmark._models import Annotation
        >>> jsonl_line(Example(Document("d", "Hi"), Annotation("d", "0")))[-13:]
        b'"text":"Hi"}\\n'
    """
    return encode(
        {**annotation_to_json(example.annotation), "text": example.document.text}, indent=0
    )


def write_jsonl(examples: Sequence[Example], path: Path) -> dict[str, int]:
    """Write one compact line per document: the annotation's fields, then ``"text"``."""
    atomic_write_bytes(path, b"".join(map(jsonl_line, examples)))
    return {}
