"""The window's menus and its help overlay, both built from the command table (app/commands.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from ..app import commands
from ..app.preferences import Preferences
from ..i18n import _

if TYPE_CHECKING:
    from .painted import MessageOverlay


def build_menus(window: QMainWindow, run: Callable[[str], object]) -> dict[str, QAction]:
    """One action per menu entry of the table, with its shortcut and check mark, each running its
    command through ``run``; the actions by command name.  The menus' titles and entries are the table's
    words in the current language (app/commands.py MENU_TITLES, ``Command.label_shown``)."""
    menus: dict[str, QMenu] = {}
    groups: dict[str, QActionGroup] = {}
    actions: dict[str, QAction] = {}
    window.installEventFilter(_FullScreenHidesMenus(window))
    for c in commands.menu_entries():
        top, _slash, sub = c.menu.partition("/")
        if top not in menus:
            menus[top] = window.menuBar().addMenu(_(top))
        if sub and c.menu not in menus:
            menus[c.menu] = menus[top].addMenu(_(sub))
        action = QAction(c.label_shown, window, checkable=c.checkable)
        if c.shortcut:
            action.setShortcut(QKeySequence(c.shortcut))
        action.triggered.connect(lambda _checked=False, n=c.name: run(n))
        if c.group:
            groups.setdefault(c.group, QActionGroup(window)).addAction(action)
        menus[c.menu].addAction(action)
        actions[c.name] = action
    return actions


def follow_preferences(actions: dict[str, QAction], prefs: Preferences, output: str) -> None:
    """The menu's check marks show mute, flash, the sound output and the screen reader's choice, and follow
    mute, flash and that choice."""
    actions["mute"].setChecked(prefs.mute)
    actions["flash"].setChecked(prefs.flash)
    actions["motion"].setChecked(prefs.motion)
    actions[f"reader_{prefs.screen_reader}"].setChecked(True)
    prefs.mute_changed.connect(actions["mute"].setChecked)
    prefs.flash_changed.connect(actions["flash"].setChecked)
    prefs.motion_changed.connect(actions["motion"].setChecked)
    prefs.screen_reader_changed.connect(lambda mode: actions[f"reader_{mode}"].setChecked(True))
    shown = actions.get(f"audio_{output}")  # (a benchmark's own backend, e.g. qt-in-process, has no entry)
    if shown is not None:
        shown.setChecked(True)


class _FullScreenHidesMenus(QObject):
    """Full screen hides the menu bar (every entry has its key), a window shows it again (a kiosk has none)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.WindowStateChange:
            kiosk = getattr(self.window, "kiosk", None) is not None
            self.window.menuBar().setVisible(not self.window.isFullScreen() and not kiosk)
        return False


def help_overlay(parent: QWidget, allowed: Callable[[str], bool] | None) -> MessageOverlay:
    """The keys of every screen (a kiosk's screens, less what it refuses, when ``allowed`` is given)."""
    from .painted import MessageOverlay  # the painter's classes: not before Home's first frame

    from . import theme

    overlay = MessageOverlay(parent, "help_overlay", background=theme.BACKGROUND,  # opaque: nothing shows through
                             spoken=_("Help"))  # a dialog to a screen reader
    overlay.clicked.connect(overlay.hide)
    overlay.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    screens = ({commands.KIOSK_HOME, commands.SESSION, commands.DONE} if allowed is not None
               else {commands.HOME, commands.SESSION, commands.DONE, commands.HISTORY, commands.EDITOR})
    shown = (lambda c: allowed(c.name)) if allowed is not None else (lambda _c: True)
    # Translators: the last line of the help overlay; "?" and {esc} (the Esc key's name) close it.
    close = _("? or {esc} to close").format(esc=commands.key_name("Esc"))
    overlay.set_text(_("Keys"), commands.help_text(screens, shown) + "\n\n" + close)
    return overlay
