"""One window for each data folder: a second start hands its request to the first (issue 17).

Two windows on one data folder would both play their cues and both write the history.  So each start of
the window (``hinge-timer``, ``hinge-timer run [FILE]``, ``hinge-timer resume``) first looks for the one
already open on the same data folder, and when it finds it, hands it a small request and ends:

1. Before its window is built, a start takes the claim lock (a ``QLockFile`` next to the socket; one left
   by a process that died is taken over at once).  While a live start holds it (a first whose window has
   not painted yet, on a slow or busy laptop) it waits, at most ``CLAIM_WAIT_MS``; still held then, it
   raises :class:`StillStarting` (one line, exit 1) rather than open a second window.  Then, if something
   is at the folder's address, connects to it with a ``QLocalSocket`` and sends one JSON line: ``show``, or
   ``run`` with a session file's absolute path (or a built-in session's stem) and the dose.
2. The first answers with one word (``shown``, ``started``, ``busy``, ``refused``, ``occupied``: what
   it is going to do) and the second replies ``go``; only then does the first act.  A second that got
   no answer within ``ANSWER_WAIT_MS`` never says ``go``, so a first that was frozen and wakes up later
   does not act on a request whose sender has started a window of its own.
3. No answer (nothing there, a socket file left by a process killed with SIGKILL, a first that is frozen):
   the start goes on as the first.  Once its window has painted, it listens on a socket file of its own
   and renames it over the address, which replaces whatever was there in one step, then lets go of the
   claim lock.  At its end it removes the socket file only if it is still its own.  The lock is what keeps
   two starts at the same moment (a launcher double-clicked) from both becoming the first.

The address is derived from the data folder: the SHA-256 of the user's id and the folder's resolved path,
so two data folders or two users never meet.  On Linux and macOS it is a socket file in a folder only this
user can enter (``$XDG_RUNTIME_DIR`` when it is private, else ``hinge-timer-UID`` in the temporary folder,
made with mode 0700 and checked: owned by this user, not a link, no access for others), itself made for
this user only (``UserAccessOption``); on Windows a named pipe limited to this user.

The first never waits on the socket: each connection is read when ``readyRead`` says so, at most
``MAX_MESSAGE`` bytes, and dropped after ``CONVERSATION_MS``.  A request is data: anything that is not
exactly one of the two requests (a bad field, a relative path, a line too long) is ignored and logged.  A
path is then opened like any file the user opens (the window does that, ui/app.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QByteArray, QCryptographicHash, QElapsedTimer, QLockFile, QObject, QTimer, Signal, Slot

from ..i18n import _

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

PROTOCOL = 1  # the "hinge_timer" field of every request
MAX_MESSAGE = 64 * 1024  # a request line (a path is at most MAX_PATH characters)
MAX_PATH = 4096
ANSWER_WAIT_MS = 1000  # a second start waits this long for the first's answer, then starts normally
LOCK_WAIT_MS = 2000  # a start waits this long for the claim lock, then says in the log that it waits on
CLAIM_WAIT_MS = 20_000  # ... and at most this long in all for another start that is becoming the first
# A claim lock older than this is taken over even if its process lives (its id reused by another
# program); one held by a process that died is taken over at once.  Longer than CLAIM_WAIT_MS, so a first
# that is slow to start is waited for, never taken over.
STALE_LOCK_MS = 120_000
CONVERSATION_MS = 3000  # the first drops a connection that has not finished by then
MAX_CONVERSATIONS = 8  # at once; more are closed unread
_SUN_PATH_MAX = 104  # a socket file's path must fit sockaddr_un (104 bytes on macOS, 108 on Linux)
_OWN_SUFFIX_MAX = 16  # ".PID.new": the name it is made under, then renamed (InstanceServer)

SHOW, RUN = "show", "run"
# What the first says it is going to do: brought to the front; and the file opened (and started if it
# loads); a session is running there, so the file was not opened; a kiosk, which opens no file; a dialog
# or the help is open there, so the file was not opened.
ANSWERS = frozenset({"shown", "started", "busy", "refused", "occupied"})
_DOSES = (None, "low", "high")
_BUILTIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class StillStarting(RuntimeError):
    """Another start has held the claim lock for ``CLAIM_WAIT_MS`` and is still alive (its window is still
    being built, or it is stuck): this start ends rather than open a second window on the folder."""

    def __init__(self, pid: int, waited_ms: int) -> None:
        self.pid = pid
        seconds = f"{waited_ms / 1000:g}"
        if pid > 0:
            # Translators: printed on the command line; {pid} the other start's process id, {seconds} how long
            # this one waited for it.
            text = _("hinge-timer: Hinge Timer is still opening its window for this data folder (process {pid}), "
                     "after {seconds} s; try again once it is open").format(pid=pid, seconds=seconds)
        else:
            # Translators: printed on the command line; {seconds} how long this start waited for the other.
            text = _("hinge-timer: Hinge Timer is still opening its window for this data folder, after {seconds} s; "
                     "try again once it is open").format(seconds=seconds)
        super().__init__(text)


class BadRequest(ValueError):
    """A request line that is not exactly one of the requests (the reason, in words)."""


class Request(NamedTuple):  # (a named tuple: a dataclass would cost 3 ms before Home's first frame)
    """What a second start asks of the first: ``show`` the window, or ``run`` a session in it."""

    command: str  # SHOW or RUN
    path: str | None = None  # RUN: a session file, by its absolute path
    builtin: str | None = None  # RUN: or a built-in session, by its stem
    dose: str | None = None  # RUN: "low" or "high" (None: the session's own)

    @property
    def shown_name(self) -> str:
        """The session asked for, as the user named it (a file's name, a built-in's stem)."""
        return Path(self.path).name if self.path is not None else self.builtin or ""

    def encode(self) -> bytes:
        data: dict[str, Any] = {"hinge_timer": PROTOCOL, "command": self.command}
        for name in ("path", "builtin", "dose"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        # ensure_ascii: a path's undecodable bytes (surrogate escapes) travel as \\udcXX and come back.
        return json.dumps(data, ensure_ascii=True).encode("ascii") + b"\n"


def decode(line: bytes) -> Request:
    """The request in one line (without its newline); raises :class:`BadRequest`, never anything else."""
    if len(line) > MAX_MESSAGE:
        raise BadRequest(f"longer than {MAX_MESSAGE // 1024} KiB")
    try:
        data = json.loads(line.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("not a line of JSON") from None
    if not isinstance(data, dict) or data.get("hinge_timer") != PROTOCOL:
        raise BadRequest(f"not a Hinge Timer request of version {PROTOCOL}")
    unknown = sorted(set(data) - {"hinge_timer", "command", "path", "builtin", "dose"})
    if unknown:
        raise BadRequest(f"unknown field {unknown[0]!r}")
    command = data.get("command")
    if command == SHOW:
        if len(data) != 2:
            raise BadRequest("'show' takes no other field")
        return Request(SHOW)
    if command != RUN:
        raise BadRequest("the command is neither 'show' nor 'run'")
    path, builtin, dose = data.get("path"), data.get("builtin"), data.get("dose")
    if (path is None) == (builtin is None):
        raise BadRequest("'run' names either a file (path) or a built-in session (builtin)")
    if path is not None:
        if not isinstance(path, str) or not path or len(path) > MAX_PATH or "\0" in path:
            raise BadRequest("the path is not a path")
        try:
            os.fsencode(path)
        except UnicodeError:
            raise BadRequest("the path is not a path") from None
        if not os.path.isabs(path):
            raise BadRequest("the path is not absolute")
    if builtin is not None and not (isinstance(builtin, str) and _BUILTIN_NAME.fullmatch(builtin)):
        raise BadRequest("the built-in session's name is not a name")
    if dose not in _DOSES:
        raise BadRequest("the dose is neither 'low' nor 'high'")
    return Request(RUN, path=path, builtin=builtin, dose=dose)


# -- where the first instance is found --------------------------------------------------------------------
class Address(NamedTuple):
    """Where a data folder's first instance listens (``server``: QLocalServer's name: a socket file's path,
    or on Windows a pipe's name) and its claim lock."""

    server: str
    lock: Path

    def occupied(self) -> bool:
        """Something is there to try (an instance, or a socket file a dead one left)."""
        if sys.platform == "win32":
            return os.path.exists(rf"\\.\pipe\{self.server}")
        return os.path.lexists(self.server)


