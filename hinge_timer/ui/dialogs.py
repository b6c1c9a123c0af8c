"""Every modal dialog in one small function each, so tests can replace them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..i18n import _

if TYPE_CHECKING:  # the dialogs' classes load when a dialog first opens, not before Home paints
    from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

# ``recheck(done)`` checks a file again without waiting; ``done(None)`` when it now opens, else
# ``done(problems)`` with its problems' new text.  It is called on the GUI thread.
Recheck = Callable[[Callable[[str | None], None]], None]


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


def ask_choice(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, informative: str,
               choices: list[tuple[str, str, QMessageBox.ButtonRole]]) -> str:
    """A question with a button for each ``(answer, label, role)`` and Cancel: the answer clicked, or
    "cancel" (Cancel, Esc, the window closed)."""
    from PySide6.QtWidgets import QMessageBox

    box = message_box(parent, icon, title, text, informative)
    buttons = [(box.addButton(label, role), answer) for answer, label, role in choices]
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return next((answer for button, answer in buttons if clicked is button), "cancel")


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = message_box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def problems_dialog(parent: QWidget | None, title: str, where: str, problems: str,
                    recheck: Recheck | None = None) -> QDialog:
    """A session file's problems, large enough to read: what it is (``title``), the file once (``where``),
    then one problem a line, all plain text (selectable, to copy); with ``recheck``, a Reload button
    checks the file again (fixed in an editor meanwhile) and the dialog closes, accepted, once it opens.
    Built, not shown: tests look at it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

    from .widgets import plain_label

    dialog = QDialog(parent)
    dialog.setObjectName("session_problems")
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    heading = plain_label(dialog, title, name="problems_heading", wrap=True)
    heading.setStyleSheet("font-size: 18px; font-weight: bold;")
    file_label = plain_label(dialog, where, name="problems_file", wrap=True)
    file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    text = QPlainTextEdit(dialog)  # plain text by nature: a file's words are never rich text here
    text.setObjectName("problems_text")
    text.setReadOnly(True)
    text.setPlainText(problems)
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 11.0))
    text.setFont(font)
    status = plain_label(dialog, "", name="problems_status", wrap=True)
    buttons = QDialogButtonBox(dialog)
    close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
    close.setObjectName("problems_close")
    close.clicked.connect(dialog.reject)
    if recheck is not None:
        # Translators: a button that checks a session file again.
        reload = buttons.addButton(_("Reload"), QDialogButtonBox.ButtonRole.ActionRole)
        reload.setObjectName("problems_reload")
        reload.setToolTip(_("Check the file again, after you have fixed and saved it"))
        # Translators: "Reload" is the button's name (as translated).
        status.setText(_("Fix the file in your editor, save it, then press Reload."))

        def done(new_problems: str | None) -> None:
            if new_problems is None:
                dialog.accept()  # it opens now
                return
            text.setPlainText(new_problems)
            reload.setEnabled(True)
            reload.setText(_("Reload"))
            status.setText(_("Still not right: the problems above are what the file holds now."))

        def on_reload() -> None:
            reload.setEnabled(False)
            reload.setText(_("Checking…"))
            status.setText(_("Checking the file again…"))
            recheck(done)

        reload.clicked.connect(on_reload)
    for w in (heading, file_label, text, status, buttons):
        layout.addWidget(w, 1 if w is text else 0)
    dialog.resize(760, 440)
    return dialog


