"""Scraped page layouts (tests/data/scraped/: wire services, broadsheets, tabloids, blogs, regional outlets, live blogs,
scrapers' Markdown, HTML pages), each with its gold headline and publication date: the reader gets every one right
through the pages' furniture (menus, breadcrumbs, share bars, cookie and paywall notices, reading times, update stamps,
bylines, section labels, captions). The bodies are invented for these tests."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from dashboard.reader import Article, read_article
from tests.fixtures import check_spans, norm_title

SCRAPED = Path(__file__).resolve().parent / "data" / "scraped"
GOLD = json.loads((SCRAPED / "gold.json").read_text(encoding="utf-8"))["articles"]
IDS = [g["file"].split(".")[0] for g in GOLD]


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {g["file"]: read_article(SCRAPED / g["file"]) for g in GOLD}


def test_the_corpus_is_whole() -> None:
    files = {p.name for p in SCRAPED.iterdir() if p.name != "gold.json"}
    assert files == {g["file"] for g in GOLD}
    assert len(GOLD) >= 20
    assert sum(f.endswith((".html", ".htm")) for f in files) >= 4


@pytest.mark.parametrize("gold", GOLD, ids=IDS)
def test_title(articles: dict[str, Article], gold: dict) -> None:
    article = articles[gold["file"]]
    assert norm_title(article.title) == norm_title(gold["title"])
    check_spans(article)


@pytest.mark.parametrize("gold", GOLD, ids=IDS)
def test_date(articles: dict[str, Article], gold: dict) -> None:
    expected = datetime.date.fromisoformat(gold["published"]) if gold["published"] else None
    assert articles[gold["file"]].published == expected


@pytest.mark.parametrize("gold", GOLD, ids=IDS)
def test_furniture_is_not_content(articles: dict[str, Article], gold: dict) -> None:
    """The body keeps the article and drops the lines of menus, notices and stamps around it (a date line, with the
    reading time beside its date, stays)."""
    lines = [line.strip().lower() for line in articles[gold["file"]].body.splitlines()]
    for furniture in ("skip to", "accept all cookies", "subscribe to", "share on facebook", "home >", "copy link",
                      "published 3 hours ago", "updated 12m ago", "4 min read", "reading time", "we use cookies",
                      "you have 2 free articles", "news / politics", "accueil |", "inicio >"):
        assert not any(line.startswith(furniture) for line in lines), furniture
    assert not {"world", "news", "menu", "search", "sign in", "advertisement"} & set(lines)
