"""The corrections of events that count now, as one list for the page's "Event corrections (N)": each
mention's latest role correction, each sentence's latest date, type and deaths corrections, and every
split and merge of events across articles that is not undone, newest first.

The place corrections have their own list (:meth:`~dashboard.store.reads.Reads.corrections`). Undone
corrections are history (the ``*_log`` tables) and are not listed; the views ``role_correction`` and the
others leave them out, and of several in force for one target the latest is the one that counts, as in
``effective_mention``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from .records import EventFix, from_row

# (kind, id, article, sent_start, start, end, value, detail, author, created_at, mention) of each kind
_FIXES = """
SELECT 'role' AS kind, c.id, c.article, m.sent_start, c.start, c.end, c.role AS value, NULL AS detail,
       c.author, c.created_at, m.text AS mention
FROM role_correction c LEFT JOIN mention m ON m.article = c.article AND m.start = c.start AND m.end = c.end
WHERE c.id IN (SELECT max(id) FROM role_correction GROUP BY article, start, end)
UNION ALL
SELECT 'date', c.id, c.article, c.sent_start, NULL, NULL, c.date_value, c.date_precision, c.author, c.created_at,
       NULL
FROM date_correction c WHERE c.id IN (SELECT max(id) FROM date_correction GROUP BY article, sent_start)
UNION ALL
SELECT 'type', c.id, c.article, c.sent_start, NULL, NULL, c.event_type, c.sub_event_type, c.author, c.created_at,
       NULL
FROM type_correction c WHERE c.id IN (SELECT max(id) FROM type_correction GROUP BY article, sent_start)
UNION ALL
SELECT 'deaths', c.id, c.article, c.sent_start, NULL, NULL, c.fatalities, c.fatalities_high, c.author,
       c.created_at, NULL
FROM deaths_correction c WHERE c.id IN (SELECT max(id) FROM deaths_correction GROUP BY article, sent_start)
UNION ALL
SELECT c.action, c.id, c.article, c.sent_start, NULL, NULL, c.other_article, c.other_sent_start, c.author,
       c.created_at, NULL
FROM cluster_correction c
"""
_LISTED = ("SELECT f.kind, f.id, f.article AS article_id, f.sent_start, f.start, f.end, f.value, f.detail, "
           "f.author, f.created_at, a.title, s.text AS sentence, f.mention "
           f"FROM ({_FIXES}) f LEFT JOIN article a ON a.id = f.article "
           "LEFT JOIN sentence s ON s.article = f.article AND s.start = f.sent_start "
           "ORDER BY f.created_at DESC, f.id DESC LIMIT ?")


class EventFixReads:
    """The list's reads; :class:`~dashboard.store.Store` supplies ``_rows`` and ``_query``."""

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...  # pragma: no cover
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...  # pragma: no cover

    def event_fixes(self, limit: int | None = None) -> list[EventFix]:
        """The corrections of events that count now, newest first (at most ``limit``)."""
        return [from_row(EventFix, r) for r in self._rows(_LISTED, (-1 if limit is None else int(limit),))]

    def count_event_fixes(self) -> int:
        """How many corrections of events count now (:meth:`event_fixes` without a limit)."""
        return self._query(f"SELECT count(*) FROM ({_FIXES})")[0][0]
