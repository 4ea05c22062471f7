"""What a run records about how it was made: package version, git commit, gold, systems, time.

Example:
    >>> sorted(redact({"api_key": "sk-1", "model": "m", "max_tokens": 9}).items())
    [('api_key', '<redacted>'), ('max_tokens', 9), ('model', 'm')]
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

import msgspec

from .._formats import BootstrapSettings, Provenance, SystemProvenance

_SECRET_NAME = re.compile(
    r"(api[_-]?key|secret|password|passwd|authori[sz]ation|bearer|(^|[_-])token$)", re.IGNORECASE
)
REDACTED = "<redacted>"


def package_version() -> str:
    """The version of fact-extraction-bench: the package's ``__version__``, which the package
    metadata is built from (read from the module, not the metadata: no import of
    :mod:`importlib.metadata` on every command)."""
    from .. import __version__

    return __version__


def git_commit(where: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the checkout the package runs from (None for an installed
    package: the folder above site-packages may be the user's own repository)."""
    from .._resources import checkout_root

    folder = where or checkout_root()
    if folder is None:
        return None
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


def redact(config: Any) -> Any:
    """A copy of a config with every secret-looking value replaced, at any depth (the one
    redaction helper: keys never reach a results file, a cache file or a report)."""
    if isinstance(config, Mapping):
        return {
            key: REDACTED
            if _SECRET_NAME.search(str(key)) and value not in (None, "")
            else redact(value)
            for key, value in config.items()
        }
    if isinstance(config, (list, tuple)):
        return [redact(item) for item in config]
    return config


def utc_timestamp() -> str:
    """Now, in UTC, as ISO 8601 to the second (``2024-05-01T12:00:00Z``)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_provenance(
    *,
    gold_sha256: str,
    gold_dir: Path | None,
    systems: Mapping[str, Mapping[str, Any]],
    bootstrap: BootstrapSettings,
    command: str | None = None,
    timestamp: str | None = None,
) -> Provenance:
    """The ``provenance`` of results.json (the one place it is made, for runs and scores)."""
    return Provenance(
        package_version=package_version(),
        git_commit=git_commit(),
        gold_sha256=gold_sha256,
        gold_dir=str(gold_dir) if gold_dir is not None else None,
        timestamp=timestamp or utc_timestamp(),
        python=platform.python_version(),
        platform=f"{sys.platform}-{platform.machine()}",
        bootstrap=bootstrap,
        systems={
            name: msgspec.convert(
                {**entry, "config": redact(entry.get("config") or {})}, SystemProvenance
            )
            for name, entry in systems.items()
        },
        command=command,
    )
