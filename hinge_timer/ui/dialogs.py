"""Every modal dialog in one small function each, so tests can replace them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the dialogs' classes load when a dialog first opens, not before Home paints
    from PySide6.QtWidgets import QWidget


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
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
