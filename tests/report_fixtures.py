"""A hand-built run for the report tests: two invented articles, gold, predictions and run files.

The run is built as the typed models the reports read (:class:`~benchmark._formats.Results` and
one :class:`~benchmark._formats.DocumentDetail` per system and document); its counts come from
plain set arithmetic on offsets (no scoring engine), and the false positives/negatives are the
items. Two systems: ``rules`` and a hostile one whose output carries script and image injections,
whose display name is hostile HTML, and which has an error on the second article. In memory the
hostile system's very name is HTML too (:data:`HOSTILE_SYSTEM`, a name no run file can hold, to
check that the renderers escape names anyway); a run written to disk uses the legal
:data:`DISK_HOSTILE_SYSTEM`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from benchmark._formats import (
    BootstrapSettings,
    Breakdown,
    Confusion,
    DocumentDetail,
    EntityBreakdown,
    Macro,
    MetricDetail,
    MetricTotals,
    Provenance,
    Results,
    Scores,
    SystemProvenance,
)
from benchmark._gold import load_gold
from benchmark._io import write_annotation
from benchmark._models import (
    Annotation,
    Claim,
    Corpus,
    Document,
    Entity,
    Example,
    Quote,
    Span,
    Speaker,
    sha256_text,
)
from benchmark._run._files import RunFiles, write_results

HOSTILE_SYSTEM = "<img src=x onerror=\"document.body.id='pwned'\">"
DISK_HOSTILE_SYSTEM = "hostile.llm"
HOSTILE_SPEAKER = "<img src=y onerror=\"document.title='pwned'\">"
HOSTILE_ERROR = "<script>document.title='pwned'</script> model returned garbage"
HOSTILE_SKIP = "<b id=pwned>no endpoint</b> configured"
HOSTILE_PLATFORM = "linux <b id=pwned>x86_64</b>"
SECRET = "sk-secret-do-not-show"
NESTED_SECRET = "Bearer sk-nested-secret"

TEXT_A = (
    "Mayor Lena Ortiz said “the bridge will reopen in May” at City Hall in Valdor on Tuesday.\n\n"
    "The Harbor Council, led by Omar Reyes, disagreed. “We need more time,” Reyes told reporters."
)
TEXT_B = (
    "Valdor Times\n\nThe Harbor Council voted on Friday to fund the bridge. "
    "Omar Reyes called the vote “a fair compromise”.\n\n"
    'A reader wrote <script>document.title="pwned"</script> below the story & left.'
)
DOC_A, DOC_B = "a_bridge", "b_vote"
SCRIPT_TEXT = '<script>document.title="pwned"</script>'

Details = dict[str, dict[str, DocumentDetail]]
Item = dict[str, Any]
Tally = tuple[list[Item], list[Item], int]
"""One metric on one document: (false positives, false negatives, true positives)."""


def _span(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle))


def _ent(text: str, needle: str, etype: str, eid: str | None = None, nth: int = 0) -> Entity:
    s = _span(text, needle, nth)
    return Entity(s.start, s.end, needle, etype, eid)  # type: ignore[arg-type]


def _quote(text: str, needle: str, speaker: str | None) -> Quote:
    s = _span(text, needle)
    return Quote(s.start, s.end, needle, "direct", speaker)


def gold_corpus() -> Corpus:
    """The two gold examples."""
    a, b = TEXT_A, TEXT_B
    gold_a = Annotation(
        DOC_A,
        sha256_text(a),
        entities=(
            _ent(a, "Lena Ortiz", "PERSON", "lena-ortiz"),
            _ent(a, "May", "DATE", nth=1),
            _ent(a, "City Hall", "ORG", "city-hall"),
            _ent(a, "Valdor", "GPE", "valdor"),
            _ent(a, "Tuesday", "DATE"),
            _ent(a, "Harbor Council", "ORG", "harbor-council"),
            _ent(a, "Omar Reyes", "PERSON", "omar-reyes"),
            _ent(a, "Reyes", "PERSON", "omar-reyes", nth=1),
        ),
        speakers=(
            Speaker("Lena Ortiz", "lena-ortiz", ("Ortiz",), "mayor"),
            Speaker("Omar Reyes", "omar-reyes", ("Reyes",), None),
        ),
        quotes=(
            _quote(a, "the bridge will reopen in May", "lena-ortiz"),
            _quote(a, "We need more time", "omar-reyes"),
        ),
        claims=(
            Claim(
                "The bridge will reopen in May",
                "lena-ortiz",
                "plan",
                evidence=(_span(a, "the bridge will reopen in May"),),
            ),
        ),
    )
    gold_b = Annotation(
        DOC_B,
        sha256_text(b),
        entities=(
            _ent(b, "Valdor Times", "ORG", "valdor-times"),
            _ent(b, "Harbor Council", "ORG", "harbor-council"),
            _ent(b, "Friday", "DATE"),
            _ent(b, "Omar Reyes", "PERSON", "omar-reyes"),
        ),
        speakers=(Speaker("Omar Reyes", "omar-reyes", ("Reyes",), None),),
        quotes=(_quote(b, "a fair compromise", "omar-reyes"),),
        claims=(
            Claim(
                "The Harbor Council voted to fund the bridge",
                "author",
                "fact",
                evidence=(_span(b, "The Harbor Council voted on Friday to fund the bridge"),),
            ),
        ),
    )
    examples = (
        Example(Document(DOC_A, a), gold_a),
        Example(Document(DOC_B, b), gold_b),
    )
    return Corpus(examples, sha256="f" * 64)


def predictions(hostile: str = HOSTILE_SYSTEM) -> dict[str, dict[str, Annotation]]:
    """``predictions[system][doc_id]``; the hostile system has nothing for the second article."""
    a, b = TEXT_A, TEXT_B
    rules_a = Annotation(
        DOC_A,
        sha256_text(a),
        entities=(
            _ent(a, "Mayor Lena Ortiz", "PERSON"),  # wrong span: fp + fn
            _ent(a, "City Hall", "GPE"),  # wrong type: fp + fn
            _ent(a, "Valdor", "GPE"),
            _ent(a, "Valdor on Tuesday", "MISC"),  # crosses two gold spans: fp
            _ent(a, "Tuesday", "DATE"),
            _ent(a, "Harbor Council", "ORG"),
            _ent(a, "Omar Reyes", "PERSON"),
        ),
        speakers=(Speaker("Ortiz"),),
        quotes=(
            _quote(a, "the bridge will reopen in May", "Ortiz"),
            _quote(a, "We need more time", "the council"),  # wrong speaker
        ),
    )
    rules_b = Annotation(
        DOC_B,
        sha256_text(b),
        entities=(
            _ent(b, "Harbor Council", "ORG"),
            _ent(b, "Omar Reyes", "PERSON"),
            _ent(b, SCRIPT_TEXT, "MISC"),
        ),
        speakers=(Speaker(HOSTILE_SPEAKER),),
        quotes=(_quote(b, "a fair compromise", HOSTILE_SPEAKER),),
        claims=(Claim("<script>document.title='pwned'</script>", HOSTILE_SPEAKER, "fact"),),
    )
    hostile_a = Annotation(
        DOC_A,
        sha256_text(a),
        entities=(_ent(a, "Lena Ortiz", "PERSON"), _ent(a, "Omar Reyes", "PERSON")),
        quotes=(_quote(a, "We need more time", HOSTILE_SPEAKER),),
    )
    return {"rules": {DOC_A: rules_a, DOC_B: rules_b}, hostile: {DOC_A: hostile_a}}


def scores(tp: float, fp: float, fn: float) -> Scores:
    """Scores that agree with their counts (null where a denominator is zero)."""
    return msgspec.convert({**_prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn}, Scores)


def totals(tp: float, fp: float, fn: float, ci: tuple[float, float] | None = None) -> MetricTotals:
    """Corpus totals that agree with their counts, with an optional interval."""
    return MetricTotals(**_prf(tp, fp, fn), tp=tp, fp=fp, fn=fn, ci=ci)


def _prf(tp: float, fp: float, fn: float) -> dict[str, float | None]:
    return {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
    }


def _interval(f1: float | None) -> tuple[float, float] | None:
    """A made-up interval around F1 (the tests check it is shown, not how it is computed)."""
    return None if f1 is None else (round(max(0.0, f1 - 0.2), 4), round(min(1.0, f1 + 0.1), 4))


def _span_item(x: Entity | Quote) -> Item:
    item: Item = {"start": x.start, "end": x.end, "text": x.text}
    if isinstance(x, Entity):
        item["type"] = x.type
    else:
        item["kind"], item["speaker"] = x.kind, x.speaker
    return item


def _compare(
    gold: tuple[Entity | Quote, ...],
    pred: tuple[Entity | Quote, ...],
    key: Callable[[Any], Hashable],
) -> Tally:
    gold_keys = {key(g) for g in gold}
    pred_keys = {key(p) for p in pred}
    fps = [_span_item(p) for p in pred if key(p) not in gold_keys]
    fns = [_span_item(g) for g in gold if key(g) not in pred_keys]
    return fps, fns, len(gold_keys & pred_keys)


SPEAKER_IDS = {"Ortiz": "lena-ortiz", "Lena Ortiz": "lena-ortiz", "Reyes": "omar-reyes"}


def _tallies(gold: Annotation, pred: Annotation) -> dict[str, dict[str, Tally]]:
    """Every metric of the hand-built run on one document: layer -> metric -> tally."""

    def resolved(q: Quote) -> tuple[int, int, str | None]:
        return (q.start, q.end, SPEAKER_IDS.get(q.speaker or "", q.speaker))

    gold_ids = {s.entity_id for s in gold.speakers}
    pred_ids = {SPEAKER_IDS.get(s.name, s.name) for s in pred.speakers}
    speakers: Tally = (
        [
            {"name": s.name}
            for s in pred.speakers
            if SPEAKER_IDS.get(s.name, s.name) not in gold_ids
        ],
        [{"id": s.entity_id, "name": s.name} for s in gold.speakers if s.entity_id not in pred_ids],
        len(gold_ids & pred_ids),
    )
    claims: Tally = (
        [{"text": c.text, "source": c.source} for c in pred.claims],
        [{"text": c.text, "source": c.source} for c in gold.claims],
        0,
    )
    return {
        "entities": {
            "strict": _compare(gold.entities, pred.entities, lambda e: (e.start, e.end, e.type)),
            "exact": _compare(gold.entities, pred.entities, lambda e: (e.start, e.end)),
        },
        "quotes": {
            "overlap": _compare(gold.quotes, pred.quotes, lambda q: (q.start, q.end)),
            "attribution": _compare(gold.quotes, pred.quotes, resolved),
        },
        "speakers": {"set": speakers},
        "claims": {"matched": claims},
    }


def _system_details(
    corpus: Corpus, system: str, preds: Mapping[str, Annotation], skip: set[str]
) -> dict[str, DocumentDetail]:
    """One system's details on every document it was scored on (missing predictions: empty)."""
    out = {}
    for doc_id in corpus.doc_ids:
        if doc_id in skip:
            continue
        gold = corpus[doc_id].annotation
        pred = preds.get(doc_id, Annotation(doc_id, gold.text_sha256))
        metrics = {
            layer: {
                metric: MetricDetail(
                    counts=(tp, len(fps), len(fns)),
                    paragraphs=[(tp, len(fps), len(fns))],
                    false_positives=fps,
                    false_negatives=fns,
                )
                for metric, (fps, fns, tp) in by_metric.items()
            }
            for layer, by_metric in _tallies(gold, pred).items()
        }
        out[doc_id] = DocumentDetail(system=system, doc_id=doc_id, metrics=metrics)  # type: ignore[arg-type]
    return out


