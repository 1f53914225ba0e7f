"""Where the gazetteer's index lives and what a built one records: what a caller that only asks whether
the index is there and current needs (the page's first run, :mod:`dashboard.seeds`), without the
sources, the build or geopy (:mod:`gazetteer.build` builds it; importing that takes 0.1 s)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 3
INDEX_NAME = "gazetteer.sqlite"


def cache_dir() -> Path:
    """``$ATLAS_CACHE`` or the platform's per-user cache directory for News Atlas."""
    env = os.environ.get("ATLAS_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("news-atlas", appauthor=False))


def index_path() -> Path:
    return cache_dir() / INDEX_NAME


def current_fingerprint(path: Path) -> str | None:
    """The fingerprint a built index records, or ``None`` when it is missing, foreign or outdated."""
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return None
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        return None
    return meta.get("fingerprint")
