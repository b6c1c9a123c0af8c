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
import logging
import os
import re
import tomllib
from functools import partial
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from ..i18n import N_, _, ngettext
from ..plaintext import printable
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

log = logging.getLogger(__name__)

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
        # (exc.what is safeio's English id of the kind of file: compared here, translated where shown.)
        what = _("is a folder, not a session file") if exc.what == "a folder" else (
            # Translators: after the file's name; {what} is a kind of file: "a named pipe (FIFO)", "a device"...
            _("is {what}, not a session file; only regular files are read").format(what=_(exc.what)))
        raise SessionError([Problem(label, None, "", what)]) from None
    except TooLarge as exc:
        raise SessionError([_too_big(label, exc.size)]) from None
    except FileNotFoundError:
        raise SessionError([Problem(label, None, "", _("no such file"))]) from None
    except PermissionError:
        raise SessionError([Problem(label, None, "", _("cannot be read: permission denied"))]) from None
    except OSError as exc:
        # Translators: after the file's name; {reason} is the system's reason (in English, as the system says it).
        raise SessionError([Problem(label, None, "", _("cannot be read: {reason}").format(
            reason=exc.strerror or exc))]) from None
    return parse_session(data, label)


def _too_big(label: str, size: int) -> Problem:
    return Problem(
        # Translators: after the file's name; {size} is its size in MiB, with one decimal (1.5).
        label, None, "", _("is {size} MiB; session files are limited to 1 MiB").format(size=f"{size / 1024 / 1024:.1f}")
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
                # Translators: after the file's name; {byte} is the first byte that is not UTF-8 (0xff).
                [Problem(name, line, "", _("is not UTF-8 text (byte {byte}); save it as UTF-8").format(
                    byte=f"0x{data[exc.start]:02x}"))]
            ) from None
    else:
        text = data
    if not text.strip():
        raise SessionError([Problem(name, None, "", _("is empty"))])
    raw = parse_toml(text, name)

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
                    # Translators: {format} is the file's format number, {version} the one this version reads.
                    _("this file is format {format}, made by a newer Hinge Timer; "
                      "this version reads format {version}. Update Hinge Timer to open it").format(
                        format=fmt, version=FORMAT_VERSION),
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


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """The TOML data of a session file's text, or SessionError worded for the user when the text is not
    TOML or crosses a limit of the format (checked before parsing, :func:`check_text`, and after)."""
    check_text(text, name)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SessionError([toml_problem(name, exc, text)]) from None
    except RecursionError:
        raise SessionError([Problem(name, None, "", _("is nested too deeply to be a session file"))]) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise SessionError([Problem(name, None, "", _("is not valid TOML: {reason}").format(
            reason=shown(str(exc))))]) from None
    too_much = check_parsed(raw)  # a second line of defence; check_shape has already seen all of this
    if too_much:
        raise SessionError([Problem(name, None, "", too_much)])
    return raw


def check_text(text: str, name: str) -> None:
    """Refuse text whose shape would cost far more to parse or report on than any session needs."""
    lines = text.count("\n")
    if lines > MAX_LINES:
        # Translators: after the file's name; {n} and {limit} are numbers written with thousands separators.
        raise SessionError([Problem(name, MAX_LINES + 1, "", ngettext(
            "has {n} line; session files are limited to {limit}",
            "has {n} lines; session files are limited to {limit}", lines + 1).format(
                n=f"{lines + 1:,}", limit=f"{MAX_LINES:,}"))])
    backslashes = text.count("\\")
    if backslashes > MAX_BACKSLASHES:
        at = -1
        for _i in range(MAX_BACKSLASHES + 1):
            at = text.find("\\", at + 1)
        # Translators: after the file's name; {n} and {limit} are numbers written with thousands separators.
        raise SessionError([Problem(name, text.count("\n", 0, at) + 1, "", ngettext(
            "has {n} backslash (escape); session files are limited to {limit}",
            "has {n} backslashes (escapes); session files are limited to {limit}", backslashes).format(
                n=f"{backslashes:,}", limit=f"{MAX_BACKSLASHES:,}"))])
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


