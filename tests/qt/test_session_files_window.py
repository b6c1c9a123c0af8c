"""Session files a person writes, in the window (issue 17): a broken file's problems shown readably with
Reload, on Home and after File → Open; files opened with File → Open listed again after a restart; the
Open dialog starting in the sessions folder, made if need be.

Real files, a real window (tests/qt/conftest.py ``App``), the real checker (a child process) behind
Reload; only the modal dialogs are stood in for (``fake_dialogs``), and the real problems dialog is
built and clicked on its own.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QPushButton

from hinge_timer.settings import RECENT_MAX
from hinge_timer.ui import dialogs

from tests.qt.conftest import App
from tests.qt.test_plain_text import magenta_pixels, picture  # noqa: F401 (a fixture)

# Dana's own session, as she means it to be: her drill names, one side, odd numbers.
DANA = """\
format = 1
title = "Dana's desk-break hinge"

[defaults]
get_ready = 6

[[drill]]
name = "Standing hamstring reach"
hold = 45
sides = ["left"]

[[drill]]
name = "Wall hinge taps"
reps = 9
sets = [2, 3]
"""
# ...and as she first typed it: the hold with its unit, as she would say it.
DANA_TYPO = DANA.replace("hold = 45", "hold = 45 s")


def row_of(home, key_end: str) -> int:
    return next(i for i, e in enumerate(home.entries) if e.key.endswith(key_end))


def test_a_broken_file_on_home_names_the_file_once_and_reload_checks_it_again(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    app.sessions.mkdir(parents=True)
    path = app.sessions / "desk-break.toml"
    path.write_text(DANA_TYPO, encoding="utf-8")
    app.reload()
    home = app.window.home
    home.list.setCurrentRow(row_of(home, "desk-break.toml"))
    assert home.list.currentItem().text() == "⚠ desk-break.toml: cannot be opened"
    assert home.details_title.text() == "Cannot open this session"
    assert home.details_file.text() == f"File: {path}" and home.details_file.isVisible()
    # One problem a line, where in the file and what to write, without the path again.
    assert home.details.text() == "Line 9: not valid TOML: hold is a number of seconds without a unit: hold = 45"
    assert str(path) not in home.details.text()
    for label in (home.details_file, home.details, home.reload_hint):
        assert label.textFormat() is Qt.TextFormat.PlainText
    assert home.reload_row.isVisible() and home.reload_button.text() == "Reload"

    # Dana fixes one thing but not the other, saves, and presses Reload: the new problem is shown.
    path.write_text(DANA.replace("reps = 9", "reps = 9 reps"), encoding="utf-8")
    start = time.perf_counter()
    qtbot.mouseClick(home.reload_button, Qt.MouseButton.LeftButton)
    assert time.perf_counter() - start < 0.1  # checked by a worker (and a child process), not here
    assert home.reload_button.text() == "Checking…" and not home.reload_button.isEnabled()
    qtbot.waitUntil(lambda: "Line 14" in home.details.text(), timeout=30_000)
    assert home.details.text() == (
        "Line 14: not valid TOML: reps is a whole number, without a word after it: reps = 9")
    qtbot.waitUntil(lambda: home.reload_button.isEnabled(), timeout=10_000)
    assert home.reload_button.text() == "Reload"

    # Fixed: the entry opens now, stays selected, and shows what it holds; Reload goes away.
    path.write_text(DANA, encoding="utf-8")
    qtbot.mouseClick(home.reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: home.current.session is not None, timeout=30_000)
    assert home.list.currentItem().text() == "Dana's desk-break hinge  (yours)"
    assert home.details_title.text() == "Dana's desk-break hinge"
    assert "Standing hamstring reach: 45 s" in home.details.text()
    assert "Wall hinge taps: 2 × 9 reps (you count them)" in home.details.text()  # no tempo: no clock
    assert not home.reload_row.isVisible() and not home.details_file.isVisible()
    assert fake_dialogs.errors == []


def test_the_problems_dialog_is_readable_plain_text_and_reloads(qtbot, picture):
    """The real dialog: the file once, the problems in a text box large enough to read (plain text: a
    value from the file is never rich text), and Reload, which waits for the answer without blocking."""
    pending: list = []

    def recheck(done):
        pending.append(done)

    problems = f"Line 4: drill[1].name: got \"<img src='{picture}'><b>x</b>\"\nLine 9: drill[2].hold: is required"
    box = dialogs.problems_dialog(None, "This session cannot be opened", "File: /home/dana/x.toml", problems,
                                  recheck)
    qtbot.addWidget(box)  # looked at, not shown: the offscreen platform warns about a top-level dialog
    text = box.findChild(QPlainTextEdit, "problems_text")
    assert text.toPlainText() == problems and text.isReadOnly()
    assert text.toPlainText().count("\n") == 1  # one problem a line
    assert box.width() >= 700 and box.height() >= 400
    for label in box.findChildren(QLabel):
        assert label.textFormat() is Qt.TextFormat.PlainText
    assert box.findChild(QLabel, "problems_file").text() == "File: /home/dana/x.toml"
    assert magenta_pixels(box) == 0  # the file's <img> is shown as its text, not drawn
    reload = box.findChild(QPushButton, "problems_reload")
    reload.click()
    assert not reload.isEnabled() and reload.text() == "Checking…" and len(pending) == 1
    pending.pop()("Line 9: drill[2].hold: is required")
    assert text.toPlainText() == "Line 9: drill[2].hold: is required" and reload.isEnabled()
    reload.click()
    QTimer.singleShot(10, lambda: pending.pop()(None))  # the answer comes later: the file opens now
    qtbot.waitUntil(lambda: box.result() == QDialog.DialogCode.Accepted)


def test_a_built_in_that_cannot_be_opened_has_no_reload():
    box = dialogs.problems_dialog(None, "t", "File: x", "p")
    try:
        assert box.findChild(QPushButton, "problems_reload") is None
        assert box.findChild(QPushButton, "problems_close") is not None
    finally:
        box.deleteLater()


def test_a_file_opened_from_the_sessions_folder_is_listed_once(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    app.sessions.mkdir(parents=True)
    mine = app.sessions / "desk-break.toml"
    mine.write_text(DANA, encoding="utf-8")
    fake_dialogs.file = str(mine)
    app.window.on_open_requested()
    app.reload()  # as at the next start: the folder's file and the remembered one are the same
    titles = [e.title for e in app.window.home.entries]
    assert titles.count("Dana's desk-break hinge") == 1


def test_the_open_dialog_starts_in_the_sessions_folder_made_if_missing(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    assert not app.sessions.exists()
    app.window.on_open_requested()  # the user cancels: nothing is opened
    assert fake_dialogs.folders == [str(app.sessions)] and app.sessions.is_dir()
    assert app.window.settings.recent_files == []


def test_a_sessions_folder_that_cannot_be_made_opens_in_the_home_folder(qtbot, tmp_path, fake_dialogs):
    from pathlib import Path

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    app = App(qtbot, tmp_path)
    app.window.listing.sessions_dir = blocker / "sessions"  # under a file: it cannot be made
    app.window.on_open_requested()
    assert fake_dialogs.folders == [str(Path.home())] and fake_dialogs.errors == []
