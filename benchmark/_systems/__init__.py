"""Extraction systems and their discovery.

Public entry points: :func:`discover_systems`, :func:`load_system` and :class:`SystemInfo`.
The adapters themselves live in :mod:`benchmark.systems` and are imported only when needed.
"""

from __future__ import annotations

from ._registry import (
    BUILTIN_ADAPTERS,
    ENTRY_POINT_GROUP,
    SYSTEMS_ENV,
    SystemInfo,
    config_hash,
    default_systems_dir,
    discover_systems,
    find_system,
    format_system_table,
    load_system,
)

__all__ = [
    "BUILTIN_ADAPTERS",
    "ENTRY_POINT_GROUP",
    "SYSTEMS_ENV",
    "SystemInfo",
    "config_hash",
    "default_systems_dir",
    "discover_systems",
    "find_system",
    "format_system_table",
    "load_system",
]
