"""Text from a file is shown as text, never as rich text (issue 14, "Text is text").

A user's own session whose title, summary, equipment, drill names, cues, caution, how, phase names
and say lines hold `<img src='…/magenta.png'>`, `<font size=7>`, `<b>` and control characters is
opened in the real window and walked through Home, the caution, a step, the how panel (key I), the
pause and help overlays, the done screen and History.  Every label must show the literal tags
(label.text() holds "<img", the label is PlainText) and no image may be drawn: the PNG is a block of
pure magenta, and a grab of the window must hold no magenta pixel, while the same text in a
rich-text label (the control) does draw it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from hinge_timer.engine.state import State
from hinge_timer.ui import dialogs
from hinge_timer.ui.widgets import plain_label, set_plain_tooltip
from tests.qt.conftest import App

K = Qt.Key
MAGENTA = QColor(255, 0, 255)


@pytest.fixture
def picture():
    """A 120×120 magenta PNG at a short path (session fields are at most 80 characters)."""
    folder = Path(tempfile.mkdtemp(prefix="ht", dir="/tmp"))
    path = folder / "m.png"
    image = QImage(120, 120, QImage.Format.Format_ARGB32)
    image.fill(MAGENTA)
    assert image.save(str(path))
    yield path
    shutil.rmtree(folder)


def hostile_session(png: Path) -> str:
    img = f"<img src='{png}'>"
    return f'''format = 1
title = "{img}<b>My</b> <font size=7>own</font>\\u001b]0;x\\u0007"
summary = "{img} <b>Hips</b> <font size=7>first</font>."

[defaults]
get_ready = 5
switch_sides = 4

[[drill]]
name = "{img}<font size=7>Lift</font><b>!</b>"
reps = 2
equipment = ["{img}<b>band</b>"]
caution = "{img}<font size=7>IGNORE THIS</font> <b>back</b>\\u202e"
how = """{img} <b>Hips</b> back.