def folder_key(folder: Path) -> str:
    """The data folder's part of the address: the same for every spelling of the folder, differing
    between folders and between users."""
    try:
        resolved = str(folder.expanduser().resolve())
    except (OSError, RuntimeError):  # a loop of links: as it is spelt, made absolute
        resolved = os.path.abspath(folder)
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    data = QByteArray(os.fsencode(f"{user}\0{resolved}"))
    digest = QCryptographicHash.hash(data, QCryptographicHash.Algorithm.Sha256)
    return bytes(digest.toHex().data()).decode("ascii")[:24]


def private_folder_problem(folder: Path, follow: bool) -> str | None:
    """Why ``folder`` is not a place only this user can reach (None: it is)."""
    try:
        st = os.stat(folder) if follow else os.lstat(folder)
    except OSError as exc:
        return f"{folder} cannot be used ({exc.strerror or exc})"
    if not stat.S_ISDIR(st.st_mode):
        return f"{folder} is not a folder"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"{folder} belongs to another user"
    if st.st_mode & 0o077:
        return f"others may enter {folder} (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _private_folders() -> list[Path]:
    """The folders the socket may go in, best first: $XDG_RUNTIME_DIR, then our own in the temporary folder."""
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        why = private_folder_problem(Path(runtime), follow=True)
        if why is None:
            found.append(Path(runtime))
        else:
            log.info("single instance: not in $XDG_RUNTIME_DIR: %s", why)
    own = Path(tempfile.gettempdir()) / f"hinge-timer-{os.getuid()}"
    try:
        own.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        log.warning("single instance: cannot make %s: %s", own, exc.strerror or exc)
        return found
    why = private_folder_problem(own, follow=False)
    if why is None:
        found.append(own)
    else:
        log.warning("single instance: not in %s: %s", own, why)
    return found


