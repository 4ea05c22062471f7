"""Span highlighting: article text with (possibly overlapping) marked spans as nested HTML.

A boundary-event algorithm keeps the markup well nested whatever the spans do: when a span ends
inside another that started after it, the inner one is closed, the ending one closed, and the inner
one reopened as a continuation fragment (class ``cont``, same attributes). Every piece of text and
every attribute value is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """One highlighted span: offsets, CSS classes, data attributes, tooltip and an end label."""

    start: int
    end: int
    classes: str
    attrs: tuple[tuple[str, str], ...] = ()
    title: str = ""
    label: str = ""
    """Text shown right after the span's end (e.g. a quote's speaker), or empty."""


def _open_tag(mark: Mark, *, continued: bool) -> str:
    classes = f"{mark.classes} cont" if continued else mark.classes
    parts = [f'<span class="{html.escape(classes)}"']
    for name, value in mark.attrs:
        parts.append(f' {html.escape(name)}="{html.escape(value)}"')
    if mark.title:
        parts.append(f' title="{html.escape(mark.title)}"')
    return "".join(parts) + ">"


def _close_tag(mark: Mark, *, final: bool) -> str:
    if final and mark.label:
        return f'<sup class="who">{html.escape(mark.label)}</sup></span>'
    return "</span>"


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """Escape ``text`` and wrap every mark's range in a ``<span>``, properly nested.

    Marks are clipped to the text; empty ones are dropped. Longer marks starting at the same
    offset enclose shorter ones.

    Example:
        >>> highlight("a<b c", [Mark(0, 3, "x"), Mark(2, 5, "y")])
        '<span class="x">a&lt;<span class="y">b</span></span><span class="y cont"> c</span>'
    """
    n = len(text)
    kept = [m for m in marks if 0 <= m.start < m.end <= n]
    order = sorted(range(len(kept)), key=lambda i: (kept[i].start, -kept[i].end, i))
    boundaries = sorted({0, n} | {m.start for m in kept} | {m.end for m in kept})
    out: list[str] = []
    stack: list[int] = []
    next_open = 0
    previous = 0
    for position in boundaries:
        out.append(html.escape(text[previous:position]))
        previous = position
        ending = [depth for depth, i in enumerate(stack) if kept[i].end == position]
        if ending:
            popped = stack[ending[0] :]
            del stack[ending[0] :]
            for i in reversed(popped):
                out.append(_close_tag(kept[i], final=kept[i].end == position))
            for i in popped:
                if kept[i].end != position:
                    out.append(_open_tag(kept[i], continued=True))
                    stack.append(i)
        while next_open < len(order) and kept[order[next_open]].start == position:
            i = order[next_open]
            out.append(_open_tag(kept[i], continued=False))
            stack.append(i)
            next_open += 1
    return "".join(out)
