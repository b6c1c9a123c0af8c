"""The done screen: what was completed, skipped or stopped, and the time it took."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from .. import timefmt
from ..session.timeline import StepKind
from . import theme
from .widgets import plain_label

if TYPE_CHECKING:
    from ..engine.runner import Runner


def summarise(runner: Runner, seconds_taken: float) -> str:
    """The time taken, then one line per drill (plain text: drill names come from the user's file)."""
    session = runner.timeline.session
    lines = []
    for i, drill in enumerate(session.drills):
        planned = [s for s in runner.steps if s.kind is StepKind.WORK and s.drill == i]
        outcomes = [runner.outcomes.get(s.index) for s in planned]
        done = sum(1 for o in outcomes if o is not None and o.status == "done")
        stopped = [o for o in outcomes if o is not None and o.status == "stopped"]
        skipped = sum(1 for o in outcomes if o is not None and o.status == "skipped")
        if stopped:
            word = f"stopped: {stopped[0].reason}"
        elif done == len(planned):
            word = "done"
        elif done == 0 and all(o is None for o in outcomes):
            word = "not reached"
        elif done == 0:
            word = "skipped"
        else:
            word = f"{done} of {len(planned)} done" + (f", {skipped} skipped" if skipped else "")
        lines.append(f"{drill.name}: {word}")
    return "\n".join([f"Time: {timefmt.clock(seconds_taken)}", "", *lines])


class DoneScreen(QWidget):
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("done_screen")
        root = QVBoxLayout(self)
        root.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(self, "Session complete", name="done_title", wrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = plain_label(self, name="done_summary", wrap=True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved = plain_label(self, name="done_saved", wrap=True)
        self.saved.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.home_button = QPushButton("Back to home  (Enter)", self)
        self.home_button.setObjectName("home")
        self.home_button.setAccessibleName("Back to home")
        self.home_button.clicked.connect(self.home_requested.emit)
        root.addWidget(self.title)
        root.addWidget(self.summary)
        root.addWidget(self.saved)
        root.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignCenter)

    def show_result(self, runner: Runner, seconds_taken: float, ended_early: bool) -> None:
        work = [s.index for s in runner.steps if s.kind is StepKind.WORK]
        all_done = all(runner.outcomes.get(i) is not None and runner.outcomes[i].status == "done" for i in work)
        if ended_early:
            title = "Session ended early"
        elif all_done:
            title = "Session complete. Well done!"
        else:
            title = "Session complete"  # something was skipped or stopped: no cheering over it
        self.title.setText(title)
        self.summary.setText(summarise(runner, seconds_taken))

    def set_saved(self, text: str, problem: bool = False) -> None:
        """Whether the run went into the history ("" when no history is kept)."""
        self.saved.setText(text)
        self.saved.setProperty("problem", problem)
        self._style_saved()

    def _style_saved(self) -> None:
        colour = theme.NOTICE if self.saved.property("problem") else theme.MUTED_TEXT
        self.saved.setStyleSheet(f"color: {colour.name()}; font-size: {theme.scaled_px(self, 0.028, 11)}px;")

    def handle_key(self, key: int, text: str) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.home_requested.emit()
            return True
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        px = theme.scaled_px
        self.title.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {px(self, 0.08, 20)}px;"
                                 " font-weight: bold;")
        self.summary.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {px(self, 0.04, 12)}px;")
        self._style_saved()
        self.home_button.setStyleSheet(f"font-size: {px(self, 0.035, 12)}px; min-height:"
                                       f" {px(self, 0.09, 44)}px; padding: 0 24px;")
