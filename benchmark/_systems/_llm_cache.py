"""On-disk cache of chat-completion responses, so that runs replay offline.

Layout (one JSON file per response)::

    <cache_dir>/<model slug>/<request key[:2]>/<request key>.<endpoint key[:16]>.json

The request key is the sha256 of everything that makes the call (model, temperature,
max_tokens, prompt version, response schema, messages, hence the article); the endpoint key is
the sha256 of the base URL without credentials. With an endpoint configured the cache answers
only for that endpoint; without one (CI replay) any recorded endpoint's answer is used. The API
key is never part of a key or an entry. Every answer with content is recorded, garbage too,
so that a replay reproduces the same error; delete the entry to ask again.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from .._errors import BenchError
from .._io import read_json, write_json

CACHE_FORMAT = 1


def canonical_sha256(data: Any) -> str:
    """The sha256 of canonical JSON of ``data`` (sorted keys, no spaces, UTF-8).

    Example:
        >>> canonical_sha256({"b": 1, "a": 2}) == canonical_sha256({"a": 2, "b": 1})
        True
    """
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_slug(model: str) -> str:
    """A folder name for a model id.

    Example:
        >>> model_slug("org/Model 7B:q4")
        'org_Model_7B_q4'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("._")[:80] or "model"


class ResponseCache:
    """Recorded responses of one model under one cache folder."""

    def __init__(self, root: Path, model: str) -> None:
        self.root = Path(root)
        self.folder = self.root / model_slug(model)

    def _path(self, request_key: str, endpoint_key: str) -> Path:
        return self.folder / request_key[:2] / f"{request_key}.{endpoint_key[:16]}.json"

    def has_any(self) -> bool:
        """True when at least one response of this model is recorded."""
        return self.folder.is_dir() and any(self.folder.glob("*/*.json"))

    def lookup(self, request_key: str, endpoint_key: str | None) -> dict[str, Any] | None:
        """The recorded entry, or None.

        Raises:
            BenchError: when the entry exists but is not a valid cache entry (names the file).
        """
        if endpoint_key is not None:
            candidates = [self._path(request_key, endpoint_key)]
        else:
            candidates = sorted((self.folder / request_key[:2]).glob(f"{request_key}.*.json"))
        for path in candidates:
            if not path.is_file():
                continue
            data, problems = read_json(path)
            if problems:
                raise BenchError(f"{problems[0]} (a corrupt llm cache entry: delete it)")
            if (
                not isinstance(data, dict)
                or data.get("cache_format") != CACHE_FORMAT
                or not isinstance(data.get("response"), dict)
                or not isinstance(data["response"].get("content"), str)
            ):
                raise BenchError(f"{path}: not an llm cache entry of format {CACHE_FORMAT}")
            return data
        return None

    def store(self, request_key: str, endpoint_key: str, entry: dict[str, Any]) -> Path:
        """Record an entry atomically and return its path."""
        path = self._path(request_key, endpoint_key)
        write_json(path, {"cache_format": CACHE_FORMAT, **entry})
        return path
