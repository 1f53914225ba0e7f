"""Correcting an event: a mention's role ("not where it happened": an actor or a source), the date of
its sentence's events, their ACLED event type and sub-type and their deaths; and the event across articles
its sentence reports (split it out of a wrongly merged event, merge another event at the place into it).
Kept apart from machine output like place corrections, and undoable; the buttons act in callbacks, so the
whole page shows the change in the same run."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext

import streamlit as st

from dashboard.events import ASSOCIATIVE, LITERAL, date_label, parse_timex
from dashboard.events.types import TYPES
from dashboard.page import data
from dashboard.page import keys as k
from dashboard.page.auth import can_edit
from dashboard.page.correct import CORRECTIONS_LISTED, correction_form, flash, when_label, with_undo
from dashboard.page.markers import deaths_label
from dashboard.page.markup import escape
from dashboard.store import EventFix, EventRecord, StoredMention, StoreError
from dashboard.store.clusters import MERGE_DAYS

ROLE_LABELS = {LITERAL: "Where it happened", ASSOCIATIVE: "Not where it happened (an actor or a source)"}
NO_DATE = "none"
NONE = "-"  # the type and sub-type selects' "none"
TYPE_LABELS = {NONE: "No type (none of ACLED's kinds)", **{t: t for t in TYPES}}
WHAT = {"type": "type", "deaths": "deaths", "cluster": "event"}  # what an undo takes back, in words


def correction_forms(path: str, records: Sequence[EventRecord], preselect: EventRecord | None = None) -> None:
    """The place of a mention (:func:`dashboard.page.correct.correction_form`), then its role and its
    sentence's date. A reader is told who may correct instead."""
    if not can_edit():
        st.caption("Only an editor can correct places, roles, dates and events.")
        return
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
    st.text_input("Date of this sentence's events", key=k.FIX_DATE, max_chars=24,
                  placeholder=date_label(record.date_value, record.date_precision, record.date_source),
                  help="A day (2022-09-13 or 13 Sep 2022), week (2022-W37 or week of 12 Sep 2022), month (2022-09 "
                  "or Sep 2022), season (2020-FA or autumn 2020), year (2020) or decade (199 or the 1990s), or "
                  f"“{NO_DATE}” when no date can be known.")
    left, right = st.columns(2)
    left.button("Apply the date", key=k.FIX_DATE_APPLY, on_click=apply_date, args=(path, article, record.sent_start),
                disabled=not str(state.get(k.FIX_DATE) or "").strip())
    if record.date_source == "user" or record.date_corrected:
        right.button("Undo the date", key=k.FIX_DATE_UNDO, on_click=undo_date, args=(path, article, record.sent_start))
    kind_form(path, record)
    cluster_form(path, record)


def apply_role(path: str, article: str, start: int, end: int) -> None:
    role = st.session_state.get(k.fix_role(f"{article}:{start}:{end}"))
    try:
        data.correct_role(path, article, start, end, role)
    except StoreError as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    mention = data.mention(path, article, start, end)
    hidden = role == ASSOCIATIVE and not st.session_state.get(k.EVERY_MENTION)
    flash("success", f"“{mention.text}” is now read as: {ROLE_LABELS[role].lower()}"
          + (": it no longer puts its place on the map unless “Show every mention” is on." if hidden else "."),
          ("role", article, start, end))


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


# -- type and deaths ------------------------------------------------------------------------------------
def sentence_token(article: str, sent_start: int) -> str:
    """A sentence's token in the forms' session keys: ``article:sent_start``."""
    return f"{article}:{sent_start}"


def _preset(key: str, value: object, options: Sequence[object] | None = None) -> None:
    """Give a widget the stored value, unless it holds a value of its own (and one of ``options``)."""
    state = st.session_state
    if key not in state or (options is not None and state[key] not in options):
        state[key] = value


