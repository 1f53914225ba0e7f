"""The page at scale: 10,000 articles, about 100,000 events, thousands of places (issue 4, point 6).

Three steps, each of which can be skipped:

1. corpus: a generated collection of article files (``bench/corpus.py``: real sentences of the seeds
   recombined with news sentences naming real places worldwide, dated 2020-2024, some undated), kept
   in ``--corpus`` and reused while its parameters match;
2. ingest: ``atlas ingest`` on it, as a subprocess, into a new store in ``--home`` (``ATLAS_HOME``):
   articles per second (wall clock, and as ``atlas ingest`` reports it), the process's peak RSS and
   where the time went (``bench/ingest_stages.py``: read, geoparse, events, store, and the share of
   the cross-article steps: wire copies, same events, stories); goal: 200 articles/s;
3. app: ``streamlit run dashboard/app.py`` on that store, driven in Debian's Chromium (as
   ``bench/app_speed.py``): start to a usable map (every marker on it, the app idle); filter changes
   (start date, "country-level places" off, "undated" off, a text search, a country) to the map
   holding exactly the filtered markers, to the events table's count reading the filtered number, and
   to the app idle again (the whole page redrawn); then marker clicks (the busiest place, then towns
   across the ranking) to the place's sentences in the panel and to the app idle; the streamlit
   server's peak RSS (``VmHWM``) and the page's JavaScript heap.

Goals: a filter change updates the map and the table within 2 s, a click shows the panel within
1.5 s, the server stays under 1 GB. The machine's load average is printed with the figures (other
work on a shared machine slows everything down).
``--profile`` adds a cProfile of the page's script (Streamlit's AppTest, in this process) on its first
run, a filter change and a selected place, and Chromium's JavaScript profile of a filter change and a
click, to find the hot spots on both sides.

    .venv/bin/python -m bench.scale [--articles 10000] [--repeat 5] [--skip-ingest] [--skip-app] [--profile]

Writes bench/out/scale.json. Exit status 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import corpus
from bench._browser import (
    IDLE,
    ROOT,
    chromium,
    click_to_panel,
    click_to_panel_and_page,
    cpu_profile,
    filter_change,
    load_average,
    median,
    open_page,
    page_memory_mb,
    process_memory_mb,
    set_start_date,
    start_app,
    wait_for_markers,
)
from bench.machine import describe
from dashboard.store import EventFilter, Store
from dashboard.wording import reports_of_events

OUT = ROOT / "bench" / "out"
DEFAULT_HOME = OUT / "scale-home"
GOALS = {"ingest_rate": 200.0, "filter_to_map": 2.0, "filter_to_table": 2.0, "click_to_panel": 1.5,
         "server_peak_mb": 1024.0}
_SUMMARY = re.compile(r"(?P<files>\d+) files: (?P<added>\d+) added, (?P<dup>\d+) already stored, (?P<failed>\d+) "
                      r"failed.*? in (?P<seconds>[\d.]+) s(?: \((?P<rate>[\d.]+) articles/s\))?")


def say(message: str) -> None:
    print(f"scale: {message}", file=sys.stderr, flush=True)


# -- steps ---------------------------------------------------------------------------------------------
def make_corpus(path: Path, articles: int, seed: int, regenerate: bool) -> dict[str, Any]:
    manifest = None if regenerate else corpus.existing(path, articles, seed)
    if manifest is not None:
        say(f"reusing the corpus in {path} ({articles} articles, seed {seed})")
        return manifest | {"reused": True}
    say(f"writing {articles} articles to {path}")
    return corpus.generate(path, articles, seed) | {"reused": False}


def ingest(corpus_dir: Path, home: Path) -> dict[str, Any]:
    """``atlas ingest -q`` on the corpus into a new store; wall time, rate and peak RSS of the process."""
    for name in ("atlas.sqlite", "atlas.sqlite-wal", "atlas.sqlite-shm"):
        (home / name).unlink(missing_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    log = home / "ingest.log"
    say(f"atlas ingest {corpus_dir} into {home} (log: {log})")
    load = load_average()
    with open(log, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bench.ingest_stages", str(corpus_dir)], cwd=ROOT, stdout=err,
                                stderr=subprocess.STDOUT, env={**os.environ, "ATLAS_HOME": str(home)})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    found = _SUMMARY.search(text)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"atlas ingest failed (exit {proc.returncode}):\n{text[-3000:]}")
    with Store(home / "atlas.sqlite") as store:
        counts = store.counts()
    added = int(found["added"])
    stages = re.search(r"^stages: (\{.*\})$", text, re.M)
    cpu = usage.ru_utime + usage.ru_stime
    return {"files": int(found["files"]), "added": added, "failed": int(found["failed"]),
            "stages": json.loads(stages[1]) if stages else None, "cpu_rate": round(added / cpu, 1) if cpu else None,
            "wall_seconds": round(wall, 1), "articles_per_s": round(added / wall, 1),
            "reported_seconds": float(found["seconds"]),
            "reported_rate": float(found["rate"]) if found["rate"] else round(added / float(found["seconds"]), 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "load_before": load, "load_after": load_average(), **counts}


def spread(items: list[Any], n: int) -> list[Any]:
    """``n`` items picked evenly across ``items`` (the first one included)."""
    if len(items) <= n:
        return list(items)
    return [items[i * (len(items) - 1) // max(n - 1, 1)] for i in range(n)]


def measure_app(home: Path, repeat: int, browser: Any, profile: bool = False) -> dict[str, Any]:
    """The page in Chromium: start to map, filter changes (to the map, the table, the page idle), then
    marker clicks (to the panel, the page idle), memory."""
    with Store(home / "atlas.sqlite") as store:
        counts, rng = store.counts(), store.date_range()
        everything = store.place_counts()

        def want(flt: EventFilter) -> set[int]:
            return {p.id for p in store.place_counts(flt)}

        def table_text(flt: EventFilter) -> str:
            reports, events = store.count_events(None, flt), store.count_distinct_events(None, flt, by_place=True)
            return f"{reports_of_events(reports, events)} under the filter"

        load = load_average()
        server = start_app(home, timeout=180)
        result: dict[str, Any] = {**counts, "healthy_after": round(server.healthy_after, 2), "load_before": load}
        try:
            visit = open_page(browser, server.url)
            wait_for_markers(visit, {p.id for p in everything}, timeout=300_000)
            result["start_to_map"] = round(time.perf_counter() - server.started, 2)
            result["server_after_start_mb"] = process_memory_mb(server.process.pid)
            result["page_js_heap_start_mb"] = page_memory_mb(visit)
            say(f"map usable {result['start_to_map']} s after start; {len(everything)} markers")
            page = visit.page
            has_table = page.locator("#atlas-table-count").count() > 0

            changes = []

            def change(label: str, flt: EventFilter, action: Callable[[], None]) -> None:
                mapped, tabled, idle = filter_change(visit, action, want(flt), table_text(flt) if has_table else None)
                changes.append({"change": label, "markers": len(want(flt)), "map": round(mapped, 3),
                                "table": round(tabled, 3), "page": round(idle, 3)})
                say(f"filter {label}: map {mapped:.2f} s, table {tabled:.2f} s, page {idle:.2f} s")

            flt = EventFilter()
            span = (rng.last - rng.first).days
            for k in range(repeat):
                day = rng.first + datetime.timedelta(days=span * (k + 1) // (repeat + 2))
                flt = replace(flt, start=day)
                change(f"from {day}", flt, set_start_date(visit, day))
            for label, field, text in (("countries off", "countries", "Show country-level places"),
                                       ("undated off", "undated", "Include undated events")):
                flt = replace(flt, **{field: False})
                change(label, flt, lambda t=text: page.get_by_text(t).click())
            if page.get_by_role("textbox", name="Sentences containing").count():
                for word in ("flood", ""):
                    flt = replace(flt, text=word)
                    box = page.get_by_role("textbox", name="Sentences containing")
                    box.fill(word)
                    change(f"text '{word}'" if word else "text cleared", flt, lambda b=box: b.press("Enter"))
            if page.get_by_role("combobox", name="Countries").count():
                code, _ = next(c for c in store.country_counts() if c[0] not in ("AM", "AZ", "RU"))
                flt = replace(flt, country=(code,))
                box = page.get_by_role("combobox", name="Countries")
                box.click()
                box.type(f"({code})")
                change(f"country {code}", flt, lambda b=box: b.press("Enter"))
                page.keyboard.press("Escape")
            if page.get_by_role("button", name="Clear the filters").count():
                page.get_by_role("heading", name="News Atlas").click()  # out of the list, or the click only closes it
                page.wait_for_selector(IDLE)
                flt = EventFilter()
                change("cleared", flt, lambda: page.get_by_role("button", name="Clear the filters").click())
            result["filter_changes"] = changes
            result["filter_detours"] = visit.detours
            for key in ("map", "table", "page"):
                result[f"filter_to_{key}"] = round(median([c[key] for c in changes]), 3)
                result[f"filter_to_{key}_max"] = max(c[key] for c in changes)
            result["final_filter"] = flt.to_params()

            # clicks, under the last filter: the busiest place, then towns from the most to the least mentioned
            shown = store.place_counts(flt)
            towns = [p for p in shown if p.kind == "town"]
            targets = list({p.id: p for p in [shown[0], *spread(towns, max(repeat - 1, 1))]}.values())
            clicks = []
            for place in targets:
                panel, idle = click_to_panel_and_page(visit, place)
                clicks.append({"place": place.name, "kind": place.kind, "events": place.events,
                               "panel": round(panel, 3), "page": round(idle, 3)})
                say(f"click {place.name} ({place.events} events): panel {panel:.2f} s, page {idle:.2f} s")
            result["clicks"] = clicks
            for key in ("panel", "page"):
                result[f"click_to_{key}"] = round(median([c[key] for c in clicks]), 3)
                result[f"click_to_{key}_max"] = max(c[key] for c in clicks)

            result["tables_on_page"] = page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').count()
            result["page_js_heap_mb"] = page_memory_mb(visit)
            # streamlit-folium keeps every feature group it ever added in window.feature_group (taken off the
            # map, not dropped): what the page still holds after the filter changes
            result["map_feature_groups"] = visit.frame.evaluate("(window.feature_group || []).length")
            memory = process_memory_mb(server.process.pid)
            result["server_peak_mb"], result["server_now_mb"] = memory.get("peak"), memory.get("now")
            result["blocked_requests"] = visit.blocked
            result["page_errors"] = visit.errors
            OUT.mkdir(parents=True, exist_ok=True)
            shot = OUT / "scale.png"
            page.screenshot(path=str(shot), full_page=True)
            result["screenshot"] = str(shot.relative_to(ROOT))
            visit.close()
            if profile:
                result["browser_profile"] = browser_profile(browser, server.url, store)
        finally:
            server.stop()
        result["load_after"] = load_average()
    return result


def browser_profile(browser: Any, url: str, store: Store) -> dict[str, Any]:
    """On a new page (not timed with the figures above): Chromium's JavaScript profile and the bytes the
    app's websocket brings for a filter change (countries off) and for a click on a town (the second one
    clicked: the first opens the panel)."""
    visit = open_page(browser, url, count_bytes=True)
    try:
        wait_for_markers(visit, {p.id for p in store.place_counts()}, timeout=300_000)
        out = {"first load": {"received_kb": round(visit.received / 1024)}}
        flt = EventFilter(countries=False)
        before = visit.received
        out["filter change (countries off)"] = cpu_profile(visit, lambda: filter_change(
            visit, lambda: visit.page.get_by_text("Show country-level places").click(),
            {p.id for p in store.place_counts(flt)}))
        out["filter change (countries off)"]["received_kb"] = round((visit.received - before) / 1024)
        town = next(p for p in store.place_counts(flt) if p.kind == "town")
        click_to_panel(visit, town)  # the first click opens the panel: time the second
        town = [p for p in store.place_counts(flt) if p.kind == "town"][1]
        before = visit.received
        out[f"click {town.name}"] = cpu_profile(visit, lambda: click_to_panel(visit, town))
        out[f"click {town.name}"]["received_kb"] = round((visit.received - before) / 1024)
        return out
    finally:
        visit.close()


def profile_app(home: Path, top: int = 25) -> dict[str, str]:
    """cProfile of the page's script under Streamlit's AppTest (in this process), every thread it starts
    profiled (the script runs in a thread of its own): a first run, a date filter change, and a selected
    place (what a marker click does). Prints the functions of the page, the store, the map and
    streamlit-folium by cumulative time."""
    import threading

    from streamlit.testing.v1 import AppTest

    os.environ["ATLAS_HOME"] = str(home)
    with Store(home / "atlas.sqlite") as store:
        rng = store.date_range()
        busiest = store.place_counts()[0]
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)

    def select() -> None:
        at.session_state["place"] = busiest.id
        at.run()

    steps = (("first run", at.run),
             ("date filter change", lambda: at.date_input(key="dates").set_value(
                 (rng.first + (rng.last - rng.first) / 2, rng.last)).run()),
             (f"place selected ({busiest.name}, {busiest.events} events)", select))
    out = {}
    for label, step in steps:
        profiles: list[cProfile.Profile] = []

        def start_profiling(*_: Any, profiles: list[cProfile.Profile] = profiles) -> None:
            sys.setprofile(None)
            prof = cProfile.Profile()
            profiles.append(prof)
            prof.enable()

        threading.setprofile(start_profiling)
        t0 = time.perf_counter()
        try:
            step()
        finally:
            threading.setprofile(None)
        took = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"the page failed under AppTest: {[e.message for e in at.exception]}")
        buf = io.StringIO()
        stats = None
        for prof in profiles:
            prof.disable()
            try:
                one = pstats.Stats(prof, stream=buf)
            except TypeError:  # a thread that ran nothing
                continue
            stats = one if stats is None else stats.add(one)
        if stats is not None:
            stats.sort_stats("cumulative").print_stats(r"dashboard/|streamlit_folium|folium/|sqlite3|json/", top)
        out[label] = f"{took:.2f} s\n" + buf.getvalue()
        say(f"profile, {label}: {took:.2f} s")
    return out


# -- report --------------------------------------------------------------------------------------------
def report(results: dict[str, Any]) -> bool:
    ok = True
    ing = results.get("ingest")
    if ing:
        print(f"ingest   {ing['added']} articles, {ing['events']} events, {ing['places']} places in "
              f"{ing['wall_seconds']} s: {ing['articles_per_s']} articles/s (atlas reports {ing['reported_rate']}/s), "
              f"peak RSS {ing['peak_rss_mb']} MB; load {ing['load_before']} -> {ing['load_after']}")
        met = ing["articles_per_s"] >= GOALS["ingest_rate"]
        ok &= met
        print(f"{'ingest rate (articles/s)':<40} {ing['articles_per_s']:>9} {GOALS['ingest_rate']:>7} "
              f"{'met' if met else 'MISSED'}  (CPU: {ing['cpu_rate']} articles per CPU second)")
        stages = ing.get("stages") or {}
        for step, seconds in sorted(stages.get("seconds", {}).items()):
            print(f"    {step:<24} {seconds:>8.1f} s  {100 * stages['shares'][step]:5.1f} %")
        if stages:
            print(f"    cross-article steps (copies, same events, stories): {100 * stages['link_share']:.1f} % "
                  "of the ingest")
            print(f"    CPU: the writer {stages.get('writer_cpu_seconds')} s, the parsing workers "
                  f"{stages.get('workers_cpu_seconds')} s (the writer stores in order: its CPU bounds the rate)")
    app = results.get("app")
    if app:
        print(f"app      {app['articles']} articles, {app['events']} events, {app['places']} places; "
              f"load {app['load_before']} -> {app['load_after']}")
        print(f"{'figure':<40} {'measured':>9} {'goal':>7}")
        rows = [("start -> usable map (s)", app["start_to_map"], None),
                ("filter change -> map (median, s)", app["filter_to_map"], GOALS["filter_to_map"]),
                ("filter change -> map (max, s)", app["filter_to_map_max"], GOALS["filter_to_map"]),
                ("filter change -> table (median, s)", app["filter_to_table"], GOALS["filter_to_table"]),
                ("filter change -> table (max, s)", app["filter_to_table_max"], GOALS["filter_to_table"]),
                ("filter change -> page idle (median, s)", app["filter_to_page"], None),
                ("marker click -> panel (median, s)", app["click_to_panel"], GOALS["click_to_panel"]),
                ("marker click -> panel (max, s)", app["click_to_panel_max"], GOALS["click_to_panel"]),
                ("marker click -> page idle (median, s)", app["click_to_page"], None),
                ("server peak RSS (MB)", app["server_peak_mb"], GOALS["server_peak_mb"]),
                ("page JS heap after start (MB)", app.get("page_js_heap_start_mb"), None),
                ("page JS heap at the end (MB)", app["page_js_heap_mb"], None),
                ("marker layers the map page still holds", app.get("map_feature_groups"), None)]
        for name, value, goal in rows:
            met = "" if goal is None or value is None else ("met" if value <= goal else "MISSED")
            ok &= met != "MISSED"
            print(f"{name:<40} {value if value is not None else '?':>9} {goal if goal else '':>7} {met}")
        for c in app["filter_changes"]:
            print(f"    filter {c['change']:<16} {c['markers']:>6} markers: map {c['map']:.2f} s, "
                  f"table {c['table']:.2f} s, page {c['page']:.2f} s")
        for c in app["clicks"]:
            print(f"    click  {c['place'][:24]:<24} ({c['kind']}, {c['events']} events): panel {c['panel']:.2f} s, "
                  f"page {c['page']:.2f} s")
        if app.get("filter_detours"):
            print(f"    ({app['filter_detours']} filter changes drew other markers before the wanted ones)")
        if not app["tables_on_page"]:
            print("    (no events table on the page: the table figures repeat the map's)")
        if app["blocked_requests"] or app["page_errors"]:
            ok = False
            print(f"    requests that tried to leave the machine: {app['blocked_requests']}; "
                  f"page errors: {app['page_errors']}")
        for label, prof in app.get("browser_profile", {}).items():
            if "top_self_ms" not in prof:
                print(f"    browser, {label}: {prof['received_kb']} kB from the app")
                continue
            print(f"    browser, {label}: {prof['wall_s']} s, {prof['received_kb']} kB from the app, JavaScript busy "
                  f"{prof['js_busy_ms']} ms; most self time:")
            for where, ms in prof["top_self_ms"]:
                print(f"        {ms:>8} ms  {where}")
    for label, text in results.get("profile", {}).items():
        print(f"\n== profile: {label}: {text}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the corpus (default 10,000)")
    parser.add_argument("--seed", type=int, default=4, help="the corpus's random seed")
    parser.add_argument("--corpus", type=Path, default=corpus.DEFAULT_OUT, help="where the corpus is (or goes)")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="ATLAS_HOME of the store to measure")
    parser.add_argument("--regenerate", action="store_true", help="write the corpus again even if it matches")
    parser.add_argument("--skip-ingest", action="store_true", help="measure the store already in --home")
    parser.add_argument("--skip-app", action="store_true", help="no browser measurements")
    parser.add_argument("--profile", action="store_true", help="cProfile the page's script (AppTest)")
    parser.add_argument("--repeat", type=int, default=5, help="clicks and date changes to time")
    args = parser.parse_args(argv)

    from gazetteer.build import ensure_index

    ensure_index()
    results: dict[str, Any] = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
                               "cores": os.cpu_count(), "argv": sys.argv[1:], "machine": describe()}
    say(results["machine"])
    if not args.skip_ingest:
        results["corpus"] = make_corpus(args.corpus, args.articles, args.seed, args.regenerate)
        results["ingest"] = ingest(args.corpus, args.home)
    elif not (args.home / "atlas.sqlite").exists():
        raise SystemExit(f"--skip-ingest: no store in {args.home}")
    if not args.skip_app:
        with chromium() as browser:
            results["app"] = measure_app(args.home, args.repeat, browser, args.profile)
    if args.profile:
        results["profile"] = profile_app(args.home)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    ok = report(results)
    print(f"details: {(OUT / 'scale.json').relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
