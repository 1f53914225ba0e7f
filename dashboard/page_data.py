"""What the page reads, cached: the store and the gazetteer (one per server), and the store's answers
keyed by the store's ``generation()`` (any write, here or by ``atlas ingest``, makes new keys) and the
filter (hashable)."""
from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from dashboard.store import DateRange, EventFilter, EventRecord, EventRow, PlaceCount, Store, StoredArticle

PANEL_EVENTS = 40  # events listed for the selected place (newest first)
POPUP_SAMPLES = 3  # sentences quoted in a marker's popup
TABLE_ROWS = 1000  # events the table shows (newest first); the downloads hold them all
ARTICLE_OPTIONS = 1000  # newest articles offered by the article filter
PLACE_OPTIONS = 500  # places (most events first) offered by the place lists; any other is typed or clicked


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> Store:
    return Store.open(path)


@st.cache_resource(show_spinner=False)
def load_gazetteer() -> Any:
    from gazetteer import Gazetteer

    return Gazetteer.open()


@st.cache_resource(show_spinner="A new store: adding the sample articles from seeds/ …")
def seed_store(path: str) -> Any:
    """Ingest ``seeds/`` into an empty store, once per store and server."""
    from dashboard.ingest import ingest_seeds

    store = open_store(path)
    if not store.is_empty():
        return None
    return ingest_seeds(store, load_gazetteer())


@st.cache_data(show_spinner=False, max_entries=16)
def load_overview(path: str, generation: int) -> tuple[dict[str, int], DateRange, Any]:
    store = open_store(path)
    return store.counts(), store.date_range(), store.extent()


@st.cache_data(show_spinner=False, max_entries=8)
def load_options(path: str, generation: int) -> tuple[list[tuple[str, int]], dict[int, str],
                                                       list[tuple[str, str]], int]:
    """What the filters offer: countries with their events, every place with events (``id: label``),
    the newest articles (``(id, label)``) and the number of articles."""
    store = open_store(path)
    places = {p.id: f"{p.name} ({p.kind}{', ' + p.country if p.country else ''})" for p in store.place_counts()}
    articles = []
    for aid, title, source, published in store.article_list(ARTICLE_OPTIONS):
        label = (title or source)[:90]
        articles.append((aid, f"{label} · {published.isoformat() if published else 'undated'}"))
    return store.country_counts(), places, articles, store.counts()["articles"]


@st.cache_data(show_spinner=False, max_entries=32)
def load_place_list(path: str, generation: int, flt: EventFilter) -> list[PlaceCount]:
    """The places under ``flt`` with their numbers of events and articles, most events first."""
    return open_store(path).place_counts(flt)


@st.cache_data(show_spinner=False, max_entries=32)
def load_markers(path: str, generation: int, flt: EventFilter) -> str:
    """The map's marker data for ``flt`` (:func:`dashboard.mapview.marker_data`, JSON): every place with
    its counts and first sentences. The page's heaviest answer at thousands of places: the sentences
    already quoted for this store and generation are not read again."""
    from dashboard.mapview import PlaceSummary, marker_data

    pairs = open_store(path).sample_ids(flt, POPUP_SAMPLES)
    quoted = _popup_sentences(path, generation, [eid for _, eid in pairs])
    samples: dict[int, list[Any]] = {}
    for place, eid in pairs:
        samples.setdefault(place, []).append(quoted[eid])
    return marker_data(PlaceSummary(p.id, p.name, p.kind, p.country, p.lat, p.lon, p.events, p.articles,
                                    tuple(samples.get(p.id, ())))
                       for p in load_place_list(path, generation, flt))


_SENTENCES: dict[tuple[str, int], dict[int, Any]] = {}  # (store, generation) -> event id -> Sample
_SENTENCES_LOCK = threading.Lock()


def _popup_sentences(path: str, generation: int, ids: list[int]) -> dict[int, Any]:
    """``dashboard.mapview.Sample`` of each event in ``ids``, kept per store and generation (event ids
    are only reused after a write, which makes a new generation)."""
    from dashboard.mapview import Sample

    with _SENTENCES_LOCK:
        for key in [k for k in _SENTENCES if k[0] == path and k[1] != generation]:
            del _SENTENCES[key]
        known = _SENTENCES.setdefault((path, generation), {})
        missing = [i for i in ids if i not in known]
    rows = open_store(path).event_sentences(missing) if missing else {}
    found = {eid: Sample(e.sentence, (0, len(e.sentence)), e.highlights[0], e.title,
                         e.date.isoformat() if e.date else None) for eid, e in rows.items()}
    with _SENTENCES_LOCK:
        known.update(found)
        return {i: known[i] for i in ids}


@st.cache_data(show_spinner=False, max_entries=64)
def load_place(path: str, generation: int, place_id: int, flt: EventFilter) -> tuple[PlaceCount | None, int,
                                                                                       list[EventRow]]:
    store = open_store(path)
    return store.place(place_id), store.count_events(place_id, flt), store.events(place_id, flt, limit=PANEL_EVENTS)


@st.cache_data(show_spinner=False, max_entries=64)
def load_article(path: str, generation: int, article_id: str) -> StoredArticle | None:
    return open_store(path).article(article_id)


@st.cache_data(show_spinner=False, max_entries=32)
def load_records(path: str, generation: int, flt: EventFilter, limit: int = TABLE_ROWS) -> tuple[list[EventRecord],
                                                                                                  int]:
    """The table's rows under ``flt`` (the newest ``limit``) and how many there are in all."""
    store = open_store(path)
    records = store.event_records(flt, limit=limit)
    total = len(records) if len(records) < limit else store.count_events(None, flt)
    return records, total


@st.cache_data(show_spinner=False, max_entries=32)
def load_timeline(path: str, generation: int, flt: EventFilter) -> list[tuple[Any, int]]:
    return open_store(path).timeline(flt)


@st.cache_data(show_spinner=False, max_entries=8)
def load_corrections(path: str, generation: int, limit: int) -> tuple[list[Any], int]:
    store = open_store(path)
    return store.corrections(limit), store.count_corrections()
