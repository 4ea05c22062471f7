"""``labelstudio``: the JSON that Label Studio's "Export, JSON" writes for a span-labelling
project with relations (the labeling config is in ``docs/interop.md``).

A task is ``{"data": {"text", "doc_id"}, "annotations": [{"result": [...]}]}``. Regions are
``labels`` results (``from_name`` ``label``): an entity type, ``QUOTE``, ``SPEAKER`` or ``CUE``;
a quote's kind is a per-region ``choices`` result (``kind``); an entity's id and a quote's
speaker id a per-region ``textarea`` result (``entity_id``); a quote's speaker and cue are
``relation`` results labelled ``speaker`` and ``cue``. Label Studio's offsets count UTF-16 code
units (JavaScript strings); they are converted to and from code points.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

import msgspec

from .._errors import BenchError
from .._json import atomic_write_bytes, decode_checked, encode, read_bytes
from .._models import ENTITY_TYPES, QUOTE_KINDS, Annotation, Document, Entity, Example, Quote, Span
from ._common import checked, fail, unique_ids

ROLES = {"SPEAKER": "speaker", "CUE": "cue"}


class _Value(msgspec.Struct):
    start: int | None = None
    end: int | None = None
    text: str | list[str] | None = None
    labels: list[str] | None = None
    choices: list[str] | None = None


class _Result(msgspec.Struct):
    type: str
    id: str | None = None
    from_name: str | None = None
    value: _Value | None = None
    from_id: str | None = None
    to_id: str | None = None
    labels: list[str] = []


class _Annotation(msgspec.Struct):
    result: list[_Result] = []
    was_cancelled: bool = False


class _Task(msgspec.Struct):
    data: dict[str, Any]
    id: int | None = None
    annotations: list[_Annotation] = []


def utf16_offsets(text: str) -> list[int]:
    """The UTF-16 offset of every code-point offset of ``text`` (``len(text) + 1`` items).

    Example:
        >>> utf16_offsets("a\\U0001F600b")
        [0, 1, 3, 4]
    """
    return [0, *accumulate(2 if ord(c) > 0xFFFF else 1 for c in text)]


# --- writing ----------------------------------------------------------------------------------


def _region(
    rid: str, label: str, start: int, end: int, text: str, units: list[int]
) -> dict[str, Any]:
    value = {"start": units[start], "end": units[end], "text": text[start:end], "labels": [label]}
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def _per_region(
    rid: str, name: str, kind: str, region: dict[str, Any], item: str
) -> dict[str, Any]:
    field = "choices" if kind == "choices" else "text"
    value = {"start": region["value"]["start"], "end": region["value"]["end"], field: [item]}
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind, "value": value}


def task_results(example: Example) -> list[dict[str, Any]]:
    """The ``result`` list of one document's annotation."""
    text, units = example.document.text, utf16_offsets(example.document.text)
    results: list[dict[str, Any]] = []
    for i, entity in enumerate(example.annotation.entities):
        region = _region(f"e{i}", entity.type, entity.start, entity.end, text, units)
        results.append(region)
        if entity.entity_id is not None:
            results.append(_per_region(f"e{i}", "entity_id", "textarea", region, entity.entity_id))
    for i, quote in enumerate(example.annotation.quotes):
        region = _region(f"q{i}", "QUOTE", quote.start, quote.end, text, units)
        results += [region, _per_region(f"q{i}", "kind", "choices", region, quote.kind)]
        if quote.speaker is not None:
            results.append(_per_region(f"q{i}", "entity_id", "textarea", region, quote.speaker))
        for label, span in (("SPEAKER", quote.speaker_span), ("CUE", quote.cue_span)):
            if span is not None:
                rid = f"q{i}{label[0].lower()}"
                results.append(_region(rid, label, span.start, span.end, text, units))
                relation = {"from_id": f"q{i}", "to_id": rid, "type": "relation"}
                results.append({**relation, "direction": "right", "labels": [ROLES[label]]})
    return results


def write_labelstudio(examples: Sequence[Example], path: Path) -> dict[str, int]:
    """Write one Label Studio task per document, its annotation as the task's one annotation."""
    tasks = [
        {
            "id": n,
            "data": {"text": ex.document.text, "doc_id": ex.doc_id},
            "annotations": [{"id": n, "result": task_results(ex)}],
        }
        for n, ex in enumerate(examples, start=1)
    ]
    atomic_write_bytes(path, encode(tasks))
    return {}


# --- reading ----------------------------------------------------------------------------------


