"""The map on the page: the ``st_folium`` component with the markers under the filter framed on them,
the place a click selects, and a line under it. (The legend is on the map itself.)"""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import streamlit as st

from dashboard.page import keys as k
from dashboard.page.data import load_map_view, load_markers, place_info
from dashboard.page.markers import RETURNED_OBJECTS, Spot, selected_place
from dashboard.page.table import highlighted_places
from dashboard.store import EventFilter, EventRecord, PlaceCount
from dashboard.wording import counted

MAP_HEIGHT = 620
# The map's zoom on a place chosen in the list or named in a link: close enough to see its own marker.
CHOSEN_ZOOM = {"town": 10, "site": 10, "district": 8, "terrain": 8, "water": 7, "route": 8, "province": 7,
               "region": 6, "country": 5, "continent": 3}


def draw_map(rows: str, frame: Any, focus: PlaceCount | None, highlight: tuple[int, ...] = (),
             markers: Sequence[Spot] = ()) -> dict | None:
    """The map with the markers ``rows`` (``highlight``: place ids to ring; ``markers``: where they are,
    to tell which one a click meant), fitted to ``frame`` whenever the frame changes; ``focus`` moves it
    (without reloading it) to a place chosen outside the map, over the frame."""
    # Imported here, not at the top: folium, branca, numpy and pandas take half a second at a server's
    # first page; by now the sidebar is on its way to the browser, which draws it meanwhile.
    from streamlit_folium import st_folium

    from dashboard.page.mapview import base_map, place_layer

    layer = place_layer(data=rows, highlight=highlight, frame=frame)
    return st_folium(base_map(), key=k.MAP, feature_group_to_add=layer,
                     returned_objects=RETURNED_OBJECTS, height=MAP_HEIGHT, use_container_width=True,
                     center=(focus.lat, focus.lon) if focus else None,
                     zoom=CHOSEN_ZOOM.get(focus.kind, 7) if focus else None,
                     on_change=partial(_map_changed, tuple(markers)))


def _map_changed(markers: tuple[Spot, ...]) -> None:
    """A marker click selects its place before the page runs, so the panel and the table, drawn before
    the map, are already the place's (``markers``: those of the map that was clicked)."""
    state = st.session_state
    place_id, clicks = selected_place(state.get(k.MAP), state.get(k.MAP_CLICKS), markers)
    state[k.MAP_CLICKS] = clicks
    if place_id is not None:
        state[k.PLACE] = place_id


def map_area(path: str, generation: int, flt: EventFilter, extent: Any, places: list[tuple[int, str, str, int]],
             selected: int | None, chosen: list[EventRecord]) -> None:
    """The map under ``flt`` (``places``: its places with their events), framed on them (``extent``,
    the whole store's, is not used: the frame follows the filter), the places of the ``chosen`` table
    rows ringed; a click the callback did not see selects its place and reruns the page."""
    state = st.session_state
    frame, markers = load_map_view(path, generation, flt)
    value = draw_map(load_markers(path, generation, flt), frame,
                     place_info(path, generation, state.get(k.CENTER_ON)), highlighted_places(chosen), markers)
    place_id, clicks = selected_place(value, state.get(k.MAP_CLICKS), markers)
    state[k.MAP_CLICKS] = clicks
    if place_id is not None and place_id != selected:  # (a click _map_changed did not see)
        state[k.PLACE] = place_id
        st.rerun()
    events = sum(p[3] for p in places)
    st.caption(f"{counted(len(places), 'place')}, {counted(events, 'event')} shown (an event that several articles "
               "report counts once) · the legend is on the map (bottom left); “World” (top left) shows the whole world")
