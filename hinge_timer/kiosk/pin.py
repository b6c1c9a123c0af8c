"""The administrator's PIN: stored only as a salted PBKDF2 hash, checked in constant time, and
the prompt rate-limited (a few tries, then a wait that doubles each time)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 200_000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (base64); a new random salt each time."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def parse_hash(text: str) -> tuple[int, bytes, bytes] | None:
    parts = text.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return None
    try:
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except ValueError:
        return None
    iterations = int(parts[1])
    if not 1_000 <= iterations <= 10_000_000 or len(salt) < 8 or len(digest) != 32:
        return None
    return iterations, salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    parsed = parse_hash(stored)
    if parsed is None:
        return False
    iterations, salt, digest = parsed
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations), digest)


@dataclass
class PinLimiter:
    """``tries`` wrong PINs in a row lock the prompt for ``lockout_s``, doubling with each lockout."""

    tries: int = 3
    lockout_s: float = 30.0
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0

    def wait_left(self, now: float) -> float:
        return max(0.0, self.locked_until - now)

    def check(self, pin: str, stored: str, now: float) -> tuple[bool, str]:
        """(accepted, what to tell the user)."""
        wait = self.wait_left(now)
        if wait > 0:
            return False, f"Too many wrong PINs. Try again in {wait:.0f} s."
        if verify_pin(pin, stored):
            self.failures = 0
            self.lockouts = 0
            return True, "PIN accepted."
        self.failures += 1
        if self.failures >= self.tries:
            self.failures = 0
            self.locked_until = now + self.lockout_s * (2 ** self.lockouts)
            self.lockouts += 1
            return False, f"Wrong PIN. Too many tries: wait {self.wait_left(now):.0f} s."
        left = self.tries - self.failures
        return False, f"Wrong PIN. {left} {'try' if left == 1 else 'tries'} left."
