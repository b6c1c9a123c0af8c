"""The immutable, typed model of a session file.

pydantic v2 does the structural validation (types, bounds, unknown keys) and
publishes the JSON Schema from the same definitions, so the schema editors
see and the rules the loader applies cannot drift apart.  Every scalar goes
through one of the small validators below, which accept only what the TOML
says literally (no "60" for 60, no 60.5, no true for 1) and word their errors
for a person editing the file.  Rules that tie several fields together
(:func:`drill_conflicts`) are part of the model too, so any ``Session`` that exists is valid
however it was made; the loader checks the same rules on a file's raw data, so that it can
report them with every other problem of the file at once, each at its line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Collection, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from ..i18n import N_, _, ngettext

FORMAT_VERSION = 1

# Bounds, in one place (docs/session-format.md lists them).
HOLD_MIN, HOLD_MAX = 5, 3600
REPS_MIN, REPS_MAX = 1, 100
SETS_MIN, SETS_MAX = 1, 20
PHASE_MIN, PHASE_MAX = 1, 60
REST_MIN, REST_MAX = 0, 600
NAME_MAX = 80
MAX_DRILLS = 200
MAX_PHASES = 20
MAX_CUES = 50
CUE_MAX = 200
LONG_TEXT_MAX = 2000

Dose = Literal["low", "high"]
Side = Literal["left", "right"]


# The most characters of a value from the file quoted back in one message; the rest is counted.
SHOWN_MAX = 60


def _cut(text: str) -> tuple[str, str]:
    if len(text) <= SHOWN_MAX:
        return text, ""
    more = len(text) - SHOWN_MAX
    # Translators: after a value quoted from the file and cut short (the English says "characters" even for one).
    return text[:SHOWN_MAX] + "…", " " + ngettext("({n} more characters)", "({n} more characters)", more).format(
        n=more)


def shown(value: Any) -> str:
    """How a value from the file is quoted back in an error message: at most ``SHOWN_MAX`` characters.

    Control characters are left as they are here; ``Problem.__str__`` escapes them when it is written.
    """
    if isinstance(value, str):
        text, more = _cut(value)
        return f'"{text}"{more}'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        # Translators: a value the file has, quoted back after "got" ("expected text in quotes, got a table").
        return _("a table")
    if isinstance(value, datetime.time):
        # Translators: after "got"; {value} is a time of day as the file has it (07:30:00).
        return _("the time {value} (write seconds as a number, e.g. 90)").format(value=value.isoformat())
    if isinstance(value, datetime.date):
        # Translators: after "got"; {value} is a date (and time) as the file has it (2024-05-01).
        return _("the date {value} (write seconds as a number, e.g. 90)").format(value=value.isoformat())
    if isinstance(value, list):
        if len(value) <= 4 and all(isinstance(v, (int, float, str)) for v in value):
            return "[" + ", ".join(shown(v) for v in value) + "]"
        # Translators: after "got" (the English says "items" even for one).
        return ngettext("a list of {n} items", "a list of {n} items", len(value)).format(n=len(value))
    text, more = _cut(repr(value))
    return text + more


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Span:
    """A ``[min, max]`` range; a plain number is a range of one value."""

    lo: int
    hi: int

    def pick(self, dose: Dose) -> int:
        return self.lo if dose == "low" else self.hi

    def __str__(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}–{self.hi}"


def _span_check(expected: str, lo: int, hi: int, bounds: str) -> Callable[[Any], Span]:
    """``expected`` and ``bounds``: the messages (marked with N_, translated when they are raised), with
    ``{got}``, and ``{lo}`` and ``{hi}``."""

    def check(value: Any) -> Span:
        if _is_int(value):
            pair = [value, value]
        elif (
            isinstance(value, list)
            and len(value) == 2
            and all(_is_int(v) for v in value)
        ):
            pair = list(value)
        else:
            raise PydanticCustomError("span_type", _(expected), {"got": shown(value)})
        for v in pair:
            if not lo <= v <= hi:
                raise PydanticCustomError("span_bounds", _(bounds), {"lo": lo, "hi": hi, "got": shown(v)})
        if pair[0] > pair[1]:
            raise PydanticCustomError(
                # Translators: min and max are the two numbers of a range [min, max]; {got} the range the file has.
                "span_order", _("min must not be more than max, got {got}"), {"got": shown(value)}
            )
        return Span(pair[0], pair[1])

    return check


def _span_schema(what: str, lo: int, hi: int) -> WithJsonSchema:
    one = {"type": "integer", "minimum": lo, "maximum": hi}
    return WithJsonSchema(
        {
            "description": f"{what}: a whole number, or [min, max] picked by the dose",
            "anyOf": [one, {"type": "array", "items": one, "minItems": 2, "maxItems": 2}],
        }
    )


def _seconds_check(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not _is_int(value):
            raise PydanticCustomError(
                # Translators: {got} is the value the file has, quoted back.
                "int_type", _("expected a whole number of seconds, got {got}"), {"got": shown(value)}
            )
        if not lo <= value <= hi:
            raise PydanticCustomError(
                "int_bounds",
                _("must be between {lo} and {hi} seconds, got {got}"),
                {"lo": lo, "hi": hi, "got": shown(value)},
            )
        return int(value)

    return check


def _int_schema(lo: int, hi: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "integer", "minimum": lo, "maximum": hi})


def _text_check(max_len: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", _("expected text in quotes, got {got}"), {"got": shown(value)})
        text = " ".join(value.split())
        if not text:
            raise PydanticCustomError("text_empty", _("must not be empty"))
        if len(text) > max_len:
            raise PydanticCustomError("text_long", _too_long_text(max_len), {"max": max_len, "n": len(text)})
        return text

    return check


def _too_long_text(max_len: int) -> str:
    # Translators: {max} is the most characters allowed, {n} how many the text has.
    return ngettext("must be at most {max} character, got {n}", "must be at most {max} characters, got {n}", max_len)


def _block_text_check(max_len: int) -> Callable[[Any], str]:
    """Like ``_text`` but keeps paragraph breaks (for ``how`` and ``caution``)."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", _("expected text in quotes, got {got}"), {"got": shown(value)})
        paragraphs = [" ".join(p.split()) for p in value.strip().split("\n\n")]
        text = "\n\n".join(p for p in paragraphs if p)
        if not text:
            raise PydanticCustomError("text_empty", _("must not be empty"))
        if len(text) > max_len:
            raise PydanticCustomError("text_long", _too_long_text(max_len), {"max": max_len, "n": len(text)})
        return text

    return check


