"""``hinge-timer run --terminal``: a session in the terminal, with captions and no window.

It runs the session through the same run service as the window (app/run.py, on a
QCoreApplication, no display needed) and prints every cue as a caption line.
A cue, a drill name or a caution from the file is data: printed with its control
characters escaped (hinge_timer.plaintext), so it cannot drive the terminal.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from . import timefmt
from .engine.clock import NS
from .engine.events import CueEvent, Snapshot
from .engine.state import State
from .i18n import _, ngettext
from .plaintext import controls_escaped, printable
from .session import kinds
from .session.kinds import Shows

if TYPE_CHECKING:
    from PySide6.QtCore import QSocketNotifier

    from .app.history import RunEntry
    from .qt.driver import SessionDriver

log = logging.getLogger(__name__)

def _say(message: str) -> None:
    """A problem line on stderr (it may name a file): control characters escaped."""
    print(controls_escaped(f"hinge-timer: {message}"), file=sys.stderr)


def _paragraph(text: str) -> str:
    """A person's multi-line text (a caution), escaped, each line indented under its heading."""
    return "\n".join(f"  {line}" for line in printable(text, keep_newlines=True).split("\n"))


class _LineReader:
    """Lines typed at the terminal, read when stdin says it has one (a QSocketNotifier), so the session's
    timers and Ctrl-C work while a prompt waits; end of input (Ctrl-D) answers None."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.then: Callable[[str | None], object] | None = None
        self.buffer = b""
        self.notifier: QSocketNotifier | None = None

    def ask(self, prompt: str, then: Callable[[str | None], object]) -> None:
        from PySide6.QtCore import QSocketNotifier

        self.out.write(prompt)
        self.out.flush()
        self.then = then
        if self.notifier is None:
            self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
            self.notifier.activated.connect(self._ready)
        self.notifier.setEnabled(True)

    def _ready(self) -> None:
        import os

        try:
            data = os.read(sys.stdin.fileno(), 4096)
        except OSError:
            data = b""
        if data:
            self.buffer += data
            if b"\n" not in self.buffer:
                return
            line, _sep, self.buffer = self.buffer.partition(b"\n")
            answer: str | None = line.decode("utf-8", errors="replace")
        else:
            self.out.write("\n")
            answer = None
        then, self.then = self.then, None
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        if then is not None:
            then(answer)


def run_in_terminal(
    entry: RunEntry,
    dose: str | None = None,
    *,
    speed: float = 1.0,
    event_log: str | None = None,
    accept_cautions: bool = False,
    out: TextIO | None = None,
    history_dir: Path | None = None,
) -> int:
    """Run ``entry`` at ``dose`` through the run service (app/run.py), as the window does: the run goes
    into the history in ``history_dir`` (None: not kept); a problem is said once on stderr and the
    session goes on."""
    from PySide6.QtCore import QCoreApplication, QTimer

    from .app.history import SAVED, HistoryService
    from .app.messages import MessageBridge
    from .app.run import SessionRun

    out = out or sys.stdout
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    messages = MessageBridge()
    said: set[str] = set()

    def on_message(where: str, part: str, level: str, text: str, detail: str) -> None:
        """What the window would show as a problem is said here once, in a line on stderr; that the
        run is saved after all, only once a problem was said.  The done screen's line restates what
        was said already (or, saved, says it in the window's words), so it is not repeated."""
        line = detail or text
        if not line or line in said:
            return
        # "Free again" only for a run the user was told was kept from the history (a lock): the
        # recorder's own ``told``; a notice at opening (a damaged file moved aside) is not that.
        kept = history.recorder is not None and history.recorder.told
        if level != "info" and where != "done":
            said.add(line)
            _say(line)
        # (Told by the history's state, not by the words: they are in the user's language.)
        elif kept and where == "done" and part == "saved" and history.saved_state() == SAVED \
                and history.history is not None:
            # Translators: after "hinge-timer: " on the terminal (so it starts in lower case); {file} is the history.
            free = _("the history is free again: this run is saved in {file}.").format(file=history.history.path)
            if free not in said:  # said once, whichever of the done screen's lines brought it
                said.update((line, free))
                _say(free)
        elif kept and where == "home":
            said.add(line)
            _say(line)  # "The history is free again: your last run is saved in it."

    messages.message_posted.connect(on_message)
    # Each notice is said here (above); the bridge's own log line of it would say it twice.
    bridge_log = logging.getLogger("hinge_timer.app.messages")
    quiet = logging.Filter(name="hinge_timer.terminal")  # passes nothing the bridge logs
    bridge_log.addFilter(quiet)
    history = HistoryService(history_dir, messages)
    run = SessionRun(history, speed=speed, event_log=event_log, hold_screen=False)  # the window's business
    title = entry.session.title if entry.session is not None else ""
    interrupted = False

    def on_started(driver: SessionDriver) -> None:
        def on_cue(ev: CueEvent) -> None:
            at = (ev.scheduled_ns - (driver.started_ns or 0)) / NS  # from the start of the run
            try:
                out.write(f"[{timefmt.clock(at, 'down'):>5}] {ev.kind.value:<16} {printable(ev.text)}\n")
                out.flush()
            except (BrokenPipeError, ValueError):  # the reader went away (| head): stop quietly
                driver.cue_fired.disconnect(on_cue)
                run.stop("output closed")
                app.quit()

        handled: set[int] = set()
        at_keyboard = sys.stdin is not None and sys.stdin.isatty()

        def counted_set(snap: Snapshot) -> None:
            """A set the user counts waits for them: at a keyboard, Enter ends it (or the number of reps
            done); with no one there it is skipped, and recorded as skipped, never as done."""
            handled.add(snap.step_index)
            reps = snap.reps or 0
            # Translators: {drill} is the drill's name; the user counts the reps themselves (the English
            # says "reps" even for one).
            out.write("\n" + ngettext("{drill}: {n} reps that you count.", "{drill}: {n} reps that you count.",
                                       reps).format(drill=printable(snap.drill_name), n=snap.reps) + "\n")
            if not at_keyboard:
                out.write(_("Skipping this set: no one is at the keyboard to count it.") + "\n\n")
                QTimer.singleShot(0, driver.next)
                return
            def answered(answer: str | None) -> None:
                if answer is None:  # Ctrl-D (end of input) at the prompt: the set is skipped
                    driver.next()
                    return
                typed = answer.strip()
                done = int(typed) if typed.isdecimal() and typed.isascii() else (snap.reps or 0)
                for _rep in range(min(done, snap.reps or 0)):
                    driver.count_rep()
                if driver.snapshot().step_index == snap.step_index:  # fewer than planned: the set ends here
                    driver.set_done()

            # Translators: a prompt (the answer is typed after it); {n} is the reps planned.
            ask(_("Press Enter when the set is done, or type how many reps you did (of {n}): ").format(n=snap.reps),
                answered)

        def on_snapshot(snap: Snapshot) -> None:
            if (kinds.state_shows(snap.state, snap.work_mode) is Shows.REP_COUNT and snap.state is State.WORK
                    and snap.step_index not in handled):
                counted_set(snap)
                return
            # A caution step waits for an answer (session/kinds.py: it shows the warning); not while paused.
            if kinds.state_shows(snap.state, snap.work_mode) is not Shows.CAUTION or snap.step_index in handled:
                return
            handled.add(snap.step_index)
            # Translators: the heading of a drill's caution; {drill} is the drill's name.
            out.write("\n" + _("CAUTION: {drill}").format(drill=printable(snap.drill_name))
                      + f"\n{_paragraph(snap.caution or '')}\n")
            if accept_cautions:
                out.write(_("Confirmed (--accept-cautions).") + "\n\n")
                QTimer.singleShot(0, driver.acknowledge)
            elif at_keyboard:
                # Translators: a prompt; 'yes' is what to type (y or yes, in English, is what is accepted).
                ask(_("Type 'yes' to do this drill, anything else to skip it: "),
                    lambda answer: (driver.acknowledge if (answer or "").strip().lower() in ("y", "yes")
                                    else driver.skip_drill)())
            else:
                out.write(_("Skipping this drill: no one is at the keyboard to confirm (see --accept-cautions).")
                          + "\n\n")
                QTimer.singleShot(0, driver.skip_drill)

        driver.cue_fired.connect(on_cue)
        driver.snapshot_changed.connect(on_snapshot)
        title = driver.timeline.session.title  # in the run's language
        dose_now = _("high") if driver.timeline.dose == "high" else _("low")
        if speed != 1:
            # Translators: {title} is the session's title, {dose} "low" or "high" (as in --dose), {speed} a number.
            heading = _("{title} ({dose} dose) at {speed}x speed").format(
                title=printable(title), dose=dose_now, speed=f"{speed:g}")
        else:
            # Translators: {title} is the session's title, {dose} "low" or "high" (as in --dose).
            heading = _("{title} ({dose} dose)").format(title=printable(title), dose=dose_now)
        out.write(heading + "\n")

    reader = _LineReader(out)

    def ask(prompt: str, then: Callable[[str | None], object]) -> None:
        """Ask at the keyboard without stopping the event loop (``input()`` would, or run it nested): the
        answer, or None for Ctrl-D, goes to ``then``; Ctrl-C ends the run as anywhere else."""
        reader.ask(prompt, then)

    def on_interrupt(*_: object) -> None:
        nonlocal interrupted
        interrupted = True
        run.stop("interrupted")
        app.quit()

    run.run_started.connect(on_started)
    run.run_finished.connect(lambda _result: QTimer.singleShot(0, app.quit))
    previous = signal.signal(signal.SIGINT, on_interrupt)
    # Qt's loop does not return to Python on its own; this lets Ctrl+C through.
    wake = QTimer()
    wake.start(200)
    wake.timeout.connect(lambda: None)
    result = None
    try:
        run.start(entry, dose)
        if run.running:
            app.exec()
        result = run.result
    finally:
        signal.signal(signal.SIGINT, previous)
        wake.stop()
        run.close()
        history.settle()  # bounded (EXIT_WAIT_S): what a lock keeps out goes to a side file
        history.close()
        bridge_log.removeFilter(quiet)
    try:
        if result is not None:  # as the done screen says it: a run with a stopped drill is not "complete"
            out.write(f"{printable(result.headline)}\n")
            out.write(_("Sets completed: {done} of {total}").format(done=result.sets_done, total=result.sets_total)
                      + "\n")
        out.flush()
    except (BrokenPipeError, ValueError):
        pass
    return 130 if interrupted else 0
