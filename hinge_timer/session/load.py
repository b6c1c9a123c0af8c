"""Read a session file and turn it into a ``Session``, or every reason why not.

The only exception that leaves this module for a user's file is
``SessionError``; it lists every problem found, each with the file, the line
where it can be found, and the field path.  Nothing in a file is executed:
it is parsed with ``tomllib`` and checked against the model.

Hostile files are refused cheaply, before any work grows with them: only regular
files are read (a FIFO or device is refused at once, never waited on), at most
1 MiB; the shape of the text (nesting, key length, counts, lines, escapes) is
checked in one linear pass before ``tomllib`` sees it (``shape.py``); and however
many problems a file has, only the first ``MAX_SHOWN`` are worded and located
in full, the rest counted.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from functools import partial
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from ..safeio import NotRegularFile, TooLarge, read_regular
from .errors import MAX_SHOWN, Problem, SessionError
from .locate import Locator
from .model import DRILL_CONFLICT, FORMAT_VERSION, TABLE_KEYS, Session, drill_conflicts, shown
from .shape import check_parsed, check_shape

MAX_FILE_BYTES = 1024 * 1024
BUILTIN_PACKAGE = "hinge_timer.builtin_sessions"
# Counted on the whole text before anything else (str.count runs at C speed).  tomllib spends a few
# microseconds on each line and each escape, so a 1 MiB file of empty comments or of "\t" would
# otherwise take over half a second.  A session at the model's maximums has about 25,000 lines.
MAX_LINES = 50_000
MAX_BACKSLASHES = 10_000
# However many unknown keys a file has, "did you mean" is worked out for at most this many of them
# when deciding which "is required" problems a misspelling explains (each guess costs ~30 µs).
GUESS_BUDGET = 200

Loc = tuple[str | int, ...]
Message = str | Callable[[], str]  # worded only if it is one of the problems shown


def builtin_session_files() -> list[Traversable]:
    """The session files shipped with the program, sorted by name."""
    folder = files(BUILTIN_PACKAGE)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def builtin_session(stem: str) -> Traversable:
    for f in builtin_session_files():
        if f.name == stem or f.name == stem + ".toml":
            return f
    raise KeyError(stem)


def session_bytes(path: str | os.PathLike[str] | Traversable) -> bytes:
    """A session file's bytes as the loader reads them (a regular file of at most 1 MiB), for hashing it.

    Raises ``OSError`` (``safeio.NotRegularFile``, ``safeio.TooLarge``...) instead of blocking or reading
    a file swapped for a FIFO or a huge one after it was loaded."""
    if isinstance(path, (str, os.PathLike)):
        return read_regular(path, MAX_FILE_BYTES)
    return path.read_bytes()


def load_session(path: str | os.PathLike[str] | Traversable, name: str | None = None) -> Session:
    """Load and validate one session file; raise ``SessionError`` if it is not usable."""
    label = name or (path.name if isinstance(path, Traversable) and not isinstance(path, Path) else str(path))
    try:
        if isinstance(path, (str, os.PathLike)):
            # Regular files only, opened non-blocking: a FIFO here is refused, never waited on.
            data = read_regular(path, MAX_FILE_BYTES)
        else:
            data = path.read_bytes()
    except NotRegularFile as exc:
        what = "is a folder, not a session file" if exc.what == "a folder" else (
            f"is {exc.what}, not a session file; only regular files are read")
        raise SessionError([Problem(label, None, "", what)]) from None
    except TooLarge as exc:
        raise SessionError([_too_big(label, exc.size)]) from None
    except FileNotFoundError:
        raise SessionError([Problem(label, None, "", "no such file")]) from None
    except PermissionError:
        raise SessionError([Problem(label, None, "", "cannot be read: permission denied")]) from None
    except OSError as exc:
        raise SessionError([Problem(label, None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    return parse_session(data, label)


def _too_big(label: str, size: int) -> Problem:
    return Problem(
        label, None, "", f"is {size / 1024 / 1024:.1f} MiB; session files are limited to 1 MiB"
    )


def parse_session(data: bytes | str, name: str = "<session>") -> Session:
    """Validate session text (bytes are decoded as UTF-8)."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise SessionError([_too_big(name, len(data))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SessionError(
                [Problem(name, line, "", f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
            ) from None
    else:
        text = data
    if not text.strip():
        raise SessionError([Problem(name, None, "", "is empty")])
    _check_text(text, name)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SessionError([_toml_problem(name, exc)]) from None
    except RecursionError:
        raise SessionError([Problem(name, None, "", "is nested too deeply to be a session file")]) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise SessionError([Problem(name, None, "", f"is not valid TOML: {shown(str(exc))}")]) from None
    too_much = check_parsed(raw)  # a second line of defence; check_shape has already seen all of this
    if too_much:
        raise SessionError([Problem(name, None, "", too_much)])

    located: list[Locator] = []  # scanned only if something is wrong: valid files skip it

    def locator() -> Locator:
        if not located:
            located.append(Locator(text))
        return located[0]

    def problem(loc: Loc, message: str) -> Problem:
        return Problem(name, locator().line_of(loc), field_path(loc), message)

    # A newer format may use anything: say that alone rather than a page of errors.
    fmt = raw.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT_VERSION:
        raise SessionError(
            [
                problem(
                    ("format",),
                    f"this file is format {fmt}, made by a newer Hinge Timer; "
                    f"this version reads format {FORMAT_VERSION}. Update Hinge Timer to open it",
                )
            ]
        )
    guess = _Guesser()
    pending: list[tuple[Loc, Message]] = list(_cross_field(raw, guess))
    try:
        session = Session.model_validate(raw)
    except ValidationError as exc:
        pending.extend(_translate(exc, raw, guess))
    if pending:
        raise _session_error(name, pending, locator())
    return session


def _check_text(text: str, name: str) -> None:
    """Refuse text whose shape would cost far more to parse or report on than any session needs."""
    lines = text.count("\n")
    if lines > MAX_LINES:
        raise SessionError([Problem(name, MAX_LINES + 1, "", (
            f"has {lines + 1:,} lines; session files are limited to {MAX_LINES:,}"))])
    backslashes = text.count("\\")
    if backslashes > MAX_BACKSLASHES:
        at = -1
        for _ in range(MAX_BACKSLASHES + 1):
            at = text.find("\\", at + 1)
        raise SessionError([Problem(name, text.count("\n", 0, at) + 1, "", (
            f"has {backslashes:,} backslashes (escapes); session files are limited to "
            f"{MAX_BACKSLASHES:,}"))])
    shape = check_shape(text)
    if shape is not None:
        raise SessionError([Problem(name, text.count("\n", 0, shape.offset) + 1, "", shape.message)])


def _session_error(name: str, pending: list[tuple[Loc, Message]], locator: Locator) -> SessionError:
    """Every problem counted; only the first ``MAX_SHOWN`` (in file order) worded, so 60,000 cost little."""
    seen: set[tuple[Loc, str | None]] = set()
    rows: list[tuple[int, Loc, Message]] = []
    for loc, message in pending:
        key = (loc, message if isinstance(message, str) else None)
        if key in seen:
            continue
        seen.add(key)
        rows.append((locator.line_of(loc) or 0, loc, message))
    rows.sort(key=lambda r: r[0])  # stable: problems on one line keep the order they were found in
    first = [
        Problem(name, line or None, field_path(loc), message if isinstance(message, str) else message())
        for line, loc, message in rows[: MAX_SHOWN * 2]
    ]
    # Two unknown-key messages may word the same; the count is of distinct problems.
    unique = list(dict.fromkeys(first))
    return SessionError(unique, count=len(rows) - (len(first) - len(unique)))


class _Guesser:
    """``suggest`` with a budget, for deciding what unknown keys explain; remembered per key."""

    def __init__(self, budget: int = GUESS_BUDGET) -> None:
        self.left = budget
        self.known: dict[tuple[str, str], str | None] = {}

    def __call__(self, key: str, table: str) -> str | None:
        found = self.known.get((key, table), "")
        if found != "":
            return found
        if self.left <= 0:
            return None
        self.left -= 1
        guess = self.known[(key, table)] = suggest(key, TABLE_KEYS.get(table, ()), table)
        return guess


def _toml_problem(name: str, exc: tomllib.TOMLDecodeError) -> Problem:
    msg = str(exc)
    line = None
    # tomllib ends its messages with "(at line L, column C)" or "(at end of document)".
    if "(at line " in msg:
        head, _, tail = msg.rpartition("(at line ")
        nums = tail.rstrip(")").split(", column ")
        try:
            line = int(nums[0])
            col = int(nums[1]) if len(nums) > 1 else None
        except ValueError:
            line, col = None, None
        msg = head.strip() + (f" (column {col})" if col else "")
    elif "(at end of document)" in msg:
        msg = msg.replace("(at end of document)", "at the end of the file").strip()
    if msg.startswith("Illegal character '\\n'"):
        msg = "a quoted text is not closed before the end of the line" + msg[len("Illegal character '\\n'"):]
    return Problem(name, line, "", f"is not valid TOML: {msg[:1].lower()}{msg[1:]}")


def field_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _table_kind(loc: Loc) -> str | None:
    """Which kind of table a location names, for listing its allowed keys."""
    if loc == ():
        return "session"
    if loc == ("defaults",):
        return "defaults"
    if len(loc) == 2 and loc[0] == "drill":
        return "drill"
    if len(loc) == 4 and loc[0] == "drill" and loc[2] in ("tempo", "cycle"):
        return "phase"
    return None


# Words people reach for, by table, and the key they mean.
SYNONYMS: dict[str, dict[str, str]] = {
    "drill": {
        "duration": "hold", "time": "hold", "seconds": "hold", "length": "hold", "hold_time": "hold",
        "rest": "rest_after", "rest_between_drills": "rest_after", "rest_after_drill": "rest_after",
        "phases": "tempo", "steps": "tempo", "pace": "tempo",
        "rest_between_sides": "switch_sides", "switch": "switch_sides", "side_switch": "switch_sides",
        "repetitions": "reps", "count": "reps", "side": "sides", "legs": "sides", "leg": "sides",
        "instructions": "how", "description": "how", "notes": "how", "setup": "how",
        "warning": "caution", "tips": "cues", "title": "name",
    },
    "phase": {"name": "phase", "label": "phase", "duration": "seconds", "secs": "seconds", "time": "seconds",
              "text": "say", "speak": "say", "spoken": "say"},
    "session": {"name": "title", "version": "format", "drills": "drill", "description": "summary"},
    "defaults": {"rest": "rest_between_sets", "switch": "switch_sides", "getready": "get_ready"},
}


def suggest(key: str, allowed: Iterable[str], table: str = "") -> str | None:
    allowed = list(allowed)
    synonym = SYNONYMS.get(table, {}).get(key.lower())
    if synonym in allowed:
        return synonym
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return close[0]
    low = key.lower()
    # "hold_seconds" -> "hold", "num_sets" -> "sets": a known key inside the unknown one.
    contained = [a for a in allowed if len(a) >= 3 and a in low]
    if contained:
        return max(contained, key=len)
    return None


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    kind = _table_kind(loc[:-1])
    allowed = TABLE_KEYS.get(kind or "", ())
    if kind != "session" and key in TABLE_KEYS["session"] and key not in allowed:
        return (f'unknown key "{key}" here; {key} belongs at the top of the file, '
                "before the first [table] line")
    quoted = shown(key)  # at most SHOWN_MAX characters of it
    guess = suggest(key, allowed, kind or "")
    if guess:
        return f'unknown key {quoted}; did you mean "{guess}"?'
    if allowed:
        return f'unknown key {quoted}; allowed here: {", ".join(allowed)}'
    return f"unknown key {quoted}"


_TYPE_WORDS = {
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "tuple_type": "a list",
    "list_type": "a list",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "string_type": "text in quotes",
}


def _translate(exc: ValidationError, raw: dict[str, Any], guess: _Guesser) -> list[tuple[Loc, Message]]:
    out: list[tuple[Loc, Message]] = []
    errors = exc.errors(include_url=False)
    locs = [tuple(p + 1 if isinstance(p, int) else p for p in err["loc"]) for err in errors]
    # Keys that are missing only because they were misspelt: the unknown key's message says it.
    meant: set[Loc] = set()
    if any(err["type"] == "missing" for err in errors):
        for err, loc in zip(errors, locs):
            if err["type"] == "extra_forbidden":
                kind = _table_kind(loc[:-1]) or ""
                key = str(loc[-1])
                if key in TABLE_KEYS["session"] and kind != "session":
                    meant.add((key,))
                meant_key = guess(key, kind)
                if meant_key:
                    meant.add(loc[:-1] + (meant_key,))
    for err, loc in zip(errors, locs):
        kind = err["type"]
        value = err.get("input")
        if kind == DRILL_CONFLICT:
            continue  # _cross_field has reported it from the raw data, at the field it names
        if kind == "extra_forbidden":
            out.append((loc, partial(_unknown_key, loc)))
        elif kind == "missing":
            if loc not in meant:
                out.append((loc, _missing(loc)))
        elif loc == ("drill",) and isinstance(value, dict):
            out.append((loc, "each drill needs its own [[drill]] header, with two brackets; "
                             "this file has a single [drill] table"))
        elif kind in _TYPE_WORDS:
            out.append((loc, f"expected {_TYPE_WORDS[kind]}, got {shown(value)}"))
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            out.append((loc, f"expected one of {expected.replace(chr(39), chr(34))}, got {shown(value)}"))
        elif kind == "too_long":
            ctx = err.get("ctx", {})
            most, actual = ctx.get("max_length", 0), ctx.get("actual_length", 0)
            # Point at the first item too many, so the line is where the excess starts.
            out.append((loc + (most + 1,), f"one item too many: at most {most} are allowed, this has {actual}"))
        elif kind == "too_short":
            # pydantic also says "too short" when items failed; those items say why.
            if not (isinstance(value, list) and len(value) >= err.get("ctx", {}).get("min_length", 1)):
                out.append((loc, _too_short(loc)))
        else:
            out.append((loc, err["msg"]))
    return out


def _missing(loc: Loc) -> str:
    key = loc[-1]
    if key == "drill":
        return 'a session needs at least one [[drill]]'
    if key == "format":
        return f"is missing; add format = {FORMAT_VERSION} at the top of the file"
    return "is required"


def _too_short(loc: Loc) -> str:
    if loc == ("drill",):
        return "a session needs at least one [[drill]]"
    return "must have at least one item, or be left out"


def _cross_field(raw: dict[str, Any], guess: _Guesser) -> list[tuple[Loc, str]]:
    """The model's rules between a drill's fields (``model.drill_conflicts``), checked on the raw data
    so that they are reported with the file's other problems (the model checks them only on a drill
    whose every field is valid), each at the field it names."""
    out: list[tuple[Loc, str]] = []
    drills = raw.get("drill")
    if not isinstance(drills, list):
        return out
    for i, d in enumerate(drills, start=1):
        if not isinstance(d, dict):
            continue
        for where, message in drill_conflicts(d.keys()):
            # A misspelt "hold" or "reps" is reported as an unknown key with its correction; no need
            # to also say that the drill has neither.
            if where is None and any(
                guess(k, "drill") in ("hold", "reps") for k in d if k not in TABLE_KEYS["drill"]
            ):
                continue
            out.append((("drill", i) if where is None else ("drill", i, where), message))
    return out
