"""Counts, per-document metric results and paragraphs: the small records every layer returns.

Counts are ``(tp, fp, fn)`` triples that add up (spaCy's ``PRFScore`` idea); precision, recall and
F1 derive from them, with ``None`` wherever a denominator is zero.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

JsonItem = dict[str, Any]

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives (fractional for partial credit).

    Example:
        >>> c = Counts(3, 1, 0) + Counts(1, 0, 4)
        >>> c.tp, c.precision, c.recall, round(c.f1 or 0, 3)
        (4, 0.8, 0.5, 0.615)
        >>> Counts(0, 0, 2).precision, Counts(0, 0, 2).f1, Counts(0, 0, 0).f1
        (None, 0.0, None)
    """

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        """``tp / (tp + fp)``, None when nothing was predicted."""
        return safe_ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """``tp / (tp + fn)``, None when there is no gold item."""
        return safe_ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        """``2tp / (2tp + fp + fn)`` (the harmonic mean of P and R wherever both are defined);
        None only when there is neither a gold nor a predicted item."""
        return safe_ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_json(self) -> JsonItem:
        """The ``precision, recall, f1, tp, fp, fn`` fields of results.json."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": json_number(self.tp),
            "fp": json_number(self.fp),
            "fn": json_number(self.fn),
        }


def safe_ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is zero."""
    return numerator / denominator if denominator > 0 else None


def json_number(value: float) -> float | int:
    """An int when the value is whole (counts), else the float (partial credit)."""
    return int(value) if float(value).is_integer() else float(value)


def sum_counts(counts: Iterable[Counts]) -> Counts:
    """The sum of many counts (micro aggregation)."""
    tp = fp = fn = 0.0
    for c in counts:
        tp += c.tp
        fp += c.fp
        fn += c.fn
    return Counts(tp, fp, fn)


class Paragraphs:
    """Paragraphs of an article (blocks separated by blank lines), to place items by offset.

    Example:
        >>> paras = Paragraphs("One.\\n\\nTwo.\\nStill two.\\n \\nThree.")
        >>> len(paras), paras.index(0), paras.index(6), paras.index(30)
        (3, 0, 1, 2)
    """

    def __init__(self, text: str) -> None:
        self.starts: list[int] = [0] + [m.end() for m in _BLANK_LINES.finditer(text)]
        if len(self.starts) > 1 and self.starts[-1] >= len(text):
            self.starts.pop()

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, offset: int) -> int:
        """The paragraph holding ``offset`` (offsets in a separator belong to the one before)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)


@dataclass
class Tally:
    """Accumulates one metric's counts on one document, per paragraph, with the error items."""

    paragraphs: int
    tp: list[float] = field(init=False)
    fp: list[float] = field(init=False)
    fn: list[float] = field(init=False)
    false_positives: list[JsonItem] = field(default_factory=list)
    false_negatives: list[JsonItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = max(1, self.paragraphs)
        self.tp, self.fp, self.fn = [0.0] * n, [0.0] * n, [0.0] * n

    def add(self, paragraph: int, *, tp: float = 0, fp: float = 0, fn: float = 0) -> None:
        """Add counts to one paragraph."""
        self.tp[paragraph] += tp
        self.fp[paragraph] += fp
        self.fn[paragraph] += fn

    def result(self) -> MetricResult:
        """The finished per-document result."""
        by_paragraph = tuple(Counts(*t) for t in zip(self.tp, self.fp, self.fn, strict=False))
        return MetricResult(
            counts=sum_counts(by_paragraph),
            by_paragraph=by_paragraph,
            false_positives=tuple(self.false_positives),
            false_negatives=tuple(self.false_negatives),
        )


@dataclass(frozen=True)
class MetricResult:
    """One metric on one document: counts (in total and per paragraph) and the errors themselves."""

    counts: Counts
    by_paragraph: tuple[Counts, ...] = ()
    false_positives: tuple[JsonItem, ...] = ()
    false_negatives: tuple[JsonItem, ...] = ()

    def to_json(self, *, with_paragraphs: bool = False) -> JsonItem:
        """The ``per_document[doc_id]`` entry of results.json."""
        data = self.counts.to_json()
        data["false_positives"] = list(self.false_positives)
        data["false_negatives"] = list(self.false_negatives)
        if with_paragraphs:
            data["per_paragraph"] = [
                [json_number(c.tp), json_number(c.fp), json_number(c.fn)] for c in self.by_paragraph
            ]
        return data


def span_item(start: int, end: int, text: str, **extra: Any) -> JsonItem:
    """A small JSON dict describing a span for the error lists."""
    return {"start": start, "end": end, "text": text, **extra}


def sorted_items(items: Sequence[JsonItem]) -> list[JsonItem]:
    """Error items in a stable order (by offsets, then their JSON text)."""
    return sorted(items, key=lambda d: (d.get("start", -1), d.get("end", -1), repr(d)))
