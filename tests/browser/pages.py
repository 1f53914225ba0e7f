"""What the browser tests do on the page: wait for the map's frame, its markers and their ids, zoom,
and open the store behind a server. (Helpers, not tests: the test modules import them from here.)"""
from __future__ import annotations

import time

from dashboard.store import EventFilter, Store
from tests.browser.appserver import MAP_FRAME, MARKER_IDS, AppServer


def expect():
    from playwright.sync_api import expect as _expect

    return _expect


def map_frame(page, timeout: float = 60_000):
    """The map's iframe, once Leaflet, the markers and the Natural Earth outlines are in."""
    frame_loc = page.frame_locator(MAP_FRAME)
    expect()(frame_loc.locator('.leaflet-container[data-basemap="ready"]')).to_have_count(1, timeout=timeout)
    expect()(frame_loc.locator(".atlas-marker, .marker-cluster").first).to_be_visible(timeout=timeout)
    return page.locator(MAP_FRAME).element_handle().content_frame()


def zoom_to(frame, lat: float, lon: float, zoom: int) -> None:
    """What a user does with the wheel or the + button, in one step (and any open popup closed).
    The function returns nothing: Playwright would otherwise serialise the whole map object."""
    frame.evaluate("([lat, lon, zoom]) => { window.map.closePopup(); window.map.setView([lat, lon], zoom, "
                   "{animate: false}); }", [lat, lon, zoom])
    # markercluster still animates its markers into place (250 ms): a marker caught on its way may lie
    # outside the map, and Playwright would scroll the page to reach it (under Streamlit's header)
    frame.wait_for_timeout(400)


def marker_ids(frame) -> list[int]:
    """Every marker on the map (clustered or not), by the place id in its tooltip, in order."""
    return sorted(frame.evaluate(MARKER_IDS))


def wait_for_markers(frame, want: set[int], timeout: float = 20.0) -> list[int]:
    deadline = time.perf_counter() + timeout
    got = marker_ids(frame)
    while set(got) != want and time.perf_counter() < deadline:
        time.sleep(0.1)
        got = marker_ids(frame)
    return got


def store_of(server: AppServer) -> Store:
    return Store(server.home / "atlas.sqlite")


def table_count(store: Store, flt: EventFilter | None = None) -> str:
    """What the events table says it holds under ``flt`` (default: the page's first filter): "54 reports of
    51 events under the filter"."""
    from dashboard.wording import reports_of_events

    flt = flt or EventFilter()
    return (f"{reports_of_events(store.count_events(None, flt), store.count_distinct_events(None, flt, by_place=True))}"
            " under the filter")
