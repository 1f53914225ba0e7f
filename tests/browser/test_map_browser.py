"""What only a browser shows: the map renders with nothing fetched from elsewhere, a marker click fills
the panel, the date filter changes the markers, and no script from an article ever runs."""
from __future__ import annotations

import datetime
import html
import re
import time

import pytest

from dashboard.app import FOLLOW_UP
from dashboard.store import EventFilter, Store
from tests.browser.appserver import IDLE, listening_addresses, start_app, wait_idle_app
from tests.browser.pages import expect, map_frame, store_of, table_count, wait_for_markers, zoom_to

pytestmark = pytest.mark.browser

VARDENIS_SENTENCE = "in the directions of Vardenis, Sotk, Artanish, Ishkhanasar, Goris and Kapan"
def set_start_date(page, day: datetime.date) -> None:
    """Type a start date into the date range's start field, as a user would, and leave the field: once the
    session's first page is whole (its follow-up run, which adds the table, redraws the sidebar too, and
    keys typed meanwhile can be lost)."""
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    wait_idle_app(page)
    page.get_by_role("spinbutton", name="year, Dates of events start date").click()
    page.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")
    page.get_by_role("heading", name="News Atlas").click()  # blur: the widget sends its value


# -- the map, offline ----------------------------------------------------------------------------------
def test_map_renders_with_nothing_fetched_from_elsewhere(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    with store_of(seeds_app) as store:
        want = {p.id for p in store.place_counts()}
    assert len(want) >= 15  # where things happened (every mention: 25 places)
    assert set(wait_for_markers(frame, want)) == want
    # the basemap is drawn: many country outlines in the overlay pane
    assert frame.locator(".leaflet-atlasBasemap-pane path").count() > 200
    assert "GeoNames" in frame.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth" in frame.locator(".leaflet-control-attribution").inner_text()
    # every script, style and the outlines came from the app itself; OSM tiles were not asked for
    assets = {u.split("?")[0] for u in seen.local if "/app/static/" in u}
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js", "topojson/topojson-client.min.js",
                 "markercluster/leaflet.markercluster.js", "world-atlas/countries-50m.json"):
        assert f"{seeds_app.url}app/static/vendor/{name}" in assets
    assert not frame.locator("img.leaflet-tile").count()
    assert seen.blocked == [] and seen.errors == []
    assert "GeoNames" in seen.page.inner_text("body") and "Natural Earth" in seen.page.inner_text("body")


