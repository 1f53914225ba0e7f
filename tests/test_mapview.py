"""The map's pieces without a browser: escaping, popups, offline assets, and what a click selects."""
from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import folium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit_folium import _get_feature_group_string, _get_header, _get_map_string

from dashboard.page.mapview import (
    CSS,
    JS,
    OSM_NAME,
    PRELOAD,
    WORLD,
    WORLD_ATLAS,
    PlaceMarkers,
    base_map,
    legend_html,
    place_layer,
)
from dashboard.page.markers import (
    RETURNED_OBJECTS,
    PlaceSummary,
    Sample,
    Spot,
    frame_of,
    marker_data,
    place_at,
    selected_place,
    spots,
    tooltip_label,
)
from dashboard.page.markup import Mark, escape, excerpt, excerpt_words, link, marked, marked_excerpt, safe_url

STATIC = Path(__file__).resolve().parent.parent / "dashboard" / "static"
PAYLOADS = ["<img src=x onerror=alert(1)>", "${alert(1)}", "`${alert(1)}`", "<script>alert(1)</script>",
            "\"'><svg onload=alert(1)>", "javascript:alert(1)", "</script><script>alert(1)</script>"]
DANGEROUS = re.compile(r"[<>\"'`$]")


# -- escaping ------------------------------------------------------------------------------------------
@given(st.text())
def test_escape_leaves_no_markup_character(text):
    out = escape(text)
    assert not DANGEROUS.search(out)
    assert re.sub(r"&(amp|lt|gt|quot|#x27|#x60|#x24);", "", out).count("&") == 0


def test_escape_round_trips_through_an_html_parser():
    import html

    for payload in PAYLOADS:
        assert html.unescape(escape(payload)) == payload


def test_escape_drops_control_characters():
    assert escape("a\x00b\x1bc\td\ne") == "abc\td\ne"
    assert escape(None) == "" and escape(12) == "12"


