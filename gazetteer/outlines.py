"""Country outlines from Natural Earth (1:110m, public domain, via the npm package ``world-atlas``).

They give each country a representative point (the area centroid of its largest polygon) and tell
which land a country covers, so that a first-level division, known to us only by the places in it,
can be given the middle of its likely area: every land cell of the country goes to the division of
its nearest place, and the division's point is the centroid of its cells. Unlike the middle of its
places, that point is not dragged towards where people live (northern Quebec, outback Queensland).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import numpy as np

from .datafiles import data_file

Ring = list[tuple[float, float]]  # (lon, lat) points, closed implicitly
GRID_STEP = 0.25  # degrees between land cells
STRAY_KM = 500.0  # a place this far from every other place of its division is misfiled ...
STRAY_MIN_PLACES = 10  # ... when its division has this many places
EARTH_KM = 6371.0  # chord lengths on the unit sphere, in km (close to arcs at these distances)


@cache
def country_polygons() -> dict[str, list[list[Ring]]]:
    """ISO 3166 numeric code (no leading zeros) -> polygons, each a list of rings (outer first)."""
    with open(data_file("countries-110m.json"), encoding="utf-8") as fh:
        topo = json.load(fh)
    arcs = topo_arcs(topo)

    def ring(indices: list[int]) -> Ring:
        return _unwrap(join_arcs(arcs, indices))

    countries: dict[str, list[list[Ring]]] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        if "id" not in geom or not geom.get("arcs"):
            continue
        polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        countries[str(geom["id"]).lstrip("0")] = [[ring(r) for r in poly] for poly in polygons]
    return countries


def topo_arcs(topo: dict) -> list[Ring]:
    """A quantized TopoJSON's arcs as ``(lon, lat)`` points (delta-decoded, then scaled and shifted)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def join_arcs(arcs: list[Ring], indices: Iterable[int]) -> Ring:
    """The points of a TopoJSON line or ring: its arcs in order (``~i``: arc ``i`` reversed), each shared
    end point once."""
    out: Ring = []
    for i in indices:
        part = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(part[1:] if out else part)
    return out


def _unwrap(ring: Ring) -> Ring:
    """Rings that cross the antimeridian get eastern longitudes past 180 so they stay simple."""
    if max(x for x, _ in ring) - min(x for x, _ in ring) > 180:
        return [(x + 360 if x < 0 else x, y) for x, y in ring]
    return ring


def _wrap(lon: float) -> float:
    return lon - 360 if lon > 180 else lon


def country_point(polygons: list[list[Ring]]) -> tuple[float, float]:
    """``(lat, lon)``: the area centroid of the largest polygon's outer ring."""
    best = (-1.0, 0.0, 0.0)
    for poly in polygons:
        area, lat, lon = _ring_centroid(poly[0])
        if area > best[0]:
            best = (area, lat, lon)
    return round(best[1], 5), round(_wrap(best[2]), 5)


def _ring_centroid(points: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return 0.0, points[0][1], points[0][0]
    return abs(area / 2), cy / (3 * area), cx / (3 * area)


def land_cells(polygons: list[list[Ring]], step: float = GRID_STEP) -> np.ndarray:
    """Centres ``(lat, lon)`` of the grid cells inside a country (even-odd rule over all its rings)."""
    edges = []
    for poly in polygons:
        for ring in poly:
            pts = np.asarray(ring, dtype=float)
            edges.append(np.hstack([pts, np.roll(pts, -1, axis=0)]))
    if not edges:
        return np.empty((0, 2))
    e = np.vstack(edges)  # x0, y0, x1, y1
    e = e[e[:, 1] != e[:, 3]]  # horizontal edges never cross a row
    cells = []
    lo, hi = np.floor(e[:, [1, 3]].min() / step), np.ceil(e[:, [1, 3]].max() / step)
    for row in np.arange(lo, hi) + 0.5:
        lat = row * step
        crossing = (e[:, 1] <= lat) != (e[:, 3] <= lat)
        if not crossing.any():
            continue
        c = e[crossing]
        xs = np.sort(c[:, 0] + (lat - c[:, 1]) * (c[:, 2] - c[:, 0]) / (c[:, 3] - c[:, 1]))
        for a, b in zip(xs[0::2], xs[1::2], strict=False):
            cols = np.arange(np.ceil(a / step - 0.5), np.floor(b / step - 0.5) + 1) + 0.5
            if cols.size:
                cells.append(np.column_stack([np.full(cols.size, lat), cols * step]))
    if not cells:
        return np.empty((0, 2))
    out = np.vstack(cells)
    out[:, 1] = np.where(out[:, 1] > 180, out[:, 1] - 360, out[:, 1])
    return out


def _unit(latlon: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(latlon[:, 0]), np.radians(latlon[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _without_strays(rows: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The places less those far from every other place of their division (a Jiangsu village filed at
    100° E would claim half of western China's land for Jiangsu)."""
    from scipy.spatial import cKDTree

    by_label: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, label) in enumerate(rows):
        by_label[label].append(i)
    drop: set[int] = set()
    for members in by_label.values():
        if len(members) < STRAY_MIN_PLACES:
            continue
        points = _unit(np.array([(rows[i][0], rows[i][1]) for i in members]))
        distances, _ = cKDTree(points).query(points, k=2)
        drop.update(i for i, d in zip(members, distances[:, 1], strict=True) if d * EARTH_KM > STRAY_KM)
    return [row for i, row in enumerate(rows) if i not in drop]


def division_points(iso_numeric: str, places: Iterable[tuple[float, float, str]]) -> dict[str, tuple[float, float]]:
    """Division label -> ``(lat, lon)``, the centroid of the country's land cells nearest to its places.

    ``places`` are ``(lat, lon, division)`` of one country. Divisions that get no cell (too small
    for the grid, or a country missing from the 1:110m outlines) are left out.
    """
    from scipy.spatial import cKDTree

    polygons = country_polygons().get(iso_numeric)
    rows = list(places)
    if not polygons or not rows:
        return {}
    cells = land_cells(polygons)
    if not len(cells):
        return {}
    rows = _without_strays(rows)
    labels = [label for _, _, label in rows]
    tree = cKDTree(_unit(np.array([(lat, lon) for lat, lon, _ in rows])))
    _, nearest = tree.query(_unit(cells))
    weights = np.cos(np.radians(cells[:, 0]))
    vectors = _unit(cells) * weights[:, None]
    sums: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    for vec, idx in zip(vectors, nearest, strict=True):
        sums[labels[idx]] += vec
    out = {}
    for label, (x, y, z) in sums.items():
        out[label] = (round(float(np.degrees(np.arctan2(z, np.hypot(x, y)))), 5),
                      round(float(np.degrees(np.arctan2(y, x))), 5))
    return out
