"""settings.json as an unlucky user or an attacker leaves it: real files, a real FIFO, a device link, a folder.

Each is moved aside (never deleted, never over an earlier one), the defaults are used and ``problem``
names the file and why; nothing raises, nothing blocks.  A read that blocks fails here (a thread with a
join timeout) instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from hinge_timer.settings import SETTINGS_DEPTH, SETTINGS_LIMIT, Settings, SettingsStore


def in_thread(fn, timeout: float = 10.0):
    """``fn()`` in a thread; fails (rather than hangs) when it does not return in time."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "it blocked"
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


MINE = {"dose": "high", "mute": True, "volume": 0.35, "last_session": "/home/kim/Mobility – Kim's knees.toml"}

HOSTILE_BYTES = {
    "utf-16 with a BOM (Notepad)": (json.dumps(MINE).encode("utf-16"), "UTF-16"),
    "utf-16 without a BOM": (json.dumps(MINE).encode("utf-16-le"), "UTF-16"),
    "one invalid byte": (b'{"dose": "hi\xe9gh", "mute": true}', "byte 0xe9 at position 12"),
    "nested 200,000 deep (the issue's file)": (b"[" * 200_000 + b"]" * 200_000, "more than the"),  # over the size
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, f"nested more than {SETTINGS_DEPTH} deep"),
    "nested objects": (b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested more than"),
    "not JSON": (b"{dose: high}", "not JSON"),
    "a list, not an object": (b'["dose", "high"]', "not a JSON object"),
    "too large": (b'{"dose": "high", "x": "' + b"y" * SETTINGS_LIMIT + b'"}', f"more than the {SETTINGS_LIMIT}"),
}


@pytest.mark.parametrize("name", list(HOSTILE_BYTES))
def test_a_hostile_settings_file_is_moved_aside_with_a_notice(tmp_path, name):
    data, why = HOSTILE_BYTES[name]
    path = tmp_path / "settings.json"
    path.write_bytes(data)
    store = SettingsStore(tmp_path)
    settings = in_thread(store.load)
    assert settings == Settings()
    assert not path.exists() and (tmp_path / "settings.json.broken").read_bytes() == data  # kept, byte for byte
    assert store.problem is not None
    assert str(path) in store.problem and why in store.problem and "settings.json.broken" in store.problem
    assert "\n" not in store.problem and len(store.problem) < 400


def test_a_fifo_is_moved_aside_without_blocking(tmp_path):
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    store = SettingsStore(tmp_path)
    assert in_thread(store.load) == Settings()
    assert "named pipe" in store.problem and str(path) in store.problem
    aside = tmp_path / "settings.json.broken"
    assert aside.is_fifo() and not path.exists()


def test_a_link_to_a_device_and_a_folder_are_moved_aside(tmp_path):
    path = tmp_path / "settings.json"
    path.symlink_to("/dev/zero")
    store = SettingsStore(tmp_path)
    assert in_thread(store.load) == Settings()
    assert "a device" in store.problem
    assert (tmp_path / "settings.json.broken").is_symlink()  # the link moved, /dev/zero untouched
    path.mkdir()
    (path / "mine.txt").write_text("a note")
    store = SettingsStore(tmp_path)
    assert in_thread(store.load) == Settings()
    assert "a folder" in store.problem
    assert (tmp_path / "settings.json.broken-2" / "mine.txt").read_text() == "a note"  # the earlier .broken kept


def test_each_broken_file_gets_its_own_name(tmp_path):
    path = tmp_path / "settings.json"
    for n, text in enumerate(["{one", "{two", "{three"]):
        path.write_text(text)
        store = SettingsStore(tmp_path)
        store.load()
        assert store.problem is not None
    assert (tmp_path / "settings.json.broken").read_text() == "{one"
    assert (tmp_path / "settings.json.broken-2").read_text() == "{two"
    assert (tmp_path / "settings.json.broken-3").read_text() == "{three"


