"""The session catalogue (built-ins, the user's folder, files by path) and the command line that names
sessions through it: `plan NAME`, `run NAME`, `validate NAME`."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from hinge_timer.cli import main
from hinge_timer.session import catalogue as catalogue_module
from hinge_timer.session.catalogue import Catalogue, SessionNotFound, discover
from hinge_timer.session.errors import SessionError

BUILTINS = ["hip-hinge-basics", "hip-hinge-mobility", "quick-warm-up"]


def session_text(title: str, drill: str = "Hinge") -> str:
    return f'format = 1\ntitle = "{title}"\n[defaults]\nget_ready = 0\n[[drill]]\nname = "{drill}"\nhold = 5\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's sessions folder: two good files, a broken one, and things named *.toml that are not files."""
    f = tmp_path / "sessions"
    f.mkdir()
    (f / "warm.toml").write_text(session_text("My  Warm-up"), encoding="utf-8")
    (f / "legs.toml").write_text(session_text("Legs day"), encoding="utf-8")
    (f / "broken.toml").write_text('format = 1\ntitle = "B"\n[[drill]]\nname = "A"\n', encoding="utf-8")
    (f / "notes.txt").write_text("not a session", encoding="utf-8")
    (f / "folder.toml").mkdir()
    os.mkfifo(f / "pipe.toml")  # never opened: a FIFO would block a reader
    return f


def test_the_built_ins_are_named_by_their_stem_and_checked_once():
    cat = Catalogue()
    assert cat.builtin_names() == BUILTINS
    entry = cat.builtin("quick-warm-up")
    assert entry is not None and entry is cat.builtin("quick-warm-up.toml")
    assert (entry.key, entry.builtin, entry.title, entry.error) == (
        "quick-warm-up", True, "Quick warm-up before lifting", None)
    assert cat.builtin("no-such-thing") is None
    assert [e.key for e in cat.builtin_entries()] == BUILTINS


def test_the_users_folder_lists_regular_toml_files_only_in_name_order(folder):
    cat = Catalogue(folder)
    assert [p.name for p in cat.user_files()] == ["broken.toml", "legs.toml", "warm.toml"]
    entries = cat.user_entries()
    assert [e.key for e in entries] == [str(folder / n) for n in ("broken.toml", "legs.toml", "warm.toml")]
    broken, legs, warm = entries
    assert broken.title is None and broken.error is not None and "needs hold" in str(broken.error)
    assert (legs.title, warm.title, warm.builtin) == ("Legs day", "My Warm-up", False)
    assert [e.key for e in discover(folder)] == BUILTINS + [e.key for e in entries]
    assert Catalogue(folder / "missing").user_files() == [] and Catalogue(None).user_files() == []


def test_at_most_max_listed_files_are_listed(folder, monkeypatch):
    monkeypatch.setattr(catalogue_module, "MAX_LISTED", 2)
    assert [p.name for p in Catalogue(folder).user_files()] == ["broken.toml", "legs.toml"]


def test_lookup_by_id_is_what_settings_and_the_history_remember(folder, tmp_path):
    cat = Catalogue(folder)
    assert cat.by_id("hip-hinge-mobility").builtin
    assert cat.by_id(str(folder / "legs.toml")).title == "Legs day"
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(session_text("Opened from a file"), encoding="utf-8")
    assert cat.by_id(str(elsewhere)).title == "Opened from a file"  # File → Open: its path is its key
    assert cat.by_id(str(tmp_path / "gone.toml")) is None
    assert cat.by_id("no-such-built-in") is None
    assert cat.by_id(str(folder / "pipe.toml")) is None  # a FIFO is never opened


def test_lookup_by_title_ignores_case_and_spacing(folder):
    cat = Catalogue(folder)
    assert [e.key for e in cat.by_title("my warm-up")] == [str(folder / "warm.toml")]
    assert [e.key for e in cat.by_title("HIP HINGE   mobility")] == ["hip-hinge-mobility"]
    assert cat.by_title("Nothing like it") == []


def test_find_takes_a_path_a_built_in_a_file_of_the_folder_or_a_title(folder, tmp_path, monkeypatch):
    cat = Catalogue(folder)
    assert cat.find("quick-warm-up").key == "quick-warm-up"
    assert cat.find("legs").key == cat.find("legs.toml").key == str(folder / "legs.toml")
    assert cat.find("My Warm-up").key == str(folder / "warm.toml")
    path = tmp_path / "mine.toml"
    path.write_text(session_text("Mine"), encoding="utf-8")
    assert (cat.find(str(path)).key, cat.find(str(path)).title) == (str(path), "Mine")
    monkeypatch.chdir(tmp_path)
    assert cat.find("mine.toml").key == "mine.toml"  # a file here, named as typed
    missing = cat.find("absent.toml")  # a file name that is nothing: the loader says so
    assert str(missing.error) == "absent.toml: no such file"


