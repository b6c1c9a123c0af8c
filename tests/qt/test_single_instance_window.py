"""One window per data folder, the first instance's side (app/instance.py, ui/app.py `SecondStarts`).

A real window listens on a real local socket; the other start is played by a plain AF_UNIX socket from this
test (non-blocking, so the window's event loop runs while the test waits for its answer).  The whole thing
with real processes (a second `hinge-timer`, SIGKILL, SIGSTOP) is tests/integration/test_single_instance.py.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from hinge_timer.app import instance
from hinge_timer.app.instance import Request
from hinge_timer.cli import build_parser
from hinge_timer.kiosk.config import KioskConfig
from hinge_timer.ui import dialogs
from hinge_timer.ui.app import SecondStarts, handed_over_line, options_line, own_options, start_request
from tests.qt.conftest import App

# The offscreen platform cannot raise a window (a real one is raised under X: the integration test).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

# A session someone wrote for themselves: their own names, both sides, odd numbers, a dose range.
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

[[drill]]
name = "Dowel hinge: head, upper back, tailbone"
reps = 9
sets = 1
"""


@pytest.fixture
def runtime(monkeypatch):
    """A private runtime folder with a short path (a socket's path is limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="ht-rt-"))
    folder.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_file(tmp_path) -> Path:
    path = tmp_path / "Ana's sessions" / "lunch hinge.toml"
    path.parent.mkdir()
    path.write_text(OWN, encoding="utf-8")
    return path


class Peer:
    """Another start of the app, as a plain socket: what it sends and what it reads back."""

    def __init__(self, qtbot, server: str) -> None:
        self.qtbot = qtbot
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(server)
        self.sock.setblocking(False)
        self.got = b""
        self.eof = False

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read(self) -> None:
        try:
            while not self.eof:
                chunk = self.sock.recv(4096)
                if not chunk:
                    self.eof = True
                self.got += chunk
        except BlockingIOError:
            pass
        except ConnectionResetError:
            self.eof = True

    def answer(self) -> str:
        """The first's answer line (waits for it while the window's loop runs)."""
        self.qtbot.waitUntil(lambda: (self._read(), b"\n" in self.got or self.eof)[1], timeout=5000)
        assert b"\n" in self.got, f"closed without an answer: {self.got!r}"
        line, self.got = self.got.split(b"\n", 1)
        return line.decode("ascii")

    def closed_by_the_first(self) -> bool:
        self.qtbot.waitUntil(lambda: (self._read(), self.eof)[1], timeout=5000)
        return self.eof

    def close(self) -> None:
        self.sock.close()


class Listening:
    """A window and its SecondStarts, listening after its first paint, as `run_gui` sets them up."""

    def __init__(self, qtbot, window, folder: Path) -> None:
        self.qtbot = qtbot
        self.window = window
        self.start = instance.Start(folder)
        assert self.start.hand_over(Request(instance.SHOW)) is None  # nobody there: this is the first
        self.seconds = SecondStarts(window, self.start, lambda: window.home.dose)
        window.update()  # the next paint starts the listening
        qtbot.waitUntil(lambda: self.seconds.server is not None, timeout=5000)
        self.address = self.start.address
        self.peers: list[Peer] = []

    def peer(self) -> Peer:
        self.peers.append(Peer(self.qtbot, self.address.server))
        return self.peers[-1]

    def ask(self, request: Request, go: bool = True) -> str:
        peer = self.peer()
        peer.send(request.encode())
        answer = peer.answer()
        if go:
            peer.send(b"go\n")
        peer.close()
        return answer

    def settled(self) -> None:
        """Every connection dealt with (the go read, or the sender gone)."""
        self.qtbot.waitUntil(lambda: not self.seconds.server.conversations, timeout=5000)

    def close(self) -> None:
        for peer in self.peers:
            peer.close()
        self.seconds.close()


@pytest.fixture
def first(app, runtime, qtbot):
    listening = Listening(qtbot, app.window, app.data)
    yield listening
    listening.close()


# -- the window's side -----------------------------------------------------------------------------------------


def test_a_second_start_brings_the_minimised_window_back_to_the_front(app, first, qtbot):
    window = app.window
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    assert first.ask(Request(instance.SHOW)) == "shown"
    qtbot.waitUntil(lambda: not window.isMinimized() and window.isActiveWindow())
    assert window.stack.currentWidget() is window.home  # nothing else changed
    assert app.driver is None


def test_run_file_opens_the_users_session_on_home_and_starts_it_at_the_dose_asked(app, first, own_file, qtbot):
    request = Request(instance.RUN, path=str(own_file), dose="high")
    assert first.ask(request) == "started"
    qtbot.waitUntil(lambda: app.driver is not None)
    timeline = app.driver.runner.timeline
    assert timeline.session.title == "Ana's lunchtime hinge (knee-friendly)"
    assert timeline.dose == "high"
    assert app.window.home.current.key == str(own_file)  # on Home, chosen, as File → Open does
    assert app.window.stack.currentWidget() is app.screen
    # the high end of the ranges: 3 sets of 53 s on each leg, then the 9 counted reps
    holds = [s for s in timeline.steps if s.drill_name.startswith("Banded") and s.kind.name == "WORK"]
    assert [(s.set_no, s.side, s.duration) for s in holds] == [
        (n, side, 53.0) for n in (1, 2, 3) for side in ("right", "left")]


def test_run_by_a_built_in_name_starts_that_built_in(app, first, qtbot):
    assert first.ask(Request(instance.RUN, builtin="quick-warm-up", dose="low")) == "started"
    qtbot.waitUntil(lambda: app.driver is not None)
    assert app.driver.runner.timeline.session.title == "Quick warm-up before lifting"


def test_while_a_session_runs_the_file_is_not_opened_and_the_screen_says_so(app, first, own_file, qtbot):
    posted = []
    app.window.messages.message_posted.connect(lambda *notice: posted.append(notice))
    driver = app.start("Hip hinge mobility")
    app.advance(12)
    step = driver.runner.snapshot(driver.clock()).step_index
    assert first.ask(Request(instance.RUN, path=str(own_file), dose="low")) == "busy"
    qtbot.waitUntil(lambda: app.screen.status.text() == "Not started: lunch hinge.toml")
    assert ("session", "status", "info", "Not started: lunch hinge.toml",  # the whole sentence as its detail
            "Hinge Timer was started again with lunch hinge.toml: it was not opened, so that this session goes on. "
            "Open it from Home when you are done.") in posted
    assert app.driver is driver and not driver.finished  # the session goes on where it was
    assert driver.runner.snapshot(driver.clock()).step_index == step
    assert str(own_file) not in [e.key for e in app.window.home.entries]
    assert app.window.stack.currentWidget() is app.screen


def test_after_a_session_has_ended_a_second_start_runs_its_file(app, first, own_file, qtbot):
    driver = app.start("Quick warm-up before lifting")
    app.until(lambda: driver.finished)
    assert app.window.stack.currentWidget() is app.window.done
    assert first.ask(Request(instance.RUN, path=str(own_file), dose="low")) == "started"
    qtbot.waitUntil(lambda: app.driver is not None and app.driver is not driver)
    assert app.driver.runner.timeline.session.title.startswith("Ana's lunchtime hinge")


def test_a_sender_that_never_says_go_gets_nothing_done(app, first, own_file, qtbot):
    """A second start that gave up waiting (and opened its own window) must not also start the file here."""
    assert first.ask(Request(instance.RUN, path=str(own_file), dose="low"), go=False) == "started"
    first.settled()
    assert app.driver is None
    assert str(own_file) not in [e.key for e in app.window.home.entries]


def test_a_built_in_name_is_looked_for_only_among_the_built_ins(app, first, tmp_path, monkeypatch, fake_dialogs,
                                                                 qtbot):
    """A file and a folder named like built-ins where the first window was started are not opened."""
    where = tmp_path / "where the first was started"
    where.mkdir()
    (where / "quick-warm-up").write_text(OWN, encoding="utf-8")
    (where / "hip-hinge-basics").mkdir()
    monkeypatch.chdir(where)
    assert first.ask(Request(instance.RUN, builtin="hip-hinge-basics", dose="low")) == "started"
    qtbot.waitUntil(lambda: app.driver is not None)
    assert app.driver.runner.timeline.session.title == "Hip hinge basics"
    app.window.end_driver()
    assert first.ask(Request(instance.RUN, builtin="quick-warm-up", dose="low")) == "started"
    qtbot.waitUntil(lambda: app.driver is not None)
    assert app.driver.runner.timeline.session.title == "Quick warm-up before lifting"
    assert fake_dialogs.errors == []
    assert not [e for e in app.window.home.entries if not e.builtin and "where the first" in e.key]


def test_a_session_started_while_a_files_problems_were_shown_is_not_ended_by_its_reload(
        app, first, tmp_path, fake_dialogs, monkeypatch, qtbot):
    """A's file has a mistake (its problems in a dialog); meanwhile B starts a built-in; then A is fixed and
    Reload pressed: B's session goes on, and A is not started over it."""
    broken = tmp_path / "Ana's sessions" / "almost.toml"
    broken.parent.mkdir()
    broken.write_text(OWN.replace("reps = 9", "reps = nine"), encoding="utf-8")
    started_during = []

    def problems_open(parent, title, where, problems, recheck=None):
        # The dialog's own loop runs while the user reads it: B's request comes and is dealt with.
        assert first.ask(Request(instance.RUN, builtin="quick-warm-up", dose="low")) == "started"
        qtbot.waitUntil(lambda: app.driver is not None)
        started_during.append(app.driver)
        broken.write_text(OWN, encoding="utf-8")  # the user fixes A, then presses Reload
        done = []
        recheck(done.append)
        qtbot.waitUntil(lambda: bool(done))
        assert done == [None]  # it loads now
        return True

    monkeypatch.setattr(dialogs, "show_problems", problems_open)
    assert first.ask(Request(instance.RUN, path=str(broken), dose="high")) == "started"
    qtbot.waitUntil(lambda: bool(started_during))
    first.settled()
    qtbot.waitUntil(lambda: app.screen.status.text() == "Not started: almost.toml")
    (driver,) = started_during
    assert app.driver is driver and not driver.finished  # B goes on
    assert driver.runner.timeline.session.title == "Quick warm-up before lifting"


