"""The colour of each role in the step-kind table, every other colour the app draws, and how text scales.

The palette is Okabe and Ito's, chosen to stay distinguishable with the common
forms of colour blindness; every colour also comes with a word on screen, so
colour is never the only signal.  No colour is written anywhere else
(tests/unit/test_architecture.py checks).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from ..engine.state import State

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

BACKGROUND = QColor("#101214")
PANEL = QColor("#1c2024")
TEXT = QColor("#f4f4f4")
MUTED_TEXT = QColor("#b8bcc0")
TRACK = QColor("#2f353b")
# A notice or a problem (history not saved, sound off, a stopped run): the GET READY orange.
NOTICE = QColor("#E69F00")
# A problem with a field in the session editor (always with a ⚠ mark and words): a light vermillion that
# reads on the dark window.
PROBLEM = QColor("#FF9F6E")
CAPTION_TEXT = QColor("#ffffff")  # the spoken cues, as text
FLASH = QColor("#ffffff")  # the full-window flash on a countdown beat ("go" flashes the WORK colour)
# The pause and help overlays: a dimmed layer, a white title, light grey lines.
OVERLAY_DIM = QColor(10, 12, 14, 215)
OVERLAY_TITLE = QColor("#ffffff")
OVERLAY_TEXT = QColor("#e0e0e0")
# A shade darker than the state's colour the session screen is painted in: the picture's place, a bar's track.
VEIL = QColor(0, 0, 0, 56)
# Words on a state's colour (ink_on): dark on a light colour, light on a dark one.
INK_DARK = QColor("#000000")
INK_LIGHT = QColor("#ffffff")

# The figure that shows how a drill is done (ui/figure.py), on its own dark panel so that it reads the same
# on every state's colour: a light body, the far arm and leg a shade darker, the working leg orange, and the
# equipment in colours of their own.
FIGURE_PANEL = QColor("#15191d")
FIGURE_BODY = QColor("#eef0f2")
FIGURE_FAR = QColor("#8d959c")
FIGURE_WORKING = QColor("#E69F00")
FIGURE_EFFORT = QColor(255, 196, 64, 110)  # a glow round the working thigh while it pushes
FIGURE_FLOOR = QColor("#6b7278")
FIGURE_GEAR = QColor("#4a535b")  # box, wall, plate, kettlebell, the band's anchor
FIGURE_GEAR_EDGE = QColor("#a9b1b8")
FIGURE_BAND = QColor("#56B4E9")
FIGURE_DOWEL = QColor("#d8b27a")
FIGURE_CONTACT = QColor("#ff5a5a")  # the dowel's three points of contact

# Each colour role of the step-kind table (session/kinds.py, STATE_LOOKS) and its colour.
ROLE_COLOURS: dict[str, QColor] = {
    "ready": QColor("#0072B2"),  # blue
    "caution": QColor("#D55E00"),  # vermillion
    "get_ready": QColor("#E69F00"),  # orange
    "work": QColor("#009E73"),  # bluish green
    "rest": QColor("#56B4E9"),  # sky blue
    "switch_sides": QColor("#CC79A7"),  # reddish purple
    "paused": QColor("#999999"),  # grey
    "done": QColor("#0072B2"),  # blue
}

# Each state's colour and word, from the table: built the first time they are read (theme.STATE_COLOURS),
# since Home's first frame needs neither the table nor them.
STATE_COLOURS: dict[State, QColor]
STATE_WORDS: Mapping[State, str]  # in the current language, each time it is read (session/kinds.state_word)


class _StateWords(Mapping[State, str]):
    def __init__(self, states: tuple[State, ...]) -> None:
        self._states = states

    def __getitem__(self, state: State) -> str:
        from ..session.kinds import state_word

        return state_word(state)

    def __iter__(self) -> Iterator[State]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)


def __getattr__(name: str) -> object:
    if name not in ("STATE_COLOURS", "STATE_WORDS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ..session.kinds import STATE_LOOKS

    globals()["STATE_COLOURS"] = {state: ROLE_COLOURS[look.role] for state, look in STATE_LOOKS.items()}
    globals()["STATE_WORDS"] = _StateWords(tuple(STATE_LOOKS))
    return globals()[name]


def ink_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    luminance = 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
    return INK_DARK if luminance > 0.45 else INK_LIGHT


def css(colour: QColor) -> str:
    """``colour`` for a style sheet: ``#rrggbb``, or ``rgba(r, g, b, a)`` when it is see-through."""
    if colour.alpha() == 255:
        return colour.name()
    return f"rgba({colour.red()}, {colour.green()}, {colour.blue()}, {colour.alpha()})"


def scaled_px(widget: QWidget, fraction: float, minimum: int) -> int:
    """A size in pixels (a font, a button's height) that grows with ``widget``: ``fraction`` of its
    height, or of three quarters of its width when that is less (so a narrow or portrait window fits
    its text too), and never below ``minimum``."""
    basis = max(1, min(widget.height(), int(widget.width() * 0.75)))
    return max(minimum, int(basis * fraction))
