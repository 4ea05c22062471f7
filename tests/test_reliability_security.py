"""DESIGN §9 security: hostile system output is escaped, YAML is never loaded unsafely, every
writer is atomic, and API keys never reach a report or a cache file."""

from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._io import write_annotation
from benchmark._models import Annotation, Entity, Quote, Speaker, sha256_text

PACKAGE = Path(__file__).resolve().parent.parent / "benchmark"
SCRIPT = "<script>document.title='pwned'</script>"
IMG = '"><img src=x onerror="document.title=\'pwned\'">'
HOSTILE_TEXT = f"Ann Smith said “{SCRIPT}” in Paris. Bob {IMG} left.\n"

PLUGIN = f"""
from benchmark._models import Annotation, Entity, Quote, Speaker

SCRIPT = {SCRIPT!r}
IMG = {IMG!r}


class Hostile:
    name, version = "hostile", "1"
    config = {{}}

    def extract(self, document):
        if document.doc_id == "boom":
            raise ValueError("<script>document.title='pwned'</script>" + IMG)
        text = document.text
        s, i = text.find(SCRIPT), text.find(IMG)
        entities = (
            Entity(s, s + len(SCRIPT), SCRIPT, "PERSON"),
            Entity(i, i + len(IMG), IMG, "ORG"),
        )
        quote = Quote(s, s + len(SCRIPT), SCRIPT, "direct", IMG + SCRIPT)
        return Annotation(
            document.doc_id, document.sha256, entities=entities,
            speakers=(Speaker(SCRIPT + IMG, None, (IMG,), SCRIPT),), quotes=(quote,),
        )
"""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._tag = tag

    def handle_data(self, data: str) -> None:
        if self._tag == "script":
            self.scripts.append(data)
        if self._tag == "title" and not self.title:
            self.title = data


