"""Reading only regular files, never blocking; and text from files written to a terminal escaped."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from hinge_timer.plaintext import printable, shorten
from hinge_timer.safeio import NotRegularFile, TooLarge, is_regular, read_regular, regular_files


def _read_in_thread(path: Path, limit: int = 1024) -> object:
    """read_regular in a thread, so a regression that blocks fails here instead of hanging the suite."""
    result: list[object] = []

    def run() -> None:
        try:
            result.append(read_regular(path, limit))
        except OSError as exc:
            result.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), f"reading {path} blocked"
    return result[0]


def test_regular_file_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_bytes(b"x" * 3000)
    assert read_regular(f, 3000) == b"x" * 3000


def test_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "big"
    f.write_bytes(b"x" * 2049)
    with pytest.raises(TooLarge) as info:
        read_regular(f, 2048)
    assert "2049" in str(info.value) and "2048" in str(info.value)


def test_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "session.toml"
    os.mkfifo(fifo)
    got = _read_in_thread(fifo)
    assert isinstance(got, NotRegularFile)
    assert "named pipe" in str(got.strerror)
    assert not is_regular(fifo)


def test_folder_socket_and_device_are_refused(tmp_path: Path) -> None:
    assert "folder" in str(_read_in_thread(tmp_path))
    sock_path = tmp_path / "s.toml"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        got = _read_in_thread(sock_path)
    # Opening a socket fails with ENXIO before fstat can name it; either way it is an OSError, at once.
    assert isinstance(got, OSError)
    dev = tmp_path / "zero.toml"
    dev.symlink_to("/dev/zero")  # endless: reading it would fill memory
    got = _read_in_thread(dev)
    assert isinstance(got, NotRegularFile) and "device" in str(got.strerror)


def test_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("format = 1\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert read_regular(link, 100) == b"format = 1\n"


def test_regular_files_leave_out_special_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("")
    os.mkfifo(tmp_path / "b.toml")
    (tmp_path / "c.toml").mkdir()
    (tmp_path / "d.toml").symlink_to("/dev/null")
    (tmp_path / "e.toml").symlink_to(tmp_path / "missing")
    assert [p.name for p in regular_files(tmp_path, "*.toml")] == ["a.toml"]


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("\x1b]0;owned\x07", "\\e]0;owned\\x07"),  # set the terminal title
        ("\x1b[2J", "\\e[2J"),  # clear the screen
        ("\x1b]52;c;aGk=\x07", "\\e]52;c;aGk=\\x07"),  # write the clipboard
        ("a\nother.toml: ok", "a\\nother.toml: ok"),  # a forged line
        ("a\rb", "a\\rb"),
        ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
        ("\u202egnp.exe", "\\u202egnp.exe"),  # right-to-left override
        ("\x9b31m", "\\x9b31m"),  # the 8-bit CSI
        ("tab\there", "tab\\there"),
        ("back\\slash", "back\\\\slash"),
        ("Hüftbeuge — links 🦵", "Hüftbeuge — links 🦵"),  # letters, dashes and emoji stay as they are
    ],
)
def test_printable_escapes_what_a_terminal_would_obey(raw: str, shown: str) -> None:
    out = printable(raw)
    assert out == shown
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)


def test_printable_can_keep_line_breaks_and_shorten() -> None:
    assert printable("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\e"
    assert printable("x" * 100, limit=10) == "x" * 10 + "… (90 more characters)"
    assert shorten("abcdef", 3) == "abc… (3 more characters)"
    assert shorten("abc", 3) == "abc"
