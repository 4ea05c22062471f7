"""Resolving a prediction's free speaker/source string to a gold speaker id.

Order of attempts, first hit wins:

1. the gold id itself (``"ana-lindqvist"``), or ``"author"`` for claim sources;
2. the normalised string equals a gold speaker's normalised name or alias;
3. the normalised string equals the text of a gold entity mention linked to a speaker;
4. surname / suffix match: the predicted tokens end a gold name or alias (``"Lindqvist"`` for
   ``"Ana Lindqvist"``), or a gold name of two or more tokens ends the prediction (``"UNESCO
   chief Ana Lindqvist"``), when exactly one speaker fits;
5. ``speaker_span`` overlapping a gold entity mention whose ``entity_id`` is a gold speaker
   (largest overlap; ties go to the smallest id).

Normalisation: Unicode NFKD with accents dropped, case folded, possessive ``'s``/``’s`` dropped,
punctuation turned into spaces, leading titles ("President", "Secretary-General", "Mr", "Dr",
"Foreign Minister", ...) dropped. Anything else is unresolvable: ``None``, scored as wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .._models import AUTHOR, Annotation, Span

TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "madam",
        "president",
        "vice",
        "secretary",
        "general",
        "minister",
        "prime",
        "foreign",
        "defence",
        "defense",
        "deputy",
        "chancellor",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "ambassador",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "king",
        "queen",
        "prince",
        "premier",
        "commissioner",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "mayor",
        "gen",
        "col",
        "adm",
        "admiral",
        "colonel",
        "general",
        "captain",
        "capt",
        "the",
        "his",
        "her",
    ]
)
_POSSESSIVE = re.compile(r"['’]s\b")
_NON_WORD = re.compile(r"[^\w]+")


def normalize_name(name: str) -> tuple[str, ...]:
    """Tokens of a name after case, accent, possessive, punctuation and title normalisation.

    Example:
        >>> normalize_name("Secretary-General Ana Lindqvist’s")
        ('ana', 'lindqvist')
        >>> normalize_name("Inês ALMEIDA")
        ('ines', 'almeida')
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _POSSESSIVE.sub("", stripped.casefold().replace("`", "'"))
    tokens = [t for t in _NON_WORD.sub(" ", folded).replace("_", " ").split() if t]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens.pop(0)
    return tuple(tokens)


class SpeakerResolver:
    """Resolves predicted speaker names of one document to the gold speaker ids.

    Example:
        >>> from benchmark._models import Speaker
        >>> gold = Annotation("d", "", speakers=(Speaker("Ann Smith", "ann-smith", ("Dr Smith",)),))
        >>> r = SpeakerResolver(gold)
        >>> r.resolve("SMITH"), r.resolve("ann-smith"), r.resolve("Bob"), r.resolve("author")
        ('ann-smith', 'ann-smith', None, None)
        >>> r.resolve("author", allow_author=True)
        'author'
    """

    def __init__(self, gold: Annotation) -> None:
        self.ids: set[str] = {s.entity_id for s in gold.speakers if s.entity_id}
        self.ids.update(q.speaker for q in gold.quotes if q.speaker)
        self._names: dict[tuple[str, ...], set[str]] = {}
        self._mentions: dict[tuple[str, ...], set[str]] = {}
        for speaker in gold.speakers:
            if speaker.entity_id:
                for name in (speaker.name, *speaker.aliases):
                    self._add(self._names, name, speaker.entity_id)
        self._speaker_mentions: list[tuple[int, int, str]] = []
        for entity in gold.entities if self.ids else ():
            if entity.entity_id in self.ids:
                self._add(self._mentions, entity.text, entity.entity_id)
                self._speaker_mentions.append((entity.start, entity.end, entity.entity_id))
        self._cache: dict[tuple[str, bool], str | None] = {}

    @staticmethod
    def _add(table: dict[tuple[str, ...], set[str]], name: str, speaker_id: str) -> None:
        key = normalize_name(name)
        if key:
            table.setdefault(key, set()).add(speaker_id)

    def resolve(
        self, name: str | None, span: Span | None = None, *, allow_author: bool = False
    ) -> str | None:
        """The gold speaker id a predicted name (and optional speaker span) refers to, or None."""
        resolved = None
        if name:
            cache_key = (name, allow_author)
            if cache_key in self._cache:
                resolved = self._cache[cache_key]
            else:
                resolved = self._cache[cache_key] = self._lookup(name, allow_author)
        if resolved is None and span is not None:
            resolved = self._resolve_span(span)
        return resolved

    def _lookup(self, name: str, allow_author: bool) -> str | None:
        stripped = name.strip()
        if stripped in self.ids:
            return stripped
        tokens = normalize_name(stripped)
        if allow_author and tokens in {("author",), ("the", "author")}:
            return AUTHOR
        if not tokens:
            return None
        if stripped.casefold() in self.ids:
            return stripped.casefold()
        for table in (self._names, self._mentions):
            found = table.get(tokens)
            if found:
                return _unique(found)
        candidates: set[str] = set()
        for table in (self._names, self._mentions):
            for key, ids in table.items():
                if _ends_with(key, tokens) or (len(key) >= 2 and _ends_with(tokens, key)):
                    candidates |= ids
        return _unique(candidates)

    def _resolve_span(self, span: Span) -> str | None:
        best: tuple[int, str] | None = None
        for start, end, speaker_id in self._speaker_mentions:
            overlap = min(end, span.end) - max(start, span.start)
            if overlap > 0 and (best is None or (-overlap, speaker_id) < (-best[0], best[1])):
                best = (overlap, speaker_id)
        return best[1] if best else None


def _ends_with(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return len(shorter) <= len(longer) and longer[len(longer) - len(shorter) :] == shorter


def _unique(ids: Iterable[str]) -> str | None:
    found = set(ids)
    return next(iter(found)) if len(found) == 1 else None


def unresolved_id(name: str | None) -> str:
    """A distinct wrong id for a name that resolves to no gold speaker (for set metrics).

    Example:
        >>> unresolved_id("The  Minister"), unresolved_id(None)
        ('?the minister', '?')
    """
    return "?" + " ".join((name or "").casefold().split())
