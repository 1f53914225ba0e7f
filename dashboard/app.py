"""News Atlas, the page: a map of the places the stored articles mention, with their sentences.

Run from the repository root (Streamlit reads ``.streamlit/config.toml`` from there)::

    streamlit run dashboard/app.py

The store is ``$ATLAS_HOME/atlas.sqlite``; when it is empty the sample articles in ``seeds/`` are
ingested first. The filter (dates, undated articles, country-level places) and the selected place
live in the URL (``?from=2022-01-01&to=2022-12-31&undated=0&countries=0&place=616108``), so a view
can be shared. Article text is shown escaped (:mod:`dashboard.markup`), never as live markup.
"""
from __future__ import annotations

import datetime
import sys
import threading
from dataclasses import replace
from typing import Any


def _import_map_libraries() -> None:
    import dashboard.mapview  # noqa: F401  (folium, branca, numpy, pandas: about a second)


# A server's first page load imports folium and friends while the store is opened (and seeded); the
# functions that need them import them where they are used. (streamlit_folium itself must be imported
# by the script's thread: it declares its component there.)
if "folium" not in sys.modules:
    threading.Thread(target=_import_map_libraries, name="atlas-imports", daemon=True).start()

import streamlit as st  # noqa: E402

from dashboard.errors import AtlasError  # noqa: E402
from dashboard.markup import Mark, escape, marked  # noqa: E402
from dashboard.markup import safe_url as http_url  # noqa: E402
from dashboard.store import DateRange, EventFilter, EventRow, PlaceCount, Store, StoredArticle, store_path  # noqa: E402

MAP_HEIGHT = 620
PANEL_EVENTS = 40  # events listed for the selected place (newest first)
POPUP_SAMPLES = 3  # sentences quoted in a marker's popup
# The map's zoom on a place chosen in the list or named in a link: close enough to see its own marker.
CHOSEN_ZOOM = {"town": 10, "site": 10, "district": 8, "terrain": 8, "water": 7, "route": 8, "province": 7,
               "region": 6, "country": 5, "continent": 3}

CSS = """
<style>
mark.atlas-place { background: #fde9a9; color: inherit; padding: 0 2px; border-radius: 2px; }
mark.atlas-selected { background: #f4a261; color: #000; font-weight: 700; padding: 0 2px; border-radius: 2px;
  outline: 2px solid #e76f51; }
.atlas-head { font-size: 1.02rem; margin-bottom: .2rem; }
.atlas-meta { color: #666; font-size: .9rem; }
.atlas-sentence { border-left: 3px solid #e76f51; padding: .1rem 0 .1rem .7rem; margin: .35rem 0; }
.atlas-article { max-height: 460px; overflow-y: auto; font-size: .92rem; line-height: 1.55; }
</style>
"""
CREDITS = (
    "Place data: [GeoNames](https://www.geonames.org) (CC BY 4.0) and ISO 3166 via pycountry · "
    "Country outlines: [Natural Earth](https://www.naturalearthdata.com) (public domain), via world-atlas · "
    "Map: [Leaflet](https://leafletjs.com), Leaflet.markercluster, served from this machine · "
    "OpenStreetMap tiles (© OpenStreetMap contributors) only if you switch them on in the map's layer menu."
)


# -- resources and cached data -------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def open_store(path: str) -> Store:
    return Store.open(path)


@st.cache_resource(show_spinner=False)
def load_gazetteer() -> Any:
    from gazetteer import Gazetteer

    return Gazetteer.open()


@st.cache_resource(show_spinner="A new store: adding the sample articles from seeds/ …")
def seed_store(path: str) -> Any:
    """Ingest ``seeds/`` into an empty store, once per store and server."""
    from dashboard.ingest import ingest_seeds

    store = open_store(path)
    if not store.is_empty():
        return None
    return ingest_seeds(store, load_gazetteer())


@st.cache_data(show_spinner=False, max_entries=16)
def load_overview(path: str, generation: int) -> tuple[dict[str, int], DateRange, Any]:
    store = open_store(path)
    return store.counts(), store.date_range(), store.extent()


