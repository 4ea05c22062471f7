"""Turn an LLM's JSON answer into a valid prediction, repairing its untrusted offsets.

A language model copies text well and counts characters badly. So every span it returns is
re-anchored on the article by its ``text``: first an exact match nearest to the offset the model
gave, then a match after normalising quotes, dashes, spaces and case (mapped back to the original
offsets). What cannot be found is dropped and counted. The result always passes
``check_annotation(..., gold=False)``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..._errors import BenchError
from ..._models import (
    AUTHOR,
    CLAIM_KINDS,
    ENTITY_TYPES,
    QUOTE_KINDS,
    Annotation,
    Claim,
    Document,
    Entity,
    Quote,
    Span,
    Speaker,
)
from ..._validate import check_annotation, check_span

_SINGLE_QUOTES = "'‘’‚‛′`´"
_DOUBLE_QUOTES = '"“”„‟″«»'
_DASHES = "‐‑‒–—―−"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_EXPANSIONS = {"…": "..."}
_STRIP_FROM_QUOTES = _SINGLE_QUOTES + _DOUBLE_QUOTES + " \t\n\r\u00a0"
_WORD = re.compile(r"\w+")

_TYPE_ALIASES = {
    "PER": "PERSON",
    "PEOPLE": "PERSON",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "COUNTRY": "GPE",
    "CITY": "GPE",
    "NATIONALITY": "NORP",
    "TIME": "DATE",
    "MISCELLANEOUS": "MISC",
}
_CUE_WINDOW = 300
"""How far (code points) from its quote a cue given without text may be and still be kept."""


def _normal_char(char: str, fold_case: bool) -> str:
    if char in _SINGLE_QUOTES:
        return "'"
    if char in _DOUBLE_QUOTES:
        return '"'
    if char in _DASHES:
        return "-"
    if char in _INVISIBLE:
        return ""
    if char.isspace():
        return " "
    if char in _EXPANSIONS:
        return _EXPANSIONS[char]
    if fold_case:
        lower = char.lower()
        return lower if len(lower) == 1 else char
    return char


def normalise(text: str, *, fold_case: bool = False) -> tuple[str, list[int]]:
    """Normalise quotes, dashes, spaces (runs collapsed) and optionally case.

    Returns the normalised text and, for each of its characters, the index of the original
    character it came from.

    Example:
        >>> normalise("“A\u00a0 b”")
        ('"A b"', [0, 1, 2, 4, 5])
    """
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        mapped = _normal_char(char, fold_case)
        if mapped == " " and out and out[-1] == " ":
            continue
        for piece in mapped:
            out.append(piece)
            origin.append(i)
    return "".join(out), origin


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    start = haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


class Locator:
    """Finds model-copied strings in one article and maps them to original offsets.

    Example:
        >>> loc = Locator("He said \u201cyes, sir\u201d. Then \u201cyes, sir\u201d again.")
        >>> loc.locate('yes, sir', hint=30)
        (Span(start=26, end=34), 'exact')
        >>> loc.locate('YES,  SIR', hint=0)
        (Span(start=9, end=17), 'normalised')
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._document = Document("text", text)
        self._normalised: dict[bool, tuple[str, list[int]]] = {}

    def _view(self, fold_case: bool) -> tuple[str, list[int]]:
        if fold_case not in self._normalised:
            self._normalised[fold_case] = normalise(self.text, fold_case=fold_case)
        return self._normalised[fold_case]

    def _tiers(self, needle: str) -> Iterator[tuple[list[Span], str]]:
        """Occurrences of ``needle``: exact, then normalised, then normalised ignoring case."""
        yield [Span(s, s + len(needle)) for s in _occurrences(self.text, needle)], "exact"
        for fold_case in (False, True):
            normal_needle = normalise(needle, fold_case=fold_case)[0].strip()
            if not normal_needle:
                return
            view, origin = self._view(fold_case)
            yield (
                [
                    Span(origin[s], origin[s + len(normal_needle) - 1] + 1)
                    for s in _occurrences(view, normal_needle)
                ],
                "normalised",
            )

    def locate(
        self, needle: str, hint: int = 0, taken: set[Span] | None = None
    ) -> tuple[Span, str] | None:
        """The occurrence of ``needle`` nearest to ``hint`` not in ``taken``, and how it matched.

        How is ``"exact"`` or ``"normalised"``; the first way that finds a free occurrence wins.
        None when the needle is not in the article (also after stripping quotation marks around
        it) or every occurrence is taken.
        """
        if not needle.strip():
            return None
        needles = [needle]
        stripped = needle.strip(_STRIP_FROM_QUOTES)
        if stripped and stripped != needle:
            needles.append(stripped)
        for i, candidate in enumerate(needles):
            for spans, how in self._tiers(candidate):
                free = [
                    s
                    for s in spans
                    if (taken is None or s not in taken)
                    and not check_span(s, self._document, "", "", allow_empty=False)
                ]
                if free:
                    best = min(free, key=lambda s: (abs(s.start - hint), s.start))
                    return best, how if i == 0 else "normalised"
        return None


