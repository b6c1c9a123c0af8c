"""The sessions there are to choose or to name: the built-in ones, the user's folder, and files by path.

Each :class:`SessionEntry` has an id (``key``: what the settings and the history remember, a built-in's
stem or a file's path), its file (``source``) and, once checked, the result: the ``Session`` (and its
title) or the ``SessionError`` that says why not.  The user's folder is ``DATA_DIR/sessions`` or
``--sessions-dir``; only regular files named ``*.toml`` in it are listed, at most :data:`MAX_LISTED`.

Home lists the entries (the user's files checked in a worker thread, ``ui.home.SessionLister``), the
kiosk shows the built-in ones as tiles, and the command line finds the one a person named with
:meth:`Catalogue.find` (a file's path, a built-in's stem, or the file name, stem or title of one in the
user's folder).  Nothing here imports pydantic until a file is checked, so Home paints first
(docs/PERFORMANCE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..i18n import _, ngettext
from ..plaintext import printable
from .errors import Problem, SessionError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .model import Session

# The most files listed from the user's sessions folder.  Each loads (or is refused) in well under
# 0.5 s whatever it holds (docs/session-format.md, "Limits"); the window checks them off the GUI thread.
MAX_LISTED = 100
SUFFIX = ".toml"
_WHERE_MAX = 200  # the longest path or title quoted in a lookup's message (they are data)


@dataclass
class SessionEntry:
    key: str  # the id: what settings and the history remember, a built-in's stem or a file's path
    source: Traversable | Path
    builtin: bool
    session: Session | None = None
    error: SessionError | None = None

    @property
    def title(self) -> str | None:
        """The session's title, or None when the file cannot be used (``error`` says why)."""
        return self.session.title if self.session is not None else None

    @property
    def shown(self) -> Session | None:
        """The session in the current language's words (its own translation, else its own words): what
        a screen shows of it.  ``session`` stays as the file wrote it (the history and files use that)."""
        return self.session.localized(i18n.language()) if self.session is not None else None

    @property
    def stem(self) -> str:
        """The file's name without ``.toml``: a built-in is named by it."""
        return self.source.name.removesuffix(SUFFIX)

    @property
    def label(self) -> str:
        shown = self.shown
        if shown is not None:
            if self.builtin:
                return shown.title
            # Translators: Home's list: {title} is the title of a session in the user's own folder.
            return _("{title}  (yours)").format(title=shown.title)
        # Translators: Home's list: {file} is the name of a session file that cannot be opened.
        return _("⚠ {file}: cannot be opened").format(file=Path(str(self.key)).name)


def load_entry(key: str, source: Traversable | Path, builtin: bool) -> SessionEntry:
    """Check one session file; a file that cannot be used is an entry with its ``error``, not an exception."""
    from .load import load_session  # pydantic: loaded after the first paint (docs/PERFORMANCE.md)

    entry = SessionEntry(key, source, builtin)
    try:
        entry.session = load_session(source, name=key if not builtin else None)
    except SessionError as exc:
        entry.error = exc
    return entry


def builtin_entries() -> list[SessionEntry]:
    """The built-in sessions (shipped with the app, a few small files: quick to check), by name."""
    from .load import builtin_session_files

    return [load_entry(f.name.removesuffix(SUFFIX), f, True) for f in builtin_session_files()]


def user_session_files(sessions_dir: Path | None) -> list[Path]:
    """The .toml files in the user's sessions folder, in name order, without opening them.

    Only regular files (a FIFO, device or folder named ``x.toml`` is left out, never opened), and at
    most ``MAX_LISTED`` of them."""
    from ..safeio import regular_files

    if sessions_dir is None or not sessions_dir.is_dir():
        return []
    return regular_files(sessions_dir, "*" + SUFFIX)[:MAX_LISTED]


def discover(sessions_dir: Path | None) -> list[SessionEntry]:
    """The built-in sessions, then the user's session files (see :func:`user_session_files`), all checked
    here, on the caller's thread.  The window checks the user's files in a worker thread instead."""
    return Catalogue(sessions_dir).entries()


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class SessionNotFound(SessionError):
    """A name that is no file, no built-in session and no session in the user's folder; or a title that
    more than one session has.  Its message says what there is to choose from."""

    def __init__(self, name: str, message: str, details: list[str]) -> None:
        self.name = name
        self.details = details
        super().__init__([Problem(name, None, "", message)])

    def __str__(self) -> str:
        return "\n".join([super().__str__(), *(f"  {line}" for line in self.details)])


