"""The data card's figures are the output of the commands it names; the guidelines decide every
hard case the gold depends on."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark import load_gold
from tests.docblocks import assert_block_is_command_output

GOLD = Path(__file__).resolve().parent.parent / "gold"
GUIDELINES = (GOLD / "GUIDELINES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    ["bench stats", "bench agreement gold/agreement/annotator_a gold/agreement/annotator_b"],
)
def test_card_figures_are_the_command_output(command: str) -> None:
    assert_block_is_command_output(GOLD / "README.md", command)


def test_every_quote_speaker_and_claim_source_resolves() -> None:
    for example in load_gold():
        speakers = {s.entity_id for s in example.annotation.speakers}
        mentioned = {e.entity_id for e in example.annotation.entities}
        assert {q.speaker for q in example.annotation.quotes} <= speakers | {None}
        assert {c.source for c in example.annotation.claims} <= speakers | {"author"}
        # every speaker is named somewhere in the article as an entity
        assert speakers <= mentioned, speakers - mentioned
        text = example.document.text
        for entity in example.annotation.entities:
            assert text[entity.start : entity.end] == entity.text
        for quote in example.annotation.quotes:
            assert text[quote.start : quote.end] == quote.text


def test_one_type_per_canonical_entity_across_the_corpus() -> None:
    types: dict[str, set[str]] = {}
    for example in load_gold():
        for entity in example.annotation.entities:
            if entity.entity_id:
                types.setdefault(entity.entity_id, set()).add(entity.type)
    assert {eid: t for eid, t in types.items() if len(t) > 1} == {}


@pytest.mark.parametrize(
    "hard_case",
    [
        "Euro-Atlantic family,’",  # opens with a double mark, closes with a single one
        "RussiaChina",
        "Indo-Russian",
        "Atlantic Alliance",
        "allies",
        "Euro-Atlantic",
        "caption",
        "bio",
        "headline",
        "Secretary-General",
        "referring to the United States",
    ],
)
def test_guidelines_decide_each_hard_case(hard_case: str) -> None:
    assert hard_case in GUIDELINES
