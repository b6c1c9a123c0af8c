"""The editor's fields: how a value of a session file is shown in a control and read back from it, and the
row each field sits in (its visible label, the control, and its own problems just under it).

Every value read back is TOML-shaped data for ``Draft.set``; what the user types that is not a valid value
(a word where seconds go) is kept as typed, so the loader's own message names what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget

from ..i18n import _
from . import theme
from .widgets import plain_label

Place = tuple[str | int, ...]
MIN_HEIGHT = 40  # touch-sized at 1280x800: every button and field is at least this tall
MARK = "⚠"  # problems are marked with this, not by colour alone

_RANGE = re.compile(r"\s*(\d+)\s*(?:-|–|—|to)\s*(\d+)\s*")
_NUMBER = re.compile(r"\s*(\d+)\s*")


def parse_span(text: str) -> Any:
    """"60" -> 60, "60-90" (or "60 to 90") -> [60, 90], "" -> None (the key goes); anything else is kept
    as typed, for the loader to say what is wrong with it."""
    if not text.strip():
        return None
    m = _RANGE.fullmatch(text)
    if m:
        return [int(m[1]), int(m[2])]
    m = _NUMBER.fullmatch(text)
    if m:
        return int(m[1])
    return text


def format_span(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{value[0]}-{value[1]}"
    return str(value)


def parse_lines(text: str) -> list[str] | None:
    """One entry a line, blank lines left out; None when there is none (the key goes)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines or None


def format_lines(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def parse_text(text: str) -> str | None:
    return text if text.strip() else None


INT_MAX = 2**31 - 1


class SecondsBox(QSpinBox):
    """Seconds from 0 to ``top``, or "standard"/"as the session's" (the key left out): the lowest value,
    shown in words."""

    def __init__(self, parent: QWidget | None, unset: str, top: int = 600) -> None:
        super().__init__(parent)
        self.top = top
        self.setRange(-1, top)
        # Translators: after a number of seconds in a number box ("45 s"), with its space.
        self.setSuffix(_(" s"))
        self.setSpecialValueText(unset)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setKeyboardTracking(True)

    def put(self, value: Any) -> None:
        """Show the value as the file has it, even out of bounds (900 where 600 is the most, -5): the box
        never shows another number than the one that will be saved; the loader's message says what is wrong."""
        if not isinstance(value, int) or isinstance(value, bool):
            self.setRange(-1, self.top)
            self.setValue(-1)
            return
        value = max(-INT_MAX, min(INT_MAX, value))  # (a spin box holds 32 bits; the loader names the field)
        self.setRange(min(-1, value - 1), max(self.top, value))  # (the lowest value means "not set")
        self.setValue(value)

    def read(self) -> int | None:
        return None if self.value() == self.minimum() else self.value()


class TextBox(QPlainTextEdit):
    """A plain-text box where Tab moves on (as in every other field) and that is a sensible size."""

    def __init__(self, parent: QWidget | None, lines: int = 3) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        height = self.fontMetrics().lineSpacing() * lines + 16
        self.setMinimumHeight(max(MIN_HEIGHT, height))
        self.setMaximumHeight(max(MIN_HEIGHT, height) * 2)

    def put(self, text: str) -> None:
        if self.toPlainText() != text:
            self.setPlainText(text)


def line_edit(parent: QWidget | None, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setMinimumHeight(MIN_HEIGHT)
    return edit


def put_line(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)


def problem_style() -> str:
    return f"color: {theme.PROBLEM.name()}; font-weight: bold;"


def problem_label(parent: QWidget | None, name: str) -> QLabel:
    label = plain_label(parent, "", name=name, wrap=True)
    label.setStyleSheet(problem_style())
    label.hide()
    return label


def show_problems(label: QLabel, messages: list[str]) -> None:
    text = "\n".join(f"{MARK} {m}" for m in messages)
    if label.text() != text:
        label.setText(text)
    label.setVisible(bool(messages))


@dataclass
class Bind:
    """One field: where its value lives in the draft (``place()``: it may follow the selected drill), the
    control that shows it (``put(value)``), the label for its problems, and the control to focus for them."""

    place: Callable[[], Place | None]
    put: Callable[[Any], None]
    problems: QLabel
    focus: QWidget
    extra: Callable[[], list[Place]] | None = None  # more places whose problems show here


def field_row(parent: QWidget, text: str, control: QWidget, name: str, accessible: str = "") -> tuple[QWidget, QLabel]:
    """A visible label, the control (the label's buddy), and its problems' label, one under the other."""
    row = QWidget(parent)
    layout = QVBoxLayout(row)
    layout.setContentsMargins(0, 4, 0, 4)
    layout.setSpacing(2)
    label = plain_label(row, text, name=f"{name}_label", wrap=True)
    label.setBuddy(control)
    control.setObjectName(name)
    control.setAccessibleName(accessible or text)
    problems = problem_label(row, f"{name}_problems")
    layout.addWidget(label)
    layout.addWidget(control)
    layout.addWidget(problems)
    row.setFocusProxy(control)
    control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return row, problems
