"""``summary.md``: Markdown tables of a run, fit for a pull-request comment.

Rendering only: every number comes from the typed results as the run recorded them. The output
is a pure function of its input (no clock, no environment), so the same results always give the
same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._errors import one_line
from .._formats import Results
from ._format import (
    HEADLINE,
    NULL,
    USAGE_FIELDS,
    alias_of,
    credited_commands,
    fmt_count,
    fmt_f1_ci,
    fmt_score,
    fmt_usage,
    iter_errors,
    iter_skipped,
    layers_of,
    metrics_of,
    short_sha,
)

_MD_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def md_text(value: object, limit: int = 300) -> str:
    """Untrusted text made safe for a Markdown table cell (one line, no HTML, no table breaks).

    Example:
        >>> md_text("a|b <script>")
        'a\\\\|b &lt;script&gt;'
    """
    return one_line(value, limit).translate(_MD_ESCAPES)


def md_code(value: object, limit: int = 200) -> str:
    """Untrusted text as an inline code span (verbatim), or escaped text when it has a backtick.

    Example:
        >>> md_code("a|<b>"), md_code("x`y")
        ('`a\\\\|<b>`', 'x\\\\`y')
    """
    text = one_line(value, limit)
    if "`" in text:
        return md_text(text, limit)
    return "`" + text.replace("|", "\\|") + "`"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A pipe table; ``align`` holds one of ``l``/``r`` per column."""
    marks = {"l": "---", "r": "---:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _system_label(results: Results, system: str) -> str:
    label = md_code(system)
    shown = alias_of(results, system)
    return f"{label} ({md_text(shown)})" if shown else label


def _title(results: Results) -> list[str]:
    provenance = results.provenance
    gold = md_code(short_sha(provenance.gold_sha256))
    commit = md_code(short_sha(provenance.git_commit, 10))
    stamp = md_text(provenance.timestamp or NULL)
    lines = [f"## Fact-extraction benchmark: gold {gold}, commit {commit}, {stamp}", ""]
    count = len(results.documents)
    bootstrap = provenance.bootstrap
    facts = [
        f"{count} document{'s' if count != 1 else ''}",
        f"fact-extraction-bench {md_text(provenance.package_version)}",
        f"95% CI: percentile bootstrap, {bootstrap.samples} samples by {md_text(bootstrap.unit)}"
        f", seed {bootstrap.seed}",
    ]
    return [*lines, " · ".join(facts), ""]


def _leaderboard(results: Results) -> list[str]:
    lines = ["### Leaderboard", ""]
    if not results.systems:
        return [*lines, "No system was scored.", ""]
    header = ["System", *(label for _, _, label in HEADLINE)]
    rows = [
        [
            _system_label(results, system),
            *(fmt_f1_ci(results.totals(system, layer, metric)) for layer, metric, _ in HEADLINE),
        ]
        for system in results.systems
    ]
    lines += _table(header, rows, "l" + "r" * len(HEADLINE))
    lines += [
        "",
        "F1 with its 95% bootstrap interval in brackets; — means undefined (no items).",
        "",
    ]
    return lines


def _layer_tables(results: Results) -> list[str]:
    lines: list[str] = []
    header = ["System", "Metric", "P", "R", "F1 [95% CI]", "TP", "FP", "FN"]
    for layer in layers_of(results):
        rows = [
            [
                _system_label(results, system),
                md_text(metric),
                fmt_score(totals.precision),
                fmt_score(totals.recall),
                fmt_f1_ci(totals),
                fmt_count(totals.tp),
                fmt_count(totals.fp),
                fmt_count(totals.fn),
            ]
            for system in results.systems
            for metric in metrics_of(results, layer)
            if (totals := results.totals(system, layer, metric)) is not None
        ]
        lines += [f"### {layer.capitalize()}", "", *_table(header, rows, "llrrrrrr"), ""]
    return lines


def _problems(results: Results) -> list[str]:
    lines: list[str] = []
    errors = list(iter_errors(results))
    if errors:
        lines += [f"### Errors ({len(errors)})", ""]
        rows = [[md_code(s), md_code(d), md_text(r)] for s, d, r in errors]
        lines += [*_table(["System", "Document", "Reason"], rows, "lll"), ""]
    skipped = list(iter_skipped(results))
    if skipped:
        lines += [f"### Skipped systems ({len(skipped)})", ""]
        rows = [[md_code(s), md_text(r)] for s, r in skipped]
        lines += [*_table(["System", "Reason"], rows, "ll"), ""]
    return lines


def _usage(results: Results) -> list[str]:
    if not results.usage:
        return []
    rows = [
        [
            _system_label(results, system),
            *(fmt_usage(key, figures.get(key)) for key, _ in USAGE_FIELDS),
        ]
        for system, figures in sorted(results.usage.items())
    ]
    header = ["System", *(label for _, label in USAGE_FIELDS)]
    return ["### Usage", "", *_table(header, rows, "l" + "r" * len(USAGE_FIELDS)), ""]


def _credits(results: Results, command: str | None) -> list[str]:
    parts = [f"{role} {md_code(line, 500)}" for role, line in credited_commands(results, command)]
    return ["; ".join(parts) + ".", ""] if parts else []


def render_summary_md(results: Results, *, command: str | None = None) -> str:
    """Render a run's results as Markdown fit for a pull-request comment.

    Args:
        results: the run's results.json.
        command: the command writing the report, credited at the end with the run's own
            ``provenance.command``; with neither known, the summary credits no command.

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> md = render_summary_md(minimal_results(command="bench run --system rules"))
        >>> md.splitlines()[0]
        '## Fact-extraction benchmark: gold `000000000000`, commit `—`, 1970-01-01T00:00:00Z'
        >>> md.splitlines()[-1]
        'Produced by `bench run --system rules`.'
    """
    lines = _title(results)
    lines += _leaderboard(results)
    lines += _layer_tables(results)
    lines += _problems(results)
    lines += _usage(results)
    lines += _credits(results, command)
    return "\n".join(lines)
