"""The history database: where it is, opening it safely, and every schema version in one place.

Qt-free.  One SQLite file, ``history.sqlite3`` in the data folder, in WAL mode with
``synchronous=FULL``: writes are few (one small transaction per step boundary) and a
power cut must not lose a finished set.

Opening never raises for a bad file.  ``open_history`` always returns a ``History`` whose
``problem`` says, in one sentence naming the file, what went wrong and what was done:

- not a database, or damaged: the file is moved aside (never deleted) and a new one starts;
- held locked by another program (a backup or sync tool, ``sqlite3`` left open): left exactly as it
  is, ``locked`` is set and :meth:`History.retry` opens it once the lock goes.  Opening waits at most
  ``OPEN_TIMEOUT`` for a lock, so a window start is never held up by one;
- a folder, FIFO, device or other non-regular file in its place: left alone (it is not ours), and
  history is off for this run;
- tables, indexes, triggers or views that this version did not make (a planted trigger could
  delete runs): opened read-only so nothing in it runs (triggers fire only on writes), ``unexpected``
  names them, and :func:`start_over` moves it aside (kept whole) when the user agrees;
- written by a newer Hinge Timer: left untouched, and history is off for this run;
- a read-only or full disk, or a folder that cannot be made: history is off (or read-only),
  and the session runs anyway.

Locked, read-only, full and damaged are told apart by SQLite's error code (store/errors.py turns an
error into its domain error: HistoryLocked, HistoryReadOnly, ...), never by the message's words.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_, _, ngettext
from ..safeio import NotRegularFile, kind_of, read_head
from .errors import HistoryFull, HistoryLocked, HistoryReadOnly, SchemaMismatch, fault
from .errors import is_locked as is_locked  # (where the lock tests look for it)

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
    # 3 -> 4: the speed of the run's clock (--speed).  1 is real time; a run at any other speed is a
    # demo or a test: marked as such, and left out of the streak, the chart and the dose advice.  Every
    # run recorded before counts as speed 1 (nothing told them apart).
    """
    ALTER TABLE runs ADD COLUMN speed REAL NOT NULL DEFAULT 1;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

OPEN_TIMEOUT = 0.1  # seconds: the longest a lock held by another program may hold up opening
# Once open: how long a statement on the opener's connection waits for another program's lock.  The
# opener is the GUI thread (or the command line), which must never wait: 0, one try.  A write it cannot
# make at once (SQLITE_BUSY, see is_locked) is handed to a writer thread (store/writer.py), which waits.
BUSY_TIMEOUT_MS = 0
EXIT_WAIT_S = 1.5  # at exit, the longest the history's writer threads are waited for (then: a side file)

# Tables SQLite itself makes on request (ANALYZE, PRAGMA optimize): not planted, and never run.
_SQLITE_OWN = {("table", "sqlite_stat1"), ("table", "sqlite_stat2"), ("table", "sqlite_stat3"),
               ("table", "sqlite_stat4")}


class UnexpectedSchema(SchemaMismatch, sqlite3.DatabaseError):
    """The file holds tables, indexes, triggers or views this version did not make, or is at another
    version (``version``, when that is the reason): not written.  errors.fault makes it a
    HistoryUnexpected, or a HistoryNewer when ``version`` is above ours."""

    def __init__(self, items: list[str], version: int | None = None) -> None:
        super().__init__("it holds what this version of Hinge Timer did not make: " + ", ".join(items))
        self.items = items
        self.version = version
        self.ours = SCHEMA_VERSION


@dataclass
class History:
    """An open history database, or the reason there is none."""

    path: Path
    conn: sqlite3.Connection | None
    writable: bool
    problem: str | None = None  # one sentence for the user; None when all is well
    moved_to: Path | None = None  # where a damaged file went
    # Another program held the file locked when it was opened: nothing was moved or changed, and
    # ``writable`` is False until :meth:`retry` succeeds.  ``conn`` is a read-only view when the
    # lock still lets others read, else None.
    locked: bool = False
    # What the file holds that this version did not make ("trigger wipe (on runs)"): the file is open
    # read-only (so none of it runs) until the user moves it aside with :func:`start_over`.
    unexpected: list[str] = field(default_factory=list)
    _retrying: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def retry(self, timeout: float = OPEN_TIMEOUT) -> bool:
        """Open a locked history again (waiting at most ``timeout`` s); True once it is writable.

        Safe to call from any thread, and again and again: does nothing unless ``locked``.  On
        success ``conn`` is a new writable connection (usable from any thread), ``locked`` is False
        and ``problem`` says what the new open found (None when all is well).  If the file turns out
        damaged or unexpected once it can be read, that is set here as :func:`open_history` would
        (a damaged file is moved aside and a new history starts; nothing is deleted).
        """
        with self._retrying:
            if not self.locked:
                return self.writable and self.conn is not None
            if not self.path.parent.is_dir():
                return False
            fresh = open_history(self.path.parent, timeout=timeout)
            if fresh.locked:
                fresh.close()
                return False
            old, self.conn = self.conn, fresh.conn
            self.writable, self.problem, self.moved_to = fresh.writable, fresh.problem, fresh.moved_to
            self.unexpected, self.locked = fresh.unexpected, False
            if old is not None:
                old.close()
            return self.writable and self.conn is not None


