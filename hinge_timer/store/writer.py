"""Writing a run into the history without ever making the thread that fires cues wait.

Qt-free.  At each step boundary the recorder (on the cue thread) builds one small record and gives
it to this writer.  When nothing is pending and nobody holds the lock, :meth:`HistoryWriter.write_now`
commits it right there, in one small transaction that does not wait (busy timeout 0): the boundary
is on disk before the step's cues fire, so a kill loses nothing.  Otherwise (another program holds
the write lock, a full disk, or earlier records still waiting: order is kept) it goes on the
writer's queue.  The writer thread waits at most ``busy_ms`` per attempt; the records are kept in
memory, merged into one pending batch (the newest checkpoint, every finished set, in order) and
tried again with a growing pause until the lock goes.  A full or read-only disk is handled the same
way: said once, caught up later.  One connection (the thread's) serves both, behind a lock that
``write_now`` only ever tries.

Nothing here calls back into the owner's code: what happened (a problem, its end, the run's id,
"everything is saved") goes into a list that the owner empties on its own thread with
``take_notices``; ``wake`` (given by the owner) is called to ask for that.

At exit the owner gives the writer a deadline (``stop(deadline)``).  Whatever the lock still keeps
out by then is written, atomically, to a side file next to the history,
``history.sqlite3.pending-<pid>.jsonl``; :func:`import_pending` adds such files to the history
the next time it opens for writing, file by file, and only then removes each one.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Union

from ..i18n import _, ngettext
from ..safeio import write_atomic
from .db import SCHEMA_VERSION, UnexpectedSchema, configure, unexpected_items
from .db import connect as counted_connect  # counted: see db.open_here
from .errors import HistoryLocked, fault, is_locked

log = logging.getLogger(__name__)

BUSY_MS = 200  # one attempt waits at most this long for another program's lock (on the writer thread)
BACKOFF_S = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)  # then the pauses between attempts, the last one repeated
SIDE_LIMIT = 16 * 1024 * 1024  # a side file larger than this is not read (it is left where it is)
SIDE_VERSION = 1
SIDE_DEPTH = 8  # a side file's line nests 3 deep (the line, its sets, a set's row); deeper is not ours
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what SQLite's INTEGER holds; a side file's number outside it is refused

RUN_COLUMNS = ("session_key", "title", "file", "content_hash", "dose", "started_at", "status", "owner",
               "updated_at", "resume_step", "resume_label", "kiosk", "speed")
SET_COLUMNS = ("step", "drill", "drill_name", "set_no", "sets", "side", "planned_reps", "planned_seconds",
               "status", "reason", "reps_done", "seconds_done", "at", "pauses", "paused_seconds")
RUN_REQUIRED = ("session_key", "title", "file", "content_hash", "dose", "started_at", "status")  # NOT NULL
UPDATE_COLUMNS = ("seconds", "pauses", "paused_seconds", "updated_at", "status", "end_reason", "ended_at",
                  "resume_step", "resume_label", "speed")

Value = Union[str, int, float, None]
Row = dict[str, Value]


# -- the records the recorder sends ------------------------------------------------------------
@dataclass(frozen=True)
class NewRun:
    """A run that starts now: its ``runs`` row."""

    row: Row


@dataclass(frozen=True)
class TakeOver:
    """An interrupted run this process carries on: it is running again, owned by ``owner``."""

    run_id: int
    identity: Row  # session_key and started_at, to make sure a side file finds the same run
    owner: str


@dataclass(frozen=True)
class Boundary:
    """One step boundary: the sets that ended (or were taken back) and the run's checkpoint."""

    sets: tuple[Row, ...]
    gone: tuple[int, ...]
    update: Row


@dataclass(frozen=True)
class Interrupted:
    """The window let go of a run before its end."""

    at: str


@dataclass(frozen=True)
class Discard:
    """Give up resuming an interrupted run: it stays in the history, as interrupted (queries.discard)."""

    run_id: int


Record = Union[NewRun, TakeOver, Boundary, Interrupted, Discard]


class Refused(ValueError):
    """A side file's batch that cannot go into this history (its run is not in it): left, and named."""


