"""How fast the page is, measured in Debian's Chromium against ``streamlit run dashboard/app.py``.

Two stores: a new one (the app ingests seeds/ on first load) and one of synthetic events (default
10,000; real gazetteer places, dates over five years, a tenth undated). For each:

- start to map: from starting the server to a usable map (Leaflet loaded, the Natural Earth outlines
  drawn, every marker added, the app idle);
- click to panel: from a click on a town's marker to its sentences in the panel (median of --repeat);
- filter change: from leaving the edited start date to the map holding exactly the filtered markers
  (median of --repeat).

Goals: map within 5 s of start on the seeds; click to panel within 1.5 s and filter change within 2 s
at 10,000 events. Prints a table, writes bench/out/app_speed.json and a screenshot per store.

    .venv/bin/python bench/app_speed.py [--events 10000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from appserver import CHROMIUM_FLAGS, IDLE, MAP_FRAME, chromium_path, start_app  # noqa: E402

from dashboard.articles import Article  # noqa: E402
from dashboard.events import extract_events  # noqa: E402
from dashboard.store import EventFilter, Store  # noqa: E402

OUT = ROOT / "bench" / "out"
GOALS = {"seeds": {"start_to_map": 5.0}, "synthetic": {"click_to_panel": 1.5, "filter_change": 2.0}}
MARKER_IDS = """() => {
    const ids = new Set();
    const visit = (layer) => {
        if (layer.getLayers) { layer.getLayers().forEach(visit); return; }
        const tip = layer.getTooltip && layer.getTooltip();
        if (!tip) return;
        const m = /#(-?\\d+)\\s*$/.exec(String(tip.getContent()).replace(/<[^>]+>/g, ''));
        if (m) ids.add(Number(m[1]));
    };
    (window.feature_group || []).filter((g) => window.map && window.map.hasLayer(g)).forEach(visit);
    return [...ids];
}"""
SENTENCES = [
    "Shelling was reported near {name} early on {day}.",
    "Officials in {name} said {n} people were hurt in the clashes.",
    "Protesters gathered in the centre of {name} on {day} evening.",
    "Aid convoys reached {name} after a two-day delay.",
    "The road between {name} and {other} was closed by troops.",
]


def synthetic_store(home: Path, events: int, seed: int = 7) -> dict[str, int]:
    """A store of about ``events`` events: articles of 6-14 sentences, each naming one or two real
    places from the gazetteer (2,000 towns, 200 provinces, 60 countries), dated over 2020-2024."""
    from gazetteer import Gazetteer
    from gazetteer.place import Place
    from gazetteer.resolve import Mention

    rnd = random.Random(seed)
    with Gazetteer.open() as gaz:
        def places(where: str, limit: int) -> list[Place]:
            rows = gaz._query(f"SELECT p.id, p.name, p.lat, p.lon, p.country, p.fclass, p.fcode, p.population, "
                              f"p.admin1, p.source FROM place p WHERE {where} ORDER BY p.population DESC LIMIT {limit}")
            return [Place(*r) for r in rows]
        pool = (places("p.fclass = 'P' AND p.population > 20000", 2000) + places("p.fcode = 'ADM1'", 200)
                + places("p.fcode LIKE 'PCL%'", 60))
    start = datetime.date(2020, 1, 1)
    made = 0
    with Store(home / "atlas.sqlite") as store:
        i = 0
        while made < events:
            i += 1
            published = None if rnd.random() < 0.1 else start + datetime.timedelta(days=rnd.randrange(5 * 365))
            lines = [f"Synthetic report {i}", "", published.strftime("%B %d, %Y") if published else "", ""]
            text = "\n".join(lines)
            mentions = []
            for _ in range(rnd.randint(6, 14)):
                a, b = rnd.choice(pool), rnd.choice(pool)
                sentence = rnd.choice(SENTENCES).format(name=a.name, other=b.name, day="Tuesday",
                                                        n=rnd.randint(2, 40))
                base = len(text)
                text += sentence + " "
                taken: set[int] = set()
                for place in (a, b):
                    at = sentence.find(place.name)
                    if at >= 0 and at not in taken:
                        taken.add(at)
                        mentions.append(Mention(base + at, base + at + len(place.name), place.name, place, 0.9, ()))
            text += "\n"
            mentions.sort(key=lambda m: m.start)
            article = Article(text=text, source=f"synthetic/{i:05d}.txt", title=lines[0], title_span=(0, len(lines[0])),
                              published=published, url=f"https://example.com/news/{i}", encoding="utf-8",
                              content_spans=((0, len(text)),))
            found = extract_events(article, mentions)
            store.add_article(article, mentions, found, parser="bench synthetic")
            made += len(found)
        return store.counts()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(home: Path, label: str, repeat: int, browser) -> dict:
    from playwright.sync_api import expect

    server = start_app(home)
    result: dict = {"store": label, "healthy_after": round(server.healthy_after, 2)}
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        blocked: list[str] = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:",
                                                                                    "blob:")) else (
            blocked.append(r.request.url), r.abort()))
        page = context.new_page()
        page.goto(server.url)
        frame_loc = page.frame_locator(MAP_FRAME)
        expect(frame_loc.locator('.leaflet-container[data-basemap="ready"]')).to_have_count(1, timeout=120_000)
        frame = page.locator(MAP_FRAME).element_handle().content_frame()
        with Store(home / "atlas.sqlite") as store:
            counts = store.counts()
            everything = store.place_counts()
            rng = store.date_range()
        want = {p.id for p in everything}
        frame.wait_for_function(f"(n) => ({MARKER_IDS})().length === n", arg=len(want), timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        result["start_to_map"] = round(time.perf_counter() - server.started, 2)
        result.update(counts)

        towns = [p for p in everything if p.kind == "town"][: max(repeat, 1) * 2]
        clicks = []
        for place in towns[:repeat]:
            frame.evaluate("([lat, lon]) => { window.map.closePopup(); window.map.setView([lat, lon], 13, "
                           "{animate: false}); }", [place.lat, place.lon])
            marker = frame.locator(f'.atlas-marker [data-place-id="{place.id}"]')
            expect(marker).to_be_visible(timeout=20_000)
            page.wait_for_selector(IDLE)
            t0 = time.perf_counter()
            marker.click()
            page.wait_for_function("(name) => { const h = document.querySelector('h3'); return h && "
                                   "h.textContent === name && document.querySelector('.atlas-sentence'); }",
                                   arg=place.name, timeout=30_000, polling="raf")
            clicks.append(time.perf_counter() - t0)
            page.wait_for_selector(IDLE)
        result["click_to_panel"] = round(median(clicks), 3)
        result["click_to_panel_all"] = [round(c, 3) for c in clicks]

        changes = []
        span = (rng.last - rng.first).days
        for k in range(repeat):
            day = rng.first + datetime.timedelta(days=span * (k + 1) // (repeat + 2))
            with Store(home / "atlas.sqlite") as store:
                expected = {p.id for p in store.place_counts(EventFilter(start=day))}
            page.get_by_role("spinbutton", name="year, Dates of events start date").click()
            page.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")
            t0 = time.perf_counter()
            page.get_by_role("heading", name="News Atlas").click()  # leaving the field sends the date
            frame.wait_for_function(f"(want) => {{ const got = ({MARKER_IDS})(); return got.length === want.length "
                                    "&& want.every((id) => got.includes(id)); }", arg=sorted(expected),
                                    timeout=60_000, polling="raf")
            changes.append(time.perf_counter() - t0)
            page.wait_for_selector(IDLE)
        result["filter_change"] = round(median(changes), 3)
        result["filter_change_all"] = [round(c, 3) for c in changes]
        OUT.mkdir(parents=True, exist_ok=True)
        shot = OUT / f"app_{label}.png"
        page.screenshot(path=str(shot))
        result["screenshot"] = str(shot.relative_to(ROOT))
        result["blocked_requests"] = blocked
        context.close()
    finally:
        server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="synthetic events (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="clicks and filter changes to time (median)")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("Debian's Chromium is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from gazetteer.build import ensure_index

    ensure_index()
    results = []
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        results.append(measure(Path(tmp) / "seeds", "seeds", args.repeat, browser))
        t0 = time.perf_counter()
        synthetic_store(Path(tmp) / "synthetic", args.events)
        built = time.perf_counter() - t0
        results.append(measure(Path(tmp) / "synthetic", "synthetic", args.repeat, browser) | {
            "store_built_in": round(built, 1)})
        browser.close()
    print(f"{'store':<10} {'articles':>8} {'events':>7} {'places':>6} {'start→map':>10} {'click→panel':>12} "
          f"{'filter':>8}")
    ok = True
    for r in results:
        print(f"{r['store']:<10} {r['articles']:>8} {r['events']:>7} {r['places']:>6} {r['start_to_map']:>9.2f}s "
              f"{r['click_to_panel']:>11.3f}s {r['filter_change']:>7.3f}s")
        for key, goal in GOALS[r["store"]].items():
            met = r[key] <= goal
            ok &= met
            print(f"    {key} {r[key]:.2f} s, goal {goal} s: {'met' if met else 'MISSED'}")
        if r["blocked_requests"]:
            ok = False
            print(f"    requests that tried to leave the machine: {r['blocked_requests']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "app_speed.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"details: {(OUT / 'app_speed.json').relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
