"""The session editor (ui/editor.py), driven by keys and clicks on its real widgets over a real Draft, a real
DraftStore and a temporary sessions folder."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from hinge_timer.session.draft import Draft, DraftStore
from hinge_timer.session.load import parse_session
from hinge_timer.session.model import Span
from hinge_timer.ui import editor as editor_module
from hinge_timer.ui.editor import EditorScreen

CTRL = Qt.KeyboardModifier.ControlModifier

# A session a person wrote by hand: their own names, odd numbers, comments, a caution.
KIMS = """\
# Kim's physio routine, from the clinic sheet (March)
format = 1
title = "Kim's knee-friendly hinge"

[defaults]
get_ready = 7   # I like a short lead-in
rest_between_sets = 25

# the band one first
[[drill]]
name = "Band hip distraction, left & right"
hold = [75, 95]
sides = ["right", "left"]   # right is the stiff one
cues = ["Rock back slowly", "Spine long"]

[[drill]]
name = "Slow good morning"
reps = 7
sets = [2, 3]
tempo = [ { phase = "Down", seconds = 4 },
          { phase = "Up", seconds = 2, say = "Drive up" } ]
"""


@pytest.fixture
def kit(qtbot, tmp_path):
    """An editor on a real draft store, at the landscape size, shown."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    store = DraftStore(tmp_path / "drafts")
    screen = EditorScreen(sessions, store)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    yield screen, sessions, store
    store.flush()
    store.close()


def field(screen: QWidget, name: str) -> QWidget:
    w = screen.findChild(QWidget, name)
    assert w is not None, name
    return w


def settled(screen) -> None:
    """Until the check of the last edit is shown (it runs in a worker thread), at most 5 s."""
    import time

    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + 5
    while screen.checking and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.002)
    assert not screen.checking, "the check never came"


def problems(screen: QWidget, name: str) -> str:
    settled(screen)
    label = screen.findChild(QLabel, f"{name}_problems")
    assert label is not None, name
    return label.text() if label.isVisible() else ""


def type_into(qtbot, w: QWidget, text: str) -> None:
    """Click the field, select what it holds, type ``text`` over it."""
    w.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(w, text)
    else:
        qtbot.keyClick(w, Qt.Key.Key_Delete)


