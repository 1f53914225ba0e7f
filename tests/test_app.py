"""The page's logic with Streamlit's AppTest: first launch, filters, URL state, undated switch, selection,
and article text shown escaped. (The map itself is an opaque component here; the browser tests drive it.)"""
from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.events import extract_events
from dashboard.page.markup import escape_markdown
from dashboard.reader import Article, article_from_text
from dashboard.store import EventFilter, Store
from dashboard.users import local_user
from gazetteer.place import Place
from gazetteer.resolve import Mention
from tests.fixtures import GORIS, PLACES, add, make_article

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DANGEROUS = re.compile(r"[<>\"'`$]")
OWN_TAG = re.compile(r"</?[a-z0-9]+(\s+[a-z-]+=\"[^\"<>'`$]*\")*\s*>")  # our tags, attribute values clean
VARDENIS_SENTENCE = "in the directions of Vardenis, Sotk, Artanish, Ishkhanasar, Goris and Kapan"


@pytest.fixture
def app(seeded, monkeypatch):
    monkeypatch.setenv("ATLAS_HOME", str(seeded))
    return AppTest.from_file(APP, default_timeout=60)


def run(at: AppTest) -> AppTest:
    """A run of the page; after a session's first page (the map and the panel), also the run that adds
    the timeline and the table, as the map's first report (or the page's timer) starts it in a browser."""
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if "_rest_due" in at.session_state:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def open_add_box(at: AppTest) -> AppTest:
    """Opens "Add articles" (its widgets are made only while it is open), as a click does."""
    at.session_state["add_box"] = True
    return run(at)


def place_names(at: AppTest) -> set[str]:
    """The places the page offers (the same list the map's markers are made from)."""
    return {opt.rsplit(" (", 1)[0] for opt in at.selectbox(key="place_pick").options[1:]
            if "not in these dates" not in opt}


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def article_boxes(at: AppTest, *, opened: bool = True) -> list:
    """The panel's expanders that hold a whole article; first opened (as a click does: the page reads
    and marks an article only while its expander is open) unless ``opened`` is false."""
    boxes = [e for e in at.expander if e.label == "The whole article, every place marked"]
    if opened and boxes:
        keys = [k for k in at.session_state.to_dict() if str(k).startswith("whole_")]
        assert keys, "the article expanders keep their open state under keys whole_<article id>"
        for k in keys:
            at.session_state[k] = True
        run(at)
        boxes = [e for e in at.expander if e.label == "The whole article, every place marked"]
    return boxes


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


def test_a_first_page_is_the_map_and_the_panel_then_the_rest_follows(app):
    at = app
    at.run()  # a session's first page
    assert not at.exception
    assert at.get("component_instance") or at.get("unknown"), "the map component is on the page"
    assert at.selectbox(key="place_pick")  # the panel
    assert not at.dataframe and not at.get("vega_lite_chart")
    assert any("follow as soon as the map is drawn" in c.value for c in at.main.caption)
    # the timer under the page ran once with it (armed); a run later it would rerun the whole page
    assert at.session_state["_rest_due"] == "timer"
    at.run()  # what the map's first report (or the timer) starts
    assert not at.exception
    assert "_rest_due" not in at.session_state
    assert len(at.dataframe) == 1 and at.get("vega_lite_chart")
    assert not any("follow as soon as the map is drawn" in c.value for c in at.main.caption)
    at.run()  # and so on: every later run is the whole page
    assert len(at.dataframe) == 1


def test_the_add_articles_box_makes_its_widgets_only_while_open(app):
    at = run(app)
    assert not at.get("file_uploader") and not at.text_area
    at.session_state["add_box"] = True  # a click on its header
    run(at)
    assert len(at.get("file_uploader")) == 1 and at.text_area(key="paste_text")


def test_an_empty_store_without_seeds_says_how_to_add_articles(tmp_path, monkeypatch):
    import dashboard.seeds

    monkeypatch.setattr(dashboard.seeds, "SEEDS_DIR", tmp_path / "no-seeds")
    monkeypatch.setenv("ATLAS_HOME", str(tmp_path / "empty"))
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert any("atlas ingest" in i.value for i in at.info)
    assert place_names(at) == set()
    assert len(at.get("file_uploader")) == 1  # "Add articles" is open


# -- filters -------------------------------------------------------------------------------------------
def test_narrowing_the_dates_to_2022_removes_the_2021_only_places(app, seeded):
    at = run(app)
    before = place_names(at)
    first, last = at.date_input(key="dates").value
    with Store(seeded / "atlas.sqlite") as store:
        rng = store.date_range()
    # the events' own dates: the seeds recount the wars of the 1990s and 2020, and "this week" of 14 Sep 2022
    assert (first, last) == (rng.first, rng.last) == (datetime.date(1990, 1, 1), datetime.date(2022, 9, 18))
    at.date_input(key="dates").set_value((datetime.date(2022, 1, 1), last))
    run(at)
    gone = only_in(seeded, EventFilter(), EventFilter(start=datetime.date(2022, 1, 1)))
    assert gone, "the seeds have places only 2021 articles mention"
    # only the 2021 articles mention Syunik and Nakhichevan (however the gazetteer names it)
    assert "Syunik" in gone and any(n.startswith(("Nakhichevan", "Nakhchivan")) for n in gone), gone
    assert place_names(at) == before - gone
    assert "Vardenis" in place_names(at)  # undated: kept
    assert at.query_params["from"] == "2022-01-01" and "to" not in at.query_params


def test_a_shared_link_keeps_its_own_dates_as_the_store_grows(fresh, gazetteer):
    """A link's "to" at the store's last date, and a "from" before its first, are the link's dates: kept in
    the URL, and still its bounds once later articles are added (a range the user left at the store's
    edges follows the store instead)."""
    from dashboard.ingest import ingest_text

    with Store(fresh / "atlas.sqlite") as store:
        rng = store.date_range()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["from"], at.query_params["to"] = "1980-01-01", rng.last.isoformat()
    run(at)
    assert at.date_input(key="dates").value == (rng.first, rng.last)
    assert (at.query_params["from"], at.query_params["to"]) == ("1980-01-01", rng.last.isoformat())
    before = place_names(at)
    with Store(fresh / "atlas.sqlite") as store:  # a later article, at a town the seeds do not name
        later = rng.last + datetime.timedelta(days=30)
        text = f"Clashes near Gyumri\n\n{later:%d %B %Y}\n\nClashes broke out near Gyumri on {later:%d %B %Y}.\n"
        assert ingest_text(store, gazetteer, text, "later.txt").status == "added"
    at.query_params.pop("place", None)
    run(at)
    assert at.query_params["to"] == rng.last.isoformat() and "Gyumri" not in place_names(at)
    assert place_names(at) == before
    # without a link, the same range at the store's edges is every date: the new article is on the map
    other = AppTest.from_file(APP, default_timeout=120)
    run(other)
    assert "to" not in other.query_params and "Gyumri" in place_names(other)


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
    # (Russia is only named as an actor in the seeds: "Russia's state-run TASS news agency reported", "appeal to
    # Russia"; it is on the map with every mention)
    assert {"Armenia", "Azerbaijan"} <= place_names(at) and "Russia" not in place_names(at)
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


