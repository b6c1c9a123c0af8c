"""One window per data folder, for real: `hinge-timer` started again as a real process (app/instance.py).

The first window runs offscreen with its own --data-dir and a private $XDG_RUNTIME_DIR; what it got is read
from its event log (a session it started), its history (a real SQLite file) and its log (-v, on stderr).
A second start must end at once with its one line and exit 0; a first killed with SIGKILL (its socket file
left behind) or frozen with SIGSTOP must not stop or hold back the next start.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

FRONT = "Hinge Timer is already open: brought it to the front"

OWN = """\
format = 1
title = "Ana's lunchtime hinge (knee-friendly)"

[defaults]
get_ready = 7
switch_sides = 4

[[drill]]
name = "Banded hinge, band high in the groin"
hold = [37, 53]
sets = [1, 3]
sides = ["right", "left"]
"""


@pytest.fixture
def runtime():
    """A private runtime folder with a short path, for the socket (this test's own: no real instance meets it)."""
    folder = Path(tempfile.mkdtemp(prefix="ht-rt-"))
    folder.chmod(0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class Apps:
    """The processes a test starts; every one still running is killed at the end."""

    def __init__(self, tmp_path: Path, runtime: Path) -> None:
        self.tmp = tmp_path
        self.runtime = runtime
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
        self.procs: list[subprocess.Popen] = []
        self.count = 0

    def window(self, data: Path, *args: str, plain: bool = False) -> tuple[subprocess.Popen, Path, Path]:
        """A window (-v, no sound, at 20× speed; ``plain``: none of these options, which a second start
        cannot hand over): the process, its event log and its stderr file."""
        self.count += 1
        log, err = self.tmp / f"events-{self.count}.jsonl", self.tmp / f"stderr-{self.count}.txt"
        options = [] if plain else ["--audio", "none", "--speed", "20", "--event-log", str(log)]
        with open(err, "w") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "hinge_timer", "-v", "--data-dir", str(data), *options, *args],
                cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=fh)
        self.procs.append(proc)
        return proc, log, err

    def once(self, data: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """A command run to its end (a second start ends at once)."""
        return subprocess.run([sys.executable, "-m", "hinge_timer", "--data-dir", str(data), *args],
                              cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGCONT)
                proc.kill()
                proc.wait(timeout=30)


@pytest.fixture
def apps(tmp_path, runtime):
    a = Apps(tmp_path, runtime)
    yield a
    a.close()


def wait_until(pred, proc: subprocess.Popen, what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if pred():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode} while waiting for {what}")
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def starts(log: Path) -> list[dict]:
    """The sessions a window started (the event log's start records)."""
    out = []
    for line in text(log).splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # a line still being written
        if rec.get("t") == "start":
            out.append(rec)
    return out


def listening(err: Path) -> bool:
    return "single instance: listening at" in text(err)


def sockets(runtime: Path) -> list[Path]:
    return sorted(runtime.glob("hinge-timer-*.sock"))


def runs_in_history(data: Path) -> list[tuple]:
    db = data / "history.sqlite3"
    if not db.exists():
        return []
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT title, dose, session_key FROM runs ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []  # being made
    finally:
        conn.close()


def test_a_second_start_hands_its_file_to_the_first_and_a_killed_first_does_not_stop_the_next(apps, tmp_path,
                                                                                               runtime):
    data = tmp_path / "data"
    own = tmp_path / "Ana's sessions" / "lunch hinge.toml"
    own.parent.mkdir()
    own.write_text(OWN, encoding="utf-8")
    first, first_log, first_err = apps.window(data)
    wait_until(lambda: listening(first_err), first, "the first to listen")
    (sock,) = sockets(apps.runtime)
    assert sock.stat().st_mode & 0o077 == 0

    # `hinge-timer run FILE` again: the first starts the file at the dose asked, the second ends at once.
    second = apps.once(data, "run", str(own), "--dose", "high")
    assert (second.returncode, second.stdout, second.stderr) == (
        0, f"{FRONT} and asked it to open lunch hinge.toml\n", "")
    wait_until(lambda: starts(first_log), first, "the first to start the file")
    (record,) = starts(first_log)
    assert (record["title"], record["dose"]) == ("Ana's lunchtime hinge (knee-friendly)", "high")
    wait_until(lambda: runs_in_history(data), first, "the run in the history")
    assert runs_in_history(data) == [("Ana's lunchtime hinge (knee-friendly)", "high", str(own))]

    # While that session runs, another start does not interrupt it.
    third = apps.once(data, "run", "quick-warm-up")
    assert (third.returncode, third.stdout) == (
        0, f"{FRONT}; a session is running there, so quick-warm-up was not opened\n")
    wait_until(lambda: "started again with quick-warm-up: it was not opened" in text(first_err), first, "the notice")
    assert len(starts(first_log)) == 1
    assert '"end_session"' not in text(first_log)

    # Commands that open no window are not affected.
    plan = apps.once(data, "plan", str(own), "--dose", "high")
    assert plan.returncode == 0 and "Banded hinge, band high in the groin" in plan.stdout and FRONT not in plan.stdout
    terminal = apps.once(data, "run", "quick-warm-up", "--terminal", "--speed", "500")
    assert terminal.returncode == 0 and "Sets completed: 4 of 4" in terminal.stdout
    assert FRONT not in terminal.stdout
    assert len(starts(first_log)) == 1

    # SIGKILL: the socket file stays behind, and the next start is the first all the same.
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert sockets(apps.runtime) == [sock]
    fourth, _, fourth_err = apps.window(data)
    wait_until(lambda: listening(fourth_err), fourth, "the next start to listen")
    assert "Connection refused" in text(fourth_err)  # it found the dead one's socket, and went on
    fifth = apps.once(data)
    assert (fifth.returncode, fifth.stdout, fifth.stderr) == (0, FRONT + "\n", "")
    wait_until(lambda: "another start asked: show" in text(fourth_err), fourth, "the show request")
    again = apps.once(data, "resume")  # `resume` too: the window it has comes to the front
    assert (again.returncode, again.stdout) == (0, FRONT + "\n")

    # Closed (Ctrl-C here): its socket file goes with it.
    fourth.send_signal(signal.SIGINT)
    assert fourth.wait(timeout=30) == 130
    assert sockets(apps.runtime) == []


def test_a_first_that_does_not_answer_does_not_hold_the_second_back(apps, tmp_path):
    data = tmp_path / "data"
    first, first_log, first_err = apps.window(data)
    wait_until(lambda: listening(first_err), first, "the first to listen")
    first.send_signal(signal.SIGSTOP)  # frozen: its socket accepts, nobody reads
    began = time.monotonic()
    second, second_log, second_err = apps.window(data, "run", "quick-warm-up")
    wait_until(lambda: starts(second_log), second, "the second to start its own session")
    took = time.monotonic() - began
    assert "did not answer within 1.0 s; opening another window" in text(second_err)
    # A start with no first takes a few seconds here; one that waited on the frozen first (its 20 s claim
    # wait, or the conversation's) would take longer.
    assert took < 15
    wait_until(lambda: listening(second_err), second, "the second to listen")

    # The newest window answers from now on, and the frozen one, woken, does nothing it was asked.
    third = apps.once(data)
    assert (third.returncode, third.stdout) == (0, FRONT + "\n")
    wait_until(lambda: "another start asked: show" in text(second_err), second, "the show request")
    first.send_signal(signal.SIGCONT)
    wait_until(lambda: "went away without saying go: ignored" in text(first_err), first, "the first to wake")
    assert starts(first_log) == []

    # The old one ends first: it leaves the newer one's socket, which still answers.
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=30) == 130
    fourth = apps.once(data)
    assert (fourth.returncode, fourth.stdout) == (0, FRONT + "\n")
    assert text(second_err).count("another start asked: show") == 2


