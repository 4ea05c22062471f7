"""One reading layer for corpora and predictions: a folder, a JSON Lines file, a Parquet file or a
saved Hugging Face dataset, each read as checked :class:`~benchmark._models.Example` values (gold)
or annotations (predictions), in bounded batches.

Which reader is chosen (:func:`source_kind`): a path ending in ``.jsonl`` is JSON Lines, one
ending in ``.parquet`` is Parquet, a folder holding ``dataset_info.json`` and ``state.json`` is a
dataset saved by ``bench dataset export`` (gold only); anything else is the folder layout.

A record (a line, a row) is the ``jsonl`` format of ``bench convert``: the annotation's fields plus
``"text"``, the article, parsed by :func:`benchmark._convert._jsonl.parse_record`. Problems name
``file:line`` for JSON Lines and ``file: row N`` for Parquet and datasets (both counted from 1).
In a predictions file ``"text"`` may be left out; when present it must be the gold article.

``pyarrow`` and ``datasets`` are imported only when such a file is read.

Example:
    >>> source_kind(Path("corpus.jsonl")), source_kind(Path("corpus.parquet"))
    ('jsonl', 'parquet')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec

from ._errors import BenchError, Problem
from ._io import check_doc_id, decode_annotation, parse_annotation
from ._json import MAX_FILE_BYTES, decode_untyped, read_bytes
from ._models import Annotation, Corpus, Document, Example
from ._scoring._score import BATCH
from ._validate import (
    EntityTypes,
    check_annotation,
    child_prefix,
    iter_system_folders,
    list_names,
    name_stem,
)

Kind = Literal["folder", "jsonl", "parquet", "dataset"]
FILE_KINDS: dict[str, Kind] = {".jsonl": "jsonl", ".parquet": "parquet"}

Record = tuple[str, Any, list[Problem]]
"""``(where, decoded record or None, problems)`` of one line or row."""


def source_kind(path: Path) -> Kind:
    """How ``path`` is read: by suffix (``.jsonl``, ``.parquet``), a saved dataset, else a folder.

    Example:
        >>> source_kind(Path("gold"))
        'folder'
    """
    kind = FILE_KINDS.get(Path(path).suffix.lower())
    if kind is not None:
        return kind
    if (Path(path) / "dataset_info.json").is_file() and (Path(path) / "state.json").is_file():
        return "dataset"
    return "folder"


# --- records -----------------------------------------------------------------------------------


def _missing(path: Path, kind: Kind) -> list[Problem]:
    if kind == "dataset":
        return [] if path.is_dir() else [Problem(str(path), "", "no such dataset folder")]
    return [] if path.is_file() else [Problem(str(path), "", "no such file")]


def _jsonl_records(path: Path) -> Iterator[Record]:
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            if len(line) > MAX_FILE_BYTES:
                yield where, None, [Problem(where, "", f"line longer than {MAX_FILE_BYTES} bytes")]
                continue
            data, problems = decode_untyped(line, where)
            yield where, (None if problems else data), problems


def _fix_nulls(row: dict[str, Any]) -> dict[str, Any]:
    """Arrow's struct of nulls back to a JSON null (see :func:`benchmark._hf.from_hf_dataset`)."""
    from ._hf import _fix_nulls as fix

    quotes = row.get("quotes")
    if isinstance(quotes, list) and all(
        isinstance(q, dict) and "speaker_span" in q and "cue_span" in q for q in quotes
    ):
        return fix(row)
    return row


def _parquet_records(path: Path) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        yield str(path), None, [Problem(str(path), "", f"not a Parquet file ({exc})")]
        return
    number = 0
    for batch in file.iter_batches(batch_size=BATCH):
        for row in batch.to_pylist():
            number += 1
            yield f"{path}: row {number}", _fix_nulls(row), []


def _dataset_records(path: Path) -> Iterator[Record]:
    from datasets import load_from_disk

    try:
        dataset = load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a folder it cannot read
        yield str(path), None, [Problem(str(path), "", f"not a saved dataset ({exc})")]
        return
    for start in range(0, dataset.num_rows, BATCH):
        rows = dataset[start : start + BATCH]
        names = list(rows)
        for offset in range(len(rows[names[0]]) if names else 0):
            row = {name: rows[name][offset] for name in names}
            yield f"{path}: row {start + offset + 1}", _fix_nulls(row), []


