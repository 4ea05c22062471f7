"""The ``bench`` command.

Start-up stays cheap: only click and this module load before a command runs; every command
imports what it needs inside its body (no datasets, scikit-learn, scipy or spaCy for ``--help``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ._errors import BenchError

_PATH = click.Path(path_type=Path)


def _resolve_gold(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``--gold``: a built-in gold set's folder (``_resources.GOLD_SETS``), else the path given."""
    from ._resources import resolve_gold

    return None if value is None else resolve_gold(value)


_GOLD_HELP = (
    "Gold folder, .jsonl or .parquet file or saved dataset, or a built-in gold set: seed, "
    "heldout-dev, heldout-test (default: $BENCH_GOLD, else seed; ./NAME for a folder called "
    "like a set)."
)
_gold_option = click.option(
    "--gold", "gold_dir", metavar="GOLD", callback=_resolve_gold, help=_GOLD_HELP
)


class _Group(click.Group):
    """Turns :class:`BenchError` and Ctrl-C into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BenchError as exc:
            click.echo(f"bench: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("bench: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fact-extraction-bench", prog_name="bench")
def cli() -> None:
    """Benchmark fact extraction from news: entities, speakers, quotes and claims.

    \b
    Quick start:
      bench run                 run every offline system on the built-in gold
      bench validate            check the gold (and any predictions) against the format
      bench list                systems found and whether they can run here
    """


# --- foundation ------------------------------------------------------------------------------


@cli.command("validate")
@_gold_option
@click.option(
    "--predictions",
    "predictions_dir",
    type=_PATH,
    help="A system's predictions folder or .jsonl/.parquet file, or a folder of system folders.",
)
def validate_cmd(gold_dir: Path | None, predictions_dir: Path | None) -> None:
    """Check schema, offsets, span texts, ids and sha256; list every problem (exit 1 on any)."""
    from ._validate import validate_folders

    problems, summary = validate_folders(gold_dir, predictions_dir)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(summary)


@cli.command("schema")
@click.option("--write", is_flag=True, help="Rewrite the committed schema file.")
def schema_cmd(write: bool) -> None:
    """Print (or --write) the JSON Schema generated from the models."""
    from ._json import atomic_write_text
    from ._schema import SCHEMA_PATH, schema_json

    if write:
        from ._resources import checkout_root

        if checkout_root() is None:
            raise BenchError("bench schema --write: rewrites the committed schema of a checkout")
        atomic_write_text(SCHEMA_PATH, schema_json())
        click.echo(f"wrote {SCHEMA_PATH}")
    else:
        click.echo(schema_json(), nl=False)


@cli.group("dataset")
def dataset_group() -> None:
    """The gold as a Hugging Face dataset."""


@dataset_group.command("export")
@click.argument("out_dir", type=_PATH)
@_gold_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dataset", "jsonl", "parquet"]),
    help="dataset (save_to_disk), jsonl or parquet  [default: by OUT's suffix, else dataset].",
)
def dataset_export_cmd(out_dir: Path, gold_dir: Path | None, fmt: str | None) -> None:
    """Save the gold with datasets' save_to_disk (load_from_disk works), with a dataset card;
    or as one .jsonl or .parquet file (chosen by OUT's suffix or --format)."""
    from ._gold import load_gold
    from ._hf import export_dataset

    corpus = load_gold(gold_dir)
    export_dataset(corpus, out_dir, fmt)
    click.echo(f"wrote {len(corpus)} documents to {out_dir}")


_CONVERT_FORMATS = ("bench", "jsonl", "brat", "labelstudio", "conll", "spacy")


@cli.command("convert")
@click.option(
    "--from", "from_format", required=True, type=click.Choice(_CONVERT_FORMATS), help="IN's format."
)
@click.option(
    "--to", "to_format", required=True, type=click.Choice(_CONVERT_FORMATS), help="OUT's format."
)
@click.argument("in_path", metavar="IN", type=_PATH)
@click.argument("out_path", metavar="OUT", type=_PATH)
def convert_cmd(from_format: str, to_format: str, in_path: Path, out_path: Path) -> None:
    """Convert annotations between formats (docs/interop.md); report dropped layers on stderr.

    OUT must be new, empty, or a previous output of the same format (then replaced whole).
    """
    from ._convert import convert

    report = convert(in_path, out_path, from_format, to_format)
    if report.line:
        click.echo(report.line, err=True)
    click.echo(f"wrote {report.documents} documents to {out_path} ({to_format})")


# --- runs: run, compare, check, baseline ------------------------------------------------------


def _err(line: str) -> None:
    click.echo(line, err=True)


@cli.command("run")
@click.option(
    "--system",
    "systems",
    multiple=True,
    help="A system to run (repeatable; default: every ready offline system).",
)
@_gold_option
@click.option(
    "--out",
    "out_dir",
    type=_PATH,
    help="Run folder (default: runs/<timestamp>, and runs/latest names it); must be new, empty "
    "or a run folder, which is then replaced whole.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes, or Ray tasks at a time (default: one per core).",
)
@click.option("--no-cache", is_flag=True, help="Extract everything again (and refresh the cache).")
@click.option(
    "--strict", is_flag=True, help="Exit 1 if any document failed or any system was skipped."
)
@click.option(
    "--timeout",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds per document before the system is stopped (finite, above 0).",
)
@click.option(
    "--systems",
    "systems_dir",
    type=_PATH,
    help="Folder of system plugins and configs (default: $BENCH_SYSTEMS, else the checkout's "
    "systems/, else the configs installed with the package).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: worker processes here; ray: Ray tasks (pip install 'fact-extraction-bench[ray]').",
)
@click.option(
    "--address",
    help="With --executor ray: the cluster to join (what `ray start --head` prints); default: "
    "$RAY_ADDRESS, else a Ray started on this machine.",
)
def run_cmd(
    systems: tuple[str, ...],
    gold_dir: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    no_cache: bool,
    strict: bool,
    timeout: float,
    systems_dir: Path | None,
    executor: str,
    address: str | None,
) -> None:
    """Run systems on the gold documents, score them and write a run folder.

    Each (system, document) result is cached (.bench-cache/, or $BENCH_CACHE_DIR): re-running is
    free and an interrupted run resumes. A system failing on a document is recorded as an error.
    """
    from ._run._commands import run_command

    code = run_command(
        systems=systems,
        gold_dir=gold_dir,
        out_dir=out_dir,
        jobs=jobs,
        use_cache=not no_cache,
        strict=strict,
        timeout=timeout,
        systems_dir=systems_dir,
        command=" ".join(["bench", *sys.argv[1:]]) if sys.argv[1:2] == ["run"] else None,
        out=click.echo,
        err=_err,
        executor=executor,
        address=address,
    )
    sys.exit(code)


@cli.command("compare")
@click.argument("run_a", type=_PATH)
@click.argument("run_b", type=_PATH, required=False)
@click.option("--a", "system_a", help="Compare only this system of RUN_A (with --b).")
@click.option("--b", "system_b", help="Against this system of RUN_B (or of RUN_A, alone).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def compare_cmd(
    run_a: Path, run_b: Path | None, system_a: str | None, system_b: str | None, as_json: bool
) -> None:
    """Per system, layer and metric: F1 of A and B, the delta with a paired bootstrap.

    \b
    bench compare RUN_A RUN_B              every system the two runs share
    bench compare RUN --a rules --b spacy  two systems of one run
    """
    from ._run._compare import compare_command

    code = compare_command(
        run_a, run_b, as_json=as_json, system_a=system_a, system_b=system_b, out=click.echo
    )
    sys.exit(code)


_DEFAULT_BASELINE = (
    "default: $BENCH_BASELINE, else reports/baseline.json in the current folder if there, "
    "else the checkout's"
)


@cli.command("check")
@click.argument("run", type=_PATH)
@click.option(
    "--baseline",
    "baseline_path",
    type=_PATH,
    help=f"The baseline to gate against ({_DEFAULT_BASELINE}).",
)
@click.option("--update", is_flag=True, help="Instead of checking, rewrite the baseline from RUN.")
@click.option(
    "--junit",
    "junit_path",
    type=_PATH,
    help="Also write a JUnit XML report there: one test case per system x layer x gated metric "
    "(on a harness error, one error case).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: workflow commands (::error:: per regression, ::notice:: per note), and the "
    "verdict and the run's summary.md appended to $GITHUB_STEP_SUMMARY when set.",
)
def check_cmd(
    run: Path,
    baseline_path: Path | None,
    update: bool,
    junit_path: Path | None,
    output_format: str,
) -> None:
    """Exit 1 when a gated F1 fell more than its tolerance below the baseline (2: harness error)."""
    from ._run._commands import baseline_command, check_command

    if update:
        sys.exit(baseline_command(run, baseline_path, out=click.echo))
    sys.exit(
        check_command(
            run, baseline_path, out=click.echo, junit=junit_path, output_format=output_format
        )
    )


@cli.command("history")
@click.argument("runs", nargs=-1, required=True, type=_PATH)
@click.option(
    "--baseline",
    "baseline_path",
    type=_PATH,
    help=f"The baseline whose gated metrics to follow and judge ({_DEFAULT_BASELINE}).",
)
@click.option(
    "--html", "html_path", type=_PATH, help="Also write a self-contained HTML page there."
)
def history_cmd(runs: tuple[Path, ...], baseline_path: Path | None, html_path: Path | None) -> None:
    """Gated metrics across runs (run folders, or folders of them), in timestamp order.

    Reads only each run's results.json. Prints a table; --html writes a page with one line chart
    per gated metric, marking where the gate failed. Exit 0, or 2 on a harness error.
    """
    from ._json import atomic_write_text
    from ._report._history import history_of, render_history_html, render_history_table
    from ._run._check import load_baseline
    from ._run._commands import default_baseline_path

    baseline = load_baseline(
        baseline_path if baseline_path is not None else default_baseline_path()
    )
    history = history_of(runs, baseline)
    click.echo(render_history_table(history))
    if html_path is not None:
        try:
            atomic_write_text(html_path, render_history_html(history))
        except OSError as exc:
            raise BenchError(f"--html {html_path}: cannot write: {exc}", exit_code=2) from None
        click.echo(f"wrote {html_path}")


@cli.command("baseline")
@click.argument("run", type=_PATH)
@click.option(
    "--out",
    "out_path",
    type=_PATH,
    help=f"Where to write the baseline ({_DEFAULT_BASELINE}); a file already there must be a "
    "baseline.",
)
@click.option(
    "--system", "systems", multiple=True, help="Gate only these systems (default: all in the run)."
)
@click.option(
    "--tolerance", type=float, default=0.02, show_default=True, help="How far each F1 may fall."
)
def baseline_cmd(
    run: Path, out_path: Path | None, systems: tuple[str, ...], tolerance: float
) -> None:
    """Write a baseline gating every metric of RUN's systems at their current F1."""
    from ._run._commands import baseline_command

    sys.exit(baseline_command(run, out_path, systems=systems, tolerance=tolerance, out=click.echo))


# --- scoring -----------------------------------------------------------------------------------


@cli.command("score")
@_gold_option
@click.option(
    "--predictions",
    "predictions_dir",
    type=_PATH,
    required=True,
    help="One system's folder of <doc_id>.json or .jsonl/.parquet file, or a folder of system "
    "folders.",
)
@click.option("--json", "as_json", is_flag=True, help="Print results.json (totals) to stdout.")
@click.option(
    "--out",
    "out_dir",
    type=_PATH,
    help="Also write a run folder (results.json, details.jsonl) for compare, check and report.",
)
@click.option(
    "--samples", type=click.IntRange(min=0), default=1000, show_default=True, help="Bootstrap."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
def score_cmd(
    gold_dir: Path | None,
    predictions_dir: Path,
    as_json: bool,
    out_dir: Path | None,
    samples: int,
    seed: int,
) -> None:
    """Score saved predictions against the gold (no system needed)."""
    # Scoring runs in one process per core (see score_stream); BLAS threads on top of that
    # only spin (numpy reads this when it is first imported, which is below).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from ._json import encode
    from ._run._score import render_table
    from ._run._stream import score_stream

    command = " ".join(["bench", *sys.argv[1:]]) if sys.argv[1:2] == ["score"] else None
    results = score_stream(
        gold_dir, predictions_dir, out_dir=out_dir, samples=samples, seed=seed, command=command
    )
    if as_json:
        click.echo(encode(results).decode("utf-8"), nl=False)
    else:
        click.echo(render_table(results))


# --- reports -----------------------------------------------------------------------------------


@cli.command("report")
@click.argument("run", type=_PATH)
def report_cmd(run: Path) -> None:
    """Regenerate summary.md and report.html of a run folder from its results.json.

    RUN may also be a ``latest`` pointer file naming the newest run folder beside it. Nothing is
    written unless RUN's results.json and details.jsonl read cleanly; only the two reports are
    (re)written.
    """
    from ._report import write_reports
    from ._run._runner import resolve_run

    run = resolve_run(run)
    write_reports(run, command=f"bench report {run}")
    click.echo(f"wrote {run / 'summary.md'} and {run / 'report.html'}")


# --- systems -----------------------------------------------------------------------------------


@cli.command("list")
@click.option(
    "--systems",
    "systems_dir",
    type=_PATH,
    help="Folder of system adapters (*.py) and configurations (*.yaml) "
    "(default: $BENCH_SYSTEMS, else the checkout's systems/, else the configs installed with "
    "the package).",
)
def list_cmd(systems_dir: Path | None) -> None:
    """Systems found (built-in, systems/, entry points) and whether they can run here."""
    from ._systems import discover_systems, format_system_table

    click.echo(format_system_table(discover_systems(systems_dir)))


@cli.command("stats")
@_gold_option
def stats_cmd(gold_dir: Path | None) -> None:
    """Counts of the gold per layer and document (the data card's tables)."""
    from ._gold import load_gold
    from ._stats import render_stats

    click.echo(render_stats(load_gold(gold_dir)), nl=False)


@cli.command("agreement")
@click.argument("a_dir", type=_PATH)
@click.argument("b_dir", type=_PATH)
@click.option(
    "--articles",
    "articles_dir",
    type=_PATH,
    default=None,
    help="Folder of the articles (default: the built-in gold's articles/).",
)
def agreement_cmd(a_dir: Path, b_dir: Path, articles_dir: Path | None) -> None:
    """Inter-annotator agreement: pairwise F1 per layer and metric of two annotation folders."""
    from ._agreement import measure_agreement, render_agreement
    from ._gold import default_gold_dir

    rows = measure_agreement(articles_dir or default_gold_dir() / "articles", a_dir, b_dir)
    click.echo(render_agreement(rows), nl=False)


# --- performance -------------------------------------------------------------------------------


def _int_list(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...]:
    """Parse a comma-separated list of positive integers (``_`` allowed as a digit separator)."""
    if value is None:
        return ()
    try:
        numbers = tuple(int(part.replace("_", "")) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers, got {value!r}") from None
    if not numbers or any(n < 1 for n in numbers):
        raise click.BadParameter(f"every number must be at least 1, got {value!r}")
    return numbers


@cli.command("perf")
@click.option(
    "--documents",
    type=click.IntRange(min=1),
    help="Documents in the comparison corpus  [default: 2000; --quick: 200].",
)
@click.option(
    "--mentions-per-doc",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Entity mentions per document, gold and predicted.",
)
@click.option(
    "--layers", is_flag=True, help="Also give every document speakers, quotes and claims."
)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    help="Rounds of alternated runs; figures are medians  [default: 5; --quick: 2].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Synthetic corpus seed.")
@click.option(
    "--docs",
    callback=_int_list,
    help="Corpus sizes for bench score's time per 1,000 documents and peak memory, e.g. "
    "1000,10000,100000 (100,000 needs about 2 GB of disk)  "
    "[default: 1000,10000; --quick: 100,400].",
)
@click.option("--no-growth", is_flag=True, help="Skip the corpus sizes section.")
@click.option(
    "--growth-jsonl",
    is_flag=True,
    help="Corpus sizes as two JSON Lines files (gold, predictions), scored in batches.",
)
@click.option("--runs", is_flag=True, help="Also time bench run --no-cache per offline system.")
@click.option(
    "--runs-docs",
    type=click.IntRange(min=1),
    help="Documents for --runs (copies of the built-in gold)  [default: 40; --quick: 10].",
)
@click.option("--quick", is_flag=True, help="A few hundred documents, two rounds (under a minute).")
@click.option("--json", "as_json", is_flag=True, help="Print the measurements as JSON.")
def perf_cmd(
    documents: int | None,
    mentions_per_doc: int,
    layers: bool,
    repeat: int | None,
    seed: int,
    docs: tuple[int, ...],
    no_growth: bool,
    growth_jsonl: bool,
    runs: bool,
    runs_docs: int | None,
    quick: bool,
    as_json: bool,
) -> None:
    """Time the commands users run, as whole processes, against nervaluate and seqeval.

    Writes a seeded synthetic corpus to a temporary folder and runs, alternated round after
    round, bench score --json, a nervaluate script, a seqeval strict script and a bare
    read-and-decode of the same files; prints medians, ratios of medians and the verdicts
    against the targets (too noisy to judge when the spread does not allow one). Also times
    scoring alone in process, bench score at growing sizes and bench --help. Exits 1 if any
    tool's P/R/F1 differs from bench score's.
    """
    from dataclasses import replace

    from ._perf import QUICK, PerfOptions, render_report, run_perf

    base = QUICK if quick else PerfOptions()
    options = replace(
        base,
        seed=seed,
        documents=documents or base.documents,
        mentions_per_doc=mentions_per_doc,
        rounds=repeat or base.rounds,
        layers=layers,
        growth=() if no_growth else docs or base.growth,
        growth_jsonl=growth_jsonl,
        runs=runs,
        runs_docs=runs_docs or base.runs_docs,
    )
    report = run_perf(options, progress=lambda line: click.echo(f"bench perf: {line}", err=True))
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_report(report))
    if report.mismatches:
        click.echo(f"bench: error: {len(report.mismatches)} score(s) differ", err=True)
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="bench")
