"""Reading a run folder for the reports: results.json, predictions/ and the run's gold."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._errors import BenchError
from .._models import Annotation, Corpus

RESULTS_FILE = "results.json"


def load_results(run_dir: Path) -> dict[str, Any]:
    """Read a run's ``results.json`` and check its outline.

    Raises:
        BenchError: one line naming the file (and field) when it is missing or malformed.
    """
    from .._io import read_json

    path = Path(run_dir) / RESULTS_FILE
    data, problems = read_json(path)
    if problems:
        raise BenchError.from_problems(problems)
    if not isinstance(data, dict):
        raise BenchError(f"{path}: $: expected a JSON object, got {type(data).__name__}")
    for key, kind in (("results", dict), ("documents", list), ("provenance", dict)):
        if key in data and not isinstance(data[key], kind):
            raise BenchError(
                f"{path}: $.{key}: expected {kind.__name__}, got {type(data[key]).__name__}"
            )
    if "results" not in data:
        raise BenchError(f"{path}: $: missing field 'results'")
    return data


def load_predictions(predictions_dir: Path) -> tuple[dict[str, dict[str, Annotation]], list[str]]:
    """Read ``predictions/<system>/<doc_id>.json`` files for display.

    Unreadable files are left out and described in the returned notes (the run has recorded
    them as errors already), so one bad file never stops a report.
    """
    from .._io import check_doc_id, load_annotation_file

    predictions: dict[str, dict[str, Annotation]] = {}
    notes: list[str] = []
    if not predictions_dir.is_dir():
        return predictions, notes
    for folder in sorted(p for p in predictions_dir.iterdir() if p.is_dir()):
        if folder.name.startswith("."):
            continue
        by_doc: dict[str, Annotation] = {}
        for path in sorted(folder.glob("*.json")):
            if check_doc_id(path.stem):
                continue
            annotation, problems = load_annotation_file(path)
            if annotation is None:
                notes.append(f"not shown: {problems[0]}")
                continue
            by_doc[path.stem] = annotation
        predictions[folder.name] = by_doc
    return predictions, notes


def load_corpus(results: Mapping[str, Any]) -> tuple[Corpus, list[str]]:
    """The gold named by the run's provenance (else the default gold), or an empty corpus."""
    from .._gold import default_gold_dir, load_gold

    provenance = results.get("provenance")
    recorded = provenance.get("gold_dir") if isinstance(provenance, dict) else None
    notes: list[str] = []
    gold_dir = default_gold_dir()
    if isinstance(recorded, str) and recorded:
        if Path(recorded).is_dir():
            gold_dir = Path(recorded)
        else:
            notes.append(f"gold folder {recorded} of this run is gone; showing {gold_dir}")
    try:
        return load_gold(gold_dir), notes
    except BenchError as exc:
        return Corpus(()), [*notes, f"articles not shown: cannot load the gold: {exc}"]
