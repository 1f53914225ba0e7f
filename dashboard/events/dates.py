"""The date of each event: read from its sentence, else from the paragraph's earlier sentences, else the
publication date (marked as such); normalised to TIMEX3 values relative to the publication date.

A small rule grammar finds the expressions (days, weeks, months, seasons, years, decades, relative words).
Its words are data (``dashboard/data/dates_*.tsv``); the regexes are built from them once. It is run only
around anchors (month and weekday names, four-digit years, a few relative words) found by cheap scans, so a
sentence without one costs nothing. Where a sentence has several expressions the most precise wins (ties:
the first), and one after "since", "until" ... or a year used as an adjective ("the 1997 treaty") counts
only when the sentence has no other. A weekday, a bare month or a season is the latest one on or before
the publication date unless the clause says future ("will meet on Friday") or a shift word says which
("last November", "next Tuesday"). Without a publication date only absolute dates resolve; a sentence whose
date is relative stays undated.
"""
from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from ..datafiles import rows
from ..spans import Span
from .sentences import new_paragraphs
from .timex import PRECISIONS, SEASON_MONTHS, UNDATED, EventDate

YEARS = (1900, 2100)  # a year alone outside these is a number, not a date
_RANK = {p: len(PRECISIONS) - i for i, p in enumerate(PRECISIONS)}
_TOP = max(_RANK.values())
_SEASON_ORDER = ("SP", "SU", "FA", "WI")  # within a season year; WI runs from December into the next year
_WINDOW = 48  # characters before an anchor that a modifier ("the early hours of this") may take


def date_sentences(text: str, sentences: Sequence[Span], published: datetime.date | None,
                   paragraphs: Sequence[bool] | None = None) -> list[EventDate]:
    """The date of each sentence's events, in the order of ``sentences``: the sentence's own date
    expression, else the latest earlier one in its paragraph, else the publication date. ``paragraphs``:
    :func:`~dashboard.events.sentences.new_paragraphs` of the sentences, when the caller has it already."""
    fallback = EventDate(published.isoformat(), "day", "published") if published else UNDATED
    grammar = _grammar()
    found = _expressions(text, sentences, published, grammar)
    out: list[EventDate] = []
    current = fallback
    for index, new in enumerate(new_paragraphs(text, sentences) if paragraphs is None else paragraphs):
        if new:
            current = fallback
        own = found.get(index)
        if isinstance(own, _Shift):
            own = _shifted(current, own)
        if own is not None:
            current = own
        out.append(current)
    return out


def _shifted(before: EventDate, shift: _Shift) -> EventDate | None:
    """"Two days later" after a sentence dated 3 March 2023: 5 March. Counted only from a date the text
    gave, at least as precise as the unit counted ("three days later" after "that week" says no day):
    ``None`` otherwise, and the date before stands (never counted from the publication date)."""
    if before.source != "text" or before.value is None or before.precision not in ("day", "week", "month", "year") \
            or _RANK[before.precision] < _RANK[shift.unit]:
        return None
    value = _relative(shift.unit, shift.offset, before.period()[0])
    return None if not value else EventDate(value[0], value[1], "text", shift.span)


