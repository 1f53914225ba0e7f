"""Events in the store (schema version 4): each mention's role, each sentence's own date with its
precision and period; the filters on roles and periods; corrections of a role and of a date, undoable;
an older store upgraded; the schema's snapshot."""
from __future__ import annotations

import datetime
import sqlite3

import pytest

from dashboard.events import ASSOCIATIVE, LITERAL, EventDate, Role
from dashboard.store import SCHEMA_VERSION, EventFilter, Store, schema_sections
from dashboard.store.schema import SNAPSHOT_PATH, replayed
from dashboard.store.writes import DERIVED
from tests.fixtures import ARMENIA, GORIS, KAPAN, add, find_mentions, make_article

PLACES = {"Goris": GORIS, "Kapan": KAPAN, "Armenia": ARMENIA}
# Published 16 Nov 2021; the shelling happened "on Sunday" (14 Nov), Armenia is named only as an actor.
TEXT = ("Shelling near Goris", "November 16, 2021",
        "Troops shelled Goris on Sunday. Armenia accused the other side.\n\nKapan was quiet last week.")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "atlas.sqlite") as s:
        yield s


@pytest.fixture
def read(store):
    """The article stored with the real role and date readers."""
    article = make_article(*TEXT)
    from dashboard.events import read_events

    mentions = find_mentions(article, PLACES)
    reading = read_events(article, mentions)
    assert store.add_article(article, mentions, reading.events, roles=reading.roles, parser="test")
    return article


def names(store: Store, flt: EventFilter | None = None) -> dict[str, int]:
    return {p.name: p.events for p in store.place_counts(flt or EventFilter())}


def derived_match(store: Store) -> bool:
    return (store._query(f"SELECT {DERIVED} FROM event EXCEPT SELECT {DERIVED} FROM effective_event") == []
            and store._query(f"SELECT {DERIVED} FROM effective_event EXCEPT SELECT {DERIVED} FROM event") == [])


def test_roles_and_own_dates_are_stored(store, read):
    title, goris = sorted(store.events(GORIS.id), key=lambda e: e.sent_start)
    assert (title.date_value, title.date_source) == ("2021-11-16", "published")
    assert (goris.date, goris.date_last, goris.date_value, goris.date_precision, goris.date_source) == (
        datetime.date(2021, 11, 14), datetime.date(2021, 11, 14), "2021-11-14", "day", "text")
    assert goris.role == LITERAL and goris.places == ("Goris",)
    (kapan,) = store.events(KAPAN.id)
    assert (kapan.date_value, kapan.date_precision, kapan.date, kapan.date_last) == (
        "2021-W45", "week", datetime.date(2021, 11, 8), datetime.date(2021, 11, 14))
    stored = store.article(read.id)
    roles = {m.text: (m.role, m.filed_from) for m in stored.mentions}
    assert roles["Armenia"] == (ASSOCIATIVE, False) and roles["Goris"] == (LITERAL, False)
    assert derived_match(store)


def test_the_default_filter_keeps_where_things_happened(store, read):
    assert names(store) == {"Goris": 2, "Kapan": 1}  # the title and "on Sunday"; Armenia only accused
    assert names(store, EventFilter(every_mention=True)) == {"Goris": 2, "Kapan": 1, "Armenia": 1}
    assert EventFilter(every_mention=True).to_params() == {"mentions": "all"}
    assert EventFilter.from_params({"mentions": "all"}).every_mention
    assert not EventFilter.from_params({"mentions": "nonsense"}).every_mention
    records = store.event_records(EventFilter(every_mention=True))
    armenia = next(r for r in records if r.place == "Armenia")
    assert armenia.role == ASSOCIATIVE and armenia.actors == ("Armenia",)
    goris = next(r for r in records if r.place == "Goris" and "Sunday" in r.sentence)
    assert goris.actors == ()


