"""Kiosk mode: a home screen of large session tiles, and the rules that keep a gym PC usable by
strangers all day.

- Close requests and Esc are ignored; leaving needs Ctrl+Alt+Q held for ``exit_hold_seconds``
  and, when the administrator set one, the PIN (rate-limited: kiosk/pin.py).
- Back to the tiles on its own: ``done_seconds`` after a session ends, or ``idle_minutes`` without
  input while nothing is running (a paused session, a caution nobody confirms, a set nobody counts:
  the run is ended as abandoned and stays in the history).  A timed step that is running is never
  cut short: the person may be holding a stretch without touching anything.
- The mouse pointer hides after ``cursor_hide_seconds`` without movement.
- A window that is hidden, minimised, unmapped ("show desktop") or taken out of full screen puts itself
  back (Qt's window events, and the same four-times-a-second check as a watchdog).
- A site config that cannot be trusted (``KioskConfig.locked``) gives a kiosk the chord cannot leave,
  with a line on the tiles for the administrator; the PIN lockout is kept on disk (kiosk/pin.py).

All timing reads an injected clock (seconds), checked four times a second, so the tests drive it
with a fake clock.
"""

from __future__ import annotations

import html
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCursor, QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from ..app import commands
from ..engine import reasons
from ..i18n import _
from ..kiosk.config import KioskConfig
from ..kiosk.pin import LOCKOUT_FILE, LockoutFile, PinLimiter, wait_text
from . import dialogs
from .kiosk_tiles import KioskHome

__all__ = ["ALLOWED", "KioskController", "KioskHome", "KioskWindow", "kiosk_summary"]

log = logging.getLogger(__name__)

CHECK_MS = 250
CHORD_GRACE_S = 0.2  # a release followed by a press this soon is X11's autorepeat, not letting go
RESTORE_MS = 100  # after the window manager hides, minimises or un-fullscreens the kiosk, take it back
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress}

# The kiosk's policy, in one place: the commands (app/commands.py) a stranger MAY run, by key, menu or remote.
# An allow-list, so that it fails closed: a command added to the table later (an export, an editor) is refused
# on a kiosk until it is named here.  Nothing leaves full screen, ends the session from the keyboard, opens a
# file, quits, changes the sound output or shows anyone's history.  Any key with Ctrl is refused too
# (Ctrl+Alt+Q is the chord, read before the window sees it), and a close request is refused until the chord
# (and the PIN) let the kiosk go: ``close_requested``.
ALLOWED = frozenset({"pause", "next", "back", "count_rep", "acknowledge", "undo_rep", "set_done", "add_time",
                     "remove_time", "hurts", "undo_hurts", "skip", "how", "mute", "help", "start_tile", "done_home"})


