"""Sentence spans of an article's text: the unit an event is read from."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..datafiles import rows
from ..spans import Span, strip_span

# Words that end with a full stop without ending a sentence (compared lower-case, without the final stop).
ABBREVIATIONS = frozenset(row[0].strip().lower() for row in rows("sentence_abbreviations.tsv"))
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_OPENERS = "\"'“‘«([¡¿*#-–—•"


def sentences(text: str, spans: Iterable[Span] | None = None) -> list[Span]:
    """Sentence spans of ``text`` (only inside ``spans`` when given), in order, without surrounding
    white space. A blank line or a line break ends a sentence unless the next line goes on in lower
    case (hard-wrapped text); ``.``, ``!``, ``?`` and ``…`` end one when the next word starts a new
    sentence and the stop does not end an abbreviation or an initial."""
    regions = [(0, len(text))] if spans is None else sorted(spans)
    out: list[Span] = []
    for start, end in regions:
        start, end = max(0, start), min(len(text), end)
        for block_start, block_end in _blocks(text, start, end):
            out.extend(_split_block(text, block_start, block_end))
    return out


def _blocks(text: str, start: int, end: int) -> Iterable[Span]:
    """Runs of lines that belong together: a line break separates blocks unless the next line starts
    in lower case."""
    block_start = start
    pos = start
    while True:
        nl = text.find("\n", pos, end)
        if nl < 0:
            yield block_start, end
            return
        nxt = nl + 1
        while nxt < end and text[nxt] in " \t\r":
            nxt += 1
        blank = nxt >= end or text[nxt] == "\n"
        if blank or not text[nxt].islower() or not text[block_start:nl].strip():
            yield block_start, nl
            block_start = nl + 1
        pos = nl + 1


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
    return [s for s in (strip_span(text, a, b) for a, b in out) if s[0] < s[1]]


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


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def new_paragraphs(text: str, sentences: Sequence[Span]) -> list[bool]:
    """For each sentence (in order), whether it starts a paragraph. Paragraphs end at blank lines when
    the text has any, else at every line break."""
    blank_lines = _BLANK_LINE.search(text) is not None
    out, previous_end = [], None
    for start, end in sentences:
        if previous_end is None or previous_end > start:
            out.append(True)
        else:
            line = text.find("\n", previous_end, start)
            out.append(line >= 0 and (not blank_lines or _BLANK_LINE.search(text, line, start) is not None))
        previous_end = end
    return out
