"""Session files: the built-ins load, and every kind of broken file gets a clear, located error."""

from __future__ import annotations

import textwrap

import pytest

from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import (
    MAX_FILE_BYTES,
    builtin_session_files,
    load_session,
    parse_session,
)
from hinge_timer.session.model import Span

GOOD = """\
format = 1
title = "Test"

[[drill]]
name = "Hold"
hold = [60, 120]
sides = ["left", "right"]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SessionError) as info:
        parse_session(textwrap.dedent(text).encode(), "x.toml")
    return [str(p) for p in info.value.problems]


def one_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_builtin_sessions_are_shipped_and_valid():
    names = [f.name for f in builtin_session_files()]
    assert names == ["hip-hinge-basics.toml", "hip-hinge-mobility.toml", "quick-warm-up.toml"]
    for f in builtin_session_files():
        session = load_session(f)
        assert session.format == 1
        assert session.title and session.summary


def test_mobility_session_matches_the_article_figures():
    s = load_session([f for f in builtin_session_files() if f.name == "hip-hinge-mobility.toml"][0])
    by_name = {d.name: d for d in s.drills}
    assert list(by_name) == [
        "Weighted hip hinge",
        "Banded hip distraction",
        "Banded hip hinge",
        "Split hamstring stretch",
        "Jefferson curl",
    ]
    assert by_name["Weighted hip hinge"].reps == Span(10, 10)
    assert by_name["Weighted hip hinge"].sets == Span(2, 3)
    assert by_name["Weighted hip hinge"].tempo, "hands-free: the hinge must be paced"
    for name in ("Banded hip distraction", "Banded hip hinge", "Split hamstring stretch"):
        assert by_name[name].hold == Span(60, 120)
        assert by_name[name].sides == ("left", "right")
    assert [p.phase for p in by_name["Split hamstring stretch"].cycle or ()] == ["Push", "Relax"]
    jc = by_name["Jefferson curl"]
    assert jc.reps == Span(5, 6) and jc.sets == Span(2, 3)
    assert jc.caution and "back injury" in jc.caution
    phases = [p.phase for p in jc.tempo or ()]
    assert phases == ["Curl down", "Breathe out, relax", "Breathe in", "Stack up"]
    assert (jc.tempo or ())[1].say == "Breathe out. Relax into the stretch."


def test_basics_has_a_weighted_set_the_user_counts():
    """Issue 17: a built-in set counted by the user, so Rep +1 and Set done have something to do."""
    from hinge_timer.session.kinds import WorkMode
    from hinge_timer.session.timeline import compile_timeline

    s = load_session([f for f in builtin_session_files() if f.name == "hip-hinge-basics.toml"][0])
    dowel, weighted = s.drills
    assert dowel.tempo and not weighted.tempo  # learnt paced, then at the user's own pace
    assert weighted.reps == Span(10, 10) and weighted.sets == Span(2, 3)  # 10 reps x 2-3 sets (the article)
    for dose, sets in (("low", 2), ("high", 3)):
        work = [st for st in compile_timeline(s, dose).steps if st.drill_name == weighted.name and st.mode]
        assert [(st.mode, st.reps, st.duration) for st in work] == [(WorkMode.COUNTED_REPS, 10, None)] * sets


def test_quick_warm_up_has_a_real_low_and_high_dose():
    """Issue 17: both doses were 4:39.  The article's ranges: 2-3 sets of the hinge, 1-2 min a leg."""
    from hinge_timer.session.timeline import compile_timeline

    s = load_session([f for f in builtin_session_files() if f.name == "quick-warm-up.toml"][0])
    hinge, distraction = s.drills
    assert hinge.sets == Span(2, 3) and hinge.tempo
    assert distraction.hold == Span(60, 120) and distraction.sides == ("left", "right")
    low, high = compile_timeline(s, "low"), compile_timeline(s, "high")
    assert (low.total, high.total) == (279, 469)  # 4:39 and 7:49: "about five minutes ... eight at the high"
    assert "five minutes at the low dose" in (s.summary or "") and "eight at the high" in (s.summary or "")

def test_a_good_file_loads_into_an_immutable_model(write_session):
    s = load_session(write_session(GOOD))
    assert s.drills[0].hold == Span(60, 120)
    assert s.defaults.get_ready == 10 and s.defaults.dose == "low"
    with pytest.raises(Exception):
        s.title = "changed"  # type: ignore[misc]


def test_the_issue_example_error_has_file_line_field_and_value():
    text = GOOD.replace("hold = [60, 120]", 'hold = "two minutes"')
    assert one_problem(text) == (
        'x.toml:6: drill[1].hold: expected seconds as a whole number or [min, max], got "two minutes"'
    )


