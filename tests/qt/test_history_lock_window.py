"""The window while another program (a real second process) holds the history's write lock: the user is
told once, in words, that the run is kept; told when it is saved; and a run kept aside at an earlier
exit is added when the window opens the history."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt

from hinge_timer.store.db import FILE_NAME
from hinge_timer.store.writer import Batch, spill
from tests.qt.conftest import App
from tests.qt.test_history import WARM_UP, finish_session, interrupted_run_on_home
from tests.sqlite_lock import LOCK, held, release


def runs(path):
    """The runs as the test sees them, through a connection of its own.

    (This read once failed in CI with SQLITE_IOERR_SHORT_READ, and was tried again, which only hid it: the
    bug was the app's.  Opening the history again read its header through a descriptor of its own, and
    closing that dropped every lock the process held, so the lock holder deleted the -wal under the open
    connections; see store/db.open_here.  Now any error fails the test, named.)"""
    with closing(sqlite3.connect(path, timeout=5)) as c:
        try:
            return c.execute("SELECT title, status FROM runs ORDER BY id").fetchall()
        except sqlite3.OperationalError as exc:
            raise AssertionError(f"the observer could not read {path}: "
                                 f"{getattr(exc, 'sqlite_errorname', exc)}") from exc


def test_a_lock_taken_mid_session_is_said_once_and_the_run_is_saved_when_it_goes(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    app.start(WARM_UP)
    app.advance(5)
    db = app.window.history_service.history.path
    told: list[str] = []
    with held(db, LOCK["immediate"]) as holder:
        app.window.history_service.recorder.on_problem = lambda m: (told.append(m), app.window.history_service.on_recorder_problem(m))
        app.advance(20, dt=1.0)  # boundaries pass; each only queues its record
        status = app.screen.status
        qtbot.waitUntil(lambda: "History in use by another program" in status.text(), timeout=5000)
        assert "this run is kept" in status.text() and "in use by another program" in status.toolTip()
        finish_session(app)
        assert app.window.done.saved.text().startswith("Not saved yet: The history is in use by another program")
        assert runs(db)[0][1] == "running"  # what was written before the lock, no more
        release(holder)
        qtbot.waitUntil(lambda: app.window.done.saved.text() == "Saved in your history (Ctrl+H).", timeout=10000)
    assert [m for m in told if m] == [told[0]] and "in use by another program" in told[0]  # said once
    assert runs(db) == [(WARM_UP, "completed")]
    app.key(Qt.Key.Key_Return)  # done -> home
    assert fake_dialogs.errors == []
    app.window.history_service.history.close()


def test_a_run_kept_aside_at_an_earlier_exit_is_added_when_the_window_opens(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)  # makes the history
    db = first.window.history_service.history.path
    first.window.history_service.history.close()
    batch = Batch(identity={"session_key": "mine.toml", "title": "Evening hinge", "file": "mine.toml",
                            "content_hash": "-", "dose": "low", "started_at": "2026-11-02T08:00:00+00:00",
                            "status": "running", "owner": "gone:1", "updated_at": "2026-11-02T08:00:00+00:00",
                            "resume_step": 0, "resume_label": "Get ready", "kiosk": 0},
                  insert=True,
                  sets={3: {"step": 3, "drill": 0, "drill_name": "Wall sweep", "set_no": 1, "sets": 1,
                            "side": "left", "planned_reps": None, "planned_seconds": 37.0, "status": "done",
                            "reason": None, "reps_done": None, "seconds_done": 37.0,
                            "at": "2026-11-02T08:01:00+00:00", "pauses": 0, "paused_seconds": 0.0}},
                  update={"seconds": 61.0, "status": "ended", "end_reason": "window closed",
                          "ended_at": "2026-11-02T08:01:01+00:00", "resume_step": None, "resume_label": None})
    side = spill(db, batch)
    second = App(qtbot, tmp_path)
    notice = second.window.home.notice
    assert notice.isVisible() and "A run kept while the history was in use" in notice.text()
    assert not side.exists()
    assert runs(db) == [("Evening hinge", "ended")]
    assert db.with_name(FILE_NAME).exists()
    second.window.history_service.history.close()


def test_discard_under_another_programs_lock_never_waits_and_happens_when_it_goes(qtbot, tmp_path, fake_dialogs):
    import time

    first, second = interrupted_run_on_home(qtbot, tmp_path)
    db = second.window.history_service.history.path
    with held(db, LOCK["immediate"]) as holder:
        t = time.monotonic()
        second.click_at(second.window.home.discard_button)
        took = time.monotonic() - t
        assert took < 1.0, f"Discard held the window for {took:.2f} s"  # it waited 5 s on the lock before
        assert not second.window.home.resume_box.isVisible()
        assert runs(db)[0][1] == "running"  # not yet: the lock is held
        release(holder)
        qtbot.waitUntil(lambda: runs(db)[0][1] == "interrupted", timeout=10_000)  # written once it went
    # and a new start does not offer it again
    second.window.history_service.history.close()
    third = App(qtbot, tmp_path)
    assert not third.window.home.resume_box.isVisible()
    third.window.history_service.history.close()
    first.window.end_driver()


def test_an_earlier_run_still_saving_never_speaks_on_the_new_runs_screen(qtbot, tmp_path, fake_dialogs):
    app = App(qtbot, tmp_path)
    db = app.window.history_service.history.path
    with held(db, LOCK["immediate"]) as holder:
        app.start(WARM_UP)
        earlier = app.window.history_service.recorder
        app.advance(20, dt=1.0)
        qtbot.waitUntil(lambda: earlier.locked, timeout=5000)  # the first run is kept in memory
        app.window.go_home()
        release(holder)  # the lock goes; the earlier run's writer catches up in the background ...
        app.start(WARM_UP)  # ... while the next run starts (no lock now: it is saved as it goes)
        assert app.window.history_service.recorder is not earlier
        qtbot.waitUntil(lambda: earlier.settled and not earlier.locked, timeout=10_000)
    # (not locked any more: its "clear" news has been handed over on this thread)
    status = app.screen.status
    assert "History saved again" not in status.text() and "History" not in status.toolTip()
    assert [t for t, _s in runs(db)] == [WARM_UP, WARM_UP]
    app.window.end_driver()
    app.window.history_service.history.close()


def test_after_the_window_closes_no_writer_thread_posts_to_it(qtbot, tmp_path, fake_dialogs):
    from PySide6.QtCore import QCoreApplication

    app = App(qtbot, tmp_path)
    app.start(WARM_UP)
    rec = app.window.history_service.recorder
    post = app.window.history_service.writer_post()
    assert post.parent() is QCoreApplication.instance()  # never a window's child: it outlives the window
    app.advance(10)
    app.window.end_driver()
    app.window.history_service.settle(0.5)
    assert rec.post is None and rec.on_problem is None and post.closed
    called: list[int] = []
    post(lambda: called.append(1))  # what a writer thread still running would do: dropped, no error
    rec._wake()
    QCoreApplication.processEvents()
    assert called == []
    app.window.history_service.history.close()
