"""The page's state: the filter and the selected place, between the URL and the widgets; and the
bookkeeping of a session's first page.

On a session's first run the widgets take their values from the URL (``?from=...&country=AM&q=...&place=...``,
see :meth:`dashboard.store.EventFilter.to_params`); afterwards the widgets lead and the URL follows, so a
view can be shared or bookmarked. The keys are named in :mod:`dashboard.page.keys`.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.page import keys as k
from dashboard.page.markup import escape_markdown
from dashboard.store import DateRange, EventFilter
from dashboard.store.filters import Ignored, as_id

NOTED_VALUE = 40  # characters of an ignored value quoted in the page's note


def to_int(value: Any) -> int | None:
    """A place id from the URL or a widget: within SQLite's 64-bit range (see
    :func:`dashboard.store.filters.as_id`), else ``None``."""
    return as_id(value)


def url_params() -> dict[str, Any]:
    """The URL's parameters; one given several times keeps all its values."""
    params = st.query_params
    return {key: (values if len(values := params.get_all(key)) > 1 else params.get(key)) for key in params}


def init_state(rng: DateRange) -> list[Ignored]:
    """On a session's first run, take the filter and the selected place from the URL. Returns what of
    the URL was ignored (malformed or out of range; nothing on later runs)."""
    state = st.session_state
    if state.get(k.INITIALISED):
        return []
    params = url_params()
    flt, ignored = EventFilter.read_params(params)
    state[k.DATES_SHARED] = (flt.start, flt.end)
    flt = flt.clamp(rng.first, rng.last)
    state[k.UNDATED] = flt.undated
    state[k.COUNTRIES] = flt.countries
    state[k.EVERY_MENTION] = flt.every_mention
    state[k.DATES] = (flt.start or rng.first, flt.end or rng.last)
    state[k.COUNTRY] = list(flt.country)
    state[k.KINDS] = list(flt.kinds)
    state[k.PLACES] = list(flt.places)
    state[k.ARTICLE] = flt.article
    state[k.MIN_CONFIDENCE] = flt.min_confidence
    state[k.TEXT] = flt.text
    state[k.EVENT_TYPES] = list(flt.event_types)
    state[k.MIN_SOURCES] = flt.min_sources
    place = params.get("place")
    place = place[-1] if isinstance(place, list) else place
    state[k.PLACE] = to_int(place)
    if state[k.PLACE] is None and place is not None and str(place).strip():
        ignored.append(Ignored("place", str(place), "not a place id"))
    state[k.CENTER_ON] = state[k.PLACE]  # a shared link opens on its place
    state[k.INITIALISED] = True
    return ignored


def ignored_note(ignored: list[Ignored]) -> str:
    """What the page says of the ignored parameters (plain text: the values are the URL's)."""
    def quoted(value: str) -> str:
        value = " ".join(value.split())
        return value if len(value) <= NOTED_VALUE else value[:NOTED_VALUE - 1] + "…"
    return "Ignored in this link: " + "; ".join(f"{i.param} “{quoted(i.value)}” ({i.why})" for i in ignored) + "."


def follow_date_range(rng: DateRange) -> None:
    """When the store's dates grow (articles added), a date range that reached the first or last date
    reaches the new one: "every date" stays every date."""
    state = st.session_state
    old, new = state.get(k.DATE_RANGE), (rng.first, rng.last)
    state[k.DATE_RANGE] = new
    if not old or old == new or not (rng.first and rng.last):
        return
    shared_start, shared_end = state.get(k.DATES_SHARED) or (None, None)
    for key in (k.DATES, k.DATES_DONE):
        dates = state.get(key)
        if isinstance(dates, (tuple, list)) and len(dates) == 2:
            start, end = dates
            # a shared link's date stays that date; an open end reaches the new first or last date
            if shared_start and start == max(shared_start, old[0]):
                start = max(shared_start, rng.first)
            elif start == old[0]:
                start = rng.first
            if shared_end and end == min(shared_end, old[1]):
                end = min(shared_end, rng.last)
            elif end == old[1]:
                end = rng.last
            state[key] = (start, end)


def take_pending_dates() -> None:
    """A date range set while the picker was already drawn (Play's steps, in its timer) becomes the
    picker's value: called before the sidebar is drawn."""
    state = st.session_state
    dates = state.pop(k.DATES_PENDING, None)
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        state[k.DATES] = state[k.DATES_DONE] = tuple(dates)


