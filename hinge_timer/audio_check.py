"""``hinge-timer audio-check``: play each tone and a spoken prompt once, and say what happened."""

from __future__ import annotations

import sys
import time
from typing import Any

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
        print(f"audio-check: {exc}", file=sys.stderr)
        return 1
    backend = make_backend(choice)
    audio = CueAudio(backend, catalog, volume=settings.volume)
    print(f"backend: {backend.name}" + (f" (asked for {choice})" if backend.name != choice else ""))
    print(f"device:  {backend.device()}")
    print(f"volume:  {round(settings.volume * 100)} %" + ("  (muted in the window's settings)" if settings.mute else ""))
    names = [f"tone:{t}" for t in catalog.tones]
    prompts = sorted(catalog.phrases) if args.all else [CHECK_PROMPT]
    names += [f"say:{p}" for p in prompts if p in catalog.phrases]
    played = 0
    for name in names:
        key = audio.load((name,))
        seconds = audio.seconds_of((name,))
        ok = backend.play(key)
        played += ok
        label = name.replace("tone:", "tone  ").replace("say:", "say   ")
        print(f"  {'played' if ok else 'silent'}  {seconds:5.2f} s  {label}", flush=True)
        loop = QEventLoop()
        QTimer.singleShot(int((seconds + GAP_S + 0.25) * 1000), loop.quit)
        loop.exec()
    if backend.problem:
        print(f"problem: {backend.problem}")
    audio.close()
    app.processEvents()
    print(f"{played} of {len(names)} sounds played")
    return 0 if played == len(names) else 1
