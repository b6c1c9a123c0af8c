"""Reordering drills by dragging them with the mouse, for real: the window runs in a real process on a real X
server (Xvfb, with openbox), the user's session is open in the editor, and xdotool presses the mouse on a drill,
moves it down the list in small steps and lets go, so Qt runs its own drag and drop (QDrag, not a synthesized
drop event).  The drill must land where it was dropped, as one undo step, and the file stay as it was until
Save.  CI installs xvfb, openbox and xdotool; with CI=true their absence is a failure, not a skip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.test_kiosk_screen import desktop, x  # noqa: F401  (the fixture)
from tests.window_child import PRELUDE

pytestmark = pytest.mark.slow

SESSION = """\
# Kim's Tuesday, as the physio wrote it
format = 1
title = "Kim's Tuesday"

[[drill]]
name = "Couch stretch"
hold = [75, 105]
sides = ["right", "left"]

[[drill]]
name = "Step-downs"
reps = [7, 9]
sets = 3

[[drill]]
name = "Slow good morning"
reps = 6
"""

# The window, on the real X server: the session opened in the editor; the drill list's rows said in screen
# coordinates; then, each time the order of the drills changes, the new order (until stdin closes).
CHILD = PRELUDE + r"""
data = Path(sys.argv[1])
w = window(data)
pump(lambda: w.listing.ready and w.isActiveWindow())
home = w.home
home.list.setCurrentRow(next(i for i, e in enumerate(home.entries) if e.title == "Kim's Tuesday"))
w.commands.run("edit_session")
ed = w.session_actions.editor
lst = ed.drill_list
pump(lambda: lst.isVisible() and not ed.checking)
bar = ed.scroll_area.verticalScrollBar()  # the list near the top of the form, all of it on the screen
bar.setValue(lst.mapTo(ed.scroll_area.widget(), QPoint(0, 0)).y() - 40)
pump(lambda: lst.mapToGlobal(QPoint(0, lst.height())).y() < w.screen().geometry().bottom() - 40)
rows = []
for r in range(lst.count()):
    rect = lst.visualRect(lst.model().index(r, 0))
    top = lst.viewport().mapToGlobal(rect.topLeft())
    rows.append({"x": top.x() + rect.width() // 3, "top": top.y(), "height": rect.height()})
print(json.dumps({"rows": rows}), flush=True)

def order():
    return [ed.draft.get(("drill", i, "name")) for i in range(ed.draft.drill_count)]

said = order()
end = time.monotonic() + 60
while time.monotonic() < end:
    app.processEvents()
    time.sleep(0.005)
    now = order()
    if now != said:
        said = now
        moved = {"order": now, "dirty": ed.draft.dirty, "chosen": ed.drill_index}
        ed.undo()  # one undo step takes the whole drag back
        moved.update(undone=order(), still_undoable=ed.draft.can_undo, dirty_after_undo=ed.draft.dirty)
        print(json.dumps(moved), flush=True)
        break
if ed.drafts is not None:
    ed.drafts.forget(ed.draft)
w.session_actions.close()
"""


def test_a_drill_dragged_with_the_mouse_lands_where_it_is_dropped(desktop, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    mine = data / "sessions" / "kims-tuesday.toml"
    mine.write_text(SESSION, encoding="utf-8")
    env = {**desktop, "QT_QPA_PLATFORM": "xcb", "HINGE_TIMER_CACHE_DIR": str(data / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data)], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first, proc.stderr.read() if proc.stderr else "the window said nothing"
        rows = json.loads(first)["rows"]
        assert len(rows) == 3
        src, dst = rows[0], rows[2]
        x0, y0 = src["x"], src["top"] + src["height"] // 2
        y1 = dst["top"] + dst["height"] * 3 // 4  # the lower half of the last drill: after it
        x(desktop, "xdotool", "mousemove", str(x0), str(y0))
        time.sleep(0.3)
        x(desktop, "xdotool", "mousedown", "1")
        time.sleep(0.2)
        for i in range(1, 13):  # past the drag distance, then down the list, as a hand moves
            x(desktop, "xdotool", "mousemove", str(x0 + i % 2), str(y0 + (y1 - y0) * i // 12))
            time.sleep(0.05)
        time.sleep(0.3)
        x(desktop, "xdotool", "mouseup", "1")
        line = proc.stdout.readline()
        assert line, (proc.stderr.read() if proc.stderr else "") + "\nthe drop changed nothing"
        said = json.loads(line)
    finally:
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert said["order"] == ["Step-downs", "Slow good morning", "Couch stretch"]
    assert said["dirty"] and said["chosen"] == 2  # the moved drill still chosen
    assert said["undone"] == ["Couch stretch", "Step-downs", "Slow good morning"]  # one undo step: all of it
    assert not said["still_undoable"] and not said["dirty_after_undo"]
    assert mine.read_text(encoding="utf-8") == SESSION  # not saved: the file as it was
    assert os.path.exists(mine)
