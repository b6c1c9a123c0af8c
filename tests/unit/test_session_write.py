"""The session writer on a file a person wrote by hand (tests/data/own-comments.toml): what an edit in the
app keeps and what it changes, line by line."""

from __future__ import annotations

import copy
import difflib
import tomllib
from typing import Any

import pytest

from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session, parse_session
from hinge_timer.session.write import dump, dump_data, to_data, update, update_data
from tests.conftest import REPO

OWN = (REPO / "tests" / "data" / "own-comments.toml").read_text(encoding="utf-8")


def own() -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads(OWN))


def changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines taken out and the lines put in."""
    gone, came = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            gone.append(line[2:])
        elif line.startswith("+ "):
            came.append(line[2:])
    return gone, came


def block(text: str, start: str) -> str:
    """A drill's block: from the comment lines directly above its [[drill]] to the next such block."""
    lines = text.splitlines(keepends=True)
    starts = []
    for i, line in enumerate(lines):
        if line.startswith("[[drill]]"):
            while i > 0 and lines[i - 1].startswith("#"):
                i -= 1
            starts.append(i)
    pieces = ["".join(lines[a:b]) for a, b in zip(starts, starts[1:] + [len(lines)])]
    (found,) = [p for p in pieces if p.startswith(start)]
    return found


def test_the_hand_written_file_is_left_byte_for_byte():
    assert update(OWN, parse_session(OWN)) == OWN
    assert update_data(OWN, own()) == OWN


def test_changing_a_hold_changes_only_its_line_and_keeps_the_comment_beside_it():
    data = own()
    data["drill"][0]["hold"] = [60, 90]
    out = update_data(OWN, data)
    assert changes(OWN, out) == (
        ["hold = [90, 90]       # physio said 90, not a range"],
        ["hold = [60, 90]       # physio said 90, not a range"],
    )
    assert parse_session(out).drills[0].hold is not None
    assert str(parse_session(out).drills[0].hold) == "60–90"


def test_a_pair_span_and_sets_one_are_left_alone_when_they_mean_the_same():
    session = parse_session(OWN)
    data = to_data(session)  # hold 90, reps 8, no sets = 1: the same meaning, written differently
    assert data["drill"][0]["hold"] == 90 and "sets" not in data["drill"][2]
    out = update_data(OWN, data)
    assert out == OWN
    assert "hold = [90, 90]" in out and "reps = [8, 8]" in out and "sets = 1" in out


def test_text_with_the_same_meaning_is_left_as_written():
    data = own()
    data["summary"] = " ".join(data["summary"].split())  # runs of spaces collapsed, as the model reads it
    assert update_data(OWN, data) == OWN


def test_a_literal_string_is_kept_while_other_fields_change():
    data = own()
    data["drill"][1]["sets"] = 4
    out = update_data(OWN, data)
    assert "title = 'Priya: hinge days \\o/'    # a literal string" in out
    assert changes(OWN, out) == (["sets = 3"], ["sets = 4"])


def test_changing_the_literal_title_writes_a_basic_string_and_keeps_its_comment():
    data = own()
    data["title"] = 'Priya\'s "hinge" days \\ with a tab\tand é'
    out = update_data(OWN, data)
    assert tomllib.loads(out)["title"] == data["title"]
    gone, came = changes(OWN, out)
    assert len(gone) == 1 and len(came) == 1
    assert came[0].endswith("    # a literal string: the backslash is a backslash")


def test_one_phase_say_changed_touches_only_that_phase():
    data = own()
    data["drill"][1]["tempo"][1]["say"] = "Out through the mouth"
    out = update_data(OWN, data)
    assert changes(OWN, out) == (
        ['          { phase = "Breathe out", seconds = 2, say = "Breathe out, soften the knees" },'],
        ['          { phase = "Breathe out", seconds = 2, say = "Out through the mouth" },'],
    )


def test_a_say_added_to_a_phase_rewrites_only_that_phase():
    data = own()
    data["drill"][0]["cycle"][1]["say"] = "Let go now"
    out = update_data(OWN, data)
    assert changes(OWN, out) == (
        ['    { phase = "Let go", seconds = 4 },'],
        ['    { phase = "Let go", seconds = 4, say = "Let go now" },'],
    )


