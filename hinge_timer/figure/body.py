"""The body in side view: segment lengths, a pose as joint angles, and where every joint then is.

No Qt: ``ui/figure.py`` draws what :func:`skeleton` returns.  Lengths are fractions of body height, from
Winter's anthropometric table (Biomechanics and Motor Control of Human Movement, table 4.1): ankle height
0.039, shank 0.246, thigh 0.245, hip to shoulder 0.288, shoulder to the top of the head 0.182, upper arm
0.186, forearm 0.146, hand 0.108, foot 0.152.

Coordinates: x forward (the figure faces +x; the left side is drawn mirrored), y up, the floor at y = 0,
one unit = body height.  Angles are degrees:

- ``ankle``: the shank's tilt forward of vertical (a shank lying flat behind a kneeling knee is 90);
- ``knee``: knee flexion (0 straight); ``hip``: hip flexion (the trunk forward of the thigh);
- ``spine``: flexion between the pelvis and the lumbar spine, the lumbar and lower thoracic, and the lower
  and upper thoracic segments (a Jefferson curl rolls through them one by one);
- ``neck``: neck flexion; ``shoulder``: the arm forward of the trunk; ``elbow``: elbow flexion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

ANKLE_H = 0.039
SHANK = 0.246
THIGH = 0.245
SPINE = (0.05, 0.08, 0.075, 0.083)  # pelvis, lumbar, lower thoracic, upper thoracic: hip to shoulder 0.288
NECK = 0.05
HEAD_R = 0.065  # the head's top at 1.0 when standing
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.07  # wrist to the middle of the palm and fingers (0.108 to the fingertips)
TOE = 0.11  # ankle to the ball of the foot, forward
HEEL = 0.04  # ankle to the heel, back
KNEE_R = 0.03  # a kneeling knee's centre above the floor
BACK = 0.055  # the back's surface behind the spine's line, at the tailbone and between the shoulder blades

Point = tuple[float, float]


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees (see the module's docstring), and how hard the working leg is working (0..1)."""

    ankle: float = 0.0
    knee: float = 0.0
    hip: float = 0.0
    spine: tuple[float, float, float] = (0.0, 0.0, 0.0)
    neck: float = 0.0
    shoulder: float = 0.0
    elbow: float = 0.0
    effort: float = 0.0

    def blend(self, other: Pose, t: float, spread: tuple[float, ...] | None = None) -> Pose:
        """The pose ``t`` (0..1) of the way to ``other``.

        ``spread`` gives each joint its own progress, in the order hip, spine[0..2], neck (a roll).
        """
        def mix(a: float, b: float, u: float) -> float:
            return a + (b - a) * u

        u = spread if spread is not None else (t,) * 5
        return Pose(
            ankle=mix(self.ankle, other.ankle, u[0]),
            knee=mix(self.knee, other.knee, u[0]),
            hip=mix(self.hip, other.hip, u[0]),
            spine=(mix(self.spine[0], other.spine[0], u[1]), mix(self.spine[1], other.spine[1], u[2]),
                   mix(self.spine[2], other.spine[2], u[3])),
            neck=mix(self.neck, other.neck, u[4]),
            shoulder=mix(self.shoulder, other.shoulder, t),
            elbow=mix(self.elbow, other.elbow, t),
            effort=mix(self.effort, other.effort, t),
        )

    def distance(self, other: Pose) -> float:
        """The largest difference of any joint angle, in degrees (effort counts 0..1 as 0..10 degrees)."""
        d = max(abs(a - b) for a, b in zip(self.spine, other.spine))
        for f in fields(self):
            if f.name in ("spine", "effort"):
                continue
            d = max(d, abs(getattr(self, f.name) - getattr(other, f.name)))
        return max(d, abs(self.effort - other.effort) * 10)


Ground = Literal["ankle", "knee"]
Arms = Literal["hang", "angles", "floor", "plate", "dowel", "dowel-weight", "thigh"]


@dataclass(frozen=True)
class Stance:
    """What a movement's body does besides its pose: what is on the floor, where the other leg and the hands go.

    - ``ground``: "ankle", standing on the chain leg's foot; "knee", kneeling on the chain leg's knee.
    - ``other``: None, the other leg is the chain leg's twin (drawn behind it); a number, the other leg's
      foot (standing) or ankle (in front of a kneeling figure) is planted on the floor that far forward of the
      chain leg's ground point (negative: behind).
    - ``working``: which leg does the work (is drawn nearest and shaded): "chain" or "other".
    - ``arms``: "hang" straight down, "angles" as the pose says, "floor" hands planted at ``hands`` forward of the
      ground point, "plate" holding a plate on the mid back, "dowel" holding a dowel behind the back,
      "dowel-weight" the far hand on the dowel and the near arm hanging with a weight, "thigh" looped under
      the front thigh.
    - ``raised``: the floor under the feet is this high (standing on a box).
    """

    ground: Ground = "ankle"
    other: float | None = None
    working: Literal["chain", "other"] = "chain"
    arms: Arms = "hang"
    hands: float = 0.3
    raised: float = 0.0


