"""A generated collection of news articles for benchmarks and hardening tests, made of real sentences.

Each article recombines sentences of the five sample articles in ``seeds/`` (real reporting on the
Armenia-Azerbaijan border) with news sentences written for this purpose that name real places all
over the world: towns, provinces and countries taken from the local gazetteer (GeoNames), several
of one country per article, as a report would. Titles vary, dates spread over 2020-2024 in the
written forms articles use (about 8 % of the articles carry no date), some give a source URL, and
15 % are wire copies: a recent story republished by another outlet with its own headline, date line
and byline, a paragraph more or less, a day later at most (``Writer._copy``). The
result is deterministic for a seed (and a gazetteer index); every article's text is different.

    .venv/bin/python bench/corpus.py [--articles 10000] [--seed 4] [--out bench/out/corpus]

Writes ``NNNNN.txt`` files into ``--out`` (in folders of 1,000) and ``.corpus.json`` (what was
made, with which parameters; the dot keeps ``atlas ingest`` from reading it). Geoparsing finds
about ten events per article (a sentence naming a place is one event per place).
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "seeds"
DEFAULT_OUT = ROOT / "bench" / "out" / "corpus"
MANIFEST = ".corpus.json"
VERSION = 2  # bump when the generator changes what it writes

# News sentences naming places. Slots: {city} and {city2} (towns of the article's country), {region}
# (a province of it), {country}, {abroad} and {abroad_country} (a town elsewhere and its country), and
# numbers {n}, {small}, {mag}, {speed}, {weekday}, {month}.
SENTENCES = [
    "Flooding forced {n} families from their homes in {city}, {country}, on {weekday}, local officials said.",
    "Heavy rain cut the main road between {city} and {city2} for the second day running.",
    "The governor of {region} declared a state of emergency after the river burst its banks near {city}.",
    "Police in {city} said {n} people were detained during a protest outside the regional parliament.",
    "Thousands marched through the centre of {city} on {weekday} to demand higher wages.",
    "A magnitude {mag} earthquake struck near {city} in {region}, the national seismological service said.",
    "Rescue teams from {city2} reached the worst-hit villages around {city} late on {weekday}.",
    "The health ministry in {country} reported {n} new cases of cholera, most of them in {region}.",
    "Voters in {city} queued for hours as polling stations opened across {country}.",
    "Opposition candidates won the mayoral race in {city} and made gains in {city2}.",
    "A fire at a textile factory on the outskirts of {city} killed {small} workers, the fire service said.",
    "Dock workers in {city} walked out over pay, halting exports through the port for {small} days.",
    "The new rail line linking {city} with {city2} is due to open in {month}, the transport minister said.",
    "Officials in {region} closed schools in {city} as temperatures passed 40 degrees.",
    "Delegations from {country} and {abroad_country} met in {abroad} to discuss a new trade agreement.",
    "The president of {country} arrived in {abroad} on {weekday} for a two-day state visit.",
    "Farmers in {region} blocked roads into {city} with tractors to protest against fuel prices.",
    "A bus carrying pilgrims overturned near {city}, killing {small} passengers and injuring {n}.",
    "Wildfires forced the evacuation of {n} residents from villages north of {city}.",
    "Authorities in {city} rationed water after the reservoir that supplies {region} fell to a record low.",
    "Aid agencies said food prices in {city} had doubled since {month}.",
    "Troops were deployed to {city} after clashes between rival groups left {small} people dead.",
    "A landslide buried part of a mining camp near {city} in the province of {region}.",
    "Hospitals in {city} and {city2} were stretched as the outbreak spread across {region}.",
    "Thousands of migrants crossed from {country} into {abroad_country} over the weekend, border officials said.",
    "Investigators in {city} arrested {small} officials suspected of taking bribes for building permits.",
    "Residents of {city} reported power cuts lasting up to {small} hours a day.",
    "The football club from {city} won the national cup final in {city2} on {weekday}.",
    "A cyclone made landfall near {city}, bringing winds of {speed} kilometres an hour to {region}.",
    "Drought has cut the wheat harvest in {region} by a third, the agriculture ministry of {country} said.",
    "The mayor of {city} resigned after {small} days of protests.",
    "Engineers began repairing the bridge over the river at {city}, closed since {month}.",
    "An explosion at a fuel depot in {city} was heard as far away as {city2}.",
    "Teachers in {region} went on strike, closing schools in {city} and nearby towns.",
    "The UN refugee agency opened a new camp outside {city} for people fleeing the fighting.",
    "Bread prices rose sharply in {city} after the government of {country} cut subsidies.",
    "Doctors in {city} warned that the main hospital had run out of insulin.",
    "A court in {city} sentenced {small} activists to prison for organising an unauthorised rally.",
    "Officials from {country} and {abroad_country} signed a water-sharing accord in {city}.",
    "Heavy snow trapped hundreds of drivers on the highway from {city} to {city2}.",
    "Locusts swept across farmland in {region}, the worst outbreak in {small} years.",
    "The government moved {n} families from riverside districts of {city} ahead of the monsoon.",
    "Protesters in {abroad} rallied in support of the demonstrators in {country}.",
    "Shelling damaged several houses on the edge of {city} overnight, the regional administration said.",
    "Prosecutors in {region} opened an inquiry into the collapse of a school roof in {city}.",
    "The airport at {city} reopened on {weekday} after being closed for {small} days by fog.",
    "Exports from {country} to {abroad_country} rose by {small} percent in the first quarter.",
    "A ferry with {n} passengers on board ran aground off {city}; everyone was rescued.",
    "Health workers began vaccinating children in {city} and across {region} against measles.",
    "The army said it had retaken {city} and was advancing towards {city2}.",
]
TITLES = [
    "Floods hit {city} as heavy rain continues",
    "Protests spread from {city} to {city2}",
    "{country} declares emergency in {region}",
    "Earthquake shakes {region}",
    "Strike halts port of {city}",
    "Election day in {country}: long queues in {city}",
    "Clashes in {city} leave {small} dead",
    "{country} and {abroad_country} sign trade deal",
    "Drought grips {region}",
    "Cholera outbreak spreads in {region}",
    "Fire at factory near {city} kills {small}",
    "Evacuations as wildfires near {city}",
    "Power cuts anger residents of {city}",
    "New rail link to join {city} and {city2}",
    "Storm batters coast near {city}",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DATE_FORMATS = ["{B} {d}, {Y}", "{d} {B} {Y}", "{Y}-{m:02d}-{d:02d}", "Published: {d} {b} {Y}",
                "Posted on {A}, {B} {d}, {Y}", "Updated {d} {B} {Y} {H:02d}:{M:02d} GMT",
                "{d} {b}, {Y} {H:02d}:{M:02d}"]
BYLINES = ["By Staff Reporter", "By our correspondent", "Reuters", "AFP", "Wire services"]
UNDATED_SHARE = 0.08
COPY_SHARE = 0.15  # articles that are wire copies of a recent one (republished with other furniture)
COPY_WINDOW = 50  # ... of one of the last this many new stories
OUTLETS = ["news.example.org", "www.daily-herald.example.com", "wire.example.net", "regional.example.co.uk"]
COPY_TITLES = ["{title}", "UPDATE 1-{title}", "{title} - agency report", "WORLD NEWS: {title}"]
COPY_PARAGRAPHS = ["This article was amended to correct a name.",
                   "Reporting by staff correspondents; editing by the world desk.",
                   "Sign up for our daily briefing to get the news in your inbox."]
_VAGUE = frozenset({"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
                    "capital", "coast", "centre", "center", "lakes", "islands"})  # provinces called only that
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    country: str  # ISO code


@dataclass
class PlacePool:
    """Real places to name: towns by country (most populous first), provinces by country, country names."""

    towns: dict[str, list[str]]
    regions: dict[str, list[str]]
    countries: dict[str, str]  # ISO code -> name
    codes: list[str]  # countries with at least two towns, the article's country is one of them
    weights: list[float]


def gazetteer_places(gaz: Any, where: str, limit: int) -> list[Any]:
    """Places of the local gazetteer index matching the SQL condition ``where`` (over ``p``), most populous
    first (``gazetteer.place.Place``)."""
    from gazetteer.place import Place

    rows = gaz._query(f"SELECT p.id, p.name, p.lat, p.lon, p.country, p.fclass, p.fcode, p.population, "
                      f"p.admin1, p.source FROM place p WHERE {where} ORDER BY p.population DESC, p.id LIMIT {limit}")
    return [Place(*r) for r in rows]


def place_pool(gaz: Any, towns: int = 8000, min_population: int = 30_000) -> PlacePool:
    """Up to ``towns`` towns of at least ``min_population`` people, every province, every country."""
    by_country: dict[str, list[str]] = defaultdict(list)
    for p in gazetteer_places(gaz, f"p.fclass = 'P' AND p.population >= {int(min_population)} AND p.id > 0",
                              towns):
        if p.country_code and p.name not in by_country[p.country_code] and p.name.isprintable():
            by_country[p.country_code].append(p.name)
    countries = {p.country_code: p.name for p in gazetteer_places(gaz, "p.fcode IN ('PCLI', 'PCLD', 'PCLF', "
                                                                           "'PCLS', 'PCL')", 400) if p.country_code}
    regions: dict[str, list[str]] = defaultdict(list)
    for p in gazetteer_places(gaz, "p.fcode = 'ADM1'", 5000):
        town_names = by_country.get(p.country_code or "", ())
        if p.country_code and p.name not in town_names and p.name != countries.get(p.country_code) \
                and p.name.lower() not in _VAGUE:
            regions[p.country_code].append(p.name)
    codes = sorted(c for c, names in by_country.items() if len(names) >= 2 and c in countries)
    weights = [len(by_country[c]) ** 0.6 for c in codes]
    return PlacePool(dict(by_country), dict(regions), countries, codes, weights)


def seed_sentences(seeds: Path = SEEDS) -> list[str]:
    """The sentences of the sample articles that read as sentences (no headings, bylines or dates)."""
    from dashboard.events import sentences
    from dashboard.reader import read_article

    out: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        article = read_article(path)
        for start, end in sentences(article.text, article.content_spans):
            text = " ".join(_MARKDOWN_LINK.sub(r"\1", article.text[start:end]).split()).strip("*_ ")
            if len(text) >= 40 and text[-1] in ".!?”\"" and not text.startswith(("#", "[", "*")) and text not in out:
                out.append(text)
    return out


class Writer:
    """Articles one at a time: ``Writer(pool, seed_sentences, seed).article(i)`` -> (name, text)."""

    def __init__(self, pool: PlacePool, seeds: Sequence[str], seed: int = 4) -> None:
        self.pool, self.seeds, self.rnd = pool, list(seeds), random.Random(seed)
        self.seen: set[str] = set()
        self.recent: list[tuple[str, list[str], datetime.date | None]] = []  # the last new stories
        self.copies = 0

    def _town(self, code: str, avoid: set[str]) -> str:
        names = self.pool.towns[code]
        for _ in range(6):  # a long tail: the big towns of a country come up most, every town sometimes
            name = names[min(int(self.rnd.paretovariate(0.9)) - 1, len(names) - 1)] if self.rnd.random() < 0.5 \
                else self.rnd.choice(names)
            if name not in avoid:
                return name
        return self.rnd.choice(names)

    def _slots(self, code: str) -> dict[str, Any]:
        rnd, pool = self.rnd, self.pool
        city = self._town(code, set())
        city2 = self._town(code, {city})
        abroad_code = rnd.choices(pool.codes, pool.weights)[0]
        while abroad_code == code:
            abroad_code = rnd.choices(pool.codes, pool.weights)[0]
        regions = pool.regions.get(code) or [city2]
        return {"city": city, "city2": city2, "region": rnd.choice(regions), "country": pool.countries[code],
                "abroad": self._town(abroad_code, set()), "abroad_country": pool.countries[abroad_code],
                "n": rnd.randint(12, 4000), "small": rnd.randint(2, 30), "mag": f"{rnd.uniform(4.1, 7.4):.1f}",
                "speed": rnd.randint(90, 220), "weekday": rnd.choice(WEEKDAYS), "month": rnd.choice(MONTHS)}

    def article(self, number: int) -> tuple[str, str]:
        """The file name and text of article ``number``: a new story, or (``COPY_SHARE`` of them) a wire
        copy of one of the last ``COPY_WINDOW`` new ones."""
        rnd = self.rnd
        while True:
            if self.recent and rnd.random() < COPY_SHARE:
                title, paragraphs, published = self._copy(rnd.choice(self.recent))
                copy = True
            else:
                title, paragraphs, published = self._story()
                copy = False
            text = self._page(number, title, paragraphs, published)
            if text not in self.seen:
                self.seen.add(text)
                if not copy:
                    self.recent = [*self.recent[-(COPY_WINDOW - 1):], (title, paragraphs, published)]
                self.copies += copy
                year = published.year if published else "undated"
                return f"{number // 1000:02d}/{number:05d}-{year}.txt", text

    def _story(self) -> tuple[str, list[str], datetime.date | None]:
        rnd = self.rnd
        code = rnd.choices(self.pool.codes, self.pool.weights)[0]
        picked = [t.format(**self._slots(code)) for t in rnd.sample(SENTENCES, rnd.randint(3, 4))]
        picked += rnd.sample(self.seeds, rnd.randint(1, 3))
        rnd.shuffle(picked)
        title = rnd.choice(TITLES).format(**self._slots(code)) if rnd.random() < 0.85 \
            else rnd.choice(self.seeds).rstrip(".")[:90]
        paragraphs, i = [], 0
        while i < len(picked):
            take = rnd.randint(1, 3)
            paragraphs.append(" ".join(picked[i:i + take]))
            i += take
        published = None
        if rnd.random() >= UNDATED_SHARE:
            published = datetime.date(2020, 1, 1) + datetime.timedelta(days=rnd.randrange(1827))
        return title, paragraphs, published

    def _copy(self, original: tuple[str, list[str], datetime.date | None]
              ) -> tuple[str, list[str], datetime.date | None]:
        """An agency story republished: its own headline half the time, a paragraph more or less, a
        day later at most; the page around it (date line, byline, URL) is the outlet's own."""
        rnd = self.rnd
        title, paragraphs, published = original
        paragraphs = list(paragraphs)
        if len(paragraphs) > 2 and rnd.random() < 0.3:
            paragraphs.pop()
        elif rnd.random() < 0.3:
            paragraphs.append(rnd.choice(COPY_PARAGRAPHS))
        if rnd.random() < 0.5:
            title = rnd.choice(COPY_TITLES).format(title=title)
        if published and rnd.random() < 0.3:
            published += datetime.timedelta(days=1)
        return title, paragraphs, published

    def _page(self, number: int, title: str, paragraphs: list[str], published: datetime.date | None) -> str:
        rnd = self.rnd
        head = [("# " if rnd.random() < 0.5 else "") + title]
        if published is not None:
            hour, minute = rnd.randrange(24), rnd.randrange(60)
            head.append(rnd.choice(DATE_FORMATS).format(
                B=MONTHS[published.month - 1], b=MONTHS[published.month - 1][:3], d=published.day,
                m=published.month, Y=published.year, A=WEEKDAYS[published.weekday()], H=hour, M=minute))
        if rnd.random() < 0.3:
            head.append(rnd.choice(BYLINES))
        tail = []
        if rnd.random() < 0.4:
            stamp = published.strftime("%Y/%m/%d") if published else "world"
            tail.append(f"Original url: https://{rnd.choice(OUTLETS)}/{stamp}/report-{number}")
        return "\n\n".join(head + paragraphs + tail) + "\n"


