"""Hostile session files (issue 14): refused fast, in little memory, with a short message; never a hang.

Each big shape is loaded in a fresh interpreter with a timeout, so a regression that blows up time or
memory fails here instead of taking the test run down.  The ceilings are generous on purpose (the
real figures are in benchmarks/hostile_files.py and docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hinge_timer.session.errors import MAX_SHOWN, Problem, SessionError
from hinge_timer.session.load import MAX_FILE_BYTES, load_session, parse_session
from hinge_timer.session.locate import Locator
from hinge_timer.session.model import MAX_DRILLS
from hinge_timer.session.shape import MAX_DEPTH, MAX_ENTRIES, MAX_KEY_CHARS, check_parsed, walk
from tests.big_session import legit_max

REPO = Path(__file__).resolve().parents[2]
HEAD = 'format = 1\ntitle = "Evening hinge routine"\n'
DRILL = '[[drill]]\nname = "Band hip hinge"\nhold = 45\nsides = ["left", "right"]\n'
CEILING_S = 2.0
CEILING_MB = 150

CHILD = r"""
import json, resource, sys, time
from hinge_timer.session.load import load_session
from hinge_timer.session.errors import SessionError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    s = load_session(sys.argv[1])
    out = {"ok": True, "lines": []}
except SessionError as exc:
    out = {"ok": False, "lines": str(exc).splitlines(), "count": exc.count}
