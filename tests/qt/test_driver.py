"""The Qt driver on a real event loop, with the session clock sped up."""

from __future__ import annotations

from hinge_timer.engine.clock import NS
from hinge_timer.engine.events import State, read_event_log
from hinge_timer.qt.driver import (
    DISPLAY_MS_SLOWEST,
    DISPLAY_MS_TIMED,
    DISPLAY_MS_WAITING,
    display_interval_ms,
    open_session,
)
from hinge_timer.session.load import builtin_session, load_session
from hinge_timer.session.timeline import compile_timeline
from tests.conftest import REPO


def timeline(name):
    return compile_timeline(load_session(builtin_session(name)))


def test_a_whole_session_at_speed_fires_every_cue_in_order_and_never_early(qtbot, tmp_path):
    t = timeline("quick-warm-up")  # 279 s of session: 1.4 s of wall time at 200x
    log = tmp_path / "events.jsonl"
    driver = open_session(t, speed=200, event_log=str(log))
    cues, snaps = [], []
    driver.cue_fired.connect(cues.append)
    driver.snapshot_changed.connect(snaps.append)
    with qtbot.waitSignal(driver.session_finished, timeout=20_000) as finished:
        driver.start()
    assert finished.args[0].state is State.DONE
    assert [(c.kind, c.text) for c in cues] == [(c.kind, c.text) for s in t.steps for c in s.cues]
    origin = driver.runner.step_start_ns - round(t.total * NS)
    assert [c.scheduled_ns - origin for c in cues] == [round((s.start + c.at) * NS) for s in t.steps for c in s.cues]
    assert all(c.actual_ns >= c.scheduled_ns for c in cues)
    assert not driver.timers_active  # nothing left running after the end
    # Display ticks ran at the screen's pace, not in a busy loop: ~25 Hz of 1.4 s, plus one per cue.
    assert len(snaps) < 3 * (279 / 200) * (1000 / DISPLAY_MS_TIMED) + len(cues)
    driver.close()
    records = read_event_log(str(log))
    assert records[0]["t"] == "start" and records[0]["speed"] == 200
    logged = [(r["kind"], r["text"]) for r in records if r["t"] == "cue"]
    assert logged == [(c.kind.value, c.text) for c in cues]


def test_pause_stops_every_timer_and_resume_picks_up(qtbot):
    driver = open_session(timeline("hip-hinge-mobility"), speed=20)
    driver.start()
    assert driver.timers_active
    qtbot.wait(50)
    driver.pause()
    assert not driver.timers_active
    left = driver.runner.snapshot(driver.clock()).step_left
    qtbot.wait(100)  # 2 s of session time pass while paused
    assert driver.runner.snapshot(driver.clock()).step_left == left
    driver.resume()
    assert driver.timers_active and DISPLAY_MS_TIMED <= driver._display.interval() <= DISPLAY_MS_SLOWEST
    with qtbot.waitSignal(driver.cue_fired, timeout=5000) as cue:
        pass
    assert cue.args[0].text == "3"  # the countdown, on time after the pause
    driver.close()
    assert not driver.timers_active


def test_the_cue_timer_is_armed_for_the_next_deadline(qtbot):
    driver = open_session(timeline("hip-hinge-mobility"), speed=10)
    driver.start()  # next cue: "3" at 7 s of session time = 700 ms of wall time
    remaining = driver._cue_timer.remainingTime()
    assert 650 <= remaining <= 701
    driver.close()


def test_waiting_steps_tick_slowly_and_commands_pump_at_once(qtbot):
    t = compile_timeline(load_session(REPO / "tests" / "data" / "everything.toml"))
    driver = open_session(t, speed=50)
    with qtbot.waitSignal(driver.cue_fired, timeout=5000, check_params_cb=lambda c: c.text == "Go"):
        driver.start()
    snap = driver.runner.snapshot(driver.clock())
    assert snap.user_counted and driver._display.interval() == DISPLAY_MS_WAITING
    assert not driver._cue_timer.isActive()  # no deadline while the user counts
    got = []
    driver.cue_fired.connect(got.append)
    result = driver.count_rep()
    assert result.ok and [c.text for c in got] == ["1"]
    driver.close()


def test_display_ticks_land_on_digit_changes_and_slow_down_for_long_steps(qtbot):
    import dataclasses

    driver = open_session(compile_timeline(load_session(builtin_session("hip-hinge-mobility"))), speed=1.0)
    snap = driver.runner.snapshot(driver.clock())
    at = lambda left, phase=None: dataclasses.replace(snap, step_left=left, phase_left=phase)  # noqa: E731
    # A 2-minute hold: the ring needs a degree every 333 ms; the digit 0:59 -> 0:58 comes first here.
    assert display_interval_ms(at(59.3), 120, 1.0) == 301
    assert display_interval_ms(at(59.9), 120, 1.0) == 335
    # A paced phase's own countdown changes sooner than the step's digits.
    assert display_interval_ms(at(59.9, 2.2), 120, 1.0) == 201
    # Short steps are capped at 25 Hz; at --speed 10 the wall wait shrinks tenfold.
    assert display_interval_ms(at(9.5), 10, 1.0) == DISPLAY_MS_TIMED
    assert display_interval_ms(at(59.3), 120, 10.0) == DISPLAY_MS_TIMED
    # A set the user counts has no clock.
    assert display_interval_ms(at(None), None, 1.0) == DISPLAY_MS_WAITING
    driver.close()


KITCHEN = """format = 1
title = "Kitchen counter hinge"
[defaults]
get_ready = 3
switch_sides = 2
[[drill]]
name = "Counter lean"
hold = 9
sides = ["left", "right"]
"""


def test_the_last_drills_stop_wakes_the_driver_when_its_undo_time_is_over(qtbot):
    """While the clock waits at the stop, the cue timer is armed for the end of the 8 s, and the display
    timer runs so that the seconds left to undo count down on screen."""
    from hinge_timer.session.load import parse_session

    driver = open_session(compile_timeline(parse_session(KITCHEN)), speed=20)  # 8 s of session: 400 ms
    cues = []
    driver.cue_fired.connect(cues.append)
    driver.start()
    assert driver.stop_drill("it hurts").ok and driver.state is State.PAUSED
    assert driver._cue_timer.isActive() and driver._display.isActive()
    assert 350 <= driver._cue_timer.remainingTime() <= 401
    with qtbot.waitSignal(driver.session_finished, timeout=5000) as finished:
        pass
    assert finished.args[0].state is State.DONE and [c.text for c in cues][-1] == "Session ended."
    assert not driver.timers_active
    driver.close()


def test_undoing_the_stop_through_the_driver_runs_the_step_again(qtbot):
    from hinge_timer.session.load import parse_session

    driver = open_session(compile_timeline(parse_session(KITCHEN)), speed=20)
    driver.start()
    with qtbot.waitSignal(driver.cue_fired, timeout=5000, check_params_cb=lambda c: c.text == "Go"):
        pass
    driver.stop_drill("it hurts")
    result = driver.undo_stop()
    assert result.ok and driver.state is State.WORK and driver.timers_active
    assert driver.snapshot().side == "left" and driver.snapshot().step_elapsed < 0.5
    driver.close()
