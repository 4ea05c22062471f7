"""The offline systems on news they were not built on (tests/data/heldout/, see its README).

The `test` split was studied by nobody who wrote or tuned a system. The floors below sit just
under the levels measured there (README's held-out `test` leaderboard), so that a regression
fails; they are not the project's targets, which README states with how far `spacy` is from them.
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
    pytest.param("spacy", "quotes", "attribution", 0.85, marks=_SPACY),
    pytest.param("spacy", "entities", "type", 0.86, marks=_SPACY),
    pytest.param("spacy", "speakers", "set", 0.89, marks=_SPACY),
    pytest.param("spacy", "claims", "matched", 0.75, marks=_SPACY),
    ("rules", "quotes", "attribution", 0.57),
    ("rules", "entities", "type", 0.61),
    ("rules", "speakers", "set", 0.72),
    ("rules", "claims", "matched", 0.63),
]


@pytest.mark.parametrize(("system", "layer", "metric", "floor"), FLOORS)
def test_unseen_news_meets_the_floor(system: str, layer: str, metric: str, floor: float) -> None:
    f1 = _scores(system, "test").overall(layer, metric).f1
    assert f1 is not None and f1 >= floor, f"{system} {layer}/{metric} F1 {f1} < {floor}"


HELDOUT_COMMANDS = [
    "bench stats --gold tests/data/heldout/dev",
    "bench stats --gold tests/data/heldout/test",
    *(
        f"bench agreement tests/data/heldout/agreement/{split}/annotator_a"
        f" tests/data/heldout/agreement/{split}/annotator_b"
        f" --articles tests/data/heldout/{split}/articles"
        for split in ("dev", "test")
    ),
]


@pytest.mark.parametrize("command", HELDOUT_COMMANDS)
def test_readme_figures_are_the_command_output(command: str) -> None:
    assert_block_is_command_output(HELDOUT / "README.md", command)
