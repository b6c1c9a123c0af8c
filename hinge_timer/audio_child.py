"""The sound engine in a process of its own: ``python -m hinge_timer.audio_child``.

Qt Multimedia's PulseAudio code aborts the process it runs in when the sound server dies
(``Assertion 'c' failed at ../src/pulse/context.c:1087, function pa_context_get_state()``, exit
134), which no Python ``try`` can catch.  So the app runs ``QtBackend`` here, in a small
QCoreApplication, and feeds it over stdin (``hinge_timer.audio.wire`` frames: clips once, then
play / unload / stop / volume / ping / held / close); it answers on stdout with its notices and pongs.  When this process dies the
app's session goes on, and ``hinge_timer.qt.audio_proc.ChildBackend`` starts another.

It ends when its stdin closes (the app closed it, or the app is gone), on a ``close`` frame,
and on Linux also when the app dies (``PR_SET_PDEATHSIG``), so it is never left behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from typing import Any

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Linux: be killed when the app dies, even by SIGKILL; and if it is already gone, go."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:  # the app died before the line above
        os._exit(0)


def main() -> int:
    die_with_parent(int(os.environ.get("HINGE_TIMER_AUDIO_PARENT", "0") or 0))
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # whatever a library prints goes to stderr; stdout carries frames only

    from PySide6.QtCore import QCoreApplication, QSocketNotifier, QtMsgType, qInstallMessageHandler

    from .audio.wavs import Pcm
    from .audio.wire import Reader, WireError, frame
    from .qt.qt_backend import QtBackend, quiet_qt_multimedia

    qt_log = logging.getLogger("qt")

    def on_qt_message(kind: QtMsgType, _context: Any, message: str) -> None:
        qt_log.log(logging.WARNING if kind != QtMsgType.QtDebugMsg else logging.DEBUG, "%s", message)

    qInstallMessageHandler(on_qt_message)
    quiet_qt_multimedia()
    app = QCoreApplication(sys.argv[:1])

    def send(header: dict[str, Any]) -> None:
        try:
            out.write(frame(header))
        except OSError:  # the app is gone
            app.quit()

    backend = QtBackend()

    def state(ev: str) -> dict[str, Any]:
        return {"ev": ev, "problem": backend.problem, "brief": backend.brief, "device": backend.device()}

    backend.on_notice = lambda _problem: send(state("notice"))

    reader = Reader()
    os.set_blocking(0, False)  # this end of the pipe is ours alone

    def on_stdin() -> None:
        """Read what came, on the Qt thread itself (a QSocketNotifier): a play is started in the
        same turn of the loop that its bytes arrive in, with no hand-over from another thread."""
        frames: list[tuple[dict[str, Any], bytes]] = []
        while True:
            try:
                data = os.read(0, 1 << 16)
            except BlockingIOError:
                break
            except OSError as exc:
                logging.getLogger(__name__).warning("sound engine: input unreadable (%s)", exc)
                data = b""
            if not data:  # the app closed our stdin, or is gone
                notifier.setEnabled(False)
                on_frames(frames)
                on_frames(None)
                return
            try:
                frames.extend(reader.feed(data))
            except WireError as exc:
                logging.getLogger(__name__).warning("sound engine: input unreadable (%s)", exc)
                notifier.setEnabled(False)
                on_frames(None)
                return
        on_frames(frames)

    def on_frames(frames: list[tuple[dict[str, Any], bytes]] | None) -> None:
        if frames is None:
            app.quit()
            return
        for header, body in frames:
            op = header.get("op")
            if op == "load":
                backend.load(str(header["key"]), Pcm(body, int(header["rate"])))
            elif op == "unload":
                backend.unload(str(header["key"]))
            elif op == "play":
                tried = bool(header.get("try"))  # sent while this engine had no output
                if not backend.play(str(header["key"])):
                    send({"ev": "failed", "key": header["key"], "problem": backend.problem, "try": tried})
                elif tried:
                    send({"ev": "played", "key": header["key"]})
            elif op == "ping":  # answered by this Qt loop: a hung loop stops answering
                send({"ev": "pong"})
            elif op == "held":  # what this engine keeps in memory (tests, and the log at a session's start)
                keys = backend.held()
                send({"ev": "held", "keys": keys, "bytes": sum(len(backend.clip(k).samples) for k in keys)})
            elif op == "stop":
                backend.stop()
            elif op == "volume":
                backend.set_volume(float(header["value"]))
            elif op == "close":
                app.quit()
                return

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
    notifier.activated.connect(on_stdin)
    send(state("ready"))
    app.exec()
    backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
