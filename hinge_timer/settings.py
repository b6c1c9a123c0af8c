"""Where data lives, and the user's settings: typed, in one place, each with its default.

Qt-free.  Settings are a small JSON file in the data folder.  A missing file
means defaults; an unreadable or malformed one is moved aside (never deleted),
the defaults are used, and the caller is told what happened.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

APP_NAME = "hinge-timer"
DATA_DIR_ENV = "HINGE_TIMER_DATA_DIR"


def data_dir(override: str | None = None) -> Path:
    """``--data-dir``, else $HINGE_TIMER_DATA_DIR, else the platform's user data folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sessions_dir(data: Path, override: str | None = None) -> Path:
    """Where the user's own session files live (``--sessions-dir`` or DATA/sessions)."""
    return Path(override).expanduser() if override else data / "sessions"


@dataclass
class Settings:
    dose: str = "low"  # "low" or "high"
    mute: bool = False
    volume: float = 0.9  # 0..1, of the sounds' own level
    audio: str = "qt"  # "qt", "simpleaudio" or "none" (--audio overrides it for one run)
    flash: bool = True  # full-window flash on 3-2-1 and go
    geometry: str = ""  # the window's saved geometry (hex of Qt's bytes)
    fullscreen: bool = False
    last_session: str = ""  # path or built-in name of the session last chosen on Home
    extra: dict[str, Any] = field(default_factory=dict)  # keys from newer versions, kept as they were

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Settings":
        s = cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        for key, value in data.items():
            if key in known:
                default = getattr(s, key)
                if type(value) is type(default) or (type(default) is float and type(value) is int):
                    setattr(s, key, type(default)(value))
                else:
                    log.warning("settings: ignoring %s=%r (expected %s)", key, value, type(default).__name__)
            else:
                s.extra[key] = value
        if s.dose not in ("low", "high"):
            s.dose = "low"
        if s.audio not in ("qt", "simpleaudio", "none"):
            s.audio = "qt"
        s.volume = max(0.0, min(1.0, s.volume))
        return s

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {**extra, **data}


class SettingsStore:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "settings.json"
        self.problem: str | None = None  # set when the file could not be used

    def load(self) -> Settings:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except OSError as exc:
            self.problem = f"{self.path}: cannot be read ({exc.strerror}); using default settings"
            return Settings()
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            aside = self.path.with_name(self.path.name + ".broken")
            try:
                os.replace(self.path, aside)
                self.problem = f"{self.path}: not valid settings ({exc}); moved to {aside}, using defaults"
            except OSError:
                self.problem = f"{self.path}: not valid settings ({exc}); using defaults"
            return Settings()
        return Settings.from_json(data)

    def save(self, settings: Settings) -> str | None:
        """Write atomically; return a message instead of raising when the disk says no."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(settings.to_json(), indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            try:
                tmp.unlink()
            except OSError:
                pass
            return f"{self.path}: settings could not be saved ({exc.strerror or exc})"
        return None
