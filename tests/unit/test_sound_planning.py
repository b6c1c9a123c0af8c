"""Which sound a cue gets and when it may play: the prompts, the planner's rules, whole sessions."""

from __future__ import annotations

import pytest

from hinge_timer.audio.planner import MARGIN_NS, MAX_WAIT_NS, NS, Playing, Upcoming, plan
from hinge_timer import i18n
from hinge_timer.audio.vocabulary import (CRITICAL, PROMPT_LANGUAGES, Catalog, critical_cues, cue_sound, duration,
                                          normalise, priority, session_cues)
from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.events import State
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import builtin_session, load_session
from hinge_timer.session.timeline import CueKind, compile_timeline

GAP = 0.08


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def seconds(catalog):
    return lambda parts: duration(catalog, parts, GAP)


# -- prompts -----------------------------------------------------------------------------------------


def test_every_shipped_sound_is_listed_and_present(catalog):
    for clip in [*catalog.tones.values(), *catalog.phrases.values()]:
        assert catalog.path(clip).is_file(), clip.file
        assert 0.05 < clip.seconds < 6, clip


def test_normalised_keys_spell_numbers_and_drop_punctuation():
    assert normalise("Set 2 of 3 complete") == "set two of three complete"
    assert normalise("Breathe out. Relax into the stretch.") == "breathe out relax into the stretch"
    assert normalise("  Next up: set 12 of 21, left leg ") == "next up set twelve of twenty one left leg"


@pytest.mark.parametrize("language", PROMPT_LANGUAGES)
def test_every_cue_of_the_builtin_sessions_is_spoken_whole_in_every_language(language):
    """Every language has its own recorded prompt for every cue the built-ins fire (at both doses), found
    by the cue's words in that language; none falls back to the English prompts."""
    catalog = Catalog.for_language(language)
    assert catalog.language == language
    i18n.set_language(language)
    for name in ("hip-hinge-mobility", "hip-hinge-basics", "quick-warm-up"):
        for dose in ("low", "high"):
            t = compile_timeline(load_session(builtin_session(name)), dose)
            assert t.language == language
            for step in t.steps:
                for c in step.cues:
                    s = cue_sound(catalog, c.kind, c.text, critical=c.critical)
                    if c.kind is CueKind.COUNTDOWN:
                        assert s.parts() == ("tone:countdown",)
                    else:  # one pre-rendered sentence, not words glued together
                        assert s.speech == (normalise(c.text, language),), (language, c.text)
            # ... and so is what the runner says by itself (counted reps, "Last rep", "Session ended.")
            for kind, text in session_cues(t):
                if kind is not CueKind.COUNTDOWN:
                    assert cue_sound(catalog, kind, text).speech is not None, (language, text)


def test_a_users_text_is_put_together_from_prompts_or_left_to_speech_or_a_tone(catalog):
    # "Next up: set 4 of 5, right leg" was never rendered whole, but its parts were.
    s = cue_sound(catalog, CueKind.NEXT_UP, "Next up: set 4 of 5, right leg")
    assert s.speech == ("next up", "set", "four", "of", "five", "right leg")
    assert s.short == ("set", "four", "of", "five", "right leg")
    # A word nobody rendered: no speech here; the phase falls back to the go tone.
    s = cue_sound(catalog, CueKind.PHASE, "Wiggle your toes")
    assert s.speech is None and s.parts() == ("tone:go",)
    # The tone opens the words for the cues that have one.
    assert cue_sound(catalog, CueKind.SWITCH_SIDES, "Switch sides: right leg").parts() == (
        "tone:switch_sides", "say:switch sides right leg")


def test_breathe_out_is_the_critical_cue(catalog):
    """Criticality is data: the phase says so (``critical``), and the cue carries it to the sound."""
    timeline = compile_timeline(load_session(builtin_session("hip-hinge-mobility")), "low")
    critical = {c.text for s in timeline.steps for c in s.cues if c.critical}
    assert critical == {"Breathe out. Relax into the stretch."}
    assert cue_sound(catalog, CueKind.PHASE, "Breathe out. Relax into the stretch.", critical=True).priority == CRITICAL
    assert cue_sound(catalog, CueKind.PHASE, "Breathe out. Relax into the stretch.").priority < CRITICAL
    assert cue_sound(catalog, CueKind.PHASE, "Breathe in").priority < CRITICAL


