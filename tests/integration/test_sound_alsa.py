"""The simpleaudio backend, heard through an ALSA ``type file`` device that keeps every byte played.

The app runs a short session with ``--audio simpleaudio`` and a HOME whose ``.asoundrc`` makes
ALSA's default device a file writer (piped through ``cat >>``, since the file plugin starts its
file afresh for every stream).  Every sound the app logged as started must be in that file,
whole and in order.  simpleaudio is optional (it needs the ALSA headers to build); CI installs
it, and with CI=true its absence is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hinge_timer.audio.vocabulary import Catalog
from hinge_timer.audio.wavs import join, read_wav
from hinge_timer.qt.audio import GAP_S
from tests.conftest import REPO
from tests.integration.test_sound import SESSION, all_sounded, read_log, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def alsa_home(tmp_path):
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have the simpleaudio extra (make test installs it when libasound2-dev is there)")
        pytest.skip("the simpleaudio extra is not installed (apt-get install libasound2-dev; pip install simpleaudio)")
    home = tmp_path / "home"
    home.mkdir()
    played = tmp_path / "played.raw"
    (home / ".asoundrc").write_text(
        'pcm.!default {\n    type file\n    slave.pcm "null"\n'
        f'    file "|cat >>{played}"\n    format "raw"\n}}\n', encoding="utf-8")
    return home, played


def test_simpleaudio_plays_every_sound_whole_and_in_order(alsa_home, tmp_path):
    home, played = alsa_home
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"volume": 1.0}), encoding="utf-8")  # bytes as shipped
    log = tmp_path / "events.jsonl"
    env = dict(os.environ, HOME=str(home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hinge_timer", "run", str(SESSION), "--speed", "1.5", "--audio", "simpleaudio",
         "--event-log", str(log), "--data-dir", str(data)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(lambda: all_sounded(log), 150, proc)
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err

    records = read_log(log)
    started = sorted((r for r in records if r["t"] == "sound" and r["action"] in ("play", "queue")),
                     key=lambda r: r["mono_ns"])
    assert started and all(r["backend"] == "simpleaudio" for r in started)
    catalog = Catalog.load()

    def pcm_of(part: str) -> bytes:
        kind, _, key = part.partition(":")
        clip = catalog.tones[key] if kind == "tone" else catalog.phrases[key]
        return read_wav(Path(str(catalog.path(clip)))).samples

    from hinge_timer.audio.wavs import Pcm

    captured = played.read_bytes()
    at = 0
    for r in started:
        expected = join([Pcm(pcm_of(p)) for p in r["parts"]], GAP_S).samples
        found = captured.find(expected, at)
        assert found >= 0, f"{r['text']!r} was not played whole after byte {at}"
        assert all(b == 0 for b in captured[at:found]), f"something else was played before {r['text']!r}"
        at = found + len(expected)
    assert all(b == 0 for b in captured[at:]), "something was played that the app did not log"


VOLUME_SCRIPT = """
import sys, time
from hinge_timer.audio.backend import SimpleAudioBackend
from hinge_timer.audio.vocabulary import Catalog
from hinge_timer.audio.wavs import read_wav
from pathlib import Path

catalog = Catalog.load()
backend = SimpleAudioBackend()
backend.set_volume(0.5)
clip = read_wav(Path(str(catalog.path(catalog.tones["go"]))))
backend.load("go", clip)
deadline = time.monotonic() + 5
while ("go", 0.5) not in backend._scaled and time.monotonic() < deadline:
    time.sleep(0.01)
print("ready" if ("go", 0.5) in backend._scaled else "not scaled ahead")
assert backend.play("go"), backend.problem
backend._play.wait_done()
backend.close()
"""


def test_simpleaudio_volume_is_applied_ahead_and_heard_at_half_level(alsa_home, tmp_path):
    """simpleaudio has no volume of its own: the app scales each clip in a worker thread before a
    cue needs it, and what reaches the device is the clip at the chosen volume."""
    home, played = alsa_home
    env = dict(os.environ, HOME=str(home))
    done = subprocess.run([sys.executable, "-c", VOLUME_SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ready"
    from array import array

    catalog = Catalog.load()
    original = array("h", read_wav(Path(str(catalog.path(catalog.tones["go"])))).samples)
    half = array("h", [int(x / 2) for x in original]).tobytes()
    captured = played.read_bytes()
    assert captured.find(half) >= 0, "the clip at half volume was not played whole"
    assert max(abs(x) for x in array("h", captured)) == max(abs(x) for x in original) // 2
