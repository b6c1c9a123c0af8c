"""Random commands and clock jumps against the runner, with the invariants a user relies on."""

from __future__ import annotations

import io
import json

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from hinge_timer.engine.clock import NS, FakeClock
from hinge_timer.engine.events import EventLog, State
from hinge_timer.engine.runner import CAUTION_READ_NS, UNDO_STOP_NS, Runner
from hinge_timer.engine.spoken import SESSION_ENDED
from hinge_timer.session.load import builtin_session, load_session
from hinge_timer.session.timeline import compile_timeline
from tests.conftest import REPO

TIMELINES = [
    compile_timeline(load_session(REPO / "tests" / "data" / "everything.toml"), "low"),
    compile_timeline(load_session(REPO / "tests" / "data" / "everything.toml"), "high"),
    compile_timeline(load_session(builtin_session("hip-hinge-mobility")), "low"),
]


class RunnerMachine(RuleBasedStateMachine):
    @initialize(which=st.integers(0, len(TIMELINES) - 1))
    def setup(self, which):
        self.clock = FakeClock()
        self.stream = io.StringIO()
        self.runner = Runner(TIMELINES[which], self.clock, log=EventLog(self.stream))
        self.events = []  # (visit, kind, text, scheduled, actual)
        self.visits = 0
        self.read = 0
        self.last_progress = 0.0
        self.went_back = False
        self.before_stop = None  # the outcomes just before the last stop that was made
        self.runner.start(self.clock())
        self._collect()

    # -- helpers ----------------------------------------------------------------
    def _collect(self):
        self.runner.tick(self.clock())
        lines = self.stream.getvalue().splitlines()
        for line in lines[self.read:]:
            r = json.loads(line)
            if r["t"] == "step":
                self.visits += 1
            elif r["t"] == "cue":
                self.events.append((self.visits, r["kind"], r["text"], r["scheduled_ns"], r["actual_ns"]))
        self.read = len(lines)

    def _command(self, name, *args):
        result = getattr(self.runner, name)(self.clock(), *args)
        assert isinstance(result.ok, bool) and result.message
        if name in ("back", "undo_stop") and result.ok:
            self.went_back = True
        self._collect()
        return result

    # -- the clock --------------------------------------------------------------
    @rule(seconds=st.floats(0.0, 3.0))
    def small_step(self, seconds):
        self.clock.advance(seconds)
        self._collect()

    @rule(seconds=st.floats(3.0, 19.0))
    def late_tick(self, seconds):
        self.clock.advance(seconds)
        self._collect()

    @rule(seconds=st.floats(25.0, 3600.0))
    def machine_slept(self, seconds):
        before = self.runner.snapshot(self.clock())
        running = before.state not in (State.PAUSED, State.DONE, State.CAUTION, State.IDLE)
        n = len(self.events)
        self.clock.advance(seconds)
        self._collect()
        if running:
            after = self.runner.snapshot(self.clock())
            assert after.state is State.PAUSED and "clock jumped" in (after.pause_reason or "")
            assert len(self.events) == n, "no cue is raced through after a suspend"

    def _held(self):
        """The last drill was stopped a moment ago: the clock waits at the stop (shown as paused)."""
        offer = self.runner._offer
        return offer is not None and offer.held

    @precondition(lambda self: self.runner.paused and not self._held())
    @rule(seconds=st.floats(0.0, 600.0))
    def time_passes_while_paused(self, seconds):
        before = self.runner.snapshot(self.clock())
        n = len(self.events)
        self.clock.advance(seconds)
        self._collect()
        after = self.runner.snapshot(self.clock())
        assert len(self.events) == n
        assert (after.step_left, after.step_elapsed, after.session_left, after.phase_left) == (
            before.step_left, before.step_elapsed, before.session_left, before.phase_left)

    @precondition(lambda self: self._held())
    @rule(seconds=st.floats(0.0, 20.0))
    def time_passes_after_the_last_drill_was_stopped(self, seconds):
        offer = self.runner._offer
        n = len(self.events)
        self.clock.advance(seconds)
        self._collect()
        if self.clock() >= offer.until_ns:  # the time to undo it is over: the session ends at the stop
            assert self.runner.finished and self.runner.step_start_ns == offer.at_ns
            assert [e[2] for e in self.events[n:]] == [SESSION_ENDED]
        else:
            assert self.runner.paused and len(self.events) == n

    # -- commands --------------------------------------------------------------------
    @rule()
    def toggle_pause(self):
        self._command("toggle_pause")

    @rule()
    def next(self):
        self._command("next")

    @rule()
    def back(self):
        self._command("back")

    @rule()
    def count_rep(self):
        self._command("count_rep")

    @rule()
    def undo_rep(self):
        self._command("undo_rep")

    @rule()
    def set_done(self):
        self._command("set_done")

    @rule(seconds=st.sampled_from([10, -10]))
    def add_time(self, seconds):
        self._command("add_time", seconds)

    @rule()
    def skip_drill(self):
        self._command("skip_drill")

    @rule()
    def stop_drill(self):
        before = dict(self.runner.outcomes)
        if self._command("stop_drill", "it hurts").ok:
            self.before_stop = before

    @rule()
    def undo_stop(self):
        offer = self.runner._offer
        result = self._command("undo_stop")
        assert result.ok is (offer is not None and self.clock() < offer.until_ns)
        if result.ok:  # back where it was: the step starts again, and the stop is not in the outcomes
            assert self.runner.outcomes == self.before_stop and self.runner.step_index == offer.step
            assert self.runner.snapshot(self.clock()).step_elapsed == 0

    @rule()
    def next_twice_at_a_caution(self):
        """A clicker's "next", twice in a row: at a caution it confirms it, elsewhere it skips two steps."""
        snap = self.runner.snapshot(self.clock())
        at_caution = snap.state is State.CAUTION and snap.confirm_left is None  # (no first press waiting)
        # In a caution's first moments (CAUTION_READ_NS) "next" is refused: not yet read.
        read = (self.clock.now - self.runner.step_start_ns) >= CAUTION_READ_NS if at_caution else True
        step = self.runner.step_index
        self._command("next")
        self.clock.advance(0.5)
        self._command("next")
        if at_caution and read:
            assert self.runner.step_index == step + 1 and self.runner.state is not State.CAUTION
        elif at_caution:
            assert self.runner.step_index == step  # refused, or a first press: never confirmed unread

    @rule()
    def acknowledge(self):
        self._command("acknowledge")

    @rule()
    def end_session(self):
        self._command("end_session", "random")

    # -- invariants ----------------------------------------------------------------------
    @invariant()
    def time_left_is_never_negative(self):
        s = self.runner.snapshot(self.clock())
        assert s.session_left >= 0 and s.step_elapsed >= 0
        assert s.step_left is None or s.step_left >= 0
        assert s.phase_left is None or s.phase_left >= 0
        assert 0 <= s.step_progress <= 1 and 0 <= s.session_progress <= 1

    @invariant()
    def cues_come_in_scheduled_order_each_at_most_once_never_early(self):
        scheduled = [e[3] for e in self.events]
        assert scheduled == sorted(scheduled)
        # A rep's number is said on each count: counted, undone and counted again at one instant, "1" comes
        # twice, rightly.  Every other cue comes at most once.
        timed = [e for e in self.events if e[1] != "rep"]
        assert len(set(timed)) == len(timed)
        assert all(actual >= sched for *_, sched, actual in self.events)
        assert all(actual <= self.clock() for *_, actual in self.events)

    @invariant()
    def session_progress_goes_back_only_by_back(self):
        p = self.runner.snapshot(self.clock()).session_progress
        if not self.went_back:
            assert p >= self.last_progress - 1e-12
        self.went_back = False
        self.last_progress = p

    @invariant()
    def a_run_with_a_stopped_drill_never_says_complete(self):
        if self.runner.finished and self.runner.stopped_outcome() is not None:
            ends = [e for e in self.events if e[1] == "session_complete"]
            assert ends and ends[-1][2] == SESSION_ENDED

    @invariant()
    def done_means_done(self):
        s = self.runner.snapshot(self.clock())
        if self.runner.finished:
            assert s.state is State.DONE and s.session_progress == 1 and s.session_left == 0
            assert self.runner.next_deadline_ns() is None


RunnerMachine.TestCase.settings = settings(max_examples=int(__import__("os").environ.get("HT_STATEFUL_EXAMPLES", "150")), stateful_step_count=60, deadline=None)
TestRunnerStateMachine = RunnerMachine.TestCase


def test_the_machine_reaches_the_interesting_states():
    """Guard against a vacuous property test: random walks do reach pauses, cautions and the end."""
    import random

    rng = random.Random(7)
    seen = set()
    for _ in range(30):
        clock = FakeClock()
        runner = Runner(TIMELINES[0], clock)
        runner.start(clock())
        for _ in range(200):
            choice = rng.random()
            if choice < 0.6:
                clock.advance(rng.uniform(0, 4))
                runner.tick(clock())
            elif choice < 0.7:
                runner.toggle_pause(clock())
            elif choice < 0.8:
                runner.count_rep(clock())
            elif choice < 0.85:
                runner.acknowledge(clock())
            else:
                runner.next(clock())
            seen.add(runner.state)
    assert {State.PAUSED, State.CAUTION, State.DONE, State.WORK, State.REST} <= seen
    assert NS  # the clock unit the machine uses
