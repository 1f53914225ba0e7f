"""Wire copies, events across articles and stories, computed at ingest for each new article.

* **Wire copies** (:mod:`dashboard.events.copies`). Each article's MinHash signature
  (:data:`RULE`.``num_perm`` permutations over word shingles of :data:`RULE`.``shingle`` words,
  ``datasketch``) is stored as a BLOB (``article_copy``); a
  Store's writer keeps an LSH index of them in memory, filled from the store on its first write and
  topped up from rows committed since (``seq``), so a new article is compared with its LSH candidates
  only. A new article whose estimated Jaccard similarity with a stored one reaches ``copy_jaccard`` is
  its copy (``copy_of``: the first ingested of them); a copy counts as an article, not as a source.
* **Same events.** Each sentence with events (and each place-less sentence with a date or deaths) is a
  *report* (``report``). A new report is compared only with candidates found through the indexed
  ``report_key`` table (its places, the countries and provinces holding them, or the places they hold,
  each under the time buckets its date period may overlap: months, years or ``*``, so the lookup reads
  the reports of those months, never every report of a country; of each event its newest few); two
  reports are the same event when :func:`same_event` says so. A report joining reports of several
  clusters merges them.
* **Stories.** Articles that share a cluster through *current* reports (dated near their article's
  publication, or undated in an undated article) form a story (``article_story``, connected
  components, merged as links appear). Background sentences ("the 2020 war") may merge into one event
  without making their articles one story.
* **Dates from the story.** An undated sentence of an undated article in a cluster with dated reports
  takes the earliest of their dates, marked ``date_source = 'story'``.

Every threshold is in :data:`RULE` (measured in tests/test_stories.py on the seeds' gold and on a
corpus the test makes).
"""
from __future__ import annotations

import datetime
import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .copies import copy_index, outlet, signature, signature_blob
from .merge_rule import RULE, Rule

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d,.]*", re.UNICODE)
_STOP_WORDS = """a about above after again against all also an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor not now
of off on once only or other our out over own said same says she should so some such than that the their
them then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your according earlier later since amid told say us one two"""
_STOP = frozenset(_STOP_WORDS.split())


def words(text: str, stem: int = RULE.stem) -> frozenset[str]:
    """A sentence's content words: lower-case, stop words out, cut to ``stem`` letters; numbers kept."""
    out = set()
    for w in _WORD.findall(text.lower()):
        if w[0].isdigit():
            out.add(w.replace(",", "").rstrip("."))
        elif len(w) > 2 and w not in _STOP:
            out.add(w[:stem])
    return frozenset(out)


def numbers(ws: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in ws if w[:1].isdigit())


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two sentences' content words."""
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """What :func:`same_event` compares of a sentence."""

    words: frozenset[str]
    date: str | None
    date_last: str | None
    event_type: str | None
    fatalities: int | None


def same_event(a: Report, b: Report, rule: Rule = RULE) -> bool:
    """Two reports (whose places agree: the candidates' query sees to it) are one event when their dates
    overlap (an undated one overlaps any), their types agree (when both have one), their death counts
    agree (when both give one) and their words say the same thing (:func:`similarity`)."""
    if a.date and b.date and (a.date > (b.date_last or b.date) or b.date > (a.date_last or a.date)):
        return False
    if a.event_type and b.event_type and a.event_type != b.event_type:
        return False
    if a.fatalities is not None and b.fatalities is not None and a.fatalities != b.fatalities:
        return False
    if a.fatalities is not None or b.fatalities is not None:  # counts given in both and none the same
        nums_a, nums_b = numbers(a.words), numbers(b.words)
        if nums_a and nums_b and not nums_a & nums_b:
            return False
    shared = len(a.words & b.words)
    if a.fatalities is not None and a.fatalities == b.fatalities and shared >= rule.same_deaths_shared:
        return True
    return shared >= rule.min_shared and similarity(a.words, b.words) >= rule.min_similarity


# -- places: the keys that make "the same place, or one inside the other" an indexed lookup -------------
def place_keys(place: sqlite3.Row | tuple) -> tuple[set[str], set[str]]:
    """(keys stored for a report's place, keys a new report's place looks up). A place is stored under
    itself, what it is (a country, a province) and what holds it; it looks up itself, what it holds and
    what holds it."""
    pid, kind, country, admin1 = place
    stored, query = {f"p:{pid}"}, {f"p:{pid}"}
    levels = [("c", country, kind == "country")]  # (level, its code, whether the place is that level)
    if country and admin1 and kind != "country":
        levels.append(("a", f"{country}.{admin1}", kind == "province"))
    for level, code, is_it in levels:
        if code:
            stored.add(f"{'is' if is_it else 'in'}:{level}:{code}")
            query.add(f"{'in' if is_it else 'is'}:{level}:{code}")
    return stored, query


