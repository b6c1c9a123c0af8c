"""The wrong-PIN lockout when it cannot be saved: the kiosk fails closed.

A data folder on a real read-only disk (a tmpfs, remounted read-only: root can write through a chmod,
not through a read-only mount), and a file where the folder should be.  The kiosk says so on the
tiles for the administrator and keeps the PIN prompt locked for the longest lockout, across a restart;
once the folder takes writes again, the notice goes.  And every PIN is on disk as a wrong one before
it is checked, so a crash during or right after the check cannot lose the try.
"""

from __future__ import annotations

import json

import pytest

from hinge_timer.kiosk.pin import LOCKOUT_FILE, MAX_LOCKOUT_S, hash_pin
from tests.integration.test_store_disk import remount, small_disk  # noqa: F401 (the fixture)
from tests.qt.test_kiosk import Kiosk, hold_chord

STORED = hash_pin("4711", iterations=2_000)


def shut(k: Kiosk) -> None:
    w = k.window
    if w.kiosk is not None:
        w.kiosk.close()  # the last write reaches the disk, as when the app exits
        w.kiosk.allow_exit = True
        w.close()
    w.end_driver()
    if w.history_service.history is not None:
        w.history_service.history.close()


def prompts(fake_dialogs) -> int:
    return getattr(fake_dialogs, "pin_prompts", 0)


def test_a_read_only_data_folder_keeps_the_pin_prompt_locked_and_says_so(qtbot, tmp_path, fake_dialogs,
                                                                         small_disk):  # noqa: F811
    (tmp_path / "data").symlink_to(small_disk)  # the kiosk's data folder is the disk
    remount(small_disk, "ro")
    try:
        first = Kiosk(qtbot, tmp_path, pin_hash=STORED)
        try:
            notice = first.window.kiosk_home.admin
            assert notice.isVisible()
            text = notice.text()
            assert f"the PIN lockout cannot be saved to {tmp_path / 'data' / LOCKOUT_FILE}" in text
            assert "Read-only file system" in text and "locked for 60 min" in text
            fake_dialogs.pins = ["4711"]
            hold_chord(first, 3.25)
            assert prompts(fake_dialogs) == 0 and first.window.isVisible()  # not asked: a guess would be forgotten
            said = fake_dialogs.errors[-1][1]
            assert "Try again in 60 min" in said and "cannot be saved" in said
        finally:
            shut(first)
        # The kiosk is restarted (a crash, a power cut): still locked, from its first frame.
        second = Kiosk(qtbot, tmp_path, pin_hash=STORED)
        try:
            assert second.window.kiosk_home.admin.isVisible()
            hold_chord(second, 3.25)
            assert prompts(fake_dialogs) == 0 and second.window.isVisible()
            # The administrator makes the folder writable again; after the lockout the PIN prompt opens,
            # each try is saved, and the notice goes.
            remount(small_disk, "rw")
            second.clock.advance(MAX_LOCKOUT_S + 1)
            fake_dialogs.pins = ["1234"]
            hold_chord(second, 3.25)
            assert prompts(fake_dialogs) == 1 and fake_dialogs.errors[-1][1] == "Wrong PIN. 2 tries left."
            qtbot.waitUntil(lambda: not second.window.kiosk_home.admin.isVisible())
            assert second.window.kiosk.lockout_unsaved == ""
            fake_dialogs.pins = ["4711"]
            hold_chord(second, 3.25, release=False)
            assert not second.window.isVisible()  # the right PIN leaves
            saved = json.loads((tmp_path / "data" / LOCKOUT_FILE).read_text())
            assert saved["failures"] == 0 and saved["lockouts"] == 0
        finally:
            shut(second)
    finally:
        remount(small_disk, "rw")


def test_a_folder_that_turns_read_only_after_a_wrong_pin_locks_the_prompt(qtbot, tmp_path, fake_dialogs,
                                                                          small_disk):  # noqa: F811
    (tmp_path / "data").symlink_to(small_disk)
    k = Kiosk(qtbot, tmp_path, pin_hash=STORED)
    try:
        notice = k.window.kiosk_home.admin
        assert not notice.isVisible()  # writable at the start: nothing to say
        k.window.history_service.history.close()  # an open history keeps the disk busy: it could not be remounted
        k.window.history_service.history = None
        remount(small_disk, "ro")
        fake_dialogs.pins = ["1111"]
        hold_chord(k, 3.25)
        assert fake_dialogs.errors[-1][1] == "Wrong PIN. 2 tries left."
        qtbot.waitUntil(notice.isVisible)  # the writer thread's failure reaches the tiles
        assert "the PIN lockout cannot be saved" in notice.text()
        fake_dialogs.pins = ["4711"]
        hold_chord(k, 3.25)
        assert prompts(fake_dialogs) == 1 and k.window.isVisible()  # the longest lockout, not one more try
        assert "Try again in 60 min" in fake_dialogs.errors[-1][1]
    finally:
        remount(small_disk, "rw")
        shut(k)


def test_a_file_in_place_of_the_data_folder_keeps_the_prompt_locked(qtbot, tmp_path, fake_dialogs):
    """Needs no root: nothing can be written under a regular file."""
    (tmp_path / "data").write_text("not a folder\n")
    k = Kiosk(qtbot, tmp_path, pin_hash=STORED)
    try:
        text = k.window.kiosk_home.admin.text()
        assert k.window.kiosk_home.admin.isVisible() and "the PIN lockout cannot be saved" in text
        fake_dialogs.pins = ["4711"]
        hold_chord(k, 3.25)
        assert prompts(fake_dialogs) == 0 and k.window.isVisible()
    finally:
        shut(k)
    assert (tmp_path / "data").read_text() == "not a folder\n"  # left as it was


def test_each_pin_is_on_disk_as_a_wrong_one_before_it_is_checked(qtbot, tmp_path, fake_dialogs):
    k = Kiosk(qtbot, tmp_path, pin_hash=STORED)
    lockout = k.window.kiosk.lockout_file
    written = []
    real_write = lockout.write

    def write(record):  # the real write, and what it wrote
        real_write(record)
        written.append(json.loads(lockout.path.read_text()))

    lockout.write = write
    try:
        fake_dialogs.pins = ["1111", "2222", "3333", "4711"]
        for _ in range(2):
            hold_chord(k, 3.25)
        k.window.kiosk._writer.submit(lambda: None).result(10)  # the writer has caught up
        assert [w["failures"] for w in written] == [1, 1, 2, 2]  # before each check, then after it
        hold_chord(k, 3.25)  # the third wrong one: the lockout is on disk before the PIN is checked
        k.window.kiosk._writer.submit(lambda: None).result(10)
        assert [(w["failures"], w["lockouts"]) for w in written[4:]] == [(0, 1), (0, 1)]
        k.clock.advance(31)
        hold_chord(k, 3.25, release=False)  # the right PIN: counted as wrong first, then cleared
        assert not k.window.isVisible()
        assert [(w["failures"], w["lockouts"]) for w in written[6:]] == [(1, 1), (0, 0)]
    finally:
        shut(k)
