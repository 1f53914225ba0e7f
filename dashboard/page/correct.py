"""Correcting a place: for a mention, choose a runner-up, a place found by searching the gazetteer, or
"not a place"; undo. Corrections go to the store apart from machine output
(:func:`dashboard.page.data.correct`), so the map, the table and the exports show them at once.

The buttons act in callbacks (before the page is drawn again), so the whole page shows the change in
the same run. The mention's token is ``article:start:end`` (:func:`mention_token`)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from dashboard.page import data
from dashboard.page import keys as k
from dashboard.page.markup import Mark, escape, marked
from dashboard.store import EventRecord, StoredMention, StoreError

NOT_A_PLACE = "none"
SEARCH_RESULTS = 10
CORRECTIONS_LISTED = 30


def mention_token(record: EventRecord) -> str:
    return f"{record.article_id}:{record.mention[0]}:{record.mention[1]}"


def parse_token(token: Any) -> tuple[str, int, int] | None:
    """``(article id, start, end)`` from a token, or ``None`` when it is malformed."""
    try:
        article, start, end = str(token).rsplit(":", 2)
        return article, int(start), int(end)
    except (TypeError, ValueError):
        return None


def choice_place(choice: str, gazetteer: Any) -> Any:
    """What :func:`dashboard.page.data.correct` takes for a choice: ``c:ID`` a stored place's id,
    ``s:ID`` the gazetteer's Place, :data:`NOT_A_PLACE` ``None``. Raises ``ValueError`` for anything else."""
    if choice == NOT_A_PLACE:
        return None
    kind, _, number = str(choice).partition(":")
    place_id = int(number)
    if kind == "c":
        return place_id
    if kind == "s":
        place = gazetteer.get(place_id)
        if place is None:
            raise ValueError(f"place {place_id} is not in the gazetteer")
        return place
    raise ValueError(f"not a choice: {choice!r}")


def flash(kind: str, text: str, undo: tuple[str, int, int] | None = None) -> None:
    st.session_state[k.FIX_FLASH] = (kind, text, undo)


def _follow(place_id: int | None) -> None:
    """Select ``place_id`` (and move the map to it), so the panel shows the mention after the change."""
    if place_id is not None:
        st.session_state[k.PLACE] = st.session_state[k.CENTER_ON] = place_id


def apply_correction(path: str, article: str, start: int, end: int) -> None:
    """Callback of the Apply button: store the chosen correction of the mention."""
    state = st.session_state
    try:
        place = choice_place(state.get(k.FIX_CHOICE), data.load_gazetteer())
        data.correct(path, article, start, end, place)
    except (ValueError, StoreError) as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    mention = data.mention(path, article, start, end)
    if mention.place_id is None:
        flash("success", f"“{mention.text}” is marked as not a place: its events are gone from the map, "
                          "the table and the exports.", (article, start, end))
    else:
        flash("success", f"“{mention.text}” now names {mention.place_name} ({mention.kind}"
                          f"{', ' + mention.country if mention.country else ''}).", (article, start, end))
    _follow(mention.place_id)
    state[k.FIX_SEARCH] = ""
    state.pop(k.FIX_CHOICE, None)


def undo_correction(path: str, article: str, start: int, end: int) -> None:
    """Callback of an Undo button: take back the mention's latest correction."""
    try:
        undone = data.undo_correction(path, article, start, end)
    except StoreError as exc:
        flash("error", f"Nothing was undone: {exc}")
        return
    mention = data.mention(path, article, start, end)
    if not undone or mention is None:
        flash("info", "That correction was already undone.")
        return
    now = mention.place_name if mention.place_id is not None else "not a place"
    flash("success", f"Undone: “{mention.text}” names {now} again"
                      f"{' (the geoparser’s choice)' if not mention.corrected else ''}.")
    _follow(mention.place_id)
    st.session_state.pop(k.FIX_CHOICE, None)


def show_flash(path: str) -> None:
    """The outcome of the last correction or undo (escaped), with an Undo button after a correction."""
    flash = st.session_state.get(k.FIX_FLASH)
    if not flash:
        return
    kind, text, undo = flash
    st.html(f'<div class="atlas-notice atlas-{escape(kind)}" id="atlas-fix-notice">{escape(text)}</div>')
    if undo:
        st.button("Undo this correction", key=k.FIX_UNDO_LAST, on_click=undo_correction, args=(path, *undo))
    st.session_state[k.FIX_FLASH] = None  # shown once


def _place_label(path: str, place_id: int | None) -> str:
    if place_id is None:
        return "not a place"
    stored = data.stored_place(path, place_id)
    if stored is None:
        return f"place {place_id}"
    name, kind, country = stored
    return f"{name} ({kind}{', ' + country if country else ''})"


