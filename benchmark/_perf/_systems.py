"""System-side measurements: ``bench run --jobs``, spaCy batching, LLM request concurrency."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._models import Document


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
class RunTiming:
    """Wall time of one ``bench run --no-cache --jobs N`` (a fresh process, start-up included)."""

    jobs: int
    documents: int
    seconds: float
    systems: tuple[str, ...]
    skipped: dict[str, str]
    exit_code: int


def time_runs(gold_dir: Path, jobs: Sequence[int], systems: Sequence[str] = ()) -> list[RunTiming]:
    """Time ``bench run --no-cache`` at each ``--jobs`` on ``gold_dir`` (a temporary cache)."""
    out: list[RunTiming] = []
    documents = len(list((gold_dir / "articles").glob("*.txt")))
    with tempfile.TemporaryDirectory(prefix="bench-perf-run-") as scratch:
        for n in jobs:
            run_dir = Path(scratch) / f"run-jobs-{n}"
            command = [
                sys.executable,
                "-c",
                "from benchmark._cli import main; main()",
                "run",
                "--gold",
                str(gold_dir),
                "--out",
                str(run_dir),
                "--no-cache",
                "--jobs",
                str(n),
            ]
            for system in systems:
                command += ["--system", system]
            env = {**os.environ, "BENCH_CACHE_DIR": str(Path(scratch) / f"cache-{n}")}
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=scratch)
            seconds = time.perf_counter() - start
            ran: tuple[str, ...] = ()
            skipped: dict[str, str] = {}
            results = run_dir / "results.json"
            if results.exists():
                data = json.loads(results.read_text(encoding="utf-8"))
                ran = tuple(sorted(data.get("results", {})))
                skipped = dict(data.get("skipped", {}))
            elif done.returncode:
                skipped = {"run": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
            out.append(RunTiming(n, documents, seconds, ran, skipped, done.returncode))
    return out


@dataclass(frozen=True)
class SpacyTiming:
    """spaCy system: one document at a time vs ``extract_batch`` (``nlp.pipe``)."""

    documents: int
    one_by_one: float
    batched: float
    batch_size: int
    same_output: bool


def time_spacy(documents: Sequence[Document], repeat: int) -> SpacyTiming | str:
    """Time the spaCy system both ways on the same documents; a string says why it was skipped."""
    from .._system import SystemUnavailable
    from .._systems import load_system
    from ._timing import best_of

    try:
        system: Any = load_system("spacy")
    except SystemUnavailable as exc:
        return f"spacy skipped: {exc}"
    except Exception as exc:  # a broken install is reported, not raised
        return f"spacy skipped: {type(exc).__name__}: {exc}"
    system.extract(documents[0])  # warm the pipeline
    single, singles = best_of(lambda: [system.extract(d) for d in documents], repeat)
    batch, batched = best_of(lambda: system.extract_batch(list(documents)), repeat)
    return SpacyTiming(
        documents=len(documents),
        one_by_one=single.best,
        batched=batch.best,
        batch_size=int(getattr(system, "batch_size", 0)),
        same_output=singles == batched,
    )


def time_llm(documents: int, latency: float, concurrencies: Sequence[int]) -> list[dict[str, Any]]:
    """LLM adapter throughput against the local fake server (127.0.0.1) at each concurrency bound.

    The ideal throughput is ``min(concurrency, documents) / latency`` documents per second.
    """
    from .._systems._llm_fake import measure_throughput

    rows = []
    for bound in concurrencies:
        result = measure_throughput(documents, latency=latency, max_concurrency=bound)
        ideal = min(bound, documents) / latency
        rows.append({**result, "latency": latency, "ideal_docs_per_second": ideal})
    return rows
