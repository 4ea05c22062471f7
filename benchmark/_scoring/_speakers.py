"""Speaker scoring: ``set``, the document-level set of who is quoted, over resolved ids.

Gold: the ids of the gold speakers and of the gold quotes' speakers. Predicted: the resolved ids
of the predicted quotes' speakers (name, else ``speaker_span``) together with the predicted
``speakers`` list (each entry by its ``entity_id``, ``name`` or aliases, first that resolves).
A name that resolves to no gold speaker is its own wrong id (``"?" + the name``), so two
different unresolvable names are two false positives and the same one repeated is one.
"""

from __future__ import annotations

from .._models import Annotation
from ._resolve import SpeakerResolver, unresolved_id
from ._results import MetricResult, Paragraphs, Tally


def _predicted_ids(
    pred: Annotation, resolver: SpeakerResolver, paragraphs: Paragraphs
) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for quote in sorted(pred.quotes, key=lambda q: (q.start, q.end)):
        name = (quote.speaker or "").strip()
        speaker_id: str | None = resolver.resolve(name or None, quote.speaker_span)
        if speaker_id is None and name:
            speaker_id = unresolved_id(name)
        if speaker_id is not None:
            found.setdefault(speaker_id, (paragraphs.index(quote.start), name))
    for speaker in pred.speakers:
        speaker_id = None
        for alias in (speaker.entity_id, speaker.name, *speaker.aliases):
            speaker_id = resolver.resolve(alias) if alias else None
            if speaker_id is not None:
                break
        if speaker_id is None and speaker.name.strip():
            speaker_id = unresolved_id(speaker.name)
        if speaker_id is not None:
            found.setdefault(speaker_id, (0, speaker.name))
    return found


def score_speakers(
    gold: Annotation, pred: Annotation, resolver: SpeakerResolver, paragraphs: Paragraphs
) -> dict[str, MetricResult]:
    """The ``set`` metric on one document."""
    gold_par: dict[str, int] = {}
    for quote in sorted(gold.quotes, key=lambda q: (q.start, q.end)):
        if quote.speaker:
            gold_par.setdefault(quote.speaker, paragraphs.index(quote.start))
    for entity in sorted(gold.entities, key=lambda e: e.start):
        if entity.entity_id in resolver.ids and entity.entity_id not in gold_par:
            gold_par[entity.entity_id] = paragraphs.index(entity.start)
    names = {s.entity_id: s.name for s in gold.speakers if s.entity_id}
    for speaker_id in resolver.ids:
        gold_par.setdefault(speaker_id, 0)
    predicted = _predicted_ids(pred, resolver, paragraphs)
    tally = Tally(len(paragraphs))
    for speaker_id in sorted(gold_par):
        if speaker_id in predicted:
            tally.add(gold_par[speaker_id], tp=1)
        else:
            tally.add(gold_par[speaker_id], fn=1)
            tally.false_negatives.append({"id": speaker_id, "name": names.get(speaker_id)})
    for speaker_id in sorted(set(predicted) - set(gold_par)):
        paragraph, name = predicted[speaker_id]
        tally.add(paragraph, fp=1)
        tally.false_positives.append({"id": None, "name": name})
    return {"set": tally.result()}
