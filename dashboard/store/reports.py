"""Reads of events across articles (:mod:`dashboard.events.stories`), shared by :mod:`.reads`: the joins
that give an event's report and its cluster now (corrections applied, :mod:`.clusters`), the columns of an
event's cluster and wire copies, and the helpers that read each cluster's reports or numbers once."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from .clusters import CLUSTER, OVERRIDE_JOIN, event_reports
from .filters import shown

# The event's report (its sentence as one report of an event across articles) and its article's copy row: go
# with FROM event e. An event's cluster is CLUSTER (r.cluster, or the one corrections made: .clusters); a store
# without reports counts each event as its own.
CLUSTER_JOIN = f"LEFT JOIN report r ON r.article = e.article AND r.sent_start = e.sent_start {OVERRIDE_JOIN}"
REPORT_JOIN = f"{CLUSTER_JOIN} LEFT JOIN article_copy ac ON ac.article = e.article"
# An event's event across articles and its source, from the event row alone (event.cluster and event.outlet:
# copies of CLUSTER and ac.outlet that the schema's triggers keep in step, schema.sql version 13): what the
# counts of distinct events and sources read, with no join per event.
DISTINCT_EVENT = "coalesce(e.cluster, -e.id)"
DISTINCT_SOURCE = "coalesce(e.outlet, e.article)"
# The event's cluster now, its article's original when it is a wire copy, and the article's own copies as
# [[url, file], ...] in ingest order (the cluster's numbers: cluster_totals, once per cluster).
CLUSTER_COLUMNS = (
    f"{CLUSTER} AS cluster_id, ac.copy_of, "
    "(SELECT json_group_array(json_array(x.url, "
    "x.source)) FROM (SELECT a2.url, a2.source FROM article_copy c2 JOIN article a2 ON a2.id = c2.article "
    "WHERE c2.copy_of = e.article ORDER BY c2.seq) x) AS copies")
SAMPLE_READ = 2  # reports read per popup sentence wanted, before a place is read whole (sample_ids)
REPORTS_LISTED = 100  # report sentences an export row lists of its event (its oldest; "reports" counts them all)


def cluster_reports(run: Callable[..., list[sqlite3.Row]], clusters: Iterable[int],
                    most: int = REPORTS_LISTED) -> dict[int, tuple[tuple[str, int, int, str, str], ...]]:
    """For each cluster: its first ``most`` report sentences ``(article id, start, end, outlet, sentence)``,
    offsets in the article's text, oldest report first (a wire copy's outlet is its original's). A
    place-less sentence has no row in ``sentence``: its text is cut from the article's."""
    out: dict[int, list[tuple[str, int, int, str, str]]] = {}
    for r in run("SELECT x.cluster, x.article, x.sent_start, x.sent_end, coalesce(c.outlet, a.source) AS outlet, "
                 "coalesce((SELECT s.text FROM sentence s WHERE s.article = x.article AND s.start = x.sent_start), "
                 "substr(a.text, x.sent_start + 1, x.sent_end - x.sent_start)) AS sentence FROM (SELECT o.*, "
                 f"row_number() OVER (PARTITION BY o.cluster ORDER BY o.id) AS rn FROM {event_reports()} o) x "
                 "JOIN article a ON a.id = x.article LEFT JOIN article_copy c ON c.article = x.article "
                 "WHERE x.rn <= ? ORDER BY x.cluster, x.id", (*(json.dumps(sorted(set(clusters))),) * 2, most)):
        out.setdefault(r["cluster"], []).append((r["article"], r["sent_start"], r["sent_end"], r["outlet"],
                                                 r["sentence"]))
    return {c: tuple(v) for c, v in out.items()}


def cluster_totals(run: Callable[..., list[sqlite3.Row]], clusters: Iterable[int], *,
                   outlets: bool = False) -> dict[int, dict[str, Any]]:
    """For each cluster (the event it is now): ``{"reports": articles, "sources": distinct outlets}`` (and,
    with ``outlets``, ``"outlets"``: their names, sorted), each cluster counted once (not once per row that
    names it: an event of a big story has hundreds of reports)."""
    keys = json.dumps(sorted(set(clusters)))
    if not outlets:
        return {r["cluster"]: {"reports": r["articles"], "sources": r["sources"]} for r in run(
            "SELECT o.cluster, count(DISTINCT o.article) AS articles, count(DISTINCT coalesce(c.outlet, o.article)) "
            f"AS sources FROM {event_reports()} o LEFT JOIN article_copy c ON c.article = o.article "
            "GROUP BY o.cluster", (keys, keys))}
    return {r["cluster"]: {"reports": r["articles"], "sources": r["sources"],
                           "outlets": tuple(sorted(json.loads(r["outlets"])))} for r in run(
        "SELECT o.cluster, count(DISTINCT o.article) AS articles, count(DISTINCT coalesce(c.outlet, a.source)) AS "
        "sources, json_group_array(DISTINCT coalesce(c.outlet, a.source)) AS outlets "
        f"FROM {event_reports()} o JOIN article a ON a.id = o.article LEFT JOIN article_copy c ON c.article = "
        "o.article GROUP BY o.cluster", (keys, keys))}


def first_events(rows: Iterable[tuple[int, int, int]], per_place: int) -> tuple[
        list[tuple[int, int]], dict[int, set[int]], dict[int, int]]:
    """From ``(place, event id, its event across articles)`` rows in each place's order: the first
    ``per_place`` ``(place, event id)`` of distinct events, the events seen and the rows read per place."""
    picked: list[tuple[int, int]] = []
    seen: dict[int, set[int]] = {}
    read: dict[int, int] = {}
    for place, eid, cluster in rows:
        read[place] = read.get(place, 0) + 1
        known = seen.setdefault(place, set())
        if cluster not in known and len(known) < per_place:
            known.add(cluster)
            picked.append((place, eid))
    return picked, seen, read


# The corrections' logs: only a correction of an original can leave a place to its copies' hidden rows alone.
_LOGS = ("correction_log", "role_correction_log", "date_correction_log", "type_correction_log",
         "deaths_correction_log", "cluster_correction_log")


def copies_only_check(run: Callable[..., list[tuple]]) -> str:
    """A HAVING clause for counts by place (FROM event e ... GROUP BY place) that leaves out a place whose
    rows are all wire copies' rows hidden from every view (their original's event was corrected to another
    place, role, date or type); none when the store has no copy or no correction (the machine files a
    copy's rows in its original's events: never alone). Checking every row costs 0.12 s at 100,000 events."""
    logs = " OR ".join(f"EXISTS (SELECT 1 FROM \"{t}\")" for t in _LOGS)
    (needed,) = run(f"SELECT EXISTS (SELECT 1 FROM article_copy WHERE copy_of IS NOT NULL) AND ({logs})")[0]
    if not needed:
        return ""
    return ("HAVING max(CASE WHEN e.article IN (SELECT article FROM article_copy WHERE copy_of IS NOT NULL) "
            f"THEN {shown()} ELSE 1 END)")
