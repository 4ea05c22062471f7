from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._io import annotation_to_json, write_annotation
from benchmark._json import write as write_json
from benchmark._models import Annotation, Document, Entity, Quote, Span
from benchmark._validate import check_annotation
from tests.factories import TINY_TEXT, tiny_annotation

DOC = Document("tiny", TINY_TEXT)


def paths(annotation, *, gold: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.path for p in check_annotation(annotation, DOC, "tiny.json", gold=gold)]


def test_valid_annotation_has_no_problem() -> None:
    assert paths(tiny_annotation()) == []


def test_wrong_offsets_and_mismatched_text_are_found() -> None:
    good = tiny_annotation()
    bad_entities = (
        msgspec.structs.replace(good.entities[0], end=len(TINY_TEXT) + 5),
        msgspec.structs.replace(good.entities[1], text="Lyon"),
        Entity(5, 2, "", "PERSON"),
    )
    bad = msgspec.structs.replace(good, entities=bad_entities)
    assert paths(bad) == ["$.entities[0]", "$.entities[1].text", "$.entities[2]"]


def test_sha_doc_id_and_gold_ids_are_checked() -> None:
    good = tiny_annotation()
    quote = msgspec.structs.replace(good.quotes[0], speaker="nobody", cue_span=Span(0, 999))
    claim = msgspec.structs.replace(good.claims[0], source="someone")
    bad = msgspec.structs.replace(
        good,
        doc_id="other",
        text_sha256="0" * 64,
        quotes=(quote,),
        claims=(claim,),
        entities=(*good.entities, msgspec.structs.replace(good.entities[0], entity_id="Ann Smith")),
    )
    found = paths(bad)
    for expected in (
        "$.doc_id",
        "$.text_sha256",
        "$.quotes[0].speaker",
        "$.quotes[0].cue_span",
        "$.claims[0].source",
        "$.entities[5].entity_id",
        "$.entities[5]",
    ):
        assert expected in found
    # Predictions use free speaker names: no id checks for them.
    assert "$.quotes[0].speaker" not in paths(bad, gold=False)


def test_span_splitting_a_combining_character_is_refused() -> None:
    text = "Jose\u0301 spoke."
    doc = Document("d", text)
    ann = Annotation(
        "d",
        doc.sha256,
        entities=(Entity(0, 4, "Jose", "PERSON"),),
        quotes=(Quote(0, 5, "Jose\u0301", "direct"),),
    )
    problems = check_annotation(ann, doc, "d.json", gold=False)
    assert [p.path for p in problems] == ["$.entities[0]"]
    assert "splits a character" in problems[0].reason


def test_bench_validate_exit_codes_and_every_problem_listed(
    make_gold_dir: Callable[..., Path],
) -> None:
    root = make_gold_dir()
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", "--gold", str(root)])
    assert ok.exit_code == 0, ok.output
    assert "1 documents OK" in ok.output

    data = annotation_to_json(tiny_annotation())
    data["entities"][0]["type"] = "PEOPLE"
    data["entities"][1]["text"] = "Lyon"
    write_json(root / "annotations" / "tiny.json", data)
    bad = runner.invoke(cli, ["validate", "--gold", str(root)])
    assert bad.exit_code == 1
    assert "tiny.json: $.entities[0].type: 'PEOPLE' is not one of" in bad.output
    assert "Traceback" not in bad.output


def test_bench_validate_checks_prediction_folders(make_gold_dir: Callable[..., Path]) -> None:
    root = make_gold_dir()
    preds = root.parent / "run" / "predictions"
    good = tiny_annotation()
    write_annotation(preds / "rules" / "tiny.json", good)
    (preds / "broken").mkdir(parents=True)
    (preds / "broken" / "tiny.json").write_text('{"doc_id": "tiny", ')
    (preds / "broken" / "unknown-doc.json").write_text("{}")
    result = CliRunner().invoke(cli, ["validate", "--gold", str(root), "--predictions", str(preds)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "problem" not in line]
    assert any("broken/tiny.json" in line and "malformed JSON" in line for line in lines)
    assert any("unknown-doc.json" in line and "no article" in line for line in lines)
    assert not any("rules/tiny.json" in line for line in lines)

    only_rules = CliRunner().invoke(
        cli, ["validate", "--gold", str(root), "--predictions", str(preds / "rules")]
    )
    assert only_rules.exit_code == 0, only_rules.output


def test_missing_annotation_and_unknown_type_across_files(
    make_gold_dir: Callable[..., Path],
) -> None:
    other = tiny_annotation(doc_id="second")
    retyped = msgspec.structs.replace(other.entities[1], type="LOC")
    other = msgspec.structs.replace(other, entities=(other.entities[0], retyped))
    root = make_gold_dir([(DOC, tiny_annotation()), (Document("second", TINY_TEXT), other)])
    (root / "articles" / "third.txt").write_text("Nothing here.")
    result = CliRunner().invoke(cli, ["validate", "--gold", str(root)])
    assert result.exit_code == 1
    assert "third.json: article has no annotation file" in result.output
    assert "'paris' is GPE here but LOC in" in result.output
