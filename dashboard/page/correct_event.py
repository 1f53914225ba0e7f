"""Correcting an event: a mention's role ("not where it happened": an actor or a source) and the date
of its sentence's events. Kept apart from machine output like place corrections, and undoable; the
buttons act in callbacks, so the whole page shows the change in the same run."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.events import ASSOCIATIVE, LITERAL, date_label, parse_timex
from dashboard.page import data
from dashboard.page import keys as k
from dashboard.page.correct import correction_form, flash
from dashboard.store import EventRecord, StoredMention, StoreError

ROLE_LABELS = {LITERAL: "Where it happened", ASSOCIATIVE: "Not where it happened (an actor or a source)"}
NO_DATE = "none"


def correction_forms(path: str, records: Sequence[EventRecord], preselect: EventRecord | None = None) -> None:
    """The place of a mention (:func:`dashboard.page.correct.correction_form`), then its role and its
    sentence's date."""
    picked = correction_form(path, records, preselect)
    if picked is not None:
        event_form(path, *picked)


def event_form(path: str, record: EventRecord, mention: StoredMention) -> None:
    """The role of ``mention`` and the date of ``record``'s sentence, each with Apply and Undo."""
    article, start, end = record.article_id, *record.mention
    state = st.session_state
    key = k.fix_role(f"{article}:{start}:{end}")
    if state.get(key) not in ROLE_LABELS:
        state[key] = mention.role
    st.radio("Role of this mention", list(ROLE_LABELS), key=key, format_func=ROLE_LABELS.__getitem__,
             horizontal=True, help="The map shows only the places where something happened, unless “Show every "
             "mention” is on.")
    left, right = st.columns(2)
    left.button("Apply the role", key=k.FIX_ROLE_APPLY, on_click=apply_role, args=(path, article, start, end),
                disabled=state.get(key) == mention.role)
    if mention.role_corrected:
        right.button("Undo the role", key=k.FIX_ROLE_UNDO, on_click=undo_role, args=(path, article, start, end))
    st.text_input("Date of this sentence's events", key=k.FIX_DATE, max_chars=12,
                  placeholder=date_label(record.date_value, record.date_precision, record.date_source),
                  help="A day (2022-09-13), week (2022-W37), month (2022-09), season (2020-FA), year (2020) or "
                  f"decade (199), or “{NO_DATE}” when no date can be known.")
    left, right = st.columns(2)
    left.button("Apply the date", key=k.FIX_DATE_APPLY, on_click=apply_date, args=(path, article, record.sent_start),
                disabled=not str(state.get(k.FIX_DATE) or "").strip())
    if record.date_source == "user" or record.date_corrected:
        right.button("Undo the date", key=k.FIX_DATE_UNDO, on_click=undo_date, args=(path, article, record.sent_start))


def apply_role(path: str, article: str, start: int, end: int) -> None:
    role = st.session_state.get(k.fix_role(f"{article}:{start}:{end}"))
    try:
        data.correct_role(path, article, start, end, role)
    except StoreError as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    mention = data.mention(path, article, start, end)
    flash("success", f"“{mention.text}” is now read as: {ROLE_LABELS[role].lower()}.")


def undo_role(path: str, article: str, start: int, end: int) -> None:
    try:
        data.undo_role(path, article, start, end)
    except StoreError as exc:
        flash("error", f"Nothing was undone: {exc}")
        return
    mention = data.mention(path, article, start, end)
    st.session_state.pop(k.fix_role(f"{article}:{start}:{end}"), None)
    flash("success", f"Undone: “{mention.text}” is read as {ROLE_LABELS[mention.role].lower()} again.")


def apply_date(path: str, article: str, sent_start: int) -> None:
    state = st.session_state
    typed = str(state.get(k.FIX_DATE) or "").strip()
    try:
        when = None if typed.lower() == NO_DATE else parse_timex(typed)
        data.correct_date(path, article, sent_start, when)
    except (ValueError, StoreError) as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    state[k.FIX_DATE] = ""
    flash("success", "The sentence's events are now dated "
          + (date_label(when.value, when.precision, when.source) if when else "“no date can be known”") + ".")


def undo_date(path: str, article: str, sent_start: int) -> None:
    try:
        data.undo_date(path, article, sent_start)
    except StoreError as exc:
        flash("error", f"Nothing was undone: {exc}")
        return
    flash("success", "Undone: the sentence's events have their previous date again.")
