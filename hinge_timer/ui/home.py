"""Home: choose a session and a dose, see what it holds, start it."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..app import commands
from ..i18n import N_, _, ngettext
# The session list's entries and how they are found and checked are the core's (session/catalogue.py);
# the window and benchmarks import them from here too.
from ..session.catalogue import MAX_LISTED as MAX_LISTED
from ..session.catalogue import SessionEntry as SessionEntry
from ..session.catalogue import builtin_entries as builtin_entries
from ..session.catalogue import discover as discover
from ..session.catalogue import load_entry as load_entry
from ..session.catalogue import user_session_files as user_session_files
from .. import timefmt
from . import theme
from .widgets import plain_label, scrolled, side_by_side_if_room

if TYPE_CHECKING:
    from ..session.checker import FileChecker
    from ..session.errors import Problem, SessionError
    from .figure import FigureStrip

# What a file-wide problem's message starts with (it was worded to follow the file's name).
# Translators: the first words (each with its space) of the messages worded to follow a session file's name
# ("is empty", "has no drills"), separated by "|": a message starting with one is shown as "The file is empty".
# List the words your translations of those messages start with.
_FILE_VERBS = N_("is |has |holds |nests |took |was |could |cannot |no ")


def problem_line(problem: Problem) -> str:
    """One problem of a file, worded for a reader who has been told the file once: where in it (the
    line, the field) and what is wrong.  Escaped as on a terminal, so one problem stays one line."""
    from ..plaintext import printable

    message = printable(problem.message)
    line = problem.line
    if problem.field:
        field = printable(problem.field, limit=200)
        if line is not None:
            # Translators: a problem in a session file: {line} its line number, {field} the field's path in
            # the file ("drill[3].hold"), {message} what is wrong.
            return _("Line {line}, {field}: {message}").format(line=line, field=field, message=message)
        # Translators: a problem in a session file: {field} the field's path ("drill[3].hold"), {message} what is wrong.
        return _("{field}: {message}").format(field=field, message=message)
    if message.startswith("is not valid TOML: "):  # (English: "Line 3: not valid TOML: ...")
        message = message.removeprefix("is ")
    elif message.startswith(tuple(v for v in _(_FILE_VERBS).split("|") if v)):
        if line is not None:
            # Translators: after a line number ("Line 3: the file ..."); {problem} is what is wrong with a
            # session file, worded to follow the file's name ("is empty", "has no drills").
            message = _("the file {problem}").format(problem=message)
        else:
            # Translators: {problem} is what is wrong with a session file, worded to follow the file's name
            # ("is empty", "has no drills").
            message = _("The file {problem}").format(problem=message)
    elif line is None:
        message = message[:1].upper() + message[1:]
    # Translators: a problem in a session file: {line} its line number, {message} what is wrong.
    return _("Line {line}: {message}").format(line=line, message=message) if line is not None else message


def problems_text(error: SessionError, key: str) -> tuple[str, str]:
    """A file that cannot be opened, for the window: the file, said once, and its problems one a line
    (the first ``MAX_SHOWN``, then how many more)."""
    from ..plaintext import printable

    lines = []
    for p in error.problems:
        line = problem_line(p)
        if p.file != key:
            # Translators: a problem in another file than the session file opened: {file} its path, {problem}
            # the problem.
            line = _("{file}: {problem}").format(file=printable(p.file, limit=200), problem=line)
        lines.append(line)
    if error.more:
        # Translators: after the problems of a session file shown, how many more it has.
        lines.append(ngettext("… and {count} more problem", "… and {count} more problems",
                              error.more).format(count=error.more))
    # Translators: {file} is the session file's path.
    return _("File: {file}").format(file=printable(key, limit=500)), "\n".join(lines)


class SessionLister:
    """Has the user's session files checked, from a worker thread, and hands each entry to the GUI thread.

    The checks themselves run in a child process (``session/checker.py``): a hostile file can keep an
    interpreter in one long C call, which would hold the window back from a thread of its own process.
    ``post`` (a :class:`hinge_timer.qt.post.Post` made on the GUI thread) carries each call there, so
    ``on_entry(entry)`` and, at the end, ``on_done()`` run on the GUI thread; the worker touches no Qt
    object.  :meth:`cancel` (a new listing, the window closing) kills the child, stops the worker
    and drops what it would still deliver; once the window is gone the post drops calls by itself."""

    def __init__(self, files: list[Path], post: Callable[[Callable[[], None]], None],
                 on_entry: Callable[[SessionEntry], None], on_done: Callable[[], None],
                 checker: FileChecker | None = None, optional: Collection[Path] = (),
                 on_missing: Callable[[Path], None] = lambda _path: None) -> None:
        import threading

        from ..session.checker import FileChecker

        self.files = files
        # Files that may have gone since they were remembered (recent files): one that is not a regular
        # file any more is handed to ``on_missing`` (on the GUI thread) instead of being listed.
        self.optional = frozenset(optional)
        self._on_missing = on_missing
        self._post = post
        self._on_entry = on_entry
        self._on_done = on_done
        self.checker = checker if checker is not None else FileChecker()
        self._cancelled = threading.Event()
        self.thread = threading.Thread(target=self._run, name="session-lister", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancelled.set()
        self.checker.cancel()  # never waits

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _run(self) -> None:
        import logging

        try:
            for path in self.files:
                if self._cancelled.is_set():
                    return
                if path in self.optional:
                    from ..safeio import is_regular

                    if not is_regular(path):
                        self._post(partial(self._gone, path))
                        continue
                entry = self.checker.check(path)  # a broken file is an entry with its error
                self._post(partial(self._deliver, entry))
        except Exception:  # a bug in the checks must not leave Home waiting: log it, list what was done
            logging.getLogger(__name__).exception("listing the sessions in %s", self.files[0].parent)
        finally:
            self.checker.close()
            self._post(self._finish)

    def _deliver(self, entry: SessionEntry) -> None:  # on the GUI thread
        if not self._cancelled.is_set():
            self._on_entry(entry)

    def _gone(self, path: Path) -> None:  # on the GUI thread
        if not self._cancelled.is_set():
            self._on_missing(path)

    def _finish(self) -> None:  # on the GUI thread
        if not self._cancelled.is_set():
            self._on_done()


class HomeScreen(QWidget):
    start_requested = Signal(object, str)  # SessionEntry, dose
    command_requested = Signal(str)  # a button's command of the table (app/commands.py), by name
    dose_changed = Signal(str)
    resume_requested = Signal()
    discard_requested = Signal()
    history_aside_requested = Signal()
    recheck_requested = Signal(str)  # a broken file's key: check it again (Reload)
    draft_open_requested = Signal()  # the kept draft offered on Home: open it in the editor
    draft_discard_requested = Signal()  # ... or let it go

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home_screen")
        self.entries: list[SessionEntry] = []
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        self.heading = plain_label(self, "Hinge Timer", name="heading")
        root.addWidget(self.heading)
        # A standing notice about the history (moved aside, newer version, cannot be saved).
        self.notice = plain_label(self, name="home_notice", wrap=True)  # names files: plain text
        self._notice_parts: dict[str, str] = {}  # set_notice's parts, shown together
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        root.addWidget(self.notice)
        # The offer to move aside a history holding what this version did not make (built when needed).
        self._aside_button: QPushButton | None = None
        # After a crash or power cut: "Resume: Jefferson curl, set 2 of 3, right side" (built when needed).
        self._root = root
        self._resume_box: QFrame | None = None
        # What the history says about the dose for a session: ("high" or "low", why) or None.
        self.suggest: Callable[[str], tuple[str, str] | None] | None = None
        row = self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.list = QListWidget(self)
        self.list.setObjectName("session_list")
        self.list.setAccessibleName(_("Sessions"))
        row.addWidget(self.list, 2)
        # The chosen session's title and what it holds: text from the user's file, so plain text.
        details_box = self._details_box = QVBoxLayout()
        self.details_title = plain_label(self, name="details_title", wrap=True)
        # A file that cannot be opened: the file, once, above its problems (built when first needed).
        self._details_file: QLabel | None = None
        self.details = plain_label(self, name="details", wrap=True)
        self.details.setAccessibleName(_("Session details"))
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A long session (or a long language) scrolls its details rather than cutting them off.
        self.details_scroll = scrolled(self, self.details, "details_scroll")
        self.details_scroll.setStyleSheet("QScrollArea, QWidget#qt_scrollarea_viewport { background: transparent; }")
        details_box.addWidget(self.details_title)
        details_box.addWidget(self.details_scroll, 1)
        # How each drill is done: a still figure for each that names a movement, numbered as the list is.
        # They take only the room the details' words leave (the words come first), and none if that is too little.
        # Built when first needed: Home's first frame does not load the figure's painter.
        self._figures: FigureStrip | None = None
        self._fit_later = QTimer(self)
        self._fit_later.setSingleShot(True)
        self._fit_later.timeout.connect(self._fit_figures)
        # ... and under them, Reload to check it again once fixed (built when first needed).
        self._reload_row: QFrame | None = None
        self._checking: set[str] = set()  # keys of the files being checked again
        row.addLayout(details_box, 3)
        root.addLayout(row, 1)

        controls = self.controls_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.dose_low = QRadioButton(_("Low dose"), self)
        self.dose_high = QRadioButton(_("High dose"), self)
        self.dose_low.setToolTip(_("The low end of every range: fewer sets, shorter holds"))
        self.dose_high.setToolTip(_("The high end of every range: more sets, longer holds"))
        self.dose_low.setObjectName("dose_low")
        self.dose_high.setObjectName("dose_high")
        group = QButtonGroup(self)
        group.addButton(self.dose_low)
        group.addButton(self.dose_high)
        self.dose_low.setChecked(True)
        self.open_button = QPushButton(_("Open file…"), self)
        self.open_button.setObjectName("open_file")
        self.open_button.setToolTip(_("Add a session file to your sessions: it is checked, then copied in"))
        # Translators: a button; {key} is its key ("Ctrl+H"). Keep the two spaces before the key.
        self.history_button = QPushButton(_("History  ({key})").format(key="Ctrl+H"), self)
        self.history_button.setObjectName("history")
        # Translators: a button that starts the chosen session; {key} is its key ("Enter").
        self.start_button = QPushButton(_("Start  ({key})").format(key=commands.key_name("Enter")), self)
        self.start_button.setObjectName("start")
        # Dose on one row, the buttons on the next, so portrait windows clip nothing.
        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose_low)
        dose_row.addWidget(self.dose_high)
        dose_row.addStretch(1)
        # The dose and the row of the user's own sessions' buttons: side by side in a landscape window, one
        # above the other in portrait (``resizeEvent``), so an 800x600 window keeps its height for the list.
        self.choose_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.choose_row.addLayout(dose_row)
        root.addLayout(self.choose_row)
        # The user's own sessions (session/library.py): a compact row that fits at 800x600 and in portrait.
        # Each button runs its command of the table (New Ctrl+N, Duplicate Ctrl+D, Edit Ctrl+E, Delete, Export);
        # ``set_session_actions`` enables them for the chosen session.  A kiosk shows none of them.
        library_row = self.library_row = QHBoxLayout()
        self.session_buttons: list[QPushButton] = []
        for name, text, spoken, key in (
                # Translators: the buttons for the user's own sessions on Home (short: they share a row), and
                # what each does (its tooltip, and its name for a screen reader).
                ("new_session", _("New"), _("Make a new session"), "Ctrl+N"),
                ("duplicate_session", _("Duplicate"), _("Copy the chosen session into your own, to change it"),
                 "Ctrl+D"),
                ("edit_session", _("Edit"), _("Change the chosen session: your own sessions only"), "Ctrl+E"),
                ("delete_session", _("Delete"), _("Delete the chosen session: your own only; you can undo it"),
                 commands.key_name("Delete")),
                ("export_session", _("Export…"), _("Save a copy of the chosen session anywhere, to share it"), "")):
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setAccessibleName(spoken)
            # Translators: a button's tooltip: {action} what it does, {key} its key ("Ctrl+N").
            b.setToolTip(_("{action} ({key})").format(action=spoken, key=key) if key else spoken)
            self.session_buttons.append(b)
            library_row.addWidget(b)
        # Translators: a button; {key} is its key ("Ctrl+Z"). Keep the two spaces before the key.
        self.undo_delete_button = QPushButton(_("Undo delete  ({key})").format(key="Ctrl+Z"), self)
        self.undo_delete_button.setObjectName("undo_delete_session")
        self.undo_delete_button.setAccessibleName(_("Undo delete"))
        self.undo_delete_button.setToolTip(_("Bring the deleted session back (for 10 s)"))
        self.undo_delete_button.hide()
        library_row.addWidget(self.undo_delete_button)
        library_row.addStretch(1)
        self.choose_row.addLayout(library_row)
        # The offer to open a draft an editor kept before a crash (built when there is one).
        self._draft_box: QFrame | None = None
        self.kiosk = False  # a kiosk's window: none of the session actions (set by the window)
        controls.addWidget(self.open_button)
        controls.addWidget(self.history_button)
        controls.addStretch(1)
        controls.addWidget(self.start_button)
        root.addLayout(controls)

        self.list.currentRowChanged.connect(lambda _row: self.refresh_details())
        self.list.itemDoubleClicked.connect(lambda _item: self.request_start())
        # The command table's keys work whatever has the focus (ui/keys.py: Enter starts, M/F/? everywhere).
        # Buttons take it from Tab only, never from a click, so a click leaves it where it was; the
        # details are read by Tab too.
        for w in (self.dose_low, self.dose_high, self.open_button, self.start_button, self.history_button,
                  self.details, *self.session_buttons, self.undo_delete_button):
            w.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.dose_low.toggled.connect(self._on_dose_toggled)
        self._bind_buttons()

    def _bind_buttons(self) -> None:
        """Each of Home's buttons runs its command of the table (app/commands.py), as its key does: through
        the window's ``Commands.run``, so only where and when the table enables it.  A button made later
        (the resume offer's) is bound when it is made."""
        for c in commands.buttons(commands.HOME):
            button = self.findChild(QPushButton, c.button)
            if button is not None and not button.property("bound"):
                button.setProperty("bound", True)
                button.clicked.connect(lambda _checked=False, name=c.name: self.command_requested.emit(name))

    def set_notice(self, text: str, part: str = "history") -> None:
        """Set one part of the notice ("history": the history's state; "speech": spoken lines need an
        engine); the notice shows every part that is set, so one part never wipes another."""
        self._notice_parts[part] = text
        text = " ".join(t for t in self._notice_parts.values() if t)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self._style_notice()

    def _style_notice(self) -> None:
        mid = theme.scaled_px(self, 0.03, 12)
        self.notice.setStyleSheet(f"color: {theme.NOTICE.name()}; font-size: {max(11, int(mid * 0.8))}px;")

    def offer_history_aside(self, offer: bool) -> None:
        """Show (or hide) the button that moves an unexpected history aside, under the notice."""
        if self._aside_button is None:
            if not offer:
                return
            b = self._aside_button = QPushButton(_("Move the history aside and start a new one…"), self)
            b.setObjectName("history_aside")
            b.setToolTip(_("The file is renamed and kept whole, with every run in it"))
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # from Tab, never a click (ui/keys.py)
            b.clicked.connect(self.history_aside_requested.emit)
            self._root.insertWidget(self._root.indexOf(self.notice) + 1, b, 0, Qt.AlignmentFlag.AlignLeft)
        self._aside_button.setVisible(offer)

    @property
    def resume_box(self) -> QFrame:
        """The offer to resume, made the first time there is one (Home paints sooner without it)."""
        if self._resume_box is None:
            box_frame = QFrame(self)
            box_frame.setObjectName("resume_box")
            box = QHBoxLayout(box_frame)
            self.resume_label = plain_label(box_frame, name="resume_label", wrap=True)  # a drill name
            # Translators: a button that resumes an interrupted session; {key} is its key ("R").
            self.resume_button = QPushButton(_("Resume  ({key})").format(key="R"), box_frame)
            self.resume_button.setObjectName("resume")
            self.discard_button = QPushButton(_("Discard"), box_frame)
            self.discard_button.setObjectName("discard")
            self.discard_button.setToolTip(_("Do not resume; the part already done stays in the history"))
            for w in (self.resume_button, self.discard_button):
                w.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # from Tab, never a click (ui/keys.py)
            box.addWidget(self.resume_label, 1)
            box.addWidget(self.resume_button)
            box.addWidget(self.discard_button)
            box_frame.hide()
            self._root.insertWidget(2, box_frame)  # under the heading and the notice
            self.discard_button.clicked.connect(self.discard_requested.emit)
            self._resume_box = box_frame
            self._bind_buttons()  # the resume button
            self._style_resume()
        return self._resume_box

    def show_resume(self, text: str | None, can_resume: bool = True) -> None:
        """Offer to resume an interrupted run (``text`` says where), or hide the offer (None)."""
        if text is None and self._resume_box is None:
            return
        self.resume_box.setVisible(text is not None)
        self.resume_label.setText(text or "")
        self.resume_button.setVisible(can_resume)

    # -- the user's own sessions: New, Duplicate, Edit, Delete, Export (the window does them) -------------
    own_folder: Path | None = None  # the user's sessions folder (set by the window); Delete only in it

    def is_own(self, e: SessionEntry | None) -> bool:
        """A file of the user's own (not a built-in): it may be edited."""
        return e is not None and not e.builtin

    def in_own_folder(self, e: SessionEntry | None) -> bool:
        """A file in the user's sessions folder: it may be deleted (a file opened from elsewhere may not)."""
        if not self.is_own(e) or self.own_folder is None:
            return False
        assert e is not None
        try:
            return Path(e.key).parent.resolve() == self.own_folder.resolve()
        except OSError:
            return False

    def can(self, name: str) -> bool:
        """Whether the session action ``name`` applies to the chosen session."""
        e = self.current
        if self.kiosk:
            return False
        if name == "new_session":
            return True
        if name == "duplicate_session":
            return e is not None and e.session is not None
        if name == "edit_session":
            return self.is_own(e)
        if name == "delete_session":
            return self.in_own_folder(e)
        if name == "export_session":
            return e is not None
        if name == "undo_delete_session":
            return self.undo_delete_button.isVisible()
        return False

    def set_session_actions(self) -> None:
        """Enable each session button for the chosen session; a kiosk shows none."""
        for b in self.session_buttons:
            b.setVisible(not self.kiosk)
            b.setEnabled(self.can(b.objectName()))

    def show_undo_delete(self, shown: bool) -> None:
        self.undo_delete_button.setVisible(shown and not self.kiosk)

    @property
    def draft_box(self) -> QFrame:
        """The offer to open an edit the editor kept before it was stopped (made the first time)."""
        if self._draft_box is None:
            frame = self._draft_box = QFrame(self)
            frame.setObjectName("draft_box")
            box = QHBoxLayout(frame)
            self.draft_label = plain_label(frame, name="draft_label", wrap=True)  # a title from a file
            self.draft_open_button = QPushButton(_("Open it"), frame)
            self.draft_open_button.setObjectName("draft_open")
            self.draft_open_button.setAccessibleName(_("Open the kept edit in the editor"))
            self.draft_open_button.setToolTip(_("Go on editing where you were"))
            self.draft_discard_button = QPushButton(_("Discard"), frame)
            self.draft_discard_button.setObjectName("draft_discard")
            self.draft_discard_button.setAccessibleName(_("Discard the kept edit"))
            self.draft_discard_button.setToolTip(_("Let the kept edit go; the session file stays as it was saved"))
            for w in (self.draft_open_button, self.draft_discard_button):
                w.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # from Tab, never a click (ui/keys.py)
            box.addWidget(self.draft_label, 1)
            box.addWidget(self.draft_open_button)
            box.addWidget(self.draft_discard_button)
            frame.hide()
            self._root.insertWidget(self._root.indexOf(self.notice) + 1, frame)
            self.draft_open_button.clicked.connect(self.draft_open_requested.emit)
            self.draft_discard_button.clicked.connect(self.draft_discard_requested.emit)
            self._style_resume()
        return self._draft_box

    def show_draft_offer(self, text: str | None) -> None:
        """Offer a kept draft (``text`` says which), or hide the offer (None)."""
        if text is None and self._draft_box is None:
            return
        self.draft_box.setVisible(text is not None and not self.kiosk)
        self.draft_label.setText(text or "")

    def _style_resume(self) -> None:
        mid = theme.scaled_px(self, 0.03, 12)
        if self._draft_box is not None:
            self._draft_box.setStyleSheet(f"QFrame#draft_box {{ background: {theme.PANEL.name()};"
                                          f" border: 2px solid {theme.NOTICE.name()}; border-radius: 6px; }}")
            self.draft_label.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {mid}px; border: none;")
            for b in (self.draft_open_button, self.draft_discard_button):
                b.setStyleSheet(f"font-size: {mid}px; min-height: {theme.scaled_px(self, 0.08, 44)}px;"
                                " padding: 0 18px;")
        if self._resume_box is None:
            return
        self._resume_box.setStyleSheet(f"QFrame#resume_box {{ background: {theme.PANEL.name()};"
                                       f" border: 2px solid {theme.NOTICE.name()}; border-radius: 6px; }}")
        self.resume_label.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {mid}px; border: none;")
        for b in (self.resume_button, self.discard_button):
            b.setStyleSheet(f"font-size: {mid}px; min-height: {theme.scaled_px(self, 0.08, 44)}px; padding: 0 18px;")

    def _style_broken(self) -> None:
        mid = theme.scaled_px(self, 0.03, 12)
        if self._details_file is not None:
            small = max(11, int(mid * 0.8))
            self._details_file.setStyleSheet(f"color: {theme.MUTED_TEXT.name()}; font-size: {small}px;")
        if self._reload_row is not None:
            self.reload_hint.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {max(11, int(mid * 0.8))}px;")
            self.reload_button.setStyleSheet(f"font-size: {mid}px; min-height: {theme.scaled_px(self, 0.08, 44)}px;"
                                             " padding: 0 18px;")

    @property
    def dose(self) -> str:
        return "high" if self.dose_high.isChecked() else "low"

    def set_dose(self, dose: str) -> None:
        (self.dose_high if dose == "high" else self.dose_low).setChecked(True)

    @Slot()
    def _on_dose_toggled(self) -> None:
        self.refresh_details()
        self.dose_changed.emit(self.dose)

    def set_entries(self, entries: list[SessionEntry], select: str = "") -> None:
        self.entries = entries
        self.list.clear()
        for e in entries:
            QListWidgetItem(e.label, self.list)
        keys = [e.key for e in entries]
        self.list.setCurrentRow(keys.index(select) if select in keys else 0)
        self.refresh_details()

    def add_entry(self, entry: SessionEntry) -> None:
        """Add (or replace) a session opened from a file, and select it."""
        keys = [e.key for e in self.entries]
        if entry.key in keys:
            self.entries[keys.index(entry.key)] = entry
        else:
            self.entries.append(entry)
        self.set_entries(self.entries, entry.key)

    def add_listed(self, entry: SessionEntry, select_if: str = "") -> None:
        """Add (or replace) an entry from the folder listing, keeping the selection, unless the selected
        entry's key is ``select_if`` (chosen only until this one came): then this one is selected."""
        current = self.current
        keys = [e.key for e in self.entries]
        if entry.key in keys:
            row = keys.index(entry.key)
            self.entries[row] = entry
            item = self.list.item(row)
            item.setText(entry.label)
        else:
            self.entries.append(entry)
            QListWidgetItem(entry.label, self.list)
            row = len(self.entries) - 1
        if select_if and current is not None and current.key == select_if:
            self.list.setCurrentRow(row)
        if self.list.currentRow() == row:
            self.refresh_details()

    @property
    def current(self) -> SessionEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    @property
    def details_file(self) -> QLabel:
        """The broken file's name, once, above its problems (made the first time one is shown)."""
        if self._details_file is None:
            label = self._details_file = plain_label(self, name="details_file", wrap=True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._details_box.insertWidget(1, label)
            self._style_broken()
        return self._details_file

    @property
    def reload_row(self) -> QFrame:
        """Under a broken file's problems: what to do, and Reload (made the first time one is shown)."""
        if self._reload_row is None:
            row = self._reload_row = QFrame(self)
            row.setObjectName("reload_row")
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            # Translators: "Reload" is the button's name (as translated).
            self.reload_hint = plain_label(row, _("Fix the file in your editor, save it, then press Reload."),
                                           name="reload_hint", wrap=True)
            # Translators: a button that checks a session file again.
            self.reload_button = QPushButton(_("Reload"), row)
            self.reload_button.setObjectName("reload_file")
            self.reload_button.setToolTip(_("Check this file again"))
            self.reload_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # from Tab, never a click (ui/keys.py)
            self.reload_button.clicked.connect(self._on_reload_clicked)
            box.addWidget(self.reload_hint, 1)
            box.addWidget(self.reload_button)
            self._details_box.addWidget(row)
            self._style_broken()
        return self._reload_row

    def _on_reload_clicked(self) -> None:
        e = self.current
        if e is not None and e.session is None and not e.builtin and e.key not in self._checking:
            self.recheck_requested.emit(e.key)

    def set_checking(self, key: str, checking: bool) -> None:
        """A file is being checked again (Reload pressed) or is done; its Reload waits meanwhile."""
        (self._checking.add if checking else self._checking.discard)(key)
        e = self.current
        if e is not None and e.key == key:
            self.refresh_details()

    def _show_broken(self, e: SessionEntry) -> None:
        self.details_title.setText(_("Cannot open this session"))
        if e.error is None:
            self.details.setText("")
            self._describe_details("")
            return
        where, problems = problems_text(e.error, e.key)
        self.details_file.setText(where)
        self.details_file.show()
        self.details.setText(problems)  # one problem a line, the first 50 and a count
        # Translators: what a screen reader is told of a file that cannot be opened: {where} says the file
        # ("File: ..."), {problems} its problems, one a line.
        self._describe_details(_("Cannot open this session. {where}\n{problems}").format(
            where=where, problems=problems))
        if not e.builtin:
            self.reload_row.show()
            checking = e.key in self._checking
            self.reload_button.setEnabled(not checking)
            self.reload_button.setText(_("Checking…") if checking else _("Reload"))

    def refresh_details(self) -> None:
        e = self.current
        self.set_session_actions()  # Edit and Delete for the user's own sessions only
        if self._details_file is not None:
            self._details_file.hide()
        if self._reload_row is not None:
            self._reload_row.hide()
        if (e is None or e.session is None) and self._figures is not None:
            self._figures.set_drills([])
        if e is None:
            self.details_title.setText("")
            self.details.setText("")
            self._describe_details("")
            return
        if e.session is None:
            self._show_broken(e)
            return
        s = e.shown  # in the current language's words, where the session has them
        assert s is not None
        self.figures.set_drills([(i, d.name, d.movement) for i, d in enumerate(s.drills, 1)])
        self._fit_later.start(0)
        from ..session.timeline import compile_timeline

        t = compile_timeline(e.session, self.dose)  # type: ignore[arg-type]
        clock = timefmt.clock(t.total)
        # Translators: a session's length when a step of it has no set time ("about 14:30").
        total = _("about {time}").format(time=clock) if t.has_open else clock
        drills: list[str] = []
        said: list[str] = []  # the same lines for a screen reader: the caution in words, and what it says
        for d in s.drills:
            if d.hold is not None:
                seconds = d.hold.pick(self.dose)  # type: ignore[arg-type]
                if len(d.sides) > 1:
                    # Translators: a hold's length in seconds ("30 s each side"), held on each leg in turn.
                    what = _("{seconds} s each side").format(seconds=seconds)
                else:
                    # Translators: a hold's length in seconds ("30 s").
                    what = _("{seconds} s").format(seconds=seconds)
            else:
                assert d.reps is not None
                reps = d.reps.pick(self.dose)  # type: ignore[arg-type]
                # Translators: how many reps a set has.
                what = ngettext("{reps} rep", "{reps} reps", reps).format(reps=reps)
            sets = d.sets.pick(self.dose)  # type: ignore[arg-type]
            if sets > 1:
                # Translators: {sets} sets of {what} ("3 × 30 s", "2 × 8 reps").
                what = _("{sets} × {what}").format(sets=sets, what=what)
            if d.reps is not None and not d.tempo:
                # Translators: reps with no clock: the user counts them (Rep +1 and Set done).
                what = _("{what} (you count them)").format(what=what)
            number = len(drills) + 1
            if d.caution:
                # Translators: a drill on Home, for a screen reader: {number} its place in the session, {drill} its
                # name, {what} its dose ("3 × 30 s"), {caution} its warning.
                said.append(_("{number}. {drill}: {what}, caution: {caution}").format(
                    number=number, drill=d.name, what=what, caution=d.caution))
                # Translators: a drill on Home that has a warning: {number} its place in the session, {drill} its
                # name, {what} its dose ("3 × 30 s").
                drills.append(_("{number}. {drill}: {what} ⚠ caution").format(number=number, drill=d.name, what=what))
            else:
                # Translators: a drill on Home: {number} its place in the session, {drill} its name, {what} its
                # dose ("3 × 30 s").
                line = _("{number}. {drill}: {what}").format(number=number, drill=d.name, what=what)
                said.append(line)
                drills.append(line)
        equipment = sorted({item for d in s.drills for item in d.equipment})
        advice = self.suggest(e.key) if self.suggest is not None else None
        if self.dose == "high":
            # Translators: a session's length ("14:30", "about 14:30") at the dose chosen.
            at_dose = _("{total} at the high dose").format(total=total)
        else:
            # Translators: a session's length ("14:30", "about 14:30") at the dose chosen.
            at_dose = _("{total} at the low dose").format(total=total)
        lines = [at_dose]
        if advice is not None:
            lines.append(advice[1])
        if s.summary:
            lines += ["", s.summary]
        # Translators: {equipment} is the list of what the session's drills use, from the session's file.
        need = ["", _("You need: {equipment}").format(equipment=", ".join(equipment))] if equipment else []
        self.details_title.setText(s.title)
        self.details.setText("\n".join([*lines, "", *drills, *need]))
        self._describe_details("\n".join([s.title, *lines, "", *said, *need]))

    FIGURES_MIN = 56  # a strip of figures lower than this is not shown

    @property
    def figures(self) -> FigureStrip:
        """The strip of still figures under the details, one a drill (built the first time it is needed)."""
        if self._figures is None:
            from .figure import FigureStrip

            self._figures = FigureStrip(self)
            self._figures.hide()
            self._details_box.insertWidget(self._details_box.indexOf(self.details_scroll) + 1, self._figures)
        return self._figures

    def _fit_figures(self) -> None:
        """The strip of figures as tall as 17 % of Home, or as the details' words leave room for."""
        if self._figures is None:
            return
        if not self.figures.views:
            self.figures.hide()
            return
        spacing = max(0, self._details_box.spacing())
        have = self.details_scroll.height() + (self.figures.height() + spacing if self.figures.isVisible() else 0)
        need = self.details.heightForWidth(self.details_scroll.viewport().width()) if self.details.text() else 0
        tall = min(int(self.height() * 0.17), have - need - spacing)
        if tall < self.FIGURES_MIN:
            self.figures.hide()
            return
        if self.figures.height() != tall:
            self.figures.setFixedHeight(tall)
        self.figures.show()

    def _describe_details(self, text: str) -> None:
        """The details for a screen reader: what the label says, whole, is its description, and its name
        after "Session details: " (Orca 43 reads a focused label's name, never its description; measured
        in tests/integration/test_screen_reader.py).  An event only when it changes."""
        if self.details.accessibleDescription() != text:
            self.details.setAccessibleDescription(text)
            # Translators: the details' name for a screen reader; {details} is what they say, whole.
            self.details.setAccessibleName(_("Session details: {details}").format(details=text) if text
                                           else _("Session details"))

    @Slot()
    def request_start(self) -> None:
        e = self.current
        if e is not None:
            self.start_requested.emit(e, self.dose)

    def command_handlers(self) -> dict[str, commands.Handler]:
        """What Home does of the command table (app/commands.py); resuming only while it is offered."""
        handlers: dict[str, commands.Handler] = {
            "start": self.request_start,
            "choose_next": lambda: self.list.setCurrentRow(min(self.list.count() - 1, self.list.currentRow() + 1)),
            "choose_previous": lambda: self.list.setCurrentRow(max(0, self.list.currentRow() - 1)),
            "dose_low": lambda: self.set_dose("low"), "dose_high": lambda: self.set_dose("high"),
        }
        if self._resume_box is not None and self._resume_box.isVisible() and self.resume_button.isVisible():
            handlers["resume"] = self.resume_requested.emit
        return handlers

    def handle_key(self, key: int, text: str) -> bool:
        """Home's keys, from the command table; True if the key was used."""
        return commands.press(self.command_handlers(), commands.Context(commands.HOME), key, text)

    def _place_choose_row(self, portrait: bool | None = None) -> None:
        """The dose and the own-session buttons side by side when they fit (a landscape window in English),
        one above the other when not (portrait, or a language with long words)."""
        if portrait is None:
            portrait = self.height() > self.width()
        margins = self._root.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        rows = [row for i in range(self.choose_row.count())
                if (item := self.choose_row.itemAt(i)) is not None and (row := item.layout()) is not None]
        side_by_side_if_room(self.choose_row, rows, room, stack=portrait)
        # Open file, History and Start: one row, or one above the other when their words are too long for it.
        side_by_side_if_room(self.controls_row, (self.open_button, self.history_button, self.start_button), room)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self._place_choose_row(portrait)
        big, mid = theme.scaled_px(self, 0.06, 18), theme.scaled_px(self, 0.03, 12)
        self.heading.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {big}px; font-weight: bold;")
        self.list.setStyleSheet(f"QListWidget {{ font-size: {mid}px; color: {theme.TEXT.name()};"
                                f" background: {theme.PANEL.name()}; }} QListWidget::item {{ padding: 10px; }}")
        self.details.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {mid}px;")
        self._fit_later.start(0)
        self.details_title.setStyleSheet(f"color: {theme.TEXT.name()}; font-size: {int(mid * 1.5)}px;"
                                         " font-weight: bold;")
        # Our own indicator: the platform's checked and unchecked dots look alike on a dark window.
        dot = max(12, int(mid * 0.8))
        for w in (self.dose_low, self.dose_high):
            w.setStyleSheet(
                f"QRadioButton {{ color: {theme.TEXT.name()}; font-size: {mid}px; spacing: {dot // 2}px; }}"
                f" QRadioButton::indicator {{ width: {dot}px; height: {dot}px; border-radius: {dot // 2 + 2}px;"
                f" border: 2px solid {theme.MUTED_TEXT.name()}; background: transparent; }}"
                f" QRadioButton::indicator:checked {{ border: 2px solid {theme.TEXT.name()};"
                f" background: {theme.ROLE_COLOURS['rest'].name()}; }}")
        if self.notice.text():
            self._style_notice()
        self._style_resume()
        self._style_broken()
        for b in (self.open_button, self.start_button, self.history_button):
            b.setStyleSheet(f"font-size: {mid}px; min-height: {theme.scaled_px(self, 0.08, 44)}px; padding: 0 18px;")
        self.details_scroll.verticalScrollBar().setStyleSheet(
            f"QScrollBar:vertical {{ width: {max(10, mid // 2)}px; background: {theme.PANEL.name()}; border: none; }}"
            f" QScrollBar::handle:vertical {{ background: {theme.MUTED_TEXT.name()}; border-radius: 4px;"
            f" min-height: 30px; }} QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}")
        small = max(11, int(mid * 0.85))  # the session actions: a compact row, still touch-sized
        for b in (*self.session_buttons, self.undo_delete_button):
            b.setStyleSheet(f"font-size: {small}px; min-height: {theme.scaled_px(self, 0.07, 40)}px; padding: 0 10px;")
        self._place_choose_row(portrait)  # (the buttons' widths follow their new font)