def configure(conn: sqlite3.Connection, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")  # nothing in the file may call functions with side effects
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


@functools.lru_cache(maxsize=None)
def expected_schema(version: int = SCHEMA_VERSION) -> frozenset[tuple[str, str, str]]:
    """(type, name, table) of everything MIGRATIONS make up to ``version``: built in memory, not listed by hand."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, target=version)
        return frozenset(_schema(conn))
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    rows = conn.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    return {(str(t).lower(), str(n).lower(), str(tb).lower()) for t, n, tb in rows}


def prepare_for_writing(conn: sqlite3.Connection) -> None:
    """Check that the file holds only what this version makes, then migrate it: before any write.

    Raises :class:`UnexpectedSchema` (a ``sqlite3.DatabaseError``) naming what else is there, before
    anything could set a planted trigger off (the check comes before the migration's UPDATEs);
    SQLITE_BUSY (see :func:`is_locked`) when another program's lock stops the migration."""
    at = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if at > SCHEMA_VERSION:
        raise UnexpectedSchema([f"history version {at} (this one writes {SCHEMA_VERSION})"], version=at)
    extra = unexpected_items(conn, at)
    if extra:
        raise UnexpectedSchema(extra)
    migrate(conn)


def unexpected_items(conn: sqlite3.Connection, version: int) -> list[str]:
    """What ``conn``'s file holds beyond what this version makes at ``version``, in words, sorted."""
    extra = _schema(conn) - expected_schema(version)
    out = []
    for kind, name, table in sorted(extra):
        if (kind, name) in _SQLITE_OWN:
            continue
        on = f" (on {table})" if kind in ("trigger", "index") and table != name else ""
        out.append(f'{kind} "{name}"{on}')
    return out


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
    """The file's first 100 bytes (SQLite's header), or None if there is no file, or if this process has
    it open through SQLite already (see :func:`open_here`: reading it then would drop SQLite's locks).

    Raises ``_NotRegular`` (never blocks) when something other than a regular file is in its place."""
    if open_here(path):
        return None  # checked when it was first opened; SQLite's own checks still stand guard
    try:
        return read_head(path, 100)
    except FileNotFoundError:
        return None
    except NotRegularFile as exc:
        raise _NotRegular(path, exc.what) from None


class _NotRegular(Exception):
    def __init__(self, path: Path, what: str) -> None:
        super().__init__(what)
        self.path, self.what = path, what


def _not_regular(path: Path) -> _NotRegular | None:
    """A folder, FIFO, device or socket in place of the history's -wal or -shm file (SQLite would hang or fail)."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        try:
            mode = os.stat(side).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            return _NotRegular(side, kind_of(mode))
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


# -- the history files this process has open through SQLite ---------------------------------------------
# SQLite's locks on a file are POSIX advisory locks, which belong to the whole process: closing *any*
# descriptor on the file, even one opened only to read its header, drops every lock this process holds on
# it.  Another program (sqlite3, a second Hinge Timer, a sync tool) then takes the file's exclusive lock
# when it closes, believes itself the last user and deletes the -wal and -shm under our open connections:
# what we write next goes into a deleted file and is lost.  Seen in CI as SQLITE_IOERR_SHORT_READ for every
# later connection of the process.  So the raw header read is skipped for a file open here already.
_open_files: dict[tuple[int, int], int] = {}
_open_files_lock = threading.Lock()


def _file_key(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def open_here(path: str | Path) -> bool:
    """Whether a connection of this process has ``path`` open (by the file itself, whatever its name)."""
    key = _file_key(path)
    with _open_files_lock:
        return key is not None and _open_files.get(key, 0) > 0


def _forget(key: tuple[int, int]) -> None:
    with _open_files_lock:
        left = _open_files.get(key, 0) - 1
        if left > 0:
            _open_files[key] = left
        else:
            _open_files.pop(key, None)


class _Counted(sqlite3.Connection):
    """A connection counted in ``_open_files`` until it is closed or collected."""

    _done: Callable[[], object] | None = None  # a weakref.finalize

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._done is not None:
                self._done()  # once: a second close, or the collection after, changes nothing


def connect(path: Path, target: str | Path, *, timeout: float, uri: bool = False) -> sqlite3.Connection:
    """A connection to ``target`` (``path``, or a URI naming it), counted as this process's user of
    ``path``.  In autocommit (isolation_level None); check_same_thread=False: the recorder may write from a
    worker thread (and reopen a locked file there) while the window reads; Python's sqlite3 is built
    serialized (threadsafety 3)."""
    conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, check_same_thread=False,
                           factory=_Counted, uri=uri)
    key = _file_key(path)
    if key is not None:
        with _open_files_lock:
            _open_files[key] = _open_files.get(key, 0) + 1
        conn._done = weakref.finalize(conn, _forget, key)
    return conn


def _connect(path: Path, target: str | Path, timeout: float, uri: bool = False) -> sqlite3.Connection:
    return connect(path, target, timeout=timeout, uri=uri)


def _open_read_only(path: Path, problem: str) -> History:
    """What is saved can still be shown when the disk cannot be written."""
    if path.exists():
        try:
            conn = _connect(path, f"{path.absolute().as_uri()}?mode=ro&immutable=1", 0, uri=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION and not unexpected_items(conn, version):
                conn.execute("SELECT count(*) FROM runs").fetchone()
                return History(path, conn, False, problem)
            conn.close()
        except sqlite3.Error:
            pass
    return History(path, None, False, problem)


def _read_only_view(path: Path, planted_ok: bool = False) -> sqlite3.Connection | None:
    """A read-only connection that does not wait for locks, for the screens to show what is saved
    (nothing in the file can run: triggers fire only on writes, and this one cannot write).
    None when reading is refused, or the file is at another version (the screens read this one's)."""
    try:
        conn = _connect(path, f"{path.absolute().as_uri()}?mode=ro", 0, uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        at = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if at != SCHEMA_VERSION or (not planted_ok and unexpected_items(conn, at)):
            conn.close()
            return None
        conn.execute("SELECT count(*) FROM runs").fetchone()
        return conn
    except sqlite3.Error:
        conn.close()
        return None


def locked_message(path: Path) -> str:
    # Translators: {path} is the history file's path.
    return _("{path} is in use by another program (a backup or sync tool, or sqlite3 left open), so it was "
             "left exactly as it is. Sessions run as usual; their runs are kept and written to the history "
             "once the other program lets go.").format(path=path)


def _in_use(path: Path) -> History:
    return History(path, _read_only_view(path), False, locked_message(path), locked=True)


def open_history(folder: Path, *, timeout: float = OPEN_TIMEOUT) -> History:
    """Open (or create) the history in ``folder``; never raises for a bad file or disk.

    Waits at most about ``timeout`` seconds for a lock held by another program (then ``locked``)."""
    path = folder / FILE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # Translators: {folder} is the data folder's path, {error} the system's words.
        return History(path, None, False, _("History cannot be saved: the folder {folder} cannot be made ({error}).")
                       .format(folder=folder, error=exc.strerror or exc))
    try:
        head = _header(path)
        odd = _not_regular(path)
        if odd is not None:
            raise odd
    except _NotRegular as exc:
        # Translators: {path} is the history's file (or its -wal or -shm), {what} a kind of file ("a folder").
        return History(path, None, False, _("History is off: {path} is {what}, not a regular file. It is left as it "
                                            "is; move it away to keep a history. The session runs anyway.")
                       .format(path=exc.path, what=_(exc.what)))
    except OSError as exc:
        # Translators: {path} is the history file's path, {error} the system's words.
        return History(path, None, False, _("History is off: {path} cannot be read ({error}). The session runs "
                                            "anyway.").format(path=path, error=exc.strerror or exc))
    moved_to: Path | None = None
    problem: str | None = None
    if head:  # an empty file is a new database to SQLite
        if not head.startswith(SQLITE_MAGIC):
            return _start_over(path, _NOT_A_DATABASE, "not-a-database")
        if not _header_sane(head):
            return _start_over(path, _BAD_HEADER, "damaged")
        version = int.from_bytes(head[60:64], "big") if len(head) >= 64 else 0
        if version > SCHEMA_VERSION:
            # Translators: {path} is the history file's path, {version} the version of the history format in
            # it, {ours} the newest this Hinge Timer reads.
            return History(
                path, None, False,
                _("{path} was written by a newer Hinge Timer (history version {version}; this one reads up to "
                  "{ours}). It is left as it is; update Hinge Timer to see and add to it. "
                  "This session will not be saved.").format(path=path, version=version, ours=SCHEMA_VERSION))
    try:
        conn = _connect(path, path, timeout)
    except sqlite3.Error as exc:
        # Translators: {path} is the history file's path, {error} SQLite's words.
        return _open_read_only(path, _("History cannot be saved: {path} cannot be opened ({error}).").format(
            path=path, error=exc))
    try:
        configure(conn, busy_timeout_ms=max(0, int(timeout * 1000)))
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            conn.close()
            return _start_over(path, _DAMAGED, "damaged", check)
        prepare_for_writing(conn)  # what we did not make is found before a migration's UPDATE could fire it
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except UnexpectedSchema as exc:
        conn.close()
        return _unexpected(path, exc.items)
    except sqlite3.DatabaseError as exc:
        conn.close()
        kind = fault(exc, path)  # by SQLite's code
        if isinstance(kind, HistoryLocked):
            return _in_use(path)
        if isinstance(kind, (HistoryFull, HistoryReadOnly)):
            # Translators: {path} is the history file's path, {error} SQLite's words.
            return _open_read_only(path, _("History cannot be saved: {path} cannot be written ({error}). "
                                           "The session runs anyway.").format(path=path, error=exc))
        # Damaged (SQLITE_CORRUPT, SQLITE_NOTADB) and, as ever, anything else the checks of a file just
        # opened meet: the file cannot serve as a history, so it is moved aside (kept whole).
        return _start_over(path, _DAMAGED, "damaged", str(exc))
    return History(path, conn, True, problem, moved_to)


def _unexpected(path: Path, extra: list[str]) -> History:
    names = ", ".join(extra[:10])
    if len(extra) > 10:
        # Translators: {names} lists the first ten things a history holds that this version did not make; {n}
        # how many more there are.
        names = ngettext("{names} and {n} more", "{names} and {n} more", len(extra) - 10).format(
            names=names, n=len(extra) - 10)
    # Translators: {path} is the history file's path; {names} the tables, triggers or views in it this version
    # did not make ('trigger "wipe" (on runs)'), as SQLite names them.
    problem = _("{path} holds what this version of Hinge Timer did not make: {names}. None of it is run: the "
                "history is open read-only, so this session will not be saved. Move it aside (kept whole, "
                "Home offers to) to start a new history.").format(path=path, names=names)
    return History(path, _read_only_view(path, planted_ok=True), False, problem, unexpected=extra)


def start_over(history: History, why: str = "unexpected") -> History:
    """Close ``history``, move its file aside (renamed, kept whole with its -wal and -shm) and open a new one.

    For the user's "move it aside" on Home; the returned History says where the old file went."""
    history.close()
    return _start_over(history.path, _AT_YOUR_REQUEST, why)


# What a history moved aside was (in "{path} was {what}"): English msgids, translated where the sentence is
# made (_start_over).  ``_DAMAGED``'s {detail} is SQLite's words on the damage.
# Translators: what a history file was, in "FILE was {what}. It was moved to ..." and "FILE is {what} and
# cannot be moved aside"; {detail} (in "damaged ({detail})") is SQLite's own words on the damage.
_NOT_A_DATABASE = N_("not a database")
_BAD_HEADER = N_("damaged (its header is not valid)")
_DAMAGED = N_("damaged ({detail})")
_AT_YOUR_REQUEST = N_("set aside at your request")


def _start_over(path: Path, what: str, why: str, detail: str = "") -> History:
    """Move the history ``path`` aside (``why`` names the copy) and open a new one; ``what`` is the English
    msgid of what it was (with ``detail`` for its {detail})."""
    said = _(what).format(detail=detail) if "{detail}" in what else _(what)
    try:
        aside = _move_aside(path, why)
    except OSError as exc:
        # Translators: {path} is the history file's path, {what} what it is ("not a database", "damaged (...)"),
        # {error} the system's words.
        return History(path, None, False,
                       _("{path} is {what} and cannot be moved aside ({error}); history is off for this run.")
                       .format(path=path, what=said, error=exc.strerror or exc))
    fresh = open_history(path.parent)
    # Translators: {path} is the history file's path, {what} what it was ("not a database", "damaged (...)"),
    # {aside} the path it was moved to.
    note = _("{path} was {what}. It was moved to {aside} (nothing was deleted) and a new history starts.").format(
        path=path, what=said, aside=aside)
    fresh.problem = note if fresh.problem is None else f"{note} {fresh.problem}"
    fresh.moved_to = aside
    return fresh
