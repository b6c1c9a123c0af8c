"""Which sound a cue gets: a tone, spoken words from the pre-rendered prompts, or both.

The prompts are rendered ahead of time (``tools/make_sounds.py``) and listed in
``assets/sounds/index.json`` under a normalised key (lower case, no punctuation,
numbers as words).  A cue's text is spoken from the prompt for the whole text when
there is one, else chunk by chunk (split at punctuation), else by the longest runs
of words that have a prompt.  Text that cannot be put together that way is a *line*
to render (``audio.render``: espeak-ng, ahead of time); once rendered it is a clip like a
prompt (part ``line:TEXT``), and until then the cue plays its tone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Mapping

from ..engine.spoken import runner_cues
from ..safeio import read_regular_text
from ..session.timeline import CueKind, Timeline

INDEX = "index.json"
PROMPT_LANGUAGES = ("en", "de", "fr", "es", "pt")  # shipped prompts: index.json, and <code>/index.json
MAX_INDEX_BYTES = 1024 * 1024
MAX_WORDS = 8  # longest prompt looked for inside a chunk

# Priorities: the higher sound finishes; a lower one waits, is shortened, or is dropped.
CRITICAL = 100  # never dropped: the Jefferson curl's "breathe out, relax" at the bottom of each rep
PRIORITY: dict[CueKind, int] = {
    CueKind.SESSION_COMPLETE: 90,
    CueKind.SWITCH_SIDES: 85,
    CueKind.GO: 80,
    CueKind.PHASE: 75,
    CueKind.SET_COMPLETE: 70,
    CueKind.REST: 65,
    CueKind.CAUTION: 62,
    CueKind.LAST_REP: 60,
    CueKind.HALFWAY: 50,
    CueKind.NEXT_UP: 40,
    CueKind.REP: 35,
    CueKind.COUNTDOWN: 30,
}

# The tone that opens a cue's sound (the countdown is a tone alone).
TONE: dict[CueKind, str] = {
    CueKind.COUNTDOWN: "countdown",
    CueKind.GO: "go",
    CueKind.HALFWAY: "halfway",
    CueKind.REST: "rest",
    CueKind.SWITCH_SIDES: "switch_sides",
    CueKind.SESSION_COMPLETE: "done",
}
TONE_ONLY = frozenset({CueKind.COUNTDOWN})
# Tones, for a cue that has no tone of its own and no speech: a phase's tone is the go tone.
FALLBACK_TONE = "go"

_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    if n < 20:
        return _NUMBERS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + ("" if ones == 0 else " " + _NUMBERS[ones])
    return " ".join(_NUMBERS[int(d)] for d in str(n))


def normalise(text: str, language: str = "en") -> str:
    """The key a phrase is filed under: lower case, words only; in English numbers spelled out, in the
    other languages kept as digits (their prompts for "5" say it in that language)."""
    if language != "en":
        return " ".join(re.findall(r"[^\W_]+", text.lower()))
    words = re.findall(r"[a-z0-9']+", text.lower())
    return " ".join(number_words(int(w)) if w.isdigit() else w.strip("'") for w in words if w.strip("'"))


def chunks(text: str, language: str = "en") -> list[str]:
    """The text split where a speaker would pause: at : ; , . ! ? (and ¿ ¡)"""
    return [c for c in (normalise(part, language) for part in re.split(r"[:;,.!?¿¡]", text)) if c]


def priority(kind: CueKind, critical: bool = False) -> int:
    """A cue's priority; ``critical`` is data (``Cue.critical``: a phase the session marks so, as the
    built-in Jefferson curl marks "breathe out, relax"), never read from the cue's words."""
    return CRITICAL if critical else PRIORITY.get(kind, 30)


@dataclass(frozen=True)
class Clip:
    key: str
    file: str
    seconds: float


