"""`atlas parse` as a user runs it: the seeds scored against gold, and bad files side by side with good ones."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.seeds_scoring import score

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "seeds_gold.json"


def run_parse(capsys, files) -> tuple[int, list[dict], str]:
    code = main(["parse", "--quiet", *map(str, files)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_seeds_meet_the_acceptance_bar(capsys):
    """Issue 2: resolved 1.000, precision at least 0.98, dates 5/5, titles 5/5."""
    code, records, _err = run_parse(capsys, SEEDS)
    assert code == 0 and len(records) == 5
    result = score(records, GOLD, ROOT / "seeds")
    assert result.resolved == 1.0, result.problems
    assert result.precision >= 0.98, result.problems
    assert (result.dates_right, result.titles_right) == (5, 5), result.problems


def test_output_follows_the_contract(capsys):
    _code, records, _err = run_parse(capsys, SEEDS[:1])
    (record,) = records
    text = SEEDS[0].read_bytes().decode("utf-8")
    assert record["file"] == str(SEEDS[0]) and record["published"] == "2021-11-16"
    assert record["url"].startswith("https://www.themoscowtimes.com/")
    for m in record["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]
        assert {"name", "lat", "lon", "country_code", "feature", "confidence", "geonameid", "candidates"} <= set(m)
        if m["feature"].startswith("A.PCL") and m["feature"] != "A.PCLH":  # former states have no ISO code
            assert len(m["country_code"]) == 2


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "photo.txt",
        "huge": tmp_path / "huge.txt",
        "cp1251": tmp_path / "russian.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    files["huge"].write_bytes(b"Yerevan and Baku traded accusations. " * (20_000_000 // 37 + 1))
    files["cp1251"].write_bytes("Ереван\n\n14 сентября 2022\n\nАрмения обвинила Азербайджан в обстреле Горис и Капан."
                                .encode("cp1251"))
    return files


def test_bad_files_get_a_message_and_never_stop_the_others(capsys, bad_files):
    files = [bad_files["empty"], SEEDS[1], bad_files["binary"], bad_files["huge"], bad_files["cp1251"], SEEDS[3]]
    code, records, err = run_parse(capsys, files)
    assert code == 1  # something failed
    parsed = {Path(r["file"]).name for r in records}
    assert {SEEDS[1].name, SEEDS[3].name, "russian.txt"} <= parsed
    assert "Traceback" not in err
    lines = {Path(name).name: line for line in err.splitlines() for name in map(str, files) if name in line}
    assert "is empty" in lines["empty.txt"]
    assert "not text" in lines["photo.txt"]
    assert "MB" in lines["huge.txt"]
    assert "3 of 6 files could not be read" in err
    russian = next(r for r in records if r["file"].endswith("russian.txt"))
    assert russian["encoding"] == "cp1251" and russian["warnings"]


def test_the_console_script_runs_in_a_fresh_process(tmp_path):
    """The installed `atlas` command itself: exit codes and streams, as a shell user sees them."""
    atlas = Path(sys.executable).with_name("atlas")
    (tmp_path / "empty.txt").write_bytes(b"")
    done = subprocess.run([str(atlas), "parse", str(SEEDS[2]), str(tmp_path / "empty.txt")],
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert done.returncode == 1
    assert json.loads(done.stdout)["title"] == "Armenia asks Russian-led alliance for military assistance"
    assert "empty.txt" in done.stderr and "Traceback" not in done.stderr


def test_gazetteer_lookup_command(capsys):
    assert main(["gazetteer", "lookup", "Goris", "--limit", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["country_code"] == "AM"
    assert main(["gazetteer", "lookup", "Nowhere-at-all-ville"]) == 1
