"""The command table (app/commands.py) walked in a real window: every key the help lists, pressed on each
screen where it is enabled, does what the help says; every key that is not in the table does nothing; the
help, the buttons and the menus are the table's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from hinge_timer.app import commands
from hinge_timer.app.commands import DONE, EDITOR, HISTORY, HOME, KIOSK_HOME, SESSION, TABLE, Key
from hinge_timer.engine.state import State
from hinge_timer.kiosk.config import KioskConfig
from hinge_timer.engine.clock import NS
from tests.qt.conftest import App
from tests.unit.test_store import add_run

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier

WALK = """format = 1
title = "Keys walk"
[defaults]
get_ready = 5
rest_between_drills = 8
[[drill]]
name = "Careful"
hold = 30
sets = 2
caution = "Mind your back."
how = "Slowly, from the hips."
[[drill]]
name = "Counted"
reps = 3
sets = 2
[[drill]]
name = "Last"
hold = 20
"""

# Where on the session screen each command is tried: at the caution, in a timed hold, in a set the user counts.
SESSION_STATE = {"count_rep": "counted", "undo_rep": "counted", "set_done": "counted", "acknowledge": "caution",
                 "skip": "caution"}


def fingerprint(app: App) -> dict:
    """What a key could change, as the user sees it."""
    w = app.window
    d = {"screen": w.current_screen(), "visible": w.isVisible(), "fullscreen": w.isFullScreen(),
         "help": w.help.isVisible(), "mute": w.prefs.mute, "volume": w.prefs.volume, "flash": w.prefs.flash,
         "dose": w.home.dose, "row": w.home.list.currentRow(), "entries": len(w.home.entries),
         "confirms": len(app.dialogs.confirms), "errors": len(app.dialogs.errors), "resumed": len(app.resumed),
         "how": w.session_screen.how.isVisible(), "run_row": w.history_view.screen.table.currentIndex().row(),
         "asked_end": w.session_screen.end_question.isVisible(), "runs": w.history_view.screen.model.rowCount()}
    # The user's own session files, and what the editor holds (its title, unsaved or not).
    d["files"] = sorted(p.name for p in app.sessions.glob("*.toml"))
    editor = w.session_actions._editor
    draft = editor.draft if editor is not None else None
    d["editor_title"] = draft.get(("title",)) if draft is not None else None
    d["dirty"] = draft.dirty if draft is not None else None
    d["exported"] = (app.data / "shared.toml").exists()  # where Export is told to write (go_to)
    d["walk_text"] = (app.sessions / "walk.toml").read_text() if (app.sessions / "walk.toml").exists() else None
    if w.run.driver is not None:
        s = w.run.driver.snapshot()
        d.update(state=s.state, underlying=s.underlying, step=s.step_index, drill=s.drill_index, rep=s.rep,
                 set_no=s.set_no, left=None if s.step_left is None else round(s.step_left, 2),
                 elapsed=round(s.step_elapsed, 2), next_up=s.next_up or "", finished=w.run.driver.finished)
    return d


def near(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) < 0.01


# What the help says each command does, as a change from before the key to after it.
EXPECT = {
    "pause": lambda b, a: b["state"] is not State.PAUSED and a["state"] is State.PAUSED,
    "next": lambda b, a: a["step"] == b["step"] + 1,
    "back": lambda b, a: a["step"] == b["step"] and b["elapsed"] > 1 and a["elapsed"] == 0,
    "count_rep": lambda b, a: a["rep"] == b["rep"] + 1,
    "acknowledge": lambda b, a: b["underlying"] is State.CAUTION and a["underlying"] is State.GET_READY
    and a["drill"] == b["drill"],
    "undo_rep": lambda b, a: a["rep"] == b["rep"] - 1,
    "set_done": lambda b, a: a["step"] > b["step"] and a["rep"] == 0,
    "add_time": lambda b, a: near(a["left"], b["left"] + 10),
    "remove_time": lambda b, a: near(a["left"], b["left"] - 10),
    "hurts": lambda b, a: b["set_no"] == 1 and a["step"] > b["step"] and "Counted" in a["next_up"],  # set 2 too
    # (tried just after H): back from the rest to the hold that was stopped, from its start
    "undo_hurts": lambda b, a: b["underlying"] is State.REST and a["underlying"] is State.WORK
    and a["step"] < b["step"] and a["drill"] == 0 and a["elapsed"] == 0,
    "skip": lambda b, a: a["drill"] != b["drill"] and a["underlying"] is not State.CAUTION,
    "how": lambda b, a: not b["how"] and a["how"],
    "end": lambda b, a: not b["asked_end"] and a["asked_end"] and a["state"] is State.PAUSED,  # asked in the window
    "mute": lambda b, a: a["mute"] != b["mute"],
    "louder": lambda b, a: a["volume"] > b["volume"],
    "quieter": lambda b, a: a["volume"] < b["volume"],
    "fullscreen": lambda b, a: not b["fullscreen"] and a["fullscreen"],
    "leave_fullscreen": lambda b, a: b["fullscreen"] and not a["fullscreen"] and a["screen"] == b["screen"],
    "help": lambda b, a: not b["help"] and a["help"],
    "quit": lambda b, a: b["visible"] and not a["visible"],
    "choose_previous": lambda b, a: a["row"] == b["row"] - 1,
    "choose_next": lambda b, a: a["row"] == b["row"] + 1,
    "dose_low": lambda b, a: b["dose"] == "high" and a["dose"] == "low",
    "dose_high": lambda b, a: b["dose"] == "low" and a["dose"] == "high",
    "start": lambda b, a: a["screen"] == SESSION and a.get("state") is State.CAUTION,  # Enter does not confirm it
    "open": lambda b, a: a["entries"] == b["entries"] + 1,
    "resume": lambda b, a: a["resumed"] == b["resumed"] + 1,
    "history": lambda b, a: a["screen"] == HISTORY,
    "done_home": lambda b, a: b["screen"] == DONE and a["screen"] == HOME,
    "run_previous": lambda b, a: a["run_row"] == b["run_row"] - 1,
    "run_next": lambda b, a: a["run_row"] == b["run_row"] + 1,
    "page_up": lambda b, a: a["run_row"] == b["run_row"] - 10,
    "page_down": lambda b, a: a["run_row"] == b["run_row"] + 10,
    "history_back": lambda b, a: b["screen"] == HISTORY and a["screen"] == HOME,
    "run_delete": lambda b, a: a["confirms"] == b["confirms"] + 1 and a["runs"] == b["runs"] - 1,
    "run_undo": lambda b, a: a["runs"] == b["runs"] + 1,
    # The user's own sessions (ui/session_actions.py) and the editor (ui/editor.py).
    "new_session": lambda b, a: b["screen"] == HOME and a["screen"] == EDITOR and a["files"] == b["files"],
    "duplicate_session": lambda b, a: a["screen"] == EDITOR and len(a["files"]) == len(b["files"]) + 1
    and a["editor_title"].endswith(" (my copy)") and not a["dirty"],
    "export_session": lambda b, a: not b["exported"] and a["exported"],
    "edit_session": lambda b, a: a["screen"] == EDITOR and a["editor_title"] == "Keys walk" and not a["dirty"],
    "delete_session": lambda b, a: a["confirms"] == b["confirms"] + 1 and "walk.toml" not in a["files"]
    and a["entries"] == b["entries"] - 1,
    "undo_delete_session": lambda b, a: "walk.toml" in a["files"] and a["entries"] == b["entries"] + 1,
    "editor_save": lambda b, a: b["dirty"] and not a["dirty"] and 'title = "Keys walk, edited"' in a["walk_text"],
    "editor_undo": lambda b, a: b["editor_title"] == "Keys walk, edited" and a["editor_title"] == "Keys walk",
    "editor_redo": lambda b, a: b["editor_title"] == "Keys walk" and a["editor_title"] == "Keys walk, edited",
    "editor_back": lambda b, a: b["screen"] == EDITOR and a["screen"] == HOME and a["walk_text"] == b["walk_text"],
}


def close(walk: App) -> None:
    walk.window.end_driver()
    if walk.window.history_service.history is not None:
        walk.window.history_service.history.close()


class Walk(App):
    def __init__(self, qtbot, tmp_path, fake_dialogs, **options):
        self.dialogs = fake_dialogs
        self.resumed: list[bool] = []
        super().__init__(qtbot, tmp_path, **options)
        self.sessions.mkdir(parents=True, exist_ok=True)
        (self.sessions / "walk.toml").write_text(WALK)
        self.reload()
        self.window.home.resume_requested.connect(lambda: self.resumed.append(True))
        self.window.prefs.set_volume(0.5)

    def press(self, key: Key) -> None:
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key.key, CTRL if key.ctrl else Qt.KeyboardModifier.NoModifier)

    def session(self, state: str) -> None:
        """The walk session on screen: at its caution, in its timed hold 6 s in, or in a set the user counts."""
        self.start("Keys walk")
        if state == "caution":
            return
        self.driver.acknowledge()
        self.advance(11)  # 5 s to get ready, 6 s into the hold
        snap = self.driver.snapshot()
        assert snap.underlying is State.WORK and snap.drill_name == "Careful" and snap.step_left is not None
        if state == "counted":
            for _ in range(10):
                snap = self.driver.snapshot()
                if snap.user_counted and snap.underlying is State.WORK:
                    break
                self.driver.next()
            assert snap.user_counted and snap.underlying is State.WORK

    def choose(self, title: str) -> None:
        """Choose the session with this title on Home."""
        home = self.window.home
        row = next(i for i, e in enumerate(home.entries) if e.title == title)
        home.list.setCurrentRow(row)

    def go_to(self, screen: str, command: str) -> None:
        """Put the window where ``command`` is tried on ``screen``."""
        w = self.window
        if screen == SESSION:
            self.session(SESSION_STATE.get(command, "timed"))
            if command == "undo_rep":
                self.driver.count_rep()
            elif command == "undo_hurts":  # offered for a few seconds after "it hurts"
                self.driver.stop_drill("it hurts")
        elif screen == DONE:
            self.session("timed")
            self.driver.end_session("ended for the test")
        elif screen == HISTORY:
            conn = w.history_service.history.conn
            for d in range(25):
                add_run(conn, date.today() - timedelta(days=d))
            w.show_history()
            w.history_view.screen.table.selectRow(12)
            if command == "run_undo":  # something to undo
                assert w.history_view.screen.request_delete()
        elif screen == EDITOR:  # the user's walk.toml in the editor, its title changed (then undone for redo)
            self.choose("Keys walk")
            assert w.commands.run("edit_session")
            editor = w.session_actions.editor
            if command in ("editor_save", "editor_undo", "editor_redo"):
                editor.draft.set(("title",), "Keys walk, edited")
            if command == "editor_redo":
                assert editor.draft.undo()
        elif screen == HOME and command in ("edit_session", "delete_session", "undo_delete_session"):
            self.choose("Keys walk")  # the user's own: a built-in cannot be edited or deleted
            if command == "undo_delete_session":
                assert w.commands.run("delete_session") and "walk.toml" not in str(list(self.sessions.iterdir()))
        elif screen == HOME:
            w.home.list.setCurrentRow(1 if command == "choose_previous" else 0)
            w.home.set_dose("high" if command == "dose_low" else "low")
            if command == "resume":
                w.home.show_resume("An interrupted run of Keys walk", can_resume=True)
        assert w.current_screen() == screen
        if command == "export_session":
            self.dialogs.file = str(self.data / "shared.toml")
        if command == "open":
            other = self.data / "elsewhere.toml"
            other.write_text(WALK.replace("Keys walk", "Opened walk"))
            self.dialogs.file = str(other)


def cases():
    for c in TABLE:
        for screen in sorted(c.screens - {KIOSK_HOME}):
            for key in c.keys:
                if key.on is None or screen in key.on:
                    yield pytest.param(c.name, screen, key, id=f"{c.name}-{screen}-{key.shown or key.key.name}")


@pytest.mark.parametrize(("name", "screen", "key"), list(cases()))
def test_each_key_does_what_the_help_says(qtbot, tmp_path, fake_dialogs, name, screen, key):
    walk = Walk(qtbot, tmp_path, fake_dialogs)
    try:
        walk.go_to(screen, name)
        if key.fullscreen:
            walk.window.showFullScreen()
            qtbot.waitUntil(walk.window.isFullScreen)
        ctx = walk.window.command_context()
        assert commands.command(name).enabled(ctx)
        found = commands.for_key(ctx, key.key, "", key.ctrl)
        assert found is not None and found[0].name == name, f"{key} runs {found} here, not {name}"
        before = fingerprint(walk)
        walk.press(key)
        after = fingerprint(walk)
        assert EXPECT[name](before, after), f"{name} ({key.shown}) on {screen}: {before} -> {after}"
    finally:
        close(walk)


@pytest.mark.parametrize("name", [c.name for c in commands.buttons(HOME)])
def test_each_home_button_does_what_its_key_does(qtbot, tmp_path, fake_dialogs, name):
    walk = Walk(qtbot, tmp_path, fake_dialogs)
    try:
        walk.go_to(HOME, name)
        button = walk.window.home.findChild(QPushButton, commands.command(name).button)
        assert button is not None and button.isVisible(), name
        before = fingerprint(walk)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        after = fingerprint(walk)
        assert EXPECT[name](before, after), f"the {name} button: {before} -> {after}"
    finally:
        close(walk)


def test_a_tap_on_the_pause_overlay_resumes_as_the_pause_key_does(qtbot, tmp_path, fake_dialogs):
    walk = Walk(qtbot, tmp_path, fake_dialogs)
    try:
        walk.session("timed")
        walk.press(commands.command("pause").keys[0])
        overlay = walk.window.session_screen.pause_overlay
        assert walk.driver.snapshot().state is State.PAUSED and overlay.isVisible()
        qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton)
        assert walk.driver.snapshot().state is State.WORK and not overlay.isVisible()
    finally:
        close(walk)


def test_every_command_with_a_key_is_walked():
    # (Export has a button and a menu entry but no key; its button is walked)
    assert {c.name for c in TABLE if c.keys} - {"start_tile"} == set(EXPECT) - {"export_session"}


# The keys tried on each screen: every letter, digit, function key, arrow and common punctuation, plain and
# with Ctrl.  Those the table does not name must do nothing at all.
CANDIDATES = ([getattr(K, f"Key_{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
              + [getattr(K, f"Key_F{n}") for n in range(1, 13)]
              + [K.Key_Up, K.Key_Down, K.Key_Left, K.Key_Right, K.Key_PageUp, K.Key_PageDown, K.Key_Home, K.Key_End,
                 K.Key_Tab, K.Key_Space, K.Key_Return, K.Key_Enter, K.Key_Backspace, K.Key_Delete, K.Key_Insert,
                 K.Key_Escape, K.Key_Period, K.Key_Comma, K.Key_Plus, K.Key_Minus, K.Key_Equal, K.Key_Underscore,
                 K.Key_Slash, K.Key_Question, K.Key_Asterisk, K.Key_Semicolon])
TEXT = {K.Key_Period: ".", K.Key_Plus: "+", K.Key_Minus: "-", K.Key_Question: "?"}


@pytest.mark.parametrize(("screen", "state"), [(HOME, ""), (SESSION, "caution"), (SESSION, "timed"),
                                               (SESSION, "counted"), (DONE, ""), (HISTORY, "")])
def test_a_key_the_help_does_not_list_does_nothing(qtbot, tmp_path, fake_dialogs, screen, state):
    walk = Walk(qtbot, tmp_path, fake_dialogs)
    try:
        walk.go_to(screen, {"caution": "skip", "counted": "count_rep"}.get(state, "pause"))
        tried = 0
        for ctrl in (False, True):
            for key in CANDIDATES:
                if commands.for_key(walk.window.command_context(), key, TEXT.get(key, ""), ctrl) is not None:
                    continue
                before = fingerprint(walk)
                walk.qtbot.keyClick(QApplication.focusWidget() or walk.window, key,
                                    CTRL if ctrl else Qt.KeyboardModifier.NoModifier)
                assert fingerprint(walk) == before, f"{'Ctrl+' if ctrl else ''}{key.name} did something on {screen}"
                tried += 1
        assert tried > 100
    finally:
        close(walk)


def test_the_help_lists_every_key_of_every_screen(app):
    text = app.window.help.body.text()
    for c in TABLE:
        if not c.keys or c.screens <= {KIOSK_HOME}:
            continue
        assert c.keys_shown in text and c.help in text, c.name
        assert all(k.alias or k.shown in c.keys_shown for k in c.keys)
    # What History had left out of the help before the table (issue 16).
    history = next(line for line in text.splitlines() if line.startswith("In History"))
    assert "Page Up" in history and "Backspace" in history


def test_the_session_buttons_and_the_menus_are_the_tables(app):
    s = app.window.session_screen
    on_screen = {b.objectName() for b in [*s.button_list, s.b_undo, s.ack_button, s.skip_button]}
    assert on_screen == {c.button for c in commands.buttons(SESSION)}
    home = {b.objectName() for b in app.window.home.findChildren(QPushButton)} - {"discard", "history_aside",
                                                                                  "reload_file"}
    assert home - {"resume"} == {c.button for c in commands.buttons(HOME)} - {"resume"}  # resume: once offered
    w = app.window
    assert set(w.command_actions) == {c.name for c in commands.menu_entries()}
    for c in commands.menu_entries():
        action = w.command_actions[c.name]
        assert action.text() == c.label and action.shortcut().toString() == c.shortcut


def test_a_remote_runs_the_same_entries_by_name_only_where_they_are_enabled(app):
    w = app.window
    assert not w.commands.run("next")  # on Home there is no step to skip
    app.start("Hip hinge mobility")
    step = w.run.driver.snapshot().step_index
    assert w.commands.run("next") and w.run.driver.snapshot().step_index == step + 1
    assert w.commands.run("mute") and w.prefs.mute and w.command_actions["mute"].isChecked()
    assert not w.commands.run("skip")  # only at a caution


class KioskWalk(App):
    def __init__(self, qtbot, tmp_path):
        super().__init__(qtbot, tmp_path, kiosk=KioskConfig(enabled=True), kiosk_clock=lambda: self.clock.now / NS)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_kiosk_digit_starts_its_tile_and_the_help_leaves_out_what_the_kiosk_refuses(qtbot, tmp_path, fake_dialogs,
                                                                                     n):
    walk = KioskWalk(qtbot, tmp_path)
    try:
        w = walk.window
        assert w.current_screen() == KIOSK_HOME and len(w.kiosk_home.entries) >= 3
        walk.qtbot.keyClick(w, getattr(K, f"Key_{n}"))
        assert w.current_screen() == SESSION
        assert w.run.driver.runner.timeline.session.title == w.kiosk_home.entries[n - 1].session.title
        text = w.help.body.text()
        keys = text.split("\n\n")[0]  # (then "? or Esc to close": Esc closes the help in a kiosk too)
        assert "1–9" in keys and "Esc" not in keys and "Ctrl+" not in keys and "full screen" not in keys
        assert not w.commands.run("quit") and not w.commands.run("fullscreen") and w.isVisible()
    finally:
        w.kiosk.allow_exit = True
        w.close()
        close(walk)
