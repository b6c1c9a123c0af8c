"""Issue 17 in the real window, with a session a user wrote: a clicker's Page Down (or the Next button)
confirms a caution only when pressed twice within 2 s; H stops the drill at once and U undoes it for 8 s
(the history is corrected); H on the last drill ends the run after those 8 s, and nothing calls it complete;
a resumed run gets ready before its step's "Go"."""

from __future__ import annotations

import socket
import subprocess
import sys

from PySide6.QtCore import Qt

from hinge_timer.app import commands
from hinge_timer.engine.runner import UNDO_STOP_KEY
from hinge_timer.engine.state import State
from hinge_timer.session.timeline import CueKind, StepKind
from hinge_timer.store import history
from tests.qt.conftest import App
from tests.unit.test_runner_safety import GARAGE

K = Qt.Key
TITLE = "Garage hinge, Thursday"


class Garage(App):
    def __init__(self, qtbot, tmp_path):
        super().__init__(qtbot, tmp_path)
        self.sessions.mkdir(parents=True, exist_ok=True)
        (self.sessions / "garage.toml").write_text(GARAGE, encoding="utf-8")
        self.reload()
        self.results: list[tuple[str, bool, str]] = []
        self.cues: list[tuple[CueKind, str]] = []

    def begin(self):
        driver = self.start(TITLE)
        driver.command_done.connect(lambda name, r: self.results.append((name, r.ok, r.message)))
        driver.cue_fired.connect(lambda ev: self.cues.append((ev.kind, ev.text)))
        return driver

    def snap(self):
        return self.driver.snapshot()

    def until_work(self, drill, set_no, side):
        runner = self.driver.runner
        for _ in range(100_000):
            s = runner.step
            if s.kind is StepKind.WORK and (s.drill_name, s.set_no, s.side) == (drill, set_no, side):
                return s
            if self.snap().state is State.CAUTION:
                self.driver.acknowledge()
            else:
                self.advance(0.25)
        raise AssertionError("never got there")

    def close(self):
        self.window.end_driver()
        if self.window.history_service.history is not None:
            self.window.history_service.history.close()


def garage(qtbot, tmp_path):
    return Garage(qtbot, tmp_path)