def address(folder: Path) -> Address | None:
    """The data folder's address, or None when there is no private place for it (said in the log: each
    start then opens a window of its own, as before)."""
    name = f"hinge-timer-{folder_key(folder)}"
    if sys.platform == "win32":
        return Address(name, Path(tempfile.gettempdir()) / f"{name}.lock")  # a per-user folder there
    for base in _private_folders():
        sock = base / f"{name}.sock"
        if len(os.fsencode(sock)) + _OWN_SUFFIX_MAX < _SUN_PATH_MAX:
            return Address(str(sock), base / f"{name}.lock")
    log.warning("single instance: no private folder with a short enough path for the socket; a second "
                "start will open a second window")
    return None


# -- the second start's side: ask, then go -------------------------------------------------------------------
def ask(server: str, request: Request, wait_ms: int = ANSWER_WAIT_MS) -> str | None:
    """Hand ``request`` to the instance listening at ``server``: its answer (one of ANSWERS) once it has
    been told to go ahead, or None when nothing answered in ``wait_ms`` (or answered nonsense)."""
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    clock = QElapsedTimer()
    clock.start()

    def left() -> int:
        return max(0, wait_ms - clock.elapsed())

    try:
        sock.connectToServer(server)
        if not sock.waitForConnected(left()):
            log.info("single instance: nobody at %s (%s)", server, sock.errorString())
            return None
        sock.write(request.encode())
        if not sock.waitForBytesWritten(left()):
            log.warning("single instance: the Hinge Timer at %s did not take the request", server)
            return None
        line = b""
        while b"\n" not in line:
            if len(line) > 64 or not sock.waitForReadyRead(left()):
                log.warning("single instance: the Hinge Timer already open did not answer within %.1f s; "
                            "opening another window", wait_ms / 1000)
                return None
            line += bytes(sock.readAll().data())
        answer = line.split(b"\n", 1)[0].decode("ascii", "replace")
        if answer not in ANSWERS:
            log.warning("single instance: %s answered %r; opening another window", server, answer[:40])
            return None
        sock.write(b"go\n")
        if not sock.waitForBytesWritten(max(left(), 200)):
            log.warning("single instance: the Hinge Timer at %s went away while answering", server)
            return None
        return answer
    finally:
        sock.abort()


