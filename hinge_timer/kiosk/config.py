"""The kiosk section of the site config file, so an administrator can set kiosk mode for every user.

The file is TOML, in the platform's site config folder (``/etc/xdg/hinge-timer/config.toml`` on
Linux; ``$HINGE_TIMER_SITE_CONFIG`` names another file)::

    [kiosk]
    enabled = true          # every start is a kiosk start (--kiosk does it for one start)
    idle_minutes = 3        # back to Home after this long without input (not while a session runs)
    done_seconds = 20       # back to Home this long after a session ends
    cursor_hide_seconds = 5 # hide the mouse pointer when it has not moved for this long
    exit_hold_seconds = 3   # how long Ctrl+Alt+Q must be held to leave
    pin_hash = "pbkdf2_sha256$..."  # from `hinge-timer kiosk-pin`; absent: no PIN asked
    anonymous = true        # no history, resume offer or dose advice on screen; only today's count

A missing file means the defaults.  A file with mistakes gives one message per problem, naming the
file and the field; the fields that are fine are used, the others keep their defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from . import APP_NAME as APP_NAME, SITE_CONFIG_ENV as SITE_CONFIG_ENV, site_config_file as site_config_file

# (lowest, highest) for the numbers, so a typo cannot lock the kiosk (exit_hold of an hour) or spin it.
LIMITS: dict[str, tuple[float, float]] = {
    "idle_minutes": (0.5, 240),
    "done_seconds": (3, 3600),
    "cursor_hide_seconds": (1, 600),
    "exit_hold_seconds": (1, 15),
}


@dataclass
class KioskConfig:
    enabled: bool = False
    idle_minutes: float = 3.0
    done_seconds: float = 20.0
    cursor_hide_seconds: float = 5.0
    exit_hold_seconds: float = 3.0
    pin_hash: str = ""
    anonymous: bool = True
    problems: list[str] = field(default_factory=list)  # what was wrong in the file (each names file and field)
    path: Path | None = None


def load_kiosk_config(path: Path | None = None) -> KioskConfig:
    path = path or site_config_file()
    cfg = KioskConfig(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return cfg
    except OSError as exc:
        cfg.problems.append(f"{path}: cannot be read ({exc.strerror}); kiosk defaults are used")
        return cfg
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        cfg.problems.append(f"{path}: not valid TOML ({exc}); kiosk defaults are used")
        return cfg
    section = data.get("kiosk", {})
    if not isinstance(section, dict):
        cfg.problems.append(f"{path}: kiosk: expected a [kiosk] table")
        return cfg
    known = {f.name: f for f in fields(KioskConfig) if f.name not in ("problems", "path")}
    for key, value in section.items():
        where = f"{path}: kiosk.{key}"
        if key not in known:
            cfg.problems.append(f"{where}: unknown setting (known: {', '.join(sorted(known))})")
            continue
        default = getattr(cfg, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                cfg.problems.append(f"{where}: expected true or false, got {value!r}")
                continue
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                cfg.problems.append(f"{where}: expected a number, got {value!r}")
                continue
            low, high = LIMITS[key]
            if not low <= value <= high:
                cfg.problems.append(f"{where}: must be between {low:g} and {high:g}, got {value!r}")
                continue
            value = float(value)
        elif isinstance(default, str):
            if not isinstance(value, str):
                cfg.problems.append(f"{where}: expected text, got {value!r}")
                continue
            if key == "pin_hash" and value:
                from .pin import parse_hash

                if parse_hash(value) is None:
                    cfg.problems.append(f"{where}: not a hash from `hinge-timer kiosk-pin`; no PIN is asked")
                    continue
        setattr(cfg, key, value)
    return cfg
