"""Sound onset latency, measured from a recording.

A private PulseAudio server with a null sink stands in for the speakers; ``parec`` records its
monitor and stamps every block with the monotonic clock (tests/audio_capture.py).  For each
backend, the app's own window (MainWindow, offscreen) runs two sessions at real speed with its
event log on: tests/data/audio-short.toml (every line a recorded prompt) and
tests/data/server-restarts.toml (a user's own names and ``say`` lines, rendered ahead by espeak-ng
into a cache filled before the runs).  The backends: ``qt``, the app's (Qt Multimedia in a child
process, fed over a pipe: qt/audio_proc.py), and ``qt-in-process``, the same QtBackend in the app's
own process as before, whose figures in the same run show what the pipe adds (the ratio is
printed).  Each sound's onset in the recording (first 5 ms window above
-45 dBFS) is set against:

- the moment the app started it (the log's ``mono_ns``): what the backend adds;
- the cue's scheduled time, for sounds played at once: what the user hears against the plan
  (a sound that waits its turn behind another is left out here and counted apart);
- the first paint of the session screen after the cue fired: a sound must never come before
  the screen changes.

Reference, in the same run and the same recording: the very clips the app played, one by one with
quiet between them, straight through the backend's library with nothing else going on (a bare
QAudioSink; ``play_buffer`` for simpleaudio).  The ratio app / reference shows what the app adds.

The null sink renders a few ms ahead of its clock, so the capture can put an onset slightly before
the call that started it.  Since no sound precedes its start, every figure is moved later by the
earliest reference reading when that is negative: the calibration only ever makes latencies larger.

simpleaudio is measured when the extra is installed and ALSA can reach PulseAudio
(``apt-get install libasound2-plugins``); otherwise the script says why and measures Qt only.

    python benchmarks/audio_latency.py [--json FILE] [--rounds N] [--sessions prompts,own lines]
                                       [--backends qt,qt-in-process,simpleaudio]

``--rounds N`` runs each session N times per backend and pools the figures: one run of the own-lines
session has 8 rendered lines played at once, so its p95 is its max; three rounds give 24.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import pct, table, write_json  # noqa: E402

from tests.audio_capture import PulseServer, Recorder, Recording, missing_tools  # noqa: E402

SESSION = REPO / "tests" / "data" / "audio-short.toml"  # every line a recorded prompt
OWN_SESSION = REPO / "tests" / "data" / "server-restarts.toml"  # a user's own lines: rendered ahead
SESSIONS = {"prompts": SESSION, "own lines": OWN_SESSION}
EARLY_NS = 15_000_000  # how far before its start a sound's onset is still taken as its own
ALSA_PULSE_PLUGIN = Path("/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so")


def stats(values_ms: list[float]) -> dict[str, float]:
    if not values_ms:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "max": float("nan"), "min": float("nan")}
    ordered = sorted(values_ms)
    return {"n": len(ordered), "median": ordered[len(ordered) // 2] if len(ordered) % 2 else
            (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2,
            "p95": pct(ordered, 95), "max": ordered[-1], "min": ordered[0]}


def onsets(recording: Recording, starts: list[int]) -> list[int | None]:
    """For each start (sorted), the onset of the first loud window between it and the next start."""
    loud = recording.loud()
    out: list[int | None] = []
    for k, t in enumerate(starts):
        until = starts[k + 1] - EARLY_NS if k + 1 < len(starts) else t + 2_000_000_000
        found = next((a for a, _b in loud if t - EARLY_NS <= a < until), None)
        out.append(found)
    return out


# -- reference: the library alone ------------------------------------------------------------------------


def reference_qt(app, clips: list) -> list[int]:
    """Each clip through a QAudioSink of its own, closed once it has played, as the app does."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
    from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices

    fmt = QAudioFormat()
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    starts: list[int] = []
    playing: dict[int, tuple] = {}
    device = QMediaDevices.defaultAudioOutput()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setSingleShot(True)

    def finished(n: int, state) -> None:
        if state == QAudio.State.IdleState and n in playing:
            sink, buf = playing.pop(n)
            sink.stop()
            buf.close()
            sink.deleteLater()

    def play() -> None:
        n = len(starts)
        pcm = clips[n]
        fmt.setSampleRate(pcm.rate)
        sink = QAudioSink(device, fmt)
        buf = QBuffer()
        buf.setData(QByteArray(pcm.samples))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        sink.stateChanged.connect(lambda state: finished(n, state))
        playing[n] = (sink, buf)
        starts.append(time.monotonic_ns())
        sink.start(buf)
        if len(starts) < len(clips):
            timer.start(gap_ms(pcm))
        else:
            QTimer.singleShot(gap_ms(pcm), app.quit)

    timer.timeout.connect(play)
    timer.start(300)
    app.exec()
    for n in list(playing):
        finished(n, QAudio.State.IdleState)
    return starts


