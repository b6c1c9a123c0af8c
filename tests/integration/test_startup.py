"""Home paints before the session files are read, then lists them (docs/PERFORMANCE.md, start-up).

The gain is in what is imported before the first frame, so it is checked as such in a fresh
process, the way a user starts the app (``hinge_timer.cli.main``): no timing is asserted here.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

from tests.conftest import REPO

CHILD = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from hinge_timer.ui import main_window

seen = {}

class Watcher(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "painted" not in seen:
            seen["painted"] = {"pydantic": "pydantic" in sys.modules, "listed": obj.list.count(),
                               "text": obj.details.text(), "engine": "hinge_timer.engine.runner" in sys.modules}
        return False

watcher = Watcher()

class Watched(main_window.MainWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.home.installEventFilter(watcher)
        self.listing.sessions_listed.connect(self.on_listed_for_test)

    def on_listed_for_test(self):
        seen["listed"] = [e.key for e in self.home.entries if e.session is not None]
        QTimer.singleShot(0, self.close)

main_window.MainWindow = Watched
from hinge_timer.cli import main
code = main(["--data-dir", sys.argv[1]])
print(repr(seen))
sys.exit(code)
"""


def test_home_paints_first_then_lists_the_sessions(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr
    seen = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    first = seen["painted"]
    assert first["pydantic"] is False, "the session model was imported before Home was painted"
    assert first["engine"] is False, "the engine was imported before Home was painted"
    assert first["listed"] == 0 and "Loading sessions" in first["text"]
    assert seen["listed"][:3] == ["hip-hinge-basics", "hip-hinge-mobility", "quick-warm-up"]
