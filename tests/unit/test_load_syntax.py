"""TOML syntax errors a person makes in a session file: each is said with its line and what to write.

Every case is a real file, Kim's own evening session with one mistake typed into it, loaded as the app
loads it.  What tomllib itself says for each is in the comment (Python 3.11), to show what the person
would otherwise read.
"""

from __future__ import annotations

import time

import pytest

from hinge_timer.session import load
from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import load_session, parse_session
from hinge_timer.session.model import TABLE_KEYS

# Kim's session, as written before the mistake: a title, her own drill names, one side, odd numbers.
KIM = """\
format = 1
title = "Evening stretch"

[defaults]
get_ready = 7
rest_between_sets = 25

[[drill]]
name = "Couch stretch"
hold = [75, 105]
sides = ["right"]
cues = ["Squeeze the glute", "Ribs down"]

[[drill]]
name = "Slow good morning"
reps = 7
sets = [2, 3]
tempo = [ { phase = "Down", seconds = 3, say = "Hinge" }, { phase = "Up", seconds = 2 } ]
"""


def broken(write_session, old: str, new: str) -> str:
    """The one problem of Kim's file with ``old`` typed as ``new``, as a line of ``validate``."""
    assert old in KIM
    path = write_session(KIM.replace(old, new, 1), "evening.toml")
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert len(info.value.problems) == 1, info.value.problems
    return str(info.value.problems[0]).removeprefix(f"{path}:")


def test_kims_file_loads_before_the_mistakes(write_session):
    s = load_session(write_session(KIM))
    assert [d.name for d in s.drills] == ["Couch stretch", "Slow good morning"]


@pytest.mark.parametrize("old, new, said", [
    # "Invalid value (at line 2, column 9)"
    ('title = "Evening stretch"', "title = Evening stretch",
     '2: is not valid TOML: text goes in double quotes: title = "Evening stretch"'),
    ('name = "Couch stretch"', "name = 90/90 couch stretch",
     '9: is not valid TOML: text goes in double quotes: name = "90/90 couch stretch"'),
    # "Invalid value (at line 12, column 9)"
    ('cues = ["Squeeze the glute", "Ribs down"]', "cues = [Squeeze the glute, Ribs down]",
     '12: is not valid TOML: each text in a list goes in double quotes: cues = ["Squeeze the glute", "Ribs down"]'),
    ('sides = ["right"]', "sides = right",
     '11: is not valid TOML: sides is a list of texts, each in double quotes: sides = ["right"]'),
    # "Invalid value (at line 2, column 9)": curly quotes from a word processor
    ('title = "Evening stretch"', "title = \u201cEvening stretch\u201d",
     '2: is not valid TOML: curly quotes (\u201c \u201d) are not quotes in a session file: type straight ones: '
     'title = "Evening stretch"'),
    # "Expected newline or end of document after a statement (at line 2, column 14)"
    ('title = "Evening stretch"', "title = 'Kim's evening'",
     '2: is not valid TOML: an apostrophe ends a text in single quotes: use double quotes: '
     'title = "Kim\'s evening"'),
    ('name = "Couch stretch"', 'name = "Couch" stretch',
     '9: is not valid TOML: put all of the text inside the quotes: name = "Couch stretch"'),
    # "Illegal character '\n' (at line 9, column 15)"
    ('name = "Couch stretch"', 'name = "Couch stretch',
     '9: is not valid TOML: the text is not closed on this line: end it with ": name = "Couch stretch" '
     '(text over several lines goes between """ and """)'),
])
def test_text_without_quotes_or_with_the_wrong_ones(write_session, old, new, said):
    assert broken(write_session, old, new) == said


@pytest.mark.parametrize("new, said", [
    # "Expected newline or end of document after a statement (at line 10, column 10)"
    ("hold = 2 min", "hold = 120"),
    ("hold = 90s", "hold = 90"),
    ("hold = 1:30", "hold = 90"),
    ("hold = 1m45s", "hold = 105"),
    ("hold = 1.5 minutes", "hold = 90"),
    ("hold = 75 seconds each side", "hold = 75"),
])
def test_a_time_with_a_unit_is_said_in_seconds(write_session, new, said):
    assert broken(write_session, "hold = [75, 105]", new) == (
        f"10: is not valid TOML: hold is a number of seconds without a unit: {said}")


def test_a_range_with_units_becomes_min_max_in_seconds(write_session):
    assert broken(write_session, "hold = [75, 105]", "hold = 1-2 min") == (
        "10: is not valid TOML: hold is a number of seconds without a unit, or [min, max] for a range: "
        "hold = [60, 120]")
    assert broken(write_session, "hold = [75, 105]", "hold = [1 min, 2 min]") == (
        "10: is not valid TOML: a range is [min, max], in seconds, without units: hold = [60, 120]")
    assert broken(write_session, "get_ready = 7", "get_ready = 7 s") == (
        "5: is not valid TOML: get_ready is a number of seconds without a unit: get_ready = 7")