def kind_form(path: str, record: EventRecord) -> None:
    """The ACLED event type and sub-type of ``record``'s sentence, and its deaths, each with Apply and Undo."""
    args = (path, record.article_id, record.sent_start)
    token = sentence_token(record.article_id, record.sent_start)
    type_key, sub_key = k.fix_sentence("type", token), k.fix_sentence("sub_type", token)
    _preset(type_key, record.event_type or NONE, list(TYPE_LABELS))
    chosen = st.selectbox("Event type of this sentence", list(TYPE_LABELS), key=type_key,
                          format_func=TYPE_LABELS.__getitem__, help="ACLED's six event types; “No type” when the "
                          "sentence reports none of them.")
    subs = [NONE, *TYPES.get(chosen, ())]
    _preset(sub_key, record.sub_event_type if chosen == (record.event_type or NONE) and record.sub_event_type
            else NONE, subs)
    sub = st.selectbox("Sub-event type", subs, key=sub_key, format_func=lambda s: "the type only" if s == NONE else s,
                       disabled=chosen == NONE)
    left, right = st.columns(2)
    same = (chosen, sub) == (record.event_type or NONE, record.sub_event_type or NONE)
    left.button("Apply the type", key=k.FIX_TYPE_APPLY, on_click=apply_type, args=args, disabled=same)
    if record.type_corrected:
        right.button("Undo the type", key=k.FIX_TYPE_UNDO, on_click=undo_fix, args=("type", *args))
    low_key, high_key = k.fix_sentence("deaths", token), k.fix_sentence("deaths_high", token)
    _preset(low_key, record.fatalities)
    _preset(high_key, record.fatalities_high)
    low_col, high_col = st.columns(2)
    low = low_col.number_input("Deaths reported", min_value=0, step=1, key=low_key, placeholder="no number",
                               help="The count (ACLED's conventions: “at least 49” 49, “dozens” 12); empty when no "
                               "number is given.")
    high = high_col.number_input("Highest figure", min_value=0, step=1, key=high_key, placeholder="one figure",
                                 help="The highest of a range (“10 to 15”: 15) or of several figures; empty for one.")
    left, right = st.columns(2)
    left.button("Apply the deaths", key=k.FIX_DEATHS_APPLY, on_click=apply_deaths, args=args,
                disabled=(low, high) == (record.fatalities, record.fatalities_high))
    if record.deaths_corrected:
        right.button("Undo the deaths", key=k.FIX_DEATHS_UNDO, on_click=undo_fix, args=("deaths", *args))


def apply_type(path: str, article: str, sent_start: int) -> None:
    state, token = st.session_state, sentence_token(article, sent_start)
    chosen, sub = state.get(k.fix_sentence("type", token)), state.get(k.fix_sentence("sub_type", token))
    event_type = None if chosen in (None, NONE) else chosen
    try:
        data.correct_type(path, article, sent_start, event_type, None if sub in (None, NONE) or not event_type else sub)
    except StoreError as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    flash("success", "The sentence's events are now of the type " + (
        f"“{event_type}{' (' + sub + ')' if sub not in (None, NONE) else ''}”." if event_type else "“none”."))


def _count(value: object) -> int | None:
    return None if value is None else int(value)


def apply_deaths(path: str, article: str, sent_start: int) -> None:
    state, token = st.session_state, sentence_token(article, sent_start)
    low, high = _count(state.get(k.fix_sentence("deaths", token))), _count(state.get(k.fix_sentence("deaths_high",
                                                                                                   token)))
    try:
        data.correct_deaths(path, article, sent_start, low, high)
    except StoreError as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    said = "no number of deaths" if low is None else f"{low:d}" + (f" to {high:d}" if high not in (None, low) else "")
    flash("success", f"The sentence's events now report {said}" + (" killed." if low is not None else "."))


def undo_fix(what: str, path: str, article: str, sent_start: int) -> None:
    """Undo the latest correction of a sentence's type, deaths or event across articles (``what``)."""
    try:
        undone = data.undo_event_fix(path, what, article, sent_start)
    except StoreError as exc:
        flash("error", f"Nothing was undone: {exc}")
        return
    token = sentence_token(article, sent_start)
    for field in {"type": ("type", "sub_type"), "deaths": ("deaths", "deaths_high")}.get(what, ()):
        st.session_state.pop(k.fix_sentence(field, token), None)
    if not undone:
        flash("info", "That correction was already undone.")
        return
    flash("success", f"Undone: {now_said(what, data.sentence_record(path, article, sent_start))}.")


