"""The kiosk fails closed: a site config that is there but cannot be trusted turns kiosk mode on and
locks it; a PIN hash that is malformed or too cheap locks it; the wrong-PIN lockout survives a restart
and a damaged, tampered or future lockout file keeps the prompt locked.  Real files, a real FIFO, a
real process without root's rights for "permission denied"."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from hinge_timer.kiosk import site_config_present
from hinge_timer.kiosk.config import MAX_BYTES, load_kiosk_config
from hinge_timer.kiosk.pin import ITERATIONS, MAX_LOCKOUT_S, LockoutFile, PinLimiter, hash_pin

GOOD_HASH = hash_pin("2580")  # what `hinge-timer kiosk-pin` writes (200,000 iterations)


def write(tmp_path: Path, text: str | bytes, name: str = "config.toml") -> Path:
    f = tmp_path / name
    f.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return f


def assert_locked_kiosk(cfg, f: Path, *words: str) -> None:
    assert cfg.enabled, "an unusable site config must turn kiosk mode on"
    assert cfg.locked and str(f) in cfg.lock_reason
    for word in words:
        assert word in cfg.lock_reason, (word, cfg.lock_reason)
    assert any(str(f) in p and "cannot be left until the file is fixed" in p for p in cfg.problems)


@pytest.mark.parametrize("text, words", [
    ("[kiosk]\nenabled = false\nidle_minutes = 3\n[kiosk]\n", ("not valid TOML",)),  # a table twice
    ("[kiosk\nenabled = true\n", ("not valid TOML", "line 1")),
    ("[kiosk]\nenabled = true\npin_hash = 'pbkdf2_sha256$200000$abc\n", ("not valid TOML",)),
    ("kiosk = 1\n", ("expected a [kiosk] table",)),
    ("\ufeff[kiosk]\nenabled = true\n".encode("utf-16"), ("not UTF-8",)),  # Notepad's "Unicode"
    (b"[kiosk]\nenabled = true # caf\xe9\n", ("not UTF-8",)),
    ("# " + "x" * MAX_BYTES + "\n[kiosk]\nenabled = true\n", ("more than the 16384 allowed",)),
    ("[kiosk]\n" + "a." * 3000 + "a = 1\n", ("line 2 is", "more than the 1000 allowed")),
])
def test_a_site_config_that_cannot_be_used_turns_the_kiosk_on_and_locks_it(tmp_path, text, words):
    f = write(tmp_path, text)
    started = time.perf_counter()
    cfg = load_kiosk_config(f)
    assert time.perf_counter() - started < 0.5  # refused before the parser does any real work
    assert_locked_kiosk(cfg, f, *words)


def test_a_dotted_key_bomb_within_the_limits_is_read_quickly(tmp_path):
    """16 KiB of 1,000-character dotted keys: the worst the line limit lets through, still quick."""
    lines = "".join(f"k{i}." + ".".join(["a"] * 490) + " = 1\n" for i in range(16))
    f = write(tmp_path, "[kiosk]\nenabled = true\n" + lines[: MAX_BYTES - 40])
    started = time.perf_counter()
    cfg = load_kiosk_config(f)
    assert time.perf_counter() - started < 0.5
    assert cfg.enabled  # parsed or refused, but decided quickly; either way a kiosk
    assert cfg.problems


def test_a_folder_or_a_dangling_link_in_its_place_fails_closed(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    assert site_config_present(folder)
    assert_locked_kiosk(load_kiosk_config(folder), folder, "a folder")
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "on-a-share-not-mounted-yet.toml")
    assert site_config_present(link)  # something is there: the administrator meant a file
    assert_locked_kiosk(load_kiosk_config(link), link, "not there")
    nothing = tmp_path / "none.toml"
    assert not site_config_present(nothing) and not site_config_present(tmp_path / "none.toml" / "x")
    cfg = load_kiosk_config(nothing)
    assert not cfg.enabled and not cfg.locked and cfg.problems == []


def test_a_fifo_in_its_place_fails_closed_without_hanging(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    result: list = []
    reader = threading.Thread(target=lambda: result.append(load_kiosk_config(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # a regression: the read blocks waiting for a writer; unblock it and fail
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        reader.join(timeout=5)
        pytest.fail("reading a FIFO as the site config blocked")
    assert_locked_kiosk(result[0], fifo, "named pipe (FIFO)")


def test_a_site_config_it_may_not_read_fails_closed(tmp_path):
    f = write(tmp_path, f'[kiosk]\nenabled = true\npin_hash = "{GOOD_HASH}"\n')
    f.chmod(0)
    if os.geteuid() != 0:
        cfg = load_kiosk_config(f)
        assert_locked_kiosk(cfg, f, "permission denied")
        return
    # As root every file is readable: ask a real child process that has given root's rights up.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nobody, then read the file as the app would
        try:
            os.close(r)
            os.setgid(65534)
            os.setuid(65534)
            cfg = load_kiosk_config(f)
            os.write(w, json.dumps([cfg.enabled, cfg.lock_reason, cfg.problems]).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        out = fh.read()
    os.waitpid(pid, 0)
    enabled, reason, problems = json.loads(out)
    assert enabled and str(f) in reason and "permission denied" in reason and problems


@pytest.mark.parametrize("value, words", [
    ('"1234"', ("not a hash from `hinge-timer kiosk-pin`",)),
    ('"pbkdf2_sha256$200000$not base64!$x"', ("bad base64",)),
    ('"pbkdf2_sha256$200000$c2FsdA==$AAAA"', ("wrong salt or hash length",)),
    (f'"{hash_pin("2580", iterations=2_000)}"', ("2000 PBKDF2 iterations", f"fewer than the {ITERATIONS}")),
    (f'"{hash_pin("2580", iterations=ITERATIONS - 1)}"', ("fewer than",)),
    (f'"{GOOD_HASH.replace("$200000$", "$99999999999999$")}"', ("more than",)),
    ("1234", ("expected text",)),
])
def test_a_bad_pin_hash_locks_the_kiosk_instead_of_asking_no_pin(tmp_path, value, words):
    f = write(tmp_path, f"[kiosk]\nenabled = true\nidle_minutes = 5\npin_hash = {value}\n")
    cfg = load_kiosk_config(f)
    assert cfg.enabled and cfg.locked and cfg.pin_hash == "" and cfg.idle_minutes == 5
    assert f"{f}: kiosk.pin_hash" in cfg.lock_reason
    for word in words:
        assert word in cfg.lock_reason


def test_the_hash_the_app_writes_is_accepted(tmp_path):
    f = write(tmp_path, f'[kiosk]\nenabled = true\npin_hash = "{GOOD_HASH}"\n')
    cfg = load_kiosk_config(f)
    assert cfg.enabled and not cfg.locked and cfg.pin_hash == GOOD_HASH and cfg.problems == []


@pytest.mark.parametrize("text, kiosk_on", [
    ('[kiosk]\nenabled = "yes"\n', True),
    ('[kiosk]\nenabled = 1\n', True),
    ('[kiosk]\nenable = true\n', True),                      # misspelt: meant a kiosk
    (f'[kiosk]\npin-hash = "{GOOD_HASH}"\n', False),         # misspelt: meant a PIN
    (f'[kiosk]\nPIN = "{GOOD_HASH}"\n', False),
    (f'[kiosk]\nsecret = "{GOOD_HASH}"\n', False),            # the value is a PIN hash
    (f'pin_hash = "{GOOD_HASH}"\n[kiosk]\nidle_minutes = 4\n', True),  # above the header
    (f'[Kiosk]\nenabled = true\npin_hash = "{GOOD_HASH}"\n', True),    # the wrong case
])
def test_a_problem_in_a_security_field_locks_the_kiosk(tmp_path, text, kiosk_on):
    f = write(tmp_path, text)
    cfg = load_kiosk_config(f)
    assert cfg.locked and str(f) in cfg.lock_reason
    if kiosk_on:
        assert cfg.enabled


def test_messages_show_control_characters_escaped(tmp_path):
    folder = tmp_path / "site\x1b]0;owned\x07"
    folder.mkdir()
    f = write(folder, '[kiosk]\nidle_minutes = "\x1b[2J\u202e"\nenabled = true\n'.replace("\x1b", "\\u001b"))
    cfg = load_kiosk_config(f)
    text = "\n".join(cfg.problems)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "site\\e]0;owned\\x07" in text and "kiosk.idle_minutes" in text


# -- the wrong-PIN lockout on disk ---------------------------------------------------------------------


class Clocks:
    """The machine's clocks as the lockout file sees them; the test moves them as an admin (or a crash) would."""

    def __init__(self) -> None:
        self.wall = 1_750_000_000.0
        self.mono = 5_000.0
        self.boot = "boot-1"

    def file(self, path: Path) -> LockoutFile:
        return LockoutFile(path, wall=lambda: self.wall, mono=lambda: self.mono, boot=lambda: self.boot)


