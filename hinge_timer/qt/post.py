"""Run a function on the GUI thread, asked from any thread: the ``post`` the history recorder takes.

The recorder's writer thread calls ``post(recorder.poll)``; a queued signal carries the call to this
object's thread (the one that made it, the GUI thread), where ``poll`` hands problems and "saved"
to the window.  Once the object is gone (the window closed), a post is dropped quietly.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class Post(QObject):
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    def __call__(self, fn: Callable[[], None]) -> None:
        try:
            self._posted.emit(fn)
        except RuntimeError:  # the C++ object is gone: nobody is left to tell
            log.debug("post after the window closed: dropped")

    def _on_posted(self, fn: Callable[[], None]) -> None:
        fn()
