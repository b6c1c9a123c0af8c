"""What can go wrong with the history, in the history's own words: the domain errors.

Qt-free.  SQLite says what went wrong with a result code (``sqlite3.Error.sqlite_errorcode``, Python
3.11); :func:`fault` turns an exception into one of these by that code (and an ``OSError`` by its
``errno``), never by reading the message's words, which differ between SQLite versions and locales:

- :class:`HistoryLocked`: another program holds the file's lock (SQLITE_BUSY, SQLITE_LOCKED); the file
  is in use, not damaged, and the same statement can succeed later;
- :class:`HistoryFull`: the disk is full (SQLITE_FULL, ENOSPC, EDQUOT);
- :class:`HistoryReadOnly`: the file cannot be written: a read-only disk or file, no permission, a file
  that cannot be opened for writing, or the disk failing a read or write (SQLITE_READONLY, SQLITE_PERM,
  SQLITE_AUTH, SQLITE_CANTOPEN, SQLITE_IOERR, EROFS, EACCES, EPERM, EIO);
- :class:`HistoryDamaged`: the file is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB);
  :class:`HistoryUnexpected`, a kind of it, holds tables, triggers or views this version did not make;
- :class:`HistoryNewer`: a newer Hinge Timer wrote it (its ``user_version`` is above ours);
- :class:`HistoryBug`: anything else (a mistake in this program, SQLITE_ERROR, SQLITE_MISUSE, a closed
  connection ...): said with SQLite's own words, since there is nothing better to say.

Each error's ``str()`` is one sentence naming the file; ``reason`` is the part after the file ("the disk
is full"), for sentences that say more.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ..i18n import N_, _

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_ERROR, SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 1, 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_AUTH, SQLITE_NOTADB = 10, 11, 13, 14, 23, 26

# A fault's ``reason`` is kept in English (the msgid: tests and the log compare it) and translated where
# it is shown (``HistoryFault.said_reason``); SQLite's or the system's own words are shown as they are.
# Translators: why the history file cannot be used, after "The history FILE cannot be written:"; lower case.
_FULL = N_("the disk is full")
# Translators: why the history file is in use, in brackets after "The history FILE is in use by another program".
_LOCKERS = N_("a backup or sync tool, or sqlite3 left open")
# Translators: why a damaged history file cannot be read, after "The history FILE is damaged:".
_UNREADABLE = N_("SQLite cannot read it")
# Translators: a history file holding nothing this version made, after "...did not make:".
_NOTHING_OURS = N_("nothing this version made")
# Translators: why the history file cannot be written, after "The history FILE cannot be written:"; lower case.
_READ_ONLY_REASONS = {
    SQLITE_READONLY: N_("the file or its disk is read-only"),
    SQLITE_PERM: N_("permission denied"),
    SQLITE_AUTH: N_("permission denied"),
    SQLITE_CANTOPEN: N_("it cannot be opened for writing"),
    SQLITE_IOERR: N_("the disk failed to read or write it (an input/output error)"),
}
_OS_FULL = {errno.ENOSPC, errno.EDQUOT}
# Translators: why the history file cannot be written, after "The history FILE cannot be written:"; lower case.
_OS_READ_ONLY = {errno.EROFS: N_("the disk is read-only"), errno.EACCES: N_("permission denied"),
                 errno.EPERM: N_("permission denied"),
                 errno.EIO: N_("the disk failed to read or write it (an input/output error)")}
# The reasons above: the only ones looked up in the catalogue (any other is SQLite's or the system's words).
_MARKED = {_FULL, _LOCKERS, _UNREADABLE, _NOTHING_OURS, *_READ_ONLY_REASONS.values(), *_OS_READ_ONLY.values()}


class HistoryFault(Exception):
    """Something went wrong with the history file ``path``; one of the kinds below, never this one itself."""

    def __init__(self, path: str | os.PathLike[str], reason: str, detail: str = "") -> None:
        self.path = str(path)
        self.reason = reason.rstrip(".")
        self.detail = detail  # SQLite's (or the system's) own words, for the log
        super().__init__(self.sentence())

    @property
    def said_reason(self) -> str:
        """``reason`` in the user's language (SQLite's or the system's own words as they are)."""
        return _(self.reason) if self.reason in _MARKED else self.reason

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} why it cannot be used (lower case).
        return _("The history {path} cannot be used: {reason}.").format(path=self.path, reason=self.said_reason)


class HistoryLocked(HistoryFault):
    """Another program holds the file's lock: in use, not damaged; try again later."""

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} who may hold it ("a backup or sync tool, ...").
        return _("The history {path} is in use by another program ({reason}).").format(
            path=self.path, reason=self.said_reason)


