"""Checking the user's session files where a hostile one cannot hold the window back: in a child process.

Home lists the user's files from a worker thread, but a thread shares the interpreter with the window:
a file that keeps it in one long C call (pydantic-core building thousands of errors) stalled Home for
up to half a second.  :class:`FileChecker` asks ``python -m hinge_timer.check_child`` about each file
(one JSON line each way, see check_child.py), waiting on a pipe, which holds nothing back; only a file
the child found valid is then loaded here, and a valid file never holds the interpreter for long
(about 10 ms at a time at the size limit).

A file the child takes longer than ``timeout_s`` over is said to be too slow to check, and a child that
dies on a file (a crash, SIGKILL, no memory) gives that file "could not be checked"; either way the
child is killed and the next file gets a new one.  If no child can be started at all (no interpreter
to run it, a packaged app without one) the files are checked in this thread as before, and that is
logged once.  Qt-free: the worker thread calls :meth:`FileChecker.check`, any thread :meth:`close`.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import i18n
from ..i18n import _
from .catalogue import SessionEntry, load_entry
from .errors import Problem, SessionError

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 10.0  # the longest one file may take (the slowest hostile ones take about 0.75 s)
START_TIMEOUT_S = 30.0  # the longest the child may take to start and say it is ready (its imports)
_LINE_MAX = 1024 * 1024  # an answer holds at most 50 problems of bounded length: far less than this


class _ChildGone(Exception):
    """The child cannot answer: it exited, or it could not be started.  Its message is in the user's
    language: it goes into the file's "could not be checked" problem (and the log)."""


class CheckFailed(Exception):
    """:meth:`FileChecker.ask` got no answer: the child could not start, died, or took too long (the
    message says which); ``cancelled`` if :meth:`FileChecker.cancel` ended it."""

    def __init__(self, message: str, cancelled: bool = False) -> None:
        super().__init__(message)
        self.cancelled = cancelled


