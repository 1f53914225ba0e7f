"""The timeline in a browser (issue 12, item 4): a brush across the chart sets the URL's dates, and Play
steps them through the range."""
from __future__ import annotations

import time
import urllib.parse

import pytest

from tests.browser.appserver import wait_idle_app
from tests.browser.pages import expect, map_frame

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'


def url_dates(page) -> tuple[str | None, str | None]:
    query = urllib.parse.parse_qs(page.evaluate("() => window.location.search").lstrip("?"))
    return (query.get("from") or [None])[-1], (query.get("to") or [None])[-1]


def wait_dates(page, unlike: tuple, timeout: float = 20.0) -> tuple:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if (got := url_dates(page)) != unlike:
            return got
        time.sleep(0.1)
    raise AssertionError(f"the URL's dates stayed {unlike}")


def chart_area(page):
    chart = page.locator(CHART)
    expect()(chart).to_have_count(1, timeout=60_000)
    drawn = chart.locator("canvas, svg").first
    expect()(drawn).to_be_visible(timeout=30_000)
    drawn.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return drawn.bounding_box()


def test_a_brush_on_the_timeline_sets_the_urls_dates(seeds_app, visit):
    seen = visit(seeds_app.url + "?from=2020-01-01&to=2022-09-01")
    page = seen.page
    map_frame(page)
    before = url_dates(page)
    assert before == ("2020-01-01", "2022-09-01")
    box = chart_area(page)
    # the plot lies right of the y axis and above the x axis: drag across its middle, left to right
    y = box["y"] + box["height"] * 0.4
    x1, x2 = box["x"] + box["width"] * 0.45, box["x"] + box["width"] * 0.8
    page.mouse.move(x1, y)
    page.mouse.down()
    page.mouse.move(x2, y, steps=12)
    page.mouse.up()
    start, end = wait_dates(page, before)
    assert start and end and "2020-01-01" < start < end < "2022-09-01", (start, end)
    wait_idle_app(page)
    expect()(page.locator(CHART)).to_have_count(1)
    assert seen.errors == []


def test_play_steps_the_dates_and_stop_keeps_them(seeds_app, visit):
    seen = visit(seeds_app.url + "?from=2022-01-01&to=2022-09-01")
    page = seen.page
    map_frame(page)
    chart_area(page)
    page.get_by_role("button", name="Play").click()
    first = wait_dates(page, ("2022-01-01", "2022-09-01"))
    assert first == ("2022-01-01", "2022-01-02")  # the first week (to its Sunday)
    second = wait_dates(page, first, timeout=15)
    third = wait_dates(page, second, timeout=15)
    assert second[0] and third[0] and second[0] < third[0], (first, second, third)
    page.get_by_role("button", name="Stop").click()
    expect()(page.get_by_role("button", name="Play")).to_be_visible(timeout=15_000)
    wait_idle_app(page)
    stopped = url_dates(page)
    page.wait_for_timeout(3_000)
    assert url_dates(page) == stopped and seen.errors == []
