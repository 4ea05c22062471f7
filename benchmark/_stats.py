"""Counts of a gold corpus per layer and document, as the data card shows them."""

from __future__ import annotations

from collections import Counter

from ._models import CLAIM_KINDS, ENTITY_TYPES, QUOTE_KINDS, Corpus


def render_stats(corpus: Corpus) -> str:
    """Markdown tables: items per layer and document, then entity types, quote and claim kinds.

    Example:
        >>> from benchmark import load_gold
        >>> print(render_stats(load_gold()).splitlines()[0])
        | document | entities | speakers | quotes | claims |
    """
    layers = ("entities", "speakers", "quotes", "claims")
    lines = [
        "| document | " + " | ".join(layers) + " |",
        "|---|" + "---:|" * len(layers),
    ]
    totals: Counter[str] = Counter()
    for example in corpus:
        counts = {layer: len(getattr(example.annotation, layer)) for layer in layers}
        totals.update(counts)
        lines.append(f"| {example.doc_id} | " + " | ".join(str(counts[x]) for x in layers) + " |")
    lines.append("| **total** | " + " | ".join(f"**{totals[x]}**" for x in layers) + " |")

    def breakdown(title: str, values: Counter[str], order: tuple[str, ...]) -> list[str]:
        cells = [f"{name} {values[name]}" for name in order if values[name]]
        return [f"- {title}: " + ", ".join(cells)]

    types: Counter[str] = Counter(e.type for ex in corpus for e in ex.annotation.entities)
    ids = {e.entity_id for ex in corpus for e in ex.annotation.entities if e.entity_id}
    quote_kinds: Counter[str] = Counter(q.kind for ex in corpus for q in ex.annotation.quotes)
    claim_kinds: Counter[str] = Counter(c.kind for ex in corpus for c in ex.annotation.claims)
    authored = sum(c.source == "author" for ex in corpus for c in ex.annotation.claims)
    lines += [
        "",
        *breakdown("entity types", types, ENTITY_TYPES),
        f"- distinct canonical entity ids: {len(ids)}",
        *breakdown("quote kinds", quote_kinds, QUOTE_KINDS),
        *breakdown("claim kinds", claim_kinds, CLAIM_KINDS),
        f"- claims in the author's voice: {authored}; attributed to speakers: "
        f"{sum(claim_kinds.values()) - authored}",
    ]
    return "\n".join(lines) + "\n"