class Catalog:
    """The shipped tones and prompts, and how a cue's text is spoken with them."""

    def __init__(self, folder: Traversable | Path, index: dict[str, Any], language: str = "en",
                 phrases: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.language = language
        self.rate = int(index.get("rate", 22050))
        self.tones = {k: Clip(k, v["file"], float(v["seconds"])) for k, v in index.get("tones", {}).items()}
        own = index.get("phrases", {}) if phrases is None else phrases
        self.phrases = {k: Clip(k, v["file"], float(v["seconds"])) for k, v in own.items()}

    @classmethod
    def load(cls, folder: Traversable | Path | None = None, language: str = "en") -> "Catalog":
        """Read ``index.json`` (the tones, and the English prompts) and, for another language, its prompts
        from ``<language>/index.json`` (their files named from the sounds folder); a missing or broken
        index is a ``ValueError`` naming the file."""
        folder = folder if folder is not None else files("hinge_timer.assets") / "sounds"
        index = cls._read(folder / INDEX)
        if language == "en":
            return cls(folder, index)
        own = cls._read(folder / language / INDEX)
        return cls(folder, index, language, own.get("phrases", {}))

    @classmethod
    def for_language(cls, language: str, folder: Traversable | Path | None = None) -> "Catalog":
        """The prompts of ``language`` (the app's, i18n.language()); English for one with none shipped (the
        pseudo-language), or when that language's list is missing or broken (logged: the English still
        play).  A broken English list is the ``ValueError`` of :meth:`load`."""
        if language in PROMPT_LANGUAGES and language != "en":
            try:
                return cls.load(folder, language)
            except ValueError as exc:
                import logging

                logging.getLogger(__name__).warning("%s; the English prompts are used", exc)
        return cls.load(folder)

    @staticmethod
    def _read(path: Traversable | Path) -> dict[str, Any]:
        try:
            if isinstance(path, Path):  # an installed copy: only a regular file, never a FIFO left in its place
                text = read_regular_text(path, MAX_INDEX_BYTES)
            else:
                text = path.read_text(encoding="utf-8")
            index = json.loads(text)
        except FileNotFoundError:
            raise ValueError(f"{path}: the list of sounds is missing (run tools/make_sounds.py)") from None
        except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8 or bad JSON
            raise ValueError(f"{path}: the list of sounds cannot be read ({exc})") from None
        if not isinstance(index, dict):
            raise ValueError(f"{path}: expected a JSON object")
        return index

    def path(self, clip: Clip) -> Traversable | Path:
        return self.folder / clip.file

    def speech(self, text: str) -> tuple[str, ...] | None:
        """Prompt keys that say ``text``, in order; None when some word has no prompt."""
        whole = normalise(text, self.language)
        if not whole:
            return None
        if whole in self.phrases:
            return (whole,)
        keys: list[str] = []
        for chunk in chunks(text, self.language):
            if chunk in self.phrases:
                keys.append(chunk)
                continue
            words = chunk.split()
            i = 0
            while i < len(words):
                for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
                    key = " ".join(words[i:i + n])
                    if key in self.phrases:
                        keys.append(key)
                        i += n
                        break
                else:
                    return None
        return tuple(keys)


@dataclass(frozen=True)
class CueSound:
    """What one cue sounds like: an optional tone, then speech; and a shorter form if one exists.

    Speech is recorded prompts (``speech``/``short``: prompt keys) or else a rendered line
    (``line``/``short_line``: the line's text, set only once its clip is ready).  ``missing``
    names the line this cue would speak if it were rendered (None when prompts say it)."""

    kind: CueKind
    text: str
    priority: int
    tone: str | None
    speech: tuple[str, ...] | None  # None: no prompt for this text
    short: tuple[str, ...] | None  # the words after the first ':' ("Next up: X" → "X"), if speakable
    line: str | None = None  # a rendered line that says the whole text (ready to play)
    short_line: str | None = None  # a rendered line for the words after the first ':'
    missing: str | None = None  # the text to render, when no prompt says it

    @property
    def critical(self) -> bool:
        return self.priority >= CRITICAL

    @property
    def speaks(self) -> bool:
        return bool(self.speech) or self.line is not None

    @property
    def has_short(self) -> bool:
        return bool(self.short) or self.short_line is not None

    @property
    def voice(self) -> str:
        """What the cue's whole form plays: "prompt" (recorded), "rendered" (a line rendered for it) or "tone"."""
        return self.voice_of(False)

    def voice_of(self, short: bool) -> str:
        """What the form the planner chose plays, from its parts: a short form of prompts after a
        rendered whole line is "prompt"."""
        parts = self.parts(short)
        return ("rendered" if any(p.startswith("line:") for p in parts)
                else "prompt" if any(p.startswith("say:") for p in parts) else "tone")

    def parts(self, short: bool = False) -> tuple[str, ...]:
        """Clip names in playing order: ``tone:NAME``, ``say:KEY`` (a prompt), ``line:TEXT`` (rendered)."""
        tone = (f"tone:{self.tone}",) if self.tone else ()
        words: tuple[str, ...] | None
        if short:
            words = (tuple(f"say:{k}" for k in self.short) if self.short
                     else (f"line:{self.short_line}",) if self.short_line is not None else None)
        else:
            words = (tuple(f"say:{k}" for k in self.speech) if self.speech
                     else (f"line:{self.line}",) if self.line is not None else None)
        if self.kind in TONE_ONLY or words is None:
            return tone or (f"tone:{FALLBACK_TONE}",)
        return tone + words


MAX_LINE = 500  # characters of one line sent to the speech engine


def line_of(text: str) -> str:
    """The text a line is rendered from and filed under: white space collapsed, length limited."""
    return " ".join(text.split())[:MAX_LINE]


def cue_sound(catalog: Catalog, kind: CueKind, text: str,
              ready: Callable[[str], bool] = lambda _t: False, critical: bool = False) -> CueSound:
    """How a cue sounds; ``ready(line)`` says whether a rendered line for a text is ready to play."""
    if kind in TONE_ONLY:
        return CueSound(kind, text, priority(kind, critical), TONE.get(kind), None, None)
    speech = catalog.speech(text)
    short = short_line = line = missing = None
    rest_text = text.split(":", 1)[1] if ":" in text else ""
    rest = catalog.speech(rest_text) if rest_text else None
    if speech:
        if rest and rest != speech:
            short = rest
    else:
        missing = line_of(text) or None
        if missing is not None and ready(missing):
            line = missing
        if line is not None and rest_text.strip():
            if rest:
                short = rest
            elif line_of(rest_text) != line and ready(line_of(rest_text)):
                short_line = line_of(rest_text)
    return CueSound(kind, text, priority(kind, critical), TONE.get(kind), speech, short, line, short_line, missing)


def critical_cues(timeline: Timeline) -> frozenset[tuple[CueKind, str]]:
    """The (kind, text) of every cue the session marks critical (``Cue.critical``)."""
    return frozenset((c.kind, c.text) for step in timeline.steps for c in step.cues if c.critical)


def session_cues(timeline: Timeline) -> list[tuple[CueKind, str]]:
    """Every (kind, text) a session can sound: its steps' cues in the order they first come, then
    what the runner says by itself (``engine.spoken.runner_cues``: counted reps, "Last rep" and the
    end of a set the user counts, "Session ended.")."""
    cues: dict[tuple[CueKind, str], None] = {}
    for step in timeline.steps:
        for c in step.cues:
            cues[(c.kind, c.text)] = None
    for cue in runner_cues(timeline):
        cues[cue] = None
    return list(cues)


def lines_to_render(catalog: Catalog, timeline: Timeline) -> list[str]:
    """The lines of a session no recorded prompt says (whole cue texts, and the words after a ':' as
    the short form), in the order they are first needed."""
    out: dict[str, None] = {}
    for kind, text in session_cues(timeline):
        s = cue_sound(catalog, kind, text)
        if s.missing is None:
            continue
        out[s.missing] = None
        rest = text.split(":", 1)[1] if ":" in text else ""
        if rest.strip() and catalog.speech(rest) is None and line_of(rest) != s.missing:
            out[line_of(rest)] = None
    return list(out)


def duration(catalog: Catalog, parts: tuple[str, ...], gap: float,
             lines: Mapping[str, float] | None = None) -> float:
    """Seconds the clips take played one after another; ``lines`` gives a rendered line's length."""
    total = 0.0
    for i, part in enumerate(parts):
        kind, _, key = part.partition(":")
        if kind == "line":
            seconds = (lines or {})[key]
        else:
            seconds = (catalog.tones[key] if kind == "tone" else catalog.phrases[key]).seconds
        total += seconds + (gap if i else 0.0)
    return total
