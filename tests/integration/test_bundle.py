"""The self-contained PyInstaller bundle (packaging/pyinstaller/hinge-timer.spec, `make bundle`), run as a user
runs it.

The bundle is built once into a temporary folder and then run by its own executable from a folder that is not the
checkout, with no PYTHONPATH and no virtual environment on PATH (tests/installed_app.py): its version, the plan of
a built-in session (in English and, from the bundled catalogue, German), ``validate`` of a user's file, Home and
``--kiosk`` painted, its launcher entry (``desktop-entry --install`` naming the bundle, started, removed), a
user's own session to its end with its sound recorded from a private PulseAudio null sink (the sound engine is a
process the bundle starts as ``<exe> -P -m hinge_timer.audio_child``) and the run in its history. Its
helper-process dispatch runs only the app's own modules, and Qt Multimedia's FFmpeg plugin and libraries are
inside it. espeak-ng is not bundled: it is the system's, from PATH.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hinge_timer import __version__
from hinge_timer.appinfo import APP_ID
from tests.conftest import REPO
from tests.installed_app import TITLE, USER_SESSION, assert_heard, clean_env, first_frame, history_text, \
    launcher_entry, play_session

pytestmark = pytest.mark.slow
SPEC = REPO / "packaging" / "pyinstaller" / "hinge-timer.spec"


class Bundle:
    def __init__(self, folder: Path, home: Path) -> None:
        self.folder = folder
        self.exe = folder / "hinge-timer"
        self.command = [str(self.exe)]
        self.home = home

    def env(self, **extra: str) -> dict[str, str]:
        # PATH: the system's programs only (espeak-ng is in /usr/bin), no Python of the checkout or the venv.
        return clean_env({"HOME": str(self.home), "XDG_CACHE_HOME": str(self.home / ".cache"), "PATH": "/usr/bin:/bin",
                          **extra})

    def run(self, *args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.command, *args], env=self.env(), cwd=cwd, capture_output=True, text=True,
                              timeout=120, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Bundle:
    pyinstaller = Path(sys.executable).parent / "pyinstaller"
    dist = tmp_path_factory.mktemp("bundle-dist")
    work = tmp_path_factory.mktemp("bundle-work")
    proc = subprocess.run([str(pyinstaller), "--noconfirm", "--clean", "--distpath", str(dist), "--workpath",
                           str(work), str(SPEC)], capture_output=True, text=True, timeout=900, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    folder = dist / "hinge-timer"
    assert (folder / "hinge-timer").is_file(), sorted(p.name for p in dist.iterdir())
    return Bundle(folder, tmp_path_factory.mktemp("bundle-home"))


def test_the_bundle_says_its_version_plans_validates_and_speaks_german(bundle, tmp_path):
    version = bundle.run("--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"hinge-timer {__version__}"
    plan = bundle.run("plan", "hip-hinge-mobility", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.strip().splitlines()[-1] == "Total: 14:09"
    german = bundle.run("--lang", "de", "plan", "quick-warm-up", cwd=tmp_path)
    assert german.returncode == 0, german.stderr
    assert german.stdout.strip().splitlines()[-1] == "Gesamt: 4:39"
    mine = tmp_path / "mine.toml"
    mine.write_text(USER_SESSION, encoding="utf-8")
    ok = bundle.run("validate", str(mine), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_the_bundle_paints_home_and_the_kiosk(bundle, tmp_path):
    _seconds, logged = first_frame(bundle.command, tmp_path / "data", bundle.env(), tmp_path)
    assert "Traceback" not in logged, logged
    _seconds, logged = first_frame(bundle.command, tmp_path / "kiosk", bundle.env(), tmp_path, "--kiosk")
    assert "Traceback" not in logged, logged


def test_the_bundle_plays_a_users_session_heard_and_kept_in_the_history(bundle, pulse, tmp_path):
    # espeak-ng is the system's (/usr/bin), seen through a wrapper that notes the library path it is given: the
    # bundle's own (_internal, which its bootloader sets for itself) must not reach a program of the system.
    wrapper, seen = tmp_path / "bin", tmp_path / "espeak-env.txt"
    wrapper.mkdir()
    (wrapper / "espeak-ng").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "LD_LIBRARY_PATH=${{LD_LIBRARY_PATH-(unset)}}" >> "{seen}"\n'
        'exec /usr/bin/espeak-ng "$@"\n', encoding="utf-8")
    (wrapper / "espeak-ng").chmod(0o755)
    env = bundle.env(PATH=f"{wrapper}:/usr/bin:/bin")
    records, recording, err = play_session(bundle.command, pulse, tmp_path, env)
    assert "Traceback" not in err, err
    started = assert_heard(records, recording)
    # The user's own lines were rendered by espeak-ng and played as rendered lines, not as a tone.
    own = [r for r in started if str(r.get("text", "")).startswith("Roll down, one bone")]
    assert own and any(str(p).startswith("line:") for p in own[0].get("parts", [])), own
    assert seen.exists(), "espeak-ng was never started"
    assert str(bundle.folder) not in seen.read_text(encoding="utf-8"), seen.read_text(encoding="utf-8")
    history = history_text(bundle.command, tmp_path, bundle.env())
    line = next(l for l in history.splitlines() if TITLE in l)
    # (the run's result is the line's last column: "complete" is to the end with nothing skipped or stopped)
    assert line.endswith("  complete"), history


def test_the_bundles_launcher_entry_starts_the_bundle_and_comes_out_again(bundle, tmp_path):
    share = tmp_path / "share"

    def entry(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*bundle.command, "desktop-entry", *args], env=bundle.env(XDG_DATA_HOME=str(share)),
                              cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    done = entry("--install")
    assert done.returncode == 0, done.stderr
    desktop = share / "applications" / f"{APP_ID}.desktop"
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    _keys, exec_line = launcher_entry(desktop)
    assert Path(exec_line[0]) == bundle.exe.resolve(), exec_line  # the bundle itself, by its full path
    seconds, logged = first_frame(exec_line, tmp_path / "data", bundle.env(), tmp_path)  # what the launcher opens
    assert "Traceback" not in logged
    gone = entry("--remove")
    assert gone.returncode == 0, gone.stderr
    assert not list(share.rglob(f"{APP_ID}*")), list(share.rglob(f"{APP_ID}*"))


def test_the_bundle_runs_its_own_helper_modules_and_nothing_else(bundle, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(USER_SESSION, encoding="utf-8")
    # The session-file checker, as hinge_timer/session/checker.py starts it: by the bundle, not by a Python.
    checked = bundle.run("-P", "-m", "hinge_timer.check_child", cwd=tmp_path,
                         stdin=json.dumps({"path": str(mine)}) + "\n")
    assert checked.returncode == 0, checked.stderr
    replies = [json.loads(line) for line in checked.stdout.splitlines()]
    assert replies == [{"ready": True}, {"ok": True}], checked.stdout
    refused = bundle.run("-P", "-m", "os", cwd=tmp_path)
    assert refused.returncode == 2
    assert "hinge_timer" in refused.stderr and not refused.stdout


def test_the_bundle_carries_qt_multimedia_ffmpeg(bundle):
    internal = bundle.folder / "_internal"
    assert list(internal.rglob("plugins/multimedia/libffmpegmediaplugin.so")), "no FFmpeg media plugin"
    assert list(internal.rglob("libavcodec.so*")), "no libavcodec"
    for package in ("assets/sounds/index.json", "builtin_sessions/hip-hinge-mobility.toml",
                    "locale/de/LC_MESSAGES/hinge_timer.mo"):
        assert (internal / "hinge_timer" / package).is_file(), package
