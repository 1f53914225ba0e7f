"""Wire copies, events across articles and stories, computed at ingest for each new article.

* **Wire copies** (:mod:`dashboard.events.copies`). Each article's MinHash signature
  (:data:`RULE`.``num_perm`` permutations over word shingles of :data:`RULE`.``shingle`` words,
  ``datasketch``) is stored as a BLOB (``article_copy``); a
  Store's writer keeps an LSH index of them in memory, filled from the store on its first write and
  topped up from rows committed since (``seq``), so a new article is compared with its LSH candidates
  only. A new article whose estimated Jaccard similarity with a stored one reaches ``copy_jaccard`` is
  its copy (``copy_of``: the first ingested of them); a copy counts as an article, not as a source.
* **Same events.** Each sentence with events (and each place-less sentence with a date or deaths) is a
  *report* (``report``). A new report is compared only with candidates found through its keys
  (``report_key``: its places, the countries and provinces holding them, or the places they hold, each
  under the time buckets its date period may overlap: months, years or ``*``, so the lookup reads the
  reports of those months, never every report of a country; of each event its newest few), which the
  writer holds in memory (:mod:`dashboard.events.link_index`); two
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

from .copies import copy_index, from_blob, outlet, signature, signature_blob
from .link_index import LinkIndex, Stored, link_index
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
    """The words that are numbers (a sentence's word set is hashable: a stored report's are looked at again
    and again, so theirs are kept)."""
    return _numbers(ws) if isinstance(ws, frozenset) else _digit_words(ws)


def _digit_words(ws: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in ws if w[:1].isdigit())


_numbers = functools.lru_cache(maxsize=1 << 16)(_digit_words)


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


def same_event(a: Report, b: Report | Stored, rule: Rule = RULE) -> bool:
    """Two reports (whose places agree: the candidates' query sees to it) are one event when their dates
    overlap (an undated one overlaps any), their types agree (when both have one), their death counts
    agree (when both give one) and their words say the same thing (:func:`similarity`)."""
    shared = len(a.words & b.words)
    if shared < min(rule.same_deaths_shared, rule.min_shared):  # too few words in common, whatever the rest
        return False
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


@functools.lru_cache(maxsize=1 << 14)
def _stored_buckets(first: str | None, last: str | None, rule: Rule) -> tuple[str, ...]:
    return tuple(stored_buckets(first, last, rule))  # (the writer asks for the same few periods again and again)


@functools.lru_cache(maxsize=1 << 14)
def _query_buckets(first: str | None, last: str | None, rule: Rule) -> tuple[str, ...] | None:
    buckets = query_buckets(first, last, rule)
    return None if buckets is None else tuple(buckets)


# -- at ingest -----------------------------------------------------------------------------------------
def link_article(db: sqlite3.Connection, article: Any, events: Sequence[Any], inferred: Sequence[Any],
                 mentions: Sequence[Any], rule: Rule = RULE, sig: bytes | None = None) -> None:
    """Find the new (or re-read) article's copies, its events' clusters and its story, inside the
    caller's transaction (:func:`dashboard.store.writes.write_article`). ``sig``: the article's MinHash
    signature when it was made already (:func:`~dashboard.events.copies.signature_blob`, by the process
    that parsed it)."""
    aid = article.id
    index = copy_index(db)
    row = db.execute("SELECT 1 FROM article_copy WHERE article = ?", (aid,)).fetchone()
    if row is None:
        m = from_blob(sig, rule) if sig else signature(article.text, rule)
        found = index.original(db, aid, m)
        copy_of = found[0] if found else None
        own = outlet(article.url, article.source)
        if copy_of:
            own = db.execute("SELECT outlet FROM article_copy WHERE article = ?", (copy_of,)).fetchone()[0]
        db.execute("INSERT INTO article_copy (article, signature, outlet, copy_of, similarity) VALUES (?, ?, ?, ?, ?)",
                   (aid, signature_blob(m), own, copy_of, found[1] if found else None))
    else:
        copy_of = db.execute("SELECT copy_of FROM article_copy WHERE article = ?", (aid,)).fetchone()[0]
    reports = link_index(db)
    # A wire copy's sentence that its original says word for word is the original's report of the same
    # event, however short (same_event wants more words in common than "Kapan was calm." has)
    said = {} if not copy_of else {reports.reports[rid].words: reports.reports[rid].cluster
                                   for rid in reports.by_article.get(copy_of, ())}
    db.execute("DELETE FROM report WHERE article = ?", (aid,))  # a re-read article is linked anew
    db.execute("DELETE FROM article_story WHERE article = ?", (aid,))
    published = article.published.isoformat() if article.published else None
    reports.begin(aid, published is not None)
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
    key_rows: list[tuple[str, str | None, str | None, int]] = []  # the reports' keys, stored once they are
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
        stems = " ".join(sorted(rep.words))
        strong = int(current and when is not None and when.source == "text")
        stored, query = set(), set()
        for pid in r["places"]:
            if pid in place_rows:
                s, q = place_keys(place_rows[pid])
                stored |= s
                query |= q
        matches = _matches(reports, aid, rep, query, rule)
        clusters = {c for c, _ in matches}
        if rep.words in said:
            clusters.add(reports.find(said[rep.words]))
        # Its id is the one SQLite would give (the highest plus one), named so that a report that starts a
        # cluster is stored in it at once (no second write, and no second round of the event triggers).
        cur = db.execute(
            "INSERT INTO report (id, article, sent_start, sent_end, date, date_last, date_value, date_precision, "
            "event_type, fatalities, words, current, strong, cluster) SELECT next, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, coalesce(?, next) FROM (SELECT coalesce(max(id), 0) + 1 AS next FROM report)",
            (aid, start, end, first, last, value, precision, rep.event_type, rep.fatalities,
             stems, int(current), strong, min(clusters) if clusters else None))
        rid = cur.lastrowid
        cluster = min(clusters) if clusters else rid
        others = sorted(clusters - {cluster})
        if others:
            db.execute(f"UPDATE report SET cluster = ? WHERE cluster IN ({','.join('?' * len(others))})",
                       (cluster, *others))
        keyed = [f"{k}@{b}" for k in sorted(stored) for b in _stored_buckets(first, last, RULE)]
        key_rows.extend((k, first, last, rid) for k in keyed)
        reports.merge(others, cluster)
        reports.add(rid, Stored(aid, start, rep.words, first, last, value, precision, rep.event_type, rep.fatalities,
                                current, bool(strong), cluster), keyed)
        touched.add(cluster)
        if current:
            story_links |= {c for c, cur_ in matches if cur_}
            strong_links.update({c: strong for c, cur_ in matches if cur_})
    db.executemany("INSERT INTO report_key (key, date, date_last, report) VALUES (?, ?, ?, ?)", key_rows)
    story_links = {c for c in story_links if reports.find(c) == c}  # those not merged into another since
    story = _join_story(db, reports, aid, story_links, rule)
    _dates_from_story(db, reports, touched, story)
    reports.linked(db)


def _current(published: str | None, first: str | None, last: str | None, rule: Rule) -> bool:
    if published is None:
        return first is None
    if last is None:
        return True
    edge = (datetime.date.fromisoformat(published) - datetime.timedelta(days=rule.story_days)).isoformat()
    return last >= edge


def _matches(index: LinkIndex, aid: str, rep: Report, keys: set[str], rule: Rule) -> list[tuple[int, bool]]:
    """(cluster, current) of the stored reports of other articles that are the same event as ``rep``:
    candidates by place keys and overlapping dates (:class:`~dashboard.events.link_index.LinkIndex`,
    never every report)."""
    if not keys:
        return []
    buckets = _query_buckets(rep.date, rep.date_last, rule)
    names = sorted(keys) if buckets is None else [f"{k}@{b}" for k in sorted(keys) for b in buckets]
    out: dict[tuple[int, bool], None] = {}
    ws, fewest = rep.words, min(rule.same_deaths_shared, rule.min_shared)
    for cluster, s in index.candidates(aid, names, rep.date, rep.date_last, rep.event_type, rep.fatalities):
        # same_event's first check first, here: most candidates share too few words to be the same event
        if len(ws & s.words) >= fewest and (cluster, s.current) not in out and same_event(rep, s, rule):
            out[cluster, s.current] = None  # (a Stored has a Report's fields)
    return list(out)


def _join_story(db: sqlite3.Connection, index: LinkIndex, aid: str, clusters: set[int], rule: Rule) -> int:
    """The article's story: its own, or the one of the articles it shares current events with (stories
    it links are merged into the oldest)."""
    stories = index.linked_stories(aid, clusters, rule) if clusters else set()
    rest: list[int] = []
    if stories:
        story = min(stories)
        rest = sorted(stories - {story})
        if rest:
            db.execute(f"UPDATE article_story SET story = ? WHERE story IN ({','.join('?' * len(rest))})",
                       (story, *rest))
    else:
        story = db.execute("SELECT seq FROM article_copy WHERE article = ?", (aid,)).fetchone()[0]
    db.execute("INSERT INTO article_story (article, story) VALUES (?, ?)", (aid, story))
    index.file_story(aid, story, rest)
    return story


def _dates_from_story(db: sqlite3.Connection, index: LinkIndex, clusters: set[int], story: int) -> None:
    """Undated sentences of undated articles of ``story`` (the new article's, the only one whose dated
    reports changed) in ``clusters`` take the date of a dated report of the story in the same cluster:
    one dated by its own words first, then the earliest (:meth:`LinkIndex.story_dates`)."""
    from ..store.writes import derive_events
    for other, start, dated in index.story_dates({index.find(c) for c in clusters}, story):
        cur = db.execute("UPDATE mention SET date = ?, date_last = ?, date_value = ?, date_precision = ?, "
                         "date_source = 'story' WHERE article = ? AND sent_start = ? AND (date IS NULL OR "
                         "(date_source = 'story' AND NOT (date IS ? AND date_last IS ? AND date_value IS ? AND "
                         "date_precision IS ?)))", (*dated, other, start, *dated))
        if cur.rowcount:  # the sentence's events take the new date
            derive_events(db, other, start)
