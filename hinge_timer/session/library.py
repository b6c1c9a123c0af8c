"""The user's own session files: make a name for a new one, duplicate, import, export and delete (with undo).

Qt-free.  The user's sessions folder is ``DATA_DIR/sessions`` (or ``--sessions-dir``); a file's path is a
session's identity (the history, the dose advice and resume key on it), so nothing here renames a file
that is already there, and nothing overwrites one: a new file gets a name no file has (made with
``O_EXCL``, then written atomically over that placeholder through ``safeio.write_atomic``).

* :func:`new_path`: a file name from a title ("Knee day!" -> ``knee-day.toml``, then ``knee-day-2.toml``).
* :func:`duplicate`: a session's text (a built-in's or the user's) as "<title> (my copy)" in the folder,
  written with ``write.update_data`` so the original's comments and layout come along.
* :func:`import_file`: a file from anywhere, read through ``safeio`` (regular file, at most 1 MiB),
  validated by the loader first (``SessionError``: nothing is copied), then its bytes copied.
* :func:`export`: a session's bytes to a path the user chose (atomic).
* :func:`delete`: the file moved to ``DATA_DIR/trash/<stamp>-<name>``; :meth:`Deleted.restore` puts it
  back, refusing to overwrite a file that has taken its name since.  Nothing is ever deleted for good.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _
from ..safeio import read_regular, write_atomic
from .errors import Problem, SessionError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SUFFIX = ".toml"
MAX_STEM = 60  # the longest file name made from a title (before "-2" and ".toml")
NEW_FILE_MODE = 0o644  # a session file is not a secret: another account on a gym PC may read it
# Names Windows keeps for devices (with any extension): "con.toml" cannot be made there.
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))})
# Translators: the title of a copy of a session (written into the copy's file); {title} is the original's title.
COPY_TITLE = N_("{title} (my copy)")
MAX_TITLE = 80  # model.Name's limit: a copy's title is cut to fit it


def _limit() -> int:
    from .load import MAX_FILE_BYTES

    return MAX_FILE_BYTES


def slug(title: str) -> str:
    """A file name stem from a title: lower case ascii letters, digits and single hyphens, at most 60;
    "session" if none; a name Windows keeps for a device gets "-session" after it."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:MAX_STEM].strip("-")
    if not stem:
        return "session"
    return stem + "-session" if stem in _RESERVED else stem


def new_path(folder: Path, title: str) -> Path:
    """A path in ``folder`` for a new session with this title, that no file (nor folder, nor FIFO) has."""
    return _free(folder, slug(title))


def _free(folder: Path, stem: str) -> Path:
    n = 1
    while True:
        candidate = folder / f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}"
        if not os.path.lexists(candidate):
            return candidate
        n += 1