def test_osm_layer_is_off_and_optional(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    frame.locator(".leaflet-control-layers").hover()
    osm = frame.get_by_label("OpenStreetMap tiles (online)")
    expect()(osm).not_to_be_checked()
    osm.check()  # switched on, tiles are requested from openstreetmap.org (and blocked here)
    deadline = time.perf_counter() + 10
    while not any("tile.openstreetmap.org" in u for u in seen.blocked) and time.perf_counter() < deadline:
        seen.page.wait_for_timeout(100)  # (Playwright's wait: its route handlers run meanwhile; time.sleep's do not)
    assert any("tile.openstreetmap.org" in u for u in seen.blocked)
    seen.blocked.clear()  # those were asked for by the user; nothing else left the machine


# -- a click on Vardenis -------------------------------------------------------------------------------
def test_clicking_the_vardenis_marker_shows_its_sentence(seeds_app, visit):
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    with store_of(seeds_app) as store:
        (vardenis,) = [p for p in store.place_counts() if p.name == "Vardenis"]
    zoom_to(frame, vardenis.lat, vardenis.lon, 12)
    marker = frame.locator(f'.atlas-marker [data-place-id="{vardenis.id}"]')
    expect()(marker).to_be_visible()
    assert marker.get_attribute("aria-label") == "Vardenis: 1 event"
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    expect()(popup).to_contain_text("Vardenis")
    expect()(popup).to_contain_text("town · AM")
    expect()(popup).to_contain_text(VARDENIS_SENTENCE)
    assert popup.locator("mark", has_text="Vardenis").count() == 1
    sentence = page.locator(".atlas-sentence", has_text=VARDENIS_SENTENCE)
    expect()(sentence).to_be_visible(timeout=15_000)
    assert sentence.locator("mark.atlas-selected").inner_text() == "Vardenis"
    expect()(page.locator(".atlas-head", has_text="Armenia Seeks Russia’s Aid")).to_be_visible()
    page.wait_for_url(re.compile(rf"[?&]place={vardenis.id}\b"))
    # the whole article, with every place marked and Vardenis emphasised
    page.get_by_text("The whole article, every place marked").click()
    article = page.locator(".atlas-article")
    expect()(article).to_be_visible()
    assert article.locator("mark.atlas-selected").all_inner_texts() == ["Vardenis"]
    assert {"Sotk", "Goris", "Kapan", "Yerevan"} <= set(article.locator("mark.atlas-place").all_inner_texts())


def test_a_shared_link_opens_the_same_view(seeds_app, visit):
    with store_of(seeds_app) as store:
        (vardenis,) = [p for p in store.place_counts() if p.name == "Vardenis"]
        want = {p.id for p in store.place_counts(EventFilter(start=datetime.date(2022, 1, 1), countries=False))}
    seen = visit(f"{seeds_app.url}?from=2022-01-01&countries=0&place={vardenis.id}")
    frame = map_frame(seen.page)
    assert set(wait_for_markers(frame, want)) == want
    expect()(seen.page.locator(".atlas-sentence", has_text=VARDENIS_SENTENCE)).to_be_visible()
    assert seen.page.get_by_role("spinbutton", name="year, Dates of events start date").inner_text() == "2022"
    # the map opens on the linked place
    center = frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")
    assert abs(center[0] - vardenis.lat) < 0.01 and abs(center[1] - vardenis.lon) < 0.01 and center[2] == 10
    expect()(frame.locator(f'.atlas-marker [data-place-id="{vardenis.id}"]')).to_be_visible()


def test_a_popup_near_the_top_left_corner_stays_clear_of_the_map_buttons(seeds_app, visit):
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    with store_of(seeds_app) as store:
        (vardenis,) = [p for p in store.place_counts() if p.name == "Vardenis"]
    zoom_to(frame, vardenis.lat, vardenis.lon, 12)
    # the marker moved under the zoom buttons' column, just below the "World" button
    frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); "
                   "window.map.panBy([p.x - 36, p.y - 170], {animate: false}); }", [vardenis.lat, vardenis.lon])
    frame.wait_for_timeout(400)
    frame.locator(f'.atlas-marker [data-place-id="{vardenis.id}"]').click()
    popup = frame.locator(".leaflet-popup-content-wrapper")
    expect()(popup).to_contain_text("Vardenis")
    frame.wait_for_timeout(600)  # (Leaflet pans the map to fit the popup: 250 ms)
    box = popup.bounding_box()
    for control in frame.locator(".leaflet-top.leaflet-left .leaflet-control").all():
        c = control.bounding_box()
        apart = box["x"] >= c["x"] + c["width"] or box["y"] >= c["y"] + c["height"] or \
            box["x"] + box["width"] <= c["x"] or box["y"] + box["height"] <= c["y"]
        assert apart, (box, c)


# -- the date filter -----------------------------------------------------------------------------------
def test_narrowing_the_dates_to_2022_removes_the_2021_only_places(seeds_app, visit):
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    with store_of(seeds_app) as store:
        everything = {p.id: p.name for p in store.place_counts()}
        in_2022 = {p.id for p in store.place_counts(EventFilter(start=datetime.date(2022, 1, 1)))}
    gone = {everything[i] for i in set(everything) - in_2022}
    # only the 2021 articles mention Syunik and Nakhichevan (however the gazetteer names it)
    assert "Syunik" in gone and any(n.startswith(("Nakhichevan", "Nakhchivan")) for n in gone), gone
    assert set(wait_for_markers(frame, set(everything))) == set(everything)
    set_start_date(page, datetime.date(2022, 1, 1))
    page.wait_for_url(re.compile(r"[?&]from=2022-01-01\b"))
    got = wait_for_markers(frame, in_2022)
    assert {everything[i] for i in got} == {everything[i] for i in in_2022}
    assert not gone & {everything[i] for i in got}
    # the map kept its iframe: only the markers changed
    assert frame.evaluate("() => document.querySelector('.leaflet-container').dataset.basemap") == "ready"
    # the undated switch takes the undated article's places away too
    with store_of(seeds_app) as store:
        dated_2022 = {p.id for p in store.place_counts(EventFilter(start=datetime.date(2022, 1, 1), undated=False))}
    page.get_by_text("Include undated events").click()
    page.wait_for_url(re.compile(r"[?&]undated=0\b"))
    assert set(wait_for_markers(frame, dated_2022)) == dated_2022
    assert not {everything[i] for i in dated_2022} & {"Vardenis", "Sotk", "Artanish"}


