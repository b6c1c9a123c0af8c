"""Cue timing through the real Qt driver on a real event loop.

Runs a built-in session at --speed through ``open_session`` (the same driver the
app uses), confirms the caution the moment it shows, reads the event log, and
prints cue lateness in wall-clock milliseconds (actual - scheduled, divided by
the speed): median, p99, max, how many were early, and the drift at the end.

Reference, in the same run: bare Qt ``PreciseTimer`` single-shots aimed at the
same wall-clock moments, with nothing else in the loop. That is the floor the
event loop and the OS give; the ratio shows what the driver adds on top.

Once with the machine idle and once with every core kept busy by other processes.

Then a user's own session (``OWN_SESSION``, tests/data/own-timing.toml: drill names and ``say`` lines
no recorded prompt says, holds on each side, paced and counted sets) at real speed, sound on through
Qt Multimedia (its engine process) on a private PulseAudio null sink, with an empty cache of rendered
lines at the start: every line is rendered by espeak-ng in the background while the session runs, as
on a user's first run of a new file.  Its reference is run the same way in the same run, idle and
loaded: the built-in ``OWN_REFERENCE`` at real speed with sound on, every line of it a recorded prompt;
the ratio own / built-in shows what a session's own lines cost.

    python benchmarks/timing.py [--session NAME] [--speed 20] [--json FILE] [--no-own]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests.audio_capture
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import CpuLoad, summary, table, write_json  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt, QTimer  # noqa: E402

from hinge_timer.engine.clock import NS, system_clock  # noqa: E402
from hinge_timer.engine.events import State, read_event_log  # noqa: E402
from hinge_timer.qt.driver import open_session  # noqa: E402
from hinge_timer.session.load import builtin_session, load_session  # noqa: E402
from hinge_timer.session.timeline import StepKind, compile_timeline  # noqa: E402


# About 2 min at real speed; nothing in it is a recorded prompt but the fixed words ("Go", "Rest", ...).
OWN_SESSION = Path(__file__).resolve().parent.parent / "tests" / "data" / "own-timing.toml"
# The like-for-like reference for it: a built-in session (every line recorded), run the same way.
OWN_REFERENCE = "hip-hinge-basics"
COUNT_EVERY_MS = 1300  # the "user" taps a rep this often in the counted set


def run_driver(app: QCoreApplication, source, speed: float, sound: bool = False) -> dict:
    """One session (a built-in's name, or a file's path) through the driver; with ``sound``, at
    the window's sound path: the qt backend (its engine process, ready first), the planner, and an
    empty cache of rendered lines, so the session's own lines are rendered while it runs."""
    with tempfile.TemporaryDirectory() as tmp:
        timeline = compile_timeline(load_session(source if isinstance(source, Path) else builtin_session(source)))
        log_path = os.path.join(tmp, "events.jsonl")
        driver = open_session(timeline, speed=speed, event_log=log_path)
        audio = counter = None
        if sound:
            from hinge_timer.audio.vocabulary import Catalog
            from hinge_timer.qt.audio import CueAudio, SpeechLines, make_backend

            backend = make_backend("qt")
            ready = getattr(backend, "wait_ready", None)
            if backend.name != "qt" or (ready is not None and not ready(5.0)) or backend.problem:
                sys.exit(f"timing: Qt Multimedia cannot play here ({backend.problem or 'its engine did not start'}); "
                         "no figures")
            lines = SpeechLines(Path(tmp) / "speech-cache")
            audio = CueAudio(backend, Catalog.load(), lines=lines)
            audio.bind(driver)  # (starts rendering every line of the session in the background)
            counter = QTimer()
            counter.setInterval(COUNT_EVERY_MS)
            counter.timeout.connect(driver.count_rep)  # refused outside a counted set: harmless
            counter.start()
        acked: set[int] = set()

        def on_snapshot(snap) -> None:
            if snap.state is State.CAUTION and snap.step_index not in acked:
                acked.add(snap.step_index)
                driver.acknowledge()

        driver.snapshot_changed.connect(on_snapshot)
        driver.session_finished.connect(lambda _s: app.quit())
        driver.start()
        app.exec()
        if counter is not None:
            counter.stop()
        rendering: dict = {}
        if audio is not None:
            r = audio.lines.renderer
            rendering = {"rendered": r.rendered, "from_cache": r.from_cache, "unavailable": r.unavailable}
            audio.close()
            audio.lines.close()
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
        "voices": {v: sum(1 for r in records if r["t"] == "sound" and r.get("voice") == v)
                   for v in ("prompt", "rendered", "tone")},
        **rendering,
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
    parser.add_argument("--no-own", action="store_true", help="skip the user's own session (needs PulseAudio)")
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication([])
    server = None
    if not args.no_own:
        from tests.audio_capture import PulseServer, missing_tools

        missing = missing_tools()
        if missing:
            sys.exit(f"timing: the own-lines session needs {', '.join(missing)} (or --no-own)")
        server = PulseServer().start()
        os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]

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
    own: dict = {}
    if server is not None:
        try:
            for label, load in (("idle", None), ("loaded", CpuLoad())):
                if load is not None:
                    load.__enter__()
                    time.sleep(0.5)
                try:
                    for name, source in (("own", OWN_SESSION), ("reference", OWN_REFERENCE)):
                        run = run_driver(app, source, 1.0, sound=True)
                        own.setdefault(label, {})[name] = {
                            "driver": summary(run["late_ms"]), "early": run["early"], "wall_s": run["wall_s"],
                            "voices": run["voices"], "rendered": run.get("rendered"),
                            "from_cache": run.get("from_cache"), "unavailable": run.get("unavailable")}
                finally:
                    if load is not None:
                        load.__exit__(None, None, None)
        finally:
            server.stop()

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
    if own:
        print()
        print(f"Cue lateness at real speed with sound on (wall-clock ms): a user's own session ({OWN_SESSION.name}, "
              "no line of it recorded, cache of rendered lines empty at the start) against the built-in "
              f"{OWN_REFERENCE} (every line recorded), run the same way in the same run; ratio own / built-in")
        rows = []
        for label, pair in own.items():
            d, b = pair["own"]["driver"], pair["reference"]["driver"]
            rows.append([label, d["n"], d["median"], d["p99"], d["max"], pair["own"]["early"],
                         b["n"], b["median"], b["p99"], b["max"],
                         d["median"] / b["median"] if b["median"] else float("nan"),
                         d["p99"] / b["p99"] if b["p99"] else float("nan"),
                         d["max"] / b["max"] if b["max"] else float("nan")])
        print(table(rows, ["machine", "cues", "median", "p99", "max", "early", "ref cues", "ref median", "ref p99",
                           "ref max", "median ratio", "p99 ratio", "max ratio"]))
        for label, pair in own.items():
            for name, r in pair.items():
                print(f"{label}, {name}: {r['wall_s']:.1f} s of session; sounds: {r['voices']}; lines rendered "
                      f"during it: {r['rendered']}, from the cache: {r['from_cache']}"
                      + (f"; engine unavailable: {r['unavailable']}" if r["unavailable"] else ""))
    write_json(args.json, {"session": args.session, "speed": args.speed, **results, "own_session": own})
    return 0


if __name__ == "__main__":
    sys.exit(main())
