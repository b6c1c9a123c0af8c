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
  (``RESTART_S`` doubling to ``MAX_RESTART_S``).
- A child that hangs is noticed and handled like one that died (killed, then replaced): one not
  ``ready`` within ``START_S``, or, once running, one that misses ``MISSED_PONGS`` pings in a row
  (a ping every ``PING_S``, answered by its Qt loop; the GUI thread only writes
  the ping and reads the pong when the event loop says bytes came).
- When ``MAX_EARLY_DEATHS`` children died (or hung) before any was ever ready, the engine is
  given up on: the backend is ``failed``, the notice says why, and no more are started.
- A child that says it has no output although an earlier one had (the server died and may come
  back: a Qt Multimedia started while no server ran never sees one that starts later) is
  replaced after ``REFRESH_S``, doubling to ``MAX_REFRESH_S``.  One that never had an output
  (no server at all) is not replaced: the notice says there is no output device.
- A sound asked for while the first child is still starting (the first ~0.3 s) is sent when it
  is ready, if it is not older than ``PENDING_S`` (at most ``MAX_PENDING`` are kept).  ``play``
  then says ``pending`` in ``last_play``, and what became of it goes to ``on_outcome`` (the
  event log's ``sound_outcome``): a sound the log calls played is one sent to a running engine.
- ``close`` closes the child's stdin (it exits at once); it also dies with the app on Linux
  (``PR_SET_PDEATHSIG``), so no engine is left behind.  At exit, ``reap`` waits at most
  ``REAP_S`` in all for the engines, then kills those left.
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

from ..audio.backend import CANNOT_PLAY, AudioBackend
from ..audio.wavs import Pcm
from ..audio.wire import Reader, WireError, frame
from ..i18n import N_, _, ngettext

log = logging.getLogger(__name__)

RESTART_S = 0.5  # first wait before starting another engine after one died
MAX_RESTART_S = 5.0
REFRESH_S = 2.0  # an engine that lost its output is replaced after this (doubling up to MAX_REFRESH_S)
MAX_REFRESH_S = 60.0
PENDING_S = 0.5  # a sound asked for before the first engine was ready is still played if this recent
MAX_PENDING = 8
START_S = 3.0  # an engine not ready after this is taken for hung: killed, and handled as if it died
PING_S = 1.5  # a running engine is pinged this often ...
MISSED_PONGS = 2  # ... and taken for hung after this many pings in a row without an answer
MAX_EARLY_DEATHS = 3  # engines in a row that die before they are ready: then the backend gives up
REAP_S = 0.3  # at exit, the longest wait for all the engines together before they are killed
# The notices (marked: translated where they are set).  {why}: what happened to the engine ("it crashed").
# Translators: {why} says what happened ("it stopped at once", "it exited with code 1").
FAILED_TO_START = N_("the sound engine could not start ({why}): sound is off (captions and flashes go on)")
# Translators: {why} says what happened ("it stopped answering").
HUNG = N_("the sound engine hung ({why}) and is being restarted: sound is off until then (captions and flashes "
          "go on)")


def gave_up(n: int, why: str) -> str:
    """The notice when ``n`` engines in a row died before one was ready (in the current language)."""
    # Translators: {n} engines stopped in a row, {why} how the last one did; "View → Sound output →
    # simpleaudio" names the menu entries (as translated) that choose another output.
    return ngettext("the sound engine stopped {n} time before it was ready ({why}): sound is off for this run "
                    "(captions and flashes go on); try View → Sound output → simpleaudio",
                    "the sound engine stopped {n} times before it was ready ({why}): sound is off for this run "
                    "(captions and flashes go on); try View → Sound output → simpleaudio", n).format(n=n, why=why)

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
    """At exit: close every engine (they exit as soon as stdin closes), wait for them all at most
    ``REAP_S`` in all, then kill the ones left.  The exit never waits longer on a hung engine."""
    for backend in list(_live):
        backend.close()
    deadline = time.monotonic() + REAP_S
    for proc in list(_retiring):
        try:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0 or not proc.waitForFinished(left_ms):
                proc.kill()  # SIGKILL: it is gone at once; the kernel reaps it with the app
        except RuntimeError:  # already deleted by Qt
            pass
    _retiring.clear()


class ChildBackend(AudioBackend):
    """The "qt" backend: ``QtBackend`` in a child process the app restarts when it dies."""

    name = "qt"

    def __init__(self, command: list[str] | None = None) -> None:
        super().__init__()
        self._command = command or [sys.executable, "-P", "-m", "hinge_timer.audio_child"]
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
        self._early_deaths = 0  # engines that died before any was ready
        self._ever_ready = False
        self._unanswered = 0  # pings sent since the last pong
        self.failed = False  # given up (MAX_EARLY_DEATHS): no engine is started again
        self.started = 0  # engines started so far (the first one included), for tests and the log
        self.engine_held: tuple[list[str], int] | None = None  # the engine's answer to ``ask_held``
        self._restart = QTimer()
        self._restart.setSingleShot(True)
        self._restart.timeout.connect(self._spawn)
        self._refresh = QTimer()  # replaces an engine that has no output
        self._refresh.setSingleShot(True)
        self._refresh.timeout.connect(self._on_refresh)
        self._deadline = QTimer()  # an engine not ready by then is hung
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_start_deadline)
        self._ping = QTimer()  # a running engine must answer
        self._ping.timeout.connect(self._on_ping)
        _live.add(self)
        self._spawn()

    # -- the engine's life --------------------------------------------------------------------------
    def _spawn(self) -> None:
        if self._closed or self.failed:
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
        self._unanswered = 0
        self._deadline.start(int(START_S * 1000))
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
            if ev == "pong":
                self._unanswered = 0
            elif ev == "held":
                self.engine_held = (list(header.get("keys") or []), int(header.get("bytes") or 0))
            elif ev in ("ready", "notice"):
                self._device = str(header.get("device") or "none")
                self._follow(header.get("problem"), str(header.get("brief") or ""))
                if ev == "ready":
                    self._ready = True
                    self._ever_ready = True
                    self._deadline.stop()
                    self._ping.start(int(PING_S * 1000))
                    log.info("sound engine %d ready in %.0f ms (pid %d, %s)", self.started,
                             (time.monotonic() - self._spawned_at) * 1000, proc.processId(), self._device)
                    self._send_pending()
            elif ev == "failed":
                log.info("sound engine: %r not played (%s)", header.get("key"), header.get("problem"))
                if not header.get("try"):
                    self.on_outcome({"key": header.get("key"), "action": "silent",
                                     "reason": str(header.get("problem") or "the engine could not play it")})
            elif ev == "played":  # a play sent while the engine had no output: it played after all
                self.on_outcome({"key": header.get("key"), "action": "play", "reason": "the engine's retry played"})

    def _on_start_deadline(self) -> None:
        proc = self._proc
        if proc is not None and not self._ready:
            log.warning("sound engine %d: not ready after %.0f s; taken for hung and killed", self.started, START_S)
            self._kill_hung(proc, _("it did not answer within {seconds} s").format(seconds=f"{START_S:.0f}"))

    def _on_ping(self) -> None:
        proc = self._proc
        if proc is None or not self._ready:
            self._ping.stop()
            return
        if self._unanswered >= MISSED_PONGS:
            log.warning("sound engine %d: %d pings unanswered; taken for hung and killed", self.started,
                        self._unanswered)
            self._kill_hung(proc, _("it stopped answering"))
            return
        self._unanswered += 1
        self._send({"op": "ping"})

    def _kill_hung(self, proc: QProcess, why: str) -> None:
        """Handled as a death: ``_gone`` now (the notice, the back-off), the kill's ``finished`` ignored."""
        self._ping.stop()
        self._deadline.stop()
        _retiring.add(proc)

        def reaped(*_args: Any) -> None:
            _retiring.discard(proc)
            proc.deleteLater()

        proc.finished.connect(reaped)
        proc.kill()  # SIGKILL: QProcess reaps it when it is gone, the GUI thread never waits
        self._gone(proc, _(FAILED_TO_START if not self._ready else HUNG).format(why=why), delete=False, why=why)

    def _on_stderr(self, proc: QProcess) -> None:
        for line in bytes(proc.readAllStandardError().data()).decode("utf-8", "replace").splitlines():
            if line.strip():
                log.info("sound engine: %s", line)

    def _follow(self, problem: Any, brief: str) -> None:
        """Take over the engine's notice; an engine that lost its output is replaced until one has it."""
        if problem is None:
            self._had_device = True
            self._restart_s = RESTART_S
            self._refresh_s = REFRESH_S
            self._refresh.stop()
            self._set_problem(None)
            return
        from .qt_backend import NO_DEVICE, WENT_AWAY, WENT_AWAY_BRIEF

        # The engine's words, in English (its process has no language chosen): translated here, the
        # notice and its short form being the backend's marked ones (qt/qt_backend.py).
        text = str(problem)
        if text in (NO_DEVICE, _(NO_DEVICE)) and self._had_device:  # a new engine where the old one had an output
            text, brief = WENT_AWAY, WENT_AWAY_BRIEF
        # Translators: the short form of a sound notice, for the session screen's status line.
        self._set_problem(_(text), _(brief) if brief else _("Sound is off"))
        if self._had_device and not self._refresh.isActive():  # never had one: no server to come back
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
            self._gone(proc, _(FAILED_TO_START).format(why=proc.errorString()), why=proc.errorString())

    def _on_finished(self, proc: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if proc is not self._proc:
            return
        crashed = status == QProcess.ExitStatus.CrashExit
        how = "crashed" if crashed else f"exited with code {code}"
        log.warning("sound engine %d %s; sound is off until another one plays", self.started, how)
        self._gone(proc, None, why=_("it crashed") if crashed else _("it exited with code {code}").format(code=code))

    def _gone(self, proc: QProcess, problem: str | None, *, why: str, delete: bool = True) -> None:
        early = not self._ready
        self._proc, self._ready = None, False
        self._drop_pending("the sound engine stopped")
        self._refresh.stop()
        self._ping.stop()
        self._deadline.stop()
        if delete:
            proc.deleteLater()
        if self._closed:
            return
        from .qt_backend import WENT_AWAY, WENT_AWAY_BRIEF

        if early and not self._ever_ready:  # once one was ready, the engine can work here: never give up
            self._early_deaths += 1
            if self._early_deaths >= MAX_EARLY_DEATHS:
                self.failed = True
                text = gave_up(self._early_deaths, why)
                log.warning("sound: giving up on the sound engine: %s", text)
                self._set_problem(text, _(CANNOT_PLAY))
                return
        if problem is not None:
            # Translators: the short form of a sound notice, for the session screen's status line.
            self._set_problem(problem, _("Sound is off: the sound engine stopped"))
        elif self._had_device:
            self._set_problem(_(WENT_AWAY), _(WENT_AWAY_BRIEF))
        elif not self.problem:
            self._set_problem(_(FAILED_TO_START).format(why=_("it stopped at once")), _("Sound is off"))
        self._restart.start(int(self._restart_s * 1000))
        self._restart_s = min(MAX_RESTART_S, self._restart_s * 2)

    # -- AudioBackend ------------------------------------------------------------------------------------
    def load(self, key: str, pcm: Pcm) -> None:
        self._clips[key] = pcm
        self._send({"op": "load", "key": key, "rate": pcm.rate}, pcm.samples)

    def unload(self, key: str) -> None:
        if self._clips.pop(key, None) is not None:
            self._send({"op": "unload", "key": key})

    def ask_held(self) -> None:
        """Ask the engine what it keeps in memory; its answer comes to ``engine_held`` (keys, bytes)."""
        self.engine_held = None
        self._send({"op": "held"})

    def play(self, key: str) -> bool:
        """True when sent to a running engine with an output (``last_play`` "play") or kept for the
        first engine, still starting (``last_play`` "pending": ``on_outcome`` says later what became
        of it).  False when nothing will be heard as far as is known now; while the engine has no
        output the play is still sent as a try, and ``on_outcome`` says if that one played."""
        self.last_play = "silent"
        if key not in self._clips or self._proc is None:
            return False
        if not self._ready:
            if self.problem or self.started > 1 or len(self._pending) >= MAX_PENDING:
                return False
            self._pending.append((time.monotonic(), key))  # the first engine is starting
            self.last_play = "pending"
            return True
        if self.problem:  # the engine tries again now and then; nothing is heard until it says so
            self._send({"op": "play", "key": key, "try": True})
            return False
        if self._send({"op": "play", "key": key}):
            self.last_play = "play"
            self._flush()
            return True
        return False

    def _flush(self) -> None:
        """Hand the buffered frame to the pipe now, not on the event loop's next turn (which comes
        after the screen's paint for the same cue: 10-20 ms).  ``waitForBytesWritten(0)`` polls once
        with no timeout and writes what the pipe takes: it never waits."""
        proc = self._proc
        if proc is not None and proc.bytesToWrite() > 0:
            proc.waitForBytesWritten(0)

    def _send_pending(self) -> None:
        pending, self._pending = self._pending, []
        now = time.monotonic()
        for asked, key in pending:
            if now - asked <= PENDING_S and not self.problem and self._send({"op": "play", "key": key}):
                late_ms = round((now - asked) * 1000)
                log.info("sound: %r started %d ms late: the sound engine was starting", key, late_ms)
                self.on_outcome({"key": key, "action": "play", "late_ms": late_ms,
                                 "reason": "the sound engine was starting"})
            else:
                why = self.problem or f"the sound engine took {now - asked:.2f} s to start"
                log.info("sound: %r not played: %s", key, why)
                self.on_outcome({"key": key, "action": "silent", "reason": why})
        self._flush()

    def _drop_pending(self, why: str) -> None:
        pending, self._pending = self._pending, []
        for _asked, key in pending:
            self.on_outcome({"key": key, "action": "silent", "reason": why})

    def stop(self) -> None:
        self._drop_pending("stopped")
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
        self._deadline.stop()
        self._ping.stop()
        proc, self._proc = self._proc, None
        if proc is not None:
            self._send_to(proc, {"op": "close"})
            _retire(proc)
        self._clips.clear()
