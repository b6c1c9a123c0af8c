"""Reading files a user (or an attacker) may have put anywhere: only regular files, never blocking.

Qt-free.  Every file the app reads on a person's behalf (session files, settings, the site config, sound
files) comes through :func:`read_regular`, so a FIFO, a device, a socket or a folder in its place is
refused at once with a clear reason instead of hanging the caller, and nothing larger than the caller's
limit is ever read into memory.

The file is opened with ``O_NONBLOCK`` (so opening a FIFO returns at once instead of waiting for a
writer) and checked with ``fstat`` on the descriptor that was opened, so the file cannot be swapped
between the check and the read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .i18n import N_, _, ngettext

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path names something other than a regular file (a folder, FIFO, device or socket).

    ``what`` is the English words of :func:`kind_of` (an id: compare it, and show ``_(what)``); the
    message and ``strerror`` are in the user's language."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        # Translators: {what} is a kind of file: "a folder", "a named pipe (FIFO)", "a socket", "a device".
        super().__init__(_("{what}, not a regular file").format(what=_(what)))
        self.filename = os.fspath(path)
        self.what = what
        # Translators: after a file's name; {what} is a kind of file: "a folder", "a named pipe (FIFO)"...
        self.strerror = _("is {what}, not a regular file").format(what=_(what))


class TooLarge(OSError):
    """The file is larger than the caller's limit; nothing of it was read."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        # Translators: {size} and {limit} are numbers of bytes (of a file).
        super().__init__(ngettext("{size} byte, more than the limit of {limit}",
                                  "{size} bytes, more than the limit of {limit}", size).format(size=size, limit=limit))
        self.filename = os.fspath(path)
        self.size = size
        self.limit = limit
        # Translators: after a file's name; {size} and {limit} are numbers of bytes.
        self.strerror = ngettext("is {size} byte, more than the {limit} allowed",
                                 "is {size} bytes, more than the {limit} allowed", size).format(size=size, limit=limit)


def kind_of(mode: int) -> str:
    """A person's word for what a non-regular file is, in English: an id too (``NotRegularFile.what``),
    so it is marked here and translated where it is shown, ``_(kind_of(mode))``."""
    # Translators: kinds of file, put into sentences such as "is {what}, not a regular file".
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISFIFO(mode):
        return N_("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    return N_("a special file")


def is_regular(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` (following symlinks) is a regular file; never opens it, never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _open_regular(p: str) -> tuple[int, os.stat_result]:
    """A descriptor on ``p`` opened without blocking, and its fstat; NotRegularFile for anything else."""
    try:
        fd = os.open(p, _FLAGS)
    except IsADirectoryError:
        raise NotRegularFile(p, N_("a folder")) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(p, kind_of(st.st_mode))
        # A regular file never blocks, but O_NONBLOCK is cleared anyway so reads behave as usual.
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_head(path: str | os.PathLike[str], size: int) -> bytes:
    """The first ``size`` bytes (or fewer) of a regular file, checked as :func:`read_regular` does,
    whatever the file's length; raises as it does (never :class:`TooLarge`)."""
    fd, _st = _open_regular(os.fspath(path))
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash or a power cut leaves the old file or the new one,
    never half of either: a new file in the same folder (made with O_EXCL, so nothing already there, not
    even a FIFO, is opened), written, flushed to disk, renamed over ``path``, then the folder flushed
    where the system allows it.  Raises ``OSError``; the temporary file is never left behind."""
    import tempfile

    target = Path(path)
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):
        try:
            dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ``FileNotFoundError``/``PermissionError``/other ``OSError`` as ``open`` does,
    :class:`NotRegularFile` for anything that is not a regular file (without blocking on it), and
    :class:`TooLarge` when the file is bigger than ``limit`` (also when it grows while being read).
    """
    p = os.fspath(path)
    fd, st = _open_regular(p)
    try:
        if st.st_size > limit:
            raise TooLarge(p, st.st_size, limit)
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:
                raise TooLarge(p, got, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_text(path: str | os.PathLike[str], limit: int, encoding: str = "utf-8") -> str:
    """:func:`read_regular`, decoded (``UnicodeDecodeError`` if it is not that encoding)."""
    return read_regular(path, limit).decode(encoding)


def describe(exc: OSError) -> str:
    """A short reason for an ``OSError`` from this module or ``open``, for a message naming the file."""
    if isinstance(exc, (NotRegularFile, TooLarge)):
        return exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError):
        return _("no such file")
    if isinstance(exc, PermissionError):
        return _("permission denied")
    return exc.strerror or str(exc)


def regular_files(folder: Path, pattern: str) -> list[Path]:
    """The regular files in ``folder`` matching ``pattern``, sorted; FIFOs, folders and devices left out."""
    try:
        return sorted(p for p in folder.glob(pattern) if is_regular(p))
    except OSError:
        return []