def _sides(value: Any) -> tuple[Side, ...]:
    if not isinstance(value, list):
        raise PydanticCustomError(
            # Translators: ["left", "right"] is written in the file as it is: keep it.
            "sides_type", _('expected a list such as ["left", "right"], got {got}'), {"got": shown(value)}
        )
    seen: list[Side] = []
    for v in value:
        if v not in ("left", "right"):
            if isinstance(v, str) and v.lower() in ("left", "right"):
                raise PydanticCustomError(
                    # Translators: "left" and "right" are written in the file as they are; {side} is one of them.
                    "sides_value",
                    _('each side must be "left" or "right", got {got} (write "{side}" in small letters)'),
                    {"got": shown(v), "side": v.lower()},
                )
            raise PydanticCustomError(
                # Translators: "left" and "right" are written in the file as they are: keep them.
                "sides_value", _('each side must be "left" or "right", got {got}'), {"got": shown(v)}
            )
        if v in seen:
            # Translators: {side} is "left" or "right", as the file has it.
            raise PydanticCustomError("sides_repeat", _('lists "{side}" twice'), {"side": v})
        seen.append(v)
    if not seen:
        raise PydanticCustomError("sides_empty", _("must name at least one side, or be left out"))
    return tuple(seen)


def _movement(value: Any) -> str:
    """A movement of the library (``assets/movements/``), by its name, written exactly."""
    # (imported here: the movement library costs some 15 ms to import, and most of the program loads this module)
    from ..figure.movement import movement_names
    from ..figure.movement import suggest as suggest_movement

    if not isinstance(value, str):
        raise PydanticCustomError(
            # Translators: "jefferson-curl" is a movement's name as it is written in a file: keep it.
            "movement_type", _('expected a movement\'s name in quotes, such as "jefferson-curl", got {got}'),
            {"got": shown(value)},
        )
    names = movement_names()
    if value not in names:
        guess = suggest_movement(value)
        if guess:
            raise PydanticCustomError(
                "movement_unknown",
                # Translators: {got} is the name the file has, {guess} the movement it is close to, {names} all of them.
                _('unknown movement {got} (did you mean "{guess}"?); the movements are: {names}'),
                {"got": shown(value), "guess": guess, "names": ", ".join(names)},
            )
        raise PydanticCustomError(
            "movement_unknown",
            # Translators: {got} is the name the file has, {names} the movements there are.
            _("unknown movement {got}; the movements are: {names}"),
            {"got": shown(value), "names": ", ".join(names)},
        )
    return value


