"""Character spans: ``(start, end)`` offsets into an article's text, end exclusive; every stage uses them."""
from __future__ import annotations

Span = tuple[int, int]

# Characters that count as blank at a span's edges besides str.isspace(): BOM, zero-width and other separators.
_BLANK = frozenset("\ufeff\u200b\u2028\u2029\u3000\u00a0\x1c\x1d\x1e\x85")


def strip_span(text: str, start: int, end: int) -> Span:
    """Bounds of ``text[start:end]`` without surrounding blanks."""
    while start < end and (text[start].isspace() or text[start] in _BLANK):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _BLANK):
        end -= 1
    return start, end
