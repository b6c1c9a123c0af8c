"""Another program holding a history's SQLite lock: a real second process (for the lock tests)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

LOCK = {
    "immediate": "BEGIN IMMEDIATE",
    "exclusive": "BEGIN EXCLUSIVE",
}


@contextmanager
def held(path: Path, begin: str):
    """Another program holding ``path``'s write lock until the block ends (its stdin is closed)."""
    code = ("import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
            f"c.execute({begin!r}); print('locked', flush=True); sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        release(proc)


def release(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()