def test_a_malformed_link_falls_back_to_the_defaults(app, seeded):
    for key, value in {"from": "yesterday", "to": "1800-01-01", "undated": "perhaps", "place": "x<script>"}.items():
        app.query_params[key] = value
    at = run(app)
    first, last = at.date_input(key="dates").value
    with Store(seeded / "atlas.sqlite") as store:
        assert first == last == store.date_range().first  # "to" clamped to the first date: a one-day range
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
    (closed,) = article_boxes(at, opened=False)
    assert not closed.get("html")  # an article is read and marked only once its expander is opened
    (expander,) = article_boxes(at)
    article = "\n".join(h.value for h in expander.get("html"))
    assert '<mark class="atlas-selected" title="Vardenis (town, AM)">Vardenis</mark>' in article
    assert '<mark class="atlas-place" title="Sotk' in article and '<mark class="atlas-place" title="Kapan' in article
    assert at.query_params["place"] == str(vardenis)
    # a place in several articles: one group each, newest first, undated last
    yerevan = place_id(seeded, "Yerevan")
    at.selectbox(key="place_pick").set_value(yerevan)
    run(at)
    heads = [line for line in html_of(at).split('class="atlas-meta">')[2:] if not line.startswith("<span")]
    labels = [label for label in (line.split(" · ")[0].rsplit(">", 1)[-1] for line in heads)
              if label.startswith(("published ", "no publication date"))]  # (the article boxes' lines)
    with Store(seeded / "atlas.sqlite") as store:
        events = store.events(yerevan)  # (newest first, undated last: the groups' order)
        first = {}
        for e in events:
            first.setdefault(e.article_id, e)
        assert len(article_boxes(at)) == len(first) >= 2
        # each box says when its article was published, not the date of its first event
        assert labels == [f"published {e.published.isoformat()}" if e.published else "no publication date"
                          for e in first.values()]
        assert any(e.published and e.date and e.published != e.date for e in first.values())


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
    assert not article_boxes(at)


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
    # (option lists are plain text, they may hold it; labels are Markdown and must not)
    assert all("alert" not in w.label for w in (*at.selectbox, *at.multiselect, *at.text_input, *at.button))
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
    # one upload limit: Streamlit's file picker says and enforces the reader's own
    assert config["server"]["maxUploadSize"] == 5
    # tables have no CSV button of their own: exports go through the page's formula-guarded downloads
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["enableXsrfProtection"] is True


