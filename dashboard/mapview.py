"""The folium map, offline: Leaflet and its plugins from the repository, Natural Earth outlines as
the basemap, one marker per place.

Two parts, because streamlit-folium remounts its iframe whenever the base map's script changes:

* :func:`base_map` is stable (it depends only on the extent of the whole store): Leaflet, jQuery,
  markercluster and topojson-client served by Streamlit from ``dashboard/static/vendor``; country
  outlines fetched from ``countries-50m.json`` in the browser; OpenStreetMap tiles as an optional
  layer, off by default; attribution to GeoNames and Natural Earth.
* :func:`place_layer` holds the markers for the current filter and is passed to ``st_folium`` as
  ``feature_group_to_add``.

Every string from an article or the gazetteer reaches the map through :func:`dashboard.markup.escape`.
:func:`selected_place` turns what ``st_folium`` returns into the id of the clicked place.
"""
from __future__ import annotations

import functools
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from .markup import escape, excerpt_words

STATIC = "/app/static/vendor"  # where Streamlit serves dashboard/static/vendor (server.enableStaticServing)
WORLD_ATLAS = f"{STATIC}/world-atlas/countries-50m.json"
JS = [
    ("leaflet", f"{STATIC}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC}/jquery/jquery.min.js"),
    ("topojson", f"{STATIC}/topojson/topojson-client.min.js"),
    ("markercluster", f"{STATIC}/markercluster/leaflet.markercluster.js"),
]
CSS = [
    ("leaflet_css", f"{STATIC}/leaflet/leaflet.css"),
    ("markercluster_css", f"{STATIC}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC}/markercluster/MarkerCluster.Default.css"),
]
# The frame's first script: asks for the others, the styles and the outlines at once (see the file).
PRELOAD = "/app/static/atlas/preload.js?" + urllib.parse.urlencode(
    [("script", src) for _, src in JS] + [("style", href) for _, href in CSS] + [("outlines", WORLD_ATLAS)])
MAP_JS = [("atlas_preload", PRELOAD), *JS]
ATTRIBUTION = ('Places: <a href="https://www.geonames.org" target="_blank" rel="noopener">GeoNames</a> '
               '(<a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener">CC BY 4.0</a>)')
NE_ATTRIBUTION = ('Boundaries: <a href="https://www.naturalearthdata.com" target="_blank" rel="noopener">'
                  'Natural Earth</a>')
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
                   'OpenStreetMap</a> contributors')
OSM_NAME = "OpenStreetMap tiles (online)"
NE_NAME = "Country outlines (Natural Earth)"
MAX_ZOOM = 14

# How each kind of place looks: its marker style (a CSS class) and its legend label.
STYLES: dict[str, str] = {
    "town": "town",
    "province": "area", "district": "area", "region": "area", "continent": "area",
    "country": "country",
    "water": "feature", "terrain": "feature", "route": "feature", "site": "feature",
}
LEGEND = {
    "town": "town or city (round)",
    "area": "province, district or region (square)",
    "country": "whole country (large, pale, beneath the rest)",
    "feature": "sea, river, mountain, road or site (diamond)",
}

_CSS = """
<style>
.leaflet-container { background: #cfe0ea; font: 13px/1.4 system-ui, sans-serif; }
.atlas-marker { background: none; border: none; }
.atlas-pin { display: flex; align-items: center; justify-content: center; box-sizing: border-box;
  width: 100%; height: 100%; font-weight: 600; color: #fff; border: 2px solid #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.45); }
.atlas-town .atlas-pin { background: #c0392b; border-radius: 50%; }
.atlas-area .atlas-pin { background: #7d3c98; border-radius: 3px; }
.atlas-feature .atlas-pin { background: #1f7a8c; border-radius: 3px; transform: rotate(45deg); }
.atlas-feature .atlas-pin span { transform: rotate(-45deg); }
.atlas-country .atlas-pin { background: rgba(90,90,90,.35); color: #222; border: 2px dashed #555;
  border-radius: 14px; box-shadow: none; font-weight: 500; }
.atlas-popup h4 { margin: 0 0 2px; font-size: 15px; }
.atlas-popup .atlas-meta { color: #555; margin-bottom: 4px; }
.atlas-popup ol { margin: 4px 0 0; padding-left: 18px; }
.atlas-popup li { margin-bottom: 4px; }
.atlas-popup .atlas-src { color: #555; font-size: 12px; }
.atlas-popup mark { background: #ffe066; padding: 0 1px; }
.atlas-id { color: #777; }
.atlas-hl .atlas-pin { outline: 4px solid #0a6cff; outline-offset: 2px; box-shadow: 0 0 12px 5px rgba(10,108,255,.8); }
.marker-cluster.atlas-cluster-hl div { outline: 4px solid #0a6cff; box-shadow: 0 0 12px 5px rgba(10,108,255,.8); }
.marker-cluster div { font-weight: 600; }
</style>
"""


