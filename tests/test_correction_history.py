"""Corrections carry their author and time and keep their history (schema version 11): an undo marks the
row it takes back (who, when) instead of deleting it, a later correction adds a row, the latest in force
wins; a version 10 store upgrades with its corrections; the exports say who corrected a row and when."""
from __future__ import annotations

import sqlite3

import pytest

from dashboard import store as store_mod
from dashboard.events import EventDate
from dashboard.export import record
from dashboard.ingest import ingest_seeds
from dashboard.store import EventFilter, Store
from dashboard.store.check import check_store
from tests.fixtures import A2021, A2022, GORI, PLACES, UNDATED, add, make_article
from tests.test_corrections import derived_events_match, goris_2022, older_store

PROTESTS = "Protests"


@pytest.fixture
def filled(tmp_path):
    with Store(tmp_path / "atlas.sqlite") as s:
        for spec in (A2021, A2022, UNDATED):
            assert add(s, make_article(*spec), PLACES)
        yield s


def log(store: Store, table: str) -> list[tuple]:
    return store._query(f"SELECT author, undone_by, undone_at IS NOT NULL FROM {table}_log ORDER BY id")


def kapan_sentence(store: Store) -> tuple[str, int]:
    r = next(r for r in store.event_records() if r.sentence == "Shelling hit Kapan and Goris.")
    return r.article_id, r.sent_start


def test_an_undo_keeps_the_row_and_says_who_undid_it(filled):
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, GORI.id, author="alice")
    filled.correct(aid, start, end, None, author="bob")
    assert filled.mention(aid, start, end).place_id is None  # the latest wins
    assert filled.undo_correction(aid, start, end, author="carol")
    assert filled.mention(aid, start, end).place_id == GORI.id  # alice's counts again
    assert log(filled, "correction") == [("alice", None, False), ("bob", "carol", True)]
    history = filled.correction_history(aid, start, end)
    assert [(c.place_id, c.author, c.undone_by) for c in history] == [(GORI.id, "alice", None), (None, "bob", "carol")]
    assert history[0].created_at <= history[1].created_at <= history[1].undone_at
    (current,) = filled.corrections()
    assert (current.author, current.place_id, current.undone_at) == ("alice", GORI.id, None)
    assert filled.undo_correction(aid, start, end, author="carol")
    assert filled.corrections() == [] and filled.count_corrections() == 0
    assert log(filled, "correction") == [("alice", "carol", True), ("bob", "carol", True)]
    assert filled.undo_correction(aid, start, end) is False  # nothing in force: nothing more is marked
    assert len(filled.correction_history(aid, start, end)) == 2 and derived_events_match(filled)


def test_undoing_an_every_mention_correction_marks_its_whole_group(tmp_path):
    article = make_article("Two reports", "September 13, 2022", "Shelling hit Goris. Later Goris was calm.")
    with Store(tmp_path / "atlas.sqlite") as store:
        assert add(store, article, PLACES)
        first = article.text.index("Goris")
        assert len(store.correct_every_mention(article.id, first, first + 5, GORI.id, author="alice")) == 2
        assert store.undo_correction(article.id, first, first + 5, author="bob")
        assert log(store, "correction") == [("alice", "bob", True)] * 2
        assert store.corrections() == [] and derived_events_match(store)