@dataclass(frozen=True)
class Skeleton:
    """Where the joints are, facing +x.  Legs and arms are (root, middle, end) joints; ``near`` is drawn last."""

    ankle: Point  # the chain leg
    knee: Point
    hip: Point
    spine: tuple[Point, ...]  # the pelvis's base (= hip), then the top of each of the four trunk segments
    neck: Point  # the top of the neck
    head: Point  # the head's centre
    chain_foot: tuple[Point, Point]  # heel, ball
    other: tuple[Point, Point, Point]  # the other leg: hip, knee, ankle
    other_foot: tuple[Point, Point]
    arm: tuple[Point, Point, Point, Point]  # shoulder, elbow, wrist, hand
    far_arm: tuple[Point, Point, Point, Point]
    axis: tuple[float, ...]  # each trunk segment's and the neck's angle forward of vertical, degrees
    contacts: tuple[Point, Point, Point]  # the back of the head, between the shoulder blades, the tailbone
    floor: float  # the height of what the feet stand on

    def leg(self, which: Literal["chain", "other"]) -> tuple[Point, Point, Point]:
        if which == "chain":
            return (self.hip, self.knee, self.ankle)
        return self.other

    @property
    def shoulder(self) -> Point:
        return self.spine[-1]


def up(theta: float) -> Point:
    """The unit vector ``theta`` degrees forward of straight up."""
    r = math.radians(theta)
    return (math.sin(r), math.cos(r))


def down(phi: float) -> Point:
    """The unit vector ``phi`` degrees forward of straight down."""
    r = math.radians(phi)
    return (math.sin(r), -math.cos(r))


def add(p: Point, v: Point, k: float = 1.0) -> Point:
    return (p[0] + v[0] * k, p[1] + v[1] * k)


def back_normal(theta: float) -> Point:
    """The unit vector behind a segment whose axis leans ``theta`` degrees forward (its back's side)."""
    r = math.radians(theta)
    return (-math.cos(r), math.sin(r))


def reach(origin: Point, target: Point, l1: float, l2: float, bend: int) -> tuple[Point, Point]:
    """A two-segment limb from ``origin`` towards ``target``: its middle joint and its end.

    ``bend`` +1 puts the middle joint on the side a knee bends to (forward of a leg hanging down), -1 on the
    side an elbow bends to.  A target out of reach is reached for in a straight line.
    """
    dx, dy = target[0] - origin[0], target[1] - origin[1]
    d = math.hypot(dx, dy)
    if d < 1e-9:
        return add(origin, (0.0, -1.0), l1), origin
    ux, uy = dx / d, dy / d
    if d >= l1 + l2:
        return add(origin, (ux, uy), l1), add(origin, (ux, uy), l1 + l2)
    d = max(d, abs(l1 - l2) + 1e-9)
    a = (l1 * l1 - l2 * l2 + d * d) / (2 * d)  # along the line to the middle joint's foot
    h = math.sqrt(max(0.0, l1 * l1 - a * a))
    # The perpendicular with cross((ux, uy), perp) = bend.
    px, py = -uy * bend, ux * bend
    mid = (origin[0] + ux * a + px * h, origin[1] + uy * a + py * h)
    return mid, add(origin, (ux, uy), d)


def flexion(a: Point, b: Point, c: Point) -> float:
    """The bend at ``b`` of the chain a-b-c, in degrees (0: straight)."""
    v1 = (b[0] - a[0], b[1] - a[1])
    v2 = (c[0] - b[0], c[1] - b[1])
    n = math.hypot(*v1) * math.hypot(*v2)
    if n < 1e-12:
        return 0.0
    cos = max(-1.0, min(1.0, (v1[0] * v2[0] + v1[1] * v2[1]) / n))
    return math.degrees(math.acos(cos))


def _foot(ankle: Point, floor: float, flat: bool) -> tuple[Point, Point]:
    """Heel and ball of a foot: flat on the floor, or (behind a kneeling knee) lying toes back."""
    if flat:
        return (ankle[0] - HEEL, floor), (ankle[0] + TOE, floor)
    return (ankle[0] + HEEL * 0.5, ankle[1] + ANKLE_H * 0.6), (ankle[0] - TOE, floor + 0.01)


def _arm_to(shoulder: Point, hand: Point) -> tuple[Point, Point, Point, Point]:
    """An arm whose palm reaches ``hand`` (elbow bent back as an elbow bends)."""
    elbow, wrist = reach(shoulder, hand, UPPER_ARM, FOREARM + HAND * 0.6, -1)
    # The wrist is a little short of the palm's middle, along the forearm.
    fx, fy = wrist[0] - elbow[0], wrist[1] - elbow[1]
    n = math.hypot(fx, fy) or 1.0
    w = add(elbow, (fx / n, fy / n), FOREARM)
    return shoulder, elbow, w, wrist


