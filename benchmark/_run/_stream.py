"""``bench score`` in bounded batches: gold and predictions are read a batch of documents at a time
(:mod:`benchmark._sources`), the batch is scored (:func:`benchmark._scoring.score_documents`) and
its details lines written, and only what the totals need is kept: the micro counts, the entity
breakdown, and per metric one ``(tp, fp, fn)`` row per document for the bootstrap (per paragraph
while there are fewer than 10 documents).

A gold folder is read by several processes when there are cores for them: after the imports,
one forked child per usable core but one takes a run of the documents (this process the first),
writes its details lines to files of its own and sends back its totals, problems and digest
input; they are merged in document order, so the results, details.jsonl and every problem are
those of one process reading the folder in order.

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
import pickle
import shutil
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from msgspec.structs import astuple

from .._cores import usable_cores
from .._errors import BenchError, Problem
from .._formats import DETAILS_FILE, BootstrapSettings, Results
from .._json import atomic_write_bytes, encode
from .._models import Example
from .._scoring._score import BATCH
from .._sources import (
    DigestInput,
    GoldFolderReader,
    PredictionSource,
    gold_batches,
    prediction_sources,
    source_kind,
)
from ._files import RESULTS_FILE, encode_details
from ._score import paused_gc, results_of

if TYPE_CHECKING:
    from .._scoring import DocumentScores, SystemScores


class SystemTotals:
    """What one system's scores over a corpus need, added a batch of documents at a time: per
    document the ``(tp, fp, fn)`` of every metric (one flat array, :attr:`keys` order), the
    summed entity breakdown, and the first documents whole (for the paragraph bootstrap)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.documents = 0
        self.keys: tuple[tuple[str, str], ...] = ()
        self.units: array[float] = array("d")
        self.first: list[DocumentScores] = []
        self.per_type: dict[str, dict[str, list[float]]] = {}
        self.confusion: Counter[tuple[str, str]] = Counter()

    def add(self, scored: Sequence[DocumentScores]) -> None:
        """Add the scores of the next documents."""
        from .._scoring._bootstrap import MIN_DOCUMENTS

        for doc in scored[: max(0, MIN_DOCUMENTS - len(self.first))]:
            self.first.append(doc)  # paragraph units, needed only for a small corpus
            self._check_keys(doc)
        self.documents += len(scored)
        self.units.extend(
            [
                count
                for doc in scored
                for metrics in doc.metrics.values()
                for result in metrics.values()
                for count in astuple(result.counts)
            ]
        )
        if len(self.units) != 3 * len(self.keys) * self.documents:
            raise ValueError(f"{self.name}: documents scored on different metrics")
        for doc in scored:
            self.confusion.update(doc.entity_confusion)
        _add_per_type(
            self.per_type,
            (
                (etype, scheme, counts.tp, counts.fp, counts.fn)
                for doc in scored
                for etype, schemes in doc.entity_per_type.items()
                for scheme, counts in schemes.items()
            ),
        )

    def _check_keys(self, scores: DocumentScores) -> None:
        keys = tuple(
            (layer, metric) for layer, metrics in scores.metrics.items() for metric in metrics
        )
        if self.keys and keys != self.keys:
            raise ValueError(f"{self.name}: documents scored on different metrics")
        self.keys = keys

    def merge(self, other: SystemTotals) -> None:
        """Add the totals of the documents that follow this one's (scored elsewhere)."""
        from .._scoring._bootstrap import MIN_DOCUMENTS

        if not other.documents:
            return
        if self.keys and other.keys != self.keys:
            raise ValueError(f"{self.name}: documents scored on different metrics")
        self.keys = other.keys
        self.documents += other.documents
        self.first += other.first[: max(0, MIN_DOCUMENTS - len(self.first))]
        self.units.extend(other.units)
        self.confusion.update(other.confusion)
        _add_per_type(
            self.per_type,
            (
                (etype, scheme, total[0], total[1], total[2])
                for etype, schemes in other.per_type.items()
                for scheme, total in schemes.items()
            ),
        )

    def scores(self, samples: int, seed: int) -> SystemScores:
        """The system's scores: one document standing for the whole corpus (its counts are the
        totals), with the intervals of the per-document (or per-paragraph) counts."""
        import numpy as np

        from .._scoring import DocumentScores, MetricResult, SystemScores
        from .._scoring._bootstrap import bootstrap_unit, intervals_of, system_intervals
        from .._scoring._results import Counts

        unit = bootstrap_unit(self.documents)
        table = np.frombuffer(self.units).reshape(self.documents, len(self.keys), 3)
        if unit == "paragraph":
            rows = (
                (layer, metric, result.counts, result.by_paragraph)
                for doc in self.first
                for layer, metrics in doc.metrics.items()
                for metric, result in metrics.items()
            )
            intervals = system_intervals(rows, unit, samples, seed)
        else:
            arrays = {key: table[:, k, :] for k, key in enumerate(self.keys)}
            intervals = intervals_of(arrays, samples, seed)
        metrics: dict[str, dict[str, MetricResult]] = {}
        for (layer, metric), (tp, fp, fn) in zip(
            self.keys, table.sum(axis=0).tolist(), strict=True
        ):
            metrics.setdefault(layer, {})[metric] = MetricResult(Counts(tp, fp, fn))
        per_type = {
            etype: {scheme: Counts(*total) for scheme, total in schemes.items()}
            for etype, schemes in self.per_type.items()
        }
        whole = DocumentScores("*", metrics, per_type, self.confusion)
        return SystemScores(self.name, (whole,), unit, samples, seed, intervals)


