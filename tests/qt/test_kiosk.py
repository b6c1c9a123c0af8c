"""Kiosk rules on the real window, with a fake clock: close ignored, the exit chord and PIN,
going back to the tiles on its own, the hidden pointer, the screen kept on during a session."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from hinge_timer.engine.clock import NS
from hinge_timer.engine.state import State
from hinge_timer.kiosk.config import KioskConfig
from hinge_timer.kiosk.inhibit import Inhibitor
from hinge_timer.kiosk.pin import hash_pin
from hinge_timer.session.timeline import StepKind
from tests.qt.conftest import App

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class RecordingInhibitor(Inhibitor):
    """Stands in for the platform's (the real D-Bus one: tests/integration/test_kiosk_dbus.py)."""

    name = "recording"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def _inhibit(self, reason: str) -> None:
        self.calls.append("inhibit")

    def _uninhibit(self) -> None:
        self.calls.append("uninhibit")


class Kiosk(App):
    def __init__(self, qtbot, tmp_path, **config):
        self.inhibitor = RecordingInhibitor()
        cfg = KioskConfig(enabled=True, **config)
        self._clock_holder: list = []
        super().__init__(qtbot, tmp_path, kiosk=cfg, kiosk_clock=lambda: self.clock.now / NS,
                         inhibitor=self.inhibitor)
        self.controller = self.window.kiosk

    def wait(self, seconds: float, dt: float = 0.25):
        """Let time pass: the session (if any) and the kiosk's checks both see it."""
        for _ in range(round(seconds / dt)):
            self.clock.advance(dt)
            if self.window.run.driver is not None and not self.window.run.driver.runner.finished:
                self.window.run.driver.pump()
            if self.window.kiosk is not None:
                self.window.kiosk.check()

    def tap(self, n: int = 0):
        tile = self.window.kiosk_home.tiles[n]
        self.qtbot.waitUntil(lambda: tile.isVisible() and tile.height() > 100)  # laid out, where a finger finds it
        self.click_at(tile)
        assert self.window.stack.currentWidget() is self.window.session_screen


@pytest.fixture
def kiosk(qtbot, tmp_path, fake_dialogs):
    k = Kiosk(qtbot, tmp_path)
    yield k
    if k.window.kiosk is not None:
        k.window.kiosk.allow_exit = True
        k.window.close()
    k.window.end_driver()
    if k.window.history_service.history is not None:
        k.window.history_service.history.close()


def test_large_tiles_frameless_no_menus_and_today_count(kiosk):
    w = kiosk.window
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not w.menuBar().isVisible()
    assert w.stack.currentWidget() is w.kiosk_home
    tiles = w.kiosk_home.tiles
    assert [t.findChild(QLabel, "tile_title").text() for t in tiles] == [
        "Hip hinge basics", "Hip hinge mobility", "Quick warm-up before lifting"]
    assert all(t.height() > 150 for t in tiles)  # big enough to hit from a step away
    assert "today: 0" in w.kiosk_home.today.text()
    kiosk.tap(2)
    assert w.stack.currentWidget() is w.session_screen and w.run.driver.runner.timeline.dose == "low"


def test_close_requests_and_esc_are_ignored(kiosk, fake_dialogs):
    w = kiosk.window
    kiosk.tap(2)
    kiosk.wait(20)
    assert not w.close()  # the window manager's close, Alt+F4
    assert w.isVisible()
    kiosk.key(Qt.Key.Key_Escape)
    kiosk.qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Q
    kiosk.key(Qt.Key.Key_F)
    assert w.isVisible() and not w.run.driver.runner.finished and fake_dialogs.confirms == []
    assert w.stack.currentWidget() is w.session_screen


def hold_chord(kiosk, seconds, release=True):
    w = kiosk.window
    kiosk.qtbot.keyPress(w, Qt.Key.Key_Q, CTRL_ALT)
    kiosk.wait(seconds)
    if release:
        kiosk.qtbot.keyRelease(w, Qt.Key.Key_Q, CTRL_ALT)


def test_leaving_needs_the_chord_held_for_three_seconds(kiosk):
    hold_chord(kiosk, 2.5)
    assert kiosk.window.isVisible()
    kiosk.wait(5)  # let go early: nothing happens later either
    assert kiosk.window.isVisible()
    hold_chord(kiosk, 3.25, release=False)
    assert not kiosk.window.isVisible()


