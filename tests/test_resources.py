"""Where the built-in data is read from: the environment, the checkout, else the package's copy."""

from __future__ import annotations

import fnmatch
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark import _resources
from benchmark._cli import cli
from benchmark._gold import default_gold_dir, load_gold
from benchmark._resources import (
    GOLD,
    GOLD_SETS,
    HELDOUT_DEV,
    HELDOUT_TEST,
    SYSTEMS,
    data_files,
    packaged_dir,
    resolve_gold,
)
from benchmark._systems import default_systems_dir, discover_systems
from benchmark.pytest_plugin import Bench

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_its_own_folders() -> None:
    assert _resources.checkout_root() == ROOT
    assert default_gold_dir() == ROOT / "gold"
    assert default_systems_dir() == ROOT / "systems"
    assert resolve_gold("seed") == ROOT / "gold"
    assert resolve_gold("heldout-dev") == ROOT / "tests" / "data" / "heldout" / "dev"
    assert resolve_gold("heldout-test") == ROOT / "tests" / "data" / "heldout" / "test"
    assert not (ROOT / "benchmark" / "_data").exists()  # no second copy in the checkout


def test_only_a_plain_name_is_a_gold_set() -> None:
    assert resolve_gold(None) == default_gold_dir()
    assert resolve_gold("./seed") == Path("seed")
    assert resolve_gold(Path("heldout-test")) == Path("heldout-test")  # a Path is a folder
    assert resolve_gold("gold") == Path("gold")  # a user's own gold/ keeps its meaning
    articles = len(list((ROOT / HELDOUT_TEST.source / "articles").glob("*.txt")))
    assert len(load_gold("heldout-test")) == len(load_gold(ROOT / HELDOUT_TEST.source)) == articles
    assert articles >= 9


def test_the_environment_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BENCH_GOLD", str(tmp_path / "g"))
    monkeypatch.setenv("BENCH_SYSTEMS", str(tmp_path / "s"))
    assert default_gold_dir() == tmp_path / "g"
    assert default_systems_dir() == tmp_path / "s"
    assert resolve_gold("seed") == ROOT / "gold"  # a named set is that set
    monkeypatch.setenv("BENCH_GOLD", "")
    assert default_gold_dir() == ROOT / "gold"


def _fake_install(root: Path) -> Path:
    """A package folder holding the data as a wheel lays it out."""
    for source, inside in data_files(ROOT):
        target = root.joinpath(*inside.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return root / "benchmark"


def test_outside_a_checkout_the_packaged_copy_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = _fake_install(tmp_path / "site-packages")
    monkeypatch.setattr(_resources, "checkout_root", lambda: None)
    monkeypatch.setattr(_resources, "files", lambda name: package)
    monkeypatch.delenv("BENCH_GOLD", raising=False)
    monkeypatch.delenv("BENCH_SYSTEMS", raising=False)
    assert default_gold_dir() == package / "_data" / "gold"
    assert load_gold().sha256 == load_gold(ROOT / GOLD.source).sha256
    for name, folder in GOLD_SETS.items():
        assert load_gold(name).sha256 == load_gold(ROOT / folder.source).sha256
    infos = {info.name: info for info in discover_systems()}
    assert infos["rules-no-pronouns"].source == "systems/rules-no-pronouns.yaml"
    assert default_systems_dir() == package / "_data" / "systems"


def test_a_zipped_package_is_extracted_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for source, inside in data_files(ROOT):
            zipped.write(source, inside)
    monkeypatch.setattr(_resources, "_EXTRACTED", {})
    with zipfile.ZipFile(archive) as zipped:
        monkeypatch.setattr(_resources, "files", lambda name: zipfile.Path(zipped, "benchmark/"))
        first = packaged_dir(HELDOUT_DEV)
        assert packaged_dir(HELDOUT_DEV) == first
        assert first.is_dir() and not first.is_relative_to(archive)
        assert load_gold(first).sha256 == load_gold(ROOT / HELDOUT_DEV.source).sha256
        assert not packaged_dir(SYSTEMS._replace(packaged="missing")).exists()


def test_the_cli_names_the_built_in_gold_sets() -> None:
    result = CliRunner().invoke(cli, ["validate", "--gold", "heldout-test"])
    assert result.exit_code == 0, result.output
    articles = len(list((ROOT / HELDOUT_TEST.source / "articles").glob("*.txt")))
    assert f"gold {ROOT / HELDOUT_TEST.source}: {articles} documents OK" in result.output
    help_text = "".join(CliRunner().invoke(cli, ["run", "--help"]).output.split())
    assert ",".join(GOLD_SETS) in help_text  # whitespace dropped: click wraps lines at hyphens


def test_the_bench_fixture_takes_a_gold_set_name() -> None:
    articles = list((ROOT / HELDOUT_DEV.source / "articles").glob("*.txt"))
    assert len(Bench().corpus("heldout-dev")) == len(articles) >= 9


def test_the_sdist_manifest_lists_what_the_wheel_carries() -> None:
    lines = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    patterns = [word for line in lines if line.startswith("include ") for word in line.split()[1:]]
    sources = [source.relative_to(ROOT).as_posix() for source, _inside in data_files(ROOT)]
    for source in sources:
        assert any(fnmatch.fnmatch(source, pattern) for pattern in patterns), source
    for pattern in patterns:
        if pattern != "setup.py":
            assert any(fnmatch.fnmatch(source, pattern) for source in sources), pattern
