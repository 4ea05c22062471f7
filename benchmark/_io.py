"""Reading and writing the interchange format, and atomic file writes.

Every reader reports bad input as :class:`~benchmark._errors.Problem` values (file, JSON path,
reason) or one :class:`~benchmark._errors.BenchError`, never a traceback. Every writer writes to a
temporary file in the target folder and renames it, so no reader ever sees half a file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

from ._errors import BenchError, Problem
from ._fastschema import is_plainly_valid
from ._models import Annotation, Document

T = TypeVar("T")

DOC_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")  # used with fullmatch
MAX_FILE_BYTES = 50 * 1024 * 1024


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


# --- atomic writes -------------------------------------------------------------------------


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    Raises:
        BenchError: when the folder cannot be created or written.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (see atomic_write_text)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; written files are ordinary readable files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_json(data: Any) -> str:
    """The project's canonical JSON text: UTF-8, two-space indent, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as canonical JSON, atomically."""
    atomic_write_text(path, dump_json(data))


# --- records <-> JSON ------------------------------------------------------------------------


def to_json(record: Any) -> Any:
    """Turn a record (or tuple of records) into JSON-ready dicts and lists, keys in field order.

    Example:
        >>> from benchmark._models import Span
        >>> to_json((Span(1, 2),))
        [{'start': 1, 'end': 2}]
    """
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {
            f.name: to_json(getattr(record, f.name))
            for f in dataclasses.fields(record)
            if f.init and not f.name.startswith("_")
        }
    if isinstance(record, (tuple, list)):
        return [to_json(item) for item in record]
    return record


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_json(tp, value)
    if get_origin(tp) is tuple:
        (item_type, _) = get_args(tp)
        return tuple(_build(item_type, v) for v in value)
    args = [a for a in get_args(tp) if a is not type(None)]
    if len(args) == 1:  # Optional[X]
        return _build(args[0], value)
    return value


def from_json(cls: type[T], data: dict[str, Any]) -> T:
    """Build a record of type ``cls`` from schema-valid JSON data (see :func:`parse_annotation`).

    Example:
        >>> from benchmark._models import Span
        >>> from_json(Span, {"start": 1, "end": 2})
        Span(start=1, end=2)
    """
    hints = _hints(cls)
    kwargs = {name: _build(hints[name], value) for name, value in data.items()}
    return cls(**kwargs)


@cache
def _validator() -> Any:
    import jsonschema

    from ._schema import annotation_schema

    # JSON Schema counts 3.0 as an integer; Python offsets must be ints (3.0 cannot slice a str).
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = jsonschema.validators.extend(base, type_checker=checker)
    return strict(annotation_schema())


MAX_JSON_INT = 2**63


