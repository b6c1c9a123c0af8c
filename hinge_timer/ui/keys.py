"""The keyboard: where the focus is, where it goes, and how a key reaches the command table.

**Focus.**  Tab and Shift+Tab walk the shown screen's controls in reading order (``tab_order``); buttons
take the focus only from Tab (``Qt.TabFocus``), so a click or a tap leaves it where it was.  A screen
change puts the focus somewhere sensible (``landing``): Home's session list, the session's main status
(the big number), at a caution its confirm button, the done screen's summary, History's runs table, the
kiosk's heading.  A state change inside a session moves it only to the caution's confirm button (and,
once the caution is confirmed or skipped, back to the main status).  The help and "End the session?"
hold the focus while they are up and give it back when they close.  ``FocusRing`` draws where it is.

**Keys.**  ``KeyRouter`` sees every key press of the window before the focused widget does (an event
filter on the window and on each widget that takes the focus).  Tab is the focus's; a held key is one
press; with a button focused, Space and Enter press that button, once, and nothing else (a radio button:
Space chooses it, Enter stays the table's: on Home, start; while the pause overlay covers the session,
Space or Enter on any of its buttons does what a tap on the overlay does: go on); the calendar's day grid keeps its arrows,
Page Up/Down, Home and End, History's minutes-per-week table its arrows, a spin box (the calendar's
year) its keys; every other key of the command table (app/commands.py) does what the table says
whatever has the focus (Home's list and History's runs follow the table's ↑ ↓, which move them the
same way), less what a kiosk refuses.  A key of no command does nothing (a letter does not jump in a
list, End does not go to its last row): what the help lists is all there is.

**The session editor** (ui/editor.py) is a normal form and the exception: every key is its focused
field's, Tab follows Qt's own focus chain, and only Ctrl+S, Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y, Escape and the
window's Ctrl commands are taken first (``KeyRouter._editor_key``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QRadioButton,
    QWidget,
)
from shiboken6 import isValid

from ..app import commands
from . import theme

if TYPE_CHECKING:
    from .session_screen import SessionScreen

# The window (ui/main_window.py's MainWindow), not imported: it imports this module, and modules never
# import one another (tests/unit/test_architecture.py).  What is used of it: its screens, its command
# table and context, its help and kiosk (the same as kiosk.py's KioskWindow protocol, and more).
MainWindow = Any

K = Qt.Key
ACTIVATE = frozenset({K.Key_Space, K.Key_Return, K.Key_Enter})
SPACE = frozenset({K.Key_Space})  # a radio button: Space chooses it, Enter is still the table's (Home: start)
# What the calendar's day grid keeps for itself: moving the chosen day and the month.
CALENDAR_KEYS = frozenset({K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_PageUp, K.Key_PageDown,
                           K.Key_Home, K.Key_End})
# Tables read row by row with the arrows (History's minutes per week); the runs table follows the command
# table's arrows instead (↑ ↓ choose a run, Page Up/Down ten), which move it the same way.
OWN_ARROWS = frozenset({"minutes_table"})
# The calendar's own buttons, in the order they are seen: month back, the month, the year, month on.
CALENDAR_BUTTONS = ("qt_calendar_prevmonth", "qt_calendar_monthbutton", "qt_calendar_yearbutton",
                    "qt_calendar_nextmonth")
# Buttons whose command the table does not name by their object name (the done screen's "Back to home").
BUTTON_COMMANDS = {"home": "done_home"}


def _shown(w: QWidget | None) -> bool:
    return w is not None and not w.isHidden() and w.isVisible() and w.isEnabled()


def tab_order(window: MainWindow) -> list[QWidget]:
    """The controls Tab walks on what is shown now, in reading order (hidden or disabled ones left out;
    the help, or "End the session?", alone while it is up; on a kiosk only what it allows)."""
    if _shown(window._help):
        return [window._help]
    screen = window.stack.currentWidget()
    name = screen.objectName() if screen is not None else ""
    found: list[QWidget | None] = []
    if name == commands.HOME:
        home = window.home
        box = home._resume_box
        kept = home._draft_box  # the offer of an edit kept before a crash (ui/session_actions.py)
        found = [getattr(home, "_aside_button", None),
                 *((home.resume_button, home.discard_button) if box is not None else ()),
                 *((home.draft_open_button, home.draft_discard_button) if kept is not None else ()),
                 home.list, home.details, getattr(home, "reload_button", None),
                 _dose_stop(home.dose_low, home.dose_high), *home.session_buttons, home.undo_delete_button,
                 home.open_button, home.history_button, home.start_button]
    elif name == commands.KIOSK_HOME and window.kiosk_home is not None:
        found = [window.kiosk_home.heading, *window.kiosk_home.tiles]
    elif name == commands.SESSION:
        s = window.session_screen
        if _shown(s.end_question):
            return [s.end_question.no_button, s.end_question.yes_button]
        found = [s.number, s.ack_button, s.skip_button]
        for b in s.button_list:
            found += [s.b_undo, b] if b is s.b_hurts else [b]
    elif name == commands.DONE:
        found = [window.done.summary, window.done.home_button]
    elif name == commands.HISTORY:
        h: Any = screen  # the History screen (history_screen.py, built when first shown)
        cal: QCalendarWidget = h.calendar
        found = [*(cal.findChild(QWidget, n) for n in CALENDAR_BUTTONS), cal, h.table, h.details,
                 getattr(h, "weeks_table", None), h.undo_button, h.delete_button, h.export_button, h.home_button]
    kiosk = window.kiosk
    return [w for w in found if w is not None and _shown(w)
            and (w.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(w, QRadioButton))
            and (kiosk is None or not isinstance(w, QAbstractButton) or kiosk.allows(_command_of(w)))]


def _dose_stop(*radios: QRadioButton) -> QRadioButton:
    """A group of radio buttons is one stop of Tab, as everywhere (Qt takes Tab from the others): the one
    with the focus, else the one chosen; the arrows (the table's ← and →) choose within it."""
    focus = QApplication.focusWidget()
    return next((r for r in radios if r is focus), next((r for r in radios if r.isChecked()), radios[0]))


def _command_of(button: QWidget) -> str:
    """The command a button runs (a kiosk tile starts its tile's session)."""
    name = button.objectName()
    if name.startswith("tile_"):
        return "start_tile"
    return BUTTON_COMMANDS.get(name, next((c.name for c in commands.TABLE if c.button == name), name))


def landing(window: MainWindow) -> QWidget | None:
    """Where the focus goes when the screen on show changes."""
    screen = window.stack.currentWidget()
    name = screen.objectName() if screen is not None else ""
    if name == commands.HOME:
        return window.home.list
    if name == commands.KIOSK_HOME and window.kiosk_home is not None:
        return window.kiosk_home.heading
    if name == commands.SESSION:
        s = window.session_screen
        return s.ack_button if not s.caution_box.isHidden() else s.number
    if name == commands.DONE:
        return window.done.summary
    if name == commands.HISTORY:
        history: Any = screen
        return history.table
    if name == commands.EDITOR:
        editor: Any = screen  # the session editor (ui/editor.py): its first field
        return editor.first_field()
    return None


class FocusRing(QWidget):
    """A thick ring round the focused control, seen from across the room on every background the app
    paints: a white band between two black lines, drawn over everything in the window, never taking a
    click.  Shown once the keyboard is used (``keyboard``), as browsers' :focus-visible: a session
    started with a click or a tap has no frame round its number; one started with Enter has."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.host = window
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self.keyboard = False  # a key was pressed since the last screen change that no key made
        self.hide()

    def set_keyboard(self, on: bool) -> None:
        if on != self.keyboard:
            self.keyboard = on
            self.place()

    @property
    def band(self) -> int:
        """The white band's width: 4 px at least, 0.9 % of the window (theme.scaled_px)."""
        return max(4, theme.scaled_px(self.host, 0.009, 4))

    @property
    def thickness(self) -> int:
        """The whole ring: the white band and a black line each side of it as wide as half of it."""
        return self.band * 2 + 2

    def follow(self, target: QWidget | None) -> None:
        if self.target is not None and isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = target
        if target is not None:
            target.installEventFilter(self)
        self.place()

    def place(self) -> None:
        t, window = self.target, self.host
        if not isValid(window) or not isValid(self):
            return  # the window is being deleted: its children's last events
        if t is not None and not isValid(t):  # deleted (the tiles made again, a box built anew)
            self.target = t = None
        whole = window.centralWidget() if isinstance(window, QMainWindow) else window
        # No ring round what fills the whole screen (the help): there is nothing beside it to tell it from.
        # Nor round the menu bar (Alt or F10 focuses it): it is thinner than the ring, which would hide its
        # words, and it marks its own chosen menu.
        if (not self.keyboard or t is None or t is window or not t.isVisible() or isinstance(t, QMenuBar)
                or (whole is not None and t.size() == whole.size())):
            if not self.isHidden():
                self.hide()
            return
        pad = self.thickness
        # Round the control, inside the window: at its edge the ring is drawn over the control's own edge.
        rect = QRect(t.mapTo(window, t.rect().topLeft()), t.size()).adjusted(-pad, -pad, pad, pad)
        rect = rect.intersected(window.rect())
        if self.geometry() != rect:
            self.setGeometry(rect)
            # Only the band is the ring's: what it surrounds is never repainted for it.
            self.setMask(QRegion(self.rect()).subtracted(QRegion(self.rect().adjusted(pad, pad, -pad, -pad))))
        if self.isHidden():
            self.show()
        siblings = [c for c in window.children() if isinstance(c, QWidget)]
        if siblings and siblings[-1] is not self:
            self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.target and event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                                                        QEvent.Type.Hide, QEvent.Type.Paint):
            self.place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        band, whole = self.band, self.thickness
        p = QPainter(self)
        r = self.rect()
        p.fillRect(r, theme.INK_DARK)  # (the mask leaves only the ring)
        edge = (whole - band) // 2
        white = QRegion(r.adjusted(edge, edge, -edge, -edge)).subtracted(
            QRegion(r.adjusted(edge + band, edge + band, -edge - band, -edge - band)))
        p.setClipRegion(white)
        p.fillRect(r, theme.INK_LIGHT)
        p.end()


