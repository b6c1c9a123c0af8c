"""Write session files: a clean new file (``dump``), or a user's file brought in line with an edit (``update``).

The file format stays the single truth, so the editor writes the same TOML a person writes by hand.
``tomllib`` only reads; tomlkit parses a file into a document that keeps every comment, blank line,
key order and value formatting, and renders it back byte for byte, so an edit changes only the lines
of the fields that changed.

What ``update_data`` keeps and changes (docs/session-format.md, "Files written by the app"):

- A value whose meaning is unchanged is left as it is written: the meaning is what the model's own
  validator for that field makes of it (``[60, 60]`` and ``60``, ``sets = 1`` and no ``sets``, ``"a  b"``
  and ``"a b"``). A value the model refuses is compared as it is.
- A changed value is rewritten in place; a comment beside it stays.
- A removed key's line goes (with a comment beside it). A comment on a line of its own above it stays:
  it may be about more than that key, and a user's words are not thrown away with a number.
- An added key goes after the keys that come before it in the house order (``DRILL_ORDER``...).
- Drills follow ``origins``: a kept drill keeps its formatting and the comment lines directly above its
  ``[[drill]]`` header, and moves with them; a removed drill's block goes with those comment lines; a
  new drill is written in the house style. The blank lines between drills stay where they were.
- A tempo or cycle with the same number of phases is edited phase by phase; one with phases added,
  removed or moved is written again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Mapping, Sequence

import tomlkit
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined
from tomlkit.container import Container
from tomlkit.items import AbstractTable, AoT, Array, Comment, InlineTable, Item, Null, Table, Whitespace

from .model import Defaults, Drill, Phase, Session, SessionWords, Span

# The house order of keys (sessions/*.toml); keys not listed follow, in the order given.
ROOT_ORDER = ("format", "title", "summary", "language")
DEFAULTS_ORDER = ("get_ready", "rest_between_sets", "rest_between_drills", "switch_sides", "dose")
DRILL_ORDER = (
    "name", "movement", "hold", "reps", "sets", "sides", "get_ready", "rest_between_sets", "switch_sides",
    "rest_after", "equipment", "caution", "how", "cues", "tempo", "cycle",
)
PHASE_ORDER = ("phase", "seconds", "say", "critical")
# A translation's keys (``[translations.<code>]`` and its ``[[translations.<code>.drill]]``), in house order.
WORDS_ORDER = ("title", "summary")
DRILL_WORDS_ORDER = ("name", "equipment", "caution", "how", "cues", "tempo", "cycle")
# Text written as a multi-line string, wrapped (paragraphs are separated by blank lines).
LONG_TEXT_KEYS = frozenset({"summary", "how", "caution"})
# Lists always written one item a line.
LINE_LIST_KEYS = frozenset({"cues", "tempo", "cycle"})
PHASE_KEYS = ("tempo", "cycle")
WIDTH = 78  # the widest line written, where a value allows it

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
# A place where long text may be wrapped: after a space, before a character that is not white space
# (a line-ending backslash eats the line break and the white space after it, nothing else).
_BREAK = re.compile(r"(?<= )(?=\S)")


# --------------------------------------------------------------------------------------------------
# Session -> data


def _span(span: Span) -> int | list[int]:
    return span.lo if span.lo == span.hi else [span.lo, span.hi]


def _phases(phases: Sequence[Phase]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in phases:
        item: dict[str, Any] = {"phase": p.phase, "seconds": p.seconds}
        if p.say is not None:
            item["say"] = p.say
        if p.critical is not None:
            item["critical"] = p.critical
        out.append(item)
    return out


def _words_data(words: SessionWords) -> dict[str, Any]:
    """A translation as TOML-shaped data; a field left out stays out."""
    out: dict[str, Any] = {k: getattr(words, k) for k in WORDS_ORDER if getattr(words, k) is not None}
    drills = []
    for dw in words.drills:
        d: dict[str, Any] = {}
        for key in DRILL_WORDS_ORDER:
            value = getattr(dw, key)
            if value is None:
                continue
            if key in PHASE_KEYS:
                value = [{k: v for k, v in (("phase", p.phase), ("say", p.say)) if v is not None} for p in value]
            elif isinstance(value, tuple):
                value = list(value)
            d[key] = value
        drills.append(d)
    if drills:
        out["drill"] = drills
    return out


def _drill_data(drill: Drill) -> dict[str, Any]:
    out: dict[str, Any] = {"name": drill.name}
    if drill.movement is not None:
        out["movement"] = drill.movement
    if drill.hold is not None:
        out["hold"] = _span(drill.hold)
    if drill.reps is not None:
        out["reps"] = _span(drill.reps)
    if drill.sets != Span(1, 1):
        out["sets"] = _span(drill.sets)
    if drill.sides:
        out["sides"] = list(drill.sides)
    for key in ("get_ready", "rest_between_sets", "switch_sides", "rest_after"):
        value = getattr(drill, key)
        if value is not None:
            out[key] = value
    if drill.equipment:
        out["equipment"] = list(drill.equipment)
    if drill.caution is not None:
        out["caution"] = drill.caution
    if drill.how is not None:
        out["how"] = drill.how
    if drill.cues:
        out["cues"] = list(drill.cues)
    if drill.tempo is not None:
        out["tempo"] = _phases(drill.tempo)
    if drill.cycle is not None:
        out["cycle"] = _phases(drill.cycle)
    return out


def to_data(session: Session) -> dict[str, Any]:
    """The TOML-shaped data of a session; a field equal to the model's default is left out."""
    out: dict[str, Any] = {"format": session.format, "title": session.title}
    if session.summary is not None:
        out["summary"] = session.summary
    base = Defaults()
    defaults = {
        key: getattr(session.defaults, key)
        for key in DEFAULTS_ORDER
        if getattr(session.defaults, key) != getattr(base, key)
    }
    if defaults:
        out["defaults"] = defaults
    out["drill"] = [_drill_data(d) for d in session.drills]
    if session.language != "en":
        out["language"] = session.language
    if session.translations:
        out["translations"] = {code: _words_data(w) for code, w in session.translations.items()}
    return out


