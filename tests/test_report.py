"""Reports: summary.md content, report.html safety and highlights, write_reports, `bench report`."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmark._cli import cli
from benchmark._errors import BenchError
from benchmark._formats import Results
from benchmark._report import render_html, render_summary_md, write_reports
from benchmark._report._assets import SCRIPT
from benchmark._report._format import minimal_results
from benchmark._report._highlight import Mark, highlight
from tests.report_fixtures import (
    DISK_HOSTILE_SYSTEM,
    DOC_A,
    DOC_B,
    HOSTILE_ERROR,
    HOSTILE_PLATFORM,
    HOSTILE_SKIP,
    HOSTILE_SPEAKER,
    HOSTILE_SYSTEM,
    NESTED_SECRET,
    SCRIPT_TEXT,
    SECRET,
    gold_corpus,
    make_details,
    make_results,
    predictions,
    replace_totals,
    run_files,
    totals,
    write_run,
)

# --- an HTML tree good enough for assertions -------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "path", "line", "rect"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.content: list[str | Node] = []  # text and children, in document order

    def iter(self) -> Any:
        yield self
        for child in self.children:
            yield from child.iter()

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (cls is None or cls in n.classes())]

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)

    def own_text(self) -> str:
        return "".join(c for c in self.content if isinstance(c, str))


class TreeParser(HTMLParser):
    """Builds a tree and records every start tag (to look for injected elements)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.start_tags: list[tuple[str, dict[str, str | None]]] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.start_tags.append((tag, dict(attrs)))
        self.current.children.append(node)
        self.current.content.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags.append((tag, dict(attrs)))
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.content.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.unbalanced.append(f"</{tag}> closes <{self.current.tag}>")
            return
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)


def parse(page: str) -> TreeParser:
    parser = TreeParser()
    parser.feed(page)
    parser.close()
    return parser


def _render(results: Results | None = None, **kwargs: Any) -> str:
    return render_html(
        results or make_results(), make_details(), gold_corpus(), predictions(), **kwargs
    )


def _with_command(results: Results, command: str | None) -> Results:
    provenance = msgspec.structs.replace(results.provenance, command=command)
    return msgspec.structs.replace(results, provenance=provenance)


@pytest.fixture(scope="module")
def page() -> str:
    return _render()


@pytest.fixture(scope="module")
def tree(page: str) -> TreeParser:
    return parse(page)


@pytest.fixture(scope="module")
def summary() -> str:
    return render_summary_md(make_results(), command="bench run --system rules")


# --- summary.md --------------------------------------------------------------------------------


def test_summary_title_names_gold_commit_and_timestamp(summary: str) -> None:
    title = summary.splitlines()[0]
    assert title.startswith("## ")
    assert "`ffffffffffff`" in title
    assert "`0123456789`" in title
    assert "2025-01-02T03:04:05Z" in title
    facts = summary.splitlines()[2]
    assert facts.startswith("2 documents · fact-extraction-bench 0.1.0")
    assert "1000 samples by paragraph, seed 0" in facts


def test_summary_leaderboard_has_one_row_per_system_with_intervals(summary: str) -> None:
    board = summary.split("### Leaderboard")[1].split("###")[0]
    header = next(line for line in board.splitlines() if line.startswith("| System"))
    for label in ("Entities type F1", "Entities strict F1", "Quotes attribution F1"):
        assert label in header
    assert "Speakers set F1" in header and "Claims matched F1" in header
    rows = [line for line in board.splitlines() if line.startswith("| `")]
    assert len(rows) == 2
    rules = next(r for r in rows if r.startswith("| `rules`"))
    cells = [c.strip() for c in rules.strip("|").split(" | ")]
    assert cells[0] == "`rules` (Rules baseline)"
    assert cells[1] == "—"  # no entities.type metric in this run: shown as a dash
    assert cells[2] == "0.545 [0.345, 0.645]"


def test_summary_layer_tables_show_p_r_f1_ci_and_counts(summary: str) -> None:
    for layer in ("Entities", "Quotes", "Speakers", "Claims"):
        assert f"### {layer}\n" in summary
    assert (
        "| `rules` (Rules baseline) | strict | 0.600 | 0.500 | 0.545 [0.345, 0.645] | 6 | 4 | 6 |"
        in summary
    )
    speakers = summary.split("### Speakers")[1].split("###")[0]
    hostile_row = next(line for line in speakers.splitlines() if "onerror" in line)
    assert "| set | — | 0.000 |" in hostile_row  # null precision


