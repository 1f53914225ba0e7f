"""Correcting a place in the real page, for every mention of its name at once: a seed article names
Nakhichevan twice (the geoparser chose the autonomous republic for both); one correction moves both
mentions to the city, the map and the panel follow, "Corrections (N)" lists them on one line with both
places' regions, and one Undo takes both back. Unticked, the same correction moves one mention only."""
from __future__ import annotations

import re

import pytest

from dashboard.store import EventFilter
from tests.browser.appserver import start_app, wait_idle_app
from tests.browser.pages import expect, map_frame, marker_ids, store_of, wait_for_markers

pytestmark = pytest.mark.browser

ARTICLE = "f668f17e463bdde6"  # "Armenian Prime Minister will ask Russia for military aid against Azerbaijan"
REPUBLIC = -3344146989  # Nakhchivan Autonomous Republic (the geoparser's choice)
CITY = 147429  # Naxçıvan, the city (one of its runner-ups)
CITY_LABEL = "Naxçıvan (town, Nakhichevan, Azerbaijan)"
REPUBLIC_LABEL = "Nakhchivan Autonomous Republic (first-level division, Azerbaijan)"
EVERY = "Apply to every mention of this name in the article (2)"


@pytest.fixture(scope="module")
def app(tmp_path_factory, gazetteer_ready, browser):
    """The app on a store holding the seeds (the tests here correct it, and undo what they did)."""
    from dashboard.ingest import ingest_seeds
    from dashboard.store import Store
    from gazetteer import Gazetteer

    home = tmp_path_factory.mktemp("corrections-home")
    with Gazetteer.open() as gaz, Store(home / "atlas.sqlite") as store:
        assert ingest_seeds(store, gaz).added == 5
    server = start_app(home)
    yield server
    server.stop()


def nakhichevan(server) -> dict[tuple[int, int], int | None]:
    """The place of each mention of Nakhichevan in the article, by its span."""
    with store_of(server) as store:
        return {(m.start, m.end): m.place_id for m in store.article(ARTICLE).mentions if m.text == "Nakhichevan"}


def places_now(server) -> set[int]:
    with store_of(server) as store:
        return {p.id for p in store.place_counts(EventFilter())}


def choose(page, label: str, option: re.Pattern) -> None:
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


def open_form(page) -> None:
    if not page.get_by_role("button", name="Apply the correction").is_visible():
        page.get_by_text("Correct this place, role or date").click()
    expect()(page.get_by_role("button", name="Apply the correction")).to_be_visible(timeout=20_000)
    wait_idle_app(page)


def test_a_correction_applied_to_every_mention_moves_them_all(app, visit):
    before = nakhichevan(app)
    assert len(before) == 2 and set(before.values()) == {REPUBLIC}
    markers = places_now(app)
    seen = visit(f"{app.url}?place={REPUBLIC}")
    page = seen.page
    frame = map_frame(page)
    assert set(wait_for_markers(frame, markers)) == markers
    open_form(page)
    # the runner-ups say where each place is; the box is ticked by default
    expect()(page.get_by_role("checkbox", name=EVERY)).to_be_checked()
    choose(page, "The right place", re.compile("^" + re.escape(CITY_LABEL) + " · runner-up"))
    page.get_by_role("button", name="Apply the correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text(
        f"“Nakhichevan” now names {CITY_LABEL} at all 2 of its mentions in this article", timeout=20_000)
    wait_idle_app(page)
    # every mention moved, in the store, on the map and in the panel (which follows them to the city)
    assert nakhichevan(app) == dict.fromkeys(before, CITY)
    moved = places_now(app)
    assert REPUBLIC not in moved and CITY in moved
    assert set(wait_for_markers(frame, moved)) == moved
    page.wait_for_url(re.compile(rf"[?&]place={CITY}\b"))
    expect()(page.get_by_text(re.compile(r"^2 events under the current filter"))).to_be_visible(timeout=20_000)
    # "Corrections (2)": one line for both mentions, from-place and to-place with their regions
    page.get_by_text("Corrections (2)").click()
    line = page.locator(".atlas-correction")
    expect()(line).to_have_count(1, timeout=20_000)
    expect()(line).to_have_attribute("data-mentions", "2")
    expect()(line).to_contain_text(f"“Nakhichevan” (2 mentions) in Armenian Prime Minister will ask Russia for "
                                   f"military aid against Azerbaijan: {REPUBLIC_LABEL} → {CITY_LABEL}")
    # one Undo takes both back
    page.locator('[data-testid="stExpanderDetails"]').get_by_role("button", name="Undo").first.click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text(
        f"Undone: the 2 mentions of “Nakhichevan” name {REPUBLIC_LABEL} again", timeout=20_000)
    wait_idle_app(page)
    assert nakhichevan(app) == before
    assert set(wait_for_markers(frame, markers)) == markers
    with store_of(app) as store:
        assert store.corrections() == []
    assert seen.errors == []


def test_unticked_a_correction_moves_the_one_mention(app, visit):
    before = nakhichevan(app)
    seen = visit(f"{app.url}?place={REPUBLIC}")
    page = seen.page
    map_frame(page)
    open_form(page)
    page.get_by_text(EVERY).click()  # (the box itself is drawn over a hidden input)
    expect()(page.get_by_role("checkbox", name=EVERY)).not_to_be_checked()
    wait_idle_app(page)
    choose(page, "The right place", re.compile("^" + re.escape(CITY_LABEL)))
    page.get_by_role("button", name="Apply the correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text(f"“Nakhichevan” now names {CITY_LABEL}.",
                                                                timeout=20_000)
    wait_idle_app(page)
    now = nakhichevan(app)
    assert sorted(now.values()) == [REPUBLIC, CITY]  # the mention chosen only
    assert {REPUBLIC, CITY} <= set(marker_ids(map_frame(page)))
    page.get_by_role("button", name="Undo this correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text(f"Undone: “Nakhichevan” names {REPUBLIC_LABEL} again",
                                                                timeout=20_000)
    wait_idle_app(page)
    assert nakhichevan(app) == before
    assert seen.errors == []
