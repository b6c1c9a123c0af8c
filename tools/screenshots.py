"""Write a PNG of every screen and state to docs/screenshots/ (headless; `make screenshots`).

The window runs on a fake clock, so every picture shows the same moment on every run:
    python tools/screenshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hinge_timer import i18n  # noqa: E402
from hinge_timer.engine.clock import FakeClock  # noqa: E402
from hinge_timer.session.timeline import StepKind  # noqa: E402
from hinge_timer.settings import Settings, SettingsStore  # noqa: E402
from hinge_timer.ui import language  # noqa: E402
from hinge_timer.ui.app import identify  # noqa: E402
from hinge_timer.ui.dialogs import about_dialog  # noqa: E402
from hinge_timer.ui.main_window import MainWindow  # noqa: E402

SIZES = {"landscape": (1280, 720), "portrait": (720, 1280)}

# A user's own session with a set they count themselves (the built-in sets are all paced).
OWN_SESSION = """format = 1
title = "My deadlift warm-up"
summary = "Light deadlifts, counted by me, then a hamstring hold."
[[drill]]
name = "Romanian deadlift"
reps = 10
sets = 2
equipment = ["barbell"]
cues = ["Soft knees, hips back", "Bar close to the legs"]
[[drill]]
name = "Standing hamstring hold"
hold = 45
sides = ["left", "right"]
"""

# The editor's pictures: one drill of each kind, with a caution and the phases of a cycle and a tempo.
EDITOR_SESSION = """# Sam's rehab routine, from the physio's sheet
format = 1
title = "Sam's knee-friendly hinge"
summary = "About ten minutes. The physio's order: band first, then the stretch, then the curls."

[defaults]
get_ready = 7
rest_between_sets = 25

[[drill]]
name = "Banded hip distraction"
hold = [75, 95]
sides = ["right", "left"]
equipment = ["long resistance band"]
cues = ["Rock back slowly", "Spine long"]

[[drill]]
name = "Split hamstring push-relax"
hold = 90
sides = ["left", "right"]
cycle = [ { phase = "Push", seconds = 5, say = "Push into the arm" },
          { phase = "Relax", seconds = 10, say = "Relax and sink" } ]

[[drill]]
name = "Glute bridge"
reps = 12
sets = [2, 3]

[[drill]]
name = "Jefferson curl (light)"
reps = [5, 6]
sets = 2
caution = "Skip this one if your back is sore today."
tempo = [ { phase = "Curl down", seconds = 5 },
          { phase = "Breathe out", seconds = 4, say = "Breathe out and relax" },
          { phase = "Roll up", seconds = 5, say = "Roll up slowly" } ]
