"""Text from files is data: how it is written to a terminal or a one-line message.

Qt-free.  A title, a cue or a quoted value from a session file, a setting or the history may hold
escape sequences (which a terminal obeys: change its title, clear it, write the clipboard), line
breaks (which forge extra lines in ``validate``'s one-problem-per-line output) or bidi overrides
(which reorder what is shown).  :func:`printable` shows every such character escaped, so what a
person reads is exactly what is in the file, on one line.
"""

from __future__ import annotations

import unicodedata

# Categories that are never written raw: controls (C0, DEL, C1), format characters (bidi overrides,
# zero-width joiners), line and paragraph separators, surrogates, private use and unassigned.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e", "\\": "\\\\"}


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: object, *, keep_newlines: bool = False, limit: int | None = None) -> str:
    """``text`` with control and format characters escaped (``\\e``, ``\\n``, ``\\x07``, ``\\u202e``…).

    A backslash is doubled so an escape cannot be faked.  ``keep_newlines`` leaves ``\\n`` as a line
    break (for multi-line text a person wrote, such as ``how``).  ``limit`` shortens the result to
    about that many characters, saying how many were left out.
    """
    s = text if isinstance(text, str) else str(text)
    if limit is not None and len(s) > limit:
        s = s[:limit]
        cut = len(text if isinstance(text, str) else str(text)) - limit
    else:
        cut = 0
    out = []
    for ch in s:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _NAMED or _must_escape(ch):
            out.append(_escape(ch))
        else:
            out.append(ch)
    result = "".join(out)
    if cut:
        result += f"… ({cut} more characters)"
    return result


def _must_escape(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or (
        code > 0x7F and unicodedata.category(ch) in _ESCAPED_CATEGORIES)


def controls_escaped(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with only its control and format characters escaped; backslashes are left alone.

    For messages our code composed that may already hold :func:`printable` output (a problem, a path):
    running it twice changes nothing, and a Windows path keeps its single backslashes.
    """
    s = text if isinstance(text, str) else str(text)
    return "".join(_escape(ch) if _must_escape(ch) and not (ch == "\n" and keep_newlines) else ch for ch in s)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with how many more there were (no escaping)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"
