"""The largest legitimate session: every drill the model allows, each with long texts, many cues and a
paced tempo (about 600 KiB).  It must load; shared by tests/unit/test_session_hostile.py and
benchmarks/hostile_files.py (its reference)."""

from __future__ import annotations

from hinge_timer.session.model import MAX_DRILLS


def legit_max(head: str = 'format = 1\ntitle = "Evening hinge routine"\n', drills: int = MAX_DRILLS) -> str:
    """A real (if very long) session at the model's limits, starting with ``head``."""
    how = " ".join(["Hinge at the hips, keep the spine long and let the hamstrings take the load."] * 13)
    caution = " ".join(["Stop at once if your back hurts; come back to it another day."] * 8)
    cues = ", ".join(f'"Cue {k}: keep the knees soft, ribs down and the weight over the mid foot ok"'
                     for k in range(10))
    phases = ", ".join(f'{{ phase = "Phase {k}", seconds = {1 + k % 9}, say = "Phase {k} now" }}' for k in range(10))
    parts = [head, "[defaults]\nget_ready = 5\nrest_between_sets = 30\nrest_between_drills = 20\n"]
    for i in range(drills):
        parts.append(
            f'[[drill]]\nname = "Drill {i} of the long session, the one from the clinic"\n'
            f'reps = [5, 6]\nsets = [2, 3]\nsides = ["left", "right"]\nhow = """{how}"""\n'
            f'caution = "{caution}"\ncues = [{cues}]\nequipment = ["band", "kettlebell", "block"]\n'
            f"tempo = [{phases}]\nget_ready = 5\nrest_between_sets = 20\nswitch_sides = 5\nrest_after = 15\n"
        )
    return "".join(parts)
