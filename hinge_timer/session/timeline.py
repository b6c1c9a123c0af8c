"""Compile a Session and a dose into a Timeline: every step, its time and its cues.

A Timeline is plain immutable data.  Each step knows its planned start (from
the start of the session), its duration (``None`` for a set the user counts),
what it belongs to (drill, set, side, rep) and the cues it fires, each at an
offset from the step's own start.  The runner in ``hinge_timer.engine`` walks
it; ``hinge-timer plan`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from ..i18n import _, N_, language, ngettext
from .kinds import WORK_MODES, plan_word, side_leg
from .kinds import StepKind as StepKind, WorkMode as WorkMode  # where they were, for those that import them here

if TYPE_CHECKING:  # only for types: the engine and the window's first paint do not need pydantic
    from .model import Dose, Drill, Phase, Session

# A user-counted rep has no clock; plans estimate it at this many seconds.
OPEN_REP_ESTIMATE = 4.0
HALFWAY_MIN_HOLD = 20  # a halfway call on shorter holds is only noise
NEXT_UP_AT = 2.0  # seconds into a rest before "next up" is announced
RESUME_GET_READY_S = 10  # a resumed run's get-ready when neither its drill nor the session has one


class CueKind(str, Enum):
    CAUTION = "caution"
    NEXT_UP = "next_up"
    COUNTDOWN = "countdown"
    GO = "go"
    PHASE = "phase"
    HALFWAY = "halfway"
    REP = "rep"
    LAST_REP = "last_rep"
    SET_COMPLETE = "set_complete"
    SWITCH_SIDES = "switch_sides"
    REST = "rest"
    SESSION_COMPLETE = "session_complete"


class Cue(NamedTuple):
    at: float  # seconds from the start of its step
    kind: CueKind
    text: str  # in the language the timeline was compiled in (i18n.language())
    msg: str = ""  # the message id the text was made from (CUE_MESSAGES; "phase": a session's own line)
    critical: bool = False  # never dropped by the sound: a phase the session marks critical ("breathe out")


# What each cue says, by message id: the words are looked up in the current language when a timeline
# is compiled (hinge_timer/i18n.py); the id is what the event log, the sound and the tests key on.
CUE_MESSAGES: dict[str, str] = {
    # Translators: spoken and shown when a drill with a warning comes up; {drill} is the drill's name.
    "caution": N_("Caution before {drill}. Read the warning on screen."),
    # Translators: spoken before a drill starts; {drill} is its name.
    "get_ready": N_("Get ready: {drill}"),
    # Translators: spoken before a drill on one leg starts; {drill} is its name, {leg} "left leg" or "right leg".
    "get_ready_side": N_("Get ready: {drill}, {leg}"),
    # Translators: spoken when the work starts; one short word.
    "go": N_("Go"),
    "halfway": N_("Halfway"),
    # Translators: spoken at the start of the last rep of a set, at the same moment as that rep's first phase:
    # keep it to two or three syllables (under a second of speech), or it holds the phase's call back.
    "last_rep": N_("Last rep"),
    # Translators: spoken at the end of a set; {n} is the set's number, {sets} how many there are.
    "set_complete": N_("Set {n} of {sets} complete"),
    # Translators: spoken at the end of a drill done in one set; {drill} is its name.
    "drill_complete": N_("{drill} complete"),
    # Translators: spoken when one leg is done; {leg} is "left leg" or "right leg".
    "switch_sides": N_("Switch sides: {leg}"),
    # Translators: spoken at the start of a rest; one short word.
    "rest": N_("Rest"),
    # Translators: spoken in a rest between sets; {n} is the next set's number, {sets} how many there are.
    "next_up_set": N_("Next up: set {n} of {sets}"),
    # Translators: as "Next up: set {n} of {sets}", for a drill on one leg; {leg} is "left leg" or "right leg".
    "next_up_set_side": N_("Next up: set {n} of {sets}, {leg}"),
    # Translators: spoken in a rest between drills; {drill} is the next drill's name.
    "next_up_drill": N_("Next up: {drill}"),
    "session_complete": N_("Session complete. Well done."),
}


def cue_text(msg: str, **args: object) -> str:
    """The words of cue message ``msg`` in the current language."""
    return _(CUE_MESSAGES[msg]).format(**args)


def _cue(at: float, kind: CueKind, msg: str, **args: object) -> Cue:
    return Cue(at, kind, cue_text(msg, **args), msg)


class PhaseSpan(NamedTuple):
    start: float  # seconds from the start of its step
    seconds: float
    label: str
    say: str
    rep: int | None  # 1-based rep number for tempo phases; None in a cycle
    critical: bool = False  # its cue is never dropped by the sound (Phase.is_critical)

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    kind: StepKind
    drill: int  # index into Timeline.session.drills; -1 for the done step
    drill_name: str
    set_no: int  # 1-based; 0 where no set applies
    sets: int
    side: str | None
    reps: int | None  # planned reps in a rep set
    mode: WorkMode | None  # how a work step works (session/kinds.py); None for every other kind
    ends_set: bool  # the last work step of its set (the last side)
    duration: float | None  # None: open, the user ends it (counted reps, caution)
    start: float  # planned start from the session start (estimated after an open step)
    estimated: bool  # the start rests on an estimate (an open step came before)
    phases: tuple[PhaseSpan, ...] = ()
    cues: tuple[Cue, ...] = ()

    @property
    def paced(self) -> bool:
        """Reps count themselves through tempo phases."""
        return self.mode is not None and WORK_MODES[self.mode].paced

    @property
    def user_counted(self) -> bool:
        """The user counts the reps and ends the set: no clock."""
        return self.mode is not None and WORK_MODES[self.mode].user_counted

    @property
    def planned(self) -> float:
        """Duration, or its estimate for an open step."""
        if self.duration is not None:
            return self.duration
        if self.kind is StepKind.WORK and self.reps:
            return self.reps * OPEN_REP_ESTIMATE
        return 0.0

    @property
    def is_open(self) -> bool:
        return self.duration is None

    def brief(self) -> str:
        """Shorter still, for a line read from across the room ("Next: …" on the session screen): the
        drill, its set and its side ("Jefferson curl, set 2 of 3"); what it is comes when it starts."""
        if self.kind is not StepKind.WORK:
            return self.describe()
        if self.sets > 1 and self.side:
            # Translators: a work step in brief; {drill} its name, {n} of {sets} the set, {leg} "left leg".
            return _("{drill}, set {n} of {sets}, {leg}").format(
                drill=self.drill_name, n=self.set_no, sets=self.sets, leg=side_leg(self.side))
        if self.sets > 1:
            return _("{drill}, set {n} of {sets}").format(drill=self.drill_name, n=self.set_no, sets=self.sets)
        if self.side:
            return _("{drill}, {leg}").format(drill=self.drill_name, leg=side_leg(self.side))
        return self.drill_name

    def describe(self) -> str:
        """A short line: what this step is, as the plan and "next up" show it."""
        if self.kind is StepKind.WORK and self.mode is not None:
            what = self._what()
            word = plan_word(self.mode)
            if self.reps is not None:
                # Translators: a set in the plan; {what} is "Weighted hip hinge set 1 of 2, left leg",
                # {reps} the reps, {how} "paced", "you count" or "hold".
                return ngettext("{what}: {reps} rep ({how})", "{what}: {reps} reps ({how})", self.reps).format(
                    what=what, reps=self.reps, how=word)
            # Translators: a hold in the plan; {what} is the drill, set and side, {how} "hold".
            return _("{what}: {how}").format(what=what, how=word)
        if self.kind is StepKind.GET_READY:
            return get_ready_text(self.drill_name, self.side)
        if self.kind is StepKind.SWITCH_SIDES:
            # Translators: {leg} is "left leg" or "right leg".
            return _("Switch sides to the {leg}").format(leg=side_leg(self.side))
        if self.kind is StepKind.REST:
            return _("Rest")
        if self.kind is StepKind.CAUTION:
            # Translators: a caution step in the plan; {drill} is the drill it warns about.
            return _("Caution: {drill}").format(drill=self.drill_name)
        return _("Session complete")

    def _what(self) -> str:
        """The drill, its set and its side, as the plan writes them ("Banded hip hinge set 1 of 2, left leg")."""
        if self.sets > 1 and self.side:
            # Translators: {drill} the drill's name, {n} of {sets} the set, {leg} "left leg" or "right leg".
            return _("{drill} set {n} of {sets}, {leg}").format(
                drill=self.drill_name, n=self.set_no, sets=self.sets, leg=side_leg(self.side))
        if self.sets > 1:
            return _("{drill} set {n} of {sets}").format(drill=self.drill_name, n=self.set_no, sets=self.sets)
        if self.side:
            return _("{drill}, {leg}").format(drill=self.drill_name, leg=side_leg(self.side))
        return self.drill_name


@dataclass(frozen=True)
class Timeline:
    session: Session
    dose: Dose
    steps: tuple[Step, ...]
    language: str = "en"  # the language its words are in (hinge_timer/i18n.py)
    # The session as its file says it, in its own language (``session`` is it in ``language``): what the
    # history stores (its title, its drills' names), so a run is one session whatever language it was done in.
    original: Session | None = None
    total: float = field(init=False)
    has_open: bool = field(init=False)

    def __post_init__(self) -> None:
        if self.original is None:
            object.__setattr__(self, "original", self.session)
        object.__setattr__(self, "total", sum(s.planned for s in self.steps))
        object.__setattr__(self, "has_open", any(s.is_open and s.planned for s in self.steps))

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.session.title,
            "language": self.language,
            "dose": self.dose,
            "total_seconds": self.total,
            "total_is_estimate": self.has_open,
            "steps": [
                {
                    "index": s.index,
                    "kind": s.kind.value,
                    "drill": s.drill_name,
                    "set": s.set_no,
                    "sets": s.sets,
                    "side": s.side,
                    "reps": s.reps,
                    "paced": s.paced,
                    "mode": s.mode.value if s.mode is not None else None,
                    "start": s.start,
                    "duration": s.duration,
                    "estimated_seconds": None if s.duration is not None else s.planned,
                    "start_is_estimate": s.estimated,
                    "phases": [
                        {"start": p.start, "seconds": p.seconds, "label": p.label, "say": p.say, "rep": p.rep}
                        for p in s.phases
                    ],
                    "cues": [{"at": c.at, "kind": c.kind.value, "msg": c.msg, "text": c.text, "critical": c.critical}
                             for c in s.cues],
                }
                for s in self.steps
            ],
        }


def set_complete_msg(sets: int) -> str:
    return "set_complete" if sets > 1 else "drill_complete"


def set_complete_cue(at: float, drill_name: str, set_no: int, sets: int) -> Cue:
    return _cue(at, CueKind.SET_COMPLETE, set_complete_msg(sets), drill=drill_name, n=set_no, sets=sets)


def set_complete_text(drill_name: str, set_no: int, sets: int) -> str:
    return cue_text(set_complete_msg(sets), drill=drill_name, n=set_no, sets=sets)


def get_ready_cue(drill_name: str, side: str | None) -> Cue:
    """The get-ready's spoken line: "Get ready: Banded hip hinge, left leg"."""
    if side:
        return _cue(0, CueKind.NEXT_UP, "get_ready_side", drill=drill_name, leg=side_leg(side))
    return _cue(0, CueKind.NEXT_UP, "get_ready", drill=drill_name)


