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

Error lists are sorted by the items' fields (text, source, kind, then the resolved id of
predictions), so their order never depends on the order of the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import filterfalse

from .._models import Claim
from ._matching import max_weight_matching, overlap_pairs
from ._resolve import SpeakerResolver
from ._results import (
    JsonItem,
    MetricResult,
    Paragraphs,
    Places,
    empty_result,
    matched_result,
    matched_sides,
    optional_key,
    unmatched_in_any,
)

CLAIM_METRICS: tuple[str, ...] = ("matched", "attributed")
MIN_WEIGHT = 0.5
_ARTICLES = re.compile(r"\b(a|an|the)\b")

Tokens = tuple[str, ...]


class _Unpunctuate(dict[int, "int | None"]):
    """A ``str.translate`` table that deletes Unicode punctuation (categories ``P*``).

    It fills itself as characters are met, so each character's category is looked up once.
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("P") else code
        self[code] = kept
        return kept


_UNPUNCTUATE = _Unpunctuate()


_ASCII_PUNCTUATION = bytes(c for c in range(128) if unicodedata.category(chr(c)).startswith("P"))
_ARTICLE_WORDS = frozenset({"a", "an", "the"})


@lru_cache(maxsize=4096)
def normalize_answer(text: str) -> Tokens:
    """SQuAD normalisation as tokens: lowercase, no punctuation, no articles, whitespace split.

    Example:
        >>> normalize_answer("The Alliance’s budget, a record!")
        ('alliances', 'budget', 'record')
    """
    lowered = text.lower()
    if lowered.isascii():
        no_punct = lowered.encode("ascii").translate(None, _ASCII_PUNCTUATION).decode("ascii")
    else:
        no_punct = lowered.translate(_UNPUNCTUATE)
    tokens = no_punct.split()
    if "".join(tokens).isalnum():  # word characters only: the articles are whole tokens
        return tuple(filterfalse(_ARTICLE_WORDS.__contains__, tokens))
    return tuple(_ARTICLES.sub(" ", no_punct).split())


Bag = tuple[Tokens, frozenset[str]]
"""A normalised text: its tokens and the set of them."""


def _bag(text: str) -> Bag:
    tokens = normalize_answer(text)
    return tokens, frozenset(tokens)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 of two texts (1.0 when both normalise to nothing).

    Example:
        >>> token_f1("ACME will grow", "the ACME group will grow")
        0.8571428571428571
    """
    return _bag_f1(_bag(prediction), _bag(reference))


