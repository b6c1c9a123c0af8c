"""Qt Multimedia as a sound backend: ``QtBackend``, run by the app in its sound engine process.

``hinge_timer.audio_child`` runs it in a child process (``qt.audio_proc.ChildBackend`` is the
app's side), because the sound server's death aborts the process Qt Multimedia runs in.  This
module imports only what the backend needs, so that engine starts quickly.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QTimer

from ..audio.backend import AudioBackend
from ..audio.wavs import Pcm
from ..i18n import N_, _

log = logging.getLogger(__name__)

# Qt Multimedia looks for PipeWire first and warns when it is not there, then uses PulseAudio,
# which is what we want; and it announces its FFmpeg version. Keep both out of the log
# (QT_LOGGING_RULES in the environment still overrides this).
QT_LOG_RULES = "qt.multimedia.symbolsresolver.warning=false\nqt.multimedia.ffmpeg.info=false"


CHECK_AFTER_S = 0.6  # after a sound's end: did it play out, or did the output fail?
RETRY_S = 10.0  # while the output is gone, try again at most this often (Qt does not say it is back)
SETTLE_MS = 250
WARM_UP_RATE = 22050  # the rate of the shipped prompts


def quiet_qt_multimedia() -> None:
    """Before Qt Multimedia loads: see QT_LOG_RULES."""
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(QT_LOG_RULES)


# The backend's notices (``problem``) and their short forms (``brief``), marked: the backend sets them in
# the current language (English in the sound engine's process, whose words the app translates on
# arrival: qt/audio_proc.py ChildBackend._follow).  The English is what a notice is recognised by.
NO_DEVICE = N_("no sound output device: sound is off until one is connected (captions and flashes go on)")
WENT_AWAY = N_("the sound output went away: sound is off until one is back (captions and flashes go on)")
# Translators: a short form of a sound notice, for the session screen's status line.
NO_DEVICE_BRIEF = N_("Sound is off: no output device")
# Translators: a short form of a sound notice, for the session screen's status line.
WENT_AWAY_BRIEF = N_("Sound is off: the output went away")


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
            self.problem, self.brief = _(NO_DEVICE), _(NO_DEVICE_BRIEF)
        else:
            self._warm_up()

    def _warm_up(self) -> None:
        """Play 20 ms of silence now, so the sound server's connection and first stream are set up
        while Home is shown, not on the session's first cue: measured, that first sound was heard
        20-26 ms after its start in a fresh engine against 2-7 ms for later ones."""
        key = "\0warm-up"
        self._sounds[key] = Pcm(bytes(2 * (WARM_UP_RATE // 50)), WARM_UP_RATE)
        try:
            self.play(key)
        finally:
            del self._sounds[key]

    def device(self) -> str:
        return self._device.description() if not self._device.isNull() else "none"

    def load(self, key: str, pcm: Pcm) -> None:
        self._sounds[key] = pcm

    def unload(self, key: str) -> None:
        self._sounds.pop(key, None)  # a sound playing now has its own copy in its buffer

    def held(self) -> list[str]:
        """The keys of the sounds kept in memory, sorted."""
        return sorted(self._sounds)

    def clip(self, key: str) -> Pcm:
        return self._sounds[key]

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
            self._set_problem(_(WENT_AWAY), _(WENT_AWAY_BRIEF))
        else:
            self._set_problem(_(NO_DEVICE), _(NO_DEVICE_BRIEF))

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
