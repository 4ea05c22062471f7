"""Differential tests of the entity schemes against seqeval 1.2.2 and nervaluate 1.2.1.

What we found in nervaluate 1.2.1's source (``nervaluate/strategies.py``, ``evaluator.py``):

- **Partial-credit aggregation is fixed.** Older releases recomputed the overall ``partial``
  metrics without the 0.5 credit when merging documents; 1.2.1's ``Evaluator._merge_results``
  calls ``compute_metrics(partial_or_type=True)`` for ``partial`` and ``ent_type``, so summing
  per-document counts agrees with us (``test_nervaluate_partial_credit_aggregates``).
- **Greedy, order-dependent matching still exists.** Every strategy walks predictions in list
  order and lets the first overlapping gold span be consumed ("incorrect"/"partial"), even when a
  later prediction matches that gold span exactly. With overlapping candidates its counts are a
  feasible but not maximal matching and change when predictions are reordered
  (``test_nervaluate_greedy_order_dependence``). The randomised comparison therefore asserts
  equality only where no such conflict exists (every connected component of the gold/prediction
  overlap graph is one pair or a single item) and ``ours >= nervaluate`` everywhere else.
- nervaluate's ends are inclusive: our half-open ``[start, end)`` is passed as ``end - 1``.
  Undefined ratios are 0 in nervaluate and seqeval, None (null) in ours: compared as 0.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from nervaluate import Evaluator
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from benchmark._scoring import count_entity_schemes, match_entities
from benchmark._scoring._matching import overlap_pairs
from benchmark._scoring._results import Counts

Key = tuple[int, int, str]
TYPES = ("PER", "ORG", "LOC")
NERVALUATE_SCHEME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def token_spans(rng: random.Random, length: int) -> list[Key]:
    """Non-overlapping token spans over ``length`` tokens."""
    spans, pos = [], 0
    while pos < length:
        pos += rng.randint(0, 3)
        size = rng.randint(1, 4)
        if pos + size > length:
            break
        spans.append((pos, pos + size, rng.choice(TYPES)))
        pos += size
    return spans


def perturb(rng: random.Random, gold: list[Key], length: int) -> list[Key]:
    """Predictions near the gold: kept, shifted, retyped, dropped; then made non-overlapping."""
    pred: list[Key] = []
    for s, e, t in gold:
        if rng.random() < 0.15:
            continue
        s = min(length - 1, max(0, s + rng.choice((0, 0, 0, -1, 1))))
        e = min(length, max(s + 1, e + rng.choice((0, 0, 0, -1, 1))))
        pred.append((s, e, t if rng.random() < 0.8 else rng.choice(TYPES)))
    if rng.random() < 0.5:
        pred += token_spans(rng, length)[:2]
    pred.sort()
    kept: list[Key] = []
    for span in pred:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def iob2(spans: Sequence[Key], length: int) -> list[str]:
    tags = ["O"] * length
    for s, e, t in spans:
        tags[s] = f"B-{t}"
        for i in range(s + 1, e):
            tags[i] = f"I-{t}"
    return tags


def as_zero(value: float | None) -> float:
    return 0.0 if value is None else value


def tagged_corpus(
    rng: random.Random, size: int = 20
) -> tuple[list[tuple[list[Key], list[Key]]], list[list[str]], list[list[str]]]:
    """``size`` random documents as span pairs, and the same as gold and predicted IOB2 tags."""
    docs, y_true, y_pred = [], [], []
    for _ in range(size):
        length = rng.randint(1, 40)
        gold = token_spans(rng, length)
        pred = perturb(rng, gold, length)
        docs.append((gold, pred))
        y_true.append(iob2(gold, length))
        y_pred.append(iob2(pred, length))
    return docs, y_true, y_pred


def test_strict_equals_seqeval_strict_iob2() -> None:
    rng = random.Random(1)
    for _ in range(150):
        docs, y_true, y_pred = tagged_corpus(rng)
        ours = count_entity_schemes(docs)["strict"]
        kw = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
        assert as_zero(ours.precision) == pytest.approx(precision_score(y_true, y_pred, **kw))
        assert as_zero(ours.recall) == pytest.approx(recall_score(y_true, y_pred, **kw))
        assert as_zero(ours.f1) == pytest.approx(f1_score(y_true, y_pred, **kw))


def test_strict_equals_conlleval_semantics() -> None:
    """seqeval's default mode reproduces conlleval (CoNLL-2000's perl script): a chunk also starts
    at an ``I-`` after ``O`` or after another type. Span-derived IOB2 never holds such tags, so on
    spans conlleval and strict IOB2 agree, and both equal our ``strict``; the last check shows the
    two tag readings do differ on an ill-formed sequence, which our span format cannot express.
    """
    rng = random.Random(2)
    for _ in range(100):
        docs, y_true, y_pred = tagged_corpus(rng)
        ours = count_entity_schemes(docs)["strict"]
        assert as_zero(ours.f1) == pytest.approx(f1_score(y_true, y_pred, zero_division=0))
    ill_formed = [["O", "I-PER", "I-PER"]]
    assert f1_score([["O", "B-PER", "I-PER"]], ill_formed) == 1.0  # conlleval: I- opens a chunk
    strict = f1_score([["O", "B-PER", "I-PER"]], ill_formed, mode="strict", scheme=IOB2)
    assert strict == 0.0


def nervaluate_counts(docs: Sequence[tuple[list[Key], list[Key]]]) -> dict[str, Counts]:
    """nervaluate's figures turned into our tp/fp/fn."""

    def dicts(spans: list[Key]) -> list[dict[str, object]]:
        return [{"label": t, "start": s, "end": e - 1} for s, e, t in spans]

    true = [dicts(g) for g, _ in docs]
    pred = [dicts(p) for _, p in docs]
    results = Evaluator(true, pred, tags=list(TYPES), loader="dict").evaluate()["overall"]
    out = {}
    for ours, theirs in NERVALUATE_SCHEME.items():
        r = results[theirs]
        tp = r.correct + 0.5 * r.partial
        out[ours] = Counts(tp, r.actual - tp, r.possible - tp)
        assert r.precision == pytest.approx(as_zero(out[ours].precision))
        assert r.recall == pytest.approx(as_zero(out[ours].recall))
    return out


