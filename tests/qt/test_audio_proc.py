"""The app's side of the sound engine (hinge_timer/qt/audio_proc.py) against stand-in engines
that are real processes: one that hangs before it is ready, one that hangs after, one that dies
at once, one that answers.  What a user would see: the notice says sound is off and why, the
event log's outcome of each pending sound, and that the app stops starting engines that never
work.  The real engine against a real PulseAudio is in tests/integration/test_sound_server.py."""

from __future__ import annotations

import sys

import pytest

from hinge_timer.audio.backend import CANNOT_PLAY
from hinge_timer.audio.wavs import Pcm
from hinge_timer.qt import audio_proc
from hinge_timer.qt.audio_proc import ChildBackend

PY = sys.executable
HANGS = [PY, "-c", "import time; time.sleep(30)"]
DIES = [PY, "-c", "raise SystemExit(3)"]
_READY = ("import sys, time\n"
          "from hinge_timer.audio.wire import Reader, frame\n"
          "out = sys.stdout.buffer\n"
          "out.write(frame({'ev': 'ready', 'problem': None, 'brief': '', 'device': 'stand-in'})); out.flush()\n")
READY_THEN_HANGS = [PY, "-c", _READY + "time.sleep(30)\n"]
ANSWERS = [PY, "-c", _READY + (
    "import os\nreader = Reader()\n"
    "while True:\n"
    "    data = os.read(0, 65536)\n"
    "    if not data: break\n"
    "    for h, _b in reader.feed(data):\n"
    "        if h.get('op') == 'ping': out.write(frame({'ev': 'pong'})); out.flush()\n")]
CLIP = Pcm(bytes(2205 * 2), 22050)


@pytest.fixture
def fast(monkeypatch):
    """The same rules on a shorter clock."""
    monkeypatch.setattr(audio_proc, "START_S", 0.6)
    monkeypatch.setattr(audio_proc, "RESTART_S", 0.05)
    monkeypatch.setattr(audio_proc, "PING_S", 0.2)


@pytest.fixture
def backends():
    made: list[ChildBackend] = []

    def make(command: list[str]) -> ChildBackend:
        backend = ChildBackend(command)
        made.append(backend)
        backend.load("go", CLIP)
        return backend

    yield make
    for backend in made:
        backend.close()
    audio_proc.reap()


def outcomes_of(backend: ChildBackend) -> list[dict]:
    got: list[dict] = []
    backend.on_outcome = got.append
    return got


def test_an_engine_that_hangs_at_start_is_killed_and_its_pending_sounds_are_logged_silent(qtbot, fast, backends):
    backend = backends(HANGS)
    outcomes = outcomes_of(backend)
    said = [backend.play("go") for _ in range(12)]
    # Kept for the starting engine, but not without end; and play says so truthfully.
    assert said == [True] * audio_proc.MAX_PENDING + [False] * (12 - audio_proc.MAX_PENDING)
    assert backend.last_play == "silent"
    first = backend._proc
    qtbot.waitUntil(lambda: backend.started >= 2, timeout=5000)  # killed at START_S, another started
    assert backend._proc is not first
    assert backend.problem and "could not start" in backend.problem and "sound is off" in backend.problem
    assert [o["action"] for o in outcomes] == ["silent"] * audio_proc.MAX_PENDING
    assert not backend._pending


def test_engines_that_never_get_ready_are_given_up_on_after_a_few(qtbot, fast, backends):
    backend = backends(DIES)
    notices: list[str | None] = []
    backend.on_notice = notices.append
    qtbot.waitUntil(lambda: backend.failed, timeout=10000)
    assert backend.started == audio_proc.MAX_EARLY_DEATHS
    assert backend.brief == CANNOT_PLAY
    assert backend.problem and "sound is off" in backend.problem and "exited with code 3" in backend.problem
    assert "simpleaudio" in backend.problem  # what the user can do about it
    assert notices[-1] == backend.problem
    # No more engines are started, however long it runs, and plays say they are silent.
    qtbot.wait(800)  # many times the (shortened) back-off
    assert backend.started == audio_proc.MAX_EARLY_DEATHS
    assert backend.play("go") is False


