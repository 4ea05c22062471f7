"""``report.html``: one self-contained page (inline CSS, one hashed inline script, inline SVG).

Rendering only: scores, intervals and false positives/negatives come from the results dict; the
article view marks a predicted span as a false positive when the results list it among the
document's false positives (and a gold span as a false negative likewise), matching on offsets.
Everything from systems, gold or results is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .._models import ENTITY_TYPES, Annotation, Corpus
from ._assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE
from ._format import (
    HEADLINE,
    METRIC_ORDER,
    NULL,
    USAGE_FIELDS,
    as_dict,
    as_list,
    ci_bounds,
    display_name,
    fmt_ci,
    fmt_count,
    fmt_score,
    fmt_usage,
    iter_errors,
    iter_skipped,
    layers_of,
    metric_cell,
    metrics_of,
    one_line,
    ordered,
    provenance,
    short_sha,
    systems_of,
)
from ._highlight import Mark, highlight

SPAN_LAYERS = ("entities", "quotes")
ITEM_LAYERS = ("speakers", "claims")
VIEW_METRICS: dict[str, tuple[str, ...]] = {
    "entities": ("strict", "exact", "type", "partial"),
    "quotes": ("attribution", "overlap", "exact"),
    "speakers": ("set",),
    "claims": ("matched", "attributed"),
}
"""Which metric's false positives/negatives each article view shows (first one present)."""

_SECRET_KEY = re.compile(r"(api[_-]?key|secret|password|passwd|authori[sz]ation|bearer)", re.I)
STATUS_LABEL = {"tp": "matched", "fp": "false positive", "fn": "false negative", "na": "not scored"}


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Example:
        >>> esc('<b title="x">')
        '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


# --- small pieces ------------------------------------------------------------------------------


def _system_label(results: Mapping[str, Any], system: str) -> str:
    shown = display_name(results, system)
    alias = f' <span class="alias">({esc(shown)})</span>' if shown else ""
    return f'<span class="sys">{esc(system)}</span>{alias}'


def _f1_cell(cell: Mapping[str, Any]) -> str:
    f1 = fmt_score(cell.get("f1"))
    ci = fmt_ci(cell.get("ci")) if f1 != NULL else ""
    title = (
        f"P {fmt_score(cell.get('precision'))} · R {fmt_score(cell.get('recall'))} · "
        f"tp {fmt_count(cell.get('tp'))} fp {fmt_count(cell.get('fp'))} "
        f"fn {fmt_count(cell.get('fn'))}"
    )
    ci_html = f' <span class="ci">{esc(ci)}</span>' if ci else ""
    return f'<td class="num" title="{esc(title)}">{esc(f1)}{ci_html}</td>'


def _table(header: Sequence[str], rows: Sequence[str], numeric_from: int = 1) -> str:
    """A table from escaped header labels and ready-made ``<tr>`` rows."""
    heads = "".join(
        f'<th class="num">{h}</th>' if i >= numeric_from else f"<th>{h}</th>"
        for i, h in enumerate(header)
    )
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# --- header, leaderboard, layer tables ---------------------------------------------------------


def _header(results: Mapping[str, Any], corpus: Corpus, notes: Sequence[str]) -> str:
    prov = provenance(results)
    facts = [
        f"gold <code>{esc(short_sha(prov.get('gold_sha256')))}</code>",
        f"commit <code>{esc(short_sha(prov.get('git_commit'), 10))}</code>",
        esc(prov.get("timestamp") or NULL),
        f"{len(as_list(results.get('documents')))} documents",
    ]
    if prov.get("package_version"):
        facts.append(f"fact-extraction-bench {esc(prov['package_version'])}")
    boot = as_dict(prov.get("bootstrap"))
    if boot:
        facts.append(
            f"95% CI: bootstrap {esc(boot.get('samples', NULL))} × {esc(boot.get('unit', NULL))}"
            f", seed {esc(boot.get('seed', NULL))}"
        )
    warnings = list(notes)
    expected = prov.get("gold_sha256")
    if isinstance(expected, str) and expected and corpus.sha256 and corpus.sha256 != expected:
        warnings.append(
            f"The gold on disk (sha256 {corpus.sha256[:12]}) differs from the gold this run was "
            f"scored on ({expected[:12]}): article highlights may not line up with the scores."
        )
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


