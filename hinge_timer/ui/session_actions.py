"""Home's actions on the user's own sessions, and the editor in the window (issue 18).

New, Duplicate, Edit, Delete (with Undo for 10 s), Export, Import (File → Open, a file dropped on the
window), each a command of the table (app/commands.py); the file work is ``session/library.py``'s.
**Chosen:** it is done on the GUI thread, as the editor's Save is: each is one small atomic write (a
session file is at most 1 MiB) made on Home or in the editor, never while a session runs, so no cue can
wait on it; every read goes through ``safeio`` (a FIFO is refused, never waited on).  Reading the kept
drafts, a folder of files, is done in a worker thread (``_work``), its result handed back with ``qt/post.Post``.

The editor screen (ui/editor.py) is built the first time it is needed; this connects it: saved (Home
lists and selects the file), closed (back to Home, the same session selected), Try it (the drill or the
session run through the run service, not recorded, then back to the editor where it was), Hear (the sound
service says the line as a session will), and the draft an editor kept before a crash, offered on Home
after its first paint (read in a worker thread).  A kiosk has none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from ..i18n import _, ngettext
from ..plaintext import printable
from . import dialogs

if TYPE_CHECKING:
    from ..session.catalogue import SessionEntry
    from ..session.draft import Draft, DraftStore, KeptDraft
    from ..session.library import Deleted
    from ..session.model import Session
    from .editor import EditorScreen

# The window (ui/main_window.py's MainWindow), not imported: it imports this module, and modules never
# import one another (tests/unit/test_architecture.py), as in ui/keys.py.
MainWindow = Any

log = logging.getLogger(__name__)

UNDO_S = 10  # how long Home offers to bring a deleted session back
_SHOWN = 120  # the longest title or path quoted in a notice


def _quoted(text: str) -> str:
    return printable(text, limit=_SHOWN)


class TryEntry:
    """A session being tried from the editor, as the run service takes it (app/history.RunEntry)."""

    def __init__(self, session: Session, key: str, source: Path) -> None:
        self.key = key
        self.source = source
        self.session = session


class SessionActions(QObject):
    """The window's session actions and its editor (see the module's docstring)."""

    def __init__(self, window: MainWindow, sessions_dir: Path | None, data_dir: Path | None) -> None:
        super().__init__(window)
        self.window = window
        self.home = window.home
        self.sessions_dir = sessions_dir
        self.data_dir = data_dir
        base = data_dir if data_dir is not None else (sessions_dir.parent if sessions_dir is not None else None)
        self.trash_dir = base / "trash" if base is not None else None
        self.drafts_dir = base / "drafts" if base is not None else None
        self.desktop_trash = True  # QFile.moveToTrash first (tests turn it off: it is the user's own trash)
        self._pool: ThreadPoolExecutor | None = None
        self._post: Any = None
        self._busy = 0  # library jobs queued or running (tests wait on it)
        self._deleted: tuple[Deleted, str] | None = None  # the last delete, and the session's title
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_S * 1000)
        self._undo_timer.timeout.connect(self.end_undo)
        self._editor: EditorScreen | None = None
        self._drafts: DraftStore | None = None
        self.kept: list[KeptDraft] = []  # drafts offered on Home
        self._trying: tuple[int | None, int] | None = None  # (drill tried, the editor's drill) while trying
        self.home.draft_open_requested.connect(self.open_kept)
        self.home.draft_discard_requested.connect(self.discard_kept)

    # -- the command table's entries (app/commands.py) ---------------------------------------------------
    def handlers(self) -> dict[str, Callable[..., object]]:
        return {"new_session": self.new_session, "duplicate_session": self.duplicate_session,
                "edit_session": self.edit_session, "delete_session": self.delete_session,
                "undo_delete_session": self.undo_delete, "export_session": self.export_session}

    def _say(self, text: str, level: str = "info") -> None:
        self.window.messages.post("home", "library", level, text)

    def _refuse(self, text: str) -> bool:
        self._say(text, "warning")
        return False

    # -- the worker thread ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy > 0

    @staticmethod
    def _now(job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> bool:
        """Run one small library job here (see the module's docstring); ``done`` or ``failed`` after it."""
        try:
            result = job()
        except Exception as exc:  # (said to the user by ``failed``: a SessionError, an OSError)
            failed(exc)
            return False
        done(result)
        return True

    def _work(self, job: Callable[[], Any], done: Callable[[Any], None],
              failed: Callable[[BaseException], None]) -> None:
        """Run ``job`` in the library's worker thread; ``done(result)`` or ``failed(exc)`` on the GUI thread."""
        if self._pool is None:
            from ..qt.post import Post

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="library")
            self._post = Post()
        self._busy += 1
        post = self._post

        def finished(future: Future[Any]) -> None:  # on the worker thread
            def tell() -> None:
                self._busy -= 1
                exc = future.exception()
                if exc is None:
                    done(future.result())
                else:
                    failed(exc)

            post(tell)

        self._pool.submit(job).add_done_callback(finished)

    def _disk_said_no(self, what: str, exc: BaseException) -> None:
        """Say what went wrong: ``what`` is the action, in the current language ("Deleting")."""
        from ..safeio import describe
        from ..session.errors import SessionError

        if isinstance(exc, SessionError):
            # Translators: a dialog's title; {action} what was being done ("Duplicating", "Importing").
            self._problems(_("{action}: the session has problems").format(action=what), exc, "")
            return
        if not isinstance(exc, OSError):
            log.error("%s failed", what, exc_info=exc)
            # Translators: {action} what was being done ("Exporting"), {error} what went wrong.
            dialogs.show_error(self.window, what, _("{action} failed: {error}").format(action=what, error=exc))
            return
        where = getattr(exc, "filename", None) or ""
        if where:
            # Translators: {action} what was being done ("Deleting"), {file} the file, {problem} what the disk said.
            text = _("{action}: {file}: {problem}").format(action=what, file=_quoted(str(where)), problem=describe(exc))
        else:
            # Translators: {action} what was being done ("Deleting"), {problem} what the disk said.
            text = _("{action}: {problem}").format(action=what, problem=describe(exc))
        dialogs.show_error(self.window, what, text)

    def _problems(self, title: str, exc: Any, key: str) -> None:
        from .home import problems_text

        where, problems = problems_text(exc, key or (exc.problems[0].file if exc.problems else ""))
        dialogs.show_problems(self.window, title, where, problems, None)

    # -- Home: New, Duplicate, Edit ------------------------------------------------------------------------
    def _folder(self) -> Path | None:
        if self.sessions_dir is None:
            self._refuse(_("There is no sessions folder (--sessions-dir) to keep your own sessions in."))
        return self.sessions_dir

    def new_session(self) -> bool:
        if self._folder() is None:
            return False
        from ..session.draft import Draft

        self.open_editor(Draft.new())
        return True

    def edit_session(self) -> bool:
        e = self.home.current
        if e is None:
            return False
        if not self.home.can("edit_session"):
            # Translators: "Duplicate" is the button's name (as translated).
            return self._refuse(_("A built-in session cannot be changed: Duplicate makes a copy of your own."))
        return self.edit_file(Path(e.key))

    def edit_file(self, path: Path, select_drill: int = 0) -> bool:
        from ..session.draft import Draft
        from ..session.errors import SessionError

        if self._folder() is None:
            return False
        try:
            draft = Draft.open(path)
        except SessionError as exc:  # not TOML at all: what is wrong, by file and line
            self._problems(_("This session cannot be opened in the editor"), exc, str(path))
            return False
        except OSError as exc:
            self._disk_said_no(_("Editing"), exc)
            return False
        self.open_editor(draft, select_drill)
        return True

    def duplicate_session(self) -> bool:
        e = self.home.current
        folder = self._folder()
        if e is None or folder is None:
            return False
        if e.session is None:
            return self._refuse(_("This session cannot be opened, so it cannot be copied: fix it first."))
        from ..session import library

        source, name = e.source, e.stem if e.builtin else e.key

        def job() -> Path:
            return library.duplicate(library.source_text(source), folder, name)

        def done(path: Path) -> None:
            entry = self._list(path)
            # Translators: {session} the copy's title (from its file) or its file's name.
            self._say(_("Copied to {session}: yours to change.").format(session=_quoted(entry.title or path.name)))
            self.edit_file(path)

        return self._now(job, done, lambda exc: self._disk_said_no(_("Duplicating"), exc))

    def _list(self, path: Path) -> SessionEntry:
        """Put the user's file on Home (checked: a file just written, so quick), selected."""
        from ..session.catalogue import load_entry

        entry = load_entry(str(path), path, False)
        self.home.add_entry(entry)
        return entry

    # -- Delete, and its Undo ------------------------------------------------------------------------------
    def delete_session(self) -> bool:
        e = self.home.current
        if e is None:
            return False
        if e.builtin:
            return self._refuse(_("Built-in sessions cannot be deleted."))
        if not self.home.can("delete_session") or self.trash_dir is None:
            return self._refuse(_("Only sessions in your own sessions folder can be deleted here."))
        title = e.title or Path(e.key).name
        # Translators: {session} the session's title (from its file); {seconds} how long Undo is offered.
        question = ngettext("Delete “{session}”? You can undo it for {seconds} second; after that it stays in the "
                            "trash.",
                            "Delete “{session}”? You can undo it for {seconds} seconds; after that it stays in the "
                            "trash.", UNDO_S).format(session=_quoted(title), seconds=UNDO_S)
        # Translators: the button that deletes the session.
        if not dialogs.confirm(self.window, _("Delete this session?"), question, _("Delete")):
            return False
        path, trash_dir, desktop = Path(e.key), self.trash_dir, self.desktop_trash

        def job() -> Deleted:
            return _move_to_trash(path, trash_dir, desktop)

        def done(deleted: Deleted) -> None:
            self._forget_entry(str(path))
            self._deleted = (deleted, title)
            self.home.show_undo_delete(True)
            self._undo_timer.start()
            # Translators: {session} the session's title (from its file); "Undo" is the button's name.
            self._say(_("Deleted “{session}”: Undo (Ctrl+Z) brings it back.").format(session=_quoted(title)))

        return self._now(job, done, lambda exc: self._disk_said_no(_("Deleting"), exc))

    def _forget_entry(self, key: str) -> None:
        entries = self.home.entries
        keys = [x.key for x in entries]
        if key not in keys:
            return
        row = keys.index(key)
        rest = entries[:row] + entries[row + 1:]
        select = rest[min(row, len(rest) - 1)].key if rest else ""
        self.home.set_entries(rest, select)

    def undo_delete(self) -> bool:
        if self._deleted is None:
            return False
        deleted, title = self._deleted
        self.end_undo()

        def done(path: Path) -> None:
            self._list(path)
            # Translators: {session} the session's title (from its file).
            self._say(_("“{session}” is back.").format(session=_quoted(title)))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FileExistsError):
                # Translators: {file} the file's name, {trashed} where the deleted file is kept.
                self._refuse(_("Not brought back: a file named {file} is there now. The deleted one is kept at "
                               "{trashed}.").format(file=_quoted(deleted.original.name),
                                                    trashed=_quoted(str(deleted.trashed))))
            else:
                self._disk_said_no(_("Undo delete"), exc)

        return self._now(lambda: _restore(deleted), done, failed)

    def end_undo(self) -> None:
        """The Undo offer ends (after UNDO_S, or once used): the file stays in the trash."""
        self._undo_timer.stop()
        if self._deleted is not None:
            self._deleted = None
            self._say("")
        self.home.show_undo_delete(False)

    # -- Export, Import --------------------------------------------------------------------------------
    def export_session(self) -> bool:
        e = self.home.current
        if e is None:
            return False
        suggested = str(Path.home() / (e.source.name if e.source.name.endswith(".toml") else "session.toml"))
        chosen = dialogs.choose_export_file(self.window, suggested)
        if not chosen:
            return False
        from ..session import library

        source, dest = e.source, Path(chosen)
        return self._now(lambda: library.export(source, dest),
                         lambda _none: self._say(_("Exported to {file}.").format(file=_quoted(str(dest)))),
                         lambda exc: self._disk_said_no(_("Exporting"), exc))

    def import_file(self, path: Path) -> bool:
        """A session file from anywhere (File → Open, a dropped file): copied into the user's folder once
        it validates, then listed and selected on Home.  One with problems: said (file and field), and
        nothing is copied."""
        folder = self.sessions_dir
        if folder is None:  # no folder of one's own (cannot happen from the app: settings.sessions_dir)
            self.window.listing.open_file(str(path), self.window)
            return True
        from ..session import library
        from ..session.errors import SessionError

        self.window.listing.ensure()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, SessionError):  # (nothing was copied)
                self._problems(_("This session cannot be opened"), exc, str(path))
            else:
                self._disk_said_no(_("Importing"), exc)

        def done(copy: Path) -> None:
            entry = self._list(copy)
            name = _quoted(entry.title or copy.name)
            if copy == path:
                # Translators: {session} the session's title (from its file) or its file's name.
                self._say(_("“{session}” is in your sessions already.").format(session=name))
            else:
                # Translators: {session} the session's title (from its file) or its file's name.
                self._say(_("“{session}” is now one of your sessions.").format(session=name))

        return self._now(lambda: library.import_file(path, folder), done, failed)

    def dropped(self, urls: list[Any]) -> bool:
        """Files dropped on the window (``QUrl``s): one local ``.toml`` file is imported; anything else is
        refused with a notice."""
        if self.window.kiosk is not None:
            return False
        if len(urls) != 1:
            return self._refuse(_("Drop one session file at a time."))
        url = urls[0]
        if not url.isLocalFile():
            return self._refuse(_("Only a file on this computer can be dropped here."))
        path = Path(url.toLocalFile())
        if not path.name.lower().endswith(".toml"):
            return self._refuse(_("{file} is not a session file (a .toml file).").format(file=_quoted(path.name)))
        if self.window.current_screen() != "home_screen":
            return self._refuse(_("Go back to Home to add a session."))
        return self.import_file(path)

    # -- the editor ----------------------------------------------------------------------------------------
    @property
    def drafts(self) -> DraftStore | None:
        if self._drafts is None and self.drafts_dir is not None:
            from ..session.draft import DraftStore

            self._drafts = DraftStore(self.drafts_dir)
        return self._drafts

    @property
    def editor(self) -> EditorScreen:
        if self._editor is None:
            from .editor import EditorScreen

            folder = self.sessions_dir if self.sessions_dir is not None else Path.home()
            ed = self._editor = EditorScreen(folder, self.drafts, self.window.stack)
            ed.saved.connect(self.on_saved)
            ed.closed.connect(self.on_closed)
            ed.try_requested.connect(self.on_try_requested)
            ed.hear_requested.connect(self.on_hear_requested)
            preview = ed.form.movement_preview  # View → Moving figure applies to the editor's preview too
            preview.set_motion(self.window.prefs.motion)
            self.window.prefs.motion_changed.connect(preview.set_motion)
            ed.dirty_changed.connect(lambda _dirty: self.show_title())  # the * of unsaved changes
            ed.title.textChanged.connect(lambda _text: self.show_title())  # typed, or undone
            self.window.sound.heard.connect(self.on_heard)
            self.window.stack.addWidget(ed)
        return self._editor

    @property
    def editing(self) -> bool:
        return self._editor is not None and self.window.stack.currentWidget() is self._editor

    def open_editor(self, draft: Draft, select_drill: int = 0) -> None:
        self.editor.edit(draft, select_drill)
        self.window.stack.setCurrentWidget(self.editor)
        self.window.keys.land()
        self.show_title()

    def show_title(self) -> None:
        """The window's title names the session being edited, with a * while it has unsaved changes."""
        d = self._editor.draft if self._editor is not None else None
        if d is None or not self.editing:
            self.window.setWindowTitle("Hinge Timer")
            return
        title = d.get(("title",))
        # Translators: the window's title names a session with no title yet as this.
        name = printable(title, limit=80) if isinstance(title, str) and title.strip() else _("new session")
        # Translators: the window's title while a session is edited; {session} its title (from the file);
        # {changed} is "*" while there are unsaved changes, else nothing.
        self.window.setWindowTitle(_("{changed}{session} — editing — Hinge Timer").format(
            changed="*" if d.dirty else "", session=name))

    def on_saved(self, path: Path) -> None:
        self._list(Path(path))
        self.show_title()

    def on_closed(self) -> None:
        d = self._editor.draft if self._editor is not None else None
        self.window.stack.setCurrentWidget(self.window.home_page)
        if d is not None and d.path is not None:  # the session edited, selected on Home
            keys = [e.key for e in self.home.entries]
            if str(d.path) in keys:
                self.home.list.setCurrentRow(keys.index(str(d.path)))
        self.home.refresh_details()
        self.window.keys.land()
        self.show_title()

    def close_requested(self) -> bool:
        """The window is closing: True if it may (no unsaved changes in the editor, or the user saved or
        discarded them when asked); False if the user chose to stay."""
        d = self._editor.draft if self._editor is not None else None
        if not self.editing or d is None or not d.dirty:
            return True
        self._editor.request_leave()  # type: ignore[union-attr]  # saved or discarded: closed -> Home
        return not self.editing  # cancelled (or the save refused): the window stays

    # -- Try it, Hear ----------------------------------------------------------------------------------
    def on_try_requested(self, session: Session, drill: int | None) -> None:
        """Run the drill (or the whole session) in the session screen, not recorded; back to the editor."""
        d = self._editor.draft if self._editor is not None else None
        key = str(d.path) if d is not None and d.path is not None else "editor:new"
        source = d.path if d is not None and d.path is not None else Path(key)
        self._trying = (drill, self.editor.drill_index)
        self.window.end_driver()
        self.window.run.start(TryEntry(session, key, source), None, record=False)
        self.window.messages.info("session", _("Trying it: this run is not kept in the history."), part="status")

    def on_run_finished(self) -> bool:
        """A run ended: True if it was a try-out, and the editor is shown again where it was."""
        if self._trying is None:
            return False
        _tried, drill = self._trying
        self._trying = None
        self.window.end_driver()
        d = self._editor.draft if self._editor is not None else None
        if d is not None:
            self.editor.edit(d, drill)  # (the same draft: its place, its undo history)
        self.window.stack.setCurrentWidget(self.editor)
        self.window.keys.land()
        self.show_title()
        return True

    @property
    def trying(self) -> bool:
        return self._trying is not None

    def on_hear_requested(self, text: str) -> None:
        self.window.sound.hear(text)

    def on_heard(self, _text: str, what: str) -> None:
        if self._editor is None:
            return
        say = self._editor.say
        if what == "playing":
            say("")
        elif what == "rendering":
            say(_("Getting the line ready to say…"))
        else:
            # Translators: in the editor; {reason} why the line cannot be heard ("sound is muted (M)").
            say(_("Cannot say it: {reason}.").format(reason=what), True)

    # -- the draft kept by an editor that did not close ---------------------------------------------------
    def look_for_kept(self) -> None:
        """After Home's first paint: read the drafts folder in a worker thread; offer what is there."""
        if self.window.kiosk is not None or self.drafts_dir is None or not self.drafts_dir.is_dir():
            return
        store = self.drafts
        if store is None:
            return
        self._work(store.pending, self._offer_kept, lambda exc: log.warning("kept drafts: %s", exc))

    def _offer_kept(self, kept: list[KeptDraft]) -> None:
        self.kept = kept
        if not kept:
            self.home.show_draft_offer(None)
            return
        k = kept[0]
        when = k.kept_at.astimezone().strftime("%-d %b, %H:%M")
        # Translators: in quotes, for a kept draft of a session with no title yet.
        title = _quoted(k.title) if k.title.strip() else _("a new session")
        more = len(kept) - 1
        if more:
            # Translators: {session} the session's title (from the draft), {when} the day and time it was kept;
            # {n} more kept drafts are offered after it.
            offer = ngettext("An unsaved edit of “{session}” from {when} was kept ({n} more after it).",
                             "An unsaved edit of “{session}” from {when} was kept ({n} more after it).",
                             more).format(session=title, when=when, n=more)
        else:
            # Translators: {session} the session's title (from the draft), {when} the day and time it was kept.
            offer = _("An unsaved edit of “{session}” from {when} was kept.").format(session=title, when=when)
        self.home.show_draft_offer(offer)

    def open_kept(self) -> None:
        if not self.kept:
            return
        from ..session.draft import Draft
        from ..session.errors import SessionError

        k = self.kept.pop(0)
        try:
            draft = Draft.from_kept(k)
        except (OSError, ValueError, SessionError) as exc:
            log.warning("kept draft %s: %s", k.file, exc)
            self._refuse(_("That kept edit cannot be read; it was left where it is."))
            self._offer_kept(self.kept)
            return
        self._offer_kept(self.kept)
        self.open_editor(draft)
        store = self.drafts
        if store is not None:  # kept again under its own id as it is edited; the old file goes
            store.discard(k)
            store.keep(draft)

    def discard_kept(self) -> None:
        if not self.kept:
            return
        k = self.kept.pop(0)
        store = self.drafts
        if store is not None:
            store.discard(k)
        self._offer_kept(self.kept)

    def close(self) -> None:
        """At exit: kept drafts written (at most 2 s), the worker let go (never waited on)."""
        self._undo_timer.stop()
        if self._editor is not None:
            self._editor.stop_checking()
        if self._drafts is not None:
            self._drafts.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        if self._post is not None:
            self._post.close()


def _move_to_trash(path: Path, trash_dir: Path, desktop: bool) -> Deleted:
    """The desktop's trash (QFile.moveToTrash) when it works, else the library's trash folder."""
    from ..session import library

    if desktop:
        from PySide6.QtCore import QFile

        file = QFile(str(path))
        if file.moveToTrash():  # (the file's name is then where it went)
            return library.Deleted(path, Path(file.fileName()))
        log.info("the desktop trash did not take %s: moved to %s", path, trash_dir)
    return library.delete(path, trash_dir)


def _restore(deleted: Deleted) -> Path:
    """Put a deleted file back; from the desktop trash, its .trashinfo goes too."""
    path = deleted.restore()
    info = deleted.trashed.parent.parent / "info" / (deleted.trashed.name + ".trashinfo")
    if deleted.trashed.parent.name == "files" and info.is_file():
        try:
            info.unlink()
        except OSError:
            pass
    return path