def _system_totals(by_doc: Mapping[str, DocumentDetail]) -> dict[str, dict[str, MetricTotals]]:
    """A system's corpus totals: the sums of its per-document counts."""
    summed: dict[str, dict[str, list[float]]] = {}
    for detail in by_doc.values():
        for layer, by_metric in detail.metrics.items():
            for metric, found in by_metric.items():
                counts = summed.setdefault(layer, {}).setdefault(metric, [0.0, 0.0, 0.0])
                for i, value in enumerate(found.counts):
                    counts[i] += value
    out: dict[str, dict[str, MetricTotals]] = {}
    for layer, by_metric in summed.items():
        for metric, (tp, fp, fn) in by_metric.items():
            f1 = _prf(tp, fp, fn)["f1"]
            out.setdefault(layer, {})[metric] = totals(tp, fp, fn, _interval(f1))
    return out


def make_details(corpus: Corpus | None = None, hostile: str = HOSTILE_SYSTEM) -> Details:
    """``details[system][doc_id]`` of the hand-built run (the hostile system failed on DOC_B)."""
    corpus = corpus or gold_corpus()
    preds = predictions(hostile)
    return {
        "rules": _system_details(corpus, "rules", preds["rules"], set()),
        hostile: _system_details(corpus, hostile, preds[hostile], {DOC_B}),
    }


