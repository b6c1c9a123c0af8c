"""The session being edited in the app: its data, undo and redo, validation, the live plan, saving,
and the copy kept on disk while editing (so a crash loses at most the last few seconds).

Qt-free.  A :class:`Draft` holds the TOML-shaped data of one session file (what ``tomllib`` returns
for it), which may be invalid while it is edited; the loader judges it (:meth:`Draft.check` validates
the very text Save would write, through ``parse_session``), so the editor and the file format cannot
disagree.  Saving goes through the style-keeping writer (``write.update_data``): a user's comments,
key order and formatting stay.  The file's path is the session's identity (history, dose advice and
resume follow it), so Save never renames a file, whatever the title becomes.

Places in the data are tuples of keys and 0-based indices (``("drill", 2, "tempo", 1, "say")``);
:func:`field_of` gives the loader's field path for one (``drill[3].tempo[2].say``: the loader counts
from 1, as the file does).

:class:`DraftStore` keeps drafts in ``DATA_DIR/drafts/<id>.json``; every write and removal happens on
its one worker thread, atomically, so the caller (the GUI thread) never waits on a disk.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import socket
import stat
import threading
import time
import tomllib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import timefmt
from ..i18n import N_, _, ngettext
from ..safeio import describe, read_regular, regular_files, write_atomic
from . import write
from .errors import Problem, SessionError
from .kinds import STEP_KINDS, WORK_MODES
from .library import claim_new, slug
from .load import MAX_FILE_BYTES, builtin_session_files, field_path, parse_session, parse_toml
from .model import Session
from .timeline import Timeline, compile_timeline

log = logging.getLogger(__name__)

# The kinds of drill the editor offers: the id (data: never translated) and its words in the editor's
# list (marked here, translated where they are shown: ``_(KINDS[kind])``).
KINDS: dict[str, str] = {
    # Translators: the kinds of drill, in the editor's "Kind of drill" list and after each drill's name.
    "hold": N_("hold (per side)"),
    "cycle": N_("hold-relax cycle"),
    "reps": N_("reps I count"),
    "tempo": N_("paced reps (tempo)"),
}
# The sides the editor offers: the key (data: ``Draft.sides``, ``Draft.set_sides``; never translated) and
# the sides it writes to the file ("left", "right": data).  The key is also the English of its words in
# the editor's list: ``_(key)`` where it is shown.
SIDES: dict[str, tuple[str, ...]] = {
    # Translators: the editor's "Sides" list: a drill done on no particular side.
    N_("none"): (),
    # Translators: the editor's "Sides" list: which legs (or arms) a drill is done on, in which order.
    N_("left then right"): ("left", "right"),
    N_("right then left"): ("right", "left"),
    N_("left only"): ("left",),
    N_("right only"): ("right",),
}

Path_ = tuple[str | int, ...]

# Consecutive set()s of the same place within this many seconds are one undo step (typing).
COALESCE_S = 1.5
# The most undo steps kept; the oldest go first.
HISTORY_MAX = 500
# What a blank drill, a new cycle and a new tempo start as (the built-in sessions' figures).
BLANK_HOLD = 60
BLANK_REPS = 10
DEFAULT_CYCLE: tuple[dict[str, Any], ...] = (
    {"phase": "Tense", "seconds": 5},
    {"phase": "Relax", "seconds": 5},
)
DEFAULT_TEMPO: tuple[dict[str, Any], ...] = (
    {"phase": "Down", "seconds": 3},
    {"phase": "Breathe out, relax", "seconds": 2},
    {"phase": "Up", "seconds": 3},
)
NEW_PHASE: dict[str, Any] = {"phase": "New phase", "seconds": 3}
# Translators: how a session never saved is named where its problems are listed (in place of a file name).
NEW_NAME = N_("new session")  # how an unsaved session is named in its problems (translated where used)


def field_of(place: Path_) -> str:
    """The loader's field path for a place in the data: ``("drill", 0, "hold")`` -> ``"drill[1].hold"``
    (the loader counts list items from 1, as they appear in the file)."""
    return field_path(tuple(p + 1 if isinstance(p, int) else p for p in place))


def _is_under(problem_field: str, prefix: str) -> bool:
    if not prefix:
        return True
    return problem_field == prefix or problem_field.startswith((prefix + ".", prefix + "["))


@dataclass(frozen=True)
class Checked:
    """What the loader says about the draft's text: the session, or every problem."""

    session: Session | None
    problems: tuple[Problem, ...]
    count: int = 0  # how many problems there were in all (``problems`` holds the first 50)

    def at(self, field: str) -> list[str]:
        """The messages for exactly this field (a loader field path, from :func:`field_of`)."""
        return [p.message for p in self.problems if p.field == field]

    def within(self, prefix: str) -> list[Problem]:
        """The problems at this field or under it (``"drill[2]"`` gives the second drill's)."""
        return [p for p in self.problems if _is_under(p.field, prefix)]

    @property
    def ok(self) -> bool:
        return self.session is not None