def test_adding_and_removing_a_phase_rewrites_that_list_only():
    data = own()
    data["drill"][1]["tempo"].append({"phase": "Pause", "seconds": 1})
    out = update_data(OWN, data)
    session = parse_session(out)
    assert [p.phase for p in session.drills[1].tempo or ()] == ["Hips back", "Breathe out", "Stand", "Pause"]
    assert block(out, "# Slow hinges").count("\n") >= block(OWN, "# Slow hinges").count("\n")
    assert "tempo = [\n    { phase = \"Hips back\", seconds = 3, say = \"Hips back\" },\n" in out
    assert "rest_after = 40" in block(out, "# Slow hinges")
    for name in ("# The long one", "[[drill]]\n# only on good days"):
        assert block(out, name) == block(OWN, name)  # the other drills are untouched

    data = own()
    del data["drill"][2]["tempo"][1]
    out = update_data(OWN, data)
    gone, came = changes(OWN, out)
    assert gone == ['    { phase = "Breathe out", seconds = 3, say = "Breathe out – relax" },'] and came == []


def test_removing_an_optional_key_takes_its_line_only():
    data = own()
    del data["drill"][1]["rest_after"]
    del data["drill"][2]["caution"]
    out = update_data(OWN, data)
    assert changes(OWN, out) == (
        ["rest_after = 40", 'caution = "Skip it if the back has twinged this week."'], [],
    )
    assert "# only on good days" in out


def test_removing_a_key_leaves_no_doubled_blank_line():
    data = own()
    del data["defaults"]["get_ready"]  # the key before a blank line and "switch_sides = 6"
    out = update_data(OWN, data)
    gone, came = changes(OWN, out)
    assert gone == ["get_ready = 7"] and came == []
    assert out.count("\n\n\n") == OWN.count("\n\n\n")


def test_an_added_key_goes_after_the_keys_before_it_in_the_house_order():
    data = own()
    data["drill"][0]["rest_after"] = 15  # the file's order: sides, name, hold, cycle, how
    data["drill"][1]["sides"] = ["left"]
    out = update_data(OWN, data)
    assert 'hold = [90, 90]       # physio said 90, not a range\nrest_after = 15\ncycle = [' in out
    assert "sets = 3\nsides = [\"left\"]\ntempo = [" in out
    assert changes(OWN, out) == ([], ["rest_after = 15", 'sides = ["left"]'])
    assert parse_session(out).drills[0].rest_after == 15


def test_reordering_drills_moves_each_with_its_comments_and_formatting():
    data = own()
    data["drill"] = [data["drill"][2], data["drill"][0], data["drill"][1]]
    out = update_data(OWN, data, origins=[2, 0, 1])
    session = parse_session(out)
    assert [d.name for d in session.drills] == ["Jefferson curl (light!)", "Split hamstring stretch – wall",
                                                "Slow hinge"]
    # each drill's block (the comment lines above its header, its keys, their comments) is as it was
    for start in ("# The long one", "# Slow hinges", "[[drill]]\n# only on good days"):
        assert block(out, start).rstrip("\n") == block(OWN, start).rstrip("\n")
    assert out.index("# The long one") < out.index("[[drill]]\nsides = [\"right\", \"left\"]")
    assert OWN[: OWN.index("# The long one")] == out[: len(OWN[: OWN.index("# The long one")])]
    assert "\n\n\n\n" not in out and out.endswith("rest_after = 40\n")
    assert sorted(OWN.splitlines()) == sorted(out.splitlines())  # not a line lost or made up


def test_removing_a_drill_takes_its_block_and_the_comment_above_it():
    data = own()
    del data["drill"][1]
    out = update_data(OWN, data, origins=[0, 2])
    assert "# Slow hinges" not in out and "Slow hinge" not in out
    assert [d.name for d in parse_session(out).drills] == ["Split hamstring stretch – wall",
                                                          "Jefferson curl (light!)"]
    assert out.count("\n\n\n") == OWN.count("\n\n\n")
    gone, came = changes(OWN, out)
    assert came == [] and gone[0] == "# Slow hinges, counted by the app" and gone[-1] == ""

    data = own()
    del data["drill"][2]
    out = update_data(OWN, data, origins=[0, 1])
    assert out == OWN[: OWN.index("\n[[drill]]\n# only on good days") + 1].rstrip("\n") + "\n"


