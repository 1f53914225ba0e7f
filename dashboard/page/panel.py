"""The selected place's panel, beside the map: the Place list, the place, its events grouped by
article with the name emphasised, each whole article (read only while its expander is open), and the
form to correct its mentions (:mod:`dashboard.page.correct`)."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard.events import date_label
from dashboard.page import keys as k
from dashboard.page.correct import show_flash
from dashboard.page.correct_event import correction_forms
from dashboard.page.data import PLACE_OPTIONS, load_article, load_place
from dashboard.page.markup import Mark, escape, marked, safe_url
from dashboard.store import EventFilter, EventRecord, EventRow, PlaceCount, StoredArticle


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
    selected = state.get(k.PLACE)
    names = {pid: f"{name} ({kind}, {events})" for pid, name, kind, events in places[:PLACE_OPTIONS]}
    info, total, events = (None, 0, [])
    if selected is not None:
        info, total, events = load_place(path, generation, selected, replace(flt, countries=True))
        if info is not None and selected not in names:
            listed = next((p for p in places if p[0] == selected), None)
            names[selected] = (f"{info.name} ({info.kind}, {listed[3]})" if listed
                               else f"{info.name} ({info.kind}, not in these dates)")
    options: list[int | None] = [None, *names]
    state[k.PLACE_PICK] = selected
    st.selectbox("Place", options, key=k.PLACE_PICK, format_func=lambda i: "—" if i is None else names[i],
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
    st.caption((f"the newest {len(events)} of " if total > len(events) else "")
               + f"{total:d} event{'s' if total != 1 else ''} under the current filter"
               + (f", from {articles:d} article{'s' if articles != 1 else ''}" if events else ""))
    with st.expander("Correct this place, role or date", expanded=len(chosen) == 1, key=k.FIX_BOX):
        correction_forms(path, records, chosen[0] if len(chosen) == 1 else None)
    groups: dict[str, list[EventRow]] = {}
    for e in events:
        groups.setdefault(e.article_id, []).append(e)
    for article_id, rows in groups.items():
        _article_events(path, generation, info, article_id, rows)
    return info


def _article_events(path: str, generation: int, info: PlaceCount, article_id: str, rows: list[EventRow]) -> None:
    """One article's box: its title, date and source, its sentences that mention the place, its link
    and the whole article."""
    first = rows[0]
    with st.container(border=True, key=k.article_box(article_id)):
        date = first.date.isoformat() if first.date else "undated"
        st.html(f'<div class="atlas-head"><b>{escape(first.title or "Untitled")}</b></div>'
                f'<div class="atlas-meta">{escape(date)} · {escape(first.source)}</div>')
        for e in rows:
            marks = [Mark(a, b, "atlas-selected") for a, b in e.highlights]
            st.html(f'<div class="atlas-event" data-event="{int(e.id)}">{event_meta(e)}'
                    f'<div class="atlas-sentence">{marked(e.sentence, marks)}</div></div>')
        url = safe_url(first.url)
        if url:
            st.link_button("Open the original article", url)
        # read and marked only while open (a busy place lists dozens of articles)
        whole = st.expander("The whole article, every place marked", key=k.whole_article(article_id),
                            on_change="rerun")
        with whole:
            article = load_article(path, generation, article_id) if whole.open else None
            if article is not None:
                st.html(article_html(article, info.id))


def event_meta(e: EventRow) -> str:
    """An event's date with its precision, where it happened and who acted, escaped:
    "13 Sep 2022 · in Goris, Kapan · actors: Baku, Yerevan"."""
    parts = [f'<span class="atlas-when">{escape(date_label(e.date_value, e.date_precision, e.date_source))}</span>']
    if e.role != "literal":
        parts.append("named as an actor or source")
    if e.places:
        parts.append("in " + escape(", ".join(dict.fromkeys(e.places))))
    if e.actors:
        parts.append("actors: " + escape(", ".join(dict.fromkeys(e.actors))))
    return f'<div class="atlas-meta">{" · ".join(parts)}</div>'


def _picked() -> None:
    st.session_state[k.PLACE] = st.session_state[k.CENTER_ON] = st.session_state.get(k.PLACE_PICK)
