"""Deaths: counts in digits and words (text2num), ACLED's conventions for vague words and qualifiers, ranges
and several figures, people named by a role, the wounded left out, denials and hypotheticals; the deaths of
another event of the article going to its own sentence; and the seeds' gold death counts and event types
(tests/data/seeds_events.json) carried by the events of ``atlas parse`` (computed here, without the shared
scorer)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.cli import parse_record
from dashboard.events import read_events
from dashboard.events.deaths import read_deaths
from dashboard.reader import article_from_text, read_article
from tests.fixtures import GORIS, KAPAN, find_mentions

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "tests" / "data" / "seeds_events.json").read_text(encoding="utf-8"))

COUNTS = [
    # digits, qualifiers (ACLED: "at least N" = N, "more than N" = N)
    ("the clashes have killed at least 49 people", 49, None),
    ("49 Armenian soldiers died during the night, a figure that could be higher", 49, None),
    ("a six-week war that claimed more than 6,500 lives", 6500, None),
    ("The ensuing conflict claimed around 30,000 lives.", 30000, None),
    ("The latter ended with 6,500 dead and a ceasefire.", 6500, None),
    ("a war that caused more than 6,500 deaths", 6500, None),
    ("The death toll rose to 112 on Friday.", 112, None),
    ("The storm cost the lives of 12 fishermen.", 12, None),
    ("Officials said nearly 300 people were killed.", 300, None),
    ("The attack left 17 people dead.", 17, None),
    ("In 2020 the pandemic killed 6.5 million people.", 6_500_000, None),
    # number words
    ("Yerevan reports three dead.", 3, None),
    ("Forty-nine people died in the fire.", 49, None),
    ("Armenia accused Azerbaijan of killing one of its soldiers.", 1, None),
    ("Two hundred and fifty villagers were killed.", 250, None),
    ("Three soldiers lost their lives.", 3, None),
    ("A dozen people died.", 12, None),
    # vague words (ACLED: several/many 10, dozens 12, hundreds 100)
    ("The bombing killed dozens.", 12, None),
    ("clashes resulting in dozens of deaths on both sides", 12, None),
    ("Hundreds were killed in the fighting.", 100, None),
    ("Several people were killed.", 10, None),
    ("Tens of thousands died in the famine.", 10_000, None),
    # a person named by a singular noun or a role is one
    ("A police officer was killed.", 1, None),
    ("Gunmen killed the village chief on Monday.", 1, None),
    ("Azerbaijan said it had lost a soldier.", 1, None),
    ("The commander was killed in an ambush.", 1, None),
    # ranges and several figures: the lowest, and the highest kept
    ("Between 10 and 15 people were killed.", 10, 15),
    ("10 to 15 people were killed.", 10, 15),
    ("The attack killed 10-15 civilians.", 10, 15),
    ("Azerbaijan said it had lost a soldier and the army said two of its troops had been killed.", 1, 2),
    # the wounded are no deaths
    ("Two soldiers were injured while Yerevan reports three dead.", 3, None),
    ("The bombing killed three and wounded 12.", 3, None),
    ("Five people were wounded and two killed.", 2, None),
    ("49 people, including 10 civilians, were killed.", 49, None),
    # denials are 0
    ("No one was killed in the attack.", 0, None),
    ("Police said nobody died.", 0, None),
    ("There were no casualties.", 0, None),
]


@pytest.mark.parametrize(("sentence", "low", "high"), COUNTS)
def test_each_phrasing_gives_its_count(sentence, low, high):
    got = read_deaths(sentence)
    assert got.reported and (got.fatalities, got.high) == (low, high), got


@pytest.mark.parametrize("sentence", [
    "ended in Armenian deaths and territorial losses",
    "shootings with the occasional dead on both sides",
    "killing people and damaging military infrastructure",
    "Soldiers were killed in the clashes.",
])
def test_deaths_without_a_number_are_reported_without_one(sentence):
    got = read_deaths(sentence)
    assert got.reported and got.fatalities is None and got.high is None


@pytest.mark.parametrize("sentence", [
    "Two people were wounded.",
    "More than a dozen were injured.",
    "The strike could kill thousands.",
    "Pashinyan claimed that Azerbaijan attacked.",
    "He lost the election in 2020.",
    "Azerbaijan lost control of the area.",
    "The neighbours fought two wars in the 1990s and in 2020.",
    "The 2020 war ended with a truce.",
])
def test_no_deaths_when_none_are_reported(sentence):
    assert read_deaths(sentence).reported is False


def test_years_are_no_counts():
    assert read_deaths("In 2020 soldiers died at the border.").fatalities is None
    assert read_deaths("2000 people were killed.").fatalities == 2000


def _places(article, places):
    return find_mentions(article, places)


def test_a_count_of_another_event_goes_to_that_events_sentence():
    text = ("Border clash near Goris\n\nNovember 16, 2021\n\nTroops clashed near Goris on Sunday. "
            "Kapan was the scene of the 2020 war, which claimed more than 6,500 lives.\n")
    article = article_from_text(text, "goris.txt")
    mentions = _places(article, {"Goris": GORIS, "Kapan": KAPAN})
    reading = read_events(article, mentions)
    by_place = {e.place_id: e for e in reading.events if e.sentence[0] > 30}
    today, war = by_place[GORIS.id], by_place[KAPAN.id]
    assert today.fatalities is None and not today.deaths_reported and today.event_type == "Battles"
    assert war.fatalities == 6500 and war.date_source == "text" and war.when.value == "2020"


def test_a_placeless_sentence_that_reports_deaths_is_an_event_of_its_own():
    text = ("Clashes near Goris\n\nNovember 16, 2021\n\nTroops clashed near Goris. "
            "The prime minister said the clashes have killed at least 49 people.\n")
    article = article_from_text(text, "goris.txt")
    reading = read_events(article, _places(article, {"Goris": GORIS}))
    (inferred,) = [e for e in reading.inferred if e.fatalities is not None]
    assert inferred.fatalities == 49 and inferred.event_type == "Battles"
    assert text[inferred.sentence[0]:inferred.sentence[1]].startswith("The prime minister said")


def test_a_repeated_title_and_lead_count_once_and_keep_their_mentions():
    lead = "Troops shelled Goris on Sunday, killing three people."
    text = f"Goris shelled again\n\n{lead}\n\nBy a reporter\n\nGoris shelled again\n\n{lead} Kapan was calm.\n"
    article = article_from_text(text, "goris.txt")
    mentions = _places(article, {"Goris": GORIS, "Kapan": KAPAN})
    reading = read_events(article, mentions)
    firsts = sorted(e.sentence[0] for e in reading.events)
    assert [text[s:s + 5] for s in firsts] == ["Goris", "Troop", "Kapan"]
    assert len(reading.repeats) == 2 and all(e.repeat_of in firsts for e in reading.repeats)
    assert len(reading.roles) == len(mentions) == 5  # every mention, with its offsets, stays
    assert sum(e.fatalities or 0 for e in reading.events) == 3
    assert next(e for e in reading.events if e.fatalities).event_type == "Explosions/Remote violence"


def _overlapping(events, span):
    s, e = span
    return [ev for ev in events if ev["start"] < e and s < ev["end"]]


def test_the_seeds_gold_death_counts_and_event_types(gazetteer):
    seen_deaths = seen_types = 0
    for item in GOLD["articles"]:
        path = ROOT / "seeds" / item["file"]
        events = parse_record(read_article(path), gazetteer, str(path))["events"]
        for gold in item.get("fatalities", []):
            hits = _overlapping(events, gold["span"])
            assert any(ev["deaths_reported"] and ev["fatalities"] == gold["deaths"] for ev in hits), \
                (item["file"], gold["quote"], [(ev["start"], ev["fatalities"]) for ev in hits])
            seen_deaths += 1
        for gold in item.get("event_types", []):
            hits = _overlapping(events, gold["span"])
            assert any(ev["event_type"] == gold["type"] for ev in hits), \
                (item["file"], gold["quote"], [(ev["start"], ev["event_type"]) for ev in hits])
            seen_types += 1
        # a repeated sentence's events are marked, pointing at the first copy, and only once
        text = path.read_text(encoding="utf-8")
        for ev in events:
            if "repeat_of" in ev:
                first = next(e for e in events if e["start"] == ev["repeat_of"])
                assert text[first["start"]:first["end"]] == text[ev["start"]:ev["end"]] and "repeat_of" not in first
    assert (seen_deaths, seen_types) == (6, 7)
