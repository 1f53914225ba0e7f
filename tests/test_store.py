"""The event store and ingest: where it lives, its schema and version, all-or-nothing writes, duplicates,
filters, and ``atlas ingest`` on files and folders."""
from __future__ import annotations

import datetime
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import cli
from dashboard.errors import StoreError
from dashboard.events import extract_events
from dashboard.ingest import ADDED, DUPLICATE, FAILED, ingest_paths, ingest_seeds
from dashboard.store import (
    KIND_GROUPS,
    MAX_FILTER_PLACES,
    MAX_SEARCH,
    SCHEMA_VERSION,
    EventFilter,
    Store,
    data_dir,
    schema_sections,
    store_path,
    writes,
)
from dashboard.store import check as check_mod
from dashboard.store import schema as schema_mod
from dashboard.store.check import check_store
from gazetteer.resolve import Mention
from tests.fixtures import (
    A2021,
    A2022,
    ARMENIA,
    GORI,
    GORIS,
    KAPAN,
    PLACES,
    ROOT,
    SEEDS,
    UNDATED,
    add,
    find_mentions,
    make_article,
    run_atlas,
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def store(home):
    with Store.open() as s:
        yield s


@pytest.fixture
def filled(store):
    for spec in (A2021, A2022, UNDATED):
        assert add(store, make_article(*spec), PLACES)
    return store


# -- where, what version -------------------------------------------------------------------------------
def test_store_lives_in_atlas_home(home, store):
    assert data_dir() == home
    assert store_path() == home / "atlas.sqlite" == store.path
    assert store.path.exists()


def test_default_data_dir_is_per_user(monkeypatch):
    monkeypatch.delenv("ATLAS_HOME", raising=False)
    import platformdirs

    assert data_dir() == Path(platformdirs.user_data_dir("news-atlas", appauthor=False))


def test_schema_has_one_home_and_a_version(store):
    sections = schema_sections()
    assert [v for v, _ in sections] == list(range(1, SCHEMA_VERSION + 1))
    assert store.version == SCHEMA_VERSION
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"article", "place", "mention", "candidate", "event", "meta"} <= tables
    assert {"event_date", "event_place"} <= indexes


def test_a_newer_store_is_refused(store):
    store.close()
    with sqlite3.connect(store.path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store.open()


def test_an_older_store_is_upgraded_in_place(filled, tmp_path, monkeypatch):
    filled.close()
    schema = schema_mod.SCHEMA_PATH.read_text(encoding="utf-8")
    upgraded = tmp_path / "schema.sql"
    upgraded.write_text(schema + f"\n-- version {SCHEMA_VERSION + 1}\n"
                        "CREATE TABLE later_table (article TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
                        " place INTEGER, PRIMARY KEY (article, start, end));\n", encoding="utf-8")
    monkeypatch.setattr(schema_mod, "SCHEMA_PATH", upgraded)
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store.open() as again:
        assert again.version == SCHEMA_VERSION + 1
        assert again.counts()["articles"] == 3
        assert again._query("SELECT count(*) FROM later_table") == [(0,)]


def test_unwritable_home_says_what_to_do(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ATLAS_HOME", str(blocker / "home"))
    with pytest.raises(StoreError, match="ATLAS_HOME"):
        Store.open()


# -- writing -------------------------------------------------------------------------------------------
def test_article_mentions_and_events_round_trip(store):
    article = make_article(*A2022)
    assert add(store, article, PLACES)
    stored = store.article(article.id)
    assert (stored.title, stored.published, stored.url, stored.text) == (
        "Kapan shelled", datetime.date(2022, 9, 13), "https://example.com/kapan", article.text)
    assert [(m.text, m.place_name, m.kind, m.country) for m in stored.mentions] == [
        ("Kapan", "Kapan", "town", "AM"), ("Kapan", "Kapan", "town", "AM"), ("Goris", "Goris", "town", "AM"),
        ("Armenia", "Armenia", "country", "AM")]
    goris = next(m for m in stored.mentions if m.text == "Goris")
    assert store.candidates(article.id, goris.start, goris.end) == [(GORI.id, "Gori", 0.1)]
    (event,) = store.events(GORIS.id)
    assert event.sentence == "Shelling hit Kapan and Goris."
    assert event.sentence[slice(*event.highlights[0])] == "Goris"
    assert (event.date, event.title, event.url, event.article_id) == (
        datetime.date(2022, 9, 13), "Kapan shelled", "https://example.com/kapan", article.id)
    assert store.counts() == {"articles": 1, "mentions": 4, "events": 4, "places": 3}


def test_the_same_article_is_stored_once(store):
    article = make_article(*A2021)
    assert add(store, article, PLACES) is True
    before, generation = store.counts(), store.generation()
    assert add(store, make_article(*A2021), PLACES) is False
    assert store.counts() == before
    assert store.has_article(article.id)
    assert store.generation() >= generation


def test_a_failing_write_leaves_nothing(store):
    article = make_article(*A2022)
    mentions = find_mentions(article, PLACES)
    events = extract_events(article, mentions)
    broken = [*events[:-1], type(events[-1])(events[-1].sentence, events[-1].place_id, 99, None)]
    with pytest.raises(StoreError, match="nothing was written"):
        store.add_article(article, mentions, broken, parser="test")
    assert store.counts() == {"articles": 0, "mentions": 0, "events": 0, "places": 0}
    assert store._query("SELECT count(*) FROM place") == [(0,)]
    assert store._query("SELECT count(*) FROM candidate") == [(0,)]
    assert add(store, article, PLACES)  # and the store still works


def test_an_interrupt_mid_write_leaves_nothing(store, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writes, "derive_events", interrupted)
    with pytest.raises(KeyboardInterrupt):
        add(store, make_article(*A2021), PLACES)
    assert store.is_empty()
    assert store._query("SELECT count(*) FROM mention") == [(0,)]


def test_sigkill_mid_write_leaves_nothing(home, tmp_path):
    """A process killed inside the article's transaction (after its mentions are written) leaves no trace."""
    script = tmp_path / "killme.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from dashboard.store import Store, writes
        from tests import fixtures as t
        def slow(db, *args, **kwargs):
            print("inside", flush=True)
            time.sleep(60)
        writes.derive_events = slow
        with Store.open() as s:
            t.add(s, t.make_article(*t.A2021), t.PLACES)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "ATLAS_HOME": str(home)})
    try:
        assert proc.stdout.readline().strip() == "inside"
        # the mentions are written but not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store.open() as s:
        assert s.is_empty()
        assert s._query("SELECT count(*) FROM mention") == [(0,)]
        assert add(s, make_article(*A2021), PLACES)


