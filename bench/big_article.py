"""One big article (issue 13, point 1): a 1 MB and a 5 MB article, generated, parsed, ingested and queried.

For each size (and for a multi-line and a single-line article) it

- generates the article by repeating the sentences of the five sample articles in ``seeds/`` (a title,
  a date, then the seeds' paragraphs over and over: separated by blank lines, or all on one line);
- parses it (what ``atlas parse`` does: read, geoparse, roles, dates, events) and ingests it into a new
  temporary store (``ATLAS_HOME``), each in a child process: seconds and peak resident memory
  (``resource.getrusage`` of the child);
- times the panel's queries with the article filter (``Store.events(place, EventFilter(article=...))``
  of the place with the most events, ``count_events``, ``place_counts``), a text search
  (``event_records`` of ``EventFilter(text="fighting")``) and a CSV export (``atlas export --search
  fighting -o FILE`` in a child process: seconds and peak memory);
- times a second reader's query (``place_counts`` and ``count_events`` on the same ``Store``, from
  another thread, as a second browser session does) while a slow query (the text search) runs, and a
  second session's whole page load (the app's script through Streamlit's AppTest) while the page's own
  shared Store runs a 3 s read for another session.

Every query runs in a child process with a time limit (``--limit``, 60 s): a query that takes longer is
printed as ``>60 s``.

Goals: each query within 2 s at 1 MB and growing at most linearly with the size; the second reader
within 3 s; peak memory of parse, ingest and export within 400 MB at 5 MB.

    .venv/bin/python -m bench.big_article [--sizes 1,5] [--lines multi,single] [--limit 60]

Prints the figures and writes them to bench/out/big_article.json. Exit status 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.reader.article import MEGABYTE  # noqa: E402  (after the path: run as a script too)

SEEDS = ROOT / "seeds"
OUT = ROOT / "bench" / "out" / "big_article.json"
MB = MEGABYTE  # the reader's MB (1,000,000 bytes): a "5 MB" article stays under its 5 MB limit
SEARCH = "fighting"
GOAL_QUERY_S, GOAL_SECOND_S, GOAL_MEMORY_MB = 2.0, 3.0, 400.0


def seed_paragraphs() -> list[str]:
    """The body paragraphs of the sample articles (no titles, dates or page furniture)."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))[2:]:
            para = " ".join(para.split())
            if len(para) > 60 and not para.startswith(("*", "#", "[")):
                out.append(para)
    return out


def make_article(size: int, single_line: bool) -> str:
    """An article of about ``size`` bytes (UTF-8, under it): a title, a date, the seeds' paragraphs repeated."""
    head = f"A very long report of {size // MB} MB\n\nNovember 16, 2021\n\n"
    paragraphs = seed_paragraphs()
    sep = " " if single_line else "\n\n"
    parts, total, i = [head], len(head.encode()), 0
    while True:
        para = paragraphs[i % len(paragraphs)]
        n = len(para.encode()) + len(sep)
        if total + n > size:
            break
        parts.append(para + sep)
        total += n
        i += 1
    return "".join(parts).rstrip() + "\n"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- child steps (each in its own process, so its peak memory is its own) ------------------------------------
def step_parse(path: str) -> dict[str, Any]:
    from dashboard.events import read_events
    from dashboard.reader import read_article
    from gazetteer import Gazetteer
    from gazetteer.geoparse import geoparse

    gazetteer = Gazetteer.open()
    gazetteer.lookup("Yerevan")
    base = peak_mb()
    t = time.perf_counter()
    article = read_article(path)
    mentions = geoparse(article.text, gazetteer, article.content_spans)
    reading = read_events(article, mentions)
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "base_mb": base,
            "mentions": len(mentions), "events": len(reading.events)}


def step_ingest(path: str) -> dict[str, Any]:
    from dashboard.ingest import ingest_paths
    from dashboard.store import Store
    from gazetteer import Gazetteer

    gazetteer = Gazetteer.open()
    gazetteer.lookup("Yerevan")
    base = peak_mb()
    t = time.perf_counter()
    with Store.open() as store:
        report = ingest_paths([path], store, gazetteer)
        counts = store.counts()
    result = report.results[0]
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "base_mb": base, "status": result.status,
            "message": result.message, "article": result.article_id, **counts}


