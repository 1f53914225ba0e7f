"""The events table, the timeline and the downloads, in step with the map.

* A place selected on the map (or in the list) narrows the table to that place's events:
  :func:`table_filter`.
* Rows chosen in the table ring their places on the map: :func:`chosen_records` and
  :func:`highlighted_places`, read before the map is drawn.
* The timeline (:mod:`dashboard.page.timeline`) counts the table's events in bins that fit the dates
  shown; brushing it sets the date filter, and Play steps a window through it.
* The downloads hold every event the table lists (not only the rows it shows), as CSV and GeoJSON
  (:mod:`dashboard.export`).

The plain functions here know nothing of Streamlit's runtime and are unit-tested. pandas and altair
(about 0.55 s to import) are imported when the table is first drawn: a session's first page has no
table, and the map's first page is drawn sooner without them.
"""
from __future__ import annotations

import hashlib
import ipaddress
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard.events import date_label
from dashboard.export import file_names, geojson_text, to_csv
from dashboard.page import keys as k
from dashboard.page.data import TABLE_ROWS, all_records, load_records
from dashboard.page.markers import deaths_label
from dashboard.page.markup import escape, safe_url
from dashboard.page.timeline import timeline
from dashboard.store import EventFilter, EventRecord
from dashboard.wording import reports_of_events

TABLE_COLUMNS = ("date", "place", "kind", "country", "type", "deaths", "sentence", "article", "source", "sources",
                 "confidence", "corrected", "link")
ROW_HEIGHT = 68  # pixels: over Streamlit's 4rem, so a sentence wraps onto three lines instead of being cut
# Second-level labels under which a country's domains are registered ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = {"ac", "co", "com", "edu", "gov", "net", "org", "or", "ne", "go", "mil", "nic", "gv", "info"}


def outlet(url: str | None, source: str) -> str:
    """Where an article comes from: its URL's registered domain ("reuters.com" for
    ``https://www.reuters.com/world/...``, "bbc.co.uk" for ``news.bbc.co.uk``), else its file."""
    try:
        host = (urllib.parse.urlsplit(url).hostname or "") if url else ""
    except ValueError:
        host = ""
    host = host.rstrip(".").lower()
    if not host:
        return source
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def also_published_by(copies: Iterable[tuple[str | None, str]]) -> str:
    """"also published by reuters.com, apnews.com" for an article's wire copies ``(url, file)`` ("" for none)."""
    names = list(dict.fromkeys(outlet(url, file) for url, file in copies))
    return f"also published by {', '.join(names)}" if names else ""


def table_filter(flt: EventFilter, place_id: int | None) -> EventFilter | None:
    """The table's filter: ``flt``, narrowed to the selected place (country-level places included, as
    in the panel). ``None`` when the selected place is outside ``flt``'s own list of places (no rows)."""
    if place_id is None:
        return flt
    if flt.places and place_id not in flt.places:
        return None
    return replace(flt, places=(place_id,), countries=True)


def table_key(flt: EventFilter | None, place_id: int | None, generation: int) -> str:
    """The table widget's key: a new table (new rows) starts with no rows chosen."""
    digest = hashlib.blake2b(repr((flt, place_id, generation)).encode(), digest_size=6).hexdigest()
    return k.table(digest)


def chosen_rows(selection: Any) -> list[int]:
    """Row positions from a dataframe's selection state (``{"selection": {"rows": [...]}}``, or the
    ``DataframeState`` Streamlit returns); anything malformed chooses nothing."""
    try:
        rows = selection["selection"]["rows"] if isinstance(selection, Mapping) else selection.selection.rows
    except (AttributeError, KeyError, TypeError):
        return []
    return [r for r in rows if isinstance(r, int) and not isinstance(r, bool)] if isinstance(rows, list) else []


def chosen_records(selection: Any, records: Sequence[EventRecord]) -> list[EventRecord]:
    """The records of the chosen rows, in table order (positions past the end are ignored)."""
    return [records[i] for i in sorted(set(chosen_rows(selection))) if 0 <= i < len(records)]


def highlighted_places(records: Sequence[EventRecord]) -> tuple[int, ...]:
    """The places of these records, each once, in order."""
    return tuple(dict.fromkeys(r.place_id for r in records))


