"""Start the window: the QApplication, logging of Qt messages and slot errors, settings."""

from __future__ import annotations

import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from ..plaintext import controls_escaped
from ..settings import SettingsStore, data_dir, sessions_dir
from . import dialogs
from .main_window import MainWindow
from .shown import when_shown

log = logging.getLogger("hinge_timer.ui")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: object, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def install_error_handling(window_getter) -> None:
    """Log every uncaught error (in a slot too) and show it once, instead of dying silently."""
    shown: list[str] = []

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        summary = f"{kind.__name__}: {value}"
        if summary not in shown:
            shown.append(summary)
            dialogs.show_error(window_getter(), "Something went wrong",
                               f"{summary}\n\nThe details are in the log. The session goes on where it can.")

    sys.excepthook = hook


def missing_display() -> str | None:
    """On Linux without X11 or Wayland Qt would abort; say what to do instead."""
    if not sys.platform.startswith("linux"):
        return None
    if any(os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        return None
    return ("hinge-timer: no screen to open the window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Start it from a desktop session, or follow a session in this terminal with:\n"
            "  hinge-timer run --terminal [FILE]")


def _interrupt_on_sigint(app: QApplication, window: MainWindow) -> QTimer:
    """Ctrl-C in the terminal ends the session (recorded as interrupted) and quits with 130.

    Python runs a signal handler between any two bytecodes, which can be in the middle of a
    paintEvent; touching widgets from there crashed Qt. The handler only raises a flag; a light
    timer (which also gives Python the chance to run the handler at all) acts on it from the loop.
    """
    asked: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        asked.append(signum)

    def check() -> None:
        if asked:
            timer.stop()
            window.interrupt()
            app.exit(130)

    signal.signal(signal.SIGINT, handler)
    timer = QTimer(app)
    timer.timeout.connect(check)
    timer.start(100)
    return timer


def _systemd_watchdog(app: QApplication) -> QTimer | None:
    """Under systemd (Type=notify, WatchdogSec=): READY=1 now, WATCHDOG=1 from the GUI thread's event
    loop, so a frozen loop stops the pings and systemd restarts the app (docs/kiosk.md)."""
    if not os.environ.get("NOTIFY_SOCKET"):
        return None  # not under systemd: nothing to import or do before the first frame
    from ..kiosk.sdnotify import Notifier

    notifier = Notifier()
    if not notifier.enabled:
        return None
    notifier.ready()
    if not notifier.ping_interval_ms:
        return None
    timer = QTimer(app)
    # A lambda holds the notifier: a bound method alone is held weakly by the connection, and the
    # notifier would be collected (no pings, and systemd would restart a healthy app).
    timer.timeout.connect(lambda: notifier.ping())
    timer.start(notifier.ping_interval_ms)
    log.info("systemd watchdog: pinging every %d ms", notifier.ping_interval_ms)
    return timer


def run_gui(args, start_file: str | None = None, dose: str | None = None, fullscreen: bool = False,
            resume: bool = False) -> int:
    problem = missing_display()
    if problem:
        print(controls_escaped(problem), file=sys.stderr)
        return 1
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Hinge Timer")
    folder = data_dir(args.data_dir)
    store = SettingsStore(folder)
    settings = store.load()
    from ..kiosk import site_config_file, site_config_present

    if (getattr(args, "audio", None) or settings.audio) == "qt" and (start_file is not None or resume):
        from ..qt.audio_proc import prestart  # the sound engine starts while the window is built

        prestart()
    kiosk = None
    site = site_config_file()
    # Else nothing more to load before the first frame.  Anything at the path counts (a FIFO, a
    # dangling link, a file we may not read): it fails closed (kiosk/config.py).
    if getattr(args, "kiosk", False) or site_config_present(site):
        from ..kiosk.config import load_kiosk_config

        kiosk_config = load_kiosk_config(site)
        for problem in kiosk_config.problems:  # an administrator's typo: in the log and on stderr, never a dialog
            log.warning(problem)
            print(controls_escaped(f"hinge-timer: {problem}"), file=sys.stderr)
        kiosk = kiosk_config if (getattr(args, "kiosk", False) or kiosk_config.enabled) else None
    window = MainWindow(
        settings, store, sessions_dir=sessions_dir(folder, args.sessions_dir),
        speed=args.speed, event_log=args.event_log, defer_sessions=start_file is None and not resume,
        audio=getattr(args, "audio", None), history_dir=folder, kiosk=kiosk,
        speech_data_dir=args.data_dir,  # rendered lines: under --data-dir if given, else the user cache folder
    )
    previous_hook, previous_sigint = sys.excepthook, signal.getsignal(signal.SIGINT)
    install_error_handling(lambda: window)
    _sigint_timer = _interrupt_on_sigint(app, window)  # noqa: F841 (kept alive for exec())
    if store.problem and kiosk is None:  # e.g. a corrupt settings.json, moved aside: say so once, go on
        log.warning(store.problem)
        QTimer.singleShot(0, lambda: dialogs.show_error(window, "Settings were reset", store.problem or ""))
    watchdog = _systemd_watchdog(app)  # noqa: F841 (kept alive for exec())
    if kiosk is not None or fullscreen or settings.fullscreen:  # a kiosk is full screen from its first frame
        window.showFullScreen()
    else:
        window.show()
    if start_file is not None:  # `run FILE`: the command line has already checked that it loads
        entry = window.listing.open_file(start_file, window) if Path(start_file).exists() else next(
            (e for e in window.home.entries if e.key == start_file.removesuffix(".toml")), None)
        if entry is not None and entry.session is not None:
            chosen = entry
            when_shown(window, lambda: window.start_session(chosen, dose or settings.dose))
    try:
        if resume:  # `resume`: pick up the interrupted run, or say there is none
            offer = window.history_service.offer
            if offer is None or not offer.resumable:
                why = offer.text if offer is not None else ""
                print(controls_escaped("hinge-timer: there is no interrupted run to resume." + (f" {why}" if why else "")),
                      file=sys.stderr)  # `why` names a drill from the user's file
                window.close()
                return 1
            when_shown(window, window.resume_interrupted)
        return app.exec()
    finally:
        signal.signal(signal.SIGINT, previous_sigint)
        sys.excepthook = previous_hook
        _sigint_timer.stop()