def get_ready_text(drill_name: str, side: str | None) -> str:
    return get_ready_cue(drill_name, side).text


def _countdown(duration: float) -> list[Cue]:
    return [Cue(duration - n, CueKind.COUNTDOWN, str(n), "countdown") for n in (3, 2, 1) if duration - n > 0]


def _phase_cue(p: PhaseSpan) -> Cue:
    return Cue(p.start, CueKind.PHASE, p.say, "phase", p.critical)


def _phases(tempo: tuple[Phase, ...], rep: int | None, offset: float) -> list[PhaseSpan]:
    out = []
    for ph in tempo:
        out.append(PhaseSpan(offset, float(ph.seconds), ph.phase, ph.spoken, rep, ph.is_critical))
        offset += ph.seconds
    return out


def _cycle_through(cycle: tuple[Phase, ...], hold: float) -> list[PhaseSpan]:
    """Repeat the cycle's phases until the hold ends; the last one is cut short."""
    out: list[PhaseSpan] = []
    t = 0.0
    while t < hold:
        for ph in cycle:
            if t >= hold:
                break
            out.append(PhaseSpan(t, float(min(ph.seconds, hold - t)), ph.phase, ph.spoken, None, ph.is_critical))
            t += ph.seconds
    return out


class _Builder:
    def __init__(self, session: Session, dose: Dose) -> None:
        self.session = session
        self.dose = dose
        self.steps: list[Step] = []
        self.t = 0.0
        self.estimated = False

    def add(self, kind: StepKind, drill: int, duration: float | None, **kw: Any) -> None:
        name = self.session.drills[drill].name if drill >= 0 else ""
        step = Step(
            index=len(self.steps),
            kind=kind,
            drill=drill,
            drill_name=name,
            set_no=kw.pop("set_no", 0),
            sets=kw.pop("sets", 0),
            side=kw.pop("side", None),
            reps=kw.pop("reps", None),
            mode=kw.pop("mode", None),
            ends_set=kw.pop("ends_set", False),
            duration=duration,
            start=self.t,
            estimated=self.estimated,
            phases=tuple(kw.pop("phases", ())),
            cues=tuple(sorted(kw.pop("cues", ()), key=lambda c: c.at)),
        )
        assert not kw, kw
        self.steps.append(step)
        self.t += step.planned
        if duration is None:
            self.estimated = True

    def drill(self, i: int, d: Drill, last: bool) -> None:
        defaults = self.session.defaults
        get_ready = d.get_ready if d.get_ready is not None else defaults.get_ready
        rest_sets = d.rest_between_sets if d.rest_between_sets is not None else defaults.rest_between_sets
        switch = d.switch_sides if d.switch_sides is not None else defaults.switch_sides
        sets = d.sets.pick(self.dose)
        sides: tuple[str | None, ...] = d.sides or (None,)

        if d.caution:
            self.add(
                StepKind.CAUTION, i, None,
                cues=[_cue(0, CueKind.CAUTION, "caution", drill=d.name)],
            )
        if get_ready:
            self.add(
                StepKind.GET_READY, i, float(get_ready), side=sides[0], set_no=1, sets=sets,
                cues=[get_ready_cue(d.name, sides[0]), *_countdown(get_ready)],
            )
        for set_no in range(1, sets + 1):
            for k, side in enumerate(sides):
                if k > 0 and switch:
                    self.add(
                        StepKind.SWITCH_SIDES, i, float(switch), side=side, set_no=set_no, sets=sets,
                        cues=[_cue(0, CueKind.SWITCH_SIDES, "switch_sides", leg=side_leg(side)), *_countdown(switch)],
                    )
                end_of_set = k == len(sides) - 1
                self.work(i, d, set_no, sets, side, end_of_set)
            if set_no < sets and rest_sets:
                cues = [_cue(0, CueKind.REST, "rest"), *_countdown(rest_sets)]
                if rest_sets > NEXT_UP_AT + 4:
                    if sides[0]:
                        cues.append(_cue(NEXT_UP_AT, CueKind.NEXT_UP, "next_up_set_side", n=set_no + 1, sets=sets,
                                         leg=side_leg(sides[0])))
                    else:
                        cues.append(_cue(NEXT_UP_AT, CueKind.NEXT_UP, "next_up_set", n=set_no + 1, sets=sets))
                self.add(StepKind.REST, i, float(rest_sets), set_no=set_no + 1, sets=sets, side=sides[0], cues=cues)
        if not last:
            rest = d.rest_after if d.rest_after is not None else defaults.rest_between_drills
            if rest:
                nxt_drill = self.session.drills[i + 1]
                cues = [_cue(0, CueKind.REST, "rest"), *_countdown(rest)]
                if rest > NEXT_UP_AT + 4:
                    cues.append(_cue(NEXT_UP_AT, CueKind.NEXT_UP, "next_up_drill", drill=nxt_drill.name))
                self.add(StepKind.REST, i, float(rest), cues=cues)

    def work(self, i: int, d: Drill, set_no: int, sets: int, side: str | None, end_of_set: bool) -> None:
        common: dict[str, Any] = dict(side=side, set_no=set_no, sets=sets, ends_set=end_of_set)
        cues = [_cue(0, CueKind.GO, "go")]
        if d.hold is not None:
            hold = float(d.hold.pick(self.dose))
            phases = _cycle_through(d.cycle, hold) if d.cycle else []
            cues += [_phase_cue(p) for p in phases]
            if hold >= HALFWAY_MIN_HOLD:
                cues.append(_cue(hold / 2, CueKind.HALFWAY, "halfway"))
            cues += _countdown(hold)
            if end_of_set:
                cues.append(set_complete_cue(hold, d.name, set_no, sets))
            mode = WorkMode.HOLD_RELAX if d.cycle else WorkMode.HOLD
            self.add(StepKind.WORK, i, hold, mode=mode, phases=phases, cues=cues, **common)
            return
        assert d.reps is not None
        reps = d.reps.pick(self.dose)
        if d.tempo:
            rep_len = float(sum(p.seconds for p in d.tempo))
            phases = []
            for r in range(1, reps + 1):
                start = (r - 1) * rep_len
                if r == reps and reps > 1:
                    cues.append(_cue(start, CueKind.LAST_REP, "last_rep"))
                rep_phases = _phases(d.tempo, r, start)
                cues += [_phase_cue(p) for p in rep_phases]
                phases += rep_phases
            total = rep_len * reps
            if end_of_set:
                cues.append(set_complete_cue(total, d.name, set_no, sets))
            self.add(StepKind.WORK, i, total, reps=reps, mode=WorkMode.PACED_REPS, phases=phases, cues=cues, **common)
            return
        # Counted by the user: no clock. "Last rep" and "set complete" come from the runner.
        self.add(StepKind.WORK, i, None, reps=reps, mode=WorkMode.COUNTED_REPS, cues=cues, **common)