<font size=7>Then</font> the knees.\\u001b[2J"""
cues = ["{img}<b>cue</b>\\u001b[8m", "second <font size=7>cue</font>"]
tempo = [ {{ phase = "<b>Down</b>{img}", seconds = 3, say = "{img} say <font size=7>down</font>" }},
          {{ phase = "Up", seconds = 3 }} ]

[[drill]]
name = "<b>Hold</b>{img}"
hold = 10
sides = ["left", "right"]
cycle = [ {{ phase = "<i>Push</i>{img}", seconds = 5, say = "{img} <b>push</b>" }},
          {{ phase = "Relax", seconds = 5 }} ]
'''


def magenta_pixels(widget: QWidget) -> int:
    """How many pure magenta pixels the widget draws (the PNG's colour; the theme has none)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    data = bytes(image.constBits())
    pattern = b"\xff\x00\xff\xff"  # B, G, R, A in memory on a little-endian machine
    count, i = 0, data.find(pattern)
    while i >= 0:
        count += i % 4 == 0
        i = data.find(pattern, i + 1)
    return count


def all_labels(root: QWidget) -> list[QLabel]:
    return root.findChildren(QLabel)


def assert_plain_everywhere(root: QWidget) -> None:
    rich = [(label.objectName() or label.text()[:40]) for label in all_labels(root)
            if label.textFormat() is not Qt.TextFormat.PlainText]
    assert not rich, f"labels that may render rich text: {rich}"


def shows_literally(label: QLabel) -> bool:
    return label.textFormat() is Qt.TextFormat.PlainText and "<img src='" in label.text()


@pytest.fixture
def hostile(qtbot, tmp_path, fake_dialogs, picture):
    app = App(qtbot, tmp_path)
    app.sessions.mkdir(parents=True)
    (app.sessions / "mine.toml").write_text(hostile_session(picture), encoding="utf-8")
    app.reload()
    yield app
    app.window.end_driver()
    if app.window.history_service.history is not None:
        app.window.history_service.history.close()


def test_the_detector_sees_the_picture_in_a_rich_text_label(qtbot, picture):
    """The control: the same text on Qt's AutoText does draw the image, so a zero below means something."""
    rich = QLabel(f"<img src='{picture}'><b>Lift</b>")
    qtbot.addWidget(rich)
    rich.resize(300, 200)
    assert rich.textFormat() is Qt.TextFormat.AutoText
    assert magenta_pixels(rich) > 100 * 100
    plain = plain_label(None, rich.text())
    qtbot.addWidget(plain)
    plain.resize(300, 200)
    assert magenta_pixels(plain) == 0 and plain.text() == rich.text()


def test_every_screen_shows_the_files_text_literally(hostile, qtbot, picture):
    app, w = hostile, hostile.window
    home = w.home
    mine = next(i for i, e in enumerate(home.entries) if e.key.endswith("mine.toml"))
    home.list.setCurrentRow(mine)
    assert home.list.item(mine).text().startswith("<img src='")  # a list item is always plain
    assert shows_literally(home.details_title) and "<b>My</b> <font size=7>own</font>" in home.details_title.text()
    details = home.details.text()
    assert shows_literally(home.details)
    assert "<b>Hips</b> <font size=7>first</font>." in details and "<font size=7>Lift</font><b>!</b>: 2 reps" in details
    assert f"You need: <img src='{picture}'><b>band</b>" in details
    assert_plain_everywhere(w)
    assert magenta_pixels(w) == 0

    # The caution: its text exactly, nothing drawn over it.
    app.key(K.Key_Return)
    s = app.screen
    assert w.stack.currentWidget() is s and app.driver.runner.state is State.CAUTION
    assert shows_literally(s.caution_title) and s.caution_title.text().startswith("Before <img src='")
    assert shows_literally(s.caution_text) and "<font size=7>IGNORE THIS</font> <b>back</b>\u202e" in s.caution_text.text()
    assert_plain_everywhere(w)
    assert magenta_pixels(w) == 0

    # A step: the drill name, the phase, the coaching cue and the spoken line as a caption.
    app.key(K.Key_Return)
    app.until(lambda: app.driver.runner.state is State.WORK and "say" in s.caption.text())
    assert shows_literally(s.drill) and s.drill.text().endswith("<font size=7>Lift</font><b>!</b>")
    assert s.phase.text().startswith("<b>Down</b><img src='") and s.phase.textFormat() is Qt.TextFormat.PlainText
    assert shows_literally(s.cue) and "\x1b[8m" in s.cue.text()
    assert shows_literally(s.caption) and "say <font size=7>down</font>" in s.caption.text()
    assert s.next_up.textFormat() is Qt.TextFormat.PlainText
    assert magenta_pixels(w) == 0

    # How (key I): plain text with its paragraph break kept as a line break, not as <br>.
    app.key(K.Key_I)
    assert s.how.isVisible() and shows_literally(s.how)
    assert s.how.text() == f"<img src='{picture}'> <b>Hips</b> back.\n\n<font size=7>Then</font> the knees.\x1b[2J"
    assert_plain_everywhere(w)
    assert magenta_pixels(w) == 0
    app.key(K.Key_I)

    # Paused: the overlay names the drill, as text.
    app.key(K.Key_Space)
    body = s.pause_overlay.body
    assert s.pause_overlay.isVisible() and shows_literally(body) and "<font size=7>Lift</font>" in body.text()
    assert magenta_pixels(w) == 0
    app.key(K.Key_Space)
    # The help overlay: plain text too, every key listed.
    app.key(K.Key_Question)
    assert w.help.isVisible() and w.help.body.textFormat() is Qt.TextFormat.PlainText
    assert "Page Down" in w.help.body.text() and "<" not in w.help.body.text()
    app.key(K.Key_Escape)

    # The second drill's side and cycle phase, then done.
    app.until(lambda: app.driver.runner.step.drill == 1 and app.driver.runner.state is State.WORK)
    assert s.drill.text().startswith("<b>Hold</b><img src='") and s.drill.textFormat() is Qt.TextFormat.PlainText
    assert magenta_pixels(w) == 0
    app.until(lambda: w.stack.currentWidget() is w.done)
    summary = w.done.summary.text()
    assert shows_literally(w.done.summary)
    assert f"<img src='{picture}'><font size=7>Lift</font><b>!</b>: done" in summary
    assert f"<b>Hold</b><img src='{picture}'>: done" in summary
    assert_plain_everywhere(w)
    assert magenta_pixels(w) == 0

    # History: the run's title and every set's drill name, as text; the table cell too.
    app.key(K.Key_Return)
    qtbot.keyClick(w, K.Key_H, Qt.KeyboardModifier.ControlModifier)
    h = w.history_view.screen
    assert w.stack.currentWidget() is h and h.model.rowCount() == 1
    assert h.model.data(h.model.index(0, 1)).startswith("<img src='")
    assert shows_literally(h.details)
    assert h.details.text().startswith(f"<img src='{picture}'><b>My</b> <font size=7>own</font>\x1b]0;x\x07 · low")
    assert "<b>Hold</b>" in h.details.text() and "<font size=7>Lift</font>" in h.details.text()
    assert_plain_everywhere(w)
    assert magenta_pixels(w) == 0


def test_a_broken_file_s_problems_are_text(hostile, picture, fake_dialogs):
    """A problem quotes the file's value; on Home and in the error dialog it stays text."""
    bad = hostile.sessions / "bad.toml"
    bad.write_text(f'format = 1\ntitle = "T"\n[[drill]]\nname = "X"\nhold = "<img src=\'{picture}\'><b>long</b>"\n',
                   encoding="utf-8")
    w = hostile.window
    hostile.reload()
    home = w.home
    home.list.setCurrentRow(next(i for i, e in enumerate(home.entries) if e.key.endswith("bad.toml")))
    assert home.details_title.text() == "Cannot open this session"
    assert shows_literally(home.details) and "<b>long</b>" in home.details.text()
    assert magenta_pixels(w) == 0
    fake_dialogs.file = str(bad)
    w.on_open_requested()
    assert fake_dialogs.errors and "<img src='" in fake_dialogs.errors[-1][1]


def test_message_boxes_and_tooltips_show_text_literally(qtbot, picture):
    text = f"<img src='{picture}'><font size=7>big</font> <b>bold</b>"
    box = dialogs.message_box(None, QMessageBox.Icon.Warning, "Title", text, informative=text + " more")
    qtbot.addWidget(box)
    box.setDetailedText(text)
    box.resize(600, 400)
    labels = [label for label in box.findChildren(QLabel) if label.text()]
    assert len(labels) == 2  # the text and the informative text
    assert all(shows_literally(label) for label in labels)
    assert magenta_pixels(box) == 0

    widget = QWidget()
    qtbot.addWidget(widget)
    set_plain_tooltip(widget, text + "\nsecond line")
    tip = widget.toolTip()
    assert "<img" not in tip and "&lt;img src=" in tip and "second line" in tip
    shown = QLabel(tip)  # how Qt renders a tooltip: rich text if it looks like it, which it now does safely
    qtbot.addWidget(shown)
    shown.resize(600, 200)
    assert magenta_pixels(shown) == 0
    doc = QTextDocument()
    doc.setHtml(tip)
    assert doc.toPlainText() == text + "\nsecond line"  # what the tooltip reads: the literal text


def test_the_status_tooltip_is_escaped(hostile, picture):
    hostile.start("Quick warm-up before lifting")
    s = hostile.screen
    s.set_history_notice("History is not being saved", f"Cannot write <img src='{picture}'>/history.sqlite3")
    assert "&lt;img" in s.status.toolTip() and "<img" not in s.status.toolTip()


def test_kiosk_labels_are_plain(qtbot, tmp_path, fake_dialogs):
    from tests.qt.test_kiosk import Kiosk

    k = Kiosk(qtbot, tmp_path)
    try:
        assert k.window.kiosk_home.tiles
        assert_plain_everywhere(k.window)
        assert k.window.kiosk_home.today.text() == "Sessions done here today: 0"
    finally:
        if k.window.kiosk is not None:
            k.window.kiosk.allow_exit = True
        k.window.end_driver()
        if k.window.history_service.history is not None:
            k.window.history_service.history.close()
