"""The offline basemap's build (dashboard/basemap.py): its TopoJSON, its tiles, and the files that
``make setup`` built: every one listed, within the sizes stated, Lake Sevan in the lakes."""
from __future__ import annotations

import json

import pytest
from shapely.geometry import LineString, Point, Polygon, shape

from dashboard.basemap import (
    CELL,
    MAX_TILE,
    MAX_TOTAL,
    MAX_WORLD,
    OUT,
    TILE_ZOOM,
    Topology,
    cells_of,
    manifest,
    place_zoom,
)

SEVAN = Point(45.25, 40.35)  # lon, lat: the middle of the lake


def decode(topo: dict, name: str) -> list:
    """The geometries of ``topo["objects"][name]`` as shapely shapes (a reader apart from the writer)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]

    def arc(i: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for dx, dy in topo["arcs"][i if i >= 0 else ~i]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if i >= 0 else points[::-1]

    shapes = []
    for g in topo["objects"].get(name, {}).get("geometries", []):
        if g["type"] == "MultiPolygon":
            coords = [[arc(r[0]) for r in poly] for poly in g["arcs"]]
            shapes.append(shape({"type": "MultiPolygon", "coordinates": coords}))
        elif g["type"] == "MultiLineString":
            shapes.append(shape({"type": "MultiLineString", "coordinates": [arc(a[0]) for a in g["arcs"]]}))
    return shapes


def test_topology_round_trips_polygons_with_holes_and_lines():
    topo = Topology((40.0, 30.0), 1e-4)
    square = Polygon([(41, 31), (42, 31), (42, 32), (41, 32)], [[(41.2, 31.2), (41.4, 31.2), (41.4, 31.4)]])
    topo.add("lakes", square)
    topo.add("rivers", LineString([(40.5, 30.5), (40.6, 30.7), (40.6, 30.7), (40.9, 30.75)]))
    topo.add("rivers", LineString([(40.5, 30.5), (40.50001, 30.50001)]))  # one point once quantised: dropped
    data = json.loads(json.dumps(topo.json(places=[])))
    (lake,), (river,) = decode(data, "lakes"), decode(data, "rivers")
    assert lake.symmetric_difference(square).area < 1e-6 and len(lake.geoms[0].interiors) == 1
    assert river.length == pytest.approx(LineString([(40.5, 30.5), (40.6, 30.7), (40.9, 30.75)]).length, abs=1e-4)
    assert all(isinstance(d, int) for a in data["arcs"] for p in a for d in p)


def test_tiles_of_a_box_and_the_zoom_of_a_towns_name():
    assert list(cells_of((45.0, 40.0, 45.5, 40.5))) == [(22, 13)]
    assert list(cells_of((-185.0, 85.0, -175.0, 95.0))) == [(0, 17)]  # clamped to the world
    assert len(list(cells_of((-1.0, -1.0, 1.0, 1.0)))) == 4
    assert place_zoom(10_000_000) < place_zoom(500_000) < place_zoom(20_000) <= place_zoom(5_000)
    assert place_zoom(5_000) <= 10 < place_zoom(100)


@pytest.fixture(scope="module")
def built() -> dict:
    m = manifest()
    assert m is not None, f"the basemap is not built in {OUT}: run `make setup` (python -m dashboard.basemap)"
    return m


def test_the_built_files_are_all_there_within_their_sizes(built):
    files = {p.relative_to(OUT).as_posix(): p.stat().st_size for p in OUT.rglob("*.json") if p.name != "manifest.json"}
    assert set(files) == set(built["sizes"]) == {"world.json"} | {f"tiles/{k}.json" for k in built["tiles"]}
    assert files == built["sizes"]
    assert sum(files.values()) <= MAX_TOTAL and built["total"] == sum(files.values())
    assert files["world.json"] <= MAX_WORLD
    assert max(v for k, v in files.items() if k.startswith("tiles/")) <= MAX_TILE
    assert built["tile_zoom"] == TILE_ZOOM and built["cell"] == CELL
    assert 300 <= len(built["tiles"]) <= 648  # land, lakes and coasts reach most 10-degree cells
    assert set(built["layers"]) == {"land", "lakes", "rivers", "coast", "borders", "admin1"}


def test_lake_sevan_is_in_the_lakes_of_its_tile_and_of_the_world(built):
    tile = json.loads((OUT / "tiles" / "22_13.json").read_text(encoding="utf-8"))
    lakes = decode(tile, "lakes")
    sevan = [g for g in lakes if g.contains(SEVAN)]
    assert sevan, "Lake Sevan is missing from tiles/22_13.json"
    assert 0.1 < sevan[0].area < 0.2  # about 1,240 km2: the lake, not a box around it
    world = json.loads((OUT / "world.json").read_text(encoding="utf-8"))
    assert any(g.contains(SEVAN) for g in decode(world, "lakes"))
    # the tile's other layers: Armenia's provinces, its borders, the Aras, towns with their zooms
    for name in ("admin1", "borders", "land", "rivers"):
        assert decode(tile, name), name
    towns = {p[2]: p for p in tile["places"]}
    assert {"Yerevan", "Sevan", "Gavar"} <= set(towns)
    assert towns["Yerevan"][3] < towns["Sevan"][3] <= 10
    assert all(isinstance(p[2], str) and len(p) == 4 for p in tile["places"])


def test_the_map_asks_for_the_detail_from_static_files_and_draws_names_as_text():
    from streamlit_folium import _get_map_string

    from dashboard.page.mapview import BASEMAP, JS, base_map

    m = base_map()
    m.get_root().render()
    script = _get_map_string(m)
    assert 'window.atlasBasemapDetail(' in script and f'"{BASEMAP}"' in script
    assert BASEMAP == "/app/static/basemap" and OUT.parts[-2:] == ("static", "basemap")
    detail = dict(JS)["atlas_basemap"]
    source = (OUT.parent / detail.removeprefix("/app/static/")).read_text(encoding="utf-8")
    assert "textContent" in source and "innerHTML" not in source  # names from the files are text, never markup
    assert "interactive: false" in source and "atlasBasemap" in source
