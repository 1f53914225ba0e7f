"""The page's own stylesheet (dashboard/static/atlas/page.css) reaches the browser and styles the panel:
Streamlit 1.67 drops an ``st.html`` made only of ``<style>`` (it rendered nothing, and the panel's
sentences, marks and notes went unstyled), so the page gives it to ``st.markdown`` (the one HTML the
page does not escape: our own file, tests/test_markdown_calls.py)."""
from __future__ import annotations

import re

import pytest

from tests.browser.pages import expect, map_frame, store_of, wait_for_markers, zoom_to

pytestmark = pytest.mark.browser


def test_the_page_css_styles_the_panel(seeds_app, visit):
    with store_of(seeds_app) as store:
        place = next(p for p in store.place_counts() if p.kind == "town")
    seen = visit(seeds_app.url)
    page = seen.page
    page.wait_for_function("""() => [...document.styleSheets].flatMap((s) => {
        try { return [...s.cssRules].map((r) => r.cssText); } catch (e) { return []; } })
        .filter((t) => t.includes('.atlas-')).length >= 10""", timeout=15_000)  # page.css's rules are in the page
    frame = map_frame(page)
    wait_for_markers(frame, {place.id})
    zoom_to(frame, place.lat, place.lon, 8)
    frame.locator(f'.atlas-marker [data-place-id="{place.id}"]').click()
    page.wait_for_url(re.compile(rf"[?&]place={place.id}\b"))
    sentence = page.locator(".atlas-sentence").first
    expect()(sentence).to_be_visible(timeout=15_000)
    border = sentence.evaluate("(e) => getComputedStyle(e).borderLeftStyle + ' ' + getComputedStyle(e).borderLeftColor")
    assert border == "solid rgb(231, 111, 81)", border  # page.css: .atlas-sentence's orange rule
    mark = sentence.locator("mark.atlas-selected").first
    assert mark.evaluate("(e) => getComputedStyle(e).fontWeight") == "700"
