"""The release's files, and the app installed from them as a user installs it.

``python -m build`` makes the sdist and the wheel (with the PyPA's front end, as docs/release.md does). The
wheel is installed twice, as a user would: into a fresh virtual environment (not editable) and with
``pipx install``. Each installation is then run by its own executables from a folder that is not the
checkout, with no PYTHONPATH and no virtual environment on PATH (tests/installed_app.py): its version,
``plan`` of a built-in session, ``validate`` of a user's file, a German plan (the installed catalogue),
Home and ``--kiosk`` painted, ``desktop-entry --install`` writing a launcher entry whose Exec opens Home,
and ``--remove`` taking out just that; and a user's own session to its end with its sound recorded from a
private PulseAudio null sink and the run in the installation's history.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from hinge_timer import __version__
from tests.conftest import REPO
from tests.installed_app import TITLE, USER_SESSION, assert_heard, clean_env, first_frame, history_text, need, \
    launcher_entry, play_session

pytestmark = pytest.mark.slow
APP_ID = "io.github.hingetimer.HingeTimer"


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = out.glob("hinge_timer-*.whl")
    (sdist,) = out.glob("hinge_timer-*.tar.gz")
    return wheel, sdist


def test_the_wheel_carries_every_asset_both_scripts_and_the_version(dist):
    wheel, _sdist = dist
    assert wheel.name == f"hinge_timer-{__version__}-py3-none-any.whl"
    z = zipfile.ZipFile(wheel)
    names = z.namelist()
    for session in ("hip-hinge-mobility.toml", "hip-hinge-basics.toml", "quick-warm-up.toml"):
        assert f"hinge_timer/builtin_sessions/{session}" in names
    for lang in ("de", "fr", "es", "pt"):
        assert f"hinge_timer/locale/{lang}/LC_MESSAGES/hinge_timer.mo" in names
        assert any(n.startswith(f"hinge_timer/assets/sounds/{lang}/") for n in names), lang
    assert any(n.startswith("hinge_timer/assets/sounds/") and "tone" in n for n in names)
    for name in (f"desktop/{APP_ID}.desktop", f"desktop/{APP_ID}.metainfo.xml",
                 f"icons/hicolor/scalable/apps/{APP_ID}.svg", f"icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg",
                 f"icons/hicolor/16x16/apps/{APP_ID}.png", f"icons/hicolor/256x256/apps/{APP_ID}.png",
                 f"icons/{APP_ID}.ico", f"icons/{APP_ID}.icns"):
        assert f"hinge_timer/assets/{name}" in names, name
    assert not any(n.startswith(("tests/", "benchmarks/", "tools/")) for n in names)
    # Every module of the checkout (hinge_timer.app was once left out: the window could not start).
    for module in (REPO / "hinge_timer").rglob("*.py"):
        assert module.relative_to(REPO).as_posix() in names, module
    info = f"hinge_timer-{__version__}.dist-info"
    entry_points = configparser.ConfigParser()
    entry_points.read_string(z.read(f"{info}/entry_points.txt").decode())
    assert entry_points["console_scripts"]["hinge-timer"] == "hinge_timer.cli:entry"
    assert entry_points["gui_scripts"]["hinge-timer-gui"] == "hinge_timer.cli:gui_entry"
    metadata = z.read(f"{info}/METADATA").decode()
    assert f"Version: {__version__}\n" in metadata
    assert any(n.startswith(info) and n.endswith("LICENSE") for n in names)


def test_the_sdist_builds_the_same_package(dist):
    _wheel, sdist = dist
    root = f"hinge_timer-{__version__}"
    names = tarfile.open(sdist).getnames()
    for name in ("pyproject.toml", "README.md", "LICENSE", "sessions/quick-warm-up.toml",
                 f"assets/desktop/{APP_ID}.desktop", "hinge_timer/locale/de/LC_MESSAGES/hinge_timer.mo"):
        assert f"{root}/{name}" in names, name


# -- installed -------------------------------------------------------------------------------------------------


class Installed:
    """An installation: where its executables are."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind, self.root, self.home = kind, root, root / "home"
        bin_dir = root / ("venv/bin" if kind == "venv" else "bin")
        self.command = [str(bin_dir / "hinge-timer")]
        self.gui = [str(bin_dir / "hinge-timer-gui")]

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env({"HOME": str(self.home), "XDG_CACHE_HOME": str(self.home / ".cache"), **extra})

    def run(self, *args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.command, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                              env=self.env(**extra), stdin=subprocess.DEVNULL)


