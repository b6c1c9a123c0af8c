"""Every screen's text sizes and colours at two window sizes, pinned (tests/qt/screen_looks.json).

The file was written from the code before issue 16's tidy-up (one scaling helper, ``theme.scaled_px``,
and every colour named in ``ui/theme.py``), so the tidy-up is checked to draw the same screens: each
label, button and list keeps its font's pixel size, its text colour and its background colour. A
change to the JSON file is a change to how the app looks; make it on purpose.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QProgressBar, QWidget

from tests.conftest import REPO
from tests.qt.conftest import App

LOOKS_FILE = REPO / "tests" / "qt" / "screen_looks.json"
SIZES = [(1280, 720), (800, 600)]
K = Qt.Key


def looks(root: QWidget) -> dict[str, str]:
    """Each label, button, list and bar under ``root``: "font px, text colour, background colour".

    A widget is named by its object name, else by its named ancestors and its class (with a number
    when several share that name)."""
    out: dict[str, str] = {}
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, (QLabel, QAbstractButton, QAbstractItemView, QProgressBar)) and w is not root:
            continue
        key = w.objectName()
        if not key:
            names = []
            p = w.parentWidget()
            while p is not None and p is not root.parentWidget():
                if p.objectName():
                    names.append(p.objectName())
                p = p.parentWidget()
            key = "/".join([*reversed(names), type(w).__name__])
        n, unique = 1, key
        while unique in out:
            n += 1
            unique = f"{key}#{n}"
        w.ensurePolished()
        font = w.font()
        size = f"{font.pixelSize()}px" if font.pixelSize() > 0 else f"{font.pointSizeF():g}pt"
        pal = w.palette()
        out[unique] = f"{size} {pal.color(w.foregroundRole()).name()} {pal.color(w.backgroundRole()).name()}"
    return out


def screen_looks(qtbot, tmp_path, size: tuple[int, int], seen_hook=None) -> dict[str, dict[str, str]]:
    """Go through every screen in a window of ``size`` and say how each looks (``seen_hook(name, widget)``
    is called at each, to take a picture of it)."""
    app = App(qtbot, tmp_path)
    w = app.window

    def looks_of(name: str, widget: QWidget) -> dict[str, str]:
        if seen_hook is not None:
            seen_hook(name, widget)
        return looks(widget)

    try:
        w.resize(*size)
        qtbot.waitUntil(lambda: w.size() == QSize(*size))
        seen: dict[str, dict[str, str]] = {}
        w.home.set_notice("The history is kept in memory only.")
        w.home.show_resume("Resume: Jefferson curl, set 2 of 3, right side")
        qtbot.wait(20)
        seen["home"] = looks_of("home", w.home)

        app.start("Hip hinge mobility")
        app.advance(7.25)  # the countdown's "3": a white flash
        flashes = [w.session_screen.flash_overlay.colour.name()]
        app.advance(3)  # "2", "1", "Go": the last flash is the work colour
        flashes.append(w.session_screen.flash_overlay.colour.name())
        seen["flash"] = {"countdown": flashes[0], "go": flashes[1]}
        w.session_screen.set_sound_notice("Sound is off")
        qtbot.wait(20)
        seen["session"] = looks_of("session", w.session_screen)
        app.key(K.Key_Space)
        qtbot.wait(20)
        seen["paused"] = looks_of("paused", w.session_screen.pause_overlay)
        app.key(K.Key_Space)
        app.key(K.Key_Question)
        qtbot.wait(20)
        seen["help"] = looks_of("help", w.help)
        app.key(K.Key_Escape)

        app.driver.end_session("test")
        assert w.stack.currentWidget() is w.done
        w.done.set_saved("Saved in the history.")
        qtbot.wait(20)
        seen["done"] = looks_of("done", w.done)
        w.done.set_saved("History is not being saved: the disk is full.", problem=True)
        seen["done_problem"] = {"saved": looks(w.done)["done_saved"]}
        app.key(K.Key_Return)

        w.show_history()
        qtbot.wait(20)
        screen = w.stack.currentWidget()
        seen["history"] = looks_of("history", screen)
        model = screen.model
        brushes = {}
        for name, row in (("stopped", SimpleNamespace(stopped=True, clean=False)),
                          ("clean", SimpleNamespace(stopped=False, clean=True)),
                          ("partial", SimpleNamespace(stopped=False, clean=False))):
            model.rows = [row]
            brushes[name] = model.data(model.index(0, 4), Qt.ItemDataRole.ForegroundRole).color().name()
        model.rows = []
        seen["history_results"] = brushes

        from hinge_timer.ui.kiosk import KioskHome

        tiles = KioskHome(w.stack)  # as the kiosk shows it, in the window's place for screens
        w.stack.addWidget(tiles)
        tiles.set_entries(w.home.entries)
        tiles.set_today(3)
        tiles.set_admin_notice("For the administrator: a line.")
        w.stack.setCurrentWidget(tiles)
        qtbot.wait(20)
        seen["kiosk"] = looks_of("kiosk", tiles)
        return seen
    finally:
        w.end_driver()
        if w.history_service.history is not None:
            w.history_service.history.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_keeps_its_text_sizes_and_colours(qtbot, tmp_path, fake_dialogs, size):
    expected = json.loads(LOOKS_FILE.read_text(encoding="utf-8"))[f"{size[0]}x{size[1]}"]
    seen = screen_looks(qtbot, tmp_path, size)
    assert seen.keys() == expected.keys()
    for screen in expected:
        changed = {k: (expected[screen].get(k), seen[screen].get(k))
                   for k in expected[screen].keys() | seen[screen].keys()
                   if expected[screen].get(k) != seen[screen].get(k)}
        assert changed == {}, f"{screen} at {size[0]}x{size[1]} (was, now): {changed}"


@pytest.mark.parametrize("size", [(1280, 720), (800, 600), (720, 1280), (600, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_help_and_the_pause_fit_the_window_whole(qtbot, tmp_path, fake_dialogs, size):
    """Every line of the help (and of the pause overlay) is on screen at every window size and shape: the
    text is set smaller until it fits under the title, never cut off at the top or bottom (the help ran
    off a 1280x720 window once the command table listed every key, and off portrait windows before)."""
    from PySide6.QtGui import QFontMetrics

    app = App(qtbot, tmp_path)
    app.window.resize(*size)
    qtbot.waitUntil(lambda: app.window.size() == QSize(*size) or app.window.isMaximized(), timeout=3000)

    def whole(overlay) -> None:
        body = overlay.body
        qtbot.waitUntil(lambda: body.isVisible(), timeout=3000)
        overlay.layout().activate()  # as the next turn of the event loop would, before it is painted
        top_left = body.mapTo(overlay, body.rect().topLeft())
        assert top_left.y() >= overlay.title.mapTo(overlay, overlay.title.rect().bottomLeft()).y()
        assert top_left.y() + body.height() <= overlay.height()
        need = QFontMetrics(body.font()).boundingRect(0, 0, body.width(), 1 << 20, Qt.TextFlag.TextWordWrap,
                                                      body.text()).height()
        assert need <= body.height(), f"{need} px of text in a {body.height()} px label"

    app.key(K.Key_Question)
    whole(app.window.help)
    assert "? or Esc to close" in app.window.help.body.text()
    app.key(K.Key_Question)
    app.start("Quick warm-up before lifting")
    app.advance(3)
    app.key(K.Key_Space)
    whole(app.screen.pause_overlay)
