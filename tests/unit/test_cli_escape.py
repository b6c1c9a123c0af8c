"""The command line never writes a control character from a file raw (issue 14, "Text is text").

A user's session whose title, drill name, cues and `say` lines hold terminal escape sequences:
OSC 0 (set the window title), CSI 2J (clear the screen), OSC 52 (write the clipboard), a C1 CSI,
CR, LF, U+2028 (a line separator) and U+202E (a right-to-left override).  `validate`, `plan`,
`plan --json`, `run --terminal` and `history` must show them escaped, keep one problem per line,
and still show what the file says.  (The loader folds the line breaks of one-line fields such as a
title into a space; they reach the terminal through quoted values in `validate`'s problems and
through a history another program has written to.)
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import sqlite3
import subprocess
import sys
import tty
from pathlib import Path

import pytest

from hinge_timer.cli import main
from hinge_timer.session.load import load_session
from tests.conftest import REPO

ESC = "\x1b"
NASTY = (f"{ESC}]0;pwned{ESC}\\{ESC}]0;owned\x07{ESC}[2J{ESC}[8m{ESC}]52;c;SGVsbG8=\x07"
         "\r\n\u2028\u202e\x9b31m")
# Nothing of these may reach the terminal: ESC, BEL, C1 CSI, CR, LS, PS, RLO (and LF inside a value).
FORBIDDEN_CHARS = ("\x1b", "\x07", "\x9b", "\r", "\u2028", "\u2029", "\u202e")
FORBIDDEN_BYTES = (b"\x1b", b"\x07", b"\x9b", b"\r", "\u2028".encode(), "\u202e".encode())
# How the start of NASTY reads once escaped: every sequence visible as text.
SHOWN = "\\e]0;pwned\\e\\\\\\e]0;owned\\x07\\e[2J\\e[8m\\e]52;c;SGVsbG8=\\x07"


def toml_string(text: str) -> str:
    """A TOML basic string with every non-printable character as a \\u escape."""
    return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\u{ord(c):04x}" for c in text) + '"'


def hostile_session(title_word: str = "Deadlift day") -> str:
    return f"""format = 1
title = {toml_string(title_word + NASTY)}
summary = "Mine."
[defaults]
get_ready = 5
[[drill]]
name = {toml_string("Romanian deadlift" + NASTY)}
reps = 2
caution = {toml_string("Knees soft" + NASTY)}
cues = [{toml_string("Hips back" + NASTY)}]
tempo = [ {{ phase = {toml_string("Lower" + NASTY)}, seconds = 2, say = {toml_string("Lower it" + NASTY)} }},
          {{ phase = "Stand", seconds = 2 }} ]
[[drill]]
name = "Side plank"
hold = 5
sides = ["left", "right"]
"""


def broken_session() -> str:
    """Three problems whose quoted values carry line breaks that would forge an "ok" line."""
    forged = "\nother.toml: ok (Fine, 1 drill)\r\u2028"
    return f"""format = 1