# --------------------------------------------------------------------------------------------------
# data -> text, in the house style


def _escape(text: str, keep_newlines: bool = False) -> str:
    out = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _basic(text: str) -> str:
    return '"' + _escape(text) + '"'


def _long_text(text: str) -> str:
    """A multi-line basic string: real line breaks kept, long lines wrapped with line-ending backslashes."""
    room = max(WIDTH - 2, 20)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = ""
        for piece in _BREAK.split(raw):
            esc = _escape(piece, keep_newlines=True)
            if line and len(line) + len(esc) > room:
                lines.append(line + "\\")
                line = esc
            else:
                line += esc
        lines.append(line)
    return '"""\n' + "\n".join(lines) + '"""'


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic(key)


def _ordered(data: Mapping[str, Any], order: Sequence[str]) -> list[str]:
    return [k for k in order if k in data] + [k for k in data if k not in order]


def _inline(value: Any, order: Sequence[str] = PHASE_ORDER) -> str:
    """A value on one line."""
    if isinstance(value, str):
        return _basic(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        pairs = ", ".join(f"{_key(k)} = {_inline(value[k])}" for k in _ordered(value, order) if value[k] is not None)
        return "{ " + pairs + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    # floats, dates and times: tomlkit knows their TOML spelling
    spelled: str = tomlkit.item(value).as_string()
    return spelled


def _value(key: str, value: Any) -> str:
    """The right-hand side of ``key = value`` in the house style."""
    if isinstance(value, str) and key in LONG_TEXT_KEYS:
        return _long_text(value)
    if isinstance(value, (list, tuple)) and value:
        one_line = _inline(value)
        if key not in LINE_LIST_KEYS and len(key) + 3 + len(one_line) <= WIDTH:
            return one_line
        return "[\n" + "".join(f"    {_inline(v)},\n" for v in value) + "]"
    return _inline(value)


def _pairs(data: Mapping[str, Any], order: Sequence[str]) -> str:
    return "".join(f"{_key(k)} = {_value(k, data[k])}\n" for k in _ordered(data, order) if data[k] is not None)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _section(name: str, data: Mapping[str, Any], array: bool) -> str:
    order = DRILL_ORDER if name == "drill" else DEFAULTS_ORDER if name == "defaults" else ()
    header = f"[[{_key(name)}]]" if array else f"[{_key(name)}]"
    return header + "\n" + _pairs(data, order)


def dump_data(data: Mapping[str, Any]) -> str:
    """A clean new file for ``data`` in the house style (any TOML-representable data, valid or not)."""
    root: dict[str, Any] = {}
    sections: list[str] = []
    translations = ""
    for key in _ordered(data, ROOT_ORDER + ("defaults", "drill")):
        value = data[key]
        if value is None or (key == "defaults" and value == {}):  # no defaults: no [defaults]
            continue
        if key == "translations" and _is_translations(value):
            translations = _translations_text(value)
        elif isinstance(value, Mapping):
            sections.append(_section(key, value, array=False))
        elif _is_table_list(value):
            sections.extend(_section(key, v, array=True) for v in value)
        else:
            root[key] = value
    parts = [_pairs(root, ROOT_ORDER)] if root else []
    return "\n".join(parts + sections + ([translations] if translations else []))


def _is_translations(value: Any) -> bool:
    return isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values())


