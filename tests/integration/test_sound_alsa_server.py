"""simpleaudio runs in the app's own process, and ALSA's pulse plugin uses libpulse too: does the
sound server's death take that process with it (as it does Qt Multimedia's)?  A real PulseAudio
is killed with SIGKILL while ``SimpleAudioBackend`` plays through ALSA's ``pulse`` device, twice,
and started again: the process must survive, its plays fail (False, a notice) while no server
runs, and play again once one is back.  Needs simpleaudio, ALSA's pulse plugin and PulseAudio;
with CI=true their absence is a failure, not a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio_capture import PulseServer
from tests.conftest import REPO
from tests.integration.test_sound_server import kill_server

pytestmark = pytest.mark.slow

PLAYER = """
import sys, time
from hinge_timer.audio.backend import SimpleAudioBackend
from hinge_timer.audio.wavs import Pcm
backend = SimpleAudioBackend()
backend.load("beep", Pcm(b"\\x00\\x10" * 4410, 22050))  # 0.2 s
for line in sys.stdin:  # one play per line, several overlapping
    for _ in range(3):
        print("played" if backend.play("beep") else "silent", flush=True)
        time.sleep(0.05)
    print("done", flush=True)
"""


def _needs_simpleaudio() -> None:
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have simpleaudio for this test (make venv builds it with libasound2-dev)")
        pytest.skip("needs simpleaudio")


def _round(player: subprocess.Popen) -> list[str]:
    assert player.stdin is not None and player.stdout is not None
    player.stdin.write("go\n")
    player.stdin.flush()
    out = []
    while (line := player.stdout.readline().strip()) != "done":
        assert line, f"the player ended (exit {player.wait(10)})"
        out.append(line)
    return out


def test_simpleaudio_survives_the_sound_server_killed_mid_play(pulse: PulseServer, tmp_path: Path):
    _needs_simpleaudio()
    (tmp_path / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    player = subprocess.Popen([sys.executable, "-c", PLAYER], cwd=REPO, env=dict(pulse.env, HOME=str(tmp_path)),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "played" in _round(player)
        for _ in range(2):
            player.stdin.write("go\n")  # plays under way ...
            player.stdin.flush()
            assert player.stdout.readline().strip() == "played"
            kill_server(pulse)  # ... when the server dies (SIGKILL)
            while player.stdout.readline().strip() != "done":
                pass
            assert set(_round(player)) == {"silent"}  # no server: nothing claims to play
            pulse.start()
            assert "played" in _round(player)  # back with the server
    finally:
        _out, err = player.communicate(timeout=20)
        code = player.returncode
    assert code == 0, (code, err[-2000:])
    assert "Abort" not in err and "Traceback" not in err, err[-2000:]
