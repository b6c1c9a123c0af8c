"""Find the line of a field in TOML text, so errors can say where to look.

``tomllib`` returns plain data with no positions.  This scanner walks the
text once and records the line of every table header, every key (including
keys inside inline tables) and every element of an array.  Paths use the same
shape as the error paths: array indices count from 1, so the third
``[[drill]]`` block is ``("drill", 3)`` and its second tempo phase is
``("drill", 3, "tempo", 2)``.  It never raises: on text it does not
understand it simply knows fewer lines.

The scan is linear in the size of the text, whatever its shape: a path is
never copied or hashed whole.  Each path is a node number, and a node's child
is found from the pair (node, part), so extending a path by one part costs
the same at depth 50,000 as at depth 1.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]
Part = str | int

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_KEY_RE = re.compile(rf"\s*({_DOTTED})\s*=")
_HEADER_RE = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_PART_RE = re.compile(_KEY_PART)
# ``key = 12`` or ``key = "text"``: most lines of a file, placed without scanning the value.
_SIMPLE_RE = re.compile(r"""\s*([A-Za-z0-9_-]+)\s*=\s*(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_:.+-]+)\s*(?:#.*)?""")
# Where a run of plain value characters (a number, a date, a word) ends.
_PLAIN = re.compile(r"""[\s#"'\[\]{},]""")
# What can end each kind of string (or escape the next character, in the basic kinds).
_STRING_STOP = {
    '"': re.compile(r'["\\]'),
    "'": re.compile(r"'"),
    '"""': re.compile(r'\\|"""'),
    "'''": re.compile("'''"),
}

_ROOT = 0


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
        self._nodes: dict[tuple[int, Part], int] = {}  # (parent node, part) -> node
        self.keys: dict[int, int] = {}  # node -> line
        self.tables: dict[int, int] = {}
        self.elements: dict[int, list[int]] = {}  # node of an array -> line of each element
        self._array_tables: dict[int, int] = {}  # node of an array of tables -> count so far
        try:
            self._scan(text.splitlines())
        except Exception:  # pragma: no cover - positions are a courtesy only
            pass

    def _child(self, node: int, part: Part) -> int:
        found = self._nodes.get((node, part))
        if found is None:
            found = self._nodes[(node, part)] = len(self._nodes) + 1
        return found

    def line_of(self, path: Path) -> int | None:
        """The line of ``path`` or, failing that, of its nearest parent."""
        nodes = [_ROOT]  # nodes[k] is the node of path[:k], as far as the text has it
        for part in path:
            found = self._nodes.get((nodes[-1], part))
            if found is None:
                break
            nodes.append(found)
        for k in range(len(path), 0, -1):
            if k < len(nodes):
                line = self.keys.get(nodes[k])
                if line is not None:
                    return line
            last = path[k - 1]
            if isinstance(last, int) and k - 1 < len(nodes) and nodes[k - 1] in self.elements:
                lines = self.elements[nodes[k - 1]]
                if 1 <= last <= len(lines):
                    return lines[last - 1]
            if k < len(nodes):
                line = self.tables.get(nodes[k])
                if line is not None:
                    return line
        return None

    # -- scanning -------------------------------------------------------
    def _resolve(self, parts: list[str]) -> int:
        """A header's parts as a node, with the current index of every enclosing array of tables."""
        node = _ROOT
        for i, part in enumerate(parts):
            node = self._child(node, part)
            count = self._array_tables.get(node)
            if count is not None and i < len(parts) - 1:
                node = self._child(node, count)
        return node

    def _scan(self, lines: list[str]) -> None:
        table = _ROOT
        i = 0
        while i < len(lines):
            line = lines[i]
            simple = _SIMPLE_RE.fullmatch(line)
            if simple:
                self.keys.setdefault(self._child(table, simple.group(1)), i + 1)
                i += 1
                continue
            header = _HEADER_RE.match(line)
            if header:
                parts = _split_key(header.group(2))
                if header.group(1) == "[[":
                    # Counted per parent: drill 2's [[drill.tempo]] starts again at 1.
                    base = self._resolve(parts)
                    n = self._array_tables.get(base, 0) + 1
                    self._array_tables[base] = n
                    self.tables.setdefault(base, i + 1)
                    table = self._child(base, n)
                else:
                    table = self._resolve(parts)
                self.tables.setdefault(table, i + 1)
                i += 1
                continue
            key = _KEY_RE.match(line)
            if key:
                node = table
                for part in _split_key(key.group(1)):  # a.b.c = 1 also places a and a.b
                    node = self._child(node, part)
                    self.keys.setdefault(node, i + 1)
                i = self._scan_value(lines, i, key.end(), node)
                continue
            i += 1

    def _scan_value(self, lines: list[str], i: int, col: int, key_node: int) -> int:
        """Scan one value starting at ``lines[i][col]``; return the next line."""
        # Each open bracket: [kind, node, element count, node of the pending key]
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
                    # Jump to the next character that can end the string (a long text costs one search).
                    stop = _STRING_STOP[string].search(line, j)
                    if stop is None:
                        j = len(line)
                    elif stop.group(0) == "\\":
                        j = stop.end() + 1  # an escaped character
                    else:
                        j = stop.end()
                        if len(string) == 3:  # """a"""" ends with a quote: two more may belong to it
                            for _ in range(2):
                                if line.startswith(string[0], j):
                                    j += 1
                        string = None
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
                        assert isinstance(top[1], int)
                        node = top[1]
                        for part in _split_key(m.group(1)):
                            node = self._child(node, part)
                        self.keys.setdefault(node, i + 1)
                        top[3] = node
                        expect_key = False
                        j = m.end()
                        continue
                value_node: int | None = None
                if top is not None and top[0] == "[" and expect_element and ch not in ",]":
                    assert isinstance(top[1], int) and isinstance(top[2], int)
                    top[2] += 1
                    self.elements.setdefault(top[1], []).append(i + 1)
                    value_node = self._child(top[1], top[2])
                    expect_element = False
                elif top is not None and top[0] == "{":
                    value_node = top[3] if isinstance(top[3], int) else None
                elif top is None:
                    value_node = key_node
                if line.startswith('"""', j) or line.startswith("'''", j):
                    string = line[j : j + 3]
                    j += 3
                    continue
                if ch in "\"'":
                    string = ch
                elif ch == "[":
                    stack.append(["[", value_node if value_node is not None else _ROOT, 0, None])
                    expect_element = True
                elif ch == "{":
                    stack.append(["{", value_node if value_node is not None else _ROOT, 0, None])
                    expect_key = True
                elif ch in "]}":
                    if stack:
                        stack.pop()
                    expect_element = expect_key = False
                elif ch == ",":
                    if top is not None:
                        expect_element = top[0] == "["
                        expect_key = top[0] == "{"
                else:
                    plain = _PLAIN.search(line, j)  # a number, date or word: skip it whole
                    j = plain.start() if plain else len(line)
                    continue
                j += 1
            i += 1
            col = 0
            if string is not None and len(string) == 1:
                string = None  # an unclosed one-line string; tomllib reports it
            if not stack and string is None:
                return i
        return i
