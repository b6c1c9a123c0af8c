"""Recording a run as it happens: a checkpoint and the finished sets at every step boundary.

Qt-free.  The recorder hangs on the runner's ``on_step`` hook, which runs at each step
boundary *before* the step's line goes into the event log and before its cues fire.  There it
builds one small record (every set that has ended since the last one, the run's time and pauses,
and the checkpoint: the step now running) and gives it to its writer (``store/writer.py``), which
commits it at once when that needs no waiting (nothing pending, no lock held: one small
transaction, about 0.4 ms) and otherwise hands it to its thread.  The hook never waits for a lock,
so a history held by another program cannot make a cue late.  Nothing is written on display ticks.

After a crash the history has every finished set and the run resumes at the start of the step
that was running.  Only a boundary handed to the writer thread because another program held the
lock can be lost to a kill (it was kept in memory); the run then resumes one step earlier, at the
set whose end was lost, so it is done again rather than missing.

A write that fails does not stop the session.  A lock held by another program: the records are
kept in memory and written when it goes (at exit, kept in a side file next to the history and
added the next time it opens).  A read-only or full disk: said once, caught up later.  What
happened reaches the owner through ``on_problem`` / ``on_saved``, called on the owner's thread
from :meth:`Recorder.poll`; ``post`` (given by the owner, e.g. a queued Qt signal) asks for that
poll from the writer thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..engine.clock import NS
from ..engine.runner import Outcome, Runner
from ..i18n import N_, _
from ..session.kinds import resume_word
from ..session.timeline import StepKind
from .writer import BUSY_MS, Boundary, HistoryWriter, Interrupted, NewRun, Row, TakeOver

if TYPE_CHECKING:
    from ..session.timeline import Step, Timeline

log = logging.getLogger(__name__)

Wall = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def this_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that was recording a run is still running (on this machine)."""
    if not owner or ":" not in owner:
        return False
    host, _, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine sharing the folder: its runs are its own business only while it says so
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def resume_label(step: Step) -> str:
    """ "Jefferson curl, set 2 of 3, right side" for the step a run resumes at, in the current language.

    Shown from the run's ``resume_step`` and its session's timeline when Home offers to resume
    (app/history.py); the ``resume_label`` column keeps it as it was said when written, only for a run
    whose session can no longer be compiled."""
    parts = [step.drill_name or _("the end of the session")]
    if step.sets > 1 and step.set_no:
        parts.append(_("set {n} of {sets}").format(n=step.set_no, sets=step.sets))
    if step.side:
        parts.append(_(SIDE_NAMES[step.side]) if step.side in SIDE_NAMES else step.side)
    word = resume_word(step.kind)  # "caution", "rest" (session/kinds.py)
    if word:
        parts.append(word)
    # Translators: the parts of a place in a session, "Jefferson curl, set 2 of 3, right side, rest".
    return _(", ").join(parts)


# Translators: a side where a session resumes ("Jefferson curl, set 2 of 3, right side").
SIDE_NAMES = {"left": N_("left side"), "right": N_("right side")}


@dataclass
class RunSource:
    """Which session a run is of: enough to find it again and to tell whether it changed."""

    key: str
    title: str
    file: str
    content_hash: str
    kiosk: bool = False  # a stranger's run on a kiosk: anonymous, not offered for resume
    # How many times faster than real time the run's clock goes (--speed; 1: real time).  The run is
    # stored with it; its time and pauses are stored as lived (the clock's seconds / speed).
    speed: float = 1.0


def run_speed(stored: float, now: float) -> float:
    """The speed a run is stored with once this process carries it on at ``now`` (it ran at ``stored``
    before): 1 only if every part ran in real time, else the last speed that was not 1."""
    return now if now != 1 else stored


def database_path(conn: sqlite3.Connection) -> Path:
    """The file behind a connection (its main database)."""
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    raise sqlite3.OperationalError("the history has no file to write to")


Post = Callable[[Callable[[], None]], None]


