"""The shortcuts of the scoring engine give exactly what the plain algorithms give.

- ``count_entity_schemes`` (counts only) against ``score_entities`` (the path with error lists
  that ``score_document`` and results.json use) and against the sum of ``match_entities``, on
  random adversarial documents: nested, empty, duplicated and identical spans; the per-type
  counts ``score_entities`` reads off the global matchings against matching each type alone.
- ``max_weight_matching`` (lone pairs, stars, the Python port of scipy's solver) against the
  plain algorithm (every component through ``scipy.optimize.linear_sum_assignment``), choice
  for choice, on random graphs full of ties; ``assign_max`` against scipy on random matrices.
- ``matching_size`` against ``max_weight_matching`` on random bipartite graphs; overlap pairs
  and their split into lone and tangled pairs against brute force.
- ``score_claims`` with its candidate prefilter against the same function fed the all-pairs
  weight table; ``normalize_answer`` against its plain definition; ``score_quotes``
  attribution against a brute-force all-pairs filter.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from benchmark._models import Annotation, Claim, Entity, Quote, Span, Speaker
from benchmark._scoring import _claims
from benchmark._scoring._batch import (
    entity_side,
    key_lists,
    match_entity_batch,
    score_entity_batch,
)
from benchmark._scoring._claims import claim_weight, normalize_answer, score_claims
from benchmark._scoring._entities import (
    SCHEMES,
    count_entity_schemes,
    match_entities,
    score_entities,
)
from benchmark._scoring._matching import (
    Edge,
    assign_max,
    lone_and_tangled,
    matching_size,
    max_weight_matching,
    overlap_pairs,
)
from benchmark._scoring._quotes import score_quotes
from benchmark._scoring._resolve import SpeakerResolver
from benchmark._scoring._results import Counts, Paragraphs

TYPES = ("PERSON", "ORG", "GPE")
TEXT = ("word " * 12 + "\n\n") * 4
Key = tuple[int, int, str]


def random_keys(rng: random.Random, n: int, length: int) -> list[Key]:
    keys: list[Key] = []
    for _ in range(n):
        start = rng.randint(0, length - 1)
        keys.append((start, start + rng.randint(0, 8), rng.choice(TYPES)))
        if keys and rng.random() < 0.15:
            keys.append(rng.choice(keys))  # a duplicate
    return keys


def random_document(rng: random.Random) -> tuple[list[Key], list[Key]]:
    length = rng.randint(1, 60)
    gold = random_keys(rng, rng.randint(0, 12), length)
    pred = random_keys(rng, rng.randint(0, 12), length)
    # Predictions near the gold: copies, retyped copies, shifted boundaries.
    for s, e, t in gold:
        roll = rng.random()
        if roll < 0.3:
            pred.append((s, e, t))
        elif roll < 0.45:
            pred.append((s, e, rng.choice(TYPES)))
        elif roll < 0.6:
            pred.append((max(0, s + rng.choice((-1, 1))), e + rng.choice((-1, 0, 1)), t))
    rng.shuffle(pred)
    return gold, pred


def entities(keys: list[Key]) -> list[Entity]:
    return [Entity(s, e, TEXT[s:e], t, None) for s, e, t in keys]  # type: ignore[arg-type]


def test_fast_counts_equal_full_path_on_random_documents() -> None:
    rng = random.Random(7)
    docs = [random_document(rng) for _ in range(3000)]
    totals = dict.fromkeys(SCHEMES, Counts(0.0, 0.0, 0.0))
    tangled = 0
    for gold, pred in docs:
        fast = count_entity_schemes([(gold, pred)])
        full = score_entities(entities(gold), entities(pred), Paragraphs(TEXT)).metrics
        for scheme in SCHEMES:
            assert fast[scheme] == full[scheme].counts, (scheme, gold, pred)
            tp = sum(e.primary for e in match_entities(gold, pred, scheme))
            assert fast[scheme] == Counts(tp, len(pred) - tp, len(gold) - tp)
            totals[scheme] = totals[scheme] + full[scheme].counts
        pairs = overlap_pairs([k[:2] for k in gold], [k[:2] for k in pred])
        tangled += len({g for g, _ in pairs}) < len(pairs)
    assert count_entity_schemes(docs) == totals
    assert tangled > 1000  # the matcher's hard case was exercised


def disjoint_keys(rng: random.Random, length: int) -> list[Key]:
    """Non-empty spans that do not overlap each other, in random order, with ties of IoU."""
    keys: list[Key] = []
    position = rng.randint(0, 3)
    while position < length - 1:
        end = min(length, position + rng.randint(1, 6))
        keys.append((position, end, rng.choice(TYPES)))
        position = end + rng.randint(0, 12)
    rng.shuffle(keys)
    return keys


def test_batch_scores_equal_one_document_at_a_time() -> None:
    # The batch engine (numpy over many documents; stars matched there, longer chains and
    # documents with overlapping or empty spans as one document is) against score_entities,
    # document by document: counts, paragraphs, error lists, per-type counts and confusion.
    rng = random.Random(23)
    texts = [Paragraphs(TEXT), Paragraphs("word " * 12)]
    golds: list[list[Entity]] = []
    preds: list[list[Entity]] = []
    paragraphs: list[Paragraphs] = []
    for _ in range(1500):
        if rng.random() < 0.8:
            gold, pred = disjoint_keys(rng, len(TEXT)), disjoint_keys(rng, len(TEXT))
        else:
            gold, pred = random_document(rng)
        ids = [None, "ann", "bob", "cy"]
        golds.append([Entity(s, e, TEXT[s:e], t, rng.choice(ids)) for s, e, t in gold])  # type: ignore[arg-type]
        preds.append(entities(pred))
        paragraphs.append(rng.choice(texts))
    batch = score_entity_batch(golds, preds, paragraphs)
    for gold, pred, paras, found in zip(golds, preds, paragraphs, batch, strict=True):
        assert found == score_entities(gold, pred, paras), (gold, pred)
    codes: dict[str, int] = {}
    match = match_entity_batch(
        entity_side(golds, codes), entity_side(preds, codes), key_lists(golds), key_lists(preds)
    )
    assert match.simple.sum() > 1000  # most documents went through the numpy path
    assert len(match.left) > 20  # and some chains were matched one by one
    without = score_entity_batch(golds, preds, paragraphs, errors=False)
    for full, counted in zip(batch, without, strict=True):
        assert counted.per_type == full.per_type and counted.confusion == full.confusion
        for scheme, result in full.metrics.items():
            lean = counted.metrics[scheme]
            assert (lean.counts, lean.by_paragraph) == (result.counts, result.by_paragraph)
    emptied = [
        not (result.false_positives or result.false_negatives)
        for found in without
        for result in found.metrics.values()
    ]
    assert sum(emptied) > sum(
        not (result.false_positives or result.false_negatives)
        for found in batch
        for result in found.metrics.values()
    )  # errors=False left error lists out, the counts unchanged


def test_per_type_counts_equal_matching_each_type_alone() -> None:
    rng = random.Random(17)
    for _ in range(2000):
        gold, pred = random_document(rng)
        per_type = score_entities(entities(gold), entities(pred), Paragraphs(TEXT)).per_type
        assert set(per_type) == {k[2] for k in gold + pred}
        for etype, schemes in per_type.items():
            g_sub = [k for k in gold if k[2] == etype]
            p_sub = [k for k in pred if k[2] == etype]
            for scheme in SCHEMES:
                tp = sum(e.primary for e in match_entities(g_sub, p_sub, scheme))
                expected = Counts(tp, len(p_sub) - tp, len(g_sub) - tp)
                assert schemes[scheme] == expected, (etype, scheme, gold, pred)


def test_partial_never_below_any_matching_of_one_and_half_credit() -> None:
    # The global optimum with same-span pairs weighing 1 and other overlaps 0.5, by brute force
    # through max_weight_matching, equals the fast path's exact-first count.
    rng = random.Random(11)
    for _ in range(1500):
        gold, pred = random_document(rng)
        edges = [
            Edge(g, p, 1.0 if gold[g][:2] == pred[p][:2] else 0.5)
            for g, p in overlap_pairs([k[:2] for k in gold], [k[:2] for k in pred])
        ]
        edges += [
            Edge(g, p, 1.0)
            for g in range(len(gold))
            for p in range(len(pred))
            if gold[g][:2] == pred[p][:2] and gold[g][1] <= gold[g][0]  # empty spans
        ]
        best = sum(e.primary for e in max_weight_matching(edges))
        assert count_entity_schemes([(gold, pred)])["partial"].tp == best, (gold, pred)


def test_matching_size_equals_max_weight_matching() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        n_gold, n_pred, density = rng.randint(0, 8), rng.randint(0, 8), rng.random()
        edges = [(g, p) for g in range(n_gold) for p in range(n_pred) if rng.random() < density]
        rng.shuffle(edges)
        chosen = max_weight_matching([Edge(g, p, 1.0) for g, p in edges])
        assert matching_size(edges) == len(chosen), edges


def reference_matching(
    edges: Sequence[Edge], gold_keys: Sequence[Any], pred_keys: Sequence[Any]
) -> set[tuple[int, int]]:
    """The plain algorithm: every connected component through scipy, rows and columns sorted by
    (key, index), weights primary + epsilon * secondary."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for e in edges:
        a, b = find((0, e.gold)), find((1, e.pred))
        if a != b:
            parent[a] = b
    groups: dict[tuple[int, int], list[Edge]] = {}
    for e in edges:
        groups.setdefault(find((0, e.gold)), []).append(e)
    chosen = set()
    for component in groups.values():
        golds = sorted({e.gold for e in component}, key=lambda i: (gold_keys[i], i))
        preds = sorted({e.pred for e in component}, key=lambda j: (pred_keys[j], j))
        epsilon = 0.25 / (min(len(golds), len(preds)) + 1)
        weights = np.zeros((len(golds), len(preds)))
        for e in component:
            weights[golds.index(e.gold), preds.index(e.pred)] = e.primary + epsilon * e.secondary
        for r, c in zip(*linear_sum_assignment(weights, maximize=True), strict=True):
            if weights[r, c] > 0:
                chosen.add((golds[r], preds[c]))
    return chosen


