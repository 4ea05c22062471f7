"""What a run records about how it was made: package version, git commit, gold, systems, time.

Example:
    >>> sorted(redact({"api_key": "sk-1", "model": "m"}).items())
    [('api_key', '<redacted>'), ('model', 'm')]
"""

from __future__ import annotations

import datetime as dt
import platform
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RESULTS_FORMAT = "1.0"
_SECRET_NAME = re.compile(r"(api[_-]?key|secret|token|password|authorization)", re.IGNORECASE)


def package_version() -> str:
    """The installed version of fact-extraction-bench (the package's ``__version__`` if absent)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("fact-extraction-bench")
    except importlib.metadata.PackageNotFoundError:
        from .. import __version__

        return __version__


def git_commit(where: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the checkout holding the package (None when there is none)."""
    folder = where or Path(__file__).resolve().parent.parent.parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def redact(config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a config with every secret-looking value replaced (keys never reach a report)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if _SECRET_NAME.search(str(key)) and value not in (None, ""):
            out[key] = "<redacted>"
        elif isinstance(value, Mapping):
            out[key] = redact(value)
        else:
            out[key] = value
    return out


def utc_timestamp() -> str:
    """Now, in UTC, as ISO 8601 to the second (``2024-05-01T12:00:00Z``)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_provenance(
    *,
    gold_sha256: str,
    gold_dir: Path | None,
    systems: Mapping[str, Mapping[str, Any]],
    bootstrap: Mapping[str, Any],
    timestamp: str | None = None,
) -> dict[str, Any]:
    """The ``provenance`` object of results.json."""
    return {
        "package_version": package_version(),
        "git_commit": git_commit(),
        "gold_sha256": gold_sha256,
        "gold_dir": str(gold_dir) if gold_dir is not None else None,
        "timestamp": timestamp or utc_timestamp(),
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "bootstrap": dict(bootstrap),
        "systems": {
            name: {**entry, "config": redact(entry.get("config") or {})}
            for name, entry in systems.items()
        },
    }