def test_the_pin_is_asked_and_rate_limited(qtbot, tmp_path, fake_dialogs):
    k = Kiosk(qtbot, tmp_path, pin_hash=hash_pin("4711", iterations=2_000))
    try:
        fake_dialogs.pins = ["1234", "0000", "9999", "4711"]
        for _ in range(3):
            hold_chord(k, 3.25)
        assert k.window.isVisible() and fake_dialogs.pin_prompts == 3
        assert fake_dialogs.errors[-1][1].startswith("Wrong PIN. Too many tries: wait 30 s")
        hold_chord(k, 3.25)  # locked: not even asked
        assert fake_dialogs.pin_prompts == 3 and "Try again in" in fake_dialogs.errors[-1][1]
        k.wait(30)
        hold_chord(k, 3.25, release=False)
        assert fake_dialogs.pin_prompts == 4 and not k.window.isVisible()
    finally:
        k.window.end_driver()
        if k.window.history_service.history is not None:
            k.window.history_service.history.close()


def test_back_to_the_tiles_after_a_session_ends(kiosk):
    w = kiosk.window
    kiosk.tap(2)  # quick warm-up: nothing waits for the user
    for _ in range(4000):
        if w.stack.currentWidget() is w.done:
            break
        kiosk.wait(0.25)
    kiosk.wait(19.5)
    assert w.stack.currentWidget() is w.done
    kiosk.wait(0.75)
    assert w.stack.currentWidget() is w.kiosk_home
    assert "today: 1" in w.kiosk_home.today.text()


def test_a_running_hold_is_never_cut_short_but_an_abandoned_pause_is(kiosk):
    w = kiosk.window
    kiosk.tap(2)
    kiosk.wait(3 * 60 + 30, dt=1.0)  # no input for 3.5 min, but the session is running
    assert w.stack.currentWidget() is w.session_screen
    kiosk.key(Qt.Key.Key_Space)  # someone pauses and walks away
    assert w.run.driver.runner.paused
    kiosk.wait(2 * 60 + 50, dt=1.0)
    assert w.stack.currentWidget() is w.session_screen
    kiosk.wait(15, dt=1.0)
    assert w.stack.currentWidget() is w.kiosk_home and w.run.driver is None
    row = w.history_service.history.conn.execute("SELECT status, end_reason, kiosk FROM runs").fetchone()
    assert row == ("ended", "abandoned", 1)


def test_a_caution_nobody_confirms_goes_back_after_the_idle_time(kiosk):
    w = kiosk.window
    kiosk.tap(1)  # the mobility session: its Jefferson curl carries a caution
    runner = w.run.driver.runner
    for _ in range(100_000):
        if runner.step.kind is StepKind.CAUTION:
            break
        kiosk.clock.advance(1.0)
        w.run.driver.pump()
        w.kiosk.last_input = kiosk.clock.now / NS  # someone is there, tapping now and then
    kiosk.wait(3 * 60 + 1, dt=1.0)
    assert w.stack.currentWidget() is w.kiosk_home


def test_pointer_hides_after_five_still_seconds_and_comes_back_on_a_move(kiosk):
    assert QApplication.overrideCursor() is None
    kiosk.wait(5.25)
    assert QApplication.overrideCursor() is not None
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    kiosk.qtbot.mouseMove(kiosk.window, QPoint(200, 200))
    kiosk.qtbot.mouseMove(kiosk.window, QPoint(220, 230))
    assert QApplication.overrideCursor() is None


def test_screen_kept_on_only_while_a_session_runs(kiosk):
    calls = kiosk.inhibitor.calls
    assert calls == []
    kiosk.tap(2)
    assert calls == ["inhibit"]
    kiosk.wait(4 * 60 + 40, dt=1.0)  # done: may blank again on the done screen
    assert calls == ["inhibit", "uninhibit"]
    kiosk.wait(21)
    kiosk.tap(2)
    w = kiosk.window
    kiosk.key(Qt.Key.Key_Space)
    kiosk.wait(3 * 60 + 5, dt=1.0)  # abandoned
    assert calls == ["inhibit", "uninhibit", "inhibit", "uninhibit"]


