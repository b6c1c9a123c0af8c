"""`hinge-timer desktop-entry`: the files it writes under the user's data folder, and exactly those removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hinge_timer import desktop_entry
from hinge_timer.appinfo import APP_ID

CI = os.environ.get("CI") == "true"


def test_exec_quotes_a_path_as_the_desktop_entry_spec_says():
    assert desktop_entry.exec_quoted(Path("/home/sam/.local/bin/hinge-timer-gui")) == "/home/sam/.local/bin/hinge-timer-gui"
    assert desktop_entry.exec_quoted(Path("/home/Sam Lee/bin/hinge-timer-gui")) == '"/home/Sam Lee/bin/hinge-timer-gui"'
    # Inside quotes ", `, $ and \\ take a backslash, which the value's own escaping doubles; % is doubled.
    assert desktop_entry.exec_quoted(Path("/opt/$x 100%/a")) == '"/opt/\\\\$x 100%%/a"'


def test_a_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop_entry.data_home({"XDG_DATA_HOME": "rel/share"}) == tmp_path / ".local" / "share"
    assert desktop_entry.data_home({"XDG_DATA_HOME": str(tmp_path / "s")}) == tmp_path / "s"


def test_install_writes_the_entry_the_metainfo_and_every_icon_and_remove_takes_only_those(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    others = tmp_path / "applications" / "org.example.Other.desktop"
    others.parent.mkdir(parents=True)
    others.write_text("[Desktop Entry]\n", encoding="utf-8")
    outcome = desktop_entry.install(env)
    written = {p.relative_to(tmp_path).as_posix() for p in outcome.written}
    assert {f"applications/{APP_ID}.desktop", f"metainfo/{APP_ID}.metainfo.xml",
            f"icons/hicolor/scalable/apps/{APP_ID}.svg", f"icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg",
            *(f"icons/hicolor/{n}x{n}/apps/{APP_ID}.png" for n in (16, 22, 24, 32, 48, 64, 128, 256, 512))} == written
    text = (tmp_path / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    program = Path(sys.executable).parent / "hinge-timer-gui"
    assert f"Exec={program}\n" in text and f"TryExec={program}\n" in text
    assert desktop_entry.MARKER in text and text.count("Exec=") == 2  # (Exec and TryExec, once each)
    # The icons are the packaged ones, byte for byte.
    assert (tmp_path / "icons/hicolor/48x48/apps" / f"{APP_ID}.png").read_bytes() == \
        (desktop_entry.assets_dir() / "icons/hicolor/48x48/apps" / f"{APP_ID}.png").read_bytes()
    # An older version's size that this one does not ship is removed too.
    old = tmp_path / "icons/hicolor/1024x1024/apps" / f"{APP_ID}.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"png")
    gone = desktop_entry.remove(env)
    assert set(gone.removed) == set(outcome.written) | {old}
    assert others.is_file()
    assert not list(tmp_path.rglob(f"{APP_ID}*"))
    assert desktop_entry.remove(env).removed == []


def test_the_written_entry_is_valid(tmp_path):
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        (pytest.fail if CI else pytest.skip)("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    spaced = tmp_path / "Sam Lee's apps" / "bin"
    spaced.mkdir(parents=True)
    text = desktop_entry.desktop_text(spaced / "hinge-timer-gui")
    path = tmp_path / f"{APP_ID}.desktop"
    path.write_text(text, encoding="utf-8")
    checked = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def test_a_folder_that_cannot_be_written_is_named_and_nothing_is_half_written(tmp_path):
    (tmp_path / "applications").write_text("not a folder", encoding="utf-8")
    with pytest.raises(desktop_entry.EntryError) as caught:
        desktop_entry.install({"XDG_DATA_HOME": str(tmp_path)})
    assert str(tmp_path / "applications") in str(caught.value)
    assert not list(tmp_path.rglob(f"{APP_ID}*"))