def step_export(output: str) -> dict[str, Any]:
    from dashboard.cli import main

    t = time.perf_counter()
    code = main(["export", "--search", SEARCH, "-o", output])
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "exit": code,
            "bytes": os.path.getsize(output) if os.path.exists(output) else None}


def step_queries(article: str) -> None:
    """Print one JSON line per query as it finishes (the parent may stop this process at its time limit)."""
    from dashboard.store import EventFilter, Store

    def say(**row: Any) -> None:
        print(json.dumps(row), flush=True)

    store = Store.open()
    flt = EventFilter(article=article)

    def timed(name: str, run: Any) -> Any:
        t = time.perf_counter()
        try:
            value = run()
        except Exception as exc:  # a query stopped by the store's time budget is a figure too
            say(query=name, seconds=time.perf_counter() - t, error=f"{type(exc).__name__}: {exc}")
            return None
        say(query=name, seconds=time.perf_counter() - t, rows=len(value) if hasattr(value, "__len__") else value)
        return value

    places = timed("place_counts", lambda: store.place_counts(flt))
    top = places[0].id if places else None
    timed("count_events", lambda: store.count_events(top, flt))
    timed("events", lambda: store.events(top, flt))
    timed("events_limit_200", lambda: store.events(top, flt, limit=200))
    timed("text_search", lambda: store.event_records(EventFilter(text=SEARCH)))

    # A second session's query while a slow one (the text search, with every mention) runs.
    slow = threading.Thread(target=lambda: _quiet(lambda: store.event_records(EventFilter(text=SEARCH,
                                                                                          every_mention=True))))
    slow.start()
    time.sleep(0.3)
    timed("second_reader", lambda: (store.place_counts(), store.count_events(None))[1])
    slow.join()
    second_page(timed)


SLOW_SQL = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 25000000) "
            "SELECT count(*) FROM n")  # about 3 s of one reader's work, within the store's 5 s budget


def second_page(timed: Any) -> None:
    """A second session's whole page load (the app's script, as Streamlit's AppTest runs it) while the
    page's own store (the one Store all sessions share) runs a slow read for another session."""
    from streamlit.testing.v1 import AppTest

    from dashboard.page.data import open_store
    from dashboard.store import store_path

    shared = open_store(str(store_path()))
    AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()  # warm: imports, caches
    busy = threading.Thread(target=lambda: _quiet(lambda: shared._query(SLOW_SQL)))
    busy.start()
    time.sleep(0.3)
    timed("second_page", lambda: len(AppTest.from_file(str(ROOT / "dashboard" / "app.py"),
                                                       default_timeout=60).run().caption))
    busy.join()


def _quiet(run: Any) -> None:
    with contextlib.suppress(Exception):
        run()


# -- the parent --------------------------------------------------------------------------------------------
def child(step: str, arg: str, home: str, limit: float) -> tuple[list[dict[str, Any]], bool]:
    """Run a step in a new interpreter; its JSON lines, and whether it ran out of time."""
    env = {**os.environ, "ATLAS_HOME": home}
    proc = subprocess.Popen([sys.executable, "-m", "bench.big_article", "--step", step, arg], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout))  # type: ignore[arg-type]
    reader.start()
    try:
        proc.wait(timeout=limit)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        timed_out = True
    reader.join()
    return [json.loads(line) for line in lines if line.startswith("{")], timed_out