USERS_CURL = """format = 1
title = "Lee's slow curls"
[[drill]]
name = "Slow curl"
reps = 3
tempo = [
  { phase = "Roll down", seconds = 4 },
  { phase = "Exhale, let go", seconds = 3, critical = true },
  { phase = "Breathe out slowly", seconds = 2, critical = false },
  { phase = "Stack up", seconds = 4, say = "Breathe out and stack up" },
]
"""


def test_a_users_own_phase_is_critical_when_it_says_so_and_old_files_keep_breathe_out(tmp_path):
    from hinge_timer.session.load import parse_session

    timeline = compile_timeline(parse_session(USERS_CURL, "lee.toml"), "low")
    critical = {c.text for s in timeline.steps for c in s.cues if c.critical}
    # marked: critical; marked false: not, whatever its words; not marked: the words of older files decide
    assert critical == {"Exhale, let go", "Breathe out and stack up"}


# -- the planner's rules -----------------------------------------------------------------------------


def s_(catalog, kind, text):
    return cue_sound(catalog, kind, text, critical=kind is CueKind.PHASE and text.startswith("Breathe out"))


def test_a_countdown_tone_gives_way_to_words_being_spoken(catalog):
    now = 100 * NS
    speaking = Playing(now + NS, 40, speech=True)
    [d] = plan([s_(catalog, CueKind.COUNTDOWN, "3")], now, speaking, [], seconds(catalog))
    assert d.action == "drop" and "spoken" in d.reason
    [d] = plan([s_(catalog, CueKind.COUNTDOWN, "3")], now, None, [], seconds(catalog))
    assert d.action == "play" and d.start_ns == now


