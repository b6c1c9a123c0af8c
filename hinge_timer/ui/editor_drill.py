"""The selected drill's form in the session editor, and the table of its phases (a tempo or a cycle)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..figure.movement import movement, movement_names
from ..i18n import N_, _
from .figure import FigureView
from ..plaintext import printable
from .editor_fields import (
    MIN_HEIGHT,
    Bind,
    Place,
    SecondsBox,
    TextBox,
    field_row,
    format_lines,
    format_span,
    line_edit,
    parse_lines,
    parse_span,
    parse_text,
    problem_label,
    put_line,
)
from .widgets import plain_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..session.draft import Draft


class _MovementList(QComboBox):
    """The Movement list; ``closed`` when its popup closes, chosen from or not (the preview goes back)."""

    closed = Signal()

    def hidePopup(self) -> None:  # noqa: N802 (Qt override)
        super().hidePopup()
        self.closed.emit()

class Host(Protocol):
    """What the drill form uses of the editor screen (ui/editor.py's EditorScreen; not imported: it imports
    this module, and modules never import one another)."""

    drill_index: int
    loading: bool

    @property
    def draft(self) -> Draft | None: ...

    @property
    def hear_requested(self) -> Any: ...  # a Signal(str)

    def drill_place(self) -> Place: ...

    def apply(self, place: Place, value: Any) -> None: ...

    def structure(self, change: Callable[[Draft, int], object], focus: str | None) -> None: ...

# What the amount field is called for each kind of drill, and which key it edits.
# (The words are marked here and translated where they are shown.)
AMOUNT = {"hold": (N_("Hold, seconds per side (one number, or a range such as 60-90)"), "hold"),
          "cycle": (N_("Hold, seconds per side (one number, or a range such as 60-90)"), "hold"),
          "reps": (N_("Reps per set (one number, or a range such as 8-10)"), "reps"),
          "tempo": (N_("Reps per set (one number, or a range such as 8-10)"), "reps")}
PART = {"cycle": "cycle", "tempo": "tempo"}  # the kinds with phases, and their key


def button(parent: QWidget, text: str, name: str, accessible: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(accessible or text)
    b.setMinimumHeight(MIN_HEIGHT)
    return b


class PhaseTable(QWidget):
    """The phases of a tempo or a cycle, one row each: label, seconds, what is said, and Hear, Up, Down and
    Remove; Add phase below.  Rows are made again when their number changes (add, remove, undo)."""

    def __init__(self, host: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.setObjectName("phase_table")
        self.part = "tempo"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.heading = plain_label(self, "", name="phases_heading", wrap=True)
        layout.addWidget(self.heading)
        self.grid_box = QWidget(self)
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid_box)
        # Translators: the headings of the columns of the table of phases.
        for col, text in enumerate((_("Label on screen"), _("Seconds"), _("What is said (blank: the label)"))):
            self.grid.addWidget(plain_label(self.grid_box, text, name=f"phase_col_{col}", wrap=True), 0, col)
        self.problems = problem_label(self, "phases_problems")
        layout.addWidget(self.problems)
        self.add_button = button(self, _("Add a phase"), "add_phase")
        self.add_button.clicked.connect(self._add)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.rows: list[dict[str, Any]] = []

    # -- what the rows show ------------------------------------------------------------------
    def load(self, part: str, phases: list[dict[str, Any]]) -> None:
        self.part = part
        self.heading.setText(_("Phases of each rep (the reps then count themselves)") if part == "tempo"
                             else _("Phases that repeat through the hold"))
        if len(self.rows) != len(phases):
            self._build(len(phases))
        for j, phase in enumerate(phases):
            r = self.rows[j]
            put_line(r["label"], str(phase.get("phase", "") if phase.get("phase") is not None else ""))
            seconds = phase.get("seconds")
            r["seconds"].setValue(seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else 0)
            put_line(r["say"], "" if phase.get("say") is None else str(phase.get("say")))
            r["up"].setEnabled(j > 0)
            r["down"].setEnabled(j < len(phases) - 1)

    def _build(self, n: int) -> None:
        for r in self.rows:
            for w in r.values():
                if isinstance(w, QWidget):
                    w.setParent(None)
                    w.deleteLater()
        self.rows = []
        for j in range(n):
            num = j + 1
            label = line_edit(self.grid_box, f"phase_{j}_label")
            # Translators: the names screen readers give a phase's fields and buttons; {number} is the phase's
            # place in the table (1, 2...).
            label.setAccessibleName(_("Phase {number}: label on screen").format(number=num))
            seconds = QSpinBox(self.grid_box)
            seconds.setObjectName(f"phase_{j}_seconds")
            seconds.setRange(0, 60)
            # Translators: after a number of seconds in a number box ("5 s"), with its space.
            seconds.setSuffix(_(" s"))
            seconds.setMinimumHeight(MIN_HEIGHT)
            seconds.setAccessibleName(_("Phase {number}: seconds").format(number=num))
            say = line_edit(self.grid_box, f"phase_{j}_say")
            say.setAccessibleName(_("Phase {number}: what is said").format(number=num))
            hear = button(self.grid_box, _("Hear"), f"phase_{j}_hear", _("Hear phase {number}").format(number=num))
            up = button(self.grid_box, "↑", f"phase_{j}_up", _("Move phase {number} up").format(number=num))
            down = button(self.grid_box, "↓", f"phase_{j}_down", _("Move phase {number} down").format(number=num))
            remove = button(self.grid_box, _("Remove"), f"phase_{j}_remove",
                            _("Remove phase {number}").format(number=num))
            problems = problem_label(self.grid_box, f"phase_{j}_problems")
            # Narrow enough for a portrait window: the buttons as wide as their words, the texts the rest.
            for b in (hear, up, down, remove):
                b.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            for b in (up, down):
                b.setFixedWidth(max(MIN_HEIGHT, b.fontMetrics().horizontalAdvance("↑") + 24))
            seconds.setMaximumWidth(seconds.fontMetrics().horizontalAdvance("60" + seconds.suffix()) + 48)
            label.setMinimumWidth(60)
            say.setMinimumWidth(60)
            for col, w in enumerate((label, seconds, say, hear, up, down, remove)):
                self.grid.addWidget(w, 1 + 2 * j, col)
            self.grid.addWidget(problems, 2 + 2 * j, 0, 1, 7)
            label.textEdited.connect(lambda text, j=j: self._set(j, "phase", text))
            seconds.valueChanged.connect(lambda v, j=j: self._set(j, "seconds", v))
            say.textEdited.connect(lambda text, j=j: self._set(j, "say", parse_text(text)))
            hear.clicked.connect(lambda _checked=False, j=j: self._hear(j))
            up.clicked.connect(lambda _checked=False, j=j: self._move(j, j - 1))
            down.clicked.connect(lambda _checked=False, j=j: self._move(j, j + 1))
            remove.clicked.connect(lambda _checked=False, j=j: self._remove(j))
            self.rows.append({"label": label, "seconds": seconds, "say": say, "hear": hear, "up": up,
                              "down": down, "remove": remove, "problems": problems})
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(2, 3)
        # New rows are made after the rest of the form: put them back in reading order for Tab, after the
        # sides and before "Add a phase", and shown now (a layout shows a new child only later).
        prev = getattr(self.parentWidget(), "sides", None)
        for r in self.rows:
            for key in ("label", "seconds", "say", "hear", "up", "down", "remove"):
                w = r[key]
                w.show()
                if prev is not None:
                    QWidget.setTabOrder(prev, w)
                prev = w
        if prev is not None:
            QWidget.setTabOrder(prev, self.add_button)

    def binds(self) -> list[Bind]:
        host = self.host
        out = [Bind(lambda: (*host.drill_place(), self.part), lambda _v: None, self.problems, self.add_button)]
        for j, r in enumerate(self.rows):
            out.append(Bind(partial(self._row_place, j), lambda _v: None, r["problems"], r["label"]))
        return out

    def _row_place(self, j: int) -> Place:
        return (*self.host.drill_place(), self.part, j)

    # -- edits ------------------------------------------------------------------------------------
    def _set(self, j: int, key: str, value: Any) -> None:
        if not self.host.loading:
            self.host.apply((*self.host.drill_place(), self.part, j, key), value)

    def _hear(self, j: int) -> None:
        r = self.rows[j]
        line = r["say"].text().strip() or r["label"].text().strip()
        if line:
            self.host.hear_requested.emit(line)

    def _move(self, j: int, to: int) -> None:
        self.host.structure(lambda d, i: d.move_phase(i, self.part, j, to),
                            focus=f"phase_{to}_{'up' if to < j else 'down'}")

    def _remove(self, j: int) -> None:
        self.host.structure(lambda d, i: d.remove_phase(i, self.part, j), focus="add_phase")

    def _add(self) -> None:
        new: list[int] = []
        self.host.structure(lambda d, i: new.append(d.add_phase(i, self.part)), focus=None)
        if new and new[0] < len(self.rows):
            self.rows[new[0]]["label"].setFocus()
            self.rows[new[0]]["label"].selectAll()  # typing replaces "New phase"


class DrillForm(QWidget):
    """Everything about the selected drill, top to bottom in reading order."""

    def __init__(self, host: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.setObjectName("drill_form")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = plain_label(self, _("Drill"), name="drill_heading", wrap=True)
        layout.addWidget(self.heading)
        self._binds: list[Bind] = []

        def add(row: QWidget) -> None:
            layout.addWidget(row)

        from ..session.draft import KINDS, SIDES

        self.name = line_edit(self, "drill_name")
        row, p = field_row(self, _("Name"), self.name, "drill_name", _("Drill name"))
        add(row)
        self.name.textEdited.connect(lambda t: self._set(("name",), t))
        self._bind(("name",), lambda v: put_line(self.name, "" if v is None else str(v)), p, self.name)

        # The movement the figure beside the ring shows: "None", then the library's by title (the data: the name).
        self.movement = _MovementList(self)
        self.movement.setMinimumHeight(MIN_HEIGHT)
        # Translators: in the Movement list: no figure beside the ring.
        self.movement.addItem(_("None"), None)
        for name in movement_names():
            self.movement.addItem(movement(name).title, name)
        self._movement_items = self.movement.count()
        self._movement_other: Any = None  # a value from the file that is no movement, shown as an extra item
        row, p = field_row(self, _("Movement (the figure beside the ring)"), self.movement, "drill_movement",
                           _("Movement"))
        add(row)
        self.movement.activated.connect(self._movement_chosen)
        self._bind(("movement",), self._put_movement, p, self.movement)
        # A live preview: the chosen movement going through its rep slowly; while the list is open, the one
        # under the pointer or the arrow keys.
        self.movement_preview = FigureView(self, "movement_preview")
        self.movement_preview.setAccessibleName(_("Preview of the movement"))
        self.movement_preview.setFixedHeight(170)
        self.movement_preview.hide()
        add(self.movement_preview)
        self.movement.highlighted.connect(lambda i: self._preview(self.movement.itemData(i)))
        self.movement.closed.connect(lambda: self._preview(self._movement_value()))  # Esc: back to the drill's

        self.kind = QComboBox(self)
        self.kind.setMinimumHeight(MIN_HEIGHT)
        for kind_id, words in KINDS.items():
            self.kind.addItem(_(words), kind_id)
        row, self.kind_problems = field_row(self, _("Kind of drill"), self.kind, "drill_kind")
        add(row)
        self.kind.activated.connect(self._kind_chosen)

        self.amount = line_edit(self, "drill_amount")
        row, p = field_row(self, _(AMOUNT["hold"][0]), self.amount, "drill_amount")
        self.amount_label = row.findChild(QWidget, "drill_amount_label")
        add(row)
        self.amount.textEdited.connect(lambda t: self._set((self._amount_key(),), parse_span(t)))
        self._binds.append(Bind(lambda: (*self.host.drill_place(), self._amount_key()), lambda _v: None, p,
                                self.amount))

        self.sets = line_edit(self, "drill_sets")
        row, p = field_row(self, _("Sets (one number, or a range such as 2-3; blank: 1)"), self.sets, "drill_sets",
                           _("Sets"))
        add(row)
        self.sets.textEdited.connect(lambda t: self._set(("sets",), parse_span(t)))
        self._bind(("sets",), lambda v: put_line(self.sets, format_span(v)), p, self.sets)

        self.sides = QComboBox(self)
        self.sides.setMinimumHeight(MIN_HEIGHT)
        for words in SIDES:
            self.sides.addItem(_(words), words)  # (shown in the user's words; the data is the key)
        row, p = field_row(self, _("Sides"), self.sides, "drill_sides")
        add(row)
        self.sides.activated.connect(self._sides_chosen)
        self._bind(("sides",), lambda _v: None, p, self.sides)

        self.phases = PhaseTable(host, self)
        add(self.phases)

        self.how = TextBox(self, 4)
        row, p = field_row(self, _("How to do it"), self.how, "drill_how")
        add(row)
        self.how.textChanged.connect(lambda: self._set(("how",), parse_text(self.how.toPlainText())))
        self._bind(("how",), lambda v: self.how.put("" if v is None else str(v)), p, self.how)

        self.cues = TextBox(self, 3)
        row, p = field_row(self, _("Coaching cues, one a line"), self.cues, "drill_cues", _("Coaching cues"))
        add(row)
        self.cues.textChanged.connect(lambda: self._set(("cues",), parse_lines(self.cues.toPlainText())))
        self._bind(("cues",), lambda v: self.cues.put(format_lines(v)), p, self.cues)

        self.equipment = TextBox(self, 2)
        row, p = field_row(self, _("Equipment, one a line"), self.equipment, "drill_equipment", _("Equipment"))
        add(row)
        self.equipment.textChanged.connect(
            lambda: self._set(("equipment",), parse_lines(self.equipment.toPlainText())))
        self._bind(("equipment",),
                   lambda v: self.equipment.put(format_lines(v)), p, self.equipment)

        self.caution = TextBox(self, 3)
        row, p = field_row(self, _("Caution (shown first; it must be confirmed)"), self.caution, "drill_caution",
                           _("Caution"))
        add(row)
        self.caution.textChanged.connect(lambda: self._set(("caution",), parse_text(self.caution.toPlainText())))
        self._bind(("caution",), lambda v: self.caution.put("" if v is None else str(v)), p, self.caution)

        self.times: dict[str, SecondsBox] = {}
        for key, text in (("get_ready", _("Get ready")), ("rest_between_sets", _("Rest between sets")),
                          ("switch_sides", _("Time to switch sides")), ("rest_after", _("Rest after this drill"))):
            # Translators: in a drill's seconds box, when the drill takes the session's time.
            box = SecondsBox(self, _("as the session's"))
            row, p = field_row(self, text, box, f"drill_{key}")
            add(row)
            box.valueChanged.connect(lambda _v, key=key, box=box: self._set((key,), box.read()))
            self._bind((key,), box.put, p, box)
            self.times[key] = box
        switch_row = self.times["switch_sides"].parentWidget()
        assert switch_row is not None
        self.switch_row: QWidget = switch_row

    def _bind(self, tail: Place, put: Any, problems: Any, focus: QWidget) -> None:
        self._binds.append(Bind(lambda: (*self.host.drill_place(), *tail), put, problems, focus))

    def binds(self) -> list[Bind]:
        return [*self._binds, *self.phases.binds()]

    def _amount_key(self) -> str:
        return AMOUNT[self.kind.currentData() or "hold"][1]

    def _set(self, tail: Place, value: Any) -> None:
        if not self.host.loading:
            self.host.apply((*self.host.drill_place(), *tail), value)

    def _put_movement(self, value: Any) -> None:
        """Show the drill's movement; a value that names none (a misspelling, a number) is shown as it is, as an
        extra item, never replaced by another (the loader's message under it says what is wrong); choosing that
        item again puts the file's value back."""
        while self.movement.count() > self._movement_items:
            self.movement.removeItem(self.movement.count() - 1)
        index = 0 if value is None else self.movement.findData(value) if isinstance(value, str) else -1
        self._movement_other = None
        if index < 0:
            from ..session.model import shown

            self._movement_other = value
            self.movement.addItem(printable(shown(value)))  # quoted as in the file and the loader's message
            index = self.movement.count() - 1
        self.movement.setCurrentIndex(index)
        self._preview(value)

    def _preview(self, name: Any) -> None:
        """Show ``name``'s movement in the preview, moving; none (or a name the library lacks): no preview."""
        name = name if isinstance(name, str) else None
        self.movement_preview.preview(name)
        self.movement_preview.setVisible(self.movement_preview.movement is not None)

    def _movement_value(self, index: int | None = None) -> Any:
        index = self.movement.currentIndex() if index is None else index
        return self._movement_other if index >= self._movement_items else self.movement.itemData(index)

    def _movement_chosen(self, index: int) -> None:
        self._set(("movement",), self._movement_value(index))

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind.currentData()
        self.host.structure(lambda d, i: d.set_kind(i, kind), focus="drill_kind")

    def _sides_chosen(self, _index: int) -> None:
        words = self.sides.currentData()
        self.host.structure(lambda d, i: d.set_sides(i, words), focus="drill_sides")

    def load(self) -> None:
        """Show the selected drill as the draft has it now (the host holds ``loading`` meanwhile)."""
        draft, i = self.host.draft, self.host.drill_index
        if draft is None:
            return
        # Translators: the drill form's heading: {number} the drill's place in the list, {count} how many there are.
        self.heading.setText(_("Drill {number} of {count}").format(number=i + 1, count=draft.drill_count))
        kind = draft.kind(i)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        text, key = AMOUNT[kind]
        if self.amount_label is not None:
            self.amount_label.setText(_(text))  # type: ignore[attr-defined]
        self.amount.setAccessibleName(_("Hold seconds") if key == "hold" else _("Reps per set"))
        put_line(self.amount, format_span(draft.get((*self.host.drill_place(), key))))
        self.sides.setCurrentIndex(max(0, self.sides.findData(draft.sides(i))))
        self.switch_row.setVisible(draft.sides(i) in ("left then right", "right then left"))
        part = PART.get(kind)
        self.phases.setVisible(part is not None)
        if part is not None:
            phases = draft.get((*self.host.drill_place(), part))
            self.phases.load(part, [p if isinstance(p, dict) else {} for p in phases]
                             if isinstance(phases, list) else [])
        for b in self._binds:
            place = b.place()
            if place is not None:
                b.put(draft.get(place))

    def show_defaults(self, defaults: dict[str, int]) -> None:
        """The session's values, in the words of "as the session's" (updated as the session's change)."""
        names = {"get_ready": "get_ready", "rest_between_sets": "rest_between_sets", "switch_sides": "switch_sides",
                 "rest_after": "rest_between_drills"}
        for key, box in self.times.items():
            # Translators: in a drill's seconds box, when the drill takes the session's time ({seconds}).
            box.setSpecialValueText(_("as the session's ({seconds} s)").format(seconds=defaults[names[key]]))

    def focus_place(self, name: str) -> QWidget | None:
        w = self.findChild(QWidget, name)
        return w if isinstance(w, (QLineEdit, QComboBox, QPushButton, QSpinBox, TextBox)) else None
