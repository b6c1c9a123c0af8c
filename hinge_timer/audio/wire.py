"""The frames the app and its sound engine (``hinge_timer.audio_child``) exchange over a pipe.

A frame is two big-endian 32-bit lengths, a JSON header of the first length and a binary body
of the second: ``{"op": "load", "key": K, "rate": R}`` + the clip's samples, ``{"op": "play",
"key": K[, "try": true]}``, ``{"op": "stop"}``, ``{"op": "volume", "value": V}``, ``{"op": "ping"}``,
``{"op": "close"}`` one way; ``{"ev": "ready" | "notice", "problem": …, "brief": …, "device": …}``,
``{"ev": "failed", "key": K, "try": …}``, ``{"ev": "played", "key": K}`` (a try that played) and
``{"ev": "pong"}`` the other.  The lengths are checked before any of the body is awaited, so a
bad or hostile length is refused at once, never allocated.  Qt-free, so both ends and the tests share it.
"""

from __future__ import annotations

import json
import struct
from typing import Any

HEAD = struct.Struct(">II")
MAX_HEADER = 64 * 1024
MAX_BODY = 64 * 1024 * 1024  # a clip of ~25 minutes; the app's are a few seconds


class WireError(ValueError):
    """A frame that cannot be read: the other end is not speaking this protocol."""


def frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return HEAD.pack(len(head), len(body)) + head + body


class Reader:
    """Collects bytes as they arrive and hands out whole frames."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        self._buf += data
        out: list[tuple[dict[str, Any], bytes]] = []
        while len(self._buf) >= HEAD.size:
            n_head, n_body = HEAD.unpack_from(self._buf)
            if n_head > MAX_HEADER or n_body > MAX_BODY:
                raise WireError(f"frame too large ({n_head} + {n_body} bytes)")
            end = HEAD.size + n_head + n_body
            if len(self._buf) < end:
                break
            try:
                header = json.loads(bytes(self._buf[HEAD.size:HEAD.size + n_head]).decode("utf-8"))
            except ValueError as exc:
                raise WireError(f"unreadable frame header: {exc}") from None
            if not isinstance(header, dict):
                raise WireError("a frame header must be a JSON object")
            out.append((header, bytes(self._buf[HEAD.size + n_head:end])))
            del self._buf[:end]
        return out
