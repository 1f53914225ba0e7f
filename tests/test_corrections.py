"""Corrections of a mention's place: a runner-up, a place found in the gazetteer, "not a place"; undo;
history; kept apart from machine output and across a re-ingest; seen by every reader (place counts,
events, samples, the article's marks, the table's records)."""
from __future__ import annotations

import datetime
import sqlite3

import pytest

from dashboard import store as store_mod
from dashboard.errors import StoreError
from dashboard.store import EventFilter, Store, writes
from gazetteer.place import Place
from tests.fixtures import A2021, A2022, GORI, GORIS, KAPAN, PLACES, UNDATED, add, find_mentions, make_article

YEREVAN = Place(616052, "Yerevan", 40.1811, 44.5136, "AM", "P", "PPLC", 1093485, "11")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "atlas.sqlite") as s:
        yield s


@pytest.fixture
def filled(store):
    for spec in (A2021, A2022, UNDATED):
        assert add(store, make_article(*spec), PLACES)
    return store


def counts(store: Store, flt: EventFilter | None = None) -> dict[str, int]:
    """Events per place name; first checks that the stored events are those the mentions and
    corrections define (every test reading counts checks it after each write)."""
    assert derived_events_match(store)
    return {p.name: p.events for p in store.place_counts(flt or EventFilter())}


def goris_2022(store: Store) -> tuple[str, int, int]:
    """The mention of Goris in "Shelling hit Kapan and Goris." (the 2022 article)."""
    article = make_article(*A2022)
    start = article.text.index("Goris")
    return article.id, start, start + len("Goris")


def machine_rows(store: Store) -> list[tuple]:
    return store._query("SELECT article, start, end, place, confidence FROM mention ORDER BY article, start")


def test_choosing_a_runner_up_moves_the_event(filled):
    before, machine = counts(filled), machine_rows(filled)
    aid, start, end = goris_2022(filled)
    assert filled.candidates(aid, start, end) == [(GORI.id, "Gori", 0.1)]
    filled.correct(aid, start, end, GORI.id, author="analyst")
    after = counts(filled)
    assert after == {**before, "Goris": before["Goris"] - 1, "Gori": 1}
    (event,) = filled.events(GORI.id)
    assert event.sentence == "Shelling hit Kapan and Goris." and event.corrected
    assert event.sentence[slice(*event.highlights[0])] == "Goris"
    assert event.date == datetime.date(2022, 9, 13) and event.article_id == aid
    assert [e.sentence for e in filled.samples()[GORI.id]] == ["Shelling hit Kapan and Goris."]
    assert all(e.article_id != aid for e in filled.events(GORIS.id))
    mention = filled.mention(aid, start, end)
    assert (mention.place_id, mention.place_name, mention.corrected, mention.confidence) == (GORI.id, "Gori", True, 1.0)
    assert (mention.machine_place_id, mention.machine_place_name) == (GORIS.id, "Goris")
    marks = {(m.text, m.place_name, m.corrected) for m in filled.article(aid).mentions}
    assert ("Goris", "Gori", True) in marks and ("Kapan", "Kapan", False) in marks
    (record,) = filled.event_records(EventFilter(places=(GORI.id,)))
    assert (record.place, record.country, record.corrected, record.confidence) == ("Gori", "GE", True, 1.0)
    assert record.mention_text == "Goris"
    # machine output is untouched
    assert machine_rows(filled) == machine
    assert filled.counts()["places"] == 4 and filled.extent()[1][0] == GORI.lat


def test_choosing_a_place_found_in_the_gazetteer_copies_it_into_the_store(filled):
    aid, start, end = goris_2022(filled)
    assert filled.stored_place(YEREVAN.id) is None
    filled.correct(aid, start, end, YEREVAN)
    assert filled.stored_place(YEREVAN.id) == ("Yerevan", "town", "AM")
    assert counts(filled)["Yerevan"] == 1
    assert filled.place(YEREVAN.id).events == 1


def test_not_a_place_removes_the_mentions_events(filled):
    before = filled.counts()
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, None)
    assert counts(filled)["Goris"] == 2
    assert filled.counts()["events"] == before["events"] - 1
    assert filled.count_events(None) == before["events"] - 1
    mention = filled.mention(aid, start, end)
    assert (mention.place_id, mention.place_name, mention.corrected) == (None, "not a place", True)
    assert not [r for r in filled.event_records() if r.article_id == aid and r.mention_text == "Goris"]
    (current,) = filled.corrections()
    assert (current.place_id, current.place_name, current.machine_place_name, current.text) == (
        None, None, "Goris", "Goris")