def test_all_errors_are_reported_at_once_in_line_order():
    found = problems(
        """\
        format = 1
        title = "Many"
        [defaults]
        rest_between_sets = 900
        [[drill]]
        name = "A"
        hold = 2
        [[drill]]
        name = "B"
        reps = 0
        sets = 30
        """
    )
    assert found == [
        "x.toml:4: defaults.rest_between_sets: must be between 0 and 600 seconds, got 900",
        "x.toml:7: drill[1].hold: must be between 5 and 3600 seconds (5 s to 1 h), got 2",
        "x.toml:10: drill[2].reps: must be between 1 and 100, got 0",
        "x.toml:11: drill[2].sets: must be between 1 and 20, got 30",
    ]


@pytest.mark.parametrize(
    "key, suggestion",
    [("hold_seconds", "hold"), ("hodl", "hold"), ("rep", "reps"), ("side", "sides"), ("equipement", "equipment")],
)
def test_unknown_drill_keys_suggest_the_near_miss(key, suggestion):
    text = GOOD.replace('sides = ["left", "right"]', f'sides = ["left", "right"]\n{key} = 1')
    assert f'unknown key "{key}"; did you mean "{suggestion}"?' in one_problem(text).split(": ", 2)[2]


def test_unknown_key_with_no_near_miss_lists_what_is_allowed():
    msg = one_problem(GOOD.replace('title = "Test"', 'title = "Test"\ncolour = "red"'))
    assert msg.startswith("x.toml:3: colour: unknown key")
    assert "allowed here: format, title, summary, language, defaults, drill, translations" in msg


def test_unknown_key_in_a_tempo_phase_is_located_on_its_line():
    msg = one_problem(
        """\
        format = 1
        title = "T"
        [[drill]]
        name = "Curl"
        reps = 5
        tempo = [
            { phase = "Down", seconds = 5 },
            { phase = "Up", seconds = 5, sya = "Up" },
        ]
        """
    )
    assert msg == 'x.toml:8: drill[1].tempo[2].sya: unknown key "sya"; did you mean "say"?'


@pytest.mark.parametrize(
    "change, expected",
    [
        ('hold = [60, 120]', None),
        ('hold = [120, 60]', "drill[1].hold: min must not be more than max, got [120, 60]"),
        ('hold = 60.5', "drill[1].hold: expected seconds as a whole number or [min, max], got 60.5"),
        ('hold = true', "drill[1].hold: expected seconds as a whole number or [min, max], got true"),
        ('hold = [60]', "drill[1].hold: expected seconds as a whole number or [min, max], got [60]"),
        ('hold = 3601', "drill[1].hold: must be between 5 and 3600 seconds (5 s to 1 h), got 3601"),
        ('sides = ["left", "left"]', 'drill[1].sides: lists "left" twice'),
        ('sides = ["middle"]', 'drill[1].sides: each side must be "left" or "right", got "middle"'),
        ('sides = "left"', 'drill[1].sides: expected a list such as ["left", "right"], got "left"'),
        ('sides = []', "drill[1].sides: must name at least one side, or be left out"),
    ],
)
def test_hold_and_sides_rules(change, expected):
    key = change.split(" =")[0]
    line = [l for l in GOOD.splitlines() if l.startswith(key)][0]
    text = GOOD.replace(line, change)
    if expected is None:
        parse_session(text.encode(), "x.toml")
        return
    assert one_problem(text).split(": ", 1)[1] == expected


def test_hold_and_reps_together_or_neither():
    both = one_problem(GOOD.replace("hold = [60, 120]", "hold = 60\nreps = 10"))
    assert both == "x.toml:7: drill[1].reps: a drill has hold (seconds) or reps, not both"
    neither = one_problem(GOOD.replace("hold = [60, 120]\n", ""))
    assert neither == "x.toml:4: drill[1]: needs hold (seconds per side) or reps (per set)"


