"""The session editor's model (session/draft.py): edits, undo and redo, validation through the loader,
the live plan, Try it's one-drill session, and saving a user's file without losing anything."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hinge_timer.cli import print_plan
from hinge_timer.safeio import describe
from hinge_timer.session.draft import (
    KINDS,
    SIDES,
    Draft,
    DraftConflict,
    DraftInvalid,
    builtin_drills,
    field_of,
    slug,
)
from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session_files, load_session, parse_session
from hinge_timer.session.model import Span
from hinge_timer.session.timeline import compile_timeline

# A physio's routine as a user typed it: comments, own names and lines, odd numbers, both kinds of
# sides, a cycle, a tempo, a counted set and a caution.
OWN = """\
# From Dr. Okafor, 3 March: do this every second day.
format = 1
title = "Knee and hip, Okafor plan"
summary = "Slow. Stop if the knee clicks."

[defaults]
get_ready = 7      # I need a moment to kneel
rest_between_sets = 25
switch_sides = 6

# The one she said matters most.
[[drill]]
name = "Couch stretch"
hold = [75, 105]
sides = ["right", "left"]
cycle = [
    { phase = "Squeeze glute", seconds = 4, say = "Squeeze" },
    { phase = "Let go", seconds = 7 },
]

# Counted: I go at my own pace.
[[drill]]
name = "Step-downs"
reps = [7, 9]
sets = 3
sides = ["left"]
caution = "Hold the rail."

