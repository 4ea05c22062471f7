"""Text helpers shared by the offline systems: paragraphs, sentences, quotation marks, trimming.

All functions return offsets into the text exactly as given (never normalised), so every span a
system builds from them satisfies ``text[start:end] == span_text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..._models import Span
from ._words import load_words

SPACES = " \t\r\n\u00a0\u2009\u202f\u2007\u200b\ufeff"
OPEN_DOUBLE = "“„‟«"
CLOSE_DOUBLE = "”»"
OPEN_SINGLE = "‘‚‹"
CLOSE_SINGLE = "’›"
STRAIGHT = "\"'"
_MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d"

DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Z.'\- ]*[A-Z.])(?: and (?P<city2>[A-Z][A-Z.'\- ]*[A-Z.]))?"
    r"(?:, (?!" + _MONTH_DAY + r")(?P<region>[A-Z][\w.' ]+?))?(?:, (?P<when>\w[\w ]{1,20}?))?\s*"
    r"(?:\((?P<agency>[^)\n]{1,40})\))?\s*(?:[-\u2014\u2013]+|(?<=\d):)\s+"
)

"""A dateline opening a paragraph: ``CITY[ and CITY], Region[, Day] (Agency) -`` or ``CITY,
March 3:`` (match it at the paragraph start). Places are the groups in ``DATELINE_PLACES``, the
agency is ``agency``."""
DATELINE_PLACES = ("city", "city2", "region")
DATELINE_LABELS = (*((group, "GPE") for group in DATELINE_PLACES), ("agency", "ORG"))
"""Each group of :data:`DATELINE` with the entity type it names."""
QUOTE_CHARS = OPEN_DOUBLE + CLOSE_DOUBLE + OPEN_SINGLE + CLOSE_SINGLE + STRAIGHT
_TERMINATOR_CLOSERS = QUOTE_CHARS + ")]"

ABBREVIATIONS = load_words("abbreviations")


def trim(text: str, start: int, end: int, strip: str = SPACES) -> tuple[int, int]:
    """Shrink ``[start, end)`` past the characters in ``strip`` at both ends.

    Example:
        >>> trim("  ab. ", 0, 6, " .")
        (2, 4)
    """
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Span]:
    """Non-blank lines (paragraphs) of the text, trimmed of surrounding spaces.

    Example:
        >>> paragraphs("A b.\\n\\n C.\\n")
        [Span(start=0, end=4), Span(start=7, end=9)]
    """
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = trim(text, match.start(), match.end())
        if end > start:
            spans.append(Span(start, end))
    return spans


_BOUNDARY = re.compile(r"[.!?…]+[" + re.escape(_TERMINATOR_CLOSERS) + r"]*(?=[" + SPACES + r"]+)")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` ends an abbreviation (Mr., Gen., U.S. before a capital)."""
    match = re.search(r"([^\W\d_][\w.]*)\.$", text[max(0, dot - 12) : dot + 1])
    if not match:
        return False
    word = match.group(1)
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
        return True
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))  # U.S, e.g


def sentences(text: str, within: Span | None = None) -> list[Span]:
    """Sentence spans (trimmed), never crossing a paragraph break.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotation marks or brackets
    after it) followed by a space, unless the period ends a known abbreviation or an initial.

    Example:
        >>> text = "Mr. Li spoke. “Yes,” he said! Then U.S. troops left."
        >>> [text[s.start:s.end] for s in sentences(text)]
        ['Mr. Li spoke.', '“Yes,” he said!', 'Then U.S. troops left.']
    """
    spans: list[Span] = []
    for para in paragraphs(text) if within is None else [within]:
        start = para.start
        for match in _BOUNDARY.finditer(text, para.start, para.end):
            terminator = text[match.start()]
            if (
                terminator == "."
                and match.group().rstrip(_TERMINATOR_CLOSERS) == "."
                and _is_abbreviation(text, match.start())
            ):
                continue  # "Mr. Li", "U.S. Secretary": no sentence break
            end = match.end()
            if end > start:
                s, e = trim(text, start, end)
                if e > s:
                    spans.append(Span(s, e))
            start = end
        s, e = trim(text, start, para.end)
        if e > s:
            spans.append(Span(s, e))
    return spans


@dataclass(frozen=True)
class QuotedPassage:
    """Text between one opening and one closing quotation mark (marks excluded).

    ``open_mark``/``close_mark`` are the offsets of the marks (``close_mark`` is the end of the
    paragraph when the passage continues in the next paragraph, and ``continues`` is then True).
    """

    start: int
    end: int
    open_mark: int
    close_mark: int
    continues: bool = False

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def _letter(ch: str) -> bool:
    return ch.isalnum()


