from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec
from click.testing import CliRunner

from benchmark._agreement import measure_agreement, render_agreement
from benchmark._cli import cli
from benchmark._io import write_annotation
from benchmark._models import Claim
from tests.factories import tiny_annotation


def test_identical_annotations_agree_fully(make_gold_dir: Callable[..., Path]) -> None:
    root = make_gold_dir()
    rows = measure_agreement(root / "articles", root / "annotations", root / "annotations")
    assert rows and all(row.mean == 1.0 for row in rows)


def test_a_differing_claim_lowers_claim_agreement_only(
    make_gold_dir: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_gold_dir()
    other = tiny_annotation()
    extra = Claim("Paris is the capital of France", "author", "fact")
    write_annotation(
        tmp_path / "b" / "tiny.json", msgspec.structs.replace(other, claims=(*other.claims, extra))
    )
    rows = {(r.layer, r.metric): r for r in measure_agreement(
        root / "articles", root / "annotations", tmp_path / "b"
    )}  # fmt: skip
    # A as reference: B has one claim too many (P = 1/2, R = 1) -> F1 = 2/3, and the reverse.
    assert rows["claims", "matched"].f1_a_ref == rows["claims", "matched"].f1_b_ref == 2 / 3
    assert rows["entities", "strict"].mean == 1.0
    assert "| claims | matched | 0.667 | 0.667 | 0.667 |" in render_agreement(list(rows.values()))


def test_agreement_command_names_a_bad_folder(make_gold_dir: Callable[..., Path]) -> None:
    root = make_gold_dir()
    result = CliRunner().invoke(
        cli,
        ["agreement", str(root / "annotations"), str(root / "missing"),
         "--articles", str(root / "articles")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "missing: no such folder" in result.output
