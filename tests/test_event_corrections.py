"""Corrections of events (schema version 8): an event's type and sub-type, its deaths, and which event
across articles a report belongs to (split one out, merge two). Kept apart from machine output, undoable,
seen by the exports and the filters, kept across ``atlas ingest --reparse``; the store stays sound."""
from __future__ import annotations

import io
import sqlite3

import pytest

from dashboard import export
from dashboard.errors import StoreError
from dashboard.ingest import ingest_paths, ingest_seeds, ingest_text
from dashboard.store import SCHEMA_VERSION, EventFilter, Store, schema_sections, writes
from dashboard.store.check import check_store
from tests.fixtures import SEEDS
from tests.test_corrections import older_store

PROTESTS, PEACEFUL = "Protests", "Peaceful protest"


@pytest.fixture
def store(tmp_path, gazetteer):
    with Store(tmp_path / "atlas.sqlite") as s:
        assert ingest_seeds(s, gazetteer).added == 5
        yield s


def reparse(store: Store, gazetteer) -> None:
    """``atlas ingest --reparse seeds/``: every article read again, its mentions, events and reports rebuilt."""
    report = ingest_paths([SEEDS], store, gazetteer, relative_to=SEEDS.parent, reparse=True)
    assert report.reparsed == 5 and not report.failed


def derived_match(store: Store) -> bool:
    columns = writes.DERIVED
    return (store._query(f"SELECT {columns} FROM event EXCEPT SELECT {columns} FROM effective_event") == []
            and store._query(f"SELECT {columns} FROM effective_event EXCEPT SELECT {columns} FROM event") == []
            and copies_out_of_step(store) == [])


def copies_out_of_step(store: Store) -> list[tuple]:
    """Events whose copies of their event across articles and their outlet (event.cluster, event.outlet,
    schema version 13) differ from what the report, corrected_cluster and article_copy tables say."""
    return store._query(
        "SELECT e.id, e.cluster, e.outlet FROM event e LEFT JOIN report r ON r.article = e.article AND r.sent_start = "
        "e.sent_start LEFT JOIN corrected_cluster cx ON cx.report = r.id LEFT JOIN article_copy ac ON ac.article = "
        "e.article WHERE e.cluster IS NOT coalesce(cx.cluster, r.cluster) OR e.outlet IS NOT ac.outlet")


def clusters(store: Store) -> dict[int, list[tuple[str, int]]]:
    """The machine's clusters: id -> their reports' sentences (article, sent_start), in report order."""
    out: dict[int, list[tuple[str, int]]] = {}
    for cluster, article, start in store._query("SELECT cluster, article, sent_start FROM report ORDER BY id"):
        out.setdefault(cluster, []).append((article, start))
    return out


def events_now(store: Store) -> dict[tuple[str, int], frozenset[tuple[str, int]]]:
    """Each report sentence with events -> the report sentences of the event it is in now (as the exports
    give them), so two states compare whatever ids a re-read gives the reports."""
    records = store.event_records(EventFilter(every_mention=True))
    members: dict[int, set[tuple[str, int]]] = {}
    for r in records:
        members.setdefault(r.cluster_id, set()).add((r.article_id, r.sent_start))
    reports = clusters(store)
    every = {s for ss in reports.values() for s in ss}
    assert all(cid is not None for cid in members)
    out = {}
    for r in records:
        cluster = store.cluster(r.cluster_id)
        out[(r.article_id, r.sent_start)] = frozenset((a, s) for a, (s, _) in cluster["reports"])
        assert members[r.cluster_id] <= out[(r.article_id, r.sent_start)] <= every
    return out


def records_of(store: Store, article: str, sent_start: int) -> list:
    found = [r for r in store.event_records(EventFilter(every_mention=True))
             if r.article_id == article and r.sent_start == sent_start]
    assert found
    return found


def outlets(store: Store, sentences) -> int:
    return len({store._query("SELECT outlet FROM article_copy WHERE article = ?", (a,))[0][0] for a, _ in sentences})


def three_article_event(store: Store) -> list[tuple[str, int]]:
    """The reports of a machine cluster of three articles (the seeds have one: the 13 September clashes)."""
    return next(ss for ss in clusters(store).values() if len({a for a, _ in ss}) == 3)


