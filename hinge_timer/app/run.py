"""The run service: the one place that turns (a session entry, a dose, maybe an interrupted run to
resume) into a running session, and ends it.

:meth:`SessionRun.start` compiles the timeline, opens the driver (runner, clock, event log), has the
history service hook its recorder on (a new run, or the interrupted one taken over), emits
``run_started`` (the screens bind to the driver then, before the sound, so a cue is drawn before it
is heard), binds the sound, sweeps and freezes the garbage collector, holds off screen sleep and
starts.  When the runner reaches its end it stops the timers, lets the screen sleep again and emits
``run_finished`` with a :class:`RunResult`; :meth:`SessionRun.end` lets go of the driver, the sound
and the recorder (between sessions, and at exit).

It is the single definition of what a finished run was: its outcome, the time it took
(:attr:`RunResult.seconds`: the runner's active time, pauses left out, with the earlier parts of a
resumed run added, exactly what the history stores) and whether it went into the history
(``HistoryService.saved_state``).  The window, ``run --terminal`` and the kiosk use it; it holds no widgets.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal, Slot

from ..engine.clock import Clock
from ..engine.reasons import HURTS, reason_text
from ..i18n import _, ngettext
# (SAVED ... NOT_KEPT: whether a run is in the history, the history service's one definition, saved_state)
from .history import KEPT, NOT_KEPT, NOT_SAVED, SAVED, SAVING, HistoryService, RunEntry  # noqa: F401

if TYPE_CHECKING:
    from ..engine.events import Snapshot
    from ..engine.runner import Runner
    from ..kiosk.inhibit import Inhibitor
    from ..qt.driver import SessionDriver
    from ..store.history import RunRow

log = logging.getLogger(__name__)



class Sound(Protocol):
    """What the service needs of the sound (qt/audio.py's CueAudio)."""

    def bind(self, driver: SessionDriver) -> None: ...

    def unbind(self) -> None: ...


@dataclass(frozen=True)
class DrillResult:
    name: str  # from the user's file: plain text
    # "done", "skipped", "not reached", "stopped: it hurts", "1 of 2 done, 1 skipped": in the language of
    # the moment the run ended (shown, never stored)
    word: str


@dataclass(frozen=True)
class RunResult:
    """What a finished run was (the done screen shows it, the terminal prints it)."""

    title: str
    # "completed"; "stopped": a drill was stopped ("it hurts", Runner.stopped_outcome), whatever came after;
    # or "ended" (end_session: by the user, the kiosk, Ctrl-C, closing).  Never "completed" with a stop in it.
    outcome: str
    reason: str | None  # why it ended early (None when completed or stopped)
    seconds: float  # the time taken: active time, pauses left out, earlier parts of a resumed run counted
    ended_early: bool  # the user chose to end it
    all_done: bool  # every set was done (nothing skipped or stopped)
    drills: tuple[DrillResult, ...]
    sets_done: int
    sets_total: int
    saved: str  # saved_state at the end (SAVED, SAVING, KEPT, NOT_SAVED or NOT_KEPT)
    stopped_at: str | None = None  # the first drill stopped ("it hurts"), by its name (plain text)
    stop_reason: str | None = None  # why ("it hurts")
    went_on: bool = False  # a set was done after that stop (a later drill)

    @property
    def headline(self) -> str:
        """What the done screen's title and the terminal's last line say, in the current language: a run
        in which a drill was stopped is never called complete."""
        if self.stopped_at is not None:
            drill = self.stopped_at  # the user's words: put into the sentence, never translated
            if self.stop_reason == HURTS:
                if self.went_on:
                    # Translators: {drill} is a drill's name from the session file; a later drill was done.
                    return _("Session over: {drill} was stopped for pain").format(drill=drill)
                # Translators: {drill} is a drill's name from the session file.
                return _("Session ended: stopped for pain at {drill}").format(drill=drill)
            reason = reason_text(self.stop_reason)
            if self.went_on:
                # Translators: {drill} a drill's name from the session file, {reason} why it was stopped.
                return _("Session over: {drill} was stopped ({reason})").format(drill=drill, reason=reason)
            # Translators: {drill} a drill's name from the session file, {reason} why it was stopped.
            return _("Session ended: stopped ({reason}) at {drill}").format(drill=drill, reason=reason)
        if self.ended_early:
            return _("Session ended early")
        if self.outcome == "ended":
            # Translators: {reason} why the session ended ("window closed", "interrupted").
            return _("Session ended: {reason}").format(reason=reason_text(self.reason))
        if self.all_done:
            return _("Session complete. Well done!")
        return _("Session complete")  # something was skipped: no cheering over it


def drill_results(runner: Runner) -> tuple[DrillResult, ...]:
    """One line per drill of the run: what became of its sets (in the current language)."""
    from ..session.kinds import STEP_KINDS  # loaded with the engine, when a session starts

    results = []
    for i, drill in enumerate(runner.timeline.session.drills):
        planned = [s for s in runner.steps if STEP_KINDS[s.kind].recorded and s.drill == i]
        outcomes = [runner.outcomes.get(s.index) for s in planned]
        done = sum(1 for o in outcomes if o is not None and o.status == "done")
        stopped = [o for o in outcomes if o is not None and o.status == "stopped"]
        skipped = sum(1 for o in outcomes if o is not None and o.status == "skipped")
        if stopped:
            # Translators: what became of a drill, after its name on the done screen; {reason}: why.
            word = _("stopped: {reason}").format(reason=reason_text(stopped[0].reason))
        elif done == len(planned):
            # Translators: what became of a drill (all its sets were done), after its name on the done screen.
            word = _("done")
        elif done == 0 and all(o is None for o in outcomes):
            # Translators: what became of a drill (the run ended before it), after its name on the done screen.
            word = _("not reached")
        elif done == 0:
            # Translators: what became of a drill (its sets were skipped), after its name on the done screen.
            word = _("skipped")
        elif skipped:
            # Translators: what became of a drill's sets, after its name on the done screen: {done} of its
            # {total} sets done, {skipped} skipped.
            word = ngettext("{done} of {total} done, {skipped} skipped", "{done} of {total} done, {skipped} skipped",
                            done).format(done=done, total=len(planned), skipped=skipped)
        else:
            # Translators: what became of a drill's sets, after its name on the done screen: {done} of its
            # {total} sets done.
            word = ngettext("{done} of {total} done", "{done} of {total} done", done).format(
                done=done, total=len(planned))
        results.append(DrillResult(drill.name, word))
    return tuple(results)


def run_result(runner: Runner, final: Snapshot, earlier_s: float, ended_early: bool, saved: str,
               speed: float = 1.0) -> RunResult:
    """The finished run ``runner`` (``final``: its last Snapshot; ``earlier_s``: the time the earlier
    parts of a resumed run took, as the history holds it; ``speed``: its clock's, so the time is the one
    the history stores, as lived)."""
    from ..session.kinds import STEP_KINDS

    work = [s.index for s in runner.steps if STEP_KINDS[s.kind].recorded]
    done = sum(1 for i in work if (o := runner.outcomes.get(i)) is not None and o.status == "done")
    stop = runner.stopped_outcome()
    went_on = stop is not None and any(o.status == "done" and o.drill > stop.drill for o in runner.outcomes.values())
    outcome = "ended" if runner.end_reason is not None else "stopped" if stop is not None else "completed"
    return RunResult(
        title=runner.timeline.session.title,
        outcome=outcome,
        reason=runner.end_reason,
        # Rounded as the history stores it, so both show the same whole seconds.
        seconds=round(earlier_s + final.active / speed, 3),  # the time lived: a --speed run's clock runs faster
        ended_early=ended_early,
        all_done=done == len(work),
        drills=drill_results(runner),
        sets_done=done,
        sets_total=len(work),
        saved=saved,
        stopped_at=runner.timeline.session.drills[stop.drill].name if stop is not None else None,
        stop_reason=stop.reason if stop is not None else None,
        went_on=went_on,
    )


class SessionRun(QObject):
    """Runs one session at a time (see the module's docstring)."""

    run_started = Signal(object)  # SessionDriver: bind to it now (it starts right after)
    run_finished = Signal(object)  # RunResult

    def __init__(
        self,
        history: HistoryService,
        *,
        speed: float = 1.0,
        event_log: str | None = None,
        clock: Clock | None = None,
        inhibitor: Inhibitor | None = None,
        kiosk: bool = False,
        sound: Callable[[], Sound] | None = None,
        hold_screen: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history
        self.speed = speed
        self.event_log = event_log
        self.clock = clock
        self.inhibitor = inhibitor  # made when the first session starts (D-Bus, or none)
        self.kiosk = kiosk  # a stranger's runs (recorded as the kiosk's)
        self.sound = sound  # the sound to bind each run to (None: silent, as in the terminal)
        self.hold_screen = hold_screen  # False: screen sleep is not this run's business (the terminal)
        self.driver: SessionDriver | None = None
        self.result: RunResult | None = None  # the last finished run's
        self.ended_early = False
        self.recording = True  # the current run goes into the history (False: a try-out from the editor)
        self._earlier_s = 0.0
        self._bound: Sound | None = None
        self._frozen = False

    @property
    def running(self) -> bool:
        """A session has started and not reached its end."""
        return self.driver is not None and not self.driver.finished

    def start(self, entry: RunEntry, dose: str | None, resume: RunRow | None = None,
              record: bool = True) -> SessionDriver:
        """Start ``entry`` at ``dose`` (None: the session's own), or carry on the interrupted ``resume``.
        ``record=False``: a try-out from the editor ("Try it"): nothing of it goes into the history (no
        recorder, so no run row, no checkpoint to resume, no effect on the streak or the dose advice)."""
        from ..qt.driver import open_session  # the engine is loaded when a session starts, not before Home
        from ..session.timeline import compile_timeline

        assert entry.session is not None
        timeline = compile_timeline(entry.session, dose)  # type: ignore[arg-type]
        self.end()
        driver = open_session(timeline, speed=self.speed, event_log=self.event_log, parent=self, clock=self.clock)
        self.driver = driver
        self.result = None
        self.ended_early = False
        self.recording = record
        if record:
            at_step, outcomes = self.history.start_recording(entry, timeline, driver.runner, resume,
                                                             kiosk=self.kiosk, speed=self.speed)
        else:
            at_step, outcomes = 0, None
        # Taken over (outcomes read back): the run's earlier parts count in its time, as in the history.
        self._earlier_s = resume.seconds if resume is not None and outcomes is not None else 0.0
        driver.session_finished.connect(self.on_session_finished)
        self.run_started.emit(driver)  # the screens first: slots run in the order connected
        if self.sound is not None:
            self._bound = self.sound()
            self._bound.bind(driver)
        # Python's cyclic garbage collector can hold the app for ~30 ms when it sweeps everything
        # (benchmarks/audio_latency.py caught one delaying a countdown beep).  Sweep now, before the
        # first cue, and set what exists aside until the session ends: later sweeps only look at
        # what the session itself makes (the screens and the sound, just built, are set aside too).
        gc.collect()
        gc.freeze()
        self._frozen = True
        self.keep_screen_on(True)
        driver.start(at_step, outcomes)
        return driver

    @property
    def timed_step_running(self) -> bool:
        """A timed step is counting down (not paused, waiting at a caution or not yet begun)."""
        from ..engine.state import State

        d = self.driver
        return (d is not None and not d.finished and d.state not in (State.PAUSED, State.CAUTION, State.IDLE)
                and d.timed_step)

    def hold(self, why: str) -> Callable[[], None]:
        """Stop the clock while something covers the session (a question in the window, the help): what
        this returns carries on from the same moment (a session paused before stays paused)."""
        from ..engine.state import State

        driver = self.driver
        if driver is None:
            return lambda: None
        was_paused = driver.state is State.PAUSED
        paused = bool(driver.pause(why))  # refused at a caution (it waits anyway): then nothing to undo

        def carry_on() -> None:
            if paused and not was_paused and self.driver is driver and not driver.finished:
                driver.resume()

        return carry_on

    def ask_then_end(self, ask: Callable[[Callable[[bool], None]], None], why: str | None = None) -> None:
        """Ask whether to end the running session without waiting: ``ask`` puts the question up and
        calls back with the answer; meanwhile the clock is stopped (``why``: the pause's words, shown
        under the question; by default "Asking whether to end the session").  Yes ends it early; no
        carries on."""
        driver = self.driver
        if driver is None or driver.finished:
            return
        # Translators: why the session is paused, shown on the paused screen under the question.
        carry_on = self.hold(why if why is not None else _("Asking whether to end the session"))

        def answered(end: bool) -> None:
            if end and self.driver is driver and not driver.finished:  # (the kiosk may have gone home)
                self.end_early("ended by the user")
            else:
                carry_on()

        ask(answered)

    def ask_paused(self, why: str, ask: Callable[[], bool]) -> bool:
        """Ask the user something about the running session with its clock stopped: "no" carries on
        from the same moment (a session paused before stays paused).  The answer."""
        carry_on = self.hold(why)
        answer = ask()
        if not answer:
            carry_on()
        return answer

    def rebind_sound(self, sound: Sound) -> None:
        """Play the running session through ``sound`` from now on (another output was chosen)."""
        self._bound = sound
        if self.driver is not None:
            sound.bind(self.driver)

    def undo_stop(self) -> bool:
        """Take back "it hurts" while the run still offers it (a few seconds: Runner.undo_stop); whether
        it was taken back."""
        d = self.driver
        return d is not None and not d.finished and d.undo_stop().ok

    def end_early(self, reason: str = "ended by the user") -> None:
        """The user chose to end the session (the result says "ended early")."""
        if self.running and self.driver is not None:
            self.ended_early = True
            self.driver.end_session(reason)

    def stop(self, reason: str) -> None:
        """End a running session for another reason (closing, Ctrl-C, the kiosk): not counted as the
        user's choice."""
        if self.running and self.driver is not None:
            self.driver.end_session(reason)

    @Slot(object)
    def on_session_finished(self, snap: Snapshot) -> None:
        driver = self.driver
        if driver is None:
            return
        driver.stop_timers()
        self.keep_screen_on(False)
        self.result = run_result(driver.runner, snap, self._earlier_s, self.ended_early, self.history.saved_state(),
                                 speed=self.speed)
        self.run_finished.emit(self.result)
        if self.recording:  # (a try-out is not in the history: nothing to say about it)
            # The done screen's line about the history ("Saving…" until the writer thread says it is in).
            self.history.say_saved()

    @property
    def saved(self) -> str:
        """Whether the last run is in the history now (it may go in after the end: a lock)."""
        return self.history.saved_state()

    def end(self) -> None:
        """Let go of the run (ended, or left before its end: the history marks it interrupted).  Never
        waits: the recorder's writer finishes in the background."""
        self.keep_screen_on(False)
        self.history.end_recording()
        driver = self.driver
        if driver is not None:
            if self._bound is not None:
                self._bound.unbind()
                self._bound = None
            driver.close()
            driver.deleteLater()
            self.driver = None
        if self._frozen:
            self._frozen = False
            gc.unfreeze()  # between sessions, everything can be collected again

    def keep_screen_on(self, on: bool) -> None:
        """Hold off screen blanking and sleep while a session runs; let go between sessions."""
        if not self.hold_screen:
            return
        if self.inhibitor is None:
            if not on:
                return
            from ..qt.inhibit_dbus import make_inhibitor

            self.inhibitor = make_inhibitor()
            log.info("screen sleep: using %s", self.inhibitor.name)
        if on:
            # Translators: why the screen is kept on, shown by the desktop (e.g. in its list of apps
            # keeping the computer awake).
            self.inhibitor.inhibit(_("A guided mobility session is running"))
        else:
            self.inhibitor.uninhibit()

    def close(self) -> None:
        """At exit: end the run and let go of the screen-sleep inhibitor."""
        self.end()
        if self.inhibitor is not None:
            self.inhibitor.uninhibit()

