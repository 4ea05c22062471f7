"""Peer tools reading the files ``bench score`` reads: nervaluate, seqeval and a bare read.

``bench perf`` runs this file as a script, by path, in a fresh interpreter::

    python _peers.py TOOL GOLD PREDICTIONS

so that nothing of this package is imported: each process pays for the standard library and its
own tool only. GOLD is a gold folder (``articles/<doc_id>.txt``, ``annotations/<doc_id>.json``),
PREDICTIONS one system's folder of ``<doc_id>.json``. TOOL is one of :data:`TOOLS`; the script
prints one JSON object on stdout.

Every file is read with the standard library and decoded with ``json.loads`` (``msgspec`` for the
``floor-msgspec`` tool). A gold document without a prediction file has no predictions.
"""

from __future__ import annotations

import json
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Key = tuple[int, int, str]
"""``(start, end, type)`` of an entity mention, end exclusive."""

NERVALUATE_SCHEMES: dict[str, str] = {
    "strict": "strict",
    "exact": "exact",
    "partial": "partial",
    "type": "ent_type",
}
"""Our scheme names and nervaluate's."""


def read_pairs(gold: Path, predictions: Path) -> list[tuple[str, Any, Any]]:
    """``(doc_id, gold data, predicted data or None)`` per gold annotation file, by doc id."""
    pairs = []
    for path in sorted((gold / "annotations").glob("*.json")):
        predicted = predictions / path.name
        found = json.loads(predicted.read_bytes()) if predicted.is_file() else None
        pairs.append((path.stem, json.loads(path.read_bytes()), found))
    return pairs


def entity_keys(data: Any) -> list[Key]:
    """The entity mentions of one decoded annotation file (none for a missing file)."""
    if data is None:
        return []
    return [(e["start"], e["end"], e["type"]) for e in data.get("entities", ())]


def nervaluate_input(documents: Sequence[Sequence[Key]]) -> list[list[dict[str, Any]]]:
    """nervaluate's ``loader="dict"`` input: character offsets with an *inclusive* end.

    Example:
        >>> nervaluate_input([[(0, 3, "ORG")], []])
        [[{'label': 'ORG', 'start': 0, 'end': 2}], []]
    """
    return [[{"label": t, "start": s, "end": e - 1} for s, e, t in doc] for doc in documents]


def nervaluate_evaluate(
    true: list[list[dict[str, Any]]], pred: list[list[dict[str, Any]]], tags: list[str]
) -> dict[str, dict[str, float]]:
    """nervaluate 1.2's ``Evaluator(...).evaluate()``: overall P/R/F1 under our scheme names."""
    from nervaluate import Evaluator

    overall = Evaluator(true, pred, tags=tags, loader="dict").evaluate()["overall"]
    return {
        ours: {
            "precision": float(overall[theirs].precision),
            "recall": float(overall[theirs].recall),
            "f1": float(overall[theirs].f1),
        }
        for ours, theirs in NERVALUATE_SCHEMES.items()
    }


def entity_tags(*corpora: Sequence[Sequence[Key]]) -> list[str]:
    """Every entity type found (nervaluate scores the types it is given).

    Example:
        >>> entity_tags([[(0, 1, "ORG")]], [[(2, 3, "GPE"), (4, 5, "ORG")]])
        ['GPE', 'ORG']
    """
    return sorted({t for documents in corpora for doc in documents for _, _, t in doc})


def iob2_tags(text: str, keys: Sequence[Key]) -> list[str]:
    """IOB2 tags of the words of ``text`` (split on single spaces) for the mentions ``keys``.

    A mention tags every word starting inside it; its first word is the one holding its start.

    Example:
        >>> iob2_tags("Ann met Bob Smith today", [(0, 3, "PERSON"), (8, 17, "PERSON")])
        ['B-PERSON', 'O', 'B-PERSON', 'I-PERSON', 'O']
    """
    starts = []
    offset = 0
    for word in text.split(" "):
        starts.append(offset)
        offset += len(word) + 1
    tags = ["O"] * len(starts)
    for start, end, etype in keys:
        first = max(0, bisect_right(starts, start) - 1)
        tags[first] = f"B-{etype}"
        i = first + 1
        while i < len(starts) and starts[i] < end:
            tags[i] = f"I-{etype}"
            i += 1
    return tags


def seqeval_scores(y_true: list[list[str]], y_pred: list[list[str]]) -> dict[str, dict[str, float]]:
    """seqeval 1.2's strict IOB2 micro P/R/F1 (``mode="strict", scheme=IOB2``).

    One call of the function ``f1_score(..., mode="strict", scheme=IOB2)`` runs, which yields
    precision and recall too: seqeval is not charged three passes for three numbers.
    """
    from seqeval.metrics.v1 import precision_recall_fscore_support
    from seqeval.scheme import IOB2

    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="micro", scheme=IOB2
    )
    return {"strict": {"precision": float(precision), "recall": float(recall), "f1": float(f1)}}


def run_nervaluate(gold: Path, predictions: Path) -> dict[str, Any]:
    """Read the gold and predicted JSON files and score their entities with nervaluate."""
    pairs = read_pairs(gold, predictions)
    true = [entity_keys(g) for _, g, _ in pairs]
    pred = [entity_keys(p) for _, _, p in pairs]
    return nervaluate_evaluate(
        nervaluate_input(true), nervaluate_input(pred), entity_tags(true, pred)
    )


def run_seqeval(gold: Path, predictions: Path) -> dict[str, Any]:
    """Read the articles and JSON files, tag the words in IOB2 and score with seqeval (strict)."""
    y_true, y_pred = [], []
    for doc_id, g, p in read_pairs(gold, predictions):
        text = (gold / "articles" / f"{doc_id}.txt").read_bytes().decode("utf-8")
        y_true.append(iob2_tags(text, entity_keys(g)))
        y_pred.append(iob2_tags(text, entity_keys(p)))
    return seqeval_scores(y_true, y_pred)


def run_floor(gold: Path, predictions: Path, decode: Callable[[bytes], Any]) -> dict[str, Any]:
    """Read every article and JSON file ``bench score`` reads and decode each; nothing else."""
    files = size = 0
    for path in sorted((gold / "articles").glob("*.txt")):
        raw = path.read_bytes()
        raw.decode("utf-8")
        files, size = files + 1, size + len(raw)
    for folder in (gold / "annotations", predictions):
        for path in sorted(folder.glob("*.json")):
            raw = path.read_bytes()
            decode(raw)
            files, size = files + 1, size + len(raw)
    return {"files": files, "bytes": size}


def _msgspec_floor(gold: Path, predictions: Path) -> dict[str, Any]:
    import msgspec

    return run_floor(gold, predictions, msgspec.json.decode)


TOOLS: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "nervaluate": run_nervaluate,
    "seqeval": run_seqeval,
    "floor-json": lambda gold, predictions: run_floor(gold, predictions, json.loads),
    "floor-msgspec": _msgspec_floor,
}
"""The tools this script runs, by the name its first argument gives."""


def main(argv: Sequence[str]) -> int:
    """Run ``TOOL GOLD PREDICTIONS`` and print its JSON result; 2 on a usage error."""
    if len(argv) != 3 or argv[0] not in TOOLS:
        print(f"usage: _peers.py {{{','.join(TOOLS)}}} GOLD PREDICTIONS", file=sys.stderr)
        return 2
    result = TOOLS[argv[0]](Path(argv[1]), Path(argv[2]))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a script by bench perf
    sys.exit(main(sys.argv[1:]))
