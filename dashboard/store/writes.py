"""Writing the store: articles with their mentions and events, and corrections of places, roles, dates,
event types and deaths (corrections of events across articles: :mod:`.clusters`).

Each function runs inside the caller's transaction (:meth:`Store.transaction`) on its connection.
Machine output (mentions with their places, roles and sentence dates; candidates) is never changed by a
correction; the ``event`` table is derived data, re-made from the ``effective_event`` view for the
article or sentence a write touches, so every reader can select from it (indexed).
"""
from __future__ import annotations

import bisect
import datetime
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import StoreError
from ..events.roles import ASSOCIATIVE, LITERAL
from ..events.timex import PRECISIONS
from ..events.types import TYPES
from .clusters import derive_clusters, in_corrected_events

DERIVED = ("article, mention, mention_start, mention_end, sent_start, sent_end, place, role, role_confidence, "
           "role_corrected, date, date_last, date_value, date_source, date_precision, date_expr_start, "
           "date_expr_end, date_corrected, confidence, corrected, event_type, sub_event_type, fatalities, "
           "fatalities_high, type_corrected, deaths_corrected")
ROLES = (LITERAL, ASSOCIATIVE)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def stamp() -> str:
    """The time of a place correction, to the microsecond: the rows one call writes share it (a group,
    undone together), and no two calls do."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


def write_article(db: sqlite3.Connection, article: Any, mentions: Sequence[Any], events: Sequence[Any],
                  roles: Sequence[Any] | None, parser: str, replace: bool, inferred: Sequence[Any] = (),
                  signature: bytes | None = None) -> bool:
    """:meth:`Store.add_article` inside its transaction; then its copies, clusters and story
    (:func:`dashboard.events.stories.link_article`; ``inferred``: its place-less events, reports only)."""
    article_id = article.id
    exists = db.execute("SELECT 1 FROM article WHERE id = ?", (article_id,)).fetchone()
    if exists and not replace:
        return False
    for e in events:
        if not 0 <= e.mention < len(mentions):
            raise StoreError(f"event {e} refers to mention {e.mention}, but the article has "
                             f"{len(mentions)}; nothing was written")
    if roles is not None and len(roles) != len(mentions):
        raise StoreError(f"{len(roles)} roles for {len(mentions)} mentions; nothing was written")
    title_start, title_end = article.title_span or (None, None)
    row = (article.source, article.title, title_start, title_end,
           article.published.isoformat() if article.published else None, article.url, article.encoding,
           json.dumps([list(s) for s in article.content_spans]), json.dumps(list(article.warnings)),
           article.text, parser, now())
    if exists:
        db.execute("DELETE FROM mention WHERE article = ?", (article_id,))  # and their candidates, events
        db.execute("DELETE FROM sentence WHERE article = ?", (article_id,))
        db.execute("UPDATE article SET source = ?, title = ?, title_start = ?, title_end = ?, published = ?, "
                   "url = ?, encoding = ?, content = ?, warnings = ?, text = ?, parser = ?, ingested_at = ? "
                   "WHERE id = ?", (*row, article_id))
    else:
        db.execute("INSERT INTO article (id, source, title, title_start, title_end, published, url, encoding, "
                   "content, warnings, text, parser, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (article_id, *row))
    places = {m.place.id: m.place for m in mentions}
    places.update((p.id, p) for m in mentions for p, _ in m.candidates)
    upsert_places(db, places.values())
    spans = sorted({tuple(e.sentence) for e in events})
    db.executemany("INSERT OR IGNORE INTO sentence (article, start, end, text) VALUES (?, ?, ?, ?)",
                   [(article_id, a, b, article.text[a:b]) for a, b in spans])
    # The mentions take the ids SQLite would give them one by one (the highest plus one, in text order),
    # named here so that they and their candidates are stored in two statements, not two per mention.
    (top,) = db.execute("SELECT coalesce(max(id), 0) FROM mention").fetchone()
    rows, candidates = [], []
    for i, (m, e) in enumerate(zip(mentions, _mention_events(mentions, events), strict=True)):
        mid = top + 1 + i
        rows.append((mid, article_id, m.start, m.end, m.text, m.place.id, float(m.confidence), *_sentence(e),
                     *_role(roles[i] if roles is not None else e), *_when(e), *_kind(e)))
        candidates.extend((mid, rank, p.id, float(score)) for rank, (p, score) in enumerate(m.candidates, 1))
    db.executemany(
        "INSERT INTO mention (id, article, start, end, text, place, confidence, sent_start, sent_end, role, "
        "role_confidence, filed_from, date, date_last, date_value, date_source, date_precision, "
        "date_expr_start, date_expr_end, event_type, sub_event_type, fatalities, fatalities_high) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO candidate (mention, rank, place, score) VALUES (?, ?, ?, ?)", candidates)
    derive_events(db, article_id, sentences_stored=True)
    from ..events.stories import link_article
    corrected = in_corrected_events(db, article_id)
    link_article(db, article, events, inferred, mentions, sig=signature)
    if corrected or in_corrected_events(db, article_id):  # its clusters changed under cluster corrections
        derive_clusters(db)
    return True


def _sentence(event: Any) -> tuple[int | None, int | None]:
    return (None, None) if event is None else tuple(event.sentence)


def _role(source: Any) -> tuple[str, float, int]:
    """A mention's (role, role_confidence, filed_from) from its :class:`~dashboard.events.Role` or event."""
    if source is None:
        return "literal", 0.0, 0
    role = getattr(source, "role", "literal")
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r}; nothing was written")
    return role, float(getattr(source, "confidence", getattr(source, "role_confidence", 1.0))), \
        int(bool(getattr(source, "filed_from", False)))


