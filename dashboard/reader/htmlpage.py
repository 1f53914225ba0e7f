"""HTML pages: the main text (trafilatura, else a plain tag stripper), title, date and URL."""
from __future__ import annotations

import logging
import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_HTML_START = ("<!doctype html", "<html", "<?xml")
_TAG = re.compile(r"<(?:/?[a-z][a-z0-9]{0,20}|!--)[^<>]{0,2000}>", re.IGNORECASE)
_HTML_TAG_SHARE = 0.3


def looks_like_html(text: str, source: str = "") -> bool:
    """HTML by suffix (when it has tags at all) or by content: a doctype/<html> start, or mostly tags."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(_HTML_START) and (not head.startswith("<?xml") or "<html" in head):
        return True
    tags = _TAG.findall(text, 0, 20000)
    if source.lower().endswith(_HTML_SUFFIXES):
        return bool(tags)
    if source.lower().endswith(_MARKDOWN_SUFFIXES):  # Markdown may carry inline HTML and stays text
        return False
    sample = text[:20000]
    return len(tags) >= 5 and sum(map(len, tags)) > _HTML_TAG_SHARE * len("".join(sample.split()))


class _PlainText(HTMLParser):
    """A last-resort HTML-to-text converter that drops script, style and other non-content elements and keeps the
    ``<title>`` apart."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
    BREAK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section",
                       "header", "footer", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.skipping = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def _plain_text(html: str) -> tuple[str, str]:
    """Title and text of ``html`` by a plain tag stripper."""
    parser = _PlainText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; whatever it chokes on, keep what it produced so far
        pass
    return "".join(parser.title_parts), parser.text()


@cache
def _quiet_html_loggers() -> None:
    """trafilatura and its helpers log every page they cannot parse; with no logging set up Python would print that
    on stderr (``atlas parse`` output). What matters reaches the Article's warnings instead."""
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def extract_html(html: str) -> dict[str, Any]:
    """Title, main text, date and URL of an HTML page (trafilatura, else a plain tag stripper)."""
    meta: dict[str, Any] = {}
    try:
        import trafilatura  # local: 0.1 s to import (measured), paid only by HTML articles

        _quiet_html_loggers()
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
        if doc is not None:
            meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    except Exception:  # trafilatura/lxml on hostile markup: fall back to the tag stripper below
        meta = {}
    meta["extractor"] = "trafilatura"
    if not str(meta.get("text") or "").strip():
        title, meta["text"] = _plain_text(html)
        meta["title"] = meta.get("title") or title
        meta["extractor"] = "a plain tag stripper"
    return meta
