"""``bench run``: run folder, cache, resume, error isolation, exit codes (through CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from benchmark._cli import cli
from benchmark._run._files import load_details
from tests.run_helpers import DOC_IDS, calls, make_corpus, make_systems_dir


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    paths = {
        "gold": make_corpus(tmp_path / "gold"),
        "systems": make_systems_dir(tmp_path / "systems"),
        "cache": tmp_path / "cache",
        "calls": tmp_path / "calls.log",
        "root": tmp_path,
    }
    monkeypatch.setenv("BENCH_CACHE_DIR", str(paths["cache"]))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(paths["calls"]))
    monkeypatch.delenv("BENCH_TEST_INTERRUPT", raising=False)
    return paths


def bench_run(env: dict[str, Path], *args: str, out: str = "run") -> Result:
    command = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    if out:
        command += ["--out", str(env["root"] / out)]
    if "--jobs" not in args:
        command += ["--jobs", "1"]
    return CliRunner().invoke(cli, [*command, *args])


def results_of(env: dict[str, Path], out: str = "run") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((env["root"] / out / "results.json").read_text())
    return data


def test_run_writes_predictions_results_and_provenance(env: dict[str, Path]) -> None:
    result = bench_run(env, "--system", "oracle", "--system", "empty", "--system", "finder")
    assert result.exit_code == 0, result.output
    data = results_of(env)
    assert data["format_version"] == "2.0"
    assert data["documents"] == list(DOC_IDS)
    assert data["results"]["oracle"]["quotes"]["attribution"]["f1"] == 1.0
    assert data["results"]["empty"]["entities"]["strict"]["recall"] == 0.0
    assert data["results"]["finder"]["entities"]["strict"]["f1"] == pytest.approx(0.75)
    provenance = data["provenance"]
    assert provenance["gold_sha256"] and len(provenance["gold_sha256"]) == 64
    assert provenance["package_version"] and provenance["timestamp"].endswith("Z")
    assert set(provenance["systems"]) == {"oracle", "empty", "finder"}
    assert provenance["systems"]["finder"]["config"] == {}
    assert data["errors"] == {} and data["skipped"] == {}
    for system in ("oracle", "empty", "finder"):
        files = sorted(p.stem for p in (env["root"] / "run" / "predictions" / system).iterdir())
        assert files == list(DOC_IDS)


def test_default_out_is_timestamped_and_latest_points_to_it(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(env["root"])
    result = bench_run(env, "--system", "empty", out="")
    assert result.exit_code == 0, result.output
    latest = (env["root"] / "runs" / "latest").read_text().strip()
    assert (env["root"] / "runs" / latest / "results.json").is_file()
    assert f"runs/{latest}" in result.output


def test_second_run_is_served_from_the_cache(env: dict[str, Path]) -> None:
    assert bench_run(env, "--system", "finder").exit_code == 0
    assert len(calls(env["calls"])) == 3
    again = bench_run(env, "--system", "finder", out="run2")
    assert again.exit_code == 0, again.output
    assert len(calls(env["calls"])) == 3  # no extract call at all
    assert "0 extracted, 3 from the cache" in again.output
    first, second = results_of(env), results_of(env, "run2")
    assert first["results"] == second["results"]


def test_no_cache_forces_work_and_refreshes_the_cache(env: dict[str, Path]) -> None:
    assert bench_run(env, "--system", "finder", "--no-cache").exit_code == 0
    assert len(calls(env["calls"])) == 3  # nothing cached was served, every result recorded
    assert bench_run(env, "--system", "finder", "--no-cache", out="run2").exit_code == 0
    assert len(calls(env["calls"])) == 6
    assert bench_run(env, "--system", "finder", out="run3").exit_code == 0
    assert len(calls(env["calls"])) == 6  # the refreshed entries serve the next run


def test_an_interrupted_run_resumes_from_the_cache(
    env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_TEST_INTERRUPT", "1")
    interrupted = bench_run(env, "--system", "interrupting")
    assert interrupted.exit_code == 130
    assert "interrupted" in interrupted.output
    assert len(calls(env["calls"])) == 2
    assert not (env["root"] / "run" / "results.json").exists()
    monkeypatch.delenv("BENCH_TEST_INTERRUPT")
    resumed = bench_run(env, "--system", "interrupting")
    assert resumed.exit_code == 0, resumed.output
    assert "1 extracted, 2 from the cache" in resumed.output
    assert calls(env["calls"])[2:] == ["interrupting c3"]


def test_failures_are_recorded_per_document_and_leave_the_rest_intact(
    env: dict[str, Path],
) -> None:
    systems = ["finder", "raising", "garbage", "hanging", "chatty", "dying"]
    args = [arg for name in systems for arg in ("--system", name)]
    result = bench_run(env, *args, "--timeout", "1.5")
    assert result.exit_code == 0, result.output
    errors = results_of(env)["errors"]
    assert "finder" not in errors
    assert set(errors) == {"raising", "garbage", "hanging", "chatty", "dying"}
    assert errors["raising"] == {"b2": "raised ValueError: boom on purpose"}
    assert errors["garbage"]["b2"] == "returned dict, not an Annotation"
    assert errors["garbage"]["c3"].startswith("invalid output: $.entities[0].text:")
    assert errors["hanging"] == {"b2": "timed out after 1.5 s"}
    assert errors["chatty"]["b2"].startswith("wrote to stdout")
    assert errors["dying"]["b2"] == "worker process died (exit code 3)"
    details = load_details(env["root"] / "run")
    for system in systems:
        tp, fp, fn = details[system]["a1"].metrics["entities"]["strict"].counts
        assert 2 * tp / (2 * tp + fp + fn) == pytest.approx(0.75), system  # intact
    assert details["raising"]["b2"].metrics["entities"]["strict"].counts[0] == 0
    assert "bench: raising on b2: raised ValueError: boom on purpose" in result.output
    predictions = env["root"] / "run" / "predictions" / "raising"
    assert sorted(p.stem for p in predictions.iterdir()) == ["a1", "c3"]


def test_strict_exits_1_on_any_error(env: dict[str, Path]) -> None:
    assert bench_run(env, "--system", "raising").exit_code == 0
    strict = bench_run(env, "--system", "raising", "--strict", out="run2")
    assert strict.exit_code == 1
    assert "--strict" in strict.output


def test_an_unavailable_system_is_skipped_and_nothing_scored_exits_1(
    env: dict[str, Path],
) -> None:
    mixed = bench_run(env, "--system", "unavailable", "--system", "empty")
    assert mixed.exit_code == 0, mixed.output
    assert results_of(env)["skipped"] == {"unavailable": "needs a GPU on purpose"}
    assert "unavailable" not in results_of(env)["results"]
    alone = bench_run(env, "--system", "unavailable", out="run2")
    assert alone.exit_code == 1
    assert "nothing could be scored" in alone.output


def test_batch_systems_get_one_batch_per_worker(env: dict[str, Path]) -> None:
    result = bench_run(env, "--system", "batching", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert sorted(calls(env["calls"])) == ["batching-batch 1", "batching-batch 2"]
    strict = results_of(env)["results"]["batching"]["entities"]["strict"]
    assert strict["tp"] == 6 and strict["fp"] == 0


def test_an_unknown_system_is_a_one_line_error(env: dict[str, Path]) -> None:
    result = bench_run(env, "--system", "nope")
    assert result.exit_code == 2
    assert result.output.startswith("bench: error: unknown system 'nope'")
    assert "Traceback" not in result.output
