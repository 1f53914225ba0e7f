"""Event types: ACLED's six types and their sub-types from the cue lists (dashboard/data/types_*.tsv), the
blockers (negation, the hypothetical), ties, ACLED's rules where deaths are reported, and the seeds' gold
types (tests/data/seeds_events.json) carried by the events of ``atlas parse``."""
from __future__ import annotations

import pytest

from dashboard.datafiles import rows
from dashboard.events.types import TYPES, classify, refine

B, E, V, P, R, S = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                    "Strategic developments")

CASES = [
    # Battles
    ("Government troops and rebels clashed near the airport on Monday.", B, "Armed clash"),
    ("Soldiers exchanged fire with militants across the river.", B, "Armed clash"),
    ("Gunmen opened fire on an army checkpoint, and soldiers returned fire.", B, "Armed clash"),
    ("A firefight broke out between the two patrols overnight.", B, "Armed clash"),
    ("Insurgents ambushed a convoy on the highway.", B, "Armed clash"),
    ("The army recaptured the town after a week of fighting.", B, "Government regains territory"),
    ("Rebels overran the garrison at dawn.", B, "Non-state actor overtakes territory"),
    ("Heavy fighting was reported in the northern districts.", B, "Armed clash"),
    # Explosions/Remote violence
    ("Artillery pounded the outskirts of the city.", E, "Shelling/artillery/missile attack"),
    ("Troops began shelling border settlements with mortars.", E, "Shelling/artillery/missile attack"),
    ("A missile hit a residential building.", E, "Shelling/artillery/missile attack"),
    ("An airstrike destroyed a bridge.", E, "Air/drone strike"),
    ("Warplanes carried out air strikes on the depot.", E, "Air/drone strike"),
    ("A drone struck a fuel truck near the border.", E, "Air/drone strike"),
    ("A roadside bomb exploded as the patrol passed.", E, "Remote explosive/landmine/IED"),
    ("Two deminers stepped on a landmine.", E, "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at the market.", E, "Suicide bomb"),
    ("Someone threw a grenade into the bar.", E, "Grenade"),
    ("Overnight strikes on Sumy damaged a school.", E, None),  # struck by what, the sentence does not say
    ("Dozens of strikes on the port were reported.", E, None),
    # Violence against civilians
    ("Militiamen massacred villagers in the valley.", V, "Attack"),
    ("Gunmen abducted three aid workers.", V, "Abduction/forced disappearance"),
    ("The journalist was kidnapped outside his home.", V, "Abduction/forced disappearance"),
    ("The mayor was assassinated on his way to work.", V, "Attack"),
    ("Gunmen on motorbikes opened the gates and robbed civilians.", V, "Attack"),
    # Protests
    ("Thousands of people protested against the new law in the capital.", P, "Peaceful protest"),
    ("Demonstrators rallied outside parliament.", P, "Peaceful protest"),
    ("Police fired tear gas at the protesters.", P, "Protest with intervention"),
    ("Riot police dispersed the demonstrators with water cannon.", P, "Protest with intervention"),
    ("Teachers went on strike over unpaid wages.", P, "Peaceful protest"),
    # Riots
    ("Rioters torched cars and shops overnight.", R, "Violent demonstration"),
    ("Youths threw stones at the police station.", R, "Violent demonstration"),
    ("A mob lynched a man accused of theft.", R, "Mob violence"),
    # Strategic developments
    ("The two sides announced a ceasefire on Tuesday morning.", S, "Agreement"),
    ("The parties signed a peace agreement in Doha.", S, "Agreement"),
    ("Nearly 2,000 peacekeepers were deployed to the region.", S, "Change to group/activity"),
    ("Police arrested 12 opposition activists.", S, "Arrests"),
    ("Security forces detained the party leader.", S, "Arrests"),
    ("Armenia ceded swaths of territory under the deal.", S, "Non-violent transfer of territory"),
    ("Looters ransacked the warehouse.", S, "Looting/property destruction"),
    ("Air defences intercepted two drones and shot down a third.", S, "Disrupted weapons use"),
    ("The militia established a base in the hills.", S, "Headquarters or base established"),
    ("Yerevan has officially requested military aid from the alliance.", S, None),
]


@pytest.mark.parametrize(("sentence", "kind", "sub"), CASES)
def test_each_phrasing_gets_its_type_and_sub_type(sentence, kind, sub):
    got = classify(sentence)
    assert (got.type, got.sub_type) == (kind, sub), got


@pytest.mark.parametrize("sentence", [
    "The talks are due to resume next week.",
    "The prime minister said the country would remain committed to diplomacy.",
    "There were no clashes on Sunday.",
    "The pacts were meant to avoid an open war.",
    "Such a measure would allow the border to be carried out without the risk of armed confrontations.",
    "The minister did not attack his rivals.",
    "Its leaders plan to unleash new clashes.",
    "The pound fell against the dollar.",
    "Moscow has not yet publicly responded to the request.",
])
def test_no_type_when_the_words_name_none_or_deny_or_only_suppose_it(sentence):
    assert classify(sentence).type is None


def test_case_hyphens_and_markdown_links_do_not_hide_a_cue():
    assert classify("ARMENIA SEEKS AID IN DEADLY BORDER CLASHES").type == B
    assert classify("Peacekeepers were [deployed](#) to the area.").sub_type == "Change to group/activity"
    assert classify("A cease-fire took hold.").sub_type == "Agreement"


def test_a_cue_said_twice_counts_once_and_ties_go_to_the_more_specific_type():
    once = classify("An attack on one member is an attack on all, the treaty says; Yerevan invoked it.")
    assert once.type == S
    both = classify("Artillery fire and clashes were reported.")  # 2.5 against 2
    assert both.type == E


def test_deaths_turn_a_strategic_sentence_with_violence_into_the_violent_type():
    kind = classify("Six weeks of fighting claimed more than 6,500 lives and ended with a ceasefire.")
    assert kind.type == S
    assert refine(kind, 6500, True).type == B
    assert refine(kind, 0, True).type == S  # "no one was killed": nothing changes
    assert refine(classify("The two sides signed a ceasefire."), 3, True).type == S  # no cue of violence


def test_deaths_make_a_weak_cue_of_violence_enough():
    from dashboard.events.extract import _facts

    text = "Militants kill 14 troops in attack on checkpoint near Djibo"
    kind, deaths = _facts(text, (0, len(text)))
    assert (kind.type, deaths.fatalities) == (B, 14)
    assert classify("The group claimed the attack near the checkpoint.").type is None  # no deaths: no type
    text = "No one was killed in the attack on the checkpoint."
    assert _facts(text, (0, len(text)))[0].type is None  # no deaths, as said
    assert classify("Aid reached civilians in the north.").type is None  # the victims' word alone: no type


def test_a_protest_with_deaths_is_excessive_force():
    kind = classify("Police opened fire on protesters.")
    assert refine(classify("Protesters marched in the capital."), 4, True).sub_type == \
        "Excessive force against protesters"
    assert kind.type in (B, P)


def test_the_cue_files_use_only_acled_names():
    for name in ("types_verbs.tsv", "types_nouns.tsv"):
        for cue, kind, sub, weight in rows(name):
            assert kind in TYPES, (name, cue)
            assert sub == "-" or sub in TYPES[kind], (name, cue, sub)
            assert float(weight) > 0
    assert len(TYPES) == 6
