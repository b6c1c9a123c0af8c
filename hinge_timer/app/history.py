"""The history service: everything the window needs from the history, in the history's own words.

It owns the open :class:`~hinge_timer.store.db.History` and

- opens it (a damaged file moved aside, a newer one left alone, a locked one left as it is and opened
  again with :meth:`HistoryService.retry`, an unexpected one read-only until :meth:`start_over`), and adds
  the runs a lock kept out at an earlier exit (side files);
- keeps the resume rules: which interrupted run is offered (the newest; older ones are given up, and a
  kiosk's anonymous runs are never offered), what makes it not resumable, and discarding it (at once, or
  by a writer thread when another program holds the lock: the GUI thread never waits on one);
- answers the dose suggestion, the kiosk's count of today's runs, the History screen's data and the CSV
  export;
- deletes a run the user chose on the History screen (at once, or not at all: a lock is said in words,
  never waited for) and keeps what it held so that Undo puts it back exactly, until the user leaves
  History (:meth:`delete_run`, :meth:`undo_delete`, :meth:`forget_deleted`);
- hooks the recorder onto a run (:meth:`start_recording`), lets go of it (:meth:`end_recording`) and, at
  exit, gives the writer threads their last moment (:meth:`settle`).

It posts what the user should know to the window's :class:`~hinge_timer.app.messages.MessageBridge`
(Home's history notice, the session screen's history notice and status, the done screen's saved line)
and raises only the domain errors of ``store/errors.py`` (``HistoryFault`` and its kinds): nothing above
it sees ``sqlite3``.  Qt is used only for the Post that brings writer threads' news to this thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from ..i18n import N_, _
from ..store.errors import HistoryFault, fault, faults
from .messages import MessageBridge

if TYPE_CHECKING:
    from datetime import datetime
    from importlib.resources.abc import Traversable

    from ..engine.runner import Outcome, Runner
    from ..qt.post import Post
    from ..session.model import Session
    from ..session.timeline import Timeline
    from ..store.db import History
    from ..store.history import DeletedRun, RunRow, SetRow
    from ..store.recorder import Recorder
    from ..store.writer import HistoryWriter

log = logging.getLogger(__name__)

NO_FOLDER = N_("History is not kept in this run (no data folder).")

# How a run's start is shown, as QLocale date patterns (the day and month names in the user's language):
# translated where used, ``when(moment, _(PATTERN))``.
# Translators: a run's start, a pattern for Qt's QLocale: ddd the day's short name, dddd its full name, dd the
# day, MMM the month's short name, MMMM its full name, yyyy the year, HH:mm the time (24 h); text in 'quotes'.
# Put them in your language's order; keep the letters.
WHEN_SHORT = N_("ddd dd MMM HH:mm")  # the resume offer, Undo again
WHEN_ROW = N_("ddd dd MMM yyyy HH:mm")  # the History's table
WHEN_LONG = N_("dddd dd MMMM yyyy, HH:mm")  # a run's details, the delete question, Undo
# Translators: a day, a pattern for Qt's QLocale: dd the day, MMM the month's short name, yyyy the year.
DAY = N_("dd MMM yyyy")  # the weeks of the chart
# Translators: a day, a pattern for Qt's QLocale: dd the day, MMM the month's short name.
DAY_MONTH = N_("dd MMM")  # the chart's title


def when(moment: datetime, pattern: str) -> str:
    """``moment`` (local time) in ``pattern`` (a QLocale date-time pattern, already translated), with the
    day and month names of ``QLocale()`` (the user's language: ui/language.py)."""
    from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

    qt = QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second))
    return QLocale().toString(qt, pattern)


class RunEntry(Protocol):
    """What the service needs of a session entry (ui/home's SessionEntry): its key, file and session."""

    @property
    def key(self) -> str: ...

    @property
    def source(self) -> Traversable | Path: ...

    @property
    def session(self) -> Session | None: ...


