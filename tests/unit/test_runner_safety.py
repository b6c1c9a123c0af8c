"""The runner's rules for a person away from the keyboard (issue 17), on a fake clock and with a session a
user wrote: a clicker confirms a caution by pressing "next" twice within 2 s; "it hurts" is recorded at once
and can be undone for 8 s (on the last drill the clock waits at the stop, then the session ends, never
"complete"); a resumed run gets ready before the step's "Go".  The history is checked on a real SQLite file."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from hinge_timer.engine.clock import NS, FakeClock
from hinge_timer.engine.events import State
from hinge_timer.engine.runner import Runner
from hinge_timer.engine.spoken import SESSION_ENDED, runner_cues
from hinge_timer.session.load import parse_session
from hinge_timer.session.timeline import CueKind, StepKind, compile_timeline
from hinge_timer.store import history
from hinge_timer.store.db import open_history
from hinge_timer.store.recorder import Recorder, RunSource, content_hash
from tests.drive import drive

GARAGE = """format = 1
title = "Garage hinge, Thursday"

[defaults]
get_ready = 7
rest_between_sets = 11
rest_between_drills = 13
switch_sides = 4

[[drill]]
name = "Broomstick hinge"
hold = 23
sets = 3
sides = ["right", "left"]
caution = "Keep the stick on your head, upper back and tailbone. Stop if your back aches."

[[drill]]
name = "Doorway curl"
reps = 5
get_ready = 9
caution = "Not with a back injury."
tempo = [ { phase = "Roll down", seconds = 3, say = "Roll down" }, { phase = "Stack up", seconds = 4, say = "Stack up" } ]

