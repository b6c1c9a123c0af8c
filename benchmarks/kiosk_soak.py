"""Kiosk soak: a simulated twelve-hour day on a gym PC, in one process, at high speed.

    QT_QPA_PLATFORM=offscreen python benchmarks/kiosk_soak.py [--hours 12] [--seed 1] [--json FILE]

A real kiosk window on a fake clock (the session clock and the kiosk's own), driven through its real
widgets: strangers tap a tile and finish the session, or pause it and walk away (the kiosk ends it
after the idle time), or tap and leave at the done screen; in between, nobody comes for a while.
Every simulated second the session is pumped and the kiosk checks its rules; Qt's event loop runs
between (so screens are drawn and deleteLater happens).

Reported, against the same figures after the first hour (the warm-up): resident memory (from
/proc/self/statm), Python objects, Qt widgets, timers (all and active) and QObjects under the window.
Goal: memory growth under 5 MB after warm-up, and no leftover timers or widgets.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _common import table, write_json  # noqa: E402

GOAL_MB = 5.0


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from hinge_timer.engine.clock import NS, FakeClock
    from hinge_timer.engine.state import State
    from hinge_timer.kiosk.config import KioskConfig
    from hinge_timer.kiosk.inhibit import NullInhibitor
    from hinge_timer.settings import Settings
    from hinge_timer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = random.Random(args.seed)
    clock = FakeClock()
    data = Path(tempfile.mkdtemp(prefix="hinge-soak-"))
    w = MainWindow(Settings(), None, clock=clock, audio="none", history_dir=data,
                   kiosk=KioskConfig(enabled=True), kiosk_clock=lambda: clock.now / NS,
                   inhibitor=NullInhibitor("soak"))
    w.resize(1920, 1080)
    w.show()
    app.processEvents()
    kiosk = w.kiosk
    assert kiosk is not None and w.kiosk_home is not None

    def step(seconds: float) -> None:
        """Time passes, a second at a time, as the timers would see it."""
        for _ in range(int(seconds)):
            clock.advance(1.0)
            if w.run.driver is not None and not w.run.driver.runner.finished:
                w.run.driver.pump()
            kiosk.check()
            app.processEvents()

    def touch() -> None:
        kiosk.last_input = kiosk.last_move = clock.now / NS

    types: list = []

    def counts() -> dict[str, float]:
        gc.collect()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        timers = w.findChildren(QTimer)
        if os.environ.get("SOAK_DEBUG"):
            import collections
            types.append(collections.Counter(type(o).__name__ for o in gc.get_objects()))
        return {"rss_mb": rss_mb(), "python_objects": len(gc.get_objects()),
                "widgets": len(QApplication.allWidgets()), "timers": len(timers),
                "active_timers": sum(1 for t in timers if t.isActive()), "qobjects": len(w.findChildren(QObject))}

    day = args.hours * 3600
    start = clock.now / NS
    stats = {"finished": 0, "abandoned": 0, "left_at_done": 0, "idle_gaps": 0}
    warm: dict[str, float] | None = None
    half: dict[str, float] | None = None
    wall = time.perf_counter()
    tiles = w.kiosk_home.tiles
    # The warm-up does every tile to the end and abandons every tile once, so every screen and
    # label has been built before the first figures are taken; after that, strangers pick at random.
    warm_up = [(i, 0.5) for i in range(len(tiles))] + [(i, 0.1) for i in range(len(tiles))]
    sessions = 0
    while clock.now / NS - start < day:
        if warm is None and sessions >= len(warm_up) and clock.now / NS - start >= 3600:
            warm = counts()
        if half is None and clock.now / NS - start >= day / 2:
            half = counts()
        if sessions < len(warm_up):
            tile, kind = warm_up[sessions]
        else:
            tile, kind = rng.randrange(len(tiles)), rng.random()
        sessions += 1
        touch()
        tiles[tile].click()
        runner = w.run.driver.runner if w.run.driver is not None else None
        if runner is None:
            continue
        if kind < 0.25:  # pause after a while and walk away: the kiosk ends it after the idle time
            step(rng.randint(20, 200))
            if w.run.driver is not None and not runner.finished and not runner.paused:
                touch()
                w.run.driver.toggle_pause()
            step(kiosk.config.idle_minutes * 60 + 5)
            stats["abandoned"] += 1
        else:  # do it to the end, confirming cautions and counting reps as asked
            while w.run.driver is not None and not runner.finished:
                snap = runner.snapshot(clock())
                if snap.state is State.CAUTION:
                    touch()
                    w.run.driver.acknowledge()
                elif snap.user_counted:
                    touch()
                    w.run.driver.count_rep()
                    step(3)
                else:
                    step(1)
            if kind < 0.6:
                touch()
                w.go_home()  # taps "back to home"
            else:
                step(kiosk.config.done_seconds + 1)  # walks off: the kiosk goes back by itself
                stats["left_at_done"] += 1
            stats["finished"] += 1
        if rng.random() < 0.5:
            step(rng.randint(60, 1800))  # nobody for a while
            stats["idle_gaps"] += 1
    end = counts()
    if os.environ.get("SOAK_DEBUG"):
        print("grew:", (types[-1] - types[0]).most_common(8))
        print("grew 2nd half:", (types[-1] - types[1]).most_common(8), "1st:", (types[1] - types[0]).most_common(8))
    wall_s = time.perf_counter() - wall
    assert warm is not None and half is not None
    rows = [[k, warm[k], half[k], end[k], end[k] - warm[k]] for k in warm]
    print(f"{args.hours:g} simulated hours in {wall_s:.0f} s: {stats['finished']} sessions finished, "
          f"{stats['abandoned']} abandoned, {stats['left_at_done']} left on the done screen, "
          f"{stats['idle_gaps']} quiet spells")
    print(table(rows, ["after", "warm-up (>= 1 h)", f"{args.hours / 2:g} h", f"{args.hours:g} h", "growth"]))
    growth = end["rss_mb"] - warm["rss_mb"]
    leftovers = any(end[k] != warm[k] for k in ("widgets", "timers", "active_timers", "qobjects"))
    print(f"memory growth after warm-up: {growth:.2f} MB (goal < {GOAL_MB:g} MB) -> "
          + ("met" if growth < GOAL_MB else "NOT met") + "; leftover timers or widgets: "
          + ("YES" if leftovers else "none"))
    write_json(args.json, {"hours": args.hours, "stats": stats, "warm": warm, "half": half, "end": end,
                           "wall_s": wall_s,
                           "growth_mb": growth, "leftovers": leftovers})
    w.kiosk.allow_exit = True
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
