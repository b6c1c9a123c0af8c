"""Kiosk mode: a home screen of large session tiles, and the rules that keep a gym PC usable by
strangers all day.

- Close requests and Esc are ignored; leaving needs Ctrl+Alt+Q held for ``exit_hold_seconds``
  and, when the administrator set one, the PIN (rate-limited: kiosk/pin.py).
- Back to the tiles on its own: ``done_seconds`` after a session ends, or ``idle_minutes`` without
  input while nothing is running (a paused session, a caution nobody confirms, a set nobody counts:
  the run is ended as abandoned and stays in the history).  A timed step that is running is never
  cut short: the person may be holding a stretch without touching anything.
- The mouse pointer hides after ``cursor_hide_seconds`` without movement.

All timing reads an injected clock (seconds), checked four times a second, so the tests drive it
with a fake clock.
"""

from __future__ import annotations

import html
import logging
import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeyEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..engine.state import State
from ..kiosk.config import KioskConfig
from ..kiosk.pin import PinLimiter
from . import dialogs, theme
from .home import SessionEntry, fmt_minutes

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

CHECK_MS = 250
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress}


class KioskHome(QWidget):
    """Large tiles: what each session is, how long, and one tap to start it."""

    start_requested = Signal(object, str)  # SessionEntry, dose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_home")
        self.entries: list[SessionEntry] = []
        self.tiles: list[QPushButton] = []
        self._columns = 0
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 28, 40, 28)
        root.setSpacing(18)
        self.heading = QLabel("Choose a session. Tap to start.", self)
        self.heading.setObjectName("kiosk_heading")
        self.heading.setWordWrap(True)
        self.today = QLabel(self)
        self.today.setObjectName("kiosk_today")
        root.addWidget(self.heading)
        root.addWidget(self.today)
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        root.addLayout(self.grid, 1)
        self.hint = QLabel("The screen follows you through every drill: words, countdowns and sounds. "
                           "Space pauses. Each session starts gently.", self)
        self.hint.setWordWrap(True)
        root.addWidget(self.hint)

    def set_entries(self, entries: list[SessionEntry]) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        self.entries = [e for e in entries if e.session is not None and e.builtin]
        from ..session.timeline import compile_timeline

        for i, e in enumerate(self.entries):
            assert e.session is not None
            t = compile_timeline(e.session, "low")
            tile = QPushButton(self)
            tile.setObjectName(f"tile_{e.key}")
            tile.setAccessibleName(f"Start {e.session.title}, about {round(t.total / 60)} minutes")
            tile.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            box = QVBoxLayout(tile)
            box.setContentsMargins(22, 22, 22, 22)
            parts = []
            for name, text in (("title", e.session.title), ("minutes", f"{round(t.total / 60)} min"),
                               ("drills", " · ".join(d.name for d in e.session.drills)), ("go", "Tap to start ▶")):
                label = QLabel(text, tile)
                label.setObjectName(f"tile_{name}")
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the tile takes the tap
                parts.append(label)
            box.addWidget(parts[0])
            box.addWidget(parts[1])
            box.addWidget(parts[2], 1)
            box.addWidget(parts[3])
            tile.clicked.connect(lambda _c=False, entry=e: self.start_requested.emit(entry, "low"))
            self.tiles.append(tile)
        self._columns = 0
        self._place()
        self._style()

    def _place(self) -> None:
        """Tiles side by side on a landscape screen, one above the other on a portrait one."""
        cols = 1 if self.height() > self.width() else max(1, min(3, len(self.tiles)))
        if cols == self._columns:
            return
        self._columns = cols
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // cols, i % cols)

    def set_today(self, count: int | None) -> None:
        if count is None:
            self.today.setText("")
        else:
            self.today.setText(f"Sessions done here today: <b>{count}</b>")

    def handle_key(self, key: int, text: str) -> bool:
        """1-9 start the tile with that number (a keyboard-only kiosk)."""
        if text.isdigit() and 1 <= int(text) <= len(self.entries):
            self.start_requested.emit(self.entries[int(text) - 1], "low")
            return True
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place()
        self._style()

    def _style(self) -> None:
        h = max(1, min(self.height(), int(self.width() * 0.75)))
        self.heading.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {max(22, int(h * 0.065))}px;"
                                   " font-weight: bold;")
        self.today.setStyleSheet(f"color: {theme.MUTED_TEXT.name()}; font-size: {max(14, int(h * 0.03))}px;")
        self.hint.setStyleSheet(f"color: {theme.MUTED_TEXT.name()}; font-size: {max(13, int(h * 0.026))}px;")
        colour = theme.STATE_COLOURS[State.WORK]
        text, muted = theme.TEXT.name(), theme.MUTED_TEXT.name()
        for tile in self.tiles:
            tile.setStyleSheet(
                f"QPushButton {{ background: {theme.PANEL.name()}; border: 3px solid {colour.name()};"
                f" border-radius: 14px; }}"
                f" QPushButton:pressed {{ background: {theme.TRACK.name()}; }}"
                f" QLabel {{ background: transparent; border: none; }}"
                f" QLabel#tile_title {{ color: {text}; font-size: {max(18, int(h * 0.05))}px; font-weight: bold; }}"
                f" QLabel#tile_minutes {{ color: {colour.name()}; font-size: {max(22, int(h * 0.08))}px;"
                f" font-weight: bold; }}"
                f" QLabel#tile_drills {{ color: {muted}; font-size: {max(13, int(h * 0.026))}px; }}"
                f" QLabel#tile_go {{ color: {text}; font-size: {max(15, int(h * 0.032))}px; }}")


