"""``atlas ingest`` with a clock on each of its steps: where an article's time goes.

Runs the real command (``dashboard.cli.main(["ingest", "-q", ...])``, so its summary line and rate are
the ones a user sees) with timers wrapped around the steps it calls: reading the file, geoparsing, reading
the events, and storing, of which the steps of issue 10 (wire copies: the MinHash signature and the LSH
lookup; same events: the candidates read through ``report_key`` and compared; stories: joining one and
dating from it). At exit it prints one line ``stages: {json}`` to stderr: seconds per step and the share
of the whole run. ``bench/scale.py`` runs it as its ingest step. With worker processes (``--workers N``,
the default for a big folder) reading, geoparsing and the events run in them, out of these clocks' sight:
``--workers 0`` clocks every step in one process.

    .venv/bin/python -m bench.ingest_stages FOLDER   (ATLAS_HOME: the store to fill)
"""
from __future__ import annotations

import atexit
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import dashboard.ingest as ingest
import dashboard.parse_pool as parse_pool
from dashboard.events import copies, link_index, stories
from dashboard.store.db import Store

SECONDS: Counter[str] = Counter()
STEPS = {  # step -> (module or class, attribute)
    "read": (ingest, "read_article"),
    "geoparse": (parse_pool, "geoparse"),
    "events": (parse_pool, "read_events"),
    "store": (Store, "add_article"),
    "store.copies": (stories, "signature"),
    "store.copies.lookup": (copies.CopyIndex, "original"),
    "store.copies.index": (stories, "copy_index"),
    "store.same_events": (stories, "_matches"),
    "store.link_index": (link_index, "link_index"),
    "store.stories": (stories, "_join_story"),
    "store.story_dates": (stories, "_dates_from_story"),
    "store.link_total": (stories, "link_article"),
}


def _timed(step: str, f: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            SECONDS[step] += time.perf_counter() - started
    return run


def _report(started: float) -> None:
    total = time.perf_counter() - started
    copies_s = SECONDS.pop("store.copies.lookup", 0.0) + SECONDS.pop("store.copies.index", 0.0)
    SECONDS["store.copies"] += copies_s
    link = SECONDS.pop("store.link_total", 0.0)
    steps = {k: round(v, 2) for k, v in SECONDS.items()}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("stages: " + json.dumps({"total_seconds": round(total, 2), "seconds": steps,
                                   # CPU time of the writer (this process) and of the worker processes that
                                   # parsed: on a shared machine, what the run cost whatever the others took
                                   "writer_cpu_seconds": round(time.process_time(), 2),
                                   "workers_cpu_seconds": round(children.ru_utime + children.ru_stime, 2),
                                   "link_seconds": round(link, 2),  # copies, same events, stories: link_article
                                   "link_share": round(link / total, 3) if total else 0.0,
                                   "shares": {k: round(v / total, 3) for k, v in steps.items()} if total else {}}),
          file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    for step, (owner, name) in STEPS.items():
        setattr(owner, name, _timed(step, getattr(owner, name)))
    atexit.register(_report, time.perf_counter())
    from dashboard.cli import main as atlas

    return atlas(["ingest", "-q", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