def conflict_free(gold: list[Key], pred: list[Key]) -> bool:
    """True when no gold span overlaps two predictions and no prediction two gold spans."""
    pairs = overlap_pairs([k[:2] for k in gold], [k[:2] for k in pred])
    golds = [g for g, _ in pairs]
    preds = [p for _, p in pairs]
    return len(set(golds)) == len(golds) and len(set(preds)) == len(preds)


def test_schemes_equal_nervaluate_where_it_is_right() -> None:
    rng = random.Random(2)
    compared = conflicting = 0
    for _ in range(3000):
        length = rng.randint(1, 40)
        gold = token_spans(rng, length)
        pred = perturb(rng, gold, length)
        ours = count_entity_schemes([(gold, pred)])
        theirs = nervaluate_counts([(gold, pred)])
        for scheme in NERVALUATE_SCHEME:
            if conflict_free(gold, pred):
                assert ours[scheme] == theirs[scheme], (scheme, gold, pred)
            else:
                assert ours[scheme].tp >= theirs[scheme].tp, (scheme, gold, pred)
        compared += 1
        conflicting += not conflict_free(gold, pred)
    assert compared == 3000 and 0 < conflicting < compared


def test_micro_over_documents_equals_nervaluate() -> None:
    rng = random.Random(3)
    docs: list[tuple[list[Key], list[Key]]] = []
    while len(docs) < 500:
        length = rng.randint(1, 40)
        gold = token_spans(rng, length)
        pred = perturb(rng, gold, length)
        if conflict_free(gold, pred):
            docs.append((gold, pred))
    ours = count_entity_schemes(docs)
    theirs = nervaluate_counts(docs)
    for scheme in NERVALUATE_SCHEME:
        assert ours[scheme] == theirs[scheme]
        assert as_zero(ours[scheme].f1) == pytest.approx(as_zero(theirs[scheme].f1))


def test_per_type_equals_nervaluate_entities() -> None:
    rng = random.Random(4)
    for _ in range(300):
        length = rng.randint(1, 40)
        gold = token_spans(rng, length)
        pred = perturb(rng, gold, length)
        if not conflict_free(gold, pred):
            continue
        true = [[{"label": t, "start": s, "end": e - 1} for s, e, t in gold]]
        guess = [[{"label": t, "start": s, "end": e - 1} for s, e, t in pred]]
        per_tag = Evaluator(true, guess, tags=list(TYPES), loader="dict").evaluate()["entities"]
        for tag, schemes in per_tag.items():
            g = [k for k in gold if k[2] == tag]
            p = [k for k in pred if k[2] == tag]
            for ours, theirs in NERVALUATE_SCHEME.items():
                tp = sum(e.primary for e in match_entities(g, p, ours))
                assert tp == schemes[theirs].correct + 0.5 * schemes[theirs].partial


def test_nervaluate_partial_credit_aggregates() -> None:
    # Two documents, each with one half-credit match: the aggregate keeps the 0.5 credit.
    docs = [([(0, 3, "PER")], [(1, 3, "PER")]), ([(0, 3, "ORG")], [(0, 2, "ORG")])]
    theirs = nervaluate_counts(docs)["partial"]
    assert theirs == Counts(1.0, 1.0, 1.0) == count_entity_schemes(docs)["partial"]


def test_nervaluate_greedy_order_dependence() -> None:
    # Known bug (still in 1.2.1): a prediction that merely overlaps a gold span consumes it, so
    # a later prediction with exactly that span is counted spurious; reordering changes it.
    gold = [(0, 3, "PER")]
    overlapping_first = [(0, 5, "PER"), (0, 3, "PER")]
    exact_first = [(0, 3, "PER"), (0, 5, "PER")]
    first = nervaluate_counts([(gold, overlapping_first)])
    second = nervaluate_counts([(gold, exact_first)])
    assert first["strict"].tp == 0 and second["strict"].tp == 1
    assert first["partial"].tp == 0.5 and second["partial"].tp == 1
    for order in (overlapping_first, exact_first):
        ours = count_entity_schemes([(gold, order)])
        assert ours["strict"] == ours["exact"] == ours["partial"] == Counts(1, 1, 0)
