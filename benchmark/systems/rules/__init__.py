"""The ``rules`` system: a deterministic regex-and-lexicon baseline (see :mod:`._system`)."""

from ._system import RulesSystem

__all__ = ["RulesSystem"]
