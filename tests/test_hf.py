from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec
from click.testing import CliRunner

from benchmark._cli import cli
from benchmark._gold import load_gold
from benchmark._hf import from_hf_dataset, to_hf_dataset
from benchmark._models import Document
from tests.factories import TINY_TEXT, tiny_annotation


def _corpus_with_nulls(make_gold_dir: Callable[..., Path]):  # type: ignore[no-untyped-def]
    plain = tiny_annotation()
    quote = msgspec.structs.replace(plain.quotes[0], speaker=None, speaker_span=None, cue_span=None)
    bare = msgspec.structs.replace(tiny_annotation(doc_id="bare"), quotes=(quote,), claims=())
    root = make_gold_dir(
        [(Document("tiny", TINY_TEXT), plain), (Document("bare", TINY_TEXT), bare)]
    )
    return load_gold(root)


def test_dataset_round_trips_without_loss(make_gold_dir: Callable[..., Path]) -> None:
    corpus = _corpus_with_nulls(make_gold_dir)
    dataset = to_hf_dataset(corpus)
    assert dataset.num_rows == 2
    assert dataset[0]["quotes"][0]["speaker_span"] is None
    assert from_hf_dataset(dataset, corpus.sha256) == corpus


def test_export_then_load_from_disk(make_gold_dir: Callable[..., Path], tmp_path: Path) -> None:
    from datasets import load_from_disk

    corpus = _corpus_with_nulls(make_gold_dir)
    out = tmp_path / "export"
    gold_dir = tmp_path / "gold"
    result = CliRunner().invoke(cli, ["dataset", "export", str(out), "--gold", str(gold_dir)])
    assert result.exit_code == 0, result.output
    loaded = load_from_disk(str(out))
    assert from_hf_dataset(loaded, corpus.sha256) == corpus
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Documents: 2." in card and corpus.sha256 in card


def test_built_in_gold_round_trips() -> None:
    corpus = load_gold()
    assert from_hf_dataset(to_hf_dataset(corpus), corpus.sha256) == corpus