def test_summary_lists_errors_skipped_usage_and_command(summary: str) -> None:
    assert "### Errors (1)" in summary
    assert "`b_vote`" in summary and "model returned garbage" in summary
    assert "### Skipped systems (1)" in summary and "`llm-remote`" in summary
    assert "| 2 | 1 | 12,345 | 678 | $0.0123 |" in summary
    assert summary.rstrip().endswith("Produced by `bench run --system rules`.")


def test_summary_never_lets_html_out_of_code_spans(summary: str) -> None:
    outside = re.sub(r"(?<!\\)`[^`]*`", "", summary)
    assert "<" not in outside
    assert "&lt;script&gt;" in outside  # the hostile error message, as text


def test_summary_pipes_and_newlines_in_names_keep_the_table_shape() -> None:
    results = make_results()
    renamed = {("a|b\nc" if name == "rules" else name): v for name, v in results.results.items()}
    md = render_summary_md(msgspec.structs.replace(results, results=renamed))
    board = md.split("### Leaderboard")[1].split("###")[0]
    rows = [line for line in board.splitlines() if line.startswith("| ")]
    columns = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
    assert len(columns) == 1
    assert "`a\\|b c`" in md


def test_summary_formats_fractional_counts_and_missing_intervals() -> None:
    results = replace_totals(make_results(), "rules", "entities", "strict", totals(2.5, 4, 6))
    md = render_summary_md(results)
    row = next(line for line in md.splitlines() if "| strict |" in line and "rules" in line)
    assert "| 0.385 | 0.294 | 0.333 | 2.5 | 4 | 6 |" in row


def test_summary_is_deterministic_and_tolerates_an_empty_run() -> None:
    assert render_summary_md(make_results()) == render_summary_md(make_results())
    md = render_summary_md(minimal_results())
    assert "No system was scored." in md
    assert "Produced by" not in md  # no command known: none invented


@pytest.mark.parametrize(
    ("recorded", "command", "credit"),
    [
        ("bench run --system rules", None, "Produced by `bench run --system rules`."),
        (None, "bench score g p", "Produced by `bench score g p`."),
        ("bench run", "bench run", "Produced by `bench run`."),
        (
            "bench run --out runs/x",
            "bench report runs/x",
            "Run by `bench run --out runs/x`; report written by `bench report runs/x`.",
        ),
    ],
)
def test_summary_credits_the_commands_that_made_it(
    recorded: str | None, command: str | None, credit: str
) -> None:
    md = render_summary_md(_with_command(make_results(), recorded), command=command)
    assert md.rstrip().splitlines()[-1] == credit
    assert "bench report RUN" not in md


# --- report.html: safety -------------------------------------------------------------------------


def test_html_hostile_strings_render_as_text_not_elements(tree: TreeParser) -> None:
    tags = [tag for tag, _ in tree.start_tags]
    assert tags.count("script") == 1
    assert "img" not in tags and "b" not in tags
    for tag, attrs in tree.start_tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert attrs.get("id") != "pwned"
    text = tree.root.all_text()
    for hostile in (
        HOSTILE_SYSTEM,
        HOSTILE_SPEAKER,
        HOSTILE_ERROR,
        HOSTILE_SKIP,
        SCRIPT_TEXT,
        HOSTILE_PLATFORM,
        "<script>x</script>",  # a config value
        "<script>document.title='pwned'</script> — " + HOSTILE_SPEAKER,  # a listed claim
    ):
        assert hostile in text, hostile


