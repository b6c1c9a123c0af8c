"""The start of a script run as a real process of the app's window (``python -c PRELUDE + script``): the
imports, the QApplication, ``window(data, size, **options)`` (a MainWindow on that --data-dir, shown) and
``pump(until)`` (the event loop until a condition holds, at most ``limit`` seconds).  Used by the integration
tests that kill the window or drive it from outside (tests/integration/test_editor_crash.py,
test_editor_drag.py)."""

PRELUDE = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from hinge_timer.settings import SettingsStore
from hinge_timer.ui.main_window import MainWindow

app = QApplication([])

def window(data, size=(1280, 720), **options):
    store = SettingsStore(data)
    w = MainWindow(store.load(), store, sessions_dir=data / "sessions", audio="none", history_dir=data, **options)
    w.resize(*size)
    w.show()
    return w

def pump(until, limit=30.0):
    end = time.monotonic() + limit
    while not until():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.01)
"""
