"""History benchmark: ten years of daily runs (3,650), opening the history screen and exporting CSV.

    python benchmarks/history.py [--years 10] [--repeat 11] [--json FILE]

Builds a real history file with one run a day of the built-in "Hip hinge mobility" session (every
set and side of it, now and then a skip, a stop or a pause), then, in this one process:
- opens the database as the app does (quick_check, migrations), against an empty one;
- opens the History screen in a real MainWindow until it is drawn (``grab()`` renders every part:
  calendar, run list, details, chart): the first time (building the screen and loading Qt Charts),
  then again (median of --repeat), against the same window over an empty history;
- exports every set of every run as CSV to a file, against reading the same rows with no formatting;
- times the recorder's write at each step boundary of whole runs (queued on the cue thread, committed by
  its writer thread: timed here from the hook to the commit, as when it was written on the cue thread),
  against a bare one-row UPDATE transaction on the same file.
Each line prints the figure, its reference, and the ratio.  The goal: each well under 300 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _common import table, write_json  # noqa: E402

from tests.drive import drive  # noqa: E402

GOAL_MS = 300.0


def build(folder: Path, years: int, seed: int = 7) -> int:
    """A history of one run a day for ``years`` years, written as the recorder writes it; return the sets."""
    from hinge_timer.session.load import builtin_session, load_session
    from hinge_timer.session.timeline import StepKind, compile_timeline
    from hinge_timer.store.db import open_history

    rng = random.Random(seed)
    h = open_history(folder)
    assert h.conn is not None
    conn = h.conn
    plans = {d: compile_timeline(load_session(builtin_session("hip-hinge-mobility")), d) for d in ("low", "high")}
    start = datetime.now(timezone.utc).replace(hour=7, minute=0, second=0, microsecond=0) - timedelta(days=365 * years)
    n_sets = 0
    conn.execute("BEGIN")
    for day in range(365 * years):
        dose = "low" if rng.random() < 0.6 else "high"
        tl = plans[dose]
        when = start + timedelta(days=day, minutes=rng.randint(0, 600))
        stop_at = rng.choice([None] * 30 + [s.index for s in tl.steps if s.kind is StepKind.WORK])
        rid = conn.execute(
            "INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, ended_at, status, seconds,"
            " pauses, paused_seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ("hip-hinge-mobility", tl.session.title, "hip-hinge-mobility.toml", "0" * 64, dose, when.isoformat(),
             (when + timedelta(seconds=tl.total)).isoformat(), "completed", tl.total, 0, 0.0)).lastrowid
        rows = []
        for s in tl.steps:
            if s.kind is not StepKind.WORK:
                continue
            status, reason = "done", None
            if stop_at is not None and s.index >= stop_at and s.drill == tl.steps[stop_at].drill:
                status, reason = "stopped", "it hurts"  # as the runner records it: the rest of that drill
            elif rng.random() < 0.03:
                status, reason = "skipped", "next"
            pauses = 1 if rng.random() < 0.05 else 0
            rows.append((rid, s.index, s.drill, s.drill_name, s.set_no, s.sets, s.side, s.reps, s.duration, status,
                         reason, s.reps if status == "done" and s.reps else None, s.duration or 30.0,
                         when.isoformat(), pauses, 20.0 * pauses))
        conn.executemany(
            "INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, side, planned_reps, planned_seconds,"
            " status, reason, reps_done, seconds_done, at, pauses, paused_seconds)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        n_sets += len(rows)
    conn.execute("COMMIT")
    h.close()
    return n_sets


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from hinge_timer.settings import Settings
    from hinge_timer.store.db import open_history
    from hinge_timer.store.history import export_csv
    from hinge_timer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="hinge-history-bench-"))
    big, empty = tmp / "big", tmp / "empty"
    t0 = time.perf_counter()
    n_sets = build(big, args.years)
    print(f"built {365 * args.years} runs, {n_sets} sets in {ms(t0) / 1000:.1f} s "
          f"({(big / 'history.sqlite3').stat().st_size / 1e6:.1f} MB)")
    empty.mkdir()

    # -- opening the database ---------------------------------------------------------------
    def open_ms(folder: Path) -> float:
        t = time.perf_counter()
        h = open_history(folder)
        took = ms(t)
        h.close()
        return took

    open_big = statistics.median(open_ms(big) for _ in range(args.repeat))
    open_empty = statistics.median(open_ms(empty) for _ in range(args.repeat))

    # -- the history screen -------------------------------------------------------------------
    def window(folder: Path) -> MainWindow:
        w = MainWindow(Settings(), None, sessions_dir=None, audio="none", history_dir=folder)
        w.resize(1280, 720)
        w.show()
        app.processEvents()
        w.listing.ensure()
        return w

    def open_screen(w: MainWindow) -> float:
        w.go_home()
        app.processEvents()
        t = time.perf_counter()
        w.show_history()
        w.grab()  # every part drawn: calendar, runs, details, chart
        took = ms(t)
        app.processEvents()
        return took

    wb, we = window(big), window(empty)
    first_big = open_screen(wb)  # builds the screen and loads Qt Charts
    first_empty = open_screen(we)  # builds the screen (Qt Charts already loaded)
    again_big = statistics.median(open_screen(wb) for _ in range(args.repeat))
    again_empty = statistics.median(open_screen(we) for _ in range(args.repeat))
    rows_shown = wb.history_view.screen.model.rowCount()
    for w in (wb, we):
        if w.history_service.history is not None:
            w.history_service.history.close()
        w.close()

    # -- CSV ---------------------------------------------------------------------------------------
    h = open_history(big)
    assert h.conn is not None
    conn = h.conn
    out_path = tmp / "export.csv"

    def export_ms() -> float:
        t = time.perf_counter()
        with open(out_path, "w", encoding="utf-8", newline="") as fh:
            export_csv(conn, fh)
        return ms(t)

    def raw_ms() -> float:
        t = time.perf_counter()
        conn.execute("SELECT r.*, s.* FROM runs r LEFT JOIN sets s ON s.run_id = r.id"
                     " ORDER BY r.started_at, r.id, s.step").fetchall()
        return ms(t)

    csv_ms = statistics.median(export_ms() for _ in range(args.repeat))
    raw = statistics.median(raw_ms() for _ in range(args.repeat))
    csv_rows = sum(1 for _ in io.open(out_path, encoding="utf-8")) - 1

    # -- the write at each step boundary: the hook queues it, the writer thread commits it ----------
    from hinge_timer.engine.clock import FakeClock
    from hinge_timer.engine.runner import Runner
    from hinge_timer.session.load import builtin_session, load_session
    from hinge_timer.session.timeline import compile_timeline
    from hinge_timer.store.recorder import Recorder, RunSource

    tl = compile_timeline(load_session(builtin_session("hip-hinge-mobility")), "high")
    boundary: list[float] = []
    for _ in range(5):
        clock = FakeClock()
        runner = Runner(tl, clock)
        rec = Recorder(conn, RunSource("hip-hinge-mobility", tl.session.title, "x", "-"), tl)
        rec.begin(runner)
        hook = runner.on_step

        def timed(r, i, at, hook=hook):
            t = time.perf_counter()
            hook(r, i, at)  # type: ignore[misc]
            rec.flush(30)  # until the writer thread has committed it
            boundary.append(ms(t))

        runner.on_step = timed
        runner.start(clock())
        drive(runner, clock, dt=1.0)
        rec.flush(30)
        rec.close()
    bare: list[float] = []
    for _ in range(len(boundary)):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE runs SET paused_seconds = paused_seconds + 1 WHERE id = 1")
        conn.execute("COMMIT")
        bare.append(ms(t))
    boundary.sort()
    bare.sort()
    b_med, b_p95 = statistics.median(boundary), boundary[int(len(boundary) * 0.95)]
    r_med, r_p95 = statistics.median(bare), bare[int(len(bare) * 0.95)]
    h.close()

    rows = [
        ["open the database (quick_check)", open_big, open_empty, open_big / open_empty],
        ["history screen, first open", first_big, first_empty, first_big / first_empty],
        ["history screen, again (median)", again_big, again_empty, again_big / again_empty],
        [f"CSV export ({csv_rows} rows)", csv_ms, raw, csv_ms / raw],
        [f"write at a step boundary, median of {len(boundary)}", b_med, r_med, b_med / r_med],
        ["write at a step boundary, p95", b_p95, r_p95, b_p95 / r_p95],
    ]
    print(table(rows, ["ten years of daily runs", "ms", "reference ms", "ratio"]))
    print("references: an empty history for the database and the screen; for CSV, reading the same rows"
          " with no formatting; for the boundary write, a bare one-row UPDATE transaction.")
    print(f"runs listed: {rows_shown}; goal: each under {GOAL_MS:.0f} ms -> "
          + ("met" if max(first_big, again_big, csv_ms) < GOAL_MS else "NOT met"))
    write_json(args.json, {
        "runs": 365 * args.years, "sets": n_sets, "csv_rows": csv_rows,
        "open_db_ms": open_big, "open_db_empty_ms": open_empty,
        "screen_first_ms": first_big, "screen_first_empty_ms": first_empty,
        "screen_again_ms": again_big, "screen_again_empty_ms": again_empty,
        "csv_ms": csv_ms, "csv_raw_read_ms": raw,
        "boundary_write_median_ms": b_med, "boundary_write_p95_ms": b_p95,
        "bare_commit_median_ms": r_med, "bare_commit_p95_ms": r_p95,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
