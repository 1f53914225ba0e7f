"""The store's schema: ``schema.sql`` holds every version's upgrade step; :func:`migrate` applies them.

``schema_current.sql`` beside it is a snapshot of what the steps make (tables, indexes and views of the
newest version), for a reader who wants the current shape at a glance; a test keeps it equal to the
replayed steps (``python -m dashboard.store.schema`` prints it anew).
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from ..errors import StoreError

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
SNAPSHOT_PATH = Path(__file__).with_name("schema_current.sql")
_SECTION = re.compile(r"^-- version (\d+)\s*$", re.MULTILINE)
_TRIGGER = re.compile(r"^CREATE TRIGGER (?:IF NOT EXISTS )?(\w+)", re.MULTILINE | re.IGNORECASE)


def schema_sections(sql: str | None = None) -> list[tuple[int, str]]:
    """``(version, statements)`` for each ``-- version N`` section of ``schema.sql``, in order."""
    sql = SCHEMA_PATH.read_text(encoding="utf-8") if sql is None else sql
    marks = list(_SECTION.finditer(sql))
    sections = []
    for i, mark in enumerate(marks):
        body = sql[mark.end(): marks[i + 1].start() if i + 1 < len(marks) else len(sql)]
        sections.append((int(mark.group(1)), body))
    versions = [v for v, _ in sections]
    if not versions or versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"{SCHEMA_PATH} must hold sections '-- version 1', '-- version 2', ... in order")
    return sections


SCHEMA_VERSION = schema_sections()[-1][0]


def statements(sql: str) -> list[str]:
    """Split a schema section into statements (``sqlite3.complete_statement`` knows where one ends)."""
    out, current = [], []
    for line in sql.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        text = "\n".join(current)
        if sqlite3.complete_statement(text):
            out.append(text)
            current = []
    if current and "\n".join(current).strip():
        raise StoreError(f"{SCHEMA_PATH}: unterminated statement: {' '.join(current)[:80]}")
    return out


def migrate(db: sqlite3.Connection, path: Path, sections: list[tuple[int, str]] | None = None) -> None:
    """Bring the store on ``db`` (autocommit mode) to :data:`SCHEMA_VERSION`, one section per transaction.

    Foreign keys are off while a section runs (a section may rebuild a table others refer to: SQLite's
    documented procedure) and checked before it commits."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise newer_store_error(path, current)
    pending = [(v, sql) for v, sql in (sections or schema_sections()) if v > current]
    if not pending:
        return
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        # A trigger that a pending step makes goes first: the step makes it anew, and an earlier step that
        # rebuilds a table its body names (drop, then rename a copy into place) would fail on it.
        for name in sorted({n for _, sql in pending for n in _TRIGGER.findall(sql)}):
            db.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        for version, sql in pending:
            _apply(db, path, version, sql)
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def newer_store_error(path: Path, version: int) -> StoreError:
    return StoreError(f"the event store {path} has schema version {version}, newer than this News Atlas "
                      f"understands ({SCHEMA_VERSION}); upgrade News Atlas or set ATLAS_HOME to another folder")


def _apply(db: sqlite3.Connection, path: Path, version: int, sql: str) -> None:
    try:
        db.execute("BEGIN IMMEDIATE")
        if db.execute("PRAGMA user_version").fetchone()[0] >= version:  # another process did it
            db.execute("ROLLBACK")
            return
        for statement in statements(sql):
            db.execute(statement)
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise sqlite3.IntegrityError(f"{len(broken)} rows break a foreign key, e.g. {tuple(broken[0])}")
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', "
                   "COALESCE((SELECT value FROM meta WHERE key = 'generation'), 0) + 1)")
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise StoreError(f"cannot create or upgrade the event store {path} to schema version {version} "
                         f"({exc}); the store was left as it was") from exc


def snapshot(db: sqlite3.Connection) -> str:
    """The schema of the store on ``db`` as SQL: tables, then indexes, then views, each by name."""
    rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                      "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name").fetchall()
    header = (f"-- The event store's schema at version {SCHEMA_VERSION}, as the steps of schema.sql make it.\n"
              "-- Generated by `python -m dashboard.store.schema`; never edit: change schema.sql.\n")
    return header + "".join(f"\n{sql};\n" for _, _, sql in rows)


def replayed() -> str:
    """:func:`snapshot` of a new in-memory store built by every step."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(db, Path(":memory:"))
        return snapshot(db)
    finally:
        db.close()


if __name__ == "__main__":
    SNAPSHOT_PATH.write_text(replayed(), encoding="utf-8")
    print(f"wrote {SNAPSHOT_PATH}")