class KeyRouter(QObject):
    """Every key of the window, before the focused widget (see the module's docstring), and where the
    focus goes when the screen changes or an overlay opens and closes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ring = FocusRing(window)
        self._watched: set[int] = set()
        self._before: dict[str, QWidget | None] = {}  # where the focus was when the help or the question opened
        self._session_ready = False
        self._key_focus: QWidget | None = None  # the focus while a key's command runs
        self._in_key = False  # a key press is being handled
        self._overlays: set[int] = set()  # the help, the question and the caution: their showing moves the focus
        window.installEventFilter(self)
        self._watch(window)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        window.stack.currentChanged.connect(lambda _i: self.land())
        self.land()

    def _watch(self, w: QObject) -> None:
        if id(w) not in self._watched:
            self._watched.add(id(w))
            w.installEventFilter(self)
            w.destroyed.connect(lambda _o=None, i=id(w): self._watched.discard(i))

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not isValid(self.window) or not isValid(self.ring):
            return  # (a window being deleted)
        if new is None or new.window() is not self.window:
            if new is None:
                self.ring.follow(None)
            return
        self._watch(new)  # its keys come here first
        self.ring.follow(new)

    # -- where the focus goes ---------------------------------------------------------------
    def watch_help(self, help_overlay: QWidget) -> None:
        """The help takes the focus when it opens and gives it back when it closes."""
        help_overlay.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._watch_overlay(help_overlay)

    def _watch_overlay(self, overlay: QWidget) -> None:
        self._overlays.add(id(overlay))
        self._watch(overlay)

    def land(self) -> None:
        """The screen on show changed: the focus to its landing place (with its ring if a key did it)."""
        if self._key_focus is None and not self._in_key:
            self.ring.set_keyboard(False)
        if self.window.current_screen() == commands.SESSION and not self._session_ready:
            self._session_ready = True
            s = self.window.session_screen
            self._watch_overlay(s.caution_box)
            self._watch_overlay(s.end_question)
            if self.window.kiosk is not None:  # what a kiosk refuses is never reached by Tab
                for b in s.findChildren(QAbstractButton):
                    if not self.window.kiosk.allows(_command_of(b)):
                        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target = landing(self.window)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _overlay_shown(self, overlay: QWidget, shown: bool) -> None:
        name = overlay.objectName()
        s = self.window._session_screen
        if s is not None and overlay is s.caution_box:
            if self.window.current_screen() == commands.SESSION:
                self._caution_shown(s, shown)
            return
        if shown:
            # Where it was before the key that opened it (the help holds the clock, and a held clock
            # disables ±10 s, which sends Qt's focus on to the next button).
            self._before[name] = self._key_focus or QApplication.focusWidget()
            target: QWidget = overlay
            if s is not None and overlay is s.end_question:
                target = s.end_question_keep_going  # "Keep going" (mypy narrows by `is`: named, not reached)
            target.setFocus(Qt.FocusReason.PopupFocusReason)
        else:
            before = self._before.pop(name, None)
            if before is not None and isValid(before) and not before.isHidden() and before.window() is self.window:
                before.setFocus(Qt.FocusReason.PopupFocusReason)
                if not before.isEnabled():  # held with the clock (±10 s): enabled again as the help goes
                    self.land()
                    QTimer.singleShot(0, lambda: self._give_back(before))
            else:
                self.land()

    def _give_back(self, before: QWidget) -> None:
        try:
            if _shown(before) and before.window() is self.window:
                before.setFocus(Qt.FocusReason.PopupFocusReason)
        except RuntimeError:  # gone meanwhile
            pass

    @staticmethod
    def _caution_shown(s: SessionScreen, shown: bool) -> None:
        """A caution starts: the focus to its confirm button.  It is confirmed or skipped: the focus, if it
        was in the box, to the main status (before Qt would move it on to the next button of the chain:
        the Hide event comes first; the main area is shown a moment later, in the same snapshot)."""
        focus = QApplication.focusWidget()
        inside = focus is not None and s.caution_box.isAncestorOf(focus)
        if shown and not inside:
            s.ack_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not shown and inside:
            s.number.setFocus(Qt.FocusReason.OtherFocusReason)

    def step(self, back: bool) -> None:
        """Tab (``back``: Shift+Tab): the next control of ``tab_order``, round to the first."""
        order = tab_order(self.window)
        if not order:
            return
        focus = QApplication.focusWidget()
        at = next((i for i, w in enumerate(order) if focus is not None and (w is focus or w.isAncestorOf(focus))),
                  None)
        if at is None:
            nxt = order[-1] if back else order[0]
        else:
            nxt = order[(at + (-1 if back else 1)) % len(order)]
        nxt.setFocus(Qt.FocusReason.BacktabFocusReason if back else Qt.FocusReason.TabFocusReason)

    # -- keys ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if not isValid(self.window):
            return False  # the window is being deleted
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(watched, QWidget):
            if watched.window() is self.window:
                return self.key_pressed(watched, event)
            return False
        if kind in (QEvent.Type.Show, QEvent.Type.Hide) and id(watched) in self._overlays \
                and isinstance(watched, QWidget) and not event.spontaneous():
            self._overlay_shown(watched, kind == QEvent.Type.Show)
        return False

    def key_pressed(self, receiver: QWidget, event: QKeyEvent) -> bool:
        """One key press on ``receiver`` (the focused widget, or the window): True if it was used here."""
        self._in_key = True
        try:
            self.ring.set_keyboard(True)
            return self._key(receiver, event)
        finally:
            self._in_key = False

    def _key(self, receiver: QWidget, event: QKeyEvent) -> bool:
        w = self.window
        if w.current_screen() == commands.EDITOR and not _shown(w._help):
            return self._editor_key(receiver, event)
        key, text = event.key(), event.text()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if key in (K.Key_Tab, K.Key_Backtab) and not ctrl and not alt:
            if not event.isAutoRepeat():
                self.step(back=key == K.Key_Backtab or bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return True
        if event.isAutoRepeat():
            return True  # a key held down is one press: holding Enter must not count ten reps
        focus = receiver if receiver is not w else None
        radio = isinstance(focus, QRadioButton)
        if isinstance(focus, QAbstractButton) and key in (SPACE if radio else ACTIVATE) and not ctrl and not alt:
            session = w._session_screen
            if key == K.Key_Space and session is not None and session.caution_box.isAncestorOf(focus):
                return True  # Space is the pause key, pressed by reflex: it never confirms (or skips) a caution
            if (session is not None and _shown(session.pause_overlay) and session.isAncestorOf(focus)
                    and not session.end_question.isAncestorOf(focus)):  # (the question is over the overlay)
                w.commands.run("pause")  # under the pause overlay: what its tap does ("press Space to go on")
            elif focus.isEnabled() and focus.isVisible():
                focus.click()  # that button, once: its own command, not the table's Space or Enter
            return True
        question = w._session_screen.end_question if w._session_screen is not None else None
        help_up = w._help is not None and w._help.isVisible()
        if focus is not None and not help_up and not _shown(question) and not ctrl and self._keeps(focus, key):
            return False  # the widget's own navigation
        found = commands.for_key(w.command_context(), key, text, ctrl)
        name = found[0].name if found is not None else None
        if help_up:
            if name == "help" or key == K.Key_Escape:
                w.help.hide()
            return True  # nothing acts behind the help
        if question is not None and question.isVisible():
            question.key(key)  # E ends; any other key keeps going
            return True
        if w.kiosk is not None and w.kiosk.refuses_key(name, ctrl):
            return True  # the kiosk's policy (ui/kiosk.py)
        if name is None:
            return True  # a key the help does not list does nothing, whatever has the focus
        self._key_focus = focus
        try:
            if name in w._window_commands:
                w.commands.run(name)
                return True
            screen = w.stack.currentWidget()
            getattr(screen, "handle_key", lambda *_: False)(key, text)
        finally:
            self._key_focus = None
        self._follow_choice()
        return True

    def _editor_key(self, receiver: QWidget, event: QKeyEvent) -> bool:
        """The editor (ui/editor.py) is a normal form: every key is the focused field's (a letter types,
        the arrows move in the field, Tab and Shift+Tab follow Qt's own focus chain), less the editor's own
        keys (Ctrl+S, Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y, Escape: ``EditorScreen.handle_key``) and the window's
        Ctrl commands; Enter presses a focused button, as Space does."""
        w = self.window
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if not ctrl and key != K.Key_Escape:
            if (isinstance(receiver, QAbstractButton) and not isinstance(receiver, QRadioButton)
                    and key in (K.Key_Return, K.Key_Enter) and not alt):
                if not event.isAutoRepeat() and receiver.isEnabled():
                    receiver.click()
                return True
            return False
        if event.isAutoRepeat():
            return True  # a held Ctrl+Z is one undo, a held Escape one question
        screen = w.stack.currentWidget()
        if screen.handle_key(key, event.text(), ctrl=ctrl, shift=shift):
            return True
        found = commands.for_key(w.command_context(), key, event.text(), ctrl)
        if found is not None and found[0].name in w._window_commands:
            w.commands.run(found[0].name)
            return True
        return False

    @staticmethod
    def _follow_choice() -> None:
        """A radio button had the focus and a key chose its other (the dose, ← →): the focus goes with the
        choice, so the screen reader says what is chosen now."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QRadioButton) and not focus.isChecked() and focus.group() is not None:
            chosen = focus.group().checkedButton()
            if chosen is not None:
                chosen.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _keeps(focus: QWidget, key: int) -> bool:
        """Keys the focused widget keeps for its own navigation: the calendar's day grid its arrows and
        Page Up/Down, a spin box or a text field every key without Ctrl (the calendar's year)."""
        if isinstance(focus, (QAbstractSpinBox, QLineEdit)):
            return True
        calendar = focus.parentWidget()
        return (isinstance(focus, QAbstractItemView) and key in CALENDAR_KEYS
                and (isinstance(calendar, QCalendarWidget) or focus.objectName() in OWN_ARROWS))
