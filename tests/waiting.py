"""Waiting on another process from a test: poll a condition until it holds or a time limit passes."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], what: str, limit: float = 30.0, show: Callable[[], object] | None = None) -> T:
    """``predicate()``'s first true value, polled every 50 ms; fails after ``limit`` seconds saying ``what``
    was awaited (and ``show()``, when given: what there was instead)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {limit:g} s waiting for {what}" + (f": {show()}" if show else ""))