[[drill]]
name = "Sofa hamstring hold"
hold = 17
sides = ["left", "right"]
get_ready = 0
"""
COMPLETE = "Session complete. Well done."
PRESS_AGAIN = "Press again to confirm you have read the caution."


def garage():
    return compile_timeline(parse_session(GARAGE), "low")


def make(timeline=None):
    clock = FakeClock()
    return Runner(timeline or garage(), clock), clock


def started():
    runner, clock = make()
    runner.start(clock())
    return runner, clock, runner.tick(clock())


def walk(runner, clock, seconds, dt=0.25):
    events = []
    for _ in range(round(seconds / dt)):
        clock.advance(dt)
        events += runner.tick(clock())
    return events


def go_to(runner, clock, pred):
    """Let the session run (cautions confirmed, reps counted) until the step ``pred`` wants begins."""
    drive(runner, clock, 0.25, until=lambda r: pred(r.step))
    return runner.step


def work(drill, set_no, side):
    return lambda s: (s.kind is StepKind.WORK and s.drill_name == drill and s.set_no == set_no
                      and s.side == side)


def index_of(timeline, pred):
    return next(s.index for s in timeline.steps if pred(s))


def shown(runner, clock):
    """What the screen draws, less the line about the last command (the two runners were told differently)."""
    return dataclasses.replace(runner.snapshot(clock()), last_message=None)


# -- a caution, by clicker ------------------------------------------------------------------------------------


def test_a_clicker_confirms_a_caution_with_two_presses_of_next_exactly_as_enter_does():
    runner, clock, events = started()
    assert [e.kind for e in events] == [CueKind.CAUTION] and runner.state is State.CAUTION
    clock.advance(1.5)  # the caution has been on screen long enough to be read (CAUTION_READ_NS)
    first = runner.next(clock())
    snap = runner.snapshot(clock())
    assert first.ok and first.message == PRESS_AGAIN and snap.last_message == PRESS_AGAIN
    assert snap.state is State.CAUTION and snap.confirm_left == pytest.approx(2.0)
    clock.advance(1.5)
    assert runner.snapshot(clock()).confirm_left == pytest.approx(0.5)
    second = runner.next(clock())
    assert second.ok and second.message == "Caution confirmed."

    enter, eclock, _ = started()  # the same caution confirmed with Enter at the same moment
    eclock.advance(3.0)
    assert enter.acknowledge(eclock()).message == "Caution confirmed."
    assert shown(runner, clock) == shown(enter, eclock)
    assert shown(runner, clock).state is State.GET_READY and shown(runner, clock).drill_name == "Broomstick hinge"
    origin = clock() - runner.began_ns
    ours = [(e.kind, e.text, e.scheduled_ns - origin) for e in runner.tick(clock()) + walk(runner, clock, 60)]
    theirs = [(e.kind, e.text, e.scheduled_ns - origin) for e in enter.tick(eclock()) + walk(enter, eclock, 60)]
    assert ours == theirs and ours[0][:2] == (CueKind.NEXT_UP, "Get ready: Broomstick hinge, right leg")


def test_presses_in_a_cautions_first_moments_are_refused_so_a_clicker_mashed_through_a_rest_cannot_confirm_it():
    runner, clock, _ = started()
    for _ in range(3):  # three quick presses as the caution comes up: none counts
        result = runner.next(clock())
        assert not result.ok and result.message.startswith("Read the caution first")
        clock.advance(0.4)
    assert runner.state is State.CAUTION and runner.snapshot(clock()).confirm_left is None
    clock.advance(0.4)  # 1.6 s in: now a first press
    assert runner.next(clock()).message == PRESS_AGAIN and runner.state is State.CAUTION


def test_one_stray_press_at_a_caution_never_confirms_it_and_is_forgotten_after_2_s():
    runner, clock, _ = started()
    clock.advance(1.5)
    assert runner.next(clock()).message == PRESS_AGAIN
    clock.advance(2.01)
    assert runner.snapshot(clock()).confirm_left is None
    assert runner.next(clock()).message == PRESS_AGAIN  # a first press again, not a confirmation
    clock.advance(3600)
    assert runner.tick(clock()) == [] and runner.state is State.CAUTION  # it waits, whatever the time
    assert runner.next(clock()).message == PRESS_AGAIN
    clock.advance(2.0)  # the second press just in time
    assert runner.next(clock()).message == "Caution confirmed." and runner.state is State.GET_READY


def test_a_first_press_does_not_carry_over_to_the_next_caution():
    runner, clock, _ = started()
    clock.advance(1.5)
    runner.next(clock())
    assert runner.skip_drill(clock()).message == "Skipped Broomstick hinge."  # straight to the curl's caution
    snap = runner.snapshot(clock())
    assert snap.state is State.CAUTION and snap.drill_name == "Doorway curl" and snap.confirm_left is None
    clock.advance(1.5)
    assert runner.next(clock()).message == PRESS_AGAIN and runner.state is State.CAUTION


# -- "it hurts" and its undo ------------------------------------------------------------------------------------


def test_it_hurts_is_recorded_at_once_and_undone_within_8_s_the_step_starts_again():
    runner, clock, _ = started()
    here = go_to(runner, clock, work("Broomstick hinge", 2, "left"))
    walk(runner, clock, 9)
    before = dict(runner.outcomes)
    result = runner.stop_drill(clock(), "it hurts")
    assert result.ok and result.message == "Stopped Broomstick hinge: it hurts — recorded. Press U to undo."
    assert runner.step.kind is StepKind.REST and runner.step.set_no == 0  # the rest before the curl
    stopped = sorted((o.step, o.status, o.reason, o.seconds_done) for o in runner.outcomes.values()
                     if o.status != "done")
    later = [s.index for s in runner.steps if s.kind is StepKind.WORK and s.drill == 0 and s.index > here.index]
    assert stopped == [(here.index, "stopped", "it hurts", 9.0)] + [(i, "stopped", "it hurts", 0.0) for i in later]
    assert runner.snapshot(clock()).undo_left == pytest.approx(8)
    walk(runner, clock, 5)
    assert runner.snapshot(clock()).undo_left == pytest.approx(3)

    undone = runner.undo_stop(clock())
    assert undone.ok and undone.message == "Stop undone: Broomstick hinge set 2 of 3, left leg: hold, from the start."
    snap = runner.snapshot(clock())
    assert (snap.state, snap.step_index, snap.side, snap.step_elapsed, snap.step_left) == (
        State.WORK, here.index, "left", 0.0, 23.0)
    assert runner.outcomes == before and snap.undo_left is None
    assert [(e.kind, e.text, e.scheduled_ns) for e in runner.tick(clock())] == [(CueKind.GO, "Go", clock())]
    assert not runner.undo_stop(clock()).ok  # once


def test_it_hurts_cannot_be_undone_after_8_s_or_once_the_user_moves_on():
    runner, clock, _ = started()
    go_to(runner, clock, work("Broomstick hinge", 1, "right"))
    walk(runner, clock, 4)
    runner.stop_drill(clock(), "it hurts")
    walk(runner, clock, 8)
    late = runner.undo_stop(clock())
    assert not late.ok and late.message == "There is no stop to undo."
    assert runner.step.kind is StepKind.REST and runner.stopped_outcome() is not None

    runner, clock, _ = started()
    go_to(runner, clock, work("Broomstick hinge", 1, "right"))
    runner.stop_drill(clock(), "it hurts")
    assert runner.next(clock()).ok  # skips the rest: on to the curl's caution
    assert not runner.undo_stop(clock()).ok and runner.snapshot(clock()).undo_left is None


def test_it_hurts_on_the_last_drill_waits_8_s_at_the_stop_then_ends_and_never_says_complete():
    runner, clock, events = started()
    go_to(runner, clock, work("Sofa hamstring hold", 1, "right"))
    events += walk(runner, clock, 6)
    active = runner.active_ns(clock())
    result = runner.stop_drill(clock(), "it hurts")
    snap = runner.snapshot(clock())
    assert result.message == "Stopped Sofa hamstring hold: it hurts — recorded. Press U to undo."
    assert (snap.state, snap.underlying, snap.pause_reason, snap.undo_left) == (
        State.PAUSED, State.WORK, result.message, pytest.approx(8))
    assert not runner.finished and runner.next_deadline_ns() == clock() + 8 * NS  # the driver wakes then
    assert walk(runner, clock, 7.75) == [] and not runner.finished and runner.snapshot(clock()).step_left == 11
    clock.advance(0.25)
    assert [(e.kind, e.text) for e in runner.tick(clock())] == [(CueKind.SESSION_COMPLETE, SESSION_ENDED)]
    final = runner.snapshot(clock())
    assert runner.finished and final.state is State.DONE
    assert final.active == pytest.approx(active / NS)  # the wait after the stop is not training time
    sofa = sorted((runner.steps[o.step].side, o.status, o.reason) for o in runner.outcomes.values() if o.drill == 2)
    assert sofa == [("left", "done", None), ("right", "stopped", "it hurts")]
    assert COMPLETE not in [e.text for e in events]


def test_the_last_drills_stop_undone_carries_on_and_then_the_session_is_complete():
    runner, clock, events = started()
    here = go_to(runner, clock, work("Sofa hamstring hold", 1, "right"))
    walk(runner, clock, 6)
    runner.stop_drill(clock(), "it hurts")
    walk(runner, clock, 3)
    assert runner.undo_stop(clock()).ok
    snap = runner.snapshot(clock())
    assert (snap.state, snap.step_index, snap.step_left) == (State.WORK, here.index, 17.0)
    ends = [e for e in runner.tick(clock()) + walk(runner, clock, 17) if e.kind is CueKind.SESSION_COMPLETE]
    assert runner.finished and [e.text for e in ends] == [COMPLETE] and runner.stopped_outcome() is None


def test_while_the_last_drills_stop_waits_only_undo_resume_and_end_act():
    runner, clock, _ = started()
    go_to(runner, clock, work("Sofa hamstring hold", 1, "left"))
    runner.stop_drill(clock(), "it hurts")
    step = runner.step_index
    for name in ("next", "back", "skip_drill", "acknowledge", "pause", "count_rep"):
        result = getattr(runner, name)(clock())
        assert not result.ok and runner.step_index == step and runner.paused, name
    assert not runner.add_time(clock(), 10).ok and not runner.stop_drill(clock()).ok
    assert "press U to undo" in runner.next(clock()).message
    resumed = runner.resume(clock())  # Space, or a tap on the paused screen: go on, to the end
    assert resumed.ok and runner.finished and runner.end_reason is None

    runner, clock, _ = started()
    go_to(runner, clock, work("Sofa hamstring hold", 1, "left"))
    runner.stop_drill(clock(), "it hurts")
    assert runner.end_session(clock(), "window closed").ok and runner.finished
    assert [(e.kind, e.text) for e in runner.tick(clock())][-1] == (CueKind.SESSION_COMPLETE, SESSION_ENDED)
    kept = {o.step: (o.status, o.reason) for o in runner.outcomes.values() if o.drill == 2}
    assert kept == {step: ("stopped", "it hurts"), step + 2: ("stopped", "it hurts")}  # the stop, as it was


def test_a_run_with_a_drill_stopped_earlier_ends_without_being_called_complete():
    runner, clock, events = started()
    go_to(runner, clock, work("Broomstick hinge", 1, "left"))
    runner.stop_drill(clock(), "it hurts")
    walk(runner, clock, 9)  # past the time to undo
    go_to(runner, clock, lambda s: s.drill_name == "Sofa hamstring hold")
    assert runner.snapshot(clock()).next_up == "Sofa hamstring hold, right leg: hold"
    go_to(runner, clock, work("Sofa hamstring hold", 1, "right"))
    assert runner.snapshot(clock()).next_up == "The end of the session"
    events = walk(runner, clock, 17)
    assert runner.finished
    assert [(e.kind, e.text) for e in events if e.kind is CueKind.SESSION_COMPLETE] == [
        (CueKind.SESSION_COMPLETE, SESSION_ENDED)]


# -- resuming with a get-ready -----------------------------------------------------------------------------------


def resumed_at(pred, timeline=None):
    timeline = timeline or garage()
    at = index_of(timeline, pred)
    runner, clock = make(timeline)
    result = runner.start(clock(), at_step=at, outcomes={})
    return runner, clock, at, result


def test_a_resumed_run_gets_ready_first_and_then_the_step_runs_in_full():
    runner, clock, at, result = resumed_at(work("Broomstick hinge", 2, "right"))
    assert result.message == "Resumed at: Broomstick hinge set 2 of 3, right leg: hold, after a get-ready"
    snap = runner.snapshot(clock())
    assert (snap.state, snap.drill_name, snap.side, snap.set_no, snap.step_index, snap.step_left) == (
        State.GET_READY, "Broomstick hinge", "right", 2, at, 7.0)
    assert snap.next_up == "Broomstick hinge set 2 of 3, right leg: hold"
    origin = clock()
    events = runner.tick(clock()) + walk(runner, clock, 7)
    assert [(e.kind, e.text, (e.scheduled_ns - origin) / NS) for e in events] == [
        (CueKind.NEXT_UP, "Get ready: Broomstick hinge, right leg", 0), (CueKind.COUNTDOWN, "3", 4),
        (CueKind.COUNTDOWN, "2", 5), (CueKind.COUNTDOWN, "1", 6), (CueKind.GO, "Go", 7)]
    snap = runner.snapshot(clock())
    assert (snap.state, snap.step_index, snap.step_left) == (State.WORK, at, 23.0)  # its full time
    walk(runner, clock, 23)
    assert runner.step_index == at + 1 and list(runner.outcomes) == [at]  # the get-ready is no set
    assert (runner.outcomes[at].status, runner.outcomes[at].seconds_done) == ("done", 23.0)
    # what it says is prepared with the session's other lines (audio/vocabulary.py reads runner_cues)
    assert (CueKind.NEXT_UP, "Get ready: Broomstick hinge, right leg") in runner_cues(runner.timeline)


def test_a_resume_at_a_caution_shows_the_caution_first():
    runner, clock, at, result = resumed_at(lambda s: s.kind is StepKind.CAUTION and s.drill_name == "Doorway curl")
    assert result.message == "Resumed at: Caution: Doorway curl"
    assert [e.kind for e in runner.tick(clock())] == [CueKind.CAUTION] and runner.state is State.CAUTION
    runner.acknowledge(clock())
    snap = runner.snapshot(clock())  # then the drill's own get-ready, as always
    assert (snap.state, snap.step_index, snap.step_left) == (State.GET_READY, at + 1, 9.0)


def test_a_resume_in_a_drill_without_a_get_ready_gets_10_s_and_a_rest_needs_none():
    runner, clock, at, _ = resumed_at(work("Sofa hamstring hold", 1, "left"))
    snap = runner.snapshot(clock())
    assert (snap.state, snap.step_left) == (State.GET_READY, 10.0)
    assert runner.tick(clock())[0].text == "Get ready: Sofa hamstring hold, left leg"
    walk(runner, clock, 10)
    assert runner.state is State.WORK and runner.step_index == at

    runner, clock, at, result = resumed_at(lambda s: s.kind is StepKind.REST and s.drill_name == "Broomstick hinge")
    assert runner.state is State.REST and result.message == "Resumed at: Rest"


def test_next_in_a_resumed_runs_get_ready_starts_the_step_and_back_restarts_the_get_ready():
    runner, clock, at, _ = resumed_at(work("Broomstick hinge", 3, "left"))
    walk(runner, clock, 5)
    assert runner.back(clock()).message == "Restarted: Get ready: Broomstick hinge, left leg"
    assert runner.snapshot(clock()).step_left == 7.0 and runner.state is State.GET_READY
    clock.advance(2.5)
    assert runner.next(clock()).message == "Skipped to: Broomstick hinge set 3 of 3, left leg: hold"
    snap = runner.snapshot(clock())
    assert (snap.state, snap.step_index, snap.step_left) == (State.WORK, at, 23.0)
    assert runner.outcomes == {}


def test_a_new_run_starts_without_an_extra_get_ready():
    timeline = compile_timeline(parse_session(GARAGE.replace('caution = "Keep the stick on your head, upper back '
                                                             'and tailbone. Stop if your back aches."\n', "")
                                              .replace("get_ready = 7", "get_ready = 0")), "low")
    runner, clock = make(timeline)
    runner.start(clock())
    assert runner.state is State.WORK and runner.step_index == 0


# -- the history follows (a real SQLite file) ---------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    h = open_history(tmp_path)
    assert h.problem is None and h.writable
    yield h
    h.close()


def recorded(conn, timeline=None):
    timeline = timeline or garage()
    clock = FakeClock()
    runner = Runner(timeline, clock)
    source = RunSource("garage", timeline.session.title, "garage.toml", content_hash(GARAGE.encode()))
    rec = Recorder(conn, source, timeline, wall=lambda: datetime(2026, 11, 26, 18, tzinfo=timezone.utc))
    return runner, clock, rec


def sets_of(conn):
    (run,) = history.runs(conn)
    return run, {s.step: (s.status, s.reason) for s in history.run_sets(conn, run.id)}


def test_an_undone_stop_is_taken_out_of_the_history(db):
    runner, clock, rec = recorded(db.conn)
    rec.begin(runner)
    runner.start(clock())
    here = go_to(runner, clock, work("Broomstick hinge", 1, "left"))
    walk(runner, clock, 5)
    runner.stop_drill(clock(), "it hurts")
    assert rec.flush(10)
    _run, sets = sets_of(db.conn)
    assert sets[here.index] == ("stopped", "it hurts")  # written at once, not at the next boundary
    walk(runner, clock, 4)
    runner.undo_stop(clock())
    assert rec.flush(10)
    _run, sets = sets_of(db.conn)
    assert "stopped" not in {status for status, _ in sets.values()} and here.index not in sets
    drive(runner, clock, 0.5)
    assert rec.flush(10)
    run, sets = sets_of(db.conn)
    assert run.status == "completed" and run.clean and run.outcome == "complete"
    assert set(sets.values()) == {("done", None)} and run.sets_done == run.sets_planned


def test_the_last_drills_stop_is_in_the_history_while_the_clock_waits_and_the_run_is_not_complete(db):
    runner, clock, rec = recorded(db.conn)
    rec.begin(runner)
    runner.start(clock())
    here = go_to(runner, clock, work("Sofa hamstring hold", 1, "right"))
    walk(runner, clock, 6)
    runner.stop_drill(clock(), "it hurts")
    assert rec.flush(10)
    run, sets = sets_of(db.conn)
    assert run.status == "running" and run.resume_step == here.index and sets[here.index] == ("stopped", "it hurts")
    active = runner.active_ns(clock()) / NS
    walk(runner, clock, 8)
    assert runner.finished and rec.flush(10)
    run, sets = sets_of(db.conn)
    assert run.outcome == "stopped: Sofa hamstring hold (it hurts)" and not run.clean
    assert run.seconds == pytest.approx(active)


def test_a_resumed_run_records_no_set_for_its_get_ready(db):
    runner, clock, rec = recorded(db.conn)
    rec.begin(runner)
    runner.start(clock())
    at = go_to(runner, clock, work("Broomstick hinge", 2, "right")).index
    walk(runner, clock, 12)
    assert rec.flush(10)
    db.conn.execute("UPDATE runs SET owner = 'elsewhere:1'")  # the process that ran it is gone
    (found,) = history.interrupted(db.conn)
    assert found.resume_step == at

    runner2, clock2, rec2 = recorded(db.conn)
    outcomes = rec2.take_over(runner2, found.id)
    runner2.start(clock2(), at_step=found.resume_step, outcomes=outcomes)
    assert runner2.state is State.GET_READY and rec2.flush(10)
    run, _sets = sets_of(db.conn)
    assert run.resume_step == at  # a crash in the get-ready resumes at the same step again
    drive(runner2, clock2, 0.5)
    assert rec2.flush(10)
    run, sets = sets_of(db.conn)
    work_steps = {s.index for s in runner2.steps if s.kind is StepKind.WORK}
    assert run.status == "completed" and set(sets) == work_steps and set(sets.values()) == {("done", None)}


def test_the_last_drills_stop_undone_is_taken_out_of_the_history_and_the_run_completes(db):
    runner, clock, rec = recorded(db.conn)
    rec.begin(runner)
    runner.start(clock())
    here = go_to(runner, clock, work("Sofa hamstring hold", 1, "left"))
    runner.stop_drill(clock(), "it hurts")
    assert rec.flush(10)
    _run, sets = sets_of(db.conn)
    assert sets[here.index] == ("stopped", "it hurts") and sets[here.index + 2] == ("stopped", "it hurts")
    walk(runner, clock, 7)
    runner.undo_stop(clock())
    assert rec.flush(10)
    _run, sets = sets_of(db.conn)
    assert here.index not in sets and here.index + 2 not in sets
    drive(runner, clock, 0.5)
    assert rec.flush(10)
    run, sets = sets_of(db.conn)
    assert run.status == "completed" and run.outcome == "complete" and set(sets.values()) == {("done", None)}