title = {toml_string("Broken" + NASTY)}
[[drill]]
name = "Hold"
hold = {toml_string("long" + forged + NASTY)}
{toml_string("colour" + forged + ESC + "]0;pwned")} = 1
[[drill]]
name = "Reps"
reps = {toml_string("ten" + forged)}
"""


def assert_clean(text: str) -> None:
    for ch in FORBIDDEN_CHARS:
        assert ch not in text, f"{ch!r} written raw"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "deadlift.toml"
    good.write_text(hostile_session(), encoding="utf-8")
    bad = tmp_path / "broken.toml"
    bad.write_text(broken_session(), encoding="utf-8")
    return good, bad


def test_validate_escapes_the_title_and_keeps_one_problem_per_line(files, capsys):
    good, bad = files
    assert main(["validate", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert_clean(out)
    assert_clean(err)
    # The good file: one line, its title shown escaped (what is in the file, readable).
    assert out.count("\n") == 1 and out.startswith(f"{good}: ok (Deadlift day{SHOWN}")
    assert "\\u202e\\x9b31m, 2 drills)" in out
    # The broken file: exactly its three problems, each on one line starting with the file's name,
    # and no forged "other.toml: ok" line.
    lines = err.splitlines()
    assert len(lines) == 3, lines
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert not any(line.startswith("other.toml") for line in lines)
    # Still shown, inside each problem, with its line breaks as \n, \r and \u2028.
    assert sum("\\nother.toml: ok (Fine, 1 drill)\\r\\u2028" in line for line in lines) == 3
    assert sum("\\e]0;pwned" in line for line in lines) == 2


def test_a_file_name_with_escapes_is_printed_escaped(tmp_path, capsys):
    path = tmp_path / f"evil{ESC}]0;x\x07\r.toml"
    path.write_text(hostile_session(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err)
    assert "evil\\e]0;x\\x07\\r.toml: ok" in out


def test_plan_and_plan_json_escape_every_name(files, capsys):
    good, _ = files
    assert main(["plan", str(good)]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err)
    assert out.startswith(f"Deadlift day{SHOWN}")
    assert f"Get ready: Romanian deadlift{SHOWN}" in out and f"Lower{SHOWN}" in out

    assert main(["plan", str(good), "--json"]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err)
    plan = json.loads(out)  # still JSON, and the title is exactly what was loaded
    assert plan["title"] == load_session(good).title and "\u202e" in plan["title"]


def test_run_in_the_terminal_and_history_escape_captions_cautions_and_titles(files, tmp_path, capsys):
    good, _ = files
    data = tmp_path / "data"
    assert main(["run", str(good), "--terminal", "--speed", "200", "--accept-cautions",
                 "--data-dir", str(data)]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err)
    lines = out.splitlines()
    assert lines[0].startswith(f"Deadlift day{SHOWN}")
    caution = lines.index(next(x for x in lines if x.startswith("CAUTION: ")))
    assert lines[caution] == f"CAUTION: Romanian deadlift{SHOWN} \\u202e\\x9b31m"
    assert lines[caution + 1] == f"  Knees soft{SHOWN} \\u202e\\x9b31m"  # indented under its heading
    assert lines[caution + 2] == "Confirmed (--accept-cautions)."
    assert any("phase" in x and f"Lower it{SHOWN}" in x for x in lines)  # the say line, as a caption
    assert lines[-1] == "Sets completed: 3 of 3"

    # A history another program wrote to: its title and end reason keep raw CR, LF and U+2028.
    with sqlite3.connect(data / "history.sqlite3") as conn:
        conn.execute("UPDATE runs SET title = ?, status = 'ended', end_reason = ?", ("Mine" + NASTY, NASTY))
    conn.close()
    assert main(["history", "--data-dir", str(data)]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err)
    rows = out.splitlines()
    assert rows[0].startswith("1 run ·") and len(rows) == 3  # the count, the header, one run: no forged row
    assert "Mine\\e]0;pwned" in rows[2]
    assert rows[2].endswith(f"ended early ({SHOWN}\\r\\n\\u2028\\u202e\\x9b31m)")


def test_history_csv_on_a_terminal_is_escaped_but_piped_it_is_exact(files, tmp_path):
    good, _ = files
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = [sys.executable, "-m", "hinge_timer", "--data-dir", str(data)]
    subprocess.run([*run, "run", str(good), "--terminal", "--speed", "200", "--accept-cautions"],
                   capture_output=True, timeout=120, cwd=REPO, env=env, check=True)
    with sqlite3.connect(data / "history.sqlite3") as conn:
        conn.execute("UPDATE runs SET title = ?", ("Mine" + NASTY,))
    conn.close()
    piped = subprocess.run([*run, "history", "--csv", "-"], capture_output=True, timeout=60, cwd=REPO, env=env)
    assert piped.returncode == 0 and ("Mine" + NASTY).encode() in piped.stdout  # exact: data for programs

    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\n" -> "\r\n" by the terminal itself: every CR seen is the program's
    proc = subprocess.Popen([*run, "history", "--csv", "-"], stdout=slave, stderr=subprocess.PIPE,
                            cwd=REPO, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    for b in FORBIDDEN_BYTES:
        assert b not in seen, f"{b!r} reached the terminal"
    # Each field escaped (backslashes left as they are), one row a line.
    assert "Mine\\e]0;pwned\\e\\\\e]0;owned\\x07\\e[2J\\e[8m\\e]52;c;SGVsbG8=\\x07\\r\\n\\u2028\\u202e\\x9b31m".encode() in seen
    records = list(csv.reader(io.StringIO(piped.stdout.decode("utf-8"), newline="")))
    assert len(records) == 4 and len(seen.splitlines()) == 4  # the header and one row a set, one line each


@pytest.mark.parametrize("command", [
    ["validate", "{good}", "{bad}"],
    ["plan", "{good}"],
    ["plan", "{good}", "--json"],
    ["run", "{good}", "--terminal", "--speed", "200", "--accept-cautions"],
])
def test_a_real_process_writes_no_control_byte(files, tmp_path, command):
    good, bad = files
    argv = [a.format(good=good, bad=bad) for a in command]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "hinge_timer", "--data-dir", str(tmp_path / "data"), *argv],
                          capture_output=True, timeout=120, cwd=REPO, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr
    for stream in (proc.stdout, proc.stderr):
        for b in FORBIDDEN_BYTES:
            assert b not in stream, f"{b!r} written by {argv[0]}"
    assert SHOWN.encode() in proc.stdout + proc.stderr or b"\\u001b]0;pwned" in proc.stdout  # (JSON: \\u)
