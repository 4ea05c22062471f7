"""``report.html``: one self-contained page (inline CSS, one hashed inline script, inline SVG).

Rendering only: scores and intervals come from :class:`~benchmark._formats.Results`, false
positives and negatives from the run's per-document details
(:class:`~benchmark._formats.DocumentDetail`). The article view marks a predicted span as a false
positive when the details list it among the document's false positives (and a gold span as a
false negative likewise), matching on offsets. Everything from systems, gold or the run's files
is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._errors import one_line
from .._formats import DocumentDetail, Macro, MetricDetail, Results, Scores
from .._models import ENTITY_TYPES, Annotation, Corpus
from .._run._provenance import redact
from ._assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE
from ._format import (
    HEADLINE,
    METRIC_ORDER,
    NULL,
    USAGE_FIELDS,
    alias_of,
    credited_commands,
    fmt_ci,
    fmt_count,
    fmt_score,
    fmt_usage,
    interval_of,
    iter_errors,
    iter_skipped,
    layers_of,
    metrics_of,
    ordered,
    short_sha,
)
from ._highlight import Mark, highlight

Details = Mapping[str, Mapping[str, DocumentDetail]]
"""A run's per-document details as ``details[system][doc_id]`` (as ``load_details`` reads them)."""
Predictions = Mapping[str, Mapping[str, Annotation]]
"""A run's predictions as ``predictions[system][doc_id]``."""

SPAN_LAYERS: tuple[str, ...] = ("entities", "quotes")
ITEM_LAYERS: tuple[str, ...] = ("speakers", "claims")
VIEW_METRICS: dict[str, tuple[str, ...]] = {
    "entities": ("strict", "exact", "type", "partial"),
    "quotes": ("attribution", "overlap", "exact"),
    "speakers": ("set",),
    "claims": ("matched", "attributed"),
}
"""Which metric's false positives/negatives each article view shows (the first one scored)."""

STATUS_LABEL = {"tp": "matched", "fp": "false positive", "fn": "false negative", "na": "not scored"}
SANITY_ADAPTERS = frozenset({"oracle", "empty"})
"""Adapters whose scores only check the harness; the article view opens on another system."""


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Example:
        >>> esc('<b title="x">')
        '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


# --- small pieces ------------------------------------------------------------------------------


def _system_label(results: Results, system: str) -> str:
    shown = alias_of(results, system)
    alias = f' <span class="alias">({esc(shown)})</span>' if shown else ""
    return f'<span class="sys">{esc(system)}</span>{alias}'


def _f1_cell(scores: Scores | Macro | None) -> str:
    """A table cell with F1 (and its interval); precision, recall and counts in the tooltip."""
    if scores is None:
        return f'<td class="num" title="not scored">{NULL}</td>'
    interval = fmt_ci(interval_of(scores))
    title = f"P {fmt_score(scores.precision)} · R {fmt_score(scores.recall)}"
    if isinstance(scores, Scores):
        title += f" · tp {fmt_count(scores.tp)} fp {fmt_count(scores.fp)} fn {fmt_count(scores.fn)}"
    interval_html = f' <span class="ci">{esc(interval)}</span>' if interval else ""
    return f'<td class="num" title="{esc(title)}">{esc(fmt_score(scores.f1))}{interval_html}</td>'


def _table(header: Sequence[str], rows: Iterable[str], numeric_from: int = 1) -> str:
    """A table from escaped header labels and ready-made ``<tr>`` rows."""
    heads = "".join(
        f'<th class="num">{h}</th>' if i >= numeric_from else f"<th>{h}</th>"
        for i, h in enumerate(header)
    )
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(name: str, title: str, body: str) -> str:
    return f'<section id="{name}"><h2>{title}</h2>{body}</section>'


def _note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


# --- header, leaderboard, layer tables ---------------------------------------------------------


def _warnings(
    results: Results, details: Details, corpus: Corpus, notes: Sequence[str]
) -> list[str]:
    warnings = list(notes)
    expected = results.provenance.gold_sha256
    if corpus.sha256 and corpus.sha256 != expected:
        warnings.append(
            f"The gold on disk (sha256 {corpus.sha256[:12]}) differs from the gold this run was "
            f"scored on ({expected[:12]}): article highlights may not line up with the scores."
        )
    if results.systems and not details:
        warnings.append(
            "This run has no per-document details (details.jsonl): the article view shows the "
            "spans but cannot mark false positives and negatives."
        )
    return warnings


