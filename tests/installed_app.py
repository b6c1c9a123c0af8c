"""Drive an installed Hinge Timer (a fresh venv, a pipx install, the PyInstaller bundle) as a real process.

The installed program is started by its own executable, from a folder that is not the checkout, with no
PYTHONPATH and no virtual environment on PATH, so every asset it finds comes from the installation:

- ``first_frame`` starts the window (``-v``) and waits for its "first frame painted" log line;
- ``play_session`` plays a user's own short session (their names, lines, sides and odd numbers) through a
  private PulseAudio null sink, recorded, and returns the event log and the recording; ``assert_heard``
  checks that every sound it started was heard when it was started;
- ``history_text`` is what the installation's ``history`` command prints afterwards.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.audio_capture import ONSET_EARLY_NS, PulseServer, Recorder, Recording
from tests.integration.test_sound import all_sounded, read_log


def launcher_entry(desktop: Path) -> tuple[dict[str, str], list[str]]:
    """A desktop file that ``desktop-entry --install`` wrote, checked by desktop-file-validate: its
    [Desktop Entry] keys and its Exec line split as a launcher splits it."""
    checked = subprocess.run([need("desktop-file-validate"), str(desktop)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    parsed = configparser.ConfigParser(interpolation=None, strict=False)
    parsed.optionxform = str  # type: ignore[assignment,method-assign]
    parsed.read(desktop, encoding="utf-8")
    keys = dict(parsed["Desktop Entry"])
    return keys, shlex.split(keys["Exec"])


def need(tool: str) -> str:
    """The full path of a system tool the test uses; CI has it, so there its absence fails the test."""
    found = shutil.which(tool)
    if found is None:
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(
            f"{tool} is not installed (apt-get install {tool})")
    return found


# Written the way a user writes one: their own names and lines (none of them a recorded prompt, so each is
# rendered by espeak-ng), the right leg first, odd seconds.
USER_SESSION = """format = 1
title = "Sam's 5 o'clock hinge"

[defaults]
get_ready = 3
switch_sides = 4
rest_between_drills = 5

[[drill]]
name = "Sam's rock-back"
hold = 7
sides = ["right", "left"]

[[drill]]
name = "Slow curl"
reps = 1
tempo = [
    { phase = "Roll down", seconds = 5, say = "Roll down, one bone at a time" },
    { phase = "Breathe out, relax", seconds = 5, say = "Breathe out. Relax into the stretch." },
    { phase = "Stack up", seconds = 5, say = "Stack up tall" },
]
"""
TITLE = "Sam's 5 o'clock hinge"
# Where a sound's onset may be, after the moment the app logged it started (the sound tests have the figures).
ONSET_LATE_NS = 300_000_000


def clean_env(extra: dict[str, str] | None = None, path: Sequence[str] = ()) -> dict[str, str]:
    """The environment of a user's desktop session: no Python of the checkout or of the test run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH", "PYTEST_CURRENT_TEST")}
    env["PATH"] = os.pathsep.join([*path, "/usr/local/bin", "/usr/bin", "/bin"])
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra or {})
    return env


def first_frame(command: Sequence[str], data: Path, env: dict[str, str], cwd: Path, *extra: str,
                limit: float = 60.0) -> tuple[float, str]:
    """Start the window, wait for its first painted frame; the seconds it took and what it logged.  The
    process is ended (SIGKILL: a kiosk refuses to close, by design) before this returns."""
    started = time.monotonic()
    proc = subprocess.Popen([*command, "-v", "--data-dir", str(data), *extra], env=env, cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines: list[str] = []
    try:
        assert proc.stderr is not None
        deadline = started + limit
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "first frame painted" in line:
                return time.monotonic() - started, "".join(lines)
        raise AssertionError(f"no first frame (exit {proc.poll()}):\n" + "".join(lines))
    finally:
        proc.kill()
        proc.communicate(timeout=30)  # (reaped, and its pipe closed)


def play_session(command: Sequence[str], pulse: PulseServer, tmp: Path, env: dict[str, str],
                 limit: float = 150.0) -> tuple[list[dict], Recording, str]:
    """``command run`` the user's session to its end in the window, recorded; its event log, the recording
    and what it wrote on stderr."""
    session = tmp / "sams-hinge.toml"
    session.write_text(USER_SESSION, encoding="utf-8")
    log = tmp / "events.jsonl"
    recorder = Recorder(pulse).start()
    proc = subprocess.Popen([*command, "run", str(session), "--event-log", str(log), "--data-dir", str(tmp / "data")],
                            env={**env, "PULSE_SERVER": pulse.env["PULSE_SERVER"]},  # the socket, not our PATH
                            cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + limit
        while not all_sounded(log):
            if proc.poll() is not None:
                raise AssertionError(f"the app exited early ({proc.returncode}): {proc.communicate()[1]}")
            if time.monotonic() > deadline:
                raise AssertionError("the session did not end and sound out in time")
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        recording = recorder.stop()
    return read_log(log), recording, err


def assert_heard(records: list[dict], recording: Recording) -> list[dict]:
    """Every sound the app started is heard in the recording within moments of its start; the started
    sounds.  "Breathe out" among them."""
    started = sorted((r for r in records if r["t"] in ("sound", "sound_outcome") and "mono_ns" in r
                      and r.get("action") in ("play", "queue")), key=lambda r: r["mono_ns"])
    assert started, "the app started no sound"
    loud = recording.loud()
    assert loud, "nothing was heard"
    for r in started:
        onsets = [a for a, _b in loud if r["mono_ns"] - ONSET_EARLY_NS <= a <= r["mono_ns"] + ONSET_LATE_NS]
        # A sound may follow another without a gap: then it is heard as the one still sounding.
        sounding = [a for a, b in loud if a <= r["mono_ns"] <= b]
        assert onsets or sounding, f"not heard: {r.get('text')!r}"
    assert any(str(r.get("text", "")).startswith("Breathe out") for r in started)
    return started


def history_text(command: Sequence[str], tmp: Path, env: dict[str, str]) -> str:
    proc = subprocess.run([*command, "history", "--data-dir", str(tmp / "data")], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
