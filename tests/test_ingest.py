"""``atlas ingest`` beyond the basics in test_store.py: its rate in the summary, and an interrupted run
(Ctrl-C, SIGTERM) that says what it did, leaves whole articles only and is completed by a re-run."""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import corpus
from dashboard.ingest import ADDED, DUPLICATE, FileResult, IngestInterrupted, IngestReport, ingest_paths
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def collection(tmp_path_factory, gazetteer) -> Path:
    out = tmp_path_factory.mktemp("collection")
    corpus.generate(out, 150, seed=5, gaz=gazetteer)
    return out


@pytest.fixture(scope="module")
def long_collection(tmp_path_factory, gazetteer) -> Path:
    """Enough articles that a signal sent once a few are committed (every half second) comes well before
    the end, whatever the machine's speed."""
    out = tmp_path_factory.mktemp("long_collection")
    corpus.generate(out, 1000, seed=6, gaz=gazetteer)
    return out


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "home" / "atlas.sqlite") as s:
        yield s


def test_the_summary_gives_the_rate():
    report = IngestReport([FileResult(f"{i}.txt", ADDED) for i in range(3)] + [FileResult("3.txt", DUPLICATE)],
                          seconds=2.0, total=4)
    assert report.rate == 2.0
    assert report.summary() == "4 files: 3 added, 1 already stored, 0 failed in 2.0 s (2.0 articles/s)"
    assert IngestReport().rate == 0.0
    quick = IngestReport([FileResult("0.txt", DUPLICATE)], seconds=0.0001, total=1)
    assert quick.summary() == "1 file: 0 added, 1 already stored, 0 failed in 0.0 s"


def test_the_corpus_is_deterministic_and_every_article_differs(tmp_path, gazetteer):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus.generate(a, 40, seed=3, gaz=gazetteer)
    corpus.generate(b, 40, seed=3, gaz=gazetteer)
    texts = [p.read_text(encoding="utf-8") for p in sorted(a.glob("*/*.txt"))]
    assert texts == [p.read_text(encoding="utf-8") for p in sorted(b.glob("*/*.txt"))]
    assert len(texts) == len(set(texts)) == 40
    assert corpus.existing(a, 40, 3) is not None and corpus.existing(a, 41, 3) is None
    seeds = corpus.seed_sentences()
    assert sum(any(s in t for s in seeds) for t in texts) == 40, "every article quotes the seeds"


def test_the_loop_freezes_what_it_made_and_unfreezes_it_after(store, gazetteer, collection, monkeypatch):
    import dashboard.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "FREEZE_EVERY", 2)
    frozen = []  # gc's freeze count after each article
    ingest_paths([collection], store, gazetteer, progress=lambda done, total, result: frozen.append(
        gc.get_freeze_count()))
    assert len(frozen) >= 5
    # every second article, the objects the loop made since (parsed articles, the writer's indexes) join
    # the frozen ones: the collector no longer scans them while the loop runs
    assert frozen[2] > frozen[0] and frozen[4] > frozen[2]
    assert gc.get_freeze_count() == 0


def test_an_interrupt_reports_what_was_done_and_a_rerun_completes(store, gazetteer, collection):
    files = sorted(collection.glob("*/*.txt"))

    frozen = []  # gc's freeze count at each article

    def stop_after_five(done: int, total: int, result) -> None:
        frozen.append(gc.get_freeze_count())
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted) as caught:
        ingest_paths([collection], store, gazetteer, progress=stop_after_five)
    # while the loop runs, what was made before it is out of the collector's scans; after it, back in
    assert min(frozen) > 0 and gc.get_freeze_count() == 0
    report = caught.value.report
    assert isinstance(caught.value, KeyboardInterrupt)
    assert report.interrupted and report.total == len(files) and report.added == 5
    assert report.summary().startswith(f"interrupted after 5 of {len(files)} files: 5 added")
    assert store.counts()["articles"] == 5

    again = ingest_paths([collection], store, gazetteer)
    assert not again.interrupted and gc.get_freeze_count() == 0
    assert (again.added, again.duplicates, again.failed) == (len(files) - 5, 5, 0)
    assert {r.path for r in again.results if r.status == DUPLICATE} == {r.path for r in report.results}
    assert store.counts()["articles"] == len(files)


def run_atlas_until(collection: Path, home: Path, articles: int, sig: int) -> subprocess.CompletedProcess:
    """``atlas ingest`` on ``collection``, sent ``sig`` once ``articles`` are stored."""
    atlas = Path(sys.executable).with_name("atlas")
    cmd = [str(atlas)] if atlas.exists() else [sys.executable, "-m", "dashboard.cli"]
    proc = subprocess.Popen([*cmd, "ingest", str(collection)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "ATLAS_HOME": str(home)})
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, f"atlas ingest ended before the signal: {proc.communicate()}"
            assert time.monotonic() < deadline
            if (home / "atlas.sqlite").exists():
                with Store(home / "atlas.sqlite") as s:
                    if s.counts()["articles"] >= articles:
                        break
            time.sleep(0.02)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_atlas_ingest_interrupted_says_what_it_did(tmp_path, long_collection, sig):
    collection = long_collection
    home = tmp_path / "home"
    files = sorted(collection.glob("*/*.txt"))
    done = run_atlas_until(collection, home, 10, sig)
    assert done.returncode == 130, done.stderr
    assert "interrupted after " in done.stderr and f"of {len(files)} files" in done.stderr
    assert "run the same command again" in done.stderr
    added = {line.split(None, 1)[1].split(": ")[0] for line in done.stdout.splitlines() if line.startswith(ADDED)}
    with Store(home / "atlas.sqlite") as s:
        stored = {row[0] for row in s._query("SELECT source FROM article")}
    # exactly the articles reported as added are stored: one whose commit was under way when the signal
    # came is stored whole and reported (the signal waits until it is counted)
    assert added == stored and len(added) >= 10

    again = subprocess.run([sys.executable, "-m", "dashboard.cli", "ingest", "-q", str(collection)], cwd=ROOT,
                           capture_output=True, text=True, timeout=600, env={**os.environ, "ATLAS_HOME": str(home)})
    assert again.returncode == 0, again.stderr
    assert f"{len(files) - len(stored)} added, {len(stored)} already stored, 0 failed" in again.stderr
    with Store(home / "atlas.sqlite") as s:
        assert s.counts()["articles"] == len(files)