def test_no_history_resume_or_advice_for_strangers(kiosk):
    w = kiosk.window
    kiosk.qtbot.keyClick(w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    w.show_history()
    assert w.stack.currentWidget() is w.kiosk_home
    assert w.home.suggest is None
    assert w.kiosk_home.today.text() == "Sessions done here today: 0"


def test_many_sessions_leave_no_timers_or_widgets_behind(kiosk):
    """The soak's check of leftovers, in small (benchmarks/kiosk_soak.py runs a whole day)."""
    w = kiosk.window

    def counts():
        gc.collect()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what deleteLater left
        return (len(QApplication.allWidgets()), len(w.findChildren(QTimer)),
                sum(1 for t in w.findChildren(QTimer) if t.isActive()))

    for cycle in range(6):
        kiosk.tap(2)
        if cycle % 2:
            kiosk.wait(60, dt=1.0)
            kiosk.key(Qt.Key.Key_Space)
            kiosk.wait(3 * 60 + 5, dt=1.0)  # abandoned
        else:
            kiosk.wait(4 * 60 + 40, dt=1.0)
            kiosk.wait(21)
        assert w.stack.currentWidget() is w.kiosk_home
        if cycle == 1:
            warm = counts()
    assert counts() == warm


def test_the_tiles_appear_when_sessions_load_after_the_first_paint(qtbot, tmp_path, fake_dialogs):
    """As `hinge-timer --kiosk` starts: the list is read after the tiles' page has painted once."""
    from hinge_timer.settings import Settings
    from hinge_timer.ui.main_window import MainWindow

    w = MainWindow(Settings(), None, audio="none", history_dir=tmp_path / "data", defer_sessions=True,
                   kiosk=KioskConfig(enabled=True), inhibitor=RecordingInhibitor())
    qtbot.addWidget(w)
    w.showFullScreen()
    qtbot.waitUntil(lambda: len(w.kiosk_home.tiles) == 3)
    assert w.isFullScreen() and w.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert "today: 0" in w.kiosk_home.today.text()
    w.kiosk.allow_exit = True
    w.close()
    w.history_service.history.close()


def test_a_question_nobody_answers_does_not_stand_over_the_tiles(qtbot, tmp_path):
    """"End the session?" asked in the window: a stranger taps End and walks off."""
    k = Kiosk(qtbot, tmp_path)
    w = k.window
    try:
        k.tap(2)
        k.wait(30)
        k.click_at(w.session_screen.b_end)
        assert w.session_screen.end_question.isVisible()  # the question is up, the clock stopped
        k.wait(3 * 60 + 5, dt=1.0)
        assert not w.session_screen.end_question.isVisible()
        assert w.stack.currentWidget() is w.kiosk_home and w.run.driver is None
        row = w.history_service.history.conn.execute("SELECT status, end_reason FROM runs").fetchone()
        assert row == ("ended", "abandoned")
    finally:
        w.kiosk.allow_exit = True
        w.close()
        w.history_service.history.close()


def test_help_left_open_is_closed_when_the_kiosk_goes_home(kiosk):
    w = kiosk.window
    kiosk.tap(2)
    kiosk.key(Qt.Key.Key_Question)
    assert w.help.isVisible()
    kiosk.key(Qt.Key.Key_Space)  # behind the help nothing acts: the session keeps running
    for _ in range(4000):
        if w.stack.currentWidget() is w.kiosk_home:
            break
        kiosk.wait(1.0, dt=1.0)
    assert w.stack.currentWidget() is w.kiosk_home and not w.help.isVisible()


def test_the_kiosk_runs_only_the_commands_it_names_so_a_new_one_is_refused(kiosk):
    """The kiosk's policy is an allow-list: what a stranger may do is named, everything else is refused,
    so a command added to the table later (an export, an editor) cannot open a door on a gym PC."""
    from hinge_timer.app import commands
    from hinge_timer.ui.kiosk import ALLOWED

    names = {c.name for c in commands.TABLE}
    assert ALLOWED <= names  # every name on the list is a real command
    controller = kiosk.window.kiosk
    for name in names - ALLOWED:
        assert not controller.allows(name), name
    for name in ("quit", "open", "history", "fullscreen", "leave_fullscreen", "end", "audio_none", "louder"):
        assert not controller.allows(name), name
    assert not controller.allows("export_history")  # one not in the table yet: refused, not let through
    assert all(controller.allows(n) for n in ("pause", "next", "count_rep", "acknowledge", "hurts", "start_tile"))
    # And the window's handlers follow it: a refused command is not reachable by name.
    assert not kiosk.window.commands.run("quit")
    assert not kiosk.window.commands.run("history")