def test_a_coarse_date_is_kept_when_its_period_overlaps_the_range(store, read):
    # "last week" is 8-14 Nov 2021: a range of 10-12 Nov keeps it, a range from 15 Nov does not
    inside = EventFilter(datetime.date(2021, 11, 10), datetime.date(2021, 11, 12), undated=False)
    assert names(store, inside) == {"Kapan": 1}
    after = EventFilter(datetime.date(2021, 11, 15), undated=False)
    assert names(store, after) == {"Goris": 1}  # the title, dated by the publication
    assert store.periods(EventFilter(places=(KAPAN.id,))) == [
        (datetime.date(2021, 11, 8), datetime.date(2021, 11, 14), "week", 1)]
    rng = store.date_range()
    assert (rng.first, rng.last) == (datetime.date(2021, 11, 8), datetime.date(2021, 11, 16))


def test_a_role_correction_moves_the_event_and_undo_restores_it(store, read):
    start = read.text.index("Armenia")
    store.correct_role(read.id, start, start + len("Armenia"), LITERAL, author="analyst")
    assert names(store)["Armenia"] == 1 and derived_match(store)
    assert store.mention(read.id, start, start + 7).role_corrected
    goris = read.text.index("Goris", read.text.index("Troops"))
    store.correct_role(read.id, goris, goris + 5, ASSOCIATIVE)  # "not where it happened"
    assert names(store)["Goris"] == 1
    assert store.undo_role(read.id, goris, goris + 5) and store.undo_role(read.id, start, start + 7)
    assert names(store) == {"Goris": 2, "Kapan": 1} and derived_match(store)
    assert not store.undo_role(read.id, start, start + 7)
    with pytest.raises(Exception, match="literal"):
        store.correct_role(read.id, start, start + 7, "maybe")


def test_a_date_correction_redates_the_sentence_and_undo_restores_it(store, read):
    (kapan,) = store.events(KAPAN.id)
    store.correct_date(read.id, kapan.sent_start, EventDate("2021-10", "month", "user"), author="analyst")
    (kapan,) = store.events(KAPAN.id)
    assert (kapan.date_value, kapan.date_precision, kapan.date_source, kapan.date, kapan.date_last) == (
        "2021-10", "month", "user", datetime.date(2021, 10, 1), datetime.date(2021, 10, 31))
    assert derived_match(store)
    store.correct_date(read.id, kapan.sent_start, None)  # "no date can be known"
    assert store.events(KAPAN.id)[0].date is None
    assert store.undo_date(read.id, kapan.sent_start) and store.undo_date(read.id, kapan.sent_start)
    assert store.events(KAPAN.id)[0].date_value == "2021-W45" and derived_match(store)


def test_a_version_3_store_is_upgraded_to_literal_unread_roles(tmp_path):
    path = tmp_path / "v3.sqlite"
    with sqlite3.connect(path) as db:
        for _version, sql in schema_sections()[:3]:
            db.executescript(sql)
        db.execute("PRAGMA user_version = 3")
        db.execute("INSERT INTO article VALUES ('0123456789abcdef', 'a.txt', 't', 0, 1, '2022-09-13', NULL, 'utf-8', "
                   "'[[0, 20]]', '[]', 'Shelling hit Goris.', 'old', '2022-09-13T00:00:00+00:00')")
        db.execute("INSERT INTO place VALUES (174895, 'Goris', 39.5, 46.3, 'AM', 'P', 'PPLA2', 'town', 0, '08', 'x')")
        db.execute("INSERT INTO mention (id, article, start, end, text, place, confidence, sent_start, sent_end, date, "
                   "date_source, date_precision) VALUES (1, '0123456789abcdef', 13, 18, 'Goris', 174895, 0.9, 0, "
                   "19, '2022-09-13', 'published', 'day')")
        db.execute("INSERT INTO event (article, mention, mention_start, mention_end, sent_start, sent_end, place, "
                   "date, date_source, date_precision, confidence, corrected) VALUES ('0123456789abcdef', 1, 13, "
                   "18, 0, 19, 174895, '2022-09-13', 'published', 'day', 0.9, 0)")
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        (event,) = store.events(GORIS.id)
        assert (event.date, event.date_last, event.date_value, event.role) == (
            datetime.date(2022, 9, 13), datetime.date(2022, 9, 13), "2022-09-13", LITERAL)
        assert event.sentence == "Shelling hit Goris."  # version 5 stored the sentence's text
        assert store.mention("0123456789abcdef", 13, 18).role_confidence == 0.0  # not read for its role
        assert store._query("PRAGMA foreign_key_check") == [] and derived_match(store)


