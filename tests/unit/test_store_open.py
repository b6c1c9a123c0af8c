"""Opening the history when something odd is in its place: a folder, a FIFO, a device, or a file holding
tables, triggers or views this version did not make.  Real files, real FIFOs; a block fails, not hangs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hinge_timer.cli import main
from hinge_timer.store import history
from hinge_timer.store.db import (
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    expected_schema,
    migrate,
    open_history,
    start_over,
    unexpected_items,
)
from tests.unit.test_settings_files import in_thread
from tests.unit.test_store import add_run


def my_history(folder, days=(3, 4, 5)):
    """A history with three of my runs in it."""
    h = open_history(folder)
    ids = [add_run(h.conn, date(2026, 11, d), dose="high" if d == 4 else "low") for d in days]
    h.close()
    return ids


def plant(path, *sql):
    c = sqlite3.connect(path, isolation_level=None)
    for s in sql:
        c.execute(s)
    c.close()


def count_runs(path) -> int:
    c = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return c.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        c.close()


# -- not a regular file ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["folder", "fifo", "device link", "fifo as -wal"])
def test_a_non_regular_file_in_place_of_the_history_is_left_alone_and_history_is_off(tmp_path, kind):
    path = tmp_path / FILE_NAME
    odd = path
    if kind == "folder":
        path.mkdir()
        (path / "keep.txt").write_text("mine")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device link":
        path.symlink_to("/dev/zero")
    else:
        my_history(tmp_path)
        odd = tmp_path / (FILE_NAME + "-wal")
        os.mkfifo(odd)
    h = in_thread(lambda: open_history(tmp_path))
    assert h.conn is None and not h.writable and h.moved_to is None
    assert str(odd) in h.problem and "not a regular file" in h.problem and "Errno" not in h.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({FILE_NAME, odd.name})  # nothing moved or made
    if kind == "folder":
        assert (path / "keep.txt").read_text() == "mine"


def test_history_and_run_in_the_terminal_with_a_folder_in_its_place(tmp_path, capsys):
    (tmp_path / FILE_NAME).mkdir()
    assert in_thread(lambda: main(["history", "--data-dir", str(tmp_path)])) == 1
    err = capsys.readouterr().err
    assert "is a folder, not a regular file" in err and "Errno" not in err and "Traceback" not in err
    out = subprocess.run([sys.executable, "-m", "hinge_timer", "--data-dir", str(tmp_path), "run", "quick-warm-up",
                          "--terminal", "--speed", "500"], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parents[2], stdin=subprocess.DEVNULL,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert "is a folder, not a regular file" in out.stderr and "Errno" not in out.stderr
    assert "Traceback" not in out.stderr and "Banded hip distraction" in out.stdout  # the session ran anyway
    assert (tmp_path / FILE_NAME).is_dir()


def test_history_with_a_fifo_in_its_place_does_not_block(tmp_path, capsys):
    os.mkfifo(tmp_path / FILE_NAME)
    assert in_thread(lambda: main(["history", "--data-dir", str(tmp_path)])) == 1
    assert "named pipe" in capsys.readouterr().err


# -- what this version made ----------------------------------------------------------------------------------
def test_the_expected_schema_comes_from_the_migrations():
    fresh = expected_schema()
    assert ("table", "runs", "runs") in fresh and ("index", "runs_by_start", "runs") in fresh
    assert ("index", "sqlite_autoindex_sets_1", "sets") in fresh  # the primary key of sets
    assert not any(kind in ("trigger", "view") for kind, _, _ in fresh)
    c = sqlite3.connect(":memory:", isolation_level=None)
    migrate(c, target=1)
    assert unexpected_items(c, 1) == [] and ("index", "runs_by_start", "runs") not in expected_schema(1)
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_a_healthy_history_and_one_sqlite_analysed_are_not_called_unexpected(tmp_path):
    my_history(tmp_path)
    plant(tmp_path / FILE_NAME, "ANALYZE")  # sqlite_stat1: SQLite's own, made on request
    h = open_history(tmp_path)
    assert h.problem is None and h.writable and h.unexpected == []
    h.close()


def test_a_planted_trigger_is_named_and_never_runs(tmp_path):
    """The issue's trigger deleted two of three runs; here it must not delete any."""
    ids = my_history(tmp_path)
    path = tmp_path / FILE_NAME
    plant(path, "CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM runs; END",
          "CREATE TABLE stash (x)", "CREATE VIEW everything AS SELECT * FROM runs")
    h = open_history(tmp_path)
    assert not h.writable and h.conn is not None and h.moved_to is None
    assert h.unexpected == ['table "stash"', 'trigger "wipe" (on runs)', 'view "everything"']
    assert 'trigger "wipe" (on runs)' in h.problem and 'view "everything"' in h.problem and str(path) in h.problem
    assert "read-only" in h.problem
    assert [r.id for r in history.runs(h.conn)] == ids[::-1]  # what is saved can still be shown
    with pytest.raises(sqlite3.OperationalError, match="readonly"):  # the trigger cannot be set off
        add_run(h.conn, date(2026, 11, 6))
    h.close()
    assert count_runs(path) == 3