def generate(out: Path = DEFAULT_OUT, articles: int = 10_000, seed: int = 4, *, gaz: Any = None,
             quiet: bool = True) -> dict[str, Any]:
    """Write ``articles`` article files under ``out`` (emptied of earlier articles first) and the manifest;
    returns the manifest. Reuses ``gaz`` (an open ``gazetteer.Gazetteer``) when given."""
    from gazetteer import Gazetteer

    started = time.perf_counter()
    own = gaz is None
    gaz = Gazetteer.open() if own else gaz
    try:
        pool = place_pool(gaz)
    finally:
        if own:
            gaz.close()
    writer = Writer(pool, seed_sentences(), seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*/*.txt"):
        old.unlink()
    size = 0
    for i in range(articles):
        name, text = writer.article(i)
        path = out / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        if not quiet and (i + 1) % 1000 == 0:
            print(f"corpus: {i + 1}/{articles} articles", file=sys.stderr)
    manifest = {"version": VERSION, "articles": articles, "seed": seed, "bytes": size,
                "towns": sum(map(len, pool.towns.values())), "countries": len(pool.codes),
                "seed_sentences": len(writer.seeds), "copies": writer.copies,
                "seconds": round(time.perf_counter() - started, 1)}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def existing(out: Path, articles: int, seed: int) -> dict[str, Any] | None:
    """The manifest of a collection already in ``out`` made with these parameters, or ``None``."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = (manifest.get("version"), manifest.get("articles"), manifest.get("seed")) == (VERSION, articles, seed)
    return manifest if same and sum(1 for _ in out.glob("*/*.txt")) == articles else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.articles, args.seed, quiet=False)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