def test_two_data_folders_never_meet_and_starts_at_one_moment_open_one_window(apps, tmp_path):
    a, a_log, a_err = apps.window(tmp_path / "a")
    wait_until(lambda: listening(a_err), a, "a window on folder a")
    b, b_log, b_err = apps.window(tmp_path / "b")
    wait_until(lambda: listening(b_err), b, "a window on folder b")  # its own window: it did not meet a
    assert a.poll() is None and b.poll() is None
    assert "another start asked" not in text(a_err)
    assert len(sockets(apps.runtime)) == 2

    # Three starts on a third folder at the same moment (a launcher clicked three times): one window.
    together = [apps.window(tmp_path / "c", plain=True)[0] for _ in range(3)]
    deadline = time.monotonic() + 60
    while sum(p.poll() is None for p in together) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    ended = [p for p in together if p.poll() is not None]
    assert len(ended) == 2 and all(p.returncode == 0 for p in ended)
    (kept,) = [p for p in together if p.poll() is None]
    kept_err = apps.tmp / f"stderr-{3 + together.index(kept)}.txt"
    wait_until(lambda: text(kept_err).count("another start asked: show") == 2, kept, "both requests")


def test_a_second_start_with_options_of_its_own_says_so_and_leaves_the_first_alone(apps, tmp_path):
    data = tmp_path / "data"
    first, first_log, first_err = apps.window(data)
    wait_until(lambda: listening(first_err), first, "the first to listen")
    faster = apps.once(data, "run", "quick-warm-up", "--speed", "10")
    assert (faster.returncode, faster.stdout, faster.stderr) == (
        1, "", "Hinge Timer is already open for this data folder: brought it to the front; close it first to "
               "start with --speed\n")
    kiosk = apps.once(data, "--kiosk", "--audio", "none")
    assert (kiosk.returncode, kiosk.stderr) == (
        1, "Hinge Timer is already open for this data folder: brought it to the front; close it first to "
           "start with --kiosk and --audio\n")
    wait_until(lambda: text(first_err).count("another start asked: show") == 2, first, "both to be brought up")
    assert starts(first_log) == []  # nothing started there at another speed
    assert "another start asked: run" not in text(first_err)


