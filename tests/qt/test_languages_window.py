"""The window in every language: nothing clipped, nothing left in English, View → Language remembered.

The pseudo-language (i18n.PSEUDO: every string 40 % longer and put in ⟦ ⟧) finds what is not translated
(a visible string with no ⟦ that is not the user's data) and what would be clipped in a long language,
at 800x600 and 600x800.  Each real language is then run through the same screens and every visible
string compared with the English catalogue: none may be left in English (names that a language keeps,
such as "Jefferson curl", are translated to themselves in its catalogue and so are allowed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QLabel

from hinge_timer import i18n
from hinge_timer.engine.state import State
from hinge_timer.session.timeline import StepKind
from hinge_timer.settings import SettingsStore
from tests.qt.conftest import App
from tests.qt.test_window import _clipped

LOCALE = Path(__file__).resolve().parents[2] / "hinge_timer" / "locale"

# A user's own session, in English only: its words are data and are shown as they are in every language.
OWN = """format = 1
title = "Ines's lunchtime hinge"
summary = "Nine minutes between meetings."
[defaults]
get_ready = 7
[[drill]]
name = "Couch-edge hip hinge"
reps = 9
sets = 3
cues = ["Hands on hips, push them back"]
[[drill]]
name = "Doorway hamstring hold"
hold = 75
sides = ["right", "left"]
cues = ["Heel on the frame, knee soft"]
"""

SIZES = [(800, 600), (600, 800)]


def visible_texts(widget) -> list[tuple[str, str]]:
    out = []
    for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        if not w.isVisible() or w.objectName() == "announcer":
            continue
        text = w.text()
        if text and text.strip():
            out.append((w.objectName(), text))
    return out


def data_words(window) -> set[str]:
    """Every string that comes from a session file (the built-ins' and the user's): shown as it is."""
    words: set[str] = set()
    for entry in window.home.entries:
        s = entry.session
        if s is None:
            continue
        for session in (s, s.localized(i18n.language())):
            words |= {session.title, session.summary or ""}
            for d in session.drills:
                words |= {d.name, d.how or "", d.caution or "", *d.cues, *d.equipment}
                for p in (*(d.tempo or ()), *(d.cycle or ())):
                    words |= {p.phase, p.say or ""}
    return {w for w in words if w} | {"Hinge Timer"}  # (and the app's name, in every language)


def is_data(text: str, data: set[str]) -> bool:
    if not re.search(r"[^\W\d_]", text):  # numbers, times, signs: no words
        return True
    rest = text
    for word in sorted(data, key=len, reverse=True):
        rest = rest.replace(word, "")
    return not re.search(r"[^\W\d_]{2,}", rest)  # nothing but data and figures is left


def walk(app: App, qtbot, size: tuple[int, int]):
    """Home, History, a caution, paced reps, a hold and the done screen, each yielded once shown."""
    w = app.window
    w.resize(*size)
    qtbot.waitUntil(lambda: w.size() == QSize(*size))
    qtbot.wait(50)
    yield "home", w.home
    assert w.commands.run("new_session")  # the session editor, on a new session
    qtbot.waitUntil(lambda: w.stack.currentWidget().objectName() == "editor_screen")
    qtbot.wait(50)
    yield "editor", w.stack.currentWidget()
    w.stack.currentWidget().request_leave()  # its Back (nothing changed: no question)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.home)
    assert w.commands.run("history")
    qtbot.waitUntil(lambda: w.stack.currentWidget().objectName() == "history_screen")
    qtbot.wait(50)
    yield "history", w.stack.currentWidget()
    assert w.commands.run("history_back")
    entry = next(e for e in w.home.entries if e.key == "hip-hinge-mobility")
    w.start_session(entry, "low")
    app.until(lambda: app.driver.runner.step.kind is StepKind.WORK and app.driver.runner.step.drill == 1)  # the band
    app.advance(3)
    qtbot.wait(50)
    yield "hold", app.screen
    app.until(lambda: app.driver.runner.step.kind is StepKind.CAUTION)
    qtbot.wait(50)
    yield "caution", app.screen
    app.driver.acknowledge()
    app.until(lambda: app.driver.runner.step.kind is StepKind.WORK)
    app.advance(6)
    qtbot.wait(50)
    yield "paced reps", app.screen
    app.driver.end_session("ended early")
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.done)
    qtbot.wait(50)
    yield "done", w.done
    w.go_home()
    own = next(e for e in w.home.entries if e.session is not None and e.session.title == "Ines's lunchtime hinge")
    w.start_session(own, "low")
    app.until(lambda: app.driver.runner.step.kind is StepKind.WORK)
    app.advance(2)
    qtbot.wait(50)
    yield "your count", app.screen
    app.driver.end_session("ended early")
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.done)


@pytest.fixture
def in_language(qtbot, tmp_path, fake_dialogs, request):
    """A window built in ``request.param``'s language, with the user's own session on Home."""
    from PySide6.QtWidgets import QApplication

    from hinge_timer.ui import language

    code = request.param
    i18n.set_language(code)
    language.install(QApplication.instance(), code)
    (tmp_path / "data" / "sessions").mkdir(parents=True)
    (tmp_path / "data" / "sessions" / "ines.toml").write_text(OWN)
    a = App(qtbot, tmp_path)
    yield code, a
    a.window.end_driver()
    if a.window.history_service.history is not None:
        a.window.history_service.history.close()
    language.install(QApplication.instance(), i18n.SOURCE)


@pytest.mark.parametrize("in_language", [i18n.PSEUDO], indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_pseudo_language_is_on_every_screen_and_nothing_is_clipped(in_language, qtbot, size):
    _code, app = in_language
    data = data_words(app.window)
    seen = set()
    for name, screen in walk(app, qtbot, size):
        seen.add(name)
        assert _clipped(screen) == [], name
        untranslated = [(obj, text) for obj, text in visible_texts(screen)  # (Qt's own words are Qt's: qt_*)
                        if i18n.PSEUDO_OPEN not in text and not is_data(text, data) and not obj.startswith("qt_")]
        assert untranslated == [], name
    assert seen == {"home", "editor", "history", "hold", "caution", "paced reps", "done", "your count"}
    assert i18n.PSEUDO_OPEN in app.window.windowTitle() or "Hinge Timer" in app.window.windowTitle()
    for action in app.window.menuBar().actions():
        assert i18n.PSEUDO_OPEN in action.text(), action.text()


def english_strings(code: str) -> set[str]:
    """The catalogue's English strings that ``code`` translates differently (placeholders cut out, so
    "Get ready: {drill}" is looked for as "Get ready:"), longer than a few letters."""
    with (LOCALE / code / "LC_MESSAGES" / "hinge_timer.po").open("rb") as fh:
        catalog = read_po(fh)
    out = set()
    # What the language itself writes somewhere (a key name it keeps, "Delete" on a Portuguese keyboard)
    own = " ".join(s for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for english in ids:
            if english in strings:
                continue  # a name the language keeps
            for piece in re.split(r"\{[^}]*\}", english.replace("&", "")):
                piece = piece.strip(" :.,()")
                if len(piece) >= 6 and re.search(r"[a-z]{3}", piece) and piece not in own:
                    out.add(piece)
    return out


@pytest.mark.parametrize("in_language", ["de", "fr", "es", "pt"], indirect=True)
def test_no_english_is_left_on_any_screen(in_language, qtbot):
    code, app = in_language
    english = english_strings(code)
    data = data_words(app.window)
    for size in SIZES:
        for name, screen in walk(app, qtbot, size):
            assert _clipped(screen) == [], (code, name, size)
            for obj, text in visible_texts(screen):
                if is_data(text, data):
                    continue
                left = [piece for piece in english if piece in text and not any(piece in d for d in data)]
                assert not left, (code, name, obj, text, left)
        app.window.go_home()
    for action in app.window.menuBar().actions():
        assert action.text().replace("&", "") not in english, action.text()


def test_view_language_is_remembered_and_opens_the_window_again_in_it(qtbot, tmp_path, fake_dialogs):
    a = App(qtbot, tmp_path)
    menu = {a.text().replace("&", ""): a for a in a.window.menuBar().actions()}["View"].menu()
    language_menu = {x.text().replace("&", ""): x for x in menu.actions()}["Language"].menu()
    names = [x.text().replace("&", "") for x in language_menu.actions() if not x.isSeparator()]
    assert {"Deutsch", "Français", "Español", "Português", "English"} <= set(names)
    german = next(x for x in language_menu.actions() if x.text().replace("&", "") == "Deutsch")
    assert german.isCheckable() and not german.isChecked()
    german.trigger()
    qtbot.waitUntil(lambda: not a.window.isVisible())
    assert a.window.restart_requested
    assert SettingsStore(a.data).load().language == "de"
    a.window.end_driver()
    if a.window.history_service.history is not None:
        a.window.history_service.history.close()
    # Then the next window (as the command line starts it, with the language it reads) speaks German
    from hinge_timer.cli import choose_language

    assert choose_language(["--data-dir", str(a.data)]) == "de"


def test_a_session_running_is_not_dropped_by_a_change_of_language(app, qtbot):
    app.start("Hip hinge mobility")
    app.advance(2)
    assert app.driver.runner.state is State.GET_READY
    assert not app.window.commands.enabled("language_de")  # only from Home and the History
