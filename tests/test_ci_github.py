"""``bench check --format github``: workflow commands by exact line, and the job summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._run._ci import escape_data, escape_property, workflow_command
from tests.test_check import BASE, scores, write_baseline, write_run


def check_github(run: Path, baseline: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    args = ["check", str(run), "--baseline", str(baseline), "--format", "github"]
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.stdout


def test_a_regression_is_an_error_annotation(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.729)})
    baseline = write_baseline(tmp_path / "b.json", BASE)
    code, output = check_github(run, baseline, {"GITHUB_STEP_SUMMARY": ""})
    assert code == 1
    assert output.splitlines() == [
        "::error title=bench check::rules quotes/attribution f1 fell 0.083 (0.812 -> 0.729), "
        "tolerance 0.02",
        f"1 regression(s) against {baseline}",
    ]


def test_an_improvement_is_a_notice_and_the_summary_is_appended(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.95)})
    (run / "summary.md").write_text("### Leaderboard\n\n| System |\n", encoding="utf-8")
    baseline = write_baseline(tmp_path / "b.json", BASE)
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, output = check_github(run, baseline, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 0
    assert output.splitlines() == [
        "::notice title=bench check::rules quotes/attribution f1 rose 0.138 (0.812 -> 0.950): "
        "consider refreshing the baseline",
        f"ok: 1 gated metrics within tolerance of {baseline}",
    ]
    assert summary.read_text(encoding="utf-8") == (
        "earlier step\n### bench check: ok\n\n"
        f"1 gated metrics within tolerance of `{baseline}`.\n\n"
        "- note: rules quotes/attribution f1 rose 0.138 (0.812 -> 0.950): consider refreshing "
        "the baseline\n\n### Leaderboard\n\n| System |\n"
    )


def test_a_run_without_summary_md_gets_one_rendered(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.5)})
    summary = tmp_path / "step-summary.md"
    code, _ = check_github(
        run, write_baseline(tmp_path / "b.json", BASE), {"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### bench check: 1 regression(s)\n")
    assert "- rules quotes/attribution f1 fell 0.312 (0.812 -> 0.500), tolerance 0.02\n" in text
    assert "### Leaderboard" in text


def test_a_harness_error_is_an_error_annotation_and_exit_2(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"rules": scores(0.8)})
    missing = tmp_path / "missing.json"
    code, output = check_github(run, missing)
    assert code == 2
    assert output.splitlines() == [
        f"::error title=bench check::{escape_data(str(missing))}: no such baseline file (make "
        "one with `bench baseline RUN`)"
    ]


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("50%", "50%25", "50%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping_follows_githubs_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_a_hostile_message_stays_one_command() -> None:
    line = workflow_command("error", "evil\n::warning::injected", title="a,b:c")
    assert line == "::error title=a%2Cb%3Ac::evil%0A::warning::injected"
    assert "\n" not in line