[[drill]]
name = "Slow good morning"
reps = 6
sets = [2, 3]
tempo = [
    { phase = "Fold", seconds = 4, say = "Hips back, slowly" },
    { phase = "Breathe out", seconds = 3 },
    { phase = "Rise", seconds = 3 },
]
"""


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def own(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    p = folder / "okafor.toml"
    p.write_text(OWN, encoding="utf-8")
    return p


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# --- opening, reading ------------------------------------------------------------------------------


def test_a_new_draft_is_one_valid_60_s_hold_and_not_dirty():
    d = Draft.new("Evening")
    assert d.path is None and d.drill_count == 1 and not d.dirty
    s = d.session()
    assert s is not None and s.title == "Evening"
    assert s.drills[0].hold == Span(60, 60) and s.drills[0].sets == Span(1, 1)
    assert d.kind(0) == "hold" and d.sides(0) == "none"


def test_open_reads_the_users_file_as_written(own: Path):
    d = Draft.open(own)
    assert d.path == own and not d.dirty and d.check().ok
    assert d.get(("drill", 0, "hold")) == [75, 105]
    assert [d.kind(i) for i in range(3)] == ["cycle", "reps", "tempo"]
    assert [d.sides(i) for i in range(3)] == ["right then left", "left only", "none"]
    assert d.text() == OWN  # nothing changed: the file byte for byte


def test_get_is_a_copy(own: Path):
    d = Draft.open(own)
    cycle = d.get(("drill", 0, "cycle"))
    cycle.append({"phase": "x", "seconds": 1})
    assert len(d.get(("drill", 0, "cycle"))) == 2 and not d.dirty
    assert d.get(("drill", 9, "name")) is None and d.get(("nothing", "here")) is None


def test_open_refuses_a_file_that_is_not_toml_naming_file_and_line(tmp_path: Path):
    p = tmp_path / "bad.toml"
    p.write_text('format = 1\ntitle = Evening stretch\n', encoding="utf-8")
    with pytest.raises(SessionError) as info:
        Draft.open(p)
    (problem,) = info.value.problems
    assert problem.file == str(p) and problem.line == 2 and "double quotes" in problem.message


def test_open_refuses_a_fifo_at_once(tmp_path: Path):
    p = tmp_path / "pipe.toml"
    os.mkfifo(p)
    with pytest.raises(SessionError) as info:
        Draft.open(p)
    assert "named pipe" in info.value.problems[0].message


def test_an_invalid_session_that_is_toml_opens_with_its_problems(tmp_path: Path):
    p = tmp_path / "half.toml"
    p.write_text('format = 1\ntitle = "Half"\n\n[[drill]]\nname = "A"\nhold = 2\n', encoding="utf-8")
    d = Draft.open(p)
    checked = d.check()
    assert not checked.ok and d.plan() is None
    assert checked.at("drill[1].hold") == ["must be between 5 and 3600 seconds (5 s to 1 h), got 2"]
    assert checked.problems[0].file == str(p) and checked.problems[0].line == 6


def test_a_single_drill_table_becomes_the_first_drill_when_one_is_added(tmp_path: Path):
    p = tmp_path / "one.toml"
    p.write_text('format = 1\ntitle = "One"\n\n[drill]\nname = "Wall sit"\nhold = 40\n', encoding="utf-8")
    d = Draft.open(p)
    assert d.drill_count == 0 and d.check().at("drill")  # the loader says: two brackets
    assert d.add_drill() == 1
    assert [x["name"] for x in d.get(("drill",))] == ["Wall sit", "Drill 2"] and d.check().ok


# --- the loader's field paths -------------------------------------------------------------------


@pytest.mark.parametrize("place, value", [
    (("title",), ""),
    (("defaults", "get_ready"), 9999),
    (("drill", 0, "hold"), "long"),
    (("drill", 2, "tempo", 1, "say"), 5),
    (("drill", 1, "sets"), [3, 2]),
    (("drill", 0, "cycle", 0, "seconds"), 0),
])
def test_field_of_is_where_the_loader_reports_the_problem(own: Path, place, value):
    d = Draft.open(own)
    d.set(place, value)
    checked = d.check()
    assert checked.at(field_of(place)), [str(p) for p in checked.problems]
    assert [p.field for p in checked.problems] == [field_of(place)]
    drill = [p for p in place[:2]]
    if place[0] == "drill":
        assert checked.within(field_of(tuple(drill))) and not checked.within("drill[9]")


def test_field_of_counts_from_one_as_the_file_does():
    assert field_of(("drill", 2, "tempo", 1, "say")) == "drill[3].tempo[2].say"
    assert field_of(("defaults", "get_ready")) == "defaults.get_ready"


def test_a_rule_between_fields_is_reported_at_the_field_it_names(own: Path):
    d = Draft.open(own)
    d.set(("drill", 2, "hold"), 30)  # a paced drill with a hold as well as reps
    assert d.check().at(field_of(("drill", 2, "reps"))) == ["a drill has hold (seconds) or reps, not both"]


# --- edits, undo, redo ------------------------------------------------------------------------------

EDITS = {
    "set": lambda d: d.set(("drill", 1, "reps"), [8, 10]),
    "remove a key": lambda d: d.set(("drill", 1, "caution"), None),
    "set a default": lambda d: d.set(("defaults", "rest_between_drills"), 40),
    "set_kind": lambda d: d.set_kind(0, "hold"),
    "set_sides": lambda d: d.set_sides(0, "none"),
    "add_drill": lambda d: d.add_drill(1),
    "add a built-in drill": lambda d: d.add_drill(None, builtin_drills()[0][2]),
    "remove_drill": lambda d: d.remove_drill(0),
    "duplicate_drill": lambda d: d.duplicate_drill(2),
    "move_drill": lambda d: d.move_drill(2, 0),
    "add_phase": lambda d: d.add_phase(2, "tempo", 1),
    "remove_phase": lambda d: d.remove_phase(0, "cycle", 1),
    "move_phase": lambda d: d.move_phase(2, "tempo", 0, 2),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_every_edit_undoes_and_redoes(own: Path, name: str):
    d = Draft.open(own)
    before, rev = d.data, d.revision
    assert not d.can_undo and not d.undo()
    EDITS[name](d)
    after = d.data
    assert after != before and d.revision == rev + 1 and d.dirty and d.can_undo
    assert d.undo() and d.data == before and not d.dirty and d.text() == OWN
    assert d.can_redo and d.redo() and d.data == after and d.dirty
    assert not d.can_redo and not d.redo()


def test_a_new_edit_after_undo_drops_the_redo(own: Path):
    d = Draft.open(own)
    d.set(("title",), "A")
    d.undo()
    d.set(("title",), "B")
    assert not d.can_redo and d.get(("title",)) == "B"


def test_typing_in_one_field_is_one_undo_step(own: Path, clock: FakeClock):
    d = Draft.open(own, clock=clock)
    for text in ("S", "Sl", "Slo", "Slow"):
        d.set(("drill", 2, "name"), text)
        clock.t += 0.4
    clock.t += 1.6  # a pause: the next typing is a step of its own
    d.set(("drill", 2, "name"), "Slow hinge")
    d.set(("title",), "Other")  # another field: another step
    assert d.undo() and d.get(("drill", 2, "name")) == "Slow hinge"
    assert d.undo() and d.get(("drill", 2, "name")) == "Slow"
    assert d.undo() and d.get(("drill", 2, "name")) == "Slow good morning"
    assert not d.can_undo and not d.dirty


def test_setting_the_same_value_is_not_an_edit(own: Path):
    d = Draft.open(own)
    rev = d.revision
    d.set(("drill", 0, "hold"), [75, 105])
    d.set(("drill", 1, "how"), None)  # absent already
    assert d.revision == rev and not d.can_undo


def test_a_refused_edit_changes_nothing(own: Path):
    d = Draft.open(own)
    with pytest.raises(TypeError):
        d.set(("drill", 0, "hold"), object())
    with pytest.raises(IndexError):
        d.set(("drill", 7, "hold"), 60)
    with pytest.raises(IndexError):
        d.set(("drill", 0, "name", 3), "x")  # would have made the name a list on the way
    assert d.data == tomllib.loads(OWN) and not d.can_undo


def test_dirty_is_false_again_after_undo_back_to_the_saved_state(own: Path):
    d = Draft.open(own)
    d.set(("title",), "Knee plan")
    d.save(own.parent)
    assert not d.dirty
    d.set(("drill", 1, "sets"), 4)
    assert d.dirty
    d.undo()
    assert not d.dirty
    d.undo()  # before the save: differs from the file now
    assert d.dirty and d.get(("title",)) == "Knee and hip, Okafor plan"


def test_history_is_capped(clock: FakeClock):
    d = Draft.new(clock=clock)
    for n in range(520):
        d.set(("drill", 0, "hold"), 10 + n)  # same place, but each 2 s apart: a step each
        clock.t += 2
    steps = 0
    while d.undo():
        steps += 1
    assert steps == 500 and d.get(("drill", 0, "hold")) == 29


def test_removing_the_last_default_removes_the_defaults_table(tmp_path: Path):
    d = Draft.new()
    d.set(("defaults", "get_ready"), 5)
    assert d.get(("defaults",)) == {"get_ready": 5}
    d.set(("defaults", "get_ready"), None)
    assert d.get(("defaults",)) is None and "[defaults]" not in d.text()


# --- kinds and sides ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start", list(KINDS))
@pytest.mark.parametrize("to", list(KINDS))
def test_every_kind_change_gives_a_valid_drill_of_that_kind(own: Path, start: str, to: str):
    d = Draft.open(own)
    d.set_kind(2, start)
    d.set_kind(2, to)
    assert d.kind(2) == to
    s = d.session()
    assert s is not None, [str(p) for p in d.check().problems]
    drill = s.drills[2]
    assert (drill.hold is not None) == (to in ("hold", "cycle"))
    assert (drill.cycle is not None) == (to == "cycle") and (drill.tempo is not None) == (to == "tempo")
    if start != to:  # the same kind again is no edit
        d.undo()
    assert d.kind(2) == start


def test_kind_changes_keep_what_carries_over(own: Path):
    d = Draft.open(own)
    d.set_kind(0, "hold")  # cycle -> hold keeps the hold
    assert d.get(("drill", 0, "hold")) == [75, 105] and d.get(("drill", 0, "cycle")) is None
    d.set_kind(2, "reps")  # tempo -> counted keeps the reps
    assert d.get(("drill", 2, "reps")) == 6 and d.get(("drill", 2, "tempo")) is None
    d.set_kind(1, "hold")  # counted reps -> a 60 s hold
    assert d.get(("drill", 1, "hold")) == 60 and d.get(("drill", 1, "reps")) is None
    d.set_kind(1, "tempo")
    tempo = d.get(("drill", 1, "tempo"))
    assert d.get(("drill", 1, "reps")) == 10 and [p["seconds"] for p in tempo] == [3, 2, 3]
    assert "Breathe out, relax" in [p["phase"] for p in tempo]


@pytest.mark.parametrize("words", list(SIDES))
def test_sides_in_words(own: Path, words: str):
    d = Draft.open(own)
    d.set_sides(0, words)
    assert d.sides(0) == words
    s = d.session()
    assert s is not None and s.drills[0].sides == SIDES[words]
    if words == "none":
        d.set(("drill", 0, "switch_sides"), 5)
        assert d.check().at("drill[1].switch_sides")  # needs sides
        d.set_sides(0, "none")
        assert d.get(("drill", 0, "switch_sides")) is None and d.check().ok


def test_removing_every_phase_is_said_at_the_phases(own: Path):
    d = Draft.open(own)
    d.remove_phase(0, "cycle", 0)
    d.remove_phase(0, "cycle", 0)
    assert d.kind(0) == "cycle" and d.check().at("drill[1].cycle") == ["must have at least one item, or be left out"]
    j = d.add_phase(0, "cycle")
    assert j == 0 and d.check().ok


# --- what the editor shows -------------------------------------------------------------------------


def test_the_plan_is_the_plan_commands_figures(own: Path):
    d = Draft.open(own)
    figures = d.plan()
    assert figures is not None
    session = load_session(own)
    for dose, steps, total in (("low", figures.steps_low, figures.total_low),
                               ("high", figures.steps_high, figures.total_high)):
        timeline = compile_timeline(session, dose)
        assert steps == len(timeline.steps) and total == timeline.total
    assert figures.estimated  # the counted step-downs are estimated
    out = io.StringIO()
    print_plan(compile_timeline(session, "low"), out)
    printed = out.getvalue().splitlines()
    assert list(figures.lines_low) == printed[2:-1]  # between the heading lines and the total
    d.set(("drill", 0, "hold"), 60)  # was 75-105 s, on each of two sides
    again = d.plan()
    assert again is not None and again.total_low == figures.total_low - 30
    assert again.total_high == figures.total_high - 90
    assert d.plan() is again  # cached per revision


def test_try_it_session_is_the_one_drill_with_the_defaults(own: Path):
    d = Draft.open(own)
    d.set(("drill", 2, "reps"), 0)  # another drill half edited
    one = d.drill_session(1)
    assert one is not None and [x.name for x in one.drills] == ["Step-downs"]
    assert one.defaults.get_ready == 7 and one.title == "Knee and hip, Okafor plan"
    assert d.drill_session(2) is None and d.drill_session(5) is None


def test_builtin_drills_are_every_drill_as_written():
    got = builtin_drills()
    expected = []
    for f in builtin_session_files():
        raw = tomllib.loads(f.read_text(encoding="utf-8"))
        expected += [(raw["title"], d["name"], d) for d in raw["drill"]]
    assert got == expected and any(name == "Jefferson curl" for _t, name, _d in got)
    d = Draft.new()
    jc = next(data for _t, name, data in got if name == "Jefferson curl")
    i = d.add_drill(0, jc)
    assert i == 0 and d.check().ok and d.kind(0) == "tempo" and d.session().drills[0].caution


# --- junk never breaks the check ------------------------------------------------------------------

_junk = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_keys = st.sampled_from(["name", "hold", "reps", "sets", "sides", "how", "cues", "equipment", "caution",
                         "tempo", "cycle", "get_ready", "rest_between_sets", "switch_sides", "rest_after",
                         "hodl", "", "a.b", "[x]"])
_place = st.one_of(
    st.tuples(st.sampled_from(["title", "summary", "format", "defaults", "drill", "extra"])),
    st.tuples(st.just("defaults"), st.sampled_from(["get_ready", "dose", "rest_between_drills", "x"])),
    st.tuples(st.just("drill"), st.integers(0, 2), _keys),
    st.tuples(st.just("drill"), st.integers(0, 2), st.sampled_from(["tempo", "cycle", "cues"]),
              st.integers(0, 2)),
    st.tuples(st.just("drill"), st.integers(0, 2), st.sampled_from(["tempo", "cycle"]), st.integers(0, 1),
              st.sampled_from(["phase", "seconds", "say", "bad"])),
)
_op = st.one_of(
    st.tuples(st.just("set"), _place, _junk),
    st.tuples(st.just("kind"), st.integers(0, 2), st.sampled_from(list(KINDS))),
    st.tuples(st.just("sides"), st.integers(0, 2), st.sampled_from(list(SIDES))),
    st.tuples(st.just("add"), st.integers(0, 3), st.none()),
    st.tuples(st.just("remove"), st.integers(0, 2), st.none()),
    st.tuples(st.just("move"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("phase"), st.integers(0, 2), st.sampled_from(["tempo", "cycle"])),
    st.tuples(st.just("undo"), st.none(), st.none()),
)


def _apply(d: Draft, op) -> None:
    what, a, b = op
    try:
        if what == "set":
            d.set(a, b)
        elif what == "kind":
            d.set_kind(a, b)
        elif what == "sides":
            d.set_sides(a, b)
        elif what == "add":
            d.add_drill(a)
        elif what == "remove":
            d.remove_drill(a)
        elif what == "move":
            d.move_drill(a, b)
        elif what == "phase":
            d.add_phase(a, b)
        else:
            d.undo()
    except (IndexError, TypeError):
        pass  # a place that is not there (no such drill, a drill that is not a table): refused, unchanged


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(ops=st.lists(_op, max_size=8), new=st.booleans())
def test_check_of_any_edits_never_raises_and_agrees_with_the_loader(own: Path, ops, new: bool):
    d = Draft.new() if new else Draft.open(own)
    for op in ops:
        _apply(d, op)
        checked = d.check()
        text = d.text()
        try:
            parse_session(text.encode("utf-8"), "x")
        except SessionError:
            assert not checked.ok and checked.problems
        else:
            assert checked.ok and d.plan() is not None


# --- saving -----------------------------------------------------------------------------------------


def test_save_changes_only_the_changed_line_and_keeps_comments(own: Path):
    d = Draft.open(own)
    d.set(("drill", 1, "reps"), [8, 10])
    assert d.save(own.parent) == own and not d.dirty
    text = own.read_text(encoding="utf-8")
    assert text == OWN.replace("reps = [7, 9]", "reps = [8, 10]")
    assert load_session(own).drills[1].reps == Span(8, 10)


def test_save_keeps_the_files_mode_and_a_new_file_is_readable_by_others(own: Path, tmp_path: Path):
    own.chmod(0o640)
    d = Draft.open(own)
    d.set(("title",), "Mode")
    d.save(own.parent)
    assert own.stat().st_mode & 0o777 == 0o640
    new = Draft.new().save(tmp_path / "new")
    assert new.stat().st_mode & 0o777 == 0o644


def test_a_moved_drill_moves_with_its_comment(own: Path):
    d = Draft.open(own)
    d.move_drill(1, 0)  # the counted step-downs first
    d.save(own.parent)
    text = own.read_text(encoding="utf-8")
    assert "# Counted: I go at my own pace." in text and "# The one she said matters most." in text
    assert text.index("# Counted: I go") < text.index('name = "Step-downs"') < text.index('name = "Couch stretch"')
    assert [x.name for x in load_session(own).drills] == ["Step-downs", "Couch stretch", "Slow good morning"]
    assert "get_ready = 7      # I need a moment to kneel" in text
    # And saving again after another edit: the draft now knows the file's new order.
    d.set(("drill", 1, "hold"), 80)
    d.save(own.parent)
    again = own.read_text(encoding="utf-8")
    assert again == text.replace("hold = [75, 105]", "hold = 80")


def test_a_title_change_keeps_the_file(own: Path):
    d = Draft.open(own)
    d.set(("title",), "A different name")
    assert d.save(own.parent) == own
    assert sorted(p.name for p in own.parent.iterdir()) == ["okafor.toml"]


def test_save_refuses_an_invalid_session_with_its_problems(own: Path):
    d = Draft.open(own)
    d.set(("drill", 0, "hold"), [105, 75])
    with pytest.raises(DraftInvalid) as info:
        d.save(own.parent)
    assert [p.field for p in info.value.problems] == ["drill[1].hold"]
    assert own.read_text(encoding="utf-8") == OWN and d.dirty


def test_a_file_changed_on_disk_is_not_overwritten(own: Path):
    d = Draft.open(own)
    d.set(("title",), "Mine")
    theirs = OWN.replace("rest_between_sets = 25", "rest_between_sets = 20")
    own.write_text(theirs, encoding="utf-8")  # another editor saved meanwhile
    assert d.changed_on_disk()
    with pytest.raises(DraftConflict) as info:
        d.save(own.parent)
    assert info.value.path == own and own.read_text(encoding="utf-8") == theirs
    copy_path = d.save_copy(own.parent)  # the user chooses "save as a copy"
    assert copy_path != own and d.path == copy_path and not d.dirty
    assert load_session(copy_path).title == "Mine" and own.read_text(encoding="utf-8") == theirs
    assert "# The one she said matters most." in copy_path.read_text(encoding="utf-8")


def test_a_file_replaced_by_the_same_bytes_is_not_a_conflict_but_a_deleted_one_is(own: Path):
    d = Draft.open(own)
    own.write_text(OWN, encoding="utf-8")  # touched, same content
    assert not d.changed_on_disk()
    own.unlink()
    assert d.changed_on_disk()
    with pytest.raises(DraftConflict):
        d.save(own.parent)


def test_reload_drops_the_edits_and_the_history(own: Path):
    d = Draft.open(own)
    d.set(("title",), "Mine")
    theirs = OWN.replace("sets = 3", "sets = 4")
    own.write_text(theirs, encoding="utf-8")
    rev = d.revision
    d.reload()
    assert d.revision > rev and not d.dirty and not d.can_undo and not d.changed_on_disk()
    assert d.get(("drill", 1, "sets")) == 4 and d.get(("title",)) == "Knee and hip, Okafor plan"


def test_new_sessions_never_overwrite_a_file(tmp_path: Path):
    folder = tmp_path / "not" / "yet"  # made when needed
    first, second = Draft.new("Morning: hips & knees!"), Draft.new("Morning: hips & knees!")
    p1, p2 = first.save(folder), second.save(folder)
    assert (p1.name, p2.name) == ("morning-hips-knees.toml", "morning-hips-knees-2.toml")
    third = Draft.new("Morning hips knees")
    (folder / "morning-hips-knees-3.toml").mkdir()  # something in the way, even a folder
    assert third.save(folder).name == "morning-hips-knees-4.toml"
    assert load_session(p1).title == "Morning: hips & knees!" and first.path == p1 and not first.dirty
    first.set(("drill", 0, "hold"), 45)
    assert first.save(folder) == p1  # saved again: the same file
    assert sorted(x.name for x in folder.iterdir()) == [
        "morning-hips-knees-2.toml", "morning-hips-knees-3.toml", "morning-hips-knees-4.toml",
        "morning-hips-knees.toml"]


@pytest.mark.parametrize("title, name", [
    ("Hüftöffner für Läufer", "huftoffner-fur-laufer"), ("   ", "session"), ("日本語", "session"),
    ("x" * 90, "x" * 60), ("CON", "con-session"), ("a/../b", "a-b"),
])
def test_file_names_from_titles(title: str, name: str):
    assert slug(title) == name


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder the program may not write in: by its mode, or (as root, whom modes do not stop) a
    read-only tmpfs."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs: {r.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_folder_is_a_clear_error_and_the_draft_stays(read_only_folder: Path):
    d = Draft.new("Evening")
    d.set(("drill", 0, "hold"), 45)
    with pytest.raises(OSError) as info:
        d.save(read_only_folder)
    assert describe(info.value) in ("permission denied", "Read-only file system")
    assert str(read_only_folder) in str(info.value.filename)
    assert d.path is None and d.dirty and d.get(("drill", 0, "hold")) == 45
    assert list(read_only_folder.iterdir()) == []


# --- every valid session can be made with the editor's own edits --------------------------------

_name = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(str.strip)


def _span(lo: int, hi: int):
    return st.integers(lo, hi) | st.tuples(st.integers(lo, hi), st.integers(lo, hi)).map(lambda t: sorted(t))


_phase = st.fixed_dictionaries({"phase": _name, "seconds": st.integers(1, 60)}, optional={"say": _name})


@st.composite
def _drill(draw):
    kind = draw(st.sampled_from(list(KINDS)))
    d = {"name": draw(_name)}
    if kind in ("hold", "cycle"):
        d["hold"] = draw(_span(5, 3600))
    else:
        d["reps"] = draw(_span(1, 100))
    if kind == "cycle":
        d["cycle"] = draw(st.lists(_phase, min_size=1, max_size=4))
    if kind == "tempo":
        d["tempo"] = draw(st.lists(_phase, min_size=1, max_size=4))
    optional = {"sets": _span(1, 20), "how": _name, "caution": _name, "cues": st.lists(_name, max_size=3),
                "equipment": st.lists(_name, max_size=2), "get_ready": st.integers(0, 600),
                "rest_between_sets": st.integers(0, 600), "rest_after": st.integers(0, 600)}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            d[key] = draw(strategy)
    words = draw(st.sampled_from(list(SIDES)))
    if words != "none":
        d["sides"] = list(SIDES[words])
        if draw(st.booleans()):
            d["switch_sides"] = draw(st.integers(0, 600))
    return kind, words, d


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_name, summary=st.none() | _name, drills=st.lists(_drill(), min_size=1, max_size=4),
       defaults=st.dictionaries(st.sampled_from(["get_ready", "rest_between_sets", "rest_between_drills",
                                                 "switch_sides"]), st.integers(0, 600), max_size=4),
       dose=st.none() | st.sampled_from(["low", "high"]))
def test_any_valid_session_can_be_made_with_the_editors_edits(title, summary, drills, defaults, dose):
    from hinge_timer.session.model import Session

    wanted = {"format": 1, "title": title, "drill": [d for _k, _w, d in drills]}
    if summary is not None:
        wanted["summary"] = summary
    if dose is not None:
        defaults = {**defaults, "dose": dose}
    if defaults:
        wanted["defaults"] = defaults
    expected = Session.model_validate(wanted)

    ed = Draft.new()
    ed.set(("title",), title)
    ed.set(("summary",), summary)
    for key, value in defaults.items():
        ed.set(("defaults", key), value)
    for i, (kind, words, d) in enumerate(drills):
        if i:
            assert ed.add_drill() == i
        ed.set_kind(i, kind)
        ed.set_sides(i, words)
        for part in ("tempo", "cycle"):
            if part in d:
                for j, phase in enumerate(d[part]):
                    if j >= len(ed.get(("drill", i, part))):
                        ed.add_phase(i, part)
                    for key in ("phase", "seconds", "say"):
                        ed.set(("drill", i, part, j, key), phase.get(key))
                while len(ed.get(("drill", i, part))) > len(d[part]):
                    ed.remove_phase(i, part, len(d[part]))
        for key, value in d.items():
            if key not in ("tempo", "cycle", "sides"):
                ed.set(("drill", i, key), value)
    assert ed.session() == expected, [str(p) for p in ed.check().problems]
    assert load_session_text(ed.text()) == expected


def load_session_text(text: str):
    return parse_session(text.encode("utf-8"), "x")


def test_drills_written_inline_stay_inline_through_edits_moves_and_a_save(tmp_path: Path):
    from tests.conftest import REPO

    text = (REPO / "tests" / "data" / "own-inline.toml").read_text(encoding="utf-8")
    path = tmp_path / "lunch.toml"
    path.write_text(text, encoding="utf-8")
    d = Draft.open(path)
    d.set(("drill", 2, "reps"), 8)
    d.move_drill(2, 0)
    d.add_drill()
    d.save(tmp_path)
    out = path.read_text(encoding="utf-8")
    assert "[[drill]]" not in out and "drill = [" in out and "# the last one is gentle" in out
    assert '    { name = "Wall slide", reps = 8 },' in out.splitlines()
    assert "  # 45 s on a bad day" in out  # the comment at a drill's line end kept with it
    assert [x.name for x in load_session(path).drills] == ["Wall slide", "Standing hamstring hold",
                                                            "Chair good morning", d.get(("drill", 3, "name"))]


def test_a_checker_runs_on_a_copy_and_its_result_is_kept_only_for_its_revision(own: Path):
    d = Draft.open(own)
    run = d.checker()
    d.set(("drill", 0, "hold"), 5000)  # changed while the check ran elsewhere
    verdict = run()
    assert verdict.checked.ok and verdict.plan is not None  # the copy: as the file was
    assert not d.accept(verdict) and d.checked_now is None  # too old for the draft as it is now
    verdict = d.checker()()
    assert d.accept(verdict) and d.checked_now is verdict.checked and not verdict.checked.ok
    assert d.check() is verdict.checked and d.plan() is None and d.text() == verdict.text


def test_the_check_in_the_checking_process_gives_what_the_check_here_gives(own: Path):
    from hinge_timer.session.checker import FileChecker

    child = FileChecker()
    try:
        d = Draft.open(own)
        d.set(("drill", 1, "name"), "Step-downs \u2014 \u00e9\u00e8 \U0001F9B5")  # not ASCII: the wire is
        there = d.checker(child.ask)()
        assert child.pid is not None  # it was asked (not done here)
        here = d.checker()()
        assert there.text == here.text and there.checked.ok and there.plan == here.plan
        assert there.checked.session == here.checked.session
        d.set(("drill", 0, "hold"), 5000)
        d.set(("title",), "")
        there, here = d.checker(child.ask)(), d.checker()()
        assert not there.checked.ok and there.plan is None
        assert there.checked.problems == here.checked.problems and there.checked.count == here.checked.count
        assert d.accept(there) and not d.check().ok
    finally:
        child.cancel()
        child.close()


def test_a_checking_process_that_dies_leaves_the_check_to_this_thread(own: Path, caplog):
    import os
    import signal

    from hinge_timer.session.checker import FileChecker

    child = FileChecker()
    try:
        child.start()
        pid = child.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        # ... and none can take its place (a new one would otherwise be started for the next check, when
        # the kill is seen before the question is written: then the check is done there, not here)
        child.command = [sys.executable, "-c", "import sys; sys.exit(3)"]
        d = Draft.open(own)
        d.set(("drill", 0, "hold"), 90)
        verdict = d.checker(child.ask)()
        assert verdict.checked.ok and verdict.text == d.text()  # done here instead, the same
        assert "checking it here" in caplog.text
    finally:
        child.cancel()
        child.close()