# -- time: the buckets that make "their dates overlap" an indexed lookup -----------------------------------
def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last[:7]:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _years(first: str, last: str) -> list[str]:
    return [f"Y{y}" for y in range(int(first[:4]), int(last[:4]) + 1)]


def _span(first: str, last: str) -> int:
    return (datetime.date.fromisoformat(last) - datetime.date.fromisoformat(first)).days


def stored_buckets(first: str | None, last: str | None, rule: Rule = RULE) -> list[str]:
    """The time buckets a report's keys are stored under: the months of a short period, the years of a
    longer one, ``*`` for a very long one or none (``report_key.key`` is ``<place key>@<bucket>``)."""
    if first is None or last is None:
        return ["*"]
    if _span(first, last) <= rule.month_days:
        return _months(first, last)
    years = _years(first, last)
    return years if len(years) <= rule.bucket_years else ["*"]


def query_buckets(first: str | None, last: str | None, rule: Rule = RULE) -> list[str] | None:
    """The buckets that hold every stored report whose period may overlap ``[first, last]`` (the months
    it covers, or every month of the years of a longer one, those years, and ``*``); ``None``: all of
    them (an undated or very long period overlaps anything)."""
    if first is None or last is None:
        return None
    years = _years(first, last)
    if _span(first, last) <= rule.month_days:
        months = _months(first, last)
    elif len(years) <= rule.bucket_years:
        months = [f"{y[1:]}-{m:02d}" for y in years for m in range(1, 13)]
    else:
        return None
    return [*months, *years, "*"]


# -- at ingest -----------------------------------------------------------------------------------------
def link_article(db: sqlite3.Connection, article: Any, events: Sequence[Any], inferred: Sequence[Any],
                 mentions: Sequence[Any], rule: Rule = RULE) -> None:
    """Find the new (or re-read) article's copies, its events' clusters and its story, inside the
    caller's transaction (:func:`dashboard.store.writes.write_article`)."""
    aid = article.id
    index = copy_index(db)
    row = db.execute("SELECT 1 FROM article_copy WHERE article = ?", (aid,)).fetchone()
    if row is None:
        m = signature(article.text, rule)
        found = index.original(db, aid, m)
        copy_of = found[0] if found else None
        own = outlet(article.url, article.source)
        if copy_of:
            own = db.execute("SELECT outlet FROM article_copy WHERE article = ?", (copy_of,)).fetchone()[0]
        db.execute("INSERT INTO article_copy (article, signature, outlet, copy_of, similarity) VALUES (?, ?, ?, ?, ?)",
                   (aid, signature_blob(m), own, copy_of, found[1] if found else None))
    db.execute("DELETE FROM report WHERE article = ?", (aid,))  # a re-read article is linked anew
    db.execute("DELETE FROM article_story WHERE article = ?", (aid,))
    published = article.published.isoformat() if article.published else None
    # The article's reports: one per sentence with events, with its places; and place-less ones.
    by_sentence: dict[tuple[int, int], dict[str, Any]] = {}
    for e in events:
        r = by_sentence.setdefault(tuple(e.sentence), {"event": e, "places": set()})
        r["places"].add(e.place_id)
    literal = {e.place_id for e in events if getattr(e, "role", "literal") == "literal"}
    for e in inferred:
        if tuple(e.sentence) in by_sentence or getattr(e, "repeat_of", None) is not None:
            continue
        places = set(literal)
        if e.mention is not None and 0 <= e.mention < len(mentions):
            places.add(mentions[e.mention].place.id)
        if places:
            by_sentence[tuple(e.sentence)] = {"event": e, "places": places}
    place_rows = {}
    ids = sorted({p for r in by_sentence.values() for p in r["places"]})
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for pr in db.execute(f"SELECT id, kind, country, admin1 FROM place WHERE id IN ({','.join('?' * len(chunk))})",
                             chunk):
            place_rows[pr[0]] = tuple(pr)
    touched: set[int] = set()
    story_links: set[int] = set()
    strong_links: dict[int, int] = {}
    for (start, end), r in sorted(by_sentence.items()):
        e = r["event"]
        when = getattr(e, "when", None)
        first = last = value = precision = None
        if when is not None and when.value is not None:
            p0, p1 = when.period()
            first, last, value, precision = p0.isoformat(), p1.isoformat(), when.value, when.precision
        rep = Report(words(article.text[start:end], rule.stem), first, last, getattr(e, "event_type", None),
                     getattr(e, "fatalities", None))
        current = _current(published, first, last, rule)
        strong = int(current and when is not None and when.source == "text")
        stored, query = set(), set()
        for pid in r["places"]:
            if pid in place_rows:
                s, q = place_keys(place_rows[pid])
                stored |= s
                query |= q
        matches = _matches(db, aid, rep, query, rule)
        clusters = {c for c, _ in matches}
        cur = db.execute(
            "INSERT INTO report (article, sent_start, sent_end, date, date_last, date_value, date_precision, "
            "event_type, fatalities, words, current, strong, cluster) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (aid, start, end, first, last, value, precision, rep.event_type, rep.fatalities,
             " ".join(sorted(rep.words)), int(current), strong))
        rid = cur.lastrowid
        cluster = min(clusters) if clusters else rid
        db.execute("UPDATE report SET cluster = ? WHERE id = ?", (cluster, rid))
        others = sorted(clusters - {cluster})
        if others:
            db.execute(f"UPDATE report SET cluster = ? WHERE cluster IN ({','.join('?' * len(others))})",
                       (cluster, *others))
        db.executemany("INSERT INTO report_key (key, date, date_last, report) VALUES (?, ?, ?, ?)",
                       [(f"{k}@{b}", first, last, rid) for k in sorted(stored) for b in stored_buckets(first, last)])
        touched.add(cluster)
        if current:
            story_links |= {c for c, cur_ in matches if cur_}
            strong_links.update({c: strong for c, cur_ in matches if cur_})
    story_links = {c for c in story_links if c in _final(db, story_links)}
    story = _join_story(db, aid, story_links, rule)
    _dates_from_story(db, touched, story)


