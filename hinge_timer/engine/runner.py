"""The session runner: a state machine over a Timeline, driven by an injected clock.

Time is computed, never counted.  The runner keeps the clock time at which the
current step started; the time left is ``start + duration - now``.  A step that
ends hands its exact end time to the next step as its start, so nothing drifts
however late the ticks come.  ``tick(now)`` fires every cue whose time has come,
in order, each once; calling it twice with the same ``now`` does nothing more.

Commands take ``now`` as well, catch up with the clock first, and return a
``CommandResult`` that says whether they did anything and why not: a key press
in the wrong state is a no-op with a reason, never an exception.

Three rules keep a person safe who is standing away from the keyboard:
- At a caution, "next" (a clicker's Page Down, the Next button) confirms it only when pressed twice
  within ``CONFIRM_AGAIN_NS``: one stray press says what to do and is forgotten after that time.
- "It hurts" (``stop_drill``) acts at once and is recorded at once, and can be undone
  (``undo_stop``) for ``UNDO_STOP_NS``: the step starts again and the stop is taken out of the
  record.  On the last drill there is nothing to rest in before the end, so the clock waits at the
  stop for that time (the run shows PAUSED with the stop as its reason), then the session ends.  A
  run with a stopped drill never says "Session complete".
- A resumed run (``start`` with the outcomes taken over) at a work step gets ready first
  (``timeline.resume_get_ready``), so the person is back in position before its "Go".
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Callable

from ..session.kinds import STEP_KINDS, WORK_MODES, WorkMode
from ..session.timeline import (
    OPEN_REP_ESTIMATE,
    Cue,
    CueKind,
    Step,
    StepKind,
    Timeline,
    resume_get_ready,
    retime,
)
from .clock import NS, Clock
from .events import STATE_OF_STEP, CommandResult, CueEvent, EventLog, Snapshot, State
from ..i18n import N_, _, ngettext
from .reasons import reason_text
from .spoken import counted_set_complete, last_rep_text, rep_text, says_last_rep, session_ended_text

# Cues said at most once per visit to a step, even when added time re-plans it.
ONCE_PER_STEP = frozenset(
    {
        CueKind.GO,
        CueKind.HALFWAY,
        CueKind.SET_COMPLETE,
        CueKind.LAST_REP,
        CueKind.NEXT_UP,
        CueKind.REST,
        CueKind.SWITCH_SIDES,
        CueKind.CAUTION,
        CueKind.SESSION_COMPLETE,
    }
)
BACK_AGAIN_NS = 2 * NS  # a second "back" within this goes to the previous step
CONFIRM_AGAIN_NS = 2 * NS  # at a caution, a second "next" within this confirms it, as Enter does
# ... but not in its first moments: presses that were meant for the step before (a clicker pressed a few times
# to skip a rest) must not confirm a warning nobody has read yet.
CAUTION_READ_NS = 3 * NS // 2
CAUTION_READ_TEXT = N_("Read the caution first; then press Next twice to confirm it.")
UNDO_STOP_NS = 8 * NS  # "it hurts" can be undone for this long
# The key app/commands.py gives "undo_hurts", as the stop's message names it (tests/qt/test_hurts_undo.py
# checks that the two agree).
UNDO_STOP_KEY = "U"
CONFIRM_AGAIN_TEXT = N_("Press again to confirm you have read the caution.")
TIME_STEP_S = 10  # +/- time
MIN_LEFT_S = 1  # removing time never leaves less than this
COACH_EVERY_S = 15  # coaching cues rotate this often
DEFAULT_SUSPEND_GAP_NS = 20 * NS


def _ns(seconds: float) -> int:
    return int(round(seconds * NS))


@dataclass
class Outcome:
    """What happened to one work step (a set on one side)."""

    step: int
    drill: int
    status: str  # "done", "skipped" or "stopped"
    reason: str | None
    reps_done: int | None
    seconds_done: float
    planned_seconds: float | None
    pauses: int = 0  # times this step was paused (by the user or by a clock jump)
    paused_seconds: float = 0.0


# Called at every step boundary, before the step's line goes into the event log and before its cues fire:
# (runner, the new step's index, its start on the runner's clock).  Also when "it hurts" stops the last
# drill (the stop is recorded at once, while the clock waits at the stop) and when the stop is undone.
StepHook = Callable[["Runner", int, int], None]


@dataclass(frozen=True)
class StopOffer:
    """A stop ("it hurts") that can still be undone, until ``until_ns``."""

    until_ns: int
    at_ns: int  # when it was stopped
    step: int  # the step that was running: undo starts it again
    outcomes: dict[int, Outcome]  # the outcomes just before the stop: undo puts them back
    held: bool  # the last drill: the clock waits at the stop, and the session ends when the offer does


class Runner:
    def __init__(
        self,
        timeline: Timeline,
        clock: Clock,
        *,
        log: EventLog | None = None,
        suspend_gap_ns: int = DEFAULT_SUSPEND_GAP_NS,
        on_step: StepHook | None = None,
    ) -> None:
        self.timeline = timeline
        self.clock = clock
        self.log = log
        self.suspend_gap_ns = suspend_gap_ns
        self.steps = timeline.steps
        self.outcomes: dict[int, Outcome] = {}
        self._after = self._suffix_sums()
        self._state = State.IDLE  # the step's state; pausing does not change it
        self._paused_at: int | None = None
        self._pause_reason: str | None = None
        self._i = 0
        self._step: Step = self.steps[0]
        self._start_ns = 0
        self._fired = 0
        self._said: set[CueKind] = set()
        self._reps_done = 0
        self._pending: list[CueEvent] = []
        self._last_tick: int | None = None
        self._last_back_ns: int | None = None
        self._progress_floor = 0.0
        self._message: str | None = None
        self._command_step = 0  # the step a command acted on (for the event log)
        self.on_step = on_step  # the store's checkpoint: written at step boundaries, never on ticks
        self.end_reason: str | None = None  # why end_session ended the run early
        self.pauses = 0  # in the whole run
        self.paused_ns = 0
        self._step_pauses = 0
        self._step_paused_ns = 0
        self._began_ns: int | None = None  # when ``start`` was called (this process's part of the run)
        self._lead_in = False  # the step shown is the get-ready a resumed run starts with, before step ``_i``
        self._confirm_from: int | None = None  # at a caution: when a first "next" was pressed
        self._offer: StopOffer | None = None  # a stop that can still be undone

    # -- queries ----------------------------------------------------------
    @property
    def state(self) -> State:
        return State.PAUSED if self._paused_at is not None else self._state

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def finished(self) -> bool:
        return self._state is State.DONE

    @property
    def step(self) -> Step:
        return self._step

    @property
    def step_index(self) -> int:
        return self._i

    @property
    def step_start_ns(self) -> int:
        return self._start_ns

    @property
    def began_ns(self) -> int | None:
        """When ``start`` was called, on the runner's clock (None before)."""
        return self._began_ns

    def active_ns(self, at: int) -> int:
        """This process's part of the run from its start to ``at``, pauses that are over left out: the
        one definition of the time a run took (the history stores it; the done screen shows it, with
        the earlier parts of a resumed run added).  Called at a step boundary and at the end."""
        if self._began_ns is None:
            return 0
        return max(0, at - self._began_ns - self.paused_ns)

    def next_deadline_ns(self) -> int | None:
        """Clock time of the next cue or step end, or of the end of an offer to undo a stop (the last
        drill's stop then ends the session); None if nothing is timed."""
        offer = self._offer.until_ns if self._offer is not None else None
        if self._state in (State.IDLE, State.DONE, State.CAUTION) or self.paused:
            return offer
        best: int | None = offer
        if self._fired < len(self._step.cues):
            due = self._start_ns + _ns(self._step.cues[self._fired].at)
            best = due if best is None else min(best, due)
        if self._step.duration is not None:
            end = self._start_ns + _ns(self._step.duration)
            best = end if best is None else min(best, end)
        return best

    def upcoming(self, now: int, horizon_ns: int) -> list[tuple[int, CueKind, str]]:
        """The cues still due within ``horizon_ns`` of ``now``, with their clock times, in order.

        It looks past the current step into the steps after it while they are timed (a set the
        user counts or a caution ends the view: nobody knows when it will end).  Nothing is due
        while paused, waiting or done.  The audio layer uses it to keep a sound from overrunning
        the next cue.
        """
        if self._state in (State.IDLE, State.DONE, State.CAUTION) or self.paused:
            return []
        out: list[tuple[int, CueKind, str]] = []
        until = now + horizon_ns
        step, start, first = self._step, self._start_ns, self._fired
        i = self._next_index() - 1  # the step after ``step`` is i + 1
        while True:
            for cue in step.cues[first:]:
                due = start + _ns(cue.at)
                if due > until:
                    return out
                out.append((due, cue.kind, cue.text))
            if step.duration is None or i + 1 >= len(self.steps):
                return out
            start += _ns(step.duration)
            i += 1
            step, first = self.steps[i], 0
            if start > until or step.kind is StepKind.CAUTION:
                return out

    # -- ticking ------------------------------------------------------------
    def tick(self, now: int) -> list[CueEvent]:
        """Catch up with the clock and return every cue fired since the last call."""
        self._catch_up(now)
        events, self._pending = self._pending, []
        return events

    def _catch_up(self, now: int) -> None:
        self._expire_offer(now)
        if self._state in (State.IDLE, State.DONE) or self.paused:
            return
        last, self._last_tick = self._last_tick, now
        if self._state is not State.CAUTION and last is not None and now - last > self.suspend_gap_ns:
            # The machine slept or the process was stopped: do not race through the
            # missed time; stop the clock where the gap began and say why.
            self._advance(last, last)
            if not self.finished:
                gap = (now - last) / NS
                self._paused_at = last
                self.pauses += 1
                self._pause_reason = _(
                    "Paused by itself: the clock jumped {seconds} s "
                    "(the computer slept or the app was stopped). Resume when ready."
                ).format(seconds=f"{gap:.0f}")
                self._write({"t": "notice", "what": "suspend", "gap_s": gap, "paused_at_ns": last, "at_ns": now})
            return
        self._advance(now, now)

    def _advance(self, until: int, now: int) -> None:
        """Fire cues and end steps up to clock time ``until``; ``now`` is stamped as actual."""
        while True:
            step = self._step
            elapsed = until - self._start_ns
            cues = step.cues
            while self._fired < len(cues) and _ns(cues[self._fired].at) <= elapsed:
                self._say(cues[self._fired], self._start_ns + _ns(cues[self._fired].at), now)
                self._fired += 1
            if step.duration is None or self._state is State.DONE:
                return
            end = self._start_ns + _ns(step.duration)
            if until < end:
                return
            self._record("done", None, end)
            self._enter(self._next_index(), end)

    def _say(self, cue: Cue, scheduled: int, now: int) -> None:
        if cue.kind in ONCE_PER_STEP:
            if cue.kind in self._said:
                return
            self._said.add(cue.kind)
        text, msg = cue.text, cue.msg
        if cue.kind is CueKind.SESSION_COMPLETE and self.stopped_outcome() is not None:
            # a drill was stopped: the session is over, not complete
            text, msg = session_ended_text(), "session_ended"
        ev = CueEvent(cue.kind, text, self._i, scheduled, now, msg, cue.critical)
        self._pending.append(ev)
        self._write(
            {
                "t": "cue",
                "kind": cue.kind.value,
                "msg": msg,
                "text": text,
                "step": self._i,
                "scheduled_ns": scheduled,
                "actual_ns": now,
            }
        )

    def _say_now(self, kind: CueKind, text: str, now: int, msg: str = "") -> None:
        self._say(Cue(0, kind, text, msg), now, now)

    def _enter(self, i: int, start: int, lead_in: Step | None = None) -> None:
        """Step ``i`` begins at ``start`` (or ``lead_in``, the get-ready a resumed run has before it)."""
        self._i = i
        self._step = lead_in if lead_in is not None else self.steps[i]
        self._lead_in = lead_in is not None
        self._start_ns = start
        self._fired = 0
        self._said = set()
        self._reps_done = 0
        self._step_pauses = 0
        self._step_paused_ns = 0
        self._confirm_from = None
        self._state = STATE_OF_STEP[self._step.kind]
        if self._state is State.DONE:
            self._offer = None  # the run is written as over now: nothing can be taken back
        if self.on_step is not None:
            self.on_step(self, i, start)
        if lead_in is not None:  # not a step of the timeline: its own line (the step's comes when it begins)
            self._write({"t": "lead_in", "step": i, "kind": lead_in.kind.value, "seconds": lead_in.duration,
                         "start_ns": start})
        else:
            self._write({"t": "step", "step": i, "kind": self._step.kind.value, "start_ns": start})

    def _next_index(self) -> int:
        """The step that follows the one shown: after a resumed run's get-ready, the step it leads into."""
        return self._i if self._lead_in else self._i + 1

    # -- records --------------------------------------------------------------
    def _elapsed_ns(self, now: int) -> int:
        ref = self._paused_at if self._paused_at is not None else now
        elapsed = max(0, ref - self._start_ns)
        if self._step.duration is not None:
            elapsed = min(elapsed, _ns(self._step.duration))
        return elapsed

    def _reps_in(self, step: Step, elapsed_s: float) -> int:
        if step.mode is WorkMode.PACED_REPS and step.reps and step.duration:
            rep_len = step.duration / step.reps
            return min(step.reps, int((elapsed_s + 1e-9) // rep_len))
        return self._reps_done

    def _record(self, status: str, reason: str | None, now: int) -> None:
        step = self._step
        if not STEP_KINDS[step.kind].recorded:
            return
        elapsed_s = self._elapsed_ns(now) / NS
        self.outcomes[step.index] = Outcome(
            step=step.index,
            drill=step.drill,
            status=status,
            reason=reason,
            reps_done=self._reps_in(step, elapsed_s) if step.reps is not None else None,
            seconds_done=round(elapsed_s, 3),
            planned_seconds=step.duration,
            pauses=self._step_pauses + (1 if self._paused_at is not None else 0),
            paused_seconds=round((self._step_paused_ns + self._open_pause_ns(now)) / NS, 3),
        )

    def _open_pause_ns(self, now: int) -> int:
        return max(0, now - self._paused_at) if self._paused_at is not None else 0

    def _count_pause(self, now: int) -> None:
        """A pause is over (resumed, or the step it was in ended): add it to the step's and the run's."""
        if self._paused_at is not None:
            span = self._open_pause_ns(now)
            self._step_pauses += 1
            self._step_paused_ns += span
            self.paused_ns += span

    def _record_untouched(self, first: int, last: int, status: str, reason: str | None) -> None:
        for j in range(first, last):
            s = self.steps[j]
            if STEP_KINDS[s.kind].recorded and j not in self.outcomes:
                self.outcomes[j] = Outcome(j, s.drill, status, reason, 0 if s.reps else None, 0.0, s.duration)

    def _write(self, record: dict[str, Any]) -> None:
        if self.log is not None:
            self.log.write(record)

    # -- commands -------------------------------------------------------------
    def _begin(self, now: int) -> None:
        """Catch up with the clock, then note the step the command acts on."""
        self._catch_up(now)
        self._command_step = self._i

    def _run(self, name: str, now: int, result: CommandResult, **extra: Any) -> CommandResult:
        self._message = result.message
        self._write(
            {"t": "command", "name": name, "ok": result.ok, "message": result.message,
             "step": self._command_step, "now_step": self._i, "at_ns": now, **extra}
        )
        return result

    def _can_navigate(self) -> str | None:
        if self._state is State.IDLE:
            return _("The session has not started.")
        if self._state is State.DONE:
            return _("The session is over.")
        if self._offer is not None and self._offer.held:
            return self._held_why()
        return None

    @staticmethod
    def _held_why() -> str:
        # Translators: {key} is the key that undoes the stop ("U").
        return _("The drill was stopped: press {key} to undo that, or resume to end the session now.").format(
            key=UNDO_STOP_KEY)

    def stopped_outcome(self) -> Outcome | None:
        """The first set stopped by ``stop_drill`` ("it hurts"), or None.  A run that has one is never
        called complete.  A set cut short by ending the session early (its reason is the run's
        ``end_reason``) is not one."""
        found = [o for o in self.outcomes.values() if o.status == "stopped" and o.reason != self.end_reason]
        return min(found, key=lambda o: o.step) if found else None

    def start(self, now: int, at_step: int = 0, outcomes: dict[int, Outcome] | None = None, *,
              resumed: bool | None = None) -> CommandResult:
        """Start the session; ``at_step`` resumes an interrupted run at the start of that step, with the
        ``outcomes`` it had already recorded (so the summary at the end covers the whole run).  A resumed
        run (``resumed``; by default, when ``outcomes`` are given) gets ready first when it resumes at a
        work step (``timeline.resume_get_ready``), and only then that step says "Go"."""
        self._command_step = self._i
        if self._state is not State.IDLE:
            return self._run("start", now, CommandResult(False, _("Already started.")))
        if not 0 <= at_step < len(self.steps):
            return self._run("start", now, CommandResult(False, _("There is no step {n} to resume at.").format(n=at_step)))
        if resumed is None:
            resumed = outcomes is not None
        if outcomes:
            self.outcomes.update({k: v for k, v in outcomes.items() if k < at_step})
        lead = resume_get_ready(self.timeline, at_step) if resumed else None
        self._last_tick = now
        self._began_ns = now
        self._enter(at_step, now, lead)
        self._progress_floor = self._base_progress(0.0)
        self._advance(now, now)
        if at_step or resumed:
            where = self.steps[at_step].describe()
            said = (_("Resumed at: {step}, after a get-ready").format(step=where) if lead is not None
                    else _("Resumed at: {step}").format(step=where))
            return self._run("start", now, CommandResult(True, said),
                             at_step=at_step, lead_in=lead is not None)
        return self._run("start", now, CommandResult(True, _("Started.")))

    def pause(self, now: int, reason: str = "Paused") -> CommandResult:
        self._begin(now)
        if self._offer is not None and self._offer.held:
            return self._run("pause", now, CommandResult(False, self._held_why()))
        if self.paused:
            return self._run("pause", now, CommandResult(False, _("Already paused.")))
        why = self._can_navigate()
        if why is None and self._state is State.CAUTION:
            why = _("Nothing is running: read the caution, then confirm or skip the drill.")
        if why:
            return self._run("pause", now, CommandResult(False, why))
        self._paused_at = now
        self._pause_reason = reason
        self.pauses += 1
        return self._run("pause", now, CommandResult(True, reason))

    def resume(self, now: int) -> CommandResult:
        """Carry on after a pause.  While the last drill's stop can still be undone, the clock is waiting
        at the stop: resuming ends the session there and then."""
        self._command_step = self._i
        self._expire_offer(now)
        offer = self._offer
        if offer is not None and offer.held:
            self._offer = None
            self._end_stopped(offer, now)
            return self._run("resume", now, CommandResult(True, _("Session ended: the drill was stopped.")))
        if self._paused_at is None:
            return self._run("resume", now, CommandResult(False, _("Not paused.")))
        self._start_ns += now - self._paused_at
        self._count_pause(now)
        self._paused_at = None
        self._pause_reason = None
        self._last_tick = now
        self._advance(now, now)
        return self._run("resume", now, CommandResult(True, _("Resumed.")))

    def toggle_pause(self, now: int) -> CommandResult:
        return self.resume(now) if self.paused else self.pause(now)

    def _jump(self, i: int, now: int, lead_in: Step | None = None) -> None:
        """Go to step ``i`` at ``now``; a paused session stays paused there, unless it is over.  A stop
        that could be undone cannot be any more: the user has moved on."""
        self._offer = None
        self._count_pause(now)  # a pause that goes on into the next step counts there from now
        self._enter(i, now, lead_in)
        if self._state is State.DONE:
            self._paused_at = None
            self._pause_reason = None
        if self.paused:
            self._paused_at = now
        else:
            self._last_tick = now
            self._advance(now, now)

    def next(self, now: int) -> CommandResult:
        """Skip the rest of the step.  At a caution, a clicker has no Enter: the first press says to press
        again, and a second one within CONFIRM_AGAIN_NS confirms the caution as Enter does."""
        self._begin(now)
        why = self._can_navigate()
        if why:
            return self._run("next", now, CommandResult(False, why))
        if self._state is State.CAUTION:
            if now - self._start_ns < CAUTION_READ_NS:
                return self._run("next", now, CommandResult(False, _(CAUTION_READ_TEXT)))
            first = self._confirm_from
            if first is not None and now - first <= CONFIRM_AGAIN_NS:
                self._confirm_caution(now)
                return self._run("next", now, CommandResult(True, _("Caution confirmed.")), confirmed=True)
            self._confirm_from = now
            return self._run("next", now, CommandResult(True, _(CONFIRM_AGAIN_TEXT)), confirmed=False)
        self._record("skipped", "next", now)
        self._jump(self._next_index(), now)
        return self._run("next", now, CommandResult(True, _("Skipped to: {step}").format(step=self._step.describe())))

    def back(self, now: int) -> CommandResult:
        self._begin(now)
        why = self._can_navigate()
        if why:
            return self._run("back", now, CommandResult(False, why))
        again = self._last_back_ns is not None and now - self._last_back_ns <= BACK_AGAIN_NS
        self._last_back_ns = now
        here = self._i
        target = here - 1 if again and here > 0 else here
        self.outcomes.pop(here, None)
        # In a resumed run's get-ready, "the start of this step" is the start of that get-ready.
        lead = resume_get_ready(self.timeline, here) if target == here and self._lead_in else None
        self._jump(target, now, lead)
        self._progress_floor = self._base_progress(0.0)
        said = (_("Back to: {step}") if target < here else _("Restarted: {step}")).format(step=self._step.describe())
        return self._run("back", now, CommandResult(True, said))

    def _counted_set(self) -> str | None:
        if self._state is not State.WORK or self._step.mode is not WorkMode.COUNTED_REPS:
            if self._state is State.WORK and self._step.mode is WorkMode.PACED_REPS:
                return _("This set counts its reps itself.")
            return _("Not in a set you count.")
        if self.paused:
            return _("Paused: resume first.")
        return None

    def count_rep(self, now: int) -> CommandResult:
        self._begin(now)
        why = self._counted_set()
        if why:
            return self._run("count_rep", now, CommandResult(False, why))
        reps = self._step.reps or 0
        self._reps_done += 1
        n = self._reps_done
        self._say_now(CueKind.REP, rep_text(n), now, "rep")
        if says_last_rep(n, reps):
            self._say_now(CueKind.LAST_REP, last_rep_text(), now, "last_rep")
        result = CommandResult(True, _("Rep {n} of {reps}").format(n=n, reps=reps))
        if n >= reps:
            self._finish_counted_set(now)
        return self._run("count_rep", now, result)

    def undo_rep(self, now: int) -> CommandResult:
        self._begin(now)
        why = self._counted_set()
        if why is None and self._reps_done == 0:
            why = _("No rep to undo.")
        if why:
            return self._run("undo_rep", now, CommandResult(False, why))
        self._reps_done -= 1
        return self._run("undo_rep", now, CommandResult(True, _("Rep {n} of {reps}").format(n=self._reps_done, reps=self._step.reps)))

    def set_done(self, now: int) -> CommandResult:
        self._begin(now)
        why = self._counted_set()
        if why:
            return self._run("set_done", now, CommandResult(False, why))
        done = self._reps_done
        self._finish_counted_set(now)
        return self._run("set_done", now, CommandResult(True, ngettext("Set done after {n} rep.", "Set done after {n} reps.", done).format(n=done)))

    def _finish_counted_set(self, now: int) -> None:
        step = self._step
        if step.ends_set:
            self._say_now(CueKind.SET_COMPLETE, counted_set_complete(step), now, "set_complete" if step.sets > 1 else "drill_complete")
        self._record("done", None, now)
        self._jump(self._next_index(), now)

    def add_time(self, now: int, seconds: float = TIME_STEP_S) -> CommandResult:
        self._begin(now)
        step = self._step
        why = self._can_navigate()
        if why is None and (step.duration is None or not STEP_KINDS[step.kind].retimable):
            why = _("This step has no clock to change.")
        if why is None and step.mode is not None and not WORK_MODES[step.mode].retimable:
            why = _("A paced set lasts as long as its reps.")
        if why:
            return self._run("add_time", now, CommandResult(False, why), seconds=seconds)
        assert step.duration is not None
        elapsed = self._elapsed_ns(now) / NS
        if seconds >= 0:
            new = step.duration + seconds
        else:
            left = step.duration - elapsed
            if left <= MIN_LEFT_S + 1e-9:
                return self._run(
                    "add_time", now, CommandResult(False, _("Only {seconds} s left.").format(seconds=MIN_LEFT_S)), seconds=seconds
                )
            new = max(step.duration + seconds, elapsed + MIN_LEFT_S)
        self._step = retime(self.timeline, step, new)
        elapsed_ns = _ns(elapsed)
        self._fired = sum(1 for c in self._step.cues if _ns(c.at) <= elapsed_ns)
        sign = "+" if seconds >= 0 else "−"
        return self._run(
            "add_time", now, CommandResult(True, f"{sign}{abs(new - step.duration):.0f} s"), seconds=seconds
        )

    def _drill_span(self) -> tuple[int, int]:
        """The drill a skip or stop acts on, and the first step after it."""
        step = self._step
        target = step.drill
        if step.kind is StepKind.REST and step.set_no == 0:
            target += 1  # the rest between drills leads into the next drill
        j = self._i
        while self.steps[j].kind is not StepKind.DONE and self.steps[j].drill <= target:
            j += 1
        return target, j

    def skip_drill(self, now: int) -> CommandResult:
        self._begin(now)
        why = self._can_navigate()
        if why:
            return self._run("skip_drill", now, CommandResult(False, why))
        target, j = self._drill_span()
        name = self.timeline.session.drills[target].name
        self._record("skipped", "skip drill", now)
        self._record_untouched(self._i, j, "skipped", "skip drill")
        self._jump(j, now)
        return self._run("skip_drill", now, CommandResult(True, _("Skipped {drill}.").format(drill=name)))

    def stop_drill(self, now: int, reason: str = "it hurts") -> CommandResult:
        """End the drill at once, record why, and go to the rest before the next one.  It can be undone
        for UNDO_STOP_NS (``undo_stop``).  On the last drill there is no rest to go to: the clock waits at
        the stop for that time (PAUSED, the stop as its reason; the stop is recorded at once), then the
        session ends; resuming ends it at once."""
        self._begin(now)
        why = self._can_navigate()
        if why:
            return self._run("stop_drill", now, CommandResult(False, why), reason=reason)
        target, j = self._drill_span()
        # Land on the rest after the drill, if there is one: a sore user needs a moment.
        k = self._i
        while k < j and not (self.steps[k].kind is StepKind.REST and self.steps[k].set_no == 0
                             and self.steps[k].drill == target):
            k += 1
        land = k if k < j and k > self._i else j
        name = self.timeline.session.drills[target].name
        here, before = self._i, dict(self.outcomes)
        self._record("stopped", reason, now)
        self._record_untouched(self._i, j, "stopped", reason)
        held = self.steps[land].kind is StepKind.DONE
        # Translators: {drill} the drill, {reason} why ("it hurts"), {key} the key that undoes it ("U").
        message = _("Stopped {drill}: {reason} — recorded. Press {key} to undo.").format(
            drill=name, reason=reason_text(reason), key=UNDO_STOP_KEY)
        if held:
            self._count_pause(now)  # a pause that was on ends with the drill
            self._paused_at = now
            self._pause_reason = message
            if self.on_step is not None:
                self.on_step(self, here, now)  # the stop goes into the record now, as at a step boundary
        else:
            self._jump(land, now)
        self._offer = StopOffer(now + UNDO_STOP_NS, now, here, before, held)
        return self._run("stop_drill", now, CommandResult(True, message), reason=reason, held=held)

    def undo_stop(self, now: int) -> CommandResult:
        """Take back "it hurts" within UNDO_STOP_NS of it: the step that was running starts again from its
        beginning, and the drill's sets are no longer recorded as stopped (the record is corrected at this
        boundary)."""
        self._begin(now)
        offer = self._offer
        if offer is None:
            why = self._can_navigate() or _("There is no stop to undo.")
            return self._run("undo_stop", now, CommandResult(False, why))
        self._offer = None
        self.outcomes.clear()
        self.outcomes.update(offer.outcomes)
        if not offer.held:
            self._count_pause(now)  # a pause taken since the stop ends here
        self._paused_at = None
        self._pause_reason = None
        self._last_tick = now
        self._enter(offer.step, now)
        self._progress_floor = self._base_progress(0.0)
        self._advance(now, now)
        return self._run("undo_stop", now, CommandResult(True, _("Stop undone: {step}, from the start.").format(step=self._step.describe())))

    def _expire_offer(self, now: int) -> None:
        """The time to undo a stop is over: the last drill's stop then ends the session."""
        offer = self._offer
        if offer is None or now < offer.until_ns:
            return
        self._offer = None
        if offer.held:
            self._end_stopped(offer, now)

    def _end_stopped(self, offer: StopOffer, now: int) -> None:
        """The session ends at the last drill's stop: its time runs to the stop (the wait is left out),
        and it says "Session ended.", not "Session complete"."""
        self._paused_at = None
        self._pause_reason = None
        self._enter(len(self.steps) - 1, offer.at_ns)
        self._fired = len(self._step.cues)
        self._say_now(CueKind.SESSION_COMPLETE, session_ended_text(), now, "session_ended")

    def end_session(self, now: int, reason: str = "ended early") -> CommandResult:
        self._begin(now)
        offer = self._offer
        if offer is not None and offer.held:  # the last drill was stopped a moment ago: end there, as it is
            self._offer = None
            self.end_reason = reason
            self._end_stopped(offer, now)
            return self._run("end_session", now, CommandResult(True, _("Session ended: {reason}.").format(reason=reason_text(reason))), reason=reason)
        why = self._can_navigate()
        if why:
            return self._run("end_session", now, CommandResult(False, why), reason=reason)
        self._offer = None
        last = len(self.steps) - 1
        self._record("stopped", reason, now)
        self._record_untouched(self._i, last, "skipped", reason)
        self._count_pause(now)
        self._paused_at = None
        self.end_reason = reason
        self._enter(last, now)
        self._fired = len(self._step.cues)
        self._say_now(CueKind.SESSION_COMPLETE, session_ended_text(), now, "session_ended")
        return self._run("end_session", now, CommandResult(True, _("Session ended: {reason}.").format(reason=reason_text(reason))), reason=reason)

    def acknowledge(self, now: int) -> CommandResult:
        self._begin(now)
        if self._state is not State.CAUTION:
            return self._run("acknowledge", now, CommandResult(False, _("There is no caution to confirm.")))
        if self._offer is not None and self._offer.held:
            return self._run("acknowledge", now, CommandResult(False, self._held_why()))
        self._confirm_caution(now)
        return self._run("acknowledge", now, CommandResult(True, _("Caution confirmed.")))

    def _confirm_caution(self, now: int) -> None:
        """The caution is confirmed (Enter, or "next" twice): the drill begins."""
        self._jump(self._i + 1, now)

    # -- the snapshot ------------------------------------------------------------
    def _suffix_sums(self) -> list[float]:
        after = [0.0] * len(self.steps)
        acc = 0.0
        for k in range(len(self.steps) - 1, -1, -1):
            after[k] = acc
            acc += self.steps[k].planned
        return after

    def _base_progress(self, frac: float) -> float:
        total = self.timeline.total
        if total <= 0:
            return 1.0 if self.finished else 0.0
        base = self.steps[self._i]
        return min(1.0, (base.start + frac * base.planned) / total)

    def snapshot(self, now: int) -> Snapshot:
        step = self._step
        idle = self._state is State.IDLE
        elapsed_ns = 0 if idle else self._elapsed_ns(now)
        elapsed = elapsed_ns / NS
        step_left: float | None = None
        if step.duration is not None:
            step_left = max(0.0, step.duration - elapsed)
            step_progress = 1.0 if step.duration == 0 else min(1.0, elapsed / step.duration)
        elif step.reps:
            step_progress = min(1.0, self._reps_done / step.reps)
        else:
            step_progress = 0.0

        phase_label = phase_left = phase_progress = phase_seconds = None
        phase_index = phase_count = None
        rep = self._reps_done
        drill = self.timeline.session.drills[step.drill] if step.drill >= 0 else None
        if step.phases:
            starts = [p.start for p in step.phases]
            k = max(0, bisect.bisect_right(starts, elapsed) - 1)
            ph = step.phases[k]
            phase_label = ph.label
            phase_seconds = ph.seconds
            pattern = (drill.tempo or drill.cycle) if drill is not None else None
            if pattern:
                phase_count = len(pattern)
                phase_index = k % phase_count
            phase_left = max(0.0, ph.end - elapsed)
            phase_progress = min(1.0, (elapsed - ph.start) / ph.seconds) if ph.seconds else 1.0
            if ph.rep is not None:
                rep = ph.rep

        if idle:
            progress = 0.0
        elif self.finished:
            progress = 1.0
        else:
            # A resumed run's get-ready comes before its step: the step's part of the bar starts after it.
            progress = max(self._progress_floor, self._base_progress(0.0 if self._lead_in else step_progress))
            self._progress_floor = progress

        if step_left is not None:
            left_here = step_left
        elif step.reps:
            left_here = max(0, step.reps - self._reps_done) * OPEN_REP_ESTIMATE
        else:
            left_here = 0.0
        if self._lead_in:
            left_here += self.steps[self._i].planned  # the step it leads into is still all to come
        session_left = 0.0 if self.finished else left_here + self._after[self._i]
        if idle:
            session_left = self.timeline.total

        coaching = None
        if drill is not None and drill.cues and self._state in (State.WORK, State.GET_READY, State.SWITCH_SIDES):
            coaching = drill.cues[int(elapsed // COACH_EVERY_S) % len(drill.cues)]

        next_up = next_brief = None
        start_j = 0 if idle else self._next_index()
        for j in range(start_j, len(self.steps)):
            if self.steps[j].kind in (StepKind.WORK, StepKind.DONE, StepKind.CAUTION):
                next_up, next_brief = self.steps[j].describe(), self.steps[j].brief()
                if self.steps[j].kind is StepKind.DONE and self.stopped_outcome() is not None:
                    next_up = next_brief = _("The end of the session")  # a drill was stopped: not "Session complete"
                break

        confirm_left = None
        if self._state is State.CAUTION and self._confirm_from is not None:
            left = self._confirm_from + CONFIRM_AGAIN_NS - now
            confirm_left = left / NS if left >= 0 else None
        undo_left = None
        if self._offer is not None and now < self._offer.until_ns:
            undo_left = (self._offer.until_ns - now) / NS

        # Active time so far: up to the pause while paused, up to the end once it is over.
        active_at = self._start_ns if self.finished else (self._paused_at if self._paused_at is not None else now)

        return Snapshot(
            state=State.PAUSED if self.paused else self._state,
            underlying=self._state,
            pause_reason=self._pause_reason if self.paused else None,
            step_index=self._i,
            step_count=len(self.steps),
            drill_index=-1 if idle else step.drill,
            drill_name="" if idle else step.drill_name,
            drill_count=len(self.timeline.session.drills),
            side=None if idle else step.side,
            set_no=step.set_no,
            sets=step.sets,
            rep=rep,
            reps=step.reps,
            user_counted=step.user_counted,
            phase_label=phase_label,
            phase_left=phase_left,
            phase_progress=phase_progress,
            step_left=step_left,
            step_elapsed=elapsed,
            step_progress=step_progress,
            coaching_cue=coaching,
            caution=drill.caution if (drill is not None and self._state is State.CAUTION) else None,
            session_progress=progress,
            session_left=session_left,
            next_up=next_up,
            last_message=self._message,
            how=drill.how if drill is not None and drill.how else None,
            active=0.0 if idle else self.active_ns(active_at) / NS,
            work_mode=None if idle else step.mode,
            next_brief=next_brief,
            confirm_left=confirm_left,
            undo_left=undo_left,
            movement=drill.movement if drill is not None else None,
            phase_index=phase_index,
            phase_count=phase_count,
            phase_seconds=phase_seconds,
        )