def test_readers_see_the_store_while_a_writer_holds_a_transaction(filled):
    with Store.open() as other, filled.transaction() as db:
        db.execute("DELETE FROM event")
        assert other.counts()["events"] > 0  # the reader sees the last committed state (WAL)


# -- reading and filtering -----------------------------------------------------------------------------
def test_place_counts_and_samples(filled):
    counts = {p.name: (p.kind, p.events, p.articles) for p in filled.place_counts()}
    assert counts == {"Goris": ("town", 3, 2), "Kapan": ("town", 3, 2), "Armenia": ("country", 2, 2)}
    samples = filled.samples(per_place=2)
    # newest first, undated last
    assert [(e.date, e.sentence) for e in samples[KAPAN.id]] == [
        (datetime.date(2022, 9, 13), "Kapan shelled"),
        (datetime.date(2022, 9, 13), "Shelling hit Kapan and Goris.")]
    assert len(samples[GORIS.id]) == 2


def test_date_filter_and_undated_switch(filled):
    def names(flt):
        return {p.name: p.events for p in filled.place_counts(flt)}

    y2022 = EventFilter(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert names(y2022) == {"Goris": 1, "Kapan": 3, "Armenia": 1}  # Kapan: 2 in 2022, 1 undated
    assert names(EventFilter(datetime.date(2022, 1, 1), undated=False)) == {"Goris": 1, "Kapan": 2, "Armenia": 1}
    assert names(EventFilter(end=datetime.date(2021, 12, 31), undated=False)) == {"Goris": 2, "Armenia": 1}
    assert names(EventFilter(datetime.date(2023, 1, 1), undated=False)) == {}
    assert names(EventFilter(countries=False)) == {"Goris": 3, "Kapan": 3}
    assert [e.date for e in filled.events(KAPAN.id, EventFilter(undated=True))][-1] is None
    assert filled.count_events(KAPAN.id, EventFilter(undated=False)) == 2
    rng = filled.date_range()
    assert (rng.first, rng.last, rng.dated, rng.undated) == (datetime.date(2021, 11, 16),
                                                             datetime.date(2022, 9, 13), 7, 1)
    (s, w), (n, e) = filled.extent()
    assert (s, n) == (39.2076, 40.25) and (w, e) == (45.0, 46.4054)


_dates = st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)))


