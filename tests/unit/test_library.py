"""The user's session files (session/library.py): new names, duplicate, import, export, delete and undo."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from hinge_timer.session import library
from hinge_timer.session.errors import SessionError
from hinge_timer.session.load import builtin_session, load_session, parse_session

# A session a user wrote by hand: comments, odd numbers, sides, a range, a tempo with its own lines.
PHYSIO = """\
# From my physio, March: do this before the gym.
format = 1
title = "Physio: knees & hips"   # keep this title, she asked
summary = "Three drills, slow."

[defaults]
get_ready = 7
rest_between_sets = 25

# the one that hurts a bit
[[drill]]
name = "Wall split stretch"
hold = [45, 90]
sides = ["right", "left"]
sets = 3

[[drill]]
name = "Slow hinge"
reps = 7
tempo = [
    { phase = "Down", seconds = 3, say = "Hips back, slowly" },
    { phase = "Up", seconds = 2 },
]
"""


def test_new_path_makes_a_file_name_from_the_title_and_never_one_that_exists(tmp_path):
    assert library.new_path(tmp_path, "Physio: knees & hips!") == tmp_path / "physio-knees-hips.toml"
    assert library.new_path(tmp_path, "Café über") == tmp_path / "cafe-uber.toml"
    assert library.new_path(tmp_path, "!!!") == tmp_path / "session.toml"
    assert len(library.new_path(tmp_path, "x" * 300).name) == 60 + len(".toml")
    (tmp_path / "legs.toml").write_text("mine", encoding="utf-8")
    (tmp_path / "legs-2.toml").mkdir()  # a folder by that name counts too
    os.mkfifo(tmp_path / "legs-3.toml")
    assert library.new_path(tmp_path, "Legs") == tmp_path / "legs-4.toml"
    assert (tmp_path / "legs.toml").read_text(encoding="utf-8") == "mine"


def test_a_title_that_is_a_windows_device_name_gets_a_file_name_windows_can_make(tmp_path):
    assert library.new_path(tmp_path, "CON") == tmp_path / "con-session.toml"
    assert library.new_path(tmp_path, "Com1") == tmp_path / "com1-session.toml"
    assert library.new_path(tmp_path, "Console") == tmp_path / "console.toml"


def test_a_new_file_is_readable_by_others_as_a_session_file_is_unless_the_umask_says_not(tmp_path):
    path = library.write_new(tmp_path, "legs", b"title = 'x'\n")
    assert os.stat(path).st_mode & 0o777 == 0o644 & ~_umask() and path.read_bytes() == b"title = 'x'\n"
    old = os.umask(0o077)  # a user who keeps their files to themselves
    try:
        private = library.write_new(tmp_path, "legs", b"x = 1\n")
    finally:
        os.umask(old)
    assert os.stat(private).st_mode & 0o777 == 0o600


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_write_new_never_overwrites_and_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    first = library.write_new(tmp_path / "new", "legs", b"one")
    second = library.write_new(tmp_path / "new", "legs", b"two")
    assert (first.name, first.read_bytes(), second.name, second.read_bytes()) == (
        "legs.toml", b"one", "legs-2.toml", b"two")

    def full(_path, _data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(library, "write_atomic", full)
    with pytest.raises(OSError):
        library.write_new(tmp_path / "new", "legs", b"three")
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["legs-2.toml", "legs.toml"]


def test_duplicate_keeps_the_users_comments_and_changes_only_the_title(tmp_path):
    copy = library.duplicate(PHYSIO, tmp_path / "sessions", "physio.toml")
    assert copy == tmp_path / "sessions" / "physio-knees-hips-my-copy.toml"
    text = copy.read_text(encoding="utf-8")
    assert load_session(copy).title == "Physio: knees & hips (my copy)"
    changed = [(a, b) for a, b in zip(PHYSIO.splitlines(), text.splitlines()) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("title = ") and "# keep this title" in PHYSIO
    assert len(text.splitlines()) == len(PHYSIO.splitlines())
    assert "# the one that hurts a bit" in text and "# From my physio, March" in text
    again = library.duplicate(PHYSIO, tmp_path / "sessions", "physio.toml")
    assert again.name == "physio-knees-hips-my-copy-2.toml"  # a second copy: a new file, the first kept
    assert copy.read_text(encoding="utf-8") == text


def test_duplicate_of_a_built_in_and_of_a_long_title(tmp_path):
    text = builtin_session("hip-hinge-mobility").read_text(encoding="utf-8")
    copy = library.duplicate(text, tmp_path, "hip-hinge-mobility")
    original, copied = parse_session(text), load_session(copy)
    assert copied.title == original.title + " (my copy)"
    assert copied.drills == original.drills
    long_title = "A" * 80
    assert len(library.copy_title(long_title)) == 80
    assert library.copy_title(long_title).endswith(" (my copy)")


def test_duplicate_of_a_broken_session_writes_nothing(tmp_path):
    with pytest.raises(SessionError) as caught:
        library.duplicate('format = 1\ntitle = "B"\n[[drill]]\nname = "A"\n', tmp_path, "broken.toml")
    assert "broken.toml" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_import_validates_first_and_copies_the_bytes(tmp_path):
    downloads, folder = tmp_path / "downloads", tmp_path / "sessions"
    downloads.mkdir()
    good = downloads / "From Coach.toml"
    good.write_bytes(PHYSIO.encode("utf-8"))
    copy = library.import_file(good, folder)
    assert copy == folder / "from-coach.toml" and copy.read_bytes() == good.read_bytes()
    assert library.import_file(good, folder) == folder / "from-coach-2.toml"  # never over the first
    assert library.import_file(copy, folder) == copy  # already in the folder: not copied again
    assert sorted(p.name for p in folder.iterdir()) == ["from-coach-2.toml", "from-coach.toml"]


def test_import_of_a_broken_file_names_the_file_and_the_field_and_copies_nothing(tmp_path):
    folder = tmp_path / "sessions"
    broken = tmp_path / "broken.toml"
    broken.write_text(PHYSIO.replace("reps = 7", 'reps = "seven"'), encoding="utf-8")
    with pytest.raises(SessionError) as caught:
        library.import_file(broken, folder)
    problem = caught.value.problems[0]
    assert (problem.file, problem.field) == (str(broken), "drill[2].reps")
    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(SessionError, match="pipe.toml.*not a session file"):
        library.import_file(tmp_path / "pipe.toml", folder)  # refused at once, never waited on
    with pytest.raises(SessionError, match="no such file"):
        library.import_file(tmp_path / "gone.toml", folder)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_export_writes_the_same_bytes(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_bytes(PHYSIO.encode("utf-8"))
    dest = tmp_path / "usb" / "for-anna.toml"
    dest.parent.mkdir()
    library.export(mine, dest)
    assert dest.read_bytes() == mine.read_bytes()
    built_in = builtin_session("quick-warm-up")
    library.export(built_in, dest)  # a built-in too; the file there is replaced
    assert dest.read_bytes() == built_in.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == ["for-anna.toml"]  # no temporary file left


def test_delete_moves_to_the_trash_and_restore_brings_it_back(tmp_path):
    folder, trash = tmp_path / "sessions", tmp_path / "trash"
    folder.mkdir()
    mine = folder / "mine.toml"
    mine.write_bytes(PHYSIO.encode("utf-8"))
    when = datetime(2026, 3, 4, 5, 6, 7)
    deleted = library.delete(mine, trash, when)
    assert not mine.exists() and deleted.trashed == trash / "20260304-050607-mine.toml"
    assert deleted.trashed.read_bytes() == PHYSIO.encode("utf-8")
    assert deleted.restore() == mine and mine.read_bytes() == PHYSIO.encode("utf-8")
    assert list(trash.iterdir()) == []
    # The same name deleted twice in one second: both kept.
    first = library.delete(mine, trash, when)
    mine.write_text("a new one", encoding="utf-8")
    second = library.delete(mine, trash, when)
    assert first.trashed != second.trashed and second.trashed.read_text(encoding="utf-8") == "a new one"


def test_restore_refuses_to_overwrite_a_file_that_has_the_name_now(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    mine = folder / "mine.toml"
    mine.write_text(PHYSIO, encoding="utf-8")
    deleted = library.delete(mine, tmp_path / "trash")
    mine.write_text("made since", encoding="utf-8")
    with pytest.raises(FileExistsError):
        deleted.restore()
    assert mine.read_text(encoding="utf-8") == "made since"
    assert deleted.trashed.read_text(encoding="utf-8") == PHYSIO  # still in the trash, whole
    deleted.trashed.unlink()
    mine.unlink()
    with pytest.raises(FileNotFoundError):
        deleted.restore()
