"""Runs at another clock speed (`--speed`) on a real history file: stored with their speed and the time
they took as lived, marked where runs are listed (`hinge-timer history` and its CSV), and left out of the
days trained, the streak, the minutes per week, the dose advice and the kiosk's count."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from hinge_timer.cli import main
from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import load_session
from hinge_timer.session.timeline import StepKind, compile_timeline
from hinge_timer.store import history
from hinge_timer.store.db import open_history
from hinge_timer.store.recorder import Recorder, RunSource, content_hash, run_speed
from tests.drive import drive
from tests.unit.test_store import Wall, add_run

# A user's own session: their names, a hold on each side, odd numbers.  51 s of session time.
EVENING = """format = 1
title = "Kim's evening hinge"

[defaults]
get_ready = 3
rest_between_drills = 5
switch_sides = 3

[[drill]]
name = "Couch stretch"
hold = 13
sides = ["right", "left"]

[[drill]]
name = "Broomstick hinge"
hold = 11
"""
SESSION_SECONDS = 3 + 13 + 3 + 13 + 5 + 3 + 11


@pytest.fixture
def evening(tmp_path):
    path = tmp_path / "evening.toml"
    path.write_text(EVENING, encoding="utf-8")
    return path


def record(conn, path, speed: float, clock: FakeClock, pause_at: float | None = None, pause_for: float = 0.0):
    """A whole run of ``path`` on a fake clock that stands for a runner's clock going ``speed`` times faster
    than real time (what --speed makes); returns the runner."""
    tl = compile_timeline(load_session(path), "low")
    runner = Runner(tl, clock)
    rec = Recorder(conn, RunSource(str(path), tl.session.title, str(path), content_hash(path.read_bytes()),
                                   speed=speed), tl, wall=Wall(datetime.now(timezone.utc)))
    rec.begin(runner)
    runner.start(clock())
    if pause_at is not None:
        drive(runner, clock, 0.5, until=lambda r: r.snapshot(clock()).step_elapsed >= pause_at
              and r.step.kind is StepKind.WORK)
        runner.pause(clock())
        clock.advance(pause_for)
        runner.resume(clock())
    drive(runner, clock, 0.5)
    assert rec.flush(10)
    return runner


def test_a_run_at_speed_10_stores_its_speed_and_the_time_it_took_as_lived(tmp_path, evening):
    h = open_history(tmp_path)
    record(h.conn, evening, 10.0, FakeClock(), pause_at=4, pause_for=30)  # 30 s of its clock: 3 s lived
    (run,) = history.runs(h.conn)
    assert run.speed == 10 and not run.counted and run.speed_word == "at 10× speed"
    # 51 s of the session's clock plus a 30 s pause on it went by in 5.1 s: the run's time is 5.1 s, not 51.
    assert run.seconds == pytest.approx(SESSION_SECONDS / 10, abs=0.06)
    assert h.conn.execute("SELECT pauses, paused_seconds FROM runs").fetchone() == (1, pytest.approx(3.0))
    sets = history.run_sets(h.conn, run.id)
    # A set's seconds are the drill's own (what the plan says), its pause as lived.
    assert [(s.drill_name, s.side, s.planned_seconds, s.seconds_done) for s in sets] == [
        ("Couch stretch", "right", 13, pytest.approx(13)), ("Couch stretch", "left", 13, pytest.approx(13)),
        ("Broomstick hinge", None, 11, pytest.approx(11))]
    assert (sets[0].pauses, sets[0].paused_seconds) == (1, pytest.approx(3.0))
    h.close()


def test_a_run_in_real_time_is_stored_as_before(tmp_path, evening):
    h = open_history(tmp_path)
    record(h.conn, evening, 1.0, FakeClock())
    (run,) = history.runs(h.conn)
    assert run.speed == 1 and run.counted and run.speed_word == ""
    assert run.seconds == pytest.approx(SESSION_SECONDS, abs=0.6)
    h.close()


def test_a_speed_run_carried_on_in_real_time_stays_marked(tmp_path, evening):
    assert run_speed(10, 1) == 10 and run_speed(1, 1) == 1 and run_speed(1, 4) == 4 and run_speed(10, 2) == 2
    h = open_history(tmp_path)
    tl = compile_timeline(load_session(evening), "low")
    clock = FakeClock()
    runner = Runner(tl, clock)
    src = RunSource(str(evening), tl.session.title, str(evening), content_hash(evening.read_bytes()), speed=10.0)
    rec = Recorder(h.conn, src, tl)
    rec.begin(runner)
    runner.start(clock())
    drive(runner, clock, 0.5, until=lambda r: r.step.drill_name == "Broomstick hinge")
    assert rec.flush(10)
    h.conn.execute("UPDATE runs SET owner = 'elsewhere:1'")  # the window went away mid-run
    (cut,) = history.interrupted(h.conn)
    lived_before = cut.seconds
    assert cut.speed == 10 and lived_before == pytest.approx((3 + 13 + 3 + 13 + 5) / 10, abs=0.06)
    clock2 = FakeClock()
    runner2 = Runner(tl, clock2)
    rec2 = Recorder(h.conn, RunSource(src.key, src.title, src.file, src.content_hash, speed=1.0), tl)
    outcomes = rec2.take_over(runner2, cut.id)
    runner2.start(clock2(), at_step=cut.resume_step, outcomes=outcomes)
    drive(runner2, clock2, 0.5)
    assert rec2.flush(10)
    (run,) = history.runs(h.conn)
    assert run.status == "completed" and run.speed == 10 and not run.counted  # part of it was not real time
    assert run.seconds == pytest.approx(lived_before + runner2.active_ns(clock2()) / 1e9, abs=0.6)
    h.close()


def test_a_run_in_real_time_carried_on_at_speed_4_is_marked(tmp_path, evening):
    h = open_history(tmp_path)
    tl = compile_timeline(load_session(evening), "low")
    clock = FakeClock()
    runner = Runner(tl, clock)
    src = RunSource(str(evening), tl.session.title, str(evening), content_hash(evening.read_bytes()))
    rec = Recorder(h.conn, src, tl)
    rec.begin(runner)
    runner.start(clock())
    drive(runner, clock, 0.5, until=lambda r: r.step.drill_name == "Broomstick hinge")
    assert rec.flush(10)
    h.conn.execute("UPDATE runs SET owner = 'elsewhere:1'")
    (cut,) = history.interrupted(h.conn)
    assert cut.speed == 1 and cut.seconds == pytest.approx(3 + 13 + 3 + 13 + 5, abs=0.6)
    clock2 = FakeClock()
    runner2 = Runner(tl, clock2)
    rec2 = Recorder(h.conn, RunSource(src.key, src.title, src.file, src.content_hash, speed=4.0), tl)
    runner2.start(clock2(), at_step=cut.resume_step, outcomes=rec2.take_over(runner2, cut.id))
    drive(runner2, clock2, 0.5)
    assert rec2.flush(10)
    (run,) = history.runs(h.conn)
    assert run.speed == 4 and run.speed_word == "at 4× speed"
    assert run.seconds == pytest.approx(cut.seconds + (3 + 11) / 4, abs=0.3)  # the rest, lived at 4×
    h.close()


def speed_run(conn, day: date, speed: float = 10.0, **kw) -> int:
    rid = add_run(conn, day, **kw)
    conn.execute("UPDATE runs SET speed = ? WHERE id = ?", (speed, rid))
    return rid


def test_speed_runs_are_left_out_of_the_streak_the_calendar_and_the_chart(tmp_path):
    h = open_history(tmp_path)
    today = date(2026, 11, 25)  # a Wednesday
    add_run(h.conn, today - timedelta(days=3), minutes=17)
    speed_run(h.conn, today - timedelta(days=2), minutes=15)  # this one would join the days into a streak
    add_run(h.conn, today - timedelta(days=1), minutes=23)
    speed_run(h.conn, today, minutes=16)
    rows = history.runs(h.conn)
    assert len(rows) == 4  # every run is listed
    days = history.days_trained(rows)
    assert set(days) == {today - timedelta(days=3), today - timedelta(days=1)}
    assert history.current_streak(days, today) == 1  # yesterday only: neither speed run counts
    weeks = history.minutes_per_week(rows, today, weeks=2)
    assert [m for _w, m in weeks] == [17, 23]  # Sunday's 17 last week, Tuesday's 23 this week; no 15 or 16
    h.close()


def test_speed_runs_give_no_dose_advice(tmp_path):
    h = open_history(tmp_path)
    day = date(2026, 11, 20)
    speed_run(h.conn, day - timedelta(days=1))
    speed_run(h.conn, day)
    assert history.suggestion(h.conn, "hip-hinge-mobility") is None  # two clean low runs, but demos
    add_run(h.conn, day + timedelta(days=1))
    add_run(h.conn, day + timedelta(days=2))
    speed_run(h.conn, day + timedelta(days=3), dose="high", stop=True)  # a stop in a demo says nothing
    dose, why = history.suggestion(h.conn, "hip-hinge-mobility")
    assert dose == "high" and "Sat 21 Nov and Sun 22 Nov" in why
    h.close()


def test_the_kiosks_count_of_today_leaves_speed_runs_out(tmp_path):
    h = open_history(tmp_path)
    today = date.today()
    for speed in (1.0, 1.0, 25.0):
        rid = speed_run(h.conn, today, speed=speed)
        h.conn.execute("UPDATE runs SET kiosk = 1 WHERE id = ?", (rid,))
    assert history.kiosk_runs_today(h.conn, today) == 2
    h.close()


def test_the_history_command_and_its_csv_mark_the_speed(tmp_path, capsys):
    h = open_history(tmp_path)
    add_run(h.conn, date(2026, 11, 20), minutes=19)
    speed_run(h.conn, date(2026, 11, 21), speed=2.5, minutes=7)
    h.close()
    assert main(["history", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 runs · current streak 0 days · 1 at another speed (marked; not in the streak)"
    assert out[1].split() == ["started", "session", "dose", "min", "speed", "sets", "result"]
    assert out[2].startswith("2026-11-21") and out[2].split()[-4:] == ["7", "2.5×", "3/3", "complete"]
    assert out[3].startswith("2026-11-20") and out[3].split()[-3:] == ["19", "3/3", "complete"]  # blank: real time
    assert main(["history", "--csv", "-", "--data-dir", str(tmp_path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 and list(rows[0])[6] == "speed"
    assert {(r["started"][:10], r["speed"], r["run_minutes"]) for r in rows} == {
        ("2026-11-20", "1.0", "19.0"), ("2026-11-21", "2.5", "7.0")}


def test_a_run_at_speed_10_in_the_terminal_is_marked_and_took_its_real_time(tmp_path, evening, capsys):
    """The issue's case, end to end: `run --terminal --speed 10` of a user's own session."""
    data = tmp_path / "data"
    t0 = time.monotonic()
    assert main(["run", str(evening), "--terminal", "--speed", "10", "--data-dir", str(data)]) == 0
    took = time.monotonic() - t0
    capsys.readouterr()
    h = open_history(data)
    (run,) = history.runs(h.conn)
    # 51 s of session in about 5 s: the run took what the user lived, not the session's 51 s.
    assert run.speed == 10 and SESSION_SECONDS / 10 - 0.3 < run.seconds < took
    assert [s.seconds_done for s in history.run_sets(h.conn, run.id)] == [pytest.approx(13, abs=0.5)] * 2 + [
        pytest.approx(11, abs=0.5)]
    h.close()
    assert main(["history", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Kim's evening hinge" in out[2] and out[2].split()[-4:] == ["0", "10×", "3/3", "complete"]
    assert "current streak 0 days" in out[0]
