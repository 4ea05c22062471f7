"""The per-result cache: one file per (system, document) result, written as soon as it is done.

A result is keyed by everything that identifies it: the system's name, its adapter version, the
hash of its config, a fingerprint of the adapter's source code (so an edited adapter whose
version was not bumped is not served stale results) and the sha256 of the article. Entries live at
``<cache>/results/<key[:2]>/<key>.json`` (``<cache>`` is ``$BENCH_CACHE_DIR`` or
``./.bench-cache``) and hold the prediction in the interchange format plus the key and the fields
it is made of, so a person can tell what an entry is and a copied entry is recognised. Writes are
atomic, so an interrupted run leaves only whole entries behind and the next run resumes from
them. An entry that does not parse, or whose recorded key or identity does not match the key
asked for, is a miss. Errors are never cached: a failed document is tried again on the next run.

Example:
    >>> key = result_key("rules", "1.0", "c" * 64, "ab" * 32, code="f" * 64)
    >>> len(key), key == result_key("rules", "1.0", "c" * 64, "ab" * 32, code="e" * 64)
    (64, False)
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
from pathlib import Path

import msgspec

from .._errors import BenchError
from .._formats import RESULT_CACHE_FORMAT, CacheIdentity, ResultCacheEntry
from .._json import canonical_sha256, read, write
from .._models import Annotation

CACHE_ENV = "BENCH_CACHE_DIR"
CACHE_FORMAT = RESULT_CACHE_FORMAT
_KEY = re.compile(r"[0-9a-f]{64}")


def default_cache_dir() -> Path:
    """``$BENCH_CACHE_DIR`` when set, else ``.bench-cache`` in the current folder."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.cwd() / ".bench-cache"


def code_fingerprint(cls: type | None) -> str:
    """The sha256 of an adapter's source: its module's file, or for a built-in system
    (``benchmark.systems.<name>``) every module of its subpackage and of each
    ``benchmark.systems`` subpackage it imports, transitively (see :func:`system_sources`).

    Example:
        >>> from benchmark.systems.sanity import EmptySystem
        >>> len(code_fingerprint(EmptySystem))
        64
    """
    if cls is None:
        return ""
    module = sys.modules.get(cls.__module__)
    source = Path(getattr(module, "__file__", "") or "")
    if not source.is_file():
        return ""
    files = {source: source.name}
    if cls.__module__.startswith(f"{_SYSTEMS}."):
        root = _systems_root()
        files = {path: path.relative_to(root).as_posix() for path in system_sources(cls.__module__)}
    elif cls.__module__.startswith("benchmark."):
        files = {path: path.name for path in sorted(source.parent.glob("*.py"))}
    digest = hashlib.sha256()
    for path, name in files.items():
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_SYSTEMS = "benchmark.systems"


def _systems_root() -> Path:
    return Path(__file__).resolve().parent.parent / "systems"


def system_sources(module: str) -> list[Path]:
    """The files a built-in system's results depend on: every module of its own subpackage (or
    its module, ``sanity``) and, transitively, of every ``benchmark.systems`` subpackage or module
    one of them imports (read from the source, lazy imports included), and the word lists of
    ``benchmark/systems/lexicon/`` when it uses the shared modules. A system that imports nothing
    of another system does not change when that one is edited.

    Example:
        >>> names = [p.relative_to(_systems_root()).as_posix() for p in
        ...          system_sources("benchmark.systems.peers._system")]
        >>> "spacy/_extract.py" in names, "_shared/_text.py" in names, "rules/_system.py" in names
        (True, True, False)
        >>> "lexicon/say_verbs.txt" in names
        True
    """
    root = _systems_root()
    todo = [module.split(".")[2]]
    seen: set[str] = set()
    files: set[Path] = set()
    while todo:
        unit = todo.pop()
        if unit in seen:
            continue
        seen.add(unit)
        folder = root / unit
        found = sorted(folder.rglob("*.py")) if folder.is_dir() else [root / f"{unit}.py"]
        for path in found:
            if path.is_file():
                files.add(path)
                todo.extend(_imported_units(path, root))
    if "_shared" in seen:  # the shared word lists are data files (benchmark/systems/lexicon/)
        from ..systems._shared._words import LEXICON_FOLDER

        files.update((root / LEXICON_FOLDER).glob("*.txt"))
    return sorted(files)


def _imported_units(path: Path, root: Path) -> list[str]:
    """The ``benchmark.systems`` subpackages or modules (first name below it) ``path`` imports."""
    package = [*_SYSTEMS.split("."), *path.relative_to(root).parts[:-1]]
    units: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        targets: list[list[str]] = []
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = base + (node.module.split(".") if node.module else [])
            targets = [[*target, alias.name] for alias in node.names]
        for target in targets:
            if target[:2] == _SYSTEMS.split(".") and len(target) > 2:
                units.append(target[2])
    return units


def result_key(
    system: str, version: str, config_digest: str, article_sha256: str, *, code: str = ""
) -> str:
    """The cache key of one result: sha256 over the fields that identify it."""
    return canonical_sha256([CACHE_FORMAT, system, version, config_digest, article_sha256, code])


def identity_key(identity: CacheIdentity) -> str:
    """The key an identity stands for (see :func:`result_key`)."""
    return result_key(
        identity.system,
        identity.version,
        identity.config_hash,
        identity.article_sha256,
        code=identity.code_hash,
    )


class ResultCache:
    """Results on disk under ``root/results``; ``ResultCache(None)`` caches nothing, and
    ``read=False`` (``--no-cache``) serves nothing but still records every fresh result.

    An entry is served only for the key it records, and only when its recorded identity hashes
    to that key: an entry copied under another system's (or article's) key, a damaged entry or
    one of another format is a miss, never a wrong answer.

    Example:
        >>> import tempfile
        >>> from benchmark._models import Annotation
        >>> cache = ResultCache(Path(tempfile.mkdtemp()))
        >>> who = CacheIdentity("x", "1", "c", "e" * 64)
        >>> cache.put(identity_key(who), Annotation("d", "e" * 64), who)
        >>> cache.get(identity_key(who), "d") == Annotation("d", "e" * 64)
        True
        >>> cache.get("1" * 64, "d") is None
        True
    """

    def __init__(self, root: Path | None, *, read: bool = True) -> None:
        self.root = Path(root) if root is not None else None
        self.read = read

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` lives."""
        if self.root is None:
            raise ValueError("this cache is disabled")
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r:.80}")
        return self.root / "results" / key[:2] / f"{key}.json"

    def get(self, key: str, doc_id: str) -> Annotation | None:
        """The cached prediction of ``key`` (re-labelled with ``doc_id``), or None on a miss."""
        if self.root is None or not self.read:
            return None
        path = self.path(key)
        try:
            entry = read(path, ResultCacheEntry)
        except BenchError:
            return None
        if entry.key != key or identity_key(entry.identity) != key:
            return None
        annotation = entry.prediction
        if annotation.text_sha256 != entry.identity.article_sha256:
            return None
        if annotation.doc_id != doc_id:  # the same article under another id
            annotation = msgspec.structs.replace(annotation, doc_id=doc_id)
        return annotation

    def put(self, key: str, annotation: Annotation, identity: CacheIdentity) -> None:
        """Store a prediction atomically, with its key and the identity the key is made of."""
        if self.root is None:
            return
        entry = ResultCacheEntry(
            cache_format=RESULT_CACHE_FORMAT,
            key=key,
            identity=identity,
            prediction=annotation,
        )
        write(self.path(key), entry, indent=0)