def run_size(size_mb: int, single: bool, limit: float, tmp: Path) -> dict[str, Any]:
    kind = "single-line" if single else "multi-line"
    name = f"{size_mb}MB-{kind}"
    path = tmp / f"{name}.txt"
    path.write_text(make_article(size_mb * MB - 4096, single), encoding="utf-8")
    home = tmp / f"home-{name}"
    home.mkdir()
    figures: dict[str, Any] = {"article": name, "bytes": path.stat().st_size}
    for step, arg in (("parse", str(path)), ("ingest", str(path))):
        rows, out = child(step, arg, str(home), limit * 5)
        figures[step] = rows[0] if rows else {"seconds": None, "timed_out": out}
    article = figures["ingest"].get("article")
    if article:
        rows, out = child("queries", article, str(home), limit)
        figures["queries"] = {r["query"]: r for r in rows}
        if out:
            figures["queries"]["timed_out_after"] = limit
        rows, out = child("export", str(tmp / f"{name}.csv"), str(home), limit)
        figures["export"] = rows[0] if rows else {"seconds": None, "timed_out": out}
    return figures


def fmt_s(row: dict[str, Any] | None, limit: float) -> str:
    if not row or row.get("seconds") is None:
        return f">{limit:.0f} s"
    err = " (stopped: time budget)" if row.get("error") else ""
    return f"{row['seconds']:.2f} s{err}"


def report(all_figures: list[dict[str, Any]], limit: float) -> bool:
    ok = True
    for f in all_figures:
        mb = f["bytes"] / MB
        print(f"\n== {f['article']} ({f['bytes']:,} bytes)")
        for step in ("parse", "ingest", "export"):
            row = f.get(step) or {}
            extra = ""
            if step == "ingest" and "events" in row:
                extra = f", {row['events']:,} events"
            if step == "parse" and "events" in row:
                extra = f", {row['mentions']:,} mentions"
            peak = f"{row['peak_mb']:.0f} MB peak" if row.get("peak_mb") else "peak ?"
            if row.get("base_mb"):
                peak += f" (gazetteer open: {row['base_mb']:.0f} MB)"
            print(f"  {step:<8} {fmt_s(row, limit * 5 if step != 'export' else limit):>24}  {peak}{extra}")
            if mb > 4 and (not row.get("peak_mb") or row["peak_mb"] > GOAL_MEMORY_MB):
                ok = False
        queries = f.get("queries", {})
        for q in ("place_counts", "count_events", "events", "events_limit_200", "text_search", "second_reader",
                  "second_page"):
            row = queries.get(q)
            print(f"  {q:<18} {fmt_s(row, limit):>24}" + (f"  {row.get('rows')} rows" if row and 'rows' in row
                                                         else ""))
            goal = GOAL_SECOND_S if q in ("second_reader", "second_page") else GOAL_QUERY_S * max(1.0, mb)
            if not row or row.get("seconds") is None or row.get("error") or row["seconds"] > goal:
                ok = False
        if not (f.get("export") or {}).get("seconds") or f["export"]["seconds"] > GOAL_QUERY_S * max(1.0, mb):
            ok = False
    print(f"\ngoals: queries within {GOAL_QUERY_S:.0f} s at 1 MB (linear with size), a second reader within "
          f"{GOAL_SECOND_S:.0f} s, peak memory within {GOAL_MEMORY_MB:.0f} MB at 5 MB: {'met' if ok else 'MISSED'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1,5", help="sizes in MB, comma-separated")
    p.add_argument("--lines", default="multi,single", help="multi, single or both")
    p.add_argument("--limit", type=float, default=60.0, help="seconds a query child may take")
    p.add_argument("--step", nargs=2, metavar=("STEP", "ARG"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.step:
        step, arg = args.step
        if step == "queries":
            step_queries(arg)
        else:
            print(json.dumps({"parse": step_parse, "ingest": step_ingest, "export": step_export}[step](arg)),
                  flush=True)
        return 0
    # The gazetteer index is built (if it is not current) before any child measures its memory.
    subprocess.run([sys.executable, "-c", "from gazetteer.build import ensure_index; ensure_index()"], cwd=ROOT,
                   check=True)
    figures = []
    with tempfile.TemporaryDirectory(prefix="atlas-big-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            for kind in args.lines.split(","):
                figures.append(run_size(size, kind.strip() == "single", args.limit, Path(tmp)))
                print(f"done: {figures[-1]['article']}", file=sys.stderr, flush=True)
    ok = report(figures, args.limit)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
