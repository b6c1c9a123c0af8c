"""The editor in the real window: a normal form, so every key is the focused field's (ui/keys.py) but for
Ctrl+S, Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y and Escape."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from hinge_timer.app import commands
from hinge_timer.session.draft import Draft
from hinge_timer.session.load import parse_session
from hinge_timer.ui import editor as editor_module

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def editor(app, monkeypatch, deadline):
    # The window closing at the end asks about unsaved changes: answered, never a real dialog.
    monkeypatch.setattr(editor_module, "ask_save_changes", lambda parent, title: "discard")
    app.window.session_actions.open_editor(Draft.new("Morning hinge"))
    assert app.window.current_screen() == commands.EDITOR
    screen = app.window.stack.currentWidget()
    app.qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.title)
    app.qtbot.waitUntil(lambda: not screen.checking, timeout=10_000)  # (Try it is offered once it is checked)
    return screen


def press(app, key, mods=Qt.KeyboardModifier.NoModifier):
    app.qtbot.keyClick(QApplication.focusWidget(), key, mods)


def test_letters_type_into_the_field_and_run_no_command(app, editor):
    w = app.window
    mute, full = w.prefs.mute, w.isFullScreen()
    app.qtbot.keyClick(editor.title, Qt.Key.Key_End)
    app.qtbot.keyClicks(editor.title, " mf?h")
    assert editor.title.text() == "Morning hinge mf?h"
    assert (w.prefs.mute, w.isFullScreen()) == (mute, full)
    assert w._help is None or not w._help.isVisible()
    assert w.current_screen() == commands.EDITOR
    assert editor.draft.get(("title",)) == "Morning hinge mf?h"
    how = editor.findChild(QWidget, "drill_how")  # a text box too, and its Space and Enter
    how.setFocus()
    app.qtbot.keyClicks(how, "mf? h")
    app.qtbot.keyClick(how, Qt.Key.Key_Return)
    app.qtbot.keyClicks(how, "b.")
    assert how.toPlainText() == "mf? h\nb." and editor.draft.get(("drill", 0, "how")) == "mf? h\nb."
    assert (w.prefs.mute, w.isFullScreen()) == (mute, full)
    assert w._help is None or not w._help.isVisible()


def test_tab_follows_the_form_and_leaves_a_text_box(app, editor):
    press(app, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.summary
    app.qtbot.keyClicks(editor.summary, "Ten minutes")
    press(app, Qt.Key.Key_Tab)  # a text box does not take Tab in: the focus moves on
    assert QApplication.focusWidget() is editor.defaults["get_ready"]
    assert editor.summary.toPlainText() == "Ten minutes"
    press(app, Qt.Key.Key_Backtab, SHIFT)
    assert QApplication.focusWidget() is editor.summary


def test_undo_redo_and_save_by_keys_in_a_field(app, editor, monkeypatch):
    name = editor.findChild(QWidget, "drill_name")
    name.setFocus()
    app.qtbot.keyClick(name, Qt.Key.Key_A, CTRL)
    app.qtbot.keyClicks(name, "Hamstring floss")
    assert editor.draft.get(("drill", 0, "name")) == "Hamstring floss"
    press(app, Qt.Key.Key_Z, CTRL)
    assert name.text() == "Drill 1" and editor.draft.get(("drill", 0, "name")) == "Drill 1"
    press(app, Qt.Key.Key_Z, CTRL | SHIFT)
    assert name.text() == "Hamstring floss"
    press(app, Qt.Key.Key_Z, CTRL)
    press(app, Qt.Key.Key_Y, CTRL)
    assert name.text() == "Hamstring floss"
    assert "unsaved" in editor.heading.text()
    with app.qtbot.waitSignal(editor.saved) as saved:
        press(app, Qt.Key.Key_S, CTRL)
    s = parse_session(saved.args[0].read_text(encoding="utf-8"), str(saved.args[0]))
    assert (s.title, s.drills[0].name) == ("Morning hinge", "Hamstring floss")
    assert "unsaved" not in editor.heading.text()


def test_escape_asks_before_leaving_with_changes(app, editor, monkeypatch):
    answers = ["cancel", "discard"]
    asked: list[str] = []
    monkeypatch.setattr(editor_module, "ask_save_changes", lambda parent, title: asked.append(title) or answers.pop(0))
    app.qtbot.keyClicks(editor.title, "!")
    press(app, Qt.Key.Key_Escape)
    assert asked == ["Morning hinge!"] and app.window.current_screen() == commands.EDITOR
    press(app, Qt.Key.Key_Escape)
    assert app.window.current_screen() == commands.HOME
    assert list(app.sessions.glob("*.toml")) == [] if app.sessions.exists() else True


def test_tab_walks_the_whole_form_in_reading_order(app, editor):
    """From Undo round the form: the session's fields, the drills, the drill's fields, Try it; each named."""
    editor.undo_button.setEnabled(True)  # (disabled buttons are not in the chain)
    seen: list[str] = []
    editor.undo_button.setFocus()
    for _ in range(60):
        f = QApplication.focusWidget()
        if f.objectName() in seen:
            break
        seen.append(f.objectName())
        assert f.accessibleName(), f.objectName()
        press(app, Qt.Key.Key_Tab)
    order = ["editor_undo", "editor_save", "editor_back", "session_title", "session_summary",
             "default_get_ready", "default_dose", "drill_list", "drill_add", "drill_add_copy", "drill_name",
             "drill_kind", "drill_amount", "drill_sets", "drill_sides", "drill_how", "drill_caution",
             "drill_rest_after", "try_drill", "try_session"]
    positions = [seen.index(name) for name in order]
    assert positions == sorted(positions), seen
