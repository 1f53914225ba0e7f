"""Correcting a place: for a mention, choose a runner-up, a place found by searching the gazetteer, or
"not a place"; undo. Corrections go to the store apart from machine output
(:func:`dashboard.page.data.correct`), so the map, the table and the exports show them at once.

The buttons act in callbacks (before the page is drawn again), so the whole page shows the change in
the same run. The mention's token is ``article:start:end`` (:func:`mention_token`).

A correction applies to every mention of the name in the article unless the box is unticked: one sense per
discourse (in TR-News' gold places, 249 of the 251 names that recur within an article name one place, the two
others a city and its country or region; in ReLocaR's, 134 of 134). Every place is named by one label
(:class:`Labels`), with its kind, first-level division and country; no place, and no label, is offered twice."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import streamlit as st

from dashboard.export import country_name
from dashboard.page import data
from dashboard.page import keys as k
from dashboard.page.auth import can_edit
from dashboard.page.markup import Mark, escape, escape_markdown, excerpt_words, marked
from dashboard.store import Correction, EventRecord, StoredMention, StoreError

NOT_A_PLACE = "none"
SEARCH_RESULTS = 10
SEARCHED = 40  # places asked of the gazetteer's search, for SEARCH_RESULTS with distinct labels
NAMESAKES = 5  # the most prominent places of the mention's name offered beside the geoparser's runner-ups
CORRECTIONS_LISTED = 30
# What a label calls a place of a kind (gazetteer.place's kinds; the others by their kind: town, district,
# region, water ...), and the population from which a town is a city.
KIND_WORDS = {"province": "first-level division"}
CITY_POPULATION = 100_000


def kind_word(kind: str, population: int = 0) -> str:
    """``city`` (a town of 100,000 people or more), ``first-level division``, ... for a label."""
    if kind == "town" and population >= CITY_POPULATION:
        return "city"
    return KIND_WORDS.get(kind, kind or "place")


class Labels:
    """The one label of a place in the correction form and the corrections list, "Name (kind, First-level
    division, Country)": ``Kharkiv (city, Kharkiv, Ukraine)``, ``Kharkiv (first-level division, Ukraine)``,
    ``Geneva (town, Illinois, United States)``. A place is read from the gazetteer (which knows its
    division), else from the store; each label is made once per instance (one run of the page)."""

    def __init__(self, gazetteer: Any, stored: Callable[[int], tuple[str, str, str | None] | None]) -> None:
        self._gazetteer, self._stored = gazetteer, stored
        self._made: dict[int, str] = {}

    def __call__(self, place: Any) -> str:
        """The label of ``place``: a gazetteer ``Place``, a place id, or ``None`` ("not a place")."""
        if place is None:
            return "not a place"
        place_id = place if isinstance(place, int) else place.id
        if place_id not in self._made:
            found = self._gazetteer.get(place_id) if isinstance(place, int) else place
            self._made[place_id] = self._of(found) if found is not None else self._of_stored(place_id)
        return self._made[place_id]

    def _of(self, place: Any) -> str:
        division = self._gazetteer.admin1_of(place)
        parts = [kind_word(place.kind, place.population), division.name if division is not None else None,
                 None if place.kind == "country" else country_name(place.country_code)]
        return f"{place.name} ({', '.join(p for p in parts if p)})"

    def _of_stored(self, place_id: int) -> str:
        stored = self._stored(place_id)
        if stored is None:
            return f"place {place_id}"
        name, kind, country = stored
        parts = [kind_word(kind), None if kind == "country" else country_name(country)]
        return f"{name} ({', '.join(p for p in parts if p)})"


def labels_for(path: str) -> Labels:
    """The labels of the places of the store at ``path`` (the gazetteer's, else the store's)."""
    return Labels(data.load_gazetteer(), lambda place_id: data.stored_place(path, place_id))


def _population(place: Any) -> str:
    return f", population {place.population:,}" if place.population else ""


def distinct(labels: Labels, places: Iterable[Any], limit: int) -> list[Any]:
    """The first ``limit`` of ``places`` with labels of their own (the first of each label: the search's
    most prominent)."""
    out: dict[str, Any] = {}
    for p in places:
        out.setdefault(labels(p), p)
        if len(out) == limit:
            break
    return list(out.values())


def place_choices(labels: Labels, mention: StoredMention, found: Iterable[Any],
                  runner_ups: Iterable[tuple[int, str, float]], namesakes: Iterable[Any]) -> dict[str, str]:
    """The form's choices for ``mention`` (token: label, see :func:`choice_place`): the places ``found`` by a
    search, the geoparser's own choice (when the mention is corrected), its ``runner_ups`` and the most
    prominent ``namesakes``, then "not a place". A place is offered once, by its first way; a place whose
    label is one already offered (or the mention's place's) is left out: nobody could tell them apart."""
    options: dict[str, str] = {}
    seen_ids = {mention.place_id}
    seen_labels = {labels(mention.place_id)} if mention.place_id is not None else set()

    def offer(token: str, place: Any, note: str) -> None:
        place_id = place if isinstance(place, int) else place.id
        label = labels(place)
        if place_id in seen_ids or label in seen_labels:
            return
        seen_ids.add(place_id)
        seen_labels.add(label)
        options[token] = f"{label} · {note}"

    for p in found:
        offer(f"s:{p.id}", p, f"found in the gazetteer{_population(p)}")
    if mention.corrected and mention.machine_place_id is not None:
        offer(f"c:{mention.machine_place_id}", mention.machine_place_id, "the geoparser’s choice")
    for place_id, _name, score in runner_ups:
        offer(f"c:{place_id}", place_id, f"runner-up, score {score:.2f}")
    for p in namesakes:
        offer(f"s:{p.id}", p, f"another place of this name{_population(p)}")
    if mention.place_id is not None:
        options[NOT_A_PLACE] = "Not a place (remove its events)"
    return options


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
    if choice is None:
        raise ValueError("choose the right place first (or search the gazetteer for it)")
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


def flash(kind: str, text: str, undo: tuple[str, str, int, int] | None = None) -> None:
    """The outcome of a correction or an undo, shown once; ``undo``: what an Undo button beside it takes back,
    ``("place" or "role", article, start, end)`` of the mention."""
    st.session_state[k.FIX_FLASH] = (kind, text, undo)


def _follow(place_id: int | None) -> None:
    """Select ``place_id`` (and move the map to it), so the panel shows the mention after the change."""
    if place_id is not None:
        st.session_state[k.PLACE] = st.session_state[k.CENTER_ON] = place_id


def _mentions(n: int, text: str) -> str:
    return f"“{text}”" if n == 1 else f"the {n} mentions of “{text}”"


def apply_correction(path: str, article: str, start: int, end: int) -> None:
    """Callback of the Apply button: store the chosen correction of the mention (of every mention of its
    name in the article, unless "Apply to every mention" is unticked; one group, undone together)."""
    state = st.session_state
    try:
        place = choice_place(state.get(k.FIX_CHOICE), data.load_gazetteer())
        n = data.correct(path, article, start, end, place, every_mention=bool(state.get(k.FIX_EVERY, True)))
    except (ValueError, StoreError) as exc:
        flash("error", f"Nothing was corrected: {exc}")
        return
    mention = data.mention(path, article, start, end)
    if mention.place_id is None:
        who = _mentions(n, mention.text)
        flash("success", f"{who[0].upper()}{who[1:]} {'is' if n == 1 else 'are'} marked as not a place: "
                         f"{'its' if n == 1 else 'their'} events are gone from the map, the table and the exports.",
              ("place", article, start, end))
    else:
        flash("success", f"“{mention.text}” now names {labels_for(path)(mention.place_id)}"
                         f"{f' at all {n} of its mentions in this article' if n > 1 else ''}.",
              ("place", article, start, end))
    _follow(mention.place_id)
    state[k.FIX_SEARCH] = ""
    state.pop(k.FIX_CHOICE, None)


def undo_correction(path: str, article: str, start: int, end: int) -> None:
    """Callback of an Undo button: take back the mention's latest correction (with its group)."""
    try:
        n = len(data.correction_group(path, article, start, end))
        undone = data.undo_correction(path, article, start, end)
    except StoreError as exc:
        flash("error", f"Nothing was undone: {exc}")
        return
    mention = data.mention(path, article, start, end)
    if not undone or mention is None:
        flash("info", "That correction was already undone.")
        return
    now = labels_for(path)(mention.place_id)
    flash("success", f"Undone: {_mentions(n, mention.text)} name{'s' if n == 1 else ''} {now} again"
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
        from dashboard.page.correct_event import undo_role  # (it imports this module)

        what, *span = undo
        # (a role change can take the mention off the map and out of the form: its undo is offered here)
        st.button("Undo this correction", key=k.FIX_UNDO_LAST, args=(path, *span),
                  on_click={"place": undo_correction, "role": undo_role}[what])
    st.session_state[k.FIX_FLASH] = None  # shown once


MENTION_CONTEXT = 60  # characters of the sentence around a mention in its label


def mention_labels(tokens: dict[str, EventRecord]) -> dict[str, str]:
    """Each mention's label in the form's list: the name in its own words of the sentence, the article and
    the date, every label different (Streamlit's list tells its options apart by label: two the same
    could not both be chosen; a name said twice in one sentence gets its place in it)."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for token, r in tokens.items():
        _article, start, end = parse_token(token)
        a, b = start - r.sent_start, end - r.sent_start
        win = excerpt_words(r.sentence, 0, len(r.sentence), (a, b), MENTION_CONTEXT)
        words = " ".join(r.sentence[win.start:win.end].split())
        context = ("…" if win.cut_left else "") + words + ("…" if win.cut_right else "")
        date = r.date.isoformat() if r.date else "undated"
        label = f"“{r.mention_text}” in “{context}” · {r.title or r.source} · {date}"
        n = seen[label] = seen.get(label, 0) + 1
        out[token] = label if n == 1 else f"{label} ({n})"
    return out


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

    shown = mention_labels(tokens)
    token = st.selectbox("Mention", list(tokens), key=k.FIX_MENTION, format_func=shown.__getitem__,
                         help="Choose a row in the table to pick its mention here.")
    r = tokens[token]
    article, start, end = parse_token(token)
    mention = data.mention(path, article, start, end)
    if mention is None:
        st.caption("This mention is no longer in the store.")
        return None
    labels = labels_for(path)
    st.html(f'<div class="atlas-fix-sentence">'
            f'{marked(r.sentence, [Mark(start - r.sent_start, end - r.sent_start, "atlas-selected")])}</div>'
            f'<div class="atlas-meta">Now: {escape(labels(mention.place_id))} · '
            + (f'corrected; the geoparser chose {escape(labels(mention.machine_place_id))}</div>'
               if mention.corrected else f'the geoparser’s choice (confidence {mention.confidence:.2f})</div>'))

    query = st.text_input("Search the gazetteer for another place", key=k.FIX_SEARCH, max_chars=80,
                          placeholder="a place name, e.g. Gyumri")
    found = distinct(labels, data.search_gazetteer(query.strip(), SEARCHED), SEARCH_RESULTS) if query.strip() else []
    if query.strip() and not found:
        st.caption("No place of that name in the gazetteer.")
    options = place_choices(labels, mention, found, data.candidates(path, article, start, end),
                            data.namesakes(mention.text, NAMESAKES))
    searched = [o for o in options if o.startswith("s:")]
    if state.get(k.FIX_SEARCHED) != query.strip():  # a new search: its best place comes chosen
        state[k.FIX_SEARCHED] = query.strip()
        if searched:
            state[k.FIX_CHOICE] = searched[0]
    if state.get(k.FIX_CHOICE) not in options:
        state.pop(k.FIX_CHOICE, None)
    # nothing chosen until the user chooses (or searches): one click on Apply never moves a right place to a
    # runner-up
    st.selectbox("The right place", list(options), key=k.FIX_CHOICE, format_func=options.__getitem__,
                 placeholder="choose one, or search above for more places", index=None)
    same_name = data.same_name_mentions(path, article, start, end)
    if len(same_name) > 1:
        state.setdefault(k.FIX_EVERY, True)
        st.checkbox(f"Apply to every mention of this name in the article ({len(same_name)})", key=k.FIX_EVERY,
                    help=f"All {len(same_name)} mentions of “{escape_markdown(mention.text)}” in this article move to "
                    "the place chosen, as one correction (one Undo takes them all back). Untick to correct this one "
                    "only.")
    else:
        state[k.FIX_EVERY] = True  # (one mention: the same either way)
    st.button("Apply the correction", key=k.FIX_APPLY, type="primary", disabled=state.get(k.FIX_CHOICE) is None,
              on_click=apply_correction, args=(path, article, start, end))
    history = data.correction_history(path, article, start, end)
    if history:
        steps = " → ".join(history_step(c, labels) for c in history)
        st.html(f'<div class="atlas-meta">Corrections of this mention: {escape(steps)}; the last in force '
                'counts.</div>')
        st.button("Undo the last correction of this mention", key=k.FIX_UNDO, on_click=undo_correction,
                  args=(path, article, start, end))
    return r, mention


def groups(corrections: Iterable[Correction]) -> list[list[Correction]]:
    """``corrections`` (newest first) by the call that wrote them: one "every mention" correction is one
    group (the same article, place, author and time), in the order of its newest member."""
    out: dict[tuple, list[Correction]] = {}
    for c in corrections:
        out.setdefault((c.article_id, c.place_id, c.author, c.created_at), []).append(c)
    return [sorted(g, key=lambda c: c.start) for g in out.values()]


def when_label(stamp: str) -> str:
    """``2026-12-02T05:49:13.123+00:00`` as ``2026-12-02 05:49 UTC``."""
    return stamp[:16].replace("T", " ") + " UTC"


def history_step(c: Correction, labels: Labels) -> str:
    """One correction of a mention's history: the place chosen, by whom and when; undone, by whom."""
    who = f"{c.author or 'unknown'}, {when_label(c.created_at)}"
    undone = f"; undone by {c.undone_by or 'unknown'}" if c.undone_at else ""
    return f"{labels(c.place_id)} ({who}{undone})"


def correction_html(group: Sequence[Correction], labels: Labels) -> str:
    """One line of "Corrections (N)": the mention (and how many of its name), the article, the place the
    geoparser chose (each one, when they differ) → the place chosen, with their labels; when, by whom."""
    first = group[0]
    machine = " / ".join(dict.fromkeys(labels(c.machine_place_id) if c.machine_place_id is not None else "?"
                                       for c in group))
    count = f" ({len(group)} mentions)" if len(group) > 1 else ""
    when = when_label(first.created_at)
    return (f'<div class="atlas-correction" data-correction="{int(first.id)}" data-mentions="{len(group)}">'
            f'“{escape(first.text)}”{escape(count)} in <i>{escape(first.title or "Untitled")}</i>: '
            f'{escape(machine)} → <b>{escape(labels(first.place_id))}</b> <span class="atlas-meta">· {escape(when)}'
            f' · by {escape(first.author or "unknown")}</span></div>')


def corrections_list(path: str, generation: int) -> None:
    """Every correction that counts (the newest first; one line for the mentions corrected together), each
    with its Undo button."""
    corrections, total = data.load_corrections(path, generation, CORRECTIONS_LISTED)
    if not total:
        return
    with st.expander(f"Corrections ({total:d})", key=k.CORRECTIONS_BOX):
        if total > len(corrections):
            st.caption(f"The newest {len(corrections)} of {total:d} corrected mentions.")
        labels = labels_for(path)
        editing = can_edit()  # a reader sees who corrected what, when; no Undo
        for group in groups(corrections):
            c = group[0]
            undo = with_undo(k.undo(c.id), undo_correction, (path, c.article_id, c.start, c.end)) if editing \
                else nullcontext()
            with undo:
                st.html(correction_html(group, labels))


@contextmanager
def with_undo(key: str, on_click: Callable[..., None], args: tuple) -> Iterator[None]:
    """A line of a corrections list, drawn inside, with its Undo button beside it (this list and
    "Event corrections (N)", :mod:`dashboard.page.correct_event`)."""
    left, right = st.columns([5, 1], vertical_alignment="center")
    with left:
        yield
    with right:
        st.button("Undo", key=key, on_click=on_click, args=args)
