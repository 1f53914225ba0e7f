"""What the map shows, without folium: each place's marker data (escaped, as compact JSON for the
browser's script, ``markers.js.j2``), the kinds' marker styles and legend, and what a click selects.

Kept apart from :mod:`dashboard.page.mapview` (folium, branca, numpy: half a second to import at a
server's first page) so that the read layer and the page can import it at once, before the map is drawn.
Every string from an article or the gazetteer reaches the map through :func:`dashboard.page.markup.escape`.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard.page.markup import escape, excerpt_words
from dashboard.store.filters import as_id

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
    "country": "whole country (large, pale, beneath the rest)",
    "feature": "sea, river, mountain, road or site (diamond)",
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One sentence to quote in a popup: the article's text, the sentence's span, the mention's span."""

    text: str
    sentence: tuple[int, int]
    mention: tuple[int, int]
    title: str | None
    date: str | None  # the event's date as a reader says it ("13 Sep 2022", "week of 29 Nov 2021", "undated")


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """What the map shows of one place under the current filter."""

    id: int
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    events: int
    articles: int
    samples: tuple[Sample, ...] = field(default=())


def style_of(kind: str) -> str:
    return STYLES.get(kind, "area")


_TOOLTIP_ID = re.compile(r"#(-?[0-9]+)\s*$")
POPUP_EXCERPT = 240  # characters of a sentence quoted in a popup, around the place's name


def _size(place: PlaceSummary) -> tuple[int, int]:
    """A marker's width and height: bigger for more events, a wide pale pill for a country."""
    digits = len(str(place.events))
    if style_of(place.kind) == "country":
        return 34 + 8 * digits, 24
    size = min(22 + 3 * digits + int(4 * min(place.events, 100) ** 0.5 / 2), 44)
    return size, size


def marker_data(places: Iterable[PlaceSummary], *, limit: int = POPUP_EXCERPT) -> str:
    """What the browser needs to draw the markers, their tooltips and popups, as compact JSON.

    ``{"titles": [title, ...], "rows": [row, ...]}``, a row per place:
    ``[lat, lon, id, style, kind, events, articles, name, country, width, height, samples]``, a sample
    per quoted sentence: ``[before, name as written, after, title index, date]``. Every string is
    already escaped with :func:`dashboard.page.markup.escape` (the page's script only puts them between tags
    of its own), every number is a number, and the JSON cannot close a ``<script>``. Titles are shared
    by the places of one article. Worth caching: at thousands of places this is the map's weight."""
    titles: dict[str, int] = {}
    rows = []
    for p in places:
        samples = []
        for q in p.samples:
            before, name, after, title, date = _quoted(q, limit)
            samples.append([before, name, after, titles.setdefault(title, len(titles)), date])
        width, height = _size(p)
        rows.append([round(float(p.lat), 5), round(float(p.lon), 5), int(p.id), style_of(p.kind), escape(p.kind),
                     int(p.events), int(p.articles), escape(p.name), escape(p.country or "no country"),
                     width, height, samples])
    text = json.dumps({"titles": list(titles), "rows": rows}, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c")  # escape() leaves no "<"; this keeps it so whatever comes


@functools.lru_cache(maxsize=1 << 16)
def _quoted(q: Sample, limit: int) -> tuple[str, str, str, str, str]:
    """A popup's sentence, escaped: before the name, the name, after it, the title, the date (the same
    sentences come back filter after filter: each is cut and escaped once)."""
    window = excerpt_words(q.text, q.sentence[0], q.sentence[1], q.mention, limit)
    before = ("… " if window.cut_left else "") + escape(q.text[window.start:q.mention[0]].lstrip())
    after = escape(q.text[q.mention[1]:window.end].rstrip()) + (" …" if window.cut_right else "")
    return (before, escape(q.text[q.mention[0]:q.mention[1]]), after, escape(q.title or "Untitled"),
            escape(q.date or "undated"))



def tooltip_text(place_id: int, name: str) -> str:
    """What st_folium reports of a clicked marker's tooltip (its text): the name, then ``#id``."""
    return f"{name} #{int(place_id)}"


# -- clicks --------------------------------------------------------------------------------------------
RETURNED_OBJECTS = ["last_object_clicked_tooltip", "last_object_clicked_count"]


def selected_place(value: Mapping[str, Any] | None, seen_clicks: int | None) -> tuple[int | None, int | None]:
    """Map ``st_folium``'s return value to ``(place id, click count)``.

    The place id is that of a marker clicked since the click count ``seen_clicks`` (what this
    function returned last time), or ``None`` when nothing new was clicked: the value repeats
    the last click on every rerun, and clicking the same marker again only moves the count.
    Store the returned count for the next call."""
    if not value:
        return None, None
    count = value.get("last_object_clicked_count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else None
    tooltip = value.get("last_object_clicked_tooltip")
    if count is None or count == seen_clicks or not isinstance(tooltip, str):
        return None, count
    match = _TOOLTIP_ID.search(tooltip)
    return (as_id(match.group(1)) if match else None), count
