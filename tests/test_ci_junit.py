"""``bench check --junit``: one test case per system x layer x gated metric, parsed as XML."""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from benchmark._cli import cli
from tests.test_check import BASE, scores, write_baseline, write_run

TWO_SYSTEMS = {
    "rules": {
        "quotes": {"attribution": {"f1": 0.812, "tolerance": 0.02}},
        "entities": {"strict": {"f1": 0.5}},
    },
    "spacy": {"quotes": {"attribution": {"f1": 0.9, "tolerance": 0.05}}},
}


def check_junit(run: Path, baseline: Path, junit: Path) -> tuple[int, str]:
    args = ["check", str(run), "--baseline", str(baseline), "--junit", str(junit)]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def cases(junit: Path) -> dict[str, ET.Element]:
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return {case.attrib["name"]: case for case in suite.findall("testcase")}


def test_a_failing_gate_is_a_failing_case_naming_the_metric(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.729), "spacy": scores(0.89)})
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    code, output = check_junit(run, write_baseline(tmp_path / "b.json", TWO_SYSTEMS), junit)
    assert code == 1, output
    assert "FAIL rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), tolerance 0.02" in output
    root = ET.parse(junit).getroot()
    (suite,) = root.findall("testsuite")
    assert suite.attrib["name"] == "bench check"
    assert (suite.attrib["tests"], suite.attrib["failures"], suite.attrib["errors"]) == (
        "3",
        "1",
        "0",
    )
    assert root.attrib["tests"] == "3" and root.attrib["failures"] == "1"
    found = cases(junit)
    assert set(found) == {
        "rules::quotes::attribution",
        "rules::entities::strict",
        "spacy::quotes::attribution",
    }
    failing = found["rules::quotes::attribution"]
    assert failing.attrib["classname"] == "bench-gate.rules.quotes"
    (failure,) = failing.findall("failure")
    assert failure.attrib["type"] == "regression"
    assert failure.attrib["message"] == (
        "rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), tolerance 0.02"
    )
    text = failure.text or ""
    for fact in ("baseline: 0.8120", "value: 0.7290", "tolerance: 0.02", "delta: -0.0830"):
        assert fact in text, text
    for name in ("rules::entities::strict", "spacy::quotes::attribution"):
        assert not found[name].findall("failure") and not found[name].findall("error")
    assert "tolerance: 0.05" in (found["spacy::quotes::attribution"].findtext("system-out") or "")
    assert sorted(os.listdir(junit.parent)) == ["junit.xml"]  # atomic: no temporary left


def test_a_passing_run_writes_only_passing_cases(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.80)})
    junit = tmp_path / "junit.xml"
    code, output = check_junit(run, write_baseline(tmp_path / "b.json", BASE), junit)
    assert code == 0, output
    (case,) = cases(junit).values()
    assert case.attrib["name"] == "rules::quotes::attribution"
    assert not case.findall("failure")


def test_a_missing_system_fails_every_one_of_its_cases(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"spacy": scores(0.9)})
    junit = tmp_path / "junit.xml"
    code, _ = check_junit(run, write_baseline(tmp_path / "b.json", TWO_SYSTEMS), junit)
    assert code == 1
    found = cases(junit)
    for name in ("rules::quotes::attribution", "rules::entities::strict"):
        (failure,) = found[name].findall("failure")
        assert failure.attrib["message"].startswith("rules: missing from the run")
        assert "value: none" in (failure.text or "") and "delta: none" in (failure.text or "")


def test_a_harness_error_exits_2_and_writes_one_error_case(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8)})
    junit = tmp_path / "junit.xml"
    code, output = check_junit(run, tmp_path / "missing.json", junit)
    assert code == 2, output
    root = ET.parse(junit).getroot()
    (suite,) = root.findall("testsuite")
    assert (suite.attrib["tests"], suite.attrib["failures"], suite.attrib["errors"]) == (
        "1",
        "0",
        "1",
    )
    (case,) = suite.findall("testcase")
    (error,) = case.findall("error")
    assert error.attrib["type"] == "harness-error"
    assert "missing.json: no such baseline file" in error.attrib["message"]


def test_a_junit_path_that_cannot_be_written_is_a_harness_error(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8)})
    folder = tmp_path / "taken"
    folder.mkdir()
    code, output = check_junit(run, write_baseline(tmp_path / "b.json", BASE), folder)
    assert code == 2
    assert f"--junit {folder}: cannot write" in output


def test_a_hostile_path_in_a_harness_error_still_parses(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8)})
    junit = tmp_path / "junit.xml"
    code, _ = check_junit(run, tmp_path / "bad\x1b]0;x\x07<&>.json", junit)
    assert code == 2
    (error,) = ET.parse(junit).getroot().iter("error")
    assert "bad?]0;x?<&>.json: no such baseline file" in error.attrib["message"]
