"""What the runner says by itself is defined once (engine/spoken.py), and the audio layer has every one of
those lines ready: their sounds loaded, and the ones no prompt says rendered ahead."""

from __future__ import annotations

from hinge_timer.audio.vocabulary import Catalog, lines_to_render, session_cues
from hinge_timer.engine import spoken
from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.events import State
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import load_session, parse_session
from hinge_timer.session.timeline import CueKind, compile_timeline
from tests.conftest import REPO

COUNTED = """format = 1
title = "Counted"
[defaults]
get_ready = 0
rest_between_sets = 0
[[drill]]
name = "Wobbly stool lean"
reps = 3
sets = 2
[[drill]]
name = "Hold it"
hold = 5
"""


def said_by_the_runner(timeline, end_early_at_step=None):
    """Every (kind, text) said while the session runs (reps counted at once), beyond the steps' own cues."""
    clock = FakeClock()
    runner = Runner(timeline, clock)
    runner.start(clock())
    events = runner.tick(clock())
    while not runner.finished:
        if end_early_at_step is not None and runner.step_index == end_early_at_step:
            runner.end_session(clock())
        elif runner.snapshot(clock()).state is State.CAUTION:
            runner.acknowledge(clock())
        elif runner.snapshot(clock()).user_counted:
            runner.count_rep(clock())
        else:
            clock.advance(0.25)
        events += runner.tick(clock())
    in_steps = {(c.kind, c.text) for s in timeline.steps for c in s.cues}
    return [(e.kind, e.text) for e in events if (e.kind, e.text) not in in_steps]


def test_every_line_the_runner_says_by_itself_is_in_its_table():
    timeline = compile_timeline(parse_session(COUNTED))
    said = said_by_the_runner(timeline)
    reps = [(CueKind.REP, "1"), (CueKind.REP, "2"), (CueKind.LAST_REP, spoken.LAST_REP), (CueKind.REP, "3")]
    assert said == [*reps, (CueKind.SET_COMPLETE, "Set 1 of 2 complete"),
                    *reps, (CueKind.SET_COMPLETE, "Set 2 of 2 complete")]
    ended = said_by_the_runner(timeline, end_early_at_step=1)
    assert ended[-1] == (CueKind.SESSION_COMPLETE, spoken.SESSION_ENDED)
    table = spoken.runner_cues(timeline)
    assert set(said + ended) <= set(table)
    assert set(table) <= set(session_cues(timeline))  # the audio layer prepares what the table lists


def test_the_end_of_a_counted_set_is_rendered_ahead_when_no_prompt_says_it():
    """Its drill's name is the user's: before, only the timed sets' ends were rendered, and this one
    played a tone."""
    timeline = compile_timeline(load_session(REPO / "tests" / "data" / "own-timing.toml"))
    catalog = Catalog.load()
    assert catalog.speech("Doorframe hamstring reach complete") is None
    assert "Doorframe hamstring reach complete" in lines_to_render(catalog, timeline)
    assert (CueKind.SET_COMPLETE, "Doorframe hamstring reach complete") in spoken.runner_cues(timeline)
