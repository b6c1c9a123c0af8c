"""The real window with hostile files in the user's sessions folder and through File → Open.

A FIFO, a folder named like a session, a 50,000-deep header and 20,000 misspelt keys sit next to a
session the user wrote.  Home lists the user's session and says the hostile ones cannot be opened, in
a bounded message, and the window start never blocks (SIGALRM fails the test instead of hanging it).

A folder full of the slowest files to check (each a quarter to half a second) is checked off the GUI
thread: Home paints and answers meanwhile, the files come in as they are checked, and a window closed
or destroyed meanwhile is left alone by the worker.
"""

from __future__ import annotations

import os
import time

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer

from hinge_timer.engine.clock import FakeClock
from hinge_timer.session.errors import MAX_SHOWN
from hinge_timer.settings import Settings, SettingsStore
from hinge_timer.ui.main_window import MainWindow
from tests.qt.conftest import App

MINE = 'format = 1\ntitle = "Kim\'s knees"\n[[drill]]\nname = "Band hip hinge"\nhold = [60, 90]\nsides = ["left", "right"]\n'


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

    start = time.perf_counter()
    app = App(qtbot, tmp_path)  # waits until the user's files are listed
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
    assert text == f"File: {fifo}\nThe file is a named pipe (FIFO), not a session file; only regular files are read"

    flood = tmp_path / "flood.toml"
    flood.write_text(MINE + "x = {" + ", ".join(f"k{i} = 1" for i in range(60_000)) + "}\n", encoding="utf-8")
    fake_dialogs.file = str(flood)
    start = time.perf_counter()
    app.window.on_open_requested()
    assert time.perf_counter() - start < 2.0
    title, text = fake_dialogs.errors[-1]
    assert text.startswith(f"File: {flood}\nLine 7: the file holds more than 16,000 keys") and len(text) < 300


# The slowest shapes to check (tests/unit/test_session_hostile.py, benchmarks/hostile_files.py): each takes
# a quarter to half a second, and one in the user's folder on the GUI thread froze Home for that long.
SLOW = {
    "near-miss keys": MINE + "".join(f"hold{i:05d} = 1\n" for i in range(15_000)),
    "one inline table": MINE + "x = {" + ", ".join(f"k{i} = 1" for i in range(15_000)) + "}\n",
    "quoted long keys": MINE + "x = {" + ", ".join(f'"{"é" * 50}{"q" * 68}{i:08d}" = 1' for i in range(5_000)) + "}\n",
}
GAP_CEILING_S = 0.2  # the GUI thread's longest stall while they are checked (a 20 ms timer: 21-25 ms measured idle; 0.14 s once with both cores kept busy by other tests)


def slow_folder(sessions, copies: int = 3) -> list[str]:
    """``copies`` of each slow shape, then Kim's own session last (``zz-``): the names in listing order."""
    sessions.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(copies):
        for i, text in enumerate(SLOW.values()):
            name = f"slow-{n}-{i}.toml"
            (sessions / name).write_text(text, encoding="utf-8")
            names.append(name)
    (sessions / "zz-kims-knees.toml").write_text(MINE, encoding="utf-8")
    return [*names, "zz-kims-knees.toml"]