def _leaderboard(results: Mapping[str, Any], systems: list[str]) -> str:
    out = ['<section id="leaderboard"><h2>Leaderboard</h2>']
    if not systems:
        return out[0] + '<p class="note">No system was scored.</p></section>'
    rows = [
        f"<tr><td>{_system_label(results, system)}</td>"
        + "".join(
            _f1_cell(metric_cell(results, system, layer, metric)) for layer, metric, _ in HEADLINE
        )
        + "</tr>"
        for system in systems
    ]
    out.append(_table(["System", *(esc(label) for _, _, label in HEADLINE)], rows))
    out.append(
        '<p class="note">F1 with its 95% bootstrap interval; hover a cell for precision, recall '
        "and counts. — means undefined (nothing to score).</p></section>"
    )
    return "".join(out)


def _layer_tables(results: Mapping[str, Any], systems: list[str]) -> str:
    out = ['<section id="layers"><h2>Per-layer tables</h2>']
    for layer in layers_of(results):
        rows = []
        for system in systems:
            for metric in metrics_of(results, layer):
                cell = metric_cell(results, system, layer, metric)
                if not cell:
                    continue
                ci = fmt_ci(cell.get("ci")) if cell.get("f1") is not None else ""
                ci_html = f' <span class="ci">{esc(ci)}</span>' if ci else ""
                rows.append(
                    f"<tr><td>{_system_label(results, system)}</td><td>{esc(metric)}</td>"
                    f'<td class="num">{fmt_score(cell.get("precision"))}</td>'
                    f'<td class="num">{fmt_score(cell.get("recall"))}</td>'
                    f'<td class="num">{fmt_score(cell.get("f1"))}{ci_html}</td>'
                    f'<td class="num">{fmt_count(cell.get("tp"))}</td>'
                    f'<td class="num">{fmt_count(cell.get("fp"))}</td>'
                    f'<td class="num">{fmt_count(cell.get("fn"))}</td></tr>'
                )
        out.append(f"<h3>{esc(layer.capitalize())}</h3>")
        out.append(_table(["System", "Metric", "P", "R", "F1 [95% CI]", "TP", "FP", "FN"], rows, 2))
    out.append("</section>")
    return "".join(out)


# --- charts ------------------------------------------------------------------------------------

_LABEL_W, _BAR_X, _BAR_W, _ROW_H, _TOP = 118, 124, 200, 34, 18


def _x(value: float) -> float:
    return round(_BAR_X + _BAR_W * min(max(value, 0.0), 1.0), 1)


