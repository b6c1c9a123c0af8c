"""The main window: it builds the screens and the stack, connects the services (hinge_timer/app/) to them,
handles the window's own commands and keys, and closes in order (docs/ARCHITECTURE.md: ui/)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from ..app import commands
from ..app.history import HistoryService
from ..app.messages import MessageBridge
from ..app.preferences import Preferences
from ..app.run import SessionRun
from ..app.sound import SoundService
from ..engine.clock import Clock
from ..engine.state import State
from .. import i18n
from ..i18n import LANGUAGES, _
from ..settings import READER_CHOICES, Settings, SettingsStore
from . import dialogs, theme, window_settings
from .history_view import HistoryView
from .keys import KeyRouter
from .home import HomeScreen, SessionEntry
from .listing import SessionListing
from .menus import build_menus, follow_preferences, help_overlay
from .notices import NoticeBoard
from .shown import draw_now

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app.run import RunResult
    from ..kiosk.config import KioskConfig
    from ..kiosk.inhibit import Inhibitor
    from ..qt.driver import SessionDriver
    from ..store.history import RunRow
    from .done import DoneScreen
    from .kiosk import KioskController, KioskHome
    from .session_screen import SessionScreen
    from .painted import MessageOverlay


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, store: SettingsStore | None = None, sessions_dir: Path | None = None,
                 speed: float = 1.0, event_log: str | None = None, clock: Clock | None = None,
                 defer_sessions: bool = False, audio: str | None = None, history_dir: Path | None = None,
                 kiosk: KioskConfig | None = None, kiosk_clock: Callable[[], float] | None = None,
                 inhibitor: Inhibitor | None = None, speech_data_dir: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Hinge Timer")
        self.setObjectName("main_window")
        self.setMinimumSize(560, 480)
        self.settings, self.store, self.sessions_dir = settings, store, sessions_dir
        self.prefs = Preferences(settings, self)  # mute, volume and flash: one place, which says when they change
        self.messages = MessageBridge(self)  # notices to the user come one way (app/messages.py, ui/notices.py)
        # The sound and a session's own lines spoken ahead (app/sound.py): built when first needed.
        self.sound = SoundService(self.prefs, self.messages, audio or settings.audio, speech_data_dir, self)
        # The history (app/history.py) opens with the session list, after Home's first paint; no folder: not kept.
        self.history_service = HistoryService(history_dir, self.messages,
                                              anonymous=kiosk is not None and kiosk.anonymous, parent=self)
        # Running a session (app/run.py): driver, recorder, sound, screen-sleep inhibitor, the result.
        self.run = SessionRun(self.history_service, speed=speed, event_log=event_log, clock=clock,
                              inhibitor=inhibitor, kiosk=kiosk is not None, sound=self.sound.ensure, parent=self)
        self.run.run_started.connect(self.on_run_started)
        self.run.run_finished.connect(self.on_run_finished)
        self.sound.output_changed.connect(self.run.rebind_sound)  # a running session switches at once
        self.kiosk: KioskController | None = None
        self.kiosk_home: KioskHome | None = None

        self.setStyleSheet(f"QMainWindow, QStackedWidget {{ background: {theme.BACKGROUND.name()}; }}")
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.home = HomeScreen(self.stack)
        self.stack.addWidget(self.home)
        # The session screen, the done screen, the History screen and the help are built the first time
        # they are needed, so Home paints sooner (docs/PERFORMANCE.md).
        self._session_screen: SessionScreen | None = None
        self._done: DoneScreen | None = None
        self._help: MessageOverlay | None = None
        self.history_view = HistoryView(self.history_service, self.home, self.stack, self, self.go_home)
        self.notices = NoticeBoard(self.messages, self.home, lambda: self.session_screen, lambda: self._done, self)
        self.home.set_dose(settings.dose)
        self.home.start_requested.connect(self.on_start_requested)
        self.home.command_requested.connect(lambda name: self.commands.run(name))  # its buttons, as keys
        self.home.dose_changed.connect(self.on_dose_changed)
        self.home.list.currentRowChanged.connect(lambda _row: self.prerender_selected())
        self.home.resume_requested.connect(self.resume_interrupted)
        self.home.discard_requested.connect(self.history_view.discard_offer)
        # The user's own sessions: Home's New/Duplicate/Edit/Delete/Export, importing, the editor, Try it,
        # Hear, the kept draft (ui/session_actions.py); none of it in a kiosk.
        from .session_actions import SessionActions

        self.session_actions = SessionActions(self, sessions_dir, history_dir)
        self.home.own_folder = sessions_dir
        self.home.kiosk = kiosk is not None
        self.home.set_session_actions()
        self.setAcceptDrops(kiosk is None)  # a .toml file dropped on the window is imported
        self._build_menu()
        if kiosk is not None:  # frameless, no menus, large tiles for Home, and the kiosk rules (ui/kiosk.py)
            from .kiosk_mode import enter_kiosk

            self.kiosk, self.kiosk_home = enter_kiosk(self, self.stack, kiosk, kiosk_clock, history_dir)
            self.kiosk_home.start_requested.connect(self.on_start_requested)
            self.history_view.kiosk_home = self.kiosk_home
        # Home's sessions (ui/listing.py): the built-ins at once, the user's files from a worker thread.
        self.listing = SessionListing(self.home, settings, sessions_dir, self.sound.prestart, self)
        self.listing.listing_started.connect(self.history_view.ensure_open)
        if self.kiosk_home is not None:  # the tiles show the built-ins too
            self.listing.builtins_listed.connect(lambda: self.kiosk_home.set_entries(self.home.entries))
        self.listing.builtins_listed.connect(self.history_view.on_builtins_listed)  # the resume offer
        # A draft an editor kept before a crash, offered on Home once the sessions are first listed (read
        # in a worker thread): after Home's first paint.
        self.listing.sessions_listed.connect(self.session_actions.look_for_kept,
                                             Qt.ConnectionType.SingleShotConnection)
        if defer_sessions:  # Home paints at once; the sessions follow its first paint (PERFORMANCE.md)
            self.home.details.setText(_("Loading sessions…"))
            self.listing.after_first_paint(self.home_page)  # the kiosk's tiles are its Home
        else:
            self.listing.reload()
        window_settings.restore_geometry(self, settings)
        # Every key, before the focused widget, and where the focus goes (ui/keys.py).
        self.keys = KeyRouter(self)

    @property
    def home_page(self) -> QWidget:  # where "home" is: the tiles in kiosk mode, else Home
        return self.kiosk_home if self.kiosk_home is not None else self.home

    # -- what the kiosk (ui/kiosk.py: KioskWindow) and the command table (app/commands.py) ask of the window --
    def current_screen(self) -> str:  # the shown screen's name (app/commands.py: HOME, SESSION, ...)
        current = self.stack.currentWidget()
        return current.objectName() if current is not None else ""

    def end_running_session(self, reason: str) -> None:
        self.run.stop(reason)

    def timed_step_running(self) -> bool:
        return self.run.timed_step_running

    def command_context(self) -> commands.Context:
        screen = self.current_screen()
        snap = self._session_screen.snapshot if screen == commands.SESSION and self._session_screen else None
        return commands.session_context(screen, snap, self.isFullScreen())  # (with what the run offers now)

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
            screen.follow(self.prefs)  # mute, flash, what the screen reader is told
            screen.speech_missing = lambda: self.sound.speech_missing  # own lines as tones: not spoken
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
    def help(self) -> MessageOverlay:
        if self._help is None:
            self._help = help_overlay(self.stack, self.kiosk.allows if self.kiosk is not None else None)
            self.keys.watch_help(self._help)  # it takes the focus while open (ui/keys.py)
        return self._help

    def _build_menu(self) -> None:
        """The menus, built from the command table (app/commands.py), and what the window's own commands do."""
        self.commands = commands.Commands(self.command_context, self.command_handlers)
        self._window_commands: dict[str, commands.Handler] = {
            "mute": lambda: self.set_mute(not self.prefs.mute), "louder": lambda: self.change_volume(+0.1),
            "quieter": lambda: self.change_volume(-0.1), "leave_fullscreen": self.showNormal,
            "fullscreen": lambda: self.showNormal() if self.isFullScreen() else self.showFullScreen(),
            "help": self.toggle_help, "quit": self.close, "about": self.show_about,
            "open": self.on_open_requested, "history": self.show_history, **self.session_actions.handlers(),
            "flash": lambda: self.prefs.set_flash(not self.prefs.flash),
            "motion": lambda: self.prefs.set_motion(not self.prefs.motion), "undo_hurts": self.run.undo_stop,
            **{f"audio_{n}": (lambda n=n: self.set_audio_output(n)) for n in ("qt", "simpleaudio", "none")},
            **{f"reader_{m}": (lambda m=m: self.prefs.set_screen_reader(m)) for m in READER_CHOICES},
            **{f"language_{code}": (lambda code=code: self.change_language(code)) for code in LANGUAGES},
            "language_system": lambda: self.change_language("")}
        self.command_actions = build_menus(self, self.commands.run)  # by command name (hidden in full screen)
        follow_preferences(self.command_actions, self.prefs, self.sound.choice)  # the check marks
        self._show_language()

    # -- the language ------------------------------------------------------------------------------
    restart_requested = False  # the window closed to be started again in another language (ui/language.py)

    def _show_language(self) -> None:
        """View → Language's check mark: the saved choice ("" is the system's language)."""
        chosen = self.settings.language if self.settings.language in LANGUAGES else ""
        action = self.command_actions.get(f"language_{chosen}" if chosen else "language_system")
        if action is not None:
            action.setChecked(True)

    def change_language(self, code: str) -> bool:
        """Speak ``code`` ("" the system's language) from now on: saved, and the window starts again in it
        (every screen is built in its language).  Only on Home and History (the command table's rule),
        where nothing is under way; the editor asks about unsaved edits first, as when the window closes."""
        wanted = code or i18n.system_language()
        if code == self.settings.language and wanted == i18n.language():  # (--lang may show another one)
            self._show_language()
            return False
        previous = self.settings.language
        self.settings.language = code
        self.restart_requested = True
        if not self.close():  # something asked to stay (the editor's unsaved edits): nothing changes
            self.settings.language, self.restart_requested = previous, False
            self._show_language()
            return False
        return True

    # -- sessions, the history and a run ---------------------------------------------------------------
    def show_history(self) -> None:
        if self.run.running or self.history_service.anonymous:
            return  # not in the middle of a session; a kiosk shows no one's history
        self.listing.ensure()
        self.history_view.show()

    def resume_interrupted(self) -> SessionDriver | None:
        if (offer := self.history_view.take_offer()) is None:
            return None  # nothing to resume
        return self.start_session(offer.entry, offer.run.dose, resume=offer.run)  # type: ignore[arg-type]

    def on_open_requested(self) -> None:
        """File → Open imports: the file is copied into the user's sessions folder once it validates, then
        selected on Home (``run FILE`` on the command line still runs a file where it is)."""
        path = dialogs.choose_session_file(self, self.listing.open_folder())  # the folder made if need be
        if path:
            self.session_actions.import_file(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.kiosk is None and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """A file dropped on the window: one local .toml file is imported (others refused, said on Home)."""
        if self.kiosk is not None or not event.mimeData().hasUrls():
            event.ignore()
            return
        event.acceptProposedAction()
        self.session_actions.dropped(list(event.mimeData().urls()))

    def on_dose_changed(self, dose: str) -> None:
        self.settings.dose = dose
        self.prerender_selected()

    def prerender_selected(self) -> None:
        """Have the selected session's own lines rendered in the background (app/sound.py); never waits."""
        entry = self.home.current
        if entry is not None and entry.session is not None:
            self.sound.prerender(entry.session, self.home.dose)

    def on_start_requested(self, entry: SessionEntry, dose: str) -> None:
        if entry.session is None:
            self.listing.explain(entry, self)  # its problems, a line each, with Reload
            return
        self.settings.last_session = entry.key
        self.start_session(entry, dose)

    def start_session(self, entry: SessionEntry, dose: str, resume: RunRow | None = None) -> SessionDriver:
        self.end_driver()
        if resume is None and self.history_service.offer is not None:
            self.history_view.discard_offer()  # a new run instead: the interrupted one stays as it is
        self.history_view.ensure_open()  # and what it offers on Home shown (a run started before the listing)
        return self.run.start(entry, dose, resume)

    @Slot(object)
    def on_run_started(self, driver: SessionDriver) -> None:
        """A session is about to start: the screen takes it, before the sound (a cue is drawn before it is heard)."""
        screen = self.session_screen
        screen.bind(driver)
        driver.cues_fired.connect(self.on_cues_fired)
        self.sound.ensure()
        self.sound.post_notice()
        self.stack.setCurrentWidget(screen)

    @Slot(object)
    def on_cues_fired(self, _events: object = None) -> None:
        draw_now(self)  # what the cues changed is drawn before their sound starts (ui/shown.py)

    def end_driver(self) -> None:
        if self._session_screen is not None and self.run.driver is not None:
            self._session_screen.unbind()
        self.run.end()

    @Slot()
    def on_end_requested(self) -> None:
        """End (Esc, its button): asked over the session screen, the clock stopped meanwhile."""
        if not self.session_screen.end_question.isVisible():
            self.run.ask_then_end(self.session_screen.ask_end)

    @Slot(object)
    def on_run_finished(self, result: RunResult) -> None:
        """The run is over (app/run.py): its result on the done screen (the history's saved line follows);
        a try-out from the editor goes straight back to the editor, where it was."""
        if self.session_actions.on_run_finished():
            return
        self.done.show_result(result)
        self.stack.setCurrentWidget(self.done)

    def go_home(self) -> None:
        if self._help is not None:
            self._help.hide()
        self.end_driver()
        if not self.history_view.retry_locked():  # a lock another program held at the start may be gone
            self.home.refresh_details()  # the dose suggestion may have changed with the run just done
        self.history_view.refresh_today()
        self.stack.setCurrentWidget(self.home_page)

    # -- the window's own commands (app/commands.py), its keys, and closing ----------------------------
    def set_audio_output(self, choice: str) -> None:
        """Play through another backend from now on (a running session switches at once); remembered."""
        self.command_actions[f"audio_{choice}"].setChecked(True)
        self.sound.set_output(choice)

    def change_volume(self, step: float) -> None:
        volume = self.prefs.change_volume(step)  # the sound follows prefs.volume_changed
        # Translators: on the session screen's status line; {percent} is a whole number, 0 to 100.
        self._say_on_session(_("Volume {percent} %").format(percent=round(volume * 100)))

    def set_mute(self, muted: bool) -> None:
        self.prefs.set_mute(muted)  # the menu, the sound and the session screen follow prefs.mute_changed
        self._say_on_session(_("Sound muted (captions stay on)") if muted else _("Sound on"))

    def _say_on_session(self, text: str) -> None:
        if self._session_screen is not None:  # (the session screen's status line; none before a session)
            self.messages.info("session", text, part="status")

    def show_about(self) -> None:
        """Help → About, over any screen; a running session's clock stops while it is open."""
        # Translators: why the session is paused (shown on the paused screen, under the About box).
        carry_on = self.run.hold(_("About is open"))
        try:
            dialogs.show_about(self)
        finally:
            carry_on()

    def toggle_help(self) -> None:
        """The help covers the screen, so a running session's clock stops while it is open (and goes on
        when it is closed, however: its key, Esc, a tap, going home)."""
        if not self.help.isVisible():
            # Translators: why the session is paused (shown on the paused screen, under the help).
            self.help.hidden.connect(self.run.hold(_("Help is open")), Qt.ConnectionType.SingleShotConnection)
        self.help.setVisible(not self.help.isVisible())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.kiosk is None and not self.session_actions.close_requested():  # the editor asks first
            event.ignore()
            return
        if self.kiosk is not None:
            if not self.kiosk.close_requested():  # refused until the exit chord (and PIN) let it go
                event.ignore()
                return
            self.kiosk = None
        driver = self.run.driver
        if driver is not None and self.run.running and driver.state is not State.IDLE:
            # Translators: why the session is paused (shown on the paused screen, under the question).
            if not self.run.ask_paused(_("Asking whether to quit"), lambda: dialogs.confirm(
                    self, _("Quit Hinge Timer?"), _("A session is running. Quit anyway?"), _("Quit"))):
                event.ignore()
                return
            self.run.stop("window closed")
            # A try-out from the editor ends back in the editor: its unsaved edits are asked about too.
            if not self.session_actions.close_requested():
                event.ignore()
                return
        self.listing.stop()  # the worker stops after the file it is on; nothing more reaches Home
        self.session_actions.close()  # the kept drafts written (at most 2 s: tiny files), the worker let go
        self._let_go(tell=True)
        self.history_service.close()
        self.run.close()  # lets go of the screen-sleep inhibitor
        super().closeEvent(event)

    def interrupt(self) -> None:
        """Ctrl-C from the terminal: end a running session as interrupted and keep the settings."""
        self.run.stop("interrupted")
        self._let_go(tell=False)  # no dialog: nobody may be at the screen to close it

    def _let_go(self, tell: bool) -> None:
        """The settings kept, the run let go, the history's writer threads given at most EXIT_WAIT_S (a lock
        still held: the run goes to a side file), the sound engine stopped (never waited on)."""
        self.save_settings(tell)
        self.end_driver()
        self.history_service.settle()
        self.sound.close()

    def save_settings(self, tell: bool = True) -> None:
        window_settings.save_settings(self, self.settings, self.store, self.home.dose, tell)