def claim_new(folder: Path, stem: str) -> Path:
    """A new, empty file in ``folder`` named from ``stem`` (``x.toml``, ``x-2.toml``...), taken with
    ``O_EXCL``: never an existing file, not even one made meanwhile.  Raises ``OSError``."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        path = _free(folder, stem)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
        except FileExistsError:
            continue  # taken between the look and the open: the next name
        os.close(fd)
        return path


def write_new(folder: Path, stem: str, data: bytes) -> Path:
    """``data`` as a new file in ``folder`` named from ``stem`` (made unique, :func:`claim_new`), written
    atomically, readable as a new file is (``NEW_FILE_MODE``).  Raises ``OSError``; a failed write leaves no
    file behind."""
    path = claim_new(folder, stem)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)  # NEW_FILE_MODE less the user's umask
        write_atomic(path, data)
        os.chmod(path, mode)  # (write_atomic's file is private)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    return path


def copy_title(title: str) -> str:
    """The title of a copy: "<title> (my copy)" (in the user's language), the title cut so that it stays
    within the model's limit."""
    template = _(COPY_TITLE)
    room = MAX_TITLE - len(template.format(title=""))
    return template.format(title=title if len(title) <= room else title[:room].rstrip())


def duplicate(text: str, folder: Path, name: str = "<session>") -> Path:
    """A copy of the session ``text`` (a built-in's or the user's file, named ``name`` in messages) as a
    new file in ``folder``, titled "<title> (my copy)", its comments and layout kept.  Raises
    ``SessionError`` when ``text`` is not a valid session (nothing is written), ``OSError`` when the
    disk says no."""
    from .load import parse_session

    session = parse_session(text, name)  # the whole file's problems, before anything is written
    from . import write
    data: dict[str, Any] = tomllib.loads(text)
    data["title"] = copy_title(session.title)
    copied = write.update_data(text, data)
    parse_session(copied, name)  # never a copy that does not open
    return write_new(folder, slug(data["title"]), copied.encode("utf-8"))


def source_text(source: Traversable | Path) -> str:
    """A session file's text (a built-in's resource, or a file read through ``safeio``); ``OSError`` or
    ``UnicodeDecodeError`` when it cannot be read."""
    if isinstance(source, Path):
        return read_regular(source, _limit()).decode("utf-8-sig")
    return source.read_bytes().decode("utf-8-sig")


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().parent == folder.resolve()
    except OSError:
        return False


def import_file(path: Path, folder: Path) -> Path:
    """Copy the session file ``path`` into ``folder`` after it validates, and return the copy's path (a
    file already in ``folder`` is not copied again: its own path).  Raises ``SessionError`` naming the
    file (and the field) when it cannot be read or is not a valid session: nothing is copied then;
    ``OSError`` when the folder cannot be written."""
    from .load import load_session

    label = str(path)
    if _inside(path, folder):
        load_session(path, name=label)
        return path
    try:
        data = read_regular(path, _limit())
    except OSError:
        load_session(path, name=label)  # says why, as Home would (no such file, a FIFO, too large...)
        raise  # (not reached: the loader raises for every read failure)
    from .load import parse_session

    parse_session(data, label)  # every problem of the file, named by file and field
    stem = slug(path.name.removesuffix(SUFFIX)) if path.name.endswith(SUFFIX) else slug(path.name)
    return write_new(folder, stem, data)


def export(source: Traversable | Path, dest: Path) -> None:
    """The session's bytes, exactly, to ``dest`` (a path the user chose; replaced atomically if there).
    Raises ``OSError``."""
    data = read_regular(source, _limit()) if isinstance(source, Path) else source.read_bytes()
    write_atomic(dest, data)


def _move_no_overwrite(src: Path, dest: Path) -> None:
    """Move a file to ``dest``, which must not exist (``FileExistsError`` if it does): a hard link then an
    unlink on one file system, a copy then an unlink across them."""
    try:
        os.link(src, dest)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(dest):
            raise FileExistsError(17, _("a file has that name now"), str(dest)) from None
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
        try:
            shutil.copy2(src, dest)
        except BaseException:
            os.unlink(dest)
            raise
    os.unlink(src)


@dataclass(frozen=True)
class Deleted:
    """A session file moved out of the way: ``original`` is where it was, ``trashed`` where it is now (the
    trash folder, or the desktop's trash when the window used it)."""

    original: Path
    trashed: Path

    def restore(self) -> Path:
        """Move the file back; ``FileExistsError`` (nothing moved) when a file has its name now,
        ``FileNotFoundError`` when it has gone from the trash."""
        if os.path.lexists(self.original):
            raise FileExistsError(17, _("a file has that name now"), str(self.original))
        if not os.path.lexists(self.trashed):
            raise FileNotFoundError(2, _("it is no longer in the trash"), str(self.trashed))
        self.original.parent.mkdir(parents=True, exist_ok=True)
        _move_no_overwrite(self.trashed, self.original)
        return self.original


def delete(path: Path, trash_dir: Path, now: datetime | None = None) -> Deleted:
    """Move the session file ``path`` to ``trash_dir/<stamp>-<name>`` (never deleted for good); the
    returned :class:`Deleted` can put it back.  Raises ``OSError`` (nothing moved)."""
    trash_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        dest = trash_dir / f"{stamp}{'' if n == 1 else f'.{n}'}-{path.name}"
        try:
            _move_no_overwrite(path, dest)
        except FileExistsError:
            n += 1
            continue
        return Deleted(path, dest)


def not_a_session(path: Path, message: str) -> SessionError:
    """A SessionError for a file that is refused before it is read (say, a dropped folder)."""
    return SessionError([Problem(str(path), None, "", message)])
