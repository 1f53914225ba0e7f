"""Every URL parameter is validated (issue 13, item 3): ids within SQLite's 64-bit signed range, dates,
numbers, lists; a malformed or out-of-range value is ignored with a note, never an exception.

The codec (:meth:`dashboard.store.EventFilter.read_params`, :func:`dashboard.page.state.to_int`) is tested
directly, with the SQL its filter makes run on a store; the page with Streamlit's AppTest, arbitrary text
thrown at every parameter (hypothesis)."""
from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard.page.markup import escape_markdown
from dashboard.page.state import ignored_note, to_int
from dashboard.store import MAX_FILTER_PLACES, EventFilter, Store
from dashboard.store.filters import EVENT_TYPE_CODES, ID_MAX, ID_MIN, MAX_MIN_SOURCES, URL_PARAMS, Ignored, as_id

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TOO_BIG = str(ID_MAX + 1)  # 9223372036854775808: an OverflowError when SQLite binds it
TOO_SMALL = str(ID_MIN - 1)

# Values that broke, or could break, a parser: beyond 64 bits, not finite, digits that are not ASCII,
# underscores, hex, dates out of range or in other forms, markup, controls, case folding, a long text.
NASTY = [TOO_BIG, TOO_SMALL, "99999999999999999999", "9" * 5000, "-0", "+7", " 42 ", "1e999", "-1e999", "1e-999",
         "NaN", "nan", "inf", "-Infinity", "0x1A", "1_000", "١٢٣", "²", "٣.٥", "0.5", "1.0000000001", "-0.0", "",
         " ", ",", ",,1,,", "2022-13-01", "2022-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
         "2022-W01-1", "20220101", "2022-01-01T10:00", "yesterday", "<script>alert(1)</script>",
         "![x](http://203.0.113.7/p.png)", "[a](javascript:alert(1))", "${x}", "`x`", "\x00", "a\x00b", "\u202e",
         "\ufeff", "ß", "ǅ", "ﬀ", "AM", "am,az", "ZZ", "all", "ALL", "literal", "town,planet", "TOWN",
         "0123456789ABCDEF", "0123456789abcdeg", "x" * 300, "%", "_", "\\", "'; DROP TABLE event; --"]


def value_strategy() -> st.SearchStrategy:
    one = st.one_of(st.text(), st.text(alphabet="0123456789-+.,eE naif ", max_size=30), st.sampled_from(NASTY),
                    st.integers(min_value=-(2**80), max_value=2**80).map(str), st.floats().map(str))
    return st.one_of(one, st.lists(one, min_size=1, max_size=4),  # given several times
                     st.lists(one, max_size=5).map(",".join))  # a comma-separated list


# -- the codec ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, want", [
    ("616108", 616108), ("-3", -3), (" 42 ", 42), ("+7", 7), (ID_MAX, ID_MAX), (str(ID_MAX), ID_MAX),
    (str(ID_MIN), ID_MIN), (TOO_BIG, None), (TOO_SMALL, None), ("99999999999999999999", None), (2**64, None),
    ("9" * 5000, None), ("١٢٣", None), ("1_000", None), ("0x1A", None), ("1e3", None), ("", None), (None, None),
    (True, None), (1.0, None), ("x<script>", None),
])
def test_ids_are_ascii_integers_within_64_bits(value, want):
    assert as_id(value) == want
    assert to_int(value) == want


def test_filters_drop_ids_beyond_64_bits():
    flt = EventFilter.from_params({"places": f"{TOO_BIG},99999999999999999999,616108,{TOO_SMALL},{ID_MAX}"})
    assert flt.places == (616108, ID_MAX)
    assert EventFilter(places=(2**63, -(2**63) - 1, 5, "6", "١٢٣")).places == (5, 6)


