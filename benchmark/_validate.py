"""Checks of annotations against their articles, and of whole gold and prediction folders.

Every check returns a list of :class:`~benchmark._errors.Problem`: all of them, not the first.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from ._errors import BenchError, Problem
from ._io import check_doc_id, decode_annotation, read_document
from ._json import read_bytes
from ._models import AUTHOR, Annotation, Document, Span

KEBAB_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENTITY_ID = attrgetter("entity_id")
_MENTION_KEY = attrgetter("start", "end", "type")


def check_span(
    span: Span, document: Document, file: str, path: str, *, allow_empty: bool
) -> list[Problem]:
    """Problems of one span against the article (range, order, character boundaries)."""
    n = len(document.text)
    start, end = span.start, span.end
    if not (0 <= start <= n and 0 <= end <= n):
        return [Problem(file, path, f"offsets [{start}, {end}) outside the text (0..{n})")]
    if end < start or (end == start and not allow_empty):
        return [Problem(file, path, f"empty or reversed span [{start}, {end})")]
    inner = document.inner_offsets
    if inner and (start in inner or end in inner):
        return [Problem(file, path, f"span [{start}, {end}) splits a character")]
    return []


def _check_text(
    span: Span, claimed: str, document: Document, file: str, path: str
) -> list[Problem]:
    problems = check_span(span, document, file, path, allow_empty=False)
    text = document.text
    if not problems and text[span.start : span.end] != claimed:
        actual = text[span.start : span.end]
        problems.append(
            Problem(
                file, f"{path}.text", f"{claimed!r:.60} does not match the article's {actual!r:.60}"
            )
        )
    return problems


def _sound(start: int, end: int, claimed: str, text: str, inner: frozenset[int]) -> bool:
    """The common case, in one expression: a non-empty span inside the text, on character
    boundaries, whose text is the article's."""
    return (
        0 <= start < end <= len(text)
        and text[start:end] == claimed
        and (not inner or (start not in inner and end not in inner))
    )


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
    inner = document.inner_offsets
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
    n = len(text)
    for i, entity in enumerate(annotation.entities):
        start, end = entity.start, entity.end
        if (
            0 <= start < end <= n
            and text[start:end] == entity.text
            and (not inner or (start not in inner and end not in inner))
        ):
            continue  # the common case, inline: this loop runs for every mention of a corpus
        problems += _check_text(entity.span, entity.text, document, file, f"$.entities[{i}]")
    for i, quote in enumerate(annotation.quotes):
        path = f"$.quotes[{i}]"
        if not _sound(quote.start, quote.end, quote.text, text, inner):
            problems += _check_text(quote.span, quote.text, document, file, path)
        for name in ("speaker_span", "cue_span"):
            span = getattr(quote, name)
            if span is not None:
                problems += check_span(span, document, file, f"{path}.{name}", allow_empty=False)
    for i, claim in enumerate(annotation.claims):
        for j, span in enumerate(claim.evidence):
            path = f"$.claims[{i}].evidence[{j}]"
            problems += check_span(span, document, file, path, allow_empty=False)
    if gold:
        problems += _check_gold_ids(annotation, file)
    return problems


def _check_gold_ids(annotation: Annotation, file: str) -> list[Problem]:
    problems: list[Problem] = []
    entities = annotation.entities
    ids = set(map(_ENTITY_ID, entities)) - {None}
    if not all(KEBAB_ID.match(eid) for eid in ids if eid is not None):  # each id checked once
        for i, entity in enumerate(entities):
            if entity.entity_id is not None and not KEBAB_ID.match(entity.entity_id):
                reason = f"{entity.entity_id!r} is not a kebab-case id"
                problems.append(Problem(file, f"$.entities[{i}].entity_id", reason))
    keys = list(map(_MENTION_KEY, entities))
    if len(set(keys)) != len(keys):
        seen_spans: set[tuple[int, int, str]] = set()
        for i, key in enumerate(keys):
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


class EntityTypes:
    """The type each canonical entity id was first given, checked one annotation at a time (so
    a corpus read in batches keeps only this map).

    Example:
        >>> from benchmark._models import Entity
        >>> types = EntityTypes()
        >>> types.add("a.json", Annotation("a", "", entities=(Entity(0, 1, "A", "ORG", "x"),)))
        []
        >>> bad = Annotation("b", "", entities=(Entity(0, 1, "A", "GPE", "x"),))
        >>> [p.reason for p in types.add("b.json", bad)]
        ["'x' is GPE here but ORG in a.json"]
    """

    def __init__(self) -> None:
        self.first_type: dict[str, tuple[str, str]] = {}

    def add(self, file: str, annotation: Annotation) -> list[Problem]:
        """Record the entity types of one annotation; return where they differ from before."""
        problems: list[Problem] = []
        ids = list(map(_ENTITY_ID, annotation.entities))
        if ids.count(None) == len(ids):
            return problems
        for i, entity in enumerate(annotation.entities):
            if entity.entity_id is None:
                continue
            seen = self.first_type.setdefault(entity.entity_id, (entity.type, file))
            if seen[0] != entity.type:
                reason = f"{entity.entity_id!r} is {entity.type} here but {seen[0]} in {seen[1]}"
                problems.append(Problem(file, f"$.entities[{i}].type", reason))
        return problems

    def merge(self, first_type: Mapping[str, tuple[str, str]]) -> bool:
        """Add the first types that another instance recorded (for annotations that come after
        this one's); whether every id kept the type it had here."""
        kept = self.first_type
        return all(kept.setdefault(eid, seen)[0] == seen[0] for eid, seen in first_type.items())