def _translations_text(translations: Mapping[str, Mapping[str, Any]]) -> str:
    """``[translations.<code>]`` with the session's words, then a ``[[translations.<code>.drill]]`` a drill."""
    blocks: list[str] = []
    for code, words in translations.items():
        head = {k: v for k, v in words.items() if k != "drill"}
        blocks.append(f"[translations.{_key(code)}]\n" + _pairs(head, WORDS_ORDER))
        drills = words.get("drill")
        for d in (drills or ()) if _is_table_list(drills) else ():
            blocks.append(f"[[translations.{_key(code)}.drill]]\n" + _pairs(d, DRILL_WORDS_ORDER))
    return "\n".join(blocks)


def dump(session: Session) -> str:
    """A clean new file for a session."""
    return dump_data(to_data(session))


# --------------------------------------------------------------------------------------------------
# Meaning: what the model makes of a value


@lru_cache(maxsize=None)
def _field(model: type[BaseModel], key: str) -> tuple[TypeAdapter[Any], Any] | None:
    """The validator of a model's field (by its name in the file) and its default (PydanticUndefined if required)."""
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            annotated: Any = Annotated[info.annotation, info]
            return TypeAdapter(annotated), info.default
    return None


def _strict_equal(a: Any, b: Any) -> bool:
    """Equal as TOML values: 1, 1.0 and true are three different things."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_strict_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and bool(a == b)


_ABSENT = object()


def _meaning(model: type[BaseModel] | None, key: str, value: Any) -> Any:
    """What the model makes of ``value`` at ``key``, or _ABSENT if it refuses it (or does not know the key)."""
    field = _field(model, key) if model is not None else None
    if field is None:
        return _ABSENT
    adapter, default = field
    if value is _ABSENT:
        return _ABSENT if default is PydanticUndefined else default
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return _ABSENT


def _same(model: type[BaseModel] | None, key: str, old: Any, new: Any) -> bool:
    """Whether two values (either may be _ABSENT: the key is left out) mean the same."""
    if old is _ABSENT and new is _ABSENT:
        return True
    if old is not _ABSENT and new is not _ABSENT and _strict_equal(old, new):
        return True
    a, b = _meaning(model, key, old), _meaning(model, key, new)
    return a is not _ABSENT and b is not _ABSENT and bool(a == b)


# --------------------------------------------------------------------------------------------------
# Editing a parsed document in place


def _new_item(key: str, value: Any) -> Item:
    item = tomlkit.parse(f"{_key(key)} = {_value(key, value)}\n").item(key)
    assert isinstance(item, Item)
    return item


Tableish = Container | AbstractTable


def _container(table: Tableish) -> Container:
    return table if isinstance(table, Container) else table.value


def _insert(table: Tableish, key: str, item: Item, order: Sequence[str]) -> None:
    """Add a key after the keys that come before it in the house order (before them all if none does)."""
    body = _container(table)
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(order))
    plain = [k for k in body.keys() if not isinstance(body.item(k), (Table, AoT))]
    before = [k for k in plain if rank.get(k, len(order)) <= mine]
    if before:
        # Just after that key (tomlkit 0.15.3 dropped Container._insert_after): _insert_at, which cannot add
        # at the very end, else append; both are in every tomlkit from 0.12.
        at = body._map[before[-1]]
        at = max(at) if isinstance(at, tuple) else at
        if at + 1 < len(body.body):
            body._insert_at(at + 1, key, item)
        else:
            body.append(key, item)
        return
    for index, (k, _) in enumerate(body.body):
        if k is not None:
            body._insert_at(index, key, item)
            return
    # No key at all: after the comment lines just under the header (the comment lines at the end
    # belong to the next table's header).
    index = 0
    while index < len(body.body) and isinstance(body.body[index][1], Comment):
        index += 1
    if index < len(body.body):
        body._insert_at(index, key, item)
    else:
        body.append(key, item)


def _delete(table: Tableish, key: str) -> None:
    """Take a key's line out; a blank line that separated it from the key before goes too when another
    follows, so no doubled blank line is left."""
    body = _container(table)
    items = body.body
    at = next((i for i, (k, _) in enumerate(items) if k is not None and k.key == key), None)
    del table[key]
    if at is None:  # a dotted key or a table: nothing more to tidy
        return
    before = next((i for i in range(at - 1, -1, -1) if not isinstance(items[i][1], Null)), None)
    after = next((i for i in range(at + 1, len(items)) if not isinstance(items[i][1], Null)), None)
    if (before is not None and isinstance(items[before][1], Whitespace)
            and (after is None or isinstance(items[after][1], Whitespace))):
        items[before] = (None, Null())


def _sync_phases(table: Tableish, key: str, new: list[Any]) -> bool:
    """Edit a tempo or cycle phase by phase when it has as many phases as before; False if it cannot."""
    old = _container(table).item(key)
    if isinstance(old, Array):
        phases = list(old)
        if not all(isinstance(p, InlineTable) for p in phases):
            return False
    elif isinstance(old, AoT):
        phases = list(old.body)
    else:
        return False
    if len(phases) != len(new) or not all(isinstance(p, Mapping) for p in new):
        return False
    for j, (was, now) in enumerate(zip(phases, new)):
        if isinstance(was, InlineTable) and set(was.keys()) != {k for k, v in now.items() if v is not None}:
            # a key added or removed: the phase's { } is written again, in the house order
            fresh = tomlkit.parse(f"x = {_inline(now)}\n").item("x")
            old[j] = fresh
        else:
            _sync_table(was, now, Phase, PHASE_ORDER)
    return True


def _fresh(value: Any, order: Sequence[str] = PHASE_ORDER) -> Item:
    """A value as tomlkit would read it from one line of the house style."""
    item = tomlkit.parse(f"x = {_inline(value, order)}\n").item("x")
    assert isinstance(item, Item)
    return item


def _sync_inline(table: InlineTable, new: Mapping[str, Any], model: type[BaseModel], order: Sequence[str]) -> Item:
    """An inline ``{ ... }`` table brought in line with ``new``: the values that differ changed in place;
    a key added or removed writes this one table again on its line, in the house order. Returns the item
    to keep (``table`` itself, or its new spelling)."""
    if set(table.keys()) != {k for k, v in new.items() if v is not None}:
        return _fresh(new, order)
    for key in _ordered(new, order):
        value = new[key]
        if value is None or _same(model, key, table.item(key).unwrap(), value):
            continue
        if key in PHASE_KEYS and isinstance(value, list) and _sync_phases(table, key, value):
            continue
        table[key] = _fresh(value)
    return table


def _sync_inline_drills(drills: Array, new_drills: Sequence[Mapping[str, Any]], order: list[int | None]) -> None:
    """``drill = [{ ... }, ...]`` kept as the user wrote it: each drill's changed values in place; drills
    removed, moved or added as items of the same array (its comments and line breaks stay)."""
    old = list(drills)
    # The comment at the end of a drill's line goes where the drill goes (tomlkit keeps it at its place).
    groups = [g for g in drills._value if g.value is not None and not isinstance(g.value, Null)]
    comments = {i: g.comment for i, g in enumerate(groups)} if len(groups) == len(old) else None
    kept: dict[int, Item] = {}
    for new, o in zip(new_drills, order):
        if o is not None:
            kept[o] = _sync_inline(old[o], new, Drill, DRILL_ORDER)
    if order == list(range(len(old))):
        for o, item in kept.items():
            if item is not old[o]:
                drills[o] = item
        return
    for i in sorted(set(range(len(old))) - set(kept), reverse=True):
        del drills[i]
    for j, item in enumerate(kept[o] for o in order if o is not None):
        if drills[j] is not item:
            drills[j] = item
    for j, (new, o) in enumerate(zip(new_drills, order)):
        if o is None:
            fresh = _fresh(new, DRILL_ORDER)
            if j < len(drills):
                drills.insert(j, fresh)
            else:
                drills.append(fresh)
    groups = [g for g in drills._value if g.value is not None and not isinstance(g.value, Null)]
    if comments is not None and len(groups) == len(order):
        for g, o in zip(groups, order):
            g.comment = comments.get(o) if o is not None else None


def _origins(origins: Sequence[int | None] | None, count: int, n: int) -> list[int | None]:
    """Which old drill each new drill is (see :func:`update_data`), checked."""
    order = list(origins) if origins is not None else [i if i < count else None for i in range(n)]
    if len(order) != n:
        raise ValueError(f"origins has {len(order)} entries for {n} drills")
    seen = [o for o in order if o is not None]
    if len(set(seen)) != len(seen) or any(not 0 <= o < count for o in seen):
        raise ValueError(f"origins must name different drills among the file's {count}, got {order}")
    return order


def _sync_table(table: Tableish, new: Mapping[str, Any], model: type[BaseModel] | None,
                order: Sequence[str], skip: frozenset[str] = frozenset()) -> None:
    """Bring a table's keys in line with ``new``, touching only the keys whose meaning differs."""
    body = _container(table)
    for key in [k for k in body.keys() if k not in skip]:
        if key not in new or new[key] is None:
            if not _same(model, key, body.item(key).unwrap(), _ABSENT):
                _delete(table, key)
    for key in _ordered(new, order):
        value = new[key]
        if key in skip or value is None:
            continue
        if key in body:
            old = body.item(key).unwrap()
            if _same(model, key, old, value):
                continue
            if key in PHASE_KEYS and isinstance(value, list) and _sync_phases(table, key, value):
                continue
            table[key] = _new_item(key, value)
        elif not _same(model, key, _ABSENT, value):
            _insert(table, key, _new_item(key, value), order)


