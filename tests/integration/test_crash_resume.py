"""Crash safety for real: the app as a real process, killed with SIGKILL at random moments, restarted.

Each cycle starts `hinge-timer run tests/data/crash.toml` (or `hinge-timer resume` when the history
holds an interrupted run) at --speed, kills it with SIGKILL after a random delay, and checks:
- `PRAGMA integrity_check` says ok;
- every step that was finished before the kill (the event log shows the step after it began) is in
  the history, cumulatively over every process that worked on the run (each boundary is committed
  before its step's cues fire; only one handed to the writer thread because another program held the
  lock could be lost, and nothing holds it here);
- the next process resumes at the start of the step that was running when the kill came.

The seed is printed; HINGE_CRASH_SEED=N repeats a run of kills, HINGE_CRASH_KILLS=N changes their number.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hinge_timer.session.load import load_session
from hinge_timer.session.timeline import StepKind, compile_timeline
from tests.conftest import REPO

SESSION = REPO / "tests" / "data" / "crash.toml"
SPEED = 20
SEED = int(os.environ.get("HINGE_CRASH_SEED", "20261123"))
KILLS = int(os.environ.get("HINGE_CRASH_KILLS", "50"))

pytestmark = pytest.mark.slow


def steps_logged(log: Path) -> list[int]:
    """The steps the process entered, in order (a line cut off by the kill is ignored)."""
    out = []
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("t") == "step":
                out.append(rec["step"])
    return out


def wait_for(log: Path, text: str, proc: subprocess.Popen, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.01)
    raise AssertionError(f"{text!r} never appeared in {log}")


def open_run(db: Path) -> tuple[int, int] | None:
    """(run id, resume step) of the run a restart would resume, if any."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT id, resume_step FROM runs WHERE status = 'running' AND resume_step IS NOT NULL"
                           " ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def test_sigkill_at_random_moments_loses_nothing_and_resumes_where_it_was(tmp_path):
    rng = random.Random(SEED)
    print(f"crash test seed {SEED}, {KILLS} kills")
    timeline = compile_timeline(load_session(SESSION))
    work = {s.index for s in timeline.steps if s.kind is StepKind.WORK}
    wall = timeline.total / SPEED
    data = tmp_path / "data"
    db = data / "history.sqlite3"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    finished_in: dict[int, set[int]] = {}  # run id -> work steps seen finished before a kill
    expect_resume: int | None = None
    resumed = completed = 0
    for cycle in range(KILLS):
        log = tmp_path / f"events-{cycle}.jsonl"
        pending = open_run(db) if db.exists() else None
        if pending is not None:
            args = ["resume"]
            run_id, resume_step = pending
            assert expect_resume is not None
            assert resume_step == expect_resume, f"cycle {cycle}: checkpoint {resume_step}, running {expect_resume}"
        else:
            args = ["run", str(SESSION)]
            run_id = None
        proc = subprocess.Popen(
            [sys.executable, "-m", "hinge_timer", *args, "--speed", str(SPEED), "--data-dir", str(data),
             "--audio", "none", "--event-log", str(log)],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(log, '"t":"start"', proc)
            time.sleep(rng.uniform(0.0, wall * 1.15))  # now and then after the end, on the done screen
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            if proc.stderr:
                proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL

        entered = steps_logged(log)
        if pending is not None and entered:
            # the resumed process began exactly at the step that was running when the last kill came
            assert entered[0] == pending[1], f"cycle {cycle}: resumed at {entered[0]}, expected {pending[1]}"
            resumed += 1

        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            if run_id is None:
                row = conn.execute("SELECT max(id) FROM runs").fetchone()
                run_id = row[0]
            if run_id is None:
                expect_resume = None
                continue  # killed before the run's first write: nothing to lose
            done_rows = {r[0] for r in conn.execute("SELECT step FROM sets WHERE run_id = ? AND status = 'done'",
                                                    (run_id,))}
            status, checkpoint = conn.execute("SELECT status, resume_step FROM runs WHERE id = ?",
                                              (run_id,)).fetchone()
        finally:
            conn.close()
        finished = finished_in.setdefault(run_id, set())
        finished |= {s for s in entered[:-1] if s in work}  # every step before the last one entered ended
        missing = finished - done_rows
        assert not missing, f"cycle {cycle}: finished steps {sorted(missing)} are not in the history"
        if status == "completed":
            completed += 1
            assert done_rows == work
            expect_resume = None
            continue
        assert status == "running"
        if entered:
            # The checkpoint is written at the boundary before the step's line is logged, so a kill in
            # between (microseconds) leaves it one step ahead, with the step before it saved as done.
            last = entered[-1]
            assert checkpoint == last or (checkpoint == last + 1 and (last not in work or last in done_rows)), (
                f"cycle {cycle}: checkpoint {checkpoint}, last step logged {last}")
            expect_resume = checkpoint
        else:
            expect_resume = checkpoint if pending is None else pending[1]
    print(f"{KILLS} kills: {resumed} resumed runs, {completed} runs finished between kills")
    assert resumed >= KILLS // 4 and completed >= 1  # the seed gives a real mix, not only early kills


def test_resume_with_nothing_to_resume_says_so(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "hinge_timer", "resume", "--data-dir", str(tmp_path), "--audio",
                           "none"], capture_output=True, text=True, timeout=60, cwd=REPO, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "there is no interrupted run to resume" in proc.stderr and "Traceback" not in proc.stderr
