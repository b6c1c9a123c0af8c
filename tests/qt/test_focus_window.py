"""The keyboard focus (ui/keys.py): Tab walks every screen in reading order with a ring you can see, a screen
change puts the focus somewhere sensible, Space and Enter on a focused button press it once, and the
command table's keys work whatever has the focus.  A real window, real widgets, a session a user wrote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QRadioButton,
    QWidget,
)

from hinge_timer.app.commands import DONE, HISTORY, HOME, SESSION
from hinge_timer.engine.state import State
from hinge_timer.ui import keys
from tests.qt.conftest import App
from tests.qt.test_kiosk import Kiosk, kiosk  # noqa: F401  (kiosk: the kiosk tests' fixture)
from tests.unit.test_store import add_run

K = Qt.Key
NO = Qt.KeyboardModifier.NoModifier

# Written the way a user writes one: their own names, sides, odd numbers, a caution of their own.
OWN = """format = 1
title = "Sofa-side hinge drills"

[defaults]
get_ready = 3
rest_between_sets = 7
rest_between_drills = 9
switch_sides = 4

[[drill]]
name = "Staggered wall hold"
hold = 41
sets = 3
sides = ["left", "right"]

[[drill]]
name = "Towel curl"
reps = 5
sets = 2
caution = "Skip this one if your lower back aches today."
tempo = [ { phase = "Roll down", seconds = 3 }, { phase = "Stack up", seconds = 3 } ]

[[drill]]
name = "Counted good mornings"
reps = 7
sets = 1
"""

BROKEN = 'format = 1\ntitle = "Half written"\n[[drill]]\nname = "No dose yet"\n'


class Focus(App):
    def __init__(self, qtbot, tmp_path, **options):
        super().__init__(qtbot, tmp_path, **options)
        self.sessions.mkdir(parents=True, exist_ok=True)
        (self.sessions / "sofa.toml").write_text(OWN)
        (self.sessions / "half.toml").write_text(BROKEN)
        self.reload()
        self.done_commands: list[str] = []

    @property
    def focus(self) -> QWidget | None:
        return QApplication.focusWidget()

    def press(self, key, mods=NO):
        self.qtbot.keyClick(self.focus or self.window, key, mods)

    def start_own(self):
        driver = self.start("Sofa-side hinge drills")
        driver.command_done.connect(lambda name, _result: self.done_commands.append(name))
        return driver

    def names(self, backwards: bool = False, limit: int = 40) -> list[str]:
        """Tab (or Shift+Tab) round the screen, from where the focus is, until it comes back: the object
        names of what it visited, in order."""
        start = self.focus
        seen = []
        for _ in range(limit):
            self.press(K.Key_Backtab if backwards else K.Key_Tab,
                       Qt.KeyboardModifier.ShiftModifier if backwards else NO)
            if self.focus is start:
                return seen
            seen.append(name_of(self.focus))
        raise AssertionError(f"Tab never came back to {name_of(start)}: {seen}")

    def tab_to(self, widget: QWidget, limit: int = 40) -> None:
        for _ in range(limit):
            if self.focus is widget or (widget.focusProxy() is not None and self.focus is widget.focusProxy()):
                return
            self.press(K.Key_Tab)
        from hinge_timer.ui.keys import tab_order

        raise AssertionError(f"Tab never reached {name_of(widget)}: Tab walks"
                             f" {[name_of(w) for w in tab_order(self.window)]}")

    def to_hold(self):
        """The session on screen, in the first hold's work, 5 s in."""
        self.start_own()
        self.until(lambda: self.driver.snapshot().underlying is State.WORK)
        self.advance(5)


def name_of(w: QWidget | None) -> str:
    if w is None:
        return "(none)"
    if isinstance(w.parentWidget(), QCalendarWidget) and isinstance(w, QAbstractItemView):
        return "calendar"
    return w.objectName() or type(w).__name__


@pytest.fixture
def focus(qtbot, tmp_path, fake_dialogs):
    f = Focus(qtbot, tmp_path)
    yield f
    f.window.end_driver()
    if f.window.history_service.history is not None:
        f.window.history_service.history.close()


