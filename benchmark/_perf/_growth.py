"""``bench score`` at growing corpus sizes: seconds per 1,000 documents and peak memory.

The largest corpus is written once; the smaller ones are its first documents, hard-linked. One
``bench score`` per size runs in each round, the sizes alternated.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._compare import score_argv
from ._corpus import link_corpus, write_corpus, write_corpus_jsonl
from ._timing import Command, Samples, alternate


@dataclass(frozen=True)
class GrowthRow:
    """``bench score`` on one corpus size, whole process."""

    documents: int
    samples: Samples
    form: str = "folders"
    """How the corpus was stored: ``folders`` (a file per document) or ``jsonl``."""

    @property
    def seconds_per_1k(self) -> float:
        """Median wall seconds per 1,000 documents."""
        return self.samples.median * 1000 / self.documents


def measure_growth(
    seed: int,
    sizes: Sequence[int],
    mentions_per_doc: int,
    rounds: int,
    *,
    layers: bool = False,
    jsonl: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> list[GrowthRow]:
    """Time ``bench score`` at every size in ``sizes`` (smallest first); temp folders removed.

    With ``jsonl`` the corpus is two JSON Lines files (gold and predictions), scored in batches
    without a file per document.
    """
    counts = sorted(set(sizes))
    write = write_corpus_jsonl if jsonl else write_corpus
    form = "jsonl" if jsonl else "folders"
    with tempfile.TemporaryDirectory(prefix="bench-perf-growth-") as scratch:
        root = Path(scratch)
        progress(f"writing {counts[-1]:,} documents x {mentions_per_doc} mentions ({form})")
        largest = write(
            root / f"docs-{counts[-1]}", seed, counts[-1], mentions_per_doc, layers=layers
        )
        commands = []
        for n in counts:
            files = largest if n == counts[-1] else link_corpus(largest, root / f"docs-{n}", n)
            label = f"bench score, {n:,} docs" + (" (jsonl)" if jsonl else "")
            commands.append(Command(label, score_argv(files), True, root))
        samples = alternate(commands, rounds, progress=progress)
    return [GrowthRow(n, s, form) for n, s in zip(counts, samples, strict=True)]
