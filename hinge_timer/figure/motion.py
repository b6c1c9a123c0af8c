"""The pose at any moment: a pure function of (movement, phase, progress within the phase, side).

- Paced reps and hold-relax cycles: the drill's phase *i* of *n* is the movement's phase *i* when the
  movement has *n* phases (the built-in drills do), so the figure bends while "hips back" is said and rises on
  "up", and pauses at the bottom of the Jefferson curl while "breathe out, relax" is said.  A drill with
  another number of phases shares the movement's rep out evenly: phase *i* of *n* runs from *i/n* to
  *(i+1)/n* of it.
- A hold: the movement's own loop if it has one (the distraction rocks), else its still pose.
- Nothing pacing it (a counted set): its loop, or else its rep, at the movement's own phase lengths, by the
  time since it began (``looped``); what is coming (a get-ready, a caution, a preview) the same, slower
  (``ui/figure.py`` asks for half the pace).

Each phase eases in and out (smoothstep).  A phase marked ``roll`` gives each joint of the trunk its own
start, one after another: "top-down" from the neck to the hips, "bottom-up" from the hips to the neck.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .body import Pose
from .movement import Movement, Phase

ROLL_STAGGER = 0.15  # each joint of a roll starts this share of the phase after the one before
# The joints a roll moves in turn, by their place in Pose.blend's spread: hip, spine[0..2], neck.
_TOP_DOWN = (4, 3, 2, 1, 0)  # the neck moves first, the hips last
_BOTTOM_UP = (0, 1, 2, 3, 4)


def ease(t: float) -> float:
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def _roll(order: tuple[int, ...], p: float) -> tuple[float, ...]:
    width = 1.0 - ROLL_STAGGER * (len(order) - 1)
    spread = [0.0] * len(order)
    for rank, joint in enumerate(order):
        spread[joint] = ease((p - rank * ROLL_STAGGER) / width)
    return tuple(spread)


def in_phase(m: Movement, phases: tuple[Phase, ...], k: int, progress: float) -> Pose:
    """The pose ``progress`` (0..1) of the way through ``phases[k]``."""
    ph = phases[k]
    a, b = m.pose(ph.start), m.pose(ph.end)
    if ph.roll is None:
        return a.blend(b, ease(progress))
    order = _TOP_DOWN if ph.roll == "top-down" else _BOTTOM_UP
    return a.blend(b, ease(progress), _roll(order, progress))


def _through(m: Movement, phases: tuple[Phase, ...], u: float) -> tuple[Pose, Phase]:
    """The pose ``u`` (0..1) of the way through ``phases``, each its own length."""
    total = sum(p.seconds for p in phases)
    t = min(1.0, max(0.0, u)) * total
    for k, ph in enumerate(phases):
        if t <= ph.seconds or k == len(phases) - 1:
            return in_phase(m, phases, k, t / ph.seconds if ph.seconds else 1.0), ph
        t -= ph.seconds
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Moment:
    """What to draw now: the pose, and whether it is changing (so whether anything need be repainted soon)."""

    pose: Pose
    moving: bool


def paced(m: Movement, index: int, count: int, progress: float) -> Moment:
    """Phase ``index`` of a drill's ``count`` phases (tempo or cycle), ``progress`` of the way through it."""
    if count == len(m.phases):
        ph = m.phases[index % count]
        return Moment(in_phase(m, m.phases, index % count, progress), ph.start != ph.end)
    pose, ph = _through(m, m.phases, ((index % count) + min(1.0, max(0.0, progress))) / count)
    return Moment(pose, True)


def looped(m: Movement, seconds: float, slower: float = 1.0) -> Moment:
    """Its demonstration (loop, or rep) ``seconds`` after it began, ``slower`` times slower than its own pace."""
    phases = m.demo
    total = sum(p.seconds for p in phases) * slower
    pose, ph = _through(m, phases, (seconds % total) / total if total else 0.0)
    return Moment(pose, any(p.start != p.end for p in phases))


def still(m: Movement) -> Moment:
    return Moment(m.pose(m.still), False)


def held(m: Movement, seconds: float) -> Moment:
    """A plain hold: its loop if it has one, else still."""
    return looped(m, seconds) if m.loop else still(m)


@dataclass(frozen=True)
class View:
    """How the figure is turned for a side.

    Facing right, a side view shows the body's right side; so the right leg is drawn facing right and the left
    leg mirrored, with the working leg nearest and shaded.
    """

    facing: int  # +1: faces right; -1: mirrored
    side: Literal["left", "right"] | None  # the working leg, shaded; None: both legs alike
    working: Literal["chain", "other"]  # which of the movement's legs that is


def view(m: Movement, side: str | None) -> View:
    leg: Literal["left", "right"] | None = "left" if side == "left" else "right" if side == "right" else None
    return View(-1 if leg == "left" else 1, leg, m.stance.working)