def test_the_upload_limit_is_said_once_and_the_same_everywhere():
    """The reader's limit (MAX_ARTICLE_BYTES), the config file's and ``atlas serve``'s maxUploadSize and
    what the page says are one number; the upload box's label adds no limit of its own."""
    import ast
    import tomllib

    from dashboard import serve
    from dashboard.page import upload
    from dashboard.reader.article import MAX_ARTICLE_BYTES

    config = tomllib.loads((Path(APP).parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    mb = MAX_ARTICLE_BYTES / 1_000_000  # the MB of Streamlit's file picker (but on Windows) and of the reader
    assert mb == int(mb) == config["server"]["maxUploadSize"] == int(serve.OPTIONS["server.maxUploadSize"])
    assert mb == upload.UPLOAD_LIMIT_MB
    assert f"--server.maxUploadSize={int(mb)}" in serve.streamlit_command()
    tree = ast.parse(Path(upload.__file__).read_text(encoding="utf-8"))
    (call,) = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "file_uploader"]
    label = call.args[0].value
    assert "MB" not in label and "most" not in label  # Streamlit's own "Limit 5MB per file" says it


def test_atlas_serve_gives_streamlit_every_option_of_the_config_file():
    """``atlas serve`` sets what ``.streamlit/config.toml`` says itself, as flags (they outrank every
    config file), so a start from another folder serves the same page; and XSRF protection on."""
    import tomllib

    from dashboard import serve

    config = tomllib.loads((Path(APP).parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    want = {f"{section}.{name}": str(value).lower() if isinstance(value, bool) else str(value)
            for section, options in config.items() for name, value in options.items()}
    got = serve.streamlit_options()
    assert {name: got.get(name) for name in want} == want
    assert got["server.enableXsrfProtection"] == "true" and got["server.enableCORS"] == "true"
    command = serve.streamlit_command(port=8600)
    assert command[1:4] == ["-m", "streamlit", "run"] and command[-1] == APP  # options before the script
    assert "--server.address=127.0.0.1" in command and "--server.port=8600" in command
    assert "--browser.gatherUsageStats=false" in command and "--server.headless=true" in command


def test_atlas_serve_starts_streamlit_in_the_repository_from_any_folder(tmp_path, monkeypatch, capsys):
    from dashboard import cli, serve

    started, warmed, compiled = [], [], []
    monkeypatch.setattr(serve, "_exec", lambda command, env, cwd: started.append((command, env, cwd)))
    monkeypatch.setattr(serve, "warm_up", lambda url, env, cwd: warmed.append((url, env["ATLAS_HOME"], cwd)))
    monkeypatch.setattr(serve, "compile_modules", lambda: compiled.append(bool(started)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATLAS_HOME", "relative/home")
    assert cli.main(["serve", "--port", "8601"]) == 0
    ((command, env, cwd),) = started
    assert cwd == Path(APP).parent.parent and command[-1] == APP
    assert env["ATLAS_HOME"] == str(tmp_path / "relative" / "home")  # the folder it was started in
    assert "--server.address=127.0.0.1" in command and "--server.port=8601" in command
    assert "http://127.0.0.1:8601/" in capsys.readouterr().err
    # the page runs once as soon as the server answers, on the same store (dashboard.warmup)
    assert warmed == [("http://127.0.0.1:8601/", env["ATLAS_HOME"], cwd)]
    assert "--server.scriptHealthCheckEnabled=true" in command
    assert compiled == [False]  # the project's bytecode is written before Streamlit starts


def test_serve_writes_the_project_s_bytecode_even_where_python_would_not(tmp_path, monkeypatch):
    import importlib.util
    import sys

    from dashboard import serve

    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text("X = 1\n")
    (package / "broken.py").write_text("def (:\n")  # a syntax error is Python's to report at import, not serve's
    serve.compile_modules([package])
    pyc = Path(importlib.util.cache_from_source(str(package / "mod.py")))
    assert pyc.exists()
    written = pyc.stat().st_mtime_ns
    serve.compile_modules([package])  # up to date: left as it is
    assert pyc.stat().st_mtime_ns == written
    serve.compile_modules([tmp_path / "missing"])  # nothing to compile: no error


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "", "192.168.1.20", "example.com"])
def test_atlas_serve_beyond_loopback_needs_logins(address, monkeypatch, capsys, tmp_path):
    """(It took --allow-remote before logins existed: now only logins open an address beyond loopback.)"""
    from dashboard import cli, serve
    from dashboard.users import add_user

    started, warmed = [], []
    monkeypatch.setattr(serve, "_exec", lambda command, env, cwd: started.append((command, env)))
    monkeypatch.setattr(serve, "warm_up", lambda url, env, cwd: warmed.append(url))
    monkeypatch.delenv("ATLAS_USERS", raising=False)
    assert cli.main(["serve", "--address", address]) == 2
    err = capsys.readouterr().err
    assert not started and "refusing" in err and "--users FILE" in err and "Serving a team" in err
    add_user(tmp_path / "users.toml", "alice", "editor", "correct horse")
    assert cli.main(["serve", "--address", address, "--users", str(tmp_path / "users.toml")]) == 0
    ((command, env),) = started
    assert f"--server.address={address}" in command and env["ATLAS_USERS"] == str(tmp_path / "users.toml")
    # the script health check runs the page for whoever asks: never offered beyond this machine
    assert not warmed and not any("scriptHealthCheck" in flag for flag in command)
    assert f"logins from {tmp_path / 'users.toml'}" in capsys.readouterr().err


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_atlas_serve_on_loopback_needs_no_flag(address, monkeypatch):
    from dashboard import cli, serve

    started, warmed = [], []
    monkeypatch.setattr(serve, "_exec", lambda command, env, cwd: started.append(command))
    monkeypatch.setattr(serve, "warm_up", lambda url, env, cwd: warmed.append(url))
    assert cli.main(["serve", "--address", address]) == 0 and started and len(warmed) == 1


def test_atlas_serve_starts_without_importing_the_pipeline():
    """The console script (dashboard.entry) hands ``atlas serve`` to dashboard.serve: no gazetteer, store or
    reader is imported before Streamlit starts (half a second of the page's start); every other command is
    dashboard.cli's."""
    import subprocess
    import sys

    code = ("import sys; from dashboard import entry, serve; started = []; "
            "serve._exec = lambda command, env, cwd: started.append(command); serve.warm_up = lambda *a: None; "
            "assert entry.main(['serve', '--port', '8655']) == 0 and started; "
            "print(sorted(m for m in ('gazetteer', 'dashboard.cli', 'dashboard.store', 'dashboard.reader', "
            "'streamlit') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert "atlas serve: http://127.0.0.1:8655/" in run.stderr
    from dashboard import entry

    assert entry.main(["gazetteer", "info"]) == 0  # the others: dashboard.cli


def test_warm_up_waits_for_the_server_then_has_it_run_the_page_once():
    """dashboard.warmup: health first (polled until it answers), then one script health check; a server that
    never answers ends it quietly."""
    import http.server
    import threading

    from dashboard import warmup

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            healthy = self.path != "/_stcore/health" or asked.count("/_stcore/health") > 2  # "starting" twice
            self.send_response(200 if healthy else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert warmup.warm(f"http://127.0.0.1:{server.server_port}", wait=10)
    finally:
        server.shutdown()
        server.server_close()
    assert asked == ["/_stcore/health"] * 3 + ["/_stcore/script-health-check"]
    assert not warmup.warm(f"http://127.0.0.1:{server.server_port}/", wait=0.2)  # nobody there: gives up
    assert warmup.main([]) == 2


def test_the_warm_up_runs_apart_and_leaves_no_zombie(tmp_path):
    """atlas serve becomes Streamlit, which reaps no children: the warm-up is no child of it (it is started
    through a child that ends at once), and it still asks the server to run the page."""
    import http.server
    import threading
    import time

    from dashboard import serve

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    def children() -> set[int]:
        """This process's children, running or ended and not reaped (a zombie has no command line left)."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                    found.add(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return found

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        before = children()
        serve.warm_up(url, dict(os.environ), Path(APP).parent.parent)
        assert children() == before  # no child left, running or a zombie: warm_up reaped the one it made
        deadline = time.monotonic() + 30
        while "/_stcore/script-health-check" not in asked and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
    assert asked[-1] == "/_stcore/script-health-check"


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_atlas_serve_wants_a_port(port, capsys):
    from dashboard import cli

    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--port", port])
    assert exit_.value.code == 2 and "not a port" in capsys.readouterr().err


# -- issue 4: add articles, filters, table and map, corrections, downloads ------------------------------
@pytest.fixture
def fresh(seeded, tmp_path, monkeypatch):
    """A copy of the seeded store that a test may change."""
    import shutil

    home = tmp_path / "fresh"
    home.mkdir()
    for f in seeded.iterdir():
        if f.name.startswith("atlas.sqlite"):
            shutil.copy(f, home / f.name)
    monkeypatch.setenv("ATLAS_HOME", str(home))
    return home


def highlight_of(at: AppTest) -> list[int]:
    """The place ids the map rings (read from the markers' script handed to the map component)."""
    import json

    (component,) = at.get("component_instance") or at.get("unknown")
    script = json.loads(component.proto.json_args)["feature_group"]
    return json.loads(re.search(r"var highlight = (\[[^\]]*\]);", script).group(1))


def table_of(at: AppTest):
    (table,) = at.dataframe
    return table


def choose_rows(at: AppTest, rows: list[int]) -> AppTest:
    at.session_state[table_of(at).key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return run(at)


def report_rows(at: AppTest) -> dict[str, tuple[str, str]]:
    """The upload report: file name -> (status class, reason)."""
    html = "\n".join(h.value for h in at.get("html") if "atlas-upload-report" in h.value)
    rows = re.findall(r'<tr class="atlas-upload-(\w+)" data-reason="([^"]*)">'
                      r'<td class="atlas-upload-name">([^<]*)</td>', html)
    return {name: (status, reason) for status, reason, name in rows}


def test_uploading_several_files_reports_each(fresh, tmp_path):
    seeds = sorted((Path(APP).parent.parent / "seeds").glob("*.txt"))
    good = "Clashes near Jermuk\n\nSeptember 14, 2022\n\nShelling hit Jermuk and Vardenis overnight, officials said.\n"
    page = ("<html><head><title>Talks in Tbilisi</title><script>alert(1)</script></head><body><article>"
            "<h1>Talks in Tbilisi</h1><p>Published 2022-10-01</p><script>document.title='x'</script>"
            "<p>Diplomats met in Tbilisi and Batumi to discuss the border.</p></article></body></html>")
    files = [("jermuk.txt", good.encode(), "text/plain"),
             ("../../etc/tbilisi.html", page.encode(), "text/html"),
             ("copy.md", seeds[0].read_bytes(), "text/markdown"),
             ("empty.txt", b"", "text/plain"),
             ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "text/plain"),
             ("huge.txt", b"Yerevan and Baku. " * (6_000_000 // 18), "text/plain"),
             ("russian.txt", "Ереван\n\n14 сентября 2022\n\nАрмения и Азербайджан.\n".encode("cp1251"), "text/plain")]
    at = open_add_box(run(AppTest.from_file(APP, default_timeout=120)))
    before = place_names(at)
    at.file_uploader(key="uploads_0").set_value(files)
    run(at)
    at.button(key="upload_go").click()
    run(at)
    got = report_rows(at)
    assert got == {
        "jermuk.txt": ("added", ""), "../../etc/tbilisi.html": ("added", ""), "copy.md": ("duplicate", ""),
        "empty.txt": ("failed", "empty"),
        "photo.txt": ("failed", "binary"), "huge.txt": ("failed", "too-large"), "russian.txt": ("added", "")}
    report = "\n".join(h.value for h in at.get("html") if "atlas-upload-summary" in h.value)
    assert "7 files: 3 added, 1 already in the store, 3 failed" in report
    assert "too large: huge.txt is 6.0 MB" in report and "larger than the limit of 5.0 MB" in report
    assert {"Jermuk", "Tbilisi", "Batumi"} <= place_names(at) and before < place_names(at)
    assert at.file_uploader(key="uploads_1").value in (None, [])  # a new, empty picker
    with Store(fresh / "atlas.sqlite") as store:
        sources = {s for (s,) in store._query("SELECT source FROM article")}
        assert {"jermuk.txt", "../../etc/tbilisi.html", "russian.txt"} <= sources
        tbilisi = next(a for (a,) in store._query("SELECT id FROM article WHERE source LIKE '%tbilisi%'"))
        text = store.article(tbilisi).text
    assert "alert" not in text and "document.title" not in text  # HTML reduced to its main text
    assert not (fresh / ".." / "etc").exists() and not (fresh.parent / "etc").exists()


def test_pasting_an_article(fresh):
    at = open_add_box(run(AppTest.from_file(APP, default_timeout=120)))
    at.text_area(key="paste_text").input("Protest in Gyumri\n\nOctober 2, 2022\n\nHundreds marched in Gyumri.\n")
    at.button(key="paste_go").click()
    run(at)
    assert report_rows(at) == {"pasted text": ("added", "")}
    assert "Gyumri" in place_names(at)
    assert at.text_area(key="paste_text").value == ""
    at.text_area(key="paste_text").input("   \n ")
    at.button(key="paste_go").click()
    run(at)
    assert report_rows(at) == {"pasted text": ("failed", "empty")}


def test_new_filters_live_in_the_url(app, seeded):
    with Store(seeded / "atlas.sqlite") as store:
        article = store.event_records(EventFilter(text="in the directions of Vardenis"))[0].article_id
    for key, value in {"country": "AM", "kind": "town", "q": "directions of", "conf": "0.5",
                       "article": article}.items():
        app.query_params[key] = value
    at = run(app)
    assert at.multiselect(key="f_country").value == ["AM"]
    assert at.multiselect(key="f_kinds").value == ["town"]
    assert at.text_input(key="f_q").value == "directions of"
    assert at.slider(key="f_conf").value == 0.5 and at.selectbox(key="f_article").value == article
    names = place_names(at)
    assert {"Vardenis", "Sotk", "Goris", "Kapan"} <= names and "Armenia" not in names and "Yerevan" not in names
    table = table_of(at).value
    assert set(table["kind"]) == {"town"} and set(table["country"]) == {"AM"}
    assert all("directions of" in s for s in table["sentence"])
    at.multiselect(key="f_kinds").set_value(["town", "country"])
    at.text_input(key="f_q").input("")
    run(at)
    assert at.query_params["kind"] == "town,country" and "q" not in at.query_params
    assert "Armenia" not in place_names(at)  # this article names Armenia only as an actor ("Armenia said")
    at.toggle(key="every_mention").set_value(True)
    run(at)
    assert "Armenia" in place_names(at) and at.query_params["mentions"] == "all"
    at.button(key="f_clear").click()
    run(at)
    assert dict(at.query_params) == {}
    at.multiselect(key="f_places").set_value([place_id(seeded, "Goris")])
    run(at)
    assert place_names(at) == {"Goris"} and at.query_params["places"] == str(place_id(seeded, "Goris"))
    # a place not listed is typed by name (any case); a name no stored place has is reported
    at.multiselect(key="f_places").set_value([place_id(seeded, "Goris"), "kapan", "Atlantis"])
    run(at)
    assert place_names(at) == {"Goris", "Kapan"}
    assert at.multiselect(key="f_places").value == [place_id(seeded, "Goris"), place_id(seeded, "Kapan")]
    assert escape_markdown("No place with events is named “Atlantis”.") in [c.value for c in at.sidebar.caption]


def test_text_typed_into_places_is_shown_escaped(app):
    """A name typed into Places is echoed as text: a Markdown image in it is no image (it made the
    browser fetch from outside), a link no link."""
    at = run(app)
    typed = "![x](http://203.0.113.7/p.png) [y](javascript:alert(1)) <img src=x> $x$ :red[z]"
    at.multiselect(key="f_places").set_value([typed])
    run(at)
    (note,) = [c.value for c in at.sidebar.caption if "No place with events" in c.value]
    assert note == escape_markdown(f"No place with events is named “{typed}”.")
    assert "\\!\\[x\\]\\(http\\:\\/\\/203" in note and "\\<img" in note and "\\$x\\$" in note


def test_busy_stores_list_the_busiest_places_and_keep_the_chosen_one(app, seeded, monkeypatch):
    monkeypatch.setattr("dashboard.page.data.PLACE_OPTIONS", 3)
    monkeypatch.setattr("dashboard.page.panel.PLACE_OPTIONS", 3)
    monkeypatch.setattr("dashboard.page.filters.PLACE_OPTIONS", 3)
    app.query_params["place"] = str(place_id(seeded, "Vardenis"))
    at = run(app)
    with Store(seeded / "atlas.sqlite") as store:
        busiest = [p.id for p in store.place_counts()[:3]]
    assert at.selectbox(key="place_pick").options[1:4] == [at.selectbox(key="place_pick").format_func(i)
                                                          for i in busiest]
    assert len(at.selectbox(key="place_pick").options) == 5 and at.selectbox(key="place_pick").value == \
        place_id(seeded, "Vardenis")
    assert len(at.multiselect(key="f_places").options) == 3
    assert "type the name of any other" in at.multiselect(key="f_places").help


def test_only_the_busiest_places_popups_quote_sentences(seeded, monkeypatch):
    from dashboard.page import data

    monkeypatch.setattr(data, "POPUP_PLACES", 2)
    path = str(seeded / "atlas.sqlite")
    data.load_markers.clear()
    try:
        rows = json.loads(data.load_markers(path, 0, EventFilter()))["rows"]
    finally:
        data.load_markers.clear()
    with Store(seeded / "atlas.sqlite") as store:
        busiest = [p.id for p in store.place_counts()]
    assert [r[2] for r in rows] == busiest and len(rows) > 2
    assert all(r[11] for r in rows[:2]) and not any(r[11] for r in rows[2:])


def test_the_map_is_read_ahead_on_another_thread(seeded, monkeypatch):
    from dashboard.page import data

    path = str(seeded / "atlas.sqlite")
    flt = EventFilter(start=datetime.date(2022, 1, 1))
    for cached in (data.load_markers, data.load_map_view, data.load_place_list):
        cached.clear()
    data.prefetch_map(path, 0, flt).result(timeout=60)
    store = data.open_store(path)
    monkeypatch.setattr(store, "_query", lambda *a, **k: pytest.fail("the map's answers were read again"))
    monkeypatch.setattr(store, "_rows", lambda *a, **k: pytest.fail("the map's answers were read again"))
    rows = json.loads(data.load_markers(path, 0, flt))["rows"]  # (cached by the read ahead)
    frame, markers = data.load_map_view(path, 0, flt)
    assert [r[2] for r in rows] == [m.id for m in markers] and frame is not None
    monkeypatch.undo()
    with Store(seeded / "atlas.sqlite") as other:
        assert [r[2] for r in rows] == [p.id for p in other.place_counts(flt)]
    for cached in (data.load_markers, data.load_map_view, data.load_place_list):
        cached.clear()


def test_an_event_gone_between_two_reads_leaves_the_popups_without_it(seeded, monkeypatch):
    from dashboard.page import data

    path = str(seeded / "atlas.sqlite")
    store = data.open_store(path)
    read = store.event_sentences
    gone: list[int] = []

    def without_one(ids):  # as when ``atlas ingest`` re-derives a sentence between sample_ids and this read
        ids = list(ids)
        gone.append(ids[0])
        return read(ids[1:])

    monkeypatch.setattr(store, "event_sentences", without_one)
    data.load_markers.clear()
    try:
        rows = json.loads(data.load_markers(path, 987654, EventFilter()))["rows"]
    finally:
        data.load_markers.clear()
    assert gone and rows and sum(len(r[11]) for r in rows) == len(store.sample_ids(EventFilter(), data.POPUP_SAMPLES,
        places=[r[2] for r in rows[:data.POPUP_PLACES]])) - 1


def test_a_malformed_filter_link_falls_back(app):
    for key, value in {"country": "A1,<script>", "kind": "planet", "conf": "lots", "article": "../x",
                       "places": "x,y"}.items():
        app.query_params[key] = value
    at = run(app)
    assert at.multiselect(key="f_country").value == [] and at.multiselect(key="f_kinds").value == []
    assert at.slider(key="f_conf").value == 0.0 and at.selectbox(key="f_article").value is None
    assert dict(at.query_params) == {}


def test_table_rows_ring_their_places_and_a_place_filters_the_rows(app, seeded):
    at = run(app)
    table = table_of(at).value
    every = len(table)
    with Store(seeded / "atlas.sqlite") as store:
        assert every == store.count_events(None) and highlight_of(at) == []
    wanted = [i for i, p in enumerate(table["place"]) if p in ("Goris", "Kapan")][:3]
    choose_rows(at, wanted)
    want = sorted({place_id(seeded, table["place"][i]) for i in wanted})
    assert sorted(highlight_of(at)) == want
    # a selected place (a marker click or the list) narrows the table to its events
    goris = place_id(seeded, "Goris")
    at.selectbox(key="place_pick").set_value(goris)
    run(at)
    table = table_of(at).value
    with Store(seeded / "atlas.sqlite") as store:
        assert len(table) == store.count_events(goris)
    assert set(table["place"]) == {"Goris"} and highlight_of(at) == []  # a new table: nothing chosen
    assert any("at Goris" in h.value for h in at.get("html"))
    at.selectbox(key="place_pick").set_value(None)
    run(at)
    assert len(table_of(at).value) == every


def test_the_table_fits_its_rows_says_undated_and_names_the_outlet():
    from dataclasses import replace

    from dashboard.page.table import outlet, records_frame
    from dashboard.store import EventRecord

    base = EventRecord(1, "a" * 16, None, None, 5, "Goris", "town", "P.PPL", "AM", 1.0, 2.0, "s", 0, (0, 1), "s",
                       None, None, "f", 0.9, False)
    rec = [replace(base, url="https://www.reuters.com/world/x", source="seeds/a.txt"),
           replace(base, id=2, url=None, source="seeds/b.txt")]
    frame = records_frame(rec)
    assert list(frame["date"]) == ["undated", "undated"]
    assert list(frame["source"]) == ["reuters.com", "seeds/b.txt"]
    assert outlet("http://news.bbc.co.uk/2/hi", "f") == "bbc.co.uk" and outlet("javascript:alert(1)", "f") == "f"
    assert outlet("https://apnews.com", "f") == "apnews.com" and outlet("http://[::1", "f") == "f"


def test_the_table_is_as_high_as_its_rows(app, seeded):
    at = run(app)
    goris = place_id(seeded, "Goris")
    at.selectbox(key="place_pick").set_value(goris)
    run(at)
    table = table_of(at)
    assert table.proto.row_height > 64  # (over 4rem: Streamlit wraps the sentences)
    assert table.proto.placeholder == ""  # a missing link is an empty cell, not "None"
    assert len(table.value) == 1 and set(table.value["date"]) != {None}


def test_map_click_to_selected_place_and_rows():
    """The plain functions between the map's return value, the table and the map's rings."""
    from dashboard.page.table import chosen_records, highlighted_places, table_filter
    from dashboard.store import EventRecord

    rec = [EventRecord(i, "a" * 16, None, None, pid, f"p{pid}", "town", "P.PPL", "AM", 1.0, 2.0, "s", 0, (0, 1),
                       "s", None, None, "f", 0.9, False) for i, pid in enumerate((5, 7, 5, 9))]
    assert chosen_records({"selection": {"rows": [2, 0, 99, -1, "x", True]}}, rec) == [rec[0], rec[2]]
    assert chosen_records(None, rec) == [] and chosen_records({"selection": {}}, rec) == []
    assert highlighted_places(chosen_records({"selection": {"rows": [0, 1, 2]}}, rec)) == (5, 7)
    flt = EventFilter(countries=False)
    assert table_filter(flt, None) == flt
    assert table_filter(flt, 5) == EventFilter(places=(5,))
    assert table_filter(EventFilter(places=(1, 2)), 5) is None
    assert table_filter(EventFilter(places=(1, 5)), 5).places == (5,)


def choose_option(at: AppTest, key: str, label_start: str) -> None:
    """Choose an option as a user does: the page runs again (and enables what the choice allows)."""
    box = at.selectbox(key=key)
    box.select_index(next(i for i, o in enumerate(box.options) if o.startswith(label_start)))
    run(at)


def test_every_mention_of_a_name_said_again_can_be_chosen(fresh, gazetteer):
    """A name in the title, the lead and the body, all in one undated article: each mention has a label of
    its own (Streamlit's list tells its options apart by label: the three read the same before), so each
    can be chosen and corrected."""
    from dataclasses import replace

    from dashboard.ingest import ingest_text
    from dashboard.page.correct import mention_labels, mention_token

    text = ("Strikes on Kapan\n\nStrikes on Kapan killed two people, officials said.\n\n"
            "Residents of Kapan fled to the outskirts.\n")
    with Store(fresh / "atlas.sqlite") as store:
        assert ingest_text(store, gazetteer, text, "kapan.txt").status == "added"
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(place_id(fresh, "Kapan"))
    run(at)
    box = at.selectbox(key="fix_mention")
    mine = [i for i, o in enumerate(box.options) if " · Strikes on Kapan · " in o]
    assert len(mine) == 3 and len(set(box.options)) == len(box.options), box.options
    for i in mine:
        at.selectbox(key="fix_mention").select_index(i)
        run(at)
        assert at.selectbox(key="fix_mention").index == i
        assert "Kapan" in at.selectbox(key="fix_mention").options[i]
    # two sentences alike word for word (a body may say one again): told apart by their order
    with Store(fresh / "atlas.sqlite") as store:
        rec = next(r for r in store.event_records() if r.mention_text == "Kapan")
    twin = replace(rec, mention=(rec.mention[0] + 500, rec.mention[1] + 500), sent_start=rec.sent_start + 500)
    labels = mention_labels({mention_token(rec): rec, mention_token(twin): twin})
    assert len(set(labels.values())) == 2 and list(labels.values())[1].endswith(" (2)")


def test_correcting_a_place_in_the_page_and_undoing_it(fresh):
    vardenis = place_id(fresh, "Vardenis")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(vardenis)
    run(at)
    assert "Vardenis" in place_names(at)
    assert [o.split(" in “")[0] for o in at.selectbox(key="fix_mention").options] == ["“Vardenis”"]
    at.text_input(key="fix_search").input("Gyumri")
    run(at)
    choose_option(at, "fix_choice", "Gyumri (city, Shirak, Armenia) · found in the gazetteer")
    at.button(key="fix_apply").click()
    run(at)
    gyumri = at.session_state["place"]
    assert "Vardenis" not in place_names(at) and "Gyumri" in place_names(at)
    assert at.query_params["place"] == str(gyumri) and gyumri != vardenis
    assert any("now names Gyumri" in h.value for h in at.get("html"))
    table = table_of(at).value
    assert list(table["place"]) == ["Gyumri"] and list(table["corrected"]) == [True]
    with Store(fresh / "atlas.sqlite") as store:
        (c,) = store.corrections()
        # the author: the single analyst of a page without logins, the OS user (dashboard.users.local_user)
        assert (c.text, c.machine_place_name, c.place_name, c.author) == ("Vardenis", "Vardenis", "Gyumri",
                                                                          local_user().name)
    assert any(e.label == "Corrections (1)" for e in at.expander)
    assert [b.label for b in at.get("download_button")] == ["Download CSV (1)", "Download GeoJSON (1)"]
    (box,) = article_boxes(at)  # the whole article marks the mention with the place it names now
    article = "\n".join(h.value for h in box.get("html"))
    assert '<mark class="atlas-selected" title="Gyumri (town, AM) · corrected">Vardenis</mark>' in article
    # undo: Vardenis again
    at.button(key="fix_undo").click()
    run(at)
    assert "Vardenis" in place_names(at) and "Gyumri" not in place_names(at)
    assert at.session_state["place"] == vardenis
    assert not any(e.label.startswith("Corrections") for e in at.expander)


def test_correcting_a_role_and_a_date_in_the_page_and_undoing_them(fresh):
    vardenis = place_id(fresh, "Vardenis")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(vardenis)
    run(at)
    token = at.selectbox(key="fix_mention").value
    role = f"fix_role_{token}"
    assert at.radio(key=role).value == "literal"
    # "not where it happened": Vardenis leaves the default map, and comes back with every mention
    at.radio(key=role).set_value("associative")
    run(at)  # the Apply button comes alive once the role differs
    at.button(key="fix_role_apply").click()
    run(at)
    assert "Vardenis" not in place_names(at)
    assert any("not where it happened" in h.value and "Show every mention" in h.value for h in at.get("html"))
    with Store(fresh / "atlas.sqlite") as store:
        assert vardenis not in {p.id for p in store.place_counts()}
        assert vardenis in {p.id for p in store.place_counts(EventFilter(every_mention=True))}
    # the change's own notice offers its undo, though the mention left the map and the form
    at.button(key="fix_undo_last").click()
    run(at)
    assert "Vardenis" in place_names(at)
    with Store(fresh / "atlas.sqlite") as store:
        assert vardenis in {p.id for p in store.place_counts()}
    at.radio(key=role).set_value("associative")
    run(at)
    at.button(key="fix_role_apply").click()
    run(at)
    assert "Vardenis" not in place_names(at)
    at.toggle(key="every_mention").set_value(True)
    run(at)
    assert "Vardenis" in place_names(at)
    at.button(key="fix_role_undo").click()
    run(at)
    at.toggle(key="every_mention").set_value(False)
    run(at)
    assert "Vardenis" in place_names(at)
    # a date for the undated report's sentence, typed as the page writes dates (a TIMEX3 value works too): it
    # moves onto the timeline and into the date filter
    at.text_input(key="fix_date").input("week of 29 Nov 2021")
    run(at)
    at.button(key="fix_date_apply").click()
    run(at)
    assert any("week of 29 Nov 2021" in h.value for h in at.get("html"))
    with Store(fresh / "atlas.sqlite") as store:
        (event,) = store.events(vardenis)
        assert (event.date_value, event.date_precision, event.date_source) == ("2021-W48", "week", "user")
    at.text_input(key="fix_date").input("next Tuesday")
    run(at)
    at.button(key="fix_date_apply").click()
    run(at)
    assert any("Nothing was corrected" in h.value and "is not a date" in h.value for h in at.get("html"))
    at.button(key="fix_date_undo").click()
    run(at)
    with Store(fresh / "atlas.sqlite") as store:
        assert store.events(vardenis)[0].date is None


def test_not_a_place_from_a_table_row(fresh):
    goris = place_id(fresh, "Goris")
    at = run(AppTest.from_file(APP, default_timeout=120))
    table = table_of(at).value
    row = next(i for i, (p, s) in enumerate(zip(table["place"], table["sentence"], strict=True))
               if p == "Goris" and "directions of Vardenis" in s)
    choose_rows(at, [row])
    assert highlight_of(at) == [goris]
    assert any(e.label == "Correct the place, role or date of the chosen row" for e in at.expander)
    chosen = table_of(at).value.iloc[row]
    assert at.selectbox(key="fix_mention").format_func(at.selectbox(key="fix_mention").value).startswith("“Goris”")
    assert chosen["place"] == "Goris"
    choose_option(at, "fix_choice", "Not a place")
    at.button(key="fix_apply").click()
    run(at)
    assert any("is marked as not a place" in h.value for h in at.get("html"))
    with Store(fresh / "atlas.sqlite") as store:
        gone = [r for r in store.event_records(EventFilter(places=(goris,))) if "directions of Vardenis" in r.sentence]
        assert not gone
        (c,) = store.corrections()
    assert len(table_of(at).value) == len(table) - 1
    # the corrections list undoes it, and the page shows the place the mention names again
    at.button(key=f"undo_{c.id}").click()
    run(at)
    assert at.session_state["place"] == goris and any(
        "Undone: “Goris” names Goris (town, Syunik, Armenia) again" in h.value for h in at.get("html"))
    assert list(table_of(at).value["place"]) == ["Goris"]
    at.selectbox(key="place_pick").set_value(None)
    run(at)
    with Store(fresh / "atlas.sqlite") as store:
        assert len(table_of(at).value) == store.count_events(None)


def test_a_runner_up_is_offered(fresh):
    with Store(fresh / "atlas.sqlite") as store:
        rec = next(r for r in store.event_records() if store.candidates(r.article_id, *r.mention))
        runner_id, runner_name, _ = store.candidates(rec.article_id, *rec.mention)[0]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(rec.place_id)
    run(at)
    at.selectbox(key="fix_mention").set_value(f"{rec.article_id}:{rec.mention[0]}:{rec.mention[1]}")
    run(at)
    # nothing is chosen for the user: one click on Apply cannot move a right place to a runner-up
    assert at.selectbox(key="fix_choice").index is None and at.button(key="fix_apply").proto.disabled
    choose_option(at, "fix_choice", runner_name)
    assert not at.button(key="fix_apply").proto.disabled
    assert "runner-up" in at.selectbox(key="fix_choice").options[at.selectbox(key="fix_choice").index]
    at.button(key="fix_apply").click()
    run(at)
    assert at.session_state["place"] == runner_id and runner_name in place_names(at)


def test_download_buttons(app, seeded):
    at = run(app)
    with Store(seeded / "atlas.sqlite") as store:
        n = store.count_events(None)
    assert [b.label for b in at.get("download_button")] == [f"Download CSV ({n})", f"Download GeoJSON ({n})"]
    assert all(not b.proto.disabled for b in at.get("download_button"))
    at.text_input(key="f_q").input("no sentence says this")
    run(at)
    assert [b.label for b in at.get("download_button")] == ["Download CSV (0)", "Download GeoJSON (0)"]
    assert all(b.proto.disabled for b in at.get("download_button"))


def test_a_query_past_its_time_budget_is_said_not_raised(app, monkeypatch):
    import streamlit as st

    import dashboard.store.db as db
    from dashboard.store import Store as StoreClass

    monkeypatch.setattr(StoreClass, "query_budget", 1e-9)  # every read is "too slow" ...
    monkeypatch.setattr(db, "_PROGRESS_STEPS", 1)  # ... and the clock is read at every step
    st.cache_resource.clear()  # a store opened now, with readers that look at the clock so
    try:
        at = app.run(timeout=60)
        assert not at.exception, [e.value for e in at.exception]
        assert any("took longer than" in e.value for e in at.error), [e.value for e in at.error]
    finally:
        st.cache_resource.clear()


# -- the timeline (issue 12, item 4) -------------------------------------------------------------------
def test_the_timeline_bins_its_range_and_play_steps_the_date_filter(app):
    at = app
    at.query_params["from"], at.query_params["to"] = "2022-01-01", "2022-09-01"
    run(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    assert any("Bars per week" in c.value for c in at.main.caption)  # 244 days: weeks, not days
    at.button(key="play").click()
    run(at)
    assert at.session_state["dates"] == (datetime.date(2022, 1, 1), datetime.date(2022, 1, 2))  # to its Sunday
    assert dict(at.query_params) == {"from": "2022-01-01", "to": "2022-01-02"}
    assert at.button(key="play_stop") and any("Playing week by week" in c.value for c in at.main.caption)
    assert len(at.get("vega_lite_chart")) == 1  # still the whole range, the window shaded
    # a step of Play's timer: the next window, applied before the sidebar's date picker is drawn
    from dashboard.page.timeline import play_next, play_window

    nxt = play_next(at.session_state["_play"])
    at.session_state["_play"] = nxt
    at.session_state["_dates_pending"] = play_window(nxt["at"], nxt["unit"], nxt["first"], nxt["last"])
    run(at)
    assert dict(at.query_params) == {"from": "2022-01-03", "to": "2022-01-09"}
    at.button(key="play_stop").click()
    run(at)
    assert "_play" not in at.session_state and at.button(key="play")
    assert dict(at.query_params) == {"from": "2022-01-03", "to": "2022-01-09"}  # Stop keeps the window
    at.button(key="every_date").click()
    run(at)
    assert dict(at.query_params) == {}



# -- one event, many reports (issue 10, item 5) ----------------------------------------------------------
def test_the_event_type_and_sources_filters_follow_the_url_and_lead_it(app, seeded):
    app.query_params["type"] = "battles,strategic"
    app.query_params["sources"] = "2"
    at = run(app)
    assert at.multiselect(key="f_types").value == ["Battles", "Strategic developments"]
    assert at.number_input(key="f_sources").value == 2
    flt = EventFilter(event_types=("Battles", "Strategic developments"), min_sources=2)
    with Store(seeded / "atlas.sqlite") as store:
        want = {p.name for p in store.place_counts(flt)}
        every = {p.name for p in store.place_counts()}
    assert want and want < every and place_names(at) == want  # the map's places, filtered in the store
    assert not at.warning and not at.info  # a clean link: nothing ignored
    at.multiselect(key="f_types").set_value(["Strategic developments"])
    at.number_input(key="f_sources").set_value(1)
    run(at)
    assert at.query_params["type"] == "strategic" and "sources" not in at.query_params
    with Store(seeded / "atlas.sqlite") as store:
        assert place_names(at) == {p.name for p in store.place_counts(EventFilter(
            event_types=("Strategic developments",)))}
    at.button(key="f_clear").click()
    run(at)
    assert "type" not in at.query_params and at.multiselect(key="f_types").value == []
    assert at.number_input(key="f_sources").value == 1 and place_names(at) == every


def test_a_bad_type_in_the_link_is_noted(app):
    app.query_params["type"] = "wars"
    app.query_params["sources"] = "none"
    at = run(app)
    note = " ".join(i.value for i in at.info)
    assert "type “wars”" in note and "sources “none”" in note
    assert at.multiselect(key="f_types").value == [] and at.number_input(key="f_sources").value == 1


def test_the_panel_groups_an_events_reports(app, seeded):
    """The Security Council's appeal to the treaty with Russia (seeds 001 and 003, the gold's second pair)
    is one event at Caucasus with two reports from two sources; every report is one click from its article."""
    with Store(seeded / "atlas.sqlite") as store:
        caucasus = place_id(seeded, "Caucasus")
        (event,) = [e for e in store.events(caucasus) if "treaty" in e.sentence]
        assert (event.reports, event.sources) == (2, 2)
    app.query_params["place"] = str(caucasus)
    at = run(app)
    html = html_of(at)
    head = next(h.value for h in at.get("html") if f'data-cluster="{event.cluster_id}"' in h.value)
    assert "Strategic developments" in head and "reported by 2 articles from 2 sources" in head
    assert f'data-event="{event.id}"' in head and 'class="atlas-sentence"' in head
    assert f'href="#atlas-a-{event.article_id}"' in head and f'id="atlas-a-{event.article_id}"' in html
    assert any("1 event under the current filter" in c.value for c in at.caption)


def test_wire_copies_are_shown_once_also_published_by(tmp_path, monkeypatch):
    clash = ("Azerbaijani artillery shelled Goris overnight, killing three soldiers, the defence ministry said on "
             "Tuesday in a statement. Residents of the town said the shelling lasted for several hours before dawn.")
    home = tmp_path / "copies"
    with Store(home / "atlas.sqlite") as store:
        for title, extra, url in (("Clash at Goris", "", "https://www.agency.com/a"),
                                  ("Three soldiers killed at Goris", " Subscribe for more.", "https://www.reprint.org/c")):
            assert add(store, make_article(title, "September 13, 2022", clash + extra, url), PLACES)
        (original,) = [a.id for a in store.article_list() if store.copies(a.id)]
        (copy,) = store.copies(original)
    monkeypatch.setenv("ATLAS_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["place"] = str(GORIS.id)
    run(at)
    html = html_of(at)
    assert "also published by reprint.org" in html
    assert f'id="atlas-a-{original}"' in html and f'id="atlas-a-{copy}"' not in html  # one article shown
    assert "reported by 2 articles from 1 source" in html  # a copy is one more article, not one more source
    label = at.selectbox(key="f_article").format_func(original)
    assert label.startswith("Clash at Goris") and label.endswith("also published by reprint.org")


def test_an_events_line_says_what_when_where_how_deadly_and_how_well_sourced():
    from dashboard.page.markers import deaths_label, what_happened
    from dashboard.page.panel import event_groups, event_head
    from dashboard.store import EventRow

    def row(eid, cluster, article, deaths, high=None, kind="Battles", sub="Armed clash", places=("Goris",)):
        return EventRow(eid, article, 1, 0, 10, "Clashes.", ((0, 5),), datetime.date(2022, 9, 13), "T", None,
                        "t.txt", date_value="2022-09-13", date_precision="day", date_source="text", places=places,
                        event_type=kind, sub_event_type=sub, fatalities=deaths, fatalities_high=high,
                        cluster_id=cluster, reports=3, sources=2)

    rows = [row(1, 7, "a", 12), row(2, 7, "b", 10, 15, places=("Goris", "Kapan")), row(3, 8, "c", None, kind=None)]
    groups = event_groups(rows)
    assert [[e.id for e in g] for g in groups] == [[1, 2], [3]]
    assert event_head(groups[0]) == ('<div class="atlas-event-head">13 Sep 2022 · in Goris, Kapan · Battles (armed '
                                     'clash) · 10 to 15 killed · reported by 3 articles from 2 sources</div>')
    assert "killed" not in event_head(groups[1]) and "Battles" not in event_head(groups[1])
    assert deaths_label(0) == "no one killed" and deaths_label(None) == "" and deaths_label(1500) == "1,500 killed"
    assert what_happened("Explosions/Remote violence", "Air/drone strike", 3) == (
        "Explosions/Remote violence (air/drone strike) · 3 killed")


def test_the_table_counts_its_reports_and_the_events_they_report_as_the_map_does(app, seeded):
    from dashboard.wording import reports_of_events

    at = run(app)
    with Store(seeded / "atlas.sqlite") as store:
        reports = store.count_events(None)
        events = store.count_distinct_events(None, by_place=True)
        on_map = sum(p.events for p in store.place_counts())
    assert reports > events == on_map  # the seeds' clash of 13 September: one event, reported by 001 and 003
    said = f"{reports} reports of {events} events under the filter"
    assert said in html_of(at)
    assert any(f"{events} events shown" in c.value for c in at.caption)  # the map's caption: the same events
    assert reports_of_events(3, 3) == "3 events" and reports_of_events(1, 1) == "1 event"
    assert reports_of_events(2, 1) == "2 reports of 1 event" and reports_of_events(1200, 1001) == (
        "1,200 reports of 1,001 events")


def test_a_table_past_its_rows_counts_the_events_as_the_map_does(seeded):
    from dashboard.page import data

    path = str(seeded / "atlas.sqlite")
    with Store(path) as store:
        generation = store.generation()
        every, reports, events = data.load_records(path, generation, EventFilter())
        some, reports_then, events_then = data.load_records(path, generation, EventFilter(), limit=5)
        assert len(some) == 5 and reports_then == reports == len(every) == store.count_events(None)
        assert events_then == events == sum(p.events for p in store.place_counts())
        assert events == store.count_distinct_events(None, by_place=True)
