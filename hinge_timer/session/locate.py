"""Find the line of a field in TOML text, so errors can say where to look.

``tomllib`` returns plain data with no positions.  This scanner walks the
text once and records the line of every table header, every key (including
keys inside inline tables) and every element of an array.  Paths use the same
shape as the error paths: array indices count from 1, so the third
``[[drill]]`` block is ``("drill", 3)`` and its second tempo phase is
``("drill", 3, "tempo", 2)``.  It never raises: on text it does not
understand it simply knows fewer lines.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_KEY_RE = re.compile(rf"\s*({_DOTTED})\s*=")
_HEADER_RE = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_PART_RE = re.compile(_KEY_PART)


def _split_key(dotted: str) -> list[str]:
    parts = []
    for m in _PART_RE.finditer(dotted):
        part = m.group(0)
        if part[0] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return parts


class Locator:
    def __init__(self, text: str) -> None:
        self.keys: dict[Path, int] = {}
        self.tables: dict[Path, int] = {}
        self.elements: dict[Path, list[int]] = {}
        self._array_tables: dict[Path, int] = {}  # resolved path of an array of tables -> count so far
        try:
            self._scan(text.splitlines())
        except Exception:  # pragma: no cover - positions are a courtesy only
            pass

    def line_of(self, path: Path) -> int | None:
        """The line of ``path`` or, failing that, of its nearest parent."""
        for k in range(len(path), 0, -1):
            p = path[:k]
            if p in self.keys:
                return self.keys[p]
            last = p[-1]
            if isinstance(last, int) and p[:-1] in self.elements:
                lines = self.elements[p[:-1]]
                if 1 <= last <= len(lines):
                    return lines[last - 1]
            if p in self.tables:
                return self.tables[p]
        return None

    # -- scanning -------------------------------------------------------
    def _resolve(self, parts: list[str]) -> Path:
        """A header's parts as a path, with the current index of every enclosing array of tables."""
        out: Path = ()
        for i, part in enumerate(parts):
            out = out + (part,)
            count = self._array_tables.get(out)
            if count is not None and i < len(parts) - 1:
                out = out + (count,)
        return out

    def _scan(self, lines: list[str]) -> None:
        table: Path = ()
        i = 0
        while i < len(lines):
            line = lines[i]
            header = _HEADER_RE.match(line)
            if header:
                parts = _split_key(header.group(2))
                if header.group(1) == "[[":
                    # Counted per parent: drill 2's [[drill.tempo]] starts again at 1.
                    base = self._resolve(parts)
                    n = self._array_tables.get(base, 0) + 1
                    self._array_tables[base] = n
                    self.tables.setdefault(base, i + 1)
                    table = base + (n,)
                else:
                    table = self._resolve(parts)
                self.tables.setdefault(table, i + 1)
                i += 1
                continue
            key = _KEY_RE.match(line)
            if key:
                keyparts: tuple[str, ...] = tuple(_split_key(key.group(1)))
                for k in range(1, len(keyparts) + 1):  # a.b.c = 1 also places a and a.b
                    self.keys.setdefault(table + keyparts[:k], i + 1)
                path = table + keyparts
                i = self._scan_value(lines, i, key.end(), path)
                continue
            i += 1

    def _scan_value(self, lines: list[str], i: int, col: int, key_path: Path) -> int:
        """Scan one value starting at ``lines[i][col]``; return the next line."""
        # Each open bracket: [kind, path, element count, pending key path]
        stack: list[list[object]] = []
        string: str | None = None
        expect_element = False
        expect_key = False
        while i < len(lines):
            line = lines[i]
            j = col
            while j < len(line):
                ch = line[j]
                if string is not None:
                    if len(string) == 3:
                        if line.startswith(string, j):
                            string = None
                            j += 3
                            continue
                        j += 2 if (string == '"""' and ch == "\\") else 1
                        continue
                    if ch == "\\" and string == '"':
                        j += 2
                        continue
                    if ch == string:
                        string = None
                    j += 1
                    continue
                if ch == "#":
                    break
                if ch in " \t":
                    j += 1
                    continue
                top = stack[-1] if stack else None
                if top is not None and top[0] == "{" and expect_key:
                    m = _KEY_RE.match(line, j)
                    if m:
                        assert isinstance(top[1], tuple)
                        path = top[1] + tuple(_split_key(m.group(1)))
                        self.keys.setdefault(path, i + 1)
                        top[3] = path
                        expect_key = False
                        j = m.end()
                        continue
                value_path: Path | None = None
                if top is not None and top[0] == "[" and expect_element and ch not in ",]":
                    assert isinstance(top[1], tuple) and isinstance(top[2], int)
                    top[2] += 1
                    self.elements.setdefault(top[1], []).append(i + 1)
                    value_path = top[1] + (top[2],)
                    expect_element = False
                elif top is not None and top[0] == "{":
                    value_path = top[3] if isinstance(top[3], tuple) else None
                elif top is None:
                    value_path = key_path
                if line.startswith('"""', j) or line.startswith("'''", j):
                    string = line[j : j + 3]
                    j += 3
                    continue
                if ch in "\"'":
                    string = ch
                elif ch == "[":
                    stack.append(["[", value_path or (), 0, None])
                    expect_element = True
                elif ch == "{":
                    stack.append(["{", value_path or (), 0, None])
                    expect_key = True
                elif ch in "]}":
                    if stack:
                        stack.pop()
                    expect_element = expect_key = False
                elif ch == ",":
                    if top is not None:
                        expect_element = top[0] == "["
                        expect_key = top[0] == "{"
                j += 1
            i += 1
            col = 0
            if string is not None and len(string) == 1:
                string = None  # an unclosed one-line string; tomllib reports it
            if not stack and string is None:
                return i
        return i
