"""``hinge-timer audio-check [FILE]``: play each tone and a spoken prompt once, and say what happened.

With a session FILE: render (espeak-ng, through the cache the window uses) and play every line that
session can sound, one after another, and print for each whether it is a recorded prompt, a rendered
line (from the cache or rendered just now), or has no voice (and why: its cue plays a tone)."""

from __future__ import annotations

import sys
import time
from typing import Any

from .plaintext import controls_escaped, printable

RENDER_WAIT_S = 30.0  # for one line: the renderer's own timeout (10 s) with room to spare

CHECK_PROMPT = "breathe out relax into the stretch"


def audio_check(args: Any) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from .audio.vocabulary import Catalog
    from .qt.audio import GAP_S, CueAudio, make_backend
    from .settings import SettingsStore, data_dir

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    settings = SettingsStore(data_dir(args.data_dir)).load()
    choice = args.audio or settings.audio
    try:
        catalog = Catalog.load()
    except ValueError as exc:
        print(controls_escaped(f"audio-check: {exc}"), file=sys.stderr)
        return 1
    timeline = None
    if getattr(args, "file", None):
        from .session.catalogue import Catalogue
        from .session.errors import SessionError
        from .session.timeline import compile_timeline
        from .settings import sessions_dir

        try:  # a path, a built-in's name, or a file name or title of the user's folder, as `plan` takes
            entry = Catalogue(sessions_dir(data_dir(args.data_dir), getattr(args, "sessions_dir", None))).open(args.file)
        except SessionError as exc:
            print(controls_escaped(exc, keep_newlines=True), file=sys.stderr)  # one problem a line
            return 1
        assert entry.session is not None
        timeline = compile_timeline(entry.session, getattr(args, "dose", None))
    from .audio.render import cache_dir
    from .qt.audio import SpeechLines

    backend = make_backend(choice)
    backend.wait_ready(5.0)  # the Qt sound engine is a child process: its device is known once it is up
    lines = SpeechLines(cache_dir(args.data_dir))
    audio = CueAudio(backend, catalog, volume=settings.volume, lines=lines)
    print(f"backend: {backend.name}" + (f" (asked for {choice})" if backend.name != choice else ""))
    print(controls_escaped(f"device:  {backend.device()}"))  # the system's name for it
    print(f"volume:  {round(settings.volume * 100)} %" + ("  (muted in the window's settings)" if settings.mute else ""))
    if timeline is not None:
        try:
            return check_session(app, audio, lines, timeline)
        finally:
            audio.close()
            lines.close()
            app.processEvents()
    names = [f"tone:{t}" for t in catalog.tones]
    prompts = sorted(catalog.phrases) if args.all else [CHECK_PROMPT]
    names += [f"say:{p}" for p in prompts if p in catalog.phrases]
    played = 0
    for name in names:
        key = audio.load((name,))
        seconds = audio.seconds_of((name,))
        ok = key is not None and backend.play(key)  # None: a damaged file (the problem names it)
        played += ok
        label = name.replace("tone:", "tone  ").replace("say:", "say   ")
        print(f"  {'played' if ok else 'silent'}  {seconds:5.2f} s  {label}", flush=True)
        loop = QEventLoop()
        QTimer.singleShot(int((seconds + GAP_S + 0.25) * 1000), loop.quit)
        loop.exec()
    if backend.problem:
        print(controls_escaped(f"problem: {backend.problem}"))  # may name a sound file
    audio.close()
    lines.close()
    app.processEvents()
    print(f"{played} of {len(names)} sounds played")
    return 0 if played == len(names) else 1


def check_session(app: Any, audio: Any, lines: Any, timeline: Any) -> int:
    """Every line of the session, in the order it first comes: what voices it, then played.  The
    lines no prompt says (``lines_to_render``: whole cue texts and their short forms after a ':') are
    all rendered first; a short form no cue's whole text is listed after the cues, marked so."""
    from .audio.vocabulary import FALLBACK_TONE, TONE_ONLY, cue_sound, lines_to_render, session_cues
    from .qt.audio import GAP_S

    print(f"session: {printable(timeline.session.title)} ({timeline.dose} dose)")
    renderer = lines.renderer
    wanted = lines_to_render(audio.catalog, timeline)
    renderer.request(wanted)
    renderer.wait(wanted, RENDER_WAIT_S * max(1, len(wanted)))  # the command line may wait; a session never does
    for line in wanted:
        audio.on_line_ready(line)  # as the window's signal would
    counts = {"prompt": 0, "rendered": 0, "tone": 0}
    played = total = 0
    seen: set[str] = set()
    rows: list[tuple[str, tuple[str, ...], str | None, str]] = []  # (voice, parts, line to render, label)
    for kind, text in session_cues(timeline):
        if kind in TONE_ONLY or text in seen:
            continue  # the 3-2-1 tones: audio-check without FILE plays them
        seen.add(text)
        s = audio.sound_for(kind, text)
        missing = cue_sound(audio.catalog, kind, text).missing
        rows.append((s.voice, s.parts(), missing, printable(text)))
    done = {missing for _v, _p, missing, _l in rows if missing is not None}
    for line in wanted:
        if line not in done:  # a short form ("Next up: X" → "X") no whole cue text says
            voice = "rendered" if lines.get(line) is not None else "tone"
            parts: tuple[str, ...] = (f"line:{line}",) if voice == "rendered" else (f"tone:{FALLBACK_TONE}",)
            rows.append((voice, parts, line, f"{printable(line)}  (short form)"))
    for voice, parts, missing, label in rows:
        what = {"prompt": "prompt  ", "rendered": "rendered", "tone": "no voice"}[voice]
        counts[voice] += 1
        where = ""
        if missing is not None:
            state, why = renderer.state(missing)
            where = f" ({why})" if state == "ready" else f" ({why}; its cue plays a tone)"
        try:
            key = audio.load(parts)
            seconds = audio.seconds_of(parts)
            ok = key is not None and audio.backend.play(key)  # None: a damaged file (the problem names it)
        except (ValueError, KeyError) as exc:  # a damaged sound file (WavError is a ValueError)
            ok, seconds = False, 0.0
            where += f" ({controls_escaped(exc)})"
        total += 1
        played += ok
        print(f"  {what}  {'played' if ok else 'silent'}  {seconds:5.2f} s  {label}{controls_escaped(where)}",
              flush=True)
        wait_ms = int((seconds + GAP_S + 0.25) * 1000) if ok else 0
        if wait_ms:
            from PySide6.QtCore import QEventLoop, QTimer

            loop = QEventLoop()
            QTimer.singleShot(wait_ms, loop.quit)
            loop.exec()
    fresh, cached = renderer.rendered, renderer.from_cache
    print(f"{counts['prompt']} recorded prompts, {counts['rendered']} rendered lines ({fresh} rendered now, "
          f"{cached} from the cache), {counts['tone']} with no voice; {played} of {total} played")
    if audio.backend.problem:
        print(controls_escaped(f"problem: {audio.backend.problem}"))
    return 0 if played == total and counts["tone"] == 0 else 1

