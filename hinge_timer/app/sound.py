"""The sound service: the one sound of a window, and a session's own spoken lines rendered ahead.

It builds the chosen backend (or the next that works, or silence) when the first session starts,
keeps it following :class:`~hinge_timer.app.preferences.Preferences` (mute and volume), switches it
when another output is chosen, and has the renderer prepare the selected session's own lines in the
background.  What the user should know about the sound goes through the message route
(app/messages.py): the session screen's standing sound notice, its status line, and Home's one line
when no speech engine can say a session's own lines.  It holds no widgets; the run service
(app/run.py) binds the sound it gives to each run.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from .. import i18n
from ..i18n import N_, _
from .messages import MessageBridge
from .preferences import Preferences

if TYPE_CHECKING:
    from ..audio.vocabulary import Catalog
    from ..qt.audio import CueAudio, SpeechLines
    from ..session.model import Session

log = logging.getLogger(__name__)

# The outputs, as the status line names them: two names of programs, and "no sound" (translated where shown).
OUTPUT_NAMES = {"qt": "Qt Multimedia", "simpleaudio": "simpleaudio", "none": N_("no sound")}


def output_name(choice: str) -> str:
    """An output's name in the current language (a program's name as it is)."""
    name = OUTPUT_NAMES[choice]
    return _(name) if choice == "none" else name


class SoundService(QObject):
    """The window's sound (see the module's docstring).  ``choice``: "qt", "simpleaudio" or "none"."""

    output_changed = Signal(object)  # CueAudio: the new sound, after another output was chosen (bind to it)
    # Hear a line (the editor): (text, what happened) -- "playing", "rendering" (played when ready), or why
    # it cannot be heard ("no speech engine: …", "sound is off …"), plain words in the current language
    # for the editor to show ("playing" and "rendering" are ids, never translated).
    heard = Signal(str, str)

    def __init__(self, prefs: Preferences, messages: MessageBridge, choice: str,
                 speech_data_dir: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.messages = messages
        self.choice = choice
        # A session's own lines (names, say lines) rendered in the background when it is selected on
        # Home or started (audio/render.py), made at the first selection, and cached (render.cache_dir:
        # under --data-dir when one is given, else the user cache folder).
        self.speech_data_dir = speech_data_dir
        self.audio: CueAudio | None = None  # built when the first session starts (Qt Multimedia loads then)
        self.speech_lines: SpeechLines | None = None
        self._catalog: Catalog | None = None
        self._speech_said = False
        self._waiting: str | None = None  # a line to hear once it is rendered (hear)
        self._hear_connected = False
        self.speech_missing = False  # no speech engine: a session's own lines play as tones (the screen
        # reader is then told them: ui/session_screen.py sound_speaks)

    def ensure(self) -> CueAudio:
        """The sound for sessions: the chosen backend, or the next that works, or silence (said once)."""
        if self.audio is None:
            from ..audio.backend import SilentBackend
            from ..audio.vocabulary import Catalog
            from ..qt.audio import CueAudio, make_backend

            try:
                catalog = Catalog.for_language(i18n.language())
                backend = make_backend(self.choice)
            except ValueError as exc:  # the shipped sounds are missing or broken
                catalog = Catalog(Path("."), {})
                backend = SilentBackend(str(exc), _("Sound is off: a sound file is missing"))
            audio = self.audio = CueAudio(backend, catalog, volume=self.prefs.volume, muted=self.prefs.mute,
                                          lines=self.speech(), parent=self)
            audio.notice_changed.connect(self.on_notice_changed)
            self.prefs.mute_changed.connect(audio.set_muted)
            self.prefs.volume_changed.connect(audio.set_volume)
            if backend.problem:
                log.warning("sound: %s", backend.problem)
        return self.audio

    def prestart(self) -> None:
        """Start the sound engine (a child process, ~0.3 s to be ready) while Home is shown, so the first
        cue of a session started from Home is not held back by it.  Never waits for it."""
        if self.audio is None and self.choice == "qt":
            from ..qt.audio_proc import prestart

            prestart()

    def post_notice(self) -> None:
        """Say the sound's standing notice on the session screen ("" when sound works)."""
        if self.audio is not None:
            notice = self.audio.notice
            self.messages.post("session", "sound", "warning" if notice else "info", self.audio.brief, notice)

    @Slot(str)
    def on_notice_changed(self, problem: str) -> None:
        self.post_notice()
        if not problem:
            self.messages.info("session", _("Sound is back on"), part="status")

    def set_output(self, choice: str) -> CueAudio | None:
        """Play through another backend from now on (remembered in the settings); the new sound, to bind
        to a running session, or None when no sound had been built yet (it is built with the choice)."""
        self.prefs.settings.audio = self.choice = choice
        old = self.audio
        if old is None:
            return None
        self.prefs.mute_changed.disconnect(old.set_muted)
        self.prefs.volume_changed.disconnect(old.set_volume)
        old.close()
        old.deleteLater()
        self.audio = None
        audio = self.ensure()
        got = audio.backend.name
        if got == choice:
            # Translators: on the session screen's status line; {output}: "Qt Multimedia", "simpleaudio" or
            # "no sound".
            text = _("Sound through {output}").format(output=output_name(got))
        else:
            # Translators: {chosen} the output chosen in View → Sound output, {output} the one used instead.
            text = _("{chosen} cannot play here; sound through {output}").format(
                chosen=output_name(choice), output=output_name(got))
        self.post_notice()
        if not audio.notice or choice == "none":
            self.messages.info("session", text, part="status")
        self.output_changed.emit(audio)
        return audio

    # -- a session's own lines, spoken ahead ------------------------------------------------------
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from ..audio.vocabulary import Catalog

            try:
                self._catalog = Catalog.for_language(i18n.language())
            except ValueError:  # the shipped sounds are missing or broken (said when a session starts)
                self._catalog = Catalog(Path("."), {})
        return self._catalog

    def speech(self) -> SpeechLines:
        if self.speech_lines is None:
            from ..audio.render import cache_dir
            from ..qt.audio import SpeechLines

            self.speech_lines = SpeechLines(cache_dir(self.speech_data_dir), parent=self)
            self.speech_lines.unavailable.connect(self.on_speech_unavailable)
        return self.speech_lines

    def prerender(self, session: Session, dose: str) -> None:
        """Have ``session``'s lines that no recorded prompt says rendered in the background, so they are
        ready by its cues.  Never waits: the renderer only queues them."""
        from ..session.timeline import compile_timeline

        timeline = compile_timeline(session, dose)  # type: ignore[arg-type]
        self.speech().request(self.catalog(), timeline)

    # -- hear one line now (the editor's "Hear it") ----------------------------------------------------
    def hear(self, text: str) -> str:
        """Play ``text`` as a phase's ``say`` line will sound in a session: the recorded prompts that say
        it, else the line rendered by the same renderer as a session's own lines (audio/render.py, in its
        worker thread: this never waits) and played once it is ready.  Returns what happens now (and
        ``heard`` says it, and again when a line waited for is played or cannot be)."""
        from ..audio.vocabulary import cue_sound, line_of
        from ..session.timeline import CueKind

        text = line_of(text)
        if not text:
            return self._heard(text, _("nothing to say"))
        audio = self.ensure()
        if self.prefs.mute:
            # Translators: why a line cannot be heard in the editor; (M) is the key that unmutes.
            return self._heard(text, _("sound is muted (M)"))
        if audio.backend.problem:
            return self._heard(text, audio.backend.problem)
        lines = self.speech()
        sound = cue_sound(audio.catalog, CueKind.PHASE, text, lambda t: lines.get(t) is not None)
        if sound.speech or sound.line is not None:
            return self._play(text, sound.parts())
        reason = lines.renderer.unavailable
        if reason is not None or self.speech_missing:
            return self._heard(text, reason or _("spoken lines need a speech engine: install {package}").format(
                package="espeak-ng"))
        self._waiting = text
        lines.renderer.request([text])
        if not self._hear_connected:
            self._hear_connected = True
            lines.line_ready.connect(self._on_heard_line_ready)
            lines.unavailable.connect(self._on_heard_unavailable)
        return self._heard(text, "rendering")

    def _play(self, text: str, parts: tuple[str, ...]) -> str:
        audio = self.ensure()
        try:
            key = audio.load(parts)
        except KeyError:
            key = None
        if key is None or not audio.backend.play(key):
            return self._heard(text, audio.notice or _("it could not be played"))
        return self._heard(text, "playing")

    def _heard(self, text: str, what: str) -> str:
        self.heard.emit(text, what)
        return what

    @Slot(str)
    def _on_heard_line_ready(self, line: str) -> None:
        if self._waiting == line:
            self._waiting = None
            self._play(line, (f"line:{line}",))

    @Slot(str)
    def _on_heard_unavailable(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting:
            self._heard(waiting, reason)

    @Slot(str)
    def on_speech_unavailable(self, reason: str) -> None:
        """Said once on Home: a session's own lines play their tone (and show their caption)."""
        self.speech_missing = True
        if self._speech_said:
            return
        self._speech_said = True
        text = reason[:1].upper() + reason[1:] + "."  # "Spoken lines need a speech engine: install espeak-ng …"
        self.messages.info("home", text, part="speech")  # its own part: a later history notice keeps it

    def close(self) -> None:
        """At exit: the sound engine stops; a speech engine still rendering is killed (never waited on)."""
        if self.audio is not None:
            self.audio.close()
        if self.speech_lines is not None:
            self.speech_lines.close()
