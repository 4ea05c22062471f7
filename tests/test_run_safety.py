"""Runs touch nothing outside their output and never mix.

Every refusal here is checked the same way: every file and folder outside the designated output
(the run folder, and the result cache where a run may write) is hashed before and after, the exit
code is asserted, and stderr must be one ``bench: error:`` line naming the file or field, with no
traceback. The classes, each with several invented variants:

1. names that become paths (a ``systems/*.py`` class or ``ADAPTERS`` key, a YAML ``name``, an
   entry point, an instance given to the ``bench`` fixture, a ``latest`` pointer);
2. ``--out``: a folder that is not a run folder, a file, a link, a folder of the harness, the
   current folder, a place that cannot be written; a run folder is replaced whole;
3. concurrent and killed runs: one folder never holds parts of two runs;
4. ``runs/latest`` moves only after a complete, successful default run;
5. arguments: ``--systems``, ``--timeout``, the default baseline, ``bench baseline --out``;
6. the gold-mismatch hint of ``bench check``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from benchmark._cli import cli
from benchmark._errors import BenchError
from benchmark._gold import default_gold_dir, load_gold
from benchmark._models import Annotation, Document
from benchmark._run._files import load_details, load_results
from benchmark._run._runner import Extraction, RunOutput, resolve_run, write_run
from benchmark._systems._registry import BUILTIN_ADAPTERS, ENTRY_POINT_GROUP
from benchmark.pytest_plugin import Bench
from tests.factories import results_json
from tests.report_fixtures import write_run as write_report_run
from tests.run_helpers import DOC_IDS, make_corpus, make_systems_dir

CHECKOUT = Path(__file__).resolve().parent.parent

PLUGIN = '''
import os
import time
from pathlib import Path

from benchmark._models import Annotation, Entity


def _finds(document, needle, etype):
    found, start = [], document.text.find(needle)
    while start >= 0:
        found.append(Entity(start, start + len(needle), needle, etype))
        start = document.text.find(needle, start + 1)
    return found


class Steady:
    """Finds 'Ann Smith' (and 'Paris' when $BENCH_TEST_FLAVOR is 'wide'), after
    $BENCH_TEST_SLEEP seconds; logs each call to $BENCH_TEST_CALLS."""

    name, version = "steady", "1"
    config = {}

    def extract(self, document):
        time.sleep(float(os.environ.get("BENCH_TEST_SLEEP", "0")))
        with Path(os.environ["BENCH_TEST_CALLS"]).open("a") as handle:
            handle.write(f"{self.name} {document.doc_id}\\n")
        entities = _finds(document, "Ann Smith", "PERSON")
        if os.environ.get("BENCH_TEST_FLAVOR") == "wide":
            entities += _finds(document, "Paris", "GPE")
        return Annotation(document.doc_id, document.sha256, entities=tuple(entities))


class Plain(Steady):
    name = "plain"
'''
"""``systems/steady.py`` of these tests: ``steady`` and ``plain``. The tiny articles hold one
'Ann Smith' and two 'Paris': a narrow run predicts 1 entity per document, a wide one 3."""

EVIL_CLASS = """
from benchmark._models import Annotation


class Evil:
    name, version = {name!r}, "1"
    config = {{}}

    def extract(self, document):
        raise AssertionError("an unsafe name must never run")
"""

EVIL_ADAPTERS = """
from benchmark._models import Annotation


class Evil:
    name, version = "evil", "1"
    config = {{}}

    def extract(self, document):
        raise AssertionError("an unsafe name must never run")


ADAPTERS = {{{name!r}: Evil}}
"""

UNSAFE_NAMES = {
    "parent": "../evil",
    "grandparent": "../../outside",
    "absolute": "{tmp}/absolute",
    "slash": "a/b",
    "backslash": "a\\b",
    "hidden": ".hidden",
    "dash-first": "-rf",
    "double-dot": "a..b",
    "trailing-newline": "steady\n",
    "too-long": "x" * 201,
    "non-ascii": "ünïcödé",
    "empty": "",
    "space": "my system",
    "nul": "a\x00b",
}


# --- helpers ------------------------------------------------------------------------------------


def snapshot(root: Path, *skip: Path) -> dict[str, str]:
    """Every file (sha256), folder and link under ``root``, but ``skip`` and what they hold."""
    skipped = {os.path.abspath(path) for path in skip}
    seen: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skipped]
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            if path in skipped:
                continue
            where = os.path.relpath(path, root)
            if os.path.islink(path):
                seen[where] = f"link {os.readlink(path)}"
            elif os.path.isdir(path):
                seen[where] = "folder"
            else:
                seen[where] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return seen


def error_line(result: Result, code: int) -> str:
    """The one line a refusal prints (asserting the exit code, one line, no traceback)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("bench: error: "), lines[0]
    return lines[0]