# --------------------------------------------------------------------------------------------------
# Blocks of text: a table's header, the comment lines directly above it and everything up to the next


_HEADER = re.compile(r"""\[(\[?)\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*\]""")
_HEADER_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")
_ML_END = {'"""': re.compile(r'\\.|"""', re.S), "'''": re.compile("'''")}
_SL_END = {'"': re.compile(r'\\.|"'), "'": re.compile("'")}


def _scan(text: str) -> tuple[list[tuple[int, tuple[str, ...], bool]], set[int]]:
    """The table headers of valid TOML text (line, key parts, is an array of tables) and its comment-only lines."""
    headers: list[tuple[int, tuple[str, ...], bool]] = []
    comments: set[int] = set()
    i, n, line, depth, fresh = 0, len(text), 0, 0, True
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, fresh, i = line + 1, True, i + 1
            continue
        if ch in " \t\r":
            i += 1
            continue
        if ch == "#":
            if fresh and depth == 0:
                comments.add(line)
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if fresh and depth == 0 and ch == "[":
            m = _HEADER.match(text, i)
            if m:
                parts = tuple(p[1:-1] if p[0] in "\"'" else p for p in _HEADER_PART.findall(m.group(2)))
                headers.append((line, parts, bool(m.group(1))))
                i = m.end() + (1 if m.group(1) else 0)
                fresh = False
                continue
        fresh = False
        if ch in "\"'":
            triple = text.startswith(ch * 3, i)
            pattern = (_ML_END if triple else _SL_END)[ch * 3 if triple else ch]
            j = i + (3 if triple else 1)
            while True:
                m = pattern.search(text, j)
                if m is None:
                    j = n
                    break
                j = m.end()
                if m.group(0)[0] != "\\":
                    break
            if triple:
                while j < n and text[j] == ch and j - i < 8:  # up to two quotes just before the closing ones
                    j += 1
            line += text.count("\n", i, j)
            i = j
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return headers, comments


