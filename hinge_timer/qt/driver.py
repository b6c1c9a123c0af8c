"""The thin Qt layer over the runner: timers in, signals out.

Two precise timers, neither of which counts anything:
- a single-shot *cue timer* armed for the runner's next deadline (the next
  cue or the end of the step), so a cue fires within a millisecond or two of
  its time instead of on the next display tick;
- a *display timer* that only asks for a fresh snapshot: 25 Hz while a timed
  step runs (enough for a smooth ring), 2 Hz in a step that waits for the
  user, and not at all while paused, before the start or after the end.
Both just say "look at the clock now"; the runner computes the rest.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .. import __version__
from ..engine.clock import NS, Clock, ScaledClock, system_clock
from ..engine.events import CommandResult, CueEvent, EventLog, Snapshot, State
from ..engine.runner import Runner
from ..session.timeline import CueKind, Timeline

DISPLAY_MS_TIMED = 40  # at most 25 Hz: the short steps' ring moves smoothly
DISPLAY_MS_SLOWEST = 1000  # at least once a second on a timed step
DISPLAY_MS_WAITING = 500  # counted sets and cautions: only the coaching cue rotates
RING_STEPS = 360  # the ring moves a degree at a time; a 2-minute hold needs 3 repaints a second, not 25


def display_interval_ms(snap: Snapshot, step_seconds: float | None, speed: float) -> int:
    """Wall milliseconds to the next display tick: the next digit change or the next ring degree.

    Repainting the ring 25 times a second for a 2-minute hold costs several per cent of a core for
    nothing anyone can see; the digits must still change on the second, so the tick lands just after.
    """
    if snap.step_left is None:
        return DISPLAY_MS_WAITING
    waits = [1.0]
    for left in (snap.step_left, snap.phase_left):
        if left is not None and left > 0:
            frac = left - math.floor(left)
            waits.append(frac if frac > 1e-6 else 1.0)
    if step_seconds:
        waits.append(step_seconds / RING_STEPS)
    wall_ms = min(waits) / speed * 1000
    return int(min(DISPLAY_MS_SLOWEST, max(DISPLAY_MS_TIMED, math.ceil(wall_ms - 1e-6) + 1)))


class SessionDriver(QObject):
    snapshot_changed = Signal(object)  # Snapshot
    cue_fired = Signal(object)  # CueEvent
    cues_fired = Signal(object)  # list[CueEvent]: every cue of one tick, after snapshot_changed (for sound)
    command_done = Signal(str, object)  # command name, CommandResult
    session_finished = Signal(object)  # the final Snapshot

    def __init__(self, runner: Runner, clock: Clock, speed: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.clock = clock
        self.speed = speed
        self._finished_sent = False
        self._display = QTimer(self)
        self._display.setTimerType(Qt.TimerType.PreciseTimer)
        self._display.setSingleShot(True)
        self._display.timeout.connect(self.on_display_tick)
        self._cue_timer = QTimer(self)
        self._cue_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._cue_timer.setSingleShot(True)
        self._cue_timer.timeout.connect(self.on_deadline)

    # -- the pump --------------------------------------------------------------
    def pump(self) -> Snapshot:
        """Tick the runner now, emit what happened, and re-arm the timers."""
        now = self.clock()
        events: list[CueEvent] = self.runner.tick(now)
        for ev in events:
            self.cue_fired.emit(ev)
        snap = self.runner.snapshot(now)
        self.snapshot_changed.emit(snap)
        if events:
            # Last: the screen has taken in the change, so the window can draw it before the sound
            # starts (a sound ahead of the picture is noticed sooner than one behind it).
            self.cues_fired.emit(events)
        self._arm(now, snap)
        if self.runner.finished and not self._finished_sent:
            self._finished_sent = True
            self.session_finished.emit(snap)
        return snap

    def _arm(self, now: int, snap: Snapshot) -> None:
        deadline = self.runner.next_deadline_ns()
        if deadline is None:
            self._cue_timer.stop()
        else:
            wall_ms = (deadline - now) / self.speed / (NS / 1000)
            # Round up: a timer that fires a hair early would find nothing due and re-arm.
            self._cue_timer.start(max(0, math.ceil(wall_ms)))
        state = snap.state
        # Paused, the screen does not change, except the seconds left to undo "it hurts" on the last drill.
        if state in (State.IDLE, State.DONE) or (state is State.PAUSED and snap.undo_left is None):
            self._display.stop()
            return
        if state is State.PAUSED:
            self._display.start(250)
            return
        self._display.start(display_interval_ms(snap, self.runner.step.duration, self.speed))

    # -- what the shell may read (screens draw Snapshots; nothing reaches into the runner) -------------
    @property
    def timeline(self) -> Timeline:
        return self.runner.timeline

    @property
    def state(self) -> State:
        """PAUSED while paused, else the step's state (IDLE before the start, DONE at the end)."""
        return self.runner.state

    @property
    def finished(self) -> bool:
        return self.runner.finished

    @property
    def started_ns(self) -> int | None:
        """When the run started, on the driver's clock (None before the start)."""
        return self.runner.began_ns

    @property
    def timed_step(self) -> bool:
        """The step now running has a length (it is not one the user counts or confirms)."""
        return self.runner.step.duration is not None

    def snapshot(self) -> Snapshot:
        """What a screen shows, now (no tick: nothing fires)."""
        return self.runner.snapshot(self.clock())

    def upcoming(self, now: int, horizon_ns: int) -> list[tuple[int, CueKind, str]]:
        """The cues due within ``horizon_ns`` of ``now`` (on the driver's clock), in order."""
        return self.runner.upcoming(now, horizon_ns)

    def log_event(self, record: dict[str, Any]) -> None:
        """Add one record to the run's event log (``--event-log``); nothing when none is kept."""
        if self.runner.log is not None:
            self.runner.log.write(record)

    def on_display_tick(self) -> None:
        self.pump()

    def on_deadline(self) -> None:
        self.pump()

    def stop_timers(self) -> None:
        self._display.stop()
        self._cue_timer.stop()

    def close(self) -> None:
        """Stop the timers and close the event log; the runner keeps its records."""
        self.stop_timers()
        if self.runner.log is not None:
            self.runner.log.close()
            self.runner.log = None

    @property
    def timers_active(self) -> bool:
        return self._display.isActive() or self._cue_timer.isActive()

    # -- commands ----------------------------------------------------------------
    def _do(self, name: str, fn: Callable[[int], CommandResult]) -> CommandResult:
        result = fn(self.clock())
        self.command_done.emit(name, result)
        self.pump()
        return result

    def start(self, at_step: int = 0, outcomes: dict | None = None) -> CommandResult:
        """Start; ``at_step`` and ``outcomes`` resume an interrupted run at the start of that step."""
        return self._do("start", lambda now: self.runner.start(now, at_step, outcomes))

    def pause(self, reason: str = "Paused") -> CommandResult:
        return self._do("pause", lambda now: self.runner.pause(now, reason))

    def resume(self) -> CommandResult:
        return self._do("resume", self.runner.resume)

    def toggle_pause(self) -> CommandResult:
        return self._do("toggle_pause", self.runner.toggle_pause)

    def next(self) -> CommandResult:
        return self._do("next", self.runner.next)

    def back(self) -> CommandResult:
        return self._do("back", self.runner.back)

    def count_rep(self) -> CommandResult:
        return self._do("count_rep", self.runner.count_rep)

    def undo_rep(self) -> CommandResult:
        return self._do("undo_rep", self.runner.undo_rep)

    def set_done(self) -> CommandResult:
        return self._do("set_done", self.runner.set_done)

    def add_time(self, seconds: float = 10) -> CommandResult:
        return self._do("add_time", lambda now: self.runner.add_time(now, seconds))

    def skip_drill(self) -> CommandResult:
        return self._do("skip_drill", self.runner.skip_drill)

    def stop_drill(self, reason: str = "it hurts") -> CommandResult:
        return self._do("stop_drill", lambda now: self.runner.stop_drill(now, reason))

    def undo_stop(self) -> CommandResult:
        """Take back "it hurts" within its few seconds (Runner.undo_stop)."""
        return self._do("undo_stop", self.runner.undo_stop)

    def end_session(self, reason: str = "ended early") -> CommandResult:
        return self._do("end_session", lambda now: self.runner.end_session(now, reason))

    def acknowledge(self) -> CommandResult:
        return self._do("acknowledge", self.runner.acknowledge)


def suspend_gap_for(speed: float, wall_seconds: float = 20.0) -> int:
    """The runner's suspend threshold, in its own clock's nanoseconds, for a wall-clock gap."""
    return int(wall_seconds * speed * NS)


def open_session(
    timeline: Timeline,
    *,
    speed: float = 1.0,
    event_log: str | None = None,
    parent: QObject | None = None,
    clock: Clock | None = None,
) -> SessionDriver:
    """Clock, event log, runner and driver for one run of a session (tests pass a FakeClock)."""
    if clock is None:
        clock = system_clock if speed == 1.0 else ScaledClock(speed)
    log = EventLog.open(event_log) if event_log else None
    if log is not None:
        log.write(
            {"t": "start", "title": timeline.session.title, "dose": timeline.dose, "speed": speed,
             "at_ns": clock(), "version": __version__}
        )
    runner = Runner(timeline, clock, log=log, suspend_gap_ns=suspend_gap_for(speed))
    return SessionDriver(runner, clock, speed, parent)
