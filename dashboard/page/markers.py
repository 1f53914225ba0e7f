"""What the map shows, without folium: each place's marker data (escaped, as compact JSON for the
browser's script, ``markers.js.j2``), the kinds' marker styles and legend, and what a click selects.

Kept apart from :mod:`dashboard.page.mapview` (folium, branca, numpy: half a second to import at a
server's first page) so that the read layer and the page can import it at once, before the map is drawn.
Every string from an article or the gazetteer reaches the map through :func:`dashboard.page.markup.escape`.
"""
from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dashboard.export import country_name
from dashboard.page.markup import escape, excerpt_words

# How each kind of place looks: its marker style (a CSS class) and its legend label.
STYLES: dict[str, str] = {
    "town": "town",
    "province": "area", "district": "area", "region": "area", "continent": "area",
    "country": "country",
    "water": "feature", "terrain": "feature", "route": "feature", "site": "feature",
}
LEGEND = {
    "town": "town or city (round)",
    "area": "province, district or region (square)",
    "country": "whole country (pale, named, beneath the rest)",
    "feature": "sea, river, mountain, road or site (diamond)",
}
# markercluster's own colours (MarkerCluster.Default.css) and what the page's cluster bubbles count
CLUSTER_LEGEND = {"small": "under 10 events", "medium": "10 to 99 events", "large": "100 events or more"}


@dataclass(frozen=True, slots=True)
class Sample:
    """One sentence to quote in a popup: the article's text, the sentence's span, the mention's span."""

    text: str
    sentence: tuple[int, int]
    mention: tuple[int, int]
    title: str | None
    date: str | None  # the event's date as a reader says it ("13 Sep 2022", "week of 29 Nov 2021", "undated")
    reports: int = 1  # articles that report the event (across articles, wire copies included)
    sources: int = 1  # ... and their distinct outlets
    what: str = ""  # its type and deaths as a reader says them ("Battles (armed clash) · 49 killed"), or ""


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """What the map shows of one place under the current filter: ``events`` distinct events (an event
    reported by several articles counts once), ``articles`` and ``sources`` (distinct outlets) reporting them."""

    id: int
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    events: int
    articles: int
    samples: tuple[Sample, ...] = field(default=())
    sources: int = 1


def style_of(kind: str) -> str:
    return STYLES.get(kind, "area")


POPUP_EXCERPT = 240  # characters of a sentence quoted in a popup, around the place's name
MIN_SIZE, MAX_SIZE = 22, 56  # a marker's size in pixels, for 1 event and for about 400 or more


@functools.lru_cache(maxsize=1 << 12)
def _size(kind: str, events: int) -> tuple[int, int]:
    """A marker's width and height, graduated by its number of events (on a log scale: 1 event 22 px,
    2 26, 5 31, 10 35, 25 41, 100 49, 400 or more 56; never too small for its number); a country's
    pill is as wide as its name and number (the browser sizes it), at least this wide."""
    digits = len(str(events))
    if style_of(kind) == "country":
        return 34 + 8 * digits, 24
    size = round(MIN_SIZE + 4 * math.log2(min(max(events, 1), 400)))
    size = min(max(size, 14 + 8 * digits), MAX_SIZE)
    return size, size


def deaths_label(fatalities: int | None, high: int | None = None) -> str:
    """Deaths as a reader says them: "49 killed", "10 to 15 killed", "no one killed"; "" when none given."""
    if fatalities is None:
        return ""
    if fatalities == 0 and not high:
        return "no one killed"
    return f"{fatalities:,}{f' to {high:,}' if high and high > fatalities else ''} killed"


def what_happened(event_type: str | None, sub_event_type: str | None, fatalities: int | None = None,
                  high: int | None = None) -> str:
    """An event's type and deaths: "Battles (armed clash) · 49 killed" ("" when neither is known)."""
    kind = (event_type or "") + (f" ({sub_event_type[:1].lower() + sub_event_type[1:]})"
                                 if event_type and sub_event_type else "")
    return " · ".join(part for part in (kind, deaths_label(fatalities, high)) if part)


def reported_by(reports: int, sources: int) -> str:
    """"reported by 3 articles from 2 sources" (a wire copy is one more article, not one more source)."""
    def n(count: int, word: str) -> str:
        return f"{count:d} {word}{'s' if count != 1 else ''}"
    return f"reported by {n(reports, 'article')} from {n(sources, 'source')}"


