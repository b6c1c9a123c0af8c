"""The drill's figure on the session screen, in a user's own session on the fake clock: it follows the
drill's own phases, stands still when paused or when motion is off, shows what is coming at a caution, and
is not there for a drill that names no movement."""

from __future__ import annotations

import pytest

from hinge_timer.engine.state import State
from hinge_timer.figure import motion
from hinge_timer.figure.movement import movement
from tests.qt.conftest import App

# A physio's routine, in the user's words: a curl with four phases of its own lengths (as many as the
# movement has), a good morning with two (the movement has three), a hold per side, and a drill with no
# movement at all.
OWN = """format = 1
title = "Ana's Tuesday hinge"
[defaults]
get_ready = 5
rest_between_sets = 7
rest_between_drills = 9
switch_sides = 4
[[drill]]
name = "Curl, very slow"
movement = "jefferson-curl"
reps = 3
caution = "Skip it on a sore day."
tempo = [{ phase = "Down, chin first", seconds = 7 }, { phase = "Let go", seconds = 3 },
         { phase = "Fill up", seconds = 2 }, { phase = "Build back up", seconds = 6 }]
[[drill]]
name = "Good morning (light)"
movement = "dowel-hip-hinge"
reps = 5
tempo = [{ phase = "Tip", seconds = 3 }, { phase = "Stand", seconds = 2 }]
[[drill]]
name = "Rocking on all fours"
movement = "banded-hip-distraction"
hold = 31
sides = ["left", "right"]
[[drill]]
name = "Calf raises"
reps = 11
"""


@pytest.fixture
def ana(qtbot, tmp_path, fake_dialogs):
    a = App(qtbot, tmp_path)
    a.sessions.mkdir(parents=True, exist_ok=True)
    (a.sessions / "anas-tuesday.toml").write_text(OWN, encoding="utf-8")
    a.reload()
    a.start("Ana's Tuesday hinge")
    yield a
    a.window.end_driver()
    if a.window.history_service.history is not None:
        a.window.history_service.history.close()


def snap(app):
    return app.driver.snapshot()


def fig(app):
    return app.screen.drill_figure


def to(app, predicate):
    """Run on until ``predicate(snapshot)``, confirming the curl's caution on the way."""
    def there():
        s = snap(app)
        if s.underlying is State.CAUTION and not predicate(s):
            app.driver.acknowledge()
            s = snap(app)
        return predicate(s)
    app.until(there)


def test_at_the_caution_the_figure_shows_what_is_coming_moving_slowly(ana, qtbot):
    ana.until(lambda: snap(ana).underlying is State.CAUTION)
    view = ana.screen.caution_figure
    assert view.isVisible() and view.movement is movement("jefferson-curl")
    assert not fig(ana).isVisible(), "one figure at a time"
    first = view.moment.pose
    ana.advance(2)
    assert view.moment.pose != first, "it moves"
    m = movement("jefferson-curl")
    # Two seconds into its demonstration at half its own pace: where the rep is one second in.
    assert view.moment.pose == motion.looped(m, 1.0).pose
    ana.driver.acknowledge()


def test_the_figure_follows_a_paced_set_phase_by_phase(ana, qtbot):
    ana.until(lambda: snap(ana).underlying is State.CAUTION)
    ana.driver.acknowledge()
    m = movement("jefferson-curl")
    seen = set()
    ana.until(lambda: snap(ana).underlying is State.WORK)
    while snap(ana).underlying is State.WORK and len(seen) < 8:
        s = snap(ana)
        if s.phase_progress == 0.0:  # the first tick of a phase
            view = fig(ana)
            assert view.isVisible()
            ph = m.phases[s.phase_index]
            assert view.moment.pose == m.pose(ph.start), f"{s.phase_label}: the phase's first pose"
            seen.add((s.rep, s.phase_index))
        ana.advance(0.25)
    assert {(1, 0), (1, 1), (1, 2), (1, 3), (2, 0)} <= seen
    # Mid-phase, the pose is the movement's at that point of its own phase, whatever the phase is called.
    while not (snap(ana).phase_index == 1 and 0.45 < (snap(ana).phase_progress or 0) < 0.55):
        ana.advance(0.25)
    s = snap(ana)
    assert fig(ana).moment.pose == motion.paced(m, 1, 4, s.phase_progress).pose
    assert fig(ana).moment.pose.hip > 60, "breathing out at the bottom of the curl"


def test_a_drill_with_fewer_phases_than_its_movement_shares_the_movement_out(ana, qtbot):
    to(ana, lambda s: s.drill_name == "Good morning (light)" and s.underlying is State.WORK)
    m = movement("dowel-hip-hinge")
    ana.until(lambda: snap(ana).phase_index == 1 and snap(ana).phase_progress == 0.0)
    # "Stand" is the second half of the movement's rep: it starts where the movement's rep is halfway.
    assert fig(ana).moment.pose == motion.paced(m, 1, 2, 0.0).pose
    assert fig(ana).moment.pose.hip > 50, "half way through the rep: still hinged"


