"""JSON Schema of the interchange format, generated from the dataclasses in :mod:`._models`.

The committed copy lives in ``benchmark/schema/annotation.schema.json``; a test checks that it is
current. Regenerate it with ``bench schema --write``.
"""

from __future__ import annotations

import dataclasses
import json
import types
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from ._models import SCHEMA_VERSION, Annotation, Span

SCHEMA_PATH = Path(__file__).parent / "schema" / "annotation.schema.json"
SCHEMA_ID = "https://fact-extraction-bench.invalid/schema/annotation-1.0.json"

# Fields whose JSON form is stricter than their Python default suggests.
_REQUIRED_WITH_DEFAULT = {"schema_version"}
_NON_NEGATIVE = {"start", "end"}
_DESCRIPTIONS = {
    "Annotation": "One document's annotations (gold) or predictions, in all four layers.",
    "Entity": "A named mention. Offsets are code-point indices, end exclusive.",
    "Speaker": "Someone quoted, with the names and titles the article uses for them.",
    "Quote": "A quotation's content span (quotation marks excluded), kind, speaker and cue.",
    "Claim": "A checkable proposition with evidence spans and a source.",
    "Span": "A half-open code-point range [start, end).",
}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        _add_definition(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        inner = _type_schema(options[0], defs) if len(options) == 1 else {}
        if "type" in inner and not isinstance(inner["type"], list):
            return {**inner, "type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(get_args(tp)[0], defs)}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if tp in simple:
        return {"type": simple[tp]}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _add_definition(cls: type, defs: dict[str, Any]) -> None:
    name = cls.__name__
    if name in defs:
        return
    defs[name] = {}  # placeholder against recursion
    hints = get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        prop = _type_schema(hints[f.name], defs)
        if f.name in _NON_NEGATIVE:
            prop["minimum"] = 0
        if f.name == "schema_version":
            prop = {"const": SCHEMA_VERSION}
        properties[f.name] = prop
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        if not has_default or f.name in _REQUIRED_WITH_DEFAULT:
            required.append(f.name)
    defs[name] = {
        "type": "object",
        "description": _DESCRIPTIONS.get(name, ""),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


@cache
def annotation_schema() -> dict[str, Any]:
    """Build the JSON Schema (draft 2020-12) of one annotation or prediction file.

    Example:
        >>> annotation_schema()["required"][:2]
        ['doc_id', 'text_sha256']
    """
    defs: dict[str, Any] = {}
    _add_definition(Span, defs)
    _add_definition(Annotation, defs)
    root = defs.pop("Annotation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Fact extraction annotation",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def schema_json() -> str:
    """The schema as the text committed in ``SCHEMA_PATH``."""
    return json.dumps(annotation_schema(), indent=2, ensure_ascii=False) + "\n"
