"""Properties of the session writer (hinge_timer/session/write.py), on generated sessions.

- ``dump`` gives a file the loader reads back to the same session;
- ``update(text, load(text)) == text`` for the built-in sessions, tests/data and generated files written
  the way people write them (their own key order, comments, blank lines, ``[60, 60]``, ``sets = 1``,
  literal strings);
- changing one field through ``update`` changes only that field's lines, and the result loads to the
  changed session.
"""

from __future__ import annotations

import difflib
import tomllib
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hinge_timer.figure.movement import movement_names
from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session_files, parse_session
from hinge_timer.session.locate import Locator
from hinge_timer.session.model import Defaults, Session
from hinge_timer.session.write import dump, to_data, update, update_data
from tests.conftest import REPO

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as people and pasted text make it: quotes, backslashes, TOML's own punctuation, control
# characters, line separators, accents, an emoji, a right-to-left override.
AWKWARD = '"\\\'#[]{}=,. \t\n\x00\x1b\x7f\u2028\u202eé–ß😀'
chars = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(AWKWARD))


def text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(chars, min_size=1, max_size=max_size).filter(lambda t: bool(t.split()))


def long_text() -> st.SearchStrategy[str]:
    return st.lists(text(40), min_size=1, max_size=3).map("\n\n".join)


def span(lo: int, hi: int) -> st.SearchStrategy[Any]:
    one = st.integers(lo, hi)
    return st.one_of(one, st.tuples(one, one).map(lambda p: [min(p), max(p)]))


rest = st.integers(0, 600)
phase = st.fixed_dictionaries(
    {"phase": text(20), "seconds": st.integers(1, 60)}, optional={"say": text(30)}
)
phases = st.lists(phase, min_size=1, max_size=4)
SIDES = [["left"], ["right"], ["left", "right"], ["right", "left"]]


@st.composite
def drills(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["hold", "cycle", "reps", "tempo"]))
    d: dict[str, Any] = {"name": draw(text(30))}
    if kind in ("hold", "cycle"):
        d["hold"] = draw(span(5, 3600))
    else:
        d["reps"] = draw(span(1, 100))
    if kind == "cycle":
        d["cycle"] = draw(phases)
    if kind == "tempo":
        d["tempo"] = draw(phases)
    optional = draw(st.fixed_dictionaries({}, optional={
        "sets": span(1, 20), "sides": st.sampled_from(SIDES), "how": long_text(), "caution": long_text(),
        "cues": st.lists(text(30), max_size=3), "equipment": st.lists(text(20), max_size=2),
        "get_ready": rest, "rest_between_sets": rest, "rest_after": rest,
        "movement": st.sampled_from(movement_names()),
    }))
    d.update(optional)
    if "sides" in d and draw(st.booleans()):
        d["switch_sides"] = draw(rest)
    return d


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    data: dict[str, Any] = {"format": 1, "title": draw(text(30))}
    if draw(st.booleans()):
        data["summary"] = draw(long_text())
    defaults = draw(st.fixed_dictionaries({}, optional={
        "get_ready": rest, "rest_between_sets": rest, "rest_between_drills": rest, "switch_sides": rest,
        "dose": st.sampled_from(["low", "high"]),
    }))
    if defaults:
        data["defaults"] = defaults
    data["drill"] = draw(st.lists(drills(), min_size=1, max_size=4))
    return Session.model_validate(data)


# ---- a file written by hand, in someone's own style (the writer's code is not used here)


def _basic(value: str) -> str:
    return tomlkit.string(value).as_string()  # tomlkit's escaping, not the writer's


@st.composite
def hand_value(draw: st.DrawFn, key: str, value: Any) -> str:
    if isinstance(value, str):
        plain = all(c >= " " and c not in "\x7f'" for c in value)
        if plain and draw(st.booleans()):
            return f"'{value}'"
        ml_ok = all((c >= " " or c == "\n") and c not in '\x7f"\\' for c in value)
        if "\n" in value and ml_ok and draw(st.booleans()):
            return f'"""\n{value}"""'
        return _basic(value)
    if isinstance(value, int) and key in ("hold", "reps", "sets") and draw(st.booleans()):
        return f"[{value}, {value}]"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        lines = []
        for p in value:
            keys = draw(st.permutations(list(p)))
            pairs = ", ".join(f"{k} = {draw(hand_value(k, p[k]))}" for k in keys)
            lines.append(f"  {{{pairs}}},\n" if draw(st.booleans()) else f"    {{ {pairs} }},\n")
        return "[\n" + "".join(lines) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(draw(hand_value("", v)) for v in value) + "]"
    return str(value)