def find_unrepresentable(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, reason) of values no file can hold: lone surrogates (a JSON "\\ud83d") in keys
    or strings, and integers beyond 64 bits (whose error message alone could not be printed)."""

    def bad(text: str) -> bool:
        return any("\ud800" <= char <= "\udfff" for char in text)

    surrogate = "not valid Unicode (a lone surrogate such as \\ud83d)"
    found: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]  # no recursion: data may be deep
    seen: set[int] = set()  # YAML aliases can make cycles
    while stack:
        parts, value = stack.pop()
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                continue
            seen.add(id(value))
        if isinstance(value, str):
            if bad(value):
                found.append((parts, surrogate))
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -MAX_JSON_INT <= value < MAX_JSON_INT:
                found.append((parts, "integer out of range (more than 64 bits)"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and bad(key):
                    found.append((parts, surrogate))
                stack.append(((*parts, key), item))
        elif isinstance(value, list):
            stack.extend(((*parts, i), item) for i, item in enumerate(value))
    return sorted(found, key=lambda item: list(map(str, item[0])))


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(parts: Iterable[Any]) -> str:
    """Render a path of keys and indices as ``$.quotes[2].speaker_span``.

    Example:
        >>> json_path(["quotes", 2, "speaker_span"])
        '$.quotes[2].speaker_span'
        >>> json_path(["a b", "x\\ny"])
        "$['a b']['x\\\\ny']"
    """
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            out += f".{part}"
        else:  # a hostile key (newline, quote, lone surrogate): quoted and escaped, one line
            out += f"[{str(part)!r}]"
    return out


def _schema_reason(error: Any) -> str:
    if error.validator == "additionalProperties":
        return str(error.message).replace(
            "Additional properties are not allowed ", "unknown field "
        )
    if error.validator == "required":
        return f"missing field {error.message.split(' is a required')[0]}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}, got {type(error.instance).__name__} {error.instance!r:.60}"
    return str(error.message)[:200]


def parse_annotation(data: Any, file: str) -> tuple[Annotation | None, list[Problem]]:
    """Check ``data`` against the schema; return the annotation, or None and every problem.

    Only the schema is checked here; offsets against the text are checked by
    :func:`benchmark._validate.check_annotation`.

    Example:
        >>> ann, problems = parse_annotation({"doc_id": "d"}, "d.json")
        >>> ann is None, str(problems[0])
        (True, "d.json: $: missing field 'text_sha256'")
    """
    if not isinstance(data, dict):
        return None, [Problem(file, "$", f"expected a JSON object, got {type(data).__name__}")]
    if is_plainly_valid(data):  # the common case, ~10x faster; else the full check's messages
        return from_json(Annotation, data), []
    unrepresentable = [
        Problem(file, json_path(parts), reason) for parts, reason in find_unrepresentable(data)
    ]
    if any(p.reason.startswith("integer") for p in unrepresentable):
        return None, unrepresentable  # the schema's messages would repr a huge integer
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [Problem(file, json_path(e.absolute_path), _schema_reason(e)) for e in errors]
    problems += unrepresentable
    if problems:
        return None, problems
    return from_json(Annotation, data), []


# --- files ------------------------------------------------------------------------------------


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    """Read a JSON file; return its data, or None and the problem (never raises for bad input)."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(file, "", f"file is {size} bytes, more than {MAX_FILE_BYTES}")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, "", f"not UTF-8 (byte {exc.start})")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(file, "", f"malformed JSON: {exc.msg} at line {exc.lineno}")]
    except RecursionError:
        return None, [Problem(file, "", "malformed JSON: nested too deeply")]
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return None, [Problem(file, "", f"malformed JSON: {str(exc).split(';')[0]}")]


def load_annotation_file(path: Path) -> tuple[Annotation | None, list[Problem]]:
    """Read and schema-check one annotation or prediction file."""
    data, problems = read_json(path)
    if problems:
        return None, problems
    return parse_annotation(data, str(path))


def read_annotation(path: Path) -> Annotation:
    """Read one annotation or prediction file.

    Raises:
        BenchError: naming the file and field of the first problem.
    """
    annotation, problems = load_annotation_file(Path(path))
    if annotation is None:
        raise BenchError.from_problems(problems)
    return annotation


def write_annotation(path: Path, annotation: Annotation) -> None:
    """Write one annotation in the interchange format, atomically."""
    write_json(path, annotation_to_json(annotation))


def annotation_to_json(annotation: Annotation) -> dict[str, Any]:
    """The interchange-format dict of an annotation, keys in the order DESIGN §2 gives."""
    data: dict[str, Any] = to_json(annotation)
    order = ("schema_version", "doc_id", "text_sha256", "entities", "speakers", "quotes", "claims")
    return {key: data[key] for key in order}


def read_document(path: Path) -> Document:
    """Read an article exactly as stored (no newline translation, BOM kept).

    Raises:
        BenchError: when the file is missing, not UTF-8, or its stem is not a safe doc id.
    """
    path = Path(path)
    reason = check_doc_id(path.stem)
    if reason:
        raise BenchError(f"{path}: {reason}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BenchError(f"{path}: file is {size} bytes, more than {MAX_FILE_BYTES}")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise BenchError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BenchError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return Document(path.stem, text)
