"""What the store returns: named, typed records, filled from SQL rows by column name (never by position)."""
from __future__ import annotations

import datetime
import functools
import json
import sqlite3
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


def as_date(value: Any) -> datetime.date | None:
    """An ISO date (or a date) as a :class:`datetime.date`; ``None`` for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _spans(value: Any) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((a, b) for a, b in json.loads(value or "[]")))


def _names(value: Any) -> tuple[str, ...]:
    return tuple(n for n in json.loads(value or "[]") if n)


def _pairs(value: Any) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(v) for v in json.loads(value or "[]"))


# How a column's SQL value becomes a field's value, by field name (the rest are taken as they are).
_CONVERT = {
    "date": as_date, "date_last": as_date, "published": as_date,
    "corrected": bool, "role_corrected": bool, "date_corrected": bool, "filed_from": bool,
    "type_corrected": bool, "deaths_corrected": bool,
    "highlights": _spans, "places": _names, "actors": _names, "copies": _pairs,
}


def from_row(cls: type[T], row: sqlite3.Row, **given: Any) -> T:
    """A ``cls`` record from ``row``: each field from the column of its name (``given`` wins)."""
    values = {name: convert(row[i]) if convert else row[i] for name, i, convert in _plan(cls, tuple(row.keys()))}
    if given:
        values.update((name, value) for name, value in given.items() if name in _fields(cls))
    return cls(**values)


@functools.lru_cache(maxsize=64)
def _fields(cls: type) -> frozenset[str]:
    return frozenset(cls._fields if hasattr(cls, "_fields") else (f.name for f in fields(cls)))


@functools.lru_cache(maxsize=256)
def _plan(cls: type, keys: tuple[str, ...]) -> tuple[tuple[str, int, Any], ...]:
    """``(field, column index, conversion or None)`` of each field of ``cls`` that a row with columns ``keys``
    holds (worked out once per record type and query shape, not once per row: the page reads 8,000 places at
    a time)."""
    names = cls._fields if hasattr(cls, "_fields") else [f.name for f in fields(cls)]
    return tuple((name, keys.index(name), _CONVERT.get(name)) for name in names if name in keys)


class ArticleSummary(NamedTuple):
    """A stored article in a list: its id, title, file and publication date."""

    id: str
    title: str | None
    source: str
    published: datetime.date | None


class Candidate(NamedTuple):
    """A runner-up place of a mention, with its score."""

    place_id: int
    name: str
    score: float


class StoredPlace(NamedTuple):
    """A place as the store keeps it (with or without events)."""

    name: str
    kind: str
    country: str | None


class DayCount(NamedTuple):
    """Events on one day."""

    day: datetime.date
    events: int


class Period(NamedTuple):
    """Events over one period: its first and last day, its precision."""

    first: datetime.date
    last: datetime.date
    precision: str | None
    events: int


class TypedPeriod(NamedTuple):
    """Events of one ACLED event type (``None``: none) over one period."""

    first: datetime.date
    last: datetime.date
    precision: str | None
    events: int
    event_type: str | None


class CountryCount(NamedTuple):
    """A country of the places with events, and its number of events."""

    country: str
    events: int


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A place with its number of events and articles under a filter: ``events`` are distinct events (the
    reports of one event across articles, :mod:`dashboard.events.stories`, count once), ``reports`` the
    sentences that report them here, ``sources`` the distinct outlets of the articles (a wire copy counts
    as its original's)."""

    id: int
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    feature: str
    events: int
    articles: int
    reports: int = 0
    sources: int = 0


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event with its sentence (``sentence == article text[sent_start:sent_end]``) and its article.
    ``places`` are the sentence's literal places (where it happened), ``actors`` its associative ones."""

    id: int
    article_id: str
    place_id: int
    sent_start: int
    sent_end: int
    sentence: str
    highlights: tuple[tuple[int, int], ...]  # the place's mentions, offsets within ``sentence``
    date: datetime.date | None  # the first day of the event's date
    title: str | None
    url: str | None
    source: str
    corrected: bool = False  # a correction in this sentence made or kept this event
    date_last: datetime.date | None = None
    date_value: str | None = None  # TIMEX3
    date_precision: str | None = None  # day, week, month, season, year, decade
    date_source: str | None = None  # text, published, user
    role: str = "literal"
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    event_type: str | None = None  # ACLED's event type (None: the sentence's words name none)
    sub_event_type: str | None = None
    fatalities: int | None = None  # deaths reported (None: no number given)
    fatalities_high: int | None = None  # the highest figure of a range or of several
    cluster_id: int | None = None  # the event across articles it reports (None: a store without reports)
    reports: int = 1  # articles reporting its cluster (wire copies count)
    sources: int = 1  # distinct outlets among them (a copy counts as its original's)
    copy_of: str | None = None  # the article this one's is a wire copy of
    copies: tuple[tuple[str | None, str], ...] = ()  # (url, file) of the article's wire copies, in ingest order
    published: datetime.date | None = None  # the article's publication date (None: it gives none)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event with its place and article, for the events table and exports (one row each)."""

    id: int
    article_id: str
    date: datetime.date | None
    date_precision: str | None  # day, week, month, season, year, decade (None when undated)
    place_id: int
    place: str
    kind: str
    feature: str  # GeoNames class and code, e.g. P.PPL
    country: str | None
    lat: float
    lon: float
    sentence: str
    sent_start: int  # where the sentence starts in the article's text
    mention: tuple[int, int]  # the place's first mention in the sentence, offsets in the article's text
    mention_text: str
    title: str | None
    url: str | None
    source: str
    confidence: float  # the geoparser's; 1 for a corrected place
    corrected: bool
    date_last: datetime.date | None = None
    date_value: str | None = None
    date_source: str | None = None
    role: str = "literal"
    role_confidence: float = 1.0
    actors: tuple[str, ...] = ()
    date_corrected: bool = False
    event_type: str | None = None  # ACLED's event type (None: the sentence's words name none)
    sub_event_type: str | None = None
    fatalities: int | None = None  # deaths reported (None: no number given)
    fatalities_high: int | None = None  # the highest figure of a range or of several
    cluster_id: int | None = None  # the event across articles it reports (dashboard/events/stories.py)
    story_id: int | None = None  # its article's story
    reports: int = 1  # articles reporting its cluster (wire copies count)
    sources: int = 1  # distinct outlets among them (a copy counts as its original's)
    outlets: tuple[str, ...] = ()  # those outlets, by name
    # the cluster's report sentences: (article id, start, end, outlet, sentence), offsets in the article's text
    report_sentences: tuple[tuple[str, int, int, str, str], ...] = ()
    type_corrected: bool = False  # a person chose the event type (dashboard/store/writes.py correct_type)
    deaths_corrected: bool = False  # a person gave the deaths
    corrected_by: tuple[str, ...] = ()  # who made the corrections in force on this row (.authorship)
    corrected_at: str | None = None  # ... the latest of them, UTC ISO 8601

    @property
    def event_key(self) -> tuple[int, int]:
        """The event at its place that this row reports: its event across articles (else the row itself, as
        the store's count of distinct events: a negative id) and its place. Rows of one event at one place,
        from several articles, share it; the map counts each once."""
        return (-self.id if self.cluster_id is None else self.cluster_id, self.place_id)