def test_while_a_dialog_is_open_a_second_starts_file_is_not_opened(app, first, own_file, qtbot):
    question = QDialog(app.window)
    question.setModal(True)
    question.show()
    qtbot.waitUntil(lambda: question.isVisible())
    try:
        assert first.ask(Request(instance.RUN, path=str(own_file), dose="low")) == "occupied"
        first.settled()
        assert app.driver is None and question.isVisible()
        assert str(own_file) not in [e.key for e in app.window.home.entries]
        assert first.ask(Request(instance.SHOW)) == "shown"
    finally:
        question.reject()
    assert first.ask(Request(instance.RUN, path=str(own_file), dose="low")) == "started"  # closed: it opens
    qtbot.waitUntil(lambda: app.driver is not None)


def test_while_the_help_is_open_a_second_starts_session_is_not_started(app, first, qtbot):
    app.window.toggle_help()
    qtbot.waitUntil(lambda: app.window.help.isVisible())
    assert first.ask(Request(instance.RUN, builtin="quick-warm-up", dose="low")) == "occupied"
    first.settled()
    assert app.driver is None and app.window.help.isVisible()


def test_a_file_that_no_longer_loads_is_said_in_a_dialog_like_file_open(app, first, tmp_path, fake_dialogs, qtbot):
    gone = tmp_path / "deleted since.toml"
    assert first.ask(Request(instance.RUN, path=str(gone), dose="low")) == "started"
    qtbot.waitUntil(lambda: bool(fake_dialogs.errors))
    ((title, text),) = fake_dialogs.errors
    assert title == "This session cannot be opened" and str(gone) in text and "no such file" in text
    assert app.driver is None and app.window.stack.currentWidget() is app.window.home


