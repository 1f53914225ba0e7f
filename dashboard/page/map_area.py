"""The map on the page: the ``st_folium`` component with the markers under the filter, the place a
click selects, and the legend under it."""
from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.page import keys as k
from dashboard.page.data import load_markers, place_info
from dashboard.page.markers import LEGEND, RETURNED_OBJECTS, selected_place
from dashboard.page.table import highlighted_places
from dashboard.store import EventFilter, EventRecord, PlaceCount

MAP_HEIGHT = 620
LEGEND_TEXT = " · ".join(LEGEND.values())
# The map's zoom on a place chosen in the list or named in a link: close enough to see its own marker.
CHOSEN_ZOOM = {"town": 10, "site": 10, "district": 8, "terrain": 8, "water": 7, "route": 8, "province": 7,
               "region": 6, "country": 5, "continent": 3}


def draw_map(rows: str, extent: Any, focus: PlaceCount | None, highlight: tuple[int, ...] = ()) -> dict | None:
    """The map with the markers ``rows`` (``highlight``: place ids to ring); ``focus`` moves it (without
    reloading it) to a place chosen outside the map."""
    # Imported here, not at the top: folium, branca, numpy and pandas take half a second at a server's
    # first page; by now the sidebar is on its way to the browser, which draws it meanwhile.
    from streamlit_folium import st_folium

    from dashboard.page.mapview import base_map, place_layer

    bounds = [list(extent[0]), list(extent[1])] if extent else None
    markers = place_layer(data=rows, highlight=highlight)
    return st_folium(base_map(bounds), key=k.MAP, feature_group_to_add=markers,
                     returned_objects=RETURNED_OBJECTS, height=MAP_HEIGHT, use_container_width=True,
                     center=(focus.lat, focus.lon) if focus else None,
                     zoom=CHOSEN_ZOOM.get(focus.kind, 7) if focus else None, on_change=_map_changed)


def _map_changed() -> None:
    """A marker click selects its place before the page runs, so the panel and the table, drawn before
    the map, are already the place's."""
    state = st.session_state
    place_id, clicks = selected_place(state.get(k.MAP), state.get(k.MAP_CLICKS))
    state[k.MAP_CLICKS] = clicks
    if place_id is not None:
        state[k.PLACE] = place_id


def map_area(path: str, generation: int, flt: EventFilter, extent: Any, places: list[tuple[int, str, str, int]],
             selected: int | None, chosen: list[EventRecord]) -> None:
    """The map under ``flt`` (``places``: its places with their events), the places of the ``chosen``
    table rows ringed; a click the callback did not see selects its place and reruns the page."""
    state = st.session_state
    value = draw_map(load_markers(path, generation, flt), extent, place_info(path, generation, state.get(k.CENTER_ON)),
                     highlighted_places(chosen))
    place_id, clicks = selected_place(value, state.get(k.MAP_CLICKS))
    state[k.MAP_CLICKS] = clicks
    if place_id is not None and place_id != selected:  # (a click _map_changed did not see)
        state[k.PLACE] = place_id
        st.rerun()
    events = sum(p[3] for p in places)
    st.caption(f"{len(places)} places, {events:d} events shown · markers: {LEGEND_TEXT} · a cluster's number adds "
               "up its events")
