"""Turning the window into a kiosk: frameless, no menus, large tiles for Home, the kiosk rules, and the
person's settings.json never written (ui/window_settings.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from ..kiosk.config import KioskConfig
from .kiosk import KioskController, KioskHome, KioskWindow, kiosk_summary
from .window_settings import leave_settings_alone

log = logging.getLogger(__name__)


def enter_kiosk(window: QMainWindow, stack: QStackedWidget, config: KioskConfig,
                clock: Callable[[], float] | None, history_dir: Path | None) -> tuple[KioskController, KioskHome]:
    """The tiles (shown now, on ``stack``) and the controller that guards ``window`` (ui/kiosk.py)."""
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    leave_settings_alone(window)  # a kiosk never writes the person's settings.json, at exit or after the chord
    window.menuBar().hide()
    for action in window.findChildren(QAction):
        action.setEnabled(False)  # no shortcut may quit, open a file or show anyone's history
    tiles = KioskHome(stack)
    stack.addWidget(tiles)
    stack.setCurrentWidget(tiles)
    guarded: KioskWindow = window  # type: ignore[assignment]  # (the MainWindow: KioskWindow's methods)
    controller = KioskController(guarded, config, clock or time.monotonic, tiles, history_dir)
    log.info(kiosk_summary(config))
    return controller, tiles
