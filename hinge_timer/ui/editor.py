"""The session editor: a normal form over a Draft (session/draft.py), so nobody needs to write TOML.

Every edit goes through the Draft (``set``, ``set_kind``, ``move_drill``...), so undo and redo cover each one;
after an undo, a redo or a change of structure the form is shown again from the draft, with ``loading`` held so
that showing a value never sends it back as an edit.  What the loader says about the data (``Draft.check``)
is shown at each field, 150 ms after the last edit; the check is asked of the checking process by a worker
thread (a hundred drills take 150 ms), so typing never waits for it.  The drill list marks the drills with
problems, the top says how many there are, and the problems panel lists them (Enter or a click goes to the field).  Save is
refused while anything is wrong.  The live plan is ``Draft.plan``: the same figures as ``hinge-timer plan``.

The window (ui/main_window.py) shows the screen, runs Try it and Hear, and gets ``closed`` when the user
leaves.  Its dialogs are small functions (``ask_save_changes``, ``ask_conflict``) that tests replace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from shiboken6 import isValid

from .. import timefmt
from ..i18n import N_, _, ngettext
from ..plaintext import printable
from . import theme
from .editor_drill import DrillForm, button
from .editor_fields import (
    MARK,
    MIN_HEIGHT,
    Bind,
    Place,
    SecondsBox,
    TextBox,
    field_row,
    line_edit,
    parse_text,
    problem_style,
    put_line,
    show_problems,
)
from .widgets import plain_label

if TYPE_CHECKING:
    from ..qt.post import Post
    from ..session.checker import FileChecker
    from ..session.draft import Checked, Draft, DraftStore, Verdict
    from ..session.errors import Problem

log = logging.getLogger(__name__)

EDITOR = "editor_screen"  # the screen's object name (app/commands.py EDITOR)
CHECK_DELAY_MS = 150  # the check runs this long after the last edit
CHILD_LINE_MAX = 16 * 1024 * 1024  # a draft's answer holds its text (at most 1 MiB) and its plan's lines
STANDARD = {"get_ready": 10, "rest_between_sets": 45, "rest_between_drills": 30, "switch_sides": 8}
DOSES = (("low", N_("Low: the start of every range")), ("high", N_("High: the end of every range")))


# -- the dialogs, one small function each (tests replace them) --------------------------------------------
def ask_save_changes(parent: QWidget | None, title: str) -> str:
    """"save", "discard" or "cancel"."""
    from PySide6.QtWidgets import QMessageBox

    from .dialogs import ask_choice

    role = QMessageBox.ButtonRole
    # Translators: {title} is the session's title, or "this new session".
    return ask_choice(parent, QMessageBox.Icon.Question, _("Unsaved changes"),
                      _("Save changes to {title}?").format(title=title),
                      _("If you leave without saving, your changes are lost."),
                      [("save", _("Save"), role.AcceptRole), ("discard", _("Discard"), role.DestructiveRole)])


def ask_conflict(parent: QWidget | None, path: Path) -> str:
    """"reload", "copy" or "cancel"."""
    from PySide6.QtWidgets import QMessageBox

    from .dialogs import ask_choice

    role = QMessageBox.ButtonRole
    # Translators: {file} is the session file's path, on a line of its own.
    informative = _("{file}\n\nReload it (your changes here are dropped), or save what you have here as a copy, "
                    "next to it.").format(file=printable(str(path), limit=300))
    return ask_choice(parent, QMessageBox.Icon.Warning, _("The file changed"),
                      _("The file changed since you opened it."), informative,
                      [("reload", _("Reload"), role.DestructiveRole),
                       ("copy", _("Save as a copy"), role.AcceptRole)])


class DrillList(QListWidget):
    """The drills, in order; drag one to move it, or Alt+Up / Alt+Down.  The list never moves its own items:
    the move goes to the draft, and the list is made again from it."""

    def __init__(self, host: EditorScreen, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.setObjectName("drill_list")
        self.setAccessibleName(_("Drills"))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def drop_row(self, src: int, row: int, below: bool) -> int:
        """Where a drill dragged from ``src`` and dropped on ``row`` (its lower half: ``below``) goes."""
        at = row + (1 if below else 0)
        return at if at <= src else at - 1

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt's name)
        src = self.currentRow()
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            where = event.position().toPoint().y()
            to = self.drop_row(src, index.row(), where > self.visualRect(index).center().y())
        else:
            to = self.count() - 1
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if src >= 0 and to != src:
            self.host.move_drill(src, to)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.host.move_selected(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)


class EditorScreen(QWidget):
    saved = Signal(object)  # the Path of the saved file
    closed = Signal()  # the user left (after the unsaved-changes question, if any)
    try_requested = Signal(object, object)  # (Session, drill index or None for the whole session)
    hear_requested = Signal(str)  # a say line (or a phase's label) to play as it will sound
    dirty_changed = Signal(bool)  # the draft now differs (True) or not (False) from its file

    def __init__(self, sessions_dir: Path, drafts: DraftStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(EDITOR)
        self.sessions_dir = sessions_dir
        self.drafts = drafts
        self._draft: Draft | None = None
        self.drill_index = 0
        self.loading = False  # showing the draft: a control's change is not an edit
        self._dirty = False
        self._revision = -1
        self._checked: Checked | None = None
        self._checked_layout: tuple[object, ...] = ()  # the drills' layout (Draft.layout) when it was made
        self._resume_focus: QWidget | None = None  # where the focus was when the screen was hidden (Try it)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._check_later)
        # The check (the file's text made, checked and planned: 150 ms for a hundred drills) runs in the
        # checking process (session/checker.py), asked by a worker thread, one at a time; the form stays
        # live meanwhile and shows the result when it comes.  In a thread of this process its Python would
        # hold the window back (the interpreter's lock, its garbage collections: up to 50 ms at a time).
        self._pool: ThreadPoolExecutor | None = None
        self._child: FileChecker | None = None
        self._post: Post | None = None
        self._in_flight: Draft | None = None
        self._check_again = False

        outer = QVBoxLayout(self)
        # The form scrolls: what it shows or hides (a problem, the panel) never changes the window's size.
        outer.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        # -- the top: what is edited, its state, and the commands that are always there ----------------
        top = QHBoxLayout()
        self.heading = plain_label(self, "", name="editor_heading", wrap=True)
        self.heading.setAccessibleName(_("Session being edited"))
        top.addWidget(self.heading, 1)
        # (made in reading order: Tab follows the order widgets are made in)
        # Translators: the buttons' names for screen readers: the keys as the keyboard labels them.
        self.undo_button = button(self, _("Undo"), "editor_undo", _("Undo (Ctrl+Z)"))
        self.redo_button = button(self, _("Redo"), "editor_redo", _("Redo (Ctrl+Shift+Z)"))
        self.save_button = button(self, _("Save"), "editor_save", _("Save (Ctrl+S)"))
        self.back_button = button(self, _("Back"), "editor_back", _("Back to Home"))
        for b in (self.undo_button, self.redo_button, self.save_button, self.back_button):
            top.addWidget(b)
        outer.addLayout(top)
        self.back_button.clicked.connect(self.request_leave)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.save_button.clicked.connect(self.save)
        self.status = plain_label(self, "", name="editor_status", wrap=True)
        self.status.setAccessibleName(_("Problems"))
        outer.addWidget(self.status)
        # The live plan, always in sight as you edit: steps and time at both doses.
        self.plan_label = plain_label(self, "", name="plan_figures", wrap=True)
        self.plan_label.setAccessibleName(_("The plan"))
        outer.addWidget(self.plan_label)
        self.message = plain_label(self, "", name="editor_message", wrap=True)
        self.message.hide()
        outer.addWidget(self.message)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("problem_list")
        self.problem_list.setAccessibleName(_("Problems: press Enter to go to one"))
        self.problem_list.hide()
        self.problem_list.itemActivated.connect(lambda item: self.go_to(item.data(Qt.ItemDataRole.UserRole)))
        self.problem_list.itemClicked.connect(lambda item: self.go_to(item.data(Qt.ItemDataRole.UserRole)))
        outer.addWidget(self.problem_list)

        # -- the form -------------------------------------------------------------------------------------
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("editor_scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.scroll_area, 1)
        content = QWidget(self.scroll_area)
        content.setObjectName("editor_content")
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, content)
        left_box, right_box = QWidget(content), QWidget(content)
        left, right = QVBoxLayout(left_box), QVBoxLayout(right_box)
        left.setContentsMargins(0, 0, 0, 0)
        right.setContentsMargins(0, 0, 0, 0)
        self.columns.setContentsMargins(8, 4, 8, 8)
        self.columns.setSpacing(24)
        self.columns.addWidget(left_box, 1)
        self.columns.addWidget(right_box, 1)
        self.scroll_area.setWidget(content)
        self._binds: list[Bind] = []

        left.addWidget(self._section(left_box, N_("The session")))
        self.title = line_edit(left_box, "session_title")
        row, p = field_row(left_box, _("Title"), self.title, "session_title", _("Session title"))
        left.addWidget(row)
        self.title.textEdited.connect(lambda t: self.edit_value(("title",), t))
        self._binds.append(Bind(lambda: ("title",), lambda v: put_line(self.title, "" if v is None else str(v)),
                                p, self.title))
        self.summary = TextBox(left_box, 3)
        row, p = field_row(left_box, _("Summary (shown on Home)"), self.summary, "session_summary", _("Summary"))
        left.addWidget(row)
        self.summary.textChanged.connect(lambda: self.edit_value(("summary",), parse_text(self.summary.toPlainText())))
        self._binds.append(Bind(lambda: ("summary",), lambda v: self.summary.put("" if v is None else str(v)),
                                p, self.summary))
        self.defaults: dict[str, SecondsBox] = {}
        for key, text in (("get_ready", _("Get ready before each drill")),
                          ("rest_between_sets", _("Rest between sets")),
                          ("rest_between_drills", _("Rest between drills")),
                          ("switch_sides", _("Time to switch sides"))):
            # Translators: in a seconds box, when the session leaves it to Hinge Timer's standard time.
            box = SecondsBox(left_box, _("standard ({seconds} s)").format(seconds=STANDARD[key]))
            row, p = field_row(left_box, text, box, f"default_{key}")
            left.addWidget(row)
            box.valueChanged.connect(lambda _v, key=key, box=box: self.edit_value(("defaults", key), box.read()))
            self._binds.append(Bind(partial(tuple, ("defaults", key)), box.put, p, box))
            self.defaults[key] = box
        self.dose = QComboBox(left_box)
        self.dose.setMinimumHeight(MIN_HEIGHT)
        for dose, words in DOSES:
            self.dose.addItem(_(words), dose)
        row, p = field_row(left_box, _("Dose used unless chosen on Home"), self.dose, "default_dose",
                           _("Default dose"))
        left.addWidget(row)
        self.dose.activated.connect(
            lambda _i: self.edit_value(("defaults", "dose"), None if self.dose.currentData() == "low" else "high"))
        self._binds.append(Bind(lambda: ("defaults", "dose"),
                                lambda v: self.dose.setCurrentIndex(1 if v == "high" else 0), p, self.dose))

        left.addWidget(self._section(left_box, N_("Drills")))
        self.drill_list = DrillList(self, left_box)
        list_label = plain_label(left_box, _("Drills, in order (drag, or Alt+Up and Alt+Down, to move one)"),
                                 name="drill_list_label", wrap=True)
        list_label.setBuddy(self.drill_list)
        left.addWidget(list_label)
        left.addWidget(self.drill_list)
        self.drill_list.currentRowChanged.connect(self._on_row_chosen)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        self.add_button = button(left_box, _("Add a drill"), "drill_add", _("Add a blank drill"))
        # Translators: a button that opens a menu of the built-in drills.
        self.copy_button = button(left_box, _("Add a copy of…"), "drill_add_copy",
                                  _("Add a copy of a built-in drill"))
        self.duplicate_button = button(left_box, _("Duplicate"), "drill_duplicate", _("Duplicate this drill"))
        self.remove_button = button(left_box, _("Remove"), "drill_remove", _("Remove this drill"))
        self.up_button = button(left_box, _("Move up"), "drill_up", _("Move this drill up"))
        self.down_button = button(left_box, _("Move down"), "drill_down", _("Move this drill down"))
        for b in (self.add_button, self.copy_button, self.duplicate_button):
            row1.addWidget(b)
        for b in (self.up_button, self.down_button, self.remove_button):
            row2.addWidget(b)
        left.addLayout(row1)
        left.addLayout(row2)
        self.copy_menu = QMenu(self.copy_button)
        self.copy_menu.setObjectName("drill_copy_menu")
        self.copy_menu.aboutToShow.connect(self._fill_copy_menu)
        self.copy_button.setMenu(self.copy_menu)
        self.add_button.clicked.connect(self._add_blank)
        self.duplicate_button.clicked.connect(
            lambda: self.structure(lambda d, i: self._select(d.duplicate_drill(i)), focus="drill_list"))
        self.remove_button.clicked.connect(self._remove)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        left.addWidget(self._section(left_box, N_("The plan")))
        self.steps_button = button(left_box, _("Show the steps (low dose)"), "plan_steps_toggle")
        self.steps_button.setCheckable(True)
        left.addWidget(self.steps_button)
        self.steps = QPlainTextEdit(left_box)
        self.steps.setObjectName("plan_steps")
        self.steps.setAccessibleName(_("The plan's steps at the low dose"))
        self.steps.setReadOnly(True)
        self.steps.setTabChangesFocus(True)
        self.steps.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.steps.setMinimumHeight(200)
        self.steps.hide()
        left.addWidget(self.steps)
        self.steps_button.toggled.connect(self._toggle_steps)
        left.addStretch(1)

        right.addWidget(self._section(right_box, N_("This drill")))
        self.form = DrillForm(self, right_box)
        right.addWidget(self.form)
        try_row = QHBoxLayout()
        self.try_drill_button = button(right_box, _("Try this drill"), "try_drill")
        self.try_session_button = button(right_box, _("Try the whole session"), "try_session")
        try_row.addWidget(self.try_drill_button)
        try_row.addWidget(self.try_session_button)
        right.addLayout(try_row)
        self.try_reason = plain_label(right_box, "", name="try_reason", wrap=True)
        right.addWidget(self.try_reason)
        right.addStretch(1)
        self.try_drill_button.clicked.connect(self.try_drill)
        self.try_session_button.clicked.connect(self.try_session)
        self._style()

    # -- building ---------------------------------------------------------------------------------------
    def _section(self, parent: QWidget, text: str) -> QWidget:
        """A section's heading: ``text`` is its English (marked with N_), which also names the label."""
        label = plain_label(parent, _(text), name="section_" + text.lower().replace(" ", "_"))
        label.setProperty("section", True)
        return label

    def _style(self) -> None:
        size = max(15, theme.scaled_px(self, 0.022, 15))
        self.setStyleSheet(
            f"QWidget#editor_screen, QWidget#editor_content {{ background: {theme.BACKGROUND.name()}; }}"
            f" QLabel {{ color: {theme.TEXT.name()}; font-size: {size}px; }}"
            f" QLabel[section=\"true\"] {{ font-size: {int(size * 1.4)}px; font-weight: bold; margin-top: 8px; }}"
            f" QLabel#editor_heading {{ font-size: {int(size * 1.6)}px; font-weight: bold; }}"
            f" QLineEdit, QPlainTextEdit, QSpinBox, QComboBox, QListWidget, QPushButton {{ font-size: {size}px; }}"
            " QListWidget::item { padding: 8px; }")  # rows a finger can choose
        for label in self.findChildren(type(self.status)):
            if label.objectName().endswith("_problems"):
                label.setStyleSheet(problem_style() + f" font-size: {size}px;")

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(320, 240)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1280, 800)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        portrait = self.height() > self.width() or self.width() < 1000
        self.columns.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self._style()

    # -- the draft ----------------------------------------------------------------------------------------
    @property
    def draft(self) -> Draft | None:
        return self._draft

    def edit(self, draft: Draft, select_drill: int = 0) -> None:
        """Show this draft (in place of the last one)."""
        if draft is not self._draft:
            self._resume_focus = None  # another draft starts at its title
            self._checked = None  # (never another draft's problems while this one's check is under way)
        self._draft = draft
        self.drill_index = max(0, min(select_drill, draft.drill_count - 1))
        self._revision = draft.revision
        self._dirty = draft.dirty
        self.message.hide()
        self.refresh()
        self.dirty_changed.emit(self._dirty)

    def drill_place(self) -> Place:
        return ("drill", self.drill_index)

    def first_field(self) -> QWidget:
        """Where the focus lands when the editor is shown: where it was (back from Try it), else the title."""
        last = self._resume_focus
        return last if last is not None and isValid(last) and last.isVisible() and last.isEnabled() else self.title

    def refresh(self) -> None:
        """Show the draft as it is now, every field, without sending anything back."""
        d = self._draft
        if d is None:
            return
        self.loading = True
        try:
            for b in self._binds:
                place = b.place()
                if place is not None:
                    b.put(d.get(place))
            self._fill_list()
            self.form.load()
        finally:
            self.loading = False
        self._show_state()
        self.show_check()  # (this revision's check if done, else the last one's while drills are where they were)

    def _fill_list(self) -> None:
        d = self._draft
        assert d is not None
        self.drill_list.blockSignals(True)
        try:
            if self.drill_list.count() != d.drill_count:
                self.drill_list.clear()
                for _row in range(d.drill_count):
                    QListWidgetItem("", self.drill_list)
            self._name_items()
            self.drill_list.setCurrentRow(self.drill_index)
        finally:
            self.drill_list.blockSignals(False)
        n = d.drill_count
        # As tall as its drills, from 3 to 8 rows (then it scrolls): the chosen drill's form stays near.
        row = max(self.drill_list.sizeHintForRow(0), self.drill_list.fontMetrics().height() + 4)
        self.drill_list.setFixedHeight(row * max(3, min(8, n)) + 2 * self.drill_list.frameWidth() + 4)
        self.up_button.setEnabled(self.drill_index > 0)
        self.down_button.setEnabled(self.drill_index < n - 1)
        self.remove_button.setEnabled(n > 1)

    def _name_items(self) -> None:
        d = self._draft
        assert d is not None
        checked = self._checked
        from ..session.draft import KINDS, field_of

        for i in range(min(self.drill_list.count(), d.drill_count)):
            name = d.get(("drill", i, "name"))
            name = printable(str(name), limit=80) if name else _("(no name yet)")
            bad = checked is not None and bool(checked.within(field_of(("drill", i))))
            # Translators: a row of the editor's list of drills: {number} its place in the list, {name} the
            # drill's name (from the session file), {kind} its kind ("hold (per side)"...).
            row = _("{number}. {name} · {kind}").format(number=i + 1, name=name, kind=_(KINDS[d.kind(i)]))
            text = f"{MARK} {row}" if bad else row
            item = self.drill_list.item(i)
            if item.text() != text:
                item.setText(text)
                # Translators: what a screen reader says of a drill with problems; {drill} is the list's row.
                item.setData(Qt.ItemDataRole.AccessibleTextRole,
                             _("has problems: {drill}").format(drill=row) if bad else text)

    def _show_state(self) -> None:
        d = self._draft
        if d is None:
            return
        title = d.get(("title",))
        title = printable(str(title), limit=80) if title else _("(no title yet)")
        # Translators: the editor's heading; {title} is the session's title.
        heading = (_("New session: {title}") if d.path is None else _("Editing: {title}")).format(title=title)
        if d.dirty:
            # Translators: {heading} is "Editing: <title>" or "New session: <title>".
            heading = _("{heading} • unsaved changes").format(heading=heading)
        self.heading.setText(heading)
        self.undo_button.setEnabled(d.can_undo)
        self.redo_button.setEnabled(d.can_redo)

    # -- edits -----------------------------------------------------------------------------------------
    def edit_value(self, place: Place, value: Any) -> None:
        """A field of the session changed (typed, chosen): into the draft."""
        if not self.loading:
            self.apply(place, value)

    def apply(self, place: Place, value: Any) -> None:
        d = self._draft
        if d is None or self.loading:
            return
        d.set(place, value)
        self._changed(refresh=False)

    def structure(self, change: Callable[[Draft, int], object], focus: str | None) -> None:
        """A change of the draft's shape (a kind, sides, a drill or phase added, moved, removed): made, then the
        whole form shown again, the focus on ``focus`` (an object name) if it is still there."""
        d = self._draft
        if d is None or self.loading:
            return
        change(d, self.drill_index)
        self._changed(refresh=True)
        if focus is not None:
            target = self.findChild(QWidget, focus)
            if target is not None and target.isVisible() and target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(target, QLineEdit):
                    target.selectAll()  # a new drill's name: typing replaces it

    def _changed(self, refresh: bool) -> None:
        d = self._draft
        assert d is not None
        self.say("")  # "Not saved", "Saved to": about what was, not what is now
        self.drill_index = max(0, min(self.drill_index, d.drill_count - 1))
        if refresh:
            self.refresh()
        else:
            self._name_items()
            self._show_state()
            self._check_timer.start()
        if d.revision != self._revision:
            self._revision = d.revision
            if self.drafts is not None:
                self.drafts.keep(d)
        if d.dirty != self._dirty:
            self._dirty = d.dirty
            self.dirty_changed.emit(self._dirty)

    def _select(self, i: int) -> None:
        self.drill_index = i

    def _on_row_chosen(self, row: int) -> None:
        if self.loading or row < 0 or self._draft is None:
            return
        self.drill_index = row
        self.loading = True
        try:
            self.form.load()
        finally:
            self.loading = False
        self._fill_list()
        self.show_check()

    def _add_blank(self) -> None:
        self.structure(lambda d, i: self._select(d.add_drill(i + 1)), focus="drill_name")

    def _remove(self) -> None:
        if self._draft is not None and self._draft.drill_count > 1:
            self.structure(lambda d, i: d.remove_drill(i), focus="drill_list")

    def move_selected(self, step: int) -> None:
        d = self._draft
        if d is None:
            return
        to = self.drill_index + step
        if 0 <= to < d.drill_count:
            self.move_drill(self.drill_index, to)

    def move_drill(self, src: int, to: int) -> None:
        def move(d: Draft, _i: int) -> None:
            d.move_drill(src, to)
            self._select(to)

        self.structure(move, focus=None)

    def _fill_copy_menu(self) -> None:
        from ..session.draft import builtin_drills

        self.copy_menu.clear()
        by_session: dict[str, QMenu] = {}
        for session_title, name, data in builtin_drills():
            sub = by_session.get(session_title)
            if sub is None:
                sub = by_session[session_title] = self.copy_menu.addMenu(session_title.replace("&", "&&"))
            action = QAction(name.replace("&", "&&"), sub)
            action.triggered.connect(lambda _checked=False, data=data: self.add_copy(data))
            sub.addAction(action)

    def add_copy(self, data: dict[str, Any]) -> None:
        """A copy of a built-in drill, after the selected one."""
        self.structure(lambda d, i: self._select(d.add_drill(i + 1, data)), focus="drill_name")

    def _toggle_steps(self, on: bool) -> None:
        self.steps.setVisible(on)
        self.steps_button.setText(_("Hide the steps") if on else _("Show the steps (low dose)"))

    def undo(self) -> None:
        if self._draft is not None and self._draft.undo():
            self._changed(refresh=True)

    def redo(self) -> None:
        if self._draft is not None and self._draft.redo():
            self._changed(refresh=True)

    # -- what the loader says ------------------------------------------------------------------------------
    def _all_binds(self) -> list[Bind]:
        return [*self._binds, *self.form.binds()]

    @property
    def checking(self) -> bool:
        """An edit's check is still to come or under way: what the form shows is the last check's."""
        return self._check_timer.isActive() or self._in_flight is not None

    def _check_later(self) -> None:
        """Show the check of the draft as it is now: at once if it is done, else when the worker has done it."""
        self._check_timer.stop()
        d = self._draft
        if d is None:
            return
        if d.checked_now is not None:
            self.show_check()
            return
        if self._in_flight is not None:  # one at a time: the newest revision is checked after this one
            self._check_again = True
            return
        pool, post, child = self._worker()

        def finished(future: Future[Verdict]) -> None:  # on the worker thread
            post(partial(self._checked_in, d, future))

        future = pool.submit(d.checker(child.ask))
        self._in_flight = d
        future.add_done_callback(finished)

    def _worker(self) -> tuple[ThreadPoolExecutor, Post, FileChecker]:
        """The worker thread and the checking process, started when the first draft is shown."""
        if self._pool is None or self._post is None or self._child is None:
            from ..qt.post import Post
            from ..session.checker import FileChecker

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="editor-check")
            self._post = Post()
            self._child = FileChecker(line_max=CHILD_LINE_MAX)
            self._pool.submit(self._child.start)  # (its imports, while the user looks at the form)
        return self._pool, self._post, self._child

    def _checked_in(self, d: Draft, future: Future[Verdict]) -> None:
        if not isValid(self):
            return
        self._in_flight = None
        self._check_again = False
        exc = future.exception()
        if exc is not None:  # (a bug, not the user's file: its problems come back as a Verdict)
            log.error("checking the draft failed", exc_info=exc)
            if d is self._draft:
                self.status.setText(f"{MARK} " + _("The check failed (a fault in Hinge Timer, logged); the next "
                                                   "edit tries again."))
                self.status.setStyleSheet(problem_style())
            return
        if d is self._draft:
            d.accept(future.result())
        now = self._draft  # (the draft shown now: this one, or one opened meanwhile)
        if now is None:
            return
        if now.checked_now is not None:
            self.show_check()
        elif not self._check_timer.isActive():
            self._check_later()  # changed meanwhile, or another draft: that one now

    def stop_checking(self) -> None:
        """At exit: the worker let go (a check under way ends on its own; nothing is shown after)."""
        self._check_timer.stop()
        if self._child is not None:
            self._child.cancel()  # (a check under way ends at once)
        if self._pool is not None:
            if self._child is not None:
                self._pool.submit(self._child.close)  # reaped in the worker, never waited on here
            self._pool.shutdown(wait=False)
        if self._post is not None:
            self._post.close()  # (the answer of a check under way is dropped)
        self._pool = self._post = self._child = None
        self._in_flight, self._check_again = None, False

    def show_check(self) -> None:
        """The draft checked: each field's problems under it, the list's marks, the count, the panel, the plan."""
        self._check_timer.stop()
        d = self._draft
        if d is None:
            return
        from ..session.draft import field_of

        checked = d.checked_now
        if checked is None:  # not checked yet: the last check shown meanwhile, this one when it is done
            self._check_later()
            checked = self._checked
            if checked is None or self._checked_layout != d.layout:
                # The first check of this draft (the checking process may be starting), or drills added,
                # removed or moved since the last one: its problems would land on the wrong drills.
                self._show_unchecked()
                return
        self._checked, self._checked_layout = checked, d.layout
        for b in self._all_binds():
            place = b.place()
            show_problems(b.problems, checked.at(field_of(place)) if place is not None else [])
        show_problems(self.form.kind_problems, checked.at(field_of(self.drill_place())))
        self._name_items()
        n = len(checked.problems)
        self.status.setText(_("No problems: ready to save.") if n == 0 else f"{MARK} " + ngettext(
            "{n} problem to fix before saving (listed below).",
            "{n} problems to fix before saving (listed below).", n).format(n=n))
        self.status.setStyleSheet("" if n == 0 else problem_style())
        self.problem_list.clear()
        for p in checked.problems:
            item = QListWidgetItem(f"{MARK} {self.describe(p)}", self.problem_list)
            item.setData(Qt.ItemDataRole.UserRole, p.field)
        self.problem_list.setVisible(n > 0)
        if n:  # as tall as its lines, up to five
            rows = sum(self.problem_list.sizeHintForRow(r) for r in range(min(n, 5)))
            self.problem_list.setFixedHeight(rows + 2 * self.problem_list.frameWidth() + 4)
        self._show_plan()
        self.try_drill_button.setEnabled(checked.ok)
        self.try_session_button.setEnabled(checked.ok)
        self.try_reason.setText("" if checked.ok else _("To try it, fix the problems first."))
        self.try_reason.setVisible(not checked.ok)
        self.form.show_defaults({k: self._default(k) for k in STANDARD})

    def _show_unchecked(self) -> None:
        """While the first check of a draft (or of a new order of drills) is under way: no problems shown
        (none of another draft or order), Try not offered yet."""
        self._checked = None
        for b in self._all_binds():
            show_problems(b.problems, [])
        show_problems(self.form.kind_problems, [])
        self._name_items()
        self.status.setText(_("Checking…"))
        self.status.setStyleSheet("")
        self.problem_list.clear()
        self.problem_list.hide()
        self.plan_label.setText(_("Checking…"))
        self.steps.setPlainText("")
        self.try_drill_button.setEnabled(False)
        self.try_session_button.setEnabled(False)
        self.try_reason.hide()

    def _default(self, key: str) -> int:
        value = self._draft.get(("defaults", key)) if self._draft is not None else None
        return value if isinstance(value, int) and not isinstance(value, bool) else STANDARD[key]

    def _drill_of(self, field: str) -> int | None:
        from ..session.draft import field_of

        d = self._draft
        if d is None:
            return None
        for i in range(d.drill_count):
            prefix = field_of(("drill", i))
            if field == prefix or field.startswith((prefix + ".", prefix + "[")):
                return i
        return None

    def describe(self, p: Problem) -> str:
        """A problem in the editor's words: which drill (as the list numbers them) and which field."""
        field, message = printable(p.field, limit=200), printable(p.message)
        i = self._drill_of(p.field)
        if i is not None:
            from ..session.draft import field_of

            rest = p.field[len(field_of(("drill", i))):].lstrip(".")
            if rest:
                # Translators: a problem in the list: {number} the drill's place in the list, {field} the
                # field in the file ("tempo[2].seconds"), {message} what is wrong.
                return _("Drill {number}, {field}: {message}").format(number=i + 1, field=printable(rest, limit=200),
                                                                     message=message)
            # Translators: a problem in the list: {number} the drill's place in the list, {message} what is wrong.
            return _("Drill {number}: {message}").format(number=i + 1, message=message)
        # Translators: a problem in the list: {field} the field in the file ("title"), {message} what is wrong.
        return _("{field}: {message}").format(field=field, message=message) if field else message

    def go_to(self, field: str) -> None:
        """The problems panel's Enter or click: the drill shown, the focus on the field the problem is about."""
        from ..session.draft import field_of

        i = self._drill_of(field)
        if i is not None and i != self.drill_index:
            self.drill_list.setCurrentRow(i)
        best: tuple[int, QWidget] | None = None
        for b in self._all_binds():
            place = b.place()
            if place is None or not b.focus.isVisible():
                continue
            f = field_of(place)
            if (field == f or field.startswith((f + ".", f + "["))) and (best is None or len(f) > best[0]):
                best = (len(f), b.focus)
        target = best[1] if best is not None else (self.form.kind if i is not None else self.title)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(target)

    def _show_plan(self) -> None:
        d = self._draft
        if d is not None and d.checked_now is None:
            return  # (the plan of the last check stays until this one is done)
        plan = d.plan() if d is not None else None
        if plan is None:
            self.plan_label.setText(_("The plan shows once the problems are fixed."))
            self.steps.setPlainText("")
            return
        # Translators: the plan at the low dose: {n} its steps, {time} its length ("12:30").
        low = ngettext("Low: {n} step, about {time}", "Low: {n} steps, about {time}",
                       plan.steps_low).format(n=plan.steps_low, time=timefmt.clock(plan.total_low))
        # Translators: the plan at the high dose: {n} its steps, {time} its length ("12:30").
        high = ngettext("High: {n} step, about {time}", "High: {n} steps, about {time}",
                        plan.steps_high).format(n=plan.steps_high, time=timefmt.clock(plan.total_high))
        text = f"{low} · {high}"
        if plan.estimated:
            text += _(" (sets you count reckoned at 4 s a rep)")
        self.plan_label.setText(text)
        lines = "\n".join(printable(line, limit=300) for line in plan.lines_low)
        if self.steps.toPlainText() != lines:
            self.steps.setPlainText(lines)

    # -- saving, leaving, trying ------------------------------------------------------------------------
    def say(self, text: str, problem: bool = False) -> None:
        """A line above the form about what just happened (saved, not saved, a line being made ready)."""
        self.message.setText(text)
        self.message.setStyleSheet(problem_style() if problem else "")
        self.message.setVisible(bool(text))

    def save(self) -> bool:
        """Ctrl+S, Save: written, or refused with the reason shown here.  True if it was saved."""
        from ..safeio import describe
        from ..session.draft import DraftConflict, DraftInvalid

        d = self._draft
        if d is None:
            return False
        try:
            path = d.save(self.sessions_dir)
        except DraftInvalid as e:
            self.show_check()
            n = len(e.problems)
            self.say(f"{MARK} " + ngettext("Not saved: fix the {n} problem listed below first.",
                                           "Not saved: fix the {n} problems listed below first.", n).format(n=n),
                     True)
            self.problem_list.setCurrentRow(0)
            self.problem_list.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        except DraftConflict as e:
            answer = ask_conflict(self, e.path)
            if answer == "reload":
                d.reload()
                self._changed(refresh=True)
                self.say(_("Reloaded from the file: the changes made here were dropped."))
                return False
            if answer != "copy":
                return False
            try:
                path = d.save_copy(self.sessions_dir)
            except OSError as e2:
                # Translators: {place} is the folder it could not be saved to, {reason} the system's reason.
                self.say(f"{MARK} " + _("Not saved to {place}: {reason}").format(
                    place=printable(str(self.sessions_dir), limit=300), reason=describe(e2)), True)
                return False
        except OSError as e:
            where = d.path if d.path is not None else self.sessions_dir
            # Translators: {place} is the file or folder it could not be saved to, {reason} the system's reason.
            self.say(f"{MARK} " + _("Not saved to {place}: {reason}").format(
                place=printable(str(where), limit=300), reason=describe(e)), True)
            return False
        if self.drafts is not None:
            self.drafts.forget(d)
        self._changed(refresh=True)
        # Translators: {file} is the path of the file the session was saved to.
        self.say(_("Saved to {file}").format(file=printable(str(path), limit=300)))
        self.saved.emit(path)
        return True

    def request_leave(self) -> None:
        """Esc, Back, the window closing: if there are unsaved changes, ask first; then ``closed``."""
        d = self._draft
        if d is not None and d.dirty:
            title = d.get(("title",))
            # Translators: in "Save changes to {title}?" when the session has no title yet.
            answer = ask_save_changes(self, printable(str(title), limit=80) if title else _("this new session"))
            if answer == "cancel" or (answer == "save" and not self.save()):
                return
        if d is not None and self.drafts is not None:
            self.drafts.forget(d)
        self._check_timer.stop()
        self.closed.emit()

    def try_drill(self) -> None:
        d = self._draft
        session = d.drill_session(self.drill_index) if d is not None else None
        if session is not None:
            self.try_requested.emit(session, self.drill_index)

    def try_session(self) -> None:
        d = self._draft
        session = d.session() if d is not None else None
        if session is not None:
            self.try_requested.emit(session, None)

    # -- keys ---------------------------------------------------------------------------------------------
    def command_handlers(self) -> dict[str, Callable[..., object]]:
        return {"editor_save": self.save, "editor_undo": self.undo, "editor_redo": self.redo,
                "editor_leave": self.request_leave, "editor_try_drill": self.try_drill,
                "editor_try_session": self.try_session}

    def handle_key(self, key: int, text: str, *, ctrl: bool = False, shift: bool = False) -> bool:
        """The editor's own keys (ui/keys.py leaves every other key to the focused field): Ctrl+S saves,
        Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo, Escape leaves.  True if the key was used."""
        K = Qt.Key
        if key == K.Key_Escape and not ctrl:
            self.request_leave()
            return True
        if not ctrl:
            return False
        if key == K.Key_S and not shift:
            self.save()
        elif key == K.Key_Z:
            self.redo() if shift else self.undo()
        elif key == K.Key_Y and not shift:
            self.redo()
        else:
            return False
        return True

    def hideEvent(self, event: Any) -> None:  # noqa: N802
        focus = QApplication.focusWidget()
        self._resume_focus = focus if focus is not None and self.isAncestorOf(focus) else None
        self._check_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        d = self._draft
        if d is not None and not self.checking and (d.checked_now is None or d.checked_now is not self._checked):
            self._check_later()  # (an edit's check was still to come when it was hidden)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.stop_checking()
        super().closeEvent(event)


__all__ = ["EDITOR", "EditorScreen", "ask_conflict", "ask_save_changes"]
