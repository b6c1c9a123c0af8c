"""Every catalogue complete and current, and every built-in session in every language, field by field."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hinge_timer import i18n
from hinge_timer.session.load import builtin_session, builtin_session_files, load_session

ROOT = Path(__file__).resolve().parents[2]
OTHERS = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
BUILTINS = sorted(Path(str(f)).stem for f in builtin_session_files())


def _tool():
    spec = importlib.util.spec_from_file_location("translations_tool", ROOT / "tools" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("translations_tool", module)
    spec.loader.exec_module(module)
    return module


def test_every_catalogue_has_every_string_of_the_code_translated_and_nothing_else():
    """What `make translations` keeps true; CI fails here when a string is added without a translation,
    or one the code no longer has is left in a catalogue, or a .mo is stale."""
    found = _tool().problems()
    assert found == [], "\n".join(found[:40]) + (f"\n... and {len(found) - 40} more" if len(found) > 40 else "")


@pytest.mark.parametrize("code", OTHERS)
def test_the_plurals_follow_the_language(code):
    words = i18n.load(code)
    one = words.ngettext("{reps} rep", "{reps} reps", 1).format(reps=1)
    two = words.ngettext("{reps} rep", "{reps} reps", 2).format(reps=2)
    zero = words.ngettext("{reps} rep", "{reps} reps", 0).format(reps=0)
    assert one != two and one != "1 rep" and two != "2 reps"
    expected = {"de": ("1 Wiederholung", "2 Wiederholungen", "0 Wiederholungen"),
                "fr": ("1 répétition", "2 répétitions", "0 répétition"),  # French: 0 is singular
                "es": ("1 repetición", "2 repeticiones", "0 repeticiones"),
                "pt": ("1 repetição", "2 repetições", "0 repetições")}  # Portugal's: 0 is plural
    assert (one, two, zero) == expected[code]


@pytest.mark.parametrize("stem", BUILTINS)
@pytest.mark.parametrize("code", OTHERS)
def test_every_builtin_session_has_every_word_in_every_language(stem, code):
    session = load_session(builtin_session(stem))
    words = session.translations.get(code)
    assert words is not None, f"{stem} has no [translations.{code}]"
    assert words.title and (words.summary or not session.summary)
    assert len(words.drills) == len(session.drills)
    local = session.localized(code)
    assert local.title != session.title
    for mine, theirs, drill in zip(words.drills, local.drills, session.drills):
        where = f"{stem} [{code}] {drill.name}"
        assert mine.name and theirs.name != drill.name or drill.name == "Jefferson curl", where
        for field in ("how", "caution"):
            if getattr(drill, field):
                assert getattr(mine, field), f"{where}: {field}"
                assert getattr(theirs, field) != getattr(drill, field), f"{where}: {field}"
        assert len(mine.cues or ()) == len(drill.cues), f"{where}: cues"
        assert len(mine.equipment or ()) == len(drill.equipment), f"{where}: equipment"
        for field in ("tempo", "cycle"):
            phases = getattr(drill, field) or ()
            translated = getattr(mine, field) or ()
            assert len(translated) == len(phases), f"{where}: {field}"
            for phase, words_of in zip(phases, translated):
                assert words_of.phase and (words_of.say or not phase.say), f"{where}: {field} {phase.phase}"
        # Only words change: the same drill, seconds and sides, and the breathe-out stays critical
        assert (theirs.reps, theirs.sets, theirs.hold, theirs.sides) == (drill.reps, drill.sets, drill.hold, drill.sides)
        for field in ("tempo", "cycle"):
            assert [(p.seconds, p.is_critical) for p in getattr(theirs, field) or ()] == [
                (p.seconds, p.is_critical) for p in getattr(drill, field) or ()]