def _header(results: Results, warnings: Sequence[str]) -> str:
    provenance = results.provenance
    bootstrap = provenance.bootstrap
    facts = [
        f"gold <code>{esc(short_sha(provenance.gold_sha256))}</code>",
        f"commit <code>{esc(short_sha(provenance.git_commit, 10))}</code>",
        esc(provenance.timestamp or NULL),
        f"{len(results.documents)} documents",
        f"fact-extraction-bench {esc(provenance.package_version)}",
        f"95% CI: bootstrap {esc(bootstrap.samples)} × {esc(bootstrap.unit)}, "
        f"seed {esc(bootstrap.seed)}",
    ]
    banner = "".join(f'<p class="warn">{esc(one_line(w, 500))}</p>' for w in warnings)
    return (
        '<header class="top"><h1>Fact-extraction benchmark</h1>'
        f'<div class="facts">{" · ".join(facts)}</div></header>'
        '<nav class="toc"><a href="#leaderboard">Leaderboard</a><a href="#charts">Charts</a>'
        '<a href="#layers">Tables</a><a href="#breakdown">Entity types</a>'
        '<a href="#articles">Articles</a><a href="#problems">Errors</a>'
        '<a href="#usage">Usage</a><a href="#provenance">Provenance</a></nav>'
        f"<main>{banner}"
    )


def _leaderboard(results: Results) -> str:
    if not results.systems:
        return _section("leaderboard", "Leaderboard", _note("No system was scored."))
    rows = [
        f"<tr><td>{_system_label(results, system)}</td>"
        + "".join(_f1_cell(results.totals(system, layer, metric)) for layer, metric, _ in HEADLINE)
        + "</tr>"
        for system in results.systems
    ]
    table = _table(["System", *(esc(label) for _, _, label in HEADLINE)], rows)
    return _section(
        "leaderboard",
        "Leaderboard",
        table
        + _note(
            "F1 with its 95% bootstrap interval; hover a cell for precision, recall and counts. "
            "— means undefined (nothing to score)."
        ),
    )


def _layer_tables(results: Results) -> str:
    out = []
    for layer in layers_of(results):
        rows = []
        for system in results.systems:
            for metric in metrics_of(results, layer):
                totals = results.totals(system, layer, metric)
                if totals is None:
                    continue
                interval = fmt_ci(interval_of(totals))
                interval_html = f' <span class="ci">{esc(interval)}</span>' if interval else ""
                rows.append(
                    f"<tr><td>{_system_label(results, system)}</td><td>{esc(metric)}</td>"
                    f'<td class="num">{fmt_score(totals.precision)}</td>'
                    f'<td class="num">{fmt_score(totals.recall)}</td>'
                    f'<td class="num">{fmt_score(totals.f1)}{interval_html}</td>'
                    f'<td class="num">{fmt_count(totals.tp)}</td>'
                    f'<td class="num">{fmt_count(totals.fp)}</td>'
                    f'<td class="num">{fmt_count(totals.fn)}</td></tr>'
                )
        out.append(f"<h3>{esc(layer.capitalize())}</h3>")
        out.append(_table(["System", "Metric", "P", "R", "F1 [95% CI]", "TP", "FP", "FN"], rows, 2))
    return _section("layers", "Per-layer tables", "".join(out))


# --- charts ------------------------------------------------------------------------------------

_LABEL_W, _BAR_X, _BAR_W, _ROW_H, _TOP = 118, 124, 200, 34, 18


def _x(value: float) -> float:
    return round(_BAR_X + _BAR_W * min(max(value, 0.0), 1.0), 1)


