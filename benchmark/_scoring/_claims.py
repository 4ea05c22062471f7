"""Claim scoring: ``matched`` and ``attributed``, with the deterministic token-F1 matcher.

- Eligibility gate: when both the predicted and the gold claim give evidence spans, they must
  overlap; otherwise the predicted text's best token F1 against the gold text and paraphrases
  must reach 0.5.
- Weight: the best SQuAD token F1 (lowercase, punctuation and the articles a/an/the removed,
  whitespace split) against the gold text and each paraphrase.
- ``matched``: one-to-one assignment over eligible pairs with weight >= 0.5, maximising the
  number of pairs (ties: total weight).
- ``attributed``: the same, over the pairs whose ``source`` also resolves to the gold source
  (``"author"`` accepted), maximising the number of correctly attributed pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .._models import Claim
from ._matching import Edge, max_weight_matching, overlap_pairs
from ._resolve import SpeakerResolver
from ._results import JsonItem, MetricResult, Paragraphs, Tally, sorted_items

CLAIM_METRICS: tuple[str, ...] = ("matched", "attributed")
MIN_WEIGHT = 0.5
_ARTICLES = re.compile(r"\b(a|an|the)\b")


@lru_cache(maxsize=4096)
def normalize_answer(text: str) -> tuple[str, ...]:
    """SQuAD normalisation as tokens: lowercase, no punctuation, no articles, whitespace split.

    Example:
        >>> normalize_answer("The Alliance’s budget, a record!")
        ('alliances', 'budget', 'record')
    """
    lowered = text.lower()
    no_punct = "".join(ch for ch in lowered if not unicodedata.category(ch).startswith("P"))
    return tuple(_ARTICLES.sub(" ", no_punct).split())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 of two texts (1.0 when both normalise to nothing).

    Example:
        >>> token_f1("ACME will grow", "the ACME group will grow")
        0.8571428571428571
    """
    pred, ref = normalize_answer(prediction), normalize_answer(reference)
    if not pred or not ref:
        return float(pred == ref)
    same = sum((Counter(pred) & Counter(ref)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def claim_weight(pred: Claim, gold: Claim) -> float:
    """Best token F1 of the predicted text against the gold text and its paraphrases."""
    return max(token_f1(pred.text, ref) for ref in (gold.text, *gold.paraphrases))


def _eligible(pred: Claim, gold: Claim, weight: float) -> bool:
    if pred.evidence and gold.evidence:
        return any(p.overlap(g) > 0 for p in pred.evidence for g in gold.evidence)
    return weight >= MIN_WEIGHT


def _candidate_weights(
    gold: Sequence[Claim], pred: Sequence[Claim]
) -> dict[tuple[int, int], float]:
    """:func:`claim_weight` of every (gold, pred) pair that could matter, keyed by the pair.

    A pair is left out only when it is ineligible and its weight is 0 anyway: when both claims
    give evidence and the evidence does not overlap, or when one gives none and the two share no
    normalised token (token F1 is then 0, unless both texts normalise to nothing). So the result
    is the all-pairs weight table without its zeros, in time that grows with the candidates.

    Example:
        >>> from benchmark._models import Span
        >>> gold = [Claim(text="ACME will grow", source="author", kind="fact")]
        >>> pred = [Claim(text="ACME grows", source="x", kind="fact"),
        ...         Claim(text="Budget up", source="x", kind="fact", evidence=(Span(0, 4),))]
        >>> _candidate_weights(gold, pred)
        {(0, 0): 0.4}
    """
    gold_by_token: dict[str, set[int]] = {}
    gold_with_empty_ref: set[int] = set()
    for g, claim in enumerate(gold):
        for ref in (claim.text, *claim.paraphrases):
            tokens = normalize_answer(ref)
            if not tokens:
                gold_with_empty_ref.add(g)
            for token in tokens:
                gold_by_token.setdefault(token, set()).add(g)
    gold_span_owner = [g for g, c in enumerate(gold) for _ in c.evidence]
    pred_span_owner = [p for p, c in enumerate(pred) for _ in c.evidence]
    evidence_overlaps = {
        (gold_span_owner[i], pred_span_owner[j])
        for i, j in overlap_pairs(
            [(s.start, s.end) for c in gold for s in c.evidence],
            [(s.start, s.end) for c in pred for s in c.evidence],
        )
    }
    candidates = set(evidence_overlaps)
    for p, claim in enumerate(pred):
        tokens = normalize_answer(claim.text)
        sharing: set[int] = set(gold_with_empty_ref) if not tokens else set()
        for token in set(tokens):
            sharing.update(gold_by_token.get(token, ()))
        for g in sharing:
            if not (claim.evidence and gold[g].evidence):
                candidates.add((g, p))
    return {(g, p): claim_weight(pred[p], gold[g]) for g, p in sorted(candidates)}


def _item(claim: Claim, **extra: object) -> JsonItem:
    return {"text": claim.text, "source": claim.source, "kind": claim.kind, **extra}


def score_claims(
    gold: Sequence[Claim],
    pred: Sequence[Claim],
    resolver: SpeakerResolver,
    paragraphs: Paragraphs,
) -> dict[str, MetricResult]:
    """Both claim metrics on one document."""
    weights = _candidate_weights(gold, pred)
    resolved = [resolver.resolve(p.source, allow_author=True) for p in pred]
    edges = [
        Edge(g, p, 1.0, weight)
        for (g, p), weight in sorted(weights.items())
        if weight >= MIN_WEIGHT and _eligible(pred[p], gold[g], weight)
    ]
    gold_keys = [repr(c) for c in gold]
    pred_keys = [repr(c) for c in pred]
    gold_par = [paragraphs.index(min((s.start for s in c.evidence), default=0)) for c in gold]
    best_gold: dict[int, tuple[float, int]] = {}  # pred -> (best weight, lowest gold index)
    for (g, p), weight in weights.items():
        if weight > 0 and (
            p not in best_gold or (weight, -g) > (best_gold[p][0], -best_gold[p][1])
        ):
            best_gold[p] = (weight, g)
    pred_par = []
    for p, claim in enumerate(pred):
        if claim.evidence:
            pred_par.append(paragraphs.index(min(s.start for s in claim.evidence)))
        else:
            best = best_gold.get(p)
            pred_par.append(gold_par[best[1]] if best is not None else 0)
    results: dict[str, MetricResult] = {}
    for metric in CLAIM_METRICS:
        usable = (
            edges
            if metric == "matched"
            else [e for e in edges if resolved[e.pred] == gold[e.gold].source]
        )
        chosen = max_weight_matching(usable, gold_keys, pred_keys)
        matched_gold = {e.gold for e in chosen}
        matched_pred = {e.pred for e in chosen}
        tally = Tally(len(paragraphs))
        for g, claim in enumerate(gold):
            if g in matched_gold:
                tally.add(gold_par[g], tp=1)
            else:
                tally.add(gold_par[g], fn=1)
                tally.false_negatives.append(_item(claim))
        for p, claim in enumerate(pred):
            if p not in matched_pred:
                tally.add(pred_par[p], fp=1)
                tally.false_positives.append(_item(claim, resolved=resolved[p]))
        tally.false_positives = sorted_items(tally.false_positives)
        tally.false_negatives = sorted_items(tally.false_negatives)
        results[metric] = tally.result()
    return results
