"""Quotation-mark scanning for the ``spacy`` system: every convention, no model needed.

Finds quoted passages by their marks (straight, curly double and single, low-9, guillemets),
pairs an opening mark with its closing mark within a paragraph, accepts a mismatched closing
single mark after final punctuation (``“…,’ she said``) and continues a quotation over
paragraphs when the next paragraph re-opens it (the newspaper convention). Spans exclude the
marks and surrounding whitespace.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._shared._text import QUOTE_CHARS, SPACES, trim

DOUBLE_OPEN = "“„«‟"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‚‹"
SINGLE_CLOSE = "’›"
STRAIGHT = "\"'"
ALL_MARKS = QUOTE_CHARS
_OPEN_CONTEXT = " \t\n\u00a0([{—–-/:"


@dataclass(frozen=True)
class MarkedQuote:
    """A passage between quotation marks: content offsets, and the marks' offsets.

    ``open_at`` and ``close_at`` are the offsets of the marks (``close_at`` is None when the
    passage runs on to the next paragraph).
    """

    start: int
    end: int
    open_at: int
    close_at: int | None


def _is_opening(text: str, i: int) -> bool:
    char = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if char in DOUBLE_OPEN:
        return True
    if char in SINGLE_OPEN:
        return before in _OPEN_CONTEXT and (after.isalnum() or after in '…"“')
    if char in STRAIGHT:
        return before in _OPEN_CONTEXT and after not in SPACES
    return False


def _is_closing_after(text: str, j: int, opener: str) -> bool:
    """Whether the mark at ``j`` closes a passage opened by ``opener``."""
    char = text[j]
    before = text[j - 1] if j > 0 else " "
    after = text[j + 1] if j + 1 < len(text) else " "
    if before in SPACES and not (opener == "«" and char == "»"):
        return False
    double = opener in DOUBLE_OPEN or opener == '"'
    if double:
        if opener == "«":
            return char == "»"
        return char in '”"' or (opener == "„" and char == "“")
    # single quotes: not an apostrophe inside a word ("don’t", "Ortega’s")
    if char not in SINGLE_CLOSE + "'":
        return False
    return not after.isalnum()


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    start = 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def find_marked_quotes(text: str) -> list[MarkedQuote]:
    """Every quoted passage of ``text``, in order.

    Example:
        >>> text = "“One,” she said. “Two.” He said 'three'."
        >>> [text[q.start : q.end] for q in find_marked_quotes(text)]
        ['One,', 'Two.', 'three']
        >>> text = "« Oui » et “mixed,’ he said."
        >>> [text[q.start : q.end] for q in find_marked_quotes(text)]
        ['Oui', 'mixed,']
    """
    quotes: list[MarkedQuote] = []
    paragraphs = _paragraph_bounds(text)
    for index, (para_start, para_end) in enumerate(paragraphs):
        i = para_start
        while i < para_end:
            if text[i] not in ALL_MARKS or not _is_opening(text, i):
                i += 1
                continue
            opener = text[i]
            close = None
            for j in range(i + 1, para_end):
                if text[j] in ALL_MARKS and _is_closing_after(text, j, opener):
                    close = j
                    break
            if close is None and opener in DOUBLE_OPEN + '"':
                close = _mismatched_close(text, i + 1, para_end)
            if close is None:
                if _reopens(text, paragraphs, index, opener):
                    start, end = trim(text, i + 1, para_end)
                    if end > start:
                        quotes.append(MarkedQuote(start, end, i, None))
                i = para_end
                continue
            start, end = trim(text, i + 1, close)
            if end > start and any(c.isalnum() for c in text[start:end]):
                quotes.append(MarkedQuote(start, end, i, close))
            i = close + 1
    return quotes


def _mismatched_close(text: str, start: int, end: int) -> int | None:
    """A single closing mark right after final punctuation (``…family,’ he said``)."""
    for j in range(start, end):
        if (
            text[j] in SINGLE_CLOSE
            and j > start
            and text[j - 1] in ",.!?…"
            and (j + 1 >= len(text) or not text[j + 1].isalnum())
        ):
            return j
    return None


def _reopens(text: str, paragraphs: list[tuple[int, int]], index: int, opener: str) -> bool:
    """Whether the next non-empty paragraph opens with a quotation mark of the opener's kind (a
    continued quote: ``“…`` then ``“…”``, or ``'…`` then ``'…'``)."""
    marks = DOUBLE_OPEN + '"' if opener in DOUBLE_OPEN + '"' else SINGLE_OPEN + "'"
    for start, end in paragraphs[index + 1 :]:
        stripped_start, stripped_end = trim(text, start, end)
        if stripped_start == stripped_end:
            continue
        return text[stripped_start] in marks and _is_opening(text, stripped_start)
    return False
