"""Throughput of ``bench run``'s executors on a latency-bound system.

:class:`LatencySystem` waits ``wait`` seconds per document and returns an empty annotation, as a
system behind a remote model API spends its time waiting. :func:`measure` runs it through
:func:`~benchmark._run._runner.extract_all` (the work of ``bench run``: planning, the executor,
checking and caching every result) at several numbers of tasks at once, with the local executor
(worker processes) and with Ray (tasks on a Ray started here before the timing, so its start-up
is not counted), and prints one row per executor and concurrency with the projected time for
1,000,000 documents at that rate::

    python -m benchmark._perf._latency --documents 200 --jobs 1,2,4,8
    python -m benchmark._perf._latency --system spacy --documents 40 --jobs 1,2

Example:
    >>> rows = measure(4, (1,), ("local",), wait=0.0)
    >>> rows[0].executor, rows[0].jobs, rows[0].documents
    ('local', 1, 4)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .._models import Annotation, Corpus, Document, Example
from ._corpus import iter_corpus

MILLION = 1_000_000


class LatencySystem:
    """An adapter that waits ``wait`` seconds per document, then predicts nothing.

    Example:
        >>> LatencySystem(0.0).extract(Document("d", "Hi.")).doc_id
        'd'
    """

    name = "latency"
    version = "1"

    def __init__(self, wait: float = 0.05) -> None:
        self.wait = wait
        self.config = {"wait": wait}

    def extract(self, document: Document) -> Annotation:
        """Wait, then return an empty annotation of ``document``."""
        time.sleep(self.wait)
        return Annotation(document.doc_id, document.sha256)


@dataclass(frozen=True)
class LatencyRow:
    """One executor at one concurrency: wall seconds for ``documents`` documents."""

    executor: str
    jobs: int
    documents: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Documents per second."""
        return self.documents / self.seconds

    @property
    def million_hours(self) -> float:
        """Hours for 1,000,000 documents at this rate."""
        return MILLION / self.per_second / 3600


def _corpus(documents: int) -> Corpus:
    examples = []
    for doc in iter_corpus(0, documents, 5):
        document = doc.document()
        examples.append(Example(document, Annotation(document.doc_id, document.sha256)))
    return Corpus(tuple(examples))


def _article_corpus(documents: int) -> Corpus:
    """``documents`` copies (in turn) of the built-in articles: seed gold and held-out news."""
    from .._gold import load_gold
    from .._resources import GOLD_SETS, resolve_gold

    texts = [ex.document.text for name in GOLD_SETS for ex in load_gold(resolve_gold(name))]
    examples = []
    for i in range(documents):
        document = Document(f"article-{i:05d}", texts[i % len(texts)])
        examples.append(Example(document, Annotation(document.doc_id, document.sha256)))
    return Corpus(tuple(examples))


def measure(
    documents: int,
    jobs: Sequence[int],
    executors: Sequence[str],
    *,
    wait: float = 0.05,
    system: str | None = None,
) -> list[LatencyRow]:
    """Time ``extract_all`` of :class:`LatencySystem` on ``documents`` synthetic documents, or of
    a registered ``system`` (CPU-bound, such as ``spacy``) on copies of the built-in articles."""
    from .._run._cache import ResultCache
    from .._run._runner import extract_all, plan_instance, plan_systems

    if system is None:
        corpus = _corpus(documents)
        planned = plan_instance(LatencySystem(wait))
    else:
        corpus = _article_corpus(documents)
        chosen, skipped = plan_systems([system], corpus)
        if not chosen:
            raise RuntimeError(f"{system}: {skipped.get(system, 'cannot run here')}")
        planned = chosen[0]
    rows: list[LatencyRow] = []
    for executor in executors:
        started_ray = False
        if executor == "ray":
            import ray

            if not ray.is_initialized():
                ray.init(num_cpus=max(jobs), include_dashboard=False, log_to_driver=False)
                started_ray = True
        try:
            for n in jobs:
                with tempfile.TemporaryDirectory(prefix="bench-latency-") as scratch:
                    cache = ResultCache(Path(scratch), read=False)
                    start = time.perf_counter()
                    extraction = extract_all(
                        corpus,
                        [planned],
                        cache=cache,
                        jobs=n,
                        timeout=60.0,
                        executor=executor,
                        progress=False,
                    )
                    seconds = time.perf_counter() - start
                if extraction.errors.get(planned.name):
                    raise RuntimeError(f"{executor}: {extraction.errors[planned.name]}")
                rows.append(LatencyRow(executor, n, documents, seconds))
        finally:
            if started_ray:
                import ray

                ray.shutdown()
    return rows


def render(rows: Sequence[LatencyRow], wait: float, system: str | None = None) -> str:
    """The rows as a Markdown table.

    Example:
        >>> print(render([LatencyRow("local", 1, 100, 5.0)], 0.05).splitlines()[-1])
        | local | 1 | 100 | 5.00 | 20.0 | 13.9 |
    """
    title = (
        f"latency-bound system: {wait * 1000:g} ms per document"
        if system is None
        else f"{system} on copies of the built-in articles (CPU-bound)"
    )
    lines = [
        title,
        "",
        "| executor | tasks at once | documents | wall s | documents/s | 1,000,000 documents (h) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.executor} | {row.jobs} | {row.documents} | {row.seconds:.2f} "
            f"| {row.per_second:.1f} | {row.million_hours:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmark._perf._latency``: measure and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmark._perf._latency")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--jobs", default="1,2,4,8", help="comma-separated concurrencies")
    parser.add_argument("--executors", default="local,ray", help="local, ray or both")
    parser.add_argument("--wait", type=float, default=0.05, help="seconds per document")
    parser.add_argument("--system", help="a registered system instead (e.g. spacy: CPU-bound)")
    args = parser.parse_args(argv)
    jobs = [int(part) for part in args.jobs.split(",")]
    executors = [part for part in args.executors.split(",") if part]
    rows = measure(args.documents, jobs, executors, wait=args.wait, system=args.system)
    print(render(rows, args.wait, args.system))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
