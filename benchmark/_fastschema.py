"""A fast yes/no check of annotation JSON against the schema, before the full jsonschema pass.

:func:`benchmark._io.parse_annotation` asks :func:`is_plainly_valid` first: when it says yes, the
data is valid for the schema *and* holds nothing unrepresentable (lone surrogates, integers
beyond 64 bits), so the jsonschema pass (about 90% of the cost of reading a prediction file) is
skipped. When it says no, the full pass runs and reports the problems with the usual messages.

The checker is compiled from the same schema (:func:`benchmark._schema.annotation_schema`) into
small closures. It knows the keywords the schema uses: ``type``, ``enum``, ``const``,
``properties``, ``required``, ``additionalProperties``, ``items``, ``$ref``, ``anyOf`` and
``minimum``, with the harness's integer rule (an ``int``, not a ``bool`` nor ``3.0``). A schema
with any other validation keyword compiles to nothing, and then every check goes the slow way.
A test asserts, on random mutations of valid documents, that the fast answer is yes exactly
when the full pass finds no problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

Check = Callable[[Any], bool]

MAX_JSON_INT = 2**63
"""Integers must lie in [-2**63, 2**63): the same bound as ``_io.find_unrepresentable``."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_ANNOTATIONS = frozenset({"description", "title", "$schema", "$id", "$defs", "default"})
_KNOWN = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "$ref",
        "anyOf",
        "minimum",
    }
)


class _Unsupported(Exception):
    """The schema uses something the fast checker does not implement."""


def _is_string(value: Any) -> bool:
    return isinstance(value, str) and (value.isascii() or _SURROGATE.search(value) is None)


def _is_integer(value: Any) -> bool:
    return type(value) is int and -MAX_JSON_INT <= value < MAX_JSON_INT


_TYPES: dict[str, Check] = {
    "string": _is_string,
    "integer": _is_integer,
    "null": lambda value: value is None,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
    "boolean": lambda value: isinstance(value, bool),
}


def compile_schema(schema: Mapping[str, Any]) -> Check | None:
    """A function telling whether data is valid and representable, or None if unsupported.

    Example:
        >>> check = compile_schema({"type": "object", "properties": {"n": {"type": "integer"}},
        ...                         "required": ["n"], "additionalProperties": False})
        >>> check({"n": 3}), check({"n": 3.0}), check({"n": True}), check({})
        (True, False, False, False)
        >>> check({"n": 1, "m": 2})
        False
        >>> compile_schema({"type": "string", "pattern": "x"}) is None
        True
    """
    definitions: dict[str, Any] = dict(schema.get("$defs", {}))
    compiled: dict[str, Check] = {}

    def reference(ref: str) -> Check:
        prefix = "#/$defs/"
        if not ref.startswith(prefix) or ref[len(prefix) :] not in definitions:
            raise _Unsupported(ref)
        name = ref[len(prefix) :]
        if name not in compiled:
            compiled[name] = lambda value: compiled[name](value)  # placeholder for recursion
            compiled[name] = build(definitions[name])
        return compiled[name]

    def build(node: Any) -> Check:
        if not isinstance(node, dict):
            raise _Unsupported(node)
        unknown = set(node) - _KNOWN - _ANNOTATIONS
        if unknown or not {"type", "enum", "const", "$ref", "anyOf"} & set(node):
            raise _Unsupported(node)  # an unconstrained node would skip the surrogate check
        checks: list[Check] = []
        if "$ref" in node:
            checks.append(reference(node["$ref"]))
        if "anyOf" in node:
            options = [build(option) for option in node["anyOf"]]
            checks.append(lambda value: any(option(value) for option in options))
        if "type" in node:
            names = [node["type"]] if isinstance(node["type"], str) else list(node["type"])
            if any(name not in _TYPES for name in names):
                raise _Unsupported(names)
            tests = [_TYPES[name] for name in names]
            checks.append(tests[0] if len(tests) == 1 else lambda v: any(t(v) for t in tests))
        if "enum" in node:
            checks.append(_strings_in(node["enum"]))
        if "const" in node:
            checks.append(_strings_in([node["const"]]))
        if "minimum" in node:
            minimum = node["minimum"]
            checks.append(
                lambda value: (
                    not isinstance(value, (int, float))
                    or isinstance(value, bool)
                    or value >= minimum
                )
            )
        if "items" in node:
            item = build(node["items"])
            checks.append(lambda value: not isinstance(value, list) or all(item(x) for x in value))
        if {"properties", "required", "additionalProperties"} & set(node):
            checks.append(_object(node, build))
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    try:
        return build(schema)
    except _Unsupported:
        return None


def _strings_in(values: list[Any]) -> Check:
    if not all(isinstance(v, str) for v in values):
        raise _Unsupported(values)  # JSON equality of numbers and bools is not Python's
    allowed = frozenset(values)
    return lambda value: isinstance(value, str) and value in allowed


def _object(node: Mapping[str, Any], build: Callable[[Any], Check]) -> Check:
    if node.get("additionalProperties", True) is not False:
        raise _Unsupported(node)  # extra keys would go unchecked
    properties = {name: build(sub) for name, sub in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True  # the "type" keyword decides; these keywords apply to objects only
        for name in required:
            if name not in value:
                return False
        for key, item in value.items():
            test = properties.get(key) if isinstance(key, str) else None
            if test is None or not test(item):
                return False
        return True

    return check


@cache
def _annotation_check() -> Check | None:
    from ._schema import annotation_schema

    return compile_schema(annotation_schema())


def is_plainly_valid(data: Any) -> bool:
    """True when ``data`` is schema-valid annotation JSON with nothing unrepresentable in it.

    False means "not proven": run the full check for the problems.

    Example:
        >>> is_plainly_valid({"schema_version": "1.0", "doc_id": "d", "text_sha256": ""})
        True
        >>> is_plainly_valid({"schema_version": "1.0", "doc_id": "d"})
        False
    """
    check = _annotation_check()
    return check is not None and check(data)