def toml_problem(name: str, exc: tomllib.TOMLDecodeError, text: str = "") -> Problem:
    """A TOML syntax error, in words: the common mistakes a person makes are recognised from the line
    itself and told what to write (``_syntax_advice``); anything else keeps tomllib's own message."""
    msg = str(exc)
    line = None
    col = None
    # tomllib ends its messages with "(at line L, column C)" or "(at end of document)".
    if "(at line " in msg:
        head, _at, tail = msg.rpartition("(at line ")
        nums = tail.rstrip(")").split(", column ")
        try:
            line = int(nums[0])
            col = int(nums[1]) if len(nums) > 1 else None
        except ValueError:
            line, col = None, None
        # Translators: {message} is the TOML parser's own message (in English); {column} a number.
        msg = _("{message} (column {column})").format(message=head.strip(), column=col) if col else head.strip()
    elif "(at end of document)" in msg:
        # Translators: ends the TOML parser's own message (in English), instead of its "(at end of document)".
        msg = msg.replace("(at end of document)", _("at the end of the file")).strip()
    if text:
        try:
            advice = _syntax_advice(text, line)
        except Exception:  # advice is a kindness: a bug in it must never hide the error itself
            log.exception("working out advice for a TOML error in %s", printable(name, limit=200))
            advice = None
        if advice is not None:
            at, words = advice
            # Translators: after the file's name and line; {advice} says what to write instead.
            return Problem(name, at, "", _("is not valid TOML: {advice}").format(advice=words))
    if msg.startswith("Illegal character '\\n'"):
        # (what follows is the column, if the parser said it)
        msg = _("a quoted text is not closed before the end of the line") + msg[len("Illegal character '\\n'"):]
    # Translators: after the file's name and line; {reason} is the TOML parser's message (often in English).
    return Problem(name, line, "", _("is not valid TOML: {reason}").format(reason=f"{msg[:1].lower()}{msg[1:]}"))


# -- TOML syntax errors a person makes -----------------------------------------------------------------
#
# tomllib says where it stopped ("Invalid value (at line 3, column 9)"), not what was meant.  The line it
# names (or, for something left open, the line where it was opened) is looked at here: a key and its
# value, a table header, the items of a list.  The advice never rests on tomllib's wording, only on the
# text, and a suggested line is offered only if it parses.  At most ``_ADVICE_MAX`` characters of a line
# are looked at and every pattern is linear, so a hostile line costs nothing.

_ADVICE_MAX = 400  # characters of a line looked at
_EXAMPLE_MAX = 100  # a suggested line longer than this is described, not shown

# What each key of the format holds (tests/unit/test_load_syntax.py checks that every key has its kind).
SECONDS_KEYS = frozenset({"hold", "seconds", "get_ready", "rest_between_sets", "rest_between_drills",
                          "rest_after", "switch_sides"})
COUNT_KEYS = frozenset({"reps", "sets", "format"})
TEXT_KEYS = frozenset({"title", "summary", "name", "how", "caution", "phase", "say", "dose", "movement", "language"})
TEXT_LIST_KEYS = frozenset({"cues", "equipment", "sides"})
TABLE_KEYS_OF_TABLES = frozenset({"tempo", "cycle", "drill", "defaults", "translations"})
FLAG_KEYS = frozenset({"critical"})  # true or false
_EXAMPLE = {"format": "1", "reps": "10", "sets": "[2, 3]", "dose": '"low"', "sides": '["left", "right"]'}

_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"\n]*\")"
_KEY_VALUE = re.compile(rf"\s*({_PART}(?:[ \t]*\.[ \t]*{_PART})*)[ \t]*=[ \t]*(.*)")
_WORDS_THEN_EQUALS = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*(?:[ \t]+[A-Za-z0-9_-]+)+)[ \t]*=[ \t]*(.*)")
_KEY_NO_EQUALS = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)(?:[ \t]*:[ \t]*|[ \t]+|$)(.*)")
_HEADER = re.compile(r"\s*\[")
_SCAN = re.compile("\"\"\"|'''|[\"'\\[\\]{}#]")
# What ends each kind of string; a backslash escapes the next character in the basic kinds, and a
# one-line string ends with its line at the latest.
_STRING_END = {'"""': re.compile(r'\\.|"""', re.S), "'''": re.compile("'''"),
               '"': re.compile(r'\\.|"|\n'), "'": re.compile(r"'|\n")}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+|\S")
_SMART = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb"
_UNITS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
          "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
          "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600}