def test_a_fifo_sent_as_the_file_is_refused_without_waiting_on_it(app, first, tmp_path, fake_dialogs, deadline,
                                                                  qtbot):
    fifo = tmp_path / "not a session.toml"
    os.mkfifo(fifo)  # opening it for reading the usual way would block until someone writes
    assert first.ask(Request(instance.RUN, path=str(fifo), dose="low")) == "started"
    qtbot.waitUntil(lambda: bool(fake_dialogs.errors))
    ((title, text),) = fake_dialogs.errors
    assert title == "This session cannot be opened" and "FIFO" in text
    assert app.driver is None


@pytest.fixture
def kiosk_app(qtbot, tmp_path, fake_dialogs):
    k = App(qtbot, tmp_path, kiosk=KioskConfig(enabled=True), kiosk_clock=lambda: 0.0)
    yield k
    k.window.kiosk.allow_exit = True
    k.window.close()
    k.window.end_driver()


def test_a_kiosk_comes_to_the_front_but_opens_no_file(kiosk_app, runtime, own_file, qtbot):
    window = kiosk_app.window
    window.showFullScreen()
    qtbot.waitUntil(window.isFullScreen)
    first = Listening(qtbot, window, kiosk_app.data)
    try:
        assert first.ask(Request(instance.RUN, path=str(own_file), dose="low")) == "refused"
        first.settled()
        assert kiosk_app.driver is None
        assert str(own_file) not in [e.key for e in window.home.entries]
        assert window.isFullScreen() and window.stack.currentWidget() is window.kiosk_home
    finally:
        first.close()


