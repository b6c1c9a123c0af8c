"""Property test: whatever bytes arrive, the loader returns a Session or raises SessionError."""

from __future__ import annotations

import json
import time
import tomllib
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hinge_timer.session.errors import MAX_SHOWN, SessionError
from hinge_timer.session.load import builtin_session_files, parse_session
from hinge_timer.session.model import Session
from hinge_timer.session.shape import walk

BUILTIN_TEXTS = [f.read_text(encoding="utf-8") for f in builtin_session_files()]

KEYS = [
    "format", "title", "summary", "defaults", "drill", "name", "hold", "reps", "sets", "sides", "how",
    "cues", "equipment", "caution", "tempo", "cycle", "get_ready", "rest_between_sets",
    "rest_between_drills", "switch_sides", "rest_after", "dose", "phase", "seconds", "say", "holdd",
]

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["left", "right", "low", "high", ""]),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v))
    if isinstance(v, str):
        return json.dumps(v)  # JSON string escapes are TOML basic-string escapes
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return v.isoformat()


def check(data: bytes) -> None:
    try:
        result = parse_session(data, "fuzz.toml")
    except SessionError as exc:
        assert exc.problems and all(p.file == "fuzz.toml" and p.message for p in exc.problems)
    else:
        assert isinstance(result, Session)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=8))
def test_arbitrary_toml_documents(doc):
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items())
    check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(BUILTIN_TEXTS),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(["delete", "insert", "replace"]),
                  st.text(alphabet='[]{}"=,.#\n 0123456789-abcdefghijklmnopqrstuvwxyz_', max_size=6)),
        min_size=1, max_size=4,
    ),
)
def test_mutated_builtin_files(text, edits):
    for pos, op, chunk in edits:
        pos %= len(text) + 1
        if op == "delete":
            text = text[:pos] + text[pos + len(chunk) + 1:]
        elif op == "insert":
            text = text[:pos] + chunk + text[pos:]
        else:
            text = text[:pos] + chunk + text[pos + len(chunk):]
    check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(BUILTIN_TEXTS),
    st.sampled_from(["hold", "reps", "sets", "seconds", "get_ready", "name", "sides", "tempo", "cycle"]),
    values,
)
def test_builtin_files_with_one_value_replaced(text, key, value):
    """Replace every value of one key with something arbitrary: still only Session or SessionError."""
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(key + " =") and not stripped.rstrip().endswith("["):
            line = f"{key} = {_toml_value(value)}"
        lines.append(line)
    check("\n".join(lines).encode("utf-8", "surrogatepass"))


def test_the_generator_makes_valid_toml():
    """Guard the fuzzer itself: its documents must mostly parse, or it tests only the TOML error path."""
    doc = {"title": "a\"b\\c\n", "drill": [{"name": "x", "hold": [1, 2]}], "format": 1.5}
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items())
    assert tomllib.loads(text)["title"] == "a\"b\\c\n"


# -- hostile shapes (issue 14) -----------------------------------------------------------------------

HOSTILE_HEAD = 'format = 1\ntitle = "Fuzzed"\n[[drill]]\nname = "Hinge"\nhold = 30\n'


def _hostile(shape: str, n: int, word: str) -> str:
    """One of the shapes that used to cost seconds and gigabytes, ``n`` times over."""
    w = word or "a"
    if shape == "dotted key":
        return HOSTILE_HEAD + w + f".{w}" * n + " = 1\n"
    if shape == "table header":
        return HOSTILE_HEAD + "[" + ".".join([w] * n) + "]\n"
    if shape == "array of tables header":
        return HOSTILE_HEAD + "[[" + ".".join([w] * n) + "]]\n"
    if shape == "inline tables":
        return HOSTILE_HEAD + "x = " + f"{{{w} = " * n + "1" + "}" * n + "\n"
    if shape == "arrays":
        return HOSTILE_HEAD + "x = " + "[" * n + "]" * n + "\n"
    if shape == "many keys":
        return HOSTILE_HEAD + "".join(f"{w}{i} = {i}\n" for i in range(n))
    if shape == "many inline keys":
        return HOSTILE_HEAD + "x = {" + ", ".join(f"{w}{i} = {i}" for i in range(n)) + "}\n"
    if shape == "many tables":
        return HOSTILE_HEAD + "".join(f"[[drill]]\n{w} = {i}\n" for i in range(n))
    if shape == "huge key":
        return HOSTILE_HEAD + w * (n * 20 // len(w) + 1) + " = 1\n"
    if shape == "huge quoted value":
        return HOSTILE_HEAD.replace("hold = 30", 'hold = "' + w * (n * 20 // len(w) + 1) + '"')
    raise AssertionError(shape)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["dotted key", "table header", "array of tables header", "inline tables", "arrays",
                     "many keys", "many inline keys", "many tables", "huge key", "huge quoted value"]),
    st.integers(min_value=1, max_value=30_000),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=8),
)
def test_hostile_shapes_are_answered_quickly_and_briefly(shape, n, word):
    text = _hostile(shape, n, word)
    start = time.perf_counter()
    try:
        parse_session(text.encode(), "fuzz.toml")
    except SessionError as exc:
        out = str(exc)
        assert len(out.splitlines()) <= MAX_SHOWN + 1
        assert len(out) < (MAX_SHOWN + 1) * 1000
    assert time.perf_counter() - start < 2.0, (shape, n)


def _walk_is_complete_for_valid_toml(text: str) -> None:
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return
    problem, complete = walk(text)
    assert complete or problem is not None, "the shape walk gave up on text that tomllib accepts"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=8), st.sampled_from(["", "[defaults]\n", "[[drill]]\n"]))
def test_the_shape_walk_reads_every_valid_document_to_its_end(doc, header):
    """The walk before tomllib must follow TOML exactly: where tomllib builds something, the walk counted it."""
    text = header + "\n".join(f"{k} = {_toml_value(v)}  # {k}" for k, v in doc.items())
    _walk_is_complete_for_valid_toml(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(BUILTIN_TEXTS),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000),
                  st.text(alphabet='[]{}"\'=,.#\n \\0123456789-abcdefxyz_', max_size=6)),
        min_size=1, max_size=4,
    ),
)
def test_the_shape_walk_follows_mutated_builtin_files(text, edits):
    for pos, chunk in edits:
        pos %= len(text) + 1
        text = text[:pos] + chunk + text[pos:]
    _walk_is_complete_for_valid_toml(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
       st.sampled_from(["hold", "name", "reps", "sides"]))
def test_any_text_in_a_value_gives_one_line_per_problem(value, key):
    """Control characters, line breaks, bidi overrides and HTML in a value never forge a line."""
    text = HOSTILE_HEAD.replace("hold = 30", f"hold = 30\n{key} = {json.dumps(value)}")
    try:
        parse_session(text.encode("utf-8", "surrogatepass"), "fuzz.toml")
    except SessionError as exc:
        lines = str(exc).splitlines()
        assert len(lines) == len(exc.problems) + (1 if exc.more else 0)
        assert all(line.startswith("fuzz.toml") for line in lines)
        # No control, line-break, bidi/format, surrogate, private or unassigned character written raw.
        raw = [ch for line in lines for ch in line if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}]
        assert not raw, lines
