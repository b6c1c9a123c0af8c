"""Who the app is: its id, name, version, licence and the sources of its drills (no Qt).

The reverse-DNS id names the app to the desktop everywhere: the desktop file and the AppStream metainfo
(``assets/desktop/``), the icon (``assets/icons/``), ``QGuiApplication.setDesktopFileName``, the name the
app gives the D-Bus screen saver when it keeps the screen on, the Windows AppUserModelID (the task bar
groups the windows under it), the Flatpak manifest and the kiosk's desktop file and systemd unit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import __version__

APP_ID = "io.github.hingetimer.HingeTimer"
APP_NAME = "Hinge Timer"
VERSION = __version__
LICENCE = "MIT"
HOMEPAGE = "https://github.com/hingetimer/hinge-timer"
COPYRIGHT = "Copyright © 2026 The Hinge Timer developers"

# The articles the drills' figures (sets, reps, hold times, the order of phases) come from, by title and
# publisher.  The instructions are the app's own words.  The first article carries no heading of its own:
# it is named by what it is.
SOURCES = (
    ("Stretches and strengthening exercises to improve your hip hinge", "Fundamental Physio"),
    ("Exercise of the week: Hip Hinge", "Interesting things we can do in PT (a physical therapy blog)"),
)

_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def assets_dir() -> Path:
    """The installed ``hinge_timer.assets`` folder (a checkout's ``assets/`` when run from one)."""
    from importlib.resources import files

    return Path(str(files("hinge_timer.assets")))


def icon_files() -> dict[int, Path]:
    """The app icon's PNGs by pixel size, those that are installed."""
    base = assets_dir() / "icons" / "hicolor"
    found = {n: base / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in _ICON_SIZES}
    return {n: p for n, p in found.items() if p.is_file()}


def scalable_icon() -> Path:
    return assets_dir() / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def symbolic_icon() -> Path:
    return assets_dir() / "icons" / "hicolor" / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg"


def desktop_file() -> Path:
    return assets_dir() / "desktop" / f"{APP_ID}.desktop"


def metainfo_file() -> Path:
    return assets_dir() / "desktop" / f"{APP_ID}.metainfo.xml"


def frozen() -> bool:
    """Running from the self-contained bundle (PyInstaller), not from a Python installation."""
    return bool(getattr(sys, "frozen", False))


def set_windows_app_id() -> None:
    """Windows: the process's AppUserModelID, so the task bar shows the app's own icon and groups its
    windows (without it, they group under python.exe).  Elsewhere nothing."""
    if os.name != "nt":
        return
    import ctypes

    try:
        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # (an old Windows): the task bar falls back to the executable's
        pass
