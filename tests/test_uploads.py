"""Articles added in the page, without the page: hostile and odd uploads (empty, binary, 20 MB, cp1251,
HTML full of scripts, names with path separators), progress, duplicates, pasted text."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.ingest import ADDED, DUPLICATE, FAILED, MAX_NAME, display_name, ingest_text, ingest_uploads
from dashboard.store import Store

GOOD = b"Clashes near Goris\n\nSeptember 13, 2022\n\nShelling hit Goris and Kapan overnight.\n"
SCRIPTS = (b"<html><head><title>Talks in Tbilisi</title><script>alert('head')</script>"
           b"<script src='https://evil.example/x.js'></script></head><body onload=\"alert('body')\">"
           b"<article><h1>Talks in Tbilisi</h1><p>Published 2022-10-01</p><script>fetch('/steal')</script>"
           b"<p>Diplomats met in Tbilisi and Batumi <img src=x onerror=alert(1)> to discuss the border.</p>"
           b"<noscript><iframe src=javascript:alert(2)></iframe></noscript></article></body></html>")


def ingest_bytes(store, gazetteer, name, data):
    """One uploaded file through the page's path (a batch of one)."""
    (result,) = ingest_uploads(store, gazetteer, [(name, data)]).results
    return result


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "atlas.sqlite") as s:
        yield s


def test_display_names_are_labels_only():
    assert display_name("../../etc/passwd.txt") == "../../etc/passwd.txt"
    assert display_name("a\x00b\nc\x1b[31m.txt") == "abc[31m.txt"
    assert display_name("") == "upload" and display_name(None) == "upload"
    long = display_name("x" * 1000 + ".html")
    assert len(long) == MAX_NAME and long.endswith(".html") and long.startswith("…")


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"  \n\t\n", "empty"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, "binary"),
    ("huge.txt", b"Yerevan and Baku traded accusations. " * (20_000_000 // 37 + 1), "too-large"),
])
def test_hostile_uploads_fail_with_their_reason(store, gazetteer, name, data, reason):
    result = ingest_bytes(store, gazetteer, name, data)
    assert (result.status, result.reason) == (FAILED, reason)
    assert name in result.message
    assert store.is_empty()


def test_a_20_mb_upload_is_refused_by_the_readers_limit_with_a_clear_message(store, gazetteer):
    data = b"Yerevan and Baku traded accusations. " * (20_000_000 // 37 + 1)
    result = ingest_bytes(store, gazetteer, "huge.txt", data)
    assert result.message.startswith("huge.txt is 20.0 MB") and "limit of 5.0 MB" in result.message


def test_cp1251_is_decoded(store, gazetteer):
    text = "Обстрел в Горисе\n\n14 сентября 2022\n\nАрмения и Азербайджан обменялись обвинениями в Ереване.\n"
    result = ingest_bytes(store, gazetteer, "russian.txt", text.encode("cp1251"))
    assert result.status == ADDED, result.message
    stored = store.article(result.article_id)
    assert "Армения" in stored.text and stored.title == "Обстрел в Горисе"
    assert store._query("SELECT encoding FROM article")[0][0].lower().replace("-", "") in ("cp1251", "windows1251")


def test_html_full_of_scripts_keeps_only_its_text(store, gazetteer):
    result = ingest_bytes(store, gazetteer, "talks.html", SCRIPTS)
    assert result.status == ADDED, result.message
    text = store.article(result.article_id).text
    for gone in ("alert", "fetch", "<script", "evil.example", "onerror", "onload", "javascript:", "<img", "iframe"):
        assert gone not in text, gone
    assert "Diplomats met in Tbilisi and Batumi" in text
    assert {p.name for p in store.place_counts()} >= {"Tbilisi", "Batumi"}


def test_a_name_with_path_separators_is_never_a_path(store, gazetteer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = ["../../escape.txt", "/etc/passwd.txt", "..\\..\\windows.txt", "sub/dir/a.md"]
    opened = []
    real_open = open

    def watch(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watch)
    results = [ingest_bytes(store, gazetteer, name, GOOD + name.encode()) for name in names]
    monkeypatch.undo()
    assert [r.status for r in results] == [ADDED] * 4
    assert not [p for p in opened if any(n.split("/")[-1].split("\\")[-1] in p for n in names)]
    assert {s for (s,) in store._query("SELECT source FROM article")} == set(names)
    assert not (tmp_path.parent / "escape.txt").exists() and not Path("sub").exists()
    assert set(os.listdir(tmp_path)) <= {"atlas.sqlite", "atlas.sqlite-wal", "atlas.sqlite-shm"}


def test_a_batch_reports_every_file_in_order_with_progress(store, gazetteer):
    class Uploaded:  # what st.file_uploader gives
        def __init__(self, name, data):
            self.name, self._data = name, data

        def getvalue(self):
            return self._data

    seen = []
    report = ingest_uploads(store, gazetteer, [("a.txt", GOOD), Uploaded("b.md", GOOD), ("c.txt", b""),
                                               Uploaded("d.html", SCRIPTS)],
                            progress=lambda done, total, r: seen.append((done, total, r.status)))
    assert [(r.path, r.status) for r in report.results] == [("a.txt", ADDED), ("b.md", DUPLICATE),
                                                            ("c.txt", FAILED), ("d.html", ADDED)]
    assert seen == [(1, 4, ADDED), (2, 4, DUPLICATE), (3, 4, FAILED), (4, 4, ADDED)]
    assert (report.added, report.duplicates, report.failed) == (2, 1, 1)
    assert store.counts()["articles"] == 2


def test_pasted_text(store, gazetteer):
    assert ingest_text(store, gazetteer, GOOD.decode()).status == ADDED
    assert ingest_text(store, gazetteer, GOOD.decode()).status == DUPLICATE
    empty = ingest_text(store, gazetteer, " \n ")
    assert (empty.status, empty.reason, empty.path) == (FAILED, "empty", "pasted text")
    assert ingest_text(store, gazetteer, "x" * (6_000_000)).reason == "too-large"


def test_the_upload_report_says_how_a_file_was_decoded(store, gazetteer):
    """The page's report gives the reader's warnings of an added file, as the CLI prints them."""
    from dashboard.ingest_report import IngestReport
    from dashboard.page.upload import report_html

    latin = "Kharkiv shelled\n\nPublished 4 March 2022\n\nShelling hit Kharkiv on 3 March. The café burned.\n"
    result = ingest_bytes(store, gazetteer, "latin1.txt", latin.encode("latin-1"))
    assert result.status == ADDED and any("cp1252" in w for w in result.warnings)
    html = report_html(IngestReport([result], seconds=0.1, total=1))
    assert "decoded as cp1252" in html and "1 file: 1 added" in html
