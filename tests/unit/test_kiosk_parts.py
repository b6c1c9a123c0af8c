"""Kiosk parts without Qt: the site config file, the PIN hash and its rate limit, systemd's notify socket."""

from __future__ import annotations

import socket

import pytest

from hinge_timer.kiosk.config import SITE_CONFIG_ENV, load_kiosk_config, site_config_file
from hinge_timer.kiosk.pin import PinLimiter, hash_pin, parse_hash, verify_pin
from hinge_timer.kiosk.sdnotify import Notifier


def test_no_file_means_defaults(tmp_path):
    cfg = load_kiosk_config(tmp_path / "none.toml")
    assert (cfg.enabled, cfg.idle_minutes, cfg.exit_hold_seconds, cfg.anonymous, cfg.problems) == (
        False, 3.0, 3.0, True, [])


def test_the_site_file_sets_kiosk_for_everyone(tmp_path, monkeypatch):
    f = tmp_path / "config.toml"
    f.write_text('[kiosk]\nenabled = true\nidle_minutes = 5\npin_hash = "%s"\n' % hash_pin("2468"))
    monkeypatch.setenv(SITE_CONFIG_ENV, str(f))
    assert site_config_file() == f
    cfg = load_kiosk_config()
    assert cfg.enabled and cfg.idle_minutes == 5.0 and verify_pin("2468", cfg.pin_hash) and cfg.problems == []


def test_each_harmless_mistake_names_the_file_and_field_and_the_rest_is_used(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text('[kiosk]\nenabled = true\nidle_minutes = 0\nexit_hold_seconds = 60\ndone_seconds = "soon"\n'
                 'cursor_hide_seconds = 8\ncolour = "red"\nanonymous = "yes"\n')
    cfg = load_kiosk_config(f)
    assert cfg.enabled and cfg.cursor_hide_seconds == 8.0 and cfg.exit_hold_seconds == 3.0 and cfg.idle_minutes == 3
    assert cfg.done_seconds == 20 and cfg.anonymous  # the default, which shows no one's history
    assert not cfg.locked  # none of these concerns who may leave the kiosk
    text = "\n".join(cfg.problems)
    for field in ("kiosk.idle_minutes", "kiosk.exit_hold_seconds", "kiosk.done_seconds", "kiosk.colour",
                  "kiosk.anonymous"):
        assert f"{f}: {field}" in text
    assert len(cfg.problems) == 5


def test_a_broken_file_turns_the_kiosk_on_and_locks_it(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text("[kiosk\nenabled = false\n")  # even a file that might have said "no kiosk": we cannot know
    cfg = load_kiosk_config(f)
    assert cfg.enabled and cfg.locked and len(cfg.problems) == 1
    assert str(f) in cfg.problems[0] and "not valid TOML" in cfg.problems[0] and "line 1" in cfg.problems[0]
    assert cfg.problems[0].startswith(cfg.lock_reason) and "cannot be left until the file is fixed" in cfg.problems[0]


def test_the_pin_is_stored_salted_and_never_plain():
    a, b = hash_pin("4711", iterations=2_000), hash_pin("4711", iterations=2_000)
    assert a != b and "4711" not in a  # a new salt each time
    assert verify_pin("4711", a) and verify_pin("4711", b) and not verify_pin("4712", a)
    assert parse_hash(a) is not None and parse_hash("pbkdf2_sha256$1$x$y") is None
    assert not verify_pin("4711", "not a hash")


def test_wrong_pins_lock_the_prompt_longer_each_time():
    stored = hash_pin("4711", iterations=2_000)
    lim = PinLimiter(tries=3, lockout_s=30)
    assert lim.check("1", stored, 0)[1] == "Wrong PIN. 2 tries left."
    assert lim.check("2", stored, 1)[1] == "Wrong PIN. 1 try left."
    ok, msg = lim.check("3", stored, 2)
    assert not ok and "wait 30 s" in msg
    assert not lim.check("4711", stored, 20)[0]  # locked: even the right PIN waits
    for t in (33, 34, 35):
        lim.check("0", stored, t)
    assert lim.wait_left(35) == pytest.approx(60)  # doubled
    assert lim.check("4711", stored, 96)[0]


def test_systemd_notify_sends_ready_and_watchdog_pings(tmp_path):
    path = tmp_path / "notify.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    server.settimeout(2)
    try:
        n = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "10000000"})
        assert n.enabled and n.ping_interval_ms == 5000
        assert n.ready() and n.ping()
        assert server.recv(64) == b"READY=1" and server.recv(64) == b"WATCHDOG=1"
    finally:
        server.close()
    off = Notifier({})
    assert not off.enabled and not off.ping() and off.ping_interval_ms == 0


@pytest.mark.parametrize("dirs", [None, "/opt/site:/etc/xdg"])
def test_the_site_folder_is_the_one_platformdirs_names(monkeypatch, dirs):
    import platformdirs

    monkeypatch.delenv(SITE_CONFIG_ENV, raising=False)
    if dirs is None:
        monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_DIRS", dirs)
    expected = platformdirs.site_config_dir("hinge-timer", appauthor=False)
    assert site_config_file().parent == __import__("pathlib").Path(expected)
