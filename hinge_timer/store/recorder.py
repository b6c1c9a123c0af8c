"""Recording a run as it happens: a checkpoint and the finished sets at every step boundary.

Qt-free.  The recorder hangs on the runner's ``on_step`` hook, which runs at each step
boundary *before* the step's line goes into the event log and before its cues fire.  One
small transaction there holds every set that has ended since the last one, the run's time
and pauses, and the checkpoint (the step now running), so after a crash the history has
every finished set and the run resumes at the start of the step that was running.
Nothing is written on display ticks.

A write that fails (read-only or full disk) does not stop the session: the recorder says
so once through ``on_problem`` and tries again at the next boundary, catching up on
whatever it could not write.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from ..engine.clock import NS
from ..engine.runner import Outcome, Runner
from ..session.timeline import StepKind

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
    """ "Jefferson curl, set 2 of 3, right side" for the step a run resumes at."""
    parts = [step.drill_name or "the end of the session"]
    if step.sets > 1 and step.set_no:
        parts.append(f"set {step.set_no} of {step.sets}")
    if step.side:
        parts.append(f"{step.side} side")
    if step.kind is StepKind.CAUTION:
        parts.append("caution")
    elif step.kind is StepKind.REST:
        parts.append("rest")
    return ", ".join(parts)


@dataclass
class RunSource:
    """Which session a run is of: enough to find it again and to tell whether it changed."""

    key: str
    title: str
    file: str
    content_hash: str
    kiosk: bool = False  # a stranger's run on a kiosk: anonymous, not offered for resume


class Recorder:
    def __init__(
        self,
        conn: sqlite3.Connection,
        source: RunSource,
        timeline: Timeline,
        *,
        wall: Wall = utc_now,
        on_problem: Callable[[str], None] | None = None,
        db_path: str = "history",
    ) -> None:
        self.conn = conn
        self.source = source
        self.timeline = timeline
        self.wall = wall
        self.on_problem = on_problem
        self.db_path = db_path
        self.run_id: int | None = None
        self.problem: str | None = None
        self._written: dict[int, Outcome] = {}
        self._base_seconds = 0.0  # time spent before this process took the run over (a resume)
        self._base_pauses = 0
        self._base_paused = 0.0
        self._segment_start_ns: int | None = None
        self._runner: Runner | None = None
        self._resumed = False

    # -- starting -------------------------------------------------------------------
    def begin(self, runner: Runner) -> int | None:
        """Create the run's row and hook into the runner; call before ``runner.start``."""
        self._attach(runner)
        return self._insert_run()

    def _insert_run(self) -> int | None:
        now = iso(self.wall())
        s = self.source
        rid = self._write(
            lambda c: c.execute(
                "INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, status, owner,"
                " updated_at, resume_step, resume_label, kiosk) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (s.key, s.title, s.file, s.content_hash, self.timeline.dose, now, "running", this_owner(),
                 now, 0, resume_label(self.timeline.steps[0]), int(s.kiosk)),
            ).lastrowid
        )
        self.run_id = rid if type(rid) is int else None  # False: the write failed (said already)
        return self.run_id

    def take_over(self, runner: Runner, run_id: int) -> dict[int, Outcome]:
        """Carry on recording an interrupted run; return the outcomes it already has (for ``start``)."""
        self._attach(runner)
        self._resumed = True
        self.run_id = run_id
        row = self.conn.execute("SELECT seconds, pauses, paused_seconds FROM runs WHERE id = ?",
                                (run_id,)).fetchone()
        if row is not None:
            self._base_seconds, self._base_pauses, self._base_paused = float(row[0]), int(row[1]), float(row[2])
        outcomes = load_outcomes(self.conn, run_id)
        self._written = dict(outcomes)
        self._write(lambda c: c.execute("UPDATE runs SET status='running', owner=?, ended_at=NULL WHERE id=?",
                                        (this_owner(), run_id)))
        return outcomes

    def _attach(self, runner: Runner) -> None:
        self._runner = runner
        runner.on_step = self.on_step

    # -- the hook ---------------------------------------------------------------------
    def on_step(self, runner: Runner, i: int, at_ns: int) -> None:
        if self.run_id is None and (self._resumed or self._insert_run() is None):
            return  # the disk still says no: said once already; the session goes on
        if self._segment_start_ns is None:
            self._segment_start_ns = at_ns
        step = runner.steps[i]
        done = step.kind is StepKind.DONE
        changed = [o for k, o in runner.outcomes.items() if self._written.get(k) is not o]
        gone = [k for k in self._written if k not in runner.outcomes]
        now = iso(self.wall())
        seconds = self._base_seconds + max(0, at_ns - self._segment_start_ns - runner.paused_ns) / NS
        pauses = self._base_pauses + runner.pauses
        paused = self._base_paused + runner.paused_ns / NS
        run_id = self.run_id
        assert run_id is not None
        if done:
            if runner.end_reason is not None:
                status, reason = "ended", runner.end_reason
            else:
                status, reason = "completed", None
        else:
            status, reason = "running", None

        def write(c: sqlite3.Connection) -> None:
            for k in gone:
                c.execute("DELETE FROM sets WHERE run_id = ? AND step = ?", (run_id, k))
            c.executemany(
                "INSERT OR REPLACE INTO sets (run_id, step, drill, drill_name, set_no, sets, side, planned_reps,"
                " planned_seconds, status, reason, reps_done, seconds_done, at, pauses, paused_seconds)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [self._set_row(run_id, o, now) for o in changed],
            )
            c.execute(
                "UPDATE runs SET seconds=?, pauses=?, paused_seconds=?, updated_at=?, status=?, end_reason=?,"
                " ended_at=?, resume_step=?, resume_label=? WHERE id=?",
                (round(seconds, 3), pauses, round(paused, 3), now, status, reason, now if done else None,
                 None if done else i, None if done else resume_label(step), run_id),
            )

        if self._write(write, transaction=True) is not False:
            for o in changed:
                self._written[o.step] = o
            for k in gone:
                self._written.pop(k, None)

    def _set_row(self, run_id: int, o: Outcome, now: str) -> tuple[object, ...]:
        step = self.timeline.steps[o.step]
        return (run_id, o.step, o.drill, step.drill_name, step.set_no, step.sets, step.side, step.reps,
                o.planned_seconds, o.status, o.reason, o.reps_done, o.seconds_done, now, o.pauses,
                o.paused_seconds)

    def close(self) -> None:
        """The window let go of the run before it reached the end (it should not happen): mark it."""
        runner = self._runner
        if runner is not None:
            runner.on_step = None
        if self.run_id is not None and runner is not None and not runner.finished:
            run_id = self.run_id
            now = iso(self.wall())
            self._write(lambda c: c.execute(
                "UPDATE runs SET status='interrupted', ended_at=?, updated_at=?, resume_step=NULL"
                " WHERE id=? AND status='running'", (now, now, run_id)))

    # -- writing ------------------------------------------------------------------------
    def _write(self, fn: Callable[[sqlite3.Connection], object], transaction: bool = False) -> object:
        """Run one write; on failure say so once (the session goes on) and return False."""
        c = self.conn
        try:
            if transaction:
                c.execute("BEGIN IMMEDIATE")
            result = fn(c)
            if transaction:
                c.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            if transaction and c.in_transaction:
                try:
                    c.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            self._report(exc)
            return False
        if self.problem is not None:
            self.problem = None
            if self.on_problem is not None:
                self.on_problem("")
        return result

    def _report(self, exc: BaseException) -> None:
        text = str(exc)
        if "full" in text.lower():
            why = "the disk is full"
        elif "readonly" in text.lower() or "read-only" in text.lower():
            why = "the disk is read-only"
        else:
            why = text
        message = f"History cannot be saved ({why}): {self.db_path}. The session goes on."
        log.warning("%s [%s]", message, text)
        if message != self.problem:
            self.problem = message
            if self.on_problem is not None:
                self.on_problem(message)


def load_outcomes(conn: sqlite3.Connection, run_id: int) -> dict[int, Outcome]:
    rows = conn.execute(
        "SELECT step, drill, status, reason, reps_done, seconds_done, planned_seconds, pauses, paused_seconds"
        " FROM sets WHERE run_id = ?", (run_id,)).fetchall()
    return {r[0]: Outcome(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows}