# A first that is slow to start: it holds the claim lock (as a real start does while its window is built)
# until told to go on, then listens at the address, lets go of the lock and answers one request.
SLOW_FIRST = """\
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QLockFile, QTimer
from hinge_timer.app import instance

app = QCoreApplication([])
where = instance.address(Path(sys.argv[1]))
lock = QLockFile(str(where.lock))
assert lock.tryLock(0)
print("held", flush=True)
if sys.stdin.readline() != "go on\\n":
    sys.exit(0)  # held until killed
server = instance.InstanceServer(where.server, lambda request: "shown")
lock.unlock()
print("listening", flush=True)
server.request_confirmed.connect(lambda request: (print("asked:", request.command, flush=True), app.quit()))
QTimer.singleShot(60_000, app.quit)
app.exec()
server.close()
"""


def slow_first(apps: Apps, data: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_FIRST, str(data)], cwd=REPO, env=apps.env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    apps.procs.append(proc)
    assert proc.stdout.readline() == "held\n"
    return proc


def test_a_start_waits_for_a_first_that_is_slow_to_open_its_window(apps, tmp_path):
    data = tmp_path / "data"
    first = slow_first(apps, data)
    second, _, second_err = apps.window(data, plain=True)
    # Past the 2 s after which a start used to go on without the lock (and open a second window).
    wait_until(lambda: "waiting for it, at most 20 s" in text(second_err) or listening(second_err), second,
               "the second to wait", limit=60)
    time.sleep(1.5)
    assert not listening(second_err) and second.poll() is None
    first.stdin.write("go on\n")
    first.stdin.flush()
    assert first.stdout.readline() == "listening\n"
    assert second.wait(timeout=30) == 0  # handed to the first, which got it
    assert first.stdout.readline() == "asked: show\n"
    assert not listening(second_err)  # it opened no window of its own
    first.stdin.close()
    first.stdout.close()


def test_a_start_whose_first_never_gets_its_window_open_ends_with_a_line(apps, tmp_path):
    data = tmp_path / "data"
    first = slow_first(apps, data)
    began = time.monotonic()
    second = apps.once(data, "run", "quick-warm-up", timeout=90)
    assert time.monotonic() - began >= 20
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr == (f"hinge-timer: Hinge Timer is still opening its window for this data folder "
                             f"(process {first.pid}), after 20 s; try again once it is open\n")
    assert first.poll() is None
    first.stdin.close()
    first.stdout.close()
