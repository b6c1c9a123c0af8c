"""Why a set or a run ended early: the reason ids the runner, the history and the screens share.

A reason is stored in the history as its id (``sets.reason``, ``runs.end_reason``), never as words in
a language; the words are looked up here when it is shown.  The ids are the English words the first
versions stored, so the histories written before translations came read the same.  A reason with no
entry (a newer version's, or one a test makes) is shown as it is.
"""

from __future__ import annotations

from ..i18n import N_, _

HURTS = "it hurts"
NEXT = "next"
SKIP_DRILL = "skip drill"
ENDED_EARLY = "ended early"
BY_USER = "ended by the user"
WINDOW_CLOSED = "window closed"
INTERRUPTED = "interrupted"
OUTPUT_CLOSED = "output closed"
KIOSK_CLOSED = "kiosk closed by the administrator"
ABANDONED = "abandoned"
PAUSED = "Paused"  # a pause's reason when none is given: the screen then says nothing more

# Translators: why a set or a session ended early, shown after "stopped" or "Session ended:" and in the
# History; lower case, a few words.
REASONS: dict[str, str] = {
    HURTS: N_("it hurts"),
    NEXT: N_("next"),
    SKIP_DRILL: N_("skip drill"),
    ENDED_EARLY: N_("ended early"),
    BY_USER: N_("ended by the user"),
    WINDOW_CLOSED: N_("window closed"),
    INTERRUPTED: N_("interrupted"),
    OUTPUT_CLOSED: N_("output closed"),
    KIOSK_CLOSED: N_("kiosk closed by the administrator"),
    ABANDONED: N_("abandoned (nobody at the screen)"),
    PAUSED: N_("Paused"),
}


def reason_text(reason: str | None) -> str:
    """The reason's words in the current language ("" for none); an unknown id as it is."""
    if not reason:
        return ""
    if reason in REASONS:
        return _(REASONS[reason])
    if reason.startswith("abandoned ("):  # stored by versions before 0.2: "abandoned (no input for 10 min)"
        return _(REASONS[ABANDONED])
    return reason
