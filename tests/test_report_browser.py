"""report.html in a real browser: Debian's headless Chromium loads the file and runs its script.

Skipped only when /usr/bin/chromium is absent (install it with ``apt-get install chromium``).
"""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmark._report import render_html, write_reports
from tests.report_fixtures import (
    DISK_HOSTILE_SYSTEM,
    DOC_A,
    DOC_B,
    HOSTILE_SYSTEM,
    gold_corpus,
    make_details,
    make_results,
    predictions,
    write_run,
)

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title" and not self.title  # the page's title, not SVG tooltips

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def dumped(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, _Dom]:
    tmp_path = tmp_path_factory.mktemp("browser")
    _, run_dir = write_run(tmp_path)
    write_reports(run_dir)
    dom_text = _chromium(
        tmp_path, "--virtual-time-budget=2000", "--dump-dom", (run_dir / "report.html").as_uri()
    )
    dom = _Dom()
    dom.feed(dom_text)
    return dom_text, dom


def test_browser_renders_leaderboard_and_highlights(dumped: tuple[str, _Dom]) -> None:
    _, dom = dumped
    ids = {attrs.get("id") for _, attrs in dom.elements}
    assert "leaderboard" in ids
    assert any(tag == "table" for tag, _ in dom.elements)
    for doc_id in (DOC_A, DOC_B):
        assert f"doc-{doc_id}" in ids
    spans = [a for t, a in dom.elements if t == "span" and "ent" in (a.get("class") or "").split()]
    assert any("fp" in (a.get("class") or "") for a in spans)
    assert any("fn" in (a.get("class") or "") for a in spans)
    assert any(t == "span" and "quote" in (a.get("class") or "").split() for t, a in dom.elements)


def test_browser_ran_the_filter_script(dumped: tuple[str, _Dom]) -> None:
    _, dom = dumped
    (controls,) = [a for _, a in dom.elements if a.get("id") == "controls"]
    assert "hidden" not in controls  # the (CSP-hashed) script ran and revealed the filters
    pairs = [a for t, a in dom.elements if t == "div" and a.get("class") == "pair"]
    shown = [a for a in pairs if "hidden" not in a]
    assert shown and len(shown) < len(pairs)
    assert {(a["data-system"], a["data-layer"]) for a in shown} == {("rules", "entities")}
    assert any(a.get("data-system") == DISK_HOSTILE_SYSTEM for a in pairs)


def test_browser_did_not_run_injected_code(dumped: tuple[str, _Dom]) -> None:
    text, dom = dumped
    assert "pwned" not in dom.title
    assert dom.title.startswith("Fact-extraction benchmark")
    assert all(a.get("id") != "pwned" for _, a in dom.elements)
    assert not any(tag in {"img", "b"} for tag, _ in dom.elements)
    assert sum(1 for tag, _ in dom.elements if tag == "script") == 1
    assert "&lt;script&gt;document.title" in text  # shown as text


def test_browser_did_not_run_a_hostile_system_name(tmp_path: Path) -> None:
    """A name no run file can hold, rendered anyway: it shows as text and runs nothing."""
    page = tmp_path / "report.html"
    page.write_text(
        render_html(make_results(), make_details(), gold_corpus(), predictions()), encoding="utf-8"
    )
    text = _chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    dom = _Dom()
    dom.feed(text)
    assert dom.title.startswith("Fact-extraction benchmark")
    assert all(a.get("id") != "pwned" for _, a in dom.elements)
    assert not any(tag == "img" for tag, _ in dom.elements)
    assert any(a.get("data-system") == HOSTILE_SYSTEM for _, a in dom.elements)


def test_browser_screenshot(tmp_path: Path, dumped: tuple[str, _Dom]) -> None:
    _, run_dir = write_run(tmp_path / "shot")
    write_reports(run_dir)
    png = tmp_path / "report.png"
    _chromium(
        tmp_path,
        "--hide-scrollbars",
        "--window-size=1280,1600",
        f"--screenshot={png}",
        (run_dir / "report.html").as_uri(),
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
