"""Two small things about the window on screen: acting once it is shown, and drawing before a sound."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


def when_shown(window: QWidget, action: Callable[[], object], wait_ms: int = 2000) -> None:
    """Run ``action`` once ``window`` is on screen (exposed), or after ``wait_ms`` if the platform never
    says so.  ``run FILE`` starts its session this way, so the first "get ready" is not heard before the
    window that shows it has appeared."""
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        action()
        return
    done = False

    def fire() -> None:
        nonlocal done
        if not done:
            done = True
            if handle is not None:
                handle.removeEventFilter(watcher)
            action()

    class ExposeWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Expose and handle is not None and handle.isExposed():
                QTimer.singleShot(0, fire)  # after the expose has been handled and drawn
            return False

    watcher = ExposeWatch(window)
    if handle is not None:
        handle.installEventFilter(watcher)
    QTimer.singleShot(wait_ms, fire)


def draw_now(window: QWidget) -> None:
    """Draw what the cues just changed, before their sound starts: a sound is never ahead of the screen
    (benchmarks/audio_latency.py measures it).  Only the parts marked for update are drawn."""
    if window.isVisible():
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # a screen just switched to
        QCoreApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
