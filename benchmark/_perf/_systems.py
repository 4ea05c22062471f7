"""``bench run --no-cache`` wall time per document for each offline system, whole process.

The gold is made of copies of the built-in gold articles (:func:`replicate_gold`); each system
runs alone, with ``--jobs 1`` and with the default (one worker per core), every command once per
round, alternated. Each run extracts, scores and writes its run folder, start-up included, with
a temporary cache.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._timing import Command, Samples, alternate, bench_argv

OFFLINE_SYSTEMS: tuple[str, ...] = ("oracle", "empty", "rules", "spacy")
JOBS: tuple[int | None, ...] = (1, None)
"""``--jobs 1``, then the default (None)."""


def replicate_gold(source: Path, target: Path, documents: int) -> int:
    """A gold folder of ``documents`` articles made of copies of the source gold's articles.

    Copies get new doc ids (``<id>-c<k>``); texts and annotations are unchanged otherwise, so
    every copy is valid gold. Returns the number of documents written.
    """
    articles = sorted((source / "articles").glob("*.txt"))
    if not articles:
        return 0
    (target / "articles").mkdir(parents=True, exist_ok=True)
    (target / "annotations").mkdir(parents=True, exist_ok=True)
    for k in range(documents):
        article = articles[k % len(articles)]
        doc_id = f"{article.stem}-c{k:04d}"
        shutil.copyfile(article, target / "articles" / f"{doc_id}.txt")
        annotation = source / "annotations" / f"{article.stem}.json"
        if annotation.exists():
            data = json.loads(annotation.read_text(encoding="utf-8"))
            data["doc_id"] = doc_id
            (target / "annotations" / f"{doc_id}.json").write_text(
                json.dumps(data, ensure_ascii=False), encoding="utf-8"
            )
    return documents


@dataclass(frozen=True)
class RunRow:
    """One system at one ``--jobs`` setting (None: the default); skipped ones say why."""

    system: str
    jobs: int | None
    documents: int
    samples: Samples | None
    skipped: str = ""

    @property
    def seconds_per_doc(self) -> float | None:
        """Median wall seconds per document."""
        return None if self.samples is None else self.samples.median / self.documents


def _unavailable(system: str) -> str:
    """Why ``system`` cannot run here ("" when it can)."""
    from .._errors import BenchError
    from .._systems import find_system

    try:
        info = find_system(system)
    except BenchError as exc:
        return str(exc)
    return "" if info.ready else info.status


def run_command(system: str, jobs: int | None, gold: Path, scratch: Path) -> Command:
    """``bench run --system S --no-cache [--jobs 1]`` into a run folder under ``scratch``."""
    name = f"{system}-jobs-{jobs or 'default'}"
    argv = ["run", "--system", system, "--gold", str(gold), "--out", str(scratch / name)]
    argv += ["--no-cache", *(["--jobs", str(jobs)] if jobs else [])]
    label = f"bench run {system} --jobs {jobs}" if jobs else f"bench run {system}"
    env = {"BENCH_CACHE_DIR": str(scratch / "cache")}
    return Command(label, bench_argv(*argv), False, scratch, env)


def measure_runs(
    documents: int,
    rounds: int,
    systems: Sequence[str] = OFFLINE_SYSTEMS,
    progress: Callable[[str], None] = lambda _: None,
) -> list[RunRow]:
    """Time ``bench run --no-cache`` of every ready system in ``systems`` at each :data:`JOBS`."""
    from .._gold import default_gold_dir

    reasons = {system: _unavailable(system) for system in systems}
    with tempfile.TemporaryDirectory(prefix="bench-perf-run-") as scratch:
        root = Path(scratch)
        replicate_gold(default_gold_dir(), root / "gold", documents)
        planned = [(s, j) for s in systems if not reasons[s] for j in JOBS]
        commands = [run_command(s, j, root / "gold", root) for s, j in planned]
        samples = dict(zip(planned, alternate(commands, rounds, progress=progress), strict=True))
    return [
        RunRow(s, j, documents, samples.get((s, j)), reasons[s])
        for s in systems
        for j in (JOBS if not reasons[s] else JOBS[:1])
    ]
