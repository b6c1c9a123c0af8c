"""The rules between a drill's fields are the model's: a Session built in code that breaks one does not
exist, and the loader reports each rule once, located, in the same words."""

from __future__ import annotations

from itertools import combinations

import pytest
from pydantic import ValidationError

from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import parse_session
from hinge_timer.session.model import (
    CONFLICT_FIELDS,
    DRILL_CONFLICT,
    FORMAT_VERSION,
    Drill,
    Session,
    drill_conflicts,
)
from hinge_timer.session.timeline import compile_timeline

# A valid value for each field the rules look at, as Python data and as TOML.
VALUES = {
    "hold": (30, "30"),
    "reps": (5, "5"),
    "cycle": ([{"phase": "Push", "seconds": 5}], '[{ phase = "Push", seconds = 5 }]'),
    "tempo": ([{"phase": "Down", "seconds": 2}], '[{ phase = "Down", seconds = 2 }]'),
    "switch_sides": (5, "5"),
    "sides": (["left", "right"], '["left", "right"]'),
}
EVERY_SET = [set(c) for n in range(len(CONFLICT_FIELDS) + 1) for c in combinations(CONFLICT_FIELDS, n)]


def session_data(**drill: object) -> dict[str, object]:
    return {"format": 1, "title": "T", "drill": [{"name": "A", **drill}]}


def conflict(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    """The one broken rule of the session's one drill (pydantic adds that the list of drills is short)."""
    [error] = [e for e in exc.value.errors() if e["type"] != "too_short"]
    assert error["type"] == DRILL_CONFLICT and error["loc"] == ("drill", 0)
    return str(error["msg"])


def test_hold_reps_and_tempo_together_do_not_make_a_session():
    """The issue's case: before, this passed and the timeline silently dropped the tempo."""
    with pytest.raises(ValidationError) as exc:
        Session.model_validate(session_data(hold=30, reps=5, tempo=[{"phase": "Down", "seconds": 2}]))
    assert conflict(exc) == "reps: a drill has hold (seconds) or reps, not both"


@pytest.mark.parametrize("fields, words", [
    ({"hold": 30, "reps": 5}, "reps: a drill has hold (seconds) or reps, not both"),
    ({}, "needs hold (seconds per side) or reps (per set)"),
    ({"reps": 5, "cycle": [{"phase": "Push", "seconds": 5}]},
     "cycle: cycle repeats through a hold; it needs hold, not reps"),
    ({"hold": 30, "tempo": [{"phase": "Down", "seconds": 2}]},
     "tempo: tempo paces each rep; it needs reps, not hold"),
    ({"hold": 30, "switch_sides": 5}, "switch_sides: only applies to a drill with sides"),
    ({"hold": 30, "switch_sides": 0}, "switch_sides: only applies to a drill with sides"),  # 0 is given too
], ids=["hold-and-reps", "neither", "cycle-without-hold", "tempo-without-reps", "switch-without-sides",
        "switch-0-without-sides"])
def test_each_rule_refuses_a_drill_built_in_code(fields, words):
    with pytest.raises(ValidationError) as exc:
        Drill(name="A", **fields)
    [error] = exc.value.errors()
    assert error["type"] == DRILL_CONFLICT and error["msg"] == words
    with pytest.raises(ValidationError) as exc:
        Session.model_validate(session_data(**fields))
    assert conflict(exc) == words


@pytest.mark.parametrize("fields", [
    {"hold": 30},
    {"reps": 5},
    {"hold": [20, 40], "cycle": [{"phase": "Push", "seconds": 5}, {"phase": "Relax", "seconds": 5}]},
    {"reps": 5, "tempo": [{"phase": "Down", "seconds": 2}]},
    {"hold": 30, "sides": ["left", "right"], "switch_sides": 5},
], ids=["hold", "reps", "hold-relax-cycle", "paced-reps", "sides-with-switch"])
def test_a_valid_drill_built_in_code_is_a_session_that_compiles(fields):
    session = Session.model_validate(session_data(**fields))
    assert session.drills[0] == Drill(name="A", **fields)
    assert compile_timeline(session).steps


def test_a_session_built_in_code_cannot_claim_a_newer_format():
    with pytest.raises(ValidationError) as exc:
        Session.model_validate({**session_data(hold=30), "format": FORMAT_VERSION + 1})
    assert exc.value.errors()[0]["type"] == "format_newer"


def toml_of(fields: set[str]) -> str:
    lines = ["format = 1", 'title = "T"', "", "[[drill]]", 'name = "A"']
    lines += [f"{f} = {VALUES[f][1]}" for f in CONFLICT_FIELDS if f in fields]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("fields", EVERY_SET, ids=lambda s: "+".join(sorted(s)) or "none")
def test_the_model_and_the_loader_apply_the_same_rules_and_the_loader_says_each_once(fields):
    broken = drill_conflicts(fields)
    data = session_data(**{f: VALUES[f][0] for f in fields})
    if not broken:
        assert Session.model_validate(data) == parse_session(toml_of(fields), "x.toml")
        return
    with pytest.raises(ValidationError) as exc:
        Session.model_validate(data)
    assert conflict(exc) == "; ".join(f"{w}: {m}" if w else m for w, m in broken)
    with pytest.raises(SessionError) as err:
        parse_session(toml_of(fields), "x.toml")
    # Located at the field each names (the drill's header for "neither"), worded once each.
    assert err.value.count == len(broken)
    assert sorted((p.field, p.message) for p in err.value.problems) == sorted(
        (f"drill[1].{w}" if w else "drill[1]", m) for w, m in broken)
    assert all(p.line is not None for p in err.value.problems)
