"""The real Linux accessibility stack for tests: Xvfb, openbox, a D-Bus session with at-spi, the app in it.

``a11y_stack(tmp)`` is a context manager: it starts Xvfb on a free display (``-displayfd``), a D-Bus
session (``dbus-run-session``), openbox, and wakes the accessibility bus (``org.a11y.Bus``, activated on
demand, which starts at-spi-bus-launcher and its registry), yields the environment to run programs in,
and at the end kills every process it started, by its own process group, whatever happened.
``run_app(env, tmp, *argv)`` starts the app in it the way a screen reader sees it (Qt joins AT-SPI only
with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` when no screen reader has said it runs).
``atspi_tree(env, pid)`` dumps that app's accessibility tree as JSON through pyatspi, which only the
system python3 has (the venv cannot import it).

``missing()`` names what this machine lacks; ``need_stack()`` fails the test with CI=true, skips it
otherwise (the lead's Orca tests reuse all of this).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.waiting import wait_for

SYSTEM_PYTHON = "/usr/bin/python3"
TOOLS = ("Xvfb", "openbox", "dbus-run-session", "dbus-send", "xdotool")


def missing() -> list[str]:
    """What the stack needs and this machine does not have."""
    gone = [t for t in TOOLS if shutil.which(t) is None]
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        gone.append(SYSTEM_PYTHON)
    elif subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, timeout=30).returncode:
        gone.append(f"pyatspi for {SYSTEM_PYTHON} (python3-pyatspi)")
    return gone


def need_stack(what: str = "the AT-SPI tests") -> None:
    """Fail with CI=true, skip otherwise, when a part of the stack is missing."""
    gone = missing()
    if gone:
        why = f"{what} need {', '.join(gone)} (apt-get install xvfb openbox dbus at-spi2-core python3-pyatspi xdotool)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have the real accessibility stack: {why}")
        pytest.skip(why)


class _Group:
    """Processes each in a process group of its own, killed with everything they started."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, argv: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            _signal_group(proc, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # what it started (the a11y bus, the registry) too
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # its own group: start_new_session made the pid the group's id
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def a11y_stack(tmp: Path, size: str = "1280x800x24") -> Iterator[dict[str, str]]:
    """Xvfb + a D-Bus session + openbox + at-spi; yields the environment; kills all of it after."""
    group = _Group()
    try:
        read_fd, write_fd = os.pipe()
        group.start(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
                    dict(os.environ), pass_fds=(write_fd,))
        os.close(write_fd)
        with os.fdopen(read_fd) as fh:
            number = fh.readline().strip()
        assert number.isdigit(), "Xvfb printed no display number"
        (tmp / "run").mkdir(mode=0o700, exist_ok=True)
        env = dict(os.environ, DISPLAY=f":{number}", HOME=str(tmp), XDG_CONFIG_HOME=str(tmp / "config"),
                   XDG_DATA_HOME=str(tmp / "share"), XDG_RUNTIME_DIR=str(tmp / "run"))
        for name in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS"):
            env.pop(name, None)
        # The session bus lives as long as its child, a shell that says the address and waits.
        bus = group.start(["dbus-run-session", "--", "sh", "-c", 'echo "$DBUS_SESSION_BUS_ADDRESS"; exec sleep 100000'],
                          env, stdout=subprocess.PIPE, text=True)
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        bus.stdout.close()
        assert env["DBUS_SESSION_BUS_ADDRESS"], "dbus-run-session gave no address"
        group.start(["openbox"], env)
        # The accessibility bus starts when first asked for: ask, and wait for its address.
        wait_for(lambda: subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
             "org.a11y.Bus.GetAddress"], env=env, capture_output=True, text=True, timeout=10).stdout.count("unix:"),
            "the accessibility bus (org.a11y.Bus)", limit=30)
        env["HINGE_TIMER_SITE_CONFIG"] = str(tmp / "no-site.toml")
        yield env
    finally:
        group.stop()


def run_app(env: dict[str, str], tmp: Path, *argv: str, data: Path | None = None) -> subprocess.Popen:
    """The app, as a real process on the stack's display, joined to AT-SPI, its data in ``tmp``; its
    output in ``tmp/app.log``.  The caller kills it (``stop_app``) before the stack goes."""
    data = data or tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    app_env = dict(env, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
    with (tmp / "app.log").open("a") as log:  # the child keeps its own copy of the file
        return subprocess.Popen([str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable,
                                 "-m", "hinge_timer", "-v", "--data-dir", str(data), "--audio", "none", *argv],
                                cwd=REPO, env=app_env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)


def stop_app(proc: subprocess.Popen) -> None:
    _signal_group(proc, signal.SIGKILL)  # with its sound engine and checker children
    proc.wait(timeout=10)


def key(env: dict[str, str], *keys: str, pause: float = 0.3) -> None:
    """Real X key events (xdotool), one after another."""
    for k in keys:
        subprocess.run(["xdotool", "key", "--clearmodifiers", k], env=env, check=True, timeout=10)
        time.sleep(pause)


# Run by the system python3 (pyatspi): the app's tree as JSON on stdout.  argv: the app's pid.
PROBE = r"""
import json, sys
import pyatspi

pid = int(sys.argv[1])
desktop = pyatspi.Registry.getDesktop(0)
app = None
for i in range(desktop.childCount):
    a = desktop.getChildAtIndex(i)
    try:
        if a is not None and a.get_process_id() == pid:
            app = a
    except Exception:
        pass
if app is None:
    print(json.dumps(None))
    sys.exit(0)
count = 0

def node(acc, depth):
    global count
    count += 1
    out = {"role": acc.getRoleName(), "name": acc.name or "", "description": acc.description or "",
           "states": sorted(pyatspi.stateToString(s) for s in acc.getState().getStates())}
    try:
        t = acc.queryText()
        out["text"] = t.getText(0, -1)
    except NotImplementedError:
        pass
    try:
        v = acc.queryValue()
        out["value"] = [v.minimumValue, v.currentValue, v.maximumValue]
    except NotImplementedError:
        pass
    kids = []
    if depth < 40 and count < 6000:
        for i in range(acc.childCount):
            c = acc.getChildAtIndex(i)
            if c is not None:
                kids.append(node(c, depth + 1))
    out["children"] = kids
    return out

print(json.dumps(node(app, 0)))
"""


def atspi_tree(env: dict[str, str], pid: int) -> dict | None:
    """The app's accessibility tree as AT-SPI gives it (pyatspi under the system python3): each node's
    role name, name, description, states, its text (a text interface) and value, and children; None
    while the app is not on the bus."""
    done = subprocess.run([SYSTEM_PYTHON, "-c", PROBE, str(pid)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def walk(tree: dict | None) -> Iterator[dict]:
    """Every node of a dumped tree, depth first."""
    if tree is None:
        return
    stack = [tree]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n["children"]))
