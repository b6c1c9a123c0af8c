"""A run is the same session in any language: begun in German, resumed in French after a crash, it
stays one run, and the History screen and its CSV show it in the language of the screen."""

from __future__ import annotations

import csv
import socket

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hinge_timer import i18n
from hinge_timer.engine.state import State
from hinge_timer.session.timeline import StepKind
from hinge_timer.ui import language
from tests.qt.conftest import App
from tests.qt.test_history import dead_pid, finish_session

# A user's own session, written in English with German and French words of its own.
OWN = """format = 1
title = "Ines's lunchtime hinge"
[defaults]
get_ready = 7
rest_between_sets = 20
[[drill]]
name = "Couch-edge hip hinge"
reps = 9
sets = 3
tempo = [{ phase = "Hips back", seconds = 2, say = "Back" }, { phase = "Stand", seconds = 1, say = "Up" }]
[[drill]]
name = "Doorway hamstring hold"
hold = 45
sides = ["right", "left"]

[translations.de]
title = "Ines' Mittagspausen-Hüftbeuge"
[[translations.de.drill]]
name = "Hüftbeuge an der Sofakante"
tempo = [{ phase = "Hüfte zurück", say = "Zurück" }, { phase = "Aufrichten", say = "Hoch" }]
[[translations.de.drill]]
name = "Beinbeuger im Türrahmen halten"

[translations.fr]
title = "La charnière de midi d'Ines"
[[translations.fr.drill]]
name = "Charnière au bord du canapé"
tempo = [{ phase = "Hanches en arrière", say = "Arrière" }, { phase = "Debout", say = "Haut" }]
[[translations.fr.drill]]
name = "Ischios tenus dans l'encadrement"
"""


def speak(code: str) -> None:
    i18n.set_language(code)
    language.install(QApplication.instance(), code)


def test_a_run_begun_in_german_and_resumed_in_french_is_one_run_shown_in_french(qtbot, tmp_path, fake_dialogs):
    (tmp_path / "data" / "sessions").mkdir(parents=True)
    (tmp_path / "data" / "sessions" / "ines.toml").write_text(OWN)
    speak("de")
    try:
        first = App(qtbot, tmp_path)
        entry = next(e for e in first.window.home.entries if e.session is not None
                     and e.session.title == "Ines's lunchtime hinge")
        first.window.start_session(entry, "low")
        runner = first.driver.runner
        assert runner.timeline.language == "de"
        assert runner.step.drill_name == "Hüftbeuge an der Sofakante"
        for _ in range(100_000):  # to the second set of the hinge
            if runner.step.kind is StepKind.WORK and runner.step.set_no == 2:
                break
            first.advance(1.0, dt=1.0)
        first.advance(3)
        assert first.window.history_service.recorder.flush(5)
        # The power goes.
        first.driver.stop_timers()
        runner.on_step = None
        first.window.history_service.history.conn.execute(
            "UPDATE runs SET owner = ?", (f"{socket.gethostname()}:{dead_pid()}",))
        first.window.history_service.history.close()
        first.window.history_service.history = first.window.history_service.recorder = None
        first.window.end_driver()

        speak("fr")
        second = App(qtbot, tmp_path)
        home = second.window.home
        assert home.resume_box.isVisible()
        offer = home.resume_label.text()
        assert "Charnière au bord du canapé" in offer and "2" in offer, offer
        assert "Hüftbeuge" not in offer and "Resume" not in offer
        second.key(Qt.Key.Key_R)
        r2 = second.driver.runner
        assert r2.timeline.language == "fr" and r2.step.set_no == 2
        assert r2.step.drill_name == "Charnière au bord du canapé"
        while not r2.finished:
            if r2.snapshot(second.clock()).state is State.CAUTION:
                second.driver.acknowledge()
            second.advance(1.0, dt=1.0)
        qtbot.waitUntil(lambda: second.window.history_service.recorder.saved, timeout=5000)
        conn = second.window.history_service.history.conn
        assert conn.execute("SELECT count(*), min(status) FROM runs").fetchone() == (1, "completed")
        # Stored as the file writes it, never in a language
        stored = {row[0] for row in conn.execute("SELECT DISTINCT drill_name FROM sets")}
        assert stored == {"Couch-edge hip hinge", "Doorway hamstring hold"}
        second.key(Qt.Key.Key_Return)  # done -> Home
        second.qtbot.keyClick(second.window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
        screen = second.window.history_view.screen
        assert screen.model.rowCount() == 1
        assert screen.model.data(screen.model.index(0, 1)) == "La charnière de midi d'Ines"
        details = screen.details.text()
        assert "Charnière au bord du canapé" in details and "Couch-edge" not in details
        assert "Hüftbeuge" not in details
        # The CSV: the same run, the same words
        out = tmp_path / "runs.csv"
        fake_dialogs.file = str(out)
        second.window.history_view.export()  # History's Export CSV…, to the file the dialog gives
        qtbot.waitUntil(out.exists, timeout=5000)
        with out.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["session"] for r in rows} == {"La charnière de midi d'Ines"}
        assert {r["drill"] for r in rows if r.get("drill")} <= {"Charnière au bord du canapé",
                                                                 "Ischios tenus dans l'encadrement"}
        second.window.end_driver()
        second.window.history_service.history.close()
    finally:
        speak("en")
