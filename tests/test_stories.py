"""Wire copies, events across articles and stories (dashboard/events/stories.py): the seeds' gold
(tests/data/seeds_events.json: stories, same_events) and a corpus made here."""
from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings

from dashboard.events.stories import RULE, Report, query_buckets, same_event, stored_buckets, words
from dashboard.ingest import ingest_seeds, ingest_text
from dashboard.store import Store
from dashboard.store.schema import migrate, schema_sections

GOLD = json.loads((Path(__file__).parent / "data" / "seeds_events.json").read_text(encoding="utf-8"))

AGENCY = ("Armenian forces and Azerbaijani troops exchanged heavy artillery fire overnight near the border town "
          "of Goris, the defence ministry said on Tuesday, in the worst fighting since the ceasefire. "
          "Officials said 17 soldiers were killed and dozens wounded in the shelling, which began shortly "
          "after midnight and lasted for several hours along the frontier. "
          "Residents of Goris described explosions that shook windows across the town as families fled to "
          "basements. The ministry accused Baku of trying to seize strategic heights overlooking the road. "
          "Azerbaijan denied the accusation and said its units had responded to provocations.")


def _copy(outlet: str, title: str, extra: str, drop_last: bool = False) -> str:
    body = AGENCY.rsplit(" Azerbaijan denied", 1)[0] if drop_last else AGENCY
    return (f"{title}\n\nSeptember 13, 2022\n\n{body}\n\n{extra}\n\n"
            f"Original url: https://www.{outlet}/news/2022/09/13/goris\n")


@pytest.fixture(scope="module")
def gaz():
    from gazetteer import Gazetteer
    with Gazetteer.open() as g:
        yield g


def test_rule_is_one_place():
    assert 0 < RULE.copy_jaccard < 1 and 0 < RULE.min_similarity < 1 and RULE.min_shared >= 2


def test_seeds_gold_stories_and_same_events(tmp_path, gaz):
    with Store(tmp_path / "atlas.sqlite") as store:
        ingest_seeds(store, gaz)
        by_file = {Path(a.source).name: a.id for a in store.article_list()}
        found = sorted(sorted(Path(next(a.source for a in store.article_list() if a.id == i)).name for i in s)
                       for s in store.stories())
        assert found == sorted(sorted(s) for s in GOLD["stories"])
        rows = store._query("SELECT article, sent_start, sent_end, cluster FROM report")
        for pair in GOLD["same_events"]:
            clusters = []
            for r in pair:
                aid, (a, b) = by_file[r["file"]], r["span"]
                clusters.append(next(c for art, s, e, c in rows if art == aid and s <= a and b <= e))
            assert clusters[0] == clusters[1], pair
        # 001 has no publication date: its events shared with 002/003 take their dates from the story
        story_dated = store._query("SELECT count(*) FROM event WHERE article = ? AND date_source = 'story'",
                                   (by_file["001_a57fb74b45b72534.txt"],))[0][0]
        assert story_dated > 0
        records = store.event_records()
        assert all(r.cluster_id is not None and r.story_id is not None for r in records)
        assert max(r.reports for r in records) >= 2


def test_wire_copies_one_shown_three_copies(tmp_path, gaz):
    with Store(tmp_path / "atlas.sqlite") as store:
        first = ingest_text(store, gaz, _copy("agency.com", "Deadly shelling near Goris", "© Agency 2022."))
        copies = [ingest_text(store, gaz, _copy(o, t, x, drop)) for o, t, x, drop in [
            ("daily-news.am", "Goris shelled overnight", "Subscribe to our newsletter for more news.", False),
            ("caucasus-times.com", "17 soldiers killed in border fighting", "Read more: the 2020 war.", True),
            ("world-report.org", "Artillery duel on Armenian border", "Follow us on social media. "
             "Additional reporting by our correspondent in Yerevan, who spoke to residents.", False)]]
        assert store.copy_of(first.article_id) is None
        assert store.copies(first.article_id) == [c.article_id for c in copies]
        records = [r for r in store.event_records() if "artillery fire" in r.sentence and r.place == "Goris"]
        assert records and {r.reports for r in records} == {4} and {r.sources for r in records} == {1}
        assert len({r.cluster_id for r in records if r.place == "Goris"}) <= 1
        assert len(store.stories()) == 1