def two_events(store: Store) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Two machine clusters of two reports each with an event, of articles they do not share in full."""
    multi = [ss for ss in clusters(store).values() if len(ss) == 2 and len({a for a, _ in ss}) == 2]
    with_events = {(r.article_id, r.sent_start) for r in store.event_records(EventFilter(every_mention=True))}
    multi = [ss for ss in multi if all(s in with_events for s in ss)]
    a = multi[0]
    b = next(ss for ss in multi[1:] if {x for x, _ in ss} != {x for x, _ in a})
    return a, b


# -- split --------------------------------------------------------------------------------------------------
def test_split_takes_a_report_out_and_undo_restores(store):
    before = events_now(store)
    records_before = sorted((r.id, r.cluster_id, r.reports, r.sources) for r in store.event_records())
    machine = store._query("SELECT id, article, sent_start, cluster FROM report ORDER BY id")
    reports = three_article_event(store)
    out, rest = reports[0], reports[1:]
    assert all(r.reports == 3 for r in records_of(store, *out))
    store.split_report(*out, author="analyst")
    (alone,) = {r.cluster_id for r in records_of(store, *out)}
    assert all((r.reports, r.sources) == (1, 1) for r in records_of(store, *out))
    assert store.cluster(alone)["reports"] == [(out[0], store.cluster(alone)["reports"][0][1])]
    for sentence in rest:
        (cid,) = {r.cluster_id for r in records_of(store, *sentence)}
        assert cid != alone and {(r.reports, r.sources) for r in records_of(store, *sentence)} == {(2, 2)}
        assert events_now(store)[sentence] == frozenset(rest)
    assert events_now(store)[out] == frozenset([out])
    # machine output untouched; the correction is its own row
    assert store._query("SELECT id, article, sent_start, cluster FROM report ORDER BY id") == machine
    assert [c["action"] for c in store.cluster_corrections(*out)] == ["split"]
    with pytest.raises(StoreError, match="only one of its event"):
        store.split_report(*out)
    assert store.undo_cluster(*out)
    assert events_now(store) == before
    assert sorted((r.id, r.cluster_id, r.reports, r.sources) for r in store.event_records()) == records_before
    assert store._query("SELECT count(*) FROM corrected_cluster") == [(0,)]
    assert store.undo_cluster(*out) is False


# -- merge --------------------------------------------------------------------------------------------------
def test_merge_puts_two_events_together_with_their_articles_and_sources(store):
    before = events_now(store)
    a, b = two_events(store)
    merged = a + b
    articles, sources = len({x for x, _ in merged}), outlets(store, merged)
    assert articles > 2
    store.merge_events(*a[0], *b[1], author="analyst")
    ids = {r.cluster_id for s in merged for r in records_of(store, *s)}
    assert len(ids) == 1
    assert {(r.reports, r.sources) for s in merged for r in records_of(store, *s)} == {(articles, sources)}
    (cid,) = ids
    info = store.cluster(cid)
    assert sorted((x, s) for x, (s, _) in info["reports"]) == sorted(merged)
    assert (info["articles"], info["sources"]) == (articles, sources)
    assert all(events_now(store)[s] == frozenset(merged) for s in merged)
    kept = {(r.article_id, r.sent_start) for r in store.event_records(EventFilter(every_mention=True,
                                                                                 min_sources=sources))}
    assert set(merged) <= kept  # the filter counts the merged event's sources
    with pytest.raises(StoreError, match="of one event already"):
        store.merge_events(*b[0], *a[1])
    # the merged event is offered no more for a merge; the others at the place still are
    record = records_of(store, *a[0])[0]
    assert cid not in {c["cluster_id"] for c in store.merge_candidates(*a[0], record.place_id)}
    # a split after the merge takes one report out of the merged event; undo goes back step by step
    store.split_report(*b[0])
    assert events_now(store)[b[0]] == frozenset([b[0]])
    assert events_now(store)[a[0]] == frozenset(set(merged) - {b[0]})
    assert store.undo_cluster(*b[0])  # the split: the latest correction naming b[0]
    assert events_now(store)[a[0]] == frozenset(merged)
    assert store.undo_cluster(*b[1])  # the merge names b[1]
    assert events_now(store) == before


def test_an_article_ingested_after_a_merge_joins_the_merged_event(store, gazetteer):
    """A new report the machine puts into one of two merged events is in the merged event (the
    corrections apply over the machine's clusters as they are after every write)."""
    a, b = two_events(store)
    machine = {s: c for c, ss in clusters(store).items() for s in ss}
    store.merge_events(*a[0], *b[0])
    src = max((a, b), key=lambda ss: machine[ss[0]])  # (the merged event is named by the other's first report)
    article = store.article(src[0][0])
    sentence = records_of(store, *src[0])[0].sentence
    text = f"{sentence}\n\nThe ministry gave no further details.\n"
    copy = (f"{article.title} (reprinted)\n\n{article.published.isoformat() if article.published else ''}\n\n{text}"
            "\nOriginal url: https://another-outlet.example.org/news/1\n")
    result = ingest_text(store, gazetteer, copy)
    assert result.status == "added"
    ((_, new_start),) = [s for s in clusters(store)[machine[src[0]]] if s[0] == result.article_id]
    new = (result.article_id, new_start)
    assert events_now(store)[new] == events_now(store)[a[0]] == frozenset({*a, *b, new})
    assert {r.reports for r in records_of(store, *new)} == {len({x for x, _ in (*a, *b, new)})}
    assert check_store(store.path).ok


def test_merge_candidates_are_other_events_at_the_place_on_nearby_dates(store):
    records = store.event_records()
    record = next(r for r in records if r.reports > 1 and r.date is not None)
    offered = store.merge_candidates(record.article_id, record.sent_start, record.place_id)
    assert offered and record.cluster_id not in {c["cluster_id"] for c in offered}
    assert len({c["cluster_id"] for c in offered}) == len(offered)
    at_place = {(r.article_id, r.sent_start) for r in records if r.place_id == record.place_id}
    assert {(c["article_id"], c["sent_start"]) for c in offered} <= at_place | {
        (r.article_id, r.sent_start) for r in store.event_records(EventFilter(every_mention=True))
        if r.place_id == record.place_id}
    assert store.merge_candidates(record.article_id, record.sent_start, record.place_id, days=-10**6) == [
        c for c in offered if c["date"] is None]


# -- type and deaths ---------------------------------------------------------------------------------------------
def test_a_type_correction_shows_in_the_exports_and_the_filters_and_undo_restores(store):
    record = next(r for r in store.event_records() if r.event_type not in (None, PROTESTS))
    key = (record.article_id, record.sent_start)
    machine = store._query("SELECT event_type, sub_event_type FROM mention WHERE article = ? AND sent_start = ?", key)
    protests_before = len(store.event_records(EventFilter(event_types=(PROTESTS,))))
    store.correct_type(*key, PROTESTS, PEACEFUL, author="analyst")
    after = records_of(store, *key)
    assert {(r.event_type, r.sub_event_type, r.type_corrected) for r in after} == {(PROTESTS, PEACEFUL, True)}
    row = export.record(after[0])
    assert (row["event_type"], row["sub_event_type"]) == (PROTESTS, PEACEFUL)
    out = io.StringIO()
    export.write_csv(store.event_records(EventFilter(places=(record.place_id,))), out)
    assert f"{PROTESTS},{PEACEFUL}" in out.getvalue()
    assert len(store.event_records(EventFilter(event_types=(PROTESTS,)))) == protests_before + len(
        [r for r in after if r.role == "literal"])
    assert derived_match(store)
    assert store._query("SELECT event_type, sub_event_type FROM mention WHERE article = ? AND sent_start = ?",
                        key) == machine
    store.correct_type(*key, None)  # "no type"
    assert {r.event_type for r in records_of(store, *key)} == {None}
    assert store.undo_type(*key) and store.undo_type(*key)
    assert {(r.event_type, r.sub_event_type, r.type_corrected) for r in records_of(store, *key)} == {
        (record.event_type, record.sub_event_type, False)}
    assert store.undo_type(*key) is False and derived_match(store)


def test_a_deaths_correction_and_undo(store):
    record = next(r for r in store.event_records() if r.fatalities is not None)
    key = (record.article_id, record.sent_start)
    store.correct_deaths(*key, 10, 15)
    assert {(r.fatalities, r.fatalities_high, r.deaths_corrected) for r in records_of(store, *key)} == {(10, 15, True)}
    row = export.record(records_of(store, *key)[0])
    assert (row["fatalities"], row["fatalities_high"]) == (10, 15)
    store.correct_deaths(*key, 7, 7)  # one figure
    assert {(r.fatalities, r.fatalities_high) for r in records_of(store, *key)} == {(7, None)}
    store.correct_deaths(*key, None)  # no number given
    assert {r.fatalities for r in records_of(store, *key)} == {None}
    assert derived_match(store)
    for _ in range(3):
        assert store.undo_deaths(*key)
    assert {(r.fatalities, r.fatalities_high, r.deaths_corrected) for r in records_of(store, *key)} == {
        (record.fatalities, record.fatalities_high, False)}


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, k: s.correct_type(*k, "Skirmish"), "unknown event type"),
    (lambda s, k: s.correct_type(*k, PROTESTS, "Armed clash"), "not a sub-event type of Protests"),
    (lambda s, k: s.correct_type(*k, None, PEACEFUL), "not a sub-event type of no type"),
    (lambda s, k: s.correct_type(k[0], k[1] + 1, PROTESTS), "no event in a sentence"),
    (lambda s, k: s.correct_deaths(*k, -1), "whole number of at least 0"),
    (lambda s, k: s.correct_deaths(*k, 2.5), "whole number"),
    (lambda s, k: s.correct_deaths(*k, 10, 5), "below the count"),
    (lambda s, k: s.correct_deaths(*k, None, 5), "needs a count"),
    (lambda s, k: s.split_report(k[0], k[1] + 1), "no report of an event"),
    (lambda s, k: s.merge_events(*k, k[0], k[1] + 1), "no report of an event"),
])
def test_bad_corrections_are_refused_and_leave_nothing(store, call, message):
    record = store.event_records()[0]
    with pytest.raises(StoreError, match=message):
        call(store, (record.article_id, record.sent_start))
    for table in ("type_correction", "deaths_correction", "cluster_correction", "corrected_cluster"):
        assert store._query(f"SELECT count(*) FROM {table}") == [(0,)]