def _metric_chart(results: Mapping[str, Any], systems: list[str], layer: str, metric: str) -> str:
    """One SVG: for each system three bars (P, R, F1) and the F1 interval as a whisker."""
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
        cell = metric_cell(results, system, layer, metric)
        y = _TOP + row * _ROW_H
        shown = system if len(system) <= 18 else system[:17] + "…"
        parts.append(
            f'<text x="{_LABEL_W}" y="{y + 17}" text-anchor="end"><title>{esc(system)}</title>'
            f"{esc(shown)}</text>"
        )
        for offset, key, css in (
            (2, "precision", "bar-p"),
            (11, "recall", "bar-r"),
            (20, "f1", "bar-f"),
        ):
            value = cell.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                bar_w = round(_x(float(value)) - _BAR_X, 1)
                parts.append(
                    f'<rect class="{css}" x="{_BAR_X}" y="{y + offset}" width="{bar_w}" height="7">'
                    f"<title>{esc(f'{system} {key} {fmt_score(value)}')}</title></rect>"
                )
        bounds = ci_bounds(cell.get("ci"))
        if bounds is not None and cell.get("f1") is not None:
            lo, hi, cy = _x(bounds[0]), _x(bounds[1]), y + 23.5
            tip = esc(f"95% CI {fmt_ci(cell.get('ci'))}")
            parts.append(
                f'<path class="whisker" d="M{lo} {cy}H{hi}'
                f'M{lo} {cy - 4}V{cy + 4}M{hi} {cy - 4}V{cy + 4}">'
                f"<title>{tip}</title></path>"
            )
        parts.append(
            f'<text class="val" x="{_BAR_X + _BAR_W + 6}" y="{y + 27}">'
            f"{esc(fmt_score(cell.get('f1')))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _charts(results: Mapping[str, Any], systems: list[str]) -> str:
    out = [
        '<section id="charts"><h2>Charts</h2><p class="note">Bars:'
        '<span class="key p"></span>precision<span class="key r"></span>recall'
        '<span class="key f"></span>F1, with its 95% interval as a whisker; the number is F1.</p>'
    ]
    if not systems:
        return out[0] + "</section>"
    for layer in layers_of(results):
        out.append(f'<h3>{esc(layer.capitalize())}</h3><div class="charts">')
        for metric in metrics_of(results, layer):
            out.append(
                f'<div class="card"><h4>{esc(layer)} · {esc(metric)}</h4>'
                f"{_metric_chart(results, systems, layer, metric)}</div>"
            )
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


# --- entity breakdown --------------------------------------------------------------------------


def _per_type_table(breakdown: Mapping[str, Any]) -> str:
    per_type = as_dict(breakdown.get("per_type"))
    macro = as_dict(breakdown.get("macro"))
    metrics: dict[str, None] = dict.fromkeys(macro)
    for figures in per_type.values():
        metrics.update(dict.fromkeys(as_dict(figures)))
    names = ordered(metrics, METRIC_ORDER["entities"])
    rows = []
    for etype in ordered(per_type, ENTITY_TYPES):
        figures = as_dict(per_type[etype])
        rows.append(
            f"<tr><td>{esc(etype)}</td>"
            + "".join(_f1_cell(as_dict(figures.get(name))) for name in names)
            + "</tr>"
        )
    if macro:
        rows.append(
            "<tr><td><em>macro average</em></td>"
            + "".join(_f1_cell(as_dict(macro.get(name))) for name in names)
            + "</tr>"
        )
    if not rows:
        return ""
    return "<h4>Per type (F1)</h4>" + _table(["Type", *(esc(n) for n in names)], rows)


def _confusion_table(confusion: Mapping[str, Any]) -> str:
    labels = [str(label) for label in as_list(confusion.get("labels"))]
    matrix = [as_list(row) for row in as_list(confusion.get("matrix"))]
    if not labels or len(matrix) != len(labels):
        return ""
    peak = max(
        (
            v
            for row in matrix
            for v in row
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ),
        default=0,
    )
    head = "".join(f'<th class="num">{esc(label)}</th>' for label in labels)
    rows = []
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        cells = []
        for j in range(len(labels)):
            value = row[j] if j < len(row) else None
            number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
            level = round(5 * number / peak) if peak else 0
            diag = " diag" if i == j else ""
            cells.append(f'<td class="heat{level}{diag}">{esc(fmt_count(value))}</td>')
        rows.append(f"<tr><th>{esc(label)}</th>{''.join(cells)}</tr>")
    return (
        '<h4>Type confusion</h4><p class="note">Rows: gold type; columns: predicted type '
        "(mentions matched by span overlap).</p>"
        f'<table class="confusion"><thead><tr><th>gold \\ predicted</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _breakdown(results: Mapping[str, Any], systems: list[str]) -> str:
    breakdown = as_dict(results.get("breakdown"))
    out = ['<section id="breakdown"><h2>Entity types</h2>']
    shown = 0
    for system in [*systems, *(s for s in sorted(breakdown) if s not in systems)]:
        entities = as_dict(as_dict(breakdown.get(system)).get("entities"))
        body = _per_type_table(entities) + _confusion_table(as_dict(entities.get("confusion")))
        if not body:
            continue
        opened = " open" if shown == 0 else ""
        out.append(
            f"<details{opened}><summary>{_system_label(results, system)}</summary>{body}</details>"
        )
        shown += 1
    if not shown:
        out.append('<p class="note">No per-type breakdown in this run.</p>')
    out.append("</section>")
    return "".join(out)


# --- articles ----------------------------------------------------------------------------------


def _view(
    results: Mapping[str, Any], system: str, layer: str, doc_id: str
) -> tuple[str | None, dict[str, Any] | None]:
    """The metric an article view uses and its per-document entry (None when not scored)."""
    for metric in VIEW_METRICS[layer]:
        cell = metric_cell(results, system, layer, metric)
        if cell:
            entry = as_dict(cell.get("per_document")).get(doc_id)
            return metric, as_dict(entry) if isinstance(entry, dict) else None
    return None, None


def _offsets(items: Any) -> Counter[tuple[int, int]]:
    keys: Counter[tuple[int, int]] = Counter()
    for item in as_list(items):
        start, end = as_dict(item).get("start"), as_dict(item).get("end")
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
    marks = []
    if layer == "entities":
        for entity in sorted(annotation.entities, key=lambda e: (e.start, e.end)):
            status = _status(flagged, (entity.start, entity.end), bad)
            title = " · ".join(
                x for x in (entity.type, entity.entity_id or "", STATUS_LABEL[status], side) if x
            )
            marks.append(
                Mark(
                    entity.start,
                    entity.end,
                    f"ent {status}",
                    (("data-type", str(entity.type)), ("data-status", status)),
                    title,
                )
            )
    else:
        for quote in sorted(annotation.quotes, key=lambda q: (q.start, q.end)):
            status = _status(flagged, (quote.start, quote.end), bad)
            speaker = quote.speaker or ""
            title = " · ".join(
                x
                for x in (
                    f"{quote.kind} quote",
                    f"speaker: {speaker or '?'}",
                    STATUS_LABEL[status],
                    side,
                )
                if x
            )
            marks.append(
                Mark(
                    quote.start,
                    quote.end,
                    f"quote {status}",
                    (("data-kind", str(quote.kind)), ("data-status", status)),
                    title,
                    label=speaker,
                )
            )
    return marks


def _item_text(item: Any) -> str:
    data = as_dict(item)
    if "text" in data:
        source = data.get("source") or data.get("speaker")
        return f"{data['text']}" + (f" — {source}" if source else "")
    for key in ("name", "id", "entity_id"):
        if isinstance(data.get(key), str):
            return str(data[key])
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


def _item_list(items: Any, css: str, empty: str) -> str:
    entries = [
        f'<li class="{css}">{esc(one_line(_item_text(i), 400))}</li>' for i in as_list(items)
    ]
    return f"<ul>{''.join(entries)}</ul>" if entries else f'<p class="note">{esc(empty)}</p>'


def _pair(
    results: Mapping[str, Any],
    system: str,
    layer: str,
    doc_id: str,
    text: str | None,
    gold: Annotation | None,
    predicted: Annotation | None,
    error: str | None,
) -> str:
    metric, entry = _view(results, system, layer, doc_id)
    stat = ""
    if entry is not None:
        stat = (
            f" — {esc(metric)}: tp {fmt_count(entry.get('tp'))}, fp {fmt_count(entry.get('fp'))}, "
            f"fn {fmt_count(entry.get('fn'))}, F1 {fmt_score(entry.get('f1'))}"
        )
    elif metric is not None:
        stat = f" — {esc(metric)}: not scored on this document"
    head = (
        f'<h4>{_system_label(results, system)} · {esc(layer)}<span class="stat">{stat}</span></h4>'
    )
    attrs = f'class="pair" data-system="{esc(system)}" data-layer="{esc(layer)}"'
    error_html = f'<p class="err">error: {esc(one_line(error, 500))}</p>' if error else ""
    if layer in ITEM_LAYERS:
        missed = _item_list(
            (entry or {}).get("false_negatives"),
            "fn",
            "none" if entry is not None else "not scored",
        )
        spurious = _item_list(
            (entry or {}).get("false_positives"),
            "fp",
            "none" if entry is not None else "not scored",
        )
        return (
            f'<div {attrs}>{head}<div class="cols">'
            f'<div class="col"><div class="colhead">Gold missed (false negatives)</div>'
            f'<div class="items">{missed}</div></div>'
            f'<div class="col"><div class="colhead">{esc(system)}: spurious (false positives)</div>'
            f'<div class="items">{error_html}{spurious}</div></div></div></div>'
        )
    if text is None:
        body = '<p class="note">Article not in the gold on disk.</p>'
        return f"<div {attrs}>{head}{body}</div>"
    fn = _offsets(entry.get("false_negatives")) if entry is not None else None
    fp = _offsets(entry.get("false_positives")) if entry is not None else None
    gold_html = highlight(text, _marks(gold, layer, fn, "fn", "gold")) if gold else esc(text)
    if predicted is not None:
        system_html = highlight(text, _marks(predicted, layer, fp, "fp", "predicted"))
        system_body = f'{error_html}<div class="text">{system_html}</div>'
    else:
        note = "" if error else '<p class="note">No predictions file for this document.</p>'
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


SANITY_ADAPTERS = frozenset({"oracle", "empty"})


def default_view_system(results: Mapping[str, Any], systems: list[str]) -> str | None:
    """The system the article view opens on: the best real one by mean headline F1.

    Sanity systems (the ``oracle`` and ``empty`` adapters) come last, so a reader first sees
    the errors of a system worth reading.

    Example:
        >>> cell = {"f1": 0.5}
        >>> results = {
        ...     "provenance": {"systems": {"o": {"adapter": "oracle"}, "r": {"adapter": "rules"}}},
        ...     "results": {"o": {"quotes": {"attribution": {"f1": 1.0}}},
        ...                 "r": {"quotes": {"attribution": cell}}}}
        >>> default_view_system(results, ["o", "r"])
        'r'
    """
    described = as_dict(as_dict(results.get("provenance")).get("systems"))

    def rank(system: str) -> tuple[bool, float]:
        adapter = as_dict(described.get(system)).get("adapter")
        f1s = [
            cell.get("f1")
            for layer, metric, _ in HEADLINE
            if (cell := metric_cell(results, system, layer, metric))
        ]
        defined = [float(v) for v in f1s if isinstance(v, (int, float))]
        return (adapter not in SANITY_ADAPTERS, sum(defined) / len(defined) if defined else -1.0)

    return max(systems, key=rank) if systems else None


def _articles(
    results: Mapping[str, Any],
    systems: list[str],
    corpus: Corpus,
    predictions: Mapping[str, Mapping[str, Annotation]],
) -> str:
    doc_ids = [d for d in as_list(results.get("documents")) if isinstance(d, str)]
    doc_ids += [d for d in corpus.doc_ids if d not in doc_ids]
    errors = as_dict(results.get("errors"))
    layers = [
        layer
        for layer in (*SPAN_LAYERS, *ITEM_LAYERS)
        if any(metric_cell(results, s, layer, m) for s in systems for m in VIEW_METRICS[layer])
    ] or list(SPAN_LAYERS)
    chosen = default_view_system(results, systems)
    system_options = "".join(
        f'<option value="{esc(s)}"{" selected" if s == chosen else ""}>{esc(s)}</option>'
        for s in systems
    )
    layer_options = "".join(
        f'<option value="{esc(layer)}"{" selected" if i == 0 else ""}>{esc(layer)}</option>'
        for i, layer in enumerate(layers)
    )
    out = [
        '<section id="articles"><h2>Articles</h2>',
        '<div id="controls" class="controls" hidden>'
        '<label>System <select id="filter-system"><option value="*">all systems</option>'
        f"{system_options}</select></label>"
        '<label>Layer <select id="filter-layer"><option value="*">all layers</option>'
        f"{layer_options}</select></label></div>",
        _legend(),
    ]
    for doc_id in doc_ids:
        example = corpus[doc_id] if doc_id in corpus else None  # noqa: SIM401 (no Corpus.get)
        text = example.document.text if example else None
        gold = example.annotation if example else None
        counts = (
            f"{len(gold.entities)} entities, {len(gold.quotes)} quotes, "
            f"{len(gold.speakers)} speakers, {len(gold.claims)} claims in gold"
            if gold
            else "not in the gold on disk"
        )
        out.append(
            f'<article class="doc" id="doc-{esc(doc_id)}"><h3>{esc(doc_id)}</h3>'
            f'<p class="note">{esc(counts)}</p>'
        )
        for layer in layers:
            for system in systems:
                reason = as_dict(errors.get(system)).get(doc_id)
                predicted = as_dict(predictions).get(system, {}).get(doc_id)
                out.append(
                    _pair(
                        results,
                        system,
                        layer,
                        doc_id,
                        text,
                        gold,
                        predicted,
                        None if reason is None else str(reason),
                    )
                )
        out.append("</article>")
    if not doc_ids:
        out.append('<p class="note">No documents.</p>')
    out.append("</section>")
    return "".join(out)


# --- errors, usage, provenance -----------------------------------------------------------------


def _problems(results: Mapping[str, Any]) -> str:
    out = ['<section id="problems"><h2>Errors and skipped systems</h2>']
    errors = list(iter_errors(results))
    if errors:
        rows = [
            f"<tr><td>{esc(s)}</td><td><code>{esc(d)}</code></td>"
            f"<td>{esc(one_line(r, 500))}</td></tr>"
            for s, d, r in errors
        ]
        out.append(
            f"<h3>Errors ({len(errors)})</h3>" + _table(["System", "Document", "Reason"], rows, 9)
        )
    else:
        out.append('<p class="note">No system failed on any document.</p>')
    skipped = list(iter_skipped(results))
    if skipped:
        rows = [f"<tr><td>{esc(s)}</td><td>{esc(one_line(r, 500))}</td></tr>" for s, r in skipped]
        out.append(
            f"<h3>Skipped systems ({len(skipped)})</h3>" + _table(["System", "Reason"], rows, 9)
        )
    out.append("</section>")
    return "".join(out)


def _usage(results: Mapping[str, Any]) -> str:
    usage = as_dict(results.get("usage"))
    out = ['<section id="usage"><h2>Usage</h2>']
    if not usage:
        return out[0] + '<p class="note">No token or cost accounting in this run.</p></section>'
    rows = [
        f"<tr><td>{_system_label(results, str(system))}</td>"
        + "".join(
            f'<td class="num">{esc(fmt_usage(key, as_dict(figures).get(key)))}</td>'
            for key, _ in USAGE_FIELDS
        )
        + "</tr>"
        for system, figures in sorted(usage.items())
    ]
    out.append(_table(["System", *(esc(label) for _, label in USAGE_FIELDS)], rows))
    out.append("</section>")
    return "".join(out)


def redact(value: Any) -> Any:
    """A copy of a config with values under secret-looking keys replaced (defence in depth).

    Example:
        >>> redact({"model": "m", "api_key": "sk-1", "nested": {"Authorization": "x"}})
        {'model': 'm', 'api_key': '***', 'nested': {'Authorization': '***'}}
    """
    if isinstance(value, dict):
        return {
            k: "***" if isinstance(k, str) and _SECRET_KEY.search(k) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _provenance(results: Mapping[str, Any]) -> str:
    prov = provenance(results)
    facts = [
        ("package version", prov.get("package_version")),
        ("git commit", prov.get("git_commit")),
        ("gold sha256", prov.get("gold_sha256")),
        ("gold folder", prov.get("gold_dir")),
        ("timestamp", prov.get("timestamp")),
        ("python", prov.get("python")),
        ("platform", prov.get("platform")),
        ("format version", results.get("format_version")),
    ]
    rows = [
        f"<tr><th>{esc(k)}</th><td><code>{esc(NULL if v is None else v)}</code></td></tr>"
        for k, v in facts
    ]
    out = [
        '<section id="provenance"><h2>Provenance</h2>',
        f"<table><tbody>{''.join(rows)}</tbody></table>",
    ]
    systems = as_dict(prov.get("systems"))
    if systems:
        sys_rows = []
        for name, info in sorted(systems.items()):
            data = as_dict(info)
            config = json.dumps(
                redact(data.get("config")), ensure_ascii=False, sort_keys=True, indent=1
            )
            sys_rows.append(
                f"<tr><td>{_system_label(results, str(name))}</td>"
                + "".join(
                    f"<td>{esc(NULL if data.get(k) is None else data.get(k))}</td>"
                    for k in ("adapter", "version", "config_hash", "source")
                )
                + f'<td><pre class="config">{esc(config)}</pre></td></tr>'
            )
        out.append(
            "<h3>Systems</h3>"
            + _table(
                ["System", "Adapter", "Version", "Config hash", "Source", "Config"], sys_rows, 9
            )
        )
    out.append("</section>")
    return "".join(out)


def render_html(
    results: Mapping[str, Any],
    corpus: Corpus,
    predictions: Mapping[str, Mapping[str, Annotation]] | str | os.PathLike[str],
    *,
    notes: Sequence[str] = (),
    command: str | None = None,
) -> str:
    """Render a run as one self-contained HTML page.

    Args:
        results: the results.json dict.
        corpus: the gold the run was scored on (articles and gold spans).
        predictions: ``predictions[system][doc_id]``, the run's predictions (or the path of a
            run's ``predictions/`` folder, read with :func:`~benchmark._report.load_predictions`).
        notes: warnings shown at the top (e.g. gold or predictions that could not be read).
        command: the command that produced the page (shown in the footer).

    Example:
        >>> page = render_html({"results": {}}, Corpus(()), {})
        >>> page.startswith("<!DOCTYPE html>"), "Content-Security-Policy" in page
        (True, True)
    """
    if isinstance(predictions, (str, os.PathLike)):
        from pathlib import Path

        from ._load import load_predictions

        predictions, unread = load_predictions(Path(predictions))
        notes = [*notes, *unread]
    systems = systems_of(results)
    prov = provenance(results)
    title = (
        f"Fact-extraction benchmark · gold {short_sha(prov.get('gold_sha256'))} · "
        f"commit {short_sha(prov.get('git_commit'), 10)}"
    )
    shown = command or prov.get("command") or "bench report RUN"
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_SECURITY_POLICY)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>\n",
            _header(results, corpus, notes),
            _leaderboard(results, systems),
            _charts(results, systems),
            _layer_tables(results, systems),
            _breakdown(results, systems),
            _articles(results, systems, corpus, predictions),
            _problems(results),
            _usage(results),
            _provenance(results),
            "</main>",
            f"<footer>Produced by <code>{esc(one_line(shown))}</code>. "
            "Self-contained: no external resources.</footer>",
            f"<script>{SCRIPT}</script>\n</body></html>\n",
        ]
    )