def test_cycle_goes_with_hold_and_tempo_with_reps():
    found = problems(
        """\
        format = 1
        title = "T"
        [[drill]]
        name = "A"
        reps = 5
        cycle = [{ phase = "Push", seconds = 5 }]
        [[drill]]
        name = "B"
        hold = 60
        tempo = [{ phase = "Down", seconds = 5 }]
        """
    )
    assert found == [
        "x.toml:6: drill[1].cycle: cycle repeats through a hold; it needs hold, not reps",
        "x.toml:10: drill[2].tempo: tempo paces each rep; it needs reps, not hold",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('format = 1\ntitle = "T"\n', "x.toml: drill: a session needs at least one [[drill]]"),
        ('format = 1\ntitle = "T"\ndrill = []\n', "x.toml:3: drill: a session needs at least one [[drill]]"),
        ('title = "T"\n[[drill]]\nname = "A"\nhold = 60\n', "x.toml: format: is missing; add format = 1 at the top of the file"),
        ('format = "1"\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\n', 'x.toml:1: format: expected the format number 1, got "1"'),
        ('format = 1\n[[drill]]\nname = "A"\nhold = 60\n', "x.toml: title: is required"),
        ('format = 1\ntitle = "T"\n[[drill]]\nhold = 60\n', "x.toml:3: drill[1].name: is required"),
        ('format = 1\ntitle = "   "\n[[drill]]\nname = "A"\nhold = 60\n', "x.toml:2: title: must not be empty"),
        ('format = 1\ntitle = "T"\ndefaults = 5\n[[drill]]\nname = "A"\nhold = 60\n', "x.toml:3: defaults: expected a table, got 5"),
        ('format = 1\ntitle = "T"\n[defaults]\ndose = "medium"\n[[drill]]\nname = "A"\nhold = 60\n',
         'x.toml:4: defaults.dose: expected one of "low" or "high", got "medium"'),
        ('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nreps = 5\ntempo = [{ phase = "D", seconds = 61 }]\n',
         "x.toml:6: drill[1].tempo[1].seconds: must be between 1 and 60 seconds, got 61"),
        ('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nreps = 5\ntempo = []\n',
         "x.toml:6: drill[1].tempo: must have at least one item, or be left out"),
        ('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\ncues = ["ok", 5]\n',
         "x.toml:6: drill[1].cues[2]: expected text in quotes, got 5"),
        ('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\nswitch_sides = 5\n',
         "x.toml:6: drill[1].switch_sides: only applies to a drill with sides"),
    ],
)
def test_structural_errors(text, expected):
    assert one_problem(text) == expected


def test_name_length_limit():
    msg = one_problem(GOOD.replace('name = "Hold"', f'name = "{"x" * 81}"'))
    assert msg == "x.toml:5: drill[1].name: must be at most 80 characters, got 81"


def test_at_most_200_drills():
    drill = '[[drill]]\nname = "A"\nhold = 60\n'
    ok = 'format = 1\ntitle = "T"\n' + drill * 200
    parse_session(ok.encode(), "x.toml")
    msg = one_problem(ok + drill)
    assert msg == "x.toml:603: drill[201]: one item too many: at most 200 are allowed, this has 201"


def test_newer_format_says_so_alone():
    msg = one_problem('format = 3\ntitle = 5\nwhatever = "x"\n')
    assert msg == (
        "x.toml:1: format: this file is format 3, made by a newer Hinge Timer; "
        "this version reads format 1. Update Hinge Timer to open it"
    )


def test_toml_syntax_error_has_the_line():
    msg = one_problem('format = 1\ntitle = "T\n[[drill]]\n')
    assert msg.startswith("x.toml:2: is not valid TOML: ")


def test_duplicate_key_is_a_toml_error():
    msg = one_problem('format = 1\ntitle = "A"\ntitle = "B"\n')
    assert msg == "x.toml:3: is not valid TOML: title is given twice (first on line 2): keep one of them"


def test_not_utf8_is_refused_with_the_line(tmp_path):
    p = tmp_path / "latin1.toml"
    p.write_bytes('format = 1\ntitle = "Étirement"\n'.encode("latin-1"))
    with pytest.raises(SessionError) as info:
        load_session(p)
    assert str(info.value) == f"{p}:2: is not UTF-8 text (byte 0xc9); save it as UTF-8"


def test_utf8_with_bom_is_fine(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes("\ufeff".encode() + GOOD.encode())
    assert load_session(p).title == "Test"


def test_file_over_one_mib_is_refused_without_reading_it_all(tmp_path):
    p = tmp_path / "big.toml"
    p.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(SessionError) as info:
        load_session(p)
    assert str(info.value) == f"{p}: is 1.0 MiB; session files are limited to 1 MiB"


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "under-a-file"])
def test_file_system_problems(tmp_path, kind):
    p = tmp_path / "s.toml"
    if kind == "folder":
        p.mkdir()
        expected = "is a folder, not a session file"
    elif kind == "empty":
        p.write_text("  \n")
        expected = "is empty"
    elif kind == "under-a-file":
        (tmp_path / "file").write_text("x")
        p = tmp_path / "file" / "s.toml"
        expected = "cannot be read: Not a directory"
    else:
        expected = "no such file"
    with pytest.raises(SessionError) as info:
        load_session(p)
    assert str(info.value) == f"{p}: {expected}"


