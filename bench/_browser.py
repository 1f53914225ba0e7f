"""What the page benchmarks share: Chromium with nothing leaving the machine, waiting for the map's
markers, timing a marker click and a filter change, and the memory of the server and the page.

Used by ``bench/app_speed.py`` and ``bench/scale.py``; the app is started with
``tests/browser/appserver.py`` (``start_app``, as the browser tests do, or ``serve_app``: ``atlas serve``).
Run from the repository root, as modules (``python -m bench.app_speed``), so ``tests.browser.appserver`` is importable.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import statistics
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.appserver import (
    CHROMIUM_FLAGS,
    IDLE,
    MAP_FRAME,
    MARKER_IDS,
    MARKER_IDS_OF,
    AppServer,
    chromium_path,
    serve_app,
    start_app,
)

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["IDLE", "MAP_FRAME", "MARKER_IDS", "AppServer", "Page", "chromium", "click_to_panel",
           "click_to_panel_and_page", "cpu_profile",
           "filter_change",
           "load_average", "median", "open_page", "page_memory_mb", "process_memory_mb", "serve_app", "start_app",
           "wait_for_markers"]

_SAME_IDS = (f"(want) => {{ const got = ({MARKER_IDS})(); return got.length === want.length "
             "&& want.every((id) => got.includes(id)); }")
_MAP_WINDOW = "document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]')?.contentWindow"
# ... and from the page, in whatever map frame is there now (the app may mount a new one)
_PAGE_SAME_IDS = (f"(want) => {{ const w = {_MAP_WINDOW}; if (!w || !w.map) return false; "
                  f"const got = ({MARKER_IDS_OF})(w); return got.length === want.length "
                  "&& want.every((id) => got.includes(id)); }")
# ... once the basemap's outlines are drawn too; true is the moment it was seen (ms since the epoch), so the
# time is the page's own, not that of the answer's trip back to this process
_PAGE_MAP_READY = (f"(want) => {{ const w = {_MAP_WINDOW}; "
                   "if (!w || !w.document.querySelector('.leaflet-container[data-basemap=\"ready\"]')) return false; "
                   f"return ({_PAGE_SAME_IDS})(want) && performance.timeOrigin + performance.now(); }}")
# Centre the map on a place's marker and, if a cluster still holds it, open the cluster (markercluster's
# zoomToShowLayer spiderfies markers that share a spot).
_SHOW_MARKER = """([id, lat, lon]) => new Promise((resolve) => {
    window.map.closePopup();
    window.map.setView([lat, lon], 13, {animate: false});
    let found = null, group = null;
    const visit = (layer, parent) => {
        if (found) return;
        if (layer.getLayers) {
            layer.getLayers().forEach((child) => visit(child, layer.zoomToShowLayer ? layer : parent));
            return;
        }
        if (layer.options && layer.options.atlasId === id) { found = layer; group = parent; }
    };
    (window.feature_group || []).filter((g) => window.map.hasLayer(g)).forEach((g) => visit(g, null));
    if (found && group) { group.zoomToShowLayer(found, () => resolve(true)); } else { resolve(Boolean(found)); }
})"""
# Timing the map without slowing it down: reading every marker's id takes tens of milliseconds at
# thousands of places, too much to poll on every frame. streamlit-folium evaluates a new filter's markers
# in one go (a new feature group, every marker added synchronously), so a cheap poll waits for a group
# other than the one on the map before the change; the ids are then checked once (and, should that
# group not be the wanted one, polled slowly).
_MARK_GROUPS = f"""() => {{ const w = {_MAP_WINDOW};
    window.__benchOld = w && w.map ? (w.feature_group || []).filter((g) => w.map.hasLayer(g)) : []; }}"""
_WATCH_TABLE = """(text) => {
    const watch = window.__benchTable = {start: performance.now(), seen: null, already: false};
    const now = document.getElementById('atlas-table-count');
    watch.already = Boolean(now && text !== null && now.textContent.includes(text));
    if (text === null || watch.already) { return; }  // (a table that does not change is timed with the map)
    const look = () => {
        const c = document.getElementById('atlas-table-count');
        if (c && c.textContent.includes(text)) { watch.seen = performance.now(); } else { requestAnimationFrame(look); }
    };
    requestAnimationFrame(look);
}"""
_NEW_GROUP = f"""() => {{ const w = {_MAP_WINDOW};
    return Boolean(w && w.map && (w.feature_group || []).some((g) => w.map.hasLayer(g)
        && !(window.__benchOld || []).includes(g))); }}"""
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_average() -> tuple[float, float, float]:
    """The machine's 1, 5 and 15 minute load averages, rounded (to report beside every figure)."""
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download does not work offline)."""
    executable = chromium_path()
    if executable is None:
        raise SystemExit("Debian's Chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Page:
    """A page in its own browser context, with the requests it tried to send elsewhere (aborted)."""

    context: Any
    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    received: int = 0  # bytes the app's websocket brought to the page so far
    detours: int = 0  # filter changes whose first new markers were not yet the wanted ones
    map_ready: float = 0.0  # when wait_for_markers saw the map ready (time.perf_counter())

    @property
    def frame(self) -> Any:
        """The map's iframe (``streamlit_folium``) as a Playwright frame."""
        return self.page.locator(MAP_FRAME).element_handle().content_frame()

    def close(self) -> None:
        self.context.close()


