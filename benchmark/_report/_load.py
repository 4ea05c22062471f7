"""What the reports read besides the run files: the run's predictions and the gold it was scored on.

``results.json`` and ``details.jsonl`` are read by :func:`benchmark._run._files.load_run`, the one
reader of run files; this module adds what the article view shows next to them.
"""

from __future__ import annotations

from pathlib import Path

from .._errors import BenchError
from .._formats import Results
from .._models import Annotation, Corpus

PREDICTIONS_DIR = "predictions"
"""The folder of a run holding ``<system>/<doc_id>.json`` predictions."""


def load_predictions(
    predictions_dir: Path, corpus: Corpus
) -> tuple[dict[str, dict[str, Annotation]], list[str]]:
    """Read a run's ``predictions/<system>/<doc_id>.json`` files for display.

    Files that fail a check are left out and described in the returned notes (the run has
    recorded them as errors already), so one bad file never stops a report.

    Example:
        >>> load_predictions(Path("no/such/folder"), Corpus(()))
        ({}, [])
    """
    from .._validate import read_prediction_folders

    if not predictions_dir.is_dir():
        return {}, []
    documents = {example.doc_id: example.document for example in corpus}
    predictions, problems = read_prediction_folders(predictions_dir, documents)
    return predictions, [f"not shown: {problem}" for problem in problems]


def load_corpus(results: Results) -> tuple[Corpus, list[str]]:
    """The gold named by the run's provenance (else the default gold), or an empty corpus.

    Returns:
        The corpus and notes for the top of the report (a gold folder that is gone, or gold
        that cannot be read).
    """
    from .._gold import default_gold_dir, load_gold

    recorded = results.provenance.gold_dir
    notes: list[str] = []
    gold_dir = default_gold_dir()
    if recorded:
        if Path(recorded).is_dir():
            gold_dir = Path(recorded)
        else:
            notes.append(f"gold folder {recorded} of this run is gone; showing {gold_dir}")
    try:
        return load_gold(gold_dir), notes
    except BenchError as exc:
        return Corpus(()), [*notes, f"articles not shown: cannot load the gold: {exc}"]