def _current(published: str | None, first: str | None, last: str | None, rule: Rule) -> bool:
    if published is None:
        return first is None
    if last is None:
        return True
    edge = (datetime.date.fromisoformat(published) - datetime.timedelta(days=rule.story_days)).isoformat()
    return last >= edge


def _matches(db: sqlite3.Connection, aid: str, rep: Report, keys: set[str], rule: Rule) -> list[tuple[int, bool]]:
    """(cluster, current) of the stored reports of other articles that are the same event as ``rep``:
    candidates by place keys and overlapping dates through ``report_key``'s index (never every report)."""
    if not keys:
        return []
    buckets = query_buckets(rep.date, rep.date_last, rule)
    if buckets is None:  # every bucket of each key: its range of key strings
        where = " OR ".join("(k.key >= ? AND k.key < ?)" for _ in keys)
        key_params: tuple = tuple(x for k in sorted(keys) for x in (f"{k}@", f"{k}A"))  # "A" follows "@"
    else:
        full = [f"{k}@{b}" for k in sorted(keys) for b in buckets]
        where, key_params = f"k.key IN ({','.join('?' * len(full))})", tuple(full)
    dated = "AND ((k.date <= ? AND k.date_last >= ?) OR k.date IS NULL) " if rep.date else ""
    # The candidates: the reports under those keys and buckets whose dates overlap, of other articles, whose
    # types and death counts do not differ (the checks of same_event SQL can make); of each event the
    # newest rule.per_cluster (one report of an event is enough to join it: a big event's many reports
    # must not crowd out the others), then the newest rule.max_candidates of those; read among the newest
    # rule.max_scan reports under the keys (a big story's month holds thousands).
    sql = ("SELECT cluster, current, words, date, date_last, event_type, fatalities FROM (SELECT r.id, r.cluster, "
           "r.current, r.words, r.date, r.date_last, r.event_type, r.fatalities, row_number() OVER (PARTITION BY "
           f"r.cluster ORDER BY r.id DESC) AS n FROM report r WHERE r.id IN (SELECT k.report FROM report_key k "
           f"WHERE ({where}) {dated}ORDER BY k.report DESC LIMIT ?) AND r.article != ? AND (r.event_type IS NULL "
           "OR ? IS NULL OR r.event_type = ?) AND (r.fatalities IS NULL OR ? IS NULL OR r.fatalities = ?)) "
           "WHERE n <= ? ORDER BY id DESC LIMIT ?")
    dates = (rep.date_last or rep.date, rep.date) if rep.date else ()
    params = (*key_params, *dates, rule.max_scan, aid, rep.event_type, rep.event_type, rep.fatalities,
              rep.fatalities, rule.per_cluster, rule.max_candidates)
    out: dict[tuple[int, bool], None] = {}
    for cluster, current, w, date, date_last, etype, deaths in db.execute(sql, params):
        if (cluster, bool(current)) not in out and same_event(rep, Report(_stored_words(w), date, date_last,
                                                                          etype, deaths), rule):
            out[cluster, bool(current)] = None
    return list(out)


