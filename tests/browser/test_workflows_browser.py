"""Analyst workflows in the real page: uploading files (good, duplicate, empty, binary, 20 MB, cp1251, an HTML
page full of scripts, a name with path separators), correcting a place and undoing it, the events table and
the map in step, the timeline offline, and the CSV download. No dialog may ever open (the ``visit`` fixture
fails the test if one does)."""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from dashboard.export import COLUMNS
from dashboard.page.table import ROW_HEIGHT
from dashboard.store import EventFilter
from tests.browser.appserver import IDLE, MAP_FRAME, start_app, wait_idle_app
from tests.browser.pages import expect, map_frame, store_of, table_count, wait_for_markers, zoom_to

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ("<img src=x onerror=alert(1)>", "${alert(2)}", "<script>alert(3)</script>")
GOOD = b"Clashes near Jermuk\n\nSeptember 14, 2022\n\nShelling hit Jermuk overnight, officials in Yerevan said.\n"
SCRIPTS = ("<html><head><title>Talks in Tbilisi</title><script>alert('head')</script>"
           "<script src='https://evil.example/x.js'></script></head><body onload=\"alert('body')\"><article>"
           "<h1>Talks in Tbilisi</h1><p>Published 2022-10-01</p><script>alert('inline')</script>"
           f"<p>Diplomats met in Tbilisi and Batumi {html.escape(' '.join(PAYLOADS))} to discuss the border.</p>"
           "<img src=x onerror=\"alert('img')\"><iframe src=\"javascript:alert('frame')\"></iframe>"
           "</article></body></html>").encode()
