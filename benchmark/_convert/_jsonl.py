"""``jsonl``: one document per line, the annotation's fields plus ``"text"`` (the article)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._io import annotation_to_json, parse_annotation
from .._json import atomic_write_bytes, decode_untyped, encode, read_bytes
from .._models import Document, Example
from ._common import checked, fail, unique_ids


def _line(raw: bytes, where: str) -> Example:
    data, problems = decode_untyped(raw, where)
    if problems:
        raise fail(where, str(problems[0]).removeprefix(f"{where}: "))
    if not isinstance(data, dict):
        raise fail(where, f"expected a JSON object, got {type(data).__name__}")
    text = data.pop("text", None)
    if not isinstance(text, str):
        raise fail(where, "missing field 'text' (the article, a string)")
    annotation, problems = parse_annotation(data, where)
    if annotation is None:
        raise fail(where, str(problems[0]).removeprefix(f"{where}: "))
    return checked(annotation, Document(annotation.doc_id, text), where)


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


def write_jsonl(examples: Sequence[Example], path: Path) -> dict[str, int]:
    """Write one compact line per document: the annotation's fields, then ``"text"``."""
    lines = [
        encode({**annotation_to_json(ex.annotation), "text": ex.document.text}, indent=0)
        for ex in examples
    ]
    atomic_write_bytes(path, b"".join(lines))
    return {}
