"""The frames between the app and its sound engine (hinge_timer/audio/wire.py): whole frames out
of bytes that come in pieces, and anything else refused before it costs memory."""

from __future__ import annotations

import struct
import tracemalloc

import pytest

from hinge_timer.audio.wire import HEAD, MAX_BODY, MAX_HEADER, Reader, WireError, frame


def test_frames_split_anywhere_come_out_whole_and_in_order():
    clip = bytes(range(256)) * 40
    data = frame({"op": "load", "key": "Jeff's curl: 7½ reps", "rate": 22050}, clip) + frame({"op": "play", "key": "x"})
    for cut in (1, 3, HEAD.size, HEAD.size + 5, len(data) - len(clip) // 2, len(data) - 1):
        reader = Reader()
        got = reader.feed(data[:cut]) + reader.feed(data[cut:])
        assert got == [({"op": "load", "key": "Jeff's curl: 7½ reps", "rate": 22050}, clip), ({"op": "play", "key": "x"}, b"")]
    reader = Reader()
    one_by_one = [f for i in range(len(data)) for f in reader.feed(data[i:i + 1])]
    assert [h["op"] for h, _b in one_by_one] == ["load", "play"]


@pytest.mark.parametrize("n_head, n_body", [(MAX_HEADER + 1, 0), (10, MAX_BODY + 1), (0xFFFFFFFF, 0xFFFFFFFF)])
def test_an_oversize_frame_is_refused_from_its_lengths_alone(n_head, n_body):
    reader = Reader()
    tracemalloc.start()
    try:
        with pytest.raises(WireError, match="too large"):
            reader.feed(struct.pack(">II", n_head, n_body))  # nothing of the body has come yet
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # never the body's size


@pytest.mark.parametrize("head", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"play"', b"null"])
def test_a_header_that_is_not_a_json_object_is_refused(head):
    with pytest.raises(WireError):
        Reader().feed(struct.pack(">II", len(head), 0) + head)
