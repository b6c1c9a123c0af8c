"""The cache of rendered lines, with the real espeak-ng: a second opening renders nothing, a changed line
renders only that line, and a damaged, truncated or foreign file in the cache is ignored and rendered
again, never played as noise.  CI installs espeak-ng; with CI=true its absence is a failure."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hinge_timer.audio import render
from hinge_timer.audio.render import LineRenderer, cache_key, read_cached
from hinge_timer.audio.vocabulary import Catalog, lines_to_render
from hinge_timer.audio.wavs import Pcm, read_wav, write_wav
from hinge_timer.session.load import load_session
from hinge_timer.session.timeline import compile_timeline
from tests.conftest import REPO

SESSION = REPO / "tests" / "data" / "own-lines.toml"


@pytest.fixture(autouse=True)
def espeak() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("needs espeak-ng (apt-get install espeak-ng)")


def session_lines(folder: Path, text: str | None = None) -> list[str]:
    """The lines of the test session (with its "Back to the heels" changed to ``text``) to render."""
    source = SESSION.read_text(encoding="utf-8")
    if text is not None:
        source = source.replace("Back to the heels", text)
    path = folder / "s.toml"
    path.write_text(source, encoding="utf-8")
    return lines_to_render(Catalog.load(), compile_timeline(load_session(path)))


def opened(folder: Path, lines: list[str]) -> LineRenderer:
    """Open a session as the window does: ask for its lines, then (here) wait for them."""
    r = LineRenderer(folder)
    r.request(lines)
    assert r.wait(lines, 60)
    return r


def test_a_second_opening_renders_nothing_and_a_changed_line_only_that_line(tmp_path):
    folder = tmp_path / "cache"
    lines = session_lines(tmp_path)
    assert "Back to the heels" in lines and "Get ready: Tiptoe sways" in lines
    first = opened(folder, lines)
    assert (first.rendered, first.from_cache) == (len(lines), 0)
    assert all(first.get(t) is not None and first.get(t).seconds > 0.3 for t in lines)
    first.close()

    again = opened(folder, lines)
    assert (again.rendered, again.from_cache) == (0, len(lines))
    assert all(again.get(t).pcm == first.get(t).pcm for t in lines)
    again.close()

    changed = session_lines(tmp_path, "Heels down, gently")
    assert set(changed) - set(lines) == {"Heels down, gently"}
    third = opened(folder, changed)
    assert (third.rendered, third.from_cache) == (1, len(changed) - 1)
    third.close()


@pytest.mark.parametrize("damage", ["truncated", "noise", "foreign", "garbage", "fifo", "stereo"])
def test_a_damaged_or_foreign_cache_file_is_rendered_again(tmp_path, damage):
    folder = tmp_path / "cache"
    text = "Wobbly stool lean complete"
    r = opened(folder, [text])
    good = r.get(text).pcm
    key = cache_key(text, r.version)
    r.close()
    wav = folder / f"{key}.wav"
    if damage == "truncated":  # a power cut mid-copy: the header says more than is there
        wav.write_bytes(wav.read_bytes()[: len(wav.read_bytes()) // 2])
    elif damage == "noise":  # same length, same header, other samples
        write_wav(wav, Pcm(bytes(os.urandom(len(good.samples))), good.rate))
    elif damage == "foreign":  # a valid clip of something else (another line, another program's file)
        shutil.copy(REPO / "assets" / "sounds" / "tones" / "go.wav", wav)
    elif damage == "garbage":
        wav.write_bytes(b"RIFF\x00\x00\x00\x00not a wave at all")
    elif damage == "fifo":
        wav.unlink()
        os.mkfifo(wav)
    elif damage == "stereo":
        import wave

        with wave.open(str(wav), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(good.rate)
            w.writeframes(good.samples)
    assert read_cached(folder, key) is None  # never handed out to be played
    again = opened(folder, [text])
    assert (again.rendered, again.from_cache) == (1, 0)
    assert again.get(text).pcm == good  # the same voice as before, not the damaged file
    again.close()
    assert read_wav(wav).samples == good.samples  # and the cache is mended


def test_no_engine_means_no_lines_and_one_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng here
    told: list[str] = []
    r = LineRenderer(tmp_path / "cache", on_unavailable=told.append)
    r.request(["Wobbly stool lean complete", "Back to the heels"])
    assert r.wait(["Wobbly stool lean complete", "Back to the heels"], 10)
    assert told == [f"spoken lines need a speech engine: install {render.PACKAGE} (their cues play a tone)"]
    assert r.get("Back to the heels") is None
    assert r.state("Back to the heels") == ("failed", told[0])
    r.request(["Something else"])  # asked again later: failed at once, not queued for ever
    assert r.state("Something else")[0] == "failed"
    r.close()


# -- review fixes: ordering, closing, faults, the cache's bounds, the processing -----------------------
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from hinge_timer.audio.render import Procs, cache_dir, loudness, speak, tidy_cache, trim  # noqa: E402
from hinge_timer.audio.vocabulary import cue_sound  # noqa: E402
from hinge_timer.session.timeline import CueKind  # noqa: E402


def slow(callback):
    """A listener that takes its time (a loaded machine): wait() must not return before it is done."""
    def told(arg):
        time.sleep(0.3)
        callback(arg)
    return told


def test_wait_returns_only_after_the_listener_was_told(tmp_path, monkeypatch):
    ready: list[str] = []
    r = LineRenderer(tmp_path / "cache", on_ready=slow(ready.append))
    r.request(["Back to the heels"])
    assert r.wait(["Back to the heels"], 60)
    assert ready == ["Back to the heels"]
    r.close()
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng
    told: list[str] = []
    r = LineRenderer(tmp_path / "cache2", on_unavailable=slow(told.append))
    r.request(["Back to the heels"])
    assert r.wait(["Back to the heels"], 10)
    assert len(told) == 1
    r.close()


def hanging_engine(tmp_path: Path) -> Path:
    """An espeak-ng that answers --version, then hangs on every line (writes its pid first)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "espeak-ng"
    fake.write_text(f"#!{sys.executable}\nimport os, sys, time\n"
                    "if '--version' in sys.argv: print('eSpeak NG text-to-speech: 9.9 Data at: /x'); sys.exit()\n"
                    f"open({str(tmp_path / 'pid')!r}, 'w').write(str(os.getpid()))\n"
                    "time.sleep(600)\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state not in ("Z", "X")


def test_close_kills_a_hung_engine_at_once_and_tells_nobody_after(tmp_path):
    fake = hanging_engine(tmp_path)
    told: list[str] = []
    r = LineRenderer(tmp_path / "cache", command=str(fake), timeout_s=60, on_ready=told.append,
                     on_unavailable=told.append)
    r.request(["Back to the heels"])
    deadline = time.monotonic() + 20
    while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text():
        assert time.monotonic() < deadline, "the stand-in never started"
        time.sleep(0.02)
    pid = int((tmp_path / "pid").read_text())
    start = time.monotonic()
    r.close()
    assert time.monotonic() - start < 0.5  # the GUI thread is never held long
    deadline = time.monotonic() + 5
    while alive(pid):
        assert time.monotonic() < deadline, "the hung engine outlived close()"
        time.sleep(0.02)
    r._thread.join(5)
    assert not r._thread.is_alive() and told == []


def test_an_engine_started_after_close_is_killed_at_once(tmp_path):
    procs = Procs()
    procs.close()
    fake = hanging_engine(tmp_path)
    start = time.monotonic()
    with pytest.raises(render.RenderError):
        render._run([str(fake), "x"], b"", 60, procs)
    assert time.monotonic() - start < 5


def test_a_fault_in_one_line_fails_that_line_and_the_rest_render(tmp_path, monkeypatch):
    real = LineRenderer._render

    def faulty(self, text, voice):
        if text == "Back to the heels":
            raise TypeError("a bug")
        return real(self, text, voice)

    monkeypatch.setattr(LineRenderer, "_render", faulty)
    r = LineRenderer(tmp_path / "cache")
    r.request(["Back to the heels", "Lean to the toes"])
    assert r.wait(["Back to the heels", "Lean to the toes"], 60)
    state, why = r.state("Back to the heels")
    assert state == "failed" and "TypeError" in why
    assert r.get("Lean to the toes") is not None and r.pending() == 0
    r.close()


def test_the_cache_is_tidied_when_a_worker_starts(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    old = time.time() - 3600
    for name in (".raw-left.wav", ".tmp-left"):
        (folder / name).write_bytes(b"x")
        os.utime(folder / name, (old, old))
    (folder / ".tmp-live").write_bytes(b"x")  # another instance writing now
    for i, key in enumerate(["a" * 64, "b" * 64, "c" * 64]):  # a least, c most recently used
        for ext in ("wav", "json"):
            (folder / f"{key}.{ext}").write_bytes(b"\0" * 1000)
            os.utime(folder / f"{key}.{ext}", (old + i, old + i))
    tidy_cache(folder, max_bytes=4500)
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-live", "b" * 64 + ".json", "b" * 64 + ".wav",
                                                         "c" * 64 + ".json", "c" * 64 + ".wav"]


def test_a_hit_counts_as_use_and_a_worker_prunes_to_its_cap(tmp_path):
    folder = tmp_path / "cache"
    r = opened(folder, ["Back to the heels", "Lean to the toes"])
    key = cache_key("Back to the heels", r.version)
    r.close()
    old = time.time() - 3600
    for p in folder.iterdir():
        os.utime(p, (old, old))
    assert read_cached(folder, key) is not None  # a hit: used now
    size = sum(p.stat().st_size for p in folder.iterdir() if p.name.startswith(key))
    r = LineRenderer(folder, max_cache_bytes=size)
    r.request(["Back to the heels"])
    assert r.wait(["Back to the heels"], 60)
    r.close()
    assert sorted(p.name for p in folder.iterdir()) == [f"{key}.json", f"{key}.wav"]


def test_retain_forgets_other_sessions_lines(tmp_path):
    r = opened(tmp_path / "cache", ["Back to the heels", "Lean to the toes"])
    r.retain(["Lean to the toes"])
    assert r.get("Back to the heels") is None and r.get("Lean to the toes") is not None
    r.close()


def test_the_cache_folder_follows_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HINGE_TIMER_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir(str(tmp_path / "d")) == tmp_path / "c"
    monkeypatch.delenv("HINGE_TIMER_CACHE_DIR")
    assert cache_dir(str(tmp_path / "d")) == tmp_path / "d" / "cache" / "speech"
    monkeypatch.setenv("HINGE_TIMER_DATA_DIR", str(tmp_path / "e"))
    assert cache_dir() == tmp_path / "e" / "cache" / "speech"
    assert cache_dir(str(tmp_path / "d")) == tmp_path / "d" / "cache" / "speech"


@pytest.mark.parametrize("name", ["get ready", "go", "rest"])
def test_a_line_rendered_now_is_byte_for_byte_the_shipped_prompt(tmp_path, name):
    import json

    entry = json.loads((REPO / "assets" / "sounds" / "index.json").read_text(encoding="utf-8"))["phrases"][name]
    shipped = read_wav(REPO / "assets" / "sounds" / entry["file"])
    assert speak(entry["text"], tmp_path) == shipped


def test_the_processing_lets_the_gui_thread_in(tmp_path):
    """A 3 s line's trim and loudness: a GUI thread asking for the GIL meanwhile is let in within a
    few ms each time (the processing runs in C a chunk at a time)."""
    import array
    import math

    n = 3 * render.RATE
    pcm = Pcm(array.array("h", [0] * 2000 + [int(8000 * math.sin(i / 7)) for i in range(n)] + [0] * 2000).tobytes(),
              render.RATE)
    gaps: list[float] = []
    stop = threading.Event()

    def gui() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    t = threading.Thread(target=gui)
    t.start()
    try:
        for _ in range(3):
            loudness(trim(pcm), render.SPEECH_RMS_DBFS)
    finally:
        stop.set()
        t.join()
    assert max(gaps) < 0.02, f"the GUI thread waited {max(gaps) * 1000:.1f} ms for the GIL"


def test_the_voice_logged_is_that_of_the_form_chosen():
    catalog = Catalog.load()
    text = "Wobble now: breathe out relax into the stretch"
    s = cue_sound(catalog, CueKind.PHASE, text, lambda _t: True)
    assert s.line is not None and s.short
    assert s.voice_of(False) == "rendered" and s.voice_of(True) == "prompt"


def test_audio_check_lists_every_line_the_session_can_speak(tmp_path):
    lines = session_lines(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "hinge_timer", "audio-check", str(SESSION), "--audio", "none"],
                         capture_output=True, text=True, timeout=300, env=env, cwd=REPO).stdout
    rows = [row for row in out.splitlines() if row.startswith("  ")]
    for line in lines:
        assert any(row.split()[0] == "rendered" and line in row for row in rows), (line, out)
    assert all(row.split()[0] in ("prompt", "rendered", "no") for row in rows)
    assert f"{len(lines)} rendered lines" in out


def test_a_users_own_lines_are_spoken_in_the_language_their_words_are_in(tmp_path):
    """A session written in German is spoken with the German voice in an English window; a session
    with a French translation in a French window, with the French voice; one with no French words in a
    French window keeps the voice of its own language (a German line is never read out in French)."""
    import shutil

    from hinge_timer.audio.render import VOICES, cache_key, speak, voice_for

    assert voice_for("en", "de", []) == VOICES["de"]
    assert voice_for("fr", "en", ["fr", "de"]) == VOICES["fr"]
    assert voice_for("fr", "de", []) == VOICES["de"]
    assert voice_for("en", "en", ["de"]) == VOICES["en"]
    line = "Hüfte zurück, langsam aufrichten"
    assert cache_key(line, "1", VOICES["de"]) != cache_key(line, "1", VOICES["en"])  # never one for the other
    if shutil.which("espeak-ng") is None:
        import os

        assert os.environ.get("CI") != "true", "espeak-ng is installed in CI (.ci/run)"
        pytest.skip("no espeak-ng")
    german, english = speak(line, tmp_path, voice=VOICES["de"]), speak(line, tmp_path, voice=VOICES["en"])
    assert german.samples and english.samples and german.samples != english.samples
