"""Installed from its wheel, the package carries its data: ``bench`` works from any folder.

Everything is offline. From a copy of the checkout the test builds an sdist and two wheels (one
from the source tree, as ``pip install .`` does, one from the sdist, as ``python -m build``
does) with ``pip wheel --no-deps --no-build-isolation``, installs the wheel into a fresh virtual
environment with ``--no-deps --no-index`` and lends it this environment's dependencies through a
``.pth`` file (a folder listed there is added to ``sys.path``, but its own ``.pth`` files, such as
this checkout's editable install, are not run). Then, from an empty folder, it runs ``bench``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmark._gold import load_gold
from benchmark._resources import GOLD, HELDOUT_DEV, HELDOUT_TEST, data_files

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "runs",
    ".bench-cache",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "__pycache__",
    "*.egg-info",
)
PIP = [sys.executable, "-m", "pip"]
OFFLINE = ["--no-index", "--no-cache-dir"]
LEAKY_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "VIRTUAL_ENV",
    "BENCH_GOLD",
    "BENCH_SYSTEMS",
    "BENCH_CACHE_DIR",
    "BENCH_LLM_BASE_URL",
)


@dataclass(frozen=True)
class Built:
    """What the module fixture built: the sdist, both wheels and the environment holding one."""

    sdist: Path
    tree_wheel: Path
    sdist_wheel: Path
    site_packages: Path
    python: Path
    bench: Path
    env: dict[str, str]


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output unless it exits 0. Returns its stdout."""
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    command = " ".join(str(arg) for arg in args)
    assert result.returncode == 0, (
        f"{command}\nexited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _only(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def _pip_wheel(source: Path, out: Path, cwd: Path) -> Path:
    out.mkdir()
    # needs a setuptools with its own bdist_wheel (>= 70.1), which the [test] extra installs
    _run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", *OFFLINE, "--wheel-dir", out, source],
        cwd=cwd,
    )
    return _only(out, "*.whl")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # a copy, so that building writes nothing into the checkout
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE, symlinks=True)

    sdist_dir = tmp / "sdist"
    build_sdist = f"from setuptools import build_meta; build_meta.build_sdist({str(sdist_dir)!r})"
    _run([sys.executable, "-c", build_sdist], cwd=source)
    sdist = _only(sdist_dir, "*.tar.gz")
    tree_wheel = _pip_wheel(Path("."), tmp / "tree-wheel", cwd=source)
    sdist_wheel = _pip_wheel(sdist, tmp / "sdist-wheel", cwd=tmp)

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = _only(scripts, "python.exe" if os.name == "nt" else "python")
    _run(
        [*PIP, "--python", python, "install", "--no-deps", *OFFLINE, sdist_wheel],
        cwd=tmp,
    )
    env = {key: value for key, value in os.environ.items() if key not in LEAKY_ENV}
    env["PYTHONNOUSERSITE"] = "1"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(_run([python, "-c", purelib], cwd=tmp, env=env).strip())
    ours = sysconfig.get_paths()
    lent = dict.fromkeys([ours["purelib"], ours["platlib"]])
    (site_packages / "_borrowed_dependencies.pth").write_text("\n".join(lent) + "\n")
    return Built(sdist, tree_wheel, sdist_wheel, site_packages, python, scripts / "bench", env)


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_sdist_carries_the_data_folders(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = set(sdist.getnames())
    top = min(names, key=len)
    expected = {f"{top}/{src.relative_to(ROOT).as_posix()}" for src, _inside in data_files(ROOT)}
    assert expected - names == set()
    assert {f"{top}/setup.py", f"{top}/MANIFEST.in", f"{top}/benchmark/_resources.py"} <= names


@pytest.mark.parametrize("which", ["tree_wheel", "sdist_wheel"])
def test_the_wheel_carries_the_data_byte_for_byte(built: Built, which: str) -> None:
    expected = {inside: src for src, inside in data_files(ROOT)}
    with zipfile.ZipFile(getattr(built, which)) as wheel:
        packaged = {name for name in wheel.namelist() if name.startswith("benchmark/_data/")}
        assert packaged == set(expected)
        for name in sorted(packaged):
            assert wheel.read(name) == expected[name].read_bytes(), name
        assert "benchmark/_resources.py" in wheel.namelist()


def test_bench_works_from_an_empty_folder(built: Built, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    data = built.site_packages / "benchmark" / "_data"
    before = _tree_digest(data)
    assert "gold/articles/000_826594d08751fd10.txt" in before

    where = "import benchmark as b, benchmark._resources as r; print(b.__file__, r.checkout_root())"
    file, checkout = _run([built.python, "-c", where], cwd=work, env=built.env).split()
    assert Path(file).is_relative_to(built.site_packages)  # the wheel's, not the checkout's
    assert checkout == "None"

    listed = _run([built.bench, "list"], cwd=work, env=built.env)
    rows = {line.split()[0]: line for line in listed.splitlines()[1:]}
    for name in ("oracle", "empty", "rules", "rules-no-pronouns"):
        assert " ready " in rows[name], listed
    assert "systems/rules-no-pronouns.yaml" in rows["rules-no-pronouns"]

    validated = _run([built.bench, "validate"], cwd=work, env=built.env)
    assert f"gold {data / 'gold'}: 2 documents OK" in validated
    validated = _run([built.bench, "validate", "--gold", "heldout-dev"], cwd=work, env=built.env)
    dev_articles = len(list((ROOT / HELDOUT_DEV.source / "articles").glob("*.txt")))
    assert f"{dev_articles} documents OK" in validated

    systems = ["--system", "oracle", "--system", "empty", "--system", "rules"]
    _run([built.bench, "run", *systems], cwd=work, env=built.env)
    results = json.loads(_only(work / "runs", "*/results.json").read_text(encoding="utf-8"))
    assert results["provenance"]["gold_sha256"] == load_gold(ROOT / GOLD.source).sha256
    assert results["results"]["oracle"]["quotes"]["attribution"]["f1"] == 1.0
    assert set(results["results"]) == {"oracle", "empty", "rules"}

    heldout = ["--gold", "heldout-test", "--system", "oracle", "--out", "heldout"]
    _run([built.bench, "run", *heldout], cwd=work, env=built.env)
    results = json.loads((work / "heldout" / "results.json").read_text(encoding="utf-8"))
    assert results["provenance"]["gold_sha256"] == load_gold(ROOT / HELDOUT_TEST.source).sha256

    count = "import benchmark; print(len(benchmark.load_gold()))"
    assert _run([built.python, "-c", count], cwd=work, env=built.env).strip() == "2"

    assert _tree_digest(data) == before  # nothing was written into the packaged data
    assert {path.name for path in work.iterdir()} == {"runs", "heldout", ".bench-cache"}


def test_a_zip_imported_package_reads_its_data_from_a_temporary_copy(
    built: Built, tmp_path: Path
) -> None:
    wheel = str(built.sdist_wheel)
    script = (
        f"import sys; sys.path.insert(0, {wheel!r}); import benchmark\n"
        f"assert benchmark.__file__.startswith({wheel!r}), benchmark.__file__\n"
        "from benchmark._resources import packaged_dir, HELDOUT_DEV\n"
        "corpus = benchmark.load_gold('heldout-dev')\n"
        "print(len(corpus), corpus.sha256, packaged_dir(HELDOUT_DEV))\n"
    )
    printed = _run([built.python, "-c", script], cwd=tmp_path, env=built.env)
    count, sha256, extracted = printed.split()
    assert count == str(len(list((ROOT / HELDOUT_DEV.source / "articles").glob("*.txt"))))
    assert sha256 == load_gold(ROOT / HELDOUT_DEV.source).sha256
    assert not Path(extracted).exists()  # removed when the process ended
