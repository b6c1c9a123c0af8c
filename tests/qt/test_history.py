"""The history in the window: recorded runs on the History screen, resuming after a crash,
the dose suggestion on Home, and what the user is told when the history cannot be used."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt

from hinge_timer.engine.state import State
from hinge_timer.session.timeline import StepKind
from hinge_timer.store.db import FILE_NAME, SCHEMA_VERSION
from tests.qt.conftest import App
from tests.unit.test_store import add_run

WARM_UP = "Quick warm-up before lifting"
MOBILITY = "Hip hinge mobility"


def finish_session(app):
    for _ in range(200_000):
        runner = app.driver.runner
        if runner.finished:
            return
        snap = runner.snapshot(app.clock())
        if snap.state is State.CAUTION:
            app.driver.acknowledge()
        elif snap.user_counted:
            app.driver.count_rep()
        else:
            app.advance(1.0, dt=1.0)
    raise AssertionError("did not finish")


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_finished_run_shows_on_the_history_screen(app, qtbot):
    app.start(WARM_UP)
    finish_session(app)
    # The writer thread says so once the run is in the file (milliseconds later).
    qtbot.waitUntil(lambda: app.window.done.saved.text() == "Saved in your history (Ctrl+H).", timeout=5000)
    app.key(Qt.Key.Key_Return)  # done -> home
    assert app.window.stack.currentWidget() is app.window.home
    app.qtbot.keyClick(app.window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    screen = app.window.history_view.screen
    assert app.window.stack.currentWidget() is screen
    assert screen.model.rowCount() == 1
    assert screen.model.data(screen.model.index(0, 1)) == WARM_UP
    assert screen.model.data(screen.model.index(0, 4)) == "complete"
    today = date.today()
    assert "Current streak: 1 day" in screen.streak.text()
    fmt = screen.calendar.dateTextFormat(QDate(today.year, today.month, today.day))
    assert fmt.fontWeight() == 700  # today is marked as trained
    assert "set 1" in screen.details.text() or "Done" in screen.details.text()
    minutes = app.window.history_service.history.conn.execute("SELECT seconds FROM runs").fetchone()[0] / 60
    assert screen.chart_values[-1] == round(minutes, 1) and sum(screen.chart_values) == round(minutes, 1)
    app.key(Qt.Key.Key_Escape)
    assert app.window.stack.currentWidget() is app.window.home


def test_after_a_crash_home_offers_to_resume_where_it_stopped(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    first.start(MOBILITY)
    runner = first.driver.runner
    for _ in range(200_000):  # on to the Jefferson curl, set 2
        step = runner.step
        if step.kind is StepKind.WORK and step.drill_name == "Jefferson curl" and step.set_no == 2:
            break
        snap = runner.snapshot(first.clock())
        if snap.state is State.CAUTION:
            first.driver.acknowledge()
        else:
            first.advance(1.0, dt=1.0)
    at = runner.step_index
    done_before = {k for k, o in runner.outcomes.items() if o.status == "done"}
    first.advance(3)
    assert first.window.history_service.recorder.flush(5)  # the writer thread has the last boundary in (a cut may lose only it)
    # The power goes: nothing is closed or saved.  (In this test the owner must look dead.)
    first.driver.stop_timers()
    runner.on_step = None
    first.window.history_service.history.conn.execute("UPDATE runs SET owner = ?",
                                      (f"{__import__('socket').gethostname()}:{dead_pid()}",))
    first.window.history_service.history.close()
    first.window.history_service.history = None
    first.window.history_service.recorder = None

    second = App(qtbot, tmp_path)
    home = second.window.home
    assert home.resume_box.isVisible()
    assert home.resume_label.text().startswith("Resume: Jefferson curl, set 2 of 2")
    second.key(Qt.Key.Key_R)
    assert second.window.stack.currentWidget() is second.window.session_screen
    r2 = second.driver.runner
    assert r2.step_index == at and r2.snapshot(second.clock()).step_elapsed == 0
    assert {k for k, o in r2.outcomes.items() if o.status == "done"} == done_before
    finish_session(second)
    qtbot.waitUntil(lambda: second.window.history_service.recorder.saved, timeout=5000)
    conn = second.window.history_service.history.conn
    assert conn.execute("SELECT count(*), min(status) FROM runs").fetchone() == (1, "completed")
    assert "Session complete" in second.window.done.title.text()
    second.window.end_driver()
    second.window.history_service.history.close()
    first.window.end_driver()


def interrupted_run_on_home(qtbot, tmp_path):
    """A run left running by a process that is gone (a kill): the next window offers it on Home."""
    first = App(qtbot, tmp_path)
    first.start(WARM_UP)
    first.advance(60)
    assert first.window.history_service.recorder.flush(5)
    first.driver.stop_timers()
    first.driver.runner.on_step = None
    first.window.history_service.history.conn.execute("UPDATE runs SET owner = 'gone:1'")
    first.window.history_service.history.close()
    first.window.history_service.history = first.window.history_service.recorder = None
    second = App(qtbot, tmp_path)
    assert second.window.home.resume_box.isVisible()
    return first, second


def test_discard_keeps_the_partial_run_and_hides_the_offer(qtbot, tmp_path, fake_dialogs):
    first, second = interrupted_run_on_home(qtbot, tmp_path)
    second.click_at(second.window.home.discard_button)
    assert not second.window.home.resume_box.isVisible()
    status = second.window.history_service.history.conn.execute("SELECT status FROM runs").fetchone()[0]
    assert status == "interrupted"
    second.window.history_service.history.close()
    first.window.end_driver()


def test_a_changed_session_file_cannot_be_resumed_and_says_why(qtbot, tmp_path, fake_dialogs, write_session):
    from tests.conftest import REPO

    path = tmp_path / "mine.toml"
    path.write_text((REPO / "tests" / "data" / "audio-short.toml").read_text())
    first = App(qtbot, tmp_path)
    entry = first.window.listing.open_file(str(path), first.window)
    first.window.start_session(entry, "low")
    first.advance(12)
    assert first.window.history_service.recorder.flush(5)
    first.driver.stop_timers()
    first.driver.runner.on_step = None
    first.window.history_service.history.conn.execute("UPDATE runs SET owner = 'gone:1'")
    first.window.history_service.history.close()
    first.window.history_service.history = first.window.history_service.recorder = None
    path.write_text(path.read_text().replace("hold = 8", "hold = 9"))
    second = App(qtbot, tmp_path)
    second.window.listing.open_file(str(path), second.window)
    second.window.listing.reload()
    home = second.window.home
    assert home.resume_box.isVisible() and not home.resume_button.isVisible()
    assert "changed since" in home.resume_label.text()
    second.window.history_service.history.close()
    first.window.end_driver()


def test_home_suggests_the_dose_and_says_why(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    conn = first.window.history_service.history.conn
    today = date.today()
    add_run(conn, today - timedelta(days=2))
    add_run(conn, today - timedelta(days=1))
    first.window.home.refresh_details()
    assert "Ready for the high dose" in first.window.home.details.text()
    add_run(conn, today, dose="high", stop=True)
    first.window.home.refresh_details()
    assert "Stay at the low dose: you stopped Jefferson curl (it hurts)" in first.window.home.details.text()
    first.window.history_service.history.close()


def test_a_newer_history_is_left_alone_and_the_session_still_runs(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    data.mkdir()
    c = sqlite3.connect(data / FILE_NAME)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    before = (data / FILE_NAME).read_bytes()
    app = App(qtbot, tmp_path)
    assert app.window.home.notice.isVisible() and "newer Hinge Timer" in app.window.home.notice.text()
    app.start(WARM_UP)
    assert "History not saved" in app.screen.status.text()
    app.advance(30)
    assert app.driver.runner.step_index > 0  # the session runs
    finish_session(app)
    assert app.window.done.saved.text().startswith("Not saved in your history:")
    assert "newer Hinge Timer" in app.window.done.saved.text()
    app.window.end_driver()
    assert (data / FILE_NAME).read_bytes() == before
    assert fake_dialogs.errors == []  # told on screen, not with a dialog in the way


def test_a_damaged_history_is_moved_aside_and_home_says_where(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    data.mkdir()
    (data / FILE_NAME).write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    app = App(qtbot, tmp_path)
    text = app.window.home.notice.text()
    moved = app.window.history_service.history.moved_to
    assert moved is not None and moved.exists() and str(moved) in text and "nothing was deleted" in text
    app.start(WARM_UP)
    app.advance(30)
    assert app.window.history_service.history.conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    app.window.end_driver()
    app.window.history_service.history.close()


def test_export_csv_from_the_history_screen(app, tmp_path, fake_dialogs):
    app.start(WARM_UP)
    finish_session(app)
    app.key(Qt.Key.Key_Return)
    app.window.show_history()
    out = tmp_path / "export.csv"
    fake_dialogs.file = str(out)
    app.click_at(app.window.history_view.screen.export_button)
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["session"] for r in rows} == {WARM_UP}
    assert str(out) in app.window.history_view.screen.notice.text()