class Recorder:
    def __init__(
        self,
        conn: sqlite3.Connection | None,
        source: RunSource,
        timeline: Timeline,
        *,
        wall: Wall = utc_now,
        on_problem: Callable[[str], None] | None = None,
        on_saved: Callable[[], None] | None = None,
        db_path: str = "history",
        path: Path | None = None,
        post: Post | None = None,
        busy_ms: int = BUSY_MS,
    ) -> None:
        """``conn`` is the owner's connection, used only to read back a run to take over; the writes
        go through a thread of their own to ``path`` (by default the file behind ``conn``).
        ``post(fn)`` must run ``fn`` soon on the owner's thread; without it, call :meth:`poll`."""
        self.conn = conn
        self.source = source
        self.timeline = timeline
        self.wall = wall
        self.on_problem = on_problem
        self.on_saved = on_saved
        self.db_path = db_path
        if path is None:
            if conn is None:
                raise ValueError("a recorder needs a connection or a path")
            path = database_path(conn)
        self.path = path
        self.post = post
        self.busy_ms = busy_ms
        self.run_id: int | None = None  # known once the writer has made the run's row
        self.problem: str | None = None
        self.locked = False  # the problem is another program's lock: the run is kept, not lost
        self.told = False  # a problem was said (so "saved" is worth saying too)
        self.saved = False  # the run's last record is in the file
        self.spilled_to: Path | None = None  # at exit, the side file that kept it
        self.writer: HistoryWriter | None = None
        self._sent: dict[int, Outcome] = {}  # what the writer has been given (it keeps it, or says so)
        self._base_seconds = 0.0  # time spent before this process took the run over (a resume)
        self._base_pauses = 0
        self._base_paused = 0.0
        self._speed = source.speed  # what the run is stored with (see run_speed)
        self._segment_start_ns: int | None = None
        self._runner: Runner | None = None
        self._ended = False

    # -- starting -------------------------------------------------------------------
    def _start_writer(self) -> HistoryWriter:
        if self.writer is None:
            self.writer = HistoryWriter(self.path, self.db_path, wake=self._wake, busy_ms=self.busy_ms)
        return self.writer

    def _wake(self) -> None:
        post = self.post  # read at each call: once the owner detached it, nothing is posted
        if post is not None:
            post(self.poll)

    def detach(self) -> None:
        """The owner is going away: nothing more is posted to it (the writer carries on, silently)."""
        self.post = None
        self.on_problem = self.on_saved = None

    def begin(self, runner: Runner) -> None:
        """Queue the run's row and hook into the runner; call before ``runner.start``."""
        self._attach(runner)
        now = iso(self.wall())
        s = self.source
        row: Row = {
            "session_key": s.key, "title": s.title, "file": s.file, "content_hash": s.content_hash,
            "dose": self.timeline.dose, "started_at": now, "status": "running", "owner": this_owner(),
            "updated_at": now, "resume_step": 0, "resume_label": resume_label(self.timeline.steps[0]),
            "kiosk": int(s.kiosk), "speed": s.speed,
        }
        self._start_writer().submit(NewRun(row))

    def take_over(self, runner: Runner, run_id: int) -> dict[int, Outcome]:
        """Carry on recording an interrupted run; return the outcomes it already has (for ``start``).
        Reads with the owner's connection (a read never waits for another program's write lock);
        raises ``sqlite3.Error`` if the run cannot be read back."""
        if self.conn is None:
            raise sqlite3.OperationalError("the history cannot be read")
        row = self.conn.execute("SELECT seconds, pauses, paused_seconds, session_key, started_at, speed FROM runs"
                                " WHERE id = ?", (run_id,)).fetchone()
        outcomes = load_outcomes(self.conn, run_id)
        self._attach(runner)
        self.run_id = run_id
        identity: Row = {}
        if row is not None:
            self._base_seconds, self._base_pauses, self._base_paused = float(row[0]), int(row[1]), float(row[2])
            identity = {"session_key": row[3], "started_at": row[4]}
            self._speed = run_speed(float(row[5]), self.source.speed)
        self._sent = dict(outcomes)
        self._start_writer().submit(TakeOver(run_id, identity, this_owner()))
        return outcomes

    def _attach(self, runner: Runner) -> None:
        self._runner = runner
        runner.on_step = self.on_step

    # -- the hook (on the thread that fires cues: no waiting here) -------------------------------
    def on_step(self, runner: Runner, i: int, at_ns: int) -> None:
        writer = self.writer
        if writer is None or self._ended:
            return
        if self._segment_start_ns is None:
            self._segment_start_ns = at_ns
        step = runner.steps[i]
        done = step.kind is StepKind.DONE
        changed = [o for k, o in runner.outcomes.items() if self._sent.get(k) is not o]
        gone = tuple(k for k in self._sent if k not in runner.outcomes)
        now = iso(self.wall())
        # The time the run took as the user lived it: the runner's active time (the one definition,
        # Runner.active_ns) is on the run's clock, which --speed makes go faster than real time.
        lived = self.source.speed
        seconds = self._base_seconds + runner.active_ns(at_ns) / NS / lived
        pauses = self._base_pauses + runner.pauses
        paused = self._base_paused + runner.paused_ns / NS / lived
        if done:
            if runner.end_reason is not None:
                status, reason = "ended", runner.end_reason
            else:
                status, reason = "completed", None
        else:
            status, reason = "running", None
        update: Row = {
            "seconds": round(seconds, 3), "pauses": pauses, "paused_seconds": round(paused, 3), "updated_at": now,
            "status": status, "end_reason": reason, "ended_at": now if done else None,
            "resume_step": None if done else i, "resume_label": None if done else resume_label(step),
            "speed": self._speed,
        }
        # Committed here and now unless that would wait (then the writer thread has it): see writer.py.
        writer.write_now(Boundary(tuple(self._set_row(o, now) for o in changed), gone, update), final=done)
        for o in changed:
            self._sent[o.step] = o
        for k in gone:
            self._sent.pop(k, None)
        if done:
            self._ended = True
            writer.stop()  # the run is over: the writer ends (and lets go of the file) once it is written

    def _set_row(self, o: Outcome, now: str) -> Row:
        """A set as stored: its planned and done seconds on the session's own clock (what the plan says:
        "60 s held of 60"), the time it was paused as lived (like the run's time)."""
        step = self.timeline.steps[o.step]
        return {"step": o.step, "drill": o.drill, "drill_name": self._drill_name(o.drill), "set_no": step.set_no,
                "sets": step.sets, "side": step.side, "planned_reps": step.reps,
                "planned_seconds": o.planned_seconds, "status": o.status, "reason": o.reason,
                "reps_done": o.reps_done, "seconds_done": o.seconds_done, "at": now, "pauses": o.pauses,
                "paused_seconds": o.paused_seconds / self.source.speed}

    def _drill_name(self, drill: int) -> str:
        """The drill's name as its file says it (not in the language the run is in: ``Timeline.original``)."""
        original = self.timeline.original or self.timeline.session
        return original.drills[drill].name

    # -- what the writer says (on the owner's thread) -----------------------------------------------
    def poll(self) -> None:
        """Hand what the writer has to say to ``on_problem``/``on_saved``; call on the owner's thread."""
        writer = self.writer
        if writer is None:
            return
        for kind, value in writer.take_notices():
            if kind == "run_id" and isinstance(value, int):
                self.run_id = value
            elif kind in ("problem", "locked") and isinstance(value, str):
                self.problem, self.locked, self.told = value, kind == "locked", True
                if self.on_problem is not None:
                    self.on_problem(value)
            elif kind == "clear":
                self.problem, self.locked = None, False
                if self.on_problem is not None:
                    self.on_problem("")
            elif kind == "saved":
                self.saved = True
                if self.on_saved is not None:
                    self.on_saved()
            elif kind == "spilled" and isinstance(value, str):
                self.spilled_to = Path(value)
                self.told = True
                self.problem = (f"The history {self.db_path} was still in use by another program; this run is "
                                f"kept in {value} and will be added the next time the history opens.")
                if self.on_problem is not None:
                    self.on_problem(self.problem)

    @property
    def settled(self) -> bool:
        """Nothing waits to be written (all in the history, or in the side file)."""
        return self.writer is None or self.writer.settled

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait at most ``timeout`` s for the writer to write what it was given (tests, exit); then poll."""
        ok = self.writer.flush(timeout) if self.writer is not None else True
        self.poll()
        return ok

    # -- ending -------------------------------------------------------------------------------------
    def close(self) -> None:
        """The owner lets go of the run (it ended, or the window goes home before its end: marked
        interrupted).  Never waits: the writer carries on in the background until all is written."""
        runner = self._runner
        if runner is not None:
            runner.on_step = None
        writer = self.writer
        if writer is None:
            return
        if not self._ended and runner is not None and not runner.finished:
            writer.submit(Interrupted(iso(self.wall())), final=True)
        self._ended = True
        writer.stop()

    def shutdown(self, deadline: float) -> bool:
        """At exit: wait until ``deadline`` (``time.monotonic()``) at most for the writer; what a lock
        still keeps out then goes to the side file.  True if everything is in the history."""
        self.close()
        writer = self.writer
        if writer is None:
            return True
        writer.stop(deadline)
        writer.join(deadline - time.monotonic() + self.busy_ms / 1000 + 0.5)
        self.poll()
        return writer.spilled_to is None and writer.settled


def load_outcomes(conn: sqlite3.Connection, run_id: int) -> dict[int, Outcome]:
    rows = conn.execute(
        "SELECT step, drill, status, reason, reps_done, seconds_done, planned_seconds, pauses, paused_seconds"
        " FROM sets WHERE run_id = ?", (run_id,)).fetchall()
    return {r[0]: Outcome(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows}
