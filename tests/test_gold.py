"""The built-in gold: articles byte-identical to the seeds, and annotations that check out."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from benchmark import load_gold
from benchmark._errors import BenchError
from benchmark._gold import default_gold_dir

GOLD = Path(__file__).resolve().parent.parent / "gold"
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

# sha256 of the seed articles as published in ../shared/seeds (doc id = file stem).
SEED_SHA256 = {
    "000_826594d08751fd10": "8f0a9582dc98eb15050f5ba9fbaef124bdcd7b2ae19bade9c4701923071b1058",
    "001_2475a8e56e56b1ab": "6cb51ee5ed27b81ce056342cb92464f6091dac0e603ee7bf3535315411ba05f1",
}


def test_articles_are_the_seeds_byte_for_byte() -> None:
    found = {
        p.stem: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((GOLD / "articles").glob("*.txt"))
    }
    assert found == SEED_SHA256


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_articles_match_shared_seeds_when_present() -> None:
    for seed in SEEDS.glob("*.txt"):
        assert (GOLD / "articles" / seed.name).read_bytes() == seed.read_bytes()


def test_default_gold_is_the_checkout_gold() -> None:
    assert default_gold_dir().resolve() == GOLD.resolve()


def test_built_in_gold_loads() -> None:
    corpus = load_gold()
    assert corpus.doc_ids == tuple(SEED_SHA256)
    for example in corpus:
        assert example.annotation.text_sha256 == SEED_SHA256[example.doc_id]
    assert len(corpus.sha256) == 64


def test_bad_gold_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="no such gold folder"):
        load_gold(tmp_path / "missing")
