"""Every modal dialog in one small function each, so tests can replace them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the dialogs' classes load when a dialog first opens, not before Home paints
    from PySide6.QtWidgets import QMessageBox, QWidget


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                informative: str = "") -> QMessageBox:
    """A message box showing every text as plain text (built, not shown: tests look at it)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QMessageBox

    box = QMessageBox(icon, title, "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    # The informative text's label is made on demand and may not follow setTextFormat: set every label
    # (detailed text is always plain).
    for label in box.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = message_box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = message_box(parent, QMessageBox.Icon.Question, title, text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep going", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def choose_session_file(parent: QWidget | None, folder: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, "Open a session", folder, "Sessions (*.toml);;All files (*)")
    return path or None


def choose_save_file(parent: QWidget | None, suggested: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, "Export the history", suggested, "CSV files (*.csv)")
    return path or None


def ask_pin(parent: QWidget | None, prompt: str) -> str | None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    pin, ok = QInputDialog.getText(parent, "Kiosk", prompt, QLineEdit.EchoMode.Password)
    return pin if ok else None