RUSSIAN = "Обстрел в Ереване\n\n14 сентября 2022\n\nАрмения и Азербайджан обменялись обвинениями.\n".encode("cp1251")
HUGE = b"Yerevan and Baku traded accusations. " * (20_000_000 // 37 + 1)
# The places the map rings (rows chosen in the table), by their markers' place ids.
HIGHLIGHTED_JS = """() => {
    const ids = new Set();
    const visit = (layer) => {
        if (layer.getLayers) { layer.getLayers().forEach(visit); return; }
        if (!layer.options || !layer.options.atlasHighlight) return;
        ids.add(layer.options.atlasId);
    };
    (window.feature_group || []).filter((g) => window.map && window.map.hasLayer(g)).forEach(visit);
    return [...ids].sort((a, b) => a - b);
}"""


@pytest.fixture(scope="module")
def workflow_app(tmp_path_factory, gazetteer_ready, browser):
    """The app on a store holding the seeds; the tests here change it (uploads, corrections)."""
    from dashboard.ingest import ingest_seeds
    from dashboard.store import Store
    from gazetteer import Gazetteer

    home = tmp_path_factory.mktemp("workflow-home")
    with Gazetteer.open() as gaz, Store(home / "atlas.sqlite") as store:
        assert ingest_seeds(store, gaz).added == 5
    server = start_app(home)
    yield server
    server.stop()


def places_now(server, flt: EventFilter | None = None) -> dict[int, str]:
    with store_of(server) as store:
        return {p.id: p.name for p in store.place_counts(flt or EventFilter())}


def place_named(server, name: str) -> int:
    return next(i for i, n in places_now(server).items() if n == name)


def wait_markers_like_store(server, frame) -> dict[int, str]:
    want = places_now(server)
    got = wait_for_markers(frame, set(want))
    assert set(got) == set(want)
    return want


def choose(page, label: str, option: str | re.Pattern) -> None:
    """Pick ``option`` in the select box labelled ``label`` (again if a rerun closed the list meanwhile)."""
    box, item = page.get_by_role("combobox", name=label), page.get_by_role("option", name=option).first
    for _ in range(5):
        wait_idle_app(page)
        box.click()
        try:
            item.wait_for(state="visible", timeout=3000)
            item.click(timeout=3000)
            break
        except Exception:  # Playwright's timeout: the list closed under us
            page.keyboard.press("Escape")
    expect()(box).to_have_value(option)
    wait_idle_app(page)


def table_rows(page) -> int:
    """How many rows the events table holds (its grid's accessible row count, less the header)."""
    return int(page.locator('[data-testid="stDataFrame"] table[role="grid"]').get_attribute("aria-rowcount")) - 1


def click_row(page, row: int) -> None:
    """Tick the box of a table row (the grid is a canvas: click where the row's box is drawn)."""
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    header = 35
    page.mouse.click(box["x"] + 16, box["y"] + header + ROW_HEIGHT * row + ROW_HEIGHT // 2)


# -- adding articles -----------------------------------------------------------------------------------
def test_uploading_good_odd_and_hostile_files(workflow_app, visit):
    seen = visit(workflow_app.url)
    page = seen.page
    frame = map_frame(page)
    before = wait_markers_like_store(workflow_app, frame)
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0].read_bytes()
    files = [("jermuk.txt", "text/plain", GOOD), ("../../etc/talks/scripts.html", "text/html", SCRIPTS),
             ("copy-of-a-seed.txt", "text/plain", seed), ("empty.txt", "text/plain", b""),
             ("photo.txt", "text/plain", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
             ("huge.txt", "text/plain", HUGE), ("russian.txt", "text/plain", RUSSIAN)]
    page.get_by_text("Add articles: upload files or paste text").click()
    # the one limit, said by the file picker (server.maxUploadSize = the reader's MAX_ARTICLE_BYTES)
    expect()(page.locator('[data-testid="stFileUploaderDropzoneInstructions"]')).to_contain_text("5MB per file")
    expect()(page.get_by_text("each at most")).to_have_count(0)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": name, "mimeType": mime, "buffer": data} for name, mime, data in files])
    # the 20 MB file is refused by the picker itself, with the same limit; the others are sent
    expect()(page.get_by_text(re.compile(r"File must be 5(\.0)? ?MB or smaller"))).to_have_count(1, timeout=60_000)
    button = page.get_by_role("button", name="Add 6 files to the store")
    expect()(button).to_be_enabled(timeout=120_000)
    button.click()
    summary = page.locator("#atlas-upload-summary")
    expect()(summary).to_have_text("6 files: 3 added, 1 already in the store, 2 failed", timeout=120_000)
    wait_idle_app(page)
    report = {}
    for row in page.locator("table.atlas-upload-report tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        report[cells[0]] = (cells[1], cells[3])
    names = list(report)
    scripts_name = next(n for n in names if n.endswith("scripts.html"))
    assert set(names) == {"jermuk.txt", scripts_name, "copy-of-a-seed.txt", "empty.txt", "photo.txt", "russian.txt"}
    assert [report[n][0] for n in ("jermuk.txt", scripts_name, "russian.txt")] == ["added"] * 3
    assert report["copy-of-a-seed.txt"][0] == "already in the store"
    assert report["empty.txt"][0] == "failed" and report["empty.txt"][1].startswith("empty: ")
    assert report["photo.txt"][0] == "failed" and report["photo.txt"][1].startswith("not text: ")
    # the good ones are on the map; nothing else changed
    after = wait_markers_like_store(workflow_app, frame)
    assert set(before) < set(after) and {"Jermuk", "Tbilisi", "Batumi"} <= set(after.values())
    with store_of(workflow_app) as store:
        assert store.counts()["articles"] == 8
        sources = {s for (s,) in store._query("SELECT source FROM article")}
    assert scripts_name in sources  # the name is only a label (whatever the browser sent)
    assert not (workflow_app.home / "etc").exists() and not (ROOT / "etc").exists()
    # the HTML page's text, payloads included, is shown as text in the panel and the popup; nothing runs
    tbilisi = place_named(workflow_app, "Tbilisi")
    page.get_by_text("Add articles: upload files or paste text").click()  # fold the box away
    wait_idle_app(page)
    frame = map_frame(page)  # the map as the page holds it now
    wait_markers_like_store(workflow_app, frame)
    with store_of(workflow_app) as store:
        (place,) = [p for p in store.place_counts() if p.id == tbilisi]
    zoom_to(frame, place.lat, place.lon, 12)
    marker = frame.locator(f'.atlas-marker [data-place-id="{tbilisi}"]')
    expect()(marker).to_be_visible()
    marker.click()
    expect()(frame.locator(".leaflet-popup-content")).to_contain_text("Tbilisi")  # the click reached the marker
    expect()(page.locator(".atlas-sentence", has_text="Diplomats met in").first).to_be_visible(timeout=20_000)
    wait_idle_app(page)
    page.get_by_text("The whole article, every place marked").first.click()
    page.wait_for_timeout(1000)  # an onerror fires asynchronously
    shown = page.inner_text("body") + frame.locator("body").inner_text()
    for p in PAYLOADS:
        assert p in shown, p
    for where in (page, frame):
        assert where.locator('img[src="x"]').count() == 0
        assert where.evaluate("() => [...document.scripts].filter(s => /alert/.test(s.textContent)).length") == 0
    assert seen.dialogs == []


# -- correcting a place --------------------------------------------------------------------------------
def test_a_correction_moves_the_marker_and_undo_restores_it(workflow_app, visit):
    vardenis = place_named(workflow_app, "Vardenis")
    seen = visit(f"{workflow_app.url}?place={vardenis}")
    page = seen.page
    frame = map_frame(page)
    original = wait_markers_like_store(workflow_app, frame)
    page.get_by_text("Correct this place").click()
    search = page.get_by_label("Search the gazetteer for another place")
    search.fill("Gyumri")
    search.press("Enter")
    # the gazetteer's places come first in the list once the page has searched
    expect()(page.get_by_role("combobox", name="The right place")).to_have_value(re.compile(r"^Gyumri"),
                                                                                  timeout=20_000)
    wait_idle_app(page)
    choose(page, "The right place", re.compile(r"^Gyumri \(city, Shirak, Armenia\)"))
    page.get_by_role("button", name="Apply the correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text("now names Gyumri", timeout=20_000)
    wait_idle_app(page)
    moved = wait_markers_like_store(workflow_app, frame)
    gyumri = next(i for i, n in moved.items() if n == "Gyumri")
    assert vardenis not in moved and set(moved) == set(original) - {vardenis} | {gyumri}
    page.wait_for_url(re.compile(rf"[?&]place={gyumri}\b"))
    # the map went to Gyumri, whose marker is there
    zoom_to(frame, 40.79, 43.85, 11)
    expect()(frame.locator(f'.atlas-marker [data-place-id="{gyumri}"]')).to_be_visible()
    # undo
    page.get_by_role("button", name="Undo this correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text("Undone", timeout=20_000)
    wait_idle_app(page)
    assert set(wait_markers_like_store(workflow_app, frame)) == set(original)
    page.wait_for_url(re.compile(rf"[?&]place={vardenis}\b"))

    # "not a place" takes the marker away (Vardenis has one mention); the corrections list undoes it
    box = page.get_by_text("Correct this place")
    if not page.get_by_role("button", name="Apply the correction").is_visible():
        box.click()
    choose(page, "The right place", "Not a place (remove its events)")
    page.get_by_role("button", name="Apply the correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text("is marked as not a place", timeout=20_000)
    wait_idle_app(page)
    gone = wait_markers_like_store(workflow_app, frame)
    assert vardenis not in gone and set(gone) == set(original) - {vardenis}
    page.get_by_text("Corrections (1)").click()
    page.locator('[data-testid="stExpanderDetails"]').get_by_role("button", name="Undo").first.click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text("Undone", timeout=20_000)
    wait_idle_app(page)
    assert set(wait_markers_like_store(workflow_app, frame)) == set(original)
    with store_of(workflow_app) as store:
        assert store.corrections() == []


# -- the table and the map -----------------------------------------------------------------------------
def test_table_rows_ring_places_and_a_marker_click_filters_the_table(workflow_app, visit):
    seen = visit(workflow_app.url)
    page = seen.page
    frame = map_frame(page)
    wait_markers_like_store(workflow_app, frame)
    with store_of(workflow_app) as store:
        records = store.event_records(limit=3)
        total = store.count_events(None)
        counted = table_count(store)
        (vardenis,) = [p for p in store.place_counts() if p.name == "Vardenis"]
    expect()(page.locator("#atlas-table-count")).to_contain_text(counted)
    assert table_rows(page) == total
    assert frame.evaluate(HIGHLIGHTED_JS) == []
    click_row(page, 0)
    page.wait_for_timeout(400)
    wait_idle_app(page)
    expect()(page.locator('[data-testid="stDataFrame"] tr[aria-rowindex="2"]')).to_have_attribute(
        "aria-selected", "true")
    assert _wait_js(frame, HIGHLIGHTED_JS, [records[0].place_id])
    click_row(page, 2)
    want = sorted({records[0].place_id, records[2].place_id})
    assert _wait_js(frame, HIGHLIGHTED_JS, want)
    # a click on a marker narrows the table to that place
    zoom_to(frame, vardenis.lat, vardenis.lon, 12)
    marker = frame.locator(f'.atlas-marker [data-place-id="{vardenis.id}"]')
    expect()(marker).to_be_visible()
    marker.click()
    expect()(page.locator("#atlas-table-count")).to_contain_text("at Vardenis", timeout=20_000)
    wait_idle_app(page)
    assert table_rows(page) == vardenis.events
    assert page.locator('[data-testid="stDataFrame"] [data-testid="glide-cell-2-0"]').inner_text() == "Vardenis"
    assert frame.evaluate(HIGHLIGHTED_JS) == []  # a new table: nothing chosen


def _wait_js(frame, script: str, want, timeout_ms: int = 20_000) -> bool:
    import time

    deadline = time.perf_counter() + timeout_ms / 1000
    while time.perf_counter() < deadline:
        if frame.evaluate(script) == want:
            return True
        time.sleep(0.1)
    raise AssertionError(f"{frame.evaluate(script)} != {want}")


def test_timeline_renders_offline_and_the_csv_download(workflow_app, visit):
    seen = visit(workflow_app.url)
    page = seen.page
    map_frame(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    expect()(chart).to_be_visible()
    expect()(chart.locator("canvas, svg").first).to_be_visible()
    with store_of(workflow_app) as store:
        total = store.count_events(None)
    with page.expect_download() as info:
        page.get_by_role("button", name=f"Download CSV ({total})").click()
    download = info.value
    assert re.fullmatch(r"news-atlas-events-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"), newline="")))
    assert tuple(rows[0]) == COLUMNS and len(rows) == total + 1
    assert seen.blocked == [] and seen.errors == []
    assert page.locator(IDLE).count() == 1 and page.locator(MAP_FRAME).count() == 1
