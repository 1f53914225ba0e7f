"""The gazetteer's API: places and lookups, the geopy-compatible geocoder, building and importing."""
from __future__ import annotations

import sqlite3
import zipfile

import pytest
from geopy.distance import distance
from geopy.exc import GeocoderQueryError
from geopy.location import Location

from gazetteer import Gazetteer, GazetteerError, Place, QueryError, sources
from gazetteer import build as build_module
from gazetteer.geo import distance_km
from gazetteer.geocoder import LocalGeocoder
from gazetteer.names import normalize


@pytest.fixture(scope="module")
def gaz():
    with Gazetteer.open() as g:
        yield g


# -- names and places --------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Lachín", "Lachin"), ("Nakhichevan’", "Nakhichevan"), ("Nagorno-Karabakh", "Nagorno Karabakh"),
    ("U.S.", "US"), ("Naxçıvan", "Naxcivan"), ("ŁÓDŹ", "lodz"), ("  St.  Louis ", "St Louis"),
    ("Deir el-Balah", "Deir al-Balah"), ("Ras el-Ain", "Ras al Ain"), ("Sharm El Sheikh", "Sharm al-Sheikh"),
])
def test_one_normaliser_for_every_spelling(a, b):
    assert normalize(a) == normalize(b)


def test_the_arabic_article_is_folded_inside_a_name_only():
    assert normalize("El Paso") == "el paso" and normalize("Paso el") == "paso el"


def test_place_is_a_small_strict_value(gaz):
    vardenis = gaz.get(616108)
    assert vardenis is not None and vardenis.name == "Vardenis" and vardenis.country_code == "AM"
    assert vardenis.feature == "P.PPL" and vardenis.kind == "town" and vardenis.point == (vardenis.lat, vardenis.lon)
    assert vardenis.__geo_interface__ == {"type": "Point", "coordinates": (vardenis.lon, vardenis.lat)}
    assert vardenis == Place(**{k: v for k, v in vardenis.to_dict().items() if k not in ("feature", "kind")})
    assert gaz.get(-1) is None


def test_lookup_ranks_by_prominence_and_name(gaz):
    assert gaz.lookup("Goris")[0].country_code == "AM"  # Gori in Georgia only has "Goris" as an alternate name
    kazakhstan = gaz.lookup("Kazakhstan")
    assert kazakhstan[0].feature_code.startswith("PCL") and any(p.feature_class == "P" for p in kazakhstan)
    assert gaz.lookup("no such place anywhere") == []


def test_countries_divisions_regions_and_continents_are_indexed(gaz):
    assert gaz.lookup("Russian Federation")[0].country_code == "RU"
    assert gaz.lookup("Syunik")[0].feature_code == "ADM1"
    assert gaz.lookup("Kentucky")[0].feature_code == "ADM1" and gaz.lookup("Ky.")[0].name == "Kentucky"
    assert gaz.lookup("Metcalfe County")[0].feature_code == "ADM2"
    assert gaz.lookup("Caucasus")[0].feature == "L.RGN"
    assert gaz.lookup("Lake Sevan")[0].feature == "H.LK"
    assert gaz.lookup("Europe")[0].feature == "L.CONT"
    russia = gaz.country("ru")
    assert russia is not None and 55 < russia.lat < 70 and 80 < russia.lon < 120  # mainland, not Chukotka


def test_divisions_sit_in_their_country(gaz):
    quebec = next(p for p in gaz.lookup("Quebec") if p.feature_code == "ADM1")
    assert 49 < quebec.lat < 56 and -78 < quebec.lon < -64  # not dragged south to Montreal
    assert gaz.admin1_of(gaz.get(616108)).name == "Gegharkunik"


def test_search_by_prefix_for_people(gaz):
    names = [p.name for p in gaz.search("Vard")]
    assert "Vardenis" in names
    assert gaz.search("") == []


def test_nearest_places(gaz):
    (place, km), = gaz.nearest(40.18, 45.73)
    assert place.name == "Vardenis" and km < 2


