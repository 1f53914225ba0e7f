"""The writer's index of reports, events and stories, in memory: what linking a new article reads.

:func:`dashboard.events.stories.link_article` compares each new report with the stored reports whose
places agree and whose dates may overlap, joins the article to the story of the articles it shares
events with, and dates undated sentences from their story. Reading those from SQLite for every new
article cost 25 ms at 10,000 articles (a window query over the newest thousands of rows under a busy
country's month, a big event's every report joined to its story); this index holds the same facts in
memory, so linking reads no row:

* ``reports``: each stored report (:class:`Stored`) and the cluster (event) it was filed under; merges
  of clusters are followed through ``parent`` (a union-find); of each event, its current reports (that
  link stories), its undated reports of undated articles and its dated ones (best first: they date the
  others);
* ``entries``: ``<place key>@<time bucket>`` (``report_key``), then the day of a report dated to one day
  (else ``None``) and its event type, to its clusters, newest last, each with its newest
  :data:`~dashboard.events.merge_rule.RULE` ``.per_cluster`` reports (one report of an event is enough
  to join it: a big event's many reports must not crowd out the others);
* ``story_of``: each article's story (merges followed through ``story_parent``), and which articles are
  undated.

The store stays the truth: the index is filled from it on first use and kept in step by the writer's own
changes, and only trusted while the store's ``links`` counter (bumped by every linked article, in the
same transaction) is the one it expects. Another process's linked article makes the next link rebuild
it; so does a rollback of the writer's own transaction
(:func:`dashboard.events.writer_state.forget`).
"""
from __future__ import annotations

import bisect
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from .merge_rule import RULE, Rule
from .writer_state import PerConnection


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored report as the index holds it (``words``: its content word stems)."""

    article: str
    sent_start: int
    words: frozenset[str]
    date: str | None
    date_last: str | None
    date_value: str | None
    date_precision: str | None
    event_type: str | None
    fatalities: int | None
    current: bool
    strong: bool
    cluster: int  # when filed; the cluster now is LinkIndex.find(cluster)


class Clusters(dict):
    """One list of ``entries``: cluster -> its newest reports (newest cluster last), with ``size``, the
    number of reports it holds (:meth:`LinkIndex.candidates` weighs every list it may read by it)."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0


_COLUMNS = ("article, sent_start, words, date, date_last, date_value, date_precision, event_type, fatalities, "
            "current, strong, cluster")