def select(f: Focus, title_part: str) -> None:
    rows = [i for i, e in enumerate(f.window.home.entries) if title_part in e.key or
            (e.session is not None and title_part in e.session.title)]
    f.window.home.list.setCurrentRow(rows[0])


def controls(page: QWidget) -> set[str]:
    """Every visible, enabled control of a page a user could operate (buttons, lists, tables, the calendar)."""
    found = set()
    for w in page.findChildren(QWidget):
        if not w.isVisible() or not w.isEnabled():
            continue
        if isinstance(w, QRadioButton) and not w.isChecked():
            continue  # its group's stop is the chosen one; the arrows reach this one
        if isinstance(w, QAbstractButton) and w.objectName() not in ("qt_tableview_cornerbutton", ""):
            found.add(name_of(w))
        elif isinstance(w, QAbstractItemView) and w.objectName() != "":
            found.add(name_of(w))
    return found


# -- Tab order --------------------------------------------------------------------------------------


# The dose is one stop (its radio buttons are a group: ← and → choose within it, as the table says).
# (a built-in session is chosen: Edit and Delete are for the user's own, so Tab skips them)
HOME_ORDER = ["details", "dose_low", "new_session", "duplicate_session", "export_session", "open_file", "history",
              "start"]


def test_home_tab_order_reads_like_the_screen_and_shift_tab_goes_back(focus, fake_dialogs):
    w = focus.window
    assert focus.focus is w.home.list  # where Home puts it
    assert focus.names() == HOME_ORDER
    assert focus.names(backwards=True) == list(reversed(HOME_ORDER))
    # An interrupted run offered: its buttons come first, as on the screen (above the list).
    w.home.show_resume("Resume: Staggered wall hold, set 2 of 3", can_resume=True)
    assert focus.names() == HOME_ORDER + ["resume", "discard"]  # round from the list: ... then the top
    # A file that cannot be opened: its Reload follows its problems.
    select(focus, "half")
    assert w.home.reload_button.isVisible()
    # (a file of the user's own that cannot be opened can be edited, deleted or exported, not duplicated)
    assert focus.names() == ["details", "reload_file", "dose_low", "new_session", "edit_session", "delete_session",
                             "export_session", "open_file", "history", "start", "resume", "discard"]


def test_every_visible_control_on_every_screen_is_reached_by_tab(focus, fake_dialogs):
    w = focus.window

    def reached() -> set[str]:
        return {name_of(focus.focus), *focus.names()}

    # Home
    assert controls(w.home) <= reached() | {"session_list"}
    # The session: a timed hold, then a set the user counts
    focus.to_hold()
    assert w.stack.currentWidget() is w.session_screen
    assert controls(w.session_screen) <= reached()
    assert "main_number" in reached()
    # The caution: its two buttons and the rest
    while focus.driver.snapshot().state is not State.CAUTION:
        focus.driver.next()
    got = reached()
    assert {"acknowledge", "skip_drill"} <= got and controls(w.session_screen) <= got
    # The done screen
    focus.driver.end_session("for the test")
    assert w.current_screen() == DONE
    assert reached() == {"done_summary", "home"}
    # History, with runs in it
    focus.press(K.Key_Return)
    for d in range(3):
        add_run(w.history_service.history.conn, date.today() - timedelta(days=d))
    w.show_history()
    screen = w.history_view.screen
    got = reached()
    assert controls(screen) <= got
    assert {"qt_calendar_prevmonth", "qt_calendar_nextmonth", "calendar", "runs", "run_details",
            "delete_run", "export_csv", "history_home"} <= got


