"""systemd's watchdog, as the app sees it: READY=1 when the window is up, then WATCHDOG=1 from the
GUI event loop; when the process is frozen the pings stop (systemd would then restart it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def received(sock: socket.socket, seconds: float) -> list[bytes]:
    out = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            out.append(sock.recv(64))
        except (TimeoutError, socket.timeout):
            break
    return out


def test_ready_then_pings_which_stop_when_the_app_is_frozen(tmp_path):
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOTIFY_SOCKET=str(path), WATCHDOG_USEC="400000")
    app = subprocess.Popen([sys.executable, "-m", "hinge_timer", "--kiosk", "--audio", "none", "--data-dir",
                            str(tmp_path / "data")], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        sock.settimeout(30)
        assert sock.recv(64) == b"READY=1"
        pings = received(sock, 2.0)
        assert set(pings) == {b"WATCHDOG=1"} and 6 <= len(pings) <= 14  # every 200 ms, half of WATCHDOG_USEC
        app.send_signal(signal.SIGSTOP)  # a frozen process: no more pings
        received(sock, 0.3)  # what was already on its way
        assert received(sock, 1.5) == []
        app.send_signal(signal.SIGCONT)
        assert received(sock, 1.0)
    finally:
        app.send_signal(signal.SIGCONT)
        app.kill()
        app.wait(timeout=30)
        app.stderr.close()
        sock.close()