# -- across a re-read, and a sound store ---------------------------------------------------------------------
def test_every_correction_survives_a_reparse_and_the_store_stays_sound(store, gazetteer):
    a, b = two_events(store)
    split = three_article_event(store)[0]
    typed = next(r for r in store.event_records() if r.event_type != PROTESTS and (r.article_id, r.sent_start)
                 not in {*a, *b})
    dead = next(r for r in store.event_records() if r.fatalities is not None)
    store.merge_events(*a[0], *b[0])
    store.split_report(*split)
    store.correct_type(typed.article_id, typed.sent_start, PROTESTS, PEACEFUL)
    store.correct_deaths(dead.article_id, dead.sent_start, 3, 4)
    corrected = events_now(store)
    kinds = {(r.article_id, r.sent_start, r.place_id): (r.event_type, r.sub_event_type, r.fatalities,
                                                         r.fatalities_high) for r in store.event_records()}
    old_reports = {r for (r,) in store._query("SELECT id FROM report")}
    reparse(store, gazetteer)
    assert not old_reports & {r for (r,) in store._query("SELECT id FROM report")}  # rebuilt: new ids
    assert events_now(store) == corrected
    assert {(r.article_id, r.sent_start, r.place_id): (r.event_type, r.sub_event_type, r.fatalities,
                                                        r.fatalities_high) for r in store.event_records()} == kinds
    assert derived_match(store)
    found = check_store(store.path)
    assert found.ok, found.problems
    # a second ingest of the same files (no reparse) changes nothing either
    assert ingest_seeds(store, gazetteer).added == 0 and events_now(store) == corrected
    # and every correction can still be undone
    assert store.undo_cluster(*a[0]) and store.undo_cluster(*split)
    assert store.undo_type(typed.article_id, typed.sent_start) and store.undo_deaths(dead.article_id, dead.sent_start)
    assert store._query("SELECT count(*) FROM corrected_cluster") == [(0,)] and derived_match(store)


