"""Small WAV helpers on the standard library: read, write, join with gaps, measure.

Every sound the app ships is 16-bit mono PCM at ``RATE`` Hz, so clips can be joined
byte for byte.
"""

from __future__ import annotations

import array
import io
import math
import wave
from dataclasses import dataclass
from pathlib import Path

from ..safeio import NotRegularFile, TooLarge, read_regular

RATE = 22050
# A spoken prompt is a few seconds; no sound file the app plays is anywhere near this.
MAX_WAV_BYTES = 16 * 1024 * 1024
SAMPLE_BYTES = 2


@dataclass(frozen=True)
class Pcm:
    """Signed 16-bit mono samples at ``rate`` Hz."""

    samples: bytes
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_BYTES / self.rate


class WavError(ValueError):
    """A sound file that cannot be used; the message names the file and what is wrong."""


def read_wav(path: str | Path) -> Pcm:
    """A sound file's samples.  Only a regular file of at most ``MAX_WAV_BYTES`` is read (a FIFO or a
    device in its place is refused at once, never waited on); every failure is a ``WavError``."""
    try:
        data = read_regular(path, MAX_WAV_BYTES)
    except FileNotFoundError:
        raise WavError(f"{path}: the sound file is missing") from None
    except (NotRegularFile, TooLarge) as exc:
        raise WavError(f"{path}: not a usable sound file ({exc.strerror})") from None
    except OSError as exc:
        raise WavError(f"{path}: the sound file cannot be read ({exc.strerror or exc})") from None
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getsampwidth() != SAMPLE_BYTES or w.getnchannels() != 1:
                raise WavError(f"{path}: expected 16-bit mono PCM, got {8 * w.getsampwidth()}-bit with "
                               f"{w.getnchannels()} channels")
            return Pcm(w.readframes(w.getnframes()), w.getframerate())
    except (wave.Error, EOFError) as exc:
        raise WavError(f"{path}: not a readable WAV file ({exc})") from None


def write_wav(path: str | Path, pcm: Pcm) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_BYTES)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.samples)


def silence(seconds: float, rate: int = RATE) -> bytes:
    return b"\x00\x00" * int(round(seconds * rate))


def join(clips: list[Pcm], gap: float = 0.08) -> Pcm:
    """One clip after another with ``gap`` seconds of silence between them."""
    if not clips:
        return Pcm(b"")
    rate = clips[0].rate
    if any(c.rate != rate for c in clips):
        raise WavError("clips of different sample rates cannot be joined")
    out = bytearray()
    for i, c in enumerate(clips):
        if i:
            out += silence(gap, rate)
        out += c.samples
    return Pcm(bytes(out), rate)


def to_array(pcm: Pcm) -> array.array[int]:
    a = array.array("h")
    a.frombytes(pcm.samples)
    return a


def rms_dbfs(pcm: Pcm) -> float:
    a = to_array(pcm)
    if not a:
        return -math.inf
    mean = sum(x * x for x in a) / len(a)
    return 20 * math.log10(math.sqrt(mean) / 32768) if mean > 0 else -math.inf


def scaled(pcm: Pcm, factor: float) -> Pcm:
    """The clip with every sample multiplied by ``factor`` and clipped to 16 bits (volume)."""
    a = to_array(pcm)
    if 0.0 <= factor <= 1.0:  # a volume: nothing can leave the 16-bit range
        out = array.array("h", [int(x * factor) for x in a])
    else:
        out = array.array("h", [max(-32768, min(32767, int(x * factor))) for x in a])
    return Pcm(out.tobytes(), pcm.rate)
