"""The publication date of an article: found with regexes in the head's short lines, labelled lines
("Published: ...") and the URL's path, never by running a parser over the body.

The labels ("Published", "Last modified on", "Publié le"), the furniture that may stand beside a date ("5 min read",
"GMT+3", "Updated 2 hours ago") and the cues of future years are data: ``data/published_cues.tsv``. In order:

1. the head's date lines, top down, except dates labelled as updates ("Updated: ...", "Last modified on ...");
2. a line anywhere that starts with a publication label ("Published: 2 March 2020");
3. the date in the URL's path (``/2023/05/12/``, ``/2023/may/12/``, ``/20230512/``);
4. the updates of the head, then update lines anywhere: a page's update is a later day than its publication.

A numeric date whose day and month may be swapped ("12/05/2023") is read the way the page's other evidence says: the
URL's date, another date of the head, or another numeric date whose order is plain (13/05/2023 is day first). With no
evidence it gives no date rather than a guess (a wrong month misplaces every event of the article); dotted dates
("12.05.2023") are day first, as everywhere they are written. Relative stamps ("3 hours ago") give no date."""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from ..datafiles import rows
from ..spans import Span
from .furniture import Line, boilerplate

_MONTHS_EN = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
# Weekday names (Monday = 0) in the languages dateparser is asked about; needed to place a year-less date.
_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0), **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2), **dict.fromkeys(("thursday", "thu", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4), **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4, "sábado": 5, "sabado": 5,
    "domingo": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
    "понедельник": 0, "вторник": 1, "среда": 2, "четверг": 3, "пятница": 4, "суббота": 5, "воскресенье": 6,
}
_DATE_LANGUAGES = ["en", "es", "fr", "de", "ru"]
_DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True,
    "PARSERS": ["absolute-time"], "RETURN_AS_TIMEZONE_AWARE": False,
}
YEARS = (1900, 2100)

_WORD = r"[^\W\d_]{3,}\.?"
_YEAR_DIGITS = r"(?P<y>(?:19|20)\d\d)"
_YEAR = _YEAR_DIGITS + r"(?!\d)"
_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
_WD = "(?P<wd>" + "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True)) + r")\.?"
_NO_YEAR_AFTER = r"(?![ \t.,]*(?:de[ \t]+|del[ \t]+)?(?:19|20)\d\d(?!\d))"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"(?<!\d)" + _YEAR_DIGITS + r"(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)",  # 2021-11-16
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep2>[-/.])(?P<b>\d{1,2})(?P=sep2)" + _YEAR,  # 16/11/2021, day first (_resolve)
    r"(?<!\w)(?P<d>\d{1,2})" + _ORD + r"[ \t]*(?:de[ \t]+)?(?P<mon>" + _WORD + r")[ \t,]*(?:de[ \t]+|del[ \t]+)?"
    + _YEAR,  # 14 Sep, 2022 / 14 de septiembre de 2022 / 14. September 2022
    r"(?<!\w)(?P<mon>" + _WORD + r")[ \t]+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d),?[ \t]+" + _YEAR,  # November 16, 2021
    r"(?<!\w)" + _WD + r"[ \t,]+(?P<mon>" + _WORD + r")[ \t]+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
    + _NO_YEAR_AFTER,  # Thursday, December 2
    r"(?<!\w)" + _WD + r"[ \t,]+(?P<d>\d{1,2})" + _ORD + r"[ \t]*(?:de[ \t]+)?(?P<mon>" + _WORD + r")(?!\w)"
    + _NO_YEAR_AFTER,  # jeudi 2 décembre
))
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:[/_.-]|$)"),  # /2023/05/12/
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<mon>[a-z]{3,9})/(?P<d>\d{1,2})(?:[/_.-]|$)", re.IGNORECASE),  # /2023/may/12/
    re.compile(r"[/_-](?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),  # /20230512/
)
_MENTIONED_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d|,\d)")
_TIME = re.compile(r"\d{1,2}[:.h]\d\d(?::\d\d)?(?:[ \t]*[ap]\.?m\.?)?", re.IGNORECASE)
# Words that may stand beside a date on a date line ("Published on Thursday, 14 September 2022 at 07:35 GMT"); the
# labels themselves are read from published_cues.tsv.
_DATE_LINE_WORDS = frozenset({
    "on", "at", "by", "am", "pm", "the", "of", "de", "del", "le", "la", "el", "um", "à", "a", "h", "в", "г", "and", "y",
    "gmt", "utc", "est", "edt", "et", "cet", "cest", "msk", "bst", "pst", "pdt", "ist", "jst", "eat", "cat",
    "wat", "eet", "eest", "z", "t", *_WEEKDAYS})
