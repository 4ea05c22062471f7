"""Speaker scoring: ``set``, the document-level set of who is quoted, over resolved ids.

Gold: the ids of the gold speakers and of the gold quotes' speakers. Predicted: the resolved ids
of the predicted quotes' speakers (name, else ``speaker_span``) together with the predicted
``speakers`` list (each entry by its ``entity_id``, ``name`` or aliases, first that resolves).
A name that resolves to no gold speaker is its own wrong id (``"?" + the name``), so two
different unresolvable names are two false positives and the same one repeated is one; an
unresolvable ``speakers`` entry that a quote names by any of its forms (its ``entity_id``, name
or an alias) is that quote's speaker, one false positive, not two.
"""

from __future__ import annotations

from .._models import Annotation, Quote
from ._resolve import SpeakerResolver, unresolved_id
from ._results import JsonItem, MetricResult, Paragraphs, counted_result


def _in_text_order(quotes: tuple[Quote, ...]) -> list[Quote]:
    """The quotes by (start, end), input order among equal spans."""
    return sorted(quotes, key=lambda q: (q.start, q.end))


def _predicted_ids(
    pred: Annotation, resolver: SpeakerResolver, paragraphs: Paragraphs
) -> dict[str, tuple[int, str]]:
    """Each predicted speaker id with the paragraph and name of its first mention."""
    found: dict[str, tuple[int, str]] = {}
    for quote in _in_text_order(pred.quotes):
        name = (quote.speaker or "").strip()
        speaker_id: str | None = resolver.resolve(name or None, quote.speaker_span)
        if speaker_id is None and name:
            speaker_id = unresolved_id(name)
        if speaker_id is not None and speaker_id not in found:
            found[speaker_id] = (paragraphs.index(quote.start), name)
    for speaker in pred.speakers:
        speaker_id = None
        forms = (speaker.entity_id, speaker.name, *speaker.aliases)
        for alias in forms:
            speaker_id = resolver.resolve(alias) if alias else None
            if speaker_id is not None:
                break
        if speaker_id is None:  # a quote that names it by any of its forms: the same speaker
            speaker_id = next(
                (key for f in forms if f and (key := unresolved_id(f)) in found), None
            )
        if speaker_id is None and speaker.name.strip():
            speaker_id = unresolved_id(speaker.name)
        if speaker_id is not None:
            found.setdefault(speaker_id, (0, speaker.name))
    return found


def _gold_paragraphs(
    gold: Annotation, resolver: SpeakerResolver, paragraphs: Paragraphs
) -> dict[str, int]:
    """Each gold speaker id with the paragraph of its first quote, else of its first mention."""
    first: dict[str, int] = {}
    for quote in _in_text_order(gold.quotes):
        if quote.speaker and quote.speaker not in first:
            first[quote.speaker] = paragraphs.index(quote.start)
    mentions = [e for e in gold.entities if e.entity_id in resolver.ids] if resolver.ids else []
    for entity in sorted(mentions, key=lambda e: e.start):
        if entity.entity_id is not None and entity.entity_id not in first:
            first[entity.entity_id] = paragraphs.index(entity.start)
    for speaker_id in resolver.ids:
        first.setdefault(speaker_id, 0)
    return first


def score_speakers(
    gold: Annotation, pred: Annotation, resolver: SpeakerResolver, paragraphs: Paragraphs
) -> dict[str, MetricResult]:
    """The ``set`` metric on one document.

    Example:
        >>> from benchmark._models import Quote, Speaker
        >>> gold = Annotation("d", "", speakers=(Speaker("Ann Lee", "ann-lee"),))
        >>> pred = Annotation("d", "", quotes=(Quote(0, 3, "Hi.", "direct", "Bo"),))
        >>> result = score_speakers(gold, pred, SpeakerResolver(gold), Paragraphs("Hi."))["set"]
        >>> result.counts, result.false_positives
        (Counts(tp=0.0, fp=1.0, fn=1.0), ({'id': None, 'name': 'Bo'},))
        >>> result.false_negatives
        ({'id': 'ann-lee', 'name': 'Ann Lee'},)
    """
    gold_par = _gold_paragraphs(gold, resolver, paragraphs)
    names = {s.entity_id: s.name for s in gold.speakers if s.entity_id}
    predicted = _predicted_ids(pred, resolver, paragraphs)
    tp: list[int] = []
    fn: list[int] = []
    false_negatives: list[JsonItem] = []
    for speaker_id in sorted(gold_par):
        if speaker_id in predicted:
            tp.append(gold_par[speaker_id])
        else:
            fn.append(gold_par[speaker_id])
            false_negatives.append({"id": speaker_id, "name": names.get(speaker_id)})
    fp: list[int] = []
    false_positives: list[JsonItem] = []
    for speaker_id in sorted(set(predicted) - set(gold_par)):
        paragraph, name = predicted[speaker_id]
        fp.append(paragraph)
        false_positives.append({"id": None, "name": name})
    return {"set": counted_result(len(paragraphs), tp, fp, fn, false_positives, false_negatives)}