class HistoryFull(HistoryFault):
    """The disk is full."""

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} why ("the disk is full"; lower case).
        return _("The history {path} cannot be written: {reason}.").format(path=self.path, reason=self.said_reason)


class HistoryReadOnly(HistoryFault):
    """The file cannot be written (a read-only disk or file, no permission, a failing disk)."""

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} why ("permission denied"; lower case).
        return _("The history {path} cannot be written: {reason}.").format(path=self.path, reason=self.said_reason)


class HistoryDamaged(HistoryFault):
    """The file is damaged, or is not a database."""

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} SQLite's words on the damage (often English).
        return _("The history {path} is damaged: {reason}.").format(path=self.path, reason=self.said_reason)


class HistoryUnexpected(HistoryDamaged):
    """The file holds tables, indexes, triggers or views this version did not make (``items``)."""

    def __init__(self, path: str | os.PathLike[str], items: list[str]) -> None:
        self.items = list(items)
        super().__init__(path, ", ".join(items) or _NOTHING_OURS)

    def sentence(self) -> str:
        # Translators: {path} is the history file's path; {items} the tables, triggers or views in it that
        # this version did not make ('trigger "wipe" (on runs)'), as SQLite names them.
        return _("The history {path} holds what this version of Hinge Timer did not make: {items}.").format(
            path=self.path, items=self.said_reason)


class HistoryNewer(HistoryFault):
    """A newer Hinge Timer wrote the file (history version ``version``): left alone."""

    def __init__(self, path: str | os.PathLike[str], version: int, ours: int) -> None:
        self.version, self.ours = version, ours
        super().__init__(path, f"history version {version}; this one reads up to {ours}")  # (English: the log's)

    @property
    def said_reason(self) -> str:
        # Translators: {version} is the version of the history format in a file, {ours} the newest this
        # Hinge Timer reads.
        return _("history version {version}; this one reads up to {ours}").format(version=self.version, ours=self.ours)

    def sentence(self) -> str:
        # Translators: {path} is the history file's path; {reason} says the versions ("history version 9; this
        # one reads up to 4").
        return _("The history {path} was written by a newer Hinge Timer ({reason}).").format(
            path=self.path, reason=self.said_reason)


class HistoryBug(HistoryFault):
    """Anything else: a mistake in this program, or an error SQLite does not explain further."""

    def sentence(self) -> str:
        # Translators: {path} is the history file's path, {reason} SQLite's own words (often English).
        return _("The history {path} failed unexpectedly: {reason}.").format(path=self.path, reason=self.said_reason)


class SchemaMismatch:
    """Mixed into db.UnexpectedSchema (an sqlite3.DatabaseError): the file holds ``items`` this version did
    not make, or is at schema ``version`` where this program's is ``ours``.  Defined here, not in db, so
    that this module imports nothing of the store (db imports it)."""

    items: list[str]
    version: int | None
    ours: int


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code for ``exc`` (SQLITE_BUSY, ...), or None if it carries none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def fault(exc: BaseException, path: str | os.PathLike[str]) -> HistoryFault:
    """The domain error for ``exc`` (an ``sqlite3.Error``, among them db.UnexpectedSchema, or an ``OSError``)
    met while using the history ``path``: chosen by SQLite's result code or the system's errno only."""
    if isinstance(exc, HistoryFault):
        return exc
    detail = str(exc)
    if isinstance(exc, SchemaMismatch):
        if exc.version is not None and exc.version > exc.ours:
            return HistoryNewer(path, exc.version, exc.ours)
        return HistoryUnexpected(path, exc.items)
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in _OS_FULL:
            return HistoryFull(path, _FULL, detail)
        if exc.errno in _OS_READ_ONLY:
            return HistoryReadOnly(path, _OS_READ_ONLY[exc.errno], detail)
        return HistoryBug(path, exc.strerror or detail, detail)
    code = sqlite_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return HistoryLocked(path, _LOCKERS, detail)
    if code == SQLITE_FULL:
        return HistoryFull(path, _FULL, detail)
    if code in _READ_ONLY_REASONS:
        return HistoryReadOnly(path, _READ_ONLY_REASONS[code], detail)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return HistoryDamaged(path, detail or _UNREADABLE, detail)
    name = getattr(exc, "sqlite_errorname", None)
    words = detail or type(exc).__name__
    return HistoryBug(path, f"{words} ({name})" if isinstance(name, str) else words, detail)


def is_locked(exc: BaseException) -> bool:
    """True when ``exc`` says another connection holds a lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    return sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


@contextmanager
def faults(path: str | os.PathLike[str]) -> Iterator[None]:
    """Inside this block an ``sqlite3.Error`` becomes its domain error (raised from it)."""
    import sqlite3  # here, not at import: the window imports this module before Home paints

    try:
        yield
    except sqlite3.Error as exc:
        raise fault(exc, path) from exc
