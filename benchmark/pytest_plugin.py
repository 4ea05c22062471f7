"""pytest plugin of fact-extraction-bench: the ``bench`` fixture and the regression gate.

Registered as the ``pytest11`` entry point ``benchmark``, so installing the package is enough.
Importing it is cheap: the harness (scoring, systems, numpy, spaCy) loads only when a gate
test or the fixture runs.

**The fixture** scores a system on the gold in three lines::

    def test_my_system(bench):
        result = bench.score(MySystem())
        assert result["quotes"]["attribution"]["f1"] >= 0.6

``bench.score(system)`` returns ``results[system]`` of results.json (layer -> metric ->
precision, recall, f1, tp, fp, fn, ci); ``bench.run(system)`` the whole results
dict. ``system`` is a System object (run in the test process) or a registered system's name.
Nothing is cached unless the ini option ``bench_cache_dir`` names a folder.

**The gate** (ini ``bench_gate = true`` or ``--bench-gate``) adds one test per system x layer x
gated metric of the baseline (ini ``bench_baseline``, default ``reports/baseline.json``), named
``bench-gate::<system>::<layer>::<metric>``. The baseline's systems run once per session on the
gold (cached in ``$BENCH_CACHE_DIR`` or ``.bench-cache``), and each test fails with a line naming
what fell and by how much. With ``bench_gate = true`` the gate joins a plain ``pytest`` run (no
file or node arguments); ``--bench-gate`` adds it to any run. A system that cannot run here is
skipped with its reason.

Ini options (``[tool.pytest.ini_options]``): ``bench_gate``, ``bench_baseline``, ``bench_gold``
(gold folder, default the built-in gold), ``bench_systems_dir``, ``bench_cache_dir``,
``bench_jobs``, ``bench_timeout``. Relative paths are relative to the ini file's folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._formats import Results
    from ._models import Corpus

GATE_NAME = "bench-gate"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bench", "fact-extraction-bench")
    group.addoption(
        "--bench-gate",
        action="store_true",
        default=False,
        help="Add the regression gate: one test per system x layer x gated metric of the baseline.",
    )
    group.addoption(
        "--bench-baseline",
        default=None,
        help="Baseline file of the gate (default: ini bench_baseline, reports/baseline.json).",
    )
    parser.addini("bench_gate", "Add the regression gate to plain pytest runs.", type="bool")
    parser.addini("bench_baseline", "Baseline of the gate.", default="reports/baseline.json")
    parser.addini(
        "bench_gold",
        "Gold folder, or a built-in gold set: seed, heldout-dev, heldout-test (default: seed).",
        default="",
    )
    parser.addini("bench_systems_dir", "Folder of system plugins and configs.", default="")
    parser.addini(
        "bench_cache_dir", "Result cache of the bench fixture (default: none).", default=""
    )
    parser.addini("bench_jobs", "Worker processes of the gate (default: one per core).", default="")
    parser.addini("bench_timeout", "Seconds per document in the gate.", default="120")


def _base(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def _ini_path(config: pytest.Config, name: str) -> Path | None:
    value = str(config.getini(name) or "").strip()
    return (_base(config) / value) if value else None


def _ini_gold(config: pytest.Config) -> Path | None:
    """``bench_gold``: a built-in gold set's name, else a folder relative to the ini file."""
    from ._resources import GOLD_SETS, resolve_gold

    value = str(config.getini("bench_gold") or "").strip()
    return resolve_gold(value) if value in GOLD_SETS else _ini_path(config, "bench_gold")


def _gate_wanted(config: pytest.Config) -> bool:
    if config.getoption("--bench-gate"):
        return True
    return bool(config.getini("bench_gate")) and config.args_source != pytest.Config.ArgsSource.ARGS


def _baseline_path(config: pytest.Config) -> Path:
    option = config.getoption("--bench-baseline")
    if option:
        return Path(option).resolve()
    return _ini_path(config, "bench_baseline") or _base(config) / "reports/baseline.json"


