"""The headline: ``bench score`` against peer tools reading the same files, as whole processes.

On one corpus written to disk, five commands run alternated, each in a fresh interpreter, after
one untimed warm-up run of each:
``bench score --json`` (stdout to a temporary file), a nervaluate script, a seqeval strict
script, and the floor: reading and decoding every file with ``json.loads`` (and with ``msgspec``
where it is installed); then ``bench score --out`` and ``bench score --json`` pinned to one core
(where a process can be pinned). The peers are :mod:`benchmark._perf._peers`, run by path so
that none of this package is imported by them. Their P/R/F1 must equal those in ``bench
score``'s JSON.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._cores import one_core
from .._errors import BenchError
from ._corpus import SYSTEM, CorpusFiles, write_corpus
from ._scorers import PRF, SCHEMES, Scores, disagreements
from ._timing import Command, Samples, alternate, bench_argv, python

PEERS_SCRIPT = Path(__file__).with_name("_peers.py")
"""The peer tools' script (run by path)."""

SCORE = "bench score"
NERVALUATE = "nervaluate"
SEQEVAL = "seqeval strict"
FLOOR = "read + json.loads"
FLOOR_MSGSPEC = "read + msgspec"
SCORE_OUT = "bench score --out"
SCORE_ONE_CORE = "bench score, 1 core"


@dataclass(frozen=True)
class ProcessComparison:
    """Every command's samples on one corpus, the scores each printed, and any disagreement."""

    documents: int
    gold_mentions: int
    pred_mentions: int
    layers: bool
    samples: dict[str, Samples]
    scores: dict[str, Scores]
    mismatches: tuple[str, ...]
    sizes: dict[str, int] = field(default_factory=dict)
    """Bytes of each file ``bench score --out`` wrote (results.json, details.jsonl)."""


def peer_argv(tool: str, files: CorpusFiles) -> tuple[str, ...]:
    """The command line of one peer tool (see :data:`benchmark._perf._peers.TOOLS`)."""
    return (python(), str(PEERS_SCRIPT), tool, str(files.gold), str(files.system))


def score_argv(files: CorpusFiles) -> tuple[str, ...]:
    """``bench score --gold G --predictions P --json`` on a written corpus."""
    return bench_argv(
        "score", "--gold", str(files.gold), "--predictions", str(files.predictions), "--json"
    )


def comparison_commands(files: CorpusFiles, scratch: Path) -> list[Command]:
    """The commands of the comparison, in the order they alternate, run in ``scratch``."""
    tools = {NERVALUATE: "nervaluate", SEQEVAL: "seqeval", FLOOR: "floor-json"}
    if importlib.util.find_spec("msgspec") is not None:
        tools[FLOOR_MSGSPEC] = "floor-msgspec"
    commands = [Command(SCORE, score_argv(files), True, scratch)]
    for label, tool in tools.items():
        commands.append(Command(label, peer_argv(tool, files), True, scratch))
    run_folder = ("--out", str(scratch / "scored"))
    commands.append(Command(SCORE_OUT, (*score_argv(files)[:-1], *run_folder), False, scratch))
    cpus = one_core()
    if cpus:
        commands.append(Command(SCORE_ONE_CORE, score_argv(files), False, scratch, cpus=cpus))
    return commands


def bench_scores(output: Mapping[str, Any], system: str = SYSTEM) -> Scores:
    """Entity P/R/F1 of the four span schemes from ``bench score --json`` output.

    Raises:
        BenchError: when the output has no entity results for ``system``.
    """
    try:
        entities = output["results"][system]["entities"]
        return {s: {name: float(entities[s][name]) for name in PRF} for s in SCHEMES}
    except (KeyError, TypeError, ValueError) as exc:
        raise BenchError(f"perf: bench score output has no entity scores ({exc!r})") from None


def compare_processes(
    seed: int,
    documents: int,
    mentions_per_doc: int,
    rounds: int,
    *,
    layers: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> ProcessComparison:
    """Write the corpus to a temporary folder, run the commands alternated, check the scores."""
    with tempfile.TemporaryDirectory(prefix="bench-perf-") as scratch:
        root = Path(scratch)
        progress(f"writing {documents:,} documents x {mentions_per_doc} mentions")
        files = write_corpus(root / "corpus", seed, documents, mentions_per_doc, layers=layers)
        outputs: dict[str, bytes] = {}
        commands = comparison_commands(files, root)
        samples = alternate(commands, rounds, progress=progress, outputs=outputs, warm_up=True)
        sizes = {f.name: f.stat().st_size for f in sorted((root / "scored").glob("*.json*"))}
    scores = {
        SCORE: bench_scores(json.loads(outputs[SCORE])),
        NERVALUATE: json.loads(outputs[NERVALUATE]),
        SEQEVAL: json.loads(outputs[SEQEVAL]),
    }
    mismatches = [
        *disagreements(scores[SCORE], scores[NERVALUATE], NERVALUATE),
        *disagreements(scores[SCORE], scores[SEQEVAL], SEQEVAL),
    ]
    return ProcessComparison(
        documents=documents,
        gold_mentions=files.gold_mentions,
        pred_mentions=files.pred_mentions,
        layers=layers,
        samples={s.label: s for s in samples},
        scores=scores,
        mismatches=tuple(mismatches),
        sizes=sizes,
    )
