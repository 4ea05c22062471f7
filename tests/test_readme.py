"""README's commands are the ones CI runs, and its figures are the ones the commands produce."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_systems_heldout import _scores

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
COLUMNS = [
    ("entities", "type"),
    ("entities", "strict"),
    ("quotes", "attribution"),
    ("speakers", "set"),
    ("claims", "matched"),
]


def _leaderboard(name: str) -> dict[str, list[float | None]]:
    match = re.search(rf"<!-- leaderboard {name} -->\n(.*?)<!-- end leaderboard -->", README, re.S)
    assert match, f"README has no leaderboard {name!r}"
    rows: dict[str, list[float | None]] = {}
    for line in match.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        system = re.match(r"`([^`]+)`", cells[0])
        assert system is not None, line
        rows[system.group(1)] = [None if c == "—" else float(c.split()[0]) for c in cells[1:]]
    return rows


def test_first_lines_are_the_two_commands_and_ci_runs_the_second() -> None:
    block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert block is not None and README.index("```bash") < 40
    setup, test_command = block.group(1).strip().splitlines()
    assert "pip install -e" in setup and setup.endswith("bench run")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test_command


def test_gold_leaderboard_is_the_committed_baseline() -> None:
    baseline = json.loads((REPO / "reports" / "baseline.json").read_text(encoding="utf-8"))
    board = _leaderboard("gold")
    assert set(board) == set(baseline["systems"])
    for system, values in board.items():
        for (layer, metric), shown in zip(COLUMNS, values, strict=True):
            expected = baseline["systems"][system][layer][metric]["f1"]
            assert shown == (None if expected is None else round(expected, 3)), (system, metric)


@pytest.mark.spacy
@pytest.mark.parametrize("split", ["test", "dev"])
@pytest.mark.parametrize("system", ["rules", "spacy"])
def test_heldout_leaderboard_is_what_the_systems_score(system: str, split: str) -> None:
    scores = _scores(system, split)
    shown = _leaderboard(f"heldout-{split}")[system]
    for (layer, metric), value in zip(COLUMNS, shown, strict=True):
        f1 = scores.overall(layer, metric).f1
        assert value == (None if f1 is None else round(f1, 3)), (system, layer, metric)


def test_the_side_by_side_table_repeats_the_three_leaderboards() -> None:
    match = re.search(r"<!-- generalisation -->\n(.*?)<!-- end generalisation -->", README, re.S)
    assert match, "README has no side-by-side table"
    boards = [_leaderboard(name) for name in ("gold", "heldout-dev", "heldout-test")]
    columns = {"entities type": 0, "quotes attribution": 2, "speakers set": 3, "claims matched": 4}
    rows = match.group(1).splitlines()[2:]
    assert len(rows) == 16
    for line in rows:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        system = cells[0].strip("`")
        index = columns[cells[1]]
        shown = [float(c) for c in cells[2:]]
        assert shown == [board[system][index] for board in boards], line
