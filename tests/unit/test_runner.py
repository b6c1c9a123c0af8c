"""The runner on a fake clock: whole sessions, every command in every state, late ticks, suspend."""

from __future__ import annotations

import io
import json
import time

import pytest

from hinge_timer.engine.clock import NS, FakeClock
from hinge_timer.engine.events import EventLog, State
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import load_session
from hinge_timer.session.timeline import CueKind, StepKind, compile_timeline
from tests.conftest import REPO
from tests.drive import drive

EVERYTHING = REPO / "tests" / "data" / "everything.toml"
S = NS


def everything():
    return compile_timeline(load_session(EVERYTHING))


def make(timeline, **kw):
    clock = FakeClock()
    return Runner(timeline, clock, **kw), clock


def run_through(runner, clock, dt=0.25, limit=100_000):
    """Tick every ``dt`` s, confirming cautions and counting reps at once; return all cues."""
    events = runner.tick(clock())
    for _ in range(limit):
        if runner.finished:
            return events
        snap = runner.snapshot(clock())
        if snap.state is State.CAUTION:
            runner.acknowledge(clock())
        elif snap.user_counted:
            runner.count_rep(clock())
        else:
            clock.advance(dt)
        events += runner.tick(clock())
    raise AssertionError("session did not finish")


def walk(runner, clock, seconds, dt=0.25):
    """Let ``seconds`` pass with regular ticks (as the Qt driver gives); return the cues."""
    events = []
    steps = round(seconds / dt)
    for _ in range(steps):
        clock.advance(dt)
        events += runner.tick(clock())
    return events


def goto(runner, clock, kind, drill=None, dt=0.25):
    """Advance (confirming cautions, counting reps) until a step of ``kind`` starts."""
    drive(runner, clock, dt, until=lambda r: r.step.kind is kind and (drill is None or r.step.drill_name == drill),
          limit=100_000)
    return runner.step


# -- whole sessions ------------------------------------------------------------------


def test_whole_builtin_session_in_simulated_time_fires_every_cue_on_schedule(mobility):
    runner, clock = make(mobility)
    origin = clock()
    began = time.perf_counter()
    assert runner.start(origin)
    events = run_through(runner, clock)
    assert time.perf_counter() - began < 1.0  # well under a second for a 14-minute session
    expected = [
        (origin + round((step.start + cue.at) * S), cue.kind, cue.text)
        for step in mobility.steps
        for cue in step.cues
    ]
    got = [(e.scheduled_ns, e.kind, e.text) for e in events]
    assert got == expected  # every cue, in order, once, at its planned time: no drift
    assert all(0 <= e.late_ns < 0.25 * S for e in events)
    assert runner.finished and clock() - origin == round(mobility.total * S)
    assert all(o.status == "done" for o in runner.outcomes.values())
    assert len(runner.outcomes) == sum(1 for s in mobility.steps if s.kind is StepKind.WORK)


