"""Logins in the real page (issue 14, item 4): ``atlas serve --address 0.0.0.0 --users FILE`` listens beyond
loopback; a browser that has not logged in gets the login form and nothing of the store; an editor logs in
through the form, corrects a place, and "Corrections (N)" names them as its author (and so does the store)."""
from __future__ import annotations

import os
import re
import urllib.request

import pytest

from dashboard.store import Store
from dashboard.users import add_user
from tests.browser.appserver import (
    MAP_FRAME,
    atlas_command,
    free_port,
    listening_addresses,
    start_server,
    wait_idle_app,
)
from tests.browser.pages import expect, map_frame
from tests.browser.test_corrections_browser import ARTICLE, CITY, CITY_LABEL, REPUBLIC, choose, open_form

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def team(tmp_path_factory, gazetteer_ready):
    """``atlas serve`` on every interface with a users file (alice, an editor), on a store of the seeds."""
    from dashboard.ingest import ingest_seeds
    from gazetteer import Gazetteer

    folder = tmp_path_factory.mktemp("team")
    with Gazetteer.open() as gaz, Store(folder / "atlas.sqlite") as store:
        assert ingest_seeds(store, gaz).added == 5
    users = folder / "users.toml"
    add_user(users, "alice", "editor", PASSWORD)
    port = free_port()
    env = {**os.environ, "ATLAS_HOME": str(folder), "PYTHONUNBUFFERED": "1"}
    env.pop("ATLAS_USERS", None)
    server = start_server([*atlas_command(), "serve", "--address", "0.0.0.0", "--port", str(port), "--users",
                           str(users)], port, folder, folder / "serve.log", env=env, cwd=folder)
    try:
        yield server.url, port, folder, server.log
    finally:
        server.stop()


def titles(folder) -> list[str]:
    with Store(folder / "atlas.sqlite") as store:
        return [t for (t,) in store._query("SELECT title FROM article") if t]


def test_a_browser_that_has_not_logged_in_gets_only_the_login_form(team, visit):
    url, port, folder, log = team
    assert listening_addresses(port) == {"0.0.0.0"}  # beyond loopback: every interface
    assert "logins from" in log.read_text(errors="replace")
    seen = visit(f"{url}?place={REPUBLIC}")
    page = seen.page
    expect()(page.get_by_role("button", name="Log in")).to_be_visible(timeout=30_000)
    expect()(page.get_by_role("textbox", name="Password")).to_be_visible()
    body = page.inner_text("body")
    assert page.locator(MAP_FRAME).count() == 0 and page.locator('[data-testid="stDataFrame"]').count() == 0
    assert not any(t in body for t in titles(folder)) and "Nakhichevan" not in body and "Add articles" not in body
    page.get_by_role("textbox", name="Name").fill("alice")
    page.get_by_role("textbox", name="Password").fill("not her password")
    page.get_by_role("button", name="Log in").click()
    expect()(page.get_by_text("Wrong name or password.")).to_be_visible(timeout=30_000)
    assert page.locator(MAP_FRAME).count() == 0
    with urllib.request.urlopen(url, timeout=10) as response:  # the bare HTTP answer: Streamlit's shell only
        html = response.read().decode("utf-8", "replace")
    assert not any(t in html for t in titles(folder))


def test_an_editor_logs_in_corrects_a_place_and_is_named_its_author(team, visit):
    url, _, folder, _ = team
    seen = visit(f"{url}?place={REPUBLIC}")
    page = seen.page
    page.get_by_role("textbox", name="Name").fill("alice")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    map_frame(page, timeout=120_000)
    wait_idle_app(page)
    expect()(page.get_by_text("Logged in as alice (editor)")).to_be_visible(timeout=20_000)
    open_form(page)
    choose(page, "The right place", re.compile("^" + re.escape(CITY_LABEL) + " · runner-up"))
    page.get_by_role("button", name="Apply the correction").click()
    expect()(page.locator("#atlas-fix-notice")).to_contain_text(f"now names {CITY_LABEL}", timeout=20_000)
    wait_idle_app(page)
    with Store(folder / "atlas.sqlite") as store:
        mine = [c for c in store.corrections() if c.article_id == ARTICLE]
    assert mine and {(c.place_id, c.author) for c in mine} == {(CITY, "alice")}
    page.get_by_text(re.compile(r"^Corrections \(\d+\)$")).click()
    line = page.locator(".atlas-correction").first
    expect()(line).to_contain_text("by alice", timeout=20_000)
    expect()(line).to_contain_text(mine[0].created_at[:16].replace("T", " ") + " UTC")