def compile_timeline(session: Session, dose: Dose | None = None) -> Timeline:
    """Turn a session into the ordered steps the runner walks, in the current language (i18n.language()):
    the session's own words in it where the file has them (``Session.localized``), the app's cues in it."""
    original, session = session, session.localized(language())
    b = _Builder(session, dose or session.defaults.dose)
    n = len(session.drills)
    for i, d in enumerate(session.drills):
        b.drill(i, d, last=i == n - 1)
    b.add(StepKind.DONE, -1, 0.0, cues=[_cue(0, CueKind.SESSION_COMPLETE, "session_complete")])
    return Timeline(session=session, dose=b.dose, steps=tuple(b.steps), language=language(), original=original)


def resume_get_ready(timeline: Timeline, at: int) -> Step | None:
    """The get-ready a run resumed at step ``at`` starts with, so that the person is back in position
    before that step's "Go"; None when the step needs none.

    Only a work step gets one: a caution is shown first as it is (confirming it leads into the drill's
    own get-ready), and a get-ready, a switch of sides or a rest already counts down to the next "Go".
    It lasts the drill's ``get_ready`` (else the session's; when both are 0, ``RESUME_GET_READY_S``),
    says the drill's get-ready line and counts 3-2-1.  It is not in ``timeline.steps``: the runner
    runs it before step ``at`` (its ``index``), and it is not recorded as a set.
    """
    step = timeline.steps[at]
    if step.kind is not StepKind.WORK:
        return None
    drill = timeline.session.drills[step.drill]
    own = drill.get_ready if drill.get_ready is not None else timeline.session.defaults.get_ready
    seconds = float(own or RESUME_GET_READY_S)
    return Step(
        index=at, kind=StepKind.GET_READY, drill=step.drill, drill_name=step.drill_name, set_no=step.set_no,
        sets=step.sets, side=step.side, reps=None, mode=None, ends_set=False, duration=seconds,
        start=step.start, estimated=step.estimated,
        cues=(get_ready_cue(step.drill_name, step.side), *_countdown(seconds)),
    )