def test_page_down_twice_within_2_s_confirms_the_caution_once_says_press_again(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        assert g.snap().state is State.CAUTION and g.screen.caution_box.isVisible()
        g.key(K.Key_PageDown)  # at once: presses meant for the step before never count
        assert g.results[-1][:2] == ("next", False) and g.results[-1][2].startswith("Read the caution first")
        assert g.screen.status.text().startswith("Read the caution first")  # said on the screen
        g.advance(1.5)
        g.key(K.Key_PageDown)
        assert g.results[-1] == ("next", True, "Press again to confirm you have read the caution.")
        assert g.snap().state is State.CAUTION and g.snap().confirm_left is not None
        assert g.screen.caution_hint.text() == "Press Next again to confirm you have read this"  # on screen
        g.advance(2.5)  # a stray press, long forgotten
        assert g.snap().confirm_left is None and g.screen.caution_hint.text() == ""
        g.key(K.Key_PageDown)
        assert g.snap().state is State.CAUTION
        g.advance(1.25)
        g.key(K.Key_PageDown)
        assert g.results[-1] == ("next", True, "Caution confirmed.")
        snap = g.snap()
        assert snap.state is State.GET_READY and snap.drill_name == "Broomstick hinge" and snap.side == "right"
        assert (CueKind.NEXT_UP, "Get ready: Broomstick hinge, right leg") in g.cues
    finally:
        g.close()


def test_the_next_button_at_a_caution_does_what_page_down_does(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        g.advance(1.5)
        button = g.screen.b_next
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert g.snap().state is State.CAUTION and g.results[-1][2].startswith("Press again")
        g.advance(0.5)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert g.snap().state is State.GET_READY and g.results[-1] == ("next", True, "Caution confirmed.")
    finally:
        g.close()


def test_h_then_u_puts_the_hold_back_from_its_start_and_the_history_with_it(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        step = g.until_work("Broomstick hinge", 2, "left")
        g.advance(9)
        g.key(K.Key_H)
        assert g.results[-1] == ("stop_drill", True,
                                 "Stopped Broomstick hinge: it hurts — recorded. Press U to undo.")
        assert g.snap().underlying is State.REST and g.snap().undo_left is not None
        # On screen: what happened and how to undo it, and Undo in It hurts' place.
        assert g.screen.status.isVisible() and g.screen.status.text().startswith("Stopped: it hurts — recorded")
        assert "U to undo (8 s)" in g.screen.status.text()
        assert g.screen.b_undo.isVisible() and not g.screen.b_hurts.isVisible()
        rec = g.window.history_service.recorder
        conn = g.window.history_service.history.conn
        assert rec.flush(5)
        (run,) = history.runs(conn)
        assert {s.step: s.status for s in history.run_sets(conn, run.id)}[step.index] == "stopped"
        g.advance(4)
        assert "U to undo (4 s)" in g.screen.status.text()
        qtbot.mouseClick(g.screen.b_undo, Qt.MouseButton.LeftButton)  # the button does what U does
        snap = g.snap()
        assert (snap.underlying, snap.step_index, snap.side, snap.step_elapsed) == (State.WORK, step.index, "left", 0)
        assert g.results[-1][:2] == ("undo_stop", True) and g.cues[-1] == (CueKind.GO, "Go")
        assert rec.flush(5)
        assert "stopped" not in {s.status for s in history.run_sets(conn, run.id)}
        g.advance(0.5)
        assert not g.screen.b_undo.isVisible() and g.screen.b_hurts.isVisible()
        assert "U to undo" not in g.screen.status.text()  # the pill says what the undo did instead
    finally:
        g.close()


def test_u_does_nothing_once_8_s_have_passed(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        g.until_work("Broomstick hinge", 1, "right")
        g.key(K.Key_H)
        assert commands.for_key(g.window.command_context(), K.Key_U, "u") is not None  # offered now
        g.advance(8.25)
        assert commands.for_key(g.window.command_context(), K.Key_U, "u") is None
        step = g.snap().step_index
        g.key(K.Key_U)
        assert g.snap().step_index == step and g.snap().underlying is State.REST
        assert g.results[-1][0] == "stop_drill"  # U reached nothing
    finally:
        g.close()


def test_h_on_the_last_drill_ends_the_run_8_s_later_and_nothing_calls_it_complete(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        g.until_work("Sofa hamstring hold", 1, "right")
        g.advance(5)
        g.key(K.Key_H)
        snap = g.snap()
        assert snap.state is State.PAUSED and snap.pause_reason.startswith("Stopped Sofa hamstring hold: it hurts")
        assert g.window.current_screen() == commands.SESSION
        overlay = g.screen.pause_overlay
        assert overlay.isVisible() and overlay.title.text() == "STOPPED" and "left in this step" not in overlay.body.text()
        assert "Press U to undo (8 s)" in overlay.body.text() and "end now" in overlay.body.text()
        assert not g.screen.b_next.isEnabled() and not g.screen.b_back.isEnabled() and not g.screen.b_plus.isEnabled()
        assert g.screen.b_pause.text() == "End now"
        # The seconds to undo count down on screen, paused or not: the display timer keeps running.
        assert g.window.run.driver._display.isActive()
        g.advance(4)
        assert "Press U to undo (4 s)" in overlay.body.text()
        g.advance(3.75)
        assert g.window.current_screen() == commands.SESSION  # still time to undo it
        g.advance(0.5)
        done = g.window.done
        assert g.window.current_screen() == commands.DONE
        assert done.title.text() == "Session ended: stopped for pain at Sofa hamstring hold"
        assert "Sofa hamstring hold: stopped: it hurts" in done.summary.text()
        result = g.window.run.result
        assert result.outcome == "stopped" and result.stopped_at == "Sofa hamstring hold"
        assert g.cues[-1] == (CueKind.SESSION_COMPLETE, "Session ended.")
        assert not any("complete" in text.lower() for kind, text in g.cues if kind is CueKind.SESSION_COMPLETE)
    finally:
        g.close()


def test_a_drill_stopped_earlier_is_named_when_the_session_has_gone_on_to_its_end(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        g.begin()
        g.until_work("Broomstick hinge", 1, "right")
        g.key(K.Key_H)
        g.advance(9)
        g.until_work("Sofa hamstring hold", 1, "right")
        g.advance(17.25)
        assert g.window.current_screen() == commands.DONE
        assert g.window.done.title.text() == "Session over: Broomstick hinge was stopped for pain"
        assert (CueKind.SESSION_COMPLETE, "Session complete. Well done.") not in g.cues
    finally:
        g.close()


def test_the_undo_key_is_the_one_the_message_names_and_the_help_lists_it(qtbot, tmp_path, fake_dialogs):
    g = garage(qtbot, tmp_path)
    try:
        assert commands.command("undo_hurts").keys_shown == UNDO_STOP_KEY
        text = g.window.help.body.text()
        assert "H / U" in text and "undo that stop, within 8 s" in text
        assert "at a caution, press twice within 2 s to confirm it" in text
    finally:
        g.close()


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_run_resumed_after_a_crash_gets_ready_before_its_go(qtbot, tmp_path, fake_dialogs):
    first = garage(qtbot, tmp_path)
    first.begin()
    step = first.until_work("Broomstick hinge", 2, "left")
    first.advance(10)
    service = first.window.history_service
    assert service.recorder.flush(5)
    first.driver.stop_timers()  # the power goes: nothing is closed
    first.driver.runner.on_step = None
    service.history.conn.execute("UPDATE runs SET owner = ?", (f"{socket.gethostname()}:{dead_pid()}",))
    service.history.close()
    service.history = service.recorder = None

    second = garage(qtbot, tmp_path)
    try:
        assert second.window.home.resume_label.text().startswith("Resume: Broomstick hinge, set 2 of 3, left side")
        second.key(K.Key_R)
        driver = second.driver
        driver.cue_fired.connect(lambda ev: second.cues.append((ev.kind, ev.text)))
        snap = driver.snapshot()
        assert (snap.state, snap.step_index, snap.side, snap.step_left) == (State.GET_READY, step.index, "left", 7)
        assert second.screen.band.text() == "GET READY"
        second.advance(6.75)
        assert driver.snapshot().state is State.GET_READY and (CueKind.GO, "Go") not in second.cues
        second.advance(0.25)
        snap = driver.snapshot()
        assert (snap.state, snap.step_index, snap.step_left) == (State.WORK, step.index, 23)
        assert second.cues[-1] == (CueKind.GO, "Go")
    finally:
        second.close()
        first.window.end_driver()