def correction_form(path: str, records: Sequence[EventRecord],
                    preselect: EventRecord | None = None) -> tuple[EventRecord, StoredMention] | None:
    """Choose one of ``records``' mentions and correct its place. ``preselect``: a row chosen in the table.
    Returns the chosen mention's record and stored mention (for the event's own corrections)."""
    state = st.session_state
    tokens: dict[str, EventRecord] = {}
    for r in records:
        tokens.setdefault(mention_token(r), r)
    if not tokens:
        st.caption("No mention to correct under the current filter.")
        return None
    if preselect is not None and mention_token(preselect) in tokens and \
            state.get(k.FIX_PRESELECTED) != mention_token(preselect):
        state[k.FIX_MENTION] = state[k.FIX_PRESELECTED] = mention_token(preselect)
    if state.get(k.FIX_MENTION) not in tokens:
        state[k.FIX_MENTION] = next(iter(tokens))

    def mention_label(token: str) -> str:
        r = tokens[token]
        date = r.date.isoformat() if r.date else "undated"
        return f"“{r.mention_text}” · {r.title or r.source} · {date}"

    token = st.selectbox("Mention", list(tokens), key=k.FIX_MENTION, format_func=mention_label,
                         help="Choose a row in the table to pick its mention here.")
    r = tokens[token]
    article, start, end = parse_token(token)
    mention = data.mention(path, article, start, end)
    if mention is None:
        st.caption("This mention is no longer in the store.")
        return None
    st.html(f'<div class="atlas-fix-sentence">'
            f'{marked(r.sentence, [Mark(start - r.sent_start, end - r.sent_start, "atlas-selected")])}</div>'
            f'<div class="atlas-meta">Now: {escape(_place_label(path, mention.place_id))} · '
            + (f'corrected; the geoparser chose {escape(_place_label(path, mention.machine_place_id))}</div>'
               if mention.corrected else f'the geoparser’s choice (confidence {mention.confidence:.2f})</div>'))

    query = st.text_input("Search the gazetteer for another place", key=k.FIX_SEARCH, max_chars=80,
                          placeholder="a place name, e.g. Gyumri")
    options: dict[str, str] = {}
    if query.strip():
        for p in data.search_gazetteer(query.strip(), SEARCH_RESULTS):
            if p.id != mention.place_id:
                pop = f", population {p.population:,}" if p.population else ""
                options[f"s:{p.id}"] = (f"{p.name} ({p.kind}{', ' + p.country_code if p.country_code else ''}) "
                                        f"· found in the gazetteer{pop}")
        if not options:
            st.caption("No place of that name in the gazetteer.")
    for place_id, _name, score in data.candidates(path, article, start, end):
        if place_id != mention.place_id:
            options[f"c:{place_id}"] = f"{_place_label(path, place_id)} · runner-up, score {score:.2f}"
    if mention.corrected and mention.machine_place_id not in (mention.place_id, None):
        options.setdefault(f"c:{mention.machine_place_id}",
                           f"{_place_label(path, mention.machine_place_id)} · the geoparser’s choice")
    if mention.place_id is not None:
        options[NOT_A_PLACE] = "Not a place (remove its events)"
    searched = [o for o in options if o.startswith("s:")]
    if state.get(k.FIX_SEARCHED) != query.strip():  # a new search: its best place comes chosen
        state[k.FIX_SEARCHED] = query.strip()
        if searched:
            state[k.FIX_CHOICE] = searched[0]
    if state.get(k.FIX_CHOICE) not in options:
        state.pop(k.FIX_CHOICE, None)
    st.selectbox("The right place", list(options), key=k.FIX_CHOICE, format_func=options.__getitem__,
                 placeholder="search above for more places", index=0 if options else None)
    st.button("Apply the correction", key=k.FIX_APPLY, type="primary", disabled=not options,
              on_click=apply_correction, args=(path, article, start, end))
    history = data.correction_history(path, article, start, end)
    if history:
        steps = " → ".join(_place_label(path, c.place_id) for c in history)
        st.html(f'<div class="atlas-meta">Corrections of this mention: {escape(steps)}; the last counts.</div>')
        st.button("Undo the last correction of this mention", key=k.FIX_UNDO, on_click=undo_correction,
                  args=(path, article, start, end))
    return r, mention


def corrections_list(path: str, generation: int) -> None:
    """Every correction that counts (the newest first), each with its Undo button."""
    corrections, total = data.load_corrections(path, generation, CORRECTIONS_LISTED)
    if not total:
        return
    with st.expander(f"Corrections ({total:d})", key=k.CORRECTIONS_BOX):
        if total > len(corrections):
            st.caption(f"The newest {len(corrections)} of {total:d}.")
        for c in corrections:
            now = "not a place" if c.place_id is None else (c.place_name or f"place {c.place_id}")
            left, right = st.columns([5, 1], vertical_alignment="center")
            with left:
                st.html(f'<div class="atlas-correction" data-correction="{int(c.id)}">“{escape(c.text)}” in '
                        f'<i>{escape(c.title or "Untitled")}</i>: {escape(c.machine_place_name or "?")} → '
                        f'<b>{escape(now)}</b> <span class="atlas-meta">· {escape(c.created_at)}'
                        f'{" · " + escape(c.author) if c.author else ""}</span></div>')
            with right:
                st.button("Undo", key=k.undo(c.id), on_click=undo_correction, args=(path, c.article_id, c.start,
                                                                                        c.end))
