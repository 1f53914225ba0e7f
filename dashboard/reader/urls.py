"""The article's URL: "Original url:", "Source:", "URL:", "URL Source:" lines, or an HTML page's canonical URL; http(s)
only."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_URL_LABEL = re.compile(
    r"^[ \t*_>-]*(?:original[ \t]+url|original[ \t]+article|source[ \t]+url|url[ \t]+source|source|url|link|"
    r"canonical)[ \t*_]*:"
    r"[ \t*_]*(?:(?P<same>[^\r\n]+)|(?:\r?\n[ \t]*){1,3}(?P<next>[^\r\n]+))", re.IGNORECASE | re.MULTILINE)
# Schemes are bounded (and must start a word) so that a long run of letters costs linear time, not quadratic.
_URL_TOKEN = re.compile(r"(?<![a-z0-9+.-])(?P<url>[a-z][a-z0-9+.-]{0,20}:[^\s<>()\"']+)", re.IGNORECASE)
_URL_ONLY = re.compile(r"[ \t]*<?(?P<url>[a-z][a-z0-9+.-]{0,20}:[^\s<>]+)>?[ \t]*", re.IGNORECASE)
_URL_SCHEMES = frozenset({"http", "https"})


def clean_url(candidate: str | None) -> str | None:
    """``candidate`` if it is an absolute http(s) URL, else ``None``."""
    if not candidate:
        return None
    url = candidate.strip().strip("<>").rstrip(".,;:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _URL_SCHEMES or not parts.hostname or any(c.isspace() for c in url):
        return None
    return url


def find_url(text: str) -> str | None:
    """The URL given on an "Original url:" / "Source:" / "URL:" line (or the line after it)."""
    for m in _URL_LABEL.finditer(text):
        token = _URL_TOKEN.search(m["same"]) if m["same"] else _URL_ONLY.fullmatch(m["next"])
        if token and (url := clean_url(token["url"])):
            return url
    return None
