"""Colours and words for each state.

The palette is Okabe and Ito's, chosen to stay distinguishable with the common
forms of colour blindness; every colour also comes with a word on screen, so
colour is never the only signal.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from ..engine.state import State

BACKGROUND = QColor("#101214")
PANEL = QColor("#1c2024")
TEXT = QColor("#f4f4f4")
MUTED_TEXT = QColor("#b8bcc0")
TRACK = QColor("#2f353b")

STATE_COLOURS: dict[State, QColor] = {
    State.IDLE: QColor("#0072B2"),  # blue
    State.CAUTION: QColor("#D55E00"),  # vermillion
    State.GET_READY: QColor("#E69F00"),  # orange
    State.WORK: QColor("#009E73"),  # bluish green
    State.REST: QColor("#56B4E9"),  # sky blue
    State.SWITCH_SIDES: QColor("#CC79A7"),  # reddish purple
    State.PAUSED: QColor("#999999"),  # grey
    State.DONE: QColor("#0072B2"),  # blue
}

STATE_WORDS: dict[State, str] = {
    State.IDLE: "READY",
    State.CAUTION: "CAUTION",
    State.GET_READY: "GET READY",
    State.WORK: "WORK",
    State.REST: "REST",
    State.SWITCH_SIDES: "SWITCH SIDES",
    State.PAUSED: "PAUSED",
    State.DONE: "DONE",
}


def ink_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    luminance = 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
    return QColor("#000000") if luminance > 0.45 else QColor("#ffffff")


def mmss(seconds: float | None) -> str:
    """Whole seconds remaining, rounded up, as m:ss (so 0:00 shows only at the end)."""
    if seconds is None:
        return ""
    whole = int(-(-max(0.0, seconds) // 1))
    return f"{whole // 60}:{whole % 60:02d}"
