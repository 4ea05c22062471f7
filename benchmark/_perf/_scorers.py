"""Scoring measurements: our entity scorer against nervaluate and seqeval, quotes and claims,
growth with the number of documents, and memory when predictions are streamed from disk.

Every function here computes records; :mod:`benchmark._perf._render` turns them into tables.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._io import annotation_to_json, dump_json, read_annotation
from .._models import ENTITY_TYPES
from ._corpus import EntityKey, SyntheticDoc, iter_corpus, make_doc
from ._timing import Timing, best_of

TOLERANCE = 1e-9
NERVALUATE_SCHEMES: dict[str, str] = {
    "strict": "strict",
    "exact": "exact",
    "partial": "partial",
    "type": "ent_type",
}
"""Our scheme names and nervaluate's."""

PRF = tuple[float, float, float]


def documents_for(mentions: int, mentions_per_doc: int) -> int:
    """How many documents hold ``mentions`` gold mentions (at least one).

    Example:
        >>> documents_for(100_000, 50), documents_for(10, 50)
        (2000, 1)
    """
    return max(1, math.ceil(mentions / mentions_per_doc))


@dataclass(frozen=True)
class EntityComparison:
    """Our entity scorer, nervaluate and seqeval on the same synthetic corpus."""

    documents: int
    gold_mentions: int
    pred_mentions: int
    ours: Timing
    ours_full: Timing
    nervaluate: Timing | None
    seqeval: Timing | None
    ours_scores: dict[str, PRF]
    nervaluate_scores: dict[str, PRF]
    seqeval_f1: float | None
    mismatches: tuple[str, ...] = ()

    @property
    def ms_per_1k_mentions(self) -> float:
        """Our fast-path time per 1,000 gold mentions, in milliseconds."""
        return self.ours.best * 1000 / (self.gold_mentions / 1000)


def _prf(counts: Any) -> PRF:
    return (counts.precision or 0.0, counts.recall or 0.0, counts.f1 or 0.0)


def _ours_fast(pairs: Sequence[tuple[Sequence[EntityKey], Sequence[EntityKey]]]) -> dict[str, PRF]:
    from .._scoring._entities import count_entity_schemes

    return {scheme: _prf(c) for scheme, c in count_entity_schemes(pairs).items()}


def _ours_full(prepared: Sequence[tuple[Any, Any, Any]]) -> int:
    """Every entity metric with breakdown and error lists, document by document (as a run does)."""
    from .._scoring._entities import score_entities

    kept = 0
    for gold, pred, paragraphs in prepared:
        kept += len(score_entities(gold, pred, paragraphs).metrics)
    return kept


def _nervaluate(true: list[list[dict[str, Any]]], pred: list[list[dict[str, Any]]]) -> Any:
    from nervaluate import Evaluator

    return Evaluator(true, pred, tags=list(ENTITY_TYPES), loader="dict").evaluate()


def _seqeval(y_true: list[list[str]], y_pred: list[list[str]]) -> float:
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    return float(f1_score(y_true, y_pred, mode="strict", scheme=IOB2))


def _nervaluate_input(docs: Sequence[SyntheticDoc], which: str) -> list[list[dict[str, Any]]]:
    """nervaluate's dict format: character offsets with an *inclusive* end."""
    return [
        [
            {"label": t, "start": s, "end": e - 1}
            for s, e, t in (d.gold if which == "gold" else d.pred)
        ]
        for d in docs
    ]


def _warm_up(docs: Sequence[SyntheticDoc], others: bool) -> None:
    """Run every tool once on a few documents so imports stay off the clocks."""
    from .._models import Entity
    from .._scoring._results import Paragraphs

    _ours_fast([(d.gold, d.pred) for d in docs])
    _ours_full(
        [
            (
                tuple(Entity(s, e, d.text[s:e], t) for s, e, t in d.gold),  # type: ignore[arg-type]
                tuple(Entity(s, e, d.text[s:e], t) for s, e, t in d.pred),  # type: ignore[arg-type]
                Paragraphs(d.text),
            )
            for d in docs
        ]
    )
    if others:
        _nervaluate(_nervaluate_input(docs, "gold"), _nervaluate_input(docs, "pred"))
        _seqeval([d.iob2("gold") for d in docs], [d.iob2("pred") for d in docs])


