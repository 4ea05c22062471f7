"""The one strict JSON codec: every file the tool reads or writes goes through here.

Reading decodes with ``msgspec`` into a typed model (unknown fields, wrong types and values out of
their range are refused), after three checks that ``msgspec`` alone does not make: a duplicated
key anywhere is refused (``msgspec`` keeps the last one), NaN and Infinity are refused (they are
not JSON, and numbers beyond a double overflow), and files are read with a size bound and only
when they are regular files. Each problem is one line naming the file, the JSON path and why.

Writing encodes with ``msgspec`` and writes through a temporary file and a rename, so no reader
ever sees half a file. A typed value is checked against its model before it is written, so a
NaN or an out-of-range score never reaches a file.

Example:
    >>> import msgspec
    >>> class Point(msgspec.Struct, forbid_unknown_fields=True):
    ...     x: int
    >>> decode(b'{"x": 1}', Point, "p.json")
    Point(x=1)
    >>> decode(b'{"x": 1, "x": 2}', Point, "p.json")
    Traceback (most recent call last):
    ...
    benchmark._errors.BenchError: p.json: $: duplicated key 'x'
"""

from __future__ import annotations

import ast
import ctypes
import errno
import hashlib
import json
import math
import os
import re
import shutil
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from ._errors import BenchError, Problem

T = TypeVar("T")

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest file the tool reads (articles, annotations, results, configs)."""

_UNTYPED = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()
_BOM = b"\xef\xbb\xbf"
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AT_PATH = re.compile(r" - at `(\$[^`]*)`$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*')\]")
_ON_KEY = re.compile(r" - at `key` in `(\$[^`]*)`$")


# --- paths and problems -----------------------------------------------------------------------


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


def _line_column(raw: bytes, byte: int) -> str:
    before = raw[:byte]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return f"line {line}, column {column}"


def _malformed(raw: bytes, message: str) -> str:
    """``msgspec``'s "JSON is malformed: … (byte N)" as a reason with a line and a column."""
    found = re.search(r"\(byte (\d+)\)$", message)
    reason = message.removeprefix("JSON is malformed: ")
    if _AT_PATH.search(reason):  # "Integer value out of range - at `$[...]`": no usable path
        return f"malformed JSON: {_AT_PATH.sub('', reason).lower()} (beyond what a file may hold)"
    if found:
        byte = int(found.group(1))
        reason = f"{reason[: found.start() - len(message)].rstrip()} at {_line_column(raw, byte)}"
    return f"malformed JSON: {reason}"


def problem_from_validation(file: str, error: msgspec.ValidationError) -> Problem:
    """A :class:`Problem` from ``msgspec``'s "Expected `int`, got `str` - at `$.x`".

    Example:
        >>> import msgspec
        >>> str(problem_from_validation("f.json", msgspec.ValidationError(
        ...     "Expected `int`, got `str` - at `$.entities[0].start`")))
        'f.json: $.entities[0].start: expected int, got str'
    """
    message = str(error)
    found = _AT_PATH.search(message)
    path = found.group(1) if found else "$"
    reason = message[: found.start()] if found else message
    reason = reason.replace("`", "")
    if "matching regex" in reason and "A-Za-z0-9._-" in reason:
        reason = re.sub(
            r"matching regex .*$",
            "that is a safe name (letters, digits, '.', '_', '-'; starting with a letter or digit)",
            reason,
        )
    if reason.startswith("@") and ": " in reason:  # a model's own check, naming where below
        where, reason = reason[1:].split(": ", 1)
        path = path + ("" if where.startswith("[") else ".") + where
    reason = re.sub(r"^Object contains unknown field (.*)$", r"unknown field '\1'", reason)
    reason = re.sub(r"^Object missing required field (.*)$", r"missing field '\1'", reason)
    return Problem(file, path, reason[:1].lower() + reason[1:])


# --- reading ----------------------------------------------------------------------------------


