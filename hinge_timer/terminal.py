"""``hinge-timer run --terminal``: a session in the terminal, with captions and no window.

It uses the same runner and Qt driver as the window (on a QCoreApplication, no
display needed) and prints every cue as a caption line.
A cue, a drill name or a caution from the file is data: printed with its control
characters escaped (hinge_timer.plaintext), so it cannot drive the terminal.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import timefmt
from .engine.clock import NS
from .engine.events import CueEvent, Snapshot, State
from .plaintext import controls_escaped, printable
from .session.timeline import StepKind, Timeline

if TYPE_CHECKING:
    from .store.recorder import RunSource

log = logging.getLogger(__name__)

def _say(message: str) -> None:
    """A problem line on stderr (it may name a file): control characters escaped."""
    print(controls_escaped(f"hinge-timer: {message}"), file=sys.stderr)


def _paragraph(text: str) -> str:
    """A person's multi-line text (a caution), escaped, each line indented under its heading."""
    return "\n".join(f"  {line}" for line in printable(text, keep_newlines=True).split("\n"))


def run_in_terminal(
    timeline: Timeline,
    *,
    speed: float = 1.0,
    event_log: str | None = None,
    accept_cautions: bool = False,
    out: TextIO | None = None,
    history_dir: Path | None = None,
    source: RunSource | None = None,
) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from .qt.driver import open_session

    out = out or sys.stdout
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    driver = open_session(timeline, speed=speed, event_log=event_log)
    history = recorder = None
    if history_dir is not None and source is not None:
        # The run goes into the history as in the window; a problem is said once and the session goes on.
        from .store.db import open_history
        from .store.recorder import Recorder

        history = open_history(history_dir)
        if history.problem:
            _say(history.problem)
        if history.writable and history.conn is not None:
            from .store.writer import import_pending

            kept = import_pending(history.path, history.conn).message  # runs a locked history kept out before
            if kept:
                _say(kept)
        if (history.writable and history.conn is not None) or history.locked:
            # Writes go through the recorder's own thread: a lock held by another program never holds
            # up a cue; the run is kept and written when the lock goes (at exit, in a side file).
            from .qt.post import Post

            told: list[str] = []

            def on_problem(m: str) -> None:
                if m:
                    told.append(m)
                    _say(m)

            def on_saved() -> None:
                if told:
                    _say(f"the history is free again: this run is saved in {history.path}.")

            recorder = Recorder(history.conn, source, timeline, db_path=str(history.path), path=history.path,
                                post=Post(app), on_problem=on_problem, on_saved=on_saved)
            recorder.begin(driver.runner)
    origin = driver.clock()
    interrupted = False

    def on_cue(ev: CueEvent) -> None:
        at = (ev.scheduled_ns - origin) / NS
        try:
            out.write(f"[{timefmt.clock(at, 'down'):>5}] {ev.kind.value:<16} {printable(ev.text)}\n")
            out.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (| head): stop quietly
            driver.cue_fired.disconnect(on_cue)
            driver.end_session("output closed")
            app.quit()

    handled: set[int] = set()

    def on_snapshot(snap: Snapshot) -> None:
        if snap.state is not State.CAUTION or snap.step_index in handled:
            return
        handled.add(snap.step_index)
        out.write(f"\nCAUTION: {printable(snap.drill_name)}\n{_paragraph(snap.caution or '')}\n")
        if accept_cautions:
            out.write("Confirmed (--accept-cautions).\n\n")
            QTimer.singleShot(0, driver.acknowledge)
        elif sys.stdin is not None and sys.stdin.isatty():
            answer = input("Type 'yes' to do this drill, anything else to skip it: ")
            QTimer.singleShot(0, driver.acknowledge if answer.strip().lower() in ("y", "yes") else driver.skip_drill)
        else:
            out.write("Skipping this drill: no one is at the keyboard to confirm (see --accept-cautions).\n\n")
            QTimer.singleShot(0, driver.skip_drill)

    def on_interrupt(*_: object) -> None:
        nonlocal interrupted
        interrupted = True
        driver.end_session("interrupted")
        app.quit()

    driver.cue_fired.connect(on_cue)
    driver.snapshot_changed.connect(on_snapshot)
    driver.session_finished.connect(lambda _snap: QTimer.singleShot(0, app.quit))
    previous = signal.signal(signal.SIGINT, on_interrupt)
    # Qt's loop does not return to Python on its own; this lets Ctrl+C through.
    wake = QTimer()
    wake.start(200)
    wake.timeout.connect(lambda: None)
    out.write(f"{printable(timeline.session.title)} ({timeline.dose} dose)" + (f" at {speed:g}x speed" if speed != 1 else "") + "\n")
    try:
        driver.start()
        if not driver.runner.finished:
            app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        wake.stop()
        driver.close()
        if recorder is not None:
            import time

            from .store.db import EXIT_WAIT_S

            recorder.shutdown(time.monotonic() + EXIT_WAIT_S)  # bounded: what a lock keeps out goes to a side file
            recorder.detach()
        if history is not None:
            history.close()
    done = sum(1 for o in driver.runner.outcomes.values() if o.status == "done")
    total = sum(1 for s in timeline.steps if s.kind is StepKind.WORK)
    try:
        out.write(f"Sets completed: {done} of {total}\n")
        out.flush()
    except (BrokenPipeError, ValueError):
        pass
    return 130 if interrupted else 0