def random_tied_graph(rng: random.Random) -> tuple[list[Edge], list[int], list[int]]:
    """A random bipartite graph with few distinct weights and keys: ties everywhere."""
    n_gold, n_pred = rng.randint(1, 9), rng.randint(1, 9)
    if rng.random() < 0.05:
        n_gold, n_pred = rng.randint(15, 25), rng.randint(15, 25)  # past the Python solver
    density = rng.random()
    edges = [
        Edge(g, p, rng.choice((0.5, 1.0)), rng.choice((0.0, 0.25, 0.5, 1.0, 1 / 3, 2 / 3)))
        for g in range(n_gold)
        for p in range(n_pred)
        if rng.random() < density
    ]
    rng.shuffle(edges)
    gold_keys = [rng.randint(0, 3) for _ in range(n_gold)]
    pred_keys = [rng.randint(0, 3) for _ in range(n_pred)]
    return edges, gold_keys, pred_keys


def test_max_weight_matching_chooses_as_the_plain_algorithm() -> None:
    rng = random.Random(19)
    for _ in range(3000):
        edges, gold_keys, pred_keys = random_tied_graph(rng)
        chosen = max_weight_matching(edges, gold_keys.__getitem__, pred_keys.__getitem__)
        assert {(e.gold, e.pred) for e in chosen} == reference_matching(
            edges, gold_keys, pred_keys
        ), (edges, gold_keys, pred_keys)