def _bag_f1(pred: Bag, ref: Bag) -> float:
    """Token F1 of two normalised texts (repeated tokens count as often as both hold them)."""
    (pred_tokens, pred_set), (ref_tokens, ref_set) = pred, ref
    if not pred_tokens or not ref_tokens:
        return float(pred_tokens == ref_tokens)
    if len(pred_set) == len(pred_tokens) and len(ref_set) == len(ref_tokens):
        same = len(pred_set & ref_set)
    else:
        same = sum((Counter(pred_tokens) & Counter(ref_tokens)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(ref_tokens)
    return 2 * precision * recall / (precision + recall)


def claim_weight(pred: Claim, gold: Claim) -> float:
    """Best token F1 of the predicted text against the gold text and its paraphrases."""
    return _best_f1(_bag(pred.text), _references(gold))


def _references(gold: Claim) -> list[Bag]:
    return [_bag(ref) for ref in (gold.text, *gold.paraphrases)]


def _best_f1(pred: Bag, references: Sequence[Bag]) -> float:
    best = 0.0
    for ref in references:
        f1 = _bag_f1(pred, ref)
        if f1 > best:
            best = f1
    return best


def _eligible(pred: Claim, gold: Claim, weight: float) -> bool:
    if pred.evidence and gold.evidence:
        return any(
            min(p.end, g.end) > max(p.start, g.start) for p in pred.evidence for g in gold.evidence
        )
    return weight >= MIN_WEIGHT


class _TokenIndex:
    """Which gold claims (of a chosen subset) have a text or paraphrase holding each token."""

    def __init__(self, references: Sequence[Sequence[Bag]], golds: Iterable[int]) -> None:
        self.by_token: dict[str, set[int]] = {}
        self.with_empty_ref: set[int] = set()
        for g in golds:
            for tokens, _ in references[g]:
                if not tokens:
                    self.with_empty_ref.add(g)
                for token in tokens:
                    self.by_token.setdefault(token, set()).add(g)

    def __bool__(self) -> bool:
        return bool(self.by_token or self.with_empty_ref)

    def sharing(self, tokens: Tokens) -> set[int]:
        """The gold claims whose token F1 with ``tokens`` may be above 0."""
        found = set(self.with_empty_ref) if not tokens else set()
        for token in set(tokens):
            found.update(self.by_token.get(token, ()))
        return found


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
    references = [_references(claim) for claim in gold]
    pred_bags = [_bag(claim.text) for claim in pred]
    gold_span_owner = [g for g, c in enumerate(gold) for _ in c.evidence]
    pred_span_owner = [p for p, c in enumerate(pred) for _ in c.evidence]
    candidates = {
        (gold_span_owner[i], pred_span_owner[j])
        for i, j in overlap_pairs(
            [(s.start, s.end) for c in gold for s in c.evidence],
            [(s.start, s.end) for c in pred for s in c.evidence],
            ordered=False,
        )
    }
    # Without evidence on both sides, a pair is a candidate when the texts share a token.
    indexes: dict[bool, _TokenIndex] = {}  # by whether the prediction gives evidence
    for p, claim in enumerate(pred):
        with_evidence = bool(claim.evidence)
        if with_evidence not in indexes:
            golds = (g for g, c in enumerate(gold) if not (with_evidence and c.evidence))
            indexes[with_evidence] = _TokenIndex(references, golds)
        index = indexes[with_evidence]
        if index:
            candidates.update((g, p) for g in index.sharing(pred_bags[p][0]))
    return {(g, p): _best_f1(pred_bags[p], references[g]) for g, p in sorted(candidates)}


def _item(claim: Claim, **extra: object) -> JsonItem:
    return {"text": claim.text, "source": claim.source, "kind": claim.kind, **extra}


def score_claims(
    gold: Sequence[Claim],
    pred: Sequence[Claim],
    resolver: SpeakerResolver,
    paragraphs: Paragraphs,
) -> dict[str, MetricResult]:
    """Both claim metrics on one document.

    Error items are shared between the metrics of a document: read them, never change them.

    Example:
        >>> from benchmark._models import Annotation, Speaker
        >>> resolver = SpeakerResolver(Annotation("d", "", speakers=(Speaker("Ann", "ann"),)))
        >>> gold = [Claim("Prices will rise", "ann", "plan")]
        >>> pred = [Claim("prices will rise", "Bob", "plan")]
        >>> results = score_claims(gold, pred, resolver, Paragraphs("x"))
        >>> results["matched"].counts.tp, results["attributed"].false_positives
        (1.0, ({'text': 'prices will rise', 'source': 'Bob', 'kind': 'plan', 'resolved': None},))
    """
    if not gold and not pred:
        return dict.fromkeys(CLAIM_METRICS, empty_result(len(paragraphs)))
    weights = _candidate_weights(gold, pred)
    resolved = [resolver.resolve(p.source, allow_author=True) for p in pred]
    edges = [
        (g, p, 1.0, weight)
        for (g, p), weight in weights.items()
        if weight >= MIN_WEIGHT and _eligible(pred[p], gold[g], weight)
    ]
    attributable = [e for e in edges if resolved[e[1]] == gold[e[0]].source]

    def gold_key(g: int) -> str:
        return repr(gold[g])

    def pred_key(p: int) -> str:
        return repr(pred[p])

    matchings = {
        "matched": max_weight_matching(edges, gold_key, pred_key),
        "attributed": max_weight_matching(attributable, gold_key, pred_key),
    }
    gold_matched, pred_matched = matched_sides(matchings)
    gold_items = {
        g: _item(gold[g])
        for g in unmatched_in_any(
            len(gold),
            list(gold_matched.values()),
            lambda g: (gold[g].text, gold[g].source, gold[g].kind),
        )
    }
    pred_items = {
        p: _item(pred[p], resolved=resolved[p])
        for p in unmatched_in_any(
            len(pred),
            list(pred_matched.values()),
            lambda p: (pred[p].text, pred[p].source, pred[p].kind, optional_key(resolved[p])),
        )
    }
    places = _places(gold, pred, weights, paragraphs)
    results: dict[str, MetricResult] = {}
    for metric, chosen in matchings.items():
        found_gold, found_pred = gold_matched[metric], pred_matched[metric]
        results[metric] = matched_result(
            places,
            chosen,
            [item for p, item in pred_items.items() if p not in found_pred],
            [item for g, item in gold_items.items() if g not in found_gold],
        )
    return results


def _places(
    gold: Sequence[Claim],
    pred: Sequence[Claim],
    weights: dict[tuple[int, int], float],
    paragraphs: Paragraphs,
) -> Places:
    """Each claim's paragraph: its first evidence span's, else (predictions) that of the gold
    claim it weighs most with (lowest index on ties), else the first."""
    if len(paragraphs) == 1:
        return Places([0] * len(gold), [0] * len(pred), 1)
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
    return Places(gold_par, pred_par, len(paragraphs))