def test_a_hung_start_counts_as_an_early_death(qtbot, fast, backends, monkeypatch):
    monkeypatch.setattr(audio_proc, "START_S", 0.3)
    backend = backends(HANGS)
    qtbot.waitUntil(lambda: backend.failed, timeout=10000)
    assert backend.started == audio_proc.MAX_EARLY_DEATHS
    assert "did not answer" in (backend.problem or "")


def test_an_engine_that_stops_answering_once_running_is_killed_and_restarted(qtbot, fast, backends):
    backend = backends(READY_THEN_HANGS)
    qtbot.waitUntil(lambda: backend._ready, timeout=5000)
    assert backend.problem is None
    assert backend.play("go") is True and backend.last_play == "play"
    # Two pings unanswered (0.4 s), then killed; the next one starts, answers ready, hangs again.
    qtbot.waitUntil(lambda: backend.started >= 2, timeout=3000)
    assert backend.failed is False  # it was ready once: not an early death


def test_an_engine_that_answers_its_pings_is_left_alone_and_plays(qtbot, fast, backends):
    backend = backends(ANSWERS)
    outcomes = outcomes_of(backend)
    assert backend.play("go") is True and backend.last_play == "pending"
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    assert outcomes[0]["action"] == "play" and outcomes[0]["key"] == "go" and outcomes[0]["late_ms"] >= 0
    qtbot.wait(1500)  # seven pings
    assert backend.started == 1 and backend.problem is None and backend._unanswered <= 1
    assert backend.play("go") is True and backend.last_play == "play"


def test_the_lines_of_a_session_no_longer_open_leave_the_engine(qtbot, tmp_path):
    """Open a user's session, then another: the sound engine process gives back the clips of the
    first one's own lines (a gym PC that runs many people's sessions in a day does not grow), and
    keeps the recorded prompts.  The real engine; it keeps clips whether or not a server runs."""
    import os
    import shutil

    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("needs espeak-ng (apt-get install espeak-ng)")
    from hinge_timer.audio.vocabulary import Catalog, lines_to_render
    from hinge_timer.qt.audio import CueAudio, SpeechLines
    from hinge_timer.session.load import builtin_session, load_session
    from hinge_timer.session.timeline import compile_timeline
    from tests.conftest import REPO

    backend = ChildBackend()
    lines = SpeechLines(tmp_path / "cache")
    audio = CueAudio(backend, Catalog.load(), lines=lines)

    def held() -> list[str]:
        qtbot.waitUntil(lambda: backend._ready, timeout=10_000)
        backend.ask_held()
        qtbot.waitUntil(lambda: backend.engine_held is not None, timeout=5_000)
        return backend.engine_held[0]

    try:
        own = compile_timeline(load_session(REPO / "tests" / "data" / "own-lines.toml"))
        wanted = lines_to_render(audio.catalog, own)
        assert "Lean to the toes" in wanted
        audio.prepare(own)
        qtbot.waitUntil(lambda: all(lines.get(t) is not None for t in wanted), timeout=60_000)
        qtbot.waitUntil(lambda: any("line:Lean to the toes" in k for k in held()), timeout=10_000)
        first = held()
        assert sum(1 for k in first if "line:" in k) >= len(wanted)

        other = compile_timeline(load_session(builtin_session("quick-warm-up")))
        assert lines_to_render(audio.catalog, other) == []  # every line of it is a recorded prompt
        audio.prepare(other)
        second = held()
        assert not [k for k in second if "line:" in k], second
        assert any("line:" not in k for k in second)  # the prompts and tones stay
        _keys, size = backend.engine_held
        assert size > 0
    finally:
        audio.close()
        lines.close()
        backend.close()
        audio_proc.reap()
