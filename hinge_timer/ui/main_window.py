"""The main window: Home, the session screen and the done screen, and the keys that work everywhere."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from ..app.history import HistoryService
from ..app import commands
from ..app.messages import MessageBridge
from ..app.preferences import Preferences
from ..app.run import SessionRun
from ..app.sound import SoundService
from ..engine.clock import Clock
from ..engine.state import State
from ..settings import Settings, SettingsStore
from ..store.errors import HistoryFault
from . import dialogs, theme
from .home import HomeScreen, SessionEntry, SessionLister, builtin_entries, load_entry, user_session_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app.run import RunResult
    from ..kiosk.config import KioskConfig
    from ..kiosk.inhibit import Inhibitor
    from ..qt.audio import CueAudio
    from ..qt.driver import SessionDriver
    from ..qt.post import Post
    from ..store.db import History
    from ..store.history import RunRow
    from ..store.recorder import Recorder
    from .done import DoneScreen
    from .history_screen import HistoryScreen
    from .kiosk import KioskController, KioskHome
    from .session_screen import SessionScreen
    from .widgets import MessageOverlay

log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
    sessions_listed = Signal()

    def __init__(
        self,
        settings: Settings,
        store: SettingsStore | None = None,
        sessions_dir: Path | None = None,
        speed: float = 1.0,
        event_log: str | None = None,
        clock: Clock | None = None,
        defer_sessions: bool = False,
        audio: str | None = None,
        history_dir: Path | None = None,
        kiosk: KioskConfig | None = None,
        kiosk_clock: Callable[[], float] | None = None,
        inhibitor: Inhibitor | None = None,
        speech_data_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Hinge Timer")
        self.setObjectName("main_window")
        self.setMinimumSize(560, 480)
        self.settings = settings
        self.store = store
        self.sessions_dir = sessions_dir
        self.speed = speed
        self.event_log = event_log
        self.clock = clock
        self.prefs = Preferences(settings, self)  # mute, volume and flash: one place, which says when they change
        # Notices to the user come one way (app/messages.py): the services post, on_message_posted shows.
        self.messages = MessageBridge(self)
        self.messages.message_posted.connect(self.on_message_posted)
        # The sound and a session's own lines spoken ahead (app/sound.py): built when first needed.
        self.sound = SoundService(self.prefs, self.messages, audio or settings.audio, speech_data_dir, self)
        # The history (app/history.py) opens with the session list, after Home's first paint; no folder: not kept.
        self.history_dir = history_dir
        self.history_service = HistoryService(history_dir, self.messages,
                                              anonymous=kiosk is not None and kiosk.anonymous, parent=self)
        self._history_screen: HistoryScreen | None = None
        # Running a session (app/run.py): driver, recorder, sound, screen-sleep inhibitor, the result.
        self.run = SessionRun(self.history_service, speed=speed, event_log=event_log, clock=clock,
                              inhibitor=inhibitor, kiosk=kiosk is not None, sound=self.sound.ensure, parent=self)
        self.run.run_started.connect(self.on_run_started)
        self.run.run_finished.connect(self.on_run_finished)
        self.kiosk_config = kiosk
        self.kiosk: KioskController | None = None
        self.kiosk_home: KioskHome | None = None

        self.setStyleSheet(f"QMainWindow, QStackedWidget {{ background: {theme.BACKGROUND.name()}; }}")
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.home = HomeScreen(self.stack)
        self.stack.addWidget(self.home)
        # The session screen, the done screen and the help are built the first time they are needed,
        # so Home paints sooner (docs/PERFORMANCE.md).
        self._session_screen: SessionScreen | None = None
        self._done: DoneScreen | None = None
        self._help: MessageOverlay | None = None
        self.home.set_dose(settings.dose)
        self.home.start_requested.connect(self.on_start_requested)
        self.home.open_requested.connect(self.on_open_requested)
        self.home.dose_changed.connect(self.on_dose_changed)
        self.home.list.currentRowChanged.connect(lambda _row: self.prerender_selected())
        self.home.history_requested.connect(self.show_history)
        self.home.resume_requested.connect(self.resume_interrupted)
        self.home.discard_requested.connect(self.discard_interrupted)
        self.home.history_aside_requested.connect(self.move_history_aside)
        self._build_menu()
        self.prefs.mute_changed.connect(self.mute_action.setChecked)  # the menu's check marks follow
        self.prefs.flash_changed.connect(self.flash_action.setChecked)
        if kiosk is not None:
            self._enter_kiosk(kiosk, kiosk_clock)
        self.sessions_loaded = False  # the listing has begun (the built-ins are on Home)
        self.sessions_ready = False  # ... and the user's files are all in (sessions_listed emitted)
        self._lister: SessionLister | None = None  # checks the user's files in a worker thread
        self._listing_post: Post | None = None  # brings its results to the GUI thread
        if defer_sessions:
            # Paint Home at once and list the sessions on the next turn of the event loop: reading and
            # validating them needs pydantic, which would otherwise delay the first frame (PERFORMANCE.md).
            self.home.details.setText("Loading sessions…")
            self.home_page.installEventFilter(self)  # the kiosk's tiles are its Home
        else:
            self.reload_sessions()

        if settings.geometry:
            self.restoreGeometry(QByteArray.fromHex(settings.geometry.encode()))
        else:
            self.resize(1280, 720)

    def _enter_kiosk(self, config: KioskConfig, clock: Callable[[], float] | None) -> None:
        """Frameless, no menus, large tiles for Home, and the kiosk rules (ui/kiosk.py)."""
        import time

        from .kiosk import KioskController, KioskHome, kiosk_summary

        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.menuBar().hide()
        for action in self.findChildren(QAction):
            action.setEnabled(False)  # no shortcut may quit, open a file or show anyone's history
        self.kiosk_home = KioskHome(self.stack)
        self.kiosk_home.start_requested.connect(self.on_start_requested)
        self.stack.addWidget(self.kiosk_home)
        self.stack.setCurrentWidget(self.kiosk_home)
        self.kiosk = KioskController(self, config, clock or time.monotonic, self.kiosk_home, self.history_dir)
        log.info(kiosk_summary(config))

    @property
    def home_page(self) -> QWidget:
        """Where "home" is: the tiles in kiosk mode, else Home."""
        return self.kiosk_home if self.kiosk_home is not None else self.home

    @property
    def anonymous(self) -> bool:
        return self.kiosk_config is not None and self.kiosk_config.anonymous

    # -- what the kiosk (ui/kiosk.py: KioskWindow) and the command table (app/commands.py) ask of the window --
    def current_screen(self) -> str:
        """The shown screen's name (app/commands.py: HOME, SESSION, ...)."""
        current = self.stack.currentWidget()
        return current.objectName() if current is not None else ""

    def end_running_session(self, reason: str) -> None:
        self.run.stop(reason)

    def timed_step_running(self) -> bool:
        d = self.driver
        return (d is not None and not d.finished and d.state not in (State.PAUSED, State.CAUTION, State.IDLE)
                and d.timed_step)

    def command_context(self) -> commands.Context:
        screen = self.current_screen()
        snap = self._session_screen.snapshot if screen == commands.SESSION and self._session_screen else None
        return commands.Context(screen, snap.state if snap is not None else None, self.isFullScreen())

    def command_handlers(self, ctx: commands.Context) -> dict[str, commands.Handler]:
        """What runs each command where the user is: the window's own and the shown screen's (less what a
        kiosk refuses)."""
        handlers = dict(self._window_commands)
        handlers.update(getattr(self.stack.currentWidget(), "command_handlers", dict)())
        if self.kiosk is not None:
            handlers = {n: h for n, h in handlers.items() if self.kiosk.allows(n)}
        return handlers

    @property
    def session_screen(self) -> SessionScreen:
        if self._session_screen is None:
            from .session_screen import SessionScreen

            screen = SessionScreen(self.stack)
            screen.flash_enabled = self.prefs.flash
            screen.muted = self.prefs.mute
            self.prefs.mute_changed.connect(screen.on_mute_changed)
            self.prefs.flash_changed.connect(screen.on_flash_changed)
            screen.end_requested.connect(self.on_end_requested)
            self.stack.addWidget(screen)
            self._session_screen = screen
        return self._session_screen

    @property
    def done(self) -> DoneScreen:
        if self._done is None:
            from .done import DoneScreen

            self._done = DoneScreen(self.stack)
            self._done.home_requested.connect(self.go_home)
            self.stack.addWidget(self._done)
        return self._done

    @property
    def history_screen(self) -> HistoryScreen:
        if self._history_screen is None:
            from .history_screen import HistoryScreen  # Qt Charts loads here, not before Home

            screen = HistoryScreen(self.stack)
            screen.home_requested.connect(self.go_home)
            screen.export_requested.connect(self.export_history)
            self.stack.addWidget(screen)
            self._history_screen = screen
        return self._history_screen

    @property
    def help(self) -> MessageOverlay:
        if self._help is None:
            from .widgets import MessageOverlay

            self._help = MessageOverlay(self.stack, "help_overlay")
            self._help.clicked.connect(self._help.hide)
            self._help.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            screens = ({commands.KIOSK_HOME, commands.SESSION, commands.DONE} if self.kiosk is not None
                       else {commands.HOME, commands.SESSION, commands.DONE, commands.HISTORY})
            kiosk = self.kiosk
            allowed = (lambda c: kiosk.allows(c.name)) if kiosk is not None else (lambda _c: True)
            self._help.set_text("Keys", commands.help_text(screens, allowed) + "\n\n? or Esc to close")
        return self._help

    def _build_menu(self) -> None:
        """The menus, built from the command table (app/commands.py), and what the window's own commands do."""
        self.commands = commands.Commands(self.command_context, self.command_handlers)
        self._window_commands: dict[str, commands.Handler] = {
            "mute": lambda: self.set_mute(not self.prefs.mute), "louder": lambda: self.change_volume(+0.1),
            "quieter": lambda: self.change_volume(-0.1), "fullscreen": self.toggle_fullscreen,
            "leave_fullscreen": self.showNormal, "help": self.toggle_help, "quit": self.close,
            "open": self.on_open_requested, "history": self.show_history,
            "flash": lambda: self.set_flash(not self.prefs.flash),
            **{f"audio_{n}": (lambda n=n: self.set_audio_output(n)) for n in ("qt", "simpleaudio", "none")}}
        menus: dict[str, object] = {}
        groups: dict[str, QActionGroup] = {}
        self.command_actions: dict[str, QAction] = {}
        for c in commands.menu_entries():
            top, _, sub = c.menu.partition("/")
            if top not in menus:
                menus[top] = self.menuBar().addMenu(top)
            if sub and c.menu not in menus:
                menus[c.menu] = menus[top].addMenu(sub)  # type: ignore[attr-defined]
            action = QAction(c.label, self, checkable=c.checkable)
            if c.shortcut:
                action.setShortcut(QKeySequence(c.shortcut))
            action.triggered.connect(lambda _checked=False, n=c.name: self.commands.run(n))
            if c.group:
                groups.setdefault(c.group, QActionGroup(self)).addAction(action)
            menus[c.menu].addAction(action)  # type: ignore[attr-defined]
            self.command_actions[c.name] = action
        self.fullscreen_action, self.mute_action, self.flash_action = (
            self.command_actions["fullscreen"], self.command_actions["mute"], self.command_actions["flash"])
        self.mute_action.setChecked(self.prefs.mute)
        self.flash_action.setChecked(self.prefs.flash)
        self.output_actions = {n: self.command_actions[f"audio_{n}"] for n in ("qt", "simpleaudio", "none")}
        self.output_actions[self.audio_choice].setChecked(True)

    # -- sessions -------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.home_page and event.type() == QEvent.Type.Paint:
            self.home_page.removeEventFilter(self)
            QTimer.singleShot(0, self.ensure_sessions)
        return False

    def ensure_sessions(self) -> None:
        """List the sessions on Home if that has not happened yet (it waits for the first paint)."""
        if not self.sessions_loaded:
            self.reload_sessions()
            QTimer.singleShot(0, self.prestart_sound)

    def prestart_sound(self) -> None:
        """Start the sound engine (a child process, ~0.3 s to be ready) while Home is shown, so the first
        cue of a session started from Home is not held back by it.  Never waits for it."""
        if self.audio is None and self.audio_choice == "qt":
            from ..qt.audio_proc import prestart

            prestart()

    def reload_sessions(self) -> None:
        """List the sessions on Home: the built-ins at once, the user's files as a worker thread checks them.

        Checking one hostile file can take a quarter of a second and the folder may hold ``MAX_LISTED``
        of them, so the GUI thread never checks the folder itself: Home (and a kiosk's tiles, which show
        only built-ins) paints and answers meanwhile, each file is added as its result comes, and
        ``sessions_listed`` is emitted (``sessions_ready`` set) once they are all in.  The resume offer
        is made at once: it needs only the interrupted run's own session (home.load_entry, one file).
        """
        self.sessions_loaded = True
        self.sessions_ready = False
        self.ensure_history()
        if self._lister is not None:
            self._lister.cancel()  # an earlier listing still running: what it finds is dropped
            self._lister = None
        # The main built-in session is selected until the user has started another.
        wanted = self.settings.last_session or "hip-hinge-mobility"
        self.home.set_entries(builtin_entries(), wanted)
        interim = self.home.current.key if self.home.current is not None else ""
        if self.kiosk_home is not None:
            self.kiosk_home.set_entries(self.home.entries)
            self.refresh_today()
        self.offer_resume()
        files = user_session_files(self.sessions_dir)
        if not files:
            self._sessions_done()
            return
        if self._listing_post is None:
            from ..qt.post import Post

            self._listing_post = Post(self)

        def add(entry: SessionEntry) -> None:
            self.home.add_listed(entry, select_if=interim if entry.key == wanted else "")

        self._lister = SessionLister(files, self._listing_post, add, self._sessions_done)
        self._lister.start()

    def _sessions_done(self) -> None:
        self._lister = None
        self.sessions_ready = True
        self.sessions_listed.emit()

    def stop_listing(self) -> None:
        """The window is closing: the worker stops after the file it is on; nothing more reaches Home."""
        if self._lister is not None:
            self._lister.cancel()
            self._lister = None

    def refresh_today(self) -> None:
        """The one thing a kiosk shows of its history: how many sessions were done here today."""
        if self.kiosk_home is None:
            return
        self.kiosk_home.set_today(self.history_service.runs_today())

    # -- history (app/history.py keeps it; the window shows what it says) ---------------------------
    @property
    def history(self) -> History | None:
        """The open history (the service's); None before the sessions are listed, or with no data folder."""
        return self.history_service.history

    @history.setter
    def history(self, h: History | None) -> None:  # (a test's power cut: the process forgets it)
        self.history_service.history = h

    @property
    def recorder(self) -> Recorder | None:
        """The current run's recorder (the service's)."""
        return self.history_service.recorder

    @recorder.setter
    def recorder(self, rec: Recorder | None) -> None:
        self.history_service.recorder = rec

    @property
    def interrupted_run(self) -> RunRow | None:
        """The interrupted run offered on Home, if any."""
        offer = self.history_service.offer
        return offer.run if offer is not None else None

    @Slot(str, str, str, str, str)
    def on_message_posted(self, where: str, part: str, level: str, text: str, detail: str) -> None:
        """A notice a service posted (app/messages.py), put where it goes."""
        if where == "home":
            self.home.set_notice(text, part=part or "history")
        elif where == "session":
            screen = self.session_screen
            if part == "history":
                screen.set_history_notice(text, detail)
            elif part == "sound":
                screen.set_sound_notice(text, detail)
            else:
                screen.status.setText(text)
        elif where == "done" and self._done is not None:  # (said again whenever the done screen is shown)
            self._done.set_saved(text, problem=level != "info")

    def ensure_history(self) -> History | None:
        """Open the history once (a damaged file moved aside, a newer one left alone: Home says what
        went wrong, if anything) and show what it offers; None when no data folder was given."""
        service = self.history_service
        if service.history is None and service.ensure_open() is not None:  # waits at most ~0.1 s on a lock
            self._use_history()
        return service.history

    def _use_history(self) -> None:
        """What the history offers on Home: moving a file holding what we did not make aside, and the
        dose advice."""
        service = self.history_service
        self.home.offer_history_aside(service.can_start_over)
        self.home.suggest = service.suggestion if service.advises else None

    def retry_locked_history(self) -> bool:
        """If another program held the history locked, try again at once (never waits; the recorder may
        already have reopened it) and, once it is open, show it on Home; True if it opened."""
        if not self.history_service.retry():
            return False
        self._use_history()
        self.offer_resume()
        self.home.refresh_details()
        return True

    def move_history_aside(self) -> None:
        """Home's offer for a history holding what this version did not make: rename it (kept whole)
        and start a new one, once the user agrees."""
        service = self.history_service
        h = service.history
        if h is None or not h.unexpected:
            return
        if not dialogs.confirm(
                self, "Move the history aside?",
                f"{h.path} holds what this version of Hinge Timer did not make: {', '.join(h.unexpected)}.\n\n"
                "It will be renamed and kept whole, with every run in it, and nothing in it is run. "
                "A new, empty history starts.", "Move it aside"):
            return
        service.start_over()
        self._use_history()
        self.offer_resume()
        self.home.refresh_details()

    def offer_resume(self) -> None:
        """After a crash, a power cut or a kill: offer to resume the newest interrupted run on Home."""
        offer = self.history_service.find_interrupted(self._run_entry)
        if offer is None:
            self.home.show_resume(None)
        else:
            self.home.show_resume(offer.text, can_resume=offer.resumable)

    def _run_entry(self, key: str) -> SessionEntry | None:
        """The session a run's key names: one on Home, else its file, loaded (a file no longer listed)."""
        entry = next((e for e in self.home.entries if e.key == key), None)
        if entry is None and Path(key).exists():
            entry = load_entry(key, Path(key), False)
        return entry

    def resume_interrupted(self) -> SessionDriver | None:
        offer = self.history_service.take_offer()
        if offer is None or offer.entry is None:
            return None
        self.home.show_resume(None)
        return self.start_session(offer.entry, offer.run.dose, resume=offer.run)  # type: ignore[arg-type]

    def discard_interrupted(self) -> None:
        self.history_service.discard_offer()  # never waits: a lock held by another program -> a writer thread
        self.home.show_resume(None)

    def show_history(self) -> None:
        if self.run.running:
            return  # not in the middle of a session
        if self.anonymous:
            return  # a kiosk shows no one's history
        self.ensure_sessions()
        self.retry_locked_history()
        page = self.history_service.page()
        if page is None:
            return  # the runs cannot be read: said on Home
        self.history_screen.load(page)
        self.stack.setCurrentWidget(self.history_screen)

    def export_history(self) -> None:
        if not self.history_service.readable:
            return
        path = dialogs.choose_save_file(self, str(Path.home() / "hinge-timer-history.csv"))
        if not path:
            return
        try:
            n = self.history_service.export_csv(path)
        except OSError as exc:
            dialogs.show_error(self, "History not exported", f"{path}: {exc.strerror or exc}")
            return
        except HistoryFault as exc:  # one sentence naming the history's file
            dialogs.show_error(self, "History not exported", str(exc))
            return
        self.history_screen.notice.setText(f"{n} rows written to {path}")

    def _say_saved(self, rec: Recorder | None = None) -> None:
        """The done screen's line about the history, for the run just finished (said by the service)."""
        self.history_service.say_saved()

    def settle_history_writes(self, wait_s: float | None = None) -> None:
        """At exit: the history's writer threads get at most ``wait_s`` (EXIT_WAIT_S); what a lock still
        keeps out goes to a side file (HistoryService.settle)."""
        self.history_service.settle(wait_s)

    def on_open_requested(self) -> None:
        folder = str(self.sessions_dir) if self.sessions_dir else str(Path.home())
        path = dialogs.choose_session_file(self, folder)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> SessionEntry:
        self.ensure_sessions()
        entry = load_entry(path, Path(path), False)
        if entry.session is None:
            dialogs.show_error(self, "This session cannot be opened", str(entry.error))
            return entry
        self.home.add_entry(entry)
        return entry

    def on_dose_changed(self, dose: str) -> None:
        self.settings.dose = dose
        self.prerender_selected()

    # -- a session's own lines, spoken ahead ------------------------------------------------------
    @property
    def audio(self) -> CueAudio | None:
        """The sound (the sound service's); None until the first session starts."""
        return self.sound.audio

    @property
    def audio_choice(self) -> str:
        return self.sound.choice

    def prerender_selected(self) -> None:
        """Have the selected session's own lines rendered in the background (app/sound.py); never waits."""
        entry = self.home.current
        if entry is not None and entry.session is not None:
            self.sound.prerender(entry.session, self.home.dose)

    def on_start_requested(self, entry: SessionEntry, dose: str) -> None:
        if entry.session is None:
            dialogs.show_error(self, "This session cannot be opened", str(entry.error))
            return
        self.settings.last_session = entry.key
        self.start_session(entry, dose)

    @property
    def driver(self) -> SessionDriver | None:
        """The current (or just finished) session's driver: the run service's."""
        return self.run.driver

    def start_session(self, entry: SessionEntry, dose: str, resume: RunRow | None = None) -> SessionDriver:
        self.end_driver()
        if resume is None and self.interrupted_run is not None:
            self.discard_interrupted()  # a new run instead: the interrupted one stays in the history as it is
        self.ensure_history()  # opened, and what it offers on Home shown (a run started before the listing)
        return self.run.start(entry, dose, resume)

    @Slot(object)
    def on_run_started(self, driver: SessionDriver) -> None:
        """A session is about to start: the screen takes it (before the sound: slots run in the order
        connected, so a cue is drawn before it is heard) and is shown."""
        screen = self.session_screen
        screen.bind(driver)
        driver.cues_fired.connect(self.draw_now)
        self.sound.ensure()
        self.sound.post_notice()
        self.stack.setCurrentWidget(screen)

    def when_shown(self, action: Callable[[], object], wait_ms: int = 2000) -> None:
        """Run ``action`` once the window is on screen (exposed), or after ``wait_ms`` if the platform
        never says so.  ``run FILE`` starts its session this way, so the first "get ready" is not heard
        before the window that shows it has appeared."""
        handle = self.windowHandle()
        if handle is not None and handle.isExposed():
            action()
            return
        done = False

        def fire() -> None:
            nonlocal done
            if not done:
                done = True
                if handle is not None:
                    handle.removeEventFilter(watcher)
                action()

        class ExposeWatch(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == QEvent.Type.Expose and handle is not None and handle.isExposed():
                    QTimer.singleShot(0, fire)  # after the expose has been handled and drawn
                return False

        watcher = ExposeWatch(self)
        if handle is not None:
            handle.installEventFilter(watcher)
        QTimer.singleShot(wait_ms, fire)

    def draw_now(self, _events: object = None) -> None:
        """Draw what the cues just changed, before their sound starts: a sound is never ahead of the
        screen (benchmarks/audio_latency.py measures it).  Only the parts marked for update are drawn."""
        if self.isVisible():
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # a screen just switched to
            QCoreApplication.sendPostedEvents(self, QEvent.Type.UpdateRequest)

    def end_driver(self) -> None:
        if self._session_screen is not None and self.run.driver is not None:
            self._session_screen.unbind()
        self.run.end()

    def on_end_requested(self) -> None:
        driver = self.driver
        if driver is None or driver.finished:
            return
        # The clock stops while the question is open; "no" carries on from the same moment.
        was_paused = driver.state is State.PAUSED
        driver.pause("Asking whether to end the session")
        answer = dialogs.confirm(self, "End the session?", "Your progress in this session will be summarised.",
                                 "End it")
        if self.driver is not driver or driver.finished:
            return  # while the question was open, the kiosk went back to its tiles (nobody answered)
        if answer:
            self.run.end_early("ended by the user")
        elif not was_paused:
            driver.resume()

    @Slot(object)
    def on_run_finished(self, result: RunResult) -> None:
        """The run is over (app/run.py): its result on the done screen (the history's saved line follows)."""
        self.done.show_result(result)
        self.stack.setCurrentWidget(self.done)

    def go_home(self) -> None:
        if self._help is not None:
            self._help.hide()
        self.end_driver()
        if not self.retry_locked_history():  # a lock another program held at the start may be gone
            self.home.refresh_details()  # the dose suggestion may have changed with the run just done
        self.refresh_today()
        self.stack.setCurrentWidget(self.home_page)

    # -- window-wide controls -------------------------------------------------------------------
    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def ensure_audio(self) -> CueAudio:
        return self.sound.ensure()

    def set_audio_output(self, choice: str) -> None:
        """Play through another backend from now on (a running session switches at once); remembered."""
        self.output_actions[choice].setChecked(True)
        audio = self.sound.set_output(choice)
        if audio is not None:
            self.run.rebind_sound(audio)

    def change_volume(self, step: float) -> None:
        volume = self.prefs.change_volume(step)  # the sound follows prefs.volume_changed
        if self._session_screen is not None:
            self.messages.info("session", f"Volume {round(volume * 100)} %", part="status")

    def set_mute(self, muted: bool) -> None:
        self.prefs.set_mute(muted)  # the menu, the sound and the session screen follow prefs.mute_changed
        if self._session_screen is not None:
            self.messages.info("session", "Sound muted (captions stay on)" if muted else "Sound on", part="status")

    def set_flash(self, on: bool) -> None:
        self.prefs.set_flash(on)

    def toggle_help(self) -> None:
        self.help.setVisible(not self.help.isVisible())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Every key through the command table (app/commands.py): the window's own commands here, a
        screen's through its ``handle_key``; behind the help nothing acts, and a kiosk refuses some."""
        if event.isAutoRepeat():
            return  # a key held down is one press: holding Enter must not count ten reps
        key, text = event.key(), event.text()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        found = commands.for_key(self.command_context(), key, text, ctrl)
        name = found[0].name if found is not None else None
        if self._help is not None and self._help.isVisible():
            if name == "help" or key == Qt.Key.Key_Escape:
                self.help.hide()
            return  # nothing acts behind the help
        if self.kiosk is not None and self.kiosk.refuses_key(name, ctrl):
            return  # the kiosk's policy (ui/kiosk.py)
        if name is not None and name in self._window_commands:
            self.commands.run(name)
            return
        screen = self.stack.currentWidget()
        if name is not None and getattr(screen, "handle_key", lambda *_: False)(key, text):
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.kiosk is not None:
            if not self.kiosk.close_requested():  # refused until the exit chord (and PIN) let it go
                event.ignore()
                return
            self.kiosk = None
        driver = self.driver
        if driver is not None and self.run.running and driver.state is not State.IDLE:
            was_paused = driver.state is State.PAUSED
            driver.pause("Asking whether to quit")
            if not dialogs.confirm(self, "Quit Hinge Timer?", "A session is running. Quit anyway?", "Quit"):
                if not was_paused:
                    driver.resume()
                event.ignore()
                return
            self.run.stop("window closed")
        self.stop_listing()
        self.save_settings()
        self.end_driver()
        self.settle_history_writes()  # at most EXIT_WAIT_S; a lock still held: the run goes to a side file
        self.sound.close()  # kills a speech engine still rendering; never waits on it
        if self.history is not None:
            self.history.close()
        self.run.close()  # lets go of the screen-sleep inhibitor
        super().closeEvent(event)

    def interrupt(self) -> None:
        """Ctrl-C from the terminal: end a running session as interrupted and keep the settings."""
        self.run.stop("interrupted")
        self.save_settings(tell=False)  # no dialog: nobody may be at the screen to close it
        self.end_driver()
        self.settle_history_writes()
        self.sound.close()

    def save_settings(self, tell: bool = True) -> None:
        self.settings.geometry = bytes(self.saveGeometry().data()).hex()
        self.settings.fullscreen = self.isFullScreen()
        self.settings.dose = self.home.dose
        if self.store is not None:
            problem = self.store.save(self.settings)
            if problem:
                log.warning(problem)
                if tell:
                    dialogs.show_error(self, "Settings not saved", problem)
