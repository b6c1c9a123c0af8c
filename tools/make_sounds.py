"""Make every sound the app ships: the tones and the spoken prompts, and their index.

    python tools/make_sounds.py [--out assets/sounds] [--lang CODE ...]

``--lang en`` (the default) makes the tones and the English prompts (``index.json``, ``speech/``);
``--lang de`` (fr, es, pt) makes that language's prompts under ``<code>/`` (``<code>/index.json``,
``<code>/speech/``) with the language's own voice (``render.VOICES``), from the built-in sessions'
translations and the app's catalogue (hinge_timer/locale): ``make translations`` first.

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

import unicodedata  # noqa: E402

from hinge_timer import i18n  # noqa: E402
from hinge_timer.audio.vocabulary import chunks, normalise, number_words  # noqa: E402
# The voice, rate, trimming and loudness are the app's own (hinge_timer/audio/render.py renders a
# user's lines with them at run time), so a rendered line sounds like a shipped prompt.
from hinge_timer.audio.render import VOICE, VOICES, WORDS_PER_MINUTE, RenderError, loudness  # noqa: E402
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
    folded = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80] or "blank"


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


def speak(text: str, tmp: Path, voice: str = VOICE) -> Pcm:
    try:
        return render_speak(text, tmp, timeout_s=60.0, voice=voice)
    except RenderError as exc:
        raise SystemExit(f"make_sounds: {text!r}: {exc}") from None


def builtin_texts() -> list[str]:
    """Every drill name, say line and cue text of the built-in sessions, at both doses, in the current
    language (i18n.set_language), and what the runner says by itself in them."""
    from hinge_timer.engine.spoken import runner_cues
    from hinge_timer.session.load import builtin_session_files, load_session
    from hinge_timer.session.timeline import CueKind, compile_timeline

    texts: list[str] = []
    for f in builtin_session_files():
        s = load_session(f).localized(i18n.language())
        for d in s.drills:
            texts.append(d.name)
            for p in (*(d.tempo or ()), *(d.cycle or ())):
                texts.append(p.say or p.phase)
        for dose in ("low", "high"):
            timeline = compile_timeline(s, dose)  # type: ignore[arg-type]
            for step in timeline.steps:
                texts += [c.text for c in step.cues if c.kind is not CueKind.COUNTDOWN]
            texts += [text for kind, text in runner_cues(timeline) if kind is not CueKind.COUNTDOWN]
    return texts


def own_vocabulary() -> list[str]:
    """A language's words that any session may need, from the app's catalogue: the fixed cues, the
    sides, the words around a drill's name (so a user's session is put together from them), numbers."""
    from hinge_timer.engine.spoken import session_ended_text
    from hinge_timer.session.kinds import side_leg
    from hinge_timer.session.timeline import cue_text

    fixed = [cue_text(m) for m in ("go", "halfway", "last_rep", "rest", "session_complete")]
    fixed += [session_ended_text(), side_leg("left"), side_leg("right"), i18n._("Sound check")]
    # the words of each template around its placeholders ("Get ready", "Next up", "complete")
    from hinge_timer.session.timeline import CUE_MESSAGES

    for template in CUE_MESSAGES.values():
        fixed += [part for part in re.split(r"\{[^}]*\}", i18n._(template)) if normalise(part, i18n.language())]
    return fixed + [str(n) for n in range(0, 31)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "assets" / "sounds"))
    parser.add_argument("--lang", action="append", choices=sorted(VOICES),
                        help="the language of the prompts to make (again for more; default: en)")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        print("make_sounds: espeak-ng is needed (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    for code in args.lang or ["en"]:
        if code == "en":
            make_english(Path(args.out))
        else:
            make_language(Path(args.out), code)
    return 0


def _render_all(phrases: dict[str, str], out: Path, prefix: str, voice: str) -> dict[str, object]:
    rendered: dict[str, object] = {}
    used: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for key, text in phrases.items():
            pcm = speak(text, Path(tmp), voice)
            base = slug(key)
            name, n = base, 2
            while name in used:  # two keys that fold to the same letters ("für", "fur")
                name, n = f"{base}-{n}", n + 1
            used.add(name)
            write_wav(out / prefix / "speech" / f"{name}.wav", pcm)
            rendered[key] = {"file": f"{prefix}speech/{name}.wav", "text": text, "seconds": round(pcm.seconds, 4)}
    return rendered


def make_language(root: Path, code: str) -> None:
    """``<code>/index.json`` and ``<code>/speech/``: the prompts of one language, in its voice."""
    i18n.set_language(code)
    if i18n.language() != code:
        raise SystemExit(f"make_sounds: no {code} catalogue (run make translations)")
    out = root / code
    (out / "speech").mkdir(parents=True, exist_ok=True)
    for old in (out / "speech").glob("*.wav"):
        old.unlink()
    texts = own_vocabulary() + builtin_texts()
    texts += [c for t in list(texts) for c in _chunk_texts(t)]
    phrases: dict[str, str] = {}
    for text in texts:
        key = normalise(text, code)
        if key and key not in phrases:
            phrases[key] = text.strip()
    voice = VOICES[code]
    index = {"language": code, "voice": f"espeak-ng {voice} at {WORDS_PER_MINUTE} wpm",
             "phrases": _render_all(phrases, root, f"{code}/", voice)}
    (out / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(phrases)} {code} prompts in {out}")
    i18n.set_language("en")


def _chunk_texts(text: str) -> list[str]:
    """The pieces of a text where a speaker pauses, with their own spelling (for intonation)."""
    return [p.strip() for p in re.split(r"[:;,.!?¿¡]", text) if p.strip()]


def make_english(out: Path) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
