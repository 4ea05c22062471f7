"""``bench history``: runs in timestamp order as a table and a self-contained page (Chromium)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._report._assets import CONTENT_SECURITY_POLICY
from tests.test_check import BASE, scores, write_baseline, write_run
from tests.test_report_browser import CHROMIUM, _chromium, _Dom

HOSTILE_COMMIT = (
    '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'
)

RUNS = [  # folder, timestamp, commit, F1 (listed out of order on purpose)
    ("c", "2026-03-03T00:00:00Z", "c" * 40, 0.729),
    ("a", "2026-01-01T00:00:00Z", "a" * 40, 0.812),
    ("b", "2026-02-02T00:00:00+00:00", HOSTILE_COMMIT, 0.80),
]


def make_runs(root: Path) -> Path:
    for folder, timestamp, commit, f1 in RUNS:
        run = write_run(root / folder, {"rules": scores(f1)})
        data: dict[str, Any] = json.loads((run / "results.json").read_text())
        data["provenance"].update(timestamp=timestamp, git_commit=commit)
        data["results"]["rules"]["quotes"]["attribution"]["ci"] = [f1 - 0.05, min(f1 + 0.05, 1)]
        (run / "results.json").write_text(json.dumps(data))
    (root / "latest").write_text("c\n")
    (root / "notes").mkdir()  # a folder without results.json is not a run
    return root


def history(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["history", *args])
    return result.exit_code, result.output


def test_table_orders_by_timestamp_and_marks_failures(tmp_path: Path) -> None:
    runs = make_runs(tmp_path / "runs")
    baseline = write_baseline(tmp_path / "b.json", BASE)
    code, output = history(str(runs), "--baseline", str(baseline))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "rules quotes/attribution f1 (baseline 0.812, tolerance 0.02)"
    assert lines[1].split()[:5] == ["2026-01-01T00:00:00Z", "a" * 10, "0.812", "[0.762,", "0.862]"]
    assert lines[1].split()[5] == "ok"
    assert lines[2].split()[0] == "2026-02-02T00:00:00+00:00"
    assert lines[3].split()[:3] == ["2026-03-03T00:00:00Z", "c" * 10, "0.729"]
    assert lines[3].split()[5] == "FAIL"
    assert lines[4] == "3 runs, 1 gated metric, 1 gate failure in the newest run"


def test_runs_named_twice_are_read_once(tmp_path: Path) -> None:
    runs = make_runs(tmp_path / "runs")
    baseline = write_baseline(tmp_path / "b.json", BASE)
    code, output = history(
        str(runs / "a"), str(runs / "latest"), str(runs), "--baseline", str(baseline)
    )
    assert code == 0, output
    assert output.splitlines()[-1].startswith("3 runs,")


def test_a_malformed_results_json_is_a_harness_error(tmp_path: Path) -> None:
    runs = make_runs(tmp_path / "runs")
    data = json.loads((runs / "b" / "results.json").read_text())
    data["provenance"]["surprise"] = 1
    (runs / "b" / "results.json").write_text(json.dumps(data))
    code, output = history(str(runs), "--baseline", str(write_baseline(tmp_path / "b.json", BASE)))
    assert code == 2
    assert f"{runs / 'b' / 'results.json'}: $.provenance: unknown field 'surprise'" in output


def test_a_folder_without_runs_is_a_harness_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, output = history(
        str(tmp_path / "empty"), "--baseline", str(write_baseline(tmp_path / "b.json", BASE))
    )
    assert code == 2
    assert "holds no run" in output


def write_page(tmp_path: Path) -> Path:
    runs = make_runs(tmp_path / "runs")
    page = tmp_path / "history.html"
    code, output = history(
        str(runs),
        "--baseline",
        str(write_baseline(tmp_path / "b.json", BASE)),
        "--html",
        str(page),
    )
    assert code == 0, output
    assert f"wrote {page}" in output
    return page


def test_page_is_self_contained_with_the_report_csp(tmp_path: Path) -> None:
    text = write_page(tmp_path).read_text(encoding="utf-8")
    dom = _Dom()
    dom.feed(text)
    metas = [a for t, a in dom.elements if t == "meta" and a.get("http-equiv")]
    assert [m["content"] for m in metas] == [CONTENT_SECURITY_POLICY]
    assert not any(tag in {"img", "link", "iframe"} for tag, _ in dom.elements)
    assert sum(1 for tag, _ in dom.elements if tag == "script") == 1
    assert "&lt;img src=x" in text  # the hostile commit, shown as text
    assert 'title="&lt;img src=x onerror=&quot;' in text
    charts = [a for t, a in dom.elements if t == "svg"]
    assert [c["data-metric"] for c in charts] == ["rules::quotes::attribution"]
    marks = [
        a["data-gate"] for t, a in dom.elements if t in {"circle", "rect"} and "data-gate" in a
    ]
    assert marks == ["ok", "ok", "fail"]  # in timestamp order; the newest run failed
    rows = [a["data-gate"] for t, a in dom.elements if t == "tr" and "data-gate" in a]
    assert rows == ["fail", "ok", "ok"]  # the table lists the newest first


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_page_in_headless_chromium(tmp_path: Path) -> None:
    page = write_page(tmp_path)
    dom_text = _chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    dom = _Dom()
    dom.feed(dom_text)
    assert dom.title == "Fact-extraction benchmark · history of 3 runs"
    assert "pwned" not in dom_text.split("<body", 1)[0]
    assert not any(tag == "img" for tag, _ in dom.elements)
    assert sum(1 for tag, _ in dom.elements if tag == "script") == 1
    assert any(a.get("data-metric") == "rules::quotes::attribution" for t, a in dom.elements)
    assert [a["data-gate"] for t, a in dom.elements if t == "rect"] == ["fail"]
    assert "c" * 10 in dom_text and "2026-03-03T00:00:00Z" in dom_text
    assert dom.title != "pwned"
    shot = tmp_path / "history.png"
    _chromium(tmp_path, "--window-size=1200,900", f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
