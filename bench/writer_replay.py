"""The ingest writer alone: a folder parsed once (kept as a pickle), then stored into a new store.

``atlas ingest`` at scale is bound by its one writer (storing, wire copies, same events, stories), while
its workers parse in parallel. To measure a change to the writer without the parse, and A/B two
checkouts at the same time on the two cores, this runs the real :func:`dashboard.ingest.ingest` loop
on articles parsed beforehand (by one worker, as ``atlas ingest`` parses them) and prints the writer's
CPU per article and what it stored (events, events across articles, stories, story-dated mentions: the
same figures from two checkouts mean the same store).

    .venv/bin/python -m bench.writer_replay FOLDER [--parsed FILE] [--keep]

``--parsed`` (default: ``bench/out/parsed-<folder name>.pickle``) is made on the first run and reused;
delete it after changing the parser. The store is made in a temporary folder (``--keep``: left there).
"""
from __future__ import annotations

import argparse
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path

import dashboard.ingest as ingest
from dashboard.parse_pool import parsed

OUT = Path(__file__).resolve().parent / "out"


def parse_once(folder: Path, path: Path, gazetteer: object) -> list:
    if path.exists():
        return pickle.loads(path.read_bytes())
    files, *_ = ingest.collect([folder])
    items = list(parsed(list(ingest.file_sources(files, folder)), gazetteer, workers=1))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(items))
    return items


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--parsed", type=Path)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args(argv)
    from bench.machine import describe
    from dashboard.store import Store
    from gazetteer import Gazetteer

    print(describe())
    gazetteer = Gazetteer.open()
    items = parse_once(args.folder, args.parsed or OUT / f"parsed-{args.folder.name}.pickle", gazetteer)
    ingest.parsed_sources = lambda *_a, **_k: iter(items)  # the parse is done: the loop gets its results
    home = Path(tempfile.mkdtemp(prefix="atlas-writer-"))
    try:
        store = Store(home / "atlas.sqlite")
        cpu, wall = time.process_time(), time.perf_counter()
        ingest.ingest(list(range(len(items))), store, gazetteer)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        (events,), (clusters,), (stories,), (dated,) = (store._query(q)[0] for q in (
            "SELECT count(*) FROM event", "SELECT count(DISTINCT cluster) FROM report",
            "SELECT count(DISTINCT story) FROM article_story",
            "SELECT count(*) FROM mention WHERE date_source = 'story'"))
        print(f"writer: {len(items)} articles, CPU {cpu:.1f} s ({cpu / len(items) * 1000:.2f} ms an article), "
              f"wall {wall:.1f} s ({len(items) / wall:.0f}/s); stored {events} events, {clusters} events across "
              f"articles, {stories} stories, {dated} story-dated mentions; load {os.getloadavg()}")
    finally:
        if args.keep:
            print(f"store: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
