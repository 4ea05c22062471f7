"""A seeded synthetic corpus: articles with gold and noisy predicted entity mentions, on disk.

Every document is generated from its own seed (``seed`` and its index), so any document can be
made again on its own, and the first documents of a larger corpus are the same as those of a
smaller one.

The text is a sequence of short words separated by single spaces; every mention covers whole
words, so spans convert losslessly to IOB2 word tags (for seqeval). Gold mentions never overlap
each other, nor do predicted ones (tags cannot express that). The noise is realistic and, by
construction, leaves no ambiguous overlap: every overlap component is one gold mention against
one or two predictions, or one prediction against two gold mentions, where a greedy matcher
(nervaluate) and an optimal one (ours) give the same counts.

:func:`write_corpus` writes it in the interchange format, the layout ``bench score`` reads:
``gold/articles/<doc_id>.txt``, ``gold/annotations/<doc_id>.json`` and
``pred/<system>/<doc_id>.json``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import Annotation, Claim, Document, Entity, Quote, Span, Speaker, write_annotation
from .._json import atomic_write_bytes
from .._models import ENTITY_TYPES

EntityKey = tuple[int, int, str]

OUTCOMES: tuple[tuple[str, float], ...] = (
    ("exact", 0.70),
    ("shift", 0.08),
    ("type_swap", 0.06),
    ("shift_and_swap", 0.03),
    ("missed", 0.07),
    ("merge", 0.03),
    ("split", 0.03),
)
"""What happens to each gold mention in the predictions, with its probability."""

SPEAKERS = 5
"""Gold speakers per document (quotes and claims are attributed to them)."""

SPURIOUS_RATE = 0.07
"""Probability of a spurious prediction (overlapping no gold mention) before each gold mention."""

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@cache
def _vocabulary() -> tuple[str, ...]:
    """4,096 fixed pseudo-words of 2 to 9 letters (the same for every seed)."""
    rng = random.Random(20130614)
    return tuple(
        "".join(rng.choices(_LETTERS, k=rng.randint(2, 9))).capitalize() for _ in range(4096)
    )


@dataclass(frozen=True)
class SyntheticDoc:
    """One generated document: its words and the gold and predicted mentions.

    Mentions are ``(start, end, type)`` with half-open code-point offsets into :attr:`text`.
    """

    doc_id: str
    words: tuple[str, ...]
    word_starts: tuple[int, ...]
    gold: tuple[EntityKey, ...]
    pred: tuple[EntityKey, ...]

    @property
    def text(self) -> str:
        """The document text: the words joined by single spaces."""
        return " ".join(self.words)

    def annotation(self, which: str) -> Annotation:
        """The gold (``which="gold"``) or predicted mentions as an :class:`Annotation`."""
        text = self.text
        keys = self.gold if which == "gold" else self.pred
        entities = tuple(
            Entity(start=s, end=e, text=text[s:e], type=t, entity_id=None)  # type: ignore[arg-type]
            for s, e, t in keys
        )
        return Annotation(doc_id=self.doc_id, text_sha256=self.document().sha256, entities=entities)

    def speakers(self) -> tuple[Speaker, ...]:
        """The gold speakers: a few people, each with an id and a surname alias."""
        return tuple(
            Speaker(name=f"{first} {last}", entity_id=f"speaker-{k}", aliases=(last,))
            for k, (first, last) in enumerate(
                zip(self.words[:SPEAKERS], self.words[-SPEAKERS:], strict=False)
            )
        )

    def quotes(self, which: str) -> tuple[Quote, ...]:
        """Quotes on the same spans as the mentions (so the same noise), with speakers and cues.

        Gold quotes name a speaker id; predicted ones a name that resolves to it, except every
        seventh one, which names someone else. The cue is the word just before the quote.
        """
        text = self.text
        speakers = self.speakers()
        out = []
        for i, (start, end, _) in enumerate(self.gold if which == "gold" else self.pred):
            speaker = speakers[(start // 7) % len(speakers)]
            if which == "gold":
                said: str | None = speaker.entity_id
            else:
                said = speaker.aliases[0] if i % 7 else "Someone Else"
            cue_end = start - 1
            cue_start = text.rfind(" ", 0, cue_end) + 1
            out.append(
                Quote(
                    start=start,
                    end=end,
                    text=text[start:end],
                    kind="direct",
                    speaker=said,
                    cue_span=Span(cue_start, cue_end) if cue_end > cue_start else None,
                )
            )
        return tuple(out)

    def claims(self, which: str) -> tuple[Claim, ...]:
        """Claims whose evidence is a mention span, worded as the span's words plus context.

        Gold claims carry a paraphrase; predicted ones give their evidence span, so the
        eligibility gate is the evidence overlap and the weight the token F1.
        """
        text = self.text
        speakers = self.speakers()
        out = []
        for start, end, _ in self.gold if which == "gold" else self.pred:
            speaker = speakers[(start // 7) % len(speakers)]
            before = text[max(0, start - 12) : start].split(" ")[-2:]
            words = " ".join([*before, text[start:end], "said"]).strip()
            out.append(
                Claim(
                    text=words,
                    source=str(speaker.entity_id if which == "gold" else speaker.name),
                    kind="statement",
                    paraphrases=(f"{text[start:end]} is what was said",) if which == "gold" else (),
                    evidence=(Span(start, end),),
                )
            )
        return tuple(out)

    def full_annotation(self, which: str) -> Annotation:
        """Entities, speakers, quotes and claims together (gold or predicted)."""
        base = self.annotation(which)
        return Annotation(
            doc_id=base.doc_id,
            text_sha256=base.text_sha256,
            entities=base.entities,
            speakers=self.speakers() if which == "gold" else (),
            quotes=self.quotes(which),
            claims=self.claims(which),
        )

    def document(self) -> Document:
        """The article as a :class:`Document`."""
        return Document(self.doc_id, self.text)


def _pick(rng: random.Random) -> str:
    roll = rng.random()
    for name, probability in OUTCOMES:
        if roll < probability:
            return name
        roll -= probability
    return OUTCOMES[0][0]


def _other_type(rng: random.Random, etype: str) -> str:
    choice = rng.choice(ENTITY_TYPES[:-1])
    return ENTITY_TYPES[-1] if choice == etype else choice


def make_doc(seed: int, index: int, mentions: int) -> SyntheticDoc:
    """Generate document ``index`` of the corpus with ``seed``, with ``mentions`` gold mentions.

    Example:
        >>> doc = make_doc(0, 3, 20)
        >>> len(doc.gold), doc == make_doc(0, 3, 20)
        (20, True)
        >>> all(doc.text[s - 1 : s] in ("", " ") for s, _, _ in doc.gold + doc.pred)
        True
    """
    rng = random.Random(seed * 1_000_003 + index)
    # Layout in words: gap (>= 3 words) then mention (1-4 words), repeated; then a last gap.
    # Gap word 0 may take the previous prediction's extension, the last gap word the next
    # one's, and a spurious one-word prediction sits strictly inside.
    gaps = [rng.randint(3, 6) for _ in range(mentions + 1)]
    lengths = [rng.randint(1, 4) for _ in range(mentions)]
    spans: list[tuple[int, int]] = []  # gold mentions in words, half-open
    cursor = 0
    for g, length in zip(gaps, lengths, strict=False):
        cursor += g
        spans.append((cursor, cursor + length))
        cursor += length
    n_words = cursor + gaps[-1]
    words = tuple(rng.choices(_vocabulary(), k=n_words))
    starts: list[int] = []
    offset = 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]

    def char_span(first: int, last: int) -> tuple[int, int]:  # words [first, last)
        return starts[first], ends[last - 1]

    types = [rng.choice(ENTITY_TYPES) for _ in range(mentions)]
    gold = [(*char_span(a, b), t) for (a, b), t in zip(spans, types, strict=True)]
    pred: list[EntityKey] = []
    merged_into_previous = False
    for i, ((a, b), etype) in enumerate(zip(spans, types, strict=True)):
        gap_before = gaps[i]
        if not merged_into_previous and rng.random() < SPURIOUS_RATE:
            spot = a - gap_before + rng.randint(1, gap_before - 2)
            pred.append((*char_span(spot, spot + 1), rng.choice(ENTITY_TYPES)))
        if merged_into_previous:
            merged_into_previous = False
            continue
        outcome = _pick(rng)
        if outcome == "merge" and i + 1 == mentions:
            outcome = "exact"
        if outcome == "split" and b - a < 2:
            outcome = "shift"
        if outcome == "exact":
            pred.append((*char_span(a, b), etype))
        elif outcome == "type_swap":
            pred.append((*char_span(a, b), _other_type(rng, etype)))
        elif outcome in ("shift", "shift_and_swap"):
            new_a, new_b = a, b
            while (new_a, new_b) == (a, b):
                new_a = a + rng.choice((-1, 0, 1 if b - a > 1 else 0))
                new_b = b + rng.choice((-1 if b - new_a > 1 else 0, 0, 1))
            swapped = _other_type(rng, etype) if outcome == "shift_and_swap" else etype
            pred.append((*char_span(new_a, new_b), swapped))
        elif outcome == "merge":
            pred.append((*char_span(a, spans[i + 1][1]), etype))
            merged_into_previous = True
        elif outcome == "split":
            middle = rng.randint(a + 1, b - 1)
            pred.append((*char_span(a, middle), etype))
            pred.append((*char_span(middle, b), etype))
        # "missed": no prediction
    return SyntheticDoc(
        doc_id=f"synthetic-{index:06d}",
        words=words,
        word_starts=tuple(starts),
        gold=tuple(gold),
        pred=tuple(pred),
    )


def iter_corpus(seed: int, documents: int, mentions_per_doc: int) -> Iterator[SyntheticDoc]:
    """Generate the corpus document by document (nothing is kept).

    Example:
        >>> docs = list(iter_corpus(0, 3, 10))
        >>> [d.doc_id for d in docs], sum(len(d.gold) for d in docs)
        (['synthetic-000000', 'synthetic-000001', 'synthetic-000002'], 30)
    """
    for index in range(documents):
        yield make_doc(seed, index, mentions_per_doc)


SYSTEM = "synthetic"
"""The name of the one system folder of predictions."""


@dataclass(frozen=True)
class CorpusFiles:
    """Where a written corpus lives: ``gold`` and ``predictions`` as ``bench score`` takes them."""

    root: Path
    documents: int
    gold_mentions: int = 0
    pred_mentions: int = 0
    jsonl: bool = False

    @property
    def gold(self) -> Path:
        """The gold folder (``articles/`` and ``annotations/``), or ``gold.jsonl``."""
        return self.root / ("gold.jsonl" if self.jsonl else "gold")

    @property
    def predictions(self) -> Path:
        """The folder of system folders (one: :data:`SYSTEM`), or ``<SYSTEM>.jsonl``."""
        return self.root / (f"{SYSTEM}.jsonl" if self.jsonl else "pred")

    @property
    def system(self) -> Path:
        """The one system's folder of ``<doc_id>.json``."""
        return self.predictions / SYSTEM


