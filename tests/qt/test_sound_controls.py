"""The window's sound controls on real widgets: the notice when there is no sound, volume keys,
the Sound output menu, and that all of it is remembered.  What is heard is tested in
tests/integration/test_sound*.py; here the backend plays nothing."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from tests.qt.conftest import App


def test_with_no_sound_the_session_says_so_and_captions_every_cue(app):
    app.start("Quick warm-up before lifting")
    notice = app.screen.status.text()
    assert notice == "Sound is off (View → Sound output)"
    assert "captions" in app.screen.status.toolTip()
    app.advance(10)
    assert "Go" in app.screen.captions
    assert app.screen.status.text() == notice  # it stays while commands come and go
    app.key(Qt.Key.Key_Space)
    app.key(Qt.Key.Key_Space)
    assert app.screen.status.text() == notice
    # Every cue was still decided by the planner and logged, and nothing claims to have played.
    assert app.window.sound.audio.decisions
    assert all(d["action"] in ("silent", "drop", "queue", "cancelled") for d in app.window.sound.audio.decisions)


def test_ctrl_up_and_down_change_the_volume_and_it_is_remembered(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    first.window.activateWindow()  # shortcuts reach the active window
    qtbot.waitActive(first.window)
    start = first.window.settings.volume
    first.start("Quick warm-up before lifting")
    qtbot.keyClick(first.window.windowHandle(), Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(first.window.windowHandle(), Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    expected = round(start - 0.2, 2)
    assert first.window.settings.volume == expected
    assert first.screen.status.text() == f"Volume {round(expected * 100)} %"
    assert first.window.sound.audio.backend.volume == expected
    qtbot.keyClick(first.window.windowHandle(), Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    expected = round(expected + 0.1, 2)
    assert first.window.sound.audio.backend.volume == expected
    for _ in range(15):  # never above full
        qtbot.keyClick(first.window.windowHandle(), Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert first.window.settings.volume == 1.0
    qtbot.keyClick(first.window.windowHandle(), Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    first.window.end_driver()
    first.window.close()
    assert json.loads((tmp_path / "data" / "settings.json").read_text())["volume"] == 0.9
    second = App(qtbot, tmp_path)
    assert second.window.settings.volume == 0.9
    assert second.window.sound.ensure().backend.volume == 0.9


def test_mute_silences_the_cues_but_not_the_captions(app):
    app.start("Quick warm-up before lifting")
    app.key(Qt.Key.Key_M)
    app.advance(10)
    after_mute = [d for d in app.window.sound.audio.decisions if d["text"] == "Go"]
    assert after_mute and all(d["action"] == "muted" for d in after_mute)
    assert "Go" in app.screen.captions and app.screen.caption.text().startswith("🔇 ")


# Qt's own words that no sound server runs where the window tests run.
@pytest.mark.qt_log_ignore("PulseAudioService", "No audio device detected")
def test_the_sound_output_menu_switches_at_once_and_is_remembered(qtbot, tmp_path, fake_dialogs):
    first = App(qtbot, tmp_path)
    first.start("Quick warm-up before lifting")
    first.window.command_actions["audio_qt"].trigger()
    # Qt Multimedia is part of the app's dependencies: the backend is Qt even with no speakers.
    assert first.window.sound.audio.backend.name == "qt"
    assert first.window.sound.audio.driver is first.window.run.driver  # the running session plays through it
    assert first.window.command_actions["audio_qt"].isChecked() and not first.window.command_actions["audio_none"].isChecked()
    assert first.screen.status.text()  # says which output, or why it is silent
    first.advance(10)
    assert any(d["text"] == "Go" and d["backend"] == "qt" for d in first.window.sound.audio.decisions)
    first.window.command_actions["audio_none"].trigger()
    assert first.window.sound.audio.backend.name == "none"
    assert first.screen.status.text() == "Sound through no sound"
    first.window.command_actions["audio_simpleaudio"].trigger()
    first.window.end_driver()
    first.window.close()
    assert json.loads((tmp_path / "data" / "settings.json").read_text())["audio"] == "simpleaudio"


def test_home_says_once_that_spoken_lines_need_a_speech_engine_when_there_is_none(qtbot, tmp_path, monkeypatch,
                                                                                  fake_dialogs):
    """A user's own session selected on a machine without espeak-ng: Home says so, naming the one
    package to install, once; the notice stays beside a history notice; the session still runs."""
    import shutil
    from pathlib import Path

    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no speech engine to be found
    (tmp_path / "data" / "sessions").mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "data" / "own-lines.toml",
                tmp_path / "data" / "sessions" / "own-lines.toml")
    app = App(qtbot, tmp_path)
    home = app.window.home
    row = next(i for i, e in enumerate(home.entries) if e.session and e.session.title == "Morning knees, Tuesday")
    home.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: home.notice.isVisible(), timeout=10_000)
    said = home.notice.text()
    assert said.startswith("Spoken lines need a speech engine: install espeak-ng")
    assert "tone" in said  # what happens instead
    home.set_notice("The history is busy.", part="history")
    assert said in home.notice.text() and "The history is busy." in home.notice.text()
    home.set_notice("", part="history")
    # Said once: selecting other sessions and coming back adds nothing.
    home.list.setCurrentRow(0)
    home.list.setCurrentRow(row)
    qtbot.wait(300)
    assert home.notice.text() == said
    # Its cues play a tone and show their caption.
    app.start("Morning knees, Tuesday")
    app.advance(9)
    assert any("Wobbly stool lean" in c for c in app.screen.captions)