@dataclass(frozen=True)
class PlanFigures:
    """The figures of ``hinge-timer plan FILE --dose low|high`` for the draft."""

    steps_low: int
    steps_high: int
    total_low: float
    total_high: float
    estimated: bool  # a total rests on an estimate (sets the user counts)
    lines_low: tuple[str, ...]  # the step lines at the low dose, as `plan` prints them (unescaped)


def plan_lines(timeline: Timeline) -> tuple[str, ...]:
    """The step lines of a plan exactly as ``cli.print_plan`` writes them, without the terminal
    escaping (the caller shows them as plain text, or passes them through ``plaintext.printable``)."""
    s = timeline.session
    out: list[str] = []
    for step in timeline.steps:
        start = ("~" if step.estimated else "") + timefmt.clock(step.start, hours=True)
        waits = STEP_KINDS[step.kind].waits
        if waits:
            # Translators: in the plan's "length" column (7 characters wide) of a step that lasts until the
            # user confirms it (a caution).
            length = _("wait")
        elif step.is_open:
            length = "~" + timefmt.clock(step.planned, hours=True)
        else:
            length = timefmt.clock(step.planned, hours=True)
        line = step.describe()
        listed = WORK_MODES[step.mode].plan_phases if step.mode is not None else None
        if listed is not None:
            part, word = listed
            phases = getattr(s.drills[step.drill], part) or ()
            # Translators: one phase in the plan's step line: {phase} its label (from the session file),
            # {seconds} its length in whole seconds.
            listing = ", ".join(_("{phase} {seconds} s").format(phase=p.phase, seconds=p.seconds) for p in phases)
            line += " · " + (_(word) + " " if word else "") + listing
        if waits:
            line += _(" (waits until you confirm)")
        out.append(f"{start:>8} {length:>7}  {line}")
    return tuple(out)


@dataclass(frozen=True)
class Verdict:
    """A check of one revision of a draft (:meth:`Draft.checker`): the text Save would write, what the
    loader says about it, and the plan."""

    revision: int
    text: str
    checked: Checked
    plan: PlanFigures | None


def draft_reply(request: dict[str, Any]) -> dict[str, Any]:
    """In the checking process (check_child.py): a draft's text written, checked and planned, as the wire
    carries it (every value JSON; the problems as check_child's ``answer`` gives them)."""
    try:
        text, checked, plan = _checked_here(_decode(request["data"]), str(request["original"]), request["origins"],
                                            str(request["name"]))
    except Exception as exc:  # (a bug: the parent checks in its own thread instead)
        return {"error": f"{type(exc).__name__}: {exc}"}
    reply: dict[str, Any] = {"text": text, "ok": checked.ok}
    if not checked.ok:
        reply["problems"] = [[p.file, p.line, p.field, p.message] for p in checked.problems]
        reply["count"] = checked.count
    if plan is not None:
        reply["plan"] = dataclasses.asdict(plan)
    return reply


def _checked_here(data: dict[str, Any], original: str, origins: list[int | None],
                  name: str) -> tuple[str, Checked, PlanFigures | None]:
    """A draft's text, what the loader says of it, and its plan, worked out in this thread."""
    text = _text_of(data, original, origins)
    checked = _checked_of(text, name)
    return text, checked, _plan_of(checked.session)


def _verdict_of(revision: int, reply: dict[str, Any], name: str) -> Verdict:
    """The Verdict a :func:`draft_reply` gives; a valid text is parsed here (the Session for Try it).
    Raises ValueError (or KeyError, TypeError) for an answer that is not one."""
    if "error" in reply:
        raise ValueError(str(reply["error"]))
    text = reply["text"]
    if not isinstance(text, str):
        raise TypeError("no text")
    if reply["ok"] is True:
        checked = _checked_of(text, name)
        if not checked.ok:
            raise ValueError("the checking process and this one disagree")
        p = reply["plan"]
        plan: PlanFigures | None = PlanFigures(
            steps_low=int(p["steps_low"]), steps_high=int(p["steps_high"]), total_low=float(p["total_low"]),
            total_high=float(p["total_high"]), estimated=bool(p["estimated"]),
            lines_low=tuple(str(x) for x in p["lines_low"]))
    else:
        problems = tuple(Problem(str(f), None if line is None else int(line), str(field), str(message))
                         for f, line, field, message in reply["problems"])
        checked, plan = Checked(None, problems, int(reply["count"])), None
    return Verdict(revision, text, checked, plan)


def _text_of(data: dict[str, Any], original: str, origins: list[int | None]) -> str:
    if not original:
        return write.dump_data(data)
    return write.update_data(original, data, origins if isinstance(data.get("drill"), list) else None)


def _checked_of(text: str, name: str) -> Checked:
    try:
        session = parse_session(text.encode("utf-8"), name)
    except SessionError as exc:
        return Checked(None, exc.problems, exc.count)
    return Checked(session, ())


def _plan_of(session: Session | None) -> PlanFigures | None:
    if session is None:
        return None
    low, high = compile_timeline(session, "low"), compile_timeline(session, "high")
    return PlanFigures(steps_low=len(low.steps), steps_high=len(high.steps), total_low=low.total,
                       total_high=high.total, estimated=low.has_open or high.has_open, lines_low=plan_lines(low))


