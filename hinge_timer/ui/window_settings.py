"""The window's own settings: its geometry restored at start, and everything saved at exit."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow

from ..settings import Settings, SettingsStore
from . import dialogs

log = logging.getLogger(__name__)


def restore_geometry(window: QMainWindow, settings: Settings) -> None:
    if settings.geometry:
        window.restoreGeometry(QByteArray.fromHex(settings.geometry.encode()))
    else:
        window.resize(1280, 720)


def save_settings(window: QMainWindow, settings: Settings, store: SettingsStore | None, dose: str,
                  tell: bool = True) -> str | None:
    """Keep the window's size, full screen and the dose in ``settings`` and write them.  What went wrong
    (one sentence naming the file) is logged and, if ``tell``, shown in a dialog; it is returned (or None)."""
    settings.geometry = bytes(window.saveGeometry().data()).hex()
    settings.fullscreen = window.isFullScreen()
    settings.dose = dose
    problem = store.save(settings) if store is not None else None
    if problem:
        log.warning(problem)
        if tell:
            dialogs.show_error(window, "Settings not saved", problem)
    return problem
