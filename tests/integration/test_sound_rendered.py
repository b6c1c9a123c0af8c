"""A user's own lines (drill names and ``say`` lines no recorded prompt says) are rendered by espeak-ng in
the background and heard at their cues; a speech engine that hangs costs nothing but those lines.

Real processes: the app (``hinge-timer run FILE`` in its window, offscreen) on a private PulseAudio
server's null sink, recorded with ``parec``.  CI installs espeak-ng and PulseAudio; with CI=true their
absence is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.audio_capture import PulseServer, Recorder
from tests.conftest import REPO
from tests.integration.test_sound import ONSET_EARLY_NS, ONSET_LATE_NS, read_log, wait_for

pytestmark = pytest.mark.slow
SESSION = REPO / "tests" / "data" / "own-lines.toml"
SPEED = 1.5
LATE_LIMIT_MS = 30.0  # a behaviour check with a generous bound (benchmarks/timing.py has the figures)


def need_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("needs espeak-ng (apt-get install espeak-ng)")


def start(pulse: PulseServer, tmp_path: Path, env_extra: dict[str, str] | None = None,
          *extra: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "events.jsonl"
    env = dict(pulse.env, QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    env.pop("HINGE_TIMER_CACHE_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hinge_timer", "run", str(SESSION), "--speed", str(SPEED), "--event-log", str(log),
         "--data-dir", str(tmp_path / "data"), *extra],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return proc, log


def finished_sounding(log: Path) -> bool:
    records = read_log(log)
    if not any(r["t"] == "cue" and r["kind"] == "session_complete" for r in records):
        return False
    cues = sum(1 for r in records if r["t"] == "cue")
    sounds = [r for r in records if r["t"] == "sound"]
    ends = [r["mono_ns"] + int(r["seconds"] * 1e9) for r in sounds if "mono_ns" in r and "seconds" in r]
    return len(sounds) >= cues and time.monotonic_ns() > max(ends, default=0) + 300_000_000


def stop(proc: subprocess.Popen, within_s: float = 15) -> tuple[str, float]:
    """Ctrl-C, as a user at the terminal would; the app must be gone within ``within_s``."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=within_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"the app did not exit within {within_s} s of Ctrl-C") from None
    assert proc.returncode == 130, err
    return err, time.monotonic() - t0


def cue_lateness_ms(records: list[dict]) -> list[tuple[str, float]]:
    return [(c["text"], (c["actual_ns"] - c["scheduled_ns"]) / SPEED / 1e6) for c in records if c["t"] == "cue"]


def test_own_lines_are_rendered_and_heard_at_their_cues(pulse, tmp_path):  # noqa: F811
    need_espeak()
    recorder = Recorder(pulse).start()
    proc, log = start(pulse, tmp_path)
    try:
        wait_for(lambda: finished_sounding(log), 120, proc)
    finally:
        err, _ = stop(proc)
        recording = recorder.stop()
    assert "Traceback" not in err, err
    records = read_log(log)

    late = cue_lateness_ms(records)
    assert max(ms for _t, ms in late) <= LATE_LIMIT_MS, sorted(late, key=lambda x: -x[1])[:5]

    sounds = [r for r in records if r["t"] == "sound"]
    assert all(r["voice"] in ("prompt", "rendered", "tone") for r in sounds)
    rendered = [r for r in sounds if r["voice"] == "rendered" and r["action"] in ("play", "queue")]
    # The session started the moment it was opened, so its first line may not be ready by its cue
    # (it then plays its tone at once and says why); every later line of its own is spoken.
    later_own = [r for r in sounds if r["text"] in ("Back to the heels", "Lean to the toes", "Tiptoe sways complete",
                                                    "Wobbly stool lean complete", "Get ready: Tiptoe sways")]
    assert later_own and all(r["voice"] == "rendered" for r in later_own), [
        (r["text"], r["voice"], r.get("voice_reason")) for r in later_own]
    assert {r["text"] for r in rendered} >= {"Lean to the toes", "Back to the heels", "Get ready: Tiptoe sways"}
    for r in sounds:
        if r["voice"] == "tone" and r["kind"] in ("next_up", "phase", "set_complete"):
            assert r["voice_reason"], r
            assert r["parts"] == ["tone:go"] or r["action"] == "drop", r
    for r in rendered:
        assert any(p.startswith("line:") for p in r["parts"]), r

    # Heard: each rendered line starts at its logged start and lasts as long as its clip (words, not a beep).
    heard = recording.sounds()
    assert heard, "nothing was heard"
    for r in rendered:
        begin, end = r["mono_ns"], r["mono_ns"] + int(r["seconds"] * 1e9)
        starts = [h for h in heard if begin - ONSET_EARLY_NS <= h.onset_ns <= begin + ONSET_LATE_NS]
        if not starts:
            # Straight after the line before it (queued, or cued within a moment of its end): too little
            # silence between them for an onset of its own.  Heard if the sound goes on through the whole
            # of this line after every earlier sound had ended.
            timed = [q for q in sounds if "mono_ns" in q and "seconds" in q and q is not r]
            before = [q["mono_ns"] + int(q["seconds"] * 1e9) for q in timed if q["mono_ns"] < begin]
            during = [q for q in timed if begin <= q["mono_ns"] < end]  # (nothing else sounds in its span)
            through = [h for h in heard if h.onset_ns < begin and h.end_ns >= end - 100_000_000]
            assert before and max(before) <= begin + 150_000_000 and not during and through, (
                f"not heard: {r['text']!r}")
            assert r["seconds"] > 0.7, r
            continue
        assert starts, f"not heard: {r['text']!r}"
        span = [h for h in heard if starts[0].onset_ns <= h.onset_ns < end]
        heard_s = (span[-1].end_ns - starts[0].onset_ns) / 1e9
        assert heard_s >= r["seconds"] - 0.1, (r["text"], heard_s, r["seconds"])
        assert r["seconds"] > 0.7, r  # longer than any tone: the words were spoken

    # The clips are cached for the next opening: under --data-dir, one WAV and one JSON a line.
    cached = list((tmp_path / "data" / "cache" / "speech").glob("*.wav"))
    assert len(cached) >= len({r["text"] for r in rendered})


