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


def test_file_open_of_a_broken_file_says_why_with_reload_and_keeps_it_on_home(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    elsewhere = tmp_path / "Downloads"
    elsewhere.mkdir()
    path = elsewhere / "from-my-coach.toml"
    path.write_text(DANA.replace('title = "Dana\'s desk-break hinge"', "title = Dana's desk-break hinge"),
                    encoding="utf-8")
    fake_dialogs.file = str(path)
    app.window.on_open_requested()
    ((title, where, problems, recheck),) = fake_dialogs.problems
    assert title == "This session cannot be opened" and where == f"File: {path}"
    assert problems == ("Line 2: not valid TOML: text goes in double quotes: title = \"Dana's desk-break hinge\"")
    home = app.window.home
    assert home.current.key == str(path) and home.current.session is None  # on Home, selected, with Reload
    assert home.reload_row.isVisible()

    # Reload from the dialog, still broken, then fixed: the dialog hears each answer, Home follows.
    answers: list[str | None] = []
    path.write_text(DANA.replace("sets = [2, 3]", "sets = 2-3"), encoding="utf-8")
    recheck(answers.append)
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=30_000)
    assert answers == ["Line 15: not valid TOML: sets is a whole number, or [min, max] for a range: sets = [2, 3]"]
    path.write_text(DANA, encoding="utf-8")
    recheck(answers.append)
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=30_000)
    assert answers[1] is None  # it opens now: the dialog closes
    assert home.current.key == str(path) and home.current.session is not None
    assert home.details_title.text() == "Dana's desk-break hinge"


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


def test_files_opened_are_listed_again_after_a_restart_and_gone_ones_dropped(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    coach = tmp_path / "coach"
    coach.mkdir()
    files = []
    for n in (1, 2):
        f = coach / f"week-{n}.toml"
        f.write_text(DANA.replace("Dana's desk-break hinge", f"Week {n} with Sam"), encoding="utf-8")
        files.append(f)
        fake_dialogs.file = str(f)
        first.window.on_open_requested()
    assert first.window.home.current.session.title == "Week 2 with Sam"
    assert first.window.settings.recent_files == [str(files[1]), str(files[0])]
    first.window.close()  # the settings are saved as the window closes

    files[0].unlink()  # moved away meanwhile
    second = App(qtbot, tmp_path)
    home = second.window.home
    labels = [home.list.item(i).text() for i in range(home.list.count())]
    assert "Week 2 with Sam  (yours)" in labels
    assert not any("week-1" in label or "Week 1" in label for label in labels)  # dropped, without a word
    assert fake_dialogs.errors == [] and second.window.home.notice.text() == ""
    assert second.window.settings.recent_files == [str(files[1])]
    second.window.close()
    assert str(files[0]) not in (tmp_path / "data" / "settings.json").read_text(encoding="utf-8")


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


def test_only_the_latest_files_are_remembered(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    for n in range(RECENT_MAX + 3):
        f = tmp_path / f"s{n:02d}.toml"
        f.write_text(DANA.replace("Dana's desk-break hinge", f"Session {n}"), encoding="utf-8")
        fake_dialogs.file = str(f)
        app.window.on_open_requested()
    recent = app.window.settings.recent_files
    assert len(recent) == RECENT_MAX and recent[0].endswith("s12.toml") and recent[-1].endswith("s03.toml")


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
