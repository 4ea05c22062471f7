"""Discovery of systems: built-ins, a systems/ folder, entry points, YAML configs, statuses."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._errors import BenchError
from benchmark._gold import default_gold_dir
from benchmark._io import read_document
from benchmark._models import Annotation, Document
from benchmark._system import System, SystemUnavailable
from benchmark._systems import _registry, config_hash, discover_systems, load_system
from benchmark._validate import check_annotation
from benchmark.systems.rules import RulesSystem

ADAPTER_MODULE = """
from benchmark._models import Annotation, Document

class Shouty:
    name = "shouty"
    version = "2"

    def __init__(self, level: int = 1) -> None:
        self.config = {"level": level}

    def extract(self, document: Document) -> Annotation:
        return Annotation(document.doc_id, document.sha256)
"""


def _by_name(folder: Path | None = None) -> dict[str, Any]:
    return {info.name: info for info in discover_systems(folder)}


def test_builtins_are_found_without_a_folder(tmp_path: Path) -> None:
    infos = _by_name(tmp_path / "nowhere")
    assert {"oracle", "empty", "rules", "spacy", "llm"} <= set(infos)
    assert infos["empty"].source == "built-in"
    assert infos["empty"].status == "ready" and infos["empty"].runs_by_default
    assert infos["rules"].version == RulesSystem.version
    assert len(infos["rules"].config_hash) == 64


def test_checkout_folder_has_rules_settings() -> None:
    infos = _by_name()
    assert infos["rules"].source == "systems/rules.yaml"
    ablation = infos["rules-no-pronouns"]
    assert ablation.adapter == "rules" and ablation.params == {"pronouns": False}
    assert ablation.config_hash != infos["rules"].config_hash
    system = load_system("rules-no-pronouns")
    assert system.name == "rules-no-pronouns" and system.config["pronouns"] is False


def test_folder_adapter_and_yaml_config(tmp_path: Path) -> None:
    (tmp_path / "shouty.py").write_text(ADAPTER_MODULE, encoding="utf-8")
    (tmp_path / "loud.yaml").write_text(
        "name: loud\nadapter: shouty\ndisplay_name: Loud one\nparams: {level: 3}\n",
        encoding="utf-8",
    )
    infos = _by_name(tmp_path)
    assert infos["shouty"].source == "systems/shouty.py" and infos["shouty"].ready
    loud = infos["loud"]
    assert (loud.adapter, loud.display_name, loud.source) == (
        "shouty",
        "Loud one",
        "systems/loud.yaml",
    )
    assert loud.version == "2" and loud.ready
    system = load_system(loud)
    assert isinstance(system, System)
    assert system.name == "loud" and system.config == {"level": 3}


def test_adapters_mapping_in_module(tmp_path: Path) -> None:
    module = ADAPTER_MODULE + '\nADAPTERS = {"custom-name": Shouty}\n'
    (tmp_path / "mod.py").write_text(module, encoding="utf-8")
    infos = _by_name(tmp_path)
    assert "custom-name" in infos and "shouty" not in infos


def test_entry_point_is_discovered(monkeypatch: pytest.MonkeyPatch) -> None:
    point = importlib.metadata.EntryPoint(
        name="ep-empty", value="benchmark.systems.sanity:EmptySystem", group="benchmark.systems"
    )

    def fake_entry_points(**kwargs: Any) -> list[importlib.metadata.EntryPoint]:
        return [point] if kwargs.get("group") == "benchmark.systems" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    info = _by_name()["ep-empty"]
    assert info.source.startswith("entry point") and info.ready
    doc = Document("d", "Hi.")
    assert load_system(info).extract(doc) == Annotation("d", doc.sha256)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: bad\nadapter: rules\nparams: [1, 2]\n", "systems/bad.yaml: $.params: expected"),
        ("name: bad\nparams: {}\n", "systems/bad.yaml: $: missing field 'adapter'"),
        ("name: bad\nadapter: rules\ncolour: red\n", "systems/bad.yaml: $: unknown field 'colour'"),
        ("name: [unclosed\n", "systems/bad.yaml: line"),
        ("name: bad\nadapter: nosuch\n", "systems/bad.yaml: $.adapter: unknown adapter 'nosuch'"),
        ("name: bad\nadapter: rules\nenabled: maybe\n", "systems/bad.yaml: $.enabled: expected"),
        ("name: bad\nadapter: rules\nparams: {x: .nan}\n", "systems/bad.yaml: $.params: values"),
        ("name: bad\nadapter: rules\nenabled: 'false'\n", "$.enabled: expected bool, got str"),
        (
            "name: ../../x\nadapter: rules\n",
            "systems/bad.yaml: $.name: expected str that is a safe name",
        ),
        (
            "name: /etc/x\nadapter: rules\n",
            "systems/bad.yaml: $.name: expected str that is a safe name",
        ),
        ("name: bad\nadapter: rules\nname: good\n", "systems/bad.yaml: line 3: duplicated key"),
    ],
)
def test_malformed_yaml_is_a_status_line(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    info = _by_name(tmp_path)["bad"]
    assert info.status.startswith("error: ") and expected in info.status
    assert not info.runs_by_default
    result = CliRunner().invoke(cli, ["list", "--systems", str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("bad "))
    assert expected in line
    with pytest.raises(BenchError, match=r"bad\.yaml"):
        load_system("bad", systems_dir=tmp_path)


def test_broken_python_adapter_is_a_status_line(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    info = _by_name(tmp_path)["broken"]
    assert (
        info.status.startswith("error: systems/broken.py: import failed") and "boom" in info.status
    )


def test_missing_optional_dependency(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = _registry.importlib.util.find_spec

    def no_spacy(name: str, *args: Any) -> Any:
        return None if name.split(".")[0] == "spacy" else real(name, *args)

    monkeypatch.setattr(_registry.importlib.util, "find_spec", no_spacy)
    info = _by_name(tmp_path)["spacy"]
    assert info.status.startswith("unavailable: missing optional dependency spacy")
    assert not info.offline
    result = CliRunner().invoke(cli, ["list", "--systems", str(tmp_path)])
    assert (
        result.exit_code == 0 and "unavailable: missing optional dependency spacy" in result.output
    )
    with pytest.raises(SystemUnavailable):
        load_system("spacy", systems_dir=tmp_path)


def test_discovery_imports_nothing_heavy() -> None:
    code = (
        "import sys; from benchmark._systems import discover_systems; discover_systems(); "
        "print(sorted(m for m in ('spacy', 'datasets', 'sklearn', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_list_command_table() -> None:
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header.split()[:3] == ["name", "display", "name"] and header.endswith("offline")
    assert any(row.startswith("rules ") and "ready" in row for row in rows)


def test_env_overrides_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("adapter: empty\n", encoding="utf-8")
    monkeypatch.setenv("BENCH_SYSTEMS", str(tmp_path))
    assert _by_name()["x"].source == "systems/x.yaml"


def test_oracle_gets_answers_from_the_runner() -> None:
    doc = Document("d", "Ann said hi.")
    gold = Annotation("d", doc.sha256)
    with pytest.raises(BenchError, match="answers"):
        load_system("oracle")
    assert load_system("oracle", answers={"d": gold}).extract(doc) == gold
    with pytest.raises(SystemUnavailable):
        load_system("oracle", answers={}).extract(doc)


def test_config_hash_depends_on_params_and_version() -> None:
    base = config_hash("rules", {"pronouns": True}, "1")
    assert base != config_hash("rules", {"pronouns": False}, "1")
    assert base != config_hash("rules", {"pronouns": True}, "2")


def test_every_offline_system_output_validates() -> None:
    docs = [read_document(p) for p in sorted((default_gold_dir() / "articles").glob("*.txt"))]
    docs.append(Document("invented", "“Fine,” Ana Ruiz said in Lisbon on Monday.\n"))
    checked = 0
    for info in discover_systems():
        if not info.runs_by_default or info.adapter in {"oracle", "llm"}:
            continue
        system = load_system(info)
        for doc in docs:
            ann = system.extract(doc)
            assert check_annotation(ann, doc, f"{info.name}/{doc.doc_id}", gold=False) == []
        checked += 1
    assert checked >= 3