def _mark_role(text: str, i: int, para: Span) -> str:
    """'open', 'close', 'either' or 'none' (an apostrophe) for the quote character at ``i``."""
    ch = text[i]
    before = text[i - 1] if i > para.start else " "
    after = text[i + 1] if i + 1 < para.end else " "
    if ch in OPEN_DOUBLE:
        return "open"
    if ch in CLOSE_DOUBLE:
        return "close"
    if ch in "‘'’":
        if _letter(before) and _letter(after):
            return "none"  # don't, Peru’s, O'Brien
        if ch == "‘" and _letter(before):
            return "none"  # ‘ used as an apostrophe after a name
        if (
            ch == "’"
            and before in "sS"
            and after in SPACES + ",.;:"
            and not _closes_sentence(text, i)
        ):
            return "close?"  # allies’ (possessive) or a closing mark: decided by the stack
    opens = (before in SPACES + "([{—–-/" or i == para.start) and after not in SPACES
    closes = before not in SPACES and (after in SPACES + ".,;:!?)]}—–-" or i + 1 == para.end)
    if ch in OPEN_SINGLE:
        return "open" if not closes or opens else "close"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either" if opens and closes else "none"


def _closes_sentence(text: str, i: int) -> bool:
    return i > 0 and text[i - 1] in ".,!?"


def _family(ch: str) -> str:
    if ch in OPEN_DOUBLE + CLOSE_DOUBLE or ch == '"':
        return "double"
    return "single"


def find_quoted_passages(text: str) -> list[QuotedPassage]:
    """Outermost quoted passages of every convention, in text order.

    Handles straight and curly double and single marks, guillemets, nested quotes (only the
    outermost passage is returned), a passage opened with “ and closed with ’, and multi-paragraph
    quotes (a paragraph that opens a mark and does not close it, followed by a paragraph that opens
    one again: each paragraph's part is a passage with ``continues=True`` except the last).
    Apostrophes (``Peru’s``, ``don't``) are ignored.

    Example:
        >>> text = "He said: “Never ‘again’.” Then 'fine', she added."
        >>> [text[p.start:p.end] for p in find_quoted_passages(text)]
        ['Never ‘again’.', 'fine']
    """
    passages: list[QuotedPassage] = []
    paras = paragraphs(text)
    for index, para in enumerate(paras):
        stack: list[tuple[int, str]] = []  # (offset, family)
        for i in range(para.start, para.end):
            ch = text[i]
            if ch not in QUOTE_CHARS:
                continue
            role = _mark_role(text, i, para)
            if role == "none":
                continue
            family = _family(ch)
            if role == "close?":
                if not stack or stack[-1][1] != "single":
                    continue
                role = "close"
            if role == "either":
                role = "close" if any(f == family for _, f in stack) else "open"
            if role == "open":
                stack.append((i, family))
                continue
            # a closing mark: close the innermost open mark of its family, or, for a ’ after
            # punctuation with only a double mark open, that double mark (“…,’ he said).
            match_at = next(
                (k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), None
            )
            if match_at is None and stack and ch == "’" and _closes_sentence(text, i):
                match_at = 0 if len(stack) == 1 else None
            if match_at is None:
                continue
            if match_at == 0:
                start = stack[0][0] + 1
                s, e = trim(text, start, i)
                if e > s:
                    passages.append(QuotedPassage(s, e, stack[0][0], i))
                stack = []
            else:
                del stack[match_at:]
        if stack:
            open_at, family = stack[0]
            nxt = paras[index + 1] if index + 1 < len(paras) else None
            if (
                nxt is not None
                and text[nxt.start] in (OPEN_DOUBLE + OPEN_SINGLE + STRAIGHT)
                and (_family(text[nxt.start]) == family)
            ):
                s, e = trim(text, open_at + 1, para.end)
                if e > s:
                    passages.append(QuotedPassage(s, e, open_at, para.end, continues=True))
    return passages


WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W_](?:[\w]|[-‐](?=[^\W_])|['’](?=[A-Z]))*")
"""A token: an initialism with dots (U.S.), or a word with inner hyphens (Afro-Asian)."""


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word token spans in ``text[start:end]``.

    Example:
        >>> text = "U.S. and Afro-Asian ties’ end"
        >>> [text[s:e] for s, e in words(text)]
        ['U.S.', 'and', 'Afro-Asian', 'ties', 'end']
    """
    stop = len(text) if end is None else end
    return [(m.start(), m.end()) for m in WORD.finditer(text, start, stop)]


def kebab(name: str) -> str:
    """A kebab-case ASCII id of a name ("" when nothing of it is ASCII letters or digits).

    Example:
        >>> kebab("Inés (María) Ortúñez-Peña"), kebab("María-Zoë O’Tarra Jr."), kebab("—")
        ('ines-maria-ortunez-pena', 'maria-zoe-otarra-jr', '')
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
