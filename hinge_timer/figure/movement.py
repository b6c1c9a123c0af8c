"""Movements as data: the movement library's files (``assets/movements/*.toml``), read and checked.

A movement file names a few key poses (joint angles, ``figure/body.py``) and the phases of one rep or one
cycle, each from one key pose to the next; the last phase ends where the first begins, so reps follow one
another without a jump.  A hold may have a ``loop`` of its own (the distraction's rocking); otherwise it is
held still in the ``still`` pose, which is also what is shown when motion is turned off.
docs/movements.md describes the format.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..i18n import _, ngettext
from .body import Arms, Ground, Pose, Stance

MOVEMENT_FORMAT = 1
MAX_FILE_BYTES = 64 * 1024
MAX_POSES = 20
MAX_PHASES = 12
ANGLE_MAX = 200.0
PROPS = ("plate", "dowel", "band-hip", "band-groin", "box", "kettlebell", "wall")
ROLLS = ("top-down", "bottom-up")
_POSE_KEYS = ("ankle", "knee", "hip", "spine", "neck", "shoulder", "elbow", "effort")
_KEYS = {"format", "title", "ground", "other", "working", "arms", "hands", "raised", "props", "still",
         "base", "poses", "phase", "loop"}


class MovementError(ValueError):
    """A movement file that cannot be used: names the file and the field."""


@dataclass(frozen=True)
class Phase:
    start: str  # key pose names
    end: str
    seconds: float  # its length when nothing else paces it (a demonstration, a counted set)
    roll: str | None = None  # "top-down": neck first, then down the spine to the hips; "bottom-up": the reverse


@dataclass(frozen=True, eq=False)  # one object per library movement: compared and hashed by identity
class Movement:
    name: str
    title: str
    stance: Stance
    props: tuple[str, ...]
    poses: dict[str, Pose]
    phases: tuple[Phase, ...]  # one rep or one cycle
    loop: tuple[Phase, ...]  # a hold's own motion; () for a still hold
    still: str

    def pose(self, name: str) -> Pose:
        return self.poses[name]

    @property
    def demo(self) -> tuple[Phase, ...]:
        """What is shown when nothing paces it: the loop if there is one, else the rep."""
        return self.loop or self.phases


def _fail(where: str, field: str, why: str) -> MovementError:
    return MovementError(f"{where}: {field}: {why}")


def _number(where: str, field: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # Translators: {value} is the value the movement file has.
        raise _fail(where, field, _("expected a number, got {value}").format(value=repr(value)))
    if not lo <= value <= hi:
        # Translators: {lo} and {hi} are numbers; {value} is the value the movement file has.
        raise _fail(where, field, _("must be between {lo} and {hi}, got {value}").format(
            lo=f"{lo:g}", hi=f"{hi:g}", value=repr(value)))
    return float(value)


def _pose(where: str, name: str, raw: Any) -> Pose:
    field = f"poses.{name}"
    if not isinstance(raw, dict):
        raise _fail(where, field, _("expected a table of joint angles"))
    unknown = sorted(set(raw) - set(_POSE_KEYS))
    if unknown:
        # Translators: {joints} are the joints' names (ankle, knee...) as a movement file has them.
        raise _fail(where, f"{field}.{unknown[0]}", _("unknown joint (expected one of {joints})").format(
            joints=", ".join(_POSE_KEYS)))
    values: dict[str, Any] = {}
    for key in _POSE_KEYS:
        if key not in raw:
            continue
        if key == "spine":
            spine = raw[key]
            if not isinstance(spine, list) or len(spine) != 3:
                raise _fail(where, f"{field}.spine", _("expected three angles (lumbar, lower and upper thoracic)"))
            values[key] = tuple(_number(where, f"{field}.spine", v, -ANGLE_MAX, ANGLE_MAX) for v in spine)
        elif key == "effort":
            values[key] = _number(where, f"{field}.effort", raw[key], 0, 1)
        else:
            values[key] = _number(where, f"{field}.{key}", raw[key], -ANGLE_MAX, ANGLE_MAX)
    return Pose(**values)


def _phases(where: str, field: str, raw: Any, poses: dict[str, Pose]) -> tuple[Phase, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise _fail(where, field, _("expected a list of phase tables"))
    if len(raw) > MAX_PHASES:
        # Translators: {most} and {n} are numbers of phases.
        raise _fail(where, field, ngettext("at most {most} phase, got {n}", "at most {most} phases, got {n}",
                                           MAX_PHASES).format(most=MAX_PHASES, n=len(raw)))
    out: list[Phase] = []
    for i, p in enumerate(raw, 1):
        here = f"{field} {i}"
        unknown = sorted(set(p) - {"from", "to", "seconds", "roll"})
        if unknown:
            # Translators: from, to, seconds and roll are keys of a movement file: keep them.
            raise _fail(where, f"{here}.{unknown[0]}", _("unknown key (expected from, to, seconds, roll)"))
        for key in ("from", "to"):
            if p.get(key) not in poses:
                # Translators: {pose} is a key pose's name, in quotes; {poses} the key poses the file has.
                raise _fail(where, f"{here}.{key}", _("no key pose {pose} (the file has {poses})").format(
                    pose=repr(p.get(key)), poses=", ".join(sorted(poses))))
        roll = p.get("roll")
        if roll is not None and roll not in ROLLS:
            # Translators: {choices} are the values allowed; {value} the value the file has.
            raise _fail(where, f"{here}.roll", _("expected one of {choices}, got {value}").format(
                choices=", ".join(ROLLS), value=repr(roll)))
        out.append(Phase(p["from"], p["to"], _number(where, f"{here}.seconds", p.get("seconds"), 0.2, 60), roll))
    for i, (a, b) in enumerate(zip(out, out[1:] + out[:1]), 1):
        if a.end != b.start:
            nxt = i + 1 if i < len(out) else 1
            # Translators: {end} and {start} are key poses' names, in quotes; {phase} is "phase 3" or "loop 2" (the
            # file's key and a number).
            raise _fail(where, f"{field} {i}.to", _("ends at {end} but {phase} starts at {start}: each phase must "
                                                    "start where the one before it ends (and the first where the "
                                                    "last ends)").format(end=repr(a.end), phase=f"{field} {nxt}",
                                                                         start=repr(b.start)))
    return tuple(out)


def parse(name: str, data: dict[str, Any], base: Movement | None = None, where: str | None = None) -> Movement:
    """A movement from a file's data (``base``: the movement it names as its ``base``, whose fields it reuses)."""
    where = where or f"{name}.toml"
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise _fail(where, unknown[0], _("unknown field"))
    if data.get("format", MOVEMENT_FORMAT) != MOVEMENT_FORMAT:
        # Translators: {expected} is the format number this version reads; {value} the file's.
        raise _fail(where, "format", _("expected {expected}, got {value}").format(
            expected=MOVEMENT_FORMAT, value=repr(data.get("format"))))
    title = data.get("title", base.title if base else None)
    if not isinstance(title, str) or not 0 < len(title) <= 80:
        raise _fail(where, "title", _("expected a name of 1 to 80 characters"))

    raw_poses = data.get("poses")
    if raw_poses is None and base is not None:
        poses = dict(base.poses)
    else:
        if not isinstance(raw_poses, dict) or not raw_poses:
            raise _fail(where, "poses", _("expected a table of key poses"))
        if len(raw_poses) > MAX_POSES:
            # Translators: {most} and {n} are numbers of key poses.
            raise _fail(where, "poses", ngettext("at most {most} key pose, got {n}",
                                                 "at most {most} key poses, got {n}", MAX_POSES).format(
                most=MAX_POSES, n=len(raw_poses)))
        poses = {k: _pose(where, k, v) for k, v in raw_poses.items()}

    if "phase" in data or base is None:
        phases = _phases(where, "phase", data.get("phase"), poses)
        if not phases:
            raise _fail(where, "phase", _("a movement needs at least one phase"))
    else:
        phases = base.phases
    loop = _phases(where, "loop", data["loop"], poses) if "loop" in data else (base.loop if base else ())

    still = data.get("still", base.still if base else None)
    if still not in poses:
        # Translators: {pose} is a key pose's name, in quotes.
        raise _fail(where, "still", _("no key pose {pose}").format(pose=repr(still)))

    b = base.stance if base else Stance()
    ground = data.get("ground", b.ground)
    if ground not in ("ankle", "knee"):
        # Translators: "ankle" and "knee" are values of a movement file: keep them; {value} is the file's.
        raise _fail(where, "ground", _('expected "ankle" or "knee", got {value}').format(value=repr(ground)))
    working = data.get("working", b.working)
    if working not in ("chain", "other"):
        # Translators: "chain" and "other" are values of a movement file: keep them; {value} is the file's.
        raise _fail(where, "working", _('expected "chain" or "other", got {value}').format(value=repr(working)))
    arms = data.get("arms", b.arms)
    if arms not in ("hang", "angles", "floor", "plate", "dowel", "dowel-weight", "thigh"):
        # Translators: {value} is the value of "arms" in a movement file.
        raise _fail(where, "arms", _("unknown arms {value}").format(value=repr(arms)))
    other = data.get("other", b.other)
    stance = Stance(
        ground=cast(Ground, ground),
        other=None if other is None else _number(where, "other", other, -1, 1),
        working=cast(Literal["chain", "other"], working),
        arms=cast(Arms, arms),
        hands=_number(where, "hands", data.get("hands", b.hands), -1, 1),
        raised=_number(where, "raised", data.get("raised", b.raised), 0, 0.5),
    )
    props = data.get("props", list(base.props) if base else [])
    if not isinstance(props, list) or any(p not in PROPS for p in props):
        # Translators: {props} are the props' names as a movement file has them.
        raise _fail(where, "props", _("expected a list of: {props}").format(props=", ".join(PROPS)))
    return Movement(name, title, stance, tuple(props), poses, phases, loop, cast(str, still))