class Env:
    """A work folder (the current folder), a gold folder, a systems folder and a cache."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.work = root / "work"
        self.work.mkdir()
        self.gold = make_corpus(root / "gold")
        self.systems = make_systems_dir(root / "systems")
        (self.systems / "steady.py").write_text(PLUGIN)
        self.cache = root / "cache"
        self.calls = root / "calls.log"
        self.out = self.work / "run"
        monkeypatch.chdir(self.work)
        monkeypatch.setenv("BENCH_CACHE_DIR", str(self.cache))
        monkeypatch.setenv("BENCH_TEST_CALLS", str(self.calls))
        for name in ("BENCH_TEST_SLEEP", "BENCH_TEST_FLAVOR", "BENCH_TEST_INTERRUPT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv("BENCH_BASELINE", raising=False)

    def default_run_only_plugins(self) -> None:
        """Make a run without ``--system`` run ``steady`` and ``plain`` only."""
        (self.systems / "testsys.py").unlink()
        for name in BUILTIN_ADAPTERS:
            (self.systems / f"{name}.yaml").write_text(
                f"name: {name}\nadapter: {name}\nenabled: false\n"
            )

    def args(self, *extra: str, out: Path | str | None = None) -> list[str]:
        command = ["run", "--gold", str(self.gold), "--systems", str(self.systems)]
        command += ["--jobs", "1"]
        if out is not None:
            command += ["--out", str(out)]
        return [*command, *extra]

    def run(self, *extra: str, out: Path | str | None = None) -> Result:
        return CliRunner().invoke(cli, self.args(*extra, out=out))

    def spawn(self, *extra: str, out: Path | None, **variables: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", "from benchmark._cli import main; main()"]
        environment = {
            **os.environ,
            "BENCH_CACHE_DIR": str(self.cache),
            "BENCH_TEST_CALLS": str(self.calls),
            **variables,
        }
        return subprocess.Popen(
            [*command, *self.args(*extra, out=out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=self.work,
        )


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    return Env(tmp_path, monkeypatch)


def whole_run(folder: Path) -> tuple[str, int]:
    """Assert ``folder`` holds one complete run; return its timestamp and the entities its
    ``steady`` predictions hold per document (1: narrow, 3: wide)."""
    results = load_results(folder)
    stamp = results.provenance.timestamp
    details = load_details(folder)
    assert set(details) == set(results.results)
    for system in results.results:
        assert set(details[system]) == set(DOC_IDS), system
        files = sorted(p.stem for p in (folder / "predictions" / system).iterdir())
        assert files == sorted(set(DOC_IDS) - set(results.errors.get(system, {}))), system
    assert sorted(p.name for p in (folder / "predictions").iterdir()) == sorted(results.results)
    for report in ("summary.md", "report.html"):
        assert stamp in (folder / report).read_text(encoding="utf-8"), report
    counts = {
        len(json.loads(path.read_text(encoding="utf-8"))["entities"])
        for path in (folder / "predictions" / "steady").glob("*.json")
    }
    assert len(counts) == 1, counts  # every prediction from one run
    (per_doc,) = counts
    strict = results.results["steady"]["entities"]["strict"]
    assert strict.tp + strict.fp == per_doc * len(DOC_IDS)  # results.json from the same run
    for doc_id, detail in details["steady"].items():
        tp, fp, _ = detail.metrics["entities"]["strict"].counts
        assert tp + fp == per_doc, doc_id
    return stamp, per_doc


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- 1. names that become paths ------------------------------------------------------------------


def _unsafe(key: str, tmp_path: Path) -> str:
    return UNSAFE_NAMES[key].replace("{tmp}", str(tmp_path))


@pytest.mark.parametrize("how", ["class", "ADAPTERS"])
@pytest.mark.parametrize("key", sorted(UNSAFE_NAMES))
def test_an_unsafe_plugin_name_is_refused_and_writes_nothing(
    env: Env, tmp_path: Path, key: str, how: str
) -> None:
    name = _unsafe(key, tmp_path)
    template = EVIL_CLASS if how == "class" else EVIL_ADAPTERS
    (env.systems / "evil.py").write_text(template.format(name=name))
    before = snapshot(tmp_path)
    result = env.run("--system", name, out=env.out)
    line = error_line(result, 2)
    if name.isprintable() and len(name) <= 200:
        assert "systems/evil.py" in line and "not a safe system name" in line, line
    else:  # discovery may list it escaped or shortened: then no system has the name given
        assert "systems/evil.py" in line or line.startswith("bench: error: unknown system"), line
    assert snapshot(tmp_path) == before  # not even the cache or the lock


@pytest.mark.parametrize("how", ["class", "ADAPTERS"])
@pytest.mark.parametrize("key", ["parent", "grandparent", "absolute", "space", "nul"])
def test_a_default_run_leaves_an_unsafe_plugin_out_and_says_so(
    env: Env, tmp_path: Path, key: str, how: str
) -> None:
    name = _unsafe(key, tmp_path)
    template = EVIL_CLASS if how == "class" else EVIL_ADAPTERS
    (env.systems / "evil.py").write_text(template.format(name=name))
    env.default_run_only_plugins()
    before = snapshot(tmp_path, env.out, env.cache, env.calls)
    result = env.run(out=env.out)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if "systems/evil.py" in line]
    assert len(warnings) == 1 and "not a safe system name" in warnings[0], result.stderr
    assert warnings[0].endswith("(not run)")
    assert snapshot(tmp_path, env.out, env.cache, env.calls) == before
    assert visible(env.out / "predictions") == ["plain", "steady"]
    strict = env.run("--strict", out=env.work / "strict")
    assert strict.exit_code == 1  # a system left out is a failure under --strict


@pytest.mark.parametrize(
    "name", ["steady\n", "a..b", "../evil", "/etc/evil", "a/b", ".hidden", "", "x" * 201]
)
def test_an_unsafe_yaml_name_is_refused(env: Env, tmp_path: Path, name: str) -> None:
    (env.systems / "evil.yaml").write_text(f"name: {json.dumps(name)}\nadapter: steady\n")
    env.default_run_only_plugins()
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", name, out=env.out), 2)
    assert "systems/evil.yaml" in line or line.startswith("bench: error: unknown system"), line
    assert snapshot(tmp_path) == before
    default = env.run(out=env.out)  # the configuration is left out, and said to be
    assert default.exit_code == 0, default.output
    said = (default.stdout + default.stderr).splitlines()
    (warning,) = [line for line in said if "systems/evil.yaml" in line]
    assert "$.name" in warning or "name:" in warning, warning
    assert snapshot(tmp_path, env.out, env.cache, env.calls) == before
    assert visible(env.out / "predictions") == ["plain", "steady"]


@pytest.mark.parametrize("key", ["parent", "absolute", "trailing-newline", "double-dot", "empty"])
def test_an_unsafe_entry_point_name_is_refused(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    name = _unsafe(key, tmp_path)
    real = importlib.metadata.entry_points

    def entry_points(**selection: Any) -> Any:
        if selection.get("group") == ENTRY_POINT_GROUP:
            value = "tests.run_systems_plugin:Finder"
            return [importlib.metadata.EntryPoint(name, value, ENTRY_POINT_GROUP)]
        return real(**selection)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", name, out=env.out), 2)
    assert "entry point tests.run_systems_plugin" in line and "not a safe system name" in line
    assert snapshot(tmp_path) == before
    default = env.run("--system", "steady", out=env.out)
    assert default.exit_code == 0, default.output  # the others still run


class Evil:
    """A system object whose name is chosen by the test; counts its extract calls."""

    version = "1"

    def __init__(self, name: str) -> None:
        self.config: dict[str, Any] = {}
        self.name = name
        self.calls = 0

    def extract(self, document: Document) -> Annotation:
        self.calls += 1
        return Annotation(document.doc_id, document.sha256)


@pytest.mark.parametrize("key", ["parent", "grandparent", "absolute", "trailing-newline", "nul"])
def test_an_unsafe_instance_name_is_refused_by_the_fixture(
    bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.chdir(tmp_path)
    system = Evil(_unsafe(key, tmp_path))
    cached = Bench(cache_dir=tmp_path / "cache")
    before = snapshot(tmp_path)
    for fixture in (bench, cached):
        with pytest.raises(BenchError) as raised:
            fixture.score(system)
        message = str(raised.value)
        assert raised.value.exit_code == 2 and "\n" not in message
        assert message.startswith("Evil.name: ") and "not a safe system name" in message
    assert system.calls == 0
    assert snapshot(tmp_path) == before


def test_write_run_refuses_an_unsafe_name_before_writing(tmp_path: Path) -> None:
    run = Extraction(predictions={"../escape": {}})
    with pytest.raises(BenchError, match="not a safe system name"):
        write_run(tmp_path / "run", None, [], run)  # type: ignore[arg-type]
    assert snapshot(tmp_path) == {}


def test_names_differing_only_in_case_are_refused(env: Env, tmp_path: Path) -> None:
    (env.systems / "shout.yaml").write_text("name: Steady\nadapter: steady\n")
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", "steady", "--system", "Steady", out=env.out), 2)
    assert "'steady' and 'Steady' differ only in case" in line
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("pointer", ["..", "../..", "../elsewhere", "/tmp", "a/b", "a\\b", ".x"])
def test_a_latest_pointer_names_only_a_sibling_run(tmp_path: Path, pointer: str) -> None:
    _, run_dir = write_report_run(tmp_path)  # a run folder where '..' would lead
    runs = run_dir / "runs"
    runs.mkdir()
    (runs / "latest").write_text(pointer + "\n")
    before = snapshot(tmp_path)
    line = error_line(CliRunner().invoke(cli, ["report", str(runs / "latest")]), 2)
    assert f"{runs / 'latest'}: names" in line and "not the name of a run folder" in line
    assert snapshot(tmp_path) == before
    with pytest.raises(BenchError):
        resolve_run(runs / "latest")


# --- 2. --out -------------------------------------------------------------------------------------


def _run_folder(folder: Path) -> None:
    """A small run folder as ``bench score --out`` writes it."""
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results_json({"x": {}})))
    (folder / "details.jsonl").write_text("")


def _foreign_folder(env: Env) -> Path:
    (env.work / "notes").mkdir()
    (env.work / "notes" / "todo.txt").write_text("keep me")
    return env.work / "notes"


def _a_file(env: Env) -> Path:
    (env.work / "run.txt").write_text("keep me")
    return env.work / "run.txt"


def _other_results(env: Env) -> Path:
    (env.work / "other").mkdir()
    (env.work / "other" / "results.json").write_text('{"accuracy": 0.9}')
    return env.work / "other"


def _run_plus_notes(env: Env) -> Path:
    _run_folder(env.out)
    (env.out / "notes.md").write_text("my analysis")
    return env.out


def _run_plus_prediction_stranger(env: Env) -> Path:
    _run_folder(env.out)
    (env.out / "predictions" / "x").mkdir(parents=True)
    (env.out / "predictions" / "x" / "a1.json").write_text("{}")
    (env.out / "predictions" / "x" / "draft.txt").write_text("mine")
    return env.out


def _run_with_linked_predictions(env: Env) -> Path:
    _run_folder(env.out)
    (env.work / "elsewhere").mkdir()
    (env.out / "predictions").symlink_to(env.work / "elsewhere")
    return env.out


def _link_to_run(env: Env) -> Path:
    _run_folder(env.work / "real")
    (env.work / "link").symlink_to(env.work / "real")
    return env.work / "link"


def _predictions_only(env: Env) -> Path:
    (env.work / "preds" / "steady").mkdir(parents=True)
    (env.work / "preds" / "steady" / "a1.json").write_text("{}")
    return env.work / "preds"


def _a_device(env: Env) -> Path:
    return Path(os.devnull)


def _link_loop(env: Env) -> Path:
    (env.work / "loop-a").symlink_to(env.work / "loop-b")
    (env.work / "loop-b").symlink_to(env.work / "loop-a")
    return env.work / "loop-a"


FOREIGN: dict[str, tuple[Callable[[Env], Path], str]] = {
    "foreign-folder": (_foreign_folder, "holds 'todo.txt' and no results.json"),
    "file": (_a_file, "is a file, not a run folder"),
    "device": (_a_device, "is not a folder"),
    "other-results": (_other_results, "its results.json is not a results file of this tool"),
    "run-plus-notes": (_run_plus_notes, "holds 'notes.md', which a run does not write"),
    "prediction-stranger": (_run_plus_prediction_stranger, "holds predictions/x/draft.txt"),
    "linked-predictions": (_run_with_linked_predictions, "predictions is not a folder"),
    "link": (_link_to_run, "is a symbolic link"),
    "link-loop": (_link_loop, "is a symbolic link"),
    "in-link-loop": (lambda e: _link_loop(e) / "run", "cannot be read"),
    "predictions-only": (_predictions_only, "holds 'steady' and no results.json"),
    "gold": (lambda e: e.gold, "overlaps the gold folder"),
    "inside-gold": (lambda e: e.gold / "annotations" / "run", "overlaps the gold folder"),
    "systems": (lambda e: e.systems / "run", "overlaps the systems folder"),
    "cache": (lambda e: e.cache, "overlaps the cache folder"),
    "holding-cache": (lambda e: e.root, "holds the current folder"),
    "current": (lambda e: Path("."), "holds the current folder"),
    "latest": (lambda e: e.work / "runs" / "latest", "'latest' is the name of the pointer"),
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_out_that_is_not_a_run_folder_is_refused_untouched(
    env: Env, tmp_path: Path, case: str
) -> None:
    make, reason = FOREIGN[case]
    out = make(env)
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", "steady", out=out), 2)
    assert line.startswith(f"bench: error: --out {out}: "), line
    assert reason in line, line
    assert snapshot(tmp_path) == before  # the target, the cache: nothing was written
    assert not env.calls.exists()  # refused before any work


@pytest.mark.parametrize("where", ["file-parent", "device-parent", "read-only"])
def test_out_that_cannot_be_written_is_one_line(env: Env, tmp_path: Path, where: str) -> None:
    if where == "file-parent":
        (env.work / "blocker").write_text("a file")
        out = env.work / "blocker" / "deeper" / "run"
    elif where == "device-parent":
        out = Path(os.devnull) / "run"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes anywhere")
        (env.work / "locked").mkdir(mode=0o555)
        out = env.work / "locked" / "run"
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", "steady", out=out), 1)
    assert line.startswith(f"bench: error: cannot write {out}"), line
    assert snapshot(tmp_path) == before
    assert not env.calls.exists()


def test_a_run_folder_is_replaced_whole_and_the_replacement_is_named(
    env: Env, tmp_path: Path
) -> None:
    first = env.run("--system", "steady", "--system", "plain", out=env.out)
    assert first.exit_code == 0, first.output
    old_stamp = load_results(env.out).provenance.timestamp
    (env.out / ".summary.md.abc123.tmp").write_text("left by a killed `bench report`")
    before = snapshot(tmp_path, env.out, env.cache, env.calls)
    time.sleep(1.1)  # a later timestamp
    second = env.run("--system", "steady", out=env.out)
    assert second.exit_code == 0, second.output
    assert f"bench: replaced the run made {old_stamp} (steady, plain) in {env.out}" in (
        second.stderr
    )
    stamp, _ = whole_run(env.out)
    assert stamp != old_stamp
    assert visible(env.out / "predictions") == ["steady"]  # nothing of the first run is left
    assert hidden(env.out) == []
    assert snapshot(tmp_path, env.out, env.cache, env.calls) == before
    assert visible(env.work) == ["run"] and hidden(env.work) == []


def test_without_an_atomic_exchange_the_swap_still_keeps_one_whole_run(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import benchmark._json as _json

    monkeypatch.setattr(_json, "exchange_paths", lambda a, b: False)  # as off Linux
    assert env.run("--system", "steady", "--system", "plain", out=env.out).exit_code == 0
    kept = snapshot(env.out)
    real_rename = os.rename

    def failing_rename(source: Any, target: Any) -> None:
        if str(source).endswith(".partial") and Path(target) == env.out:
            raise OSError(28, "No space left on device")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", failing_rename)
    line = error_line(env.run("--system", "steady", out=env.out), 1)
    assert line == f"bench: error: cannot move the run to {env.out}: No space left on device"
    assert snapshot(env.out) == kept  # put back where it was
    assert hidden(env.work) == []
    monkeypatch.setattr(os, "rename", real_rename)
    replaced = env.run("--system", "steady", out=env.out)
    assert replaced.exit_code == 0, replaced.output
    assert visible(env.out / "predictions") == ["steady"]
    whole_run(env.out)
    assert visible(env.work) == ["run"] and hidden(env.work) == []


def test_an_empty_folder_or_a_score_folder_may_be_the_target(env: Env) -> None:
    env.out.mkdir()
    result = env.run("--system", "steady", out=env.out)
    assert result.exit_code == 0, result.output
    assert "replaced an empty folder" in result.stderr
    whole_run(env.out)
    scored = env.work / "scored"
    predictions = str(env.out / "predictions")
    args = ["score", "--gold", str(env.gold), "--predictions", predictions, "--out", str(scored)]
    score = CliRunner().invoke(cli, args)
    assert score.exit_code == 0, score.output
    again = env.run("--system", "steady", out=scored)
    assert again.exit_code == 0, again.output
    assert f"in {scored}" in again.stderr
    whole_run(scored)


# --- 3. concurrent and killed runs --------------------------------------------------------------


def test_two_runs_into_one_folder_never_mix(env: Env) -> None:
    slow = {"BENCH_TEST_SLEEP": "0.5"}
    args = ("--system", "steady", "--no-cache")
    first = env.spawn(*args, out=env.out, BENCH_TEST_FLAVOR="narrow", **slow)
    second = env.spawn(*args, out=env.out, BENCH_TEST_FLAVOR="wide", **slow)
    outcomes = []
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=120)
        outcomes.append((process.returncode, stdout, stderr))
    codes = sorted(code for code, _, _ in outcomes)
    for code, _, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 2:
            (line,) = stderr.splitlines()
            assert line.startswith(f"bench: error: --out {env.out}: another bench run ")
            assert line.endswith("is writing it; wait for it to finish or choose another --out")
    assert codes in ([0, 2], [0, 0]), outcomes
    _, per_doc = whole_run(env.out)
    if codes == [0, 2]:  # the one that ran is the one in the folder
        winner = 0 if outcomes[0][0] == 0 else 1
        assert per_doc == (1, 3)[winner]
    assert visible(env.work) == ["run"] and hidden(env.work) == []


def test_runs_into_sibling_folders_and_default_runs_do_not_interfere(env: Env) -> None:
    slow = {"BENCH_TEST_SLEEP": "0.3"}
    args = ("--system", "steady", "--no-cache")
    processes = [
        env.spawn(*args, out=env.work / "a", BENCH_TEST_FLAVOR="narrow", **slow),
        env.spawn(*args, out=env.work / "b", BENCH_TEST_FLAVOR="wide", **slow),
        env.spawn(*args, out=None, BENCH_TEST_FLAVOR="narrow", **slow),
        env.spawn(*args, out=None, BENCH_TEST_FLAVOR="wide", **slow),
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert whole_run(env.work / "a")[1] == 1 and whole_run(env.work / "b")[1] == 3
    runs = env.work / "runs"
    folders = [name for name in visible(runs) if name != "latest"]
    assert len(folders) == 2, folders
    assert sorted(whole_run(runs / name)[1] for name in folders) == [1, 3]
    assert (runs / "latest").read_text().strip() in folders
    assert visible(env.work) == ["a", "b", "runs"]
    assert hidden(env.work) == [] and hidden(runs) == []


def _wait_for_calls(env: Env, n: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if env.calls.exists() and len(env.calls.read_text().splitlines()) >= n:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} extract calls in time")


def test_a_killed_run_leaves_the_previous_run_intact(env: Env, tmp_path: Path) -> None:
    previous = env.run("--system", "steady", out=env.out)
    assert previous.exit_code == 0, previous.output
    kept = snapshot(env.out)
    outside = snapshot(tmp_path, env.out, env.cache, env.calls)
    process = env.spawn("--system", "steady", "--no-cache", out=env.out, BENCH_TEST_SLEEP="0.5")
    _wait_for_calls(env, 4, process)  # 3 from the first run, then one of this one
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    time.sleep(0.6)  # the orphaned worker notices and exits
    assert snapshot(env.out) == kept
    assert visible(env.work) == ["run"]
    assert set(hidden(env.work)) <= {".run.lock"}  # the lock of the killed run, if anything
    again = env.run("--system", "steady", out=env.out)
    assert again.exit_code == 0, again.output
    whole_run(env.out)
    assert hidden(env.work) == []  # the next run took the stale lock and removed it
    assert snapshot(tmp_path, env.out, env.cache, env.calls) == outside


def _kill_while_writing(env: Env, process: subprocess.Popen[str]) -> bool:
    """SIGKILL ``process`` as soon as its hidden run folder appears; False if it never did."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(name.endswith(".partial") for name in hidden(env.work)):
            os.kill(process.pid, signal.SIGKILL)
            return True
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_a_run_killed_at_any_moment_leaves_one_whole_run(env: Env) -> None:
    previous = env.run("--system", "steady", out=env.out)
    assert previous.exit_code == 0, previous.output
    started = time.monotonic()
    timing = env.spawn("--system", "steady", "--no-cache", out=env.out)
    _, stderr = timing.communicate(timeout=120)
    assert timing.returncode == 0, stderr
    duration = time.monotonic() - started
    kept = snapshot(env.out)
    killed_writing = 0
    for fraction in (None, None, None, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        process = env.spawn("--system", "steady", "--no-cache", out=env.out)
        if fraction is None:  # while it writes its hidden folder
            killed_writing += _kill_while_writing(env, process)
        else:
            time.sleep(duration * fraction)
            os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        if snapshot(env.out) != kept:  # it got there first: then whole
            whole_run(env.out)
            kept = snapshot(env.out)
        whole_run(env.out)
        assert visible(env.work) == ["run"]
        leftovers = hidden(env.work)
        assert all(n == ".run.lock" or n.endswith(".partial") for n in leftovers), leftovers
    assert killed_writing  # at least once mid-write (the run takes long enough to see it)
    again = env.run("--system", "steady", out=env.out)
    assert again.exit_code == 0, again.output
    whole_run(env.out)
    assert hidden(env.work) == []  # killed runs' hidden folders are cleaned by the next one


def test_leftovers_of_killed_runs_are_cleaned_but_live_ones_kept(env: Env) -> None:
    import fcntl

    stale = env.work / ".run.0123456789abcdef.partial"  # killed while writing
    (stale / "predictions").mkdir(parents=True)
    (stale / "results.json").write_text("{half")
    _run_folder(env.work / "swapped")
    replaced = env.work / ".swapped.fedcba9876543210.old"  # killed after its swap
    replaced.mkdir()
    (replaced / "results.json").write_text("{}")
    _run_folder(env.work / ".orphan.00000000000000aa.old")  # killed between its two renames
    live = env.work / ".other.00112233445566ff.partial"
    live.mkdir()
    strangers = [env.work / ".run.partial", env.work / ".notes", env.work / "x.0123.partial"]
    for path in strangers:
        path.mkdir()
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a run still writing holds it
        result = env.run("--system", "steady", out=env.out)
        assert result.exit_code == 0, result.output
    finally:
        os.close(fd)
    assert not stale.exists() and not replaced.exists()
    assert (env.work / "swapped" / "details.jsonl").is_file()  # the newer run stays
    assert (env.work / "orphan" / "details.jsonl").is_file()  # the previous run is back
    assert live.is_dir() and all(path.is_dir() for path in strangers)
    assert visible(env.work) == ["orphan", "run", "swapped", "x.0123.partial"]


def test_a_second_run_waits_for_nothing_and_fails_while_the_lock_is_held(
    env: Env, tmp_path: Path
) -> None:
    with RunOutput(env.out) as holder:
        holder.prepare()
        before = snapshot(tmp_path)
        line = error_line(env.run("--system", "steady", out=env.out), 2)
        assert f"pid {os.getpid()}" in line and "another bench run" in line
        assert snapshot(tmp_path) == before
    assert hidden(env.work) == []  # the holder removed its lock file and the folder it made


# --- 4. runs/latest -------------------------------------------------------------------------------


def _latest(env: Env) -> str:
    return (env.work / "runs" / "latest").read_text().strip()


def test_latest_moves_only_after_a_complete_successful_run(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = env.run("--system", "finder")
    assert first.exit_code == 0, first.output
    good = _latest(env)
    assert (env.work / "runs" / good / "results.json").is_file()

    def assert_unmoved(result: Result, code: int) -> None:
        assert result.exit_code == code, result.output
        assert _latest(env) == good

    assert_unmoved(env.run("--system", "unavailable"), 1)  # scored nothing
    assert_unmoved(env.run("--system", "raising", "--strict"), 1)  # failed under --strict
    assert_unmoved(env.run("--system", "finder", "--timeout", "nan"), 2)  # refused
    assert_unmoved(env.run("--system", "finder", out=env.work / "runs" / "named"), 0)
    monkeypatch.setenv("BENCH_TEST_INTERRUPT", "1")
    runs_before = visible(env.work / "runs")
    env.calls.write_text("x\ny\n")  # the interrupting system stops at its next call
    assert_unmoved(env.run("--system", "interrupting", "--no-cache"), 130)
    assert visible(env.work / "runs") == runs_before  # nothing of the interrupted run
    monkeypatch.delenv("BENCH_TEST_INTERRUPT")
    time.sleep(1.1)
    last = env.run("--system", "empty")
    assert last.exit_code == 0, last.output
    assert _latest(env) != good and f"runs/{_latest(env)}" in last.stdout
    assert hidden(env.work / "runs") == []


# --- 5. arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_systems_folder_that_is_not_one_is_refused(env: Env, tmp_path: Path, kind: str) -> None:
    folder = env.work / "nowhere"
    if kind == "file":
        folder.write_text("not a folder")
    before = snapshot(tmp_path)
    args = ["run", "--gold", str(env.gold), "--systems", str(folder), "--system", "empty"]
    line = error_line(CliRunner().invoke(cli, [*args, "--out", str(env.out)]), 2)
    reason = "no such folder" if kind == "missing" else "is not a folder"
    assert line == f"bench: error: --systems {folder}: {reason}"
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "1e300", "-0.0"])
def test_a_bad_timeout_is_refused(env: Env, tmp_path: Path, value: str) -> None:
    before = snapshot(tmp_path)
    line = error_line(env.run("--system", "steady", "--timeout", value, out=env.out), 2)
    assert line.startswith("bench: error: --timeout: expected seconds above 0"), line
    assert snapshot(tmp_path) == before