def test_a_version_7_store_is_upgraded_with_every_event(store, tmp_path):
    """The migration (version 7 to 8): the new tables, the events' new columns, the same events."""
    want = sorted((r.id, r.event_type, r.fatalities, r.cluster_id, r.reports) for r in store.event_records())
    path = tmp_path / "v7.sqlite"
    with sqlite3.connect(path) as db:
        for _version, sql in schema_sections()[:7]:
            db.executescript(sql)
        db.execute("PRAGMA user_version = 7")
        db.execute("ATTACH DATABASE ? AS new", (str(store.path),))
        for (table,) in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'").fetchall():
            old = [c[1] for c in db.execute(f"PRAGMA main.table_info({table})")]
            columns = ", ".join(old)
            db.execute(f"DELETE FROM main.{table}")
            db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM new.{table}")
        db.commit()
        db.execute("DETACH DATABASE new")
        assert "type_corrected" not in {c[1] for c in db.execute("PRAGMA table_info(event)")}
    with Store(path) as again:
        assert again.version == SCHEMA_VERSION
        assert sorted((r.id, r.event_type, r.fatalities, r.cluster_id, r.reports)
                      for r in again.event_records()) == want
        assert derived_match(again) and again._query("SELECT count(*) FROM cluster_correction") == [(0,)]
        record = again.event_records()[0]
        again.correct_type(record.article_id, record.sent_start, PROTESTS)
        assert records_of(again, record.article_id, record.sent_start)[0].event_type == PROTESTS
    assert check_store(path).ok


