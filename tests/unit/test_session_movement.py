"""A drill's ``movement``: the figure beside the ring. It names a movement of the library
(hinge_timer/figure/movement.py, assets/movements/); anything else is an error at its line, worded for a
person editing the file."""

from __future__ import annotations

import re
import textwrap

import pytest
from pydantic import ValidationError

from hinge_timer.figure.movement import movement, movement_names
from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session_files, load_session, parse_session
from hinge_timer.session.model import Drill, json_schema
from tests.conftest import REPO

CURL = """\
format = 1
title = "Test"

[[drill]]
name = "Hold"
hold = 60

[[drill]]
name = "Curl"
movement = "jefferson-curl"
reps = 5
"""
LINE = 10  # of movement = ... in CURL
NAMES = ", ".join(movement_names())


def problems(text: str) -> list[str]:
    with pytest.raises(SessionError) as info:
        parse_session(textwrap.dedent(text).encode(), "x.toml")
    return [str(p) for p in info.value.problems]


def test_the_library_is_the_one_the_format_documents():
    # (if a movement is added, docs/session-format.md lists it too: test_the_docs_list_every_movement)
    assert "jefferson-curl" in movement_names() and movement("jefferson-curl").title == "Jefferson curl"


def test_a_drill_names_its_movement():
    s = parse_session(CURL, "x.toml")
    assert [d.movement for d in s.drills] == [None, "jefferson-curl"]


def test_a_misspelt_movement_is_named_at_its_line_with_the_nearest_one():
    assert problems(CURL.replace('"jefferson-curl"', '"jeferson-curl"')) == [
        f'x.toml:{LINE}: drill[2].movement: unknown movement "jeferson-curl" (did you mean "jefferson-curl"?); '
        f"the movements are: {NAMES}"
    ]
    assert NAMES == ("banded-hip-distraction, banded-hip-hinge, dowel-hip-hinge, jefferson-curl, "
                     "split-hamstring-stretch, weighted-dowel-hip-hinge, weighted-hip-hinge")


@pytest.mark.parametrize("written, meant", [
    ('"Jefferson curl"', "jefferson-curl"),  # the title, not the name
    ('"Banded hip hinge "', "banded-hip-hinge"),  # a space: names are written exactly
    ('"weighted_hip_hinge"', "weighted-hip-hinge"),
])
def test_a_near_miss_is_refused_with_the_name_meant(written, meant):
    (msg,) = problems(CURL.replace('"jefferson-curl"', written))
    assert msg.startswith(f"x.toml:{LINE}: drill[2].movement: unknown movement {written} "
                          f'(did you mean "{meant}"?); the movements are: ')


def test_a_name_far_from_every_movement_gets_the_list_only():
    assert problems(CURL.replace('"jefferson-curl"', '"cartwheel"')) == [
        f'x.toml:{LINE}: drill[2].movement: unknown movement "cartwheel"; the movements are: {NAMES}']
    (msg,) = problems(CURL.replace('"jefferson-curl"', '""'))
    assert msg == f'x.toml:{LINE}: drill[2].movement: unknown movement ""; the movements are: {NAMES}'


@pytest.mark.parametrize("written, got", [
    ("3", "3"),
    ("true", "true"),
    ('["jefferson-curl"]', '["jefferson-curl"]'),
    ('{ name = "jefferson-curl" }', "a table"),
])
def test_a_movement_that_is_not_text_is_refused(written, got):
    assert problems(CURL.replace('"jefferson-curl"', written)) == [
        f'x.toml:{LINE}: drill[2].movement: expected a movement\'s name in quotes, such as "jefferson-curl", '
        f"got {got}"]


def test_an_unquoted_name_is_told_to_put_it_in_quotes():
    assert problems(CURL.replace('"jefferson-curl"', "jefferson-curl")) == [
        f'x.toml:{LINE}: is not valid TOML: text goes in double quotes: movement = "jefferson-curl"']


def test_a_word_for_it_suggests_movement():
    text = CURL.replace("movement =", "figure =")
    assert problems(text) == [f'x.toml:{LINE}: drill[2].figure: unknown key "figure"; did you mean "movement"?']


def test_a_movement_with_other_problems_is_reported_with_them_in_line_order():
    text = CURL.replace('"jefferson-curl"', '"curl"').replace("hold = 60", "hold = 2")
    found = problems(text)
    assert [m.split(": ")[0] for m in found] == ["x.toml:6", f"x.toml:{LINE}"]
    assert found[1].startswith(f'x.toml:{LINE}: drill[2].movement: unknown movement "curl"')


def test_a_drill_built_in_code_with_an_unknown_movement_does_not_exist():
    assert Drill(name="A", hold=60, movement="split-hamstring-stretch").movement == "split-hamstring-stretch"
    with pytest.raises(ValidationError) as exc:
        Drill(name="A", hold=60, movement="split-hamstring")
    [error] = exc.value.errors()
    assert error["type"] == "movement_unknown" and error["loc"] == ("movement",)
    assert '(did you mean "split-hamstring-stretch"?)' in error["msg"]


def test_every_built_in_drill_shows_a_movement_of_the_library():
    by_file = {f.name: {d.name: d.movement for d in load_session(f).drills} for f in builtin_session_files()}
    assert by_file == {
        "hip-hinge-basics.toml": {"Dowel hip hinge": "dowel-hip-hinge",
                                  "Weighted dowel hip hinge": "weighted-dowel-hip-hinge"},
        "hip-hinge-mobility.toml": {"Weighted hip hinge": "weighted-hip-hinge",
                                    "Banded hip distraction": "banded-hip-distraction",
                                    "Banded hip hinge": "banded-hip-hinge",
                                    "Split hamstring stretch": "split-hamstring-stretch",
                                    "Jefferson curl": "jefferson-curl"},
        "quick-warm-up.toml": {"Weighted hip hinge": "weighted-hip-hinge",
                               "Banded hip distraction": "banded-hip-distraction"},
    }
    for drills in by_file.values():
        for name in drills.values():
            assert name in movement_names() and movement(name).phases  # it exists, and it moves


def test_in_the_built_in_files_the_movement_is_the_line_after_the_name():
    for f in builtin_session_files():
        lines = f.read_text(encoding="utf-8").splitlines()
        drills = [i for i, line in enumerate(lines) if line == "[[drill]]"]
        assert drills
        for i in drills:
            assert lines[i + 1].startswith("name = ") and re.fullmatch(r'movement = "[a-z-]+"', lines[i + 2]), (
                f.name, lines[i + 1:i + 3])


def test_the_schema_lists_the_movements():
    prop = json_schema()["$defs"]["Drill"]["properties"]["movement"]
    assert prop["type"] == "string" and prop["enum"] == list(movement_names())
    assert "figure" in prop["description"]
    assert "movement" not in json_schema()["$defs"]["Drill"].get("required", [])


def test_the_docs_list_every_movement_by_name_and_title():
    docs = (REPO / "docs" / "session-format.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+?) \|$", docs, re.MULTILINE)
    listed = {name: title for name, title in rows if name in movement_names() or "-" in name}
    assert listed == {name: movement(name).title for name in movement_names()}