def test_a_built_in_name_is_found_without_checking_the_users_files(folder, monkeypatch):
    (folder / "hip-hinge-basics.toml").write_text(session_text("Mine, named like a built-in"), encoding="utf-8")
    checked: list[str] = []
    real = catalogue_module.load_entry
    monkeypatch.setattr(catalogue_module, "load_entry", lambda key, *a: checked.append(key) or real(key, *a))
    assert Catalogue(folder).find("hip-hinge-basics").builtin  # the built-in comes first
    assert checked == ["hip-hinge-basics"]
    assert Catalogue(folder).find("hip-hinge-basics.toml").builtin


def test_a_name_that_matches_nothing_says_what_there_is(folder):
    with pytest.raises(SessionNotFound) as info:
        Catalogue(folder).find("nope")
    assert isinstance(info.value, SessionError)
    assert str(info.value).splitlines() == [
        "nope: no such session",
        f"  built-in: {', '.join(BUILTINS)}",
        f'  in {folder}: broken (cannot be opened), legs ("Legs day"), warm ("My Warm-up")',
        "  or give the path of a session file",
    ]
    with pytest.raises(SessionNotFound) as info:
        Catalogue(folder / "empty").find("nope")
    assert f"  in {folder / 'empty'}: no session files" in str(info.value).splitlines()


def test_a_title_two_sessions_share_asks_for_the_file(folder):
    (folder / "legs-copy.toml").write_text(session_text("legs DAY"), encoding="utf-8")
    with pytest.raises(SessionNotFound) as info:
        Catalogue(folder).find("Legs day")
    assert str(info.value).splitlines() == [
        f"Legs day: 2 sessions have this title: {folder / 'legs-copy.toml'}, {folder / 'legs.toml'}",
        "  name one of them by its file instead",
    ]


def test_a_title_in_the_listing_cannot_drive_the_terminal(folder):
    (folder / "evil.toml").write_text(session_text("Evil\\u001b]0;pwned\\u0007"), encoding="utf-8")  # TOML escapes
    with pytest.raises(SessionNotFound) as info:
        Catalogue(folder).find("nope")
    text = str(info.value)
    assert "\x1b" not in text and "\x07" not in text and 'evil ("Evil\\e]0;pwned\\x07")' in text


# -- the command line ---------------------------------------------------------------------------------

def test_plan_names_a_session_of_the_users_folder_by_title_or_file(folder, tmp_path, capsys):
    assert main(["plan", "my warm-up", "--sessions-dir", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("My Warm-up: low dose\n")
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    (data / "sessions" / "stretch.toml").write_text(session_text("Stretch"), encoding="utf-8")
    assert main(["plan", "stretch", "--data-dir", str(data)]) == 0  # DATA_DIR/sessions by default
    assert capsys.readouterr().out.startswith("Stretch: low dose\n")
    assert main(["plan", "hip-hinge-basics"]) == 0  # a built-in, as before
    assert capsys.readouterr().out.startswith("Hip hinge basics")


def test_plan_of_a_name_that_matches_nothing_lists_what_exists(folder, capsys):
    assert main(["plan", "nope", "--sessions-dir", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "nope: no such session"
    assert err[1] == f"  built-in: {', '.join(BUILTINS)}"
    assert 'legs ("Legs day")' in err[2] and "broken (cannot be opened)" in err[2]


def test_plan_of_a_broken_file_of_the_folder_names_the_file(folder, capsys):
    assert main(["plan", "broken", "--sessions-dir", str(folder)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"{folder / 'broken.toml'}:3: drill[1]: needs hold (seconds per side) or reps (per set)")


def test_validate_takes_the_same_names(folder, capsys):
    assert main(["validate", "quick-warm-up", "legs", "--sessions-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "quick-warm-up: ok (Quick warm-up before lifting, 2 drills)" in out and "legs: ok (Legs day, 1 drill)" in out


def test_run_by_title_in_the_terminal_records_the_file_as_home_does(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "sessions").mkdir(parents=True)
    path = data / "sessions" / "short.toml"
    path.write_text(session_text("Short one", "Quick hold"), encoding="utf-8")
    assert main(["run", "Short one", "--terminal", "--speed", "500", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Short one (low dose) at 500x speed") and "Sets completed: 1 of 1" in out
    with sqlite3.connect(data / "history.sqlite3") as conn:
        rows = conn.execute("SELECT session_key, title, file FROM runs").fetchall()
    conn.close()
    assert rows == [(str(path), "Short one", str(path))]  # the key Home lists the file under