class LinkIndex:
    """Reports by ``<key>@<bucket>``, events' reports and articles' stories of one store, for one writer."""

    def __init__(self, rule: Rule = RULE) -> None:
        self.rule = rule
        self.reports: dict[int, Stored] = {}
        self.keys_of: dict[int, list[str]] = {}
        self.by_article: dict[str, list[int]] = {}
        self.entries: dict[str, dict[str | None, dict[str | None, Clusters]]] = {}
        self.buckets_of: dict[str, dict[str, None]] = {}  # place key -> its "<key>@<bucket>" entries
        self.parent: dict[int, int] = {}
        self.current: dict[int, list[int]] = {}  # cluster -> its current reports (what links stories)
        self.undated_of: dict[int, list[int]] = {}  # cluster -> its undated reports of undated articles
        self.dated_of: dict[int, list[tuple[tuple, int]]] = {}  # cluster -> (dating order, report), best first
        self.done: dict[tuple[int, int], tuple] = {}  # (cluster, story) -> (date given, undated reports then)
        self.story_of: dict[str, int] = {}
        self.story_parent: dict[int, int] = {}
        self.undated: set[str] = set()  # articles without a publication date
        self.applied: dict[tuple[str, int], tuple] = {}  # story dates written to a sentence's mentions
        self.links: int | None = None  # the store's links counter the index matches
        self.linking: str | None = None  # the article being linked (begin), whose reports added since ...
        self.own_from = sys.maxsize  # ... have this id or a higher one (the lowest of them)

    # -- keeping in step with the store --------------------------------------------------------------------
    @classmethod
    def from_store(cls, db: sqlite3.Connection, links: int, rule: Rule = RULE) -> LinkIndex:
        """The index of what the store on ``db`` holds, whose ``links`` counter is ``links``."""
        index = cls(rule)
        index.links = links
        sets: dict[str, frozenset[str]] = {}  # one set for the many reports with the same words (copies, quotes)
        for rid, article, start, words, *row in db.execute(f"SELECT id, {_COLUMNS} FROM report ORDER BY id"):
            ws = sets.get(words)
            if ws is None:
                ws = sets[words] = frozenset(words.split())
            stored = Stored(article, start, ws, *row[:6], bool(row[6]), bool(row[7]), row[8])
            index.reports[rid] = stored
            index.by_article.setdefault(stored.article, []).append(rid)
        index.undated = {aid for (aid,) in db.execute("SELECT id FROM article WHERE published IS NULL")}
        for rid, stored in index.reports.items():
            index._member(rid, stored)
        for key, rid in db.execute("SELECT key, report FROM report_key ORDER BY report"):
            index._file(key, rid)
        index.story_of = dict(db.execute("SELECT article, story FROM article_story"))
        return index

    def linked(self, db: sqlite3.Connection) -> None:
        """Count one linked article in the store (inside the writer's transaction) and in the index."""
        db.execute("INSERT INTO meta (key, value) VALUES ('links', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1")
        self.links = (self.links or 0) + 1

    def _entry(self, key: str, stored: Stored) -> Clusters:
        """The clusters under ``key`` of the reports of ``stored``'s day (``None`` when its date is not one
        day) and event type: a lookup reads the reports of its days and type, and those of longer or no
        dates and of no type, only."""
        day = stored.date if stored.date is not None and stored.date == stored.date_last else None
        by_type = self.entries.setdefault(key, {}).setdefault(day, {})
        entry = by_type.get(stored.event_type)
        if entry is None:
            entry = by_type[stored.event_type] = Clusters()
        return entry

    def _file(self, key: str, rid: int) -> None:
        self.keys_of.setdefault(rid, []).append(key)
        entry = self._entry(key, self.reports[rid])
        cluster = self.reports[rid].cluster
        newest = entry.pop(cluster, [])  # re-inserted: the entry's clusters stay newest last
        newest.append(rid)
        kept = entry[cluster] = newest[-self.rule.per_cluster:]
        entry.size += len(kept) - len(newest) + 1
        self.buckets_of.setdefault(key.rpartition("@")[0], {})[key] = None

    def _member(self, rid: int, stored: Stored) -> None:
        root = self.find(stored.cluster)
        if stored.current:
            self.current.setdefault(root, []).append(rid)
        if stored.date is None and stored.article in self.undated:
            self.undated_of.setdefault(root, []).append(rid)
        if stored.date is not None:
            bisect.insort(self.dated_of.setdefault(root, []), (_dating(stored), rid))

    def add(self, rid: int, stored: Stored, keys: Iterable[str]) -> None:
        """A report the writer has just stored, under its ``<key>@<bucket>`` keys."""
        self.reports[rid] = stored
        self.by_article.setdefault(stored.article, []).append(rid)
        if stored.article == self.linking:
            self.own_from = min(self.own_from, rid)
        self._member(rid, stored)
        for key in keys:
            self._file(key, rid)

    def merge(self, clusters: Iterable[int], into: int) -> None:
        """The writer merged ``clusters`` into the cluster ``into`` (lists joined newest last)."""
        for c in clusters:
            self.parent[c] = into
            for lists in (self.current, self.undated_of, self.dated_of):
                joined = sorted([*lists.pop(into, []), *lists.pop(c, [])])
                if joined:
                    lists[into] = joined

    def begin(self, article: str, published: bool) -> None:
        """The writer starts linking ``article`` (a re-read one's reports and story deleted). The reports it
        adds next are the article's: a list of a cluster's reports that holds one of them ends with one
        (they are filed last), so :meth:`candidates` takes whole the lists whose last report's id is
        below the lowest of theirs."""
        self.drop_article(article)
        self.set_article(article, published)
        self.linking, self.own_from = article, sys.maxsize

    def drop_article(self, article: str) -> None:
        """The writer deleted the article's reports and story (it is read again): their ids may be given anew."""
        self.linking = None
        for rid in self.by_article.pop(article, []):
            stored = self.reports.pop(rid)
            for key in self.keys_of.pop(rid, []):
                entry = self._entry(key, stored)
                had = entry.get(stored.cluster, [])
                kept = [r for r in had if r != rid]
                if kept:
                    entry[stored.cluster] = kept
                else:
                    entry.pop(stored.cluster, None)
                entry.size -= len(had) - len(kept)
            root = self.find(stored.cluster)
            for lists in (self.current, self.undated_of):
                if root in lists:
                    lists[root] = [r for r in lists[root] if r != rid]
            if root in self.dated_of:
                self.dated_of[root] = [d for d in self.dated_of[root] if d[1] != rid]
            self.applied.pop((article, stored.sent_start), None)
        self.story_of.pop(article, None)
        self.done.clear()

    def set_article(self, article: str, published: bool) -> None:
        (self.undated.discard if published else self.undated.add)(article)

    @staticmethod
    def _root(parent: dict[int, int], node: int) -> int:
        root = node
        while root in parent:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent[node]
        return root

    def find(self, cluster: int) -> int:
        """The cluster ``cluster`` is part of now."""
        return self._root(self.parent, cluster)

    def story(self, article: str) -> int | None:
        """The article's story now (``None``: none filed)."""
        story = self.story_of.get(article)
        return None if story is None else self._root(self.story_parent, story)

    def file_story(self, article: str, story: int, merged: Iterable[int] = ()) -> None:
        """The writer filed ``article`` in ``story``, into which it merged the stories ``merged``."""
        for s in merged:
            self.story_parent[s] = story
        self.story_of[article] = story

    # -- lookups -------------------------------------------------------------------------------------------
    def candidates(self, article: str, keys: list[str], date: str | None, date_last: str | None,
                   event_type: str | None, fatalities: int | None) -> list[tuple[int, Stored]]:
        """(cluster now, report) of the stored reports of other articles under ``keys`` (``<key>@<bucket>``,
        or a bare place key: every bucket of it) whose dates overlap ``[date, date_last]`` and whose type
        and death count do not differ: of each event its newest ``per_cluster``, of them the newest
        ``max_candidates``.

        The lists read hold the reports of the looked-up days and type only (:meth:`_lists`), so a type
        never differs and a date only needs checking in the lists of longer or no dates: the loop checks
        what a list may get wrong, nothing more (it runs for every cluster of every list read). A list
        that needs no check (no death count to compare, no dates to check) and holds no report of the
        article being linked (its reports are the newest: :meth:`begin`) is taken whole, report by
        report unread."""
        rule, last = self.rule, date_last or date
        found: dict[int, list[int]] = {}
        reports, find, parent = self.reports, self.find, self.parent
        most, budget = rule.max_candidates, rule.max_scan  # reports read at most, as the store's query did
        own_from = self.own_from if self.linking == article else -1  # the article's reports: from this id on
        deaths = fatalities is not None
        todo = self._lists(keys, date, last, event_type)
        lists, total = [], 0  # the lists, while the loop below would read each whole (then it is not needed)
        for entry, check_dates in todo:
            lists.append((entry, check_dates))
            size = entry.size
            total += size
            if total >= budget or size > most:
                break
        else:
            return self._every_candidate(article, lists, date, last, fatalities)
        for entry, check_dates in chain(lists, todo):
            taken = 0  # the newest max_candidates of an entry are all the newest of all can take from it
            check = deaths or check_dates
            for cluster, rids in reversed(entry.items()):
                if taken >= most or budget <= 0:
                    break
                n = len(rids)
                budget -= n
                if not check and rids[-1] < own_from:  # (its last is the article's if any is: begin)
                    kept = rids
                else:
                    kept = []
                    for rid in rids:
                        s = reports[rid]
                        if s.article == article or (check_dates and s.date and (s.date > last or s.date_last < date)) \
                                or (deaths and s.fatalities is not None and s.fatalities != fatalities):
                            continue
                        kept.append(rid)
                    if not kept:
                        continue
                    n = len(kept)
                root = find(cluster) if cluster in parent else cluster
                got = found.get(root)
                if got is None:
                    found[root] = list(kept)
                else:
                    got.extend(kept)
                taken += n
            if budget <= 0:
                break
        per_cluster = rule.per_cluster
        picked = []
        for c, rids in found.items():
            if len(rids) == 1:
                picked.append((rids[0], c))
            else:
                picked.extend((rid, c) for rid in sorted(set(rids))[-per_cluster:])
        picked.sort(reverse=True)
        return [(c, reports[rid]) for rid, c in picked[:most]]

    def _every_candidate(self, article: str, lists: list[tuple[Clusters, bool]], date: str | None,
                         last: str | None, fatalities: int | None) -> list[tuple[int, Stored]]:
        """:meth:`candidates` when its budgets cannot run out (every list read whole): the same reports, the
        newest ``per_cluster`` of each event then the newest ``max_candidates``, from the set of the
        lists' reports (a list that needs no check is taken whole, at C speed: no loop over its events)."""
        reports, find, parent, deaths = self.reports, self.find, self.parent, fatalities is not None
        ids: set[int] = set()
        for entry, check_dates in lists:
            if not (deaths or check_dates):
                ids.update(chain.from_iterable(entry.values()))
                continue
            for rids in entry.values():
                for rid in rids:
                    s = reports[rid]
                    if (check_dates and s.date and (s.date > last or s.date_last < date)) \
                            or (deaths and s.fatalities is not None and s.fatalities != fatalities):
                        continue
                    ids.add(rid)
        per_cluster, most = self.rule.per_cluster, self.rule.max_candidates
        out: list[tuple[int, Stored]] = []
        taken: dict[int, int] = {}  # cluster now -> its reports taken
        for rid in sorted(ids, reverse=True):  # newest first: an event's first per_cluster are its newest
            s = reports[rid]
            if s.article == article:
                continue
            root = s.cluster
            if root in parent:
                root = find(root)
            n = taken.get(root, 0)
            if n < per_cluster:
                taken[root] = n + 1
                out.append((root, s))
                if len(out) >= most:
                    break
        return out

    def _lists(self, keys: list[str], date: str | None, last: str | None,
               event_type: str | None) -> Iterator[tuple[Clusters, bool]]:
        """The lists of clusters under ``keys`` (newest buckets first) of the days and types that may match,
        each with whether its reports' dates must still be checked (those of longer or no dates, when
        ``date`` is given: a list of one day in ``[date, last]`` overlaps it)."""
        entries, buckets_of = self.entries, self.buckets_of
        for key in keys:
            for name in (reversed(buckets_of.get(key, {})) if "@" not in key else (key,)):
                by_day = entries.get(name)
                if not by_day:
                    continue
                if date is None:
                    days = [(v, False) for v in by_day.values()]
                elif date == last:
                    days = []
                    one, other = by_day.get(date), by_day.get(None)
                    if one:
                        days.append((one, False))
                    if other:
                        days.append((other, True))
                else:
                    days = [(v, day is None) for day, v in by_day.items() if day is None or date <= day <= last]
                for by_type, check_dates in days:
                    if event_type is None:
                        for t in by_type.values():
                            yield t, check_dates
                    else:
                        t = by_type.get(event_type)
                        if t:
                            yield t, check_dates
                        t = by_type.get(None)
                        if t:
                            yield t, check_dates

    def linked_stories(self, article: str, clusters: set[int], rule: Rule = RULE) -> set[int]:
        """The stories ``article`` joins: those of the articles with current reports in ``clusters`` (of a
        big event, its newest ``story_scan``) that share :data:`RULE` ``.story_shared`` of them with it,
        or one where either report is strong."""
        reports, current, scan = self.reports, self.current, rule.story_scan
        own = {self.find(reports[rid].cluster) for rid in self.by_article.get(article, ()) if reports[rid].strong}
        events: Counter[str] = Counter()  # article -> how many of these events it has current reports in
        strongly: set[str] = set()  # articles linked by a strong report (theirs or the new article's)
        for c in clusters:
            rids = current.get(c)
            if not rids:
                continue
            window = [reports[rid] for rid in rids[-scan:]]
            articles = {s.article for s in window}
            events.update(articles)
            if c in own:
                strongly |= articles
            else:
                strongly.update(s.article for s in window if s.strong)
        linked = strongly.union(a for a, n in events.items() if n >= rule.story_shared)
        linked.discard(article)
        return {self.story(a) for a in linked if a in self.story_of}

    def story_dates(self, clusters: set[int], story: int) -> list[tuple[str, int, tuple]]:
        """(article, sentence start, (date, date_last, date_value, date_precision)) for each undated
        report of an undated article of ``story`` in ``clusters`` that a dated report of the story in the
        same cluster dates (one dated by its own words first, then the earliest), unless the writer
        gave it that date already."""
        out = []
        for c in sorted(clusters):
            undated = self.undated_of.get(c)
            best = self._best(c, story) if undated else None
            if best is None:
                continue
            when = (best.date, best.date_last, best.date_value, best.date_precision)
            if self.done.get((c, story)) == (when, len(undated)):
                continue  # nothing new since the last article that touched this event
            self.done[c, story] = (when, len(undated))
            for s in map(self.reports.__getitem__, undated):
                if self.applied.get((s.article, s.sent_start)) != when and self.story(s.article) == story:
                    self.applied[s.article, s.sent_start] = when
                    out.append((s.article, s.sent_start, when))
        return out

    def _best(self, cluster: int, story: int) -> Stored | None:
        """The cluster's dated report of ``story`` that dates the others."""
        for _, rid in self.dated_of.get(cluster, ()):
            s = self.reports[rid]
            if self.story(s.article) == story:
                return s
        return None


def _dating(s: Stored) -> tuple:
    """The order in which a story's dated reports date the others: dated by their words first, then the earliest."""
    return (not s.strong, s.date, s.date_last)


_INDEXES: PerConnection[LinkIndex] = PerConnection(LinkIndex)


def link_index(db: sqlite3.Connection) -> LinkIndex:
    """The link index of the store on ``db``, rebuilt from the store unless its ``links`` counter is the
    one the index matches (another writer linked articles since)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'links'").fetchone()
    links = int(row[0]) if row else 0
    index = _INDEXES.peek(db)
    if index is None or index.links != links:
        index = _INDEXES.put(db, LinkIndex.from_store(db, links))
    return index
