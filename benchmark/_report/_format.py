"""Formatting shared by the Markdown and HTML reports: metric order, numbers, who made the report.

Renderers read the typed run (:class:`~benchmark._formats.Results` and its details) through
attributes; nothing here computes a score, it only orders and formats what the run recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from .._formats import Macro, MetricTotals, Results, Scores

NULL = "—"
"""How a null (undefined) score, or any missing value, is shown."""

METRIC_ORDER: dict[str, tuple[str, ...]] = {
    "entities": ("strict", "exact", "partial", "type", "linked"),
    "quotes": ("exact", "overlap", "attribution", "cue"),
    "speakers": ("set",),
    "claims": ("matched", "attributed"),
}
"""Layers and their metrics in the order docs/metrics.md gives them (reports follow it)."""

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
"""The usage columns: (key in ``Results.usage[system]``, label)."""

Key = TypeVar("Key", bound=str)


def fmt_score(value: float | None) -> str:
    """A precision, recall or F1 with three decimals; null as an em dash.

    Example:
        >>> fmt_score(0.8125), fmt_score(1.0), fmt_score(None)
        ('0.812', '1.000', '—')
    """
    return NULL if value is None else f"{value:.3f}"


def fmt_count(value: float | None) -> str:
    """A tp/fp/fn count: an integer, or one decimal when fractional (partial credit).

    Example:
        >>> fmt_count(3), fmt_count(2.5), fmt_count(4.0), fmt_count(None)
        ('3', '2.5', '4', '—')
    """
    if value is None:
        return NULL
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def fmt_ci(interval: tuple[float, float] | None) -> str:
    """A 95% interval as ``[lo, hi]``; empty when there is none.

    Example:
        >>> fmt_ci((0.5, 0.75)), fmt_ci(None)
        ('[0.500, 0.750]', '')
    """
    return "" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def interval_of(scores: Scores | Macro | None) -> tuple[float, float] | None:
    """The F1 interval of a score cell: only corpus totals with a defined F1 have one.

    Example:
        >>> totals = MetricTotals(0.5, 0.5, 0.5, tp=1, fp=1, fn=1, ci=(0.25, 0.75))
        >>> interval_of(totals), interval_of(Macro(0.5, 0.5, 0.5)), interval_of(None)
        ((0.25, 0.75), None, None)
    """
    if isinstance(scores, MetricTotals) and scores.f1 is not None:
        return scores.ci
    return None


def fmt_f1_ci(scores: Scores | Macro | None) -> str:
    """F1 followed by its interval when there is one; an em dash for a null or missing F1.

    Example:
        >>> fmt_f1_ci(MetricTotals(0.8, 0.8, 0.8, tp=4, fp=1, fn=1, ci=(0.7, 0.9)))
        '0.800 [0.700, 0.900]'
        >>> fmt_f1_ci(MetricTotals(None, None, None, tp=0, fp=0, fn=0)), fmt_f1_ci(None)
        ('—', '—')
    """
    f1 = fmt_score(scores.f1 if scores is not None else None)
    interval = fmt_ci(interval_of(scores))
    return f"{f1} {interval}" if interval else f1


def fmt_usage(field: str, value: float | None) -> str:
    """A usage figure: dollars with four decimals, counts with thousands separators.

    Example:
        >>> fmt_usage("cost_usd", 0.01234), fmt_usage("prompt_tokens", 12345.0)
        ('$0.0123', '12,345')
        >>> fmt_usage("requests", None)
        '—'
    """
    if value is None:
        return NULL
    if field == "cost_usd":
        return f"${value:.4f}"
    return f"{int(value):,}" if value == int(value) else f"{value:,.1f}"


def short_sha(value: str | None, length: int = 12) -> str:
    """The first ``length`` characters of a hash or commit; an em dash when missing.

    Example:
        >>> short_sha("0123456789abcdef0123"), short_sha(None)
        ('0123456789ab', '—')
    """
    return value[:length] if value else NULL


def ordered(keys: Iterable[Key], preferred: Sequence[Key]) -> list[Key]:
    """``keys`` without repeats: those in ``preferred`` first, in its order, then the rest sorted.

    Example:
        >>> ordered(["b", "x", "a", "b"], ("a", "b"))
        ['a', 'b', 'x']
    """
    present = set(keys)
    return [k for k in preferred if k in present] + sorted(present.difference(preferred))


def layers_of(results: Results) -> list[str]:
    """Every layer any system was scored on, in canonical order."""
    return ordered(
        (layer for by_layer in results.results.values() for layer in by_layer),
        tuple(METRIC_ORDER),
    )


def metrics_of(results: Results, layer: str) -> list[str]:
    """Every metric of ``layer`` any system was scored on, in canonical order."""
    return ordered(
        (metric for by_layer in results.results.values() for metric in by_layer.get(layer, {})),
        METRIC_ORDER[layer],
    )


def alias_of(results: Results, system: str) -> str | None:
    """The system's display name when the provenance gives one that differs from its name.

    Example:
        >>> from benchmark._formats import SystemProvenance
        >>> results = minimal_results(systems={"r": SystemProvenance(display_name="Rules")})
        >>> alias_of(results, "r"), alias_of(results, "other")
        ('Rules', None)
    """
    shown = results.display_name(system)
    return shown if shown != system else None


def iter_errors(results: Results) -> Iterator[tuple[str, str, str]]:
    """(system, doc_id, reason) for every recorded error, sorted."""
    for system, by_doc in sorted(results.errors.items()):
        for doc_id, reason in sorted(by_doc.items()):
            yield system, doc_id, reason


def iter_skipped(results: Results) -> Iterator[tuple[str, str]]:
    """(system, reason) for every skipped system, sorted."""
    yield from sorted(results.skipped.items())


def credited_commands(results: Results, command: str | None) -> list[tuple[str, str]]:
    """Who to credit at the end of a report: (role, command line) pairs, possibly none.

    The run's own command (``provenance.command``) made the scores; ``command`` is the one
    writing the report now. Each is credited when known; nothing is invented when neither is.

    Example:
        >>> run = minimal_results(command="bench run --system rules")
        >>> credited_commands(run, None)
        [('Produced by', 'bench run --system rules')]
        >>> credited_commands(run, "bench report runs/x")
        [('Run by', 'bench run --system rules'), ('report written by', 'bench report runs/x')]
        >>> credited_commands(minimal_results(), None)
        []
    """
    recorded = results.provenance.command
    if recorded and command and command != recorded:
        return [("Run by", recorded), ("report written by", command)]
    shown = command or recorded
    return [("Produced by", shown)] if shown else []


def minimal_results(
    scores: Mapping[str, Mapping[str, Mapping[str, MetricTotals]]] | None = None,
    **provenance: Any,
) -> Results:
    """A run holding only what results.json requires, for examples: ``scores`` as
    ``system -> layer -> metric -> totals`` and any provenance field overridden by keyword.

    Example:
        >>> run = minimal_results(
        ...     {"rules": {"speakers": {"set": MetricTotals(1.0, 0.5, 2 / 3, tp=1, fp=0, fn=1)}}},
        ...     timestamp="2025-01-01T00:00:00Z",
        ... )
        >>> run.systems, run.provenance.timestamp
        (['rules'], '2025-01-01T00:00:00Z')
    """
    import msgspec

    from .._formats import BootstrapSettings, Provenance

    base = Provenance(
        package_version="0.0.0",
        git_commit=None,
        gold_sha256="0" * 64,
        gold_dir=None,
        timestamp="1970-01-01T00:00:00Z",
        python="3",
        platform="-",
        bootstrap=BootstrapSettings(samples=0, seed=0, unit="document"),
        systems={},
    )
    table = {
        system: {layer: dict(by_metric) for layer, by_metric in by_layer.items()}
        for system, by_layer in (scores or {}).items()
    }
    return Results(
        format_version="2.0",
        provenance=msgspec.structs.replace(base, **provenance),
        documents=[],
        results=table,
    )