# -- requests are data --------------------------------------------------------------------------------------------


BAD = {
    b"hello\n": "not a line of JSON",
    b'["show"]\n': "not a Hinge Timer request",
    b'{"hinge_timer": 2, "command": "show"}\n': "not a Hinge Timer request of version 1",
    b'{"hinge_timer": 1, "command": "quit"}\n': "neither 'show' nor 'run'",
    b'{"hinge_timer": 1, "command": "show", "path": "/x.toml"}\n': "'show' takes no other field",
    b'{"hinge_timer": 1, "command": "run", "path": "lunch.toml"}\n': "the path is not absolute",
    b'{"hinge_timer": 1, "command": "run", "path": "/tmp/a\\u0000.toml"}\n': "the path is not a path",
    b'{"hinge_timer": 1, "command": "run", "path": "/a.toml", "builtin": "quick-warm-up"}\n': "either a file",
    b'{"hinge_timer": 1, "command": "run", "builtin": "../../etc/passwd"}\n': "not a name",
    b'{"hinge_timer": 1, "command": "run", "builtin": "quick-warm-up", "dose": "extreme"}\n': "the dose",
    b'{"hinge_timer": 1, "command": "run", "builtin": "quick-warm-up", "delete": true}\n': "unknown field 'delete'",
    b"[" * 100_000: "longer than 64 KiB",
    b"[" * 60_000 + b"\n": "not a line of JSON",  # nesting deep enough to break json's recursion
    b'{"hinge_timer": 1, "command": "show"}\xff\n': "not a line of JSON",
}


@pytest.mark.parametrize("data", list(BAD), ids=[f"bad{i}" for i in range(len(BAD))])
def test_a_malformed_request_is_ignored_and_logged_and_the_next_is_answered(app, first, data, caplog, qtbot):
    caplog.set_level(logging.WARNING, logger="hinge_timer.app.instance")
    peer = first.peer()
    peer.send(data)
    assert peer.closed_by_the_first()
    assert peer.got == b""  # no answer at all
    peer.close()
    (record,) = [r for r in caplog.records if "ignored a request" in r.getMessage()]
    assert BAD[data] in record.getMessage()
    assert app.driver is None and app.window.stack.currentWidget() is app.window.home
    assert first.ask(Request(instance.SHOW)) == "shown"  # still listening


def test_a_connection_that_says_nothing_is_dropped(app, runtime, monkeypatch, caplog, qtbot):
    monkeypatch.setattr(instance, "CONVERSATION_MS", 300)
    first = Listening(qtbot, app.window, app.data)
    try:
        peer = first.peer()
        assert peer.closed_by_the_first()
        peer.close()
        assert any("nothing within 0.3 s" in r.getMessage() for r in caplog.records)
    finally:
        first.close()