GOLD = "ab" * 32
GATE = {"rules": {"quotes": {"attribution": {"f1": 0.8, "tolerance": 0.02}}}}


def _fake_run(folder: Path, *, gold: str = GOLD, gold_dir: str | None = None) -> Path:
    folder.mkdir(parents=True)
    data: dict[str, Any] = results_json({"rules": {"quotes": {"attribution": 0.8}}}, gold=gold)
    data["provenance"]["gold_dir"] = gold_dir
    (folder / "results.json").write_text(json.dumps(data))
    return folder


def _baseline(path: Path, *, gold: str = GOLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format_version": "1.0", "gold_sha256": gold, "systems": GATE}
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def checkout_baseline() -> Iterator[Path]:
    """The checkout's baseline, which no test here may change."""
    path = CHECKOUT / "reports" / "baseline.json"
    before = path.read_bytes()
    yield path
    assert path.read_bytes() == before


def test_check_finds_the_baseline_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkout_baseline: Path
) -> None:
    monkeypatch.delenv("BENCH_BASELINE", raising=False)
    run = _fake_run(tmp_path / "run")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # 1. no reports/baseline.json here: the checkout's (made on the real gold, so exit 2)
    line = error_line(CliRunner().invoke(cli, ["check", str(run)]), 2)
    assert line.startswith(f"bench: error: {checkout_baseline}: $.gold_sha256:"), line
    # 2. one in the current folder wins
    _baseline(elsewhere / "reports" / "baseline.json")
    here = CliRunner().invoke(cli, ["check", str(run)])
    assert here.exit_code == 0, here.output
    assert "within tolerance of reports/baseline.json" in here.stdout
    # 3. $BENCH_BASELINE wins over both; --baseline over everything
    monkeypatch.setenv("BENCH_BASELINE", str(_baseline(tmp_path / "env.json")))
    named = CliRunner().invoke(cli, ["check", str(run)])
    assert named.exit_code == 0 and f"of {tmp_path / 'env.json'}" in named.stdout
    explicit = _baseline(tmp_path / "explicit.json")
    given = CliRunner().invoke(cli, ["check", str(run), "--baseline", str(explicit)])
    assert given.exit_code == 0 and f"of {explicit}" in given.stdout


