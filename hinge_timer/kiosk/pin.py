"""The administrator's PIN: stored only as a salted PBKDF2 hash, checked in constant time, and
the prompt rate-limited (a few tries, then a wait that doubles each time, kept on disk across a
restart by :class:`LockoutFile`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ..i18n import _, ngettext
from ..safeio import write_atomic

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 200_000  # what `hinge-timer kiosk-pin` writes; the site config may not ask for fewer
MAX_ITERATIONS = 2_000_000  # about 0.75 s to check on this machine; more would freeze the screen


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (base64); a new random salt each time."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def read_hash(text: str) -> tuple[int, bytes, bytes] | str:
    """(iterations, salt, digest) from a ``hash_pin`` string, or why ``text`` is not one (in words).

    The one parser of the format; the iteration count is not bounded here (a count of more than nine
    digits is read as just over :data:`MAX_ITERATIONS`, never converted)."""
    parts = text.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit() or not parts[1].isascii():
        # Translators: `hinge-timer kiosk-pin` is a command: keep it.
        return _("not a hash from `hinge-timer kiosk-pin`")
    try:
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except ValueError:
        # Translators: `hinge-timer kiosk-pin` is a command: keep it.
        return _("not a hash from `hinge-timer kiosk-pin` (bad base64)")
    if len(salt) < 8 or len(digest) != 32:
        # Translators: `hinge-timer kiosk-pin` is a command: keep it.
        return _("not a hash from `hinge-timer kiosk-pin` (wrong salt or hash length)")
    return (int(parts[1]) if len(parts[1]) <= 9 else MAX_ITERATIONS + 1), salt, digest


def hash_problem(text: str) -> str | None:
    """Why ``text`` is not a PIN hash this app accepts, or None.  A hash with fewer iterations than
    :data:`ITERATIONS` (what ``hinge-timer kiosk-pin`` writes) is refused: it is cheaper to guess."""
    parsed = read_hash(text)
    if isinstance(parsed, str):
        return parsed
    iterations = parsed[0]
    if iterations < ITERATIONS:
        # Translators: {n} and {written} are numbers of PBKDF2 iterations (the English says "iterations" even for one).
        return ngettext("a hash of {n} PBKDF2 iterations, fewer than the {written} this app writes",
                        "a hash of {n} PBKDF2 iterations, fewer than the {written} this app writes",
                        iterations).format(n=iterations, written=ITERATIONS)
    if iterations > MAX_ITERATIONS:
        # Translators: {n} is a number of PBKDF2 iterations.
        return ngettext("a hash of more than {n} PBKDF2 iteration (checking it would freeze the screen)",
                        "a hash of more than {n} PBKDF2 iterations (checking it would freeze the screen)",
                        MAX_ITERATIONS).format(n=MAX_ITERATIONS)
    return None


def parse_hash(text: str, *, min_iterations: int = 1_000) -> tuple[int, bytes, bytes] | None:
    """(iterations, salt, digest), or None if it is not a well-formed hash of at least ``min_iterations``."""
    parsed = read_hash(text)
    if isinstance(parsed, str) or not min_iterations <= parsed[0] <= MAX_ITERATIONS:
        return None
    return parsed


def verify_pin(pin: str, stored: str) -> bool:
    parsed = parse_hash(stored)
    if parsed is None:
        return False
    iterations, salt, digest = parsed
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations), digest)


# The longest a lockout gets (30 s doubling reaches it at the 8th): long enough to make guessing slow
# (3 tries an hour), short enough that a prankster cannot lock the administrator out for days.  It is
# also what a lockout file that cannot be trusted (damaged, tampered, from the future) costs.
MAX_LOCKOUT_S = 3600.0


def wait_text(seconds: float) -> str:
    """How long a wait is, for a person ("30 s", "5 min")."""
    if seconds < 120:
        # Translators: a wait in seconds, short ("30 s").
        return _("{seconds} s").format(seconds=f"{seconds:.0f}")
    # Translators: a wait in minutes, short ("5 min").
    return _("{minutes} min").format(minutes=f"{seconds / 60:.0f}")


@dataclass
class PinLimiter:
    """``tries`` wrong PINs in a row lock the prompt for ``lockout_s``, doubling with each lockout up
    to ``max_lockout_s``.  Times are on the caller's clock (a monotonic one: changing the wall clock
    changes nothing while the app runs); :class:`LockoutFile` keeps the state across a restart."""

    tries: int = 3
    lockout_s: float = 30.0
    max_lockout_s: float = MAX_LOCKOUT_S
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0

    def lockout_length(self, lockouts: int) -> float:
        """How long the lockout after ``lockouts`` earlier ones lasts."""
        return min(self.max_lockout_s, self.lockout_s * float(1 << min(max(lockouts, 0), 40)))

    def wait_left(self, now: float) -> float:
        return max(0.0, self.locked_until - now)

    def lock_longest(self, now: float) -> None:
        """Fail closed: the longest lockout from now, and every later one as long."""
        self.failures = 0
        n = 0
        while self.lockout_length(n) < self.max_lockout_s and n < 40:
            n += 1
        self.lockouts = n + 1
        self.locked_until = now + self.max_lockout_s

    def check(self, pin: str, stored: str, now: float) -> tuple[bool, str]:
        """(accepted, what to tell the user)."""
        wait = self.wait_left(now)
        if wait > 0:
            # Translators: {wait} is how long ("5 min").
            return False, _("Too many wrong PINs. Try again in {wait}.").format(wait=wait_text(wait))
        if verify_pin(pin, stored):
            self.failures = 0
            self.lockouts = 0
            return True, _("PIN accepted.")
        self._count_failure(now)
        if self.failures == 0:
            # Translators: {wait} is how long ("30 s").
            return False, _("Wrong PIN. Too many tries: wait {wait}.").format(wait=wait_text(self.wait_left(now)))
        left = self.tries - self.failures
        return False, ngettext("Wrong PIN. {n} try left.", "Wrong PIN. {n} tries left.", left).format(n=left)

    def if_wrong(self, now: float) -> "PinLimiter":
        """What this limiter would be after one more wrong PIN at ``now`` (this one is left as it is):
        written to disk before a PIN is checked, so a crash during or right after the check cannot
        lose the try."""
        after = replace(self)
        after._count_failure(now)
        return after

    def _count_failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.tries:
            self.failures = 0
            self.locked_until = now + self.lockout_length(self.lockouts)
            self.lockouts += 1


LOCKOUT_FILE = "kiosk-lockout.json"
MAX_LOCKOUT_FILE_BYTES = 4096
_BOOT_ID = "/proc/sys/kernel/random/boot_id"


def boot_id() -> str:
    """This boot's id on Linux ("" elsewhere): within one boot the monotonic clock carries over."""
    from ..safeio import read_regular

    try:
        return read_regular(_BOOT_ID, 64).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


