"""The page's own JavaScript and CSS, kept as files in ``dashboard/static/atlas/`` and read once.

Streamlit serves that folder at ``/app/static/atlas/`` (``server.enableStaticServing``); the map frame
loads ``preload.js`` from there. The styles and the Jinja templates of the map's scripts are read here
instead and placed inline (the page's ``<style>``, the map frame's head, folium's script macros), as
they always were: a stylesheet or script fetched separately would add a round trip to the first page.
"""
from __future__ import annotations

import functools
from importlib import resources

STATIC_URL = "/app/static/atlas"  # where Streamlit serves dashboard/static/atlas


@functools.cache
def asset(name: str) -> str:
    """The text of ``dashboard/static/atlas/<name>`` (from the installed package), read once."""
    return resources.files("dashboard").joinpath("static", "atlas", name).read_text(encoding="utf-8")


def style(name: str) -> str:
    """A stylesheet of ``dashboard/static/atlas`` as a ``<style>`` element (the file is ours: no escaping)."""
    return f"<style>\n{asset(name)}</style>\n"