@dataclass(frozen=True)
class ResumeOffer:
    """The interrupted run offered on Home, and the session to resume it with (None: it cannot be)."""

    run: RunRow
    entry: RunEntry | None
    problem: str | None = None  # why it cannot be resumed
    # Where it resumes and its title, in the current language (from its session's timeline); None: as stored.
    step_words: str | None = None
    title: str | None = None

    @property
    def resumable(self) -> bool:
        return self.entry is not None and self.problem is None

    @property
    def where(self) -> str:
        run = replace(self.run, title=self.title) if self.title else self.run
        started = when(run.started, _(WHEN_SHORT))
        if run.dose == "high":
            # Translators: a run on Home: {title} its session's, {started} when it started ("Mon 05 Jan 07:30").
            return _("{title} (high dose, started {started})").format(title=run.title, started=started)
        if run.dose == "low":
            # Translators: a run on Home: {title} its session's, {started} when it started ("Mon 05 Jan 07:30").
            return _("{title} (low dose, started {started})").format(title=run.title, started=started)
        # Translators: a run on Home: {title} its session's, {dose} its dose (as stored), {started} when it started.
        return _("{title} ({dose} dose, started {started})").format(title=run.title, dose=run.dose, started=started)

    @property
    def text(self) -> str:
        """Home's line for it."""
        if self.resumable:
            # Translators: on Home; {step} is where the run resumes ("Jefferson curl, set 2 of 3"), {run} the run
            # ("Morning (low dose, started Mon 05 Jan 07:30)").
            return _("Resume: {step}. {run} was interrupted.").format(step=self.step_words or self.run.resume_label,
                                                                      run=self.where)
        # Translators: on Home; {run} is the run ("Morning (low dose, started Mon 05 Jan 07:30)"), {problem} why
        # it cannot be resumed ("its session file has changed since").
        return _("A run was interrupted: {run}. It cannot be resumed: {problem}. "
                 "Discard it; the part you did stays in your history.").format(
            run=self.where, problem=self.problem or "")


@dataclass(frozen=True)
class HistoryPage:
    """What the History screen shows: every run, newest first (plain data), read once, and how to read
    one run's sets when it is chosen (``sets`` raises a HistoryFault when that read fails)."""

    runs: list[RunRow]
    notice: str  # why the history may be incomplete or missing ("" when all is well)
    readable: bool  # a history is open (so its runs can be exported)
    sets: Callable[[int], list[SetRow]]
    writable: bool = False  # runs can be deleted from it (it may still be locked at that moment: it is said)


class NotNow(Exception):
    """A run cannot be deleted or put back now; ``str()`` is one sentence for the user, saying why."""


def _no_sets(_run_id: int) -> list[SetRow]:
    return []


# Whether a run is in the history (HistoryService.saved_state: the one definition).
SAVED = "saved"  # its last record is in the file
SAVING = "saving"  # the writer thread is putting it in (a moment)
KEPT = "kept"  # another program holds the file locked: the run is kept and written when it can be
NOT_SAVED = "not saved"  # the disk said no (full, read-only, damaged): the run is not in the history
NOT_KEPT = "not kept"  # no history is kept in this run (no data folder)