def test_a_good_file_with_a_utf8_bom_and_brackets_in_strings_loads(tmp_path):
    mine = dict(MINE, last_session="/home/kim/[[[{{{ odd \\\" name.toml")
    (tmp_path / "settings.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(mine).encode())
    store = SettingsStore(tmp_path)
    s = store.load()
    assert store.problem is None
    assert (s.dose, s.mute, s.volume, s.last_session) == ("high", True, 0.35, mine["last_session"])


# Values that parse as JSON but cannot be the setting: each key is ignored (its default used, the reason
# logged), the rest of the file is kept, and nothing raises.
BAD_VALUES = {
    "volume, a 400-digit integer": ('"volume": 1' + "0" * 400, "volume", "too large"),
    "volume, NaN": ('"volume": NaN', "volume", "not a finite number"),
    "volume, Infinity": ('"volume": Infinity', "volume", "not a finite number"),
    "volume, -Infinity": ('"volume": -Infinity', "volume", "not a finite number"),
    "volume, 1e400 (a float overflow)": ('"volume": 1e400', "volume", "not a finite number"),
    "volume, true": ('"volume": true', "volume", "expected a number"),
    "volume, text": ('"volume": "loud"', "volume", "expected a number"),
    "volume, a list": ('"volume": [0.5]', "volume", "expected a number"),
    "mute, a number": ('"mute": 1', "mute", "expected true/false"),
    "mute, null": ('"mute": null', "mute", "expected true/false"),
    "flash, an object": ('"flash": {"on": true}', "flash", "expected true/false"),
    "fullscreen, a huge integer": ('"fullscreen": ' + "9" * 4000, "fullscreen", "expected true/false"),
    "audio, an unknown word": ('"audio": "jack"', "audio", "expected one of"),
    "geometry, a number": ('"geometry": 12', "geometry", "expected text"),
    "last_session, a list": ('"last_session": ["Kim\'s knees"]', "last_session", "expected text"),
}


@pytest.mark.parametrize("name", list(BAD_VALUES))
def test_a_bad_value_ignores_that_setting_only_and_says_why_in_the_log(tmp_path, caplog, name):
    member, key, why = BAD_VALUES[name]
    mine = {"dose": "high", "mute": True, "volume": 0.35, "flash": False, "last_session": "Kim's knees.toml"}
    mine.pop(key, None)
    text = json.dumps(mine)[:-1] + ", " + member + ', "from_a_newer_version": [1, 2]}'
    (tmp_path / "settings.json").write_text(text)
    store = SettingsStore(tmp_path)
    s = store.load()
    assert store.problem is None and (tmp_path / "settings.json").exists()  # a good file, one bad key
    assert getattr(s, key) == getattr(Settings(), key)  # the default
    kept = {k: v for k, v in mine.items()}
    assert {k: getattr(s, k) for k in kept} == kept  # every other setting as the user left it
    assert s.extra == {"from_a_newer_version": [1, 2]}
    assert 0.0 <= s.volume <= 1.0
    (record,) = [r for r in caplog.records if "ignoring" in r.getMessage()]
    message = record.getMessage()
    assert key in message and why in message and len(message) < 300
    assert store.save(s) is None and SettingsStore(tmp_path).load() == s  # and it saves back cleanly


def test_a_dose_word_from_nowhere_is_ignored():
    assert Settings.from_json({"dose": "\x1b]0;owned\x07", "volume": 2}).dose == "low"
    assert Settings.from_json({"volume": 2}).volume == 1.0 and Settings.from_json({"volume": -3}).volume == 0.0


def test_the_worst_shapes_are_refused_quickly(tmp_path):
    """A generous ceiling; the file is at most SETTINGS_LIMIT bytes."""
    shapes = [b"[" * SETTINGS_LIMIT, b'"\\' * (SETTINGS_LIMIT // 2), b"[" + b"[]," * (SETTINGS_LIMIT // 3 - 1) + b"[]]",
              b"{" + b'"k":{},' * (SETTINGS_LIMIT // 7 - 1) + b"[}"]
    for data in shapes:
        (tmp_path / "settings.json").write_bytes(data)
        store = SettingsStore(tmp_path)
        t = time.perf_counter()
        in_thread(store.load)
        assert time.perf_counter() - t < 2.0
        assert store.problem is not None


def test_saving_replaces_a_fifo_instead_of_writing_into_it(tmp_path):
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    store = SettingsStore(tmp_path)
    assert in_thread(lambda: store.save(Settings(dose="high"))) is None
    assert path.is_file() and json.loads(path.read_text())["dose"] == "high"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # no temporary left


def test_saving_over_a_folder_says_so_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "settings.json"
    path.mkdir()
    store = SettingsStore(tmp_path)
    message = in_thread(lambda: store.save(Settings()))
    assert message is not None and str(path) in message and "could not be saved" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"] and path.is_dir()


def test_saving_ignores_a_fifo_planted_at_the_old_temporary_name(tmp_path):
    os.mkfifo(tmp_path / "settings.json.tmp")
    store = SettingsStore(tmp_path)
    assert in_thread(lambda: store.save(Settings(mute=True))) is None
    assert json.loads((tmp_path / "settings.json").read_text())["mute"] is True
    assert Path(tmp_path / "settings.json.tmp").is_fifo()  # not ours: left alone
