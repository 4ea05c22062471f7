"""docs/ci.md's workflows: they parse, every ``bench`` command and option in them exists, the
page shows them verbatim, and their shell lines (but installing and ``bench run``) run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._yaml import read_yaml
from tests.test_check import BASE, scores, write_baseline, write_run

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
GITHUB = DOCS / "ci" / "github-workflow.yml"
GITLAB = DOCS / "ci" / "gitlab-ci.yml"
BENCH = Path(sys.executable).parent / "bench"


def github_lines() -> list[str]:
    """Every shell line of the workflow's ``run:`` steps, in order."""
    data: Any = read_yaml(GITHUB)
    assert data["name"] == "bench" and data[True]["pull_request"] is None  # YAML 1.1: on == true
    (job,) = data["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    return [
        line.strip()
        for step in job["steps"]
        if "run" in step
        for line in step["run"].splitlines()
        if line.strip()
    ]


def gitlab_lines() -> list[str]:
    """Every line of the job's ``script`` then ``after_script``."""
    data: Any = read_yaml(GITLAB)
    job = data["bench"]
    assert job["artifacts"]["reports"]["junit"] == "bench-junit.xml"
    assert {".bench-cache/"} <= set(job["cache"][0]["paths"])
    return [*job["script"], *job["after_script"]]


WORKFLOWS = {"github": github_lines, "gitlab": gitlab_lines}


def bench_commands(lines: list[str]) -> list[list[str]]:
    return [words for words in map(shlex.split, lines) if words and words[0] == "bench"]


def help_text(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_bench_command_and_option_exists(name: str) -> None:
    commands = bench_commands(WORKFLOWS[name]())
    assert [words[1] for words in commands] == ["run", "check", "history"]
    listed = re.findall(r"^  (\S+)", help_text().split("Commands:", 1)[1], re.M)
    for words in commands:
        assert words[1] in listed, words
        options = set(re.findall(r"(--[a-z][a-z-]*)", help_text(words[1])))
        for word in words[2:]:
            if word.startswith("-"):
                assert word in options, (words, word)


def test_the_check_step_writes_junit() -> None:
    for lines in (github_lines(), gitlab_lines()):
        (check,) = [w for w in bench_commands(lines) if w[1] == "check"]
        assert "--junit" in check


def test_the_page_shows_both_workflows_verbatim() -> None:
    page = (DOCS / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", page, re.S)
    assert blocks == [GITHUB.read_text(encoding="utf-8"), GITLAB.read_text(encoding="utf-8")]


def test_the_docs_name_no_file_outside_the_repository() -> None:
    for path in (DOCS / "ci.md", GITHUB, GITLAB):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])(/home/|/tmp/|/work/|~/|[A-Z]:\\)", text), path
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if not target.startswith("https://"):
                assert (path.parent / target).resolve().is_relative_to(REPO), target
                assert (path.parent / target).exists(), target


@pytest.mark.skipif(shutil.which("bash") is None or not BENCH.exists(), reason="needs bash, bench")
@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_the_workflow_lines_run(name: str, tmp_path: Path) -> None:
    """Each line after installing, with a ready run standing in for ``bench run`` (which the
    rest of the suite covers): a gate that holds, a JUnit file, the history of two runs."""
    write_run(tmp_path / "runs" / "ci", {"rules": scores(0.80)})
    (tmp_path / "runs" / "ci" / "summary.md").write_text("### Leaderboard\n", encoding="utf-8")
    (tmp_path / "reports").mkdir()
    write_baseline(tmp_path / "reports" / "baseline.json", BASE)
    write_run(tmp_path / "bench-history" / "earlier", {"rules": scores(0.81)})
    summary = tmp_path / "step-summary.md"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BENCH_", "GITHUB_", "CI_"))
    }
    env.update(
        PATH=f"{BENCH.parent}{os.pathsep}{env.get('PATH', '')}",
        CI_PROJECT_DIR=str(tmp_path),
        CI_JOB_ID="7",
        GITHUB_RUN_ID="8",
        GITHUB_RUN_ATTEMPT="1",
        GITHUB_STEP_SUMMARY=str(summary),
        HOME=str(tmp_path),
    )
    skipped = ("pip install", "python -m venv", "export PATH", "bench run")
    for line in WORKFLOWS[name]():
        if any(part in line for part in skipped):
            continue
        done = subprocess.run(
            ["bash", "-e", "-c", line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (line, done.stdout, done.stderr)
    cases = ET.parse(tmp_path / "bench-junit.xml").getroot().iter("testcase")
    assert [case.attrib["name"] for case in cases] == ["rules::quotes::attribution"]
    page = (tmp_path / "bench-history.html").read_text(encoding="utf-8")
    assert page.count("<tr data-gate=") == 2
    assert summary.exists() == (name == "github")
