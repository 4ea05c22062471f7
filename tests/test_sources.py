"""Single-file corpora (JSON Lines, Parquet, a saved dataset) and ``bench score`` in batches."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from benchmark import load_gold
from benchmark._cli import cli
from benchmark._convert._jsonl import jsonl_line
from benchmark._errors import BenchError
from benchmark._hf import export_dataset
from benchmark._models import Annotation, Corpus, Document, Example
from benchmark._perf._corpus import iter_corpus
from benchmark._run._files import load_details
from benchmark._run._score import score_to_results
from benchmark._run._stream import score_stream
from benchmark._sources import check_gold_source, source_kind
from benchmark._validate import read_prediction_folders, validate_folders


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exported")
    corpus = load_gold()
    paths = {"jsonl": root / "gold.jsonl", "parquet": root / "gold.parquet", "dataset": root / "ds"}
    for path in paths.values():
        export_dataset(corpus, path)
    return paths


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "dataset"])
def test_every_form_reads_as_the_gold(exported: dict[str, Path], kind: str) -> None:
    path = exported[kind]
    assert source_kind(path) == kind
    corpus, problems = check_gold_source(path)
    assert problems == [] and corpus is not None
    assert list(corpus) == list(load_gold())
    same = {check_gold_source(p)[0].sha256 for p in exported.values()}  # type: ignore[union-attr]
    assert len(same) == 1  # one digest whatever the form
    assert load_gold(path).doc_ids == load_gold().doc_ids
    problems, summary = validate_folders(path, exported["jsonl"])
    assert problems == [] and "2 documents OK" in summary


def test_export_format_option(tmp_path: Path) -> None:
    out = tmp_path / "gold.data"
    result = CliRunner().invoke(cli, ["dataset", "export", str(out), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert source_kind(tmp_path / "x.jsonl") == "jsonl"
    assert [json.loads(line)["doc_id"] for line in out.read_text().splitlines()] == list(
        load_gold().doc_ids
    )


def _bad_lines(tmp_path: Path) -> Path:
    lines = [jsonl_line(ex) for ex in load_gold()]
    record = json.loads(lines[1])
    record["entities"][0]["end"] += 1
    path = tmp_path / "bad.jsonl"
    path.write_bytes(lines[0] + json.dumps(record).encode() + b"\n" + b"{oops\n" + lines[0])
    return path


def test_jsonl_problems_name_file_and_line(tmp_path: Path) -> None:
    path = _bad_lines(tmp_path)
    corpus, problems = check_gold_source(path)
    text = [str(p) for p in problems]
    assert corpus is None
    assert text[0].startswith(f"{path}:2: $.entities[0].text: ")
    assert text[1].startswith(f"{path}:3: ")
    assert text[2] == f"{path}:4: $.doc_id: {load_gold().doc_ids[0]!r} appears twice"
    result = CliRunner().invoke(cli, ["validate", "--gold", str(path)])
    assert result.exit_code == 1 and f"{path}:2: $.entities[0].text" in result.output


def test_parquet_problems_name_file_and_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(jsonl_line(ex)) for ex in load_gold()]
    rows[1]["text_sha256"] = "0" * 64
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    corpus, problems = check_gold_source(path)
    assert corpus is None
    assert str(problems[0]).startswith(f"{path}: row 2: $.text_sha256: does not match")


def test_prediction_files_are_checked_against_the_gold(tmp_path: Path) -> None:
    corpus = load_gold()
    ex = corpus.examples[0]
    path = tmp_path / "sys.jsonl"
    wrong = {**json.loads(jsonl_line(ex)), "text": "not the article"}
    path.write_bytes(json.dumps(wrong).encode() + b"\n" + b'{"doc_id": "nope"}\n')
    with pytest.raises(BenchError) as caught:
        score_stream(None, path, samples=0)
    assert str(caught.value).startswith(f"{path}:1: $.text: is not the gold article's text")
    problems = [str(p) for p in validate_folders(None, path)[0]]
    assert f"{path}:1: $.text: is not the gold article's text" in problems
    assert f"{path}:2: no article with doc id 'nope'" in problems


def _synthetic(root: Path, documents: int) -> tuple[Path, Path, Path]:
    """A layered synthetic corpus as a gold folder, gold.jsonl and a predictions file/folder."""
    gold_dir, pred_dir = root / "gold", root / "pred" / "synthetic"
    for folder in (gold_dir / "articles", gold_dir / "annotations", pred_dir):
        folder.mkdir(parents=True)
    gold_lines, pred_lines = [], []
    for doc in iter_corpus(3, documents, 12):
        document = doc.document()
        gold, pred = doc.full_annotation("gold"), doc.full_annotation("pred")
        (gold_dir / "articles" / f"{doc.doc_id}.txt").write_text(document.text)
        (gold_dir / "annotations" / f"{doc.doc_id}.json").write_bytes(msgspec.json.encode(gold))
        (pred_dir / f"{doc.doc_id}.json").write_bytes(msgspec.json.encode(pred))
        gold_lines.append(jsonl_line(Example(document, gold)))
        pred_lines.append(msgspec.json.encode(pred) + b"\n")
    (root / "gold.jsonl").write_bytes(b"".join(gold_lines))
    (root / "synthetic.jsonl").write_bytes(b"".join(pred_lines))
    return gold_dir, root / "pred", root / "synthetic.jsonl"


@pytest.mark.parametrize("documents", [4, 23])
def test_batches_give_the_whole_corpus_results(tmp_path: Path, documents: int) -> None:
    gold_dir, pred_dir, pred_file = _synthetic(tmp_path, documents)
    corpus = load_gold(gold_dir)
    articles = {example.doc_id: example.document for example in corpus}
    systems, problems = read_prediction_folders(pred_dir, articles)
    assert problems == []
    whole, details = score_to_results(corpus, systems, {}, gold_dir=gold_dir, samples=200, seed=1)
    for gold, predictions in ((gold_dir, pred_dir), (tmp_path / "gold.jsonl", pred_file)):
        out = tmp_path / f"out-{gold.name}"
        batched = score_stream(gold, predictions, out_dir=out, samples=200, seed=1, batch_size=5)
        assert batched.results == whole.results
        assert batched.breakdown == whole.breakdown
        assert batched.documents == whole.documents
        if gold == gold_dir:
            assert batched.provenance.gold_sha256 == whole.provenance.gold_sha256
        assert load_details(out)["synthetic"] == {d.doc_id: d for d in details}
        details = iter(list(load_details(out)["synthetic"].values()))
    gold_corpus = load_gold(tmp_path / "gold.jsonl")
    assert isinstance(gold_corpus, Corpus) and len(gold_corpus) == documents


def test_nothing_is_written_when_a_prediction_is_bad(tmp_path: Path) -> None:
    gold_dir, _, pred_file = _synthetic(tmp_path, 3)
    pred_file.write_bytes(pred_file.read_bytes() + b"[1]\n")
    out = tmp_path / "out"
    with pytest.raises(BenchError, match=r"synthetic.jsonl:4: \$: expected a JSON object"):
        score_stream(gold_dir, pred_file, out_dir=out, samples=0)
    assert list(out.iterdir()) == []


def test_large_bootstrap_is_drawn_in_blocks() -> None:
    import numpy as np

    from benchmark._scoring._bootstrap import BLOCK_CELLS, intervals_of

    units = BLOCK_CELLS // 100 + 1  # more cells than one block at 100 samples
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 3, size=(units, 3)).astype(float)
    first = intervals_of({("a", "b"): counts}, 100, 7)
    assert first == intervals_of({("a", "b"): counts}, 100, 7)
    low, high = first[("a", "b")]  # type: ignore[misc]
    assert low < high


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys; from benchmark._cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('ray', 'pyarrow', 'datasets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_perf_growth_in_json_lines() -> None:
    from benchmark._perf._growth import measure_growth

    rows = measure_growth(0, (2, 5), 4, 1, layers=True, jsonl=True)
    assert [(row.documents, row.form) for row in rows] == [(2, "jsonl"), (5, "jsonl")]
    assert rows[1].samples.label == "bench score, 5 docs (jsonl)"


def test_bench_score_cli_on_files(exported: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "scored"
    args = ["score", "--gold", str(exported["parquet"]), "--predictions", str(exported["jsonl"])]
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--samples", "20"])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["results"]["gold"]["quotes"]["attribution"]["f1"] == 1.0
    assert set(load_details(out)["gold"]) == set(load_gold().doc_ids)


def test_a_bad_gold_folder_reads_as_load_gold_says(tmp_path: Path) -> None:
    gold_dir, pred_dir, _ = _synthetic(tmp_path, 3)
    (gold_dir / "annotations" / "a-b.json").write_text("{}")  # sorts before its neighbours
    with pytest.raises(BenchError) as expected:
        load_gold(gold_dir)
    with pytest.raises(BenchError) as streamed:
        score_stream(gold_dir, pred_dir, samples=0)
    assert str(streamed.value) == str(expected.value)
    (gold_dir / "annotations" / "a-b.json").unlink()
    for name in ("a-b", "a"):  # names whose file order differs from their doc id order
        (gold_dir / "articles" / f"{name}.txt").write_text("Hi.")
        doc = Document(name, "Hi.")
        data = msgspec.json.encode(Annotation(name, doc.sha256))
        (gold_dir / "annotations" / f"{name}.json").write_bytes(data)
    batched = score_stream(gold_dir, pred_dir, samples=0, batch_size=2)
    assert batched.documents == list(load_gold(gold_dir).doc_ids)


@pytest.fixture
def many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small corpus scored by three processes taking chunks of three documents."""
    from benchmark._run import _stream

    monkeypatch.setattr(_stream, "MIN_SHARD", 1)
    monkeypatch.setattr(_stream, "CHUNK", 3)


