"""Listing the sessions on Home: the built-ins at once, the user's files as a worker thread checks them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from . import dialogs
from .home import HomeScreen, SessionEntry, SessionLister, builtin_entries, load_entry, user_session_files

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

    def open_file(self, path: str, window: QWidget | None = None) -> SessionEntry:
        """A session file the user chose, checked and added to Home and selected; one that does not load
        is said in a dialog over ``window`` (the error names the file and the field)."""
        self.ensure()
        entry = load_entry(path, Path(path), False)
        if entry.session is None:
            dialogs.show_error(window, "This session cannot be opened", str(entry.error))
        else:
            self.home.add_entry(entry)
        return entry

    def reload(self) -> None:
        """List the sessions again (an earlier listing still running is cancelled: what it finds is dropped)."""
        self.loaded = True
        self.ready = False
        self.listing_started.emit()
        self.stop()
        wanted = self.settings.last_session or "hip-hinge-mobility"  # selected until the user starts another
        self.home.set_entries(builtin_entries(), wanted)
        interim = self.home.current.key if self.home.current is not None else ""
        self.builtins_listed.emit()
        files = user_session_files(self.sessions_dir)
        if not files:
            self._done()
            return
        if self._post is None:
            from ..qt.post import Post

            self._post = Post(self)

        def add(entry: SessionEntry) -> None:
            self.home.add_listed(entry, select_if=interim if entry.key == wanted else "")

        self.lister = SessionLister(files, self._post, add, self._done)
        self.lister.start()

    def _done(self) -> None:
        self.lister = None
        self.ready = True
        self.sessions_listed.emit()

    def stop(self) -> None:
        """The worker stops after the file it is on; nothing more reaches Home (a new listing, the
        window closing)."""
        if self.lister is not None:
            self.lister.cancel()
            self.lister = None
