"""Plain-text labels and tooltips: how every label in the app is made (the painted widgets: ui/painted.py)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QLabel, QLayout, QScrollArea, QWidget


def plain_label(parent: QWidget | None, text: str = "", *, name: str = "", wrap: bool = False) -> QLabel:
    """A label that shows its text as plain text, never as rich text.

    Text from a session file, a setting, the history or a file name is data: on Qt's default
    ``AutoText`` a drill name such as ``<img src='/some/file.png'>`` would draw that local image.
    Every label in the app is made here (tests/qt/test_plain_text.py walks them all).
    """
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    if text:
        label.setText(text)
    return label


def set_plain_tooltip(widget: QWidget, text: str) -> None:
    """A tooltip that shows ``text`` literally (tooltips have no text format: Qt guesses, so escape it);
    a screen reader gets ``text`` itself as the description (Qt would give it the tooltip's HTML)."""
    import html

    widget.setToolTip(f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else "")
    widget.setAccessibleDescription(text)


def scrolled(parent: QWidget, label: QLabel, name: str) -> QScrollArea:
    """``label`` in a frameless scroll area that scrolls down only: long details (a long session, a long
    language) scroll rather than being cut off.  The label keeps the Tab stop and shows the screen's colour."""
    area = QScrollArea(parent)
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the label itself takes Tab
    area.setWidget(label)
    label.setAutoFillBackground(False)  # (setWidget turns it on)
    return area


def side_by_side_if_room(row: QBoxLayout, parts: Iterable[QWidget | QLayout], room: int, stack: bool = False) -> None:
    """``row``'s ``parts`` side by side when their natural widths fit in ``room`` px, else one above the
    other (a language with long words, a narrow window; ``stack``: always)."""
    sized = list(parts)
    need = sum(p.sizeHint().width() for p in sized) + row.spacing() * max(0, len(sized) - 1)
    row.setDirection(QBoxLayout.Direction.TopToBottom if stack or need > room else QBoxLayout.Direction.LeftToRight)
