"""Runs at another clock speed in the real window (`--speed`, here on a fake clock that stands for the
scaled one): stored with their speed and the time they took as lived, marked on the History screen and the
done screen, and left out of the streak, the calendar, the chart and Home's dose advice.  And the kiosk's
done screen, which speaks to a stranger: no Ctrl+H, no "your history"."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from tests.qt.conftest import App
from tests.qt.test_history import finish_session
from tests.qt.test_kiosk import Kiosk
from tests.unit.test_history_speed import EVENING, SESSION_SECONDS

TITLE = "Kim's evening hinge"
CTRL = Qt.KeyboardModifier.ControlModifier


def own_app(qtbot, tmp_path, **options) -> App:
    app = App(qtbot, tmp_path, **options)
    app.sessions.mkdir(parents=True, exist_ok=True)
    (app.sessions / "evening.toml").write_text(EVENING, encoding="utf-8")
    app.reload()
    return app


def close(app: App) -> None:
    app.window.end_driver()
    if app.window.history_service.history is not None:
        app.window.history_service.history.close()


def run_to_the_end(app: App, qtbot) -> None:
    app.start(TITLE)
    finish_session(app)
    qtbot.waitUntil(lambda: app.window.history_service.recorder.saved, timeout=5000)


def test_a_speed_10_run_is_marked_and_left_out_of_streak_calendar_chart_and_advice(qtbot, tmp_path, fake_dialogs):
    app = own_app(qtbot, tmp_path, speed=10.0)
    w = app.window
    try:
        run_to_the_end(app, qtbot)
        said = w.done.saved.text()
        assert said.startswith("Saved in your history (Ctrl+H) as a run at 10× speed:") and "streak" in said
        conn = w.history_service.history.conn
        speed, seconds = conn.execute("SELECT speed, seconds FROM runs").fetchone()
        # 51 s of the session's clock at 10×: 5.1 s lived, the run's time (not the 51 s it showed as before).
        assert speed == 10 and seconds == pytest.approx(SESSION_SECONDS / 10, abs=0.1)
        assert w.run.result.seconds == seconds  # the done screen's time is the history's
        app.key(Qt.Key.Key_Return)  # done -> Home
        run_to_the_end(app, qtbot)  # a second clean low-dose run: twice would earn the high dose
        app.key(Qt.Key.Key_Return)

        entry = next(e for e in w.home.entries if e.session is not None and e.session.title == TITLE)
        w.home.list.setCurrentRow(w.home.entries.index(entry))
        w.home.refresh_details()
        assert w.history_service.suggestion(entry.key) is None
        assert "high dose" not in w.home.details.text()

        qtbot.keyClick(w, Qt.Key.Key_H, CTRL)
        screen = w.history_view.screen
        assert w.stack.currentWidget() is screen and screen.model.rowCount() == 2
        for row in range(2):
            assert screen.model.data(screen.model.index(row, 1)) == TITLE
            assert screen.model.data(screen.model.index(row, 4)) == "complete · 10× speed"
            assert screen.model.data(screen.model.index(row, 3)) == "0"  # minutes as lived: 5 s
        assert "Run at 10× speed" in screen.details.text() and "left out of the streak" in screen.details.text()
        assert screen.streak.text() == ("Current streak: 0 days · 2 runs in all (2 at another speed, not counted)"
                                        " · 0 min this week")
        today = date.today()
        assert screen.calendar.dateTextFormat(QDate(today.year, today.month, today.day)).fontWeight() != 700
        assert screen.chart_values and set(screen.chart_values) == {0}

        # The same two runs in real time: the streak, the calendar, the chart and the advice count them.
        conn.execute("UPDATE runs SET speed = 1")
        app.key(Qt.Key.Key_Escape)
        w.home.refresh_details()
        assert w.history_service.suggestion(entry.key)[0] == "high" and "high dose" in w.home.details.text()
        qtbot.keyClick(w, Qt.Key.Key_H, CTRL)
        assert screen.model.data(screen.model.index(0, 4)) == "complete"
        assert screen.streak.text().startswith("Current streak: 1 day · 2 runs in all · ")
        assert screen.calendar.dateTextFormat(QDate(today.year, today.month, today.day)).fontWeight() == 700
        assert screen.chart_values[-1] == pytest.approx(2 * SESSION_SECONDS / 10 / 60, abs=0.1)
    finally:
        close(app)


def test_a_run_in_real_time_says_saved_as_before(qtbot, tmp_path, fake_dialogs):
    app = own_app(qtbot, tmp_path)
    try:
        run_to_the_end(app, qtbot)
        assert app.window.done.saved.text() == "Saved in your history (Ctrl+H)."
        seconds, speed = app.window.history_service.history.conn.execute("SELECT seconds, speed FROM runs").fetchone()
        assert speed == 1 and seconds == pytest.approx(SESSION_SECONDS, abs=1)
    finally:
        close(app)


def kiosk_session_done(k: Kiosk) -> None:
    w = k.window
    k.tap(2)  # the quick warm-up: nothing waits for the user
    for _ in range(4000):
        if w.stack.currentWidget() is w.done:
            return
        k.wait(0.25)
    raise AssertionError("the session did not end")


@pytest.mark.parametrize(("speed", "anonymous"), [(1.0, True), (10.0, True), (1.0, False)])
def test_the_kiosks_done_screen_speaks_to_a_stranger(qtbot, tmp_path, fake_dialogs, speed, anonymous):
    k = Kiosk(qtbot, tmp_path, anonymous=anonymous)  # (not anonymous: its runs are still a kiosk's)
    w = k.window
    try:
        w.run.speed = speed  # (what --kiosk --speed 10 gives the run service)
        kiosk_session_done(k)
        saved = w.done.saved
        qtbot.waitUntil(lambda: w.history_service.recorder.saved and saved.text() != "", timeout=5000)
        text = saved.text()
        assert "Ctrl+H" not in text and "your history" not in text.lower()
        if speed == 1:
            assert text == "Counted in the sessions done here today."
        else:
            assert text == "Run at 10× speed: not counted in today's sessions."
        k.wait(20.5)  # back to the tiles on its own, and the count says what the done screen said
        assert w.stack.currentWidget() is w.kiosk_home
        assert w.kiosk_home.today.text() == f"Sessions done here today: {1 if speed == 1 else 0}"
    finally:
        w.kiosk.allow_exit = True
        w.close()
        w.end_driver()
        if w.history_service.history is not None:
            w.history_service.history.close()