def _metric_chart(results: Results, layer: str, metric: str) -> str:
    """One SVG: for each system three bars (P, R, F1) and the F1 interval as a whisker."""
    systems = results.systems
    width, height = _BAR_X + _BAR_W + 58, _TOP + _ROW_H * len(systems) + 4
    parts = [
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(f"{layer} {metric}: precision, recall and F1 per system")}">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = _x(tick)
        parts.append(f'<line class="axis" x1="{x}" y1="{_TOP - 4}" x2="{x}" y2="{height - 2}"/>')
        parts.append(
            f'<text class="muted" x="{x}" y="{_TOP - 7}" text-anchor="middle">{tick:g}</text>'
        )
    for row, system in enumerate(systems):
        totals = results.totals(system, layer, metric)
        y = _TOP + row * _ROW_H
        shown = system if len(system) <= 18 else system[:17] + "…"
        parts.append(
            f'<text x="{_LABEL_W}" y="{y + 17}" text-anchor="end"><title>{esc(system)}</title>'
            f"{esc(shown)}</text>"
        )
        if totals is None:
            continue
        for offset, name, value, css in (
            (2, "precision", totals.precision, "bar-p"),
            (11, "recall", totals.recall, "bar-r"),
            (20, "f1", totals.f1, "bar-f"),
        ):
            if value is not None:
                bar_w = round(_x(value) - _BAR_X, 1)
                parts.append(
                    f'<rect class="{css}" x="{_BAR_X}" y="{y + offset}" width="{bar_w}" height="7">'
                    f"<title>{esc(f'{system} {name} {fmt_score(value)}')}</title></rect>"
                )
        interval = interval_of(totals)
        if interval is not None:
            lo, hi, cy = _x(interval[0]), _x(interval[1]), y + 23.5
            parts.append(
                f'<path class="whisker" d="M{lo} {cy}H{hi}'
                f'M{lo} {cy - 4}V{cy + 4}M{hi} {cy - 4}V{cy + 4}">'
                f"<title>{esc(f'95% CI {fmt_ci(interval)}')}</title></path>"
            )
        parts.append(
            f'<text class="val" x="{_BAR_X + _BAR_W + 6}" y="{y + 27}">'
            f"{esc(fmt_score(totals.f1))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _charts(results: Results) -> str:
    out = [
        '<p class="note">Bars:'
        '<span class="key p"></span>precision<span class="key r"></span>recall'
        '<span class="key f"></span>F1, with its 95% interval as a whisker; the number is F1.</p>'
    ]
    if results.systems:
        for layer in layers_of(results):
            out.append(f'<h3>{esc(layer.capitalize())}</h3><div class="charts">')
            for metric in metrics_of(results, layer):
                out.append(
                    f'<div class="card"><h4>{esc(layer)} · {esc(metric)}</h4>'
                    f"{_metric_chart(results, layer, metric)}</div>"
                )
            out.append("</div>")
    return _section("charts", "Charts", "".join(out))


# --- entity breakdown --------------------------------------------------------------------------


def _per_type_table(
    per_type: Mapping[str, Mapping[str, Scores]], macro: Mapping[str, Macro]
) -> str:
    schemes = ordered(
        [*macro, *(scheme for by_scheme in per_type.values() for scheme in by_scheme)],
        METRIC_ORDER["entities"],
    )
    rows = [
        f"<tr><td>{esc(entity_type)}</td>"
        + "".join(_f1_cell(per_type[entity_type].get(scheme)) for scheme in schemes)
        + "</tr>"
        for entity_type in ordered(per_type, ENTITY_TYPES)
    ]
    if macro:
        rows.append(
            "<tr><td><em>macro average</em></td>"
            + "".join(_f1_cell(macro.get(scheme)) for scheme in schemes)
            + "</tr>"
        )
    if not rows:
        return ""
    return "<h4>Per type (F1)</h4>" + _table(["Type", *(esc(s) for s in schemes)], rows)


def _confusion_table(labels: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    if not labels or len(matrix) != len(labels):
        return ""
    peak = max((value for row in matrix for value in row), default=0)
    head = "".join(f'<th class="num">{esc(label)}</th>' for label in labels)
    rows = []
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        cells = []
        for j in range(len(labels)):
            value = row[j] if j < len(row) else None
            level = round(5 * value / peak) if peak and value else 0
            diagonal = " diag" if i == j else ""
            cells.append(f'<td class="heat{level}{diagonal}">{esc(fmt_count(value))}</td>')
        rows.append(f"<tr><th>{esc(label)}</th>{''.join(cells)}</tr>")
    return (
        '<h4>Type confusion</h4><p class="note">Rows: gold type; columns: predicted type '
        "(mentions matched by span overlap).</p>"
        f'<table class="confusion"><thead><tr><th>gold \\ predicted</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _breakdown(results: Results) -> str:
    out: list[str] = []
    systems = [*results.systems, *sorted(set(results.breakdown) - set(results.systems))]
    for system in systems:
        breakdown = results.breakdown.get(system)
        if breakdown is None:
            continue
        entities = breakdown.entities
        body = _per_type_table(entities.per_type, entities.macro) + _confusion_table(
            entities.confusion.labels, entities.confusion.matrix
        )
        if body:
            opened = "" if out else " open"
            out.append(
                f"<details{opened}><summary>{_system_label(results, system)}</summary>"
                f"{body}</details>"
            )
    if not out:
        out.append(_note("No per-type breakdown in this run."))
    return _section("breakdown", "Entity types", "".join(out))


# --- articles ----------------------------------------------------------------------------------


def _view(
    results: Results, details: Details, system: str, layer: str, doc_id: str
) -> tuple[str | None, MetricDetail | None]:
    """The metric an article view shows and its detail on the document (None when not scored)."""
    for metric in VIEW_METRICS[layer]:
        if results.totals(system, layer, metric) is not None:
            document = details.get(system, {}).get(doc_id)
            found = document.metrics.get(layer, {}).get(metric) if document else None
            return metric, found
    return None, None


def _offsets(items: Iterable[Mapping[str, Any]]) -> Counter[tuple[int, int]]:
    """How many listed items have each (start, end): a span is marked once per listing."""
    keys: Counter[tuple[int, int]] = Counter()
    for item in items:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int):
            keys[(start, end)] += 1
    return keys


def _status(flagged: Counter[tuple[int, int]] | None, key: tuple[int, int], bad: str) -> str:
    if flagged is None:
        return "na"
    if flagged[key] > 0:
        flagged[key] -= 1
        return bad
    return "tp"


def _marks(
    annotation: Annotation,
    layer: str,
    flagged: Counter[tuple[int, int]] | None,
    bad: str,
    side: str,
) -> list[Mark]:
    """One mark per entity (or quote) of ``annotation``, its status taken from ``flagged``."""
    marks = []
    if layer == "entities":
        for entity in sorted(annotation.entities, key=lambda e: (e.start, e.end)):
            status = _status(flagged, (entity.start, entity.end), bad)
            title = " · ".join(
                x for x in (entity.type, entity.entity_id or "", STATUS_LABEL[status], side) if x
            )
            data = (("data-type", str(entity.type)), ("data-status", status))
            marks.append(Mark(entity.start, entity.end, f"ent {status}", data, title))
    else:
        for quote in sorted(annotation.quotes, key=lambda q: (q.start, q.end)):
            status = _status(flagged, (quote.start, quote.end), bad)
            speaker = quote.speaker or ""
            title = " · ".join(
                (f"{quote.kind} quote", f"speaker: {speaker or '?'}", STATUS_LABEL[status], side)
            )
            data = (("data-kind", str(quote.kind)), ("data-status", status))
            marks.append(
                Mark(quote.start, quote.end, f"quote {status}", data, title, label=speaker)
            )
    return marks


def item_text(item: Mapping[str, Any]) -> str:
    """How a listed false positive or negative reads: its text (and source), else its name.

    Example:
        >>> item_text({"text": "It rained", "source": "author"})
        'It rained — author'
        >>> item_text({"id": "x", "name": None}), item_text({"n": 1})
        ('x', '{"n": 1}')
    """
    if "text" in item:
        source = item.get("source") or item.get("speaker")
        return f"{item['text']}" + (f" — {source}" if source else "")
    for key in ("name", "id", "entity_id"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)


def _item_list(items: Sequence[Mapping[str, Any]] | None, css: str) -> str:
    if items is None:
        return _note("not scored")
    entries = [f'<li class="{css}">{esc(one_line(item_text(i), 400))}</li>' for i in items]
    return f"<ul>{''.join(entries)}</ul>" if entries else _note("none")


def _pair(
    results: Results,
    details: Details,
    system: str,
    layer: str,
    example: tuple[str, str | None, Annotation | None],
    predicted: Annotation | None,
    error: str | None,
) -> str:
    """One system's view of one layer of one article: gold left, the system right."""
    doc_id, text, gold = example
    metric, found = _view(results, details, system, layer, doc_id)
    stat = ""
    if found is not None:
        tp, fp, fn = found.counts
        stat = f" — {esc(metric)}: tp {fmt_count(tp)}, fp {fmt_count(fp)}, fn {fmt_count(fn)}"
    elif metric is not None:
        stat = f" — {esc(metric)}: not scored on this document"
    head = (
        f'<h4>{_system_label(results, system)} · {esc(layer)}<span class="stat">{stat}</span></h4>'
    )
    attrs = f'class="pair" data-system="{esc(system)}" data-layer="{esc(layer)}"'
    error_html = f'<p class="err">error: {esc(one_line(error, 500))}</p>' if error else ""
    if layer in ITEM_LAYERS:
        missed = _item_list(found.false_negatives if found else None, "fn")
        spurious = _item_list(found.false_positives if found else None, "fp")
        return (
            f'<div {attrs}>{head}<div class="cols">'
            f'<div class="col"><div class="colhead">Gold missed (false negatives)</div>'
            f'<div class="items">{missed}</div></div>'
            f'<div class="col"><div class="colhead">{esc(system)}: spurious (false positives)</div>'
            f'<div class="items">{error_html}{spurious}</div></div></div></div>'
        )
    if text is None:
        return f"<div {attrs}>{head}{_note('Article not in the gold on disk.')}</div>"
    missed_spans = _offsets(found.false_negatives) if found else None
    spurious_spans = _offsets(found.false_positives) if found else None
    gold_html = (
        highlight(text, _marks(gold, layer, missed_spans, "fn", "gold")) if gold else esc(text)
    )
    if predicted is not None:
        system_html = highlight(text, _marks(predicted, layer, spurious_spans, "fp", "predicted"))
        system_body = f'{error_html}<div class="text">{system_html}</div>'
    else:
        note = "" if error else _note("No predictions file for this document.")
        system_body = f"{error_html}{note}"
    return (
        f'<div {attrs}>{head}<div class="cols">'
        f'<div class="col"><div class="colhead">Gold</div><div class="text">{gold_html}</div></div>'
        f'<div class="col"><div class="colhead">{esc(system)}</div>{system_body}</div>'
        "</div></div>"
    )


def _legend() -> str:
    types = "".join(f'<span class="ent" data-type="{t}">{t}</span> ' for t in ENTITY_TYPES)
    return (
        '<div class="legend">'
        '<span class="tp-key">matched</span> <span class="fp-key">false positive (fp)</span> '
        '<span class="fn-key">false negative (fn)</span> · '
        f"entity types: {types}· "
        '<span class="quote">quotation</span><sup class="who">speaker</sup>'
        "</div>"
        '<p class="note">Gold (left) marks what the system missed; the system (right) marks what '
        "it got wrong. Entities use the strict metric, quotes the attribution metric "
        "(first one present); speakers and claims list the misses and spurious items.</p>"
    )


def default_view_system(results: Results) -> str | None:
    """The system the article view opens on: the best real one by mean headline F1.

    Sanity systems (the ``oracle`` and ``empty`` adapters) come last, so a reader first sees
    the errors of a system worth reading.

    Example:
        >>> from benchmark._formats import MetricTotals, SystemProvenance
        >>> from benchmark._report._format import minimal_results
        >>> perfect = MetricTotals(1.0, 1.0, 1.0, tp=2, fp=0, fn=0)
        >>> half = MetricTotals(0.5, 0.5, 0.5, tp=1, fp=1, fn=1)
        >>> run = minimal_results(
        ...     {"o": {"quotes": {"attribution": perfect}}, "r": {"quotes": {"attribution": half}}},
        ...     systems={"o": SystemProvenance(adapter="oracle"), "r": SystemProvenance()},
        ... )
        >>> default_view_system(run)
        'r'
    """

    def rank(system: str) -> tuple[bool, float]:
        described = results.provenance.systems.get(system)
        adapter = described.adapter if described else None
        f1s = [
            totals.f1
            for layer, metric, _ in HEADLINE
            if (totals := results.totals(system, layer, metric)) is not None
            and totals.f1 is not None
        ]
        return (adapter not in SANITY_ADAPTERS, sum(f1s) / len(f1s) if f1s else -1.0)

    return max(results.systems, key=rank) if results.systems else None


def _controls(results: Results, layers: Sequence[str]) -> str:
    chosen = default_view_system(results)
    system_options = "".join(
        f'<option value="{esc(s)}"{" selected" if s == chosen else ""}>{esc(s)}</option>'
        for s in results.systems
    )
    layer_options = "".join(
        f'<option value="{esc(layer)}"{" selected" if i == 0 else ""}>{esc(layer)}</option>'
        for i, layer in enumerate(layers)
    )
    return (
        '<div id="controls" class="controls" hidden>'
        '<label>System <select id="filter-system"><option value="*">all systems</option>'
        f"{system_options}</select></label>"
        '<label>str <select id="filter-layer"><option value="*">all layers</option>'
        f"{layer_options}</select></label></div>"
    )


def _articles(results: Results, details: Details, corpus: Corpus, predictions: Predictions) -> str:
    doc_ids = [*results.documents, *(d for d in corpus.doc_ids if d not in results.documents)]
    layers = [
        layer
        for layer in (*SPAN_LAYERS, *ITEM_LAYERS)
        if any(
            results.totals(system, layer, metric) is not None
            for system in results.systems
            for metric in VIEW_METRICS[layer]
        )
    ] or list(SPAN_LAYERS)
    out = [_controls(results, layers), _legend()]
    for doc_id in doc_ids:
        in_gold = corpus[doc_id] if doc_id in corpus else None  # noqa: SIM401 (no Corpus.get)
        gold = in_gold.annotation if in_gold else None
        example = (doc_id, in_gold.document.text if in_gold else None, gold)
        counts = (
            f"{len(gold.entities)} entities, {len(gold.quotes)} quotes, "
            f"{len(gold.speakers)} speakers, {len(gold.claims)} claims in gold"
            if gold
            else "not in the gold on disk"
        )
        out.append(
            f'<article class="doc" id="doc-{esc(doc_id)}"><h3>{esc(doc_id)}</h3>{_note(counts)}'
        )
        for layer in layers:
            for system in results.systems:
                predicted = predictions.get(system, {}).get(doc_id)
                error = results.errors.get(system, {}).get(doc_id)
                out.append(_pair(results, details, system, layer, example, predicted, error))
        out.append("</article>")
    if not doc_ids:
        out.append(_note("No documents."))
    return _section("articles", "Articles", "".join(out))


# --- errors, usage, provenance -----------------------------------------------------------------


def _problems(results: Results) -> str:
    out = []
    errors = list(iter_errors(results))
    if errors:
        rows = [
            f"<tr><td>{esc(system)}</td><td><code>{esc(doc_id)}</code></td>"
            f"<td>{esc(one_line(reason, 500))}</td></tr>"
            for system, doc_id, reason in errors
        ]
        out.append(
            f"<h3>Errors ({len(errors)})</h3>" + _table(["System", "Document", "Reason"], rows, 9)
        )
    else:
        out.append(_note("No system failed on any document."))
    skipped = list(iter_skipped(results))
    if skipped:
        rows = [
            f"<tr><td>{esc(system)}</td><td>{esc(one_line(reason, 500))}</td></tr>"
            for system, reason in skipped
        ]
        out.append(
            f"<h3>Skipped systems ({len(skipped)})</h3>" + _table(["System", "Reason"], rows, 9)
        )
    return _section("problems", "Errors and skipped systems", "".join(out))


def _usage(results: Results) -> str:
    if not results.usage:
        return _section("usage", "Usage", _note("No token or cost accounting in this run."))
    rows = [
        f"<tr><td>{_system_label(results, system)}</td>"
        + "".join(
            f'<td class="num">{esc(fmt_usage(key, figures.get(key)))}</td>'
            for key, _ in USAGE_FIELDS
        )
        + "</tr>"
        for system, figures in sorted(results.usage.items())
    ]
    table = _table(["System", *(esc(label) for _, label in USAGE_FIELDS)], rows)
    return _section("usage", "Usage", table)


def _provenance(results: Results) -> str:
    provenance = results.provenance
    bootstrap = provenance.bootstrap
    facts: list[tuple[str, object]] = [
        ("package version", provenance.package_version),
        ("git commit", provenance.git_commit),
        ("gold sha256", provenance.gold_sha256),
        ("gold folder", provenance.gold_dir),
        ("timestamp", provenance.timestamp),
        ("python", provenance.python),
        ("platform", provenance.platform),
        ("command", provenance.command),
        (
            "bootstrap",
            f"{bootstrap.samples} samples by {bootstrap.unit}, seed {bootstrap.seed}",
        ),
        ("format version", results.format_version),
    ]
    rows = [
        f"<tr><th>{esc(name)}</th><td><code>{esc(NULL if value is None else value)}</code></td>"
        "</tr>"
        for name, value in facts
    ]
    out = [f"<table><tbody>{''.join(rows)}</tbody></table>"]
    if provenance.systems:
        system_rows = []
        for name, described in sorted(provenance.systems.items()):
            config = json.dumps(
                redact(described.config), ensure_ascii=False, sort_keys=True, indent=1, default=str
            )
            shown = (described.adapter, described.version, described.config_hash, described.source)
            system_rows.append(
                f"<tr><td>{_system_label(results, name)}</td>"
                + "".join(f"<td>{esc(NULL if value is None else value)}</td>" for value in shown)
                + f'<td><pre class="config">{esc(config)}</pre></td></tr>'
            )
        header = ["System", "Adapter", "Version", "Config hash", "Source", "Config"]
        out.append("<h3>Systems</h3>" + _table(header, system_rows, 9))
    return _section("provenance", "Provenance", "".join(out))


def _footer(results: Results, command: str | None) -> str:
    credited = "; ".join(
        f"{role} <code>{esc(one_line(line, 500))}</code>"
        for role, line in credited_commands(results, command)
    )
    if credited:
        credited += ". "
    return f"<footer>{credited}Self-contained: no external resources.</footer>"


def render_html(
    results: Results,
    details: Details,
    corpus: Corpus,
    predictions: Predictions,
    *,
    notes: Sequence[str] = (),
    command: str | None = None,
) -> str:
    """Render a run as one self-contained HTML page.

    Args:
        results: the run's results.json.
        details: the run's details.jsonl as ``details[system][doc_id]``; the article view marks
            false positives and negatives from it.
        corpus: the gold the run was scored on (articles and gold spans).
        predictions: the run's predictions as ``predictions[system][doc_id]``.
        notes: warnings shown at the top (e.g. gold or predictions that could not be read).
        command: the command writing the page, credited in the footer with the run's own
            ``provenance.command``; with neither known, the footer credits no command.

    Example:
        >>> from benchmark._report._format import minimal_results
        >>> page = render_html(minimal_results(), {}, Corpus(()), {})
        >>> page.startswith("<!DOCTYPE html>"), "Content-Security-Policy" in page
        (True, True)
    """
    provenance = results.provenance
    title = (
        f"Fact-extraction benchmark · gold {short_sha(provenance.gold_sha256)} · "
        f"commit {short_sha(provenance.git_commit, 10)}"
    )
    body = "".join(
        [
            _header(results, _warnings(results, details, corpus, notes)),
            _leaderboard(results),
            _charts(results),
            _layer_tables(results),
            _breakdown(results),
            _articles(results, details, corpus, predictions),
            _problems(results),
            _usage(results),
            _provenance(results),
            "</main>",
            _footer(results, command),
        ]
    )
    return html_page(title, body)


def html_page(title: str, body: str) -> str:
    """The page shell every HTML page of the tool uses: the strict CSP, the one stylesheet and
    the one hashed script around ``body`` (ready-made, escaped HTML); ``title`` is escaped here.

    Example:
        >>> page = html_page("a <b>", "<main></main>")
        >>> "<title>a &lt;b&gt;</title>" in page, "Content-Security-Policy" in page
        (True, True)
    """
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_SECURITY_POLICY)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>\n",
            body,
            f"<script>{SCRIPT}</script>\n</body></html>\n",
        ]
    )