def now_said(what: str, record: EventRecord | None) -> str:
    """What an undo left a sentence's events with, in words ("the sentence's events are of the type
    “Battles (Armed clash)” again")."""
    if what == "type" and record is not None:
        kind = (f"of the type “{record.event_type}" + (f" ({record.sub_event_type})" if record.sub_event_type else "")
                + "”") if record.event_type else "of no type"
        return f"the sentence's events are {kind} again"
    if what == "deaths" and record is not None:
        if record.fatalities is None:
            return "the sentence's events report no number of deaths again"
        high = f" to {record.fatalities_high:d}" if record.fatalities_high not in (None, record.fatalities) else ""
        return f"the sentence's events report {record.fatalities:d}{high} killed again"
    if what == "cluster":
        return "the sentence is back in the event it was part of"
    return f"the sentence's {WHAT[what]} is what it was before"


# -- "Event corrections (N)" ---------------------------------------------------------------------------
FIX_EXCERPT = 80  # characters of a corrected sentence in the list


def fix_said(fix: EventFix) -> str:
    """What a correction of an event set, in words ("read as: Where it happened", "dated 13 Sep 2022")."""
    if fix.kind == "role":
        return f"read as: {ROLE_LABELS.get(fix.value, fix.value)}"
    if fix.kind == "date":
        return "no date can be known" if fix.value is None else f"dated {date_label(fix.value, fix.detail, 'user')}"
    if fix.kind == "type":
        return f"{fix.value} ({fix.detail})" if fix.detail else fix.value or "no type (none of ACLED's kinds)"
    if fix.kind == "deaths":
        return deaths_label(fix.value, fix.detail) or "no number of deaths"
    if fix.kind == "split":
        return "taken out of the event it was merged into"
    return "another event merged into its event"


def fix_html(fix: EventFix) -> str:
    """One line of "Event corrections (N)": the mention or the sentence, the article, what was set; when,
    by whom."""
    if fix.kind == "role":
        what = f"“{fix.mention or '?'}”"
    else:
        text = " ".join((fix.sentence or "").split())
        what = f"“{text[:FIX_EXCERPT]}{'…' if len(text) > FIX_EXCERPT else ''}”"
    return (f'<div class="atlas-correction" data-fix="{escape(fix.kind)}">{escape(what)} in '
            f'<i>{escape(fix.title or "Untitled")}</i>: <b>{escape(fix_said(fix))}</b> '
            f'<span class="atlas-meta">· {escape(when_label(fix.created_at))} · by {escape(fix.author or "unknown")}'
            '</span></div>')


def _undo(path: str, fix: EventFix) -> tuple | None:
    """The Undo button's callback and arguments for ``fix``."""
    if fix.kind == "role":
        return (undo_role, (path, fix.article_id, fix.start, fix.end)) if fix.start is not None else None
    if fix.sent_start is None:
        return None
    if fix.kind == "date":
        return undo_date, (path, fix.article_id, fix.sent_start)
    what = fix.kind if fix.kind in ("type", "deaths") else "cluster"
    return undo_fix, (what, path, fix.article_id, fix.sent_start)