def lock_once(limiter: PinLimiter, now: float, stored: str) -> None:
    for i in range(limiter.tries):
        limiter.check(str(i), stored, now)


@pytest.fixture
def stored() -> str:
    return hash_pin("4711", iterations=2_000)


def restart(clocks: Clocks, path: Path, now: float = 0.0) -> tuple[PinLimiter, str | None]:
    """A new process: a new limiter, read back from the file."""
    limiter = PinLimiter()
    return limiter, clocks.file(path).load_into(limiter, now)


def test_the_lockout_survives_a_restart_in_the_same_boot_whatever_the_wall_clock(tmp_path, stored):
    clocks, path = Clocks(), tmp_path / "kiosk-lockout.json"
    limiter = PinLimiter()
    lock_once(limiter, 100.0, stored)
    limiter.check("9", stored, 130.5)  # a fourth wrong try after the first lockout: one failure counted
    clocks.file(path).write(clocks.file(path).record(limiter, 130.5))
    clocks.mono += 10  # the app crashed and systemd started it again 10 s later
    clocks.wall -= 86_400  # and someone set the clock back a day: the monotonic clock decides
    again, problem = restart(clocks, path)
    assert problem is None and again.lockouts == 1 and again.failures == 1
    assert again.wait_left(0.0) == 0.0  # that lockout was over before the restart
    lock_once(again, 0.0, stored)  # two more wrong tries (one was counted before): the second lockout, doubled
    assert again.wait_left(0.0) == pytest.approx(60)
    clocks.file(path).write(clocks.file(path).record(again, 0.0))
    clocks.mono += 20
    clocks.wall += 10 * 86_400  # the clock moved forward ten days: still 40 s to go
    third, problem = restart(clocks, path, now=500.0)
    assert problem is None and third.wait_left(500.0) == pytest.approx(40)
    assert not third.check("4711", stored, 539.0)[0] and third.check("4711", stored, 541.0)[0]