@pytest.mark.usefixtures("many_processes")
def test_processes_give_the_results_of_one(tmp_path: Path) -> None:
    gold_dir, pred_dir, _ = _synthetic(tmp_path, 23)
    shutil.copytree(pred_dir / "synthetic", pred_dir / "second")
    one = score_stream(gold_dir, pred_dir, out_dir=tmp_path / "one", samples=50, jobs=1)
    many = score_stream(gold_dir, pred_dir, out_dir=tmp_path / "many", samples=50, jobs=3)
    assert many.results == one.results and many.breakdown == one.breakdown
    assert many.documents == one.documents
    assert many.provenance.gold_sha256 == one.provenance.gold_sha256
    details = [
        (out / "details.jsonl").read_bytes() for out in (tmp_path / "one", tmp_path / "many")
    ]
    assert details[0] == details[1] and details[0].count(b"\n") == 2 * 23


@pytest.mark.usefixtures("many_processes")
def test_processes_report_every_problem_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold_dir, pred_dir, _ = _synthetic(tmp_path, 23)
    shutil.copytree(pred_dir / "synthetic", pred_dir / "second")
    names = sorted(p.name for p in (pred_dir / "synthetic").iterdir())
    for system, position in (("synthetic", 17), ("second", 2), ("synthetic", 4), ("second", 20)):
        (pred_dir / system / names[position]).write_text("[1]")
    reported: list[list[str]] = []
    original = BenchError.from_problems.__func__  # type: ignore[attr-defined]

    def record(cls: type[BenchError], problems: list[Any]) -> BenchError:
        reported.append([str(p) for p in problems])
        return original(cls, problems)  # type: ignore[no-any-return]

    monkeypatch.setattr(BenchError, "from_problems", classmethod(record))
    for jobs in (1, 3):
        out = tmp_path / f"out-{jobs}"
        with pytest.raises(BenchError):
            score_stream(gold_dir, pred_dir, out_dir=out, samples=0, jobs=jobs)
        assert list(out.iterdir()) == []
    assert len(reported) == 2 and reported[0] == reported[1] and len(reported[0]) == 4