class DraftInvalid(Exception):
    """Save was refused: the draft has problems (every one of them in ``problems``)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        super().__init__(ngettext("the session has {n} problem; it was not saved",
                                  "the session has {n} problems; it was not saved", n).format(n=n))


class DraftConflict(Exception):
    """Save was refused: the file changed on disk since it was opened or last saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Translators: {file} is the session file's path.
        super().__init__(_("{file} was changed by another program since it was opened").format(file=path))


# --- plain data --------------------------------------------------------------------------------

_SCALARS = (str, int, float, bool, dt.datetime, dt.date, dt.time)


def _plain(value: Any, where: Path_) -> Any:
    """A deep copy of a TOML-shaped value (tuples become lists); TypeError for anything TOML cannot hold."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{field_of(where)}: a key must be text, got {k!r}")
            out[k] = _plain(v, where + (k,))
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, where + (i,)) for i, v in enumerate(value)]
    raise TypeError(f"{field_of(where)}: {type(value).__name__} cannot be written to a session file")


def _canon(data: Any) -> str:
    """A comparable form of data that tells 1 from true and 1 from 1.0 (``==`` does not)."""
    return json.dumps(_encode(data), sort_keys=True, ensure_ascii=False)


# TOML dates and times (never valid in a session, but a file may have one) in the kept JSON.
_WHEN = "\x00toml-"


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dt.datetime):
        return {_WHEN + "datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {_WHEN + "date": value.isoformat()}
    if isinstance(value, dt.time):
        return {_WHEN + "time": value.isoformat()}
    return value


_PARSE_WHEN: dict[str, Callable[[str], Any]] = {
    "datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat, "time": dt.time.fromisoformat,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (key, iso), = value.items()
            if isinstance(iso, str) and key.startswith(_WHEN):
                kind = key[len(_WHEN):]
                parse = _PARSE_WHEN.get(kind)
                if parse is not None:
                    return parse(iso)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_session_text(path: Path) -> tuple[str, bytes]:
    """A session file's text and bytes (regular files only, at most 1 MiB), or SessionError."""
    name = str(path)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        # Translators: said of a session file (its name comes before it); {reason} is the system's reason.
        message = _("cannot be opened: {reason}").format(reason=describe(exc))
        raise SessionError([Problem(name, None, "", message)]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Translators: said of a session file (its name comes before it); {byte} is a byte in hexadecimal.
        message = _("is not UTF-8 text (byte 0x{byte}); save it as UTF-8").format(byte=f"{data[exc.start]:02x}")
        raise SessionError([Problem(name, line, "", message)]) from None
    return text, data


def _set_mode(path: Path, mode: int) -> None:
    """write_atomic's new file is private (0600): give it the mode the file had (or a new file's)."""
    try:
        os.chmod(path, mode)
    except OSError as exc:
        log.warning("could not set the mode of %s: %s", path, exc)


def _located(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user meant (not a temporary one)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))


# --- the draft ---------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    data: dict[str, Any]
    origins: list[int | None]


def _blank_drill(n: int) -> dict[str, Any]:
    # Translators: the name a new drill gets in the session editor; {n} is its place in the session.
    return {"name": _("Drill {n}").format(n=n), "hold": BLANK_HOLD}


