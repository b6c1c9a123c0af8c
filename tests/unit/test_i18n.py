"""The language: how it is chosen, the pseudo-language, and words at the edge (ids in the core)."""

from __future__ import annotations

import pytest

from hinge_timer import i18n
from hinge_timer.session.load import builtin_session, load_session, parse_session
from hinge_timer.session.timeline import compile_timeline


@pytest.fixture
def language():
    """Set a language for one test; English again after it."""
    yield i18n.set_language
    i18n.set_language("en")


@pytest.mark.parametrize("env, expected", [
    ({}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "pt_PT.UTF-8"}, "pt"),
    ({"LANG": "pt_BR.UTF-8"}, "pt"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
    ({"LC_MESSAGES": "es_ES.UTF-8", "LANG": "de_DE.UTF-8"}, "es"),
    ({"LANGUAGE": "nl:fr:de", "LANG": "nl_NL.UTF-8"}, "fr"),  # the first of the list we have
    ({"LANGUAGE": "", "LANG": "C.UTF-8"}, "en"),
    ({"LANG": "ja_JP.UTF-8"}, "en"),  # none of ours: English, not a later variable's language
    ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
])
def test_the_system_language_is_read_as_gettext_reads_it(env, expected):
    assert i18n.system_language(env) == expected


def test_the_command_line_beats_the_setting_which_beats_the_system():
    env = {"LANG": "de_DE.UTF-8"}
    assert i18n.choose("fr", "es", env) == "fr"
    assert i18n.choose(None, "es", env) == "es"
    assert i18n.choose(None, "", env) == "de"  # "" in the setting: follow the system
    assert i18n.choose("xx", "", env) == "de"  # a language there is no catalogue for is not chosen
    assert i18n.choose("pseudo", None, env) == "pseudo"


def test_the_pseudo_language_stretches_every_string_by_forty_percent_and_marks_it(language):
    language("pseudo")
    for text in ("Go", "Get ready: {drill}, {leg}", "Session complete. Well done.", "Next up: set {n} of {sets}"):
        shown = i18n._(text)
        assert shown.startswith(i18n.PSEUDO_OPEN) and shown.endswith(i18n.PSEUDO_CLOSE)
        inner = shown[1:-1]
        letters = len(text) - sum(len(p) for p in ("{drill}", "{leg}", "{n}", "{sets}") if p in text)
        assert len(inner) - (len(text) - letters) >= letters * 1.39
        assert inner.format(drill="D", leg="L", n=1, sets=2)  # the placeholders survive


def test_a_run_in_another_language_has_the_same_steps_times_and_cue_ids(language):
    """Words at the edge: the timeline of a session is the same in every language but for its words."""
    session = load_session(builtin_session("hip-hinge-mobility"))
    english = compile_timeline(session, "high")
    for code in ("de", "fr", "es", "pt"):
        language(code)
        other = compile_timeline(session, "high")
        assert other.language == code
        assert len(other.steps) == len(english.steps)
        for a, b in zip(english.steps, other.steps):
            assert (a.kind, a.start, a.duration, a.side, a.set_no, a.reps) == (b.kind, b.start, b.duration, b.side,
                                                                              b.set_no, b.reps)
            assert [(c.at, c.kind, c.msg, c.critical) for c in a.cues] == [(c.at, c.kind, c.msg, c.critical)
                                                                           for c in b.cues]
        # ... and the words are its own: no cue of the app's is left in English (numbers aside)
        said = {c.text for s in other.steps for c in s.cues if c.msg not in ("countdown", "phase")}
        assert not said & {c.text for s in english.steps for c in s.cues if c.msg not in ("countdown", "phase")}, code


USERS = """format = 1
title = "Ana's hamstrings"
[[drill]]
name = "Wall split stretch"
hold = 31
sides = ["right", "left"]
cues = ["Tall spine", "Push, then let go"]
cycle = [{ phase = "Push", seconds = 7 }, { phase = "Let go", seconds = 9, say = "Let go and breathe out" }]

[translations.pt]
title = "Isquiotibiais da Ana"

[[translations.pt.drill]]
name = "Alongamento na parede"
cues = ["Coluna alta", "Empurra e solta"]
cycle = [{ phase = "Empurra" }, { phase = "Solta", say = "Solta e expira" }]
"""


def test_a_users_session_speaks_its_own_translation_and_keeps_its_numbers_and_critical_phase(language):
    session = parse_session(USERS, "ana.toml")
    language("pt")
    timeline = compile_timeline(session, "low")
    assert timeline.session.title == "Isquiotibiais da Ana"
    assert timeline.original.title == "Ana's hamstrings"  # what the history keeps
    work = [s for s in timeline.steps if s.kind.value == "work"]
    assert [s.side for s in work] == ["right", "left"] and all(s.duration == 31 for s in work)
    phases = [c for c in work[0].cues if c.msg == "phase"]
    assert [c.text for c in phases[:2]] == ["Empurra", "Solta e expira"]
    # "Let go and breathe out" was critical by its English words; its translation keeps that
    assert [c.critical for c in phases[:2]] == [False, True]
    # in a language it has no words for, the file's own words
    language("de")
    assert compile_timeline(session, "low").session.drills[0].name == "Wall split stretch"


def test_a_translation_that_does_not_match_its_session_is_a_clear_error_naming_the_place(tmp_path):
    from hinge_timer.session.errors import SessionError

    path = tmp_path / "noor.toml"
    path.write_text('format = 1\ntitle = "Noor\'s hinge"\n'
                    '[[drill]]\nname = "Wall tap"\nhold = 35\n'
                    '[[drill]]\nname = "Slow hinge"\nreps = 7\ncues = ["Hips back", "Soft knees"]\n'
                    '[translations.de]\ntitle = "Noors Hüftbeuge"\n'
                    '[[translations.de.drill]]\nname = "Wand antippen"\n'
                    '[[translations.de.drill]]\nname = "Langsame Hüftbeuge"\ncues = ["Hüfte zurück"]\n')
    with pytest.raises(SessionError) as caught:
        load_session(path)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert "translations.de.drill[2].cues: 1 given; the drill has 2" in str(problem)
    assert "Traceback" not in str(caught.value)
    path.write_text(path.read_text().replace('cues = ["Hüfte zurück"]', 'cues = ["Hüfte zurück", "Knie locker"]'))
    assert load_session(path).localized("de").drills[1].cues == ("Hüfte zurück", "Knie locker")
