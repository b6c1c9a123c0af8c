"""Where data lives, and the user's settings: typed, in one place, each with its default.

Qt-free.  Settings are a small JSON file in the data folder.  A missing file
means defaults; a malformed one (not UTF-8, not JSON, nested too deep, too large,
or a FIFO, device or folder in its place) is moved aside (never deleted, never over
an earlier one), the defaults are used, and the caller is told what happened.
The file is read only if it is a regular file, without blocking, and its size and
nesting depth are checked before it is parsed.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .i18n import LANGUAGES, _, ngettext
from .plaintext import printable
from .safeio import NotRegularFile, TooLarge, read_regular, write_atomic

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
    motion: bool = True  # the drill's figure moves (off: its key poses, still)
    # What the screen reader is told during a session (ui/a11y.py): "auto", what the sound does not say
    # (all of it when the sound is muted or off); "always", every change and cue, sound or not; "off".
    screen_reader: str = "auto"
    # The language of every word (View → Language; i18n.LANGUAGES): "" follows the system's locale.
    language: str = ""
    geometry: str = ""  # the window's saved geometry (hex of Qt's bytes)
    fullscreen: bool = False
    last_session: str = ""  # path or built-in name of the session last chosen on Home
    # Session files opened with File → Open (absolute paths, the latest first, at most RECENT_MAX), listed
    # on Home after a restart; one that is no longer there is dropped when the list is next made.
    recent_files: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # keys from newer versions, kept as they were

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Settings":
        """Settings from a parsed settings.json object; never raises.

        A known key whose value is of the wrong type, not a finite number (NaN, Infinity, an integer
        too large for a float) or not one of the allowed words is ignored, with the reason logged, and
        its default is used.  Unknown keys (from a newer version) are kept as they were."""
        s = cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        for key, value in data.items():
            if key not in known:
                s.extra[key] = value
                continue
            default = getattr(s, key)
            if key == "recent_files":
                s.recent_files = _recent_from_json(value)
                continue
            why = _why_not(value, default, _CHOICES.get(key))
            if why is None:
                setattr(s, key, float(value) if type(default) is float else value)
            else:
                log.warning("settings: ignoring %s=%s (%s); using %r", printable(key, limit=80),
                            _shown(value), why, default)
        s.volume = max(0.0, min(1.0, s.volume))
        return s

    def remember_file(self, path: str | os.PathLike[str]) -> None:
        """A session file the user opened: first in ``recent_files`` (once), the oldest beyond
        ``RECENT_MAX`` forgotten."""
        absolute = os.path.abspath(os.fspath(path))
        self.recent_files = [absolute, *(p for p in self.recent_files if p != absolute)][:RECENT_MAX]

    def forget_file(self, path: str | os.PathLike[str]) -> None:
        """Drop a remembered file (it is no longer there)."""
        absolute = os.path.abspath(os.fspath(path))
        self.recent_files = [p for p in self.recent_files if p != absolute]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {**extra, **data}


RECENT_MAX = 10  # session files remembered from File → Open
_PATH_MAX = 4096  # characters: a longer "path" in the file is not one


def _recent_from_json(value: object) -> list[str]:
    """``recent_files`` as read: absolute paths (text, no NUL, not too long), each once, at most
    ``RECENT_MAX``; anything else in the list is left out, and the reason logged."""
    if not isinstance(value, list):
        log.warning("settings: ignoring recent_files (expected a list, not %s); using none", _json_type(value))
        return []
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item or len(item) > _PATH_MAX or "\0" in item:
            log.warning("settings: ignoring an entry of recent_files (%s)", _shown(item))
        elif not os.path.isabs(item):
            log.warning("settings: ignoring %s in recent_files (not an absolute path)", _shown(item))
        elif item not in out and len(out) < RECENT_MAX:
            out.append(item)
    return out


READER_CHOICES = ("auto", "always", "off")
_CHOICES: dict[str, tuple[str, ...]] = {"dose": ("low", "high"), "audio": ("qt", "simpleaudio", "none"),
                                        "screen_reader": READER_CHOICES, "language": ("", *LANGUAGES)}


def _why_not(value: object, default: object, choices: tuple[str, ...] | None) -> str | None:
    """Why ``value`` cannot stand in for ``default`` (a setting's default value), or None when it can."""
    if type(default) is float:
        if type(value) not in (int, float):  # bool is not a number here
            return f"expected a number, not {_json_type(value)}"
        try:
            number = float(value)  # type: ignore[arg-type]  # int or float, checked above
        except OverflowError:
            return "a number too large"
        if not math.isfinite(number):
            return "not a finite number"
        return None
    if type(value) is not type(default):
        return f"expected {_json_type(default)}, not {_json_type(value)}"
    if choices is not None and value not in choices:
        return "expected one of " + ", ".join(choices)
    return None


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def _shown(value: object) -> str:
    """A bad value for the log: escaped, short, and never an error itself (a 400-digit number, a deep list)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < 10**60 else "a number of more than 60 digits"
    if isinstance(value, (list, dict)):
        return _json_type(value)
    return printable(repr(value), limit=80)


SETTINGS_LIMIT = 256 << 10  # bytes: real settings are a few hundred
SETTINGS_DEPTH = 32  # nesting of [ and {: real settings are one object of plain values

_JSON_SPECIAL = re.compile(r'[\[\]{}"\\]')


def json_depth(text: str, stop_above: int | None = None) -> int:
    """How deep ``text``'s arrays and objects nest (brackets inside strings left out), without parsing it.

    One pass over the brackets, quotes and backslashes only: linear in the text, whatever its shape.
    With ``stop_above``, returns as soon as the depth goes past it."""
    depth = deepest = 0
    in_string = False
    skip_at = -1  # the character after a backslash in a string is escaped
    for m in _JSON_SPECIAL.finditer(text):
        c, at = m.group(), m.start()
        if at == skip_at:
            continue
        if in_string:
            if c == "\\":
                skip_at = at + 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif c in "]}":
            depth = max(0, depth - 1)
    return deepest


class BrokenSettings(ValueError):
    """Why the settings file cannot be used (in words, without the file's own text)."""


def parse_settings(data: bytes) -> dict[str, Any]:
    """The settings object in ``data``; raises :class:`BrokenSettings` saying why it is not one."""
    try:
        text = data.decode("utf-8-sig")  # a BOM, as some editors write, is fine
    except UnicodeDecodeError as exc:
        byte, at = f"0x{data[exc.start]:02x}", exc.start
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            # Translators: why the settings file cannot be used; {byte} is a byte (0xff), {position} a number.
            why = _("not UTF-8 text (byte {byte} at position {position}; it looks like UTF-16: save it as UTF-8)")
        else:
            # Translators: why the settings file cannot be used; {byte} is a byte (0xff), {position} a number.
            why = _("not UTF-8 text (byte {byte} at position {position})")
        raise BrokenSettings(why.format(byte=byte, position=at)) from None
    if "\x00" in text:
        raise BrokenSettings(_("not UTF-8 text (it holds NUL characters; UTF-16? save it as UTF-8)"))
    if json_depth(text, stop_above=SETTINGS_DEPTH) > SETTINGS_DEPTH:
        raise BrokenSettings(_nested())
    try:
        value = json.loads(text)
    except RecursionError:
        raise BrokenSettings(_nested()) from None
    except ValueError as exc:  # JSONDecodeError: "Expecting value: line 1 column 1 (char 0)"
        # Translators: why the settings file cannot be used; {reason} is the JSON parser's message (in English).
        raise BrokenSettings(_("not JSON: {reason}").format(reason=exc)) from None
    if not isinstance(value, dict):
        raise BrokenSettings(_("not a JSON object"))
    return value


def _nested() -> str:
    # Translators: why the settings file cannot be used; {depth} is a number (32).
    return _("nested more than {depth} deep").format(depth=SETTINGS_DEPTH)


def saved_language(folder: Path) -> str | None:
    """The language settings.json in ``folder`` names, read before anything is shown (the command line
    chooses the language first).  Only reads: a file that cannot be used is reported, and moved aside,
    by :meth:`SettingsStore.load` later, in the chosen language."""
    try:
        value = parse_settings(read_regular(folder / "settings.json", SETTINGS_LIMIT)).get("language")
    except (OSError, NotRegularFile, TooLarge, BrokenSettings):
        return None
    return value if isinstance(value, str) and value in LANGUAGES else None


class SettingsStore:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "settings.json"
        self.problem: str | None = None  # set when the file could not be used

    def load(self) -> Settings:
        try:
            data = read_regular(self.path, SETTINGS_LIMIT)
        except FileNotFoundError:
            return Settings()
        except NotRegularFile as exc:
            # Translators: why the settings file cannot be used; {what} is a kind of file ("a folder", "a device").
            return self._set_aside(_("it is {what}, not a regular file").format(what=_(exc.what)))
        except TooLarge as exc:
            # Translators: why the settings file cannot be used; {size} and {limit} are numbers of bytes.
            return self._set_aside(ngettext("{size} byte, more than the {limit} allowed",
                                            "{size} bytes, more than the {limit} allowed", exc.size).format(
                size=exc.size, limit=SETTINGS_LIMIT))
        except OSError as exc:
            # Translators: {file} is the settings file; {reason} the system's reason (in English).
            self.problem = _("{file}: cannot be read ({reason}); using default settings").format(
                file=printable(str(self.path)), reason=exc.strerror or exc)
            return Settings()
        try:
            return Settings.from_json(parse_settings(data))
        except BrokenSettings as exc:
            return self._set_aside(str(exc))

    def _set_aside(self, why: str) -> Settings:
        """Move the unusable file to settings.json.broken (or .broken-2, ...: an earlier one is kept); defaults."""
        shown = printable(str(self.path))
        aside = self.path.with_name(self.path.name + ".broken")
        n = 1
        while os.path.lexists(aside):
            n += 1
            aside = self.path.with_name(f"{self.path.name}.broken-{n}")
        try:
            os.rename(self.path, aside)
        except OSError as exc:
            # Translators: {file} is the settings file, {why} why it cannot be used, {reason} why it could not be
            # renamed (the system's words).
            self.problem = _("{file}: not valid settings ({why}) and it cannot be moved aside "
                             "({reason}); using defaults").format(file=shown, why=why, reason=exc.strerror or exc)
        else:
            # Translators: {file} is the settings file, {why} why it cannot be used, {aside} where it was moved.
            self.problem = _("{file}: not valid settings ({why}); moved to {aside}, using defaults").format(
                file=shown, why=why, aside=printable(str(aside)))
        log.warning("settings: %s", self.problem)
        return Settings()

    def save(self, settings: Settings) -> str | None:
        """Write atomically; return a message instead of raising when the disk says no.

        The text goes to a new temporary file (made with O_EXCL, so nothing already there, not even a
        FIFO, is opened), flushed to disk, that then replaces settings.json in one rename
        (safeio.write_atomic)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(settings.to_json(), indent=1).encode("utf-8"))
        except OSError as exc:
            # Translators: {file} is the settings file; {reason} the system's reason (in English).
            return _("{file}: settings could not be saved ({reason})").format(
                file=printable(str(self.path)), reason=exc.strerror or exc)
        return None
