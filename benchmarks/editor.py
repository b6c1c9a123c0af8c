"""Editor benchmark: does typing in the session editor wait for the check of what was typed?

    QT_QPA_PLATFORM=offscreen python benchmarks/editor.py [--keys 40] [--json FILE]

For each session (a built-in; the user's own tests/data/own-comments.toml; a user's file of 100 drills made
from it, as a coach's gym-PC library might be):

- **reference**: one check of the draft (``Draft.check``: the file's text made by the writer, then parsed and
  validated by the loader), run synchronously, ``--repeat`` times on fresh revisions. This is what the
  thread that paints would wait after every edit if the check ran there.
- **the editor**: a real ``EditorScreen`` (shown, 1280 x 720) with the file open; ``--keys`` characters typed
  into the session's title, one every 200 ms (so that each is checked), by QTest on the event loop. A 2 ms timer on the same thread
  records how late it fires: the longest wait anything on the GUI thread had while the user typed (the
  keystrokes' own work included). Then the time from the last keystroke to its check being shown.

Prints a table and the ratio of the editor's longest event-loop wait to the reference check's median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import pct, table, write_json  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

KEY_INTERVAL_MS = 200  # slower than the check's 150 ms delay: every key is checked, as when a user
# types a number, looks, and clicks a spin box's arrow
TICK_MS = 2


def hundred_drills(own: str) -> str:
    """The user's file with its drills repeated to 100, each renamed (a name may appear once)."""
    head, _, rest = own.partition("[[drill]]")
    blocks = ["[[drill]]" + b for b in rest.split("[[drill]]")]
    out = [head]
    for i in range(100):
        block = blocks[i % len(blocks)]
        line = next(x for x in block.splitlines() if x.startswith("name = "))
        out.append(block.replace(line, line[:-1] + f' {i + 1}"', 1))
    return "".join(out)


def reference(path: Path, repeat: int) -> list[float]:
    from hinge_timer.session.draft import Draft

    d = Draft.open(path)
    title = d.get(("title",))
    times = []
    for i in range(repeat):
        d.set(("title",), f"{title} {i}")  # a new revision: nothing cached
        t0 = time.perf_counter()
        d.check()
        d.plan()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def editor(app, path: Path, keys: int) -> dict[str, float]:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtCore import Qt

    from hinge_timer.session.draft import Draft
    from hinge_timer.ui.editor import EditorScreen

    screen = EditorScreen(path.parent, None)
    screen.resize(1280, 720)
    screen.show()
    draft = Draft.open(path)
    screen.edit(draft)
    deadline = time.monotonic() + 60
    while screen.checking and time.monotonic() < deadline:
        app.processEvents()
    title = screen.title
    title.setFocus()
    title.end(False)

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)
    typed = [0]
    last_key = [0.0]

    def type_one() -> None:
        QTest.keyClick(title, "abcdefghij"[typed[0] % 10])
        typed[0] += 1
        last_key[0] = time.perf_counter()

    typer = QTimer()
    typer.setInterval(KEY_INTERVAL_MS)
    typer.timeout.connect(type_one)
    last[0] = time.perf_counter()
    ticker.start()
    typer.start()
    while typed[0] < keys:
        app.processEvents()
    typer.stop()
    t_last = last_key[0]
    while (screen.checking or draft.checked_now is None) and time.monotonic() < deadline + 120:
        app.processEvents()
    shown_ms = (time.perf_counter() - t_last) * 1000
    ticker.stop()
    assert draft.get(("title",)).endswith("abcdefghij"[(keys - 1) % 10]), "the keys did not reach the title"
    screen.stop_checking()
    screen.close()
    screen.deleteLater()
    app.processEvents()
    return {"gap_max": max(gaps), "gap_p99": pct(gaps, 99), "shown_ms": shown_ms}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from hinge_timer.session.load import builtin_session_files

    app = QApplication.instance() or QApplication(sys.argv[:1])
    own = (REPO / "tests" / "data" / "own-comments.toml").read_text(encoding="utf-8")
    builtin = next(iter(builtin_session_files()))
    rows, out = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "built-in " + Path(str(builtin)).stem: builtin.read_text(encoding="utf-8"),
            "own-comments (user's)": own,
            "user's, 100 drills": hundred_drills(own),
        }
        for name, text in files.items():
            path = folder / (name.split()[0].strip("'") + ".toml")
            path.write_text(text, encoding="utf-8")
            ref = reference(path, args.repeat)
            ed = editor(app, path, args.keys)
            med = statistics.median(ref)
            ratio = ed["gap_max"] / med
            rows.append([name, med, max(ref), ed["gap_max"], ed["gap_p99"], ed["shown_ms"], ratio])
            out[name] = {"check_ms_median": med, "check_ms_max": max(ref), **ed, "gap_max_over_check": ratio}
    print(table(rows, ["session", "check ms (median)", "check ms (max)", "loop wait max ms", "loop wait p99 ms",
                       "last key -> check shown ms", "wait max / check"]))
    print(f"\n{args.keys} keys typed {KEY_INTERVAL_MS} ms apart into the title; the loop's wait measured with a "
          f"{TICK_MS} ms timer.")
    write_json(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
