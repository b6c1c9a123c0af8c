"""Driving a runner to its end as a user would (confirm cautions, count reps, let time pass): shared by
the store tests and benchmarks/history.py."""

from __future__ import annotations

import time
from typing import Callable

from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.engine.state import State


def drive(runner: Runner, clock: FakeClock, dt: float = 0.5, until: Callable[[Runner], bool] | None = None,
          limit: int = 200_000) -> float:
    """Run ``runner`` to its end (or until ``until(runner)``), ``dt`` seconds of the fake clock per tick;
    return the longest one call into the runner took (seconds, wall clock: a boundary's history write counts)."""
    done = until or (lambda r: r.finished)
    worst = 0.0
    for _ in range(limit):
        if done(runner):
            return worst
        t0 = time.perf_counter()
        snap = runner.snapshot(clock())
        if snap.state is State.CAUTION:
            runner.acknowledge(clock())
        elif snap.user_counted:
            runner.count_rep(clock())
        else:
            clock.advance(dt)
            runner.tick(clock())
        worst = max(worst, time.perf_counter() - t0)
    raise AssertionError("never got there")