def test_counts_with_words_and_ranges_with_a_dash(write_session):
    assert broken(write_session, "reps = 7", "reps = 7 reps") == (
        "16: is not valid TOML: reps is a whole number, without a word after it: reps = 7")
    assert broken(write_session, "sets = [2, 3]", "sets = 2-3") == (
        "17: is not valid TOML: sets is a whole number, or [min, max] for a range: sets = [2, 3]")
    assert broken(write_session, "sets = [2, 3]", "sets = 2 to 3 sets") == (
        "17: is not valid TOML: sets is a whole number, or [min, max] for a range: sets = [2, 3]")


def test_a_unit_inside_a_tempo_phase(write_session):
    # tomllib: "Unclosed inline table (at line 18, column 41)"
    assert broken(write_session, 'seconds = 3, say = "Hinge"', 'seconds = 3 s, say = "Hinge"') == (
        "18: is not valid TOML: seconds is a whole number without a unit: seconds = 3")


@pytest.mark.parametrize("old, new, said", [
    # "Expected '=' after a key in a key/value pair (at line 16, column 6)"
    ("reps = 7", "reps 7", "16: is not valid TOML: put = between the key and its value: reps = 7"),
    ("reps = 7", "reps: 7", "16: is not valid TOML: put = between the key and its value: reps = 7"),
    ('title = "Evening stretch"', "title: Evening stretch",
     '2: is not valid TOML: put = between the key and its value: title = "Evening stretch"'),
    ("reps = 7", "reps", "16: is not valid TOML: reps needs = and a value after it: reps = 10"),
    # "Invalid value (at line 16, column 7)"
    ("reps = 7", "reps =", "16: is not valid TOML: reps has no value: write one after the =: reps = 10"),
    ("reps = 7", "reps == 7", "16: is not valid TOML: one = is enough: reps = 7"),
    # "Expected '=' after a key in a key/value pair (at line 6, column 6)"
    ("rest_between_sets = 25", "rest between sets = 25",
     "6: is not valid TOML: a key has no spaces in it: rest_between_sets = 25"),
])
def test_a_missing_or_doubled_equals_sign(write_session, old, new, said):
    assert broken(write_session, old, new) == said


def test_single_brackets_for_a_drill(write_session):
    # One [drill] among [[drill]]s. tomllib: "Cannot overwrite a value (at line 14, column 10)"
    assert broken(write_session, "[[drill]]\nname = \"Couch", "[drill]\nname = \"Couch") == (
        "8: is not valid TOML: each drill starts with [[drill]], with two brackets on each side")
    # Both single. tomllib: "Cannot declare ('drill',) twice (at line 14, column 7)"
    text = KIM.replace("[[drill]]", "[drill]")
    with pytest.raises(SessionError) as info:
        parse_session(text, "evening.toml")
    assert str(info.value) == ("evening.toml:8: is not valid TOML: each drill starts with [[drill]], with two "
                               "brackets on each side (line 14 too)")
    # A bracket missing. tomllib: "Expected ']]' at the end of an array declaration (at line 8, column 8)"
    assert broken(write_session, "[[drill]]\nname = \"Couch", "[[drill]\nname = \"Couch") == (
        "8: is not valid TOML: each drill starts with a line [[drill]], with two brackets on each side")
    assert broken(write_session, "[defaults]", "[defaults") == (
        "4: is not valid TOML: a table header is a name in brackets, such as [defaults], or [[drill]] for each drill")


def test_commas_and_semicolons_at_the_end(write_session):
    # "Expected newline or end of document after a statement (at line 16, column 9)"
    assert broken(write_session, "reps = 7", "reps = 7,") == (
        "16: is not valid TOML: take the comma off the end: reps = 7")
    assert broken(write_session, 'title = "Evening stretch"', 'title = "Evening stretch";') == (
        '2: is not valid TOML: take the semicolon off the end: title = "Evening stretch"')
    # "Invalid initial character for a key part (at line 18, column 89)"
    assert broken(write_session, '{ phase = "Up", seconds = 2 }', '{ phase = "Up", seconds = 2, }') == (
        '18: is not valid TOML: take away the comma before }: '
        'tempo = [ { phase = "Down", seconds = 3, say = "Hinge" }, { phase = "Up", seconds = 2 } ]')


def test_a_tempo_phase_over_two_lines(write_session):
    # TOML's { } tables are one line. tomllib: "Invalid initial character for a key part (at line 18, column 37)"
    said = broken(write_session, '{ phase = "Down", seconds = 3, say = "Hinge" }',
                  '{ phase = "Down",\n  seconds = 3, say = "Hinge" }')
    assert said == ("18: is not valid TOML: a { } table must be written on one line: put everything from { to "
                    "its } on this line")