def test_text_is_tidied_but_paragraphs_are_kept():
    text = GOOD.replace(
        'sides = ["left", "right"]',
        'sides = ["left", "right"]\nhow = """\nFirst   line\ncontinues.\n\nSecond paragraph."""',
    )
    d = parse_session(text.encode(), "x.toml").drills[0]
    assert d.how == "First line continues.\n\nSecond paragraph."


# -- found by trying the program as a new user ------------------------------------------------


def test_plural_drills_is_an_unknown_key_not_a_crash():
    msg = one_problem('format = 1\ntitle = "T"\n[[drills]]\nname = "A"\nsides = ["left"]\n')
    assert msg == 'x.toml:3: drills: unknown key "drills"; did you mean "drill"?'


def test_array_of_tables_lines_are_counted_per_drill():
    found = problems(
        """\
        format = 1
        title = "T"
        [[drill]]
        name = "A"
        reps = 5
        [[drill.tempo]]
        phase = "Down"
        seconds = 3
        [[drill]]
        name = "B"
        reps = 5
        [[drill.tempo]]
        phase = "Down"
        seconds = 3
        [[drill.tempo]]
        phase = "Up"
        seconds = 0
        """
    )
    assert found == ["x.toml:17: drill[2].tempo[2].seconds: must be between 1 and 60 seconds, got 0"]


def test_dotted_keys_and_unknown_array_tables_have_lines():
    found = problems('format = 1\ntitle = "T"\n[[drill]]\nname = "C"\nhold.min = 60\n[[dril]]\nname = "x"\n')
    assert found == [
        "x.toml:5: drill[1].hold: expected seconds as a whole number or [min, max], got a table",
        'x.toml:6: dril: unknown key "dril"; did you mean "drill"?',
    ]


@pytest.mark.parametrize(
    "key, meant",
    [("duration", "hold"), ("rest", "rest_after"), ("rest_between_drills", "rest_after"), ("phases", "tempo"),
     ("rest_between_sides", "switch_sides")],
)
def test_suggestions_follow_what_people_mean(key, meant):
    msg = one_problem(GOOD.replace('sides = ["left", "right"]', f'sides = ["left", "right"]\n{key} = 1'))
    assert msg.endswith(f'unknown key "{key}"; did you mean "{meant}"?')


def test_a_misspelt_required_key_is_reported_once():
    assert problems('format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nhold_seconds = 60\n') == [
        'x.toml:5: drill[1].hold_seconds: unknown key "hold_seconds"; did you mean "hold"?']
    text = 'format = 1\ntitle = "T"\n[[drill]]\nname = "A"\nreps = 2\ntempo = [{ phase = "Up", secs = 2 }]\n'
    assert problems(text) == ['x.toml:6: drill[1].tempo[1].secs: unknown key "secs"; did you mean "seconds"?']


def test_title_below_a_table_says_where_it_belongs():
    msg = one_problem('format = 1\n[defaults]\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\n')
    assert msg == ('x.toml:3: defaults.title: unknown key "title" here; title belongs at the top of the file, '
                   "before the first [table] line")


def test_format_problems_are_reported_once():
    assert problems('format = "one"\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\n') == [
        'x.toml:1: format: expected the format number 1, got "one"']
    assert problems('format = 1.5\ntitle = "T"\n[[drill]]\nname = "A"\nhold = 60\n') == [
        "x.toml:1: format: expected the format number 1, got 1.5"]


def test_toml_times_are_explained_not_shown_as_python():
    msg = one_problem(GOOD.replace("hold = [60, 120]", "hold = 00:01:30"))
    assert msg.endswith("got the time 00:01:30 (write seconds as a number, e.g. 90)")


def test_single_bracket_drill_table_gets_a_hint():
    msg = one_problem('format = 1\ntitle = "T"\n[drill]\nname = "A"\nhold = 60\n')
    assert msg == ("x.toml:3: drill: each drill needs its own [[drill]] header, with two brackets; "
                   "this file has a single [drill] table")


def test_capitalised_side_gets_a_hint():
    msg = one_problem(GOOD.replace('sides = ["left", "right"]', 'sides = ["Left", "right"]'))
    assert msg.endswith('each side must be "left" or "right", got "Left" (write "left" in small letters)')


def test_unclosed_string_is_said_in_plain_words():
    msg = one_problem('format = 1\ntitle = "T\n')
    assert msg == ('x.toml:2: is not valid TOML: the text is not closed on this line: end it with ": title = "T" '
                   '(text over several lines goes between """ and """)')
