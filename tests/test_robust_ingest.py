"""No single file stops, hangs or garbles an ingest (issue 13, item 2): only regular files are read (FIFOs,
sockets and devices are refused unopened), names that are not UTF-8 are stored escaped, unreadable
folders and files are reported, hidden ones counted, an interrupted report counts exactly what the store
holds, and names and titles reach the terminal with their control characters escaped."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

import dashboard.parse_pool as parse_pool
from dashboard.errors import ArticleError
from dashboard.ingest import ADDED, FAILED, FileResult, IngestInterrupted, collect, ingest_paths
from dashboard.reader import read_article
from dashboard.store import Store
from dashboard.terminal import path_text, terminal_safe
from tests.fixtures import ROOT

ARTICLE = "Clashes near Goris\n\nShelling hit Goris and Kapan.\n"
OTHER = "Kapan shelled\n\nShelling hit Kapan overnight.\n"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "SIGALRM"),
                                reason="no named pipes (or no SIGALRM) on this system")


def atlas(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``atlas ARGS`` with ATLAS_HOME=home; a hang fails the test after ``timeout`` seconds."""
    exe = Path(sys.executable).with_name("atlas")
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "dashboard.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, "ATLAS_HOME": str(home)})


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "home" / "atlas.sqlite") as s:
        yield s


def by_name(report) -> dict[str, FileResult]:
    return {Path(r.path).name: r for r in report.results}