def test_explicit_roles_are_checked(store):
    article = make_article(*TEXT)
    mentions = find_mentions(article, PLACES)
    with pytest.raises(Exception, match="roles for"):
        add(store, article, PLACES, roles=[Role(LITERAL, 1.0)])
    assert store.is_empty() and len(mentions) > 1


def test_the_schema_snapshot_is_what_the_steps_make():
    assert SNAPSHOT_PATH.read_text(encoding="utf-8") == replayed(), (
        "dashboard/store/schema_current.sql is stale: run `python -m dashboard.store.schema`")


# -- one event, many reports: distinct events, sources, the type and sources filters (issue 10, item 5) --
CLASH = ("Azerbaijani artillery shelled Goris overnight, killing three soldiers, the defence ministry said on "
         "Tuesday in a statement. Residents of the town said the shelling lasted for several hours before dawn. "
         "Kapan was calm.")
AGENCY = ("Clash at Goris", "September 13, 2022", CLASH, "https://www.agency.com/a")
OTHER = ("Goris shelled", "September 13, 2022", "Artillery shelled Goris overnight and killed three soldiers, the "
         "defence ministry of Armenia said.", "https://news.other.am/b")
COPY = ("Three soldiers killed at Goris", "September 13, 2022", CLASH + " Subscribe for more.",
        "https://www.reprint.org/c")


@pytest.fixture
def reports(store):
    """One clash at Goris reported by two outlets, and the agency's text republished by a third."""
    for spec in (AGENCY, OTHER, COPY):
        assert add(store, make_article(*spec), PLACES)
    return store


def test_places_count_distinct_events_and_sources(reports):
    goris = next(p for p in reports.place_counts() if p.name == "Goris")
    (clash,) = {e.cluster_id for e in reports.events(GORIS.id) if e.fatalities == 3}
    assert goris.reports > goris.events  # the clash's reports count once
    assert goris.events == len({e.cluster_id for e in reports.events(GORIS.id)})
    assert (goris.articles, goris.sources) == (3, 2)  # the copy is one more article, not one more source
    assert reports.place(GORIS.id).events == goris.events
    assert reports.count_distinct_events(GORIS.id) == goris.events < reports.count_events(GORIS.id)
    rows = [e for e in reports.events(GORIS.id) if e.cluster_id == clash]
    assert {(e.reports, e.sources) for e in rows} == {(3, 2)}
    # the copy is shown once, as its original (its event of the same clash is not a row of its own) ...
    assert not [e for e in rows if e.copy_of] and len(rows) == 2
    original = next(e for e in rows if e.copies)
    assert original.copies == (("https://www.reprint.org/c", "Three soldiers killed at Goris.txt"),)
    copy_id = reports.copies(original.article_id)[0]
    # ... unless asked for by its article
    assert {e.copy_of for e in reports.events(GORIS.id, EventFilter(article=copy_id)) if e.cluster_id == clash} \
        == {original.article_id}
    # a popup quotes each event once: the clash by its first report
    ids = [eid for place, eid in reports.sample_ids(per_place=10) if place == GORIS.id]
    assert len(ids) == goris.events
    # only the places asked for (the busiest: the others' popups point to the panel), with the same sentences
    assert reports.sample_ids(per_place=10, places=[GORIS.id]) == [(GORIS.id, eid) for eid in ids]
    assert reports.sample_ids(per_place=10, places=[]) == []