def open_page(browser: Any, url: str | None = None, *, count_bytes: bool = False) -> Page:
    """A 1500 x 1000 page on ``url`` that lets no request leave the machine. With ``count_bytes``, what the
    app's websocket brings is counted in ``Page.received`` (Playwright copies every frame to this process:
    not for timed runs)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, service_workers="block")
    seen = Page(context, None)

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    seen.page = context.new_page()
    seen.page.on("pageerror", lambda e: seen.errors.append(str(e)))

    def count(payload: str | bytes) -> None:
        seen.received += len(payload)

    if count_bytes:
        seen.page.on("websocket", lambda ws: ws.on("framereceived", count))
    if url:
        seen.page.goto(url)
    return seen


def wait_for_markers(page: Page, want: Collection[int], timeout: float = 120_000, *, settle: bool = True) -> Any:
    """Until the map is drawn (Leaflet, the Natural Earth outlines) and holds exactly the markers of the
    place ids ``want``, then (``settle``) until the app is idle. Returns the map's frame; ``page.map_ready``
    is the moment the map was ready (a ``time.perf_counter()`` value).

    The page checks on every frame it draws and notes the moment itself (Playwright's ``expect`` polls at
    100, 250, 500 ms then every second: it saw a map ready at 3.2 s at 3.4 s, or a second late). Reading
    every marker's id on every frame would slow a map of thousands: those are checked every 250 ms, so
    their moment is up to 250 ms late."""
    since_epoch = time.time() - time.perf_counter()
    seen = page.page.wait_for_function(_PAGE_MAP_READY, arg=sorted(want), timeout=timeout,
                                       polling="raf" if len(want) < 500 else 250).json_value()
    page.map_ready = min(seen / 1000 - since_epoch, time.perf_counter())  # (the two clocks may differ by a few ms)
    if settle:
        page.page.wait_for_selector(IDLE, timeout=timeout)
    return page.frame


def click_to_panel(page: Page, place: Any, timeout: float = 30_000) -> float:
    """Seconds from a click on ``place``'s marker (a ``PlaceCount``; the map is first moved, without
    timing, so that the marker stands alone) to its name and sentences in the panel."""
    return click_to_panel_and_page(page, place, timeout)[0]


def click_to_panel_and_page(page: Page, place: Any, timeout: float = 30_000) -> tuple[float, float]:
    """:func:`click_to_panel`, and the seconds to the app being idle again (the whole page redrawn)."""
    from playwright.sync_api import expect

    frame = page.frame
    frame.evaluate(_SHOW_MARKER, [int(place.id), place.lat, place.lon])
    marker = frame.locator(f'.atlas-marker [data-place-id="{int(place.id)}"]')
    expect(marker).to_be_visible(timeout=timeout)
    page.page.wait_for_selector(IDLE)
    t0 = time.perf_counter()
    marker.click()
    page.page.wait_for_function("(name) => [...document.querySelectorAll('h3')].some((h) => h.textContent === name) "
                                "&& document.querySelector('.atlas-sentence')", arg=place.name, timeout=timeout,
                                polling="raf")
    panel = time.perf_counter() - t0
    page.page.wait_for_selector(IDLE, timeout=timeout)
    return panel, time.perf_counter() - t0


def filter_change(page: Page, change: Callable[[], None], want: Collection[int], table_text: str | None = None,
                  timeout: float = 60_000) -> tuple[float, float, float]:
    """Seconds from ``change()`` (which must end with the action that sends the new filter) to the map
    holding exactly the markers ``want``; to the events table's count reading ``table_text`` (when given,
    timed in the page on every frame, independently of the map, which may come later;
    else the map's time again); and to the app being idle again after both (the whole page redrawn)."""
    page.page.evaluate(_MARK_GROUPS)  # (from the page: the map's frame may be a new one after the change)
    # The table is timed in the page, on every frame, independently of the map (it may come first).
    page.page.evaluate(_WATCH_TABLE, table_text)
    t0 = time.perf_counter()
    change()
    page.page.wait_for_function(_NEW_GROUP, timeout=timeout, polling="raf")
    mapped = time.perf_counter() - t0
    frame = page.frame
    if not frame.evaluate(_SAME_IDS, sorted(want)):
        page.detours += 1
        frame.wait_for_function(_SAME_IDS, arg=sorted(want), timeout=timeout, polling=250)
        mapped = time.perf_counter() - t0
    tabled = mapped
    if table_text is not None and not page.page.evaluate("() => window.__benchTable.already"):
        page.page.wait_for_function("() => window.__benchTable.seen !== null", timeout=timeout, polling="raf")
        waited = time.perf_counter() - t0
        # the page's clock from the watch's start to the table: the watch starts just before t0
        tabled = min(waited, page.page.evaluate("() => (window.__benchTable.seen - window.__benchTable.start) / 1000"))
    page.page.wait_for_selector(IDLE, timeout=timeout)
    return mapped, tabled, time.perf_counter() - t0


