"""Screen sleep held off through a real D-Bus: a private session bus (dbus-daemon), a stand-in
screen saver owning org.freedesktop.ScreenSaver (tests/dbus_screensaver.py), and the app as a real
process in kiosk mode.  Inhibit at the session's start; UnInhibit at its end, when it is stopped,
and, when the app is killed, the bus closes its connection and the screen saver lets go."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def bus(tmp_path):
    if shutil.which("dbus-daemon") is None:
        why = "dbus-daemon is not installed (apt-get install dbus)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
    address = daemon.stdout.readline().strip()
    assert address, "dbus-daemon printed no address"
    yield address
    daemon.terminate()
    daemon.wait(timeout=10)
    daemon.stdout.close()


@pytest.fixture
def screensaver(bus, tmp_path):
    record = tmp_path / "screensaver.jsonl"
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus)
    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "dbus_screensaver.py"), str(record)], env=env)
    wait_for(lambda: events(record), "the screen saver to start")
    yield record
    proc.terminate()
    proc.wait(timeout=10)


def events(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines() if line.strip()]


def start_app(bus: str, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "hinge_timer", "--kiosk", "-v", "run", "quick-warm-up", "--audio", "none",
         "--data-dir", str(tmp_path / "data"), *extra],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def calls(record: Path, name: str) -> list[dict]:
    return [e for e in events(record) if e.get("call") == name]


def test_inhibit_at_the_start_and_uninhibit_at_the_end(bus, screensaver, tmp_path):
    app = start_app(bus, tmp_path, "--speed", "100")  # 4:39 of session in under 3 s
    try:
        (inhibit,) = wait_for(lambda: calls(screensaver, "Inhibit"), "Inhibit")
        assert inhibit["app"] == "io.github.hingetimer.HingeTimer" and "session" in inhibit["reason"]
        (un,) = wait_for(lambda: calls(screensaver, "UnInhibit"), "UnInhibit at the end")
        assert un == {"call": "UnInhibit", "sender": inhibit["sender"], "cookie": inhibit["cookie"],
                      "signature": "u", "ok": True}
        assert app.poll() is None  # the kiosk stays up, between sessions, and the screen may blank again
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
        err = app.stderr.read()
        app.stderr.close()
    assert "screen sleep: inhibited through D-Bus org.freedesktop.ScreenSaver" in err
    assert "screen sleep: released through D-Bus org.freedesktop.ScreenSaver" in err


def test_a_stopped_session_uninhibits(bus, screensaver, tmp_path):
    app = start_app(bus, tmp_path)
    (inhibit,) = wait_for(lambda: calls(screensaver, "Inhibit"), "Inhibit")
    app.send_signal(signal.SIGINT)  # Ctrl-C from the administrator's terminal: the session is stopped
    assert app.wait(timeout=30) == 130
    app.stderr.close()
    (un,) = calls(screensaver, "UnInhibit")
    assert un["cookie"] == inhibit["cookie"] and un["ok"]
    assert not [e for e in events(screensaver) if "released" in e]


def test_a_killed_app_is_let_go_by_the_bus(bus, screensaver, tmp_path):
    app = start_app(bus, tmp_path)
    (inhibit,) = wait_for(lambda: calls(screensaver, "Inhibit"), "Inhibit")
    app.send_signal(signal.SIGKILL)
    app.wait(timeout=30)
    app.stderr.close()
    released = wait_for(lambda: [e for e in events(screensaver) if "released" in e], "the release on disconnect")
    assert released == [{"released": inhibit["cookie"], "sender": inhibit["sender"], "why": "disconnected"}]
    assert calls(screensaver, "UnInhibit") == []


def test_with_no_screen_saver_on_the_bus_it_says_so_and_runs(bus, tmp_path):
    app = start_app(bus, tmp_path, "--speed", "100")
    time.sleep(4)
    app.send_signal(signal.SIGINT)
    app.wait(timeout=30)
    err = app.stderr.read()
    app.stderr.close()
    assert "screen sleep: not inhibited: nothing on the session bus owns org.freedesktop.ScreenSaver" in err
    assert "Traceback" not in err