@given(_dates, _dates, st.booleans(), st.booleans())
def test_filter_survives_the_url(start, end, undated, countries):
    if start and end and start > end:
        start, end = end, start
    flt = EventFilter(start, end, undated, countries)
    params = flt.to_params()
    assert all(isinstance(v, str) for v in params.values())
    assert EventFilter.from_params(params) == flt


def test_filter_from_a_malformed_url():
    assert EventFilter.from_params({"from": "yesterday", "to": "2022-13-40", "undated": "maybe"}) == EventFilter()
    assert EventFilter.from_params({"from": "2022-12-31", "to": "2022-01-01", "countries": "0"}) == EventFilter(
        datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), True, False)
    assert EventFilter.from_params({}).to_params() == {}
    low, high = datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)
    assert EventFilter(datetime.date(2000, 1, 1), datetime.date(2030, 1, 1)).clamp(low, high) == EventFilter(low, high)


def test_filter_sql_uses_parameters_only():
    where, params = EventFilter(datetime.date(2022, 1, 1), None, False, False).where()
    assert "2022" not in where and params == ["2022-01-01"]
    flt = EventFilter(country=("AM",), places=(1,), article="0123456789abcdef", kinds=("town",), min_confidence=0.5,
                      text="x' OR 1=1 --")
    where, params = flt.where()
    assert "AM" not in where and "OR 1=1" not in where and "0123456789abcdef" not in where
    assert params == ["AM", 1, "0123456789abcdef", "town", 0.5, "%x' OR 1=1 --%"]


def test_each_filter_and_combined(filled):
    def names(flt):
        return {p.name: p.events for p in filled.place_counts(flt)}

    kapan_2022 = make_article(*A2022)
    assert names(EventFilter(country=("AM",))) == {"Goris": 3, "Kapan": 3, "Armenia": 2}
    assert names(EventFilter(country=("GE",))) == {}
    assert names(EventFilter(places=(GORIS.id, ARMENIA.id))) == {"Goris": 3, "Armenia": 2}
    assert names(EventFilter(article=kapan_2022.id)) == {"Kapan": 2, "Goris": 1, "Armenia": 1}
    assert names(EventFilter(kinds=("country",))) == {"Armenia": 2}
    assert names(EventFilter(kinds=("town", "region"))) == {"Goris": 3, "Kapan": 3}
    assert names(EventFilter(kinds=("feature",))) == {}
    assert names(EventFilter(text="shelling hit")) == {"Goris": 2, "Kapan": 1}  # ASCII: any case
    assert names(EventFilter(text="appealed to Russia")) == {"Armenia": 1}
    assert names(EventFilter(text="100%")) == {} and names(EventFilter(text="_")) == {}  # LIKE's wildcards
    combined = EventFilter(datetime.date(2022, 1, 1), undated=False, country=("AM",), kinds=("town",),
                           text="Shelling")
    assert names(combined) == {"Kapan": 1, "Goris": 1}
    assert filled.count_events(None, combined) == 2
    assert [r.sentence for r in filled.event_records(combined)] == ["Shelling hit Kapan and Goris."] * 2
    assert filled.timeline(combined) == [(datetime.date(2022, 9, 13), 2)]
    assert filled.timeline() == [(datetime.date(2021, 11, 16), 3), (datetime.date(2022, 9, 13), 4)]


def test_minimum_confidence(store):
    article = make_article("Sure and unsure", "September 13, 2022", "Shelling hit Goris. Kapan was calm.")
    goris, kapan = article.text.index("Shelling hit Goris") + 13, article.text.index("Kapan")
    mentions = [Mention(goris, goris + 5, "Goris", GORIS, 0.95, ()), Mention(kapan, kapan + 5, "Kapan", KAPAN, 0.4, ())]
    assert store.add_article(article, mentions, extract_events(article, mentions), parser="test")
    assert {p.name for p in store.place_counts(EventFilter(min_confidence=0.5))} == {"Goris"}
    assert {p.name for p in store.place_counts(EventFilter(min_confidence=0.4))} == {"Goris", "Kapan"}
    assert {r.confidence for r in store.event_records()} == {0.95, 0.4}


_codes = st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2), max_size=4)
_search = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


@given(_dates, _dates, st.booleans(), st.booleans(), _codes, st.lists(st.integers(-10**9, 10**9), max_size=5),
       st.one_of(st.none(), st.text("0123456789abcdef", min_size=16, max_size=16)),
       st.lists(st.sampled_from(sorted(KIND_GROUPS)), max_size=3), st.floats(0, 1), _search)
