"""News Atlas, the page: a map of the places the stored articles mention, with their sentences.

Run from the repository root (Streamlit reads ``.streamlit/config.toml`` from there)::

    streamlit run dashboard/app.py

The store is ``$ATLAS_HOME/atlas.sqlite``; when it is empty the sample articles in ``seeds/`` are
ingested first. The page: the sidebar's filters (:mod:`dashboard.page_filters`), a box to add articles
(:mod:`dashboard.page_upload`), the map and the selected place's panel with its correction form
(here and :mod:`dashboard.page_correct`), then the timeline, the events table and the downloads
(:mod:`dashboard.page_table`). The filters and the selected place live in the URL
(``?from=2022-01-01&country=AM&kind=town&q=shelling&place=616108``, :mod:`dashboard.page_state`), so a
view can be shared. Article text is shown escaped (:mod:`dashboard.markup`), never as live markup.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard.errors import AtlasError
from dashboard.markup import Mark, escape, marked
from dashboard.markup import safe_url as http_url
from dashboard.page_correct import correction_form, corrections_list, show_flash
from dashboard.page_data import (
    PLACE_OPTIONS,
    load_article,
    load_markers,
    load_overview,
    load_place,
    load_place_list,
    load_records,
    open_store,
    seed_store,
)
from dashboard.page_filters import sidebar
from dashboard.page_state import current_filter, follow_date_range, init_state, sync_url
from dashboard.page_table import (
    chosen_records,
    events_section,
    highlighted_places,
    table_filter,
    table_key,
)
from dashboard.page_upload import add_articles
from dashboard.store import EventFilter, EventRecord, EventRow, PlaceCount, StoredArticle, store_path

MAP_HEIGHT = 620
FOLLOW_UP = 3.0  # seconds after a session's first page at most, the timeline and the table follow
# The map's zoom on a place chosen in the list or named in a link: close enough to see its own marker.
CHOSEN_ZOOM = {"town": 10, "site": 10, "district": 8, "terrain": 8, "water": 7, "route": 8, "province": 7,
               "region": 6, "country": 5, "continent": 3}

CSS = """
<style>
mark.atlas-place { background: #fde9a9; color: inherit; padding: 0 2px; border-radius: 2px; }
mark.atlas-selected { background: #f4a261; color: #000; font-weight: 700; padding: 0 2px; border-radius: 2px;
  outline: 2px solid #e76f51; }
mark.atlas-corrected { background: #cdeac0; color: inherit; padding: 0 2px; border-radius: 2px; }
mark.atlas-notplace { background: none; color: inherit; text-decoration: line-through dotted #888; }
.atlas-head { font-size: 1.02rem; margin-bottom: .2rem; }
.atlas-meta { color: #666; font-size: .9rem; }
.atlas-sentence { border-left: 3px solid #e76f51; padding: .1rem 0 .1rem .7rem; margin: .35rem 0; }
.atlas-fix-sentence { border-left: 3px solid #0a6cff; padding: .1rem 0 .1rem .7rem; margin: .35rem 0; }
.atlas-article { max-height: 460px; overflow-y: auto; font-size: .92rem; line-height: 1.55; }
.atlas-section { margin: .6rem 0 0; font-size: 1.3rem; }
.atlas-notice { padding: .5rem .8rem; border-radius: .4rem; margin: .2rem 0 .4rem; }
.atlas-success { background: #e6f4ea; } .atlas-error { background: #fde8e8; } .atlas-info { background: #e8f0fe; }
table.atlas-upload-report { border-collapse: collapse; font-size: .9rem; width: 100%; margin-top: .4rem; }
table.atlas-upload-report td, table.atlas-upload-report th { border-bottom: 1px solid #ddd; padding: .25rem .4rem;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
tr.atlas-upload-failed td:nth-child(2) { color: #b00020; font-weight: 600; }
tr.atlas-upload-added td:nth-child(2) { color: #1b7f3b; font-weight: 600; }
</style>
"""
CREDITS = (
    "Place data: [GeoNames](https://www.geonames.org) (CC BY 4.0) and ISO 3166 via pycountry · "
    "Country outlines: [Natural Earth](https://www.naturalearthdata.com) (public domain), via world-atlas · "
    "Map: [Leaflet](https://leafletjs.com), Leaflet.markercluster, served from this machine · "
    "OpenStreetMap tiles (© OpenStreetMap contributors) only if you switch them on in the map's layer menu."
)


# -- page parts ----------------------------------------------------------------------------------------
def draw_map(rows: str, extent: Any, focus: PlaceCount | None, highlight: tuple[int, ...] = ()) -> dict | None:
    """The map with the markers ``rows`` (``highlight``: place ids to ring); ``focus`` moves it (without
    reloading it) to a place chosen outside the map."""
    from streamlit_folium import st_folium

    from dashboard.mapview import RETURNED_OBJECTS, base_map, place_layer

    bounds = [list(extent[0]), list(extent[1])] if extent else None
    markers = place_layer(data=rows, highlight=highlight)
    return st_folium(base_map(bounds), key="atlas_map", feature_group_to_add=markers,
                     returned_objects=RETURNED_OBJECTS, height=MAP_HEIGHT, use_container_width=True,
                     center=(focus.lat, focus.lon) if focus else None,
                     zoom=CHOSEN_ZOOM.get(focus.kind, 7) if focus else None, on_change=_map_changed)


def _map_changed() -> None:
    """A marker click selects its place before the page runs, so the panel and the table, drawn before
    the map, are already the place's."""
    from dashboard.mapview import selected_place

    state = st.session_state
    place_id, clicks = selected_place(state.get("atlas_map"), state.get("_map_clicks"))
    state["_map_clicks"] = clicks
    if place_id is not None:
        state["place"] = place_id


def place_info(path: str, generation: int, place_id: int | None) -> PlaceCount | None:
    return None if place_id is None else load_place(path, generation, place_id, EventFilter())[0]


def article_html(article: StoredArticle, place_id: int) -> str:
    """The whole article, every resolved place marked, the selected place's mentions emphasised,
    corrected places in green and mentions marked "not a place" struck through."""
    marks = []
    for m in article.mentions:
        if m.place_id is None:
            marks.append(Mark(m.start, m.end, "atlas-notplace", f"not a place (corrected; the geoparser said "
                                                                 f"{m.machine_place_name})"))
            continue
        css = "atlas-selected" if m.place_id == place_id else ("atlas-corrected" if m.corrected else "atlas-place")
        marks.append(Mark(m.start, m.end, css, f"{m.place_name} ({m.kind}{', ' + m.country if m.country else ''})"
                                               f"{' · corrected' if m.corrected else ''}"))
    return f'<div class="atlas-article">{marked(article.text, marks, newlines=True)}</div>'


def panel(path: str, generation: int, flt: EventFilter, places: list[tuple[int, str, str, int]],
          records: list[EventRecord], chosen: list[EventRecord]) -> PlaceCount | None:
    """The selected place: its events and articles, and the form to correct its mentions. Returns it."""
    state = st.session_state
    selected = state.get("place")
    names = {pid: f"{name} ({kind}, {events})" for pid, name, kind, events in places[:PLACE_OPTIONS]}
    info, total, events = (None, 0, [])
    if selected is not None:
        info, total, events = load_place(path, generation, selected, replace(flt, countries=True))
        if info is not None and selected not in names:
            listed = next((p for p in places if p[0] == selected), None)
            names[selected] = (f"{info.name} ({info.kind}, {listed[3]})" if listed
                               else f"{info.name} ({info.kind}, not in these dates)")
    options: list[int | None] = [None, *names]
    state["place_pick"] = selected
    st.selectbox("Place", options, key="place_pick", format_func=lambda i: "—" if i is None else names[i],
                 on_change=_picked, placeholder="Click a marker, or choose a place",
                 help=f"The {PLACE_OPTIONS} places with the most events under the filter are listed; click the "
                 "marker of any other." if len(places) > PLACE_OPTIONS else None)
    show_flash(path)
    if info is None:
        st.caption("Click a marker on the map (or choose a place above) to list its events here.")
        return None
    articles = len({e.article_id for e in events})
    st.html(f'<h3 style="margin:0">{escape(info.name)}</h3><div class="atlas-meta">{escape(info.kind)} · '
            f'{escape(info.country or "no country")} · {info.lat:.4f}, {info.lon:.4f} · {escape(info.feature)}</div>')
    shown = f"the newest {len(events)} of " if total > len(events) else ""
    st.caption(f"{shown}{total} event{'s' if total != 1 else ''} under the current filter"
               f"{f', from {articles} article' + ('s' if articles != 1 else '') if events else ''}")
    with st.expander("Correct this place", expanded=len(chosen) == 1, key="fix_box"):
        correction_form(path, records, chosen[0] if len(chosen) == 1 else None)
    groups: dict[str, list[EventRow]] = {}
    for e in events:
        groups.setdefault(e.article_id, []).append(e)
    for article_id, rows in groups.items():
        first = rows[0]
        with st.container(border=True, key=f"article_{article_id}"):
            date = first.date.isoformat() if first.date else "undated"
            st.html(f'<div class="atlas-head"><b>{escape(first.title or "Untitled")}</b></div>'
                    f'<div class="atlas-meta">{escape(date)} · {escape(first.source)}</div>')
            for e in rows:
                marks = [Mark(a, b, "atlas-selected") for a, b in e.highlights]
                st.html(f'<div class="atlas-sentence" data-event="{int(e.id)}">{marked(e.sentence, marks)}</div>')
            url = http_url(first.url)
            if url:
                st.link_button("Open the original article", url)
            # read and marked only while open (a busy place lists dozens of articles)
            whole = st.expander("The whole article, every place marked", key=f"whole_{article_id}", on_change="rerun")
            with whole:
                article = load_article(path, generation, article_id) if whole.open else None
                if article is not None:
                    st.html(article_html(article, info.id))
    return info


def _follow_up() -> None:
    """The timer under a session's first page: its first call is that page's own run; a call after
    FOLLOW_UP seconds finds the rest of the page still due (the map never reported) and reruns it."""
    state = st.session_state
    if state.get("_rest_due") == "timer":
        st.rerun(scope="app")
    elif state.get("_rest_due") == "drawn":
        state["_rest_due"] = "timer"


def _picked() -> None:
    st.session_state["place"] = st.session_state["_center_on"] = st.session_state.get("place_pick")


def main() -> None:
    st.set_page_config(page_title="News Atlas", page_icon="🗺️", layout="wide")
    st.html(CSS)
    state = st.session_state
    first_page = not state.get("_page_shown")
    # The run that completes a session's first page shows its warnings again (their cause is gone by then).
    for text in state.pop("_first_warnings", []) if state.pop("_rest_due", None) else []:
        st.warning(text)

    def warn(text: str) -> None:
        st.warning(text)
        if first_page:
            state.setdefault("_first_warnings", []).append(text)

    path = str(store_path())
    try:
        store = open_store(path)
        if store.is_empty():
            report = seed_store(path)
            if report is not None and report.failed:
                warn("Some sample articles could not be added: "
                     + "; ".join(r.line() for r in report.results if r.status == "failed"))
        generation = store.generation()
        counts, rng, extent = load_overview(path, generation)
    except AtlasError as exc:
        st.error(str(exc))
        st.stop()
    init_state(rng)
    follow_date_range(rng)
    sidebar(path, generation, counts, rng)
    flt = current_filter(rng)
    add_articles(path, expanded=not counts["articles"])
    if not counts["articles"]:
        st.info("The store is empty. Add articles above, or with `atlas ingest PATH...` (files or folders).")

    selected = state.get("place")  # a marker click set it already (_map_changed)
    info = place_info(path, generation, selected)
    if selected is not None and info is None:
        warn("The place in this link is not in the store.")
        state["place"] = selected = None

    # The table's rows, and those chosen in it (the map rings their places).
    tflt = table_filter(flt, selected)
    records = load_records(path, generation, tflt)[0] if tflt else []
    key = table_key(tflt, selected, generation)
    chosen = chosen_records(state.get(key), records)

    # Each part is filled into its place in the layout, in the order that shows the page soonest. A
    # session's first page is the map and the panel: the timeline, the table and the corrections follow
    # in the next run, which the map's first report starts (or, should it never report, the timer of
    # _follow_up). Drawn at once, they held up the map: the browser compiles and draws the chart's and
    # the table's code on the same thread as the map (about 0.6 s of a new user's first 5). Later runs
    # fill the panel and the table first (they are quick), then the map (its markers are the page's
    # weight at thousands of places; the browser shows the rest meanwhile).
    places = [(p.id, p.name, p.kind, p.events) for p in load_place_list(path, generation, flt)]
    left, right = st.columns([3, 2], gap="medium")
    below = st.container()

    def the_map() -> None:
        # (folium, branca, numpy, pandas: half a second at a server's first page, imported once the
        # sidebar is on its way to the browser, which draws it meanwhile)
        from dashboard.mapview import LEGEND, selected_place

        with left:
            value = draw_map(load_markers(path, generation, flt), extent,
                             place_info(path, generation, state.get("_center_on")), highlighted_places(chosen))
            place_id, clicks = selected_place(value, state.get("_map_clicks"))
            state["_map_clicks"] = clicks
            if place_id is not None and place_id != selected:  # (a click _map_changed did not see)
                state["place"] = place_id
                st.rerun()
            events = sum(p[3] for p in places)
            st.caption(f"{len(places)} places, {events} events shown · markers: "
                       + " · ".join(LEGEND.values()) + " · a cluster's number adds up its events")

    def the_panel() -> None:
        with right:
            panel(path, generation, flt, places, records, chosen)

    def the_table() -> None:
        with below:
            events_section(path, generation, flt, selected, info.name if info else None, key)
            if selected is None and len(chosen) == 1:
                with st.expander("Correct the place of the chosen row", expanded=True, key="fix_row_box"):
                    correction_form(path, chosen, chosen[0])
        corrections_list(path, generation)

    if first_page:
        state["_page_shown"] = True
        state["_rest_due"] = "drawn"
        the_map()
        the_panel()
        with below:
            st.caption("The timeline and the table of events follow as soon as the map is drawn …")
            st.fragment(_follow_up, run_every=FOLLOW_UP)()
    else:
        the_panel()
        the_table()
        the_map()
    sync_url(flt, state.get("place"))
    st.caption(CREDITS)


if __name__ == "__main__":
    main()