def _arm_angles(shoulder: Point, phi_upper: float, elbow_flex: float) -> tuple[Point, Point, Point, Point]:
    elbow = add(shoulder, down(phi_upper), UPPER_ARM)
    wrist = add(elbow, down(phi_upper + elbow_flex), FOREARM)
    hand = add(wrist, down(phi_upper + elbow_flex), HAND)
    return shoulder, elbow, wrist, hand


def skeleton(pose: Pose, stance: Stance) -> Skeleton:
    """Where every joint is for ``pose`` in ``stance``: forward kinematics up from the ground point."""
    floor = stance.raised
    theta_shank = pose.ankle
    theta_thigh = theta_shank - pose.knee
    if stance.ground == "ankle":
        ankle = (0.0, floor + ANKLE_H)
        knee = add(ankle, up(theta_shank), SHANK)
    else:
        knee = (0.0, floor + KNEE_R)
        ankle = add(knee, up(theta_shank), -SHANK)
    hip = add(knee, up(theta_thigh), THIGH)

    axis: list[float] = []
    theta = theta_thigh + pose.hip
    points = [hip]
    for i, length in enumerate(SPINE):
        if i > 0:
            theta += pose.spine[i - 1]
        axis.append(theta)
        points.append(add(points[-1], up(theta), length))
    theta_neck = theta + pose.neck
    axis.append(theta_neck)
    neck = add(points[-1], up(theta_neck), NECK)
    # The head's centre: along the neck, a little forward of its line, so that the back of the head is BACK
    # behind the line, as the tailbone and upper back are (a straight spine lays all three on a dowel).
    head = add(add(neck, up(theta_neck), HEAD_R * 0.9), back_normal(theta_neck), BACK - HEAD_R)
    contacts = (
        add(head, back_normal(theta_neck), HEAD_R),
        add(points[3], back_normal(axis[2] if len(axis) > 2 else theta), BACK),
        add(points[0], back_normal(axis[0]), BACK),
    )

    chain_foot = _foot(ankle, floor, stance.ground == "ankle")
    if stance.other is None:
        other = (hip, knee, ankle)
        other_foot = chain_foot
    elif stance.ground == "ankle":
        # A foot planted behind (or ahead): the heel a little raised, as in a staggered stance.
        target = (stance.other, floor + ANKLE_H * 2)
        o_knee, o_ankle = reach(hip, target, THIGH, SHANK, +1)
        other = (hip, o_knee, o_ankle)
        other_foot = ((o_ankle[0] - HEEL * 0.6, floor + ANKLE_H * 1.5), (o_ankle[0] + TOE, floor))
    else:
        # Kneeling on the chain knee: the other foot is planted flat in front.
        target = (stance.other, floor + ANKLE_H)
        o_knee, o_ankle = reach(hip, target, THIGH, SHANK, +1)
        other = (hip, o_knee, o_ankle)
        other_foot = _foot(o_ankle, floor, True)

    shoulder = points[-1]
    upper_axis = axis[3]
    far_arm: tuple[Point, Point, Point, Point]
    if stance.arms == "angles":
        arm = _arm_angles(shoulder, pose.shoulder - upper_axis, pose.elbow)
        far_arm = arm
    elif stance.arms == "hang":
        arm = _arm_angles(shoulder, 0.0, 0.0)
        far_arm = arm
    elif stance.arms == "floor":
        arm = _arm_to(shoulder, (stance.hands, floor + 0.012))
        far_arm = arm
    elif stance.arms == "plate":
        # Both hands hold a plate lying across the mid back.
        spot = add(add(points[2], up(axis[2]), SPINE[2] * 0.6), back_normal(axis[2]), BACK + 0.03)
        arm = _arm_to(shoulder, spot)
        far_arm = arm
    elif stance.arms == "dowel":
        # The near hand holds the dowel behind the neck, the far hand behind the small of the back.
        arm = _arm_to(shoulder, add(points[4], back_normal(upper_axis), BACK + 0.06))
        far_arm = _arm_to(shoulder, add(points[1], back_normal(axis[1]), BACK + 0.02))
    elif stance.arms == "dowel-weight":
        # The far hand holds the dowel behind the neck, the near arm hangs with a weight.
        arm = _arm_angles(shoulder, 0.0, 0.0)
        far_arm = _arm_to(shoulder, add(points[4], back_normal(upper_axis), BACK + 0.06))
    else:  # "thigh": both arms loop under the working (front) thigh
        front = other if stance.working == "other" else (hip, knee, ankle)
        mid = ((front[0][0] + front[1][0]) / 2, (front[0][1] + front[1][1]) / 2)
        arm = _arm_to(shoulder, (mid[0], mid[1] - 0.05))
        far_arm = arm

    return Skeleton(
        ankle=ankle, knee=knee, hip=hip, spine=tuple(points), neck=neck, head=head,
        chain_foot=chain_foot, other=other, other_foot=other_foot, arm=arm, far_arm=far_arm,
        axis=tuple(axis), contacts=contacts, floor=floor,
    )
