"""Scoring alone, in this process: the engine's entity-scheme counting against nervaluate.

:func:`benchmark._scoring.count_entity_schemes` is the function the scoring engine counts the
span schemes with; it runs here on the entity keys of the synthetic corpus, and nervaluate's
``Evaluator(...).evaluate()`` on the same mentions in its dict format. Input conversion happens
before the clocks start. The two run alternated, round after round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._corpus import EntityKey, iter_corpus
from ._peers import entity_tags, nervaluate_evaluate, nervaluate_input
from ._timing import Run, Samples, samples_of, time_call

TOLERANCE = 1e-9
"""Largest difference between two tools' P, R or F1 still called equal."""

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
PRF: tuple[str, ...] = ("precision", "recall", "f1")

Scores = dict[str, dict[str, float]]
"""P/R/F1 by scheme: ``scores[scheme]["precision" | "recall" | "f1"]``."""


def disagreements(ours: Mapping[str, Mapping[str, Any]], theirs: Scores, peer: str) -> list[str]:
    """Every P/R/F1 of the schemes ``theirs`` gives that differs from ours by more than 1e-9.

    Example:
        >>> ours = {"strict": {"precision": 0.5, "recall": 0.5, "f1": 0.5}}
        >>> disagreements(ours, {"strict": {"precision": 0.5, "recall": 0.25, "f1": 0.5}}, "x")
        ['strict recall: bench 0.5 vs x 0.25']
        >>> disagreements({}, {"strict": {"f1": 1.0}}, "x")
        ['strict f1: bench missing vs x 1.0']
    """
    found = []
    for scheme, values in theirs.items():
        for name, theirs_value in values.items():
            mine = ours.get(scheme, {}).get(name)
            if not isinstance(mine, (int, float)) or abs(mine - theirs_value) > TOLERANCE:
                shown = "missing" if mine is None else repr(mine)
                found.append(f"{scheme} {name}: bench {shown} vs {peer} {theirs_value!r}")
    return found


@dataclass(frozen=True)
class InProcessComparison:
    """``count_entity_schemes`` and nervaluate, in one process, on the same mentions."""

    documents: int
    gold_mentions: int
    pred_mentions: int
    ours: Samples
    nervaluate: Samples
    ours_scores: Scores
    nervaluate_scores: Scores
    mismatches: tuple[str, ...]


def count_schemes(pairs: Sequence[tuple[Sequence[EntityKey], Sequence[EntityKey]]]) -> Scores:
    """P/R/F1 of the four span schemes from the engine's :func:`count_entity_schemes`."""
    from .._scoring import count_entity_schemes

    counts = count_entity_schemes(pairs)
    return {
        scheme: {name: float(getattr(counts[scheme], name) or 0.0) for name in PRF}
        for scheme in SCHEMES
    }


def compare_in_process(
    seed: int,
    documents: int,
    mentions_per_doc: int,
    rounds: int,
    progress: Callable[[str], None] = lambda _: None,
) -> InProcessComparison:
    """Time both scorers alternated for ``rounds`` rounds and check that they agree."""
    docs = list(iter_corpus(seed, documents, mentions_per_doc))
    pairs = [(d.gold, d.pred) for d in docs]
    gold, pred = [d.gold for d in docs], [d.pred for d in docs]
    true, predicted, tags = nervaluate_input(gold), nervaluate_input(pred), entity_tags(gold, pred)
    results: dict[str, Scores] = {}

    def ours() -> None:
        results["ours"] = count_schemes(pairs)

    def nervaluate() -> None:
        results["nervaluate"] = nervaluate_evaluate(true, predicted, tags)

    warm = list(iter_corpus(seed + 1, 2, mentions_per_doc))  # imports stay off the clocks
    count_schemes([(d.gold, d.pred) for d in warm])
    nervaluate_evaluate(nervaluate_input([warm[0].gold]), nervaluate_input([warm[0].pred]), tags)
    runs: dict[str, list[Run]] = {"ours": [], "nervaluate": []}
    for round_ in range(1, rounds + 1):
        for name, call in (("ours", ours), ("nervaluate", nervaluate)):
            progress(f"in process, round {round_}/{rounds}: {name}")
            runs[name].append(time_call(call))
    return InProcessComparison(
        documents=len(docs),
        gold_mentions=sum(map(len, gold)),
        pred_mentions=sum(map(len, pred)),
        ours=samples_of("count_entity_schemes", runs["ours"]),
        nervaluate=samples_of("nervaluate evaluate()", runs["nervaluate"]),
        ours_scores=results["ours"],
        nervaluate_scores=results["nervaluate"],
        mismatches=tuple(disagreements(results["ours"], results["nervaluate"], "nervaluate")),
    )
