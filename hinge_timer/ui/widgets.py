"""Plain-text labels and tooltips: how every label in the app is made (the painted widgets: ui/painted.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


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