def test_a_version_10_store_gets_each_events_cluster_and_outlet(store, tmp_path):
    """The migration (versions 10 to 13): every event gets the event across articles it is in now (splits and
    merges applied) and its article's outlet; later corrections, re-reads and new articles keep them in step."""
    reports = [r for r in store.event_records() if r.cluster_id is not None]
    split = next((r.article_id, r.sent_start) for r in reports if r.reports > 1)
    store.split_report(*split)
    path = tmp_path / "v10.sqlite"
    older_store(store, 10, path)
    with sqlite3.connect(path) as db:
        assert "cluster" not in {c[1] for c in db.execute("PRAGMA table_info(event)")}
    want = {(r.id, r.cluster_id) for r in store.event_records(EventFilter(every_mention=True))}
    with Store(path) as again:
        assert again.version == SCHEMA_VERSION
        assert again._query("SELECT count(*) FROM event WHERE cluster IS NULL OR outlet IS NULL") == [(0,)]
        assert copies_out_of_step(again) == [] and derived_match(again)
        assert set(again._query("SELECT id, cluster FROM event")) == want
        assert again.place_counts() == store.place_counts()
        assert again.undo_cluster(*split) and copies_out_of_step(again) == []
        assert again._query("SELECT count(*) FROM corrected_cluster") == [(0,)]
    assert check_store(path).ok


# -- the list of event corrections ------------------------------------------------------------------------
def test_the_event_corrections_that_count_are_listed_newest_first(store):
    from dashboard.events import parse_timex

    record = next(r for r in store.event_records() if r.mention is not None)
    key = (record.article_id, record.sent_start)
    assert store.event_fixes() == [] and store.count_event_fixes() == 0
    store.correct_role(record.article_id, *record.mention, "associative", author="ana")
    store.correct_role(record.article_id, *record.mention, "literal", author="ana")  # the latest counts
    store.correct_date(*key, parse_timex("2022-09-13"), author="ben")
    store.correct_type(*key, "Battles", "Armed clash", author="ben")
    store.correct_deaths(*key, 2, 4, author="ben")
    store.correct_deaths(*key, 3, author="ben")
    a, b = two_events(store)
    store.merge_events(*a[0], *b[0], author="cy")
    store.split_report(*a[1], author="cy")
    fixes = store.event_fixes()
    assert store.count_event_fixes() == len(fixes) == 6
    # newest first (corrections are stamped to the second: these share one or two)
    assert [f.created_at for f in fixes] == sorted((f.created_at for f in fixes), reverse=True)
    by_kind = {f.kind: f for f in fixes}
    assert set(by_kind) == {"split", "merge", "deaths", "type", "date", "role"}
    split, merge, deaths, kind, date, role = (by_kind[k] for k in ("split", "merge", "deaths", "type", "date", "role"))
    text = store._query("SELECT text FROM mention WHERE article = ? AND start = ?", (record.article_id,
                                                                                     record.mention[0]))[0][0]
    assert (role.value, role.author, role.mention, (role.start, role.end)) == ("literal", "ana", text, record.mention)
    assert role.sent_start == record.sent_start and role.title == record.title
    assert (date.value, date.detail) == ("2022-09-13", "day")
    assert (kind.value, kind.detail) == ("Battles", "Armed clash")
    assert (deaths.value, deaths.detail) == (3, None)
    assert (merge.article_id, merge.sent_start, merge.value, merge.detail) == (*a[0], *b[0])
    assert (split.article_id, split.sent_start) == a[1] and split.sentence
    assert len(store.event_fixes(limit=2)) == 2
    # an undone correction is history, not listed; the one before it counts again
    store.undo_deaths(*key)
    deaths_now = [f for f in store.event_fixes() if f.kind == "deaths"]
    assert [(f.value, f.detail) for f in deaths_now] == [(2, 4)]
    store.undo_deaths(*key)
    store.undo_cluster(*a[1])
    assert sorted(f.kind for f in store.event_fixes()) == ["date", "merge", "role", "type"]
