"""How fast `atlas parse` runs, how much memory it takes, and how long the index takes to build.

    .venv/bin/python bench/parse_speed.py [TEXTS_DIR] [--no-build] [--rounds 3]

TEXTS_DIR defaults to ../shared/eval/trnews/texts (TR-News, 118 articles; not shipped with the
project), falling back to seeds/. Prints, on one CPU core:

- the index build time (a fresh build into a temporary cache directory, in a child process);
- articles per second for what `atlas parse` does per file (read and decode, find title/date/URL,
  recognise and resolve places, serialise JSON), with a warm index, best of --rounds passes;
- peak resident memory of this process at that point (before the baseline below is loaded);
- the same for a naive baseline in the same process: every capitalised word looked up in GeoNames
  cities500 (most populous place of that name), as a reference point.

- the time of each stage per article (reading, geoparsing, the events step) and the share of the roles,
  the dates, the event types and the deaths in it.

Goals (issues 2 and 15): at least 300 articles/s, at most 400 MB resident, index build under 30 s.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRNEWS = ROOT.parent / "shared" / "eval" / "trnews" / "texts"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_time() -> float:
    """Seconds for a fresh index build, in a child process with its own cache directory."""
    with tempfile.TemporaryDirectory() as cache:
        code = "from gazetteer.build import ensure_index; ensure_index()"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "ATLAS_CACHE": cache})
        return time.perf_counter() - start


def atlas_pass(files: list[Path], gazetteer) -> float:
    from dashboard.cli import parse_record
    from dashboard.reader import read_article

    gazetteer.clear_cache()  # every pass looks its names up in SQLite again, as a new article would
    start = time.perf_counter()
    for path in files:
        json.dumps(parse_record(read_article(path), gazetteer, str(path)), ensure_ascii=False)
    return time.perf_counter() - start


def stage_shares(files: list[Path], gazetteer, rounds: int) -> dict[str, float]:
    """Seconds per stage over ``files`` (best of ``rounds``): reading, geoparsing, and the events step
    (roles, dates, types, deaths, events), with the roles, the dates, the types and the deaths apart."""
    from dashboard.events import read_events
    from dashboard.events.dates import date_sentences
    from dashboard.events.deaths import read_deaths
    from dashboard.events.roles import assign_roles
    from dashboard.events.sentences import sentences
    from dashboard.events.types import classify
    from dashboard.reader import read_article
    from gazetteer.geoparse import geoparse

    best: dict[str, float] = {}
    for _ in range(rounds):
        gazetteer.clear_cache()
        took = dict.fromkeys(("read", "geoparse", "events", "roles", "dates", "types", "deaths"), 0.0)
        for path in files:
            t0 = time.perf_counter()
            article = read_article(path)
            t1 = time.perf_counter()
            mentions = geoparse(article.text, gazetteer, article.content_spans)
            t2 = time.perf_counter()
            read_events(article, mentions)
            t3 = time.perf_counter()
            sents = sentences(article.text, article.content_spans)
            t4 = time.perf_counter()
            assign_roles(article.text, mentions, sents)
            t5 = time.perf_counter()
            date_sentences(article.text, sents, article.published)
            t6 = time.perf_counter()
            for a, b in sents:
                classify(article.text[a:b])
            t7 = time.perf_counter()
            for a, b in sents:
                read_deaths(article.text[a:b])
            t8 = time.perf_counter()
            for key, dt in zip(took, (t1 - t0, t2 - t1, t3 - t2, t5 - t4, t6 - t5, t7 - t6, t8 - t7), strict=True):
                took[key] += dt
        best = {k: min(v, best.get(k, v)) for k, v in took.items()}
    return best


def naive_pass(files: list[Path], table: dict[str, tuple[float, float]]) -> float:
    word = re.compile(r"\b[A-Z][a-z]+\b")
    start = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        out = [{"start": m.start(), "end": m.end(), "point": table[m.group()]}
               for m in word.finditer(text) if m.group() in table]
        json.dumps(out)
    return time.perf_counter() - start


def naive_table() -> dict[str, tuple[float, float]]:
    """Name -> point of the most populous cities500 place of that name (names and alternate names)."""
    from gazetteer.sources import load_cities

    best: dict[str, tuple[int, tuple[float, float]]] = {}
    for row in load_cities().values():
        pop = int(row.get("population") or 0)
        for name in [row["name"], *row.get("alternatenames", [])]:
            if name not in best or pop > best[name][0]:
                best[name] = (pop, (float(row["latitude"]), float(row["longitude"])))
    return {name: point for name, (_, point) in best.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("texts", nargs="?", help="folder of article files (default: TR-News, else seeds/)")
    ap.add_argument("--no-build", action="store_true", help="skip timing a fresh index build")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes; the best is reported")
    args = ap.parse_args()

    folder = Path(args.texts) if args.texts else (TRNEWS if TRNEWS.is_dir() else ROOT / "seeds")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not files:
        print(f"no files in {folder}", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the goal says

    from bench.machine import describe

    print(describe())
    if not args.no_build:
        print(f"index build (fresh, child process): {build_time():.1f} s   goal < 30 s")

    from gazetteer import Gazetteer

    gazetteer = Gazetteer.open()
    atlas_pass(files, gazetteer)  # warm: imports, dateparser's first use, the index's page cache
    best = min(atlas_pass(files, gazetteer) for _ in range(args.rounds))
    rss = peak_rss_mb()
    print(f"corpus: {folder} ({len(files)} articles, {sum(p.stat().st_size for p in files) / 1e6:.2f} MB)")
    print(f"atlas parse:   {len(files) / best:7.0f} articles/s   peak RSS {rss:.0f} MB   goals >= 300/s, <= 400 MB")
    shares = stage_shares(files, gazetteer, args.rounds)
    total = shares["read"] + shares["geoparse"] + shares["events"]
    print("time per stage: " + ", ".join(f"{k} {1000 * shares[k] / len(files):.2f} ms/article "
                                         f"({100 * shares[k] / total:.1f}%)" for k in ("read", "geoparse", "events"))
          + "; within events: " + ", ".join(f"{k} {100 * shares[k] / total:.1f}%"
                                             for k in ("roles", "dates", "types", "deaths")) + " of the whole")

    table = naive_table()
    naive_pass(files, table)
    naive = min(naive_pass(files, table) for _ in range(args.rounds))
    print(f"naive lookup:  {len(files) / naive:7.0f} articles/s   peak RSS {peak_rss_mb():.0f} MB "
          "(capitalised words -> most populous cities500 place; table load not timed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
