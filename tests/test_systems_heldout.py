"""The offline systems on news they were not built on (tests/data/heldout/, see its README).

The `test` split was seen by nobody who wrote or tuned a system; the floors below are the targets
of the project (best offline system: quote attribution F1 >= 0.75, entity type F1 >= 0.80) and,
for the rules baseline, a floor under its measured level so that a regression fails.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from benchmark import load_gold, score_system
from benchmark._scoring import SystemScores
from benchmark._systems import load_system
from benchmark._validate import check_annotation
from tests.docblocks import assert_block_is_command_output

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


HELDOUT_COMMANDS = [
    "bench stats --gold tests/data/heldout/dev",
    "bench stats --gold tests/data/heldout/test",
    "bench agreement tests/data/heldout/test/annotations tests/data/heldout/agreement/annotator_b"
    " --articles tests/data/heldout/test/articles",
]


@pytest.mark.parametrize("command", HELDOUT_COMMANDS)
def test_readme_figures_are_the_command_output(command: str) -> None:
    assert_block_is_command_output(HELDOUT / "README.md", command)
