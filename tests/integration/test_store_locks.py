"""A healthy history held locked by another program (a real second process) is in use, not damaged.

It is never moved aside; opening waits no more than a moment; ``History.locked`` says so and
``History.retry()`` opens it once the other program lets go, with every run still there.
"""

from __future__ import annotations

import time
from pathlib import Path
from datetime import date

import pytest

from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, SCHEMA_VERSION, is_locked, migrate, open_history
from tests.sqlite_lock import EXCLUSIVE, ROLLBACK_JOURNAL, WRITE_LOCK, held
from tests.unit.test_store import add_run


def mine(folder, n=3):
    h = open_history(folder)
    ids = [add_run(h.conn, date(2026, 10, 1 + k), dose="high" if k % 2 else "low") for k in range(n)]
    h.close()
    return ids


def names(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("statements", [EXCLUSIVE, ROLLBACK_JOURNAL], ids=["exclusive", "rollback-journal"])
def test_a_locked_history_is_left_where_it_is_and_opens_when_the_lock_goes(tmp_path, statements):
    ids = mine(tmp_path)
    with held(tmp_path / FILE_NAME, statements):
        t = time.monotonic()
        h = open_history(tmp_path)
        took = time.monotonic() - t
        assert took < 1.0, f"opening waited {took:.2f} s on the lock"  # ~0.1 s: a generous ceiling
        assert h.locked and not h.writable and h.moved_to is None
        assert names(tmp_path) == [FILE_NAME]  # nothing moved aside, nothing new
        assert "in use by another program" in h.problem and str(tmp_path / FILE_NAME) in h.problem
        assert "damaged" not in h.problem and "runs are kept" in h.problem
        t = time.monotonic()
        assert h.retry(timeout=0) is False and h.locked  # still held
        assert time.monotonic() - t < 1.0
    assert h.retry() is True
    assert not h.locked and h.writable and h.problem is None
    assert [r.id for r in history.runs(h.conn)] == ids[::-1]
    add_run(h.conn, date(2026, 10, 9))  # and it takes new runs again
    assert len(history.runs(h.conn)) == len(ids) + 1
    h.close()


def test_a_write_lock_in_wal_mode_still_opens_for_reading_and_writing_later(tmp_path):
    """Another writer mid-transaction: the history opens at once; writes wait for it (the recorder's part)."""
    ids = mine(tmp_path)
    with held(tmp_path / FILE_NAME, WRITE_LOCK):
        t = time.monotonic()
        h = open_history(tmp_path)
        assert time.monotonic() - t < 1.0
        assert not h.locked and h.writable and h.problem is None
        assert [r.id for r in history.runs(h.conn)] == ids[::-1]
        h.conn.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(Exception) as info:
            add_run(h.conn, date(2026, 10, 9))
        assert is_locked(info.value)
    add_run(h.conn, date(2026, 10, 9))
    h.close()


def test_an_old_history_that_cannot_be_migrated_under_a_lock_is_kept_for_later(tmp_path):
    import sqlite3

    path = tmp_path / FILE_NAME
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    migrate(c, target=SCHEMA_VERSION - 1)
    c.execute("INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status, seconds)"
              " VALUES ('kims-knees', 'Kim''s knees', 'k.toml', 'h', 'low', '2026-09-30T07:00:00+00:00',"
              " 'completed', 420)")
    c.close()
    with held(path, WRITE_LOCK):
        h = open_history(tmp_path)
        assert h.locked and not h.writable and names(tmp_path) == [FILE_NAME]
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    assert h.retry()
    assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(r.title, r.seconds) for r in history.runs(h.conn)] == [("Kim's knees", 420.0)]
    h.close()


def test_history_under_a_lock_in_a_relative_data_dir_is_said_not_a_traceback(tmp_path, monkeypatch, capsys):
    """`--data-dir d` (relative) with the history held: the read-only view needs a file URI, which a
    relative path cannot give; it once ended `hinge-timer history` in a ValueError traceback."""
    from hinge_timer.cli import main

    monkeypatch.chdir(tmp_path)
    h = open_history(Path("d"))
    add_run(h.conn, date(2026, 10, 1))
    h.close()
    with held(Path("d") / FILE_NAME, EXCLUSIVE):
        assert main(["--data-dir", "d", "history"]) in (0, 1)
        h = open_history(Path("d"))
        assert h.locked and h.moved_to is None
        h.close()
    err = capsys.readouterr().err
    assert "in use by another program" in err and "Traceback" not in err
    assert names(tmp_path / "d") == [FILE_NAME]
