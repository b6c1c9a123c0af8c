"""A session's own lines, spoken ahead of time: espeak-ng in a worker thread, and a cache on disk.

A line no recorded prompt can say (a user's drill name, a ``say`` line, "Get ready: Wobbly stool
lean") is rendered to a WAV clip when its session is opened or started, long before its cue, by the
engine, voice and processing that made the shipped prompts (``tools/make_sounds.py`` uses the same
functions from here), so it sounds like them.  At cue time it is a clip of known length like any
prompt: the planner can queue, shorten or drop it, and playing it is only starting a loaded sound.

Why espeak-ng as a subprocess: it made the shipped prompts (the voices match), it is one small
package on every Linux distribution (and has Windows and macOS builds), it writes a WAV file we can
trim and bring to the prompts' loudness, and a subprocess can be killed when it hangs.  Qt
TextToSpeech's ``synthesize()`` is not implemented by its speech-dispatcher engine, and a
speech-dispatcher client blocks its caller.  On Windows and macOS the native engines (SAPI,
AVSpeechSynthesizer) would be the choice; they are not built or tested here, so there a line is
rendered only if espeak-ng is on PATH.

Nothing here runs on the thread that fires cues or paints: ``request`` only queues texts, ``get``
only reads a dict.  The worker runs ``espeak-ng --version`` and each render with a timeout and kills
the process group when it does not answer; after one such hang the engine is given up for this run
and every line left falls back to its cue's tone and caption.

The cache (``cache_dir()``: $HINGE_TIMER_CACHE_DIR, else DATA/cache/speech for ``--data-dir`` or
$HINGE_TIMER_DATA_DIR, else the platform's user cache folder) holds ``KEY.wav`` and ``KEY.json`` per
line, written atomically; a worker starting removes what a killed render left and the least recently
used lines over ``CACHE_MAX_BYTES``.
KEY is the SHA-256 of the text, voice, rate, engine version and processing version; the JSON holds the
SHA-256 of the samples, so a damaged, truncated or foreign WAV in its place is ignored and rendered
again, never played.
"""

from __future__ import annotations

import array
import atexit
import hashlib
import json
import logging
import math
import operator
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..safeio import read_regular_text
from ..settings import DATA_DIR_ENV
from .vocabulary import line_of as line_text
from .wavs import RATE, Pcm, WavError, read_wav, write_wav

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
PACKAGE = "espeak-ng"  # the one package to install for spoken lines (Debian, Ubuntu, Fedora, Arch, Homebrew)
VOICE = "en-us"  # espeak-ng's American English voice: the clearest of its English voices at this rate
# The voice of each language (hinge_timer/i18n.py LANGUAGES): the shipped prompts of that language were
# made with it (tools/make_sounds.py), and a session's own lines in that language are spoken with it.
VOICES = {"en": VOICE, "de": "de", "fr": "fr-fr", "es": "es", "pt": "pt"}
WORDS_PER_MINUTE = 150  # a little slower than espeak's 175: heard over gym noise from a few metres
SPEECH_RMS_DBFS = -18.0
PEAK_LIMIT = 0.89  # -1 dBFS
TRIM_THRESHOLD = 300  # samples quieter than this at either end are cut (about -40 dBFS)
PROCESSING = 1  # bump when trim() or loudness() change: every cached line is rendered again
TIMEOUT_S = 10.0  # a line takes espeak-ng well under a second; one that takes longer is a hang
CACHE_ENV = "HINGE_TIMER_CACHE_DIR"
CACHE_MAX_BYTES = 50 * 1024 * 1024  # the cache is pruned to this, least recently used first, when a worker starts
STALE_TEMP_S = 300.0  # a .raw-*/.tmp-* file this old was left by a killed render (a live one is seconds old)
CLOSE_JOIN_S = 0.2  # close() waits this long at most for the worker (its engine is killed first)
CHUNK = 4096  # samples per C-level step of the processing: the GIL is let go between steps


# -- the processing the shipped prompts had -------------------------------------------------------
def _loud_from(a: "array.array[int]", starts: Iterable[int]) -> int | None:
    """The first chunk start (in ``starts``' order) whose chunk has a sample louder than the threshold."""
    for s in starts:
        chunk = a[s:s + CHUNK]
        if max(chunk) > TRIM_THRESHOLD or min(chunk) < -TRIM_THRESHOLD:
            return s
    return None


