"""Another program holding a history's SQLite lock: a real second process (for the lock tests)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

LOCK = {
    "immediate": "BEGIN IMMEDIATE",  # the write lock; in WAL mode others may still read
    "exclusive": "BEGIN EXCLUSIVE",
}
# What other programs do: sqlite3 with `.open` and a long transaction, a backup tool taking the whole file.
EXCLUSIVE = ["PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "SELECT count(*) FROM runs"]
ROLLBACK_JOURNAL = ["PRAGMA journal_mode = DELETE", "BEGIN EXCLUSIVE", "UPDATE runs SET title = title"]
WRITE_LOCK = ["BEGIN EXCLUSIVE"]  # in WAL mode: others may still read

HOLDER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
for statement in sys.argv[2:]:
    c.execute(statement)
print("locked", flush=True)
sys.stdin.read()  # until the test lets go
c.execute("COMMIT") if c.in_transaction else None
"""


@contextmanager
def held(path: Path, statements: str | Sequence[str]) -> Iterator[subprocess.Popen[str]]:
    """Another program holding ``path``'s lock until the block ends (or :func:`release`): it runs
    ``statements`` (one, or a list) and waits on its stdin; then commits and exits."""
    todo = [statements] if isinstance(statements, str) else list(statements)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), *todo], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        release(proc)


def release(proc: subprocess.Popen[str]) -> None:
    """Let go of the lock (the holder commits and exits; it must exit cleanly)."""
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.close()
        code = proc.wait(timeout=30)
        assert code == 0, f"the lock holder exited with {code}"
    if proc.stdout is not None:
        proc.stdout.close()
