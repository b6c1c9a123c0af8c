"""Kiosk mode's Qt-free parts: the site config, the admin PIN, the screen-sleep inhibitor interface,
and systemd's notify protocol (the Qt side is in ui/kiosk.py and qt/inhibit_dbus.py)."""
