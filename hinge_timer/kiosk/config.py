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

A missing file means the defaults.  Security settings fail closed (docs/kiosk.md, "When the site
config is wrong"):

- A file that is there but cannot be used (unreadable, not a regular file, too large, not UTF-8, not
  TOML, lines too long, ``kiosk`` not a table) turns kiosk mode **on** and **locks** it: we cannot
  know what it asked for, and a gym PC that relies on it must not start as the normal app.
- A problem in a security field (``enabled``, ``pin_hash``, or an unknown key that looks like a
  misspelt one) locks the kiosk too; a bad ``enabled`` also turns kiosk mode on.
- A harmless mistake (a number out of range, a word where a number belongs, an unknown key) gives
  one message naming the file and the field; that field keeps its default, the rest is used.

A locked kiosk cannot be left: the exit chord only says why (``lock_reason``), and the tiles show
it for the administrator.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..i18n import _, ngettext
from ..plaintext import printable
from . import APP_NAME as APP_NAME, SITE_CONFIG_ENV as SITE_CONFIG_ENV, site_config_file as site_config_file
from . import site_config_present as site_config_present

# (lowest, highest) for the numbers, so a typo cannot lock the kiosk (exit_hold of an hour) or spin it.
LIMITS: dict[str, tuple[float, float]] = {
    "idle_minutes": (0.5, 240),
    "done_seconds": (3, 3600),
    "cursor_hide_seconds": (1, 600),
    "exit_hold_seconds": (1, 15),
}

# Checked before the TOML parser sees the text: a real config is a few hundred bytes, and the parser
# is quadratic in the parts of one dotted key (8,000 parts on one line: 1.2 s and 380 MB), so the
# length of a line bounds the work (16 KiB of 1,000-character lines parses in under 0.1 s).
MAX_BYTES = 16 * 1024
MAX_LINE = 1000

SECURITY_FIELDS = ("enabled", "pin_hash")
# An unknown key with one of these in its name (or a value that looks like a PIN hash) is taken for a
# misspelt security field: ``pin-hash``, ``PIN_hash``, ``pinhash``, ``enable``, ``password``.
_SECURITY_WORDS = ("pin", "hash", "pass", "enab", "lock")


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
    # Set when the file could not be trusted: the kiosk cannot be left until the file is fixed.
    lock_reason: str = ""

    @property
    def locked(self) -> bool:
        return bool(self.lock_reason)


def _where(path: Path) -> str:
    return printable(str(path), limit=300)


def _lock(cfg: KioskConfig, problem: str, *, kiosk_on: bool = False) -> None:
    """The file cannot be trusted on a security point: no way out of the kiosk until it is fixed
    (``kiosk_on``: and kiosk mode is on, whatever the command line said)."""
    if kiosk_on:
        cfg.enabled = True
    if kiosk_on:
        # Translators: {problem} names the site config file and what is wrong with it.
        cfg.problems.append(_("{problem}; kiosk mode is on and cannot be left until the file is fixed").format(
            problem=problem))
    else:
        # Translators: {problem} names the site config file and what is wrong with it.
        cfg.problems.append(_("{problem}; the kiosk cannot be left until the file is fixed").format(problem=problem))
    if not cfg.lock_reason:
        cfg.lock_reason = problem


def _fail_closed(cfg: KioskConfig, problem: str) -> KioskConfig:
    """The file is there but unusable: we cannot know what it asked for, so assume a locked kiosk."""
    _lock(cfg, problem, kiosk_on=True)
    return cfg


def _looks_like_security(key: str, value: object) -> bool:
    name = key.lower()
    if any(word in name for word in _SECURITY_WORDS):
        return True
    return isinstance(value, str) and value.strip().lower().startswith("pbkdf2")


def _misplaced_security(table: dict[str, Any], trail: str, found: list[str]) -> None:
    """Keys outside a valid [kiosk] table that look like a security field (``[Kiosk]``, a top-level
    ``pin_hash`` written before the header); at most 5 are named."""
    for key, value in table.items():
        if len(found) >= 5:
            return
        here = f"{trail}.{key}" if trail else key
        if isinstance(value, dict):
            _misplaced_security(value, here, found)
        elif _looks_like_security(key, value):
            found.append(here)


def _check_text(raw: bytes) -> str | None:
    """What is wrong with the text before it reaches the parser, or None."""
    for n, line in enumerate(raw.split(b"\n"), 1):
        if len(line) > MAX_LINE:
            # Translators: {line} is a line number, {n} and {limit} numbers of characters.
            return ngettext("line {line} is {n} character long, more than the {limit} allowed",
                            "line {line} is {n} characters long, more than the {limit} allowed", len(line)).format(
                line=n, n=len(line), limit=MAX_LINE)
    return None


def load_kiosk_config(path: Path | None = None) -> KioskConfig:
    from ..safeio import describe, read_regular

    path = path or site_config_file()
    cfg = KioskConfig(path=path)
    where = _where(path)
    if not site_config_present(path):
        return cfg
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        if not site_config_present(path):
            return cfg  # removed just now
        # Translators: {file} is the site config file.
        return _fail_closed(cfg, _("{file}: cannot be read (a link to a file that is not there)").format(file=where))
    except OSError as exc:
        # Translators: {file} is the site config file; {reason} why it cannot be read.
        return _fail_closed(cfg, _("{file}: cannot be read ({reason})").format(
            file=where, reason=printable(describe(exc), limit=200)))
    import tomllib

    bad = _check_text(raw)
    if bad is not None:
        # Translators: {file} is the site config file; {reason} what is wrong with it.
        return _fail_closed(cfg, _("{file}: not a kiosk config ({reason})").format(file=where, reason=bad))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Translators: {file} is the site config file; {byte} the position of the first byte that is not UTF-8.
        return _fail_closed(cfg, _("{file}: not UTF-8 text (byte {byte})").format(file=where, byte=exc.start + 1))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Translators: {file} is the site config file; {reason} the TOML parser's message (in English).
        return _fail_closed(cfg, _("{file}: not valid TOML ({reason})").format(
            file=where, reason=printable(exc, limit=200)))
    except RecursionError:
        # Translators: {file} is the site config file.
        return _fail_closed(cfg, _("{file}: not valid TOML (nested too deep)").format(file=where))
    section = data.get("kiosk", {})
    if not isinstance(section, dict):
        # Translators: {file} is the site config file; "kiosk" and [kiosk] are written in it as they are.
        return _fail_closed(cfg, _("{file}: kiosk: expected a [kiosk] table").format(file=where))
    misplaced: list[str] = []
    _misplaced_security({k: v for k, v in data.items() if k != "kiosk"}, "", misplaced)
    for key in misplaced:
        # Translators: {file} is the site config file, {key} a key in it.
        _lock(cfg, _("{file}: {key}: looks like a kiosk security setting outside [kiosk]").format(
            file=where, key=printable(key, limit=80)), kiosk_on=True)
    known = {f.name: f for f in fields(KioskConfig) if f.name not in ("problems", "path", "lock_reason")}
    for key, value in section.items():
        name = f"{where}: kiosk.{printable(key, limit=80)}"
        shown = printable(repr(value), limit=80)
        if key not in known:
            if _looks_like_security(key, value):
                # Translators: {field} is the site config file and the key; {known} the keys there are.
                _lock(cfg, _("{field}: unknown setting that looks like a misspelt pin_hash or enabled"
                             " (known: {known})").format(field=name, known=", ".join(sorted(known))),
                      kiosk_on="enab" in key.lower())
            else:
                # Translators: {field} is the site config file and the key; {known} the keys there are.
                cfg.problems.append(_("{field}: unknown setting (known: {known})").format(
                    field=name, known=", ".join(sorted(known))))
            continue
        default = getattr(cfg, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                # Translators: {field} is the site config file and the key; {value} its value; true and false
                # are written in the file as they are.
                wrong = _("{field}: expected true or false, got {value}").format(field=name, value=shown)
                if key == "enabled":
                    _lock(cfg, wrong, kiosk_on=True)
                else:
                    cfg.problems.append(wrong)
                continue
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                # Translators: {field} is the site config file and the key; {value} its value.
                cfg.problems.append(_("{field}: expected a number, got {value}").format(field=name, value=shown))
                continue
            low, high = LIMITS[key]
            if not low <= value <= high:
                # Translators: {field} is the site config file and the key; {low} and {high} numbers; {value} its value.
                cfg.problems.append(_("{field}: must be between {low} and {high}, got {value}").format(
                    field=name, low=f"{low:g}", high=f"{high:g}", value=shown))
                continue
            value = float(value)
        elif isinstance(default, str):
            if not isinstance(value, str):
                # Translators: {field} is the site config file and the key; {value} its value; `hinge-timer kiosk-pin`
                # is a command: keep it.
                _lock(cfg, _("{field}: expected text from `hinge-timer kiosk-pin`, got {value}").format(
                    field=name, value=shown))
                continue
            if key == "pin_hash" and value:
                from .pin import hash_problem

                why = hash_problem(value)
                if why is not None:
                    # Translators: {field} is the site config file and the key; {why} what is wrong with the hash;
                    # `hinge-timer kiosk-pin` is a command: keep it.
                    _lock(cfg, _("{field}: {why} (make a new line with `hinge-timer kiosk-pin`)").format(
                        field=name, why=why))
                    continue
        setattr(cfg, key, value)
    return cfg
