"""The run service (app/run.py): one definition of "time taken", shown on the done screen and stored
in the history the same; and the service on its own, with no window."""

from __future__ import annotations

import gc
import re

import pytest

from hinge_timer import timefmt
from hinge_timer.app import run as run_mod
from hinge_timer.app.history import HistoryService
from hinge_timer.app.messages import MessageBridge
from hinge_timer.app.preferences import Preferences
from hinge_timer.app.run import SessionRun
from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.events import read_event_log
from hinge_timer.session.catalogue import builtin_entries
from hinge_timer.settings import Settings
from hinge_timer.engine.state import State
from hinge_timer.session.timeline import StepKind
from tests.qt.conftest import App
from tests.qt.test_history import WARM_UP, dead_pid, finish_session
from tests.qt.test_kiosk import RecordingInhibitor


def done_time(app) -> str:
    found = re.search(r"Time: (\S+)", app.window.done.summary.text())
    assert found, app.window.done.summary.text()
    return found.group(1)


def stored_seconds(app) -> float:
    return app.window.history_service.history.conn.execute("SELECT seconds FROM runs").fetchone()[0]


def test_the_done_screen_and_the_history_agree_on_the_time_a_paused_run_took(app, qtbot):
    app.start(WARM_UP)
    app.until(lambda: app.driver.runner.state is State.WORK)
    app.advance(5)
    app.driver.pause()
    app.advance(30)  # a 30 s pause: not part of the time taken
    app.driver.resume()
    finish_session(app)
    qtbot.waitUntil(lambda: app.window.history_service.recorder.saved, timeout=5000)
    seconds = stored_seconds(app)
    assert app.driver.runner.paused_ns >= 30 * 10**9
    assert done_time(app) == timefmt.clock(seconds)
    assert app.window.run.result is not None and app.window.run.result.seconds == round(seconds, 3)