def show_problems(parent: QWidget | None, title: str, where: str, problems: str,
                  recheck: Recheck | None = None) -> bool:
    """:func:`problems_dialog`, shown until it is closed; True if the file opened after a Reload."""
    from PySide6.QtWidgets import QDialog

    return problems_dialog(parent, title, where, problems, recheck).exec() == QDialog.DialogCode.Accepted


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = message_box(parent, QMessageBox.Icon.Question, title, text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    # Translators: the button that answers "no" to a question such as "Quit Hinge Timer?" or "Delete this session?".
    box.addButton(_("Keep going"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def choose_session_file(parent: QWidget | None, folder: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    # Translators: the kinds of file in the file dialog; {pattern} is the file names' pattern ("*.toml").
    kinds = ";;".join((_("Sessions ({pattern})").format(pattern="*.toml"),
                       _("All files ({pattern})").format(pattern="*")))
    path, _filter = QFileDialog.getOpenFileName(parent, _("Open a session"), folder, kinds)
    return path or None


def choose_save_file(parent: QWidget | None, suggested: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _filter = QFileDialog.getSaveFileName(parent, _("Export the history"), suggested,
                                                _("CSV files ({pattern})").format(pattern="*.csv"))
    return path or None


def choose_export_file(parent: QWidget | None, suggested: str) -> str | None:
    """Where to save a copy of a session (Home's Export…), to share it."""
    from PySide6.QtWidgets import QFileDialog

    path, _filter = QFileDialog.getSaveFileName(parent, _("Export a session"), suggested,
                                                _("Sessions ({pattern})").format(pattern="*.toml"))
    return path or None


def about_dialog(parent: QWidget | None) -> QDialog:
    """Help → About: the app's icon, name and version, what it is, its licence, the articles its drills'
    figures come from (by title), and the Qt it runs on; all plain text.  Built, not shown: tests look at it."""
    import PySide6
    from PySide6.QtCore import Qt, qVersion
    from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QVBoxLayout

    from ..appinfo import APP_NAME, COPYRIGHT, HOMEPAGE, LICENCE, SOURCES, VERSION
    from .widgets import plain_label

    dialog = QDialog(parent)
    dialog.setObjectName("about")
    # Translators: the About box's title; {app} is "Hinge Timer".
    dialog.setWindowTitle(_("About {app}").format(app=APP_NAME))
    layout = QVBoxLayout(dialog)
    top = QHBoxLayout()
    icon = plain_label(dialog, name="about_icon")
    icon.setPixmap(QApplication.windowIcon().pixmap(96, 96))
    icon.setAccessibleName(_("The Hinge Timer icon"))
    top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    words = QVBoxLayout()
    heading = plain_label(dialog, f"{APP_NAME} {VERSION}", name="about_heading")
    heading.setStyleSheet("font-size: 22px; font-weight: bold;")
    words.addWidget(heading)
    words.addWidget(plain_label(dialog, _("A guided-session timer for hip-hinge mobility training: holds timed "
                                          "on each leg, reps paced phase by phase, a cue for everything, on "
                                          "time."), name="about_what", wrap=True))
    top.addLayout(words, 1)
    layout.addLayout(top)
    # Translators: {licence} is the licence's name ("MIT"); {copyright} the copyright line.
    licence = _("Free software under the {licence} licence.\n{copyright}").format(licence=LICENCE,
                                                                                  copyright=COPYRIGHT)
    layout.addWidget(plain_label(dialog, licence, name="about_licence", wrap=True))
    sources = "\n".join(f"• “{title}”, {where}" for title, where in SOURCES)
    # Translators: above the titles of the articles (one a line) the drills come from; the words are the app's own.
    credit = _("The drills' sets, reps, hold times and phases come from these articles; the instructions are "
               "written in the app's own words:") + "\n" + sources
    layout.addWidget(plain_label(dialog, credit, name="about_sources", wrap=True))
    details = f"{HOMEPAGE}\nQt {qVersion()}, PySide6 {PySide6.__version__}"
    details_label = plain_label(dialog, details, name="about_details", wrap=True)
    details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(details_label)
    buttons = QDialogButtonBox(dialog)
    close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
    close.setObjectName("about_close")
    close.clicked.connect(dialog.reject)
    layout.addWidget(buttons)
    # Wrapped labels: the layout's minimum is narrower and shorter than the words need at this width, and a
    # top-level window takes that minimum; so the height is the one the words need at 560 px.
    dialog.resize(560, dialog.heightForWidth(560))
    return dialog


def show_about(parent: QWidget | None) -> None:
    about_dialog(parent).exec()


def ask_pin(parent: QWidget | None, prompt: str) -> str | None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    # Translators: the title of the dialog that asks the kiosk's administrator for the PIN.
    pin, ok = QInputDialog.getText(parent, _("Kiosk"), prompt, QLineEdit.EchoMode.Password)
    return pin if ok else None