# -- untrusted article text ----------------------------------------------------------------------------
PAYLOADS = ("<img src=x onerror=alert(1)>", "${alert(2)}", "`${alert(3)}`", "<script>alert(4)</script>")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, gazetteer_ready):
    """The app on a store holding only hostile articles, ingested the way a user would (`atlas ingest`)."""
    from dashboard.ingest import ingest_paths
    from gazetteer import Gazetteer

    home = tmp_path_factory.mktemp("hostile-home")
    files = tmp_path_factory.mktemp("hostile-files")
    payload = " ".join(PAYLOADS)
    # An HTML page whose text (once its entities are decoded) carries the payloads ...
    (files / "payload.html").write_text(
        f"<html><head><title>Clashes near Goris {html.escape(payload)}</title></head><body><article>"
        f"<h1>Clashes near Goris {html.escape(payload)}</h1><p>Published September 13, 2022</p>"
        f"<p>Shelling hit Goris {html.escape(payload)} overnight, officials in Kapan said.</p>"
        f"<p>The ministry in Yerevan said shelling hit Goris and Kapan. {html.escape(payload)}</p>"
        f"<p>{html.escape(payload)} Armenia protested.</p></article></body></html>", encoding="utf-8")
    # ... and a text file with them raw (whatever the reader keeps of them).
    (files / "payload.txt").write_text(f"Border fighting near Jermuk\n\nNovember 16, 2021\n\n"
                                       f"Troops near Jermuk {payload} fired on Sotk. {payload}\n", encoding="utf-8")
    with Gazetteer.open() as gaz, Store(home / "atlas.sqlite") as store:
        report = ingest_paths([files], store, gaz)
        assert report.added == 2, [r.line() for r in report.results]
        texts = [store.article(a).text for (a,) in store._query("SELECT id FROM article")]
    assert any(all(p in t for p in PAYLOADS) for t in texts), "the payloads reached the store"
    server = start_app(home)
    yield server
    server.stop()


def test_no_script_in_an_article_ever_runs(hostile_app, visit):
    seen = visit(hostile_app.url + "?mentions=all")  # every mention: actors' places have popups too
    page = seen.page
    frame = map_frame(page)
    with store_of(hostile_app) as store:
        places = store.place_counts(EventFilter(every_mention=True))
    assert {"Goris", "Kapan", "Yerevan", "Armenia"} <= {p.name for p in places}
    popups = []
    for place in places:
        zoom_to(frame, place.lat, place.lon, 13)
        marker = frame.locator(f'.atlas-marker [data-place-id="{place.id}"]')
        expect()(marker).to_be_visible()
        marker.hover()
        marker.click()
        # (a popup just closed lingers, transparent, for Leaflet's 200 ms fade: pick the new one)
        popup = frame.locator(".leaflet-popup-content", has_text=place.name).last
        expect()(popup).to_be_visible()
        popups.append(popup.inner_text())
        page.wait_for_url(re.compile(rf"[?&]place={place.id}\b"))
        # the panel shows this place (not the last one's, still on screen until the rerun lands)
        expect()(page.locator(".atlas-sentence mark.atlas-selected", has_text=place.name).first).to_be_visible()
        wait_idle_app(page)
        expanders = page.get_by_text("The whole article, every place marked")
        for k in range(expanders.count()):
            expanders.nth(k).click()
        page.wait_for_timeout(300)
    # The payloads are on screen as text ...
    shown = page.inner_text("body") + frame.locator("body").inner_text()
    for p in PAYLOADS:
        assert p in shown, p
    for p in PAYLOADS:
        assert any(p in text for text in popups), p
    # ... and never as elements
    for where in (page, frame):
        assert where.locator('img[src="x"]').count() == 0
        assert where.evaluate("() => [...document.scripts].filter(s => /alert/.test(s.textContent)).length") == 0
    page.wait_for_timeout(1000)  # an onerror fires asynchronously
    assert seen.dialogs == []
    assert not [e for e in seen.errors if "alert" in e]


# -- start-up ------------------------------------------------------------------------------------------
def test_a_new_user_sees_the_seeds_within_seconds(tmp_path, gazetteer_ready, visit):
    started = time.perf_counter()
    server = start_app(tmp_path / "fresh")
    try:
        seen = visit(server.url, wait_idle=False)
        frame = map_frame(seen.page)
        seen.page.wait_for_selector(IDLE)
        usable = time.perf_counter() - started
        with store_of(server) as store:
            assert store.counts()["articles"] == 5
            want = {p.id for p in store.place_counts()}
        assert set(wait_for_markers(frame, want)) == want
        assert usable < 15, f"map usable {usable:.1f} s after start (goal: 5 s; see bench/app_speed.py)"
    finally:
        server.stop()


TABLE = '[data-testid="stDataFrame"]'