def test_requests_travel_whole_even_a_path_that_is_not_utf8(tmp_path):
    odd = os.fsdecode(b"/tmp/caf\xe9 \xff/lunch\nhinge.toml")  # a Latin-1 name, a line break
    for request in (Request(instance.SHOW), Request(instance.RUN, path=odd, dose="high"),
                    Request(instance.RUN, builtin="hip-hinge-basics")):
        line = request.encode()
        assert line.endswith(b"\n") and line.count(b"\n") == 1 and line.isascii()
        assert instance.decode(line[:-1]) == request
    assert Request(instance.RUN, path=odd).shown_name == "lunch\nhinge.toml"


def test_the_second_start_asks_for_the_file_by_its_absolute_path(tmp_path, monkeypatch, own_file):
    monkeypatch.chdir(own_file.parent)
    assert start_request("lunch hinge.toml", "high") == Request(instance.RUN, path=str(own_file), dose="high")
    assert start_request("quick-warm-up", "low") == Request(instance.RUN, builtin="quick-warm-up", dose="low")
    assert start_request(None, None) == Request(instance.SHOW)


def test_the_line_the_second_start_prints(own_file):
    run = Request(instance.RUN, path=str(own_file.parent / "evil\x1b]0;x\x07.toml"))
    assert handed_over_line("shown", Request(instance.SHOW)) == "Hinge Timer is already open: brought it to the front"
    assert handed_over_line("started", run) == (
        "Hinge Timer is already open: brought it to the front and asked it to open evil\\e]0;x\\x07.toml")
    assert handed_over_line("busy", run).endswith("a session is running there, so evil\\e]0;x\\x07.toml was not opened")
    assert "kiosk" in handed_over_line("refused", run)
    assert handed_over_line("occupied", run).endswith(
        "a dialog or the help is open there, so evil\\e]0;x\\x07.toml was not opened: close it and start again")


def test_options_the_open_window_would_not_follow():
    def given(*argv: str) -> list[str]:
        args = build_parser(list(argv)).parse_args(list(argv))
        return own_options(args, getattr(args, "fullscreen", False))

    assert given() == [] and given("run", "quick-warm-up", "--dose", "high") == [] and given("-v") == []
    assert given("run", "--speed", "1") == []  # the default, said out loud
    assert given("--kiosk") == ["--kiosk"]
    assert given("run", "lunch.toml", "--speed", "10") == ["--speed"]
    assert given("--audio", "none", "--event-log", "x.jsonl", "run", "--fullscreen") == [
        "--event-log", "--audio", "--fullscreen"]
    assert given("resume", "--fullscreen") == ["--fullscreen"]
    assert options_line(["--kiosk"]) == ("Hinge Timer is already open for this data folder: brought it to the "
                                         "front; close it first to start with --kiosk")
    assert options_line(["--speed", "--audio"]).endswith("to start with --speed and --audio")
    assert options_line(["--speed", "--audio", "--kiosk"]).endswith("with --speed, --audio and --kiosk")


# -- the address --------------------------------------------------------------------------------------------------


def test_each_data_folder_and_each_spelling_of_it(tmp_path, runtime):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (tmp_path / "link").symlink_to(a)
    at = instance.address(a)
    assert at is not None and Path(at.server).parent == runtime
    assert instance.address(b).server != at.server
    assert instance.address(tmp_path / "link").server == at.server
    assert instance.address(tmp_path / "b" / ".." / "a").server == at.server
    assert instance.address(tmp_path / "not made yet").server not in (at.server, instance.address(b).server)