# --- the grammar: words from the data files, regexes built from them --------------------------------------


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, the longest first; a space in a word matches any white space."""
    parts = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts) + ")"


def _ends_with(words: list[str], phrases: frozenset[str]) -> bool:
    """Do ``words`` (lower case, the last few before an expression) end with one of ``phrases``?"""
    return any(" ".join(words[-n:]) in phrases for n in range(1, len(words) + 1))


def _words_in(words: Iterable[str]) -> re.Pattern[str]:
    """Finds any of ``words`` as whole words."""
    return re.compile(r"(?<![\w'’])" + _alt(words) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Grammar:
    months: dict[str, int]
    weekdays: dict[str, int]
    seasons: dict[str, str]
    shifts: dict[str, int]
    relative: dict[str, tuple[str, int]]
    numbers: dict[str, int]
    units: dict[str, str]
    anchors: tuple[re.Pattern[str], ...]  # cheap scans; the grammar runs only near what they find
    lower_anchors: tuple[str, ...]  # searched in the lower-cased text
    lead_words: frozenset[str]  # words that may stand before an anchor in its expression ("the early hours of this")
    expression: re.Pattern[str]
    cues: dict[str, frozenset[str]]  # per kind (month, season, year, attributive): the words that may stand before
    background: frozenset[str]
    future: re.Pattern[str]

    def shift(self, word: str | None) -> int | None:
        return None if word is None else self.shifts[_norm(word)]


_OF = re.compile(r"\s+of\b")  # "the fall of Kabul": no season
_PLURAL = re.compile(r"\s+[a-z]+[^s\W]s\b")  # "the 2000 soldiers": no year
_YEAR = r"(?:19|20)\d\d(?![\d,.]\d)"  # no digits of a larger number follow


def _norm(words: str) -> str:
    return " ".join(words.lower().split())


@cache
def _grammar() -> _Grammar:
    """The grammar, built once from the data files."""
    month_rows = rows("dates_months.tsv")
    months = {name: int(number) for name, number, _form in month_rows}
    full_months = [name for name, _number, form in month_rows if form == "full"]
    weekdays = {name: int(number) for name, number in rows("dates_weekdays.tsv")}
    seasons = {name: code for name, code in rows("dates_seasons.tsv")}
    shifts = {_norm(word): int(offset) for word, offset in rows("dates_shifts.tsv")}
    relative = {_norm(p): (unit, int(offset)) for p, unit, offset in rows("dates_relative.tsv")}
    numbers = {word: int(value) for word, value in rows("dates_numbers.tsv")}
    units = {word: precision for word, precision in rows("dates_units.tsv")}
    modifiers = rows("dates_modifiers.tsv")
    before = [m for m, where in modifiers if where == "before"]
    after = [m for m, where in modifiers if where == "after"]
    cue_rows = rows("dates_cues.tsv")
    cues = {kind: frozenset(_norm(w) for w, kinds in cue_rows if kind in kinds.split())
            for kind in ("month", "season", "year", "attributive")}

    month, full_month, weekday = _alt(months), _alt(full_months), _alt(weekdays)
    prefix = (rf"(?:(?P<mod>(?i:{_alt(before)}))(?:(?<=-)|\s+)(?:(?i:on|of)\s+)?)?"
              rf"(?:(?P<shift>(?i:{_alt(shifts)}))\s+)?")
    branches = {  # what may follow the shared prefix (a modifier, a shift word)
        "iso": r"(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)\b",
        "dm": rf"(?:(?P<dm_wd>{weekday}),?\s+(?:the\s+)?)?"
              rf"(?:(?P<dm_m1>{month})\.?\s+(?P<dm_d1>[0-3]?\d)(?:st|nd|rd|th)?\b"
              rf"|(?P<dm_d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m2>{month})\b\.?)"
              rf"(?:,?\s+(?P<dm_y>{_YEAR})\b)?",
        "my": rf"(?P<my_m>{month})\b\.?,?\s+(?:of\s+)?(?P<my_y>{_YEAR})\b",
        "wd": rf"(?P<wd_wd>{weekday})\b(?:\s+(?i:{_alt(after)})\b)?",
        "mb": rf"(?P<mb_m>{full_month})\b",
        "se": rf"(?:(?i:the)\s+)?(?P<se_s>(?i:{_alt(seasons)}))\b(?:\s+(?:of\s+)?(?P<se_y>{_YEAR})\b)?",
        "dc": r"(?:(?i:the)\s+)?(?:(?P<dc_full>(?:19|20)\d)0s|['’](?P<dc_short>\d)0s)\b",
        "yr": rf"(?P<yr_y>{_YEAR})\b(?!s\b|-\d)",
        "rel": rf"(?P<rel_w>(?i:{_alt(relative)}))\b",
        "ago": rf"(?P<ago_n>(?i:{_alt(numbers)})|\d{{1,3}})\s+(?P<ago_u>(?i:{_alt(units)}))\s+"
               rf"(?P<ago_w>(?i:ago|later|earlier))\b",
    }
    alternatives = "|".join(f"(?P<{name}>{body})" for name, body in branches.items())
    expression = re.compile(rf"(?<![\w'’]){prefix}(?:{alternatives})")
    lower = {_norm(p).split()[-1] for p in relative} | {s.lower() for s in seasons} | set(_COUNTED_FROM)
    lower = {w for w in lower if not any(o != w and o in w for o in lower)}  # "night" finds "tonight" too
    lead = {w for phrase in [*before, *shifts, *relative, *numbers, *units, "on of the"] for w in _norm(phrase).split()}
    return _Grammar(
        months=months, weekdays=weekdays, seasons={k.lower(): v for k, v in seasons.items()}, shifts=shifts,
        relative=relative, numbers={k.lower(): v for k, v in numbers.items()}, units=units,
        anchors=(re.compile(_alt([*months, *weekdays]) + r"\b"), re.compile(r"[12'’]\d\d[\ds]")),
        lower_anchors=tuple(sorted(lower)), lead_words=frozenset(lead), expression=expression, cues=cues,
        background=frozenset(_norm(w) for (w,) in rows("dates_background.tsv")),
        future=_words_in(w for (w,) in rows("dates_future.tsv")),
    )


# --- finding expressions ------------------------------------------------------------------------------------


_Value = tuple[str, str] | None | bool  # (TIMEX3 value, precision); None: needs a publication date; False: no date


class _Found(NamedTuple):
    rank: int  # higher wins in its sentence
    value: str | None  # None: relative, in an undated article (or counted from the date before: ``shift``)
    precision: str | None
    span: Span
    shift: tuple[str, int] | None = None  # "two days later": (unit, offset) from the date of the sentences before


class _Shift(NamedTuple):
    """A sentence's "N units later" or "N units earlier": counted from the date its paragraph gave before."""

    unit: str
    offset: int
    span: Span