# --- the gate -----------------------------------------------------------------------------------


class GateFailure(Exception):
    """A gated metric fell below its baseline (the message says which and by how much)."""


class _GateRun:
    """Runs the baseline's systems once per session, lazily, and keeps the results."""

    def __init__(self, config: pytest.Config, systems: list[str], gold_sha256: str | None) -> None:
        self.config = config
        self.systems = systems
        self.gold_sha256 = gold_sha256
        self._results: Results | None = None
        self._error: str | None = None

    def results(self) -> Results:
        if self._error is not None:
            raise GateFailure(self._error)
        if self._results is None:
            try:
                self._results = self._run()
            except GateFailure as exc:
                self._error = str(exc)
                raise
            except Exception as exc:
                self._error = f"the gate's run failed: {type(exc).__name__}: {exc}"
                raise GateFailure(self._error) from None
        return self._results

    def _run(self) -> Results:
        from ._gold import load_gold
        from ._run._cache import ResultCache
        from ._run._runner import extract_all, plan_systems, score_run

        config = self.config
        gold_dir = _ini_gold(config)
        corpus = load_gold(gold_dir)
        if self.gold_sha256 and corpus.sha256 != self.gold_sha256:
            raise GateFailure(
                f"the baseline was made on another gold (gold_sha256 {self.gold_sha256[:12]}…, "
                f"now {corpus.sha256[:12]}…): refresh it with `bench baseline RUN`"
            )
        systems_dir = _ini_path(config, "bench_systems_dir")
        planned, skipped = plan_systems(self.systems, corpus, systems_dir)
        cache_dir = _ini_path(config, "bench_cache_dir")
        cache = ResultCache(cache_dir or _gate_cache_dir(config))
        jobs_text = str(config.getini("bench_jobs") or "").strip()
        timeout = float(config.getini("bench_timeout") or 120)
        extraction = extract_all(
            corpus,
            planned,
            cache=cache,
            jobs=int(jobs_text) if jobs_text else None,
            timeout=timeout,
            progress=False,
        )
        extraction.skipped = {**skipped, **extraction.skipped}
        provenance = {p.name: p.provenance for p in planned}
        return score_run(corpus, extraction, provenance, gold_dir=gold_dir)[0]


def _gate_cache_dir(config: pytest.Config) -> Path:
    """The gate's cache: ``$BENCH_CACHE_DIR``, else ``.bench-cache`` next to the ini file."""
    configured = os.environ.get("BENCH_CACHE_DIR")
    return Path(configured) if configured else _base(config) / ".bench-cache"


class GateItem(pytest.Item):
    """One gated metric of one system: fails when its F1 fell beyond the tolerance."""

    def __init__(self, *, gate: Any, run: _GateRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.run = run

    def runtest(self) -> None:
        results = self.run.results()
        skipped = results.skipped
        if self.gate.system in skipped:
            pytest.skip(f"{self.gate.system} cannot run here: {skipped[self.gate.system]}")
        errors = results.errors.get(self.gate.system, {})
        failure = self.gate.failure(results)
        if failure:
            if errors:
                doc_id, reason = next(iter(errors.items()))
                failure += f" ({len(errors)} document(s) failed, e.g. {doc_id}: {reason})"
            raise GateFailure(failure)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, GateFailure):
            return f"bench gate: {excinfo.value}"
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{GATE_NAME}::{self.name}"


