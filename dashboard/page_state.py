"""The page's state: the filter and the selected place, between the URL and the widgets.

On a session's first run the widgets take their values from the URL (``?from=...&country=AM&q=...&place=...``,
see :meth:`dashboard.store.EventFilter.to_params`); afterwards the widgets lead and the URL follows, so a
view can be shared or bookmarked. Widget keys: ``dates``, ``undated``, ``countries``, ``f_country``,
``f_kinds``, ``f_places``, ``f_article``, ``f_conf``, ``f_q``; ``place`` is the selected place.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.store import DateRange, EventFilter

FILTER_KEYS = ("f_country", "f_kinds", "f_places", "f_article", "f_conf", "f_q")


def to_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def url_params() -> dict[str, Any]:
    """The URL's parameters; one given several times keeps all its values."""
    params = st.query_params
    return {key: (values if len(values := params.get_all(key)) > 1 else params.get(key)) for key in params}


def init_state(rng: DateRange) -> None:
    """On a session's first run, take the filter and the selected place from the URL."""
    state = st.session_state
    if state.get("_init"):
        return
    flt = EventFilter.from_params(url_params()).clamp(rng.first, rng.last)
    state["undated"] = flt.undated
    state["countries"] = flt.countries
    state["dates"] = (flt.start or rng.first, flt.end or rng.last)
    state["f_country"] = list(flt.country)
    state["f_kinds"] = list(flt.kinds)
    state["f_places"] = list(flt.places)
    state["f_article"] = flt.article
    state["f_conf"] = flt.min_confidence
    state["f_q"] = flt.text
    state["place"] = to_int(st.query_params.get("place"))
    state["_center_on"] = state["place"]  # a shared link opens on its place
    state["_init"] = True


def follow_date_range(rng: DateRange) -> None:
    """When the store's dates grow (articles added), a date range that reached the first or last date
    reaches the new one: "every date" stays every date."""
    state = st.session_state
    old, new = state.get("_rng"), (rng.first, rng.last)
    state["_rng"] = new
    if not old or old == new or not (rng.first and rng.last):
        return
    for key in ("dates", "_dates_done"):
        dates = state.get(key)
        if isinstance(dates, (tuple, list)) and len(dates) == 2:
            start, end = dates
            state[key] = (rng.first if start == old[0] else start, rng.last if end == old[1] else end)


def current_filter(rng: DateRange) -> EventFilter:
    """The filter the widgets say; a date range still being picked (one date) keeps the last full one."""
    state = st.session_state
    start = end = None
    dates = state.get("dates")
    if rng.first and isinstance(dates, (tuple, list)):
        if len(dates) == 2:
            state["_dates_done"] = tuple(dates)
        dates = state.get("_dates_done", (rng.first, rng.last))
        start = dates[0] if dates[0] and dates[0] > rng.first else None
        end = dates[1] if dates[1] and dates[1] < rng.last else None
    return EventFilter(start, end, bool(state.get("undated", True)), bool(state.get("countries", True)),
                       country=state.get("f_country") or (), places=state.get("f_places") or (),
                       article=state.get("f_article"), kinds=state.get("f_kinds") or (),
                       min_confidence=state.get("f_conf") or 0.0, text=state.get("f_q") or "")


def clear_filters() -> None:
    """Back to every event (a callback: runs before the widgets are drawn)."""
    state = st.session_state
    for key, value in (("f_country", []), ("f_kinds", []), ("f_places", []), ("f_article", None), ("f_conf", 0.0),
                       ("f_q", ""), ("undated", True), ("countries", True)):
        state[key] = value
    state.pop("dates", None)
    state.pop("_dates_done", None)


def sync_url(flt: EventFilter, place_id: int | None) -> None:
    want = flt.to_params() | ({"place": str(place_id)} if place_id is not None else {})
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)
