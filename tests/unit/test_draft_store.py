"""Drafts kept on disk while editing (session/draft.py DraftStore): written by a worker thread, newest
state only, offered back after a crash, anything damaged or foreign skipped and left alone."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from hinge_timer.session.draft import KEPT_MAX_BYTES, Draft, DraftConflict, DraftStore
from hinge_timer.session.load import load_session

OWN = """\
# Mum's balance routine (physio, week 4)
format = 1
title = "Mum's balance, week 4"

[defaults]
get_ready = 12  # she needs to hold the chair first

[[drill]]
name = "Heel raises by the chair"
reps = [8, 12]
sets = 2

[[drill]]
name = "One-leg stand"
hold = 25
sides = ["left", "right"]
"""


@pytest.fixture
def own(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    p = folder / "balance.toml"
    p.write_text(OWN, encoding="utf-8")
    return p


@pytest.fixture
def store(tmp_path: Path):
    s = DraftStore(tmp_path / "data" / "drafts", delay=0.05)
    yield s
    s.close()


def files(store: DraftStore) -> list[str]:
    return sorted(p.name for p in store.folder.iterdir()) if store.folder.exists() else []


def test_a_kept_draft_comes_back_with_its_edits(own: Path, store: DraftStore, tmp_path: Path):
    d = Draft.open(own)
    d.set(("drill", 1, "hold"), [25, 40])
    d.move_drill(1, 0)
    d.set(("title",), "Mum's balance, week 5")
    store.keep(d)
    assert store.flush()
    assert store.pending() == []  # this editor is still open: not offered to itself
    after_crash = DraftStore(store.folder)
    try:
        (kept,) = after_crash.pending()
        assert kept.path == own and kept.title == "Mum's balance, week 5" and kept.id == d.id
        assert kept.file == store.folder / f"{d.id}.json"
        back = Draft.from_kept(kept)
        assert back.data == d.data and back.dirty and back.path == own
        assert back.text() == d.text()  # the moved drill keeps its place and comments
        back.save(own.parent)
        assert [x.name for x in load_session(own).drills] == ["One-leg stand", "Heel raises by the chair"]
        assert "# she needs to hold the chair first" in own.read_text(encoding="utf-8")
        after_crash.forget(back)
        assert after_crash.flush() and files(after_crash) == []
    finally:
        after_crash.close()


def test_a_new_session_never_saved_comes_back_dirty(store: DraftStore, tmp_path: Path):
    d = Draft.new("Lunch break stretch")
    d.set(("drill", 0, "name"), "Doorway chest stretch")
    store.keep(d)
    assert store.flush()
    (kept,) = DraftStore(store.folder).pending()
    back = Draft.from_kept(kept)
    assert kept.path is None and back.path is None and back.dirty and back.check().ok
    saved = back.save(tmp_path / "sessions")
    assert saved.name == "lunch-break-stretch.toml"


def test_a_draft_of_a_file_changed_since_is_a_conflict(own: Path, store: DraftStore):
    d = Draft.open(own)
    d.set(("drill", 0, "sets"), 3)
    store.keep(d)
    assert store.flush()
    own.write_text(OWN.replace("hold = 25", "hold = 30"), encoding="utf-8")  # edited by hand meanwhile
    (kept,) = DraftStore(store.folder).pending()
    back = Draft.from_kept(kept)
    assert back.changed_on_disk()
    with pytest.raises(DraftConflict):
        back.save(own.parent)


def test_keeps_are_coalesced_and_the_newest_is_written(own: Path, tmp_path: Path):
    store = DraftStore(tmp_path / "drafts", delay=0.3)
    try:
        d = Draft.open(own)
        for n in range(1, 200):
            d.set(("drill", 0, "reps"), n % 100 + 1)
            store.keep(d)
        assert store.flush()
        (kept,) = DraftStore(store.folder).pending()
        assert Draft.from_kept(kept).get(("drill", 0, "reps")) == 100
        assert files(store) == [f"{d.id}.json"]  # no temporary files left
    finally:
        store.close()


def test_keep_returns_at_once_while_the_disk_is_slow(own: Path, tmp_path: Path, monkeypatch):
    gate = threading.Event()
    import hinge_timer.session.draft as draft_module

    real = draft_module.write_atomic

    def slow_write(path, data):
        gate.wait(5)
        real(path, data)

    monkeypatch.setattr(draft_module, "write_atomic", slow_write)
    store = DraftStore(tmp_path / "drafts", delay=0.0)
    try:
        d = Draft.open(own)
        d.set(("title",), "T")
        store.keep(d)
        start = time.monotonic()
        for n in range(50):
            d.set(("title",), f"T{n}")
            store.keep(d)
        assert time.monotonic() - start < 0.5  # never waits on the disk
        assert not store.flush(timeout=0.1)  # bounded: the write is still held up
        gate.set()
        assert store.flush()
        (kept,) = DraftStore(store.folder).pending()
        assert kept.title == "T49"
    finally:
        gate.set()
        store.close()


def test_forget_and_discard_remove_the_kept_file(own: Path, store: DraftStore):
    d1, d2 = Draft.open(own), Draft.new()
    d1.set(("title",), "One")
    d2.set(("title",), "Two")
    store.keep(d1)
    store.keep(d2)
    assert store.flush() and len(files(store)) == 2
    store.forget(d1)
    assert store.flush() and files(store) == [f"{d2.id}.json"]
    other = DraftStore(store.folder)
    try:
        (kept,) = other.pending()
        other.discard(kept)
        assert other.flush() and files(other) == []
    finally:
        other.close()


def test_a_write_that_fails_is_logged_and_later_ones_still_work(own: Path, tmp_path: Path, caplog):
    blocker = tmp_path / "drafts"
    blocker.write_text("a file where the folder should be")
    store = DraftStore(blocker, delay=0.0)
    try:
        first = Draft.open(own)
        first.set(("title",), "One")
        store.keep(first)
        assert store.flush()
        assert "could not keep the draft" in caplog.text
        blocker.unlink()
        d = Draft.new()
        d.set(("title",), "Two")
        store.keep(d)
        assert store.flush() and (blocker / f"{d.id}.json").exists()
    finally:
        store.close()


def _valid_doc(store: DraftStore, own: Path) -> dict:
    d = Draft.open(own)
    d.set(("drill", 0, "sets"), 3)
    store.keep(d)
    assert store.flush()
    path = store.folder / f"{d.id}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return doc


@pytest.mark.parametrize("damage", [
    "not json", "truncated", "a list", "version 2", "id not hex", "name not its id", "data a list",
    "origins wrong length", "origin negative", "kept_at not a date", "text missing", "null in data",
    "too big", "a fifo", "a folder",
])
def test_damaged_and_foreign_files_are_skipped_and_left_alone(own: Path, store: DraftStore, damage: str):
    doc = _valid_doc(store, own)
    good = DraftStore(store.folder)  # a second store: the first would not offer its own draft
    name = f"{doc['id']}.json"
    target = store.folder / name
    body = json.dumps(doc)
    if damage == "not json":
        body = "{{{"
    elif damage == "truncated":
        body = body[: len(body) // 2]
    elif damage == "a list":
        body = "[1, 2]"
    elif damage == "version 2":
        body = json.dumps({**doc, "version": 2})
    elif damage == "id not hex":
        name = "zz.json"
        target = store.folder / name
        body = json.dumps({**doc, "id": "zz"})
    elif damage == "name not its id":
        target = store.folder / ("0" * 32 + ".json")
    elif damage == "data a list":
        body = json.dumps({**doc, "data": []})
    elif damage == "origins wrong length":
        body = json.dumps({**doc, "origins": [0]})
    elif damage == "origin negative":
        body = json.dumps({**doc, "origins": [-1, 1]})
    elif damage == "kept_at not a date":
        body = json.dumps({**doc, "kept_at": "yesterday"})
    elif damage == "text missing":
        body = json.dumps({k: v for k, v in doc.items() if k != "original_text"})
    elif damage == "null in data":
        body = json.dumps({**doc, "data": {**doc["data"], "title": None}})
    elif damage == "too big":
        body = json.dumps({**doc, "original_text": "#" * KEPT_MAX_BYTES})
    if damage == "a fifo":
        os.mkfifo(target)
    elif damage == "a folder":
        target.mkdir()
    else:
        target.write_text(body, encoding="utf-8")
    try:
        assert good.pending() == []
        assert target.exists()  # never deleted: it may be someone's
    finally:
        good.close()


def test_every_good_draft_is_offered_newest_first_beside_a_bad_one(own: Path, store: DraftStore):
    a, b = Draft.open(own), Draft.new("Second")
    a.set(("drill", 0, "sets"), 3)
    b.set(("drill", 0, "hold"), 30)
    store.keep(a)
    assert store.flush()
    store.keep(b)
    assert store.flush()
    (store.folder / "notes.json").write_text("{}", encoding="utf-8")
    other = DraftStore(store.folder)
    try:
        assert [k.title for k in other.pending()] == ["Second", "Mum's balance, week 4"]
    finally:
        other.close()


def test_close_writes_what_is_queued_and_stops_the_thread(own: Path, tmp_path: Path):
    store = DraftStore(tmp_path / "drafts", delay=30.0)  # only close() can make it write now
    d = Draft.open(own)
    d.set(("drill", 0, "sets"), 3)
    store.keep(d)
    store.close()
    assert (tmp_path / "drafts" / f"{d.id}.json").exists()
    assert not store._thread.is_alive()
    store.keep(d)  # after close: ignored, never raises


def test_a_file_with_dates_and_odd_values_round_trips(tmp_path: Path, store: DraftStore):
    p = tmp_path / "odd.toml"
    p.write_text('format = 1\ntitle = "Odd"\nwhen = 2024-03-01T07:30:00Z\nday = 2024-03-01\n'
                 'at = 07:30:00\nratio = 1.5\nflag = true\n\n[[drill]]\nname = "A"\nhold = 60\n',
                 encoding="utf-8")
    d = Draft.open(p)
    assert not d.check().ok  # unknown keys: opens all the same
    d.set(("drill", 0, "hold"), 45)
    store.keep(d)
    assert store.flush()
    other = DraftStore(store.folder)
    try:
        (kept,) = other.pending()
        back = Draft.from_kept(kept)
        assert back.data == d.data and type(back.get(("flag",))) is bool
        assert back.dirty
        back.undo()  # nothing to undo: the kept edits are the start of its history
        assert back.get(("drill", 0, "hold")) == 45
    finally:
        other.close()


def test_a_draft_undone_back_to_its_file_is_not_kept(own: Path, store: DraftStore):
    d = Draft.open(own)
    d.set(("title",), "Changed")
    store.keep(d)
    assert store.flush() and files(store) == [f"{d.id}.json"]
    d.undo()
    store.keep(d)
    assert store.flush() and files(store) == []


def test_a_draft_another_running_copy_is_keeping_is_not_offered(own: Path, store: DraftStore):
    """Two copies of the app on one data folder: the second does not offer (nor discard) what the first is
    still editing; once that process is gone (killed), its draft is offered."""
    import signal
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from pathlib import Path
from hinge_timer.session.draft import Draft, DraftStore
s = DraftStore(Path({str(store.folder)!r}), delay=0.01)
d = Draft.open(Path({str(own)!r}))
d.set(("title",), "Edited in the other window")
s.keep(d)
assert s.flush()
print("kept", flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "kept"
        assert len(files(store)) == 1
        assert store.pending() == []  # the other window is still editing it
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        if child.stdout is not None:
            child.stdout.close()
    (kept,) = store.pending()
    assert kept.title == "Edited in the other window"
