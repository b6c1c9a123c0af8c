"""The editor in the real window: Try it and back to the editor (not recorded), Hear a line, saving lists the
file on Home, leaving, closing the window with unsaved changes, the kept draft offered on the next start, and a
session's identity (its file) kept when its title changes."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from hinge_timer.app import commands
from hinge_timer.app.history import SAVED
from hinge_timer.audio.backend import AudioBackend
from hinge_timer.audio.vocabulary import Catalog
from hinge_timer.engine.state import State
from hinge_timer.session.draft import Draft, DraftStore
from hinge_timer.store import history as store_history
from hinge_timer.ui import editor as editor_module
from tests.qt.conftest import App

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton

# A user's own short session: two drills, sides, odd numbers, a tempo with its own words, comments.
SHORT = """\
# Tuesday's routine, from the clinic sheet
format = 1
title = "Tuesday hips"

[defaults]
get_ready = 3
rest_between_drills = 4
switch_sides = 3

[[drill]]
name = "Couch stretch"   # the one on the sofa arm
hold = 7
sides = ["left", "right"]

[[drill]]
name = "Slow good morning"
reps = 3
tempo = [
    { phase = "Fold", seconds = 3, say = "Fold from the hips, slowly" },
    { phase = "Rise", seconds = 2 },
]
"""


class Recording(AudioBackend):
    """A backend that plays nothing but remembers what it was asked to play."""

    name = "recording"

    def __init__(self) -> None:
        super().__init__()
        self.loaded: set[str] = set()
        self.played: list[str] = []

    def load(self, key, pcm) -> None:
        self.loaded.add(key)

    def play(self, key) -> bool:
        self.played.append(key)
        return True


class Editing(App):
    def __init__(self, qtbot, tmp_path, fake_dialogs, **options):
        self.dialogs = fake_dialogs
        data = tmp_path / "data"
        (data / "sessions").mkdir(parents=True, exist_ok=True)
        self.mine = data / "sessions" / "tuesday.toml"
        if not self.mine.exists():
            self.mine.write_text(SHORT, encoding="utf-8")
        super().__init__(qtbot, tmp_path, **options)

    @property
    def actions(self):
        return self.window.session_actions

    @property
    def editor(self):
        return self.actions.editor

    def select(self, title: str) -> None:
        home = self.window.home
        home.list.setCurrentRow(next(i for i, e in enumerate(home.entries) if e.title == title))

    def edit_mine(self, drill: int = 0) -> None:
        self.select("Tuesday hips")
        self.qtbot.keyClick(QApplication.focusWidget() or self.window, K.Key_E, CTRL)
        assert self.window.current_screen() == commands.EDITOR
        self.qtbot.waitUntil(lambda: not self.editor.checking, timeout=10_000)  # (then Try it is offered)
        if drill:
            self.editor.drill_list.setCurrentRow(drill)
            assert self.editor.drill_index == drill

    def run_to_end(self) -> None:
        """Play the running session to its end as a user would: confirm, count, let time pass."""
        for _ in range(20_000):
            d = self.driver
            if d is None or d.finished:
                return
            snap = d.snapshot()
            if snap.state is State.CAUTION:
                d.acknowledge()
            elif snap.user_counted and snap.underlying is State.WORK:
                d.count_rep()
            else:
                self.advance(0.5)
        raise AssertionError("the session never ended")

    def runs(self) -> list:
        h = self.window.history_service.history
        return [] if h is None or h.conn is None else store_history.runs(h.conn)


@pytest.fixture
def ed(qtbot, tmp_path, fake_dialogs, monkeypatch):
    answers: list[str] = []
    asked: list[str] = []

    def ask_save_changes(parent, title):
        asked.append(title)
        return answers.pop(0) if answers else "discard"  # (so that the window closes at the end)

    monkeypatch.setattr(editor_module, "ask_save_changes", ask_save_changes)
    e = Editing(qtbot, tmp_path, fake_dialogs)
    e.answers, e.asked = answers, asked
    yield e
    e.window.end_driver()
    if e.window.history_service.history is not None:
        e.window.history_service.history.close()


def test_try_a_drill_runs_it_alone_unrecorded_and_comes_back_to_the_editor_where_it_was(ed):
    ed.edit_mine(drill=1)
    ed.editor.draft.set(("drill", 1, "reps"), 2)  # an edit not saved yet: tried as it is now
    ed.qtbot.mouseClick(ed.editor.findChild(QPushButton, "try_drill"), LEFT)
    assert ed.window.current_screen() == commands.SESSION
    steps = ed.driver.runner.steps
    assert {s.drill_name for s in steps if s.drill_name} == {"Slow good morning"}
    assert "not kept in the history" in ed.window.session_screen.status.text()
    ed.run_to_end()
    assert ed.window.current_screen() == commands.EDITOR  # straight back, not the done screen
    assert ed.editor.drill_index == 1 and ed.editor.draft.get(("drill", 1, "reps")) == 2
    assert ed.editor.draft.dirty and ed.editor.draft.can_undo  # the same draft, its undo history kept
    assert ed.runs() == [] and ed.window.history_service.offer is None  # nothing in the history, no resume


def test_try_the_whole_session_and_end_it_early_comes_back_too(ed):
    ed.edit_mine()
    ed.qtbot.mouseClick(ed.editor.findChild(QPushButton, "try_session"), LEFT)
    assert ed.window.current_screen() == commands.SESSION
    assert [s.drill_name for s in ed.driver.runner.steps if s.drill_name][-1] == "Slow good morning"
    ed.advance(4)
    ed.key(K.Key_Escape)  # "End the session?"
    assert ed.window.session_screen.end_question.isVisible()
    ed.key(K.Key_E)  # yes, end it
    assert ed.window.current_screen() == commands.EDITOR and ed.runs() == []
    ed.key(K.Key_Escape)  # nothing changed: straight to Home, the session still chosen
    assert ed.window.current_screen() == commands.HOME and ed.window.home.current.title == "Tuesday hips"


def test_hear_a_line_plays_a_prompt_at_once_and_says_when_sound_is_off(ed):
    ed.edit_mine(drill=1)
    ed.editor.hear_requested.emit("Fold from the hips, slowly")
    assert "Cannot say it: sound is turned off" in ed.editor.message.text()  # --audio none
    audio = ed.window.sound.ensure()
    backend = audio.backend = Recording()
    catalog = Catalog.load()
    prompt = next(k for k in catalog.phrases if " " in k)  # a recorded prompt of several words
    ed.editor.hear_requested.emit(prompt.capitalize())
    assert backend.played and all(p.startswith("say:") for p in backend.played[-1].split("|"))
    ed.window.prefs.set_mute(True)
    ed.editor.hear_requested.emit(prompt)
    assert "muted" in ed.editor.message.text() and len(backend.played) == 1


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng to render a line")
def test_hear_an_own_line_renders_it_then_plays_it(ed):
    ed.edit_mine(drill=1)
    audio = ed.window.sound.ensure()
    backend = audio.backend = Recording()
    line = "Fold from the hips, then breathe out"  # just typed: not rendered ahead with the session's lines
    ed.editor.hear_requested.emit(line)
    assert "Getting the line ready" in ed.editor.message.text()
    ed.qtbot.waitUntil(lambda: bool(backend.played), timeout=20_000)
    assert backend.played == [f"line:{line}"] and not ed.editor.message.isVisible()


def test_a_new_session_saved_is_listed_on_home_and_chosen(ed):
    w = ed.window
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_N, CTRL)
    title = ed.editor.title
    title.setFocus()
    title.selectAll()
    ed.qtbot.keyClicks(title, "Desk break")
    ed.qtbot.waitUntil(lambda: ed.editor.draft.get(("title",)) == "Desk break")
    assert w.windowTitle().startswith("*Desk break")  # the unsaved marker
    ed.qtbot.keyClick(title, K.Key_S, CTRL)
    path = ed.editor.draft.path
    assert path is not None and path.parent == ed.sessions and w.windowTitle().startswith("Desk break")
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
    assert w.current_screen() == commands.HOME and w.home.current.title == "Desk break"
    assert w.home.current.key == str(path)


def test_a_session_built_in_the_editor_is_saved_run_to_the_end_from_home_and_changed_again(ed):
    from tests.qt.test_editor import build_evening, field, type_into

    w = ed.window
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_N, CTRL)  # Home: New session
    build_evening(ed.qtbot, ed.editor)
    assert ed.editor.status.text().startswith("No problems")
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_S, CTRL)
    path = ed.editor.draft.path
    assert path is not None and path.parent == ed.sessions
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
    assert w.current_screen() == commands.HOME and w.home.current.title == "Evening hinge <b>x</b>"

    ed.key(K.Key_Return)  # Start
    assert w.current_screen() == commands.SESSION
    names = [s.drill_name for s in ed.driver.runner.steps if s.drill_name]
    assert names[0] == "Split hamstring push-relax" and names[-1] == "Glute bridge"
    ed.run_to_end()
    assert w.current_screen() == commands.DONE and len(ed.runs()) == 1  # a real run: in the history
    w.go_home()

    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_E, CTRL)  # Edit it again
    assert w.current_screen() == commands.EDITOR
    ed.editor.drill_list.setCurrentRow(1)
    before = path.read_text(encoding="utf-8")
    type_into(ed.qtbot, field(ed.editor, "drill_amount"), "6-8")  # the Jefferson curl's rep range
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_S, CTRL)
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("reps = [5, 6]", "reps = [6, 8]")], changed  # that line only
    assert len(before.splitlines()) == len(after.splitlines())


def test_closing_the_window_with_unsaved_changes_asks_first(ed):
    ed.edit_mine()
    ed.editor.draft.set(("title",), "Tuesday hips, changed")
    ed.answers.append("cancel")
    assert not ed.window.close()
    assert ed.window.isVisible() and ed.asked and ed.window.current_screen() == commands.EDITOR
    ed.answers.append("discard")
    ed.window.close()
    assert not ed.window.isVisible()
    assert ed.mine.read_text(encoding="utf-8") == SHORT


def test_closing_the_window_while_trying_unsaved_changes_asks_about_them_too(ed):
    ed.edit_mine(drill=1)
    ed.editor.draft.set(("drill", 1, "reps"), 2)  # not saved
    ed.qtbot.mouseClick(ed.editor.findChild(QPushButton, "try_drill"), LEFT)
    assert ed.window.current_screen() == commands.SESSION
    ed.advance(3)
    ed.dialogs.answer = True  # "A session is running. Quit anyway?": yes
    ed.answers.append("cancel")  # "Save changes?": stay
    assert not ed.window.close()
    assert ed.asked == ["Tuesday hips"] and ed.window.isVisible()
    assert ed.window.current_screen() == commands.EDITOR  # the try-out over, the edits still there
    assert ed.editor.draft.dirty and ed.editor.draft.get(("drill", 1, "reps")) == 2
    ed.answers.append("save")
    assert ed.window.close()
    assert "reps = 2" in ed.mine.read_text(encoding="utf-8")


def test_renaming_a_session_keeps_its_history_and_dose_advice(ed):
    w = ed.window
    for _ in range(2):  # two clean runs at the low dose: the advice says go up
        ed.select("Tuesday hips")
        ed.key(K.Key_Return)
        ed.run_to_end()
        ed.qtbot.waitUntil(lambda: w.history_service.saved_state() == SAVED, timeout=10_000)
        w.go_home()
    key = str(ed.mine)
    assert [r.key for r in ed.runs()] == [key, key]
    assert w.history_service.suggestion(key)[0] == "high"
    ed.edit_mine()
    title = ed.editor.title
    title.setFocus()
    title.selectAll()
    ed.qtbot.keyClicks(title, "Hips on Tuesdays")
    ed.qtbot.waitUntil(lambda: ed.editor.draft.get(("title",)) == "Hips on Tuesdays")
    ed.qtbot.keyClick(title, K.Key_S, CTRL)
    assert ed.editor.draft.path == ed.mine and sorted(p.name for p in ed.sessions.iterdir()) == ["tuesday.toml"]
    ed.qtbot.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
    assert w.home.current.title == "Hips on Tuesdays" and w.home.current.key == key
    assert "Ready for the high dose" in w.home.details.text()  # the advice still belongs to it
    assert "# the one on the sofa arm" in ed.mine.read_text(encoding="utf-8")


def test_a_kept_draft_is_offered_on_the_next_start_open_it_or_discard_it(qtbot, tmp_path, fake_dialogs,
                                                                         monkeypatch):
    monkeypatch.setattr(editor_module, "ask_save_changes", lambda parent, title: "discard")
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    mine = data / "sessions" / "tuesday.toml"
    mine.write_text(SHORT, encoding="utf-8")
    store = DraftStore(data / "drafts")
    draft = Draft.open(mine)
    draft.set(("drill", 0, "hold"), 11)
    store.keep(draft)
    assert store.flush()
    store._live.clear()  # (as if by another process that is gone)
    store.close()
    first = Editing(qtbot, tmp_path, fake_dialogs)
    try:
        home = first.window.home
        qtbot.waitUntil(lambda: home._draft_box is not None and home.draft_box.isVisible(), timeout=10_000)
        assert "An unsaved edit of “Tuesday hips” from" in home.draft_label.text()
        qtbot.mouseClick(home.draft_open_button, LEFT)
        assert first.window.current_screen() == commands.EDITOR
        assert first.editor.draft.path == mine and first.editor.draft.get(("drill", 0, "hold")) == 11
        assert not home.draft_box.isVisible() and mine.read_text(encoding="utf-8") == SHORT
    finally:
        first.window.end_driver()
    # Discard on another start: the kept file goes and is not offered again.
    store = DraftStore(data / "drafts")
    again = Draft.open(mine)
    again.set(("title",), "Not wanted")
    store.keep(again)
    assert store.flush()
    store._live.clear()
    store.close()
    second = Editing(qtbot, tmp_path / "second", fake_dialogs)
    second.window.session_actions.drafts_dir = data / "drafts"
    second.window.session_actions._drafts = None
    second.window.session_actions.look_for_kept()
    home = second.window.home
    qtbot.waitUntil(lambda: home._draft_box is not None and home.draft_box.isVisible(), timeout=10_000)
    while home.draft_box.isVisible():
        qtbot.mouseClick(home.draft_discard_button, LEFT)
    assert second.window.session_actions.drafts.flush()
    assert DraftStore(data / "drafts").pending() == []
    second.window.end_driver()