# "N units ago" counts from the publication date; "N units later" and "earlier" from the date before
_COUNTED_FROM = {"ago": -1, "later": 1, "earlier": -1}


def _anchor_positions(text: str, grammar: _Grammar) -> list[int]:
    """Where a date expression may be: month and weekday names, four-digit numbers, relative words."""
    positions = [m.start() for pattern in grammar.anchors for m in pattern.finditer(text)]
    lower = text.lower()
    for word in grammar.lower_anchors:
        at = lower.find(word)
        while at >= 0:
            if at == 0 or not lower[at - 1].isalnum():  # a word's start ("ago", not Nagorno)
                positions.append(at)
            at = lower.find(word, at + len(word))
    return sorted(positions)


def _starts_before(text: str, start: int, at: int, lead: frozenset[str]) -> list[int]:
    """Where an expression around the anchor at ``at`` may start, leftmost first: the anchor, the start of
    its word ("mid-May"), and before them (back to the sentence's ``start``, at most ``_WINDOW`` characters)
    the words that may lead into a date expression ("the early hours of this")."""
    lo = max(start, at - _WINDOW)
    starts = [at]
    pos = at
    if pos > lo and not text[pos - 1].isspace():
        pos = _word_start(text, lo, pos)
        starts.append(pos)
    while pos - 1 > lo and text[pos - 1].isspace():
        begin = _word_start(text, lo, pos - 1)
        word = text[begin:pos - 1]
        if not word or (begin == lo > start and not text[lo - 1].isspace()):  # no word, or one the window cut
            break
        if word.lower() not in lead and not word[0].isdigit():
            break
        starts.append(begin)
        pos = begin
    return starts[::-1]


def _word_start(text: str, lo: int, end: int) -> int:
    return max(text.rfind(" ", lo, end), text.rfind("\n", lo, end), lo - 1) + 1


