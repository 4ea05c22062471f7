"""The per-result cache: one file per (system, document) result, written as soon as it is done.

A result is keyed by everything that identifies it: the system's name, its adapter version, the
hash of its config, a fingerprint of the adapter's source code (so an edited adapter whose
version was not bumped is not served stale results) and the sha256 of the article. Entries live at
``<cache>/results/<key[:2]>/<key>.json`` (``<cache>`` is ``$BENCH_CACHE_DIR`` or
``./.bench-cache``) and hold the prediction in the interchange format plus the fields of the
key, so a person can tell what an entry is. Writes are atomic, so an interrupted run leaves only
whole entries behind and the next run resumes from them. An entry that does not parse is a miss.
Errors are never cached: a failed document is tried again on the next run.

Example:
    >>> key = result_key("rules", "1.0", "c" * 64, "ab" * 32, code="f" * 64)
    >>> len(key), key == result_key("rules", "1.0", "c" * 64, "ab" * 32, code="e" * 64)
    (64, False)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._io import annotation_to_json, parse_annotation, read_json, write_json
from .._models import Annotation

CACHE_ENV = "BENCH_CACHE_DIR"
CACHE_FORMAT = "1"


def default_cache_dir() -> Path:
    """``$BENCH_CACHE_DIR`` when set, else ``.bench-cache`` in the current folder."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.cwd() / ".bench-cache"


def code_fingerprint(cls: type | None) -> str:
    """The sha256 of an adapter's source: its module's file, and for the built-in adapters every
    module of the package folder they live in (they share private helper modules).

    Example:
        >>> from benchmark._systems.sanity import EmptySystem
        >>> len(code_fingerprint(EmptySystem))
        64
    """
    if cls is None:
        return ""
    module = sys.modules.get(cls.__module__)
    source = Path(getattr(module, "__file__", "") or "")
    if not source.is_file():
        return ""
    files = [source]
    if cls.__module__.startswith("benchmark."):
        files = sorted(source.parent.glob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def result_key(
    system: str, version: str, config_digest: str, article_sha256: str, *, code: str = ""
) -> str:
    """The cache key of one result: sha256 over the fields that identify it."""
    fields = [CACHE_FORMAT, system, version, config_digest, article_sha256, code]
    return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()


class ResultCache:
    """Results on disk under ``root/results``; ``ResultCache(None)`` caches nothing.

    Example:
        >>> import tempfile
        >>> from benchmark._models import Annotation
        >>> cache = ResultCache(Path(tempfile.mkdtemp()))
        >>> cache.put("0" * 64, Annotation("d", "e" * 64), {"system": "x"})
        >>> cache.get("0" * 64, "d") == Annotation("d", "e" * 64), cache.get("1" * 64, "d")
        (True, None)
    """

    def __init__(self, root: Path | None) -> None:
        self.root = Path(root) if root is not None else None

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` lives."""
        if self.root is None:
            raise ValueError("this cache is disabled")
        return self.root / "results" / key[:2] / f"{key}.json"

    def get(self, key: str, doc_id: str) -> Annotation | None:
        """The cached prediction of ``key`` (re-labelled with ``doc_id``), or None on a miss."""
        if self.root is None:
            return None
        path = self.path(key)
        if not path.is_file():
            return None
        data, problems = read_json(path)
        if problems or not isinstance(data, dict):
            return None
        annotation, problems = parse_annotation(data.get("prediction"), str(path))
        if annotation is None:
            return None
        if annotation.doc_id != doc_id:  # the same article under another id
            annotation = _relabel(annotation, doc_id)
        return annotation

    def put(self, key: str, annotation: Annotation, identity: Mapping[str, Any]) -> None:
        """Store a prediction atomically (``identity``: the key's fields, for people)."""
        if self.root is None:
            return
        entry = {
            "cache_format": CACHE_FORMAT,
            "key": dict(identity),
            "prediction": annotation_to_json(annotation),
        }
        write_json(self.path(key), entry)


def _relabel(annotation: Annotation, doc_id: str) -> Annotation:
    from dataclasses import replace

    return replace(annotation, doc_id=doc_id)
