"""Clocks the runner can be given.  All return integer nanoseconds.

The runner never reads the time itself: it is handed a clock (or a ``now``)
so that tests run whole sessions in microseconds on a ``FakeClock`` and
demos run faster on a ``ScaledClock``.
"""

from __future__ import annotations

import time
from typing import Callable

Clock = Callable[[], int]

NS = 1_000_000_000


def _pick_system_clock() -> Clock:
    # CLOCK_BOOTTIME keeps counting while the machine sleeps, so the runner
    # sees a laptop's suspend as a gap and pauses itself instead of quietly
    # freezing the countdown.  Elsewhere the monotonic clock is the best there is.
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        try:
            time.clock_gettime_ns(boottime)
        except OSError:  # pragma: no cover - kernel without it
            pass
        else:
            return lambda: time.clock_gettime_ns(boottime)
    return time.monotonic_ns


system_clock: Clock = _pick_system_clock()


class ScaledClock:
    """Runs ``speed`` times faster than ``base`` (``--speed``); nothing else changes."""

    def __init__(self, speed: float, base: Clock = system_clock) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.base = base
        self._origin = base()

    def __call__(self) -> int:
        return self._origin + int((self.base() - self._origin) * self.speed)

    def to_wall_ns(self, clock_ns: int) -> float:
        """A span on this clock, in real nanoseconds."""
        return clock_ns / self.speed


class FakeClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start_ns: int = 1_000 * NS) -> None:
        self.now = start_ns

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> int:
        self.now += int(round(seconds * NS))
        return self.now
