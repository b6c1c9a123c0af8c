"""The compiler: Session + dose -> the ordered, timed steps and their cues."""

from __future__ import annotations

import pytest

from hinge_timer.session.load import builtin_session, load_session, parse_session
from hinge_timer.session.timeline import CueKind, StepKind, compile_timeline, retime


def timeline(name: str, dose: str):
    return compile_timeline(load_session(builtin_session(name)), dose)  # type: ignore[arg-type]


# Totals worked out by hand from the session files, so a change in the compiler
# or the files that changes what a user sits through shows up here.
HINGE = 10 * 5  # weighted hip hinge: 10 reps x (2 + 1 + 2) s
COUNTED = 10 * 4  # weighted dowel hip hinge: 10 reps the user counts, planned at 4 s a rep
JC_REP = 5 + 4 + 2 + 5
MOBILITY_LOW = (
    10 + 2 * HINGE + 30 + 20  # get ready, 2 sets, rest between, rest after
    + 3 * (10 + 60 + 8 + 60 + 20)  # three per-side holds: get ready, left, switch, right, rest after
    + 10 + 2 * 5 * JC_REP + 45  # Jefferson curl: get ready, 2 x 5 reps, one rest (caution waits, untimed)
)
MOBILITY_HIGH = (
    10 + 3 * HINGE + 2 * 30 + 20
    + 3 * (10 + 120 + 8 + 120 + 20)
    + 10 + 3 * 6 * JC_REP + 2 * 45
)


@pytest.mark.parametrize(
    "name, dose, total",
    [
        ("hip-hinge-mobility", "low", MOBILITY_LOW),
        ("hip-hinge-mobility", "high", MOBILITY_HIGH),
        ("quick-warm-up", "low", 8 + 2 * HINGE + 20 + 15 + 8 + 60 + 8 + 60),
        ("quick-warm-up", "high", 8 + 3 * HINGE + 2 * 20 + 15 + 8 + 120 + 8 + 120),
        # The weighted dowel hinge is counted by the user: planned at 4 s a rep (COUNTED).
        ("hip-hinge-basics", "low", 10 + 2 * 60 + 30 + 20 + 10 + 2 * COUNTED + 30),
        ("hip-hinge-basics", "high", 10 + 3 * 60 + 2 * 30 + 20 + 10 + 3 * COUNTED + 2 * 30),
    ],
)
def test_builtin_totals(name, dose, total):
    t = timeline(name, dose)
    assert t.total == total
    # Hands-free (every set paced) but for the basics' weighted hinge, a set the user counts.
    assert t.has_open is (name == "hip-hinge-basics")
    assert MOBILITY_LOW == 849 and MOBILITY_HIGH == 1462  # 14:09 and 24:22, as the summary says


def test_steps_are_contiguous_and_end_with_done(mobility):
    t = 0.0
    for i, step in enumerate(mobility.steps):
        assert step.index == i
        assert step.start == t
        t += step.planned
    assert mobility.steps[-1].kind is StepKind.DONE
    assert [c.kind for c in mobility.steps[-1].cues] == [CueKind.SESSION_COMPLETE]


def test_per_side_holds_switch_sides_between_legs(mobility):
    bhd = [s for s in mobility.steps if s.drill_name == "Banded hip distraction"]
    assert [(s.kind.value, s.side) for s in bhd] == [
        ("get_ready", "left"), ("work", "left"), ("switch_sides", "right"), ("work", "right"), ("rest", None),
    ]
    switch = bhd[2]
    assert [(c.at, c.kind.value, c.text) for c in switch.cues] == [
        (0, "switch_sides", "Switch sides: right leg"), (5, "countdown", "3"), (6, "countdown", "2"),
        (7, "countdown", "1"),
    ]
    left, right = bhd[1], bhd[3]
    assert not left.ends_set and right.ends_set
    kinds = [c.kind for c in left.cues]
    assert kinds[0] is CueKind.GO and CueKind.HALFWAY in kinds and CueKind.SET_COMPLETE not in kinds
    assert right.cues[-1].kind is CueKind.SET_COMPLETE and right.cues[-1].at == 60