@functools.cache
def _files() -> dict[str, Any]:
    """The library's files by movement name (the folder is listed once)."""
    from importlib.resources import files

    folder = files("hinge_timer.assets") / "movements"
    return {f.name.removesuffix(".toml"): f for f in folder.iterdir() if f.name.endswith(".toml")}


@functools.cache
def movement_names() -> tuple[str, ...]:
    """The names of the movement library's movements, sorted."""
    return tuple(sorted(_files()))


@functools.cache
def movement(name: str) -> Movement:
    """The library's movement ``name`` (KeyError if there is none)."""
    found = _files()
    if name not in found:
        raise KeyError(name)
    f = found[name]
    raw = f.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        # Translators: {n} is a number of bytes.
        raise _fail(f.name, "file", ngettext("larger than {n} byte", "larger than {n} bytes", MAX_FILE_BYTES).format(
            n=MAX_FILE_BYTES))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise _fail(f.name, "file", str(e)) from None
    base_name = data.get("base")
    base = None
    if base_name is not None:
        if base_name == name or base_name not in found:
            # Translators: {name} is the movement's name that "base" gives, in quotes.
            raise _fail(f.name, "base", _("no other movement {name}").format(name=repr(base_name)))
        base = movement(base_name)
    return parse(name, data, base, f.name)


def suggest(name: str) -> str | None:
    """The library's movement nearest to a misspelt ``name``, if one is near."""
    close = difflib.get_close_matches(name.lower(), movement_names(), n=1, cutoff=0.6)
    return close[0] if close else None
