"""The recorder's writer thread against a real lock held by a second process (subprocess): the step
boundary never waits, the run is kept in memory while the lock is held and written when it goes, and
a lock that outlasts the run leaves the run in a side file that the next open adds."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import pytest

from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.session.timeline import StepKind
from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, open_history
from hinge_timer.store.recorder import Recorder
from hinge_timer.store.writer import import_pending, pending_files
from tests.sqlite_lock import LOCK, held, release
from tests.unit.test_store import finish, source, timeline


@pytest.fixture
def db_path(tmp_path):
    h = open_history(tmp_path)
    assert h.writable
    h.close()
    return tmp_path / FILE_NAME


def start(db_path, problems, saved):
    tl = timeline()
    clock = FakeClock()
    runner = Runner(tl, clock)
    rec = Recorder(None, source(), tl, path=db_path, db_path=str(db_path), on_problem=problems.append,
                   on_saved=lambda: saved.append(True))
    rec.begin(runner)
    runner.start(clock())
    return runner, clock, rec


def read(db_path):
    c = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        runs = history.runs(c)
        return runs, {r.id: history.run_sets(c, r.id) for r in runs}
    finally:
        c.close()


def timed_finish(runner, clock):
    """Drive the run to its end and return the longest time one call into the runner took."""
    worst = 0.0
    for _ in range(200_000):
        if runner.finished:
            return worst
        t0 = time.perf_counter()
        snap = runner.snapshot(clock())
        if snap.state.value == "caution":
            runner.acknowledge(clock())
        elif snap.user_counted:
            runner.count_rep(clock())
        else:
            clock.advance(0.5)
            runner.tick(clock())
        worst = max(worst, time.perf_counter() - t0)
    raise AssertionError("did not finish")


@pytest.mark.parametrize("lock", ["immediate", "exclusive"])
def test_the_run_is_kept_while_locked_and_written_when_the_lock_goes(db_path, lock):
    problems: list[str] = []
    saved: list[bool] = []
    with held(db_path, LOCK[lock]) as holder:
        runner, clock, rec = start(db_path, problems, saved)
        worst = timed_finish(runner, clock)  # every boundary of the session, with the lock held
        # A boundary only queues a record: no call waited for the lock (it would be 5 s, or 0.2 s here).
        assert worst < 0.05, f"a step boundary took {worst * 1000:.0f} ms"
        assert not rec.flush(5)  # it cannot be written yet ...
        assert len(problems) == 1 and "in use by another program" in problems[0] and str(db_path) in problems[0]
        assert rec.locked and not rec.saved and saved == []
        assert read(db_path)[0] == []  # ... and nothing is in the file
        release(holder)
        assert rec.flush(10)  # the lock is gone: everything is written, in order
    assert problems == [problems[0], ""] and rec.saved and saved == [True] and not rec.locked
    runs, sets = read(db_path)
    (run,) = runs
    work = [s for s in runner.steps if s.kind is StepKind.WORK]
    assert run.status == "completed" and run.sets_done == run.sets_planned == len(work)
    assert [(s.step, s.drill_name, s.side) for s in sets[run.id]] == [(s.index, s.drill_name, s.side) for s in work]
    assert rec.writer.commits <= 3  # the boundaries kept in memory went in together, not one by one


def test_a_lock_held_past_exit_leaves_a_side_file_that_the_next_open_adds(db_path):
    problems: list[str] = []
    with held(db_path, LOCK["exclusive"]):
        runner, clock, rec = start(db_path, problems, [])
        finish(runner, clock)
        t0 = time.monotonic()
        assert not rec.shutdown(t0 + 0.3)  # exit: waits 0.3 s at most, then keeps the run aside
        assert time.monotonic() - t0 < 2.0
        (side,) = pending_files(db_path)
        assert rec.spilled_to == side and side.name == f"{FILE_NAME}.pending-{__import__('os').getpid()}.jsonl"
        assert str(side) in problems[-1] and "added the next time the history opens" in problems[-1]
        kept = import_pending(db_path)  # still locked: nothing added, the file stays, said in words
        assert kept.runs == 0 and "in use by another program" in (kept.message or "") and side.exists()
    copy = side.with_name("copy")
    shutil.copy(side, copy)
    done = import_pending(db_path)
    assert done.runs == 1 and done.message.startswith("A run kept while the history was in use")
    assert not side.exists() and pending_files(db_path) == []
    (run,) = read(db_path)[0]
    assert run.status == "completed" and run.sets_done == run.sets_planned
    # Added twice (a crash between the commit and the removal): still one run.
    copy.rename(side)
    assert import_pending(db_path).runs == 1
    assert len(read(db_path)[0]) == 1


def test_a_run_taken_back_to_interrupted_keeps_its_sets_through_the_side_file(db_path):
    with held(db_path, LOCK["immediate"]):
        runner, clock, rec = start(db_path, [], [])
        for _ in range(200):  # part of the way in
            clock.advance(0.5)
            runner.tick(clock())
        done = {k for k, o in runner.outcomes.items() if o.status == "done"}
        assert done
        rec.close()  # the window goes home before the end: marked interrupted
        assert not rec.shutdown(time.monotonic() + 0.2)
    assert import_pending(db_path).runs == 1
    runs, sets = read(db_path)
    assert runs[0].status == "interrupted"
    assert {s.step for s in sets[runs[0].id] if s.status == "done"} == done


@pytest.mark.parametrize("text", [
    "{not json\n",
    json.dumps({"hinge_timer_pending": 1, "identity": {"session_key": "x", "started_at": "y",
                                                       "evil); DROP TABLE runs; --": 1}, "sets": {}}) + "\n",
    json.dumps({"hinge_timer_pending": 1, "identity": {}, "sets": {"1": {"step": [1, 2]}}}) + "\n",
])
def test_a_side_file_that_is_not_ours_is_left_where_it_is_and_named(db_path, text):
    side = db_path.with_name(f"{FILE_NAME}.pending-1.jsonl")
    side.write_text(text)
    result = import_pending(db_path)
    assert result.runs == 0 and str(side) in (result.message or "") and "left there" in result.message
    assert side.read_text() == text
    assert read(db_path)[0] == []