def iter_records(path: Path) -> Iterator[Record]:
    """Every record of a JSON Lines, Parquet or dataset source, decoded but not yet checked.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "c.jsonl"
        >>> _ = path.write_text('{"doc_id": "d"}\\n\\n[1]\\n')
        >>> [(where.split("/")[-1], data) for where, data, _ in iter_records(path)]
        [('c.jsonl:1', {'doc_id': 'd'}), ('c.jsonl:3', [1])]
    """
    path = Path(path)
    kind = source_kind(path)
    missing = _missing(path, kind)
    if missing:
        yield str(path), None, missing
    elif kind == "jsonl":
        yield from _jsonl_records(path)
    elif kind == "parquet":
        yield from _parquet_records(path)
    elif kind == "dataset":
        yield from _dataset_records(path)
    else:
        raise ValueError(f"{path}: a folder has no records")


# --- gold --------------------------------------------------------------------------------------


class GoldReader:
    """A gold corpus from a JSON Lines, Parquet or dataset source, read in batches and checked
    as a gold folder is (the gold id checks, one type per canonical id, unique doc ids).

    After the batches are read, :attr:`problems` holds every problem, :attr:`doc_ids` every doc
    id in order and :attr:`sha256` the corpus digest (over each document's id, article digest and
    annotation, so the same corpus in any of the three forms has the same digest).

    Example:
        >>> import tempfile
        >>> from benchmark._convert._jsonl import write_jsonl
        >>> from benchmark._gold import load_gold
        >>> path = Path(tempfile.mkdtemp()) / "gold.jsonl"
        >>> _ = write_jsonl(list(load_gold()), path)
        >>> reader = GoldReader(path)
        >>> [len(batch) for batch in reader.batches()], reader.problems
        ([2], [])
    """

    def __init__(self, path: Path, batch_size: int = BATCH) -> None:
        from ._convert._jsonl import parse_record

        self.path = Path(path)
        self.batch_size = batch_size
        self.problems: list[Problem] = []
        self.doc_ids: list[str] = []
        self._parse = parse_record
        self._seen: set[str] = set()
        self._types = EntityTypes()
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        """The digest of the documents read so far."""
        return self._digest.hexdigest()

    def _example(self, where: str, data: Any, problems: list[Problem]) -> Example | None:
        if problems:
            self.problems += problems
            return None
        example, found = self._parse(data, where, gold=True)
        if example is None:
            self.problems += found
            return None
        if example.doc_id in self._seen:
            self.problems.append(Problem(where, "$.doc_id", f"{example.doc_id!r} appears twice"))
            return None
        self._seen.add(example.doc_id)
        self.problems += self._types.add(where, example.annotation)
        self.doc_ids.append(example.doc_id)
        self._digest.update(example.doc_id.encode() + b"\0")
        self._digest.update(bytes.fromhex(example.document.sha256))
        self._digest.update(msgspec.json.encode(example.annotation))
        return example

    def batches(self) -> Iterator[list[Example]]:
        """The checked examples, ``batch_size`` at a time (a bad record is left out and its
        problems recorded)."""
        batch: list[Example] = []
        for where, data, problems in iter_records(self.path):
            example = self._example(where, data, problems)
            if example is not None:
                batch.append(example)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch
        if not self.doc_ids and not self.problems:
            self.problems.append(Problem(str(self.path), "", "no documents"))