def test_history_and_session_tab_orders(focus, fake_dialogs):
    w = focus.window
    add_run(w.history_service.history.conn, date.today())
    w.show_history()
    assert name_of(focus.focus) == "runs"
    assert focus.names() == ["run_details", "minutes_table", "delete_run", "export_csv", "history_home",
                             "qt_calendar_prevmonth",
                             "qt_calendar_monthbutton", "qt_calendar_yearbutton", "qt_calendar_nextmonth",
                             "calendar"]
    focus.press(K.Key_Escape)
    assert w.current_screen() == HOME
    focus.to_hold()
    assert name_of(focus.focus) == "main_number"
    assert focus.names() == ["back", "pause", "next", "minus", "plus", "how_button", "hurts", "end"]


# -- where the focus lands ------------------------------------------------------------------------------


def test_focus_lands_where_each_screen_change_says(focus, fake_dialogs):
    w = focus.window
    assert focus.focus is w.home.list and w.home.list.currentRow() >= 0  # Home: the chosen session
    select(focus, "Sofa")
    focus.press(K.Key_Tab)
    focus.press(K.Key_Return, NO)  # Enter on the details: the table's Enter, start
    assert w.current_screen() == SESSION
    s = w.session_screen
    assert focus.focus is s.number  # the session's main status
    # Its state changes (get ready, work, rest, a side switch) leave the focus alone, wherever the user put it.
    focus.tab_to(s.b_how)
    focus.until(lambda: focus.driver.snapshot().underlying is State.SWITCH_SIDES)
    assert focus.focus is s.b_how
    # A caution takes it to its confirm button; confirmed, back to the main status.
    while focus.driver.snapshot().state is not State.CAUTION:
        focus.driver.next()
    assert focus.focus is s.ack_button
    focus.press(K.Key_Return)
    assert focus.driver.snapshot().state is not State.CAUTION
    assert focus.focus is s.number
    # The help takes it and gives it back.
    focus.tab_to(s.b_plus)
    focus.press(K.Key_F1)
    assert w.help.isVisible() and focus.focus is w.help
    assert focus.names() == []  # Tab stays in the help
    focus.press(K.Key_Escape)
    assert not w.help.isVisible()
    focus.qtbot.waitUntil(lambda: focus.focus is s.b_plus)  # (enabled again once the clock goes on)
    # "End the session?" takes it to "Keep going" and gives it back.
    focus.press(K.Key_Escape)
    assert s.end_question.isVisible() and focus.focus is s.end_question.no_button
    assert focus.names() == ["end_question_yes"]
    focus.press(K.Key_Space)  # on "Keep going"
    assert not s.end_question.isVisible() and focus.focus is s.b_plus
    # The done screen: its summary.
    focus.driver.end_session("for the test")
    assert w.current_screen() == DONE and focus.focus is w.done.summary
    focus.press(K.Key_Space)  # the table's Space: back to Home
    assert w.current_screen() == HOME and focus.focus is w.home.list
    # History: its runs.
    add_run(w.history_service.history.conn, date.today())
    focus.press(K.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert w.current_screen() == HISTORY and focus.focus is w.history_view.screen.table


# -- Space and Enter on a focused button: that button, once ---------------------------------------------


def test_space_then_enter_on_each_session_button_runs_its_command_once(focus, fake_dialogs):
    w = focus.window
    focus.to_hold()
    s = w.session_screen
    expect = {"back": "back", "pause": "toggle_pause", "next": "next", "minus": "add_time", "plus": "add_time"}
    for button, command in expect.items():
        b = s.findChild(QAbstractButton, button)
        for key in (K.Key_Space, K.Key_Return):
            if not b.isEnabled():  # "next" from a hold's last side leaves nothing timed for ±
                focus.until(lambda: focus.driver.snapshot().underlying is State.WORK)
            focus.tab_to(b)
            focus.done_commands.clear()
            focus.press(key)
            assert focus.done_commands == [command], (button, key)
            assert focus.focus is b
            if focus.driver.snapshot().state is State.PAUSED:
                focus.driver.toggle_pause()
    # How?: not a driver command; its text shows, then hides.
    focus.tab_to(s.b_how)
    focus.done_commands.clear()
    focus.press(K.Key_Space)
    assert s._show_how and focus.done_commands == []
    focus.press(K.Key_Return)
    assert not s._show_how
    # End: the question, once; Enter on its "Keep going" keeps going, once.
    focus.tab_to(s.b_end)
    focus.press(K.Key_Space)
    assert s.end_question.isVisible() and fake_dialogs.confirms == []
    focus.press(K.Key_Return)
    assert not s.end_question.isVisible() and not focus.driver.runner.finished
    focus.press(K.Key_Return)  # on End again (the focus came back): asked again, once
    assert s.end_question.isVisible()
    focus.press(K.Key_Tab)
    assert focus.focus is s.end_question.yes_button
    focus.press(K.Key_Return)  # "End it": ended once
    assert w.current_screen() == DONE


def test_space_then_enter_on_hurts_undo_caution_and_counting_buttons(focus, fake_dialogs):
    focus.to_hold()
    s = focus.window.session_screen
    focus.tab_to(s.b_hurts)
    focus.done_commands.clear()
    focus.press(K.Key_Space)
    assert focus.done_commands == ["stop_drill"]
    assert s.b_undo.isVisible()
    focus.tab_to(s.b_undo)
    focus.done_commands.clear()
    focus.press(K.Key_Return)
    assert focus.done_commands == ["undo_stop"]
    # The caution: Space (the pause key, pressed by reflex) neither skips nor confirms it; Enter on Skip
    # skips once, Enter on confirm confirms once.
    while focus.driver.snapshot().state is not State.CAUTION:
        focus.driver.next()
    focus.tab_to(s.skip_button)
    focus.done_commands.clear()
    focus.press(K.Key_Space)
    assert focus.done_commands == [] and focus.driver.snapshot().state is State.CAUTION
    assert focus.focus is s.skip_button
    focus.press(K.Key_Return)
    assert focus.done_commands == ["skip_drill"] and focus.focus is s.number
    focus.driver.end_session("for the test")
    focus.window.go_home()
    focus.start_own()
    while focus.driver.snapshot().state is not State.CAUTION:
        focus.driver.next()
    assert focus.focus is s.ack_button
    focus.done_commands.clear()
    focus.press(K.Key_Space)
    assert focus.done_commands == [] and focus.driver.snapshot().state is State.CAUTION
    focus.press(K.Key_Return)
    assert focus.done_commands == ["acknowledge"] and focus.focus is s.number
    # A set the user counts: Rep +1 and Set done.
    for _ in range(20):
        if focus.driver.snapshot().user_counted and focus.driver.snapshot().underlying is State.WORK:
            break
        focus.driver.next()
    for button, key, command in ((s.b_rep, K.Key_Space, "count_rep"), (s.b_rep, K.Key_Return, "count_rep"),
                                 (s.b_done, K.Key_Space, "set_done")):
        focus.tab_to(button)
        focus.done_commands.clear()
        focus.press(key)
        assert focus.done_commands == [command]


def test_space_then_enter_on_home_done_and_history_buttons_run_once(focus, fake_dialogs):
    w, home = focus.window, focus.window.home
    doses, opened, resumes, discards, rechecks = [], [], [], [], []
    home.dose_changed.connect(doses.append)
    home.resume_requested.connect(lambda: resumes.append(1))
    home.discard_requested.connect(lambda: discards.append(1))
    home.recheck_requested.connect(rechecks.append)
    fake_dialogs.file = None  # Open is cancelled
    # The dose: one stop; → chooses the high dose and the focus goes with it; Space on a radio button
    # chooses that one, once (a change is one signal).
    focus.tab_to(home.dose_low)
    focus.press(K.Key_Right)
    assert home.dose == "high" and doses == ["high"] and focus.focus is home.dose_high
    home.set_dose("low")
    focus.press(K.Key_Space)
    assert home.dose == "high" and doses == ["high", "low", "high"] and w.current_screen() == HOME
    focus.press(K.Key_Space)  # chosen already: nothing
    assert doses == ["high", "low", "high"]
    home.set_dose("low")
    doses.clear()
    for key in (K.Key_Space, K.Key_Return):
        focus.tab_to(home.open_button)
        focus.press(key)
        opened = list(getattr(fake_dialogs, "folders", []))
        assert len(opened) == (1 if key == K.Key_Space else 2)
    for key in (K.Key_Space, K.Key_Return):
        home.show_resume("Resume: Staggered wall hold", can_resume=True)  # (Discard takes the offer away)
        focus.tab_to(home.resume_button)
        focus.press(key)
        focus.tab_to(home.discard_button)
        focus.press(key)
    assert len(resumes) == 2 and len(discards) == 2
    select(focus, "half")
    for key in (K.Key_Space, K.Key_Return):
        focus.tab_to(home.reload_button)
        focus.press(key)
        home.set_checking(rechecks[-1], False)
    assert len(rechecks) == 2
    # History, from its button, once; its back button, once.
    for key in (K.Key_Space, K.Key_Return):
        focus.tab_to(home.history_button)
        focus.press(key)
        assert w.current_screen() == HISTORY
        screen = w.history_view.screen
        focus.tab_to(screen.home_button)
        focus.press(key)
        assert w.current_screen() == HOME
    # Start: once; then the done screen's button.
    select(focus, "Sofa")
    for key in (K.Key_Space, K.Key_Return):
        focus.tab_to(home.start_button)
        started: list = []
        w.run.run_started.connect(started.append)
        focus.press(key)
        w.run.run_started.disconnect(started.append)
        assert len(started) == 1 and w.current_screen() == SESSION
        assert focus.driver.snapshot().state is not State.PAUSED  # the Space did not reach the session too
        homes: list = []

        def went_home(homes=homes):
            homes.append(1)

        w.done.home_requested.connect(went_home)
        focus.driver.end_session("for the test")
        focus.tab_to(w.done.home_button)
        focus.press(key)
        w.done.home_requested.disconnect(went_home)
        assert w.current_screen() == HOME and len(homes) == 1  # once


def test_history_buttons_and_calendar_arrows(focus, fake_dialogs):
    w = focus.window
    for d in range(4):
        add_run(w.history_service.history.conn, date.today() - timedelta(days=d))
    w.show_history()
    screen = w.history_view.screen
    fake_dialogs.answer = True
    exports = []
    screen.export_requested.connect(lambda: exports.append(1))
    for key in (K.Key_Space, K.Key_Return):
        focus.tab_to(screen.delete_button)
        runs = len(screen.rows)
        focus.press(key)
        assert len(screen.rows) == runs - 1
        focus.tab_to(screen.undo_button)
        focus.press(key)
        assert len(screen.rows) == runs
        focus.tab_to(screen.export_button)
        focus.press(key)
    assert len(fake_dialogs.confirms) == 2 and exports == [1, 1]
    cal = screen.calendar
    month = (cal.yearShown(), cal.monthShown())
    nxt = cal.findChild(QWidget, "qt_calendar_nextmonth")
    focus.tab_to(nxt)
    focus.press(K.Key_Space)
    focus.press(K.Key_Return)
    assert (cal.yearShown() * 12 + cal.monthShown()) - (month[0] * 12 + month[1]) == 2
    focus.tab_to(cal.findChild(QWidget, "qt_calendar_prevmonth"))
    focus.press(K.Key_Space)
    assert (cal.yearShown() * 12 + cal.monthShown()) - (month[0] * 12 + month[1]) == 1


# -- the table's keys whatever has the focus -----------------------------------------------------------------


def test_the_tables_keys_work_with_a_session_button_focused(focus, fake_dialogs):
    focus.to_hold()
    s = focus.window.session_screen
    focus.tab_to(s.b_how)
    focus.done_commands.clear()
    focus.press(K.Key_B)  # a clicker's pause
    assert focus.driver.snapshot().state is State.PAUSED
    focus.press(K.Key_Period)
    assert focus.driver.snapshot().state is not State.PAUSED
    focus.press(K.Key_PageDown)  # a clicker's next
    focus.press(K.Key_Right)
    focus.press(K.Key_M)
    assert focus.done_commands == ["toggle_pause", "toggle_pause", "next", "next"]
    assert focus.window.prefs.mute and focus.focus is s.b_how


def test_while_paused_space_goes_on_whatever_button_has_the_focus(focus, fake_dialogs):
    focus.to_hold()
    s = focus.window.session_screen
    focus.tab_to(s.b_back)
    focus.press(K.Key_B)
    assert s.pause_overlay.isVisible()  # "Tap here or press Space to go on"
    for key in (K.Key_Space, K.Key_Return):  # what a tap on the overlay does, not Back
        focus.done_commands.clear()
        focus.press(key)
        assert focus.done_commands == ["toggle_pause"] and focus.driver.snapshot().state is State.WORK
        focus.press(K.Key_B)


def test_a_held_key_is_one_press_on_a_focused_button(focus, fake_dialogs):
    focus.to_hold()
    s = focus.window.session_screen
    focus.tab_to(s.b_plus)
    focus.done_commands.clear()
    focus.press(K.Key_Space)
    for _ in range(5):  # what a held Space sends after the first press
        QApplication.sendEvent(s.b_plus, QKeyEvent(QEvent.Type.KeyPress, K.Key_Space, NO, " ", True))
        QApplication.sendEvent(s.b_plus, QKeyEvent(QEvent.Type.KeyRelease, K.Key_Space, NO, " ", True))
    assert focus.done_commands == ["add_time"]


def test_a_click_or_a_tap_on_a_button_leaves_the_focus_where_it_was(focus, fake_dialogs):
    focus.to_hold()
    s = focus.window.session_screen
    assert focus.focus is s.number
    focus.done_commands.clear()
    focus.qtbot.mouseClick(s.b_pause, Qt.MouseButton.LeftButton)
    assert focus.done_commands == ["toggle_pause"] and focus.focus is s.number
    focus.press(K.Key_Space)  # the next Space is still the table's pause (here: resume)
    assert focus.done_commands == ["toggle_pause", "toggle_pause"]
    assert focus.driver.snapshot().state is not State.PAUSED


def test_the_list_and_table_follow_the_tables_arrows_and_the_calendar_keeps_its_own(focus, fake_dialogs):
    w = focus.window
    home = w.home
    home.list.setCurrentRow(0)
    focus.press(K.Key_Down)
    assert home.list.currentRow() == 1
    focus.press(K.Key_Right)  # the table's: the high dose
    assert home.dose == "high"
    focus.press(K.Key_S)  # no command: not a jump to a session starting with S
    assert home.list.currentRow() == 1
    for d in range(5):
        add_run(w.history_service.history.conn, date.today() - timedelta(days=d))
    w.show_history()
    screen = w.history_view.screen
    row = screen.table.currentIndex().row()
    focus.press(K.Key_Down)
    assert screen.table.currentIndex().row() == row + 1
    focus.tab_to(screen.calendar)
    day = screen.calendar.selectedDate()
    focus.press(K.Key_Left)  # the calendar's own: the day before
    assert screen.calendar.selectedDate() == day.addDays(-1)
    assert screen.table.currentIndex().row() == row + 1
    focus.press(K.Key_Escape)  # the table's Esc still goes home
    assert w.current_screen() == HOME


# -- the ring --------------------------------------------------------------------------------------------


def _ring_colours(window: QWidget, target: QWidget) -> set[str]:
    ring = window.keys.ring
    assert ring.isVisible() and ring.geometry().contains(target.geometry().translated(
        target.mapTo(window, target.rect().topLeft()) - target.geometry().topLeft()))
    image = window.grab().toImage()
    g = ring.geometry()
    y = g.center().y()
    return {QColor(image.pixel(x, y)).name() for x in range(g.left(), g.left() + ring.thickness)}


def test_the_focus_ring_is_white_between_black_round_the_focused_control_on_every_background(focus, fake_dialogs):
    w = focus.window
    ring = w.keys.ring
    assert focus.focus is w.home.list and not ring.isVisible()  # no key yet: no ring (as :focus-visible)
    focus.press(K.Key_Tab)
    assert {"#ffffff", "#000000"} <= _ring_colours(w, w.home.details)  # Home's dark theme
    focus.press(K.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert {"#ffffff", "#000000"} <= _ring_colours(w, w.home.list)  # at the window's edge: inside it
    select(focus, "Sofa")
    focus.press(K.Key_Return)  # started with a key: the ring is on the main status
    s = w.session_screen
    assert focus.focus is s.number
    assert {"#ffffff", "#000000"} <= _ring_colours(w, s.number)  # on the state's colour
    focus.tab_to(s.b_pause)
    assert {"#ffffff", "#000000"} <= _ring_colours(w, s.b_pause)  # on the dark button strip
    focus.press(K.Key_Escape)
    focus.press(K.Key_E)
    assert w.current_screen() == DONE
    focus.qtbot.mouseClick(w.done.home_button, Qt.MouseButton.LeftButton)
    assert w.current_screen() == HOME and not ring.isVisible()  # a click: no ring
    focus.qtbot.mouseClick(w.home.start_button, Qt.MouseButton.LeftButton)
    assert w.current_screen() == SESSION and focus.focus is s.number
    assert not ring.isVisible()  # started with a click or a tap: no frame round the number


def test_no_ring_hides_the_menu_bars_words_when_alt_focuses_it(focus, fake_dialogs):
    w = focus.window
    ring = w.keys.ring
    focus.press(K.Key_Tab)
    assert ring.isVisible()  # the keyboard is in use
    w.menuBar().setFocus(Qt.FocusReason.ShortcutFocusReason)  # as Alt or F10 does
    assert QApplication.focusWidget() is w.menuBar()
    bar = QRect(w.menuBar().mapTo(w, QPoint(0, 0)), w.menuBar().size())
    assert not ring.isVisible() or not ring.geometry().intersects(bar)
    w.home.list.setFocus(Qt.FocusReason.TabFocusReason)  # back among the controls: the ring again
    assert ring.isVisible()


# -- the kiosk ----------------------------------------------------------------------------------------


def kiosk_names(k: Kiosk) -> list[str]:
    start = QApplication.focusWidget()
    seen = [name_of(start)]
    for _ in range(40):
        k.qtbot.keyClick(QApplication.focusWidget() or k.window, K.Key_Tab)
        if QApplication.focusWidget() is start:
            return seen
        seen.append(name_of(QApplication.focusWidget()))
    raise AssertionError(seen)


def test_on_a_kiosk_tab_stays_among_what_it_allows(kiosk):
    w = kiosk.window
    kiosk.qtbot.waitUntil(lambda: len(w.kiosk_home.tiles) == 3)
    assert QApplication.focusWidget() is w.kiosk_home.heading  # not a tile: a stray Space starts nothing
    assert kiosk_names(kiosk) == ["kiosk_heading", *(t.objectName() for t in w.kiosk_home.tiles)]
    kiosk.qtbot.keyClick(w.kiosk_home.heading, K.Key_Space)
    assert w.current_screen() != SESSION
    kiosk.qtbot.keyClick(w.kiosk_home.heading, K.Key_Tab)
    kiosk.qtbot.keyClick(QApplication.focusWidget(), K.Key_Space)  # the first tile, once
    assert w.current_screen() == SESSION
    s = w.session_screen
    if w.run.driver.snapshot().state is State.CAUTION:
        w.run.driver.acknowledge()
    kiosk.wait(6)
    reached = kiosk_names(kiosk)
    assert s.b_end.isVisible() and "end" not in reached  # End is refused on a kiosk: Tab never gets there
    on_show = {name_of(b) for b in s.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()}
    assert set(reached) == {"main_number"} | (on_show - {"end"})
    assert {"back", "pause", "next", "hurts"} <= set(reached)
    assert all(w.kiosk.allows(keys._command_of(b)) for b in s.findChildren(QAbstractButton) if name_of(b) in reached)
