"""Percentile bootstrap intervals of F1, and the paired bootstrap that compares two systems.

Resampling units are documents, or paragraphs when the corpus has fewer than 10 documents. A
resample is drawn as multinomial counts over the units (equivalent to drawing units with
replacement), so every metric's resampled totals are one matrix product. The draws depend only
on the seed, the number of units and the number of samples: two systems scored on the same gold
with the same seed share their resamples, which is what makes the comparison paired.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._errors import BenchError
from .._formats import DocumentDetail

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]

MIN_DOCUMENTS = 10
CONFIDENCE = 0.95


def bootstrap_unit(n_documents: int) -> Literal["document", "paragraph"]:
    """``"document"`` for 10 documents or more, else ``"paragraph"``."""
    return "document" if n_documents >= MIN_DOCUMENTS else "paragraph"


BLOCK_CELLS = 1 << 22
"""The most cells of a resample matrix made at once: a larger one (more than 4,194 units at
1,000 samples) is made in blocks of rows, so the bootstrap's memory stays bounded."""


def resample_draws(n_units: int, samples: int, seed: int | tuple[int, int]) -> IntArray:
    """A ``(samples, n_units)`` matrix: the units drawn (with replacement) in each resample."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.integers(0, n_units, size=(samples, n_units))


def resample_weights(n_units: int, samples: int, seed: int | tuple[int, int]) -> FloatArray:
    """A ``(samples, n_units)`` matrix: how often each unit is drawn in each resample."""
    import numpy as np

    if n_units == 0 or samples <= 0:
        return np.zeros((max(samples, 0), n_units))
    drawn = resample_draws(n_units, samples, seed)
    drawn += (np.arange(samples) * n_units)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=samples * n_units)
    return counts.reshape(samples, n_units).astype(float)


def resampled_f1(unit_counts: FloatArray, weights: FloatArray) -> FloatArray:
    """F1 of each resample (NaN where undefined, as ``Counts.f1``) from ``(units, 3)`` counts."""
    import numpy as np

    totals = weights @ unit_counts if unit_counts.size else np.zeros((weights.shape[0], 3))
    return f1_of_totals(totals)


def f1_of_totals(totals: FloatArray) -> FloatArray:
    """F1 of each row of ``(tp, fp, fn)`` totals (NaN where undefined, as ``Counts.f1``)."""
    import numpy as np

    tp, fp, fn = totals[:, 0], totals[:, 1], totals[:, 2]
    denominator = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(denominator > 0, 2 * tp / denominator, np.nan)
    return np.asarray(f1, dtype=float)


def percentile_interval(values: FloatArray) -> list[float] | None:
    """The central 95% percentile interval of the defined values, or None when there are none."""
    import numpy as np

    defined = values[~np.isnan(values)]
    if defined.size == 0:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    lo, hi = np.percentile(defined, [tail, 100 - tail])
    return [float(lo), float(hi)]


UnitRow = tuple[str, str, Any, Sequence[Any]]
"""``(layer, metric, counts, paragraph counts)`` of one document: counts are ``(tp, fp, fn)``
triples or :class:`~benchmark._scoring.Counts`; no paragraph counts means one paragraph."""


def _triple(counts: Any) -> tuple[float, float, float]:
    return counts if isinstance(counts, tuple) else (counts.tp, counts.fp, counts.fn)


def unit_arrays(rows: Iterable[UnitRow], unit: str) -> dict[tuple[str, str], FloatArray]:
    """Every metric's ``(units, 3)`` count matrix over documents or paragraphs, in row order:
    what the intervals and the paired comparison resample."""
    import numpy as np

    table: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for layer, metric, counts, paragraphs in rows:
        key = (layer, metric)
        slot = table.get(key)
        if slot is None:
            slot = table[key] = []
        if unit == "paragraph" and len(paragraphs) > 1:
            slot.extend(map(_triple, paragraphs))
        else:
            slot.append(_triple(counts))
    return {key: np.array(value, dtype=float).reshape(-1, 3) for key, value in table.items()}


def detail_rows(details: Iterable[DocumentDetail]) -> Iterator[UnitRow]:
    """The unit rows of ``details.jsonl`` lines."""
    for detail in details:
        for layer, metrics in detail.metrics.items():
            for metric, data in metrics.items():
                yield layer, metric, data.counts, data.paragraphs


def system_intervals(
    rows: Iterable[UnitRow], unit: str, samples: int, seed: int
) -> dict[tuple[str, str], list[float] | None]:
    """The F1 interval of every metric (None for all when ``samples`` is 0)."""
    return intervals_of(unit_arrays(rows, unit), samples, seed)


def intervals_of(
    arrays: dict[tuple[str, str], FloatArray], samples: int, seed: int
) -> dict[tuple[str, str], list[float] | None]:
    """The F1 interval of every metric from its ``(units, 3)`` count matrix (see
    :func:`unit_arrays`; a corpus scored in batches builds the matrices itself).

    A metric with no count in any unit has F1 undefined in every resample: no interval. The
    others are resampled together, one matrix product per number of units (counts and draws
    are whole or half numbers, so every total is exact in any order of summation).
    """
    if samples <= 0:
        return dict.fromkeys(arrays)
    import numpy as np

    out: dict[tuple[str, str], list[float] | None] = {}
    counted: dict[int, list[tuple[str, str]]] = {}
    for key, counts in arrays.items():
        if counts.any():
            counted.setdefault(counts.shape[0], []).append(key)
        else:
            out[key] = None
    for n_units, keys in counted.items():
        stacked = np.concatenate([arrays[key] for key in keys], axis=1)
        if n_units * samples > BLOCK_CELLS:
            blocks: Iterable[IntArray] = draw_blocks(n_units, samples, seed)
        else:
            blocks = (resample_draws(n_units, samples, seed),)
        totals = np.concatenate([_resampled_totals(block, stacked) for block in blocks])
        for k, key in enumerate(keys):
            out[key] = percentile_interval(f1_of_totals(totals[:, 3 * k : 3 * k + 3]))
    return {key: out[key] for key in arrays}


def _resampled_totals(drawn: IntArray, counts: FloatArray) -> FloatArray:
    """Each resample's totals of ``(units, k)`` counts: row by row, how often each unit was
    drawn times the counts (the same as :func:`resample_weights` ``@ counts``, without the
    whole weight matrix)."""
    import numpy as np

    n_units = counts.shape[0]
    totals = np.empty((drawn.shape[0], counts.shape[1]))
    for row, units in enumerate(drawn):
        totals[row] = np.bincount(units, minlength=n_units) @ counts
    return totals


def draw_blocks(n_units: int, samples: int, seed: int) -> Iterator[IntArray]:
    """The draws of a large corpus, as blocks of rows: block ``b`` is drawn from the stream
    ``(seed, b)``, so the draws still depend only on the seed, the units and the samples.

    Example:
        >>> [block.shape for block in draw_blocks(3_000_000, 4, 0)]
        [(1, 3000000), (1, 3000000), (1, 3000000), (1, 3000000)]
    """
    rows = max(1, BLOCK_CELLS // max(n_units, 1))
    for block, start in enumerate(range(0, samples, rows)):
        yield resample_draws(n_units, min(rows, samples - start), (seed, block))


def compare_scores(
    a: Sequence[DocumentDetail],
    b: Sequence[DocumentDetail],
    *,
    samples: int = 1000,
    seed: int = 0,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Paired bootstrap comparison of two systems scored on the same documents (B relative to A).

    ``a`` and ``b`` are the systems' per-document details (``details.jsonl`` lines, or
    ``SystemScores.details``). For every layer and metric both have: ``a_f1``, ``b_f1``,
    ``delta`` (b - a, None when either F1 is), ``ci`` (95% percentile interval of the resampled
    deltas), ``p_value`` (two-sided: twice the smaller share of resampled deltas on either side of
    0, with +1 smoothing, at most 1) and ``unit``. Both are resampled with the same draws.

    Raises:
        BenchError: when the two were scored on different documents or paragraphs.
    """
    import numpy as np

    a_sorted = sorted(a, key=lambda d: d.doc_id)
    b_sorted = sorted(b, key=lambda d: d.doc_id)
    if [d.doc_id for d in a_sorted] != [d.doc_id for d in b_sorted]:
        raise BenchError("compare: the two runs were scored on different documents")
    unit = bootstrap_unit(len(a_sorted))
    a_units = unit_arrays(detail_rows(a_sorted), unit)
    b_units = unit_arrays(detail_rows(b_sorted), unit)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    weights: FloatArray | None = None
    for key in sorted(set(a_units) & set(b_units)):
        layer, metric = key
        a_arr, b_arr = a_units[key], b_units[key]
        if a_arr.shape != b_arr.shape:
            raise BenchError(f"compare: {layer}.{metric}: the runs have different paragraphs")
        if weights is None or weights.shape[1] != a_arr.shape[0]:
            weights = resample_weights(a_arr.shape[0], samples, seed)
        a_f1 = _micro_f1(a_arr)
        b_f1 = _micro_f1(b_arr)
        deltas = resampled_f1(b_arr, weights) - resampled_f1(a_arr, weights)
        defined = deltas[~np.isnan(deltas)]
        p_value: float | None = None
        if defined.size:
            below = int((defined <= 0).sum())
            above = int((defined >= 0).sum())
            p_value = min(1.0, 2 * (min(below, above) + 1) / (defined.size + 1))
        out.setdefault(layer, {})[metric] = {
            "a_f1": a_f1,
            "b_f1": b_f1,
            "delta": None if a_f1 is None or b_f1 is None else b_f1 - a_f1,
            "ci": percentile_interval(deltas),
            "p_value": p_value,
            "unit": unit,
        }
    return out


def _micro_f1(counts: FloatArray) -> float | None:
    tp, fp, fn = (float(x) for x in counts.sum(axis=0)) if counts.size else (0.0, 0.0, 0.0)
    return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else None
