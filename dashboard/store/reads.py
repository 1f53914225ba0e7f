"""Reading the store: every query of the page, the exports and the CLI (mixed into :class:`Store`).

Events are read from the ``event`` table (corrections applied, indexed); records are filled by column
name (:func:`~dashboard.store.records.from_row`).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .authorship import correction_marks
from .clusters import CLUSTER, event_reports
from .filters import EventFilter
from .records import (
    ArticleSummary,
    Candidate,
    Correction,
    CountryCount,
    DateRange,
    DayCount,
    EventRecord,
    EventRow,
    Period,
    PlaceCount,
    StoredArticle,
    StoredMention,
    StoredPlace,
    TypedPeriod,
    as_date,
    from_row,
)
from .reports import (
    CLUSTER_COLUMNS,
    CLUSTER_JOIN,
    DISTINCT_EVENT,
    DISTINCT_SOURCE,
    REPORT_JOIN,
    REPORTS_LISTED,
    SAMPLE_READ,
    cluster_reports,
    cluster_totals,
    copies_only_check,
    first_events,
)

# The order of events everywhere: newest first, undated last (NULL sorts last in descending order), in text
# order within an article. Indexes event_place and event_date hold events in this order.
EVENT_ORDER = "e.date DESC, e.article, e.sent_start"
# An event's sentence, from the sentence table (never cut out of article.text: that reads the whole article
# per row). Both go with FROM event e.
SENTENCE = "(SELECT s.text FROM sentence s WHERE s.article = e.article AND s.start = e.sent_start)"
MENTION_TEXT = "(SELECT m.text FROM mention m WHERE m.id = e.mention)"
EXPORT_BATCH = 2000  # events read per query of a streaming export
_DATE_COLUMNS = ("e.date, e.date_last, e.date_value, e.date_precision, e.date_source, e.role, e.event_type, "
                 "e.sub_event_type, e.fatalities, e.fatalities_high")
_PLACE_COLUMNS = ("p.id, p.name, p.kind, p.country, p.lat, p.lon, p.fclass || '.' || p.fcode AS feature")
_MENTION_COLUMNS = (
    "m.start, m.end, m.text, m.place AS place_id, coalesce(p.name, 'not a place') AS place_name, "
    "coalesce(p.kind, '') AS kind, p.country, m.confidence, m.corrected, m.machine_place AS machine_place_id, "
    "mp.name AS machine_place_name, m.role, m.role_confidence, m.role_corrected, m.filed_from "
    "FROM effective_mention m LEFT JOIN place p ON p.id = m.place LEFT JOIN place mp ON mp.id = m.machine_place")
_CORRECTION_SELECT = (
    "c.id, c.article AS article_id, c.start, c.end, coalesce(m.text, '') AS text, c.place AS place_id, "
    "cp.name AS place_name, m.place AS machine_place_id, mp.name AS machine_place_name, a.title, c.author, "
    "c.created_at{more} FROM {table} c LEFT JOIN place cp ON cp.id = c.place "
    "LEFT JOIN mention m ON m.article = c.article AND m.start = c.start AND m.end = c.end "
    "LEFT JOIN place mp ON mp.id = m.place LEFT JOIN article a ON a.id = c.article")
# The corrections in force (the view), and every one ever made, undone ones marked (the log: version 11).
_CORRECTION_COLUMNS, _CORRECTION_LOG_COLUMNS = (
    _CORRECTION_SELECT.format(table="correction", more=""),
    _CORRECTION_SELECT.format(table="correction_log", more=", c.undone_by, c.undone_at"))


DEFAULT_FILTER = EventFilter()  # where the places where something happened are, at any date


def _limit(limit: int | None) -> int:
    return -1 if limit is None else int(limit)


def _sentence_places(run: Callable[..., list[sqlite3.Row]],
                     sentences: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, tuple]]:
    """:meth:`Reads.sentence_places` with ``run(sql, params)`` giving rows by name."""
    keys = json.dumps(sorted(set(sentences)))
    out: dict[tuple[str, int], dict[str, list[str]]] = {}
    for r in run("SELECT e.article, e.sent_start, p.name, e.role FROM json_each(?) k "
                 "JOIN event e ON e.article = json_extract(k.value, '$[0]') "
                 "AND e.sent_start = json_extract(k.value, '$[1]') JOIN place p ON p.id = e.place "
                 "ORDER BY e.article, e.sent_start, e.mention_start", (keys,)):
        cast = out.setdefault((r["article"], r["sent_start"]), {"places": [], "actors": []})
        cast["places" if r["role"] == "literal" else "actors"].append(r["name"])
    return {k: {r: tuple(v) for r, v in cast.items()} for k, cast in out.items()}


class Reads:
    """The store's queries; :class:`~dashboard.store.Store` supplies ``_query`` (tuples) and ``_rows``."""

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...  # pragma: no cover
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...  # pragma: no cover
    def _snapshot(self) -> AbstractContextManager[Callable[..., list[sqlite3.Row]]]: ...  # pragma: no cover

    # -- the store as a whole ----------------------------------------------------------------------------
    def generation(self) -> int:
        """A number that changes whenever the store's content does (in this or any other process)."""
        rows = self._query("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    def has_article(self, article_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM article WHERE id = ?", (article_id,)))

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM article LIMIT 1")

    def counts(self) -> dict[str, int]:
        (row,) = self._rows("SELECT (SELECT count(*) FROM article) AS articles, (SELECT count(*) FROM mention) AS "
                            "mentions, (SELECT count(*) FROM event) AS events, (SELECT count(DISTINCT place) FROM "
                            "event) AS places")
        return dict(row)

    def date_range(self, flt: EventFilter | None = None) -> DateRange:
        """First and last day of the events' dates: of every event, or of those ``flt``'s roles keep."""
        role = "WHERE role = 'literal'" if flt is not None and not flt.every_mention else ""
        (row,) = self._rows("SELECT min(date) AS first, max(date_last) AS last, count(date) AS dated, "
                            "count(*) - count(date) AS undated, "
                            f"coalesce(sum(date IS NULL AND role = 'literal'), 0) AS undated_literal FROM event {role}")
        return DateRange(as_date(row["first"]), as_date(row["last"]), row["dated"], row["undated"],
                         row["undated_literal"])

    def extent(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """``((south, west), (north, east))`` of every place with an event, or ``None`` when there is none."""
        (r,) = self._rows("SELECT min(lat) AS s, min(lon) AS w, max(lat) AS n, max(lon) AS e FROM place "
                          "WHERE id IN (SELECT DISTINCT place FROM event)")
        return None if r["s"] is None else ((r["s"], r["w"]), (r["n"], r["e"]))

    # -- places --------------------------------------------------------------------------------------------
    def place_counts(self, flt: EventFilter = DEFAULT_FILTER) -> list[PlaceCount]:
        """Every place with events under ``flt``, most events first."""
        # (a copy counts as one more article; a place that only a copy's hidden rows still have is left out)
        where, params = flt.where(copies=True)
        rows = self._rows(
            f"SELECT {_PLACE_COLUMNS}, count(DISTINCT {DISTINCT_EVENT}) AS events, count(*) AS reports, "
            f"count(DISTINCT e.article) AS articles, count(DISTINCT {DISTINCT_SOURCE}) AS sources "
            f"FROM event e JOIN place p ON p.id = e.place WHERE {where} GROUP BY p.id {copies_only_check(self._query)} "
            "ORDER BY events DESC, reports DESC, p.name", params)
        return [from_row(PlaceCount, r) for r in rows]

    def place(self, place_id: int) -> PlaceCount | None:
        """A stored place with its total numbers of events and articles (no filter)."""
        rows = self._rows(
            f"SELECT {_PLACE_COLUMNS}, n.events, n.reports, n.articles, n.sources FROM place p, (SELECT "
            f"count(DISTINCT {DISTINCT_EVENT}) AS events, count(*) AS reports, count(DISTINCT e.article) AS "
            f"articles, count(DISTINCT {DISTINCT_SOURCE}) AS sources FROM event e "
            "WHERE e.place = ?) n WHERE p.id = ?", (place_id, place_id))
        return from_row(PlaceCount, rows[0]) if rows else None

    def places_named(self, name: str) -> list[int]:
        """The ids of the places with events whose name is ``name`` (upper and lower case alike for A-Z),
        most events first."""
        return [r[0] for r in self._query(
            "SELECT e.place FROM event e JOIN place p ON p.id = e.place WHERE p.name = ? COLLATE NOCASE "
            "GROUP BY e.place ORDER BY count(*) DESC", (name.strip(),))]

    def stored_place(self, place_id: int) -> StoredPlace | None:
        """``(name, kind, country)`` of a stored place (with or without events)."""
        rows = self._rows("SELECT name, kind, country FROM place WHERE id = ?", (place_id,))
        return from_row(StoredPlace, rows[0]) if rows else None

    def country_counts(self) -> list[CountryCount]:
        """Countries of the places with events, with their numbers of events, most first."""
        return [from_row(CountryCount, r) for r in self._rows(
            "SELECT p.country, count(*) AS events FROM event e JOIN place p ON p.id = e.place "
            "WHERE p.country IS NOT NULL GROUP BY p.country ORDER BY count(*) DESC, p.country")]

    # -- events --------------------------------------------------------------------------------------------
    def events(self, place_id: int, flt: EventFilter = DEFAULT_FILTER, *, limit: int | None = None) -> list[EventRow]:
        """The events of one place under ``flt``: newest first, undated last, in text order within an
        article; each with every mention of the place in its sentence highlighted, and the sentence's
        places and actors. The events are chosen and cut on key columns first (index event_place); the
        sentences and highlights are read for the kept rows only: the cost is linear in the rows returned."""
        where, params = flt.where()
        rows = self._rows(
            f"WITH chosen AS MATERIALIZED (SELECT e.id, row_number() OVER (ORDER BY {EVENT_ORDER}) AS rn FROM event e "
            f"JOIN place p ON p.id = e.place WHERE e.place = ? AND {where} ORDER BY {EVENT_ORDER} "
            f"LIMIT {_limit(limit)}) "
            f"SELECT e.id, e.article AS article_id, e.place AS place_id, e.sent_start, e.sent_end, "
            f"{SENTENCE} AS sentence, (SELECT json_group_array(json_array(m.start - e.sent_start, "
            "m.end - e.sent_start)) FROM effective_mention m WHERE m.article = e.article AND m.sent_start = "
            "e.sent_start AND m.place = e.place AND m.start >= e.sent_start AND m.start < e.sent_end "
            "AND m.end <= e.sent_end) AS highlights, "
            f"{_DATE_COLUMNS}, a.title, a.url, a.source, a.published, e.corrected, {CLUSTER_COLUMNS} FROM chosen "
            f"JOIN event e ON e.id = chosen.id JOIN article a ON a.id = e.article {REPORT_JOIN} ORDER BY chosen.rn",
            [place_id, *params])
        cast = self.sentence_places((r["article_id"], r["sent_start"]) for r in rows)
        totals = cluster_totals(self._rows, (r["cluster_id"] for r in rows if r["cluster_id"] is not None))
        return [from_row(EventRow, r, **cast.get((r["article_id"], r["sent_start"]), {}),
                         **totals.get(r["cluster_id"], {})) for r in rows]

    def sentence_places(self, sentences: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, tuple]]:
        """For each ``(article, sent_start)``: its ``places`` (literal) and ``actors`` (associative), by name."""
        return _sentence_places(self._rows, sentences)

    def count_events(self, place_id: int | None, flt: EventFilter = DEFAULT_FILTER) -> int:
        """The number of events under ``flt`` (of one place, unless ``place_id`` is None)."""
        where, params = flt.where()
        if place_id is not None:
            where, params = f"e.place = ? AND {where}", [place_id, *params]
        return self._query(f"SELECT count(*) FROM event e JOIN place p ON p.id = e.place WHERE {where}", params)[0][0]

    def count_distinct_events(self, place_id: int | None, flt: EventFilter = DEFAULT_FILTER, *,
                              by_place: bool = False) -> int:
        """Distinct events under ``flt`` (at one place, unless ``place_id`` is None; ``by_place``: at each place)."""
        where, params = flt.where()
        if place_id is not None:
            where, params = f"e.place = ? AND {where}", [place_id, *params]
        return self._query(f"SELECT count(*) FROM (SELECT DISTINCT {DISTINCT_EVENT}{', e.place' if by_place else ''} "
                           f"FROM event e JOIN place p ON p.id = e.place WHERE {where})", params)[0][0]

    def samples(self, flt: EventFilter = DEFAULT_FILTER, per_place: int = 3) -> dict[int, list[EventRow]]:
        """The first ``per_place`` events of every place under ``flt`` (the order of :meth:`events`), each
        with its own mention highlighted (the place's first in the sentence: what a popup marks)."""
        pairs = self.sample_ids(flt, per_place)
        rows = self.event_sentences([eid for _, eid in pairs])
        out: dict[int, list[EventRow]] = {}
        for place, eid in pairs:
            out.setdefault(place, []).append(rows[eid])
        return out

    def sample_ids(self, flt: EventFilter = DEFAULT_FILTER, per_place: int = 3,
                   places: Iterable[int] | None = None) -> list[tuple[int, int]]:
        """``(place id, event id)`` of the first ``per_place`` distinct events of every place under ``flt``
        (only of ``places`` when given: ids), each event across articles by its first report there, by place
        and in the order of :meth:`events`.

        The first :data:`SAMPLE_READ` times ``per_place`` reports of each place are numbered along index
        event_place (no sort) and their events told apart here; only a place whose first reports are of
        fewer events than that (one event reported again and again) is read again, whole."""
        where, params = flt.where()
        if places is not None:
            where, params = f"e.place IN (SELECT value FROM json_each(?)) AND {where}", [
                json.dumps(sorted({int(i) for i in places})), *params]
        window = (f"SELECT e.place, e.id, {DISTINCT_EVENT} AS cluster, row_number() OVER (PARTITION BY e.place "
                  f"ORDER BY {EVENT_ORDER}) AS rn FROM event e JOIN place p ON p.id = e.place")
        first = per_place * SAMPLE_READ
        rows = self._query(f"SELECT x.place, x.id, x.cluster FROM ({window} WHERE {where}) x WHERE x.rn <= ? "
                           "ORDER BY x.place, x.rn", [*params, first])
        picked, seen, read = first_events(rows, per_place)
        again = sorted(place for place, n in read.items() if n == first and len(seen[place]) < per_place)
        if again:
            redo = self._query(
                f"SELECT x.place, x.id, x.cluster FROM ({window} WHERE e.place IN (SELECT value FROM json_each(?)) "
                f"AND {where}) x ORDER BY x.place, x.rn", [json.dumps(again), *params])
            picked = [pair for pair in picked if pair[0] not in set(again)] + first_events(redo, per_place)[0]
            picked.sort(key=lambda pair: pair[0])  # (stable: each place's events stay in their order)
        return picked

    def event_sentences(self, ids: Iterable[int]) -> dict[int, EventRow]:
        """The events ``ids`` with their sentences, each with its own mention highlighted."""
        rows = self._rows(
            f"SELECT e.id, e.article AS article_id, e.place AS place_id, e.sent_start, e.sent_end, "
            f"{SENTENCE} AS sentence, json_array(json_array(e.mention_start - e.sent_start, "
            f"e.mention_end - e.sent_start)) AS highlights, {_DATE_COLUMNS}, a.title, a.url, a.source, a.published, "
            "e.corrected, "
            f"{CLUSTER} AS cluster_id FROM event e JOIN article a ON a.id = e.article {CLUSTER_JOIN} "
            "WHERE e.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),))
        totals = cluster_totals(self._rows, (r["cluster_id"] for r in rows if r["cluster_id"] is not None))
        return {r["id"]: from_row(EventRow, r, **totals.get(r["cluster_id"], {})) for r in rows}

    def event_records(self, flt: EventFilter = DEFAULT_FILTER, *, limit: int | None = None,
                      report_sentences: bool = True) -> list[EventRecord]:
        """Every event under ``flt`` with its place and article, newest first, undated last (the table's
        and the exports' rows), each with the actors of its sentence and (unless ``report_sentences`` is
        false: the table needs neither) every report of its event across articles and who corrected it, when
        (:mod:`.authorship`)."""
        return list(self.iter_event_records(flt, limit=limit, report_sentences=report_sentences))

    def iter_event_records(self, flt: EventFilter = DEFAULT_FILTER, *, limit: int | None = None,
                           batch: int = EXPORT_BATCH, report_sentences: bool = True) -> Iterator[EventRecord]:
        """:meth:`event_records`, streamed: the events' ids are chosen and ordered on key columns in one
        query, then their rows (sentence, place, article, actors, their events' reports) are read ``batch``
        at a time, every query in one read transaction (one state of the store) with its own time budget.
        Memory holds the ids and one batch; the time is linear in the events (and each batch reads the
        reports of its events once)."""
        where, params = flt.where()
        order = f"{EVENT_ORDER}, p.name, e.id"
        with self._snapshot() as run:
            ids = [r[0] for r in run(f"SELECT e.id FROM event e JOIN place p ON p.id = e.place WHERE {where} "
                                     f"ORDER BY {order} LIMIT {_limit(limit)}", params)]
            for i in range(0, len(ids), batch):
                chunk = ids[i:i + batch]
                rows = {r["id"]: r for r in run(
                    "SELECT e.id, e.article AS article_id, e.date, e.date_precision, p.id AS place_id, p.name AS "
                    "place, p.kind, p.fclass || '.' || p.fcode AS feature, p.country, p.lat, p.lon, "
                    f"{SENTENCE} AS sentence, e.sent_start, e.sent_end, e.mention_start, e.mention_end, "
                    f"{MENTION_TEXT} AS mention_text, a.title, a.url, a.source, e.confidence, e.corrected, "
                    "e.date_last, e.date_value, e.date_source, e.role, e.role_confidence, e.date_corrected, "
                    "e.event_type, e.sub_event_type, e.fatalities, e.fatalities_high, e.type_corrected, "
                    f"e.deaths_corrected, {CLUSTER} AS cluster_id, st.story AS story_id, ac.outlet "
                    "FROM json_each(?) k JOIN event e ON e.id = k.value "
                    f"JOIN place p ON p.id = e.place JOIN article a ON a.id = e.article {REPORT_JOIN} "
                    "LEFT JOIN article_story st ON st.article = e.article",
                    (json.dumps(chunk),))}
                kept = [rows[eid] for eid in chunk if eid in rows]
                cast = _sentence_places(run, ((r["article_id"], r["sent_start"]) for r in kept))
                clusters = {r["cluster_id"] for r in kept if r["cluster_id"] is not None}
                reports = cluster_reports(run, clusters, REPORTS_LISTED) if report_sentences else {}
                totals = cluster_totals(run, clusters, outlets=True)
                marks = correction_marks(run, ((r["article_id"], r["sent_start"], r["place_id"]) for r in kept)
                                         ) if report_sentences else {}
                for r in kept:
                    own = ((r["article_id"], r["sent_start"], r["sent_end"], r["outlet"] or r["source"],
                            r["sentence"]),)
                    yield from_row(EventRecord, r, mention=(r["mention_start"], r["mention_end"]),
                                   actors=cast.get((r["article_id"], r["sent_start"]), {}).get("actors", ()),
                                   report_sentences=reports.get(r["cluster_id"], own) if report_sentences else (),
                                   **marks.get((r["article_id"], r["sent_start"], r["place_id"]), {}),
                                   **totals.get(r["cluster_id"], {"outlets": (own[0][3],)}))

    def timeline(self, flt: EventFilter = DEFAULT_FILTER) -> list[DayCount]:
        """Events per day under ``flt`` (days with none are left out), oldest first; an event of coarse
        precision counts on the first day of its period."""
        where, params = flt.where()
        rows = self._rows(f"SELECT e.date AS day, count(*) AS events FROM event e JOIN place p ON p.id = e.place "
                          f"WHERE {where} AND e.date IS NOT NULL GROUP BY e.date ORDER BY e.date", params)
        return [DayCount(as_date(r["day"]), r["events"]) for r in rows]

    def periods(self, flt: EventFilter = DEFAULT_FILTER, *, by_type: bool = False) -> list[Period] | list[TypedPeriod]:
        """``(first day, last day, precision, events)`` of the dated events under ``flt``, oldest first (the
        timeline draws an event of coarse precision over its whole period); ``by_type``: also per ACLED
        event type (:class:`~dashboard.store.records.TypedPeriod`)."""
        where, params = flt.where()
        kind = ", e.event_type" if by_type else ""
        rows = self._rows(f"SELECT e.date AS first, e.date_last AS last, e.date_precision AS precision, count(*) AS "
                          f"events{kind} FROM event e JOIN place p ON p.id = e.place WHERE {where} AND e.date IS NOT "
                          f"NULL GROUP BY e.date, e.date_last, e.date_precision{kind} "
                          f"ORDER BY e.date, e.date_last{kind}", params)
        return [from_row(TypedPeriod if by_type else Period, r, first=as_date(r["first"]), last=as_date(r["last"]))
                for r in rows]

    # -- articles and mentions -------------------------------------------------------------------------------
    def cluster(self, cluster_id: int) -> dict[str, Any] | None:
        """An event across articles: its reports (article, sentence span, date), its numbers of articles and
        of distinct sources, its earliest and latest report; ``None`` when there is no such cluster."""
        rows = self._rows("SELECT r.article, r.sent_start, r.sent_end, r.date, r.date_last, c.outlet, c.copy_of "
                          f"FROM {event_reports('(SELECT ? AS value)')} o JOIN report r ON r.id = o.id "
                          "LEFT JOIN article_copy c ON c.article = r.article "
                          "ORDER BY r.date IS NULL, r.date, r.id", (cluster_id, cluster_id))
        if not rows:
            return None
        dates = [r["date"] for r in rows if r["date"]] + [r["date_last"] for r in rows if r["date_last"]]
        return {"cluster_id": cluster_id,
                "reports": [(r["article"], (r["sent_start"], r["sent_end"])) for r in rows],
                "articles": len({r["article"] for r in rows}), "sources": len({r["outlet"] for r in rows}),
                "first": min(dates) if dates else None, "last": max(dates) if dates else None}

    def stories(self) -> list[list[str]]:
        """The stories: each a list of article ids (articles sharing events), oldest story first."""
        out: dict[int, list[str]] = {}
        for story, article in self._query("SELECT story, article FROM article_story ORDER BY story, article"):
            out.setdefault(story, []).append(article)
        return list(out.values())

    def copies(self, article_id: str) -> list[str]:
        """The wire copies of an article (near-duplicates ingested after it), in ingest order."""
        return [r[0] for r in self._query("SELECT article FROM article_copy WHERE copy_of = ? ORDER BY seq",
                                          (article_id,))]

    def copies_by_article(self) -> dict[str, list[tuple[str | None, str]]]:
        """Every article with wire copies: its copies' ``(url, file)``, in ingest order."""
        out: dict[str, list[tuple[str | None, str]]] = {}
        for original, url, source in self._query("SELECT c.copy_of, a.url, a.source FROM article_copy c JOIN article a "
                                                 "ON a.id = c.article WHERE c.copy_of IS NOT NULL ORDER BY c.seq"):
            out.setdefault(original, []).append((url, source))
        return out

    def copy_of(self, article_id: str) -> str | None:
        rows = self._query("SELECT copy_of FROM article_copy WHERE article = ?", (article_id,))
        return rows[0][0] if rows else None

    def article_list(self, limit: int | None = None) -> list[ArticleSummary]:
        """Stored articles as ``(id, title, source, published)``, newest first, undated last."""
        rows = self._rows("SELECT id, title, source, published FROM article ORDER BY published IS NULL, "
                          f"published DESC, source LIMIT {_limit(limit)}")
        return [from_row(ArticleSummary, r) for r in rows]

    def article(self, article_id: str) -> StoredArticle | None:
        """An article with its mentions (each with the place it names now), or ``None``."""
        rows = self._rows("SELECT id, source, title, published, url, text FROM article WHERE id = ?", (article_id,))
        if not rows:
            return None
        mentions = self._rows(f"SELECT {_MENTION_COLUMNS} WHERE m.article = ? ORDER BY m.start", (article_id,))
        return from_row(StoredArticle, rows[0], mentions=tuple(from_row(StoredMention, m) for m in mentions))

    def mention(self, article_id: str, start: int, end: int) -> StoredMention | None:
        """The mention at ``[start, end)`` of an article, with the place it names now and the machine's."""
        rows = self._rows(f"SELECT {_MENTION_COLUMNS} WHERE m.article = ? AND m.start = ? AND m.end = ?",
                          (article_id, start, end))
        return from_row(StoredMention, rows[0]) if rows else None

    def candidates(self, article_id: str, start: int, end: int) -> list[Candidate]:
        """The runner-ups of the mention at ``[start, end)``: ``(place id, name, score)``, best first."""
        return [from_row(Candidate, r) for r in self._rows(
            "SELECT p.id AS place_id, p.name, c.score FROM mention m JOIN candidate c ON c.mention = m.id "
            "JOIN place p ON p.id = c.place WHERE m.article = ? AND m.start = ? AND m.end = ? ORDER BY c.rank",
            (article_id, start, end))]

    # -- corrections -------------------------------------------------------------------------------------------
    def correction_history(self, article_id: str, start: int, end: int) -> list[Correction]:
        """Every place correction of a mention, oldest first, undone ones too (``undone_at`` set): the last
        one in force counts."""
        rows = self._rows(f"SELECT {_CORRECTION_LOG_COLUMNS} WHERE c.article = ? AND c.start = ? AND c.end = ? "
                          "ORDER BY c.id", (article_id, start, end))
        return [from_row(Correction, r) for r in rows]

    def corrections(self, limit: int | None = None) -> list[Correction]:
        """The place corrections that count now (the latest of each mention), newest first."""
        rows = self._rows(
            f"SELECT {_CORRECTION_COLUMNS} WHERE c.id IN (SELECT max(id) FROM correction "
            f"GROUP BY article, start, end) ORDER BY c.id DESC LIMIT {_limit(limit)}")
        return [from_row(Correction, r) for r in rows]

    def same_name_mentions(self, article_id: str, start: int, end: int) -> list[tuple[int, int]]:
        """The spans of the article's mentions with the name of the one at ``[start, end)`` (it among them;
        the gazetteer's name normaliser decides), in text order; ``[]`` when there is no such mention."""
        from .writes import ARTICLE_MENTIONS, same_name

        rows = self._query("SELECT text FROM mention WHERE article = ? AND start = ? AND end = ?",
                           (article_id, start, end))
        return same_name(self._query(ARTICLE_MENTIONS, (article_id,)), rows[0][0]) if rows else []

    def correction_group(self, article_id: str, start: int, end: int) -> list[Correction]:
        """The latest place correction of a mention with the rest of its group (the corrections written
        with it by :meth:`Store.correct_every_mention`), in text order; ``[]`` when it has none."""
        from .writes import GROUP

        rows = self._rows(f"SELECT {_CORRECTION_COLUMNS} WHERE c.id = (SELECT max(id) FROM correction "
                          "WHERE article = ? AND start = ? AND end = ?)", (article_id, start, end))
        if not rows:
            return []
        latest = from_row(Correction, rows[0])
        group = self._rows(f"SELECT {_CORRECTION_COLUMNS} WHERE c.id IN (SELECT id FROM correction WHERE {GROUP}) "
                           "ORDER BY c.start, c.id", (article_id, latest.place_id, latest.author, latest.created_at))
        return [from_row(Correction, r) for r in group]

    def count_corrections(self) -> int:
        """The number of mentions with a place correction that counts."""
        return self._query("SELECT count(*) FROM (SELECT DISTINCT article, start, end FROM correction)")[0][0]