_END_ANCHORED = (CueKind.COUNTDOWN, CueKind.SET_COMPLETE, CueKind.HALFWAY, CueKind.PHASE)


def retime(timeline: Timeline, step: Step, duration: float) -> Step:
    """The same timed step with a new length (the user added or removed time).

    Cues tied to the start (go, rest, next up) stay; the countdown, halfway
    call and set-complete move with the new end, and a hold-relax cycle runs
    on to the new end.  Paced rep sets and open steps cannot be retimed.
    """
    if step.duration is None or (step.mode is not None and not WORK_MODES[step.mode].retimable):
        raise ValueError("only timed steps that are not paced sets can be retimed")
    cues = [c for c in step.cues if c.kind not in _END_ANCHORED and c.at < duration]
    phases = step.phases
    if step.mode is WorkMode.HOLD_RELAX:
        cycle = timeline.session.drills[step.drill].cycle or ()
        phases = tuple(_cycle_through(cycle, duration))
        cues += [_phase_cue(p) for p in phases]
    cues += [c._replace(at=duration / 2) for c in step.cues if c.kind is CueKind.HALFWAY]
    cues += _countdown(duration)
    cues += [c._replace(at=duration) for c in step.cues if c.kind is CueKind.SET_COMPLETE]
    return replace(step, duration=duration, phases=phases, cues=tuple(sorted(cues, key=lambda c: c.at)))
