"""The work behind ``bench validate``, kept apart from the click layer so it can be reused."""

from __future__ import annotations

from pathlib import Path

from ._errors import Problem
from ._gold import check_gold, default_gold_dir
from ._validate import check_annotation_folder, iter_system_folders, load_articles


def validate(gold_dir: Path | None, predictions_dir: Path | None) -> tuple[list[Problem], str]:
    """Check the gold folder and, if given, a predictions folder against the gold articles.

    Returns every problem found and a one-line summary for when there is none.
    """
    root = gold_dir or default_gold_dir()
    corpus, problems = check_gold(root)
    summary = f"gold {root}: {len(corpus) if corpus else 0} documents OK"
    if predictions_dir is not None:
        if not predictions_dir.is_dir():
            return [*problems, Problem(str(predictions_dir), "", "no such folder")], summary
        documents, article_problems = load_articles(root / "articles")
        if corpus is None and not documents:
            return problems + article_problems, summary
        checked_files = 0
        for _system, folder in iter_system_folders(predictions_dir):
            check = check_annotation_folder(folder, documents, gold=False)
            problems += check.problems
            checked_files += len(check.annotations)
        summary += f"; predictions {predictions_dir}: {checked_files} files OK"
    return problems, summary
