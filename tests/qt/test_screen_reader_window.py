"""What the screen reader is told during a session (ui/a11y.py's announcer), by the user's choice in
View → Screen reader, with the sound speaking or not.  A session a user wrote: own names, two sides,
a caution, a paced set with its own lines and odd numbers.  (What Orca really says of it:
tests/integration/test_screen_reader.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from tests.conftest import REPO
from tests.qt.conftest import App

MINE = (REPO / "tests" / "data" / "screen-reader.toml").read_text(encoding="utf-8")


def started(qtbot, tmp_path, mode="auto", sound_speaks=False):
    (tmp_path / "data" / "sessions").mkdir(parents=True)
    (tmp_path / "data" / "sessions" / "mine.toml").write_text(MINE, encoding="utf-8")
    app = App(qtbot, tmp_path)
    app.window.prefs.set_screen_reader(mode)
    app.start("Thursday hinge, my way")
    screen = app.screen
    if sound_speaks:
        # The window's sound is "none" in these tests (its notice says the sound is off); the screen only
        # asks whether the sound speaks, which real sound does (tests/integration/test_screen_reader.py).
        screen.set_sound_notice("")
        app.qtbot.wait(200)
        screen.announcer.said.clear()  # what was said of the start, before the notice went
    return app, screen


def said(app, seconds, dt=0.25):
    """Advance the session (each second of it followed by a real 160 ms, so that changes a second apart
    are not gathered into one message, as they are not in real time) and wait for the announcer to say
    what came: what it said, in order."""
    from hinge_timer.ui.a11y import GATHER_MS

    start = len(app.screen.announcer.said)
    for i in range(round(seconds / dt)):
        app.clock.advance(dt)
        app.driver.pump()
        if (i + 1) % round(1 / dt) == 0:
            app.qtbot.wait(GATHER_MS + 10)
    app.qtbot.wait(GATHER_MS + 50)
    return app.screen.announcer.said[start:]


def test_with_the_sound_off_every_change_and_cue_is_told_once(qtbot, tmp_path, fake_dialogs):
    app, screen = started(qtbot, tmp_path)
    assert not screen.sound_speaks  # the sound is "none" here
    told = said(app, 4.0)
    # The start: the focus lands on the main status, whose name the screen reader reads; so the same
    # words are not told again beside it (nor the get-ready cue that goes with them).
    assert QApplication.focusWidget() is screen.number
    assert QAccessible.queryAccessibleInterface(screen.number).text(QAccessible.Text.Name).startswith(
        "Get ready. Doorframe hamstring lean. Left leg")
    assert not any("Get ready" in t for t in told), told
    told = said(app, 14.0)  # work on the left, then switch sides
    assert any(t.startswith("Work. Doorframe hamstring lean. Left") for t in told), told
    assert any("Switch sides" in t and "right" in t.lower() for t in told)
    assert not any(t in ("3.", "2.", "1.") for t in told), "3-2-1 is not read out"
    app.key(Qt.Key.Key_Space)
    told = said(app, 1.0)
    assert told and told[0].startswith("Paused")
    app.key(Qt.Key.Key_Space)
    told = said(app, 1.0)
    assert told and "Paused" not in told[0]  # going on again is told too
    for a, b in zip(screen.announcer.said, screen.announcer.said[1:]):
        assert a != b, f"said twice in a row: {a!r}"


def test_the_caution_is_told_whole_and_the_paced_phases_with_their_own_lines(qtbot, tmp_path, fake_dialogs):
    app, screen = started(qtbot, tmp_path)
    told = said(app, 60.0)  # both sides, the rest: the caution waits
    # The focus is on its confirm button, in a dialog that holds the whole text: the screen reader reads
    # that for the focus, so the caution is not told again (Orca said it twice: test_screen_reader.py).
    assert screen.caution_box.isAncestorOf(QApplication.focusWidget())
    box = QAccessible.queryAccessibleInterface(screen.caution_box)
    assert box.role() == QAccessible.Role.Dialog and "Broomstick curl" in box.text(QAccessible.Text.Name)
    assert "Stop at once if your back tingles" in box.text(QAccessible.Text.Description)
    assert not [t for t in told if "Stop at once" in t]
    app.qtbot.wait(1600)  # a caution refuses Enter in its first 1.5 s (it is read first)
    app.key(Qt.Key.Key_Return)
    told = said(app, 20.0)
    text = " ".join(told)
    assert "Breathe out, let it hang" in text and "Stack up slowly" in text


def test_with_the_sound_speaking_auto_tells_only_what_the_sound_does_not(qtbot, tmp_path, fake_dialogs):
    app, screen = started(qtbot, tmp_path, sound_speaks=True)
    assert screen.sound_speaks
    told = said(app, 25.0)  # the left side's work, switch sides, the right side: all said by the sound
    assert told == []
    app.key(Qt.Key.Key_Space)
    assert said(app, 1.0)[0].startswith("Paused")
    app.key(Qt.Key.Key_Space)
    assert len(said(app, 1.0)) == 1  # going on again (the sound says nothing of it)
    told = said(app, 40.0)  # to the caution: the focus goes to it, in its dialog, which is read for that
    assert screen.caution_box.isAncestorOf(QApplication.focusWidget()) and told == []


def test_always_tells_everything_with_the_sound_too_and_off_tells_nothing(qtbot, tmp_path, fake_dialogs):
    app, screen = started(qtbot, tmp_path, mode="always", sound_speaks=True)
    told = said(app, 6.0)  # the work on the left: the sound says it, and so is the screen reader told
    assert told and told[0].startswith("Work. Doorframe hamstring lean. Left leg")
    app.window.commands.run("reader_off")  # View → Screen reader → Nothing
    assert app.window.settings.screen_reader == "off" and app.window.command_actions["reader_off"].isChecked()
    app.key(Qt.Key.Key_Space)
    assert said(app, 30.0) == []
    app.window.commands.run("reader_auto")
    assert app.window.command_actions["reader_auto"].isChecked()


def test_the_announcer_is_a_notification_that_takes_no_room_and_no_focus(qtbot, tmp_path, fake_dialogs):
    app, screen = started(qtbot, tmp_path)
    said(app, 6.0)
    notice = screen.announcer.notice
    iface = QAccessible.queryAccessibleInterface(notice)
    assert iface.role() == QAccessible.Role.Notification
    assert iface.text(QAccessible.Text.Name).startswith("Work. Doorframe hamstring lean")
    assert notice.isVisible() and notice.width() == 0 and notice.height() == 0
    assert notice.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_drill_name_with_control_characters_is_told_escaped(qtbot, tmp_path, fake_dialogs):
    (tmp_path / "data" / "sessions").mkdir(parents=True)
    (tmp_path / "data" / "sessions" / "odd.toml").write_text(
        'format = 1\ntitle = "Odd names"\n[[drill]]\nname = "Lean\\u001b]52;c;x\\u0007 left"\nhold = 7\n',
        encoding="utf-8")
    app = App(qtbot, tmp_path)
    app.start("Odd names")
    told = " ".join(said(app, 12.0))  # to the work (the get-ready is read from the focused main status)
    assert "\x1b" not in told and "\x07" not in told and "Lean" in told


def test_closing_the_help_tells_the_session_going_on(qtbot, tmp_path, fake_dialogs):
    """The focus comes back to the main status while its name still says "Paused" (the clock goes on
    just after): the going on is told, not dropped as if the focus had said it."""
    app, screen = started(qtbot, tmp_path)
    said(app, 7.0)  # the work on the left
    app.key(Qt.Key.Key_F1)
    assert app.window.help.isVisible()
    assert said(app, 1.0)[-1].startswith("Paused")
    app.key(Qt.Key.Key_Escape)
    assert not app.window.help.isVisible() and QApplication.focusWidget() is screen.number
    told = said(app, 1.0)
    assert told and told[-1].startswith("Work. Doorframe hamstring lean. Left leg"), told


@pytest.mark.parametrize("sound", ["off", "speaking"])
def test_a_set_the_user_counts_takes_enter_back_from_a_button_tabbed_to(qtbot, tmp_path, fake_dialogs, sound):
    """Enter counts a rep in a counted set: a strip button the user tabbed to earlier gives the focus
    back to the main status when such a set starts, so Enter never presses it instead."""
    from hinge_timer.session.kinds import Shows  # noqa: F401  (what the screen shows: a rep count)

    (tmp_path / "data" / "sessions").mkdir(parents=True)
    (tmp_path / "data" / "sessions" / "count.toml").write_text(
        'format = 1\ntitle = "Counted twice"\n[defaults]\nget_ready = 3\nrest_between_sets = 5\n'
        '[[drill]]\nname = "Seven good mornings"\nreps = 7\nsets = 2\n', encoding="utf-8")
    app = App(qtbot, tmp_path)
    app.start("Counted twice")
    screen = app.screen
    if sound == "speaking":  # (then the screen reader is told nothing of it: the focus still moves)
        screen.set_sound_notice("")
    said(app, 4.0)  # the first set: counted
    screen.b_next.setFocus(Qt.FocusReason.TabFocusReason)  # the user tabbed to Next
    app.key(Qt.Key.Key_Return)  # and pressed it: to the rest
    said(app, 7.0)  # the rest, then the second set
    assert app.driver.snapshot().user_counted and QApplication.focusWidget() is screen.number
    reps = app.driver.snapshot().rep
    app.key(Qt.Key.Key_Return)
    assert app.driver.snapshot().rep == reps + 1 and app.driver.snapshot().set_no == 2  # counted, not Next again


def test_without_a_speech_engine_the_own_lines_are_told(qtbot, tmp_path, fake_dialogs):
    """No espeak-ng: a session's own lines play as tones, so "automatic" tells them to the screen reader
    even with the sound on."""
    app, screen = started(qtbot, tmp_path, sound_speaks=True)
    assert screen.sound_speaks
    screen.speech_missing = lambda: True
    assert not screen.sound_speaks
    told = said(app, 20.0)
    assert any("Switch sides" in t for t in told), told
