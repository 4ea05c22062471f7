"""Comparing two runs (``bench compare RUN_A RUN_B``): deltas with paired significance.

For every system present in both runs, every layer and metric: F1 of A and of B, the delta
(B - A), its paired-bootstrap 95% interval and p-value (the scoring package's
:func:`~benchmark._scoring.compare_scores`, both runs resampled with the same draws), and the
gold items one run found and the other missed (from the per-document false negatives).

The comparison is computed from the per-document (or per-paragraph) counts that details.jsonl
keeps, so it needs neither the systems nor the gold folder; both runs must have been scored on
the same gold (the same ``provenance.gold_sha256``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .._errors import BenchError
from .._formats import DETAILS_FILE, DocumentDetail
from ._files import RunFiles, load_run, results_path
from ._runner import resolve_run

Key = tuple[str, str]

MAX_ITEMS_SHOWN = 5


def _item_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _describe_item(item: Mapping[str, Any]) -> str:
    text = item.get("text") or item.get("name") or item.get("id") or ""
    where = f"[{item['start']}:{item['end']}] " if "start" in item and "end" in item else ""
    extra = item.get("speaker") or item.get("source") or item.get("type") or item.get("kind")
    return f"{where}{str(text)[:70]!r}" + (f" ({extra})" if extra else "")


def item_changes(
    a_details: Mapping[str, DocumentDetail], b_details: Mapping[str, DocumentDetail], key: Key
) -> dict[str, list[dict[str, Any]]]:
    """Gold items B found that A missed (``gained``) and those A found that B missed (``lost``)."""
    layer, metric = key
    gained: list[dict[str, Any]] = []
    lost: list[dict[str, Any]] = []
    for doc_id in sorted(set(a_details) & set(b_details)):
        a_metric = a_details[doc_id].metrics.get(layer, {}).get(metric)
        b_metric = b_details[doc_id].metrics.get(layer, {}).get(metric)
        if a_metric is None or b_metric is None:
            continue
        a_missed = {_item_key(i): i for i in a_metric.false_negatives}
        b_missed = {_item_key(i): i for i in b_metric.false_negatives}
        gained += [{"doc_id": doc_id, **a_missed[k]} for k in a_missed if k not in b_missed]
        lost += [{"doc_id": doc_id, **b_missed[k]} for k in b_missed if k not in a_missed]
    return {"gained": gained, "lost": lost}


def compare_runs(run_a: Path, run_b: Path) -> dict[str, Any]:
    """The comparison of two runs as a JSON-ready dict.

    Raises:
        BenchError: (exit code 2) when a run is missing or malformed, the runs were scored on
            different gold, or they share no system.
    """
    a = load_run(run_a, exit_code=2)
    b = load_run(run_b, exit_code=2)
    _same_gold(a, b)
    shared = [name for name in a.results.results if name in b.results.results]
    if not shared:
        raise BenchError(
            f"{results_path(run_a)} and {results_path(run_b)} share no system "
            f"(A: {', '.join(a.results.results) or 'none'}; "
            f"B: {', '.join(b.results.results) or 'none'})",
            exit_code=2,
        )
    pairs = [(name, name) for name in shared]
    out = compare_systems(a, b, pairs)
    out["only_in_a"] = [n for n in a.results.results if n not in b.results.results]
    out["only_in_b"] = [n for n in b.results.results if n not in a.results.results]
    return out


def compare_systems(a: RunFiles, b: RunFiles, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The paired comparison of system pairs (``a_name`` of run A, ``b_name`` of run B).

    Raises:
        BenchError: (exit code 2) when a system has no per-document details.
    """
    from .._scoring import compare_scores

    boot = a.results.provenance.bootstrap
    systems: dict[str, Any] = {}
    for a_name, b_name in pairs:
        a_docs, b_docs = a.details.get(a_name, {}), b.details.get(b_name, {})
        for run, name, docs in ((a, a_name, a_docs), (b, b_name, b_docs)):
            if set(docs) != set(run.results.documents):
                raise BenchError(
                    f"{run.folder / DETAILS_FILE}: {name}: per-document details do not cover "
                    "the run's documents",
                    exit_code=2,
                )
        try:
            unordered = compare_scores(
                list(a_docs.values()), list(b_docs.values()), samples=boot.samples, seed=boot.seed
            )
        except BenchError as exc:
            raise BenchError(str(exc), exit_code=2) from None
        deltas = _in_report_order(unordered)
        for layer, metrics in deltas.items():
            for metric, entry in metrics.items():
                entry.update(item_changes(a_docs, b_docs, (layer, metric)))
        label = a_name if a_name == b_name else f"{a_name} -> {b_name}"
        systems[label] = deltas
    return {
        "a": str(a.folder),
        "b": str(b.folder),
        "gold_sha256": a.results.provenance.gold_sha256,
        "bootstrap": {"samples": boot.samples, "seed": boot.seed},
        "systems": systems,
    }


