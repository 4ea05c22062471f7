"""The public API is small, explicit and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import benchmark

EXPECTED = {
    "Annotation",
    "BenchError",
    "Claim",
    "Corpus",
    "Document",
    "Entity",
    "Example",
    "Problem",
    "Quote",
    "Span",
    "Speaker",
    "System",
    "SystemScores",
    "SystemUnavailable",
    "__version__",
    "compare_scores",
    "from_spacy",
    "load_gold",
    "read_annotation",
    "score_document",
    "score_results",
    "score_system",
    "write_annotation",
}


def test_exports_are_exactly_the_public_api() -> None:
    assert set(benchmark.__all__) == EXPECTED
    for name in benchmark.__all__:
        assert getattr(benchmark, name) is not None


def test_importing_the_package_and_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, benchmark, benchmark._cli; "
        "heavy = {'datasets', 'sklearn', 'scipy', 'spacy', 'numpy', 'jsonschema'}; "
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bench_help_lists_the_design_commands() -> None:
    from click.testing import CliRunner

    from benchmark._cli import cli

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "dataset", "schema"):
        assert command in result.output
