"""``brat``: brat standoff, ``<doc_id>.txt`` and ``<doc_id>.ann`` per document.

Entities are ``T`` lines typed by the entity type; a quote is a ``Quote`` ``T`` line with a
``Kind`` attribute (``A`` line) and ``Speaker`` and ``Cue`` relations (``R`` lines) to
``Speaker`` and ``Cue`` ``T`` lines. Ids are normalisations (``N`` lines) into the ``bench``
namespace: an entity's ``entity_id``, a quote's speaker id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._io import read_document
from .._json import atomic_write_bytes, atomic_write_text
from .._models import ENTITY_TYPES, QUOTE_KINDS, Annotation, Document, Entity, Example, Quote, Span
from .._validate import list_files
from ._common import checked, fail

ROLES = ("Speaker", "Cue")
ANNOTATION_CONF = f"""[entities]
{chr(10).join(ENTITY_TYPES)}
Quote
Speaker
Cue

[relations]
Speaker Arg1:Quote, Arg2:Speaker
Cue Arg1:Quote, Arg2:Cue
<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]

[attributes]
Kind Arg:Quote, Value:{"|".join(QUOTE_KINDS)}
"""

_T = re.compile(r"(T\d+)\t(\S+) (\d+) (\d+)\t(.*)")
_A = re.compile(r"A\d+\tKind (T\d+) (\S+)")
_N = re.compile(r"N\d+\tReference (T\d+) bench:(\S+)\t.*")
_R = re.compile(r"R\d+\t(\S+) Arg1:(T\d+) Arg2:(T\d+)")


def _shown(text: str) -> str:
    """A span's text as a ``T`` line shows it (line breaks and tabs as spaces)."""
    return re.sub(r"[\n\r\t]", " ", text)


def ann_lines(annotation: Annotation, text: str) -> list[str]:
    """The lines of one ``.ann`` file.

    Example:
        >>> ann = Annotation("d", "", quotes=(Quote(5, 7, "hi", "direct", "ann",
        ...     speaker_span=Span(0, 3)),))
        >>> ann_lines(ann, "Ann: hi")
        ['T1\\tQuote 5 7\\thi', 'A1\\tKind T1 direct', 'N1\\tReference T1 bench:ann\\tann', \
'T2\\tSpeaker 0 3\\tAnn', 'R1\\tSpeaker Arg1:T1 Arg2:T2']
    """
    lines: list[str] = []
    count = {"T": 0, "A": 0, "N": 0, "R": 0}

    def add(kind: str, body: str) -> str:
        count[kind] += 1
        lines.append(f"{kind}{count[kind]}\t{body}")
        return f"{kind}{count[kind]}"

    def span(label: str, start: int, end: int, ref: str | None, kind: str | None = None) -> str:
        tid = add("T", f"{label} {start} {end}\t{_shown(text[start:end])}")
        if kind is not None:
            add("A", f"Kind {tid} {kind}")
        if ref is not None:
            add("N", f"Reference {tid} bench:{ref}\t{ref}")
        return tid

    for entity in annotation.entities:
        span(entity.type, entity.start, entity.end, entity.entity_id)
    for quote in annotation.quotes:
        qid = span("Quote", quote.start, quote.end, quote.speaker, quote.kind)
        for role, target in zip(ROLES, (quote.speaker_span, quote.cue_span), strict=True):
            if target is not None:
                add("R", f"{role} Arg1:{qid} Arg2:{span(role, target.start, target.end, None)}")
    return lines


def write_brat(examples: Sequence[Example], folder: Path) -> dict[str, int]:
    """Write ``<doc_id>.txt``, ``<doc_id>.ann`` per document and brat's ``annotation.conf``."""
    for example in examples:
        text = example.document.text
        atomic_write_bytes(folder / f"{example.doc_id}.txt", text.encode())
        lines = ann_lines(example.annotation, text)
        atomic_write_text(folder / f"{example.doc_id}.ann", "".join(f"{x}\n" for x in lines))
    atomic_write_text(folder / "annotation.conf", ANNOTATION_CONF)
    return {}


@dataclass
class _Parsed:
    """The lines of one ``.ann`` file, by kind, each with its ``file:line``."""

    spans: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (quote, role) -> T id
    linked: set[str] = field(default_factory=set)


