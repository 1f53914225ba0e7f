"""The publication date of an article: found with regexes in the head's short lines, labelled lines
("Published: ...") and the URL's path, never by running a parser over the body."""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from .furniture import Line

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
_LABELLED_DATE = re.compile(
    r"^[ \t*_>#-]*(?P<label>published|posted|updated|last[ \t]+updated|date|dated|publication[ \t]+date|publicado|"
    r"fecha|publié|publie|mis[ \t]+à[ \t]+jour|veröffentlicht|datum|aktualisiert|опубликовано|обновлено|дата)"
    r"(?:[ \t]+(?:on|at|le|el|am))?[ \t*_]*:?[ \t*_]*(?P<rest>[^\r\n]{0,80})",
    re.IGNORECASE | re.MULTILINE)
_DATE_LABEL = re.compile(_LABELLED_DATE.pattern.removeprefix("^"), re.IGNORECASE)  # the same, at a given position
_UPDATE_LABELS = ("updated", "last", "mis", "aktualisiert", "обновлено")  # read after the "published" labels
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:[/_.-]|$)")
_MENTIONED_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d|,\d)")
_TIME = re.compile(r"\d{1,2}[:.h]\d\d(?::\d\d)?(?:[ \t]*[ap]\.?m\.?)?", re.IGNORECASE)
# Words that may stand beside a date on a date line ("Published on Thursday, 14 September 2022 at 07:35 GMT").
_DATE_LINE_WORDS = frozenset({
    "published", "posted", "updated", "last", "on", "at", "by", "am", "pm", "the", "of", "de", "del", "le", "la", "el",
    "um", "publié", "publie", "mis", "à", "jour", "publicado", "actualizado", "veröffentlicht", "aktualisiert",
    "опубликовано", "обновлено", "в", "г", "gmt", "utc", "est", "edt", "cet", "cest", "msk", "bst", "pst", "pdt", "ist",
    "jst", *_WEEKDAYS})
_WORDS = re.compile(r"[^\W\d_]+")


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


def _resolve(c: _Candidate, years: Callable[[], list[int]]) -> datetime.date | None:
    """The date a candidate stands for; a year-less one takes the year its weekday fits (see :func:`year_for`)."""
    g = c.groups
    if g.get("a"):  # numeric: day first (16/11/2021) unless the month slot cannot be one (11/16/2021)
        day, month = int(g["a"] or 0), int(g["b"] or 0)
        if month > 12 >= day:
            day, month = month, day
        return _ymd(int(g["y"] or 0), month, day)
    month = _month_number(g["mon"]) if g.get("mon") else int(g.get("m") or 0)
    if not month:
        return None
    day = int(g["d"] or 0)
    if g.get("y"):
        return _ymd(int(g["y"] or 0), month, day)
    year = year_for(_WEEKDAYS[(g["wd"] or "").lower()], month, day, years())
    return _ymd(year, month, day) if year else None


def year_for(weekday: int, month: int, day: int, mentioned: list[int]) -> int | None:
    """The year in which ``day``/``month`` falls on ``weekday`` (Monday = 0), searched from the earliest year the text
    mentions to the latest + 1; of several, the one closest after the latest (i.e. the last); ``None`` if none fits
    or the text mentions no year."""
    if not mentioned:
        return None
    fits = [y for y in range(min(mentioned), max(mentioned) + 2)
            if (d := _ymd(y, month, day)) is not None and d.weekday() == weekday]
    return fits[-1] if fits else None


@dataclass(frozen=True)
class DateLine:
    """The date candidates of one short head line, and how many other words stand beside them."""

    candidates: list[_Candidate]
    other_words: int  # words that are neither part of a date nor date words ("Published", "GMT", weekdays)
    is_update: bool  # "Updated: ...": read after the other date lines

    @property
    def is_pure(self) -> bool:
        """A line that is only a date ("Thursday, December 2", "14 Sep, 2022 14:39"): never a title."""
        return self.other_words == 0


_HEAD_DATE_LINE_MAX = 120  # longer head lines are paragraphs, whose dates are events, not the publication
# "Thomas Osborne, 14 September 2022" and "Reuters | 14 Sep 2022" are date lines, "The deal of May 9, 2020 holds." is
# not: beside the date a date line has at most this many other words, all capitalised (names, agencies).
_DATE_LINE_MAX_OTHER_WORDS = 3
_DIGIT = re.compile(r"\d")


def date_lines(text: str, head: list[Line]) -> dict[int, DateLine]:
    """The head lines (by index) that are short, hold a date candidate and few other words. Only the content part of a
    line counts ("By Jane Doe | 14 Sep 2022" is a byline, then a date line)."""
    found: dict[int, DateLine] = {}
    for i, line in enumerate(head):
        start = line.junk_end
        if line.is_junk or line.end - start > _HEAD_DATE_LINE_MAX or not _DIGIT.search(text, start, line.end):
            continue
        cands = _candidates(text, start, line.end)
        if not cands:
            continue
        rest, pos = [], start
        for c in cands:
            rest.append(text[pos:max(pos, c.start)])
            pos = max(pos, c.end)
        rest.append(text[pos:line.end])
        words = [w for w in _WORDS.findall(_TIME.sub(" ", " ".join(rest))) if w.lower() not in _DATE_LINE_WORDS]
        if len(words) <= _DATE_LINE_MAX_OTHER_WORDS and all(w[0].isupper() for w in words):
            label = _DATE_LABEL.match(text, start, line.end)
            found[i] = DateLine(cands, len(words), bool(label and label["label"].lower().startswith(_UPDATE_LABELS)))
    return found


def _date_in(text: str, start: int, end: int, years: Callable[[], list[int]]) -> datetime.date | None:
    for c in _candidates(text, start, end):
        if (found := _resolve(c, years)) is not None:
            return found
    return None


def find_published(text: str, date_lines: dict[int, DateLine], title_index: int | None,
                    url: str | None) -> datetime.date | None:
    """The publication date: from a date line of the head, else a labelled line ("Published: ..."), else the URL path;
    never from the body. A year-less date ("Thursday, December 2") counts only on a line of its own."""
    mentioned: list[int] = []

    def years() -> list[int]:
        if not mentioned:
            mentioned.extend(int(y) for y in _MENTIONED_YEAR.findall(text))
        return mentioned

    for i, line in sorted(date_lines.items(), key=lambda item: (item[1].is_update, item[0])):
        if i == title_index:
            continue
        for c in line.candidates:
            if (c.groups.get("y") or line.is_pure) and (found := _resolve(c, years)) is not None:
                return found
    labelled = sorted(_LABELLED_DATE.finditer(text), key=lambda m: (m["label"].lower().startswith(_UPDATE_LABELS),
                                                                      m.start()))
    for m in labelled:
        if (found := _date_in(text, m.start("rest"), m.end("rest"), years)) is not None:
            return found
    if url and (m := _URL_DATE.search(urlsplit(url).path)):
        return _ymd(int(m["y"]), int(m["m"]), int(m["d"]))
    return None