def test_what_is_ignored_is_said():
    flt, ignored = EventFilter.read_params({
        "from": "yesterday", "to": "2022-09-13", "undated": "perhaps", "countries": "0", "country": "AM,A1,<b>",
        "places": f"616108,{TOO_BIG}", "article": "../x", "kind": "town,planet", "conf": "NaN", "q": "x" * 300,
        "mentions": "some"})
    assert flt == EventFilter(None, datetime.date(2022, 9, 13), True, False, country=("AM",), places=(616108,),
                              kinds=("town",), text="x" * 200)
    assert [(i.param, i.value) for i in ignored] == [
        ("from", "yesterday"), ("undated", "perhaps"), ("country", "A1,<b>"), ("places", TOO_BIG),
        ("article", "../x"), ("kind", "planet"), ("conf", "NaN"), ("q", "x" * 300), ("mentions", "some")]
    assert EventFilter.read_params({"q": "x" * 300})[0].text == "x" * 200  # a long search is cut, and said so


@pytest.mark.parametrize("conf, want", [("inf", 0.0), ("-inf", 0.0), ("nan", 0.0), ("1e999", 0.0), ("٠.٥", 0.0),
                                        ("lots", 0.0), ("1.5", 1.0), ("-0.1", 0.0)])
def test_a_confidence_not_from_0_to_1_is_ignored_or_clamped_and_said(conf, want):
    flt, ignored = EventFilter.read_params({"conf": conf})
    assert flt.min_confidence == want and [i.param for i in ignored] == ["conf"]


def test_valid_and_default_values_are_not_noted():
    flt = EventFilter(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), False, False, country=("AM", "AZ"),
                      places=(616108, -5), article="0123456789abcdef", kinds=("town", "region"), min_confidence=0.5,
                      text="shelling", every_mention=True)
    assert EventFilter.read_params(flt.to_params()) == (flt, [])
    assert EventFilter.read_params({}) == (EventFilter(), [])
    assert EventFilter.read_params({"from": "", "q": " ", "places": ",", "mentions": ""}) == (EventFilter(), [])
    # reversed dates are swapped, not ignored; a list given twice keeps its last value
    assert EventFilter.read_params({"from": "2022-12-31", "to": "2022-01-01", "conf": ["0.9", "0.25"]}) == (
        EventFilter(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), min_confidence=0.25), [])


def test_too_many_places_are_cut_and_said():
    flt, ignored = EventFilter.read_params({"places": ",".join(map(str, range(MAX_FILTER_PLACES + 50)))})
    assert len(flt.places) == MAX_FILTER_PLACES and [i.param for i in ignored] == ["places"]


def test_the_note_quotes_values_shortly():
    note = ignored_note([Ignored("place", TOO_BIG, "not a place id"), Ignored("q", "y" * 300, "cut")])
    assert note.startswith(f"Ignored in this link: place “{TOO_BIG}” (not a place id); q “yyy")
    assert len(note) < 150


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(URL_PARAMS), value_strategy(), max_size=len(URL_PARAMS)))
def test_any_url_makes_a_filter_the_store_can_run(seeded, params):
    flt, ignored = EventFilter.read_params(params)
    assert all(i.param in URL_PARAMS for i in ignored)
    assert EventFilter.read_params(flt.to_params()) == (flt, [])  # what the page writes back is clean
    with Store(seeded / "atlas.sqlite") as store:
        store.place_counts(flt)
        store.event_records(flt, limit=5)
        store.date_range(flt)
    assert to_int(params.get("place")) is None or ID_MIN <= to_int(params.get("place")) <= ID_MAX


# -- the page -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def home(seeded):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATLAS_HOME", str(seeded))
        yield seeded


