"""Sentences to events: an event is a sentence of an article that mentions a place.

:func:`sentences` splits an article's content into sentence spans (offsets into ``article.text``);
:func:`extract_events` makes one :class:`Event` per sentence and place, dated, for now, with the
article's publication date (``date_source="published"``). The model keeps the date's source and
precision so that a date read from the sentence itself can replace it later.
"""
from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Span = tuple[int, int]

# Words that end with a full stop without ending a sentence (compared lower-case, without the final stop).
_ABBREVIATIONS = """
mr mrs ms messrs dr prof gen lt col maj capt cpt sgt cpl pvt cmdr adm brig gov sen rep rev hon pres
st mt ft jr sr no nos vol vols pp p vs etc al e.g i.e a.m p.m approx est dept inc ltd co corp bros
u.s u.k u.n e.u u.s.a u.s.s.r jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_OPENERS = "\"'“‘«([¡¿*#-–—•"


@dataclass(frozen=True, slots=True)
class Event:
    """A sentence that mentions a place.

    ``mention`` is the index, in the article's list of mentions, of the place's first mention in the
    sentence. ``date`` is ``None`` for an undated event; ``date_source`` says where a date comes from
    (``published``: the article's publication date; later ``text``: read from the sentence; ``user``)."""

    sentence: Span
    place_id: int
    mention: int
    date: datetime.date | None
    date_source: str | None = "published"
    date_precision: str | None = "day"


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
    return [s for s in (_strip(text, a, b) for a, b in out) if s[0] < s[1]]


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


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def extract_events(article: Any, mentions: Sequence[Any]) -> list[Event]:
    """One event per sentence and place of ``article`` (an :class:`dashboard.articles.Article`), from
    its resolved ``mentions`` (``gazetteer.geoparse.Mention``: ``start``, ``end``, ``place.id``).

    A mention outside every sentence (in a region the reader did not call content) gets its line as
    its sentence, so no mention is without an event."""
    spans = list(getattr(article, "content_spans", None) or [(0, len(article.text))])
    sents = sentences(article.text, spans)
    starts = [s for s, _ in sents]
    date = getattr(article, "published", None)
    events: list[Event] = []
    seen: set[tuple[Span, int]] = set()
    for index, mention in sorted(enumerate(mentions), key=lambda im: (im[1].start, im[1].end)):
        i = bisect.bisect_right(starts, mention.start) - 1
        if i >= 0 and sents[i][0] <= mention.start and mention.end <= sents[i][1]:
            sentence = sents[i]
        else:
            sentence = _line_of(article.text, mention.start, mention.end)
        key = (sentence, mention.place.id)
        if key in seen:
            continue
        seen.add(key)
        events.append(Event(sentence, mention.place.id, index, date,
                            "published" if date else None, "day" if date else None))
    return events


def _line_of(text: str, start: int, end: int) -> Span:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return _strip(text, line_start, len(text) if line_end < 0 else line_end)