@contextmanager
def deadline(seconds: int = 20):
    """Fail (instead of hanging the suite) when the block blocks: SIGALRM interrupts a blocking open."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: it blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- only regular files ----------------------------------------------------------------------------------
@needs_fifo
def test_a_fifo_is_refused_unopened_by_the_reader(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    with deadline(), pytest.raises(ArticleError) as caught:
        read_article(fifo)
    assert caught.value.reason == "not-a-file" and "named pipe" in str(caught.value)


@needs_fifo
def test_a_fifo_and_a_socket_in_a_folder_are_reported_and_the_rest_ingested(store, gazetteer, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    monkeypatch.chdir(folder)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock.txt")
        with deadline():
            report = ingest_paths([folder], store, gazetteer)
    results = by_name(report)
    assert results["good.txt"].status == ADDED
    for name, kind in (("pipe.txt", "named pipe"), ("sock.txt", "socket")):
        assert (results[name].status, results[name].reason) == (FAILED, "not-a-file")
        assert kind in results[name].message
    assert (report.added, report.failed) == (1, 2) and store.counts()["articles"] == 1


@needs_fifo
def test_atlas_ingest_and_parse_refuse_a_fifo_and_dev_null_without_hanging(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    home = tmp_path / "home"
    done = atlas("ingest", str(folder), str(folder / "pipe.txt"), os.devnull, home=home)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("added") and "good.txt" in line for line in lines)
    assert sum("pipe.txt: not-a-file:" in line for line in lines) == 1  # named twice, read (refused) once
    assert any(line.startswith("failed") and f"{os.devnull}: not-a-file:" in line and "character device" in line
               for line in lines)
    assert "1 added, 0 already stored, 2 failed" in done.stderr and "Traceback" not in done.stderr
    parsed = atlas("parse", "-q", str(folder / "pipe.txt"), os.devnull, str(folder / "good.txt"), home=home)
    assert parsed.returncode == 1 and len(parsed.stdout.splitlines()) == 1
    assert "named pipe" in parsed.stderr and "character device" in parsed.stderr
    assert "2 of 3 files could not be read" in parsed.stderr


# -- names that are not UTF-8 ------------------------------------------------------------------------------
def test_a_name_that_is_not_utf8_is_stored_escaped_and_reported(store, gazetteer, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \xff.txt")  # surrogate-escaped, as os.listdir gives it
    (folder / name).write_text(ARTICLE, encoding="utf-8")
    (result,) = ingest_paths([folder], store, gazetteer).results
    assert result.status == ADDED and result.path == str(folder / "caf\\xe9 \\xff.txt")
    assert any("not valid UTF-8" in w for w in result.warnings)
    assert "caf\\xe9 \\xff.txt" in result.line()
    assert store._query("SELECT source FROM article") == [(str(folder / "caf\\xe9 \\xff.txt"),)]
    assert path_text(b"ok/\xc3\xa9.txt") == "ok/é.txt" and path_text(os.fsdecode(b"\x80")) == "\\x80"


def test_atlas_ingest_a_name_that_is_not_utf8(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:  # a bytes path
        fh.write(ARTICLE.encode())
    (folder / "other.txt").write_text(OTHER, encoding="utf-8")
    home = tmp_path / "home"
    done = atlas("ingest", str(folder), home=home)
    assert done.returncode == 0, done.stderr
    assert "2 added" in done.stderr and "Traceback" not in done.stderr
    assert any(line.startswith("added") and "caf\\xe9.txt" in line and "not valid UTF-8" in line
               for line in done.stdout.splitlines())
    with Store(home / "atlas.sqlite") as s:
        assert sorted(Path(r[0]).name for r in s._query("SELECT source FROM article")) == ["caf\\xe9.txt", "other.txt"]


# -- unreadable folders and files -----------------------------------------------------------------------
def test_an_unreadable_folder_is_listed_as_failed(store, gazetteer, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.txt").write_text(OTHER, encoding="utf-8")
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # what os.walk meets in a folder without read permission (root ignores the bits)
        if os.fspath(path) == str(folder / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = ingest_paths([folder], store, gazetteer)
    results = {r.path: r for r in report.results}
    locked = results[str(folder / "locked")]
    assert (locked.status, locked.reason) == (FAILED, "unreadable")
    assert "folder cannot be read (permission denied)" in locked.message and "left out" in locked.message
    assert results[str(folder / "good.txt")].status == ADDED
    assert (report.added, report.failed) == (1, 1)


def test_an_unreadable_file_and_a_file_in_an_unreadable_folder_fail_with_a_reason(store, gazetteer, tmp_path,
                                                                                    monkeypatch):
    locked_file = tmp_path / "locked.txt"
    locked_file.write_text(ARTICLE, encoding="utf-8")
    behind = tmp_path / "closed" / "article.txt"  # given directly, inside a folder that cannot be searched
    behind.parent.mkdir()
    behind.write_text(OTHER, encoding="utf-8")
    real_open, real_stat = os.open, os.stat

    def fake_open(path, *args, **kwargs):
        if os.fspath(path) == str(locked_file):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def fake_stat(path, *args, **kwargs):
        if os.fspath(path) == str(behind):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "stat", fake_stat)
    report = ingest_paths([locked_file, behind], store, gazetteer)
    results = by_name(report)
    assert (results["locked.txt"].status, results["locked.txt"].reason) == (FAILED, "unreadable")
    assert "permission denied" in results["locked.txt"].message
    assert (results["article.txt"].status, results["article.txt"].reason) == (FAILED, "unreadable")
    assert "permission denied" in results["article.txt"].message
    assert store.is_empty()


def test_a_symlink_loop_given_directly_is_unreadable_not_missing(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    files, failed, _, _ = collect([tmp_path / "a", tmp_path / "nowhere.txt"])
    assert files == [] and [(f.reason, Path(f.path).name) for f in failed] == [("unreadable", "a"),
                                                                                 ("missing", "nowhere.txt")]


# -- hidden files and folders -----------------------------------------------------------------------------
def test_hidden_files_and_folders_are_counted(store, gazetteer, tmp_path):
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "a.txt").write_text(OTHER, encoding="utf-8")
    (folder / ".draft.txt").write_text(OTHER, encoding="utf-8")
    (folder / "sub" / ".cache").mkdir(parents=True)
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    report = ingest_paths([folder], store, gazetteer)
    assert [Path(r.path).name for r in report.results] == ["good.txt"]
    assert report.hidden == 3
    assert "3 hidden skipped" in report.summary()
    assert "hidden" not in ingest_paths([folder / "good.txt"], store, gazetteer).summary()


# -- the interrupted count --------------------------------------------------------------------------------
@pytest.fixture
def three(tmp_path) -> Path:
    folder = tmp_path / "three"
    folder.mkdir()
    for i, place in enumerate(("Goris", "Kapan", "Yerevan")):
        (folder / f"{i}.txt").write_text(f"News from {place}\n\nShelling hit {place}.\n", encoding="utf-8")
    return folder


def interrupt_after_commit(store, monkeypatch, nth: int, interrupt) -> None:
    """The ``nth`` commit is followed, before ``add_article`` returns, by ``interrupt()``."""
    real = store.add_article
    calls = []

    def add_article(*args, **kwargs):
        stored = real(*args, **kwargs)
        calls.append(stored)
        if len(calls) == nth:
            interrupt()
        return stored

    monkeypatch.setattr(store, "add_article", add_article)


@pytest.mark.skipif(not hasattr(signal, "raise_signal"), reason="needs signal.raise_signal")
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_right_after_a_commit_is_counted(store, gazetteer, three, monkeypatch, sig):
    signum = getattr(signal, sig)
    if sig == "SIGTERM":  # as atlas ingest sets it up
        def terminate(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, terminate)
    handler = signal.getsignal(signal.SIGINT)
    interrupt_after_commit(store, monkeypatch, 2, lambda: signal.raise_signal(signum))
    try:
        with pytest.raises(IngestInterrupted) as caught:
            ingest_paths([three], store, gazetteer)
    finally:
        if sig == "SIGTERM":
            signal.signal(signal.SIGTERM, previous)
    report = caught.value.report
    assert report.interrupted and [r.status for r in report.results] == [ADDED, ADDED]
    assert report.added == store.counts()["articles"] == 2
    assert signal.getsignal(signal.SIGINT) is handler  # the handlers are back


def test_an_interrupt_raised_right_after_a_commit_is_counted(store, gazetteer, three, monkeypatch):
    def interrupt():
        raise KeyboardInterrupt

    interrupt_after_commit(store, monkeypatch, 1, interrupt)
    with pytest.raises(IngestInterrupted) as caught:
        ingest_paths([three], store, gazetteer)
    report = caught.value.report
    assert report.added == store.counts()["articles"] == 1
    assert report.summary().startswith("interrupted after 1 of 3 files: 1 added")


def test_an_interrupt_before_the_commit_stores_and_counts_nothing(store, gazetteer, three, monkeypatch):
    def geoparse(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(parse_pool, "geoparse", geoparse)
    with pytest.raises(IngestInterrupted) as caught:
        ingest_paths([three], store, gazetteer)
    assert caught.value.report.added == store.counts()["articles"] == 0


# -- terminal output ----------------------------------------------------------------------------------------
def test_terminal_safe_escapes_controls_only():
    assert terminal_safe("a\x1b[2Jb\rc\nd\te\x07\x9b\u202eé ø Ереван") == \
        "a\\x1b[2Jb\\rc\\nd\\te\\x07\\x9b\\u202eé ø Ереван"
    assert terminal_safe(os.fsdecode(b"x\xffy")) == "x\\xffy"
    line = FileResult("evil\x1b]0;owned\x07.txt", ADDED, title="Title\x1b[31m red", mentions=1, events=1).line()
    assert "\x1b" not in line and "\x07" not in line and "evil\\x1b]0;owned\\x07.txt" in line
    failed = FileResult("x\r.txt", FAILED, reason="empty", message="x\r.txt is empty").line()
    assert "\r" not in failed and failed.count("x\\r.txt") == 2


def test_atlas_ingest_and_parse_print_no_escape_sequences(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "title.txt").write_text("Shelling \x1b[2J\x1b]0;owned\x07near Goris\n\nShelling hit Goris.\n",
                                      encoding="utf-8")
    (folder / "name\x1b[31m\r.txt").write_text("  \n", encoding="utf-8")  # empty: fails, its name printed
    home = tmp_path / "home"
    done = atlas("ingest", str(folder), home=home)
    assert done.returncode == 1
    for stream in (done.stdout, done.stderr):
        assert "\x1b" not in stream and "\r" not in stream and "\x07" not in stream
    assert "name\\x1b[31m\\r.txt: empty:" in done.stdout and "\\x1b[2J" in done.stdout
    parsed = atlas("parse", "-q", str(folder / "name\x1b[31m\r.txt"), home=home)
    assert parsed.returncode == 1 and "\x1b" not in parsed.stderr and "\r" not in parsed.stderr
    assert "name\\x1b[31m\\r.txt" in parsed.stderr
