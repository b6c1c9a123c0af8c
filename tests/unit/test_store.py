"""The history on a real SQLite file: recording runs through the real runner, checkpoints, resume,
the history queries, and every bad file and disk the issue names."""

from __future__ import annotations

import io
import csv
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import builtin_session, load_session
from hinge_timer.session.timeline import StepKind, compile_timeline
from hinge_timer.store import history
from hinge_timer.store.db import FILE_NAME, SCHEMA_VERSION, open_history
from hinge_timer.store.recorder import Recorder, RunSource, content_hash, resume_label
from tests.drive import drive

MOBILITY = "hip-hinge-mobility"


class Wall:
    """A wall clock for the records that moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def timeline(dose: str = "low", name: str = MOBILITY):
    return compile_timeline(load_session(builtin_session(name)), dose)


def source(name: str = MOBILITY) -> RunSource:
    f = builtin_session(name)
    tl = timeline(name=name)
    return RunSource(name, tl.session.title, f.name, content_hash(f.read_bytes()))


def start_run(conn, dose="low", wall=None, name=MOBILITY, problems=None):
    tl = timeline(dose, name)
    clock = FakeClock()
    runner = Runner(tl, clock)
    rec = Recorder(conn, source(name), tl, wall=wall or Wall(datetime(2026, 11, 2, 8, tzinfo=timezone.utc)),
                   on_problem=(problems.append if problems is not None else None))
    rec.begin(runner)
    runner.start(clock())
    return runner, clock, rec


def settle(runner):
    """Let the recorder hooked on ``runner`` write what it was given (its writer thread takes milliseconds)."""
    rec = getattr(runner.on_step, "__self__", None)
    if isinstance(rec, Recorder):
        rec.flush(10)  # False when the disk says no (a full disk): the tests look at what was saved


def finish(runner, clock, dt=0.5):
    """Drive the runner to the end as a user would (tests/drive.py), then let its recorder write."""
    drive(runner, clock, dt)
    settle(runner)


def until_step(runner, clock, pred, dt=0.5):
    drive(runner, clock, dt, until=lambda r: pred(r.step))
    settle(runner)


@pytest.fixture
def db(tmp_path):
    h = open_history(tmp_path)
    assert h.problem is None and h.writable
    yield h
    h.close()


def test_a_whole_run_is_recorded_set_by_set(db):
    runner, clock, _rec = start_run(db.conn)
    finish(runner, clock)
    (run,) = history.runs(db.conn)
    work = [s for s in runner.steps if s.kind is StepKind.WORK]
    assert run.status == "completed" and run.clean and run.sets_planned == len(work) == run.sets_done
    assert run.resume_step is None
    sets = history.run_sets(db.conn, run.id)
    assert [s.step for s in sets] == [s.index for s in work]
    for row, step in zip(sets, work):
        assert (row.drill_name, row.set_no, row.side, row.planned_reps) == (
            step.drill_name, step.set_no, step.side, step.reps)
        if step.reps:
            assert row.reps_done == step.reps
        else:
            assert row.seconds_done == pytest.approx(step.duration)
    # the time spent is the session's own length (no pauses, reps counted at once)
    assert run.seconds == pytest.approx(sum(s.duration or 0 for s in runner.steps), abs=1.0)


def test_checkpoint_at_every_boundary_and_not_on_ticks(db):
    runner, clock, rec = start_run(db.conn)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK and s.duration and s.side == "left")
    steps_entered = runner.step_index + 1
    # the run's row, then one record per boundary, however many ticks there were
    assert rec.writer.submitted == 1 + steps_entered
    row = db.conn.execute("SELECT resume_step, resume_label FROM runs").fetchone()
    assert row == (runner.step_index, resume_label(runner.step))
    assert "left side" in row[1]
    # ticks in the middle of the step write nothing
    submitted, commits = rec.writer.submitted, rec.writer.commits
    for _ in range(10):
        clock.advance(0.5)
        runner.tick(clock())
    assert rec.flush(10)
    assert (rec.writer.submitted, rec.writer.commits) == (submitted, commits)


def test_pauses_and_a_stop_are_recorded_with_the_drill_and_moment(db):
    runner, clock, _rec = start_run(db.conn)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK and s.duration and s.side == "left")
    clock.advance(7)
    runner.tick(clock())
    runner.pause(clock())
    clock.advance(30)
    runner.resume(clock())
    clock.advance(3)
    runner.stop_drill(clock(), "it hurts")
    step = [s for s in runner.steps if s.kind is StepKind.WORK and s.side == "left"][0]
    finish(runner, clock)
    (run,) = history.runs(db.conn)
    sets = {s.step: s for s in history.run_sets(db.conn, run.id)}
    stopped = sets[step.index]
    assert stopped.status == "stopped" and stopped.reason == "it hurts"
    assert stopped.seconds_done == pytest.approx(10, abs=0.01)  # the moment in the hold
    assert (stopped.pauses, stopped.paused_seconds) == (1, pytest.approx(30))
    assert run.stopped >= 1 and f"{step.drill_name} (it hurts)" in (run.stopped_drills or "")
    assert run.outcome.startswith("stopped")


def test_resume_carries_on_the_same_run_at_the_step_that_was_running(db):
    runner, clock, rec = start_run(db.conn)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK and s.set_no == 2)
    at = runner.step_index
    clock.advance(1.0)
    runner.tick(clock())
    before = {o.step for o in runner.outcomes.values()}
    # the process dies here: nothing is closed
    (crashed,) = [r for r in history.runs(db.conn)]
    assert crashed.status == "running" and crashed.resume_step == at
    # another process would see it as interrupted; this test's own pid is alive, so pretend the owner is gone
    db.conn.execute("UPDATE runs SET owner = 'elsewhere:1'")
    (found,) = history.interrupted(db.conn)
    assert found.resume_label == resume_label(runner.steps[at])

    tl = timeline()
    clock2 = FakeClock()
    runner2 = Runner(tl, clock2)
    rec2 = Recorder(db.conn, source(), tl)
    outcomes = rec2.take_over(runner2, found.id)
    assert set(outcomes) == before
    assert runner2.start(clock2(), at_step=found.resume_step, outcomes=outcomes).ok
    assert runner2.step_index == at and runner2.snapshot(clock2()).step_elapsed == 0
    finish(runner2, clock2)
    (run,) = history.runs(db.conn)
    assert run.status == "completed" and run.sets_done == run.sets_planned
    assert history.interrupted(db.conn) == []


def test_discard_keeps_the_partial_run_in_the_history(db):
    runner, clock, _rec = start_run(db.conn)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK and s.set_no == 2)
    db.conn.execute("UPDATE runs SET owner = 'elsewhere:1'")
    (found,) = history.interrupted(db.conn)
    history.discard(db.conn, found.id)
    (run,) = history.runs(db.conn)
    assert run.status == "interrupted" and run.outcome == "interrupted" and run.sets_done > 0
    assert history.interrupted(db.conn) == []


def test_a_run_of_a_live_process_is_not_offered_for_resume(db):
    _runner, _clock, rec = start_run(db.conn)
    assert rec.flush(10)
    db.conn.execute("UPDATE runs SET owner = ?", (f"{__import__('socket').gethostname()}:1",))  # pid 1 lives
    assert history.interrupted(db.conn) == []


# -- the calendar, streak, chart, suggestion ------------------------------------------------------------
def add_run(conn, day: date, *, dose="low", key=MOBILITY, status="completed", stop=False, skip=False, minutes=20):
    started = datetime(day.year, day.month, day.day, 9).astimezone(timezone.utc).isoformat()
    rid = conn.execute(
        "INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status, seconds)"
        " VALUES (?,?,?,?,?,?,?,?)", (key, "T", key, "h", dose, started, status, minutes * 60)).lastrowid
    for i, st in enumerate(["done", "stopped" if stop else "done", "skipped" if skip else "done"]):
        conn.execute("INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, status, reason, seconds_done,"
                     " at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (rid, i, 0, "Jefferson curl", i + 1, 3, st, "it hurts" if st == "stopped" else None, 5, started))
    return rid


def test_streak_calendar_and_minutes_per_week(db):
    today = date(2026, 11, 23)  # a Monday
    for d in (0, 1, 2, 4):
        add_run(db.conn, today - timedelta(days=d))
    rows = history.runs(db.conn)
    days = history.days_trained(rows)
    assert history.current_streak(days, today) == 3
    assert history.current_streak(days, today + timedelta(days=1)) == 3  # today's run still to come
    assert history.current_streak(days, today + timedelta(days=2)) == 0
    weeks = history.minutes_per_week(rows, today, weeks=4)
    assert [w for w, _ in weeks][-1] == today and weeks[-1][1] == 20 and weeks[-2][1] == 60


def test_suggests_high_after_two_clean_low_runs_and_says_why(db):
    day = date(2026, 11, 20)
    add_run(db.conn, day - timedelta(days=3))
    assert history.suggestion(db.conn, MOBILITY) is None  # one run is not enough
    add_run(db.conn, day)
    dose, why = history.suggestion(db.conn, MOBILITY)
    assert dose == "high" and "last two runs at the low dose" in why and "Fri 20 Nov" in why
    add_run(db.conn, day + timedelta(days=1), skip=True)
    assert history.suggestion(db.conn, MOBILITY) is None  # a skip: not yet
    add_run(db.conn, day + timedelta(days=2), dose="high", stop=True)
    dose, why = history.suggestion(db.conn, MOBILITY)
    assert dose == "low" and "Jefferson curl (it hurts)" in why
    assert history.suggestion(db.conn, "quick-warm-up") is None


def test_an_ended_session_is_not_a_stop_in_a_drill(db):
    runner, clock, _rec = start_run(db.conn)
    until_step(runner, clock, lambda s: s.kind is StepKind.WORK)
    clock.advance(2)
    runner.end_session(clock(), "window closed")
    settle(runner)
    (run,) = history.runs(db.conn)
    assert run.status == "ended" and run.stopped == 0 and run.outcome == "ended early (window closed)"


def test_csv_has_a_row_per_set_and_reads_back(db):
    runner, clock, _rec = start_run(db.conn)
    finish(runner, clock)
    out = io.StringIO()
    n = history.export_csv(db.conn, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(rows) == len([s for s in runner.steps if s.kind is StepKind.WORK])
    assert rows[0]["session"] == "Hip hinge mobility" and rows[0]["dose"] == "low"
    assert {r["status"] for r in rows} == {"done"}


# -- bad files and disks ----------------------------------------------------------------------------------
def test_a_file_that_is_not_a_database_is_moved_aside_not_deleted(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("these are my notes, not a database\n")
    h = open_history(tmp_path)
    assert h.writable and h.moved_to is not None and h.moved_to.read_text().startswith("these are my notes")
    assert str(h.moved_to) in h.problem and "not a database" in h.problem
    assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    h.close()


def damage_a_history(tmp_path):
    """A history of 300 runs with every page but the first two scribbled over; its path."""
    h = open_history(tmp_path)
    for d in range(300):
        add_run(h.conn, date(2026, 1, 1) + timedelta(days=d))
    h.close()
    path = tmp_path / FILE_NAME
    data = bytearray(path.read_bytes())
    for off in range(4096 * 2, len(data), 4096):  # scribble over every page but the first two
        data[off + 8: off + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_database_is_moved_aside_and_a_new_one_starts(tmp_path):
    path = damage_a_history(tmp_path)
    h = open_history(tmp_path)
    assert h.moved_to is not None and h.moved_to.exists() and "damaged" in h.problem
    assert h.writable and history.runs(h.conn) == []
    h.close()


def test_a_newer_database_is_left_untouched(tmp_path):
    path = tmp_path / FILE_NAME
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE future (x)")
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.commit()
    c.close()
    before = path.read_bytes()
    h = open_history(tmp_path)
    assert h.conn is None and "newer Hinge Timer" in h.problem and str(path) in h.problem
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]


def test_csv_quotes_names_and_keeps_a_run_with_no_sets(db):
    rid = add_run(db.conn, date(2026, 11, 1))
    db.conn.execute("UPDATE runs SET title = 'Mine, \"the hard one\"' WHERE id = ?", (rid,))
    db.conn.execute("UPDATE sets SET drill_name = 'Curl, \"slow\"', side = NULL WHERE run_id = ?", (rid,))
    runner, _clock, _rec = start_run(db.conn)  # just started: no set finished yet
    settle(runner)
    out = io.StringIO()
    assert history.export_csv(db.conn, out) == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [len(r) for r in rows] == [len(history.CSV_COLUMNS)] * 4 and None not in rows[0]
    assert rows[0]["session"] == 'Mine, "the hard one"' and rows[0]["drill"] == 'Curl, "slow"'
    assert rows[0]["side"] == "" and rows[0]["reps_done"] == ""
    assert rows[3]["session"] == "Hip hinge mobility" and rows[3]["step"] == "" and rows[3]["run_status"] == "running"


def test_a_kiosks_runs_give_no_advice_and_count_for_today(db):
    today = date.today()
    for back in (2, 1):
        rid = add_run(db.conn, today - timedelta(days=back))
        db.conn.execute("UPDATE runs SET kiosk = 1 WHERE id = ?", (rid,))
    assert history.suggestion(db.conn, MOBILITY) is None  # strangers' runs say nothing about you
    rid = add_run(db.conn, today)
    db.conn.execute("UPDATE runs SET kiosk = 1 WHERE id = ?", (rid,))
    add_run(db.conn, today)  # a person's own run today is not the kiosk's
    assert history.kiosk_runs_today(db.conn, today) == 1