def _when(event: Any) -> tuple[Any, ...]:
    """(date, date_last, date_value, date_source, date_precision, expr_start, expr_end) of a mention's sentence."""
    when = getattr(event, "when", None)
    if when is None or when.value is None:
        return None, None, None, None, None, None, None
    first, last = when.period()
    span = when.span or (None, None)
    return first.isoformat(), last.isoformat(), when.value, when.source, when.precision, *span


def _kind(event: Any) -> tuple[Any, ...]:
    """(event_type, sub_event_type, fatalities, fatalities_high) of a mention's sentence (``None`` each when
    the event carries none: an event made by hand or by an older reader)."""
    if event is None:
        return None, None, None, None
    low, high = getattr(event, "fatalities", None), getattr(event, "fatalities_high", None)
    if low is not None and (int(low) < 0 or (high is not None and int(high) < int(low))):
        raise StoreError(f"fatalities {low}, {high} of the event at {tuple(event.sentence)} are not a count "
                         "and a higher one; nothing was written")
    return (getattr(event, "event_type", None), getattr(event, "sub_event_type", None),
            None if low is None else int(low), None if high is None or low is None else int(high))


def derive_events(db: sqlite3.Connection, article_id: str, sent_start: int | None = None, *,
                  sentences_stored: bool = False) -> None:
    """Make the events of an article (or of its sentence starting at ``sent_start``) those that
    ``effective_event`` defines from its mentions and corrections now (``sentences_stored``: the caller
    stored every sentence its mentions are in, as :func:`write_article` does)."""
    where, params = "article = ?", [article_id]
    if sent_start is not None:
        where, params = f"{where} AND sent_start = ?", [article_id, sent_start]
    db.execute(f"DELETE FROM event WHERE {where}", params)
    db.execute(f"INSERT INTO event ({DERIVED}) SELECT {DERIVED} FROM effective_event WHERE {where}", params)
    if sentences_stored:
        return
    # Every event's sentence text is stored (write_article stores them); any missing one is cut here.
    db.execute("INSERT OR IGNORE INTO sentence (article, start, end, text) SELECT e.article, e.sent_start, "
               "e.sent_end, (SELECT substr(a.text, e.sent_start + 1, e.sent_end - e.sent_start) FROM article a "
               f"WHERE a.id = e.article) FROM event e WHERE e.{where.replace(' AND ', ' AND e.')} AND NOT EXISTS "
               "(SELECT 1 FROM sentence s WHERE s.article = e.article AND s.start = e.sent_start)", params)


