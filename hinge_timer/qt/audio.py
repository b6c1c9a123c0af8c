"""Sound for a running session: the Qt Multimedia backend and the glue from cue events to sounds.

``CueAudio`` listens to the driver's ``cues_fired`` (every cue of one tick, after the
screen has taken in the change; the window draws it before the sound starts), asks ``audio.planner`` what each cue may play, and plays it on a
backend.  Every decision goes to the event log as a ``sound`` record with the
monotonic time the sound was started, which the audio tests and
``benchmarks/audio_latency.py`` compare with the recording.
"""

from __future__ import annotations

import ctypes.util
import logging
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..audio import vocabulary
from ..audio.backend import CANNOT_PLAY, AudioBackend, SilentBackend, SimpleAudioBackend
from ..audio.planner import NS, Decision, Playing, Upcoming, plan
from ..audio.vocabulary import Catalog, CueSound, cue_sound
from ..audio.wavs import Pcm, WavError, join, read_wav
from ..engine.events import CueEvent
from ..session.timeline import CueKind, Timeline

log = logging.getLogger(__name__)

GAP_S = 0.08  # silence between a tone and the words, and between joined prompts
LOOKAHEAD_NS = 30 * NS  # how far ahead (in wall time) the plan looks for the next cue
# Qt Multimedia looks for PipeWire first and warns when it is not there, then uses PulseAudio,
# which is what we want; and it announces its FFmpeg version. Keep both out of the log
# (QT_LOGGING_RULES in the environment still overrides this).
QT_LOG_RULES = "qt.multimedia.symbolsresolver.warning=false\nqt.multimedia.ffmpeg.info=false"


CHECK_AFTER_S = 0.6  # after a sound's end: did it play out, or did the output fail?
RETRY_S = 10.0  # while the output is gone, try again at most this often (Qt does not say it is back)
SETTLE_MS = 250


def quiet_qt_multimedia() -> None:
    """Before Qt Multimedia (or Qt TextToSpeech, which uses it) loads: see QT_LOG_RULES."""
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(QT_LOG_RULES)


NO_DEVICE = "no sound output device: sound is off until one is connected (captions and flashes go on)"
WENT_AWAY = "the sound output went away: sound is off until one is back (captions and flashes go on)"