def make_results(corpus: Corpus | None = None, hostile: str = HOSTILE_SYSTEM) -> Results:
    """The results of the hand-built run, consistent with :func:`make_details`."""
    corpus = corpus or gold_corpus()
    details = make_details(corpus, hostile)
    person, date = scores(2, 2, 3), scores(1, 0, 2)
    return Results(
        format_version="2.0",
        provenance=Provenance(
            package_version="0.1.0",
            git_commit="0123456789abcdef0123456789abcdef01234567",
            gold_sha256=corpus.sha256,
            gold_dir=None,
            timestamp="2025-01-02T03:04:05Z",
            python="3.11.7",
            platform=HOSTILE_PLATFORM,
            bootstrap=BootstrapSettings(samples=1000, seed=0, unit="paragraph"),
            systems={
                "rules": SystemProvenance(
                    adapter="rules",
                    version="1",
                    config={
                        "api_key": SECRET,
                        "temperature": 0.25,
                        "headers": {"Authorization": NESTED_SECRET},
                    },
                    config_hash="abc123",
                    source="built-in",
                    display_name="Rules baseline",
                ),
                hostile: SystemProvenance(
                    adapter="llm",
                    version="2",
                    config={"model": "<script>x</script>"},
                    config_hash="def456",
                    source="systems/",
                    display_name=HOSTILE_SPEAKER,
                ),
            },
        ),
        documents=[DOC_A, DOC_B],
        results={system: _system_totals(by_doc) for system, by_doc in details.items()},
        breakdown={
            "rules": Breakdown(
                EntityBreakdown(
                    per_type={"PERSON": {"strict": person}, "DATE": {"strict": date}},
                    macro={
                        "strict": Macro(
                            precision=(1.0 + 0.5) / 2,
                            recall=(0.4 + 1 / 3) / 2,
                            f1=(4 / 9 + 0.5) / 2,
                        )
                    },
                    confusion=Confusion(
                        labels=["PERSON", "ORG", "GPE", "DATE"],
                        matrix=[[3, 0, 0, 0], [0, 2, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                    ),
                )
            )
        },
        errors={hostile: {DOC_B: HOSTILE_ERROR}},
        skipped={"llm-remote": HOSTILE_SKIP},
        usage={
            hostile: {
                "requests": 2,
                "cached": 1,
                "prompt_tokens": 12345,
                "completion_tokens": 678,
                "cost_usd": 0.01234,
            }
        },
    )


def replace_totals(
    results: Results, system: str, layer: str, metric: str, new: MetricTotals
) -> Results:
    """``results`` with one metric's totals replaced (the models are frozen)."""
    table = {
        s: {la: dict(by_m) for la, by_m in by_l.items()} for s, by_l in results.results.items()
    }
    table[system][layer][metric] = new  # type: ignore[index]
    return msgspec.structs.replace(results, results=table)


def with_gold(results: Results, gold_dir: Path) -> Results:
    """``results`` scored on the gold folder ``gold_dir`` (its path and sha256 recorded)."""
    provenance = msgspec.structs.replace(
        results.provenance, gold_dir=str(gold_dir), gold_sha256=load_gold(gold_dir).sha256
    )
    return msgspec.structs.replace(results, provenance=provenance)


def write_run(root: Path) -> tuple[Path, Path]:
    """Write a gold folder and a run folder (results.json, details.jsonl and predictions/)
    under ``root``, with the legal :data:`DISK_HOSTILE_SYSTEM` name."""
    corpus = gold_corpus()
    gold_dir = root / "gold"
    (gold_dir / "articles").mkdir(parents=True)
    for example in corpus:
        (gold_dir / "articles" / f"{example.doc_id}.txt").write_bytes(
            example.document.text.encode("utf-8")
        )
        write_annotation(gold_dir / "annotations" / f"{example.doc_id}.json", example.annotation)
    run_dir = root / "run"
    for system, by_doc in predictions(DISK_HOSTILE_SYSTEM).items():
        for doc_id, annotation in by_doc.items():
            write_annotation(run_dir / "predictions" / system / f"{doc_id}.json", annotation)
    results = with_gold(make_results(corpus, DISK_HOSTILE_SYSTEM), gold_dir)
    details = make_details(corpus, DISK_HOSTILE_SYSTEM)
    write_results(run_dir, results, [d for by_doc in details.values() for d in by_doc.values()])
    return gold_dir, run_dir


def run_files(gold_dir: Path, run_dir: Path) -> RunFiles:
    """The run :func:`write_run` wrote, built again in memory (for ``write_reports``)."""
    corpus = gold_corpus()
    results = with_gold(make_results(corpus, DISK_HOSTILE_SYSTEM), gold_dir)
    return RunFiles(run_dir, results, make_details(corpus, DISK_HOSTILE_SYSTEM))
