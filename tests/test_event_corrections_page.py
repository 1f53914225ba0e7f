"""The page's forms for an event's type, deaths and event across articles (dashboard/page/correct_event.py),
driven with Streamlit's AppTest on a copy of the seeded store: a correction applied shows in the store,
the table and the exports' rows, and its Undo takes it back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import export
from dashboard.page.markup import escape
from dashboard.store import EventFilter, Store

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def fresh(seeded, tmp_path, monkeypatch):
    """A copy of the seeded store that a test may change."""
    home = tmp_path / "fresh"
    home.mkdir()
    for f in seeded.iterdir():
        if f.name.startswith("atlas.sqlite"):
            shutil.copy(f, home / f.name)
    monkeypatch.setenv("ATLAS_HOME", str(home))
    return home


def run(at: AppTest) -> AppTest:
    """A run of the page (and the run that completes a session's first page)."""
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if "_rest_due" in at.session_state:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def open_place(home: Path, name: str) -> tuple[AppTest, tuple[str, int], int]:
    """The page with the place selected, the sentence (article, sent_start) of the mention its correction
    form chose, and the place's id."""
    with Store(home / "atlas.sqlite") as store:
        place = next(p.id for p in store.place_counts() if p.name == name)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(place)
    run(at)
    article, start, end = at.selectbox(key="fix_mention").value.rsplit(":", 2)
    with Store(home / "atlas.sqlite") as store:
        (sent_start,) = {r.sent_start for r in store.event_records(EventFilter(places=(place,)))
                         if r.article_id == article and r.mention == (int(start), int(end))}
    return at, (article, sent_start), place


def rows(home: Path, sentence: tuple[str, int]) -> list:
    with Store(home / "atlas.sqlite") as store:
        return [r for r in store.event_records(EventFilter(every_mention=True))
                if (r.article_id, r.sent_start) == sentence]


def test_changing_an_event_type_and_its_deaths_in_the_page_and_undoing_them(fresh):
    at, sentence, _ = open_place(fresh, "Artanish")
    token = f"{sentence[0]}:{sentence[1]}"
    (before,) = {(r.event_type, r.sub_event_type) for r in rows(fresh, sentence)}
    assert before[0] == "Explosions/Remote violence"
    assert at.selectbox(key=f"fix_type_{token}").value == before[0]
    assert at.button(key="fix_type_apply").disabled  # nothing changed yet
    assert not [b for b in at.button if b.key == "fix_type_undo"]
    at.selectbox(key=f"fix_type_{token}").set_value("Battles")
    run(at)
    assert at.selectbox(key=f"fix_sub_type_{token}").options[1:] == [
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory"]
    at.selectbox(key=f"fix_sub_type_{token}").set_value("Armed clash")
    run(at)
    at.button(key="fix_type_apply").click()
    run(at)
    assert "now of the type “Battles (Armed clash)”" in html_of(at)
    changed = rows(fresh, sentence)
    assert {(r.event_type, r.sub_event_type, r.type_corrected) for r in changed} == {("Battles", "Armed clash", True)}
    assert export.record(changed[0])["event_type"] == "Battles"
    (table,) = at.dataframe  # the events table shows the place's event with its corrected type
    assert list(table.value["type"]) == ["Battles"]
    # the deaths: a range
    at.number_input(key=f"fix_deaths_{token}").set_value(2)
    at.number_input(key=f"fix_deaths_high_{token}").set_value(4)
    run(at)
    at.button(key="fix_deaths_apply").click()
    run(at)
    assert "now report 2 to 4 killed" in html_of(at)
    assert {(r.fatalities, r.fatalities_high, r.deaths_corrected) for r in rows(fresh, sentence)} == {(2, 4, True)}
    assert list(at.dataframe[0].value["deaths"]) != [""]
    # a highest figure below the count is refused, and nothing changes
    at.number_input(key=f"fix_deaths_high_{token}").set_value(1)
    run(at)
    at.button(key="fix_deaths_apply").click()
    run(at)
    assert "Nothing was corrected" in html_of(at) and "below the count" in html_of(at)
    assert {(r.fatalities, r.fatalities_high) for r in rows(fresh, sentence)} == {(2, 4)}
    # undo both: the machine's type and no deaths again, and the form shows them
    at.button(key="fix_type_undo").click()
    run(at)
    kind = f"{before[0]} ({before[1]})" if before[1] else before[0]
    assert f"Undone: the sentence&#x27;s events are of the type “{kind}” again." in html_of(at)  # says what it is
    at.button(key="fix_deaths_undo").click()
    run(at)
    assert "Undone: the sentence&#x27;s events report no number of deaths again." in html_of(at)
    assert {(r.event_type, r.sub_event_type, r.type_corrected, r.fatalities, r.deaths_corrected)
            for r in rows(fresh, sentence)} == {(*before, False, None, False)}
    assert at.selectbox(key=f"fix_type_{token}").value == before[0]
    assert at.number_input(key=f"fix_deaths_{token}").value is None
    assert not [b for b in at.button if b.key in ("fix_type_undo", "fix_deaths_undo")]


def test_merging_an_event_at_the_place_splitting_it_again_and_undoing(fresh):
    at, sentence, place = open_place(fresh, "Moscow")
    (cluster,) = {r.cluster_id for r in rows(fresh, sentence)}
    options = at.selectbox(key="fix_merge").options
    assert options and all(" article" in o for o in options)
    assert not [b for b in at.button if b.key == "fix_split"]  # one report: nothing to split
    at.selectbox(key="fix_merge").select_index(0)
    run(at)
    token = at.selectbox(key="fix_merge").value
    other = (token.rsplit(":", 1)[0], int(token.rsplit(":", 1)[1]))
    at.button(key="fix_merge_apply").click()
    run(at)
    assert "The two events are now one." in html_of(at)
    assert len({r.cluster_id for r in rows(fresh, sentence)} | {r.cluster_id for r in rows(fresh, other)}) == 1
    assert {r.reports for r in rows(fresh, sentence)} == {r.reports for r in rows(fresh, other)}
    assert "Corrections of this report" in html_of(at) and "merged" in html_of(at)
    # the merged event has two reports: the split is offered; it takes this report out again
    at.button(key="fix_split").click()
    run(at)
    assert "an event of its own" in html_of(at)
    assert not {r.cluster_id for r in rows(fresh, sentence)} & {r.cluster_id for r in rows(fresh, other)}
    at.button(key="fix_cluster_undo").click()  # the split
    run(at)
    assert "Undone: the sentence is back in the event it was part of." in html_of(at)
    assert {r.cluster_id for r in rows(fresh, sentence)} == {r.cluster_id for r in rows(fresh, other)}
    at.button(key="fix_cluster_undo").click()  # the merge
    run(at)
    assert {r.cluster_id for r in rows(fresh, sentence)} == {cluster}
    assert not [b for b in at.button if b.key == "fix_cluster_undo"]
    with Store(fresh / "atlas.sqlite") as store:
        assert store._query("SELECT count(*) FROM cluster_correction") == [(0,)]
        assert place in {p.id for p in store.place_counts()}


def test_event_corrections_are_listed_with_what_they_set_and_undone_from_the_list(fresh):
    with Store(fresh / "atlas.sqlite") as store:
        record = next(r for r in store.event_records() if r.mention is not None)
        key = (record.article_id, record.sent_start)
        store.correct_type(*key, "Battles", "Armed clash", author="ben")
        store.correct_deaths(*key, 2, 4, author="ben")
        store.correct_role(record.article_id, *record.mention, "associative", author="ana")
        deaths_id = next(f.id for f in store.event_fixes() if f.kind == "deaths")
    at = run(AppTest.from_file(APP, default_timeout=120))
    assert any(e.label == "Event corrections (3)" for e in at.expander)
    lines = [h.value for h in at.get("html") if 'data-fix="' in h.value]
    assert len(lines) == 3
    said = "\n".join(lines)
    assert "<b>Battles (Armed clash)</b>" in said and "<b>2 to 4 killed</b>" in said
    assert "read as: Not where it happened (an actor or a source)" in said
    assert "by ben" in said and "by ana" in said and escape(record.title or "Untitled") in said
    at.button(key=f"undo_deaths_{deaths_id}").click()
    run(at)
    assert "Undone: the sentence&#x27;s events report no number of deaths again." in html_of(at)
    assert any(e.label == "Event corrections (2)" for e in at.expander)
    with Store(fresh / "atlas.sqlite") as store:
        assert sorted(f.kind for f in store.event_fixes()) == ["role", "type"]


@pytest.mark.parametrize("kind, value, detail", [("role", "<b>x</b>", None), ("date", None, None),
                                                  ("type", "<i>t</i>", "<u>s</u>"), ("deaths", 3, None),
                                                  ("split", None, None), ("merge", "a2", 5)])
def test_the_event_corrections_list_escapes_what_articles_and_people_say(kind, value, detail):
    from dashboard.page.correct_event import fix_html
    from dashboard.store import EventFix

    hostile = EventFix(kind, 7, "a1", 0, 0, 5, value, detail, "<b>me</b>", "2022-09-13T08:00:00+00:00",
                       "<script>alert(2)</script>", "<img src=x onerror=alert(1)> was shelled.", "<svg onload=x>")
    line = fix_html(hostile)
    for tag in ("<script", "<img", "<svg", "<b>me", "<b>x", "<i>t", "<u>s"):
        assert tag not in line
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in line and "2022-09-13 08:00 UTC" in line
    assert ("&lt;svg onload=x&gt;" if kind == "role" else "&lt;img src=x onerror=alert(1)&gt;") in line