out["seconds"] = time.perf_counter() - t
out["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(out))
"""


def load_in_child(path: Path) -> dict[str, object]:
    """load_session in a fresh interpreter; a hang or a blow-up fails the test instead of hanging it."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=60,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES, "the shape must be under the size limit to mean anything"
    return path


def assert_refused_fast(tmp_path: Path, text: str, *expected: str) -> list[str]:
    path = write(tmp_path, text)
    r = load_in_child(path)
    assert r["ok"] is False
    lines = r["lines"]
    assert isinstance(lines, list) and 1 <= len(lines) <= MAX_SHOWN + 1
    assert all(line.startswith(str(path)) or line.startswith("… and ") for line in lines), lines[:3]
    assert all(len(line) < 1000 for line in lines), max(lines, key=len)[:200]
    for word in expected:
        assert word in lines[0], lines[0]
    assert float(r["seconds"]) < CEILING_S, r  # type: ignore[arg-type]
    assert float(r["grew_mb"]) < CEILING_MB, r  # type: ignore[arg-type]
    return lines


# -- small files that cost a lot ------------------------------------------------------------------


def test_dotted_key_of_20000_parts_is_refused_at_its_line(tmp_path):
    lines = assert_refused_fast(tmp_path, HEAD + DRILL + "cue" + ".x" * 20_000 + " = 1\n", "nests more than")
    assert lines[0].startswith(f"{tmp_path / 'mine.toml'}:7:")


def test_table_header_50000_deep_is_refused(tmp_path):
    assert_refused_fast(tmp_path, HEAD + DRILL + "[" + ".".join(["drill"] * 50_000) + "]\n", ":7:", "nests")


def test_deep_inline_tables_and_arrays_are_refused(tmp_path):
    assert_refused_fast(tmp_path, HEAD + DRILL + "cues = " + "{a = " * 100_000 + "1" + "}" * 100_000 + "\n", "nests")
    assert_refused_fast(tmp_path, HEAD + DRILL + "cues = " + "[" * 400_000 + "]" * 400_000 + "\n", "nests")


def test_sixty_thousand_unknown_keys_give_a_short_answer(tmp_path):
    # One per line (the file) and all on one line in an inline table.
    assert_refused_fast(tmp_path, HEAD + DRILL + "".join(f"k{i} = {i}\n" for i in range(60_000)), "lines")
    assert_refused_fast(tmp_path, HEAD + DRILL + "x = {" + ", ".join(f"k{i} = 1" for i in range(60_000)) + "}\n",
                        f"more than {MAX_ENTRIES:,} keys")


def test_many_unknown_keys_under_the_limits_list_50_and_count_the_rest(tmp_path):
    text = HEAD + DRILL + "".join(f"hold{i:05d} = 1\n" for i in range(15_000))
    lines = assert_refused_fast(tmp_path, text, "unknown key")
    assert len(lines) == MAX_SHOWN + 1
    assert lines[-1] == f"… and {15_000 - MAX_SHOWN} more problems"
    assert lines[0] == f'{tmp_path / "mine.toml"}:7: drill[1].hold00000: unknown key "hold00000"; did you mean "hold"?'


def test_a_one_megabyte_key_is_refused_with_a_short_message(tmp_path):
    for key in ("k" * 1_000_000, '"' + "k" * 1_000_000 + '"'):
        lines = assert_refused_fast(tmp_path, HEAD + DRILL + key + " = 1\n", "1,000,000 characters", ":7:")
        assert len(lines[0]) < 200


def test_a_long_key_under_the_limit_is_quoted_short(tmp_path):
    key = "q" * MAX_KEY_CHARS
    with pytest.raises(SessionError) as info:
        parse_session(HEAD + DRILL + f"{key} = 1\n", "mine.toml")
    (problem,) = info.value.problems
    assert f'unknown key "{"q" * 60}…" ({MAX_KEY_CHARS - 60} more characters)' in problem.message


def test_a_huge_value_is_quoted_short(tmp_path):
    text = HEAD + DRILL.replace("hold = 45", 'hold = "' + "9" * 900_000 + '"')
    lines = assert_refused_fast(tmp_path, text, "drill[1].hold")
    assert '(899940 more characters)' in lines[0] and len(lines[0]) < 300


def test_a_number_with_5000_digits_is_refused_not_a_traceback(tmp_path):
    assert_refused_fast(tmp_path, HEAD + DRILL + "sets = " + "9" * 5_000 + "\n", "5,000 characters long")
    # Just under the bare-value limit, tomllib's own "Exceeds the limit" must not escape either.
    with pytest.raises(SessionError):
        parse_session(HEAD + DRILL.replace("45", "9" * 60), "mine.toml")


def test_floods_of_lines_comments_and_escapes_are_refused(tmp_path):
    assert_refused_fast(tmp_path, HEAD + DRILL + "#\n" * 400_000, "lines; session files are limited")
    assert_refused_fast(tmp_path, HEAD + DRILL + 'how = "' + "\\t" * 400_000 + '"\n', "backslashes")


def test_a_legitimate_large_session_still_loads(tmp_path):
    """The most drills the model allows, each with long (legal) texts, many cues and a paced tempo."""
    text = legit_max(HEAD)
    assert len(text.encode()) > 500_000
    r = load_in_child(write(tmp_path, text))
    assert r["ok"] is True, r["lines"]
    assert float(r["seconds"]) < CEILING_S  # type: ignore[arg-type]
    session = parse_session(text, "mine.toml")
    assert len(session.drills) == MAX_DRILLS and len(session.drills[-1].tempo or ()) == 10


def test_the_locator_is_linear_in_depth():
    text = "[" + ".".join(["a"] * 50_000) + "]\nx = 1\n"
    start = time.perf_counter()
    loc = Locator(text)
    assert loc.line_of(("a",) * 50_000 + ("x",)) == 2
    assert time.perf_counter() - start < CEILING_S


def test_parsed_data_is_checked_too():
    """The second line of defence, for data that got past the text walk."""
    deep: dict[str, object] = {}
    node = deep
    for _ in range(MAX_DEPTH + 5):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    assert "levels deep" in (check_parsed(deep) or "")
    assert "keys, tables and list items" in (check_parsed({"a": list(range(MAX_ENTRIES + 1))}) or "")
    assert "characters long" in (check_parsed({"k" * (MAX_KEY_CHARS + 1): 1}) or "")
    assert check_parsed({"format": 1, "drill": [{"name": "x", "tempo": [{"phase": "a"}]}]}) is None


def test_the_walk_reads_strings_and_comments_as_toml_does():
    """Brackets, dots and quotes inside strings and comments are not structure."""
    text = (
        HEAD
        + 'how = """[[[[[[[[[[[[[[\\"""  still inside """\n'
        + "caution = '''a.b.c.d.e.f.g.h.i.j.k.l.m.n [[x]]''''\n"
        + 'cue = "[{[{[{[{[{[{[{ \\" # not a comment"  # [[[[[[[[[[[[[[\n'
        + "when = 1979-05-27 07:32:00Z\n"
        + "'a.b.c.d.e.f.g.h.i.j.k.l.m' = 1\n"
    )
    assert walk(text) == (None, True)


# -- special files ------------------------------------------------------------------------------------


def _in_thread(fn, timeout: float = 10.0) -> object:
    result: list[object] = []

    def run() -> None:
        try:
            result.append(fn())
        except Exception as exc:  # noqa: BLE001 - the test looks at what came back
            result.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "blocked on a special file"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "routine.toml"
    os.mkfifo(fifo)
    exc = _in_thread(lambda: load_session(fifo))
    assert isinstance(exc, SessionError)
    assert str(exc) == f"{fifo}: is a named pipe (FIFO), not a session file; only regular files are read"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_validate_on_a_fifo_says_so_and_exits(tmp_path):
    fifo = tmp_path / "routine.toml"
    os.mkfifo(fifo)
    exe = Path(sys.executable).with_name("hinge-timer")
    done = subprocess.run([str(exe), "validate", str(fifo)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "named pipe (FIFO)" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_home_lists_a_sessions_folder_with_a_fifo_and_a_hostile_file(tmp_path):
    from hinge_timer.session.catalogue import discover  # what Home lists (the core's, no Qt)

    folder = tmp_path / "sessions"
    folder.mkdir()
    os.mkfifo(folder / "a-pipe.toml")
    (folder / "b-folder.toml").mkdir()
    (folder / "c-deep.toml").write_text(HEAD + "[" + ".".join(["a"] * 50_000) + "]\n", encoding="utf-8")
    (folder / "d-mine.toml").write_text(HEAD + DRILL, encoding="utf-8")
    start = time.perf_counter()
    entries = _in_thread(lambda: discover(folder))
    assert time.perf_counter() - start < CEILING_S * 2
    assert isinstance(entries, list)
    mine = {Path(e.key).name: e for e in entries if not e.builtin}
    assert sorted(mine) == ["c-deep.toml", "d-mine.toml"]  # the FIFO and the folder are not listed
    assert mine["d-mine.toml"].session is not None and mine["d-mine.toml"].session.title == "Evening hinge routine"
    assert mine["c-deep.toml"].error is not None and "nests more than" in str(mine["c-deep.toml"].error)


# -- text is text: one problem, one line --------------------------------------------------------------


def test_line_breaks_and_escapes_in_values_cannot_forge_lines():
    text = HEAD + (
        '[[drill]]\nname = "Hinge"\nhold = "x\\nother.toml: ok (Fake, 1 drill)"\n'
        '[[drill]]\nname = "Curl"\nreps = "\\r\\u2028other.toml: ok\\u2029"\n'
        '[[drill]]\nname = "Split"\nhold = "\\u001b]0;pwned\\u0007\\u001b[2J\\u202e"\n'
    )
    with pytest.raises(SessionError) as info:
        parse_session(text, "mine.toml")
    out = str(info.value)
    assert len(out.splitlines()) == len(info.value.problems) == 3
    assert all(line.startswith("mine.toml:") for line in out.splitlines())
    for raw in ("\n\x1b", "\r", "\u2028", "\u2029", "\x1b", "\x07", "\u202e"):
        assert raw not in out.replace("\n" + "mine.toml", "")
    assert "\\nother.toml: ok" in out and "\\e]0;pwned\\x07\\e[2J\\u202e" in out


def test_a_file_name_with_a_newline_stays_on_one_line():
    problem = Problem("evil\nother.toml: ok", 3, "drill[1].hold", "bad\rvalue")
    assert str(problem) == "evil\\nother.toml: ok:3: drill[1].hold: bad\\rvalue"


def test_session_error_keeps_the_count():
    problems = [Problem("f.toml", i, "", f"problem {i}") for i in range(1, 201)]
    exc = SessionError(problems)
    assert exc.count == 200 and len(exc.problems) == MAX_SHOWN and exc.more == 150
    assert str(exc).splitlines()[-1] == "… and 150 more problems"
    assert str(SessionError(problems[:1])) == "f.toml:1: problem 1"
