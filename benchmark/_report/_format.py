"""Formatting shared by the Markdown and HTML reports: metric order, numbers, safe accessors.

Renderers only read a results dict (the ``results.json`` contract); nothing here computes a score.
Every accessor tolerates a malformed dict (missing keys, wrong types) by returning an empty value,
so a damaged results file still renders what it can.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

NULL = "—"
"""How a null (undefined) score is shown."""

METRIC_ORDER: dict[str, tuple[str, ...]] = {
    "entities": ("strict", "exact", "partial", "type", "linked"),
    "quotes": ("exact", "overlap", "attribution", "cue"),
    "speakers": ("set",),
    "claims": ("matched", "attributed"),
}
"""Layers and their metrics in the order DESIGN §3 gives them (reports follow this order)."""

HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("entities", "type", "Entities type F1"),
    ("entities", "strict", "Entities strict F1"),
    ("quotes", "attribution", "Quotes attribution F1"),
    ("speakers", "set", "Speakers set F1"),
    ("claims", "matched", "Claims matched F1"),
)
"""The leaderboard columns: (layer, metric, label)."""

USAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("requests", "Requests"),
    ("cached", "Cached"),
    ("prompt_tokens", "Prompt tokens"),
    ("completion_tokens", "Completion tokens"),
    ("cost_usd", "Cost (USD)"),
)


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a dict, else an empty dict (for reading untrusted results).

    Example:
        >>> as_dict({"a": 1}), as_dict(None), as_dict([1])
        ({'a': 1}, {}, {})
    """
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list.

    Example:
        >>> as_list([1]), as_list("x")
        ([1], [])
    """
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return float(value)


def fmt_score(value: Any) -> str:
    """A precision, recall or F1 with three decimals; null (or junk) as an em dash.

    Example:
        >>> fmt_score(0.8125), fmt_score(1), fmt_score(None)
        ('0.812', '1.000', '—')
    """
    number = _number(value)
    return NULL if number is None else f"{number:.3f}"


def fmt_count(value: Any) -> str:
    """A tp/fp/fn count: an integer, or one decimal when fractional (partial credit).

    Example:
        >>> fmt_count(3), fmt_count(2.5), fmt_count(4.0), fmt_count(None)
        ('3', '2.5', '4', '—')
    """
    number = _number(value)
    if number is None:
        return NULL
    if number == int(number):
        return str(int(number))
    return f"{number:.1f}"


def ci_bounds(value: Any) -> tuple[float, float] | None:
    """The ``[lo, hi]`` interval as two floats, or None when absent or malformed.

    Example:
        >>> ci_bounds([0.5, 0.75]), ci_bounds(None), ci_bounds([None, 1])
        ((0.5, 0.75), None, None)
    """
    items = as_list(value)
    if len(items) != 2:
        return None
    lo, hi = _number(items[0]), _number(items[1])
    if lo is None or hi is None:
        return None
    return lo, hi


def fmt_ci(value: Any) -> str:
    """A 95% interval as ``[lo, hi]``; empty when absent.

    Example:
        >>> fmt_ci([0.5, 0.75]), fmt_ci(None)
        ('[0.500, 0.750]', '')
    """
    bounds = ci_bounds(value)
    return "" if bounds is None else f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"


def fmt_f1_ci(cell: Mapping[str, Any]) -> str:
    """F1 followed by its interval when there is one.

    Example:
        >>> fmt_f1_ci({"f1": 0.8, "ci": [0.7, 0.9]}), fmt_f1_ci({"f1": None, "ci": None})
        ('0.800 [0.700, 0.900]', '—')
    """
    f1 = fmt_score(cell.get("f1"))
    ci = fmt_ci(cell.get("ci")) if f1 != NULL else ""
    return f"{f1} {ci}" if ci else f1


def fmt_usage(field: str, value: Any) -> str:
    """A usage figure: dollars with four decimals, counts with thousands separators.

    Example:
        >>> fmt_usage("cost_usd", 0.01234), fmt_usage("prompt_tokens", 12345), fmt_usage("x", None)
        ('$0.0123', '12,345', '—')
    """
    number = _number(value)
    if number is None:
        return NULL
    if field == "cost_usd":
        return f"${number:.4f}"
    return f"{int(number):,}" if number == int(number) else f"{number:,.1f}"


def short_sha(value: Any, length: int = 12) -> str:
    """The first ``length`` characters of a hash or commit; an em dash when missing.

    Example:
        >>> short_sha("0123456789abcdef0123"), short_sha(None)
        ('0123456789ab', '—')
    """
    return value[:length] if isinstance(value, str) and value else NULL


def ordered(keys: Any, preferred: tuple[str, ...]) -> list[str]:
    """The string keys of ``keys``: those in ``preferred`` first, in order, then the rest sorted.

    Example:
        >>> ordered({"b": 1, "x": 2, "a": 3}, ("a", "b"))
        ['a', 'b', 'x']
    """
    present = [k for k in keys if isinstance(k, str)]
    return [k for k in preferred if k in present] + sorted(k for k in present if k not in preferred)


def systems_of(results: Mapping[str, Any]) -> list[str]:
    """Scored systems in the order results.json lists them."""
    return [name for name in as_dict(results.get("results")) if isinstance(name, str)]


def layers_of(results: Mapping[str, Any]) -> list[str]:
    """Every layer any system has, in canonical order."""
    seen: dict[str, None] = {}
    for system in systems_of(results):
        for layer in as_dict(as_dict(results.get("results"))[system]):
            seen[layer] = None
    return ordered(seen, tuple(METRIC_ORDER))


def metrics_of(results: Mapping[str, Any], layer: str) -> list[str]:
    """Every metric of ``layer`` any system has, in canonical order."""
    seen: dict[str, None] = {}
    for system in systems_of(results):
        for metric in as_dict(metric_layer(results, system, layer)):
            seen[metric] = None
    return ordered(seen, METRIC_ORDER.get(layer, ()))


def metric_layer(results: Mapping[str, Any], system: str, layer: str) -> dict[str, Any]:
    """``results[system][layer]`` (empty when absent)."""
    return as_dict(as_dict(as_dict(results.get("results")).get(system)).get(layer))


def metric_cell(results: Mapping[str, Any], system: str, layer: str, metric: str) -> dict[str, Any]:
    """``results[system][layer][metric]`` (empty when absent)."""
    return as_dict(metric_layer(results, system, layer).get(metric))


def iter_errors(results: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(system, doc_id, reason) for every recorded error, sorted."""
    for system, docs in sorted(as_dict(results.get("errors")).items()):
        for doc_id, reason in sorted(as_dict(docs).items()):
            yield str(system), str(doc_id), str(reason)


def iter_skipped(results: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(system, reason) for every skipped system, sorted."""
    for system, reason in sorted(as_dict(results.get("skipped")).items()):
        yield str(system), str(reason)


def provenance(results: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance block (empty when absent)."""
    return as_dict(results.get("provenance"))


def display_name(results: Mapping[str, Any], system: str) -> str | None:
    """The system's display name from provenance when it differs from its key."""
    name = as_dict(as_dict(provenance(results).get("systems")).get(system)).get("display_name")
    return name if isinstance(name, str) and name and name != system else None


def one_line(value: Any, limit: int = 300) -> str:
    """``value`` as a single line of at most ``limit`` characters (control characters removed).

    Example:
        >>> one_line("a\\nb\\tc"), one_line("x" * 10, limit=5)
        ('a b c', 'xxxx…')
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
