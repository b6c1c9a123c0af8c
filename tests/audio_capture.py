"""Real sound without speakers: a private PulseAudio server with a null sink, and a recorder of it.

Used by the audio tests and ``benchmarks/audio_latency.py``.  The server runs with its own
runtime folder (it never touches a desktop's sound server); children reach it through
``PULSE_SERVER``.  The recorder reads the sink's monitor with ``parec`` and stamps every block
it reads with ``time.monotonic_ns()``, so a sound's onset in the recording can be set against the
monotonic time the app logged when it started the sound.
"""

from __future__ import annotations

import array
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

RATE = 22050
SINK = "hinge_test"
WINDOW = 110  # 5 ms of samples for the loudness envelope
THRESHOLD_DBFS = -45.0
SILENCE_S = 0.15  # a quieter stretch at least this long separates two sounds
# A sound is heard "at its start" when its onset in the recording is this close to the logged start.
ONSET_EARLY_NS = 15_000_000  # the capture stamps blocks as they arrive: good to a few ms
ONSET_LATE_NS = 150_000_000


def pulse_server() -> Iterator["PulseServer"]:
    """For the ``pulse`` fixture (tests/integration/conftest.py): a private PulseAudio, stopped
    after.  Without its tools the test is skipped, and with CI=true it fails."""
    import pytest

    missing = missing_tools()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have PulseAudio for the sound tests; missing: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)")
    server = PulseServer().start()
    try:
        yield server
    finally:
        server.stop()


def missing_tools() -> list[str]:
    return [t for t in ("pulseaudio", "pactl", "parec") if shutil.which(t) is None]


class PulseServer:
    """``pulseaudio`` with only a native socket and one null sink, in a folder of its own."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hinge-pulse-"))
        self.socket = self.folder / "native"
        # The server keeps its state in the folder; clients (pactl, parec, the app) only need its socket.
        self.server_env = dict(os.environ, PULSE_RUNTIME_PATH=str(self.folder), XDG_RUNTIME_DIR=str(self.folder),
                               HOME=str(self.folder))
        self.env = dict(os.environ, PULSE_SERVER=f"unix:{self.socket}")
        self.env.pop("PULSE_SINK", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "PulseServer":
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
             "--log-target=stderr", "--log-level=error", "-L", f"module-native-protocol-unix socket={self.socket} auth-anonymous=1"],
            env=self.server_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.pactl("info", check=False).returncode == 0:
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"pulseaudio exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            time.sleep(0.05)
        else:
            raise RuntimeError("pulseaudio did not start within 15 s")
        self.load_sink()
        return self

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, check=check, timeout=10)

    def load_sink(self) -> None:
        self.module = self.pactl("load-module", "module-null-sink", f"sink_name={SINK}",
                                 f"rate={RATE}", "channels=1").stdout.strip()
        self.pactl("set-default-sink", SINK)

    def unload_sink(self) -> None:
        self.pactl("unload-module", self.module)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stderr is not None:
                self.proc.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Recording:
    rate: int
    samples: array.array  # signed 16-bit mono
    # (monotonic ns when a block arrived, index of the sample after that block)
    marks: list[tuple[int, int]] = field(default_factory=list)

    def time_of(self, index: int) -> int:
        """Monotonic ns at which sample ``index`` was played into the sink (as read back)."""
        for arrived, end in self.marks:
            if end > index:
                return arrived - int((end - index) * 1e9 / self.rate)
        arrived, end = self.marks[-1]
        return arrived + int((index - end) * 1e9 / self.rate)

    def envelope(self) -> list[float]:
        out = []
        for i in range(0, len(self.samples) - WINDOW + 1, WINDOW):
            chunk = self.samples[i:i + WINDOW]
            mean = sum(x * x for x in chunk) / WINDOW
            out.append(20 * math.log10(math.sqrt(mean) / 32768) if mean > 0 else -120.0)
        return out

    def loud(self, threshold_dbfs: float = THRESHOLD_DBFS) -> list[tuple[int, int]]:
        """(start, end) monotonic ns of every 5 ms window louder than the threshold."""
        out = []
        for i, db in enumerate(self.envelope()):
            if db >= threshold_dbfs:
                out.append((self.time_of(i * WINDOW), self.time_of((i + 1) * WINDOW)))
        return out

    def sounds(self, threshold_dbfs: float = THRESHOLD_DBFS, silence_s: float = SILENCE_S) -> list["Heard"]:
        """Each stretch of sound: onset and end (monotonic ns), separated by ``silence_s`` of quiet."""
        env = self.envelope()
        gap = int(silence_s * self.rate / WINDOW)
        heard: list[Heard] = []
        start = last = None
        for i, db in enumerate(env):
            if db >= threshold_dbfs:
                if start is None:
                    start = i
                elif last is not None and i - last > gap:
                    heard.append(self._heard(start, last))
                    start = i
                last = i
        if start is not None and last is not None:
            heard.append(self._heard(start, last))
        return heard

    def _heard(self, first: int, last: int) -> "Heard":
        a, b = first * WINDOW, (last + 1) * WINDOW
        peak = max(abs(x) for x in self.samples[a:b])
        return Heard(self.time_of(a), self.time_of(b), (b - a) / self.rate, peak / 32768)


@dataclass(frozen=True)
class Heard:
    onset_ns: int
    end_ns: int
    seconds: float
    peak: float


class Recorder:
    """``parec`` on the null sink's monitor, read block by block in a thread."""

    def __init__(self, server: PulseServer, source: str = f"{SINK}.monitor") -> None:
        self.server = server
        self.source = source
        self.proc: subprocess.Popen[bytes] | None = None
        self.data = bytearray()
        self.marks: list[tuple[int, int]] = []
        self._thread: threading.Thread | None = None

    def start(self) -> "Recorder":
        self.proc = subprocess.Popen(
            ["parec", "-d", self.source, "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=5"],
            env=self.server.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.marks and time.monotonic() < deadline:  # the stream is flowing
            time.sleep(0.01)
        return self

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            block = os.read(fd, 4096)
            now = time.monotonic_ns()
            if not block:
                return
            self.data += block
            self.marks.append((now, len(self.data) // 2))

    def stop(self) -> Recording:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
        if self._thread is not None:
            self._thread.join(10)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        samples = array.array("h")
        samples.frombytes(bytes(self.data[: len(self.data) // 2 * 2]))
        return Recording(RATE, samples, list(self.marks))
