"""Players behind one small interface: Qt Multimedia (``hinge_timer.qt.audio``), simpleaudio, silent.

A backend is given every sound of a session before it starts (``load``), so playing
one is only a call to start it.  A backend never raises into the session: when it
cannot play it says why in ``problem`` and returns False, and the session goes on
with its captions and flashes.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Any, Callable

from ..i18n import N_, _
from .wavs import Pcm, scaled

log = logging.getLogger(__name__)

BACKENDS = ("qt", "simpleaudio", "none")
# Translators: the session screen's status line when no sound can be played (short).
CANNOT_PLAY = N_("Sound is off: it cannot play here")
# Translators: why there is no sound, when it was turned off (View → Sound output, or --audio none).
TURNED_OFF = N_("sound is turned off (View → Sound output, or --audio): captions and flashes only")
# Translators: the session screen's status line when sound was turned off (short).
TURNED_OFF_BRIEF = N_("Sound is off (View → Sound output)")


class AudioBackend(ABC):
    name = "?"

    def __init__(self) -> None:
        self.problem: str | None = None
        self.brief = ""  # the problem in the few words the session screen's status line has room for
        self.volume = 1.0
        self.on_notice: Callable[[str | None], None] = lambda _text: None
        # What the last ``play`` did, when it returned True: "play" (started), or "pending" (kept
        # until the engine is ready; its fate goes to ``on_outcome`` later).
        self.last_play = "play"
        # A backend's later word on a play it could not settle at once: {"key", "action": "play" |
        # "silent", "reason", ...}.  The event log takes it as a ``sound_outcome`` record.
        self.on_outcome: Callable[[dict[str, Any]], None] = lambda _outcome: None

    @abstractmethod
    def load(self, key: str, pcm: Pcm) -> None:
        """Get a sound ready to start at once."""

    def unload(self, key: str) -> None:
        """Forget a loaded sound (a line of a session no longer open): its memory is given back."""

    @abstractmethod
    def play(self, key: str) -> bool:
        """Start a loaded sound; False when nothing could be played (``problem`` says why)."""

    def stop(self) -> None:
        """Stop whatever is playing."""

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))

    def device(self) -> str:
        return "none"

    def wait_ready(self, timeout_s: float) -> bool:
        """Command-line tools only, never the window: wait (at most ``timeout_s``) until the
        backend can play, for one that starts in the background (the Qt sound engine process)."""
        return True

    def close(self) -> None:
        """Release the device and any files."""

    def _set_problem(self, problem: str | None, brief: str | None = None) -> None:
        if problem != self.problem:
            self.problem = problem
            self.brief = (brief if brief is not None else _(CANNOT_PLAY)) if problem else ""
            if problem:
                log.warning("sound: %s", problem)
            else:
                log.info("sound: working again (%s)", self.device())
            self.on_notice(problem)


class SilentBackend(AudioBackend):
    """Plays nothing; the app says once why there is no sound."""

    name = "none"

    def __init__(self, reason: str | None = None, brief: str | None = None) -> None:
        super().__init__()
        self.problem = reason if reason is not None else _(TURNED_OFF)
        self.brief = brief if brief is not None else _(TURNED_OFF_BRIEF)

    def load(self, key: str, pcm: Pcm) -> None:
        pass

    def play(self, key: str) -> bool:
        return False


class SimpleAudioBackend(AudioBackend):
    """ALSA (Linux), WinMM or Core Audio through simpleaudio, the optional ``simpleaudio`` extra.

    simpleaudio has no volume control, so each clip is scaled before it is played.  Scaling in
    Python takes ~10 ms per second of sound, far too long to do when a cue fires, so a worker
    thread scales every loaded clip whenever sounds are loaded or the volume changes; a play
    that comes before the worker has reached its clip scales it there and then.
    """

    name = "simpleaudio"

    def __init__(self) -> None:
        super().__init__()
        import simpleaudio  # ImportError when the extra is not installed: the caller falls back

        self._sa: Any = simpleaudio
        self._sounds: dict[str, Pcm] = {}
        self._scaled: dict[tuple[str, float], bytes] = {}  # (key, volume) → samples to play
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._play: Any = None

    def load(self, key: str, pcm: Pcm) -> None:
        if not self._sounds:
            self._warm_up(pcm.rate)
        with self._lock:
            self._sounds[key] = pcm
            self._scaled = {k: v for k, v in self._scaled.items() if k[0] != key}
        self._scale_soon()

    def unload(self, key: str) -> None:
        with self._lock:
            self._sounds.pop(key, None)
            self._scaled = {k: v for k, v in self._scaled.items() if k[0] != key}

    def _warm_up(self, rate: int) -> None:
        """Play 10 ms of silence, so ALSA reads its configuration and loads its plugins now rather
        than when the session's first cue plays."""
        try:
            self._sa.play_buffer(bytes(2 * (rate // 100)), 1, 2, rate)
        except Exception as exc:
            self._set_problem(f"no sound: {exc}. Captions and flashes go on.")

    def set_volume(self, volume: float) -> None:
        super().set_volume(volume)
        self._scale_soon()

    def _scale_soon(self) -> None:
        if self.volume >= 0.999:
            return  # played as loaded
        self._wake.set()
        if self._worker is None:
            self._worker = threading.Thread(target=self._scale_all, name="simpleaudio-volume", daemon=True)
            self._worker.start()

    def _scale_all(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                volume, todo = self.volume, list(self._sounds.items())
                self._scaled = {k: v for k, v in self._scaled.items() if k[1] == volume}
            for key, pcm in todo:
                if self._closed or self._wake.is_set() or volume != self.volume:
                    break  # the volume changed again: start over with the new one
                if (key, volume) not in self._scaled:
                    data = scaled(pcm, volume).samples
                    with self._lock:
                        self._scaled[(key, volume)] = data

    def _samples(self, key: str, pcm: Pcm) -> bytes:
        volume = self.volume
        if volume >= 0.999:
            return pcm.samples
        data = self._scaled.get((key, volume))
        if data is None:  # the worker has not reached it yet
            data = scaled(pcm, volume).samples
            with self._lock:
                self._scaled[(key, volume)] = data
        return data

    def device(self) -> str:
        return "the system's default output (ALSA 'default' on Linux)"

    def play(self, key: str) -> bool:
        pcm = self._sounds.get(key)
        if pcm is None:
            return False
        data = self._samples(key, pcm)
        try:
            self._play = self._sa.play_buffer(data, 1, 2, pcm.rate)
        except Exception as exc:  # simpleaudio raises its own SimpleaudioError, among others
            self._set_problem(f"no sound: {exc}. Captions and flashes go on.")
            return False
        self._set_problem(None)
        return True

    def stop(self) -> None:
        if self._play is not None:
            try:
                self._play.stop()
            except Exception:  # already finished or the device went away
                pass

    def close(self) -> None:
        self.stop()
        self._closed = True
        self._wake.set()
        with self._lock:
            self._sounds.clear()
            self._scaled.clear()
