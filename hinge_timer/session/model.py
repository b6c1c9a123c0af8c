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
    return text[:SHOWN_MAX] + "…", f" ({len(text) - SHOWN_MAX} more characters)"


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
        return "a table"
    if isinstance(value, (datetime.date, datetime.time)):
        kind = "time" if isinstance(value, datetime.time) else "date"
        return f"the {kind} {value.isoformat()} (write seconds as a number, e.g. 90)"
    if isinstance(value, list):
        if len(value) <= 4 and all(isinstance(v, (int, float, str)) for v in value):
            return "[" + ", ".join(shown(v) for v in value) + "]"
        return f"a list of {len(value)} items"
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


def _span_check(what: str, lo: int, hi: int, unit: str) -> Callable[[Any], Span]:
    expected = f"expected {what} as a whole number or [min, max]"

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
            raise PydanticCustomError("span_type", expected + ", got {got}", {"got": shown(value)})
        for v in pair:
            if not lo <= v <= hi:
                raise PydanticCustomError(
                    "span_bounds",
                    "must be between {lo} and {hi}{unit}, got {got}",
                    {"lo": lo, "hi": hi, "unit": unit, "got": shown(v)},
                )
        if pair[0] > pair[1]:
            raise PydanticCustomError(
                "span_order", "min must not be more than max, got {got}", {"got": shown(value)}
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
                "int_type", "expected a whole number of seconds, got {got}", {"got": shown(value)}
            )
        if not lo <= value <= hi:
            raise PydanticCustomError(
                "int_bounds",
                "must be between {lo} and {hi} seconds, got {got}",
                {"lo": lo, "hi": hi, "got": shown(value)},
            )
        return int(value)

    return check


def _int_schema(lo: int, hi: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "integer", "minimum": lo, "maximum": hi})


def _text_check(max_len: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", "expected text in quotes, got {got}", {"got": shown(value)})
        text = " ".join(value.split())
        if not text:
            raise PydanticCustomError("text_empty", "must not be empty")
        if len(text) > max_len:
            raise PydanticCustomError(
                "text_long",
                "must be at most {max} characters, got {n}",
                {"max": max_len, "n": len(text)},
            )
        return text

    return check


def _block_text_check(max_len: int) -> Callable[[Any], str]:
    """Like ``_text`` but keeps paragraph breaks (for ``how`` and ``caution``)."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", "expected text in quotes, got {got}", {"got": shown(value)})
        paragraphs = [" ".join(p.split()) for p in value.strip().split("\n\n")]
        text = "\n\n".join(p for p in paragraphs if p)
        if not text:
            raise PydanticCustomError("text_empty", "must not be empty")
        if len(text) > max_len:
            raise PydanticCustomError(
                "text_long",
                "must be at most {max} characters, got {n}",
                {"max": max_len, "n": len(text)},
            )
        return text

    return check


def _sides(value: Any) -> tuple[Side, ...]:
    if not isinstance(value, list):
        raise PydanticCustomError(
            "sides_type", 'expected a list such as ["left", "right"], got {got}', {"got": shown(value)}
        )
    seen: list[Side] = []
    for v in value:
        if v not in ("left", "right"):
            hint = f' (write "{v.lower()}" in small letters)' if isinstance(v, str) and v.lower() in ("left", "right") else ""
            raise PydanticCustomError(
                "sides_value", 'each side must be "left" or "right", got {got}{hint}', {"got": shown(v), "hint": hint}
            )
        if v in seen:
            raise PydanticCustomError("sides_repeat", 'lists "{side}" twice', {"side": v})
        seen.append(v)
    if not seen:
        raise PydanticCustomError("sides_empty", "must name at least one side, or be left out")
    return tuple(seen)


def _movement(value: Any) -> str:
    """A movement of the library (``assets/movements/``), by its name, written exactly."""
    # (imported here: the movement library costs some 15 ms to import, and most of the program loads this module)
    from ..figure.movement import movement_names
    from ..figure.movement import suggest as suggest_movement

    if not isinstance(value, str):
        raise PydanticCustomError(
            "movement_type", 'expected a movement\'s name in quotes, such as "jefferson-curl", got {got}',
            {"got": shown(value)},
        )
    names = movement_names()
    if value not in names:
        guess = suggest_movement(value)
        raise PydanticCustomError(
            "movement_unknown",
            "unknown movement {got}{hint}; the movements are: {names}",
            {"got": shown(value), "hint": f' (did you mean "{guess}"?)' if guess else "", "names": ", ".join(names)},
        )
    return value


def _movement_schema(schema: dict[str, Any]) -> None:
    """The library's names, listed when the schema is made (not when this module is imported)."""
    from ..figure.movement import movement_names

    schema["enum"] = list(movement_names())


def _str_schema(max_len: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "minLength": 1, "maxLength": max_len})


HoldSpan = Annotated[
    Span, PlainValidator(_span_check("seconds", HOLD_MIN, HOLD_MAX, " seconds (5 s to 1 h)")),
    _span_schema("seconds", HOLD_MIN, HOLD_MAX),
]
RepSpan = Annotated[Span, PlainValidator(_span_check("reps", REPS_MIN, REPS_MAX, "")), _span_schema("reps", REPS_MIN, REPS_MAX)]
SetSpan = Annotated[Span, PlainValidator(_span_check("sets", SETS_MIN, SETS_MAX, "")), _span_schema("sets", SETS_MIN, SETS_MAX)]
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

    @property
    def spoken(self) -> str:
        return self.say or self.phase


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
    if has_hold and has_reps:
        out.append(("reps", "a drill has hold (seconds) or reps, not both"))
    elif not has_hold and not has_reps:
        out.append((None, "needs hold (seconds per side) or reps (per set)"))
    if "cycle" in present and not has_hold:
        out.append(("cycle", "cycle repeats through a hold; it needs hold" + (", not reps" if has_reps else "")))
    if "tempo" in present and not has_reps:
        out.append(("tempo", "tempo paces each rep; it needs reps" + (", not hold" if has_hold else "")))
    if "switch_sides" in present and "sides" not in present:
        out.append(("switch_sides", "only applies to a drill with sides"))
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
            "format", "expected the format number {n}, got {got}", {"n": FORMAT_VERSION, "got": shown(value)}
        )
    if value > FORMAT_VERSION:  # the loader says this alone, before anything else (a newer format may use anything)
        raise PydanticCustomError(
            "format_newer", "format {got} is newer than this version reads ({n})", {"n": FORMAT_VERSION, "got": value}
        )
    return int(value)


class Session(_Model):
    format: Annotated[
        int, PlainValidator(_format_check), WithJsonSchema({"const": FORMAT_VERSION})
    ] = Field(description=f"Session file format; this version reads {FORMAT_VERSION}")
    title: Name
    summary: LongText | None = None
    defaults: Defaults = Defaults()
    drills: Annotated[tuple[Drill, ...], Field(min_length=1, max_length=MAX_DRILLS)] = Field(alias="drill")


# Which keys each table accepts, by alias, for "did you mean" suggestions.
def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple((f.alias or name) for name, f in model.model_fields.items())


TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "session": _keys(Session),
    "defaults": _keys(Defaults),
    "drill": _keys(Drill),
    "phase": _keys(Phase),
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