@st.cache_data(show_spinner=False, max_entries=32)
def load_places(path: str, generation: int, flt: EventFilter) -> tuple[list[tuple[int, str, str, int]], str]:
    """The places under ``flt`` as ``(id, name, kind, events)``, most events first, and the map's
    marker data (:func:`dashboard.mapview.marker_data`, JSON): every place with its counts and first
    sentences."""
    from dashboard.mapview import PlaceSummary, Sample, marker_data

    store = open_store(path)
    samples = store.samples(flt, POPUP_SAMPLES)
    summaries = []
    for p in store.place_counts(flt):
        quoted = tuple(Sample(e.sentence, (0, len(e.sentence)), e.highlights[0] if e.highlights else (0, 0),
                              e.title, e.date.isoformat() if e.date else None) for e in samples.get(p.id, ()))
        summaries.append(PlaceSummary(p.id, p.name, p.kind, p.country, p.lat, p.lon, p.events, p.articles, quoted))
    return [(p.id, p.name, p.kind, p.events) for p in summaries], marker_data(summaries)


@st.cache_data(show_spinner=False, max_entries=64)
def load_place(path: str, generation: int, place_id: int, flt: EventFilter) -> tuple[PlaceCount | None, int,
                                                                                       list[EventRow]]:
    store = open_store(path)
    return store.place(place_id), store.count_events(place_id, flt), store.events(place_id, flt, limit=PANEL_EVENTS)


@st.cache_data(show_spinner=False, max_entries=64)
def load_article(path: str, generation: int, article_id: str) -> StoredArticle | None:
    return open_store(path).article(article_id)


# -- state: widgets <-> URL ----------------------------------------------------------------------------
def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def init_state(rng: DateRange) -> None:
    """On a session's first run, take the filter and the selected place from the URL."""
    state = st.session_state
    if state.get("_init"):
        return
    flt = EventFilter.from_params(st.query_params.to_dict()).clamp(rng.first, rng.last)
    state["undated"] = flt.undated
    state["countries"] = flt.countries
    state["dates"] = (flt.start or rng.first, flt.end or rng.last)
    state["place"] = _int(st.query_params.get("place"))
    state["_center_on"] = state["place"]  # a shared link opens on its place
    state["_init"] = True


def current_filter(rng: DateRange) -> EventFilter:
    """The filter the widgets say; a date range still being picked (one date) keeps the last full one."""
    state = st.session_state
    start = end = None
    dates = state.get("dates")
    if rng.first and isinstance(dates, (tuple, list)):
        if len(dates) == 2:
            state["_dates_done"] = tuple(dates)
        dates = state.get("_dates_done", (rng.first, rng.last))
        start = dates[0] if dates[0] and dates[0] > rng.first else None
        end = dates[1] if dates[1] and dates[1] < rng.last else None
    return EventFilter(start, end, bool(state.get("undated", True)), bool(state.get("countries", True)))


def sync_url(flt: EventFilter, place_id: int | None) -> None:
    want = flt.to_params() | ({"place": str(place_id)} if place_id is not None else {})
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)


# -- page parts ----------------------------------------------------------------------------------------
def sidebar(counts: dict[str, int], rng: DateRange) -> None:
    with st.sidebar:
        st.title("News Atlas")
        st.caption(f"{counts['articles']} articles · {counts['events']} events · {counts['places']} places "
                   "in the store")
        if rng.first and rng.last:
            state = st.session_state
            dates = [d for d in (state.get("dates") or ()) if isinstance(d, datetime.date)]
            state["dates"] = tuple(min(max(d, rng.first), rng.last) for d in dates) or (rng.first, rng.last)
            st.date_input("Dates of events", min_value=rng.first, max_value=rng.last, key="dates",
                          format="YYYY-MM-DD", help="Events are dated by their article's publication date.")
        else:
            st.info("No article in the store has a date.")
        st.toggle(f"Include undated articles ({rng.undated} events)", key="undated",
                  help="Articles without a publication date are listed as “undated”.")
        st.toggle("Show country-level places", key="countries",
                  help="Countries are drawn large and pale beneath towns and regions; hide them to see the rest.")


def draw_map(rows: str, extent: Any, focus: PlaceCount | None) -> dict | None:
    """The map with the markers ``rows``; ``focus`` moves it (without reloading it) to a place chosen
    outside the map."""
    from streamlit_folium import st_folium

    from dashboard.mapview import RETURNED_OBJECTS, base_map, place_layer

    bounds = [list(extent[0]), list(extent[1])] if extent else None
    return st_folium(base_map(bounds), key="atlas_map", feature_group_to_add=place_layer(data=rows),
                     returned_objects=RETURNED_OBJECTS, height=MAP_HEIGHT, use_container_width=True,
                     center=(focus.lat, focus.lon) if focus else None,
                     zoom=CHOSEN_ZOOM.get(focus.kind, 7) if focus else None)


def place_info(path: str, generation: int, place_id: int | None) -> PlaceCount | None:
    return None if place_id is None else load_place(path, generation, place_id, EventFilter())[0]


