"""Kiosk mode's Qt-free parts: the site config, the admin PIN, the screen-sleep inhibitor interface,
and systemd's notify protocol (the Qt side is in ui/kiosk.py and qt/inhibit_dbus.py).

``site_config_file`` lives here, free of the config's dataclass and the TOML parser, so a start that
is not a kiosk only looks for the file before its first frame.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

SITE_CONFIG_ENV = "HINGE_TIMER_SITE_CONFIG"
APP_NAME = "hinge-timer"


def site_config_file() -> Path:
    """$HINGE_TIMER_SITE_CONFIG, else config.toml in the platform's site config folder.

    On Linux that is the first folder of $XDG_CONFIG_DIRS (/etc/xdg), as platformdirs says, worked out
    here: this runs before the first frame, and importing platformdirs costs ~10 ms of it
    (benchmarks/window.py).
    """
    env = os.environ.get(SITE_CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("linux"):
        dirs = [d for d in os.environ.get("XDG_CONFIG_DIRS", "").split(os.pathsep) if d.strip()]
        return Path(dirs[0] if dirs else "/etc/xdg").expanduser() / APP_NAME / "config.toml"
    import platformdirs

    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def site_config_present(path: Path) -> bool:
    """True unless nothing is at ``path``: a dangling link, a folder, a FIFO or a path we may not look
    at all count as "there" (and then fail closed when they cannot be read)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False  # a parent is a file: nothing can be there
    except OSError as exc:
        return exc.errno not in (errno.ENOENT, errno.ENOTDIR)
    except ValueError:
        return False  # an embedded NUL: not a path anything could be at
    return True