@st.composite
def hand_table(draw: st.DrawFn, data: dict[str, Any]) -> str:
    out = []
    for key in draw(st.permutations(list(data))):
        if draw(st.integers(0, 4)) == 0:
            out.append("\n")
        if draw(st.integers(0, 4)) == 0:
            out.append(f"# about {key}\n")
        beside = "   # mine" if draw(st.integers(0, 3)) == 0 else ""
        out.append(f"{key} = {draw(hand_value(key, data[key]))}{beside}\n")
    return "".join(out)


@st.composite
def hand_written(draw: st.DrawFn, session: Session) -> str:
    data = to_data(session)
    root = {k: v for k, v in data.items() if k not in ("defaults", "drill")}
    text = "# my own session\n\n" if draw(st.booleans()) else ""
    text += draw(hand_table(root))
    defaults = dict(data.get("defaults", {}))
    base = Defaults()
    for key in ("get_ready", "rest_between_sets", "rest_between_drills", "switch_sides", "dose"):
        if key not in defaults and draw(st.integers(0, 3)) == 0:
            defaults[key] = getattr(base, key)  # the default, written out
    if defaults:
        text += "\n[defaults]\n" + draw(hand_table(defaults))
    for drill in data["drill"]:
        drill = dict(drill)
        if "sets" not in drill and draw(st.integers(0, 3)) == 0:
            drill["sets"] = 1
        text += "\n" + ("# next one\n" if draw(st.booleans()) else "") + "[[drill]]\n" + draw(hand_table(drill))
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")  # written on Windows
    return text


# ---- properties


@SETTINGS
@given(sessions())
def test_a_dumped_session_loads_back_the_same(session):
    text = dump(session)
    assert parse_session(text) == session
    assert tomllib.loads(text) == to_data(session)


@SETTINGS
@given(sessions())
def test_updating_a_dumped_file_with_its_own_session_changes_nothing(session):
    text = dump(session)
    assert update(text, session) == text


@SETTINGS
@given(st.data())
def test_updating_a_hand_written_file_with_its_own_session_changes_nothing(data):
    session = data.draw(sessions())
    text = data.draw(hand_written(session))
    assert parse_session(text) == session  # the generator writes what it means
    assert update(text, session) == text


