"""Deleting a run from a real history file and putting it back: one transaction each, the same run
(id, every column, every set) back, refused for a run still going, and under a lock held by another
process (a real one) it fails at once and loses nothing."""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import pytest

from hinge_timer.store import history
from hinge_timer.store.db import open_history
from hinge_timer.store.errors import HistoryLocked, fault, is_locked
from tests.sqlite_lock import LOCK, held
from tests.unit.test_store import add_run


def dump(conn) -> tuple[list, list]:
    """Everything the history holds, as a fresh connection reads it."""
    return (conn.execute("SELECT * FROM runs ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM sets ORDER BY run_id, step").fetchall())


def fresh(path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def own_runs(conn) -> list[int]:
    """Three runs of a user's own session; the middle one with a side, a pause and a stop."""
    ids = [add_run(conn, date(2026, 11, d), key="/home/kim/evening.toml", minutes=m) for d, m in ((3, 11), (5, 13))]
    mid = ids[1]
    conn.execute("UPDATE runs SET title = 'Kim''s evening hinge', pauses = 1, paused_seconds = 7.5, speed = 3"
                 " WHERE id = ?", (mid,))
    conn.execute("UPDATE sets SET drill_name = 'Couch stretch', side = 'left', planned_seconds = 47,"
                 " seconds_done = 29, status = 'stopped', reason = 'it hurts', pauses = 1, paused_seconds = 7.5"
                 " WHERE run_id = ? AND step = 1", (mid,))
    ids.append(add_run(conn, date(2026, 11, 7), key="/home/kim/evening.toml", minutes=17))
    return ids


def test_a_deleted_run_goes_with_its_sets_and_comes_back_exactly(tmp_path):
    h = open_history(tmp_path)
    ids = own_runs(h.conn)
    before = dump(fresh(h.path))
    deleted = history.delete_run(h.conn, ids[1])
    assert deleted.row.id == ids[1] and deleted.row.title == "Kim's evening hinge" and len(deleted.sets) == 3
    c = fresh(h.path)
    assert [r[0] for r in c.execute("SELECT id FROM runs ORDER BY id")] == [ids[0], ids[2]]
    assert c.execute("SELECT count(*) FROM sets WHERE run_id = ?", (ids[1],)).fetchone()[0] == 0
    c.close()
    back = history.restore_run(h.conn, deleted)
    assert back == deleted.row  # the same id: what the screen lists
    assert dump(fresh(h.path)) == before  # every column of the run and of each set
    assert [r.id for r in history.runs(h.conn)] == [ids[2], ids[1], ids[0]]
    h.close()


def test_a_run_still_going_is_not_deleted(tmp_path):
    h = open_history(tmp_path)
    rid = add_run(h.conn, date(2026, 11, 3), status="running")
    before = dump(h.conn)
    with pytest.raises(history.NotDeletable, match="waiting on Home to be resumed"):
        history.delete_run(h.conn, rid)
    with pytest.raises(history.NotDeletable, match="no longer in the history"):
        history.delete_run(h.conn, rid + 1)
    assert dump(h.conn) == before and not h.conn.in_transaction
    h.close()


def test_a_run_whose_id_was_taken_meanwhile_comes_back_whole_under_a_new_one(tmp_path):
    h = open_history(tmp_path)
    ids = own_runs(h.conn)
    deleted = history.delete_run(h.conn, ids[2])  # the newest: SQLite gives its id to the next run
    other = add_run(h.conn, date(2026, 11, 9))  # another window records a run meanwhile
    assert other == ids[2]
    back = history.restore_run(h.conn, deleted)
    assert back.id not in ids and back.started == deleted.row.started and back.seconds == 17 * 60
    got = h.conn.execute("SELECT step, drill_name, status, seconds_done FROM sets WHERE run_id = ? ORDER BY step",
                         (back.id,)).fetchall()
    assert got == [(k, "Jefferson curl", "done", 5) for k in range(3)]
    h.close()


def test_under_another_programs_lock_delete_and_undo_fail_at_once_and_lose_nothing(tmp_path):
    h = open_history(tmp_path)
    ids = own_runs(h.conn)
    before = dump(fresh(h.path))
    with held(h.path, LOCK["immediate"]):
        t0 = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as caught:
            history.delete_run(h.conn, ids[1])
        assert time.monotonic() - t0 < 0.5  # busy timeout 0: one try, no wait
        assert is_locked(caught.value) and isinstance(fault(caught.value, h.path), HistoryLocked)
        assert not h.conn.in_transaction
    assert dump(fresh(h.path)) == before  # nothing lost, nothing half-done
    deleted = history.delete_run(h.conn, ids[1])
    with held(h.path, LOCK["exclusive"]):
        with pytest.raises(sqlite3.OperationalError) as caught:
            history.restore_run(h.conn, deleted)
        assert is_locked(caught.value) and not h.conn.in_transaction
    back = history.restore_run(h.conn, deleted)  # once it lets go: the same run again
    assert back.id == ids[1] and dump(fresh(h.path)) == before
    h.close()