def choose(qtbot, combo, words: str) -> None:
    """Choose ``words`` in a combo box with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    target = combo.findText(words)
    assert target >= 0, words
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def click(qtbot, screen, name: str) -> None:
    b = field(screen, name)
    assert b.isEnabled(), name
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def checked(qtbot, screen) -> None:
    """Wait for the check that follows an edit (150 ms later, in a worker thread)."""
    qtbot.waitUntil(lambda: not screen.checking, timeout=5000)


def build_evening(qtbot, screen) -> None:
    """Build "Evening hinge" in a new session's editor, by keys and clicks: a per-side hold with a cycle, a
    paced set with a breathe-out phase and a caution, a counted set with equipment."""
    type_into(qtbot, field(screen, "session_title"), "Evening hinge <b>x</b>")
    assert "Evening hinge <b>x</b>" in screen.heading.text()  # the characters, not bold

    # 1: a per-side hold with a hold-relax cycle
    type_into(qtbot, field(screen, "drill_name"), "Split hamstring push-relax")
    choose(qtbot, field(screen, "drill_kind"), "hold-relax cycle")
    type_into(qtbot, field(screen, "drill_amount"), "75-105")
    choose(qtbot, field(screen, "drill_sides"), "left then right")
    type_into(qtbot, field(screen, "phase_0_label"), "Push")
    type_into(qtbot, field(screen, "phase_0_say"), "Push into the arm")
    # 2: a paced set with a breathe-out phase
    click(qtbot, screen, "drill_add")
    assert QApplication.focusWidget() is field(screen, "drill_name")
    qtbot.keyClicks(field(screen, "drill_name"), "Jefferson curl (light)")
    choose(qtbot, field(screen, "drill_kind"), "paced reps (tempo)")
    type_into(qtbot, field(screen, "drill_amount"), "5-6")
    type_into(qtbot, field(screen, "drill_sets"), "2-3")
    click(qtbot, screen, "add_phase")
    qtbot.keyClicks(QApplication.focusWidget(), "Breathe out")
    seconds = field(screen, f"phase_{len(screen.form.phases.rows) - 1}_seconds")
    type_into(qtbot, seconds, "4")
    qtbot.keyClicks(field(screen, f"phase_{len(screen.form.phases.rows) - 1}_say"), "Breathe out and relax")
    type_into(qtbot, field(screen, "drill_caution"), "Skip this if your back is sore today.")
    # 3: a counted set
    click(qtbot, screen, "drill_add")
    qtbot.keyClicks(field(screen, "drill_name"), "Glute bridge")
    choose(qtbot, field(screen, "drill_kind"), "reps I count")
    type_into(qtbot, field(screen, "drill_amount"), "12")
    type_into(qtbot, field(screen, "drill_equipment"), "mat")
    qtbot.keyClick(field(screen, "drill_equipment"), Qt.Key.Key_Return)
    qtbot.keyClicks(field(screen, "drill_equipment"), "light band")
    checked(qtbot, screen)


def test_build_a_session_from_nothing_and_save_it(qtbot, kit):
    screen, sessions, store = kit
    screen.edit(Draft.new())
    build_evening(qtbot, screen)
    assert screen.status.text().startswith("No problems"), screen.status.text()
    assert "Low: " in screen.plan_label.text() and "High: " in screen.plan_label.text()

    with qtbot.waitSignal(screen.saved) as saved:
        click(qtbot, screen, "editor_save")
    path = saved.args[0]
    assert path.parent == sessions
    s = parse_session(path.read_text(encoding="utf-8"), str(path))
    assert s.title == "Evening hinge <b>x</b>"
    a, b, c = s.drills
    assert (a.name, a.hold, a.sides, a.reps) == ("Split hamstring push-relax", Span(75, 105), ("left", "right"), None)
    assert a.cycle is not None and (a.cycle[0].phase, a.cycle[0].say) == ("Push", "Push into the arm")
    assert (b.name, b.reps, b.sets, b.hold) == ("Jefferson curl (light)", Span(5, 6), Span(2, 3), None)
    assert b.tempo is not None and (b.tempo[-1].phase, b.tempo[-1].seconds, b.tempo[-1].say) == (
        "Breathe out", 4, "Breathe out and relax")
    assert b.caution == "Skip this if your back is sore today."
    assert (c.name, c.reps, c.tempo, c.equipment) == ("Glute bridge", Span(12, 12), None, ("mat", "light band"))
    assert "unsaved" not in screen.heading.text()
    assert store.flush(timeout=10)
    after_a_crash = DraftStore(store.folder)
    assert after_a_crash.pending() == []  # saved: nothing kept to offer back
    after_a_crash.close()


def test_an_error_shows_at_its_field_and_save_is_refused(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    assert field(screen, "drill_amount").text() == "75-95"
    before = screen.plan_label.text()
    type_into(qtbot, field(screen, "drill_amount"), "120")
    checked(qtbot, screen)
    assert screen.plan_label.text() != before  # a longer hold, a longer plan
    type_into(qtbot, field(screen, "drill_amount"), "3")
    qtbot.waitUntil(lambda: "must be between 5 and 3600 seconds" in problems(screen, "drill_amount"))
    assert problems(screen, "drill_amount").startswith("⚠")
    assert screen.drill_list.item(0).text().startswith("⚠")
    assert not screen.drill_list.item(1).text().startswith("⚠")
    assert "1 problem" in screen.status.text()
    assert not field(screen, "try_drill").isEnabled() and screen.try_reason.isVisible()

    click(qtbot, screen, "editor_save")
    assert path.read_text(encoding="utf-8") == KIMS  # nothing written
    assert screen.problem_list.isVisible() and screen.problem_list.count() == 1
    assert "Drill 1" in screen.problem_list.item(0).text()
    assert "Not saved" in screen.message.text()
    # Enter on the problem goes to its field.
    field(screen, "drill_name").setFocus()
    screen.problem_list.setFocus()
    screen.problem_list.setCurrentRow(0)
    qtbot.keyClick(screen.problem_list, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is field(screen, "drill_amount")

    qtbot.keyClicks(field(screen, "drill_amount"), "0")  # "30"
    qtbot.waitUntil(lambda: problems(screen, "drill_amount") == "")
    assert screen.status.text().startswith("No problems")
    assert not screen.problem_list.isVisible()
    assert field(screen, "try_drill").isEnabled()


def test_undo_and_redo_show_the_values_again(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    dirty: list[bool] = []
    screen.dirty_changed.connect(dirty.append)
    assert not field(screen, "editor_undo").isEnabled()
    type_into(qtbot, field(screen, "session_title"), "Kim, week 2")
    assert "• unsaved changes" in screen.heading.text() and dirty == [True]
    screen.drill_list.setCurrentRow(1)
    assert field(screen, "drill_name").text() == "Slow good morning"
    choose(qtbot, field(screen, "drill_kind"), "reps I count")
    assert not screen.form.phases.isVisible()

    click(qtbot, screen, "editor_undo")  # the kind
    assert field(screen, "drill_kind").currentText() == "paced reps (tempo)"
    assert screen.form.phases.isVisible() and field(screen, "phase_1_say").text() == "Drive up"
    click(qtbot, screen, "editor_undo")  # the title
    assert field(screen, "session_title").text() == "Kim's knee-friendly hinge"
    assert "unsaved" not in screen.heading.text() and dirty == [True, False]
    click(qtbot, screen, "editor_redo")
    assert field(screen, "session_title").text() == "Kim, week 2"
    assert dirty == [True, False, True]


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_the_question_on_leaving(qtbot, kit, monkeypatch, answer):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    asked: list[str] = []
    monkeypatch.setattr(editor_module, "ask_save_changes", lambda parent, title: asked.append(title) or answer)
    type_into(qtbot, field(screen, "drill_sets"), "2")
    assert store.flush(timeout=10)
    closed: list[bool] = []
    screen.closed.connect(lambda: closed.append(True))
    click(qtbot, screen, "editor_back")
    assert asked == ["Kim's knee-friendly hinge"]
    assert closed == ([] if answer == "cancel" else [True])
    text = path.read_text(encoding="utf-8")
    if answer == "save":
        assert "sets = 2\n" in text and "# right is the stiff one" in text
    else:
        assert text == KIMS
    assert store.flush(timeout=10)
    after_a_crash = DraftStore(store.folder)  # what the next start would be offered
    assert (after_a_crash.pending() != []) == (answer == "cancel")  # kept while editing; forgotten once left
    after_a_crash.close()


def test_leaving_without_changes_asks_nothing(qtbot, kit, monkeypatch):
    screen, sessions, store = kit
    screen.edit(Draft.new())
    monkeypatch.setattr(editor_module, "ask_save_changes", lambda *a: pytest.fail("asked"))
    with qtbot.waitSignal(screen.closed):
        click(qtbot, screen, "editor_back")


def test_reorder_by_keys_and_by_drag_moves_the_drill_in_the_file(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    screen.drill_list.setFocus()
    screen.drill_list.setCurrentRow(0)
    qtbot.keyClick(screen.drill_list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert screen.drill_list.currentRow() == 1
    assert field(screen, "drill_name").text() == "Band hip distraction, left & right"
    with qtbot.waitSignal(screen.saved):
        click(qtbot, screen, "editor_save")
    text = path.read_text(encoding="utf-8")
    assert text.index('name = "Slow good morning"') < text.index('name = "Band hip distraction')
    assert "# right is the stiff one" in text and "# the band one first" in text

    # A drop of the first drill below the second: the list asks the draft, and is made again from it.
    screen.drill_list.setCurrentRow(0)
    lst = screen.drill_list
    below = lst.visualItemRect(lst.item(1)).center() + QPoint(0, lst.visualItemRect(lst.item(1)).height() // 3)
    mime = QMimeData()
    drop = QDropEvent(below.toPointF(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    lst.dropEvent(drop)
    assert [lst.item(i).text() for i in range(2)][1].startswith("2. Slow good morning")


def test_a_file_changed_on_disk_is_not_overwritten(qtbot, kit, monkeypatch):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    type_into(qtbot, field(screen, "drill_sets"), "4")
    theirs = KIMS.replace("rest_between_sets = 25", "rest_between_sets = 35")
    path.write_text(theirs, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    answers = ["cancel", "copy"]
    monkeypatch.setattr(editor_module, "ask_conflict", lambda parent, p: answers.pop(0))
    click(qtbot, screen, "editor_save")
    assert path.read_text(encoding="utf-8") == theirs and answers == ["copy"]
    with qtbot.waitSignal(screen.saved) as saved:
        click(qtbot, screen, "editor_save")
    copy = saved.args[0]
    assert copy != path and path.read_text(encoding="utf-8") == theirs
    assert parse_session(copy.read_text(encoding="utf-8"), str(copy)).drills[0].sets == Span(4, 4)


def test_reload_after_a_change_on_disk_shows_the_file(qtbot, kit, monkeypatch):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    type_into(qtbot, field(screen, "drill_sets"), "4")
    path.write_text(KIMS.replace("get_ready = 7", "get_ready = 12"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    monkeypatch.setattr(editor_module, "ask_conflict", lambda parent, p: "reload")
    click(qtbot, screen, "editor_save")
    assert field(screen, "default_get_ready").value() == 12
    assert field(screen, "drill_sets").text() == ""
    assert "unsaved" not in screen.heading.text()


def test_try_and_hear(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path), select_drill=1)
    checked(qtbot, screen)  # (Try it is offered once the draft is checked)
    with qtbot.waitSignal(screen.hear_requested) as heard:
        click(qtbot, screen, "phase_1_hear")
    assert heard.args == ["Drive up"]
    with qtbot.waitSignal(screen.hear_requested) as heard:
        click(qtbot, screen, "phase_0_hear")
    assert heard.args == ["Down"]  # no say: the label is what is said
    with qtbot.waitSignal(screen.try_requested) as tried:
        click(qtbot, screen, "try_drill")
    session, index = tried.args
    assert index == 1 and [d.name for d in session.drills] == ["Slow good morning"]
    with qtbot.waitSignal(screen.try_requested) as tried:
        click(qtbot, screen, "try_session")
    assert tried.args[1] is None and len(tried.args[0].drills) == 2


def test_portrait_and_small_windows_fit_one_column(qtbot, kit):
    screen, sessions, store = kit
    screen.edit(Draft.new())
    choose(qtbot, field(screen, "drill_kind"), "paced reps (tempo)")  # the widest part: the phases
    for w, h in ((800, 1280), (800, 600)):
        screen.resize(w, h)
        qtbot.waitUntil(lambda: screen.columns.direction() == screen.columns.Direction.TopToBottom)
        content = screen.scroll_area.widget()
        assert content.width() <= screen.scroll_area.viewport().width()  # no sideways scrolling
    for b in screen.findChildren(QWidget):
        if b.objectName() in ("editor_save", "drill_add", "drill_amount", "session_title"):
            assert b.height() >= 40, b.objectName()


def test_showing_a_file_changes_nothing_in_it(qtbot, kit):
    """A value the form cannot show as it is (900 s where 600 is the most) is shown, never written back:
    the draft stays as the file has it, and the loader's message is at the field."""
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS.replace("rest_between_sets = 25", "rest_between_sets = 900"), encoding="utf-8")
    draft = Draft.open(path)
    screen.edit(draft, select_drill=1)
    click(qtbot, screen, "drill_up")  # the form is shown again, from the draft, after a move
    click(qtbot, screen, "editor_undo")
    assert not draft.dirty and draft.get(("defaults", "rest_between_sets")) == 900
    assert "must be between 0 and 600" in problems(screen, "default_rest_between_sets")
    assert draft.can_redo
    box = field(screen, "default_rest_between_sets")
    assert box.text() == "900 s" and box.read() == 900  # the number that is in the file, not 600
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the user brings it down: an edit from 900
    assert draft.get(("defaults", "rest_between_sets")) == 899


