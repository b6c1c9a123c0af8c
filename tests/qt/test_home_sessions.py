"""Home's actions on the user's own sessions, in the real window, by click and by key: New, Duplicate, Edit,
Delete (and its Undo), Export, Import (File → Open and a file dropped on the window); none in a kiosk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from hinge_timer.app import commands
from hinge_timer.kiosk.config import KioskConfig
from hinge_timer.session.load import builtin_session
from hinge_timer.ui import dialogs
from tests.qt.conftest import App
from tests.unit.test_library import PHYSIO

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
BUTTONS = ("new_session", "duplicate_session", "edit_session", "delete_session", "export_session")


class Home(App):
    """A window whose user has one session of their own, written by hand (physio.toml)."""

    def __init__(self, qtbot, tmp_path, fake_dialogs, **options):
        self.dialogs = fake_dialogs
        super().__init__(qtbot, tmp_path, **options)
        self.sessions.mkdir(parents=True, exist_ok=True)
        self.mine = self.sessions / "physio.toml"
        self.mine.write_text(PHYSIO, encoding="utf-8")
        self.reload()
        self.window.session_actions.desktop_trash = False  # never the real user's trash from a test

    def select(self, title: str) -> None:
        home = self.window.home
        row = next(i for i, e in enumerate(home.entries) if e.title == title)
        home.list.setCurrentRow(row)

    def button(self, name: str) -> QPushButton:
        b = self.window.home.findChild(QPushButton, name)
        assert b is not None, name
        return b

    def ctrl(self, key) -> None:
        self.qtbot.keyClick(QApplication.focusWidget() or self.window, key, CTRL)

    @property
    def titles(self) -> list[str | None]:
        return [e.title for e in self.window.home.entries]

    @property
    def notice(self) -> str:
        return self.window.home.notice.text()

    def files(self) -> list[str]:
        return sorted(p.name for p in self.sessions.iterdir())


@pytest.fixture
def home(qtbot, tmp_path, fake_dialogs, monkeypatch):
    exported: list[str] = []

    def choose_export_file(parent, suggested):
        exported.append(suggested)
        return fake_dialogs.file

    monkeypatch.setattr(dialogs, "choose_export_file", choose_export_file)
    h = Home(qtbot, tmp_path, fake_dialogs)
    h.export_suggested = exported
    yield h
    h.window.end_driver()
    if h.window.history_service.history is not None:
        h.window.history_service.history.close()


def test_the_buttons_fit_say_what_they_do_and_follow_the_chosen_session(home):
    w = home.window
    for name in BUTTONS:
        b = home.button(name)
        assert b.isVisible() and b.accessibleName() and b.toolTip(), name
        assert b.focusPolicy() == Qt.FocusPolicy.TabFocus  # a click leaves the focus where it was
    home.select("Hip hinge mobility")
    enabled = {n: home.button(n).isEnabled() for n in BUTTONS}
    assert enabled == {"new_session": True, "duplicate_session": True, "edit_session": False,
                       "delete_session": False, "export_session": True}
    home.select("Physio: knees & hips")
    assert all(home.button(n).isEnabled() for n in BUTTONS)
    for size in ((800, 600), (600, 800)):  # a small laptop, and portrait: nothing clipped or cut off
        w.resize(*size)
        home.qtbot.waitUntil(lambda: w.home.width() <= size[0])
        QApplication.processEvents()
        for name in BUTTONS:
            b = home.button(name)
            right = b.mapTo(w.home, QPoint(b.width(), 0)).x()
            assert right <= w.home.width() and b.width() >= b.sizeHint().width() - 1, (size, name)


def test_delete_by_key_asks_then_undo_by_key_brings_the_same_file_back(home):
    home.select("Physio: knees & hips")
    home.key(K.Key_Delete)
    assert home.dialogs.confirms == ["Delete this session?"]
    assert not home.mine.exists() and "Physio: knees & hips" not in home.titles
    trashed = list((home.data / "trash").iterdir())
    assert len(trashed) == 1 and trashed[0].read_text(encoding="utf-8") == PHYSIO
    assert home.button("undo_delete_session").isVisible() and "Deleted “Physio: knees & hips”" in home.notice
    home.ctrl(K.Key_Z)
    assert home.mine.read_text(encoding="utf-8") == PHYSIO
    assert home.window.home.current.title == "Physio: knees & hips"  # back, and chosen
    assert not home.button("undo_delete_session").isVisible() and list((home.data / "trash").iterdir()) == []


def test_delete_by_click_and_undo_by_click_and_the_offer_ends(home):
    home.select("Physio: knees & hips")
    home.qtbot.mouseClick(home.button("delete_session"), LEFT)
    assert not home.mine.exists()
    home.qtbot.mouseClick(home.button("undo_delete_session"), LEFT)
    assert home.mine.read_text(encoding="utf-8") == PHYSIO
    # Deleted again: after the 10 s the file stays in the trash, and Undo is gone.
    home.window.session_actions._undo_timer.setInterval(50)
    home.select("Physio: knees & hips")
    home.qtbot.mouseClick(home.button("delete_session"), LEFT)
    home.qtbot.waitUntil(lambda: not home.button("undo_delete_session").isVisible(), timeout=5000)
    assert not home.window.commands.run("undo_delete_session")
    assert not home.mine.exists() and len(list((home.data / "trash").iterdir())) == 1


def test_delete_is_refused_for_a_built_in_and_kept_when_the_answer_is_no(home):
    home.select("Hip hinge mobility")
    before = list(home.titles)
    home.key(K.Key_Delete)
    assert home.dialogs.confirms == [] and home.titles == before and "cannot be deleted" in home.notice
    home.select("Physio: knees & hips")
    home.dialogs.answer = False
    home.key(K.Key_Delete)
    assert home.dialogs.confirms == ["Delete this session?"] and home.mine.read_text(encoding="utf-8") == PHYSIO
    assert home.titles == before


def test_undo_does_not_overwrite_a_file_made_meanwhile(home):
    home.select("Physio: knees & hips")
    home.key(K.Key_Delete)
    home.mine.write_text("made since", encoding="utf-8")
    home.ctrl(K.Key_Z)
    assert home.mine.read_text(encoding="utf-8") == "made since"
    assert "is there now" in home.notice
    kept = list((home.data / "trash").iterdir())
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == PHYSIO


def test_delete_goes_to_the_desktop_trash_when_there_is_one(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the desktop's trash, in this test's folder
    for part in ("files", "info"):  # (as a desktop makes it; without one, the trash folder is used)
        (tmp_path / "xdg" / "Trash" / part).mkdir(parents=True)
    home.window.session_actions.desktop_trash = True
    home.select("Physio: knees & hips")
    home.key(K.Key_Delete)
    in_trash = list((tmp_path / "xdg" / "Trash" / "files").iterdir())
    assert [p.read_text(encoding="utf-8") for p in in_trash] == [PHYSIO] and not home.mine.exists()
    assert len(list((tmp_path / "xdg" / "Trash" / "info").iterdir())) == 1
    home.ctrl(K.Key_Z)
    assert home.mine.read_text(encoding="utf-8") == PHYSIO
    assert list((tmp_path / "xdg" / "Trash" / "info").iterdir()) == []  # its .trashinfo went too


def test_import_of_a_broken_file_names_the_file_and_the_field_and_copies_nothing(home, tmp_path):
    broken = tmp_path / "from-coach.toml"
    broken.write_text(PHYSIO.replace("reps = 7", 'reps = "seven"'), encoding="utf-8")
    home.dialogs.file = str(broken)
    before = home.files()
    home.ctrl(K.Key_O)
    assert home.dialogs.errors[0][0] == "This session cannot be opened"
    shown = home.dialogs.errors[0][1]
    assert shown.startswith(f"File: {broken}\n") and "drill[2].reps" in shown
    assert home.files() == before and broken.exists()


def test_import_of_a_good_file_copies_it_and_chooses_it_on_home(home, tmp_path):
    theirs = tmp_path / "downloads" / "Anna's routine.toml"
    theirs.parent.mkdir()
    theirs.write_text(PHYSIO.replace("Physio: knees & hips", "Anna's routine"), encoding="utf-8")
    home.dialogs.file = str(theirs)
    home.qtbot.mouseClick(home.button("open_file"), LEFT)
    assert home.window.home.current.title == "Anna's routine"
    copy = Path(home.window.home.current.key)
    assert copy.parent == home.sessions and copy.read_bytes() == theirs.read_bytes()
    assert "is now one of your sessions" in home.notice
    home.key(K.Key_Return)  # and it runs
    assert home.window.current_screen() == commands.SESSION


def _drop(window, urls: list[QUrl]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls(urls)
    at = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(at, Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    drop.accepted = enter.isAccepted()  # (what the window said when the drag came in)
    return drop


def test_a_dropped_file_is_imported_and_anything_else_refused_with_a_notice(home, tmp_path):
    theirs = tmp_path / "shared" / "warm up.toml"
    theirs.parent.mkdir()
    theirs.write_text(PHYSIO.replace("Physio: knees & hips", "Dropped warm-up"), encoding="utf-8")
    assert _drop(home.window, [QUrl.fromLocalFile(str(theirs))]).accepted
    assert home.window.home.current.title == "Dropped warm-up"
    assert (home.sessions / "warm-up.toml").read_bytes() == theirs.read_bytes()
    before = home.files()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    _drop(home.window, [QUrl.fromLocalFile(str(notes))])
    assert "notes.txt is not a session file" in home.notice
    _drop(home.window, [QUrl.fromLocalFile(str(theirs)), QUrl.fromLocalFile(str(theirs))])
    assert "one session file at a time" in home.notice
    _drop(home.window, [QUrl("https://example.org/session.toml")])
    assert "Only a file on this computer" in home.notice
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\ntitle = "B"\n[[drill]]\nname = "A"\n', encoding="utf-8")
    _drop(home.window, [QUrl.fromLocalFile(str(broken))])
    assert home.dialogs.errors[-1][1].startswith(f"File: {broken}\n")
    assert home.files() == before


def test_export_writes_the_same_bytes_for_ones_own_and_a_built_in(home, tmp_path):
    home.select("Physio: knees & hips")
    dest = tmp_path / "usb" / "for-anna.toml"
    dest.parent.mkdir()
    home.dialogs.file = str(dest)
    home.qtbot.mouseClick(home.button("export_session"), LEFT)
    assert dest.read_bytes() == home.mine.read_bytes()
    assert home.export_suggested[-1].endswith("physio.toml") and "Exported to" in home.notice
    home.select("Quick warm-up before lifting")
    home.window.commands.run("export_session")  # the menu's entry
    assert dest.read_bytes() == builtin_session("quick-warm-up").read_bytes()
    home.dialogs.file = None  # cancelled: nothing written
    os.remove(dest)
    home.window.commands.run("export_session")
    assert not dest.exists()


def test_an_export_the_disk_refuses_is_said(home, tmp_path):
    home.select("Physio: knees & hips")
    home.dialogs.file = str(tmp_path / "no-such-folder" / "x.toml")
    home.window.commands.run("export_session")
    title, text = home.dialogs.errors[-1]
    assert title == "Exporting" and "no-such-folder" in text


def test_new_edit_and_duplicate_open_the_editor_and_esc_comes_back(home):
    w = home.window
    home.ctrl(K.Key_N)
    assert w.current_screen() == commands.EDITOR and w.session_actions.editor.draft.path is None
    home.key(K.Key_Escape)
    assert w.current_screen() == commands.HOME
    home.select("Physio: knees & hips")
    home.qtbot.mouseClick(home.button("edit_session"), LEFT)
    assert w.current_screen() == commands.EDITOR and w.session_actions.editor.draft.path == home.mine
    assert "Physio: knees & hips" in w.windowTitle() and "editing" in w.windowTitle()
    w.session_actions.editor.request_leave()
    assert w.current_screen() == commands.HOME and w.home.current.title == "Physio: knees & hips"
    assert w.windowTitle() == "Hinge Timer"
    home.select("Hip hinge mobility")
    home.ctrl(K.Key_E)  # a built-in: refused, said
    assert w.current_screen() == commands.HOME and "cannot be changed" in home.notice


def test_duplicate_a_built_in_and_ones_own_keeps_their_comments(home):
    w = home.window
    home.select("Hip hinge mobility")
    home.ctrl(K.Key_D)
    copy = home.sessions / "hip-hinge-mobility-my-copy.toml"
    assert w.current_screen() == commands.EDITOR and w.session_actions.editor.draft.path == copy
    original = builtin_session("hip-hinge-mobility").read_text(encoding="utf-8")
    text = copy.read_text(encoding="utf-8")
    assert [line for line in original.splitlines() if line.startswith("#")] == [
        line for line in text.splitlines() if line.startswith("#")]
    w.session_actions.editor.request_leave()
    assert w.home.current.title == "Hip hinge mobility (my copy)"
    home.select("Physio: knees & hips")
    home.qtbot.mouseClick(home.button("duplicate_session"), LEFT)
    mine_copy = home.sessions / "physio-knees-hips-my-copy.toml"
    assert "# keep this title, she asked" in mine_copy.read_text(encoding="utf-8")
    assert home.mine.read_text(encoding="utf-8") == PHYSIO


def test_the_kiosk_shows_none_of_it_and_refuses_it_all(qtbot, tmp_path, fake_dialogs):
    from hinge_timer.engine.clock import NS

    class Kiosk(App):
        def __init__(self) -> None:
            super().__init__(qtbot, tmp_path, kiosk=KioskConfig(enabled=True), kiosk_clock=lambda: self.clock.now / NS)

    kiosk = Kiosk()
    w = kiosk.window
    try:
        assert not w.acceptDrops() and w.current_screen() == commands.KIOSK_HOME
        assert not any(b.isVisible() for b in w.home.session_buttons)
        for name in (*BUTTONS, "undo_delete_session"):
            assert not w.commands.run(name), name
        for key in (K.Key_N, K.Key_D, K.Key_E):
            qtbot.keyClick(QApplication.focusWidget() or w, key, CTRL)
        qtbot.keyClick(QApplication.focusWidget() or w, K.Key_Delete)
        assert w.current_screen() == commands.KIOSK_HOME and fake_dialogs.confirms == []
        theirs = tmp_path / "x.toml"
        theirs.write_text(PHYSIO, encoding="utf-8")
        assert not _drop(w, [QUrl.fromLocalFile(str(theirs))]).accepted
        assert not kiosk.sessions.exists() or list(kiosk.sessions.iterdir()) == []
        assert "New session" not in w.help.body.text()
    finally:
        w.kiosk.allow_exit = True  # (a kiosk refuses to close until let go)
        w.close()
        w.end_driver()
