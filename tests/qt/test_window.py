"""The window, driven by keys and clicks on real widgets, with the engine on a fake clock."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QScrollArea, QStyle, QStyleOptionButton

from hinge_timer.engine.events import State
from hinge_timer.session.timeline import StepKind
from tests.conftest import REPO
from tests.qt.conftest import App

K = Qt.Key


# -- Home ---------------------------------------------------------------------------------


def test_home_lists_builtin_and_user_sessions_with_details(app, qtbot):
    app.sessions.mkdir(parents=True)
    (app.sessions / "mine.toml").write_text((REPO / "tests" / "data" / "everything.toml").read_text())
    (app.sessions / "broken.toml").write_text('format = 1\ntitle = "B"\n[[drill]]\nname = "X"\nhold = "long"\n')
    app.reload()
    labels = [app.window.home.list.item(i).text() for i in range(app.window.home.list.count())]
    assert labels == ["Hip hinge basics", "Hip hinge mobility", "Quick warm-up before lifting",
                      "⚠ broken.toml: cannot be opened", "Everything  (yours)"]
    assert app.window.home.list.currentRow() == 1  # the main built-in session is chosen first
    details = app.window.home.details.text()
    assert app.window.home.details_title.text() == "Hip hinge mobility"
    assert "14:09 at the low dose" in details and "Jefferson curl: 2 × 5 reps ⚠ caution" in details
    assert "long resistance band" in details
    qtbot.mouseClick(app.window.home.dose_high, Qt.MouseButton.LeftButton)
    assert "24:22 at the high dose" in app.window.home.details.text()
    app.window.home.list.setCurrentRow(3)
    assert 'drill[1].hold: expected seconds' in app.window.home.details.text()


def test_a_broken_session_shows_its_errors_and_stays_on_home(app, fake_dialogs, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhodl = 60\n')
    fake_dialogs.file = str(bad)
    app.window.on_open_requested()
    assert fake_dialogs.errors[0][0] == "This session cannot be opened"
    # The file once, then one problem a line (issue 17: not the path on every line).
    assert fake_dialogs.errors[0][1] == f'File: {bad}\nLine 5, drill[1].hodl: unknown key "hodl"; did you mean "hold"?'
    assert app.window.stack.currentWidget() is app.window.home and app.driver is None


def test_open_a_good_file_and_start_it_with_enter(app, fake_dialogs):
    fake_dialogs.file = str(REPO / "tests" / "data" / "everything.toml")
    app.window.on_open_requested()
    assert app.window.home.current.session.title == "Everything"
    app.key(K.Key_Return)
    assert app.window.stack.currentWidget() is app.screen
    assert app.screen.band.text() == "GET READY" and app.screen.number.text == "5"


# -- the session screen ---------------------------------------------------------------------------


def test_get_ready_then_work_with_paced_reps_and_phase(app):
    app.start("Hip hinge mobility")
    s = app.screen
    assert s.band.text() == "GET READY" and s.drill.text() == "Weighted hip hinge"
    assert s.number.text == "10" and s.next_up.text() == "Next: Weighted hip hinge, set 1 of 2"
    app.advance(10 + 5 + 0.5)  # half a second into rep 2
    assert s.band.text() == "WORK" and s.set_label.text() == "Set 1 of 2"
    # The one thing that matters in a paced rep: its phase, and the phase's own seconds, huge.
    assert s.reps.text() == "Rep 2 of 10" and s.phase.text() == "Hips back · Rep 2 of 10"
    assert s.number.text == "2"
    assert s.caption.text().endswith("Hips back")  # what was just said, as text
    assert s.time_left.text() == "13:54 left"


def test_per_side_holds_show_the_leg_and_a_switch_sides_screen(app):
    app.start("Hip hinge mobility")
    app.until(lambda: app.driver.runner.step.drill_name == "Banded hip distraction"
              and app.driver.runner.step.kind is StepKind.WORK)
    assert app.screen.side.text() == "LEFT LEG"
    app.until(lambda: app.driver.runner.step.kind is StepKind.SWITCH_SIDES)
    assert app.screen.band.text() == "SWITCH SIDES" and app.screen.side.text() == "SWITCH TO RIGHT LEG"
    assert app.screen.phase.text() == "SWITCH TO RIGHT LEG"  # the new side, as the headline
    assert "Switch sides: right leg" in app.screen.caption.text()
    app.advance(8.25)
    assert app.screen.side.text() == "RIGHT LEG" and app.screen.band.text() == "WORK"


@pytest.mark.parametrize("key", [K.Key_Space, K.Key_B, K.Key_Period])
def test_space_and_clicker_keys_pause_and_resume(app, key):
    app.start("Hip hinge mobility")
    app.advance(3)
    app.key(key)
    assert app.driver.runner.paused and app.screen.pause_overlay.isVisible()
    assert app.screen.band.text() == "PAUSED · GET READY" and app.screen.b_pause.text() == "Resume"
    left = app.screen.number.text
    app.advance(30)
    assert app.screen.number.text == left
    app.key(key)
    assert not app.driver.runner.paused and not app.screen.pause_overlay.isVisible()


@pytest.mark.parametrize("forward, backward", [(K.Key_Right, K.Key_Left), (K.Key_PageDown, K.Key_PageUp)])
def test_next_and_back_keys(app, forward, backward):
    app.start("Hip hinge mobility")
    app.key(forward)
    assert app.screen.band.text() == "WORK"
    app.advance(5)
    app.key(backward)
    assert app.screen.band.text() == "WORK" and app.screen.phase.text().endswith("Rep 1 of 10")  # restarted
    assert app.driver.snapshot().step_elapsed == 0
    app.key(backward)  # again within 2 s: the step before
    assert app.screen.band.text() == "GET READY"


def test_counted_set_enter_backspace_and_d(app, fake_dialogs):
    fake_dialogs.file = str(REPO / "tests" / "data" / "everything.toml")
    app.window.on_open_requested()
    app.key(K.Key_Return)
    app.advance(5.25)
    s = app.screen
    assert s.number.text == "0" and s.phase.text() == "of 3 reps · Enter counts one"
    assert s.b_rep.isEnabled() and s.b_done.isEnabled()
    app.key(K.Key_Return)
    app.key(K.Key_Return)
    assert s.number.text == "2" and "Last rep" in s.caption.text()
    app.key(K.Key_Backspace)
    assert s.number.text == "1"
    app.key(K.Key_D)
    assert s.band.text() == "REST"
    assert app.driver.runner.outcomes[1].reps_done == 1


def test_rep_and_set_done_buttons(app, fake_dialogs, qtbot):
    fake_dialogs.file = str(REPO / "tests" / "data" / "everything.toml")
    app.window.on_open_requested()
    app.window.home.request_start()
    app.advance(5.25)
    for _ in range(3):
        qtbot.mouseClick(app.screen.b_rep, Qt.MouseButton.LeftButton)
    assert app.screen.band.text() == "REST" and app.driver.runner.outcomes[1].reps_done == 3


def test_plus_and_minus_change_the_time_left(app):
    app.start("Hip hinge mobility")
    app.advance(2)
    assert app.screen.number.text == "8"
    app.key(K.Key_Plus)
    assert app.screen.number.text == "18"
    app.key(K.Key_Minus)
    app.key(K.Key_Minus)
    assert app.screen.number.text == "1"  # never below 1 s
    assert app.screen.status.text() == app.screen.sound_notice  # no complaint, only the standing notice
    app.key(K.Key_Minus)
    assert app.screen.number.text == "1"
    assert app.screen.status.text() == "Only 1 s left."


def test_caution_must_be_confirmed_enter(app):
    app.start("Hip hinge basics")
    s = app.screen
    assert s.caution_box.isVisible() and not s.number.isVisible()
    assert s.band.text() == "CAUTION" and "back pain" in s.caution_text.text()
    app.advance(60)
    assert app.driver.runner.state is State.CAUTION  # waits
    app.key(K.Key_Return)
    assert not s.caution_box.isVisible() and s.band.text() == "GET READY"


def test_caution_skip_with_s_or_the_button(app, qtbot):
    app.start("Hip hinge basics")
    app.key(K.Key_S)
    assert app.driver.runner.step.drill_name == "Weighted dowel hip hinge"
    assert app.screen.caution_box.isVisible()
    qtbot.mouseClick(app.screen.skip_button, Qt.MouseButton.LeftButton)
    assert app.window.stack.currentWidget() is app.window.done
    assert "skipped" in app.window.done.summary.text()


def test_h_stops_the_drill_it_hurts(app):
    app.start("Hip hinge mobility")
    app.advance(12)
    app.key(K.Key_H)
    assert app.screen.band.text() == "REST"
    outcomes = [o for o in app.driver.runner.outcomes.values() if o.drill == 0]
    assert {o.status for o in outcomes} == {"stopped"} and outcomes[0].reason == "it hurts"


def test_escape_asks_before_ending_and_no_session_key_says_yes(app, fake_dialogs):
    app.start("Quick warm-up before lifting")
    question = app.screen.end_question
    # Esc asks, in the window; the session holds still while the question is open.
    for key in (K.Key_Return, K.Key_Space, K.Key_PageDown, K.Key_PageUp, K.Key_B, K.Key_Period, K.Key_Escape):
        app.key(K.Key_Escape)
        assert question.isVisible() and app.window.stack.currentWidget() is app.screen
        assert app.driver.runner.state is State.PAUSED and "End the session?" in question.title.text()
        app.advance(20)
        app.key(key)  # Esc then Enter ended a session by accident: every key but E means "keep going"
        assert not question.isVisible() and app.driver.runner.state is State.GET_READY, key
    assert fake_dialogs.confirms == []  # no stock dialog
    app.key(K.Key_Space)  # paused before the question: still paused after "keep going"
    app.key(K.Key_Escape)
    app.key(K.Key_Return)
    assert app.driver.runner.state is State.PAUSED
    app.key(K.Key_Escape)
    app.key(K.Key_E)
    assert app.window.stack.currentWidget() is app.window.done
    assert app.window.done.title.text() == "Session ended early"
    app.key(K.Key_Return)
    assert app.window.stack.currentWidget() is app.window.home and app.driver is None


def test_a_whole_session_ends_on_the_done_screen(app):
    app.start("Quick warm-up before lifting")
    app.until(lambda: app.window.stack.currentWidget() is app.window.done)
    done = app.window.done
    assert done.title.text() == "Session complete. Well done!"
    assert done.title.text() == "Session complete. Well done!"
    summary = done.summary.text()
    assert "Time: 4:39" in summary and summary.count(": done") == 2
    assert not app.driver.timers_active


def test_flash_on_countdown_and_go_unless_turned_off(app):
    app.start("Hip hinge mobility")
    app.advance(7.25)  # "3"
    assert app.screen.flash_overlay.flashes == 1 and app.screen.flash_overlay.isVisible()
    app.advance(3)  # "2", "1", "Go"
    assert app.screen.flash_overlay.flashes == 4
    app.window.prefs.set_flash(False)
    app.advance(60)
    assert app.screen.flash_overlay.flashes == 4


def test_mute_fullscreen_and_help_keys(app):
    app.start("Hip hinge mobility")
    app.key(K.Key_M)
    assert app.window.settings.mute and app.window.command_actions["mute"].isChecked()
    assert "muted" in app.screen.status.text()
    app.key(K.Key_F)
    assert app.window.isFullScreen()
    app.key(K.Key_Escape)  # leaves full screen; does not end the session
    assert not app.window.isFullScreen() and app.window.stack.currentWidget() is app.screen
    app.key(K.Key_Question)
    assert app.window.help.isVisible() and "Page Down" in app.window.help.body.text()
    app.key(K.Key_Escape)
    assert not app.window.help.isVisible()


def test_buttons_work_with_clicks(app, qtbot):
    app.start("Hip hinge mobility")
    s = app.screen
    qtbot.mouseClick(s.b_pause, Qt.MouseButton.LeftButton)
    assert app.driver.runner.paused
    qtbot.mouseClick(s.b_pause, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.b_next, Qt.MouseButton.LeftButton)
    assert s.band.text() == "WORK"
    qtbot.mouseClick(s.b_how, Qt.MouseButton.LeftButton)
    assert s.how.isVisible() and "mid back" in s.how.text()
    qtbot.mouseClick(s.b_back, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.b_back, Qt.MouseButton.LeftButton)
    assert s.band.text() == "GET READY"
    qtbot.mouseClick(s.b_plus, Qt.MouseButton.LeftButton)
    assert s.number.text == "20"
    qtbot.mouseClick(s.b_hurts, Qt.MouseButton.LeftButton)
    assert s.band.text() == "REST"


def test_buttons_take_the_keyboard_focus_from_tab_never_from_a_click(app):
    # (ui/keys.py; tests/qt/test_focus_window.py has the rest: a click leaves the focus where it was)
    app.start("Hip hinge mobility")
    for b in app.screen.button_list + [app.screen.ack_button, app.screen.skip_button]:
        assert b.focusPolicy() == Qt.FocusPolicy.TabFocus


# -- settings ---------------------------------------------------------------------------------


def test_geometry_dose_and_mute_are_remembered(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    first.window.resize(700, 520)  # fits the 800×600 offscreen screen
    first.window.home.set_dose("high")
    first.window.set_mute(True)
    first.window.close()
    saved = json.loads((tmp_path / "data" / "settings.json").read_text())
    assert saved["dose"] == "high" and saved["mute"] is True and saved["geometry"]
    second = App(qtbot, tmp_path)
    assert second.window.home.dose == "high" and second.window.settings.mute
    assert (second.window.width(), second.window.height()) == (700, 520)


def test_a_corrupt_settings_file_is_moved_aside(qtbot, tmp_path, fake_dialogs):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "settings.json").write_text("{not json")
    a = App(qtbot, tmp_path)
    assert a.window.home.dose == "low"
    assert (tmp_path / "data" / "settings.json.broken").read_text() == "{not json"
    assert "moved to" in (a.store.problem or "")


def test_closing_during_a_session_asks_first(app, fake_dialogs):
    app.start("Hip hinge mobility")
    app.advance(2)
    fake_dialogs.answer = False
    app.window.close()
    assert app.window.isVisible() and fake_dialogs.confirms == ["Quit Hinge Timer?"]
    assert app.driver.runner.state is State.GET_READY  # carries on after "no"
    fake_dialogs.answer = True  # (then "yes": the window closes at the end of the test)


# -- sizes ----------------------------------------------------------------------------------------

SIZES = [(800, 600), (600, 800), (1280, 720), (1920, 1080), (1080, 1920), (3840, 2160), (2160, 3840)]


def _clipped(widget) -> list[str]:
    """Visible labels and buttons whose text does not fit inside them."""
    bad = []
    for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        text = QLabel.text(w) if isinstance(w, QLabel) else w.text()  # what is shown (a long line is cut, with "…")
        if not w.isVisible() or not text or w.objectName() == "announcer":  # (0 x 0 on purpose: ui/a11y.py)
            continue
        fm = w.fontMetrics()
        if isinstance(w, QLabel) and w.wordWrap():
            need = w.heightForWidth(w.width())
            if need > w.height() + 2:
                bad.append(f"{w.objectName()}: needs {need}px height, has {w.height()}")
        elif isinstance(w, QLabel) and w.textFormat() != Qt.TextFormat.RichText:
            if fm.horizontalAdvance(text) > w.width() + 2:
                bad.append(f"{w.objectName()}: {text!r} wider than {w.width()}px")
        elif isinstance(w, QAbstractButton):
            # The room inside the button's frame and padding (a style sheet's too): less cuts the text off
            room = w.width()
            if isinstance(w, QPushButton):
                opt = QStyleOptionButton()
                w.initStyleOption(opt)
                room = w.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, w).width() + 2
            if fm.horizontalAdvance(w.text()) > room:
                bad.append(f"{w.objectName()}: {w.text()!r} wider than {w.width()}px")
        top_left = w.mapTo(widget.window(), w.rect().topLeft())
        scrolled = False  # in a scroll area (the editor's form, Home's details): scrolled to, not cut off
        parent = w.parentWidget()
        while parent is not None and not scrolled:
            scrolled = isinstance(parent, QScrollArea)
            parent = parent.parentWidget()
        if not scrolled and not widget.window().rect().contains(top_left):
            bad.append(f"{w.objectName()}: outside the window")
    return bad


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_is_clipped_and_the_digits_scale(app, qtbot, size):
    app.start("Hip hinge mobility")
    app.until(lambda: app.driver.runner.step.drill_name == "Banded hip distraction"
              and app.driver.runner.step.kind is StepKind.WORK)
    app.window.resize(*size)
    qtbot.waitUntil(lambda: app.window.size() == QSize(*size))
    app.advance(0.25)
    qtbot.wait(50)  # let the layout settle after the new font sizes
    assert _clipped(app.screen) == []
    # The main number's digits scale with the window (measured on screen in test_session_screen_sizes.py).
    w, h = size
    assert app.screen.number.glyph_px() >= (0.30 * w if h > w else 0.40 * h)
    for screen in (app.window.home,):
        app.window.stack.setCurrentWidget(screen)
        qtbot.wait(50)
        assert _clipped(screen) == []
    app.window.stack.setCurrentWidget(app.screen)
    # The caution (long text, two big buttons) and the done screen fit too.
    app.until(lambda: app.driver.runner.step.kind is StepKind.CAUTION)
    qtbot.wait(50)
    assert _clipped(app.screen) == []
    app.driver.end_session("test")
    assert app.window.stack.currentWidget() is app.window.done
    qtbot.wait(50)
    assert _clipped(app.window.done) == []


# -- accessibility ----------------------------------------------------------------------------------


def test_every_control_has_an_accessible_name(app):
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAbstractItemView, QProgressBar

    app.start("Hip hinge mobility")
    unnamed = []
    for screen in (app.window.home, app.screen, app.window.done):
        for w in screen.findChildren(QAbstractButton) + screen.findChildren(QAbstractItemView) \
                + screen.findChildren(QProgressBar):
            iface = QAccessible.queryAccessibleInterface(w)
            name = iface.text(QAccessible.Text.Name) if iface is not None else ""
            if not name.strip():
                unnamed.append(w.objectName() or type(w).__name__)
    assert unnamed == []
    back = QAccessible.queryAccessibleInterface(app.screen.b_back)
    assert back.text(QAccessible.Text.Name) == "Back"  # no arrow read out


def test_state_changes_are_announced_to_screen_readers(app, qtbot):
    """Once per change, not every tick (the sound is off here: the screen reader is told all of it;
    tests/qt/test_screen_reader_window.py has the choices, tests/integration/test_screen_reader.py Orca)."""
    from hinge_timer.ui.a11y import GATHER_MS

    app.start("Hip hinge mobility")
    cues = []
    app.driver.cue_fired.connect(cues.append)
    while app.driver.runner.step.kind is not StepKind.SWITCH_SIDES:
        app.advance(1.0)
        qtbot.wait(GATHER_MS + 10)  # changes a second apart are said apart, as in real time
    app.key(K.Key_Space)
    qtbot.wait(GATHER_MS + 50)
    said = app.screen.announcer.said
    assert not any(m.startswith("Get ready") for m in said[:1])  # the start is read from the focused main status
    assert any("Work. Weighted hip hinge" in m for m in said), said
    assert any("Hips back" in m for m in said)  # its paced phases, which the sound would say
    assert any("Switch sides" in m and "Switch to right leg" in m for m in said), said
    assert said[-1].startswith("Paused")
    assert all(a != b for a, b in zip(said, said[1:]))
    # At most one message per step (eight up to the first switch), per cue and for the pause: never per tick.
    assert 3 <= len(said) <= 8 + len(cues) + 1, said


# -- the command line opens the window ------------------------------------------------------------


def test_hinge_timer_with_no_command_opens_home(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from hinge_timer.cli import main

    seen = {}

    def fake_exec():  # the event loop would wait for the user; look at the window instead
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())
        seen["screen"] = window.stack.currentWidget().objectName()
        qtbot.waitUntil(lambda: window.listing.loaded)  # listed just after Home's first paint
        seen["sessions"] = [e.key for e in window.home.entries]
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert main(["--data-dir", str(tmp_path)]) == 0
    assert seen["screen"] == "home_screen"
    assert {"hip-hinge-mobility", "hip-hinge-basics", "quick-warm-up"} <= set(seen["sessions"])
    assert (tmp_path / "settings.json").exists()


def test_run_opens_the_session_and_starts_its_get_ready(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from hinge_timer.cli import main
    from hinge_timer.engine.events import State

    seen = {}

    def fake_exec():
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())
        # The session starts once the window is on screen, so its first sound never comes before it.
        qtbot.waitUntil(lambda: window.run.driver is not None, timeout=3000)
        seen["exposed_first"] = window.windowHandle().isExposed()
        seen["state"] = window.run.driver.runner.snapshot(window.run.driver.clock()).state
        seen["dose"] = window.run.driver.runner.timeline.dose
        seen["fullscreen"] = window.isFullScreen()
        window.end_driver()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert main(["run", "quick-warm-up", "--dose", "high", "--fullscreen", "--data-dir", str(tmp_path)]) == 0
    assert seen == {"exposed_first": True, "state": State.GET_READY, "dose": "high", "fullscreen": True}


# -- keys and taps reach the right place -------------------------------------------------------------


def test_enter_on_home_starts_the_session_and_shows_its_caution(app):
    home = app.window.home
    home.list.setCurrentRow(next(i for i, e in enumerate(home.entries) if e.key == "hip-hinge-basics"))
    app.key(K.Key_Return)
    assert app.window.stack.currentWidget() is app.screen
    # The same Enter must not also confirm the back-injury caution.
    assert app.screen.band.text() == "CAUTION" and app.screen.caution_box.isVisible()


def test_window_keys_work_on_home_and_arrows_choose_session_and_dose(app):
    home = app.window.home
    app.key(K.Key_M)
    assert app.window.settings.mute
    app.key(K.Key_Question, "?")
    assert app.window.help.isVisible()
    app.key(K.Key_Escape)
    assert not app.window.help.isVisible()
    row = home.list.currentRow()
    app.key(K.Key_Down)
    assert home.list.currentRow() == row + 1
    app.key(K.Key_Right)
    assert home.dose == "high" and home.dose_high.isChecked()
    app.key(K.Key_Left)
    assert home.dose == "low"


def test_a_tap_on_the_pause_screen_resumes(app):
    app.start("Hip hinge mobility")
    app.advance(2)
    app.key(K.Key_Space)
    assert app.screen.pause_overlay.isVisible()
    hit = app.click_at(app.screen.b_pause)  # the overlay covers the Resume button
    assert hit is app.screen.pause_overlay or hit.parent() is app.screen.pause_overlay
    assert app.driver.runner.state is State.GET_READY and not app.screen.pause_overlay.isVisible()


def test_help_blocks_the_keys_behind_it_and_a_held_key_counts_once(app):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    app.start("Hip hinge mobility")
    app.advance(2)
    app.key(K.Key_Question, "?")
    assert app.driver.runner.state is State.PAUSED  # the help covers the screen: the clock stops
    left = app.driver.snapshot().step_left
    app.key(K.Key_Space)  # nothing acts behind the help
    app.advance(30)
    assert app.driver.runner.state is State.PAUSED and app.driver.snapshot().step_left == left
    # Opaque: the screen behind does not show through its text (a corner is the window's background).
    from hinge_timer.ui import theme

    image = app.window.grab().toImage()
    corner = app.window.help.mapTo(app.window, app.window.help.rect().topLeft()) + QPoint(4, 4)
    assert image.pixelColor(corner).name() == theme.BACKGROUND.name()
    app.key(K.Key_Escape)
    assert app.driver.runner.state is State.GET_READY and app.driver.snapshot().step_left == left
    for repeat in (False, True, True):  # a held Space: one press, then auto-repeats
        QApplication.sendEvent(app.window, QKeyEvent(QEvent.Type.KeyPress, K.Key_Space,
                                                     Qt.KeyboardModifier.NoModifier, " ", repeat))
    assert app.driver.runner.state is State.PAUSED


def test_closing_mid_session_and_saying_yes_records_it_and_saves(app, fake_dialogs, tmp_path):
    app.start("Hip hinge mobility")
    app.advance(2)
    fake_dialogs.answer = True
    runner = app.driver.runner
    app.window.close()
    assert runner.finished
    assert {o.reason for o in runner.outcomes.values()} == {"window closed"}  # every drill left is recorded so
    saved = json.loads((tmp_path / "data" / "settings.json").read_text())
    assert saved["fullscreen"] is False and saved["geometry"]


def test_settings_that_cannot_be_saved_are_reported_but_never_block_ctrl_c(app, fake_dialogs, tmp_path):
    from hinge_timer.settings import SettingsStore

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    app.window.store = SettingsStore(blocker)
    app.window.interrupt()  # Ctrl-C: logged only, no dialog nobody may be there to close
    assert fake_dialogs.errors == []
    app.window.save_settings()
    assert [title for title, _ in fake_dialogs.errors] == ["Settings not saved"]
    assert str(blocker) in fake_dialogs.errors[0][1]


def test_a_stopped_drill_is_not_cheered_on_the_done_screen(app):
    app.start("Quick warm-up before lifting")
    app.advance(12)
    app.key(K.Key_H)  # the first drill hurts
    app.until(lambda: app.window.stack.currentWidget() is app.window.done)
    done = app.window.done
    assert done.title.text() == "Session over: Weighted hip hinge was stopped for pain"  # never "complete"
    assert "stopped: it hurts" in done.summary.text()


def test_screen_readers_read_what_the_labels_say(app):
    from PySide6.QtGui import QAccessible

    app.start("Hip hinge mobility")
    name = lambda w: QAccessible.queryAccessibleInterface(w).text(QAccessible.Text.Name)  # noqa: E731
    assert name(app.screen.drill) == "Weighted hip hinge"
    assert app.screen.time_left.text().endswith(" left")  # read out once a minute, in words:
    assert name(app.screen.time_left).endswith(" left in the session")
