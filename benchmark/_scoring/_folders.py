"""Scoring saved predictions folders against a gold folder (the work behind ``bench score``)."""

from __future__ import annotations

import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._errors import BenchError
from .._gold import default_gold_dir, load_gold
from .._models import Annotation
from .._validate import check_annotation_folder, iter_system_folders
from ._score import score_results

FORMAT_VERSION = "1.0"


def load_predictions(
    predictions_dir: Path, documents: dict[str, Any]
) -> dict[str, dict[str, Annotation]]:
    """Every system's checked predictions, by system then doc id.

    Raises:
        BenchError: naming the file and field of the first invalid prediction file.
    """
    if not predictions_dir.is_dir():
        raise BenchError(f"{predictions_dir}: no such predictions folder")
    systems: dict[str, dict[str, Annotation]] = {}
    for system, folder in iter_system_folders(predictions_dir):
        check = check_annotation_folder(folder, documents, gold=False)
        if check.problems:
            raise BenchError.from_problems(check.problems)
        systems[system] = {ann.doc_id: ann for ann in check.annotations.values()}
    if not systems:
        raise BenchError(f"{predictions_dir}: no prediction files (<doc_id>.json) found")
    return systems


def score_folders(
    gold_dir: Path | None, predictions_dir: Path, *, samples: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """A results.json-shaped dict scoring every system folder found under ``predictions_dir``."""
    from .. import __version__

    root = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    corpus = load_gold(root)
    documents = {ex.doc_id: ex.document for ex in corpus}
    systems = load_predictions(predictions_dir, documents)
    scored = score_results(corpus, systems, bootstrap_samples=samples, seed=seed)
    return {
        "format_version": FORMAT_VERSION,
        "provenance": {
            "package_version": __version__,
            "gold_sha256": corpus.sha256,
            "gold_dir": str(root),
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "bootstrap": scored["bootstrap"],
            "systems": {name: {"source": str(predictions_dir)} for name in systems},
        },
        "documents": scored["documents"],
        "results": scored["results"],
        "breakdown": scored["breakdown"],
        "errors": {name: {} for name in systems},
        "skipped": {},
        "usage": {},
    }