@dataclass(frozen=True, slots=True)
class StoredMention:
    """A mention with the place it names now (``place_id`` None: marked "not a place") and its role now."""

    start: int
    end: int
    text: str
    place_id: int | None
    place_name: str
    kind: str
    country: str | None
    confidence: float
    corrected: bool = False
    machine_place_id: int | None = None
    machine_place_name: str | None = None
    role: str = "literal"
    role_confidence: float = 1.0
    role_corrected: bool = False
    filed_from: bool = False


@dataclass(frozen=True, slots=True)
class EventFix:
    """One correction of an event that counts now (:mod:`dashboard.store.event_fixes`): a mention's role, a
    sentence's date, type or deaths (the latest of each), or a split or merge of events across articles.

    ``kind``: ``role``, ``date``, ``type``, ``deaths``, ``split`` or ``merge``; ``value`` and ``detail``
    what it set: the role; the date's TIMEX value and precision (``None``: undated); the event type and
    sub-type (``None``: none); the deaths and the highest of a range (``None``: no number); for a merge, the
    article and sentence start of the report whose event it put into this one's."""

    kind: str
    id: int
    article_id: str
    sent_start: int | None  # the sentence (a role's: its mention's; None when the article is gone)
    start: int | None  # a role's mention span
    end: int | None
    value: Any
    detail: Any
    author: str
    created_at: str
    title: str | None  # the article's title
    sentence: str | None  # the sentence's text ("" or None when the article is no longer stored)
    mention: str | None  # a role's mention as written


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of a mention: the place a person chose (``place_id`` None: "not a place")."""

    id: int
    article_id: str
    start: int
    end: int
    text: str  # the mention as written ("" when the article is no longer stored)
    place_id: int | None
    place_name: str | None
    machine_place_id: int | None
    machine_place_name: str | None
    title: str | None
    author: str  # who made it (the logged-in user; on a single analyst's page, the OS user)
    created_at: str  # UTC, ISO 8601
    undone_by: str | None = None  # who took it back (kept in the history: version 11)
    undone_at: str | None = None  # ... and when; None while it counts


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: str
    source: str
    title: str | None
    published: datetime.date | None
    url: str | None
    text: str
    mentions: tuple[StoredMention, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DateRange:
    first: datetime.date | None
    last: datetime.date | None
    dated: int  # events with a date
    undated: int  # events without one
    undated_literal: int = 0  # ... of them, those where something happened (what the map shows by default)