def _parse_line(line: str, where: str, text: str, parsed: _Parsed) -> None:
    if not line.strip() or line.startswith("#"):
        return
    if m := _T.fullmatch(line):
        tid, label, start, end = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
        if label not in (*ENTITY_TYPES, "Quote", *ROLES):
            raise fail(where, f"unknown label {label!r:.40}: see annotation.conf")
        if not 0 <= start < end <= len(text):
            raise fail(where, f"offsets [{start}, {end}) outside the text (0..{len(text)})")
        if _shown(text[start:end]) != m.group(5):
            raise fail(where, f"{m.group(5)!r:.60} is not the article's {text[start:end]!r:.60}")
        parsed.spans[tid] = (label, start, end, where)
    elif m := _A.fullmatch(line):
        if m.group(2) not in QUOTE_KINDS:
            raise fail(where, f"Kind {m.group(2)!r:.40} is not one of {', '.join(QUOTE_KINDS)}")
        parsed.kinds[m.group(1)] = m.group(2)
    elif m := _N.fullmatch(line):
        parsed.refs[m.group(1)] = m.group(2)
    elif m := _R.fullmatch(line):
        role, quote, target = m.groups()
        if role not in ROLES:
            raise fail(where, f"unknown relation {role!r:.40}: use Speaker or Cue")
        if (
            parsed.spans.get(quote, ("",))[0] != "Quote"
            or parsed.spans.get(target, ("",))[0] != role
        ):
            raise fail(where, f"broken relation: Arg1 must be a Quote and Arg2 a {role} T line")
        if (quote, role) in parsed.links:
            raise fail(where, f"{quote} has two {role} relations")
        parsed.links[quote, role] = target
        parsed.linked.add(target)
    else:
        raise fail(where, f"not a T, A (Kind), N (Reference bench:ID), R or # line: {line!r:.60}")


def parse_ann(raw: str, document: Document, file: str) -> Annotation:
    """The annotation of one ``.ann`` file (``T`` lines before the lines naming them).

    Raises:
        BenchError: ``file:line: reason`` for the first bad line.

    Example:
        >>> doc = Document("d", "Ann: hi")
        >>> parse_ann("T1\\tQuote 5 7\\thi\\nR1\\tSpeaker Arg1:T1 Arg2:T9\\n", doc, "d.ann")
        Traceback (most recent call last):
        ...
        benchmark._errors.BenchError: d.ann:2: broken relation: Arg1 must be a Quote and Arg2 a \
Speaker T line
    """
    parsed = _Parsed()
    text = document.text
    for number, line in enumerate(raw.split("\n"), start=1):
        _parse_line(line.rstrip("\r"), f"{file}:{number}", text, parsed)
    entities, quotes = [], []
    for tid, (label, start, end, where) in parsed.spans.items():
        ref = parsed.refs.get(tid)
        if label in ENTITY_TYPES:
            entities.append(Entity(start, end, text[start:end], label, ref))  # type: ignore[arg-type]
        elif label == "Quote":
            spans = [parsed.links.get((tid, role)) for role in ROLES]
            speaker_span, cue_span = (
                None if s is None else Span(*parsed.spans[s][1:3]) for s in spans
            )
            kind = parsed.kinds.get(tid, "direct")
            quotes.append(
                Quote(start, end, text[start:end], kind, ref, speaker_span, cue_span)  # type: ignore[arg-type]
            )
        elif tid not in parsed.linked:
            raise fail(where, f"{label} {tid} is not linked to a Quote by a {label} relation")
    return Annotation(
        document.doc_id, document.sha256, entities=tuple(entities), quotes=tuple(quotes)
    )


def read_brat(folder: Path) -> list[Example]:
    """Read every ``*.ann`` file of a folder with the article ``<doc_id>.txt`` beside it.

    Raises:
        BenchError: the first problem, ``file:line: reason``.
    """
    if not folder.is_dir():
        raise fail(str(folder), "no such folder (brat is a folder of .txt and .ann files)")
    examples = []
    for path in list_files(folder, ".ann"):
        document = read_document(path.with_suffix(".txt"))
        annotation = parse_ann(read_document(path).text, document, str(path))
        examples.append(checked(annotation, document, str(path)))
    if not examples:
        raise fail(str(folder), "no *.ann files in this folder")
    return examples
