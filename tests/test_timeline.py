"""The timeline's plain functions: bins that fit the range, coarse dates shared out over their bins,
a brush's interval → the date range, and Play's steps (dashboard.page.timeline)."""
from __future__ import annotations

import datetime
import itertools

import pytest

from dashboard.page.timeline import (
    BRUSH,
    bin_unit,
    binned_counts,
    brushed_dates,
    make_bins,
    play_next,
    play_start,
    play_window,
    shown_span,
)
from dashboard.store import EventFilter, Period
from dashboard.store.filters import EVENT_TYPE_NAMES

D = datetime.date


def ms(day: datetime.date) -> int:
    return (day - D(1970, 1, 1)).days * 86_400_000


@pytest.mark.parametrize(("first", "last", "unit"), [
    (D(2022, 9, 13), D(2022, 9, 13), "day"),
    (D(2022, 1, 1), D(2022, 7, 19), "day"),  # 200 days
    (D(2022, 1, 1), D(2022, 7, 20), "week"),
    (D(2020, 1, 1), D(2022, 12, 31), "week"),  # three years: 157 weeks, not 1,096 one-day bars
    (D(2015, 1, 1), D(2022, 12, 31), "month"),
    (D(1990, 1, 1), D(2022, 9, 14), "year"),
])
def test_the_unit_fits_the_span(first, last, unit):
    assert bin_unit(first, last) == unit
    bins = make_bins(first, last)
    assert len(bins) <= 200 and (unit == "day" or len(bins) >= 17)
    assert bins[0][0] <= first and bins[-1][1] >= last
    assert all(a[1] + datetime.timedelta(days=1) == b[0] for a, b in itertools.pairwise(bins))


def test_weeks_run_monday_to_sunday_and_months_are_calendar_months():
    weeks = make_bins(D(2022, 1, 5), D(2022, 12, 1), "week")
    assert weeks[0] == (D(2022, 1, 3), D(2022, 1, 9)) and all(w[0].weekday() == 0 for w in weeks)
    months = make_bins(D(2021, 11, 15), D(2022, 2, 2), "month")
    assert months == [(D(2021, 11, 1), D(2021, 11, 30)), (D(2021, 12, 1), D(2021, 12, 31)),
                      (D(2022, 1, 1), D(2022, 1, 31)), (D(2022, 2, 1), D(2022, 2, 28))]


def test_a_day_counts_in_its_bin_and_a_month_is_shared_out_over_its_weeks():
    bins = make_bins(D(2022, 1, 3), D(2022, 6, 30), "week")
    periods = [Period(D(2022, 5, 3), D(2022, 5, 3), "day", 4),
               Period(D(2022, 5, 1), D(2022, 5, 31), "month", 31)]
    bars = binned_counts(periods, bins)
    own = [b for b in bars if not b.shared]
    assert [(b.first, b.precision, b.events) for b in own] == [(D(2022, 5, 2), "day", 4)]
    shared = [b for b in bars if b.shared]
    assert {b.precision for b in shared} == {"month"}
    # every week of May holds its days' share; the whole month still counts 31 events
    assert [round(b.events, 6) for b in shared] == [1, 7, 7, 7, 7, 2]
    assert sum(b.events for b in shared) == pytest.approx(31)


def test_a_period_within_one_bin_is_not_shared_and_parts_outside_the_bins_are_left_out():
    bins = make_bins(D(2022, 1, 1), D(2022, 12, 31), "month")
    bars = binned_counts([Period(D(2022, 3, 7), D(2022, 3, 13), "week", 2),
                          Period(D(2020, 1, 1), D(2029, 12, 31), "decade", 3650)], bins)
    assert [(b.first, b.precision, b.shared) for b in bars if b.precision == "week"] == [(D(2022, 3, 1), "week",
                                                                                          False)]
    decade = [b for b in bars if b.precision == "decade"]
    assert len(decade) == 12 and sum(b.events for b in decade) == pytest.approx(3650 * 365 / 3653)


def test_the_span_shown_is_the_filters_range_else_the_events():
    periods = [Period(D(2021, 5, 1), D(2021, 5, 31), "month", 1), Period(D(2022, 9, 13), D(2022, 9, 13), None, 2)]
    assert shown_span(periods, EventFilter()) == (D(2021, 5, 1), D(2022, 9, 13))
    assert shown_span(periods, EventFilter(start=D(2022, 1, 1))) == (D(2022, 1, 1), D(2022, 9, 13))
    assert shown_span([], EventFilter()) is None


def test_a_brush_selects_whole_bins():
    bins = make_bins(D(2022, 1, 1), D(2022, 12, 31), "month")
    # from mid-March to the very start of June (its edge): March to May
    sel = {"selection": {BRUSH: {"first": [ms(D(2022, 3, 15)) + 3_600_000, ms(D(2022, 6, 1))]}}}
    assert brushed_dates(sel, bins) == (D(2022, 3, 1), D(2022, 5, 31))
    # dragged right to left, as ISO strings
    sel = {"selection": {BRUSH: {"first": ["2022-07-20T00:00:00", "2022-07-02"]}}}
    assert brushed_dates(sel, bins) == (D(2022, 7, 1), D(2022, 7, 31))
    days = make_bins(D(2022, 9, 1), D(2022, 9, 30), "day")
    sel = {"selection": {BRUSH: {"first": [ms(D(2022, 9, 12)) + 1, ms(D(2022, 9, 14)) + 43_200_000]}}}
    assert brushed_dates(sel, days) == (D(2022, 9, 12), D(2022, 9, 14))
    # before the first bin or past the last: the first or last bin
    sel = {"selection": {BRUSH: {"first": [ms(D(2021, 1, 1)), ms(D(2023, 6, 1))]}}}
    assert brushed_dates(sel, bins) == (D(2022, 1, 1), D(2022, 12, 31))