def _movement_schema(schema: dict[str, Any]) -> None:
    """The library's names, listed when the schema is made (not when this module is imported)."""
    from ..figure.movement import movement_names

    schema["enum"] = list(movement_names())


def _str_schema(max_len: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "minLength": 1, "maxLength": max_len})


# Translators: "[min, max]" is how a range is written in the file: keep it; {got} is the value the file has.
_SPAN_SECONDS = N_("expected seconds as a whole number or [min, max], got {got}")
_SPAN_REPS = N_("expected reps as a whole number or [min, max], got {got}")
_SPAN_SETS = N_("expected sets as a whole number or [min, max], got {got}")
# Translators: {lo} and {hi} are the bounds, {got} the value the file has.
_BOUNDS_SECONDS = N_("must be between {lo} and {hi} seconds (5 s to 1 h), got {got}")
_BOUNDS = N_("must be between {lo} and {hi}, got {got}")

HoldSpan = Annotated[
    Span, PlainValidator(_span_check(_SPAN_SECONDS, HOLD_MIN, HOLD_MAX, _BOUNDS_SECONDS)),
    _span_schema("seconds", HOLD_MIN, HOLD_MAX),
]
RepSpan = Annotated[
    Span, PlainValidator(_span_check(_SPAN_REPS, REPS_MIN, REPS_MAX, _BOUNDS)), _span_schema("reps", REPS_MIN, REPS_MAX)
]
SetSpan = Annotated[
    Span, PlainValidator(_span_check(_SPAN_SETS, SETS_MIN, SETS_MAX, _BOUNDS)), _span_schema("sets", SETS_MIN, SETS_MAX)
]
PhaseSeconds = Annotated[int, PlainValidator(_seconds_check(PHASE_MIN, PHASE_MAX)), _int_schema(PHASE_MIN, PHASE_MAX)]
RestSeconds = Annotated[int, PlainValidator(_seconds_check(REST_MIN, REST_MAX)), _int_schema(REST_MIN, REST_MAX)]
Name = Annotated[str, PlainValidator(_text_check(NAME_MAX)), _str_schema(NAME_MAX)]
Line = Annotated[str, PlainValidator(_text_check(CUE_MAX)), _str_schema(CUE_MAX)]
LongText = Annotated[str, PlainValidator(_block_text_check(LONG_TEXT_MAX)), _str_schema(LONG_TEXT_MAX)]
MovementName = Annotated[str, PlainValidator(_movement), WithJsonSchema({"type": "string"})]
Sides = Annotated[
    tuple[Side, ...],
    PlainValidator(_sides),
    WithJsonSchema(
        {"type": "array", "items": {"enum": ["left", "right"]}, "minItems": 1, "maxItems": 2, "uniqueItems": True}
    ),
]