def test_every_kind_of_correction_keeps_its_history(filled):
    aid, sent = kapan_sentence(filled)
    _, start, end = goris_2022(filled)
    filled.correct_role(aid, start, end, "associative", author="alice")
    filled.correct_date(aid, sent, EventDate("2022-09", "month", "user"), author="alice")
    filled.correct_type(aid, sent, PROTESTS, author="alice")
    filled.correct_type(aid, sent, None, author="bob")
    filled.correct_deaths(aid, sent, 3, author="alice")
    assert filled.undo_role(aid, start, end, author="bob")
    assert filled.undo_date(aid, sent, author="bob")
    assert filled.undo_type(aid, sent, author="carol")
    assert filled.undo_deaths(aid, sent, author="bob")
    assert log(filled, "role_correction") == [("alice", "bob", True)]
    assert log(filled, "date_correction") == [("alice", "bob", True)]
    assert log(filled, "type_correction") == [("alice", None, False), ("bob", "carol", True)]
    assert log(filled, "deaths_correction") == [("alice", "bob", True)]
    (kapan,) = [r for r in filled.event_records() if (r.article_id, r.sent_start, r.place) == (aid, sent, "Kapan")]
    assert kapan.event_type == PROTESTS and kapan.type_corrected  # alice's type counts again
    assert not kapan.date_corrected and not kapan.deaths_corrected and derived_events_match(filled)


def test_split_and_merge_undone_stay_in_the_log(tmp_path, gazetteer):
    from tests.test_event_corrections import three_article_event

    with Store(tmp_path / "atlas.sqlite") as store:
        assert ingest_seeds(store, gazetteer).added == 5
        report = three_article_event(store)[0]
        store.split_report(*report, author="alice")
        assert store.undo_cluster(*report, author="bob")
        assert log(store, "cluster_correction") == [("alice", "bob", True)]
        assert store._query("SELECT count(*) FROM corrected_cluster") == [(0,)]
        assert store.undo_cluster(*report) is False
    assert check_store(tmp_path / "atlas.sqlite").ok


def test_a_version_10_store_upgrades_with_its_corrections_authors_and_times(filled, tmp_path):
    aid, start, end = goris_2022(filled)
    sent = kapan_sentence(filled)[1]
    filled.correct(aid, start, end, GORI.id, author="alice")
    filled.correct_type(aid, sent, PROTESTS, author="bob")
    want = filled._query("SELECT id, article, start, end, place, author, created_at FROM correction")
    path = tmp_path / "v10.sqlite"
    older_store(filled, 10, path)
    with sqlite3.connect(path) as db:  # as News Atlas left it before version 11: tables, no log
        assert db.execute("PRAGMA user_version").fetchone() == (10,)
        assert db.execute("SELECT type FROM sqlite_master WHERE name = 'correction'").fetchone() == ("table",)
    with Store(path) as again:
        assert again.version == store_mod.SCHEMA_VERSION
        assert again._query("SELECT id, article, start, end, place, author, created_at FROM correction") == want
        assert log(again, "correction") == [("alice", None, False)]
        assert log(again, "type_correction") == [("bob", None, False)]
        assert again.mention(aid, start, end).place_id == GORI.id and derived_events_match(again)
        assert again.undo_correction(aid, start, end, author="carol")
        assert log(again, "correction") == [("alice", "carol", True)] and derived_events_match(again)
    assert check_store(path).ok


def test_exports_say_who_corrected_a_row_and_when(filled):
    aid, start, end = goris_2022(filled)
    sent = kapan_sentence(filled)[1]
    filled.correct_type(aid, sent, PROTESTS, author="alice")
    filled.correct(aid, start, end, GORI.id, author="bob")
    rows = {(r.place, r.article_id, r.sent_start): record(r) for r in filled.event_records(EventFilter())}
    gori, kapan = rows["Gori", aid, sent], rows["Kapan", aid, sent]
    assert gori["corrected_by"] == "alice; bob" and kapan["corrected_by"] == "alice"  # the type bears on both
    (bobs,) = filled.corrections()
    assert gori["corrected_at"] == bobs.created_at and kapan["corrected_at"] < gori["corrected_at"]
    untouched = [v for (_, a, _), v in rows.items() if a != aid]
    assert untouched and all(v["corrected_by"] is None and v["corrected_at"] is None for v in untouched)
    filled.undo_correction(aid, start, end, author="carol")
    rows = {(r.place, r.article_id, r.sent_start): record(r) for r in filled.event_records()}
    assert rows["Goris", aid, sent]["corrected_by"] == "alice" and ("Gori", aid, sent) not in rows