def test_every_filter_survives_the_url(start, end, undated, countries, codes, places, article, kinds, conf, text):
    if start and end and start > end:
        start, end = end, start
    flt = EventFilter(start, end, undated, countries, codes, places, article, kinds, conf, text)
    params = flt.to_params()
    assert all(isinstance(v, str) for v in params.values())
    assert EventFilter.from_params(params) == flt
    hash(flt)


def test_new_filters_from_a_malformed_url():
    flt = EventFilter.from_params({"country": "am,A1,ARM,,zz", "places": "1,x,-5,1", "article": "not-an-id",
                                   "kind": "town,planet,TOWN", "conf": "nan", "q": "  a\x00\nb  "})
    assert (flt.country, flt.places, flt.article, flt.kinds, flt.min_confidence, flt.text) == (
        ("AM", "ZZ"), (-5, 1), None, ("town",), 0.0, "a b")
    assert EventFilter.from_params({"conf": "2"}).min_confidence == 1.0
    assert EventFilter.from_params({"conf": "-1"}).min_confidence == 0.0
    assert EventFilter.from_params({"conf": "0.333"}).min_confidence == 0.33
    assert EventFilter.from_params({"q": "x" * 1000}).text == "x" * MAX_SEARCH
    assert len(EventFilter.from_params({"places": ",".join(map(str, range(1000)))}).places) == MAX_FILTER_PLACES
    assert EventFilter.from_params({"article": "0123456789ABCDEF"}).article == "0123456789abcdef"
    assert EventFilter.from_params({"country": ["AM", "AZ"], "from": ["x", "2022-01-01"]}) == EventFilter(
        datetime.date(2022, 1, 1), country=("AM", "AZ"))