def current_filter(rng: DateRange) -> EventFilter:
    """The filter the widgets say; a date range still being picked (one date) keeps the last full one."""
    state = st.session_state
    start = end = None
    dates = state.get(k.DATES)
    if rng.first and isinstance(dates, (tuple, list)):
        if len(dates) == 2:
            state[k.DATES_DONE] = tuple(dates)
        dates = state.get(k.DATES_DONE, (rng.first, rng.last))
        start = dates[0] if dates[0] and dates[0] > rng.first else None
        end = dates[1] if dates[1] and dates[1] < rng.last else None
        # a date at the store's first or last is no bound ("every date" stays every date as articles are
        # added), unless a shared link gave it: the link's own date is kept while the picker shows it
        shared_start, shared_end = state.get(k.DATES_SHARED) or (None, None)
        if start is None and shared_start and dates[0] == max(shared_start, rng.first):
            start = shared_start
        if end is None and shared_end and dates[1] == min(shared_end, rng.last):
            end = shared_end
    return EventFilter(start, end, bool(state.get(k.UNDATED, True)), bool(state.get(k.COUNTRIES, True)),
                       country=state.get(k.COUNTRY) or (), places=state.get(k.PLACES) or (),
                       article=state.get(k.ARTICLE), kinds=state.get(k.KINDS) or (),
                       min_confidence=state.get(k.MIN_CONFIDENCE) or 0.0, text=state.get(k.TEXT) or "",
                       every_mention=bool(state.get(k.EVERY_MENTION, False)),
                       event_types=state.get(k.EVENT_TYPES) or (), min_sources=state.get(k.MIN_SOURCES) or 1)


def clear_filters() -> None:
    """Back to every event (a callback: runs before the widgets are drawn)."""
    state = st.session_state
    for key, value in ((k.COUNTRY, []), (k.KINDS, []), (k.PLACES, []), (k.ARTICLE, None), (k.MIN_CONFIDENCE, 0.0),
                       (k.TEXT, ""), (k.UNDATED, True), (k.COUNTRIES, True), (k.EVERY_MENTION, False),
                       (k.EVENT_TYPES, []), (k.MIN_SOURCES, 1)):
        state[key] = value
    state.pop(k.DATES, None)
    state.pop(k.DATES_DONE, None)
    state.pop(k.DATES_SHARED, None)


def sync_url(flt: EventFilter, place_id: int | None) -> None:
    want = flt.to_params() | ({"place": str(place_id)} if place_id is not None else {})
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)


# -- a session's first page ----------------------------------------------------------------------------
# A session's first page is the map and the panel; the timeline, the table and the corrections follow in
# the next run, which the map's first report starts (or, should it never report, the timer of
# follow_up). dashboard/app.py says why.
def begin_run() -> bool:
    """Whether this run draws a session's first page. The run that completes a first page shows that
    page's warnings again (their cause is gone by then)."""
    state = st.session_state
    first_page = not state.get(k.PAGE_SHOWN)
    for kind, text in state.pop(k.FIRST_WARNINGS, []) if state.pop(k.REST_DUE, None) else []:
        _notice(kind, text)
    return first_page


def warn(text: str, *, first_page: bool, kind: str = "warning") -> None:
    """A warning (or, ``kind="info"``, a note) of plain text, shown escaped; on a first page, also kept
    to show again with the rest of the page."""
    _notice(kind, text)
    if first_page:
        st.session_state.setdefault(k.FIRST_WARNINGS, []).append((kind, text))


def _notice(kind: str, text: str) -> None:
    if kind == "info":
        st.info(escape_markdown(text))
    else:
        st.warning(escape_markdown(text))


def first_page_drawn() -> None:
    """The map and the panel are drawn: the rest of the page is due."""
    st.session_state[k.PAGE_SHOWN] = True
    st.session_state[k.REST_DUE] = "drawn"


def follow_up() -> None:
    """The timer under a session's first page: its first call is that page's own run; a later call finds
    the rest of the page still due (the map never reported) and reruns it."""
    state = st.session_state
    if state.get(k.REST_DUE) == "timer":
        st.rerun(scope="app")
    elif state.get(k.REST_DUE) == "drawn":
        state[k.REST_DUE] = "timer"
