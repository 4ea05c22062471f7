"""DESIGN §9 by example: a corpus of bad input, each case one precise, located error.

Every case goes through ``bench validate`` (CliRunner): exit 1, one stdout line per problem
naming the file and the JSON path, never a traceback; and through the loaders, which raise only
:class:`~benchmark._errors.BenchError`. Decisions recorded here:

- Offsets are Python ``str`` indices (code points). An astral character (an emoji) is one code
  point, so valid UTF-8 has no surrogate pair to split; a lone surrogate escape (``"\\ud83d"``)
  in a JSON file is reported as "not valid Unicode", never written or crashed on.
- A span that starts or ends on a combining mark splits a character: a problem.
- CRLF is kept (never normalised): offsets into CRLF text stay exact.
- A BOM at the start of an article is kept as U+FEFF (it counts as one code point) and the
  sha256 is of the bytes; a BOM at the start of a JSON file is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from benchmark._cli import cli
from benchmark._errors import BenchError
from benchmark._gold import load_gold
from benchmark._io import (
    annotation_to_json,
    read_annotation,
    read_document,
    write_annotation,
)
from benchmark._models import Annotation, Entity, Speaker, sha256_text
from tests.factories import TINY_TEXT, tiny_annotation

VALID = annotation_to_json(tiny_annotation())


def _validate(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    assert "Traceback" not in result.output
    return result


def _gold(root: Path, text: str | bytes, annotation: Any, doc_id: str = "tiny") -> Path:
    """A gold folder with one article (bytes written as given) and one annotation (JSON data,
    or raw text written as is)."""
    (root / "articles").mkdir(parents=True)
    (root / "annotations").mkdir()
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    (root / "articles" / f"{doc_id}.txt").write_bytes(raw)
    target = root / "annotations" / f"{doc_id}.json"
    if isinstance(annotation, str):
        target.write_text(annotation, encoding="utf-8")
    else:
        target.write_text(json.dumps(annotation, ensure_ascii=True), encoding="utf-8")
    return root


def _with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    change(data)
    return data


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


# --- one bad prediction file, checked against the tiny gold -----------------------------------

TRUNCATED = json.dumps(VALID)[:57]

PREDICTION_CASES: list[tuple[str, str | dict[str, Any], str, str]] = [
    ("truncated", TRUNCATED, "", "malformed JSON"),
    ("not an object", "[1, 2]", "$", "expected a JSON object, got list"),
    ("empty file", "", "", "malformed JSON"),
    (
        "start as string",
        _with(_set("entities.0.start", "0")),
        "$.entities[0].start",
        "expected integer",
    ),
    (
        "start as float",
        _with(_set("entities.0.start", 0.0)),
        "$.entities[0].start",
        "expected integer, got float",
    ),
    (
        "end as bool",
        _with(_set("entities.0.end", True)),
        "$.entities[0].end",
        "expected integer, got bool",
    ),
    ("entities not a list", _with(_set("entities", {})), "$.entities", "expected array"),
    (
        "negative offset",
        _with(_set("entities.0.start", -1)),
        "$.entities[0].start",
        "less than the minimum of 0",
    ),
    (
        "offset past the end",
        _with(_set("entities.0.end", 10_000)),
        "$.entities[0]",
        "outside the text",
    ),
    (
        "offset beyond 64 bits",
        _with(_set("entities.0.end", 2**80)),
        "$.entities[0].end",
        "greater than the maximum",
    ),
    ("reversed span", _with(_set("entities.0.end", 0)), "$.entities[0]", "empty or reversed span"),
    (
        "text mismatch",
        _with(_set("entities.0.text", "Bob Smith")),
        "$.entities[0].text",
        "does not match the article's 'Ann Smith'",
    ),
    (
        "unknown type",
        _with(_set("entities.0.type", "PERSONA")),
        "$.entities[0].type",
        "'PERSONA' is not one of PERSON",
    ),
    (
        "unknown quote kind",
        _with(_set("quotes.0.kind", "shouted")),
        "$.quotes[0].kind",
        "is not one of direct",
    ),
    (
        "cue out of range",
        _with(_set("quotes.0.cue_span", {"start": 5, "end": 999})),
        "$.quotes[0].cue_span",
        "outside the text",
    ),
    (
        "evidence negative",
        _with(_set("claims.0.evidence", [{"start": -3, "end": 2}])),
        "$.claims[0].evidence[0].start",
        "minimum",
    ),
    (
        "unknown layer",
        _with(_set("relations", [])),
        "$",
        "unknown field ('relations' was unexpected)",
    ),
    (
        "missing layer field",
        _with(lambda d: d.pop("text_sha256")),
        "$",
        "missing field 'text_sha256'",
    ),
    (
        "sha256 mismatch",
        _with(_set("text_sha256", "0" * 64)),
        "$.text_sha256",
        "does not match the article",
    ),
    (
        "doc id with ../",
        _with(_set("doc_id", "../tiny")),
        "$.doc_id",
        "'../tiny' differs from the file's 'tiny'",
    ),
    (
        "lone surrogate in text",
        _with(_set("entities.0.text", "\ud83d")),
        "$.entities[0].text",
        "not valid Unicode",
    ),
    (
        "lone surrogate in speaker",
        _with(_set("speakers.0.name", "Ann \ude00")),
        "$.speakers[0].name",
        "not valid Unicode",
    ),
    ("lone surrogate as key", _with(_set("\ud83d", 1)), "$", "not valid Unicode"),
    ("newline in a key", _with(_set("a\nb", 1)), "$", "unknown field"),
]


@pytest.mark.parametrize(
    ("content", "json_path", "reason"),
    [case[1:] for case in PREDICTION_CASES],
    ids=[case[0] for case in PREDICTION_CASES],
)
def test_bad_prediction_is_one_located_line(
    tmp_path: Path, content: str | dict[str, Any], json_path: str, reason: str
) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    folder = tmp_path / "predictions" / "sys"
    folder.mkdir(parents=True)
    file = folder / "tiny.json"
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=True)
    file.write_text(text, encoding="utf-8")
    result = _validate("--gold", str(gold), "--predictions", str(tmp_path / "predictions"))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines, result.output
    assert all(line.startswith(f"{file}: ") for line in lines), lines
    expected = f"{file}: {json_path}: " if json_path else f"{file}: "
    assert any(line.startswith(expected) and reason in line for line in lines), lines
    assert result.stderr.strip() == f"{len(lines)} problem(s) found"
    from benchmark._run._stream import score_stream

    with pytest.raises(BenchError) as raised:  # by the loader, or at the latest by the scorer
        read_annotation(file)
        score_stream(gold, tmp_path / "predictions", samples=0)
    assert str(raised.value).startswith(f"{file}"), raised.value
    assert "\n" not in str(raised.value)


# --- bad gold ---------------------------------------------------------------------------------


def _combining_case() -> tuple[str, dict[str, Any]]:
    text = "Cafe\u0301 Nero said hi."  # 'e' + COMBINING ACUTE ACCENT
    ann = Annotation("tiny", sha256_text(text), entities=(Entity(0, 4, "Cafe", "ORG"),))
    return text, annotation_to_json(ann)


def _duplicate_speakers() -> tuple[str, dict[str, Any]]:
    speakers = (Speaker("Ann Smith", "ann-smith"), Speaker("A. Smith", "ann-smith"))
    ann = Annotation("tiny", sha256_text(TINY_TEXT), speakers=speakers)
    return TINY_TEXT, annotation_to_json(ann)


@pytest.mark.parametrize(
    ("make", "json_path", "reason"),
    [
        (_combining_case, "$.entities[0]", "splits a character"),
        (_duplicate_speakers, "$.speakers[1].entity_id", "duplicate speaker 'ann-smith'"),
        (
            lambda: (TINY_TEXT, _with(_set("entities.0.entity_id", "Ann Smith"))),
            "$.entities[0].entity_id",
            "not a kebab-case id",
        ),
        (
            lambda: (TINY_TEXT, _with(_set("quotes.0.speaker", "bob"))),
            "$.quotes[0].speaker",
            "'bob' is not a speaker's entity_id",
        ),
    ],
    ids=["combining character split", "duplicate speaker ids", "non-kebab id", "unknown speaker"],
)
def test_bad_gold_is_one_located_line(
    tmp_path: Path, make: Callable[[], tuple[str, dict[str, Any]]], json_path: str, reason: str
) -> None:
    text, data = make()
    gold = _gold(tmp_path / "gold", text, data)
    file = gold / "annotations" / "tiny.json"
    result = _validate("--gold", str(gold))
    assert result.exit_code == 1
    assert f"{file}: {json_path}: " in result.stdout and reason in result.stdout, result.stdout
    with pytest.raises(BenchError, match=r"^" + str(file).replace(".", r"\.")):
        load_gold(gold)


def test_astral_character_counts_as_one_code_point(tmp_path: Path) -> None:
    text = "😀 Ann Smith waved."
    ann = Annotation("tiny", sha256_text(text), entities=(Entity(2, 11, "Ann Smith", "PERSON"),))
    gold = _gold(tmp_path / "gold", text, annotation_to_json(ann))
    assert _validate("--gold", str(gold)).exit_code == 0
    assert load_gold(gold)["tiny"].annotation.entities[0].text == "Ann Smith"
    # UTF-16 offsets (the emoji as two units) are off by one: caught as a text mismatch.
    utf16 = Annotation("tiny", sha256_text(text), entities=(Entity(3, 12, "Ann Smith", "PERSON"),))
    bad = _gold(tmp_path / "bad", text, annotation_to_json(utf16))
    assert "$.entities[0].text: 'Ann Smith' does not match" in _validate("--gold", str(bad)).stdout


def test_crlf_article_is_kept_and_offsets_stay_exact(tmp_path: Path) -> None:
    text = "Headline\r\n\r\nAnn Smith said hi.\r\nParis.\r\n"
    start = text.index("Paris")
    assert start == 32  # would be 29 after CRLF -> LF normalisation
    ann = Annotation(
        "tiny",
        sha256_text(text),
        entities=(Entity(12, 21, "Ann Smith", "PERSON", "ann-smith"),),
    )
    ann = Annotation(
        "tiny", ann.text_sha256, entities=(*ann.entities, Entity(start, start + 5, "Paris", "GPE"))
    )
    gold = _gold(tmp_path / "gold", text, annotation_to_json(ann))
    assert _validate("--gold", str(gold)).exit_code == 0
    document = read_document(gold / "articles" / "tiny.txt")
    assert document.text == text and "\r\n" in document.text
    assert document.sha256 == sha256_text(text)
    # The same offsets against LF-normalised text would be wrong, and are caught:
    lf = _gold(tmp_path / "lf", text.replace("\r\n", "\n"), annotation_to_json(ann))
    out = _validate("--gold", str(lf)).stdout
    assert "$.text_sha256: does not match" in out and "$.entities[1]" in out


def test_bom_in_article_is_kept_as_a_code_point_and_hashed_as_bytes(tmp_path: Path) -> None:
    import hashlib

    raw = "\ufeffAnn Smith left.".encode()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    ann = Annotation(
        "tiny",
        hashlib.sha256(raw).hexdigest(),
        entities=(Entity(1, 10, "Ann Smith", "PERSON", "ann-smith"),),
    )
    gold = _gold(tmp_path / "gold", raw, annotation_to_json(ann))
    assert _validate("--gold", str(gold)).exit_code == 0
    document = read_document(gold / "articles" / "tiny.txt")
    assert document.text[0] == "\ufeff" and document.sha256 == hashlib.sha256(raw).hexdigest()
    stripped = Annotation(
        "tiny", ann.text_sha256, entities=(Entity(0, 9, "Ann Smith", "PERSON", "ann-smith"),)
    )
    bad = _gold(tmp_path / "bad", text, annotation_to_json(stripped))
    assert "$.entities[0].text" in _validate("--gold", str(bad)).stdout


def test_bom_at_the_start_of_a_json_file_is_accepted(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    file = gold / "annotations" / "tiny.json"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    assert _validate("--gold", str(gold)).exit_code == 0
    assert read_annotation(file) == tiny_annotation()


# --- files and folders --------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["..tiny", ".hidden", "a b", "tiny\n", "-dash"])
def test_article_with_an_unsafe_doc_id_is_refused(tmp_path: Path, stem: str) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    (gold / "articles" / f"{stem}.txt").write_text("Text.", encoding="utf-8")
    with pytest.raises(BenchError, match="doc id"):
        read_document(gold / "articles" / f"{stem}.txt")
    result = _validate("--gold", str(gold))
    assert result.exit_code == 1
    assert "no path separators" in result.stdout
    assert len(result.stdout.splitlines()) >= 1


def test_prediction_file_with_an_unsafe_name_is_refused(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    folder = tmp_path / "predictions"
    folder.mkdir()
    (folder / "..tiny.json").write_text(json.dumps(VALID), encoding="utf-8")
    result = _validate("--gold", str(gold), "--predictions", str(folder))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{folder / '..tiny.json'}: doc id '..tiny'")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    from benchmark._io import MAX_FILE_BYTES

    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    folder = tmp_path / "predictions"
    folder.mkdir()
    huge = folder / "tiny.json"
    with huge.open("wb") as handle:  # sparse: no 50 MiB actually written
        handle.truncate(MAX_FILE_BYTES + 1)
    result = _validate("--gold", str(gold), "--predictions", str(folder))
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"{huge}: file is {MAX_FILE_BYTES + 1} bytes, more than {MAX_FILE_BYTES}"
    )
    with pytest.raises(BenchError, match="more than"):
        read_annotation(huge)
    huge_article = folder / "big.txt"
    with huge_article.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(BenchError, match="more than"):
        read_document(huge_article)


def test_empty_gold_folder_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "gold" / "articles").mkdir(parents=True)
    (tmp_path / "gold" / "annotations").mkdir()
    result = _validate("--gold", str(tmp_path / "gold"))
    assert result.exit_code == 1
    assert (
        result.stdout.strip()
        == f"{tmp_path / 'gold' / 'articles'}: no *.txt articles in this folder"
    )
    with pytest.raises(BenchError, match=r"no \*\.txt articles"):
        load_gold(tmp_path / "gold")


def test_missing_gold_folder_is_one_error(tmp_path: Path) -> None:
    result = _validate("--gold", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{tmp_path / 'nope'}: no such gold folder"


def test_empty_predictions_folder_is_one_error_for_score(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    (tmp_path / "predictions").mkdir()
    result = CliRunner().invoke(
        cli, ["score", "--gold", str(gold), "--predictions", str(tmp_path / "predictions")]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"bench: error: {tmp_path / 'predictions'}: no prediction files (<doc_id>.json) found"
    )


def test_stray_files_are_ignored_but_an_unknown_doc_is_reported(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    for folder in (gold / "articles", gold / "annotations"):
        (folder / "README.md").write_text("# notes\n")
        (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\xff\xfe")
    assert _validate("--gold", str(gold)).exit_code == 0
    predictions = tmp_path / "predictions" / "sys"
    predictions.mkdir(parents=True)
    write_annotation(predictions / "tiny.json", tiny_annotation())
    (predictions / "README.md").write_text("notes")
    (predictions / ".DS_Store").write_bytes(b"\x00\x01")
    assert _validate("--gold", str(gold), "--predictions", str(predictions)).exit_code == 0
    (predictions / "other.json").write_text(json.dumps(VALID))
    result = _validate("--gold", str(gold), "--predictions", str(predictions))
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{predictions / 'other.json'}: no article with doc id 'other'"
    extra_gold = gold / "annotations" / "other.json"
    extra_gold.write_text(json.dumps(VALID))
    assert f"{extra_gold}: no article with doc id 'other'" in _validate("--gold", str(gold)).stdout


def test_article_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", b"Caf\xe9 Nero", VALID)
    result = _validate("--gold", str(gold))
    assert result.exit_code == 1
    assert f"{gold / 'articles' / 'tiny.txt'}: not UTF-8 (byte 3)" in result.stdout
    with pytest.raises(BenchError, match=r"not UTF-8 \(byte 3\)"):
        read_document(gold / "articles" / "tiny.txt")


def test_deeply_nested_json_is_one_error(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, "[" * 100_000 + "]" * 100_000)
    result = _validate("--gold", str(gold))
    assert result.exit_code == 1
    assert "malformed JSON" in result.stdout and "Traceback" not in result.output


def test_integer_longer_than_python_parses_is_one_error(tmp_path: Path) -> None:
    text = json.dumps(VALID).replace('"start": 0', '"start": ' + "9" * 5000, 1)
    gold = _gold(tmp_path / "gold", TINY_TEXT, text)
    result = _validate("--gold", str(gold))
    assert result.exit_code == 1
    file = gold / "annotations" / "tiny.json"
    assert result.stdout.startswith(f"{file}: malformed JSON: integer value out of range")


def test_problem_lines_never_span_lines_for_hostile_file_names(tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold", TINY_TEXT, VALID)
    folder = tmp_path / "predictions"
    folder.mkdir()
    (folder / "evil\nname.json").write_text("{}")
    result = _validate("--gold", str(gold), "--predictions", str(folder))
    assert result.exit_code == 1
    assert result.stdout == f"{folder}/evil\\nname.json: doc id 'evil\\nname' must be letters, " + (
        "digits, '.', '_' or '-' (no path separators, no '..')\n"
    )
    (folder / "evil\nname.json").unlink()
    (folder / "tiny.json").write_text(json.dumps(_with(_set("speakers.0.name", "\ud83d"))))
    (folder / "\udcff.json").write_text("{}")  # a file name that is not UTF-8 (byte 0xff)
    result = _validate("--gold", str(gold), "--predictions", str(folder))
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == [
        f"{folder}/\\udcff.json: doc id '\\udcff' must be letters, digits, '.', '_' or '-' "
        "(no path separators, no '..')",
        f"{folder}/tiny.json: $.speakers[0].name: not valid Unicode (a lone surrogate such as "
        "\\ud83d)",
    ]