def article_html(article: StoredArticle, place_id: int) -> str:
    """The whole article, every resolved place marked, the selected place's mentions emphasised."""
    marks = [Mark(m.start, m.end, "atlas-selected" if m.place_id == place_id else "atlas-place",
                  f"{m.place_name} ({m.kind}{', ' + m.country if m.country else ''})") for m in article.mentions]
    return f'<div class="atlas-article">{marked(article.text, marks, newlines=True)}</div>'


def panel(path: str, generation: int, flt: EventFilter, places: list[tuple[int, str, str, int]]) -> None:
    state = st.session_state
    selected = state.get("place")
    names = {pid: f"{name} ({kind}, {events})" for pid, name, kind, events in places}
    info, total, events = (None, 0, [])
    if selected is not None:
        info, total, events = load_place(path, generation, selected, replace(flt, countries=True))
        if info is None:
            st.warning("The place in this link is not in the store.")
            selected = state["place"] = None
        elif selected not in names:
            names[selected] = f"{info.name} ({info.kind}, not in these dates)"
    options: list[int | None] = [None, *names]
    state["place_pick"] = selected
    st.selectbox("Place", options, key="place_pick", format_func=lambda i: "—" if i is None else names[i],
                 on_change=_picked, placeholder="Click a marker, or choose a place")
    if info is None:
        st.caption("Click a marker on the map (or choose a place above) to list its events here.")
        return
    articles = len({e.article_id for e in events})
    st.html(f'<h3 style="margin:0">{escape(info.name)}</h3><div class="atlas-meta">{escape(info.kind)} · '
            f'{escape(info.country or "no country")} · {info.lat:.4f}, {info.lon:.4f} · {escape(info.feature)}</div>')
    shown = f"the newest {len(events)} of " if total > len(events) else ""
    st.caption(f"{shown}{total} event{'s' if total != 1 else ''} under the current filter"
               f"{f', from {articles} article' + ('s' if articles != 1 else '') if events else ''}")
    groups: dict[str, list[EventRow]] = {}
    for e in events:
        groups.setdefault(e.article_id, []).append(e)
    for article_id, rows in groups.items():
        first = rows[0]
        with st.container(border=True, key=f"article_{article_id}"):
            date = first.date.isoformat() if first.date else "undated"
            st.html(f'<div class="atlas-head"><b>{escape(first.title or "Untitled")}</b></div>'
                    f'<div class="atlas-meta">{escape(date)} · {escape(first.source)}</div>')
            for e in rows:
                marks = [Mark(a, b, "atlas-selected") for a, b in e.highlights]
                st.html(f'<div class="atlas-sentence" data-event="{int(e.id)}">{marked(e.sentence, marks)}</div>')
            url = http_url(first.url)
            if url:
                st.link_button("Open the original article", url)
            with st.expander("The whole article, every place marked"):
                article = load_article(path, generation, article_id)
                if article is not None:
                    st.html(article_html(article, info.id))


def _picked() -> None:
    st.session_state["place"] = st.session_state["_center_on"] = st.session_state.get("place_pick")


def main() -> None:
    from dashboard.mapview import LEGEND, selected_place

    st.set_page_config(page_title="News Atlas", page_icon="🗺️", layout="wide")
    st.html(CSS)
    path = str(store_path())
    try:
        store = open_store(path)
        if store.is_empty():
            report = seed_store(path)
            if report is not None and report.failed:
                st.warning("Some sample articles could not be added: "
                           + "; ".join(r.line() for r in report.results if r.status == "failed"))
        generation = store.generation()
        counts, rng, extent = load_overview(path, generation)
    except AtlasError as exc:
        st.error(str(exc))
        st.stop()
    init_state(rng)
    sidebar(counts, rng)
    flt = current_filter(rng)
    places, rows = load_places(path, generation, flt)
    if not counts["articles"]:
        st.info("The store is empty. Add articles with `atlas ingest PATH...` (files or folders).")

    left, right = st.columns([3, 2], gap="medium")
    with left:
        value = draw_map(rows, extent, place_info(path, generation, st.session_state.get("_center_on")))
        place_id, clicks = selected_place(value, st.session_state.get("_map_clicks"))
        st.session_state["_map_clicks"] = clicks
        if place_id is not None:
            st.session_state["place"] = place_id
        events = sum(p[3] for p in places)
        st.caption(f"{len(places)} places, {events} events shown · markers: "
                   + " · ".join(LEGEND.values()) + " · a cluster's number adds up its events")
    with right:
        panel(path, generation, flt, places)
    sync_url(flt, st.session_state.get("place"))
    st.caption(CREDITS)


if __name__ == "__main__":
    main()
