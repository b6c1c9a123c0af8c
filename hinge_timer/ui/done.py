"""The done screen: what was completed, skipped or stopped, and the time it took (a RunResult, app/run.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ..app import commands
from .. import timefmt
from ..i18n import _
from . import theme
from .widgets import plain_label

if TYPE_CHECKING:
    from ..app.run import RunResult


def summarise(result: RunResult) -> str:
    """The time taken, then one line per drill (plain text: drill names come from the user's file)."""
    # Translators: a drill on the done screen: {drill} its name, {outcome} what became of it ("done", "skipped").
    lines = [_("{drill}: {outcome}").format(drill=d.name, outcome=d.word) for d in result.drills]
    # Translators: how long the session took ("14:30").
    return "\n".join([_("Time: {time}").format(time=timefmt.clock(result.seconds)), "", *lines])


class DoneScreen(QWidget):
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("done_screen")
        root = QVBoxLayout(self)
        root.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(self, _("Session complete"), name="done_title", wrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = plain_label(self, name="done_summary", wrap=True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved = plain_label(self, name="done_saved", wrap=True)
        self.saved.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Translators: a button; {key} is its key ("Enter"). Keep the two spaces before the key.
        self.home_button = QPushButton(_("Back to home  ({key})").format(key=commands.key_name("Enter")), self)
        self.home_button.setObjectName("home")
        self.home_button.setAccessibleName(_("Back to home"))
        # Tab reaches the summary and the button (a click never moves the focus); ui/keys.py.
        self.summary.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.home_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.home_button.clicked.connect(self.home_requested.emit)
        root.addWidget(self.title)
        root.addWidget(self.summary)
        root.addWidget(self.saved)
        root.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignCenter)

    def show_result(self, result: RunResult) -> None:
        """A finished run (app/run.py): its time is the one the history stores.  The title is the run's
        headline: "Session complete" only when no drill was stopped ("Session ended: stopped for pain at
        Jefferson curl")."""
        self.title.setText(result.headline)
        self.summary.setText(summarise(result))

    def set_saved(self, text: str, problem: bool = False) -> None:
        """Whether the run went into the history ("" when no history is kept)."""
        self.saved.setText(text)
        self.saved.setProperty("problem", problem)
        self._style_saved()

    def _style_saved(self) -> None:
        colour = theme.NOTICE if self.saved.property("problem") else theme.MUTED_TEXT
        self.saved.setStyleSheet(f"color: {colour.name()}; font-size: {theme.scaled_px(self, 0.028, 11)}px;")

    def command_handlers(self) -> dict[str, commands.Handler]:
        """What the done screen does of the command table (app/commands.py)."""
        return {"done_home": self.home_requested.emit}

    def handle_key(self, key: int, text: str) -> bool:
        """The done screen's keys, from the command table; True if the key was used."""
        return commands.press(self.command_handlers(), commands.Context(commands.DONE), key, text)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        px = theme.scaled_px
        self.title.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {px(self, 0.08, 20)}px;"
                                 " font-weight: bold;")
        self.summary.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {px(self, 0.04, 12)}px;")
        self._style_saved()
        self.home_button.setStyleSheet(f"font-size: {px(self, 0.035, 12)}px; min-height:"
                                       f" {px(self, 0.09, 44)}px; padding: 0 24px;")