_WORDS = re.compile(r"[^\W\d_]+")
_SEPARATOR = re.compile(r"[ \t]*[|·•][ \t]*|[ \t]+[—–-][ \t]+")
_PUBLISHED, _UPDATED = "published", "updated"
_FILLER = r"(?:in|for|of|the|end|beginning|start|middle|year|en|de|la|el|fin|fines|finales)"  # "by the end of 2025"


@dataclass(frozen=True)
class _Cues:
    label: re.Pattern[str]  # a label where a word starts; group "updated" set for an update label
    labelled_line: re.Pattern[str]  # a line (anywhere in the text) that starts with a label; its "rest"
    noise: re.Pattern[str]  # furniture beside a date on a date line
    future: re.Pattern[str]  # a word of the future among the words before a year
    before: re.Pattern[str]  # a future cue right before a year ("by 2030", "until the end of 2025")


@cache
def _cues() -> _Cues:
    """The patterns of ``data/published_cues.tsv``."""
    by_kind: dict[str, list[str]] = {}
    for row in rows("published_cues.tsv"):
        if len(row) < 3 or not row[2]:
            raise ValueError(f"published_cues.tsv: {row!r} needs a kind, a regex and a comment, TAB-separated")
        re.compile(row[1])  # a bad regex fails here, with its own message
        by_kind.setdefault(row[0], []).append(row[1])
    unknown = set(by_kind) - {_PUBLISHED, _UPDATED, "noise", "future", "before"}
    if unknown:
        raise ValueError(f"published_cues.tsv: unknown kinds {sorted(unknown)}")

    def alternation(kind: str) -> str:
        return "|".join(f"(?:{r})" for r in by_kind.get(kind, ["(?!)"]))

    label = (rf"(?<!\w)(?:(?P<updated>{alternation(_UPDATED)})|(?:{alternation(_PUBLISHED)}))(?!\w)"
             r"[ \t*_]*:?[ \t*_]*")
    return _Cues(
        label=re.compile(label, re.IGNORECASE),
        labelled_line=re.compile(r"^[ \t*_>#-]*" + label + r"(?P<rest>[^\r\n]{0,80})", re.IGNORECASE | re.MULTILINE),
        noise=re.compile(rf"(?<!\w)(?:{alternation('noise')})(?!\w)", re.IGNORECASE),
        future=re.compile(rf"(?<!\w)(?:{alternation('future')})(?!\w)", re.IGNORECASE),
        before=re.compile(rf"(?<!\w)(?:{alternation('before')})(?:[ \t,]+{_FILLER})*[ \t,]*$", re.IGNORECASE))


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    groups: dict[str, str | None]


def _candidates(text: str, start: int, end: int) -> list[_Candidate]:
    """Date-like substrings of ``text[start:end]``, by position."""
    found = [_Candidate(m.start(), m.end(), m.groupdict())
             for pattern in _DATE_PATTERNS for m in pattern.finditer(text, start, end)]
    return sorted(found, key=lambda c: (c.start, -c.end))


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS_EN.get(word) or _foreign_month(word)


