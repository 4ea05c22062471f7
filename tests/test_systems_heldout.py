"""The offline systems on news they were not built on (tests/data/heldout/, see its README).

The `test` split was seen by nobody who wrote or tuned a system; the floors below are the targets
of the project (best offline system: quote attribution F1 >= 0.75, entity type F1 >= 0.80) and,
for the rules baseline, a floor under its measured level so that a regression fails.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark import load_gold, score_system
from benchmark._cli import cli
from benchmark._scoring import SystemScores
from benchmark._systems import load_system
from benchmark._validate import check_annotation

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"


@cache
def _scores(system_name: str, split: str) -> SystemScores:
    corpus = load_gold(HELDOUT / split)
    system = load_system(system_name)
    predictions = {}
    for example in corpus:
        prediction = system.extract(example.document)
        assert check_annotation(prediction, example.document, example.doc_id, gold=False) == []
        predictions[example.doc_id] = prediction
    return score_system(corpus, predictions, bootstrap_samples=0)


_SPACY = pytest.mark.spacy
FLOORS = [
    pytest.param("spacy", "quotes", "attribution", 0.75, marks=_SPACY),
    pytest.param("spacy", "entities", "type", 0.80, marks=_SPACY),
    pytest.param("spacy", "speakers", "set", 0.80, marks=_SPACY),
    ("rules", "quotes", "attribution", 0.55),
    ("rules", "entities", "type", 0.75),
    ("rules", "speakers", "set", 0.70),
]


@pytest.mark.parametrize(("system", "layer", "metric", "floor"), FLOORS)
def test_unseen_news_meets_the_floor(system: str, layer: str, metric: str, floor: float) -> None:
    f1 = _scores(system, "test").overall(layer, metric).f1
    assert f1 is not None and f1 >= floor, f"{system} {layer}/{metric} F1 {f1} < {floor}"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_split_counts_in_readme_are_the_command_output(split: str) -> None:
    readme = (HELDOUT / "README.md").read_text(encoding="utf-8")
    marker = f"<!-- bench stats --gold tests/data/heldout/{split} -->\n"
    block = re.search(re.escape(marker) + r"(.*?)<!-- end ", readme, re.S)
    assert block is not None
    result = CliRunner().invoke(cli, ["stats", "--gold", str(HELDOUT / split)])
    assert result.exit_code == 0 and block.group(1) == result.output


def test_test_split_agreement_in_readme_is_the_command_output() -> None:
    readme = (HELDOUT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- bench agreement tests/data/heldout/test/.*? -->\n(.*?)<!-- end ", readme, re.S
    )
    assert block is not None
    test = HELDOUT / "test"
    args = ["agreement", str(test / "annotations"), str(HELDOUT / "agreement" / "annotator_b")]
    result = CliRunner().invoke(cli, [*args, "--articles", str(test / "articles")])
    assert result.exit_code == 0 and block.group(1) == result.output