@dataclass
class Batch:
    """Every record not yet in the file, merged: newest checkpoint, each set's newest row, in order."""

    identity: Row = field(default_factory=dict)  # the run's own row (new run) or its key (take-over)
    run_id: int | None = None  # the run's row in the file, once there is one
    insert: bool = False  # the run's row is still to be made
    owner: str | None = None  # a take-over still to be written
    sets: dict[int, Row | None] = field(default_factory=dict)  # None: the set was taken back (deleted)
    update: Row | None = None
    interrupted: str | None = None
    discard: set[int] = field(default_factory=set)  # runs given up for resuming (Discard)

    @property
    def empty(self) -> bool:
        return not (self.insert or self.owner or self.sets or self.update or self.interrupted or self.discard)

    @property
    def has_run(self) -> bool:
        """The batch writes to one run (not only discards)."""
        return bool(self.insert or self.owner or self.sets or self.update or self.interrupted)

    def merge(self, rec: Record) -> None:
        if isinstance(rec, NewRun):
            self.identity, self.insert, self.run_id = dict(rec.row), True, None
        elif isinstance(rec, TakeOver):
            self.identity, self.run_id, self.owner = dict(rec.identity), rec.run_id, rec.owner
        elif isinstance(rec, Boundary):
            for k in rec.gone:
                self.sets[k] = None
            for row in rec.sets:
                step = row["step"]
                assert isinstance(step, int)
                self.sets[step] = row
            self.update = dict(rec.update)
        elif isinstance(rec, Discard):
            self.discard.add(rec.run_id)
        else:
            self.interrupted = rec.at

    def clear(self, run_id: int | None) -> None:
        """What was pending is in the file now."""
        self.run_id = run_id
        self.insert, self.owner, self.update, self.interrupted = False, None, None, None
        self.sets = {}
        self.discard = set()

    # -- writing -------------------------------------------------------------------------------
    def apply(self, c: sqlite3.Connection, find: bool = False) -> int | None:
        """Write the batch inside the caller's transaction; return the run's id (None: the batch held no
        run, only discards).  ``find``: the batch comes from a side file, which may have been added once
        already or may name a run of a history that was replaced since; look the run up by what it is,
        not only by its id.  Raises :class:`Refused` when its run is not in the file and the batch
        cannot make it (a take-over carries only the run's key): nothing is invented."""
        for rid in sorted(self.discard):
            c.execute("UPDATE runs SET status = 'interrupted', ended_at = updated_at, resume_step = NULL"
                      " WHERE id = ? AND status = 'running'", (rid,))
        if not self.has_run:
            return self.run_id
        run_id = self.run_id
        if run_id is not None and find and not _same_run(c, run_id, self.identity):
            run_id = None
        if run_id is None and find:
            run_id = _find_run(c, self.identity)
        if run_id is None:
            missing = [k for k in RUN_REQUIRED if self.identity.get(k) is None]
            if missing:
                what = self.identity.get("started_at")
                raise Refused(f"the run it carries on{f' (started {what})' if isinstance(what, str) else ''} is"
                              f" not in this history, and it lacks {', '.join(missing)} to make it again")
            cols = [k for k in RUN_COLUMNS if k in self.identity]
            cur = c.execute(f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [self.identity[k] for k in cols])
            run_id = cur.lastrowid
            assert run_id is not None
        if self.owner is not None:
            c.execute("UPDATE runs SET status='running', owner=?, ended_at=NULL WHERE id=?", (self.owner, run_id))
        for step, row in self.sets.items():
            if row is None:
                c.execute("DELETE FROM sets WHERE run_id = ? AND step = ?", (run_id, step))
            else:
                cols = [k for k in SET_COLUMNS if k in row]
                c.execute(f"INSERT OR REPLACE INTO sets (run_id, {', '.join(cols)}) VALUES"
                          f" (?, {', '.join('?' * len(cols))})", [run_id, *(row[k] for k in cols)])
        if self.update is not None:
            cols = [k for k in UPDATE_COLUMNS if k in self.update]
            if cols:
                c.execute(f"UPDATE runs SET {', '.join(f'{k}=?' for k in cols)} WHERE id=?",
                          [*(self.update[k] for k in cols), run_id])
        if self.interrupted is not None:
            c.execute("UPDATE runs SET status='interrupted', ended_at=?, updated_at=?, resume_step=NULL"
                      " WHERE id=? AND status='running'", (self.interrupted, self.interrupted, run_id))
        return int(run_id)

    # -- the side file -------------------------------------------------------------------------
    def to_json(self, history: Path) -> str:
        return json.dumps({
            "hinge_timer_pending": SIDE_VERSION, "history": history.name, "identity": self.identity,
            "run_id": None if self.insert else self.run_id, "owner": self.owner,
            "sets": {str(k): v for k, v in self.sets.items()}, "update": self.update,
            "interrupted": self.interrupted, "discard": sorted(self.discard),
        }, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Batch:
        """A batch from one line of a side file (data: checked, never trusted); ValueError if not ours."""
        if not _depth_ok(line, SIDE_DEPTH):
            raise ValueError(f"it nests deeper than the {SIDE_DEPTH} levels this app writes")
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("hinge_timer_pending") != SIDE_VERSION:
            raise ValueError("not a pending run of this version")
        identity = _row(data.get("identity"), RUN_COLUMNS)
        sets: dict[int, Row | None] = {}
        raw_sets = data.get("sets")
        if not isinstance(raw_sets, dict):
            raise ValueError("sets is not a table")
        for k, v in raw_sets.items():
            if not (k.isascii() and k.isdigit() and len(k) <= 18):
                raise ValueError(f"set {k[:40]!r} is not a step number")
            sets[int(k)] = None if v is None else _row(v, SET_COLUMNS)
        run_id = data.get("run_id")
        owner = data.get("owner")
        interrupted = data.get("interrupted")
        if not (run_id is None or type(run_id) is int) or not (owner is None or isinstance(owner, str)) \
                or not (interrupted is None or isinstance(interrupted, str)):
            raise ValueError("run_id, owner or interrupted has the wrong type")
        if run_id is not None and not INT_MIN <= run_id <= INT_MAX:
            raise ValueError("run_id is outside the numbers a history holds")
        raw_discard = data.get("discard", [])
        if not isinstance(raw_discard, list) or any(
                type(d) is not int or not INT_MIN <= d <= INT_MAX for d in raw_discard):
            raise ValueError("discard is not a list of run numbers")
        update = data.get("update")
        update_row = None if update is None else _row(update, UPDATE_COLUMNS)
        for row in (identity, update_row or {}):
            speed = row.get("speed")
            if speed is not None and not (isinstance(speed, (int, float)) and 0 < speed <= 1e6):
                raise ValueError("speed is not the speed of a clock")
        return cls(identity=identity, run_id=run_id, insert=run_id is None and bool(identity), owner=owner, sets=sets,
                   update=update_row, interrupted=interrupted,
                   discard=set(raw_discard))


def _row(value: object, columns: tuple[str, ...]) -> Row:
    """A row from a side file: only the known columns, only plain values (the file is data)."""
    if not isinstance(value, dict):
        raise ValueError("a row is not a table")
    out: Row = {}
    for k, v in value.items():
        if k not in columns:
            raise ValueError(f"unknown column {k!r}")
        if not (v is None or isinstance(v, (str, int, float))) or isinstance(v, bool):
            raise ValueError(f"{k} has the wrong type")
        if isinstance(v, int) and not INT_MIN <= v <= INT_MAX:
            raise ValueError(f"{k} is outside the numbers a history holds")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{k} is not a finite number")
        out[k] = v
    return out


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\{\}")


def _depth_ok(text: str, limit: int) -> bool:
    """Whether JSON ``text`` nests at most ``limit`` deep, found without parsing it (a line 100,000
    deep would exhaust the parser's recursion): strings dropped, then the innermost bracket pairs
    removed ``limit`` times, each a linear pass in C.  Unbalanced brackets pass (the parser refuses them)."""
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        if not skeleton:
            return True
        skeleton, n = _PAIR.subn("", skeleton)
        if not n:
            return True  # not balanced: json.loads says so, quickly
    return not skeleton


def _same_run(c: sqlite3.Connection, run_id: int, identity: Row) -> bool:
    if not identity:
        return True
    row = c.execute("SELECT session_key, started_at FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row is not None and (row[0], row[1]) == (identity.get("session_key"), identity.get("started_at"))


def _find_run(c: sqlite3.Connection, identity: Row) -> int | None:
    """The run a side file (or a batch written once already) is about, if the file has it: same
    session and start, and the same owner when the batch knows it (a new run's row); a take-over knows
    only the key, so it finds a run only when exactly one has that key (never a guess between two)."""
    if not identity.get("session_key") or not identity.get("started_at"):
        return None
    rows = c.execute("SELECT id, owner FROM runs WHERE session_key = ? AND started_at = ? ORDER BY id",
                     (identity["session_key"], identity["started_at"])).fetchall()
    owner = identity.get("owner")
    if owner is not None:
        rows = [r for r in rows if r[1] == owner]
        return int(rows[0][0]) if rows else None
    return int(rows[0][0]) if len(rows) == 1 else None


# -- what went wrong -------------------------------------------------------------------------------
def problem_text(exc: BaseException, db_path: str) -> str:
    """What the user is told about a failed write, by its kind (errors.fault: SQLite's code, not its words)."""
    kind = fault(exc, db_path)
    if isinstance(kind, HistoryLocked):
        # Translators: {path} is the history file's path.
        return _("The history is in use by another program: {path}. This run is kept and will be saved "
                 "as soon as the history is free. The session goes on.").format(path=db_path)
    # Translators: {reason} is why ("the disk is full"; lower case), {path} the history file's path.
    return _("History cannot be saved ({reason}): {path}. The session goes on.").format(
        reason=kind.said_reason, path=db_path)


def connect(path: Path, busy_ms: int = BUSY_MS) -> sqlite3.Connection:
    """A writing connection to an existing history (never creates one), waiting at most ``busy_ms``.
    The schema is checked first, as at open: a trigger planted since must never fire on our writes
    (:class:`~.db.UnexpectedSchema`, an ``sqlite3.DatabaseError``, when the file is not ours to write)."""
    # (used by the writer's thread, and by write_now on the window's)
    conn = counted_connect(path, f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_ms / 1000)
    try:
        configure(conn, busy_ms)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version != SCHEMA_VERSION:
            raise UnexpectedSchema([f"history version {version} (this one writes {SCHEMA_VERSION})"], version=version)
        extra = unexpected_items(conn, version)
        if extra:
            raise UnexpectedSchema(extra)
    except BaseException:
        conn.close()
        raise
    return conn


# -- the side file -------------------------------------------------------------------------------------
_side_lock = threading.Lock()  # several writers of one process may spill at the same moment


def side_file(history: Path, pid: int | None = None) -> Path:
    return history.with_name(f"{history.name}.pending-{os.getpid() if pid is None else pid}.jsonl")


def pending_files(history: Path) -> list[Path]:
    try:
        return sorted(p for p in history.parent.glob(f"{history.name}.pending-*.jsonl") if p.is_file())
    except OSError:
        return []


def spill(history: Path, batch: Batch) -> Path:
    """Add ``batch`` to this process's side file, atomically (a new file renamed over the old)."""
    target = side_file(history)
    with _side_lock:
        try:
            old = target.read_bytes()
        except FileNotFoundError:
            old = b""
        write_atomic(target, old + (batch.to_json(history) + "\n").encode("utf-8"))
    return target


@dataclass
class Imported:
    runs: int = 0  # runs actually written from the side files
    files: list[Path] = field(default_factory=list)  # side files added whole, and removed
    problems: list[str] = field(default_factory=list)  # one sentence each: locked (kept), or a file left and why

    @property
    def problem(self) -> str | None:
        return " ".join(self.problems) if self.problems else None

    @property
    def message(self) -> str | None:
        """What to tell the user, or None when there was nothing to do."""
        added = None
        if self.runs == 1:
            added = _("A run kept while the history was in use by another program has been added to it.")
        elif self.runs:
            # Translators: {n} runs (more than one; "A run kept ..." is said for one) kept in side files while
            # another program held the history locked.
            added = ngettext("{n} run kept while the history was in use by another program has been added to it.",
                             "{n} runs kept while the history was in use by another program have been added to it.",
                             self.runs).format(n=self.runs)
        said = [t for t in (added, self.problem) if t]
        return " ".join(said) if said else None


def _left_text(f: Path, why: str) -> str:
    from ..plaintext import printable

    # Translators: {file} is a side file of runs kept next to the history, {why} why it cannot be added.
    return _("{file} holds runs kept from an earlier start but cannot be added ({why}); it is left there.").format(
        file=printable(str(f)), why=printable(why, limit=300))


def import_pending(history: Path, conn: sqlite3.Connection | None = None, busy_ms: int = 0) -> Imported:
    """Add every side file next to ``history`` to it, then remove the files; never waits for a lock
    longer than ``busy_ms`` (0: one try).  A locked history keeps the files for the next time.  Each
    file goes in whole or not at all (a savepoint of its own): a file that cannot be read or added is
    left where it is and named, and the others go in all the same.  Never raises for a file's content."""
    result = Imported()
    files = pending_files(history)
    if not files:
        return result
    from ..safeio import describe, read_regular

    batches: list[tuple[Path, list[Batch]]] = []
    for f in files:
        try:
            text = read_regular(f, SIDE_LIMIT).decode("utf-8")
            batches.append((f, [Batch.from_json(line) for line in text.splitlines() if line.strip()]))
        except OSError as exc:
            result.problems.append(_left_text(f, describe(exc)))
        except Exception as exc:  # ValueError, UnicodeDecodeError, RecursionError ...: the file is data
            result.problems.append(_left_text(f, str(exc) or type(exc).__name__))
    for text in result.problems:
        log.warning("%s", text)
    if not batches:
        return result
    own = conn is None
    try:
        c = connect(history, busy_ms) if conn is None else conn
    except sqlite3.Error as exc:
        result.problems.append(_kept_text(history, exc))
        return result
    old_timeout: int | None = None
    done: list[tuple[Path, int]] = []
    try:
        if not own:
            old_timeout = int(c.execute("PRAGMA busy_timeout").fetchone()[0])
            c.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        c.execute("BEGIN IMMEDIATE")
        try:
            for f, runs in batches:
                c.execute("SAVEPOINT side_file")
                try:
                    written = sum(1 for b in runs if b.apply(c, find=True) is not None)
                except Exception as exc:  # Refused, a constraint, a number SQLite cannot hold ...
                    c.execute("ROLLBACK TO side_file")
                    c.execute("RELEASE side_file")
                    if isinstance(exc, sqlite3.OperationalError) and is_locked(exc):
                        raise
                    text = _left_text(f, str(exc) or type(exc).__name__)
                    log.warning("%s", text)
                    result.problems.append(text)
                    continue
                c.execute("RELEASE side_file")
                done.append((f, written))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        result.problems.append(_kept_text(history, exc))
        return result
    finally:
        if own:
            c.close()
        elif old_timeout is not None:
            c.execute(f"PRAGMA busy_timeout = {old_timeout}")
    for f, written in done:
        try:
            f.unlink()  # only now: what it held is in the history
        except OSError:
            pass
        result.files.append(f)
        result.runs += written
    if done:
        log.info("history: %d kept run(s) added from %s", result.runs, ", ".join(map(str, result.files)))
    return result


def _kept_text(history: Path, exc: BaseException) -> str:
    kind = fault(exc, history)
    if isinstance(kind, HistoryLocked):
        # Translators: {path} is the history file's path.
        return _("Runs kept while the history was in use are still waiting next to {path}: the history is "
                 "in use by another program. They will be added when it is free.").format(path=history)
    # Translators: {path} is the history file's path, {reason} why ("the disk is full"; lower case).
    return _("Runs kept next to {path} cannot be added yet ({reason}); they stay there.").format(
        path=history, reason=kind.said_reason)


# -- the thread ---------------------------------------------------------------------------------------------
Notice = tuple[str, object]  # ("problem", text) ("clear", "") ("run_id", id) ("saved", upto) ("spilled", path)


class HistoryWriter:
    """One thread, one connection, one run's records.

    :meth:`write_now` (the recorder's step-boundary hook) writes a record at once, on the caller's
    thread, when that cannot wait: nothing is pending before it (order is kept), the connection is
    free (``threading.Lock.acquire(blocking=False)``) and SQLite's lock is free (busy timeout 0, one
    try: about 0.4 ms).  Otherwise, and on SQLITE_BUSY/LOCKED, the record is queued for the thread,
    which waits and retries.  So a boundary is committed before the step's cues fire, as a plain write
    would be, unless another program holds the lock, and then it never makes a cue wait."""

    def __init__(self, path: Path, db_path: str, *, wake: Callable[[], None] | None = None,
                 busy_ms: int = BUSY_MS) -> None:
        self.path = path
        self.db_path = db_path
        self.busy_ms = busy_ms
        self._wake = wake
        self._inbox: queue.SimpleQueue[Record | None] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._notices: list[Notice] = []
        self._submitted = 0
        self._saved = 0  # records in the file (or the side file)
        self._tried = 0  # records in the last attempt that failed (saved + pending then)
        self._fails = 0  # attempts that failed
        self._final: int | None = None
        self._stop = False
        self._deadline: float | None = None  # monotonic; past it, what is left goes to the side file
        self._problem: str | None = None  # said once; cleared (and said so) by the next write that works
        # The connection and the batch belong to whoever holds _conn_lock (the thread, or write_now).
        self._conn_lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._batch = Batch()
        self.commits = 0  # transactions written (tests and benchmarks look at it)
        self.direct = 0  # of them, written at once by write_now
        self.attempts = 0
        self.spilled_to: Path | None = None
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    # -- the owner's side (never blocks, except flush/stop with their bounds) ----------------------
    def submit(self, rec: Record, final: bool = False) -> int:
        """Queue a record for the thread (microseconds); ``final``: the run's last, whose writing is announced."""
        with self._cond:
            self._submitted += 1
            n = self._submitted
            if final:
                self._final = n
        self._inbox.put(rec)
        return n

    def write_now(self, rec: Record, final: bool = False) -> bool:
        """Write ``rec`` at once if that needs no waiting at all (see the class); else queue it.  True
        if it is in the file on return.  Never waits for a lock, the disk's lock or the thread's."""
        with self._cond:
            idle = self._saved >= self._submitted and not self._stop and self.spilled_to is None
        if not idle or not self._conn_lock.acquire(blocking=False):
            self.submit(rec, final)
            return False
        try:
            conn, run_id = self._conn, self._batch.run_id
            if conn is None or run_id is None or not self._batch.empty:
                ok = False  # not connected yet, or the run's row is not made yet: the thread does it
            else:
                ok = self._write_at_once(conn, run_id, rec)
            if ok:
                with self._cond:
                    self._submitted += 1
                    self._saved += 1
                    if final:
                        self._final = self._submitted
                    self._cond.notify_all()
        finally:
            self._conn_lock.release()
        if not ok:
            self.submit(rec, final)
            return False
        if final:  # (no problem can be standing: one would have left the batch pending)
            self._notify(("saved", self.submitted))
        return True

    def _write_at_once(self, conn: sqlite3.Connection, run_id: int, rec: Record) -> bool:
        one = Batch(identity=self._batch.identity, run_id=run_id)
        one.merge(rec)
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                conn.execute("BEGIN IMMEDIATE")
                one.apply(conn)
                conn.execute("COMMIT")
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
        except (sqlite3.Error, OSError) as exc:  # a lock, a full disk: the thread tries again (and says so)
            log.debug("history: a boundary goes to the writer thread (%s)", exc)
            return False
        self.commits += 1
        self.direct += 1
        return True

    @property
    def submitted(self) -> int:
        with self._cond:
            return self._submitted

    def take_notices(self) -> list[Notice]:
        with self._cond:
            out, self._notices = self._notices, []
        return out

    @property
    def settled(self) -> bool:
        """Everything submitted is in the file (or in the side file, after a stop)."""
        with self._cond:
            return self._saved >= self._submitted or self.spilled_to is not None

    def flush(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for everything submitted so far to be written, or for an
        attempt at it to fail (a lock, a full disk); True if it was written."""
        with self._cond:
            target, fails = self._submitted, self._fails
            self._cond.wait_for(
                lambda: self._saved >= target or (self._fails > fails and self._tried >= target), timeout)
            return self._saved >= target

    def stop(self, deadline: float | None = None) -> None:
        """Finish: write what is queued, then end.  With a deadline (monotonic), whatever is still
        kept out at that moment goes to the side file; without one, keep trying in the background."""
        with self._cond:
            self._stop = True
            if deadline is not None:
                self._deadline = deadline if self._deadline is None else min(self._deadline, deadline)
        self._inbox.put(None)

    def join(self, timeout: float) -> bool:
        self._thread.join(max(0.0, timeout))
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the writer thread -------------------------------------------------------------------------------
    def _notify(self, *notices: Notice) -> None:
        with self._cond:
            self._notices.extend(notices)
        wake = self._wake
        if wake is not None:
            try:
                wake()
            except Exception:  # the owner is gone (a closed window): the notices wait in the list
                log.debug("history writer: wake failed", exc_info=True)

    def _run(self) -> None:
        pending = 0  # records merged into the batch and not yet written
        tries = 0
        retry_at = 0.0
        try:
            with self._conn_lock:
                try:
                    self._conn = connect(self.path, self.busy_ms)  # now, so write_now has it for the boundaries
                except (sqlite3.Error, OSError) as exc:
                    log.debug("history writer: cannot connect yet (%s)", exc)
            while True:
                # Wait for a record, for the next retry, or for the deadline.
                now = time.monotonic()
                with self._cond:
                    stopping, deadline = self._stop, self._deadline
                if self._batch.empty and stopping and self._inbox.empty():
                    break
                wait: float | None = None
                if not self._batch.empty:
                    wait = max(0.0, retry_at - now)
                    if deadline is not None:
                        wait = min(wait, max(0.0, deadline - now))
                try:
                    rec = self._inbox.get(timeout=wait) if wait is None or wait > 0 else self._inbox.get_nowait()
                    items = [rec]
                except queue.Empty:
                    items = []
                while True:  # take everything that is waiting: one transaction for all of it
                    try:
                        items.append(self._inbox.get_nowait())
                    except queue.Empty:
                        break
                with self._conn_lock:
                    for rec in items:
                        if rec is not None:
                            self._batch.merge(rec)
                            pending += 1
                    if self._batch.empty:
                        with self._cond:
                            self._saved += pending
                            pending = 0
                            self._cond.notify_all()
                        continue
                    if time.monotonic() >= retry_at:
                        wrote, pending, tries, retry_at = self._attempt(pending, tries, retry_at)
                        if wrote:
                            continue
                with self._cond:
                    deadline = self._deadline
                if deadline is not None and time.monotonic() >= deadline and not self._batch.empty:
                    with self._conn_lock:
                        self._spill(self._batch, pending)
                    break
        except Exception:  # a bug, not a lock: keep what is pending rather than lose it
            log.exception("history writer failed")
            with self._conn_lock:
                if not self._batch.empty:
                    self._spill(self._batch, pending)
        finally:
            with self._conn_lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

    def _attempt(self, pending: int, tries: int, retry_at: float) -> tuple[bool, int, int, float]:
        """One transaction for the whole batch (the caller holds _conn_lock)."""
        batch = self._batch
        self.attempts += 1
        conn = self._conn
        try:
            if conn is None:
                conn = self._conn = connect(self.path, self.busy_ms)
            conn.execute("BEGIN IMMEDIATE")
            run_id = batch.apply(conn)
            conn.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            if conn is not None and conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if not is_locked(exc) and conn is not None:
                conn.close()  # a full or read-only disk: start afresh next time
                self._conn = None
            text = problem_text(exc, self.db_path)
            if text != self._problem:  # said once; the retries only go to the debug log
                log.info("%s [%s]", text, exc)  # the owner tells the user (on_problem)
                self._problem = text
                self._notify(("locked" if is_locked(exc) else "problem", text))
            retry_at = time.monotonic() + BACKOFF_S[min(tries, len(BACKOFF_S) - 1)]
            with self._cond:
                self._tried = self._saved + pending
                self._fails += 1
                self._cond.notify_all()
            return False, pending, tries + 1, retry_at
        self.commits += 1
        first_id = batch.run_id is None and batch.has_run
        batch.clear(run_id)
        notices: list[Notice] = []
        if first_id and run_id is not None:
            notices.append(("run_id", run_id))
        if self._problem is not None:
            self._problem = None
            notices.append(("clear", ""))
        with self._cond:
            self._saved += pending
            self._cond.notify_all()
            final = self._final is not None and self._saved >= self._final
        if final:
            notices.append(("saved", self._saved))
        if notices:
            self._notify(*notices)
        return True, 0, 0, retry_at

    def _spill(self, batch: Batch, merged: int) -> None:
        """What a lock still keeps out at the deadline goes to the side file (the caller holds _conn_lock)."""
        # Records still in the inbox (submitted after the stop) go with the rest.
        while True:
            try:
                rec = self._inbox.get_nowait()
            except queue.Empty:
                break
            if rec is not None:
                batch.merge(rec)
                merged += 1
        try:
            where = spill(self.path, batch)
        except OSError as exc:
            # Translators: at exit; {path} is the history file's path, {error} the system's words on the side file.
            text = _("This run could not be saved: the history {path} was still in use and the run "
                     "could not be kept next to it either ({error}).").format(path=self.db_path, error=exc.strerror or exc)
            log.error("history: this run could not be saved: %s was still in use and the run could not be kept "
                      "next to it either (%s)", self.db_path, exc.strerror or exc)
            self._notify(("problem", text))
            return
        self.spilled_to = where
        log.warning("history: still in use at exit; the run is kept in %s and will be added the next time "
                    "the history opens", where)
        with self._cond:
            self._saved += merged
            self._cond.notify_all()
        self._notify(("spilled", str(where)))
