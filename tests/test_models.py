from __future__ import annotations

import pytest

from benchmark._models import Annotation, Corpus, Document, Entity, Example, Span, sha256_text


def test_records_are_frozen() -> None:
    entity = Entity(0, 3, "Ann", "PERSON", "ann")
    with pytest.raises(AttributeError):
        entity.start = 1  # type: ignore[misc]


def test_span_overlap_and_iou() -> None:
    assert Span(0, 4).overlap(Span(2, 6)) == 2
    assert Span(0, 4).overlap(Span(4, 6)) == 0
    assert Span(0, 4).iou(Span(0, 4)) == 1.0
    assert Span(0, 4).iou(Span(2, 6)) == pytest.approx(2 / 6)
    assert Span(3, 3).iou(Span(3, 3)) == 0.0


def test_document_sha256_is_of_utf8_bytes() -> None:
    doc = Document("d", "caf\u00e9\u00a0")
    assert doc.sha256 == sha256_text("caf\u00e9\u00a0")
    assert doc.sha256 != sha256_text("cafe ")


def test_corpus_indexing() -> None:
    docs = [Document(f"d{i}", "x") for i in range(3)]
    corpus = Corpus(tuple(Example(d, Annotation(d.doc_id, d.sha256)) for d in docs))
    assert corpus.doc_ids == ("d0", "d1", "d2")
    assert corpus["d1"].document is docs[1]
    assert "d2" in corpus and "d9" not in corpus
    with pytest.raises(KeyError):
        corpus["d9"]
