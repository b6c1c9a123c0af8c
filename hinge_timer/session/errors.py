"""The one error type a session file can raise: every problem, located."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _, ngettext
from ..plaintext import printable

# A file with 60,000 mistakes gets the first MAX_SHOWN of them and a count of the rest, not a 6 MB message.
MAX_SHOWN = 50
# The longest file name and field path written in one problem line (a path is data too).
_MAX_WHERE = 200


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a session file.

    ``line`` is 1-based, or ``None`` when the problem has no single line
    (the file is empty, too large, or a required key is missing and the table
    it belongs to has no header).  ``field`` is a path such as
    ``drill[3].hold`` (drills are counted from 1, as in the file), or ``""``
    for problems with the file as a whole.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        """Always one line: control, line-break and format characters from the file are shown escaped."""
        name = printable(self.file, limit=_MAX_WHERE)
        where = name if self.line is None else f"{name}:{self.line}"  # file:line, as compilers write it
        message = printable(self.message)
        if self.field:
            # Translators: a problem in a session file: {where} is the file and line ("drills.toml:3"), {field}
            # the field's path in the file ("drill[3].hold"), {message} what is wrong.
            return _("{where}: {field}: {message}").format(
                where=where, field=printable(self.field, limit=_MAX_WHERE), message=message)
        # Translators: a problem in a session file: {where} is the file and line ("drills.toml:3"), {message}
        # what is wrong.
        return _("{where}: {message}").format(where=where, message=message)


class SessionError(Exception):
    """A session file could not be loaded.

    ``problems`` holds the first :data:`MAX_SHOWN` problems in file order; ``count`` is how many there
    were in all (``count - len(problems)`` were left out).
    """

    def __init__(self, problems: list[Problem], count: int | None = None) -> None:
        if not problems:
            raise ValueError("SessionError needs at least one problem")
        ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field, p.message))
        self.problems: tuple[Problem, ...] = tuple(ordered[:MAX_SHOWN])
        self.count: int = max(len(problems), count or 0)
        super().__init__(str(self))

    @property
    def more(self) -> int:
        """How many problems are not in ``problems``."""
        return self.count - len(self.problems)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.more:
            # Translators: after the problems of a session file listed, how many more it has.
            lines.append(ngettext("… and {n} more problem", "… and {n} more problems", self.more).format(n=self.more))
        return "\n".join(lines)