_RANGE_WORDS = ("-", "\u2013", "\u2014", "to")
_FILLER = frozenset({"each", "side", "per", "leg", "a", "on"})  # "60 seconds each side"
_COUNT_WORDS = frozenset({"rep", "reps", "set", "sets", "x", "times", "each", "side", "per", "leg"})


def _parses(line: str) -> bool:
    try:
        tomllib.loads(line)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False
    return True


def _example(line: str) -> str:
    """``: LINE`` to end a piece of advice with, or nothing when the line is too long to be an example."""
    return f": {line}" if len(line) <= _EXAMPLE_MAX else ""


def _bare_key(key: str) -> str:
    return key.rpartition(".")[2].strip().strip('"')


def _key_kind(key: str) -> str:
    last = _bare_key(key)
    for kind, keys in (("seconds", SECONDS_KEYS), ("count", COUNT_KEYS), ("text", TEXT_KEYS),
                       ("text list", TEXT_LIST_KEYS), ("tables", TABLE_KEYS_OF_TABLES), ("flag", FLAG_KEYS)):
        if last in keys:
            return kind
    return ""


def _open_at(text: str, stop_line: int | None) -> tuple[list[tuple[str, int]], tuple[str, int] | None]:
    """What is still open at the start of line ``stop_line`` (at the end of the text, for None): the
    brackets, each with the line it was opened on, and a multi-line string (its quotes and line).

    Linear, and mostly at C speed: comments and strings are skipped whole (``str.find``, a search), so
    only brackets (which the shape limits have already bounded) and the start of each comment or
    string come back to Python."""
    stack: list[tuple[str, int]] = []
    end = len(text)
    if stop_line is not None:
        end = -1
        for _i in range(stop_line - 1):
            end = text.find("\n", end + 1)
            if end < 0:
                end = len(text)
                break
        end = max(end, 0)
    line, counted = 1, 0  # the line of offset ``counted``

    def line_at(offset: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, offset)
        counted = offset
        return line

    pos = 0
    while True:
        m = _SCAN.search(text, pos, end)
        if m is None:
            return stack, None
        tok, at = m.group(), m.start()
        if tok == "#":
            nl = text.find("\n", at, end)
            if nl < 0:
                return stack, None
            pos = nl + 1
        elif tok in _STRING_END:
            close = _STRING_END[tok].search(text, at + len(tok), end)
            while close is not None and close.group()[0] == "\\":  # an escaped character: not the end
                close = _STRING_END[tok].search(text, close.end(), end)
            if close is None:
                if len(tok) == 3:
                    return stack, (tok, line_at(at))
                return stack, None
            pos = close.end()
        elif tok in "[{":
            stack.append((tok, line_at(at)))
            pos = at + 1
        else:
            if stack:
                stack.pop()
            pos = at + 1


def _key_of(line_text: str) -> str:
    m = _KEY_VALUE.match(line_text[:_ADVICE_MAX])
    return m.group(1).strip() if m else ""


