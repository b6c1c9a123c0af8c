"""`hinge-timer history [--csv FILE]` on a real history file."""

from __future__ import annotations

import csv
from datetime import date

from hinge_timer.cli import main
from hinge_timer.store.db import FILE_NAME, open_history
from tests.unit.test_store import add_run


def make(tmp_path):
    h = open_history(tmp_path)
    add_run(h.conn, date(2026, 11, 20))
    add_run(h.conn, date(2026, 11, 21), dose="high", stop=True)
    h.close()


def test_history_prints_every_run_newest_first(tmp_path, capsys):
    make(tmp_path)
    assert main(["history", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2 runs")
    assert out[2].startswith("2026-11-21") and "stopped: Jefferson curl (it hurts)" in out[2]
    assert out[3].startswith("2026-11-20") and out[3].rstrip().endswith("complete") and " 3/3 " in out[3]


def test_history_csv_to_a_file_and_to_stdout(tmp_path, capsys):
    make(tmp_path)
    target = tmp_path / "out.csv"
    assert main(["history", "--csv", str(target), "--data-dir", str(tmp_path)]) == 0
    assert "6 rows written" in capsys.readouterr().err
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and rows[0]["started"].startswith("2026-11-20")
    assert main(["--data-dir", str(tmp_path), "history", "--csv", "-"]) == 0
    assert capsys.readouterr().out == target.read_text(encoding="utf-8")


def test_history_with_none_yet_and_with_a_newer_file(tmp_path, capsys):
    assert main(["history", "--data-dir", str(tmp_path)]) == 0
    assert "No history yet" in capsys.readouterr().err
    (tmp_path / FILE_NAME).write_bytes(b"")
    import sqlite3

    c = sqlite3.connect(tmp_path / FILE_NAME)
    c.execute("PRAGMA user_version = 99")
    c.execute("CREATE TABLE x (a)")
    c.commit()
    c.close()
    assert main(["history", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "newer Hinge Timer" in err and "Traceback" not in err


def test_a_run_in_the_terminal_goes_into_the_history(tmp_path, capsys):
    assert main(["run", "quick-warm-up", "--terminal", "--speed", "500", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["history", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("1 run") and "Quick warm-up before lifting" in out[2] and " 4/4 " in out[2]
    assert out[2].rstrip().endswith("complete")
