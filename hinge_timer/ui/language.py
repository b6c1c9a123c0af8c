"""The window's language: Qt's own words for its standard dialogs, and numbers and dates the local way.

The app's words come from hinge_timer/i18n.py (gettext), chosen before any widget is built; this adds
what Qt itself says (the buttons of a file dialog or a message box: its ``qtbase`` catalogue, from the
translations PySide6 ships) and makes ``QLocale()`` the language's, so every number and date a screen
formats with it follows the language.  View → Language changes the setting and starts the window again
(``RESTART``: the command line runs the app afresh in the same process), since every screen is built
in its language.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from .. import i18n

log = logging.getLogger(__name__)

RESTART = 75  # run_gui's return when the window closed to be started again in another language

# The locale each language's numbers and dates follow (the countries its translation was written for).
LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "pt": "pt_PT"}
# Qt's own catalogue for a language, in the order tried: PySide6 has Brazilian Portuguese only.
QT_CATALOGUES = {"pt": ("qtbase_pt_PT", "qtbase_pt", "qtbase_pt_BR")}


def qt_locale(code: str) -> QLocale:
    return QLocale(LOCALES.get(code, "en_GB"))


def install(app: QApplication, code: str) -> QTranslator | None:
    """Make ``code`` the language of Qt's own words and of ``QLocale()``; returns the translator loaded
    (kept by the caller), or None for English or when PySide6 has no catalogue for it (logged)."""
    QLocale.setDefault(qt_locale(code))
    if code in (i18n.SOURCE, i18n.PSEUDO):
        return None
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    for name in QT_CATALOGUES.get(code, (f"qtbase_{code}",)):
        if translator.load(name, folder):
            app.installTranslator(translator)
            return translator
    log.info("no Qt catalogue for %s in %s: Qt's standard dialogs stay in English", code, folder)
    return None