def test_something_left_open_is_said_where_it_starts(write_session):
    # "Unclosed array (at line 14, column 1)": the list of cues, opened on line 12, never closed
    assert broken(write_session, '"Ribs down"]', '"Ribs down"') == (
        "12: is not valid TOML: the list of cues that starts here is not closed: end it with ] before line 14")
    # "Unclosed array (at end of document)"
    assert broken(write_session, 'say = "Hinge" }, { phase = "Up", seconds = 2 } ]',
                  'say = "Hinge" }, { phase = "Up", seconds = 2 }') == (
        "18: is not valid TOML: the list of tempo that starts here is not closed: end it with ]")
    # "Unterminated string (at end of document)"
    assert broken(write_session, 'title = "Evening stretch"', 'title = "Evening stretch"\nsummary = """\nSlow.') == (
        '3: is not valid TOML: the text that starts here with """ is never closed: end it with """')


def test_a_key_or_a_table_given_twice_names_the_first(write_session):
    # "Cannot overwrite a value (at line 17, column 9)"
    assert broken(write_session, "reps = 7\n", "reps = 7\nreps = 8\n") == (
        "17: is not valid TOML: reps is given twice (first on line 16): keep one of them")
    # "Cannot declare ('defaults',) twice (at line 13, column 10)"
    again = "[defaults]\nswitch_sides = 5\n[[drill]]\nname = \"Couch"
    assert broken(write_session, "[[drill]]\nname = \"Couch", again) == (
        "8: is not valid TOML: [defaults] is here twice (first on line 4): put all its keys under one [defaults]")
    # A drill key at the top. "Cannot overwrite a value (at line 9, column 10)"
    assert broken(write_session, "format = 1\n", "format = 1\ndrill = 3\n") == (
        "2: is not valid TOML: drill is a table, not a value: take away drill = … on this line")


def test_json_is_told_apart(write_session):
    path = write_session('{"title": "Evening stretch", "drill": []}\n', "evening.toml")
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value).endswith('is not valid TOML: this looks like JSON, but a session file is TOML: one key '
                                    '= value a line, for example title = "Evening stretch"')


def test_a_mistake_it_does_not_know_keeps_the_parsers_words_and_column(write_session):
    # "hold = 1,5" may mean 1.5 minutes or 15 seconds: nothing is guessed.
    assert broken(write_session, "hold = [75, 105]", "hold = 1,5") == (
        "10: is not valid TOML: expected newline or end of document after a statement (column 9)")
    assert broken(write_session, "get_ready = 7", "get_ready = 50%") == (
        "5: is not valid TOML: expected newline or end of document after a statement (column 15)")


def test_every_key_of_the_format_has_a_kind_for_the_advice():
    keys = {k for table in TABLE_KEYS.values() for k in table}
    kinds = [load.SECONDS_KEYS, load.COUNT_KEYS, load.TEXT_KEYS, load.TEXT_LIST_KEYS, load.TABLE_KEYS_OF_TABLES,
             load.FLAG_KEYS]
    assert set().union(*kinds) == keys
    assert sum(len(k) for k in kinds) == len(keys)  # each in one kind only


def test_a_fault_in_the_advice_leaves_the_parsers_message(write_session, monkeypatch, caplog):
    def broken_advice(text, line):
        raise IndexError("a bug")

    monkeypatch.setattr(load, "_syntax_advice", broken_advice)
    assert broken(write_session, "reps = 7", "reps = 7 reps") == (
        "16: is not valid TOML: expected newline or end of document after a statement (column 10)")
    assert "working out advice for a TOML error" in caplog.text


def test_hostile_lines_are_answered_at_once():
    """Advice looks at most 400 characters of a line and every pattern is linear: a 1 MiB file with a
    mistake at its end, or a line of 900,000 characters, is still refused in well under the limit."""
    many = "format = 1\n" + 'title = "T"\n' + "".join(f"k{i} = {i}\n" for i in range(60_000 // 2)) + "hold = 2 min\n"
    long_line = "format = 1\ntitle = " + "a " * 450_000 + "\n"
    spaces = "format = 1\n" + "a " * 199 + "\n"
    # Brackets and quotes inside strings and comments, all the way to a mistake on the last line.
    brackets = ("format = 1\n" + "".join(f'k{i} = "{"[" * 990}" # {chr(34) * 5}\n' for i in range(1000))
                + "hold = 2 min\n")
    for text in (many, long_line, spaces, brackets, "x = [" + "[" * 5 + "\n" * 40_000):
        started = time.perf_counter()
        with pytest.raises(SessionError) as info:
            parse_session(text[: 1024 * 1024 - 1], "h.toml")
        assert time.perf_counter() - started < 0.5
        if text is brackets:  # scanned to its end, past every quote and bracket in the strings
            assert str(info.value) == ("h.toml:1002: is not valid TOML: hold is a number of seconds without a unit: "
                                       "hold = 120")
