"""Is the store file sound? Read-only diagnosis before the store is opened, and ``atlas store check``.

:func:`diagnose` runs before :class:`~dashboard.store.db.Store` opens a store for writing: a file that is
corrupt ("file is not a database", "database disk image is malformed"), newer than this code, or that
cannot be read is refused with a message that says which, and is never written to (no upgrade, no WAL
switch). :func:`check_store` runs SQLite's ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``
over a read-only connection and returns what they found. Both open the file read-only; SQLite may create
a WAL store's ``-wal`` and ``-shm`` side files, the database file itself is never written.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError
from .schema import SCHEMA_VERSION, newer_store_error

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
MAX_FINDINGS = 100  # integrity_check stops after this many


@dataclass(frozen=True)
class StoreCheck:
    """What :func:`check_store` found: ``problems`` is empty when the store is sound."""

    path: Path
    problems: tuple[str, ...]
    version: int | None = None  # the schema version (None when the file could not be read as a store)
    pages: int | None = None

    def report(self) -> list[str]:
        """What was found, in words: a line, then one line a problem."""
        if self.ok:
            newer = " (written by a newer News Atlas)" if self.newer else ""
            return [f"the event store {self.path} is sound: integrity check ok, foreign keys ok "
                    f"(schema version {self.version}{newer}, {self.pages} pages)"]
        return [f"the event store {self.path} is damaged: {len(self.problems)} problem(s) found",
                *(f"  {problem}" for problem in self.problems)]

    @property
    def newer(self) -> bool:
        """Written by a newer News Atlas (SQLite's checks still apply; this code will not open it)."""
        return self.version is not None and self.version > SCHEMA_VERSION

    @property
    def ok(self) -> bool:
        return not self.problems


def is_corrupt(exc: BaseException) -> bool:
    """SQLite's own word that the file is damaged or not a database at all."""
    name = getattr(exc, "sqlite_errorname", "")
    text = str(exc).lower()
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text or "not a database" in text


def corrupt_error(path: Path, why: object) -> StoreError:
    return StoreError(f"the event store {path} is corrupt ({why}); it was left as it is. `atlas store check` says "
                      "more; restore it from a backup, or move it away (or set ATLAS_HOME to another folder) to "
                      "start a new store")


def unreadable_error(path: Path, why: object) -> StoreError:
    return StoreError(f"the event store {path} cannot be read ({why}); check the permissions of the file and "
                      "its folder, or set ATLAS_HOME to another folder")


def open_error(path: Path, exc: BaseException) -> StoreError:
    """The message for a store that failed to open for writing."""
    if is_corrupt(exc):
        return corrupt_error(path, exc)
    return StoreError(f"cannot open the event store {path} ({exc}); check the folder's permissions "
                      "or set ATLAS_HOME to a writable folder")


def _read_header(path: Path) -> bytes | None:
    """The file's first bytes; ``None`` when there is no file (a new store)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(HEADER_SIZE)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        raise StoreError(f"the event store {path} is a folder, not a file; move it away or set ATLAS_HOME to "
                         "another folder") from None
    except PermissionError as exc:
        raise unreadable_error(path, "permission denied") from exc
    except OSError as exc:
        raise unreadable_error(path, exc.strerror or exc) from exc


def _header_problem(header: bytes) -> str | None:
    if len(header) < HEADER_SIZE:
        return f"file is not a database: it is cut short ({len(header)} bytes; an SQLite header is {HEADER_SIZE})"
    if not header.startswith(SQLITE_MAGIC):
        return "file is not a database: its first bytes are not an SQLite header"
    return None


def _connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    uri = "file:" + quote(os.fsencode(Path(path).absolute())) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)


def diagnose(path: Path, *, timeout: float = 10.0) -> None:
    """Refuse, untouched, a store file that cannot be used: corrupt, newer than this code, or unreadable
    (each its own :class:`StoreError`). A missing or empty file passes (a new store is made there); so
    does anything SQLite's read-only open cannot tell (the open for writing then says what is wrong)."""
    header = _read_header(path)
    if not header:
        return
    problem = _header_problem(header)
    if problem:
        raise corrupt_error(path, problem)
    try:
        db = _connect_read_only(path, timeout)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema's pages
        finally:
            db.close()
    except sqlite3.Error as exc:
        if is_corrupt(exc):
            raise corrupt_error(path, exc) from exc
        return
    if version > SCHEMA_VERSION:
        raise newer_store_error(path, version)


def check_store(path: str | os.PathLike[str]) -> StoreCheck:
    """Run SQLite's integrity check and foreign key check on the store at ``path``, read-only. A store
    that cannot be read at all raises :class:`StoreError`; one that is not a database, or is damaged,
    gives a :class:`StoreCheck` whose ``problems`` say so."""
    path = Path(path)
    header = _read_header(path)
    if header is None:
        raise StoreError(f"there is no event store at {path}; nothing to check (`atlas ingest` makes one)")
    if not header:
        return StoreCheck(path, (), version=0, pages=0)
    problem = _header_problem(header)
    if problem:
        return StoreCheck(path, (problem,))
    try:
        db = _connect_read_only(path, 10.0)
    except sqlite3.Error as exc:
        raise unreadable_error(path, exc) from exc
    problems: list[str] = []
    version = pages = None
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        try:
            problems += _integrity(db, f"PRAGMA integrity_check({MAX_FINDINGS})")
        except sqlite3.Error as exc:  # too damaged to list its faults: say which tables are
            if not is_corrupt(exc):
                raise
            problems += _by_table(db) or [str(exc)]
        try:
            for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: row {rowid} of table {table} refers to a missing row of {parent}")
        except sqlite3.Error as exc:
            if not is_corrupt(exc):
                raise
            problems.append(f"the foreign key check could not run ({exc})")
    except sqlite3.Error as exc:
        if not is_corrupt(exc):
            raise unreadable_error(path, exc) from exc
        problems.append(str(exc))
    finally:
        db.close()
    return StoreCheck(path, tuple(problems), version, pages)


def _integrity(db: sqlite3.Connection, pragma: str) -> list[str]:
    found = [str(row[0]) for row in db.execute(pragma)]
    return [] if found == ["ok"] else [line for text in found for line in text.splitlines() if line]


def _by_table(db: sqlite3.Connection) -> list[str]:
    """``integrity_check`` table by table (each with its indexes): the damaged tables, named."""
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error:
        return []
    problems = []
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            problems += [f"table {table}: {line}" for line in _integrity(db, f"PRAGMA integrity_check({quoted})")]
        except sqlite3.Error as exc:
            problems.append(f"table {table}: {exc}")
    return problems