@dataclass
class RepairStats:
    """What repairing one response did (counts), summable across documents.

    ``kept``: items whose offsets were right; ``moved``: re-anchored by exact text;
    ``normalised``: re-anchored after normalisation; ``dropped``: not found in the article;
    ``duplicates``: dropped because an earlier item took the same span; ``coerced``: a type or
    kind mapped onto the allowed values; ``spans_nulled``: speaker/cue spans set to null;
    ``evidence_dropped``: claim evidence spans dropped.
    """

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _str_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(s for item in value if (s := _str(item)) is not None))


def _tokens(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


class _Repairer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.locator = Locator(document.text)
        self.stats = RepairStats()

    def _anchor(
        self, needle: str, hint: int | None, taken: set[Span] | None
    ) -> tuple[Span, str] | None:
        """Locate ``needle``; the span and its exact article text, counting what happened."""
        found = self.locator.locate(needle, hint or 0, taken)
        if found is None:
            any_found = taken and self.locator.locate(needle, hint or 0, None)
            self.stats.add("duplicates" if any_found else "dropped")
            return None
        span, how = found
        if how == "exact" and hint == span.start:
            self.stats.add("kept")
        else:
            self.stats.add("moved" if how == "exact" else "normalised")
        return span, self.text[span.start : span.end]

    def _raw_span(self, raw: Any) -> Span | None:
        if not isinstance(raw, Mapping):
            return None
        start, end = _int(raw.get("start")), _int(raw.get("end"))
        if start is None or end is None:
            return None
        span = Span(start, end)
        if check_span(span, self.document, "", "", allow_empty=False):
            return None
        return span

    def entities(self, items: list[Any]) -> tuple[Entity, ...]:
        out: list[Entity] = []
        taken: dict[str, set[Span]] = {}
        for item in items:
            if not isinstance(item, Mapping) or _str(item.get("text")) is None:
                self.stats.add("dropped")
                continue
            etype = self._entity_type(item.get("type"))
            anchored = self._anchor(
                item["text"], _int(item.get("start")), taken.setdefault(etype, set())
            )
            if anchored is None:
                continue
            span, text = anchored
            taken[etype].add(span)
            entity_id = _str(item.get("entity_id"))
            out.append(Entity(span.start, span.end, text, etype, entity_id))  # type: ignore[arg-type]
        return tuple(out)

    def _entity_type(self, raw: Any) -> str:
        name = raw.strip().upper() if isinstance(raw, str) else ""
        if name in ENTITY_TYPES:
            return name
        self.stats.add("coerced")
        return _TYPE_ALIASES.get(name, "MISC")

    def speakers(self, items: list[Any]) -> tuple[Speaker, ...]:
        out: dict[str, Speaker] = {}
        for item in items:
            name = _str(item.get("name")) if isinstance(item, Mapping) else None
            if name is None:
                self.stats.add("dropped")
                continue
            if name.casefold() in out:
                self.stats.add("duplicates")
                continue
            assert isinstance(item, Mapping)
            aliases = tuple(a for a in _str_list(item.get("aliases")) if a != name)
            speaker = Speaker(name, _str(item.get("entity_id")), aliases, _str(item.get("role")))
            out[name.casefold()] = speaker
        return tuple(out.values())

    def quotes(self, items: list[Any]) -> tuple[Quote, ...]:
        out: list[Quote] = []
        taken: set[Span] = set()
        for item in items:
            if not isinstance(item, Mapping) or _str(item.get("text")) is None:
                self.stats.add("dropped")
                continue
            anchored = self._anchor(item["text"], _int(item.get("start")), taken)
            if anchored is None:
                continue
            span, text = anchored
            taken.add(span)
            kind = item.get("kind")
            if kind not in QUOTE_KINDS:
                self.stats.add("coerced")
                kind = "direct"
            assert isinstance(kind, str)
            speaker = _str(item.get("speaker"))
            speaker_span = self._speaker_span(item.get("speaker_span"), speaker, span)
            cue_span = self._cue_span(item.get("cue_span"), item.get("cue_text"), span)
            out.append(
                Quote(span.start, span.end, text, kind, speaker, speaker_span, cue_span)  # type: ignore[arg-type]
            )
        return tuple(out)

    def _span_by_text(self, raw: Any, fallback_hint: int) -> Span | None:
        """A span the model gave with a ``text`` (or None when it gave no usable text)."""
        text = _str(raw.get("text")) if isinstance(raw, Mapping) else None
        if text is None:
            return None
        hint = _int(raw.get("start")) if isinstance(raw, Mapping) else None
        found = self.locator.locate(text, fallback_hint if hint is None else hint)
        return found[0] if found else None

    def _speaker_span(self, raw: Any, speaker: str | None, quote: Span) -> Span | None:
        if raw is None:
            return None
        span = self._span_by_text(raw, quote.start)
        if span is None and speaker is not None:
            given = self._raw_span(raw)
            if given is not None and _tokens(speaker) & _tokens(self.text[given.start : given.end]):
                span = given
            else:
                found = self.locator.locate(speaker, given.start if given else quote.start)
                span = found[0] if found else None
        if span is None:
            self.stats.add("spans_nulled")
        return span

    def _cue_span(self, raw: Any, cue_text: Any, quote: Span) -> Span | None:
        if raw is None and cue_text is None:
            return None
        span = self._span_by_text(raw, quote.start)
        if span is None and _str(cue_text) is not None:
            hint = _int(raw.get("start")) if isinstance(raw, Mapping) else None
            found = self.locator.locate(cue_text, quote.start if hint is None else hint)
            span = found[0] if found else None
        if span is None:
            given = self._raw_span(raw)
            near = given is not None and (
                quote.start - _CUE_WINDOW <= given.start and given.end <= quote.end + _CUE_WINDOW
            )
            span = given if given is not None and near and given.length <= 60 else None
        if span is None:
            self.stats.add("spans_nulled")
        return span

    def claims(self, items: list[Any]) -> tuple[Claim, ...]:
        out: list[Claim] = []
        for item in items:
            text = _str(item.get("text")) if isinstance(item, Mapping) else None
            if text is None:
                self.stats.add("dropped")
                continue
            assert isinstance(item, Mapping)
            kind = item.get("kind")
            if kind not in CLAIM_KINDS:
                self.stats.add("coerced")
                kind = "statement"
            assert isinstance(kind, str)
            source = _str(item.get("source")) or AUTHOR
            evidence = self._evidence(item.get("evidence"), text)
            paraphrases = tuple(p for p in _str_list(item.get("paraphrases")) if p != text)
            out.append(Claim(text, source, kind, paraphrases, evidence))  # type: ignore[arg-type]
        return tuple(out)

    def _evidence(self, raw: Any, claim_text: str) -> tuple[Span, ...]:
        spans: list[Span] = []
        for entry in raw if isinstance(raw, list) else []:
            span = self._span_by_text(entry, 0)
            if span is None:
                given = self._raw_span(entry)
                claim_words = _tokens(claim_text)
                if given is not None and claim_words:
                    shared = claim_words & _tokens(self.text[given.start : given.end])
                    span = given if len(shared) * 3 >= len(claim_words) else None
            if span is None:
                self.stats.add("evidence_dropped")
            elif span not in spans:
                spans.append(span)
        if not spans:
            found = self.locator.locate(claim_text)
            if found is not None:
                spans.append(found[0])
        return tuple(spans)


_LAYER_KEYS = ("entities", "speakers", "quotes", "claims")


def build_annotation(data: Any, document: Document) -> tuple[Annotation, RepairStats]:
    """Build a valid prediction for ``document`` from a model's parsed JSON answer.

    Raises:
        BenchError: when the answer has the wrong shape (not an object, a layer not a list, no
            layer at all).

    Example:
        >>> doc = Document("d", "Ann Lee met Bo Park.")
        >>> ann, stats = build_annotation(
        ...     {"entities": [{"start": 9, "end": 15, "text": "Bo Park", "type": "PER"}]}, doc)
        >>> [(e.start, e.end, e.type) for e in ann.entities], stats.as_dict()
        ([(12, 19, 'PERSON')], {'coerced': 1, 'moved': 1})
    """
    if not isinstance(data, dict):
        raise BenchError(f"wrong shape: expected a JSON object, got {type(data).__name__}")
    if not any(key in data for key in _LAYER_KEYS):
        raise BenchError(f"wrong shape: none of {', '.join(_LAYER_KEYS)} in the answer")
    layers: dict[str, list[Any]] = {}
    for key in _LAYER_KEYS:
        value = data.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise BenchError(f"wrong shape: $.{key} is a {type(value).__name__}, not a list")
        layers[key] = value
    repairer = _Repairer(document)
    annotation = Annotation(
        doc_id=document.doc_id,
        text_sha256=document.sha256,
        entities=repairer.entities(layers["entities"]),
        speakers=repairer.speakers(layers["speakers"]),
        quotes=repairer.quotes(layers["quotes"]),
        claims=repairer.claims(layers["claims"]),
    )
    problems = check_annotation(annotation, document, document.doc_id, gold=False)
    if problems:  # a bug of the repairer, never the model's fault: say so plainly
        raise BenchError(f"internal error repairing the answer: {problems[0]}")
    return annotation, repairer.stats
