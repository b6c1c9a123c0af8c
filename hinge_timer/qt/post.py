"""Run a function on the GUI thread, asked from any thread: the ``post`` the history recorder takes.

The recorder's writer thread calls ``post(recorder.poll)``; a queued signal carries the call to this
object's thread (the one that made it, the GUI thread), where ``poll`` hands problems and "saved"
to the window.

The writer thread must never emit into an object the GUI thread is deleting.  So a Post belongs to
the application (its parent is the QCoreApplication, which outlives every window and is torn down
after the event loop has ended), never to a window; the window detaches its recorders
(``Recorder.detach``) before it goes, and :meth:`close` makes every later post a no-op, then deletes
the object.  The emit and :meth:`close` share one lock, so once ``close`` has returned no emit is
under way or can start, and the deletion comes after that.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

log = logging.getLogger(__name__)


class Post(QObject):
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        self._lock = threading.Lock()
        self._open = True
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    def __call__(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if not self._open:
                log.debug("post after close: dropped")
                return
            try:
                self._posted.emit(fn)
            except RuntimeError:  # the C++ object is gone (cannot happen once closed first): nobody to tell
                self._open = False
                log.debug("post after the object was deleted: dropped")

    def close(self) -> None:
        """No post from now on reaches anyone; then the object is deleted (safely: no emit can be under
        way).  Call on the GUI thread."""
        with self._lock:
            if not self._open:
                return
            self._open = False
        self.deleteLater()

    @property
    def closed(self) -> bool:
        return not self._open

    def _on_posted(self, fn: Callable[[], None]) -> None:
        if self._open:
            fn()