def test_fast_distance_agrees_with_geopy():
    for a, b in [((40.18, 45.73), (39.51, 46.34)), ((51.5, -0.12), (-33.9, 151.2)), ((0, 179.9), (0, -179.9))]:
        assert distance_km(a, b) == pytest.approx(distance(a, b, ellipsoid="WGS-84").km, rel=0.006)


# -- the geopy-compatible geocoder -------------------------------------------------------------------

def test_geocode_returns_geopy_locations(gaz):
    geo = LocalGeocoder(gaz)
    goris = geo.geocode("Goris")
    assert isinstance(goris, Location) and goris.address == "Goris, Syunik, Armenia"
    assert distance(goris.point, (39.51111, 46.34168)).km < 1
    assert goris.raw["id"] == 174895 and goris.raw["feature"] == "P.PPL"


def test_geocode_qualifiers_and_filters(gaz):
    geo = LocalGeocoder(gaz)
    assert geo.geocode("Georgia").raw["feature_code"].startswith("PCL")
    assert geo.geocode("Georgia, United States").raw["feature_code"] == "ADM1"
    assert geo.geocode("Columbia, Mo.").raw["admin1"] == "MO"
    assert geo.geocode("London", country_codes="ca").raw["country_code"] == "CA"
    several = geo.geocode("Vardenis", exactly_one=False)
    assert len(several) == 2 and several[0].raw["population"] > several[1].raw["population"]
    assert geo.geocode("Vardenis", exactly_one=False, limit=1)[0].address.startswith("Vardenis")
    assert geo.geocode("Xyzzyplugh") is None


def test_reverse_geocoding(gaz):
    geo = LocalGeocoder(gaz)
    assert geo.reverse((40.18, 45.73)).address == "Vardenis, Gegharkunik, Armenia"
    assert geo.reverse("39.51, 46.34").raw["name"] == "Goris"
    assert geo.reverse((0.0, -140.0)) is None  # the middle of the Pacific
    assert len(geo.reverse((40.18, 45.73), exactly_one=False, limit=3)) == 3


@pytest.mark.parametrize("call", [lambda g: g.geocode(""), lambda g: g.geocode(None), lambda g: g.reverse("north"),
                                  lambda g: g.reverse((95, 0))])
def test_bad_queries_raise_one_error_geopy_users_know(gaz, call):
    with pytest.raises(QueryError) as info:
        call(LocalGeocoder(gaz))
    assert isinstance(info.value, GeocoderQueryError) and isinstance(info.value, GazetteerError)


# -- building, freshness and imports -----------------------------------------------------------------