def open_page(params: dict) -> AppTest:
    """The page opened on a link with ``params``: its first page, then the run that completes it."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if "_rest_due" in at.session_state:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("params", [{"place": TOO_BIG}, {"places": "99999999999999999999"},
                                    {"place": TOO_SMALL, "places": f"{TOO_BIG},{TOO_SMALL}"}])
def test_ids_beyond_64_bits_are_ignored_with_a_note(home, params):
    at = open_page(params)
    notes = [i.value for i in at.info if "Ignored in this link" in i.value]
    assert len(notes) == 1
    for name in params:
        assert escape_markdown(f"{name} “") in notes[0]
    assert "not a place id" in notes[0].replace("\\", "")
    assert at.selectbox(key="place_pick").value is None and at.multiselect(key="f_places").value == []
    assert dict(at.query_params) == {}


def test_the_note_is_escaped(home):
    at = open_page({"country": "![x](http://203.0.113.7/p.png)"})
    (note,) = [i.value for i in at.info if "Ignored in this link" in i.value]
    assert note == escape_markdown(ignored_note([Ignored("country", "![x](http://203.0.113.7/p.png)",
                                                          "not a country code (two letters)")]))


def test_a_clean_link_has_no_note(home):
    at = open_page({"from": "2022-01-01", "kind": "town", "conf": "0.5"})
    assert not [i for i in at.info if "Ignored in this link" in i.value]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.fixed_dictionaries({}, optional={name: value_strategy() for name in URL_PARAMS}))
def test_no_url_raises_in_the_page(home, params):
    assert os.environ["ATLAS_HOME"] == str(home)
    at = open_page(params)  # asserts no exception element, on the first page and the run after it
    # the page writes back only what it understood
    _, ignored = EventFilter.read_params(at.query_params)
    assert ignored == [] and set(at.query_params) <= set(URL_PARAMS)
    if "place" in at.query_params:
        assert to_int(at.query_params["place"]) is not None
    # anything ignored is said
    said = " ".join(i.value for i in at.info if "Ignored in this link" in i.value)
    _, want = EventFilter.read_params(params)
    for i in want:
        assert escape_markdown(f"{i.param} “") in said


# -- event types and a minimum number of sources (issue 10, item 5) ------------------------------------
def test_event_types_and_min_sources_round_trip():
    flt = EventFilter(event_types=("Strategic developments", "Battles"), min_sources=3)
    assert flt.event_types == ("Battles", "Strategic developments")  # ACLED's order, each once
    assert flt.to_params() == {"type": "battles,strategic", "sources": "3"}
    assert EventFilter.read_params(flt.to_params()) == (flt, [])
    every = EventFilter(event_types=tuple(EVENT_TYPE_CODES.values()))
    assert EventFilter.read_params(every.to_params()) == (every, [])
    # the full names are understood too, in any case for the short ones; defaults leave the URL
    assert EventFilter.from_params({"type": ["Explosions/Remote violence", "RIOTS"]}).event_types == (
        "Explosions/Remote violence", "Riots")
    assert EventFilter(min_sources=1).to_params() == {} and EventFilter.from_params({"sources": "1"}) == EventFilter()


@pytest.mark.parametrize("params, want, noted", [
    ({"type": "battles,wars"}, EventFilter(event_types=("Battles",)), [("type", "wars")]),
    ({"type": "<script>"}, EventFilter(), [("type", "<script>")]),
    ({"sources": "0"}, EventFilter(), [("sources", "0")]),
    ({"sources": "-2"}, EventFilter(), [("sources", "-2")]),
    ({"sources": "2.5"}, EventFilter(), [("sources", "2.5")]),
    ({"sources": TOO_BIG}, EventFilter(), [("sources", TOO_BIG)]),
    ({"sources": "5000"}, EventFilter(min_sources=MAX_MIN_SOURCES), [("sources", "5000")]),
    ({"sources": ["9", "2"]}, EventFilter(min_sources=2), []),
])
def test_a_bad_type_or_number_of_sources_is_ignored_and_said(params, want, noted):
    flt, ignored = EventFilter.read_params(params)
    assert flt == want and [(i.param, i.value) for i in ignored] == noted


def test_the_type_and_sources_filters_run_on_a_store(seeded):
    with Store(seeded / "atlas.sqlite") as store:
        every = store.count_events(None)
        battles = store.count_events(None, EventFilter.from_params({"type": "battles"}))
        assert 0 < battles < every
        assert {r.event_type for r in store.event_records(EventFilter.from_params({"type": "battles"}))} == {"Battles"}
        sourced = store.event_records(EventFilter.from_params({"sources": "2"}))
        assert sourced and all(r.sources >= 2 for r in sourced)
        assert len(sourced) < every
