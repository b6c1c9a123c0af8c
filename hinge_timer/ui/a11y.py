"""What screen readers are told: roles Qt cannot give a plain widget, and the announcer.

**Roles.** Qt gives a widget the role of its class (a QLabel is a label, a QWidget a filler). A few of
ours need another: the caution and the help are dialogs, the announcer is a notification. ``set_role``
gives a widget its role through one accessibility factory, installed the first time it is needed.

**The announcer.** What Orca says is what counts, and Orca 43.1 (Debian 12's; Ubuntu 24.04 ships 46) does
not listen for ``QAccessibleAnnouncementEvent``; measured under Xvfb with at-spi2-core and a Qt window: an
announcement, a name or description change of the focused button, an ``Alert`` event, a shown
``AlertMessage`` and a label's text change are all silent.  What it does speak, besides focus, is an
object of role *notification* becoming showing: "notification <its name>", each time it is shown again.
So on Linux (AT-SPI) a message is said by showing a notification that takes no room (0 × 0 px, never
focused, so focus stays where the user put it); elsewhere (Windows' UI Automation, macOS) it goes out
as an announcement event, which those bridges pass on.  Only one of the two, so no screen reader says
it twice.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QAccessibleWidget, QLabel, QWidget

from ..plaintext import printable

_roles: weakref.WeakKeyDictionary[QWidget, QAccessible.Role] = weakref.WeakKeyDictionary()
_installed = False


class _Interface(QAccessibleWidget):
    """A widget's accessible interface with the role it was given; a label's name is its text."""

    def __init__(self, widget: QWidget, role: QAccessible.Role) -> None:
        super().__init__(widget, role)
        self._widget = widget

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Name and not self._widget.accessibleName() and isinstance(self._widget, QLabel):
            return self._widget.text()
        return super().text(t)


def _factory(_key: str, obj: QObject) -> QAccessibleWidget | None:
    if not isinstance(obj, QWidget):
        return None
    role = _roles.get(obj)
    return _Interface(obj, role) if role is not None else None


def set_role(widget: QWidget, role: QAccessible.Role) -> None:
    """Give ``widget`` the accessible ``role`` (before it is first shown: Qt caches interfaces)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True
    _roles[widget] = role


USE_NOTIFICATION = sys.platform.startswith("linux")  # AT-SPI: see the module's docstring


GATHER_MS = 150  # messages this close together are said as one (a state change and its cue)


class Announcer(QObject):
    """Says a message to the screen reader without moving focus.

    Messages given within ``GATHER_MS`` of the first are said as one, in order, a repeat left out, so a
    state change and the cue that comes with it are one utterance, not two that cut each other off; a
    cue that only repeats what a state change says (``beside_state``) is dropped when one is there.
    The notice is the window's (not the screen's), so a message that comes as the screen changes (the
    session complete, as the done screen comes) is still shown."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._pending: list[_Pending] = []
        self._urgent = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._flush)
        self.said: list[str] = []  # what was said (shown to the screen reader), in order; read by tests
        self.notice = QLabel(host.window())
        self.notice.setObjectName("announcer")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notice.setGeometry(0, 0, 0, 0)
        set_role(self.notice, QAccessible.Role.Notification)
        self.notice.hide()

    def say(self, text: str, *, state: bool = False, beside_state: bool = False, urgent: bool = False,
            unless: Callable[[], bool] | None = None) -> None:
        """Say ``text`` (plain text: a session's words are data) once the messages around it are in;
        not at all if ``unless()`` is true then (the focus has moved to what says it already)."""
        text = printable(" ".join(text.split()))  # a line break is a pause, not "\\n"
        if not text:
            return
        if not self._timer.isActive():
            self._timer.start()
        if all(p.text != text for p in self._pending):
            self._pending.append(_Pending(text, state, beside_state, unless))
        self._urgent = self._urgent or urgent

    def clear(self) -> None:
        """Forget what is waiting to be said (the session it was about has ended)."""
        self._timer.stop()
        self._pending, self._urgent = [], False

    def _flush(self) -> None:
        pending, urgent = self._pending, self._urgent
        self._pending, self._urgent = [], False
        has_state = any(p.state for p in pending)  # (even one the focus says: its cues are said with it)
        pending = [p for p in pending if p.unless is None or not p.unless()]
        parts = [p.text for p in pending if not (p.beside_state and has_state)]
        window = self.notice.parentWidget()
        if not parts or window is None or not window.isVisible():
            return
        message = " ".join(p if p.endswith((".", "!", "?", ":")) else p + "." for p in parts)
        if USE_NOTIFICATION:
            self.notice.hide()
            self.notice.setText(message)
            self.notice.show()  # showing again is what Orca speaks
        else:
            event = QAccessibleAnnouncementEvent(self._host, message)
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if urgent
                                else QAccessible.AnnouncementPoliteness.Polite)
            QAccessible.updateAccessibility(event)
        self.said.append(message)


class _Pending(NamedTuple):
    text: str
    state: bool  # a state change's message
    beside_state: bool  # dropped when a state change's message is said with it
    unless: Callable[[], bool] | None  # dropped if true when said
