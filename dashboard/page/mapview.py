"""The folium map, offline: Leaflet and its plugins from the repository, Natural Earth outlines as
the basemap, one marker per place.

Two parts, because streamlit-folium remounts its iframe whenever the base map's script changes:

* :func:`base_map` is stable (the same script whatever the store holds and the filter says): Leaflet,
  jQuery, markercluster and topojson-client served by Streamlit from ``dashboard/static/vendor``;
  the basemap fetched in the browser (:class:`NaturalEarth`: country outlines from
  ``countries-50m.json``, the detail from ``dashboard/static/basemap``); OpenStreetMap tiles as an
  optional layer, off by default; attribution to GeoNames and Natural Earth; a "whole world" button
  and the legend (:class:`MapControls`).
* :func:`place_layer` holds the markers for the current filter and their frame, and is passed to
  ``st_folium`` as ``feature_group_to_add``.

The order in the map's frame (streamlit-folium): the base map's script makes the map (the whole
world), then the markers' script runs, which fits the map to the filter's frame (once per frame, not
animated), then streamlit-folium applies ``center`` and ``zoom`` when they changed (a place chosen in
the list or named in a link), so a linked place wins over the automatic frame; a later filter change
brings a new frame, which wins over the old place.

The scripts and styles are files in ``dashboard/static/atlas`` (:mod:`dashboard.page.assets`):
``basemap.js.j2``, ``controls.js.j2`` and ``markers.js.j2`` (folium's Jinja templates), ``map.css``.
The markers' data comes from :func:`dashboard.page.markers.marker_data`, every string in it already
escaped.
"""
from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from dashboard.page.assets import STATIC_URL, asset, style
from dashboard.page.markers import CLUSTER_LEGEND, LEGEND, PlaceSummary, marker_data
from dashboard.page.markup import escape

STATIC = "/app/static/vendor"  # where Streamlit serves dashboard/static/vendor (server.enableStaticServing)
WORLD_ATLAS = f"{STATIC}/world-atlas/countries-50m.json"
BASEMAP = "/app/static/basemap"  # the detail built by dashboard/basemap.py (dashboard/static/basemap)
JS = [
    ("leaflet", f"{STATIC}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC}/jquery/jquery.min.js"),
    ("topojson", f"{STATIC}/topojson/topojson-client.min.js"),
    ("markercluster", f"{STATIC}/markercluster/leaflet.markercluster.js"),
    ("atlas_basemap", f"{STATIC_URL}/basemap-detail.js"),  # the basemap's detail (NaturalEarth)
    ("atlas_reports", f"{STATIC_URL}/reports.js"),  # the frame reports once the map is usable (see the file)
]
CSS = [
    ("leaflet_css", f"{STATIC}/leaflet/leaflet.css"),
    ("markercluster_css", f"{STATIC}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC}/markercluster/MarkerCluster.Default.css"),
]
# The frame's first script: asks for the others, the styles and the outlines at once (see the file).
PRELOAD = f"{STATIC_URL}/preload.js?" + urllib.parse.urlencode(
    [("script", src) for _, src in JS] + [("style", href) for _, href in CSS] + [("outlines", WORLD_ATLAS)])
MAP_JS = [("atlas_preload", PRELOAD), *JS]
ATTRIBUTION = ('Places: <a href="https://www.geonames.org" target="_blank" rel="noopener">GeoNames</a> '
               '(<a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener">CC BY 4.0</a>)')
NE_ATTRIBUTION = ('Map: <a href="https://www.naturalearthdata.com" target="_blank" rel="noopener">'
                  'Natural Earth</a>')
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
                   'OpenStreetMap</a> contributors')
OSM_NAME = "OpenStreetMap tiles (online)"
NE_NAME = "Basemap (Natural Earth, GeoNames towns)"
MAX_ZOOM = 14
WORLD = [[-58.0, -170.0], [75.0, 190.0]]  # what the "whole world" button shows
WORLD_TITLE = "Show the whole world"


class _OfflineMap(folium.Map):
    """A ``folium.Map`` whose scripts and styles come from the repository, not from CDNs."""

    default_js = MAP_JS
    default_css = CSS


class NaturalEarth(JSCSSMixin, Layer):
    """The offline basemap as an overlay: Natural Earth 50 m country outlines, and the detail that
    :mod:`dashboard.basemap` builds (large lakes, rivers and cities below its tile zoom; 10 m land,
    lakes, coasts, borders, first-level borders and towns' names in tiles from it on). Every file is
    fetched in the browser from Streamlit's static files (never embedded: the map's script stays small
    and stable) and drawn in a pane beneath tiles, so the optional OpenStreetMap layer covers it when
    switched on. Also sets Leaflet's default icon path and adds the GeoNames credit to the map's
    attribution."""

    _template = Template("{% macro script(this, kwargs) %}" + asset("basemap.js.j2") + "{% endmacro %}")

    default_js = JS
    default_css = CSS

    def __init__(self, url: str = WORLD_ATLAS, name: str = NE_NAME) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "NaturalEarth"
        self.url = url
        self.basemap = BASEMAP
        self.image_path = f"{STATIC}/leaflet/images/"
        self.attribution = NE_ATTRIBUTION
        self.credit = ATTRIBUTION


