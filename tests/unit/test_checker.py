"""The checker of the user's session files (session/checker.py) with its real child process: what it finds
is what checking in-process finds; a child killed with SIGKILL, one that takes too long, one that cannot
start, and a listing cancelled mid-file each leave the app with a clear entry and no process behind."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from hinge_timer.session.catalogue import load_entry
from hinge_timer.session.checker import FileChecker
from tests.qt.test_hostile_sessions_window import MINE, SLOW

OWN = """format = 1
title = "Kim's odd one"
[[drill]]
name = "Hip airplane, wall-assisted"
hold = 37
sides = ["right", "left"]
sets = 3
[[drill]]
name = "Slow hinge — breathe"
reps = 7
tempo = [{ phase = "Tip", seconds = 3, say = "Tip, slowly" }, { phase = "Rise", seconds = 2 }]
"""
TYPO = OWN.replace("hold = 37", "hlod = 37")


def write(folder, files: dict[str, str]):
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not left running, but it must be reaped too
        return f.read().split(") ")[1][0] != "Z"


@pytest.fixture
def checker():
    c = FileChecker()
    yield c
    c.cancel()
    c.close()


def test_it_finds_what_checking_in_this_process_finds(tmp_path, checker):
    paths = write(tmp_path, {"mine.toml": MINE, "own.toml": OWN, "typo.toml": TYPO, "slow.toml": SLOW["near-miss keys"],
                             "é ünïcode \u202e name.toml": OWN, "empty.toml": ""})
    (tmp_path / "folder.toml").mkdir()
    paths.append(tmp_path / "folder.toml")
    for path in paths:
        got, here = checker.check(path), load_entry(str(path), path, False)
        assert (got.key, got.builtin) == (here.key, False)
        assert (got.session is None) == (here.session is None), path.name
        if here.session is not None:
            assert got.session == here.session
        else:
            assert got.error.problems == here.error.problems and got.error.count == here.error.count
    assert not checker.in_process and checker.pid is not None  # one child did them all
    typo = checker.check(tmp_path / "typo.toml")
    assert 'unknown key "hlod"' in str(typo.error) and 'did you mean "hold"' in str(typo.error)


def test_a_child_killed_on_a_file_gives_that_file_an_error_and_the_next_a_new_child(tmp_path, checker):
    slow, own = write(tmp_path, {"slow.toml": SLOW["near-miss keys"], "own.toml": OWN})
    assert checker.check(own).session is not None
    first = checker.pid
    killer = threading.Timer(0.1, lambda: os.kill(first, signal.SIGKILL))
    killer.start()
    entry = checker.check(slow)  # takes 0.3-0.75 s: killed in the middle
    killer.join()
    assert entry.session is None
    assert str(entry.error) == f"{slow}: could not be checked: the checking process stopped on it (killed by SIGKILL)"
    assert not alive(first)
    after = checker.check(own)
    assert after.session is not None and after.session.title == "Kim's odd one"
    assert checker.pid not in (None, first) and not checker.in_process


def test_a_file_that_takes_too_long_is_said_and_the_child_killed(tmp_path):
    slow, own = write(tmp_path, {"slow.toml": SLOW["near-miss keys"], "own.toml": OWN})
    checker = FileChecker(timeout_s=0.05)
    try:
        assert checker.check(own).session is not None  # a small file is well within it
        first = checker.pid
        entry = checker.check(slow)
        assert str(entry.error) == f"{slow}: took longer than 0.05 s to check, so it was not opened"
        assert not alive(first)
        assert checker.check(own).session is not None
    finally:
        checker.close()


@pytest.mark.parametrize("command", [["/nonexistent/python3"], [sys.executable, "-c", "print('hello')"],
                                     [sys.executable, "-c", "import sys; sys.exit(3)"]])
def test_with_no_child_that_starts_the_files_are_checked_here(tmp_path, command, caplog):
    own, typo = write(tmp_path, {"own.toml": OWN, "typo.toml": TYPO})
    checker = FileChecker(command)
    try:
        assert checker.check(own).session is not None
        assert 'unknown key "hlod"' in str(checker.check(typo).error)
        assert checker.in_process
        assert "checking them in the window's process instead" in caplog.text
    finally:
        checker.close()


def test_a_cancel_from_another_thread_returns_at_once_and_leaves_no_process(tmp_path, checker):
    (slow,) = write(tmp_path, {"slow.toml": SLOW["near-miss keys"]})
    checker.check(write(tmp_path, {"own.toml": OWN})[0])  # started
    pid = checker.pid
    took: list[float] = []

    def cancel_soon():
        time.sleep(0.05)
        start = time.perf_counter()
        checker.cancel()
        took.append(time.perf_counter() - start)

    threading.Thread(target=cancel_soon).start()
    start = time.perf_counter()
    entry = checker.check(slow)
    returned = time.perf_counter() - start
    checker.close()
    assert took and took[0] < 0.05  # the GUI thread's call never waits
    assert returned < 0.3 and entry.session is None  # the slow file alone takes 0.3-0.75 s
    assert not alive(pid) and checker.pid is None
    assert checker.check(slow).error is not None and checker.pid is None  # and none is started again


def test_the_child_never_runs_code_from_the_folder_the_app_was_started_in(tmp_path, monkeypatch):
    """Started in Downloads, say, which holds a json.py: the checking process must not import it."""
    marker = tmp_path / "ran"
    (tmp_path / "json.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(9)\n")
    (own,) = write(tmp_path, {"own.toml": OWN})
    monkeypatch.chdir(tmp_path)
    checker = FileChecker()
    try:
        assert checker.check(own).session is not None and not checker.in_process
    finally:
        checker.close()
    assert not marker.exists()
