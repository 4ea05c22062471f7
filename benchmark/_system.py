"""The adapter contract every extraction system implements.

A system has a ``name``, a ``version`` (bump it when its output may change: it is part of the
cache key), a JSON-ready ``config`` and ``extract(document) -> Annotation``. Batch
(``extract_batch``) and async (``aextract``) variants are optional; the harness uses them when
present.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ._models import Annotation, Document


@runtime_checkable
class System(Protocol):
    """What the harness needs of an extractor.

    Example:
        >>> from benchmark._models import Annotation, Document
        >>> class Nothing:
        ...     name, version, config = "nothing", "1", {}
        ...     def extract(self, document: Document) -> Annotation:
        ...         return Annotation(document.doc_id, document.sha256)
        >>> isinstance(Nothing(), System)
        True
    """

    name: str
    version: str
    config: Mapping[str, Any]

    def extract(self, document: Document) -> Annotation: ...


@runtime_checkable
class BatchSystem(System, Protocol):
    """A system that is faster given many documents at once (for instance through ``nlp.pipe``)."""

    def extract_batch(self, documents: Sequence[Document]) -> list[Annotation]: ...


class SystemUnavailable(Exception):
    """Raised by a system that cannot run here (a missing optional dependency, no endpoint).

    The harness records the system as skipped with this reason, never as a failure.
    """