def test_the_first_page_is_the_map_then_the_timeline_and_table_follow(seeds_app, visit):
    seen = visit(seeds_app.url, wait_idle=False)
    frame = map_frame(seen.page)
    with store_of(seeds_app) as store:
        want = {p.id for p in store.place_counts()}
        counted = table_count(store)  # under the default filter: where things happened
    assert set(wait_for_markers(frame, want)) == want
    # the map's first report starts the run that adds the rest
    expect()(seen.page.locator(TABLE)).to_have_count(1, timeout=30_000)
    expect()(seen.page.locator("#atlas-table-count")).to_contain_text(counted)
    expect()(seen.page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(1)
    expect()(seen.page.get_by_text("follow as soon as the map is drawn")).to_have_count(0)


def test_without_the_map_the_rest_of_the_page_still_comes(seeds_app, visit):
    """A map that never reports (its component does not load) leaves the page's timer to add the rest."""
    seen = visit(wait_idle=False)
    seen.page.route("**/component/streamlit_folium.st_folium/**", lambda r: r.abort())
    seen.page.goto(seeds_app.url)
    expect()(seen.page.get_by_text("follow as soon as the map is drawn")).to_have_count(1, timeout=60_000)
    started = time.perf_counter()
    expect()(seen.page.locator(TABLE)).to_have_count(1, timeout=30_000)
    assert time.perf_counter() - started > FOLLOW_UP - 1  # the timer's doing: nothing came from the map
    expect()(seen.page.get_by_text("follow as soon as the map is drawn")).to_have_count(0)
    with store_of(seeds_app) as store:
        counted = table_count(store)  # under the default filter: where things happened
    expect()(seen.page.locator("#atlas-table-count")).to_contain_text(counted)


def test_server_listens_on_localhost_only(seeds_app):
    port = int(seeds_app.url.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(port) == {"127.0.0.1"}


# -- a store busier than the popups quote --------------------------------------------------------------
@pytest.fixture(scope="module")
def busy_app(tmp_path_factory, gazetteer_ready):
    """The app on a store of more places than the popups quote sentences for (POPUP_PLACES + 20 towns,
    one article each; the first has two events, so it is the busiest)."""
    from bench.corpus import gazetteer_places
    from dashboard.events import extract_events
    from dashboard.page.data import POPUP_PLACES
    from dashboard.reader import Article
    from gazetteer import Gazetteer
    from gazetteer.resolve import Mention

    home = tmp_path_factory.mktemp("busy-home")
    with Gazetteer.open() as gaz:
        towns = gazetteer_places(gaz, "p.fclass = 'P' AND p.population > 50000", POPUP_PLACES + 20)
    assert len(towns) == POPUP_PLACES + 20
    with Store(home / "atlas.sqlite") as store:
        for i, town in enumerate(towns):
            head = f"Report {i}\n\nMarch 3, 2023\n\n"
            sentences = [f"Shelling hit {town.name} overnight, officials said.",
                         f"On Friday {town.name} was quiet again."][:2 if i == 0 else 1]
            text, mentions = head, []
            for sentence in sentences:
                at = len(text) + sentence.index(town.name)
                mentions.append(Mention(at, at + len(town.name), town.name, town, 0.9, ()))
                text += sentence + " "
            text += "\n"
            article = Article(text=text, source=f"busy/{i:04d}.txt", title=f"Report {i}",
                              title_span=(0, len(f"Report {i}")), published=datetime.date(2023, 3, 3), url=None,
                              encoding="utf-8", content_spans=((0, len(text)),))
            store.add_article(article, mentions, extract_events(article, mentions), parser="test")
    server = start_app(home)
    yield server
    server.stop()


def test_popups_beyond_the_busiest_places_point_to_the_panel(busy_app, visit):
    with store_of(busy_app) as store:
        places = store.place_counts()
    busiest, last = places[0], places[-1]
    seen = visit(busy_app.url)
    frame = map_frame(seen.page)
    popup = frame.locator(".leaflet-popup-content")
    for place, quoted in ((busiest, True), (last, False)):
        zoom_to(frame, place.lat, place.lon, 12)
        marker = frame.locator(f'.atlas-marker [data-place-id="{place.id}"]')
        expect()(marker).to_be_visible()
        marker.click()
        expect()(popup).to_contain_text(place.name)
        if quoted:  # the busiest place's popup quotes its sentences
            expect()(popup.locator("mark", has_text=place.name).first).to_be_visible()
        else:  # the others' say where they are, and the click fills the panel with them
            expect()(popup).to_contain_text("in the panel beside the map")
            assert popup.locator("li").count() == 0
            sentence = seen.page.locator(".atlas-sentence", has_text=f"Shelling hit {place.name} overnight")
            expect()(sentence.first).to_be_visible(timeout=15_000)
