"""The step-kind table (session/kinds.py): every kind and mode has its row, and the compiler sets the mode."""

from __future__ import annotations

import pytest

from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.engine.state import State
from hinge_timer.session import kinds
from hinge_timer.session.kinds import STATE_LOOKS, STEP_KINDS, WORK_MODES, Shows, StepKind, WorkMode
from hinge_timer.session.model import Session
from hinge_timer.session.timeline import compile_timeline, retime


def test_every_step_kind_work_mode_and_state_has_its_row():
    assert set(STEP_KINDS) == set(StepKind)
    assert set(WORK_MODES) == set(WorkMode)
    assert set(STATE_LOOKS) == set(State)
    # Each step kind is drawn in a state of its own, so a Snapshot's state finds its row.
    assert sorted(row.state for row in STEP_KINDS.values()) == sorted(set(row.state for row in STEP_KINDS.values()))
    assert set(kinds.KIND_OF_STATE) == set(State) - {State.IDLE, State.PAUSED}
    for look in STATE_LOOKS.values():
        assert look.word and look.word == look.word.upper() and look.role


def test_every_colour_role_has_its_colour_in_the_theme():
    theme = pytest.importorskip("hinge_timer.ui.theme")  # the one place a role becomes a colour
    assert {look.role for look in STATE_LOOKS.values()} == set(theme.ROLE_COLOURS)
    assert {s: c.name() for s, c in theme.STATE_COLOURS.items()} == {
        State.IDLE: "#0072b2", State.CAUTION: "#d55e00", State.GET_READY: "#e69f00", State.WORK: "#009e73",
        State.REST: "#56b4e9", State.SWITCH_SIDES: "#cc79a7", State.PAUSED: "#999999", State.DONE: "#0072b2"}


def drill(**fields: object) -> Session:
    return Session.model_validate({"format": 1, "title": "T", "drill": [{"name": "A", **fields}]})


@pytest.mark.parametrize("fields, mode", [
    ({"hold": 30}, WorkMode.HOLD),
    ({"hold": 30, "cycle": [{"phase": "Push", "seconds": 5}, {"phase": "Relax", "seconds": 5}]}, WorkMode.HOLD_RELAX),
    ({"reps": 5, "tempo": [{"phase": "Down", "seconds": 2}]}, WorkMode.PACED_REPS),
    ({"reps": 5}, WorkMode.COUNTED_REPS),
], ids=lambda v: v.value if isinstance(v, WorkMode) else "")
def test_each_work_step_has_its_mode_set_when_compiled_and_no_other_step_has_one(fields, mode):
    timeline = compile_timeline(drill(**fields))
    work = [s for s in timeline.steps if s.kind is StepKind.WORK]
    assert work and all(s.mode is mode for s in work)
    assert all(s.mode is None for s in timeline.steps if s.kind is not StepKind.WORK)
    assert timeline.to_json()["steps"][work[0].index]["mode"] == mode.value
    row = WORK_MODES[mode]
    assert work[0].paced is row.paced and work[0].user_counted is row.user_counted
    assert work[0].is_open is row.user_counted  # a set the user counts has no clock
    assert f"({row.plan_word})" in work[0].describe() or work[0].describe().endswith(f": {row.plan_word}")
    if row.retimable:
        assert retime(timeline, work[0], 40).duration == 40
    else:
        with pytest.raises(ValueError):
            retime(timeline, work[0], 40)


def test_the_runner_snapshot_carries_the_mode_and_the_screen_reads_what_it_shows():
    runner = Runner(compile_timeline(drill(reps=3, get_ready=0)), FakeClock())
    runner.start(0)
    snap = runner.snapshot(0)
    assert snap.work_mode is WorkMode.COUNTED_REPS and snap.user_counted
    assert kinds.state_shows(snap.underlying, snap.work_mode) is Shows.REP_COUNT
    assert not kinds.state_retimable(snap.underlying, snap.work_mode)
    assert kinds.state_shows(State.CAUTION, None) is Shows.CAUTION
    assert kinds.state_shows(State.REST, None) is Shows.TIME_LEFT
    assert kinds.side_words(State.SWITCH_SIDES, "right") == "SWITCH TO RIGHT LEG"
    assert kinds.side_words(State.WORK, "left") == "LEFT LEG"
    assert kinds.side_words(State.WORK, None) == ""


def test_only_work_steps_are_recorded_as_sets():
    assert [k for k, row in STEP_KINDS.items() if row.recorded] == [StepKind.WORK]
