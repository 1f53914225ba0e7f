"""Which events to show: :class:`EventFilter`, its SQL condition and its URL codec (the page's filters
live in the URL, so a view can be shared; malformed or out-of-range values fall back to the defaults,
and :meth:`EventFilter.read_params` says which it ignored)."""
from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..events.types import TYPES
from .records import as_date


def _flag(value: Any, default: bool | None) -> bool | None:
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    return default


# Kinds of place a filter can ask for, and the Place.kind values each covers.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "town": ("town",),
    "region": ("province", "district", "region", "continent"),
    "country": ("country",),
    "feature": ("water", "terrain", "route", "site"),
}
KIND_LABELS = {"town": "town or city", "region": "province, district or region", "country": "country",
               "feature": "sea, river, mountain, road or site"}
# ACLED's six event types and the short names the URL gives them (?type=battles,explosions).
EVENT_TYPE_CODES: dict[str, str] = dict(zip(("explosions", "battles", "civilians", "riots", "protests", "strategic"),
                                            TYPES, strict=True))
EVENT_TYPE_NAMES = list(EVENT_TYPE_CODES.values())  # in ACLED's (and the types' tie-break) order
MAX_MIN_SOURCES = 1000  # a minimum number of sources above this is taken as this
MAX_FILTER_PLACES = 200  # place ids one filter (one URL) may name
MAX_SEARCH = 200  # characters of a text search
ID_MIN, ID_MAX = -(2**63), 2**63 - 1  # what an SQLite INTEGER holds: an id beyond it can name nothing
_INTEGER = re.compile(r"[+-]?[0-9]{1,40}")  # ASCII digits only (int() also takes "١٢٣" and "1_000")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _code(value: Any) -> str | None:
    text = str(value).strip().upper()
    return text if text.isascii() and _COUNTRY_CODE.fullmatch(text) else None


def _codes(values: Any) -> tuple[str, ...]:
    return tuple(sorted({c for c in map(_code, values) if c}))


