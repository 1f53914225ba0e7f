"""Events, not mentions, in the browser: the default map shows where things happened (no marker for a
place named only as an actor or in a title), the date range acts on the events' own dates, the panel
shows each event's date with its precision and its actors, and one switch brings every mention back."""
from __future__ import annotations

import datetime
import re

import pytest

from dashboard.events import date_label
from dashboard.store import EventFilter
from tests.browser.pages import expect, map_frame, store_of, wait_for_markers, zoom_to

pytestmark = pytest.mark.browser

WEEK = EventFilter(datetime.date(2022, 9, 12), datetime.date(2022, 9, 18), undated=False)


def ids_named(store, flt: EventFilter) -> dict[str, int]:
    return {p.name: p.id for p in store.place_counts(flt)}


def test_the_default_map_shows_where_things_happened(seeds_app, visit):
    with store_of(seeds_app) as store:
        where = ids_named(store, EventFilter())
        every = ids_named(store, EventFilter(every_mention=True))
        moscow = store.events(every["Moscow"])
        yerevan = store.events(every["Yerevan"])
        titles = {a: t for a, t, _s, _p in store.article_list()}
    # named only in a secretary's title, or only as an actor: no marker of their own
    assert {"United States", "Baku"} <= set(every) and not {"United States", "Baku"} & set(where)
    # Moscow and Yerevan keep what happened there: the meetings of 004, the parliament of 003
    assert [e.article_id for e in moscow] == [e.article_id for e in moscow[:1]] * len(moscow) and len(moscow) == 2
    assert all("met" in e.sentence or " was in Moscow" in e.sentence for e in moscow)
    assert any("Yerevan parliament" in e.sentence for e in yerevan)
    assert all("meeting" in e.sentence or "parliament" in e.sentence for e in yerevan)
    assert "Armenia Seeks" not in titles[moscow[0].article_id]
    seen = visit(seeds_app.url)
    frame = map_frame(seen.page)
    assert set(wait_for_markers(frame, set(where.values()))) == set(where.values())
    # one switch shows every mention, as before
    seen.page.get_by_text("Show every mention").click()
    seen.page.wait_for_url(re.compile(r"[?&]mentions=all\b"))
    assert set(wait_for_markers(frame, set(every.values()))) == set(every.values())


def test_a_week_keeps_its_events_and_drops_what_is_recounted(seeds_app, visit):
    with store_of(seeds_app) as store:
        week = ids_named(store, WEEK)
        with_undated = ids_named(store, EventFilter(WEEK.start, WEEK.end))
    assert "Armenia" in week  # "the CSTO ... a mission to Armenia"
    assert not {"Lachin corridor", "Kazakhstan"} & set(week)  # August's corridor, "last January"'s mission
    assert {"Vardenis", "Sotk", "Goris", "Kapan"} <= set(with_undated) and not {"Vardenis", "Goris"} & set(week)
    seen = visit(f"{seeds_app.url}?from=2022-09-12&to=2022-09-18&undated=0")
    page = seen.page
    frame = map_frame(page)
    assert set(wait_for_markers(frame, set(week.values()))) == set(week.values())
    # the undated report's towns come back with undated events
    page.get_by_text("Include undated events").click()
    page.wait_for_url(lambda url: "undated=0" not in url)
    assert set(wait_for_markers(frame, set(with_undated.values()))) == set(with_undated.values())


def test_the_panel_shows_each_events_date_precision_and_actors(seeds_app, visit):
    with store_of(seeds_app) as store:
        (yerevan,) = [p for p in store.place_counts() if p.name == "Yerevan"]
        events = store.events(yerevan.id)
    parliament = next(e for e in events if "Yerevan parliament" in e.sentence)
    assert parliament.actors, "the parliament sentence names who attacked"
    coarse = next((e for e in events if e.date_precision not in (None, "day")), None)
    seen = visit(seeds_app.url)
    page = seen.page
    frame = map_frame(page)
    zoom_to(frame, yerevan.lat, yerevan.lon, 12)
    marker = frame.locator(f'.atlas-marker [data-place-id="{yerevan.id}"]')
    expect()(marker).to_be_visible()
    marker.click()
    page.wait_for_url(re.compile(rf"[?&]place={yerevan.id}\b"))
    event = page.locator(f'.atlas-event[data-event="{parliament.id}"]')
    expect()(event).to_be_visible(timeout=15_000)
    meta = event.locator(".atlas-meta")
    label = date_label(parliament.date_value, parliament.date_precision, parliament.date_source)
    expect()(meta.locator(".atlas-when")).to_have_text(label)
    expect()(meta).to_contain_text("actors: " + ", ".join(dict.fromkeys(parliament.actors)))
    expect()(meta).to_contain_text("in Yerevan")
    popup = frame.locator(".leaflet-popup-content", has_text="Yerevan").last
    expect()(popup).to_contain_text(label)
    if coarse is not None:  # a date known to the week or month says so
        coarse_label = date_label(coarse.date_value, coarse.date_precision, coarse.date_source)
        assert coarse_label.startswith(("week of", "January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December", "the ", "2"))
        expect()(page.locator(f'.atlas-event[data-event="{coarse.id}"] .atlas-when')).to_have_text(coarse_label)
