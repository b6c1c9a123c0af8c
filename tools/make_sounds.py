"""Make every sound the app ships: the tones and the spoken prompts, and their index.

    python tools/make_sounds.py [--out assets/sounds]

Tones are synthesised here with the standard library.  Spoken prompts are rendered
with espeak-ng (``apt-get install espeak-ng``), trimmed of leading and trailing
silence so a cue's sound starts when it is played, and brought to one loudness
(RMS) with a peak limit.  The result is committed, so no speech engine is needed
at run time.  The prompts are: a fixed vocabulary, numbers, the drill names and
``say`` lines of the built-in sessions, and the text of every cue the built-in
sessions fire at either dose (so those are spoken as whole sentences).
"""

from __future__ import annotations

import argparse
import array
import json
import math
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hinge_timer.audio.vocabulary import chunks, normalise, number_words  # noqa: E402
# The voice, rate, trimming and loudness are the app's own (hinge_timer/audio/render.py renders a
# user's lines with them at run time), so a rendered line sounds like a shipped prompt.
from hinge_timer.audio.render import VOICE, WORDS_PER_MINUTE, RenderError, loudness  # noqa: E402
from hinge_timer.audio.render import speak as render_speak  # noqa: E402
from hinge_timer.audio.wavs import RATE, Pcm, write_wav  # noqa: E402

TONE_RMS_DBFS = -16.0

VOCABULARY = [
    "Get ready", "Go", "Rest", "Switch sides", "Left leg", "Right leg", "Halfway", "Last rep",
    "Set complete", "Next up", "Session complete", "Session complete. Well done.", "Session ended.",
    "Well done", "Breathe out", "Relax into the stretch", "Breathe out. Relax into the stretch.",
    "Breathe in", "Push", "Relax", "Hold", "Set", "of", "complete", "Rep", "Reps", "Caution",
    "Caution before", "Read the warning on screen", "Sound check", "left", "right", "leg", "side",
]

# Tones: (name, list of (frequency Hz, seconds)), played one after another.
TONES = {
    "countdown": [(880, 0.12)],
    "go": [(1320, 0.30)],
    "halfway": [(660, 0.09), (0, 0.06), (660, 0.09)],
    "rest": [(660, 0.16), (440, 0.24)],
    "switch_sides": [(880, 0.12), (660, 0.12), (880, 0.12), (660, 0.12)],
    "done": [(523, 0.15), (659, 0.15), (784, 0.30)],
}


def slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key).strip("-")[:80] or "blank"


def tone(parts: list[tuple[float, float]]) -> Pcm:
    out = array.array("h")
    for freq, seconds in parts:
        n = int(RATE * seconds)
        fade = int(RATE * 0.006)  # 6 ms ramps: no clicks at the edges
        for i in range(n):
            env = min(1.0, i / fade, (n - 1 - i) / fade) if fade else 1.0
            # A touch of the second harmonic makes it cut through noise better than a pure sine.
            x = math.sin(2 * math.pi * freq * i / RATE) + 0.25 * math.sin(4 * math.pi * freq * i / RATE)
            out.append(int(12000 * env * x) if freq else 0)
    return loudness(Pcm(out.tobytes()), TONE_RMS_DBFS)


def speak(text: str, tmp: Path) -> Pcm:
    try:
        return render_speak(text, tmp, timeout_s=60.0)
    except RenderError as exc:
        raise SystemExit(f"make_sounds: {text!r}: {exc}") from None


def builtin_texts() -> list[str]:
    """Every drill name, say line and cue text of the built-in sessions, at both doses."""
    from hinge_timer.session.load import builtin_session_files, load_session
    from hinge_timer.session.timeline import CueKind, compile_timeline

    texts: list[str] = []
    for f in builtin_session_files():
        s = load_session(f)
        for d in s.drills:
            texts.append(d.name)
            for p in (*(d.tempo or ()), *(d.cycle or ())):
                texts.append(p.say)
        for dose in ("low", "high"):
            for step in compile_timeline(s, dose).steps:  # type: ignore[arg-type]
                texts += [c.text for c in step.cues if c.kind is not CueKind.COUNTDOWN]
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "assets" / "sounds"))
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        print("make_sounds: espeak-ng is needed (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    out = Path(args.out)
    (out / "tones").mkdir(parents=True, exist_ok=True)
    (out / "speech").mkdir(parents=True, exist_ok=True)
    for old in (out / "speech").glob("*.wav"):
        old.unlink()

    index: dict[str, object] = {"rate": RATE, "voice": f"espeak-ng {VOICE} at {WORDS_PER_MINUTE} wpm",
                                "tones": {}, "phrases": {}}
    for name, parts in TONES.items():
        pcm = tone([(float(f), s) for f, s in parts])
        write_wav(out / "tones" / f"{name}.wav", pcm)
        index["tones"][name] = {"file": f"tones/{name}.wav", "seconds": round(pcm.seconds, 4)}  # type: ignore[index]

    texts = VOCABULARY + [number_words(n) for n in range(0, 31)] + builtin_texts()
    # Each chunk of a longer text too, so user sessions that reuse a part can be put together.
    texts += [c for t in list(texts) for c in chunks(t)]
    phrases: dict[str, str] = {}
    for text in texts:
        key = normalise(text)
        if key and key not in phrases:
            phrases[key] = text  # the first spelling, with its punctuation, gives the best intonation
    with tempfile.TemporaryDirectory() as tmp:
        for key, text in phrases.items():
            pcm = speak(text, Path(tmp))
            name = f"speech/{slug(key)}.wav"
            write_wav(out / name, pcm)
            index["phrases"][key] = {"file": name, "text": text, "seconds": round(pcm.seconds, 4)}  # type: ignore[index]
    (out / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(TONES)} tones and {len(phrases)} prompts in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
