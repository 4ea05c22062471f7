"""``summary.md``: Markdown tables of a run, fit for a pull-request comment.

Rendering only: every number comes from the results dict as it is. The output is a pure function
of its input (no clock, no environment), so the same results always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._format import (
    HEADLINE,
    NULL,
    USAGE_FIELDS,
    as_dict,
    as_list,
    display_name,
    fmt_count,
    fmt_f1_ci,
    fmt_score,
    fmt_usage,
    iter_errors,
    iter_skipped,
    layers_of,
    metric_cell,
    metrics_of,
    one_line,
    provenance,
    short_sha,
    systems_of,
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


def md_text(value: Any, limit: int = 300) -> str:
    """Untrusted text made safe for a Markdown table cell (one line, no HTML, no table breaks).

    Example:
        >>> md_text("a|b <script>")
        'a\\\\|b &lt;script&gt;'
    """
    return one_line(value, limit).translate(_MD_ESCAPES)


def md_code(value: Any, limit: int = 200) -> str:
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


def _system_label(results: Mapping[str, Any], system: str) -> str:
    label = md_code(system)
    shown = display_name(results, system)
    return f"{label} ({md_text(shown)})" if shown else label


def _title(results: Mapping[str, Any]) -> list[str]:
    prov = provenance(results)
    gold = short_sha(prov.get("gold_sha256"))
    commit = short_sha(prov.get("git_commit"), 10)
    stamp = md_text(prov.get("timestamp") or NULL)
    lines = [f"## Fact-extraction benchmark: gold `{gold}`, commit `{commit}`, {stamp}", ""]
    facts = []
    documents = as_list(results.get("documents"))
    facts.append(f"{len(documents)} document{'s' if len(documents) != 1 else ''}")
    if prov.get("package_version"):
        facts.append(f"fact-extraction-bench {md_text(prov['package_version'])}")
    boot = as_dict(prov.get("bootstrap"))
    if boot:
        facts.append(
            f"95% CI: percentile bootstrap, {md_text(boot.get('samples', NULL))} samples "
            f"by {md_text(boot.get('unit', NULL))}, seed {md_text(boot.get('seed', NULL))}"
        )
    lines += [" · ".join(facts), ""]
    return lines


def _leaderboard(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    lines = ["### Leaderboard", ""]
    if not systems:
        return [*lines, "No system was scored.", ""]
    header = ["System", *(label for _, _, label in HEADLINE)]
    rows = [
        [
            _system_label(results, system),
            *(
                fmt_f1_ci(metric_cell(results, system, layer, metric))
                for layer, metric, _ in HEADLINE
            ),
        ]
        for system in systems
    ]
    lines += _table(header, rows, "l" + "r" * len(HEADLINE))
    lines += [
        "",
        "F1 with its 95% bootstrap interval in brackets; — means undefined (no items).",
        "",
    ]
    return lines


def _layer_tables(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    lines: list[str] = []
    for layer in layers_of(results):
        lines += [f"### {layer.capitalize()}", ""]
        header = ["System", "Metric", "P", "R", "F1 [95% CI]", "TP", "FP", "FN"]
        rows = []
        for system in systems:
            for metric in metrics_of(results, layer):
                cell = metric_cell(results, system, layer, metric)
                if not cell:
                    continue
                rows.append(
                    [
                        _system_label(results, system),
                        md_text(metric),
                        fmt_score(cell.get("precision")),
                        fmt_score(cell.get("recall")),
                        fmt_f1_ci(cell),
                        fmt_count(cell.get("tp")),
                        fmt_count(cell.get("fp")),
                        fmt_count(cell.get("fn")),
                    ]
                )
        lines += [*_table(header, rows, "llrrrrrr"), ""]
    return lines


def _problems(results: Mapping[str, Any]) -> list[str]:
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


def _usage(results: Mapping[str, Any]) -> list[str]:
    usage = as_dict(results.get("usage"))
    if not usage:
        return []
    rows = [
        [
            _system_label(results, str(system)),
            *(fmt_usage(key, as_dict(figures).get(key)) for key, _ in USAGE_FIELDS),
        ]
        for system, figures in sorted(usage.items())
    ]
    header = ["System", *(label for _, label in USAGE_FIELDS)]
    return ["### Usage", "", *_table(header, rows, "l" + "r" * len(USAGE_FIELDS)), ""]


def render_summary_md(results: Mapping[str, Any], *, command: str | None = None) -> str:
    """Render a run's results as Markdown fit for a pull-request comment.

    Args:
        results: the results.json dict.
        command: the command that produced the run (default: provenance ``command``, else
            ``bench report RUN``).

    Example:
        >>> md = render_summary_md({"results": {}, "documents": []})
        >>> md.splitlines()[0]
        '## Fact-extraction benchmark: gold `—`, commit `—`, —'
    """
    systems = systems_of(results)
    lines = _title(results)
    lines += _leaderboard(results, systems)
    lines += _layer_tables(results, systems)
    lines += _problems(results)
    lines += _usage(results)
    shown = command or provenance(results).get("command") or "bench report RUN"
    lines += [f"Produced by `{one_line(shown).replace('`', '')}`.", ""]
    return "\n".join(lines)