def check_entity_types(annotations: Mapping[str, Annotation]) -> list[Problem]:
    """Problems where one canonical entity id carries different types across the corpus."""
    types = EntityTypes()
    return [problem for file, ann in annotations.items() for problem in types.add(file, ann)]


@dataclass(frozen=True)
class FolderCheck:
    """What checking a folder found: the annotations that parsed, every problem, and the sha256
    of every file read (so the gold's digest needs no second read)."""

    annotations: dict[str, Annotation]
    problems: list[Problem]
    digests: dict[str, bytes] = field(default_factory=dict)


def list_names(folder: Path, suffix: str) -> list[str]:
    """The names of the entries of ``folder`` ending in ``suffix``, sorted (hidden ones too: an
    unsafe name is reported, never skipped)."""
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if e.name.endswith(suffix))


def list_files(folder: Path, suffix: str) -> list[Path]:
    """The entries of ``folder`` ending in ``suffix``, sorted by name (see :func:`list_names`)."""
    return [folder / name for name in list_names(folder, suffix)]


def name_stem(name: str) -> str:
    """``Path(name).stem`` of a file name, without making a path.

    Example:
        >>> [name_stem(n) for n in ("a.txt", "a.b.json", ".txt", "..txt")]
        ['a', 'a.b', '.txt', '.']
    """
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def child_prefix(folder: Path) -> str:
    """What ``str(folder / name)`` puts before a plain file name ``name``.

    Example:
        >>> child_prefix(Path("gold")), child_prefix(Path(".")), child_prefix(Path("/"))
        ('gold/', '', '/')
    """
    return str(folder / "_")[:-1]


def load_articles(articles_dir: Path) -> tuple[dict[str, Document], list[Problem]]:
    """Read every ``*.txt`` article in a folder, keyed by doc id."""
    documents: dict[str, Document] = {}
    problems: list[Problem] = []
    if not articles_dir.is_dir():
        return documents, [Problem(str(articles_dir), "", "no such folder")]
    for path in list_files(articles_dir, ".txt"):
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
    digests: dict[str, bytes] = {}
    if not folder.is_dir():
        return FolderCheck(annotations, [Problem(str(folder), "", "no such folder")])
    paths = list_files(folder, ".json")
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
        try:
            raw = read_bytes(path)
        except BenchError as exc:
            problems.append(Problem(file, "", str(exc).removeprefix(f"{path}: ")))
            continue
        digests[file] = hashlib.sha256(raw).digest()
        annotation, found = decode_annotation(raw, file)
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
    return FolderCheck(annotations, problems, digests)


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


def read_prediction_folders(
    predictions_dir: Path, documents: Mapping[str, Document]
) -> tuple[dict[str, dict[str, Annotation]], list[Problem]]:
    """Every system's predictions under ``predictions_dir`` that pass every check (system ->
    doc id -> annotation), and every problem of the others.

    ``predictions_dir`` is one system's folder of ``<doc_id>.json`` files, or a folder of them.
    """
    if not predictions_dir.is_dir():
        return {}, [Problem(str(predictions_dir), "", "no such folder")]
    systems: dict[str, dict[str, Annotation]] = {}
    problems: list[Problem] = []
    for system, folder in iter_system_folders(predictions_dir):
        check = check_annotation_folder(folder, documents, gold=False)
        problems += check.problems
        systems[system] = {ann.doc_id: ann for ann in check.annotations.values()}
    return systems, problems


def validate_folders(
    gold_dir: Path | None, predictions_dir: Path | None
) -> tuple[list[Problem], str]:
    """Check the gold and, if given, predictions against the gold articles (a gold or
    predictions ``.jsonl`` or ``.parquet`` file, or a saved dataset as gold, is read through
    :mod:`benchmark._sources`).

    Returns every problem found and a one-line summary for when there is none.
    """
    from ._gold import check_gold, default_gold_dir
    from ._sources import read_predictions, source_kind

    root = gold_dir or default_gold_dir()
    corpus, problems = check_gold(root)
    summary = f"gold {root}: {len(corpus) if corpus else 0} documents OK"
    if predictions_dir is not None:
        if corpus is not None:
            documents = {ex.doc_id: ex.document for ex in corpus}
        elif source_kind(root) != "folder":
            return problems, summary
        else:
            documents, article_problems = load_articles(root / "articles")
            if not documents:
                return problems + article_problems, summary
        if source_kind(predictions_dir) == "folder":
            systems, found = read_prediction_folders(predictions_dir, documents)
        else:
            systems, found = read_predictions(predictions_dir, documents)
        problems += found
        checked_files = sum(len(by_doc) for by_doc in systems.values())
        summary += f"; predictions {predictions_dir}: {checked_files} files OK"
    return problems, summary
