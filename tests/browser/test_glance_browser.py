"""The page at a glance (issue 12): the map framed on the story, a linked place over the frame, names on
the map that never overlap, tooltips without ids, the "whole world" button. Screenshots go to
``/tmp/shots/`` (``$ATLAS_SHOTS``)."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from dashboard.store import EventFilter
from tests.browser.appserver import wait_idle_app
from tests.browser.pages import expect, map_frame, store_of, zoom_to

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("ATLAS_SHOTS", "/tmp/shots"))
VIEW = "() => { const b = window.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast(), " \
       "window.map.getZoom()]; }"
# The names on the map and the boxes of everything drawn: {labels: [[id, text, x1, y1, x2, y2]], icons: [...]},
# and the busiest place leading each marker or cluster in view (the candidates for a name), busiest first.
LAYOUT = """() => {
    const origin = window.map.getContainer().getBoundingClientRect();
    const box = (el) => { const r = el.getBoundingClientRect();
        return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]; };
    const labels = [...document.querySelectorAll('.atlas-label')].map((el) =>
        [Number(el.dataset.placeId), el.textContent, ...box(el)]);
    const icons = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
        .filter((el) => getComputedStyle(el).display !== 'none')
        .map((el) => box(el.classList.contains('atlas-country') ? el.firstChild : el))
        .filter((b) => b[2] > 0 && b[3] > 0 && b[0] < origin.width && b[1] < origin.height);
    const leaders = new Map();
    const size = window.map.getSize();
    window.feature_group.filter((g) => window.map.hasLayer(g)).forEach((g) => g.eachLayer((inner) => {
        inner.eachLayer((group) => {
            if (!group.getVisibleParent) return;  // the marker cluster group
            group.eachLayer((m) => {
                const v = group.getVisibleParent(m);
                if (!v || !v._icon) return;
                const p = window.map.latLngToContainerPoint(v.getLatLng());
                if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return;
                const best = leaders.get(v);
                const here = [m.options.atlasId, m.options.atlasEvents];
                if (!best || here[1] > best[1]) leaders.set(v, here);
            });
        });
    }));
    const busiest = [...leaders.values()].sort((a, b) => b[1] - a[1]).map((x) => x[0]);
    return {labels, icons, busiest};
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def check_labels(frame, at_least: int = 5, settle: float = 4.0) -> dict:
    """The names on the map once they have settled: the busiest places in view named, no two names
    overlapping, and no name over a marker, a cluster or a country's pill. The names follow the map's
    moves after markercluster's animations (and a loaded machine's late frames): the layout is read
    again every half second for up to ``settle`` seconds, and the last reading must pass."""
    deadline = time.monotonic() + settle
    while True:
        frame.wait_for_timeout(500)
        try:
            return _labels_ok(frame.evaluate(LAYOUT), at_least)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def _labels_ok(got: dict, at_least: int) -> dict:
    labels, icons = got["labels"], got["icons"]
    assert len(labels) >= at_least, labels
    boxes = [label[2:] for label in labels]
    for i, a in enumerate(boxes):
        assert a[2] - a[0] > 5 and a[3] - a[1] > 5, labels[i]  # visible, not collapsed
        for j in range(i):
            assert not overlap(a, boxes[j]), (labels[i], labels[j])
        for icon in icons:
            assert not overlap(a, icon), (labels[i], icon)
    named = {label[0] for label in labels}
    assert set(got["busiest"][:at_least]) <= named, (got["busiest"][:at_least], labels)
    return got