def records_frame(records: Sequence[EventRecord]) -> Any:
    """The table as a DataFrame (one row per record, in order; links only when http(s))."""
    import pandas as pd  # (late: see the module's docstring)

    return pd.DataFrame({
        "date": [date_label(r.date_value, r.date_precision, r.date_source) for r in records],
        "place": [r.place for r in records],
        "kind": [r.kind for r in records],
        "country": [r.country or "" for r in records],
        "type": [r.event_type or "" for r in records],
        "deaths": [deaths_label(r.fatalities, r.fatalities_high) for r in records],
        "sentence": [r.sentence for r in records],
        "article": [r.title or "Untitled" for r in records],
        "source": [outlet(r.url, r.source) for r in records],
        "sources": [int(r.sources) for r in records],
        "confidence": [round(float(r.confidence), 2) for r in records],
        "corrected": [bool(r.corrected) for r in records],
        "link": [safe_url(r.url) for r in records],
    }, columns=list(TABLE_COLUMNS))


# -- the page part -------------------------------------------------------------------------------------
def events_section(path: str, generation: int, flt: EventFilter, place_id: int | None, place_name: str | None,
                   key: str) -> None:
    """The timeline, the table and the downloads for ``flt`` (and the selected place)."""
    tflt = table_filter(flt, place_id)
    records, total, events = load_records(path, generation, tflt) if tflt else ([], 0, 0)
    where = f" at {place_name}" if place_id is not None and place_name else ""
    st.html(f'<h3 class="atlas-section">Events{escape(where)}</h3><div class="atlas-meta" id="atlas-table-count">'
            + (f"the newest {len(records):,} of " if total > len(records) else "")
            + f'{escape(reports_of_events(total, events))} under the filter{escape(where)}'
            f'{" · choose rows to ring their places on the map" if records else ""}</div>')
    periods = timeline(path, generation, tflt) if tflt else []
    undated = total - sum(p.events for p in periods)
    if periods and undated > 0:
        st.caption(f"and {undated:,} undated event{'s' if undated != 1 else ''}, not on the timeline")
    # as high as its rows, up to ten (then it scrolls); sentences wrap; an empty cell stays empty
    st.dataframe(records_frame(records), key=key, on_select="rerun", selection_mode="multi-row", hide_index=True,
                 height="auto", row_height=ROW_HEIGHT, placeholder="",
                 column_config={
                     "date": st.column_config.TextColumn("date", help="the event's own date, with its precision; "
                                                         "“reported …” when only the publication date is known; "
                                                         "“undated” when none is known"),
                     "sentence": st.column_config.TextColumn("sentence", width="large",
                                                             help="wrapped; click a cell to read it whole"),
                     "source": st.column_config.TextColumn("source", help="the outlet (the link's domain), else "
                                                           "the file the article came from"),
                     "type": st.column_config.TextColumn("type", width="medium", help="ACLED's event type, read "
                                                         "from the sentence's words (empty: they name none)"),
                     "deaths": st.column_config.TextColumn("deaths", help="deaths the sentence reports"),
                     "sources": st.column_config.NumberColumn("sources", help="distinct outlets reporting the "
                                                              "event (across articles; a wire copy adds none)"),
                     "confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
                     "corrected": st.column_config.CheckboxColumn("corrected"),
                     "link": st.column_config.LinkColumn("link", display_text="open"),
                 })
    if total > TABLE_ROWS:
        st.caption(f"The table lists the newest {TABLE_ROWS:,}; the downloads hold all {total:,}.")
    if tflt is not None:
        download_buttons(path, tflt, total)


def download_buttons(path: str, flt: EventFilter, total: int) -> None:
    """CSV and GeoJSON of every event under ``flt``, made when a button is clicked (not on every rerun)."""
    records = all_records(path, flt)
    csv_name, geojson_name = file_names()
    left, right, _ = st.columns([1, 1, 2])
    with left:
        st.download_button(f"Download CSV ({total:,})", data=lambda: to_csv(records()),
                           file_name=csv_name, mime="text/csv", key=k.DOWNLOAD_CSV, on_click="ignore",
                           disabled=not total, icon=":material/download:")
    with right:
        st.download_button(f"Download GeoJSON ({total:,})", data=lambda: geojson_text(records()),
                           file_name=geojson_name, mime="application/geo+json", key=k.DOWNLOAD_GEOJSON,
                           on_click="ignore", disabled=not total, icon=":material/download:")