@functools.lru_cache(maxsize=1 << 16)
def _stored_words(text: str) -> frozenset[str]:
    """A stored report's words (``report.words``: space-separated), parsed once per process (wire copies
    and quoted sentences store the same words many times)."""
    return frozenset(text.split())


def _final(db: sqlite3.Connection, clusters: set[int]) -> set[int]:
    """The clusters among ``clusters`` that still exist (a later report may have merged some)."""
    if not clusters:
        return set()
    marks = ",".join("?" * len(clusters))
    return {r[0] for r in db.execute(f"SELECT DISTINCT cluster FROM report WHERE cluster IN ({marks})",
                                     sorted(clusters))}


def _join_story(db: sqlite3.Connection, aid: str, clusters: set[int], rule: Rule) -> int:
    """The article's story: its own, or the one of the articles it shares current events with (stories
    it links are merged into the oldest)."""
    stories: set[int] = set()
    if clusters:
        marks = ",".join("?" * len(clusters))
        # The events this article reports with a strong report (read once: a correlated subquery per row
        # re-read every report of a big event for each of its reports).
        own = sorted(c for (c,) in db.execute("SELECT DISTINCT cluster FROM report WHERE article = ? AND strong = 1",
                                              (aid,)))
        rows = db.execute(
            f"SELECT s.story, count(DISTINCT r.cluster), max(r.strong OR r.cluster IN ({','.join('?' * len(own))})) "
            f"FROM report r JOIN article_story s ON s.article = r.article WHERE r.cluster IN ({marks}) AND "
            "r.current = 1 AND r.article != ? GROUP BY s.article", (*own, *sorted(clusters), aid)).fetchall()
        stories = {story for story, shared, strong in rows if shared >= rule.story_shared or strong}
    if stories:
        story = min(stories)
        rest = sorted(stories - {story})
        if rest:
            db.execute(f"UPDATE article_story SET story = ? WHERE story IN ({','.join('?' * len(rest))})",
                       (story, *rest))
    else:
        story = db.execute("SELECT seq FROM article_copy WHERE article = ?", (aid,)).fetchone()[0]
    db.execute("INSERT INTO article_story (article, story) VALUES (?, ?)", (aid, story))
    return story


def _dates_from_story(db: sqlite3.Connection, clusters: set[int], story: int) -> None:
    """Undated sentences of undated articles of ``story`` (the new article's, the only one whose dated
    reports changed) in ``clusters`` take the date of a dated report of the story in the same cluster:
    one dated by its own words first, then the earliest."""
    from ..store.writes import derive_events
    ids = sorted(clusters)
    undated = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        undated += db.execute(
            # (CROSS JOIN keeps SQLite's order: the undated reports of these events through index
            # report_cluster_date first, never every article of a big story)
            "SELECT r.cluster, r.article, r.sent_start FROM report r CROSS JOIN article a CROSS JOIN article_story s "
            "WHERE a.id = r.article AND s.article = r.article AND r.date IS NULL AND a.published IS NULL "
            f"AND s.story = ? AND r.cluster IN ({','.join('?' * len(chunk))})", (story, *chunk)).fetchall()
    best: dict[int, tuple | None] = {}
    for cluster, aid, start in undated:
        if cluster not in best:
            best[cluster] = db.execute(
                "SELECT r.date, r.date_last, r.date_value, r.date_precision FROM report r JOIN article_story s "
                "ON s.article = r.article WHERE r.cluster = ? AND r.date IS NOT NULL AND s.story = ? "
                "ORDER BY r.strong DESC, r.date, r.date_last LIMIT 1", (cluster, story)).fetchone()
        dated = best[cluster]
        if dated is None:
            continue
        cur = db.execute("UPDATE mention SET date = ?, date_last = ?, date_value = ?, date_precision = ?, "
                         "date_source = 'story' WHERE article = ? AND sent_start = ? AND (date IS NULL OR "
                         "(date_source = 'story' AND NOT (date IS ? AND date_last IS ? AND date_value IS ? AND "
                         "date_precision IS ?)))", (*dated, aid, start, *dated))
        if cur.rowcount:  # the sentence's events take the new date
            derive_events(db, aid, start)
