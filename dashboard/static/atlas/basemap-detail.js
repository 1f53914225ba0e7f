// News Atlas: the offline basemap's detail (dashboard/page/mapview.py, NaturalEarth; the files are built by
// dashboard/basemap.py). A plain script served from dashboard/static/atlas: basemap.js.j2 calls
// window.atlasBasemapDetail(map, outlines, base) once the map and the 50 m outlines' layer exist.
//
// Two bands: below the manifest's tile_zoom, world.json's large lakes, rivers and cities over the 50 m
// outlines; from it on, the 10-degree tiles in view (Natural Earth 10 m land, lakes, coastline, borders,
// first-level borders; 50 m rivers; GeoNames towns), fetched when first seen and kept. Everything is in
// the pane atlasBasemap, beneath the markers and the OpenStreetMap tiles, and takes no clicks. Every
// string placed comes from the basemap's own files and is set as text (textContent), never as markup.
(function () {
'use strict';
window.atlasBasemapDetail = function (map, outlines, base) {
    var STYLE = {  // (the colours of the sea and the land are the 50 m outlines' and map.css's)
        land: {pane: 'atlasBaseLand', stroke: false, fillColor: '#f5f2e9', fillOpacity: 1},
        lakes: {pane: 'atlasBaseWater', color: '#8fb3c9', weight: 0.6, fillColor: '#cfe0ea', fillOpacity: 1,
                className: 'atlas-base-lakes'},
        rivers: {pane: 'atlasBaseWater', color: '#8fb3c9', weight: 1.1, fill: false, className: 'atlas-base-rivers'},
        coast: {pane: 'atlasBaseLines', color: '#7f9fb3', weight: 0.8, fill: false, className: 'atlas-base-coast'},
        borders: {pane: 'atlasBaseLines', color: '#8a8a8a', weight: 1, fill: false, className: 'atlas-base-borders'},
        admin1: {pane: 'atlasBaseLines', color: '#a3a3a3', weight: 0.7, dashArray: '3 3', fill: false,
                 className: 'atlas-base-admin1'}
    };
    var ORDER = ['land', 'lakes', 'rivers', 'admin1', 'borders', 'coast'];
    var MAX_TILES = 24, MAX_NAMES = 60;
    var manifest = null, known = {}, tiles = {}, world = null, worldGroup = null;
    var container = map.getContainer();
    // one path per layer and tile: every geometry of an object in one multi-geometry
    function layerOf(topo, name) {
        if (!topo.objects[name]) { return null; }
        var polys = [], lines = [];
        topojson.feature(topo, topo.objects[name]).features.forEach(function (f) {
            var g = f.geometry;
            if (!g) { return; }
            if (g.type === 'MultiPolygon') { polys = polys.concat(g.coordinates); }
            if (g.type === 'Polygon') { polys.push(g.coordinates); }
            if (g.type === 'MultiLineString') { lines = lines.concat(g.coordinates); }
            if (g.type === 'LineString') { lines.push(g.coordinates); }
        });
        var geom = polys.length ? {type: 'MultiPolygon', coordinates: polys}
            : lines.length ? {type: 'MultiLineString', coordinates: lines} : null;
        if (!geom) { return null; }
        var style = STYLE[name];
        return L.geoJSON({type: 'Feature', properties: {}, geometry: geom},
                         {pane: style.pane, interactive: false, style: style});
    }
    function groupOf(topo) {
        var g = L.layerGroup();
        ORDER.forEach(function (name) { var l = layerOf(topo, name); if (l) { g.addLayer(l); } });
        return g;
    }
    function get(url) {
        return fetch(url).then(function (r) {
            if (!r.ok) { throw new Error(r.status + ' ' + r.statusText + ': ' + url); }
            return r.json();
        });
    }
    // the tiles in view, or null where they would not do: more than MAX_TILES (a wide screen at
    // the tile zoom) or a view across the antimeridian (another copy of the world)
    function wanted() {
        var b = map.getBounds(), cell = manifest.cell, keys = [];
        if (b.getWest() < -180 || b.getEast() > 180) { return null; }
        var x1 = Math.floor((b.getWest() + 180) / cell), x2 = Math.min(360 / cell - 1, Math.floor((b.getEast() + 180) / cell));
        var y1 = Math.max(0, Math.floor((b.getSouth() + 90) / cell));
        var y2 = Math.min(180 / cell - 1, Math.floor((b.getNorth() + 90) / cell));
        if ((x2 - x1 + 1) * (y2 - y1 + 1) > MAX_TILES) { return null; }
        for (var x = x1; x <= x2; x++) {
            for (var y = y1; y <= y2; y++) {
                if (known[x + '_' + y]) { keys.push(x + '_' + y); }
            }
        }
        return keys;
    }
    function load(key) {
        tiles[key] = {ready: false};
        get(base + '/tiles/' + key + '.json').then(function (topo) {
            var t0 = performance.now();
            tiles[key] = {ready: true, group: groupOf(topo), places: topo.places || []};
            cost.ms += performance.now() - t0;
            update();
        }).catch(function (e) { console.error('basemap tile ' + key + ':', e); });
    }
    var outlinesOn = true;
    function outlinesShown(on) {  // (beneath the 10 m land their coasts would not match it)
        if (on === outlinesOn) { return; }
        outlinesOn = on;
        outlines.setStyle(on ? {stroke: true, fill: true} : {stroke: false, fill: false});
    }
    var places = [];
    function update() {
        if (!manifest) { return; }
        var shown = map.hasLayer(outlines);  // (the layer control switches the whole basemap)
        var z = map.getZoom(), keys = shown && z >= manifest.tile_zoom ? wanted() : null, high = !!keys;
        keys = keys || [];
        places = [];
        Object.keys(tiles).forEach(function (key) {
            var t = tiles[key], on = keys.indexOf(key) >= 0;
            if (!t.ready) { return; }
            if (on && !map.hasLayer(t.group)) { t.group.addTo(map); }
            if (!on && map.hasLayer(t.group)) { map.removeLayer(t.group); }
            if (on) { places = places.concat(t.places); }
        });
        keys.forEach(function (key) { if (!tiles[key]) { load(key); } });
        var drawn = keys.every(function (key) { return tiles[key] && tiles[key].ready; });
        if (!shown) {
            if (worldGroup && map.hasLayer(worldGroup)) { map.removeLayer(worldGroup); }
            places = [];
            while (box.firstChild) { box.removeChild(box.firstChild); }
        } else if (high) {
            if (worldGroup && map.hasLayer(worldGroup)) { map.removeLayer(worldGroup); }
            outlinesShown(!(drawn && keys.length));
        } else {
            outlinesShown(true);
            if (!world) {
                world = get(base + '/world.json').then(function (topo) {
                    worldGroup = groupOf(topo);
                    worldGroup.places = topo.places || [];
                    update();
                }).catch(function (e) { console.error('basemap world.json:', e); });
            }
            if (worldGroup) {
                if (!map.hasLayer(worldGroup)) { worldGroup.addTo(map); }
                places = worldGroup.places;
            }
        }
        var state = !shown ? 'off' : high ? (drawn ? 'tiles' : 'loading') : (worldGroup ? 'world' : 'loading');
        if (container.getAttribute('data-basemap-detail') !== state) {
            container.setAttribute('data-basemap-detail', state);
            if (state !== 'loading' && window.performance && performance.mark) { performance.mark('atlas-detail'); }
        }
        later(320);
    }
    // -- the towns' names: lighter than the events' names and beneath them; the largest towns
    // first, each where it overlaps no marker, no event's name, no control and no town's name
    var box = L.DomUtil.create('div', 'atlas-base-labels', map.getPane('atlasBaseLabels'));
    function rectOf(el, origin) {
        var r = el.getBoundingClientRect();
        return {x1: r.left - origin.left, y1: r.top - origin.top, x2: r.right - origin.left, y2: r.bottom - origin.top};
    }
    function hits(a, list) {
        for (var i = 0; i < list.length; i++) {
            var b = list[i];
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) { return true; }
        }
        return false;
    }
    function layout() {
        var t0 = performance.now();
        try { place(); } finally { cost.ms += performance.now() - t0; }
    }
    function place() {
        watch();
        while (box.firstChild) { box.removeChild(box.firstChild); }
        box.style.display = '';
        var z = map.getZoom(), size = map.getSize(), origin = container.getBoundingClientRect(), taken = [], i;
        var others = container.querySelectorAll('.leaflet-control, .leaflet-marker-icon, .atlas-pin, .atlas-label');
        for (i = 0; i < others.length; i++) {
            var r = rectOf(others[i], origin);
            if (r.x2 > r.x1) { taken.push({x1: r.x1 - 2, y1: r.y1 - 2, x2: r.x2 + 2, y2: r.y2 + 2}); }
        }
        var todo = places.filter(function (p) { return p[3] <= z; });
        todo.sort(function (a, b) { return a[3] - b[3]; });  // (stable: the largest first within a zoom)
        var named = 0;
        for (i = 0; i < todo.length && named < MAX_NAMES; i++) {
            var p = todo[i], pt = map.latLngToContainerPoint([p[1], p[0]]);
            if (pt.x < 0 || pt.y < 0 || pt.x > size.x || pt.y > size.y) { continue; }
            var big = p[3] <= z - 3, w = p[2].length * (big ? 6.6 : 6) + 4, h = big ? 15 : 13;
            var dot = {x1: pt.x - 3, y1: pt.y - 3, x2: pt.x + 3, y2: pt.y + 3}, spot = null, side = null;
            if (hits(dot, taken)) { continue; }
            var where = [['r', pt.x + 4, pt.y - h / 2], ['l', pt.x - 4 - w, pt.y - h / 2],
                         ['a', pt.x - w / 2, pt.y - 4 - h], ['b', pt.x - w / 2, pt.y + 4]];
            for (var j = 0; j < where.length && !spot; j++) {
                var a = {x1: where[j][1], y1: where[j][2], x2: where[j][1] + w, y2: where[j][2] + h};
                if (a.x1 >= 0 && a.y1 >= 0 && a.x2 <= size.x && a.y2 <= size.y && !hits(a, taken)) {
                    spot = a; side = where[j][0];
                }
            }
            if (!spot) { continue; }
            taken.push(dot, spot);
            var town = L.DomUtil.create('div', 'atlas-base-town' + (big ? ' atlas-base-big' : ''), box);
            var name = L.DomUtil.create('span', 'atlas-base-label atlas-base-' + side, town);
            name.textContent = p[2];
            L.DomUtil.setPosition(town, map.containerPointToLayerPoint([pt.x, pt.y]));
            named++;
        }
    }
    var timer = null;
    function later(ms) { clearTimeout(timer); timer = setTimeout(layout, ms); }
    map.on('zoomstart', function () { box.style.display = 'none'; });
    map.on('moveend', update);
    outlines.on('add remove', function () { setTimeout(update, 0); });
    // the events' names and the clusters move after the markers' animations: the towns' names
    // follow them (watched once those panes have content; the towns' own pane is not watched)
    var watching = false;
    function watch() {
        if (watching || !window.MutationObserver || !map.getPane('atlasLabels')) { return; }
        watching = true;
        // (after markercluster's 250 ms transitions: a box read during one is where the marker was)
        var seen = new MutationObserver(function () { later(320); });
        seen.observe(map.getPane('atlasLabels'), {childList: true, subtree: true});
        // (country pills move aside by their pin's style: watched too)
        seen.observe(map.getPane('markerPane'), {childList: true, subtree: true, attributes: true,
                                                 attributeFilter: ['style']});
    }
    // the detail waits for the 50 m outlines (start(), from basemap.js.j2) and then for an idle moment of
    // the frame: the markers and the outlines come first; it costs the frame cost.ms of its own work
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
    var cost = {ms: 0}, fetched = null, started = false;
    function begin() {
        if (!started || !fetched) { return; }
        setTimeout(function () {
            idle(function () { manifest = fetched; update(); }, {timeout: 2000});
        }, 150);
    }
    function start() { if (!started) { started = true; begin(); } }
    get(base + '/manifest.json').then(function (m) {
        m.tiles.forEach(function (key) { known[key] = true; });
        fetched = m;
        begin();
    }).catch(function (e) { console.warn('basemap detail not built (make setup):', e); });
    return {update: update, layout: layout, start: start, cost: cost};
};
})();