def _hostile_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    gold = tmp_path / "gold"
    (gold / "articles").mkdir(parents=True)
    for doc_id in ("evil", "boom"):
        (gold / "articles" / f"{doc_id}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
        start = HOSTILE_TEXT.index("Ann Smith")
        gold_ann = Annotation(
            doc_id,
            sha256_text(HOSTILE_TEXT),
            entities=(Entity(start, start + 9, "Ann Smith", "PERSON", "ann-smith"),),
            speakers=(Speaker("Ann Smith", "ann-smith"),),
            quotes=(
                Quote(
                    HOSTILE_TEXT.index(SCRIPT),
                    HOSTILE_TEXT.index(SCRIPT) + len(SCRIPT),
                    SCRIPT,
                    "direct",
                    "ann-smith",
                ),
            ),
        )
        write_annotation(gold / "annotations" / f"{doc_id}.json", gold_ann)
    systems = tmp_path / "systems"
    systems.mkdir()
    (systems / "hostile_plugin.py").write_text(PLUGIN)
    (systems / "hostile.yaml").write_text(
        f"name: hostile\nadapter: hostile\ndisplay_name: {SCRIPT}{IMG!r}\n", encoding="utf-8"
    )
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    run = tmp_path / "run"
    args = ["run", "--gold", str(gold), "--systems", str(systems), "--out", str(run)]
    result = CliRunner().invoke(cli, [*args, "--system", "hostile", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "bench: hostile on boom: raised ValueError" in result.stderr
    return run


def _assert_nothing_injected(page: _Elements) -> None:
    assert page.title != "pwned"
    for tag, attrs in page.tags:
        assert tag != "img" or attrs.get("src") != "x", (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert not any("pwned" in script for script in page.scripts)


def test_report_html_escapes_hostile_text_names_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _hostile_run(tmp_path, monkeypatch)
    html = (run / "report.html").read_text(encoding="utf-8")
    page = _Elements()
    page.feed(html)
    _assert_nothing_injected(page)
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;document.title=" in html  # shown, as text
    assert "ValueError" in html  # the error is in the report, escaped
    assert '<span class="alias">(&lt;script&gt;document.title=' in html  # the display name
    assert html.count("&lt;img src=x onerror=") >= 3  # entity, speaker, quote speaker at least


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_hostile_report_in_a_real_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _hostile_run(tmp_path, monkeypatch)
    profile = tmp_path / "profile"
    command = [
        "/usr/bin/chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=2000",
        "--dump-dom",
        (run / "report.html").as_uri(),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Elements()
    dom.feed(done.stdout)
    assert dom.tags, "chromium returned no DOM"
    _assert_nothing_injected(dom)


# --- static checks of the package ------------------------------------------------------------


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]


def test_yaml_is_only_ever_safe_loaded() -> None:
    """YAML is read in one place, ``_yaml.py``, with a subclass of safe_load's own loader."""
    import yaml

    from benchmark._yaml import _loader_class

    unsafe = re.compile(r"yaml\.(load|unsafe_load|full_load|load_all|compose)\s*\(|Loader\s*=")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if unsafe.search(line) and path.name != "_yaml.py"
    ]
    assert found == []
    assert issubclass(_loader_class(), yaml.SafeLoader)
    assert _loader_class().yaml_constructors is yaml.SafeLoader.yaml_constructors
    importers = [p.name for p, text in _sources() if re.search(r"^\s*import yaml", text, re.M)]
    assert importers == ["_yaml.py"]


def test_python_tags_in_yaml_are_refused(tmp_path: Path) -> None:
    from benchmark._systems import discover_systems

    marker = tmp_path / "pwned"
    (tmp_path / "evil.yaml").write_text(
        f"name: evil\nadapter: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    (tmp_path / "evil2.yaml").write_text(
        "name: evil2\nadapter: empty\nparams: !!python/object:object {}\n"
    )
    infos = {info.name: info for info in discover_systems(tmp_path)}
    assert not marker.exists()
    for name in ("evil", "evil2"):
        assert infos[name].status.startswith(f"error: systems/{name}.yaml: line "), infos[name]
        assert "could not determine a constructor" in infos[name].status


WRITE_CALL = re.compile(
    r"\.write_(text|bytes)\(|\bopen\([^)]*[\"'][wax]b?\+?[\"']|\.open\([^)]*[\"'][wax]|"
    r"json\.dump\(|shutil\.(copy|copyfile|move)\("
)
# Writers allowed not to go through benchmark._json.atomic_write_*: (file, line fragment) -> why.
ALLOWED_WRITERS = {
    ("_perf/_corpus.py", 'with open(files.gold, "wb") as gold, open(files.predictions, "wb")'): (
        "synthetic scratch corpus for timing, in a temporary folder"
    ),
    ("_perf/_corpus.py", 'open(target, "wb") as out'): "scratch copy of a timing corpus",
    ("_run/_ci.py", 'with open(target, "a", encoding="utf-8") as handle'): "GitHub's job "
    "summary file is appended to by every step of a job: appending is its contract",
    ("_run/_stream.py", 'open(scratch / f"{part}-{i}.jsonl", "wb")'): "per-chunk, per-system "
    "scratch parts in a private temporary folder, joined into details.jsonl through a temporary "
    "file and a rename",
    ("_perf/_systems.py", "shutil.copyfile(article,"): "scratch copy of articles for timing",
    ("_perf/_systems.py", '/ "annotations" / f"{doc_id}.json").write_text('): "scratch gold",
    ("_resources.py", "target.write_bytes(node.read_bytes())"): "extracting the packaged data of "
    "a zip-imported package into a private temporary folder, removed at exit (not an output)",
}


def _allowed(path: Path, line: str) -> bool:
    name = path.relative_to(PACKAGE).as_posix()
    if name == "_json.py":  # the atomic writers themselves
        return True
    return any(file == name and fragment in line for file, fragment in ALLOWED_WRITERS)


def test_every_writer_goes_through_the_atomic_helpers() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if WRITE_CALL.search(line)
        and not line.lstrip().startswith(("#", ">>>"))
        and not _allowed(path, line)
    ]
    assert found == []


def test_the_writer_grep_catches_a_plain_write() -> None:
    for line in ('path.write_text("x")', 'open(p, "w")', "json.dump(data, handle)"):
        assert WRITE_CALL.search(line), line


# --- API keys never reach disk -----------------------------------------------------------------

KEY = "sk-test-SECRET-123"


def test_api_key_never_reaches_a_run_or_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm_fake import FakeChatServer
    from tests.run_helpers import make_corpus

    gold = make_corpus(tmp_path / "gold")
    cache = tmp_path / "cache"
    monkeypatch.setenv("BENCH_CACHE_DIR", str(cache))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeChatServer(api_key=KEY) as server:
        systems = tmp_path / "systems"
        systems.mkdir()
        (systems / "llm.yaml").write_text(
            "name: llm\nadapter: llm\n"
            f"params: {{model: fake-model, base_url: '{server.base_url}', max_retries: 0}}\n"
        )
        run = tmp_path / "run"
        args = ["run", "--gold", str(gold), "--systems", str(systems), "--out", str(run)]
        result = CliRunner().invoke(cli, [*args, "--system", "llm", "--jobs", "1"])
        assert result.exit_code == 0, result.output
        assert server.requests, "the fake server was never asked"
    assert KEY not in result.output
    data: Any = (run / "results.json").read_text(encoding="utf-8")
    assert '"llm"' in data and '"errors": {}' in data
    written = [p for folder in (run, cache) for p in folder.rglob("*") if p.is_file()]
    assert len(written) >= 6  # results, summary, report, predictions, cached results/responses
    assert any("llm" in p.parts for p in written if p.is_relative_to(cache))
    leaks = [str(p) for p in written if KEY.encode() in p.read_bytes()]
    assert leaks == []