HANGING_ENGINE = """#!/bin/sh
# A stand-in for espeak-ng that never answers (a wedged audio library, a stuck NFS home).
echo $$ >> "{pids}"
if [ "$1" = "--version" ]; then echo "eSpeak NG text-to-speech: 1.51  Data at: /nowhere"; exit 0; fi
exec sleep 100000
"""


def hanging_engine(tmp_path: Path) -> tuple[Path, Path]:
    """A folder to put first on PATH holding the stand-in, and the file it writes its pids to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pids = tmp_path / "engine-pids"
    engine = bin_dir / "espeak-ng"
    engine.write_text(HANGING_ENGINE.format(pids=pids))
    engine.chmod(0o755)
    return bin_dir, pids


def running(pids: Path) -> list[int]:
    """The stand-in engines still alive."""
    alive = []
    for pid in {int(p) for p in pids.read_text().split()} if pids.exists() else ():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    return alive


def test_closing_while_the_renderer_hangs_ends_it_at_once(pulse, tmp_path):  # noqa: F811
    """Ctrl-C while the stand-in is still sleeping (before its 10 s are up): the app exits within
    5 s and takes the engine with it; it never waits for the engine."""
    bin_dir, pids = hanging_engine(tmp_path)
    proc, log = start(pulse, tmp_path, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    try:
        wait_for(lambda: any(r.get("voice_reason") == "not rendered yet" for r in read_log(log)), 60, proc)
        # The render of a line (not the --version probe) is the one still sleeping now.
        wait_for(lambda: len(running(pids)) >= 1, 10, proc)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    err, exit_s = stop(proc)
    assert "Traceback" not in err, err
    assert exit_s < 5, exit_s
    gone_by = time.monotonic() + 2  # a killed process group may take a moment to be reaped
    while running(pids) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not running(pids), "the stand-in engine outlived the app"


def test_a_renderer_that_hangs_costs_only_those_lines(pulse, tmp_path):  # noqa: F811
    bin_dir, pids = hanging_engine(tmp_path)
    recorder = Recorder(pulse).start()
    proc, log = start(pulse, tmp_path, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    try:
        wait_for(lambda: finished_sounding(log), 120, proc)
    finally:
        err, exit_s = stop(proc)
        recording = recorder.stop()
    assert "Traceback" not in err, err
    assert exit_s < 5, exit_s  # closing kills the engine, it does not wait for it
    records = read_log(log)

    late = cue_lateness_ms(records)
    assert max(ms for _t, ms in late) <= LATE_LIMIT_MS, sorted(late, key=lambda x: -x[1])[:5]
    sounds = [r for r in records if r["t"] == "sound"]
    own = [r for r in sounds if r["text"] in ("Lean to the toes", "Back to the heels", "Get ready: Tiptoe sways",
                                              "Get ready: Wobbly stool lean, right leg")]
    assert own and all(r["voice"] == "tone" for r in own), own
    # At first the line is still being rendered; once the engine has had its 10 s, it is given up.
    assert {r["voice_reason"] for r in own} <= {"not rendered yet",
                                                 "espeak-ng did not answer within 10 s; spoken lines are off in "
                                                 "this run (their cues play a tone)"}
    assert any("did not answer" in r["voice_reason"] for r in own)
    assert not [r for r in sounds if r["voice"] == "rendered"]
    # Each of those cues played its tone at once, and it was heard (the caption carried the words).
    loud = recording.loud()
    for r in [r for r in own if r["action"] in ("play", "queue")]:
        assert r["parts"] == ["tone:go"], r
        near = [round((a - r["mono_ns"]) / 1e6) for a, _b in loud if abs(a - r["mono_ns"]) < 1_000_000_000]
        assert any(-ONSET_EARLY_NS / 1e6 <= ms <= ONSET_LATE_NS / 1e6 for ms in near), (r["text"], near[:8])
    # The hung engine did not outlive the app.
    assert not running(pids), "the stand-in engine is still running"
