from __future__ import annotations

import json

import jsonschema

from benchmark._io import annotation_to_json
from benchmark._schema import SCHEMA_PATH, annotation_schema, schema_json
from tests.factories import tiny_annotation


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_json(), (
        "the committed JSON Schema is stale: run `bench schema --write`"
    )


def test_schema_is_valid_and_accepts_an_annotation() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(annotation_to_json(tiny_annotation()), schema)


def test_schema_names_every_field_of_the_design() -> None:
    defs = annotation_schema()["$defs"]
    assert set(annotation_schema()["properties"]) == {
        "schema_version", "doc_id", "text_sha256", "entities", "speakers", "quotes", "claims",
    }  # fmt: skip
    assert set(defs["Entity"]["properties"]) == {"start", "end", "text", "type", "entity_id"}
    assert set(defs["Speaker"]["properties"]) == {"entity_id", "name", "aliases", "role"}
    assert set(defs["Quote"]["properties"]) == {
        "start", "end", "text", "kind", "speaker", "speaker_span", "cue_span",
    }  # fmt: skip
    assert set(defs["Claim"]["properties"]) == {"text", "paraphrases", "evidence", "source", "kind"}
    assert defs["Entity"]["properties"]["type"]["enum"] == [
        "PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC",
    ]  # fmt: skip
