"""Hostile inputs to every importer: one line naming file:line (or file: $.path), exit 1, no
traceback, nothing written; and the output rule (new, empty, or a previous output)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark import Document, Example
from benchmark._cli import cli
from benchmark._convert import convert, write_corpus
from tests.factories import TINY_TEXT, tiny_annotation

Edit = Callable[[str], str]


@pytest.fixture
def tiny() -> list[Example]:
    return [Example(Document("tiny", TINY_TEXT), tiny_annotation())]


def _bench(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["convert", *args])
    return result.exit_code, result.output


def _broken(tmp_path: Path, tiny: list[Example], fmt: str, file: str, edit: Edit) -> list[str]:
    """Write ``tiny`` as ``fmt``, apply ``edit`` to ``file`` in it, convert back to bench."""
    source = tmp_path / ("src" if fmt in ("brat", "conll") else f"src.{fmt}")
    write_corpus(tiny, source, fmt)
    target = source / file if file else source
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out"
    code, output = _bench(["--from", fmt, "--to", "bench", str(source), str(out)])
    assert code == 1
    assert not out.exists()  # nothing half-written
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in output
    return lines


CASES = [
    # jsonl: malformed line, mismatched text, offsets off the text, unknown label
    ("jsonl", "", lambda s: s + "{not json\n", ":2: malformed JSON"),
    ("jsonl", "", lambda s: s.replace("Paris on", "Rome on"), ":1: $.text_sha256: does not match"),
    ("jsonl", "", lambda s: s.replace('"end":9,', '"end":900,', 1), "outside the text"),
    ("jsonl", "", lambda s: s.replace('"GPE"', '"CITY"', 1), "'CITY' is not one of"),
    # brat
    (
        "brat",
        "tiny.ann",
        lambda s: s.replace("T1\tPERSON 0 9", "T1\tHERO 0 9"),
        ":1: unknown label",
    ),
    ("brat", "tiny.ann", lambda s: s.replace("PERSON 0 9", "PERSON 0 999"), ":1: offsets"),
    (
        "brat",
        "tiny.ann",
        lambda s: s.replace("\tAnn Smith", "\tBob Smith", 1),
        "is not the article",
    ),
    ("brat", "tiny.ann", lambda s: s.replace("Arg2:T", "Arg2:T9"), "broken relation"),
    ("brat", "tiny.ann", lambda s: s + "garbage line\n", "not a T, A"),
    ("brat", "tiny.txt", lambda s: s.replace("Ann", "Bob"), "tiny.ann:1: 'Ann Smith' is not"),
    # labelstudio
    ("labelstudio", "", lambda s: s.replace('"GPE"', '"CITY"', 1), "result[2]: unknown label"),
    ("labelstudio", "", lambda s: s.replace('"to_id": "q0s"', '"to_id": "zz"'), "broken relation"),
    ("labelstudio", "", lambda s: s.replace('"end": 9,', '"end": 9000,', 1), "not a span"),
    ("labelstudio", "", lambda s: s.replace('"Ann Smith"', '"Bob Smith"', 1), "not the article"),
    ("labelstudio", "", lambda s: s[:-5], "malformed JSON"),
    # conll
    ("conll", "tiny.conll", lambda s: s.replace("Smith I-PERSON", "Smith I-GPE", 1), ":4: I-GPE"),
    ("conll", "tiny.conll", lambda s: s.replace("Paris B-GPE", "Paris B-CITY", 1), "unknown tag"),
    ("conll", "tiny.conll", lambda s: s.replace("Paris B-GPE", "Rome B-GPE", 1), "is not the text"),
    ("conll", "tiny.conll", lambda s: s.replace("Paris B-GPE", "Paris", 1), "a token and a tag"),
    ("conll", "tiny.txt", lambda s: s + " extra", "before the end of the article"),
]


@pytest.mark.parametrize(("fmt", "file", "edit", "expected"), CASES)
def test_a_hostile_input_is_one_line_naming_where(
    fmt: str, file: str, edit: Edit, expected: str, tmp_path: Path, tiny: list[Example]
) -> None:
    (line,) = _broken(tmp_path, tiny, fmt, file, edit)
    assert line.startswith("bench: error: ")
    assert expected in line


def test_a_damaged_docbin_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "c.spacy").write_bytes(b"\x00garbage")
    code, output = _bench(["--from", "spacy", "--to", "jsonl", str(tmp_path / "c.spacy"), "x"])
    assert code == 1 and "c.spacy: not a spaCy DocBin file" in output


def test_a_docbin_with_an_unknown_label_names_the_doc(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    doc = spacy.blank("en")("NATO met.")
    doc.ents = [doc.char_span(0, 4, "ALIEN")]
    DocBin(docs=[doc]).to_disk(tmp_path / "c.spacy")
    code, output = _bench(["--from", "spacy", "--to", "jsonl", str(tmp_path / "c.spacy"), "x"])
    assert code == 1
    assert "c.spacy: doc[0]: unknown entity label 'ALIEN'" in output


def test_dropped_layers_are_reported_on_stderr(tmp_path: Path, tiny: list[Example]) -> None:
    write_corpus(tiny, tmp_path / "in", "bench")
    result = CliRunner().invoke(
        cli,
        ["convert", "--from", "bench", "--to", "conll", str(tmp_path / "in"), str(tmp_path / "o")],
    )
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "dropped: 1 quotes, 1 speakers, 1 claims, 4 entity ids (conll carries entities only)"
    )
    report = convert(tmp_path / "in", tmp_path / "o", "bench", "conll")  # a previous output
    assert report.dropped == {"quotes": 1, "speakers": 1, "claims": 1, "entity ids": 4}


def test_out_must_be_new_empty_or_a_previous_output(tmp_path: Path, tiny: list[Example]) -> None:
    write_corpus(tiny, tmp_path / "in", "bench")
    source = str(tmp_path / "in")
    (tmp_path / "empty").mkdir()
    assert _bench(["--from", "bench", "--to", "brat", source, str(tmp_path / "empty")])[0] == 0
    assert _bench(["--from", "bench", "--to", "brat", source, str(tmp_path / "empty")])[0] == 0
    code, output = _bench(["--from", "bench", "--to", "conll", source, str(tmp_path / "empty")])
    assert code == 1 and "not an empty folder or a previous conll output" in output
    (tmp_path / "notes.txt").write_text("mine")
    code, output = _bench(["--from", "bench", "--to", "jsonl", source, str(tmp_path / "notes.txt")])
    assert code == 1 and (tmp_path / "notes.txt").read_text() == "mine"
    assert _bench(["--from", "bench", "--to", "jsonl", source, str(tmp_path / "c.jsonl")])[0] == 0
    assert _bench(["--from", "bench", "--to", "jsonl", source, str(tmp_path / "c.jsonl")])[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "empty", "in", "notes.txt"]


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _bench(["--from", "docx", "--to", "bench", "a", "b"])
    assert code == 2 and "docx" in output


def test_a_docbin_with_a_broken_link_names_the_doc(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    doc = spacy.blank("en")("Ann said hi.")
    doc.spans["quotes"] = [doc.char_span(9, 11, "direct", span_id="q0")]
    doc.spans["quote_speakers"] = [doc.char_span(0, 3, "speaker", span_id="q7")]
    DocBin(docs=[doc]).to_disk(tmp_path / "c.spacy")
    code, output = _bench(["--from", "spacy", "--to", "jsonl", str(tmp_path / "c.spacy"), "x"])
    assert code == 1
    assert "c.spacy: doc[0]: broken link: quote_speakers span id 'q7' names no quote" in output
