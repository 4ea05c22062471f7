"""Harness sanity systems: ``oracle`` (the gold itself, every metric 1.0) and ``empty`` (nothing).

The oracle is the one system that sees the gold, and it never reads ``gold/``: the runner hands it
the annotations of the corpus it scores (``OracleSystem(answers={doc_id: annotation})``, done by
:func:`benchmark._systems.load_system` with ``answers=``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._models import Annotation, Document
from .._system import SystemUnavailable


class OracleSystem:
    """Returns the gold annotation of each document: checks that scoring gives 1.0 everywhere.

    Example:
        >>> doc = Document("d", "Hi.")
        >>> gold = Annotation("d", doc.sha256)
        >>> OracleSystem(answers={"d": gold}).extract(doc) == gold
        True
    """

    name = "oracle"
    version = "1"
    needs_answers = True
    offline = True

    def __init__(self, answers: Mapping[str, Annotation]) -> None:
        self._answers = dict(answers)
        self.config: Mapping[str, Any] = {}

    def extract(self, document: Document) -> Annotation:
        """The gold annotation of ``document``.

        Raises:
            SystemUnavailable: when the answers hold no annotation for this document or its text
                differs from the one annotated.
        """
        answer = self._answers.get(document.doc_id)
        if answer is None:
            raise SystemUnavailable(f"oracle has no gold annotation for {document.doc_id!r}")
        if answer.text_sha256 != document.sha256:
            raise SystemUnavailable(f"oracle's gold for {document.doc_id!r} is for another text")
        return answer


class EmptySystem:
    """Predicts nothing: every recall is 0 and every precision undefined (null).

    Example:
        >>> EmptySystem().extract(Document("d", "Hi.")).quotes
        ()
    """

    name = "empty"
    version = "1"
    offline = True

    def __init__(self) -> None:
        self.config: Mapping[str, Any] = {}

    def extract(self, document: Document) -> Annotation:
        """An annotation with no entities, speakers, quotes or claims."""
        return Annotation(document.doc_id, document.sha256)
