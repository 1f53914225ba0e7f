"""Wire copies, events across articles and stories (dashboard/events/stories.py): the seeds' gold
(tests/data/seeds_events.json: stories, same_events) and a corpus made here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.events.stories import RULE, Report, same_event, words
from dashboard.ingest import ingest_seeds, ingest_text
from dashboard.store import Store

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