class _Regions:
    """The results of one annotation, by region id."""

    def __init__(self, text: str, where: str) -> None:
        self.text, self.where = text, where
        units = utf16_offsets(text)
        self.point = {unit: i for i, unit in enumerate(units)}
        self.spans: dict[str, tuple[str, int, int]] = {}
        self.kinds: dict[str, str] = {}
        self.refs: dict[str, str] = {}
        self.links: dict[tuple[str, str], str] = {}

    def _offsets(self, value: _Value, where: str) -> tuple[int, int]:
        start = None if value.start is None else self.point.get(value.start)
        end = None if value.end is None else self.point.get(value.end)
        if start is None or end is None or not start < end:
            raise fail(where, f"offsets [{value.start}, {value.end}) are not a span of the text")
        return start, end

    def add(self, result: _Result, where: str) -> None:
        value, rid = result.value, result.id or ""
        if result.type == "relation":
            self.links[(result.from_id or "", result.to_id or "")] = where
        elif value is None:
            raise fail(where, f"a {result.type} result without a value")
        elif result.type == "labels":
            self._label(rid, value, where)
        elif result.type == "choices" and result.from_name == "kind":
            if not value.choices or value.choices[0] not in QUOTE_KINDS:
                raise fail(where, f"kind {value.choices!r:.40} is not one of {QUOTE_KINDS}")
            self.kinds[rid] = value.choices[0]
        elif result.type == "textarea" and result.from_name == "entity_id":
            if not isinstance(value.text, list) or len(value.text) != 1:
                raise fail(where, "an entity_id text area holds one line")
            self.refs[rid] = value.text[0].strip()
        else:
            raise fail(where, f"unknown result {result.type}/{result.from_name} (see the config)")

    def _label(self, rid: str, value: _Value, where: str) -> None:
        labels = value.labels or []
        if len(labels) != 1 or labels[0] not in (*ENTITY_TYPES, "QUOTE", *ROLES):
            raise fail(where, f"unknown label {labels!r:.60}: one of the config's labels")
        start, end = self._offsets(value, where)
        if isinstance(value.text, str) and value.text != self.text[start:end]:
            raise fail(
                where, f"{value.text!r:.60} is not the article's {self.text[start:end]!r:.60}"
            )
        self.spans[rid] = (labels[0], start, end)

    def annotation(self, doc_id: str, sha256: str) -> Annotation:
        roles: dict[tuple[str, str], Span] = {}
        for (source, target), where in self.links.items():
            quote, role = self.spans.get(source, ("",))[0], self.spans.get(target, ("",))[0]
            if quote != "QUOTE" or role not in ROLES:
                raise fail(where, "broken relation: from a QUOTE region to a SPEAKER or CUE one")
            roles[(source, role)] = Span(*self.spans[target][1:])
        entities, quotes = [], []
        for rid, (label, start, end) in self.spans.items():
            text = self.text[start:end]
            if label in ENTITY_TYPES:
                entities.append(Entity(start, end, text, label, self.refs.get(rid)))  # type: ignore[arg-type]
            elif label == "QUOTE":
                kind = self.kinds.get(rid, "direct")
                speaker, cue = roles.get((rid, "SPEAKER")), roles.get((rid, "CUE"))
                quotes.append(Quote(start, end, text, kind, self.refs.get(rid), speaker, cue))  # type: ignore[arg-type]
        return Annotation(doc_id, sha256, entities=tuple(entities), quotes=tuple(quotes))


def _example(task: _Task, n: int, where: str) -> Example:
    text = task.data.get("text")
    if not isinstance(text, str):
        raise fail(f"{where}.data.text", "missing: the task's text (a string)")
    doc_id = task.data.get("doc_id") or f"task-{n if task.id is None else task.id}"
    document = Document(str(doc_id), text)
    done = [(j, a) for j, a in enumerate(task.annotations) if not a.was_cancelled]
    regions = _Regions(text, where)
    for j, annotation in done[:1]:
        for k, result in enumerate(annotation.result):
            regions.add(result, f"{where}.annotations[{j}].result[{k}]")
    return checked(regions.annotation(document.doc_id, document.sha256), document, where)


def read_labelstudio(path: Path) -> list[Example]:
    """Read a Label Studio JSON export (a list of tasks; each task's first annotation that was
    not cancelled; a task without one is a document without annotations).

    Raises:
        BenchError: ``file: $[task].annotations[0].result[k]: reason`` for the first problem.
    """
    tasks, problems = decode_checked(read_bytes(path), list[_Task], str(path))
    if tasks is None:
        raise BenchError(str(problems[0]))
    return unique_ids(
        (_example(t, i + 1, f"{path}: $[{i}]") for i, t in enumerate(tasks)), str(path)
    )
