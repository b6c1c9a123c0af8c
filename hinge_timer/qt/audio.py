"""Sound for a running session: choosing a backend (``make_backend``) and the glue from cue events to sounds.

The Qt Multimedia backend itself is ``qt.qt_backend.QtBackend``, run in a child process by
``qt.audio_proc.ChildBackend``.

``CueAudio`` listens to the driver's ``cues_fired`` (every cue of one tick, after the
screen has taken in the change; the window draws it before the sound starts), asks ``audio.planner`` what each cue may play, and plays it on a
backend.  Every decision goes to the event log as a ``sound`` record with the
monotonic time the sound was started, which the audio tests and
``benchmarks/audio_latency.py`` compare with the recording.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..audio import vocabulary
from ..audio.backend import CANNOT_PLAY, AudioBackend, SilentBackend, SimpleAudioBackend
from ..audio.planner import NS, Decision, Playing, Upcoming, plan
from ..audio.render import ENGINE, Line, LineRenderer, cache_dir, voice_for
from ..audio.vocabulary import Catalog, CueSound, critical_cues, cue_sound, lines_to_render, session_cues
from ..audio.wavs import Pcm, WavError, join, read_wav
from ..engine.events import CueEvent
from ..i18n import _, ngettext
from ..session.timeline import CueKind, Timeline
from .qt_backend import (  # noqa: F401 (QtBackend and its notices, for the app and the tests)
    NO_DEVICE, QT_LOG_RULES, WENT_AWAY, QtBackend, quiet_qt_multimedia)

log = logging.getLogger(__name__)

GAP_S = 0.08  # silence between a tone and the words, and between joined prompts
LOOKAHEAD_NS = 30 * NS  # how far ahead (in wall time) the plan looks for the next cue


def _qt_backend() -> AudioBackend:
    """Qt Multimedia in a child process (``qt.audio_proc``): the sound server's death aborts the
    process Qt Multimedia runs in, and that must not be the app."""
    import importlib.util

    if importlib.util.find_spec("PySide6.QtMultimedia") is None:  # found without loading it here
        raise ImportError("PySide6.QtMultimedia", name="PySide6.QtMultimedia")
    from .audio_proc import take

    return take()


def make_backend(choice: str) -> AudioBackend:
    """The backend asked for, or the next that works: qt → simpleaudio → silent. Never raises.

    "qt" is ``QtBackend`` in a child process the app restarts when it dies; "qt-in-process" is
    ``QtBackend`` in this process (benchmarks/audio_latency.py's reference; not offered to users).
    """
    order = {"qt": ["qt", "simpleaudio"], "simpleaudio": ["simpleaudio", "qt"], "none": [],
             "qt-in-process": ["qt-in-process"]}.get(choice, ["qt"])
    problems = []
    for name in order:
        try:
            backend: AudioBackend = (_qt_backend() if name == "qt" else QtBackend() if name == "qt-in-process"
                                     else SimpleAudioBackend())
        except ImportError as exc:
            # Translators: {output} a sound output ("qt", "simpleaudio"), {module} the Python module missing.
            problems.append(_("{output}: not installed ({module})").format(output=name, module=exc.name or exc))
            continue
        except Exception as exc:  # a broken install or driver: say so, try the next
            problems.append(f"{name}: {exc}")
            continue
        if problems:
            log.warning("sound: using %s (%s)", name, "; ".join(problems))
        return backend
    if choice == "none":
        return SilentBackend()
    # Translators: {problems} what each sound output said, separated by "; ".
    return SilentBackend(_("no way to play sound here ({problems}): captions and flashes only").format(
        problems="; ".join(problems)), _(CANNOT_PLAY))


class SpeechLines(QObject):
    """A session's own lines rendered ahead (``audio.render.LineRenderer``), its worker's news turned
    into signals on the GUI thread.  Nothing here ever waits for the speech engine."""

    line_ready = Signal(str)  # a line's clip is ready to play
    unavailable = Signal(str)  # why no line can be rendered in this run (said once)

    def __init__(self, folder: Path | None = None, *, command: str = ENGINE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.renderer = LineRenderer(folder if folder is not None else cache_dir(), command=command,
                                     on_ready=lambda t: self._emit(self.line_ready, t),
                                     on_unavailable=lambda r: self._emit(self.unavailable, r))
        renderer = self.renderer
        self.destroyed.connect(lambda *_a: renderer.close())  # deleted with its parent: the worker stops

    def _emit(self, signal: Any, arg: str) -> None:
        """On the worker thread: tell the GUI thread (queued).  The renderer calls this only before
        close(); should this object be deleted in the same moment, the news is dropped, not raised."""
        try:
            signal.emit(arg)
        except RuntimeError:  # "Internal C++ object (SpeechLines) already deleted"
            pass

    def request(self, catalog: Catalog, timeline: Timeline) -> None:
        """Render (in the background) every line of ``timeline`` no recorded prompt says."""
        original = timeline.original or timeline.session
        self.renderer.set_voice(voice_for(timeline.language, original.language, original.translations))
        self.renderer.request(lines_to_render(catalog, timeline))

    def retain(self, catalog: Catalog, timeline: Timeline) -> None:
        """Keep in memory only the clips of ``timeline``'s lines (a session was bound)."""
        self.renderer.retain(lines_to_render(catalog, timeline))

    def get(self, text: str) -> Line | None:
        return self.renderer.get(text)

    def close(self) -> None:
        self.renderer.close()


class CueAudio(QObject):
    """Turns the driver's cue events into sounds, by the planner's rules."""

    notice_changed = Signal(str)  # "" when sound works

    def __init__(self, backend: AudioBackend, catalog: Catalog, *, volume: float = 1.0, muted: bool = False,
                 lines: SpeechLines | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.catalog = catalog
        self.muted = muted
        self.backend.set_volume(volume)
        self.backend.on_notice = self._on_backend_notice
        self.backend.on_outcome = self._on_backend_outcome
        self._unsettled: list[tuple[str, dict[str, Any]]] = []  # pending plays, by backend key
        # A session's own lines, rendered in the background; the window shares one with Home.
        self._own_lines = lines is None
        self.lines = lines if lines is not None else SpeechLines(parent=self)
        self.lines.line_ready.connect(self.on_line_ready)
        self._cues: list[tuple[CueKind, str]] = []
        self.driver: Any = None
        self._pcm: dict[str, Pcm] = {}
        self._loaded: set[str] = set()
        self._broken: set[str] = set()  # keys of sounds with a damaged file: shown, not heard
        self._damaged: dict[str, str] = {}  # damaged sound file → what is wrong with it
        self._damage_notice = ""
        self._sounds: dict[tuple[CueKind, str], CueSound] = {}
        self._critical: frozenset[tuple[CueKind, str]] = frozenset()  # the session's critical cues (prepare)
        self._playing: Playing | None = None
        self._queued: list[tuple[QTimer, dict[str, Any]]] = []
        self.decisions: list[dict[str, Any]] = []  # the last few, for tests and audio-check

    # -- set-up ----------------------------------------------------------------------------------
    @property
    def notice(self) -> str:
        """Why sound is off, or which sound files are damaged (their cues are shown, not heard); "" if none."""
        return self.backend.problem or self._damage_notice

    @property
    def brief(self) -> str:
        """The notice in the few words the session screen's status line has room for."""
        if self.backend.problem:
            return self.backend.brief
        # Translators: a short form of a sound notice, for the session screen's status line.
        return _("A sound file is damaged") if self._damage_notice else ""

    def _on_backend_notice(self, _problem: str | None) -> None:
        self._log({"t": "sound_notice", "text": self.notice, "mono_ns": time.monotonic_ns()})
        self.notice_changed.emit(self.notice)

    def _file_damaged(self, file: str, why: str) -> None:
        """A shipped sound file cannot be read: a notice (never an error dialog); the other sounds play."""
        if file in self._damaged:
            return
        self._damaged[file] = why
        log.warning("sound: %s", why)
        names = ", ".join(sorted(self._damaged))
        # Translators: {files} the names of the damaged sound files, separated by ", ".
        self._damage_notice = ngettext("a sound file is damaged: {files}; that cue is shown, not heard",
                                       "sound files are damaged: {files}; those cues are shown, not heard",
                                       len(self._damaged)).format(files=names)
        self._on_backend_notice(None)

    def set_volume(self, volume: float) -> None:
        self.backend.set_volume(volume)

    def set_muted(self, muted: bool) -> None:
        """Mute (what is playing stops at once) or unmute; app/preferences.py says when it changes."""
        self.muted = muted
        if muted:
            self.backend.stop()

    def sound_for(self, kind: CueKind, text: str) -> CueSound:
        key = (kind, text)
        s = self._sounds.get(key)
        if s is None:
            s = self._sounds[key] = cue_sound(self.catalog, kind, text, self._line_is_ready, key in self._critical)
        return s

    def _line_is_ready(self, text: str) -> bool:
        return self.lines.get(text) is not None

    def _line(self, text: str) -> Line:
        line = self.lines.get(text)
        if line is None:  # a line is named in parts only once it is ready, and never forgotten
            raise KeyError(f"line:{text}")
        return line

    def clip(self, part: str) -> Pcm:
        pcm = self._pcm.get(part)
        if pcm is None:
            kind, _colon, name = part.partition(":")
            if kind == "line":
                return self._line(name).pcm  # held by the renderer already
            clip = self.catalog.tones[name] if kind == "tone" else self.catalog.phrases[name]
            try:
                pcm = self._pcm[part] = read_wav(str(self.catalog.path(clip)))
            except WavError as exc:
                self._file_damaged(clip.file, str(exc))
                raise
        return pcm

    def seconds_of(self, parts: tuple[str, ...]) -> float:
        lines = {p[5:]: self._line(p[5:]).seconds for p in parts if p.startswith("line:")}
        return vocabulary.duration(self.catalog, parts, GAP_S, lines)

    def on_line_ready(self, text: str) -> None:
        """A line was rendered: the cues of the bound session that say it play it from now on (loaded
        now, between cues, so that starting one is only a call to play)."""
        self._sounds = {k: v for k, v in self._sounds.items() if v.missing is None}
        for kind, cue_text in self._cues:
            s = self.sound_for(kind, cue_text)
            if text in (s.line, s.short_line):
                try:
                    self.load(s.parts())
                    if s.has_short:
                        self.load(s.parts(short=True))
                except (WavError, KeyError) as exc:
                    log.warning("sound: %s", exc)

    def load(self, parts: tuple[str, ...]) -> str | None:
        """The backend's key for these clips joined, loaded once; None when a file of theirs is
        damaged (said in the notice once; that cue is shown, not heard)."""
        key = "|".join(parts)
        if key not in self._loaded:
            if key in self._broken:
                return None
            try:
                pcm = join([self.clip(p) for p in parts], GAP_S)
            except WavError:
                self._broken.add(key)
                return None
            self.backend.load(key, pcm)
            self._loaded.add(key)
        return key

    def prepare(self, timeline: Timeline) -> None:
        """Make every sound the session can play ready before it starts, and have the lines no prompt
        says rendered in the background (those already in the cache are ready in a moment)."""
        self._cues = session_cues(timeline)
        critical = critical_cues(timeline)
        if critical != self._critical:  # a sound made for another session's cue of the same words may differ
            self._critical = critical
            self._sounds.clear()
        self._forget_other_lines(timeline)
        self.lines.request(self.catalog, timeline)
        try:
            for kind, text in self._cues:
                s = self.sound_for(kind, text)
                self.load(s.parts())
                if s.has_short:
                    self.load(s.parts(short=True))
        except (WavError, KeyError) as exc:
            # Translators: {problem} which sound file, and what is wrong with it.
            self.backend._set_problem(_("a sound file is missing or broken: {problem}. The session goes on with "
                                        "captions and flashes.").format(problem=exc),
                                      _("Sound is off: a sound file is missing"))

    def _forget_other_lines(self, timeline: Timeline) -> None:
        """Drop what was kept for lines the new session does not say (the renderer's clips and the
        joined clips made of them); prompts and tones stay."""
        self.lines.retain(self.catalog, timeline)
        keep = set(lines_to_render(self.catalog, timeline))
        self._sounds = {k: v for k, v in self._sounds.items() if k in set(self._cues)}

        def ours(key: str) -> bool:
            return all(p[5:] in keep for p in key.split("|") if p.startswith("line:"))

        for key in [k for k in self._loaded if not ours(k)]:
            self.backend.unload(key)  # (the sound engine process gives their memory back too)
            self._loaded.discard(key)
        self._pcm = {k: v for k, v in self._pcm.items() if not k.startswith("line:")}

    def bind(self, driver: Any) -> None:
        self.unbind()
        self.driver = driver
        self.prepare(driver.timeline)
        driver.cues_fired.connect(self.on_cues_fired)

    def unbind(self) -> None:
        self.cancel_queued()
        if self.driver is not None:
            try:
                self.driver.cues_fired.disconnect(self.on_cues_fired)
            except (RuntimeError, TypeError):
                pass
            self.driver = None
        self.backend.stop()
        self._playing = None

    def close(self) -> None:
        self.unbind()
        if self._own_lines:
            self.lines.close()
        self.backend.close()

    def cancel_queued(self) -> None:
        """Forget sounds waiting their turn (the session moved on or ended); the log says so."""
        queued, self._queued = self._queued, []
        for timer, record in queued:
            timer.stop()
            timer.deleteLater()
            record.update(action="cancelled", reason="the session moved on before its turn")
            self._log(record)

    # -- cues --------------------------------------------------------------------------------------
    def on_cues_fired(self, events: list[CueEvent]) -> None:
        now = time.monotonic_ns()
        driver = self.driver
        sounds = [self.sound_for(ev.kind, ev.text) for ev in events]
        upcoming: list[Upcoming] = []
        if driver is not None:
            clock_now, speed = driver.clock(), driver.speed
            for due, kind, text in driver.upcoming(clock_now, int(LOOKAHEAD_NS * speed)):
                upcoming.append(Upcoming(now + int((due - clock_now) / speed), vocabulary.priority(kind, (kind, text) in self._critical)))
        for d, ev in zip(plan(sounds, now, self._playing, upcoming, self.seconds_of), events):
            self._carry_out(d, ev, now)

    def _carry_out(self, d: Decision, ev: CueEvent, now: int) -> None:
        record: dict[str, Any] = {"t": "sound", "kind": ev.kind.value, "text": ev.text, "step": ev.step,
                                  "scheduled_ns": ev.scheduled_ns, "action": d.action, "reason": d.reason,
                                  "backend": self.backend.name, "voice": d.sound.voice_of(d.short)}
        if record["voice"] == "tone" and d.sound.missing is not None:  # a line not (yet) rendered
            record["voice_reason"] = self.lines.renderer.state(d.sound.missing)[1]
        if self.muted and d.action != "drop":
            record.update(action="muted", reason="muted")
            self._log(record)
            return
        if d.action == "drop":
            self._log(record)
            return
        if d.interrupt:
            self.cancel_queued()
            self.backend.stop()
        record.update(parts=list(d.parts), seconds=round(d.seconds, 4), short=d.short)
        end = d.start_ns + int(d.seconds * NS)
        if self._playing is None or d.interrupt or end >= self._playing.end_ns:
            self._playing = Playing(end, d.sound.priority, d.sound.speaks)
        if d.action == "queue":
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.timeout.connect(lambda: self._start(d, record, timer))
            timer.start(max(0, (d.start_ns - now) // 1_000_000))
            self._queued.append((timer, record))
            return
        self._start(d, record, None)

    def _start(self, d: Decision, record: dict[str, Any], timer: QTimer | None) -> None:
        if timer is not None:
            self._queued = [(t, r) for t, r in self._queued if t is not timer]
            timer.deleteLater()
        key = self.load(d.parts)
        record["mono_ns"] = time.monotonic_ns()
        if key is None:
            record.update(action="silent", reason=self._damage_notice)
        elif not self.backend.play(key):
            record.update(action="silent", reason=self.backend.problem or "not played")
        elif self.backend.last_play == "pending":  # its fate comes later, as a sound_outcome record
            record.update(action="pending")
            self._unsettled.append((key, record))
        self._log(record)

    def _on_backend_outcome(self, outcome: dict[str, Any]) -> None:
        """What became of a play the backend could not settle at once (a pending one, a try): the
        cue's record again, as ``sound_outcome``, with the action taken and when."""
        key = outcome.get("key")
        match = next((i for i, (k, _r) in enumerate(self._unsettled) if k == key), None)
        if match is None:
            if outcome.get("action") == "play":  # a try sent while there was no output played after all
                self._log({"t": "sound_outcome", "text": None, "kind": None, **outcome, "mono_ns": time.monotonic_ns()})
            return
        _key, record = self._unsettled.pop(match)
        self._log(dict(record, t="sound_outcome", action=outcome.get("action", "silent"),
                       reason=outcome.get("reason", ""), late_ms=outcome.get("late_ms"),
                       mono_ns=time.monotonic_ns()))

    def _log(self, record: dict[str, Any]) -> None:
        self.decisions.append(record)
        del self.decisions[:-200]
        if self.driver is not None:
            self.driver.log_event(record)
