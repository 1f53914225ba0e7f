"""One big article (issue 13, point 1): sentences cut to a bounded length, the sentence texts stored, every
query linear in the rows it returns and within a time budget, readers that never wait on one another or
on a writer, and a parse and ingest linear in the article's size."""
from __future__ import annotations

import itertools
import sqlite3
import threading
import time

import pytest

from bench.big_article import make_article as big_article
from dashboard.events import read_events
from dashboard.events.sentences import MAX_SENTENCE, cut_long, sentences
from dashboard.ingest import ingest_article
from dashboard.reader import article_from_text
from dashboard.store import EventFilter, Store, StoreError, schema_sections
from tests.fixtures import GORIS, PLACES, add, make_article

SLOW = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM (SELECT x FROM c LIMIT ?)"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "atlas.sqlite") as s:
        yield s


# -- sentences ---------------------------------------------------------------------------------------------
def exact_parts(text: str, spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """The parts are in order, do not overlap, and hold every non-blank character of text[start:end]."""
    covered = "".join(text[a:b] for a, b in spans)
    return all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans)) and \
        "".join(covered.split()) == "".join(text[start:end].split())


def test_an_overlong_sentence_is_cut_at_white_space_into_bounded_parts():
    text = "Shelling went on near Goris, " * 400 + "and it ended."  # 11,600 characters, one sentence
    spans = sentences(text)
    assert len(spans) > 5 and max(b - a for a, b in spans) <= MAX_SENTENCE
    assert exact_parts(text, spans, 0, len(text))
    assert all(text[b - 1] == "," or b == len(text) for a, b in spans)  # after a comma, where there is one
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)


def test_a_cut_never_falls_inside_a_kept_span_and_text_without_spaces_is_cut_anyway():
    text = " ".join(["Nagorno Karabakh"] * 500)
    keep = [(i, i + 16) for i in range(0, len(text), 17)]
    spans = sentences(text, keep=keep)
    assert max(b - a for a, b in spans) <= MAX_SENTENCE and exact_parts(text, spans, 0, len(text))
    assert all(not (k0 < a < k1 or k0 < b < k1) for a, b in spans for k0, k1 in keep)
    blob = "x" * 7000
    assert cut_long(blob, 0, len(blob)) == [(0, 2000), (2000, 4000), (4000, 6000), (6000, 7000)]


def test_sentences_take_linear_time_on_one_long_line():
    line = "Troops shelled Goris on Tuesday and Armenia said it appealed to Russia " * 20_000  # 1.4 MB, no stop
    started = time.perf_counter()
    spans = sentences(line)
    assert time.perf_counter() - started < 5 and max(b - a for a, b in spans) <= MAX_SENTENCE


# -- the stored sentences ------------------------------------------------------------------------------------
def test_every_event_has_its_sentence_stored_and_search_reads_it(store):
    article = make_article("Clashes", "2022-09-13", "Troops shelled Goris. Kapan was calm. Armenia protested.")
    assert add(store, article, PLACES)
    rows = store._query("SELECT e.sent_start, e.sent_end, s.text FROM event e JOIN sentence s ON s.article = "
                        "e.article AND s.start = e.sent_start")
    assert len(rows) == store.counts()["events"] == 3
    assert all(article.text[a:b] == text for a, b, text in rows)
    assert [r.place for r in store.event_records(EventFilter(text="shelled"))] == ["Goris"]
    assert store.count_events(None, EventFilter(text="calm")) == 1
    (goris,) = store.events(GORIS.id)
    assert goris.sentence == "Troops shelled Goris." and goris.highlights == ((15, 20),)
    # A re-ingest (new parser output) rebuilds them: none is left for mentions that are gone.
    assert store.add_article(article, [], [], parser="none", replace=True) is True
    assert store._query("SELECT count(*) FROM sentence")[0][0] == 0


def test_a_version_4_store_gets_its_sentences_on_upgrade(tmp_path):
    from tests.test_corrections import older_store

    path = tmp_path / "v4.sqlite"
    article = make_article("Clashes", "2022-09-13", "Troops shelled Goris. Kapan was calm.")
    with Store(tmp_path / "now.sqlite") as now:
        add(now, article, PLACES)
        older_store(now, 4, path)  # (a current store relabelled 4 cannot replay the steps after it)
    with sqlite3.connect(path) as db:
        assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sentence'").fetchall()
    with Store(path) as s:
        assert s.version == len(schema_sections())
        assert sorted(r.sentence for r in s.event_records()) == ["Kapan was calm.", "Troops shelled Goris."]


# -- time budget and concurrency ------------------------------------------------------------------------------
def test_a_query_past_its_budget_is_stopped_with_a_message(store):
    store.query_budget = 0.2
    started = time.perf_counter()
    with pytest.raises(StoreError, match=r"took longer than 0\.2 s and was stopped; narrow the filters"):
        store._query(SLOW, (10**10,))
    assert time.perf_counter() - started < 3
    assert store._query(SLOW, (1000,)) == [(1000,)]  # the connection serves the next query


def test_readers_never_wait_on_a_slow_reader_or_a_writer(store):
    assert add(store, make_article("Clashes", "2022-09-13", "Troops shelled Goris."), PLACES)
    def slow_query() -> None:
        with pytest.raises(StoreError):
            store._query(SLOW, (10**10,))
    slow = threading.Thread(target=slow_query)
    store.query_budget = 1.5
    slow.start()
    time.sleep(0.2)
    started = time.perf_counter()
    assert store.counts()["events"] == 1 and store.place_counts()
    assert time.perf_counter() - started < 0.5, "a second reader waited for the slow one"
    slow.join()
    # A writer holding its transaction open does not hold readers up either (WAL).
    entered, release = threading.Event(), threading.Event()

    def write() -> None:
        with store.transaction():
            entered.set()
            release.wait(5)
    writer = threading.Thread(target=write)
    writer.start()
    assert entered.wait(5)
    started = time.perf_counter()
    assert store.counts()["events"] == 1
    assert time.perf_counter() - started < 0.5
    release.set()
    writer.join()


# -- a big article, end to end ------------------------------------------------------------------------------------
def test_a_big_article_is_read_stored_and_queried_in_bounded_time(store, gazetteer):
    text = big_article(400_000, single_line=True)
    article = article_from_text(text, "big.txt")
    started = time.perf_counter()
    result = ingest_article(store, gazetteer, article)
    assert result.status == "added" and result.events > 1000
    assert time.perf_counter() - started < 60
    flt = EventFilter(article=article.id)
    top = store.place_counts(flt)[0]
    for run in (lambda: store.events(top.id, flt), lambda: store.count_events(top.id, flt),
                lambda: store.event_records(EventFilter(text="fighting")), lambda: store.place_counts(flt)):
        started = time.perf_counter()
        assert run()
        assert time.perf_counter() - started < 2
    longest = store._query("SELECT max(length(text)) FROM sentence")[0][0]
    assert longest <= MAX_SENTENCE
    assert all(r.sentence for r in store.events(top.id, flt, limit=50))
    reading = read_events(article, [])
    assert max(b - a for a, b in reading.sentences) <= MAX_SENTENCE
