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

import re
from pathlib import Path

from ..._errors import BenchError
from ..._formats import LLM_CACHE_FORMAT, LLMCacheEntry
from ..._json import canonical_sha256, read, write

CACHE_FORMAT = LLM_CACHE_FORMAT
__all__ = ["CACHE_FORMAT", "ResponseCache", "canonical_sha256", "model_slug"]


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

    def lookup(self, request_key: str, endpoint_key: str | None) -> LLMCacheEntry | None:
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
            try:
                return read(path, LLMCacheEntry)
            except BenchError as exc:
                raise BenchError(f"{exc} (a corrupt llm cache entry: delete it)") from None
        return None

    def store(self, request_key: str, endpoint_key: str, entry: LLMCacheEntry) -> Path:
        """Record an entry atomically (checked against the model first) and return its path."""
        path = self._path(request_key, endpoint_key)
        write(path, entry, model=LLMCacheEntry)
        return path