def _plain_text(path: Path) -> None:
    path.write_text("my notes\n")


def _json_list(path: Path) -> None:
    path.write_text("[]")


def _a_results_file(path: Path) -> None:
    path.write_text(json.dumps(results_json({"rules": {}})))


def _conflicted(path: Path) -> None:
    path.write_text('<<<<<<< HEAD\n{"format_version": "1.0"}\n=======\n>>>>>>> x\n')


def _empty(path: Path) -> None:
    path.write_text("")


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("keep")


NOT_BASELINES: dict[str, Callable[[Path], None]] = {
    "plain-text": _plain_text,
    "json-list": _json_list,
    "results-file": _a_results_file,
    "conflicted": _conflicted,
    "empty": _empty,
    "folder": _folder,
}


@pytest.mark.parametrize("command", ["baseline", "check --update"])
@pytest.mark.parametrize("case", sorted(NOT_BASELINES))
@pytest.mark.usefixtures("checkout_baseline")
def test_baseline_never_overwrites_a_file_that_is_not_one(
    tmp_path: Path, case: str, command: str
) -> None:
    run = _fake_run(tmp_path / "run")
    target = tmp_path / "target.json"
    NOT_BASELINES[case](target)
    before = snapshot(tmp_path)
    option = "--out" if command == "baseline" else "--baseline"
    args = [*command.split(), str(run), option, str(target)]
    line = error_line(CliRunner().invoke(cli, args), 2)
    assert line.startswith(f"bench: error: {target}: ") and "refusing to overwrite it" in line
    assert snapshot(tmp_path) == before


