"""Run Orca (under the system python3, where Orca lives) with its debug file written a line at a time.

Orca opens ``--debug-file`` with Python's default buffering and never flushes it, so a test reading the
file while Orca runs would see what it said only kilobytes later.  This opens that one file line-buffered
and otherwise runs /usr/bin/orca unchanged:  ``python3 tests/orca_line_buffered.py ORCA-ARGS...``."""

import builtins
import runpy
import sys

args = sys.argv[1:]
debug_file = args[args.index("--debug-file") + 1] if "--debug-file" in args else None
_open = builtins.open


def _line_buffered(file, mode="r", *rest, **kw):
    if debug_file is not None and file == debug_file and "w" in mode:
        return _open(file, mode, buffering=1, encoding="utf-8", errors="replace")
    return _open(file, mode, *rest, **kw)


builtins.open = _line_buffered
sys.argv = ["orca", *args]
runpy.run_path("/usr/bin/orca", run_name="__main__")
