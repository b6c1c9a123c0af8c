"""The app's words in the user's language: gettext catalogues, the language chosen, and a pseudo-language.

Words at the edge.  The core deals in ids and numbers; the words a person reads or hears are looked
up here, in one of ``LANGUAGES``.  A catalogue is a GNU gettext ``.mo`` file compiled from the
hand-written ``hinge_timer/locale/<code>/LC_MESSAGES/hinge_timer.po`` (``make translations``
extracts the strings from the code into ``hinge_timer.pot`` and merges them in; docs/translations.md).
English is the source language: its words are the ``msgid``\\ s themselves.

Why gettext and not Qt's ``tr()``: the core, the command line (``validate``, ``plan``, ``history``)
and the sound planner never load Qt, yet they say things to the user; one catalogue format serves
them and the window alike, with plural rules per language (``ngettext``).  Qt's own ``qtbase``
translations are still loaded for Qt's standard dialogs (``ui/language.py``).

The language is process-wide, chosen once at start-up (``--lang`` > the saved setting > the system
locale > English) and changed by View → Language, which rebuilds the window.  ``_`` and ``ngettext``
read it when called, so a string at module level is marked with ``N_`` and translated where it is used.

``pseudo`` is a language for tests: every string stretched by 40 % and put in ⟦ ⟧, so text that is
not translated, or that is clipped, shows up on a screen (as Vorta's ``TRANS_SCALE`` does).
"""

from __future__ import annotations

import gettext as _gettext
import math
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Mapping

DOMAIN = "hinge_timer"
SOURCE = "en"
# The languages there are catalogues for, each named in its own language (View → Language lists them so).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
}
PSEUDO = "pseudo"
# The language a child process (the session checker) speaks in: set by the app for the child it starts.
LANGUAGE_ENV = "HINGE_TIMER_LANGUAGE"
PSEUDO_SCALE = 1.4  # how much longer a pseudo-language string is than its English
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


def known(code: str) -> bool:
    return code in LANGUAGES or code == PSEUDO


def normalise_code(value: str | None) -> str | None:
    """A language code from a locale name ("de_DE.UTF-8", "pt-BR", "fr") if it is one of ours, else None."""
    if not value:
        return None
    value = value.strip()
    if value == PSEUDO:
        return PSEUDO
    code = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
    return code if code in LANGUAGES else None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the system's locale asks for, gettext's way: ``LANGUAGE`` (a list, first match
    wins), then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; "C" and "POSIX" mean English."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        if value in ("C", "POSIX") or value.startswith("C."):
            if name == "LANGUAGE":
                continue
            return SOURCE
        for part in value.split(":") if name == "LANGUAGE" else [value]:
            code = normalise_code(part)
            if code is not None and code != PSEUDO:
                return code
        if name != "LANGUAGE":
            return SOURCE  # a locale we have no catalogue for: English, not a later variable's language
    return SOURCE


def choose(asked: str | None, saved: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` first, then the saved setting ("" or None: follow the system), then the system."""
    for value in (asked, saved):
        code = normalise_code(value)
        if code is not None:
            return code
    return system_language(environ)


def locale_folder() -> str:
    return str(files("hinge_timer") / "locale")


_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
_DATE_PATTERN = re.compile(r"(?=.*(dd|MM|yy|HH|mm))[dMyHhmsAap .,:/-]+")  # "ddd dd MMM HH:mm"


def pseudo(text: str) -> str:
    """``text`` stretched by 40 % and marked, its ``{placeholders}`` left as they are."""
    if not text or _DATE_PATTERN.fullmatch(text):  # (a QLocale date pattern stretched would be other dates)
        return text
    parts = _PLACEHOLDER.split(text)
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 or not part:  # a placeholder, or nothing between two
            out.append(part)
            continue
        out.append(_stretch(part, math.ceil(len(part) * (PSEUDO_SCALE - 1))))
    return PSEUDO_OPEN + "".join(out) + PSEUDO_CLOSE


def _stretch(part: str, extra: int) -> str:
    """Longer by ``extra`` characters: vowels doubled first, then the letters after them."""
    chars = list(part)
    vowels = [i for i, c in enumerate(chars) if c.lower() in "aeiouy"]
    letters = [i for i, c in enumerate(chars) if c.isalpha() and c.lower() not in "aeiouy"]
    targets = (vowels + letters)[:extra]
    doubled = set(targets)
    stretched = "".join(c * 2 if i in doubled else c for i, c in enumerate(chars))
    return stretched + "~" * max(0, extra - len(targets))


@dataclass(frozen=True)
class Words:
    """One language's catalogue."""

    code: str
    translations: _gettext.NullTranslations

    def gettext(self, message: str) -> str:
        text = self.translations.gettext(message)
        return pseudo(text) if self.code == PSEUDO else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return pseudo(text) if self.code == PSEUDO else text

    def pgettext(self, context: str, message: str) -> str:
        text = self.translations.pgettext(context, message)
        return pseudo(text) if self.code == PSEUDO else text

    @property
    def name(self) -> str:
        return LANGUAGES.get(self.code, "Pseudo")


def load(code: str, folder: str | None = None) -> Words:
    """The catalogue of ``code`` (English, the pseudo-language or an unknown code: the source words)."""
    if code in (SOURCE, PSEUDO) or code not in LANGUAGES:
        return Words(code if known(code) else SOURCE, _gettext.NullTranslations())
    try:
        translations: _gettext.NullTranslations = _gettext.translation(
            DOMAIN, folder or locale_folder(), languages=[code])
    except OSError:  # no catalogue for it: say so once in the log, and speak English
        import logging
        logging.getLogger(__name__).warning("no %s catalogue in %s: English is used", code, folder or locale_folder())
        return Words(SOURCE, _gettext.NullTranslations())
    return Words(code, translations)


_current = load(SOURCE)


def set_language(code: str, folder: str | None = None) -> Words:
    """Make ``code`` the language of every word from now on; returns its catalogue."""
    global _current
    _current = load(code, folder)
    return _current


def current() -> Words:
    return _current


def language() -> str:
    return _current.code


def _(message: str) -> str:
    """``message`` in the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` of a message with a plural, in the current language (format ``n`` in yourself)."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English in another ``context``."""
    return _current.pgettext(context, message)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it (it is translated where it is used)."""
    return message