def test_undo_restores_the_state_before(filled):
    original = counts(filled)
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, GORI.id)
    after_first = counts(filled)
    filled.correct(aid, start, end, None)
    assert [c.place_id for c in filled.correction_history(aid, start, end)] == [GORI.id, None]
    assert len(filled.corrections()) == 1 and filled.count_corrections() == 1
    generation = filled.generation()
    assert filled.undo_correction(aid, start, end)
    assert filled.generation() > generation  # caches see it
    assert counts(filled) == after_first
    assert filled.undo_correction(aid, start, end)
    assert counts(filled) == original
    assert not filled.mention(aid, start, end).corrected
    assert filled.undo_correction(aid, start, end) is False
    assert filled.corrections() == [] and filled.count_corrections() == 0


def test_a_correction_to_a_place_the_sentence_names_already_adds_no_second_event(filled):
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, KAPAN.id)
    kapan = filled.events(KAPAN.id)
    sentences = [e.sentence for e in kapan if e.article_id == aid]
    assert sentences.count("Shelling hit Kapan and Goris.") == 1
    (event,) = [e for e in kapan if e.sentence == "Shelling hit Kapan and Goris."]
    # both mentions are highlighted as Kapan now
    assert [event.sentence[a:b] for a, b in event.highlights] == ["Kapan", "Goris"]


def test_correcting_one_of_two_mentions_in_a_sentence_keeps_the_other(store):
    article = make_article("Goris twice", "September 13, 2022", "Shelling hit Goris, and Goris again.")
    assert add(store, article, PLACES)
    first = article.text.index("Goris,")
    second = article.text.index("Goris again")
    store.correct(article.id, second, second + 5, GORI.id)  # a mention that has no stored event of its own
    assert counts(store) == {"Goris": 2, "Gori": 1}
    store.correct(article.id, first, first + 5, None)
    assert counts(store) == {"Goris": 1, "Gori": 1}  # "Goris twice", the title, is still Goris
    store.undo_correction(article.id, first, first + 5)
    store.undo_correction(article.id, second, second + 5)
    assert counts(store) == {"Goris": 2}


def test_corrections_survive_ingesting_the_article_again(filled):
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, GORI.id)
    article = make_article(*A2022)
    assert add(filled, article, PLACES) is False  # already stored: nothing changes
    assert counts(filled)["Gori"] == 1
    # a re-parse rebuilds the article's mention and event rows (new ids): the correction still applies
    old_ids = {r[0] for r in filled._query("SELECT id FROM mention WHERE article = ?", (aid,))}
    mentions = find_mentions(article, PLACES)
    from dashboard.events import extract_events

    assert filled.add_article(article, mentions, extract_events(article, mentions), parser="v2", replace=True)
    new_ids = {r[0] for r in filled._query("SELECT id FROM mention WHERE article = ?", (aid,))}
    assert old_ids and not old_ids & new_ids
    assert counts(filled)["Gori"] == 1 and filled.mention(aid, start, end).place_id == GORI.id
    assert filled.counts()["articles"] == 3
    filled.undo_correction(aid, start, end)
    assert "Gori" not in counts(filled)


def test_filters_see_corrections(filled):
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, GORI.id)
    assert counts(filled, EventFilter(country=("GE",))) == {"Gori": 1}
    assert counts(filled, EventFilter(min_confidence=0.95)) == {"Gori": 1}  # a corrected place counts as sure
    assert counts(filled, EventFilter(min_confidence=0.9))["Goris"] == 2
    assert counts(filled, EventFilter(text="Kapan and Goris")) == {"Kapan": 1, "Gori": 1}
    assert filled.timeline(EventFilter(places=(GORI.id,))) == [(datetime.date(2022, 9, 13), 1)]


def test_bad_corrections_are_refused(filled):
    aid, start, end = goris_2022(filled)
    with pytest.raises(StoreError, match="no place mention"):
        filled.correct(aid, start, end + 1, GORI.id)
    with pytest.raises(StoreError, match="not in the store"):
        filled.correct(aid, start, end, 123456789)
    assert filled.corrections() == []


