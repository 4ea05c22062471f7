"""Each worked example of docs/interop.md is read by its importer and gives the annotation of the
jsonl example on the layers its format carries; the docs name no file outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmark import Example
from benchmark._convert import FORMATS, read_corpus, write_corpus
from tests.test_convert_roundtrip import carried

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "interop.md"
BLOCK = re.compile(r"<!-- example (\w+) (\S+) -->\n```\w*\n(.*?)```", re.S)


def _blocks() -> dict[str, tuple[str, str]]:
    return {m.group(1): (m.group(2), m.group(3)) for m in BLOCK.finditer(DOC.read_text("utf-8"))}


def _hub(tmp_path: Path) -> Example:
    name, body = _blocks()["jsonl"]
    (tmp_path / name).write_text(body, encoding="utf-8")
    (example,) = read_corpus(tmp_path / name, "jsonl")
    return example


def test_every_format_has_a_worked_example_and_a_section() -> None:
    text = DOC.read_text("utf-8")
    assert set(_blocks()) == set(FORMATS) - {"bench"}
    for fmt in FORMATS:
        assert f"### `{fmt}`" in text and f"| `{fmt}` |" in text


@pytest.mark.parametrize("fmt", ["brat", "labelstudio", "conll"])
def test_a_worked_example_reads_as_the_hub(fmt: str, tmp_path: Path) -> None:
    hub = _hub(tmp_path)
    name, body = _blocks()[fmt]
    folder = FORMATS[fmt].folder
    target = tmp_path / fmt / name if folder else tmp_path / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(body, encoding="utf-8")
    if folder:
        (target.parent / "d1.txt").write_text(hub.document.text, encoding="utf-8")
    (example,) = read_corpus(target.parent if folder else target, fmt)
    assert example.document == hub.document
    assert example.annotation == carried(hub.annotation, fmt)


def test_a_worked_example_is_what_the_exporter_writes(tmp_path: Path) -> None:
    hub = _hub(tmp_path)
    write_corpus([hub], tmp_path / "brat", "brat")
    write_corpus([hub], tmp_path / "conll", "conll")
    assert (tmp_path / "brat" / "d1.ann").read_text("utf-8") == _blocks()["brat"][1]
    assert (tmp_path / "conll" / "d1.conll").read_text("utf-8") == _blocks()["conll"][1]


def test_the_spacy_example_runs_and_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = _hub(tmp_path)
    namespace: dict[str, object] = {}
    exec(_blocks()["spacy"][1], namespace)
    assert capsys.readouterr().out == "jens-stoltenberg nato\n"
    annotation = namespace["annotation"]
    expected = carried(hub.annotation, "brat")  # the example sets entities and quotes
    assert annotation == expected
    write_corpus([hub], tmp_path / "d1.spacy", "spacy")
    (back,) = read_corpus(tmp_path / "d1.spacy", "spacy")
    assert back == hub


def test_the_docs_name_no_file_outside_the_repository() -> None:
    text = DOC.read_text("utf-8")
    assert not re.search(r"(?<![\w.])(/(?:home|tmp|usr|etc|work|root|Users)\b|~/|[A-Z]:\\\\)", text)
