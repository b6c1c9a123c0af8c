"""`make screenshots` keeps working: every screen at both sizes, as real PNGs of the right size."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage

from tests.conftest import REPO

STATES = ["home", "help", "get-ready", "work-paced-reps", "how", "rest", "hold-left-leg", "switch-sides", "paused",
          "hold-relax-cycle", "caution", "counted-set", "done", "end-question", "home-broken-file", "about"]


def test_screenshots_are_written_for_every_state_and_size(tmp_path, qapp):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "screenshots.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr
    for tag, size in (("landscape", (1280, 720)), ("portrait", (720, 1280))):
        for state in STATES:
            image = QImage(str(tmp_path / f"{state}-{tag}.png"))
            assert (image.width(), image.height()) == size, f"{state}-{tag}"
    # The README shows the committed copies; each one it links exists.
    readme = (REPO / "README.md").read_text()
    for state in STATES:
        assert f"docs/screenshots/{state}-landscape.png" in readme
        assert (REPO / "docs" / "screenshots" / f"{state}-landscape.png").exists()
    # Every built-in drill's figure, at the start and the middle of each phase, and the contact sheet.
    from hinge_timer.session.catalogue import builtin_entries
    from hinge_timer.session.library import slug
    from hinge_timer.ui import theme

    for entry in builtin_entries():
        for d in entry.session.drills:
            phases = len(d.tempo or d.cycle or ()) or 1
            shots = sorted((tmp_path / "figures").glob(f"{slug(d.name)}-[0-9][0-9].png"))
            assert len(shots) >= 2 * phases if (d.tempo or d.cycle) else shots, d.name
            image = QImage(str(shots[0]))
            body = sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
                       if image.pixelColor(x, y) == theme.FIGURE_BODY)
            assert body > 200, f"{shots[0].name}: no figure drawn"
    sheet = QImage(str(tmp_path / "figures-contact-sheet.png"))
    assert sheet.width() > 1000 and sheet.height() > 500
    assert "docs/screenshots/figures-contact-sheet.png" in readme