def _in_report_order(deltas: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    from .._scoring import METRICS

    def rank(order: tuple[str, ...] | list[str], key: str) -> tuple[int, str]:
        return (order.index(key) if key in order else len(order), key)

    layers = list(METRICS)
    return {
        layer: {
            metric: dict(deltas[layer][metric])
            for metric in sorted(deltas[layer], key=lambda m: rank(METRICS.get(layer, ()), m))
        }
        for layer in sorted(deltas, key=lambda name: rank(layers, name))
    }


def _f(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


def _signed(value: Any) -> str:
    return "—" if value is None else f"{value:+.3f}"


def render_comparison(comparison: Mapping[str, Any]) -> str:
    """The comparison as a readable table, with the items gained and lost under each metric."""
    lines = [f"A: {comparison['a']}", f"B: {comparison['b']}", ""]
    header = ("system", "layer/metric", "f1 A", "f1 B", "delta", "95% CI", "p")
    rows: list[tuple[str, ...]] = []
    details: list[str] = []
    for system, layers in comparison["systems"].items():
        for layer, metrics in layers.items():
            for metric, e in metrics.items():
                ci = e.get("ci")
                ci_text = f"[{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "—"
                p = e.get("p_value")
                rows.append(
                    (
                        system,
                        f"{layer}/{metric}",
                        _f(e.get("a_f1")),
                        _f(e.get("b_f1")),
                        _signed(e.get("delta")),
                        ci_text,
                        "—" if p is None else f"{p:.3f}",
                    )
                )
                for sign, key, verb in (
                    ("+", "gained", "B found, A missed"),
                    ("-", "lost", "A found, B missed"),
                ):
                    items = e.get(key, [])
                    if not items:
                        continue
                    details.append(f"{system} {layer}/{metric}: {len(items)} {verb}")
                    for item in items[:MAX_ITEMS_SHOWN]:
                        details.append(f"  {sign} {item['doc_id']} {_describe_item(item)}")
                    if len(items) > MAX_ITEMS_SHOWN:
                        details.append(f"  … and {len(items) - MAX_ITEMS_SHOWN} more (--json)")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    for key, label in (("only_in_a", "only in A"), ("only_in_b", "only in B")):
        if comparison.get(key):
            lines.append(f"{label} (not compared): {', '.join(comparison[key])}")
    if details:
        lines += ["", *details]
    return "\n".join(lines)


def compare_command(
    run_a: Path,
    run_b: Path | None = None,
    *,
    as_json: bool = False,
    system_a: str | None = None,
    system_b: str | None = None,
    out: Callable[[str], None] = print,
) -> int:
    """Print the comparison (table, or JSON with ``as_json``); return 0.

    With ``system_a`` and ``system_b``, compare those two systems (of RUN_A and RUN_B, or both of
    RUN_A when RUN_B is left out) with the same paired bootstrap; else every shared system.

    Raises:
        BenchError: (exit code 2) on a missing run, an unknown system, or half of a pair.
    """
    if (system_a is None) != (system_b is None):
        raise BenchError("compare: --a and --b go together", exit_code=2)
    if run_b is None and system_a is None:
        raise BenchError("compare: give RUN_B, or --a and --b to compare two systems", exit_code=2)
    a_path = resolve_run(run_a)
    b_path = resolve_run(run_b) if run_b is not None else a_path
    if system_a is not None and system_b is not None:
        a = load_run(a_path, exit_code=2)
        b = a if b_path == a_path else load_run(b_path, exit_code=2)
        _same_gold(a, b)
        for run, name in ((a, system_a), (b, system_b)):
            if name not in run.results.results:
                known = ", ".join(run.results.results) or "none"
                raise BenchError(
                    f"{results_path(run.folder)}: no system {name!r} (has: {known})", exit_code=2
                )
        comparison = compare_systems(a, b, [(system_a, system_b)])
    else:
        comparison = compare_runs(a_path, b_path)
    if as_json:
        out(json.dumps(comparison, ensure_ascii=False, indent=2))
    else:
        out(render_comparison(comparison))
    return 0


def _same_gold(a: RunFiles, b: RunFiles) -> None:
    gold_a = a.results.provenance.gold_sha256
    gold_b = b.results.provenance.gold_sha256
    if gold_a != gold_b:
        raise BenchError(
            f"{results_path(b.folder)}: $.provenance.gold_sha256: {gold_b[:12]}… differs from "
            f"{results_path(a.folder)}'s {gold_a[:12]}… (the runs scored different gold)",
            exit_code=2,
        )