"""


# The screens drawn in every other language (docs/screenshots/<code>/); English has every one.
TRANSLATED_SHOTS = frozenset({"home", "about", "hold-left-leg", "work-paced-reps", "caution", "done", "history"})


class Shooter:
    def __init__(self, app: QApplication, out: Path, size: tuple[int, int], tag: str, data: Path) -> None:
        self.app, self.out, self.tag, self.data = app, out, tag, data
        self.clock = FakeClock()
        (data / "sessions").mkdir(parents=True, exist_ok=True)
        (data / "sessions" / "my-deadlift-warm-up.toml").write_text(OWN_SESSION, encoding="utf-8")
        self.window = MainWindow(Settings(), SettingsStore(data), sessions_dir=data / "sessions", clock=self.clock,
                                 audio="none", history_dir=data)  # pictures only
        self.window.resize(*size)
        self.window.show()
        self.settle()
        deadline = time.monotonic() + 30
        while not self.window.listing.ready:  # the user's file is checked in a worker thread
            if time.monotonic() > deadline:
                raise SystemExit("screenshots: the session list never came")
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        self.written: list[Path] = []
        # The pictures kept (None: all); another language keeps its main screens only (TRANSLATED_SHOTS).
        self.keep: frozenset[str] | None = None

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def advance(self, seconds: float) -> None:
        for _ in range(round(seconds / 0.25)):
            self.clock.advance(0.25)
            if self.window.run.driver is not None:
                self.window.run.driver.pump()

    def until(self, predicate: Callable[[], bool]) -> None:
        for _ in range(4 * 3600):
            if predicate():
                return
            self.advance(0.25)
        raise SystemExit("screenshots: a state never came; the script is out of date")

    def shot(self, name: str) -> None:
        # The 3-2-1/go flash fades in wall time; the fake clock jumps, so end it before the picture.
        self.window.session_screen.flash_overlay.stop()
        self.settle()
        screen = self.window.stack.currentWidget()
        deadline = time.monotonic() + 30
        while getattr(screen, "checking", False):  # the editor's check of an edit comes from another process
            if time.monotonic() > deadline:
                raise SystemExit("screenshots: the editor's check never came")
            self.app.processEvents()
            time.sleep(0.005)
        self.settle()
        if self.keep is not None and name not in self.keep:
            return
        self.save(name, self.window.grab())

    def save(self, name: str, picture) -> None:
        path = self.out / f"{name}-{self.tag}.png"
        if not picture.save(str(path)):
            raise SystemExit(f"screenshots: could not write {path}")
        self.written.append(path)

    def dialog_shot(self, name: str, dialog) -> None:
        """A dialog as it stands over the window: the window's picture with the dialog's drawn at its middle
        (offscreen, the two are separate surfaces)."""
        from PySide6.QtGui import QColor, QPainter

        dialog.show()
        self.settle()
        if self.keep is None or name in self.keep:
            picture = self.window.grab()
            over = dialog.grab()
            painter = QPainter(picture)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 90))  # the window behind a modal dialog
            painter.drawPixmap((picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2, over)
            painter.end()
            self.save(name, picture)
        dialog.close()
        dialog.deleteLater()
        self.window.activateWindow()  # the window is active again, as after a dialog closes on a desktop
        self.settle()

    def start(self, key: str) -> None:
        entry = next(e for e in self.window.home.entries if Path(str(e.key)).name.removesuffix(".toml") == key)
        self.window.start_session(entry, "low")
        self.window.session_screen.set_sound_notice("")  # the pictures show a machine whose sound works

    def step(self):
        assert self.window.run.driver is not None
        return self.window.run.driver.runner.step

    def run(self) -> list[Path]:
        w = self.window
        self.shot("home")
        w.toggle_help()
        self.shot("help")
        w.toggle_help()
        self.dialog_shot("about", about_dialog(w))

        self.start("hip-hinge-mobility")
        self.advance(7.25)  # the 3-2-1 before "go"
        self.shot("get-ready")
        self.until(lambda: self.step().kind is StepKind.WORK and self.step().paced)
        self.advance(6.5)  # into the second phase of the first rep
        self.shot("work-paced-reps")
        w.session_screen.toggle_how()  # How? (H): how to do it, under the figure
        self.shot("how")
        w.session_screen.toggle_how()
        self.until(lambda: self.step().kind is StepKind.REST)
        self.advance(3)
        self.shot("rest")
        self.until(lambda: self.step().kind is StepKind.WORK and self.step().side == "left")
        self.advance(12)
        self.shot("hold-left-leg")
        self.until(lambda: self.step().kind is StepKind.SWITCH_SIDES)
        self.advance(2)
        self.shot("switch-sides")
        self.until(lambda: self.step().kind is StepKind.WORK and self.step().side == "right")
        self.advance(20)
        w.run.driver.toggle_pause()  # type: ignore[union-attr]
        self.shot("paused")
        w.run.driver.toggle_pause()  # type: ignore[union-attr]
        w.on_end_requested()  # Esc: "End the session?", asked in the window
        self.shot("end-question")
        w.session_screen.end_question.key(Qt.Key.Key_Return)  # any key but E: keep going
        self.until(lambda: self.step().kind is StepKind.WORK and bool(self.step().phases))
        self.advance(6)
        self.shot("hold-relax-cycle")
        self.until(lambda: self.step().kind is StepKind.CAUTION)
        self.shot("caution")
        w.end_driver()

        self.start("my-deadlift-warm-up")
        self.until(lambda: self.step().kind is StepKind.WORK)
        for _ in range(7):
            w.run.driver.count_rep()  # type: ignore[union-attr]
        self.shot("counted-set")
        w.end_driver()

        self.start("quick-warm-up")
        driver = w.run.driver
        assert driver is not None
        self.until(lambda: w.stack.currentWidget() is w.done)
        self.shot("done")
        w.go_home()

        # Resume after a crash: a run cut off in the Jefferson curl, set 2, by a process that is gone.
        self.start("hip-hinge-mobility")
        self.until(lambda: self.step().kind is StepKind.CAUTION)
        w.run.driver.acknowledge()  # type: ignore[union-attr]
        self.until(lambda: self.step().kind is StepKind.WORK and self.step().set_no == 2
                   and self.step().drill == 4)  # the Jefferson curl, in any language
        self.advance(3)
        assert w.history_service.history is not None and w.history_service.history.conn is not None
        w.run.driver.runner.on_step = None  # type: ignore[union-attr]
        w.history_service.recorder = None  # the process "dies": nothing is closed
        w.end_driver()
        w.history_service.history.conn.execute("UPDATE runs SET owner = 'gone:1' WHERE status = 'running'")
        w.go_home()
        w.history_view.offer_resume()
        self.shot("resume")
        w.history_view.discard_offer()

        # A file of the user's own with a mistake in it: its problems, a line each, and Reload.
        broken = self.data / "sessions" / "evening-stretch.toml"
        broken.write_text('format = 1\ntitle = Evening stretch\n[[drill]]\nname = "Couch stretch"\nhold = 2 min\n',
                          encoding="utf-8")
        w.listing.reload()
        while not w.listing.ready:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        w.home.list.setCurrentRow(next(i for i, e in enumerate(w.home.entries) if e.key == str(broken)))
        self.shot("home-broken-file")
        broken.unlink()

        seed_history(w.history_service.history.conn)
        w.show_history()
        self.shot("history")
        w.go_home()
        self.editor_shots()
        return self.written

    def editor_shots(self) -> list[Path]:
        """The session editor (ui/editor.py): a new session, a drill of each kind, a tempo's phases, problems
        at their fields, the live plan with its steps."""
        from hinge_timer.session.draft import Draft
        from hinge_timer.ui import editor as editor_module

        w = self.window
        w.session_actions.open_editor(Draft.new())
        self.shot("editor-new")
        own = self.data / "sessions" / "editor-kinds.toml"
        own.write_text(EDITOR_SESSION, encoding="utf-8")
        w.session_actions.open_editor(Draft.open(own))
        ed = w.stack.currentWidget()
        for i, kind in enumerate(("hold", "cycle", "reps", "tempo")):
            ed.drill_list.setCurrentRow(i)
            if kind in ("cycle", "tempo"):
                self.settle()
                ed.scroll_area.ensureWidgetVisible(ed.form.phases, 0, 0)
            self.shot(f"editor-{kind}")
        ed.drill_list.setCurrentRow(0)
        ed.scroll_area.verticalScrollBar().setValue(0)
        ed.title.setText("")
        ed.edit_value(("title",), "")
        ed.form.amount.setText("3")
        ed.form.amount.textEdited.emit("3")
        ed.save()  # refused: the problems listed at the top
        self.shot("editor-problems")
        ed.undo()
        ed.undo()
        ed.steps_button.setChecked(True)
        self.settle()
        self.settle()
        bar = ed.scroll_area.verticalScrollBar()
        bar.setValue(ed.steps.mapTo(ed.scroll_area.widget(), ed.steps.rect().topLeft()).y() - 120)
        self.shot("editor-plan")
        ask, editor_module.ask_save_changes = editor_module.ask_save_changes, lambda *_a: "discard"
        try:
            ed.request_leave()
        finally:
            editor_module.ask_save_changes = ask
        own.unlink()
        return self.written


def kiosk_shot(app: QApplication, out: Path, size: tuple[int, int], tag: str, data: Path) -> Path:
    """The kiosk's tiles, as a stranger at the gym PC sees them."""
    from hinge_timer.kiosk.config import KioskConfig
    from hinge_timer.kiosk.inhibit import NullInhibitor

    w = MainWindow(Settings(), None, audio="none", history_dir=data, kiosk=KioskConfig(enabled=True),
                   inhibitor=NullInhibitor("screenshots"))
    w.resize(*size)
    w.show()
    for _ in range(3):
        app.processEvents()
    path = out / f"kiosk-{tag}.png"
    if not w.grab().save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    assert w.kiosk is not None
    w.kiosk.allow_exit = True
    w.close()
    return path


