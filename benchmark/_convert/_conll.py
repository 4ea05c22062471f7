"""``conll``: CoNLL-2003 style IOB2 token files (entities only), one ``<doc_id>.conll`` beside
its article ``<doc_id>.txt``; offsets are recovered by aligning each token with the article."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from .._io import read_document
from .._json import atomic_write_bytes, atomic_write_text
from .._models import ENTITY_TYPES, Annotation, Document, Entity, EntityType, Example
from .._validate import list_files
from ._common import checked, fail, tokens

DOCSTART = "-DOCSTART- O"


def non_overlapping(entities: Sequence[Entity]) -> list[Entity]:
    """The entities IOB2 can hold: overlapping ones lose to the earlier, then longer, one."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if not kept or entity.start >= kept[-1].end:
            kept.append(entity)
    return kept


def conll_lines(example: Example) -> tuple[list[str], int, int]:
    """The lines of one document's CoNLL file, the overlapping and the off-token entities.

    A blank line separates tokens whose gap holds a line break.

    Example:
        >>> from benchmark._models import Annotation
        >>> doc = Document("d", "ACME met.\\nRuritania")
        >>> ann = Annotation("d", doc.sha256, entities=(Entity(0, 4, "ACME", "ORG"),))
        >>> conll_lines(Example(doc, ann))[0]
        ['-DOCSTART- O', '', 'ACME B-ORG', 'met O', '. O', '', 'Ruritania O']
    """
    text = example.document.text
    kept = non_overlapping(example.annotation.entities)
    spans = tokens(text, [o for e in kept for o in (e.start, e.end)])
    starts = {s: i for i, (s, _) in enumerate(spans)}
    ends = {e: i for i, (_, e) in enumerate(spans)}
    tags = ["O"] * len(spans)
    off_token = 0
    for entity in kept:
        first, last = starts.get(entity.start), ends.get(entity.end)
        if first is None or last is None:
            off_token += 1
            continue
        tags[first : last + 1] = [f"B-{entity.type}"] + [f"I-{entity.type}"] * (last - first)
    lines = [DOCSTART, ""]
    previous = 0
    for (start, end), tag in zip(spans, tags, strict=True):
        if "\n" in text[previous:start] and lines[-1]:
            lines.append("")
        lines.append(f"{text[start:end]} {tag}")
        previous = end
    return lines, len(example.annotation.entities) - len(kept), off_token


def write_conll(examples: Sequence[Example], folder: Path) -> dict[str, int]:
    """Write ``<doc_id>.conll`` and ``<doc_id>.txt`` per document; count what IOB2 cannot hold."""
    dropped = {"entity ids": 0, "overlapping entities": 0, "entities off token boundaries": 0}
    for example in examples:
        lines, overlapping, off_token = conll_lines(example)
        atomic_write_bytes(folder / f"{example.doc_id}.txt", example.document.text.encode())
        atomic_write_text(folder / f"{example.doc_id}.conll", "\n".join(lines) + "\n")
        dropped["entity ids"] += sum(e.entity_id is not None for e in example.annotation.entities)
        dropped["overlapping entities"] += overlapping
        dropped["entities off token boundaries"] += off_token
    return dropped


def parse_conll(raw: str, document: Document, file: str) -> tuple[Entity, ...]:
    """The entities of one CoNLL file, each token aligned with the article.

    Columns are separated by whitespace: the first is the token, the last its IOB2 tag.

    Raises:
        BenchError: ``file:line: reason`` (a token off the text, an unknown label, an ``I-``
            tag that continues nothing, a line without a tag, text left after the tokens).

    Example:
        >>> doc = Document("d", "New York")
        >>> parse_conll("New B-GPE\\nYork I-GPE\\n", doc, "d.conll")[0].text
        'New York'
        >>> parse_conll("New B-GPE\\nYork I-LOC\\n", doc, "d.conll")
        Traceback (most recent call last):
        ...
        benchmark._errors.BenchError: d.conll:2: I-LOC does not continue a LOC entity (IOB2)
    """
    text = document.text
    found: list[Entity] = []
    open_: list[int] = []  # [start, end, type index] of the entity being read
    pos = 0

    def close() -> None:
        if open_:
            start, end, kind = open_
            found.append(Entity(start, end, text[start:end], cast(EntityType, ENTITY_TYPES[kind])))
            open_.clear()

    for number, line in enumerate(raw.split("\n"), start=1):
        where = f"{file}:{number}"
        cols = line.split()
        if not cols:
            close()
            continue
        if cols[0] == "-DOCSTART-":
            continue
        if len(cols) < 2:
            raise fail(where, f"expected a token and a tag, got {line.strip()!r:.60}")
        token, tag = cols[0], cols[-1]
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(token, pos):
            actual = text[pos : pos + len(token)]
            raise fail(
                where, f"token {token!r:.40} is not the text at offset {pos} ({actual!r:.40})"
            )
        start, pos = pos, pos + len(token)
        prefix, _, label = tag.partition("-")
        if tag == "O":
            close()
        elif prefix not in ("B", "I") or label not in ENTITY_TYPES:
            raise fail(
                where,
                f"unknown tag {tag!r:.40}: use O, B-TYPE or I-TYPE, TYPE one of "
                f"{', '.join(ENTITY_TYPES)}",
            )
        elif prefix == "B":
            close()
            open_.extend((start, pos, ENTITY_TYPES.index(label)))
        elif not open_ or ENTITY_TYPES[open_[2]] != label:
            raise fail(where, f"{tag} does not continue a {label} entity (IOB2)")
        else:
            open_[1] = pos
    close()
    if text[pos:].strip():
        raise fail(file, f"the tokens end at offset {pos}, before the end of the article")
    return tuple(found)


def read_conll(folder: Path) -> list[Example]:
    """Read every ``*.conll`` file of a folder with the article ``<doc_id>.txt`` beside it.

    Raises:
        BenchError: the first problem, ``file:line: reason``.
    """
    if not folder.is_dir():
        raise fail(str(folder), "no such folder (conll is a folder of .conll and .txt files)")
    examples = []
    for path in list_files(folder, ".conll"):
        document = read_document(path.with_suffix(".txt"))
        entities = parse_conll(read_document(path).text, document, str(path))
        annotation = Annotation(document.doc_id, document.sha256, entities=entities)
        examples.append(checked(annotation, document, str(path)))
    if not examples:
        raise fail(str(folder), "no *.conll files in this folder")
    return examples