def _add_per_type(
    per_type: dict[str, dict[str, list[float]]],
    counts: Iterable[tuple[str, str, float, float, float]],
) -> None:
    """Add ``(type, scheme, tp, fp, fn)`` counts to the per-type totals of :class:`SystemTotals`."""
    for etype, scheme, tp, fp, fn in counts:
        slot = per_type.get(etype)
        if slot is None:
            slot = per_type[etype] = {}
        total = slot.get(scheme)
        if total is None:
            slot[scheme] = [tp, fp, fn]
        else:
            total[0] += tp
            total[1] += fp
            total[2] += fn


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


MIN_SHARD = 250
"""The fewest documents worth a process of their own when ``bench score`` shards a gold folder."""

Found = tuple[int, int, list[Problem]]
"""``(batch, source, problems)``: the problems one source's predictions had in one batch."""


@dataclass
class _Part:
    """A run of a gold folder's documents, scored by one process: what it read and found."""

    doc_ids: list[str]
    digested: bytes
    first_type: dict[str, tuple[str, str]]
    totals: dict[str, SystemTotals]
    found: list[Found]


def _score_shard(
    reader: GoldFolderReader,
    doc_ids: list[str],
    first: int,
    batch_size: int,
    sources: list[PredictionSource],
    totals: dict[str, SystemTotals],
    outputs: Mapping[str, IO[bytes]],
    stop: bool,
) -> list[Found]:
    """Read and score ``doc_ids`` (from position ``first`` of the folder) in the folder's
    batches (cut at multiples of ``batch_size`` from its start), writing details lines to
    ``outputs``; nothing is scored once a problem is found (or with ``stop``)."""
    found: list[Found] = []
    position = first
    while position < first + len(doc_ids):
        end = min(first + len(doc_ids), (position // batch_size + 1) * batch_size)
        batch = reader.read(doc_ids[position - first : end - first])
        _score_batch(batch, position // batch_size, sources, totals, outputs, found, stop)
        position = end
    return found


def _score_batch(
    batch: list[Example],
    number: int,
    sources: list[PredictionSource],
    totals: Mapping[str, SystemTotals],
    outputs: Mapping[str, IO[bytes]],
    found: list[Found],
    stop: bool,
) -> None:
    """Score one batch of gold examples for every source (adding to ``found`` the problems of
    its predictions; once there is one, or with ``stop``, nothing more is scored)."""
    from .._scoring import score_documents

    documents = {ex.doc_id: ex.document for ex in batch}
    for index, source in enumerate(sources):
        predicted, bad = source.read(documents)
        if bad:
            found.append((number, index, bad))
        if stop or found:
            continue  # keep reading: every problem is reported, nothing scored
        system = totals[source.name]
        stream = outputs.get(source.name)
        tasks = [(ex.annotation, predicted.get(ex.doc_id), ex.document.text) for ex in batch]
        scored = score_documents(tasks, errors=stream is not None)
        system.add(scored)
        if stream is not None:
            stream.write(encode_details(doc.detail(source.name) for doc in scored))


def _fork(run: Callable[[], object]) -> tuple[int, int]:
    """Run ``run`` in a forked child that sends its pickled result (or exception) through a
    pipe; return the child's pid and the pipe's reading end."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            try:
                result: object = run()
            except BaseException as exc:
                result = exc
            try:
                data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                data = pickle.dumps(BenchError(f"a scoring worker failed: {exc}"))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> list[tuple[int, _Part]]:
    """The parts a forked child scored (its exception raised here), once it is done."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise BenchError("a scoring worker stopped without a result")
    result = pickle.loads(data)
    if isinstance(result, BaseException):
        raise result
    if not isinstance(result, list):
        raise BenchError("a scoring worker sent no result")
    return result


CHUNK = 128
"""Documents a process takes at a time when several score one gold folder."""
MAX_CHUNKS = 4096
"""The most chunks a folder is cut into (their numbers must fit a pipe's buffer)."""


def _chunks(documents: int, batch_size: int) -> list[tuple[int, int]]:
    """``(start, end)`` runs of about :data:`CHUNK` documents, none across a batch boundary.

    Example:
        >>> _chunks(300, 256)
        [(0, 128), (128, 256), (256, 300)]
    """
    size = max(CHUNK, -(-documents // MAX_CHUNKS))
    return [
        (start, min(start + size, batch + batch_size, documents))
        for batch in range(0, documents, batch_size)
        for start in range(batch, min(batch + batch_size, documents), size)
    ]


def _sharded(
    reader: GoldFolderReader,
    doc_ids: list[str],
    batch_size: int,
    jobs: int,
    sources: list[PredictionSource],
    totals: dict[str, SystemTotals],
    scratch: Path | None,
    stop: bool,
) -> tuple[list[Found], int]:
    """Score a gold folder in this process and ``jobs - 1`` forked children, which take chunks
    of documents (:func:`_chunks`) one after the other from a shared queue until none is left;
    the chunks' results are merged in document order, each chunk's details lines left in files
    of its own (``<chunk>-<source>.jsonl`` in ``scratch``). Return the problems found and the
    number of chunks.

    Raises:
        BenchError: the gold's problems, or a child's failure.
    """
    from .._scoring import _batch  # noqa: F401 - numpy and the batch engine, imported once
    from .._scoring._bootstrap import MIN_DOCUMENTS

    chunks = _chunks(len(doc_ids), batch_size)
    queue, feed = os.pipe()
    try:
        data = b"".join(number.to_bytes(4, "little") for number in range(len(chunks)))
        while data:  # at most 16 KiB: fits the pipe
            data = data[os.write(feed, data) :]
    finally:
        os.close(feed)

    def score(number: int) -> _Part:
        start, end = chunks[number]
        digest = DigestInput()
        part = GoldFolderReader(reader.root, digest=digest)
        part_totals = {source.name: SystemTotals(source.name) for source in sources}
        outputs = _open_outputs(scratch, number, sources)
        try:
            found = _score_shard(
                part, doc_ids[start:end], start, batch_size, sources, part_totals, outputs, stop
            )
        finally:
            for stream in outputs.values():
                stream.close()
        if start >= MIN_DOCUMENTS:  # only the corpus's first documents are kept whole
            for system in part_totals.values():
                system.first.clear()
        return _Part(part.doc_ids, bytes(digest.data), part.types.first_type, part_totals, found)

    def work() -> list[tuple[int, _Part]]:
        done = []
        while len(taken := os.read(queue, 4)) == 4:
            number = int.from_bytes(taken, "little")
            done.append((number, score(number)))
        return done

    children: list[tuple[int, int]] = []
    try:
        children = [_fork(work) for _ in range(1, jobs)]
        parts = work()
        while children:
            parts += _collect(*children.pop(0))
    finally:
        os.close(queue)
        for pid, read_end in children:  # after a failure here: end the children's wait
            os.close(read_end)
            os.waitpid(pid, 0)
    found: list[Found] = []
    for _, part in sorted(parts, key=lambda item: item[0]):
        reader.extend(part.doc_ids, part.digested, part.first_type)
        for name, system in part.totals.items():
            totals[name].merge(system)
        found += part.found
    return sorted(found, key=lambda item: (item[0], item[1])), len(chunks)


def _open_outputs(
    scratch: Path | None, part: int, sources: list[PredictionSource]
) -> dict[str, IO[bytes]]:
    """One details file per source for one part of the documents (none without ``scratch``)."""
    if scratch is None:
        return {}
    return {
        source.name: open(scratch / f"{part}-{i}.jsonl", "wb") for i, source in enumerate(sources)
    }


def score_stream(
    gold: Path | None,
    predictions: Path,
    *,
    out_dir: Path | None = None,
    samples: int = 1000,
    seed: int = 0,
    command: str | None = None,
    batch_size: int = BATCH,
    jobs: int | None = None,
) -> Results:
    """Score every system found at ``predictions`` against the gold, ``batch_size`` documents at
    a time; with ``out_dir``, write details.jsonl as it goes, then results.json.

    A gold folder of at least ``2 x MIN_SHARD`` documents is scored in up to ``jobs`` processes
    (default: one per usable core), which take chunks of documents in turn (:func:`_sharded`);
    the results and details are those of one process.

    Nothing is written when the gold or any prediction has a problem.

    Raises:
        BenchError: every problem of the gold, else every problem of the predictions.
    """
    from .._gold import default_gold_dir
    from .._scoring import ScoredSystems

    root = Path(gold) if gold is not None else default_gold_dir()
    sources = prediction_sources(Path(predictions))
    if not sources:
        raise BenchError(f"{predictions}: no prediction files (<doc_id>.json) found")
    problems: list[Problem] = [p for source in sources for p in source.problems]
    totals = {source.name: SystemTotals(source.name) for source in sources}
    scratch: Path | None = None
    if out_dir is not None:
        try:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".details.", dir=out_dir))
        except OSError as exc:
            raise BenchError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    try:
        with paused_gc():
            found: list[Found] = []
            n_parts = 1
            stop = bool(problems)
            outputs: dict[str, IO[bytes]] = {}
            try:
                if source_kind(root) == "folder":
                    reader = GoldFolderReader(root)
                    listed = reader.listed()
                    shards = _shards(len(listed), jobs)
                    if shards > 1:
                        found, n_parts = _sharded(
                            reader, listed, batch_size, shards, sources, totals, scratch, stop
                        )
                    else:
                        outputs = _open_outputs(scratch, 0, sources)
                        found = _score_shard(
                            reader, listed, 0, batch_size, sources, totals, outputs, stop
                        )
                    sha256, doc_ids = reader.sha256, reader.doc_ids
                else:
                    batches, digest = gold_batches(root, batch_size)
                    outputs = _open_outputs(scratch, 0, sources)
                    for number, batch in enumerate(batches):
                        _score_batch(batch, number, sources, totals, outputs, found, stop)
                    sha256, doc_ids = digest()
            finally:
                for stream in outputs.values():
                    stream.close()
            problems += [p for _, _, bad in found for p in bad]
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
            parts = [
                scratch / f"{part}-{i}.jsonl"
                for i in range(len(sources))
                for part in range(n_parts)
            ]
            _copy_into(parts, Path(out_dir) / DETAILS_FILE)
            atomic_write_bytes(Path(out_dir) / RESULTS_FILE, encode(results))
        return results
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _shards(documents: int, jobs: int | None) -> int:
    """How many processes score ``documents`` of a gold folder: ``jobs`` (default: the usable
    cores), at most one per ``MIN_SHARD`` documents."""
    wanted = usable_cores() if jobs is None else jobs
    if wanted <= 1 or not hasattr(os, "fork"):
        return 1
    return max(1, min(wanted, documents // MIN_SHARD))