class _Model(BaseModel):
    # No populate_by_name: "drills" must not be accepted for "drill".
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phase(_Model):
    """One phase of a rep (``tempo``) or of a hold-relax cycle (``cycle``)."""

    phase: Name = Field(description="Label shown on screen, e.g. \"Breathe out, relax\"")
    seconds: PhaseSeconds = Field(description="How long the phase lasts")
    say: Line | None = Field(None, description="What is spoken (and captioned) at the phase's start")
    critical: bool | None = Field(
        None,
        description="Its spoken line is never dropped or cut short, whatever else is due (the Jefferson curl's "
        "\"breathe out, relax\"). Left out: a phase whose English words say \"breathe out\" is critical, as "
        "files written before this field was added expect")

    @property
    def spoken(self) -> str:
        return self.say or self.phase

    @property
    def is_critical(self) -> bool:
        if self.critical is not None:
            return self.critical
        # Files from before the field: their "breathe out" was kept by its words; it still is, in those files.
        return "breathe out" in " ".join(f"{self.phase} {self.say or ''}".lower().split())


PhaseList = Annotated[tuple[Phase, ...], Field(min_length=1, max_length=MAX_PHASES)]

# The error type of a broken rule between a drill's fields (the loader words these itself, located).
DRILL_CONFLICT = "drill_conflict"
# The drill's fields that the rules below look at.
CONFLICT_FIELDS = ("hold", "reps", "cycle", "tempo", "switch_sides", "sides")


def drill_conflicts(present: Collection[str]) -> list[tuple[str | None, str]]:
    """The rules that tie a drill's fields together, given the fields it has (by name, as in the file).

    Each broken rule is (the field it is reported at, or None for the drill as a whole, the message).
    One definition for the model (:meth:`Drill.fields_agree`) and the loader (which checks the raw
    data, so a file's other problems are reported with these)."""
    out: list[tuple[str | None, str]] = []
    has_hold, has_reps = "hold" in present, "reps" in present
    # Translators: hold, reps, cycle, tempo and sides are keys of a session file: keep them as they are.
    if has_hold and has_reps:
        out.append(("reps", _("a drill has hold (seconds) or reps, not both")))
    elif not has_hold and not has_reps:
        out.append((None, _("needs hold (seconds per side) or reps (per set)")))
    if "cycle" in present and not has_hold:
        out.append(("cycle", _("cycle repeats through a hold; it needs hold, not reps") if has_reps
                    else _("cycle repeats through a hold; it needs hold")))
    if "tempo" in present and not has_reps:
        out.append(("tempo", _("tempo paces each rep; it needs reps, not hold") if has_hold
                    else _("tempo paces each rep; it needs reps")))
    if "switch_sides" in present and "sides" not in present:
        out.append(("switch_sides", _("only applies to a drill with sides")))
    return out


class Drill(_Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "oneOf": [{"required": ["hold"]}, {"required": ["reps"]}],
            "dependentRequired": {"tempo": ["reps"], "cycle": ["hold"], "switch_sides": ["sides"]},
        },
    )

    name: Name
    hold: HoldSpan | None = Field(None, description="Seconds per side (per set)")
    reps: RepSpan | None = Field(None, description="Reps per set (per side)")
    sets: SetSpan = Field(Span(1, 1), description="Number of sets (default 1)")
    sides: Sides = Field((), description="Work each side in turn, in this order")
    how: LongText | None = Field(None, description="How to set up and move, shown on demand")
    cues: Annotated[tuple[Line, ...], Field(max_length=MAX_CUES)] = Field(
        (), description="Coaching cues shown one at a time during the drill"
    )
    equipment: Annotated[tuple[Name, ...], Field(max_length=20)] = ()
    movement: MovementName | None = Field(
        None,
        description="The figure beside the ring that moves in time with the drill's phases: a movement of the "
        "library, by name (docs/session-format.md lists them)",
        json_schema_extra=_movement_schema,
    )
    caution: LongText | None = Field(None, description="Shown before the drill; must be acknowledged or the drill skipped")
    tempo: PhaseList | None = Field(None, description="Phases of each rep; the reps then count themselves")
    cycle: PhaseList | None = Field(None, description="Phases that repeat through a hold")
    get_ready: RestSeconds | None = None
    rest_between_sets: RestSeconds | None = None
    switch_sides: RestSeconds | None = None
    rest_after: RestSeconds | None = Field(None, description="Rest after this drill, instead of rest_between_drills")

    @model_validator(mode="after")
    def fields_agree(self) -> Drill:
        """Refuse a drill whose fields contradict each other (:func:`drill_conflicts`), however it was made."""
        present = [name for name in CONFLICT_FIELDS if getattr(self, name) not in (None, ())]
        broken = drill_conflicts(present)
        if broken:
            raise PydanticCustomError(
                DRILL_CONFLICT, "{problems}",
                {"problems": "; ".join(f"{where}: {why}" if where else why for where, why in broken)},
            )
        return self