class QtBackend(AudioBackend):
    """Qt Multimedia: every sound preloaded as PCM in memory, played through a QAudioSink.

    Not QSoundEffect: with Qt 6.11 on PulseAudio, once the last output vanishes a
    QSoundEffect never plays again in that process, even on a fresh object after the
    output is back (it reports "playing" for ever); a QAudioSink reports the failure
    (``error()``) and works again when an output returns.  Qt announces an output that
    appears, not one that vanishes, so a failed play is what turns sound off; it comes
    back when Qt reports an output again, or when a retry (every ``RETRY_S``) works.
    """

    name = "qt"

    def __init__(self) -> None:
        super().__init__()
        quiet_qt_multimedia()
        from PySide6.QtMultimedia import QAudioFormat, QMediaDevices

        self._format = QAudioFormat()
        self._format.setChannelCount(1)
        self._format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._devices = QMediaDevices()
        self._devices.audioOutputsChanged.connect(self.on_outputs_changed)
        self._sounds: dict[str, Pcm] = {}
        self._active: list[tuple[Any, Any, QTimer]] = []  # (sink, buffer, end check) of sounds playing
        self._lost = False
        self._last_try = 0.0
        # Outputs change in bursts (a sink appears, then becomes the default): act once it settles.
        self._settle = QTimer()
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._follow_outputs)
        self._device = QMediaDevices.defaultAudioOutput()
        self._had_device = bool(QMediaDevices.audioOutputs())  # "went away" only if there was one
        if not self._had_device:
            self._lost = True
            self.problem, self.brief = NO_DEVICE, "Sound is off: no output device"

    def device(self) -> str:
        return self._device.description() if not self._device.isNull() else "none"

    def load(self, key: str, pcm: Pcm) -> None:
        self._sounds[key] = pcm

    def play(self, key: str) -> bool:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtMultimedia import QAudioSink

        pcm = self._sounds.get(key)
        if pcm is None:
            return False
        if self._lost:
            if time.monotonic() - self._last_try < RETRY_S:
                return False
            self._last_try = time.monotonic()
        self._format.setSampleRate(pcm.rate)
        sink = QAudioSink(self._device, self._format)
        sink.setVolume(self.volume)
        buffer = QBuffer()
        buffer.setData(QByteArray(pcm.samples))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        sink.start(buffer)
        if sink.error().name != "NoError":  # (QtAudio.Error in Qt 6.7+, QAudio.Error before: compare names)
            self._output_failed(f"{sink.error().name}")
            sink.stop()
            return False
        check = QTimer()
        check.setSingleShot(True)
        entry = (sink, buffer, check)
        check.timeout.connect(lambda: self._finished(entry))
        check.start(int((pcm.seconds + CHECK_AFTER_S) * 1000))
        self._active.append(entry)
        self._had_device = True
        if self._lost:
            self._lost = False
            self._set_problem(None)
        return True

    def _finished(self, entry: tuple[Any, Any, QTimer]) -> None:
        sink, buffer, check = entry
        failed = sink.error().name not in ("NoError", "UnderrunError")  # underrun: it played to its end
        if failed:
            self._output_failed(sink.error().name)
        self._release(entry)

    def _release(self, entry: tuple[Any, Any, QTimer]) -> None:
        sink, buffer, check = entry
        check.stop()
        sink.stop()
        buffer.close()
        if entry in self._active:
            self._active.remove(entry)
        sink.deleteLater()
        buffer.deleteLater()
        check.deleteLater()

    def _output_failed(self, why: str) -> None:
        log.info("sound: the output failed (%s)", why)
        self._lost = True
        self._last_try = time.monotonic()
        if self._had_device:
            self._set_problem(WENT_AWAY, "Sound is off: the output went away")
        else:
            self._set_problem(NO_DEVICE, "Sound is off: no output device")

    def stop(self) -> None:
        for entry in list(self._active):
            self._release(entry)

    def set_volume(self, volume: float) -> None:
        super().set_volume(volume)
        for sink, _buffer, _check in self._active:
            sink.setVolume(self.volume)

    def on_outputs_changed(self) -> None:
        self._settle.start()

    def _follow_outputs(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        outputs = QMediaDevices.audioOutputs()
        new = QMediaDevices.defaultAudioOutput()
        log.info("sound outputs changed: %s (default %s)", [d.description() for d in outputs], new.description())
        self._device = new
        if not outputs or new.isNull():
            self._output_failed("no output device")
            return
        self._lost = False
        self._had_device = True
        self._set_problem(None)

    def close(self) -> None:
        self.stop()
        self._settle.stop()
        self._sounds.clear()


def make_backend(choice: str) -> AudioBackend:
    """The backend asked for, or the next that works: qt → simpleaudio → silent. Never raises."""
    order = {"qt": ["qt", "simpleaudio"], "simpleaudio": ["simpleaudio", "qt"], "none": []}.get(choice, ["qt"])
    problems = []
    for name in order:
        try:
            backend: AudioBackend = QtBackend() if name == "qt" else SimpleAudioBackend()
        except ImportError as exc:
            problems.append(f"{name}: not installed ({exc.name or exc})")
            continue
        except Exception as exc:  # a broken install or driver: say so, try the next
            problems.append(f"{name}: {exc}")
            continue
        if problems:
            log.warning("sound: using %s (%s)", name, "; ".join(problems))
        return backend
    if choice == "none":
        return SilentBackend()
    return SilentBackend("no way to play sound here (" + "; ".join(problems) + "): captions and flashes only",
                         CANNOT_PLAY)


class Speech:
    """Qt's text-to-speech for a ``say`` line that has no prompt; absent when no engine works."""

    def __init__(self) -> None:
        self._tts: Any = None
        quiet_qt_multimedia()
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        for engine in engines:
            if engine == "speechd" and not ctypes.util.find_library("speechd"):
                continue  # its plug-in needs libspeechd (speech-dispatcher); without it Qt only warns
            tts = QTextToSpeech(engine)
            if tts.state() != QTextToSpeech.State.Error:
                self._tts = tts
                log.info("text to speech: %s", engine)
                return
            tts.deleteLater()

    @property
    def available(self) -> bool:
        return self._tts is not None

    def say(self, text: str, volume: float) -> None:
        if self._tts is not None:
            self._tts.setVolume(volume)
            self._tts.say(text)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()


class CueAudio(QObject):
    """Turns the driver's cue events into sounds, by the planner's rules."""

    notice_changed = Signal(str)  # "" when sound works

    def __init__(self, backend: AudioBackend, catalog: Catalog, *, volume: float = 1.0, muted: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.catalog = catalog
        self.muted = muted
        self.backend.set_volume(volume)
        self.backend.on_notice = self._on_backend_notice
        self._speech: Speech | None = None
        self.driver: Any = None
        self._pcm: dict[str, Pcm] = {}
        self._loaded: set[str] = set()
        self._sounds: dict[tuple[CueKind, str], CueSound] = {}
        self._playing: Playing | None = None
        self._queued: list[tuple[QTimer, dict[str, Any]]] = []
        self.decisions: list[dict[str, Any]] = []  # the last few, for tests and audio-check

    # -- set-up ----------------------------------------------------------------------------------
    @property
    def speech(self) -> Speech:
        """Qt's text to speech, looked for the first time a cue has no prompt."""
        if self._speech is None:
            self._speech = Speech()
        return self._speech

    @property
    def notice(self) -> str:
        return self.backend.problem or ""

    def _on_backend_notice(self, problem: str | None) -> None:
        self._log({"t": "sound_notice", "text": problem or "", "mono_ns": time.monotonic_ns()})
        self.notice_changed.emit(problem or "")

    def set_volume(self, volume: float) -> None:
        self.backend.set_volume(volume)

    def sound_for(self, kind: CueKind, text: str) -> CueSound:
        key = (kind, text)
        s = self._sounds.get(key)
        if s is None:
            s = self._sounds[key] = cue_sound(self.catalog, kind, text)
        return s

    def clip(self, part: str) -> Pcm:
        pcm = self._pcm.get(part)
        if pcm is None:
            kind, _, name = part.partition(":")
            clip = self.catalog.tones[name] if kind == "tone" else self.catalog.phrases[name]
            pcm = self._pcm[part] = read_wav(str(self.catalog.path(clip)))
        return pcm

    def seconds_of(self, parts: tuple[str, ...]) -> float:
        return vocabulary.duration(self.catalog, parts, GAP_S)

    def load(self, parts: tuple[str, ...]) -> str:
        key = "|".join(parts)
        if key not in self._loaded:
            self.backend.load(key, join([self.clip(p) for p in parts], GAP_S))
            self._loaded.add(key)
        return key

    def prepare(self, timeline: Timeline) -> None:
        """Make every sound the session can play ready before it starts."""
        cues = {(c.kind, c.text) for step in timeline.steps for c in step.cues}
        for step in timeline.steps:  # what the runner says by itself in sets the user counts
            if step.reps:
                cues |= {(CueKind.REP, str(n)) for n in range(1, step.reps + 1)}
                cues.add((CueKind.LAST_REP, "Last rep"))
        cues.add((CueKind.SESSION_COMPLETE, "Session ended."))
        try:
            for kind, text in sorted(cues):
                s = self.sound_for(kind, text)
                self.load(s.parts())
                if s.short:
                    self.load(s.parts(short=True))
        except (WavError, KeyError) as exc:
            self.backend._set_problem(f"a sound file is missing or broken: {exc}. The session goes on with "
                                      "captions and flashes.", "Sound is off: a sound file is missing")

    def bind(self, driver: Any) -> None:
        self.unbind()
        self.driver = driver
        self.prepare(driver.runner.timeline)
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
        if self._speech is not None:
            self._speech.stop()
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
            for due, kind, text in driver.runner.upcoming(clock_now, int(LOOKAHEAD_NS * speed)):
                upcoming.append(Upcoming(now + int((due - clock_now) / speed), vocabulary.priority(kind, text)))
        for d, ev in zip(plan(sounds, now, self._playing, upcoming, self.seconds_of), events):
            self._carry_out(d, ev, now)

    def _carry_out(self, d: Decision, ev: CueEvent, now: int) -> None:
        record: dict[str, Any] = {"t": "sound", "kind": ev.kind.value, "text": ev.text, "step": ev.step,
                                  "scheduled_ns": ev.scheduled_ns, "action": d.action, "reason": d.reason,
                                  "backend": self.backend.name}
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
            if self._speech is not None:
                self._speech.stop()
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
        s = d.sound
        # Text to speech only while sound works: with no output device, speech-dispatcher can
        # block its caller (seen with Qt 6.11 and speech-dispatcher 0.11), and nothing would be heard.
        if (not s.speaks and s.kind not in vocabulary.TONE_ONLY and self.backend.name != "none"
                and not self.backend.problem and self.speech.available):
            record.update(action="tts", mono_ns=time.monotonic_ns())
            self.speech.say(s.text, self.backend.volume)
            self._log(record)
            return
        key = self.load(d.parts)
        record["mono_ns"] = time.monotonic_ns()
        if not self.backend.play(key):
            record.update(action="silent", reason=self.backend.problem or "not played")
        self._log(record)

    def _log(self, record: dict[str, Any]) -> None:
        self.decisions.append(record)
        del self.decisions[:-200]
        runner_log = self.driver.runner.log if self.driver is not None else None
        if runner_log is not None:
            runner_log.write(record)
