"""The real window with a hostile settings.json or an odd history in the data folder.

settings.json: the window starts (through ``main``, as ``hinge-timer`` does) and says the settings were
reset and why.  The history: a lock held by another program, a folder in its place, and a file holding a
planted trigger are each said on Home; the planted file is offered to be moved aside, kept whole.
A start that blocks on a FIFO fails here (SIGALRM) instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import Qt

from hinge_timer.store.db import FILE_NAME
from hinge_timer.ui.history_view import LOCK_RETRY_MS
from tests.sqlite_lock import EXCLUSIVE, held, release
from tests.qt.conftest import App
from tests.qt.test_history import WARM_UP, finish_session
from tests.unit.test_store import add_run


def make_settings(path, kind):
    mine = {"dose": "high", "mute": True, "last_session": "Kim's knees"}
    if kind == "utf-16":
        path.write_bytes(json.dumps(mine).encode("utf-16"))
    elif kind == "invalid byte":
        path.write_bytes(b'{"dose": "high", "mute": \xff}')
    elif kind == "deep":
        path.write_bytes(b'{"extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    elif kind == "huge":
        path.write_bytes(b'{"dose": "' + b"h" * (2 << 20) + b'"}')
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device link":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()


REASONS = {"utf-16": "UTF-16", "invalid byte": "byte 0xff", "deep": "nested more than", "huge": "bytes, more than",
           "fifo": "named pipe", "device link": "a device", "folder": "a folder"}


@pytest.mark.parametrize("kind", list(REASONS))
def test_the_window_starts_with_a_hostile_settings_file_and_says_why(qtbot, tmp_path, monkeypatch, fake_dialogs,
                                                                     deadline, kind):
    from PySide6.QtWidgets import QApplication

    from hinge_timer.cli import main

    path = tmp_path / "settings.json"
    make_settings(path, kind)
    seen = {}

    def fake_exec():  # the event loop would wait for the user; look at the window instead
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())
        qtbot.waitUntil(lambda: bool(fake_dialogs.errors))  # said once the window shows
        seen["screen"] = window.stack.currentWidget().objectName()
        seen["dose"] = window.home.dose
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert main(["--data-dir", str(tmp_path)]) == 0
    assert seen == {"screen": "home_screen", "dose": "low"}  # defaults, on Home
    ((title, text),) = fake_dialogs.errors
    assert title == "Settings were reset"
    assert str(path) in text and REASONS[kind] in text and str(tmp_path / "settings.json.broken") in text
    assert os.path.lexists(tmp_path / "settings.json.broken")  # moved aside, not deleted
    assert json.loads(path.read_text())["dose"] == "low"  # and good settings saved on closing


@pytest.mark.parametrize("bad", ['"volume": 1' + "0" * 400, '"volume": NaN', '"volume": -Infinity', '"mute": 1',
                                 '"geometry": [1, 2]', '"dose": "extreme"'])
def test_the_window_starts_with_a_bad_value_in_good_settings_and_keeps_the_rest(qtbot, tmp_path, monkeypatch,
                                                                             fake_dialogs, deadline, bad):
    from PySide6.QtWidgets import QApplication

    from hinge_timer.cli import main

    path = tmp_path / "settings.json"
    key = bad.split('"')[1]
    mine = {k: v for k, v in {"dose": "high", "mute": True, "volume": 0.35, "flash": False}.items() if k != key}
    path.write_text(json.dumps(mine)[:-1] + ", " + bad + "}")
    seen = {}

    def fake_exec():
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())
        qtbot.waitUntil(lambda: window.listing.ready)
        seen["screen"] = window.stack.currentWidget().objectName()
        seen["settings"] = (window.home.dose, window.settings.mute, window.settings.volume, window.settings.flash)
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert main(["--data-dir", str(tmp_path)]) == 0  # no traceback: the window started
    assert seen["screen"] == "home_screen"
    defaults = {"dose": "low", "mute": False, "volume": 0.9, "flash": True}
    assert seen["settings"] == tuple({**defaults, **mine}[k] for k in defaults)  # only the bad key is reset
    assert fake_dialogs.errors == [] and path.exists()  # a good file with one bad value: not moved aside
    saved = json.loads(path.read_text())
    assert {k: saved[k] for k in mine} == mine


# -- the history ---------------------------------------------------------------------------------------------
def three_runs(data):
    from hinge_timer.store.db import open_history

    h = open_history(data)
    for d in (3, 4, 5):
        add_run(h.conn, date(2026, 11, d))
    h.close()


def count(path):
    c = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return c.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        c.close()


def test_a_history_locked_by_another_program_is_said_on_home_and_opens_after(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    three_runs(data)
    with held(data / FILE_NAME, EXCLUSIVE):
        app = App(qtbot, tmp_path)
        notice = app.window.home.notice
        assert notice.isVisible() and "in use by another program" in notice.text() and "damaged" not in notice.text()
        assert app.window.history_service.history.locked and app.window.history_service.history.moved_to is None
        assert [p.name for p in data.iterdir() if ".sqlite3." in p.name] == []  # nothing moved aside
        app.start(WARM_UP)
        app.advance(30)
        assert app.driver.runner.step_index > 0  # the session runs
        app.window.end_driver()
    app.window.go_home()  # the lock is gone: the history opens (at once, or at Home's next try if our own
    # writer was just then putting the kept run in), and Home says nothing more
    history = app.window.history_service.history
    qtbot.waitUntil(lambda: not history.locked, timeout=3 * LOCK_RETRY_MS)
    assert history.writable
    assert not notice.isVisible()
    assert count(data / FILE_NAME) >= 3
    assert fake_dialogs.errors == []
    app.window.history_service.history.close()


def test_homes_notice_of_a_locked_history_goes_when_the_lock_does_without_leaving_home(qtbot, tmp_path,
                                                                                     fake_dialogs):
    data = tmp_path / "data"
    three_runs(data)
    with held(data / FILE_NAME, EXCLUSIVE) as holder:
        app = App(qtbot, tmp_path)
        notice = app.window.home.notice
        assert notice.isVisible() and "in use by another program" in notice.text()
        qtbot.wait(LOCK_RETRY_MS + 500)  # Home tries again while it is held: still said, nothing moved
        assert notice.isVisible() and app.window.history_service.history.locked
        release(holder)
        qtbot.waitUntil(lambda: not notice.isVisible(), timeout=3 * LOCK_RETRY_MS)
    assert app.window.stack.currentWidget() is app.window.home  # the user never left Home
    assert app.window.history_service.history.writable and count(data / FILE_NAME) == 3
    assert [p.name for p in data.iterdir() if ".sqlite3." in p.name] == []
    assert fake_dialogs.errors == []
    app.window.history_service.history.close()


def test_a_folder_in_place_of_the_history_is_said_on_home_and_left_alone(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    (data / FILE_NAME).mkdir(parents=True)
    app = App(qtbot, tmp_path)
    text = app.window.home.notice.text()
    assert "is a folder, not a regular file" in text and "Errno" not in text
    app.start(WARM_UP)
    finish_session(app)
    assert app.window.done.saved.text().startswith("Not saved in your history:")
    app.window.end_driver()
    assert (data / FILE_NAME).is_dir() and fake_dialogs.errors == []


PLANTED = ["CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM runs; END",
           "CREATE TABLE stash (what TEXT)", "CREATE VIEW all_runs AS SELECT * FROM runs"]


def plant(data):
    three_runs(data)
    c = sqlite3.connect(data / FILE_NAME, isolation_level=None)
    for sql in PLANTED:
        c.execute(sql)
    c.close()


def test_a_planted_trigger_is_named_on_home_and_moved_aside_when_asked(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    plant(data)
    app = App(qtbot, tmp_path)
    home = app.window.home
    assert 'trigger "wipe" (on runs)' in home.notice.text() and 'view "all_runs"' in home.notice.text()
    assert home.notice.textFormat() == Qt.TextFormat.PlainText
    button = home.findChild(type(home.start_button), "history_aside")
    assert button is not None and button.isVisible()
    assert not app.window.history_service.history.writable
    app.start(WARM_UP)  # runs, but is not saved: the trigger never fires
    finish_session(app)
    assert app.window.done.saved.text().startswith("Not saved in your history:")
    app.key(Qt.Key.Key_Return)  # done -> home
    assert count(data / FILE_NAME) == 3

    fake_dialogs.answer = False  # "Keep going": nothing happens
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert fake_dialogs.confirms == ["Move the history aside?"]
    assert not any(".unexpected-" in p.name for p in data.iterdir()) and count(data / FILE_NAME) == 3

    fake_dialogs.answer = True
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    moved = app.window.history_service.history.moved_to
    assert moved is not None and moved.name.startswith(FILE_NAME + ".unexpected-")
    assert count(moved) == 3  # the copy has every run
    assert str(moved) in home.notice.text() and not button.isVisible()
    assert app.window.history_service.history.writable
    app.start(WARM_UP)  # a new history works
    finish_session(app)
    qtbot.waitUntil(lambda: app.window.done.saved.text() == "Saved in your history (Ctrl+H).")
    app.window.end_driver()
    assert count(data / FILE_NAME) == 1 and count(moved) == 3
    app.window.history_service.history.close()
