"""The one error type a session file can raise: every problem, located."""

from __future__ import annotations

from dataclasses import dataclass


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
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class SessionError(Exception):
    """A session file could not be loaded.  Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("SessionError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.line or 0, p.field, p.message))
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
