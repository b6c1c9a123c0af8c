"""Listing the sessions on Home: the built-ins at once, the user's files as a worker thread checks them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from ..i18n import _
from . import dialogs
from .home import (
    HomeScreen,
    SessionEntry,
    SessionLister,
    builtin_entries,
    load_entry,
    problems_text,
    user_session_files,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..qt.post import Post
    from ..settings import Settings


class SessionListing(QObject):
    """Home's list of sessions, filled without the GUI thread ever checking a file of the user's.

    Checking one hostile file can take a quarter of a second and the folder may hold ``MAX_LISTED`` of
    them, so a worker thread checks the folder: Home (and a kiosk's tiles, which show only built-ins)
    paints and answers meanwhile, each file is added as its result comes, and ``sessions_listed`` is
    emitted (``ready`` set) once they are all in.  ``listing_started`` comes before the built-ins are put
    on Home, ``builtins_listed`` right after (the resume offer needs only the interrupted run's own file).

    The files opened with File → Open are remembered (``Settings.recent_files``) and listed after the
    folder's; one that has gone since is dropped from the list, without a word.  A file that cannot be
    opened can be checked again (Reload, on Home or in the dialog that says why), by a worker thread too.
    """

    listing_started = Signal()
    builtins_listed = Signal()
    sessions_listed = Signal()

    def __init__(self, home: HomeScreen, settings: Settings, sessions_dir: Path | None,
                 prestart: Callable[[], None] = lambda: None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.prestart = prestart  # started on the next turn when the listing is begun on demand (the sound)
        self.settings = settings
        self.sessions_dir = sessions_dir
        self.loaded = False  # the listing has begun (the built-ins are on Home)
        self.ready = False  # ... and the user's files are all in (sessions_listed emitted)
        self.lister: SessionLister | None = None  # checks the user's files in a worker thread (while it runs)
        self._post: Post | None = None  # brings its results to the GUI thread
        self._first_paint: QWidget | None = None
        self.rechecks: dict[str, SessionLister] = {}  # files checked again (Reload), by key, while it runs
        # Asked for again while a file was being checked: checked once more after that, for these.
        self._after: dict[str, list[Callable[[SessionEntry], None]]] = {}
        self._asked_again: set[str] = set()
        home.recheck_requested.connect(self.recheck)

    def after_first_paint(self, page: QWidget) -> None:
        """List the sessions on the turn of the event loop after ``page`` first paints: reading and
        validating them needs pydantic, which would otherwise delay the first frame (PERFORMANCE.md)."""
        self._first_paint = page
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._first_paint and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._first_paint = None
            QTimer.singleShot(0, self.ensure)
        return False

    def ensure(self) -> None:
        """List the sessions if that has not happened yet (Home's first paint, a file opened, the History
        screen), and then, on the next turn, ``prestart`` (the sound engine, so that the first cue of a
        session started from Home is not held back by it)."""
        if not self.loaded:
            self.reload()
            QTimer.singleShot(0, self.prestart)

    def open_folder(self) -> str:
        """Where File → Open starts: the user's sessions folder, made if it is not there yet (a folder
        that cannot be made, or none: the home folder)."""
        if self.sessions_dir is not None:
            try:
                self.sessions_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                import logging

                logging.getLogger(__name__).info("the sessions folder %s cannot be made (%s): opening in the "
                                                 "home folder", self.sessions_dir, exc.strerror or exc)
            else:
                if self.sessions_dir.is_dir():
                    return str(self.sessions_dir)
        return str(Path.home())

    def open_file(self, path: str, window: QWidget | None = None) -> SessionEntry:
        """A session file the user chose: remembered (listed on Home after a restart), checked, added to
        Home and selected.  One that does not load stays on Home with its problems, and they are said in a
        dialog over ``window``, with Reload to check it again once it is fixed."""
        self.ensure()
        path = os.path.abspath(path)
        self.settings.remember_file(path)
        entry = load_entry(path, Path(path), False)
        self.home.add_entry(entry)
        return self.explain(entry, window)

    def explain(self, entry: SessionEntry, window: QWidget | None = None) -> SessionEntry:
        """Say why ``entry`` cannot be opened, in a dialog over ``window``: the file once, then a problem a
        line, with Reload (not for a built-in).  Returns the entry as it is then: the one that opens, if
        the file was fixed and reloaded meanwhile (Home has it too, selected)."""
        if entry.session is not None or entry.error is None:
            return entry
        where, problems = problems_text(entry.error, entry.key)

        def again(done: Callable[[str | None], None]) -> None:
            def then(new: SessionEntry) -> None:
                done(None if new.error is None else problems_text(new.error, new.key)[1])

            self.recheck(entry.key, then)

        reload = None if entry.builtin else again  # a built-in cannot be fixed in an editor
        if dialogs.show_problems(window, _("This session cannot be opened"), where, problems, reload):
            return next((e for e in self.home.entries if e.key == entry.key), entry)
        return entry

    def recheck(self, key: str, then: Callable[[SessionEntry], None] | None = None) -> None:
        """Check one file again (Reload), in a worker thread with a child process as the listing does, so
        a hostile file cannot hold the window back; its entry on Home is replaced when the answer comes,
        and ``then(entry)`` is called with it (on the GUI thread).  Asked while that file is being
        checked, it is checked once more after that (the person may have saved it again meanwhile)."""
        if key in self.rechecks:
            self._asked_again.add(key)
            if then is not None:
                self._after.setdefault(key, []).append(then)
            return
        if self._post is None:
            from ..qt.post import Post

            self._post = Post(self)
        self.home.set_checking(key, True)
        waiting = [then] if then is not None else []

        def add(entry: SessionEntry) -> None:
            entry.key = key  # the entry it replaces, whatever the checker made of the path
            self.home.add_listed(entry)
            while waiting:
                waiting.pop(0)(entry)

        def done() -> None:
            self.rechecks.pop(key, None)
            self.home.set_checking(key, False)
            if waiting:  # no answer came (a fault in the worker, logged there): say so rather than wait
                from ..session.errors import Problem, SessionError

                # A whole sentence (Home writes it as it is), so that a translation needs no "The file" put before it.
                # Translators: said of a session file that Reload (a button) could not check.
                why = _("The file could not be checked again (the log says why); try Reload once more")
                add(SessionEntry(key, Path(key), False, error=SessionError([Problem(key, None, "", why)])))
            again = self._after.pop(key, [])
            if key in self._asked_again:
                self._asked_again.discard(key)

                def tell(entry: SessionEntry) -> None:
                    for w in again:
                        w(entry)

                self.recheck(key, tell)

        lister = self.rechecks[key] = SessionLister([Path(key)], self._post, add, done)
        lister.start()

    def reload(self) -> None:
        """List the sessions again (an earlier listing still running is cancelled: what it finds is dropped)."""
        self.loaded = True
        self.ready = False
        self.listing_started.emit()
        self._stop_listing()  # a file being checked again (Reload) goes on: a dialog may wait for it
        wanted = self.settings.last_session or "hip-hinge-mobility"  # selected until the user starts another
        self.home.set_entries(builtin_entries(), wanted)
        interim = self.home.current.key if self.home.current is not None else ""
        self.builtins_listed.emit()
        files = user_session_files(self.sessions_dir)
        listed = {os.path.abspath(f) for f in files}
        recent = [Path(p) for p in self.settings.recent_files if p not in listed]
        files = files + recent
        if not files:
            self._done()
            return
        if self._post is None:
            from ..qt.post import Post

            self._post = Post(self)

        def add(entry: SessionEntry) -> None:
            self.home.add_listed(entry, select_if=interim if entry.key == wanted else "")

        self.lister = SessionLister(files, self._post, add, self._done, optional=recent,
                                    on_missing=self.settings.forget_file)
        self.lister.start()

    def _done(self) -> None:
        self.lister = None
        self.ready = True
        self.sessions_listed.emit()

    def _stop_listing(self) -> None:
        if self.lister is not None:
            self.lister.cancel()
            self.lister = None

    def stop(self) -> None:
        """The workers stop after the file they are on; nothing more reaches Home (the window closing)."""
        self._stop_listing()
        for key, lister in list(self.rechecks.items()):
            lister.cancel()
            self.home.set_checking(key, False)
        self.rechecks.clear()
        self._after.clear()
        self._asked_again.clear()
