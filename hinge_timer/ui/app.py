"""Start the window: the QApplication, logging of Qt messages and slot errors, settings, and one window
for each data folder (a second start hands its request to the first: app/instance.py, :class:`SecondStarts`)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QtMsgType, Slot, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ..app import instance
from ..app.instance import Request
from .. import i18n
from ..appinfo import APP_ID, APP_NAME, VERSION, icon_files, set_windows_app_id
from ..i18n import _
from ..plaintext import controls_escaped, printable
from ..settings import SettingsStore, data_dir, sessions_dir
from . import dialogs
from .language import RESTART
from .main_window import MainWindow
from .shown import when_shown

if TYPE_CHECKING:
    from collections.abc import Callable

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
            # Translators: {error} the error's name and message, as Python gives them (not translated).
            dialogs.show_error(window_getter(), _("Something went wrong"), _(
                "{error}\n\nThe details are in the log. The session goes on where it can.").format(error=summary))

    sys.excepthook = hook


def missing_display() -> str | None:
    """On Linux without X11 or Wayland Qt would abort; say what to do instead."""
    if not sys.platform.startswith("linux"):
        return None
    if any(os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        return None
    # Translators: printed on the command line; "hinge-timer run --terminal [FILE]" is a command: keep it.
    return _("hinge-timer: no screen to open the window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
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


def session_entry(window: MainWindow, key: str):
    """The session ``run NAME`` names, on Home: a file by its path (checked and added as File → Open does;
    one that does not load is said in a dialog), else a built-in by its stem (None: there is none)."""
    if Path(key).exists():
        return window.listing.open_file(key, window)
    return builtin_entry(window, key)


def builtin_entry(window: MainWindow, name: str):
    """The built-in session named ``name`` (its stem), on Home; None when there is none.  Only the
    built-ins are looked at: a file or folder by that name, wherever, is not."""
    window.listing.ensure()  # the built-ins are on Home from the listing's start
    stem = name.removesuffix(".toml")
    return next((e for e in window.home.entries if e.builtin and e.key == stem), None)


def covered(window: MainWindow) -> bool:
    """A dialog (which waits for the user's answer) or the help is open over the window: a second start's
    session is not started under it, so what the dialog or the help is about stays as the user left it."""
    help_overlay = getattr(window, "_help", None)  # built the first time it is opened
    return QApplication.activeModalWidget() is not None or (help_overlay is not None and help_overlay.isVisible())


# Options of a start that a window already open cannot take (it keeps its own): the flag and whether
# this start was given it (other than its default).
_OWN_OPTIONS = (
    ("--kiosk", lambda args: bool(getattr(args, "kiosk", False))),
    ("--speed", lambda args: getattr(args, "speed", 1.0) != 1.0),
    ("--event-log", lambda args: getattr(args, "event_log", None) is not None),
    ("--audio", lambda args: getattr(args, "audio", None) is not None),
)


def own_options(args, fullscreen: bool) -> list[str]:
    """The options this start was given that a window already open would not follow (the request does
    not carry them): with any of them, this start does not hand its request over."""
    given = [flag for flag, given in _OWN_OPTIONS if given(args)]
    return given + ["--fullscreen"] if fullscreen else given


def options_line(options: list[str]) -> str:
    """What a start with options of its own prints when a window is already open on its data folder."""
    if len(options) == 1:
        named = options[0]
    else:
        # Translators: a list of command-line options ("--kiosk, --speed and --audio"): {options} all but the
        # last, separated by ", "; {last} the last.
        named = _("{options} and {last}").format(options=", ".join(options[:-1]), last=options[-1])
    # Translators: printed on the command line; {options} the options this start was given ("--kiosk").
    return _("Hinge Timer is already open for this data folder: brought it to the front; close it first "
             "to start with {options}").format(options=named)


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, show, raise and activate the window; its full screen (a kiosk's) is kept."""
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    if not window.isVisible():
        window.show()
    window.raise_()
    window.activateWindow()


def start_request(start_file: str | None, dose: str | None) -> Request:
    """What this start asks of a window already open on its data folder (app/instance.py)."""
    if start_file is None:
        return Request(instance.SHOW)  # `hinge-timer`, `hinge-timer resume`: the window it has
    if Path(start_file).exists():  # as this start found it (session_entry), by its absolute path
        return Request(instance.RUN, path=os.path.abspath(start_file), dose=dose)
    return Request(instance.RUN, builtin=start_file.removesuffix(".toml"), dose=dose)


def handed_over_line(answer: str, request: Request) -> str:
    """The one line a second start prints before it ends, by what the first said it does."""
    name = printable(request.shown_name, limit=80)
    # Translators: the lines a second start prints on the command line; {session} the session file's name
    # (or a built-in session's) it was asked to open.
    if request.command != instance.RUN or answer == "shown":
        return _("Hinge Timer is already open: brought it to the front")
    if answer == "started":  # (it is opened there; one that does not load is said there in a dialog)
        return _("Hinge Timer is already open: brought it to the front and asked it to open {session}").format(
            session=name)
    if answer == "busy":
        return _("Hinge Timer is already open: brought it to the front; a session is running there, so {session} "
                 "was not opened").format(session=name)
    if answer == "occupied":
        return _("Hinge Timer is already open: brought it to the front; a dialog or the help is open there, so "
                 "{session} was not opened: close it and start again").format(session=name)
    return _("Hinge Timer is already open: brought it to the front; it is a kiosk, which opens no file, so "
             "{session} was not opened").format(session=name)


class SecondStarts(QObject):
    """The window's side of one window per data folder (app/instance.py): once the window has painted, it
    listens for other starts of its data folder, brings itself to the front for each, and for ``run FILE``
    opens and starts the file, unless a session is running (then it says so and the session goes on), a
    dialog or the help is open (the user is answering it), or it is a kiosk (which opens no file: ``open``
    is not among the commands a kiosk allows).  It decides again just before it starts: opening the file
    may have shown a dialog, during which another start's session began."""

    def __init__(self, window: MainWindow, start: instance.Start, default_dose: Callable[[], str]) -> None:
        super().__init__(window)
        self.window = window
        self.start = start
        self.default_dose = default_dose
        self.server: instance.InstanceServer | None = None
        self.closed = False
        self._watched = [window, window.home_page]
        for widget in self._watched:
            widget.installEventFilter(self)
        # Listening loads QtNetwork (25 ms): after the first frame, or in 2 s if none is painted by then.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.listen)
        self._timer.start(2000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and watched in self._watched:
            # (with -v: how long the first frame took, from the process's start; benchmarks/window.py reads it)
            log.info("first frame painted: %s", watched.objectName() or type(watched).__name__)
            self._unwatch()
            self._timer.start(0)  # on the next turn, after this frame
        return False

    def _unwatch(self) -> None:
        for widget in self._watched:
            try:
                widget.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
        self._watched = []

    @Slot()
    def listen(self) -> None:
        self._unwatch()
        if self.closed or self.server is not None:
            return
        self.server = self.start.listen(self.decide, self)
        if self.server is not None:
            self.server.request_confirmed.connect(self.on_request_confirmed)

    def decide(self, request: Request) -> str:
        """What the window is going to do with ``request`` (one of instance.ANSWERS), without doing it."""
        if request.command != instance.RUN:
            return "shown"
        window = self.window
        if window.kiosk is not None and not window.kiosk.allows("open"):
            return "refused"
        if window.run.running:
            return "busy"
        return "occupied" if covered(window) else "started"

    def not_started(self, request: Request) -> None:
        """A session is running: say, on its screen, that the file asked for was not opened."""
        name = printable(request.shown_name, limit=60)  # short on the status line, whole in its detail
        # Translators: on the session screen's status line; {session} the session file's name.
        self.window.messages.info("session", _("Not started: {session}").format(session=name), part="status",
                                  # Translators: {session} the session file's name.
                                  detail=_("Hinge Timer was started again with {session}: it was not opened, so "
                                           "that this session goes on. Open it from Home when you are done.").format(
                                      session=name))

    @Slot(object)
    def on_request_confirmed(self, request: Request) -> None:
        answer = self.decide(request)  # again: the state may have changed since the answer
        window = self.window
        bring_to_front(window)
        if answer == "refused":
            log.info("kiosk: another start asked to open a session file: not opened")
        elif answer == "busy":
            self.not_started(request)
        elif answer == "occupied":
            log.info("another start asked for %s while a dialog or the help was open: not opened",
                     printable(request.shown_name, limit=80))
        elif answer == "started":
            if request.path is not None:
                # Checked as File → Open does; one that does not load is said in a dialog, and while the
                # user reads it other requests come (answered "occupied") and Reload may be pressed.
                entry = window.listing.open_file(request.path, window)
            else:
                entry = builtin_entry(window, request.builtin or "")
                if entry is None:
                    log.warning("another start asked for a built-in session there is none of: %s",
                                printable(request.builtin, limit=80))
                    return
            if entry.session is None:
                return
            if window.run.running:  # started meanwhile (while the dialog was open): it goes on
                self.not_started(request)
            elif covered(window):
                log.info("a dialog or the help was opened before %s could start: not started",
                         printable(request.shown_name, limit=80))
            else:
                window.start_session(entry, request.dose or self.default_dose())

    def close(self) -> None:
        """Stop listening (the next start is the first) and let go of the claim lock."""
        self.closed = True
        self._timer.stop()
        self._unwatch()
        if self.server is not None:
            self.server.close()
            self.server = None
        self.start.release()


def app_icon() -> QIcon:
    """The app's icon from its installed PNGs (read when first drawn, not now), else the desktop theme's."""
    icon = QIcon()
    for size, path in sorted(icon_files().items()):
        icon.addFile(str(path), QSize(size, size))
    return icon if not icon.isNull() else QIcon.fromTheme(APP_ID)


def identify(app: QApplication) -> None:
    """Name the app to the desktop: its name, version and desktop file id (on Wayland the window's app id,
    which the shell matches with the installed desktop file for the task bar's icon), and the icon of
    every window (X11's _NET_WM_ICON, the Windows task bar)."""
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(VERSION)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())


def run_gui(args, start_file: str | None = None, dose: str | None = None, fullscreen: bool = False,
            resume: bool = False) -> int:
    problem = missing_display()
    if problem:
        print(controls_escaped(problem), file=sys.stderr)
        return 1
    qInstallMessageHandler(_qt_message)
    set_windows_app_id()  # (before the first window, so the task bar groups it under the app's own icon)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    identify(app)
    folder = data_dir(args.data_dir)
    # One window per data folder: a window already open on it takes this start's request (app/instance.py).
    start = instance.Start(folder)
    # Options the open window would not follow: it is only brought to the front, and this start says so.
    options = own_options(args, fullscreen)
    request = start_request(start_file, dose) if not options else Request(instance.SHOW)
    try:
        answer = start.hand_over(request)
    except instance.StillStarting as exc:  # a first is still being built: never a second window
        print(controls_escaped(str(exc)), file=sys.stderr)
        return 1
    if answer is not None:
        if options:
            print(options_line(options), file=sys.stderr)
            return 1
        print(handed_over_line(answer, request))
        return 0
    try:
        return _run_window(app, args, folder, start, start_file, dose, fullscreen, resume)
    finally:
        start.release()  # (it listens once the window has painted; not if it never got that far)


def _run_window(app: QApplication, args, folder: Path, start: instance.Start, start_file: str | None,
                dose: str | None, fullscreen: bool, resume: bool) -> int:
    store = SettingsStore(folder)
    settings = store.load()
    from .language import install as install_language

    # The app's words were chosen by the command line (i18n.set_language); Qt's own and QLocale follow them.
    _qt_words = install_language(app, i18n.language())  # noqa: F841 (kept alive for exec())
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
        QTimer.singleShot(0, lambda: dialogs.show_error(window, _("Settings were reset"), store.problem or ""))
    watchdog = _systemd_watchdog(app)  # noqa: F841 (kept alive for exec())
    second_starts = SecondStarts(window, start, lambda: window.home.dose)
    if kiosk is not None or fullscreen or settings.fullscreen:  # a kiosk is full screen from its first frame
        window.showFullScreen()
    else:
        window.show()
    if start_file is not None:  # `run FILE`: the command line has already checked that it loads
        entry = session_entry(window, start_file)
        if entry is not None and entry.session is not None:
            chosen = entry
            when_shown(window, lambda: window.start_session(chosen, dose or settings.dose))
    try:
        if resume:  # `resume`: pick up the interrupted run, or say there is none
            offer = window.history_service.offer
            if offer is None or not offer.resumable:
                why = offer.text if offer is not None else ""  # (it names a drill from the user's file)
                if why:
                    # Translators: printed on the command line; {why} why the run cannot be resumed.
                    line = _("hinge-timer: there is no interrupted run to resume. {why}").format(why=why)
                else:
                    line = _("hinge-timer: there is no interrupted run to resume.")
                print(controls_escaped(line), file=sys.stderr)
                window.close()
                return 1
            when_shown(window, window.resume_interrupted)
        code = app.exec()
        return RESTART if window.restart_requested and code == 0 else code
    finally:
        second_starts.close()
        signal.signal(signal.SIGINT, previous_sigint)
        sys.excepthook = previous_hook
        _sigint_timer.stop()