def _syntax_advice(text: str, line: int | None) -> tuple[int | None, str] | None:
    """What to write instead, and the line to say it at, for the syntax error tomllib found at ``line``
    (None: at the end of the text); None when it is none of the common mistakes."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if line is not None and not 1 <= line <= len(lines):
        return None
    stack, multiline = _open_at(text, line)
    if multiline is not None:
        quotes, opened = multiline
        # Translators: {quotes} is \"\"\" or \'\'\', the quotes that open a text of several lines.
        return opened, _("the text that starts here with {quotes} is never closed: end it with {quotes}").format(
            quotes=quotes)
    if line is None:
        return _unclosed(stack[0], lines, None) if stack else None
    src = lines[line - 1]
    if len(src) > _ADVICE_MAX:
        return None
    if stack:  # inside a list (or a { } table) opened on an earlier line
        if stack[0][1] < line and (_HEADER.match(src) or _KEY_VALUE.match(src)):
            return _unclosed(stack[0], lines, line)
        return _list_items(src, line)
    if _HEADER.match(src):
        return _header_advice(src, line, lines)
    if src.strip().startswith("{") or re.match(r'\s*"[^"\n]*"\s*:', src):
        # Translators: key = value and title = "Evening stretch" are what a file holds: keep them as they are.
        return line, _("this looks like JSON, but a session file is TOML: one key = value a line, "
                       'for example title = "Evening stretch"')
    kv = _KEY_VALUE.match(src)
    if kv is not None:
        return _key_value_advice(kv.group(1).strip(), kv.group(2), src, line, lines)
    spaced = _WORDS_THEN_EQUALS.match(src)
    if spaced is not None:
        key = re.sub(r"[ \t]+", "_", spaced.group(1).strip()).lower()
        value = spaced.group(2).strip()
        fixed = f"{key} = {value}" if _parses(f"{key} = {value}") else f"{key} = {_fixed_value(key, value) or ''}"
        if _parses(fixed):
            # Translators: {example} is ": " and the corrected line of the file, or nothing (when it is too long).
            return line, _("a key has no spaces in it{example}").format(example=_example(fixed))
        # Translators: {key} is the key as it should be written.
        return line, _("a key has no spaces in it: write {key}").format(key=key)
    bare = _KEY_NO_EQUALS.match(src)
    if bare is not None:
        key, value = bare.group(1), bare.group(2).strip()
        if not value:
            # Translators: {key} is a key of the file; {example} is ": " and an example line, or nothing.
            return line, _("{key} needs = and a value after it{example}").format(
                key=key, example=_example(f"{key} = {_value_example(key)}"))
        fixed = f"{key} = {value}"
        if not _parses(fixed):
            fixed = f"{key} = {_fixed_value(key, value) or ''}"
        if _parses(fixed):
            # Translators: {example} is ": " and the corrected line of the file, or nothing.
            return line, _("put = between the key and its value{example}").format(example=_example(fixed))
        # Translators: {key} is a key of the file.
        return line, _("put = between {key} and its value").format(key=key)
    return None


def _unclosed(opener: tuple[str, int], lines: list[str], before: int | None) -> tuple[int, str]:
    bracket, at = opener
    key = _key_of(lines[at - 1])
    if bracket == "[":
        if key:
            # Translators: {key} is a key of the file; {line} a line number.
            message = (_("the list of {key} that starts here is not closed: end it with ] before line {line}")
                       if before is not None else
                       _("the list of {key} that starts here is not closed: end it with ]"))
        else:
            message = (_("the list that starts here is not closed: end it with ] before line {line}")
                       if before is not None else _("the list that starts here is not closed: end it with ]"))
    elif key:
        message = (_("the {{ }} table of {key} that starts here is not closed: end it with }} before line {line}")
                   if before is not None else
                   _("the {{ }} table of {key} that starts here is not closed: end it with }}"))
    else:
        message = (_("the {{ }} table that starts here is not closed: end it with }} before line {line}")
                   if before is not None else _("the {{ }} table that starts here is not closed: end it with }}"))
    return at, message.format(key=key, line=before)


def _list_items(src: str, line: int) -> tuple[int, str] | None:
    """A line of items in a list written over several lines: bare text that needs quotes."""
    if '"' in src or "'" in src:
        return None
    body = src.split("#", 1)[0].strip()
    if not body or any(c in body for c in "{}[]="):
        return None
    items = [i.strip() for i in body.rstrip(",").split(",") if i.strip()]
    if items and all(re.search(r"[A-Za-z]", i) for i in items):
        quoted = ", ".join(_quote(i) for i in items) + ("," if body.endswith(",") else "")
        if _parses(f"x = [{quoted.rstrip(',')}]"):
            # Translators: {example} is ": " and the corrected items, or nothing.
            return line, _("each text in a list goes in double quotes{example}").format(example=_example(quoted))
    return None


def _quote(text: str) -> str:
    """``text`` as a TOML string in double quotes (its quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _header_advice(src: str, line: int, lines: list[str]) -> tuple[int, str] | None:
    header = src.split("#", 1)[0].strip()
    if _parses(header):  # a good header: it is there twice, [drill] and [[drill]] are mixed, or a key has its name
        name = header.strip("[] \t")
        if name == "drill":
            single = re.compile(r"\s*\[\s*drill\s*\]\s*(?:#.*)?$")
            singles = [i + 1 for i in range(line) if single.match(lines[i][:_ADVICE_MAX])]
            if len(singles) > 1:
                # Translators: {lines} are more line numbers with the same mistake ("7, 12").
                return singles[0], _("each drill starts with [[drill]], with two brackets on each side "
                                     "(line {lines} too)").format(lines=", ".join(map(str, singles[1:])))
            if singles:
                return singles[0], _("each drill starts with [[drill]], with two brackets on each side")
        earlier = _earlier_header(lines, line, name)
        if earlier is not None and name != "drill":
            # Translators: {name} is a table's name ([defaults]); {line} a line number.
            return line, _("[{name}] is here twice (first on line {line}): put all its keys under one [{name}]").format(
                name=name, line=earlier)
        as_key = _earlier_key(lines, line, name, top_only=True)
        if as_key is not None:
            # Translators: {name} is a table's name; "{name} = …" is the line to take away.
            return as_key, _("{name} is a table, not a value: take away {name} = … on this line").format(name=name)
        return None
    if "drill" in header.lower():
        return line, _("each drill starts with a line [[drill]], with two brackets on each side")
    words = re.findall(r"[A-Za-z0-9_-]+", header)
    if len(words) == 1:
        # Translators: {name} is the name written in the header.
        return line, _("a table header is a name in brackets, such as [{name}], or [[drill]] for each drill").format(
            name=words[0])
    return None


def _earlier_header(lines: list[str], line: int, name: str) -> int | None:
    pattern = re.compile(r"\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(?:#.*)?$")
    for i in range(line - 1):
        if pattern.match(lines[i][:_ADVICE_MAX]):
            return i + 1
    return None


def _earlier_key(lines: list[str], line: int, key: str, top_only: bool = False) -> int | None:
    """The line where ``key`` was set before ``line`` in the same table (``top_only``: at the top of the
    file, before the first table header)."""
    span = range(0, line - 1) if top_only else range(line - 2, -1, -1)
    for i in span:
        text = lines[i][:_ADVICE_MAX]
        if _HEADER.match(text):
            return None
        if _key_of(text) == key:
            return i + 1
    return None


def _key_value_advice(key: str, rest: str, src: str, line: int, lines: list[str]) -> tuple[int, str] | None:
    if _parses(src):  # the line is good by itself: the key is given twice in its table
        earlier = _earlier_key(lines, line, key)
        if earlier is not None:
            # Translators: {key} is a key of the file; {line} a line number.
            return line, _("{key} is given twice (first on line {line}): keep one of them").format(
                key=key, line=earlier)
        return None
    value = rest.strip()
    if not value or value.startswith("#"):
        # Translators: {key} is a key of the file; {example} is ": " and an example line, or nothing.
        return line, _("{key} has no value: write one after the ={example}").format(
            key=key, example=_example(f"{key} = {_value_example(key)}"))
    if any(c in value for c in _SMART):
        plain = value
        for c in _SMART:
            plain = plain.replace(c, '"')
        fixed = f"{key} = {plain}"
        if not _parses(fixed):
            fixed = f"{key} = {_quote(value.strip(_SMART + ' '))}"
        hint = _example(fixed) if _parses(fixed) else ""
        # Translators: {example} is ": " and the corrected line of the file, or nothing.
        return line, _("curly quotes (\u201c \u201d) are not quotes in a session file: "
                       "type straight ones{example}").format(example=hint)
    if value.startswith("="):
        fixed = f"{key} = {value.lstrip('= ')}"
        # Translators: {example} is ": " and the corrected line of the file, or nothing.
        return line, _("one = is enough{example}").format(example=_example(fixed) if _parses(fixed) else "")
    if value[0] in "[{":
        return _bracket_advice(key, value, line)
    if value[0] in "\"'":
        return _quoted_advice(key, value, line)
    bare = value.split("#", 1)[0].strip()
    trimmed = bare.rstrip(",;").rstrip()
    if trimmed != bare and _parses(f"{key} = {trimmed}"):
        return line, _off_the_end(bare.endswith(","), _example(f"{key} = {trimmed}"))
    fixed_value = _fixed_value(key, trimmed)
    if fixed_value is None or not _parses(f"{key} = {fixed_value}"):
        return None
    fixed = f"{key} = {fixed_value}"
    kind = _key_kind(key)
    ranged = fixed_value.startswith("[")
    return line, _what_it_is(key, fixed_value) + _example(fixed)  # (the example: ": " and a line of the file)


def _off_the_end(comma: bool, example: str) -> str:
    """Advice to take a comma (or a semicolon) off the end of a line, with ``example`` (": LINE" or "")."""
    if comma:
        # Translators: {example} is ": " and the corrected line of the file, or nothing.
        return _("take the comma off the end{example}").format(example=example)
    # Translators: {example} is ": " and the corrected line of the file, or nothing.
    return _("take the semicolon off the end{example}").format(example=example)


def _what_it_is(key: str, fixed_value: str) -> str:
    """What ``key`` holds, said to go before an example of it (": LINE")."""
    kind = _key_kind(key)
    ranged = fixed_value.startswith("[")
    if _bare_key(key) == "seconds":
        # Translators: {key} is a key of the file (hold, sets...); "[min, max]" is how a range is written: keep it.
        return (_("{key} is a whole number without a unit, or [min, max] for a range") if ranged
                else _("{key} is a whole number without a unit")).format(key=key)
    if kind == "seconds" or (not kind and fixed_value[0] in "[0123456789"):
        return (_("{key} is a number of seconds without a unit, or [min, max] for a range") if ranged
                else _("{key} is a number of seconds without a unit")).format(key=key)
    if kind == "count":
        return (_("{key} is a whole number, or [min, max] for a range") if ranged
                else _("{key} is a whole number, without a word after it")).format(key=key)
    if kind == "text list":
        return _("{key} is a list of texts, each in double quotes").format(key=key)
    return _("text goes in double quotes")


def _value_example(key: str) -> str:
    last = _bare_key(key)
    if last in _EXAMPLE:
        return _EXAMPLE[last]
    return {"seconds": "60", "count": "10", "text list": '["..."]'}.get(_key_kind(key), '"..."')


def _fixed_value(key: str, value: str) -> str | None:
    """A value of the right kind for ``key``, made from what the person wrote, or None."""
    kind = _key_kind(key)
    if kind == "seconds" or not kind:
        got = _seconds_or_range(value)
        if got is not None or kind:
            return got
    if kind == "count":
        return _count_or_range(value)
    if kind == "text list":
        items = [i.strip() for i in value.split(",") if i.strip()]
        return "[" + ", ".join(_quote(i) for i in items) + "]" if items else None
    if kind == "tables":
        return None
    if value and re.search(r"[A-Za-z]", value):
        return _quote(value)
    return None


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _number(tok: str) -> float | None:
    try:
        return float(tok.replace(",", "."))
    except ValueError:
        return None


def _seconds_of(text: str) -> int | None:
    """``2 min``, ``90s``, ``1:30``, ``1m30s``, ``1 min 30``, ``1.5 minutes`` in whole seconds, or None."""
    t = text.strip().lower().rstrip(".")
    clock = re.fullmatch(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?", t)
    if clock:
        a, b, c = clock.groups()
        total_s = int(a) * 3600 + int(b) * 60 + int(c) if c else int(a) * 60 + int(b)
        return total_s or None
    toks = [tok for tok in _tokens(t) if tok not in _FILLER]
    total = 0.0
    i = 0
    last_unit: int | None = None
    while i < len(toks):
        n = _number(toks[i])
        if n is None:
            return None
        unit = toks[i + 1] if i + 1 < len(toks) and toks[i + 1] in _UNITS else None
        if unit is None:  # "1 min 30": a last number after minutes is seconds
            if i + 1 < len(toks) or last_unit != 60:
                return None
            unit_s, i = 1, i + 1
        else:
            unit_s, i = _UNITS[unit], i + 2
        total += n * unit_s
        last_unit = unit_s
    if last_unit is None or total != int(total) or total <= 0:
        return None
    return int(total)


def _split_range(text: str) -> tuple[str, str] | None:
    for word in _RANGE_WORDS:
        sep = f" {word} " if word.isalpha() else word
        left, found, right = text.partition(sep)
        if found and left.strip() and right.strip():
            return left.strip(), right.strip()
    return None


def _seconds_or_range(value: str) -> str | None:
    """The seconds (``120``) or the range (``[60, 120]``) a person meant by a time with a unit, or None."""
    pair = _split_range(value)
    if pair is not None:
        left, right = pair
        unit = re.search(r"[A-Za-z]+\s*$", right)
        hi = _seconds_of(right)
        lo = _seconds_of(left) if re.search(r"[A-Za-z:]", left) else _seconds_of(left + (unit.group() if unit else "s"))
        return f"[{lo}, {hi}]" if lo is not None and hi is not None and lo < hi else None
    if not re.search(r"[A-Za-z:]", value):  # a plain number is not what went wrong
        return None
    got = _seconds_of(value)
    return None if got is None else str(got)


def _count_or_range(value: str) -> str | None:
    """``10 reps``, ``3 sets``, ``x10``, ``2-3`` or ``2 to 3 sets`` as a count or a range, or None."""
    pair = _split_range(value)
    numbers = []
    for part in ([pair[0], pair[1]] if pair else [value]):
        toks = [t for t in _tokens(part) if t not in _COUNT_WORDS]
        if len(toks) != 1 or not toks[0].isdigit():
            return None
        numbers.append(int(toks[0]))
    if len(numbers) == 2:
        return f"[{numbers[0]}, {numbers[1]}]" if numbers[0] < numbers[1] else None
    return str(numbers[0])


def _bracket_advice(key: str, value: str, line: int) -> tuple[int, str] | None:
    body = value.rstrip()
    if "{" in body:
        if body.count("{") > body.count("}"):
            if "]" in body[body.rfind("{"):]:
                return line, _("a { } table is not closed: end it with } before the ]")
            return line, _("a { } table must be written on one line: put everything from { to its } on this line")
        if re.search(r",\s*\}", body):
            fixed = f"{key} = " + re.sub(r",(\s*)}", r"\1}", body)
            # Translators: {example} is ": " and the corrected line of the file, or nothing.
            return line, _("take away the comma before }}{example}").format(
                example=_example(fixed) if _parses(fixed) else "")
        return _inline_pairs(body, line)
    body = body.split("#", 1)[0].rstrip() if '"' not in body and "'" not in body else body
    if '"' in body or "'" in body or not body.endswith("]"):
        return None
    items = [i.strip() for i in body[1:-1].split(",") if i.strip()]
    kind = _key_kind(key)
    if kind in ("seconds", "count") and len(items) == 2:
        each = [_seconds_of(i) if kind == "seconds" else _count_or_range(i) for i in items]
        fixed = f"{key} = [{each[0]}, {each[1]}]"
        if None not in each and _parses(fixed):
            # Translators: "[min, max]" is how a range is written: keep it; {example} is ": " and the corrected
            # line of the file, or nothing.
            if kind == "seconds":
                return line, _("a range is [min, max], in seconds, without units{example}").format(
                    example=_example(fixed))
            return line, _("a range is [min, max], in whole numbers{example}").format(example=_example(fixed))
        return None
    if items and kind not in ("seconds", "count") and all(re.search(r"[A-Za-z]", i) for i in items):
        fixed = f"{key} = [{', '.join(_quote(i) for i in items)}]"
        if _parses(fixed):
            # Translators: {example} is ": " and the corrected line of the file, or nothing.
            return line, _("each text in a list goes in double quotes{example}").format(example=_example(fixed))
    return None


def _inline_pairs(body: str, line: int) -> tuple[int, str] | None:
    """A ``key = value`` inside ``{ }`` with the value written wrongly (``seconds = 2 s``): the pair's fix."""
    for table in re.finditer(r"\{([^{}]*)\}", body):
        for pair in _split_outside_quotes(table.group(1)):
            m = _KEY_VALUE.match(pair)
            if m is None or _parses(pair.strip()):
                continue
            key, value = m.group(1).strip(), m.group(2).strip()
            fixed_value = _fixed_value(key, value)
            if fixed_value is not None and _parses(f"{key} = {fixed_value}"):
                return line, _what_it_is(key, fixed_value) + f": {key} = {fixed_value}"  # (": " and the line)
    return None


def _split_outside_quotes(text: str) -> list[str]:
    parts, start, quote = [], 0, ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == ",":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _quoted_advice(key: str, value: str, line: int) -> tuple[int, str] | None:
    q = value[0]
    close = value.find(q, 1)
    while q == '"' and close > 0 and value[close - 1] == "\\":
        close = value.find(q, close + 1)
    if close < 0:
        fixed = f"{key} = {_quote(value[1:].rstrip())}"
        hint = _example(fixed) if _parses(fixed) else ""
        # Translators: {quote} is the quote the text began with; {example} is ": " and the corrected line of
        # the file, or nothing.
        return line, _('the text is not closed on this line: end it with {quote}{example} '
                       '(text over several lines goes between """ and """)').format(quote=q, example=hint)
    after = value[close + 1:].strip()
    if not after or after.startswith("#"):
        return None
    if after in (",", ";"):
        return line, _off_the_end(after == ",", _example(f"{key} = {value[:close + 1]}"))
    words = after.split("#", 1)[0].rstrip()
    if q == "'" and re.match(r"[A-Za-z]", words):  # 'Kim's stretch': the apostrophe ended the text
        fixed = f"{key} = {_quote(value[1:close] + q + words.rstrip(q))}"
        if _parses(fixed):
            # Translators: {example} is ": " and the corrected line of the file, or nothing.
            return line, _("an apostrophe ends a text in single quotes: use double quotes{example}").format(
                example=_example(fixed))
    fixed = f"{key} = {_quote((value[1:close] + ' ' + words.strip(q + ' ')).strip())}"
    if _parses(fixed):
        # Translators: {example} is ": " and the corrected line of the file, or nothing.
        return line, _("put all of the text inside the quotes{example}").format(example=_example(fixed))
    return None


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
        "figure": "movement", "animation": "movement",
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
        # Translators: {key} is a key of the file that belongs at its top (title, format...).
        return _('unknown key "{key}" here; {key} belongs at the top of the file, '
                 "before the first [table] line").format(key=key)
    quoted = shown(key)  # at most SHOWN_MAX characters of it
    guess = suggest(key, allowed, kind or "")
    if guess:
        # Translators: {key} is the unknown key, in quotes; {guess} the known key it is close to.
        return _('unknown key {key}; did you mean "{guess}"?').format(key=quoted, guess=guess)
    if allowed:
        # Translators: {key} is the unknown key, in quotes; {keys} the keys this table accepts.
        return _("unknown key {key}; allowed here: {keys}").format(key=quoted, keys=", ".join(allowed))
    # Translators: {key} is the unknown key, in quotes.
    return _("unknown key {key}").format(key=quoted)


# Translators: {value} is the value the file has, as it is quoted back ("60", a list of 3 items...).
_TYPE_WORDS = {
    "dict_type": N_("expected a table, got {value}"),
    "model_type": N_("expected a table, got {value}"),
    "model_attributes_type": N_("expected a table, got {value}"),
    "tuple_type": N_("expected a list, got {value}"),
    "list_type": N_("expected a list, got {value}"),
    "int_type": N_("expected a whole number, got {value}"),
    "int_parsing": N_("expected a whole number, got {value}"),
    "string_type": N_("expected text in quotes, got {value}"),
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
            out.append((loc, _("each drill needs its own [[drill]] header, with two brackets; "
                               "this file has a single [drill] table")))
        elif kind in _TYPE_WORDS:
            out.append((loc, _(_TYPE_WORDS[kind]).format(value=shown(value))))
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            # Translators: {choices} are the values allowed ("low" or "high"; pydantic's words, in English);
            # {value} the value the file has.
            out.append((loc, _("expected one of {choices}, got {value}").format(
                choices=expected.replace(chr(39), chr(34)), value=shown(value))))
        elif kind == "too_long":
            ctx = err.get("ctx", {})
            most, actual = ctx.get("max_length", 0), ctx.get("actual_length", 0)
            # Point at the first item too many, so the line is where the excess starts.
            # Translators: {most} and {actual} are numbers of items (of a list).
            out.append((loc + (most + 1,), ngettext("one item too many: at most {most} is allowed, this has {actual}",
                                                    "one item too many: at most {most} are allowed, this has {actual}",
                                                    most).format(most=most, actual=actual)))
        elif kind == "too_short":
            # pydantic also says "too short" when items failed; those items say why.
            if not (isinstance(value, list) and len(value) >= err.get("ctx", {}).get("min_length", 1)):
                out.append((loc, _too_short(loc)))
        else:
            out.append((loc, err["msg"]))  # pydantic's own words (the model words every error it can)
    return out


def _missing(loc: Loc) -> str:
    key = loc[-1]
    if key == "drill":
        return _("a session needs at least one [[drill]]")
    if key == "format":
        # Translators: "format = {version}" is the line to add, as it is written in the file.
        return _("is missing; add format = {version} at the top of the file").format(version=FORMAT_VERSION)
    return _("is required")


def _too_short(loc: Loc) -> str:
    if loc == ("drill",):
        return _("a session needs at least one [[drill]]")
    return _("must have at least one item, or be left out")


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
