"""The fast schema check accepts exactly what jsonschema and the representability check accept."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from benchmark import _io
from benchmark._fastschema import compile_schema, is_plainly_valid
from benchmark._io import _validator, find_unrepresentable, parse_annotation

VALID: dict[str, Any] = {
    "schema_version": "1.0",
    "doc_id": "d",
    "text_sha256": "ab",
    "entities": [
        {"start": 0, "end": 3, "text": "Ann", "type": "PERSON", "entity_id": "ann"},
        {"start": 5, "end": 9, "text": "NATO", "type": "ORG"},
    ],
    "speakers": [{"name": "Ann", "entity_id": None, "aliases": ["A"], "role": "chief"}],
    "quotes": [
        {
            "start": 12,
            "end": 20,
            "text": "we grow!",
            "kind": "direct",
            "speaker": "Ann",
            "speaker_span": {"start": 0, "end": 3},
            "cue_span": None,
        }
    ],
    "claims": [
        {
            "text": "NATO grows",
            "source": "ann",
            "kind": "statement",
            "paraphrases": ["it grows"],
            "evidence": [{"start": 12, "end": 20}],
        }
    ],
}

VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    7,
    3.0,
    0.5,
    "x",
    "",
    "PERSON",
    "direct",
    "fact",
    "1.0",
    "\ud83d",
    "ok\udc00",
    2**63,
    2**63 - 1,
    -(2**63) - 1,
    [],
    {},
    ["a"],
    [1],
    {"start": 1, "end": 2},
    [{"start": 0, "end": 1}],
)
KEYS: tuple[Any, ...] = ("start", "end", "text", "type", "kind", "speaker", "bogus", "entity_id")


def full_check_ok(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data)) and not find_unrepresentable(data)


def containers(data: Any) -> list[Any]:
    out, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (dict, list)):
            out.append(item)
            stack.extend(item.values() if isinstance(item, dict) else item)
    return out


def mutate(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 2)):
        target = rng.choice(containers(data))
        roll = rng.random()
        if isinstance(target, dict):
            if target and roll < 0.3:
                del target[rng.choice(list(target))]
            elif target and roll < 0.8:
                target[rng.choice(list(target))] = copy.deepcopy(rng.choice(VALUES))
            else:
                target[rng.choice(KEYS)] = copy.deepcopy(rng.choice(VALUES))
        elif target and roll < 0.5:
            target[rng.randrange(len(target))] = copy.deepcopy(rng.choice(VALUES))
        elif target and roll < 0.7:
            del target[rng.randrange(len(target))]
        else:
            target.append(copy.deepcopy(rng.choice(VALUES)))
    return data


def test_valid_document_is_accepted() -> None:
    assert full_check_ok(VALID) and is_plainly_valid(VALID)


def test_fast_check_agrees_with_jsonschema_on_random_mutations() -> None:
    rng = random.Random(0)
    accepted = rejected = 0
    for _ in range(4000):
        data = mutate(rng, VALID)
        expected = full_check_ok(data)
        assert is_plainly_valid(data) == expected, data
        accepted += expected
        rejected += not expected
    assert accepted > 200 and rejected > 2000


def test_parse_annotation_same_result_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    samples = [VALID] + [mutate(rng, VALID) for _ in range(500)]
    fast = [parse_annotation(data, "f.json") for data in samples]
    monkeypatch.setattr(_io, "is_plainly_valid", lambda data: False)
    slow = [parse_annotation(data, "f.json") for data in samples]
    assert fast == slow
    assert sum(ann is not None for ann, _ in fast) > 50


def test_unsupported_schema_keywords_turn_the_fast_path_off() -> None:
    assert compile_schema({"type": "string", "maxLength": 3}) is None
    assert compile_schema({"type": "object", "properties": {}}) is None  # extra keys unchecked
    assert compile_schema({"description": "anything"}) is None
    assert compile_schema({"enum": [1, 2]}) is None
    check = compile_schema(
        {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/S"}], "$defs": {"S": {"type": "string"}}}
    )
    assert check is not None and check(None) and check("a") and not check(1)
