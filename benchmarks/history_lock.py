"""Cue lateness at step boundaries while another program holds the history's write lock.

The same session runs twice through the real Qt driver and the real recorder (its writer thread,
its own SQLite connection) on a real history file, at --speed:
- reference: nothing else touches the history;
- locked: a second process holds the write lock (BEGIN IMMEDIATE) for the whole run and lets go
  once the run is over; the run is then written from memory.

Lateness is measured on the wall clock when the driver emits each cue (``cue_fired``), against the
moment the cue was due (the runner's scheduled time, turned into wall time), so time the thread
spent blocked inside the step boundary counts.  Only the cues at a step boundary (those due at the
step's start) are counted: that is where the history is written.  Printed: median, p99 and max in
milliseconds for both runs, and the ratio locked / reference.  Before the writer thread, each
boundary under a lock waited the 5 s busy timeout (issue 14: a 2.7 s run took 75 s).

    python benchmarks/history_lock.py [--session NAME] [--speed 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import summary, table, write_json  # noqa: E402
from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402

from hinge_timer.engine.clock import ScaledClock, system_clock  # noqa: E402
from hinge_timer.engine.events import CueEvent, State  # noqa: E402
from hinge_timer.qt.driver import open_session  # noqa: E402
from hinge_timer.qt.post import Post  # noqa: E402
from hinge_timer.session.load import builtin_session, load_session  # noqa: E402
from hinge_timer.session.timeline import compile_timeline  # noqa: E402
from hinge_timer.store import history as queries  # noqa: E402
from hinge_timer.store.db import open_history  # noqa: E402
from hinge_timer.store.recorder import Recorder, RunSource  # noqa: E402

HOLD = ("import sqlite3,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE');"
        " print('locked', flush=True); sys.stdin.read()")


def one_run(app: QCoreApplication, name: str, speed: float, folder: Path, locked: bool) -> dict:
    h = open_history(folder)
    assert h.writable and h.conn is not None
    timeline = compile_timeline(load_session(builtin_session(name)))
    holder = None
    if locked:
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(h.path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    clock = ScaledClock(speed, system_clock)
    clock.base_origin = clock._origin  # noqa: SLF001 (where the scaled clock and the wall clock agree)
    driver = open_session(timeline, speed=speed, clock=clock)
    post = Post()
    problems: list[str] = []
    rec = Recorder(h.conn, RunSource(name, timeline.session.title, name, "-"), timeline, path=h.path,
                   db_path=str(h.path), post=post, on_problem=problems.append)
    rec.begin(driver.runner)
    late_ms: list[float] = []
    # The cues due at the start of their step: the ones right after the boundary, where the history is written.
    at_start = {(s.index, c.kind, c.text) for s in timeline.steps for c in s.cues if c.at == 0}

    def on_cue(ev: CueEvent) -> None:
        if (ev.step, ev.kind, ev.text) in at_start:
            due = clock.base_origin + (ev.scheduled_ns - clock.base_origin) / speed  # the runner's time, as wall
            late_ms.append((system_clock() - due) / 1e6)

    def on_snapshot(snap) -> None:
        if snap.state is State.CAUTION:
            QTimer.singleShot(0, driver.acknowledge)
        elif snap.user_counted:
            QTimer.singleShot(0, driver.count_rep)

    driver.snapshot_changed.connect(on_snapshot)
    driver.cue_fired.connect(on_cue)
    driver.session_finished.connect(lambda _s: QTimer.singleShot(0, app.quit))
    t0 = time.monotonic()
    driver.start()
    app.exec()
    took = time.monotonic() - t0
    driver.close()
    if holder is not None:
        assert holder.stdin is not None
        holder.stdin.close()  # the other program lets go after the run
        holder.wait(10)
        assert holder.stdout is not None
        holder.stdout.close()
    saved = rec.flush(30)
    rec.close()
    rec.shutdown(time.monotonic() + 1.0)
    (run,) = queries.runs(h.conn)
    h.close()
    return {"late_ms": late_ms, "wall_s": took, "planned_s": timeline.total / speed, "saved": saved,
            "status": run.status, "sets": run.sets_done, "planned_sets": run.sets_planned,
            "commits": rec.writer.commits if rec.writer else 0, "problems": len([p for p in problems if p])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--session", default="hip-hinge-mobility")
    ap.add_argument("--speed", type=float, default=20)
    ap.add_argument("--json")
    args = ap.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, locked in (("reference (no lock)", False), ("write lock held", True)):
            results[label] = one_run(app, args.session, args.speed, Path(tmp) / label.split()[0], locked)
    rows = []
    for label, r in results.items():
        s = summary(r["late_ms"])
        rows.append([label, s["n"], s["median"], s["p99"], s["max"], r["wall_s"], r["planned_s"],
                     f"{r['status']} {r['sets']}/{r['planned_sets']}", r["commits"]])
    print(f"{args.session} at {args.speed:g}x: cue lateness at step boundaries (ms, wall clock at emission)")
    print(table(rows, ["run", "cues", "median", "p99", "max", "took s", "planned s", "saved", "commits"]))
    ref, lock = (summary(r["late_ms"]) for r in results.values())
    print(f"ratio locked / reference: median {lock['median'] / max(ref['median'], 1e-3):.2f}x, "
          f"max {lock['max'] / max(ref['max'], 1e-3):.2f}x")
    if args.json:
        write_json(args.json, {k: {**v, "summary": summary(v["late_ms"])} for k, v in results.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