def test_a_spoken_cue_waits_its_turn_briefly_or_is_dropped(catalog):
    now = 100 * NS
    rest = s_(catalog, CueKind.NEXT_UP, "Next up: Jefferson curl")
    [d] = plan([rest], now, Playing(now + NS // 2, 65, True), [], seconds(catalog))
    assert d.action == "queue" and d.start_ns == now + NS // 2
    [d] = plan([rest], now, Playing(now + MAX_WAIT_NS + 1, 65, True), [], seconds(catalog))
    assert d.action == "drop"


def test_a_long_announcement_is_shortened_or_dropped_before_the_next_cue(catalog):
    now = 100 * NS
    s = s_(catalog, CueKind.NEXT_UP, "Get ready: Banded hip distraction, left leg")
    full, short = seconds(catalog)(s.parts()), seconds(catalog)(s.parts(short=True))
    go = now + int((full + 0.05) * NS)  # the whole sentence would overrun "Go"
    [d] = plan([s], now, None, [Upcoming(go, 80)], seconds(catalog))
    assert d.action == "play" and d.short and d.start_ns + int(short * NS) + MARGIN_NS <= go
    [d] = plan([s], now, None, [Upcoming(now + int(short * NS), 80)], seconds(catalog))
    assert d.action == "drop" and "no room" in d.reason
    # A less important cue coming up does not shorten it: that one will give way instead.
    [d] = plan([s], now, None, [Upcoming(now + NS // 2, 30)], seconds(catalog))
    assert d.action == "play" and not d.short


def test_breathe_out_is_never_dropped_and_cuts_in_if_it_must(catalog):
    now = 100 * NS
    breathe = s_(catalog, CueKind.PHASE, "Breathe out. Relax into the stretch.")
    [d] = plan([breathe], now, Playing(now + 5 * NS, 90, True), [Upcoming(now + NS, 100)], seconds(catalog))
    assert d.action == "play" and d.interrupt and d.start_ns == now


def test_cues_at_one_moment_play_in_the_order_they_fired(catalog):
    now = 100 * NS
    done = s_(catalog, CueKind.SET_COMPLETE, "Set 1 of 3 complete")
    rest = s_(catalog, CueKind.REST, "Rest")
    d1, d2 = plan([done, rest], now, None, [Upcoming(now + 30 * NS, 80)], seconds(catalog))
    assert d1.action == "play" and d2.action == "queue"
    assert d2.start_ns == now + int(d1.seconds * NS)
    # With room for one only, the more important one is kept.
    d1, d2 = plan([done, rest], now, None, [Upcoming(now + int((d1.seconds + 0.2) * NS), 65)], seconds(catalog))
    assert (d1.action, d2.action) == ("play", "drop")


# -- whole sessions, planned as the app plays them -----------------------------------------------------


def simulate(catalog, name: str, dose: str):
    """Run a built-in session on a fake clock at real speed, planning every cue's sound as CueAudio does
    (in the catalogue's language: the cues' words and the clips' lengths are that language's)."""
    i18n.set_language(catalog.language)
    timeline = compile_timeline(load_session(builtin_session(name)), dose)
    critical = critical_cues(timeline)
    assert critical or name != "hip-hinge-mobility"  # the Jefferson curl's breathe-out
    clock = FakeClock()
    runner = Runner(timeline, clock)
    runner.start(clock())
    playing = None
    out = []
    while not runner.finished:
        snap = runner.snapshot(clock())
        assert snap.state is not State.PAUSED, "the simulation must never look like a sleeping machine"
        if snap.state is State.CAUTION:
            runner.acknowledge(clock())
        elif snap.user_counted:
            runner.count_rep(clock())
            # A rep every 3 s: a loaded hinge's pace (the paced one takes 5 s).  Tapped once a second, the
            # tenth rep's "Set complete" would cut off the ninth's "Last rep" (the planner's interrupt rule).
            clock.advance(3)
        deadline = runner.next_deadline_ns()
        if deadline is not None and deadline > clock():
            # Tick at least once a second, as the app does: a longer gap reads as the machine sleeping.
            clock.now = min(deadline, clock() + NS)
        events = runner.tick(clock())
        if not events:
            continue
        now = clock()
        upcoming = [Upcoming(due, priority(k, (k, t) in critical)) for due, k, t in runner.upcoming(now, 30 * NS)]
        sounds = [cue_sound(catalog, e.kind, e.text, critical=e.critical) for e in events]
        for d, ev in zip(plan(sounds, now, playing, upcoming, seconds(catalog)), events):
            out.append((d, ev))
            if d.action != "drop":
                end = d.start_ns + int(d.seconds * NS)
                if playing is None or d.interrupt or end >= playing.end_ns:
                    playing = Playing(end, d.sound.priority, d.sound.speaks)
    return out


@pytest.mark.parametrize("language", PROMPT_LANGUAGES)
@pytest.mark.parametrize("name", ["hip-hinge-mobility", "hip-hinge-basics", "quick-warm-up"])
@pytest.mark.parametrize("dose", ["low", "high"])
def test_builtin_sessions_sound_whole_and_never_miss_a_phase(language, name, dose):
    """The planner's rules hold for each language's clip lengths: German's longer words included."""
    catalog = Catalog.for_language(language)
    assert catalog.language == language, "no prompts of its own (tools/make_sounds.py --lang)"
    decisions = simulate(catalog, name, dose)
    if name == "hip-hinge-mobility":  # the breathe-out is there, and marked so, in every language
        assert sum(d.sound.critical for d, _ev in decisions) >= 10
    played = sorted((d for d, _ev in decisions if d.action != "drop"), key=lambda d: d.start_ns)
    # No two sounds overlap: nothing is cut off or talked over.
    for a, b in zip(played, played[1:]):
        assert a.start_ns + int(a.seconds * NS) <= b.start_ns, (a.sound.text, b.sound.text)
    # Every tempo and cycle phase is announced when it starts (the breathe-out above all).
    for d, ev in decisions:
        if ev.kind is CueKind.PHASE:
            assert d.action in ("play", "queue"), ev.text
            assert d.start_ns - ev.scheduled_ns <= MAX_WAIT_NS
            if d.sound.critical:
                assert d.action == "play" and d.start_ns == ev.scheduled_ns and not d.short
    # Only countdown tones and "next up" announcements give way, and never a whole drill's worth.
    dropped = [ev for d, ev in decisions if d.action == "drop"]
    assert all(ev.kind in (CueKind.COUNTDOWN, CueKind.NEXT_UP, CueKind.HALFWAY) for ev in dropped), dropped


def test_upcoming_looks_past_the_step_until_an_open_one(catalog):
    timeline = compile_timeline(load_session(builtin_session("hip-hinge-mobility")), "low")
    clock = FakeClock()
    runner = Runner(timeline, clock)
    assert runner.upcoming(clock(), 60 * NS) == []  # not started: nothing is due
    runner.start(clock())
    ahead = runner.upcoming(clock(), 15 * NS)
    start = runner.step_start_ns
    # The get-ready's countdown, then the first drill's "Go" 10 s in, with its first phase call.
    assert [(round((due - start) / NS, 3), kind) for due, kind, _t in ahead][:5] == [
        (7.0, CueKind.COUNTDOWN), (8.0, CueKind.COUNTDOWN), (9.0, CueKind.COUNTDOWN),
        (10.0, CueKind.GO), (10.0, CueKind.PHASE)]
    assert all(due <= clock() + 15 * NS for due, _k, _t in ahead)
    runner.pause(clock())
    assert runner.upcoming(clock(), 60 * NS) == []
