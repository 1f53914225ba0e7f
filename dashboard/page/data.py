"""The page's one way to the store and the gazetteer: every read (and write) of the page goes through here.

Cached: the store and the gazetteer (one per server), and the store's answers keyed by the store's
``generation()`` (any write, here or by ``atlas ingest``, makes new keys) and the filter (hashable). The
answers are immutable records in lists and dicts that no caller changes, so they are shared as they are
(:func:`answers`, ``st.cache_resource``), not pickled on every store and copied back on every hit as
``st.cache_data`` does: at 8,600 places that copying was a quarter of a filter change's server time
(the place list alone is read three times a run). Not cached: what the correction form reads of one
mention (it must be the store's latest), the downloads (made when clicked), and the writes: corrections
and their undoing, added articles. Every write is an editor's, named as its author
(:func:`dashboard.page.auth.editor`, which refuses a reader).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from dashboard.events import date_label
from dashboard.page.auth import editor
from dashboard.page.markers import PlaceSummary, Sample, Spot, frame_of, marker_data, spots, what_happened
from dashboard.store import (
    Correction,
    DateRange,
    EventFilter,
    EventRecord,
    EventRow,
    Period,
    PlaceCount,
    Store,
    StoredArticle,
    StoredMention,
)

if TYPE_CHECKING:
    from dashboard.ingest import FileResult, IngestReport

PANEL_EVENTS = 40  # events listed for the selected place (newest first)
POPUP_SAMPLES = 3  # sentences quoted in a marker's popup
# ... in the popups of the busiest places only: at thousands of places the sentences were two thirds of
# the map's data (3.2 of 4.3 MB at 8,600 places) and of its time in the browser; another place's popup
# points to the panel, which its click fills with its sentences and their articles.
POPUP_PLACES = 500
TABLE_ROWS = 1000  # events the table shows (newest first); the downloads hold them all
ARTICLE_OPTIONS = 1000  # newest articles offered by the article filter
PLACE_OPTIONS = 500  # places (most events first) offered by the place lists; any other is typed or clicked


def answers(max_entries: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The cache of a read's answers (see the module's docstring): shared, never copied; keep them unchanged."""
    return st.cache_resource(show_spinner=False, max_entries=max_entries)


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> Store:
    return Store.open(path)


@st.cache_resource(show_spinner=False)
def load_gazetteer() -> Any:
    # (the gazetteer package: about 0.1 s to import, needed only to add or correct articles)
    from gazetteer import Gazetteer

    return Gazetteer.open()


@st.cache_resource(show_spinner="A new store: adding the sample articles from seeds/ …")
def seed_store(path: str) -> Any:
    """Ingest ``seeds/`` into an empty store, once per store and server."""
    # (the ingest and the gazetteer: about 0.3 s to import, needed only to add articles)
    from dashboard.ingest import ingest_seeds

    store = open_store(path)
    if not store.is_empty():
        return None
    return ingest_seeds(store, load_gazetteer())


@answers(16)
def load_overview(path: str, generation: int) -> tuple[dict[str, int], DateRange, Any]:
    store = open_store(path)
    return store.counts(), store.date_range(), store.extent()


@answers(8)
def load_options(path: str, generation: int) -> tuple[list[tuple[str, int]], dict[int, str],
                                                       list[tuple[str, str]], int, dict[str, list[Any]]]:
    """What the filters offer: countries with their events, every place with events (``id: label``),
    the newest articles (``(id, label)``), the number of articles and each article's wire copies
    (``id: [(url, file), ...]``)."""
    store = open_store(path)
    places = {p.id: f"{p.name} ({p.kind}{', ' + p.country if p.country else ''})" for p in store.place_counts()}
    articles = []
    for aid, title, source, published in store.article_list(ARTICLE_OPTIONS):
        label = (title or source)[:90]
        articles.append((aid, f"{label} · {published.isoformat() if published else 'undated'}"))
    return store.country_counts(), places, articles, store.counts()["articles"], store.copies_by_article()


@answers(32)
def load_place_list(path: str, generation: int, flt: EventFilter) -> list[PlaceCount]:
    """The places under ``flt`` with their numbers of events and articles, most events first."""
    return open_store(path).place_counts(flt)


