"""Qt Multimedia in a child process, so that the sound server's death cannot end the app.

Qt Multimedia's PulseAudio code aborts its process when the server dies (an ``assert`` in
libpulse, exit 134: no Python ``try`` catches it).  ``ChildBackend`` is the app's "qt" backend:
it runs ``QtBackend`` in ``python -m hinge_timer.audio_child`` and talks to it over the child's
stdin and stdout (``hinge_timer.audio.wire`` frames) through a QProcess, whose reads and writes
are buffered and driven by the event loop: nothing here ever waits on the pipe.

- Every clip is sent once when loaded (at any time, also during a session), and sent again to
  each new child; ``play`` writes a few bytes and returns.
- When the child dies (a crash, SIGKILL, the server's abort) the session goes on with captions
  and flashes, the notice says sound is off, and another child is started after a back-off
  (``RESTART_S`` doubling to ``MAX_RESTART_S``).  A child that says it has no output is
  replaced every ``REFRESH_S`` or so until one has: a Qt Multimedia that started while no
  server ran never sees one that starts later.
- A sound asked for while the first child is still starting (the first ~0.3 s) is sent when it
  is ready, if it is not older than ``PENDING_S``.
- ``close`` closes the child's stdin (it exits at once); it also dies with the app on Linux
  (``PR_SET_PDEATHSIG``), so no engine is left behind.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import sys
import time
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, QProcessEnvironment, QTimer

from ..audio.backend import AudioBackend
from ..audio.wavs import Pcm
from ..audio.wire import Reader, WireError, frame

log = logging.getLogger(__name__)

RESTART_S = 0.5  # first wait before starting another engine after one died
MAX_RESTART_S = 5.0
REFRESH_S = 2.0  # an engine with no output is replaced after this (doubling up to MAX_REFRESH_S)
MAX_REFRESH_S = 6.0
PENDING_S = 0.5  # a sound asked for before the first engine was ready is still played if this recent
FAILED_TO_START = ("the sound engine could not start ({why}): sound is off (captions and flashes go on)")

_spare: "ChildBackend | None" = None  # started ahead (``prestart``), for the first ``take``
_retiring: set[QProcess] = set()  # engines told to close, kept until they have exited
_live: "weakref.WeakSet[ChildBackend]" = weakref.WeakSet()


def _retire(proc: QProcess) -> None:
    """Let an engine go without waiting for it: its stdin is closed, so it exits on its own."""
    if proc.state() == QProcess.ProcessState.NotRunning:
        proc.deleteLater()
        return
    _retiring.add(proc)

    def gone(*_args: Any) -> None:
        _retiring.discard(proc)
        proc.deleteLater()

    proc.finished.connect(gone)
    proc.closeWriteChannel()


def prestart() -> None:
    """Start the engine now, before the window is built: it takes ~0.3 s to be ready, and a
    session started from the command line plays its first cue as soon as the window shows."""
    global _spare
    if _spare is None:
        _spare = ChildBackend()


def take() -> "ChildBackend":
    """The engine started ahead, if there is one, else a new one."""
    global _spare
    backend, _spare = _spare, None
    return backend if backend is not None and not backend._closed else ChildBackend()


@atexit.register
def reap() -> None:
    """At exit: close every engine and wait briefly for each (they exit as soon as stdin closes)."""
    for backend in list(_live):
        backend.close()
    for proc in list(_retiring):
        try:
            if not proc.waitForFinished(1000):
                proc.kill()
                proc.waitForFinished(1000)
        except RuntimeError:  # already deleted by Qt
            pass
    _retiring.clear()


class ChildBackend(AudioBackend):
    """The "qt" backend: ``QtBackend`` in a child process the app restarts when it dies."""

    name = "qt"

    def __init__(self, command: list[str] | None = None) -> None:
        super().__init__()
        self._command = command or [sys.executable, "-m", "hinge_timer.audio_child"]
        self._clips: dict[str, Pcm] = {}
        self._proc: QProcess | None = None
        self._reader = Reader()
        self._ready = False
        self._had_device = False
        self._device = "none"
        self._pending: list[tuple[float, str]] = []
        self._closed = False
        self._restart_s = RESTART_S
        self._refresh_s = REFRESH_S
        self._spawned_at = 0.0
        self.started = 0  # engines started so far (the first one included), for tests and the log
        self._restart = QTimer()
        self._restart.setSingleShot(True)
        self._restart.timeout.connect(self._spawn)
        self._refresh = QTimer()  # replaces an engine that has no output
        self._refresh.setSingleShot(True)
        self._refresh.timeout.connect(self._on_refresh)
        _live.add(self)
        self._spawn()

    # -- the engine's life --------------------------------------------------------------------------
    def _spawn(self) -> None:
        if self._closed:
            return
        proc = QProcess()
        env = QProcessEnvironment.systemEnvironment()
        env.insert("HINGE_TIMER_AUDIO_PARENT", str(os.getpid()))
        root = str(Path(__file__).resolve().parent.parent.parent)  # the folder hinge_timer is in
        env.insert("PYTHONPATH", os.pathsep.join(p for p in (root, env.value("PYTHONPATH", "")) if p))
        proc.setProcessEnvironment(env)
        proc.setProgram(self._command[0])
        proc.setArguments(self._command[1:])
        proc.readyReadStandardOutput.connect(functools.partial(self._on_stdout, proc))
        proc.readyReadStandardError.connect(functools.partial(self._on_stderr, proc))
        proc.finished.connect(functools.partial(self._on_finished, proc))
        proc.errorOccurred.connect(functools.partial(self._on_error, proc))
        self._proc, self._ready, self._reader = proc, False, Reader()
        self.started += 1
        self._spawned_at = time.monotonic()
        proc.start()
        # Written now, sent by the event loop once the engine runs (QProcess buffers it).
        for key, pcm in self._clips.items():
            self._send({"op": "load", "key": key, "rate": pcm.rate}, pcm.samples)
        if self.volume != 1.0:
            self._send({"op": "volume", "value": self.volume})

    def _send(self, header: dict[str, Any], body: bytes = b"") -> bool:
        proc = self._proc
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return False
        return proc.write(frame(header, body)) >= 0

    def _on_stdout(self, proc: QProcess) -> None:
        data = bytes(proc.readAllStandardOutput().data())
        if proc is not self._proc:
            return
        try:
            events = self._reader.feed(data)
        except WireError as exc:
            log.warning("sound engine: unreadable answer (%s); starting another", exc)
            self._replace()
            return
        for header, _body in events:
            ev = header.get("ev")
            if ev in ("ready", "notice"):
                self._device = str(header.get("device") or "none")
                self._follow(header.get("problem"), str(header.get("brief") or ""))
                if ev == "ready":
                    self._ready = True
                    log.info("sound engine %d ready in %.0f ms (pid %d, %s)", self.started,
                             (time.monotonic() - self._spawned_at) * 1000, proc.processId(), self._device)
                    self._send_pending()
            elif ev == "failed":
                log.info("sound engine: %r not played (%s)", header.get("key"), header.get("problem"))

    def _on_stderr(self, proc: QProcess) -> None:
        for line in bytes(proc.readAllStandardError().data()).decode("utf-8", "replace").splitlines():
            if line.strip():
                log.info("sound engine: %s", line)

    def _follow(self, problem: Any, brief: str) -> None:
        """Take over the engine's notice; an engine with no output is replaced until one has."""
        if problem is None:
            self._had_device = True
            self._restart_s = RESTART_S
            self._refresh_s = REFRESH_S
            self._refresh.stop()
            self._set_problem(None)
            return
        from .qt_backend import NO_DEVICE, WENT_AWAY

        text = str(problem)
        if text == NO_DEVICE and self._had_device:  # a new engine where the old one had an output
            text, brief = WENT_AWAY, "Sound is off: the output went away"
        self._set_problem(text, brief or "Sound is off")
        if not self._refresh.isActive():
            self._refresh.start(int(self._refresh_s * 1000))

    def _on_refresh(self) -> None:
        if self.problem and not self._closed:
            self._refresh_s = min(MAX_REFRESH_S, self._refresh_s * 2)
            log.info("sound engine: still no output; starting a fresh one")
            self._replace()

    def _replace(self) -> None:
        old, self._proc = self._proc, None
        if old is not None:
            self._send_to(old, {"op": "close"})
            _retire(old)
        self._spawn()

    @staticmethod
    def _send_to(proc: QProcess, header: dict[str, Any]) -> None:
        if proc.state() != QProcess.ProcessState.NotRunning:
            proc.write(frame(header))

    def _on_error(self, proc: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and proc is self._proc:
            # (no "finished" follows a process that never started)
            self._gone(proc, FAILED_TO_START.format(why=proc.errorString()))

    def _on_finished(self, proc: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if proc is not self._proc:
            return
        how = "crashed" if status == QProcess.ExitStatus.CrashExit else f"exited with code {code}"
        log.warning("sound engine %d %s; sound is off until another one plays", self.started, how)
        self._gone(proc, None)

    def _gone(self, proc: QProcess, why: str | None) -> None:
        self._proc, self._ready, self._pending = None, False, []
        self._refresh.stop()
        proc.deleteLater()
        if self._closed:
            return
        from .qt_backend import WENT_AWAY

        if self._had_device:
            self._set_problem(WENT_AWAY, "Sound is off: the output went away")
        elif why is not None or not self.problem:
            self._set_problem(why or FAILED_TO_START.format(why="it stopped at once"), "Sound is off")
        self._restart.start(int(self._restart_s * 1000))
        self._restart_s = min(MAX_RESTART_S, self._restart_s * 2)

    # -- AudioBackend ------------------------------------------------------------------------------------
    def load(self, key: str, pcm: Pcm) -> None:
        self._clips[key] = pcm
        self._send({"op": "load", "key": key, "rate": pcm.rate}, pcm.samples)

    def play(self, key: str) -> bool:
        if key not in self._clips or self._proc is None:
            return False
        if not self._ready:
            if self.problem or self.started > 1:
                return False
            self._pending.append((time.monotonic(), key))  # the first engine is starting
            return True
        if self.problem:  # the engine tries again now and then; nothing is heard until it says so
            self._send({"op": "play", "key": key})
            return False
        return self._send({"op": "play", "key": key})

    def _send_pending(self) -> None:
        pending, self._pending = self._pending, []
        now = time.monotonic()
        for asked, key in pending:
            if now - asked <= PENDING_S and not self.problem:
                log.info("sound: %r started %.0f ms late: the sound engine was starting", key, (now - asked) * 1000)
                self._send({"op": "play", "key": key})
            else:
                log.info("sound: %r not played: the sound engine took %.2f s to start", key, now - asked)

    def stop(self) -> None:
        self._pending = []
        self._send({"op": "stop"})

    def set_volume(self, volume: float) -> None:
        super().set_volume(volume)
        self._send({"op": "volume", "value": self.volume})

    def device(self) -> str:
        return self._device

    def wait_ready(self, timeout_s: float) -> bool:
        """For ``audio-check`` (never the window): run the event loop until the engine is up."""
        from PySide6.QtCore import QEventLoop

        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while not self._ready and self._proc is not None and time.monotonic() < deadline:
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return self._ready

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._restart.stop()
        self._refresh.stop()
        proc, self._proc = self._proc, None
        if proc is not None:
            self._send_to(proc, {"op": "close"})
            _retire(proc)
        self._clips.clear()
