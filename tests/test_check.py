"""``bench check`` and ``bench baseline``: exit codes 0/1/2 and the lines they print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from benchmark._cli import cli
from tests.factories import results_json

GOLD = "ab" * 32


def write_run(folder: Path, results: dict[str, Any], *, gold: str = GOLD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = results_json(results, gold=gold, skipped={"llm": "no endpoint"})
    (folder / "results.json").write_text(json.dumps(data))
    return folder


def scores(attribution: float | None, strict: float = 0.5) -> dict[str, Any]:
    return {
        "quotes": {"attribution": attribution},
        "entities": {"strict": strict},
    }


def write_baseline(path: Path, systems: dict[str, Any], **extra: Any) -> Path:
    data = {"format_version": "1.0", "gold_sha256": GOLD, "default_tolerance": 0.02}
    data.update(extra)
    data["systems"] = systems
    path.write_text(json.dumps(data))
    return path


def check(run: Path, baseline: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(run), "--baseline", str(baseline)])
    return result.exit_code, result.output


BASE = {"rules": {"quotes": {"attribution": {"f1": 0.812, "tolerance": 0.02}}}}


def test_within_tolerance_passes(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.80)})
    code, output = check(run, write_baseline(tmp_path / "b.json", BASE))
    assert code == 0, output
    assert "ok: 1 gated metrics within tolerance" in output


def test_a_fall_beyond_tolerance_fails_naming_metric_and_amount(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.729)})
    code, output = check(run, write_baseline(tmp_path / "b.json", BASE))
    assert code == 1
    assert "FAIL rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), tolerance 0.02" in output


def test_default_tolerance_applies_when_a_metric_has_none(tmp_path: Path) -> None:
    base = {"rules": {"quotes": {"attribution": {"f1": 0.9}}}}
    run = write_run(tmp_path / "run", {"rules": scores(0.85)})
    baseline = write_baseline(tmp_path / "b.json", base, default_tolerance=0.1)
    assert check(run, baseline)[0] == 0
    strict = write_baseline(tmp_path / "b2.json", base, default_tolerance=0.01)
    assert check(run, strict)[0] == 1


def test_a_system_missing_from_the_run_fails(tmp_path: Path) -> None:
    base = {**BASE, "llm": {"quotes": {"attribution": {"f1": 0.5}}}}
    run = write_run(tmp_path / "run", {"rules": scores(0.812)})
    code, output = check(run, write_baseline(tmp_path / "b.json", base))
    assert code == 1
    assert "FAIL llm: missing from the run (skipped: no endpoint)" in output


def test_a_null_f1_in_the_run_fails_and_a_null_baseline_is_not_gated(tmp_path: Path) -> None:
    base = {"rules": {"quotes": {"attribution": {"f1": 0.5}}, "entities": {"strict": {"f1": None}}}}
    run = write_run(tmp_path / "run", {"rules": scores(None, strict=0.0)})
    code, output = check(run, write_baseline(tmp_path / "b.json", base))
    assert code == 1
    assert "rules quotes/attribution f1 is missing or null" in output
    assert "entities/strict" not in output


def test_harness_errors_exit_2_naming_file_and_field(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8)})
    code, output = check(tmp_path / "nowhere", write_baseline(tmp_path / "b.json", BASE))
    assert code == 2 and "nowhere/results.json: cannot read: No such file" in output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, output = check(run, bad)
    assert code == 2 and f"{bad}: malformed JSON" in output
    wrong = write_baseline(tmp_path / "w.json", {"rules": {"quotes": {"attribution": {"f1": "x"}}}})
    code, output = check(run, wrong)
    assert code == 2 and "$.systems.rules.quotes.attribution.f1: expected float" in output
    other_gold = write_run(tmp_path / "run2", {"rules": scores(0.8)}, gold="cd" * 32)
    code, output = check(other_gold, write_baseline(tmp_path / "b.json", BASE))
    assert code == 2 and "$.gold_sha256" in output
    (tmp_path / "run3").mkdir()
    (tmp_path / "run3" / "results.json").write_text('{"provenance": {}}')
    code, output = check(tmp_path / "run3", write_baseline(tmp_path / "b.json", BASE))
    assert code == 2 and "$.format_version" in output
    assert "Traceback" not in output


def test_baseline_command_writes_a_baseline_the_run_passes(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8), "empty": scores(None, 0.0)})
    out = tmp_path / "reports" / "baseline.json"
    result = CliRunner().invoke(cli, ["baseline", str(run), "--out", str(out)])
    assert result.exit_code == 0, result.output
    baseline = json.loads(out.read_text())
    assert baseline["gold_sha256"] == GOLD
    assert baseline["systems"]["rules"]["quotes"]["attribution"] == {"f1": 0.8, "tolerance": 0.02}
    assert baseline["systems"]["empty"]["quotes"]["attribution"]["f1"] is None
    assert check(run, out)[0] == 0
    worse = write_run(tmp_path / "worse", {"rules": scores(0.7), "empty": scores(None, 0.0)})
    assert check(worse, out)[0] == 1
    updated = CliRunner().invoke(cli, ["check", str(worse), "--baseline", str(out), "--update"])
    assert updated.exit_code == 0
    assert check(worse, out)[0] == 0