def derive_mention_events(db: sqlite3.Connection, article_id: str, start: int, end: int) -> None:
    """:func:`derive_events` for the sentence of the mention at ``[start, end)`` (if it is stored)."""
    row = db.execute("SELECT sent_start FROM mention WHERE article = ? AND start = ? AND end = ?",
                     (article_id, start, end)).fetchone()
    if row is not None and row[0] is not None:
        derive_events(db, article_id, row[0])


def require_mention(db: sqlite3.Connection, article_id: str, start: int, end: int) -> None:
    if not db.execute("SELECT 1 FROM mention WHERE article = ? AND start = ? AND end = ?",
                      (article_id, start, end)).fetchone():
        raise StoreError(f"no place mention at {start}-{end} of article {article_id}; nothing was corrected")


def correct_place(db: sqlite3.Connection, article_id: str, start: int, end: int, place: Any, author: str,
                  created_at: str | None = None) -> int:
    """:meth:`Store.correct` inside its transaction (``created_at``: the group's time, else now)."""
    require_mention(db, article_id, start, end)
    if place is None:
        place_id = None
    elif isinstance(place, int) and not isinstance(place, bool):
        if not db.execute("SELECT 1 FROM place WHERE id = ?", (place,)).fetchone():
            raise StoreError(f"place {place} is not in the store; pass the gazetteer's Place to copy it")
        place_id = place
    else:
        upsert_places(db, [place])
        place_id = place.id
    cur = db.execute("INSERT INTO correction_log (article, start, end, place, author, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (article_id, start, end, place_id, author, created_at or stamp()))
    derive_mention_events(db, article_id, start, end)
    return cur.lastrowid


# The mentions of an article, for :func:`same_name`; and a place correction's group: the rows one call wrote.
ARTICLE_MENTIONS = "SELECT start, end, text FROM mention WHERE article = ? ORDER BY start"
GROUP = "article = ? AND place IS ? AND author = ? AND created_at = ?"


def same_name(rows: Iterable[Sequence[Any]], text: str) -> list[tuple[int, int]]:
    """The spans of ``rows`` (start, end, text) whose text is ``text`` by the gazetteer's one name
    normaliser (``Nagorno-Karabakh``, ``Nagorno Karabakh`` and ``nagorno-karabakh`` are one name)."""
    from gazetteer.names import normalize  # (light; imported here to keep the gazetteer package out of reads)

    key = normalize(text)
    return [(int(start), int(end)) for start, end, t in rows if normalize(t) == key]


def correct_place_every_mention(db: sqlite3.Connection, article_id: str, start: int, end: int, place: Any,
                                author: str) -> list[int]:
    """:meth:`Store.correct_every_mention` inside its transaction: one correction per mention of the
    article with the name of the one at ``[start, end)`` (it among them), in text order, as one group."""
    require_mention(db, article_id, start, end)
    (text,) = db.execute("SELECT text FROM mention WHERE article = ? AND start = ? AND end = ?",
                         (article_id, start, end)).fetchone()
    when = stamp()
    return [correct_place(db, article_id, a, b, place, author, when)
            for a, b in same_name(db.execute(ARTICLE_MENTIONS, (article_id,)), text)]


def undo_place(db: sqlite3.Connection, article_id: str, start: int, end: int, author: str = "") -> bool:
    """Take back the latest place correction of a mention with the rest of its group (the corrections
    written with it: one "every mention of this name" correction), re-deriving the events they touched.
    The rows stay in ``correction_log``, marked undone by ``author`` now."""
    latest = db.execute("SELECT article, place, author, created_at FROM correction WHERE id = (SELECT max(id) "
                        "FROM correction WHERE article = ? AND start = ? AND end = ?)", (article_id, start, end)
                        ).fetchone()
    if latest is None:
        return False
    spans = sorted(set(db.execute(f"SELECT start, end FROM correction WHERE {GROUP}", tuple(latest))))
    db.execute(f"UPDATE correction_log SET undone_by = ?, undone_at = ? WHERE undone_at IS NULL AND {GROUP}",
               (author, stamp(), *latest))
    for a, b in spans:
        derive_mention_events(db, article_id, a, b)
    return True


def correct_role(db: sqlite3.Connection, article_id: str, start: int, end: int, role: str, author: str) -> int:
    """:meth:`Store.correct_role` inside its transaction."""
    if role not in ROLES:
        raise StoreError(f"a role is 'literal' (where it happened) or 'associative' (an actor), not {role!r}")
    require_mention(db, article_id, start, end)
    cur = db.execute("INSERT INTO role_correction_log (article, start, end, role, author, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (article_id, start, end, role, author, now()))
    derive_mention_events(db, article_id, start, end)
    return cur.lastrowid


def correct_date(db: sqlite3.Connection, article_id: str, sent_start: int, when: Any, author: str) -> int:
    """:meth:`Store.correct_date` inside its transaction."""
    require_sentence(db, article_id, sent_start)
    if when is None or when.value is None:
        row = (None, None, None, None)
    else:
        if when.precision not in PRECISIONS:
            raise StoreError(f"unknown date precision {when.precision!r}; use one of {', '.join(PRECISIONS)}")
        first, last = when.period()
        row = (when.value, first.isoformat(), last.isoformat(), when.precision)
    cur = db.execute("INSERT INTO date_correction_log (article, sent_start, date_value, date, date_last, "
                     "date_precision, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (article_id, sent_start, *row, author, now()))
    derive_events(db, article_id, sent_start)
    return cur.lastrowid


def require_sentence(db: sqlite3.Connection, article_id: str, sent_start: int) -> None:
    if not db.execute("SELECT 1 FROM mention WHERE article = ? AND sent_start = ?",
                      (article_id, sent_start)).fetchone():
        raise StoreError(f"no event in a sentence at {sent_start} of article {article_id}; nothing was corrected")


def correct_type(db: sqlite3.Connection, article_id: str, sent_start: int, event_type: str | None,
                 sub_event_type: str | None, author: str) -> int:
    """:meth:`Store.correct_type` inside its transaction: one of ACLED's types (``None``: "no type") and
    one of its sub-event types (``None``: the type only)."""
    if event_type is not None and event_type not in TYPES:
        raise StoreError(f"unknown event type {event_type!r}; use one of {', '.join(TYPES)}")
    if sub_event_type is not None and sub_event_type not in TYPES.get(event_type, ()):
        raise StoreError(f"{sub_event_type!r} is not a sub-event type of {event_type or 'no type'}")
    require_sentence(db, article_id, sent_start)
    cur = db.execute("INSERT INTO type_correction_log (article, sent_start, event_type, sub_event_type, author, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     (article_id, sent_start, event_type, sub_event_type, author, now()))
    derive_events(db, article_id, sent_start)
    return cur.lastrowid


def correct_deaths(db: sqlite3.Connection, article_id: str, sent_start: int, fatalities: int | None,
                   fatalities_high: int | None, author: str) -> int:
    """:meth:`Store.correct_deaths` inside its transaction (a high figure equal to the count is none)."""
    for value in (fatalities, fatalities_high):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise StoreError(f"deaths are a whole number of at least 0, not {value!r}")
    if fatalities is None and fatalities_high is not None:
        raise StoreError("a highest figure needs a count (the lowest figure) first")
    if fatalities_high is not None and fatalities_high < fatalities:
        raise StoreError(f"the highest figure ({fatalities_high}) is below the count ({fatalities})")
    high = None if fatalities_high == fatalities else fatalities_high
    require_sentence(db, article_id, sent_start)
    cur = db.execute("INSERT INTO deaths_correction_log (article, sent_start, fatalities, fatalities_high, author, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)", (article_id, sent_start, fatalities, high, author, now()))
    derive_events(db, article_id, sent_start)
    return cur.lastrowid


SENTENCE_CORRECTIONS = ("date_correction", "type_correction", "deaths_correction")  # by (article, sent_start)


def mark_undone(db: sqlite3.Connection, table: str, where: str, params: Sequence[Any], author: str) -> bool:
    """Mark the latest row in force of a correction ``table`` (its view) that ``where`` selects as undone by
    ``author`` now, in ``<table>_log``; whether there was one. The row is kept: the history is never erased."""
    cur = db.execute(f"UPDATE {table}_log SET undone_by = ?, undone_at = ? WHERE id = (SELECT max(id) FROM {table} "
                     f"WHERE {where})", (author, stamp(), *params))
    return cur.rowcount > 0


def undo(db: sqlite3.Connection, table: str, article_id: str, start: int, end: int | None = None,
         author: str = "") -> bool:
    """Take back the latest correction in force of ``table`` for a mention span (or a sentence, for dates,
    types and deaths), marked undone by ``author``, and re-derive the events it touched."""
    if table in SENTENCE_CORRECTIONS:
        undone = mark_undone(db, table, "article = ? AND sent_start = ?", (article_id, start), author)
        derive_events(db, article_id, start)
        return undone
    if table == "correction":
        return undo_place(db, article_id, start, end, author)
    if table != "role_correction":
        raise StoreError(f"no correction table {table!r}")
    undone = mark_undone(db, table, "article = ? AND start = ? AND end = ?", (article_id, start, end), author)
    derive_mention_events(db, article_id, start, end)
    return undone


_PLACE_COLUMNS = ("name", "lat", "lon", "country", "fclass", "fcode", "kind", "population", "admin1", "source")


def upsert_places(db: sqlite3.Connection, places: Iterable[Any]) -> None:
    """Copy gazetteer places into the store (the store stands alone), updating those already there."""
    db.executemany(
        "INSERT INTO place (id, name, lat, lon, country, fclass, fcode, kind, population, admin1, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "lat = excluded.lat, lon = excluded.lon, country = excluded.country, fclass = excluded.fclass, "
        "fcode = excluded.fcode, kind = excluded.kind, population = excluded.population, "
        "admin1 = excluded.admin1, source = excluded.source WHERE " + " OR ".join(
            f"{c} IS NOT excluded.{c}" for c in _PLACE_COLUMNS),  # (a row left as it is is not written again)
        [(p.id, p.name, p.lat, p.lon, p.country_code, p.feature_class, p.feature_code, p.kind,
          p.population, p.admin1, p.source) for p in places])


def _mention_events(mentions: Sequence[Any], events: Sequence[Any]) -> list[Any]:
    """The event whose sentence each mention is in (giving it its sentence and date): its own event, else
    that of an event of its place whose sentence holds it (the geoparser's events name each place once per
    sentence), else any event whose sentence holds it; ``None`` when no sentence holds it. Events are
    looked up by their sentences' starts (sorted, bisected): linear in the article, not quadratic."""
    out: list[Any] = [None] * len(mentions)
    for e in events:
        if 0 <= e.mention < len(mentions):
            out[e.mention] = e
    by_start: dict[int, list[Any]] = {}
    for e in events:
        by_start.setdefault(e.sentence[0], []).append(e)
    starts = sorted(by_start)
    for i, m in enumerate(mentions):
        if out[i] is not None:
            continue
        # Sentences do not overlap: the one holding the mention is the last that starts at or before it
        # (earlier ones are looked at too, in text order, in case some do).
        k = bisect.bisect_right(starts, m.start)
        holding = [e for j in range(max(0, k - 2), k) for e in by_start[starts[j]]
                   if e.sentence[0] <= m.start and m.end <= e.sentence[1]]
        same = [e for e in holding if e.place_id == m.place.id]
        if same or holding:
            out[i] = (same or holding)[0]
    return out
