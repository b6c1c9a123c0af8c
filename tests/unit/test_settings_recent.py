"""Recent files (issue 17): the session files opened with File → Open, kept in settings.json.

Real files in a temporary folder: what is remembered, in which order, how many, and what a hand-edited or
hostile settings.json does to the list (each bad entry left out and logged; the rest of the settings kept).
"""

from __future__ import annotations

import json

from hinge_timer.settings import RECENT_MAX, Settings, SettingsStore


def test_a_file_opened_is_remembered_first_and_once(tmp_path):
    s = Settings()
    a, b = tmp_path / "mobility – Kim's knees.toml", tmp_path / "week 2.toml"
    s.remember_file(a)
    s.remember_file(b)
    s.remember_file(a)  # opened again: moves to the front, not twice
    assert s.recent_files == [str(a), str(b)]


def test_a_relative_path_is_remembered_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings()
    s.remember_file("sessions/mine.toml")
    assert s.recent_files == [str(tmp_path / "sessions" / "mine.toml")]


def test_at_most_ten_the_oldest_forgotten(tmp_path):
    s = Settings()
    for n in range(RECENT_MAX + 4):
        s.remember_file(tmp_path / f"{n}.toml")
    assert RECENT_MAX == 10 and len(s.recent_files) == RECENT_MAX
    assert s.recent_files[0] == str(tmp_path / "13.toml") and s.recent_files[-1] == str(tmp_path / "4.toml")


def test_forget_drops_one(tmp_path):
    s = Settings()
    for name in ("a.toml", "b.toml"):
        s.remember_file(tmp_path / name)
    s.forget_file(tmp_path / "b.toml")
    assert s.recent_files == [str(tmp_path / "a.toml")]


def test_they_survive_a_save_and_a_load(tmp_path):
    store = SettingsStore(tmp_path)
    s = Settings(dose="high")
    s.remember_file(tmp_path / "évening.toml")
    assert store.save(s) is None
    again = SettingsStore(tmp_path).load()
    assert again.recent_files == [str(tmp_path / "évening.toml")] and again.dose == "high"


def test_bad_entries_in_a_hand_edited_file_are_left_out_and_logged(tmp_path, caplog):
    good = str(tmp_path / "good.toml")
    (tmp_path / "settings.json").write_text(json.dumps({
        "dose": "high",
        "recent_files": [good, "relative/path.toml", 42, None, "", good, "/nul\u0000byte.toml",
                         "/" + "x" * 5000, *[f"/s/{n}.toml" for n in range(20)]],
    }), encoding="utf-8")
    store = SettingsStore(tmp_path)
    s = store.load()
    assert store.problem is None and s.dose == "high"  # the file is fine: only those entries are not
    assert s.recent_files == [good, *[f"/s/{n}.toml" for n in range(RECENT_MAX - 1)]]
    assert "relative/path.toml" in caplog.text and "not an absolute path" in caplog.text
    assert "\\x00" in caplog.text  # the NUL is written escaped in the log


def test_not_a_list_is_ignored(tmp_path, caplog):
    (tmp_path / "settings.json").write_text('{"recent_files": "/home/kim/a.toml", "mute": true}', encoding="utf-8")
    s = SettingsStore(tmp_path).load()
    assert s.recent_files == [] and s.mute is True
    assert "expected a list" in caplog.text
