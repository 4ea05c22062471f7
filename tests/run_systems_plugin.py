"""Misbehaving test systems for the run tests, copied into a temporary ``systems/`` folder.

Each extract call appends ``<system> <doc_id>`` to the file named by ``$BENCH_TEST_CALLS`` so
tests can count calls across worker processes. Documents whose id starts with ``b`` are the
ones the faulty systems fail on.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmark._models import Annotation, Document, Entity
from benchmark._system import SystemUnavailable


def _record(system: str, doc_id: str) -> int:
    """Log one call; return how many calls the log held before it."""
    path = Path(os.environ["BENCH_TEST_CALLS"])
    before = len(path.read_text().splitlines()) if path.exists() else 0
    with path.open("a") as handle:
        handle.write(f"{system} {doc_id}\n")
    return before


def _finds(document: Document, needle: str, etype: str) -> list[Entity]:
    found, start = [], document.text.find(needle)
    while start >= 0:
        found.append(Entity(start, start + len(needle), needle, etype))  # type: ignore[arg-type]
        start = document.text.find(needle, start + 1)
    return found


class Finder:
    """Finds 'Ann Smith' (and, unless ``worse``, 'Paris'): entities strict F1 0.75 on tiny docs."""

    name, version = "finder", "1"

    def __init__(self, worse: bool = False) -> None:
        self.config: dict[str, Any] = {"worse": worse}
        self.worse = worse

    def extract(self, document: Document) -> Annotation:
        _record(self.name, document.doc_id)
        entities = _finds(document, "Ann Smith", "PERSON")
        if not self.worse:
            entities += _finds(document, "Paris", "GPE")
        return Annotation(document.doc_id, document.sha256, entities=tuple(entities))


class Raising(Finder):
    name = "raising"

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.startswith("b"):
            raise ValueError("boom on purpose")
        return super().extract(document)


class Garbage(Finder):
    name = "garbage"

    def extract(self, document: Document) -> Any:
        if document.doc_id.startswith("b"):
            return {"not": "an annotation"}
        if document.doc_id.startswith("c"):
            bad = Entity(0, 3, "XYZ", "PERSON")
            return Annotation(document.doc_id, document.sha256, entities=(bad,))
        return super().extract(document)


class Hanging(Finder):
    name = "hanging"

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.startswith("b"):
            time.sleep(60)
        return super().extract(document)


class Chatty(Finder):
    name = "chatty"

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.startswith("b"):
            print("debug: hello")
        return super().extract(document)


class Interrupting(Finder):
    """Presses Ctrl-C on its third call when ``$BENCH_TEST_INTERRUPT`` is set: SIGINT to the
    ``bench`` process (its worker's parent), then waits to be stopped. (A ``KeyboardInterrupt``
    raised by a system itself is only that system's failure.)"""

    name = "interrupting"

    def extract(self, document: Document) -> Annotation:
        if os.environ.get("BENCH_TEST_INTERRUPT"):
            path = Path(os.environ["BENCH_TEST_CALLS"])
            done = len(path.read_text().splitlines()) if path.exists() else 0
            if done >= 2:
                os.kill(os.getppid(), signal.SIGINT)
                time.sleep(60)
        return super().extract(document)


class Unavailable(Finder):
    name = "unavailable"

    def __init__(self) -> None:
        raise SystemUnavailable("needs a GPU on purpose")


class Batching(Finder):
    """Has extract_batch; logs ``batching-batch <n>`` per batch call."""

    name = "batching"

    def extract_batch(self, documents: Sequence[Document]) -> list[Annotation]:
        path = Path(os.environ["BENCH_TEST_CALLS"])
        with path.open("a") as handle:
            handle.write(f"batching-batch {len(documents)}\n")
        return [
            Annotation(d.doc_id, d.sha256, entities=tuple(_finds(d, "Paris", "GPE")))
            for d in documents
        ]


class Dying(Finder):
    name = "dying"

    def extract(self, document: Document) -> Annotation:
        if document.doc_id.startswith("b"):
            sys.stdout.flush()
            os._exit(3)
        return super().extract(document)


ADAPTERS = {
    cls.name: cls
    for cls in (
        Finder,
        Raising,
        Garbage,
        Hanging,
        Chatty,
        Interrupting,
        Unavailable,
        Batching,
        Dying,
    )
}
