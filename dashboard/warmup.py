"""Run the page once as soon as a new server answers, so that its first visitor finds it warm.

``atlas serve`` starts this beside Streamlit (``python -m dashboard.warmup URL``). It waits for the
server's ``/_stcore/health``, then asks for ``/_stcore/script-health-check``: Streamlit runs the page's
script once in a session of its own with no browser, while the first visitor's browser is still loading
Streamlit's own scripts. That run imports what the page needs (Streamlit, folium, pandas, the store),
adds the sample articles to a new store and fills the page's caches, so the visitor's first run finds
them done instead of doing them (about a second of a new user's first map). It only reads what a visitor
could ask for; it never fails the server: any error, or no answer within :data:`WAIT`, and it exits.
"""
from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

WAIT = 60.0  # seconds for the server to answer at all
RUN_TIMEOUT = 120.0  # seconds for the page's run (Streamlit gives up on it after 60)
HEALTH = "_stcore/health"
SCRIPT_RUN = "_stcore/script-health-check"


def _get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status


def warm(base_url: str, *, wait: float = WAIT) -> bool:
    """Wait for the server at ``base_url`` (``http://127.0.0.1:8501/``), then have it run the page once.
    Whether the run went through."""
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    deadline = time.monotonic() + wait
    while True:
        try:
            if _get(base_url + HEALTH, 2.0) == 200:
                break
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    try:
        return _get(base_url + SCRIPT_RUN, RUN_TIMEOUT) == 200
    except (OSError, urllib.error.URLError):
        return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m dashboard.warmup URL\n")
        return 2
    warm(args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