def test_the_first_view_holds_the_caucasus_with_the_busiest_places_named(seeds_app, visit):
    seen = visit(wait_idle=False)
    page = seen.page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(seeds_app.url)
    wait_idle_app(page)
    frame = map_frame(page)
    wait_idle_app(page)
    s, w, n, e, zoom = frame.evaluate(VIEW)
    assert 30 <= s < n <= 55 and 35 <= w < e <= 60, (s, w, n, e, zoom)
    with store_of(seeds_app) as store:
        places = {p.id: p for p in store.place_counts()}
    busiest = max(places.values(), key=lambda p: p.events)
    got = check_labels(frame)
    assert busiest.id in {label[0] for label in got["labels"]}
    assert any(label[1].startswith(busiest.name) for label in got["labels"])
    # countries are named pills, clear of the markers and clusters
    pills = frame.locator(".atlas-country .atlas-pill-name")
    assert {"Armenia", "Azerbaijan"} <= set(pills.all_inner_texts())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "first-view.png"))
    # zoomed in: more names, still none overlapping
    zoom_to(frame, 39.75, 46.1, 9)
    zoomed = check_labels(frame)
    assert len(zoomed["labels"]) >= 5
    page.screenshot(path=str(SHOTS / "zoomed-view.png"))
    assert seen.errors == []


def test_a_filter_to_one_country_reframes_the_map(seeds_app, visit):
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    with store_of(seeds_app) as store:
        belgium = store.place_counts(EventFilter(country=("BE",)))
    assert belgium and all(p.country == "BE" for p in belgium)
    page.get_by_role("combobox", name=re.compile("Countries")).click()
    page.keyboard.type("Belgium")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"[?&]country=BE\b"))
    wait_idle_app(page)
    deadline_ms = 15_000
    while deadline_ms > 0:
        s, w, n, e, zoom = frame.evaluate(VIEW)
        if e - w < 10:
            break
        page.wait_for_timeout(200)
        deadline_ms -= 200
    for p in belgium:
        assert s < p.lat < n and w < p.lon < e, (p.name, (s, w, n, e))
    assert e - w < 10 and n - s < 6 and zoom >= 6, (s, w, n, e, zoom)  # Belgium, not the world or the Caucasus


def test_a_shared_place_link_opens_centred_on_it_over_the_frame(seeds_app, visit):
    with store_of(seeds_app) as store:
        (goris,) = [p for p in store.place_counts() if p.name == "Goris"]
    seen = visit(wait_idle=False)
    page = seen.page
    page.set_viewport_size({"width": 1400, "height": 1000})  # (where the map's own frame once won)
    page.goto(f"{seeds_app.url}?place={goris.id}")
    wait_idle_app(page)
    frame = map_frame(page)
    wait_idle_app(page)
    page.wait_for_timeout(600)  # long enough for any animation to have ended over the linked place
    center = frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")
    assert abs(center[0] - goris.lat) < 0.01 and abs(center[1] - goris.lon) < 0.01 and center[2] == 10, center
    marker = frame.locator(f'.atlas-marker [data-place-id="{goris.id}"]')
    expect()(marker).to_be_visible()
    expect()(frame.locator(".atlas-marker.atlas-sel")).to_have_count(1)  # the selected place, ringed
    expect()(page.get_by_role("heading", name="Goris", exact=True)).to_be_visible()


def test_tooltips_name_the_place_its_kind_and_country_never_an_id(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    with store_of(seeds_app) as store:
        (vardenis,) = [p for p in store.place_counts() if p.name == "Vardenis"]
    zoom_to(frame, vardenis.lat, vardenis.lon, 12)
    marker = frame.locator(f'.atlas-marker [data-place-id="{vardenis.id}"]')
    expect()(marker).to_be_visible()
    marker.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    expect()(tooltip).to_be_visible()
    text = tooltip.inner_text()
    assert text == "Vardenis · town · Armenia", text
    assert "#" not in text and str(vardenis.id) not in text


def test_the_whole_world_button(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    before = frame.evaluate(VIEW)
    assert before[3] - before[1] < 60  # framed on the story
    frame.get_by_role("button", name="Show the whole world").click()
    s, w, n, e, zoom = frame.evaluate(VIEW)
    assert e - w >= 300 and n > 60 and s < -40 and zoom <= 2, (s, w, n, e, zoom)
    # a marker click afterwards selects its place as before (the view stays the world's)
    wait_idle_app(seen.page)
    assert frame.evaluate(VIEW)[4] == zoom