class KioskController(QObject):
    """The kiosk rules, on one window.  ``clock`` gives seconds (tests pass a fake one)."""

    exit_allowed = Signal()

    def __init__(self, window: MainWindow, config: KioskConfig,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self.config = config
        self.clock = clock
        self.limiter = PinLimiter()
        self.allow_exit = False
        now = clock()
        self.last_input = now
        self.last_move = now
        self.cursor_hidden = False
        self.chord_since: float | None = None
        self.done_since: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def close(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.show_cursor()

    # -- input ----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in INPUT_EVENTS:
            now = self.clock()
            self.last_input = now
            if kind == QEvent.Type.MouseMove:
                self.last_move = now
                self.show_cursor()
            if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._key_pressed(event, now)
        elif kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent) and not event.isAutoRepeat():
            if event.key() in (Qt.Key.Key_Q, Qt.Key.Key_Control, Qt.Key.Key_Alt):
                self.chord_since = None  # let go before the time: nothing happens
        return False

    def _key_pressed(self, event: QKeyEvent, now: float) -> bool:
        mods = event.modifiers()
        chord = (event.key() == Qt.Key.Key_Q and mods & Qt.KeyboardModifier.ControlModifier
                 and mods & Qt.KeyboardModifier.AltModifier)
        if chord:
            if not event.isAutoRepeat() and self.chord_since is None:
                self.chord_since = now
                log.info("kiosk: exit chord held")
            return True  # Ctrl+Q (quit) must not reach the window
        return False

    # -- the checks ---------------------------------------------------------------------------
    def check(self) -> None:
        now = self.clock()
        cfg = self.config
        if not self.cursor_hidden and now - self.last_move >= cfg.cursor_hide_seconds:
            self.hide_cursor()
        if self.chord_since is not None and now - self.chord_since >= cfg.exit_hold_seconds:
            self.chord_since = None
            self.request_exit()
            return
        w = self.window
        current = w.stack.currentWidget()
        if w._done is not None and current is w._done:
            if self.done_since is None:
                self.done_since = now
            if now - self.done_since >= cfg.done_seconds:
                log.info("kiosk: back to the tiles after the session")
                self.close_dialogs()
                w.go_home()
            return
        self.done_since = None
        if current is w.home_page:
            return
        if self._running() or now - self.last_input < cfg.idle_minutes * 60:
            return
        log.info("kiosk: back to the tiles after %.0f min without input", cfg.idle_minutes)
        self.close_dialogs()
        if w.driver is not None and not w.driver.runner.finished:
            w.driver.end_session(f"abandoned (no input for {cfg.idle_minutes:g} min)")
        w.go_home()

    @staticmethod
    def close_dialogs() -> None:
        """A question nobody answered ("End the session?") must not stand over the tiles."""
        for _ in range(5):
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                return
            dialog.close()

    def _running(self) -> bool:
        """A timed step is going: never cut short, whatever the input."""
        d = self.window.driver
        if d is None or d.runner.finished:
            return False
        return d.runner.state not in (State.PAUSED, State.CAUTION, State.IDLE) and d.runner.step.duration is not None

    # -- the pointer ---------------------------------------------------------------------------
    def hide_cursor(self) -> None:
        if not self.cursor_hidden:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self.cursor_hidden = True

    def show_cursor(self) -> None:
        if self.cursor_hidden:
            QApplication.restoreOverrideCursor()
            self.cursor_hidden = False

    # -- leaving -------------------------------------------------------------------------------
    def request_exit(self) -> bool:
        """The chord was held: ask for the PIN if one is set, then let the window close."""
        stored = self.config.pin_hash
        if stored:
            wait = self.limiter.wait_left(self.clock())
            if wait > 0:
                dialogs.show_error(self.window, "Kiosk", f"Too many wrong PINs. Try again in {wait:.0f} s.")
                return False
            pin = dialogs.ask_pin(self.window, "Administrator PIN to leave kiosk mode:")
            if pin is None:
                return False
            ok, message = self.limiter.check(pin, stored, self.clock())
            if not ok:
                log.warning("kiosk: %s", message)
                dialogs.show_error(self.window, "Kiosk", message)
                return False
        log.info("kiosk: leaving")
        self.allow_exit = True
        self.exit_allowed.emit()
        self.window.close()
        return True


def kiosk_summary(config: KioskConfig) -> str:
    """One line for the log: what this kiosk does."""
    return html.escape(
        f"kiosk: idle {config.idle_minutes:g} min, home {config.done_seconds:g} s after a session, pointer hidden "
        f"after {config.cursor_hide_seconds:g} s, exit: Ctrl+Alt+Q held {config.exit_hold_seconds:g} s"
        + (" and the PIN" if config.pin_hash else "") + (", anonymous" if config.anonymous else ""))
