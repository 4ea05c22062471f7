"""Claims of the ``spacy`` system: one per proposition of a narrative sentence (split at
relative, coordinated and adverbial clauses) and per quoted sentence, with a kind from cue words."""

from __future__ import annotations

import re
from typing import Any

from ..._models import Claim, Span
from .._shared._text import trim
from ._entities import _line_of, _words
from ._lexicon import (
    BOILERPLATE,
    OPINION_CUES,
    PLAN_CUES,
    WARNING_CUES,
)
from ._quotes import ALL_MARKS
from ._speech import (
    _Context,
    _dependency_subject,
    _Found,
    _is_reporting,
    _np_bounds,
    _resolve_speaker,
)

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _claim_kind(text: str, attributed: bool) -> str:
    if PLAN_CUES.search(text):
        return "plan"
    if WARNING_CUES.search(text):
        return "warning"
    if OPINION_CUES.search(text):
        return "opinion"
    return "statement" if attributed else "fact"


_FURNITURE = re.compile(
    r"(?:\|.*\|)|\bcookies?\b.*\b(?:accept|consent|preferences|settings|experience)\b|"
    r"^\s*\d{1,2}\.\s+[A-Z][^.!?]*$",
    re.IGNORECASE,
)


"""Site furniture no claim comes from: menus and share bars (``Home | News | Sport``), cookie
banners, and numbered lists of headlines (``2. Bridge to reopen in May``)."""


_SPLIT_MARKS = frozenset({"as", "while", "after", "because", "before", "since", "although"})


def _clauses(ctx: _Context, start: int, end: int) -> list[str]:
    """The propositions of a narrative sentence, one text each: the main clause, each relative
    clause with its antecedent (``Ann, who scored twice, left`` -> ``Ann left``, ``Ann scored
    twice``), each coordinated verb phrase with the subject it shares, and each adverbial clause
    of time or cause (``as``, ``after``, ``because``…). A sentence with one proposition, or
    whose parts would be too short to stand alone, stays whole."""
    tokens = [t for t in ctx.tokens(start, end) if not t.is_space and start <= t.idx < end]
    if len(tokens) < 8:
        return [ctx.text[start:end]]
    inside = {t.i for t in tokens}
    splits: list[tuple[Any, str]] = []
    for t in tokens:
        if t.dep_ == "relcl" and t.head.i in inside and t.head.pos_ in ("NOUN", "PROPN"):
            splits.append((t, "relcl"))
        elif t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t.head.pos_ in ("VERB", "AUX"):
            splits.append((t, "conj"))
        elif t.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _SPLIT_MARKS for c in t.children
        ):
            splits.append((t, "advcl"))
    if not splits:
        return [ctx.text[start:end]]
    removed: set[int] = set()
    for head, _ in splits:
        removed |= {t.i for t in head.subtree}
    pieces: list[str] = []
    main = [t for t in tokens if t.i not in removed]
    pieces.append(_join(main))
    for head, kind in splits:
        nested = {
            t.i
            for h, _ in splits
            if h is not head and h.i in {x.i for x in head.subtree}
            for t in h.subtree
        }
        part = [t for t in head.subtree if t.i in inside and t.i not in nested]
        while part and (
            part[0].dep_ in ("cc", "mark", "punct")
            or part[0].lower_ in ("who", "which", "that", "whose", "where")
        ):
            part = part[1:]
        prefix = ""
        if kind == "relcl":
            np_start, np_end = _np_bounds(head.head)
            prefix = ctx.text[np_start:np_end]
        elif (
            kind == "conj"
            and _dependency_subject(head) is not None
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)
        ):
            subject = _dependency_subject(head)
            np_start, np_end = _np_bounds(subject)
            prefix = ctx.text[np_start:np_end]
        pieces.append((prefix + " " + _join(part)).strip())
    if any(_words(p) < 3 for p in pieces):
        return [ctx.text[start:end]]
    return pieces


def _join(tokens: list[Any]) -> str:
    """The text of some tokens of a sentence, in order, without edge punctuation."""
    text = "".join(t.text_with_ws for t in sorted(tokens, key=lambda t: t.i))
    return re.sub(r"\s+", " ", text).strip(" ,;:—-")


def build_claims(ctx: _Context, quotes: list[_Found]) -> list[Claim]:
    """Claims from quoted sentences (their speaker) and factual narrative sentences (author)."""
    text = ctx.text
    claims: dict[str, tuple[str, str, list[Span]]] = {}
    order: list[str] = []

    def add(claim_text: str, source: str, start: int, end: int) -> None:
        key = " ".join(re.findall(r"\w+", claim_text.lower()))
        if not key:
            return
        if key not in claims:
            order.append(key)
            kind = _claim_kind(claim_text, source != "author")
            claims[key] = (claim_text, source, [])
            claims[key] = (claim_text, source + "\x00" + kind, [])
        claims[key][2].append(Span(start, end))

    spans = [(q.start, q.end, q) for q in quotes]
    pieces = []
    for sent in ctx.doc.sents:
        offset = sent.start_char
        for part in text[sent.start_char : sent.end_char].split("\n"):
            pieces.append((sent, offset, offset + len(part)))
            offset += len(part) + 1
    for sent, piece_from, piece_to in pieces:
        start, end = trim(text, piece_from, piece_to)
        while start < end and text[start] in ALL_MARKS:
            start += 1
        while end > start and text[end - 1] in ALL_MARKS:
            end -= 1
        start, end = trim(text, start, end)
        if end <= start:
            continue
        line = _line_of(text, start)
        has_verb = any(t.tag_ in _FINITE_TAGS for t in ctx.tokens(start, end))
        if (
            BOILERPLATE.match(line)
            or _FURNITURE.search(line)
            or (_words(line) < 5 and not has_verb)
        ):
            continue
        sentence = text[start:end]
        if sentence.rstrip(ALL_MARKS + " ").endswith("?"):
            continue
        overlapping = [q for s, e, q in spans if s < end and e > start]
        if overlapping:
            for q in overlapping:
                piece_start, piece_end = max(start, q.start), min(end, q.end)
                if q.kind != "direct":
                    piece_start, piece_end = q.start, q.end
                piece_start, piece_end = trim(text, piece_start, piece_end)
                piece = text[piece_start:piece_end]
                if _words(piece) >= 3 and not piece.rstrip().endswith("?"):
                    parts = [piece] if q.kind == "direct" else _clauses(ctx, piece_start, piece_end)
                    for part in parts:
                        add(part, q.speaker or "author", piece_start, piece_end)
            continue
        if not has_verb or _words(sentence) < 4:
            continue
        source = "author"
        root = sent.root
        if _is_reporting(root) and start <= root.idx < end:
            found = _Found(start, end, "indirect")
            _resolve_speaker(ctx, root, found)
            source = found.speaker or "author"
            add(sentence, source, start, end)
            continue
        for clause in _clauses(ctx, start, end):
            add(clause, source, start, end)
    result = []
    for key in order:
        claim_text, source_kind, evidence = claims[key]
        source, kind = source_kind.split("\x00")
        result.append(Claim(claim_text, source, kind, (), tuple(sorted(set(evidence)))))  # type: ignore[arg-type]
    return result
