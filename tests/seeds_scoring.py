"""Score `atlas parse` output against the seeds' gold annotations (tests/data/seeds_gold.json).

The project's own check, written for the test suite (the yardstick in ../shared/eval/score.py is only
used to measure, outside the repository). Rules, as the gold file's "about" states them:

- a gold toponym is every whole-word occurrence of one of its surface forms (a longer surface form
  covers a shorter one inside it), or an explicit span; an occurrence glued to a hyphen and a
  lower-case word ("Moscow-brokered") is optional, as are toponyms marked optional;
- a prediction matches a gold mention when their spans overlap; predictions matching nothing are
  spurious, except over optional mentions;
- countries are right by ISO code and a country-level feature (A.PCL*); other places within the
  gold entity's tolerance in km.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from geopy.distance import great_circle


@dataclass
class GoldMention:
    start: int
    end: int
    entity: dict
    optional: bool


@dataclass
class Score:
    required: int = 0
    placed_right: int = 0
    predicted: int = 0
    spurious: int = 0
    dates_right: int = 0
    titles_right: int = 0
    articles: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def resolved(self) -> float:
        return self.placed_right / self.required if self.required else 0.0

    @property
    def precision(self) -> float:
        return (self.predicted - self.spurious) / self.predicted if self.predicted else 0.0


def _fold_title(title: str | None) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", title or "").replace("’", "'").split()).casefold()


def gold_mentions(text: str, toponyms: list[dict], entities: dict) -> list[GoldMention]:
    found: list[GoldMention] = []
    by_surface: list[tuple[str, dict, bool]] = []
    for t in toponyms:
        entity = entities[t["entity"]]
        for start, end in t.get("spans", []):
            found.append(GoldMention(start, end, entity, bool(t.get("optional"))))
        by_surface += [(s, entity, bool(t.get("optional"))) for s in t.get("surface", [])]
    taken = [(g.start, g.end) for g in found]
    for surface, entity, optional in sorted(by_surface, key=lambda t: -len(t[0])):  # longer forms first
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            glued = re.match(r"-[a-z]", text[m.end():m.end() + 2]) is not None
            found.append(GoldMention(m.start(), m.end(), entity, optional or glued))
            taken.append((m.start(), m.end()))
    return found


def placed_right(mention: dict, entity: dict) -> bool:
    if entity["kind"] == "country":
        return mention.get("country_code") == entity["country"] and str(mention.get("feature", "")).startswith("A.PCL")
    return great_circle((mention["lat"], mention["lon"]), (entity["lat"], entity["lon"])).km <= entity["tolerance_km"]


def score(records: list[dict], gold_path: Path, texts: Path) -> Score:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    by_file = {Path(r["file"]).name: r for r in records}
    result = Score()
    for article in gold["articles"]:
        name = article["file"]
        text = (texts / name).read_bytes().decode("utf-8")
        record = by_file.get(name, {"mentions": []})
        mentions = record.get("mentions", [])
        golds = gold_mentions(text, article["toponyms"], gold["entities"])
        result.articles += 1
        result.predicted += len(mentions)
        for m in mentions:
            assert text[m["start"]:m["end"]] == m["text"], f"{name}: offsets {m['start']}-{m['end']} off"
        used: set[int] = set()
        for g in sorted(golds, key=lambda g: g.optional):
            hit = next((i for i, m in enumerate(mentions)
                        if i not in used and m["start"] < g.end and g.start < m["end"]), None)
            if hit is not None:
                used.add(hit)
            if g.optional:
                continue
            result.required += 1
            where = f"{name}:{g.start} {text[g.start:g.end]!r}"
            if hit is None:
                result.problems.append(f"missed {where}")
            elif placed_right(mentions[hit], g.entity):
                result.placed_right += 1
            else:
                result.problems.append(f"wrong {where} -> {mentions[hit]['name']}")
        for i, m in enumerate(mentions):
            if i not in used and not any(m["start"] < g.end and g.start < m["end"] for g in golds):
                result.spurious += 1
                result.problems.append(f"spurious {name}:{m['start']} {m['text']!r} -> {m['name']}")
        if record.get("published") in article.get("published_accept", [article.get("published")]):
            result.dates_right += 1
        else:
            result.problems.append(f"date {name}: {record.get('published')!r}")
        if _fold_title(record.get("title")) == _fold_title(article.get("title")):
            result.titles_right += 1
        else:
            result.problems.append(f"title {name}: {record.get('title')!r}")
    return result