class _OfflineMap(folium.Map):
    """A ``folium.Map`` whose scripts and styles come from the repository, not from CDNs."""

    default_js = MAP_JS
    default_css = CSS


class NaturalEarth(JSCSSMixin, Layer):
    """Country outlines as an overlay: the TopoJSON is fetched in the browser from Streamlit's static
    files (never embedded: the map's script stays small and stable) and drawn in a pane beneath
    tiles, so the optional OpenStreetMap layer covers it when switched on. Also sets Leaflet's
    default icon path and adds the GeoNames credit to the map's attribution."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        if (!{{ this._parent.get_name() }}.getPane('atlasBasemap')) {
            {{ this._parent.get_name() }}.createPane('atlasBasemap');
            {{ this._parent.get_name() }}.getPane('atlasBasemap').style.zIndex = 150;
        }
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.credit|tojson }});
        var {{ this.get_name() }} = L.geoJSON(null, {
            pane: 'atlasBasemap', interactive: false, attribution: {{ this.attribution|tojson }},
            style: {color: '#8a8a8a', weight: 0.7, fillColor: '#f5f2e9', fillOpacity: 1}
        });
        // Rings that cross the antimeridian (Russia's Chukotka, Fiji) jump from 180 to -180: drawn as
        // they are, they streak across the whole map. Their western half moves east of 180 instead.
        function atlasUnwrap(ring) {
            var lons = ring.map(function (p) { return p[0]; });
            if (Math.max.apply(null, lons) - Math.min.apply(null, lons) <= 180) { return ring; }
            return ring.map(function (p) { return p[0] < 0 ? [p[0] + 360, p[1]] : p; });
        }
        // (preload.js started the fetch when the frame opened)
        (window.atlasOutlines || fetch({{ this.url|tojson }}).then(function (r) { return r.json(); })
        ).then(function (topo) {
            var countries = topojson.feature(topo, topo.objects.countries);
            countries.features.forEach(function (f) {
                var g = f.geometry;
                if (!g) { return; }
                if (g.type === 'Polygon') { g.coordinates = g.coordinates.map(atlasUnwrap); }
                if (g.type === 'MultiPolygon') {
                    g.coordinates = g.coordinates.map(function (poly) { return poly.map(atlasUnwrap); });
                }
            });
            {{ this.get_name() }}.addData(countries);
            var el = {{ this._parent.get_name() }}.getContainer();
            el.setAttribute('data-basemap', 'ready');
        }).catch(function (e) { console.error('Natural Earth basemap:', e); });
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    default_js = JS
    default_css = CSS

    def __init__(self, url: str = WORLD_ATLAS, name: str = NE_NAME) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "NaturalEarth"
        self.url = url
        self.image_path = f"{STATIC}/leaflet/images/"
        self.attribution = NE_ATTRIBUTION
        self.credit = ATTRIBUTION


def base_map(bounds: Sequence[Sequence[float]] | None = None) -> folium.Map:
    """The stable part of the map. ``bounds`` (``[[south, west], [north, east]]``) is the extent
    to show at first, e.g. of every place in the store; the whole world when ``None``."""
    m = _OfflineMap(location=(30, 20), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True)
    m.options.update(min_zoom=1, max_zoom=MAX_ZOOM)  # with no tile layer, markercluster needs the map's maxZoom
    m.get_root().header.add_child(folium.Element(_CSS), name="atlas_css")
    NaturalEarth().add_to(m)
    folium.TileLayer("OpenStreetMap", name=OSM_NAME, attr=OSM_ATTRIBUTION, overlay=True, show=False,
                     control=True, max_zoom=MAX_ZOOM).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    if bounds:
        (s, w), (n, e) = bounds
        if (n - s) < 1 and (e - w) < 1:  # one place, or a few close together: do not zoom to a street
            s, n, w, e = s - 0.5, n + 0.5, w - 0.5, e + 0.5
        m.fit_bounds([[s, w], [n, e]], padding=(20, 20))
    return m


# -- markers -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sample:
    """One sentence to quote in a popup: the article's text, the sentence's span, the mention's span."""

    text: str
    sentence: tuple[int, int]
    mention: tuple[int, int]
    title: str | None
    date: str | None  # ISO date, or None when the article is undated


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """What the map shows of one place under the current filter."""

    id: int
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    events: int
    articles: int
    samples: tuple[Sample, ...] = field(default=())


def style_of(kind: str) -> str:
    return STYLES.get(kind, "area")


_TOOLTIP_ID = re.compile(r"#(-?\d+)\s*$")
POPUP_EXCERPT = 240  # characters of a sentence quoted in a popup, around the place's name


