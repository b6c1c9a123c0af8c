"""What the runner says by itself: the cues that no step of a timeline holds.

A timed step's cues are in the timeline (``session/timeline.py``).  In a set the user counts, the
runner says each rep's number, "Last rep" and the set's end as the reps are counted; ending a
session early, or reaching the end of one in which a drill was stopped ("it hurts"), says "Session
ended." (never "Session complete"); and a resumed run opens with a get-ready of its own
(``timeline.resume_get_ready``: the drill's get-ready line for the side it resumes on, and 3-2-1).  Those lines are defined here, once: the runner says them, and
the audio layer (``audio/vocabulary.session_cues``) reads :func:`runner_cues` to have each one's
sound ready, and its line rendered, before it is needed.
"""

from __future__ import annotations

from ..i18n import N_, _
from ..session.kinds import StepKind
from ..session.timeline import CUE_MESSAGES, CueKind, Step, Timeline, cue_text, resume_get_ready, set_complete_text

LAST_REP = CUE_MESSAGES["last_rep"]  # in a set the user counts, when one rep is left
# Translators: spoken and shown when the user ended the session early, or a drill in it was stopped.
SESSION_ENDED = N_("Session ended.")


def last_rep_text() -> str:
    return cue_text("last_rep")


def session_ended_text() -> str:
    return _(SESSION_ENDED)


def rep_text(n: int) -> str:
    """A counted rep's cue: its number."""
    return str(n)


def counted_set_complete(step: Step) -> str:
    """The cue at the end of a counted set (as a timed set's own cue says it)."""
    return set_complete_text(step.drill_name, step.set_no, step.sets)


def says_last_rep(reps_done: int, reps: int) -> bool:
    """Whether counting rep ``reps_done`` of ``reps`` leaves the last one to do."""
    return reps > 1 and reps_done == reps - 1


def runner_cues(timeline: Timeline) -> list[tuple[CueKind, str]]:
    """Every (kind, text) the runner may say by itself in ``timeline``, in the order they can first come."""
    cues: dict[tuple[CueKind, str], None] = {}
    for step in timeline.steps:
        if step.reps and step.is_open:  # a set the user counts: no clock, the runner says these
            for n in range(1, step.reps + 1):
                cues[(CueKind.REP, rep_text(n))] = None
            if step.reps > 1:
                cues[(CueKind.LAST_REP, last_rep_text())] = None
            if step.ends_set:
                cues[(CueKind.SET_COMPLETE, counted_set_complete(step))] = None
    cues[(CueKind.SESSION_COMPLETE, session_ended_text())] = None
    for step in timeline.steps:  # a run resumed at a work step gets ready first
        lead = resume_get_ready(timeline, step.index) if step.kind is StepKind.WORK else None
        if lead is not None:
            for cue in lead.cues:
                cues[(cue.kind, cue.text)] = None
    return list(cues)
