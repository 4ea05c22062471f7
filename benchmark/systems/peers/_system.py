"""Peer systems: published or bare approaches on the same spaCy pipeline as the ``spacy`` system.

- ``spacy-ner`` (:class:`SpacyNerSystem`): the pipeline's named entities relabelled with the
  ``spacy`` system's label mapping (:data:`benchmark.systems.spacy._entities.LABEL_MAP`) and
  nothing else: no cleaning, linking, quotes, speakers or claims. A control showing what the
  ``spacy`` system's post-processing adds (or costs).
- ``textacy`` (:class:`TextacySystem`): the same entities, plus the direct quotations of
  textacy's rule-based ``textacy.extract.triples.direct_quotations`` (speaker, cue, content),
  the published quote extractor others build on. Speakers are the quotes' speakers; no claims.

Both load ``en_core_web_sm`` offline through :func:`benchmark.systems.spacy._system.load_pipeline`
(the one cached pipeline, with its paragraph sentence boundaries). spaCy and textacy are imported
only when a system is built, so importing this module is cheap.

Example:
    >>> TextacySystem.availability({"model": "no_such_model_package"}) is not None
    True
    >>> SpacyNerSystem.name, TextacySystem.name
    ('spacy-ner', 'textacy')
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from ..._models import Annotation, Document, Entity, Quote, Span, Speaker
from ..._system import SystemUnavailable
from .._shared._text import QUOTE_CHARS, SPACES, trim
from ..spacy._entities import LABEL_MAP
from ..spacy._system import DEFAULT_MODEL, load_pipeline, pipeline_config, pipeline_reason

_PARAMS = frozenset({"model", "batch_size"})


def textacy_installed() -> bool:
    """Whether textacy can be imported here (the availability check; tests monkeypatch it).

    Example:
        >>> isinstance(textacy_installed(), bool)
        True
    """
    return importlib.util.find_spec("textacy") is not None


def ner_entities(doc: Any) -> tuple[Entity, ...]:
    """The pipeline's entities whose label the ``spacy`` system maps, with the mapped type.

    Spans are the NER's as they are (no trimming, no linking: ``entity_id`` is None); labels the
    mapping leaves out (``MONEY``, ``CARDINAL``, ...) are dropped.
    """
    return tuple(
        Entity(ent.start_char, ent.end_char, ent.text, LABEL_MAP[ent.label_])
        for ent in doc.ents
        if ent.label_ in LABEL_MAP
    )


def _token_span(text: str, tokens: Sequence[Any]) -> tuple[int, int]:
    """Character range from the first token's start to the last token's end."""
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def content_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The quoted content of ``text[start:end]`` without its quotation marks and outer spaces.

    Example:
        >>> text = 'He said: "We are ready," and left.'
        >>> start, end = content_bounds(text, 9, 24)
        >>> text[start:end]
        'We are ready,'
    """
    start, end = trim(text, start, end)
    if start < end and text[start] in QUOTE_CHARS:
        start += 1
    if end > start and text[end - 1] in QUOTE_CHARS:
        end -= 1
    return trim(text, start, end, SPACES)


def textacy_quotes(doc: Any, triples: Iterable[Any]) -> tuple[list[Quote], list[Speaker]]:
    """Quotes and speakers from textacy's ``DQTriple(speaker, cue, content)`` triples.

    The content span loses its quotation marks; ``speaker`` is the text from the first to the last
    speaker token (``speaker_span``), ``cue_span`` likewise over the cue tokens; every quote is
    ``direct``. Speakers are the distinct speaker texts, in order of first quote.
    """
    text: str = doc.text
    quotes: list[Quote] = []
    names: list[str] = []
    for triple in triples:
        start, end = content_bounds(text, triple.content.start_char, triple.content.end_char)
        if end <= start:
            continue
        speaker_span = _token_span(text, triple.speaker)
        cue_span = _token_span(text, triple.cue)
        speaker = text[speaker_span[0] : speaker_span[1]]
        quotes.append(
            Quote(
                start,
                end,
                text[start:end],
                "direct",
                speaker,
                Span(*speaker_span),
                Span(*cue_span),
            )
        )
        if speaker not in names:
            names.append(speaker)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes, [Speaker(name) for name in names]