def _size(place: PlaceSummary) -> tuple[int, int]:
    """A marker's width and height: bigger for more events, a wide pale pill for a country."""
    digits = len(str(place.events))
    if style_of(place.kind) == "country":
        return 34 + 8 * digits, 24
    size = min(22 + 3 * digits + int(4 * min(place.events, 100) ** 0.5 / 2), 44)
    return size, size


def marker_data(places: Iterable[PlaceSummary], *, limit: int = POPUP_EXCERPT) -> str:
    """What the browser needs to draw the markers, their tooltips and popups, as compact JSON.

    ``{"titles": [title, ...], "rows": [row, ...]}``, a row per place:
    ``[lat, lon, id, style, kind, events, articles, name, country, width, height, samples]``, a sample
    per quoted sentence: ``[before, name as written, after, title index, date]``. Every string is
    already escaped with :func:`dashboard.markup.escape` (the page's script only puts them between tags
    of its own), every number is a number, and the JSON cannot close a ``<script>``. Titles are shared
    by the places of one article. Worth caching: at thousands of places this is the map's weight."""
    titles: dict[str, int] = {}
    rows = []
    for p in places:
        samples = []
        for q in p.samples:
            before, name, after, title, date = _quoted(q, limit)
            samples.append([before, name, after, titles.setdefault(title, len(titles)), date])
        width, height = _size(p)
        rows.append([round(float(p.lat), 5), round(float(p.lon), 5), int(p.id), style_of(p.kind), escape(p.kind),
                     int(p.events), int(p.articles), escape(p.name), escape(p.country or "no country"),
                     width, height, samples])
    text = json.dumps({"titles": list(titles), "rows": rows}, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c")  # escape() leaves no "<"; this keeps it so whatever comes


@functools.lru_cache(maxsize=1 << 16)
def _quoted(q: Sample, limit: int) -> tuple[str, str, str, str, str]:
    """A popup's sentence, escaped: before the name, the name, after it, the title, the date (the same
    sentences come back filter after filter: each is cut and escaped once)."""
    window = excerpt_words(q.text, q.sentence[0], q.sentence[1], q.mention, limit)
    before = ("… " if window.cut_left else "") + escape(q.text[window.start:q.mention[0]].lstrip())
    after = escape(q.text[q.mention[1]:window.end].rstrip()) + (" …" if window.cut_right else "")
    return (before, escape(q.text[q.mention[0]:q.mention[1]]), after, escape(q.title or "Untitled"),
            escape(q.date or "undated"))


# The browser side of marker_data: markers, tooltips, and popups built when first opened. Only constant
# markup is added here; every string it places comes escaped from Python, every other value is a number.
_MARKERS_JS = """
        var {{ this.get_name() }} = (function () {
            // streamlit-folium takes the last filter's markers off the map but keeps them in
            // window.feature_group: drop them, or every filter change keeps its thousands of markers alive.
            if (window.feature_group && window.map) {
                window.feature_group = window.feature_group.filter(function (g) { return window.map.hasLayer(g); });
            }
            var data = {{ this.data }};
            var titles = data.titles;
            var highlight = {{ this.highlight }};
            function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
            function popup(r) {
                var s = r[11], h = '<div class="atlas-popup"><h4>' + r[7] + '</h4><div class="atlas-meta">'
                    + r[4] + ' · ' + r[8] + ' · ' + r[0].toFixed(4) + ', ' + r[1].toFixed(4) + '</div><div><b>'
                    + plural(r[5], 'event') + '</b> in ' + plural(r[6], 'article') + '</div><ol>';
                for (var i = 0; i < s.length; i++) {
                    h += '<li>' + s[i][0] + '<mark class="atlas-place">' + s[i][1] + '</mark>' + s[i][2]
                        + '<div class="atlas-src">— ' + titles[s[i][3]] + ', ' + s[i][4] + '</div></li>';
                }
                h += '</ol>';
                if (s.length && r[5] > s.length) {
                    h += '<div class="atlas-src">… and ' + (r[5] - s.length) + ' more</div>';
                }
                return h + '</div>';
            }
            // A cluster's events (and whether it holds a ringed place), from its own markers and its
            // sub-clusters' totals, each kept until the cluster's size changes: linear, where summing every
            // cluster's getAllChildMarkers() is not.
            function total(c) {
                if (c._atlasCount !== c._childCount) {
                    var n = 0, hl = false, i, sub;
                    for (i = 0; i < c._markers.length; i++) {
                        n += c._markers[i].options.atlasEvents;
                        hl = hl || c._markers[i].options.atlasHighlight;
                    }
                    for (i = 0; i < c._childClusters.length; i++) {
                        sub = total(c._childClusters[i]);
                        n += sub[0];
                        hl = hl || sub[1];
                    }
                    c._atlasTotal = [n, hl];
                    c._atlasCount = c._childCount;
                }
                return c._atlasTotal;
            }
            var clusters = L.markerClusterGroup({
                showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
                iconCreateFunction: function (cluster) {
                    var t = total(cluster), n = t[0], hl = t[1];
                    var size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
                    var css = 'marker-cluster marker-cluster-' + size + (hl ? ' atlas-cluster-hl' : '');
                    return L.divIcon({html: '<div><span>' + n + '</span></div>', className: css, iconSize: [40, 40]});
                }
            });
            var countries = L.layerGroup(), pins = [];
            data.rows.forEach(function (r) {
                var country = r[3] === 'country', hl = highlight.indexOf(r[2]) >= 0;
                var marker = L.marker([r[0], r[1]], {
                    icon: L.divIcon({
                        html: '<div class="atlas-pin" data-place-id="' + r[2] + '" aria-label="' + r[7] + ': '
                            + plural(r[5], 'event') + '"><span>' + r[5] + '</span></div>',
                        className: 'atlas-marker atlas-' + r[3] + (hl ? ' atlas-hl' : ''), iconSize: [r[9], r[10]]}),
                    atlasEvents: r[5], atlasHighlight: hl, riseOnHover: true,
                    zIndexOffset: hl ? 1000 : (country ? -1000 : 0)
                });
                marker.bindTooltip(r[7] + ' <span class="atlas-id">#' + r[2] + '</span>',
                                   {direction: 'top', offset: [0, -r[10] / 2]});
                marker.bindPopup(function () { return popup(r); }, {maxWidth: 380, autoPanPadding: [20, 20]});
                if (country) { countries.addLayer(marker); } else { pins.push(marker); }
            });
            clusters.addLayers(pins);
            var layer = L.featureGroup([countries, clusters]);
            layer.addTo({{ this._parent.get_name() }});
            return layer;
        })();
"""


class PlaceMarkers(JSCSSMixin, Layer):
    """One marker per place, built in the browser from :func:`marker_data` (fast at thousands of places).

    Countries go in a plain layer drawn beneath everything (never clustered, so they swallow no town);
    other places in a marker cluster whose bubbles count events. ``highlight`` place ids (rows chosen in the
    events table) get a yellow ring, and so does a cluster holding one. Each marker shows its number of
    events, has a tooltip with the place's name and id (read back by :func:`selected_place`) and a
    popup: name, kind, country, coordinates, numbers of events and articles, and the first sentences
    with the name highlighted, each with its article's title and date.

    The element renders only through its script macro (what streamlit-folium calls): branca's usual
    render would compile the whole script, data included, as a Jinja template."""

    _template = Template("{% macro script(this, kwargs) %}" + _MARKERS_JS + "{% endmacro %}")

    default_js = JS
    default_css = CSS

    def __init__(self, data: str, name: str = "Places", highlight: Iterable[int] = ()) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "PlaceMarkers"
        self.data = data
        self.highlight = json.dumps(sorted({int(i) for i in highlight}))

    def render(self, **kwargs: Any) -> None:
        """Nothing to add to a figure: streamlit-folium takes the script from the macro."""


def place_layer(places: Iterable[PlaceSummary] | None = None, *, data: str | None = None,
                name: str = "Places", highlight: Iterable[int] = ()) -> folium.FeatureGroup:
    """The markers for the current filter, to pass to ``st_folium(..., feature_group_to_add=...)``;
    from ``places``, or from their :func:`marker_data` when cached; ``highlight``: place ids to ring."""
    group = folium.FeatureGroup(name=name, control=False)
    PlaceMarkers(data if data is not None else marker_data(places or ()), highlight=highlight).add_to(group)
    return group


def tooltip_text(place_id: int, name: str) -> str:
    """What st_folium reports of a clicked marker's tooltip (its text): the name, then ``#id``."""
    return f"{name} #{int(place_id)}"


# -- clicks --------------------------------------------------------------------------------------------
RETURNED_OBJECTS = ["last_object_clicked_tooltip", "last_object_clicked_count"]


def selected_place(value: Mapping[str, Any] | None, seen_clicks: int | None) -> tuple[int | None, int | None]:
    """Map ``st_folium``'s return value to ``(place id, click count)``.

    The place id is that of a marker clicked since the click count ``seen_clicks`` (what this
    function returned last time), or ``None`` when nothing new was clicked: the value repeats
    the last click on every rerun, and clicking the same marker again only moves the count.
    Store the returned count for the next call."""
    if not value:
        return None, None
    count = value.get("last_object_clicked_count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else None
    tooltip = value.get("last_object_clicked_tooltip")
    if count is None or count == seen_clicks or not isinstance(tooltip, str):
        return None, count
    match = _TOOLTIP_ID.search(tooltip)
    return (int(match.group(1)) if match else None), count
