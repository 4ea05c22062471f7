"""A Hugging Face ``datasets`` view of a corpus: one row per document, layers nested.

``datasets`` is imported only when a function here is called, never at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import BenchError
from ._io import annotation_to_json, parse_annotation
from ._json import atomic_write_text
from ._models import Corpus, Document, Example


def _features() -> Any:
    from datasets import Features, List, Value

    span = {"start": Value("int64"), "end": Value("int64")}
    return Features(
        {
            "doc_id": Value("string"),
            "text": Value("string"),
            "text_sha256": Value("string"),
            "schema_version": Value("string"),
            "entities": List(
                {
                    "start": Value("int64"),
                    "end": Value("int64"),
                    "text": Value("string"),
                    "type": Value("string"),
                    "entity_id": Value("string"),
                }
            ),
            "speakers": List(
                {
                    "entity_id": Value("string"),
                    "name": Value("string"),
                    "aliases": List(Value("string")),
                    "role": Value("string"),
                }
            ),
            "quotes": List(
                {
                    "start": Value("int64"),
                    "end": Value("int64"),
                    "text": Value("string"),
                    "kind": Value("string"),
                    "speaker": Value("string"),
                    "speaker_span": span,
                    "cue_span": span,
                }
            ),
            "claims": List(
                {
                    "text": Value("string"),
                    "paraphrases": List(Value("string")),
                    "evidence": List(span),
                    "source": Value("string"),
                    "kind": Value("string"),
                }
            ),
        }
    )


def _row(example: Example) -> dict[str, Any]:
    return {"text": example.document.text, **annotation_to_json(example.annotation)}


def to_hf_dataset(corpus: Corpus) -> Any:
    """The corpus as a ``datasets.Dataset`` with one row per document.

    Example:
        >>> from benchmark import load_gold
        >>> ds = to_hf_dataset(load_gold())
        >>> ds.num_rows >= 2 and "quotes" in ds.column_names
        True
    """
    from datasets import Dataset

    rows = [_row(ex) for ex in corpus]
    columns = {name: [row[name] for row in rows] for name in _features()}
    return Dataset.from_dict(columns, features=_features())


def _fix_nulls(row: dict[str, Any]) -> dict[str, Any]:
    # Arrow stores a null struct as a struct of nulls; turn those back into JSON nulls.
    for quote in row["quotes"]:
        for key in ("speaker_span", "cue_span"):
            span = quote[key]
            if span is not None and span["start"] is None:
                quote[key] = None
    return row


def from_hf_dataset(dataset: Any, sha256: str = "") -> Corpus:
    """Rebuild a :class:`Corpus` from :func:`to_hf_dataset`'s output (lossless round trip)."""
    examples: list[Example] = []
    for raw in dataset:
        row = _fix_nulls(dict(raw))
        text = row.pop("text")
        annotation, problems = parse_annotation(row, f"dataset row {len(examples)}")
        if annotation is None:
            raise BenchError.from_problems(problems)
        examples.append(Example(Document(annotation.doc_id, text), annotation))
    return Corpus(tuple(examples), sha256=sha256)


DATASET_CARD = """---
language: [en]
license: cc-by-4.0
pretty_name: Fact extraction from news (gold)
task_categories: [token-classification]
---
# Fact extraction from news: gold annotations

One row per news article: `doc_id`, `text` (exactly as stored), `text_sha256`, and four nested
layers: `entities`, `speakers`, `quotes`, `claims`, with code-point offsets into `text`
(end exclusive). Gold sha256: `{sha256}`. Documents: {documents}. Entities: {entities}.
Speakers: {speakers}. Quotes: {quotes}. Claims: {claims}.

Made by `bench dataset export`; see `gold/README.md` (the data card) and `gold/GUIDELINES.md` in
the fact-extraction-bench repository for how the annotations were made and checked.

```python
from datasets import load_from_disk
ds = load_from_disk("<this folder>")
```
"""


EXPORT_FORMATS = ("dataset", "jsonl", "parquet")


def export_format(out: Path, fmt: str | None = None) -> str:
    """The format ``bench dataset export`` writes: ``fmt``, else by the output's suffix.

    Example:
        >>> export_format(Path("gold.parquet")), export_format(Path("out"))
        ('parquet', 'dataset')
        >>> export_format(Path("gold.parquet"), "jsonl")
        'jsonl'
    """
    if fmt is not None:
        return fmt
    suffix = Path(out).suffix.lower().lstrip(".")
    return suffix if suffix in ("jsonl", "parquet") else "dataset"


def export_dataset(corpus: Corpus, out_dir: Path, fmt: str | None = None) -> Path:
    """Save the corpus with ``save_to_disk`` plus a dataset card (README.md), or as one
    ``.jsonl`` or ``.parquet`` file (see :func:`export_format`); return the path written.

    Raises:
        BenchError: when the output cannot be written.
    """
    out_dir = Path(out_dir)
    kind = export_format(out_dir, fmt)
    if kind == "jsonl":
        from ._convert._jsonl import write_jsonl

        write_jsonl(list(corpus), out_dir)
        return out_dir
    if kind == "parquet":
        import os
        import tempfile

        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(prefix=f".{out_dir.name}.", dir=out_dir.parent)
            os.close(fd)
            try:
                to_hf_dataset(corpus).to_parquet(partial)
                os.chmod(partial, 0o644)
                os.replace(partial, out_dir)
            finally:
                if os.path.exists(partial):
                    os.unlink(partial)
        except OSError as exc:
            raise BenchError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
        return out_dir
    counts = {
        layer: sum(len(getattr(ex.annotation, layer)) for ex in corpus)
        for layer in ("entities", "speakers", "quotes", "claims")
    }
    try:
        to_hf_dataset(corpus).save_to_disk(str(out_dir))
    except OSError as exc:
        raise BenchError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    card = DATASET_CARD.format(sha256=corpus.sha256, documents=len(corpus), **counts)
    atomic_write_text(out_dir / "README.md", card)
    return out_dir
