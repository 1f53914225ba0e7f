"""Which events to show: :class:`EventFilter`, its SQL condition and its URL codec (the page's filters
live in the URL, so a view can be shared; malformed values fall back to the defaults)."""
from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .records import as_date


def _flag(value: Any, default: bool) -> bool:
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
MAX_FILTER_PLACES = 200  # place ids one filter (one URL) may name
MAX_SEARCH = 200  # characters of a text search
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _codes(values: Any) -> tuple[str, ...]:
    return tuple(sorted({v for v in (str(x).strip().upper() for x in values) if _COUNTRY_CODE.fullmatch(v)}))


def _ids(values: Any) -> tuple[int, ...]:
    out = set()
    for x in values:
        try:
            out.add(int(str(x).strip()))
        except ValueError:
            continue
    return tuple(sorted(out))[:MAX_FILTER_PLACES]


def _kinds(values: Any) -> tuple[str, ...]:
    return tuple(k for k in KIND_GROUPS if k in {str(v).strip().lower() for v in values})


def _confidence(value: Any) -> float:
    try:
        number = float(str(value).strip()) if value is not None else 0.0
    except ValueError:
        return 0.0
    if number != number:  # NaN
        return 0.0
    return round(min(max(number, 0.0), 1.0), 2)


def _search(value: Any) -> str:
    return " ".join(_CONTROLS.sub(" ", "" if value is None else str(value)).split())[:MAX_SEARCH]


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
    it (SQLite ``LIKE``: case-insensitive for ASCII letters only). ``every_mention`` keeps places named
    only as actors or sources (associative); by default only the places where something happened
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", _codes(self.country))
        object.__setattr__(self, "places", _ids(self.places))
        object.__setattr__(self, "article", _article_id(self.article))
        object.__setattr__(self, "kinds", _kinds(self.kinds))
        object.__setattr__(self, "min_confidence", _confidence(self.min_confidence))
        object.__setattr__(self, "text", _search(self.text))

    def where(self, event: str = "e", place: str = "p") -> tuple[str, list[Any]]:
        """A SQL condition over ``event`` (a row of the ``event`` table) and ``place`` (joined on
        ``event.place``), and its parameters."""
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
        if self.kinds:
            kinds = [k for group in self.kinds for k in KIND_GROUPS[group]]
            cond += f" AND {place}.kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        if self.min_confidence > 0:
            cond += f" AND {event}.confidence >= ?"
            params.append(self.min_confidence)
        if self.text:
            cond += (f" AND EXISTS (SELECT 1 FROM article ax WHERE ax.id = {event}.article AND substr(ax.text, "
                     f"{event}.sent_start + 1, {event}.sent_end - {event}.sent_start) LIKE ? ESCAPE '\\')")
            params.append(like_pattern(self.text))
        return cond, params

    # The URL: ?from=2022-01-01&to=2022-12-31&undated=0&countries=0&country=AM,AZ&places=616108&
    # article=0123456789abcdef&kind=town,region&conf=0.5&q=shelling&mentions=all (defaults are left out).
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
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EventFilter:
        """The filter a URL asks for; malformed values fall back to the defaults (a list drops only its
        malformed items), reversed dates are swapped."""
        start, end = as_date(_one(params.get("from"))), as_date(_one(params.get("to")))
        if start and end and start > end:
            start, end = end, start
        return cls(start, end, _flag(_one(params.get("undated")), True), _flag(_one(params.get("countries")), True),
                   country=_listed(params.get("country")), places=_listed(params.get("places")),
                   article=_one(params.get("article")), kinds=_listed(params.get("kind")),
                   min_confidence=_one(params.get("conf")), text=_one(params.get("q")),
                   every_mention=str(_one(params.get("mentions")) or "").strip().lower() == "all")

    def clamp(self, low: datetime.date | None, high: datetime.date | None) -> EventFilter:
        """The same filter with its dates kept inside ``[low, high]`` (a date range widget's bounds)."""
        def inside(d: datetime.date | None) -> datetime.date | None:
            if d is None or low is None or high is None:
                return d
            return min(max(d, low), high)
        return replace(self, start=inside(self.start), end=inside(self.end))


def _one(value: Any) -> Any:
    """The last value of a URL parameter given more than once."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value