def _expressions(text: str, sentences: Sequence[Span], published: datetime.date | None,
                 grammar: _Grammar) -> dict[int, EventDate | _Shift]:
    """The date expression that dates each sentence that has one, by the sentence's index. The grammar is
    tried only at the anchors' words and the few words before them (where modifiers stand)."""
    anchors = _anchor_positions(text, grammar)
    if not anchors:
        return {}
    starts = [s for s, _ in sentences]
    best: dict[int, _Found] = {}
    covered = -1
    for at in anchors:
        if at < covered:
            continue  # inside the expression just read
        i = bisect.bisect_right(starts, at) - 1
        if i < 0 or at >= sentences[i][1]:
            continue
        if i in best and best[i].rank == _TOP:
            continue  # the sentence already has a date no other can beat
        start, end = sentences[i]
        for pos in _starts_before(text, start, at, grammar.lead_words):
            match = grammar.expression.match(text, pos, end)
            if match is None or match.end() <= at:
                continue
            covered = match.end()
            found = _read(match, text, sentences[i], published, grammar)
            if found is not None and (i not in best or found.rank > best[i].rank):
                best[i] = found
            break
    return {i: _Shift(*f.shift, f.span) if f.shift else EventDate(f.value, f.precision, "text", f.span) if f.value
            else UNDATED for i, f in best.items()}


