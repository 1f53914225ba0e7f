"""The timeline under the map: events counted in bins that fit the dates shown, a brush that sets the date
filter, and a Play control that steps a window through the range (the map follows the filter).

* **Bins.** :func:`bin_unit` picks days, weeks (Monday to Sunday), months or years from the span of the
  dates shown (the filter's range, else the events' own), so that there are at most 200 bins and, past
  200 days, at least about 20-30; :func:`make_bins` lays them out.
* **Coarse dates.** An event known only to a week, month, season, year or decade is *shared out* over the
  bins its period covers, in proportion to the days of the period each holds (:func:`binned_counts`):
  "last month" in week bins adds about a quarter of an event to each of its weeks. Those shares are drawn
  paler than the events dated within one bin (the precision is in the tooltip), so every event weighs the same
  on the chart (a bar's area is its events) and a month of vague reports does not tower over the days
  that were actually reported. The tooltip says which part was shared out.
* **Types.** Each bar is stacked by ACLED event type, a colour each (:data:`TYPE_COLOURS`, with a legend;
  grey for events whose words name none).
* **Brush.** Dragging over the chart selects an interval on x; :func:`brushed_dates` snaps it to whole
  bins and the chart's callback (:func:`on_brush`, run before the page's widgets are drawn) puts it in the
  sidebar's date range, and so in the URL (``from=``/``to=``).
* **Play.** "Play" steps a week, a month or a year (:func:`play_unit`) at a time from the first date
  shown to the last: each step sets the date filter (:func:`dashboard.page.state.take_pending_dates`
  applies it on the next run, before the sidebar is drawn) and reruns the page. "Stop" keeps the window
  on screen; at the end the whole range comes back. While playing, the chart keeps showing the whole
  range, the current window shaded.

The plain functions know nothing of Streamlit's runtime and are unit-tested (tests/test_timeline.py).
"""
from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import streamlit as st

from dashboard.events import PRECISIONS
from dashboard.page import keys as k
from dashboard.page.data import load_timeline
from dashboard.page.markup import escape_markdown
from dashboard.store import EventFilter, Period

UNITS = ("day", "week", "month", "year")
UNIT_DAYS = {"day": 1, "week": 7, "month": 28, "year": 365}  # the least time between two ticks of the axis
FEW_BINS = 12  # ... and up to this many bins, a tick at each bin's start
MAX_BINS = 200
PLAY_STEP = 1.5  # seconds between two steps of Play
PLAY_STEPS = 40  # Play takes weeks, months or years so that the range is about this many steps at most
BRUSH = "span"  # the interval selection's name in the chart
CHART_HEIGHT = 230  # pixels, the legend of event types above the bars included
DAY = datetime.timedelta(days=1)
EPOCH = datetime.date(1970, 1, 1)


# -- bins ----------------------------------------------------------------------------------------------
def _months(first: datetime.date, last: datetime.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def bin_unit(first: datetime.date, last: datetime.date) -> str:
    """The bins for dates from ``first`` to ``last``: the finest unit with at most 200 bins."""
    days = (last - first).days + 1
    if days <= MAX_BINS:
        return "day"
    if days <= 7 * MAX_BINS:
        return "week"
    if _months(first, last) <= MAX_BINS:
        return "month"
    return "year"


def unit_start(day: datetime.date, unit: str) -> datetime.date:
    """The first day of the ``unit`` (day, week from Monday, month, year) that holds ``day``."""
    if unit == "week":
        return day - datetime.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def next_start(start: datetime.date, unit: str) -> datetime.date:
    """The first day of the unit after the one starting on ``start``."""
    if unit == "week":
        return start + datetime.timedelta(days=7)
    if unit == "month":
        return datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    if unit == "year":
        return datetime.date(start.year + 1, 1, 1)
    return start + DAY


def make_bins(first: datetime.date, last: datetime.date, unit: str | None = None) -> list[tuple[datetime.date,
                                                                                                 datetime.date]]:
    """Whole bins ``(first day, last day)`` covering ``first`` to ``last``, oldest first."""
    unit = unit or bin_unit(first, last)
    bins, start = [], unit_start(first, unit)
    while start <= last:
        end = next_start(start, unit)
        bins.append((start, end - DAY))
        start = end
    return bins


def bin_label(start: datetime.date, unit: str) -> str:
    if unit == "week":
        return f"week of {start.isoformat()}"
    if unit == "month":
        return start.strftime("%B %Y")
    if unit == "year":
        return str(start.year)
    return start.isoformat()


# The colour of each ACLED event type on the timeline (and of events whose words name none).
NO_TYPE = "no type"
TYPE_COLOURS: dict[str, str] = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
    "Riots": "#d4ac0d", "Protests": "#2e86c1", "Strategic developments": "#27ae60", NO_TYPE: "#95a5a6",
}


