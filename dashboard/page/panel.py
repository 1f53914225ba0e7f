"""The selected place's panel, beside the map: the Place list, the place, its events (an event reported by
several articles once, with its type, deaths and "reported by 3 articles from 2 sources", then each
report's sentence with the name emphasised, one click from its article), its articles (wire copies
folded in: "also published by ..."), each whole article (read only while its expander is open), and
the form to correct its mentions (:mod:`dashboard.page.correct`)."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard.events import date_label
from dashboard.page import keys as k
from dashboard.page.correct import show_flash
from dashboard.page.correct_event import correction_forms
from dashboard.page.data import PLACE_OPTIONS, load_article, load_place
from dashboard.page.markers import reported_by, what_happened
from dashboard.page.markup import Mark, escape, link, marked, safe_url
from dashboard.page.table import also_published_by, outlet
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
    groups = event_groups(events)
    st.caption((f"the newest {len(groups)} of " if total > len(groups) else "")
               + f"{total:d} event{'s' if total != 1 else ''} under the current filter"
               + (f", reported here by {articles:d} article{'s' if articles != 1 else ''}" if events else ""))
    with st.expander("Correct this place, role or date", expanded=len(chosen) == 1, key=k.FIX_BOX):
        correction_forms(path, records, chosen[0] if len(chosen) == 1 else None)
    shown = {e.article_id for e in events}
    for rows in groups:
        st.html(event_html(rows, shown))
    boxes: dict[str, list[EventRow]] = {}
    for e in events:
        if e.copy_of not in shown:  # a wire copy of an article listed is listed with it ("also published by")
            boxes.setdefault(e.article_id, []).append(e)
    if boxes:
        st.html(f'<div class="atlas-section-small">The article{"s" if len(boxes) != 1 else ""}</div>')
    for article_id, rows in boxes.items():
        _article_box(path, generation, info, article_id, rows[0])
    return info


def event_groups(events: list[EventRow]) -> list[list[EventRow]]:
    """The place's reports grouped by event (the reports of one event across articles together), in the
    order of their first report (newest first, undated last)."""
    groups: dict[object, list[EventRow]] = {}
    for e in events:
        groups.setdefault(e.cluster_id if e.cluster_id is not None else ("event", e.id), []).append(e)
    return list(groups.values())


def event_head(rows: list[EventRow]) -> str:
    """An event's line, escaped: "13 Sep 2022 · in Goris · Battles (armed clash) · 49 killed · reported by
    3 articles from 2 sources" (its first report's date, every place its reports name here, the lowest
    death count of its reports and the highest figure, the event's numbers of articles and sources)."""
    first = rows[0]
    counts = [e.fatalities for e in rows if e.fatalities is not None]
    highs = [e.fatalities_high or e.fatalities for e in rows if e.fatalities is not None]
    low = min(counts) if counts else None
    high = max(highs) if highs else None
    kind = next((e for e in rows if e.event_type), first)
    places = list(dict.fromkeys(p for e in rows for p in e.places))
    parts = [date_label(first.date_value, first.date_precision, first.date_source)]
    if places:
        parts.append("in " + ", ".join(places))
    what = what_happened(kind.event_type, kind.sub_event_type, low, high if high != low else None)
    if what:
        parts.append(what)
    parts.append(reported_by(max(e.reports for e in rows), max(e.sources for e in rows)))
    return f'<div class="atlas-event-head">{escape(" · ".join(parts))}</div>'


def event_html(rows: list[EventRow], shown: set[str]) -> str:
    """One event: its line (:func:`event_head`), then each of its reports here: the report's own date,
    places and actors, the sentence with the place emphasised, and its article (title, outlet, "also
    published by ..."), a link to the original and to the article below. A wire copy of a report's
    article listed is not repeated."""
    first = rows[0]
    key = first.cluster_id if first.cluster_id is not None else -first.id
    out = [f'<div class="atlas-cluster" data-cluster="{int(key)}">', event_head(rows)]
    listed = {e.article_id for e in rows}
    for e in rows:
        if e.copy_of in listed:
            continue
        marks = [Mark(a, b, "atlas-selected") for a, b in e.highlights]
        src = [escape(e.title or "Untitled"), escape(outlet(e.url, e.source))]
        also = also_published_by(e.copies)
        if also:
            src.append(escape(also))
        if safe_url(e.url):
            src.append(link(e.url, "open the original ↗"))
        if e.article_id in shown:
            src.append(f'<a href="#atlas-a-{escape(e.article_id)}">the article below ↓</a>')
        out.append(f'<div class="atlas-event" data-event="{int(e.id)}">{event_meta(e)}'
                   f'<div class="atlas-sentence">{marked(e.sentence, marks)}</div>'
                   f'<div class="atlas-src">— {" · ".join(src)}</div></div>')
    return "".join(out) + "</div>"


def _article_box(path: str, generation: int, info: PlaceCount, article_id: str, first: EventRow) -> None:
    """One article's box: its title, date and source (and its wire copies' outlets), its link and the
    whole article."""
    with st.container(border=True, key=k.article_box(article_id)):
        date = f"published {first.published.isoformat()}" if first.published else "no publication date"
        also = also_published_by(first.copies)
        st.html(f'<div class="atlas-head" id="atlas-a-{escape(article_id)}"><b>{escape(first.title or "Untitled")}'
                f'</b></div><div class="atlas-meta">{escape(date)} · {escape(first.source)}'
                f'{" · " + escape(also) if also else ""}</div>')
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
