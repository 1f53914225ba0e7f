"""Event dates as values: :class:`EventDate` (a TIMEX3 value with its precision and source), the days a
value covers (:func:`timex_period`) and how a reader says it (:func:`date_label`)."""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from ..spans import Span

PRECISIONS = ("day", "week", "month", "season", "year", "decade")  # finest first
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}  # meteorological, northern


@dataclass(frozen=True, slots=True)
class EventDate:
    """An event's date. ``value``: a TIMEX3 value (``2021-11-14``, ``2021-W48``, ``2021-05``, ``2020-FA``,
    ``2020``, ``199``) or ``None``; ``precision``: day, week, month, season, year or decade; ``source``:
    ``text`` (read from the article's words, ``span`` says where), ``published`` (the publication date)
    or ``None`` (undated)."""

    value: str | None
    precision: str | None
    source: str | None
    span: Span | None = None

    def period(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and the last day the date covers, or ``None`` when undated."""
        return None if self.value is None else timex_period(self.value)


UNDATED = EventDate(None, None, None)
_SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}


def date_label(value: str | None, precision: str | None, source: str | None) -> str:
    """An event's date as a reader says it, with its precision: "13 Sep 2022", "week of 29 Nov 2021",
    "May 2021", "autumn 2020", "2020", "the 1990s"; "reported 16 Nov 2021" when the date is only the
    publication's; "undated"."""
    if value is None:
        return "undated"
    try:
        first, _last = timex_period(value)
    except (ValueError, OverflowError):
        return value
    if source == "published":
        return f"reported {first.day} {first:%b %Y}"
    if precision == "week":
        return f"week of {first.day} {first:%b %Y}"
    if precision == "month":
        return f"{first:%B %Y}"
    if precision == "season":
        return f"{_SEASON_NAMES.get(value[5:], value[5:])} {value[:4]}"
    if precision == "year":
        return value[:4]
    if precision == "decade":
        return f"the {value}0s"
    return f"{first.day} {first:%b %Y}"


def timex_period(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a TIMEX3 value: ``2021-11-14``, ``2021-W48`` (Monday to Sunday),
    ``2021-05``, ``2020-FA`` (meteorological seasons; ``WI`` runs December to February of the next year),
    ``2020`` or ``199`` (a decade)."""
    if len(value) == 3:
        start = int(value) * 10
        return datetime.date(start, 1, 1), datetime.date(start + 9, 12, 31)
    year = int(value[:4])
    rest = value[5:]
    if not rest:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if rest in SEASON_MONTHS:
        first, last = SEASON_MONTHS[rest]
        return datetime.date(year, first, 1), month_end(year + (last < first), last)
    if rest.startswith("W"):
        monday = datetime.date.fromisocalendar(year, int(rest[1:]), 1)
        return monday, monday + datetime.timedelta(days=6)
    if len(rest) == 2:
        return datetime.date(year, int(rest), 1), month_end(year, int(rest))
    day = datetime.date.fromisoformat(value)
    return day, day


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


_TIMEX = (  # a TIMEX3 value a person may type, and its precision (checked in this order; ASCII digits only)
    (re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII), "day"),
    (re.compile(r"\d{4}-W\d{2}", re.ASCII), "week"),
    (re.compile(r"\d{4}-\d{2}", re.ASCII), "month"),
    (re.compile(r"\d{4}-(?:SP|SU|FA|WI)", re.ASCII), "season"),
    (re.compile(r"\d{4}", re.ASCII), "year"),
    (re.compile(r"\d{3}", re.ASCII), "decade"),
)


_SEASON_CODES = {name: code for code, name in _SEASON_NAMES.items()} | {"fall": "FA"}


def _from_label(text: str) -> str | None:
    """The TIMEX3 value of a date as :func:`date_label` says it ("13 Sep 2022", "13 September 2022", "week
    of 29 Nov 2021", "May 2021", "autumn 2020", "the 1990s"), or ``None``."""
    words = " ".join(text.lower().replace(",", " ").split()).removeprefix("reported ")
    week = words.startswith("week of ")
    words = words.removeprefix("week of ")
    if not words.isascii():
        return None
    for form, value in (("%d %b %Y", "{:%Y-%m-%d}"), ("%d %B %Y", "{:%Y-%m-%d}"), ("%b %Y", "{:%Y-%m}"),
                        ("%B %Y", "{:%Y-%m}")):
        try:
            day = datetime.datetime.strptime(words, form)
        except ValueError:
            continue
        if not week:
            return value.format(day)
        if not form.startswith("%d"):  # a week is named by its first day
            return None
        year, number, _ = day.isocalendar()
        return f"{year}-W{number:02d}"
    if week:
        return None
    parts = words.split()
    if len(parts) == 2 and parts[0] in _SEASON_CODES and parts[1].isdigit() and len(parts[1]) == 4:
        return f"{parts[1]}-{_SEASON_CODES[parts[0]]}"
    decade = words.removeprefix("the ")
    if re.fullmatch(r"\d{3}0s", decade):
        return decade[:3]
    return None


def parse_timex(text: str, source: str = "user") -> EventDate:
    """A typed TIMEX3 value (``2022-09-13``, ``2021-W48``, ``2021-05``, ``2020-FA``, ``2020``, ``199``), or a
    date as the page shows them (``13 Sep 2022``, ``week of 29 Nov 2021``, ``May 2021``, ``autumn 2020``,
    ``the 1990s``), as an :class:`EventDate`. Raises ``ValueError`` with what to type when it is none of these."""
    value = text.strip().upper()
    if not any(pattern.fullmatch(value) for pattern, _ in _TIMEX):
        value = _from_label(text) or value
    for pattern, precision in _TIMEX:
        if pattern.fullmatch(value):
            try:
                timex_period(value)
            except (ValueError, OverflowError):  # (OverflowError: a week that ends past the year 9999)
                break
            return EventDate(value, precision, source)
    raise ValueError(f"{text.strip()!r} is not a date: type a day (2022-09-13 or 13 Sep 2022), a week (2022-W37), "
                     "a month (2022-09 or Sep 2022), a season (2020-FA), a year (2020) or a decade (199 for the 1990s)")