class HistoryService(QObject):
    """The history for one window (see the module's docstring).  ``folder`` None: no history is kept."""

    def __init__(self, folder: Path | None, messages: MessageBridge, *, anonymous: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done_said = False  # the done screen's line was said for the current run (then kept up to date)
        self.folder = folder
        self.messages = messages
        self.anonymous = anonymous  # a kiosk's strangers: no resume offer, no advice, no history screen
        self.history: History | None = None  # opened with the session list, after Home's first paint
        self.recorder: Recorder | None = None  # the current run's
        self.offer: ResumeOffer | None = None  # the interrupted run offered on Home
        self._was_locked = False  # another program held it at the open: retried until it opens
        self._post: Post | None = None
        self._saving: list[Recorder] = []  # runs let go of whose writer has not finished (a lock): settled at exit
        self._chores: list[HistoryWriter] = []  # writes the GUI thread could not make at once (a lock)
        self._deleted: list[DeletedRun] = []  # runs deleted while History is open, newest last: Undo's
        self._run_kiosk = False  # the current run is a kiosk's (its done screen speaks to a stranger)
        self._run_speed = 1.0  # the current run's clock speed (--speed)

    # -- opening ------------------------------------------------------------------------------------
    def ensure_open(self) -> History | None:
        """Open the history once (waits at most ~0.1 s on another program's lock) and say on Home what
        went wrong, if anything; None when no data folder was given."""
        if self.history is None and self.folder is not None:
            from ..store.db import open_history

            self._use(open_history(self.folder))
        return self.history

    def _use(self, h: History) -> None:
        self.history = h
        self._was_locked = h.locked
        kept = self._import_kept_runs(h)
        said = " ".join(t for t in (h.problem, kept) if t)
        self.messages.post("home", "history", "warning" if said else "info", said)

    def _import_kept_runs(self, h: History) -> str | None:
        """Runs that a lock kept out of the history at an earlier exit (side files next to it) go in
        now; one try, never a wait (a lock still there keeps them for the next time)."""
        if not h.writable or h.conn is None:
            return None
        from ..store.writer import import_pending

        return import_pending(h.path, h.conn).message

    def retry(self) -> bool:
        """If another program held the history locked at the open, try again at once (never waits; the
        recorder may already have reopened it); True if it opened now (Home's notice says so)."""
        h = self.history
        if h is None or not self._was_locked:
            return False
        if h.locked and not h.retry(timeout=0):
            return False
        self._use(h)
        return True

    @property
    def waiting_for_lock(self) -> bool:
        """Another program held the history locked at the open and it has not opened since."""
        return self._was_locked and self.history is not None and self.history.locked

    @property
    def unexpected(self) -> list[str]:
        """What the file holds that this version did not make (it is open read-only until start_over)."""
        return list(self.history.unexpected) if self.history is not None else []

    @property
    def can_start_over(self) -> bool:
        """Home offers to move the file aside (never on a kiosk)."""
        return bool(self.unexpected) and not self.anonymous

    def start_over(self) -> None:
        """Move a history holding what this version did not make aside (renamed, kept whole) and start
        a new one; the caller has asked the user.  Home's notice says where the old one went."""
        h = self.history
        if h is None or not h.unexpected:
            return
        from ..store.db import start_over

        self._use(start_over(h))

    @property
    def problem(self) -> str | None:
        """Why runs are not being saved (one sentence naming the file), or None."""
        return self.history.problem if self.history is not None else None

    @property
    def readable(self) -> bool:
        return self.history is not None and self.history.conn is not None

    def close(self) -> None:
        if self.history is not None:
            self.history.close()

    def _failed(self, what: str, exc: BaseException) -> None:
        """A read failed while the app runs (a locked or damaged file): said on Home; the app goes on."""
        path = self.history.path if self.history is not None else "history"
        # Translators: on Home; {what} is what was being done ("reading the runs"), {problem} one sentence on
        # what went wrong with the history's file.
        self.messages.warning("home", _("History: {what} failed. {problem}").format(what=_(what), problem=fault(exc, path)),
                              part="history")

    def _faults(self) -> AbstractContextManager[None]:
        """sqlite3 errors inside become the domain errors naming the history's file."""
        return faults(self.history.path if self.history is not None else "history")

    # -- what Home and the kiosk show ----------------------------------------------------------------
    @property
    def advises(self) -> bool:
        """Whether there is dose advice to give (a history to read, and not a kiosk's strangers)."""
        return self.readable and not self.anonymous

    def suggestion(self, key: str) -> tuple[str, str] | None:
        """("high" or "low", why) for the session ``key``; None when there is nothing to say, or when the
        last runs cannot be read (said on Home)."""
        h = self.history
        if h is None or h.conn is None or self.anonymous:
            return None
        from ..store import history as queries

        try:
            with self._faults():
                return queries.suggestion(h.conn, key)
        except HistoryFault as exc:
            # Translators: in "History: {what} failed."
            self._failed(N_("reading the last runs"), exc)
            return None

    def runs_today(self) -> int | None:
        """The kiosk's runs started today; None when there is no history to count them in (a nicety:
        a failed read is logged, not shown)."""
        h = self.history
        if h is None or h.conn is None:
            return None
        from ..store import history as queries

        try:
            with self._faults():
                return queries.kiosk_runs_today(h.conn)
        except HistoryFault as exc:
            self.messages.warning("log", str(exc), part="history")
            return None

    def page(self, find_entry: Callable[[str], RunEntry | None] | None = None) -> HistoryPage | None:
        """The History screen's data; None when the runs cannot be read (said on Home).  ``find_entry(key)``
        gives the session a run's key names, so that its words are shown in the current language."""
        h = self.history
        if h is None:
            return HistoryPage([], _(NO_FOLDER), False, _no_sets)
        conn = h.conn
        if conn is None:
            return HistoryPage([], h.problem or "", False, _no_sets)
        from ..store import history as queries

        try:
            with self._faults():
                rows = queries.runs(conn)
        except HistoryFault as exc:
            # Translators: in "History: {what} failed."
            self._failed(N_("reading the runs"), exc)
            return None

        names = queries.ShownNames(find_entry)
        rows = [names.run(r) for r in rows]
        keys = {r.id: r.key for r in rows}

        def sets(run_id: int) -> list[SetRow]:
            with faults(h.path):
                found = queries.run_sets(conn, run_id)
            key = keys.get(run_id)
            if key is None:
                return found
            return [replace(s, drill_name=names.drill(key, s.drill_name)) for s in found]

        return HistoryPage(rows, h.problem or "", True, sets, writable=h.writable or h.locked)

    # -- deleting a run (the History screen) ------------------------------------------------------------
    def _lock_words(self, path: Path) -> str:
        # Translators: after "This run cannot be deleted now:"; {path} is the history file's path.
        return _("the history {path} is in use by another program (a backup or sync tool, or sqlite3 left "
                 "open). Nothing was changed; try again once it lets go.").format(path=path)

    def delete_run(self, run_id: int) -> RunRow:
        """Take the run ``run_id`` and its sets out of the history now, in one transaction; Undo
        (:meth:`undo_delete`) puts it back until :meth:`forget_deleted`.  One try on this connection
        (busy timeout 0: the GUI thread never waits).  Raises :class:`NotNow` saying why it cannot be
        done (another program's lock, a read-only file, a run still going); nothing is lost then."""
        h = self.history
        if h is None or h.conn is None:
            raise NotNow(_("This run cannot be deleted: no history is open."))
        if h.locked:
            self.retry()  # (never waits) the lock met at the open may have gone
        if h.locked:
            # Translators: {why} says that another program holds the history ("the history ... is in use ...").
            raise NotNow(_("This run cannot be deleted now: {why}").format(why=self._lock_words(h.path)))
        if not h.writable or h.conn is None:
            # Translators: {why} is one sentence on why the history cannot be written.
            raise NotNow(_("This run cannot be deleted: {why}").format(why=h.problem or _("the history cannot be written.")))
        from ..store import history as queries
        from ..store.errors import HistoryLocked

        try:
            with self._faults():
                deleted = queries.delete_run(h.conn, run_id)
        except queries.NotDeletable as exc:
            raise NotNow(str(exc)) from None
        except HistoryLocked:
            # Translators: {why} says that another program holds the history ("the history ... is in use ...").
            raise NotNow(_("This run cannot be deleted now: {why}").format(why=self._lock_words(h.path))) from None
        except HistoryFault as exc:
            # Translators: {why} is one sentence on what went wrong with the history's file.
            raise NotNow(_("This run cannot be deleted: {why}").format(why=exc)) from None
        self._deleted.append(deleted)
        log.info("history: run %d deleted (%d sets); undo brings it back while History is open",
                 run_id, len(deleted.sets))
        return deleted.row

    @property
    def can_undo(self) -> bool:
        """A run deleted while History has been open can still be put back."""
        return bool(self._deleted)

    @property
    def last_deleted(self) -> RunRow | None:
        return self._deleted[-1].row if self._deleted else None

    def undo_delete(self) -> RunRow | None:
        """Put the run deleted last back, exactly as it was (the same id and sets); the row as listed, or
        None when there is nothing to undo.  Raises :class:`NotNow` (the run stays ready to undo) when the
        history cannot be written at this moment."""
        h = self.history
        if not self._deleted:
            return None
        if h is None or h.conn is None:
            raise NotNow(_("The run cannot be brought back: the history is not open."))
        from ..store import history as queries
        from ..store.errors import HistoryLocked

        deleted = self._deleted[-1]
        try:
            with self._faults():
                row = queries.restore_run(h.conn, deleted)
        except HistoryLocked:
            # Translators: {path} is the history file's path.
            raise NotNow(_("The run cannot be brought back right now: the history {path} is in use by another "
                           "program. Press Undo again once it lets go (leaving History makes the delete final)."
                           ).format(path=h.path)) from None
        except HistoryFault as exc:
            # Translators: {why} is one sentence on what went wrong with the history's file.
            raise NotNow(_("The run cannot be brought back: {why}").format(why=exc)) from None
        self._deleted.pop()
        log.info("history: run %d put back", row.id)
        return row

    def forget_deleted(self) -> None:
        """The user left History (or the app closes): the runs deleted there are gone for good."""
        if self._deleted:
            log.info("history: %d deleted run(s) final", len(self._deleted))
        self._deleted.clear()

    def export_csv(self, path: str | Path, find_entry: Callable[[str], RunEntry | None] | None = None) -> int:
        """Every run's sets as CSV in the file ``path``; the number of rows.  Titles and drill names are in
        the current language where ``find_entry`` finds the run's session (as the History screen shows
        them).  Raises ``OSError`` for the file written, a HistoryFault for the history read."""
        h = self.history
        if h is None or h.conn is None:
            raise HistoryFault(h.path if h is not None else "history",
                               # Translators: after "The history FILE cannot be used:".
                               _("it is not open, so there is nothing to export"))
        from ..store import history as queries

        names = queries.ShownNames(find_entry)
        with open(path, "w", encoding="utf-8", newline="") as fh, self._faults():
            return queries.export_csv(h.conn, fh, title=names.title, drill=names.drill)

    # -- resuming an interrupted run -------------------------------------------------------------------
    def find_interrupted(self, find_entry: Callable[[str], RunEntry | None]) -> ResumeOffer | None:
        """After a crash, a power cut or a kill: the newest interrupted run, to offer on Home (``offer``).

        Only the newest can be picked up: the older ones are given up (they stay in the history, as
        interrupted); on a kiosk none is offered and all are given up.  ``find_entry(key)`` gives the
        session a run's key names (a listed one, or one loaded from its file), or None.  A run whose
        session cannot be found, read, or has changed since is offered only to be discarded.  Never
        raises: a failed read is said on Home and nothing is offered."""
        self.offer = None
        h = self.history
        if h is None or not h.writable or h.conn is None:
            return None
        from ..store import history as queries

        try:
            with self._faults():
                found = queries.interrupted(h.conn)
                for older in found if self.anonymous else found[1:]:
                    self.discard(older.id)
                if not found or self.anonymous:
                    return None
                run = found[0]
                stored = queries.run_content_hash(h.conn, run.id)
        except HistoryFault as exc:
            # Translators: in "History: {what} failed."
            self._failed(N_("looking for an interrupted run"), exc)
            return None
        from ..session.load import session_bytes
        from ..store.recorder import content_hash

        entry = find_entry(run.key)
        problem = None
        if entry is None or entry.session is None:
            # Translators: after "It cannot be resumed:" (a run on Home).
            problem = _("its session file cannot be found or opened")
        else:
            try:
                if content_hash(session_bytes(entry.source)) != stored:
                    # Translators: after "It cannot be resumed:" (a run on Home).
                    problem = _("its session file has changed since")
            except OSError as exc:
                # Translators: after "It cannot be resumed:" (a run on Home); {error} is the system's words.
                problem = _("its session file cannot be read ({error})").format(error=exc.strerror)
        step_words = title = None
        if entry is not None and entry.session is not None:
            title = queries.ShownNames(lambda _key: entry).title(run.key, run.title)
            if problem is None and run.resume_step is not None and run.dose in ("low", "high") \
                    and hasattr(entry.session, "drills"):
                from ..session.timeline import compile_timeline
                from ..store.recorder import resume_label

                steps = compile_timeline(entry.session, run.dose).steps  # type: ignore[arg-type]
                if 0 <= run.resume_step < len(steps):
                    step_words = resume_label(steps[run.resume_step])
        self.offer = ResumeOffer(run, entry if problem is None else None, problem, step_words, title)
        return self.offer

    def take_offer(self) -> ResumeOffer | None:
        """The resumable offer, taken (no longer offered); None if there is none to resume."""
        offer = self.offer
        if offer is None or not offer.resumable:
            return None
        self.offer = None
        return offer

    def discard_offer(self) -> None:
        """Do not resume the offered run: it stays in the history, as interrupted."""
        if self.offer is not None:
            self.discard(self.offer.run.id)
        self.offer = None

    def discard(self, run_id: int) -> None:
        """Give up resuming ``run_id`` (it stays in the history, as interrupted).  One try at once on
        this connection (busy timeout 0: the GUI thread never waits); if another program holds the
        lock, a writer thread does it as soon as the lock goes (at exit: a side file)."""
        h = self.history
        if h is None or h.conn is None:
            return
        from ..store import history as queries
        from ..store.errors import HistoryLocked

        try:
            with self._faults():
                queries.discard(h.conn, run_id)
            return
        except HistoryLocked:
            pass
        except HistoryFault as exc:  # a read-only or full disk: the run is offered again next time
            self.messages.warning("log", str(exc), part="history")
            return
        from ..store.writer import Discard, HistoryWriter

        log.info("history: in use by another program; run %d is given up for resuming once it is free", run_id)
        post = self.writer_post()
        chore = HistoryWriter(h.path, str(h.path), wake=lambda: post(self._on_chore_news))
        chore.submit(Discard(run_id))
        chore.stop()  # ends once written (or, at exit, kept in a side file: settle)
        self._chores = [c for c in self._chores if c.alive] + [chore]

    def _on_chore_news(self) -> None:
        """From a chore's writer thread: its news only goes to the log (the user sees no run change)."""
        for chore in list(self._chores):
            for kind, value in chore.take_notices():
                log.info("history (later write): %s %s", kind, value)

    # -- recording a run -----------------------------------------------------------------------------
    def writer_post(self) -> Post:
        """The Post through which the writer threads hand their news to this (the GUI) thread: the
        application's, not a window's (see qt/post.py); closed by :meth:`settle`."""
        if self._post is None:
            from ..qt.post import Post

            self._post = Post()
        return self._post

    def start_recording(self, entry: RunEntry, timeline: Timeline, runner: Runner, resume: RunRow | None,
                        kiosk: bool = False, speed: float = 1.0) -> tuple[int, dict[int, Outcome] | None]:
        """Hook the recorder onto ``runner`` (a new run, or the interrupted ``resume`` taken over); return
        where to start and what the run already holds.  ``kiosk``: a stranger's run (anonymous);
        ``speed``: how many times faster than real time the runner's clock goes (stored with the run,
        whose time is stored as lived)."""
        h = self.ensure_open()
        self._done_said = False
        self._run_kiosk, self._run_speed = kiosk, speed
        self.messages.info("session", "", part="history")  # a new run: nothing to say yet
        if h is None:
            return 0, None
        if (not h.writable or h.conn is None) and not h.locked:  # locked: the recorder keeps the run
            self.on_recorder_problem(h.problem or _("History cannot be saved."))
            return 0, None
        from ..session.load import session_bytes
        from ..store.recorder import Recorder, RunSource, content_hash

        try:
            data = session_bytes(entry.source)
        except OSError:
            data = b""  # it was read a moment ago; the run cannot resume if the file changed
        source = RunSource(entry.key, (timeline.original or timeline.session).title,  # as the file writes it
                           str(entry.source) if isinstance(entry.source, Path) else entry.source.name,
                           content_hash(data), kiosk=kiosk, speed=speed)
        # Its writes go through a thread of its own: a lock held by another program never delays a cue.
        rec = self.recorder = Recorder(h.conn, source, timeline, db_path=str(h.path), path=h.path,
                                       post=self.writer_post())
        # Bound to this recorder: a run let go of earlier and still saving never speaks for this one.
        rec.on_problem = lambda m, r=rec: self.on_recorder_problem(m, r)
        rec.on_saved = lambda r=rec: self.on_run_saved(r)
        if resume is not None and resume.resume_step is not None:
            try:
                with faults(h.path):
                    outcomes = rec.take_over(runner, resume.id)
            except HistoryFault as exc:  # the run cannot be read back: start it over, said in the status line
                # Translators: {problem} is one sentence on what went wrong with the history's file.
                self.on_recorder_problem(_("{problem} The interrupted run could not be read back, so it starts "
                                           "over.").format(problem=exc))
                rec.begin(runner)
                return 0, None
            return resume.resume_step, outcomes
        rec.begin(runner)
        return 0, None

    def end_recording(self) -> None:
        """Let go of the current run (ended, or left before its end: marked interrupted).  Never waits:
        its writer finishes in the background (settled at exit)."""
        rec = self.recorder
        if rec is not None:
            rec.close()
            self._saving = [r for r in (*self._saving, rec) if not r.settled]
            self.recorder = None

    def on_recorder_problem(self, problem: str, rec: Recorder | None = None) -> None:
        """A recorder's news (``rec``; None: the current run's): "" when it is saved again.  Only the
        current run's reaches the session and done screens: an earlier run still being saved (a lock)
        is logged, not shown there."""
        if rec is not None and rec is not self.recorder:
            if problem:
                self.messages.warning("log", problem, part="history")
            return
        rec = self.recorder
        locked = rec is not None and rec.locked
        if problem:
            brief = _("History in use by another program: this run is kept") if locked else _("History not saved")
            self.messages.warning("session", brief, part="history", detail=problem)
        else:
            self.messages.info("session", "", part="history")
            self.messages.info("session", _("History saved again"), part="status")
        if rec is not None and self._done_said:  # the run is over: its done screen's line follows
            self.say_saved()

    def on_run_saved(self, rec: Recorder) -> None:
        """The writer thread has put the whole run into the history (after a lock, maybe long after)."""
        if rec is self.recorder:
            self.say_saved()
        elif rec.told:  # the user was told it was kept: tell them it is saved now
            self.messages.info("home", _("The history is free again: your last run is saved in it."), part="history")

    def saved_state(self) -> str:
        """Whether the current (or just finished) run is in the history: SAVED, SAVING, KEPT, NOT_SAVED
        or NOT_KEPT.  The one definition: the run's result and the done screen's line both come from it."""
        rec = self.recorder
        if rec is None:
            return NOT_SAVED if self.problem else NOT_KEPT
        if rec.problem is None:
            return SAVED if rec.saved else SAVING
        return KEPT if rec.locked else NOT_SAVED

    def say_saved(self) -> None:
        """The done screen's line about the history, for the run just finished (said again as it changes)."""
        self._done_said = True
        state = self.saved_state()
        rec = self.recorder
        problem = rec.problem if rec is not None and rec.problem else self.problem
        if self.anonymous or self._run_kiosk:
            self._say_counted(state, problem)
            return
        speed = self._run_speed
        if state == SAVED and speed != 1:
            # Translators: on the done screen; {speed} is the clock's speed (--speed), a number ("10").
            self.messages.info("done", _("Saved in your history (Ctrl+H) as a run at {speed}× speed: it is left out "
                                         "of your streak, your minutes per week and the dose advice.").format(
                speed=f"{speed:g}"), part="saved")
        elif state == SAVED:
            self.messages.info("done", _("Saved in your history (Ctrl+H)."), part="saved")
        elif state == SAVING:
            self.messages.info("done", _("Saving in your history…"), part="saved")  # said again when it is in
        elif state == KEPT:
            # Translators: on the done screen; {problem} is one sentence on why the run is kept aside for now.
            self.messages.warning("done", _("Not saved yet: {problem}").format(problem=problem), part="saved")
        elif state == NOT_SAVED:
            # Translators: on the done screen; {problem} is one sentence on what went wrong with the history.
            self.messages.warning("done", _("Not saved in your history: {problem}").format(problem=problem),
                                  part="saved")
        else:  # NOT_KEPT: nothing to say
            self.messages.info("done", "", part="saved")

    def _say_counted(self, state: str, problem: str | None) -> None:
        """The done screen's line on a kiosk, for a stranger: there is no history of theirs to open (no
        Ctrl+H, no "your history"), only the count of today's sessions on its tiles.  What went wrong with
        the file is for the administrator: the log."""
        if self._run_speed != 1:
            # Translators: a kiosk's done screen; {speed} is the clock's speed (--speed), a number ("10").
            text = _("Run at {speed}× speed: not counted in today's sessions.").format(speed=f"{self._run_speed:g}")
        elif state == SAVED:
            text = _("Counted in the sessions done here today.")
        elif state == KEPT:
            text = _("It is kept, and will be counted in today's sessions as soon as it can be written.")
        elif state == NOT_SAVED:
            text = _("This session could not be counted in today's sessions.")
        else:  # SAVING (said again when it is in), NOT_KEPT
            text = ""
        if problem and state in (KEPT, NOT_SAVED):
            self.messages.warning("log", problem, part="history")
        self.messages.info("done", text, part="saved")

    # -- at exit ---------------------------------------------------------------------------------------
    def settle(self, wait_s: float | None = None) -> None:
        """At exit: give the writer threads at most ``wait_s`` (EXIT_WAIT_S) in all; what a lock still
        keeps out is kept in a side file next to the history and added the next time it opens.  Then
        the recorders are detached and the post closed: a writer thread still running never reaches
        this service again."""
        from ..store.db import EXIT_WAIT_S

        deadline = time.monotonic() + (EXIT_WAIT_S if wait_s is None else wait_s)
        recorders = [*self._saving, *([self.recorder] if self.recorder is not None else [])]
        for rec in recorders:
            if not rec.shutdown(deadline) and rec.spilled_to is not None:
                log.warning("history: %s", rec.problem)
        for chore in self._chores:
            chore.stop(deadline)
        for chore in self._chores:
            chore.join(deadline - time.monotonic() + chore.busy_ms / 1000 + 0.5)
        self._chores.clear()
        for rec in recorders:
            rec.detach()
        self._saving.clear()
        if self._post is not None:
            self._post.close()
            self._post = None