class _Block:
    def __init__(self, kind: str, lines: list[str]) -> None:
        self.kind = kind
        cut = len(lines)
        while cut > 0 and not lines[cut - 1].strip():
            cut -= 1
        self.core = lines[:cut]
        self.gap = lines[cut:]

    def text(self) -> str:
        out = "".join(self.core)
        return out if out.endswith("\n") or not out else out + "\n"


def _blocks(text: str) -> tuple[list[str], list[_Block]]:
    """The lines before the first table, and each top-level table as a block ("drill", "defaults" or "other")."""
    lines = text.splitlines(keepends=True)
    headers, comments = _scan(text)
    starts: list[tuple[int, str]] = []
    current = ""
    for line, parts, array in headers:
        if parts == ("drill",) and array:
            kind = "drill"
        elif parts == ("defaults",) and not array:
            kind = "defaults"
        elif len(parts) > 1 and parts[0] == current and current in ("drill", "defaults"):
            continue  # a table inside the current drill or defaults: part of its block
        else:
            kind = "other"
        current = parts[0] if kind != "other" else ""
        start = line
        while start - 1 in comments and (not starts or start - 1 > starts[-1][0]):
            start -= 1
        starts.append((start, kind))
    if not starts:
        return lines, []
    prefix = lines[: starts[0][0]]
    blocks = []
    for k, (start, kind) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        blocks.append(_Block(kind, lines[start:end]))
    return prefix, blocks