class Draft:
    """A session being edited; see the module's docstring."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        path: Path | None = None,
        original: str = "",
        fingerprint: str | None = None,
        origins: Sequence[int | None] | None = None,
        baseline: _Snapshot | None = None,
        draft_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path: Path | None = path
        self.revision: int = 0
        self.id: str = draft_id or uuid.uuid4().hex
        self._clock = clock
        self._data: dict[str, Any] = _plain(data, ())
        drills = self._data.get("drill")
        n = len(drills) if isinstance(drills, list) else 0
        self._origins: list[int | None] = list(origins) if origins is not None else list(range(n))
        if len(self._origins) != n:
            self._origins = [None] * n
        self._original = original
        self._fingerprint = fingerprint if fingerprint is not None else _sha(original.encode("utf-8"))
        self._baseline: _Snapshot | None = baseline if baseline is not None else self._snap()
        self._undo: list[_Snapshot] = []
        self._redo: list[_Snapshot] = []
        self._last_set: tuple[Path_, float] | None = None
        self._cache: dict[str, tuple[int, Any]] = {}

    # -- making one

    @classmethod
    def new(cls, title: str | None = None, *, clock: Callable[[], float] = time.monotonic) -> Draft:
        """A new session, not yet saved: one blank drill (a 60 s hold, 1 set), in the current language's
        words; made in another language than English, it says so (``language``: its lines get that voice)."""
        from .. import i18n

        # Translators: the title a new session gets in the session editor.
        data: dict[str, Any] = {"format": 1, "title": title if title is not None else _("My session")}
        if i18n.language() in i18n.LANGUAGES and i18n.language() != i18n.SOURCE:
            data["language"] = i18n.language()
        data["drill"] = [_blank_drill(1)]
        return cls(data, clock=clock)

    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], float] = time.monotonic) -> Draft:
        """The session file at ``path``; SessionError if it cannot be read or is not TOML at all (an
        invalid session that is TOML opens, with its problems in :meth:`check`)."""
        path = Path(path)
        text, data = _read_session_text(path)
        raw = parse_toml(text, str(path))
        return cls(raw, path=path, original=text, fingerprint=_sha(data), clock=clock)

    @classmethod
    def from_kept(cls, kept: KeptDraft, *, clock: Callable[[], float] = time.monotonic) -> Draft:
        """The draft a :class:`DraftStore` kept: its edits, over the file as it was when it was opened
        (a file changed since then is a conflict at Save, as for any draft)."""
        state = kept.state if kept.state is not None else _read_kept(kept.file)
        if state is None:
            raise SessionError([Problem(str(kept.file), None, "", _("is not a kept draft any more"))])
        original: str = state["original_text"]
        baseline: _Snapshot | None = None
        if kept.path is not None and original:
            try:
                raw = tomllib.loads(original)
            except (tomllib.TOMLDecodeError, RecursionError, ValueError):
                raw = None
            if raw is not None:
                n = raw.get("drill")
                baseline = _Snapshot(_plain(raw, ()), list(range(len(n) if isinstance(n, list) else 0)))
        draft = cls(
            state["data"],
            path=kept.path,
            original=original,
            fingerprint=state["original_sha256"],
            origins=state["origins"],
            baseline=baseline,
            draft_id=kept.id,
            clock=clock,
        )
        if baseline is None:
            draft._baseline = None  # never saved: dirty until it is
        return draft

    # -- reading

    def get(self, place: Path_) -> Any:
        """A copy of the value at ``place``; None when there is none."""
        node: Any = self._data
        for part in place:
            if isinstance(part, int):
                if not isinstance(node, list) or not 0 <= part < len(node):
                    return None
            elif not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return copy.deepcopy(node)

    @property
    def data(self) -> dict[str, Any]:
        """A copy of all the data."""
        return copy.deepcopy(self._data)

    @property
    def drill_count(self) -> int:
        drills = self._data.get("drill")
        return len(drills) if isinstance(drills, list) else 0

    def _drill(self, i: int) -> dict[str, Any]:
        drills = self._data.get("drill")
        if not isinstance(drills, list) or not 0 <= i < len(drills):
            raise IndexError(f"no drill {i}")
        d = drills[i]
        if not isinstance(d, dict):
            raise TypeError(f"drill {i} is not a table")
        return d

    def kind(self, i: int) -> str:
        """The drill's kind, a :data:`KINDS` id."""
        d = self.get(("drill", i))
        if not isinstance(d, dict):
            return "hold"
        if "reps" in d:
            return "tempo" if "tempo" in d else "reps"
        if "hold" in d:
            return "cycle" if "cycle" in d else "hold"
        if "tempo" in d:
            return "tempo"
        return "cycle" if "cycle" in d else "hold"

    def sides(self, i: int) -> str:
        """The drill's sides, a :data:`SIDES` key ("none" also for sides the file got wrong)."""
        value = self.get(("drill", i, "sides"))
        if isinstance(value, list):
            for words, sides in SIDES.items():
                if tuple(value) == sides and sides:
                    return words
        return "none"

    # -- history

    def _snap(self) -> _Snapshot:
        return _Snapshot(copy.deepcopy(self._data), list(self._origins))

    def _restore(self, snap: _Snapshot) -> None:
        self._data = copy.deepcopy(snap.data)
        self._origins = list(snap.origins)

    def _changed(self, before: _Snapshot, coalesce: Path_ | None = None) -> None:
        """Record an edit whose state before was ``before``."""
        now = self._clock()
        last = self._last_set
        merge = (
            coalesce is not None and last is not None and last[0] == coalesce
            and now - last[1] <= COALESCE_S and self._undo
        )
        if not merge:
            self._undo.append(before)
            if len(self._undo) > HISTORY_MAX:
                del self._undo[: len(self._undo) - HISTORY_MAX]
        self._last_set = (coalesce, now) if coalesce is not None else None
        self._redo.clear()
        self.revision += 1

    def _edit(self, change: Callable[[], None], coalesce: Path_ | None = None) -> None:
        before = self._snap()
        try:
            change()
        except BaseException:
            self._restore(before)  # a refused edit changes nothing
            raise
        if _canon(before.data) == _canon(self._data) and before.origins == self._origins:
            return  # nothing changed: no undo step, no new revision
        self._changed(before, coalesce)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._snap())
        self._restore(self._undo.pop())
        self._last_set = None
        self.revision += 1
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._snap())
        self._restore(self._redo.pop())
        self._last_set = None
        self.revision += 1
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def dirty(self) -> bool:
        """The draft differs from what was last opened or saved (a kept, never saved one always does)."""
        b = self._baseline
        if b is None:
            return True
        return b.origins != self._origins or _canon(b.data) != _canon(self._data)

    # -- editing

    def set(self, place: Path_, value: Any) -> None:
        """Set the value at ``place`` (None removes it); containers on the way are made as needed.
        Consecutive sets of the same place within 1.5 s are one undo step."""
        if not place:
            raise ValueError("set() needs a place")
        new = None if value is None else _plain(value, place)

        def change() -> None:
            parents: list[tuple[Any, str | int]] = []
            node: Any = self._data
            for part, nxt in zip(place[:-1], place[1:]):
                parents.append((node, part))
                if isinstance(part, int):
                    if not isinstance(node, list) or not 0 <= part < len(node):
                        raise IndexError(f"{field_of(place)}: no item {part}")
                    if new is not None and not isinstance(node[part], (dict, list)):
                        node[part] = [] if isinstance(nxt, int) else {}
                else:
                    if not isinstance(node, dict):
                        raise TypeError(f"{field_of(place)}: {part} is not in a table")
                    if part not in node or not isinstance(node[part], (dict, list)):
                        if new is None:
                            return
                        node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
            last = place[-1]
            if isinstance(last, int):
                if not isinstance(node, list) or not 0 <= last <= len(node):
                    raise IndexError(f"{field_of(place)}: no item {last}")
                if new is None:
                    if last < len(node):
                        del node[last]
                        if place == ("drill", last):
                            del self._origins[last]
                elif last == len(node):
                    node.append(new)
                    if place[:-1] == ("drill",):
                        self._origins.append(None)
                else:
                    node[last] = new
                return
            if not isinstance(node, dict):
                raise TypeError(f"{field_of(place)}: not in a table")
            if new is None:
                node.pop(last, None)
                # An emptied table of its own ([defaults]) goes too; a drill or a phase stays.
                if node == {} and len(parents) == 1 and isinstance(parents[0][1], str):
                    holder, key = parents[0]
                    del holder[key]
            else:
                node[last] = new
                if place == ("drill",):
                    self._origins = [None] * (len(new) if isinstance(new, list) else 0)

        self._edit(change, coalesce=place)

    def set_kind(self, i: int, kind: str) -> None:
        """Make drill i of another kind, keeping what carries over (one undo step)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")

        def change() -> None:
            d = self._drill(i)
            if kind in ("hold", "cycle"):
                d.pop("reps", None)
                d.pop("tempo", None)
                d.setdefault("hold", BLANK_HOLD)
                if kind == "cycle":
                    d.setdefault("cycle", copy.deepcopy(list(DEFAULT_CYCLE)))
                else:
                    d.pop("cycle", None)
            else:
                d.pop("hold", None)
                d.pop("cycle", None)
                d.setdefault("reps", BLANK_REPS)
                if kind == "tempo":
                    d.setdefault("tempo", copy.deepcopy(list(DEFAULT_TEMPO)))
                else:
                    d.pop("tempo", None)

        self._edit(change)

    def set_sides(self, i: int, words: str) -> None:
        """Set drill i's sides from :data:`SIDES` words; "none" also drops switch_sides."""
        if words not in SIDES:
            raise ValueError(f"unknown sides {words!r}")

        def change() -> None:
            d = self._drill(i)
            if words == "none":
                d.pop("sides", None)
                d.pop("switch_sides", None)
            else:
                d["sides"] = list(SIDES[words])

        self._edit(change)

    def _drill_list(self) -> list[Any]:
        drills = self._data.get("drill")
        if not isinstance(drills, list):
            # No list of drills (none yet, or a file's single [drill] table): start one, keeping that table.
            drills = [drills] if isinstance(drills, dict) else []
            self._data["drill"] = drills
            self._origins = [None] * len(drills)
        return drills

    def add_drill(self, at: int | None = None, template: Mapping[str, Any] | None = None) -> int:
        """Add a drill (a blank one, or a copy of ``template``) at ``at`` (default: the end); its index."""
        where = [0]

        def change() -> None:
            drills = self._drill_list()
            n = len(drills) if at is None else max(0, min(at, len(drills)))
            drill = _plain(template, ("drill", n)) if template is not None else _blank_drill(len(drills) + 1)
            drills.insert(n, drill)
            self._origins.insert(n, None)
            where[0] = n

        self._edit(change)
        return where[0]

    def remove_drill(self, i: int) -> None:
        def change() -> None:
            drills = self._drill_list()
            if not 0 <= i < len(drills):
                raise IndexError(f"no drill {i}")
            del drills[i]
            del self._origins[i]

        self._edit(change)

    def duplicate_drill(self, i: int) -> int:
        """A copy of drill i right after it; the copy's index."""
        def change() -> None:
            drills = self._drill_list()
            if not 0 <= i < len(drills):
                raise IndexError(f"no drill {i}")
            drills.insert(i + 1, copy.deepcopy(drills[i]))
            self._origins.insert(i + 1, None)

        self._edit(change)
        return i + 1

    def move_drill(self, i: int, to: int) -> None:
        """Move drill i so that it ends up at index ``to``."""
        def change() -> None:
            drills = self._drill_list()
            if not 0 <= i < len(drills) or not 0 <= to < len(drills):
                raise IndexError(f"cannot move drill {i} to {to}")
            drills.insert(to, drills.pop(i))
            self._origins.insert(to, self._origins.pop(i))

        self._edit(change)

    def _phases(self, i: int, part: str, make: bool = False) -> list[Any]:
        if part not in ("tempo", "cycle"):
            raise ValueError(f"unknown part {part!r}")
        d = self._drill(i)
        phases = d.get(part)
        if not isinstance(phases, list):
            if not make:
                raise IndexError(f"drill {i} has no {part}")
            phases = []
            d[part] = phases
        return phases

    def add_phase(self, i: int, part: str, at: int | None = None) -> int:
        """Add a phase to drill i's tempo or cycle at ``at`` (default: the end); its index."""
        where = [0]

        def change() -> None:
            phases = self._phases(i, part, make=True)
            n = len(phases) if at is None else max(0, min(at, len(phases)))
            phases.insert(n, dict(NEW_PHASE))
            where[0] = n

        self._edit(change)
        return where[0]

    def remove_phase(self, i: int, part: str, j: int) -> None:
        """Remove a phase; the last one removed leaves an empty list, which the check says is wrong."""
        def change() -> None:
            phases = self._phases(i, part)
            if not 0 <= j < len(phases):
                raise IndexError(f"no phase {j}")
            del phases[j]

        self._edit(change)

    def move_phase(self, i: int, part: str, j: int, to: int) -> None:
        def change() -> None:
            phases = self._phases(i, part)
            if not 0 <= j < len(phases) or not 0 <= to < len(phases):
                raise IndexError(f"cannot move phase {j} to {to}")
            phases.insert(to, phases.pop(j))

        self._edit(change)

    # -- what it amounts to

    def _cached(self, key: str, make: Callable[[], Any]) -> Any:
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.revision:
            return hit[1]
        value = make()
        self._cache[key] = (self.revision, value)
        return value

    def _name(self) -> str:
        return str(self.path) if self.path is not None else _(NEW_NAME)

    def text(self) -> str:
        """What Save writes: the original text brought in line with the data (comments kept)."""
        result: str = self._cached("text", lambda: _text_of(self._data, self._original, self._origins))
        return result

    def check(self) -> Checked:
        """The loader's verdict on :meth:`text` (cached per revision)."""
        result: Checked = self._cached("check", lambda: _checked_of(self.text(), self._name()))
        return result

    def checker(self, ask: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Callable[[], Verdict]:
        """The check of the draft as it is now, to run in another thread: it works on a copy, so the draft
        may change meanwhile; :meth:`accept` takes its result if the draft is still at that revision.

        With ``ask`` (``FileChecker.ask``: a child process), the writing, checking and planning are done
        there (:func:`draft_reply`) and only a valid text is parsed again here (a few ms): the work never
        holds this interpreter.  If the child gives no answer, it is done in this thread."""
        data, original, origins = copy.deepcopy(self._data), self._original, list(self._origins)
        name, revision = self._name(), self.revision

        def run() -> Verdict:
            if ask is not None:
                try:
                    reply = ask({"draft": {"data": _encode(data), "original": original, "origins": origins,
                                           "name": name}})
                    return _verdict_of(revision, reply, name)
                except Exception as exc:  # (CheckFailed, or an answer that is not one): done here instead
                    if getattr(exc, "cancelled", False):
                        raise  # (the editor is gone: nobody waits for this check)
                    log.warning("checking the draft in the checking process failed (%s); checking it here", exc)
            return Verdict(revision, *_checked_here(data, original, origins, name))

        return run

    def accept(self, verdict: Verdict) -> bool:
        """A :meth:`checker`'s result kept, if the draft has not changed since: True if it was."""
        if verdict.revision != self.revision:
            return False
        for key, value in (("text", verdict.text), ("check", verdict.checked), ("plan", verdict.plan)):
            self._cache[key] = (verdict.revision, value)
        return True

    @property
    def layout(self) -> tuple[object, ...]:
        """Which drill is where (each one's place in the file, None for a new one): a check's problems are
        shown at the drills they name only while this is unchanged."""
        return (self.drill_count, *self._origins)

    @property
    def checked_now(self) -> Checked | None:
        """The check of this revision if it is done already (here or by a checker), else None."""
        hit = self._cache.get("check")
        return hit[1] if hit is not None and hit[0] == self.revision else None

    def session(self) -> Session | None:
        return self.check().session

    def plan(self) -> PlanFigures | None:
        """The plan's figures at both doses; None while something is wrong."""
        result: PlanFigures | None = self._cached("plan", lambda: _plan_of(self.session()))
        return result

    def drill_session(self, i: int) -> Session | None:
        """A session of drill i alone (with the session's defaults), for Try it; None if that drill,
        the title or the defaults are wrong (the other drills may be half edited)."""
        drills = self._data.get("drill")
        if not isinstance(drills, list) or not 0 <= i < len(drills):
            return None
        one = {k: v for k, v in self._data.items() if k != "drill"}
        one["drill"] = [drills[i]]
        try:
            return Session.model_validate(copy.deepcopy(one))
        except ValidationError:
            return None

    # -- the file

    def _disk_state(self) -> str | None:
        """The sha256 of the file now, or None when it cannot be read as a regular file."""
        if self.path is None:
            return None
        try:
            return _sha(read_regular(self.path, MAX_FILE_BYTES))
        except OSError:
            return None

    def changed_on_disk(self) -> bool:
        """The file is not what was opened or last saved (changed, gone, or replaced)."""
        if self.path is None:
            return False
        return self._disk_state() != self._fingerprint

    def _saved(self, path: Path, text: str) -> None:
        self.path = path
        self._original = text
        self._fingerprint = _sha(text.encode("utf-8"))
        drills = self._data.get("drill")
        # The file's drills are now the current ones, in order: an older state's drill that came from
        # the old file's drill o is now the new file's drill where the current one from o went.
        now_at = {o: k for k, o in enumerate(self._origins) if o is not None}
        for snap in (*self._undo, *self._redo):
            snap.origins = [None if o is None else now_at.get(o) for o in snap.origins]
        self._origins = list(range(len(drills) if isinstance(drills, list) else 0))
        self._baseline = self._snap()
        self._last_set = None
        self.revision += 1

    def _valid_text(self) -> str:
        checked = self.check()
        if not checked.ok:
            raise DraftInvalid(checked.problems)
        return self.text()

    def save(self, folder: Path) -> Path:
        """Write the session (atomically) to its file, or a new one in ``folder`` named from its title.

        Raises DraftInvalid when it has problems, DraftConflict when its file changed on disk since it
        was opened or saved, OSError (naming the file) when the disk refuses."""
        text = self._valid_text()
        if self.path is None:
            return self._save_new(Path(folder), text)
        if self.changed_on_disk():
            raise DraftConflict(self.path)
        try:
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
            write_atomic(self.path, text.encode("utf-8"))
            _set_mode(self.path, mode)
        except OSError as exc:
            raise _located(exc, self.path) from exc
        self._saved(self.path, text)
        return self.path

    def save_copy(self, folder: Path) -> Path:
        """Write the session to a new file in ``folder`` (never over one); the draft then edits it."""
        return self._save_new(Path(folder), self._valid_text())

    def _save_new(self, folder: Path, text: str) -> Path:
        title = self._data.get("title")
        try:
            target = claim_new(folder, slug(title if isinstance(title, str) else ""))
        except OSError as exc:
            raise _located(exc, folder) from exc
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)  # NEW_FILE_MODE less the user's umask
            write_atomic(target, text.encode("utf-8"))
            _set_mode(target, mode)
        except OSError as exc:
            try:
                target.unlink()
            except OSError:
                pass
            raise _located(exc, target) from exc
        self._saved(target, text)
        return target

    def reload(self) -> None:
        """Drop every edit and read the file again (the undo history goes too)."""
        if self.path is None:
            raise ValueError("a new session has no file to reload")
        text, data = _read_session_text(self.path)
        raw = parse_toml(text, str(self.path))
        self._data = _plain(raw, ())
        self._original = text
        self._fingerprint = _sha(data)
        drills = self._data.get("drill")
        self._origins = list(range(len(drills) if isinstance(drills, list) else 0))
        self._baseline = self._snap()
        self._undo.clear()
        self._redo.clear()
        self._last_set = None
        self.revision += 1

    def _kept_state(self) -> dict[str, Any]:
        title = self._data.get("title")
        return {
            "id": self.id,
            "path": str(self.path) if self.path is not None else None,
            "title": title if isinstance(title, str) else "",
            "data": copy.deepcopy(self._data),
            "origins": list(self._origins),
            "original_sha256": self._fingerprint,
            "original_text": self._original,
        }


