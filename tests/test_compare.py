"""``bench compare``: deltas with paired bootstrap, and the items one run got and one missed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from tests.run_helpers import make_corpus, make_systems_dir


@pytest.fixture
def two_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(tmp_path / "calls.log"))
    gold = make_corpus(tmp_path / "gold")
    runs = []
    for name, worse in (("a", False), ("b", True)):
        systems = make_systems_dir(tmp_path / f"systems-{name}", worse_finder=worse)
        out = tmp_path / name
        args = ["run", "--gold", str(gold), "--systems", str(systems), "--out", str(out)]
        result = CliRunner().invoke(
            cli, [*args, "--jobs", "1", "--system", "finder", "--system", "empty"]
        )
        assert result.exit_code == 0, result.output
        runs.append(out)
    return runs[0], runs[1]


def test_compare_json_has_deltas_intervals_and_lost_items(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    result = CliRunner().invoke(cli, ["compare", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    strict = data["systems"]["finder"]["entities"]["strict"]
    assert strict["a_f1"] == pytest.approx(0.75)
    assert strict["b_f1"] == pytest.approx(1 / 3)
    assert strict["delta"] == pytest.approx(1 / 3 - 0.75)
    assert strict["ci"][0] <= strict["delta"] <= strict["ci"][1]
    assert 0 < strict["p_value"] <= 1
    assert strict["gained"] == []
    assert {(i["doc_id"], i["text"]) for i in strict["lost"]} == {
        (doc, "Paris") for doc in ("a1", "b2", "c3")
    }
    assert data["systems"]["empty"]["entities"]["strict"]["delta"] == 0.0


def test_compare_table_names_systems_metrics_and_items(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    result = CliRunner().invoke(cli, ["compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "entities/strict" in line)
    assert row.split()[:5] == ["finder", "entities/strict", "0.750", "0.333", "-0.417"]
    assert "finder entities/strict: 6 A found, B missed" in result.output
    assert "- a1 [" in result.output and "'Paris' (GPE)" in result.output


def test_compare_refuses_runs_on_different_gold(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    data = json.loads((b / "results.json").read_text())
    data["provenance"]["gold_sha256"] = "0" * 64
    (b / "results.json").write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["compare", str(a), str(b)])
    assert result.exit_code == 2
    assert "gold_sha256" in result.output and "Traceback" not in result.output


def test_compare_two_systems_of_one_run(two_runs: tuple[Path, Path]) -> None:
    a, _ = two_runs
    result = CliRunner().invoke(cli, ["compare", str(a), "--a", "empty", "--b", "finder", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    strict = data["systems"]["empty -> finder"]["entities"]["strict"]
    assert strict["a_f1"] == 0.0 and strict["b_f1"] == pytest.approx(0.75)
    assert strict["ci"][0] <= strict["delta"] <= strict["ci"][1]
    assert {i["text"] for i in strict["gained"]} == {"Ann Smith", "Paris"}  # what finder found


def test_compare_a_system_of_one_run_with_another_of_a_second(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    args = ["compare", str(a), str(b), "--a", "finder", "--b", "empty"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert any(line.startswith("finder -> empty") for line in result.output.splitlines())


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--a", "finder"], "--a and --b go together"),
        (["--b", "finder"], "--a and --b go together"),
        (["--a", "finder", "--b", "nope"], "no system 'nope'"),
        ([], "give RUN_B, or --a and --b"),
    ],
)
def test_compare_refuses_half_pairs_and_unknown_systems(
    two_runs: tuple[Path, Path], args: list[str], reason: str
) -> None:
    a, _ = two_runs
    result = CliRunner().invoke(cli, ["compare", str(a), *args])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert reason in line and "Traceback" not in result.output