@pytest.mark.usefixtures("many_processes")
def test_processes_report_a_bad_gold_as_load_gold_does(tmp_path: Path) -> None:
    gold_dir, pred_dir, _ = _synthetic(tmp_path, 23)
    last = sorted((gold_dir / "annotations").iterdir())[-2]
    last.write_text('{"doc_id": 1}')
    with pytest.raises(BenchError) as expected:
        load_gold(gold_dir)
    for jobs in (1, 3):
        with pytest.raises(BenchError) as streamed:
            score_stream(gold_dir, pred_dir, samples=0, jobs=jobs)
        assert str(streamed.value) == str(expected.value)


@pytest.mark.usefixtures("many_processes")
def test_processes_see_an_entity_id_change_type_across_chunks(tmp_path: Path) -> None:
    gold_dir, pred_dir, _ = _synthetic(tmp_path, 12)
    files = sorted((gold_dir / "annotations").iterdir())
    for path, etype in ((files[0], "ORG"), (files[-1], "GPE")):
        data = json.loads(path.read_text())
        data["entities"][0]["entity_id"] = "shared-id"
        data["entities"][0]["type"] = etype
        path.write_text(json.dumps(data))
    with pytest.raises(BenchError) as expected:
        load_gold(gold_dir)
    assert "shared-id" in str(expected.value)
    for jobs in (1, 3):
        with pytest.raises(BenchError) as streamed:
            score_stream(gold_dir, pred_dir, samples=0, jobs=jobs)
        assert str(streamed.value) == str(expected.value)
