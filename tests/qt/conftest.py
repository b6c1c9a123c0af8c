"""Window tests: a real MainWindow on a fake clock, settings in a temporary folder."""

from __future__ import annotations

import signal

import pytest

from hinge_timer.engine.clock import FakeClock
from hinge_timer.settings import Settings, SettingsStore
from hinge_timer.ui import dialogs
from hinge_timer.ui.main_window import MainWindow


@pytest.fixture
def deadline():
    """Fail, rather than hang, when something blocks the main thread (a FIFO opened for reading)."""

    def expired(signum, frame):
        raise TimeoutError("the window blocked for 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def no_window_left_open():
    """Fail the test that leaves a main window open (a close refused: unsaved edits, a kiosk): the next test
    looking for "the visible main window" would find that one, and it is deleted under its feet."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    left = [w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible()]
    for w in left:
        w.hide()  # (so that one leftover fails one test, not the next ones too)
    assert not left, f"{len(left)} main window(s) still open after the test (its close was refused)"


class Dialogs:
    """Stands in for the modal dialogs; records what was shown and answers as told."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.confirms: list[str] = []
        self.answer = True
        self.during = None  # called while a question is open; its results go to .seen
        self.seen: list = []
        self.file: str | None = None

    def show_error(self, parent, title, text):
        self.errors.append((title, text))

    def show_problems(self, parent, title, where, problems, recheck=None):
        """A session file's problems: recorded as shown (the file line, then a problem a line) in
        ``errors``, and with its Reload (``recheck``) in ``problems``; closed at once."""
        self.errors.append((title, f"{where}\n{problems}"))
        self.problems = getattr(self, "problems", [])
        self.problems.append((title, where, problems, recheck))
        return False

    def confirm(self, parent, title, text, yes):
        self.confirms.append(title)
        if self.during is not None:
            self.seen.append(self.during())
        return self.answer

    def choose_session_file(self, parent, folder):
        self.folders = getattr(self, "folders", [])
        self.folders.append(folder)  # where the Open dialog started
        return self.file

    def choose_save_file(self, parent, suggested):
        return self.file

    def choose_export_file(self, parent, suggested):
        self.exports = getattr(self, "exports", [])
        self.exports.append(suggested)  # the name the Export dialog suggested
        return self.file

    def ask_save_changes(self, parent, title):
        """The editor's "Save changes?" on leaving: recorded, answered ``leave_answer`` (discard)."""
        self.confirms.append(f"save changes to {title}?")
        return getattr(self, "leave_answer", "discard")

    def ask_conflict(self, parent, path):
        """The editor's "the file changed since you opened it": recorded, answered ``conflict_answer``."""
        self.confirms.append(f"changed on disk: {path}")
        return getattr(self, "conflict_answer", "cancel")

    def show_about(self, parent):
        """Help → About: recorded, with what ``during`` sees while it is open; closed at once."""
        self.abouts = getattr(self, "abouts", 0) + 1
        if self.during is not None:
            self.seen.append(self.during())

    def ask_pin(self, parent, prompt):
        self.pin_prompts = getattr(self, "pin_prompts", 0) + 1
        return self.pins.pop(0) if getattr(self, "pins", None) else None


@pytest.fixture
def fake_dialogs(monkeypatch):
    d = Dialogs()
    monkeypatch.setattr(dialogs, "show_error", d.show_error)
    monkeypatch.setattr(dialogs, "show_problems", d.show_problems)
    monkeypatch.setattr(dialogs, "confirm", d.confirm)
    monkeypatch.setattr(dialogs, "choose_session_file", d.choose_session_file)
    monkeypatch.setattr(dialogs, "choose_save_file", d.choose_save_file)
    monkeypatch.setattr(dialogs, "ask_pin", d.ask_pin)
    monkeypatch.setattr(dialogs, "show_about", d.show_about)
    monkeypatch.setattr(dialogs, "choose_export_file", d.choose_export_file)
    from hinge_timer.ui import editor  # its questions on leaving and on a file changed on disk

    monkeypatch.setattr(editor, "ask_save_changes", d.ask_save_changes)
    monkeypatch.setattr(editor, "ask_conflict", d.ask_conflict)
    return d


class App:
    def __init__(self, qtbot, tmp_path, settings=None, **window_options):
        self.qtbot = qtbot
        self.clock = FakeClock()
        self.data = tmp_path / "data"
        self.store = SettingsStore(self.data)
        self.sessions = self.data / "sessions"
        # Sound is tested for real in tests/integration/test_sound*.py; here it stays silent.
        self.window = MainWindow(settings or self.store.load(), self.store, sessions_dir=self.sessions,
                                 clock=self.clock, audio="none", history_dir=self.data, **window_options)
        qtbot.addWidget(self.window)
        if not self.window.settings.geometry:
            self.window.resize(1280, 720)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.listed()

    def listed(self):
        """Wait until Home lists the user's session files too (a worker thread checks them)."""
        self.qtbot.waitUntil(lambda: self.window.listing.ready, timeout=60_000)

    def reload(self):
        """List the sessions again, as on a new start, and wait until the user's files are in."""
        self.window.listing.reload()
        self.listed()

    @property
    def screen(self):
        return self.window.session_screen

    @property
    def driver(self):
        return self.window.run.driver

    def start(self, title: str, dose: str = "low"):
        entry = next(e for e in self.window.home.entries if e.session and e.session.title == title)
        return self.window.start_session(entry, dose)

    def advance(self, seconds: float, dt: float = 0.25):
        for _ in range(round(seconds / dt)):
            self.clock.advance(dt)
            if self.driver is not None:
                self.driver.pump()

    def key(self, key, text=""):  # text: for readers; QTest derives it from the key
        from PySide6.QtCore import Qt

        from PySide6.QtWidgets import QApplication

        # Where a real key press goes: the focused widget, else the window.
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key, Qt.KeyboardModifier.NoModifier)

    def click_at(self, widget):
        """Click where ``widget`` is on screen: whatever lies on top there gets the click."""
        from PySide6.QtCore import Qt

        centre = widget.mapTo(self.window, widget.rect().center())
        top = self.window.childAt(centre)
        self.qtbot.mouseClick(top, Qt.MouseButton.LeftButton, pos=top.mapFrom(self.window, centre))
        return top

    def until(self, predicate, limit=3600):
        for _ in range(limit * 4):
            if predicate():
                return
            self.advance(0.25)
        raise AssertionError("condition never met")


@pytest.fixture
def app(qtbot, tmp_path, fake_dialogs):
    a = App(qtbot, tmp_path)
    yield a
    a.window.end_driver()
    if a.window.history_service.history is not None:
        a.window.history_service.history.close()