def builtin_drills() -> list[tuple[str, str, dict[str, Any]]]:
    """(session title, drill name, drill data as written there) of every built-in drill."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for f in builtin_session_files():
        raw = tomllib.loads(f.read_text(encoding="utf-8"))
        for d in raw["drill"]:
            out.append((raw["title"], d["name"], d))
    return out


# --- the kept drafts ---------------------------------------------------------------------------

KEPT_VERSION = 1
# A kept draft holds the data (a session file is at most 1 MiB) and the file as opened (1 MiB more).
KEPT_MAX_BYTES = 8 * 1024 * 1024
# Edits are written at most this long after keep() (typing is coalesced meanwhile).
KEEP_DELAY_S = 0.5
_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class KeptDraft:
    """A draft kept on disk by an editor that did not close (a crash, a power cut)."""

    id: str
    path: Path | None  # the session file it edits; None for a session never saved
    title: str
    kept_at: dt.datetime  # when it was written (UTC)
    file: Path  # the kept draft's own JSON file
    state: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)


def _read_kept(file: Path) -> dict[str, Any] | None:
    """A kept draft's state, or None for anything that is not one (damaged, foreign, too big)."""
    try:
        raw = read_regular(file, KEPT_MAX_BYTES)
        doc = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != KEPT_VERSION:
        return None
    draft_id, path, title = doc.get("id"), doc.get("path"), doc.get("title")
    data, origins = doc.get("data"), doc.get("origins")
    sha, text, kept_at = doc.get("original_sha256"), doc.get("original_text"), doc.get("kept_at")
    if not (isinstance(draft_id, str) and _ID.fullmatch(draft_id) and file.name == f"{draft_id}.json"):
        return None
    if not (path is None or (isinstance(path, str) and path)) or not isinstance(title, str):
        return None
    if not isinstance(data, dict) or not isinstance(origins, list):
        return None
    if not all(o is None or (isinstance(o, int) and not isinstance(o, bool) and o >= 0) for o in origins):
        return None
    if not (isinstance(sha, str) and isinstance(text, str) and isinstance(kept_at, str)):
        return None
    try:
        when = dt.datetime.fromisoformat(kept_at)
        decoded = _decode(data)
        _plain(decoded, ())
    except (ValueError, TypeError):
        return None
    drills = decoded.get("drill")
    if len(origins) != (len(drills) if isinstance(drills, list) else 0):
        return None
    owner = doc.get("owner")
    return {"id": draft_id, "path": path, "title": title, "kept_at": when, "data": decoded,
            "origins": origins, "original_sha256": sha, "original_text": text,
            "owner": owner if isinstance(owner, str) else None}


