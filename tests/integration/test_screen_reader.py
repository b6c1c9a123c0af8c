"""What Orca really says: the app as a real process under Xvfb and openbox, on a private D-Bus session with
at-spi2-core, and Orca as Debian ships it (43.1) running with speech and braille off, which still logs every
line it would speak (``SPEECH OUTPUT: '…'``) to its debug file.  Keys are real X key events (xdotool).

A session a user wrote: own drill names, two sides, a rest, a caution and a paced set with its own lines.
The sound is off (``--audio none``), so the screen reader is told everything (View → Screen reader,
automatic); the choices themselves are tested in tests/qt/test_screen_reader_window.py.  CI installs
orca, at-spi2-core, dbus, xvfb, openbox and xdotool; with CI=true their absence is a failure, not a skip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.a11y_stack import a11y_stack, key, need_stack, run_app, stop_app
from tests.conftest import REPO
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

MINE = (REPO / "tests" / "data" / "screen-reader.toml").read_text(encoding="utf-8")  # also the qt tests'

SPOKEN = re.compile(r"SPEECH OUTPUT: '(.*?)' ?\{'established'", re.S)  # a line may hold line breaks


class Orca:
    """Orca on the stack's D-Bus session (tests/a11y_stack.py), speech and braille off, its every line logged."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = env
        self.log = tmp / "orca.log"
        # (a wrapper: Orca never flushes its debug file, so what it said would show kilobytes later)
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(REPO / "tests" / "orca_line_buffered.py"), "--replace", "-d", "speech",
             "-d", "braille", "-u", str(tmp / "orca"), "--debug-file", str(self.log)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        wait_for(lambda: "ORCA: Starting registry" in self._text(), "Orca to start", limit=60,
                 show=lambda: self._text()[-2000:])

    def _text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def spoken(self) -> list[str]:
        """Every line Orca has said so far, in order."""
        return SPOKEN.findall(self._text())

    def stop(self) -> None:
        stop_app(self.proc)


@pytest.fixture
def desktop(tmp_path):
    need_stack("the Orca tests")
    if shutil.which("orca") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have Orca for the screen-reader tests (apt-get install orca)")
        pytest.skip("needs Orca (apt-get install orca)")
    with a11y_stack(tmp_path) as env:
        orca = Orca(env, tmp_path)
        apps: list[subprocess.Popen] = []
        try:
            yield env, orca, apps
        finally:
            for proc in apps:
                stop_app(proc)
            orca.stop()


def start(desktop, tmp: Path, *argv: str) -> None:
    env, _orca, apps = desktop
    (tmp / "data" / "sessions").mkdir(parents=True, exist_ok=True)
    (tmp / "data" / "sessions" / "mine.toml").write_text(MINE, encoding="utf-8")
    apps.append(run_app(env, tmp, *argv))


def wait_said(orca: Orca, pattern: str, after: int = 0, timeout: float = 30) -> int:
    """Wait until Orca says a line matching ``pattern`` (a regex) after its first ``after`` lines; the
    index of that line."""
    rx = re.compile(pattern)

    def found() -> tuple[int] | None:
        lines = orca.spoken()
        return next(((i,) for i in range(after, len(lines)) if rx.search(lines[i])), None)

    return wait_for(found, f"Orca to say /{pattern}/", limit=timeout,
                    show=lambda: "\n".join(orca.spoken()[after:]))[0] + 1