@pytest.mark.parametrize("url, ok", [
    ("https://example.com/a?b=1", True), ("http://example.com", True), ("HTTPS://EXAMPLE.COM", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,<script>", False),
    ("//evil.example", False), ("/relative", False), ("ftp://example.com", False), ("https://", False),
    ("https://exa mple.com", False), ("https://example.com/\nx", False), ("", False), (None, False),
])
def test_only_http_links(url, ok):
    assert (safe_url(url) is not None) is ok


def test_link_escapes_its_parts():
    assert link("https://example.com/?a=1&b=\"x\"", "<b>T</b>") == (
        '<a href="https://example.com/?a=1&amp;b=&quot;x&quot;" target="_blank" '
        'rel="noopener noreferrer nofollow">&lt;b&gt;T&lt;/b&gt;</a>')
    assert link("javascript:alert(1)", "T") == "T"


def test_marked_wraps_spans_and_escapes_the_rest():
    text = "A <b> near Goris & Kapan, ${x}"
    goris = text.index("Goris")
    kapan = text.index("Kapan")
    out = marked(text, [Mark(kapan, kapan + 5, "atlas-selected", "Kapan <town>"), Mark(goris, goris + 5)])
    assert out == ('A &lt;b&gt; near <mark class="atlas-place">Goris</mark> &amp; '
                   '<mark class="atlas-selected" title="Kapan &lt;town&gt;">Kapan</mark>, &#x24;{x}')


def test_marked_clips_and_drops_overlaps_and_keeps_lines():
    text = "ab\ncdef\r\ngh"
    assert marked(text, [Mark(1, 5), Mark(4, 6), Mark(0, 1, "x")], 1, 9, newlines=True) == (
        '<mark class="atlas-place">b<br>cd</mark>ef<br>')


@given(st.integers(0, 400), st.integers(0, 400), st.integers(1, 80), st.integers(10, 300))
def test_excerpt_keeps_the_focus(a, length, flen, limit):
    s, e = a, a + length
    fs = s + (length // 3)
    fe = min(e, fs + flen)
    if fs >= fe:
        return
    win = excerpt(s, e, (fs, fe), limit)
    assert s <= win.start <= fs and fe <= win.end <= e
    assert win.end - win.start <= max(limit, fe - fs)
    assert win.cut_left == (win.start > s) and win.cut_right == (win.end < e)


@given(st.text(alphabet="ab ", min_size=1, max_size=400), st.data())
def test_excerpt_words_keeps_the_focus_and_whole_words(text, data):
    fs = data.draw(st.integers(0, len(text) - 1))
    fe = data.draw(st.integers(fs + 1, min(len(text), fs + 20)))
    win = excerpt_words(text, 0, len(text), (fs, fe), 60)
    assert win.start <= fs and fe <= win.end and win.end - win.start <= max(60, fe - fs)
    if win.cut_left and win.start > 0 and text[win.start - 1] != " ":
        assert " " not in text[max(0, win.start - 1):min(fs, win.start + 29)]
    if win.cut_right and win.end < len(text) and text[win.end] != " ":
        assert " " not in text[max(fe, win.end - 30):win.end]


def test_marked_excerpt_adds_ellipses():
    text = "x" * 300 + " Vardenis " + "y" * 300
    start = text.index("Vardenis")
    out = marked_excerpt(text, (0, len(text)), [Mark(start, start + 8)], (start, start + 8), 100)
    assert out.startswith("… ") and out.endswith(" …") and "<mark class=\"atlas-place\">Vardenis</mark>" in out


# -- markers, tooltips, popups ------------------------------------------------------------------------
def place(name="Vardenis", events=3, samples=(), kind="town", pid=616108):
    return PlaceSummary(pid, name, kind, "AM", 40.18, 45.73, events, 2, tuple(samples))


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | dict):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def test_marker_data_holds_what_popups_and_tooltips_show():
    sentence = "Shelling hit Vardenis overnight."
    other = "Vardenis and Sotk."
    data = json.loads(marker_data([place(samples=[
        Sample(sentence, (0, len(sentence)), (13, 21), "Clashes", "2022-09-13"),
        Sample(other, (0, len(other)), (0, 8), "Clashes", None),
        Sample(sentence, (0, len(sentence)), (13, 21), None, None)])]))
    assert data["titles"] == ["Clashes", "Untitled"]  # shared by the places and sentences of one article
    (row,) = data["rows"]
    assert row[:9] == [40.18, 45.73, 616108, "town", "town", 3, 2, "Vardenis", "AM"]
    assert row[12] == "Armenia"  # the tooltip's country
    assert row[11] == [["Shelling hit ", "Vardenis", " overnight.", 0, "2022-09-13"],
                       ["", "Vardenis", " and Sotk.", 0, "undated"],
                       ["Shelling hit ", "Vardenis", " overnight.", 1, "undated"]]


def test_long_sentences_are_cut_around_the_name():
    sentence = "x" * 300 + " Vardenis " + "y" * 300
    start = sentence.index("Vardenis")
    (row,) = json.loads(marker_data([place(samples=[Sample(sentence, (0, len(sentence)), (start, start + 8),
                                                           "T", None)])]))["rows"]
    before, name, after, _, _ = row[11][0]
    assert before.startswith("… ") and after.endswith(" …") and name == "Vardenis"
    assert len(before) + len(name) + len(after) <= 240 + 4


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_text_reaches_the_marker_data_escaped(payload):
    sentence = f"Near Vardenis {payload} it went on."
    data = json.loads(marker_data([place(name=f"Vardenis {payload}", samples=[
        Sample(sentence, (0, len(sentence)), (5, 13), f"T {payload}", payload)])]))
    found = list(strings(data))
    assert any(escape(payload) in s for s in found)  # it is there, escaped
    for s in found:
        assert not DANGEROUS.search(s), s


def test_marker_script_embeds_the_data_as_json_only():
    payload = "</script><!-- {{ 7*7 }} {% raw %} ${alert(1)}`"
    data = marker_data([place(name=payload, samples=[Sample(payload, (0, len(payload)), (0, 9), payload, None)])])
    assert "<" not in data and "`" not in data and "${" not in data
    layer = PlaceMarkers(data)
    assert json.loads(layer.data)["rows"][0][7].startswith("&lt;/script&gt;&lt;!-- {{ 7*7 }}")
    script = _get_feature_group_string(place_layer(data=data), base_map())
    embedded = script.split("var data = ", 1)[1].split(";\n", 1)[0]
    assert json.loads(embedded) == json.loads(data)  # not templated: {{ 7*7 }} stays as it was


def test_kinds_look_different():
    rows = json.loads(marker_data([place(kind="town", pid=1), place(kind="province", pid=2),
                                   place(kind="region", pid=3), place(kind="country", pid=4),
                                   place(kind="terrain", pid=5)]))["rows"]
    assert [row[3] for row in rows] == ["town", "area", "area", "country", "feature"]
    assert rows[3][9] > rows[3][10]  # countries are wide pills (drawn beneath the rest)
    assert rows[0][9] == rows[0][10]


def test_markers_grow_with_their_events():
    counts = (1, 2, 3, 5, 10, 25, 100, 400, 4000, 99_999)
    sizes = [json.loads(marker_data([place(events=n)]))["rows"][0][9] for n in counts]
    assert sizes == sorted(sizes) and sizes[0] == 22 and sizes[-1] <= 56
    assert sizes[0] < sizes[1] < sizes[2] < sizes[3] < sizes[4] < sizes[5] < sizes[6]  # graduated, not stepped
    assert all(size >= 14 + 8 * len(str(n)) for size, n in zip(sizes, counts, strict=True))  # the number fits


# -- the frame -----------------------------------------------------------------------------------------
def spot(lat, lon, events=1, kind="town"):
    return PlaceSummary(0, "p", kind, "AM", lat, lon, events, 1)


def test_the_frame_holds_most_events_not_every_outlier():
    caucasus = [spot(39.85, 46.65, 23, "region"), spot(40.18, 44.51, 2), spot(39.5, 46.3), spot(39.2, 46.4),
                spot(40.2, 45.9), spot(40.5, 45.4), spot(42.3, 44.5, 1, "region"), spot(39.3, 45.4, 2, "province")]
    outliers = [spot(55.75, 37.62, 2), spot(50.85, 4.35)]
    countries = [spot(61.7, 99.9, 1, "country"), spot(49.1, 31.2, 3, "country"), spot(40.3, 47.7, 6, "country")]
    (s, w), (n, e) = frame_of(caucasus + outliers + countries)
    assert 38.5 < s < 40 and 42 < n < 43.5 and 43.5 < w < 45 and 46.5 < e < 47.5


def test_the_frame_of_one_place_or_only_countries():
    (s, w), (n, e) = frame_of([spot(39.5, 46.3, 4)])
    assert (s, w, n, e) == (39.0, 45.8, 40.0, 46.8)  # one degree around a single town
    (s, w), (n, e) = frame_of([spot(40.2, 45.0, 5, "country"), spot(40.3, 47.7, 6, "country")])
    assert s < 40.2 and n > 40.3 and w < 45.0 and e > 47.7  # countries alone frame themselves
    assert frame_of([]) is None and frame_of([spot(float("nan"), 1.0)]) is None


def test_the_frame_travels_with_the_markers_and_is_fitted_without_animation():
    frame = ((39.2, 44.3), (42.6, 46.9))
    script = _get_feature_group_string(place_layer([place()], frame=frame), base_map())
    assert "var frame = [[39.2, 44.3], [42.6, 46.9]];" in script
    assert "animate: false" in script and "window.atlasFrame !== frameKey" in script  # once per frame
    assert "var frame = null;" in _get_feature_group_string(place_layer([place()]), base_map())


# -- offline -------------------------------------------------------------------------------------------
def _links(m: folium.Map) -> list[str]:
    """The scripts and styles st_folium loads for this map (it walks the elements the same way)."""
    out = []

    def walk(el):
        out.extend(src for _, src in getattr(el, "default_js", []))
        out.extend(href for _, href in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return out


def test_map_loads_everything_from_the_repository():
    m = base_map([[39.0, 45.0], [41.0, 47.0]])
    place_layer([place()]).add_to(m)
    links = _links(m)
    assert links and set(links) == {PRELOAD} | {src for _, src in JS + CSS}
    assert links[0] == PRELOAD  # the first script of the frame asks for the rest at once
    preload = urllib.parse.urlsplit(PRELOAD)
    asked = urllib.parse.parse_qs(preload.query)
    assert asked == {"script": [src for _, src in JS], "style": [href for _, href in CSS], "outlines": [WORLD_ATLAS]}
    for url in [preload.path, *links[1:], WORLD_ATLAS]:
        assert url.startswith("/app/static/") and "?" not in url
        assert (STATIC / url.removeprefix("/app/static/")).is_file(), url
    m.get_root().render()
    header = _get_header(m)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", header)


def test_basemap_is_fetched_not_embedded_and_osm_is_off():
    m = base_map()
    m.get_root().render()
    script = _get_map_string(m)
    assert "fetch(\"/app/static/vendor/world-atlas/countries-50m.json\")" in script  # (unless preload.js did)
    assert (STATIC / "vendor/world-atlas/countries-50m.json").is_file()
    assert len(script) < 20_000  # the outlines are not in the script
    remote = set(re.findall(r"https?://[^\s\"'\\]+", script))
    # anchors in the attribution, and the OSM tile template of a layer that is not added
    assert {u for u in remote if "{z}" in u} == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    tile_var = re.search(r"var (tile_layer_\w+) = L\.tileLayer", script).group(1)
    assert f"{tile_var}.addTo" not in script
    assert f'"{OSM_NAME}" : {tile_var}' in script
    assert "GeoNames" in script and "CC BY 4.0" in script and "Natural Earth" in script
    assert "maxZoom" in script  # markercluster needs it when there is no tile layer


def test_base_map_is_stable_across_filters():
    """The same script (so st_folium keeps its iframe) whatever the markers, and with no animated fit
    (an animated zoom would end over the view a shared link asks for)."""
    def script(*bounds):
        m = base_map(*bounds)
        m.get_root().render()
        return re.sub(r"_[a-z0-9]+", "", _get_map_string(m))
    assert script() == script()
    assert "fitBounds(" not in script().replace("map.fitBounds([[-58.0, -170.0], [75.0, 190.0]], {animate: false})", "")
    assert "animate: false" in script([[39.0, 45.0], [41.0, 47.0]])


def test_the_map_has_a_whole_world_button_and_a_legend():
    m = base_map()
    m.get_root().render()
    script = _get_map_string(m)
    assert "Show the whole world" in script and json.dumps(WORLD) in script
    legend = legend_html()
    assert "town or city (round)" in script and "100 events or more" in script  # (as JSON, markup escaped)
    for words in ("town or city (round)", "(square)", "(diamond)", "whole country", "under 10 events",
                  "10 to 99 events", "100 events or more", "the selected place",
                  "Numbers count distinct events", "distinct sources"):
        assert words in legend, words
    assert not re.search(r"[`$]", legend) and "<script" not in legend


# -- clicks --------------------------------------------------------------------------------------------
MARKERS = (Spot(616108, 40.1827, 45.73156, "Vardenis · town · Armenia"),
           Spot(-3008562254, 39.3, 46.2, "Syunik · province · Armenia"),
           Spot(7, 39.3, 46.2, "Syunik · town · Armenia"))


def click(lat, lng, count, tooltip=None):
    return {"last_object_clicked": {"lat": lat, "lng": lng}, "last_object_clicked_tooltip": tooltip,
            "last_object_clicked_count": count}


def test_a_new_click_selects_the_place_at_its_position():
    value = click(40.1827, 45.73156, 2, "Vardenis · town · Armenia")
    assert selected_place(value, None, MARKERS) == (616108, 2)
    assert selected_place(value, 0, MARKERS) == (616108, 2)
    assert selected_place(click(40.18271, 45.731555, 3), 2, MARKERS) == (616108, 3)  # (the map's own rounding)
    assert selected_place(click(40.1827, 45.73156 + 360, 3), 2, MARKERS) == (616108, 3)  # a copy of the world


def test_the_same_value_again_selects_nothing():
    assert selected_place(click(40.1827, 45.73156, 2), 2, MARKERS) == (None, 2)


def test_clicking_the_same_marker_again_selects_it_again():
    assert selected_place(click(40.1827, 45.73156, 4), 2, MARKERS) == (616108, 4)


def test_places_at_one_position_are_told_apart_by_the_tooltip():
    assert selected_place(click(39.3, 46.2, 1, "Syunik · town · Armenia"), None, MARKERS) == (7, 1)
    assert selected_place(click(39.3, 46.2, 1, "Syunik · province · Armenia"), None, MARKERS) == (-3008562254, 1)
    assert selected_place(click(39.3, 46.2, 1), None, MARKERS) == (-3008562254, 1)  # else the busiest


@pytest.mark.parametrize("value", [
    None, {}, {"last_object_clicked": None, "last_object_clicked_count": None},
    click(40.1827, 45.73156, None), click(40.1827, 45.73156, "1"), click(40.1827, 45.73156, True),
    click(41.0, 45.73156, 1), click("40.1827", 45.73156, 1), click(float("nan"), 45.73156, 1),
    click(True, 45.73156, 1), {"last_object_clicked": [40.1827, 45.73156], "last_object_clicked_count": 1},
])
def test_values_without_a_click_on_a_marker(value):
    assert selected_place(value, None, MARKERS)[0] is None
    assert place_at(None, None, MARKERS) is None


def test_returned_objects_are_minimal():
    assert set(RETURNED_OBJECTS) == {"last_object_clicked", "last_object_clicked_tooltip", "last_object_clicked_count"}


def test_tooltips_name_kind_and_country_and_no_id():
    assert tooltip_label("Goris", "town", "AM") == "Goris · town · Armenia"
    assert tooltip_label("Caucasus", "region", None) == "Caucasus · region · no country"
    (goris,) = spots([PlaceSummary(174895, "Goris", "town", "AM", 39.511114, 46.341677, 1, 1)])
    assert goris == Spot(174895, 39.51111, 46.34168, "Goris · town · Armenia")
    script = _get_feature_group_string(place_layer([place()]), base_map())
    assert "#' + r[2]" not in script and "atlas-id" not in script
    assert "m.bindTooltip(r[7] + ' · ' + r[4] + ' · ' + r[12]" in script  # (bound at a marker's first hover)
