"""Deleting a run on the History screen of the real window: Delete (the key or the button) asks first,
the run goes at once (list, calendar, streak, and the file), Undo (Ctrl+Z or the button) puts the same run
back while History is open, and leaving History makes it final.  Under a lock held by another program (a
real second process) it is said in words, the window does not wait, and nothing is lost."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt

from tests.qt.test_history_speed_window import TITLE, close, own_app, run_to_the_end
from tests.sqlite_lock import LOCK, held
from tests.unit.test_store import add_run

CTRL = Qt.KeyboardModifier.ControlModifier


def dump(path) -> tuple[list, list]:
    """Everything in the history, read through a connection of the test's own (a fresh one each time)."""
    c = sqlite3.connect(path, timeout=5)
    try:
        return (c.execute("SELECT * FROM runs ORDER BY id").fetchall(),
                c.execute("SELECT * FROM sets ORDER BY run_id, step").fetchall())
    finally:
        c.close()


def on_history(qtbot, tmp_path):
    """The window on History with two runs: a run of the user's own session just done in it (today, with
    its sets), and yesterday's."""
    app = own_app(qtbot, tmp_path)
    run_to_the_end(app, qtbot)
    app.key(Qt.Key.Key_Return)  # done -> Home
    add_run(app.window.history_service.history.conn, date.today() - timedelta(days=1), minutes=13)
    qtbot.keyClick(app.window, Qt.Key.Key_H, CTRL)
    screen = app.window.history_view.screen
    assert app.window.stack.currentWidget() is screen and screen.model.rowCount() == 2
    assert screen.selected_run is not None and screen.selected_run.title == TITLE
    return app, screen


def today_marked(screen) -> bool:
    today = date.today()
    return screen.calendar.dateTextFormat(QDate(today.year, today.month, today.day)).fontWeight() == 700


def test_delete_asks_then_the_run_goes_and_undo_brings_the_same_run_back(qtbot, tmp_path, fake_dialogs):
    app, screen = on_history(qtbot, tmp_path)
    w = app.window
    db = w.history_service.history.path
    try:
        run_id = screen.selected_run.id
        before = dump(db)
        assert len([s for s in before[1] if s[0] == run_id]) == 3  # its three sets (two sides and one more)
        assert screen.streak.text().startswith("Current streak: 2 days") and today_marked(screen)

        fake_dialogs.answer = False  # "Keep going": nothing happens
        app.key(Qt.Key.Key_Delete)
        assert fake_dialogs.confirms == ["Delete this run?"] and screen.model.rowCount() == 2 and dump(db) == before

        fake_dialogs.answer = True
        app.key(Qt.Key.Key_Delete)
        assert fake_dialogs.confirms == ["Delete this run?"] * 2
        assert screen.model.rowCount() == 1 and screen.model.rows[0].id != run_id  # gone from the list at once
        assert screen.streak.text().startswith("Current streak: 1 day") and not today_marked(screen)
        runs, sets = dump(db)
        assert [r[0] for r in runs] == [r[0] for r in before[0] if r[0] != run_id]  # gone from the file,
        assert [s for s in sets if s[0] == run_id] == []  # with its sets
        assert screen.undo_button.isVisible() and TITLE in screen.notice.text()

        qtbot.keyClick(w, Qt.Key.Key_Z, CTRL)  # Undo
        assert dump(db) == before  # the same run: same id, every column, every set
        assert screen.model.rowCount() == 2 and screen.selected_run.id == run_id
        assert screen.streak.text().startswith("Current streak: 2 days") and today_marked(screen)
        assert not screen.undo_button.isVisible() and "Back in your history" in screen.notice.text()
        qtbot.keyClick(w, Qt.Key.Key_Z, CTRL)  # nothing more to undo: nothing happens
        assert dump(db) == before and screen.model.rowCount() == 2
        assert fake_dialogs.errors == []
    finally:
        close(app)


def test_leaving_history_makes_the_delete_final(qtbot, tmp_path, fake_dialogs):
    app, screen = on_history(qtbot, tmp_path)
    w = app.window
    db = w.history_service.history.path
    try:
        run_id = screen.selected_run.id
        app.click_at(screen.delete_button)  # the button does what the key does
        assert fake_dialogs.confirms == ["Delete this run?"] and screen.model.rowCount() == 1
        assert screen.undo_button.isVisible()
        app.key(Qt.Key.Key_Escape)  # back to Home
        assert w.stack.currentWidget() is w.home
        assert run_id not in [r[0] for r in dump(db)[0]]  # a fresh connection: it is gone
        qtbot.keyClick(w, Qt.Key.Key_H, CTRL)
        assert screen.model.rowCount() == 1 and not screen.undo_button.isVisible()
        qtbot.keyClick(w, Qt.Key.Key_Z, CTRL)  # the delete is final: Undo no longer brings it back
        assert screen.model.rowCount() == 1 and run_id not in [r[0] for r in dump(db)[0]]
    finally:
        close(app)


def test_under_another_programs_lock_delete_and_undo_say_so_and_lose_nothing(qtbot, tmp_path, fake_dialogs):
    app, screen = on_history(qtbot, tmp_path)
    w = app.window
    db = w.history_service.history.path
    try:
        run_id = screen.selected_run.id
        before = dump(db)
        with held(db, LOCK["immediate"]):
            t0 = time.monotonic()
            app.key(Qt.Key.Key_Delete)
            assert time.monotonic() - t0 < 0.5  # one try: the window does not wait on the lock
            said = screen.notice.text()
            assert said.startswith("This run cannot be deleted now: the history") and "in use by another program" in said
            assert screen.model.rowCount() == 2 and screen.selected_run.id == run_id
            assert not screen.undo_button.isVisible()
        assert dump(db) == before and fake_dialogs.errors == []  # words on the screen, not a dialog

        app.key(Qt.Key.Key_Delete)  # once it lets go, the delete works
        assert screen.model.rowCount() == 1 and run_id not in [r[0] for r in dump(db)[0]]
        with held(db, LOCK["exclusive"]):
            qtbot.keyClick(w, Qt.Key.Key_Z, CTRL)
            assert screen.notice.text().startswith("The run cannot be brought back right now")
            assert screen.undo_button.isVisible() and screen.model.rowCount() == 1
        app.click_at(screen.undo_button)  # and so does Undo
        assert dump(db) == before and screen.model.rowCount() == 2
    finally:
        close(app)
