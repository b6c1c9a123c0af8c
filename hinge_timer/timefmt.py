"""Durations as a person reads them on a clock: ``m:ss``, or ``h:mm:ss`` where a caller wants hours.

The one formatter of the app (the plan, the terminal captions, Home, the kiosk, the session and done
screens).  Callers differ only in how a fraction of a second is rounded and whether an hour is split
off, so those are its two arguments; the digits are always minutes, a colon and two digits of seconds.
"""

from __future__ import annotations

from typing import Literal

from .i18n import _, ngettext

Rounding = Literal["nearest", "down", "up"]


def whole_seconds(seconds: float, rounding: Rounding = "nearest") -> int:
    """``seconds`` as a whole number: to the nearest (halves to even, as ``round``), cut toward zero
    (``down``, as ``int``), or up to the next whole second (``up``)."""
    if rounding == "nearest":
        return int(round(seconds))
    if rounding == "down":
        return int(seconds)
    return int(-(-seconds // 1))


def clock(seconds: float, rounding: Rounding = "nearest", *, hours: bool = False) -> str:
    """``m:ss`` (minutes are not limited to 59); with ``hours``, ``h:mm:ss`` from one hour on."""
    whole = whole_seconds(seconds, rounding)
    if hours:
        h, rest = divmod(whole, 3600)
        if h:
            m, s = divmod(rest, 60)
            return f"{h}:{m:02d}:{s:02d}"
    m, s = divmod(whole, 60)
    return f"{m}:{s:02d}"


def time_left(seconds: float | None) -> str:
    """A countdown's time left: whole seconds rounded up, never below 0:00 (so 0:00 shows only at the
    end); ``""`` when there is no clock (``None``)."""
    if seconds is None:
        return ""
    return clock(max(0.0, seconds), "up")


def seconds_left(seconds: float | None) -> str:
    """A countdown as the session screen's big number shows it: whole seconds rounded up ("90", "5"),
    as ``m:ss`` only from 1000 s on (four digits would not fit as large); ``""`` with no clock."""
    if seconds is None:
        return ""
    whole = whole_seconds(max(0.0, seconds), "up")
    return str(whole) if whole < 1000 else clock(whole)


def spoken(seconds: float | None) -> str:
    """A time left in words, for a screen reader ("11 seconds", "1 minute", "2 minutes 5 seconds"):
    whole seconds rounded up, as :func:`time_left`; ``""`` with no clock.  ("0:11" is read out as
    "zero colon eleven".)"""
    if seconds is None:
        return ""
    m, s = divmod(whole_seconds(max(0.0, seconds), "up"), 60)
    # Translators: a time left, read out by a screen reader ("1 minute", "2 minutes").
    minutes = ngettext("{n} minute", "{n} minutes", m).format(n=m)
    # Translators: a time left, read out by a screen reader ("1 second", "5 seconds").
    secs = ngettext("{n} second", "{n} seconds", s).format(n=s)
    if not m:
        return secs
    if not s:
        return minutes
    # Translators: a time left in minutes and seconds, read out ("2 minutes 5 seconds").
    return _("{minutes} {seconds}").format(minutes=minutes, seconds=secs)
