"""The window's own settings: its geometry restored at start, and everything saved at exit.

A kiosk never writes them: ``settings.json`` belongs to the person whose account runs the app, and a
kiosk's strangers (full screen, its frameless size, the tiles they chose, the sound they set) must not
change how that person's next normal start opens.  ``leave_settings_alone`` marks such a window, for its
whole life: after the exit chord lets the kiosk go, closing still writes nothing."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow

from ..i18n import _
from ..settings import Settings, SettingsStore
from . import dialogs

log = logging.getLogger(__name__)

KIOSK_PROPERTY = "hinge_timer_kiosk"  # set on a kiosk's window: its settings are never written


def leave_settings_alone(window: QMainWindow) -> None:
    """``window`` is a kiosk: ``save_settings`` writes nothing for it, ever (ui/kiosk_mode.py)."""
    window.setProperty(KIOSK_PROPERTY, True)


def restore_geometry(window: QMainWindow, settings: Settings) -> None:
    if settings.geometry:
        window.restoreGeometry(QByteArray.fromHex(settings.geometry.encode()))
    else:
        window.resize(1280, 720)


def save_settings(window: QMainWindow, settings: Settings, store: SettingsStore | None, dose: str,
                  tell: bool = True) -> str | None:
    """Keep the window's size, full screen and the dose in ``settings`` and write them.  What went wrong
    (one sentence naming the file) is logged and, if ``tell``, shown in a dialog; it is returned (or None).
    A kiosk's window (``leave_settings_alone``) writes nothing: the file stays as it was, byte for byte."""
    if window.property(KIOSK_PROPERTY):
        log.info("kiosk: the settings file is left as it was")
        return None
    settings.geometry = bytes(window.saveGeometry().data()).hex()
    settings.fullscreen = window.isFullScreen()
    settings.dose = dose
    problem = store.save(settings) if store is not None else None
    if problem:
        log.warning(problem)
        if tell:
            dialogs.show_error(window, _("Settings not saved"), problem)
    return problem
