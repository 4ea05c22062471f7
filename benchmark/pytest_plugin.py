"""pytest plugin of fact-extraction-bench (being written: the ``bench`` fixture and the gate)."""

from __future__ import annotations
