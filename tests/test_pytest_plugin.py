"""The pytest plugin: cheap import, the ``bench`` fixture and the regression gate (pytester)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark._models import Corpus, Document, Example
from benchmark._scoring import score_system
from tests.factories import TINY_TEXT, tiny_annotation
from tests.run_helpers import make_corpus, make_systems_dir

# In-process pytester runs drop the modules they imported, and numpy cannot be imported twice in
# one process: score something at import (before any inner run) so the scorer's lazy imports stay.
_DOCUMENT = Document("tiny", TINY_TEXT)
score_system(Corpus((Example(_DOCUMENT, tiny_annotation()),)), {}, bootstrap_samples=2)

INI = """
[pytest]
bench_gate = true
bench_baseline = baseline.json
bench_gold = gold
bench_systems_dir = systems
bench_jobs = 1
filterwarnings = ignore::pytest.PytestAssertRewriteWarning
"""


def write_baseline(path: Path, finder_f1: float = 0.75) -> None:
    data = {
        "format_version": "1.0",
        "gold_sha256": None,
        "default_tolerance": 0.02,
        "systems": {
            "finder": {"entities": {"strict": {"f1": finder_f1, "tolerance": 0.02}}},
            "oracle": {"quotes": {"attribution": {"f1": 1.0}}, "speakers": {"set": {"f1": 1.0}}},
        },
    }
    path.write_text(json.dumps(data))


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:

    monkeypatch.setenv("BENCH_CACHE_DIR", str(pytester.path / "cache"))
    monkeypatch.setenv("BENCH_TEST_CALLS", str(pytester.path / "calls.log"))
    make_corpus(pytester.path / "gold")
    pytester.makeini(INI)
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    code = (
        "import sys, benchmark.pytest_plugin\n"
        "heavy = ('numpy', 'scipy', 'datasets', 'spacy', 'sklearn', 'jsonschema')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_passing_gate_has_one_test_per_gated_metric(project: pytest.Pytester) -> None:
    make_systems_dir(project.path / "systems")
    write_baseline(project.path / "baseline.json")
    result = project.runpytest("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*bench-gate::finder::entities::strict PASSED*",
            "*bench-gate::oracle::quotes::attribution PASSED*",
            "*bench-gate::oracle::speakers::set PASSED*",
        ]
    )


def test_a_worsened_system_fails_naming_the_metric_and_the_drop(project: pytest.Pytester) -> None:
    make_systems_dir(project.path / "systems", worse_finder=True)
    write_baseline(project.path / "baseline.json")
    result = project.runpytest("-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*bench-gate::finder::entities::strict FAILED*",
            "*bench gate: finder entities/strict f1 fell 0.417 (0.750 -> 0.333), tolerance 0.02*",
        ]
    )


def test_gate_items_can_be_selected_with_k(project: pytest.Pytester) -> None:
    make_systems_dir(project.path / "systems")
    write_baseline(project.path / "baseline.json")
    result = project.runpytest("-k", "oracle and attribution")
    result.assert_outcomes(passed=1, deselected=3)


def test_explicit_paths_leave_the_ini_gate_out_unless_asked(project: pytest.Pytester) -> None:
    make_systems_dir(project.path / "systems")
    write_baseline(project.path / "baseline.json")
    project.runpytest("test_plain.py").assert_outcomes(passed=1)
    project.runpytest("test_plain.py", "--bench-gate").assert_outcomes(passed=4)


def test_a_missing_baseline_is_one_failing_gate_item(project: pytest.Pytester) -> None:
    result = project.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*bench-gate::baseline FAILED*", "*no such baseline file*"])


def test_the_bench_fixture_scores_a_system_in_three_lines(project: pytest.Pytester) -> None:
    make_systems_dir(project.path / "systems")
    project.makepyfile(
        test_mine="""
        from benchmark import Annotation, Entity

        class Mine:
            name, version, config = "mine", "1", {}

            def extract(self, document):
                start = document.text.index("Ann Smith")
                found = Entity(start, start + 9, "Ann Smith", "PERSON")
                return Annotation(document.doc_id, document.sha256, entities=(found,))

        def test_mine(bench):
            result = bench.score(Mine())
            assert result["entities"]["strict"]["precision"] == 1.0
            assert result["entities"]["strict"]["recall"] == 0.2

        def test_registered(bench):
            assert bench.score("oracle")["quotes"]["attribution"]["f1"] == 1.0
        """
    )
    result = project.runpytest("test_mine.py")
    result.assert_outcomes(passed=2)
    assert not (project.path / "cache").exists()  # the fixture caches nothing by default
