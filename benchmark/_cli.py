"""The ``bench`` command.

Start-up stays cheap: only click and this module load before a command runs; every command
imports what it needs inside its body (no datasets, scikit-learn, scipy or spaCy for ``--help``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._errors import BenchError

_PATH = click.Path(path_type=Path)


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
@click.option("--gold", "gold_dir", type=_PATH, help="Gold folder (default: the built-in gold).")
@click.option(
    "--predictions",
    "predictions_dir",
    type=_PATH,
    help="A system's predictions folder, or a folder of them (one sub-folder per system).",
)
def validate_cmd(gold_dir: Path | None, predictions_dir: Path | None) -> None:
    """Check schema, offsets, span texts, ids and sha256; list every problem (exit 1 on any)."""
    from ._commands import validate

    problems, summary = validate(gold_dir, predictions_dir)
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
    from ._io import atomic_write_text
    from ._schema import SCHEMA_PATH, schema_json

    if write:
        atomic_write_text(SCHEMA_PATH, schema_json())
        click.echo(f"wrote {SCHEMA_PATH}")
    else:
        click.echo(schema_json(), nl=False)


@cli.group("dataset")
def dataset_group() -> None:
    """The gold as a Hugging Face dataset."""


@dataset_group.command("export")
@click.argument("out_dir", type=_PATH)
@click.option("--gold", "gold_dir", type=_PATH, help="Gold folder (default: the built-in gold).")
def dataset_export_cmd(out_dir: Path, gold_dir: Path | None) -> None:
    """Save the gold with datasets' save_to_disk (load_from_disk works), with a dataset card."""
    from ._gold import load_gold
    from ._hf import export_dataset

    corpus = load_gold(gold_dir)
    export_dataset(corpus, out_dir)
    click.echo(f"wrote {len(corpus)} documents to {out_dir}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="bench")