def compare_entity_scorers(
    seed: int,
    mentions: int,
    mentions_per_doc: int,
    repeat: int,
    *,
    others: bool = True,
    budget: float = 3.0,
) -> EntityComparison:
    """Time our scorer, nervaluate and seqeval on one synthetic corpus and check they agree.

    Input conversion (to nervaluate's dicts, to IOB2 tags, to our records) is done before the
    clocks start; nervaluate's own loader runs inside its timing, as a user would call it.
    ``budget`` caps the seconds spent repeating the slower tools (each runs at least once).
    """
    from .._models import Entity
    from .._scoring._results import Paragraphs

    docs = list(iter_corpus(seed, documents_for(mentions, mentions_per_doc), mentions_per_doc))
    warm = list(iter_corpus(seed + 1, 4, mentions_per_doc))
    _warm_up(warm, others)
    pairs = [(d.gold, d.pred) for d in docs]
    ours, ours_scores = best_of(lambda: _ours_fast(pairs), repeat)
    prepared = [
        (
            tuple(Entity(s, e, d.text[s:e], t) for s, e, t in d.gold),  # type: ignore[arg-type]
            tuple(Entity(s, e, d.text[s:e], t) for s, e, t in d.pred),  # type: ignore[arg-type]
            Paragraphs(d.text),
        )
        for d in docs
    ]
    ours_full, _ = best_of(lambda: _ours_full(prepared), repeat, budget)
    nerv_timing = seq_timing = None
    nerv_scores: dict[str, PRF] = {}
    seq_f1: float | None = None
    mismatches: list[str] = []
    if others:
        true, pred = _nervaluate_input(docs, "gold"), _nervaluate_input(docs, "pred")
        nerv_timing, nerv = best_of(lambda: _nervaluate(true, pred), repeat, budget)
        for ours_name, their_name in NERVALUATE_SCHEMES.items():
            result = nerv["overall"][their_name]
            nerv_scores[ours_name] = (result.precision, result.recall, result.f1)
            for label, a, b in zip(
                "PRF", ours_scores[ours_name], nerv_scores[ours_name], strict=True
            ):
                if abs(a - b) > TOLERANCE:
                    mismatches.append(
                        f"{ours_name} {label}: ours {a!r} vs nervaluate {their_name} {b!r}"
                    )
        y_true, y_pred = [d.iob2("gold") for d in docs], [d.iob2("pred") for d in docs]
        seq_timing, seq_value = best_of(lambda: _seqeval(y_true, y_pred), repeat, budget)
        seq_f1 = seq_value
        if abs(ours_scores["strict"][2] - seq_value) > TOLERANCE:
            mismatches.append(
                f"strict F: ours {ours_scores['strict'][2]!r} vs seqeval {seq_value!r}"
            )
    return EntityComparison(
        documents=len(docs),
        gold_mentions=sum(len(d.gold) for d in docs),
        pred_mentions=sum(len(d.pred) for d in docs),
        ours=ours,
        ours_full=ours_full,
        nervaluate=nerv_timing,
        seqeval=seq_timing,
        ours_scores=ours_scores,
        nervaluate_scores=nerv_scores,
        seqeval_f1=seq_f1,
        mismatches=tuple(mismatches),
    )


# --- quotes and claims -------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerTiming:
    """Quote and claim scoring time on one synthetic corpus (None: not run, with the reason)."""

    documents: int
    items: int
    quotes: Timing | None
    claims: Timing | None
    note: str = ""


def time_quotes_and_claims(
    seed: int,
    items: int,
    items_per_doc: int,
    repeat: int,
    *,
    projected: dict[str, float] | None = None,
    max_seconds: float = 20.0,
) -> LayerTiming:
    """Time :func:`score_quotes` and :func:`score_claims` over documents with ``items`` each.

    ``projected`` gives the seconds per document a layer took at a smaller size; a layer whose
    projection here exceeds ``max_seconds`` is not run (the note says so).
    """
    from .._scoring._claims import score_claims
    from .._scoring._quotes import score_quotes
    from .._scoring._resolve import SpeakerResolver
    from .._scoring._results import Paragraphs

    n_docs = documents_for(items, items_per_doc)
    docs = list(iter_corpus(seed, n_docs, items_per_doc))
    data = [(d.full_annotation("gold"), d.full_annotation("pred"), d.text) for d in docs]
    notes: list[str] = []

    def quotes() -> None:
        for gold, pred, text in data:
            score_quotes(gold.quotes, pred.quotes, SpeakerResolver(gold), Paragraphs(text), text)

    def claims() -> None:
        for gold, pred, text in data:
            score_claims(gold.claims, pred.claims, SpeakerResolver(gold), Paragraphs(text))

    timings: dict[str, Timing | None] = {}
    for name, call in (("quotes", quotes), ("claims", claims)):
        per_doc = (projected or {}).get(name)
        if per_doc is not None and per_doc * n_docs > max_seconds:
            timings[name] = None
            notes.append(f"{name} not run: projected {per_doc * n_docs:.0f} s > {max_seconds:g} s")
            continue
        timings[name], _ = best_of(call, repeat, budget=max_seconds / 4)
    return LayerTiming(
        documents=n_docs,
        items=sum(len(d.gold) for d in docs),
        quotes=timings["quotes"],
        claims=timings["claims"],
        note="; ".join(notes),
    )


# --- growth and streaming ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScalingRow:
    """One document count: in-memory and streamed scoring, each in a fresh process."""

    documents: int
    gold_mentions: int
    in_memory_seconds: float
    in_memory_rss_growth_mib: float
    stream_read_seconds: float
    stream_score_seconds: float
    stream_rss_growth_mib: float
    base_rss_mib: float
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ms_per_1k_mentions(self) -> float:
        """In-memory scoring time per 1,000 gold mentions, in milliseconds."""
        return self.in_memory_seconds * 1000 / (self.gold_mentions / 1000)