class Start:
    """One start of the window, against its data folder's first instance (see the module's docstring):
    :meth:`hand_over` asks the first; when nobody answered, :meth:`listen` makes this start the first."""

    def __init__(self, folder: Path, wait_ms: int = ANSWER_WAIT_MS, claim_wait_ms: int = CLAIM_WAIT_MS) -> None:
        self.folder = folder
        self.wait_ms = wait_ms
        self.claim_wait_ms = claim_wait_ms
        self.address = address(folder)
        self._lock: QLockFile | None = None

    def hand_over(self, request: Request) -> str | None:
        """The first instance's answer when it took ``request`` (this start is to end), else None (this
        start is the first; the claim lock is held until :meth:`listen` or :meth:`release`).  Raises
        :class:`StillStarting` when a live start held the claim lock for all of ``claim_wait_ms``."""
        if self.address is None:
            return None
        lock = QLockFile(str(self.address.lock))
        lock.setStaleLockTime(STALE_LOCK_MS)
        clock = QElapsedTimer()
        clock.start()
        got = lock.tryLock(min(LOCK_WAIT_MS, self.claim_wait_ms))
        if not got and lock.error() == QLockFile.LockError.LockFailedError:
            log.info("single instance: another start (process %s) is still opening its window; waiting for it, "
                     "at most %g s", lock.getLockInfo()[0], self.claim_wait_ms / 1000)
            got = lock.tryLock(max(0, self.claim_wait_ms - clock.elapsed()))
        if got:
            self._lock = lock
        elif lock.error() == QLockFile.LockError.LockFailedError:
            pid = lock.getLockInfo()[0]
            log.info("single instance: process %s held %s for %g s", pid, self.address.lock,
                        self.claim_wait_ms / 1000)
            raise StillStarting(int(pid or 0), self.claim_wait_ms)
        else:
            log.warning("single instance: cannot make the lock file %s", self.address.lock)
        if not self.address.occupied():
            return None
        answer = ask(self.address.server, request, self.wait_ms)
        if answer is not None:
            self.release()
        return answer

    def listen(self, decide: Callable[[Request], str], parent: QObject | None = None) -> InstanceServer | None:
        """Become the first: listen at the address (what a dead or frozen instance left there is
        removed), then let go of the claim lock.  None when there is no address or listening failed (logged)."""
        try:
            if self.address is None:
                return None
            server = InstanceServer(self.address.server, decide, parent)
            if not server.listening:
                server.deleteLater()
                return None
            return server
        finally:
            self.release()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