class Defaults(_Model):
    get_ready: RestSeconds = 10
    rest_between_sets: RestSeconds = 45
    rest_between_drills: RestSeconds = 30
    switch_sides: RestSeconds = 8
    dose: Dose = "low"


def _format_check(value: Any) -> int:
    if not _is_int(value) or value < 1:
        raise PydanticCustomError(
            # Translators: {n} is the format number this version reads (1); {got} the value the file has.
            "format", _("expected the format number {n}, got {got}"), {"n": FORMAT_VERSION, "got": shown(value)}
        )
    if value > FORMAT_VERSION:  # the loader says this alone, before anything else (a newer format may use anything)
        raise PydanticCustomError(
            # Translators: {got} is the file's format number, {n} the one this version reads.
            "format_newer", _("format {got} is newer than this version reads ({n})"),
            {"n": FORMAT_VERSION, "got": value},
        )
    return int(value)


# The languages a session's words may be in, or translated into (hinge_timer/i18n.py LANGUAGES).
LanguageCode = Literal["en", "de", "fr", "es", "pt"]
TRANSLATION_MISMATCH = "translation_mismatch"


class PhaseWords(_Model):
    """A phase's words in another language: its label and its spoken line (the seconds stay the session's)."""

    phase: Name | None = None
    say: Line | None = None


class DrillWords(_Model):
    """A drill's words in another language; a field left out keeps the session's own words."""

    name: Name | None = None
    how: LongText | None = None
    caution: LongText | None = None
    cues: Annotated[tuple[Line, ...], Field(max_length=MAX_CUES)] | None = None
    equipment: Annotated[tuple[Name, ...], Field(max_length=20)] | None = None
    tempo: Annotated[tuple[PhaseWords, ...], Field(max_length=MAX_PHASES)] | None = None
    cycle: Annotated[tuple[PhaseWords, ...], Field(max_length=MAX_PHASES)] | None = None


class SessionWords(_Model):
    """A session's words in another language (``[translations.de]``): its drills' in the drills' order."""

    title: Name | None = None
    summary: LongText | None = None
    drills: Annotated[tuple[DrillWords, ...], Field(max_length=MAX_DRILLS)] = Field((), alias="drill")