def read_bytes(path: Path | str, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is opened without blocking and checked before anything is read: FIFOs, devices,
    sockets and folders are refused, and the read stops at the bound, so neither a FIFO nor
    ``/dev/zero`` nor a growing file can hang the tool or exhaust its memory.

    Raises:
        BenchError: ``<file>: <reason>`` when the file is missing, not a regular file or too big.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise BenchError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BenchError(f"{path}: not a regular file")
        if info.st_size > limit:
            raise BenchError(f"{path}: file is {info.st_size} bytes, more than {limit}")
        wanted = info.st_size + 1  # one byte more than the file holds: a short read is its end
        chunks = [os.read(fd, wanted)]
        size = len(chunks[0])
        while len(chunks[-1]) == wanted and size <= limit:  # the file grew since the fstat
            wanted = limit + 1 - size
            chunks.append(os.read(fd, wanted))
            size += len(chunks[-1])
    except OSError as exc:
        raise BenchError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise BenchError(f"{path}: file is more than {limit} bytes")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _keys_all_kept(raw: bytes, decoded: Any) -> bool:
    """Whether decoding ``raw`` kept every key: as many colons in the text as in the decoded
    data encoded again (every colon is a key's or inside a string), and no escaped colon
    (``\\u003a``) that the count could miss."""
    return b"\\u003" not in raw and raw.count(b":") == _ENCODER.encode(decoded).count(b":")


def duplicated_key(raw: bytes, decoded: Any) -> tuple[str, str] | None:
    """The (JSON path, key) of the first duplicated key in ``raw``, or None when there is none.

    ``decoded`` is ``raw`` decoded without a type (where a duplicated key kept its last value).
    The common case costs two byte counts and one encode: every colon of a JSON text is a key's
    or inside a string, so when the text holds as many colons as the decoded data encodes to,
    no key was dropped. Otherwise (or with an escaped colon, ``\\u003a``, that the count could
    miss) a full pass with :mod:`json` finds the key.

    Example:
        >>> duplicated_key(b'{"a": {"b": 1, "b": 2}}', {"a": {"b": 2}})
        ('$.a', 'b')
        >>> duplicated_key(b'{"a": "x:y"}', {"a": "x:y"}) is None
        True
    """
    if _keys_all_kept(raw, decoded):
        return None
    found: list[tuple[str, dict[str, Any]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs) and not found:
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    found.append((key, obj))
                    break
                seen.add(key)
        return obj

    try:
        json.loads(raw.decode("utf-8", "surrogatepass"), object_pairs_hook=pairs_hook)
    except (ValueError, RecursionError):
        return None  # the strict decoder has already accepted it; nothing more to say
    if not found:
        return None
    key, obj = found[0]
    return _path_of(decoded, obj), key


def _path_of(decoded: Any, target: dict[str, Any]) -> str:
    """The path of the first object equal to ``target``: where a duplicate is (the decoded
    data kept the same last values the standard parser did)."""
    return find_path(decoded, lambda v: isinstance(v, dict) and v == target) or "$"


LONE_SURROGATE = "not valid Unicode (a lone surrogate such as \\ud83d)"


def _lone_surrogate(raw: bytes) -> str | None:
    """The path of the first key or string holding a lone surrogate (which msgspec refuses
    without saying where), found with the standard parser, which accepts them."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return surrogate_path(data)


def find_path(data: Any, hit: Callable[[Any], bool]) -> str | None:
    """The path of the first value (breadth first) for which ``hit`` is true, or None; a
    mapping with a key for which it is true counts as a hit itself.

    Example:
        >>> find_path({"a": [1, {"b": 2.5}]}, lambda v: isinstance(v, float))
        '$.a[1].b'
    """
    todo: deque[tuple[tuple[Any, ...], Any]] = deque([((), data)])
    while todo:
        parts, value = todo.popleft()
        if hit(value):
            return json_path(parts)
        if isinstance(value, dict):
            if any(hit(key) for key in value):
                return json_path(parts)
            todo.extend(((*parts, key), item) for key, item in value.items())
        elif isinstance(value, (list, tuple)):
            todo.extend(((*parts, i), item) for i, item in enumerate(value))
    return None


def surrogate_path(data: Any) -> str | None:
    """The path of the first key or string of ``data`` that holds a lone surrogate, or None.

    Example:
        >>> surrogate_path({"a": ["ok", "\\ud83d"]})
        '$.a[1]'
    """
    return find_path(data, lambda v: isinstance(v, str) and _SURROGATE.search(v) is not None)


def _non_finite(raw: bytes) -> str | None:
    """The path of the first NaN or Infinity (not JSON, but the standard parser reads them)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return find_path(data, lambda v: isinstance(v, float) and not math.isfinite(v))


def decode_untyped(raw: bytes, file: str) -> tuple[Any, list[Problem]]:
    """Decode JSON without a model: refuse malformed text, NaN, overflow and duplicated keys."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        data = _UNTYPED.decode(raw)
    except msgspec.DecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            return None, [Problem(file, "", f"not UTF-8 (byte {bad.start})")]
        message = str(exc)
        if "invalid character" in message:
            where = _non_finite(raw)
            if where is not None:
                return None, [Problem(file, where, "NaN and Infinity are not JSON numbers")]
        if "surrogate" in message or (message == "Input data was truncated" and b"\\ud" in raw):
            where = _lone_surrogate(raw)
            if where is not None:
                return None, [Problem(file, where, LONE_SURROGATE)]
        return None, [Problem(file, "", _malformed(raw, message))]
    except msgspec.ValidationError as exc:  # 1e999, or an integer of thousands of digits
        reason = _AT_PATH.sub("", str(exc)).lower()
        return None, [Problem(file, "", f"malformed JSON: {reason} (beyond what a file may hold)")]
    except RecursionError:
        return None, [Problem(file, "", "malformed JSON: nested too deeply")]
    duplicate = duplicated_key(raw, data)
    if duplicate is not None:
        path, key = duplicate
        return None, [Problem(file, path, f"duplicated key {key!r}")]
    return data, []


def _mirror(info: Any, made: dict[type, Any]) -> Any:
    """The mirror of a model's type (see :func:`decode_plain`): each struct becomes one whose
    fields default to ``UNSET`` (so encoding writes exactly the keys a file held), anything
    else ``Any`` (decoded as is)."""
    import msgspec.inspect as mi

    if isinstance(info, mi.StructType):
        if info.cls not in made:
            made[info.cls] = Any  # while its fields are made (a recursive model)
            fields = [(f.encode_name, _mirror(f.type, made), msgspec.UNSET) for f in info.fields]
            if all(name.isidentifier() for name, _, _ in fields):
                made[info.cls] = msgspec.defstruct(f"Mirror{info.cls.__name__}", fields, gc=False)
        return made[info.cls]
    if isinstance(info, (mi.VarTupleType, mi.ListType)):
        return tuple[_mirror(info.item_type, made), ...]  # type: ignore[misc]
    if isinstance(info, mi.UnionType):
        kinds = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(kinds) == 1 and isinstance(kinds[0], mi.StructType):
            return _mirror(kinds[0], made) | None
    return Any


_PLAIN: dict[Any, tuple[msgspec.json.Decoder[Any], msgspec.json.Decoder[Any]]] = {}
"""Per model, the typed decoder and the mirror's of :func:`decode_plain`."""


def _plain_decoders(model: Any) -> tuple[msgspec.json.Decoder[Any], msgspec.json.Decoder[Any]]:
    decoders = _PLAIN.get(model)
    if decoders is None:
        import msgspec.inspect as mi

        mirror = _mirror(mi.type_info(model), {})
        decoders = _PLAIN[model] = (msgspec.json.Decoder(model), msgspec.json.Decoder(mirror))
    return decoders


def decode_plain(raw: bytes, model: type[T]) -> T | None:
    """``raw`` decoded into ``model`` when it is a plain file that :func:`decode_untyped` and
    :func:`convert` accept as they are; None otherwise (decode it with them: they say why).

    One typed decode, and the duplicated-key check of :func:`duplicated_key` made on a
    *mirror* of the model (structs whose fields are all optional and left out when encoding):
    decoded the same way, it encodes to exactly the keys the file holds, so as many colons as
    the file only when no key appears twice.

    Example:
        >>> class Point(msgspec.Struct, forbid_unknown_fields=True):
        ...     x: int
        >>> decode_plain(b'{"x": 1}', Point), decode_plain(b'{"x": 1, "x": 2}', Point)
        (Point(x=1), None)
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    typed, mirror = _plain_decoders(model)
    try:
        value: T = typed.decode(raw)
        copy = mirror.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeError):
        return None
    if not _keys_all_kept(raw, copy):
        return None
    return value


def convert(data: Any, model: type[T], file: str) -> tuple[T | None, list[Problem]]:
    """Build ``model`` from decoded JSON data, strictly (no string-to-number coercion)."""
    try:
        return msgspec.convert(data, model, strict=True), []
    except msgspec.ValidationError as exc:
        message = str(exc)
        on_key = _ON_KEY.search(message)
        if on_key is not None:  # "... - at `key` in `$.results`": say which key
            return None, [_key_problem(data, model, message, on_key.group(1), file)]
        problem = problem_from_validation(file, exc)
        if "[...]" in problem.path:
            problem = Problem(file, _pin_keys(data, model, message), problem.reason)
        return None, [problem]
    except UnicodeError:  # a lone surrogate in data that did not come from a file
        return None, [Problem(file, surrogate_path(data) or "$", LONE_SURROGATE)]
    except RecursionError:
        return None, [Problem(file, "", "nested too deeply")]


_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+|\.\.\.)\]")


def _key_problem(data: Any, model: type[Any], message: str, where: str, file: str) -> Problem:
    """The problem of a mapping key that fails its type (msgspec names the mapping, not the key)."""
    reason = problem_from_validation(file, msgspec.ValidationError(_ON_KEY.sub("", message)))
    path = _pin_keys(data, model, message, where)
    parts = _parts(path)
    mapping = _value_at(data, parts) if parts is not None else None
    if isinstance(mapping, dict):
        for key in mapping:
            trial = _with_value(data, parts or [], {key: mapping[key]})
            try:
                msgspec.convert(trial, model, strict=True)
            except msgspec.ValidationError as exc:
                if str(exc) == message:
                    return Problem(file, path, f"key {key!r:.60}: {reason.reason}")
    return Problem(file, path, f"a key: {reason.reason}")


def _parts(path: str) -> list[Any] | None:
    """The keys and indices of a path written by :func:`json_path` (None if it holds ``[...]``)."""
    parts: list[Any] = []
    for match in re.finditer(
        r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*')\]", path[1:]
    ):
        name, index, quoted = match.groups()
        if quoted is not None:
            parts.append(ast.literal_eval(quoted))
        else:
            parts.append(name if name is not None else int(index))
    return None if "[...]" in path else parts


def _pin_keys(data: Any, model: type[Any], message: str, where: str | None = None) -> str:
    """The error's path with each ``[...]`` (a mapping key msgspec does not name) replaced by the
    key: the mapping is cut down to one key at a time until the same error comes back."""
    if where is None:
        found = _AT_PATH.search(message)
        if not found:
            return "$"
        where = found.group(1)
    parts: list[Any] = []
    for match in _SEGMENT.finditer(where[1:]):
        name, index = match.groups()
        parts.append(name if name is not None else (... if index == "..." else int(index)))
    concrete: list[Any] = []
    for position, part in enumerate(parts):
        if part is ...:
            mapping = _value_at(data, concrete)
            if not isinstance(mapping, dict):
                break
            for key in mapping:
                trial = _with_value(data, concrete, {key: mapping[key]})
                try:
                    msgspec.convert(trial, model, strict=True)
                except msgspec.ValidationError as exc:
                    if str(exc) == message:
                        concrete.append(key)
                        break
            else:
                return json_path(concrete) + "".join(
                    "[...]" if p is ... else json_path([p])[1:] for p in parts[position:]
                )
        else:
            concrete.append(part)
    return json_path(concrete)


def _value_at(data: Any, parts: list[Any]) -> Any:
    for part in parts:
        data = data[part]
    return data


def _with_value(data: Any, parts: list[Any], value: Any) -> Any:
    """A copy of ``data`` with the value at ``parts`` replaced (only that path is copied)."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _with_value(data[head], rest, value)
    return copy


def decode_checked(raw: bytes, model: type[T], file: str) -> tuple[T | None, list[Problem]]:
    """Decode ``raw`` into ``model``; return the value, or None and the (first) problem."""
    data, problems = decode_untyped(raw, file)
    if problems:
        return None, problems
    return convert(data, model, file)


def decode(raw: bytes, model: type[T], file: str) -> T:
    """Decode ``raw`` into ``model``.

    Raises:
        BenchError: one line naming the file, the JSON path and the reason.
    """
    value, problems = decode_checked(raw, model, file)
    if value is None:
        raise BenchError.from_problems(problems)
    return value


def read(path: Path, model: type[T], *, limit: int = MAX_FILE_BYTES) -> T:
    """Read and decode one JSON file into ``model`` (see :func:`decode`).

    Raises:
        BenchError: one line naming the file, the JSON path and the reason.
    """
    return decode(read_bytes(path, limit=limit), model, str(path))


# --- writing ----------------------------------------------------------------------------------


def encode(value: Any, *, indent: int = 2) -> bytes:
    """JSON bytes of ``value`` (structs, dicts, lists…): UTF-8, ``indent`` spaces, final newline.

    Raises:
        BenchError: when ``value`` holds NaN or Infinity (which JSON cannot hold).

    Example:
        >>> encode({"a": [1, 2]}, indent=0)
        b'{"a":[1,2]}\\n'
    """
    data = _ENCODER.encode(value)
    if b"null" in data:
        _refuse_non_finite(value)
    if indent:
        data = msgspec.json.format(data, indent=indent)
    return data + b"\n"


def _refuse_non_finite(value: Any) -> None:
    """msgspec writes NaN and Infinity as null; a float that is not finite is an error here."""
    todo = [msgspec.to_builtins(value)]
    while todo:
        item = todo.pop()
        if isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise BenchError(f"cannot write {item}: JSON holds finite numbers only")
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


def write(path: Path, value: Any, *, model: type[Any] | None = None, indent: int = 2) -> None:
    """Write ``value`` as JSON, atomically; with ``model``, check it against the model first.

    Raises:
        BenchError: when the value does not fit ``model`` or the file cannot be written.
    """
    data = encode(value, indent=indent)
    if model is not None:
        _, problems = decode_checked(data, model, str(path))
        if problems:
            raise BenchError(f"not written: {problems[0]}")
    atomic_write_bytes(Path(path), data)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Raises:
        BenchError: when the folder cannot be created or written.
    """
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


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when this
    system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_folder(staging: Path, final: Path) -> None:
    """Move the folder ``staging`` to ``final``, replacing a folder there whole: in one step
    where the system can (:func:`exchange_paths`), else by two renames, the old folder put back
    if the second fails. A reader sees the old folder or the new one, never a mix.

    Raises:
        OSError: when the move fails (``final`` is then as it was).
    """
    if not os.path.lexists(final):
        os.rename(staging, final)
        return
    if exchange_paths(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # now the replaced folder
        return
    old = staging.with_name(staging.name.removesuffix(".partial") + ".old")
    os.rename(final, old)
    try:
        os.rename(staging, final)
    except OSError:
        os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def canonical_sha256(value: Any) -> str:
    """The sha256 of ``value``'s canonical JSON (keys sorted, no spaces): a stable content hash.

    Example:
        >>> canonical_sha256({"b": 1, "a": [1, 2]}) == canonical_sha256({"a": [1, 2], "b": 1})
        True
    """
    text = json.dumps(
        msgspec.to_builtins(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
