"""A stand-in for the desktop's screen saver on a private D-Bus session bus (the kiosk tests).

It owns ``org.freedesktop.ScreenSaver``, answers ``Inhibit`` with a cookie and ``UnInhibit``
with nothing (or an error for a cookie it does not know), and, as real screen savers do,
drops every inhibition of a client whose connection closes.  Each event is one JSON line in
the file named by its first argument:
  {"call": "Inhibit", "sender": ":1.5", "app": "io.github.hingetimer.HingeTimer", "reason": "...", "cookie": 1}
  {"call": "UnInhibit", "sender": ":1.5", "cookie": 1, "signature": "u", "ok": true}
  {"released": 1, "sender": ":1.5", "why": "disconnected"}
Run: ``python tests/dbus_screensaver.py RECORD`` with DBUS_SESSION_BUS_ADDRESS set.
"""

from __future__ import annotations

import json
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import MatchRule, message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.ScreenSaver"
INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.ScreenSaver">
    <method name="Inhibit">
      <arg type="s" name="application_name" direction="in"/>
      <arg type="s" name="reason_for_inhibit" direction="in"/>
      <arg type="u" name="cookie" direction="out"/>
    </method>
    <method name="UnInhibit">
      <arg type="u" name="cookie" direction="in"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg type="s" name="xml_data" direction="out"/></method>
  </interface>
</node>
"""


def main() -> int:
    out = open(sys.argv[1], "a", encoding="utf-8", buffering=1)

    def record(**event: object) -> None:
        out.write(json.dumps(event) + "\n")

    conn = open_dbus_connection(bus="SESSION")
    rule = MatchRule(type="signal", sender="org.freedesktop.DBus", interface="org.freedesktop.DBus",
                     member="NameOwnerChanged")
    conn.send_and_get_reply(message_bus.AddMatch(rule))
    granted = conn.send_and_get_reply(message_bus.RequestName(NAME)).body[0]
    if granted != 1:
        print(f"could not own {NAME} ({granted})", file=sys.stderr)
        return 1
    record(ready=True)
    cookies: dict[int, str] = {}
    next_cookie = 1
    while True:
        msg = conn.receive()
        fields = msg.header.fields
        kind = msg.header.message_type
        if kind == MessageType.signal and fields.get(HeaderFields.member) == "NameOwnerChanged":
            name, _old, new = msg.body
            if not new:
                for cookie in [c for c, who in cookies.items() if who == name]:
                    del cookies[cookie]
                    record(released=cookie, sender=name, why="disconnected")
            continue
        if kind != MessageType.method_call:
            continue
        member = fields.get(HeaderFields.member)
        sender = fields.get(HeaderFields.sender, "")
        signature = fields.get(HeaderFields.signature, "")
        if member == "Introspect":
            conn.send(new_method_return(msg, "s", (INTROSPECTION,)))
        elif member == "Inhibit" and signature == "ss":
            app, reason = msg.body
            cookie, next_cookie = next_cookie, next_cookie + 1
            cookies[cookie] = sender
            record(call="Inhibit", sender=sender, app=app, reason=reason, cookie=cookie)
            conn.send(new_method_return(msg, "u", (cookie,)))
        elif member == "UnInhibit" and signature == "u":
            (cookie,) = msg.body
            ok = cookies.get(cookie) == sender
            record(call="UnInhibit", sender=sender, cookie=cookie, signature=signature, ok=ok)
            if ok:
                del cookies[cookie]
                conn.send(new_method_return(msg))
            else:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("no such cookie",)))
        else:
            record(call=member, sender=sender, signature=signature, ok=False)
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                                (f"no method {member} with signature {signature!r}",)))


if __name__ == "__main__":
    sys.exit(main())
