"""One event, many reports, in the browser (issue 10, item 5), on the seeds: a marker's popup and the panel
group an event's reports ("reported by 3 articles from 3 sources") with each sentence one click from its
article, markers carry their number of sources, and the event type and sources filters in the URL change
the markers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.store import EventFilter
from tests.browser.pages import expect, map_frame, store_of, wait_for_markers, zoom_to

pytestmark = pytest.mark.browser


def _clash(store):
    """The night of 13 September 2022 (the seeds' 001 and 003 report it; 002 too): the Battles event
    reported by the most articles whose reports include 001's and 003's, at a place with a marker."""
    files = {a.id: Path(a.source).name[:3] for a in store.article_list()}
    best = None
    for r in store.event_records():
        if r.event_type != "Battles" or r.reports < 2 or not r.date or r.date.year != 2022:
            continue
        reports = {files[a] for a, *_ in r.report_sentences}
        if {"001", "003"} <= reports and (best is None or r.reports > best.reports):
            best = r
    assert best is not None, "the clash of 13 September 2022 is one event of 001 and 003"
    return best


def test_a_markers_panel_groups_the_clash_reported_by_001_and_003(seeds_app, visit):
    with store_of(seeds_app) as store:
        clash = _clash(store)
        place = store.place(clash.place_id)
        rows = [e for e in store.events(clash.place_id) if e.cluster_id == clash.cluster_id]
    words = f"reported by {clash.reports} articles from {clash.sources} sources"
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    zoom_to(frame, place.lat, place.lon, 7)
    marker = frame.locator(f'.atlas-marker [data-place-id="{place.id}"]')
    expect()(marker).to_be_visible()
    marker.click()
    page.wait_for_url(re.compile(rf"[?&]place={place.id}\b"))
    # the popup quotes the event once, with its numbers
    popup = frame.locator(".leaflet-popup-content", has_text=place.name).last
    expect()(popup).to_contain_text(words)
    # the panel: the event's line, then each of its reports here, each one click from its article
    event = page.locator(f'.atlas-cluster[data-cluster="{clash.cluster_id}"]')
    expect()(event).to_be_visible(timeout=15_000)
    head = event.locator(".atlas-event-head")
    expect()(head).to_contain_text(words)
    expect()(head).to_contain_text("Battles")
    assert event.locator(".atlas-event").count() == len(rows) >= 1
    first = event.locator(".atlas-event").first
    expect()(first.locator(".atlas-sentence mark.atlas-selected")).to_have_text(place.name)
    link = first.locator('a[href^="#atlas-a-"]')
    target = link.get_attribute("href")
    link.click()
    box = page.locator(target)
    expect()(box).to_be_in_viewport()
    seen.blocked.clear()  # (nothing asked for by the page itself left the machine)


def test_markers_carry_their_number_of_sources(seeds_app, visit):
    with store_of(seeds_app) as store:
        busiest = max((p for p in store.place_counts() if p.kind != "country"), key=lambda p: p.sources)
    assert busiest.sources >= 2
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    zoom_to(frame, busiest.lat, busiest.lon, 9)
    pin = frame.locator(f'.atlas-marker [data-place-id="{busiest.id}"]')
    expect()(pin).to_be_visible()
    expect()(pin.locator(".atlas-sources")).to_have_text(str(busiest.sources))
    assert pin.locator(":scope > span").inner_text() == str(busiest.events)  # distinct events, not reports


def test_the_type_and_sources_filters_in_the_url_change_the_markers(seeds_app, visit):
    with store_of(seeds_app) as store:
        every = {p.id for p in store.place_counts()}
        strategic = {p.id for p in store.place_counts(EventFilter(event_types=("Strategic developments",)))}
        sourced = {p.id for p in store.place_counts(EventFilter(min_sources=2))}
    assert strategic and strategic < every and sourced and sourced < every
    seen = visit(f"{seeds_app.url}?type=strategic")
    page = seen.page
    frame = map_frame(page)
    assert set(wait_for_markers(frame, strategic)) == strategic
    select = page.locator('[data-testid="stMultiSelect"]', has_text="Event types")
    expect()(select).to_contain_text("Strategic developments")
    seen = visit(f"{seeds_app.url}?sources=2")
    frame = map_frame(seen.page)
    assert set(wait_for_markers(frame, sourced)) == sourced
    # and back to every event with the sidebar's button
    seen.page.get_by_role("button", name="Clear the filters").click()
    seen.page.wait_for_url(lambda url: "sources=" not in url)
    assert set(wait_for_markers(frame, every)) == every
