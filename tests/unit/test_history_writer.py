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
from tests.drive import drive
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


@pytest.mark.parametrize("lock", ["immediate", "exclusive"])
def test_the_run_is_kept_while_locked_and_written_when_the_lock_goes(db_path, lock):
    problems: list[str] = []
    saved: list[bool] = []
    with held(db_path, LOCK[lock]) as holder:
        runner, clock, rec = start(db_path, problems, saved)
        worst = drive(runner, clock)  # every boundary of the session, with the lock held
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


# -- hostile and broken side files -------------------------------------------------------------------
def kim_run(**changes):
    """A side file's new run, as the recorder of another start would have kept it (a user's own session)."""
    identity = {"session_key": "/home/kim/kims-knees.toml", "title": "Kim's knees, evening", "file": "kims-knees.toml",
                "content_hash": "ab12", "dose": "high", "started_at": "2026-11-03T19:04:00+00:00",
                "status": "running", "owner": "kims-pc:4242", "updated_at": "2026-11-03T19:04:00+00:00",
                "resume_step": 0, "resume_label": "Get ready", "kiosk": 0}
    line = {"hinge_timer_pending": 1, "history": FILE_NAME, "identity": identity, "run_id": None, "owner": None,
            "sets": {"3": {"step": 3, "drill": 1, "drill_name": "Couch stretch", "set_no": 1, "sets": 2,
                           "side": "left", "planned_reps": None, "planned_seconds": 73.0, "status": "done",
                           "reason": None, "reps_done": None, "seconds_done": 73.0,
                           "at": "2026-11-03T19:06:13+00:00", "pauses": 1, "paused_seconds": 4.5}},
            "update": {"seconds": 151.0, "status": "ended", "end_reason": "window closed",
                       "ended_at": "2026-11-03T19:07:00+00:00", "resume_step": None, "resume_label": None},
            "interrupted": None}
    line.update(changes)
    return json.dumps(line)


def side(db_path, pid, text):
    f = db_path.with_name(f"{FILE_NAME}.pending-{pid}.jsonl")
    f.write_text(text)
    return f


