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
