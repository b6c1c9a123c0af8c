"""The command line's language: --lang, the saved setting, the system's locale; and the restart after
View → Language.  Run as real processes, as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hinge_timer import cli, i18n
from hinge_timer.settings import saved_language

USERS_SESSION = """\
format = 1
title = "Rosa's Saturday hinge"
[[drill]]
name = "Wall-tap hinge"
reps = 7
sets = 2
cues = ["Tap the wall with your seat"]
"""


def hinge_timer(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "hinge_timer", *args], capture_output=True, text=True,
                          env=environ, cwd=cwd, timeout=60)


def test_lang_beats_the_saved_setting_which_beats_the_system(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"language": "fr"}))
    german_system = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "de_DE.UTF-8"}
    assert cli.choose_language(["--data-dir", str(tmp_path), "--lang", "es"], german_system) == "es"
    assert cli.choose_language(["--lang=pt", "--data-dir", str(tmp_path)], german_system) == "pt"
    assert cli.choose_language(["--data-dir", str(tmp_path)], german_system) == "fr"
    (tmp_path / "settings.json").write_text(json.dumps({"language": ""}))  # "follow the system"
    assert cli.choose_language(["--data-dir", str(tmp_path)], german_system) == "de"
    assert cli.choose_language(["--data-dir", str(tmp_path / "none")], {"LANG": "C"}) == "en"


def test_peeking_at_a_broken_settings_file_leaves_it_where_it_is(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text('{"language": "de",')  # cut off mid-write
    assert saved_language(tmp_path) is None
    assert settings.read_text() == '{"language": "de",'
    assert not list(tmp_path.glob("*.broken*"))
    settings.write_text(json.dumps({"language": "klingon"}))
    assert saved_language(tmp_path) is None


def test_an_unknown_lang_is_a_clear_error_naming_the_choices(tmp_path):
    proc = hinge_timer("--lang", "xx", "validate", "sessions/quick-warm-up.toml", "--data-dir", str(tmp_path),
                       cwd=Path(__file__).parents[2])
    assert proc.returncode == 2
    assert "--lang" in proc.stderr and "en, de, fr, es, pt" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("code, planned", [("de", "Satz"), ("fr", "série"), ("es", "serie"), ("pt", "série")])
def test_validate_and_plan_speak_the_language_asked_for(tmp_path, code, planned):
    good = tmp_path / "rosa.toml"
    good.write_text(USERS_SESSION)
    bad = tmp_path / "broken.toml"
    bad.write_text(USERS_SESSION.replace("reps = 7", "reps = -7"))
    english = hinge_timer("validate", str(bad), "--data-dir", str(tmp_path))
    other = hinge_timer("--lang", code, "validate", str(bad), "--data-dir", str(tmp_path))
    assert english.returncode == other.returncode == 1
    where = f"{bad}:5: drill[1].reps: "
    assert english.stderr.startswith(where) and "must be between 1 and 100, got -7" in english.stderr
    # The same place and figures, in the other language's words
    assert other.stderr.startswith(where) and "Traceback" not in other.stderr
    message = other.stderr[len(where):]
    assert "must be" not in message and all(figure in message for figure in ("1", "100", "-7"))
    # The same language from the system's locale, with no --lang
    by_locale = hinge_timer("validate", str(bad), "--data-dir", str(tmp_path),
                            env={"LANGUAGE": "", "LC_ALL": f"{code}_XX.UTF-8"})
    assert by_locale.stderr == other.stderr
    plan = hinge_timer("--lang", code, "plan", str(good), "--data-dir", str(tmp_path))
    assert plan.returncode == 0, plan.stderr
    assert planned in plan.stdout.lower() or planned in plan.stdout
    assert "Wall-tap hinge" in plan.stdout  # the user's own words stay theirs
    assert "set 1 of 2" not in plan.stdout and "Session complete" not in plan.stdout


def test_a_restart_in_another_language_opens_home_with_the_same_folders_and_sound():
    argv = ["--data-dir", "/d", "--lang", "de", "--audio=none", "-v", "run", "rosa.toml", "--fullscreen"]
    again = cli.restart_argv(argv)
    assert again[:3] == [sys.executable, "-m", "hinge_timer"]
    assert again[3:] == ["--data-dir=/d", "--audio=none", "--verbose"]
    assert "--lang" not in again and "run" not in again
    # As argparse reads them: abbreviations, and a value that looks like an option, kept as one token
    assert cli.restart_argv(["--data=-x", "--lan", "fr", "--verb"])[3:] == ["--data-dir=-x", "--verbose"]
    assert cli.choose_language(["--lan", "pt", "--data", "/nowhere"], {"LANG": "C"}) == "pt"
    assert cli.choose_language(["--data-dir", "~nosuchuser-hinge/x"], {"LANG": "de_DE.UTF-8"}) == "de"


def test_the_session_checker_child_speaks_the_windows_language(tmp_path):
    from hinge_timer.session.catalogue import load_entry
    from hinge_timer.session.checker import FileChecker

    bad = tmp_path / "broken.toml"
    bad.write_text(USERS_SESSION.replace("reps = 7", "reps = -7"))
    i18n.set_language("de")
    checker = FileChecker()
    try:
        entry = checker.check(bad)
    finally:
        checker.close()
    assert entry.error is not None
    german = " ".join(p.message for p in entry.error.problems)
    i18n.set_language("en")
    english = load_entry(str(bad), bad, False).error
    assert english is not None
    assert german != " ".join(p.message for p in english.problems)
    assert [(p.line, p.field) for p in entry.error.problems] == [(p.line, p.field) for p in english.problems]


def test_after_view_language_the_command_line_starts_itself_again_on_home(tmp_path, monkeypatch):
    """run_gui returns RESTART when View → Language closed the window: main replaces its process with
    one that opens Home in the language saved (the exec is caught here: it would replace pytest)."""
    from hinge_timer.ui import app as ui_app
    from hinge_timer.ui.language import RESTART

    monkeypatch.setattr(ui_app, "run_gui", lambda args, **kw: RESTART)
    import atexit

    execs: list = []
    # What exit would do runs first (the sound and speech children reaped): here, only noted
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: execs.append("exit handlers"))
    monkeypatch.setattr(os, "execv", lambda path, argv: execs.append((path, argv)))
    assert cli.main(["--data-dir", str(tmp_path), "--audio", "none", "--lang", "fr"]) == RESTART
    assert execs == ["exit handlers", (sys.executable, [sys.executable, "-m", "hinge_timer", f"--data-dir={tmp_path}",
                                                         "--audio=none"])]
    # Any other way the window closes is its exit code, and nothing is started again
    monkeypatch.setattr(ui_app, "run_gui", lambda args, **kw: 0)
    assert cli.main(["--data-dir", str(tmp_path), "--audio", "none"]) == 0
    assert len(execs) == 2
