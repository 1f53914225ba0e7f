"""Corrections of events across articles: split a report out of the event it was merged into, merge two
events; the event each report is in now; and the reads of the page's forms for them.

The machine's clusters (``report.cluster``, made at ingest by :mod:`dashboard.events.stories`) are machine
output and never changed here. A person's corrections (``cluster_correction``, keyed by the reports'
sentences, so they survive a re-ingest that rebuilds the reports) apply over them in their order:

* ``split`` (the report of sentence ``(article, sent_start)``) takes the report out of the event it is in
  into an event of its own;
* ``merge`` puts every report of the event that the report of ``(other_article, other_sent_start)`` is in
  into the event of ``(article, sent_start)``.

Their outcome is derived data, ``corrected_cluster``: every report of each machine cluster that a
correction names, with the event it is in now (:func:`derive_clusters`, run in the transaction of every
split, merge and undo, and of every article stored whose reports the corrections bear on:
:func:`in_corrected_events`). Every other report is in its machine cluster, so readers
take a report's event as ``coalesce(cx.cluster, r.cluster)`` (:data:`CLUSTER`) and count an event's reports
through one index or the other (:func:`cluster_count`). An event that corrections changed is named by its
first report (smallest id); one they left as the machine made it keeps its machine id. A correction whose
report is no longer stored (its sentence changed on a re-read) does nothing.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError

# With a report ``r`` (LEFT JOINed to an event ``e``, or not), :data:`OVERRIDE_JOIN` gives its corrected_cluster row
# ``cx``, and :data:`CLUSTER` the event it is in now.
OVERRIDE_JOIN = "LEFT JOIN corrected_cluster cx ON cx.report = r.id"
CLUSTER = "coalesce(cx.cluster, r.cluster)"
MERGE_DAYS = 7  # the events offered for a merge: at the same place, dated at most this many days apart
MERGE_OFFERED = 20


def cluster_count(what: str, join: str = "", report: str = "r", override: str = "cx") -> str:
    """SQL: ``count(DISTINCT what)`` over the reports ``o`` of the event that the report ``report`` (with
    its ``corrected_cluster`` row ``override``, LEFT JOINed) is in now, each joined by ``join`` (e.g.
    ``JOIN article_copy c ON c.article = o.article`` to count outlets); indexed either way."""
    return (f"CASE WHEN {override}.cluster IS NULL THEN (SELECT count(DISTINCT {what}) FROM report o {join} "
            f"WHERE o.cluster = {report}.cluster) ELSE (SELECT count(DISTINCT {what}) FROM corrected_cluster ox "
            f"JOIN report o ON o.id = ox.report {join} WHERE ox.cluster = {override}.cluster) END")


ARTICLES = cluster_count("o.article")  # the articles reporting an event (wire copies count)
SOURCES = cluster_count("c.outlet", "JOIN article_copy c ON c.article = o.article")  # its distinct outlets


def event_reports(keys: str = "json_each(?)") -> str:
    """SQL: a table of the reports ``(id, article, sent_start, sent_end, cluster)`` of the events (by their
    ids now) that are the values of ``keys`` (a table-valued expression, given twice: pass its parameters
    twice), ``cluster`` the event each is in now."""
    return (f"(SELECT o.id, o.article, o.sent_start, o.sent_end, o.cluster FROM {keys} k JOIN report o ON o.cluster "
            "= k.value WHERE NOT EXISTS (SELECT 1 FROM corrected_cluster y WHERE y.report = o.id) UNION ALL "
            f"SELECT o.id, o.article, o.sent_start, o.sent_end, y.cluster FROM {keys} k JOIN corrected_cluster y ON "
            "y.cluster = k.value JOIN report o ON o.id = y.report)")


# -- the event each report is in now ------------------------------------------------------------------
def derive_clusters(db: sqlite3.Connection) -> None:
    """Make ``corrected_cluster`` what the cluster corrections define over the machine's clusters now
    (the corrections are few: only the machine clusters they name are read)."""
    db.execute("DELETE FROM corrected_cluster")
    fixes = db.execute("SELECT id, action, article, sent_start, other_article, other_sent_start "
                       "FROM cluster_correction ORDER BY id").fetchall()
    if not fixes:
        return
    named = sorted({(a, s) for _, _, a, s, _, _ in fixes} | {(a, s) for *_, a, s in fixes if a is not None})
    reports = {(a, s): rid for rid, a, s in db.execute(
        "SELECT r.id, r.article, r.sent_start FROM json_each(?) k JOIN report r ON r.article = "
        "json_extract(k.value, '$[0]') AND r.sent_start = json_extract(k.value, '$[1]')", (json.dumps(named),))}
    if not reports:
        return
    group: dict[int, Any] = {}  # report id -> the event it is in now (a machine cluster, or a correction's id)
    machine: dict[Any, set[int]] = {}
    for rid, cluster in db.execute("SELECT o.id, o.cluster FROM report o WHERE o.cluster IN (SELECT r.cluster FROM "
                                   "report r WHERE r.id IN (SELECT value FROM json_each(?)))",
                                   (json.dumps(sorted(reports.values())),)):
        group[rid] = ("m", cluster)
        machine.setdefault(("m", cluster), set()).add(rid)
    for fid, action, article, sent_start, other_article, other_start in fixes:
        rid = reports.get((article, sent_start))
        if rid is None:
            continue
        if action == "split":
            group[rid] = ("s", fid)
            continue
        other = reports.get((other_article, other_start))
        if other is None or group[other] == group[rid]:
            continue
        moved, into = group[other], group[rid]
        for r, g in group.items():
            if g == moved:
                group[r] = into
    members: dict[Any, set[int]] = {}
    for rid, g in group.items():
        members.setdefault(g, set()).add(rid)
    rows = []
    for g, ids in members.items():
        name = g[1] if g[0] == "m" and machine.get(g) == ids else min(ids)
        rows += [(rid, name) for rid in ids]
    db.executemany("INSERT INTO corrected_cluster (report, cluster) VALUES (?, ?)", rows)


def in_corrected_events(db: sqlite3.Connection, article_id: str) -> bool:
    """Whether cluster corrections can bear on an article's reports: one names a sentence of it, or one of its
    reports is in a machine cluster that corrected_cluster holds. (A writer re-derives after storing an article
    only then: a store without cluster corrections pays one lookup per article.)"""
    if db.execute("SELECT 1 FROM cluster_correction LIMIT 1").fetchone() is None:
        return False
    return db.execute("SELECT EXISTS (SELECT 1 FROM cluster_correction WHERE article = ? OR other_article = ?) OR "
                      "EXISTS (SELECT 1 FROM report r JOIN report o ON o.cluster = r.cluster JOIN corrected_cluster x "
                      "ON x.report = o.id WHERE r.article = ?)", (article_id,) * 3).fetchone()[0] == 1


def report_event(db: sqlite3.Connection, article_id: str, sent_start: int) -> tuple[int, int]:
    """(report id, the event it is in now) of the report of a sentence; :class:`StoreError` when it has none."""
    row = db.execute(f"SELECT r.id, {CLUSTER} FROM report r {OVERRIDE_JOIN} "
                     "WHERE r.article = ? AND r.sent_start = ?", (article_id, sent_start)).fetchone()
    if row is None:
        raise StoreError(f"no report of an event in a sentence at {sent_start} of article {article_id}; "
                         "nothing was corrected")
    return row[0], row[1]


def _event_size(db: sqlite3.Connection, report_id: int) -> int:
    return db.execute(f"SELECT {cluster_count('o.id')} FROM report r "
                      f"{OVERRIDE_JOIN} WHERE r.id = ?", (report_id,)).fetchone()[0]


def split_report(db: sqlite3.Connection, article_id: str, sent_start: int, author: str) -> int:
    """:meth:`Store.split_report` inside its transaction."""
    from .writes import now  # (writes imports this module)
    rid, _ = report_event(db, article_id, sent_start)
    if _event_size(db, rid) < 2:
        raise StoreError("this report is the only one of its event; nothing was split")
    cur = db.execute("INSERT INTO cluster_correction_log (action, article, sent_start, author, created_at) "
                     "VALUES ('split', ?, ?, ?, ?)", (article_id, sent_start, author, now()))
    derive_clusters(db)
    return cur.lastrowid


def merge_events(db: sqlite3.Connection, article_id: str, sent_start: int, other_article: str, other_start: int,
                 author: str) -> int:
    """:meth:`Store.merge_events` inside its transaction."""
    from .writes import now
    _, into = report_event(db, article_id, sent_start)
    _, moved = report_event(db, other_article, other_start)
    if into == moved:
        raise StoreError("the two reports are of one event already; nothing was merged")
    cur = db.execute("INSERT INTO cluster_correction_log (action, article, sent_start, other_article, "
                     "other_sent_start, author, created_at) VALUES ('merge', ?, ?, ?, ?, ?, ?)",
                     (article_id, sent_start, other_article, other_start, author, now()))
    derive_clusters(db)
    return cur.lastrowid


NAMES_REPORT = ("(article = ? AND sent_start = ?) OR (other_article = ? AND other_sent_start = ?)")


def undo_cluster(db: sqlite3.Connection, article_id: str, sent_start: int, author: str = "") -> bool:
    """:meth:`Store.undo_cluster` inside its transaction: the latest split or merge naming the report, marked
    undone by ``author`` (kept in ``cluster_correction_log``)."""
    from .writes import mark_undone

    undone = mark_undone(db, "cluster_correction", NAMES_REPORT, (article_id, sent_start, article_id, sent_start),
                         author)
    derive_clusters(db)
    return undone


# -- reads (mixed into Store) -------------------------------------------------------------------------
class ClusterReads:
    """What the page's event forms read; :class:`~dashboard.store.Store` supplies ``_rows``."""

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...  # pragma: no cover

    def cluster_corrections(self, article_id: str, sent_start: int) -> list[dict[str, Any]]:
        """The splits and merges naming the report of a sentence, oldest first (the last is undone first)."""
        return [dict(r) for r in self._rows(
            "SELECT id, action, article, sent_start, other_article, other_sent_start, author, created_at FROM "
            f"cluster_correction WHERE {NAMES_REPORT} ORDER BY id", (article_id, sent_start, article_id, sent_start))]

    def merge_candidates(self, article_id: str, sent_start: int, place_id: int, *, days: int = MERGE_DAYS,
                         limit: int = MERGE_OFFERED) -> list[dict[str, Any]]:
        """Events the report of a sentence may be merged with: other events with an event at ``place_id``
        dated at most ``days`` apart from it (or undated), each by one report (its newest), newest first."""
        rows = self._rows(
            f"WITH own AS (SELECT {CLUSTER} AS cluster, e.date, e.date_last FROM event e JOIN report r ON "
            f"r.article = e.article AND r.sent_start = e.sent_start {OVERRIDE_JOIN} "
            "WHERE e.article = ? AND e.sent_start = ? AND e.place = ?) "
            f"SELECT {CLUSTER} AS cluster_id, e.article AS article_id, e.sent_start, e.date, e.date_value, "
            "e.date_precision, e.date_source, e.event_type, a.title, a.source, "
            "(SELECT s.text FROM sentence s WHERE s.article = e.article AND s.start = e.sent_start) AS sentence, "
            f"{ARTICLES} AS reports FROM own, event e JOIN report r ON r.article = e.article AND "
            f"r.sent_start = e.sent_start {OVERRIDE_JOIN} "
            "JOIN article a ON a.id = e.article WHERE e.place = ? AND "
            f"{CLUSTER} != own.cluster AND (e.date IS NULL OR own.date IS NULL OR (e.date <= "
            "date(coalesce(own.date_last, own.date), ?) AND coalesce(e.date_last, e.date) >= date(own.date, ?))) "
            "ORDER BY e.date DESC, e.article, e.sent_start LIMIT ?",
            (article_id, sent_start, place_id, place_id, f"+{int(days)} days", f"-{int(days)} days", limit * 25))
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            out.setdefault(r["cluster_id"], dict(r))
        return list(out.values())[:limit]