def _dump_zip(path, rows: list[list[str]]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(path.stem + ".txt", "".join("\t".join(r) + "\n" for r in rows))


@pytest.fixture(scope="module")
def imported_index(tmp_path_factory):
    """A fresh index in its own cache directory, with a small GeoNames dump and alternate names imported."""
    cache = tmp_path_factory.mktemp("cache")
    dump = cache.parent / "XX.zip"
    _dump_zip(dump, [
        ["99999991", "Testhausen", "Testhausen", "Tsthsn", "47.5", "9.5", "P", "PPLA", "DE", "", "01", "", "", "",
         "4321", "", "400", "Europe/Berlin", "2024-01-01"],
        ["616108", "Vardenis", "Vardenis", "", "40.1827", "45.73156", "P", "PPLA2", "AM", "", "04", "", "", "",
         "12651", "", "1900", "Asia/Yerevan", "2024-01-01"],
    ])
    alternates = cache.parent / "alternateNamesV2.zip"
    _dump_zip(alternates, [["1", "616108", "en", "Vardenisopolis", "", "", "", ""],
                           ["2", "616108", "link", "https://en.wikipedia.org/wiki/Vardenis", "", "", "", ""],
                           ["3", "616108", "post", "1501", "", "", "", ""]])
    build_module.add_import(dump, cache)
    build_module.add_import(alternates, cache)
    path = build_module.ensure_index(cache / build_module.INDEX_NAME)
    with Gazetteer(path) as g:
        yield g, cache


@pytest.mark.slow
def test_import_extends_coverage_without_code_changes(imported_index):
    g, _cache = imported_index
    (testhausen,) = g.lookup("Testhausen")
    assert testhausen.id == 99999991 and testhausen.feature == "P.PPLA" and testhausen.country_code == "DE"
    assert g.lookup("Tsthsn")[0].id == 99999991
    assert g.get(616108).feature_code == "PPLA2"  # the dump's finer feature code wins
    assert g.lookup("Vardenisopolis")[0].id == 616108
    assert g.lookup("1501") == [] and g.lookup("https://en.wikipedia.org/wiki/Vardenis") == []


@pytest.mark.slow
def test_index_knows_when_its_sources_change(imported_index):
    _g, cache = imported_index
    path = cache / build_module.INDEX_NAME
    assert build_module.is_current(path)
    extra = cache.parent / "YY.zip"
    _dump_zip(extra, [["99999992", "Nochwo", "Nochwo", "", "1", "1", "P", "PPL", "DE", "", "", "", "", "", "0", "",
                       "", "", ""]])
    build_module.add_import(extra, cache)
    assert not build_module.is_current(path)  # the next ensure_index() rebuilds


def test_interrupted_build_leaves_nothing_half_built(tmp_path, monkeypatch):
    target = tmp_path / build_module.INDEX_NAME
    target.write_bytes(b"previous index")

    def broken(*_args, **_kwargs):
        yield from ()
        raise RuntimeError("power cut")

    monkeypatch.setattr(sources, "cities", broken)
    with pytest.raises(RuntimeError):
        build_module.build(target)
    assert target.read_bytes() == b"previous index"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_foreign_or_corrupt_index_is_not_current(tmp_path):
    path = tmp_path / build_module.INDEX_NAME
    path.write_bytes(b"not sqlite at all")
    assert not build_module.is_current(path)
    with sqlite3.connect(path.with_name("other.sqlite")) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    assert not build_module.is_current(path.with_name("other.sqlite"))


def test_import_refuses_a_missing_file(tmp_path):
    with pytest.raises(GazetteerError, match="not a file"):
        build_module.add_import(tmp_path / "allCountries.zip", tmp_path)


def test_cache_directory_follows_atlas_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "elsewhere"))
    assert build_module.index_path() == tmp_path / "elsewhere" / "gazetteer.sqlite"


def test_curated_files_name_a_source_for_every_coordinate():
    for name in sources.CURATED_FILES:
        for row in sources.read_tsv(sources.data_file(name)):
            assert len(row) == 20 and row[19].strip(), row[:2]
            float(row[4]), float(row[5])


def test_curated_points_lie_in_their_country():
    """Every curated place with a country code lies inside that country's outline, give or take 100 km:
    the 1:110m outlines are coarse and drop small parts (the Gaza Strip)."""
    from gazetteer.outlines import country_polygons, land_cells

    numeric = {iso: str(c["isonumeric"]) for iso, c in sources.load_countries().items()}
    polygons = country_polygons()
    for name in sources.CURATED_FILES:
        for entry in sources.curated(name):
            p = entry.place
            shape = polygons.get(numeric.get(p.country_code or "", ""))
            if not p.country_code or not shape:
                continue
            cells = land_cells(shape)
            nearest = min(distance_km((p.lat, p.lon), (lat, lon)) for lat, lon in cells)
            assert nearest < 100, (name, p.name, p.country_code, round(nearest))


def test_index_build_progress_is_reported(tmp_path, monkeypatch):
    messages: list[str] = []

    def stop_early(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sources, "load_cities", stop_early)
    with pytest.raises(KeyboardInterrupt):
        build_module.build(tmp_path / "g.sqlite", progress=messages.append)
    assert messages and "cities500" in messages[0]
    assert list(tmp_path.iterdir()) == []