def test_paused_the_figure_stands_still_and_paints_nothing(ana, qtbot):
    ana.until(lambda: snap(ana).underlying is State.CAUTION)
    ana.driver.acknowledge()
    ana.until(lambda: snap(ana).underlying is State.WORK and (snap(ana).phase_progress or 0) > 0.3)
    ana.driver.toggle_pause()
    ana.advance(0.25)
    qtbot.wait(50)  # the pose it stopped at, painted
    view = fig(ana)
    held, frames = view.moment.pose, view.frames
    assert not view.moving
    for _ in range(8):
        ana.advance(0.5)
    qtbot.wait(120)
    assert view.moment.pose == held and view.frames == frames
    ana.driver.toggle_pause()
    ana.advance(0.5)
    assert view.moment.pose != held, "it goes on with the run"


def test_with_motion_off_the_figure_shows_each_phase_still_and_stops_repainting(ana, qtbot):
    ana.window.prefs.set_motion(False)
    assert ana.window.command_actions["motion"].isChecked() is False
    ana.until(lambda: snap(ana).underlying is State.CAUTION)
    view = ana.screen.caution_figure
    m = movement("jefferson-curl")
    assert view.moment.pose == m.pose(m.still) and not view.moving
    ana.driver.acknowledge()
    ana.until(lambda: snap(ana).underlying is State.WORK and snap(ana).phase_index == 0)
    ana.advance(1)
    view = fig(ana)
    frames = view.frames
    assert view.moment.pose == m.pose(m.phases[0].end), "the key pose this phase goes to"
    for _ in range(8):
        ana.advance(0.25)
        qtbot.wait(10)
    assert view.frames == frames and not view.moving, "no repaint inside a phase"
    ana.until(lambda: snap(ana).phase_index == 1)
    qtbot.wait(10)
    assert view.moment.pose == m.pose(m.phases[1].end) and view.frames > frames, "the next key pose"
    ana.window.prefs.set_motion(True)
    assert ana.window.settings.motion is True


def test_a_hold_per_side_mirrors_for_the_left_leg_and_a_drill_without_a_movement_has_no_figure(ana, qtbot):
    to(ana, lambda s: s.drill_name == "Rocking on all fours" and s.underlying is State.WORK)
    assert snap(ana).side == "left"
    assert fig(ana).painter.view.facing == -1 and fig(ana).painter.view.side == "left"
    before = fig(ana).moment.pose
    ana.advance(1.5)
    assert fig(ana).moment.pose != before, "the hold rocks back and forward"
    ana.until(lambda: snap(ana).underlying is State.WORK and snap(ana).side == "right")
    assert fig(ana).painter.view.facing == 1
    ana.until(lambda: snap(ana).drill_name == "Calf raises" and snap(ana).underlying is State.WORK)
    assert not fig(ana).isVisible() and fig(ana).movement is None
    assert ana.screen.cue.isVisible() or not ana.screen.cue.text()


def test_between_snapshots_the_figure_moves_on_by_the_runs_clock_to_the_phases_end(ana, qtbot):
    to(ana, lambda s: s.underlying is State.WORK and s.phase_index == 0 and 0.2 < (s.phase_progress or 0) < 0.4)
    view, s = fig(ana), snap(ana)
    m = movement("jefferson-curl")
    ana.clock.advance(1.4)  # the run's clock moves on; no tick yet
    view._advance()  # the figure's own frame timer
    assert view.moment.pose.distance(motion.paced(m, 0, 4, s.phase_progress + 1.4 / s.phase_seconds).pose) < 1e-9
    ana.clock.advance(30)  # far past the phase's end, still no tick: it waits at the phase's last pose
    view._advance()
    assert view.moment.pose == m.pose(m.phases[0].end) and not view.moving


def test_home_shows_a_numbered_still_figure_for_each_drill_with_a_movement(ana, qtbot):
    ana.window.end_driver()
    ana.window.go_home()
    home = ana.window.home
    mobility = next(i for i, e in enumerate(home.entries) if e.key == "hip-hinge-mobility")
    home.list.setCurrentRow(mobility)
    qtbot.waitUntil(lambda: home.figures.isVisible())
    views = home.figures.views
    assert [v.caption for v in views] == ["1", "2", "3", "4", "5"]
    assert [v.movement.name for v in views] == ["weighted-hip-hinge", "banded-hip-distraction", "banded-hip-hinge",
                                                "split-hamstring-stretch", "jefferson-curl"]
    assert not any(v.moving for v in views), "Home's figures are still"
    assert views[0].toolTip() and views[0].accessibleDescription() == "1. Weighted hip hinge"
    ana_entry = next(i for i, e in enumerate(home.entries) if e.session and e.session.title == "Ana's Tuesday hinge")
    home.list.setCurrentRow(ana_entry)
    qtbot.waitUntil(lambda: [v.caption for v in home.figures.views] == ["1", "2", "3"])  # Calf raises has none
    ana.window.resize(800, 600)
    qtbot.wait(100)
    if home.figures.isVisible():  # only where the details' words leave it room
        assert home.figures.height() >= home.FIGURES_MIN
        assert home.details.height() >= home.details.heightForWidth(home.details.width())