def test_jefferson_curl_is_paced_with_breathe_out_at_the_bottom_of_every_rep(mobility):
    jc = [s for s in mobility.steps if s.drill_name == "Jefferson curl"]
    assert [s.kind for s in jc[:2]] == [StepKind.CAUTION, StepKind.GET_READY]
    sets = [s for s in jc if s.kind is StepKind.WORK]
    assert [(s.set_no, s.sets, s.reps, s.duration) for s in sets] == [(1, 2, 5, 80.0), (2, 2, 5, 80.0)]
    first = sets[0]
    breathe_out = [c for c in first.cues if c.text == "Breathe out. Relax into the stretch."]
    assert [c.at for c in breathe_out] == [5, 21, 37, 53, 69]
    labels = [(p.rep, p.label, p.start, p.seconds) for p in first.phases[:4]]
    assert labels == [(1, "Curl down", 0, 5), (1, "Breathe out, relax", 5, 4), (1, "Breathe in", 9, 2),
                      (1, "Stack up", 11, 5)]
    last_rep = [c for c in first.cues if c.kind is CueKind.LAST_REP]
    assert [c.at for c in last_rep] == [64]
    assert first.cues[-1] .kind is CueKind.SET_COMPLETE and first.cues[-1].text == "Set 1 of 2 complete"


def test_cues_in_every_step_are_in_time_order_and_inside_the_step(mobility):
    for step in mobility.steps:
        ats = [c.at for c in step.cues]
        assert ats == sorted(ats)
        assert all(0 <= a <= step.planned for a in ats)


def test_hold_relax_cycle_runs_through_the_hold_and_is_cut_at_the_end():
    s = parse_session(
        b'format = 1\ntitle = "T"\n[defaults]\nget_ready = 0\n[[drill]]\nname = "S"\nhold = 12\n'
        b'cycle = [{ phase = "Push", seconds = 5 }, { phase = "Relax", seconds = 5 }]\n'
    )
    work = compile_timeline(s).steps[0]
    assert [(p.label, p.start, p.seconds) for p in work.phases] == [
        ("Push", 0, 5), ("Relax", 5, 5), ("Push", 10, 2),
    ]


def test_user_counted_sets_are_open_and_estimated():
    s = parse_session(
        b'format = 1\ntitle = "T"\n[defaults]\nget_ready = 5\nrest_between_sets = 30\n'
        b'[[drill]]\nname = "Count"\nreps = 8\nsets = 2\n'
    )
    t = compile_timeline(s)
    work = [x for x in t.steps if x.kind is StepKind.WORK]
    assert all(w.duration is None and w.is_open and w.planned == 8 * 4 for w in work)
    assert t.has_open and t.total == 5 + 32 + 30 + 32
    assert work[1].estimated and t.steps[0].estimated is False


def test_zero_rests_make_no_steps_and_drill_overrides_win():
    s = parse_session(
        b'format = 1\ntitle = "T"\n[defaults]\nget_ready = 0\nswitch_sides = 0\nrest_between_drills = 0\n'
        b'[[drill]]\nname = "A"\nhold = 30\nsides = ["right", "left"]\nrest_after = 15\n'
        b'[[drill]]\nname = "B"\nhold = 30\nget_ready = 3\n'
    )
    t = compile_timeline(s)
    assert [(x.kind.value, x.drill_name, x.side, x.planned) for x in t.steps] == [
        ("work", "A", "right", 30), ("work", "A", "left", 30), ("rest", "A", None, 15),
        ("get_ready", "B", None, 3), ("work", "B", None, 30), ("done", "", None, 0),
    ]


def test_dose_defaults_to_the_file_and_can_be_overridden():
    s = parse_session(b'format = 1\ntitle = "T"\n[defaults]\ndose = "high"\n[[drill]]\nname = "A"\nhold = [60, 90]\n')
    assert compile_timeline(s).dose == "high"
    assert [x.planned for x in compile_timeline(s).steps if x.kind is StepKind.WORK] == [90]
    assert [x.planned for x in compile_timeline(s, "low").steps if x.kind is StepKind.WORK] == [60]


def test_retime_moves_end_cues_and_extends_the_cycle(mobility):
    shs = [s for s in mobility.steps if s.drill_name == "Split hamstring stretch" and s.kind is StepKind.WORK][1]
    longer = retime(mobility, shs, 70)
    assert longer.duration == 70
    assert [c.at for c in longer.cues if c.kind is CueKind.COUNTDOWN] == [67, 68, 69]
    assert [c.at for c in longer.cues if c.kind is CueKind.HALFWAY] == [35]
    assert longer.cues[-1].kind is CueKind.SET_COMPLETE and longer.cues[-1].at == 70
    assert longer.phases[-1].end == 70 and len(longer.phases) == 14
    with pytest.raises(ValueError):
        retime(mobility, [s for s in mobility.steps if s.paced][0], 100)


def test_timeline_json_round_trips_the_plan(mobility):
    import json

    data = json.loads(json.dumps(mobility.to_json()))
    assert data["total_seconds"] == MOBILITY_LOW and data["total_is_estimate"] is False
    assert len(data["steps"]) == len(mobility.steps)
    assert data["steps"][1]["phases"][0] == {"start": 0.0, "seconds": 2.0, "label": "Hips back", "say": "Hips back", "rep": 1}