def test_a_new_drill_is_written_in_the_house_style_after_the_others():
    data = own()
    data["drill"].append({"name": "Dowel hinge", "reps": 8, "sets": [2, 3],
                          "tempo": [{"phase": "Hinge", "seconds": 3, "say": "Pole on the head"},
                                    {"phase": "Stand", "seconds": 2}],
                          "caution": "Stop if it hurts your back."})
    out = update_data(OWN, data)
    assert out.startswith(OWN)
    assert out[len(OWN):] == (
        "\n[[drill]]\n"
        'name = "Dowel hinge"\n'
        "reps = 8\n"
        "sets = [2, 3]\n"
        'caution = """\nStop if it hurts your back."""\n'
        "tempo = [\n"
        '    { phase = "Hinge", seconds = 3, say = "Pole on the head" },\n'
        '    { phase = "Stand", seconds = 2 },\n'
        "]\n"
    )
    assert parse_session(out).drills[3].name == "Dowel hinge"

    data = own()  # a new drill put first, the others after it
    data["drill"].insert(0, {"name": "Dowel hinge", "hold": 30})
    out = update_data(OWN, data, origins=[None, 0, 1, 2])
    assert [d.name for d in parse_session(out).drills][:2] == ["Dowel hinge", "Split hamstring stretch – wall"]
    assert '[[drill]]\nname = "Dowel hinge"\nhold = 30\n\n# The long one' in out


def test_defaults_changed_removed_and_added():
    data = own()
    data["defaults"]["get_ready"] = 12
    assert changes(OWN, update_data(OWN, data)) == (["get_ready = 7"], ["get_ready = 12"])

    data = own()
    del data["defaults"]  # all back to the app's own: the table goes
    out = update_data(OWN, data)
    assert "[defaults]" not in out and "rest_between_sets" not in out
    assert "# The long one" in out and parse_session(out).defaults.get_ready == 10

    text = 'format = 1\ntitle = "Mine"\n\n# first\n[[drill]]\nname = "A"\nhold = 30\n'
    data = tomllib.loads(text)
    data["defaults"] = {"dose": "high", "get_ready": 10}  # 10 is the default: not written
    out = update_data(text, data)
    assert out == 'format = 1\ntitle = "Mine"\n\n[defaults]\ndose = "high"\n\n# first\n[[drill]]\nname = "A"\nhold = 30\n'


def test_awkward_text_round_trips_exactly():
    how = 'Say "go" \\ then\ttab, \x1b escape, """ three quotes, \u2028 line sep, café 😀\n\nNew paragraph.'
    for text in (OWN, ""):
        data = own()
        data["drill"][0]["how"] = how
        data["drill"][0]["name"] = 'A "quoted" \\ name'
        out = update_data(text, data)
        raw = tomllib.loads(out)
        assert raw["drill"][0]["how"] == how and raw["drill"][0]["name"] == 'A "quoted" \\ name'


def test_long_text_is_wrapped_as_a_multi_line_string():
    data = own()
    data["drill"][0]["how"] = "word " * 60 + "end.\n\nSecond  paragraph,   odd spacing kept."
    out = dump_data(data)
    assert 'how = """\nword word' in out
    assert all(len(line) <= 78 for line in out.splitlines() if not line.startswith("    {"))  # a { } is one line
    assert tomllib.loads(out)["drill"][0]["how"] == data["drill"][0]["how"]


def test_empty_text_gives_a_clean_file():
    session = parse_session(OWN)
    assert update("", session) == dump(session)
    assert update("\n  \n", session) == dump(session)
    new = {"format": 1, "title": "New", "defaults": {}, "drill": [{"name": "Hold", "hold": 60}]}
    assert update_data("", new) == 'format = 1\ntitle = "New"\n\n[[drill]]\nname = "Hold"\nhold = 60\n'


def test_dump_is_in_the_house_style_and_loads_back():
    session = parse_session(builtin_session("hip-hinge-mobility").read_text(encoding="utf-8"))
    text = dump(session)
    assert parse_session(text) == session
    assert text.startswith('format = 1\ntitle = "Hip hinge mobility"\nsummary = """\nAbout 14 minutes')
    assert text.count("\n[[drill]]\n") == 5 and "\n\n\n" not in text
    assert '\ntempo = [\n    { phase = "Curl down", seconds = 5, say = "Curl down, chin first" },\n' in text
    assert '\ncues = [\n    "Knees stay straight",\n' not in text  # order kept: it is the second cue
    assert '    "Knees stay straight",\n' in text
    assert all(len(line) <= 78 for line in text.splitlines() if not line.startswith("    {"))