FILES = [f for f in builtin_session_files()] + sorted((REPO / "tests" / "data").glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_updating_a_real_file_with_its_own_session_changes_nothing(path):
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pytest.skip("not TOML: a file for the loader's own tests")
    assert update_data(text, raw) == text  # its own data, valid or not
    try:
        session = parse_session(text)
    except SessionError:
        return  # an invalid session (a file for the loader's tests): its data is enough
    assert update(text, session) == text


# One field changed: which field, and the place of its line in the file.
FIELDS = ["title", "default", "name", "movement", "hold", "reps", "sets", "say"]


def _lines_of(text: str, where: tuple[str | int, ...], present: bool) -> set[int]:
    """The 0-based line of a field in the text (the locator counts drills and phases from 1)."""
    if not present:
        return set()
    line = Locator(text).line_of(where)
    assert line is not None
    return {line - 1}


@SETTINGS
@given(st.data())
def test_changing_one_field_changes_only_its_line(data):
    session = data.draw(sessions())
    text = data.draw(st.one_of(st.just(dump(session)), hand_written(session)))
    new = to_data(session)
    raw_old = tomllib.loads(text)
    field = data.draw(st.sampled_from(FIELDS))
    i = data.draw(st.integers(0, len(new["drill"]) - 1))
    drill = new["drill"][i]
    if field == "title":
        new["title"] = data.draw(text_of(30))
        where: tuple[str | int, ...] = ("title",)
        old_present = True
    elif field == "default":
        key = data.draw(st.sampled_from(["get_ready", "rest_between_sets", "rest_between_drills", "switch_sides"]))
        new.setdefault("defaults", {})[key] = data.draw(rest)
        where = ("defaults", key)
        old_present = key in raw_old.get("defaults", {})
    elif field == "name":
        drill["name"] = data.draw(text_of(30))
        where, old_present = ("drill", i + 1, "name"), True
    elif field in ("hold", "reps"):
        assume(field in drill)
        drill[field] = data.draw(span(5, 3600) if field == "hold" else span(1, 100))
        where, old_present = ("drill", i + 1, field), True
    elif field == "sets":
        drill["sets"] = data.draw(span(1, 20))
        where, old_present = ("drill", i + 1, "sets"), "sets" in raw_old["drill"][i]
    elif field == "movement":  # another movement, or one where there was none
        drill["movement"] = data.draw(st.sampled_from(movement_names()))
        where, old_present = ("drill", i + 1, "movement"), "movement" in raw_old["drill"][i]
    else:
        part = "tempo" if "tempo" in drill else "cycle" if "cycle" in drill else None
        assume(part is not None)
        j = data.draw(st.integers(0, len(drill[part]) - 1))
        drill[part][j]["say"] = data.draw(text_of(30))
        where, old_present = ("drill", i + 1, part, j + 1), True
    changed = Session.model_validate(new)
    assume(changed != session)

    out = update(text, changed)

    assert parse_session(out) == changed
    new_present = field not in ("sets", "movement") or field in tomllib.loads(out)["drill"][i]
    if field == "default":
        new_present = where[1] in tomllib.loads(out).get("defaults", {})
    old_lines = _lines_of(text, where, old_present)
    new_lines = _lines_of(out, where, new_present)
    if field == "default":  # a [defaults] table made or emptied: its header and a blank line come or go
        for lines, raw, side in ((old_lines, raw_old, text), (new_lines, tomllib.loads(out), out)):
            if "defaults" in raw and not raw["defaults"].keys() - {where[1]}:
                lines |= _lines_of(side, ("defaults",), True)
                lines |= {n for n, line in enumerate(side.splitlines()) if not line.strip()}
    a, b = text.splitlines(), out.splitlines()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        assert set(range(i1, i2)) <= old_lines, (field, a[i1:i2], b[j1:j2])
        assert set(range(j1, j2)) <= new_lines, (field, a[i1:i2], b[j1:j2])


def text_of(max_size: int) -> st.SearchStrategy[str]:  # for tests whose own `text` is the file
    return text(max_size)


@SETTINGS
@given(st.data())
def test_drills_moved_removed_and_added_keep_every_line_of_the_drills_kept(data):
    session = data.draw(sessions())
    text = data.draw(st.one_of(st.just(dump(session)), hand_written(session)))
    old = to_data(session)["drill"]
    kept = data.draw(st.permutations(range(len(old))).flatmap(lambda p: st.lists(
        st.sampled_from(p), unique=True, max_size=len(p)).map(lambda ks: [k for k in p if k in ks])))
    origins: list[int | None] = list(kept)
    for _ in range(data.draw(st.integers(0 if kept else 1, 2))):
        origins.insert(data.draw(st.integers(0, len(origins))), None)
    # (new drills without how and caution, so that a blank line in the file is never one inside a text)
    plain = drills().map(lambda d: {k: v for k, v in d.items() if k not in ("how", "caution")})
    new_drills = [old[o] if o is not None else data.draw(plain) for o in origins]
    new = {**to_data(session), "drill": new_drills}
    changed = Session.model_validate(new)

    out = update_data(text, new, origins)

    assert parse_session(out) == changed
    assert "\n\n\n" not in out.replace("\r", "") or "\n\n\n" in text.replace("\r", "")
    # every line of a kept drill, its comments included, is still in the file
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line == "[[drill]]"]
    left = out.splitlines()
    for o in kept:
        end = starts[o + 1] if o + 1 < len(starts) else len(lines)
        for line in lines[starts[o]:end]:
            if line.strip() and line != "# next one":
                assert line in left, line
