"""Roles of place mentions: literal (the place itself) or associative (it stands for a government, an army,
a team), datelines and bylines, and the seeds' gold roles scored the way the shared scorer does."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.cli import parse_record
from dashboard.datafiles import rows
from dashboard.events.role_cues import cues_table
from dashboard.events.roles import ASSOCIATIVE, LITERAL, Role, assign_roles
from dashboard.events.sentences import sentences
from dashboard.reader import read_article
from gazetteer.geoparse import geoparse
from gazetteer.place import Place
from gazetteer.resolve import Mention

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEEDS_EVENTS = Path(__file__).resolve().parent / "data" / "seeds_events.json"
DATA = ROOT / "dashboard" / "data"


def roles_of(gazetteer, text: str) -> dict[str, list[Role]]:
    """Each mention's role, by the mention's text (in order of appearance)."""
    mentions = geoparse(text, gazetteer)
    out: dict[str, list[Role]] = {}
    for mention, role in zip(mentions, assign_roles(text, mentions, sentences(text)), strict=True):
        out.setdefault(mention.text, []).append(role)
    return out


def role(gazetteer, text: str, name: str, nth: int = 0) -> str:
    found = roles_of(gazetteer, text)
    assert name in found, f"{name!r} not recognised in {text!r}: {sorted(found)}"
    return found[name][nth].role


@pytest.mark.parametrize("text, name", [
    ("Shelling near Goris wounded two civilians.", "Goris"),
    ("Talks in Brussels ended without a deal.", "Brussels"),
    ("The CSTO said it would send a mission to Armenia.", "Armenia"),
    ("Pashinyan announced in the Yerevan parliament that the border had been attacked.", "Yerevan"),
    ("Floods swept through villages south of Kapan on Monday.", "Kapan"),
    ("She was born in Lyon and later moved to Marseille.", "Lyon"),
    ("She was born in Lyon and later moved to Marseille.", "Marseille"),
    ("Cambodia is a country located in South East Asia.", "Cambodia"),
    ("Kenya's population grew by two million last year.", "Kenya"),
    ("The shrub is endemic to eastern Australia.", "Australia"),
    ("Protesters marched through the streets of Tbilisi.", "Tbilisi"),
    ("The species is found in Germany, the Czech Republic and Finland.", "Finland"),
    ("It is bordered by Lebanon and Israel to the west.", "Israel"),
    ("He is a Canada-based photographer.", "Canada"),
    ("Lake Sevan froze over for the first time in years.", "Lake Sevan"),
    ("Artillery fire hit the border between Armenia and Azerbaijan overnight.", "Armenia"),
    ("Dozens were killed in Kharkiv, the regional governor said.", "Kharkiv"),
    # a town or a province attacked is where it happened (a country attacked may stand for its state)
    ("Militants attacked Kidal on Monday.", "Kidal"),
    ("Houthi forces attacked Marib overnight.", "Marib"),
    # the country after a division's word and a comma says where the division is
    ("Clashes broke out in Balochistan province, Pakistan.", "Pakistan"),
    ("Troops were sent to Culiacan in Sinaloa state, Mexico.", "Mexico"),
])
def test_literal(gazetteer, text, name):
    assert role(gazetteer, text, name) == LITERAL


@pytest.mark.parametrize("text, name", [
    ("Baku accused Yerevan of a large-scale provocation.", "Baku"),
    ("Baku accused Yerevan of a large-scale provocation.", "Yerevan"),
    ('"We appeal to Russia to protect our territorial integrity," he said.', "Russia"),
    ("Armenia said on Tuesday that three soldiers had died.", "Armenia"),
    ("The Armenian Ambassador to Moscow met the press.", "Moscow"),
    ("The two sides signed a Moscow-brokered ceasefire.", "Moscow"),
    ("The shelling began at 09:00 Moscow time.", "Moscow"),
    ("U.S. State Secretary Antony Blinken called both leaders.", "U.S."),
    ("Azerbaijan has previously accused Armenia of staging attacks.", "Azerbaijan"),
    ("Discussions between Armenia and Russia were underway.", "Armenia"),
    ("Discussions between Armenia and Russia were underway.", "Russia"),
    ("Germany beat Sweden 2-1 in the final.", "Germany"),
    ("Germany beat Sweden 2-1 in the final.", "Sweden"),
    ("She competed for Kazakhstan at the 2010 Winter Olympics.", "Kazakhstan"),
    ("Iran's nuclear programme worried its neighbours.", "Iran"),
    ("The government of France rejected the plan.", "France"),
    ("Kosovo declared its independence from Serbia in 2008.", "Serbia"),
    ("In the Baku version, it is the Armenian military who attacked first.", "Baku"),
    ("Yerevan has officially requested military aid from its allies.", "Yerevan"),
    ("Moscow announced a truce between Tbilisi and Sukhumi on Tuesday.", "Tbilisi"),
    ("The ceasefire agreement signed between Khartoum and Juba held for a week.", "Juba"),
    ("The alliance, made up of Mali, Niger and Burkina Faso, met in the capital.", "Niger"),
    ('"We will respond," the foreign ministry in Ankara said.', "Ankara"),
    ("Officials in Kyiv said the drones had been shot down.", "Kyiv"),
    # the owner of an organisation: in capitals, state-run, its media
    ("Ethiopia's ENDF said the rebels had withdrawn.", "Ethiopia"),
    ("Iran's state-run IRNA agency reported the launch.", "Iran"),
    ("Belarus's state media showed the convoy.", "Belarus"),
])
def test_associative(gazetteer, text, name):
    assert role(gazetteer, text, name) == ASSOCIATIVE


def test_lists_share_their_context(gazetteer):
    found = roles_of(gazetteer, "Russia expressed concern after Armenia and Azerbaijan blamed each other.")
    assert [r.role for r in found["Armenia"] + found["Azerbaijan"]] == [ASSOCIATIVE, ASSOCIATIVE]
    found = roles_of(gazetteer, "The enemy shelled Vardenis, Sotk, Goris and Kapan overnight.")
    assert {r.role for name in ("Vardenis", "Goris", "Kapan") for r in found[name]} == {LITERAL}


def test_an_adverb_inside_a_list_does_not_end_it(gazetteer):
    # the last name shares the list's context: "and then", "and finally", "as well as"
    for text in ("The convoy crossed Chad, Niger and finally Mali before the rains.",
                 "Refugees reached Chad, Niger as well as Mali within a month."):
        found = roles_of(gazetteer, text)
        assert found["Mali"][0].role == found["Chad"][0].role, text


@pytest.mark.parametrize("text, name", [
    ("The native flora of Madagascar is under threat.", "Madagascar"),
    ("Ferries link the islands with the mainland of Greece.", "Greece"),
    ("Wildfires spread across the countryside of Portugal.", "Portugal"),
])
def test_the_land_itself_is_literal(gazetteer, text, name):
    assert role(gazetteer, text, name) == LITERAL


@pytest.mark.parametrize("text, name, want", [
    ("Norway lost 3-0 to Brazil in their opening match.", "Brazil", ASSOCIATIVE),
    ("After a 2–1 win over Ghana, the coach praised his defence.", "Ghana", ASSOCIATIVE),
    # a range of deaths, a vote or a measure is no score: the place stays where it happened
    ("Ukraine lost 10-15 soldiers a day in Bakhmut, the general said.", "Bakhmut", LITERAL),
    ("The council won a 5-4 vote to rebuild the bridge in Goris.", "Goris", LITERAL),
])
def test_a_match_score_makes_its_places_teams(gazetteer, text, name, want):
    assert role(gazetteer, text, name) == want


def test_a_comma_after_an_opening_phrase_is_not_a_list(gazetteer):
    text = "Before the tour in England, Argentina hosted South Africa."
    assert role(gazetteer, text, "England") == LITERAL
    assert role(gazetteer, text, "Argentina") == ASSOCIATIVE


@pytest.mark.parametrize("text, filed", [
    ("KYIV — Russian missiles hit Kharkiv overnight.", "KYIV"),
    ("PORT SUDAN, May 14 (Reuters) - Fighting raged in Khartoum.", "PORT SUDAN"),
    ("Amman, Jordan (AP) — Protesters gathered in Zarqa.", "Jordan"),
    ("By Anna Smith\nCorrespondent in Moscow\n\nTalks in Geneva ended.", "Moscow"),
])
def test_datelines_and_bylines_are_where_the_report_was_filed(gazetteer, text, filed):
    found = roles_of(gazetteer, text)
    got = found[filed][0]
    assert got.filed_from and got.role == ASSOCIATIVE
    others = [r for name, rs in found.items() if name != filed and name not in ("Amman", "Jordan") for r in rs]
    assert others and not any(r.filed_from for r in others)
    assert all(r.role == LITERAL for r in others)


def test_a_place_named_in_the_middle_of_a_line_is_not_a_dateline(gazetteer):
    found = roles_of(gazetteer, "Officials said KYIV — and not Lviv — would host the talks.")
    assert not any(r.filed_from for rs in found.values() for r in rs)


def test_confidence_and_shape():
    text = "Baku accused Yerevan. Fighting near Goris."
    place = Place(1, "Baku", 40.4, 49.9, "AZ", "P", "PPLC", 2_000_000)
    town = Place(2, "Goris", 39.5, 46.3, "AM", "P", "PPL", 20_000)
    mentions = [Mention(text.index("Goris"), text.index("Goris") + 5, "Goris", town, 0.9),
                Mention(0, 4, "Baku", place, 0.9)]
    got = assign_roles(text, mentions, sentences(text))
    assert [r.role for r in got] == [LITERAL, ASSOCIATIVE]  # in the order given, not the text's
    assert all(0.5 <= r.confidence <= 1.0 and not r.filed_from for r in got)
    assert assign_roles(text, [], sentences(text)) == []


def test_a_mention_outside_every_sentence_still_gets_a_role():
    text = "Goris\n\nNothing else."
    town = Place(2, "Goris", 39.5, 46.3, "AM", "P", "PPL", 20_000)
    assert len(assign_roles(text, [Mention(0, 5, "Goris", town, 0.9)], [])) == 1


def test_cue_files_are_well_formed():
    files = sorted(DATA.glob("roles_*.tsv"))
    assert {f.name for f in files} >= {"roles_before.tsv", "roles_nouns.tsv", "roles_verbs.tsv", "roles_after.tsv",
                                       "roles_words.tsv", "roles_priors.tsv", "roles_filed.tsv"}
    widths = {"roles_before.tsv": 2, "roles_nouns.tsv": 2, "roles_verbs.tsv": 2, "roles_after.tsv": 3,
              "roles_priors.tsv": 2, "roles_filed.tsv": 1}
    for f in files:
        for row in rows(f.name):
            if f.name in widths:
                assert len(row) == widths[f.name], (f.name, row)
            else:
                assert len(row) in (2, 3), (f.name, row)
            if len(row) > 1 and f.name != "roles_words.tsv":
                float(row[-1])
    cues = cues_table()
    assert cues.nouns.get("ministry") and cues.nouns.get("ambassadors") and cues.verbs.get("accused")
    assert cues.before.match(["sent", "a", "mission", "to"])[1] < 0 < cues.before.match(["they", "appealed", "to"])[1]


def _seed_roles(gazetteer) -> tuple[float, float]:
    """Role accuracy and associative F1 on the seeds' gold, counted as ``score_events.py`` counts them: a gold
    mention counts when a predicted mention overlaps it."""
    gold = json.loads(SEEDS_EVENTS.read_text(encoding="utf-8"))
    found = right = tp = fp = fn = 0
    for art in gold["articles"]:
        record = parse_record(read_article(str(SEEDS / art["file"])), gazetteer, art["file"])
        mentions = record["mentions"]
        for top in art.get("toponyms", []):
            want = top.get("role")
            if want not in (LITERAL, ASSOCIATIVE):
                continue
            for s, e in top["spans"]:
                hit = next((m for m in mentions if min(e, m["end"]) > max(s, m["start"])), None)
                if hit is None:
                    fn += want == ASSOCIATIVE
                    continue
                got = hit.get("role")
                found += 1
                right += got == want
                tp += got == ASSOCIATIVE and want == ASSOCIATIVE
                fp += got == ASSOCIATIVE and want != ASSOCIATIVE
                fn += got != ASSOCIATIVE and want == ASSOCIATIVE
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (right / found if found else 0.0), (2 * p * r / (p + r) if p + r else 0.0)


def test_seed_roles_meet_the_gold(gazetteer):
    accuracy, f1 = _seed_roles(gazetteer)
    assert accuracy >= 0.95, accuracy
    assert f1 >= 0.95, f1