def write_predictions(folder: Path, seed: int, documents: int, mentions_per_doc: int) -> None:
    """Write the synthetic predictions as one interchange-format JSON file per document."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in iter_corpus(seed, documents, mentions_per_doc):
        path = folder / f"{doc.doc_id}.json"
        path.write_text(dump_json(annotation_to_json(doc.annotation("pred"))), encoding="utf-8")


def _proc_status_mib(field_name: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux ``/proc/self/clear_refs``); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def current_rss_mib() -> float:
    """Resident memory now (MiB); falls back to the peak where /proc is missing."""
    value = _proc_status_mib("VmRSS")
    return value if value is not None else peak_rss_mib()


def peak_rss_mib() -> float:
    """Peak resident memory (MiB): ``VmHWM`` on Linux, else ``ru_maxrss``."""
    value = _proc_status_mib("VmHWM")
    if value is not None:
        return value
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / (1024 * 1024)


def scoring_pass(
    mode: str, seed: int, documents: int, mentions_per_doc: int, folder: str
) -> dict[str, float]:
    """Score ``documents`` synthetic documents in this process; return times and peak memory.

    ``mode="memory"``: the whole corpus is built in memory, then scored.
    ``mode="stream"``: gold is generated and predictions read (schema-checked, with
    :func:`read_annotation`) one document at a time while the scorer consumes them.
    Meant to run in a fresh process (:func:`run_scoring_pass`) so the peak RSS is its own.
    """
    from .._scoring._entities import count_entity_schemes

    # Warm up first (imports, including scipy and jsonschema), so the RSS growth is the pass's.
    count_entity_schemes([(d.gold, d.pred) for d in iter_corpus(seed + 1, 4, mentions_per_doc)])
    root = Path(folder)
    if mode == "stream":
        read_annotation(root / f"{make_doc(seed, 0, mentions_per_doc).doc_id}.json")
    reset_peak_rss()
    base = current_rss_mib()
    spent = {"read": 0.0, "generate": 0.0}

    def stream() -> Iterator[tuple[Sequence[EntityKey], Sequence[EntityKey]]]:
        for index in range(documents):
            start = time.perf_counter()
            doc = make_doc(seed, index, mentions_per_doc)
            middle = time.perf_counter()
            pred = read_annotation(root / f"{doc.doc_id}.json")
            keys = [(e.start, e.end, e.type) for e in pred.entities]
            spent["generate"] += middle - start
            spent["read"] += time.perf_counter() - middle
            yield doc.gold, keys

    if mode == "memory":
        pairs = [(d.gold, d.pred) for d in iter_corpus(seed, documents, mentions_per_doc)]
        start = time.perf_counter()
        count_entity_schemes(pairs)
        total = time.perf_counter() - start
        return {"seconds": total, "base_rss_mib": base, "rss_growth_mib": peak_rss_mib() - base}
    start = time.perf_counter()
    count_entity_schemes(stream())
    total = time.perf_counter() - start
    # Generating the gold stands in for reading it: timed apart and left out of both figures.
    return {
        "read_seconds": spent["read"],
        "score_seconds": total - spent["read"] - spent["generate"],
        "base_rss_mib": base,
        "rss_growth_mib": peak_rss_mib() - base,
    }


def _child_main() -> None:  # pragma: no cover - runs in a subprocess
    args = json.loads(sys.argv[1])
    print(json.dumps(scoring_pass(**args)))


def run_scoring_pass(
    mode: str, seed: int, documents: int, mentions_per_doc: int, folder: Path
) -> dict[str, float]:
    """:func:`scoring_pass` in a fresh interpreter (so its peak RSS is this pass's alone)."""
    args = {
        "mode": mode,
        "seed": seed,
        "documents": documents,
        "mentions_per_doc": mentions_per_doc,
        "folder": str(folder),
    }
    code = "from benchmark._perf._scorers import _child_main; _child_main()"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_scaling(
    seed: int, document_counts: Sequence[int], mentions_per_doc: int, folder: Path
) -> list[ScalingRow]:
    """In-memory and streamed scoring at each document count, each pass in its own process."""
    counts = sorted(set(document_counts))
    write_predictions(folder, seed, max(counts), mentions_per_doc)
    rows = []
    for documents in counts:
        memory = run_scoring_pass("memory", seed, documents, mentions_per_doc, folder)
        streamed = run_scoring_pass("stream", seed, documents, mentions_per_doc, folder)
        rows.append(
            ScalingRow(
                documents=documents,
                gold_mentions=documents * mentions_per_doc,
                in_memory_seconds=memory["seconds"],
                in_memory_rss_growth_mib=memory["rss_growth_mib"],
                stream_read_seconds=streamed["read_seconds"],
                stream_score_seconds=streamed["score_seconds"],
                stream_rss_growth_mib=streamed["rss_growth_mib"],
                base_rss_mib=streamed["base_rss_mib"],
            )
        )
    return rows
