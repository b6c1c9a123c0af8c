"""One route for notices to the user (as qutebrowser's ``utils/message.py``).

A service never reaches into a screen to tell the user something.  It posts a notice to the window's
:class:`MessageBridge`, which logs it and emits ``message_posted``; the window connects that signal
once and puts each notice where it goes.  A notice is five strings:

- ``where``: ``"home"`` (Home's notice), ``"session"`` (the session screen), ``"done"`` (the done
  screen) or ``"log"`` (the log only: news nobody is looking at, such as a run let go of earlier
  that is still being saved);
- ``part``: which notice there.  Home shows every part that is set side by side (``"history"``,
  ``"speech"``), so one never wipes another; on the session screen ``"history"`` is the standing
  history notice and ``"status"`` the status line (``"sound"``: the standing sound notice); on the
  done screen ``"saved"`` is the line that says whether the run went into the history;
- ``level``: ``"info"``, ``"warning"`` or ``"error"`` (a warning or error is shown as a problem);
- ``text``: what is shown (plain text; ``""`` clears that part);
- ``detail``: the whole message, where ``text`` is a short form (a tooltip, and what a screen reader
  reads).

The history service posts all its notices here (app/history.py).  The run service and the sound
notices are to use the same hook, :meth:`MessageBridge.post` (or ``info``/``warning``/``error``), rather
than setting a screen's text themselves.  The bridge is an object handed to each service, not a global.
"""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Where = Literal["home", "session", "done", "log"]
Level = Literal["info", "warning", "error"]
WHERE: tuple[Where, ...] = ("home", "session", "done", "log")
_LOG_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class MessageBridge(QObject):
    """Carries notices from the services to the window (see the module's docstring)."""

    message_posted = Signal(str, str, str, str, str)  # where, part, level, text, detail

    def post(self, where: Where, part: str, level: Level, text: str, detail: str = "") -> None:
        """The one way a notice reaches the user: logged (when it says something), then emitted.
        Call on the GUI thread (a worker thread hands its news over first, e.g. with qt/post.py)."""
        if where not in WHERE:
            raise ValueError(f"no such place for a notice: {where!r}")
        if level not in _LOG_LEVELS:
            raise ValueError(f"no such notice level: {level!r}")
        said = detail or text
        if said:
            log.log(_LOG_LEVELS[level], "%s: %s", part or where, said)
        self.message_posted.emit(where, part, level, text, detail)

    def info(self, where: Where, text: str, *, part: str = "", detail: str = "") -> None:
        self.post(where, part, "info", text, detail)

    def warning(self, where: Where, text: str, *, part: str = "", detail: str = "") -> None:
        self.post(where, part, "warning", text, detail)

    def error(self, where: Where, text: str, *, part: str = "", detail: str = "") -> None:
        self.post(where, part, "error", text, detail)
