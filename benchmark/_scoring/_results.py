"""Counts, per-document metric results and paragraphs: the small records every layer returns.

Counts are ``(tp, fp, fn)`` triples that add up (spaCy's ``PRFScore`` idea); precision, recall and
F1 derive from them, with ``None`` wherever a denominator is zero. :func:`matched_result` turns
the credit a matching gave each item into a :class:`MetricResult`, :func:`counted_result` the
paragraphs of counted hits and misses (sets of ids); both count per paragraph only when the
article has several.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import msgspec

JsonItem = dict[str, Any]

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


class Counts(msgspec.Struct, frozen=True, gc=False):
    """True positives, false positives and false negatives (fractional for partial credit).

    A frozen struct (cheap to create: scoring makes dozens per document), compared, hashed and
    shown like a frozen dataclass.

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

    def indices(self, offsets: Sequence[int]) -> list[int]:
        """:meth:`index` of every offset (all 0 at once when there is one paragraph).

        Example:
            >>> Paragraphs("One.\\n\\nTwo.").indices([0, 7, 2])
            [0, 1, 0]
        """
        if len(self.starts) == 1:
            return [0] * len(offsets)
        starts = self.starts
        return [max(0, bisect.bisect_right(starts, offset) - 1) for offset in offsets]

    def places(self, gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]]) -> Places:
        """:class:`Places` of gold and predicted items by their first field, a start offset.

        Example:
            >>> Paragraphs("One.\\n\\nTwo.").places([(6, 8)], [(0, 2), (2, 4)])
            Places(gold=[1], pred=[0, 0], paragraphs=2)
        """
        if len(self.starts) == 1:
            return Places([0] * len(gold), [0] * len(pred), 1)
        return Places(
            self.indices([item[0] for item in gold]),
            self.indices([item[0] for item in pred]),
            len(self.starts),
        )


class Places(NamedTuple):
    """The paragraph of every gold and predicted item of one metric, and how many there are."""

    gold: Sequence[int]
    pred: Sequence[int]
    paragraphs: int


def matched_result(
    places: Places,
    matched: Sequence[tuple[Any, ...]],
    false_positives: Sequence[JsonItem],
    false_negatives: Sequence[JsonItem],
    *,
    half: Sequence[tuple[Any, ...]] = (),
) -> MetricResult:
    """A metric's result from its (gold, pred, ...) matched pairs: 1 each, 0.5 each in ``half``.

    Each gold item adds its credit to tp and the rest to fn, each predicted item the rest of its
    credit to fp, in its own paragraph.

    Example:
        >>> places = Places(gold=[0, 1], pred=[1, 1], paragraphs=2)
        >>> result = matched_result(places, [], [], [], half=[(1, 0)])
        >>> result.counts, result.by_paragraph[1]
        (Counts(tp=0.5, fp=1.5, fn=1.5), Counts(tp=0.5, fp=1.5, fn=0.5))
    """
    n_gold, n_pred = len(places.gold), len(places.pred)
    tp = len(matched) + 0.5 * len(half)
    total = Counts(tp, n_pred - tp, n_gold - tp)
    if places.paragraphs <= 1:
        by_paragraph: tuple[Counts, ...] = (total,)
    else:
        tps = [0.0] * places.paragraphs
        fns = _histogram(places.gold, places.paragraphs)
        fps = _histogram(places.pred, places.paragraphs)
        for credit, pairs in ((1.0, matched), (0.5, half)):
            for pair in pairs:
                tps[places.gold[pair[0]]] += credit
                fns[places.gold[pair[0]]] -= credit
                fps[places.pred[pair[1]]] -= credit
        by_paragraph = tuple(map(Counts, tps, fps, fns))
    return MetricResult(total, by_paragraph, tuple(false_positives), tuple(false_negatives))


def empty_result(paragraphs: int) -> MetricResult:
    """The result of a metric with no gold and no predicted item: zero in every paragraph.

    Example:
        >>> empty_result(2).by_paragraph
        (Counts(tp=0.0, fp=0.0, fn=0.0), Counts(tp=0.0, fp=0.0, fn=0.0))
    """
    return MetricResult(_ZERO, (_ZERO,) * max(1, paragraphs))


def counted_result(
    paragraphs: int,
    tp: Sequence[int],
    fp: Sequence[int],
    fn: Sequence[int],
    false_positives: Sequence[JsonItem],
    false_negatives: Sequence[JsonItem],
) -> MetricResult:
    """A metric's result from the paragraph of each true positive, false positive and miss.

    Example:
        >>> result = counted_result(2, [0], [1, 1], [], [], [])
        >>> result.counts, result.by_paragraph[1]
        (Counts(tp=1.0, fp=2.0, fn=0.0), Counts(tp=0.0, fp=2.0, fn=0.0))
    """
    total = Counts(float(len(tp)), float(len(fp)), float(len(fn)))
    if paragraphs <= 1:
        by_paragraph: tuple[Counts, ...] = (total,)
    else:
        by_paragraph = tuple(
            map(
                Counts,
                _histogram(tp, paragraphs),
                _histogram(fp, paragraphs),
                _histogram(fn, paragraphs),
            )
        )
    return MetricResult(total, by_paragraph, tuple(false_positives), tuple(false_negatives))


def _histogram(paragraph_of: Sequence[int], paragraphs: int) -> list[float]:
    counts = [0.0] * paragraphs
    for paragraph in paragraph_of:
        counts[paragraph] += 1
    return counts


_ZERO = Counts(0.0, 0.0, 0.0)


class MetricResult(msgspec.Struct, frozen=True, gc=False):
    """One metric on one document: counts (in total and per paragraph) and the errors themselves."""

    counts: Counts
    by_paragraph: tuple[Counts, ...] = ()
    false_positives: tuple[JsonItem, ...] = ()
    false_negatives: tuple[JsonItem, ...] = ()


def matched_sides(
    matchings: Mapping[str, Sequence[tuple[Any, ...]]],
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per metric, the gold and the predicted indices its (gold, pred, ...) pairs matched.

    Example:
        >>> matched_sides({"exact": [(0, 2, 1.0)]})
        ({'exact': {0}}, {'exact': {2}})
    """
    gold = {metric: {pair[0] for pair in chosen} for metric, chosen in matchings.items()}
    pred = {metric: {pair[1] for pair in chosen} for metric, chosen in matchings.items()}
    return gold, pred


def span_item(start: int, end: int, text: str, **extra: Any) -> JsonItem:
    """A small JSON dict describing a span for the error lists."""
    return {"start": start, "end": end, "text": text, **extra}


def unmatched_in_any(
    count: int, matched: Sequence[set[int]], key: Callable[[int], Any]
) -> list[int]:
    """The indices below ``count`` that some matching leaves out, in ``key`` order.

    Every error list of a layer is this list filtered by one metric's matches.

    Example:
        >>> unmatched_in_any(4, [{0, 1}, {1, 3}], key=lambda i: -i)
        [3, 2, 0]
    """
    everywhere = set.intersection(*matched) if matched else set()
    missing = [i for i in range(count) if i not in everywhere]
    missing.sort(key=key)
    return missing


def optional_key(value: str | None) -> tuple[bool, str]:
    """A sort key for an optional string: strings in order, then None.

    Error lists are sorted by tuples of their fields, offsets first, so that their order never
    depends on the order of the input.

    Example:
        >>> sorted(["b", None, "a"], key=optional_key)
        ['a', 'b', None]
    """
    return (value is None, value or "")
