"""The one m:ss formatter prints what each of the five it replaced printed."""

from __future__ import annotations

import pytest

from hinge_timer import timefmt


# The five formatters as they were (issue 16), each the reference for the callers that used it.
def old_cli_fmt_time(seconds: float) -> str:  # cli.fmt_time: the plan
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def old_terminal_clock_text(seconds: float) -> str:  # terminal._clock_text: the caption's time
    s = int(seconds)
    return f"{s // 60:2d}:{s % 60:02d}"


def old_theme_mmss(seconds: float | None) -> str:  # ui/theme.mmss: the session screen's countdowns
    if seconds is None:
        return ""
    whole = int(-(-max(0.0, seconds) // 1))
    return f"{whole // 60}:{whole % 60:02d}"


def old_home_fmt_minutes(seconds: float) -> str:  # ui/home.fmt_minutes (and ui/done's "Time:")
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


SECONDS = [0, 0.2, 0.5, 0.999, 1, 1.5, 2.5, 9.4, 59, 59.5, 59.99, 60, 61.49, 599.5, 3599.4, 3599.5, 3600,
           3725, 3725.7, 5999, 6000.2, 36000, 86399.9, 360000, -0.3, -0.5, -1, -59.5, -61, -3601]


@pytest.mark.parametrize("seconds", SECONDS)
def test_each_caller_prints_what_it_printed_before(seconds):
    assert timefmt.clock(seconds, hours=True) == old_cli_fmt_time(seconds)
    assert f"{timefmt.clock(seconds, 'down'):>5}" == old_terminal_clock_text(seconds)
    assert timefmt.time_left(seconds) == old_theme_mmss(seconds)
    assert timefmt.clock(seconds) == old_home_fmt_minutes(seconds)


def test_what_the_digits_are():
    assert timefmt.clock(3725) == "62:05" and timefmt.clock(3725, hours=True) == "1:02:05"
    assert timefmt.clock(59.5) == "1:00" and timefmt.clock(0.5) == "0:00"  # round(): halves to even
    assert timefmt.clock(59.99, "down") == "0:59" and timefmt.clock(59.01, "up") == "1:00"
    assert timefmt.time_left(None) == "" and timefmt.time_left(-3) == "0:00" and timefmt.time_left(0.2) == "0:01"
    assert timefmt.whole_seconds(2.5) == 2 and timefmt.whole_seconds(2.5, "up") == 3
    assert timefmt.whole_seconds(-2.5, "down") == -2  # toward zero, as int()


def test_a_time_left_in_words_for_a_screen_reader():
    from hinge_timer.timefmt import spoken

    assert [spoken(s) for s in (None, 0, 0.2, 1, 10.01, 59.5, 60, 61, 125, 3600)] == [
        "", "0 seconds", "1 second", "1 second", "11 seconds", "1 minute", "1 minute", "1 minute 1 second",
        "2 minutes 5 seconds", "60 minutes"]
