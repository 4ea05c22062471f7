"""Rendering scores as a plain-text table (computing lives elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _num(value: float) -> str:
    return f"{value:g}"


def render_table(results: Mapping[str, Any]) -> str:
    """A readable table of a results.json-shaped dict: one row per system, layer and metric.

    Example:
        >>> data = {"results": {"s": {"quotes": {"exact": {"precision": None, "recall": 0.0,
        ...     "f1": None, "tp": 0, "fp": 0, "fn": 2, "ci": None}}}}}
        >>> print(render_table(data).splitlines()[-1])
        s       quotes  exact   -  0.000  -   0   0   2   -
    """
    header = ("system", "layer", "metric", "P", "R", "F1", "tp", "fp", "fn", "95% CI (F1)")
    rows: list[tuple[str, ...]] = [header]
    for system, layers in results.get("results", {}).items():
        for layer, metrics in layers.items():
            for metric, m in metrics.items():
                ci = m.get("ci")
                rows.append(
                    (
                        system,
                        layer,
                        metric,
                        _fmt(m["precision"]),
                        _fmt(m["recall"]),
                        _fmt(m["f1"]),
                        _num(m["tp"]),
                        _num(m["fp"]),
                        _num(m["fn"]),
                        f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "-",
                    )
                )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip()
        for row in rows
    )
