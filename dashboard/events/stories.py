"""Wire copies, events across articles and stories, computed at ingest for each new article.

* **Wire copies.** Each article's MinHash signature (:data:`RULE`.``num_perm`` permutations over word
  shingles of :data:`RULE`.``shingle`` words, ``datasketch``) is stored as a BLOB (``article_copy``); a
  Store's writer keeps an LSH index of them in memory, filled from the store on its first write and
  topped up from rows committed since (``seq``), so a new article is compared with its LSH candidates
  only. A new article whose estimated Jaccard similarity with a stored one reaches ``copy_jaccard`` is
  its copy (``copy_of``: the first ingested of them); a copy counts as an article, not as a source.
* **Same events.** Each sentence with events (and each place-less sentence with a date or deaths) is a
  *report* (``report``). A new report is compared only with candidates found through the indexed
  ``report_key`` table (its places, the countries and provinces holding them, or the places they hold,
  and an overlapping date period); two reports are the same event when :func:`same_event` says so. A
  report joining reports of several clusters merges them.
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

import numpy as np
from datasketch import MinHash, MinHashLSH


@dataclass(frozen=True, slots=True)
class Rule:
    """The thresholds of copies, same events and stories (the one place they are kept)."""

    num_perm: int = 128  # MinHash permutations (512-byte signature per article: 32-bit values)
    scheme: str = "affine32"  # datasketch's permutation scheme (stored signatures depend on it)
    shingle: int = 5  # words per shingle
    copy_jaccard: float = 0.5  # estimated Jaccard of two articles' shingles: one is a copy of the other
    min_similarity: float = 0.3  # Jaccard similarity of two sentences' content words (stems)
    min_shared: int = 4  # ... and at least this many content words in common
    same_deaths_shared: int = 2  # the same death count given in both: this many words in common suffice
    max_candidates: int = 300  # reports read per new report through the indexes (newest first)
    story_days: int = 10  # a report is current when its date ends at most this many days before publication
    story_shared: int = 2  # articles are one story when they share this many current events, or one event
    #                        with a current report dated by its own words (not by the publication date)
    stem: int = 5  # content words are cut to this many letters ("invoked", "invoke": "invok")


RULE = Rule()

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
    nums_a, nums_b = numbers(a.words), numbers(b.words)
    if nums_a and nums_b and not nums_a & nums_b and (a.fatalities is not None or b.fatalities is not None):
        return False  # counts given in both and not one of them the same
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


# -- wire copies ---------------------------------------------------------------------------------------
def signature(text: str, rule: Rule = RULE) -> MinHash:
    tokens = re.findall(r"\w+", text.lower())
    m = MinHash(num_perm=rule.num_perm, scheme=rule.scheme, permutations=_permutations(rule))
    n = rule.shingle
    shingles = {" ".join(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


@functools.cache
def _permutations(rule: Rule) -> Any:
    """The permutations of ``rule`` (made once: datasketch draws them anew for every MinHash otherwise)."""
    return MinHash(num_perm=rule.num_perm, scheme=rule.scheme).permutations


def _blob(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype="<u4").tobytes()


def _minhash(blob: bytes, rule: Rule = RULE) -> MinHash:
    return MinHash(num_perm=rule.num_perm, scheme=rule.scheme,
                   hashvalues=np.frombuffer(blob, dtype="<u4").astype(np.uint32))


class CopyIndex:
    """An LSH index over the stored signatures of one store, topped up from rows committed since."""

    def __init__(self, rule: Rule = RULE) -> None:
        self.rule = rule
        self.lsh = MinHashLSH(threshold=rule.copy_jaccard, num_perm=rule.num_perm)
        self.seq = 0
        self.signatures: dict[str, MinHash] = {}

    def refresh(self, db: sqlite3.Connection) -> None:
        for seq, article, blob in db.execute("SELECT seq, article, signature FROM article_copy WHERE seq > ? "
                                             "ORDER BY seq", (self.seq,)):
            self.seq = seq
            if article in self.signatures:
                continue
            m = _minhash(blob, self.rule)
            self.signatures[article] = m
            self.lsh.insert(article, m)

    def original(self, db: sqlite3.Connection, article_id: str, m: MinHash) -> tuple[str, float] | None:
        """The first ingested stored article this one copies (itself no copy), with the estimated Jaccard."""
        best = None
        for other in self.lsh.query(m):
            if other == article_id:
                continue
            jac = m.jaccard(self.signatures[other])
            if jac >= self.rule.copy_jaccard:
                row = db.execute("SELECT seq, coalesce(copy_of, article) FROM article_copy WHERE article = ?",
                                 (other,)).fetchone()
                if row and (best is None or row[0] < best[0]):
                    best = (row[0], row[1], jac)
        return None if best is None else (best[1], best[2])


_INDEXES: dict[int, tuple[sqlite3.Connection, CopyIndex]] = {}


def copy_index(db: sqlite3.Connection) -> CopyIndex:
    """The LSH index of the store on ``db`` (built from the store on first use), up to date."""
    held = _INDEXES.get(id(db))
    if held is None or held[0] is not db:
        if len(_INDEXES) > 16:
            _INDEXES.pop(next(iter(_INDEXES)))
        held = _INDEXES[id(db)] = (db, CopyIndex())
    held[1].refresh(db)
    return held[1]


def outlet(url: str | None, source: str) -> str:
    """An article's outlet: its URL's registered domain, else its file name."""
    if url:
        from tld import get_fld
        fld = get_fld(url, fail_silently=True)
        if fld:
            return fld
    return source


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
                   (aid, _blob(m), own, copy_of, found[1] if found else None))
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
                       [(k, first, last, rid) for k in sorted(stored)])
        touched.add(cluster)
        if current:
            story_links |= {c for c, cur_ in matches if cur_}
            strong_links.update({c: strong for c, cur_ in matches if cur_})
    story_links = {c for c in story_links if c in _final(db, story_links)}
    _join_story(db, aid, story_links, rule)
    for cluster in touched:
        _date_from_story(db, cluster)


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
    marks = ",".join("?" * len(keys))
    if rep.date:
        sql = (f"SELECT DISTINCT report FROM report_key WHERE key IN ({marks}) AND ((date <= ? AND date_last >= ?) "
               "OR date IS NULL) ORDER BY report DESC LIMIT ?")
        params: tuple = (*sorted(keys), rep.date_last or rep.date, rep.date, rule.max_candidates)
    else:
        sql = f"SELECT DISTINCT report FROM report_key WHERE key IN ({marks}) ORDER BY report DESC LIMIT ?"
        params = (*sorted(keys), rule.max_candidates)
    ids = [r[0] for r in db.execute(sql, params)]
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for cluster, current, w, date, date_last, etype, deaths in db.execute(
                "SELECT cluster, current, words, date, date_last, event_type, fatalities FROM report "
                f"WHERE id IN ({','.join('?' * len(chunk))}) AND article != ?", (*chunk, aid)):
            other = Report(frozenset(w.split()), date, date_last, etype, deaths)
            if same_event(rep, other, rule):
                out.append((cluster, bool(current)))
    return out


def _final(db: sqlite3.Connection, clusters: set[int]) -> set[int]:
    """The clusters among ``clusters`` that still exist (a later report may have merged some)."""
    if not clusters:
        return set()
    marks = ",".join("?" * len(clusters))
    return {r[0] for r in db.execute(f"SELECT DISTINCT cluster FROM report WHERE cluster IN ({marks})",
                                     sorted(clusters))}


def _join_story(db: sqlite3.Connection, aid: str, clusters: set[int], rule: Rule) -> None:
    """The article's story: its own, or the one of the articles it shares current events with (stories
    it links are merged into the oldest)."""
    stories: set[int] = set()
    if clusters:
        marks = ",".join("?" * len(clusters))
        rows = db.execute(
            "SELECT s.story, count(DISTINCT r.cluster), max(r.strong OR EXISTS (SELECT 1 FROM report o WHERE "
            "o.cluster = r.cluster AND o.article = ? AND o.strong = 1)) FROM report r JOIN article_story s "
            f"ON s.article = r.article WHERE r.cluster IN ({marks}) AND r.current = 1 AND r.article != ? "
            "GROUP BY s.article", (aid, *sorted(clusters), aid)).fetchall()
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


def _date_from_story(db: sqlite3.Connection, cluster: int) -> None:
    """Undated sentences of undated articles in ``cluster`` take the date of a dated report of their story
    (one dated by its own words first, then the earliest)."""
    from ..store.writes import derive_events
    for aid, start, story in db.execute(
            "SELECT r.article, r.sent_start, s.story FROM report r JOIN article a ON a.id = r.article JOIN "
            "article_story s ON s.article = r.article WHERE r.cluster = ? AND r.date IS NULL "
            "AND a.published IS NULL",
            (cluster,)).fetchall():
        dated = db.execute("SELECT r.date, r.date_last, r.date_value, r.date_precision FROM report r "
                           "JOIN article_story s ON s.article = r.article WHERE r.cluster = ? AND r.date IS NOT NULL "
                           "AND s.story = ? "
                           "ORDER BY r.strong DESC, r.date, r.date_last LIMIT 1", (cluster, story)).fetchone()
        if dated is None:
            continue
        cur = db.execute("UPDATE mention SET date = ?, date_last = ?, date_value = ?, date_precision = ?, "
                         "date_source = 'story' WHERE article = ? AND sent_start = ? AND (date IS NULL OR "
                         "date_source = 'story')", (*dated, aid, start))
        if cur.rowcount:
            derive_events(db, aid, start)