@answers(32)
def load_markers(path: str, generation: int, flt: EventFilter) -> str:
    """The map's marker data for ``flt`` (:func:`dashboard.page.markers.marker_data`, JSON): every place with
    its counts, the :data:`POPUP_PLACES` busiest with their first sentences. The page's heaviest answer at
    thousands of places: the sentences already quoted for this store and generation are not read again."""
    shown = load_place_list(path, generation, flt)
    pairs = open_store(path).sample_ids(flt, POPUP_SAMPLES, places=[p.id for p in shown[:POPUP_PLACES]])
    quoted = _popup_sentences(path, generation, [eid for _, eid in pairs])
    samples: dict[int, list[Sample]] = {}
    for place, eid in pairs:
        if eid in quoted:
            samples.setdefault(place, []).append(quoted[eid])
    return marker_data(PlaceSummary(p.id, p.name, p.kind, p.country, p.lat, p.lon, p.events, p.articles,
                                    tuple(samples.get(p.id, ())), p.sources)
                       for p in shown)


@answers(32)
def load_map_view(path: str, generation: int, flt: EventFilter) -> tuple[Any, tuple[Spot, ...]]:
    """The map's frame for ``flt`` (:func:`dashboard.page.markers.frame_of`) and where its markers are
    (:func:`dashboard.page.markers.spots`, to tell which one a click meant)."""
    shown = load_place_list(path, generation, flt)
    return frame_of(shown), spots(shown)


# The map's answers read on a thread of their own while the page reads the table's and the timeline's: SQLite
# runs a query without holding the GIL, so on two cores the map's data (place counts, popup sentences: the
# last part of a filter change's run, about 0.6 s of 1.2 s at 100,000 events) is ready when the map is drawn.
_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="atlas-map-read")


def prefetch_map(path: str, generation: int, flt: EventFilter) -> Future[None]:
    """Start reading the map's answers for ``flt`` (:func:`load_markers`, :func:`load_map_view`) on another
    thread. The page's own calls later find them cached or wait for them (Streamlit computes a cache key
    once at a time); a read that fails there is left to the page's own call, which says why."""
    ctx = get_script_run_ctx()

    def read() -> None:
        add_script_run_ctx(threading.current_thread(), ctx)
        try:
            load_markers(path, generation, flt)
            load_map_view(path, generation, flt)
        except Exception:  # (the page's own call raises it again, where it is said)
            logging.getLogger(__name__).debug("reading the map ahead failed", exc_info=True)

    return _PREFETCH.submit(read)


_SENTENCES: dict[tuple[str, int], dict[int, Sample]] = {}  # (store, generation) -> event id -> Sample
_SENTENCES_LOCK = threading.Lock()


def _popup_sentences(path: str, generation: int, ids: list[int]) -> dict[int, Sample]:
    """The :class:`~dashboard.page.markers.Sample` of each event in ``ids`` still stored, kept per store and
    generation (event ids are only reused after a write, which makes a new generation)."""
    with _SENTENCES_LOCK:
        for key in [k for k in _SENTENCES if k[0] == path and k[1] != generation]:
            del _SENTENCES[key]
        known = _SENTENCES.setdefault((path, generation), {})
        missing = [i for i in ids if i not in known]
    rows = open_store(path).event_sentences(missing) if missing else {}
    found = {eid: Sample(e.sentence, (0, len(e.sentence)), e.highlights[0], e.title,
                         date_label(e.date_value, e.date_precision, e.date_source), e.reports, e.sources,
                         what_happened(e.event_type, e.sub_event_type, e.fatalities, e.fatalities_high))
             for eid, e in rows.items()}
    with _SENTENCES_LOCK:
        known.update(found)
        # (an event chosen a moment ago may be gone: ``atlas ingest`` re-derived its sentence since)
        return {i: known[i] for i in ids if i in known}


@answers(64)
def load_place(path: str, generation: int, place_id: int, flt: EventFilter) -> tuple[PlaceCount | None, int,
                                                                                       list[EventRow]]:
    """A place (its numbers under no filter), its number of distinct events under ``flt`` and the newest
    :data:`PANEL_EVENTS` of its reports (each with its event across articles)."""
    store = open_store(path)
    return (store.place(place_id), store.count_distinct_events(place_id, flt),
            store.events(place_id, flt, limit=PANEL_EVENTS))


