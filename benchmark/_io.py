"""Annotation and article files: reading them strictly, writing them atomically.

Every reader reports bad input as :class:`~benchmark._errors.Problem` values (file, JSON path,
reason) or one :class:`~benchmark._errors.BenchError`, never a traceback. Decoding goes through
the one codec, :mod:`benchmark._json`; when a file does not fit the model, the JSON Schema
generated from the same model lists every problem in it, not only the first.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from ._errors import BenchError, Problem
from ._json import (
    LONE_SURROGATE,
    MAX_FILE_BYTES,
    convert,
    decode_plain,
    decode_untyped,
    json_path,
    read_bytes,
    surrogate_path,
    write,
)
from ._models import Annotation, Document

__all__ = [
    "DOC_ID_PATTERN",
    "MAX_FILE_BYTES",
    "annotation_to_json",
    "check_doc_id",
    "decode_annotation",
    "load_annotation_file",
    "parse_annotation",
    "read_annotation",
    "read_article",
    "read_document",
    "write_annotation",
]

DOC_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")  # used with fullmatch


def check_doc_id(doc_id: str) -> str | None:
    """Return why ``doc_id`` is not a safe document id, or None when it is.

    Example:
        >>> check_doc_id("000_abc") is None, check_doc_id("../etc/passwd") is None
        (True, False)
    """
    if not DOC_ID_PATTERN.fullmatch(doc_id) or ".." in doc_id:
        return (
            f"doc id {doc_id!r} must be letters, digits, '.', '_' or '-' "
            "(no path separators, no '..')"
        )
    return None


# --- annotations --------------------------------------------------------------------------------


@cache
def _validator() -> Any:
    import jsonschema

    from ._schema import annotation_schema

    # JSON Schema counts 3.0 as an integer; offsets must be ints (3.0 cannot slice a str).
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = jsonschema.validators.extend(base, type_checker=checker)
    return strict(annotation_schema())


def _schema_reason(error: Any) -> str:
    if error.validator == "additionalProperties":
        return str(error.message).replace(
            "Additional properties are not allowed ", "unknown field "
        )
    if error.validator == "required":
        return f"missing field {error.message.split(' is a required')[0]}"
    if error.validator == "enum":
        return f"{error.instance!r:.60} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}, got {type(error.instance).__name__} {error.instance!r:.60}"
    return str(error.message)[:200]


def _every_problem(data: Any, file: str, first: list[Problem]) -> list[Problem]:
    """Every schema problem of ``data`` (the model's one problem when the schema finds none)."""
    try:
        errors = sorted(
            _validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
        )
        problems = [Problem(file, json_path(e.absolute_path), _schema_reason(e)) for e in errors]
    except (ValueError, RecursionError):  # e.g. an integer too long to print
        return first
    return problems or first


def parse_annotation(data: Any, file: str) -> tuple[Annotation | None, list[Problem]]:
    """Build an annotation from decoded JSON data; return it, or None and every problem.

    Only the format is checked here; offsets against the text are checked by
    :func:`benchmark._validate.check_annotation`.

    Example:
        >>> ann, problems = parse_annotation({"doc_id": "d"}, "d.json")
        >>> ann is None, str(problems[0])
        (True, "d.json: $: missing field 'text_sha256'")
    """
    if not isinstance(data, dict):
        return None, [Problem(file, "$", f"expected a JSON object, got {type(data).__name__}")]
    annotation, problems = convert(data, Annotation, file)
    if annotation is None:
        if problems[0].reason == LONE_SURROGATE:
            return None, problems
        return None, _every_problem(data, file, problems)
    where = surrogate_path(data)  # data from a file cannot hold one; data from Python can
    if where is not None:
        return None, [Problem(file, where, LONE_SURROGATE)]
    return annotation, []


def decode_annotation(raw: bytes, file: str) -> tuple[Annotation | None, list[Problem]]:
    """Decode the bytes of one annotation or prediction file (see :func:`parse_annotation`)."""
    annotation = decode_plain(raw, Annotation)
    if annotation is not None:
        return annotation, []
    data, problems = decode_untyped(raw, file)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(file, "$", f"expected a JSON object, got {type(data).__name__}")]
    annotation, problems = convert(data, Annotation, file)
    if annotation is None:
        return None, _every_problem(data, file, problems)
    return annotation, []


def load_annotation_file(path: Path) -> tuple[Annotation | None, list[Problem]]:
    """Read and check the format of one annotation or prediction file."""
    try:
        raw = read_bytes(path)
    except BenchError as exc:
        return None, [Problem(str(path), "", str(exc).removeprefix(f"{path}: "))]
    return decode_annotation(raw, str(path))


def read_annotation(path: Path) -> Annotation:
    """Read one annotation or prediction file.

    Raises:
        BenchError: naming the file and field of the first problem.
    """
    annotation, problems = load_annotation_file(Path(path))
    if annotation is None:
        raise BenchError.from_problems(problems)
    return annotation


def annotation_to_json(annotation: Annotation) -> dict[str, Any]:
    """The interchange-format dict of an annotation, ``schema_version`` first.

    Example:
        >>> list(annotation_to_json(Annotation("d", "")))[:3]
        ['schema_version', 'doc_id', 'text_sha256']
    """
    data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(annotation))
    return {"schema_version": data.pop("schema_version"), **data}


def write_annotation(path: Path, annotation: Annotation) -> None:
    """Write one annotation in the interchange format, atomically."""
    write(path, annotation)


# --- articles ---------------------------------------------------------------------------------


def read_document(path: Path) -> Document:
    """Read an article exactly as stored (no newline translation, BOM kept).

    Raises:
        BenchError: when the file is missing, not a regular file, too big, not UTF-8, or its stem
            is not a safe doc id.
    """
    path = Path(path)
    return read_article(str(path), path.stem)


def read_article(file: str, doc_id: str) -> Document:
    """:func:`read_document` of the article ``file`` whose stem is ``doc_id`` (no path made).

    Raises:
        BenchError: as :func:`read_document`.
    """
    reason = check_doc_id(doc_id)
    if reason:
        raise BenchError(f"{file}: {reason}")
    raw = read_bytes(file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BenchError(f"{file}: not UTF-8 (byte {exc.start})") from None
    return Document(doc_id, text)
