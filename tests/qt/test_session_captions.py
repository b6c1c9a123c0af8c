"""The caption shows the cue just given, alone and large, and never one that no longer fits where the session
is: after back, undoing a rep and ±time (issue 17: "LEFT LEG" under "Switch sides: right leg · Go", and
"Rep 2 · Rep 3" after undoing a rep).  A user's own session, with its own names and odd numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hinge_timer.engine.state import State
from tests.qt.conftest import App

K = Qt.Key

OWN = """format = 1
title = "Lena's knees"
[defaults]
get_ready = 5
switch_sides = 7
rest_between_drills = 11
[[drill]]
name = "Tall kneeling hinge"
hold = 33
sides = ["left", "right"]
[[drill]]
name = "Counted hinge"
reps = 5
"""


def own(qtbot, tmp_path) -> App:
    app = App(qtbot, tmp_path)
    app.sessions.mkdir(parents=True, exist_ok=True)
    (app.sessions / "lenas-knees.toml").write_text(OWN, encoding="utf-8")
    app.reload()
    app.start("Lena's knees")
    return app


def test_back_from_a_switch_never_leaves_the_switch_cue_over_the_hold(qtbot, tmp_path, fake_dialogs):
    app = own(qtbot, tmp_path)
    s = app.screen
    app.until(lambda: app.driver.snapshot().underlying is State.SWITCH_SIDES)
    app.advance(1)
    assert "right leg" in s.caption.text().lower() and " · " not in s.caption.text()
    app.key(K.Key_PageUp)
    app.key(K.Key_PageUp)  # twice within 2 s: the step before, the left leg's hold
    snap = app.driver.snapshot()
    assert snap.underlying is State.WORK and snap.side == "left" and s.phase.text() == "LEFT LEG"
    assert "switch" not in s.caption.text().lower() and "right" not in s.caption.text().lower()
    app.advance(0.5)
    assert " · " not in s.caption.text()
    app.window.end_driver()


def test_undoing_a_rep_or_changing_the_time_clears_the_cue_that_no_longer_holds(qtbot, tmp_path, fake_dialogs):
    app = own(qtbot, tmp_path)
    s = app.screen
    app.until(lambda: app.driver.snapshot().user_counted and app.driver.snapshot().underlying is State.WORK)
    for _ in range(3):
        app.key(K.Key_Return)
    app.advance(0.5)
    assert "3" in s.caption.text() and s.number.text == "3"
    app.key(K.Key_Backspace)  # 3 -> 2
    app.advance(0.5)
    assert s.number.text == "2" and "3" not in s.caption.text() and " · " not in s.caption.text()

    app.window.end_driver()
    app = own(qtbot, tmp_path / "again")
    s = app.screen
    app.until(lambda: app.driver.snapshot().underlying is State.WORK and (app.driver.snapshot().step_left or 99) < 3)
    app.advance(0.3)
    said = s.caption.text()
    assert said in {"3", "2", "1"}  # the countdown to the end of the hold
    app.key(K.Key_Plus)  # ten seconds more: that countdown no longer holds
    assert s.caption.text() == "" and int(s.number.text) > 10
    app.window.end_driver()
