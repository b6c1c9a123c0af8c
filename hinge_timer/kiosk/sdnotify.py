"""systemd's notify protocol, without a dependency: READY=1 once, WATCHDOG=1 from the GUI thread.

With ``Type=notify`` and ``WatchdogSec=`` in the unit, systemd sets ``$NOTIFY_SOCKET`` and
``$WATCHDOG_USEC``.  The window pings from a timer on the Qt event loop, so a frozen loop stops
the pings and systemd restarts the app.  Outside systemd every call does nothing.
"""

from __future__ import annotations

import os
import socket


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = env.get("NOTIFY_SOCKET", "")
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        self.watchdog_usec = int(usec) if usec.isdigit() and (not pid or pid == str(os.getpid())) else 0
        self.sent: list[str] = []

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    @property
    def ping_interval_ms(self) -> int:
        """Half the watchdog period (systemd's advice), or 0 when there is no watchdog."""
        return self.watchdog_usec // 2000 if self.watchdog_usec else 0

    def notify(self, state: str) -> bool:
        if not self.address:
            return False
        addr = self.address
        if addr.startswith("@"):
            addr = "\0" + addr[1:]  # an abstract socket
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(addr)
                sock.sendall(state.encode("utf-8"))
        except OSError:
            return False
        self.sent.append(state)
        return True

    def ready(self) -> bool:
        return self.notify("READY=1")

    def ping(self) -> bool:
        return self.notify("WATCHDOG=1")
