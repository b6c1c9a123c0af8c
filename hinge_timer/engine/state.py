"""The states a session can be in: what the screen is coloured by.

A module of its own, free of the session model and the timeline, so the window can paint
Home before either is imported.
"""

from __future__ import annotations

from enum import Enum


class State(str, Enum):
    IDLE = "idle"
    CAUTION = "caution"
    GET_READY = "get_ready"
    WORK = "work"
    REST = "rest"
    SWITCH_SIDES = "switch_sides"
    PAUSED = "paused"
    DONE = "done"
