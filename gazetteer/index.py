"""Read access to the built index: places by id, by name, near a point, and a search for people."""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Collection
from pathlib import Path

from geopy.distance import great_circle

from .build import ensure_index, index_path
from .errors import IndexBuildError
from .names import normalize, prior
from .place import Place

_COLUMNS = "p.id, p.name, p.lat, p.lon, p.country, p.fclass, p.fcode, p.population, p.admin1, p.source"


def _place(row: tuple) -> Place:
    return Place(*row)


class Gazetteer:
    """A read-only view of the index; safe to share between threads (Streamlit's ``cache_resource``)."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("PRAGMA cache_size=-16000")  # 16 MB page cache
            self.meta = dict(self._db.execute("SELECT key, value FROM meta"))
            self.zipf: dict[str, float] = dict(self._db.execute("SELECT key, zipf FROM word"))
            self.given_names = frozenset(k for (k,) in self._db.execute("SELECT key FROM person_name WHERE given"))
            self.surnames = frozenset(k for (k,) in self._db.execute("SELECT key FROM person_name WHERE family"))
        except sqlite3.Error as exc:
            raise IndexBuildError(f"cannot open the gazetteer index {path} ({exc}); "
                                  "rebuild it with `atlas gazetteer build --force`") from exc
        self.path = path
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, list[tuple[Place, int]]] = OrderedDict()
        self._cache_size = 50_000

    @classmethod
    def open(cls, path: Path | None = None, *, progress=None) -> Gazetteer:
        """Open the index at ``path`` (default: the per-user cache), building it first if needed."""
        return cls(ensure_index(path or index_path(), progress=progress))

    def clear_cache(self) -> None:
        """Forget the names looked up so far (they are kept, up to 50,000, to spare SQLite queries)."""
        self._cache.clear()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _query(self, sql: str, params: Collection = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- by id and by name ---------------------------------------------------------------------------
    def get(self, place_id: int) -> Place | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM place p WHERE p.id = ?", (place_id,))
        return _place(rows[0]) if rows else None

    def candidates(self, keys: Collection[str]) -> dict[str, list[tuple[Place, int]]]:
        """For each normalised key, the places called so and how (0 name, 1 alternate, 2 abbreviation)."""
        out: dict[str, list[tuple[Place, int]]] = {}
        missing = []
        for key in set(keys):
            hit = self._cache.get(key)
            if hit is None:
                missing.append(key)
            else:
                self._cache.move_to_end(key)
                out[key] = hit
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            found: dict[str, list[tuple[Place, int]]] = {k: [] for k in chunk}
            rows = self._query(
                f"SELECT n.key, n.kind, {_COLUMNS} FROM name n JOIN place p ON p.id = n.place "
                f"WHERE n.key IN ({','.join('?' * len(chunk))})", chunk)
            for key, kind, *place in rows:
                found[key].append((_place(place), kind))
            for key, hits in found.items():
                hits.sort(key=lambda h: (h[1], -h[0].population))
                out[key] = hits
                self._cache[key] = hits
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out

    def lookup(self, name: str) -> list[Place]:
        """Every place called ``name`` (any spelling the index knows), likeliest first: by prominence,
        a place only known by that name as an alternate counting for less (the resolver's prior)."""
        key = normalize(name)
        best: dict[int, tuple[Place, float]] = {}
        for place, kind in self.candidates([key]).get(key, []):
            score = prior(place, kind)
            if place.id not in best or score > best[place.id][1]:
                best[place.id] = (place, score)
        return [p for p, _ in sorted(best.values(), key=lambda t: -t[1])]

    # -- by position ---------------------------------------------------------------------------------
    def nearest(self, lat: float, lon: float, *, limit: int = 1, within_km: float = 100.0,
                feature_classes: Collection[str] = ("P",)) -> list[tuple[Place, float]]:
        """Places within ``within_km`` of a point, nearest first, with their distance in km."""
        dlat = within_km / 111.0
        rows = self._query(
            f"SELECT {_COLUMNS} FROM place p WHERE p.lat BETWEEN ? AND ? "
            f"AND p.fclass IN ({','.join('?' * len(feature_classes))})",
            (lat - dlat, lat + dlat, *feature_classes))
        found = []
        for row in rows:
            place = _place(row)
            km = great_circle((lat, lon), place.point).km
            if km <= within_km:
                found.append((place, km))
        found.sort(key=lambda t: (t[1], -t[0].population))
        return found[:limit]

    # -- for people ----------------------------------------------------------------------------------
    def search(self, text: str, *, limit: int = 20) -> list[Place]:
        """Places whose name starts with ``text`` (any spelling), most prominent first; for search boxes."""
        key = normalize(text)
        if not key:
            return []
        rows = self._query(
            f"SELECT DISTINCT {_COLUMNS} FROM name n JOIN place p ON p.id = n.place "
            "WHERE n.key >= ? AND n.key < ? ORDER BY p.population DESC LIMIT ?",
            (key, key + "\U0010ffff", limit * 5))
        places = sorted({_place(r) for r in rows}, key=lambda p: (normalize(p.name) != key, -p.prominence))
        return places[:limit]

    def admin1_of(self, place: Place) -> Place | None:
        """The first-level division a place lies in, when the index knows it."""
        if not (place.country_code and place.admin1) or place.feature_code.startswith(("PCL", "ADM1")):
            return None
        rows = self._query(f"SELECT {_COLUMNS} FROM place p WHERE p.country = ? AND p.admin1 = ? "
                           "AND p.fcode = 'ADM1' LIMIT 1", (place.country_code, place.admin1))
        return _place(rows[0]) if rows else None

    def country(self, code: str) -> Place | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM place p WHERE p.country = ? AND p.fcode LIKE 'PCL%' "
                           "ORDER BY p.id > 0 DESC LIMIT 1", (code.upper(),))
        return _place(rows[0]) if rows else None

    def stats(self) -> dict[str, int]:
        (places,), = self._query("SELECT count(*) FROM place")
        (names,), = self._query("SELECT count(*) FROM name")
        return {"places": places, "names": names}
