"""Step kinds and work modes as data: what differs per kind of step, in one table.

Each step of a timeline has a kind (``StepKind``); a work step also has a mode
(``WorkMode``), set once when the timeline is compiled, instead of being read from
flag combinations (a hold, reps, a tempo, a cycle) wherever it matters.  What
differs between them lives here, free of Qt and of the session model:

- ``STATE_LOOKS``: for every screen state, its word on the band (the ring's
  caption is the word in lower case), its colour's role (``ui/theme.py`` maps a
  role to its colour) and whether screen readers are told of it at once.
- ``STEP_KINDS``: for every step kind, its screen state, the main thing the
  session screen shows, whether it is recorded as a set, whether ±time applies,
  how its side is written and the word a resume offer adds.
- ``WORK_MODES``: for every work mode, the main thing shown, whether the clock
  counts the reps (paced) or the user does, whether ±time applies, and the word
  the plan and "next up" use.

A new kind of step: see "a new kind of step" in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from ..i18n import _, N_

from dataclasses import dataclass
from enum import Enum

from ..engine.state import State


class StepKind(str, Enum):
    CAUTION = "caution"
    GET_READY = "get_ready"
    WORK = "work"
    SWITCH_SIDES = "switch_sides"
    REST = "rest"
    DONE = "done"


class WorkMode(str, Enum):
    HOLD = "hold"  # a timed hold
    PACED_REPS = "paced_reps"  # reps that count themselves through the tempo's phases
    COUNTED_REPS = "counted_reps"  # reps the user counts: no clock, the set ends when they say
    HOLD_RELAX = "hold_relax"  # a timed hold that repeats its cycle's phases (push, relax, ...)


class Shows(str, Enum):
    """The main thing on the session screen during a step."""

    TIME_LEFT = "time_left"  # the ring counts the step's time down
    REP_COUNT = "rep_count"  # the ring shows reps counted of planned
    CAUTION = "caution"  # the warning and its two buttons, instead of the ring


@dataclass(frozen=True)
class StateLook:
    word: str  # on the band, upper case; the ring's caption is it in lower case
    role: str  # the colour's role: ui/theme.py ROLE_COLOURS
    urgent: bool = False  # screen readers announce it assertively


@dataclass(frozen=True)
class KindRow:
    state: State  # what the screen is coloured by
    shows: Shows  # the main thing (a work step: its mode's)
    recorded: bool  # its end is a set in the history (the runner's outcomes)
    retimable: bool  # ±time applies (a work step: and its mode's)
    side_format: str  # how the screen writes its side ("{side}" is "LEFT LEG"...)
    resume_word: str | None  # what a resume offer adds to its place ("rest"), if anything
    waits: bool = False  # it lasts until the user confirms (the plan says so instead of a length)


@dataclass(frozen=True)
class ModeRow:
    shows: Shows
    paced: bool  # the clock counts the reps (the runner counts them from the time)
    user_counted: bool  # the user counts the reps and ends the set
    retimable: bool  # ±time applies
    plan_word: str  # the plan's and "next up"'s word: "hold", "paced", "you count"
    # The drill's phases the plan lists after the step: the drill's field, and the word before them (translated).
    plan_phases: tuple[str, str] | None = None


# Translators: the state words below are shown in capitals on the session screen's top band, read from
# three metres away: keep them short.
STATE_LOOKS: dict[State, StateLook] = {
    State.IDLE: StateLook(N_("READY"), "ready"),
    State.CAUTION: StateLook(N_("CAUTION"), "caution", urgent=True),
    State.GET_READY: StateLook(N_("GET READY"), "get_ready"),
    State.WORK: StateLook(N_("WORK"), "work"),
    State.REST: StateLook(N_("REST"), "rest"),
    State.SWITCH_SIDES: StateLook(N_("SWITCH SIDES"), "switch_sides", urgent=True),
    State.PAUSED: StateLook(N_("PAUSED"), "paused", urgent=True),
    State.DONE: StateLook(N_("DONE"), "done"),
}

STEP_KINDS: dict[StepKind, KindRow] = {
    StepKind.CAUTION: KindRow(State.CAUTION, Shows.CAUTION, recorded=False, retimable=False,
                              side_format="{side}", resume_word=N_("caution"), waits=True),
    StepKind.GET_READY: KindRow(State.GET_READY, Shows.TIME_LEFT, recorded=False, retimable=True,
                                side_format="{side}", resume_word=None),
    StepKind.WORK: KindRow(State.WORK, Shows.TIME_LEFT, recorded=True, retimable=True,
                           side_format="{side}", resume_word=None),
    StepKind.SWITCH_SIDES: KindRow(State.SWITCH_SIDES, Shows.TIME_LEFT, recorded=False, retimable=True,
                                   side_format=N_("SWITCH TO {side}"), resume_word=None),
    StepKind.REST: KindRow(State.REST, Shows.TIME_LEFT, recorded=False, retimable=True,
                           side_format="{side}", resume_word=N_("rest")),
    StepKind.DONE: KindRow(State.DONE, Shows.TIME_LEFT, recorded=False, retimable=False,
                           side_format="{side}", resume_word=None),
}

WORK_MODES: dict[WorkMode, ModeRow] = {
    WorkMode.HOLD: ModeRow(Shows.TIME_LEFT, paced=False, user_counted=False, retimable=True, plan_word=N_("hold")),
    WorkMode.PACED_REPS: ModeRow(Shows.TIME_LEFT, paced=True, user_counted=False, retimable=False,
                                 plan_word=N_("paced"), plan_phases=("tempo", "")),
    WorkMode.COUNTED_REPS: ModeRow(Shows.REP_COUNT, paced=False, user_counted=True, retimable=False,
                                   plan_word=N_("you count")),
    WorkMode.HOLD_RELAX: ModeRow(Shows.TIME_LEFT, paced=False, user_counted=False, retimable=True,
                                 plan_word=N_("hold"), plan_phases=("cycle", N_("cycle"))),
}

# The screen state of each step kind (the runner's state while such a step runs).
STATE_OF_STEP: dict[StepKind, State] = {kind: row.state for kind, row in STEP_KINDS.items()}

# The step kind drawn in each state a step can be in (not IDLE or PAUSED, which no step is).
KIND_OF_STATE: dict[State, StepKind] = {row.state: kind for kind, row in STEP_KINDS.items()}


def shows(kind: StepKind, mode: WorkMode | None) -> Shows:
    """The main thing on screen during a step of ``kind`` (and ``mode``, for work)."""
    return WORK_MODES[mode].shows if mode is not None else STEP_KINDS[kind].shows


def retimable(kind: StepKind, mode: WorkMode | None) -> bool:
    """Whether ±time applies to a step of ``kind`` (and ``mode``, for work)."""
    return STEP_KINDS[kind].retimable and (mode is None or WORK_MODES[mode].retimable)


def state_shows(state: State, mode: WorkMode | None) -> Shows:
    """``shows`` for the step drawn in ``state`` (a Snapshot's ``underlying``)."""
    kind = KIND_OF_STATE.get(state)
    return shows(kind, mode) if kind is not None else Shows.TIME_LEFT


def state_retimable(state: State, mode: WorkMode | None) -> bool:
    """``retimable`` for the step drawn in ``state``; before the start (IDLE) the runner says why not."""
    kind = KIND_OF_STATE.get(state)
    return kind is None or retimable(kind, mode)


# Translators: a side on the session screen, in capitals, read from across a room.
SIDE_CAPITALS = {"left": N_("LEFT LEG"), "right": N_("RIGHT LEG")}
# Translators: a side in a sentence ("Switch sides: left leg", "Get ready: Banded hip hinge, right leg").
SIDE_LEGS = {"left": N_("left leg"), "right": N_("right leg")}


def side_leg(side: str | None) -> str:
    """"left leg" or "right leg" in the current language ("" for no side); a side is stored as its id."""
    return _(SIDE_LEGS[side]) if side in SIDE_LEGS else (side or "")


def state_word(state: State) -> str:
    """The state's word on the band, in the current language ("WORK", "ARBEIT")."""
    return _(STATE_LOOKS[state].word)


def plan_word(mode: WorkMode) -> str:
    return _(WORK_MODES[mode].plan_word)


def resume_word(kind: StepKind) -> str | None:
    word = STEP_KINDS[kind].resume_word
    return _(word) if word else None


def side_words(state: State, side: str | None) -> str:
    """The side as the session screen writes it: "LEFT LEG", "SWITCH TO RIGHT LEG", or ""."""
    leg = _(SIDE_CAPITALS[side]) if side in SIDE_CAPITALS else ""
    kind = KIND_OF_STATE.get(state)
    return _(STEP_KINDS[kind].side_format).format(side=leg) if kind is not None and leg else leg