def write_corpus(
    root: Path, seed: int, documents: int, mentions: int, *, layers: bool = False
) -> CorpusFiles:
    """Write ``documents`` synthetic documents under ``root`` with :func:`write_annotation`.

    Gold and predictions hold entity mentions only, or with ``layers`` also speakers (gold),
    quotes and claims on the same spans and noise.
    """
    files = CorpusFiles(root, documents)
    for folder in (files.gold / "articles", files.gold / "annotations", files.system):
        folder.mkdir(parents=True, exist_ok=True)
    gold_mentions = pred_mentions = 0
    for doc in iter_corpus(seed, documents, mentions):
        name = f"{doc.doc_id}.json"
        atomic_write_bytes(files.gold / "articles" / f"{doc.doc_id}.txt", doc.text.encode())
        for which, path in (("gold", files.gold / "annotations"), ("pred", files.system)):
            write_annotation(
                path / name, doc.full_annotation(which) if layers else doc.annotation(which)
            )
        gold_mentions += len(doc.gold)
        pred_mentions += len(doc.pred)
    return CorpusFiles(root, documents, gold_mentions, pred_mentions)


def write_corpus_jsonl(
    root: Path, seed: int, documents: int, mentions: int, *, layers: bool = False
) -> CorpusFiles:
    """Write the same corpus as :func:`write_corpus` as two JSON Lines files, a document at a
    time: ``gold.jsonl`` and ``synthetic.jsonl`` (the predictions, with their text).

    Example:
        >>> import tempfile
        >>> files = write_corpus_jsonl(Path(tempfile.mkdtemp()), 0, 3, 5)
        >>> files.gold.name, len(files.predictions.read_bytes().splitlines())
        ('gold.jsonl', 3)
    """
    from .._convert._jsonl import jsonl_line
    from .._models import Example

    files = CorpusFiles(root, documents, jsonl=True)
    root.mkdir(parents=True, exist_ok=True)
    gold_mentions = pred_mentions = 0
    with open(files.gold, "wb") as gold, open(files.predictions, "wb") as pred:
        for doc in iter_corpus(seed, documents, mentions):
            document = doc.document()
            for which, stream in (("gold", gold), ("pred", pred)):
                annotation = doc.full_annotation(which) if layers else doc.annotation(which)
                stream.write(jsonl_line(Example(document, annotation)))
            gold_mentions += len(doc.gold)
            pred_mentions += len(doc.pred)
    return CorpusFiles(root, documents, gold_mentions, pred_mentions, jsonl=True)


def link_corpus(source: CorpusFiles, root: Path, documents: int) -> CorpusFiles:
    """The first ``documents`` documents of ``source`` under ``root``.

    Files are hard links (copies where links are not supported): the smaller corpora of a
    series take no extra disk space. A JSON Lines corpus gets the first lines of its files.
    """
    if source.jsonl:
        files = CorpusFiles(root, documents, jsonl=True)
        root.mkdir(parents=True, exist_ok=True)
        for path, target in ((source.gold, files.gold), (source.predictions, files.predictions)):
            with open(path, "rb") as stream, open(target, "wb") as out:
                out.writelines(line for _, line in zip(range(documents), stream, strict=False))
        return files
    files = CorpusFiles(root, documents)
    for folder, suffix in (("gold/articles", ".txt"), ("gold/annotations", ".json")):
        _link_first(source.root / folder, root / folder, suffix, documents)
    _link_first(source.system, files.system, ".json", documents)
    return files


def _link_first(source: Path, target: Path, suffix: str, count: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob(f"*{suffix}"))[:count]:
        try:
            os.link(path, target / path.name)
        except OSError:
            atomic_write_bytes(target / path.name, path.read_bytes())