def test_imports_file_corruption_is_reported(tmp_path):
    (tmp_path / build_module.IMPORTS_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(GazetteerError, match="unreadable"):
        build_module.imported_dumps(tmp_path)


def test_alternate_names_reader_skips_codes_and_links(tmp_path):
    path = tmp_path / "alternateNamesV2.txt"
    path.write_text("1\t10\ten\tGoodname\t\t\t\t\n2\t10\tiata\tGDN\t\t\t\t\n3\t10\tde\tOldname\t\t\t\t1\n",
                    encoding="utf-8")
    assert [name for _gid, name, _kind in sources.alternate_names(path)] == ["Goodname"]


# --- Airports (airportsdata) and where divisions are (issue 11, items 3, 6 and 7) -------------------------

def test_airport_names_from_the_full_name():
    from gazetteer.airports import _names

    people = {"pearson", "kennedy"}

    def zipf(word):
        return {"liberty": 4.5}.get(word, 2.0)

    def towns(name):
        return name in ("Toronto", "Newark")

    names, core = _names("London Heathrow Airport", "London", zipf, people, towns, True)
    assert names == ["London Heathrow Airport", "Heathrow Airport", "Heathrow"] and core == "heathrow"
    names, core = _names("Toronto Pearson International Airport", "Mississauga", zipf, people, towns, True)
    assert "Pearson International Airport" in names and "Pearson Airport" in names and core is None  # a surname
    names, core = _names("Ottawa / Macdonald-Cartier International Airport", "Ottawa", zipf, people, towns, False)
    assert "Macdonald-Cartier International Airport" in names and core is None  # Ottawa is under a million
    names, core = _names("Newark Liberty International Airport", "Newark", zipf, people, towns, True)
    assert core is None and "Liberty International Airport" in names  # "liberty" is a common word
    names, core = _names("Jinnah International Airport", "Karachi", zipf, people, towns, True)
    assert core is None and names == ["Jinnah International Airport", "Jinnah Airport"]  # a person's, not its city's


def test_airports_are_in_the_index_and_leave_towns_their_names(gaz):
    heathrow = [p for p in gaz.lookup("Heathrow") if p.feature == "S.AIRP"]
    assert heathrow and heathrow[0].country_code == "GB" and distance_km(heathrow[0].point, (51.47, -0.45)) < 5
    assert all(p.feature != "S.AIRP" for p in gaz.lookup("Luton"))  # the town keeps its name
    assert any(p.feature == "S.AIRP" for p in gaz.lookup("Pearson International Airport"))


def test_misfiled_places_do_not_move_their_division():
    from gazetteer.outlines import _without_strays

    rows = [(32.0 + i * 0.1, 119.0 + i * 0.1, "Jiangsu") for i in range(12)] + [(30.0, 100.0, "Jiangsu")]
    rows += [(30.0 + i * 0.05, 100.5, "Sichuan") for i in range(3)]
    kept = _without_strays(rows)
    assert (30.0, 100.0, "Jiangsu") not in kept and len(kept) == len(rows) - 1


def test_division_points_near_where_geonames_puts_them(gaz):
    jiangsu = next(p for p in gaz.lookup("Jiangsu") if p.feature == "A.ADM1")
    assert distance_km(jiangsu.point, (33.0, 119.8)) < 161


@pytest.mark.parametrize("name, point", [
    ("Middle East", (33.5, 36.3)),  # Damascus: news places the region in the Levant, not the Saudi desert
    ("Anatolia", (39.9, 32.9)),  # Ankara
    ("South Pacific", (-18.1, 178.4)),  # Suva
    ("Southern California", (34.05, -118.25)),  # Los Angeles
])
def test_large_regions_sit_where_news_places_them(gaz, name, point):
    place = next(p for p in gaz.lookup(name) if p.feature_class == "L")
    assert distance_km(place.point, point) < 400, place