@dataclass(frozen=True)
class Bar:
    """One piece of a bin's bar: the events of one type and precision dated within the bin (``shared``
    false), or the shares of such events whose period is wider than the bin (``shared`` true)."""

    first: datetime.date
    last: datetime.date
    precision: str
    shared: bool
    events: float
    event_type: str = NO_TYPE


def binned_counts(periods: Sequence[Period], bins: Sequence[tuple[datetime.date, datetime.date]]) -> list[Bar]:
    """The bars of the timeline: each period's events in the bin that holds it, or shared out over the bins
    its period covers in proportion to their days in it (parts outside the bins are left out), per event
    type when the periods have one (:class:`~dashboard.store.records.TypedPeriod`) and precision."""
    if not bins:
        return []
    starts = [b[0] for b in bins]
    lo, hi = bins[0][0], bins[-1][1]
    sums: dict[tuple[int, str, bool, str], float] = {}
    for p in periods:
        kind = getattr(p, "event_type", None) or NO_TYPE
        first, last = max(p.first, lo), min(p.last or p.first, hi)
        if last < first or p.events <= 0:
            continue
        precision = p.precision or "day"
        whole = ((p.last or p.first) - p.first).days + 1
        i = bisect.bisect_right(starts, first) - 1
        j = bisect.bisect_right(starts, last) - 1
        if i == j and first == p.first and last == (p.last or p.first):
            key = (i, precision, False, kind)
            sums[key] = sums.get(key, 0.0) + p.events
            continue
        for n in range(i, j + 1):
            days = (min(bins[n][1], last) - max(bins[n][0], first)).days + 1
            key = (n, precision, True, kind)
            sums[key] = sums.get(key, 0.0) + p.events * days / whole
    order = {p: i for i, p in enumerate(PRECISIONS)}
    types = {t: i for i, t in enumerate(TYPE_COLOURS)}
    return [Bar(bins[n][0], bins[n][1], precision, shared, events, kind)
            for (n, precision, shared, kind), events in sorted(sums.items(), key=lambda kv: (
                kv[0][0], types.get(kv[0][3], 99), kv[0][2], order.get(kv[0][1], 99)))]


def shown_span(periods: Sequence[Period], flt: EventFilter) -> tuple[datetime.date, datetime.date] | None:
    """The dates the timeline shows: the filter's range, its open ends taken from the events'."""
    if not periods and not (flt.start and flt.end):
        return None
    first = flt.start or min(p.first for p in periods)
    last = flt.end or max((p.last or p.first) for p in periods)
    return (first, last) if first <= last else (last, first)


