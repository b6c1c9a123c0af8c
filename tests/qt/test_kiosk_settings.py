"""A kiosk leaves the person's settings.json alone (issue 17): started with `hinge-timer --kiosk` as a gym PC
would, used by a stranger (a tile, mute), left with the held exit chord and closed, the file is byte for
byte what it was, and the next normal start opens in a window, not full screen."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hinge_timer.cli import main
from hinge_timer.kiosk.config import KioskConfig
from hinge_timer.settings import SettingsStore
from tests.qt.conftest import App

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier

# Someone's own settings, written by hand (an unusual layout and a key from a newer version), so that any
# rewrite of the file shows.
PERSONAL = {"dose": "high", "mute": False, "volume": 0.35, "audio": "none", "flash": False, "geometry": "",
            "fullscreen": False, "last_session": "hip-hinge-basics", "from_a_newer_version": {"kept": [1, 2]}}


def personal_settings(folder) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(PERSONAL, indent=3, sort_keys=True) + "\n\n"
    (folder / "settings.json").write_text(text, encoding="utf-8")
    return (folder / "settings.json").read_bytes()


def the_window():
    return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())


def test_the_kiosk_leaves_settings_json_as_it_was_and_the_next_start_is_windowed(qtbot, tmp_path, monkeypatch,
                                                                                fake_dialogs):
    data = tmp_path / "data"
    before = personal_settings(data)
    seen: dict[str, object] = {}

    def kiosk_exec():  # instead of the event loop: a stranger at the gym PC, then the administrator
        w = the_window()
        qtbot.waitUntil(lambda: len(w.kiosk_home.tiles) == 3, timeout=10_000)
        seen["kiosk"] = (w.kiosk is not None, w.isFullScreen())
        tile = w.kiosk_home.tiles[2]
        qtbot.waitUntil(lambda: tile.isVisible() and tile.height() > 100)
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
        seen["session"] = w.current_screen()
        qtbot.keyClick(w, Qt.Key.Key_M)  # the stranger mutes it
        seen["muted"] = w.prefs.mute
        qtbot.keyPress(w, Qt.Key.Key_Q, CTRL_ALT)  # the exit chord, held (3 s on the kiosk's real clock)
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=15_000)
        qtbot.keyRelease(w, Qt.Key.Key_Q, CTRL_ALT)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(kiosk_exec))
    assert main(["--kiosk", "--data-dir", str(data), "--audio", "none"]) == 0
    assert seen == {"kiosk": (True, True), "session": "session_screen", "muted": True}
    assert (data / "settings.json").read_bytes() == before
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("settings")) == ["settings.json"]

    def normal_exec():  # the person's own next start
        w = the_window()
        seen["normal"] = (w.kiosk is None, w.isFullScreen(), w.windowFlags() & Qt.WindowType.FramelessWindowHint)
        seen["dose"], seen["mute"] = w.home.dose, w.prefs.mute
        w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(normal_exec))
    assert main(["--data-dir", str(data), "--audio", "none"]) == 0
    assert seen["normal"] == (True, False, Qt.WindowType(0))  # in a window, with its frame
    assert (seen["dose"], seen["mute"]) == ("high", False)  # the person's own, not the stranger's
    after = json.loads((data / "settings.json").read_text(encoding="utf-8"))  # (a normal exit writes it)
    assert after["fullscreen"] is False and after["from_a_newer_version"] == {"kept": [1, 2]}


def test_ctrl_c_in_a_kiosk_writes_no_settings_either(qtbot, tmp_path, fake_dialogs):
    data = tmp_path / "data"
    before = personal_settings(data)
    app = App(qtbot, tmp_path, kiosk=KioskConfig(enabled=True), kiosk_clock=lambda: 0.0)
    w = app.window
    try:
        w.showFullScreen()
        qtbot.waitUntil(w.isFullScreen)
        w.home.set_dose("low")
        w.prefs.set_volume(1.0)
        w.interrupt()  # Ctrl-C in the terminal that started it
        w.save_settings()
        assert (data / "settings.json").read_bytes() == before
        assert SettingsStore(data).load().fullscreen is False
    finally:
        w.kiosk.allow_exit = True
        w.close()
        w.end_driver()
        if w.history_service.history is not None:
            w.history_service.history.close()
