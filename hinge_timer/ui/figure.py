"""The figure that shows how a drill is done, drawn with QPainter in time with the drill's own phases.

``figure/`` (no Qt) says which pose the body is in at any moment and where its joints then are; this module
draws them: a side view with rounded limbs and a solid trunk, the floor, and the drill's equipment.  The
working leg is drawn nearest and orange, and the figure is mirrored for the left leg (facing right, a side
view shows the right side).

Cost: a frame is painted only while the pose changes, at most ``FRAME_MS`` apart (and never faster than the
display refreshes); a still hold, a paused run and a figure with motion turned off paint once and then
nothing until the next snapshot changes what they show.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from ..engine.events import Snapshot
from ..engine.state import State
from ..figure import motion
from ..figure.body import BACK, HEAD_R, TOE, Point, Pose, Skeleton, back_normal, skeleton
from ..figure.movement import Movement, movement, movement_names
from ..i18n import _
from ..session.kinds import WorkMode
from . import theme
from .widgets import plain_label, set_plain_tooltip

FRAME_MS = 66  # at most 15 frames a second while the figure moves
SLOWER = 2.0  # "what is coming" (get ready, a caution, a preview) moves at half its own pace
# A pose that moved less than this (degrees, at any joint) since the last frame drawn is not drawn again, and
# the next look is timed for when it will have: the frame rate follows the movement's speed (a hinge's fast
# middle gets 15 frames a second, the sink at the bottom of a curl a few); a limb 130 px long moves about
# two pixels a frame.
MOVED_DEG = 1.2
MAX_WAIT_MS = 250  # the longest between two looks at a moving figure (a phase that starts slowly)

# Thickness of each part, in body heights.
THIGH_W, SHANK_W, FOOT_W = 0.072, 0.054, 0.032
UPPER_ARM_W, FOREARM_W, HAND_R = 0.044, 0.036, 0.022
NECK_W = 0.05
EDGE = 0.008  # the outline that sets a near limb off the trunk behind it
# The trunk's depth in front of the spine's line at the hip, the waist, the lower and upper chest and the
# shoulder (behind it, the back is BACK deep: the dowel's contacts lie on it).
FRONT = (0.055, 0.045, 0.055, 0.068, 0.045)
ANCHOR = (-0.62, 0.07)  # where a band is tied: low, behind the figure


def known(name: str | None) -> Movement | None:
    """The library's movement ``name``, or None (no name, or one this version does not know)."""
    if not name or name not in movement_names():
        return None
    return movement(name)


def _pt(p: Point, f: int) -> QPointF:
    return QPointF(p[0] * f, p[1])


@functools.lru_cache(maxsize=64)
def _pen(rgba: int, width: float) -> QPen:
    """A round-capped pen (made once: a frame draws some twenty limbs)."""
    return QPen(QColor.fromRgba(rgba), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)


@functools.cache
def _bounds(m: Movement) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1, facing right) the movement's figure and equipment stay within."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for pose in m.poses.values():
        s = skeleton(pose, m.stance)
        for p in (s.head, s.neck, s.hip, s.knee, s.ankle, *s.spine, *s.chain_foot, *s.other, *s.other_foot,
                  *s.arm, *s.far_arm):
            xs.append(p[0])
            ys.append(p[1])
        ys.append(s.head[1] + HEAD_R)
        xs.extend((s.head[0] - HEAD_R, s.head[0] + HEAD_R))
    if any(p.startswith("band") for p in m.props):
        xs.append(ANCHOR[0] - 0.04)
    if "wall" in m.props:
        xs.append(max(xs) + 0.05)
    if "kettlebell" in m.props:
        ys.append(min(ys) - 0.1)
    if "box" in m.props:
        xs.append(-0.15)
    return min(xs) - 0.08, min(0.0, min(ys)) - 0.03, max(xs) + 0.08, max(ys) + 0.03


