"""Limits on the shape of a session file, checked on its text before the TOML parser sees it.

A few kilobytes of TOML can describe a structure that costs gigabytes to build or report on: a dotted key
of 20,000 parts, a table header 50,000 deep, 60,000 keys, a key a megabyte long, a number with a million
digits.  :func:`check_shape` walks the text once, in time linear in its length, and names the first line
where any limit is crossed.  The limits are far above anything the model accepts (see the figures
below), so a real session, however large, is never refused here.

The walk follows TOML's own rules for strings and comments (a ``[`` or ``.`` inside quotes, or after
``#``, is not structure; multi-line strings may hold anything).  Where the text stops being TOML it
stops walking: ``tomllib`` then refuses the file at or before that point, with its own message, and
never builds what lies beyond.  :func:`check_parsed` repeats the count on the parsed data, as a
second line of defence that does not depend on this walk being right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..i18n import _, ngettext

# The deepest a session nests is 5: [[drill]] > tempo = [ { phase = ... } ].  Dotted key parts, header
# parts and brackets all count one level each.
MAX_DEPTH = 12
# The longest key the format has is 19 characters (rest_between_drills).
MAX_KEY_CHARS = 128
# The longest number, date or other bare value written in a real file is about 35 characters (a date and
# time with fractions and an offset).
MAX_BARE_VALUE_CHARS = 64
# Keys (each dotted part counts), [table] headers and list items, all together.  tomllib spends about
# 10 µs on each (and the error report as much again when each is wrong), so this bounds the time a
# file can take.  200 drills (the most a session may have), each with every key, 10 cues, 3 pieces of
# equipment and a 10-phase tempo, come to about 15,000, and 200 drills of 50 cues to 14,000.  So every
# one of the model's maximums can be reached, but not all in every drill at once: 200 drills of 20
# phases each (about 20,000) are refused; a file may have 70 drills of 20 phases, or 200 of 14.
MAX_ENTRIES = 16_000

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"[ \t]*")
_BASIC_STOP = re.compile(r'["\\\n]')
_LITERAL_STOP = re.compile(r"['\n]")
_ML_BASIC_STOP = re.compile(r'\\|"""')
# Inside a value: anything that is not a string, a comment, a bracket, a comma or a line end is part of
# a number, a date, a boolean... (dots and spaces included: 1.5, 1979-05-27 07:32:00).
_SCALAR = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:[^\s#\"'\[\]{},=]*|[^\s#\"'\[\]{},=]+")
# Blank space, line ends and comments, in one step (a file of 500,000 empty comments is one match).
_BLANK = re.compile(r"(?:[ \t\r\n\ufeff]+|#[^\n]*)+")
_LINE_SPACE = re.compile(r"[ \t\r]+")
_SIMPLE_VALUE = r"(?:\"[^\"\\\n]*\"|'[^'\n]*'|[A-Za-z0-9_:.+-]{1,%d})" % MAX_BARE_VALUE_CHARS
# A pair in an inline table, and an item of a list, that need no closer look.
_INLINE_SIMPLE = re.compile(r"[ \t]*[A-Za-z0-9_-]{1,%d}[ \t]*=[ \t]*%s[ \t]*(?=[,}])" % (MAX_KEY_CHARS, _SIMPLE_VALUE))
_ITEM_SIMPLE = re.compile(r"%s[ \t]*(?=[,\]\r\n#])" % _SIMPLE_VALUE)
# The line most files are made of, ``key = 12`` or ``key = "text"``, checked in one step.
_SIMPLE_LINE = re.compile(
    r"[A-Za-z0-9_-]{1,%d}[ \t]*=[ \t]*(?:\"[^\"\\\n]*\"|'[^'\n]*'|[A-Za-z0-9_:.+-]{1,%d})[ \t]*(?:#[^\n]*)?(?=\r?\n|\Z)"
    % (MAX_KEY_CHARS, MAX_BARE_VALUE_CHARS)
)


@dataclass(frozen=True)
class ShapeProblem:
    offset: int  # where in the text the limit was crossed
    message: str


class _Refused(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.problem = ShapeProblem(offset, message)


class _NotToml(Exception):
    """The text stops being TOML here; tomllib will refuse it, so the walk can stop."""


class _Walk:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.entries = 0

    # -- counting ---------------------------------------------------------
    def count(self, pos: int, what: int = 1) -> None:
        self.entries += what
        if self.entries > MAX_ENTRIES:
            raise _Refused(pos, _too_many_entries())

    @staticmethod
    def deep(pos: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            # Translators: after the file's name; {depth} is a number (12).
            raise _Refused(pos, _("nests more than {depth} levels deep (keys, [tables] and brackets); "
                                  "a session file needs 5").format(depth=MAX_DEPTH))

    # -- strings and comments ----------------------------------------------
    def skip_string(self, pos: int) -> int:
        """``pos`` is at an opening quote; return the position after the string."""
        text = self.text
        if text.startswith('"""', pos) or text.startswith("'''", pos):
            delim = text[pos : pos + 3]
            pos += 3
            if delim == '"""':
                while True:
                    m = _ML_BASIC_STOP.search(text, pos)
                    if m is None:
                        raise _NotToml
                    if m.group(0) == "\\":
                        pos = m.end() + 1  # an escape: the next character is content (or a line break)
                        continue
                    pos = m.end()
                    break
            else:
                end = text.find("'''", pos)
                if end < 0:
                    raise _NotToml
                pos = end + 3
            # """a"""" is a string ending in one quote: up to two more quotes belong to it.
            for _quote in range(2):
                if text.startswith(delim[0], pos):
                    pos += 1
            return pos
        if text[pos] == '"':
            pos += 1
            while True:
                m = _BASIC_STOP.search(text, pos)
                if m is None or m.group(0) == "\n":
                    raise _NotToml
                if m.group(0) == "\\":
                    pos = m.end() + 1
                    continue
                return m.end()
        m = _LITERAL_STOP.search(text, pos + 1)
        if m is None or m.group(0) == "\n":
            raise _NotToml
        return m.end()

    def skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]  # [ \t]* always matches

    def skip_comment(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return self.n if end < 0 else end

    # -- keys ----------------------------------------------------------------
    def key(self, pos: int, base: int) -> tuple[int, int]:
        """A (dotted) key at ``pos`` under ``base`` levels; return (position after it, its depth)."""
        text = self.text
        depth = base
        while True:
            pos = self.skip_space(pos)
            if pos >= self.n:
                raise _NotToml
            ch = text[pos]
            if ch in "\"'":
                if text.startswith(ch * 3, pos):
                    raise _NotToml  # multi-line strings are not keys
                end = self.skip_string(pos)
                length = end - pos - 2
            else:
                m = _BARE_KEY.match(text, pos)
                if m is None:
                    raise _NotToml
                end = m.end()
                length = end - pos
            if length > MAX_KEY_CHARS:
                raise _Refused(pos, _key_too_long(length))
            depth += 1
            self.deep(pos, depth)
            self.count(pos)
            pos = self.skip_space(end)
            if pos < self.n and text[pos] == ".":
                pos += 1
                continue
            return pos, depth

    # -- values ----------------------------------------------------------------
    def value(self, pos: int, depth: int) -> int:
        """A value after ``=`` at ``depth``; return the position after it (and its brackets)."""
        text = self.text
        # Each open bracket: [kind, its depth, depth of the value being read, an item is due]
        stack: list[list[Any]] = []
        item_due = False
        key_due = False
        while pos < self.n:
            ch = text[pos]
            if ch in " \t\r\n#":
                if stack:
                    pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]  # ch is blank
                    continue
                if ch == "\n" or ch == "#":
                    return pos
                pos = _LINE_SPACE.match(text, pos).end()  # type: ignore[union-attr]
                continue
            top = stack[-1] if stack else None
            if top is not None and top[0] == "{" and key_due:
                simple = _INLINE_SIMPLE.match(text, pos)
                if simple is not None:  # k = 1 or k = "text": the whole pair in one step
                    self.deep(pos, top[1] + 1)
                    self.count(pos)
                    top[2] = top[1] + 1
                    key_due = False
                    pos = simple.end()
                    continue
                if ch == "}":
                    stack.pop()
                    key_due = item_due = False
                    pos += 1
                    if not stack:
                        return pos
                    continue
                pos, top[2] = self.key(pos, top[1])
                pos = self.skip_space(pos)
                if pos >= self.n or text[pos] != "=":
                    raise _NotToml
                pos += 1
                key_due = False
                continue
            if ch == ",":
                if top is None or item_due or key_due:
                    raise _NotToml  # a comma with no value or key before it
                item_due = top[0] == "["
                key_due = top[0] == "{"
                pos += 1
                continue
            if ch in "]}":
                if top is None or top[0] != ("[" if ch == "]" else "{"):
                    raise _NotToml
                stack.pop()
                item_due = key_due = False
                pos += 1
                if not stack:
                    return pos
                continue
            # The start of a value.
            here = depth if top is None else (top[1] if top[0] == "[" else top[2])
            if top is not None and top[0] == "[":
                if not item_due:
                    raise _NotToml  # two values with no comma between them
                self.count(pos)
                item_due = False
                simple = _ITEM_SIMPLE.match(text, pos)
                if simple is not None:  # 1 or "text": the whole item in one step
                    pos = simple.end()
                    continue
            elif top is not None and top[0] == "{" and top[2] is None:
                raise _NotToml
            if ch in "[{":
                self.deep(pos, here + 1)
                stack.append([ch, here + 1, None, ch == "["])
                item_due = ch == "["
                key_due = ch == "{"
                pos += 1
                continue
            if ch in "\"'":
                pos = self.skip_string(pos)
            else:
                m = _SCALAR.match(text, pos)
                if m is None:
                    raise _NotToml
                if m.end() - pos > MAX_BARE_VALUE_CHARS:
                    length = m.end() - pos
                    # Translators: after the file's name; {n} is a number with thousands separators, {limit} a number.
                    raise _Refused(pos, ngettext(
                        "has a value {n} character long without quotes; a number or date is at most {limit}",
                        "has a value {n} characters long without quotes; a number or date is at most {limit}",
                        length).format(n=f"{length:,}", limit=MAX_BARE_VALUE_CHARS))
                pos = m.end()
            if top is None:
                return pos
        if stack:
            raise _NotToml
        return pos

    # -- lines -------------------------------------------------------------------
    def run(self) -> None:
        text = self.text
        pos = 0
        table_depth = 0
        while pos < self.n:
            ch = text[pos]
            if ch in " \t\r\n\ufeff#":
                pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]  # ch is blank
                continue
            simple = _SIMPLE_LINE.match(text, pos)
            if simple is not None:
                self.deep(pos, table_depth + 1)
                self.count(pos)
                pos = simple.end()
                continue
            if ch == "[":
                array = text.startswith("[[", pos)
                pos, table_depth = self.key(pos + (2 if array else 1), 0)
                if not text.startswith("]]" if array else "]", pos):
                    raise _NotToml
                self.count(pos)
                pos += 2 if array else 1
            else:
                pos, depth = self.key(pos, table_depth)
                pos = self.skip_space(pos)
                if pos >= self.n or text[pos] != "=":
                    raise _NotToml
                pos = self.value(pos + 1, depth)
            # The rest of the line: spaces and a comment only.
            pos = self.skip_space(pos)
            if pos < self.n and text[pos] == "#":
                pos = self.skip_comment(pos)
            if pos < self.n and text[pos] not in "\r\n":
                raise _NotToml


def walk(text: str) -> tuple[ShapeProblem | None, bool]:
    """The first limit the text crosses (or ``None``), and whether the walk reached the end of the text.

    The walk stops early only where the text is not TOML, so for any text ``tomllib`` accepts it reaches
    the end (the fuzz tests hold it to that).
    """
    try:
        _Walk(text).run()
    except _Refused as exc:
        return exc.problem, False
    except _NotToml:
        return None, False
    return None, True


def check_shape(text: str) -> ShapeProblem | None:
    """The first limit the text crosses, or ``None`` (also when the text is not TOML: tomllib says why)."""
    return walk(text)[0]


def check_parsed(data: dict[str, Any]) -> str | None:
    """The same limits on parsed data, without recursion; a message, or ``None``."""
    entries = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            # Translators: after the file's name; {depth} is a number (12).
            return _("nests more than {depth} levels deep; a session file needs 5").format(depth=MAX_DEPTH)
        if isinstance(node, dict):
            entries += len(node)
            for key, value in node.items():
                if len(key) > MAX_KEY_CHARS:
                    return _key_too_long(len(key))
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
        elif isinstance(node, list):
            entries += len(node)
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
        if entries > MAX_ENTRIES:
            return _too_many_entries()
    return None


def _too_many_entries() -> str:
    # Translators: after the file's name; {n} is a number with thousands separators (16,000).
    return ngettext("holds more than {n} keys, tables and list items; a session file holds far fewer",
                    "holds more than {n} keys, tables and list items; a session file holds far fewer",
                    MAX_ENTRIES).format(n=f"{MAX_ENTRIES:,}")


def _key_too_long(length: int) -> str:
    # Translators: after the file's name; {n} is a number with thousands separators, {limit} a number (128).
    return ngettext("has a key {n} character long; keys are at most {limit}",
                    "has a key {n} characters long; keys are at most {limit}", length).format(
        n=f"{length:,}", limit=MAX_KEY_CHARS)
