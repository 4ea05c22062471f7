"""DESIGN §9 for runs: misbehaving systems cost one document each; a killed run loses nothing.

The systems here (written into a temporary ``systems/`` folder) raise, hang, return garbage
(wrong type, invalid spans, floats for offsets, lone surrogates, 100-bit integers) or print; each
is recorded as an error for that document only, and the run completes and is reported. A run
interrupted with SIGINT or killed with SIGKILL leaves no half-written file, and the next run
resumes from the cache with the same results as a clean run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._io import write_annotation
from benchmark._run._files import load_details
from tests.factories import TINY_TEXT, tiny_annotation
from tests.report_fixtures import write_run as write_report_run

PLUGIN = '''
import os, time
from pathlib import Path
from benchmark._models import Annotation, Entity, Speaker


def _log(name, doc_id):
    with Path(os.environ["BENCH_TEST_CALLS"]).open("a") as handle:
        handle.write(f"{name} {doc_id}\\n")


def _good(document):
    start = document.text.find("Ann Smith")
    entities = (Entity(start, start + 9, "Ann Smith", "PERSON"),) if start >= 0 else ()
    return Annotation(document.doc_id, document.sha256, entities=entities)


class Slow:
    name, version = "slow", "1"
    config = {}

    def extract(self, document):
        time.sleep(float(os.environ.get("BENCH_TEST_SLEEP", "0.3")))
        _log(self.name, document.doc_id)
        return _good(document)


class Misbehaving:
    """Fails on documents d1..d7 in a different way each; d0 and d8+ are fine."""

    name, version = "misbehaving", "1"
    config = {}

    def extract(self, document):
        doc = document.doc_id
        if doc == "d1":
            raise RuntimeError("kaput <b>bold</b>")
        if doc == "d2":
            time.sleep(60)
        if doc == "d3":
            return "not an annotation"
        if doc == "d4":
            return Annotation(doc, document.sha256, entities=(Entity(0, 3, "XYZ", "PERSON"),))
        if doc == "d5":
            return Annotation(doc, document.sha256, speakers=(Speaker("Ann \\ud83d"),))
        if doc == "d6":
            print("debugging output")
        if doc == "d7":
            bad = Entity(0, 2**100, "Ann Smith", "PERSON")
            return Annotation(doc, document.sha256, entities=(bad,))
        if doc == "d8":
            bad = Entity(0.0, 9.0, "Ann Smith", "PERSON")
            return Annotation(doc, document.sha256, entities=(bad,))
        return _good(document)
'''

ERRORS = {
    "d1": "raised RuntimeError: kaput <b>bold</b>",
    "d2": "timed out after 2 s",
    "d3": "returned str, not an Annotation",
    "d4": "invalid output: $.entities[0].text: 'XYZ' does not match the article's 'Ann'",
    "d5": "invalid output: $.speakers[0].name: not valid Unicode "
    "(a lone surrogate such as \\ud83d)",
    "d6": "wrote to stdout (systems must not): 'debugging output'",
    "d7": f"invalid output: $.entities[0].end: {2**100} is greater than the maximum of 2147483647",
    "d8": "invalid output: $.entities[0].end: expected integer, got float 9.0 (and 1 more)",
}


def _make_env(root: Path, n_docs: int) -> dict[str, Path]:
    gold = root / "gold"
    (gold / "articles").mkdir(parents=True)
    for i in range(n_docs):
        text = TINY_TEXT + f"\n\nItem {i}."
        (gold / "articles" / f"d{i}.txt").write_bytes(text.encode("utf-8"))
        write_annotation(gold / "annotations" / f"d{i}.json", tiny_annotation(text, f"d{i}"))
    systems = root / "systems"
    systems.mkdir()
    (systems / "reliability_systems.py").write_text(PLUGIN)
    return {"gold": gold, "systems": systems, "cache": root / "cache", "calls": root / "calls"}


def _results(run: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run / "results.json").read_text(encoding="utf-8"))
    return data


def test_each_failure_costs_one_document_and_the_run_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _make_env(tmp_path, 10)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(env["cache"]))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(env["calls"]))
    run = tmp_path / "run"
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(run), "--timeout", "2", "--jobs", "4", "--system", "misbehaving"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "misbehaving: 2/10 documents ok, 8 failed" in result.stdout
    for doc_id, reason in ERRORS.items():
        assert f"bench: misbehaving on {doc_id}: {reason}\n" in result.stderr, doc_id
    data = _results(run)
    assert data["errors"] == {"misbehaving": ERRORS}
    per_doc = {
        doc_id: detail.metrics["entities"]["strict"].counts
        for doc_id, detail in load_details(run)["misbehaving"].items()
    }
    assert per_doc["d0"][0] == 1 and per_doc["d9"][0] == 1  # the good ones are intact
    assert all(per_doc[d][0] == 0 and per_doc[d][1] == 0 for d in ERRORS)
    predictions = sorted(p.name for p in (run / "predictions" / "misbehaving").iterdir())
    assert predictions == ["d0.json", "d9.json"]
    summary = (run / "summary.md").read_text(encoding="utf-8")
    for doc_id in ERRORS:
        assert doc_id in summary
    assert "timed out after 2 s" in summary
    assert "kaput" in (run / "report.html").read_text(encoding="utf-8")
    # errors are never cached: exactly the two good documents are
    assert len(list((env["cache"] / "results").rglob("*.json"))) == 2


def test_strict_turns_recorded_errors_into_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _make_env(tmp_path, 4)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(env["cache"]))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(env["calls"]))
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(tmp_path / "run"), "--jobs", "2", "--system", "misbehaving"]
    args += ["--timeout", "2", "--strict"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "bench: --strict: some documents failed" in result.stderr
    assert _results(tmp_path / "run")["errors"]["misbehaving"]["d1"].startswith("raised")


def test_unwritable_run_folder_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _make_env(tmp_path, 1)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(env["cache"]))
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the run folder's parent should be")
    args = ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    args += ["--out", str(blocker / "run"), "--system", "empty", "--jobs", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"bench: error: cannot write {blocker / 'run'}"), line
    assert "Traceback" not in result.output
    assert blocker.read_text().startswith("a file")


def test_unwritable_report_target_is_a_one_line_error(tmp_path: Path) -> None:
    _, run = write_report_run(tmp_path)
    (run / "report.html").unlink(missing_ok=True)
    (run / "report.html").mkdir()  # a folder where the report should go: rename fails
    result = CliRunner().invoke(cli, ["report", str(run)])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("bench: error: cannot write "), line
    assert "report.html" in line
    assert not list(run.glob("*.tmp")) and not list(run.glob(".*.tmp"))


# --- killed runs ------------------------------------------------------------------------------

VOLATILE = ("timestamp", "git_commit", "gold_dir", "python", "platform", "command")


def _stable(results: dict[str, Any]) -> dict[str, Any]:
    provenance = {k: v for k, v in results["provenance"].items() if k not in VOLATILE}
    return {**results, "provenance": provenance}


def _start(env: dict[str, Path], out: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from benchmark._cli import main; main()"]
    command += ["run", "--gold", str(env["gold"]), "--systems", str(env["systems"])]
    command += ["--out", str(out), "--system", "slow", "--jobs", "1", *extra]
    environment = {
        **os.environ,
        "BENCH_CACHE_DIR": str(env["cache"]),
        "BENCH_TEST_CALLS": str(env["calls"]),
    }
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=out.parent,
        start_new_session=True,
    )


def _wait_for_cached(cache: Path, n: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((cache / "results").rglob("*.json"))) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} results were cached in time")


def _assert_nothing_half_written(*folders: Path) -> None:
    for folder in folders:
        if not folder.exists():
            continue
        leftovers = [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
        assert leftovers == [], leftovers
        for path in folder.rglob("*.json"):
            json.loads(path.read_text(encoding="utf-8"))  # every JSON file is whole


def _calls(env: dict[str, Path]) -> int:
    return len(env["calls"].read_text().splitlines()) if env["calls"].exists() else 0


@pytest.mark.parametrize("kill", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_killed_run_leaves_whole_files_and_resumes_to_the_same_results(
    tmp_path: Path, kill: signal.Signals
) -> None:
    clean_env = _make_env(tmp_path / "clean", 10)
    clean_env["cache"] = tmp_path / "clean" / "cache"
    clean = _start(clean_env, tmp_path / "clean" / "run")
    env = _make_env(tmp_path / "killed", 10)
    first = _start(env, tmp_path / "killed" / "run")
    _wait_for_cached(env["cache"], 3, first)
    first.send_signal(kill)
    _, stderr = first.communicate(timeout=30)
    if kill == signal.SIGINT:
        assert first.returncode == 130, stderr
        assert stderr.strip().splitlines()[-1] == "bench: interrupted", stderr
        assert "Traceback" not in stderr
    else:
        assert first.returncode == -signal.SIGKILL
    done_before = _calls(env)
    cached_before = len(list((env["cache"] / "results").rglob("*.json")))
    assert 3 <= cached_before <= done_before < 10
    assert not (tmp_path / "killed" / "run" / "results.json").exists()
    _assert_nothing_half_written(tmp_path / "killed" / "run", env["cache"])

    resumed = _start(env, tmp_path / "killed" / "run")
    out, err = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, err
    assert len(list((env["cache"] / "results").rglob("*.json"))) == 10
    extracted_again = _calls(env) - done_before
    assert extracted_again == 10 - cached_before  # only what was not cached yet
    assert f"{extracted_again} extracted, {cached_before} from the cache" in out, out
    _assert_nothing_half_written(tmp_path / "killed" / "run", env["cache"])

    clean_out, clean_err = clean.communicate(timeout=60)
    assert clean.returncode == 0, clean_err
    assert "10 extracted, 0 from the cache" in clean_out
    resumed_results = _stable(_results(tmp_path / "killed" / "run"))
    clean_results = _stable(_results(tmp_path / "clean" / "run"))
    assert resumed_results["errors"] == {} and resumed_results["skipped"] == {}
    assert resumed_results == clean_results
