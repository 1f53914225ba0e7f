"""The sample articles stored once and copied into each new store (dashboard/seeds.py): the copy holds what
ingesting them stores, never replaces a store that exists, and is made again when the seeds change."""
from __future__ import annotations

import shutil

import pytest

from dashboard import cli, seeds
from dashboard.store import Store


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """Prepared seeds go to a folder of the test's own (the index stays the shared one)."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(seeds, "prepared_path", lambda version: folder / f"{seeds.PREFIX}{version}.sqlite")
    return folder


def _content(path):
    """Every row of every table (but the time of ingest), in a stable order."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite%' ORDER BY name")]
        out = {}
        for table in tables:
            columns = [c[1] for c in db.execute(f'PRAGMA table_info("{table}")') if c[1] != "ingested_at"]
            rows = db.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        db.close()


def test_a_new_store_starts_as_the_prepared_seeds_which_hold_what_ingesting_them_stores(cache, tmp_path, seeded):
    prepared = seeds.prepare()
    assert prepared.parent == cache and prepared.is_file()
    assert seeds.prepare() == prepared  # current: not made again
    home = tmp_path / "home" / "atlas.sqlite"
    assert seeds.place_seeds(home)
    assert _content(home) == _content(seeded / "atlas.sqlite")
    with Store(home) as store:  # a store like any other: it takes more articles
        assert store.counts()["articles"] == 5
    # a store file that exists (empty or not) is never replaced
    before = home.read_bytes()
    assert not seeds.place_seeds(home)
    assert home.read_bytes() == before


def test_prepared_seeds_of_another_version_are_not_used_and_are_removed(cache, tmp_path, monkeypatch):
    folder = tmp_path / "my-seeds"
    shutil.copytree(seeds.SEEDS_DIR, folder)
    monkeypatch.setattr(seeds, "SEEDS_DIR", folder)
    first = seeds.fingerprint()
    old = seeds.prepare()
    edited = sorted(folder.glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n",
                                    encoding="utf-8")
    assert seeds.fingerprint() != first  # an edited seed is another version
    assert not seeds.place_seeds(tmp_path / "home" / "atlas.sqlite")  # none for it yet: the page ingests
    new = seeds.prepare()
    assert new != old and new.is_file() and not old.exists()
    monkeypatch.setattr(seeds, "SEEDS_DIR", tmp_path / "none")
    assert not seeds.place_seeds(tmp_path / "home2" / "atlas.sqlite")  # no seeds at all: nothing to copy


def test_atlas_seeds_prepares_them(cache, capsys):
    assert cli.main(["seeds"]) == 0
    (made,) = cache.glob(f"{seeds.PREFIX}*.sqlite")
    assert str(made) in capsys.readouterr().err
    assert cli.main(["seeds", "-q", "--force"]) == 0 and capsys.readouterr().err == ""


def test_a_folder_that_takes_no_copy_leaves_the_seeding_to_the_page(cache, tmp_path, monkeypatch):
    seeds.prepare()

    def no_links(*args):
        raise PermissionError("no hard links here")

    monkeypatch.setattr(seeds.os, "link", no_links)
    store = tmp_path / "home" / "atlas.sqlite"
    assert not seeds.place_seeds(store)
    assert not store.exists() and list(store.parent.iterdir()) == []  # no half-made file left behind