def test_after_a_reboot_the_wall_clock_counts_and_a_clock_set_back_cannot_stretch_it(tmp_path, stored):
    clocks, path = Clocks(), tmp_path / "kiosk-lockout.json"
    limiter = PinLimiter()
    lock_once(limiter, 0.0, stored)
    clocks.file(path).write(clocks.file(path).record(limiter, 0.0))
    clocks.boot, clocks.mono = "boot-2", 12.0  # rebooted: the monotonic clock started again
    clocks.wall += 10
    again, problem = restart(clocks, path)
    assert problem is None and again.wait_left(0.0) == pytest.approx(20)
    clocks.wall -= 365 * 86_400  # the clock went back a year (a flat CMOS battery)
    again, problem = restart(clocks, path)
    assert problem is None and again.wait_left(0.0) == pytest.approx(30)  # the lockout that was set, no more


@pytest.mark.parametrize("content", [
    b"",
    b"{not json",
    b"\xff\xfe{}",
    b"[]",
    json.dumps({"version": 1, "failures": -1, "lockouts": 0, "wall_until": 0, "mono_until": 0, "boot": ""}).encode(),
    json.dumps({"version": 1, "failures": 0, "lockouts": 0, "wall_until": 4e9, "mono_until": 4e9,
                "boot": "boot-1"}).encode(),  # a lockout from nowhere: tampered
    json.dumps({"version": 1, "failures": 0, "lockouts": 1, "wall_until": "soon", "mono_until": 0,
                "boot": ""}).encode(),
    json.dumps({"version": 1, "failures": 0, "lockouts": 1, "wall_until": float("nan"), "mono_until": 0,
                "boot": ""}).encode(),
    b"[" * 100_000,  # nested deep (and larger than the file may be)
])
def test_a_damaged_or_tampered_lockout_file_keeps_the_prompt_locked_for_the_longest(tmp_path, stored, content):
    clocks, path = Clocks(), tmp_path / "kiosk-lockout.json"
    path.write_bytes(content)
    limiter, problem = restart(clocks, path, now=7.0)
    assert problem is not None and str(path) in problem and "locked for 60 min" in problem
    assert limiter.wait_left(7.0) == pytest.approx(MAX_LOCKOUT_S)
    assert not limiter.check("4711", stored, 7.0 + MAX_LOCKOUT_S - 1)[0]
    lock_once(limiter, 7.0 + MAX_LOCKOUT_S, stored)  # and every later lockout is the longest too
    assert limiter.wait_left(7.0 + MAX_LOCKOUT_S) == pytest.approx(MAX_LOCKOUT_S)