def _read(match: re.Match[str], text: str, sentence: Span, published: datetime.date | None,
          grammar: _Grammar) -> _Found | None:
    """What one match of the grammar says: its date and its rank, or ``None`` when it is no date."""
    kind = match.lastgroup
    g = match.groupdict()  # one call: cheaper than a group() per name
    before = text[max(sentence[0], match.start() - 24):match.start()].lower().split()[-3:]

    def future() -> bool:  # does the clause, up to the expression, speak of the future?
        clause = max(sentence[0], *(text.rfind(c, sentence[0], match.start()) + 1 for c in ",;:"))
        return grammar.future.search(text, clause, match.start()) is not None

    mod, shift = g["mod"], grammar.shift(g["shift"])
    attributive = False
    value: _Value
    if kind == "iso":
        value = _day(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
    elif kind == "dm":
        name, day = (g["dm_m1"], g["dm_d1"]) if g["dm_m1"] else (g["dm_m2"], g["dm_d2"])
        value = _month_day(grammar.months[name], int(day), g["dm_y"], shift, not g["dm_y"] and future(),
                            published)
    elif kind == "my":
        value = f"{int(g['my_y']):04d}-{grammar.months[g['my_m']]:02d}", "month"
    elif kind == "wd":
        value = _weekday(grammar.weekdays[g["wd_wd"]], shift, future(), published)
    elif kind == "mb":
        if not (mod or shift is not None or _ends_with(before, grammar.cues["month"])):
            return None
        value = _month(grammar.months[g["mb_m"]], shift, future(), published)
    elif kind == "se":
        if not g["se_y"] and (_OF.match(text, match.end()) or not (
                mod or shift is not None or _ends_with(before, grammar.cues["season"]))):
            return None
        value = _season(grammar.seasons[g["se_s"].lower()], g["se_y"], shift, not g["se_y"] and future(),
                        published)
    elif kind == "dc":
        decade = g["dc_full"] or ("19" + g["dc_short"] if g["dc_short"] >= "3" else "20" + g["dc_short"])
        value = decade, "decade"
    elif kind == "yr":
        year = int(g["yr_y"])
        attributive = not mod and _ends_with(before, grammar.cues["attributive"])
        if not (YEARS[0] <= year <= YEARS[1]) or not (mod or _ends_with(before, grammar.cues["year"])):
            return None
        if attributive and _PLURAL.match(text, match.end()):
            return None  # "the 2000 soldiers": a number of things
        value = str(year), "year"
    elif kind == "rel":
        if before[-1:] == ["the"] and _norm(g["rel_w"]).split()[0] in grammar.shifts:
            return None  # "over the last year": a duration
        unit, offset = grammar.relative[_norm(g["rel_w"])]
        value = _relative(unit, offset, published)
    else:  # ago, later, earlier
        n, unit, word = g["ago_n"], grammar.units[g["ago_u"].lower()], g["ago_w"].lower()
        count = (int(n) if n.isdigit() else grammar.numbers[n.lower()]) * _COUNTED_FROM[word]
        if word != "ago":
            return _Found(_RANK[unit] - 1, None, None, match.span(), (unit, count))
        value = _relative(unit, count, published)
    if value is False:
        return None
    demoted = attributive or _ends_with(before, grammar.background)
    if value is None:
        return _Found(_RANK["day"] - 10 * demoted, None, None, match.span())
    return _Found(_RANK[value[1]] - 10 * demoted, value[0], value[1], match.span())


# --- normalising, relative to the publication date ----------------------------------------------------------

def _day(year: int, month: int, day: int) -> _Value:
    try:
        return datetime.date(year, month, day).isoformat(), "day"
    except ValueError:
        return False


def _month_day(month: int, day: int, year: str | None, shift: int | None, future: bool,
               published: datetime.date | None) -> _Value:
    if not 1 <= day <= 31:
        return False
    if year:
        return _day(int(year), month, day)
    if published is None:
        return None
    candidates = []
    for y in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(datetime.date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return False
    if shift == 0:
        chosen = next((c for c in candidates if c.year == published.year), candidates[0])
    elif future or (shift or 0) > 0:
        chosen = min((c for c in candidates if c >= published), default=candidates[-1])
    else:
        chosen = max((c for c in candidates if c <= published), default=candidates[0])
    return chosen.isoformat(), "day"


def _weekday(weekday: int, shift: int | None, future: bool, published: datetime.date | None) -> _Value:
    if published is None:
        return None
    back = (published.isoweekday() - weekday) % 7
    if shift == 0:  # "this Friday": in the publication's week
        day = published + datetime.timedelta(days=weekday - published.isoweekday())
    elif shift is not None and shift < 0:  # "last Friday": before the publication day
        day = published - datetime.timedelta(days=back or 7)
    elif future or (shift or 0) > 0:  # "will meet on Friday", "next Friday": after it
        day = published + datetime.timedelta(days=(weekday - published.isoweekday()) % 7 or 7)
    else:
        day = published - datetime.timedelta(days=back)
    return day.isoformat(), "day"


def _month(month: int, shift: int | None, future: bool, published: datetime.date | None) -> _Value:
    if published is None:
        return None
    year = published.year
    if shift == 0:
        pass
    elif shift is not None and shift < 0:
        year -= month >= published.month
    elif future or (shift or 0) > 0:
        year += month < published.month or (shift is not None and month == published.month)
    else:
        year -= month > published.month
    return f"{year:04d}-{month:02d}", "month"


def _season_index(year: int, code: str) -> int:
    return year * 4 + _SEASON_ORDER.index(code)


def _season(code: str, year: str | None, shift: int | None, future: bool, published: datetime.date | None) -> _Value:
    if year:
        return f"{year}-{code}", "season"
    if published is None:
        return None
    month = published.month
    now_code = next(c for c, (first, last) in SEASON_MONTHS.items()
                    if (first <= month <= last) or (first > last and (month >= first or month <= last)))
    now = _season_index(published.year - (month <= 2), now_code)
    if shift == 0:
        index = _season_index(published.year - (code == "WI" and month <= 2), code)
    else:
        index = _season_index(now // 4, code)
        if shift is not None and shift < 0:
            index -= 4 * (index >= now)
        elif future or (shift or 0) > 0:
            index += 4 * (index < now or (shift is not None and index == now))
        else:
            index -= 4 * (index > now)
    return f"{index // 4:04d}-{_SEASON_ORDER[index % 4]}", "season"


def _relative(unit: str, offset: int, published: datetime.date | None) -> _Value:
    if published is None:
        return None
    if unit == "day":
        return (published + datetime.timedelta(days=offset)).isoformat(), "day"
    if unit == "week":
        year, week, _ = (published + datetime.timedelta(weeks=offset)).isocalendar()
        return f"{year:04d}-W{week:02d}", "week"
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}", "month"
    return f"{published.year + offset:04d}", "year"