@pytest.mark.usefixtures("checkout_baseline")
def test_baseline_overwrites_a_baseline_even_a_broken_one(tmp_path: Path) -> None:
    run = _fake_run(tmp_path / "run")
    target = _baseline(tmp_path / "b.json")
    broken = json.loads(target.read_text())
    broken["systems"]["rules"]["quotes"]["attribution"]["f1"] = "x"
    target.write_text(json.dumps(broken))
    result = CliRunner().invoke(cli, ["baseline", str(run), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["systems"]["rules"]["quotes"]["attribution"]["f1"] == 0.8


@pytest.mark.usefixtures("checkout_baseline")
def test_the_default_baseline_is_not_made_from_another_gold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _baseline(tmp_path / "reports" / "baseline.json")
    monkeypatch.setenv("BENCH_BASELINE", str(target))
    run = _fake_run(tmp_path / "run", gold_dir=str(tmp_path / "some-gold"))
    before = snapshot(tmp_path)
    line = error_line(CliRunner().invoke(cli, ["baseline", str(run)]), 2)
    assert f"scored the gold folder {tmp_path / 'some-gold'}, not the default gold" in line
    assert snapshot(tmp_path) == before
    explicit = CliRunner().invoke(cli, ["baseline", str(run), "--out", str(tmp_path / "h.json")])
    assert explicit.exit_code == 0, explicit.output  # with --out, a baseline for that gold


# --- 6. the gold-mismatch hint -------------------------------------------------------------------


def test_the_gold_hint_never_invites_a_baseline_from_another_gold(tmp_path: Path) -> None:
    real = load_gold().sha256
    baseline = _baseline(tmp_path / "b.json", gold=real)
    for i, gold_dir in enumerate([str(tmp_path / "heldout"), "tests/data/elsewhere"]):
        run = _fake_run(tmp_path / f"run{i}", gold=GOLD, gold_dir=gold_dir)
        line = error_line(
            CliRunner().invoke(cli, ["check", str(run), "--baseline", str(baseline)]), 2
        )
        assert f"the run scored another gold folder, {gold_dir}, not the default gold" in line
        assert "do not refresh the baseline from this run" in line
        assert "refresh the baseline with" not in line
    stale = _fake_run(tmp_path / "stale", gold=GOLD, gold_dir=str(default_gold_dir()))
    line = error_line(
        CliRunner().invoke(cli, ["check", str(stale), "--baseline", str(baseline)]), 2
    )
    assert "the run was made on an older version of the default gold: run again" in line
    moved = _baseline(tmp_path / "old.json", gold=GOLD)
    current = _fake_run(tmp_path / "current", gold=real, gold_dir=str(default_gold_dir()))
    line = error_line(CliRunner().invoke(cli, ["check", str(current), "--baseline", str(moved)]), 2)
    assert "the default gold changed since the baseline was made" in line
    assert "refresh the baseline with `bench baseline RUN`" in line
