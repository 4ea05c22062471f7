"""Where the built-in data lives: the checkout's folders, else the copy inside the package.

The repository's folders are the one source of the built-in data: ``gold/`` (the seed gold),
``tests/data/heldout/dev/`` and ``tests/data/heldout/test/`` (the held-out news) and ``systems/``
(the shipped system configurations). A built wheel (and so a plain ``pip install``) carries a copy
of them under ``benchmark/_data/``, made at build time by ``setup.py`` from :data:`PACKAGED` and
read here through :mod:`importlib.resources`; nothing else keeps a second copy.

Resolution, first match wins:

1. the environment variable (``$BENCH_GOLD``, ``$BENCH_SYSTEMS``), when set and not empty;
2. the checkout's folder, when the package runs from a checkout (an editable install, or the
   source tree on ``sys.path``);
3. the copy packaged with the wheel.

The packaged copy is read-only: nothing writes there (runs and caches go to the current folder).

This module imports nothing but the standard library, so ``setup.py`` can load it by path to learn
what to copy.

Example:
    >>> sorted(GOLD_SETS)
    ['heldout-dev', 'heldout-test', 'seed']
    >>> resolve_gold("heldout-test").name, resolve_gold("./heldout-test").name
    ('test', 'heldout-test')
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

GOLD_ENV = "BENCH_GOLD"
SYSTEMS_ENV = "BENCH_SYSTEMS"
PACKAGE = "benchmark"
DATA = "_data"
"""The folder inside the package that holds the packaged copies."""


class DataFolder(NamedTuple):
    """A folder of the repository that the wheel carries under ``benchmark/_data/``.

    Attributes:
        source: the folder, relative to the repository's root (``/``-separated).
        packaged: where its copy sits, relative to ``benchmark/_data/``.
        patterns: the files copied, as globs relative to ``source``.
    """

    source: str
    packaged: str
    patterns: tuple[str, ...]


GOLD = DataFolder(
    "gold", "gold", ("articles/*.txt", "annotations/*.json", "README.md", "GUIDELINES.md")
)
HELDOUT_DEV = DataFolder(
    "tests/data/heldout/dev", "heldout/dev", ("articles/*.txt", "annotations/*.json")
)
HELDOUT_TEST = DataFolder(
    "tests/data/heldout/test", "heldout/test", ("articles/*.txt", "annotations/*.json")
)
HELDOUT_CARD = DataFolder("tests/data/heldout", "heldout", ("README.md",))
SYSTEMS = DataFolder("systems", "systems", ("*.yaml", "README.md"))

PACKAGED: tuple[DataFolder, ...] = (GOLD, HELDOUT_DEV, HELDOUT_TEST, HELDOUT_CARD, SYSTEMS)
"""Every folder the wheel carries (``setup.py`` copies exactly these files)."""

GOLD_SETS: dict[str, DataFolder] = {
    "seed": GOLD,
    "heldout-dev": HELDOUT_DEV,
    "heldout-test": HELDOUT_TEST,
}
"""The built-in gold sets, by the name ``--gold NAME`` and ``load_gold(NAME)`` accept."""

_EXTRACTED: dict[str, Path] = {}


def checkout_root() -> Path | None:
    """The repository's root when the package runs from a checkout, else None.

    A checkout is recognised by this project's ``pyproject.toml`` beside the package folder; an
    installed wheel has none there.
    """
    root = Path(__file__).resolve().parent.parent
    try:
        pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return root if 'name = "fact-extraction-bench"' in pyproject else None


def packaged_dir(folder: DataFolder) -> Path:
    """The copy of ``folder`` packaged with the wheel, as a real folder (read it, never write).

    A package imported from a zip file has its copy extracted once per process to a temporary
    folder, removed at exit. A missing copy (a checkout, or a broken build) gives a path that does
    not exist, which the caller reports.
    """
    node: Traversable = files(PACKAGE) / DATA
    for part in folder.packaged.split("/"):
        node = node / part
    if isinstance(node, Path):
        return node
    if not node.is_dir():
        return Path(str(node))
    key = str(node)
    if key not in _EXTRACTED:
        scratch = Path(tempfile.mkdtemp(prefix="bench-data-"))
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        _copy_tree(node, scratch / node.name)
        _EXTRACTED[key] = scratch / node.name
    return _EXTRACTED[key]


def _copy_tree(node: Traversable, target: Path) -> None:
    if node.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in node.iterdir():
            _copy_tree(child, target / child.name)
    elif node.is_file():
        target.write_bytes(node.read_bytes())


def data_dir(folder: DataFolder) -> Path:
    """``folder`` in the checkout when running from one, else its packaged copy."""
    root = checkout_root()
    if root is not None:
        return root.joinpath(*folder.source.split("/"))
    return packaged_dir(folder)


def default_gold_dir() -> Path:
    """The default gold: ``$BENCH_GOLD``, else the checkout's ``gold/``, else the packaged copy."""
    configured = os.environ.get(GOLD_ENV)
    return Path(configured) if configured else data_dir(GOLD)


def resolve_gold(gold: str | os.PathLike[str] | None = None) -> Path:
    """The gold folder a user named.

    Args:
        gold: None for the default gold (:func:`default_gold_dir`); a string that is the name of
            a built-in set (:data:`GOLD_SETS`: ``seed``, ``heldout-dev``, ``heldout-test``) for
            that set; anything else is a folder (``./seed`` names a folder called ``seed``).
    """
    if gold is None:
        return default_gold_dir()
    if isinstance(gold, str) and gold in GOLD_SETS:
        return data_dir(GOLD_SETS[gold])
    return Path(gold)


def default_systems_dir() -> Path:
    """``$BENCH_SYSTEMS``, else the checkout's ``systems/``, else the packaged copy."""
    configured = os.environ.get(SYSTEMS_ENV)
    return Path(configured) if configured else data_dir(SYSTEMS)


def data_files(root: Path) -> list[tuple[Path, str]]:
    """Every file the wheel carries: the file in the repository at ``root``, its path in the wheel.

    Raises:
        FileNotFoundError: a folder of :data:`PACKAGED` has none of its files (a wheel built
            without its data would fail only when used).
    """
    found: list[tuple[Path, str]] = []
    for folder in PACKAGED:
        base = root.joinpath(*folder.source.split("/"))
        matches = sorted(
            {path for pattern in folder.patterns for path in base.glob(pattern) if path.is_file()}
        )
        if not matches:
            raise FileNotFoundError(f"{base}: no file matches {', '.join(folder.patterns)}")
        for path in matches:
            inside = path.relative_to(base).as_posix()
            found.append((path, f"{PACKAGE}/{DATA}/{folder.packaged}/{inside}"))
    return found
