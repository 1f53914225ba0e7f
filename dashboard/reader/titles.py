"""The headline of an article: the first line of its head that looks like one."""
from __future__ import annotations

import re

from ..spans import Span, strip_span
from .furniture import Line

HEAD_LINES = 15  # the head: this many non-blank lines
_TITLE_MAX_CHARS = 250
_TITLE_MAX_WORDS = 40
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_EMPHASIS = ("**", "__", "*", "_")


def find_title(text: str, head: list[Line], date_lines: set[int]) -> tuple[int | None, Span | None]:
    """The index (in ``head``) and span of the title: the first line that is neither boilerplate, a date line nor
    decoration, provided it looks like a headline (short, one line)."""
    for i, line in enumerate(head):
        if line.has_junk or i in date_lines:
            continue
        if line.end - line.start > 2 * _TITLE_MAX_CHARS:  # a paragraph: not worth unmarking
            return None, None
        start, end = _unmark(text, line.start, line.end)
        if not any(c.isalnum() for c in text[start:end]):
            continue
        if end - start > _TITLE_MAX_CHARS or len(text[start:end].split()) > _TITLE_MAX_WORDS:
            return None, None
        if not any(c.isalpha() for c in text[start:end]):
            return None, None
        return i, (start, end)
    return None, None


def _unmark(text: str, start: int, end: int) -> Span:
    """Bounds of a line without Markdown heading marks and surrounding emphasis."""
    if m := _MD_HEADING.match(text, start, end):
        start = m.end()
    closing = end
    while closing > start and text[closing - 1] == "#":
        closing -= 1
    if closing < end and closing > start and text[closing - 1] in " \t":  # "## Title ##"
        end = closing
    start, end = strip_span(text, start, end)
    changed = True
    while changed:
        changed = False
        for mark in _EMPHASIS:
            n = len(mark)
            if end - start > 2 * n and text.startswith(mark, start) and text.endswith(mark, start, end):
                start, end = strip_span(text, start + n, end - n)
                changed = True
                break
    return strip_span(text, start, end)
