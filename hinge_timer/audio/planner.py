"""When a cue's sound may play: the rules that keep spoken cues whole and on time.

All times here are wall-clock nanoseconds (the session clock divided by ``--speed``
has already been applied by the caller).  The rules:

- Sounds start at their cue's time, from the cue event, never from display ticks.
- A sound that is playing is never cut off by a less important one.  A countdown
  tone that falls while words are being spoken is dropped; a spoken cue waits for
  the sound in front of it (at most ``MAX_WAIT_NS``) or is dropped.
- A sound only starts if it ends before the next upcoming cue of equal or higher
  priority (with ``MARGIN_NS`` to spare).  If the whole sentence does not fit, its
  short form ("Next up: Jefferson curl" → "Jefferson curl") is tried; if neither
  fits, it is dropped (the caption still shows it).
- A critical cue (the Jefferson curl's "breathe out, relax") is never dropped.
  Everything before it is planned to end in time; should something still be
  playing (a command moved the session), that sound is stopped for it.
- A cue more important than the sound playing, which the plan did not foresee (the
  user skipped or went back), stops that sound and plays at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .vocabulary import CueSound

NS = 1_000_000_000
MAX_WAIT_NS = 1_200_000_000  # a cue said more than 1.2 s late is more confusing than useful
MARGIN_NS = 100_000_000  # a short breath between one sound's end and the next cue


@dataclass(frozen=True)
class Playing:
    end_ns: int
    priority: int
    speech: bool


@dataclass(frozen=True)
class Upcoming:
    due_ns: int
    priority: int


@dataclass(frozen=True)
class Decision:
    sound: CueSound
    action: str  # "play", "queue" (play at ``start_ns``), "drop"
    start_ns: int
    seconds: float = 0.0
    short: bool = False
    interrupt: bool = False  # stop what is playing first
    reason: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        return self.sound.parts(self.short)


def plan(
    sounds: Sequence[CueSound],
    now_ns: int,
    playing: Playing | None,
    upcoming: Sequence[Upcoming],
    seconds_of: Callable[[tuple[str, ...]], float],
) -> list[Decision]:
    """Decide, for cues that fired together at ``now_ns``, what each one plays and when.

    ``upcoming`` are the cues still to come (not these); ``seconds_of`` gives the length of a
    list of clip names.  Which sounds of the batch are kept is decided by priority, the most
    important first; those kept play one after another in the order the cues fired ("Set 2 of
    3 complete", then "Rest").  The decisions come back in the order of ``sounds``.
    """
    busy = playing is not None and playing.end_ns > now_ns
    busy_until = playing.end_ns if busy and playing is not None else now_ns
    busy_priority = playing.priority if busy and playing is not None else -1
    busy_speech = bool(busy and playing is not None and playing.speech)
    interrupt = busy and any(s.critical or s.priority > busy_priority for s in sounds)
    if interrupt:
        # Something less important is still sounding: the plan did not see this cue coming (a
        # command moved the session), or a critical cue must be heard on time.
        busy_until, busy_speech = now_ns, False
    waiting = busy_until - now_ns

    def limit_of(s: CueSound) -> int | None:
        return min((u.due_ns for u in upcoming if u.priority >= s.priority and u.due_ns > now_ns), default=None)

    def fits(chosen: dict[int, tuple[bool, float]]) -> bool:
        t = busy_until
        for j in sorted(chosen):
            t += int(chosen[j][1] * NS)
            limit = limit_of(sounds[j])
            if not sounds[j].critical and limit is not None and t + MARGIN_NS > limit:
                return False
        return True

    kept: dict[int, tuple[bool, float]] = {}
    dropped: dict[int, str] = {}
    for i in sorted(range(len(sounds)), key=lambda i: -sounds[i].priority):
        s = sounds[i]
        if busy_speech and not s.speaks:
            dropped[i] = "a spoken cue fills this moment"
            continue
        if waiting > MAX_WAIT_NS and not s.critical:
            dropped[i] = "the sound before it is still playing"
            continue
        for short in ([False, True] if s.has_short else [False]):
            trial = {**kept, i: (short, seconds_of(s.parts(short)))}
            if fits(trial):
                kept = trial
                break
        else:
            if s.critical:
                kept[i] = (False, seconds_of(s.parts(False)))
            else:
                dropped[i] = "no room before the next cue"

    out: list[Decision] = []
    t = busy_until
    starts: dict[int, int] = {}
    for j in sorted(kept):
        starts[j] = t
        t += int(kept[j][1] * NS)
    first_kept = min(kept) if kept else None
    for i, s in enumerate(sounds):
        if i in dropped:
            out.append(Decision(s, "drop", now_ns, reason=dropped[i]))
            continue
        short, secs = kept[i]
        start = starts[i]
        out.append(Decision(
            s, "play" if start <= now_ns else "queue", start, secs, short, interrupt and i == first_kept,
            reason="short form: the whole sentence would overrun the next cue" if short else "",
        ))
    return out
