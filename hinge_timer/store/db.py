"""The history database: where it is, opening it safely, and every schema version in one place.

Qt-free.  One SQLite file, ``history.sqlite3`` in the data folder, in WAL mode with
``synchronous=FULL``: writes are few (one small transaction per step boundary) and a
power cut must not lose a finished set.

Opening never raises for a bad file.  ``open_history`` always returns a ``History`` whose
``problem`` says, in one sentence naming the file, what went wrong and what was done:

- not a database, or damaged: the file is moved aside (never deleted) and a new one starts;
- written by a newer Hinge Timer: left untouched, and history is off for this run;
- a read-only or full disk, or a folder that cannot be made: history is off (or read-only),
  and the session runs anyway.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "history.sqlite3"
SQLITE_MAGIC = b"SQLite format 3\x00"

# Every schema version, oldest first.  MIGRATIONS[n] takes a database from version n to n + 1.
# A shipped entry is never edited: a change is a new entry (tests/unit/test_store_migrations.py
# builds a database at every earlier version and migrates it).
MIGRATIONS: list[str] = [
    # 0 -> 1: runs and the sets in them.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        session_key TEXT NOT NULL,      -- a built-in session's name, or the file's path
        title TEXT NOT NULL,
        file TEXT NOT NULL,
        content_hash TEXT NOT NULL,     -- sha256 of the session file when the run started
        dose TEXT NOT NULL,
        started_at TEXT NOT NULL,       -- ISO 8601, UTC
        ended_at TEXT,
        status TEXT NOT NULL,           -- running, completed, ended, interrupted
        end_reason TEXT,
        seconds REAL NOT NULL DEFAULT 0 -- session time spent, pauses left out
    );
    CREATE TABLE sets (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,          -- the step's index in the compiled timeline
        drill INTEGER NOT NULL,
        drill_name TEXT NOT NULL,
        set_no INTEGER NOT NULL,
        sets INTEGER NOT NULL,
        side TEXT,
        planned_reps INTEGER,
        planned_seconds REAL,
        status TEXT NOT NULL,           -- done, skipped, stopped
        reason TEXT,                    -- "it hurts", "next", "skip drill", ...
        reps_done INTEGER,
        seconds_done REAL NOT NULL,     -- for a stop: the moment in the set it happened
        at TEXT NOT NULL,               -- ISO 8601, UTC: when the set ended
        PRIMARY KEY (run_id, step)
    );
    """,
    # 1 -> 2: pauses, the checkpoint of the run in progress, and indexes for the history screen.
    """
    ALTER TABLE sets ADD COLUMN pauses INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sets ADD COLUMN paused_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN pauses INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN paused_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN resume_step INTEGER;  -- the step that was running at the last boundary
    ALTER TABLE runs ADD COLUMN resume_label TEXT;
    ALTER TABLE runs ADD COLUMN owner TEXT;           -- host:pid of the process recording it
    ALTER TABLE runs ADD COLUMN updated_at TEXT;
    UPDATE runs SET status = 'interrupted', updated_at = COALESCE(ended_at, started_at)
        WHERE status = 'running';                     -- version 1 could not resume them
    CREATE INDEX runs_by_start ON runs(started_at);
    CREATE INDEX runs_by_session ON runs(session_key, started_at);
    """,
    # 2 -> 3: runs on a kiosk (anonymous: strangers on a gym PC), kept apart from a person's own.
    """
    ALTER TABLE runs ADD COLUMN kiosk INTEGER NOT NULL DEFAULT 0;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """A write that failed (read-only or full disk, damage found while running); the message names the file."""


@dataclass
class History:
    """An open history database, or the reason there is none."""

    path: Path
    conn: sqlite3.Connection | None
    writable: bool
    problem: str | None = None  # one sentence for the user; None when all is well
    moved_to: Path | None = None  # where a damaged file went

    @property
    def available(self) -> bool:
        return self.conn is not None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to ``target`` in one transaction; return the version it was at."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= target:
        return int(version)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for n in range(version, target):
            for statement in _statements(MIGRATIONS[n]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return int(version)


def _statements(script: str) -> list[str]:
    """A migration's statements, so they run inside our transaction (executescript would commit)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line.split("--", 1)[0] + ("\n" if "--" in line else "")
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _header(path: Path) -> bytes | None:
    """The file's first 100 bytes (SQLite's header), or None if there is no file."""
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except FileNotFoundError:
        return None


def _header_sane(head: bytes) -> bool:
    """The fixed fields of SQLite's header: a damaged header must not pass for a newer version."""
    if len(head) < 100:
        return False
    page = int.from_bytes(head[16:18], "big")
    page_ok = page == 1 or (512 <= page <= 32768 and page & (page - 1) == 0)
    return page_ok and head[21:24] == b"\x40\x20\x20"


def _move_aside(path: Path, why: str) -> Path:
    """Rename the file (and its -wal and -shm) to ``history.sqlite3.<why>-<time>``; never delete."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(path, aside)
    return aside


def _cannot_write(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("readonly", "read-only", "unable to open", "disk is full", "disk i/o",
                                   "no space", "permission"))


def _open_read_only(path: Path, problem: str) -> History:
    """What is saved can still be shown when the disk cannot be written."""
    if path.exists():
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                conn.execute("SELECT count(*) FROM runs").fetchone()
                return History(path, conn, False, problem)
            conn.close()
        except sqlite3.Error:
            pass
    return History(path, None, False, problem)


def open_history(folder: Path) -> History:
    """Open (or create) the history in ``folder``; never raises for a bad file or disk."""
    path = folder / FILE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return History(path, None, False,
                       f"History cannot be saved: the folder {folder} cannot be made ({exc.strerror or exc}).")
    head = _header(path)
    moved_to: Path | None = None
    problem: str | None = None
    if head:  # an empty file is a new database to SQLite
        if not head.startswith(SQLITE_MAGIC):
            return _start_over(path, "not a database", "not-a-database")
        if not _header_sane(head):
            return _start_over(path, "damaged (its header is not valid)", "damaged")
        version = int.from_bytes(head[60:64], "big") if len(head) >= 64 else 0
        if version > SCHEMA_VERSION:
            return History(
                path, None, False,
                f"{path} was written by a newer Hinge Timer (history version {version}; this one reads up to "
                f"{SCHEMA_VERSION}). It is left as it is; update Hinge Timer to see and add to it. "
                "This session will not be saved.")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    except sqlite3.Error as exc:
        return _open_read_only(path, f"History cannot be saved: {path} cannot be opened ({exc}).")
    try:
        configure(conn)
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            conn.close()
            return _start_over(path, f"damaged ({check})", "damaged")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _cannot_write(exc):
            return _open_read_only(path, f"History cannot be saved: {path} cannot be written ({exc}). "
                                         "The session runs anyway.")
        return _start_over(path, f"damaged ({exc})", "damaged")
    return History(path, conn, True, problem, moved_to)


def _start_over(path: Path, what: str, why: str) -> History:
    try:
        aside = _move_aside(path, why)
    except OSError as exc:
        return History(path, None, False,
                       f"{path} is {what} and cannot be moved aside ({exc.strerror or exc}); "
                       "history is off for this run.")
    fresh = open_history(path.parent)
    note = f"{path} was {what}. It was moved to {aside} (nothing was deleted) and a new history starts."
    fresh.problem = note if fresh.problem is None else f"{note} {fresh.problem}"
    fresh.moved_to = aside
    return fresh