@lru_cache(maxsize=4096)
def _foreign_month(word: str) -> int | None:
    """The month a (non-English) word names, asking dateparser once per word."""
    if word in _WEEKDAYS or len(word) > 20:
        return None
    try:
        import dateparser  # local: 0.05 s to import (measured), paid only when a foreign month word is met

        parsed = dateparser.parse(f"1 {word} 2000", languages=_DATE_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    except Exception:  # dateparser is a heuristic parser; any failure of it just means "not a month"
        return None
    return parsed.month if parsed and parsed.year == 2000 and parsed.day == 1 else None


def _ymd(year: int, month: int, day: int) -> datetime.date | None:
    if not YEARS[0] <= year <= YEARS[1]:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Evidence:
    """What the rest of the page says about its dates, for a numeric date whose day and month may be swapped."""

    dates: frozenset[datetime.date]
    day_first: bool | None  # from another numeric date whose order is plain (13/05/2023 is day first), if any


_NO_EVIDENCE = _Evidence(frozenset(), None)
_Years = Callable[[], tuple[list[int], list[int]]]


def _numeric_readings(c: _Candidate) -> tuple[datetime.date | None, datetime.date | None]:
    """A numeric candidate's two readings: (day first, month first)."""
    a, b, y = int(c.groups["a"] or 0), int(c.groups["b"] or 0), int(c.groups["y"] or 0)
    return _ymd(y, b, a), _ymd(y, a, b)


def _resolve(c: _Candidate, years: _Years, evidence: Callable[[], _Evidence] | None = None) -> datetime.date | None:
    """The date a candidate stands for; a year-less one takes the year its weekday fits (see :func:`year_for`); an
    ambiguous numeric one the reading the page's evidence supports, and none without evidence."""
    g = c.groups
    if g.get("a"):  # numeric: 16/11/2021 and 11/16/2021 are plain; 12.05.2023 is day first; 12/05/2023 is ambiguous
        day_first, month_first = _numeric_readings(c)
        if g.get("sep2") == "." or day_first == month_first or month_first is None:
            return day_first
        if day_first is None:
            return month_first
        found = evidence() if evidence else _NO_EVIDENCE
        if day_first in found.dates or (found.day_first is True and month_first not in found.dates):
            return day_first
        if month_first in found.dates or found.day_first is False:
            return month_first
        return None
    month = _month_number(g["mon"]) if g.get("mon") else int(g.get("m") or 0)
    if not month:
        return None
    day = int(g["d"] or 0)
    if g.get("y"):
        return _ymd(int(g["y"] or 0), month, day)
    mentioned, past = years()
    year = year_for(_WEEKDAYS[(g["wd"] or "").lower()], month, day, mentioned, past)
    return _ymd(year, month, day) if year else None


def year_for(weekday: int, month: int, day: int, mentioned: list[int], past: list[int] | None = None) -> int | None:
    """The year in which ``day``/``month`` falls on ``weekday`` (Monday = 0), for an article that mentions the years
    ``mentioned`` and recounts ``past`` of them as past (all of them when not given): the first such year that is not
    earlier than the latest past year and at most a year after the latest year mentioned (an article is not older than
    what it recounts as past, and rarely dated by years long gone); ``None`` if none fits or no year is mentioned."""
    if not mentioned:
        return None
    past = mentioned if past is None else past
    low = max(past) if past else min(mentioned)
    for year in range(low, max(mentioned) + 2):
        if (d := _ymd(year, month, day)) is not None and d.weekday() == weekday:
            return year
    return None


def mentioned_years(text: str, spans: tuple[Span, ...] | list[Span]) -> tuple[list[int], list[int]]:
    """The years that the ``spans`` of ``text`` (its content) mention, and those of them it recounts as past: every
    year not preceded in its clause by a future cue ("by 2030", "will hold elections in 2024"; see
    ``data/published_cues.tsv``)."""
    cues = _cues()
    mentioned, past = [], []
    for start, end in spans:
        for m in _MENTIONED_YEAR.finditer(text, start, end):
            year = int(m.group())
            mentioned.append(year)
            clause = re.split(r"[.!?;:\n\r]", text[max(start, m.start() - 60):m.start()])[-1]
            words = " ".join(clause.split()[-6:])
            if not (cues.before.search(words) or cues.future.search(words)):
                past.append(year)
    return mentioned, past


@dataclass(frozen=True)
class DateLine:
    """The date candidates of one short head line, and how many other words stand beside them."""

    candidates: list[_Candidate]
    other_words: int  # words that are neither part of a date, date words ("GMT", weekdays), labels nor furniture
    updates: list[bool]  # for each candidate: labelled as an update ("Updated: ...", "last modified on ...")
    labelled: bool = False  # the line starts with a date label ("Posted on May 12, 2023 by admin")

    @property
    def is_pure(self) -> bool:
        """A line that is only a date ("Thursday, December 2", "14 Sep, 2022 14:39", "12 May 2023 | 4 min read") or
        starts with a date label ("Posted on May 12, 2023 by admin"): never a title."""
        return self.other_words == 0 or self.labelled


_HEAD_DATE_LINE_MAX = 120  # longer head lines are paragraphs, whose dates are events, not the publication
# "Thomas Osborne, 14 September 2022" and "Reuters | 14 Sep 2022" are date lines, "The deal of May 9, 2020 holds." is
# not: beside the date a date line has at most this many other words, all capitalised (names, agencies).
_DATE_LINE_MAX_OTHER_WORDS = 3
_DIGIT = re.compile(r"\d")


def date_lines(text: str, head: list[Line]) -> dict[int, DateLine]:
    """The head lines (by index) that are short, hold a date candidate and few other words, or start with a date label.
    Only the content part of a line counts ("By Jane Doe | 14 Sep 2022" is a byline, then a date line); labels
    ("Published", "Updated"), furniture beside the date ("4 min read", "GMT+3") and parts between separators that are
    boilerplate are not words."""
    found: dict[int, DateLine] = {}
    cues = _cues()
    junk = boilerplate()
    for i, line in enumerate(head):
        start = line.junk_end
        if line.is_junk or line.end - start > _HEAD_DATE_LINE_MAX or not _DIGIT.search(text, start, line.end):
            continue
        cands = _candidates(text, start, line.end)
        if not cands:
            continue
        labels = list(cues.label.finditer(text, start, line.end))
        taken = sorted([(c.start, c.end) for c in cands] + [m.span() for m in labels]
                       + [m.span() for m in cues.noise.finditer(text, start, line.end)])
        rest, pos = [], start
        for a, b in taken:
            rest.append(text[pos:max(pos, a)])
            pos = max(pos, b)
        rest.append(text[pos:line.end])
        kept = []
        for segment in _SEPARATOR.split(" ".join(rest)):
            segment = segment.strip(" \t,;")
            if segment and not ((m := junk.match(segment)) and m.end() == len(segment)):
                kept.append(segment)
        words = [w for w in _WORDS.findall(_TIME.sub(" ", " ".join(kept))) if w.lower() not in _DATE_LINE_WORDS]
        labelled = bool(labels) and not text[start:labels[0].start()].strip(" \t*_>#-")
        if labelled or (len(words) <= _DATE_LINE_MAX_OTHER_WORDS and all(w[0].isupper() for w in words)):
            updates = [bool(last["updated"]) if (last := _label_before(labels, c.start)) else False for c in cands]
            found[i] = DateLine(cands, len(words), updates, labelled)
    return found


def _label_before(labels: list[re.Match[str]], pos: int) -> re.Match[str] | None:
    before = [m for m in labels if m.end() <= pos]
    return before[-1] if before else None


def url_date(url: str | None) -> datetime.date | None:
    """The date in a URL's path: ``/2023/05/12/``, ``/2023/may/12/``, ``/20230512/``."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        if m := pattern.search(path):
            month = _MONTHS_EN.get(m["mon"].lower()) if "mon" in pattern.groupindex else int(m["m"])
            if month and (found := _ymd(int(m["y"]), month, int(m["d"]))):
                return found
    return None


def find_published(text: str, date_lines: dict[int, DateLine], title_index: int | None,
                    url: str | None, content: tuple[Span, ...] | list[Span] | None = None) -> datetime.date | None:
    """The publication date: from a date line of the head, else a labelled line ("Published: ..."), else the URL path,
    else an update stamp; never from the body. A year-less date ("Thursday, December 2") counts only on a line of its
    own, placed with the years that the ``content`` spans (the whole text when not given) mention."""
    known: list[tuple[list[int], list[int]]] = []

    def years() -> tuple[list[int], list[int]]:
        if not known:
            known.append(mentioned_years(text, content if content is not None else [(0, len(text))]))
        return known[0]

    from_url = url_date(url)
    head: list[tuple[bool, _Candidate]] = []  # (labelled as an update, candidate), top down
    for i, line in sorted(date_lines.items()):
        if i == title_index:
            continue
        for c, update in zip(line.candidates, line.updates, strict=True):
            if c.groups.get("y") or line.other_words == 0:
                head.append((update, c))
    seen: list[_Evidence] = []

    def evidence() -> _Evidence:
        if not seen:
            dates = {from_url} if from_url else set()
            day_first = None
            for _, c in head:
                if not c.groups.get("a"):
                    if (d := _resolve(c, years)) is not None:
                        dates.add(d)
                elif (readings := _numeric_readings(c)).count(None) == 1 and c.groups.get("sep2") != ".":
                    day_first = readings[1] is None
            seen.append(_Evidence(frozenset(dates), day_first))
        return seen[0]

    for _, c in (h for h in head if not h[0]):
        if (found := _resolve(c, years, evidence)) is not None:
            return found
    labelled = list(_cues().labelled_line.finditer(text))
    for m in labelled:
        if not m["updated"] and (found := _date_in(text, m.start("rest"), m.end("rest"), years, evidence)):
            return found
    if from_url:
        return from_url
    for _, c in (h for h in head if h[0]):
        if (found := _resolve(c, years, evidence)) is not None:
            return found
    for m in labelled:
        if m["updated"] and (found := _date_in(text, m.start("rest"), m.end("rest"), years, evidence)):
            return found
    return None


def _date_in(text: str, start: int, end: int, years: _Years,
             evidence: Callable[[], _Evidence]) -> datetime.date | None:
    for c in _candidates(text, start, end):
        if (found := _resolve(c, years, evidence)) is not None:
            return found
    return None
