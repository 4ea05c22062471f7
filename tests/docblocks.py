"""Figures in docs are blocks between ``<!-- COMMAND -->`` and ``<!-- end … -->`` markers; tests
check that each block is exactly what the command it names prints."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from benchmark._cli import cli

REPO = Path(__file__).resolve().parent.parent


def assert_block_is_command_output(doc: Path, command: str) -> None:
    """Run ``command`` (a ``bench …`` line, paths relative to the repository) and compare."""
    text = doc.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {re.escape(command)} -->\n(.*?)<!-- end ", text, re.S)
    assert match, f"{doc.name} has no block for `{command}`"
    program, *args = shlex.split(command)
    assert program == "bench"
    here = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert match.group(1) == result.output, f"{doc.name} is stale: rerun `{command}`"