def test_tick_is_idempotent(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    clock.advance(8.5)
    first = runner.tick(clock())
    assert [e.text for e in first] == ["Get ready: Weighted hip hinge", "3", "2"]
    assert runner.tick(clock()) == []
    assert runner.tick(clock()) == []


def test_a_late_tick_fires_every_cue_it_passed_in_order_exactly_once(mobility):
    runner, clock = make(mobility)
    origin = clock()
    runner.start(origin)
    clock.advance(19.0)  # the event loop was blocked, but less than the suspend gap
    events = runner.tick(clock())
    texts = [e.text for e in events]
    assert texts == ["Get ready: Weighted hip hinge", "3", "2", "1", "Go", "Hips back", "Bend", "Up",
                     "Hips back", "Bend", "Up"]
    assert [(e.scheduled_ns - origin) / S for e in events] == [0, 7, 8, 9, 10, 10, 12, 13, 15, 17, 18]
    assert events[0].actual_ns == origin  # said at the start
    assert all(e.actual_ns == clock() for e in events[1:])  # the rest when the late tick came
    assert runner.tick(clock()) == []
    snap = runner.snapshot(clock())
    assert snap.rep == 2 and snap.phase_label == "Stand tall" and snap.step_left == pytest.approx(41)


def test_a_late_tick_across_many_steps_keeps_the_schedule(mobility):
    runner, clock = make(mobility, suspend_gap_ns=10**6 * S)
    origin = clock()
    runner.start(origin)
    clock.advance(300)
    events = runner.tick(clock())
    planned = [origin + round((s.start + c.at) * S) for s in mobility.steps for c in s.cues
               if s.start + c.at <= 300]
    assert [e.scheduled_ns for e in events] == planned
    assert runner.step.start <= 300 < runner.step.start + runner.step.planned
    assert runner.step_start_ns == origin + round(runner.step.start * S)


def test_suspend_pauses_where_the_gap_began_and_says_why(mobility):
    runner, clock = make(mobility)
    origin = clock()
    runner.start(origin)
    clock.advance(5)
    runner.tick(clock())
    clock.advance(600)  # the laptop slept for ten minutes
    assert runner.tick(clock()) == []
    snap = runner.snapshot(clock())
    assert snap.state is State.PAUSED and snap.underlying is State.GET_READY
    assert "clock jumped 600 s" in (snap.pause_reason or "")
    assert snap.step_left == pytest.approx(5)  # as it was when the gap began
    clock.advance(30)
    assert runner.tick(clock()) == []
    runner.resume(clock())
    clock.advance(2)
    assert [e.text for e in runner.tick(clock())] == ["3"]
    resumed = clock() - 2 * S
    assert runner.step_start_ns == resumed - 5 * S


def test_pause_excludes_time_from_everything(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    runner.tick(clock())
    clock.advance(3)
    runner.tick(clock())
    before = runner.snapshot(clock())
    assert runner.pause(clock())
    for _ in range(10):
        clock.advance(10)  # a long pause, ticked regularly
        assert runner.tick(clock()) == []
    during = runner.snapshot(clock())
    assert during.state is State.PAUSED
    assert (during.step_left, during.session_left, during.session_progress) == (
        before.step_left, before.session_left, before.session_progress)
    assert runner.resume(clock())
    clock.advance(7)
    events = runner.tick(clock())
    assert [e.text for e in events] == ["3", "2", "1", "Go", "Hips back"]
    assert events[3].scheduled_ns == clock()


# -- commands in every state -----------------------------------------------------------

COMMANDS = ["start", "pause", "resume", "next", "back", "count_rep", "undo_rep", "set_done",
            "add_time", "remove_time", "skip_drill", "stop_drill", "end_session", "acknowledge", "undo_stop"]


def call(runner, name, now):
    if name == "remove_time":
        return runner.add_time(now, -10)
    if name == "stop_drill":
        return runner.stop_drill(now, "it hurts")
    return getattr(runner, name)(now)


def reach(state: str):
    """A fresh runner on the 'everything' session, brought to ``state``."""
    runner, clock = make(everything())
    if state == "idle":
        return runner, clock
    runner.start(clock())
    targets = {
        "get_ready": (StepKind.GET_READY, None),
        "work_counted": (StepKind.WORK, "Counted"),
        "rest": (StepKind.REST, None),
        "work_timed": (StepKind.WORK, "Hold each side"),
        "switch_sides": (StepKind.SWITCH_SIDES, None),
        "caution": (StepKind.CAUTION, None),
        "work_paced": (StepKind.WORK, "Careful curl"),
        "paused": (StepKind.WORK, "Hold each side"),
        "done": (StepKind.DONE, None),
    }
    kind, drill = targets[state]
    goto(runner, clock, kind, drill)
    if state in ("work_counted",):
        runner.count_rep(clock())  # one rep in, so "undo" has something to undo
    elif state != "done":
        clock.advance(1.5)
        runner.tick(clock())
    if state == "paused":
        runner.pause(clock())
    return runner, clock


# What each command should do in each state (True: acts; False: says why not).  "undo_stop" acts only after a
# stop, which no state here has had.
VALID = {
    "idle":         {"start"},
    "get_ready":    {"pause", "next", "back", "add_time", "remove_time", "skip_drill", "stop_drill", "end_session"},
    "work_counted": {"pause", "next", "back", "count_rep", "undo_rep", "set_done", "skip_drill", "stop_drill",
                     "end_session"},
    "rest":         {"pause", "next", "back", "add_time", "remove_time", "skip_drill", "stop_drill", "end_session"},
    "work_timed":   {"pause", "next", "back", "add_time", "remove_time", "skip_drill", "stop_drill", "end_session"},
    "switch_sides": {"pause", "next", "back", "add_time", "remove_time", "skip_drill", "stop_drill", "end_session"},
    "caution":      {"next", "back", "skip_drill", "stop_drill", "end_session", "acknowledge"},  # next: press again
    "work_paced":   {"pause", "next", "back", "skip_drill", "stop_drill", "end_session"},
    "paused":       {"resume", "next", "back", "add_time", "remove_time", "skip_drill", "stop_drill", "end_session"},
    "done":         set(),
}


@pytest.mark.parametrize("state", list(VALID))
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_in_every_state(state, command):
    runner, clock = reach(state)
    result = call(runner, command, clock())
    assert result.ok is (command in VALID[state]), result.message
    assert result.message  # always says what it did, or why not
    if not result.ok:
        # A refused command changes nothing that shows.
        fresh, fclock = reach(state)
        assert runner.snapshot(clock()).state == fresh.snapshot(fclock()).state
        assert runner.step_index == fresh.step_index


def test_next_skips_the_rest_of_the_step_and_its_cues(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    runner.tick(clock())
    clock.advance(2)
    result = runner.next(clock())
    assert result.ok and result.message == "Skipped to: Weighted hip hinge set 1 of 2: 10 reps (paced)"
    events = runner.tick(clock())
    assert [e.text for e in events] == ["Go", "Hips back"]
    assert all(e.scheduled_ns == clock() for e in events)
    clock.advance(2)
    runner.next(clock())
    assert runner.outcomes[1].status == "skipped" and runner.outcomes[1].seconds_done == 2


def test_back_restarts_the_step_and_twice_goes_to_the_previous(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.REST)
    clock.advance(12)
    runner.tick(clock())
    rest_index = runner.step_index
    assert runner.back(clock()).message == "Restarted: Rest"
    assert runner.step_index == rest_index and runner.snapshot(clock()).step_left == 30
    clock.advance(1)
    assert runner.back(clock()).message == "Back to: Weighted hip hinge set 1 of 2: 10 reps (paced)"
    assert runner.step_index == rest_index - 1
    clock.advance(3)  # more than 2 s later: restart, not previous
    runner.back(clock())
    assert runner.step_index == rest_index - 1 and runner.snapshot(clock()).step_elapsed == 0


def test_counted_sets_wait_for_the_user(tmp_path):
    runner, clock = make(everything())
    runner.start(clock())
    goto(runner, clock, StepKind.WORK, "Counted")
    runner.tick(clock())
    assert walk(runner, clock, 500) == []  # nothing moves on by itself
    snap = runner.snapshot(clock())
    assert snap.state is State.WORK and snap.user_counted and snap.step_left is None and snap.rep == 0
    assert runner.count_rep(clock()).message == "Rep 1 of 3"
    assert runner.undo_rep(clock()).message == "Rep 0 of 3"
    assert not runner.undo_rep(clock()).ok
    runner.count_rep(clock())
    runner.count_rep(clock())
    events = runner.tick(clock())
    assert [(e.kind, e.text) for e in events] == [
        (CueKind.REP, "1"), (CueKind.REP, "1"), (CueKind.REP, "2"), (CueKind.LAST_REP, "Last rep")]
    runner.count_rep(clock())
    events = runner.tick(clock())
    assert [e.text for e in events] == ["3", "Set 1 of 2 complete", "Rest"]
    assert runner.step.kind is StepKind.REST
    outcome = runner.outcomes[1]
    assert (outcome.status, outcome.reps_done) == ("done", 3)


def test_set_done_ends_a_counted_set_early():
    runner, clock = make(everything())
    runner.start(clock())
    goto(runner, clock, StepKind.WORK, "Counted")
    runner.count_rep(clock())
    result = runner.set_done(clock())
    assert result.message == "Set done after 1 rep."  # the plural is right (i18n.ngettext)
    assert runner.step.kind is StepKind.REST and runner.outcomes[1].reps_done == 1


def test_add_and_remove_time(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    step = goto(runner, clock, StepKind.WORK, "Banded hip distraction")
    walk(runner, clock, 50)
    assert runner.add_time(clock(), 10).message == "+10 s"
    assert runner.snapshot(clock()).step_left == 20
    clock.advance(10)
    assert [e.kind for e in runner.tick(clock())] == []  # the old countdown at 57 s moved to 67 s
    clock.advance(7)
    assert [e.text for e in runner.tick(clock())] == ["3"]
    # Removing never leaves less than 1 s.
    assert runner.add_time(clock(), -10).message == "−2 s"
    assert runner.snapshot(clock()).step_left == 1
    assert not runner.add_time(clock(), -10).ok
    clock.advance(1)
    assert [e.text for e in runner.tick(clock())] == ["Switch sides: right leg"]
    assert runner.outcomes[step.index].seconds_done == 68  # 60 + 10 - 2
    paced = goto(runner, clock, StepKind.WORK, "Jefferson curl")
    assert paced.paced and runner.add_time(clock(), 10).message == "A paced set lasts as long as its reps."


def test_halfway_is_said_once_even_when_time_is_added(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.WORK, "Banded hip distraction")
    assert "Halfway" in [e.text for e in walk(runner, clock, 31)]
    runner.add_time(clock(), 10)  # halfway is now at 35 s
    clock.advance(10)
    assert "Halfway" not in [e.text for e in runner.tick(clock())]


def test_a_caution_waits_until_confirmed_and_never_pauses_itself(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.CAUTION)
    clock.advance(3600)
    assert runner.tick(clock()) == []
    snap = runner.snapshot(clock())
    assert snap.state is State.CAUTION and "back injury" in (snap.caution or "")
    assert not runner.pause(clock()).ok
    assert runner.next(clock()).message == "Press again to confirm you have read the caution."
    clock.advance(2.5)  # too late for a second press: the first is forgotten
    assert runner.snapshot(clock()).confirm_left is None
    assert runner.next(clock()).ok and runner.snapshot(clock()).state is State.CAUTION  # a first press again
    clock.advance(3600)
    assert runner.tick(clock()) == [] and runner.snapshot(clock()).state is State.CAUTION
    assert runner.acknowledge(clock()).ok
    events = runner.tick(clock())
    assert events[0].text == "Get ready: Jefferson curl" and events[0].scheduled_ns == clock()
    after = runner.snapshot(clock())  # the caution confirmed was drill 4's: its get-ready runs now
    assert after.state is State.GET_READY and after.drill_index == 4


def test_skipping_the_drill_at_its_caution_skips_all_its_sets(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.CAUTION)
    assert runner.skip_drill(clock()).message == "Skipped Jefferson curl."
    assert runner.finished
    skipped = [o for o in runner.outcomes.values() if o.drill == 4]
    assert [o.status for o in skipped] == ["skipped", "skipped"]


def test_skip_from_the_rest_between_drills_skips_the_upcoming_drill():
    runner, clock = make(everything())
    runner.start(clock())
    goto(runner, clock, StepKind.REST, None)  # rest between sets of "Counted"
    assert runner.step.set_no == 2
    runner.next(clock())
    runner.set_done(clock())
    assert runner.step.kind is StepKind.REST and runner.step.set_no == 0  # between drills
    assert runner.skip_drill(clock()).message == "Skipped Hold each side."
    assert runner.step.kind is StepKind.CAUTION


def test_it_hurts_stops_the_drill_records_it_and_rests(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.WORK, "Split hamstring stretch")
    clock.advance(12)
    runner.tick(clock())
    result = runner.stop_drill(clock(), "it hurts")
    assert result.message == "Stopped Split hamstring stretch: it hurts — recorded. Press U to undo."
    assert runner.step.kind is StepKind.REST and runner.step.drill_name == "Split hamstring stretch"
    outcomes = [o for o in runner.outcomes.values() if o.drill == 3]
    assert [(o.status, o.reason, o.seconds_done) for o in outcomes] == [
        ("stopped", "it hurts", 12), ("stopped", "it hurts", 0)]


def test_end_session_goes_to_done_and_says_so(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    runner.tick(clock())
    clock.advance(4)
    runner.tick(clock())
    assert runner.end_session(clock(), "had to leave").ok
    assert runner.finished
    assert [(e.kind, e.text) for e in runner.tick(clock())] == [(CueKind.SESSION_COMPLETE, "Session ended.")]
    assert runner.snapshot(clock()).state is State.DONE


# -- the snapshot ---------------------------------------------------------------------


def test_snapshot_during_the_jefferson_curl(mobility):
    runner, clock = make(mobility)
    runner.start(clock())
    goto(runner, clock, StepKind.WORK, "Jefferson curl")
    walk(runner, clock, 16 + 6)  # rep 2, one second into "Breathe out, relax"
    s = runner.snapshot(clock())
    assert (s.state, s.drill_name, s.set_no, s.sets, s.rep, s.reps) == (State.WORK, "Jefferson curl", 1, 2, 2, 5)
    assert s.phase_label == "Breathe out, relax" and s.phase_left == pytest.approx(3)
    assert s.step_left == pytest.approx(80 - 22) and s.step_progress == pytest.approx(22 / 80)
    assert s.coaching_cue == "Knees stay straight"  # second cue: 15-30 s into the set
    assert s.next_up == "Jefferson curl set 2 of 2: 5 reps (paced)"
    assert s.side is None and not s.user_counted
    assert 0 < s.session_progress < 1 and s.session_left == pytest.approx(80 - 22 + 45 + 80)


def test_snapshot_before_start_and_per_side(mobility):
    runner, clock = make(mobility)
    s = runner.snapshot(clock())
    assert s.state is State.IDLE and s.session_progress == 0 and s.session_left == mobility.total
    assert s.next_up == "Weighted hip hinge set 1 of 2: 10 reps (paced)"
    runner.start(clock())
    goto(runner, clock, StepKind.SWITCH_SIDES)
    s = runner.snapshot(clock())
    assert s.state is State.SWITCH_SIDES and s.side == "right"
    assert s.next_up == "Banded hip distraction, right leg: hold"


def test_event_log_records_cues_and_commands_as_json_lines(mobility):
    stream = io.StringIO()
    runner, clock = make(mobility, log=EventLog(stream))
    runner.start(clock())
    runner.tick(clock())
    clock.advance(7.5)
    runner.tick(clock())
    runner.pause(clock())
    runner.count_rep(clock())
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    cues = [r for r in records if r["t"] == "cue"]
    assert [(c["kind"], c["text"]) for c in cues] == [("next_up", "Get ready: Weighted hip hinge"),
                                                      ("countdown", "3")]
    assert cues[1]["actual_ns"] - cues[1]["scheduled_ns"] == round(0.5 * S)
    commands = [(r["name"], r["ok"]) for r in records if r["t"] == "command"]
    assert commands == [("start", True), ("pause", True), ("count_rep", False)]