# -- the brush -----------------------------------------------------------------------------------------
def _as_date(value: Any) -> datetime.date | None:
    """A brush end: milliseconds since 1970 (UTC, as Vega-Lite gives a utc scale), or an ISO date(-time)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or abs(value) > 1e15:  # NaN, or past any calendar
            return None
        return EPOCH + datetime.timedelta(milliseconds=value)
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def brush_interval(selection: Any, name: str = BRUSH) -> tuple[Any, Any] | None:
    """The x interval of a chart's selection state (``{"selection": {"span": {"first": [a, b]}}}``, or the
    ``VegaLiteState`` Streamlit returns); ``None`` for no or a malformed selection."""
    try:
        params = selection["selection"] if isinstance(selection, Mapping) else selection.selection
        fields = params[name] if isinstance(params, Mapping) else getattr(params, name)
    except (AttributeError, KeyError, TypeError):
        return None
    if not isinstance(fields, Mapping):
        return None
    for value in fields.values():
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return value[0], value[1]
    return None


def brushed_dates(selection: Any, bins: Sequence[tuple[datetime.date, datetime.date]],
                  name: str = BRUSH) -> tuple[datetime.date, datetime.date] | None:
    """The date range a brush selects: from the first day of the bin where it starts to the last day of the
    bin where it ends (an end on a bin's edge ends the bin before). ``None`` when nothing is brushed."""
    interval = brush_interval(selection, name)
    if interval is None or not bins:
        return None
    a, b = interval
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        a, b = min(a, b), max(a, b)
        start, end = _as_date(a), _as_date(b - 1 if b > a else b)
    else:
        start, end = _as_date(a), _as_date(b)
    if start is None or end is None:
        return None
    start, end = min(start, end), max(start, end)
    starts = [x[0] for x in bins]
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    j = max(bisect.bisect_right(starts, end) - 1, 0)
    return bins[i][0], bins[j][1]


# -- play ----------------------------------------------------------------------------------------------
def play_unit(first: datetime.date, last: datetime.date) -> str:
    """Play's window: a week, a month or a year, the finest that takes at most about 40 steps."""
    if (last - first).days + 1 <= 7 * PLAY_STEPS:
        return "week"
    if _months(first, last) <= PLAY_STEPS:
        return "month"
    return "year"


def play_window(at: datetime.date, unit: str, first: datetime.date, last: datetime.date) -> tuple[datetime.date,
                                                                                                  datetime.date]:
    """The window of Play that starts at ``at`` (its unit's start), within ``first`` to ``last``."""
    return max(at, first), min(next_start(unit_start(at, unit), unit) - DAY, last)


def play_next(play: Mapping[str, Any]) -> dict[str, Any] | None:
    """Play's state after one more step, or ``None`` past the last date."""
    at = next_start(unit_start(play["at"], play["unit"]), play["unit"])
    return None if at > play["last"] else {**play, "at": at}


def play_start(first: datetime.date, last: datetime.date) -> dict[str, Any]:
    return {"first": first, "last": last, "unit": play_unit(first, last), "at": first}


# -- the page part -------------------------------------------------------------------------------------
def timeline_chart(bars: Sequence[Bar], bins: Sequence[tuple[datetime.date, datetime.date]], unit: str,
                   window: tuple[datetime.date, datetime.date] | None = None) -> Any:
    """The chart: bars per bin stacked by event type (a colour each, with a legend; shared-out parts of
    coarse dates paler, the precision in the tooltip), an x brush, and Play's window shaded."""
    import altair as alt
    import pandas as pd

    def ms(day: datetime.date) -> int:
        return (day - EPOCH).days * 86_400_000

    frame = pd.DataFrame({
        # ISO dates (no time) are read as UTC midnights; the x scale is UTC, so days never shift by a zone
        "first": [b.first.isoformat() for b in bars],
        "end": [(b.last + DAY).isoformat() for b in bars],
        "bin": [bin_label(b.first, unit) for b in bars],
        "precision": [b.precision for b in bars],
        "type": [b.event_type for b in bars],
        "type_order": [list(TYPE_COLOURS).index(b.event_type) if b.event_type in TYPE_COLOURS else 99 for b in bars],
        "part": ["shared out over its period" if b.shared else f"dated within the {unit}" for b in bars],
        "shared": [b.shared for b in bars],
        "events": [round(b.events, 2) for b in bars],
    })
    domain = [ms(bins[0][0]), ms(bins[-1][1] + DAY)]
    # no tick closer to the next than one bin: a day's events are not drawn on an axis of hours. Vega reads
    # tickMinStep only to lower the number of ticks, which a range of a few bins still puts between two
    # bins: there the ticks are the bins' own starts
    axis = {"tickMinStep": UNIT_DAYS[unit] * 86_400_000} | ({"format": "%d %b %Y"} if unit == "day" else {})
    if len(bins) <= FEW_BINS:
        axis["tickCount"] = {"interval": unit, "step": 1}
    x = alt.X("first:T", title=None, scale=alt.Scale(type="utc", domain=domain), axis=alt.Axis(**axis))
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    base = alt.Chart(frame).mark_bar().encode(
        x=x, x2="end:T",
        y=alt.Y("sum(events):Q", title=f"events per {unit}", stack="zero"),
        color=alt.Color("type:N", title="event type", scale=alt.Scale(domain=list(TYPE_COLOURS),
                                                                      range=list(TYPE_COLOURS.values())),
                        legend=alt.Legend(orient="top", direction="horizontal", columns=4, symbolType="square",
                                          labelLimit=200, title=None)),
        opacity=alt.Opacity("shared:O", scale=alt.Scale(domain=[False, True], range=[0.9, 0.4]), legend=None),
        order=alt.Order("type_order:Q"),
        tooltip=[alt.Tooltip("bin:N", title="when"), alt.Tooltip("type:N", title="event type"),
                 alt.Tooltip("precision:N", title="known to the"),
                 alt.Tooltip("part:N", title="events"), alt.Tooltip("sum(events):Q", title="count", format=".3~f")],
    ).add_params(brush)
    if window is None:
        return base.properties(height=CHART_HEIGHT)
    shade = alt.Chart(pd.DataFrame({"first": [window[0].isoformat()], "end": [(window[1] + DAY).isoformat()]})
                      ).mark_rect(color="#e76f51", opacity=0.18).encode(x="first:T", x2="end:T")
    return alt.layer(shade, base).properties(height=CHART_HEIGHT)


def timeline_key(span: tuple[datetime.date, datetime.date], flt: EventFilter) -> str:
    """A new chart (no stale brush) for each range and filter shown."""
    return k.timeline(hashlib.blake2b(repr((span, replace(flt, start=None, end=None))).encode(),
                                      digest_size=6).hexdigest())


def on_brush(key: str, bins: tuple[tuple[datetime.date, datetime.date], ...]) -> None:
    """The chart's callback (before the page's widgets are drawn): a brushed span becomes the date range."""
    state = st.session_state
    dates = brushed_dates(state.get(key), bins)
    if dates is None:
        return
    state.pop(k.PLAY, None)  # a brush takes over from Play
    state[k.DATES] = dates
    state[k.DATES_DONE] = dates


def _play(first: datetime.date, last: datetime.date) -> None:
    state = st.session_state
    play = play_start(first, last)
    state[k.PLAY] = play
    state[k.DATES] = state[k.DATES_DONE] = play_window(play["at"], play["unit"], play["first"], play["last"])


def _stop() -> None:
    st.session_state.pop(k.PLAY, None)


def _every_date() -> None:
    state = st.session_state
    state.pop(k.PLAY, None)
    state.pop(k.DATES, None)
    state.pop(k.DATES_DONE, None)


def play_tick() -> None:
    """Play's timer. Its first call is the page's own run (it arms); each later call steps the window, or
    stops when the date range is no longer Play's (someone chose other dates)."""
    state = st.session_state
    play = state.get(k.PLAY)
    if not play:
        return
    if not state.get(k.PLAY_ARMED):
        state[k.PLAY_ARMED] = True
        return
    window = play_window(play["at"], play["unit"], play["first"], play["last"])
    done = state.get(k.DATES_DONE)
    if done is not None and tuple(done) != window:
        state.pop(k.PLAY, None)
        return
    nxt = play_next(play)
    if nxt is None:  # the end: the whole range again
        state.pop(k.PLAY, None)
        state[k.DATES_PENDING] = (play["first"], play["last"])
    else:
        state[k.PLAY] = nxt
        state[k.DATES_PENDING] = play_window(nxt["at"], nxt["unit"], nxt["first"], nxt["last"])
    st.rerun(scope="app")


def timeline(path: str, generation: int, flt: EventFilter) -> list[Period]:
    """The timeline of ``flt``'s events with its brush and its Play control. Returns the periods under
    ``flt`` (for the count of undated events)."""
    state = st.session_state
    periods = load_timeline(path, generation, flt)
    play = state.get(k.PLAY)
    shown = periods
    if play:
        shown = load_timeline(path, generation, replace(flt, start=play["first"], end=play["last"]))
        span: tuple[datetime.date, datetime.date] | None = (play["first"], play["last"])
    else:
        span = shown_span(periods, flt)
    if span is None or not shown:
        return periods
    unit = bin_unit(*span)
    bins = tuple(make_bins(*span, unit))
    window = play_window(play["at"], play["unit"], play["first"], play["last"]) if play else None
    chart = timeline_chart(binned_counts(shown, bins), bins, unit, window)
    key = timeline_key(span, flt if not play else replace(flt, start=None, end=None))
    st.altair_chart(chart, width="stretch", key=key, on_select=partial(on_brush, key, bins), selection_mode=BRUSH)
    left, middle, right = st.columns([1, 1, 4], vertical_alignment="center")
    with left:
        if play:
            st.button("Stop", key=k.PLAY_STOP, on_click=_stop, icon=":material/stop:", width="stretch")
        else:
            st.button("Play", key=k.PLAY_GO, on_click=_play, args=span, icon=":material/play_arrow:",
                      width="stretch", help="Step a window through these dates; the map follows.")
    with middle:
        st.button("Every date", key=k.EVERY_DATE, on_click=_every_date, disabled=not (flt.start or flt.end or play),
                  width="stretch")
    with right:
        if play and window:
            st.caption(escape_markdown(f"Playing {play['unit']} by {play['unit']}: {window[0].isoformat()} to "
                                       f"{window[1].isoformat()}"))
        else:
            st.caption(escape_markdown(f"Bars per {unit}; drag across the chart to choose dates."))
    if play:
        state[k.PLAY_ARMED] = False
        st.fragment(play_tick, run_every=PLAY_STEP)()
    return periods
