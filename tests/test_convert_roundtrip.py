"""gold -> format -> gold is identical for the layers each format carries, on the seed and the
held-out gold, and `bench score` of the round-tripped copy against the original gives 1.0."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from benchmark import Annotation, load_gold, score_system
from benchmark._cli import _CONVERT_FORMATS, cli
from benchmark._convert import FORMATS, read_corpus, write_corpus
from benchmark._resources import resolve_gold
from benchmark._scoring import METRICS

GOLDS = ("seed", "heldout-dev", "heldout-test")
OUTPUT = {"jsonl": "c.jsonl", "labelstudio": "c.json", "spacy": "c.spacy"}


def carried(annotation: Annotation, fmt: str) -> Annotation:
    """The annotation cut down to what ``fmt`` carries (CoNLL: no entity ids)."""
    layers = FORMATS[fmt].carries
    kept = {layer: getattr(annotation, layer) if layer in layers else () for layer in METRICS}
    if fmt == "conll":
        kept["entities"] = tuple(
            msgspec.structs.replace(e, entity_id=None) for e in annotation.entities
        )
    return msgspec.structs.replace(annotation, **kept)


def test_the_cli_offers_every_format() -> None:
    assert set(_CONVERT_FORMATS) == set(FORMATS)


@pytest.mark.parametrize("gold", GOLDS)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_identical_on_the_carried_layers(gold: str, fmt: str, tmp_path: Path) -> None:
    corpus = load_gold(gold)
    out = tmp_path / OUTPUT.get(fmt, "out")
    report = write_corpus(list(corpus), out, fmt)
    back = {ex.doc_id: ex for ex in read_corpus(out, fmt)}
    assert sorted(back) == sorted(corpus.doc_ids)
    for example in corpus:
        assert back[example.doc_id].document == example.document
        assert back[example.doc_id].annotation == carried(example.annotation, fmt)
    dropped = {layer for layer in METRICS if layer not in FORMATS[fmt].carries}
    assert dropped <= set(report.dropped)


@pytest.mark.parametrize("gold", GOLDS)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_bench_score_of_the_round_trip_is_one(gold: str, fmt: str, tmp_path: Path) -> None:
    corpus = load_gold(gold)
    middle, back = tmp_path / OUTPUT.get(fmt, "out"), tmp_path / "back"
    runner = CliRunner()
    to = runner.invoke(
        cli, ["convert", "--from", "bench", "--to", fmt, str(resolve_gold(gold)), str(middle)]
    )
    assert to.exit_code == 0, to.output
    fro = runner.invoke(cli, ["convert", "--from", fmt, "--to", "bench", str(middle), str(back)])
    assert fro.exit_code == 0, fro.output
    predictions = {ex.doc_id: ex.annotation for ex in read_corpus(back, "bench")}
    scores = score_system(corpus, predictions, bootstrap_samples=1)
    for layer in FORMATS[fmt].carries:
        for metric in METRICS[layer]:
            counts = scores.overall(layer, metric)
            assert counts.f1 in (1.0, None), (layer, metric, counts)


def test_bench_score_command_gives_one_on_a_round_trip(tmp_path: Path) -> None:
    runner = CliRunner()
    gold = str(resolve_gold("heldout-dev"))
    for args in (
        ["--from", "bench", "--to", "brat", gold, str(tmp_path / "brat")],
        ["--from", "brat", "--to", "bench", str(tmp_path / "brat"), str(tmp_path / "back")],
    ):
        result = runner.invoke(cli, ["convert", *args])
        assert result.exit_code == 0, result.output
    predictions = str(tmp_path / "back" / "annotations")
    result = runner.invoke(cli, ["score", "--gold", gold, "--predictions", predictions, "--json"])
    assert result.exit_code == 0, result.output
    totals = json.loads(result.output)["results"]["annotations"]
    for layer in ("entities", "quotes"):
        assert {m: t["f1"] for m, t in totals[layer].items()} == dict.fromkeys(totals[layer], 1.0)