def test_a_copy_of_a_built_in_drill_comes_after_the_chosen_one(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    screen.copy_menu.aboutToShow.emit()  # (what opening the menu does; its popup would wait for a click)
    by_session = {a.text().replace("&&", "&"): a.menu() for a in screen.copy_menu.actions()}
    assert "Hip hinge mobility" in by_session
    curl = next(a for a in by_session["Hip hinge mobility"].actions() if a.text() == "Jefferson curl")
    curl.trigger()
    assert screen.drill_list.count() == 3 and screen.drill_list.currentRow() == 1
    assert field(screen, "drill_name").text() == "Jefferson curl"
    assert field(screen, "drill_kind").currentText() == "paced reps (tempo)"
    assert field(screen, "drill_caution").toPlainText()  # the built-in's caution comes with it
    assert QApplication.focusWidget() is field(screen, "drill_name")


def test_a_disk_that_says_no_is_said_in_the_editor(qtbot, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    screen = EditorScreen(blocked / "sessions", None)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    draft = Draft.new("Lunch break hinge")
    screen.edit(draft)
    assert not screen.save()
    assert screen.message.isVisible() and "Not saved to" in screen.message.text()
    assert str(blocked / "sessions") in screen.message.text()
    assert "Traceback" not in screen.message.text() and draft.get(("title",)) == "Lunch break hinge"


@pytest.fixture
def slow_check(monkeypatch):
    """Each check takes 0.4 s more (a large file, a checking process still starting)."""
    import time

    real = Draft.checker

    def slow(self, ask=None):
        run = real(self, ask)

        def later():
            time.sleep(0.4)
            return run()

        return later

    monkeypatch.setattr(Draft, "checker", slow)


def test_a_draft_opened_while_the_last_ones_check_runs_gets_its_own(qtbot, kit, slow_check):
    screen, sessions, store = kit
    screen.edit(Draft.new())  # its check under way...
    assert screen.checking
    path = sessions / "kim.toml"
    path.write_text(KIMS.replace("rest_between_sets = 25", "rest_between_sets = 900"), encoding="utf-8")
    kims = Draft.open(path)
    screen.edit(kims)  # ...when another draft is opened
    assert screen.status.text() == "Checking…" and not field(screen, "try_session").isEnabled()
    checked(qtbot, screen)
    assert kims.checked_now is not None  # checked, not left with the first one's verdict
    assert "must be between 0 and 600" in problems(screen, "default_rest_between_sets")
    assert "1 problem" in screen.status.text()


def test_moving_a_drill_while_its_check_runs_never_marks_the_wrong_drill(qtbot, kit, slow_check):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS.replace("hold = [75, 95]", "hold = 3"), encoding="utf-8")
    screen.edit(Draft.open(path))
    checked(qtbot, screen)
    assert screen.drill_list.item(0).text().startswith("⚠") and not screen.drill_list.item(1).text().startswith("⚠")
    screen.drill_list.setCurrentRow(0)
    click(qtbot, screen, "drill_down")  # the drill with the problem is second now; its check takes a while
    assert screen.checking
    assert not any(screen.drill_list.item(i).text().startswith("⚠") for i in range(2))  # no mark on the wrong one
    checked(qtbot, screen)
    assert screen.drill_list.item(1).text().startswith("⚠") and not screen.drill_list.item(0).text().startswith("⚠")


def test_a_number_too_big_for_any_box_opens_and_is_named(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS.replace("get_ready = 7", "get_ready = 3000000000"), encoding="utf-8")
    draft = Draft.open(path)
    screen.edit(draft)  # (a spin box holds 32 bits: this once raised OverflowError)
    assert "must be between 0 and 600" in problems(screen, "default_get_ready")
    assert draft.get(("defaults", "get_ready")) == 3000000000 and not draft.dirty


# -- the drill's movement (the figure beside the ring) ---------------------------------------------------


def test_the_movement_is_chosen_by_its_title_and_saved_by_its_name(qtbot, kit):
    from hinge_timer.figure.movement import movement, movement_names

    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    draft = Draft.open(path)
    screen.edit(draft)
    combo = field(screen, "drill_movement")
    assert combo is screen.form.movement
    assert [combo.itemText(k) for k in range(combo.count())] == ["None"] + [movement(n).title for n in movement_names()]
    assert combo.currentText() == "None" and draft.get(("drill", 0, "movement")) is None

    choose(qtbot, combo, "Banded hip distraction")
    assert draft.get(("drill", 0, "movement")) == "banded-hip-distraction"
    assert draft.dirty
    choose(qtbot, combo, "None")
    assert draft.get(("drill", 0, "movement")) is None  # the key goes
    choose(qtbot, combo, "Banded hip hinge")
    checked(qtbot, screen)
    assert problems(screen, "drill_movement") == "" and screen.status.text().startswith("No problems")

    screen.drill_list.setCurrentRow(1)  # the other drill has none
    assert combo.currentText() == "None"
    screen.drill_list.setCurrentRow(0)
    assert combo.currentText() == "Banded hip hinge"

    with qtbot.waitSignal(screen.saved):
        click(qtbot, screen, "editor_save")
    text = path.read_text(encoding="utf-8")
    added = [line for line in text.splitlines() if line not in KIMS.splitlines()]
    assert added == ['movement = "banded-hip-hinge"'] and len(text.splitlines()) == len(KIMS.splitlines()) + 1
    assert 'name = "Band hip distraction, left & right"\nmovement = "banded-hip-hinge"\n' in text
    assert parse_session(text, str(path)).drills[0].movement == "banded-hip-hinge"


def test_a_files_unknown_movement_is_shown_as_it_is_never_replaced(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    text = KIMS.replace('name = "Slow good morning"\n', 'name = "Slow good morning"\nmovement = "jeferson-curl"\n')
    path.write_text(text, encoding="utf-8")
    draft = Draft.open(path)
    screen.edit(draft, select_drill=1)
    combo = field(screen, "drill_movement")
    assert combo.currentText() == '"jeferson-curl"' and combo.count() == 9  # None, the 7, and the file's
    assert draft.get(("drill", 1, "movement")) == "jeferson-curl" and not draft.dirty
    assert problems(screen, "drill_movement").startswith(
        '⚠ unknown movement "jeferson-curl" (did you mean "jefferson-curl"?); the movements are: ')

    screen.drill_list.setCurrentRow(0)  # a drill without one: no extra item
    assert combo.currentText() == "None" and combo.count() == 8
    screen.drill_list.setCurrentRow(1)
    assert combo.currentText() == '"jeferson-curl"'

    choose(qtbot, combo, "Jefferson curl")
    assert draft.get(("drill", 1, "movement")) == "jefferson-curl"
    qtbot.waitUntil(lambda: problems(screen, "drill_movement") == "")
    choose(qtbot, combo, '"jeferson-curl"')  # still offered: the file's value back
    assert draft.get(("drill", 1, "movement")) == "jeferson-curl"
    choose(qtbot, combo, "Jefferson curl")
    click(qtbot, screen, "editor_undo")  # (choices of one field within 1.5 s are one undo step)
    assert draft.get(("drill", 1, "movement")) == "jeferson-curl" and not draft.dirty
    assert combo.currentText() == '"jeferson-curl"' and combo.count() == 9


def test_a_movement_that_is_not_text_is_shown_as_the_file_has_it(qtbot, kit):
    screen, sessions, store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS.replace("cues = [", "movement = 7\ncues = ["), encoding="utf-8")
    draft = Draft.open(path)
    screen.edit(draft)
    combo = field(screen, "drill_movement")
    assert combo.currentText() == "7" and draft.get(("drill", 0, "movement")) == 7
    assert "expected a movement's name in quotes" in problems(screen, "drill_movement")


def kims_preview(kit):
    """Kim's file open in the editor: the screen, its Movement list and the list's preview."""
    screen, sessions, _store = kit
    path = sessions / "kim.toml"
    path.write_text(KIMS, encoding="utf-8")
    screen.edit(Draft.open(path))
    return screen, field(screen, "drill_movement"), screen.form.movement_preview


def test_the_chosen_movement_is_previewed_moving_and_the_highlighted_one_while_the_list_is_open(qtbot, kit):
    from hinge_timer.figure.movement import movement

    screen, combo, preview = kims_preview(kit)
    assert not preview.isVisible() and preview.movement is None, "no movement: no preview"
    choose(qtbot, combo, "Jefferson curl")
    assert preview.isVisible() and preview.movement is movement("jefferson-curl")
    first = preview.moment.pose
    qtbot.waitUntil(lambda: preview.moment.pose != first, timeout=3000)  # it moves, on the wall clock
    assert preview.moving
    combo.highlighted.emit(combo.findText("Split hamstring stretch"))  # the pointer over an item of the open list
    assert preview.movement is movement("split-hamstring-stretch")
    screen.drill_list.setCurrentRow(1)  # a drill with none
    assert not preview.isVisible() and not preview.moving
    screen.drill_list.setCurrentRow(0)
    assert preview.movement is movement("jefferson-curl")


def test_closing_the_movement_list_without_a_choice_previews_the_drills_own_again(qtbot, kit):
    from hinge_timer.figure.movement import movement

    screen, combo, preview = kims_preview(kit)
    choose(qtbot, combo, "Jefferson curl")
    combo.highlighted.emit(combo.findText("Split hamstring stretch"))
    assert preview.movement is movement("split-hamstring-stretch")
    combo.hidePopup()  # Esc, or a click outside the list
    assert preview.movement is movement("jefferson-curl") and combo.currentText() == "Jefferson curl"
    preview.set_motion(False)  # View → Moving figure, off
    assert not preview.moving and preview.moment.pose == movement("jefferson-curl").pose("deep")