def translation_mismatches(session_drills: Collection[Any], words: SessionWords) -> list[tuple[tuple[Any, ...], str]]:
    """Where a translation does not match its session: more drills than it has, or a list of cues,
    equipment or phases of another length.  Each is (the place under the language's table, the message)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    drills = list(session_drills)
    if len(words.drills) > len(drills):
        # Translators: {n} drills in a language's translation, more than the {total} the session has.
        out.append((("drill",), ngettext("{n} drill translated; the session has {total}",
                                         "{n} drills translated; the session has {total}", len(words.drills)).format(
            n=len(words.drills), total=len(drills))))
    for i, (drill, dw) in enumerate(zip(drills, words.drills)):
        for name in ("cues", "equipment", "tempo", "cycle"):
            mine, theirs = getattr(dw, name), getattr(drill, name)
            if mine is None:
                continue
            n = len(theirs or ())
            if len(mine) != n:
                # Translators: {n} items given (cues, phases...) in a drill's translation; {total} the drill's own.
                out.append((("drill", i, name), _("{n} given; the drill has {total}").format(n=len(mine), total=n)))
    return out


class Session(_Model):
    format: Annotated[
        int, PlainValidator(_format_check), WithJsonSchema({"const": FORMAT_VERSION})
    ] = Field(description=f"Session file format; this version reads {FORMAT_VERSION}")
    title: Name
    summary: LongText | None = None
    language: LanguageCode = Field("en", description="The language the session's own words are in")
    defaults: Defaults = Defaults()
    drills: Annotated[tuple[Drill, ...], Field(min_length=1, max_length=MAX_DRILLS)] = Field(alias="drill")
    translations: dict[LanguageCode, SessionWords] = Field(
        default_factory=dict,
        description="The session's words in other languages, by language code; each drill's in the drills' order")

    @model_validator(mode="after")
    def translations_match(self) -> Session:
        for code, words in self.translations.items():
            for where, why in translation_mismatches(self.drills, words):
                # Named as the rest of the file's places are: drills counted from 1 ("translations.de.drill[2].cues")
                place = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in ("translations", code, *where))
                raise PydanticCustomError(TRANSLATION_MISMATCH, "{where}: {why}",
                                          {"where": place.lstrip("."), "why": why})
        return self

    def localized(self, code: str) -> Session:
        """The session with its words in language ``code`` where it has them (each field by itself), else its
        own.  Everything but words stays: a run of it is the same session in any language."""
        words = self.translations.get(code)  # type: ignore[call-overload]
        if words is None or code == self.language:
            return self
        drills = tuple(_localized_drill(d, dw) for d, dw in zip(self.drills, words.drills))
        drills += self.drills[len(drills):]
        return self.model_copy(update={
            "title": words.title or self.title,
            "summary": words.summary if words.summary is not None else self.summary,
            "drills": drills,
        })


def _localized_phases(phases: tuple[Phase, ...] | None, words: tuple[PhaseWords, ...] | None) -> tuple[Phase, ...] | None:
    if phases is None or words is None:
        return phases
    return tuple(p.model_copy(update={"phase": w.phase or p.phase, "say": w.say if w.say is not None else p.say,
                                      "critical": p.is_critical})  # criticality is the session's, not the words'
                 for p, w in zip(phases, words))


def _localized_drill(drill: Drill, words: DrillWords) -> Drill:
    update: dict[str, Any] = {}
    for name in ("name", "how", "caution", "cues", "equipment"):
        value = getattr(words, name)
        if value is not None:
            update[name] = value
    update["tempo"] = _localized_phases(drill.tempo, words.tempo)
    update["cycle"] = _localized_phases(drill.cycle, words.cycle)
    return drill.model_copy(update=update)


# Which keys each table accepts, by alias, for "did you mean" suggestions.
def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple((f.alias or name) for name, f in model.model_fields.items())


TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "session": _keys(Session),
    "defaults": _keys(Defaults),
    "drill": _keys(Drill),
    "phase": _keys(Phase),
    "translations": _keys(SessionWords),
    "translated drill": _keys(DrillWords),
    "translated phase": _keys(PhaseWords),
}


def _drop_null(node: Any) -> Any:
    """TOML has no null: an optional field is one that is left out."""
    if isinstance(node, dict):
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o != {"type": "null"}]
            if len(options) == 1:
                rest = {k: v for k, v in node.items() if k not in ("anyOf", "default")}
                node = {**options[0], **rest}
            else:
                node = {**node, "anyOf": options}
        if node.get("default", 0) is None:
            node = {k: v for k, v in node.items() if k != "default"}
        return {k: _drop_null(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_drop_null(v) for v in node]
    return node


def json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _drop_null(Session.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Hinge Timer session"
    schema["description"] = (
        "A guided mobility session for Hinge Timer, written in TOML. See docs/session-format.md."
    )
    return schema

