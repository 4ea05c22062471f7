"""Checks of annotations against their articles, and of whole gold and prediction folders.

Every check returns a list of :class:`~benchmark._errors.Problem`: all of them, not the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ._errors import BenchError, Problem
from ._io import check_doc_id, load_annotation_file, read_document
from ._models import AUTHOR, Annotation, Document, Span

KEBAB_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _splits_character(text: str, offset: int) -> bool:
    """True when ``offset`` falls inside a base+combining sequence or a surrogate pair."""
    if not 0 < offset < len(text):
        return False
    char = text[offset]
    return bool(unicodedata.combining(char)) or "\udc00" <= char <= "\udfff"


def check_span(span: Span, text: str, file: str, path: str, *, allow_empty: bool) -> list[Problem]:
    """Problems of one span against the article text (range, order, character boundaries)."""
    n = len(text)
    if not (0 <= span.start <= n and 0 <= span.end <= n):
        return [
            Problem(file, path, f"offsets [{span.start}, {span.end}) outside the text (0..{n})")
        ]
    if span.end < span.start or (span.end == span.start and not allow_empty):
        return [Problem(file, path, f"empty or reversed span [{span.start}, {span.end})")]
    if _splits_character(text, span.start) or _splits_character(text, span.end):
        return [Problem(file, path, f"span [{span.start}, {span.end}) splits a character")]
    return []


def _check_text(span: Span, claimed: str, text: str, file: str, path: str) -> list[Problem]:
    problems = check_span(span, text, file, path, allow_empty=False)
    if not problems and text[span.start : span.end] != claimed:
        actual = text[span.start : span.end]
        problems.append(
            Problem(
                file, f"{path}.text", f"{claimed!r:.60} does not match the article's {actual!r:.60}"
            )
        )
    return problems


def check_annotation(
    annotation: Annotation, document: Document, file: str, *, gold: bool
) -> list[Problem]:
    """Every problem of one annotation against its article.

    Predictions get the format checks; gold also gets the id checks (kebab-case canonical ids,
    quote speakers among the speakers, claim sources among the speakers or ``author``).

    Example:
        >>> from benchmark._models import Entity
        >>> doc = Document("d", "Ann said hi.")
        >>> bad = Annotation("d", doc.sha256, entities=(Entity(0, 3, "Bob", "PERSON"),))
        >>> [p.path for p in check_annotation(bad, doc, "d.json", gold=False)]
        ['$.entities[0].text']
    """
    text = document.text
    problems: list[Problem] = []
    if annotation.doc_id != document.doc_id:
        problems.append(
            Problem(
                file,
                "$.doc_id",
                f"{annotation.doc_id!r} differs from the file's {document.doc_id!r}",
            )
        )
    if annotation.text_sha256 != document.sha256:
        problems.append(
            Problem(file, "$.text_sha256", f"does not match the article ({document.sha256[:12]}…)")
        )
    for i, entity in enumerate(annotation.entities):
        problems += _check_text(entity.span, entity.text, text, file, f"$.entities[{i}]")
    for i, quote in enumerate(annotation.quotes):
        path = f"$.quotes[{i}]"
        problems += _check_text(quote.span, quote.text, text, file, path)
        for name in ("speaker_span", "cue_span"):
            span = getattr(quote, name)
            if span is not None:
                problems += check_span(span, text, file, f"{path}.{name}", allow_empty=False)
    for i, claim in enumerate(annotation.claims):
        for j, span in enumerate(claim.evidence):
            path = f"$.claims[{i}].evidence[{j}]"
            problems += check_span(span, text, file, path, allow_empty=False)
    if gold:
        problems += _check_gold_ids(annotation, file)
    return problems


def _check_gold_ids(annotation: Annotation, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for i, entity in enumerate(annotation.entities):
        if entity.entity_id is not None and not KEBAB_ID.match(entity.entity_id):
            reason = f"{entity.entity_id!r} is not a kebab-case id"
            problems.append(Problem(file, f"$.entities[{i}].entity_id", reason))
    seen_spans: set[tuple[int, int, str]] = set()
    for i, entity in enumerate(annotation.entities):
        key = (entity.start, entity.end, entity.type)
        if key in seen_spans:
            problems.append(Problem(file, f"$.entities[{i}]", "duplicate entity mention"))
        seen_spans.add(key)
    speaker_ids: set[str] = set()
    for i, speaker in enumerate(annotation.speakers):
        path = f"$.speakers[{i}].entity_id"
        if speaker.entity_id is None or not KEBAB_ID.match(speaker.entity_id):
            problems.append(Problem(file, path, "a gold speaker needs a kebab-case canonical id"))
        elif speaker.entity_id in speaker_ids:
            problems.append(Problem(file, path, f"duplicate speaker {speaker.entity_id!r}"))
        else:
            speaker_ids.add(speaker.entity_id)
    for i, quote in enumerate(annotation.quotes):
        if quote.speaker is not None and quote.speaker not in speaker_ids:
            reason = f"{quote.speaker!r} is not a speaker's entity_id"
            problems.append(Problem(file, f"$.quotes[{i}].speaker", reason))
    for i, claim in enumerate(annotation.claims):
        if claim.source != AUTHOR and claim.source not in speaker_ids:
            reason = f"{claim.source!r} is neither {AUTHOR!r} nor a speaker's entity_id"
            problems.append(Problem(file, f"$.claims[{i}].source", reason))
    return problems


def check_entity_types(annotations: Mapping[str, Annotation]) -> list[Problem]:
    """Problems where one canonical entity id carries different types across the corpus."""
    first_type: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    for file, annotation in annotations.items():
        for i, entity in enumerate(annotation.entities):
            if entity.entity_id is None:
                continue
            seen = first_type.setdefault(entity.entity_id, (entity.type, file))
            if seen[0] != entity.type:
                reason = f"{entity.entity_id!r} is {entity.type} here but {seen[0]} in {seen[1]}"
                problems.append(Problem(file, f"$.entities[{i}].type", reason))
    return problems


@dataclass(frozen=True)
class FolderCheck:
    """What checking a folder found: the annotations that parsed, and every problem."""

    annotations: dict[str, Annotation]
    problems: list[Problem]


def load_articles(articles_dir: Path) -> tuple[dict[str, Document], list[Problem]]:
    """Read every ``*.txt`` article in a folder, keyed by doc id."""
    documents: dict[str, Document] = {}
    problems: list[Problem] = []
    if not articles_dir.is_dir():
        return documents, [Problem(str(articles_dir), "", "no such folder")]
    for path in sorted(articles_dir.glob("*.txt")):
        try:
            documents[path.stem] = read_document(path)
        except BenchError as exc:
            problems.append(Problem(str(path), "", str(exc).removeprefix(f"{path}: ")))
    if not documents and not problems:
        problems.append(Problem(str(articles_dir), "", "no *.txt articles in this folder"))
    return documents, problems


def check_annotation_folder(
    folder: Path, documents: Mapping[str, Document], *, gold: bool
) -> FolderCheck:
    """Parse and check every ``*.json`` file of a folder against the articles it names.

    Gold folders must annotate every article and nothing else; prediction folders may cover a
    subset of the articles.
    """
    annotations: dict[str, Annotation] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return FolderCheck(annotations, [Problem(str(folder), "", "no such folder")])
    paths = sorted(folder.glob("*.json"))
    for path in paths:
        file = str(path)
        reason = check_doc_id(path.stem)
        if reason:
            problems.append(Problem(file, "", reason))
            continue
        document = documents.get(path.stem)
        if document is None:
            problems.append(Problem(file, "", f"no article with doc id {path.stem!r}"))
            continue
        annotation, found = load_annotation_file(path)
        problems += found
        if annotation is not None:
            checked = check_annotation(annotation, document, file, gold=gold)
            problems += checked
            if not checked:
                annotations[file] = annotation
    if gold:
        annotated = {p.stem for p in paths}
        for doc_id in sorted(set(documents) - annotated):
            problems.append(
                Problem(str(folder / f"{doc_id}.json"), "", "article has no annotation file")
            )
        problems += check_entity_types(annotations)
    return FolderCheck(annotations, problems)


def iter_system_folders(predictions: Path) -> Iterable[tuple[str, Path]]:
    """The (system, folder) pairs of a predictions folder.

    A folder holding ``*.json`` files directly is one system named after the folder; otherwise
    every sub-folder is a system.
    """
    if any(predictions.glob("*.json")):
        yield predictions.name, predictions
        return
    for sub in sorted(
        p for p in predictions.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        yield sub.name, sub
