"""The history's domain errors (store/errors.py), from real SQLite failures: a lock held by a second
process, a read-only file, a damaged file, a newer history; chosen by SQLite's error code, never by the
words of its message.  (The full disk, and a read-only disk, are in tests/integration/test_store_disk.py.)"""

from __future__ import annotations

import errno
import sqlite3
from datetime import date

import pytest

from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, SCHEMA_VERSION, open_history
from hinge_timer.store.errors import (
    SQLITE_BUSY,
    SQLITE_FULL,
    HistoryBug,
    HistoryDamaged,
    HistoryFault,
    HistoryFull,
    HistoryLocked,
    HistoryNewer,
    HistoryReadOnly,
    HistoryUnexpected,
    fault,
    faults,
    is_locked,
)
from hinge_timer.store.writer import connect, problem_text
from tests.sqlite_lock import EXCLUSIVE, LOCK, held
from tests.unit.test_store import add_run, damage_a_history


def one_sentence_naming(exc: HistoryFault, path) -> None:
    text = str(exc)
    assert str(path) in text and text.endswith(".") and "\n" not in text, text
    assert text.startswith(f"The history {path} "), text


@pytest.fixture
def db(tmp_path):
    h = open_history(tmp_path)
    add_run(h.conn, date(2026, 11, 2))
    h.close()
    return tmp_path / FILE_NAME


def raised(fn) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as info:
        fn()
    return info.value


def test_a_write_lock_held_by_another_process_is_history_locked(db):
    c = sqlite3.connect(db, isolation_level=None, timeout=0)
    with held(db, LOCK["immediate"]):
        exc = raised(lambda: c.execute("BEGIN IMMEDIATE"))
    c.close()
    kind = fault(exc, db)
    assert isinstance(kind, HistoryLocked) and is_locked(exc)
    one_sentence_naming(kind, db)
    assert "in use by another program" in str(kind)


def test_a_whole_file_held_exclusively_fails_a_read_as_history_locked(db):
    c = sqlite3.connect(db, isolation_level=None, timeout=0)
    with held(db, EXCLUSIVE):
        with pytest.raises(HistoryLocked) as info, faults(db):
            history.runs(c)
    c.close()
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)  # raised from SQLite's own error
    one_sentence_naming(info.value, db)


def test_a_read_only_file_is_history_read_only(db):
    c = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(HistoryReadOnly) as info, faults(db):
        add_run(c, date(2026, 11, 3))
    c.close()
    one_sentence_naming(info.value, db)
    assert "cannot be written" in str(info.value) and "read-only" in str(info.value)


def test_a_damaged_file_is_history_damaged(tmp_path):
    path = damage_a_history(tmp_path)
    c = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(HistoryDamaged) as info, faults(path):
        history.runs(c)
    c.close()
    assert type(info.value) is HistoryDamaged
    one_sentence_naming(info.value, path)


def test_a_file_that_is_not_a_database_is_history_damaged(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes(b"my notes " * 1000)
    c = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(HistoryDamaged), faults(path):
        c.execute("SELECT count(*) FROM runs").fetchone()
    c.close()


def test_a_newer_history_is_history_newer_when_a_writer_connects(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 2}")
    c.close()
    with pytest.raises(HistoryNewer) as info, faults(db):
        connect(db, busy_ms=0)
    assert info.value.version == SCHEMA_VERSION + 2 and info.value.ours == SCHEMA_VERSION
    one_sentence_naming(info.value, db)
    assert "newer Hinge Timer" in str(info.value)
    again = open_history(db.parent)  # the open says so too, and leaves it alone
    assert again.conn is None and again.problem.count("newer Hinge Timer") == 1
    again.close()


def test_a_planted_trigger_is_history_unexpected_a_kind_of_damage(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM runs; END")
    c.close()
    with pytest.raises(HistoryUnexpected) as info, faults(db):
        connect(db, busy_ms=0)
    assert isinstance(info.value, HistoryDamaged) and info.value.items == ['trigger "wipe" (on runs)']
    one_sentence_naming(info.value, db)


def test_anything_else_is_a_bug_said_with_sqlites_words(db):
    c = sqlite3.connect(db, isolation_level=None)
    syntax = raised(lambda: c.execute("SELEC 1"))
    c.close()
    closed = raised(lambda: c.execute("SELECT 1"))  # no SQLite code at all
    for exc in (syntax, closed):
        kind = fault(exc, db)
        assert type(kind) is HistoryBug
        one_sentence_naming(kind, db)
    assert "SQLITE_ERROR" in str(fault(syntax, db)) and "syntax error" in str(fault(syntax, db))


def test_the_kind_comes_from_the_code_never_from_the_words():
    fake_lock = sqlite3.OperationalError("database is locked")  # the words, but no code
    assert not is_locked(fake_lock) and type(fault(fake_lock, "h.sqlite3")) is HistoryBug
    assert "in use by another program" not in problem_text(fake_lock, "h.sqlite3")
    full = sqlite3.OperationalError("database is locked")  # the code says full, whatever the words
    full.sqlite_errorcode = SQLITE_FULL
    assert isinstance(fault(full, "h.sqlite3"), HistoryFull)
    assert problem_text(full, "h.sqlite3") == "History cannot be saved (the disk is full): h.sqlite3. The session goes on."
    busy = sqlite3.OperationalError("disk is full")
    busy.sqlite_errorcode = SQLITE_BUSY | (2 << 8)  # an extended code: SQLITE_BUSY_SNAPSHOT
    assert isinstance(fault(busy, "h.sqlite3"), HistoryLocked) and is_locked(busy)
    assert isinstance(fault(OSError(errno.ENOSPC, "No space left on device"), "h"), HistoryFull)
    assert isinstance(fault(OSError(errno.EROFS, "Read-only file system"), "h"), HistoryReadOnly)