class FileChecker:
    """Checks session files in a child process, one at a time (see the module's docstring)."""

    def __init__(self, command: Sequence[str] | None = None, timeout_s: float = CHECK_TIMEOUT_S,
                 start_timeout_s: float = START_TIMEOUT_S, line_max: int = _LINE_MAX) -> None:
        self.command = list(command) if command is not None else [sys.executable, "-P", "-m", "hinge_timer.check_child"]
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.line_max = line_max
        self.in_process = False  # no child could be started: files are checked in this thread
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._started_once = False  # a child of this checker got going (a death is then the file's doing)
        self._lock = threading.Lock()
        self._cancelled = False

    @property
    def pid(self) -> int | None:
        """The child's process id while one runs (tests kill it)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def check(self, path: Path) -> SessionEntry:
        """The entry for the user's file ``path`` (its error says what is wrong, if anything).  In the
        worker thread; after :meth:`cancel` it returns at once (an entry nobody will show)."""
        key = str(path)
        if self._cancelled:
            return _broken(key, path, _("was not checked: the listing was cancelled"))
        if self.in_process:
            return load_entry(key, path, False)
        try:
            reply = self._ask(key)
        except _ChildGone as gone:
            if self._cancelled:
                return _broken(key, path, _("was not checked: the listing was cancelled"))
            if not self._started_once:
                self.in_process = True  # it never got going: check here, as before
                log.warning("session files: the checking process could not run (%s); checking them in the "
                            "window's process instead", gone)
                return load_entry(key, path, False)
            # Translators: after a session file's name; {reason} says how the process ended ("killed by SIGKILL").
            return _broken(key, path, _("could not be checked: the checking process stopped on it ({reason})").format(
                reason=gone))
        except TimeoutError:
            # Translators: after a session file's name; {seconds} is a number.
            return _broken(key, path, _("took longer than {seconds} s to check, so it was not opened").format(
                seconds=f"{self.timeout_s:g}"))
        if reply.get("ok") is True:
            return load_entry(key, path, False)  # valid there: quick here (a changed file is checked anew)
        try:
            problems = [Problem(str(f), None if line is None else int(line), str(field), str(message))
                        for f, line, field, message in reply["problems"]]
            error = SessionError(problems, int(reply["count"]))
        except (KeyError, TypeError, ValueError):
            self._kill()
            return _broken(key, path, _("could not be checked: the checking process gave an answer it should not"))
        entry = SessionEntry(key, path, False)
        entry.error = error
        return entry

    def start(self) -> None:
        """In a worker thread: start the child now, so that the first question does not wait for its
        imports (about half a second).  Never raises: a child that cannot start is found out by ``ask``."""
        try:
            self._start()
        except (_ChildGone, TimeoutError) as exc:
            log.info("the checking process did not start yet: %s", exc)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Any request of check_child.py's protocol (the editor's ``{"draft": ...}``) and the child's answer,
        in the calling worker thread.  Raises CheckFailed when there is none (after :meth:`cancel`, too)."""
        if self._cancelled:
            raise CheckFailed("cancelled", cancelled=True)
        if self.in_process:
            raise CheckFailed("no checking process could be started")
        try:
            return self._ask(request)
        except _ChildGone as gone:
            if self._cancelled:
                raise CheckFailed("cancelled", cancelled=True) from None
            if not self._started_once and not self._cancelled:
                self.in_process = True
                log.warning("the checking process could not run (%s)", gone)
            raise CheckFailed(f"the checking process stopped ({gone})") from None
        except TimeoutError:
            if self._cancelled:
                raise CheckFailed("cancelled", cancelled=True) from None
            raise CheckFailed(f"the checking process took longer than {self.timeout_s:g} s") from None

    def _ask(self, key: str | dict[str, Any]) -> dict[str, Any]:
        proc = self._start()
        message = {"path": key} if isinstance(key, str) else key
        request = (json.dumps(message, ensure_ascii=True) + "\n").encode("ascii")
        try:
            assert proc.stdin is not None
            proc.stdin.write(request)
            proc.stdin.flush()
        except OSError as exc:  # it died before this file (a broken pipe)
            self._kill()
            raise _ChildGone(_how_it_ended(proc, exc)) from None
        line = self._read_line(proc, self.timeout_s)
        try:
            reply = json.loads(line)
        except ValueError:
            self._kill()
            raise _ChildGone(_("it wrote something that is not an answer")) from None
        if not isinstance(reply, dict):
            self._kill()
            raise _ChildGone(_("it wrote something that is not an answer"))
        return reply

    def _start(self) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._cancelled:
                raise _ChildGone(_("the listing was cancelled"))
            if self._proc is not None and self._proc.poll() is None:
                return self._proc
            old, self._proc = self._proc, None
        if old is not None:
            _reap(old)
        try:
            # The child's problems are in the window's language (check_child reads it from the environment).
            env = {**os.environ, i18n.LANGUAGE_ENV: i18n.language()}
            proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, close_fds=True, env=env)
        except OSError as exc:
            raise _ChildGone(str(exc)) from None
        with self._lock:
            self._proc = proc
            cancelled = self._cancelled
        if cancelled:  # cancelled while it started: it goes at once
            proc.kill()
        self._buffer = b""
        try:
            ready = json.loads(self._read_line(proc, self.start_timeout_s))
        except TimeoutError:
            # Translators: why the checking process gave no answer; {seconds} is a number.
            raise _ChildGone(_("it did not start within {seconds} s").format(
                seconds=f"{self.start_timeout_s:g}")) from None
        except ValueError:
            ready = None
        if ready != {"ready": True}:
            self._kill()
            raise _ChildGone(_("it did not start as it should"))
        self._started_once = True
        return proc

    def _read_line(self, proc: subprocess.Popen[bytes], wait_s: float) -> bytes:
        """One line from the child within ``wait_s``; its death is _ChildGone, the time running out a
        TimeoutError (the child is killed either way)."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + wait_s
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._kill()
                    raise TimeoutError
                if not sel.select(left):
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except OSError as exc:
                    self._kill()
                    raise _ChildGone(str(exc)) from None
                if not chunk:
                    self._kill()
                    raise _ChildGone(_how_it_ended(proc))
                self._buffer += chunk
                if len(self._buffer) > self.line_max:
                    self._kill()
                    raise _ChildGone(_("its answer was too long"))
        line, _sep, self._buffer = self._buffer.partition(b"\n")
        return line

    def _kill(self) -> None:
        """In the worker thread: kill the child and reap it (the next file starts another)."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            _reap(proc)

    def cancel(self) -> None:
        """From any thread (the GUI's: it never waits): give up.  The child is killed; the worker's
        check in progress returns at once, and no child is started again."""
        with self._lock:
            self._cancelled = True
            proc = self._proc
        if proc is not None:
            try:
                proc.kill()
            except OSError:
                pass

    def close(self) -> None:
        """In the worker thread, once its files are done: the child's stdin is closed and it ends (it is
        killed if it has not within half a second), and it is reaped."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            proc.kill()
        _reap(proc)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for a child that has been killed or told to go, and close its pipes (in the worker thread)."""
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL ends any process
        log.warning("session files: the checking process %d did not end", proc.pid)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


def _how_it_ended(proc: subprocess.Popen[bytes], exc: BaseException | None = None) -> str:
    try:
        code = proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return str(exc) if exc is not None else _("it stopped answering")
    if code < 0:
        import signal

        try:
            # Translators: how the checking process ended; {signal} is a signal's name (SIGKILL).
            return _("killed by {signal}").format(signal=signal.Signals(-code).name)
        except ValueError:
            # Translators: how the checking process ended; {number} is a signal's number.
            return _("killed by signal {number}").format(number=-code)
    # Translators: how the checking process ended; {code} is its exit code.
    return _("exit code {code}").format(code=code)


def _broken(key: str, path: Path, message: str) -> SessionEntry:
    entry = SessionEntry(key, path, False)
    entry.error = SessionError([Problem(key, None, "", message)])
    return entry
