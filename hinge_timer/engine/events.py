"""What the runner reports: cue events, command results, snapshots, the event log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import IO, Any

from ..session.kinds import STATE_OF_STEP
from ..session.timeline import CueKind, StepKind, WorkMode
from .state import State

__all__ = ["State", "STATE_OF_STEP", "CueEvent", "CommandResult", "Snapshot", "EventLog", "read_event_log"]




@dataclass(frozen=True)
class CueEvent:
    kind: CueKind
    text: str
    step: int
    scheduled_ns: int  # when it was due, on the runner's clock
    actual_ns: int  # when the runner fired it (the tick's ``now``)
    msg: str = ""  # its message id (session/timeline.py CUE_MESSAGES; "phase": the session's own line)
    critical: bool = False  # the sound never drops it (a phase the session marks critical)

    @property
    def late_ns(self) -> int:
        return self.actual_ns - self.scheduled_ns


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class Snapshot:
    """Everything a screen shows, at one instant.  Times are in seconds."""

    state: State  # PAUSED while paused; ``underlying`` says what was paused
    underlying: State
    pause_reason: str | None
    step_index: int
    step_count: int
    drill_index: int  # -1 before the first drill's steps and on the done screen
    drill_name: str
    drill_count: int
    side: str | None
    set_no: int
    sets: int
    rep: int  # the rep in progress (paced) or reps counted so far (counted sets)
    reps: int | None
    user_counted: bool
    phase_label: str | None
    phase_left: float | None
    phase_progress: float | None
    step_left: float | None  # None for an open step
    step_elapsed: float
    step_progress: float  # 0..1; reps counted / planned in a counted set
    coaching_cue: str | None
    caution: str | None
    session_progress: float  # 0..1, never goes backwards except by ``back``
    session_left: float  # seconds, estimating the sets the user counts
    next_up: str | None
    last_message: str | None
    how: str | None = None  # the drill's "how to do it" text (None outside a drill, or when it has none)
    active: float = 0.0  # this run's time so far, pauses left out (Runner.active_ns); frozen at the end
    work_mode: WorkMode | None = None  # a work step's mode (session/kinds.py); None in any other step
    next_brief: str | None = None  # ``next_up`` as few words as can be read from across the room (Step.brief)
    # At a caution, after one "next" (a clicker's Page Down, the Next button): the seconds left in which a
    # second one confirms it, as Enter does.  None when no first press is waiting.
    confirm_left: float | None = None
    # After "it hurts" (Runner.stop_drill): the seconds left in which it can be undone (Runner.undo_stop).
    undo_left: float | None = None
    # The drill's movement in the movement library (hinge_timer/figure), if it names one.
    movement: str | None = None
    # In a paced rep or a hold-relax cycle: which of the drill's phases this is (0-based, within its rep or
    # cycle), of how many, and its length in seconds.  None when the step has no phases.
    phase_index: int | None = None
    phase_count: int | None = None
    phase_seconds: float | None = None


class EventLog:
    """JSON Lines: one object per cue, command and notice, flushed as written."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    @classmethod
    def open(cls, path: str) -> "EventLog":
        return cls(open(path, "a", encoding="utf-8", buffering=1))

    def write(self, record: dict[str, Any]) -> None:
        self._stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()


def read_event_log(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
