"""The ``spacy`` system: spaCy's small English pipeline (see :mod:`._system`).

spaCy itself is imported only when the system is built.
"""

from ._system import SpacySystem

__all__ = ["SpacySystem"]