class _PipelineSystem:
    """Shared setup: the ``spacy`` system's pipeline, its versions in ``config``, ``nlp.pipe``."""

    name: ClassVar[str]
    version: ClassVar[str]

    def __init__(self, **params: Any) -> None:
        reason = self.availability(params)
        if reason is not None:
            raise SystemUnavailable(reason)
        unknown = sorted(set(params) - _PARAMS)
        if unknown:
            raise SystemUnavailable(f"unknown {self.name} system params: {', '.join(unknown)}")
        self.model: str = str(params.get("model", DEFAULT_MODEL))
        self.batch_size: int = int(params.get("batch_size", 8))
        self.nlp = load_pipeline(self.model)
        self.config: dict[str, Any] = pipeline_config(self.model, self.nlp, self.batch_size)

    @classmethod
    def availability(cls, params: Mapping[str, Any]) -> str | None:
        """Why the system cannot run here (spaCy or the model missing), or None when it can."""
        return pipeline_reason(params)

    def annotate(self, doc: Any, document: Document) -> Annotation:
        """The annotation of one parsed document."""
        raise NotImplementedError

    def extract(self, document: Document) -> Annotation:
        """Annotate one document."""
        return self.annotate(self.nlp(document.text), document)

    def extract_batch(self, documents: Sequence[Document]) -> list[Annotation]:
        """Annotate many documents through ``nlp.pipe``."""
        parsed = self.nlp.pipe([d.text for d in documents], batch_size=self.batch_size)
        return [self.annotate(doc, d) for doc, d in zip(parsed, documents, strict=True)]


class SpacyNerSystem(_PipelineSystem):
    """The pipeline's entities, relabelled with the ``spacy`` system's mapping; nothing else.

    Params: ``model`` (default ``en_core_web_sm``), ``batch_size`` (for ``nlp.pipe``, default 8).
    """

    name: ClassVar[str] = "spacy-ner"
    version: ClassVar[str] = "1.0.0"

    def annotate(self, doc: Any, document: Document) -> Annotation:
        """Entities only."""
        return Annotation(document.doc_id, document.sha256, entities=ner_entities(doc))


class TextacySystem(_PipelineSystem):
    """textacy's ``direct_quotations`` on the ``spacy`` system's pipeline, plus its entities.

    Params: ``model`` (default ``en_core_web_sm``), ``batch_size`` (for ``nlp.pipe``, default 8).
    textacy refuses a document with an odd number of quotation-mark tokens (an unclosed quotation,
    as in a quote running over paragraphs); such a document gets no quotes (its entities are
    kept), as textacy's own choice is to bail out rather than guess.
    """

    name: ClassVar[str] = "textacy"
    version: ClassVar[str] = "1.0.0"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.config["textacy_version"] = importlib.metadata.version("textacy")

    @classmethod
    def availability(cls, params: Mapping[str, Any]) -> str | None:
        """Why the system cannot run here (textacy, spaCy or the model missing), or None."""
        if not textacy_installed():
            return "textacy is not installed (pip install 'fact-extraction-bench[textacy]')"
        return pipeline_reason(params)

    def annotate(self, doc: Any, document: Document) -> Annotation:
        """Entities, direct quotes and their speakers."""
        from textacy.extract.triples import direct_quotations

        try:
            triples = list(direct_quotations(doc))
        except ValueError as exc:  # "N quotation marks found, indicating an unclosed quotation"
            if "quotation marks found" not in str(exc):
                raise
            triples = []
        quotes, speakers = textacy_quotes(doc, triples)
        return Annotation(
            document.doc_id,
            document.sha256,
            entities=ner_entities(doc),
            speakers=tuple(speakers),
            quotes=tuple(quotes),
        )