def test_html_only_script_is_ours_and_allowed_by_the_csp_hash(tree: TreeParser) -> None:
    (script,) = tree.root.find_all("script")
    assert script.all_text() == SCRIPT
    (csp,) = [
        n
        for n in tree.root.find_all("meta")
        if n.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    policy = csp.attrs["content"] or ""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert "default-src 'none'" in policy
    assert f"script-src 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy


def test_html_is_self_contained(page: str, tree: TreeParser) -> None:
    for tag, attrs in tree.start_tags:
        for name in ("src", "href", "action", "data", "xlink:href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), (tag, name, value)
        assert tag not in {"link", "iframe", "object", "embed", "img", "base"}
    assert "http://" not in page.split("<body>")[1].replace(HOSTILE_SYSTEM, "")
    assert "https://" not in page
    assert "@import" not in page and "url(" not in page


def test_html_redacts_secret_config_values(tree: TreeParser) -> None:
    (section,) = [n for n in tree.root.find_all("section") if n.attrs.get("id") == "provenance"]
    text = tree.root.all_text()
    assert SECRET not in text and NESTED_SECRET not in text
    (config,) = [
        pre.all_text() for pre in section.find_all("pre", "config") if "api_key" in pre.all_text()
    ]
    assert '"api_key": "<redacted>"' in config and '"Authorization": "<redacted>"' in config
    assert '"temperature": 0.25' in config  # the rest of the config is shown


def test_html_elements_are_balanced(tree: TreeParser) -> None:
    assert tree.unbalanced == []
    assert tree.current is tree.root


# --- report.html: content ------------------------------------------------------------------------


def _section(tree: TreeParser, name: str) -> Node:
    (section,) = [n for n in tree.root.find_all("section") if n.attrs.get("id") == name]
    return section


def test_html_leaderboard_has_a_row_per_system(tree: TreeParser) -> None:
    rows = _section(tree, "leaderboard").find_all("tbody")[0].find_all("tr")
    assert [r.find_all("span", "sys")[0].all_text() for r in rows] == ["rules", HOSTILE_SYSTEM]
    assert "0.545" in rows[0].all_text() and "[0.345, 0.645]" in rows[0].all_text()
    assert rows[0].find_all("span", "alias")[0].all_text() == "(Rules baseline)"
    strict = rows[0].find_all("td")[2]
    assert strict.attrs["title"] == "P 0.600 · R 0.500 · tp 6 fp 4 fn 6"


def test_html_charts_draw_bars_and_whiskers(tree: TreeParser) -> None:
    charts = _section(tree, "charts")
    assert len(charts.find_all("svg")) == 6  # 2 entity + 2 quote + 1 speaker + 1 claim metric
    assert charts.find_all("rect", "bar-f")
    assert len(charts.find_all("path", "whisker")) == 12  # every (system, metric) has a CI


def test_html_layer_tables_show_every_metric(tree: TreeParser) -> None:
    layers = _section(tree, "layers")
    assert [h.all_text() for h in layers.find_all("h3")] == [
        "Entities",
        "Quotes",
        "Speakers",
        "Claims",
    ]
    rows = [r.all_text() for r in layers.find_all("tr")]
    assert any(r.startswith("rules (Rules baseline)strict0.6000.5000.545") for r in rows)


def test_html_shows_breakdown_and_confusion(tree: TreeParser) -> None:
    section = _section(tree, "breakdown")
    assert "macro average" in section.all_text()
    confusion = section.find_all("table", "confusion")[0]
    assert len(confusion.find_all("td", "diag")) == 4
    assert "heat5" in {c for td in confusion.find_all("td") for c in td.classes()}


def _pairs(tree: TreeParser, doc_id: str) -> list[Node]:
    (article,) = [n for n in tree.root.find_all("article") if n.attrs.get("id") == f"doc-{doc_id}"]
    return article.find_all("div", "pair")


def _pair(tree: TreeParser, doc_id: str, system: str, layer: str) -> Node:
    (pair,) = [
        p
        for p in _pairs(tree, doc_id)
        if p.attrs["data-system"] == system and p.attrs["data-layer"] == layer
    ]
    return pair


@pytest.mark.parametrize("doc_id", [DOC_A, DOC_B])
def test_html_highlights_every_article(tree: TreeParser, doc_id: str) -> None:
    pairs = _pairs(tree, doc_id)
    layers = {(p.attrs["data-system"], p.attrs["data-layer"]) for p in pairs}
    assert ("rules", "entities") in layers and ("rules", "quotes") in layers
    assert (HOSTILE_SYSTEM, "speakers") in layers and ("rules", "claims") in layers
    entities = next(p for p in pairs if p.attrs["data-layer"] == "entities")
    gold, system = entities.find_all("div", "col")
    assert (
        len({n.all_text() for n in gold.find_all("span", "ent") if "cont" not in n.classes()}) >= 4
    )
    assert system.find_all("span", "ent")
    quotes = next(p for p in pairs if p.attrs["data-layer"] == "quotes")
    assert quotes.find_all("span", "quote")


def test_html_marks_false_positives_and_negatives(tree: TreeParser) -> None:
    pair = _pair(tree, DOC_A, "rules", "entities")
    gold, system = pair.find_all("div", "col")
    gold_status = {n.all_text(): n.classes() for n in gold.find_all("span", "ent")}
    assert "fn" in gold_status["Lena Ortiz"] and "fn" in gold_status["City Hall"]
    assert "tp" in gold_status["Omar Reyes"]
    system_status = {n.all_text(): n.classes() for n in system.find_all("span", "ent")}
    assert "fp" in system_status["Mayor Lena Ortiz"]
    assert "fp" in system_status["Valdor on Tuesday"]
    assert "tp" in system_status["Harbor Council"]
    (typed,) = [n for n in system.find_all("span", "ent") if n.all_text() == "City Hall"]
    assert typed.attrs["data-type"] == "GPE"
    quotes = _pair(tree, DOC_A, "rules", "quotes")
    wrong = [n for n in quotes.find_all("span", "quote") if "fp" in n.classes()]
    assert [n.find_all("sup", "who")[0].all_text() for n in wrong] == ["the council"]


def test_html_heads_each_view_with_the_documents_counts(tree: TreeParser) -> None:
    stat = _pair(tree, DOC_A, "rules", "entities").find_all("span", "stat")[0].all_text()
    assert stat == " — strict: tp 4, fp 3, fn 4"
    stat = _pair(tree, DOC_B, HOSTILE_SYSTEM, "quotes").find_all("span", "stat")[0].all_text()
    assert stat == " — attribution: not scored on this document"  # the system failed there


def test_html_lists_missed_and_spurious_speakers_and_claims(tree: TreeParser) -> None:
    missed, spurious = _pair(tree, DOC_B, "rules", "claims").find_all("div", "col")
    assert [li.all_text() for li in missed.find_all("li", "fn")] == [
        "The Harbor Council voted to fund the bridge — author"
    ]
    assert [li.all_text() for li in spurious.find_all("li", "fp")] == [
        f"<script>document.title='pwned'</script> — {HOSTILE_SPEAKER}"
    ]
    missed, spurious = _pair(tree, DOC_A, HOSTILE_SYSTEM, "speakers").find_all("div", "col")
    assert [li.all_text() for li in missed.find_all("li", "fn")] == ["Lena Ortiz", "Omar Reyes"]
    assert spurious.find_all("p", "note")[0].all_text() == "none"


def test_html_shows_errors_in_place_and_in_the_errors_section(tree: TreeParser) -> None:
    pair = _pair(tree, DOC_B, HOSTILE_SYSTEM, "entities")
    (err,) = pair.find_all("p", "err")
    assert HOSTILE_ERROR in err.all_text()
    section = _section(tree, "problems")
    assert HOSTILE_SKIP in section.all_text() and HOSTILE_ERROR in section.all_text()
    usage = _section(tree, "usage")
    assert "$0.0123" in usage.all_text() and "12,345" in usage.all_text()


def test_html_shows_provenance(tree: TreeParser) -> None:
    facts = {
        row.find_all("th")[0].all_text(): row.find_all("td")[0].all_text()
        for row in _section(tree, "provenance").find_all("table")[0].find_all("tr")
    }
    assert facts["git commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert facts["platform"] == HOSTILE_PLATFORM
    assert facts["bootstrap"] == "1000 samples by paragraph, seed 0"
    assert facts["command"] == "—" and facts["format version"] == "2.0"


def test_html_is_readable_without_js(tree: TreeParser) -> None:
    (controls,) = [n for n in tree.root.iter() if n.attrs.get("id") == "controls"]
    assert "hidden" in controls.attrs  # the script reveals the filters
    assert all("hidden" not in p.attrs for p in tree.root.find_all("div", "pair"))
    assert tree.root.find_all("div", "legend")


def test_html_opens_on_the_best_real_system(tree: TreeParser) -> None:
    (chosen,) = [
        n
        for n in tree.root.find_all("option")
        if "selected" in n.attrs and n.parent and n.parent.attrs.get("id") == "filter-system"
    ]
    assert chosen.attrs["value"] == "rules"


def test_html_is_deterministic(page: str) -> None:
    assert _render() == page


@pytest.mark.parametrize(
    ("recorded", "command", "credit"),
    [
        (None, None, None),
        ("bench run --system rules", None, "Produced by bench run --system rules."),
        (
            "bench run --out runs/x",
            "bench report runs/x",
            "Run by bench run --out runs/x; report written by bench report runs/x.",
        ),
    ],
)
def test_html_footer_credits_only_known_commands(
    recorded: str | None, command: str | None, credit: str | None
) -> None:
    footer = parse(_render(_with_command(make_results(), recorded), command=command))
    (node,) = footer.root.find_all("footer")
    text = node.all_text()
    assert text.endswith("Self-contained: no external resources.")
    if credit is None:
        assert "Produced by" not in text and "bench" not in text
    else:
        assert text.startswith(credit)


def test_html_without_details_shows_spans_unmarked_and_says_why() -> None:
    page = render_html(make_results(), {}, gold_corpus(), {"rules": predictions()["rules"]})
    tree = parse(page)
    assert tree.unbalanced == []
    assert "no per-document details (details.jsonl)" in page
    statuses = {c for n in tree.root.find_all("span", "ent") for c in n.classes()}
    assert "na" in statuses and not statuses & {"tp", "fp", "fn"}
    assert "No predictions file for this document." in page  # the hostile system's column


def test_html_renders_an_empty_and_a_partial_run() -> None:
    empty = parse(render_html(minimal_results(), {}, gold_corpus(), {}))
    assert empty.unbalanced == []
    assert "No system was scored." in empty.root.all_text()
    partial = minimal_results({"x": {"speakers": {"set": totals(1, 0, 1)}}})
    tree = parse(render_html(partial, {}, gold_corpus(), {}))
    assert tree.unbalanced == []
    layers = {p.attrs["data-layer"] for p in tree.root.find_all("div", "pair")}
    assert layers == {"speakers"}
    assert "No per-type breakdown in this run." in tree.root.all_text()


def test_html_warns_when_the_gold_changed() -> None:
    results = make_results()
    changed = msgspec.structs.replace(results.provenance, gold_sha256="0" * 64)
    page = _render(msgspec.structs.replace(results, provenance=changed))
    assert "differs from the gold this run was scored on" in page


# --- highlighting ---------------------------------------------------------------------------------


def _strip_tags(fragment: str) -> str:
    tree = parse(f"<div>{fragment}</div>")
    for sup in tree.root.find_all("sup"):
        sup.content = []
    return tree.root.all_text()


def test_highlight_nests_crossing_spans() -> None:
    text = "Valdor on Tuesday"
    out = highlight(text, [Mark(0, 17, "a"), Mark(0, 6, "b"), Mark(10, 17, "c"), Mark(3, 12, "d")])
    tree = parse(f"<div>{out}</div>")
    assert tree.unbalanced == []
    assert tree.root.all_text() == text
    assert len(tree.root.find_all("span", "cont")) >= 1


@given(
    st.text(alphabet="ab<&\"' \n", max_size=30),
    st.lists(st.tuples(st.integers(-2, 32), st.integers(-2, 32)), max_size=8),
)
def test_highlight_keeps_text_and_balance(text: str, spans: list[tuple[int, int]]) -> None:
    marks = [Mark(s, e, "m", (("data-x", '"><x'),), title="<t>", label="<who>") for s, e in spans]
    out = highlight(text, marks)
    tree = parse(f"<div>{out}</div>")
    assert tree.unbalanced == []
    assert {tag for tag, _ in tree.start_tags} <= {"div", "span", "sup"}
    assert _strip_tags(out) == text


# --- write_reports and `bench report` ------------------------------------------------------------


def test_write_reports_writes_both_files_from_a_run_folder(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    write_reports(run_dir)
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    md = (run_dir / "summary.md").read_text(encoding="utf-8")
    assert "Produced by" not in md  # the run recorded no command and none was given
    assert "differs from the gold" not in page  # the run's gold_dir was found and matches
    assert "no per-document details" not in page  # details.jsonl was read
    tree = parse(page)
    hostile = [
        p
        for p in tree.root.find_all("div", "pair")
        if p.attrs["data-system"] == DISK_HOSTILE_SYSTEM
    ]
    assert any(p.find_all("span", "ent") for p in hostile)  # predictions read from disk
    statuses = {c for p in hostile for n in p.find_all("span", "ent") for c in n.classes()}
    assert {"tp", "fn"} <= statuses  # details read from details.jsonl
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "details.jsonl",
        "predictions",
        "report.html",
        "results.json",
        "summary.md",
    ]


def test_write_reports_uses_the_run_it_is_given(tmp_path: Path) -> None:
    gold_dir, run_dir = write_run(tmp_path)
    (run_dir / "details.jsonl").unlink()  # the run in memory is used, not the files
    write_reports(run_dir, run_files(gold_dir, run_dir), command="bench run --out x")
    md = (run_dir / "summary.md").read_text(encoding="utf-8")
    assert md.rstrip().endswith("Produced by `bench run --out x`.")
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "Mayor Lena Ortiz" in page  # predictions are read from the folder
    assert "no per-document details" not in page and 'class="ent fp"' in page


def test_write_reports_unwritable_target_is_one_line_error(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    (run_dir / "summary.md").mkdir()
    with pytest.raises(BenchError, match=r"cannot write .*summary\.md"):
        write_reports(run_dir)
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]


def test_write_reports_missing_gold_still_writes_reports(tmp_path: Path) -> None:
    gold_dir, run_dir = write_run(tmp_path)
    run = run_files(gold_dir, run_dir)
    gone = msgspec.structs.replace(run.results.provenance, gold_dir=str(tmp_path / "gone"))
    run = type(run)(run.folder, msgspec.structs.replace(run.results, provenance=gone), run.details)
    write_reports(run_dir, run)
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert f"gold folder {tmp_path / 'gone'} of this run is gone" in page


def test_write_reports_notes_unreadable_predictions(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    (run_dir / "predictions" / "rules" / f"{DOC_B}.json").write_text("{", encoding="utf-8")
    write_reports(run_dir)
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert f"not shown: {run_dir / 'predictions' / 'rules' / DOC_B}.json" in page


def test_cli_report_regenerates_both_files(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert (run_dir / "summary.md").is_file() and (run_dir / "report.html").is_file()
    assert "report.html" in result.output
    md = (run_dir / "summary.md").read_text(encoding="utf-8")
    assert md.rstrip().endswith(f"Produced by `bench report {run_dir}`.")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "results.json: cannot read"),
        ("{", "results.json: malformed JSON"),
        ("[]", "results.json: $: expected object"),
        ('{"results": []}', "results.json: $.format_version: None is not a results format"),
        ('{"format_version": "1.0"}', "'1.0' is not a results format this version reads"),
        ('{"format_version": "2.0"}', "results.json: $: missing field 'provenance'"),
    ],
)
def test_cli_report_bad_results_is_one_line_error(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    if content is not None:
        (tmp_path / "results.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bench: error: ") and reason in lines[0]
    assert not (tmp_path / "summary.md").exists()


def test_cli_report_bad_details_is_one_line_error(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    with (run_dir / "details.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"system": "rules", "doc_id": "x"}\n')
    result = CliRunner().invoke(cli, ["report", str(run_dir)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "details.jsonl:4: $: missing field 'metrics'" in lines[0]
    assert not (run_dir / "summary.md").exists()


def test_cli_report_missing_run_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such run folder" in result.output


def test_cli_report_follows_a_latest_pointer(tmp_path: Path) -> None:
    _, run_dir = write_run(tmp_path)
    (tmp_path / "latest").write_text(run_dir.name + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "latest")])
    assert result.exit_code == 0, result.output
    assert (run_dir / "report.html").is_file()


# --- a real run ----------------------------------------------------------------------------------


def test_reports_of_a_real_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bench run` scores the hand-built gold with real systems and writes both reports."""
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    gold_dir, _ = write_run(tmp_path)
    out = tmp_path / "real"
    systems = ["--system", "oracle", "--system", "empty", "--system", "rules"]
    args = ["run", "--gold", str(gold_dir), *systems, "--out", str(out), "--jobs", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "### Leaderboard" in md and "`rules`" in md and "`oracle`" in md
    assert "bench report RUN" not in md
    tree = parse((out / "report.html").read_text(encoding="utf-8"))
    assert tree.unbalanced == []
    assert [tag for tag, _ in tree.start_tags].count("script") == 1
    statuses: dict[str, set[str]] = {}
    for doc_id in (DOC_A, DOC_B):
        for pair in _pairs(tree, doc_id):
            spans = pair.find_all("span", "ent") + pair.find_all("span", "quote")
            found = statuses.setdefault(pair.attrs["data-system"], set())
            found |= {c for n in spans for c in n.classes() if c in {"tp", "fp", "fn", "na"}}
    assert statuses["oracle"] == {"tp"}
    assert statuses["empty"] == {"fn"}
    assert {"tp", "fp", "fn"} <= statuses["rules"]
    (chosen,) = [
        n
        for n in tree.root.find_all("option")
        if "selected" in n.attrs and n.parent and n.parent.attrs.get("id") == "filter-system"
    ]
    assert chosen.attrs["value"] == "rules"  # not a sanity system
