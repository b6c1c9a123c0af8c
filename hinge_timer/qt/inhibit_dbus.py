"""The Linux screen-sleep inhibitor: ``org.freedesktop.ScreenSaver`` on the D-Bus session bus (QtDBus).

``Inhibit(app, reason) -> cookie`` when a session starts, ``UnInhibit(cookie)`` when it ends.  The
cookie is a uint32 and must go back as one: a plain Python int would be sent as int32 and refused,
so UnInhibit is called through the interface's introspected method (``invokeMethod`` with a
``uint`` argument).  If the app dies, the bus closes its connection and the screen saver drops
the inhibition by itself.
"""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

from ..kiosk.inhibit import DBUS_APP, Inhibitor, NullInhibitor, platform_inhibitor

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"


class DBusInhibitor(Inhibitor):
    name = "D-Bus org.freedesktop.ScreenSaver"

    def __init__(self, iface: QDBusInterface) -> None:
        super().__init__()
        self.iface = iface
        self.cookie: int | None = None

    def _inhibit(self, reason: str) -> None:
        reply = self.iface.call("Inhibit", DBUS_APP, reason)
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            raise OSError(reply.errorMessage() or "no reply")
        self.cookie = int(reply.arguments()[0])

    def _uninhibit(self) -> None:
        if self.cookie is None:
            return
        cookie, self.cookie = self.cookie, None
        ok = QMetaObject.invokeMethod(self.iface, "UnInhibit", Qt.ConnectionType.DirectConnection,
                                      Q_ARG("uint", cookie))
        error = self.iface.lastError()
        if not ok or error.isValid():
            raise OSError(error.message() or "UnInhibit could not be called")


def make_inhibitor() -> Inhibitor:
    """The platform's inhibitor, or the null one with the reason; logs nothing until used."""
    native = platform_inhibitor()
    if native is not None:
        return native
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return NullInhibitor("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS)")
    registered = bus.interface().isServiceRegistered(SERVICE)
    if not registered.isValid() or not registered.value():
        return NullInhibitor(f"nothing on the session bus owns {SERVICE}")
    iface = QDBusInterface(SERVICE, PATH, SERVICE, bus)
    if not iface.isValid():
        return NullInhibitor(f"{SERVICE} is not usable: {iface.lastError().message()}")
    return DBusInhibitor(iface)
