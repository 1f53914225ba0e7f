"""Ingest at scale: worker processes that parse (dashboard/parse_pool.py), group commits
(dashboard/store/batch.py) and the writer's in-memory link index (dashboard/events/link_index.py) store
exactly what one process, one transaction per article and the store's own rows would."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import dashboard.events.stories as stories
from dashboard.ingest import ADDED, FAILED, ingest_article, ingest_paths
from dashboard.reader import read_article
from dashboard.seeds import SEEDS_DIR
from dashboard.store import Store
from dashboard.store.check import check_store

TOWNS = ["Goris", "Kapan", "Vardenis", "Sotk", "Jermuk", "Sisian", "Meghri", "Ijevan"]


def _corpus(folder: Path) -> Path:
    """The seeds and 24 short reports: each town shelled on two days, reported by three outlets in
    other words (the same events across articles), some undated (dated from their story)."""
    folder.mkdir()
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    for i, town in enumerate(TOWNS):
        for j, outlet in enumerate(["example.com", "news.example.org", "wire.example.net"]):
            day = 13 + i % 2
            dated = f"September {day + (j == 2)}, 2022\n\n" if (i + j) % 4 else ""
            text = (f"Shelling near {town}\n\n{dated}Azerbaijani artillery shelled the border town of {town} on "
                    f"September {day}, killing {i + 2} soldiers, the defence ministry of Armenia said. "
                    f"Residents of {town} sheltered in basements during the {town} shelling. "
                    f"{'Officials' if j else 'Local officials'} said the attack lasted for hours.\n\n"
                    f"Original url: https://{outlet}/2022/09/{day}/{town.lower()}\n")
            (folder / f"{i:02d}-{j}-{town.lower()}.txt").write_text(text, encoding="utf-8")
    return folder


def _shape(path: Path) -> dict:
    """What the store says, whatever ids it gave: events, same-event groups, stories, dates, copies."""
    db = sqlite3.connect(path)
    try:
        events = sorted(db.execute("SELECT article, sent_start, place, date, date_source, event_type, fatalities "
                                   "FROM event"))
        groups: dict[int, set] = {}
        for aid, start, cluster in db.execute("SELECT article, sent_start, cluster FROM report"):
            groups.setdefault(cluster, set()).add((aid, start))
        story: dict[int, set] = {}
        for aid, s in db.execute("SELECT article, story FROM article_story"):
            story.setdefault(s, set()).add(aid)
        copies = sorted(db.execute("SELECT article, copy_of FROM article_copy"))
        mentions = sorted(db.execute("SELECT article, start, date, date_source FROM mention"))
    finally:
        db.close()
    return {"events": events, "same": sorted(sorted(g) for g in groups.values()),
            "stories": sorted(sorted(s) for s in story.values()), "copies": copies, "mentions": mentions}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("scale") / "articles")


@pytest.fixture(scope="module")
def one_process(tmp_path_factory, corpus, gazetteer) -> dict:
    path = tmp_path_factory.mktemp("one") / "atlas.sqlite"
    with Store(path) as store:
        report = ingest_paths([corpus], store, gazetteer, workers=0)
    assert report.added == len(list(corpus.iterdir())) and not report.failed
    return _shape(path)


def test_the_corpus_links_events_and_stories(one_process):
    # the same shelling reported three times is one event: groups of three reports exist, and stories
    assert any(len(g) >= 3 for g in one_process["same"])
    assert len(one_process["stories"]) < 5 + len(TOWNS) * 3
    assert any(source == "story" for *_, source in one_process["mentions"])


def test_workers_store_what_one_process_stores(tmp_path, corpus, gazetteer, one_process):
    with Store(tmp_path / "atlas.sqlite") as store:
        report = ingest_paths([corpus], store, gazetteer, workers=2)
        assert [r.status for r in report.results] == [ADDED] * report.total
        again = ingest_paths([corpus], store, gazetteer, workers=2)  # the workers skip what is stored
        assert again.duplicates == again.total
    assert _shape(tmp_path / "atlas.sqlite") == one_process


def test_two_writers_in_turn_store_what_one_writes(tmp_path, corpus, gazetteer, one_process):
    files = sorted(corpus.iterdir())
    path = tmp_path / "atlas.sqlite"
    with Store(path) as first, Store(path) as second:
        for i, f in enumerate(files):  # each writer's link index must see what the other linked
            ingest_paths([f], first if i % 3 else second, gazetteer)
    assert _shape(path) == one_process


def test_a_failed_article_in_a_batch_is_rolled_back_alone(tmp_path, corpus, gazetteer, monkeypatch):
    real = stories.link_article

    def link(db, article, *args, **kwargs):
        real(db, article, *args, **kwargs)  # its rows written, its link index filled: then it fails
        if "Kapan" in article.title:
            raise sqlite3.OperationalError("simulated failure")

    monkeypatch.setattr(stories, "link_article", link)
    with Store(tmp_path / "atlas.sqlite") as store:
        report = ingest_paths([corpus], store, gazetteer)
    failed = {Path(r.path).name for r in report.results if r.status == FAILED}
    assert failed == {f.name for f in corpus.iterdir() if "kapan" in f.name}
    monkeypatch.setattr(stories, "link_article", real)
    clean = tmp_path / "clean"
    clean.mkdir()
    for f in corpus.iterdir():
        if f.name not in failed:
            shutil.copy(f, clean / f.name)
    with Store(tmp_path / "clean.sqlite") as store:
        ingest_paths([clean], store, gazetteer)
    assert _shape(tmp_path / "atlas.sqlite") == _shape(tmp_path / "clean.sqlite")


def test_a_full_disk_loses_nothing_it_reports_as_added(tmp_path, corpus, gazetteer):
    path = tmp_path / "atlas.sqlite"
    with Store(path) as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 60}")  # room for a few articles only
        report = ingest_paths([corpus], store, gazetteer)
        stored = {a.id for a in store.article_list()}
    added = {r.article_id for r in report.results if r.status == ADDED}
    failed = [r for r in report.results if r.status == FAILED]
    assert added and failed and added == stored
    assert all(r.reason == "store" and "full" in r.message for r in failed)
    assert check_store(path).ok


def test_a_batch_commits_when_due_and_when_it_ends(tmp_path, corpus, gazetteer):
    articles = [read_article(f) for f in sorted(corpus.iterdir())[:3]]
    with Store(tmp_path / "atlas.sqlite") as store:
        with store.batch(seconds=3600) as batch:
            for article in articles[:2]:
                assert ingest_article(store, gazetteer, article).status == ADDED
            assert batch.commits == 0 and batch.pending == 2 and store.counts()["articles"] == 0  # readers wait
        assert store.counts()["articles"] == 2
        with store.batch(seconds=0) as batch:
            ingest_article(store, gazetteer, articles[2])
            assert batch.commits == 1 and store.counts()["articles"] == 3
        report = ingest_paths([corpus], store, gazetteer)  # ingest commits its batch before it returns
        assert store.counts()["articles"] == report.added + 3
