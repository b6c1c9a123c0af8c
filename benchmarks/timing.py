"""Cue timing through the real Qt driver on a real event loop.

Runs a built-in session at --speed through ``open_session`` (the same driver the
app uses), confirms the caution the moment it shows, reads the event log, and
prints cue lateness in wall-clock milliseconds (actual - scheduled, divided by
the speed): median, p99, max, how many were early, and the drift at the end.

Reference, in the same run: bare Qt ``PreciseTimer`` single-shots aimed at the
same wall-clock moments, with nothing else in the loop. That is the floor the
event loop and the OS give; the ratio shows what the driver adds on top.

Once with the machine idle and once with every core kept busy by other processes.

    python benchmarks/timing.py [--session NAME] [--speed 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import CpuLoad, summary, table, write_json  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt, QTimer  # noqa: E402

from hinge_timer.engine.clock import NS, system_clock  # noqa: E402
from hinge_timer.engine.events import State, read_event_log  # noqa: E402
from hinge_timer.qt.driver import open_session  # noqa: E402
from hinge_timer.session.load import builtin_session, load_session  # noqa: E402
from hinge_timer.session.timeline import StepKind, compile_timeline  # noqa: E402


def run_driver(app: QCoreApplication, name: str, speed: float) -> dict:
    timeline = compile_timeline(load_session(builtin_session(name)))
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "events.jsonl")
        driver = open_session(timeline, speed=speed, event_log=log_path)
        acked: set[int] = set()

        def on_snapshot(snap) -> None:
            if snap.state is State.CAUTION and snap.step_index not in acked:
                acked.add(snap.step_index)
                driver.acknowledge()

        driver.snapshot_changed.connect(on_snapshot)
        driver.session_finished.connect(lambda _s: app.quit())
        driver.start()
        app.exec()
        driver.close()
        records = read_event_log(log_path)

    cues = [r for r in records if r["t"] == "cue"]
    late_ms = [(c["actual_ns"] - c["scheduled_ns"]) / speed / 1e6 for c in cues]
    # Drift: where the session ended against where the plan put it, counted from the
    # last moment the user decided something (the last caution confirmed), since a
    # caution waits for as long as the user takes.
    acks = [r for r in records if r["t"] == "command" and r["name"] == "acknowledge" and r["ok"]]
    steps = timeline.steps
    if acks:
        after = steps[acks[-1]["step"] + 1]  # "step": the caution the command confirmed
        anchor_ns, planned_from = acks[-1]["at_ns"], after.start
    else:
        anchor_ns, planned_from = [r for r in records if r["t"] == "step"][0]["start_ns"], 0.0
    done_planned = next(s for s in steps if s.kind is StepKind.DONE).start
    end_cue = [c for c in cues if c["kind"] == "session_complete"][-1]
    expected_end = anchor_ns + round((done_planned - planned_from) * NS)
    drift_sched_ms = (end_cue["scheduled_ns"] - expected_end) / speed / 1e6
    drift_actual_ms = (end_cue["actual_ns"] - expected_end) / speed / 1e6
    return {
        "late_ms": late_ms,
        "early": sum(1 for x in late_ms if x < 0),
        "drift_schedule_ms": drift_sched_ms,
        "drift_end_ms": drift_actual_ms,
        "wall_s": (end_cue["actual_ns"] - anchor_ns) / speed / NS,
        "offsets_s": [(c["scheduled_ns"] - cues[0]["scheduled_ns"]) / speed / NS for c in cues],
    }


def run_reference(app: QCoreApplication, offsets_s: list[float]) -> list[float]:
    """Bare PreciseTimer single-shots at the same wall-clock offsets: the loop's own floor."""
    late: list[float] = []
    timers: list[QTimer] = []
    start = system_clock()
    remaining = len(set(offsets_s))

    def fire(target_ns: int) -> None:
        nonlocal remaining
        late.append((system_clock() - target_ns) / 1e6)
        remaining -= 1
        if remaining == 0:
            app.quit()

    for off in sorted(set(offsets_s)):
        target = start + round(off * NS)
        t = QTimer()
        t.setTimerType(Qt.TimerType.PreciseTimer)
        t.setSingleShot(True)
        t.timeout.connect(lambda target=target: fire(target))
        t.start(max(0, math.ceil((target - system_clock()) / 1e6)))
        timers.append(t)
    app.exec()
    return late


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--session", default="hip-hinge-mobility")
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication([])

    results = {}
    for label, load in (("idle", None), ("loaded", CpuLoad())):
        if load is not None:
            load.__enter__()
            time.sleep(0.5)
        try:
            driver = run_driver(app, args.session, args.speed)
            reference = run_reference(app, driver["offsets_s"])
        finally:
            if load is not None:
                load.__exit__(None, None, None)
        results[label] = {
            "driver": summary(driver["late_ms"]),
            "reference": summary(reference),
            "early": driver["early"],
            "reference_early": sum(1 for x in reference if x < 0),
            "drift_schedule_ms": driver["drift_schedule_ms"],
            "drift_end_ms": driver["drift_end_ms"],
            "wall_s": driver["wall_s"],
        }

    print(f"Cue lateness, {args.session} at --speed {args.speed:g} (wall-clock ms; "
          f"reference: bare Qt PreciseTimer single-shots at the same moments)")
    rows = []
    for label, r in results.items():
        d, ref = r["driver"], r["reference"]
        rows.append([label, d["n"], d["median"], d["p99"], d["max"], r["early"],
                     ref["median"], ref["p99"], ref["max"],
                     d["median"] / ref["median"] if ref["median"] else float("nan"),
                     r["drift_end_ms"]])
    print(table(rows, ["machine", "cues", "median", "p99", "max", "early", "ref median", "ref p99",
                       "ref max", "median ratio", "end drift"]))
    for label, r in results.items():
        print(f"{label}: {r['wall_s']:.1f} s wall from the last confirmed caution to the end "
              "(every cue's lateness above is its drift from the plan); schedule drift at the end "
              f"{r['drift_schedule_ms']:.3f} ms, session-complete cue fired {r['drift_end_ms']:.2f} ms after the plan")
    write_json(args.json, {"session": args.session, "speed": args.speed, **results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