class Catalogue:
    """The built-in sessions and those in the user's folder (``sessions_dir``), each checked the first
    time it is needed and then kept.  Made on one thread and used there."""

    def __init__(self, sessions_dir: Path | None = None) -> None:
        self.sessions_dir = sessions_dir
        self._builtins: dict[str, SessionEntry] = {}  # checked, by stem
        self._users: dict[Path, SessionEntry] = {}  # checked, by path

    # -- what there is -----------------------------------------------------------------------------
    def builtin_files(self) -> list[Traversable]:
        from .load import builtin_session_files

        return builtin_session_files()

    def builtin_names(self) -> list[str]:
        """The built-in sessions' stems, by name (what ``run NAME`` accepts for them)."""
        return [f.name.removesuffix(SUFFIX) for f in self.builtin_files()]

    def user_files(self) -> list[Path]:
        return user_session_files(self.sessions_dir)

    def builtin(self, name: str) -> SessionEntry | None:
        """The built-in session with this stem (``.toml`` may be added), checked; None if there is none."""
        stem = name.removesuffix(SUFFIX)
        if stem not in self._builtins:
            found = next((f for f in self.builtin_files() if f.name == stem + SUFFIX), None)
            if found is None:
                return None
            self._builtins[stem] = load_entry(stem, found, True)
        return self._builtins[stem]

    def user_entry(self, path: Path) -> SessionEntry:
        """The entry of one file of the user's folder, checked once (its key is its path, as on Home)."""
        if path not in self._users:
            self._users[path] = load_entry(str(path), path, False)
        return self._users[path]

    def builtin_entries(self) -> list[SessionEntry]:
        return [e for e in (self.builtin(n) for n in self.builtin_names()) if e is not None]

    def user_entries(self) -> list[SessionEntry]:
        return [self.user_entry(p) for p in self.user_files()]

    def entries(self) -> list[SessionEntry]:
        """Every entry, checked: the built-in sessions, then the user's files, each in name order."""
        return self.builtin_entries() + self.user_entries()

    # -- lookups -----------------------------------------------------------------------------------
    def by_id(self, key: str) -> SessionEntry | None:
        """The entry a settings or history key names: a built-in's stem, or a file's path (one in the
        user's folder, or any other that exists); None when it names nothing there is."""
        entry = self.builtin(key) if key == key.removesuffix(SUFFIX) else None
        if entry is not None:
            return entry
        for path in self.user_files():
            if str(path) == key:
                return self.user_entry(path)
        if Path(key).is_file():
            return load_entry(key, Path(key), False)
        return None

    def in_folder(self, name: str) -> SessionEntry | None:
        """The file of the user's folder with this file name, or this stem."""
        for path in self.user_files():
            if name in (path.name, path.name.removesuffix(SUFFIX)):
                return self.user_entry(path)
        return None

    def by_title(self, title: str) -> list[SessionEntry]:
        """Every session (built-in, then the user's) with this title, case and spacing aside; this checks
        every file of the user's folder."""
        return [e for e in self.entries() if e.title is not None and _same_title(e.title, title)]

    def find(self, name: str) -> SessionEntry:
        """The session a person named on the command line, checked (``error`` set if it cannot be used).

        In this order: a path (it has a slash, or something by that name exists); a built-in session's
        stem; a file of the user's folder by its name or stem; a session's title.  A name ending in
        ``.toml`` that is none of these is taken as a path (the loader says "no such file").  Raises
        :class:`SessionNotFound` when nothing matches, or when more than one session has that title."""
        if "/" in name or "\\" in name or Path(name).exists():
            return load_entry(name, Path(name), False)
        found = self.builtin(name) or self.in_folder(name)  # the folder is not looked at for a built-in
        if found is not None:
            return found
        titled = self.by_title(name)
        if len(titled) == 1:
            return titled[0]
        if titled:
            files = ", ".join(e.stem if e.builtin else e.key for e in titled)  # escaped when it is written
            # Translators: {n} (two or more) sessions have the title a person named; {files} are their files.
            raise SessionNotFound(name, ngettext("{n} session has this title: {files}",
                                                 "{n} sessions have this title: {files}", len(titled)).format(
                                      n=len(titled), files=files),
                                  [_("name one of them by its file instead")])
        if name.endswith(SUFFIX):
            return load_entry(name, Path(name), False)
        raise SessionNotFound(name, _("no such session"), self._choices())

    def open(self, name: str) -> SessionEntry:
        """:meth:`find`, for a session that is to be used: raises ``SessionError`` (every problem of its
        file, or :class:`SessionNotFound`), so the entry returned has its ``session``."""
        entry = self.find(name)
        if entry.error is not None:
            raise entry.error
        assert entry.session is not None
        return entry

    def _choices(self) -> list[str]:
        """What there is to name, one line each, for the message when a name matches nothing."""
        # Translators: {names} are the built-in sessions' names (hip-hinge-mobility, ...).
        lines = [_("built-in: {names}").format(names=", ".join(self.builtin_names()))]
        if self.sessions_dir is not None:
            folder = printable(str(self.sessions_dir), limit=_WHERE_MAX)
            yours = [
                f'{printable(e.stem, limit=_WHERE_MAX)} ("{printable(e.title, limit=_WHERE_MAX)}")'
                # Translators: {name} is the name of a session file (without .toml) in the user's folder.
                if e.title is not None
                else _("{name} (cannot be opened)").format(name=printable(e.stem, limit=_WHERE_MAX))
                for e in self.user_entries()
            ]
            # Translators: {folder} is the user's sessions folder; {sessions} the sessions in it.
            lines.append(_("in {folder}: {sessions}").format(folder=folder, sessions=", ".join(yours)) if yours
                         else _("in {folder}: no session files").format(folder=folder))
        lines.append(_("or give the path of a session file"))
        return lines