class GoldFolderReader:
    """A gold folder read a batch of documents at a time, in doc id order, with the digest of
    :func:`benchmark._gold.check_gold`.

    Only file names are listed up front. At the first problem the folder is checked whole by
    :func:`~benchmark._gold.check_gold`, which raises every problem in its words.

    A folder is read in parts: :meth:`listed`, then :meth:`read` of any run of doc ids (the
    caller cuts the batches, possibly in other processes); :meth:`extend` adds what another
    reader read after this one.

    Example:
        >>> from benchmark._gold import default_gold_dir, load_gold
        >>> reader = GoldFolderReader(default_gold_dir())
        >>> ids = reader.listed()
        >>> [len(reader.read(ids[i : i + 1])) for i in range(len(ids))]
        [1, 1]
        >>> reader.sha256 == load_gold().sha256
        True
    """

    def __init__(self, root: Path, *, digest: Any = None) -> None:
        self.root = Path(root)
        self.doc_ids: list[str] = []
        self.types = EntityTypes()
        self._digest = hashlib.sha256() if digest is None else digest

    @property
    def sha256(self) -> str:
        """The digest of the documents read so far."""
        return str(self._digest.hexdigest())

    def _fail(self) -> BenchError:
        from ._gold import check_gold

        _, problems = check_gold(self.root)
        return BenchError.from_problems(
            problems or [Problem(str(self.root), "", "changed while being read")]
        )

    def listed(self) -> list[str]:
        """Every doc id of the folder, in order (only the file names are read).

        Raises:
            BenchError: every problem of the folder, when its files do not pair up.
        """
        articles, annotations = self.root / "articles", self.root / "annotations"
        if not (articles.is_dir() and annotations.is_dir()):
            raise self._fail()
        doc_ids = sorted(map(name_stem, list_names(articles, ".txt")))
        if not doc_ids or sorted(map(name_stem, list_names(annotations, ".json"))) != doc_ids:
            raise self._fail()
        return doc_ids

    def read(self, doc_ids: Iterable[str]) -> list[Example]:
        """The checked examples of some doc ids of :meth:`listed`, in the order given.

        Raises:
            BenchError: every problem of the folder, as :func:`benchmark._gold.load_gold` does.
        """
        from ._gold import update_digest
        from ._io import read_article

        articles = child_prefix(self.root / "articles")
        annotations = child_prefix(self.root / "annotations")
        examples: list[Example] = []
        for doc_id in doc_ids:
            file = f"{annotations}{doc_id}.json"
            try:
                document = read_article(f"{articles}{doc_id}.txt", doc_id)
                raw = read_bytes(file)
            except BenchError:
                raise self._fail() from None
            annotation, _ = decode_annotation(raw, file)
            if annotation is None or check_annotation(annotation, document, file, gold=True):
                raise self._fail()
            if self.types.add(file, annotation):
                raise self._fail()
            update_digest(self._digest, doc_id, document.sha256, hashlib.sha256(raw).digest())
            self.doc_ids.append(doc_id)
            examples.append(Example(document, annotation))
        return examples

    def extend(
        self, doc_ids: list[str], digested: bytes, first_type: Mapping[str, tuple[str, str]]
    ) -> None:
        """Add what another reader of this folder read next (its doc ids, the bytes it fed its
        digest, its :attr:`types`), as if this reader had read it.

        Raises:
            BenchError: every problem of the folder, when an entity id changes type.
        """
        if not self.types.merge(first_type):
            raise self._fail()
        self.doc_ids += doc_ids
        self._digest.update(digested)


class DigestInput:
    """What a digest would be fed, kept as bytes (to be fed to the real one elsewhere).

    Example:
        >>> data = DigestInput()
        >>> data.update(b"ab"); data.update(b"c"); bytes(data.data)
        b'abc'
    """

    def __init__(self) -> None:
        self.data = bytearray()

    def update(self, chunk: bytes) -> None:
        """Keep ``chunk``."""
        self.data += chunk


def check_gold_source(path: Path) -> tuple[Corpus | None, list[Problem]]:
    """Read and check a whole gold corpus from a JSON Lines, Parquet or dataset source.

    Example:
        >>> corpus, problems = check_gold_source(Path("missing.jsonl"))
        >>> corpus, [str(p) for p in problems]
        (None, ['missing.jsonl: no such file'])
    """
    reader = GoldReader(path)
    examples = [example for batch in reader.batches() for example in batch]
    if reader.problems:
        return None, reader.problems
    return Corpus(tuple(examples), sha256=reader.sha256), []


