"""The history service (app/history.py) shown: Home's offers, the kiosk's count of today's runs, the
History screen, its CSV export, and deleting a run there (asked first; Undo until the screen is left).
The service keeps the rules; this only puts what it says on screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from ..app.history import WHEN_LONG, WHEN_SHORT, NotNow, when
from ..i18n import _, ngettext
from ..store.errors import HistoryFault
from . import dialogs
from .home import HomeScreen, SessionEntry, load_entry

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QStackedWidget, QWidget

    from ..app.history import HistoryService, ResumeOffer
    from ..store.history import RunRow
    from .history_screen import HistoryScreen
    from .kiosk import KioskHome


LOCK_RETRY_MS = 2000  # how often Home tries a history another program holds locked


class HistoryView(QObject):
    """Puts what ``service`` says on Home (``home``), the kiosk's tiles and the History screen (on ``stack``);
    ``window`` is its dialogs' parent, ``go_home`` what the History screen's Home button does."""

    def __init__(self, service: HistoryService, home: HomeScreen, stack: QStackedWidget, window: QWidget,
                 go_home: Callable[[], None]) -> None:
        super().__init__(window)
        self.service = service
        self.home = home
        self.stack = stack
        self.window = window  # the parent of its dialogs
        self.go_home = go_home
        self.kiosk_home: KioskHome | None = None  # set when the window is a kiosk
        self._screen: HistoryScreen | None = None
        home.history_aside_requested.connect(self.move_aside)
        # While another program holds the history locked, Home tries again now and then (never waiting),
        # so its notice goes once the lock does, without the user having to leave and come back.
        self._lock_watch = QTimer(self, interval=LOCK_RETRY_MS)
        self._lock_watch.timeout.connect(self._on_lock_watch)

    @property
    def screen(self) -> HistoryScreen:
        """The History screen, built the first time it is shown (Qt Charts loads then, not before Home)."""
        if self._screen is None:
            from .history_screen import HistoryScreen

            screen = HistoryScreen(self.stack)
            screen.home_requested.connect(self.go_home)
            screen.export_requested.connect(self.export)
            screen.delete_requested.connect(self.delete_run)
            screen.undo_requested.connect(self.undo_delete)
            self.stack.addWidget(screen)
            # Leaving History (for Home, a session, anything) makes its deletes final.
            self.stack.currentChanged.connect(self._on_screen_changed)
            self._screen = screen
        return self._screen

    def ensure_open(self) -> None:
        """Open the history once (a damaged file moved aside, a newer one left alone: Home says what went
        wrong, if anything) and show what it offers; nothing when no data folder was given."""
        if self.service.history is None and self.service.ensure_open() is not None:  # waits at most ~0.1 s
            self._offer_on_home()
            self._watch_lock()

    def _watch_lock(self) -> None:
        if self.service.waiting_for_lock:
            self._lock_watch.start()
        else:
            self._lock_watch.stop()

    def _on_lock_watch(self) -> None:
        """Try the locked history again, on Home only (during a run its recorder keeps the run and
        writes it once the lock goes; Home's offers are shown when the user is back there)."""
        if self.stack.currentWidget() in (self.home, self.kiosk_home):
            self.retry_locked()
        self._watch_lock()

    def _offer_on_home(self) -> None:
        """Moving a file holding what we did not make aside, and the dose advice."""
        self.home.offer_history_aside(self.service.can_start_over)
        self.home.suggest = self.service.suggestion if self.service.advises else None

    def retry_locked(self) -> bool:
        """If another program held the history locked, try again at once (never waits; the recorder may
        already have reopened it) and, once it is open, show it on Home; True if it opened."""
        opened = self.service.retry()
        if opened:
            self._reshow()
        self._watch_lock()  # our own writer may have held it a moment: tried again shortly
        return opened

    def _reshow(self) -> None:
        self._offer_on_home()
        self.offer_resume()
        self.home.refresh_details()

    def move_aside(self) -> None:
        """Home's offer for a history holding what this version did not make: rename it (kept whole) and
        start a new one, once the user agrees."""
        h = self.service.history
        if h is None or not h.unexpected:
            return
        # Translators: a question's text: {path} is the history file's path, {items} the tables, triggers or views
        # in it that this version did not make, as SQLite names them.
        text = _("{path} holds what this version of Hinge Timer did not make: {items}.\n\n"
                 "It will be renamed and kept whole, with every run in it, and nothing in it is run. "
                 "A new, empty history starts.").format(path=h.path, items=", ".join(h.unexpected))
        # Translators: a question's title and its button.
        if not dialogs.confirm(self.window, _("Move the history aside?"), text, _("Move it aside")):
            return
        self.service.start_over()
        self._reshow()

    @Slot()
    def on_builtins_listed(self) -> None:
        """The built-ins are on Home (and the kiosk's tiles): the count of today's runs and the resume offer."""
        self.refresh_today()
        self.offer_resume()

    def offer_resume(self) -> None:
        """After a crash, a power cut or a kill: offer to resume the newest interrupted run on Home."""
        offer = self.service.find_interrupted(self._run_entry)
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

    def take_offer(self) -> ResumeOffer | None:
        """The resume offer, taken off Home (None: nothing to resume)."""
        offer = self.service.take_offer()
        if offer is None or offer.entry is None:
            return None
        self.home.show_resume(None)
        return offer

    def discard_offer(self) -> None:
        self.service.discard_offer()  # never waits: a lock held by another program -> a writer thread
        self.home.show_resume(None)

    def refresh_today(self) -> None:
        """The one thing a kiosk shows of its history: how many sessions were done here today."""
        if self.kiosk_home is not None:
            self.kiosk_home.set_today(self.service.runs_today())

    def show(self) -> bool:
        """The History screen, with the runs as they are now; False if they cannot be read (said on Home)."""
        self.retry_locked()
        page = self.service.page(self._run_entry)  # the runs' words in the current language
        if page is None:
            return False
        self.screen.load(page)
        self.screen.set_undo(self.service.can_undo)  # shown again without leaving it (Ctrl+H): Undo stays
        self.stack.setCurrentWidget(self.screen)
        return True

    def _on_screen_changed(self, _index: int) -> None:
        if self._screen is not None and self.stack.currentWidget() is not self._screen:
            self.service.forget_deleted()
            self._screen.set_undo(False)

    def delete_run(self, run: RunRow) -> None:
        """The History screen's Delete: ask, then take the run out at once (Undo puts it back while the
        screen is open).  What stops it (another program's lock, a read-only file) is said on the screen."""
        screen = self.screen
        from .history_screen import dose_word

        started = when(run.started, _(WHEN_LONG))
        minutes = f"{run.seconds / 60:.0f}"
        if run.speed_word:
            # Translators: the run to delete: {title} its session's, {dose} its dose ("high"), {started} when
            # ("Monday 05 January 2026, 07:30"), {minutes} how long, {outcome} how it went, {speed} "at 10× speed".
            what = _("{title} ({dose} dose), {started}: {minutes} min, {outcome}, {speed}.").format(
                title=run.title, dose=dose_word(run.dose), started=started, minutes=minutes, outcome=run.outcome,
                speed=run.speed_word)
        else:
            # Translators: the run to delete: {title} its session's, {dose} its dose ("high"), {started} when
            # ("Monday 05 January 2026, 07:30"), {minutes} how long, {outcome} how it went.
            what = _("{title} ({dose} dose), {started}: {minutes} min, {outcome}.").format(
                title=run.title, dose=dose_word(run.dose), started=started, minutes=minutes, outcome=run.outcome)
        # Translators: after the run to delete; {n} is how many sets it has.
        gone = ngettext("It goes out of your history with its {n} set. Undo (Ctrl+Z) brings it back while History "
                        "is open; once you leave History it is gone for good.",
                        "It goes out of your history with its {n} sets. Undo (Ctrl+Z) brings it back while History "
                        "is open; once you leave History it is gone for good.", run.sets_planned).format(
            n=run.sets_planned)
        # Translators: a question's title, and its button.
        if not dialogs.confirm(self.window, _("Delete this run?"), f"{what}\n\n{gone}", _("Delete")):
            return
        try:
            self.service.delete_run(run.id)
        except NotNow as exc:
            screen.notice.setText(str(exc))
            return
        screen.remove_run(run.id)
        # Translators: {title} is the run's session's title, {started} when it started.
        screen.set_undo(True, _("Deleted: {title}, {started}. Undo (Ctrl+Z) brings it back until you leave "
                                "History.").format(title=run.title, started=started))

    def undo_delete(self) -> None:
        """Put the run deleted last back, as it was; said on the screen when it cannot be done now."""
        screen = self.screen
        try:
            run = self.service.undo_delete()
        except NotNow as exc:
            screen.notice.setText(str(exc))
            return
        if run is None:
            return
        screen.put_back(run)
        left = self.service.last_deleted
        # Translators: {title} is the run's session's title, {started} when it started.
        back = _("Back in your history: {title}, {started}.").format(title=run.title,
                                                                    started=when(run.started, _(WHEN_LONG)))
        if left is not None:
            # Translators: after "Back in your history: ..."; {title} and {started} are the next run Undo brings back.
            back = _("{back} Undo again brings back {title}, {started}.").format(
                back=back, title=left.title, started=when(left.started, _(WHEN_SHORT)))
        screen.set_undo(left is not None, back)

    def export(self) -> None:
        if not self.service.readable:
            return
        path = dialogs.choose_save_file(self.window, str(Path.home() / "hinge-timer-history.csv"))
        if not path:
            return
        try:
            n = self.service.export_csv(path, self._run_entry)
        except OSError as exc:
            # Translators: an error's text: {path} is the CSV file's path, {error} the system's words.
            dialogs.show_error(self.window, _("History not exported"), _("{path}: {error}").format(
                path=path, error=exc.strerror or exc))
            return
        except HistoryFault as exc:  # one sentence naming the history's file
            dialogs.show_error(self.window, _("History not exported"), str(exc))
            return
        # Translators: {n} rows of the CSV file {path} (the English says "rows" even for one).
        self.screen.notice.setText(ngettext("{n} rows written to {path}", "{n} rows written to {path}", n).format(
            n=n, path=path))
