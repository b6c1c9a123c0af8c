"""The main window: Home, the session screen and the done screen, and the keys that work everywhere."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from ..app.history import HistoryService
from ..app.messages import MessageBridge
from ..engine.clock import NS, Clock
from ..engine.state import State
from ..settings import Settings, SettingsStore
from ..store.errors import HistoryFault
from . import dialogs, theme
from .home import HomeScreen, SessionEntry, SessionLister, builtin_entries, load_entry, user_session_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..kiosk.config import KioskConfig
    from ..kiosk.inhibit import Inhibitor
    from ..audio.vocabulary import Catalog
    from ..qt.audio import CueAudio, SpeechLines
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

KEYS_HELP = [
    ("Space, B, .", "pause / resume"),
    ("→, Page Down", "next: skip the rest of this step"),
    ("←, Page Up", "back to the start of this step; twice: the step before"),
    ("Enter", "count a rep (sets you count) · confirm a caution"),
    ("Backspace", "undo a rep"),
    ("D", "set done"),
    ("+ / −", "add or remove 10 s"),
    ("H", "stop this drill: it hurts"),
    ("S", "skip the drill (at a caution)"),
    ("I", "how to do this drill"),
    ("M", "mute / unmute"),
    ("Ctrl+↑ / Ctrl+↓", "louder / quieter"),
    ("F", "full screen"),
    ("Esc", "leave full screen · end the session (asks first)"),
    ("?", "this help"),
    ("On Home", "↑ / ↓ choose a session · ← / → low or high dose · Enter start · O open a file"
                " · R resume an interrupted run · Ctrl+H history"),
    ("In History", "↑ / ↓ choose a run · Esc back to home"),
]


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
        self.driver: SessionDriver | None = None
        self.audio_choice = audio or settings.audio
        self.audio: CueAudio | None = None  # built when the first session starts (Qt Multimedia loads then)
        # A session's own lines (names, say lines) rendered in the background when it is selected on
        # Home or started (audio/render.py), made at the first selection, and cached (render.cache_dir:
        # under --data-dir when one is given, else the user cache folder).
        self.speech_data_dir = speech_data_dir
        self.speech_lines: SpeechLines | None = None
        self._catalog: Catalog | None = None
        self._speech_said = False
        self._started_ns = 0
        self._ended_early = False
        # Notices to the user come one way (app/messages.py): the services post, on_message_posted shows.
        self.messages = MessageBridge(self)
        self.messages.message_posted.connect(self.on_message_posted)
        # The history (app/history.py) opens with the session list, after Home's first paint; no folder: not kept.
        self.history_dir = history_dir
        self.history_service = HistoryService(history_dir, self.messages,
                                              anonymous=kiosk is not None and kiosk.anonymous, parent=self)
        self._history_screen: HistoryScreen | None = None
        # Screen sleep is held off while a session runs (made when the first session starts).
        self.inhibitor = inhibitor
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
        self.kiosk = KioskController(self, config, clock or time.monotonic)
        log.info(kiosk_summary(config))

    @property
    def home_page(self) -> QWidget:
        """Where "home" is: the tiles in kiosk mode, else Home."""
        return self.kiosk_home if self.kiosk_home is not None else self.home

    @property
    def anonymous(self) -> bool:
        return self.kiosk_config is not None and self.kiosk_config.anonymous

    @property
    def session_screen(self) -> SessionScreen:
        if self._session_screen is None:
            from .session_screen import SessionScreen

            screen = SessionScreen(self.stack)
            screen.flash_enabled = self.settings.flash
            screen.muted = self.settings.mute
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
            self._help.set_text("Keys", "\n".join(f"{k}  —  {v}" for k, v in KEYS_HELP) + "\n\n? or Esc to close")
        return self._help

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open session…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.on_open_requested)
        menu.addAction(open_action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        self.fullscreen_action = QAction("&Full screen  (F)", self)
        self.fullscreen_action.triggered.connect(self.toggle_fullscreen)
        view.addAction(self.fullscreen_action)
        history_action = QAction("&History", self)
        history_action.setShortcut(QKeySequence("Ctrl+H"))
        history_action.triggered.connect(self.show_history)
        view.addAction(history_action)
        self.mute_action = QAction("&Mute  (M)", self, checkable=True)
        self.mute_action.setChecked(self.settings.mute)
        self.mute_action.triggered.connect(lambda checked: self.set_mute(checked))
        view.addAction(self.mute_action)
        louder = QAction("&Louder", self)
        louder.setShortcut(QKeySequence("Ctrl+Up"))
        louder.triggered.connect(lambda: self.change_volume(+0.1))
        view.addAction(louder)
        quieter = QAction("&Quieter", self)
        quieter.setShortcut(QKeySequence("Ctrl+Down"))
        quieter.triggered.connect(lambda: self.change_volume(-0.1))
        view.addAction(quieter)
        output = view.addMenu("Sound &output")
        group = QActionGroup(self)
        self.output_actions: dict[str, QAction] = {}
        for name, label in (("qt", "&Qt Multimedia"), ("simpleaudio", "&simpleaudio (optional extra)"),
                            ("none", "&No sound (captions only)")):
            action = QAction(label, self, checkable=True)
            action.setChecked(name == self.audio_choice)
            action.triggered.connect(lambda _checked, n=name: self.set_audio_output(n))
            group.addAction(action)
            output.addAction(action)
            self.output_actions[name] = action
        self.flash_action = QAction("Flash on &countdown", self, checkable=True)
        self.flash_action.setChecked(self.settings.flash)
        self.flash_action.triggered.connect(self.set_flash)
        view.addAction(self.flash_action)
        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keys  (?)", self)
        keys.triggered.connect(self.toggle_help)
        help_menu.addAction(keys)

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
        if self.driver is not None and not self.driver.runner.finished:
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
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from ..audio.vocabulary import Catalog

            try:
                self._catalog = Catalog.load()
            except ValueError:  # the shipped sounds are missing or broken (said when a session starts)
                self._catalog = Catalog(Path("."), {})
        return self._catalog

    def ensure_speech_lines(self) -> SpeechLines:
        if self.speech_lines is None:
            from ..audio.render import cache_dir
            from ..qt.audio import SpeechLines

            self.speech_lines = SpeechLines(cache_dir(self.speech_data_dir), parent=self)
            self.speech_lines.unavailable.connect(self.on_speech_unavailable)
        return self.speech_lines

    def prerender_selected(self) -> None:
        """Have the selected session's lines that no recorded prompt says rendered in the background,
        so they are ready by its cues.  Never waits: the renderer only queues them."""
        entry = self.home.current
        if entry is None or entry.session is None:
            return
        from ..session.timeline import compile_timeline

        timeline = compile_timeline(entry.session, self.home.dose)  # type: ignore[arg-type]
        self.ensure_speech_lines().request(self.catalog(), timeline)

    def on_speech_unavailable(self, reason: str) -> None:
        """Said once on Home: a session's own lines play their tone (and show their caption)."""
        if self._speech_said:
            return
        self._speech_said = True
        text = reason[:1].upper() + reason[1:] + "."  # "Spoken lines need a speech engine: install espeak-ng …"
        self.home.set_notice(text, part="speech")  # its own part: a later history notice keeps it

    def on_start_requested(self, entry: SessionEntry, dose: str) -> None:
        if entry.session is None:
            dialogs.show_error(self, "This session cannot be opened", str(entry.error))
            return
        self.settings.last_session = entry.key
        self.start_session(entry, dose)

    def start_session(self, entry: SessionEntry, dose: str, resume: RunRow | None = None) -> SessionDriver:
        from ..qt.driver import open_session  # the engine is loaded when a session starts, not before Home
        from ..session.timeline import compile_timeline

        assert entry.session is not None
        timeline = compile_timeline(entry.session, dose)  # type: ignore[arg-type]
        self.end_driver()
        if resume is None and self.interrupted_run is not None:
            self.discard_interrupted()  # a new run instead: the interrupted one stays in the history as it is
        driver = open_session(timeline, speed=self.speed, event_log=self.event_log, parent=self, clock=self.clock)
        self.driver = driver
        at_step, outcomes = self.start_recording(entry, timeline, driver, resume)
        self._ended_early = False
        self.session_screen.bind(driver)
        driver.cues_fired.connect(self.draw_now)  # before the sound's slot: slots run in the order connected
        audio = self.ensure_audio()
        audio.bind(driver)
        self.session_screen.set_sound_notice(audio.brief, audio.notice)
        driver.session_finished.connect(self.on_session_finished)
        self.stack.setCurrentWidget(self.session_screen)
        # Python's cyclic garbage collector can hold the app for ~30 ms when it sweeps everything
        # (benchmarks/audio_latency.py caught one delaying a countdown beep).  Sweep now, before the
        # first cue, and set what exists aside until the session ends: later sweeps only look at
        # what the session itself makes.
        gc.collect()
        gc.freeze()
        self._started_ns = driver.clock()
        self.keep_screen_on(True)
        driver.start(at_step, outcomes)
        return driver

    def keep_screen_on(self, on: bool) -> None:
        """Hold off screen blanking and sleep while a session runs; let go between sessions."""
        if self.inhibitor is None:
            if not on:
                return
            from ..qt.inhibit_dbus import make_inhibitor

            self.inhibitor = make_inhibitor()
            log.info("screen sleep: using %s", self.inhibitor.name)
        if on:
            self.inhibitor.inhibit("A guided mobility session is running")
        else:
            self.inhibitor.uninhibit()

    def start_recording(self, entry: SessionEntry, timeline, driver: SessionDriver, resume: RunRow | None):
        """Hook the history's recorder onto the runner (a new run, or the interrupted one taken over);
        return where to start and what the run already holds (app/history.py)."""
        self.ensure_history()
        return self.history_service.start_recording(entry, timeline, driver.runner, resume,
                                                    kiosk=self.kiosk is not None)

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
        self.keep_screen_on(False)
        self.history_service.end_recording()  # never waits: its writer finishes in the background
        if self.driver is not None:
            if self._session_screen is not None:
                self._session_screen.unbind()
            if self.audio is not None:
                self.audio.unbind()
            self.driver.close()
            self.driver.deleteLater()
            self.driver = None
            gc.unfreeze()  # between sessions, everything can be collected again

    def on_end_requested(self) -> None:
        if self.driver is None or self.driver.runner.finished:
            return
        # The clock stops while the question is open; "no" carries on from the same moment.
        was_paused = self.driver.runner.state is State.PAUSED
        driver = self.driver
        driver.pause("Asking whether to end the session")
        answer = dialogs.confirm(self, "End the session?", "Your progress in this session will be summarised.",
                                 "End it")
        if self.driver is not driver or driver.runner.finished:
            return  # while the question was open, the kiosk went back to its tiles (nobody answered)
        if answer:
            self._ended_early = True
            driver.end_session("ended by the user")
        elif not was_paused:
            driver.resume()

    def on_session_finished(self, _snap) -> None:
        assert self.driver is not None
        seconds = (self.driver.clock() - self._started_ns) / NS
        self.done.show_result(self.driver.runner, seconds, self._ended_early)
        rec = self.recorder
        if rec is not None:
            self._say_saved(rec)  # "Saving…" until the writer thread says the run is in (on_history_saved)
        elif self.history is not None and self.history.problem:
            self.done.set_saved(f"Not saved in your history: {self.history.problem}", problem=True)
        else:
            self.done.set_saved("")
        self.driver.stop_timers()
        self.keep_screen_on(False)
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
        """The sound for sessions: the chosen backend, or the next that works, or silence (said once)."""
        if self.audio is None:
            from ..audio.backend import SilentBackend
            from ..audio.vocabulary import Catalog
            from ..qt.audio import CueAudio, make_backend

            try:
                catalog = Catalog.load()
                backend = make_backend(self.audio_choice)
            except ValueError as exc:  # the shipped sounds are missing or broken
                catalog = Catalog(Path("."), {})
                backend = SilentBackend(str(exc), "Sound is off: a sound file is missing")
            self.audio = CueAudio(backend, catalog, volume=self.settings.volume, muted=self.settings.mute,
                                  lines=self.ensure_speech_lines(), parent=self)
            self.audio.notice_changed.connect(self.on_sound_notice)
            if backend.problem:
                log.warning("sound: %s", backend.problem)
        return self.audio

    def on_sound_notice(self, problem: str) -> None:
        if self._session_screen is not None:
            self._session_screen.set_sound_notice(self.audio.brief if self.audio else "", problem)
            if not problem:
                self._session_screen.status.setText("Sound is back on")

    def set_audio_output(self, choice: str) -> None:
        """Play through another backend from now on (a running session switches at once); remembered."""
        self.settings.audio = self.audio_choice = choice
        self.output_actions[choice].setChecked(True)
        if self.audio is None:
            return
        self.audio.close()
        self.audio.deleteLater()
        self.audio = None
        audio = self.ensure_audio()
        if self.driver is not None:
            audio.bind(self.driver)
        wanted = {"qt": "Qt Multimedia", "simpleaudio": "simpleaudio", "none": "no sound"}
        text = (f"Sound through {wanted[audio.backend.name]}" if audio.backend.name == choice
                else f"{wanted[choice]} cannot play here; sound through {wanted[audio.backend.name]}")
        if self._session_screen is not None:
            self._session_screen.set_sound_notice(audio.brief, audio.notice)
            if not audio.notice or choice == "none":
                self._session_screen.status.setText(text)

    def change_volume(self, step: float) -> None:
        self.settings.volume = round(max(0.0, min(1.0, self.settings.volume + step)), 2)
        if self.audio is not None:
            self.audio.set_volume(self.settings.volume)
        if self._session_screen is not None:
            self._session_screen.status.setText(f"Volume {round(self.settings.volume * 100)} %")

    def set_mute(self, muted: bool) -> None:
        self.settings.mute = muted
        self.mute_action.setChecked(muted)
        if self.audio is not None:
            self.audio.muted = muted
            if muted:
                self.audio.backend.stop()
        if self._session_screen is not None:
            self._session_screen.muted = muted
            self._session_screen.status.setText("Sound muted (captions stay on)" if muted else "Sound on")

    def set_flash(self, on: bool) -> None:
        self.settings.flash = on
        if self._session_screen is not None:
            self._session_screen.flash_enabled = on

    def toggle_help(self) -> None:
        self.help.setVisible(not self.help.isVisible())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, text = event.key(), event.text()
        K = Qt.Key
        if event.isAutoRepeat():
            return  # a key held down is one press: holding Enter must not count ten reps
        if self._help is not None and self._help.isVisible():
            if key in (K.Key_Escape, K.Key_Question, K.Key_F1) or text == "?":
                self.help.hide()
            return  # nothing acts behind the help
        if key in (K.Key_Question, K.Key_F1) or text == "?":
            self.toggle_help()
            return
        if self.kiosk is not None:
            if key in (K.Key_Escape, K.Key_F, K.Key_O) or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                return  # nothing leaves full screen, opens a file or ends the session from the keyboard
            current = self.stack.currentWidget()
            if self.kiosk_home is not None and current is self.kiosk_home and self.kiosk_home.handle_key(key, text):
                return
        if key == K.Key_F:
            self.toggle_fullscreen()
            return
        if key == K.Key_M:
            self.set_mute(not self.settings.mute)
            return
        if key == K.Key_Escape:
            if self._history_screen is not None and self.stack.currentWidget() is self._history_screen:
                self.go_home()
            elif self.isFullScreen():
                self.showNormal()
            elif self._session_screen is not None and self.stack.currentWidget() is self._session_screen:
                self.on_end_requested()
            return
        current = self.stack.currentWidget()
        if current is self._session_screen and self.session_screen.handle_key(key, text):
            return
        if current is self.home and self.home.handle_key(key, text):
            return
        if current is self._done and self.done.handle_key(key, text):
            return
        if current is self._history_screen and self.history_screen.handle_key(key, text):
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.kiosk is not None:
            if not self.kiosk.allow_exit:
                log.info("kiosk: a close request was ignored (hold Ctrl+Alt+Q to leave)")
                event.ignore()
                return
            if self.driver is not None and not self.driver.runner.finished:
                self.driver.end_session("kiosk closed by the administrator")
            self.kiosk.close()
            self.kiosk = None
        running = self.driver is not None and not self.driver.runner.finished
        if running and self.driver is not None and self.driver.runner.state is not State.IDLE:
            was_paused = self.driver.runner.state is State.PAUSED
            self.driver.pause("Asking whether to quit")
            if not dialogs.confirm(self, "Quit Hinge Timer?", "A session is running. Quit anyway?", "Quit"):
                if not was_paused:
                    self.driver.resume()
                event.ignore()
                return
            self.driver.end_session("window closed")
        self.stop_listing()
        self.save_settings()
        self.end_driver()
        self.settle_history_writes()  # at most EXIT_WAIT_S; a lock still held: the run goes to a side file
        if self.audio is not None:
            self.audio.close()
        if self.speech_lines is not None:
            self.speech_lines.close()  # kills an engine still rendering; never waits on it
        if self.history is not None:
            self.history.close()
        if self.inhibitor is not None:
            self.inhibitor.uninhibit()
        super().closeEvent(event)

    def interrupt(self) -> None:
        """Ctrl-C from the terminal: end a running session as interrupted and keep the settings."""
        if self.driver is not None and not self.driver.runner.finished:
            self.driver.end_session("interrupted")
        self.save_settings(tell=False)  # no dialog: nobody may be at the screen to close it
        self.end_driver()
        self.settle_history_writes()
        if self.audio is not None:
            self.audio.close()
        if self.speech_lines is not None:
            self.speech_lines.close()

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