def as_id(value: Any) -> int | None:
    """``value`` as an id SQLite can hold (a 64-bit signed integer): an int, or decimal ASCII digits
    (with a sign, spaces around); ``None`` for anything else, a bool or a number out of that range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if isinstance(value, str) else ""
        if not _INTEGER.fullmatch(text):
            return None
        number = int(text)
    return number if ID_MIN <= number <= ID_MAX else None


def _ids(values: Any) -> tuple[int, ...]:
    """The ids among ``values`` (see :func:`as_id`; anything else dropped), each once, at most
    :data:`MAX_FILTER_PLACES`."""
    out = {n for n in map(as_id, values) if n is not None}
    return tuple(sorted(out))[:MAX_FILTER_PLACES]


def _kinds(values: Any) -> tuple[str, ...]:
    return tuple(k for k in KIND_GROUPS if k in {str(v).strip().lower() for v in values})


def _event_types(values: Any) -> tuple[str, ...]:
    """ACLED event types among ``values`` (their names or the URL's short names), in ACLED's order."""
    given = {EVENT_TYPE_CODES.get(str(v).strip().lower(), str(v).strip()) for v in values}
    return tuple(t for t in EVENT_TYPE_NAMES if t in given)


def _type_code(value: str) -> bool:
    return bool(_event_types([value]))


def _min_sources(value: Any) -> int:
    number = as_id(value) if not isinstance(value, float) else (int(value) if math.isfinite(value) else None)
    return 1 if number is None else min(max(number, 1), MAX_MIN_SOURCES)


def _number(value: Any) -> float | None:
    """A finite number from ``value`` (a number, or text in ASCII digits), or ``None``."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            text = str(value).strip()
            number = float(text) if text.isascii() else math.nan
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _confidence(value: Any) -> float:
    number = _number(value) if value is not None else 0.0
    if number is None:
        return 0.0
    return round(min(max(number, 0.0), 1.0), 2)


def _search(value: Any, limit: int | None = MAX_SEARCH) -> str:
    return " ".join(_CONTROLS.sub(" ", "" if value is None else str(value)).split())[:limit]


def _article_id(value: Any) -> str | None:
    text = "" if value is None else str(value).strip().lower()
    return text if _ARTICLE_ID.fullmatch(text) else None


def _listed(value: Any) -> list[str]:
    """``"a,b"`` or ``["a", "b"]`` (a URL parameter given once or repeated) as a list of strings."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [part for item in items for part in str(item).split(",") if part.strip()]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%``, ``_`` and the escape character escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show. Dates are inclusive; ``undated`` keeps events without a date;
    ``countries`` keeps country-level places; ``country`` keeps places in these ISO 3166-1 alpha-2
    countries; ``places`` only these place ids; ``article`` only this article's events; ``kinds`` only
    these kinds of place (keys of :data:`KIND_GROUPS`); ``min_confidence`` only events whose place was
    resolved at least this surely (a corrected place counts as 1); ``text`` only sentences containing
    it (SQLite ``LIKE``: case-insensitive for ASCII letters only); ``event_types`` only events of these
    ACLED types (:data:`EVENT_TYPE_NAMES`); ``min_sources`` only events (across articles: the cluster of
    :mod:`dashboard.events.stories`) that at least this many distinct outlets report. ``every_mention``
    keeps places named only as actors or sources (associative); by default only the places where something happened
    (literal). Dates are the events' own: an event of coarse precision (a week, a month, a year) is kept
    when its period overlaps the range. Empty means "no restriction".
    Hashable (a cache key) and serialisable to the URL; values are normalised on construction."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    undated: bool = True
    countries: bool = True
    country: tuple[str, ...] = ()
    places: tuple[int, ...] = ()
    article: str | None = None
    kinds: tuple[str, ...] = ()
    min_confidence: float = 0.0
    text: str = ""
    every_mention: bool = False
    event_types: tuple[str, ...] = ()
    min_sources: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", _codes(self.country))
        object.__setattr__(self, "places", _ids(self.places))
        object.__setattr__(self, "article", _article_id(self.article))
        object.__setattr__(self, "kinds", _kinds(self.kinds))
        object.__setattr__(self, "min_confidence", _confidence(self.min_confidence))
        object.__setattr__(self, "text", _search(self.text))
        object.__setattr__(self, "event_types", _event_types(self.event_types))
        object.__setattr__(self, "min_sources", _min_sources(self.min_sources))

    def where(self, event: str = "e", place: str = "p", copies: bool = False) -> tuple[str, list[Any]]:
        """A SQL condition over ``event`` (a row of the ``event`` table) and ``place`` (joined on
        ``event.place``), and its parameters. A wire copy is shown once, as its original: a copy's event of
        an event its original reports too is left out (:func:`shown`), unless ``copies`` (counts that take
        a copy as one more article) or the filter names the article."""
        dated, params = [f"{event}.date IS NOT NULL"], []
        if self.start:
            dated.append(f"{event}.date_last >= ?")
            params.append(self.start.isoformat())
        if self.end:
            dated.append(f"{event}.date <= ?")
            params.append(self.end.isoformat())
        cond = "(" + " AND ".join(dated) + (f" OR {event}.date IS NULL)" if self.undated else ")")
        if not self.every_mention:
            cond += f" AND {event}.role = 'literal'"
        if not self.countries:
            cond += f" AND {place}.kind <> 'country'"
        if self.country:
            cond += f" AND {place}.country IN ({', '.join('?' * len(self.country))})"
            params.extend(self.country)
        if self.places:
            cond += f" AND {event}.place IN ({', '.join('?' * len(self.places))})"
            params.extend(self.places)
        if self.article:
            cond += f" AND {event}.article = ?"
            params.append(self.article)
        elif not copies:
            cond += f" AND {shown(event)}"
        if self.kinds:
            kinds = [k for group in self.kinds for k in KIND_GROUPS[group]]
            cond += f" AND {place}.kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        if self.min_confidence > 0:
            cond += f" AND {event}.confidence >= ?"
            params.append(self.min_confidence)
        if self.text:
            cond += (f" AND EXISTS (SELECT 1 FROM sentence sx WHERE sx.article = {event}.article AND sx.start = "
                     f"{event}.sent_start AND sx.text LIKE ? ESCAPE '\\')")
            params.append(like_pattern(self.text))
        if self.event_types:
            cond += f" AND {event}.event_type IN ({', '.join('?' * len(self.event_types))})"
            params.extend(self.event_types)
        if self.min_sources > 1:
            # The event (its report's cluster now, corrections applied: dashboard/store/clusters.py) is one of
            # those with enough distinct outlets: a list SQLite makes once per query (not once per event: a
            # big story's event has hundreds of reports). An event without a report has one source.
            cond += (" AND EXISTS (SELECT 1 FROM report rx LEFT JOIN corrected_cluster cxx ON cxx.report = rx.id "
                     f"WHERE rx.article = {event}.article AND rx.sent_start = {event}.sent_start AND "
                     "coalesce(cxx.cluster, rx.cluster) IN (SELECT coalesce(y.cluster, o.cluster) FROM report o "
                     "LEFT JOIN corrected_cluster y ON y.report = o.id JOIN article_copy c ON c.article = o.article "
                     "GROUP BY 1 HAVING count(DISTINCT c.outlet) >= ?))")
            params.append(self.min_sources)
        return cond, params

    # The URL: ?from=2022-01-01&to=2022-12-31&undated=0&countries=0&country=AM,AZ&places=616108&
    # article=0123456789abcdef&kind=town,region&conf=0.5&q=shelling&mentions=all&type=battles,explosions&
    # sources=2 (defaults are left out).
    def to_params(self) -> dict[str, str]:
        params = {}
        if self.start:
            params["from"] = self.start.isoformat()
        if self.end:
            params["to"] = self.end.isoformat()
        if not self.undated:
            params["undated"] = "0"
        if not self.countries:
            params["countries"] = "0"
        if self.country:
            params["country"] = ",".join(self.country)
        if self.places:
            params["places"] = ",".join(map(str, self.places))
        if self.article:
            params["article"] = self.article
        if self.kinds:
            params["kind"] = ",".join(self.kinds)
        if self.min_confidence > 0:
            params["conf"] = f"{self.min_confidence:g}"
        if self.text:
            params["q"] = self.text
        if self.every_mention:
            params["mentions"] = "all"
        if self.event_types:
            codes = {name: code for code, name in EVENT_TYPE_CODES.items()}
            params["type"] = ",".join(codes[t] for t in self.event_types)
        if self.min_sources > 1:
            params["sources"] = str(self.min_sources)
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EventFilter:
        """The filter a URL asks for; malformed values fall back to the defaults (a list drops only its
        malformed items), reversed dates are swapped."""
        return cls.read_params(params)[0]

    @classmethod
    def read_params(cls, params: Mapping[str, Any]) -> tuple[EventFilter, list[Ignored]]:
        """:meth:`from_params`, and what of the URL it ignored (or cut), in the order of
        :data:`URL_PARAMS`. Never raises, whatever the values (any text, a list of them, huge numbers)."""
        ignored: list[Ignored] = []

        def one(name: str) -> str | None:
            value = _one(params.get(name))
            return None if value is None or not str(value).strip() else str(value)

        def date(name: str) -> datetime.date | None:
            value = one(name)
            found = as_date(value)
            if value is not None and found is None:
                ignored.append(Ignored(name, value, "not a date (YYYY-MM-DD)"))
            return found

        def flag(name: str) -> bool:
            value = one(name)
            found = _flag(value, None)
            if value is not None and found is None:
                ignored.append(Ignored(name, value, "not 0 or 1"))
            return True if found is None else found

        def listed(name: str, keep: Any, why: str) -> list[str]:
            items = _listed(params.get(name))
            bad = [item for item in items if not keep(item)]
            if bad:
                ignored.append(Ignored(name, ",".join(bad), why))
            return [item for item in items if keep(item)]

        start, end = date("from"), date("to")
        if start and end and start > end:
            start, end = end, start
        undated, countries = flag("undated"), flag("countries")
        country = listed("country", _code, "not a country code (two letters)")
        places = listed("places", lambda p: as_id(p) is not None, "not a place id")
        if len(set(map(as_id, places))) > MAX_FILTER_PLACES:
            ignored.append(Ignored("places", f"{len(places)} places", f"only the first {MAX_FILTER_PLACES} are kept"))
        article = one("article")
        if article is not None and _article_id(article) is None:
            ignored.append(Ignored("article", article, "not an article id (16 hex digits)"))
        kinds = listed("kind", lambda v: v.strip().lower() in KIND_GROUPS, "not town, region, country or feature")
        conf = one("conf")
        number = None if conf is None else _number(conf)
        if conf is not None and number is None:
            ignored.append(Ignored("conf", conf, "not a number from 0 to 1"))
            conf = None
        elif number is not None and not 0.0 <= number <= 1.0:  # kept within the range, and said so
            ignored.append(Ignored("conf", conf, f"not from 0 to 1: {_confidence(number):g} is used"))
        text = one("q")
        if text is not None and len(_search(text, None)) > MAX_SEARCH:
            ignored.append(Ignored("q", text, f"longer than {MAX_SEARCH} characters: cut"))
        mentions = (one("mentions") or "").strip().lower()
        if mentions not in ("", "all"):
            ignored.append(Ignored("mentions", one("mentions") or "", "not “all”"))
        types = listed("type", _type_code, "not an event type (" + ", ".join(EVENT_TYPE_CODES) + ")")
        sources = one("sources")
        if sources is not None and (as_id(sources) is None or as_id(sources) < 1):
            ignored.append(Ignored("sources", sources, "not a whole number from 1"))
            sources = None
        elif sources is not None and as_id(sources) > MAX_MIN_SOURCES:
            ignored.append(Ignored("sources", sources, f"more than {MAX_MIN_SOURCES}: {MAX_MIN_SOURCES} is used"))
        flt = cls(start, end, undated, countries, country=country, places=places, article=article, kinds=kinds,
                  min_confidence=conf, text=text, every_mention=mentions == "all", event_types=types,
                  min_sources=sources)
        return flt, ignored

    def clamp(self, low: datetime.date | None, high: datetime.date | None) -> EventFilter:
        """The same filter with its dates kept inside ``[low, high]`` (a date range widget's bounds)."""
        def inside(d: datetime.date | None) -> datetime.date | None:
            if d is None or low is None or high is None:
                return d
            return min(max(d, low), high)
        return replace(self, start=inside(self.start), end=inside(self.end))


def shown(event: str = "e") -> str:
    """SQL: whether the row ``event`` is shown, not a wire copy's event of an event that its original
    reports too (what only the copy says stays; the original's counts the copy as one more article)."""
    # (the copies are few: the list of them is made once per query, the probe runs for their rows only)
    return (f"({event}.article NOT IN (SELECT article FROM article_copy WHERE copy_of IS NOT NULL) OR NOT EXISTS "
            f"(SELECT 1 FROM article_copy cq JOIN event eo ON eo.article = cq.copy_of AND eo.cluster = "
            f"{event}.cluster WHERE cq.article = {event}.article))")


# The URL's parameters: the filter's (EventFilter.to_params) and the selected place's (the page's).
URL_PARAMS = ("from", "to", "undated", "countries", "country", "places", "article", "kind", "conf", "q", "mentions",
              "type", "sources", "place")


@dataclass(frozen=True, slots=True)
class Ignored:
    """A URL parameter's value that was ignored (or cut), and why. ``value`` is the URL's text as is:
    untrusted (escape it to show it)."""

    param: str
    value: str
    why: str


def _one(value: Any) -> Any:
    """The last value of a URL parameter given more than once."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value
