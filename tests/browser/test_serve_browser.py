"""``atlas serve`` started from another folder (issue 13, item 4): it listens on 127.0.0.1 only, the page
works and nothing leaves the machine, whatever that folder's ``.streamlit/config.toml`` and the
``STREAMLIT_*`` variables say."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.browser.appserver import atlas_command, free_port, listening_addresses, start_server
from tests.browser.pages import map_frame

pytestmark = pytest.mark.browser

# What a folder (or the environment) could say to Streamlit, every line of it unsafe.
HOSTILE_CONFIG = """\
[server]
address = "0.0.0.0"
enableXsrfProtection = false
enableStaticServing = false
baseUrlPath = "elsewhere"

[browser]
gatherUsageStats = true
"""
HOSTILE_ENV = {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "true",
               "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false"}


@pytest.fixture
def served(tmp_path, gazetteer_ready):
    """``atlas serve --port N`` started in a folder of its own (not the repository), on a new store."""
    folder = tmp_path / "elsewhere"
    (folder / ".streamlit").mkdir(parents=True)
    (folder / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    port = free_port()
    env = {**os.environ, **HOSTILE_ENV, "ATLAS_HOME": "home", "PYTHONUNBUFFERED": "1"}  # relative: to the folder
    server = start_server([*atlas_command(), "serve", "--port", str(port)], port, folder, tmp_path / "serve.log",
                          env=env, cwd=folder)
    try:
        yield server.url, port, folder, server.log
    finally:
        server.stop()


def test_atlas_serve_from_another_folder_is_local_and_fetches_nothing_from_elsewhere(served, visit):
    url, port, folder, log = served
    assert listening_addresses(port) == {"127.0.0.1"}  # not 0.0.0.0, not ::
    seen = visit(url, wait_idle=False)
    frame = map_frame(seen.page, timeout=120_000)  # the first page load ingests the seeds
    assert frame.locator(".leaflet-container").count() == 1
    assert frame.locator(".atlas-marker, .marker-cluster").count() > 0
    assert "GeoNames" in seen.page.inner_text("body")
    # the map's scripts came from this server's static folder (static serving on, no base path)
    assert any(u.startswith(f"{url}app/static/vendor/leaflet/") for u in seen.local)
    # XSRF protection is on: the server gave the page its token cookie
    assert "_streamlit_xsrf" in {c["name"] for c in seen.page.context.cookies()}
    seen.page.wait_for_timeout(1000)  # anything late (usage statistics went out after the page loaded) is routed
    assert seen.blocked == [], f"requests left the machine: {seen.blocked}"
    assert not any("streamlit.io" in u for u in seen.local + seen.blocked)
    assert (folder / "home" / "atlas.sqlite").is_file()  # a relative ATLAS_HOME meant the folder it started in
    assert "this machine only" in log.read_text(errors="replace")
    assert listening_addresses(port) == {"127.0.0.1"}


def test_atlas_serve_refuses_every_interface_without_logins(tmp_path):
    done = subprocess.run([*atlas_command(), "serve", "--address", "0.0.0.0", "--port", str(free_port())],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--users FILE" in done.stderr and "Traceback" not in done.stderr


def test_atlas_serve_runs_the_page_once_before_anyone_visits(served):
    """The warm-up (dashboard/warmup.py): with no browser at all, the server runs the page once as soon as it
    answers, so a new store already holds the seeds when the first visitor arrives."""
    import sqlite3
    import time

    _url, _port, folder, log = served
    store = folder / "home" / "atlas.sqlite"
    deadline, articles = time.monotonic() + 90, 0
    while time.monotonic() < deadline and articles < 5:
        time.sleep(0.2)
        if store.is_file():
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
            try:
                articles = db.execute("SELECT count(*) FROM article").fetchone()[0]
            except sqlite3.OperationalError:  # (the tables are being made)
                articles = 0
            finally:
                db.close()
    assert articles == 5, log.read_text(errors="replace")
