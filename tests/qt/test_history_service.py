"""The history service (app/history.py) without a window, and the one route for notices
(app/messages.py): what it posts where, the resume rules, reads under another program's lock said in
words and never raised as sqlite3 errors, and a recorded run from start to its "saved" line."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from hinge_timer.app.history import NO_FOLDER, HistoryService
from hinge_timer.app.messages import MessageBridge
from hinge_timer.engine.clock import FakeClock
from hinge_timer.engine.runner import Runner
from hinge_timer.session.load import builtin_session
from hinge_timer.store.db import FILE_NAME, open_history
from hinge_timer.store.errors import HistoryDamaged, HistoryFault
from tests.drive import drive
from tests.sqlite_lock import EXCLUSIVE, held
from tests.unit.test_store import MOBILITY, Wall, add_run, start_run, timeline


class Posted(list):
    """Every notice the bridge carries, as (where, part, level, text, detail)."""

    def __init__(self, bridge: MessageBridge) -> None:
        super().__init__()
        bridge.message_posted.connect(lambda *m: self.append(tuple(m)))

    def at(self, where: str) -> list[tuple[str, ...]]:
        return [m for m in self if m[0] == where]


@pytest.fixture
def bridge(qtbot):
    b = MessageBridge()
    yield b
    b.deleteLater()


def service_on(folder, bridge, **kw) -> tuple[HistoryService, Posted]:
    posted = Posted(bridge)
    s = HistoryService(folder, bridge, **kw)
    s.ensure_open()
    return s, posted


def mobility_entry(source=None):
    return SimpleNamespace(key=MOBILITY, source=source or builtin_session(MOBILITY), session=object())


def left_running(conn, hour: int) -> int:
    """A run left running by a process that is gone (a kill), started at ``hour``."""
    runner, clock, rec = start_run(conn, wall=Wall(datetime(2026, 11, 2, hour, tzinfo=timezone.utc)))
    drive(runner, clock, until=lambda r: r.step_index > 3)
    assert rec.flush(10)
    runner.on_step = None
    rec.writer.stop()  # the process is gone: nothing more is written, nothing is closed
    conn.execute("UPDATE runs SET owner = 'gone:1' WHERE id = ?", (rec.run_id,))
    return rec.run_id


def status(conn, run_id) -> str:
    return conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]


def test_a_notice_is_logged_and_emitted_once_with_where_it_goes(bridge, caplog):
    posted = Posted(bridge)
    with caplog.at_level(logging.INFO, logger="hinge_timer.app.messages"):
        bridge.warning("session", "History not saved", part="history", detail="The history h is full.")
        bridge.info("home", "", part="history")  # clearing a part: nothing to log
    assert posted == [("session", "history", "warning", "History not saved", "The history h is full."),
                      ("home", "history", "info", "", "")]
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.WARNING, "history: The history h is full.")]
    with pytest.raises(ValueError, match="no such place"):
        bridge.info("dialog", "x")  # type: ignore[arg-type]


def test_opening_says_on_home_what_was_found(tmp_path, bridge):
    (tmp_path / FILE_NAME).write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    s, posted = service_on(tmp_path, bridge)
    ((where, part, level, text, _),) = posted
    assert (where, part, level) == ("home", "history", "warning")
    assert str(s.history.moved_to) in text and "nothing was deleted" in text
    s.close()
    again, posted = service_on(tmp_path, bridge)
    assert posted == [("home", "history", "info", "", "")]  # all well: Home's history notice is cleared
    again.close()
    none = HistoryService(None, bridge)
    assert none.ensure_open() is None and none.page().notice == NO_FOLDER and not none.readable


def test_reads_of_a_history_damaged_while_open_are_said_in_words_not_raised(tmp_path, bridge):
    s, posted = service_on(tmp_path, bridge)
    for day in range(1, 200):
        add_run(s.history.conn, datetime(2026, 1, 1).date().replace(day=1 + day % 28, month=1 + day % 12))
    assert len(s.page().runs) == 199 and s.runs_today() == 0  # (a person's runs: not a kiosk's)
    db = tmp_path / FILE_NAME
    plain = sqlite3.connect(db)
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself ...
    plain.close()
    os.truncate(db, 3 * 4096)  # ... and then most of them gone (a disk going bad, a sync tool's half copy)
    posted.clear()
    assert s.page() is None and s.suggestion(MOBILITY) is None and s.runs_today() is None
    with pytest.raises(HistoryDamaged) as info:
        s.export_csv(tmp_path / "out.csv")
    assert not isinstance(info.value, sqlite3.Error) and str(db) in str(info.value)
    home = posted.at("home")
    assert [m[3].split(".")[0] for m in home] == ["History: reading the runs failed",
                                                   "History: reading the last runs failed"]
    assert all(m[2] == "warning" and f"The history {db} is damaged" in m[3] for m in home)
    assert len(posted.at("log")) == 1  # the kiosk's count is a nicety: logged, not shown
    s.close()


def test_a_history_another_program_holds_is_said_on_its_page_and_not_exported(tmp_path, bridge):
    open_history(tmp_path).close()
    with held(tmp_path / FILE_NAME, EXCLUSIVE):
        s, posted = service_on(tmp_path, bridge)
        page = s.page()
    assert s.history.locked and not page.readable and page.runs == []
    assert "in use by another program" in page.notice and "in use by another program" in posted[0][3]
    with pytest.raises(HistoryFault):
        s.export_csv(tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    s.close()


def test_the_newest_interrupted_run_is_offered_and_older_ones_are_given_up(tmp_path, bridge):
    s, _posted = service_on(tmp_path, bridge)
    conn = s.history.conn
    older, newer = left_running(conn, 8), left_running(conn, 9)
    offer = s.find_interrupted(lambda key: mobility_entry() if key == MOBILITY else None)
    assert offer is s.offer and offer.run.id == newer and offer.resumable
    assert offer.text.startswith(f"Resume: {offer.run.resume_label}. Hip hinge mobility (low dose, started ")
    assert status(conn, older) == "interrupted" and status(conn, newer) == "running"
    assert s.take_offer() is offer and s.offer is None
    s.close()


def test_a_run_whose_session_changed_or_is_gone_is_offered_only_to_be_discarded(tmp_path, bridge):
    s, _posted = service_on(tmp_path, bridge)
    conn = s.history.conn
    run = left_running(conn, 8)
    changed = tmp_path / "changed.toml"
    changed.write_bytes(builtin_session(MOBILITY).read_bytes() + b"\n# changed\n")
    for entry, why in ((mobility_entry(changed), "its session file has changed since"),
                       (None, "its session file cannot be found or opened")):
        offer = s.find_interrupted(lambda _key, e=entry: e)
        assert not offer.resumable and offer.entry is None and f"It cannot be resumed: {why}." in offer.text
        assert s.take_offer() is None and s.offer is offer  # still offered, for discarding
    s.discard_offer()
    assert s.offer is None and status(conn, run) == "interrupted"
    assert s.find_interrupted(lambda _key: mobility_entry()) is None  # not offered again
    s.close()


def test_a_kiosks_service_offers_no_run_gives_no_advice_and_gives_up_every_interrupted_run(tmp_path, bridge):
    s, _posted = service_on(tmp_path, bridge, anonymous=True)
    conn = s.history.conn
    runs = [left_running(conn, 8), left_running(conn, 9)]
    assert s.find_interrupted(lambda _key: mobility_entry()) is None and s.offer is None
    assert [status(conn, r) for r in runs] == ["interrupted", "interrupted"]
    assert not s.advises and s.suggestion(MOBILITY) is None
    s.close()


def test_a_recorded_run_from_its_start_to_its_saved_line(qtbot, tmp_path, bridge):
    s, posted = service_on(tmp_path, bridge)
    posted.clear()
    tl = timeline()
    clock = FakeClock()
    runner = Runner(tl, clock)
    assert s.start_recording(mobility_entry(), tl, runner, None) == (0, None)
    assert posted == [("session", "history", "info", "", "")]  # a new run: the last one's notice goes
    rec = s.recorder
    runner.start(clock())
    drive(runner, clock)
    qtbot.waitUntil(lambda: rec.saved, timeout=10_000)  # the writer's news, handed over on this thread
    assert posted.at("done")[-1] == ("done", "saved", "info", "Saved in your history (Ctrl+H).", "")
    (row,) = s.page().runs
    assert row.status == "completed" and row.title == "Hip hinge mobility"
    s.end_recording()
    assert s.recorder is None
    s.on_recorder_problem("The history h is full.", rec)  # an earlier run's news: the log only
    assert posted[-1] == ("log", "history", "warning", "The history h is full.", "")
    post = s.writer_post()
    s.settle(0.5)
    assert post.closed
    s.close()