def older_store(current: Store, version: int, path) -> None:
    """At ``path``, a store of schema ``version`` (built from schema.sql's own sections, as an older News
    Atlas left it) holding ``current``'s rows, as far as that version has their columns."""
    with sqlite3.connect(path) as db:
        for _version, sql in store_mod.schema_sections()[:version]:
            db.executescript(sql)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("ATTACH DATABASE ? AS new", (str(current.path),))
        tables = [t for (t,) in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")]
        for table in tables:
            old = [c[1] for c in db.execute(f"PRAGMA main.table_info({table})")]
            new = {c[1] for c in db.execute(f"PRAGMA new.table_info({table})")}
            columns = ", ".join(c for c in old if c in new)
            db.execute(f"DELETE FROM main.{table}")
            db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM new.{table}")
        db.commit()
        db.execute("DETACH DATABASE new")


def derived_events_match(store: Store) -> bool:
    """The event table holds exactly the events effective_event defines."""
    columns = writes.DERIVED
    return (store._query(f"SELECT {columns} FROM event EXCEPT SELECT {columns} FROM effective_event") == []
            and store._query(f"SELECT {columns} FROM effective_event EXCEPT SELECT {columns} FROM event") == [])


def test_a_version_1_store_is_upgraded_with_every_event(filled, tmp_path):
    """Upgrading from version 1: mention.sent_start/sent_end are taken from the events, and the events
    (version 3: materialised, with their mention's span and confidence) are those of the mentions."""
    want = filled._query("SELECT id, sent_start, sent_end, date FROM mention ORDER BY id")
    assert all(s is not None for _, s, _, _ in want)
    path = tmp_path / "v1.sqlite"
    older_store(filled, 1, path)
    with Store(path) as again:
        assert again.version == store_mod.SCHEMA_VERSION
        assert again._query("SELECT id, sent_start, sent_end, date FROM mention ORDER BY id") == want
        assert counts(again) == {"Goris": 3, "Kapan": 3, "Armenia": 2}
        assert again.date_range() == filled.date_range()
        assert derived_events_match(again)


def test_a_version_2_store_keeps_its_corrections_when_upgraded(filled, tmp_path):
    aid, start, end = goris_2022(filled)
    filled.correct(aid, start, end, GORI.id)
    path = tmp_path / "v2.sqlite"
    older_store(filled, 2, path)
    with Store(path) as again:
        assert again.version == store_mod.SCHEMA_VERSION
        assert counts(again) == counts(filled) and counts(again)["Gori"] == 1
        assert again.timeline(EventFilter(places=(GORI.id,))) == [(datetime.date(2022, 9, 13), 1)]
        assert derived_events_match(again)
        assert again.undo_correction(aid, start, end)
        assert "Gori" not in counts(again)
        assert again.timeline(EventFilter(places=(GORIS.id,)))[-1] == (datetime.date(2022, 9, 13), 1)
        assert derived_events_match(again)


# -- every mention of a name in the article, as one correction ------------------------------------------------
TWICE = ("Goris shelled", "September 13, 2022",
         "Shelling hit Goris overnight. Kapan was quiet. GORIS residents fled. Troops left Goris by noon.")


def spans_of(article, name: str) -> list[tuple[int, int]]:
    out, at = [], article.text.find(name)
    while at >= 0:
        out.append((at, at + len(name)))
        at = article.text.find(name, at + 1)
    return out


@pytest.fixture
def twice(store):
    """An article naming Goris four times (title, twice in the body, once as GORIS), and a second article."""
    article = make_article(*TWICE)
    assert add(store, article, {**PLACES, "GORIS": GORIS})
    assert add(store, make_article(*A2021), PLACES)
    return article


def places_of(store: Store, article_id: str) -> dict[tuple[int, int], int | None]:
    return {(m.start, m.end): m.place_id for m in store.article(article_id).mentions}


def test_a_correction_of_every_mention_moves_each_mention_of_the_name_and_no_other(store, twice):
    goris = sorted(spans_of(twice, "Goris") + spans_of(twice, "GORIS"))
    assert len(goris) == 4
    assert store.same_name_mentions(twice.id, *goris[2]) == goris  # one name: "GORIS" is "Goris"
    before = places_of(store, twice.id)
    other = make_article(*A2021)
    elsewhere = places_of(store, other.id)
    ids = store.correct_every_mention(twice.id, *goris[1], GORI.id, author="analyst")
    assert len(ids) == 4 and ids == sorted(ids)
    after = places_of(store, twice.id)
    assert {span: after[span] for span in goris} == dict.fromkeys(goris, GORI.id)
    assert {s: p for s, p in after.items() if s not in goris} == {s: p for s, p in before.items() if s not in goris}
    assert places_of(store, other.id) == elsewhere  # another article's Goris is left as it was
    assert counts(store) == {"Gori": 4, "Goris": 2, "Kapan": 1, "Armenia": 1}  # the other article's Goris stays
    assert sorted(e.sentence for e in store.events(GORI.id)) == [
        "GORIS residents fled.", "Goris shelled", "Shelling hit Goris overnight.", "Troops left Goris by noon."]
    # the group, from any of its mentions; and in the corrections that count
    group = store.correction_group(twice.id, *goris[3])
    assert [(c.start, c.end) for c in group] == goris and {c.place_id for c in group} == {GORI.id}
    assert store.count_corrections() == 4 and len(store.corrections()) == 4


def test_undoing_any_mention_of_a_group_undoes_the_group_and_earlier_corrections_count_again(store, twice):
    goris = sorted(spans_of(twice, "Goris") + spans_of(twice, "GORIS"))
    original = places_of(store, twice.id)
    store.correct(twice.id, *goris[0], None)  # the title first, on its own
    store.correct_every_mention(twice.id, *goris[2], GORI.id)
    assert all(places_of(store, twice.id)[s] == GORI.id for s in goris)
    assert store.undo_correction(twice.id, *goris[3])  # the last mention's Undo
    now = places_of(store, twice.id)
    assert now[goris[0]] is None  # the title's own correction counts again
    assert {s: now[s] for s in goris[1:]} == {s: original[s] for s in goris[1:]}
    assert store.correction_group(twice.id, *goris[1]) == []
    assert store.undo_correction(twice.id, *goris[0]) and places_of(store, twice.id) == original
    assert store.undo_correction(twice.id, *goris[2]) is False
    assert counts(store) == {"Goris": 6, "Kapan": 1, "Armenia": 1}


def test_a_single_correction_right_after_another_is_its_own_group(store, twice):
    """Two corrections made one after the other (the same second, the same place) are undone apart."""
    goris = sorted(spans_of(twice, "Goris") + spans_of(twice, "GORIS"))
    store.correct(twice.id, *goris[1], GORI.id)
    store.correct(twice.id, *goris[2], GORI.id)
    assert [(c.start, c.end) for c in store.correction_group(twice.id, *goris[2])] == [goris[2]]
    assert store.undo_correction(twice.id, *goris[2])
    assert places_of(store, twice.id)[goris[1]] == GORI.id and places_of(store, twice.id)[goris[2]] == GORIS.id


def test_a_correction_of_every_mention_is_refused_whole(store, twice):
    (start, end), *_ = spans_of(twice, "Goris")
    with pytest.raises(StoreError, match="no place mention"):
        store.correct_every_mention(twice.id, start, end + 1, GORI.id)
    with pytest.raises(StoreError, match="not in the store"):
        store.correct_every_mention(twice.id, start, end, 123456789)
    assert store.corrections() == [] and store.same_name_mentions(twice.id, start, end + 1) == []


# -- labels, choices and the corrections list (the page's, without the page) -------------------------------------
def test_labels_name_the_kind_the_first_level_division_and_the_country(gazetteer):
    from dashboard.page.correct import Labels

    labels = Labels(gazetteer, lambda place_id: ("Nowhere", "town", "AM") if place_id == -1 else None)
    kharkiv = {p.kind: p for p in gazetteer.lookup("Kharkiv")}
    assert labels(kharkiv["town"]) == "Kharkiv (city, Kharkiv, Ukraine)"
    assert labels(kharkiv["province"].id) == "Kharkiv (first-level division, Ukraine)"
    assert labels(GORIS.id) == "Goris (town, Syunik, Armenia)"
    assert labels(gazetteer.country("CH")) == "Switzerland (country)"
    assert labels(-1) == "Nowhere (town, Armenia)"  # only in the store
    assert labels(None) == "not a place" and labels(424242424242) == "place 424242424242"


def mention_of(place_id: int | None, machine: int | None = None):
    from dashboard.store import StoredMention

    return StoredMention(0, 6, "Geneva", place_id, "", "", None, 0.5, corrected=machine is not None,
                         machine_place_id=machine)


def test_runner_ups_list_each_place_once_with_the_most_prominent_namesakes(gazetteer):
    from dashboard.page.correct import NAMESAKES, NOT_A_PLACE, Labels, place_choices

    labels = Labels(gazetteer, lambda place_id: None)
    us = [p for p in gazetteer.lookup("Geneva") if p.country_code == "US"]
    ohio = [p for p in us if p.admin1 == "OH"]
    assert len(ohio) >= 2  # two towns called Geneva in Ohio: one label
    # what a user saw: the geoparser's runner-ups all American, Geneva in Switzerland missing
    runner_ups = [(p.id, p.name, 0.1) for p in (us[0], us[0], *ohio)]
    options = place_choices(labels, mention_of(us[1].id), [], runner_ups, gazetteer.lookup("Geneva")[:NAMESAKES])
    shown = [v.split(" · ")[0] for v in options.values()]
    assert len(shown) == len(set(shown))  # no label twice
    assert "Geneva (city, Geneva, Switzerland)" in shown and "Geneva (first-level division, Switzerland)" in shown
    assert labels(us[1]) not in shown  # the mention's own place is not offered
    assert shown.count(labels(ohio[0])) == 1 and f"c:{ohio[1].id}" not in options
    assert list(options)[:2] == [f"c:{us[0].id}", f"c:{ohio[0].id}"]  # runner-ups first, then namesakes
    assert list(options)[-1] == NOT_A_PLACE
    assert all(" · runner-up" in options[t] or " · another place of this name" in options[t]
               for t in options if t != NOT_A_PLACE)


def test_search_results_and_runner_ups_never_repeat_a_place(gazetteer):
    from dashboard.page.correct import SEARCH_RESULTS, Labels, distinct, place_choices

    labels = Labels(gazetteer, lambda place_id: None)
    found = distinct(labels, gazetteer.search("Geneva", limit=40), SEARCH_RESULTS)
    assert len(found) == SEARCH_RESULTS and len({labels(p) for p in found}) == SEARCH_RESULTS
    swiss = next(p for p in found if p.kind == "town" and p.country_code == "CH")
    machine = found[-1]
    options = place_choices(labels, mention_of(None, machine.id), found, [(swiss.id, "Geneva", 0.3)], found)
    ids = [int(t.split(":")[1]) for t in options]
    assert len(ids) == len(set(ids)) == SEARCH_RESULTS  # found once each; not a place: it is "not a place" now
    assert options[f"s:{swiss.id}"].startswith("Geneva (city, Geneva, Switzerland) · found in the gazetteer")


def test_the_corrections_list_shows_both_places_with_their_regions_and_one_line_a_group(store, twice, gazetteer):
    from dashboard.page.correct import Labels, correction_html, groups

    kharkiv = {p.kind: p for p in gazetteer.lookup("Kharkiv")}
    goris = sorted(spans_of(twice, "Goris") + spans_of(twice, "GORIS"))
    store.correct_every_mention(twice.id, *goris[0], kharkiv["province"])
    (kapan,) = spans_of(twice, "Kapan")
    store.correct(twice.id, *kapan, kharkiv["town"])
    labels = Labels(gazetteer, store.stored_place)
    lines = [correction_html(g, labels) for g in groups(store.corrections())]
    assert len(lines) == 2
    assert "“Kapan” in <i>Goris shelled</i>: Kapan (town, Syunik, Armenia) → <b>Kharkiv (city, Kharkiv, Ukraine)</b>" \
        in lines[0] and 'data-mentions="1"' in lines[0]
    assert "“Goris” (4 mentions) in <i>Goris shelled</i>: Goris (town, Syunik, Armenia) → " \
        "<b>Kharkiv (first-level division, Ukraine)</b>" in lines[1] and 'data-mentions="4"' in lines[1]
    assert " UTC" in lines[1]


def test_the_corrections_list_escapes_what_articles_say(gazetteer):
    from dashboard.page.correct import Labels, correction_html
    from dashboard.store import Correction

    hostile = Correction(7, "a1", 10, 38, "<img src=x onerror=alert(1)>", None, None, GORIS.id, "Goris",
                         "<script>alert(2)</script>", "<b>me</b>", "2022-09-13T08:00:00.000001+00:00")
    line = correction_html([hostile], Labels(gazetteer, lambda place_id: None))
    assert "<script>" not in line and "<img" not in line and "<b>me" not in line
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in line and "&lt;img src=x onerror=alert(1)&gt;" in line
    assert "Goris (town, Syunik, Armenia) → <b>not a place</b>" in line and "2022-09-13 08:00 UTC" in line
