"""The core (session files, engine) must not load Qt: it runs from the command line and in tests alone."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_core_imports_no_qt():
    code = (
        "import sys\n"
        "import hinge_timer.session.load, hinge_timer.session.timeline\n"
        "import hinge_timer.engine.runner, hinge_timer.engine.clock, hinge_timer.engine.events\n"
        "import hinge_timer.store.db, hinge_timer.store.recorder, hinge_timer.store.history\n"
        "import hinge_timer.safeio, hinge_timer.plaintext, hinge_timer.settings, hinge_timer.kiosk.config\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith('hinge_timer.qt'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""


def test_plan_and_validate_run_without_loading_qt():
    code = (
        "import sys, io, contextlib\n"
        "from hinge_timer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['plan', 'quick-warm-up']) == 0\n"
        "print('PySide6' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