# -- ingest --------------------------------------------------------------------------------------------
def test_ingest_seeds_once(store, gazetteer):
    report = ingest_seeds(store, gazetteer)
    assert [r.status for r in report.results] == [ADDED] * 5
    assert all(r.events > 0 and r.mentions >= r.events // 2 for r in report.results)
    counts = store.counts()
    assert counts["articles"] == 5 and counts["events"] == sum(r.events for r in report.results)
    again = ingest_seeds(store, gazetteer)
    assert [r.status for r in again.results] == [DUPLICATE] * 5
    assert store.counts() == counts
    vardenis = next(p for p in store.place_counts() if p.name == "Vardenis")
    (event,) = store.events(vardenis.id)
    assert "in the directions of Vardenis, Sotk, Artanish, Ishkhanasar, Goris and Kapan" in event.sentence


def test_ingest_reports_every_file(store, gazetteer, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("Clashes near Goris\n\nShelling hit Goris and Kapan.\n", encoding="utf-8")
    (folder / "sub" / "copy.md").write_text("Clashes near Goris\n\nShelling hit Goris and Kapan.\n",
                                            encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".hidden.txt").write_text("Goris", encoding="utf-8")
    seen = []
    report = ingest_paths([folder, tmp_path / "nowhere.txt"], store, gazetteer,
                          progress=lambda done, total, r: seen.append((done, total)))
    by_name = {Path(r.path).name: r for r in report.results}
    assert set(by_name) == {"good.txt", "copy.md", "empty.txt", "photo.html", "nowhere.txt"}
    assert by_name["good.txt"].status == ADDED and by_name["good.txt"].events >= 2
    assert by_name["copy.md"].status == DUPLICATE
    assert (by_name["empty.txt"].status, by_name["empty.txt"].reason) == (FAILED, "empty")
    assert (by_name["photo.html"].status, by_name["photo.html"].reason) == (FAILED, "binary")
    assert (by_name["nowhere.txt"].status, by_name["nowhere.txt"].reason) == (FAILED, "missing")
    assert report.skipped == [str(folder / "notes.pdf")]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert (report.added, report.duplicates, report.failed) == (1, 1, 3)
    assert "empty" in by_name["empty.txt"].line() and by_name["good.txt"].line().startswith("added")
    assert store.counts()["articles"] == 1


def test_a_geoparser_failure_is_reported_and_stores_nothing(store, gazetteer, tmp_path, monkeypatch):
    import dashboard.parse_pool as parse_pool

    def boom(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(parse_pool, "geoparse", boom)
    (tmp_path / "a.txt").write_text("Shelling hit Goris.\n", encoding="utf-8")
    (result,) = ingest_paths([tmp_path / "a.txt"], store, gazetteer).results
    assert (result.status, result.reason, result.message) == (FAILED, "geoparse", "RuntimeError: kaput")
    assert store.is_empty()


def test_atlas_ingest_command(tmp_path):
    home = tmp_path / "home"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    started = time.perf_counter()
    done = run_atlas("ingest", str(SEEDS), str(bad), home=home)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("added") for line in lines) == 5
    assert any(line.startswith("failed") and "bad.txt: empty:" in line for line in lines)
    assert "5 added, 0 already stored, 1 failed" in done.stderr
    again = run_atlas("ingest", "-q", str(SEEDS), home=home)
    assert again.returncode == 0 and again.stdout == ""
    assert "0 added, 5 already stored" in again.stderr
    assert time.perf_counter() - started < 120
    with Store(home / "atlas.sqlite") as s:
        assert s.counts()["articles"] == 5


# -- store checks: `atlas store check`, and a store that cannot be opened is left as it is ------------------
def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page_size_and_root(path: Path, table: str) -> tuple[int, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        return size, root
    finally:
        db.close()


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def test_atlas_store_check_on_a_sound_store(filled, home):
    filled.close()
    done = run_atlas("store", "check", home=home)
    assert done.returncode == 0, done.stderr
    assert "is sound: integrity check ok, foreign keys ok" in done.stdout
    assert check_store(home / "atlas.sqlite").ok


def test_atlas_store_check_finds_a_damaged_page(filled, home):
    filled.close()
    path = home / "atlas.sqlite"
    size, root = _page_size_and_root(path, "event")
    _overwrite(path, (root - 1) * size, b"\xab" * size)  # garbage over a page in the middle of the file
    before = _sha(path)
    done = run_atlas("store", "check", home=home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "is damaged" in done.stdout and "table event: database disk image is malformed" in done.stdout
    assert "Traceback" not in done.stderr and _sha(path) == before
    found = check_store(path)
    assert not found.ok and any("event" in p for p in found.problems)


def test_a_store_that_is_not_a_database_is_refused_untouched(filled, home):
    filled.close()
    path = home / "atlas.sqlite"
    _overwrite(path, 0, b"this is no header" * 6)
    before = _sha(path)
    with pytest.raises(StoreError, match="is corrupt") as caught:
        Store.open()
    assert "not a database" in str(caught.value) and "permissions" not in str(caught.value)
    assert _sha(path) == before and not path.with_name("atlas.sqlite-wal").exists()
    done = run_atlas("store", "check", home=home)
    assert done.returncode == 1 and "file is not a database" in done.stdout
    path.write_bytes(path.read_bytes()[:50])  # cut short
    assert check_store(path).problems == (
        "file is not a database: it is cut short (50 bytes; an SQLite header is 100)",)
    with pytest.raises(StoreError, match="is corrupt"):
        Store.open()


def test_a_malformed_store_is_refused_untouched(filled, home):
    filled.close()
    path = home / "atlas.sqlite"
    size, _ = _page_size_and_root(path, "event")
    _overwrite(path, 100, b"\xab" * (size - 100))  # the schema's page, after the file header
    before = _sha(path)
    with pytest.raises(StoreError, match=r"is corrupt .*malformed") as caught:
        Store.open()
    assert "permissions" not in str(caught.value)
    assert _sha(path) == before
    done = run_atlas("store", "check", home=home)
    assert done.returncode == 1 and "malformed" in done.stdout


def test_a_newer_store_is_refused_before_anything_is_written(home):
    home.mkdir(parents=True)
    path = home / "atlas.sqlite"
    with sqlite3.connect(path) as db:  # a rollback-journal store of a later version
        db.execute("CREATE TABLE later (x)")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _sha(path)
    with pytest.raises(StoreError, match="newer"):
        Store.open()
    assert _sha(path) == before  # not switched to WAL, not upgraded
    assert run_atlas("store", "check", home=home).stdout.count("newer News Atlas") == 1


def test_a_store_that_cannot_be_read_says_so(filled, home, monkeypatch, capsys):
    filled.close()
    path = home / "atlas.sqlite"

    def denied(file, *args, **kwargs):  # as for a file without read permission (root ignores the bits)
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(check_mod, "open", denied, raising=False)
    with pytest.raises(StoreError, match=r"cannot be read \(permission denied\)"):
        Store.open()
    with pytest.raises(StoreError, match=r"cannot be read \(permission denied\)"):
        check_store(path)
    assert cli.main(["store", "check"]) == 2
    assert "cannot be read (permission denied)" in capsys.readouterr().err


def test_atlas_store_check_without_a_store(tmp_path):
    done = run_atlas("store", "check", home=tmp_path / "none")
    assert done.returncode == 2 and "no event store" in done.stderr
    assert not (tmp_path / "none").exists()
