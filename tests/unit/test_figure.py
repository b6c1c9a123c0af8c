"""The figure's poses, checked against what each drill is: measured on the joints' positions, not read
back from the movement files' numbers."""

from __future__ import annotations

import math

import pytest

from hinge_timer.figure import motion
from hinge_timer.figure.body import Pose, Skeleton, Stance, flexion, reach, skeleton
from hinge_timer.figure.movement import MovementError, movement, movement_names, parse, suggest


def at(name: str, phase: int, progress: float) -> Skeleton:
    m = movement(name)
    return skeleton(motion.paced(m, phase, len(m.phases), progress).pose, m.stance)


def hip_flexion(s: Skeleton) -> float:
    """The angle between the thigh and the lowest trunk segment (0: standing straight)."""
    return flexion(s.knee, s.hip, s.spine[1])


def knee_flexion(s: Skeleton) -> float:
    return flexion(s.hip, s.knee, s.ankle)


def spine_bends(s: Skeleton) -> list[float]:
    """The bend between each pair of trunk segments, and between the trunk and the neck."""
    pts = list(s.spine) + [s.neck]
    return [flexion(pts[i], pts[i + 1], pts[i + 2]) for i in range(len(pts) - 2)]


def off_line(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far ``p`` is from the straight line through ``a`` and ``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    return abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / math.hypot(dx, dy)


def samples(name: str, steps: int = 40):
    m = movement(name)
    for k in range(len(m.phases)):
        for i in range(steps + 1):
            yield k, i / steps, at(name, k, i / steps)


BUILT_IN = ("weighted-hip-hinge", "banded-hip-distraction", "banded-hip-hinge", "split-hamstring-stretch",
            "jefferson-curl", "dowel-hip-hinge", "weighted-dowel-hip-hinge")


def test_the_library_has_every_built_in_drill_movement():
    assert set(BUILT_IN) <= set(movement_names())
    for name in movement_names():
        assert movement(name).phases, name


def test_the_weighted_hinge_at_the_bottom_sends_the_hips_back_with_little_knee_bend_and_a_flat_back():
    for phase, progress in ((0, 1.0), (1, 1.0)):  # the end of "hips back", and the bottom after "knees bend"
        s = at("weighted-hip-hinge", phase, progress)
        assert hip_flexion(s) >= 70, "a hinge bends at the hips"
        assert knee_flexion(s) <= 40 and hip_flexion(s) >= 2.5 * knee_flexion(s), "hips back, not a squat"
        assert s.hip[0] < s.ankle[0] - 0.02, "the hips travel back behind the heels"
        assert max(spine_bends(s)) <= 2, "the back stays flat from the tailbone to the head"
    # The knees bend in the second phase, over the ankles, not before.
    assert knee_flexion(at("weighted-hip-hinge", 1, 1.0)) > knee_flexion(at("weighted-hip-hinge", 0, 1.0)) + 15
    top = at("weighted-hip-hinge", 0, 0.0)
    assert hip_flexion(top) < 5 and knee_flexion(top) < 5, "each rep starts standing tall"


def test_the_jefferson_curl_at_the_bottom_is_flexed_segment_by_segment_with_straight_knees():
    for phase, progress in ((1, 0.0), (1, 0.5), (2, 0.0), (3, 0.0)):  # the bottom, through the breathing
        s = at("jefferson-curl", phase, progress)
        bends = spine_bends(s)
        assert all(b >= 20 for b in bends), f"every segment of the spine is curled: {bends}"
        assert knee_flexion(s) <= 5, "knees straight"
        assert s.head[1] < s.hip[1] - 0.2, "the head hangs down by the legs"
        assert s.arm[3][1] < s.knee[1], "the weight hangs below the knees"
    # Breathing out, the body sinks further into the stretch.
    assert at("jefferson-curl", 2, 0.0).arm[3][1] < at("jefferson-curl", 1, 0.0).arm[3][1] - 0.02
    for name, s in (("start", at("jefferson-curl", 0, 0.0)), ("end", at("jefferson-curl", 3, 1.0))):
        assert max(spine_bends(s)) < 1 and hip_flexion(s) < 1, f"standing tall at the {name}"


def _share(now: Skeleton, start: Skeleton, end: Skeleton) -> list[float]:
    """How far each joint (hip, three spine joints, neck) has gone from ``start`` towards ``end``."""
    def joints(s: Skeleton) -> list[float]:
        return [hip_flexion(s), *spine_bends(s)]
    a, b, c = joints(start), joints(now), joints(end)
    return [round((y - x) / (z - x), 6) if abs(z - x) > 1e-6 else 1.0 for x, y, z in zip(a, b, c)]


def test_the_jefferson_curl_rolls_down_from_the_neck_and_stacks_up_from_the_hips():
    down = _share(at("jefferson-curl", 0, 0.4), at("jefferson-curl", 0, 0.0), at("jefferson-curl", 0, 1.0))
    # hip, lumbar, lower thoracic, upper thoracic, neck: the neck is furthest on, the hips least.
    assert down == sorted(down), f"curling down goes neck first, hips last: {down}"
    assert down[-1] > 0.5 > down[0]
    up = _share(at("jefferson-curl", 3, 0.4), at("jefferson-curl", 3, 0.0), at("jefferson-curl", 3, 1.0))
    assert up == sorted(up, reverse=True), f"coming up goes hips first, neck last: {up}"
    assert up[0] > 0.5 > up[-1]


@pytest.mark.parametrize("name", ["dowel-hip-hinge", "weighted-dowel-hip-hinge"])
def test_the_dowel_keeps_head_upper_back_and_tailbone_on_one_line_through_the_whole_hinge(name):
    deepest = 0.0
    for _k, _p, s in samples(name):
        head, upper, tail = s.contacts
        assert off_line(upper, tail, head) < 0.003, "the three points of contact stay on the dowel"
        deepest = max(deepest, hip_flexion(s))
    assert deepest >= 60, "it is a real hinge, not standing still"


def test_the_banded_hip_hinge_straightens_and_bends_the_front_knee_with_its_cycle_and_the_back_foot_stays_put():
    straight, bent = at("banded-hip-hinge", 0, 1.0), at("banded-hip-hinge", 1, 1.0)
    assert knee_flexion(straight) < 10 and knee_flexion(bent) > 25
    assert hip_flexion(straight) > 60, "the hinge is held while the knee works"
    backs = [s.other[2] for _k, _p, s in samples("banded-hip-hinge")]
    assert max(abs(b[0] - backs[0][0]) for b in backs) < 1e-6, "the back foot does not slide"
    assert all(b[0] < s.ankle[0] - 0.15 for b, s in zip(backs, [s for *_x, s in samples("banded-hip-hinge")]))


def test_the_distraction_rocks_back_and_forward_through_a_hold_on_hands_and_knees():
    m = movement("banded-hip-distraction")
    hips = [skeleton(motion.held(m, t / 10).pose, m.stance).hip[0] for t in range(0, 61)]
    assert max(hips) - min(hips) > 0.1, "the hips travel back towards the heels and forward again"
    assert motion.held(m, 1.0).moving
    for t in (0.0, 1.5, 3.0, 4.5):
        s = skeleton(motion.held(m, t).pose, m.stance)
        assert s.knee[1] < 0.05 and s.arm[3][1] < 0.03, "knees and hands stay on the floor"
        assert max(spine_bends(s)[:3]) < 2, "a neutral spine"


def test_the_split_stretch_pushes_then_relaxes_the_front_leg():
    m = movement("split-hamstring-stretch")
    push, relax = at("split-hamstring-stretch", 0, 1.0), at("split-hamstring-stretch", 1, 1.0)
    assert push.other[2][0] > push.hip[0] + 0.3, "the working leg is the front one"
    assert push.knee[1] < 0.05, "kneeling on the back knee"
    assert motion.paced(m, 0, 2, 1.0).pose.effort == 1 and motion.paced(m, 1, 2, 1.0).pose.effort == 0
    assert flexion(*relax.other) < flexion(*push.other) - 10, "relaxing, it sinks and the front knee straightens"
    assert m.stance.working == "other"


@pytest.mark.parametrize("name", BUILT_IN)
def test_phases_meet_without_a_jump_and_move_smoothly_within(name):
    m = movement(name)
    n = len(m.phases)
    for count in sorted({n, 2, 3, 5}):  # the movement's own number of phases, and a user's other numbers
        for k in range(count):
            end = motion.paced(m, k, count, 1.0).pose
            start = motion.paced(m, (k + 1) % count, count, 0.0).pose
            assert end.distance(start) < 1e-6, f"{count} phases: phase {k + 1} ends where the next begins"
            poses = [motion.paced(m, k, count, i / 100).pose for i in range(101)]
            assert max(a.distance(b) for a, b in zip(poses, poses[1:])) < 4.0, "no jump inside a phase"


def test_a_held_phase_is_still_and_costs_no_repaint():
    m = movement("dowel-hip-hinge")
    hold = motion.paced(m, 1, 3, 0.5)
    assert not hold.moving and motion.paced(m, 0, 3, 0.5).moving
    assert not motion.still(m).moving
    assert not motion.held(movement("weighted-hip-hinge"), 10.0).moving, "a plain hold is still"


def test_the_working_leg_follows_the_side():
    m = movement("banded-hip-hinge")
    assert motion.view(m, "right") == motion.View(1, "right", "chain")
    assert motion.view(m, "left") == motion.View(-1, "left", "chain"), "the left leg: mirrored, the near leg"
    assert motion.view(movement("jefferson-curl"), None).side is None, "no side: no leg is shaded"


def test_reach_puts_the_middle_joint_on_the_side_asked_and_the_end_on_the_target():
    mid, end = reach((0.0, 0.5), (0.1, 0.05), 0.245, 0.246, +1)
    assert math.dist(end, (0.1, 0.05)) < 1e-9
    assert abs(math.dist((0.0, 0.5), mid) - 0.245) < 1e-9 and abs(math.dist(mid, end) - 0.246) < 1e-9
    assert mid[0] > 0.05, "a knee bends forward"
    mid, end = reach((0.0, 0.5), (0.0, -1.0), 0.245, 0.246, +1)
    assert math.dist(end, (0.0, 0.5 - 0.491)) < 1e-9, "out of reach: straight towards it"


BASE = {"title": "T", "still": "a", "poses": {"a": {}, "b": {"hip": 40}},
        "phase": [{"from": "a", "to": "b", "seconds": 2}, {"from": "b", "to": "a", "seconds": 2}]}


@pytest.mark.parametrize("change, says", [
    ({"phase": [{"from": "a", "to": "b", "seconds": 2}, {"from": "a", "to": "a", "seconds": 2}]},
     "mine.toml: phase 1.to: ends at 'b' but phase 2 starts at 'a'"),
    ({"phase": [{"from": "a", "to": "c", "seconds": 2}]}, "mine.toml: phase 1.to: no key pose 'c'"),
    ({"poses": {"a": {"hipp": 3}}}, "mine.toml: poses.a.hipp: unknown joint"),
    ({"poses": {"a": {"spine": [1, 2]}}}, "mine.toml: poses.a.spine: expected three angles"),
    ({"poses": {"a": {"knee": 1e9}}}, "mine.toml: poses.a.knee: must be between -200 and 200"),
    ({"still": "z"}, "mine.toml: still: no key pose 'z'"),
    ({"props": ["barbell"]}, "mine.toml: props: expected a list of"),
    ({"ground": "hands"}, "mine.toml: ground: expected \"ankle\" or \"knee\""),
    ({"colour": "red"}, "mine.toml: colour: unknown field"),
])
def test_a_broken_movement_file_is_refused_naming_the_file_and_the_field(change, says):
    with pytest.raises(MovementError) as e:
        parse("mine", {**BASE, **change})
    assert str(e.value).startswith(says)


def test_a_movement_file_may_reuse_another_and_near_misses_are_suggested():
    w = movement("weighted-dowel-hip-hinge")
    assert w.phases == movement("dowel-hip-hinge").phases and "kettlebell" in w.props
    assert suggest("jeferson-curl") == "jefferson-curl"
    assert suggest("burpee") is None
    assert parse("mine", BASE).stance == Stance()
    assert parse("mine", BASE).pose("b") == Pose(hip=40)