def gold_batches(
    gold: Path, batch_size: int = BATCH
) -> tuple[Iterator[list[Example]], Callable[[], tuple[str, list[str]]]]:
    """The gold of a JSON Lines, Parquet or dataset source in batches, and a function giving
    its digest and doc ids once they are read (a folder is read by :class:`GoldFolderReader`).

    Raises:
        BenchError: a file's problems, when met.
    """
    reader = GoldReader(gold, batch_size)

    def checked() -> Iterator[list[Example]]:
        for batch in reader.batches():
            if reader.problems:
                raise BenchError.from_problems(reader.problems)
            yield batch
        if reader.problems:
            raise BenchError.from_problems(reader.problems)

    return checked(), lambda: (reader.sha256, reader.doc_ids)


# --- predictions -------------------------------------------------------------------------------


class _DocId(msgspec.Struct):
    doc_id: str


_DOC_ID = msgspec.json.Decoder(_DocId)


def _prediction(
    data: Any, where: str, document: Document | None, doc_id: str
) -> tuple[Annotation | None, list[Problem]]:
    """One predictions record checked against its gold article (``text`` optional)."""
    if document is None:
        return None, [Problem(where, "", f"no article with doc id {doc_id!r}")]
    if not isinstance(data, dict):
        return None, [Problem(where, "", f"expected a JSON object, got {type(data).__name__}")]
    data = dict(data)
    text = data.pop("text", None)
    if text is not None and (
        not isinstance(text, str) or Document(doc_id, text).sha256 != document.sha256
    ):
        return None, [Problem(where, "$.text", "is not the gold article's text")]
    annotation, problems = parse_annotation(data, where)
    if annotation is None:
        return None, problems
    problems = check_annotation(annotation, document, where, gold=False)
    return (None, problems) if problems else (annotation, [])


