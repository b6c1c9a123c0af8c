"""The one route for notices to the user, on screen: what a service posts (app/messages.py) is put where
it goes (Home's notice lines, the session screen's notices and status, the done screen's saved line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

if TYPE_CHECKING:
    from ..app.messages import MessageBridge
    from .done import DoneScreen
    from .home import HomeScreen
    from .session_screen import SessionScreen


class NoticeBoard(QObject):
    """Shows what is posted to ``messages`` from now on."""

    def __init__(self, messages: MessageBridge, home: HomeScreen, session_screen: Callable[[], SessionScreen],
                 done: Callable[[], DoneScreen | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        messages.message_posted.connect(self.on_message_posted)
        self.home = home
        self.session_screen = session_screen  # built if need be
        self.done = done  # None until it is built (it says the line again whenever it is shown)

    @Slot(str, str, str, str, str)
    def on_message_posted(self, where: str, part: str, level: str, text: str, detail: str) -> None:
        if where == "home":
            self.home.set_notice(text, part=part or "history")
        elif where == "session":
            screen = self.session_screen()
            if part == "history":
                screen.set_history_notice(text, detail)
            elif part == "sound":
                screen.set_sound_notice(text, detail)
            else:
                screen.say(text, detail)
        elif where == "done" and (done := self.done()) is not None:
            done.set_saved(text, problem=level != "info")
