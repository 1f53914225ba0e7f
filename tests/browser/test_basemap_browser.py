"""The offline basemap in the browser (issue 12, item 3): zoomed in on Lake Sevan the lake is drawn
from the 10 m tiles, the towns around it are named (never over a marker or an event's name), and
nothing is fetched from elsewhere. Screenshots go to ``/tmp/shots/`` (``$ATLAS_SHOTS``)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image  # (Pillow comes with Streamlit)

from tests.browser.pages import expect, map_frame, zoom_to

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("ATLAS_SHOTS", "/tmp/shots"))
SEVAN = (40.35, 45.25)
# Whether the map's centre lies inside a path of the lakes layer (in the path's own coordinates).
CENTRE_IN_LAKE = """() => {
    const map = window.map, c = map.getContainer().getBoundingClientRect(), size = map.getSize();
    const x = c.left + size.x / 2, y = c.top + size.y / 2;
    return [...document.querySelectorAll('path.atlas-base-lakes')].some((path) => {
        const m = path.getScreenCTM().inverse();
        const p = new DOMPoint(x, y).matrixTransform(m);
        return path.isPointInFill(p);
    });
}"""
NAMES = """() => {
    const origin = window.map.getContainer().getBoundingClientRect();
    const box = (el) => { const r = el.getBoundingClientRect();
        return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]; };
    return {towns: [...document.querySelectorAll('.atlas-base-label')].map((el) => [el.textContent, ...box(el)]),
            events: [...document.querySelectorAll('.atlas-label, .leaflet-marker-icon')].map(box)};
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_at_zoom_10_over_lake_sevan_the_basemap_draws_the_lake(seeds_app, visit):
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    zoom_to(frame, *SEVAN, 10)
    container = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-container")
    expect()(container).to_have_attribute("data-basemap-detail", "tiles", timeout=15_000)
    assert frame.evaluate(CENTRE_IN_LAKE)
    # drawn, and in the lake's colour: the screenshot's centre is water, not land
    shot = frame.locator(".leaflet-container").screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    w, h = image.size
    r, g, b = image.getpixel((w // 2, h // 2))
    assert b > r + 15 and b > 200, (r, g, b)  # #cfe0ea, where the land is #f5f2e9
    # first-level borders, rivers and the coast's layers are there; the 50 m outlines are hidden
    assert frame.locator("path.atlas-base-admin1").count() >= 1
    assert frame.locator("path.atlas-base-lakes").count() >= 1
    # towns around the lake carry their names, none over another nor over a marker or an event's name
    frame.wait_for_timeout(600)
    got = frame.evaluate(NAMES)
    towns = got["towns"]
    assert {"Sevan", "Gavar"} & {t[0] for t in towns}, towns
    for i, a in enumerate(towns):
        for j in range(i):
            assert not overlap(a[1:], towns[j][1:]), (a, towns[j])
        for other in got["events"]:
            assert not overlap(a[1:], other), (a, other)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "basemap-sevan-z10.png"))
    # every basemap file came from the app itself
    files = [u for u in seen.local if "/app/static/basemap/" in u]
    assert any(u.endswith("/manifest.json") for u in files) and any("/tiles/22_13.json" in u for u in files)
    assert seen.blocked == [] and seen.errors == []


def test_below_the_tile_zoom_the_world_layer_draws_large_lakes_and_cities(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    zoom_to(frame, 42.0, 50.0, 4)
    container = seen.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-container")
    expect()(container).to_have_attribute("data-basemap-detail", "world", timeout=15_000)
    assert frame.locator("path.atlas-base-lakes").count() >= 1  # the Caspian is in view
    frame.wait_for_timeout(600)
    names = {t[0] for t in frame.evaluate(NAMES)["towns"]}
    assert names & {"Tehran", "Baku", "Tbilisi", "Moscow", "Istanbul", "Baghdad"}, names
    # the layer control's switch takes the whole basemap away, and brings it back
    frame.evaluate("""() => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
        .find((l) => l.textContent.includes('Basemap')).querySelector('input').click()""")
    expect()(container).to_have_attribute("data-basemap-detail", "off", timeout=5_000)
    assert frame.locator("path.atlas-base-lakes").count() == 0 and frame.locator(".atlas-base-label").count() == 0
    frame.evaluate("""() => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
        .find((l) => l.textContent.includes('Basemap')).querySelector('input').click()""")
    expect()(container).to_have_attribute("data-basemap-detail", "world", timeout=5_000)
    assert frame.locator("path.atlas-base-lakes").count() >= 1
    assert seen.errors == []