def _install_venv(wheel: Path, where: Path) -> Installed:
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], check=True, timeout=300)
    pip = subprocess.run([str(where / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                         capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return Installed("venv", where)


def _install_pipx(wheel: Path, where: Path) -> Installed:
    pipx = need("pipx")
    env = clean_env({"PIPX_HOME": str(where / "pipx"), "PIPX_BIN_DIR": str(where / "bin"),
                     "PIPX_MAN_DIR": str(where / "man"), "HOME": str(where / "home")})
    proc = subprocess.run([pipx, "install", str(wheel)], capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return Installed("pipx", where)


@pytest.fixture(scope="module", params=["venv", "pipx"])
def installed(request, dist, tmp_path_factory):
    wheel, _sdist = dist
    where = tmp_path_factory.mktemp(request.param)
    (where / "home").mkdir()
    return (_install_venv if request.param == "venv" else _install_pipx)(wheel, where)


def test_installed_it_says_its_version_plans_validates_and_speaks_german(installed, tmp_path):
    where = installed.run("--version", cwd=tmp_path)
    assert where.returncode == 0 and where.stdout.strip() == f"hinge-timer {__version__}"
    gui = subprocess.run([*installed.gui, "--version"], capture_output=True, text=True, cwd=tmp_path,
                         env=installed.env(), timeout=60)
    assert gui.stdout.strip() == f"hinge-timer {__version__}"
    plan = installed.run("plan", "hip-hinge-mobility", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.rstrip().endswith("Total: 14:09")
    german = installed.run("--lang", "de", "plan", "quick-warm-up", cwd=tmp_path)
    assert german.stdout.rstrip().endswith("Gesamt: 4:39"), german.stdout[-300:]
    mine = tmp_path / "sams-hinge.toml"
    mine.write_text(USER_SESSION, encoding="utf-8")
    ok = installed.run("validate", str(mine), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text(USER_SESSION.replace("hold = 7", "hold = \"7 s\""), encoding="utf-8")
    bad = installed.run("validate", str(broken), cwd=tmp_path)
    assert bad.returncode == 1 and "broken.toml:" in bad.stderr and "hold" in bad.stderr and "Traceback" not in bad.stderr


def test_installed_it_paints_home_and_the_kiosk(installed, tmp_path):
    seconds, logged = first_frame(installed.command, tmp_path / "data", installed.env(), tmp_path)
    assert "Traceback" not in logged and seconds < 60
    seconds, logged = first_frame(installed.command, tmp_path / "kiosk", installed.env(), tmp_path, "--kiosk")
    assert "Traceback" not in logged and "kiosk" in logged.lower(), logged


def test_desktop_entry_puts_it_in_the_launcher_and_takes_it_out(installed, tmp_path):
    share = tmp_path / "share"
    mine = share / "applications" / "someone-else.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n", encoding="utf-8")
    done = installed.run("desktop-entry", "--install", cwd=tmp_path, XDG_DATA_HOME=str(share))
    assert done.returncode == 0, done.stderr
    desktop = share / "applications" / f"{APP_ID}.desktop"
    for path in (desktop, share / "metainfo" / f"{APP_ID}.metainfo.xml",
                 share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
                 share / "icons" / "hicolor" / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg",
                 share / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"):
        assert path.is_file(), path
        assert str(path) in done.stdout
    keys, exec_line = launcher_entry(desktop)
    # This installation's own windowed script, by its full path (~/.local/bin is not on every launcher's PATH).
    assert Path(exec_line[0]).name == "hinge-timer-gui" and Path(exec_line[0]).is_file(), exec_line
    assert Path(exec_line[0]).resolve().is_relative_to(installed.root.resolve()), exec_line
    assert keys["Icon"] == APP_ID
    # What the launcher starts opens Home.
    seconds, logged = first_frame(exec_line, tmp_path / "data", installed.env(), tmp_path)
    assert "Traceback" not in logged
    gone = installed.run("desktop-entry", "--remove", cwd=tmp_path, XDG_DATA_HOME=str(share))
    assert gone.returncode == 0, gone.stderr
    assert not list(share.rglob(f"{APP_ID}*")), list(share.rglob(f"{APP_ID}*"))
    assert mine.is_file()  # someone else's entry is left alone
    again = installed.run("desktop-entry", "--remove", cwd=tmp_path, XDG_DATA_HOME=str(share))
    assert again.returncode == 0 and "no launcher entry" in again.stdout


def test_installed_it_plays_a_users_session_heard_and_kept_in_the_history(installed, pulse, tmp_path):
    records, recording, err = play_session(installed.command, pulse, tmp_path, installed.env())
    assert "Traceback" not in err, err
    started = assert_heard(records, recording)
    # The user's own lines were rendered (espeak-ng) and played, not only the recorded prompts.
    assert any(str(r.get("text", "")).startswith("Roll down, one bone") for r in started)
    history = history_text(installed.command, tmp_path, installed.env())
    line = next(l for l in history.splitlines() if TITLE in l)
    assert "complete" in line, history