def test_a_planted_trigger_in_an_old_version_does_not_fire_in_the_migration(tmp_path):
    path = tmp_path / FILE_NAME
    c = sqlite3.connect(path, isolation_level=None)
    migrate(c, target=1)
    add_run_v1 = ("INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status, seconds)"
                  " VALUES ('k', 'Kim''s knees', 'f', 'h', 'low', '2026-11-01T08:00:00+00:00', 'running', 60)")
    c.execute(add_run_v1)
    c.execute(add_run_v1)
    c.execute("CREATE TRIGGER gone AFTER UPDATE ON runs BEGIN DELETE FROM runs WHERE id = old.id; END")
    c.close()
    h = open_history(tmp_path)  # the 1 -> 2 migration UPDATEs runs: it must not run here
    assert not h.writable and h.unexpected == ['trigger "gone" (on runs)']
    assert h.conn is None  # an older version: the screens cannot read it, and nothing is written
    h.close()
    assert count_runs(path) == 2
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1


def test_moving_an_unexpected_history_aside_keeps_every_run_and_starts_a_new_one(tmp_path):
    ids = my_history(tmp_path)
    plant(tmp_path / FILE_NAME, "CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM runs; END")
    h = open_history(tmp_path)
    fresh = start_over(h)
    assert h.conn is None  # the old one was closed
    assert fresh.writable and fresh.unexpected == [] and fresh.moved_to is not None
    assert fresh.moved_to.name.startswith(FILE_NAME + ".unexpected-")
    assert str(fresh.moved_to) in fresh.problem and "nothing was deleted" in fresh.problem
    assert count_runs(fresh.moved_to) == len(ids)
    kept = sqlite3.connect(fresh.moved_to)
    assert kept.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == [("wipe",)]
    kept.close()
    add_run(fresh.conn, date(2026, 11, 7))
    assert len(history.runs(fresh.conn)) == 1
    fresh.close()


CLOSER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT count(*) FROM runs").fetchone()
c.close()  # another program done with the history: the last user, if it can take the exclusive lock
"""


@pytest.mark.parametrize("again", ["open_history", "writer"])
def test_opening_the_history_again_keeps_this_processs_locks_and_another_program_never_deletes_its_wal(
        tmp_path, again):
    """A second open in this process (the window's retry while a writer holds a connection) once read the
    header with a plain descriptor and closed it, which dropped every POSIX lock the process held on the
    file: another program closing then deleted the -wal and -shm under the open connections, and the runs
    written after went into a deleted file."""
    from hinge_timer.store import writer

    first = open_history(tmp_path)
    add_run(first.conn, date(2026, 11, 3))
    wal = tmp_path / (FILE_NAME + "-wal")
    assert wal.exists()
    if again == "open_history":
        other = open_history(tmp_path)
        assert other.writable and other.problem is None
    else:
        other_conn = writer.connect(tmp_path / FILE_NAME)
        other_conn.close()  # one of several connections here closing: the others keep their locks
    subprocess.run([sys.executable, "-c", CLOSER, str(tmp_path / FILE_NAME)], check=True, timeout=30)
    assert wal.exists(), "another program deleted the WAL this process is writing to"
    add_run(first.conn, date(2026, 11, 4))  # written after: it must be seen by everyone
    out = subprocess.run([sys.executable, "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1])"
                          ".execute('SELECT count(*) FROM runs').fetchone()[0])", str(tmp_path / FILE_NAME)],
                         check=True, capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "2"
    here = sqlite3.connect(tmp_path / FILE_NAME)  # and by a new connection of this process
    assert here.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    here.close()
    if again == "open_history":
        other.close()
    first.close()


def test_a_history_closed_here_is_read_from_its_header_again(tmp_path):
    """Only while a connection is open is the header read skipped: closed (or collected), the next open
    checks it as the first did (a header damaged since is still found)."""
    import gc

    from hinge_timer.store.db import open_here

    h = open_history(tmp_path)
    path = tmp_path / FILE_NAME
    assert open_here(path)
    h.close()
    assert not open_here(path)
    h = open_history(tmp_path)
    h.conn = None  # dropped without a close: collected
    h = None
    gc.collect()
    assert not open_here(path)
    data = bytearray(path.read_bytes())
    data[21:24] = b"\x00\x00\x00"  # damaged since
    path.write_bytes(bytes(data))
    again = open_history(tmp_path)
    assert again.moved_to is not None and "damaged" in again.moved_to.name
    again.close()
