from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmark._errors import BenchError
from benchmark._io import (
    annotation_to_json,
    check_doc_id,
    parse_annotation,
    read_annotation,
    read_document,
    write_annotation,
)
from benchmark._json import atomic_write_text
from tests.factories import tiny_annotation


def test_annotation_round_trips_through_json(tmp_path: Path) -> None:
    annotation = tiny_annotation()
    write_annotation(tmp_path / "tiny.json", annotation)
    assert read_annotation(tmp_path / "tiny.json") == annotation


def test_json_keys_follow_the_design_order() -> None:
    data = annotation_to_json(tiny_annotation())
    assert list(data) == [
        "schema_version", "doc_id", "text_sha256", "entities", "speakers", "quotes", "claims",
    ]  # fmt: skip
    assert list(data["quotes"][0]) == [
        "start", "end", "text", "kind", "speaker", "speaker_span", "cue_span",
    ]  # fmt: skip
    assert data["quotes"][0]["speaker_span"] == {"start": 0, "end": 9}
    assert data["claims"][0]["evidence"][0].keys() == {"start", "end"}


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (lambda d: d["entities"][0].update(type="PEOPLE"), "$.entities[0].type", "not one of"),
        (lambda d: d["entities"][0].pop("end"), "$.entities[0]", "missing field 'end'"),
        (lambda d: d["entities"][0].update(start="0"), "$.entities[0].start", "expected integer"),
        (lambda d: d["entities"][0].update(start=-1), "$.entities[0].start", "minimum"),
        (lambda d: d["entities"][0].update(start=2**31), "$.entities[0].start", "maximum"),
        (lambda d: d["entities"][0].update(start=1.0), "$.entities[0].start", "expected integer"),
        (lambda d: d["entities"][0].update(start=True), "$.entities[0].start", "expected integer"),
        (lambda d: d.update(entites=[]), "$", "unknown field"),
        (lambda d: d["quotes"][0].update(kind="said"), "$.quotes[0].kind", "not one of"),
        (lambda d: d.update(schema_version="2.0"), "$.schema_version", "1.0"),
    ],
)
def test_schema_problems_name_the_json_path(mutate, path, reason) -> None:  # type: ignore[no-untyped-def]
    data = annotation_to_json(tiny_annotation())
    mutate(data)
    annotation, problems = parse_annotation(data, "x.json")
    assert annotation is None
    assert any(p.path == path and reason in p.reason for p in problems), problems


def test_every_schema_problem_is_listed() -> None:
    data = annotation_to_json(tiny_annotation())
    data["entities"][0]["type"] = "X"
    data["entities"][1]["type"] = "Y"
    _, problems = parse_annotation(data, "x.json")
    assert {p.path for p in problems} == {"$.entities[0].type", "$.entities[1].type"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b'{"doc_id": ', "malformed JSON"), (b"\xff\xfe", "not UTF-8"), (b"[]", "JSON object")],
)
def test_unreadable_files_give_one_line_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(BenchError) as info:
        read_annotation(path)
    message = str(info.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_read_document_keeps_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes("\ufeffa\r\nb".encode())
    assert read_document(path).text == "\ufeffa\r\nb"


@pytest.mark.parametrize("doc_id", ["../x", "a/b", "..", "", ".hidden", "a\\b"])
def test_unsafe_doc_ids_are_refused(doc_id: str) -> None:
    assert check_doc_id(doc_id) is not None


def test_atomic_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(BenchError, match="No space left"):
        atomic_write_text(target, json.dumps({"new": True}))
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_unwritable_target_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(BenchError, match="cannot write"):
        atomic_write_text(blocker / "sub" / "x.json", "{}")
