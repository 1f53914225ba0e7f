"""The page's logic with Streamlit's AppTest: first launch, filters, URL state, undated switch, selection,
and article text shown escaped. (The map itself is an opaque component here; the browser tests drive it.)"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.articles import Article, article_from_text
from dashboard.events import extract_events
from dashboard.ingest import ingest_seeds
from dashboard.store import EventFilter, Store
from gazetteer.place import Place
from gazetteer.resolve import Mention

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DANGEROUS = re.compile(r"[<>\"'`$]")
OWN_TAG = re.compile(r"</?[a-z0-9]+(\s+[a-z-]+=\"[^\"<>'`$]*\")*\s*>")  # our tags, attribute values clean
VARDENIS_SENTENCE = "in the directions of Vardenis, Sotk, Artanish, Ishkhanasar, Goris and Kapan"


@pytest.fixture(scope="module")
def gazetteer():
    from gazetteer import Gazetteer

    with Gazetteer.open() as gaz:
        yield gaz


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, gazetteer):
    """A store with the seeds, made once; tests only read it."""
    home = tmp_path_factory.mktemp("seeded")
    with Store(home / "atlas.sqlite") as store:
        assert ingest_seeds(store, gazetteer).added == 5
    return home


@pytest.fixture
def app(seeded, monkeypatch):
    monkeypatch.setenv("ATLAS_HOME", str(seeded))
    return AppTest.from_file(APP, default_timeout=60)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def place_names(at: AppTest) -> set[str]:
    """The places the page offers (the same list the map's markers are made from)."""
    return {opt.rsplit(" (", 1)[0] for opt in at.selectbox(key="place_pick").options[1:]
            if "not in these dates" not in opt}


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def place_id(home: Path, name: str) -> int:
    with Store(home / "atlas.sqlite") as store:
        return next(p.id for p in store.place_counts() if p.name == name)


def only_in(home: Path, flt_out: EventFilter, flt_in: EventFilter) -> set[str]:
    with Store(home / "atlas.sqlite") as store:
        return {p.name for p in store.place_counts(flt_out)} - {p.name for p in store.place_counts(flt_in)}


# -- first launch --------------------------------------------------------------------------------------
def test_first_launch_ingests_the_seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_HOME", str(tmp_path / "new"))
    at = run(AppTest.from_file(APP, default_timeout=120))
    assert any("5 articles" in c.value for c in at.sidebar.caption)
    assert {"Vardenis", "Armenia", "Yerevan", "Goris"} <= place_names(at)
    assert at.get("component_instance") or at.get("unknown"), "the map component is on the page"
    with Store(tmp_path / "new" / "atlas.sqlite") as store:
        assert store.counts()["articles"] == 5
        sources = {store.article(a).source for (a,) in store._query("SELECT id FROM article")}
    assert sources == {f"seeds/{p.name}" for p in (Path(APP).parent.parent / "seeds").iterdir()}
    assert dict(at.query_params) == {}  # the default view needs no parameters
    credits = [c.value for c in at.main.caption if "GeoNames" in c.value]
    assert credits and "Natural Earth" in credits[0] and "CC BY 4.0" in credits[0]


def test_an_empty_store_without_seeds_says_how_to_add_articles(tmp_path, monkeypatch):
    import dashboard.ingest

    monkeypatch.setattr(dashboard.ingest, "SEEDS_DIR", tmp_path / "no-seeds")
    monkeypatch.setenv("ATLAS_HOME", str(tmp_path / "empty"))
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert any("atlas ingest" in i.value for i in at.info)
    assert place_names(at) == set()


# -- filters -------------------------------------------------------------------------------------------
def test_narrowing_the_dates_to_2022_removes_the_2021_only_places(app, seeded):
    at = run(app)
    before = place_names(at)
    first, last = at.date_input(key="dates").value
    assert (first, last) == (datetime.date(2021, 11, 16), datetime.date(2022, 9, 14))
    at.date_input(key="dates").set_value((datetime.date(2022, 1, 1), last))
    run(at)
    gone = only_in(seeded, EventFilter(), EventFilter(start=datetime.date(2022, 1, 1)))
    assert gone, "the seeds have places only 2021 articles mention"
    # only the 2021 articles mention Syunik and Nakhichevan (however the gazetteer names it)
    assert "Syunik" in gone and any(n.startswith(("Nakhichevan", "Nakhchivan")) for n in gone), gone
    assert place_names(at) == before - gone
    assert "Vardenis" in place_names(at)  # undated: kept
    assert at.query_params["from"] == "2022-01-01" and "to" not in at.query_params


def test_undated_switch(app, seeded):
    at = run(app)
    undated_only = only_in(seeded, EventFilter(), EventFilter(undated=False))
    assert {"Vardenis", "Sotk", "Artanish", "Ishkhanasar", "Goris", "Kapan"} <= undated_only
    at.toggle(key="undated").set_value(False)
    run(at)
    assert not (undated_only & place_names(at))
    assert at.query_params["undated"] == "0"
    at.toggle(key="undated").set_value(True)
    run(at)
    assert undated_only <= place_names(at)
    assert "undated" not in at.query_params


def test_country_switch_hides_country_level_places(app, seeded):
    at = run(app)
    assert {"Armenia", "Azerbaijan", "Russia"} <= place_names(at)
    at.toggle(key="countries").set_value(False)
    run(at)
    with Store(seeded / "atlas.sqlite") as store:
        countries = {p.name for p in store.place_counts() if p.kind == "country"}
    assert countries and not (countries & place_names(at))
    assert {"Vardenis", "Yerevan", "Nagorno-Karabakh"} <= place_names(at)
    assert at.query_params["countries"] == "0"


# -- the URL -------------------------------------------------------------------------------------------
def test_a_shared_link_restores_the_view(app, seeded):
    vardenis = place_id(seeded, "Vardenis")
    for key, value in {"from": "2022-01-01", "to": "2022-09-13", "countries": "0", "place": str(vardenis)}.items():
        app.query_params[key] = value
    at = run(app)
    assert at.date_input(key="dates").value == (datetime.date(2022, 1, 1), datetime.date(2022, 9, 13))
    assert at.toggle(key="undated").value is True
    assert at.toggle(key="countries").value is False
    assert at.selectbox(key="place_pick").value == vardenis
    assert VARDENIS_SENTENCE in re.sub(r"<[^>]+>", "", html_of(at))
    assert dict(at.query_params) == {
        "from": "2022-01-01", "to": "2022-09-13", "countries": "0", "place": str(vardenis)}
    assert "Armenia" not in place_names(at)


def test_a_malformed_link_falls_back_to_the_defaults(app):
    for key, value in {"from": "yesterday", "to": "1800-01-01", "undated": "perhaps", "place": "x<script>"}.items():
        app.query_params[key] = value
    at = run(app)
    first, last = at.date_input(key="dates").value
    assert first == last == datetime.date(2021, 11, 16)  # "to" clamped to the first date: a one-day range
    assert at.toggle(key="undated").value is True
    assert at.selectbox(key="place_pick").value is None
    assert "place" not in at.query_params


def test_a_link_to_a_place_not_in_the_store(app):
    app.query_params["place"] = "999999999"
    at = run(app)
    assert any("not in the store" in w.value for w in at.warning)
    assert "place" not in at.query_params


# -- selection -----------------------------------------------------------------------------------------
def test_selecting_a_place_lists_its_events_with_the_whole_article(app, seeded):
    at = run(app)
    vardenis = place_id(seeded, "Vardenis")
    at.selectbox(key="place_pick").set_value(vardenis)
    run(at)
    html = html_of(at)
    assert "<h3" in html and ">Vardenis</h3>" in html
    assert 'directions of <mark class="atlas-selected">Vardenis</mark>, Sotk' in html
    assert "Armenia Seeks Russia’s Aid in Deadly Azerbaijan Border Clashes" in html
    assert "undated" in html
    (expander,) = at.expander
    article = "\n".join(h.value for h in expander.get("html"))
    assert '<mark class="atlas-selected" title="Vardenis (town, AM)">Vardenis</mark>' in article
    assert '<mark class="atlas-place" title="Sotk' in article and '<mark class="atlas-place" title="Kapan' in article
    assert at.query_params["place"] == str(vardenis)
    # a place in several articles: one group each, newest first, undated last
    yerevan = place_id(seeded, "Yerevan")
    at.selectbox(key="place_pick").set_value(yerevan)
    run(at)
    dates = [line.split(" · ")[0].rsplit(">", 1)[-1] for line in html_of(at).split('class="atlas-meta">')[2:]]
    assert dates == sorted([d for d in dates if d != "undated"], reverse=True) + ["undated"] * dates.count("undated")
    assert len(at.expander) == 5


def test_the_selection_survives_a_filter_that_hides_it(app, seeded):
    at = run(app)
    vardenis = place_id(seeded, "Vardenis")
    at.selectbox(key="place_pick").set_value(vardenis)
    run(at)
    at.toggle(key="undated").set_value(False)
    run(at)
    assert at.selectbox(key="place_pick").value == vardenis
    assert any("0 events under the current filter" in c.value for c in at.caption)
    assert at.query_params["place"] == str(vardenis) and at.query_params["undated"] == "0"


def test_clearing_the_selection(app, seeded):
    app.query_params["place"] = str(place_id(seeded, "Goris"))
    at = run(app)
    at.selectbox(key="place_pick").set_value(None)
    run(at)
    assert "place" not in at.query_params
    assert not at.expander


# -- untrusted text ------------------------------------------------------------------------------------
PAYLOAD = ("<img src=x onerror=alert(1)> ${alert(1)} `${alert(2)}` <script>alert(3)</script> "
           "[x](javascript:alert(4)) $x^2$")


def test_article_text_is_shown_escaped(tmp_path, monkeypatch):
    home = tmp_path / "xss"
    goris = Place(174895, "Goris", 39.5111, 46.3417, "AM", "P", "PPLA2", 20000, "08")
    # As an HTML article about such payloads would read once its entities are decoded: the text holds them.
    text = f"Goris {PAYLOAD}\n\nSeptember 13, 2022\n\nShelling hit Goris {PAYLOAD} overnight.\n"
    title_end = text.index("\n")
    article = Article(text, "<b>evil</b>.txt", text[:title_end], (0, title_end), datetime.date(2022, 9, 13),
                      None, "utf-8", ((0, len(text)),))
    mentions = [Mention(i, i + 5, "Goris", goris, 0.9, ()) for i in (0, text.index("Goris", 10))]
    with Store(home / "atlas.sqlite") as store:
        assert store.add_article(article, mentions, extract_events(article, mentions), parser="test")
    monkeypatch.setenv("ATLAS_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["place"] = str(goris.id)
    run(at)
    pieces = [h.value for h in at.get("html") if not h.value.lstrip().startswith("<style>")]
    for piece in pieces:
        assert not DANGEROUS.findall(OWN_TAG.sub("", piece)), piece
    html = "\n".join(pieces)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&#x24;{alert(1)}" in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html and "&lt;b&gt;evil&lt;/b&gt;.txt" in html
    assert html.count('<mark class="atlas-selected"') >= 3  # the sentences and the whole article
    # nothing of the article goes through Markdown (labels, captions, markdown elements)
    for element in (*at.markdown, *at.caption, *at.info, *at.warning):
        assert "alert" not in element.value
    assert all("alert" not in e.label for e in at.expander)
    assert not at.get("link_button")  # the article has no URL


def test_only_http_links_become_buttons(tmp_path, monkeypatch):
    home = tmp_path / "links"
    goris = Place(174895, "Goris", 39.5111, 46.3417, "AM", "P", "PPLA2", 20000, "08")
    with Store(home / "atlas.sqlite") as store:
        for url, title in (("https://example.com/goris", "Good link"), ("javascript:alert(1)", "Bad link")):
            text = f"{title} about Goris\n\nShelling hit Goris.\n"
            article = article_from_text(text, f"{title}.txt")
            object.__setattr__(article, "url", url)  # as if a buggy reader let it through
            mentions = [Mention(text.index("Goris"), text.index("Goris") + 5, "Goris", goris, 0.9, ())]
            store.add_article(article, mentions, extract_events(article, mentions), parser="test")
    monkeypatch.setenv("ATLAS_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["place"] = str(goris.id)
    run(at)
    buttons = at.get("link_button")
    assert [b.proto.url for b in buttons] == ["https://example.com/goris"]


# -- configuration -------------------------------------------------------------------------------------
def test_streamlit_config_keeps_the_app_local():
    import tomllib

    config = tomllib.loads((Path(APP).parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableStaticServing"] is True
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "type"
    assert config["server"]["maxUploadSize"] >= 1