def test_invalid_data_is_written_and_the_loader_names_the_field():
    data = own()
    data["drill"][1]["hold"] = "two minutes"
    data["drill"][0]["hold_seconds"] = 90
    for out in (dump_data(data), update_data(OWN, data)):
        with pytest.raises(SessionError) as caught:
            parse_session(out, "mine.toml")
        fields = {p.field for p in caught.value.problems}  # the loader counts drills from 1
        assert {"drill[1].hold_seconds", "drill[2].hold"} <= fields
        assert all(p.file == "mine.toml" and p.line for p in caught.value.problems)
        assert tomllib.loads(out)["drill"][1]["hold"] == "two minutes"


def test_origins_must_fit_the_drills():
    data = own()
    with pytest.raises(ValueError):
        update_data(OWN, data, origins=[0, 1])
    with pytest.raises(ValueError):
        update_data(OWN, data, origins=[0, 0, 1])
    with pytest.raises(ValueError):
        update_data(OWN, data, origins=[0, 1, 7])


def test_a_windows_file_keeps_its_line_ends():
    text = OWN.replace("\n", "\r\n")
    assert update_data(text, own()) == text
    data = own()
    data["drill"][0]["how"] = "One.\n\nTwo."
    data["drill"] = data["drill"][::-1]
    out = update_data(text, data, origins=[2, 1, 0])
    assert out.count("\r\n") == out.count("\n")
    assert tomllib.loads(out) == data


def test_phases_written_as_tables_of_their_own_move_and_change_in_place():
    text = (
        'format = 1\ntitle = "Tables"\n\n[[drill]]\nname = "Curl"\nreps = 3\n\n'
        '[[drill.tempo]]   # down first\nphase = "Down"\nseconds = 3\n\n'
        '[[drill.tempo]]\nphase = "Up"\nseconds = 2\n\n# the easy one\n[[drill]]\nname = "Hang"\nhold = 20\n'
    )
    data = tomllib.loads(text)
    assert update_data(text, data) == text
    data["drill"][0]["tempo"][1]["say"] = "Rise"
    data["drill"] = data["drill"][::-1]
    out = update_data(text, data, origins=[1, 0])
    assert out == (
        'format = 1\ntitle = "Tables"\n\n# the easy one\n[[drill]]\nname = "Hang"\nhold = 20\n\n'
        '[[drill]]\nname = "Curl"\nreps = 3\n\n[[drill.tempo]]   # down first\nphase = "Down"\nseconds = 3\n\n'
        '[[drill.tempo]]\nphase = "Up"\nseconds = 2\nsay = "Rise"\n'
    )
    assert [d.name for d in parse_session(out).drills] == ["Hang", "Curl"]


def test_removing_every_drill_leaves_the_rest_and_ends_the_file_as_before():
    data = own()
    data["drill"] = []
    out = update_data(OWN, data)
    assert "[[drill]]" not in out and "# only on good days" not in out
    assert out.endswith("switch_sides = 6\n") and "drill = []" in out
    assert tomllib.loads(out) == data


# -- drill = [{ ... }, ...]: drills written inline, one a line -------------------------------------------
INLINE = (REPO / "tests" / "data" / "own-inline.toml").read_text(encoding="utf-8")


def inline() -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads(INLINE))


def test_inline_drills_keep_their_style_when_a_value_changes():
    assert update(INLINE, parse_session(INLINE)) == INLINE
    data = inline()
    data["drill"][0]["hold"] = 90
    out = update_data(INLINE, data)
    assert changes(INLINE, out) == (
        ['    { name = "Standing hamstring hold", hold = [45, 60], sides = ["left", "right"] },  # 45 s on a bad day'],
        ['    { name = "Standing hamstring hold", hold = 90, sides = ["left", "right"] },  # 45 s on a bad day'])
    data["drill"][1]["tempo"][1]["seconds"] = 4  # a phase of a multi-line tempo inside an inline drill
    out = update_data(INLINE, data)
    assert changes(INLINE, out)[1] == [
        '    { name = "Standing hamstring hold", hold = 90, sides = ["left", "right"] },  # 45 s on a bad day',
        '        { phase = "up", seconds = 4 },']
    assert parse_session(out) == parse_session(out) and tomllib.loads(out) == data