def event_fixes_list(path: str, generation: int) -> None:
    """Every correction of an event that counts (roles, dates, types, deaths, splits and merges), the newest
    first, each with its Undo button. Undo takes back a sentence's last split or merge: only that one
    has the button (an older one is undone after it)."""
    fixes, total = data.load_event_fixes(path, generation, CORRECTIONS_LISTED)
    if not total:
        return
    with st.expander(f"Event corrections ({total:d})", key=k.EVENT_FIXES_BOX):
        if total > len(fixes):
            st.caption(f"The newest {len(fixes)} of {total:d}.")
        editing = can_edit()
        named: set[tuple[str, int]] = set()  # sentences a newer split or merge names
        for fix in fixes:
            undo = _undo(path, fix) if editing else None
            if fix.kind in ("split", "merge"):
                if (fix.article_id, fix.sent_start) in named:
                    undo = None
                named.add((fix.article_id, fix.sent_start))
                if fix.kind == "merge":
                    named.add((fix.value, fix.detail))
            with nullcontext() if undo is None else with_undo(k.undo_event_fix(fix.kind, fix.id), *undo):
                st.html(fix_html(fix))


# -- the event across articles ------------------------------------------------------------------------
def _candidate_label(c: dict) -> str:
    date = date_label(c["date_value"], c["date_precision"], c["date_source"])
    text = " ".join(str(c["sentence"] or "").split())
    return (f"{date} · {c['title'] or c['source']} · “{text[:90]}{'…' if len(text) > 90 else ''}” · "
            f"{c['reports']:d} article{'s' if c['reports'] != 1 else ''}")


def cluster_form(path: str, record: EventRecord) -> None:
    """Split ``record``'s report out of its event, or merge another event at its place (dated at most
    :data:`~dashboard.store.clusters.MERGE_DAYS` days apart) into its event; undo the last split or merge
    naming the report."""
    state = st.session_state
    args = (path, record.article_id, record.sent_start)
    if record.cluster_id is None:
        return
    st.html(f'<div class="atlas-meta atlas-fix-event">This sentence reports an event of {record.reports:d} '
            f'article{"s" if record.reports != 1 else ""} from {record.sources:d} '
            f'source{"s" if record.sources != 1 else ""}.</div>')
    if len(data.event_reports(path, record.cluster_id)) > 1:
        st.button("Split this report from its event", key=k.FIX_SPLIT, on_click=split, args=args,
                  help="When it reports another event than the other articles do: it becomes an event of its own.")
    offered = {sentence_token(c['article_id'], c['sent_start']): c
               for c in data.merge_candidates(path, record.article_id, record.sent_start, record.place_id)}
    if offered:
        if state.get(k.FIX_MERGE) not in offered:
            state.pop(k.FIX_MERGE, None)
        st.selectbox(f"Another event at this place, within {MERGE_DAYS:d} days", list(offered), key=k.FIX_MERGE,
                     index=None, format_func=lambda t: _candidate_label(offered[t]),
                     placeholder="choose an event to merge")
        st.button("Merge it into this event", key=k.FIX_MERGE_APPLY, on_click=merge, args=args,
                  disabled=state.get(k.FIX_MERGE) is None)
    else:
        st.caption(f"No other event at this place within {MERGE_DAYS:d} days to merge with.")
    history = data.cluster_corrections(path, record.article_id, record.sent_start)
    if history:
        steps = ", ".join(f'{"split out" if c["action"] == "split" else "merged"} ({c["author"] or "unknown"}, '
                          f'{when_label(c["created_at"])})' for c in history)
        st.html(f'<div class="atlas-meta atlas-fix-event">Corrections of this report\'s event: {escape(steps)}; '
                'the last is undone first.</div>')
        st.button("Undo the last split or merge", key=k.FIX_CLUSTER_UNDO, on_click=undo_fix, args=("cluster", *args))


def split(path: str, article: str, sent_start: int) -> None:
    try:
        data.split_report(path, article, sent_start)
    except StoreError as exc:
        flash("error", f"Nothing was split: {exc}")
        return
    flash("success", "The report is now an event of its own.")


def merge(path: str, article: str, sent_start: int) -> None:
    state = st.session_state
    token = state.get(k.FIX_MERGE)
    try:
        other, other_start = str(token).rsplit(":", 1)
        data.merge_events(path, article, sent_start, other, int(other_start))
    except (ValueError, StoreError) as exc:
        flash("error", f"Nothing was merged: {exc}")
        return
    state.pop(k.FIX_MERGE, None)
    flash("success", "The two events are now one.")
