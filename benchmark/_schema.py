"""JSON Schema of the interchange format, generated from the models in :mod:`._models`.

``msgspec`` derives it from the same structs that decode the files, so the schema and the
decoder cannot disagree. The committed copy lives in ``benchmark/schema/annotation.schema.json``;
a test checks that it is current. Regenerate it with ``bench schema --write``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from ._models import CLAIM_KINDS, ENTITY_TYPES, QUOTE_KINDS, Annotation

SCHEMA_PATH = Path(__file__).parent / "schema" / "annotation.schema.json"
SCHEMA_ID = "https://fact-extraction-bench.invalid/schema/annotation-1.0.json"


def _tidy(node: Any) -> Any:
    """Descriptions cut to their first paragraph (no docstring examples), tuples as lists."""
    if isinstance(node, dict):
        out = {key: _tidy(value) for key, value in node.items()}
        if isinstance(out.get("description"), str):
            out["description"] = " ".join(out["description"].split("\n\n")[0].split())
        return out
    if isinstance(node, (list, tuple)):
        return [_tidy(item) for item in node]
    return node


@cache
def annotation_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one annotation or prediction file.

    Example:
        >>> annotation_schema()["required"]
        ['doc_id', 'text_sha256']
    """
    generated = _tidy(msgspec.json.schema(Annotation))
    defs: dict[str, Any] = generated["$defs"]
    for record, field, values in (  # msgspec sorts enums; keep the format's own order
        ("Entity", "type", ENTITY_TYPES),
        ("Quote", "kind", QUOTE_KINDS),
        ("Claim", "kind", CLAIM_KINDS),
    ):
        defs[record]["properties"][field]["enum"] = list(values)
    root = defs.pop("Annotation")
    root.pop("title", None)
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
