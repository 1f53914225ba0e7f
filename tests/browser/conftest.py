"""Browser tests: the app served by ``streamlit run dashboard/app.py`` and driven in Debian's Chromium.

Each server runs on a free port with its own temporary ``ATLAS_HOME``. Every request the page makes
to anything but the app's own address is aborted and recorded; a test fails if there was any.
Without Chromium (or Playwright) these tests are skipped on a workstation and fail under ``CI=true``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.browser.appserver import CHROMIUM_FLAGS, MAP_FRAME, AppServer, chromium_path, start_app, wait_idle_app


def _missing(what: str) -> None:
    message = f"{what}; install it with `make chromium` (apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {message}: the browser tests must run in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def gazetteer_ready() -> None:
    """Build the gazetteer index before any app starts, so no app start waits for a build."""
    from gazetteer.build import ensure_index

    ensure_index()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    executable = chromium_path()
    if executable is None:
        _missing("Debian's Chromium is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seeds_app(tmp_path_factory, gazetteer_ready, browser) -> Iterator[AppServer]:
    """The app on a new, empty store, loaded once (its first page load ingests seeds/)."""
    server = start_app(tmp_path_factory.mktemp("seeds-home"))
    page = browser.new_page()
    try:
        page.goto(server.url)
        page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=120_000)
        wait_idle_app(page)
    finally:
        page.close()
    yield server
    server.stop()


@dataclass
class Visit:
    """A browser page with what it tried to fetch from elsewhere and the dialogs it opened."""

    page: object
    blocked: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:"))


@pytest.fixture
def visit(browser) -> Iterator[Callable[..., Visit]]:
    """``visit(url)``: a fresh browser context on ``url`` that lets nothing leave the machine."""
    contexts = []
    visits: list[Visit] = []

    def open_page(url: str | None = None, *, wait_idle: bool = True) -> Visit:
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)
        visits.append(seen)

        def route(r):
            if _is_local(r.request.url):
                seen.local.append(r.request.url)
                r.continue_()
            else:
                seen.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("dialog", lambda d: (seen.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        if url:
            page.goto(url)
            if wait_idle:
                wait_idle_app(page)
        return seen

    yield open_page
    for context in contexts:
        context.close()
    for seen in visits:
        assert seen.blocked == [], f"requests left the machine: {seen.blocked}"
        assert seen.dialogs == [], f"a script opened dialogs: {seen.dialogs}"