def test_the_done_screen_counts_the_earlier_part_of_a_resumed_run(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    first.start(WARM_UP)
    runner = first.driver.runner
    for _ in range(200_000):  # on to the second work step
        if runner.step.kind is StepKind.WORK and runner.step_index > 3 and runner.state is State.WORK:
            break
        if runner.snapshot(first.clock()).user_counted:
            first.driver.count_rep()
        else:
            first.advance(1.0, dt=1.0)
    first.advance(3)
    assert first.window.history_service.recorder.flush(5)
    first.driver.stop_timers()
    runner.on_step = None
    first.window.history_service.history.conn.execute("UPDATE runs SET owner = ?",
                                      (f"{__import__('socket').gethostname()}:{dead_pid()}",))
    earlier = first.window.history_service.history.conn.execute("SELECT seconds FROM runs").fetchone()[0]
    assert earlier > 30
    first.window.history_service.history.close()
    first.window.history_service.history = None
    first.window.history_service.recorder = None

    second = App(qtbot, tmp_path)
    assert second.window.resume_interrupted() is not None
    finish_session(second)
    qtbot.waitUntil(lambda: second.window.history_service.recorder.saved, timeout=5000)
    seconds = stored_seconds(second)
    assert seconds > earlier
    assert done_time(second) == timefmt.clock(seconds)
    second.window.end_driver()
    second.window.history_service.history.close()
    first.window.end_driver()


# -- the service on its own: no window, no widget ---------------------------------------------------------
class Service:
    def __init__(self, folder, event_log=None):
        self.clock = FakeClock()
        self.notices: list[tuple] = []
        self.messages = MessageBridge()
        self.messages.message_posted.connect(lambda *n: self.notices.append(n))
        self.history = HistoryService(folder, self.messages)
        self.inhibitor = RecordingInhibitor()
        self.run = SessionRun(self.history, clock=self.clock, inhibitor=self.inhibitor, event_log=event_log)
        self.started: list = []
        self.finished: list = []
        self.first_cue_seen_bound: list[bool] = []
        self.run.run_started.connect(self.on_started)
        self.run.run_finished.connect(self.finished.append)

    def on_started(self, driver):
        self.started.append(driver)
        # Bound before the start: the first cue (get ready) reaches what connects here.
        driver.cue_fired.connect(lambda ev: self.first_cue_seen_bound.append(True))

    def entry(self, title=WARM_UP):
        return next(e for e in builtin_entries() if e.session and e.session.title == title)

    def finish(self):
        driver = self.run.driver
        for _ in range(200_000):
            if driver.finished:
                return
            snap = driver.snapshot()
            if snap.state is State.CAUTION:
                driver.acknowledge()
            elif snap.user_counted:
                driver.count_rep()
            else:
                self.clock.advance(1.0)
                driver.pump()
        raise AssertionError("did not finish")


@pytest.fixture
def service(qtbot, tmp_path):
    s = Service(tmp_path)
    yield s
    s.run.close()
    s.history.settle(2)
    s.history.close()


def test_the_service_runs_a_session_and_says_what_it_was(service, qtbot):
    driver = service.run.start(service.entry(), "low")
    assert service.started == [driver] and service.first_cue_seen_bound  # run_started came before the start
    assert service.run.running and service.inhibitor.calls == ["inhibit"]
    assert gc.get_freeze_count() > 0  # what existed before the first cue is set aside while it runs
    service.clock.advance(5)
    driver.pump()
    driver.pause()
    service.clock.advance(40)
    driver.pump()
    driver.resume()
    service.finish()
    assert service.inhibitor.calls == ["inhibit", "uninhibit"]  # the screen may sleep on the done screen
    (result,) = service.finished
    assert result is service.run.result and result.outcome == "completed" and not result.ended_early
    assert result.all_done and result.sets_done == result.sets_total > 0
    assert result.saved in (run_mod.SAVING, run_mod.SAVED)
    assert [d.name for d in result.drills] == [d.name for d in driver.timeline.session.drills]
    assert all(d.word == "done" for d in result.drills)
    qtbot.waitUntil(lambda: service.run.saved == run_mod.SAVED, timeout=5000)
    stored = service.history.history.conn.execute("SELECT seconds FROM runs").fetchone()[0]
    assert result.seconds == round(stored, 3)
    assert result.seconds == pytest.approx(driver.runner.active_ns(driver.runner.step_start_ns) / 1e9, abs=1e-3)
    assert ("done", "saved", "info", "Saved in your history (Ctrl+H).", "") in service.notices
    service.run.end()
    assert service.run.driver is None and gc.get_freeze_count() == 0


def test_ending_early_is_the_users_choice_and_other_ends_are_not(service):
    driver = service.run.start(service.entry(), "low")
    service.clock.advance(3)
    driver.pump()
    service.run.end_early()
    (result,) = service.finished
    assert result.ended_early and result.outcome == "ended" and result.reason == "ended by the user"
    assert not result.all_done
    service.run.start(service.entry(), "low")
    service.run.stop("window closed")
    second = service.finished[-1]
    assert not second.ended_early and second.outcome == "ended" and second.reason == "window closed"
    service.run.stop("again")  # nothing runs: nothing happens
    assert len(service.finished) == 2


def test_with_no_history_the_result_says_it_is_not_kept(qtbot):
    s = Service(None)
    s.run.start(s.entry(), "low")
    s.finish()
    assert s.finished[-1].saved == run_mod.NOT_KEPT and s.finished[-1].seconds > 0
    s.run.close()


def test_the_sound_log_goes_through_the_drivers_event_log(qtbot, tmp_path):
    log = tmp_path / "events.jsonl"
    s = Service(None, event_log=str(log))
    driver = s.run.start(s.entry(), "low")
    driver.log_event({"t": "sound", "text": "probe"})
    s.run.end()
    records = read_event_log(str(log))
    assert {"t": "sound", "text": "probe"} in records and records[0]["t"] == "start"


def test_preferences_say_each_change_once():
    prefs = Preferences(Settings())
    seen: list = []
    prefs.mute_changed.connect(lambda m: seen.append(("mute", m)))
    prefs.volume_changed.connect(lambda v: seen.append(("volume", v)))
    prefs.flash_changed.connect(lambda f: seen.append(("flash", f)))
    prefs.set_mute(True)
    prefs.set_mute(True)  # no change: nothing said
    prefs.toggle_mute()
    prefs.set_volume(0.9)  # the default: no change
    assert prefs.change_volume(+0.5) == 1.0
    prefs.change_volume(+0.1)  # already at the top
    prefs.set_flash(False)
    assert seen == [("mute", True), ("mute", False), ("volume", 1.0), ("flash", False)]
    assert prefs.settings.volume == 1.0 and not prefs.settings.flash and not prefs.settings.mute


def test_mute_in_one_place_is_followed_by_the_menu_the_sound_and_the_screen(app):
    app.start(WARM_UP)
    w = app.window
    w.prefs.set_mute(True)  # not through the window's own method: everything still follows
    assert w.settings.mute and w.command_actions["mute"].isChecked() and w.sound.audio.muted and w.session_screen.muted
    w.prefs.set_mute(False)
    assert not (w.settings.mute or w.command_actions["mute"].isChecked() or w.sound.audio.muted or w.session_screen.muted)
    w.prefs.set_flash(False)
    assert not w.command_actions["flash"].isChecked() and not w.session_screen.flash_enabled


def test_the_session_screen_draws_how_from_the_snapshot(app):
    app.start(WARM_UP)
    app.until(lambda: app.driver.snapshot().how)
    snap = app.driver.snapshot()
    screen = app.window.session_screen
    screen.toggle_how()
    screen.on_snapshot_changed(snap.__class__(**{**snap.__dict__, "how": "Only from the snapshot"}))
    assert screen.how.text() == "Only from the snapshot" and screen.how.isVisible()


def test_sound_notices_go_through_the_message_route(app):
    w = app.window
    posted: list = []
    w.messages.message_posted.connect(lambda *n: posted.append(n))
    w.sound.on_speech_unavailable("spoken lines need a speech engine: install espeak-ng (their cues play a tone)")
    w.sound.on_speech_unavailable("said once only")
    assert posted == [("home", "speech", "info",
                       "Spoken lines need a speech engine: install espeak-ng (their cues play a tone).", "")]
    assert "Spoken lines need a speech engine" in w.home.notice.text()
    app.start(WARM_UP)
    posted.clear()
    w.sound.audio.notice_changed.emit("")  # the sound came back
    assert ("session", "status", "info", "Sound is back on", "") in posted
    assert w.session_screen.status.text() == "Sound is back on"
