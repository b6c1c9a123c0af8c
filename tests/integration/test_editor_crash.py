"""A crash while editing, for real: the window runs in a real process (offscreen), the user's session is opened in
the editor and its title typed into with real key events, the process is killed with SIGKILL, and a new
process started on the same --data-dir offers the kept edit on Home; opening it brings the edits back, and the
session file itself is as it was saved."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.window_child import PRELUDE

SESSION = """\
# My own: the physio's sheet, week 3
format = 1
title = "Week 3 hips"

[[drill]]
name = "Half-kneeling stretch"
hold = [40, 75]
sides = ["left", "right"]
"""

# One process of the app's window.  "edit": open the session in the editor, type into its title, say so once
# the draft is on disk, then wait to be killed.  "restart": list what Home offers, open it, print the draft.
CHILD = PRELUDE + r"""
mode, data = sys.argv[1], Path(sys.argv[2])
w = window(data, (1280, 800), defer_sessions=True)
pump(lambda: w.listing.ready)
if mode == "edit":
    home = w.home
    home.list.setCurrentRow(next(i for i, e in enumerate(home.entries) if e.title == "Week 3 hips"))
    QTest.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    ed = w.session_actions.editor
    ed.title.setFocus()
    QTest.keyClick(ed.title, Qt.Key.Key_End)
    QTest.keyClicks(ed.title, ", knee side")
    drafts = data / "drafts"
    pump(lambda: drafts.is_dir() and any(drafts.glob("*.json")))
    print("kept", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.02)
else:
    pump(lambda: w.home._draft_box is not None and w.home.draft_box.isVisible())
    offer = w.home.draft_label.text()
    QTest.mouseClick(w.home.draft_open_button, Qt.MouseButton.LeftButton)
    d = w.session_actions.editor.draft
    print(json.dumps({"offer": offer, "screen": w.current_screen(), "title": d.get(("title",)),
                      "path": str(d.path), "dirty": d.dirty}), flush=True)
    w.session_actions.editor.drafts.forget(d)
    w.session_actions.close()
"""


def _child(mode: str, data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HINGE_TIMER_CACHE_DIR": str(data / "cache")}
    return subprocess.Popen([sys.executable, "-c", CHILD, mode, str(data)], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_draft_kept_while_editing_is_offered_after_a_sigkill(tmp_path):
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    mine = data / "sessions" / "week3.toml"
    mine.write_text(SESSION, encoding="utf-8")
    proc = _child("edit", data)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
            if line.strip() == "kept":
                break
        assert line.strip() == "kept", proc.stderr.read() if proc.poll() is not None else "no draft kept"
        time.sleep(0.8)  # the last keys' write (KEEP_DELAY_S = 0.5) has landed by now
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    assert mine.read_text(encoding="utf-8") == SESSION  # nothing was saved: the file is as it was
    again = _child("restart", data)
    out, err = again.communicate(timeout=90)
    assert again.returncode == 0, err
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["offer"].startswith("An unsaved edit of “Week 3 hips, knee side” from")
    assert seen["screen"] == "editor_screen" and seen["title"] == "Week 3 hips, knee side"
    assert seen["path"] == str(mine) and seen["dirty"]
    assert mine.read_text(encoding="utf-8") == SESSION