@st.cache_data(show_spinner=False, max_entries=64)
def load_article(path: str, generation: int, article_id: str) -> StoredArticle | None:
    return open_store(path).article(article_id)


@answers(32)
def load_records(path: str, generation: int, flt: EventFilter, limit: int = TABLE_ROWS) -> tuple[list[EventRecord],
                                                                                                  int, int]:
    """The table's rows under ``flt`` (the newest ``limit``), how many there are in all, and how many events
    they report (each once at each of its places: the map's numbers, which a table of every row counts
    itself)."""
    store = open_store(path)
    records = store.event_records(flt, limit=limit, report_sentences=False)  # (the downloads read them)
    if len(records) < limit:
        return records, len(records), len({r.event_key for r in records})
    return records, store.count_events(None, flt), sum(p.events for p in load_place_list(path, generation, flt))


@answers(32)
def load_timeline(path: str, generation: int, flt: EventFilter) -> list[Period]:
    """``(first day, last day, precision, events, event type)`` of the dated events under ``flt``."""
    return open_store(path).periods(flt, by_type=True)


@st.cache_data(show_spinner=False, max_entries=8)
def load_corrections(path: str, generation: int, limit: int) -> tuple[list[Any], int]:
    store = open_store(path)
    return store.corrections(limit), store.count_corrections()


@st.cache_data(show_spinner=False, max_entries=8)
def load_event_fixes(path: str, generation: int, limit: int) -> tuple[list[Any], int]:
    """The corrections of events' roles, dates, types, deaths and clusters that count (the newest
    ``limit``), and how many there are."""
    store = open_store(path)
    return store.event_fixes(limit), store.count_event_fixes()


def seed_if_empty(path: str) -> list[str]:
    """Open the store (raises :class:`dashboard.errors.AtlasError` when it cannot be), ingesting
    ``seeds/`` when it is empty; the lines of the sample articles that could not be added. A store file
    that does not exist yet starts as a copy of the prepared seeds (:func:`dashboard.seeds.place_seeds`),
    when ``make run`` (``atlas seeds``) made them for this version."""
    from dashboard.seeds import place_seeds

    place_seeds(path)
    store = open_store(path)
    report = seed_store(path) if store.is_empty() else None
    if report is None or not report.failed:
        return []
    return [r.line() for r in report.results if r.status == "failed"]


def overview(path: str) -> tuple[int, dict[str, int], DateRange, Any]:
    """The store's generation, its counts, its dates and the extent of its places."""
    generation = open_store(path).generation()
    return (generation, *load_overview(path, generation))


def place_info(path: str, generation: int, place_id: int | None) -> PlaceCount | None:
    """A stored place (with its numbers under no filter), or ``None``."""
    return None if place_id is None else load_place(path, generation, place_id, EventFilter())[0]


def places_named(path: str, name: str) -> list[int]:
    """The ids of the stored places with events named ``name`` (any case)."""
    return open_store(path).places_named(name)


def all_records(path: str, flt: EventFilter) -> Callable[[], list[EventRecord]]:
    """What reads every event under ``flt``, for a download made when its button is clicked (the store
    is opened now, in the page's run)."""
    store = open_store(path)
    return lambda: store.event_records(flt)


# -- one mention and its corrections (read afresh: the form must show the store's latest) ---------------
def mention(path: str, article: str, start: int, end: int) -> StoredMention | None:
    return open_store(path).mention(article, start, end)


def stored_place(path: str, place_id: int) -> tuple[str, str, str | None] | None:
    """``(name, kind, country)`` of a place in the store, or ``None``."""
    return open_store(path).stored_place(place_id)


def sentence_record(path: str, article: str, sent_start: int) -> EventRecord | None:
    """One event of the article's sentence at ``sent_start`` as stored now (its type and deaths are the
    sentence's), or ``None``."""
    flt = EventFilter(article=article, every_mention=True)
    return next((r for r in open_store(path).event_records(flt, report_sentences=False) if r.sent_start == sent_start),
                None)


def candidates(path: str, article: str, start: int, end: int) -> list[tuple[int, str, float]]:
    """The geoparser's runner-ups for a mention: ``(place id, name, score)``."""
    return open_store(path).candidates(article, start, end)