class LockoutFile:
    """The wrong-PIN lockout on disk, so a restart (the kiosk is restarted after a crash) keeps it.

    One small JSON file, replaced atomically: failures in a row, lockouts so far, and when the current
    lockout ends on both the wall clock and (with this boot's id) the monotonic clock.  Read back in
    the same boot, the monotonic time is used, so moving the wall clock either way changes nothing;
    after a reboot the wall clock is used, and a wait longer than the lockout that was set (the clock
    moved back, or a file from the future) is cut to that lockout, never to nothing.  A file that
    cannot be read or trusted keeps the kiosk locked for the longest lockout (fail closed).
    """

    def __init__(self, path: Path, *, wall: Callable[[], float] = time.time,
                 mono: Callable[[], float] = time.monotonic, boot: Callable[[], str] = boot_id) -> None:
        self.path = path
        self.wall = wall
        self.mono = mono
        self.boot = boot

    def load_into(self, limiter: PinLimiter, now: float) -> str | None:
        """Restore the lockout into ``limiter`` (``now`` on its clock); a problem naming the file if
        the file could not be trusted, in which case ``limiter`` is locked for the longest lockout."""
        from ..plaintext import printable
        from ..safeio import describe, read_regular

        where = printable(str(self.path), limit=300)
        try:
            raw = read_regular(self.path, MAX_LOCKOUT_FILE_BYTES)
        except FileNotFoundError:
            return None
        except OSError as exc:
            # Translators: {file} is the PIN lockout file; {reason} why it cannot be read.
            return self._distrust(limiter, now, _("{file}: cannot be read ({reason})").format(
                file=where, reason=printable(describe(exc), limit=200)))
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            # Translators: {file} is the PIN lockout file.
            return self._distrust(limiter, now, _("{file}: damaged (not the JSON this app writes)").format(file=where))
        why = self._restore(limiter, now, data)
        return None if why is None else self._distrust(limiter, now, f"{where}: {why}")  # (the file, then why)

    def _restore(self, limiter: PinLimiter, now: float, data: object) -> str | None:
        if not isinstance(data, dict) or data.get("version") != 1:
            return _("damaged (not the lockout file this app writes)")
        failures, lockouts = data.get("failures"), data.get("lockouts")
        if isinstance(failures, bool) or not isinstance(failures, int) or not 0 <= failures < limiter.tries:
            # Translators: what is wrong with the PIN lockout file: its count of wrong PINs.
            return _("damaged (failures)")
        if isinstance(lockouts, bool) or not isinstance(lockouts, int) or not 0 <= lockouts <= 1000:
            # Translators: what is wrong with the PIN lockout file: its count of lockouts.
            return _("damaged (lockouts)")
        wall_until, mono_until = _finite(data.get("wall_until")), _finite(data.get("mono_until"))
        boot = data.get("boot")
        if wall_until is None or mono_until is None or not isinstance(boot, str):
            # Translators: what is wrong with the PIN lockout file: the times its lockout ends.
            return _("damaged (times)")
        this_boot = self.boot()
        wait = mono_until - self.mono() if boot and boot == this_boot else wall_until - self.wall()
        longest = limiter.lockout_length(lockouts - 1) if lockouts else 0.0
        if wait > longest + 1.0:
            if not lockouts:
                return _("damaged (a lockout without any wrong PINs)")
            wait = longest  # the clock moved back, or the file is from the future: the lockout that was set
        limiter.failures = failures
        limiter.lockouts = lockouts
        limiter.locked_until = now + max(0.0, wait)
        return None

    @staticmethod
    def _distrust(limiter: PinLimiter, now: float, problem: str) -> str:
        limiter.lock_longest(now)
        # Translators: {problem} names the lockout file and what is wrong with it; {wait} is how long ("60 min").
        return _("{problem}; the PIN prompt is locked for {wait}").format(
            problem=problem, wait=wait_text(limiter.max_lockout_s))

    def record(self, limiter: PinLimiter, now: float) -> dict[str, object]:
        """What :meth:`write` puts on disk, taken now (cheap: no file touched)."""
        wait = limiter.wait_left(now)
        return {"version": 1, "failures": limiter.failures, "lockouts": limiter.lockouts,
                "wall_until": self.wall() + wait, "mono_until": self.mono() + wait, "boot": self.boot()}

    def write(self, record: dict[str, object]) -> None:
        """Replace the file atomically (a crash leaves the old one or the new one, never half)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(record).encode("utf-8"))