def legend_html() -> str:
    """The map's legend: the shapes of the kinds of place, the colours of the clusters, the ring of the
    selected place and what the numbers count (constant text, escaped)."""
    items = "".join(f'<li><span class="atlas-key atlas-{escape(css)}"></span>{escape(text)}</li>'
                    for css, text in LEGEND.items())
    items += "".join(f'<li><span class="atlas-key atlas-{escape(size)}"></span>a cluster of places: {escape(text)}</li>'
                     for size, text in CLUSTER_LEGEND.items())
    items += '<li><span class="atlas-key atlas-selkey"></span>the selected place (blue: rows chosen in the table)</li>'
    return ('<details><summary>Legend</summary><ul>' + items + '</ul><div class="atlas-note">'
            + escape("Numbers count distinct events (the reports of one event across articles count once; "
                     "a cluster's: all of its places'); a small dark number: the distinct sources reporting "
                     "them, when more than one. Names: the busiest places; “+3”: three more places in that "
                     "cluster.") + '</div></details>')


class MapControls(MacroElement):
    """The map's own controls: a "whole world" button (top left, under the zoom buttons) and the legend
    (bottom left, over the scale)."""

    _template = Template("{% macro script(this, kwargs) %}" + asset("controls.js.j2") + "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapControls"
        self.world = WORLD
        self.world_title = WORLD_TITLE
        self.world_text = "World"
        self.legend = legend_html()


def base_map(bounds: Sequence[Sequence[float]] | None = None) -> folium.Map:
    """The stable part of the map, opening on the whole world (the markers' script then fits it to
    the filter's frame). ``bounds`` (``[[south, west], [north, east]]``): a first view instead, fitted
    without animation (nothing in the page passes one: the frame comes with the markers)."""
    m = _OfflineMap(location=(30, 20), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True)
    m.options.update(min_zoom=1, max_zoom=MAX_ZOOM)  # with no tile layer, markercluster needs the map's maxZoom
    m.get_root().header.add_child(folium.Element(style("map.css")), name="atlas_css")
    m.get_root().header.add_child(folium.Element(style("basemap.css")), name="atlas_basemap_css")
    NaturalEarth().add_to(m)
    folium.TileLayer("OpenStreetMap", name=OSM_NAME, attr=OSM_ATTRIBUTION, overlay=True, show=False,
                     control=True, max_zoom=MAX_ZOOM).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    MapControls().add_to(m)
    if bounds:
        (s, w), (n, e) = bounds
        if (n - s) < 1 and (e - w) < 1:  # one place, or a few close together: do not zoom to a street
            s, n, w, e = s - 0.5, n + 0.5, w - 0.5, e + 0.5
        _FirstView([[s, w], [n, e]]).add_to(m)
    return m


class _FirstView(MacroElement):
    """``map.fitBounds(bounds)`` without animation: an animated zoom would still be running when a
    linked place's ``setView`` comes, and end on its own target, over it (folium's ``fit_bounds``
    animates)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this._parent.get_name() }}.fitBounds("
                         "{{ this.bounds|tojson }}, {padding: [20, 20], animate: false});{% endmacro %}")

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "FirstView"
        self.bounds = [[float(bounds[0][0]), float(bounds[0][1])], [float(bounds[1][0]), float(bounds[1][1])]]


class PlaceMarkers(JSCSSMixin, Layer):
    """One marker per place, built in the browser from
    :func:`dashboard.page.markers.marker_data` (fast at thousands of places).

    Countries go in a plain layer drawn beneath everything (never clustered, so they swallow no town);
    other places in a marker cluster whose bubbles count events. ``highlight`` place ids (rows chosen in the
    events table) get a yellow ring, and so does a cluster holding one. Each marker shows its number of
    events, has a tooltip with the place's name and id (read back by
    :func:`dashboard.page.markers.selected_place`) and a popup: name, kind, country, coordinates,
    numbers of events and articles, and the first sentences with the name highlighted, each with its
    article's title and date.

    The element renders only through its script macro (what streamlit-folium calls): branca's usual
    render would compile the whole script, data included, as a Jinja template."""

    _template = Template("{% macro script(this, kwargs) %}" + asset("markers.js.j2") + "{% endmacro %}")

    default_js = JS
    default_css = CSS

    def __init__(self, data: str, name: str = "Places", highlight: Iterable[int] = (),
                 frame: Sequence[Sequence[float]] | None = None) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "PlaceMarkers"
        self.data = data
        self.highlight = json.dumps(sorted({int(i) for i in highlight}))
        self.frame = json.dumps([[float(frame[0][0]), float(frame[0][1])], [float(frame[1][0]), float(frame[1][1])]]
                                if frame else None)

    def render(self, **kwargs: Any) -> None:
        """Nothing to add to a figure: streamlit-folium takes the script from the macro."""


def place_layer(places: Iterable[PlaceSummary] | None = None, *, data: str | None = None,
                name: str = "Places", highlight: Iterable[int] = (),
                frame: Sequence[Sequence[float]] | None = None) -> folium.FeatureGroup:
    """The markers for the current filter, to pass to ``st_folium(..., feature_group_to_add=...)``;
    from ``places``, or from their :func:`marker_data` when cached; ``highlight``: place ids to ring;
    ``frame``: ``((south, west), (north, east))`` to fit the map to (:func:`dashboard.page.markers.frame_of`)."""
    group = folium.FeatureGroup(name=name, control=False)
    PlaceMarkers(data if data is not None else marker_data(places or ()), highlight=highlight,
                 frame=frame).add_to(group)
    return group
