"""``rules``: a deterministic regex-and-lexicon baseline (no model, no gazetteer of names).

- **entities**: runs of capitalised tokens (with connectors such as ``of``/``de``/``van``),
  titles split off (``Foreign Minister Ana Ruiz`` -> PERSON ``Ana Ruiz``), typed by generic cues
  (titles -> PERSON, organisation suffixes and acronyms -> ORG, ``in/from/to X`` -> GPE,
  nationality suffixes -> NORP, continents/oceans -> LOC, calendar words -> DATE), linked across
  mentions (a surname joins its full name) with kebab-case ids.
- **quotes**: quotation marks of every convention (see :mod:`.._shared._text`), attributed through a
  reporting verb next to the quote (``“…,” X said``, ``said X``, ``X said: “…”``,
  ``according to X``), else the subject of a reporting verb in the same sentence, else the speaker
  of the quote just before (a quote split by its cue, a multi-paragraph quote). Indirect quotes
  (``X said (that) S``, ``S, X said``, ``…, saying S``, ``according to X, S``) and mixed ones
  (the same with a quoted fragment inside).
- **speakers**: names, titles (resolved through titles seen next to a name) and pronouns carried
  over from the last named speaker.
- **claims**: sentences outside web boilerplate and questions; quoted sentences belong to the
  quote's speaker, the rest to ``author``.

One article is read by :class:`_Extractor`, built from one class per layer, each in its module
and each extending the one before: :mod:`._base` (the document and shared state),
:mod:`._entities`, :mod:`._speakers` (speaker resolution, used by the quotes),
:mod:`._quotes` and :mod:`._claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._models import Annotation, Document, Entity
from ._claims import _ClaimLayer


class RulesSystem:
    """The regex-and-lexicon baseline.

    Args:
        pronouns: resolve ``he``/``she``/``they`` to the last named speaker (else no speaker).
        indirect: also extract indirect and mixed quotes.
        claims: extract sentence claims.
        min_claim_words: the shortest sentence kept as a claim.

    Example:
        >>> doc = Document("d", "“We will win,” Ana Ruiz said in Lisbon on Monday.")
        >>> ann = RulesSystem().extract(doc)
        >>> [(q.text, q.speaker) for q in ann.quotes]
        [('We will win,', 'Ana Ruiz')]
        >>> sorted((e.text, e.type) for e in ann.entities)
        [('Ana Ruiz', 'PERSON'), ('Lisbon', 'GPE'), ('Monday', 'DATE')]
    """

    name = "rules"
    version = "4"
    offline = True

    def __init__(
        self,
        pronouns: bool = True,
        indirect: bool = True,
        claims: bool = True,
        min_claim_words: int = 5,
    ) -> None:
        self.pronouns = bool(pronouns)
        self.indirect = bool(indirect)
        self.claims = bool(claims)
        self.min_claim_words = int(min_claim_words)
        self.config: Mapping[str, Any] = {
            "pronouns": self.pronouns,
            "indirect": self.indirect,
            "claims": self.claims,
            "min_claim_words": self.min_claim_words,
        }

    def extract(self, document: Document) -> Annotation:
        """Entities, speakers, quotes and claims of one article."""
        return _Extractor(document, self).run()


class _Extractor(_ClaimLayer):
    """One article read by every layer in turn: entities, quotes (with their speakers), claims."""

    def run(self) -> Annotation:
        self._entities()
        quotes = self._quotes()
        speakers = self._speakers(quotes)
        claims = self._claims(quotes) if self.opt.claims else []
        entities = tuple(
            Entity(m.start, m.end, self.text[m.start : m.end], m.type, m.entity_id)  # type: ignore[arg-type]
            for m in sorted(self.mentions, key=lambda m: (m.start, m.end))
        )
        return Annotation(
            doc_id=self.doc.doc_id,
            text_sha256=self.doc.sha256,
            entities=entities,
            speakers=tuple(speakers),
            quotes=tuple(sorted(quotes, key=lambda q: (q.start, q.end))),
            claims=tuple(claims),
        )
