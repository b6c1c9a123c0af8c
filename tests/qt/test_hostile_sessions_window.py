"""The real window with hostile files in the user's sessions folder and through File → Open.

A FIFO, a folder named like a session, a 50,000-deep header and 20,000 misspelt keys sit next to a
session the user wrote.  Home lists the user's session and says the hostile ones cannot be opened, in
a bounded message, and the window start never blocks (SIGALRM fails the test instead of hanging it).
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from PySide6.QtCore import Qt

from hinge_timer.session.errors import MAX_SHOWN
from tests.qt.conftest import App

MINE = 'format = 1\ntitle = "Kim\'s knees"\n[[drill]]\nname = "Band hip hinge"\nhold = [60, 90]\nsides = ["left", "right"]\n'


@pytest.fixture
def deadline():
    def expired(signum, frame):
        raise TimeoutError("the window blocked for 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_home_lists_a_folder_with_a_fifo_and_hostile_files(qtbot, tmp_path, fake_dialogs, deadline):
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    os.mkfifo(sessions / "a-pipe.toml")
    (sessions / "b-folder.toml").mkdir()
    (sessions / "c-deep.toml").write_text(MINE + "[" + ".".join(["drill"] * 50_000) + "]\n", encoding="utf-8")
    (sessions / "d-typos.toml").write_text(MINE + "".join(f"hold{i:05d} = 1\n" for i in range(15_000)),
                                           encoding="utf-8")
    (sessions / "kims-knees.toml").write_text(MINE, encoding="utf-8")

    app = App(qtbot, tmp_path)
    start = time.perf_counter()
    app.window.ensure_sessions()
    assert time.perf_counter() - start < 5.0
    home = app.window.home
    mine = [e for e in home.entries if not e.builtin]
    names = [os.path.basename(e.key) for e in mine]
    assert names == ["c-deep.toml", "d-typos.toml", "kims-knees.toml"]  # no FIFO, no folder
    labels = [home.list.item(i).text() for i in range(home.list.count())]
    assert "Kim's knees  (yours)" in labels
    assert "⚠ c-deep.toml: cannot be opened" in labels and "⚠ d-typos.toml: cannot be opened" in labels

    home.list.setCurrentRow(labels.index("⚠ d-typos.toml: cannot be opened"))
    shown = home.details.text()
    assert home.details.textFormat() == Qt.TextFormat.PlainText
    lines = shown.splitlines()
    assert len(lines) == MAX_SHOWN + 1 and lines[-1] == f"… and {15_000 - MAX_SHOWN} more problems"
    assert len(shown) < 20_000

    home.list.setCurrentRow(labels.index("⚠ c-deep.toml: cannot be opened"))
    assert "nests more than 12 levels deep" in home.details.text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_file_open_on_a_fifo_or_a_flood_shows_a_short_error(qtbot, tmp_path, fake_dialogs, deadline):
    app = App(qtbot, tmp_path)
    fifo = tmp_path / "shared.toml"
    os.mkfifo(fifo)
    fake_dialogs.file = str(fifo)
    app.window.on_open_requested()
    ((title, text),) = fake_dialogs.errors
    assert title == "This session cannot be opened"
    assert text == f"{fifo}: is a named pipe (FIFO), not a session file; only regular files are read"

    flood = tmp_path / "flood.toml"
    flood.write_text(MINE + "x = {" + ", ".join(f"k{i} = 1" for i in range(60_000)) + "}\n", encoding="utf-8")
    fake_dialogs.file = str(flood)
    start = time.perf_counter()
    app.window.on_open_requested()
    assert time.perf_counter() - start < 2.0
    title, text = fake_dialogs.errors[-1]
    assert text.startswith(f"{flood}:7: holds more than 16,000 keys") and len(text) < 300