def _arrange(text: str, drills: list[str | int] | None, add_defaults: str | None, drop_defaults: bool) -> str:
    """The drill blocks put in a new order (an int: the file's drill of that index; a str: a new drill's
    text), a [defaults] section added or dropped."""
    prefix, blocks = _blocks(text)
    if drop_defaults:
        blocks = [b for b in blocks if b.kind != "defaults"]
    parts: list[str | _Block] = list(blocks)
    if drills is not None:
        slots = [k for k, b in enumerate(blocks) if b.kind == "drill"]
        old = [blocks[k] for k in slots]
        typical = "".join(old[0].gap) if len(old) > 1 and old[0].gap else "\n"
        last_gap = "".join(old[-1].gap) if old else ""
        pieces: list[str] = []
        for k, what in enumerate(drills):
            body = old[what].text() if isinstance(what, int) else what
            if k == len(drills) - 1:
                gap = last_gap
            elif k < len(old) - 1:
                gap = "".join(old[k].gap) or "\n"
            else:
                gap = typical
            pieces.append(body + gap)
        joined = "".join(pieces)
        if slots:
            first, last = slots[0], slots[-1]
            # a table of another kind between two drills (a hand-made file) stays after the drills
            between = [b for b in blocks[first:last + 1] if b.kind != "drill"]
            parts = [*blocks[:first], joined, *between, *blocks[last + 1:]]
        else:
            head = "".join(prefix) + _render(parts)
            if joined and head.strip():
                head = head.rstrip("\n") + "\n\n"
            elif not head.strip():
                head = ""
            prefix, parts = [head], [joined]
    rendered = "".join(prefix) + _render(parts)
    if add_defaults:
        rendered = _defaults_added(rendered, add_defaults)
    # the file ends as it did: with one line break, or none, not with the blank lines of a block that went
    ending = text[len(text.rstrip("\n")):] if text.strip() else "\n"
    return rendered.rstrip("\n") + ending if rendered.strip() else rendered


def _render(parts: Sequence[str | _Block]) -> str:
    return "".join(p if isinstance(p, str) else "".join(p.core + p.gap) for p in parts)


def _defaults_added(text: str, section: str) -> str:
    prefix, blocks = _blocks(text)
    head = "".join(prefix)
    rest = text[len(head):]
    if head.strip() and not head.endswith("\n\n"):
        head = head.rstrip("\n") + "\n\n"
    return head + section + ("\n" if rest else "") + rest


# --------------------------------------------------------------------------------------------------
# update