# -- the first instance's side ---------------------------------------------------------------------------------
class InstanceServer(QObject):
    """Listens at ``name`` for other starts; ``decide(request)`` says (at once, without acting) what the
    window is going to do, and ``request_confirmed`` is emitted once the sender said go.

    A socket file is made under a name of this process's own and renamed over ``name``: what is there
    (a socket file left by an instance that died, or that of one that did not answer) is replaced in one
    step, and at the end only our own file is removed, never a later first instance's."""

    request_confirmed = Signal(object)  # a Request

    def __init__(self, name: str, decide: Callable[[Request], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        self.name = name
        self.decide = decide
        self.conversations: list[_Conversation] = []
        self._own: tuple[int, int] | None = None  # (device, inode) of our socket file
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.setMaxPendingConnections(MAX_CONVERSATIONS)
        self.server.newConnection.connect(self.on_new_connection)
        self.listening = self._listen(QLocalServer)
        if self.listening:
            log.info("single instance: listening at %s", name)
        else:
            log.warning("single instance: cannot listen at %s (%s); a second start will open a second window",
                        name, self.server.errorString())

    def _listen(self, server_class: type[QLocalServer]) -> bool:
        if sys.platform == "win32":  # a named pipe: no file to replace
            if self.server.listen(self.name):
                return True
            server_class.removeServer(self.name)
            return self.server.listen(self.name)
        own = f"{self.name}.{os.getpid()}.new"
        server_class.removeServer(own)  # left by an earlier process with this process id
        if not self.server.listen(own):
            return False
        try:
            os.replace(own, self.name)
            st = os.lstat(self.name)
        except OSError as exc:
            log.warning("single instance: cannot put the socket at %s: %s", self.name, exc.strerror or exc)
            self.server.close()
            return False
        self._own = (st.st_dev, st.st_ino)
        return True

    @Slot()
    def on_new_connection(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            if len(self.conversations) >= MAX_CONVERSATIONS:
                log.warning("single instance: %d connections at once; closed another unread", MAX_CONVERSATIONS)
                sock.abort()
                sock.deleteLater()
                continue
            self.conversations.append(_Conversation(sock, self))

    def ended(self, conversation: _Conversation) -> None:
        if conversation in self.conversations:
            self.conversations.remove(conversation)

    def close(self) -> None:
        """Stop listening, drop every connection, and remove the socket file if it is still ours."""
        for conversation in list(self.conversations):
            conversation.end()
        self.server.close()
        if self._own is not None:
            try:
                st = os.lstat(self.name)
                if (st.st_dev, st.st_ino) == self._own:
                    os.unlink(self.name)
            except OSError:
                pass  # gone already, or never ours to remove
            self._own = None


class _Conversation(QObject):
    """One connection to the first instance: a request line, the answer, then ``go``."""

    def __init__(self, sock: QLocalSocket, server: InstanceServer) -> None:
        super().__init__(server)
        self.sock = sock
        self.owner = server
        self.buffer = b""
        self.request: Request | None = None
        self.over = False
        sock.setParent(self)
        sock.setReadBufferSize(MAX_MESSAGE + 2)
        sock.readyRead.connect(self.on_ready_read)
        sock.disconnected.connect(self.on_disconnected)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.on_timeout)
        self.timer.start(CONVERSATION_MS)
        if sock.bytesAvailable():
            QTimer.singleShot(0, self.on_ready_read)  # it may have come before we listened

    @Slot()
    def on_ready_read(self) -> None:
        if self.over:
            return
        self.buffer += bytes(self.sock.read(MAX_MESSAGE + 2 - len(self.buffer)).data())
        if b"\n" not in self.buffer:
            if len(self.buffer) > MAX_MESSAGE:
                self.drop(f"longer than {MAX_MESSAGE // 1024} KiB")
            return
        line, self.buffer = self.buffer.split(b"\n", 1)
        if self.request is None:
            try:
                request = decode(line)
            except BadRequest as exc:
                self.drop(str(exc))
                return
            self.request = request
            self.sock.write(self.owner.decide(request).encode("ascii") + b"\n")
            if b"\n" in self.buffer:
                self.on_ready_read()
            return
        if line != b"go":
            self.drop("it did not say go")
            return
        request = self.request
        self.end()
        log.info("single instance: another start asked: %s%s", request.command,
                 f" {request.shown_name!r}" if request.command == RUN else "")
        self.owner.request_confirmed.emit(request)

    @Slot()
    def on_disconnected(self) -> None:
        self.on_ready_read()  # what came just before the end (the go) is still to be read
        if not self.over and self.request is not None:
            log.info("single instance: another start asked, then went away without saying go: ignored")
        self.end()

    @Slot()
    def on_timeout(self) -> None:
        if self.request is not None:
            log.info("single instance: another start asked, then did not say go within %g s: ignored",
                     CONVERSATION_MS / 1000)
            self.end()
        else:
            self.drop(f"nothing within {CONVERSATION_MS / 1000:g} s")

    def drop(self, why: str) -> None:
        log.warning("single instance: ignored a request at %s: %s", self.owner.name, why)
        self.end()

    @Slot()
    def end(self) -> None:
        if self.over:
            return
        self.over = True
        self.timer.stop()
        self.sock.abort()
        self.owner.ended(self)
        self.deleteLater()