def figure_shots(out: Path) -> list[Path]:
    """Every built-in drill's figure at the start and the middle of each of its phases, into out/figures/,
    and one contact sheet of them all, out/figures-contact-sheet.png (how each drill moves, at a glance).

    A paced or hold-relax drill shows its own phases (tempo or cycle); a set counted at the user's own pace,
    its movement's rep; a hold, its movement's loop, or its still pose.  A drill done on each side is drawn for its first side, mirrored for the left leg."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QImage, QPainter

    from hinge_timer.figure import motion
    from hinge_timer.figure.movement import movement
    from hinge_timer.session.catalogue import builtin_entries
    from hinge_timer.session.library import slug
    from hinge_timer.ui import theme
    from hinge_timer.ui.figure import FigurePainter

    folder = out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    w, h, cap = 480, 330, 46
    shots: list[tuple[str, str, QImage]] = []
    done: set[str] = set()
    for entry in builtin_entries():
        assert entry.session is not None
        for d in entry.session.drills:
            if d.movement is None or d.name in done:
                continue
            done.add(d.name)
            m = movement(d.movement)
            side = d.sides[0] if d.sides else None
            painter = FigurePainter(m, side)
            pattern = d.tempo or d.cycle
            # Each phase shown: its label, and its pose at a share of the way through it.
            phases: list[tuple[str, Callable[[float], object]]] = []
            if pattern:
                phases = [(f"{i + 1} {ph.phase}", lambda u, i=i: motion.paced(m, i, len(pattern), u).pose)
                          for i, ph in enumerate(pattern)]
            elif d.reps is not None or m.loop:  # counted at the user's own pace: the rep; a hold: its loop
                own, word = (m.phases, "your own pace") if d.reps is not None else (m.loop, "hold")
                phases = [(f"{word}: {ph.start} to {ph.end}", lambda u, i=i, own=own: motion.in_phase(m, own, i, u))
                          for i, ph in enumerate(own)]
            frames = [(f"{name}, {at}", pose_at(u)) for name, pose_at in phases
                      for at, u in (("start", 0.0), ("middle", 0.5))]
            if not phases:  # a hold with no loop: its still pose
                frames.append(("hold, still", motion.still(m).pose))
            for k, (label, pose) in enumerate(frames, 1):
                image = QImage(w, h, QImage.Format.Format_RGB32)
                image.fill(theme.FIGURE_PANEL)
                p = QPainter(image)
                painter.paint(p, QRectF(8, cap, w - 16, h - cap - 8), pose)  # type: ignore[arg-type]
                font = QFont(p.font())
                font.setPixelSize(17)
                font.setBold(True)
                p.setFont(font)
                p.setPen(theme.TEXT)
                leg = f" · {side} leg" if side else ""
                p.drawText(QRectF(10, 4, w - 20, 20), d.name + leg)
                font.setBold(False)
                p.setFont(font)
                p.setPen(theme.MUTED_TEXT)
                p.drawText(QRectF(10, 24, w - 20, 20), label)
                p.end()
                path = folder / f"{slug(d.name)}-{k:02d}.png"
                if not image.save(str(path)):
                    raise SystemExit(f"screenshots: could not write {path}")
                shots.append((d.name, label, image))
    columns = 6
    rows = (len(shots) + columns - 1) // columns
    sheet = QImage(columns * w // 2, rows * h // 2, QImage.Format.Format_RGB32)
    sheet.fill(theme.BACKGROUND)
    p = QPainter(sheet)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    for i, (_name, _label, image) in enumerate(shots):
        p.drawImage(QRectF((i % columns) * w / 2, (i // columns) * h / 2, w / 2 - 2, h / 2 - 2), image)
    p.end()
    sheet_path = out / "figures-contact-sheet.png"
    if not sheet.save(str(sheet_path)):
        raise SystemExit(f"screenshots: could not write {sheet_path}")
    return sorted(folder.glob("*.png")) + [sheet_path]


def seed_history(conn) -> None:
    """Eight weeks of runs before today, as the recorder writes them (a few skipped, one stop)."""
    import random
    from datetime import datetime, timedelta, timezone

    from hinge_timer.session.load import builtin_session, load_session
    from hinge_timer.session.timeline import compile_timeline

    rng = random.Random(4)
    if conn.execute("SELECT count(*) FROM runs").fetchone()[0] > 10:
        return  # the second size: already there
    for back in range(56, 0, -1):
        if rng.random() < 0.4:
            continue
        dose = "low" if back > 20 else "high"
        tl = compile_timeline(load_session(builtin_session("hip-hinge-mobility")), dose)
        when = (datetime.now().astimezone() - timedelta(days=back)).replace(hour=7 + rng.randint(0, 11), minute=0)
        when = when.astimezone(timezone.utc)
        stop_drill = 4 if back == 9 else None
        rid = conn.execute(
            "INSERT INTO runs (session_key, title, file, content_hash, dose, started_at, ended_at, status, seconds)"
            " VALUES (?,?,?,?,?,?,?,?,?)", ("hip-hinge-mobility", tl.original.title, "hip-hinge-mobility.toml", "-",
                                            dose, when.isoformat(), when.isoformat(), "completed", tl.total)).lastrowid
        for st in tl.steps:
            if st.kind is not StepKind.WORK:
                continue
            status = "stopped" if st.drill == stop_drill else "skipped" if rng.random() < 0.03 else "done"
            conn.execute(
                "INSERT INTO sets (run_id, step, drill, drill_name, set_no, sets, side, planned_reps, planned_seconds,"
                " status, reason, reps_done, seconds_done, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (rid, st.index, st.drill, tl.original.drills[st.drill].name, st.set_no, st.sets, st.side, st.reps, st.duration, status,
                 "it hurts" if status == "stopped" else "next" if status == "skipped" else None,
                 st.reps if status == "done" else (1 if st.reps else None),
                 (st.duration or 20.0) if status == "done" else 12.0, when.isoformat()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots"))
    parser.add_argument("--lang", action="append", choices=(*i18n.LANGUAGES, "all"),
                        help="the language of the pictures (again for more; 'all': every one); English into OUT, "
                             "another into OUT/<code>/ (default: English)")
    parser.add_argument("--only", choices=("all", "editor", "figures"), default="all",
                        help="'editor': only the session editor's pictures; 'figures': only the drills' figures")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify(app)  # the app's name and icon, as the window has them (the About box shows the icon)
    written: list[Path] = []
    if args.only in ("all", "figures"):
        written += figure_shots(out)
    if args.only == "figures":
        for path in written:
            print(path)
        return 0
    codes = list(i18n.LANGUAGES) if "all" in (args.lang or []) else (args.lang or [i18n.SOURCE])
    for code in codes:
        i18n.set_language(code)
        qt_words = language.install(app, code)  # noqa: F841 (kept while the pictures are taken)
        where = out if code == i18n.SOURCE else out / code
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as data:
            for tag, size in SIZES.items():
                shooter = Shooter(app, where, size, tag, Path(data))  # type: ignore[arg-type]
                if code != i18n.SOURCE:
                    shooter.keep = TRANSLATED_SHOTS
                if args.only == "editor":
                    written += shooter.editor_shots()
                    continue
                written += shooter.run()
                written.append(kiosk_shot(app, where, size, tag, Path(data) / "kiosk"))
        if qt_words is not None:
            app.removeTranslator(qt_words)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
