"""Property test: whatever bytes arrive, the loader returns a Session or raises SessionError."""

from __future__ import annotations

import json
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session_files, parse_session
from hinge_timer.session.model import Session

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