def test_a_future_lockout_file_is_cut_to_the_lockout_it_names(tmp_path):
    clocks, path = Clocks(), tmp_path / "kiosk-lockout.json"
    path.write_text(json.dumps({"version": 1, "failures": 0, "lockouts": 2, "wall_until": clocks.wall + 1e8,
                                "mono_until": clocks.mono + 1e8, "boot": clocks.boot}))
    limiter, problem = restart(clocks, path)
    assert problem is None and limiter.wait_left(0.0) == pytest.approx(60)  # the second lockout, not 3 years


def test_a_fifo_or_folder_as_the_lockout_file_keeps_it_locked_without_hanging(tmp_path):
    clocks = Clocks()
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    for path in (fifo, folder):
        started = time.perf_counter()
        limiter, problem = restart(clocks, path)
        assert time.perf_counter() - started < 2
        assert problem and "not a regular file" in problem and limiter.wait_left(0.0) == MAX_LOCKOUT_S


def test_the_lockout_file_is_replaced_whole_and_nothing_else_is_left(tmp_path, stored):
    clocks, path = Clocks(), tmp_path / "state" / "kiosk-lockout.json"
    limiter = PinLimiter()
    f = clocks.file(path)
    for n in range(5):
        limiter.check(str(n), stored, float(n * 100))
        f.write(f.record(limiter, float(n * 100)))
        data = json.loads(path.read_text())
        assert data["version"] == 1 and data["failures"] == limiter.failures and data["boot"] == "boot-1"
    assert sorted(p.name for p in path.parent.iterdir()) == ["kiosk-lockout.json"]
    assert limiter.lockouts == 1 and json.loads(path.read_text())["lockouts"] == 1


def test_a_missing_lockout_file_means_no_lockout(tmp_path):
    limiter, problem = restart(Clocks(), tmp_path / "none.json")
    assert problem is None and limiter.wait_left(0.0) == 0 and limiter.lockouts == 0


def test_doubling_stops_at_the_longest_lockout(stored):
    limiter = PinLimiter()
    now = 0.0
    waits = []
    for _ in range(10):
        lock_once(limiter, now, stored)
        waits.append(limiter.wait_left(now))
        now += waits[-1]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.skipif(sys.platform != "linux", reason="boot id: Linux only")
def test_the_boot_id_is_read_on_linux():
    from hinge_timer.kiosk.pin import boot_id

    assert len(boot_id()) == 36