class FigurePainter:
    """Draws one pose of one movement into a rectangle (the widget's, or a screenshot's)."""

    def __init__(self, m: Movement, side: str | None) -> None:
        self.movement = m
        self.view = motion.view(m, side)

    def paint(self, p: QPainter, rect: QRectF, pose: Pose) -> None:
        m, f = self.movement, self.view.facing
        s = skeleton(pose, m.stance)
        x0, y0, x1, y1 = _bounds(m)
        if f < 0:
            x0, x1 = -x1, -x0
        scale = min(rect.width() / (x1 - x0), rect.height() / (y1 - y0))
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # Centre the figure's box in the rectangle; y up.
        cx = rect.left() + (rect.width() - (x1 - x0) * scale) / 2
        cy = rect.top() + (rect.height() - (y1 - y0) * scale) / 2
        p.translate(cx - x0 * scale, cy + y1 * scale)
        p.scale(scale, -scale)
        self._scene(p, s, pose, f, (x0, x1))
        p.restore()

    # -- parts ----------------------------------------------------------------------
    @staticmethod
    def _stroke(p: QPainter, pts: list[QPointF], width: float, colour: QColor, edge: float = 0.0) -> None:
        """A limb: a thick line with round ends; ``edge``: outlined in the panel's colour, so that it stands off
        what is behind it in the same colour (the near arm over the trunk)."""
        if edge:
            p.setPen(_pen(theme.FIGURE_PANEL.rgba(), width + 2 * edge))
            p.drawPolyline(pts)
        p.setPen(_pen(colour.rgba(), width))
        p.drawPolyline(pts)

    def _leg(self, p: QPainter, leg: tuple[Point, Point, Point], foot: tuple[Point, Point], f: int,
             colour: QColor, effort: float = 0.0, edge: float = 0.0) -> None:
        hip, knee, ankle = (_pt(q, f) for q in leg)
        if effort > 0.01:
            glow = QColor(theme.FIGURE_EFFORT)
            glow.setAlphaF(glow.alphaF() * effort)
            self._stroke(p, [hip, knee], THIGH_W + 0.05, glow, edge=0)
        self._stroke(p, [_pt(foot[1], f), _pt(foot[0], f), ankle, knee], FOOT_W, colour, edge)
        self._stroke(p, [knee, ankle], SHANK_W, colour, edge)
        self._stroke(p, [hip, knee], THIGH_W, colour, edge)

    def _arm(self, p: QPainter, arm: tuple[Point, Point, Point, Point], f: int, colour: QColor,
             edge: float = 0.0) -> None:
        sh, el, wr, hd = (_pt(q, f) for q in arm)
        self._stroke(p, [sh, el], UPPER_ARM_W, colour, edge)
        self._stroke(p, [el, wr, hd], FOREARM_W, colour, edge)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(hd, HAND_R, HAND_R)

    @staticmethod
    def _smooth(points: list[QPointF]) -> QPainterPath:
        """A closed curve through ``points`` (Catmull-Rom, as cubic Béziers)."""
        n = len(points)
        path = QPainterPath(points[0])
        for i in range(n):
            p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
            path.cubicTo(p1 + (p2 - p0) / 6.0, p2 - (p3 - p1) / 6.0, p2)
        path.closeSubpath()
        return path

    @staticmethod
    def _trunk(s: Skeleton, f: int) -> list[QPointF]:
        """The trunk's outline: up its front, round the shoulder, down its back."""
        nodes = s.spine
        angles = list(s.axis[:4])
        # Each node's lean: the mean of the segments either side of it.
        lean = [angles[0]] + [(angles[i] + angles[i + 1]) / 2 for i in range(3)] + [angles[3]]
        front, back = [], []
        # Below the hip joint the pelvis rounds off.
        base = _pt((nodes[0][0] - math.sin(math.radians(angles[0])) * 0.045,
                    nodes[0][1] - math.cos(math.radians(angles[0])) * 0.045), f)
        for node, a, depth in zip(nodes, lean, FRONT):
            n = back_normal(a)
            back.append(_pt((node[0] + n[0] * BACK, node[1] + n[1] * BACK), f))
            front.append(_pt((node[0] - n[0] * depth, node[1] - n[1] * depth), f))
        top = s.spine[-1]
        cap = _pt((top[0] + math.sin(math.radians(angles[3])) * 0.035,
                   top[1] + math.cos(math.radians(angles[3])) * 0.035), f)
        return [base] + front + [cap] + back[::-1]

    def _scene(self, p: QPainter, s: Skeleton, pose: Pose, f: int, xs: tuple[float, float]) -> None:
        m = self.movement
        props = set(m.props)
        body, far = theme.FIGURE_BODY, theme.FIGURE_FAR
        working_colour = theme.FIGURE_WORKING if self.view.side else body
        p.setPen(QPen(theme.FIGURE_FLOOR, 0.008))
        p.drawLine(QPointF(xs[0] + 0.02, 0.0), QPointF(xs[1] - 0.02, 0.0))
        gear_pen = QPen(theme.FIGURE_GEAR_EDGE, 0.006)

        if "box" in props:
            p.setPen(gear_pen)
            p.setBrush(theme.FIGURE_GEAR)
            left, right = sorted((-0.15 * f, (TOE - 0.01) * f))
            p.drawRoundedRect(QRectF(left, 0.0, right - left, s.floor), 0.01, 0.01)
        if "wall" in props:
            toe = s.other_foot[1][0] if m.stance.working == "other" else s.chain_foot[1][0]
            wx = toe + 0.012
            p.setPen(gear_pen)
            p.setBrush(theme.FIGURE_GEAR)
            left, right = sorted((wx * f, (wx + 0.05) * f))
            p.drawRect(QRectF(left, 0.0, right - left, 0.95))
        band = next((b for b in props if b.startswith("band")), None)
        if band:
            p.setPen(gear_pen)
            p.setBrush(theme.FIGURE_GEAR)
            left, right = sorted(((ANCHOR[0] - 0.03) * f, (ANCHOR[0] + 0.03) * f))
            p.drawRect(QRectF(left, 0.0, right - left, ANCHOR[1] + 0.04))

        # Behind the body: the far arm, then the other leg (when it is not the working one), the far twin.
        working = self.view.working
        chain_leg = (s.hip, s.knee, s.ankle)
        work_leg, work_foot = (chain_leg, s.chain_foot) if working == "chain" else (s.other, s.other_foot)
        rest_leg, rest_foot = (s.other, s.other_foot) if working == "chain" else (chain_leg, s.chain_foot)
        self._arm(p, s.far_arm, f, far)
        twin = m.stance.other is None
        # The far leg: the twin of the working leg (legs together), or the other leg of a split stance.
        far_leg, far_foot = (work_leg, work_foot) if twin else (rest_leg, rest_foot)
        self._leg(p, self._offset(far_leg, -0.012), far_foot, f, far)

        # The trunk, the neck and the head.
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(body)
        p.drawPath(self._smooth(self._trunk(s, f)))


        if "plate" in props:
            self._plate(p, s, f)
        if band:
            self._band(p, s, f, work_leg, band)
        # The working leg, nearest; its effort glows while it pushes.
        self._leg(p, work_leg, work_foot, f, working_colour, pose.effort if self.view.side else 0.0, EDGE)
        if "dowel" in props:
            self._dowel(p, s, f)
        # The neck and head come last, outlined, so that a head hanging by the shins (a Jefferson curl) shows.
        self._stroke(p, [_pt(s.spine[-1], f), _pt(s.neck, f)], NECK_W, body)
        p.setPen(QPen(theme.FIGURE_PANEL, EDGE))
        p.setBrush(body)
        p.drawEllipse(_pt(s.head, f), HEAD_R, HEAD_R)
        # The neck again over the head's outline, so that the head sits on it.
        self._stroke(p, [_pt(s.spine[-1], f), _pt(s.neck, f)], NECK_W, body)
        self._arm(p, s.arm, f, body, EDGE)
        if "kettlebell" in props:
            self._kettlebell(p, s.arm[3], f)

    @staticmethod
    def _offset(leg: tuple[Point, Point, Point], dx: float) -> tuple[Point, Point, Point]:
        return tuple((q[0] + dx, q[1]) for q in leg)  # type: ignore[return-value]

    def _plate(self, p: QPainter, s: Skeleton, f: int) -> None:
        a = s.axis[2]
        n = back_normal(a)
        c = s.spine[2]
        mid = (c[0] + n[0] * (BACK + 0.014), c[1] + n[1] * (BACK + 0.014))
        mid = (mid[0] + math.sin(math.radians(a)) * 0.045, mid[1] + math.cos(math.radians(a)) * 0.045)
        p.save()
        p.translate(_pt(mid, f))
        p.rotate(-a * f)
        p.setPen(QPen(theme.FIGURE_GEAR_EDGE, 0.006))
        p.setBrush(theme.FIGURE_GEAR)
        p.drawRoundedRect(QRectF(-0.014, -0.075, 0.028, 0.15), 0.008, 0.008)
        p.restore()

    def _band(self, p: QPainter, s: Skeleton, f: int, leg: tuple[Point, Point, Point], band: str) -> None:
        hip, knee = leg[0], leg[1]
        # The band's loop round the thigh: at the crease (top of the thigh) or a little lower, in the groin.
        k = 0.12 if band == "band-hip" else 0.22
        at = (hip[0] + (knee[0] - hip[0]) * k, hip[1] + (knee[1] - hip[1]) * k)
        pen = QPen(theme.FIGURE_BAND, 0.016, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(_pt((ANCHOR[0], ANCHOR[1]), f), _pt(at, f))
        # The loop itself, across the thigh.
        dx, dy = knee[0] - hip[0], knee[1] - hip[1]
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n, dx / n
        w = THIGH_W / 2 + 0.012
        p.drawLine(_pt((at[0] - nx * w, at[1] - ny * w), f), _pt((at[0] + nx * w, at[1] + ny * w), f))

    def _dowel(self, p: QPainter, s: Skeleton, f: int) -> None:
        head, upper, tail = s.contacts
        dx, dy = head[0] - tail[0], head[1] - tail[1]
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        nx, ny = -uy, ux  # the side of the line the body is not on: behind the back
        r = 0.008
        side = -1 if (nx * (s.hip[0] - tail[0]) + ny * (s.hip[1] - tail[1])) > 0 else 1
        off = (nx * r * side, ny * r * side)
        a = (tail[0] - ux * 0.09 + off[0], tail[1] - uy * 0.09 + off[1])
        b = (head[0] + ux * 0.12 + off[0], head[1] + uy * 0.12 + off[1])
        p.setPen(QPen(theme.FIGURE_DOWEL, 2 * r, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(_pt(a, f), _pt(b, f))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.FIGURE_CONTACT)
        for c in (head, upper, tail):
            p.drawEllipse(_pt(c, f), 0.016, 0.016)

    def _kettlebell(self, p: QPainter, hand: Point, f: int) -> None:
        c = _pt((hand[0], hand[1] - 0.052), f)
        p.setPen(QPen(theme.FIGURE_GEAR_EDGE, 0.012))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(_pt((hand[0], hand[1] - 0.012), f), 0.022, 0.02)
        p.setPen(QPen(theme.FIGURE_GEAR_EDGE, 0.006))
        p.setBrush(QBrush(theme.FIGURE_GEAR))
        p.drawEllipse(c, 0.036, 0.034)


class FigureView(QWidget):
    """A drill's figure, on its own dark panel: still, looping slowly (a preview), or following a run.

    ``follow(snapshot)`` takes the session's snapshots; between them the figure moves on by the clock (the
    driver's, so a fake clock in tests moves it too), up to the end of the phase the snapshot is in.
    """

    def __init__(self, parent: QWidget | None = None, name: str = "figure") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # It paints every pixel of its rectangle (its own dark panel), so nothing behind it is painted first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.motion = True  # Preferences' "motion": off shows the key poses still
        # Seconds on the clock the figure moves by: the wall's, or a run's (its driver's clock, already
        # scaled by the run's speed, and a fake one in tests).
        self.clock: Callable[[], float] = time.monotonic
        self.painter: FigurePainter | None = None
        self.moment: motion.Moment | None = None
        self.frames = 0  # poses drawn (benchmarks and tests count them; a repaint of the same pose is a copy)
        self._picture: QPixmap | None = None
        self._picture_key: tuple[object, ...] | None = None
        self._drawn: Pose | None = None
        self._source: Callable[[float], motion.Moment] | None = None  # the moment at a time since _t0
        self._t0 = 0.0
        self._key: tuple[object, ...] | None = None
        self.caption = ""  # painted in the panel's top left corner (a drill's number on Home)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._advance)

    # -- what it shows ------------------------------------------------------------------
    @property
    def movement(self) -> Movement | None:
        return self.painter.movement if self.painter is not None else None

    @property
    def moving(self) -> bool:
        return self._timer.isActive()

    def set_motion(self, on: bool) -> None:
        """Motion on, or off (the key poses, still: a hold's still pose, a phase's end); applies at once."""
        if bool(on) != self.motion:
            self.motion = bool(on)
            self._advance()

    def clear(self) -> None:
        self._set(None, None, None)

    def show_still(self, name: str | None, side: str | None = None) -> None:
        m = known(name)
        self._set(m, side, (lambda _t: motion.still(m)) if m else None)

    def preview(self, name: str | None, side: str | None = None) -> None:
        """The movement going through its rep (or loop) at half its own pace, over and over."""
        m = known(name)
        if m is None:
            self.clear()
            return
        if self._key == ("preview", m.name, side) and self._source is not None:
            return  # already showing it: carry on rather than start again
        self._set(m, side, lambda t: motion.looped(m, t, SLOWER) if self.motion else motion.still(m),
                  key=("preview", m.name, side))

    def follow(self, snap: Snapshot) -> None:
        """Show the moment of a run that ``snap`` is at."""
        m = known(snap.movement)
        if m is None or snap.drill_index < 0 or snap.underlying in (State.DONE, State.IDLE):
            self.clear()
            return
        state, paused = snap.underlying, snap.state is State.PAUSED
        side = snap.side
        if state is State.WORK and snap.phase_index is not None and snap.phase_count:
            index, count = snap.phase_index, snap.phase_count
            progress = snap.phase_progress or 0.0
            seconds = snap.phase_seconds or 0.0

            def source(t: float) -> motion.Moment:
                if not self.motion:  # the phase's key pose, still: where this phase is going
                    return motion.Moment(motion.paced(m, index, count, 1.0).pose, False)
                u = min(1.0, progress + (t / seconds if seconds else 0.0))
                moment = motion.paced(m, index, count, u)
                return motion.Moment(moment.pose, moment.moving and u < 1.0)
        elif state is State.WORK and snap.work_mode is WorkMode.HOLD:
            at = snap.step_elapsed

            def source(t: float) -> motion.Moment:
                return motion.held(m, at + t) if self.motion else motion.still(m)
        elif state in (State.WORK, State.GET_READY, State.CAUTION):
            # Nothing paces it (a counted set), or it is what is coming: its demonstration, slowly before it starts.
            slower = 1.0 if state is State.WORK else SLOWER
            at = snap.step_elapsed

            def source(t: float) -> motion.Moment:
                return motion.looped(m, at + t, slower) if self.motion else motion.still(m)
        else:
            def source(t: float) -> motion.Moment:
                return motion.still(m)
        if paused:
            inner = source

            def source(t: float) -> motion.Moment:
                return motion.Moment(inner(0.0).pose, False)
        self._set(m, side, source)

    # -- drawing --------------------------------------------------------------------------
    def _set(self, m: Movement | None, side: str | None, source: Callable[[float], motion.Moment] | None,
             key: tuple[object, ...] | None = None) -> None:
        self._key = key
        if m is None:
            if self.painter is not None:
                self.painter = None
                self.moment = None
                self._drawn = None
                self.update()
            self._source = None
            self._timer.stop()
            return
        if self.painter is None or self.painter.movement is not m or self.painter.view.side != side:
            self.painter = FigurePainter(m, side)
            self._drawn = None
        self._source = source
        self._t0 = self.clock()
        self._advance()

    def _advance(self) -> None:
        if self._source is None:
            self._timer.stop()
            return
        t = self.clock() - self._t0
        moment = self._source(t)
        self.moment = moment
        if self._drawn is None or moment.pose.distance(self._drawn) > MOVED_DEG:
            self.update()
        if not (moment.moving and self.isVisible()):
            self._timer.stop()
            return
        # The next frame when the pose will have moved MOVED_DEG, judged by how far it goes in one frame
        # now: a slow part of the movement wakes the window seldom, a fast one at most every frame.
        frame = self._frame_ms()
        ahead = self._source(t + frame / 1000).pose.distance(moment.pose)
        wait = frame * MOVED_DEG / ahead if ahead > 1e-9 else MAX_WAIT_MS
        self._timer.start(int(min(MAX_WAIT_MS, max(frame, wait))))

    def _frame_ms(self) -> int:
        screen = self.screen()
        rate = screen.refreshRate() if screen is not None else 0.0
        return max(FRAME_MS, math.ceil(1000 / rate)) if rate > 1 else FRAME_MS

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._advance()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self._timer.stop()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        # The figure is drawn once per pose into a picture of the widget's size; a repaint for anything
        # else (a progress bar beside it, an overlay above) copies that picture.
        pose = self.moment.pose if self.painter is not None and self.moment is not None else None
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, pose, self.painter, self.caption)
        if self._picture is None or self._picture_key != key:
            self._picture = self._render(pose, ratio)
            self._picture_key = key
            if pose is not None:
                self._drawn = pose
                self.frames += 1
        p = QPainter(self)
        p.drawPixmap(0, 0, self._picture)
        p.end()

    def _render(self, pose: Pose | None, ratio: float) -> QPixmap:
        size = (max(1, int(self.width() * ratio)), max(1, int(self.height() * ratio)))
        picture = self._picture  # drawn over again, rather than a new one each frame
        if picture is None or (picture.width(), picture.height()) != size:
            picture = QPixmap(*size)
        picture.setDevicePixelRatio(ratio)
        picture.fill(theme.FIGURE_PANEL)
        p = QPainter(picture)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = QRectF(self.rect())
        if self.painter is not None and pose is not None:
            pad = min(r.width(), r.height()) * 0.04
            self.painter.paint(p, r.adjusted(pad, pad, -pad, -pad), pose)
        if self.caption:
            font = p.font()
            font.setPixelSize(max(10, int(min(r.width(), r.height()) * 0.14)))
            font.setBold(True)
            p.setFont(font)
            p.setPen(theme.TEXT)
            p.drawText(r.adjusted(6, 2, -6, -2), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.caption)
        p.end()
        return picture


class FigureStrip(QWidget):
    """A row of still figures, one for each drill that names a movement (Home's details), each numbered as
    the drill list is; the first ``MAX_SHOWN``, then how many more."""

    MAX_SHOWN = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure_strip")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self.views: list[FigureView] = []
        self._shown: tuple[tuple[int, str, str | None], ...] = ()

    def set_drills(self, drills: list[tuple[int, str, str | None]]) -> None:
        """``drills``: (number, name, movement) for each drill, in order."""
        with_figure = tuple(d for d in drills if known(d[2]) is not None)
        if with_figure == self._shown:
            return
        self._shown = with_figure
        self.views = []
        while self._row.count():
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, name, move in with_figure[:self.MAX_SHOWN]:
            v = FigureView(self, f"figure_{number}")
            v.caption = str(number)
            # Translators: a drill's figure on Home: {number} its place in the session, {drill} its name (from
            # the file).
            set_plain_tooltip(v, _("{number}. {drill}").format(number=number, drill=name))  # the file's text, as it is
            # Translators: a drill's figure on Home, for a screen reader: {number} its place in the session,
            # {movement} the movement it shows ("Hip hinge").
            v.setAccessibleName(_("Drill {number}, {movement}").format(number=number,
                                                                        movement=movement(str(move)).title))
            v.show_still(move)
            self._row.addWidget(v, 1)
            self.views.append(v)
        more = len(with_figure) - self.MAX_SHOWN
        if more > 0:
            label = plain_label(self, name="figure_more")
            # Translators: after the figures shown on Home, how many drills have one that is not shown.
            label.setText(_("+{count} more").format(count=more))
            self._row.addWidget(label)
        self._row.addStretch(0 if with_figure else 1)
        if not with_figure:
            self.hide()  # (the screen that holds it shows it when there is room: Home._fit_figures)
