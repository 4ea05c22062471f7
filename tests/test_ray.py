"""``bench run --executor ray`` on a local Ray: the local executor's totals, timeouts, the cache."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmark._models import Annotation, Document
from benchmark._resources import resolve_gold
from benchmark._run._commands import run_command
from benchmark._run._executor import Outcome, SystemRecipe, Task
from benchmark._run._ray import RayExecutor

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


class HangsOnSecond:
    """Returns an empty annotation, except on documents whose id ends in ``-hang``: it hangs."""

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.endswith("-hang"):
            time.sleep(3600)
        return Annotation(document.doc_id, document.sha256)


class Fails:
    """Raises on every document."""

    def extract(self, document: Document) -> Annotation:
        raise ValueError(f"no luck with {document.doc_id}")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(REPO)}},
    )
    try:
        yield
    finally:
        ray.shutdown()


def _run(out: Path, executor: str) -> tuple[dict[str, object], list[str]]:
    lines: list[str] = []
    code = run_command(
        systems=("oracle", "empty", "rules"),
        out_dir=out,
        jobs=2,
        executor=executor,
        out=lines.append,
        err=lines.append,
    )
    assert code == 0, lines
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results, lines


def test_same_totals_as_local_and_rerun_from_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache-local"))
    local, _ = _run(tmp_path / "local", "local")
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache-ray"))
    first, lines = _run(tmp_path / "ray", "ray")
    assert first["results"] == local["results"]
    assert first["breakdown"] == local["breakdown"]
    assert first["errors"] == local["errors"] == {}
    assert lines[-1].startswith("6 extracted, 0 from the cache")
    again, lines = _run(tmp_path / "ray-again", "ray")
    assert lines[-1].startswith("0 extracted, 6 from the cache")
    assert again["results"] == first["results"]


def test_a_hanging_document_times_out_and_errors_stay_per_document() -> None:
    documents = (Document("a-ok", "Fine."), Document("b-hang", "Stuck."))
    tasks = [
        Task(0, SystemRecipe("hangs", HangsOnSecond), (documents[0],)),
        Task(1, SystemRecipe("hangs", HangsOnSecond), (documents[1],)),
        Task(2, SystemRecipe("fails", Fails), (documents[0],)),
    ]
    outcomes: list[Outcome] = []
    started = time.monotonic()
    RayExecutor(2, 2.0).run(tasks, outcomes.append)
    took = time.monotonic() - started
    by_doc = {(o.system, o.doc_id): o for o in outcomes}
    assert by_doc["hangs", "a-ok"].error is None and by_doc["hangs", "a-ok"].prediction
    assert by_doc["hangs", "b-hang"].error == "timed out after 2 s"
    assert by_doc["fails", "a-ok"].error == "raised ValueError: no luck with a-ok"
    assert took < 30


class DiesOnFirstCall:
    """Kills its worker process the first time it runs anywhere (a marker file says so), then
    works: the task is retried on a fresh worker and succeeds."""

    def __init__(self, marker: str) -> None:
        self.marker = Path(marker)

    def extract(self, document: Document) -> Annotation:
        import os

        if not self.marker.exists():
            self.marker.write_text("died once")
            os._exit(3)
        return Annotation(document.doc_id, document.sha256)


class AlwaysDies:
    """Kills its worker process on every document."""

    def extract(self, document: Document) -> Annotation:
        import os

        os._exit(4)


def test_a_worker_killed_mid_run_is_retried_then_recorded(tmp_path: Path) -> None:
    document = Document("a-doc", "Fine.")
    marker = str(tmp_path / "died")
    tasks = [
        Task(0, SystemRecipe("flaky", DiesOnFirstCall, (marker,)), (document,)),
        Task(1, SystemRecipe("doomed", AlwaysDies), (document,)),
    ]
    outcomes: list[Outcome] = []
    RayExecutor(2, 30.0).run(tasks, outcomes.append)
    by_system = {o.system: o for o in outcomes}
    assert Path(marker).exists()  # the first worker really died
    assert by_system["flaky"].error is None and by_system["flaky"].prediction  # retried, done
    assert (by_system["doomed"].error or "").startswith("worker died")  # recorded, not raised


def test_same_totals_as_local_on_the_held_out_news(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    totals = {}
    for executor in ("local", "ray"):
        monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / f"cache-{executor}"))
        lines: list[str] = []
        code = run_command(
            systems=("oracle", "rules"),
            gold_dir=resolve_gold("heldout-test"),
            out_dir=tmp_path / executor,
            jobs=2,
            executor=executor,
            out=lines.append,
            err=lines.append,
        )
        assert code == 0, lines
        totals[executor] = json.loads((tmp_path / executor / "results.json").read_text())
    assert totals["ray"]["results"] == totals["local"]["results"]
    assert totals["ray"]["documents"] == totals["local"]["documents"]
