"""Percentile bootstrap intervals of F1, and the paired bootstrap that compares two systems.

Resampling units are documents, or paragraphs when the corpus has fewer than 10 documents. A
resample is drawn as multinomial counts over the units (equivalent to drawing units with
replacement), so every metric's resampled totals are one matrix product. The draws depend only
on the seed, the number of units and the number of samples: two systems scored on the same gold
with the same seed share their resamples, which is what makes the comparison paired.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._errors import BenchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

MIN_DOCUMENTS = 10
CONFIDENCE = 0.95


def bootstrap_unit(n_documents: int) -> str:
    """``"document"`` for 10 documents or more, else ``"paragraph"``."""
    return "document" if n_documents >= MIN_DOCUMENTS else "paragraph"


def resample_weights(n_units: int, samples: int, seed: int) -> FloatArray:
    """A ``(samples, n_units)`` matrix: how often each unit is drawn in each resample."""
    import numpy as np

    rng = np.random.default_rng(seed)
    if n_units == 0 or samples <= 0:
        return np.zeros((max(samples, 0), n_units))
    return rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=samples).astype(float)


def resampled_f1(unit_counts: FloatArray, weights: FloatArray) -> FloatArray:
    """F1 of each resample (NaN where undefined, as ``Counts.f1``) from ``(units, 3)`` counts."""
    import numpy as np

    totals = weights @ unit_counts if unit_counts.size else np.zeros((weights.shape[0], 3))
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


def f1_interval(unit_counts: FloatArray, weights: FloatArray) -> list[float] | None:
    """The bootstrap 95% interval of F1."""
    return percentile_interval(resampled_f1(unit_counts, weights))


def _unit_arrays(
    system: Mapping[str, Any], documents: list[str], unit: str
) -> dict[tuple[str, str], FloatArray]:
    import numpy as np

    arrays: dict[tuple[str, str], FloatArray] = {}
    for layer, metrics in system.items():
        for metric, data in metrics.items():
            rows: list[list[float]] = []
            per_document = data.get("per_document", {})
            for doc_id in documents:
                doc = per_document.get(doc_id)
                if doc is None:
                    raise BenchError(f"results: {layer}.{metric}: no per_document entry {doc_id!r}")
                if unit == "paragraph":
                    rows.extend([float(x) for x in row] for row in doc["per_paragraph"])
                else:
                    rows.append([float(doc["tp"]), float(doc["fp"]), float(doc["fn"])])
            arrays[(layer, metric)] = np.array(rows, dtype=float).reshape(-1, 3)
    return arrays


def _documents(system: Mapping[str, Any]) -> list[str]:
    for metrics in system.values():
        for data in metrics.values():
            return list(data.get("per_document", {}))
    return []


def compare_scores(
    a: Mapping[str, Any] | Any,
    b: Mapping[str, Any] | Any,
    *,
    samples: int = 1000,
    seed: int = 0,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Paired bootstrap comparison of two systems scored on the same gold (B relative to A).

    ``a`` and ``b`` are ``results[system]`` dicts of results.json (or ``SystemScores``). For every
    layer and metric both have: ``a_f1``, ``b_f1``, ``delta`` (b - a, None when either F1 is),
    ``ci`` (95% percentile interval of the resampled deltas), ``p_value`` (two-sided: twice the
    smaller share of resampled deltas on either side of 0, with +1 smoothing, at most 1) and
    ``unit``. Both systems are resampled with the same draws.

    Raises:
        BenchError: when the two were scored on different documents or paragraphs.
    """
    import numpy as np

    a_json = a.to_json() if hasattr(a, "to_json") else a
    b_json = b.to_json() if hasattr(b, "to_json") else b
    documents = _documents(a_json)
    if sorted(documents) != sorted(_documents(b_json)):
        raise BenchError("compare: the two runs were scored on different documents")
    unit = bootstrap_unit(len(documents))
    if unit == "paragraph" and not _has_paragraphs(a_json, b_json):
        unit = "document"
    a_units = _unit_arrays(a_json, documents, unit)
    b_units = _unit_arrays(b_json, documents, unit)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    weights: FloatArray | None = None
    for key in sorted(set(a_units) & set(b_units)):
        layer, metric = key
        a_arr, b_arr = a_units[key], b_units[key]
        if a_arr.shape != b_arr.shape:
            raise BenchError(f"compare: {layer}.{metric}: the runs have different paragraphs")
        if weights is None:
            weights = resample_weights(a_arr.shape[0], samples, seed)
        a_f1 = a_json[layer][metric].get("f1")
        b_f1 = b_json[layer][metric].get("f1")
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


def _has_paragraphs(*systems: Mapping[str, Any]) -> bool:
    return all(
        "per_paragraph" in doc
        for system in systems
        for metrics in system.values()
        for data in metrics.values()
        for doc in data.get("per_document", {}).values()
    )