# Who keeps a draft: "host:pid", so that a second copy of the app on the same data folder does not offer
# (or discard) a draft that a running editor is keeping.
_OWNER = f"{socket.gethostname()}:{os.getpid()}"


def _editing_elsewhere(owner: str | None) -> bool:
    """Whether a kept draft belongs to another process of this machine that is still running."""
    if not owner or ":" not in owner:
        return False
    host, _sep, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DraftStore:
    """Drafts kept in ``folder`` (``DATA_DIR/drafts``) while they are edited.

    :meth:`keep` and :meth:`forget` queue work and return at once; one daemon thread writes (atomically)
    or removes the files, the newest state of each draft only.  A write that fails is logged and
    retried at the next keep; it never reaches the caller."""

    def __init__(self, folder: Path, delay: float = KEEP_DELAY_S) -> None:
        self.folder = Path(folder)
        self._delay = delay
        self._cond = threading.Condition()
        self._queued: dict[str, dict[str, Any] | None] = {}  # id -> state to write, or None: remove
        self._due: float | None = None
        self._busy = False
        self._closed = False
        self._now_please = False
        self._live: set[str] = set()
        self._thread = threading.Thread(target=self._work, name="draft-store", daemon=True)
        self._thread.start()

    def keep(self, draft: Draft) -> None:
        """Queue a write of the draft's state; returns at once (a later keep replaces it).  A draft with
        nothing unsaved (undone back to its file) has nothing to lose: its kept file goes instead."""
        if not draft.dirty:
            self.forget(draft)
            return
        state = draft._kept_state()
        self._queue(state["id"], state)
        self._live.add(state["id"])

    def forget(self, draft: Draft) -> None:
        """The draft was saved or discarded: its kept file goes (queued)."""
        self._live.discard(draft.id)
        self._queue(draft.id, None)

    def discard(self, kept: KeptDraft) -> None:
        """Throw away a kept draft (queued)."""
        self._live.discard(kept.id)
        self._queue(kept.id, None)

    def _queue(self, draft_id: str, state: dict[str, Any] | None) -> None:
        with self._cond:
            if self._closed:
                log.warning("draft store is closed; draft %s not kept", draft_id)
                return
            self._queued[draft_id] = state
            if self._due is None:
                self._due = time.monotonic() + self._delay
            self._cond.notify_all()

    def flush(self, timeout: float = 2.0) -> bool:
        """Write what is queued now and wait at most ``timeout`` s for it; True if all was written."""
        end = time.monotonic() + timeout
        with self._cond:
            self._now_please = True
            self._cond.notify_all()
            while self._queued or self._busy:
                left = end - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Write what is queued and stop the thread, waiting 2 s at most in all."""
        end = time.monotonic() + 2.0
        self.flush(2.0)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=max(0.0, end - time.monotonic()))

    def pending(self) -> list[KeptDraft]:
        """The drafts left by an editor that did not close, newest first (not those this store is
        keeping now); a damaged or foreign file is skipped and left where it is."""
        out: list[KeptDraft] = []
        for file in regular_files(self.folder, "*.json"):
            state = _read_kept(file)
            if state is None:
                log.info("skipped %s: not a kept draft", file)
                continue
            if state["id"] in self._live or _editing_elsewhere(state.get("owner")):
                continue  # this store's own, or an editor still open in another running copy of the app
            out.append(KeptDraft(
                id=state["id"], path=Path(state["path"]) if state["path"] is not None else None,
                title=state["title"], kept_at=state["kept_at"], file=file, state=state,
            ))
        out.sort(key=lambda k: k.kept_at, reverse=True)
        return out

    # -- the worker

    def _work(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._queued:
                        wait = 0.0 if self._now_please or self._due is None else self._due - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    elif self._closed:
                        return
                    else:
                        self._now_please = False
                        self._cond.wait()
                batch, self._queued = self._queued, {}
                self._due = None
                self._busy = True
            try:
                for draft_id, state in batch.items():
                    self._write(draft_id, state)
            finally:
                with self._cond:
                    self._busy = False
                    if not self._queued:
                        self._now_please = False
                    self._cond.notify_all()

    def _write(self, draft_id: str, state: dict[str, Any] | None) -> None:
        file = self.folder / f"{draft_id}.json"
        try:
            if state is None:
                try:
                    file.unlink()
                except FileNotFoundError:
                    pass
                return
            doc = {"version": KEPT_VERSION, **state, "owner": _OWNER,
                   "kept_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                   "data": _encode(state["data"])}
            body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(file, body)
        except (OSError, ValueError, TypeError) as exc:
            log.warning("could not keep the draft in %s: %s", file, exc)