def test_orca_says_each_change_of_a_session_a_user_wrote(desktop, tmp_path):
    env, orca, _apps = desktop
    start(desktop, tmp_path, "run", str(tmp_path / "data" / "sessions" / "mine.toml"))
    # The focus lands on the main status: Orca reads its name (the state, said once: not again beside it).
    i = wait_said(orca, r"^Get ready\. Doorframe hamstring lean\. Left leg\. \d+ seconds? left label")
    i = wait_said(orca, r"^notification .*Work\. Doorframe hamstring lean\. Left leg\. 13 seconds", i)
    key(env, "space")  # pause
    i = wait_said(orca, r"^notification Paused, work\. Doorframe hamstring lean\. Left leg\. \d+ seconds left", i)
    key(env, "space")  # and on again
    i = wait_said(orca, r"^notification Work\. Doorframe hamstring lean\. Left leg\. \d+ seconds", i)
    key(env, "F1")  # the help holds the clock; closed, the session goes on, and that is told
    i = wait_said(orca, r"^Help dialog", i)
    key(env, "Escape")
    i = wait_said(orca, r"^notification Work\. Doorframe hamstring lean\. Left leg\. \d+ seconds", i)
    i = wait_said(orca, r"^notification Switch sides\. Doorframe hamstring lean\. Switch to right leg", i, timeout=40)
    i = wait_said(orca, r"^notification Work\. Doorframe hamstring lean\. Right leg", i, timeout=30)
    i = wait_said(orca, r"^notification Doorframe hamstring lean complete\. Rest\. Doorframe hamstring lean", i,
                  timeout=40)
    i = wait_said(orca, r"^notification Next up: Broomstick curl", i, timeout=20)
    # The caution takes the focus to its confirm button, in a dialog: Orca reads the dialog, text and all.
    i = wait_said(orca, r"^Caution before Broomstick curl dialog .*Stop at once if your back tingles or your legs"
                        r" go numb\.", i, timeout=40)
    i = wait_said(orca, r"continue push button", i - 1, timeout=10)
    key(env, "space")  # Space, the pause key, never confirms a caution, even with its button focused
    key(env, "Return")
    i = wait_said(orca, r"^Get ready\. Broomstick curl\. \d+ seconds? left label", i, timeout=20)  # the focus, back
    i = wait_said(orca, r"^notification Breathe out, let it hang\. Work\. Broomstick curl", i, timeout=20)
    i = wait_said(orca, r"^notification Stack up slowly\.", i, timeout=20)
    lines = orca.spoken()
    twice = [a for a, b in zip(lines, lines[1:]) if a == b]
    assert not twice, f"Orca said these twice in a row: {twice}"
    assert sum("Stop at once" in line for line in lines) == 1, "the caution's text was said more than once"
    for words in ("Get ready. Doorframe hamstring lean", "Get ready. Broomstick curl", "? or Esc to close"):
        assert sum(words in line for line in lines) == 1, f"{words!r} was said more than once"
    assert not [line for line in lines if "percent" in line], "the progress bars' percentages are noise"


def test_tab_on_home_is_read_control_by_control_and_enter_starts_what_it_says(desktop, tmp_path):
    env, orca, _apps = desktop
    start(desktop, tmp_path)  # Home
    i = wait_said(orca, r"^Sessions\.$", timeout=60)  # the focus lands on the session list
    i = wait_said(orca, r"^List with \d+ items", i)
    key(env, "Tab")
    i = wait_said(orca, r"(?s)^Session details: Hip hinge mobility.*at the low dose.*1\. Weighted hip hinge.*"
                        r"caution: Do not do the Jefferson curl.*You need: ", i)  # whole, its caution in words
    key(env, "Tab")
    i = wait_said(orca, r"^Low dose\.", i)
    i = wait_said(orca, r"radio button", i - 1)
    # The user's own sessions' row (a built-in is chosen: Edit and Delete are not offered, Tab skips them)
    key(env, "Tab")
    i = wait_said(orca, r"^Make a new session.*push button", i)
    key(env, "Tab")
    i = wait_said(orca, r"^Copy the chosen session.*push button", i)
    key(env, "Tab")
    i = wait_said(orca, r"^Save a copy of the chosen session.*push button", i)
    key(env, "Tab")
    i = wait_said(orca, r"^Open.*push button", i)
    key(env, "Tab")
    i = wait_said(orca, r"^History.*push button", i)
    key(env, "Tab")
    i = wait_said(orca, r"^Start.*push button", i)
    key(env, "shift+Tab")
    i = wait_said(orca, r"^History.*push button", i)
    key(env, "Tab", "Return")  # Start, pressed once: the chosen session starts
    wait_said(orca, r"Get ready\. ", i)
    lines = orca.spoken()
    assert not [a for a, b in zip(lines, lines[1:]) if a == b]