def test_assign_max_equals_scipy_on_tied_matrices() -> None:
    rng = random.Random(23)
    for _ in range(20000):
        rows, cols = rng.randint(1, 7), rng.randint(1, 7)
        if rng.random() < 0.01:
            rows, cols = rng.randint(15, 30), rng.randint(15, 30)
        epsilon = 0.25 / (min(rows, cols) + 1)
        values = (0.0, 0.5, 1.0, 0.5 + epsilon / 3, 1.0 + epsilon / 2, 1.0 + epsilon)
        weights = [[rng.choice(values) for _ in range(cols)] for _ in range(rows)]
        expected = linear_sum_assignment(np.array(weights), maximize=True)
        assert assign_max(weights) == list(zip(*(a.tolist() for a in expected), strict=True))


def test_matching_size_long_chain_has_no_recursion_limit() -> None:
    n = 5000
    chain = [(i, i + 1) for i in range(n)] + [(i, i) for i in range(n)]
    assert matching_size(chain) == n
    assert matching_size([(0, p) for p in range(n)]) == 1


def random_intervals(rng: random.Random) -> list[tuple[int, int]]:
    if rng.random() < 0.5:
        return [k[:2] for k in random_keys(rng, rng.randint(0, 8), 30)]
    spans, position = [], rng.randint(0, 3)  # disjoint (the binary-search path)
    for _ in range(rng.randint(0, 8)):
        size = rng.randint(1, 4)
        spans.append((position, position + size))
        position += size + rng.randint(0, 2)
    rng.shuffle(spans)
    return spans


