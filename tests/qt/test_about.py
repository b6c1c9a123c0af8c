"""Help → About: the version, the licence and the drills' sources, as plain text, with the app's icon."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from hinge_timer import __version__
from hinge_timer.appinfo import SOURCES
from hinge_timer.engine.state import State
from hinge_timer.ui import dialogs
from hinge_timer.ui.app import app_icon, identify


def test_about_names_the_version_the_licence_and_every_source_by_title(qtbot):
    app = QApplication.instance()
    before = app.windowIcon()
    identify(app)
    try:
        assert app.desktopFileName() == "io.github.hingetimer.HingeTimer"
        assert app.applicationVersion() == __version__
        box = dialogs.about_dialog(None)
        qtbot.addWidget(box)
        text = {w.objectName(): w.text() for w in box.findChildren(QLabel)}
        assert text["about_heading"] == f"Hinge Timer {__version__}"
        assert "MIT" in text["about_licence"]
        for title, _where in SOURCES:
            assert title in text["about_sources"]
        assert "Qt 6." in text["about_details"]
        assert all(w.textFormat().name == "PlainText" for w in box.findChildren(QLabel))
        pixmap = box.findChild(QLabel, "about_icon").pixmap()
        assert not pixmap.isNull() and pixmap.width() >= 64
    finally:
        app.setWindowIcon(before)


def test_the_app_icon_has_every_size_from_16_to_256():
    icon = app_icon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 22, 24, 32, 48, 64, 128, 256} <= sizes
    # Drawn at 16 px it is not blank: a launcher's smallest size shows something.
    image = icon.pixmap(16, 16).toImage()
    assert any(image.pixelColor(x, y).alpha() > 200 for x in range(16) for y in range(16))


def test_help_about_is_in_the_menu_and_holds_a_running_session(app, fake_dialogs):
    action = app.window.command_actions["about"]
    assert action.text().replace("&", "") == "About Hinge Timer"
    app.start("Quick warm-up before lifting")
    app.advance(1.0)
    assert app.driver.state is not State.PAUSED
    fake_dialogs.during = lambda: app.driver.state
    action.trigger()
    assert fake_dialogs.abouts == 1
    assert fake_dialogs.seen == [State.PAUSED]  # the clock stood still while it was open
    assert app.driver.state is not State.PAUSED  # and goes on after


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen; a dialog under X has it
def test_the_about_box_shows_every_line_whole_in_each_language(qtbot):
    """Its wrapped words get the height they need: no source cut off, the icon whole (a top-level window
    otherwise takes its layout's minimum, which is shorter than wrapped words need)."""
    from hinge_timer import i18n

    app = QApplication.instance()
    before = app.windowIcon()
    identify(app)
    try:
        for code in i18n.LANGUAGES:
            i18n.set_language(code)
            box = dialogs.about_dialog(None)
            qtbot.addWidget(box)
            box.show()
            qtbot.waitExposed(box)
            for label in box.findChildren(QLabel):
                needed = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
                assert label.height() >= needed, (code, label.objectName(), label.height(), needed)
                assert box.rect().contains(label.geometry()), (code, label.objectName())
            box.close()
    finally:
        i18n.set_language(i18n.SOURCE)
        app.setWindowIcon(before)