@functools.lru_cache(maxsize=1 << 15)
def tooltip_label(name: str, kind: str, country: str | None) -> str:
    """A marker's tooltip as the browser shows it (the text st_folium reports of a clicked marker):
    "Goris · town · Armenia" (the country's name; "no country"). No id."""
    return f"{name} · {kind} · {country_name(country) or 'no country'}"


def marker_data(places: Iterable[PlaceSummary], *, limit: int = POPUP_EXCERPT) -> str:
    """What the browser needs to draw the markers, their tooltips and popups, as compact JSON.

    ``{"titles": [title, ...], "rows": [row, ...]}``, a row per place:
    ``[lat, lon, id, style, kind, events, articles, name, country, width, height, samples, country name,
    sources, notes]`` (the rows in the store's order: most events first, which the labels follow), a
    sample per event quoted (its first report here): ``[before, name as written, after, title index,
    date]``, and a note per sample: ``[what it was, "reported by N articles from M sources" or ""]``. Every string is
    already escaped with :func:`dashboard.page.markup.escape` (the page's script only puts them between tags
    of its own), every number is a number, and the JSON cannot close a ``<script>``. Titles are shared
    by the places of one article. Worth caching: at thousands of places this is the map's weight."""
    titles: dict[str, int] = {}
    rows = []
    for p in places:
        samples, notes = [], []
        for q in p.samples:
            before, name, after, title, date = _quoted(q, limit)
            samples.append([before, name, after, titles.setdefault(title, len(titles)), date])
            notes.append(_notes(q.what, q.reports, q.sources))
        kind, name, country, country_label = _place_text(p.kind, p.name, p.country)
        width, height = _size(p.kind, p.events)
        rows.append([round(float(p.lat), 5), round(float(p.lon), 5), int(p.id), style_of(p.kind), kind,
                     int(p.events), int(p.articles), name, country, width, height, samples, country_label,
                     int(p.sources), notes])
    text = json.dumps({"titles": list(titles), "rows": rows}, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c")  # escape() leaves no "<"; this keeps it so whatever comes


# The same places and sentences come back filter after filter: their strings are escaped once (escaping
# every place's at each filter change was half of marker_data's time at 8,600 places).
@functools.lru_cache(maxsize=1 << 15)
def _place_text(kind: str, name: str, country: str | None) -> tuple[str, str, str, str]:
    """A marker's kind, name, country code and country name, escaped."""
    return (escape(kind), escape(name), escape(country or "no country"),
            escape(country_name(country) or "no country"))


@functools.lru_cache(maxsize=1 << 16)
def _notes(what: str, reports: int, sources: int) -> tuple[str, str]:
    """A popup sentence's note, escaped: what it was, and "reported by N articles from M sources" ("" for one)."""
    return escape(what), escape(reported_by(reports, sources)) if reports > 1 else ""


@functools.lru_cache(maxsize=1 << 16)
def _quoted(q: Sample, limit: int) -> tuple[str, str, str, str, str]:
    """A popup's sentence, escaped: before the name, the name, after it, the title, the date (the same
    sentences come back filter after filter: each is cut and escaped once)."""
    window = excerpt_words(q.text, q.sentence[0], q.sentence[1], q.mention, limit)
    before = ("… " if window.cut_left else "") + escape(q.text[window.start:q.mention[0]].lstrip())
    after = escape(q.text[q.mention[1]:window.end].rstrip()) + (" …" if window.cut_right else "")
    return (before, escape(q.text[q.mention[0]:q.mention[1]]), after, escape(q.title or "Untitled"),
            escape(q.date or "undated"))


# -- the frame -----------------------------------------------------------------------------------------
FRAME_LOW, FRAME_HIGH = 0.10, 0.90  # the share of the events' weight left out on each side
COUNTRY_WEIGHT = 0.1  # a country-level event counts this much towards the frame (its middle is no place)
MIN_SPAN = 1.0  # degrees: a frame never narrower (one town is shown with its surroundings)
FRAME_MARGIN = 0.1  # of the frame's span, added on each side


def _quantile(values: Sequence[tuple[float, float]], q: float) -> float:
    """The weighted ``q``-quantile of ``(value, weight)`` pairs: the smallest value whose cumulative
    weight reaches ``q`` of the whole."""
    ordered = sorted(values)
    total = sum(w for _, w in ordered)
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= q * total - 1e-9:
            return value
    return ordered[-1][0]


def frame_of(places: Iterable[Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The map's frame for these places (anything with ``lat``, ``lon``, ``kind`` and ``events``):
    ``((south, west), (north, east))`` around most events, not every outlier.

    Each axis runs from the 10th to the 90th percentile of the places' coordinates weighted by their
    events, a country counting a tenth (its middle is nowhere in particular; countries alone frame
    themselves), widened by a tenth of its span on each side and to one degree at least. ``None``
    when there is no place."""
    places = [p for p in places if math.isfinite(p.lat) and math.isfinite(p.lon)]
    points = [(float(p.lat), float(p.lon), max(int(p.events), 1) * (COUNTRY_WEIGHT if p.kind == "country" else 1.0))
              for p in places]
    if not points:
        return None
    if all(p.kind == "country" for p in places):
        points = [(lat, lon, w / COUNTRY_WEIGHT) for lat, lon, w in points]
    s, n = (_quantile([(lat, w) for lat, _, w in points], q) for q in (FRAME_LOW, FRAME_HIGH))
    w, e = (_quantile([(lon, w) for _, lon, w in points], q) for q in (FRAME_LOW, FRAME_HIGH))
    pad_lat = max((n - s) * FRAME_MARGIN, (MIN_SPAN - (n - s)) / 2, 0.0)
    pad_lon = max((e - w) * FRAME_MARGIN, (MIN_SPAN - (e - w)) / 2, 0.0)
    return ((round(max(s - pad_lat, -85.0), 4), round(w - pad_lon, 4)),
            (round(min(n + pad_lat, 85.0), 4), round(e + pad_lon, 4)))


# -- clicks --------------------------------------------------------------------------------------------
RETURNED_OBJECTS = ["last_object_clicked", "last_object_clicked_tooltip", "last_object_clicked_count"]
CLICK_TOLERANCE = 1e-4  # degrees: a marker's click reports the marker's own position (5 decimals)


class Spot(NamedTuple):
    """Where a marker is on the map, to tell which place a click meant: its place id, its position as
    the map has it (:func:`marker_data` rounds to 5 decimals) and its tooltip's text."""

    id: int
    lat: float
    lon: float
    label: str


def spots(places: Iterable[Any]) -> tuple[Spot, ...]:
    """The :class:`Spot` of each marker drawn from ``places`` (``id``, ``name``, ``kind``, ``country``,
    ``lat``, ``lon``), in their order (most events first)."""
    return tuple(Spot(int(p.id), round(float(p.lat), 5), round(float(p.lon), 5),
                      tooltip_label(p.name, p.kind, p.country)) for p in places)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def place_at(position: Any, tooltip: Any, markers: Sequence[Spot]) -> int | None:
    """The place of the marker at ``position`` (``{"lat": .., "lng": ..}``, what Leaflet reports of a
    clicked marker), or ``None`` when no marker is there. Places at one position are told apart by the
    clicked marker's tooltip text, then by their order (the busiest first)."""
    if not isinstance(position, Mapping):
        return None
    lat, lon = _number(position.get("lat")), _number(position.get("lng"))
    if lat is None or lon is None:
        return None
    best: list[tuple[float, int, Spot]] = []
    for order, spot in enumerate(markers):
        d_lon = abs(spot.lon - lon) % 360.0
        far = max(abs(spot.lat - lat), min(d_lon, 360.0 - d_lon))
        if far <= CLICK_TOLERANCE:
            best.append((far, order, spot))
    if not best:
        return None
    named = [b for b in best if isinstance(tooltip, str) and b[2].label == tooltip.strip()]
    return min(named or best, key=lambda b: (b[0], b[1]))[2].id


def selected_place(value: Mapping[str, Any] | None, seen_clicks: int | None,
                   markers: Sequence[Spot] = ()) -> tuple[int | None, int | None]:
    """Map ``st_folium``'s return value to ``(place id, click count)``.

    The place id is that of the marker (among ``markers``, those the map was drawn with) clicked since
    the click count ``seen_clicks`` (what this function returned last time), found by the position
    the click reports (:func:`place_at`), or ``None`` when nothing new was clicked: the value repeats
    the last click on every rerun, and clicking the same marker again only moves the count. Store the
    returned count for the next call."""
    if not value:
        return None, None
    count = value.get("last_object_clicked_count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else None
    if count is None or count == seen_clicks:
        return None, count
    return place_at(value.get("last_object_clicked"), value.get("last_object_clicked_tooltip"), markers), count