def test_an_inline_drill_given_a_key_is_written_again_on_its_own_line_only():
    data = inline()
    data["drill"][2]["caution"] = "Stop if it pinches"
    out = update_data(INLINE, data)
    assert changes(INLINE, out) == (['    { name = "Wall slide", reps = 6 },'],
                                    ['    { name = "Wall slide", reps = 6, caution = "Stop if it pinches" },'])
    assert tomllib.loads(out) == data


def test_inline_drills_added_removed_and_moved_stay_in_the_array():
    data = inline()
    first, second, third = data["drill"]
    new = {"name": "Desk hip flexor", "hold": 30, "sides": ["left"]}
    data["drill"] = [third, new, first]  # the second removed, the third moved up, one added
    out = update_data(INLINE, data, [2, None, 0])
    assert tomllib.loads(out) == data
    assert "[[drill]]" not in out and out.startswith(INLINE.split("drill = [")[0])  # the top as it was
    lines = out.splitlines()
    assert '    { name = "Wall slide", reps = 6 },' in lines  # as the user wrote it
    assert ('    { name = "Standing hamstring hold", hold = [45, 60], sides = ["left", "right"] },'
            '  # 45 s on a bad day') in lines  # its comment moved with it
    assert '    { name = "Desk hip flexor", hold = 30, sides = ["left"] },' in lines
    assert "Chair good morning" not in out and "hips back" not in out  # the removed drill, all its lines


# -- a drill's movement (the figure beside the ring) ---------------------------------------------------


def test_a_built_in_session_with_movements_round_trips():
    text = builtin_session("hip-hinge-mobility").read_text(encoding="utf-8")
    session = parse_session(text)
    assert all(d.movement for d in session.drills)
    assert update(text, session) == text
    for out in (dump(session), update("", session)):
        again = parse_session(out)
        assert again == session and [d.movement for d in again.drills] == [d.movement for d in session.drills]
    assert '[[drill]]\nname = "Jefferson curl"\nmovement = "jefferson-curl"\nreps = [5, 6]\n' in dump(session)


def test_changing_a_movement_changes_only_its_line():
    text = builtin_session("hip-hinge-mobility").read_text(encoding="utf-8")
    session = parse_session(text)
    drills = list(session.drills)
    drills[4] = drills[4].model_copy(update={"movement": "dowel-hip-hinge"})
    changed = session.model_copy(update={"drills": tuple(drills)})
    out = update(text, changed)
    assert changes(text, out) == (['movement = "jefferson-curl"'], ['movement = "dowel-hip-hinge"'])
    assert parse_session(out) == changed and parse_session(out).drills[4].movement == "dowel-hip-hinge"

    drills[4] = drills[4].model_copy(update={"movement": None})  # none: the line goes
    out = update(text, session.model_copy(update={"drills": tuple(drills)}))
    assert changes(text, out) == (['movement = "jefferson-curl"'], [])
    assert parse_session(out).drills[4].movement is None


def test_a_movement_added_to_a_hand_written_drill_goes_after_its_name():
    data = own()
    data["drill"][1]["movement"] = "weighted-hip-hinge"
    out = update_data(OWN, data)
    assert changes(OWN, out) == ([], ['movement = "weighted-hip-hinge"'])
    assert 'name = "Slow hinge"\nmovement = "weighted-hip-hinge"\nreps = [8, 8]\n' in out
    assert parse_session(out).drills[1].movement == "weighted-hip-hinge"


def test_an_unknown_movement_is_written_as_it_is_and_named_by_the_loader():
    data = own()
    data["drill"][2]["movement"] = "jeferson-curl"
    out = update_data(OWN, data)
    assert changes(OWN, out) == ([], ['movement = "jeferson-curl"'])
    with pytest.raises(SessionError) as caught:
        parse_session(out, "mine.toml")
    (problem,) = caught.value.problems
    line = out.splitlines().index('movement = "jeferson-curl"') + 1
    assert (problem.line, problem.field) == (line, "drill[3].movement")
    assert problem.message.startswith('unknown movement "jeferson-curl" (did you mean "jefferson-curl"?)')
