"""Players behind one small interface: Qt Multimedia (``hinge_timer.qt.audio``), simpleaudio, silent.

A backend is given every sound of a session before it starts (``load``), so playing
one is only a call to start it.  A backend never raises into the session: when it
cannot play it says why in ``problem`` and returns False, and the session goes on
with its captions and flashes.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Callable

from .wavs import Pcm, scaled

log = logging.getLogger(__name__)

BACKENDS = ("qt", "simpleaudio", "none")


class AudioBackend(ABC):
    name = "?"

    def __init__(self) -> None:
        self.problem: str | None = None
        self.volume = 1.0
        self.on_notice: Callable[[str | None], None] = lambda _text: None

    @abstractmethod
    def load(self, key: str, pcm: Pcm) -> None:
        """Get a sound ready to start at once."""

    @abstractmethod
    def play(self, key: str) -> bool:
        """Start a loaded sound; False when nothing could be played (``problem`` says why)."""

    def stop(self) -> None:
        """Stop whatever is playing."""

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))

    def device(self) -> str:
        return "none"

    def close(self) -> None:
        """Release the device and any files."""

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            self.problem = problem
            if problem:
                log.warning("sound: %s", problem)
            else:
                log.info("sound: working again (%s)", self.device())
            self.on_notice(problem)


class SilentBackend(AudioBackend):
    """Plays nothing; the app says once why there is no sound."""

    name = "none"

    def __init__(self, reason: str = "sound is turned off (--audio none)") -> None:
        super().__init__()
        self.problem = reason

    def load(self, key: str, pcm: Pcm) -> None:
        pass

    def play(self, key: str) -> bool:
        return False


class SimpleAudioBackend(AudioBackend):
    """ALSA (Linux), WinMM or Core Audio through simpleaudio, the optional ``simpleaudio`` extra."""

    name = "simpleaudio"

    def __init__(self) -> None:
        super().__init__()
        import simpleaudio  # ImportError when the extra is not installed: the caller falls back

        self._sa: Any = simpleaudio
        self._sounds: dict[str, Pcm] = {}
        self._scaled: dict[str, bytes] = {}
        self._play: Any = None

    def load(self, key: str, pcm: Pcm) -> None:
        self._sounds[key] = pcm
        self._scaled.pop(key, None)

    def set_volume(self, volume: float) -> None:
        super().set_volume(volume)
        self._scaled.clear()

    def device(self) -> str:
        return "the system's default output (ALSA 'default' on Linux)"

    def play(self, key: str) -> bool:
        pcm = self._sounds.get(key)
        if pcm is None:
            return False
        data = self._scaled.get(key)
        if data is None:
            data = pcm.samples if self.volume >= 0.999 else scaled(pcm, self.volume).samples
            self._scaled[key] = data
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
        self._sounds.clear()
