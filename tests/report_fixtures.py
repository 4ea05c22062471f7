"""A hand-built run for the report tests: two invented articles, gold, predictions and results.

The results dict follows the results.json contract; its counts are computed here by plain set
arithmetic on offsets (no scoring engine), and the false positives/negatives are the items.
Two systems: ``rules`` and a system whose very name is hostile HTML, whose output carries
script and image injections, and which has an error on the second article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmark._gold import load_gold
from benchmark._io import write_annotation, write_json
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

HOSTILE_SYSTEM = "<img src=x onerror=\"document.body.id='pwned'\">"
HOSTILE_SPEAKER = "<img src=y onerror=\"document.title='pwned'\">"
HOSTILE_ERROR = "<script>document.title='pwned'</script> model returned garbage"
HOSTILE_SKIP = "<b id=pwned>no endpoint</b> configured"

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


def predictions() -> dict[str, dict[str, Annotation]]:
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
    return {"rules": {DOC_A: rules_a, DOC_B: rules_b}, HOSTILE_SYSTEM: {DOC_A: hostile_a}}


def _prf(tp: float, fp: float, fn: float) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {"precision": p, "recall": r, "f1": f1}


def _metric(
    per_doc: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], int]],
) -> dict[str, Any]:
    """A metric cell from per-document (false positives, false negatives, tp)."""
    per_document = {}
    tp = fp = fn = 0
    for doc_id, (fps, fns, tps) in per_doc.items():
        per_document[doc_id] = {
            "tp": tps,
            "fp": len(fps),
            "fn": len(fns),
            **_prf(tps, len(fps), len(fns)),
            "false_positives": fps,
            "false_negatives": fns,
        }
        tp, fp, fn = tp + tps, fp + len(fps), fn + len(fns)
    cell: dict[str, Any] = {**_prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn}
    f1 = cell["f1"]
    cell["ci"] = (
        None if f1 is None else [round(max(0.0, f1 - 0.2), 4), round(min(1.0, f1 + 0.1), 4)]
    )
    cell["per_document"] = per_document
    return cell


def _span_item(x: Entity | Quote) -> dict[str, Any]:
    item: dict[str, Any] = {"start": x.start, "end": x.end, "text": x.text}
    if isinstance(x, Entity):
        item["type"] = x.type
    else:
        item["kind"], item["speaker"] = x.kind, x.speaker
    return item


def _compare(
    gold: tuple[Any, ...], pred: tuple[Any, ...], key: Any
) -> tuple[list[Any], list[Any], int]:
    gold_keys = {key(g) for g in gold}
    pred_keys = {key(p) for p in pred}
    fps = [_span_item(p) for p in pred if key(p) not in gold_keys]
    fns = [_span_item(g) for g in gold if key(g) not in pred_keys]
    return fps, fns, len(gold_keys & pred_keys)


SPEAKER_IDS = {"Ortiz": "lena-ortiz", "Lena Ortiz": "lena-ortiz", "Reyes": "omar-reyes"}


def _system_results(corpus: Corpus, preds: dict[str, Annotation], skip: set[str]) -> dict[str, Any]:
    docs = [d for d in corpus.doc_ids if d not in skip]
    empty = {d: Annotation(d, corpus[d].annotation.text_sha256) for d in docs}
    p = {d: preds.get(d, empty[d]) for d in docs}
    g = {d: corpus[d].annotation for d in docs}

    def resolved(q: Quote) -> tuple[int, int, str | None]:
        return (q.start, q.end, SPEAKER_IDS.get(q.speaker or "", q.speaker))

    def speakers(d: str) -> tuple[list[Any], list[Any], int]:
        gold_ids = {s.entity_id for s in g[d].speakers}
        pred_ids = {SPEAKER_IDS.get(s.name, s.name) for s in p[d].speakers}
        fps = [
            {"name": s.name}
            for s in p[d].speakers
            if SPEAKER_IDS.get(s.name, s.name) not in gold_ids
        ]
        fns = [
            {"id": s.entity_id, "name": s.name}
            for s in g[d].speakers
            if s.entity_id not in pred_ids
        ]
        return fps, fns, len(gold_ids & pred_ids)

    def claims(d: str) -> tuple[list[Any], list[Any], int]:
        fps = [{"text": c.text, "source": c.source} for c in p[d].claims]
        fns = [{"text": c.text, "source": c.source} for c in g[d].claims]
        return fps, fns, 0

    strict = lambda e: (e.start, e.end, e.type)  # noqa: E731
    exact = lambda e: (e.start, e.end)  # noqa: E731
    return {
        "entities": {
            "strict": _metric({d: _compare(g[d].entities, p[d].entities, strict) for d in docs}),
            "exact": _metric({d: _compare(g[d].entities, p[d].entities, exact) for d in docs}),
        },
        "quotes": {
            "overlap": _metric({d: _compare(g[d].quotes, p[d].quotes, exact) for d in docs}),
            "attribution": _metric({d: _compare(g[d].quotes, p[d].quotes, resolved) for d in docs}),
        },
        "speakers": {"set": _metric({d: speakers(d) for d in docs})},
        "claims": {"matched": _metric({d: claims(d) for d in docs})},
    }


def make_results(corpus: Corpus | None = None) -> dict[str, Any]:
    """The results dict of the hand-built run, in the results.json contract's shape."""
    corpus = corpus or gold_corpus()
    preds = predictions()
    results = {
        "rules": _system_results(corpus, preds["rules"], set()),
        HOSTILE_SYSTEM: _system_results(corpus, preds[HOSTILE_SYSTEM], {DOC_B}),
    }
    return {
        "format_version": "1.0",
        "provenance": {
            "package_version": "0.1.0",
            "git_commit": "0123456789abcdef0123456789abcdef01234567",
            "gold_sha256": corpus.sha256,
            "gold_dir": None,
            "timestamp": "2025-01-02T03:04:05Z",
            "python": "3.11.7",
            "platform": "Linux",
            "bootstrap": {"samples": 1000, "seed": 0, "unit": "paragraph"},
            "systems": {
                "rules": {
                    "adapter": "rules",
                    "version": "1",
                    "config": {"api_key": "sk-secret-do-not-show", "max_tokens": 5},
                    "config_hash": "abc123",
                    "source": "built-in",
                    "display_name": "Rules baseline",
                },
                HOSTILE_SYSTEM: {
                    "adapter": "llm",
                    "version": "2",
                    "config": {"model": "<script>x</script>"},
                    "config_hash": "def456",
                    "source": "systems/",
                    "display_name": HOSTILE_SPEAKER,
                },
            },
        },
        "documents": [DOC_A, DOC_B],
        "results": results,
        "breakdown": {
            "rules": {
                "entities": {
                    "per_type": {
                        "PERSON": {
                            "strict": {
                                "precision": 0.5,
                                "recall": 0.4,
                                "f1": 0.444,
                                "tp": 2,
                                "fp": 2,
                                "fn": 3,
                            }
                        },
                        "DATE": {
                            "strict": {
                                "precision": 1.0,
                                "recall": 0.333,
                                "f1": 0.5,
                                "tp": 1,
                                "fp": 0,
                                "fn": 2,
                            }
                        },
                    },
                    "macro": {"strict": {"precision": 0.75, "recall": 0.367, "f1": 0.472}},
                    "confusion": {
                        "labels": ["PERSON", "ORG", "GPE", "DATE"],
                        "matrix": [[3, 0, 0, 0], [0, 2, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                    },
                }
            }
        },
        "errors": {HOSTILE_SYSTEM: {DOC_B: HOSTILE_ERROR}},
        "skipped": {"llm-remote": HOSTILE_SKIP},
        "usage": {
            HOSTILE_SYSTEM: {
                "requests": 2,
                "cached": 1,
                "prompt_tokens": 12345,
                "completion_tokens": 678,
                "cost_usd": 0.01234,
            }
        },
    }


def write_run(root: Path) -> tuple[Path, Path]:
    """Write a gold folder and a run folder (results.json + predictions/) under ``root``."""
    corpus = gold_corpus()
    gold_dir = root / "gold"
    (gold_dir / "articles").mkdir(parents=True)
    for example in corpus:
        (gold_dir / "articles" / f"{example.doc_id}.txt").write_bytes(
            example.document.text.encode("utf-8")
        )
        write_annotation(gold_dir / "annotations" / f"{example.doc_id}.json", example.annotation)
    run_dir = root / "run"
    for system, by_doc in predictions().items():
        for doc_id, annotation in by_doc.items():
            write_annotation(run_dir / "predictions" / system / f"{doc_id}.json", annotation)
    results = make_results(corpus)
    results["provenance"]["gold_dir"] = str(gold_dir)
    results["provenance"]["gold_sha256"] = load_gold(gold_dir).sha256
    write_json(run_dir / "results.json", results)
    return gold_dir, run_dir