class KioskWindow(Protocol):
    """All the kiosk needs of the window it guards: where it is, going home, ending a run, and the
    window's own state (the QWidget calls it makes to take the screen back)."""

    def current_screen(self) -> str: ...  # the shown screen's name (app/commands.py: KIOSK_HOME, DONE, ...)
    def go_home(self) -> None: ...  # back to the tiles (the help hidden, the run's driver let go)
    def end_running_session(self, reason: str) -> None: ...  # end a run still going (kept in the history)
    def timed_step_running(self) -> bool: ...  # a timed step is counting down, not paused or waiting
    # The QWidget calls by which it takes the screen back, and what dialogs are shown over.
    def isFullScreen(self) -> bool: ...  # noqa: N802
    def isVisible(self) -> bool: ...  # noqa: N802
    def isMinimized(self) -> bool: ...  # noqa: N802
    def windowHandle(self) -> QWindow | None: ...  # noqa: N802
    def windowState(self) -> Qt.WindowState: ...  # noqa: N802
    def setWindowState(self, state: Qt.WindowState) -> None: ...  # noqa: N802
    def showFullScreen(self) -> None: ...  # noqa: N802
    def show(self) -> None: ...
    def hide(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...  # noqa: N802
    def close(self) -> bool: ...


class KioskController(QObject):
    """The kiosk rules, on one window.  ``clock`` gives seconds (tests pass a fake one)."""

    exit_allowed = Signal()
    _lockout_written = Signal(object)  # from the writer thread: None, or the exception that stopped the write

    def __init__(self, window: KioskWindow, config: KioskConfig, clock: Callable[[], float] = time.monotonic,
                 home: KioskHome | None = None, folder: Path | None = None) -> None:
        self._window_object = window if isinstance(window, QObject) else None  # its events are watched
        super().__init__(self._window_object)
        self.window = window
        self.home = home  # the tiles, for the administrator's lines
        self.config = config
        self.clock = clock
        self.limiter = PinLimiter()
        self.allow_exit = False
        # The lockout survives a restart: read and written once before the first frame, on the GUI thread
        # (a tiny regular file, and nothing runs yet), then written after each PIN on a worker thread (a
        # write can block: a network folder, a dying disk) while a session may be running.  A lockout
        # that cannot be saved fails closed: the longest lockout, and a line for the administrator.
        self.lockout_file: LockoutFile | None = LockoutFile(folder / LOCKOUT_FILE) if folder is not None else None
        self.lockout_problem = ""  # the lockout file could not be trusted (said with the wait)
        self.lockout_unsaved = ""  # the lockout cannot be saved (on the tiles, for the administrator)
        self._writer: ThreadPoolExecutor | None = None
        self._lockout_written.connect(self._on_lockout_written, Qt.ConnectionType.QueuedConnection)
        if self.lockout_file is not None:
            problem = self.lockout_file.load_into(self.limiter, clock())
            if problem:
                log.warning("kiosk: %s", problem)
                self.lockout_problem = problem
            elif self.limiter.wait_left(clock()) > 0:
                log.info("kiosk: the PIN prompt is still locked for %s (from before the restart)",
                         wait_text(self.limiter.wait_left(clock())))
            if problem or config.pin_hash:
                # A sound file again, with the lockout it now holds; and proof that the folder takes a
                # write before anyone may try a PIN (else a restart would wipe every lockout).
                try:
                    self.lockout_file.write(self.lockout_file.record(self.limiter, clock()))
                except OSError as exc:
                    self._cannot_save(exc)
        if config.locked:
            log.warning("kiosk: cannot be left until the site config is fixed: %s", config.lock_reason)
        self._show_admin_notice()
        # Taking the screen back: the window manager's "show desktop", a minimise or an un-fullscreen.
        self.keep_fullscreen = window.isFullScreen()
        self.restores = 0
        self._attempts = 0  # restores in a row that did not bring the window back
        self._exposed_once = False
        self._restore_timer = QTimer(self)
        self._restore_timer.setSingleShot(True)
        self._restore_timer.setInterval(RESTORE_MS)
        self._restore_timer.timeout.connect(self.take_screen_back)
        now = clock()
        self.last_input = now
        self.last_move = now
        self.cursor_hidden = False
        self.chord_since: float | None = None
        self.chord_released: float | None = None  # a release that may be half of an X autorepeat pair
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
        self._restore_timer.stop()
        if self._writer is not None:
            self._writer.shutdown(wait=True)  # the last lockout reaches the disk before the app exits
            self._writer = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.show_cursor()

    # -- the policy ---------------------------------------------------------------------------
    @staticmethod
    def allows(name: str) -> bool:
        """Whether a stranger may run the command ``name`` here: only those in ALLOWED."""
        return name in ALLOWED

    def refuses_key(self, name: str | None, ctrl: bool) -> bool:
        """A key the window must drop: one with Ctrl, or one whose command (``name``) is refused."""
        return ctrl or (name is not None and not self.allows(name))

    def close_requested(self) -> bool:
        """The window is asked to close: refused (False) until the chord let the kiosk go; then the run
        still going is ended and the kiosk's timers and filters stop (True: the window may close)."""
        if not self.allow_exit:
            log.info("kiosk: a close request was ignored (hold Ctrl+Alt+Q to leave)")
            return False
        self.window.end_running_session("kiosk closed by the administrator")
        self.close()
        return True

    # -- input ----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if obj is self._window_object and kind in (QEvent.Type.WindowStateChange, QEvent.Type.Hide, QEvent.Type.Show):
            if self.window.isFullScreen():
                self.keep_fullscreen = True
            if not self.allow_exit and self.screen_lost() and not self._restore_timer.isActive():
                self._restore_timer.start()
            return False
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
                # Let go before the time: nothing happens.  Not at once, though: X11's autorepeat sends
                # a release and a press for every repeat of a held key, not marked as repeats; a press
                # within CHORD_GRACE_S means the key is still held (tests/integration/test_kiosk_screen.py).
                if self.chord_since is not None:
                    self.chord_released = self.clock()
        return False

    def _key_pressed(self, event: QKeyEvent, now: float) -> bool:
        mods = event.modifiers()
        chord = (event.key() == Qt.Key.Key_Q and mods & Qt.KeyboardModifier.ControlModifier
                 and mods & Qt.KeyboardModifier.AltModifier)
        if chord:
            if self.chord_released is not None and self.chord_since is not None:
                if now - self.chord_released <= CHORD_GRACE_S:
                    self.chord_released = None  # an autorepeat pair: still held
                    return True
                self.chord_since = None
            self.chord_released = None
            if not event.isAutoRepeat() and self.chord_since is None:
                self.chord_since = now
                log.info("kiosk: exit chord held")
            return True  # Ctrl+Q (quit) must not reach the window
        return False

    # -- the checks ---------------------------------------------------------------------------
    @Slot()
    def check(self) -> None:
        now = self.clock()
        cfg = self.config
        lost = self.screen_lost()
        if not lost:
            self._attempts = 0
        elif not self._restore_timer.isActive():
            self.take_screen_back()  # the watchdog, for what no event told us (openbox's "show desktop")
        if not self.cursor_hidden and now - self.last_move >= cfg.cursor_hide_seconds:
            self.hide_cursor()
        if self.chord_released is not None and now - self.chord_released > CHORD_GRACE_S:
            self.chord_since = self.chord_released = None  # really let go
        if (self.chord_since is not None and self.chord_released is None
                and now - self.chord_since >= cfg.exit_hold_seconds):
            self.chord_since = None
            self.request_exit()
            return
        w = self.window
        screen = w.current_screen()
        if screen == commands.DONE:
            if self.done_since is None:
                self.done_since = now
            if now - self.done_since >= cfg.done_seconds:
                log.info("kiosk: back to the tiles after the session")
                self.close_dialogs()
                w.go_home()
            return
        self.done_since = None
        if screen == commands.KIOSK_HOME:
            return
        if w.timed_step_running() or now - self.last_input < cfg.idle_minutes * 60:
            return  # a timed step that is running is never cut short, whatever the input
        log.info("kiosk: back to the tiles after %.0f min without input", cfg.idle_minutes)
        self.close_dialogs()
        w.end_running_session(reasons.ABANDONED)
        w.go_home()

    @staticmethod
    def close_dialogs() -> None:
        """A question nobody answered ("End the session?") must not stand over the tiles."""
        for _attempt in range(5):
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                return
            dialog.close()

    # -- the screen -----------------------------------------------------------------------------
    def screen_lost(self) -> str:
        """How the kiosk lost the screen ("" if it has not)."""
        w = self.window
        if self.allow_exit:
            return ""
        if not w.isVisible():
            return "hidden"
        if w.isMinimized():
            return "minimised"
        if self.keep_fullscreen and not w.isFullScreen():
            return "taken out of full screen"
        handle = w.windowHandle()
        if handle is not None:
            if handle.isExposed():
                self._exposed_once = True
            elif self._exposed_once:
                return "taken off the screen (unmapped: the desktop was shown)"
        return ""

    @Slot()
    def take_screen_back(self) -> None:
        why = self.screen_lost()
        if not why:
            return
        self.restores += 1
        self._attempts += 1
        log.warning("kiosk: the window was %s; taking the screen back", why)
        w = self.window
        if self._attempts > 1:
            # Raising did not help (openbox keeps a window hidden while it shows the desktop): map the
            # window anew, which a window manager must show, and which ends "show desktop".
            w.hide()
        state = w.windowState() & ~Qt.WindowState.WindowMinimized
        if self.keep_fullscreen:
            state |= Qt.WindowState.WindowFullScreen
        w.setWindowState(state)
        if self.keep_fullscreen:
            w.showFullScreen()
        else:
            w.show()
        w.raise_()
        w.activateWindow()

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
        """The chord was held: ask for the PIN if one is set, then let the window close.  A kiosk whose
        site config cannot be trusted is never left: the chord only says why."""
        if self.config.locked:
            log.warning("kiosk: the exit chord was held, but the kiosk cannot be left: %s", self.config.lock_reason)
            # Translators: {reason} says what is wrong with the kiosk's site config (a sentence, no full stop).
            why = _("This kiosk cannot be left until the site config is fixed.\n{reason}.\n"
                    "Fix the file (docs/kiosk.md), then restart the app or the computer.").format(
                        reason=self.config.lock_reason)
            dialogs.show_error(self._parent(), _("Kiosk"), why)
            return False
        stored = self.config.pin_hash
        if stored:
            wait = self.limiter.wait_left(self.clock())
            if wait > 0:
                # Translators: {wait} is how long ("5 min").
                text = _("Too many wrong PINs. Try again in {wait}.").format(wait=wait_text(wait))
                for problem in (self.lockout_problem, self.lockout_unsaved[:1].upper() + self.lockout_unsaved[1:]):
                    if problem:
                        # Translators: a problem with the PIN lockout, in brackets under "Too many wrong PINs";
                        # {problem} is a sentence without its full stop.
                        text += "\n" + _("({problem}.)").format(problem=problem)
                dialogs.show_error(self._parent(), _("Kiosk"), text)
                return False
            pin = dialogs.ask_pin(self._parent(), _("Administrator PIN to leave kiosk mode:"))
            if pin is None:
                return False
            now = self.clock()
            self._save_lockout(self.limiter.if_wrong(now))  # counted before it is checked: see _save_lockout
            ok, message = self.limiter.check(pin, stored, now)
            self._save_lockout()
            if ok:
                self.lockout_problem = ""
            if not ok:
                log.warning("kiosk: %s", message)
                dialogs.show_error(self._parent(), _("Kiosk"), message)
                return False
        log.info("kiosk: leaving")
        self.allow_exit = True
        self._restore_timer.stop()
        self.exit_allowed.emit()
        self.window.close()
        return True

    def _parent(self) -> QWidget | None:
        """The window, as the parent of the kiosk's dialogs."""
        return self.window if isinstance(self.window, QWidget) else None

    def _save_lockout(self, limiter: PinLimiter | None = None) -> None:
        """Write the lockout (``limiter``'s, else the kiosk's own, as it is now) on the worker thread, in order.

        Each PIN is written twice: as a wrong one before it is checked, then as what it was.  The first
        write is under way while PBKDF2 runs (about 0.1 s, without the GIL), so a crash or a kill during
        or right after the check leaves the try counted; the GUI thread never waits for the disk."""
        if self.lockout_file is None:
            return
        record = self.lockout_file.record(limiter or self.limiter, self.clock())
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-lockout")
        self._writer.submit(self.lockout_file.write, record).add_done_callback(self._written)

    def _written(self, future: Future[None]) -> None:  # on the writer thread
        try:
            self._lockout_written.emit(future.exception())
        except RuntimeError:  # the controller is gone (the app is exiting): nobody left to tell
            log.debug("kiosk: a lockout write finished after the kiosk closed")

    @Slot(object)
    def _on_lockout_written(self, exc: BaseException | None) -> None:  # on the GUI thread
        if exc is None:
            if self.lockout_unsaved:
                log.info("kiosk: the PIN lockout is saved again")
                self.lockout_unsaved = ""
                self._show_admin_notice()
        else:
            self._cannot_save(exc)

    def _cannot_save(self, exc: BaseException) -> None:
        """Fail closed: a lockout that a restart would forget is the longest one, said on the tiles."""
        from ..plaintext import printable
        from ..safeio import describe

        assert self.lockout_file is not None
        why = describe(exc) if isinstance(exc, OSError) else str(exc)
        self.limiter.lock_longest(self.clock())
        path, why, wait = (printable(str(self.lockout_file.path), limit=300), printable(why, limit=200),
                           wait_text(self.limiter.max_lockout_s))
        # Translators: for the kiosk's administrator, after "For the administrator: " (so it starts in lower case):
        # {file} the lockout file, {why} why it cannot be written, {wait} how long ("60 min"). No full stop.
        self.lockout_unsaved = _("the PIN lockout cannot be saved to {file} ({why}), so the PIN prompt is locked for"
                                 " {wait} at a time until it can be").format(file=path, why=why, wait=wait)
        log.warning("kiosk: the PIN lockout cannot be saved to %s (%s), so the PIN prompt is locked for %s at a time"
                    " until it can be", path, why, wait)
        self._show_admin_notice()

    def _show_admin_notice(self) -> None:
        """The lines under the tiles for the administrator: a site config that locks the kiosk, a lockout
        that cannot be saved; hidden when there is neither."""
        home = self.home
        if home is None:
            return
        lines = []
        if self.config.locked:
            # Translators: under the kiosk's tiles; {reason} says what is wrong with the site config (no full stop).
            lines.append(_("For the administrator: this kiosk cannot be left until the site config is fixed."
                           " {reason}.").format(reason=self.config.lock_reason))
        if self.lockout_unsaved:
            # Translators: under the kiosk's tiles; {problem} is a problem with the PIN lockout (no full stop).
            lines.append(_("For the administrator: {problem}.").format(problem=self.lockout_unsaved))
        home.set_admin_notice("\n".join(lines))


def kiosk_summary(config: KioskConfig) -> str:
    """One line for the log: what this kiosk does."""
    return html.escape(
        f"kiosk: idle {config.idle_minutes:g} min, home {config.done_seconds:g} s after a session, pointer hidden "
        f"after {config.cursor_hide_seconds:g} s, exit: Ctrl+Alt+Q held {config.exit_hold_seconds:g} s"
        + (" and the PIN" if config.pin_hash else "") + (", anonymous" if config.anonymous else "")
        + (", cannot be left (the site config must be fixed)" if config.locked else ""))