def test_a_wire_copy_is_shown_once_as_its_original(store):
    """The agency's article and its reprint: one article's events on the map, in the table and the exports
    (the reprint is one more article of them); a correction of the original's place moves what the map
    shows, with no marker left behind by the copy (QA: the copy's rows kept the old place on the map)."""
    from dashboard.export import record

    for spec in (AGENCY, COPY):
        assert add(store, make_article(*spec), PLACES)
    agency, reprint = (r[0] for r in store._query("SELECT article FROM article_copy ORDER BY seq"))
    assert store.copy_of(reprint) == agency
    rows = store.event_records()
    assert {r.article_id for r in rows} == {agency} and len(rows) == store.count_events(None)
    assert len({(r.sent_start, r.place_id) for r in rows}) == len(rows)  # no row twice
    goris = next(p for p in store.place_counts() if p.name == "Goris")
    assert (goris.articles, goris.sources) == (2, 1)
    # each sentence of the body is reported by both, however short ("Kapan was calm."); the titles differ
    assert {record(r)["reports"] for r in rows if r.sent_start > 0} == {2}
    # every Goris mention of the original is corrected to Kapan: Goris has no marker any more
    first = make_article(*AGENCY).text.index("Goris")
    for start, end in store.same_name_mentions(agency, first, first + len("Goris")):
        store.correct(agency, start, end, KAPAN)
    assert "Goris" not in {p.name for p in store.place_counts()}
    assert {r.article_id for r in store.event_records()} == {agency}


def test_the_type_and_sources_filters_run_in_sql(reports):
    two = {p.name: p.events for p in reports.place_counts(EventFilter(min_sources=2))}
    assert two == {"Goris": 1, "Armenia": 1}  # the clash (at Goris; Armenia's ministry, every mention literal)
    assert reports.place_counts(EventFilter(min_sources=3)) == []
    battles = EventFilter(event_types=("Battles",))
    types = {e.event_type for r in reports.place_counts(battles) for e in reports.events(r.id, battles)}
    assert types == {"Battles"}
    explosions = EventFilter(event_types=("Explosions/Remote violence",), min_sources=2)
    assert {e.fatalities for e in reports.events(GORIS.id, explosions)} == {3}
    assert reports.count_events(None, EventFilter(event_types=("Riots",))) == 0
    where, params = EventFilter(event_types=("Battles", "Riots"), min_sources=2).where()
    assert "event_type IN (?, ?)" in where and params[-3:] == ["Battles", "Riots", 2]


def test_periods_by_type(reports):
    typed = reports.periods(EventFilter(), by_type=True)
    assert sum(p.events for p in typed) == sum(p.events for p in reports.periods(EventFilter()))
    assert {p.event_type for p in typed} >= {"Explosions/Remote violence"}


def test_popup_samples_are_distinct_events_even_when_one_is_reported_again_and_again(store, monkeypatch):
    from dashboard.store import reads

    clash = ("Artillery shelled Goris overnight, killing three soldiers, the defence ministry said on Tuesday in a "
             "statement to reporters.")
    for title, url, more in (("Night of shelling", "https://a.com/1", "The village school was closed for the week "
                              "and parents kept their children at home while engineers checked the roof."),
                             ("Soldiers killed", "https://b.com/2", "Relatives gathered outside the hospital in the "
                              "morning, and the regional governor promised to pay for the funerals."),
                             ("Deadly night", "https://c.com/3", "Farmers said they could not reach their fields "
                              "because unexploded shells lay along the only road into the valley.")):
        # (the same sentence and one of each outlet's own: three reports, no wire copies)
        assert add(store, make_article(title, "September 13, 2022", f"{clash} {more}", url), PLACES)
    assert add(store, make_article("Earlier", "May 3, 2021", "Protesters marched through Goris.", None), PLACES)
    events = store.events(GORIS.id)
    assert len({e.cluster_id for e in events[:3]}) == 1 and len({e.cluster_id for e in events}) == 2
    calls = []
    run = store._query
    monkeypatch.setattr(store, "_query", lambda sql, params=(): (calls.append(sql), run(sql, params))[1])
    want = [(GORIS.id, events[0].id), (GORIS.id, events[3].id)]
    assert store.sample_ids(per_place=2) == want and len(calls) == 1
    monkeypatch.setattr(reads, "SAMPLE_READ", 1)  # the first reports read are all of one event: read it again
    assert store.sample_ids(per_place=2) == want and len(calls) == 3
