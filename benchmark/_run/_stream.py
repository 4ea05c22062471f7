"""``bench score`` in bounded batches: gold and predictions are read a batch of documents at a time
(:mod:`benchmark._sources`), each document is scored and its details line written, and only what
the totals need is kept: the micro counts, the entity breakdown, and per metric one ``(tp, fp,
fn)`` row per document for the bootstrap (per paragraph while there are fewer than 10 documents).

The results are the ones :func:`benchmark._run._score.score_to_results` gives on the same input
(a test holds them equal); details.jsonl is written system by system, in the same order.

Example:
    >>> import tempfile
    >>> from benchmark._gold import load_gold
    >>> from benchmark._convert._jsonl import write_jsonl
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_jsonl(list(load_gold()), folder / "oracle.jsonl")
    >>> results = score_stream(None, folder / "oracle.jsonl", samples=10)
    >>> results.results["oracle"]["quotes"]["attribution"].f1
    1.0
"""

from __future__ import annotations

import os
import shutil
import tempfile
from array import array
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .._errors import BenchError, Problem
from .._formats import DETAILS_FILE, BootstrapSettings, Results
from .._json import atomic_write_bytes, encode
from .._sources import BATCH, gold_batches, prediction_sources
from ._files import RESULTS_FILE, encode_details
from ._score import paused_gc, results_of

if TYPE_CHECKING:
    from .._scoring import DocumentScores, SystemScores
    from .._scoring._results import Counts


class SystemTotals:
    """What one system's scores over a corpus need, added one document at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.documents = 0
        self.counts: dict[tuple[str, str], list[float]] = {}
        self.units: dict[tuple[str, str], array[float]] = {}
        self.first: list[DocumentScores] = []
        self.per_type: dict[str, dict[str, Counts]] = {}
        self.confusion: Counter[tuple[str, str]] = Counter()

    def add(self, scores: DocumentScores) -> None:
        """Add one document's scores."""
        from .._scoring._bootstrap import MIN_DOCUMENTS
        from .._scoring._results import Counts

        self.documents += 1
        if len(self.first) < MIN_DOCUMENTS:
            self.first.append(scores)  # paragraph units, needed only for a small corpus
        for layer, metrics in scores.metrics.items():
            for metric, result in metrics.items():
                c = result.counts
                key = (layer, metric)
                total = self.counts.get(key)
                if total is None:
                    total = self.counts[key] = [0.0, 0.0, 0.0]
                    self.units[key] = array("d")
                total[0] += c.tp
                total[1] += c.fp
                total[2] += c.fn
                self.units[key].extend((c.tp, c.fp, c.fn))
        self.confusion.update(scores.entity_confusion)
        for etype, schemes in scores.entity_per_type.items():
            slot = self.per_type.setdefault(etype, {})
            for scheme, counts in schemes.items():
                slot[scheme] = slot.get(scheme, Counts()) + counts

    def scores(self, samples: int, seed: int) -> SystemScores:
        """The system's scores: one document standing for the whole corpus (its counts are the
        totals), with the intervals of the per-document (or per-paragraph) counts."""
        import numpy as np

        from .._scoring import DocumentScores, MetricResult, SystemScores
        from .._scoring._bootstrap import bootstrap_unit, intervals_of, system_intervals
        from .._scoring._results import Counts

        unit = bootstrap_unit(self.documents)
        if unit == "paragraph":
            rows = (
                (layer, metric, result.counts, result.by_paragraph)
                for doc in self.first
                for layer, metrics in doc.metrics.items()
                for metric, result in metrics.items()
            )
            intervals = system_intervals(rows, unit, samples, seed)
        else:
            arrays = {key: np.frombuffer(units).reshape(-1, 3) for key, units in self.units.items()}
            intervals = intervals_of(arrays, samples, seed)
        metrics: dict[str, dict[str, MetricResult]] = {}
        for (layer, metric), (tp, fp, fn) in self.counts.items():
            metrics.setdefault(layer, {})[metric] = MetricResult(Counts(tp, fp, fn))
        whole = DocumentScores("*", metrics, self.per_type, self.confusion)
        return SystemScores(self.name, (whole,), unit, samples, seed, intervals)


def _copy_into(parts: list[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` atomically (through a temporary file and a rename)."""
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(partial, 0o644)
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as stream:
                    shutil.copyfileobj(stream, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def score_stream(
    gold: Path | None,
    predictions: Path,
    *,
    out_dir: Path | None = None,
    samples: int = 1000,
    seed: int = 0,
    command: str | None = None,
    batch_size: int = BATCH,
) -> Results:
    """Score every system found at ``predictions`` against the gold, ``batch_size`` documents at
    a time; with ``out_dir``, write details.jsonl as it goes, then results.json.

    Nothing is written when the gold or any prediction has a problem.

    Raises:
        BenchError: every problem of the gold, else every problem of the predictions.
    """
    from .._gold import default_gold_dir
    from .._scoring import ScoredSystems, score_document

    root = Path(gold) if gold is not None else default_gold_dir()
    sources = prediction_sources(Path(predictions))
    if not sources:
        raise BenchError(f"{predictions}: no prediction files (<doc_id>.json) found")
    problems: list[Problem] = [p for source in sources for p in source.problems]
    totals = {source.name: SystemTotals(source.name) for source in sources}
    scratch: Path | None = None
    outputs: dict[str, IO[bytes]] = {}
    if out_dir is not None:
        try:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".details.", dir=out_dir))
        except OSError as exc:
            raise BenchError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    try:
        batches, digest = gold_batches(root, batch_size)
        with paused_gc():
            if scratch is not None:
                for i, source in enumerate(sources):
                    outputs[source.name] = open(scratch / f"{i}.jsonl", "wb")  # noqa: SIM115
            for batch in batches:
                documents = {ex.doc_id: ex.document for ex in batch}
                for source in sources:
                    found, bad = source.read(documents)
                    problems += bad
                    if problems:
                        continue  # keep reading: every problem is reported, nothing scored
                    system = totals[source.name]
                    stream = outputs.get(source.name)
                    for ex in batch:
                        doc = score_document(ex.annotation, found.get(ex.doc_id), ex.document.text)
                        system.add(doc)
                        if stream is not None:
                            stream.write(encode_details([doc.detail(source.name)]))
            sha256, doc_ids = digest()
            gold_ids = set(doc_ids)
            for source in sources:
                problems += source.outside(gold_ids)
            if problems:
                raise BenchError.from_problems(problems)
            scored = {name: system.scores(samples, seed) for name, system in totals.items()}
        from .._scoring._bootstrap import bootstrap_unit

        systems = ScoredSystems(
            documents=list(doc_ids),
            results={name: scores.totals() for name, scores in scored.items()},
            breakdown={name: scores.breakdown() for name, scores in scored.items()},
            systems=scored,
            bootstrap=BootstrapSettings(
                samples=samples, seed=seed, unit=bootstrap_unit(len(doc_ids))
            ),
        )
        provenance = {
            source.name: {
                "source": str(Path(predictions) / source.name)
                if source.kind == "folder"
                else str(source.path)
            }
            for source in sources
        }
        results = results_of(
            systems, provenance, gold_sha256=sha256, gold_dir=root, command=command
        )
        if out_dir is not None and scratch is not None:
            for stream in outputs.values():
                stream.close()
            parts = [scratch / f"{i}.jsonl" for i in range(len(sources))]
            _copy_into(parts, Path(out_dir) / DETAILS_FILE)
            atomic_write_bytes(Path(out_dir) / RESULTS_FILE, encode(results))
        return results
    finally:
        for stream in outputs.values():
            stream.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
