"""A user's own ``say`` line with no recorded prompt is spoken by Qt's text-to-speech (through
speech-dispatcher on Linux) and heard on a private PulseAudio server's null sink.  CI installs
speech-dispatcher; with CI=true its absence is a failure, not a skip."""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.audio_capture import Recorder
from tests.conftest import REPO
from tests.integration.test_sound import pulse  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

SCRIPT = """
import json, sys, time
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from hinge_timer.audio.vocabulary import Catalog
from hinge_timer.engine.events import CueEvent
from hinge_timer.qt.audio import CueAudio, make_backend
from hinge_timer.session.timeline import CueKind

app = QCoreApplication([])
audio = CueAudio(make_backend("qt"), Catalog.load())
text = "Keep the band taut and sit back into the hip"
assert audio.sound_for(CueKind.PHASE, text).speech is None, "this line has a recorded prompt"
audio.on_cues_fired([CueEvent(CueKind.PHASE, text, 0, 0, 0)])
loop = QEventLoop()
QTimer.singleShot(8000, loop.quit)
loop.exec()
print(json.dumps(audio.decisions))
audio.close()
"""


def test_a_line_without_a_prompt_is_spoken_by_text_to_speech(pulse, tmp_path):  # noqa: F811
    if not (shutil.which("speech-dispatcher") and ctypes.util.find_library("speechd")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have speech-dispatcher (apt-get install speech-dispatcher "
                        "speech-dispatcher-espeak-ng speech-dispatcher-audio-plugins libspeechd2)")
        pytest.skip("no speech-dispatcher here: such lines play the phase's tone (tested in test_sound.py)")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(pulse.env, HOME=str(home), XDG_RUNTIME_DIR=str(home), QT_QPA_PLATFORM="offscreen")
    recorder = Recorder(pulse).start()
    started = time.monotonic_ns()
    try:
        done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60)
    finally:
        recording = recorder.stop()
        # speech-dispatcher outlives its client (it exits when idle); stop the one this test started.
        subprocess.run(["pkill", "-f", str(home)], check=False)
    assert done.returncode == 0, done.stderr
    [decision] = json.loads(done.stdout.strip().splitlines()[-1])
    assert decision["action"] == "tts", decision
    heard = [h for h in recording.sounds() if h.onset_ns >= started]
    assert heard, "nothing was heard"
    # The sentence takes a couple of seconds to say: words, not a beep (the tones are under 0.7 s).
    assert max(h.seconds for h in heard) > 1.2, heard