@pytest.mark.parametrize("selection", [None, {}, {"selection": {}}, {"selection": {BRUSH: {}}},
                                       {"selection": {BRUSH: {"first": [1]}}},
                                       {"selection": {BRUSH: {"first": [float("nan"), 5]}}},
                                       {"selection": {BRUSH: {"first": ["soon", "later"]}}},
                                       {"selection": {BRUSH: {"first": [True, False]}}},
                                       {"selection": {BRUSH: {"first": [1e300, 2e300]}}},
                                       {"selection": {BRUSH: "2022"}}, "junk"])
def test_no_or_a_malformed_brush_selects_nothing(selection):
    assert brushed_dates(selection, make_bins(D(2022, 1, 1), D(2022, 12, 31))) is None


def test_play_steps_a_window_through_the_range_and_ends():
    play = play_start(D(2022, 1, 12), D(2022, 3, 2))
    assert play["unit"] == "week"
    windows = []
    while play:
        windows.append(play_window(play["at"], play["unit"], play["first"], play["last"]))
        play = play_next(play)
    assert windows[0] == (D(2022, 1, 12), D(2022, 1, 16)) and windows[1] == (D(2022, 1, 17), D(2022, 1, 23))
    assert windows[-1] == (D(2022, 2, 28), D(2022, 3, 2)) and len(windows) == 8
    assert play_start(D(2020, 1, 1), D(2022, 12, 31))["unit"] == "month"
    assert play_start(D(1990, 1, 1), D(2022, 9, 14))["unit"] == "year"


# -- stacked by event type (issue 10, item 5) -----------------------------------------------------------
def test_bars_are_stacked_by_event_type():
    from dashboard.page.timeline import NO_TYPE, TYPE_COLOURS, timeline_chart
    from dashboard.store.records import TypedPeriod

    periods = [TypedPeriod(D(2022, 9, 13), D(2022, 9, 13), "day", 3, "Battles"),
               TypedPeriod(D(2022, 9, 13), D(2022, 9, 13), "day", 2, "Strategic developments"),
               TypedPeriod(D(2022, 9, 13), D(2022, 9, 13), "day", 1, None),
               TypedPeriod(D(2022, 9, 1), D(2022, 9, 30), "month", 30, "Battles")]
    bins = make_bins(D(2022, 9, 1), D(2022, 9, 30), "day")
    bars = binned_counts(periods, bins)
    day = [b for b in bars if b.first == D(2022, 9, 13)]
    # one piece per type (and part), in the legend's order; events without a type are "no type"
    assert [(b.event_type, b.shared, b.events) for b in day] == [
        ("Battles", False, 3), ("Battles", True, 1.0), ("Strategic developments", False, 2), (NO_TYPE, False, 1)]
    assert sum(b.events for b in bars) == pytest.approx(36)
    assert set(TYPE_COLOURS) == {*EVENT_TYPE_NAMES, NO_TYPE} and len(set(TYPE_COLOURS.values())) == 7
    spec = timeline_chart(bars, bins, "day").to_dict()
    color = spec["encoding"]["color"]
    assert color["field"] == "type" and color["scale"]["domain"] == list(TYPE_COLOURS)
    assert color["scale"]["range"] == list(TYPE_COLOURS.values()) and color["legend"] is not None
    # untyped periods (a store read without types) are all "no type"
    assert {b.event_type for b in binned_counts([Period(D(2022, 9, 13), D(2022, 9, 13), "day", 4)], bins)} == {
        NO_TYPE}


@pytest.mark.parametrize("first, last, unit", [
    (D(2022, 3, 3), D(2022, 3, 3), "day"), (D(2022, 9, 1), D(2022, 9, 30), "day"),
    (D(2020, 1, 1), D(2022, 12, 31), "week"),
])
def test_the_axis_ticks_no_finer_than_a_bin(first, last, unit):
    """A single day's events are drawn on an axis of days, not of hours (01 AM ... 11 PM)."""
    from dashboard.page.timeline import FEW_BINS, UNIT_DAYS, timeline_chart

    bins = make_bins(first, last, unit)
    bars = binned_counts([Period(first, first, "day", 2)], bins)
    axis = timeline_chart(bars, bins, unit).to_dict()["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == UNIT_DAYS[unit] * 86_400_000
    assert unit != "day" or axis["format"] == "%d %b %Y"
    # (Vega reads tickMinStep only to lower the count of ticks, which still falls between bins when they are
    # few: then a tick stands at each bin's start, and nowhere else)
    assert (axis.get("tickCount") == {"interval": unit, "step": 1}) == (len(bins) <= FEW_BINS)
