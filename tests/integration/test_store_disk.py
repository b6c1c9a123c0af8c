"""A real full disk and a real read-only disk under the history: a small tmpfs, mounted for the test.

Mounting needs root (CI runs as root).  Elsewhere these tests skip, and with CI=true they fail.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.session.timeline import StepKind
from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, open_history
from hinge_timer.store.errors import HistoryFull, HistoryReadOnly, faults
from hinge_timer.store.recorder import Recorder
from tests.unit.test_store import finish, source, timeline, until_step


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        why = f"cannot mount a tmpfs here ({r.stderr.strip() or r.returncode}); needs root"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path) -> Path:
    """Write until the disk says no space."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def remount(mnt: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mnt)], check=True)


def run_on(h, problems):
    tl = timeline()
    clock = FakeClock()
    runner = Runner(tl, clock)
    rec = Recorder(h.conn, source(), tl, on_problem=problems.append, db_path=str(h.path))
    rec.begin(runner)
    runner.start(clock())
    return runner, clock


def test_a_full_disk_mid_session_is_said_once_nothing_saved_is_lost_and_it_catches_up(small_disk):
    h = open_history(small_disk)
    problems: list[str] = []
    runner, clock = run_on(h, problems)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK and s.set_no == 2)
    saved = history.runs(h.conn)[0].sets_done
    assert saved > 0
    filler = fill(small_disk)
    until_step(runner, clock, lambda s: s.kind is StepKind.REST and s.set_no == 0)  # several boundaries
    assert len(problems) == 1, problems
    assert "disk is full" in problems[0] and str(h.path) in problems[0]
    assert history.runs(h.conn)[0].sets_done >= saved  # nothing saved was lost
    # The kind comes from SQLite's code: a write of our own says HistoryFull, naming the file.
    with pytest.raises(HistoryFull) as info, faults(h.path):
        h.conn.execute("BEGIN IMMEDIATE")
        try:
            h.conn.execute("INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status)"
                           " VALUES ('k', ?, 'f', 'h', 'low', '2026-11-02T08:00:00+00:00', 'ended')", ("x" * 2_000_000,))
        finally:
            if h.conn.in_transaction:  # (SQLite may have rolled it back itself)
                h.conn.execute("ROLLBACK")
    assert str(info.value) == f"The history {h.path} cannot be written: the disk is full."
    filler.unlink()  # space again: the next boundary writes everything it missed
    finish(runner, clock)
    assert problems[-1] == ""
    (run,) = history.runs(h.conn)
    assert run.status == "completed" and run.sets_done == run.sets_planned
    h.close()


def test_a_read_only_disk_the_session_runs_and_history_shows_what_was_saved(small_disk):
    h = open_history(small_disk)
    runner, clock = run_on(h, [])
    finish(runner, clock)
    h.close()
    remount(small_disk, "ro")
    try:
        again = open_history(small_disk)  # the next start, on a disk that went read-only
        assert not again.writable and "cannot be" in again.problem and str(small_disk) in again.problem
        (saved,) = history.runs(again.conn)  # what was saved can still be read
        assert saved.status == "completed"
        problems: list[str] = []
        runner, clock = run_on(again, problems)  # a recorder on it anyway: said once, the session runs
        finish(runner, clock)
        assert len(problems) == 1 and "History cannot be saved" in problems[0]
        again.close()
        plain = sqlite3.connect(small_disk / FILE_NAME, isolation_level=None)  # a write of our own: read-only
        with pytest.raises(HistoryReadOnly) as info, faults(small_disk / FILE_NAME):
            plain.execute("UPDATE runs SET title = title")
        plain.close()
        assert str(small_disk / FILE_NAME) in str(info.value) and "cannot be written" in str(info.value)
    finally:
        remount(small_disk, "rw")


def test_no_folder_can_be_made_history_is_off_with_one_message(small_disk):
    remount(small_disk, "ro")
    try:
        h = open_history(small_disk / "data")
        assert h.conn is None and "cannot be made" in h.problem and str(small_disk / "data") in h.problem
    finally:
        remount(small_disk, "rw")
