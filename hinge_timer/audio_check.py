"""``hinge-timer audio-check [FILE]``: play each tone and a spoken prompt once, and say what happened.

With a session FILE: render (espeak-ng, through the cache the window uses) and play every line that
session can sound, one after another, and print for each whether it is a recorded prompt, a rendered
line (from the cache or rendered just now), or has no voice (and why: its cue plays a tone)."""

from __future__ import annotations

import sys
import time
from typing import Any

from . import i18n
from .i18n import _, ngettext
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
        catalog = Catalog.for_language(i18n.language())
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
    # Translators: audio-check's report, one line each; keep the words before ":" short (they line up).
    if backend.name != choice:
        # Translators: {backend} the sound output used, {choice} the one asked for ("qt", "simpleaudio", "none").
        print(_("backend: {backend} (asked for {choice})").format(backend=backend.name, choice=choice))
    else:
        print(_("backend: {backend}").format(backend=backend.name))
    # Translators: {device} the system's name for the sound device.
    print(controls_escaped(_("device:  {device}").format(device=backend.device())))
    percent = round(settings.volume * 100)
    if settings.mute:
        # Translators: {percent} a whole number, 0 to 100.
        print(_("volume:  {percent} %  (muted in the window's settings)").format(percent=percent))
    else:
        print(_("volume:  {percent} %").format(percent=percent))
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
        kind, _colon, sound = name.partition(":")
        # Translators: in audio-check's list, what a sound is: a tone, or a recorded prompt that says words.
        label = (_("tone") if kind == "tone" else _("say")).ljust(6) + sound
        print("  " + _played(ok) + "  " + _("{seconds} s").format(seconds=f"{seconds:5.2f}") + "  " + label, flush=True)
        loop = QEventLoop()
        QTimer.singleShot(int((seconds + GAP_S + 0.25) * 1000), loop.quit)
        loop.exec()
    if backend.problem:
        print(controls_escaped(_("problem: {problem}").format(problem=backend.problem)))  # may name a sound file
    audio.close()
    lines.close()
    app.processEvents()
    print(ngettext("{played} of {total} sound played", "{played} of {total} sounds played", len(names)).format(
        played=played, total=len(names)))
    return 0 if played == len(names) else 1


def _played(ok: bool) -> str:
    """"played" or "silent", as audio-check's rows say (the same width)."""
    # Translators: in audio-check's list: the sound was played, or nothing was heard.
    words = (_("played"), _("silent"))
    return words[0 if ok else 1].ljust(max(len(w) for w in words))


def check_session(app: Any, audio: Any, lines: Any, timeline: Any) -> int:
    """Every line of the session, in the order it first comes: what voices it, then played.  The
    lines no prompt says (``lines_to_render``: whole cue texts and their short forms after a ':') are
    all rendered first; a short form no cue's whole text is listed after the cues, marked so."""
    from .audio.vocabulary import FALLBACK_TONE, TONE_ONLY, cue_sound, lines_to_render, session_cues
    from .qt.audio import GAP_S

    title = printable(timeline.session.title)
    if timeline.dose == "low":
        # Translators: {session} the session's title (from its file).
        print(_("session: {session} (low dose)").format(session=title))
    else:
        # Translators: {session} the session's title (from its file).
        print(_("session: {session} (high dose)").format(session=title))
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
            # Translators: in audio-check's list, after a line only a cue's short form says.
            rows.append((voice, parts, line, _("{line}  (short form)").format(line=printable(line))))
    # Translators: in audio-check's list, what voices a line: a recorded prompt, a line rendered by the speech
    # engine, or nothing (its cue plays a tone).
    voices = {"prompt": _("prompt"), "rendered": _("rendered"), "tone": _("no voice")}
    width = max(len(w) for w in voices.values())
    for voice, parts, missing, label in rows:
        what = voices[voice].ljust(width)
        counts[voice] += 1
        where = ""
        if missing is not None:
            state, why = renderer.state(missing)
            # Translators: {why} what the renderer says of the line.
            where = f" ({why})" if state == "ready" else " (" + _("{why}; its cue plays a tone").format(why=why) + ")"
        try:
            key = audio.load(parts)
            seconds = audio.seconds_of(parts)
            ok = key is not None and audio.backend.play(key)  # None: a damaged file (the problem names it)
        except (ValueError, KeyError) as exc:  # a damaged sound file (WavError is a ValueError)
            ok, seconds = False, 0.0
            where += f" ({controls_escaped(exc)})"
        total += 1
        played += ok
        print("  " + what + "  " + _played(ok) + "  " + _("{seconds} s").format(seconds=f"{seconds:5.2f}") + "  "
              + label + controls_escaped(where), flush=True)
        wait_ms = int((seconds + GAP_S + 0.25) * 1000) if ok else 0
        if wait_ms:
            from PySide6.QtCore import QEventLoop, QTimer

            loop = QEventLoop()
            QTimer.singleShot(wait_ms, loop.quit)
            loop.exec()
    fresh, cached = renderer.rendered, renderer.from_cache
    # Translators: audio-check's last line is made of these: "{prompts}, {rendered} ({sources}), {silent};
    # {played}", e.g. "3 recorded prompts, 2 rendered lines (1 rendered now, 1 from the cache), 0 with no
    # voice; 5 of 5 played".
    prompts = ngettext("{n} recorded prompt", "{n} recorded prompts", counts["prompt"]).format(n=counts["prompt"])
    rendered = ngettext("{n} rendered line", "{n} rendered lines", counts["rendered"]).format(n=counts["rendered"])
    sources = _("{fresh} rendered now, {cached} from the cache").format(fresh=fresh, cached=cached)
    silent = ngettext("{n} with no voice", "{n} with no voice", counts["tone"]).format(n=counts["tone"])
    of = ngettext("{played} of {total} played", "{played} of {total} played", total).format(played=played, total=total)
    print(_("{prompts}, {rendered} ({sources}), {silent}; {played}").format(
        prompts=prompts, rendered=rendered, sources=sources, silent=silent, played=of))
    if audio.backend.problem:
        print(controls_escaped(_("problem: {problem}").format(problem=audio.backend.problem)))
    return 0 if played == total and counts["tone"] == 0 else 1

