"""What several test modules share: sample places, articles and the helpers that store them (not a test
module: test modules import this, never each other)."""
from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from dashboard.events import LITERAL, Role, extract_events
from dashboard.reader import Article, article_from_text
from dashboard.store import Store
from gazetteer.place import Place
from gazetteer.resolve import Mention

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

GORIS = Place(174895, "Goris", 39.5111, 46.3417, "AM", "P", "PPLA2", 20000, "08")
KAPAN = Place(174875, "Kapan", 39.2076, 46.4054, "AM", "P", "PPLA", 43000, "08")
GORI = Place(614455, "Gori", 41.9842, 44.1158, "GE", "P", "PPLA", 48000, "05")
ARMENIA = Place(174982, "Armenia", 40.25, 45.0, "AM", "A", "PCLI", 2968000)


def make_article(title: str, date: str | None, body: str, url: str | None = None):
    head = f"{title}\n\n" + (f"{date}\n\n" if date else "")
    tail = f"\n\nOriginal url: {url}\n" if url else "\n"
    return article_from_text(head + body + tail, f"{title}.txt")


def find_mentions(article, names: dict[str, Place]) -> list[Mention]:
    """Every whole occurrence of each name, as the geoparser would report it (with a runner-up)."""
    out = []
    for name, place in names.items():
        start = article.text.find(name)
        while start >= 0:
            runner = (GORI, 0.1) if place is GORIS else (ARMENIA, 0.05)
            out.append(Mention(start, start + len(name), name, place, 0.9, (runner,)))
            start = article.text.find(name, start + 1)
    return sorted(out, key=lambda m: m.start)


def add(store: Store, article, names: dict[str, Place], roles: list[Role] | None = None) -> bool:
    """Store ``article`` with a mention of every occurrence of ``names``; every mention literal unless
    ``roles`` says otherwise (the store's tests do not depend on the role classifier)."""
    mentions = find_mentions(article, names)
    roles = [Role(LITERAL, 0.9)] * len(mentions) if roles is None else roles
    return store.add_article(article, mentions, extract_events(article, mentions), roles=roles, parser="test")


PLACES = {"Goris": GORIS, "Kapan": KAPAN, "Armenia": ARMENIA}
A2021 = ("Clashes near Goris", "November 16, 2021", "Shelling hit Goris overnight. Armenia protested.")
A2022 = ("Kapan shelled", "September 13, 2022", "Shelling hit Kapan and Goris. Armenia appealed to Russia.",
         "https://example.com/kapan")
UNDATED = ("Border tension", None, "Troops massed near Kapan.")


def run_atlas(*args: str, home: Path) -> subprocess.CompletedProcess:
    atlas = Path(sys.executable).with_name("atlas")
    cmd = [str(atlas), *args] if atlas.exists() else [sys.executable, "-m", "dashboard.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "ATLAS_HOME": str(home)})


def norm_title(s: str | None) -> str:
    """How the scorer compares titles."""
    s = unicodedata.normalize("NFKC", s or "").replace("’", "'")
    return re.sub(r"\s+", " ", s).strip().casefold()


def check_spans(article: Article) -> None:
    """The invariants every Article keeps, whatever its input."""
    n = len(article.text)
    previous_end = 0
    for start, end in article.content_spans:
        assert isinstance(start, int) and isinstance(end, int)
        assert previous_end <= start <= end <= n
        previous_end = end
    if article.title is None:
        assert article.title_span is None
    else:
        assert article.title_span is not None
        start, end = article.title_span
        assert 0 <= start <= end <= n
        assert article.text[start:end] == article.title
        assert "\n" not in article.title and "\r" not in article.title
    assert article.url is None or article.url.split(":", 1)[0].lower() in ("http", "https")
    assert re.fullmatch(r"[0-9a-f]{16}", article.id)
    assert isinstance(article.body, str)
    assert article.published is None or isinstance(article.published, datetime.date)
