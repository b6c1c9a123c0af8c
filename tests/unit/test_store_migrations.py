"""Every earlier schema version migrates to the current one, keeping what it held."""

from __future__ import annotations

import sqlite3

import pytest

from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, MIGRATIONS, SCHEMA_VERSION, migrate, open_history

# What a user of each version could have in their file (a finished run and one cut off mid-way).
SAMPLE = {
    1: [
        "INSERT INTO runs (id, session_key, title, file, content_hash, dose, started_at, ended_at, status, seconds)"
        " VALUES (1, 'hip-hinge-mobility', 'Hip hinge mobility', 'hip-hinge-mobility.toml', 'abc', 'low',"
        " '2026-11-01T08:00:00+00:00', '2026-11-01T08:30:00+00:00', 'completed', 1800)",
        "INSERT INTO runs (id, session_key, title, file, content_hash, dose, started_at, status, seconds)"
        " VALUES (2, 'hip-hinge-mobility', 'Hip hinge mobility', 'hip-hinge-mobility.toml', 'abc', 'high',"
        " '2026-11-03T08:00:00+00:00', 'running', 300)",
        "INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, side, planned_seconds, status,"
        " seconds_done, at) VALUES (1, 3, 0, 'Banded hip distraction', 1, 2, 'left', 60, 'done', 60,"
        " '2026-11-01T08:02:00+00:00')",
        "INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, planned_reps, status, reason, reps_done,"
        " seconds_done, at) VALUES (2, 9, 2, 'Jefferson curl', 1, 3, 5, 'stopped', 'it hurts', 2, 31.5,"
        " '2026-11-03T08:05:00+00:00')",
    ],
    2: [
        "INSERT INTO runs (id, session_key, title, file, content_hash, dose, started_at, status, seconds, pauses,"
        " paused_seconds, resume_step, resume_label, owner, updated_at) VALUES (3, 'quick-warm-up',"
        " 'Quick warm-up before lifting', 'quick-warm-up.toml', 'def', 'low', '2026-11-04T08:00:00+00:00',"
        " 'running', 60, 1, 12.5, 4, 'Banded hip distraction, left side', 'gone:1', '2026-11-04T08:01:00+00:00')",
    ],
    3: [  # a stranger's run on a kiosk, and a person's own session file, with a set on one side
        "INSERT INTO runs (id, session_key, title, file, content_hash, dose, started_at, ended_at, status, seconds,"
        " updated_at, kiosk) VALUES (4, 'quick-warm-up', 'Quick warm-up before lifting', 'quick-warm-up.toml',"
        " 'def', 'low', '2026-11-05T18:00:00+00:00', '2026-11-05T18:07:00+00:00', 'completed', 413, "
        " '2026-11-05T18:07:00+00:00', 1)",
        "INSERT INTO runs (id, session_key, title, file, content_hash, dose, started_at, ended_at, status, seconds,"
        " updated_at) VALUES (5, '/home/kim/sessions/evening.toml', 'Kim''s evening hinge',"
        " '/home/kim/sessions/evening.toml', '0f1e', 'high', '2026-11-06T19:30:00+00:00',"
        " '2026-11-06T19:41:00+00:00', 'completed', 677, '2026-11-06T19:41:00+00:00')",
        "INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, side, planned_seconds, status,"
        " seconds_done, at, pauses, paused_seconds) VALUES (5, 7, 1, 'Couch stretch', 2, 3, 'right', 47, 'done',"
        " 47, '2026-11-06T19:38:00+00:00', 1, 9.5)",
    ],
}


def make_at(path, version: int) -> None:
    """A file as a user of ``version`` has it: each version's data written while it was current."""
    conn = sqlite3.connect(path, isolation_level=None)
    for v in range(1, version + 1):
        migrate(conn, target=v)
        for sql in SAMPLE.get(v, []):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_version_migrates_and_keeps_its_runs(tmp_path, version):
    assert all(v in SAMPLE for v in range(1, SCHEMA_VERSION)), "add a SAMPLE for the new version"
    make_at(tmp_path / FILE_NAME, version)
    h = open_history(tmp_path)
    assert h.problem is None and h.writable
    assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert h.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = {r.id: r for r in history.runs(h.conn)}
    if version == 0:
        assert rows == {}
    else:
        assert rows[1].status == "completed" and rows[1].seconds == 1800 and rows[1].sets_done == 1
        # a run left running by a version that could not resume is interrupted, not offered again
        assert rows[2].status == "interrupted" and 2 not in [r.id for r in history.interrupted(h.conn)]
        assert rows[2].stopped_drills == "Jefferson curl (it hurts)"
        (stop,) = history.run_sets(h.conn, 2)
        assert (stop.reps_done, stop.seconds_done, stop.pauses) == (2, 31.5, 0)
        kiosks = 1 if version >= 3 else 0  # (version 3's sample has one)
        assert h.conn.execute("SELECT count(*) FROM runs WHERE kiosk = 0").fetchone()[0] == len(rows) - kiosks
    if version >= 2:
        # a run cut off under version 2 can still be resumed after the migration
        (found,) = history.interrupted(h.conn)
        assert (found.id, found.resume_step, found.seconds) == (3, 4, 60)
    if version >= 3:
        assert (rows[4].seconds, rows[4].outcome) == (413, "complete")
        assert h.conn.execute("SELECT kiosk FROM runs WHERE id = 4").fetchone()[0] == 1
        assert (rows[5].title, rows[5].dose, rows[5].seconds) == ("Kim's evening hinge", "high", 677)
        (couch,) = history.run_sets(h.conn, 5)
        assert (couch.drill_name, couch.set_no, couch.side, couch.paused_seconds) == ("Couch stretch", 2, "right", 9.5)
    # Every run made before runs had a clock speed counts as one in real time.
    assert all(r.speed == 1 and r.counted and r.speed_word == "" for r in rows.values())
    assert len(history.days_trained(list(rows.values()))) == len({r.started.date() for r in rows.values()})
    h.close()


def test_a_failed_migration_leaves_the_file_at_its_version(tmp_path):
    path = tmp_path / FILE_NAME
    make_at(path, 1)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE INDEX runs_by_start ON runs(started_at)")  # the 1 -> 2 step will collide with it
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "pauses" not in [c[1] for c in conn.execute("PRAGMA table_info(sets)")]  # all or nothing
    conn.close()


def test_migrations_are_numbered_by_position():
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 2
