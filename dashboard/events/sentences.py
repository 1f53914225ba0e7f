"""Sentence spans of an article's text: the unit an event is read from.

Line ends are ``\n``, ``\r\n`` or a lone ``\r`` (old Mac files), alike. A sentence longer than
:data:`MAX_SENTENCE` characters (a list without full stops, a page without punctuation) is cut into
parts at white space near that length, never inside a span the caller keeps whole (a place mention), so
an event's sentence stays short and reading it costs the same wherever it is. The work is linear in the
text.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from ..datafiles import rows
from ..spans import Span, strip_span

# Words that end with a full stop without ending a sentence (compared lower-case, without the final stop).
ABBREVIATIONS = frozenset(row[0].strip().lower() for row in rows("sentence_abbreviations.tsv"))
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_OPENERS = "\"'“‘«([¡¿*#-–—•<"  # ("<": markup left in a scraped text, "... said. <img ...> Fighting near ...")
_BREAK = re.compile(r"\r\n?|\n")  # a line end
_MARKDOWN_LEAD = re.compile(r"(?:#{1,6}|>)(?:[ \t]+(?:>[ \t]+)*)")  # a heading's "# ", a quote's "> "
MAX_SENTENCE = 2000  # characters: a longer sentence is cut into parts of at most this length
_CUT_WINDOW = 400  # where a part may end: within this many characters before MAX_SENTENCE
_SPACE = re.compile(r"\s+")
_CLAUSE_END = ",;:)]”’\"'"


def sentences(text: str, spans: Iterable[Span] | None = None, keep: Iterable[Span] = ()) -> list[Span]:
    """Sentence spans of ``text`` (only inside ``spans`` when given), in order, without surrounding
    white space. A blank line or a line break ends a sentence unless the next line goes on in lower
    case (hard-wrapped text); ``.``, ``!``, ``?`` and ``…`` end one when the next word starts a new
    sentence and the stop does not end an abbreviation or an initial. A sentence longer than
    :data:`MAX_SENTENCE` is cut into parts at white space, never inside one of the ``keep`` spans."""
    regions = [(0, len(text))] if spans is None else sorted(spans)
    kept = sorted(keep)
    out: list[Span] = []
    for start, end in regions:
        start, end = max(0, start), min(len(text), end)
        for block_start, block_end in _blocks(text, start, end):
            for a, b in _split_block(text, block_start, block_end):
                out.extend(cut_long(text, a, b, kept) if b - a > MAX_SENTENCE else [(a, b)])
    return out


def _blocks(text: str, start: int, end: int) -> Iterable[Span]:
    """Runs of lines that belong together: a line break separates blocks unless the next line starts
    in lower case."""
    block_start = line_start = start
    filled = False  # the block so far holds more than white space
    for brk in _BREAK.finditer(text, start, end):
        nl = brk.start()
        filled = filled or not _blank(text, line_start, nl)
        line_start = nxt = brk.end()
        while nxt < end and text[nxt] in " \t":
            nxt += 1
        blank = nxt >= end or text[nxt] in "\r\n"
        if blank or not text[nxt].islower() or not filled:
            yield block_start, nl
            block_start, filled = brk.end(), False
    yield block_start, end


def _blank(text: str, start: int, end: int) -> bool:
    a, b = strip_span(text, start, end)
    return a >= b


def cut_long(text: str, start: int, end: int, keep: Sequence[Span] = ()) -> list[Span]:
    """``[start, end)`` in parts of at most :data:`MAX_SENTENCE` characters, stripped: each ends at white
    space (after a comma, a semicolon or a closing quote when there is one near the limit), never inside
    a ``keep`` span (sorted; a span longer than a part is cut anyway)."""
    out: list[Span] = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = _cut_point(text, max(start + 1, limit - _CUT_WINDOW), limit, keep)
        part = strip_span(text, start, cut)
        if part[0] < part[1]:
            out.append(part)
        start = cut
    part = strip_span(text, start, end)
    if part[0] < part[1]:
        out.append(part)
    return out


def _inside(keep: Sequence[Span], at: int) -> Span | None:
    """The ``keep`` span (sorted) that ``at`` falls strictly inside, if any."""
    i = bisect.bisect_left(keep, (at,)) - 1  # the last span that starts before ``at``, and the one before it
    for span in keep[max(0, i - 1):i + 1]:
        if span[0] < at < span[1]:
            return span
    return None


def _cut_point(text: str, low: int, limit: int, keep: Sequence[Span]) -> int:
    """Where a part that may end between ``low`` and ``limit`` ends: the last white space there outside
    the ``keep`` spans, one after the end of a clause if any; else ``limit`` (moved out of a kept span)."""
    best = any_space = None
    for space in _SPACE.finditer(text, low, limit):
        at = space.start()
        if _inside(keep, at) is not None:
            continue
        any_space = at
        if text[at - 1] in _CLAUSE_END:
            best = at
    if best is not None and best > low + _CUT_WINDOW // 2:
        return best
    if any_space is not None:
        return any_space
    if best is not None:
        return best
    held = _inside(keep, limit)
    if held is not None and held[0] > low:
        return held[0]
    return limit


def _split_block(text: str, start: int, end: int) -> list[Span]:
    out: list[Span] = []
    sent_start = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if not _is_boundary(text, match, stop, end):
            continue
        out.append((sent_start, stop))
        sent_start = stop
    out.append((sent_start, end))
    spans = [strip_span(text, a, b) for a, b in out]
    if spans and (lead := _MARKDOWN_LEAD.match(text, spans[0][0], spans[0][1])):  # a block's first sentence only
        spans[0] = (lead.end(), spans[0][1])
    return [s for s in spans if s[0] < s[1]]


def _is_boundary(text: str, match: re.Match[str], stop: int, end: int) -> bool:
    nxt = stop
    while nxt < end and text[nxt].isspace():
        nxt += 1
    if nxt >= end:
        return True
    following = text[nxt]
    if not (following.isupper() or following.isdigit() or following in _OPENERS):
        return False
    if match.group().startswith(".") and not match.group().startswith(".."):
        window = max(0, match.start() - 24)  # abbreviations are short: look no further back
        before = _TOKEN_BEFORE.search(text, window, match.start())
        cut = before is not None and before.start() == window and window > 0 and not text[window - 1].isspace()
        token = before.group(1).lstrip(_OPENERS).lower() if before and not cut else ""
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            return False
    return True


_EOL = r"(?:\r\n|\r(?!\n)|\n)"  # one line end (\r\n never counts as two)
_BLANK_LINE = re.compile(f"{_EOL}[ \t]*{_EOL}")


def new_paragraphs(text: str, sentences: Sequence[Span]) -> list[bool]:
    """For each sentence (in order), whether it starts a paragraph. Paragraphs end at blank lines when
    the text has any, else at every line break (``\n``, ``\r\n`` or ``\r``)."""
    blank_lines = _BLANK_LINE.search(text) is not None
    out, previous_end = [], None
    for start, end in sentences:
        if previous_end is None or previous_end > start:
            out.append(True)
        else:
            line = _BREAK.search(text, previous_end, start)
            out.append(line is not None and (not blank_lines
                                             or _BLANK_LINE.search(text, line.start(), start) is not None))
        previous_end = end
    return out