def correction_history(path: str, article: str, start: int, end: int) -> list[Correction]:
    return open_store(path).correction_history(article, start, end)


def search_gazetteer(query: str, limit: int) -> list[Any]:
    return load_gazetteer().search(query, limit=limit)


def namesakes(name: str, limit: int) -> list[Any]:
    """The most prominent places called ``name`` in the gazetteer (the resolver's prior), likeliest first."""
    return load_gazetteer().lookup(name)[:limit]


def same_name_mentions(path: str, article: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the article's mentions with the name of the one at ``[start, end)``, it among them."""
    return open_store(path).same_name_mentions(article, start, end)


def correction_group(path: str, article: str, start: int, end: int) -> list[Correction]:
    """A mention's latest place correction with those written with it ("every mention of this name")."""
    return open_store(path).correction_group(article, start, end)


def correct(path: str, article: str, start: int, end: int, place: Any, every_mention: bool = False) -> int:
    """Store a person's correction of a mention, or of every mention of its name in the article, as one
    group; how many mentions were corrected (raises ``StoreError``)."""
    store = open_store(path)
    if every_mention:
        return len(store.correct_every_mention(article, start, end, place, author=editor()))
    store.correct(article, start, end, place, author=editor())
    return 1


def undo_correction(path: str, article: str, start: int, end: int) -> bool:
    """Take back a mention's latest correction; whether there was one (raises ``StoreError``)."""
    return open_store(path).undo_correction(article, start, end, author=editor())


def correct_role(path: str, article: str, start: int, end: int, role: str) -> None:
    """Store a person's reading of a mention's role (raises ``StoreError``)."""
    open_store(path).correct_role(article, start, end, role, author=editor())


def undo_role(path: str, article: str, start: int, end: int) -> bool:
    return open_store(path).undo_role(article, start, end, author=editor())


def correct_date(path: str, article: str, sent_start: int, when: Any) -> None:
    """Store a person's date for a sentence's events (``None``: no date can be known)."""
    open_store(path).correct_date(article, sent_start, when, author=editor())


def undo_date(path: str, article: str, sent_start: int) -> bool:
    return open_store(path).undo_date(article, sent_start, author=editor())


# -- an event's type, deaths and event across articles (dashboard.page.correct_event; raise StoreError) ------
def correct_type(path: str, article: str, sent_start: int, event_type: str | None, sub_type: str | None) -> None:
    open_store(path).correct_type(article, sent_start, event_type, sub_type, author=editor())


def correct_deaths(path: str, article: str, sent_start: int, low: int | None, high: int | None) -> None:
    open_store(path).correct_deaths(article, sent_start, low, high, author=editor())


def split_report(path: str, article: str, sent_start: int) -> None:
    open_store(path).split_report(article, sent_start, author=editor())


def merge_events(path: str, article: str, sent_start: int, other: str, other_start: int) -> None:
    open_store(path).merge_events(article, sent_start, other, other_start, author=editor())


def undo_event_fix(path: str, what: str, article: str, sent_start: int) -> bool:
    """Take back the latest correction of a sentence's ``what``: "type", "deaths" or "cluster"."""
    return getattr(open_store(path), f"undo_{what}")(article, sent_start, author=editor())


def event_reports(path: str, cluster_id: int) -> list[tuple[str, tuple[int, int]]]:
    """The reports (article, sentence span) of an event across articles, as corrections make it now."""
    return (open_store(path).cluster(cluster_id) or {}).get("reports", [])


def cluster_corrections(path: str, article: str, sent_start: int) -> list[dict[str, Any]]:
    return open_store(path).cluster_corrections(article, sent_start)


def merge_candidates(path: str, article: str, sent_start: int, place_id: int) -> list[dict[str, Any]]:
    return open_store(path).merge_candidates(article, sent_start, place_id)


# -- adding articles -----------------------------------------------------------------------------------
def add_files(path: str, files: Sequence[Any], progress: Callable[..., None]) -> IngestReport:
    from dashboard.ingest import ingest_uploads

    editor()
    return ingest_uploads(open_store(path), load_gazetteer(), files, progress=progress)


def add_text(path: str, text: str) -> FileResult:
    """Ingest pasted text (its title on the first line)."""
    from dashboard.ingest import ingest_text

    editor()
    return ingest_text(open_store(path), load_gazetteer(), text)