def reference_simpleaudio(clips: list) -> list[int]:
    import simpleaudio

    starts = []
    time.sleep(0.3)
    for pcm in clips:
        starts.append(time.monotonic_ns())
        simpleaudio.play_buffer(pcm.samples, 1, 2, pcm.rate)
        time.sleep(gap_ms(pcm) / 1000)
    return starts


def gap_ms(pcm) -> int:
    """Time from one reference play to the next: the clip, then a clear stretch of quiet."""
    return int((pcm.seconds + 0.4) * 1000)


# -- the app ---------------------------------------------------------------------------------------------


def run_app(app, backend: str, tmp: Path, session: Path = SESSION, round_no: int = 0) -> dict:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    from hinge_timer.engine.clock import system_clock
    from hinge_timer.engine.events import read_event_log
    from hinge_timer.settings import SettingsStore
    from hinge_timer.ui.home import load_entry
    from hinge_timer.ui.main_window import MainWindow

    # The session clock may be CLOCK_BOOTTIME; the recording is stamped with the monotonic clock.
    offset = system_clock() - time.monotonic_ns()
    log = tmp / f"events-{backend}-{session.stem}-{round_no}.jsonl"  # (the event log appends)
    store = SettingsStore(tmp / f"data-{backend}-{round_no}")
    window = MainWindow(store.load(), store, speed=1.0, event_log=str(log), audio=backend,
                        speech_data_dir=str(tmp / "speech"))  # rendered lines cached here, shared by the runs
    window.resize(1280, 720)
    window.show()
    paints: list[int] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802
            if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and window._session_screen is not None
                    and (obj is window._session_screen or window._session_screen.isAncestorOf(obj))):
                paints.append(time.monotonic_ns())
            return False

    watch = PaintWatch()
    app.installEventFilter(watch)
    collections: list[tuple[int, int, int]] = []  # Python's garbage collector: start, end, generation
    gc_started = [0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.monotonic_ns()
        else:
            collections.append((gc_started[0], time.monotonic_ns(), info["generation"]))

    gc.callbacks.append(on_gc)
    entry = load_entry(str(session), session, builtin=False)
    assert entry.session is not None, entry.error
    audio = window.sound.ensure()
    kind = {"qt": "ChildBackend", "qt-in-process": "QtBackend", "simpleaudio": "SimpleAudioBackend"}[backend]
    assert type(audio.backend).__name__ == kind, f"{backend} did not start: {audio.notice}"
    # The session's own lines rendered before it starts (the app does it when a session is
    # opened; here the first run fills the cache and the others find them there).
    from hinge_timer.audio.vocabulary import lines_to_render
    from hinge_timer.session.timeline import compile_timeline

    own = lines_to_render(audio.catalog, compile_timeline(entry.session, "low"))
    if own:
        audio.lines.renderer.request(own)
        if not audio.lines.renderer.wait(own, 120):
            sys.exit("audio_latency: the session's own lines were not rendered within 120 s")
    ready = time.monotonic() + 3  # the sound engine (a child process) is up and has its clips
    while getattr(audio.backend, "_ready", True) is False and time.monotonic() < ready:
        app.processEvents()
    def start() -> None:  # as `hinge-timer run FILE` does: once the window is on screen
        driver = window.start_session(entry, "low")
        # Quit once the last sound has had time to play out.
        driver.session_finished.connect(lambda _s: QTimer.singleShot(4000, app.quit))

    from hinge_timer.ui.shown import when_shown

    when_shown(window, start)
    app.exec()
    app.removeEventFilter(watch)
    gc.callbacks.remove(on_gc)
    from hinge_timer.audio.wavs import join
    from hinge_timer.qt.audio import GAP_S

    audio = window.sound.audio
    window.end_driver()
    window.close()
    window.deleteLater()
    app.processEvents()

    records = read_event_log(str(log))
    if not any(r["t"] == "cue" and r["kind"] == "session_complete" for r in records):
        sys.exit(f"audio_latency: the {backend} run stopped before the session's end; no figures")
    cues = {(r["kind"], r["scheduled_ns"]): r for r in records if r["t"] == "cue"}
    sounds = sorted((r for r in records if r["t"] == "sound" and r["action"] in ("play", "queue")),
                    key=lambda r: r["mono_ns"])
    # A sound asked for while the engine was still starting: the log says "pending", then its outcome.
    pending = {"asked": sum(1 for r in records if r["t"] == "sound" and r["action"] == "pending"),
               "played": sum(1 for r in records if r["t"] == "sound_outcome" and r.get("action") == "play"),
               "silent": sum(1 for r in records if r["t"] == "sound_outcome" and r.get("action") == "silent")}
    for r in sounds:
        r["cue_mono_ns"] = r["scheduled_ns"] - offset
        cue = cues.get((r["kind"], r["scheduled_ns"]))
        fired = (cue["actual_ns"] - offset) if cue else r["cue_mono_ns"]
        r["paint_mono_ns"] = next((p for p in paints if p >= fired), None)
        # Time the garbage collector held the app between the cue's time and the sound's start.
        r["gc_ms"] = sum(min(b, r["mono_ns"]) - max(a, r["cue_mono_ns"]) for a, b, _g in collections
                         if a < r["mono_ns"] and b > r["cue_mono_ns"]) / 1e6
    # The same sounds, for the reference to play through the library alone.
    clips = [join([audio.clip(p) for p in r["parts"]], GAP_S) for r in sounds]
    audio.close()
    return {"sounds": sounds, "clips": clips, "pending": pending,
            "dropped": sum(1 for r in records if r["t"] == "sound" and r["action"] == "drop")}


def rendered(r: dict) -> bool:
    """A sound that plays a line rendered ahead (not a recorded prompt, not a tone alone)."""
    return any(p.startswith("line:") for p in r.get("parts", []))


def measure(recording: Recording, run: dict, shift_ms: float) -> dict:
    """Onset figures for the app's sounds, shifted by the capture's calibration (see run_all)."""
    sounds = run["sounds"]
    heard = onsets(recording, [r["mono_ns"] for r in sounds])
    missing, per_sound = [], []
    for r, onset in zip(sounds, heard):
        if onset is None:
            missing.append(r["text"])
            continue
        per_sound.append({
            "text": r["text"], "action": r["action"], "seconds": r["seconds"],
            "after_start_ms": (onset - r["mono_ns"]) / 1e6 + shift_ms,
            "after_cue_ms": (onset - r["cue_mono_ns"]) / 1e6 + shift_ms,
            "after_paint_ms": None if r["paint_mono_ns"] is None else (onset - r["paint_mono_ns"]) / 1e6 + shift_ms,
            # Started (the earliest it can be heard) after the screen's paint began: no capture involved.
            "started_after_paint": r["paint_mono_ns"] is not None and r["mono_ns"] >= r["paint_mono_ns"],
            "rendered": rendered(r),
            "gc_ms": r["gc_ms"],
        })
    return {"per_sound": per_sound, "not_heard": missing, "sounds": len(sounds),
            "queued": sum(1 for r in sounds if r["action"] == "queue"), "dropped": run["dropped"],
            "pending": run["pending"]}


def summarise(per_sound: list[dict]) -> dict:
    """The figures over every sound heard (of one round or of several)."""
    at_once = [p for p in per_sound if p["action"] == "play"]  # not waiting its turn behind another
    lines = [p for p in at_once if p["rendered"]]
    return {"lines_after_cue_ms": stats([p["after_cue_ms"] for p in lines]),
            "lines_after_paint_ms": stats([p["after_paint_ms"] for p in lines if p["after_paint_ms"] is not None]),
            "lines_started_after_paint": sum(1 for p in lines if p["started_after_paint"]), "lines": len(lines),
            "after_start_ms": stats([p["after_start_ms"] for p in per_sound]),
            "after_cue_ms": stats([p["after_cue_ms"] for p in at_once]),
            "after_paint_ms": stats([p["after_paint_ms"] for p in at_once if p["after_paint_ms"] is not None]),
            "started_after_paint": sum(1 for p in at_once if p["started_after_paint"]),
            "played_at_once": len(at_once),
            "gc_max_ms": max((p["gc_ms"] for p in at_once), default=0.0)}


def reference_ms(recording: Recording, starts: list[int]) -> tuple[list[float], list[int]]:
    heard = onsets(recording, starts)
    return [(o - s) / 1e6 for s, o in zip(starts, heard) if o is not None], [i for i, o in enumerate(heard) if o is None]


def simpleaudio_ready() -> str | None:
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        return "the simpleaudio extra is not installed (make installs it where libasound2-dev is)"
    if not ALSA_PULSE_PLUGIN.exists():
        return "ALSA cannot reach PulseAudio here (apt-get install libasound2-plugins)"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run each session this many times per backend and pool the figures (default 1)")
    ap.add_argument("--sessions", default=",".join(SESSIONS), help=f"which of {', '.join(SESSIONS)} (comma-separated)")
    ap.add_argument("--backends", default="qt,qt-in-process,simpleaudio",
                    help="which backends, of qt, qt-in-process, simpleaudio (comma-separated)")
    args = ap.parse_args()
    unknown = set(args.sessions.split(",")) - set(SESSIONS)
    if unknown or args.rounds < 1:
        ap.error(f"unknown session {', '.join(sorted(unknown))}" if unknown else "--rounds must be 1 or more")
    missing = missing_tools()
    if missing:
        sys.exit(f"audio_latency: needs {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)")

    server = PulseServer().start()
    home = Path(tempfile.mkdtemp(prefix="hinge-bench-home-"))
    try:
        # Everything in this process plays to the private server: Qt through PULSE_SERVER, ALSA
        # (simpleaudio) through its PulseAudio plugin, set as the default device for this HOME.
        os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
        os.environ.pop("PULSE_SINK", None)
        (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
        os.environ["HOME"] = str(home)
        results = run_all(args, server, home)
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    write_json(args.json, results)


def run_all(args, server: PulseServer, tmp: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from hinge_timer.audio.vocabulary import Catalog
    from hinge_timer.audio.wavs import read_wav
    from hinge_timer.qt.audio import quiet_qt_multimedia

    quiet_qt_multimedia()
    app = QApplication.instance() or QApplication(["audio_latency"])
    app.setQuitOnLastWindowClosed(False)
    wanted = args.backends.split(",")
    backends = [b for b in ("qt", "qt-in-process") if b in wanted]
    if "simpleaudio" in wanted:
        why_not = simpleaudio_ready()
        if why_not is None:
            backends.append("simpleaudio")
        else:
            print(f"simpleaudio not measured: {why_not}")

    sessions = {k: v for k, v in SESSIONS.items() if k in args.sessions.split(",")}
    results: dict = {"sessions": {k: v.name for k, v in sessions.items()}, "rounds": args.rounds, "backends": {}}
    rows = []
    for label_session, session in sessions.items():
        for backend in backends:
            name = f"{backend} · {label_session}"
            per_sound: list[dict] = []
            ref_all: list[float] = []
            got: dict = {"not_heard": [], "reference_not_heard": [], "sounds": 0, "queued": 0, "dropped": 0,
                         "pending": {"asked": 0, "played": 0, "silent": 0}, "calibration_ms": []}
            for round_no in range(args.rounds):
                rec = Recorder(server).start()
                run = run_app(app, backend, tmp, session, round_no)
                # Reference: the same clips, one by one, through the library with nothing else going on.
                ref_starts = (reference_simpleaudio(run["clips"]) if backend == "simpleaudio"
                              else reference_qt(app, run["clips"]))
                recording = rec.stop()
                ref_raw, ref_missing = reference_ms(recording, ref_starts)
                # Calibration: the null sink renders a few ms ahead, so its monitor can show a sound a
                # hair before the call that started it.  No sound can precede its start, so every figure
                # is moved later by the earliest reference reading when that is negative (never earlier).
                shift = max(0.0, -min(ref_raw)) if ref_raw else 0.0
                ref_all += [x + shift for x in ref_raw]
                one = measure(recording, run, shift)
                per_sound += one["per_sound"]
                got["not_heard"] += one["not_heard"]
                got["reference_not_heard"] += [run["sounds"][i]["text"] for i in ref_missing]
                got["calibration_ms"].append(shift)
                for key in ("sounds", "queued", "dropped"):
                    got[key] += one[key]
                for key in got["pending"]:
                    got["pending"][key] += one["pending"][key]
            ref = stats(ref_all)
            got.update(summarise(per_sound), per_sound=per_sound, reference_after_start_ms=ref)
            got.update(ratio_median=got["after_start_ms"]["median"] / ref["median"] if ref["median"] else float("nan"),
                       ratio_p95=got["after_start_ms"]["p95"] / ref["p95"] if ref["p95"] else float("nan"))
            results["backends"][name] = got
            for label, key in (("app: started → heard", "after_start_ms"),
                               ("app: cue's time → heard", "after_cue_ms"),
                               ("app: screen drawn → heard", "after_paint_ms"),
                               ("rendered lines: cue's time → heard", "lines_after_cue_ms"),
                               ("rendered lines: screen drawn → heard", "lines_after_paint_ms")):
                st = got[key]
                if st["n"]:
                    rows.append([name, label, st["n"], st["median"], st["p95"], st["max"]])
            rows.append([name, "reference: started → heard", ref["n"], ref["median"], ref["p95"], ref["max"]])
            rows.append([name, "ratio app / reference", "", got["ratio_median"], got["ratio_p95"], ""])
        child, inproc = (results["backends"].get(f"{b} · {label_session}") for b in ("qt", "qt-in-process"))
        if child and inproc:
            for key in ("after_start_ms", "after_cue_ms", "lines_after_cue_ms"):
                a, b = child[key], inproc[key]
                if a["n"] and b["n"]:
                    rows.append([f"qt child / in-process · {label_session}", key.replace("_ms", "").replace("_", " "),
                                 "", a["median"] / b["median"] if b["median"] else float("nan"),
                                 a["p95"] / b["p95"] if b["p95"] else float("nan"), ""])

    print(table(rows, ["backend · session", "onset latency (ms)", "n", "median", "p95", "max"]))
    for name, got in results["backends"].items():
        print(f"{name}: {got['sounds']} sounds started ({got['queued']} waited their turn behind another), "
              f"{got['dropped']} dropped by the planner, {got['pending']['asked']} asked for while the engine was "
              f"starting ({got['pending']['played']} then played, {got['pending']['silent']} not), "
              f"not heard: {got['not_heard'] or 'none'}; "
              f"{got['started_after_paint']} of {got['played_at_once']} played at once were started after the "
              f"screen was drawn ({got['lines_started_after_paint']} of {got['lines']} rendered lines); "
              f"longest garbage collection between a cue and its sound {got['gc_max_ms']:.1f} ms; "
              f"capture calibration +{max(got['calibration_ms']):.2f} ms at most; "
              f"reference plays not heard: {', '.join(got['reference_not_heard']) or 'none'}")
    return results


if __name__ == "__main__":
    main()