def trim(pcm: Pcm) -> Pcm:
    """The clip without its leading and trailing silence, so it starts when it is played.  The loud
    ends are found a chunk at a time (max/min over slices run in C), then sample by sample inside it."""
    a = array.array("h")
    a.frombytes(pcm.samples)
    n = len(a)
    s = _loud_from(a, range(0, n, CHUNK))
    if s is None:
        return pcm
    first = next(i for i in range(s, min(n, s + CHUNK)) if abs(a[i]) > TRIM_THRESHOLD)
    e = _loud_from(a, range((n - 1) // CHUNK * CHUNK, -1, -CHUNK))
    assert e is not None
    last = next(i for i in range(min(n, e + CHUNK) - 1, e - 1, -1) if abs(a[i]) > TRIM_THRESHOLD)
    start, end = max(0, first - int(pcm.rate * 0.002)), min(n, last + int(pcm.rate * 0.02))
    return Pcm(a[start:end].tobytes(), pcm.rate)


def _chunks(a: "array.array[int]") -> "Iterable[array.array[int]]":
    return (a[i:i + CHUNK] for i in range(0, len(a), CHUNK))


def loudness(pcm: Pcm, target_dbfs: float) -> Pcm:
    """The clip brought to ``target_dbfs`` RMS, its peak held under ``PEAK_LIMIT``.

    The same arithmetic as ``int(x * gain)`` per sample (the shipped prompts were made by it, and the
    output is byte for byte the same), done by ``map`` over chunks so that it runs in C a chunk at a
    time: a few times faster than a Python loop, and no step holds the GIL for long."""
    a = array.array("h")
    a.frombytes(pcm.samples)
    squares = sum(sum(map(operator.mul, c, c)) for c in _chunks(a))  # exact: Python ints
    mean = squares / len(a) if a else 0.0
    now = 20 * math.log10(math.sqrt(mean) / 32768) if mean > 0 else -math.inf  # wavs.rms_dbfs
    gain = 10 ** ((target_dbfs - now) / 20) if math.isfinite(now) else 1.0
    peak = max((max(max(c), -min(c)) for c in _chunks(a)), default=0)
    if peak and peak * gain > PEAK_LIMIT * 32767:
        gain = PEAK_LIMIT * 32767 / peak
    out = array.array("h")
    clip = peak * gain >= 32767  # only when the limit above did not apply (a silent clip's gain of 1)
    for c in _chunks(a):
        scaled = map(int, map(gain.__mul__, c))
        out.extend(map(max, _repeat(-32768), map(min, _repeat(32767), scaled)) if clip else scaled)
    return Pcm(out.tobytes(), pcm.rate)


def _repeat(x: int) -> Iterable[int]:
    import itertools

    return itertools.repeat(x)


# -- running the engine ---------------------------------------------------------------------------
class RenderError(Exception):
    """The engine failed or did not answer; the message says so in a person's words."""


class EngineHung(RenderError):
    pass


class Procs:
    """The engine processes of one renderer.  A process is registered as soon as it is started; once
    ``close()`` has run, one started after it is killed at once (its session with it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: list[subprocess.Popen[bytes]] = []
        self.closed = False

    def add(self, proc: "subprocess.Popen[bytes]") -> bool:
        with self._lock:
            if not self.closed:
                self._procs.append(proc)
                return True
        kill_group(proc)
        return False

    def remove(self, proc: "subprocess.Popen[bytes]") -> None:
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)

    def close(self) -> None:
        """Kill every engine process group still running, and any started from now on."""
        with self._lock:
            self.closed = True
            procs, self._procs = self._procs, []
        for proc in procs:
            kill_group(proc)


def _run(argv: list[str], stdin: bytes, timeout_s: float, procs: Procs | None = None) -> bytes:
    """Run ``argv`` in a process group of its own; kill the whole group if it outlives ``timeout_s``."""
    procs = procs if procs is not None else Procs()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as exc:
        raise RenderError(f"{argv[0]} cannot be started ({exc.strerror or exc})") from None
    if not procs.add(proc):  # closed while it was starting: killed already
        proc.communicate()
        raise RenderError("closed")
    try:
        try:
            out, err = proc.communicate(stdin, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            proc.communicate()
            raise EngineHung(f"{ENGINE} did not answer within {timeout_s:g} s") from None
    finally:
        procs.remove(proc)
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"{ENGINE} failed (exit {proc.returncode}{': ' + detail[-1] if detail else ''})")
    return out


def kill_group(proc: "subprocess.Popen[bytes]") -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            proc.kill()
        except OSError:
            pass


def engine_version(command: str, timeout_s: float = TIMEOUT_S, procs: Procs | None = None) -> str:
    """``espeak-ng --version``'s first line without its data folder: part of every cache key."""
    out = _run([command, "--version"], b"", timeout_s, procs)
    first = out.decode("utf-8", "replace").strip().splitlines()
    version = first[0].split("Data at:")[0].strip() if first else ""
    if not version:
        raise RenderError(f"{ENGINE} --version said nothing")
    return version


def speak(text: str, folder: Path, *, command: str = ENGINE, timeout_s: float = TIMEOUT_S,
          procs: Procs | None = None, voice: str = VOICE) -> Pcm:
    """``text`` spoken by espeak-ng, trimmed and brought to the prompts' loudness.  The text goes on
    stdin, so a line starting with '-' is never taken for an option."""
    fd, raw_name = tempfile.mkstemp(suffix=".wav", prefix=".raw-", dir=folder)
    os.close(fd)
    raw = Path(raw_name)
    try:
        _run([command, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(raw)], text.encode("utf-8"),
             timeout_s, procs)
        try:
            pcm = read_wav(raw)
        except WavError as exc:
            raise RenderError(f"{ENGINE} wrote no usable sound ({exc})") from None
    finally:
        raw.unlink(missing_ok=True)
    if pcm.rate != RATE:
        raise RenderError(f"{ENGINE} wrote {pcm.rate} Hz; expected {RATE}")
    if not pcm.samples:
        raise RenderError(f"{ENGINE} wrote no sound")
    return loudness(trim(pcm), SPEECH_RMS_DBFS)


# -- the cache --------------------------------------------------------------------------------------
def cache_dir(data_dir: str | None = None) -> Path:
    """Where rendered lines are kept, in the order ``settings.data_dir`` uses: $HINGE_TIMER_CACHE_DIR,
    else DATA/cache/speech when a data folder is given (``--data-dir``, else $HINGE_TIMER_DATA_DIR),
    else the platform's user cache folder (``~/.cache/hinge-timer/speech`` on Linux)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    data = data_dir or os.environ.get(DATA_DIR_ENV)
    if data:
        return Path(data).expanduser() / "cache" / "speech"
    import platformdirs

    return Path(platformdirs.user_cache_dir("hinge-timer", appauthor=False)) / "speech"


def cache_key(text: str, version: str, voice: str = VOICE) -> str:
    ident = json.dumps([line_text(text), ENGINE, version, voice, WORDS_PER_MINUTE, PROCESSING])
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_cached(folder: Path, key: str) -> Pcm | None:
    """The cached clip for ``key``, or None when it is missing, damaged, truncated or not ours."""
    try:
        meta = json.loads(read_regular_text(folder / f"{key}.json", 4096))
        pcm = read_wav(folder / f"{key}.wav")
    except (OSError, ValueError):  # WavError is a ValueError; so is bad JSON or UTF-8
        return None
    if not (isinstance(meta, dict) and meta.get("key") == key and pcm.rate == RATE and pcm.samples
            and meta.get("samples") == len(pcm.samples) // 2
            and meta.get("sha256") == hashlib.sha256(pcm.samples).hexdigest()):
        return None
    for name in (f"{key}.wav", f"{key}.json"):  # used: the last to be pruned
        try:
            os.utime(folder / name)
        except OSError:
            pass
    return pcm


def tidy_cache(folder: Path, max_bytes: int = CACHE_MAX_BYTES, now: float | None = None) -> None:
    """Remove what a killed render left (``.raw-*``, ``.tmp-*`` older than ``STALE_TEMP_S``) and the
    least recently used lines while the cache holds more than ``max_bytes``.  Never raises."""
    now = time.time() if now is None else now
    entries: dict[str, list[tuple[Path, os.stat_result]]] = {}
    try:
        with os.scandir(folder) as it:
            for d in it:
                try:
                    st = d.stat(follow_symlinks=False)
                except OSError:
                    continue
                if d.name.startswith((".raw-", ".tmp-")):
                    if now - st.st_mtime > STALE_TEMP_S:
                        Path(d.path).unlink(missing_ok=True)
                    continue
                stem, dot, ext = d.name.rpartition(".")
                if dot and ext in ("wav", "json"):
                    entries.setdefault(stem, []).append((Path(d.path), st))
    except OSError:
        return
    total = sum(st.st_size for files in entries.values() for _p, st in files)
    for _used, stem in sorted((max(st.st_mtime for _p, st in files), stem) for stem, files in entries.items()):
        if total <= max_bytes:
            break
        for path, st in entries[stem]:
            try:
                path.unlink(missing_ok=True)
                total -= st.st_size
            except OSError:
                pass


def write_cached(folder: Path, key: str, text: str, pcm: Pcm) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(folder / f"{key}.wav", lambda p: write_wav(p, pcm))
    meta = {"key": key, "text": text, "samples": len(pcm.samples) // 2,
            "sha256": hashlib.sha256(pcm.samples).hexdigest()}
    _write_atomically(folder / f"{key}.json", lambda p: p.write_text(json.dumps(meta, ensure_ascii=False),
                                                                      encoding="utf-8"))


# -- the worker -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    text: str
    pcm: Pcm
    from_cache: bool

    @property
    def seconds(self) -> float:
        return self.pcm.seconds


class LineRenderer:
    """Renders lines in one background thread, newest request first in line, each at most once.

    ``on_ready(text)`` and ``on_unavailable(reason)`` are called on the worker thread (the Qt side
    turns them into queued signals), never after ``close()`` has returned; ``wait`` returns only
    after the callback of what it waited for has run.  ``get``, ``state``, ``request``, ``retain``
    and ``close`` never wait on the engine.
    """

    def __init__(self, folder: Path, *, command: str = ENGINE, timeout_s: float = TIMEOUT_S,
                 on_ready: Callable[[str], None] = lambda _t: None,
                 on_unavailable: Callable[[str], None] = lambda _r: None,
                 max_cache_bytes: int = CACHE_MAX_BYTES) -> None:
        self.folder = folder
        self.command = command
        self.timeout_s = timeout_s
        self.on_ready = on_ready
        self.on_unavailable = on_unavailable
        self.max_cache_bytes = max_cache_bytes
        self.unavailable: str | None = None  # why no line can be rendered in this run
        self.version: str | None = None
        self.rendered = 0  # lines the engine spoke in this run (not from the cache)
        self.from_cache = 0
        self.voice = VOICE  # the voice lines are rendered in now (set_voice)
        self._ready: dict[str, Line] = {}
        self._failed: dict[str, str] = {}
        self._queued: deque[str] = deque()
        self._wanted: set[str] = set()
        self._busy: str | None = None
        self._telling = 0  # callbacks running now: wait() returns after them
        self._cond = threading.Condition()
        self._closed = False
        self._procs = Procs()
        self._thread: threading.Thread | None = None
        atexit.register(self.close)

    # -- the GUI thread's side: never waits ---------------------------------------------------------
    def request(self, texts: Iterable[str]) -> None:
        """Render these lines (in this order, before anything asked for earlier) unless already done."""
        todo = [t for t in dict.fromkeys(line_text(t) for t in texts) if t]
        with self._cond:
            if self._closed:
                return
            fresh = [t for t in todo if t not in self._ready and t not in self._failed and t != self._busy]
            if self.unavailable is not None:  # given up in this run: these fall back to their tones
                self._failed.update((t, self.unavailable) for t in fresh)
                self._cond.notify_all()
                return
            for t in fresh:
                if t in self._wanted:
                    self._queued.remove(t)
            self._queued.extendleft(reversed(fresh))
            self._wanted.update(fresh)
            if fresh and self._thread is None:
                self._thread = threading.Thread(target=self._work, name="speech-render", daemon=True)
                self._thread.start()
            self._cond.notify()

    def set_voice(self, voice: str) -> None:
        """Render from now on in ``voice`` (the language of the session bound: ``voice_for``); the lines
        of another voice are forgotten (they stay in the cache on disk, under their voice)."""
        with self._cond:
            if voice == self.voice:
                return
            self.voice = voice
            self._ready.clear()
            self._failed.clear()
            self._queued.clear()
            self._wanted.clear()

    def retain(self, texts: Iterable[str]) -> None:
        """Forget the clips of every line not in ``texts`` (a new session was bound: its lines are
        all that can play); they stay in the cache on disk and come back from it when asked again."""
        keep = {line_text(t) for t in texts}
        with self._cond:
            for t in [t for t in self._ready if t not in keep]:
                del self._ready[t]

    def get(self, text: str) -> Line | None:
        return self._ready.get(line_text(text))

    def state(self, text: str) -> tuple[str, str]:
        """("ready"|"rendering"|"failed"|"not asked", reason) for a line."""
        t = line_text(text)
        line = self._ready.get(t)
        if line is not None:
            return "ready", "from the cache" if line.from_cache else "rendered just now"
        if t in self._failed:
            return "failed", self._failed[t]
        if self.unavailable:
            return "failed", self.unavailable
        if t in self._wanted or t == self._busy:
            return "rendering", "not rendered yet"
        return "not asked", "not rendered yet"

    def pending(self) -> int:
        with self._cond:
            return len(self._queued) + (self._busy is not None)

    def wait(self, texts: Iterable[str], timeout_s: float) -> bool:
        """For the command line and tests only (never the GUI thread): wait until these lines are done
        and their ``on_ready``/``on_unavailable`` has run."""
        want = {line_text(t) for t in texts}
        with self._cond:
            return self._cond.wait_for(
                lambda: self._closed or (not self._telling
                                         and all(t in self._ready or t in self._failed for t in want)),
                timeout_s)

    def close(self) -> None:
        """Stop the worker and kill an engine still running (and any it starts after this); waits at
        most ``CLOSE_JOIN_S`` for the worker, which then has nothing left to wait on."""
        with self._cond:
            self._closed = True
            self._queued.clear()
            self._cond.notify_all()
        self._procs.close()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(CLOSE_JOIN_S)

    # -- the worker thread ---------------------------------------------------------------------------
    def _tell(self, callback: Callable[[str], None], arg: str) -> None:
        """Call ``callback(arg)`` unless closed (checked under the lock).  The caller raised
        ``_telling`` under the lock it changed the state in, so ``wait`` cannot return in between."""
        try:
            with self._cond:
                closed = self._closed
            if not closed:
                callback(arg)
        except Exception:  # a listener's fault must not stop the worker
            log.exception("spoken lines: a listener failed")
        finally:
            with self._cond:
                self._telling -= 1
                self._cond.notify_all()

    def _give_up(self, reason: str) -> None:
        with self._cond:
            self.unavailable = reason
            for t in [*self._queued, *([self._busy] if self._busy else [])]:
                self._failed[t] = reason
            self._queued.clear()
            self._wanted.clear()
            self._busy = None
            self._telling += 1  # wait() returns once the listener has been told
        log.warning("spoken lines: %s", reason)
        self._tell(self.on_unavailable, reason)

    def _work(self) -> None:
        try:
            tidy_cache(self.folder, self.max_cache_bytes)
        except Exception:  # tidying is a nicety; rendering goes on without it
            log.exception("spoken lines: tidying the cache failed")
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or bool(self._queued))
                if self._closed:
                    return
                text = self._busy = self._queued.popleft()
                voice = self.voice
                self._wanted.discard(text)
            try:
                if self.unavailable is None and self.version is None and not self._start_engine():
                    continue
                line = self._render(text, voice)
            except EngineHung as exc:
                self._give_up(f"{exc}; spoken lines are off in this run (their cues play a tone)")
                continue
            except Exception as exc:  # RenderError, OSError, or a fault of ours: this line only
                if not isinstance(exc, (RenderError, OSError)):
                    log.exception("spoken line %r", text)
                    exc = RenderError(f"rendering failed ({type(exc).__name__}: {exc})")
                with self._cond:
                    self._failed[text], self._busy = str(exc), None
                    self._cond.notify_all()
                log.warning("spoken line %r: %s", text, exc)
                continue
            with self._cond:
                if self._closed:
                    return
                if voice != self.voice:  # the voice changed while it was spoken: not this session's line
                    self._busy = None
                    self._cond.notify_all()
                    continue
                self._ready[text], self._busy = line, None
                self._telling += 1  # wait() returns once the listener has been told
            self._tell(self.on_ready, text)

    def _start_engine(self) -> bool:
        path = shutil.which(self.command)
        if path is None:
            self._give_up(f"spoken lines need a speech engine: install {PACKAGE} (their cues play a tone)")
            return False
        try:
            self.version = engine_version(path, self.timeout_s, self._procs)
        except RenderError as exc:
            self._give_up(f"{exc}; spoken lines are off in this run (their cues play a tone)")
            return False
        self.command = path
        return True

    def _render(self, text: str, voice: str = VOICE) -> Line:
        assert self.version is not None
        key = cache_key(text, self.version, voice)
        pcm = read_cached(self.folder, key)
        if pcm is not None:
            self.from_cache += 1
            return Line(text, pcm, True)
        self.folder.mkdir(parents=True, exist_ok=True)
        pcm = speak(text, self.folder, command=self.command, timeout_s=self.timeout_s, procs=self._procs,
                    voice=voice)
        write_cached(self.folder, key, text, pcm)
        self.rendered += 1
        return Line(text, pcm, False)


def voice_for(timeline_language: str, session_language: str, translated: Iterable[str]) -> str:
    """The voice a session's own lines are spoken in: the run's language when the session's words are in
    it (its own language, or a translation it has), else the language its file is written in."""
    words = timeline_language if timeline_language == session_language or timeline_language in translated \
        else session_language
    return VOICES.get(words, VOICE)