def set_start_date(page: Page, day: datetime.date) -> Callable[[], None]:
    """A change for :func:`filter_change`: type ``day`` as the start date, then leave the field (which sends
    it). The typing happens now, untimed; the returned function only leaves the field."""
    page.page.get_by_role("spinbutton", name="year, Dates of events start date").click()
    page.page.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")
    return lambda: page.page.get_by_role("heading", name="News Atlas").click()


def cpu_profile(page: Page, action: Callable[[], Any], top: int = 15) -> dict[str, Any]:
    """Run ``action`` under Chromium's JavaScript sampling profiler (the page and its same-origin map frame):
    the wall time, the JavaScript busy time and the functions with the most self time."""
    cdp = page.context.new_cdp_session(page.page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Profiler.start")
    t0 = time.perf_counter()
    action()
    wall = time.perf_counter() - t0
    profile = cdp.send("Profiler.stop")["profile"]
    cdp.detach()
    frames = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    self_ms: dict[str, float] = {}
    for node, delta in zip(profile["samples"], profile["timeDeltas"], strict=False):
        f = frames[node]
        where = f"{f['functionName'] or '(anonymous)'} {Path(f['url']).name or ''}:{f['lineNumber'] + 1}".strip()
        self_ms[where] = self_ms.get(where, 0.0) + delta / 1000
    idle = sum(v for k, v in self_ms.items() if k.startswith(("(idle)", "(program)")))
    busy = sum(self_ms.values()) - idle
    ranked = sorted(((k, round(v, 1)) for k, v in self_ms.items() if not k.startswith("(idle)")),
                    key=lambda kv: -kv[1])
    return {"wall_s": round(wall, 3), "js_busy_ms": round(busy, 1), "top_self_ms": ranked[:top]}


def process_memory_mb(pid: int) -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident memory of a process, in MB, from /proc."""
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out["peak" if key == "VmHWM" else "now"] = round(int(value.split()[0]) / 1024, 1)
    return out


def page_memory_mb(page: Page) -> float | None:
    """The page's JavaScript heap in use (the map's same-origin frame included), in MB, from Chromium."""
    try:
        cdp = page.context.new_cdp_session(page.page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        cdp.detach()
    except Exception:  # not Chromium, or the DevTools protocol refused: no figure rather than no bench
        return None
    return round(metrics.get("JSHeapUsedSize", 0) / 2**20, 1)