def test_neighbouring_clashes_same_day_stay_apart():
    a = Report(words("Two soldiers were killed in a clash with border guards near Goris on Tuesday."),
               "2022-09-13", "2022-09-13", "Battles", 2)
    b = Report(words("Villagers in Kapan said a shepherd was shot dead by troops in a separate incident."),
               "2022-09-13", "2022-09-13", "Battles", 1)
    assert not same_event(a, b)
    c = Report(words("Two soldiers died in a clash with border guards near Goris on Tuesday, officials said."),
               "2022-09-13", "2022-09-13", "Battles", 2)
    assert same_event(a, c)


def test_neighbouring_clashes_in_store_stay_two_events(tmp_path, gaz):
    one = ("Clash near Goris\n\nSeptember 13, 2022\n\nTwo Armenian soldiers were killed in a firefight with "
           "Azerbaijani troops near Goris early on Tuesday, the defence ministry said.\n\n"
           "Original url: https://one.example.com/a\n")
    two = ("Shepherd shot near Kapan\n\nSeptember 13, 2022\n\nA shepherd grazing sheep outside Kapan was shot "
           "dead by a sniper on Tuesday afternoon, villagers told reporters.\n\n"
           "Original url: https://two.example.org/b\n")
    with Store(tmp_path / "atlas.sqlite") as store:
        ingest_text(store, gaz, one)
        ingest_text(store, gaz, two)
        assert len(store.stories()) == 2
        assert len({c for (c,) in store._query("SELECT cluster FROM report")}) == \
            store._query("SELECT count(*) FROM report")[0][0]


def _periods():
    from hypothesis import strategies as st

    day = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31))
    span = st.sampled_from([0, 1, 6, 30, 31, 91, 92, 93, 200, 365, 800, 1100, 3652])
    return st.one_of(st.none(), st.tuples(day, span).map(lambda p: (p[0], p[0] + datetime.timedelta(days=p[1]))))


@given(_periods(), _periods())
@settings(max_examples=400, deadline=None)
def test_the_time_buckets_of_two_overlapping_periods_always_meet(a, b):
    """The candidates' lookup reads a new report's query buckets only: every stored report whose period
    overlaps (or is undated) must be under one of them, whatever the two periods' lengths."""
    first_a, last_a = (None, None) if a is None else (a[0].isoformat(), a[1].isoformat())
    first_b, last_b = (None, None) if b is None else (b[0].isoformat(), b[1].isoformat())
    wanted = query_buckets(first_b, last_b)
    if wanted is None:
        return  # every bucket is read
    overlap = a is None or (a[0] <= b[1] and b[0] <= a[1])
    if overlap:
        assert set(stored_buckets(first_a, last_a)) & set(wanted)
    assert len(wanted) <= 12 * RULE.bucket_years + RULE.bucket_years + 1


def test_older_stores_keys_are_rewritten_with_their_buckets(tmp_path):
    """Schema version 9 rewrites version 8's unbucketed report keys as the ingest writes them now."""
    path = tmp_path / "atlas.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    sections = schema_sections()
    migrate(db, path, [s for s in sections if s[0] <= 8])
    db.execute("INSERT INTO article (id, source, title, encoding, content, text, parser, ingested_at) VALUES "
               "('a', 'a.txt', 'A', 'utf-8', '[]', 'x', 'p', '2024-01-01')")
    periods = [(None, None), ("2022-09-13", "2022-09-13"), ("2022-09-25", "2022-10-05"), ("2022-01-01",
               "2022-12-31"), ("2020-01-01", "2029-12-31"), ("2021-12-15", "2022-03-20")]
    for i, (first, last) in enumerate(periods):
        db.execute("INSERT INTO report (id, article, sent_start, sent_end, date, date_last, words, current, "
                   "strong, cluster) VALUES (?, 'a', ?, ?, ?, ?, '', 0, 0, ?)", (i + 1, i, i + 1, first, last, i + 1))
        db.execute("INSERT INTO report_key VALUES ('p:1', ?, ?, ?)", (first, last, i + 1))
    migrate(db, path, [s for s in sections if s[0] <= 9])
    got = set(db.execute("SELECT key, report FROM report_key"))
    assert got == {(f"p:1@{b}", i + 1) for i, (first, last) in enumerate(periods) for b in stored_buckets(first, last)}
    assert ("p:1@2022-09", 2) in got and ("p:1@Y2022", 4) in got and ("p:1@*", 5) in got