def test_overlap_pairs_equal_brute_force() -> None:
    rng = random.Random(3)
    for _ in range(4000):
        gold = random_intervals(rng)
        pred = random_intervals(rng)
        brute = sorted(
            (g, p)
            for g, (a, b) in enumerate(gold)
            for p, (c, d) in enumerate(pred)
            if min(b, d) > max(a, c)
        )
        assert overlap_pairs(gold, pred) == brute
        assert sorted(overlap_pairs(gold, pred, ordered=False)) == brute
        lone, tangled = lone_and_tangled(brute)
        assert {pair for pair in lone} == {
            (g, p)
            for g, p in brute
            if [q for _, q in brute].count(p) == 1 and [h for h, _ in brute].count(g) == 1
        }
        assert sorted(lone + tangled) == brute


WORDS = ("nato", "budget", "grow", "said", "the", "war", "talks", "", "!")


def random_claim(rng: random.Random, gold: bool) -> Claim:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))
    evidence: tuple[Span, ...] = ()
    if rng.random() < 0.6:
        start = rng.randint(0, 40)
        evidence = (Span(start, start + rng.randint(1, 6)),)
    paraphrases = (" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3))),) if gold else ()
    source = rng.choice(("author", "ann", "bob")) if gold else rng.choice(("Ann", "Bob", "x"))
    return Claim(text, source, "statement", paraphrases, evidence)


def all_pairs_weights(gold: list[Claim], pred: list[Claim]) -> dict[tuple[int, int], float]:
    return {
        (g, p): claim_weight(pred[p], gold[g]) for g in range(len(gold)) for p in range(len(pred))
    }


def test_claim_prefilter_gives_the_all_pairs_results(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(9)
    gold_ann = Annotation("d", "", speakers=(Speaker("Ann", "ann"), Speaker("Bob", "bob")))
    resolver = SpeakerResolver(gold_ann)
    paragraphs = Paragraphs(TEXT)
    cases = []
    for _ in range(600):
        gold = [random_claim(rng, True) for _ in range(rng.randint(0, 6))]
        pred = [random_claim(rng, False) for _ in range(rng.randint(0, 6))]
        cases.append((gold, pred, score_claims(gold, pred, resolver, paragraphs)))
    monkeypatch.setattr(_claims, "_candidate_weights", all_pairs_weights)
    matched = 0
    for gold, pred, fast in cases:
        reference = score_claims(gold, pred, resolver, paragraphs)
        assert fast == reference
        matched += int(fast["matched"].counts.tp)
    assert matched > 100


def plain_normalize_answer(text: str) -> tuple[str, ...]:
    no_punct = "".join(ch for ch in text.lower() if not unicodedata.category(ch).startswith("P"))
    return tuple(re.sub(r"\b(a|an|the)\b", " ", no_punct).split())


def test_normalize_answer_equals_its_plain_definition() -> None:
    rng = random.Random(29)
    pieces = [
        *("a", "an", "the", "The", "AN", "nato", "x_1", "_", "42", "Élan", "straße", "ǅ"),
        *(" ", " ", "\t", "\n", "\x1c", "\u00a0", "\u2003"),
        *(",", ".", "'", "’", "«", "—", "-", "(", "!", "$", "+", "<", "^", "`", "|", "~", "\u0301"),
    ]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert normalize_answer(text) == plain_normalize_answer(text), repr(text)


def test_quote_attribution_equals_all_pairs_filter() -> None:
    rng = random.Random(13)
    gold_ann = Annotation("d", "", speakers=(Speaker("Ann", "ann"), Speaker("Bob", "bob")))
    resolver = SpeakerResolver(gold_ann)
    paragraphs = Paragraphs(TEXT)
    attributed = 0
    for _ in range(500):
        gold = [
            Quote(s, s + rng.randint(1, 6), "q", "direct", rng.choice(("ann", "bob", None)))
            for s in (rng.randint(0, 40) for _ in range(rng.randint(0, 6)))
        ]
        pred = [
            Quote(s, s + rng.randint(1, 6), "q", "direct", rng.choice(("Ann", "Bob", "Zed", None)))
            for s in (rng.randint(0, 40) for _ in range(rng.randint(0, 6)))
        ]
        result = score_quotes(gold, pred, resolver, paragraphs, TEXT)["attribution"].counts
        # Brute force: all pairs with IoU >= 0.5 and the right speaker, maximum matching.
        edges = [
            Edge(g, p, 1.0, gold[g].span.iou(pred[p].span))
            for g in range(len(gold))
            for p in range(len(pred))
            if gold[g].span.iou(pred[p].span) >= 0.5
            and (
                resolver.resolve(pred[p].speaker, pred[p].speaker_span) == gold[g].speaker
                if gold[g].speaker is not None
                else pred[p].speaker is None
            )
        ]
        assert result.tp == len(max_weight_matching(edges))
        attributed += int(result.tp)
    assert attributed > 20