@pytest.fixture
def temporary_folder(monkeypatch):
    """The temporary folder the socket falls back to (short, as /tmp is), this test's own."""
    folder = Path(tempfile.mkdtemp(prefix="ht-tmp-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_runtime_folder_others_may_enter_is_not_used(tmp_path, runtime, temporary_folder):
    runtime.chmod(0o755)
    at = instance.address(tmp_path / "data")
    own = temporary_folder / f"hinge-timer-{os.getuid()}"
    assert Path(at.server).parent == own  # made for this user only
    assert own.stat().st_mode & 0o777 == 0o700


def test_a_link_planted_in_the_temporary_folder_is_refused(tmp_path, monkeypatch, temporary_folder, caplog):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (temporary_folder / f"hinge-timer-{os.getuid()}").symlink_to(tmp_path / "elsewhere")
    assert instance.address(tmp_path / "data") is None  # each start opens its own window, as before
    assert any("is not a folder" in r.getMessage() for r in caplog.records)


# Another start, holding the claim lock while its window is built (a real process, with its own Qt).
HOLDER = """\
import sys, time
from PySide6.QtCore import QCoreApplication, QLockFile
app = QCoreApplication([])
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.unlock()
print("released", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path, runtime):
    """``hold(seconds)``: a process that takes the data folder's claim lock, and lets go of it after that."""
    procs = []

    def hold(seconds: float) -> subprocess.Popen:
        lock = instance.address(tmp_path / "data").lock
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(seconds)], stdout=subprocess.PIPE,
                                text=True)
        procs.append(proc)
        assert proc.stdout.readline() == "held\n"
        return proc

    yield hold
    for proc in procs:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_a_start_waits_for_one_whose_window_is_still_being_built_and_never_opens_a_second(tmp_path, holder,
                                                                                           caplog):
    caplog.set_level(logging.INFO, logger="hinge_timer.app.instance")
    holder(3.5)  # longer than a start used to wait (2 s), after which it went on as a first as well
    start = instance.Start(tmp_path / "data")
    began = time.monotonic()
    try:
        assert start.hand_over(Request(instance.SHOW)) is None  # nobody listens: the other start gave up
        assert time.monotonic() - began > 3.0  # it waited for the other to let go
        assert start._lock is not None  # and holds the claim now: no third start can go on meanwhile
        assert any("still opening its window; waiting for it, at most 20 s" in r.getMessage()
                   for r in caplog.records)
    finally:
        start.release()


def test_a_start_that_waited_its_longest_ends_rather_than_open_a_second_window(tmp_path, holder):
    proc = holder(60)
    start = instance.Start(tmp_path / "data", claim_wait_ms=2500)
    began = time.monotonic()
    with pytest.raises(instance.StillStarting) as raised:
        start.hand_over(Request(instance.RUN, builtin="quick-warm-up"))
    assert time.monotonic() - began >= 2.4
    assert str(raised.value) == (
        f"hinge-timer: Hinge Timer is still opening its window for this data folder (process {proc.pid}), "
        f"after 2.5 s; try again once it is open")
    assert start._lock is None


def test_a_lock_left_by_a_dead_process_is_taken_over_at_once(tmp_path, holder):
    proc = holder(60)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    start = instance.Start(tmp_path / "data")
    began = time.monotonic()
    try:
        assert start.hand_over(Request(instance.SHOW)) is None
        assert time.monotonic() - began < 1.0
        assert start._lock is not None
    finally:
        start.release()


def test_an_instance_that_ends_removes_only_its_own_socket_file(app, runtime, qtbot):
    """One that did not answer in time, and ends after a newer one took over, leaves the newer one's file."""
    address = instance.address(app.data)
    older = instance.InstanceServer(address.server, lambda r: "busy")
    newer = instance.InstanceServer(address.server, lambda r: "shown")
    assert older.listening and newer.listening
    older.close()
    assert os.path.exists(address.server)
    peer = Peer(qtbot, address.server)
    try:
        peer.send(Request(instance.SHOW).encode())
        assert peer.answer() == "shown"  # the newer one
    finally:
        peer.close()
        newer.close()
    assert not os.path.lexists(address.server)


def test_the_socket_is_for_this_user_only(first):
    mode = os.stat(first.address.server).st_mode & 0o777
    assert mode & 0o077 == 0, oct(mode)
    assert os.stat(Path(first.address.server).parent).st_mode & 0o077 == 0


def test_window_keeps_its_full_screen_when_brought_to_the_front(app, first, qtbot):
    app.window.showFullScreen()
    qtbot.waitUntil(app.window.isFullScreen)
    assert first.ask(Request(instance.SHOW)) == "shown"
    first.settled()
    assert app.window.isFullScreen()
    assert app.window.windowState() & Qt.WindowState.WindowFullScreen


def test_json_requests_are_one_line(own_file):
    line = Request(instance.RUN, path=str(own_file), dose="low").encode()
    assert json.loads(line) == {"hinge_timer": 1, "command": "run", "path": str(own_file), "dose": "low"}