class BaselineProblemItem(pytest.Item):
    """Stands in for the gate when its baseline cannot be read: fails with the reason."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise GateFailure(self.problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return f"bench gate: {excinfo.value}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{GATE_NAME}::baseline"


class GateCollector(pytest.Collector):
    """The ``bench-gate`` node: one item per gated metric of the baseline."""

    def collect(self) -> list[pytest.Item]:
        from ._errors import BenchError
        from ._run._check import load_baseline

        try:
            baseline = load_baseline(self.path)
        except BenchError as exc:
            return [BaselineProblemItem.from_parent(self, name="baseline", problem=str(exc))]
        run = _GateRun(self.config, list(baseline.systems), baseline.gold_sha256)
        return [
            GateItem.from_parent(self, name=gate.name, gate=gate, run=run)
            for gate in baseline.metrics
        ]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Append the gate's items (before -k/-m deselection, which then applies to them too)."""
    if not _gate_wanted(config):
        return
    collector = GateCollector.from_parent(
        session, name=GATE_NAME, path=_baseline_path(config), nodeid=GATE_NAME
    )
    items.extend(collector.collect())


# --- the fixture --------------------------------------------------------------------------------


class Bench:
    """Scores systems on the gold from a test (the ``bench`` fixture).

    Args:
        gold_dir: gold folder (None: the built-in gold).
        cache_dir: result cache folder (None: nothing is cached).
        systems_dir: where registered systems are looked up by name.
    """

    def __init__(
        self,
        gold_dir: Path | None = None,
        cache_dir: Path | None = None,
        systems_dir: Path | None = None,
    ) -> None:
        self.gold_dir = gold_dir
        self.cache_dir = cache_dir
        self.systems_dir = systems_dir
        self._corpora: dict[str, Corpus] = {}

    def corpus(self, gold: str | Path | None = None) -> Corpus:
        """The gold corpus (loaded once per folder; ``gold`` may name a built-in gold set)."""
        from ._gold import load_gold
        from ._resources import resolve_gold

        where = resolve_gold(gold) if gold is not None else self.gold_dir
        key = str(where)
        if key not in self._corpora:
            self._corpora[key] = load_gold(where)
        return self._corpora[key]

    def run(self, system: Any, *, gold: str | Path | None = None) -> dict[str, Any]:
        """Run one system (object or registered name) on the gold; return results.json's dict.

        Raises:
            BenchError: when the system failed on a document (the first failure is named).
        """
        from ._errors import BenchError
        from ._run._cache import ResultCache
        from ._run._runner import extract_all, plan_instance, plan_systems, score_run

        corpus = self.corpus(gold)
        if isinstance(system, str):
            planned, skipped = plan_systems([system], corpus, self.systems_dir)
        else:
            planned, skipped = [plan_instance(system)], {}
        for name, reason in skipped.items():
            pytest.skip(f"{name} cannot run here: {reason}")
        extraction = extract_all(
            corpus, planned, cache=ResultCache(self.cache_dir), inline=True, progress=False
        )
        for name, reason in extraction.skipped.items():
            pytest.skip(f"{name} cannot run here: {reason}")
        for name, errors in extraction.errors.items():
            if errors:
                doc_id, reason = next(iter(sorted(errors.items())))
                more = f" (and {len(errors) - 1} more documents)" if len(errors) > 1 else ""
                raise BenchError(f"{name} failed on {doc_id}: {reason}{more}")
        provenance = {p.name: p.provenance for p in planned}
        import msgspec

        results, _details = score_run(corpus, extraction, provenance, gold_dir=self.gold_dir)
        data: dict[str, Any] = msgspec.to_builtins(results)
        return data

    def score(self, system: Any, *, gold: str | Path | None = None) -> dict[str, Any]:
        """``results[system]``: layer -> metric -> precision, recall, f1, tp, fp, fn, ci."""
        results = self.run(system, gold=gold)
        ((_name, scores),) = results["results"].items()
        return dict(scores)


@pytest.fixture
def bench(pytestconfig: pytest.Config) -> Bench:
    """Score a system on the gold: ``bench.score(MySystem())["quotes"]["attribution"]["f1"]``."""
    return Bench(
        gold_dir=_ini_gold(pytestconfig),
        cache_dir=_ini_path(pytestconfig, "bench_cache_dir"),
        systems_dir=_ini_path(pytestconfig, "bench_systems_dir"),
    )