@pytest.mark.parametrize("text, why", [
    ("[" * 100_000 + "]" * 100_000, "nests deeper"),
    ('{"hinge_timer_pending": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests deeper"),
    (kim_run(run_id=99999999999999999999), "run_id is outside"),
    (kim_run(sets={"3": {"step": 3, "reps_done": 2**63}}), "reps_done is outside"),
    (kim_run(sets={"99999999999999999999": None}), "not a step number"),
    (kim_run(update={"seconds": float("inf")}), "seconds is not a finite number"),
])
def test_a_hostile_side_file_is_named_and_left_never_a_traceback(db_path, text, why):
    f = side(db_path, 7, text + "\n")
    result = import_pending(db_path)  # no RecursionError, no OverflowError
    assert result.runs == 0 and result.files == []
    assert str(f) in result.message and why in result.message and "it is left there" in result.message
    assert f.read_text() == text + "\n" and read(db_path)[0] == []


def test_a_number_sqlite_cannot_hold_fails_only_its_own_file_at_insert(db_path):
    """A value that passes the checks but not SQLite: the file's own savepoint is undone, named, kept."""
    bad = side(db_path, 11, kim_run(identity={"session_key": "k", "title": "t", "file": "f", "content_hash": "h",
                                              "dose": "low", "started_at": "s", "status": None}) + "\n")
    good = side(db_path, 12, kim_run() + "\n")
    result = import_pending(db_path)
    assert result.runs == 1 and result.files == [good] and not good.exists()
    assert bad.exists() and str(bad) in result.message and "status" in result.message
    (run,) = read(db_path)[0]
    assert run.title == "Kim's knees, evening"


def test_one_bad_side_file_does_not_hold_back_the_others(db_path):
    good = side(db_path, 101, kim_run() + "\n")
    takeover = side(db_path, 102, kim_run(identity={"session_key": "/home/kim/kims-knees.toml",
                                                    "started_at": "2026-10-01T07:00:00+00:00"},
                                          run_id=57, owner="kims-pc:5151") + "\n")
    junk = side(db_path, 103, "{not json\n")
    result = import_pending(db_path)
    # the good one is in and gone; the take-over of a run this history lacks is refused, not invented
    assert result.runs == 1 and result.files == [good] and not good.exists()
    assert takeover.exists() and junk.exists()
    assert str(takeover) in result.message and "2026-10-01T07:00:00+00:00" in result.message
    assert "is not in this history" in result.message and str(junk) in result.message
    assert result.message.startswith("A run kept while the history was in use")
    runs, sets = read(db_path)
    assert [(r.title, r.status) for r in runs] == [("Kim's knees, evening", "ended")]
    assert [(s.drill_name, s.side, s.paused_seconds) for s in sets[runs[0].id]] == [("Couch stretch", "left", 4.5)]
    again = import_pending(db_path)  # the two left stay left, said again; nothing added twice
    assert again.runs == 0 and takeover.exists() and junk.exists() and len(read(db_path)[0]) == 1


def test_a_take_over_never_lands_on_an_owners_null_run_of_the_same_moment(db_path):
    """Two runs of one session started in the same second (one from before owners were kept): a
    take-over that knows only the key cannot tell them apart, so it touches neither."""
    c = sqlite3.connect(db_path, isolation_level=None)
    for owner in (None, "kims-pc:77"):
        c.execute("INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status, owner)"
                  " VALUES ('/home/kim/kims-knees.toml', 'Kim''s knees', 'k.toml', 'h', 'low',"
                  " '2026-10-01T07:00:00+00:00', 'interrupted', ?)", (owner,))
    c.close()
    f = side(db_path, 5, kim_run(identity={"session_key": "/home/kim/kims-knees.toml",
                                           "started_at": "2026-10-01T07:00:00+00:00"},
                                 run_id=999, owner="kims-pc:88", sets={}, update=None) + "\n")
    result = import_pending(db_path)
    assert result.runs == 0 and f.exists() and "is not in this history" in result.message
    c = sqlite3.connect(db_path)
    assert c.execute("SELECT owner, status FROM runs ORDER BY id").fetchall() == [
        (None, "interrupted"), ("kims-pc:77", "interrupted")]
    c.close()


# -- durability: a boundary is on disk before the step's cues, unless a lock says otherwise ------------
def test_each_boundary_is_committed_before_the_hook_returns_when_nothing_holds_the_lock(db_path):
    runner, clock, rec = start(db_path, [], [])
    assert rec.flush(10)  # the run's row (made by the writer thread, which connects)
    hook = runner.on_step
    seen: list[tuple[int, int | None]] = []

    def checked(r, i, at):
        hook(r, i, at)
        c = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)  # another reader, right now
        try:
            seen.append((i, c.execute("SELECT resume_step FROM runs").fetchone()[0]))
        finally:
            c.close()

    runner.on_step = checked
    worst = drive(runner, clock)
    assert worst < 0.05
    assert seen and all(step == i for i, step in seen[:-1])  # each checkpoint was already in the file
    assert seen[-1][1] is None  # the end: no checkpoint, the run is complete
    assert rec.writer.direct == len(seen)  # none of them went through the thread
    assert rec.flush(5) and rec.saved


def test_under_a_lock_a_boundary_goes_to_the_thread_without_waiting(db_path):
    runner, clock, rec = start(db_path, [], [])
    assert rec.flush(10)
    with held(db_path, LOCK["immediate"]):
        worst = drive(runner, clock)
        assert worst < 0.05 and rec.writer.direct == 0
        assert not rec.flush(0.5)
    assert rec.flush(10)
    (run,) = read(db_path)[0]
    assert run.status == "completed"
