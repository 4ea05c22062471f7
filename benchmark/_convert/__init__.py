"""``bench convert``: this project's annotations to and from the formats people annotate and
extract with (``bench``, ``jsonl``, ``brat``, ``labelstudio``, ``conll``, ``spacy``).

Every conversion goes through the hub, a list of checked :class:`~benchmark._models.Example`:
an importer reads and checks, an exporter writes. Layers a format cannot carry are counted and
reported as dropped, never silently lost. See ``docs/interop.md``.

Example:
    >>> import tempfile
    >>> from benchmark._resources import resolve_gold
    >>> out = Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> report = convert(resolve_gold("seed"), out, "bench", "jsonl")
    >>> report.documents, report.dropped
    (2, {})
    >>> convert(out, out.with_suffix(".conll"), "jsonl", "conll").line
    'dropped: 31 quotes, 6 speakers, 84 claims, 183 entity ids (conll carries entities only)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import BenchError
from .._models import LAYERS, Example
from ._bench import read_bench, write_bench
from ._brat import read_brat, write_brat
from ._common import Format, dropped_line, write_output
from ._conll import read_conll, write_conll
from ._jsonl import read_jsonl, write_jsonl
from ._labelstudio import read_labelstudio, write_labelstudio
from ._spacy import from_spacy, read_spacy, write_spacy

__all__ = ["FORMATS", "ConvertReport", "convert", "from_spacy", "read_corpus", "write_corpus"]

_ALL = ("entities", "speakers", "quotes", "claims")
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("bench", read_bench, write_bench, _ALL, folder=True),
        Format("jsonl", read_jsonl, write_jsonl, _ALL, folder=False),
        Format("brat", read_brat, write_brat, ("entities", "quotes"), folder=True),
        Format("labelstudio", read_labelstudio, write_labelstudio, ("entities", "quotes"), False),
        Format("conll", read_conll, write_conll, ("entities",), folder=True),
        Format("spacy", read_spacy, write_spacy, _ALL, folder=False),
    )
}


@dataclass(frozen=True)
class ConvertReport:
    """What a conversion wrote: how many documents, and what it dropped (what -> count)."""

    format: str
    documents: int
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def line(self) -> str | None:
        """The ``dropped: …`` line for stderr, or None when nothing was dropped."""
        return dropped_line(self.dropped, FORMATS[self.format])


def _format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise BenchError(
            f"unknown format {name!r}: use one of {', '.join(FORMATS)}", exit_code=2
        ) from None


def read_corpus(source: str | Path, fmt: str) -> list[Example]:
    """Read and check every document of ``source`` in format ``fmt``.

    Raises:
        BenchError: one line naming the file (and line or JSON path) of the first problem.
    """
    return _format(fmt).read(Path(source))


def write_corpus(examples: Sequence[Example], out: str | Path, fmt: str) -> ConvertReport:
    """Write ``examples`` to ``out`` in format ``fmt``; report what the format dropped.

    ``out`` must not exist, or be empty, or be a previous output of the same format (a folder
    holding the ``.bench-convert`` marker naming it; a file that reads as that format), which is
    then replaced whole.
    """
    target = _format(fmt)
    dropped = {
        layer: sum(len(getattr(ex.annotation, layer)) for ex in examples)
        for layer in LAYERS
        if layer not in target.carries
    }
    dropped.update(write_output(examples, Path(out), target))
    return ConvertReport(fmt, len(examples), {k: v for k, v in dropped.items() if v})


def convert(source: str | Path, out: str | Path, from_format: str, to_format: str) -> ConvertReport:
    """Convert ``source`` (format ``from_format``) to ``out`` (format ``to_format``)."""
    _format(to_format)
    return write_corpus(read_corpus(source, from_format), out, to_format)