def update_data(text: str, data: Mapping[str, Any], origins: Sequence[int | None] | None = None) -> str:
    """The file's text brought in line with ``data``, touching only what differs (see the module's notes).

    ``origins[i]`` is the index in the file's old ``[[drill]]`` list of new drill ``i``, or None for a new
    drill; without it, drill ``i`` is old drill ``i``. ``update_data(text, tomllib.loads(text)) == text``.
    Raises ValueError when the text is not TOML (tomlkit's ParseError is one) or ``origins`` does not fit
    (not one entry per drill, an index twice or out of range)."""
    if not text.strip():
        return dump_data(data)
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):  # a Windows file stays one
        return update_data(text.replace("\r\n", "\n"), data, origins).replace("\n", "\r\n")
    doc = tomlkit.parse(text)
    _sync_table(doc, data, Session, ROOT_ORDER, skip=frozenset({"defaults", "drill", "translations"}))
    translations = _translations_after(doc, data, origins)

    # [defaults]
    add_defaults: str | None = None
    drop_defaults = False
    new_defaults = data.get("defaults")
    old_defaults = doc.item("defaults") if "defaults" in doc else None
    if isinstance(old_defaults, Table) and (new_defaults is None or isinstance(new_defaults, Mapping)):
        had_keys = bool(list(old_defaults.keys()))
        _sync_table(old_defaults, new_defaults or {}, Defaults, DEFAULTS_ORDER)
        # a [defaults] whose every key went goes too (one that was empty in the file stays)
        drop_defaults = had_keys and not new_defaults and not list(old_defaults.keys())
    elif old_defaults is None and isinstance(new_defaults, Mapping):
        wanted = {k: v for k, v in new_defaults.items() if not _same(Defaults, k, _ABSENT, v)}
        if wanted:
            add_defaults = _section("defaults", wanted, array=False)
    elif not _strict_equal(old_defaults.unwrap() if old_defaults is not None else None, new_defaults):
        if old_defaults is not None:
            del doc["defaults"]
        if new_defaults is not None:
            if isinstance(new_defaults, Mapping):
                add_defaults = _section("defaults", new_defaults, array=False)
            else:
                _insert(doc, "defaults", _new_item("defaults", new_defaults), ROOT_ORDER)

    # [[drill]]
    arrangement: list[str | int] | None = None
    new_drills = data.get("drill")
    old_drills = doc.item("drill") if "drill" in doc else None
    if isinstance(old_drills, AoT) and isinstance(new_drills, (list, tuple)) and _is_table_list(new_drills):
        count = len(old_drills.body)
        order = _origins(origins, count, len(new_drills))
        for new, o in zip(new_drills, order):
            if o is not None:
                _sync_table(old_drills.body[o], new, Drill, DRILL_ORDER)
        if order != list(range(count)):
            arrangement = [o if o is not None else _section("drill", new, array=True)
                           for new, o in zip(new_drills, order)]
    elif (isinstance(old_drills, Array) and len(old_drills) and all(isinstance(t, InlineTable) for t in old_drills)
          and isinstance(new_drills, (list, tuple)) and _is_table_list(new_drills)):
        _sync_inline_drills(old_drills, new_drills, _origins(origins, len(old_drills), len(new_drills)))
    elif old_drills is None and new_drills is None:
        pass
    elif not _strict_equal(old_drills.unwrap() if old_drills is not None else None, new_drills):
        if isinstance(old_drills, AoT):  # every drill block goes, with the comment lines above it
            doc = tomlkit.parse(_arrange(doc.as_string(), [], None, False))
        elif old_drills is not None:
            del doc["drill"]
        if isinstance(new_drills, (list, tuple)) and _is_table_list(new_drills):
            arrangement = [_section("drill", d, array=True) for d in new_drills]
        elif new_drills is not None:
            _insert(doc, "drill", _new_item("drill", new_drills), ROOT_ORDER)

    if translations is not None and "translations" in doc:
        del doc["translations"]
    out = doc.as_string()
    if arrangement is not None or add_defaults is not None or drop_defaults:
        out = _arrange(out, arrangement, add_defaults, drop_defaults)
    if translations:
        out = out.rstrip("\n") + "\n\n" + _translations_text(translations)
    return out


def _translations_after(doc: tomlkit.TOMLDocument, data: Mapping[str, Any],
                        origins: Sequence[int | None] | None) -> Mapping[str, Mapping[str, Any]] | None:
    """The translations the file is to have, when they differ from its own (else None: left as they are).

    Translated drills follow the drills by position, so when the editor moves, adds or removes a drill
    (``origins``) each language's drills move with them (a new drill has none: its own words are shown)."""
    new = data.get("translations")
    old = doc.item("translations").unwrap() if "translations" in doc else None
    if new is not None and not _is_translations(new):
        return None  # not translations at all: the loader says what is wrong with the file as it is
    if origins is not None and new:
        moved: dict[str, Any] = {}
        for code, words in new.items():
            drills = list(words.get("drill") or ())
            words = dict(words)
            if drills:
                words["drill"] = [drills[o] if o is not None and o < len(drills) else {} for o in origins]
                while words["drill"] and not words["drill"][-1]:
                    words["drill"].pop()
                if not words["drill"]:
                    del words["drill"]
            moved[code] = words
        new = moved
    if _strict_equal(old, new if new else None):
        return None
    return new or {}


def update(text: str, session: Session, origins: Sequence[int | None] | None = None) -> str:
    """The file's text brought in line with a session, touching only what differs."""
    return update_data(text, to_data(session), origins)
