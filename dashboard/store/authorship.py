"""Who corrected an event, and when: the authors and the latest time of the corrections in force that make
an event row what it is (the exports' ``corrected_by`` and ``corrected_at``).

An event row is a sentence of an article at one place. The corrections that bear on it: the place and
role corrections of the sentence's mentions that name that place now, the sentence's date, type and
deaths corrections (their latest in force), and the splits and merges that name the sentence's report.
Undone corrections are history (``*_log``, schema version 11) and count for none.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

Key = tuple[str, int, int]  # (article, sent_start, place)
Run = Callable[..., list[sqlite3.Row]]

TABLES = ("correction", "role_correction", "date_correction", "type_correction", "deaths_correction",
          "cluster_correction")
ANY = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {t} LIMIT 1)" for t in TABLES)
_KEYS = ("k AS (SELECT json_extract(value, '$[0]') AS article, json_extract(value, '$[1]') AS sent_start, "
         "json_extract(value, '$[2]') AS place FROM json_each(?))")
_SPANS = ("spans AS (SELECT k.article, k.sent_start, k.place, em.start, em.end FROM k JOIN effective_mention em "
          "ON em.article = k.article AND em.sent_start = k.sent_start AND em.place = k.place)")
_BY_SPAN = ("SELECT s.article, s.sent_start, s.place, c.author, c.created_at FROM spans s JOIN {t} c ON c.id = "
            "(SELECT max(l.id) FROM {t} l WHERE l.article = s.article AND l.start = s.start AND l.end = s.end)")
_BY_SENTENCE = ("SELECT k.article, k.sent_start, k.place, c.author, c.created_at FROM k JOIN {t} c ON c.id = "
                "(SELECT max(l.id) FROM {t} l WHERE l.article = k.article AND l.sent_start = k.sent_start)")
_BY_REPORT = ("SELECT k.article, k.sent_start, k.place, c.author, c.created_at FROM k JOIN cluster_correction c "
              "ON (c.article = k.article AND c.sent_start = k.sent_start) "
              "OR (c.other_article = k.article AND c.other_sent_start = k.sent_start)")
MARKS = (f"WITH {_KEYS}, {_SPANS} "
         + " UNION ALL ".join([*(_BY_SPAN.format(t=t) for t in ("correction", "role_correction")),
                               *(_BY_SENTENCE.format(t=t) for t in ("date_correction", "type_correction",
                                                                    "deaths_correction")),
                               _BY_REPORT]))


def correction_marks(run: Run, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
    """``{(article, sent_start, place): {"corrected_by": authors (oldest first, each once),
    "corrected_at": the latest correction's time}}`` for the event rows with a correction in force;
    ``run(sql, params)`` gives rows (one read transaction). A store without corrections costs one lookup."""
    wanted = sorted(set(keys))
    if not wanted or not run(ANY):
        return {}
    found: dict[Key, list[tuple[str, str]]] = {}
    for r in run(MARKS, (json.dumps(wanted),)):
        found.setdefault((r[0], r[1], r[2]), []).append((r[4], r[3]))
    out = {}
    for key, rows in found.items():
        rows.sort()
        out[key] = {"corrected_by": tuple(dict.fromkeys(author or "unknown" for _, author in rows)),
                    "corrected_at": rows[-1][0]}
    return out