class PredictionSource:
    """One system's predictions: a folder of ``<doc_id>.json`` files, or a ``.jsonl`` or
    ``.parquet`` file of records; read for the documents asked, a batch at a time.

    Only an index (doc id to file, line offset or row) is kept between batches.

    Example:
        >>> import tempfile
        >>> from benchmark._gold import load_gold
        >>> corpus = load_gold()
        >>> path = Path(tempfile.mkdtemp()) / "oracle.jsonl"
        >>> lines = [msgspec.json.encode(ex.annotation) for ex in corpus]
        >>> _ = path.write_bytes(b"\\n".join(lines))
        >>> source = PredictionSource("oracle", path)
        >>> found, problems = source.read({ex.doc_id: ex.document for ex in corpus})
        >>> sorted(found) == sorted(corpus.doc_ids), problems
        (True, [])
    """

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = Path(path)
        self.kind = source_kind(self.path)
        self.problems: list[Problem] = []
        self._index: dict[str, Any] = {}
        self._group: tuple[int, list[dict[str, Any]]] | None = None
        if self.kind == "folder":
            self._index_folder()
        elif self.kind == "jsonl":
            self._index_jsonl()
        elif self.kind == "parquet":
            self._index_parquet()
        else:
            self.problems.append(Problem(str(self.path), "", "a saved dataset holds gold only"))

    def _add(self, doc_id: str, where: str, locator: Any) -> None:
        reason = check_doc_id(doc_id)
        if reason:
            self.problems.append(Problem(where, "", reason))
        elif doc_id in self._index:
            self.problems.append(Problem(where, "$.doc_id", f"{doc_id!r} appears twice"))
        else:
            self._index[doc_id] = locator

    def _index_folder(self) -> None:
        prefix = child_prefix(self.path)
        for name in list_names(self.path, ".json"):
            file = prefix + name
            self._add(name_stem(name), file, file)

    def _index_jsonl(self) -> None:
        missing = _missing(self.path, "jsonl")
        if missing:
            self.problems += missing
            return
        offset = 0
        with open(self.path, "rb") as stream:
            for number, line in enumerate(stream, start=1):
                where = f"{self.path}:{number}"
                if line.strip():
                    try:
                        doc_id = _DOC_ID.decode(line).doc_id
                    except (msgspec.DecodeError, msgspec.ValidationError):
                        data, problems = decode_untyped(line, where)
                        self.problems += problems or parse_annotation(data, where)[1]
                    else:
                        self._add(doc_id, where, (offset, number))
                offset += len(line)

    def _index_parquet(self) -> None:
        missing = _missing(self.path, "parquet")
        if missing:
            self.problems += missing
            return
        import pyarrow.parquet as pq

        try:
            file = pq.ParquetFile(self.path)
            row = 0
            for group in range(file.num_row_groups):
                ids = file.read_row_group(group, columns=["doc_id"]).column(0).to_pylist()
                for position, doc_id in enumerate(ids):
                    row += 1
                    where = f"{self.path}: row {row}"
                    if not isinstance(doc_id, str):
                        self.problems.append(Problem(where, "$.doc_id", "expected a string"))
                    else:
                        self._add(doc_id, where, (group, position, row))
        except Exception as exc:  # not Parquet, or no doc_id column
            self.problems.append(Problem(str(self.path), "", f"cannot read as Parquet ({exc})"))

    def _record(self, doc_id: str) -> Record:
        locator = self._index[doc_id]
        if self.kind == "folder":
            file: str = locator
            try:
                raw = read_bytes(file)
            except BenchError as exc:
                return file, None, [Problem(file, "", str(exc).removeprefix(f"{file}: "))]
            return file, raw, []
        if self.kind == "jsonl":
            offset, number = locator
            with open(self.path, "rb") as stream:
                stream.seek(offset)
                line = stream.readline()
            where = f"{self.path}:{number}"
            data, problems = decode_untyped(line, where)
            return where, data, problems
        group, position, row = locator
        if self._group is None or self._group[0] != group:
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(self.path).read_row_group(group).to_pylist()
            self._group = (group, rows)
        return f"{self.path}: row {row}", _fix_nulls(self._group[1][position]), []

    def read(
        self, documents: Mapping[str, Document]
    ) -> tuple[dict[str, Annotation], list[Problem]]:
        """The checked predictions for the documents given (doc id -> article) that this system
        has, and the problems of the others."""
        found: dict[str, Annotation] = {}
        problems: list[Problem] = []
        for doc_id, document in documents.items():
            if doc_id not in self._index:
                continue
            where, data, record_problems = self._record(doc_id)
            if record_problems:
                problems += record_problems
                continue
            if self.kind == "folder":
                annotation, record_problems = decode_annotation(data, where)
                if annotation is not None:
                    record_problems = check_annotation(annotation, document, where, gold=False)
            else:
                annotation, record_problems = _prediction(data, where, document, doc_id)
            problems += record_problems
            if annotation is not None and not record_problems:
                found[doc_id] = annotation
        return found, problems

    def outside(self, gold_ids: Iterable[str]) -> list[Problem]:
        """Problems for the predictions of documents that are not in the gold."""
        unknown = set(self._index) - set(gold_ids)
        problems = []
        for doc_id in sorted(unknown):
            locator = self._index[doc_id]
            if self.kind == "folder":
                where = str(locator)
            elif self.kind == "jsonl":
                where = f"{self.path}:{locator[1]}"
            else:
                where = f"{self.path}: row {locator[2]}"
            problems.append(Problem(where, "", f"no article with doc id {doc_id!r}"))
        return problems

    def __len__(self) -> int:
        return len(self._index)


def prediction_sources(predictions: Path) -> list[PredictionSource]:
    """The systems of a predictions path: a ``.jsonl`` or ``.parquet`` file (one system, named
    after the file), a folder of ``<doc_id>.json`` (one system), or a folder of system folders.

    Raises:
        BenchError: when the path does not exist.
    """
    predictions = Path(predictions)
    if source_kind(predictions) in ("jsonl", "parquet"):
        return [PredictionSource(predictions.stem, predictions)]
    if not predictions.is_dir():
        raise BenchError(f"{predictions}: no such predictions folder or file")
    return [PredictionSource(name, folder) for name, folder in iter_system_folders(predictions)]


def read_predictions(
    predictions: Path, documents: Mapping[str, Document]
) -> tuple[dict[str, dict[str, Annotation]], list[Problem]]:
    """Every system's predictions that pass every check (system -> doc id -> annotation), and
    every problem of the others (see :func:`prediction_sources`)."""
    systems: dict[str, dict[str, Annotation]] = {}
    problems: list[Problem] = []
    for source in prediction_sources(predictions):
        problems += source.problems + source.outside(documents)
        found, bad = source.read(documents)
        problems += bad
        systems[source.name] = found
    return systems, problems