def test_home_paints_and_answers_while_a_folder_of_slow_files_is_checked(qtbot, tmp_path, fake_dialogs, deadline):
    app = App(qtbot, tmp_path)
    home = app.window.home
    names = slow_folder(app.sessions)
    app.window.settings.last_session = str(app.sessions / "zz-kims-knees.toml")  # chosen last time
    ticks: list[tuple[float, int]] = []
    answered: list[str] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), home.list.count())))
    timer.start()
    try:
        with qtbot.waitSignal(app.window.listing.sessions_listed, timeout=60_000):
            start = time.perf_counter()
            app.window.listing.reload()
            assert time.perf_counter() - start < GAP_CEILING_S  # returns with only the built-ins listed
            assert not app.window.listing.ready and home.list.count() == 3
            # The user moves through the list while the folder is checked: Home answers at once.
            qtbot.keyClick(home.list, Qt.Key.Key_End)
            answered.append(home.details_title.text())
            home.list.setCurrentRow(2)
            answered.append(home.details_title.text())
            qtbot.waitUntil(lambda: home.list.count() > 4)  # ...and the user's files come in as they are checked
            assert not app.window.listing.ready
    finally:
        timer.stop()
    assert answered == ["Quick warm-up before lifting", "Quick warm-up before lifting"]
    gaps = [b[0] - a[0] for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 20 and max(gaps) < GAP_CEILING_S, f"the GUI thread stalled {max(gaps):.3f} s"
    counts = sorted({c for _, c in ticks})
    assert len(counts) > 3  # files appeared one after another, not all at the end

    # The user picked Quick warm-up while the files were checked: their choice stands, Kim's is not forced.
    assert home.current.key == "quick-warm-up"
    assert [os.path.basename(e.key) for e in home.entries if not e.builtin] == names  # all of them, in order
    labels = [home.list.item(i).text() for i in range(home.list.count())]
    assert labels[3:] == [f"⚠ {n}: cannot be opened" for n in names[:-1]] + ["Kim's knees  (yours)"]
    broken = [e for e in home.entries if not e.builtin and e.session is None]
    assert len(broken) == len(names) - 1 and all(e.error is not None and e.error.problems for e in broken)
    home.list.setCurrentRow(labels.index("⚠ slow-0-0.toml: cannot be opened"))
    assert 'unknown key "hold00000"' in home.details.text()


def test_the_last_session_chosen_is_selected_when_it_comes_in(qtbot, tmp_path, fake_dialogs, deadline):
    app = App(qtbot, tmp_path)
    slow_folder(app.sessions, copies=1)
    app.window.settings.last_session = str(app.sessions / "zz-kims-knees.toml")
    with qtbot.waitSignal(app.window.listing.sessions_listed, timeout=60_000):
        app.window.listing.reload()
        assert app.window.home.current.key == "hip-hinge-basics"  # not listed yet: the first one meanwhile
    assert app.window.home.current.key == str(app.sessions / "zz-kims-knees.toml")
    assert app.window.home.details_title.text() == "Kim's knees"


def test_closing_the_window_while_the_files_are_checked_stops_the_worker(qtbot, tmp_path, fake_dialogs, deadline):
    app = App(qtbot, tmp_path)
    slow_folder(app.sessions)
    listed = []
    app.window.listing.sessions_listed.connect(lambda: listed.append(True))
    app.window.listing.reload()
    lister = app.window.listing.lister
    assert lister is not None and lister.thread.is_alive()
    app.window.close()
    lister.thread.join(10)  # it stops after the file it is on
    assert not lister.thread.is_alive()
    shown = app.window.home.list.count()
    qtbot.wait(50)  # what it had posted meanwhile reaches the event loop, and is dropped
    assert app.window.home.list.count() == shown and shown < 3 + len(SLOW) * 3 + 1
    assert listed == [] and not app.window.listing.ready


def test_a_window_destroyed_while_the_files_are_checked_is_left_alone(qtbot, tmp_path, fake_dialogs, deadline):
    data = tmp_path / "data"
    slow_folder(data / "sessions", copies=1)
    w = MainWindow(Settings(), SettingsStore(data), sessions_dir=data / "sessions", clock=FakeClock(), audio="none",
                   history_dir=data)  # listed at once, as `hinge-timer run FILE` does: the worker starts
    lister = w.listing.lister
    assert lister is not None and lister.thread.is_alive()
    w.history_service.history.close()
    shiboken6.delete(w)  # gone without a closeEvent: the worker is not told
    assert not shiboken6.isValid(w)
    lister.thread.join(30)  # it runs to the end, posting into a window that is gone
    assert not lister.thread.is_alive()
    QCoreApplication.sendPostedEvents(None, 0)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
